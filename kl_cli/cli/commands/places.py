"""Who and where: `kl people [NAME]` and `kl municipalities [NAME|CODE]` (`kl kommuner`)."""

from __future__ import annotations

from typing import Annotated

import typer

from kl_cli.cli.command import emit, kl_command, load
from kl_cli.cli.commands.completion import IdOf
from kl_cli.cli.options import Opts

PersonArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[NAME]",
        help="A person's id or name (any case; ae/oe/aa for æ/ø/å).",
        click_type=IdOf("person"),
        show_default=False,
    ),
]
MunicipalityArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[NAME|CODE]",
        help="A municipality's name, id or three-digit code (any case; ae/oe/aa for æ/ø/å).",
        click_type=IdOf("municipality"),
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add `people`, `municipalities` and its Danish alias `kommuner` to the root app."""

    @kl_command(app.command, "people")
    def people(opts: Opts, name: PersonArg = None) -> None:
        """The people in KL's posts, each with every post by period.

        \b
        Examples:
          kl people
          kl people "martin damm"
          kl people damm --as-of 2019-06-01 --json
        """
        from kl_cli.core.lookup import find
        from kl_cli.present.views import people as people_views

        kb = load(opts).kb
        if name is None:
            emit(opts, people_views.people(kb, opts.lang, as_of=opts.as_of))
        else:
            who = find(kb, "person", name)
            emit(opts, people_views.person(kb, opts.lang, who, as_of=opts.as_of))

    def show_municipalities(opts: Opts, name: str | None) -> None:
        from kl_cli.present.views import municipalities as views

        kb = load(opts).kb
        if name is None:
            emit(opts, views.municipalities(kb, opts.lang, as_of=opts.as_of))
        else:
            from kl_cli.core.lookup import find  # only to find one: a list needs no lookup

            found = find(kb, "municipality", name)
            emit(opts, views.municipality(kb, opts.lang, found, as_of=opts.as_of))

    @kl_command(app.command, "municipalities")
    def municipalities(opts: Opts, name: MunicipalityArg = None) -> None:
        """KL's 98 member municipalities, their region and KKR.

        Each with its code, region and KKR as of the date (--as-of, default today).

        With NAME or CODE, one municipality: its council size and population with their dates
        and sources, and its voting delegates under § 4 where both are known.

        \b
        Examples:
          kl municipalities
          kl municipalities aarhus
          kl municipalities 101 --as-of 2027-01-01
        """
        show_municipalities(opts, name)

    @kl_command(app.command, "kommuner", hidden=True)
    def kommuner(opts: Opts, name: MunicipalityArg = None) -> None:
        """Danish for `kl municipalities`.

        \b
        Example:
          kl kommuner aarhus
        """
        show_municipalities(opts, name)
