"""The reference commands: about, values, leadership, bodies, statutes, services, international,
sources."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from kl_cli.cli.command import Group, emit, kl_command, load, runnable, suggestion
from kl_cli.cli.commands.completion import IdOf, paragraph_items
from kl_cli.cli.options import Opts, whole_number
from kl_cli.errors import NoSuchCommand, UsageError

ValueArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[VALUE]",
        help="A value's number (1-3), id or name.",
        click_type=IdOf("value"),
        show_default=False,
    ),
]
BodyArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[BODY]",
        help="A body's id, or its Danish or English name (any case; ae/oe/aa for æ/ø/å).",
        click_type=IdOf("body"),
        show_default=False,
    ),
]
SourceArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[SOURCE]",
        help="A source's id or title (any case; ae/oe/aa for æ/ø/å).",
        click_type=IdOf("source"),
        show_default=False,
    ),
]
ParagraphArg = Annotated[
    str,
    typer.Argument(
        metavar="PARAGRAPH",
        help="A paragraph: 4, '§ 4', 6.2 or '§ 6 stk. 2', 12-13, kontingent, regnskab.",
        click_type=IdOf("paragraph"),
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add the reference commands to the root app."""

    @kl_command(app.command, "about")
    def about(opts: Opts) -> None:
        """Mission, vision, purpose (§ 1) and general facts.

        \b
        Example:
          kl about --lang en
        """
        from kl_cli.present.views import overview as overview_views

        emit(opts, overview_views.about(load(opts).kb, opts.lang, as_of=opts.as_of))

    @kl_command(app.command, "values")
    def values(opts: Opts, value: ValueArg = None) -> None:
        """The three organisational values.

        With VALUE (a number, id or name), the whole value.

        \b
        Examples:
          kl values
          kl values 2
          kl values kommunerne --lang en
        """
        from kl_cli.present.views import values as value_views

        kb = load(opts).kb
        if value is None:
            emit(opts, value_views.values(kb, opts.lang, as_of=opts.as_of))
        else:
            from kl_cli.core.lookup import find_value

            emit(opts, value_views.value(kb, opts.lang, find_value(kb, value), as_of=opts.as_of))

    @kl_command(app.command, "leadership")
    def leadership(opts: Opts, value: ValueArg = None) -> None:
        """The leadership behaviours, grouped by value.

        With VALUE, only that value's behaviours.

        \b
        Examples:
          kl leadership
          kl leadership 1 -f plain
        """
        from kl_cli.core.lookup import find_value
        from kl_cli.present.views import values as value_views

        kb = load(opts).kb
        chosen = find_value(kb, value) if value is not None else None
        emit(opts, value_views.leadership(kb, opts.lang, chosen, as_of=opts.as_of))

    @kl_command(app.command, "bodies")
    def bodies(opts: Opts, body: BodyArg = None) -> None:
        """KL's political bodies.

        One line per body; with BODY (id, Danish or English name), the full entry.

        \b
        Examples:
          kl bodies
          kl bodies bestyrelse
          kl bodies "executive committee" --lang en
        """
        from kl_cli.core.lookup import find_body
        from kl_cli.present.views import bodies as body_views

        kb = load(opts).kb
        if body is None:
            emit(opts, body_views.bodies(kb, opts.lang, as_of=opts.as_of))
        else:
            emit(opts, body_views.body(kb, opts.lang, find_body(kb, body), as_of=opts.as_of))

    @kl_command(app.command, "services")
    def services(opts: Opts) -> None:
        """What KL does for its members.

        \b
        Example:
          kl services --lang en
        """
        from kl_cli.present.views import texts as text_views

        emit(opts, text_views.services(load(opts).kb, opts.lang, as_of=opts.as_of))

    @kl_command(app.command, "international")
    def international(opts: Opts) -> None:
        """KL's international and EU work.

        \b
        Example:
          kl international -f markdown
        """
        from kl_cli.present.views import texts as text_views

        emit(opts, text_views.international(load(opts).kb, opts.lang, as_of=opts.as_of))

    @kl_command(app.command, "sources")
    def sources(opts: Opts, source: SourceArg = None) -> None:
        """Where every fact comes from.

        Every source the knowledge base cites, with the notes on them, and which knowledge
        base is in use; with SOURCE (an id or title), that source and its note.

        \b
        Examples:
          kl sources
          kl sources silkeborg-delegerede
          kl sources --json
        """
        from kl_cli.core.lookup import find
        from kl_cli.present.views import texts as text_views

        loaded = load(opts)
        if source is None:
            emit(opts, text_views.sources(loaded.kb, opts.lang, loaded.path, as_of=opts.as_of))
        else:
            found = find(loaded.kb, "source", source)
            emit(opts, text_views.source(loaded.kb, opts.lang, found, as_of=opts.as_of))

    app.add_typer(statutes_app, name="statutes")


