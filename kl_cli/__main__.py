"""The entry point, as the console script `kl` and as `python -m kl_cli`: Ctrl-C from line one.

Importing the CLI (Typer and its Click) is most of kl's start-up, some 45 ms; an interrupt then
would end in a KeyboardInterrupt traceback. So SIGINT ends kl at once with 130 (the code a
shell shows for it) until the CLI is imported; from then on kl_cli.cli.app maps a
KeyboardInterrupt to 130, after a command's own clean-up. Only the standard library is
imported before the handler is set.
"""

# The built-in _signal and posix are loaded with the interpreter: the handler is set before this
# module imports anything (`import signal` alone builds enums for some 3 ms, long enough for an
# interrupt to land in it).
import _signal  # type: ignore[import-not-found]  # no stub: the C half of signal
import posix

EXIT_INTERRUPTED = 130  # kl_cli.errors.ExitCode.INTERRUPTED, kept here so nothing is imported


def _interrupted(signum: int, frame: object) -> None:
    posix._exit(EXIT_INTERRUPTED)


# Set while this module is imported, not only when main() is called: the console script imports
# it and then calls main(), and an interrupt between the two would be a traceback.
_signal.signal(_signal.SIGINT, _interrupted)

import gc  # noqa: E402 - after the handler, on purpose
import os  # noqa: E402
import signal  # noqa: E402


def main() -> None:
    """Run kl; never returns (kl_cli.cli.app.main ends the process)."""
    signal.signal(signal.SIGINT, _interrupted)
    # No cyclic garbage collection in this short-lived process (see kl_cli.cli.app.main), from
    # before the imports: importing Typer, Rich and kl makes enough objects to set off full
    # collections that cost some ms, and nothing they make is garbage.
    gc.disable()
    from kl_cli.cli.app import main as run

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        run()
    except KeyboardInterrupt:  # just before or after kl's own handling
        os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
