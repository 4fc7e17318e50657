"""The shapes of kl's JSON/YAML output, one TypedDict per part (checked by mypy, free at run time).

The views and commands import this module only under TYPE_CHECKING: at run time a view's data
are plain dicts of these shapes. The schemas kl ships (data/schema/KIND.json, `kl schema KIND`)
are generated from these TypedDicts and the table OUTPUTS at the end by
`python -m kl_cli.present.schemagen`, so a key marked NotRequired is optional in the schema,
every other key is required, and no other key is allowed. A docstring is the description of
its part in the schema.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from kl_cli.core.models import ActorKind, Confidence, KnowledgeBase, Lang, Relation
from kl_cli.core.search import Rank


class SourceRef(TypedDict):
    id: str
    title: str
    url: NotRequired[str]


# A validity: "from" is a keyword, hence the functional form. ISO dates of any precision as the
# sources give them; None for an open end; `id` when the span is one of KL's electoral periods.
PeriodData = TypedDict(
    "PeriodData",
    {"id": NotRequired[str], "from": str | None, "to": str | None, "label": str},
)


class Named(TypedDict):
    id: str
    name: str


class Sourced(TypedDict):
    """What every fact has: its sources, and where they apply its period and confidence."""

    sources: list[SourceRef]
    period: NotRequired[PeriodData]
    current: NotRequired[bool]
    confidence: NotRequired[Confidence]


class FactData(Sourced):
    id: NotRequired[str]
    text: NotRequired[str]


class CountData(Sourced):
    """A number that holds for a period: `id` names what is counted (the same in every
    language and in each period it is known for), `unit` what one of it is ("member",
    "committee"), `label` says it in words in the selected language."""

    id: str
    value: int
    unit: str
    label: str


class UnitData(Sourced):
    id: str
    name: str
    municipalities: int
    municipalities_as_of: NotRequired[list[Named]]


class CommitteeData(FactData):
    name: str
    note: NotRequired[str]


class CommitteeCountData(FactData):
    value: int
    note: NotRequired[str]


class CommitteesData(TypedDict):
    """The udvalg of the period the day falls in (current true), else those of the last period
    the sources name (current false); and how many each period had, where sourced."""

    current: bool
    committees: list[CommitteeData]
    counts: list[CommitteeCountData]
    history: list[CommitteeData]


class ElectoralPeriodData(TypedDict):
    """One of KL's electoral periods: its start (as sourced) and its span."""

    id: str
    start: str
    period: PeriodData
    current: bool
    note: NotRequired[str]


class PostData(TypedDict):
    person: str
    name: str
    body: str
    body_name: str
    role: Literal["formand", "naestformand", "medlem"]
    role_label: str
    unit: NotRequired[str]
    unit_name: NotRequired[str]
    party: NotRequired[str]
    municipality: NotRequired[str]
    municipality_name: NotRequired[str]
    sources: list[SourceRef]
    period: NotRequired[PeriodData]
    current: NotRequired[bool]
    status: NotRequired[Literal["forecast"]]
    confidence: NotRequired[Confidence]
    note: NotRequired[str]


class HoldersData(TypedDict):
    confirmed: bool
    holders: list[PostData]
    last_known: list[PostData]
    forecasts: list[PostData]


class UnitHolders(TypedDict):
    unit: str
    name: str
    roles: dict[str, HoldersData]


class PersonData(TypedDict):
    id: str
    name: str
    posts: list[PostData]


class PeopleData(TypedDict):
    """`kl people`: the people the sources name, each with every post by period."""

    people: list[PersonData]


class DatedNamed(Named):
    period: NotRequired[PeriodData]
    current: NotRequired[bool]


class RegionData(FactData):
    name: str
    note: NotRequired[str]


class RegionRow(RegionData):
    """A region with its validity and, for 2007–2026, its KKR's id."""

    kkr: NotRequired[str]


class CouncilData(FactData):
    seats: int
    note: NotRequired[str]


class PopulationData(FactData):
    value: int
    date: str
    note: NotRequired[str]


class ComputedDelegates(TypedDict):
    delegates: int
    population: int
    population_date: str
    council_seats: int
    cap_applied: bool
    cap_confidence: Confidence
    arithmetic: str
    computed_by_kl: bool


