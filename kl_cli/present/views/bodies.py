"""`kl bodies [BODY]`: the political bodies, and one body with its counts, units and relations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from kl_cli.core.models import Body, Edge, KnowledgeBase, Lang
from kl_cli.present.doc import Block, Field, Fields, Heading, Items, Table
from kl_cli.present.i18n import at_start, label, relation
from kl_cli.present.refs import Facts, Footnotes
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import BodiesData, BodyData, FactData, OneBodyData


# The facts a body may have, in the order they are shown.
BODY_FACTS = ("role", "composition", "election", "meetings", "term")


def bodies(kb: KnowledgeBase, lang: Lang) -> View:
    f = Facts(kb, lang)
    data: BodiesData = {
        "bodies": [{"id": b.id, "name": f.t(b.name), "role": f.fact(b.role)} for b in kb.bodies]
    }
    return View("bodies", lang, data, bodies_doc)


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


def body(kb: KnowledgeBase, lang: Lang, b: Body) -> View:
    f = Facts(kb, lang)
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
    return View("body", lang, {"body": cast("BodyData", data)}, body_doc)


def body_doc(data: OneBodyData, lang: Lang) -> list[Block]:
    b = data["body"]
    facts: list[tuple[str, FactData]] = [(k, b[k]) for k in BODY_FACTS if k in b]  # type: ignore[literal-required]
    counts = b.get("counts", [])
    units = b.get("units", [])
    notes = Footnotes(lang, [x["sources"] for x in [*(x for _, x in facts), *counts, *units]])
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
            (n["id"], str(n["value"]), n["unit"], n.get("period", ""), n["label"]),
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
    return [*blocks, *notes.block()]
