"""The one owner of kl's environment: its variables and its streams (TTY, width, encoding), read
at call time, never at import, and swapped whole in tests (as httpie's Environment is).

ENVIRONMENT lists every variable kl reads; `kl --help` and the README show that table.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from datetime import date
from typing import IO, Any

# Every variable kl reads, and what it does: the --help epilog and the README are made from this.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("KL_LANG", "da or en (default da); --lang wins"),
    ("KL_AS_OF", "answer as of this date, YYYY-MM-DD (default today); --as-of wins"),
    (
        "KL_DATA",
        "a knowledge-base file to use instead of the bundled one; --data wins; set but empty "
        "is an error",
    ),
    ("KL_NO_CACHE", "1: do not cache validated user knowledge bases"),
    ("KL_DEBUG", "1: a traceback for an internal error (exit 70); why the cache is not used"),
    (
        "KL_PAGER",
        "the pager for rich output to a terminal that is longer than the screen (split as a "
        "shell splits words, run without one); empty or cat: none; --no-pager wins",
    ),
    ("PAGER", "the pager when KL_PAGER is unset (else less -FRX)"),
    ("LESS", "given to the pager as it is; FRX when unset"),
    ("NO_COLOR", "no colours in rich output"),
    ("FORCE_COLOR", "colours even when stdout is not a terminal (rich output only)"),
    ("TERM", "dumb: no colours"),
    ("COLUMNS", "width for rich output (at least 20 is assumed)"),
    ("XDG_CACHE_HOME", "where validated user knowledge bases are cached (kl/; else ~/.cache/kl)"),
    (
        "HOME",
        "for ~/.cache when XDG_CACHE_HOME is unset (empty or relative: no cache); where "
        "--install-completion writes",
    ),
    (
        "SHELL",
        "the shell --install-completion installs for when none is named and it cannot "
        "tell otherwise",
    ),
    ("ZDOTDIR", "where --install-completion zsh finds .zshrc (else HOME)"),
    (
        "XDG_CONFIG_HOME",
        "where --install-completion fish writes (fish/completions/; else ~/.config)",
    ),
)


class Environment:
    """What kl reads from outside: variables and standard streams, each at the moment of use.

    Built with no arguments it is the process's own (os.environ, sys.stdout, sys.stderr, looked
    up on every access, so a swapped stream is seen); tests pass their own.
    """

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ):
        self._environ = environ
        self._stdout = stdout
        self._stderr = stderr

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    @property
    def stdout(self) -> Any:
        return sys.stdout if self._stdout is None else self._stdout

    @property
    def stderr(self) -> Any:
        return sys.stderr if self._stderr is None else self._stderr

    def get(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default)

    def flag(self, name: str) -> bool:
        """A switch variable: set to anything but empty or 0."""
        return self.get(name) not in ("", "0")

    @property
    def debug(self) -> bool:
        return self.flag("KL_DEBUG")

    def stdout_is_tty(self) -> bool:
        try:
            return self.stdout is not None and bool(self.stdout.isatty())
        except (ValueError, OSError, AttributeError):
            return False

    def terminal_width(self) -> int:
        """COLUMNS if it is a positive number, else the terminal's width, else 80; at least 20."""
        raw = self.get("COLUMNS").strip()
        # a bounded count of ASCII digits only: int() takes '²' or 5,000 digits badly
        width = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
        if not width and self.stdout_is_tty():
            try:
                width = os.get_terminal_size(self.stdout.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = 0
        return max(width or 80, 20)

    def terminal_height(self) -> int | None:
        """The terminal's height in lines, or None if stdout is not a terminal of known size."""
        try:
            lines = os.get_terminal_size(self.stdout.fileno()).lines
        except (OSError, ValueError, AttributeError):
            return None
        return lines or None

    def pager(self) -> list[str] | None:
        """The pager's argv: KL_PAGER if set, else PAGER if set, else `less -FRX`, split as a
        shell splits words (it is never run by one); None if that is empty or `cat`, or does
        not split (an unmatched quote), as git and gh read them."""
        import shlex

        environ = self.environ
        command = environ.get("KL_PAGER", environ.get("PAGER", "less -FRX"))
        try:
            argv = shlex.split(command)
        except ValueError:
            return None
        return None if argv in ([], ["cat"]) else argv

    def today(self) -> date:
        """The local date: the default --as-of."""
        return date.today()

    def stdout_utf8(self) -> bool:
        """Whether stdout takes UTF-8; if not, JSON and YAML escape non-ASCII text themselves."""
        encoding = (getattr(self.stdout, "encoding", None) or "").lower().replace("-", "")
        return encoding in ("utf8", "utf_8")

    def colour(self, no_color_option: bool) -> bool:
        """Whether rich output gets colours: not when asked not to (--no-color, NO_COLOR,
        TERM=dumb), and only on a terminal unless FORCE_COLOR is set."""
        return (
            not no_color_option
            and not self.get("NO_COLOR")  # no-color.org: set and not empty
            and self.get("TERM") != "dumb"
            and (self.stdout_is_tty() or bool(self.get("FORCE_COLOR")))
        )


_current: Environment | None = None


def env() -> Environment:
    """The environment in force: the process's own unless a test swapped one in."""
    return _current if _current is not None else Environment()


@contextlib.contextmanager
def using(environment: Environment) -> Iterator[Environment]:
    """Run with `environment` in force (for tests)."""
    global _current
    before, _current = _current, environment
    try:
        yield environment
    finally:
        _current = before
