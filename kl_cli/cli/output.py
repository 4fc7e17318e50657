"""kl's output and errors: stdout written once, errors as one inert, bounded line on stderr,
and the one handler that turns an error into its line and exit code."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import typer
from typer._click.exceptions import UsageError as ClickUsageError

from kl_cli.cli.env import env
from kl_cli.errors import ExitCode, KlError, NoSuchCommand, OutputFailed, UsageError


def encoded(text: str, stream: Any) -> tuple[bytes, str]:
    """`text` in the stream's encoding, what it cannot hold as backslash escapes, and that
    encoding; ASCII if the encoding takes no error handler (PYTHONIOENCODING=idna) or is unknown."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "backslashreplace"), encoding
    except (LookupError, ValueError):  # UnicodeError is a ValueError
        return text.encode("ascii", "backslashreplace"), "ascii"


def _write(stream: Any, text: str) -> None:
    """`text` on `stream` in one write of bytes (its encoding, escapes for what it cannot hold),
    after whatever the stream still buffers."""
    data, encoding = encoded(text, stream)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode(encoding))
        stream.flush()


def write_out(text: str) -> None:
    """Write to stdout once; a closed pipe ends quietly, an unwritable stdout is exit 74."""
    try:
        _write(env().stdout, text)  # never None: usable_streams() puts a ClosedStdout there
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(ExitCode.OK) from None
    except (OSError, ValueError) as e:
        silence_stdout()
        raise OutputFailed(f"cannot write output: {output_error(e)}") from None


def page_out(text: str, rows: int) -> None:
    """Rich output to a terminal: through the pager when its `rows` do not fit the screen, as
    git and gh page (LESS=FRX if unset, Ctrl-C left to the pager); else, or when no pager is
    set or it cannot be started, written directly."""
    outside = env()
    height = outside.terminal_height()
    argv = outside.pager() if height is None or rows >= height else None
    if argv is None:
        write_out(text)
        return
    import signal
    import subprocess

    stdout = outside.stdout
    data, _ = encoded(text, stdout)
    environ = dict(outside.environ)
    environ.setdefault("LESS", "FRX")
    try:
        stdout.flush()
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=environ)
    except (OSError, ValueError) as e:  # not found, not executable: print it ourselves
        say_debug(f"cannot start the pager {argv[0]!r}: {output_error(e)}")
        write_out(text)
        return
    try:  # git's way: while the pager runs, Ctrl-C is for it (kl must not leave it orphaned)
        before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        before = None
    try:
        assert pager.stdin is not None
        with contextlib.suppress(OSError):  # BrokenPipeError: the reader quit early (q)
            pager.stdin.write(data)
        with contextlib.suppress(OSError):
            pager.stdin.close()
        pager.wait()
    finally:
        if before is not None:
            signal.signal(signal.SIGINT, before)


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

    say_line(f"kl: error: {shorten(inert(message, single_line=True))}\n")


def say_debug(message: str) -> None:
    """A `kl: debug: ...` line on stderr, under KL_DEBUG=1 only."""
    if env().debug:
        from kl_cli.present.formats import inert

        say_line(f"kl: debug: {inert(message, single_line=True)}\n")


def say_line(line: str) -> None:
    """Write `line` to stderr as its encoding can hold it; never raises (stderr may be gone)."""
    try:
        _write(env().stderr, line)
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
            data, encoding = encoded(shorten(inert(message, single_line=True)), env().stderr)
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


def fail(message: str, code: ExitCode) -> NoReturn:
    say_error(message)
    raise typer.Exit(code)


def guarded(run: Callable[[], None]) -> None:
    """Run a command body: the one place where an error becomes one stderr line and its exit code.

    Every error a user can cause is a KlError that carries its exit code (kl_cli/errors.py);
    a usage error goes through Typer, which adds the usage line. Anything else is a bug: exit
    70 with one line, and the traceback too under KL_DEBUG=1, for a bug report.
    """
    try:
        run()
    except typer.Exit:
        raise
    except NoSuchCommand as e:
        raise ClickUsageError(e.show()) from None
    except UsageError as e:
        raise typer.BadParameter(e.show()) from None
    except KlError as e:
        fail(e.show(), e.exit_code)
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except Exception as e:  # the last line of defence: one line, no traceback unless asked
        say_internal(e)
        raise typer.Exit(ExitCode.INTERNAL) from None


def say_internal(e: BaseException) -> None:
    """An unexpected exception (a bug): its traceback under KL_DEBUG=1, then one line."""
    debug_traceback()
    say_error(internal_error(e))


def debug_traceback() -> None:
    """The traceback of the exception being handled, on stderr, under KL_DEBUG=1 only."""
    if not env().debug:
        return
    import traceback

    say_line(traceback.format_exc())
