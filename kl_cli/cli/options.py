"""The output options every command takes, declared once, and the one resolver that decides
them: the innermost option given wins, then the environment, then the default."""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Literal

import typer
from typer._click.shell_completion import CompletionItem
from typer._click.types import StringParamType

from kl_cli.cli.env import env
from kl_cli.core.models import Lang
from kl_cli.core.record import Record
from kl_cli.errors import UsageError


class Fmt(enum.StrEnum):
    auto = "auto"
    rich = "rich"
    plain = "plain"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"
    mermaid = "mermaid"
    dot = "dot"


class LangChoice(enum.StrEnum):
    da = "da"
    en = "en"


# The formats of most commands, in the order help lists them; the first is the default.
HUMAN = (Fmt.auto, Fmt.rich, Fmt.plain, Fmt.json, Fmt.yaml, Fmt.markdown)

# What a format means where its name alone does not say.
_GLOSS = {Fmt.auto: "rich on a terminal, else plain"}


class FileName(StringParamType):
    """A file name: completion leaves it to the shell's own file completion (Click's marker)."""

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(incomplete, type="file")]


JsonOpt = Annotated[bool | None, typer.Option("--json", help="Same as -f json.")]
LangOpt = Annotated[
    LangChoice | None,
    typer.Option(
        "--lang",
        help="Language of the knowledge-base text: da or en [env: KL_LANG].",
        case_sensitive=False,
        show_default=False,
    ),
]
NoColorOpt = Annotated[bool | None, typer.Option("--no-color", help="No colours [env: NO_COLOR].")]
NoPagerOpt = Annotated[
    bool | None,
    typer.Option(
        "--no-pager",
        help="Print rich output directly, never through a pager [env: KL_PAGER, PAGER].",
    ),
]
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        metavar="FILE",
        click_type=FileName(),
        help="Use this knowledge-base YAML file instead of the bundled one [env: KL_DATA].",
        show_default=False,
    ),
]

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Answer as of this date, YYYY-MM-DD (default today) [env: KL_AS_OF].",
        show_default=False,
    ),
]

COMMON = ("format", "json", "lang", "no_color", "no_pager", "data", "as_of")


def format_help(
    formats: Sequence[Fmt], *, before_commands: bool = False, auto: str | None = None
) -> str:
    """The -f help of a command with `formats` (the first its default), from that list alone;
    `auto` says what the default gives where that is not rich on a terminal, else plain."""
    names = [f.value for f in formats]
    gloss = auto if auto is not None and formats[0] == Fmt.auto else _GLOSS.get(formats[0])
    names[0] += f" (the default: {gloss})" if gloss else " (the default)"
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    text = f"Output format: {listed}."
    if before_commands:
        text += " Before a command: any format that command has (see its -h)."
    return text


def common_params(
    formats: Sequence[Fmt], *, before_commands: bool = False, auto: str | None = None
) -> list[inspect.Parameter]:
    """The common options of a command with `formats`: its -f takes and completes exactly those
    (a group's -f, given `before_commands`, every format, for the command it precedes), and
    --json only where json is one of them."""
    accepted = tuple(Fmt) if before_commands else tuple(formats)
    choice: Any = Literal.__getitem__(tuple(f.value for f in accepted))
    format_opt = Annotated[
        choice | None,
        typer.Option(
            "-f",
            "--format",
            help=format_help(formats, before_commands=before_commands, auto=auto),
            case_sensitive=False,
            show_default=False,
        ),
    ]
    annotations: dict[str, Any] = {
        "format": format_opt,
        "json": JsonOpt,
        "lang": LangOpt,
        "no_color": NoColorOpt,
        "no_pager": NoPagerOpt,
        "data": DataOpt,
        "as_of": AsOfOpt,
    }
    if Fmt.json not in accepted:
        del annotations["json"]
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
        for name, ann in annotations.items()
    ]


# A count given on the command line has at most this many digits: more is a slip of the finger,
# and int() refuses strings of over 4,300 digits.
MAX_DIGITS = 9


