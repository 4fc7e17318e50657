"""Shell completion for bash, zsh and fish: `--install-completion`, `--show-completion SHELL`.

Typer's own completion options auto-detect the shell when shellingham is installed (it always
is, as Typer depends on it) and then ignore a shell named on the command line, so
`--show-completion zsh` in bash printed the bash script. kl declares the two options itself on
its root group and reuses Typer's scripts, installer and completion protocol (the
`_KL_COMPLETE` variable). The formatters below differ from Typer's in three ways: help texts
do not pass through Rich, so completing never imports rich (it costs a TAB press ~60 ms) and
keeps the square brackets of our help texts; only values from a safe alphabet are offered; and
zsh's output is quoted for every level zsh undoes (Typer's misses the backslash, which let a
knowledge base run commands). Completion output is inert in every shell:

- bash: Typer's script runs `COMPREPLY=( $(kl) )`: each line is globbed, and the one offered
  value is put into the command line as it is. Only values are printed, and only values that are
  ids, commands, options or choices of kl, from [A-Za-z0-9._-] (the schema's id alphabet).
- fish: `complete --arguments "(kl)"` takes each line as `value<TAB>description` without
  evaluating it, and quotes a value it inserts: help texts arrive on one line, as written.
- zsh: see `zsh_quote`; the same safe values, and help texts exactly as written.

Typer is pinned below 0.29: the private modules used here are part of that pin.
"""

from __future__ import annotations

import os
import re
from typing import Any

import typer
from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete as TyperBashComplete
from typer._completion_classes import FishComplete as TyperFishComplete
from typer._completion_classes import ZshComplete as TyperZshComplete
from typer.core import TyperGroup, TyperOption

SHELLS = ("bash", "zsh", "fish")


def _plain_help(text: str) -> str:
    from kl_cli.present.formats import inert

    return inert(re.sub(r"\s+", " ", text), single_line=True)


# What completion may offer: kl's commands, options and choices, and the ids of its knowledge
# base, which the schema keeps to [a-z0-9._-]. Anything else (an id from a forged cache entry,
# the typed word that Click's file types echo back) is never offered: with nothing to offer,
# each shell falls back to its own file completion.
SAFE_VALUE = re.compile(r"[A-Za-z0-9._-]+\Z")


def offerable(items: list[CompletionItem]) -> list[CompletionItem]:
    """The items a shell may be given: plain values from the safe alphabet."""
    return [
        item
        for item in items
        if item.type == "plain" and isinstance(item.value, str) and SAFE_VALUE.match(item.value)
    ]


_DQUOTE_SPECIAL = re.compile(r'([\\"$`])')


def zsh_quote(text: str) -> str:
    """`text` as a word of Typer's zsh protocol, `_arguments '*: :(("value":"help" ...))'`,
    that zsh shows and inserts exactly as `text` (one line: whitespace runs are collapsed).

    zsh undoes four levels, which are quoted here innermost first:
    4. _describe (compdescribe) splits value from help at the first bare colon and then removes
       one backslash before any character: backslash and colon get a backslash;
    3. _arguments evals the list (`eval ws=( LIST )`), where each word is in double quotes:
       backslash, double quote, dollar and backtick get a backslash;
    2. comparguments removes a backslash before a colon from the spec (its `rembslashcolon`):
       every colon gets one more, which that pass removes again;
    1. the script runs `eval $(kl ...)`, where the list is inside single quotes, split at
       whitespace and joined with single spaces: a single quote becomes '\\'' .
    """
    text = re.sub(r"\s+", " ", text)
    text = text.replace("\\", "\\\\").replace(":", "\\:")
    text = '"' + _DQUOTE_SPECIAL.sub(r"\\\1", text) + '"'
    text = text.replace(":", "\\:")
    return text.replace("'", "'\\''")


class BashComplete(TyperBashComplete):
    """Typer's bash protocol; offers only safe values (bash shows no help texts)."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return offerable(super().get_completions(args, incomplete))


class ZshComplete(TyperZshComplete):
    """Typer's zsh protocol; safe values, help as it is written (not through Rich), quoted
    for every level of evaluation zsh applies."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return offerable(super().get_completions(args, incomplete))

    def format_completion(self, item: CompletionItem) -> str:
        value = zsh_quote(item.value)
        return f"{value}:{zsh_quote(_plain_help(item.help))}" if item.help else value


