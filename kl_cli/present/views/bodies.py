"""`kl bodies [BODY]`: the political bodies, and one body with its counts, units and relations."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core.kinds import MEETINGS_BODY
from kl_cli.core.models import Body, Edge, KnowledgeBase, Lang, Meeting
from kl_cli.present.doc import Block, Field, Fields, Heading, Items, Para, Table
from kl_cli.present.i18n import at_start, label, relation
from kl_cli.present.refs import Facts, Footnotes
from kl_cli.present.views import View, day

if TYPE_CHECKING:
    from kl_cli.present.shapes import (
        BodiesData,
        BodyData,
        CommitteeCountData,
        CommitteeData,
        CommitteesData,
        FactData,
        OneBodyData,
        SummitData,
    )


# The facts a body may have, in the order they are shown.
BODY_FACTS = ("role", "composition", "election", "meetings", "term")


def bodies(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    data: BodiesData = {
        "bodies": [{"id": b.id, "name": f.t(b.name), "role": f.fact(b.role)} for b in kb.bodies]
    }
    return View("bodies", lang, data, bodies_doc, as_of=as_of)


def bodies_doc(data: BodiesData, lang: Lang) -> list[Block]:
    rows = data["bodies"]
    notes = Footnotes(lang, [b["role"]["sources"] for b in rows])
    return [
        Heading(label("bodies", lang)),
        Table(
            (label("id", lang), label("name", lang), label("role", lang)),
            tuple((b["id"], b["name"], b["role"].get("text", "")) for b in rows),
            notes=tuple(notes.note(b["role"]) for b in rows),
        ),
        *notes.block(),
    ]


def relation_phrase(names: dict[str, str], lang: Lang, b: Body, edge: Edge) -> str:
    """The relation from the body's side, the body its subject: 'elects: Formand og
    næstformand', 'set up by: ...'; in English the verb agrees with the body's name."""
    plural = b.grammatical_number == "plural"
    if edge.subject == b.id:
        phrase = relation(edge.relation, lang, plural=plural)
        return f"{phrase}: {names.get(edge.object, edge.object)}"
    phrase = relation(edge.relation, lang, plural=plural, inverse=True)
    return f"{phrase}: {names.get(edge.subject, edge.subject)}"


def body(kb: KnowledgeBase, lang: Lang, b: Body, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    data: dict[str, Any] = {
        "id": b.id,
        "name": f.t(b.name),
        "names": {"da": b.name.da, "en": b.name.en},
    }
    if b.aliases:
        data["aliases"] = list(b.aliases)
    for key in BODY_FACTS:
        fact = getattr(b, key)
        if fact is not None:
            data[key] = f.fact(fact)
    if b.paragraphs:
        labels = {p.id: p.label for p in kb.statutes.paragraphs}
        data["paragraphs"] = [{"id": p, "label": labels.get(p, p)} for p in b.paragraphs]
    if b.counts:
        data["counts"] = [
            {"id": n.id, "value": n.value, "unit": n.unit, "label": f.t(n.label)}
            | f.fact(n, text=False)
            for n in b.counts
        ]
    if b.units:
        data["units"] = [
            {"id": u.id, "name": f.t(u.name), "municipalities": u.municipalities}
            | f.fact(u, text=False)
            for u in b.units
        ]
    _posts(f, kb, b, data)
    if b.id == MEETINGS_BODY and kb.meetings:
        data["summits"] = [_summit(f, m) for m in kb.meetings]
    edges = [e for e in kb.relations if b.id in (e.subject, e.object)]
    if edges:
        names = {x.id: f.t(x.name) for x in kb.bodies} | {a.id: f.t(a.name) for a in kb.actors}
        data["relations"] = [
            {"subject": e.subject, "relation": e.relation, "object": e.object}
            | {"target": e.object if e.subject == b.id else e.subject}
            | {"text": relation_phrase(names, lang, b, e)}
            | ({"paragraph": e.paragraph} if e.paragraph else {})
            | {"sources": f.sources(e.sources)}
            for e in edges
        ]
    return View("body", lang, {"body": cast("BodyData", data)}, body_doc, as_of=as_of)


def _summit(f: Facts, m: Meeting) -> SummitData:
    out: SummitData = {
        "id": m.id,
        "year": m.year,
        "name": f.t(m.name),
        "date": m.date,
        "end_date": m.end_date,
        "place": m.place,
        "cancelled": m.cancelled,
        "sources": f.sources(m.sources),
    }
    if m.confidence:
        out["confidence"] = m.confidence
    if m.note is not None:
        out["note"] = f.t(m.note)
    return out


def _posts(f: Facts, kb: KnowledgeBase, b: Body, data: dict[str, Any]) -> None:
    """Who holds the body's posts on the day asked, per role (and per unit: a committee, a
    KKR), and the history of its posts; a KKR's municipalities on the day."""
    from kl_cli.core import holders
    from kl_cli.present.views.people import Names, holders_data, post_data

    if b.id == "udvalg" and (kb.committees or kb.committee_counts):
        data["committees"] = _committees(f, kb)
    if b.id == "bestyrelse" and kb.periods:
        from kl_cli.core.periods import covers
        from kl_cli.present.refs import period_data

        data["periods"] = [
            {
                "id": p.id,
                "start": p.start,
                "period": period_data(f.periods.spans[p.id]),
                "current": covers(f.periods.spans[p.id], f.as_of),
            }
            | ({"note": f.t(p.note)} if p.note else {})
            for p in f.periods.ordered
        ]
    mine = [p for p in kb.posts if p.body == b.id]
    names = Names(kb, f.lang)
    ps, day = f.periods, f.as_of
    if b.id == "kkr" and kb.municipalities:
        from kl_cli.core.folding import fold

        places = holders.Places(kb, ps, day)
        where = {m.id: places.region(m)[1] for m in kb.municipalities}
        ordered = sorted(kb.municipalities, key=lambda m: fold(m.name, True))
        for unit in data.get("units", []):
            unit["municipalities_as_of"] = [
                {"id": m.id, "name": m.name} for m in ordered if where[m.id] == unit["id"]
            ]
    if not mine:
        return
    # Who holds a post on the day: the chairs of a body or unit. Members are listed by period
    # in the history only: no source gives a whole membership for every period.
    roles = [r for r in holders.CHAIRS if any(p.role == r for p in mine)]
    units = list(dict.fromkeys(p.unit for p in mine if p.unit is not None))
    if "committees" in data:  # only the committees shown: those of the period on the day
        shown = {c["id"] for c in data["committees"]["committees"]}
        units = [u for u in units if u in shown]
    if units:
        data["unit_holders"] = [
            {
                "unit": u,
                "name": names.units.get(u, u),
                "roles": {
                    r: holders_data(f, names, holders.holders(kb, ps, day, b.id, r, u))
                    for r in roles
                    if any(p.role == r and p.unit == u for p in mine)
                },
            }
            for u in units
        ]
    else:
        data["holders"] = {
            r: holders_data(f, names, holders.holders(kb, ps, day, b.id, r)) for r in roles
        }
    data["history"] = [post_data(f, names, d.entry) for d in holders.history(mine, ps)]


