"""`kl people [NAME]`: the people the sources name, and one person's posts by period. The posts
of a body as of a day (its holders, with what is only last known or forecast) are shaped here
too, for `kl bodies`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core import holders
from kl_cli.core.models import KnowledgeBase, Lang, Person, Post
from kl_cli.core.periods import Dated
from kl_cli.core.record import by_id
from kl_cli.present.doc import Block, Field, Fields, Heading, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.refs import Facts, Footnotes, when
from kl_cli.present.views import View, day

if TYPE_CHECKING:
    from kl_cli.present.shapes import HoldersData, PeopleData, PersonData, PostData


class Names:
    """Display names of what posts refer to: people, bodies, units, municipalities."""

    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.people = {p.id: p.name for p in kb.people}
        self.bodies = {b.id: b.name.get(lang) for b in kb.bodies}
        self.units = {u.id: u.name.get(lang) for b in kb.bodies for u in b.units}
        self.units.update({c.id: c.name for c in kb.committees})
        self.municipalities = by_id(kb, "municipalities")  # revives only those a post names


def post_data(f: Facts, names: Names, post: Post) -> PostData:
    out: dict[str, Any] = {
        "person": post.person,
        "name": names.people.get(post.person, post.person),
        "body": post.body,
        "body_name": names.bodies.get(post.body, post.body),
        "role": post.role,
        "role_label": label(f"role_{post.role}", f.lang),
    }
    if post.unit is not None:
        out["unit"] = post.unit
        out["unit_name"] = names.units.get(post.unit, post.unit)
    if post.party is not None:
        out["party"] = post.party
    if post.municipality is not None:
        out["municipality"] = post.municipality
        known = names.municipalities.get(post.municipality)
        out["municipality_name"] = known.name if known is not None else post.municipality
    out["sources"] = f.sources(post.sources)
    f.dated(out, post)
    if post.status is not None:
        out["status"] = post.status
    if post.confidence is not None:
        out["confidence"] = post.confidence
    if post.note is not None:
        out["note"] = f.t(post.note)
    return cast("PostData", out)


def holders_data(f: Facts, names: Names, answer: holders.Answer) -> HoldersData:
    """Who holds a post on the day asked: confirmed holders, else the last known ones; and any
    forecast (never an answer by itself)."""

    def shaped(ds: Sequence[Dated]) -> list[PostData]:
        return [post_data(f, names, d.entry) for d in ds]

    return {
        "confirmed": answer.confirmed,
        "holders": shaped(answer.current),
        "last_known": shaped(answer.last_known),
        "forecasts": shaped(answer.forecasts),
    }


def holder_line(p: PostData, lang: Lang) -> str:
    """'Martin Damm (V, Kalundborg)'."""
    extra = [x for x in (p.get("party"), p.get("municipality_name")) if x]
    return p["name"] + (f" ({', '.join(extra)})" if extra else "")


def post_where(p: PostData) -> str:
    """The body, or its unit: 'Bestyrelse', 'KKR Nordjylland'."""
    return p.get("unit_name") or p["body_name"]


def state(p: PostData, as_of: str) -> str:
    """A post on the day asked: forecast, current, future (not yet begun) or ended."""
    if p.get("status") == "forecast":
        return "forecast"
    if p.get("current", True):
        return "current"
    start = p["period"]["from"] if "period" in p else None
    return "future" if start is not None and start > as_of else "ended"


def status_word(p: PostData, lang: Lang, as_of: str) -> str:
    return label(state(p, as_of), lang)


def posts_table(
    posts: Sequence[PostData], notes: Footnotes, lang: Lang, key: str, as_of: str
) -> Table:
    """Posts by period: the person's id first, then who, role, where, period and status; each
    row's source markers beside it (not in plain)."""
    rows = tuple(
        (
            p["person"],
            holder_line(p, lang),
            p["role_label"],
            post_where(p),
            p["period"]["label"] if "period" in p else "",
            status_word(p, lang, as_of),
        )
        for p in posts
    )
    columns = (
        label("id", lang),
        label("holder", lang),
        label("role", lang),
        label("where", lang),
        label("period", lang),
        label("status", lang),
    )
    shown = tuple(
        notes.note(cast("Any", {k: v for k, v in p.items() if k != "period"})) for p in posts
    )
    tokens = tuple(  # plain: ids and tokens, then the texts
        (
            p["person"],
            p["role"],
            p["body"],
            p.get("unit", "-"),
            p["period"]["label"] if "period" in p else "-",
            state(p, as_of),
            holder_line(p, lang),
            post_where(p),
            p["role_label"],
        )
        for p in posts
    )
    return Table(columns, rows, key=key, notes=shown, plain_rows=tokens)