class StatutesGroup(Group):
    """`kl statutes WORD`: WORD is a subcommand (amendment, delegates) or a paragraph."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "paragraph", self.commands["paragraph"], args
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """amendment, delegates and the paragraph ids."""
        return [*super().shell_complete(ctx, incomplete), *paragraph_items(ctx, incomplete)]


statutes_app = typer.Typer(
    cls=StatutesGroup,
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@kl_command(statutes_app.callback, None)
def statutes(opts: Opts) -> None:
    """KL's statutes, their paragraphs and the amendment rule.

    What the statutes cover, the last revision, the key paragraphs and how they are amended.

    \b
    Usage:
      kl statutes                 the overview
      kl statutes PARAGRAPH       one paragraph: 4, '§ 4', 6.2 (§ 6 stk. 2), kontingent
      kl statutes amendment       the 2/3 rule, and the votes needed
      kl statutes delegates       voting delegates for a population (§ 4)
    \b
    Examples:
      kl statutes 4
      kl statutes "§ 6 stk. 2" --lang en
    """
    from kl_cli.present.views import statutes as statute_views

    emit(opts, statute_views.statutes(load(opts).kb, opts.lang, as_of=opts.as_of))


@kl_command(statutes_app.command, "paragraph", hidden=True)
def statutes_paragraph(opts: Opts, paragraph: ParagraphArg) -> None:
    """One statute paragraph's facts.

    \b
    Example:
      kl statutes 4
    """
    from kl_cli.core.lookup import find_paragraph
    from kl_cli.errors import LookupFailed
    from kl_cli.present.views import statutes as statute_views

    kb = load(opts).kb
    try:
        found = find_paragraph(kb, paragraph)
    except LookupFailed:
        # a mistyped command, if it is close to one users can run (the group's usage line is
        # shown: Group.invoke)
        close = suggestion(paragraph.lower(), runnable(StatutesGroup))
        if close:
            raise NoSuchCommand(f"No such command {paragraph!r}.{close}") from None
        raise
    emit(opts, statute_views.paragraph(kb, opts.lang, found, as_of=opts.as_of))


@kl_command(statutes_app.command, "amendment")
def statutes_amendment(
    opts: Opts,
    delegates: Annotated[
        int | None,
        typer.Option(
            "--delegates",
            metavar="N",
            parser=whole_number(1),
            help="Voting delegates (1 or more): show the votes needed.",
        ),
    ] = None,
    votes_for: Annotated[
        int | None,
        typer.Option(
            "--votes-for",
            metavar="M",
            parser=whole_number(0),
            help="Votes for (0 or more): say whether it is adopted.",
        ),
    ] = None,
) -> None:
    """The amendment rule (2/3) and the votes needed.

    The sources do not settle whether N counts the delegates present or all who are
    entitled to vote; give the number you mean.

    \b
    Examples:
      kl statutes amendment
      kl statutes amendment --delegates 98 --votes-for 70 --json
    """
    from kl_cli.present.views import statutes as statute_views

    if votes_for is not None and delegates is None:
        raise UsageError("--votes-for needs --delegates")
    if votes_for is not None and delegates is not None and votes_for > delegates:
        raise UsageError(f"--votes-for {votes_for} is more than --delegates {delegates}")
    emit(
        opts,
        statute_views.amendment(load(opts).kb, opts.lang, delegates, votes_for, as_of=opts.as_of),
    )


@kl_command(statutes_app.command, "delegates")
def statutes_delegates(
    opts: Opts,
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            metavar="P",
            help="Inhabitants: 40500, 40.500, 40,500, '40 500' or 40_500.",
            show_default=False,
        ),
    ] = None,
    council_seats: Annotated[
        int | None,
        typer.Option(
            "--council-seats",
            metavar="S",
            parser=whole_number(1),
            help="Members of the municipal council (the cap; 1 or more).",
        ),
    ] = None,
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            metavar="NAME",
            help="Take the population and council size kl knows for this municipality as of "
            "the date (--population and --council-seats win).",
            click_type=IdOf("municipality"),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Voting delegates for a population (§ 4).

    One voting delegate per started 8,000 inhabitants, at most as many as the council has seats
    (the cap is known with medium confidence only). With --municipality, the inputs are the
    latest population figure on or before the date and the council size on the date, each
    shown with its date and sources: kl's own computation, not KL's.

    \b
    Examples:
      kl statutes delegates --population 40.500
      kl statutes delegates --population 340000 --council-seats 31 --json
      kl statutes delegates --municipality aarhus
    """
    from kl_cli.present.views import statutes as statute_views

    kb = load(opts).kb
    people = parse_population(population) if population is not None else None
    inputs = None
    if municipality is not None:
        people, council_seats, inputs = _municipal_inputs(
            kb, opts, municipality, people, council_seats
        )
    if people is None:
        raise UsageError("give --population (or --municipality)")
    view = statute_views.delegates(
        kb, opts.lang, people, council_seats, as_of=opts.as_of, inputs=inputs
    )
    emit(opts, view)