def _committees(f: Facts, kb: KnowledgeBase) -> CommitteesData:
    """The udvalg of the period the day falls in, else of the last period known (marked so),
    and how many each period had, where sourced."""
    from kl_cli.core import periods

    dated = periods.as_of(kb.committees, f.periods, f.as_of)
    shown = [d for d in dated if d.current] or periods.last_known(dated, f.as_of)
    if shown and not shown[0].current:  # every committee of that last known period
        label_of = periods.label(shown[0].span) if shown[0].span else ""
        shown = [d for d in dated if d.span is not None and periods.label(d.span) == label_of]

    def shaped(c: Any) -> CommitteeData:
        item: dict[str, Any] = {"id": c.id, "name": c.name} | f.fact(c, text=False)
        if c.note is not None:
            item["note"] = f.t(c.note)
        return cast("CommitteeData", item)

    listed = [shaped(d.entry) for d in shown]
    every = [shaped(d.entry) for d in periods.as_of(kb.committees, f.periods, f.as_of)]
    counts = []
    for n in kb.committee_counts:
        item = {"value": n.value} | f.fact(n, text=False)
        if n.note is not None:
            item["note"] = f.t(n.note)
        counts.append(cast("CommitteeCountData", item))
    return {
        "current": bool(shown) and shown[0].current,
        "committees": listed,
        "counts": counts,
        "history": every,
    }