class FishComplete(TyperFishComplete):
    """Typer's fish protocol; safe values, help as it is written (not through Rich)."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return offerable(super().get_completions(args, incomplete))

    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.value}\t{_plain_help(item.help)}" if item.help else item.value


def register_shells() -> None:
    """Make `_KL_COMPLETE=complete_SHELL` use these formatters (Click's registry of shells)."""
    add_completion_class(BashComplete, "bash")
    add_completion_class(ZshComplete, "zsh")
    add_completion_class(FishComplete, "fish")


def _names(ctx: Any) -> tuple[str, str]:
    prog = ctx.find_root().info_name or "kl"
    return prog, "_{}_COMPLETE".format(prog.replace("-", "_").upper())


def script(shell: str, prog: str = "kl") -> str:
    """The completion script for a shell, as `--show-completion SHELL` prints it."""
    from typer._completion_shared import get_completion_script

    var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    return get_completion_script(prog_name=prog, complete_var=var, shell=shell)


def _show(ctx: Any, param: Any, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from kl_cli.cli.output import guarded, write_out

    shell = value.strip().lower()
    if shell not in SHELLS:
        raise typer.BadParameter(f"choose bash, zsh or fish, not {value!r}")

    def run() -> None:
        write_out(script(shell, _names(ctx)[0]) + "\n")

    guarded(run)
    raise typer.Exit(0)


def detect_shell() -> str | None:
    """The shell kl runs under (via shellingham, as Typer does), else $SHELL's name."""
    from typer._completion_shared import _get_shell_name

    from kl_cli.cli.env import env

    name = _get_shell_name() or os.path.basename(env().get("SHELL")) or None
    return name.lower() if name else None


def _install(ctx: Any, param: Any, value: bool | None) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    from kl_cli.cli.output import guarded, write_out
    from kl_cli.errors import OutputFailed

    shell = detect_shell()
    if shell not in SHELLS:
        found = f"found {shell!r}" if shell else "cannot tell which shell this is"
        raise typer.BadParameter(
            f"{found}; completion is for bash, zsh or fish: put the output of "
            "'kl --show-completion SHELL' in your shell's start-up file"
        )
    prog, var = _names(ctx)

    def run() -> None:
        try:
            _, path = install(shell=shell, prog_name=prog, complete_var=var)
        except OSError as e:
            raise OutputFailed(f"cannot install completion: {e}") from None
        write_out(f"{shell} completion installed in {path}\nIt works in new {shell} sessions.\n")

    guarded(run)
    raise typer.Exit(0)


def _complete_shell(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    return [s for s in SHELLS if s.startswith(incomplete.lower())]


def completion_options() -> list[TyperOption]:
    return [
        TyperOption(
            param_decls=["--install-completion"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_install,
            help="Install shell completion for the current shell (bash, zsh or fish) and exit.",
        ),
        TyperOption(
            param_decls=["--show-completion"],
            metavar="SHELL",
            expose_value=False,
            is_eager=True,
            callback=_show,
            autocompletion=_complete_shell,
            help="Print the completion script for SHELL (bash, zsh or fish) and exit.",
        ),
    ]


# --- ids of values, bodies and paragraphs -------------------------------------------------------


def ids(ctx: Any, kind: str, incomplete: str) -> list[tuple[str, str]]:
    """(word, what it is) for the entries of a kind (kl_cli/core/kinds.py) whose id (or number)
    starts with `incomplete`, from the knowledge base in use; none if it cannot be read."""
    from kl_cli.cli.command import user_cache
    from kl_cli.cli.options import data_of, lang_of
    from kl_cli.core.folding import fold
    from kl_cli.store.load import load

    lang = lang_of(ctx, strict=False)
    try:
        data = data_of(ctx, strict=False)
        kb = load(data, user_cache() if data is not None else None).kb
    except Exception:  # completion must never print an error into the command line
        return []
    import itertools

    from kl_cli.core.kinds import kind as kind_of

    described = kind_of(kind)
    if described.complete is None:
        return []
    words = [described.complete(entry, lang) for entry in described.entries(kb)]
    # every entry's own id first, then the other words it answers to (a value's number)
    pairs = [p for rank in itertools.zip_longest(*words) for p in rank if p is not None]
    prefix = fold(incomplete, True)
    return [(i, _plain_help(h)) for i, h in pairs if fold(i, True).startswith(prefix)]


def autocomplete(kind: str) -> Any:
    """An `autocompletion=` callback offering the ids of `kind`, described in zsh and fish."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        return ids(ctx, kind, incomplete)

    return complete


def paragraph_items(ctx: Any, incomplete: str) -> list[CompletionItem]:
    """Statute paragraph ids as completion items (for `kl statutes <TAB>`)."""
    if incomplete.startswith("-"):
        return []
    return [CompletionItem(i, help=h) for i, h in ids(ctx, "paragraph", incomplete)]


class KlGroup(TyperGroup):
    """The root group: kl's own completion options and shell formatters."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.params.extend(completion_options())

    def main(self, *args: Any, **kwargs: Any) -> Any:
        register_shells()
        return super().main(*args, **kwargs)
