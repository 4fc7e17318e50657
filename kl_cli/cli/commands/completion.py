"""Shell completion for bash, zsh and fish: `--install-completion [SHELL]`,
`--show-completion SHELL`, kl's own scripts, and what they are told.

kl declares the two options itself on its root group (Typer's ignore a shell named on the
command line), writes its own scripts and installs them itself; it reuses Typer's completion
protocol (the `_KL_COMPLETE` variable, `COMP_WORDS`/`_TYPER_COMPLETE_ARGS`) and Click's
resolution of what is being completed. Completing never imports rich (a TAB press would cost
~60 ms) and help texts keep their square brackets.

kl filters what it offers itself (ids ignore case and fold æ, ø, å as lookups do,
kl_cli/core/folding.py), so the scripts let the shell insert it without matching it against
the typed word again where the shell allows that (bash always replaces the word; zsh's
`_describe -U`). Only `--data` and `kl validate FILE` take file names: there a script hands over
to the shell's own file completion; anywhere else, nothing to offer means nothing is offered
(Typer's scripts fell back to file names). Completion output is inert in every shell:

- bash: the script reads kl's output line by line into COMPREPLY (no word splitting, no
  globbing), and each value is an id, command, option or choice of kl, from [A-Za-z0-9._-] (the
  schema's id alphabet); `:files` (outside that alphabet) asks for file names.
- zsh: the output is evaluated (`eval "$(kl)"`): the same safe values, descriptions quoted for
  both levels zsh undoes (see `zsh_word`) and shown exactly as written.
- fish: lines of `value<TAB>description`, taken without evaluation; `:files` as in bash.

A script installed by an older kl (Typer's) still gets output it handles: the `:files` marker
only goes to scripts that set `_KL_COMPLETE_FILES=1`, and zsh's output evaluates in both.
Typer is pinned below 0.29: the private modules used here are part of that pin.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import typer
from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._click.types import StringParamType
from typer._completion_classes import BashComplete as TyperBashComplete
from typer._completion_classes import FishComplete as TyperFishComplete
from typer._completion_classes import ZshComplete as TyperZshComplete
from typer.core import TyperOption

from kl_cli.cli.command import Group

SHELLS = ("bash", "zsh", "fish")


def _plain_help(text: str) -> str:
    from kl_cli.present.formats import inert

    return inert(re.sub(r"\s+", " ", text), single_line=True)


# What completion may offer: kl's commands, options and choices, and the ids of its knowledge
# base, which the schema keeps to [a-z0-9._-]. Anything else (an id from a forged cache entry)
# is never offered.
SAFE_VALUE = re.compile(r"[A-Za-z0-9._-]+\Z")
FILES = ":files"  # what the scripts read as "complete file names here"


def offerable(items: list[CompletionItem]) -> list[CompletionItem]:
    """The items a shell may be given: plain values from the safe alphabet."""
    return [
        item
        for item in items
        if item.type == "plain" and isinstance(item.value, str) and SAFE_VALUE.match(item.value)
    ]


def wants_files(items: list[CompletionItem]) -> bool:
    """Whether the word is a file name (Click's marker item, from options.FileName)."""
    return any(item.type == "file" for item in items)


def marker_aware() -> bool:
    """Whether the calling script is kl's own, which completes file names when told to."""
    from kl_cli.cli.env import env

    return env().get("_KL_COMPLETE_FILES") == "1"


_DQUOTE_SPECIAL = re.compile(r'([\\"$`])')


def zsh_word(value: str, help: str = "") -> str:
    """`value` (and its description) as one word of the list kl gives `_describe`, quoted so
    that zsh inserts `value` and shows `help` exactly as written, on one line.

    zsh undoes two levels, which are quoted here innermost first:
    2. _describe (compdescribe) splits value from help at the first bare colon and removes one
       backslash before any character: backslash and colon get a backslash;
    1. the script evaluates kl's output, where each word stands in double quotes: backslash,
       double quote, dollar and backtick get a backslash. (A script of an older kl evaluated
       it unquoted, `eval $(kl)`, which joins whitespace runs into one space: whitespace runs
       are one space already.)
    """

    def describe(text: str) -> str:
        return re.sub(r"\s+", " ", text).replace("\\", "\\\\").replace(":", "\\:")

    word = describe(value) + (":" + describe(help) if help else "")
    return '"' + _DQUOTE_SPECIAL.sub(r"\\\1", word) + '"'


def _option_value(incomplete: str) -> bool:
    """Whether the word is `--option=value`, of which only the value is completed."""
    return incomplete.startswith("-") and "=" in incomplete


class BashComplete(TyperBashComplete):
    """Typer's bash protocol; offers only safe values (bash shows no help texts)."""

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        if wants_files(items):
            return FILES if marker_aware() else ""  # Typer's script falls back to files
        return "\n".join(item.value for item in offerable(items))


class ZshComplete(TyperZshComplete):
    """Typer's zsh protocol: kl's matches for `_describe -U` (inserted without matching them
    against the typed word again), or `_files` for a file name, or nothing."""

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        if wants_files(items):
            return "_files"
        offered = offerable(items)
        if not offered:
            return ""
        words = " ".join(zsh_word(i.value, _plain_help(i.help) if i.help else "") for i in offered)
        # `--format=j`: only the part after = is replaced
        prefix = "compset -P '*='; " if _option_value(incomplete) else ""
        return f"{prefix}local -a _kl_offered; _kl_offered=( {words} ); _describe kl _kl_offered -U"


class FishComplete(TyperFishComplete):
    """Typer's fish protocol; safe values, help as it is written (not through Rich)."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        items = super().get_completions(args, incomplete)
        if wants_files(items):
            # kl's script completes file names when told to; Typer's does when there is
            # nothing to offer (its is-args check fails)
            return [CompletionItem(FILES)] if marker_aware() else []
        return offerable(items)

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


# --- the scripts -------------------------------------------------------------------------------

# Each defines one function, named after kl, and registers it for kl alone: nothing here sets
# an option, style or binding that another command's completion would see.
_BASH = """\
_{func}_completion() {{
    local line files=
    COMPREPLY=()
    while IFS= read -r line; do
        if [[ $line == {files} ]]; then
            files=1
        elif [[ -n $line ]]; then
            COMPREPLY+=("$line")
        fi
    done < <(env COMP_WORDS="${{COMP_WORDS[*]}}" COMP_CWORD="$COMP_CWORD" \\
        {var}=complete_bash _KL_COMPLETE_FILES=1 "$1")
    if [[ -n $files ]]; then
        COMPREPLY=()
        compopt -o default
    fi
    return 0
}}

complete -F _{func}_completion {prog}
"""

# Both sourced (`source <(kl --show-completion zsh)`) and autoloaded from fpath as _kl: then
# the first call defines the function and completes.
_ZSH = """\
#compdef {prog}

_{func}() {{
    local -a _kl_offered
    eval "$(env _TYPER_COMPLETE_ARGS="${{words[1,$CURRENT]}}" {var}=complete_zsh {prog})"
}}

if [[ $funcstack[1] == _{func} ]]; then
    _{func} "$@"
else
    compdef _{func} {prog}
fi
"""

_FISH = """\
function __{func}_complete
    set -l reply (env {var}=complete_fish _KL_COMPLETE_FILES=1 \\
        _TYPER_COMPLETE_FISH_ACTION=get-args _TYPER_COMPLETE_ARGS=(commandline -cp) {prog})
    if test "$reply[1]" = {files}
        __fish_complete_path (commandline -ct)
    else if set -q reply[1]
        printf '%s\\n' $reply
    end
end

complete --command {prog} --no-files --arguments '(__{func}_complete)'
"""

_SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str, prog: str = "kl") -> str:
    """The completion script for a shell, as `--show-completion SHELL` prints it."""
    var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    func = re.sub(r"[^A-Za-z0-9_]", "", prog.replace("-", "_"))
    return _SCRIPTS[shell].format(prog=prog, func=func, var=var, files=FILES)


def _shell_named(value: str) -> str:
    shell = value.strip().lower()
    if shell not in SHELLS:
        raise typer.BadParameter(f"choose bash, zsh or fish, not {value!r}")
    return shell


def _show(ctx: Any, param: Any, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from kl_cli.cli.output import guarded, write_out

    shell = _shell_named(value)

    def run() -> None:
        write_out(script(shell, _names(ctx)[0]))

    guarded(run)
    raise typer.Exit(0)


# --- installing --------------------------------------------------------------------------------


def detect_shell() -> str | None:
    """The shell kl runs under (via shellingham, as Typer does), else $SHELL's name."""
    from typer._completion_shared import _get_shell_name

    from kl_cli.cli.env import env

    name = _get_shell_name() or os.path.basename(env().get("SHELL")) or None
    return name.lower() if name else None


class Installed:
    """Where `install` put a script, and the start-up file it added a line to (if any)."""

    def __init__(self, script: Path, rc: Path | None) -> None:
        self.script, self.rc = script, rc


def _sh_quote(path: Path) -> str:
    """`path` in single quotes, for bash's and zsh's start-up files."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def install(shell: str, prog: str, environ: Any) -> Installed:
    """Write `shell`'s completion script where that shell looks for it and, for bash and zsh,
    add one line to its start-up file unless that line is there: nothing else is changed.

    bash: ~/.bash_completions/kl.sh, sourced from ~/.bashrc. zsh: ~/.zfunc/_kl, on fpath from
    $ZDOTDIR/.zshrc (else ~/.zshrc) and registered for kl; the line starts zsh's completion
    system (compinit) only if nothing has by then, as kl's completion needs it. fish:
    $XDG_CONFIG_HOME/fish/completions/kl.fish (else ~/.config/...), which fish loads itself.
    """
    home_text = environ.get("HOME", "")
    if not os.path.isabs(home_text):
        from kl_cli.errors import OutputFailed

        raise OutputFailed("cannot install completion: HOME is not an absolute directory")
    home = Path(home_text)
    rc: Path | None = None
    line = ""
    if shell == "bash":
        path = home / ".bash_completions" / f"{prog}.sh"
        rc = home / ".bashrc"
        line = f"source {_sh_quote(path)}"
    elif shell == "zsh":
        path = home / ".zfunc" / f"_{prog}"
        zdotdir = environ.get("ZDOTDIR", "")
        rc = (Path(zdotdir) if os.path.isabs(zdotdir) else home) / ".zshrc"
        line = (
            f"fpath+=({_sh_quote(path.parent)}); if (( $+functions[compdef] )); then "
            f"autoload -Uz _{prog} && compdef _{prog} {prog}; else autoload -Uz compinit "
            "&& compinit; fi"
        )
    else:
        config = environ.get("XDG_CONFIG_HOME", "")
        base = Path(config) if os.path.isabs(config) else home / ".config"
        path = base / "fish" / "completions" / f"{prog}.fish"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script(shell, prog), encoding="utf-8")
    if rc is None:
        return Installed(path, None)
    before = rc.read_text(encoding="utf-8", errors="surrogateescape") if rc.is_file() else ""
    if line in before.splitlines():
        return Installed(path, None)
    rc.parent.mkdir(parents=True, exist_ok=True)
    with rc.open("a", encoding="utf-8", errors="surrogateescape") as f:
        f.write(("\n" if before and not before.endswith("\n") else "") + line + "\n")
    return Installed(path, rc)


def _install(ctx: Any, param: Any, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from kl_cli.cli.env import env
    from kl_cli.cli.output import guarded, write_out
    from kl_cli.errors import OutputFailed

    if value:
        shell: str | None = _shell_named(value)
    else:
        shell = detect_shell()
        if shell not in SHELLS:
            found = f"found {shell!r}" if shell else "cannot tell which shell this is"
            raise typer.BadParameter(
                f"{found}; completion is for bash, zsh or fish: name one "
                "(kl --install-completion zsh), or put the output of "
                "'kl --show-completion SHELL' in your shell's start-up file"
            )
    assert shell is not None
    prog, _ = _names(ctx)

    def run() -> None:
        try:
            done = install(shell, prog, env().environ)
        except OSError as e:
            raise OutputFailed(f"cannot install completion: {e}") from None
        added = f"{done.rc} loads it (one line added)\n" if done.rc else ""
        write_out(
            f"{shell} completion installed in {done.script}\n{added}"
            f"It works in new {shell} sessions.\n"
        )

    guarded(run)
    raise typer.Exit(0)


INSTALL = "--install-completion"


def _complete_shell(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    return [s for s in SHELLS if s.startswith(incomplete.lower())]


def completion_options() -> list[TyperOption]:
    return [
        TyperOption(
            param_decls=[INSTALL],
            metavar="[SHELL]",  # see KlGroup.parse_args
            expose_value=False,
            is_eager=True,
            callback=_install,
            autocompletion=_complete_shell,
            help="Install completion for SHELL (bash, zsh or fish; default: the current "
            "shell) and exit.",
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
    starts with `incomplete`, in any case and with æ, ø, å as ae, oe, aa or a, o, a (as
    lookups fold them), from the knowledge base in use; none if it cannot be read."""
    from kl_cli.cli.command import user_cache
    from kl_cli.cli.options import data_of, lang_of
    from kl_cli.core.folding import foldings
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
    typed = foldings(incomplete)
    return [
        (i, _plain_help(h))
        for i, h in pairs
        if any(f.startswith(t) for f, t in zip(foldings(i), typed, strict=True))
    ]


class IdOf(StringParamType):
    """An argument naming an entry of a kind: completes the ids of that kind, filtered by
    `ids` alone (Typer's `autocompletion=` would match them case-sensitively again)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(i, help=h) for i, h in ids(ctx, self.kind, incomplete)]


def paragraph_items(ctx: Any, incomplete: str) -> list[CompletionItem]:
    """Statute paragraph ids as completion items (for `kl statutes <TAB>`)."""
    if incomplete.startswith("-"):
        return []
    return IdOf("paragraph").shell_complete(ctx, None, incomplete)


class KlGroup(Group):
    """The root group: kl's own completion options and shell formatters."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.params.extend(completion_options())

    def main(self, *args: Any, **kwargs: Any) -> Any:
        register_shells()
        return super().main(*args, **kwargs)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """`--install-completion [SHELL]`: the shell may be left out, which Typer's Click has no
        option for; given alone, the option is read as `--install-completion=` (an empty
        SHELL: the current shell), followed by a word, as `--install-completion=WORD`."""
        args = list(args)
        for i, arg in enumerate(args):
            if arg == "--" or arg in self.commands:
                break  # the root's own options end here
            if arg == INSTALL:
                follows = args[i + 1] if i + 1 < len(args) else ""
                named = bool(follows) and not follows.startswith("-")
                args[i : i + 1 + named] = [f"{INSTALL}={follows if named else ''}"]
                break
        return super().parse_args(ctx, args)