class MunicipalityData(TypedDict):
    id: str
    code: str
    name: str
    region: DatedNamed | None
    kkr: Named | None
    sources: NotRequired[list[SourceRef]]
    confidence: NotRequired[Confidence]
    note: NotRequired[str]
    regions: NotRequired[list[RegionData]]
    council: NotRequired[list[CouncilData]]
    population: NotRequired[list[PopulationData]]
    delegates: NotRequired[ComputedDelegates | None]


class MunicipalitiesData(TypedDict):
    """`kl municipalities`: the 98 member municipalities with their region and KKR on the day
    (null where the sources do not say)."""

    municipalities: list[MunicipalityData]
    kkr_after_merger_known: bool
    regions: list[RegionRow]


class ParagraphRef(TypedDict):
    id: str
    label: str


class ParagraphData(ParagraphRef):
    numbered: bool  # false for a topic (kontingent): the sources give no paragraph number
    title: str
    facts: list[FactData]


class RelationData(TypedDict):
    """A relation of the body shown: `subject` `relation` `object`, `target` the id at the
    other end from the body, `text` the relation in words from the body's side."""

    subject: str
    relation: Relation
    object: str
    target: str
    text: str
    paragraph: NotRequired[str]
    sources: list[SourceRef]


class ValueData(TypedDict):
    id: str
    number: int
    title: str
    statement: NotRequired[list[str]]
    list_heading: NotRequired[str]
    items: NotRequired[list[str]]
    behaviour_heading: NotRequired[str]
    behaviours: NotRequired[list[str]]
    sources: list[SourceRef]


class BehaviourGroup(TypedDict):
    id: str
    number: int
    value: str
    heading: str
    behaviours: list[str]
    sources: list[SourceRef]


class BodyRow(TypedDict):
    id: str
    name: str
    role: FactData


class SummitData(TypedDict):
    """A Kommunalpolitisk Topmøde, where the delegeretmøde meets."""

    id: str
    year: int
    name: str
    date: str | None
    end_date: str | None
    place: str | None
    cancelled: bool
    sources: list[SourceRef]
    confidence: NotRequired[str]
    note: NotRequired[str]


class BodyData(TypedDict):
    id: str
    name: str
    names: dict[str, str]
    aliases: NotRequired[list[str]]
    role: NotRequired[FactData]
    composition: NotRequired[FactData]
    election: NotRequired[FactData]
    meetings: NotRequired[FactData]
    term: NotRequired[FactData]
    paragraphs: NotRequired[list[ParagraphRef]]
    counts: NotRequired[list[CountData]]
    units: NotRequired[list[UnitData]]
    relations: NotRequired[list[RelationData]]
    holders: NotRequired[dict[str, HoldersData]]
    unit_holders: NotRequired[list[UnitHolders]]
    history: NotRequired[list[PostData]]
    committees: NotRequired[CommitteesData]
    periods: NotRequired[list[ElectoralPeriodData]]
    summits: NotRequired[list[SummitData]]


class Fraction(TypedDict):
    numerator: int
    denominator: int


class AmendmentData(TypedDict):
    """`kl statutes amendment [--delegates N [--votes-for M]]`: the rule for changing the
    statutes; with N, the votes needed and the arithmetic; with M, whether it is adopted."""

    rule: FactData
    fraction: Fraction
    caveat: FactData
    delegates: NotRequired[int]
    votes_needed: NotRequired[int]
    arithmetic: NotRequired[str]
    votes_for: NotRequired[int]
    adopted: NotRequired[bool]


class DelegateInputs(TypedDict):
    """Where --municipality's inputs came from: each figure with its date and sources."""

    id: str
    name: str
    population: NotRequired[PopulationData]
    council: NotRequired[CouncilData]


class DelegatesData(TypedDict):
    """`kl statutes delegates --population P [--council-seats S]`: the voting delegates a
    municipality elects (§ 4), and whether the cap applied (council_seats: null without S)."""

    rule: FactData
    cap: FactData
    population: int
    council_seats: int | None
    delegates: int
    cap_applied: bool | None  # None: not checked (no council size given or known)
    arithmetic: str
    example: NotRequired[FactData]
    municipality: NotRequired[DelegateInputs]
    computed_by_kl: bool


