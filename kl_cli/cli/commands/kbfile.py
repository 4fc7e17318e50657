"""The knowledge-base file commands: export the KB in its own schema, and validate a KB file."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kl_cli.cli.command import as_data, emit, kl_command, load
from kl_cli.cli.options import FileName, Fmt, Opts, whole_number
from kl_cli.cli.output import write_out
from kl_cli.errors import ExitCode

if TYPE_CHECKING:
    from kl_cli.present.shapes import ValidateData
    from kl_cli.store.load import FileProblem

STDIN_NAME = "<stdin>"
YAML_HEADER = (
    "# A kl knowledge base. Check it with 'kl validate FILE'; use it with 'kl --data FILE'.\n"
)

FileArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[FILE]",
        click_type=FileName(),
        help="The knowledge-base file to check; - reads standard input. "
        "Default: the one in use (--data, KL_DATA, else the bundled one).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    register_review(app)

    """Add `kl export` and `kl validate` to the root app."""

    @kl_command(app.command, "export", formats=(Fmt.yaml, Fmt.json))
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

        text = as_data(opts, to_data(load(opts).kb))
        write_out(text if opts.format == Fmt.json else YAML_HEADER + text)

    @kl_command(
        app.command,
        "validate",
        formats=(Fmt.auto, Fmt.rich, Fmt.plain, Fmt.json, Fmt.yaml),
    )
    def validate(opts: Opts, file: FileArg = None) -> None:
        """Check a knowledge-base file.

        Prints every problem (the first 100) as FILE:LINE:COLUMN: message, with the
        key path of schema problems (bodies[3].name.en); a YAML syntax error stops at
        the first one. The last line names the file and says whether it is valid.
        Default: the knowledge base in use. Exit status: 0 valid, 65 invalid, 66
        cannot be read.

        With --json or -f yaml: a summary (file, bundled, valid, problem_count, and
        truncated: more than 100) and the problems as objects with file, line, column,
        path and message. Line and column are null for a problem with no place, path
        is null for a syntax error and "" for the top level. A file that cannot be
        read is then one error line on stderr and nothing on stdout.

        \b
        Examples:
          kl validate my-kl.yaml
          kl export | kl validate -
          kl validate
          kl validate --json my-kl.yaml | jq -r '.problems[].message'
        """
        from kl_cli.store.load import MAX_PROBLEMS, file_problem, validate_problems
        from kl_cli.store.locate import bundled_yaml
        from kl_cli.store.yamlsafe import KBFileError, KBUnreadableError, read_bytes, read_stream

        target = file if file is not None else opts.data
        bundled = target is None
        path = str(bundled_yaml()) if target is None else target
        display = STDIN_NAME if path == "-" else path
        as_data = opts.format in (Fmt.json, Fmt.yaml)
        unreadable: str | None = None  # why the file cannot be read
        try:
            raw = read_stream(sys.stdin, display) if path == "-" else read_bytes(path, display)
        except KBUnreadableError as e:
            if as_data:  # no document to give: one line on stderr, exit 66
                raise
            unreadable = e.show()
            problems = []
        except KBFileError as e:  # too large to read: that is the one problem
            problems = [file_problem(e)]
        else:
            problems = validate_problems(raw, display, limit=MAX_PROBLEMS + 1)
        more = len(problems) > MAX_PROBLEMS  # one past the bound says there are more
        problems = problems[:MAX_PROBLEMS]
        if unreadable is not None:
            code = ExitCode.UNREADABLE_KB
        else:
            code = ExitCode.INVALID_KB if problems else ExitCode.OK
        if as_data:
            write_out(_validation_data(opts, display, bundled, problems, more))
        else:
            lines = [unreadable] if unreadable is not None else [p.format() for p in problems]
            write_out(_validation_text(display, bundled, lines, code, more))
        if code:
            raise typer.Exit(code)


def register_review(app: typer.Typer) -> None:
    """`kl review`: the maintainer's checklist."""

    @kl_command(app.command, "review")
    def review(
        opts: Opts,
        older_than: Annotated[
            int,
            typer.Option(
                "--older-than",
                metavar="YEARS",
                parser=whole_number(1),
                help="List sources published more than this many years before the date.",
            ),
        ] = 5,
    ) -> None:
        """The maintainer's checklist for the knowledge base.

        On the date (--as-of, default today): facts whose validity has ended with nothing
        current in their place, facts the sources disagree on, facts of medium or low
        confidence, and old or undated sources. Always exits 0: it is a list to work
        through, not a test.

        \b
        Examples:
          kl review
          kl review --as-of 2027-01-01 --json | jq '.counts'
        """
        from kl_cli.present.views.review import review_view

        emit(opts, review_view(load(opts).kb, opts.lang, older_than, as_of=opts.as_of))


def _validation_text(display: str, bundled: bool, lines: list[str], code: int, more: bool) -> str:
    """`kl validate` for people: the problems, one a line, then a summary line."""
    from kl_cli.present.formats import inert
    from kl_cli.store.load import MAX_PROBLEMS

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
    return "".join(inert(line, single_line=True) + "\n" for line in [*lines, summary])


def _validation_data(
    opts: Opts, display: str, bundled: bool, problems: list[FileProblem], more: bool
) -> str:
    """`kl validate` for scripts: a summary and the problems as objects, in JSON or YAML."""
    from kl_cli.present.views import envelope

    data: ValidateData = {
        "summary": {
            "file": display,
            "bundled": bundled,
            "valid": not problems,
            "problem_count": len(problems),
            "truncated": more,
        },
        "problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "path": p.path,
                "message": p.message,
            }
            for p in problems
        ],
    }
    return as_data(opts, envelope("validate", opts.lang) | dict(data))
