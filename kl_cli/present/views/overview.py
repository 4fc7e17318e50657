"""`kl` (the overview) and `kl about`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kl_cli.core.models import KnowledgeBase, Lang
from kl_cli.present.doc import Block, Field, Fields, Heading, Items, Para, Table
from kl_cli.present.i18n import COMMANDS, fact_label, label
from kl_cli.present.refs import Facts, Footnotes
from kl_cli.present.views import View, day
from kl_cli.present.views.statutes import paragraph_data

if TYPE_CHECKING:
    from kl_cli.present.shapes import AboutData, FactData, OverviewData


def overview(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    a = kb.about
    data: OverviewData = {
        "name": f.t(a.name),
        "long_name": a.long_name,
        "mission": f.fact(a.mission),
        "values": [{"id": v.id, "number": v.number, "title": f.t(v.title)} for v in kb.values],
        "bodies": [{"id": b.id, "name": f.t(b.name)} for b in kb.bodies],
        "commands": [{"command": cmd, "shows": what[lang]} for cmd, what in COMMANDS],
        "electoral_period": None,
        "covered": False,
    }
    members = next((x for x in a.facts if x.id == "members"), None)
    if members is not None:
        data["about"] = f.fact(members)
    _period(f, kb, data)
    return View("overview", lang, data, overview_doc, as_of=as_of)


def _period(f: Facts, kb: KnowledgeBase, data: OverviewData) -> None:
    """The electoral period the day falls in, and whether the sources cover it yet: whether
    they confirm who chairs KL on that day."""
    from kl_cli.core import holders
    from kl_cli.present.refs import period_data
    from kl_cli.present.views.people import Names, holders_data

    period = f.periods.at(f.as_of)
    data["electoral_period"] = period_data(f.periods.spans[period.id]) if period else None
    chair = holders.holders(kb, f.periods, f.as_of, "formand", "formand")
    data["covered"] = chair.confirmed
    if kb.posts:
        data["chairman"] = holders_data(f, Names(kb, f.lang), chair)


def overview_doc(data: OverviewData, lang: Lang) -> list[Block]:
    members = data.get("about")
    notes = Footnotes(
        lang, [*([members["sources"]] if members else []), data["mission"]["sources"]]
    )
    blocks: list[Block] = [Heading(f"{data['name']} ({data['long_name']})")]
    if members is not None:
        blocks.append(Para("about", members.get("text", ""), notes.note(members)))
    return [
        *blocks,
        *_period_doc(data, notes, lang),
        Heading(label("mission", lang), 2),
        Para("mission", data["mission"].get("text", ""), notes.note(data["mission"])),
        Items(
            "value",
            tuple(v["title"] for v in data["values"]),
            label("values", lang),
            True,
            ids=tuple((v["id"], str(v["number"])) for v in data["values"]),
        ),
        Table(
            (label("id", lang), label("name", lang)),
            tuple((b["id"], b["name"]) for b in data["bodies"]),
            label("bodies", lang),
            key="body",
        ),
        Table(
            (label("command", lang), label("shows", lang)),
            tuple((c["command"], c["shows"]) for c in data["commands"]),
            label("more", lang),
            key="command",
        ),
        *notes.block(),
    ]


def _period_doc(data: OverviewData, notes: Footnotes, lang: Lang) -> list[Block]:
    from kl_cli.present.views.people import holder_line

    today = day(data)
    period = data["electoral_period"]
    shown = period["label"] if period else label("none_known", lang)
    text = label("period_as_of", lang).format(day=today, period=shown)
    chair = data.get("chairman")
    if chair is None:
        return [Para("period", text)]
    if chair["holders"]:
        who = "; ".join(holder_line(p, lang) for p in chair["holders"])
        text += " " + label("chair_is", lang).format(who=who)
    else:
        last = "; ".join(
            f"{holder_line(p, lang)} ({p['period']['label'] if 'period' in p else ''})"
            for p in chair["last_known"]
        )
        text += " " + label("not_covered", lang).format(last=last or label("none_known", lang))
    return [Para("period", text)]


def about(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    a = kb.about
    data: AboutData = {
        "name": f.t(a.name),
        "long_name": a.long_name,
        "mission": f.fact(a.mission),
        "vision": f.fact(a.vision),
        "facts": [f.fact(x) for x in a.facts],
    }
    purpose = next((p for p in kb.statutes.paragraphs if p.id == "1"), None)
    if purpose is not None:
        data["purpose"] = paragraph_data(f, purpose)
    return View("about", lang, data, about_doc, as_of=as_of)


def about_doc(data: AboutData, lang: Lang) -> list[Block]:
    purpose = data.get("purpose")
    purpose_facts = purpose["facts"] if purpose else []
    cited = [data["mission"], data["vision"], *purpose_facts, *data["facts"]]
    notes = Footnotes(lang, [x["sources"] for x in cited])
    blocks: list[Block] = [
        Heading(f"{data['name']} ({data['long_name']})", key="title"),
        Heading(label("mission", lang), 2),
        Para("mission", data["mission"].get("text", ""), notes.note(data["mission"])),
        Heading(label("vision", lang), 2),
        Para("vision", data["vision"].get("text", ""), notes.note(data["vision"])),
    ]
    if purpose is not None:
        blocks.append(Heading(f"{purpose['label']}: {purpose['title']}", 2))
        blocks.extend(Para("purpose", x.get("text", ""), notes.note(x)) for x in purpose_facts)
    blocks.append(Heading(label("facts", lang), 2))
    blocks.append(
        Fields(tuple(_fact_field(x, notes, lang) for x in data["facts"])),
    )
    return [*blocks, *notes.block()]


def _fact_field(x: FactData, notes: Footnotes, lang: Lang) -> Field:
    key = x.get("id", "")
    return Field(key, fact_label(key, lang), x.get("text", ""), notes.note(x))
