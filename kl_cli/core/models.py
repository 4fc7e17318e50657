"""The knowledge base as frozen records: the schema in code. Stdlib only, no I/O."""

from __future__ import annotations

from typing import Literal

from kl_cli.core.record import Record

Lang = Literal["da", "en"]
LANGS: tuple[Lang, ...] = ("da", "en")
Confidence = Literal["high", "medium", "low"]
Relation = Literal[
    "elects", "advises", "sets_up", "member_of", "decides", "sends_delegates_to", "approves"
]
SourceKind = Literal["official", "press", "secondary"]
Role = Literal["formand", "naestformand", "medlem"]
Status = Literal["forecast"]
ActorKind = Literal["body", "actor"]
# The grammatical number of a name: English verbs agree with it ("the mayors are members of").
Number = Literal["singular", "plural"]

SCHEMA_VERSION = 2  # of the knowledge-base file (data/kl.yaml, a --data file); 2: validity as data
SUPPORTED_SCHEMA_VERSIONS = (SCHEMA_VERSION,)


class Text(Record):
    """One text in both languages."""

    da: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.da if lang == "da" else self.en


class Validity(Record):
    """When a fact holds: ISO dates of any precision ("2026", "2026-03", "2026-03-12"), both
    ends inclusive; no end means it still holds as far as the sources know. Read conservatively
    (core/periods.py): a fact is current on a day only if it certainly holds on that day."""

    start: str | None = None
    end: str | None = None


class Source(Record):
    """Where facts come from: the seed page or a public URL, with the page's own date."""

    id: str
    title: Text
    url: str | None = None
    published: str | None = None
    kind: SourceKind | None = None
    note: Text | None = None


class Fact(Record):
    """A text with its provenance: source ids, and period/confidence where they matter."""

    text: Text
    sources: tuple[str, ...]
    valid: Validity | None = None
    period: str | None = None  # an electoral period's id: that period's span
    confidence: Confidence | None = None


class NamedFact(Record):
    """A fact that can be addressed by id (a general fact about KL)."""

    id: str
    text: Text
    sources: tuple[str, ...]
    valid: Validity | None = None
    period: str | None = None  # an electoral period's id: that period's span
    confidence: Confidence | None = None


class Count(Record):
    """A number that holds for a period (a count is never shown as current).

    `id` names what is counted ("members", "committees"; the same id in each period it is
    known for) and `unit` what one of it is ("member", "committee"): ASCII ids scripts can
    select on whatever the language; `label` says it in words."""

    id: str
    unit: str
    label: Text
    value: int
    sources: tuple[str, ...]
    valid: Validity | None = None
    period: str | None = None
    confidence: Confidence | None = None


class Unit(Record):
    """A part of a body, such as one of the five KKR with its municipality count."""

    id: str
    name: Text
    municipalities: int
    sources: tuple[str, ...]
    valid: Validity | None = None
    period: str | None = None


class Value(Record):
    """One of KL's three organisational values (seed text, word for word in Danish)."""

    id: str
    number: int
    title: Text
    statement: tuple[Text, ...]
    list_heading: Text
    items: tuple[Text, ...]
    behaviour_heading: Text
    behaviours: tuple[Text, ...]
    sources: tuple[str, ...]


class Body(Record):
    """A political body of KL. Absent fields mean the sources do not say."""

    id: str
    name: Text
    role: Fact
    aliases: tuple[str, ...] = ()
    composition: Fact | None = None
    election: Fact | None = None
    meetings: Fact | None = None
    term: Fact | None = None
    paragraphs: tuple[str, ...] = ()
    counts: tuple[Count, ...] = ()
    units: tuple[Unit, ...] = ()
    grammatical_number: Number = "singular"  # of its name ("Sub-Committees" is plural)


class Paragraph(Record):
    """A statute paragraph (or a statute topic such as the kontingent), addressable by id."""

    id: str
    label: str  # "§ 4", "§ 6 stk. 2"; a topic's label is its name ("Kontingent")
    title: Text
    facts: tuple[Fact, ...]

    @property
    def numbered(self) -> bool:
        """Whether the sources give the paragraph's number (a topic's they do not)."""
        return self.label.startswith("§")


class Amendment(Record):
    """The rule for changing the statutes: a fraction of the voting delegates."""

    rule: Fact
    numerator: int
    denominator: int
    caveat: Fact


class DelegateRule(Record):
    """§ 4: one voting delegate per started block of inhabitants, capped by council seats."""

    rule: Fact
    inhabitants_per_delegate: int
    cap: Fact
    example: Fact | None = None


