"""When facts hold: partial ISO dates read conservatively, electoral periods, and what is true
on a given day. Stdlib only, no I/O.

A validity's ends may be a year ("2026"), a month ("2026-03") or a day ("2026-03-12"). A fact
is *current* on a day only if it certainly holds then: a partial start counts from its last
possible day, a partial end until its first possible day. So "2014–2026" is not current at any
time in 2026, and a fact whose period has ended is never shown as current.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from kl_cli.core.models import KnowledgeBase, Period, Validity
from kl_cli.core.record import Record


def days_in(year: int, month: int) -> int:
    """The number of days of a month (the calendar module costs a millisecond to import)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_partial(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date of any precision, or None if it is not one."""
    # YYYY, YYYY-MM or YYYY-MM-DD, ASCII digits only (read by hand: a regular expression
    # costs every run its compilation)
    if len(text) not in (4, 7, 10) or not text.isascii():
        return None
    pieces = text.split("-")
    if [len(p) for p in pieces] != [4, 2, 2][: len(pieces)] or not all(p.isdigit() for p in pieces):
        return None
    year = int(pieces[0])
    month = int(pieces[1]) if len(pieces) > 1 else None
    day = int(pieces[2]) if len(pieces) > 2 else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and month is not None:
        if not 1 <= day <= days_in(year, month):
            return None
    if year < 1:
        return None
    return year, month, day


# earliest and latest are asked of the same few dozen dates thousands of times a run (each of the
# 98 municipalities' regions and councils): parsed once each.
@functools.cache
def earliest(text: str) -> date:
    """The first day a partial date may mean."""
    parsed = parse_partial(text)
    if parsed is None:
        raise ValueError(f"not an ISO date: {text!r}")
    year, month, day = parsed
    return date(year, month or 1, day or 1)


@functools.cache
def latest(text: str) -> date:
    """The last day a partial date may mean."""
    parsed = parse_partial(text)
    if parsed is None:
        raise ValueError(f"not an ISO date: {text!r}")
    year, month, day = parsed
    month = month or 12
    return date(year, month, day or days_in(year, month))


def problem(v: Validity) -> str | None:
    """What is wrong with a validity's dates, or None."""
    for name in ("start", "end"):
        value = getattr(v, name)
        if value is not None and parse_partial(value) is None:
            return f"{name} {value[:40]!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if v.start is not None and v.end is not None and earliest(v.end) < earliest(v.start):
        return f"ends ({v.end}) before it starts ({v.start})"
    return None


def field_of(entry: Any) -> Callable[[str], Any]:
    """A getter of an entry's fields, None for one it does not have. Asked of thousands of
    entries a run (a municipality's regions, councils), most of which lack some of them: a
    record's own fields are read from its instance dict, with no AttributeError raised and
    caught for each one missing."""
    if isinstance(entry, Record):
        held = object.__getattribute__(entry, "__dict__")
        if "__lazy__" not in held:  # every field in the instance (see record.lazy)
            return held.get  # type: ignore[no-any-return]
    return lambda name: getattr(entry, name, None)


class Span(Record):
    """A resolved validity: where it came from (an electoral period's id, if any)."""

    start: str | None
    end: str | None
    period: str | None = None


def covers(span: Span | Validity, day: date) -> bool:
    """Whether the fact certainly holds on `day`."""
    if span.start is not None and latest(span.start) > day:
        return False
    return span.end is None or day <= earliest(span.end)


def future(span: Span | Validity, day: date) -> bool:
    """Whether the fact certainly had not begun on `day`."""
    return span.start is not None and earliest(span.start) > day


def label(span: Span | Validity) -> str:
    """Years only, language-neutral: '2014–2026', '2023', '2006–', '–2026'."""
    start = span.start[:4] if span.start else ""
    end = span.end[:4] if span.end else ""
    if start and start == end:
        return start
    return f"{start}–{end}"


class Periods:
    """KL's electoral periods in order, each ending the day before the next starts."""

    def __init__(self, periods: Sequence[Period]):
        ordered = sorted(periods, key=lambda p: earliest(p.start))
        self.spans: dict[str, Span] = {}
        for i, p in enumerate(ordered):
            end = None
            if i + 1 < len(ordered):
                nxt = ordered[i + 1].start
                end = (earliest(nxt) - timedelta(days=1)).isoformat() if len(nxt) == 10 else nxt
            self.spans[p.id] = Span(p.start, end, p.id)
        self.ordered = ordered

    def span(self, entry: Any) -> Span | None:
        """The validity of an entry with `valid` and/or `period` (valid wins), or None."""
        held = field_of(entry)
        valid, pid = held("valid"), held("period")
        if valid is not None:
            return Span(valid.start, valid.end, pid)
        if pid is not None:
            return self.spans.get(pid)
        return None

    def at(self, day: date) -> Period | None:
        """The electoral period `day` certainly falls in, if any."""
        for p in self.ordered:
            if covers(self.spans[p.id], day):
                return p
        return None

    def latest_started(self, day: date) -> Period | None:
        """The last period that had certainly begun by `day`."""
        begun = [p for p in self.ordered if latest(p.start) <= day]
        return begun[-1] if begun else None


def periods(kb: KnowledgeBase) -> Periods:
    return Periods(kb.periods)


class Dated(Record):
    """An entry with its resolved validity and whether it is current on the day asked."""

    entry: Any
    span: Span | None
    current: bool


def as_of(entries: Iterable[Any], ps: Periods, day: date) -> list[Dated]:
    """Each entry with its span and whether it holds on `day` (an entry with no validity is
    timeless, so current)."""
    out = []
    for e in entries:
        span = ps.span(e)
        out.append(Dated(e, span, span is None or covers(span, day)))
    return out


def last_known(dated: Sequence[Dated], day: date) -> list[Dated]:
    """When none is current: those that had certainly begun by `day` and ended latest (not
    ones still to come, nor ones that may not have begun yet)."""
    past = [
        d
        for d in dated
        if d.span is not None and (d.span.start is None or latest(d.span.start) <= day)
    ]
    if not past:
        return []

    def key(d: Dated) -> date:
        assert d.span is not None
        return earliest(d.span.end) if d.span.end else latest(d.span.start or "9999")

    best = max(key(d) for d in past)
    return [d for d in past if key(d) == best]
