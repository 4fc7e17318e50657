"""The knowledge-base file commands: export the KB in its own schema, and validate a KB file."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kl_cli.cli.command import kl_command, load
from kl_cli.cli.env import env
from kl_cli.cli.options import Fmt, Opts
from kl_cli.cli.output import write_out
from kl_cli.errors import ExitCode

STDIN_NAME = "<stdin>"
YAML_HEADER = (
    "# A kl knowledge base. Check it with 'kl validate FILE'; use it with 'kl --data FILE'.\n"
)

FileArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[FILE]",
        help="The knowledge-base file to check; - reads standard input. "
        "Default: the one in use (--data, KL_DATA, else the bundled one).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add `kl export` and `kl validate` to the root app."""

    @kl_command(app.command, "export", formats=frozenset({Fmt.auto, Fmt.yaml, Fmt.json}))
    def export(opts: Opts) -> None:
        """The whole knowledge base as an editable file.

        YAML (the default) or JSON in the knowledge base's own schema, both languages.
        Edit it, check it with 'kl validate FILE' and use it with --data FILE (or
        KL_DATA=FILE); exporting it again gives the same bytes.

        \b
        Examples:
          kl export > my-kl.yaml
          kl --data my-kl.yaml bodies
          kl export -f json
        """
        from kl_cli.core.record import to_data
        from kl_cli.present import formats

        data = to_data(load(opts).kb)
        if opts.format == Fmt.json:
            text = formats.to_json(data, ascii_only=not env().stdout_utf8())
        else:
            text = YAML_HEADER + formats.to_yaml(data, ascii_only=not env().stdout_utf8())
        write_out(text)

    @kl_command(app.command, "validate", formats=frozenset({Fmt.auto, Fmt.plain, Fmt.rich}))
    def validate(opts: Opts, file: FileArg = None) -> None:
        """Check a knowledge-base file.

        Prints every problem (the first 100) as FILE:LINE:COLUMN: message, with the
        key path of schema problems (bodies[3].name.en); a YAML syntax error stops at
        the first one. The last line names the file and says whether it is valid.
        Default: the knowledge base in use. Exit status: 0 valid, 65 invalid, 66
        cannot be read.

        \b
        Examples:
          kl validate my-kl.yaml
          kl export | kl validate -
          kl validate
        """
        from kl_cli.present.formats import inert
        from kl_cli.store.load import MAX_PROBLEMS, validate_bytes
        from kl_cli.store.locate import bundled_yaml
        from kl_cli.store.yamlsafe import KBFileError, read_bytes, read_stream

        target = file if file is not None else opts.data
        bundled = target is None
        path = str(bundled_yaml()) if target is None else target
        display = STDIN_NAME if path == "-" else path
        try:
            raw = read_stream(sys.stdin, display) if path == "-" else read_bytes(path, display)
        except KBFileError as e:
            lines, code = [e.show()], e.exit_code
        else:
            lines = validate_bytes(raw, display, limit=MAX_PROBLEMS + 1)
            code = ExitCode.INVALID_KB if lines else ExitCode.OK
        more = len(lines) > MAX_PROBLEMS  # one past the bound says there are more
        lines = lines[:MAX_PROBLEMS]
        if code == ExitCode.OK:
            summary = f"{display}: valid knowledge base"
        elif code == ExitCode.UNREADABLE_KB:
            summary = f"{display}: cannot be read"
        else:
            count = f"{len(lines)} problem" + ("" if len(lines) == 1 else "s")
            if more:
                count = f"more than {MAX_PROBLEMS} problems; the rest are not shown"
            summary = f"{display}: invalid knowledge base, {count}"
        if bundled:
            summary += " (the bundled one)"
        write_out("".join(inert(line, single_line=True) + "\n" for line in [*lines, summary]))
        if code:
            raise typer.Exit(code)