class KbInfo(TypedDict):
    custom: bool
    path: str | None
    kb_version: str
    last_reviewed: str


class SourceData(SourceRef):
    note: NotRequired[str]


class Envelope(TypedDict):
    """What every JSON/YAML output starts with: the output's schema version (bumped by a
    breaking change), the language of its texts, its kind (which schema it follows) and, for
    an answer about KL, the day it answers for (--as-of, default today)."""

    schema_version: int
    lang: Lang
    kind: str
    as_of: NotRequired[str]


# --- kl and kl about ---------------------------------------------------------------------------


class ValueRow(TypedDict):
    id: str
    number: int
    title: str


class BodyName(TypedDict):
    id: str
    name: str


class CommandRow(TypedDict):
    command: str
    shows: str


class OverviewData(TypedDict):
    """`kl`: one screen on what KL is and where to look next."""

    name: str
    long_name: str
    mission: FactData
    values: list[ValueRow]
    bodies: list[BodyName]
    commands: list[CommandRow]
    about: NotRequired[FactData]
    electoral_period: PeriodData | None
    covered: bool
    chairman: NotRequired[HoldersData]


class AboutData(TypedDict):
    """`kl about`: mission, vision, purpose (§ 1) and general facts."""

    name: str
    long_name: str
    mission: FactData
    vision: FactData
    facts: list[FactData]
    purpose: NotRequired[ParagraphData]


# --- kl values, kl leadership ------------------------------------------------------------------


class ValuesData(TypedDict):
    """`kl values`: the three organisational values."""

    values: list[ValueData]


class OneValueData(TypedDict):
    """`kl values VALUE`: one value in full."""

    value: ValueData


class LeadershipData(TypedDict):
    """`kl leadership [VALUE]`: the leadership behaviours, grouped by value."""

    groups: list[BehaviourGroup]


# --- kl bodies ---------------------------------------------------------------------------------


class BodiesData(TypedDict):
    """`kl bodies`: the political bodies."""

    bodies: list[BodyRow]


class OneBodyData(TypedDict):
    """`kl bodies BODY`: one body with its counts, units and relations."""

    body: BodyData


# --- kl statutes -------------------------------------------------------------------------------


class ParagraphRow(TypedDict):
    """A paragraph or a statute topic; `numbered` false where the sources give no § number
    (kontingent, regnskab)."""

    id: str
    label: str
    numbered: bool
    title: str


class StatutesData(TypedDict):
    """`kl statutes`: the statutes' summary, edition, revision, amendment rule and paragraphs."""

    summary: list[FactData]
    edition: FactData
    last_revised: str
    last_revised_as_of: str | None  # when the source said so (None: not given)
    last_revised_sources: list[SourceRef]
    revision: FactData
    amendment: AmendmentData
    paragraphs: list[ParagraphRow]


class OneParagraphData(TypedDict):
    """`kl statutes PARAGRAPH`: one statute paragraph's facts."""

    paragraph: ParagraphData


# --- kl services, kl international, kl sources -------------------------------------------------


class ParagraphsData(TypedDict):
    """`kl services` and `kl international`: paragraphs of text, each with its sources."""

    paragraphs: list[FactData]


class SourcesData(TypedDict):
    """`kl sources`: the knowledge base in use and every source of its facts."""

    knowledge_base: KbInfo
    sources: list[SourceData]


class OneSourceData(TypedDict):
    """`kl sources SOURCE`: one source, with its note."""

    source: SourceData


# --- kl org ------------------------------------------------------------------------------------


class OrgRelation(TypedDict):
    id: Relation
    label: str


class OrgNode(TypedDict):
    id: str
    kind: ActorKind
    name: str
    names: dict[str, str]


class OrgEdge(TypedDict):
    subject: str
    relation: Relation
    label: str
    object: str
    text: str
    paragraph: NotRequired[ParagraphRow]
    sources: list[SourceRef]
    period: NotRequired[PeriodData]
    current: NotRequired[bool]
    confidence: NotRequired[Confidence]


class OrgData(TypedDict):
    """`kl org`: the organisation chart's nodes and sourced edges (root: where the chart starts,
    null when the knowledge base has no delegeretmøde)."""

    root: str | None
    relations: list[OrgRelation]
    nodes: list[OrgNode]
    edges: list[OrgEdge]


