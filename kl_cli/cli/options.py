"""The output options every command takes, declared once, and the one resolver that decides
them: the innermost option given wins, then the environment, then the default."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

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


HUMAN = frozenset({Fmt.auto, Fmt.rich, Fmt.plain, Fmt.json, Fmt.yaml, Fmt.markdown})

FormatOpt = Annotated[
    Fmt | None,
    typer.Option(
        "-f",
        "--format",
        help="Output format: auto (rich on a terminal, else plain), rich, plain, json, yaml, "
        "markdown; kl org also has mermaid and dot.",
        case_sensitive=False,
        show_default=False,
    ),
]
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
        help="Use this knowledge-base YAML file instead of the bundled one [env: KL_DATA].",
        show_default=False,
    ),
]

COMMON = ("format", "json", "lang", "no_color", "no_pager", "data")
_COMMON_PARAMS = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
    for name, ann in zip(
        COMMON, (FormatOpt, JsonOpt, LangOpt, NoColorOpt, NoPagerOpt, DataOpt), strict=True
    )
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
    node: Any = ctx
    while node is not None:
        fmt, as_json = node.params.get("format"), node.params.get("json")
        fmt = Fmt(fmt) if fmt is not None else None  # ctx.params hold the raw choice
        if as_json and fmt is not None and fmt != Fmt.json:
            raise UsageError(f"--json conflicts with --format {fmt.value}")
        if as_json:
            return Fmt.json
        if fmt is not None:
            return fmt
        node = node.parent
    return None


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


def resolve(ctx: typer.Context, allowed: frozenset[Fmt] = HUMAN) -> Opts:
    """Innermost option given wins, then the environment, then the default."""
    fmt = _format_at(ctx) or Fmt.auto
    if fmt not in allowed:
        choices = ", ".join(f.value for f in Fmt if f in allowed)
        raise UsageError(f"format {fmt.value!r} is not available for this command ({choices})")
    outside = env()
    if fmt == Fmt.auto:
        fmt = Fmt.rich if outside.stdout_is_tty() else Fmt.plain
    lang = lang_of(ctx)
    data = data_of(ctx)
    color = fmt == Fmt.rich and outside.colour(bool(given(ctx, "no_color")))
    terminal = fmt == Fmt.rich and outside.stdout_is_tty()
    pager = terminal and not given(ctx, "no_pager")
    return Opts(fmt, lang, color, data, outside.terminal_width(), color and terminal, pager)
