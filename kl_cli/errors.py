"""kl's exit codes and the errors a user can cause, each carrying its own exit code.

The domain raises these; the CLI's one error handler (cli/output.py) prints `show()` as one
line on stderr and exits with `exit_code`. Stdlib only, no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import ClassVar


class ExitCode(enum.IntEnum):
    """What kl's exit status means (sysexits.h numbers where one fits)."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2  # Typer's own code for usage errors
    INVALID_KB = 65  # EX_DATAERR
    UNREADABLE_KB = 66  # EX_NOINPUT
    INTERNAL = 70  # EX_SOFTWARE
    OUTPUT = 74  # EX_IOERR
    INTERRUPTED = 130  # 128 + SIGINT, as shells report it

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "ok",
    ExitCode.NOT_FOUND: "nothing found (unknown value, body or paragraph; no search hit)",
    ExitCode.USAGE: "usage error",
    ExitCode.INVALID_KB: "invalid knowledge base",
    ExitCode.UNREADABLE_KB: "knowledge base cannot be read",
    ExitCode.INTERNAL: "internal error (KL_DEBUG=1 prints the traceback)",
    ExitCode.OUTPUT: "output could not be written",
    ExitCode.INTERRUPTED: "interrupted",
}


class KlError(Exception):
    """An error kl reports as one line on stderr and an exit code."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def show(self) -> str:
        """The line the user sees (after `kl: error: `)."""
        return self.message


class UsageError(KlError):
    """A usage problem found after parsing."""

    exit_code = ExitCode.USAGE


class LookupFailed(KlError):
    """Nothing (or more than one thing) matches what the user asked for."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, candidates: Sequence[str] = ()):
        super().__init__(message)
        self.candidates = tuple(candidates)


class OutputFailed(KlError):
    """Standard output could not be written."""

    exit_code = ExitCode.OUTPUT
