"""The CLI layer: the root Typer app, its commands, and the entry point."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from kl_cli import __version__
from kl_cli.cli.commands import kbfile, org, reference, search
from kl_cli.cli.commands.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    Fmt,
    Opts,
    UsageError,
    emit,
    internal_error,
    kl_command,
    load,
    output_error,
    say_error,
    short_usage_errors,
    silence_stdout,
    usable_streams,
    write_out,
)
from kl_cli.cli.commands.completion import KlGroup

EPILOG = """\b
Exit codes:
  0    ok
  1    nothing found (unknown value, body or paragraph)
  2    usage error
  65   invalid knowledge base
  66   knowledge base cannot be read
  70   internal error
  74   output could not be written
  130  interrupted
\b
Environment:
  KL_LANG        da or en (default da); --lang wins
  KL_DATA        knowledge-base file to use instead of the bundled one; --data wins
  NO_COLOR       no colours in rich output
  FORCE_COLOR    colours even when stdout is not a terminal (rich output only)
  COLUMNS        width for rich output (at least 20 is assumed)
  XDG_CACHE_HOME where validated user knowledge bases are cached (kl/); KL_NO_CACHE=1 turns it off
"""


class RootGroup(KlGroup):
    """The root group: a usage error it shows is inert and bounded, as kl's own errors are."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with short_usage_errors():  # the root's own options
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with short_usage_errors():  # the command's name, its arguments and options, its body
            return super().invoke(ctx)


app = typer.Typer(
    name="kl",
    cls=RootGroup,
    add_completion=False,  # KlGroup has its own: --show-completion takes the shell's name
    help="kl: an offline reference to KL (Kommunernes Landsforening, Local Government Denmark): "
    "its values, leadership behaviours, political bodies and statutes, in Danish or English."
    "\n\n\b\nExamples:\n  kl\n  kl --lang en values\n  kl bodies bestyrelse --json"
    "\n  kl search kommunekontaktraad",
    epilog=EPILOG,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

VersionOpt = Annotated[
    bool | None,
    typer.Option("--version", "-V", help="Show the program and knowledge-base versions and exit."),
]


@kl_command(app.callback, None)
def root(opts: Opts, version: VersionOpt = None) -> None:
    """Without a command: one screen on what KL is and where to look next.

    \b
    Examples:
      kl
      kl --lang en values
      kl bodies bestyrelse --json
    """
    if version:
        if opts.format not in (Fmt.plain, Fmt.rich):
            raise UsageError("--version prints text only")
        loaded = load(opts)
        where = f"custom knowledge base {loaded.path}" if loaded.path else "bundled knowledge base"
        from kl_cli.present.formats import inert

        about = f"{where}: version {loaded.kb.kb_version}, last reviewed {loaded.kb.last_reviewed}"
        write_out(f"kl {__version__}\n{inert(about, single_line=True)}\n")
        raise typer.Exit(0)
    from kl_cli.present.views.overview import overview

    emit(opts, overview(load(opts).kb, opts.lang))


reference.register(app)
kbfile.register(app)
org.register(app)
search.register(app)


def main() -> None:
    """The console-script entry point: run, flush, and leave without the interpreter's teardown.

    kl is a short-lived process that creates no reference cycles worth collecting, so the cyclic
    garbage collector is off, and the exit skips the final collection and module teardown
    (measured: about 8 ms of every call; see bench/startup.py). Everything kl writes is flushed
    first; a flush that fails is the usual exit 74.
    """
    import gc
    import os

    gc.disable()
    code = _run()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError) as e:
            if stream is sys.stdout and code == EXIT_OK:
                silence_stdout()
                say_error(f"cannot write output: {output_error(e)}")
                code = EXIT_OUTPUT
    os._exit(code)


def _run() -> int:
    """Typer's handling plus kl's exit-code contract; returns the exit code."""
    usable_streams()  # a closed stdout fails as 74, a closed stderr is /dev/null, idna is ASCII
    stdout = sys.stdout
    try:
        app(prog_name="kl")
    except SystemExit as e:
        # When a reader closes the pipe while Typer writes (`kl --help | head -1`), Typer swaps
        # sys.stdout for a pacifying wrapper and exits 1; for kl that is a normal, silent end.
        if e.code == 1 and sys.stdout is not stdout:
            return EXIT_OK
        if e.code is None or isinstance(e.code, int):
            return e.code or EXIT_OK
        say_error(str(e.code))
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except OSError as e:  # outside a command only Typer's own output (help) is written
        silence_stdout()
        say_error(f"cannot write output: {output_error(e)}")
        return EXIT_OUTPUT
    except Exception as e:  # the last line of defence: one line, no traceback, no locals
        say_error(internal_error(e))
        return EXIT_INTERNAL
    return EXIT_OK
