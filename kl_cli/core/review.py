"""The maintainer's checklist (`kl review`): what in the knowledge base needs a look on a day.
Stdlib only, no I/O.

- ended: a fact whose validity has ended on the day, with nothing current in its place;
- unsure: facts of medium or low confidence;
- disagree: facts in the same place whose validities overlap but whose values differ;
- old sources: sources published before a threshold (and undated ones, which cannot be aged).
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from kl_cli.core.models import (
    Committee,
    CouncilSize,
    Count,
    Edge,
    Fact,
    KnowledgeBase,
    Membership,
    NamedFact,
    Post,
    Unit,
)
from kl_cli.core.periods import Span, covers, earliest, future, label, latest, periods
from kl_cli.core.record import walk

DATED = (Fact, NamedFact, Count, Unit, Edge, Post, Committee, Membership, CouncilSize)


def slot(path: str, record: Any) -> tuple[Any, ...]:
    """What a dated record is a value *of*: records in one slot replace one another in time
    (a forecast never counts as the successor: covers() is only asked of confirmed ones)."""
    place = path.rsplit("[", 1)[0] if path.endswith("]") else path
    if isinstance(record, Post):
        return ("posts", record.body, record.role, record.unit)  # the post, whoever holds it
    if isinstance(record, Count):
        return (place, record.label.da)
    if isinstance(record, Unit):
        return (place, record.id)
    if isinstance(record, Edge):
        return ("relations", record.subject, record.relation, record.object)
    return (place,)


def value_of(record: Any) -> Any:
    for name in ("seats", "value", "region", "municipalities"):
        if hasattr(record, name):
            return getattr(record, name)
    return None


class Item(NamedTuple):
    check: str  # ended | unsure | disagree | old_source | undated_source
    path: str
    detail: str  # a language-neutral detail: a period label, a confidence, a date
    record: Any


def review(kb: KnowledgeBase, day: date, older_than_years: int) -> list[Item]:
    ps = periods(kb)
    items: list[Item] = []
    slots: dict[tuple[Any, ...], list[tuple[str, Any, Span | None]]] = {}
    for path, record in walk(kb):
        if not isinstance(record, DATED):
            continue
        span = ps.span(record)
        slots.setdefault(slot(path, record), []).append((path, record, span))
        confidence = getattr(record, "confidence", None)
        if confidence in ("medium", "low"):
            items.append(Item("unsure", path, confidence, record))
    for entries in slots.values():
        items += _ended(entries, day)
        items += _disagree(entries)
    threshold = date(day.year - older_than_years, day.month, min(day.day, 28))
    for i, s in enumerate(kb.sources):
        where = f"sources[{i}]"
        if s.published is None:
            items.append(Item("undated_source", where, "", s))
        elif earliest(s.published) < threshold:
            items.append(Item("old_source", where, s.published, s))
    order = ("ended", "disagree", "unsure", "old_source", "undated_source")
    return sorted(items, key=lambda x: order.index(x.check))


def _ended(entries: list[tuple[str, Any, Span | None]], day: date) -> list[Item]:
    dated = [
        (p, r, s) for p, r, s in entries if s is not None and getattr(r, "status", None) is None
    ]
    if not dated or any(covers(s, day) for _, _, s in dated):
        return []
    ended = [(p, r, s) for p, r, s in dated if s.end is not None and not future(s, day)]
    if not ended:
        return []
    path, record, span = max(ended, key=lambda x: earliest(x[2].end or "9999"))
    return [Item("ended", path, label(span), record)]


def _disagree(entries: list[tuple[str, Any, Span | None]]) -> list[Item]:
    out = []
    for i, (p1, r1, s1) in enumerate(entries):
        for p2, r2, s2 in entries[i + 1 :]:
            v1, v2 = value_of(r1), value_of(r2)
            if v1 is None or v1 == v2 or s1 is None or s2 is None:
                continue
            if _overlap(s1, s2):
                out.append(Item("disagree", p1, f"{v1} ≠ {v2} ({p2})", r1))
    return out


def _overlap(a: Span, b: Span) -> bool:
    """Whether both certainly hold on some day (partial dates read as in covers())."""
    start = max(latest(x.start) if x.start else date.min for x in (a, b))
    end = min(earliest(x.end) if x.end else date.max for x in (a, b))
    return start <= end