def _municipal_inputs(
    kb: Any, opts: Opts, name: str, population: int | None, seats: int | None
) -> tuple[int, int | None, Any]:
    """The population and council size kl knows for a municipality on the date (given values
    win); a missing population is an error naming what is missing."""
    from kl_cli.core import holders
    from kl_cli.core.lookup import find
    from kl_cli.core.periods import periods
    from kl_cli.present.refs import Facts

    m = find(kb, "municipality", name)
    f = Facts(kb, opts.lang, opts.as_of)
    place = holders.place(kb, periods(kb), m, opts.as_of)
    inputs: dict[str, Any] = {"id": m.id, "name": m.name}
    known = place.population
    if known is not None:
        inputs["population"] = {"value": known.value, "date": known.date} | f.fact(
            known, text=False
        )
    council = place.council.current
    if council:
        inputs["council"] = {"seats": council[0].entry.seats} | f.fact(council[0].entry, text=False)
    if population is None:
        if known is None:
            raise UsageError(
                f"kl knows no population for {m.name} on or before {opts.as_of.isoformat()};"
                " give --population"
            )
        population = known.value
    if seats is None and council:
        seats = council[0].entry.seats
    return population, seats, inputs


_POPULATION = (  # matched with re.fullmatch, compiled on first use
    r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+"
    r"|[0-9]{1,3}(?:_[0-9]{3})+"
)


def parse_population(text: str) -> int:
    """'40500', '40.500', '40,500', '40 500', '40_500' -> 40500 (groups of three only).

    Both the Danish (.) and the English (,) thousands separator are accepted in either
    language: neither is a decimal point here, since a population is a whole number."""
    if not re.fullmatch(_POPULATION, text.strip()):
        raise UsageError(
            "--population must be a whole number such as 40500, 40.500, 40,500, '40 500' or"
            " 40_500;"
            f" got {text!r}"
        )
    # Leading zeros off, then bounded before int(), which refuses over 4,300 digits.
    digits = re.sub(r"[.,_ ]", "", text.strip()).lstrip("0") or "0"
    value = int(digits) if len(digits) <= 18 else None
    if value is None or value < 1 or value > 100_000_000:
        got = value if value is not None else f"a number of {len(digits)} digits"
        raise UsageError(f"--population must be between 1 and 100000000; got {got}")
    return value
