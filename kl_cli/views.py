"""What each command shows: the knowledge base turned into (data for JSON/YAML, a document)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kl_cli.doc import Block, Doc, Field, Fields, Heading, Items, Notes, Para, Table
from kl_cli.kb import delegates_needed, voting_delegates
from kl_cli.models import (
    Body,
    Count,
    Edge,
    Fact,
    KnowledgeBase,
    Lang,
    NamedFact,
    Paragraph,
    Source,
    Text,
    Unit,
    Value,
)
from kl_cli.record import Record

OUTPUT_SCHEMA_VERSION = 1

LABELS: dict[str, dict[Lang, str]] = {
    "mission": {"da": "Mission", "en": "Mission"},
    "vision": {"da": "Vision", "en": "Vision"},
    "values": {"da": "Organisationsværdier", "en": "Organisational values"},
    "bodies": {"da": "Politiske organer", "en": "Political bodies"},
    "leadership": {"da": "Ledelsesadfærd", "en": "Leadership behaviours"},
    "facts": {"da": "Fakta", "en": "Facts"},
    "sources": {"da": "Kilder", "en": "Sources"},
    "more": {"da": "Læs mere", "en": "More"},
    "id": {"da": "id", "en": "id"},
    "name": {"da": "Navn", "en": "Name"},
    "role": {"da": "Rolle", "en": "Role"},
    "composition": {"da": "Sammensætning", "en": "Composition"},
    "election": {"da": "Valg", "en": "Election"},
    "meetings": {"da": "Møder", "en": "Meetings"},
    "term": {"da": "Periode", "en": "Term"},
    "paragraphs": {"da": "Paragraffer", "en": "Paragraphs"},
    "relations": {"da": "Relationer", "en": "Relations"},
    "units": {"da": "Enheder", "en": "Units"},
    "municipalities": {"da": "kommuner", "en": "municipalities"},
    "statutes": {"da": "KL's love", "en": "KL's statutes"},
    "edition": {"da": "Udgave", "en": "Edition"},
    "last_revised": {"da": "Senest revideret", "en": "Last revised"},
    "amendment": {"da": "Lovændring", "en": "Amending the statutes"},
    "delegates": {"da": "Stemmeberettigede delegerede", "en": "Voting delegates"},
    "services": {"da": "KL som medlemsorganisation", "en": "KL as a member organisation"},
    "international": {"da": "Internationalt arbejde og EU", "en": "International work and the EU"},
    "medium": {"da": "middel sikkerhed", "en": "medium confidence"},
    "low": {"da": "lav sikkerhed", "en": "low confidence"},
    "rule": {"da": "Regel", "en": "Rule"},
    "caveat": {"da": "Forbehold", "en": "Caveat"},
    "votes_needed": {"da": "Stemmer der kræves", "en": "Votes needed"},
    "arithmetic": {"da": "Udregning", "en": "Arithmetic"},
    "adopted": {"da": "Vedtaget", "en": "Adopted"},
    "yes": {"da": "ja", "en": "yes"},
    "no": {"da": "nej", "en": "no"},
    "example": {"da": "Eksempel", "en": "Example"},
    "cap": {"da": "Loft", "en": "Cap"},
    "population": {"da": "Indbyggere", "en": "Inhabitants"},
    "council_seats": {"da": "Pladser i kommunalbestyrelsen", "en": "Council seats"},
    "cap_applied": {"da": "Loftet anvendt", "en": "Cap applied"},
    "cap_confidence": {"da": "Loftets sikkerhed", "en": "Cap confidence"},
    "kb": {"da": "Vidensbase", "en": "Knowledge base"},
    "elects": {"da": "vælger", "en": "elects"},
    "advises": {"da": "rådgiver", "en": "advises"},
    "sets_up": {"da": "nedsætter", "en": "sets up"},
    "member_of": {"da": "er medlem af", "en": "is a member of"},
    "decides": {"da": "beslutter", "en": "decides"},
}

COMMANDS: tuple[tuple[str, str], ...] = (
    ("kl search TEXT...", "find any text, in Danish or English"),
    ("kl about", "mission, vision, purpose and general facts"),
    ("kl values [VALUE]", "the three organisational values"),
    ("kl leadership [VALUE]", "the leadership behaviours under each value"),
    ("kl bodies [BODY]", "the political bodies"),
    ("kl statutes [PARAGRAPH]", "the statutes; also: amendment, delegates"),
    ("kl org", "the organisation chart of the bodies"),
    ("kl services", "what KL does for its members"),
    ("kl international", "the international and EU work"),
    ("kl sources", "where every fact comes from"),
    ("kl export / kl validate", "your own copy of the knowledge base, checked"),
)


class View(Record):
    """One command's answer: `data` for JSON/YAML, `doc` for rich, plain and Markdown."""

    kind: str
    data: dict[str, Any]
    doc: Doc


