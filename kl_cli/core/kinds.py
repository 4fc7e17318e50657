"""One description per kind of entry: where its entries live in the knowledge base, their id and
the names a lookup accepts, what completion offers, the texts search finds and the command that
shows each, and which other kinds it refers to. Lookups, completion, search entries and the
reference checks of the schema are all derived from this table. Stdlib only, no I/O.

Adding a kind of entry: its model (models.py), one `Kind(...)` line in KINDS below, its view
(present/views/), and its data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from kl_cli.core.models import KnowledgeBase, Lang, Text
from kl_cli.core.record import Record

# Search rank classes: a title or name beats a list item, which beats body text.
NAME, ITEM, TEXT = 0, 1, 2


class Searchable(Record):
    """One text search finds: (id, field, rank, command showing it, text, sources)."""

    id: str
    field: str
    rank: int
    command: str
    text: Text
    sources: tuple[str, ...] = ()


class Kind(Record):
    """How one kind of entry is found, completed, searched and cross-checked.

    `path` is the key path of its entries in the knowledge base ("" for a kind that is one
    part of it, such as the statutes); `entries` gets them. `names` (id first) makes the kind
    addressable by lookup; `complete` gives (word, description) pairs for completion; `texts`
    gives what search finds; `refs` names, per field, the kinds whose ids that field holds.
    """

    name: str
    path: str
    entries: Callable[[KnowledgeBase], Sequence[Any]]
    texts: Callable[[Any], Iterable[Searchable]]
    hit: str = ""  # the kind as search hits name it, if not `name`
    noun: str = ""  # the kind in messages ("no statute paragraph 'x'"), if not `name`
    ids: bool = True  # entries have unique, well-formed ids
    keyed: bool = False  # entries have ids that fields may refer to, unique only in their place
    names: Callable[[Any], list[str]] | None = None
    complete: Callable[[Any, Lang], list[tuple[str, str]]] | None = None
    refs: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def hit_kind(self) -> str:
        return self.hit or self.name

    @property
    def called(self) -> str:
        return self.noun or self.name


def _same(text: str) -> Text:
    return Text(text, text)


def _fact(id: str, field: str, command: str, fact: Any) -> Searchable:
    return Searchable(id, field, TEXT, command, fact.text, fact.sources)


# --- the texts of each kind, in the order its command shows them ---------------------------------


def _about(a: Any) -> Iterator[Searchable]:
    yield Searchable("name", "name", NAME, "kl about", a.name)
    yield Searchable("name", "alias", NAME, "kl about", _same(a.long_name))
    yield _fact("mission", "text", "kl about", a.mission)
    yield _fact("vision", "text", "kl about", a.vision)


def _about_fact(f: Any) -> Iterator[Searchable]:
    yield _fact(f.id, "fact", "kl about", f)


def _value(v: Any) -> Iterator[Searchable]:
    cmd, src = f"kl values {v.number}", v.sources
    yield Searchable(v.id, "title", NAME, cmd, v.title, src)
    for statement in v.statement:
        yield Searchable(v.id, "statement", TEXT, cmd, statement, src)
    yield Searchable(v.id, "list_heading", ITEM, cmd, v.list_heading, src)
    for item in v.items:
        yield Searchable(v.id, "item", ITEM, cmd, item, src)


def _behaviours(v: Any) -> Iterator[Searchable]:
    cmd, src = f"kl leadership {v.number}", v.sources
    # The heading is the value's, shown whole by `kl values N` (plain `kl leadership` is a
    # grouped list of behaviours only).
    shown = f"kl values {v.number}"
    yield Searchable(v.id, "behaviour_heading", ITEM, shown, v.behaviour_heading, src)
    for b in v.behaviours:
        yield Searchable(v.id, "behaviour", ITEM, cmd, b, src)


# The facts a body may have, in the order they are shown.
BODY_FACTS = ("role", "composition", "election", "meetings", "term")


def _body(b: Any) -> Iterator[Searchable]:
    cmd = f"kl bodies {b.id}"
    yield Searchable(b.id, "name", NAME, cmd, b.name)
    for alias in b.aliases:
        yield Searchable(b.id, "alias", NAME, cmd, _same(alias))
    for key in BODY_FACTS:
        fact = getattr(b, key)
        if fact is not None:
            yield _fact(b.id, key, cmd, fact)
    for count in b.counts:
        yield Searchable(b.id, "count", ITEM, cmd, count.label, count.sources)
    for unit in b.units:
        yield Searchable(b.id, "unit", NAME, cmd, unit.name, unit.sources)


def _actor(a: Any) -> Iterator[Searchable]:
    yield Searchable(a.id, "name", NAME, "kl org", a.name)


def titled(label: str, title: str) -> str:
    """A paragraph's title with its label in front, unless the title is the label."""
    from kl_cli.core.folding import fold

    return title if fold(label, True) == fold(title, True) else f"{label} {title}"