class Statutes(Record):
    """KL's statutes (KL's love): the seed's summary plus sourced paragraph facts.

    `last_revised` is the date of the latest revision as `revision` (with its sources) states
    it; `last_revised_as_of` is when that source said so (an ISO date of any precision), since
    a later revision would not show in it."""

    summary: tuple[Fact, ...]
    edition: Fact
    last_revised: str
    revision: Fact
    amendment: Amendment
    delegates: DelegateRule
    paragraphs: tuple[Paragraph, ...]
    last_revised_as_of: str | None = None


class About(Record):
    """What KL is: names, mission, vision and general facts."""

    name: Text
    long_name: str
    mission: Fact
    vision: Fact
    facts: tuple[NamedFact, ...]


class Actor(Record):
    """A node of the organisation chart that is not one of the bodies.

    Its name is written as it stands mid-sentence ("the mayors", "kommunerne"), since it is
    not a proper name as a body's is; where it begins a line, its first letter is capitalised.
    """

    id: str
    name: Text
    grammatical_number: Number = "singular"


class Edge(Record):
    """A sourced relation: subject --relation--> object (ids of bodies or actors)."""

    subject: str
    relation: Relation
    object: str
    sources: tuple[str, ...]
    paragraph: str | None = None
    valid: Validity | None = None
    period: str | None = None  # an electoral period's id: that period's span
    confidence: Confidence | None = None


class Period(Record):
    """One of KL's electoral periods: from the Topmøde in March after a November municipal
    election until the next one starts (the end is derived from the next period)."""

    id: str
    start: str
    sources: tuple[str, ...]
    confidence: Confidence | None = None
    note: Text | None = None


class Person(Record):
    """Someone who held a post; the posts say which, when, and from which sources."""

    id: str
    name: str


class Post(Record):
    """A person in a role of a body (or of one of its units: a committee, a KKR) for a time."""

    person: str
    body: str
    role: Role
    sources: tuple[str, ...]
    unit: str | None = None
    party: str | None = None
    municipality: str | None = None
    valid: Validity | None = None
    period: str | None = None
    status: Status | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class Committee(Record):
    """One of KL's udvalg in one period, under the (Danish) name the sources give it."""

    id: str
    name: str
    sources: tuple[str, ...]
    period: str | None = None
    valid: Validity | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class CommitteeCount(Record):
    """How many udvalg a period had."""

    value: int
    sources: tuple[str, ...]
    period: str | None = None
    valid: Validity | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class Meeting(Record):
    """A Kommunalpolitisk Topmøde, during which the delegeretmøde meets (not the same thing:
    the Topmøde is KL's conference, the delegeretmøde its general meeting held there)."""

    id: str
    year: int
    name: Text
    sources: tuple[str, ...]
    date: str | None = None
    end_date: str | None = None
    place: str | None = None
    cancelled: bool = False
    confidence: Confidence | None = None
    note: Text | None = None


class Region(Record):
    """A Danish region; from 2007 to 2026 each had one KKR."""

    id: str
    name: Text
    sources: tuple[str, ...]
    valid: Validity | None = None
    kkr: str | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class Membership(Record):
    """A municipality's region for a time."""

    region: str
    sources: tuple[str, ...]
    valid: Validity | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class CouncilSize(Record):
    """The number of seats on a municipal council, for a time."""

    seats: int
    sources: tuple[str, ...]
    valid: Validity | None = None
    confidence: Confidence | None = None
    note: Text | None = None


class Population(Record):
    """A municipality's population on a date (Danmarks Statistik's figure as a source quotes it)."""

    value: int
    date: str
    sources: tuple[str, ...]
    confidence: Confidence | None = None
    note: Text | None = None


class Municipality(Record):
    """One of the 98 municipalities, all members of KL."""

    id: str
    name: str
    code: str
    sources: tuple[str, ...]
    regions: tuple[Membership, ...] = ()
    council: tuple[CouncilSize, ...] = ()
    population: tuple[Population, ...] = ()
    confidence: Confidence | None = None
    note: Text | None = None


class KnowledgeBase(Record):
    """The whole knowledge base."""

    schema_version: int
    kb_version: str
    last_reviewed: str
    sources: tuple[Source, ...]
    about: About
    values: tuple[Value, ...]
    bodies: tuple[Body, ...]
    statutes: Statutes
    services: tuple[Fact, ...]
    international: tuple[Fact, ...]
    actors: tuple[Actor, ...] = ()
    relations: tuple[Edge, ...] = ()
    periods: tuple[Period, ...] = ()
    people: tuple[Person, ...] = ()
    posts: tuple[Post, ...] = ()
    committees: tuple[Committee, ...] = ()
    committee_counts: tuple[CommitteeCount, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    regions: tuple[Region, ...] = ()
    municipalities: tuple[Municipality, ...] = ()
