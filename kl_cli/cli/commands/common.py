"""The CLI's shared machinery: output options declared once, one resolver, output and errors."""

from __future__ import annotations

import contextlib
import enum
import errno
import functools
import inspect
import io
import os
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any, NoReturn

import typer

from kl_cli.core.models import Lang
from kl_cli.core.record import Record

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2  # Typer's own exit code for usage errors (UsageError becomes one)
EXIT_INVALID_KB = 65
EXIT_UNREADABLE_KB = 66
EXIT_INTERNAL = 70
EXIT_OUTPUT = 74
EXIT_INTERRUPTED = 130


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
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        metavar="FILE",
        help="Use this knowledge-base YAML file instead of the bundled one [env: KL_DATA].",
        show_default=False,
    ),
]

COMMON = ("format", "json", "lang", "no_color", "data")
_COMMON_PARAMS = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
    for name, ann in zip(COMMON, (FormatOpt, JsonOpt, LangOpt, NoColorOpt, DataOpt), strict=True)
]


class UsageError(Exception):
    """A usage problem found after parsing (exit 2)."""


# A count given on the command line has at most this many digits: more is a slip of the finger,
# and int() refuses strings of over 4,300 digits.
MAX_DIGITS = 9


def whole_number(low: int) -> Callable[[Any], int]:
    """A Typer `parser` for a count of at least `low`: the digits 0-9 only, at most MAX_DIGITS.

    int() would take ' 5', '5_000' or '٣' (an Arabic-Indic three), and isdigit() says yes to '²'.
    """

    def parse(value: Any) -> int:
        if isinstance(value, int):  # a default, already a number
            return value
        text = str(value).strip(" ")
        if not (text.isascii() and text.isdigit()):
            raise typer.BadParameter(f"{value!r} is not a whole number (use the digits 0-9)")
        if len(text.lstrip("0")) > MAX_DIGITS:
            raise typer.BadParameter(f"{value!r} has more than {MAX_DIGITS} digits")
        number = int(text)
        if number < low:
            raise typer.BadParameter(f"{number} is less than {low}")
        return number

    return parse


class Failure(Exception):
    """An error the user can cause: one line on stderr and an exit code."""

    def __init__(self, message: str, code: int):
        self.message = message
        self.code = code
        super().__init__(message)


class Opts(Record):
    """The resolved output options of one invocation."""

    format: Fmt
    lang: Lang
    color: bool
    data: str | None
    width: int


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


def stdout_is_tty() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def terminal_width() -> int:
    """COLUMNS if it is a positive number, else the terminal's width, else 80; never below 20."""
    raw = os.environ.get("COLUMNS", "").strip()
    # 0-9 only ('²' is a digit to isdigit() and not to int()), and few of them (int() refuses
    # over 4,300 digits; no terminal is a million columns wide).
    width = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
    if not width and stdout_is_tty():
        try:
            width = os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            width = 0
    return max(width or 80, 20)


def lang_of(ctx: Any, *, strict: bool = True) -> Lang:
    """--lang (innermost), else KL_LANG, else da; a bad KL_LANG is a usage error if `strict`."""
    value = given(ctx, "lang")
    if value is not None:
        return "en" if str(value).lower() == LangChoice.en else "da"
    env = os.environ.get("KL_LANG", "").strip().lower()
    if strict and env not in ("", "da", "en"):
        raise UsageError(f"KL_LANG must be da or en, not {env!r}")
    return "en" if env == "en" else "da"


def data_of(ctx: Any, *, strict: bool = True) -> str | None:
    """--data (innermost), else KL_DATA, else None (the bundled knowledge base)."""
    data = given(ctx, "data")
    if data is None:
        data = os.environ.get("KL_DATA")
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
    if fmt == Fmt.auto:
        fmt = Fmt.rich if stdout_is_tty() else Fmt.plain
    lang = lang_of(ctx)
    data = data_of(ctx)
    color = (
        fmt == Fmt.rich
        and not given(ctx, "no_color")
        and not os.environ.get("NO_COLOR")  # no-color.org: set and not empty
        and os.environ.get("TERM") != "dumb"
        and (stdout_is_tty() or bool(os.environ.get("FORCE_COLOR")))
    )
    return Opts(fmt, lang, color, data, terminal_width())


