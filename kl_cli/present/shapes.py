"""The shapes of kl's JSON/YAML output, one TypedDict per part (checked by mypy, free at run time).

Imported only under TYPE_CHECKING: at run time a view's data are plain dicts of these shapes.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Confidence = Literal["high", "medium", "low"]


class SourceRef(TypedDict):
    id: str
    title: str
    url: NotRequired[str]


class FactData(TypedDict):
    id: NotRequired[str]
    text: NotRequired[str]
    sources: list[SourceRef]
    period: NotRequired[str]
    confidence: NotRequired[Confidence]


class CountData(FactData):
    label: str
    value: int


class UnitData(FactData):
    name: str
    municipalities: int


class ParagraphRef(TypedDict):
    id: str
    label: str


class ParagraphData(ParagraphRef):
    title: str
    facts: list[FactData]


class RelationData(TypedDict):
    subject: str
    relation: str
    object: str
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


class Fraction(TypedDict):
    numerator: int
    denominator: int


class AmendmentData(TypedDict):
    rule: FactData
    fraction: Fraction
    caveat: FactData
    delegates: NotRequired[int]
    votes_needed: NotRequired[int]
    arithmetic: NotRequired[str]
    votes_for: NotRequired[int]
    adopted: NotRequired[bool]


class DelegatesData(TypedDict):
    rule: FactData
    cap: FactData
    population: int
    council_seats: int | None
    delegates: int
    cap_applied: bool
    arithmetic: str
    example: NotRequired[FactData]


class KbInfo(TypedDict):
    custom: bool
    path: str | None
    kb_version: str
    last_reviewed: str


class SourceData(SourceRef):
    note: NotRequired[str]