def holders_blocks(
    data: HoldersData, notes: Footnotes, lang: Lang, role: str, as_of: str
) -> list[Block]:
    """'Formand: Martin Damm (V, Kalundborg)' — or that no holder is confirmed for the day, with
    the last confirmed one and its period; forecasts as a note."""
    title = label(f"role_{role}", lang)
    fields: list[Field] = []
    for p in data["holders"]:
        fields.append(
            Field(
                f"{role}",
                title,
                holder_line(p, lang),
                _note(p, notes),
                (p["person"], holder_line(p, lang)),
            )
        )
    if not data["confirmed"]:
        shown = "; ".join(
            f"{holder_line(p, lang)} ({when(p, lang)})" for p in data["last_known"]
        ) or label("none_known", lang)
        fields.append(
            Field(
                f"{role}",
                title,
                label("not_confirmed", lang).format(day=as_of),
                "",
                ("-", label("not_confirmed", lang).format(day=as_of)),
            )
        )
        fields.append(
            Field(
                f"{role}_last_known",
                label("last_confirmed", lang),
                shown,
                "".join(_note(p, notes, period=False) for p in data["last_known"][:1]),
                (",".join(p["person"] for p in data["last_known"]) or "-", shown),
            )
        )
    for p in data["forecasts"]:
        fields.append(
            Field(
                f"{role}_forecast",
                label("forecast_head", lang),
                holder_line(p, lang),
                _note(p, notes),
                (p["person"], holder_line(p, lang)),
            )
        )
    return [Fields(tuple(fields))] if fields else []


def _note(p: PostData, notes: Footnotes, *, period: bool = True) -> str:
    """A post's sources, confidence and note, and its period unless the line shows it."""
    extra = p.get("note")
    shown = notes.note(cast("Any", p if period else {k: v for k, v in p.items() if k != "period"}))
    return f"{shown} {extra}" if extra else shown


# --- kl people ----------------------------------------------------------------------------


def _person_data(f: Facts, names: Names, kb: KnowledgeBase, person: Person) -> PersonData:
    posts = holders.history(holders.person_posts(kb, person), f.periods)
    return {
        "id": person.id,
        "name": person.name,
        "posts": [post_data(f, names, d.entry) for d in posts],
    }


def people(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    names = Names(kb, lang)
    data: PeopleData = {
        "people": [_person_data(f, names, kb, p) for p in sorted(kb.people, key=_surname)]
    }
    return View("people", lang, data, people_doc, as_of=as_of)


def _surname(p: Person) -> tuple[str, str]:
    from kl_cli.core.folding import fold

    return (fold(p.name.split()[-1], True), fold(p.name, True))


def people_doc(data: PeopleData, lang: Lang) -> list[Block]:
    rows = []
    for person in data["people"]:
        now = [p for p in person["posts"] if p.get("current") and p.get("status") != "forecast"]
        shown = now or person["posts"][-1:]
        summary = "; ".join(
            f"{p['role_label']}, {post_where(p)}"
            + ("" if p.get("current") else f" ({when(p, lang)})")
            for p in shown
        )
        rows.append((person["id"], person["name"], summary))
    return [
        Heading(label("people", lang)),
        Table((label("id", lang), label("name", lang), label("posts_as_of", lang)), tuple(rows)),
    ]


def person(kb: KnowledgeBase, lang: Lang, who: Person, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    data = {"person": _person_data(f, Names(kb, lang), kb, who)}
    return View("person", lang, data, person_doc, as_of=as_of)


def person_doc(data: dict[str, Any], lang: Lang) -> list[Block]:
    p: PersonData = data["person"]
    notes = Footnotes(lang, [x["sources"] for x in p["posts"]])
    blocks: list[Block] = [
        Heading(p["name"]),
        Fields(
            (Field("id", label("id", lang), p["id"]), Field("name", label("name", lang), p["name"]))
        ),
    ]
    if p["posts"]:
        blocks.append(posts_table(p["posts"], notes, lang, "post", day(data)))
        for x in p["posts"]:
            if "note" in x:
                blocks.append(
                    Para(
                        "note",
                        f"{post_where(x)}, {when(x, lang) or '—'}: {x['note']}",
                    )
                )
    return [*blocks, *notes.block()]