def _paragraph(p: Any) -> Iterator[Searchable]:
    cmd = f"kl statutes {p.id}"
    title = Text(titled(p.label, p.title.da), titled(p.label, p.title.en))
    yield Searchable(p.id, "title", NAME, cmd, title)
    for fact in p.facts:
        yield _fact(p.id, "fact", cmd, fact)


DELEGATES_EXAMPLE = "kl statutes delegates --population 40500"


def _statutes(s: Any) -> Iterator[Searchable]:
    for fact in s.summary:
        yield _fact("summary", "text", "kl statutes", fact)
    yield _fact("edition", "text", "kl statutes", s.edition)
    yield _fact("revision", "text", "kl statutes", s.revision)
    for key in ("rule", "caveat"):
        yield _fact("amendment", key, "kl statutes amendment", getattr(s.amendment, key))
    d = s.delegates
    for key, fact in (("rule", d.rule), ("cap", d.cap), ("example", d.example)):
        if fact is not None:
            yield _fact("delegates", key, DELEGATES_EXAMPLE, fact)


def _numbered(command: str) -> Callable[[Any], Iterator[Searchable]]:
    def texts(facts: Any) -> Iterator[Searchable]:
        for i, fact in enumerate(facts, 1):
            yield _fact(str(i), "text", command, fact)

    return texts


def _source(s: Any) -> Iterator[Searchable]:
    cmd = f"kl sources {s.id}"
    yield Searchable(s.id, "name", NAME, cmd, s.title, (s.id,))
    if s.note is not None:
        yield Searchable(s.id, "note", TEXT, cmd, s.note, (s.id,))


def _none(entry: Any) -> Iterator[Searchable]:
    return iter(())


def _person(p: Any) -> Iterator[Searchable]:
    yield Searchable(p.id, "name", NAME, f"kl people {p.id}", _same(p.name))


def _noted(id: str, command: str, entry: Any) -> Iterator[Searchable]:
    """An entry's note, if it has one: what the sources do not say, or why a date is inferred."""
    if getattr(entry, "note", None) is not None:
        yield Searchable(id, "note", TEXT, command, entry.note, entry.sources)


def _municipality(m: Any) -> Iterator[Searchable]:
    cmd = f"kl municipalities {m.id}"
    yield Searchable(m.id, "name", NAME, cmd, _same(m.name), m.sources)
    for entry in (m, *m.regions, *m.council, *m.population):
        yield from _noted(m.id, cmd, entry)


def _committee(c: Any) -> Iterator[Searchable]:
    yield Searchable(c.id, "name", NAME, "kl bodies udvalg", _same(c.name), c.sources)
    yield from _noted(c.id, "kl bodies udvalg", c)


def _committee_count(n: Any) -> Iterator[Searchable]:
    yield from _noted("udvalg", "kl bodies udvalg", n)


# The body whose meetings the Topmøder are: `kl bodies` shows them with it.
MEETINGS_BODY = "delegeretmoede"


def _meeting(m: Any) -> Iterator[Searchable]:
    cmd = f"kl bodies {MEETINGS_BODY}"
    yield Searchable(m.id, "name", NAME, cmd, m.name, m.sources)
    if m.note is not None:
        yield Searchable(m.id, "note", TEXT, cmd, m.note, m.sources)


def _region(r: Any) -> Iterator[Searchable]:
    yield Searchable(r.id, "name", NAME, "kl municipalities", r.name, r.sources)
    yield from _noted(r.id, "kl municipalities", r)


def _period(p: Any) -> Iterator[Searchable]:
    yield from _noted(p.id, "kl bodies bestyrelse", p)


def _post(p: Any) -> Iterator[Searchable]:
    yield from _noted(p.person, f"kl people {p.person}", p)


def municipality_names(m: Any) -> list[str]:
    return [m.id, m.name, m.code, f"{m.name} Kommune"]


