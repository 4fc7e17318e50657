"""kl's exit codes and the errors a user can cause, each carrying its own exit code.

The domain raises these; the CLI's one error handler (cli/output.py) prints `show()` as one
line on stderr and exits with `exit_code`. Stdlib only, no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import ClassVar, NamedTuple


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
    ExitCode.OK: "ok (also when a reader closes the pipe early)",
    ExitCode.NOT_FOUND: "nothing found: an unknown value, body or paragraph, or no search hit",
    ExitCode.USAGE: "usage error",
    ExitCode.INVALID_KB: "invalid knowledge base",
    ExitCode.UNREADABLE_KB: "knowledge base cannot be read",
    ExitCode.INTERNAL: "internal error (KL_DEBUG=1 prints the traceback)",
    ExitCode.OUTPUT: "output could not be written (also a closed stdout)",
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


class NoSuchCommand(UsageError):
    """A word that is no command (found after parsing, where a group also takes other words);
    shown as Typer shows an unknown command, not as an invalid value."""


class LookupFailed(KlError):
    """Nothing (or more than one thing) matches what the user asked for."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, candidates: Sequence[str] = ()):
        super().__init__(message)
        self.candidates = tuple(candidates)


class OutputFailed(KlError):
    """Standard output could not be written."""

    exit_code = ExitCode.OUTPUT


class Problem(NamedTuple):
    """One problem in a knowledge-base file: where (1-based, or 0 when unknown), key path,
    message."""

    line: int
    col: int
    path: str
    message: str

    def format(self, name: str) -> str:
        where = f"{name}:{self.line}:{self.col}" if self.line else name
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class InvalidKB(KlError):
    """A knowledge base that does not fit the schema; `problems` are the problems found, and
    `truncated` says there are more than those (the search stopped at a bound)."""

    exit_code = ExitCode.INVALID_KB

    def __init__(self, name: str, problems: list[Problem], truncated: bool = False):
        super().__init__(problems[0].format(name))
        self.name = name
        self.problems = problems
        self.truncated = truncated

    def show(self) -> str:
        more = "more" if self.truncated else f"{len(self.problems) - 1} more"
        extra = f" (and {more}; see 'kl validate {self.name}')" if more != "0 more" else ""
        return self.problems[0].format(self.name) + extra