def shown(value: Any) -> str:
    """An argument as an error names it: quoted, and cut if long (it may be any length)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"…' ({len(str(value))} characters)"


def whole_number(low: int) -> Callable[[Any], int]:
    """A Typer `parser` for a count of at least `low`: the digits 0-9 only, at most MAX_DIGITS.

    int() would take ' 5', '5_000' or '٣' (an Arabic-Indic three), and isdigit() says yes to '²'.
    """

    def parse(value: Any) -> int:
        if isinstance(value, int):  # a default, already a number
            return value
        text = str(value).strip(" ")
        if not (text.isascii() and text.isdigit()):
            raise typer.BadParameter(f"{shown(value)} is not a whole number (use the digits 0-9)")
        text = text.lstrip("0") or "0"  # int() would see every leading zero
        if len(text) > MAX_DIGITS:
            raise typer.BadParameter(f"{shown(value)} has more than {MAX_DIGITS} digits")
        number = int(text)
        if number < low:
            raise typer.BadParameter(f"{number} is less than {low}")
        return number

    return parse


class Opts(Record):
    """The resolved output options of one invocation."""

    format: Fmt
    lang: Lang
    color: bool
    data: str | None
    width: int
    as_of: date
    links: bool = False  # source URLs as terminal hyperlinks (rich output, in colour, to a tty)
    pager: bool = False  # rich output to a terminal, through the pager if longer than the screen


def given(ctx: Any, name: str) -> Any:
    """The innermost value given on the command line for a common option, or None."""
    node: Any = ctx
    while node is not None:
        value = node.params.get(name)
        if value is not None:
            return value
        node = node.parent
    return None


def _format_at(ctx: typer.Context) -> Fmt | None:
    """The innermost -f given (or json for --json); --json anywhere with any other -f anywhere
    (before or after the command, in either order) is a usage error."""
    formats: list[Fmt] = []  # innermost first
    as_json = False
    node: Any = ctx
    while node is not None:
        fmt = node.params.get("format")
        if fmt is not None:
            formats.append(Fmt(fmt))  # ctx.params hold the raw choice
        as_json = as_json or bool(node.params.get("json"))
        node = node.parent
    if as_json:
        other = next((f for f in formats if f != Fmt.json), None)
        if other is not None:
            raise UsageError(f"--json conflicts with --format {other.value}")
        return Fmt.json
    return formats[0] if formats else None


def lang_of(ctx: Any, *, strict: bool = True) -> Lang:
    """--lang (innermost), else KL_LANG, else da; a bad KL_LANG is a usage error if `strict`."""
    value = given(ctx, "lang")
    if value is not None:
        return "en" if str(value).lower() == LangChoice.en else "da"
    chosen = env().get("KL_LANG").strip().lower()
    if strict and chosen not in ("", "da", "en"):
        raise UsageError(f"KL_LANG must be da or en, not {chosen!r}")
    return "en" if chosen == "en" else "da"


def data_of(ctx: Any, *, strict: bool = True) -> str | None:
    """--data (innermost), else KL_DATA, else None (the bundled knowledge base)."""
    data = given(ctx, "data")
    if data is None:
        data = env().environ.get("KL_DATA")
        if strict and data is not None and not data:
            raise UsageError("KL_DATA is set but empty; unset it to use the bundled knowledge base")
    elif strict and not data:
        raise UsageError("--data needs a file name")
    return data or None


DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def as_of_of(ctx: Any) -> date:
    """--as-of (innermost), else KL_AS_OF, else today; anything but a real YYYY-MM-DD date is a
    usage error."""
    given_value = given(ctx, "as_of")
    where = "--as-of"
    text = given_value
    if text is None:
        text = env().get("KL_AS_OF").strip()
        where = "KL_AS_OF"
        if not text:
            return env().today()
    if DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise UsageError(f"{where} must be a date as YYYY-MM-DD, not {shown(text)}")


def resolve(ctx: typer.Context, formats: Sequence[Fmt] = HUMAN) -> Opts:
    """Innermost option given wins, then the environment, then the default (the first of the
    command's `formats`); a format given before the command must be one of them too."""
    fmt = _format_at(ctx) or formats[0]
    if fmt not in formats:
        choices = ", ".join(f.value for f in formats)
        raise UsageError(
            f"format {fmt.value!r} is not available for {ctx.command_path} (choose {choices})"
        )
    outside = env()
    if fmt == Fmt.auto:
        fmt = Fmt.rich if outside.stdout_is_tty() else Fmt.plain
    lang = lang_of(ctx)
    data = data_of(ctx)
    color = fmt == Fmt.rich and outside.colour(bool(given(ctx, "no_color")))
    terminal = fmt == Fmt.rich and outside.stdout_is_tty()
    pager = terminal and not given(ctx, "no_pager")
    width = outside.terminal_width()
    return Opts(fmt, lang, color, data, width, as_of_of(ctx), color and terminal, pager)