# --- output --------------------------------------------------------------------------------------


def encoded(text: str, stream: Any) -> tuple[bytes, str]:
    """`text` in the stream's encoding, what it cannot hold as backslash escapes, and that
    encoding; ASCII if the encoding takes no error handler (PYTHONIOENCODING=idna) or is unknown."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "backslashreplace"), encoding
    except (LookupError, ValueError):  # UnicodeError is a ValueError
        return text.encode("ascii", "backslashreplace"), "ascii"


def write_out(text: str) -> None:
    """Write to stdout once; a closed pipe ends quietly, an unwritable stdout is exit 74."""
    stream = sys.stdout  # never None: main() puts a ClosedStdout in its place
    data, encoding = encoded(text, stream)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(encoding))
            stream.flush()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except (OSError, ValueError) as e:
        silence_stdout()
        raise Failure(f"cannot write output: {output_error(e)}", EXIT_OUTPUT) from None


def output_error(e: BaseException) -> str:
    """Why writing failed, in words: the OS's reason, or that stdout is closed."""
    if isinstance(e, OSError):
        if e.strerror:
            return e.strerror
        if e.errno:
            return os.strerror(e.errno)
    return "standard output is closed"


class ClosedStdout(io.TextIOBase):
    """Stands in for a stdout closed before kl started (`kl ... >&-`): every write fails."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def usable_streams() -> None:
    """Make stdout and stderr safe for whatever kl or Typer later writes to them.

    stdout closed (`kl ... >&-`): a ClosedStdout, so output fails as exit 74. stderr closed
    (`2>&-`): /dev/null on fd 2, as Click would otherwise write its usage errors to stdout
    (and a file kl opens would get fd 2). An encoding that takes no error handler
    (PYTHONIOENCODING=idna): ASCII with backslash escapes.
    """
    if sys.stdout is None:
        sys.stdout = ClosedStdout()
    if sys.stderr is None:
        try:
            fd = os.open(os.devnull, os.O_WRONLY)
            if fd != 2:
                os.dup2(fd, 2)
                os.close(fd)
            sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        except OSError:
            sys.stderr = io.StringIO()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            try:
                "".encode(stream.encoding, "backslashreplace")
            except (LookupError, ValueError):
                stream.reconfigure(encoding="ascii", errors="backslashreplace")


def silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


# An error message longer than this loses its middle: it may echo an argument of any length.
MAX_MESSAGE = 1000


def shorten(message: str) -> str:
    """`message`, or its start and end around how much was cut if it is over MAX_MESSAGE."""
    if len(message) <= MAX_MESSAGE:
        return message
    keep = MAX_MESSAGE // 2
    return f"{message[:keep]}…({len(message) - 2 * keep} characters cut)…{message[-keep:]}"


def say_error(message: str) -> None:
    """One inert, bounded `kl: error: ...` line on stderr; never raises (stderr may be gone)."""
    from kl_cli.present.formats import inert

    line = f"kl: error: {shorten(inert(message, single_line=True))}\n"
    try:
        stream = sys.stderr
        data, encoding = encoded(line, stream)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(encoding))
            stream.flush()
    except (OSError, ValueError, AttributeError):
        pass


@contextlib.contextmanager
def short_usage_errors() -> Iterator[None]:
    """Typer's own usage errors (an unknown command, an invalid value) shown as kl's are: inert,
    bounded, and in escapes what stderr's encoding cannot hold (Click would write UTF-8 to an
    ASCII stderr). They echo what was typed, which may be 120 KB or hold escape sequences."""
    from kl_cli.present.formats import inert

    try:
        yield
    except typer.TyperException as e:
        message = getattr(e, "message", None)
        if isinstance(message, str):
            data, encoding = encoded(shorten(inert(message, single_line=True)), sys.stderr)
            e.message = data.decode(encoding)
        raise


def internal_error(e: BaseException) -> str:
    """A one-line description of an unexpected exception: its type and (shortened) message."""
    text = str(e)
    if len(text) > 300:
        text = text[:300] + "…"
    return (
        f"internal error: {type(e).__name__}: {text}"
        if text
        else f"internal error: {type(e).__name__}"
    )


def kb_file_exit(e: Exception) -> int:
    """66 for a knowledge-base file that cannot be read, 65 for one that is invalid."""
    from kl_cli.store.yamlsafe import KBUnreadableError

    return EXIT_UNREADABLE_KB if isinstance(e, KBUnreadableError) else EXIT_INVALID_KB


def fail(message: str, code: int) -> NoReturn:
    say_error(message)
    raise typer.Exit(code)


def guarded(run: Callable[[], None]) -> None:
    """Run a command body, turning every error into one stderr line and its exit code."""
    from kl_cli.errors import InvalidKB, LookupFailed
    from kl_cli.store.yamlsafe import KBFileError

    try:
        run()
    except typer.Exit:
        raise
    except UsageError as e:
        raise typer.BadParameter(str(e)) from None
    except Failure as e:
        fail(e.message, e.code)
    except LookupFailed as e:
        fail(e.message, EXIT_NOT_FOUND)
    except InvalidKB as e:
        more = "more" if e.truncated else f"{len(e.problems) - 1} more"
        extra = f" (and {more}; see 'kl validate {e.name}')" if more != "0 more" else ""
        fail(e.problems[0].format(e.name) + extra, EXIT_INVALID_KB)
    except KBFileError as e:
        fail(str(e), kb_file_exit(e))
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as e:  # the last line of defence: one line, no traceback
        fail(internal_error(e), EXIT_INTERNAL)


def kl_command(
    register: Callable[..., Callable[[Callable[..., Any]], Any]],
    name: str | None,
    *,
    formats: frozenset[Fmt] = HUMAN,
    **settings: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(opts, **args)` as a command that also takes the common output options.

    `register` is `app.command` (with a name) or `app.callback` (name None). The wrapper's
    signature is the command's own
    parameters plus the shared options, so Typer sees one ordinary function.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        ctx_param = inspect.Parameter(
            "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )

        @functools.wraps(fn)
        def wrapper(ctx: typer.Context, **kwargs: Any) -> None:
            for key in COMMON:
                kwargs.pop(key, None)

            def run() -> None:
                if ctx.invoked_subcommand is not None and not any(kwargs.values()):
                    # A group whose subcommand does the work; that command resolves the
                    # options (innermost wins), so the environment is not checked twice here.
                    # A group callback therefore only runs as the command itself, or for an
                    # option of its own (kl --version).
                    return
                fn(resolve(ctx, formats), **kwargs)

            guarded(run)

        params = [ctx_param, *own, *_COMMON_PARAMS]
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        del wrapper.__wrapped__
        (register(name, **settings) if name else register(**settings))(wrapper)
        return fn

    return decorate


def stdout_utf8() -> bool:
    """Whether stdout takes UTF-8; if not, JSON and YAML escape non-ASCII text themselves."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf_8")


def emit(opts: Opts, view: Any) -> None:
    """Serialise a view in the chosen format and write it once."""
    from kl_cli.present import formats

    if opts.format == Fmt.json:
        text = formats.to_json(view.data, ascii_only=not stdout_utf8())
    elif opts.format == Fmt.yaml:
        text = formats.to_yaml(view.data, ascii_only=not stdout_utf8())
    elif opts.format == Fmt.markdown:
        text = formats.to_markdown(view.doc)
    elif opts.format == Fmt.rich:
        from kl_cli.present.render import to_rich

        text = to_rich(view.doc, opts.width, opts.color)
    else:
        text = formats.to_plain(view.doc)
    write_out(text)


def load(opts: Opts) -> Any:
    from kl_cli.store.load import load as load_kb

    return load_kb(opts.data)