# --- the table -----------------------------------------------------------------------------------


def _value_names(v: Any) -> list[str]:
    return [v.id, str(v.number), v.title.da, v.title.en]


def _value_words(v: Any, lang: Lang) -> list[tuple[str, str]]:
    title = v.title.get(lang)
    return [(v.id, f"{v.number}. {title}"), (str(v.number), title)]


def _paragraph_words(p: Any, lang: Lang) -> list[tuple[str, str]]:
    title = p.title.get(lang)
    return [(p.id, title if p.label == p.title.da else f"{p.label}: {title}")]


def _one(get: Callable[[KnowledgeBase], Any]) -> Callable[[KnowledgeBase], Sequence[Any]]:
    return lambda kb: (get(kb),)


KINDS: tuple[Kind, ...] = (
    Kind("about", "about", _one(lambda kb: kb.about), _about, ids=False),
    Kind("fact", "about.facts", lambda kb: kb.about.facts, _about_fact, hit="about"),
    Kind(
        "value",
        "values",
        lambda kb: kb.values,
        _value,
        names=_value_names,
        complete=_value_words,
    ),
    Kind("behaviour", "", lambda kb: kb.values, _behaviours, ids=False),
    Kind(
        "body",
        "bodies",
        lambda kb: kb.bodies,
        _body,
        names=lambda b: [b.id, b.name.da, b.name.en, *b.aliases],
        complete=lambda b, lang: [(b.id, b.name.get(lang))],
        refs=(("paragraphs", ("paragraph",)),),
    ),
    Kind("meeting", "meetings", lambda kb: kb.meetings, _meeting),
    Kind("actor", "actors", lambda kb: kb.actors, _actor),
    Kind(
        "relation",
        "relations",
        lambda kb: kb.relations,
        _none,
        ids=False,
        refs=(
            ("subject", ("body", "actor")),
            ("object", ("body", "actor")),
            ("paragraph", ("paragraph",)),
        ),
    ),
    Kind(
        "paragraph",
        "statutes.paragraphs",
        lambda kb: kb.statutes.paragraphs,
        _paragraph,
        hit="statute",
        noun="statute paragraph",
        names=lambda p: [p.id, p.label, p.title.da, p.title.en],
        complete=_paragraph_words,
    ),
    Kind("statutes", "statutes", _one(lambda kb: kb.statutes), _statutes, hit="statute", ids=False),
    Kind("services", "", _one(lambda kb: kb.services), _numbered("kl services"), ids=False),
    Kind(
        "international",
        "",
        _one(lambda kb: kb.international),
        _numbered("kl international"),
        ids=False,
    ),
    Kind(
        "source",
        "sources",
        lambda kb: kb.sources,
        _source,
        names=lambda s: [s.id, s.title.da, s.title.en],
        complete=lambda s, lang: [(s.id, s.title.get(lang))],
    ),
    Kind(
        "unit",
        "",
        lambda kb: [u for b in kb.bodies for u in b.units],
        _none,
        ids=False,
        keyed=True,
    ),
    Kind("period", "periods", lambda kb: kb.periods, _period, noun="electoral period"),
    Kind(
        "person",
        "people",
        lambda kb: kb.people,
        _person,
        names=lambda p: [p.id, p.name, *p.name.split()],  # "damm", "rahbæk" find them too
        complete=lambda p, lang: [(p.id, p.name)],
    ),
    Kind(
        "post",
        "posts",
        lambda kb: kb.posts,
        _post,
        ids=False,
        refs=(
            ("person", ("person",)),
            ("body", ("body",)),
            ("unit", ("unit", "committee")),
            ("municipality", ("municipality",)),
        ),
    ),
    Kind("committee", "committees", lambda kb: kb.committees, _committee),
    Kind(
        "committee_count",
        "committee_counts",
        lambda kb: kb.committee_counts,
        _committee_count,
        ids=False,
    ),
    Kind(
        "region",
        "regions",
        lambda kb: kb.regions,
        _region,
        refs=(("kkr", ("unit",)),),
    ),
    Kind(
        "municipality",
        "municipalities",
        lambda kb: kb.municipalities,
        _municipality,
        names=municipality_names,
        complete=lambda m, lang: [(m.id, f"{m.code} {m.name}")],
        refs=(("regions.region", ("region",)),),
    ),
)

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}


def kind(name: str) -> Kind:
    return BY_NAME[name]
