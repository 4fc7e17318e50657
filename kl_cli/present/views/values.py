"""`kl values [VALUE]` and `kl leadership [VALUE]`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kl_cli.core.models import KnowledgeBase, Lang, Value
from kl_cli.present.doc import Block, Field, Fields, Heading, Items, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.refs import Facts, Footnotes
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import LeadershipData, OneValueData, ValueData, ValuesData


def value_data(f: Facts, v: Value, *, full: bool = True) -> ValueData:
    sources = f.sources(v.sources)
    if not full:
        return {"id": v.id, "number": v.number, "title": f.t(v.title), "sources": sources}
    return {
        "id": v.id,
        "number": v.number,
        "title": f.t(v.title),
        "statement": [f.t(s) for s in v.statement],
        "list_heading": f.t(v.list_heading),
        "items": [f.t(i) for i in v.items],
        "behaviour_heading": f.t(v.behaviour_heading),
        "behaviours": [f.t(b) for b in v.behaviours],
        "sources": sources,
    }


def values(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    data: ValuesData = {"values": [value_data(f, v, full=False) for v in kb.values]}
    return View("values", lang, data, values_doc, as_of=as_of)


def values_doc(data: ValuesData, lang: Lang) -> list[Block]:
    rows = data["values"]
    notes = Footnotes(lang, [v["sources"] for v in rows])
    return [
        Heading(label("values", lang)),
        Table(
            (label("id", lang), "#", label("name", lang)),
            tuple((v["id"], str(v["number"]), v["title"]) for v in rows),
            notes=tuple(notes.refs(v["sources"]) for v in rows),
        ),
        *notes.block(),
    ]


def value(kb: KnowledgeBase, lang: Lang, v: Value, *, as_of: date) -> View:
    data: OneValueData = {"value": value_data(Facts(kb, lang, as_of), v)}
    return View("value", lang, data, value_doc, as_of=as_of)


def value_doc(data: OneValueData, lang: Lang) -> list[Block]:
    v = data["value"]
    notes = Footnotes(lang, [v["sources"]])
    refs = notes.refs(v["sources"])
    return [
        Heading(f"{v['number']}. {v['title']}", key="title", value=v["title"]),
        Fields((Field("id", label("id", lang), v["id"]), Field("number", "#", str(v["number"])))),
        *(Para("statement", s, refs) for s in v.get("statement", [])),
        Items(
            "item",
            tuple(v.get("items", [])),
            v.get("list_heading", ""),
            title_key="list_heading",
        ),
        Items(
            "behaviour",
            tuple(v.get("behaviours", [])),
            v.get("behaviour_heading", ""),
            title_key="behaviour_heading",
        ),
        *notes.block(),
    ]


def leadership(kb: KnowledgeBase, lang: Lang, only: Value | None, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    chosen = [only] if only else list(kb.values)
    data: LeadershipData = {
        "groups": [
            {
                "id": v.id,
                "number": v.number,
                "value": f.t(v.title),
                "heading": f.t(v.behaviour_heading),
                "behaviours": [f.t(b) for b in v.behaviours],
                "sources": f.sources(v.sources),
            }
            for v in chosen
        ]
    }
    return View("leadership", lang, data, leadership_doc, as_of=as_of)


def leadership_doc(data: LeadershipData, lang: Lang) -> list[Block]:
    groups = data["groups"]
    notes = Footnotes(lang, [g["sources"] for g in groups])
    return [
        Heading(label("leadership", lang)),
        *(
            Items(
                g["id"],
                tuple(g["behaviours"]),
                f"{g['number']}. {g['value']} — {g['heading']}",
                note=notes.refs(g["sources"]),
            )
            for g in groups
        ),
        *notes.block(),
    ]
