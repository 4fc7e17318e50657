"""`kl search TEXT...`: find any text of the knowledge base, in both languages."""

from __future__ import annotations

from typing import Annotated

import typer

from kl_cli.cli.command import emit, kl_command, user_cache
from kl_cli.cli.options import Opts, whole_number
from kl_cli.errors import UsageError

TextArg = Annotated[
    list[str],
    typer.Argument(
        metavar="TEXT...",
        help="Words that must all occur in one text, in any order; quote a phrase.",
        show_default=False,
    ),
]
LimitOpt = Annotated[
    int,
    typer.Option(
        "--limit",
        "-n",
        metavar="N",
        parser=whole_number(1),
        help="Show at most N hits (1 or more).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add `kl search` to the root app."""

    @kl_command(app.command, "search")
    def search(opts: Opts, text: TextArg, limit: LimitOpt = 10) -> None:
        """Find any text, in Danish or English.

        Searches every text of the knowledge base in both languages. Case does not
        matter, and æ, ø, å may be typed as ae, oe, aa or as a, o, a. Several words
        must all occur in the same text, in any order; a quoted phrase must occur as
        it is. Hits are ranked (a title or name first, then list items, then running
        text) and each names the command that shows it in full. Nothing found: exit 1,
        with the closest words the knowledge base does have.

        \b
        Examples:
          kl search kommunekontaktraad
          kl search frihedsgrader uddelegere
          kl search "sætte dagsordenen" --limit 3
          kl search deadlines --lang en --json
        """
        from kl_cli.present.views.search import search_view

        if not all(word.split() for word in text):
            raise UsageError("search text must not be empty")
        from kl_cli.core.search import unsearchable

        blank = unsearchable(text)
        if blank is not None:  # it would match every text
            raise UsageError(f"search text {blank!r} has no letter, digit or sign to search for")
        from kl_cli.store.load import load_search_index

        index, _ = load_search_index(opts.data, user_cache() if opts.data else None)
        emit(opts, search_view(index, opts.lang, text, limit, as_of=opts.as_of))