# --- kl search ---------------------------------------------------------------------------------


class Span(TypedDict):
    start: int
    end: int


class SearchHit(TypedDict):
    """A hit: the kind and id of the entry, which of its texts matched (field) in which
    language, the command that shows it in full, and the snippet with the matches in it
    (code-point offsets; start/end: the first match)."""

    kind: str
    id: str
    field: str
    rank: Rank
    lang: Lang
    command: str
    snippet: str
    start: int
    end: int
    matches: list[Span]
    sources: list[SourceRef]


class SearchData(TypedDict):
    """`kl search TEXT...`: the hits, best first (the first `limit` of `total`)."""

    query: list[str]
    total: int
    limit: int
    hits: list[SearchHit]


# --- kl validate --json ------------------------------------------------------------------------


class ValidationSummary(TypedDict):
    file: str
    bundled: bool
    valid: bool
    problem_count: int
    truncated: bool


class ProblemData(TypedDict):
    """One problem: line and column are null for a problem with no place; path is null for a
    syntax error and "" for the top level."""

    file: str
    line: int | None
    column: int | None
    path: str | None
    message: str


class ValidateData(TypedDict):
    """`kl validate --json`: a summary and the problems found (the first 100)."""

    summary: ValidationSummary
    problems: list[ProblemData]


# --- kl schema --json --------------------------------------------------------------------------


class SchemaRow(TypedDict):
    kind: str
    command: str


class SchemasData(TypedDict):
    """`kl schema --json`: every kind of output kl has a schema for, and the command that prints
    it; `kl schema KIND` prints the schema."""

    schemas: list[SchemaRow]


# --- kl people, kl municipalities, kl review ---------------------------------------------------


class OnePersonData(TypedDict):
    """`kl people NAME`: one person's posts by period."""

    person: PersonData


class OneMunicipalityData(TypedDict):
    """`kl municipalities NAME|CODE`: one municipality on the day, with its figures' dates."""

    municipality: MunicipalityData


class ReviewItem(TypedDict):
    check: Literal["ended", "disagree", "unsure", "old_source", "undated_source"]
    path: str
    detail: str
    what: str


class ReviewCounts(TypedDict):
    """How many items each check found."""

    ended: int
    disagree: int
    unsure: int
    old_source: int
    undated_source: int


class ReviewData(TypedDict):
    """`kl review`: what in the knowledge base needs a look on the day."""

    older_than_years: int
    counts: ReviewCounts
    items: list[ReviewItem]


# Every kind of output, the command that prints it (the schema's title) and its shape: each but
# "export" is an Envelope (with that kind) and the shape's keys. `kl export -f json` is the
# knowledge base in its own file format, without an envelope: its schema comes from the
# records in kl_cli/core/models.py, which are that format.
OUTPUTS: dict[str, tuple[str, Any]] = {
    "overview": ("kl", OverviewData),
    "about": ("kl about", AboutData),
    "values": ("kl values", ValuesData),
    "value": ("kl values VALUE", OneValueData),
    "leadership": ("kl leadership [VALUE]", LeadershipData),
    "bodies": ("kl bodies", BodiesData),
    "body": ("kl bodies BODY", OneBodyData),
    "statutes": ("kl statutes", StatutesData),
    "paragraph": ("kl statutes PARAGRAPH", OneParagraphData),
    "amendment": ("kl statutes amendment", AmendmentData),
    "delegates": ("kl statutes delegates", DelegatesData),
    "services": ("kl services", ParagraphsData),
    "international": ("kl international", ParagraphsData),
    "sources": ("kl sources", SourcesData),
    "source": ("kl sources SOURCE", OneSourceData),
    "org": ("kl org", OrgData),
    "search": ("kl search TEXT...", SearchData),
    "validate": ("kl validate --json", ValidateData),
    "schemas": ("kl schema --json", SchemasData),
    "people": ("kl people", PeopleData),
    "person": ("kl people NAME", OnePersonData),
    "municipalities": ("kl municipalities", MunicipalitiesData),
    "municipality": ("kl municipalities NAME|CODE", OneMunicipalityData),
    "review": ("kl review", ReviewData),
    "export": ("kl export -f json", KnowledgeBase),
}
