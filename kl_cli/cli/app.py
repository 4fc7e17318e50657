"""The CLI layer: the root Typer app, its commands, and the entry point."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from kl_cli import __version__
from kl_cli.cli.command import build_on_demand, emit, kl_command, load
from kl_cli.cli.commands import kbfile, org, places, reference, schema, search
from kl_cli.cli.commands.completion import KlGroup
from kl_cli.cli.env import ENVIRONMENT
from kl_cli.cli.options import Fmt, Opts
from kl_cli.cli.output import (
    output_error,
    say_error,
    say_internal,
    short_usage_errors,
    silence_stdout,
    usable_streams,
    write_out,
)
from kl_cli.errors import ExitCode, UsageError


def help_tables() -> str:
    """The exit codes and environment variables, as `kl --help` ends (one table each, made from
    ExitCode and ENVIRONMENT; the README shows the same tables, checked by a test)."""
    codes = "\n".join(f"  {code.value:<4} {code.meaning}" for code in ExitCode)
    width = max(len(name) for name, _ in ENVIRONMENT) + 1
    names = "\n".join(f"  {name:<{width}}{what}" for name, what in ENVIRONMENT)
    return f"\b\nExit codes:\n{codes}\n\b\nEnvironment:\n{names}\n"


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
    epilog=help_tables(),
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


@kl_command(app.callback, None, before_commands=True)
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

    emit(opts, overview(load(opts).kb, opts.lang, as_of=opts.as_of))


reference.register(app)
kbfile.register(app)
org.register(app)
search.register(app)
schema.register(app)
places.register(app)
build_on_demand(app)  # after every registration: a run builds only the commands it looks up


def main() -> None:
    """The console-script entry point: run, flush, and leave without the interpreter's teardown.

    kl is a short-lived process that creates no reference cycles worth collecting, so the cyclic
    garbage collector is off, and the exit skips the final collection and module teardown: a
    normal exit (with gc.freeze()) measured 1 ms slower for `kl values -f plain` and 2-6 ms for
    `kl bodies -f rich`, whose Rich modules it tears down. Exit handlers still run (atexit:
    coverage, a caller's own), and everything kl writes is flushed first; a flush that fails
    is the usual exit 74.
    """
    import atexit
    import gc
    import os

    gc.disable()
    code = _run()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError) as e:
            if stream is sys.stdout and code == ExitCode.OK:
                silence_stdout()
                say_error(f"cannot write output: {output_error(e)}")
                code = ExitCode.OUTPUT
    atexit._run_exitfuncs()
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
            return ExitCode.OK
        if e.code is None or isinstance(e.code, int):
            return e.code or ExitCode.OK
        say_error(str(e.code))
        return ExitCode.INTERNAL
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except OSError as e:  # outside a command only Typer's own output (help) is written
        silence_stdout()
        say_error(f"cannot write output: {output_error(e)}")
        return ExitCode.OUTPUT
    except Exception as e:  # the last line of defence: one line, no traceback unless KL_DEBUG
        say_internal(e)
        return ExitCode.INTERNAL
    return ExitCode.OK
