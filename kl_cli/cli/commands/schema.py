"""`kl schema [KIND]`: the JSON Schema of each kind of JSON/YAML output, as kl ships it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kl_cli.cli.command import as_data, kl_command
from kl_cli.cli.options import Fmt, Opts
from kl_cli.cli.output import write_out
from kl_cli.errors import UsageError

if TYPE_CHECKING:
    from kl_cli.present.shapes import SchemasData


def _complete_kind(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    from kl_cli.store import schemas

    try:
        titles = schemas.titles()
    except (OSError, ValueError, KeyError):  # completion never prints an error
        return []
    return [(k, title) for k, title in titles if k.startswith(incomplete.lower())]


KindArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[KIND]",
        help="A kind of output (body, values, export...); 'kl schema' lists them.",
        autocompletion=_complete_kind,
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add `kl schema` to the root app."""

    @kl_command(
        app.command,
        "schema",
        formats=(Fmt.auto, Fmt.json),
        auto="the kinds as lines of text, a schema as JSON",
    )
    def schema(opts: Opts, kind: KindArg = None) -> None:
        """The JSON Schema of each kind of output.

        Every JSON or YAML document kl prints names its kind ("kind": "body") and
        validates against 'kl schema KIND', a JSON Schema (draft 2020-12). 'kl schema
        export' is the knowledge-base file that 'kl export -f json' writes. Without
        KIND: each kind and the command that prints it, one a line (--json: the same
        as data).

        \b
        Examples:
          kl schema
          kl schema body > body.schema.json
          kl schema export
        """
        from kl_cli.store import schemas

        if kind is None:
            rows = schemas.titles()
            if opts.format == Fmt.json:
                from kl_cli.present.views import envelope

                data: SchemasData = {"schemas": [{"kind": k, "command": c} for k, c in rows]}
                write_out(as_data(opts, envelope("schemas", opts.lang) | dict(data)))
            else:
                write_out("".join(f"{k}\t{c}\n" for k, c in rows))
            return
        known = schemas.kinds()
        chosen = kind.strip().lower()
        if chosen not in known:
            raise UsageError(_unknown(kind, known))
        text = schemas.text(chosen)
        from kl_cli.cli.env import env

        if not env().stdout_utf8():  # the same JSON, its non-ASCII text as \u escapes
            import json

            from kl_cli.present.formats import to_json

            text = to_json(json.loads(text), ascii_only=True)
        write_out(text)


def _unknown(kind: str, known: list[str]) -> str:
    """No such kind: the closest kinds (or those it begins), else all of them."""
    import difflib

    typed = kind.strip().lower()
    close = [k for k in known if typed and k.startswith(typed)]
    close += [k for k in difflib.get_close_matches(typed, known, n=3) if k not in close]
    if close:
        shown = [repr(k) for k in close[:3]]
        names = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
        return f"no kind {kind!r}; did you mean {names}?"
    return f"no kind {kind!r}; choose one of: {', '.join(known)}"