def source_json(s: Source, lang: Lang) -> dict[str, Any]:
    """A source as it accompanies every fact in JSON and YAML."""
    out: dict[str, Any] = {"id": s.id, "title": s.title.get(lang)}
    if s.url:
        out["url"] = s.url
    return out


def make_view(kind: str, lang: Lang, data: dict[str, Any], blocks: list[Block]) -> View:
    """A view whose data starts with the output schema version, language and kind."""
    head = {"schema_version": OUTPUT_SCHEMA_VERSION, "lang": lang, "kind": kind}
    return View(kind, head | data, tuple(blocks))


class Ctx:
    """Per-view helper: language, source footnotes in order of first use, JSON of facts."""

    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.kb = kb
        self.lang = lang
        self._sources = {s.id: s for s in kb.sources}
        self._numbers: dict[str, int] = {}

    def label(self, key: str) -> str:
        return LABELS[key][self.lang]

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def source_json(self, sid: str) -> dict[str, Any]:
        return source_json(self._sources[sid], self.lang)

    def fact_json(
        self, fact: Fact | NamedFact | Count | Unit, text: str | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if isinstance(fact, NamedFact):
            out["id"] = fact.id
        if text is not None:
            out["text"] = text
        elif isinstance(fact, Fact | NamedFact):
            out["text"] = self.t(fact.text)
        out["sources"] = [self.source_json(s) for s in fact.sources]
        if fact.period:
            out["period"] = fact.period
        confidence = getattr(fact, "confidence", None)
        if confidence:
            out["confidence"] = confidence
        return out

    def note(self, fact: Fact | NamedFact | Count | Unit) -> str:
        """Quiet provenance: '(period; medium confidence) [1, 2]'."""
        extra = []
        if fact.period:
            extra.append(fact.period)
        confidence = getattr(fact, "confidence", None)
        if confidence and confidence != "high":
            extra.append(self.label(confidence))
        refs = self.refs(fact.sources)
        return (f"({'; '.join(extra)}) " if extra else "") + refs

    def refs(self, sources: Iterable[str]) -> str:
        numbers = []
        for sid in sources:
            if sid not in self._numbers:
                self._numbers[sid] = len(self._numbers) + 1
            numbers.append(str(self._numbers[sid]))
        return f"[{', '.join(numbers)}]" if numbers else ""

    def footnotes(self) -> Notes:
        lines = []
        for sid, n in self._numbers.items():
            s = self._sources[sid]
            lines.append(f"[{n}] {self.t(s.title)}" + (f" — {s.url}" if s.url else ""))
        return Notes(self.label("sources"), tuple(lines), key="")

    def view(self, kind: str, data: dict[str, Any], blocks: list[Block]) -> View:
        if self._numbers:
            blocks.append(self.footnotes())
        return make_view(kind, self.lang, data, blocks)


# --- overview and about --------------------------------------------------------------------------


def overview(kb: KnowledgeBase, lang: Lang) -> View:
    c = Ctx(kb, lang)
    a = kb.about
    members = next((f for f in a.facts if f.id == "members"), None)
    data: dict[str, Any] = {
        "name": c.t(a.name),
        "long_name": a.long_name,
        "mission": c.fact_json(a.mission),
        "values": [{"id": v.id, "number": v.number, "title": c.t(v.title)} for v in kb.values],
        "bodies": [{"id": b.id, "name": c.t(b.name)} for b in kb.bodies],
        "commands": [{"command": cmd, "shows": what} for cmd, what in COMMANDS],
    }
    blocks: list[Block] = [Heading(f"{c.t(a.name)} ({a.long_name})")]
    if members is not None:
        data["about"] = c.fact_json(members)
        blocks.append(Para("about", c.t(members.text), c.note(members)))
    blocks += [
        Heading(c.label("mission"), 2),
        Para("mission", c.t(a.mission.text), c.note(a.mission)),
        Items("value", tuple(c.t(v.title) for v in kb.values), c.label("values"), numbered=True),
        Table(
            (c.label("id"), c.label("name")),
            tuple((b.id, c.t(b.name)) for b in kb.bodies),
            c.label("bodies"),
            key="body",
        ),
        Table(("command", ""), COMMANDS, c.label("more"), key="command"),
    ]
    return c.view("overview", data, blocks)


def about(kb: KnowledgeBase, lang: Lang) -> View:
    c = Ctx(kb, lang)
    a = kb.about
    purpose = next((p for p in kb.statutes.paragraphs if p.id == "1"), None)
    data: dict[str, Any] = {
        "name": c.t(a.name),
        "long_name": a.long_name,
        "mission": c.fact_json(a.mission),
        "vision": c.fact_json(a.vision),
        "facts": [c.fact_json(f) for f in a.facts],
    }
    blocks: list[Block] = [
        Heading(f"{c.t(a.name)} ({a.long_name})"),
        Heading(c.label("mission"), 2),
        Para("mission", c.t(a.mission.text), c.note(a.mission)),
        Heading(c.label("vision"), 2),
        Para("vision", c.t(a.vision.text), c.note(a.vision)),
    ]
    if purpose is not None:
        data["purpose"] = paragraph_json(c, purpose)
        blocks.append(Heading(f"{purpose.label}: {c.t(purpose.title)}", 2))
        blocks.extend(Para("purpose", c.t(f.text), c.note(f)) for f in purpose.facts)
    blocks.append(Heading(c.label("facts"), 2))
    blocks.append(Fields(tuple(Field(f.id, f.id, c.t(f.text), c.note(f)) for f in a.facts)))
    return c.view("about", data, blocks)


# --- values and leadership -----------------------------------------------------------------------


def values(kb: KnowledgeBase, lang: Lang) -> View:
    c = Ctx(kb, lang)
    data = {"values": [value_json(c, v, full=False) for v in kb.values]}
    blocks: list[Block] = [
        Heading(c.label("values")),
        Table(
            ("id", "#", c.label("name")),
            tuple((v.id, str(v.number), c.t(v.title)) for v in kb.values),
        ),
    ]
    c.refs(kb.values[0].sources if kb.values else ())
    return c.view("values", data, blocks)


def value_json(c: Ctx, v: Value, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": v.id, "number": v.number, "title": c.t(v.title)}
    if full:
        out |= {
            "statement": [c.t(s) for s in v.statement],
            "list_heading": c.t(v.list_heading),
            "items": [c.t(i) for i in v.items],
            "behaviour_heading": c.t(v.behaviour_heading),
            "behaviours": [c.t(b) for b in v.behaviours],
        }
    out["sources"] = [c.source_json(s) for s in v.sources]
    return out


def value(kb: KnowledgeBase, lang: Lang, v: Value) -> View:
    c = Ctx(kb, lang)
    refs = c.refs(v.sources)
    blocks: list[Block] = [
        Heading(f"{v.number}. {c.t(v.title)}", key="title", value=c.t(v.title)),
        Fields((Field("id", "id", v.id), Field("number", "#", str(v.number)))),
        *(Para("statement", c.t(s), refs) for s in v.statement),
        Items(
            "item", tuple(c.t(i) for i in v.items), c.t(v.list_heading), title_key="list_heading"
        ),
        Items(
            "behaviour",
            tuple(c.t(b) for b in v.behaviours),
            c.t(v.behaviour_heading),
            title_key="behaviour_heading",
        ),
    ]
    return c.view("value", {"value": value_json(c, v)}, blocks)


def leadership(kb: KnowledgeBase, lang: Lang, only: Value | None) -> View:
    c = Ctx(kb, lang)
    chosen = [only] if only else list(kb.values)
    data = {
        "groups": [
            {
                "id": v.id,
                "number": v.number,
                "value": c.t(v.title),
                "heading": c.t(v.behaviour_heading),
                "behaviours": [c.t(b) for b in v.behaviours],
                "sources": [c.source_json(s) for s in v.sources],
            }
            for v in chosen
        ]
    }
    blocks: list[Block] = [Heading(c.label("leadership"))]
    for v in chosen:
        blocks.append(
            Items(
                v.id,
                tuple(c.t(b) for b in v.behaviours),
                f"{v.number}. {c.t(v.title)} — {c.t(v.behaviour_heading)}",
                note=c.refs(v.sources),
            )
        )
    return c.view("leadership", data, blocks)


# --- bodies --------------------------------------------------------------------------------------


BODY_FACTS = ("role", "composition", "election", "meetings", "term")


def bodies(kb: KnowledgeBase, lang: Lang) -> View:
    c = Ctx(kb, lang)
    data = {
        "bodies": [
            {"id": b.id, "name": c.t(b.name), "role": c.fact_json(b.role)} for b in kb.bodies
        ]
    }
    blocks: list[Block] = [
        Heading(c.label("bodies")),
        Table(
            ("id", c.label("name"), c.label("role")),
            tuple((b.id, c.t(b.name), c.t(b.role.text)) for b in kb.bodies),
        ),
    ]
    for b in kb.bodies:
        c.refs(b.role.sources)
    return c.view("bodies", data, blocks)


# A relation seen from its object: "udvalg" is "set up by" the bestyrelse.
INVERSE: dict[str, dict[Lang, str]] = {
    "elects": {"da": "vælges af", "en": "elected by"},
    "advises": {"da": "rådgives af", "en": "advised by"},
    "sets_up": {"da": "nedsættes af", "en": "set up by"},
    "member_of": {"da": "har som medlemmer", "en": "has as members"},
    "decides": {"da": "besluttes af", "en": "decided by"},
}


def relation_phrase(c: Ctx, kb: KnowledgeBase, body_id: str, edge: Edge) -> str:
    """The relation from the body's side: 'elects: Formand og næstformand', 'set up by: ...'."""
    names = {b.id: c.t(b.name) for b in kb.bodies} | {a.id: c.t(a.name) for a in kb.actors}
    if edge.subject == body_id:
        return f"{c.label(edge.relation)}: {names.get(edge.object, edge.object)}"
    return f"{INVERSE[edge.relation][c.lang]}: {names.get(edge.subject, edge.subject)}"


def body(kb: KnowledgeBase, lang: Lang, b: Body) -> View:
    c = Ctx(kb, lang)
    data: dict[str, Any] = {
        "id": b.id,
        "name": c.t(b.name),
        "names": {"da": b.name.da, "en": b.name.en},
    }
    fields: list[Field] = [
        Field("id", "id", b.id),
        Field("name", c.label("name"), c.t(b.name)),
    ]
    if b.aliases:
        data["aliases"] = list(b.aliases)
    for key in BODY_FACTS:
        fact = getattr(b, key)
        if fact is not None:
            data[key] = c.fact_json(fact)
            fields.append(Field(key, c.label(key), c.t(fact.text), c.note(fact)))
    if b.paragraphs:
        labels = {p.id: p.label for p in kb.statutes.paragraphs}
        data["paragraphs"] = [{"id": p, "label": labels.get(p, p)} for p in b.paragraphs]
        fields.append(
            Field(
                "paragraphs",
                c.label("paragraphs"),
                ", ".join(labels.get(p, p) for p in b.paragraphs),
            )
        )
    if b.counts:
        data["counts"] = [
            {"label": c.t(n.label), "value": n.value} | c.fact_json(n) for n in b.counts
        ]
        fields.extend(
            Field("count", c.t(n.label), str(n.value), c.note(n), (c.t(n.label), n.period))
            for n in b.counts
        )
    blocks: list[Block] = [Heading(c.t(b.name)), Fields(tuple(fields))]
    if b.units:
        data["units"] = [
            {"id": u.id, "name": c.t(u.name), "municipalities": u.municipalities} | c.fact_json(u)
            for u in b.units
        ]
        blocks.append(
            Table(
                ("id", c.label("name"), c.label("municipalities")),
                tuple((u.id, c.t(u.name), str(u.municipalities)) for u in b.units),
                c.label("units"),
                key="unit",
            )
        )
        for u in b.units:
            c.refs(u.sources)
    edges = [e for e in kb.relations if b.id in (e.subject, e.object)]
    if edges:
        phrases = tuple(relation_phrase(c, kb, b.id, e) for e in edges)
        data["relations"] = [
            {"subject": e.subject, "relation": e.relation, "object": e.object}
            | {"text": phrase}
            | ({"paragraph": e.paragraph} if e.paragraph else {})
            | {"sources": [c.source_json(sid) for sid in e.sources]}
            for e, phrase in zip(edges, phrases, strict=True)
        ]
        blocks.append(Items("relation", phrases, c.label("relations")))
    return c.view("body", {"body": data}, blocks)


# --- statutes ------------------------------------------------------------------------------------


def paragraph_json(c: Ctx, p: Paragraph) -> dict[str, Any]:
    return {
        "id": p.id,
        "label": p.label,
        "title": c.t(p.title),
        "facts": [c.fact_json(f) for f in p.facts],
    }


def statutes(kb: KnowledgeBase, lang: Lang) -> View:
    c = Ctx(kb, lang)
    s = kb.statutes
    data = {
        "summary": [c.fact_json(f) for f in s.summary],
        "edition": c.fact_json(s.edition),
        "last_revised": s.last_revised,
        "revision": c.fact_json(s.revision),
        "amendment": amendment_json(c, kb),
        "paragraphs": [{"id": p.id, "label": p.label, "title": c.t(p.title)} for p in s.paragraphs],
    }
    blocks: list[Block] = [
        Heading(c.label("statutes")),
        *(Para("summary", c.t(f.text), c.note(f)) for f in s.summary),
        Fields(
            (
                Field("edition", c.label("edition"), c.t(s.edition.text), c.note(s.edition)),
                Field("last_revised", c.label("last_revised"), s.last_revised, c.note(s.revision)),
                Field(
                    "amendment",
                    c.label("amendment"),
                    c.t(s.amendment.rule.text),
                    c.note(s.amendment.rule),
                ),
            )
        ),
        Table(
            ("id", "§", c.label("name")),
            tuple((p.id, p.label, c.t(p.title)) for p in s.paragraphs),
            c.label("paragraphs"),
            key="paragraph",
        ),
    ]
    return c.view("statutes", data, blocks)


def paragraph(kb: KnowledgeBase, lang: Lang, p: Paragraph) -> View:
    c = Ctx(kb, lang)
    blocks: list[Block] = [
        Heading(f"{p.label}: {c.t(p.title)}", key="title", value=c.t(p.title)),
        Fields((Field("id", "id", p.id), Field("label", "§", p.label))),
        *(Para("fact", c.t(f.text), c.note(f)) for f in p.facts),
    ]
    return c.view("paragraph", {"paragraph": paragraph_json(c, p)}, blocks)


def amendment_json(c: Ctx, kb: KnowledgeBase) -> dict[str, Any]:
    a = kb.statutes.amendment
    return {
        "rule": c.fact_json(a.rule),
        "fraction": {"numerator": a.numerator, "denominator": a.denominator},
        "caveat": c.fact_json(a.caveat),
    }


def amendment(kb: KnowledgeBase, lang: Lang, delegates: int | None, votes_for: int | None) -> View:
    c = Ctx(kb, lang)
    a = kb.statutes.amendment
    data = amendment_json(c, kb)
    fields = [
        Field("rule", c.label("rule"), c.t(a.rule.text), c.note(a.rule)),
        Field("caveat", c.label("caveat"), c.t(a.caveat.text), c.note(a.caveat)),
    ]
    if delegates is not None:
        needed = delegates_needed(delegates, a.numerator, a.denominator)
        product = delegates * a.numerator
        arithmetic = (
            f"{a.numerator}/{a.denominator} × {delegates} = {product}/{a.denominator}"
            f" → ⌈{product}/{a.denominator}⌉ = {needed}"
        )
        data |= {"delegates": delegates, "votes_needed": needed, "arithmetic": arithmetic}
        fields.append(Field("delegates", c.label("delegates"), str(delegates)))
        fields.append(Field("votes_needed", c.label("votes_needed"), str(needed)))
        fields.append(Field("arithmetic", c.label("arithmetic"), arithmetic))
        if votes_for is not None:
            adopted = votes_for >= needed
            data |= {"votes_for": votes_for, "adopted": adopted}
            fields.append(
                Field(
                    "adopted",
                    c.label("adopted"),
                    f"{c.label('yes' if adopted else 'no')} ({votes_for} ≥ {needed})"
                    if adopted
                    else f"{c.label('no')} ({votes_for} < {needed})",
                )
            )
    blocks: list[Block] = [Heading(c.label("amendment")), Fields(tuple(fields))]
    return c.view("amendment", data, blocks)


def delegates(kb: KnowledgeBase, lang: Lang, population: int, seats: int | None) -> View:
    c = Ctx(kb, lang)
    d = kb.statutes.delegates
    count, capped = voting_delegates(population, d.inhabitants_per_delegate, seats)
    uncapped = voting_delegates(population, d.inhabitants_per_delegate, None)[0]
    arithmetic = f"⌈{population} / {d.inhabitants_per_delegate}⌉ = {uncapped}"
    if seats is not None:
        arithmetic += f"; min({uncapped}, {seats}) = {count}"
    data: dict[str, Any] = {
        "rule": c.fact_json(d.rule),
        "cap": c.fact_json(d.cap),
        "population": population,
        "council_seats": seats,
        "delegates": count,
        "cap_applied": capped,
        "arithmetic": arithmetic,
    }
    fields = [
        Field("rule", c.label("rule"), c.t(d.rule.text), c.note(d.rule)),
        Field("cap", c.label("cap"), c.t(d.cap.text), c.note(d.cap)),
        Field("population", c.label("population"), str(population)),
    ]
    if seats is not None:
        fields.append(Field("council_seats", c.label("council_seats"), str(seats)))
    fields.append(Field("arithmetic", c.label("arithmetic"), arithmetic))
    fields.append(
        Field("delegates", c.label("delegates"), str(count), c.note(d.cap) if capped else "")
    )
    fields.append(Field("cap_applied", c.label("cap_applied"), c.label("yes" if capped else "no")))
    if d.cap.confidence:
        fields.append(Field("cap_confidence", c.label("cap_confidence"), d.cap.confidence))
    if d.example is not None:
        data["example"] = c.fact_json(d.example)
        fields.append(Field("example", c.label("example"), c.t(d.example.text), c.note(d.example)))
    blocks: list[Block] = [Heading(c.label("delegates")), Fields(tuple(fields))]
    return c.view("delegates", data, blocks)


# --- services, international, sources -----------------------------------------------------------


def _paragraphs(kb: KnowledgeBase, lang: Lang, kind: str, facts: tuple[Fact, ...]) -> View:
    c = Ctx(kb, lang)
    data = {"paragraphs": [c.fact_json(f) for f in facts]}
    blocks: list[Block] = [Heading(c.label(kind))]
    blocks.extend(Para("text", c.t(f.text), c.note(f)) for f in facts)
    return c.view(kind, data, blocks)


def services(kb: KnowledgeBase, lang: Lang) -> View:
    return _paragraphs(kb, lang, "services", kb.services)


def international(kb: KnowledgeBase, lang: Lang) -> View:
    return _paragraphs(kb, lang, "international", kb.international)


def sources(kb: KnowledgeBase, lang: Lang, kb_path: str | None) -> View:
    c = Ctx(kb, lang)
    kb_info = {
        "custom": kb_path is not None,
        "path": kb_path,
        "kb_version": kb.kb_version,
        "last_reviewed": kb.last_reviewed,
    }
    data = {"knowledge_base": kb_info, "sources": [_source_full(c, s) for s in kb.sources]}
    where = kb_path if kb_path is not None else "bundled"
    blocks: list[Block] = [
        Heading(c.label("sources")),
        Fields(
            (
                Field("knowledge_base", c.label("kb"), where),
                Field("kb_version", "version", kb.kb_version),
                Field("last_reviewed", "reviewed", kb.last_reviewed),
            )
        ),
        Table(
            ("id", c.label("name"), "URL"),
            tuple((s.id, c.t(s.title), s.url or "") for s in kb.sources),
            key="source",
        ),
    ]
    return c.view("sources", data, blocks)


def _source_full(c: Ctx, s: Source) -> dict[str, Any]:
    out = c.source_json(s.id)
    if s.note is not None:
        out["note"] = c.t(s.note)
    return out