def body_doc(data: OneBodyData, lang: Lang) -> list[Block]:
    b = data["body"]
    facts: list[tuple[str, FactData]] = [(k, b[k]) for k in BODY_FACTS if k in b]  # type: ignore[literal-required]
    counts = b.get("counts", [])
    units = b.get("units", [])
    posts = [*b.get("history", [])]
    held = b.get("committees")
    extra: list[Any] = [*held["history"], *held["counts"]] if held else []
    summits = b.get("summits", [])
    notes = Footnotes(
        lang,
        [x["sources"] for x in [*(x for _, x in facts), *counts, *units, *extra, *posts, *summits]],
    )
    fields = [
        Field("id", label("id", lang), b["id"]),
        Field("name", label("name", lang), b["name"]),
    ]
    aliases = b.get("aliases", [])
    if aliases:  # plain: one alias a cell
        shown = ", ".join(aliases)
        fields.append(Field("aliases", label("aliases", lang), shown, plain=tuple(aliases)))
    fields += [Field(k, label(k, lang), x.get("text", ""), notes.note(x)) for k, x in facts]
    if "paragraphs" in b:
        shown = ", ".join(p["label"] for p in b["paragraphs"])
        ids = tuple(p["id"] for p in b["paragraphs"])  # plain: one field per paragraph, its id
        fields.append(Field("paragraphs", label("paragraphs", lang), shown, plain=ids))
    fields += [
        Field(
            "count",
            at_start(n["label"]),
            str(n["value"]),
            notes.note(n),
            plain=(
                n["id"],
                str(n["value"]),
                n["unit"],
                n["period"]["label"] if "period" in n else "",
                n["label"],
            ),
        )
        for n in counts
    ]
    blocks: list[Block] = [Heading(b["name"]), Fields(tuple(fields))]
    if units:
        blocks.append(
            Table(
                (label("id", lang), label("name", lang), label("municipalities", lang)),
                tuple((u["id"], u["name"], str(u["municipalities"])) for u in units),
                label("units", lang),
                key="unit",
                notes=tuple(notes.note(u) for u in units),
                plain_order=(0, 2, 1),
            )
        )
    members = [u for u in units if "municipalities_as_of" in u]
    if members:
        blocks.append(
            Table(
                (label("id", lang), label("municipalities", lang)),
                tuple(
                    (u["id"], ", ".join(m["name"] for m in u["municipalities_as_of"]) or "—")
                    for u in members
                ),
                label("kkr_members_as_of", lang).format(day=day(data)),
                key="unit_municipalities",
            )
        )
        if not all(u["municipalities_as_of"] for u in members):
            blocks.append(Para("kkr_unknown", label("kkr_unknown", lang)))
    if "relations" in b:
        rels = b["relations"]
        blocks.append(
            Items(
                "relation",
                tuple(r["text"] for r in rels),
                label("relations", lang),
                ids=tuple((r["subject"], r["relation"], r["object"]) for r in rels),
            )
        )
    blocks += _committees_doc(b, notes, lang, day(data))
    blocks += _periods_doc(b, lang)
    blocks += _posts_doc(b, notes, lang, day(data))
    if summits:
        blocks += _summits_doc(summits, notes, lang)
    return [*blocks, *notes.block()]


