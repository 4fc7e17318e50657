"""Who held which post when, and what a municipality's region, KKR, council and population were
on a day. Stdlib only, no I/O.

Every answer is as of a day and separates what is confirmed for that day from what is only the
last thing known before it, and from forecasts (which are never an answer, only a note).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from kl_cli.core.models import KnowledgeBase, Municipality, Person, Post
from kl_cli.core.periods import (
    Dated,
    Periods,
    as_of,
    covers,
    earliest,
    field_of,
    last_known,
    latest,
)
from kl_cli.core.record import Record

ROLES = ("formand", "naestformand", "medlem")
CHAIRS = ("formand", "naestformand")


class Answer(Record):
    """Entries that hold on the day; if none, the latest known before it; forecasts apart."""

    current: list[Dated]
    last_known: list[Dated]
    forecasts: list[Dated]

    @property
    def confirmed(self) -> bool:
        return bool(self.current)


def answer(entries: Iterable[Any], ps: Periods, day: date) -> Answer:
    entries = list(entries)
    facts: list[Any] = []
    guesses: list[Any] = []
    for e in entries:
        (guesses if field_of(e)("status") == "forecast" else facts).append(e)
    dated = as_of(facts, ps, day)
    current = [d for d in dated if d.current]
    return Answer(
        current,
        [] if current else last_known(dated, day),
        [d for d in as_of(guesses, ps, day) if d.current] if guesses else [],  # for the day
    )


def posts(
    kb: KnowledgeBase, body: str, role: str | None = None, unit: str | None = None
) -> list[Post]:
    """The posts of a body (and role, and unit), in the knowledge base's order."""
    return [
        p
        for p in kb.posts
        if p.body == body and (role is None or p.role == role) and (unit is None or p.unit == unit)
    ]


def holders(
    kb: KnowledgeBase, ps: Periods, day: date, body: str, role: str, unit: str | None = None
) -> Answer:
    return answer(posts(kb, body, role, unit), ps, day)


def history(entries: Sequence[Any], ps: Periods) -> list[Dated]:
    """Entries with their spans, oldest first (an undated one last)."""
    dated = as_of(entries, ps, date.max)

    def key(d: Dated) -> tuple[int, date]:
        if d.span is None or d.span.start is None:
            return (1, date.max)
        return (0, earliest(d.span.start))

    return sorted(dated, key=key)


def person_posts(kb: KnowledgeBase, person: Person) -> list[Post]:
    return [p for p in kb.posts if p.person == person.id]


# --- municipalities -----------------------------------------------------------------------


class Place(Record):
    """A municipality on a day: its region, the KKR of that region (None where the sources do
    not say), its council size and its latest population figure on or before the day."""

    region: Answer
    kkr: str | None
    council: Answer
    population: Any  # Population | None


class Places:
    """Where the municipalities are on one day. Each region's KKR is worked out once, however
    many municipalities ask (`kl municipalities` asks for all 98)."""

    def __init__(self, kb: KnowledgeBase, ps: Periods, day: date):
        self.kb, self.ps, self.day = kb, ps, day
        self._kkr: dict[str, str | None] = {}

    def region(self, m: Municipality) -> tuple[Answer, str | None]:
        """The municipality's region on the day, and that region's KKR (None where the
        sources do not say which KKR it is in then)."""
        region = answer(m.regions, self.ps, self.day)
        if not region.current:
            return region, None
        rid = region.current[0].entry.region
        if rid not in self._kkr:
            self._kkr[rid] = self._kkr_of(rid)
        return region, self._kkr[rid]

    def _kkr_of(self, rid: str) -> str | None:
        r = next((x for x in self.kb.regions if x.id == rid), None)
        if r is None or r.kkr is None:
            return None
        unit = next((u for b in self.kb.bodies for u in b.units if u.id == r.kkr), None)
        if unit is None:
            return None
        # The region's link to its KKR, and the KKR itself, must both hold on the day.
        spans = [self.ps.span(r), self.ps.span(unit)]
        return r.kkr if all(x is None or covers(x, self.day) for x in spans) else None

    def place(self, m: Municipality) -> Place:
        region, kkr = self.region(m)
        return Place(region, kkr, answer(m.council, self.ps, self.day), population_on(m, self.day))


def place(kb: KnowledgeBase, ps: Periods, m: Municipality, day: date) -> Place:
    """One municipality on a day (Places, for many)."""
    return Places(kb, ps, day).place(m)


def population_on(m: Municipality, day: date) -> Any:
    """The latest population figure dated on or before `day` (a figure is a point in time)."""
    known = [p for p in m.population if latest(p.date) <= day]
    if not known:
        return None
    return max(known, key=lambda p: earliest(p.date))