def _committees_doc(b: BodyData, notes: Footnotes, lang: Lang, as_of: str) -> list[Block]:
    c = b.get("committees")
    if c is None:
        return []
    title = label("committees_as_of" if c["current"] else "committees_last_known", lang)
    rows = tuple(
        (x["id"], x["name"], x["period"]["label"] if "period" in x else "") for x in c["committees"]
    )
    blocks: list[Block] = [
        Table(
            (label("id", lang), label("name", lang), label("period", lang)),
            rows,
            title.format(day=as_of),
            key="committee",
            notes=tuple(notes.note(x) for x in c["committees"]),
        )
    ]
    if not rows:
        blocks.append(Para("committee", label("none_known", lang)))
    history = c["history"]
    if history:
        blocks.append(
            Table(
                (label("id", lang), label("name", lang), label("period", lang)),
                tuple(
                    (x["id"], x["name"], x["period"]["label"] if "period" in x else "")
                    for x in history
                ),
                label("committees_by_period", lang),
                key="committee_history",
                notes=tuple(notes.note(x) for x in history),
            )
        )
    for x in history:
        if "note" in x:
            blocks.append(Para("committee_note", f"{x['name']}: {x['note']}"))
    for n in c["counts"]:
        shown = f"{n['value']} {label('committees_word', lang)}"
        blocks.append(
            Fields(
                (
                    Field(
                        "committee_count",
                        label("count_in_period", lang).format(
                            period=n["period"]["label"] if "period" in n else ""
                        ),
                        shown,
                        notes.note(n),
                        (
                            str(n["value"]),
                            n["period"]["label"] if "period" in n else "",
                            "yes" if n.get("current") else "no",
                        ),
                    ),
                )
            )
        )
        if "note" in n:
            blocks.append(Para("committee_count_note", n["note"]))
    return blocks


def _periods_doc(b: BodyData, lang: Lang) -> list[Block]:
    rows = b.get("periods")
    if not rows:
        return []
    blocks: list[Block] = [
        Table(
            (label("id", lang), label("starts", lang), label("ends", lang)),
            tuple((p["id"], p["start"], p["period"]["to"] or "-") for p in rows),
            label("electoral_periods", lang),
            key="period",
        )
    ]
    for p in rows:
        if "note" in p:
            blocks.append(Para("period_note", f"{p['id']}: {p['note']}"))
    return blocks


def _days(start: str | None, end: str | None) -> str:
    """'2018-03-08–09' for days in one month, else 'start–end'; '—' when no date is known."""
    if not start:
        return "—"
    if not end or end == start:
        return start
    if len(start) == len(end) == 10 and start[:8] == end[:8]:
        return f"{start}–{end[8:]}"
    return f"{start}–{end}"


def _summits_doc(summits: list[SummitData], notes: Footnotes, lang: Lang) -> list[Block]:
    """The Topmøder, one row each: name, when, where, whether cancelled, with source markers;
    then each one's note (plain: id, date, end date, cancelled yes/no, then the texts)."""
    rows, tokens = [], []
    for x in summits:
        where = x["place"] or ""
        flag = label("cancelled", lang) if x["cancelled"] else ""
        rows.append((x["id"], x["name"], _days(x["date"], x["end_date"]), where, flag))
        tokens.append(
            (
                x["id"],
                x["date"] or "-",
                x["end_date"] or "-",
                "yes" if x["cancelled"] else "no",
                where,
                x["name"],
            )
        )
    blocks: list[Block] = [
        Table(
            (
                label("id", lang),
                label("name", lang),
                label("date", lang),
                label("place", lang),
                label("cancelled_head", lang),
            ),
            tuple(rows),
            label("summits", lang),
            key="summit",
            notes=tuple(notes.note(cast("FactData", x)) for x in summits),
            plain_rows=tuple(tokens),
        )
    ]
    blocks += [Para("summit_note", f"{x['name']}: {x['note']}") for x in summits if "note" in x]
    return blocks


def _posts_doc(b: BodyData, notes: Footnotes, lang: Lang, as_of: str) -> list[Block]:
    from kl_cli.present.views.people import holders_blocks, posts_table

    blocks: list[Block] = []
    if "holders" in b:
        blocks.append(Heading(label("holders_as_of", lang).format(day=as_of), 2))
        for role, held in b["holders"].items():
            blocks += holders_blocks(held, notes, lang, role, as_of)
    for unit in b.get("unit_holders", []):
        blocks.append(Heading(f"{unit['name']} ({as_of})", 2))
        for role, held in unit["roles"].items():
            blocks += holders_blocks(held, notes, lang, role, as_of)
    if b.get("history"):
        blocks.append(Heading(label("history", lang), 2))
        blocks.append(posts_table(b["history"], notes, lang, "post", as_of))
    return blocks
