"""Validity as data (core/periods.py): partial ISO dates read conservatively, electoral periods
ending the day before the next starts, and the day on both sides of every boundary."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kl_cli.core import periods
from kl_cli.core.models import Period, Validity
from kl_cli.core.periods import Periods, Span, covers, earliest, label, latest, parse_partial


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2026", (2026, None, None)),
        ("2026-03", (2026, 3, None)),
        ("2026-03-12", (2026, 3, 12)),
        ("2024-02-29", (2024, 2, 29)),
        ("2023-02-29", None),
        ("2026-13", None),
        ("2026-00-01", None),
        ("26", None),
        ("2026-3-1", None),
        ("２０２６", None),  # fullwidth digits are not ASCII digits
        ("2026-03-12T00:00", None),
        ("", None),
    ],
)
def test_parse_partial(text: str, parsed: tuple[int, int | None, int | None] | None) -> None:
    assert parse_partial(text) == parsed


def test_partial_dates_span_their_precision() -> None:
    assert (earliest("2024"), latest("2024")) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (earliest("2024-02"), latest("2024-02")) == (date(2024, 2, 1), date(2024, 2, 29))
    assert earliest("2024-11-06") == latest("2024-11-06") == date(2024, 11, 6)


def test_a_fact_is_current_only_when_it_certainly_holds() -> None:
    v = Validity("2014", "2026")  # "2014–2026": some time in 2014 until some time in 2026
    assert not covers(v, date(2014, 6, 1))  # may not have begun yet
    assert covers(v, date(2015, 1, 1))
    assert covers(v, date(2026, 1, 1))
    assert not covers(v, date(2026, 1, 2))  # may have ended: never shown as current
    assert not covers(v, date(2026, 12, 1))


def test_exact_ends_are_inclusive_on_both_sides() -> None:
    v = Validity("2007-01-01", "2026-12-31")
    assert not covers(v, date(2006, 12, 31))
    assert covers(v, date(2007, 1, 1))
    assert covers(v, date(2026, 12, 31))
    assert not covers(v, date(2027, 1, 1))


def test_open_end_holds_from_its_start() -> None:
    v = Validity("2027-01-01", None)
    assert not covers(v, date(2026, 12, 31))
    assert covers(v, date(2027, 1, 1))
    assert covers(v, date(2100, 1, 1))


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        (Span("2014", "2026"), "2014–2026"),
        (Span("2023", "2023"), "2023"),
        (Span("2006", None), "2006–"),
        (Span(None, "2026-12-31"), "–2026"),
        (Span("2022-03", "2026-03-11"), "2022–2026"),
    ],
)
def test_labels_are_years_only(span: Span, shown: str) -> None:
    assert label(span) == shown


def _ps() -> Periods:
    return Periods(
        [
            Period("2018-2022", "2018-03-08", ("s",)),
            Period("2014-2018", "2014-03-20", ("s",)),  # order in the file does not matter
            Period("2022-2026", "2022-03", ("s",)),
            Period("2026-2030", "2026-03-12", ("s",)),
        ]
    )


def test_a_period_ends_the_day_before_the_next_starts() -> None:
    ps = _ps()
    assert ps.spans["2014-2018"] == Span("2014-03-20", "2018-03-07", "2014-2018")
    assert ps.spans["2018-2022"] == Span("2018-03-08", "2022-03", "2018-2022")
    assert ps.spans["2022-2026"] == Span("2022-03", "2026-03-11", "2022-2026")
    assert ps.spans["2026-2030"] == Span("2026-03-12", None, "2026-2030")


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2014, 3, 19), None),  # before the first period known
        (date(2014, 3, 20), "2014-2018"),
        (date(2018, 3, 7), "2014-2018"),
        (date(2018, 3, 8), "2018-2022"),
        (date(2022, 3, 1), "2018-2022"),  # "2022-03": the old period certainly ran until 1 March
        (date(2022, 3, 15), None),  # the 2022 date is only known to the month: neither is sure
        (date(2022, 4, 1), "2022-2026"),
        (date(2026, 3, 11), "2022-2026"),
        (date(2026, 3, 12), "2026-2030"),
        (date(2026, 12, 1), "2026-2030"),
    ],
)
def test_the_period_a_day_falls_in(day: date, period: str | None) -> None:
    found = _ps().at(day)
    assert (found.id if found else None) == period


def test_problem_names_bad_dates_and_reversed_spans() -> None:
    assert periods.problem(Validity("2014", "2026")) is None
    assert "not an ISO date" in (periods.problem(Validity("20l4")) or "")
    assert "before it starts" in (periods.problem(Validity("2026", "2014")) or "")


def test_last_known_is_the_latest_ended_not_one_still_to_come() -> None:
    ps = _ps()

    class E:
        def __init__(self, period: str) -> None:
            self.period, self.valid = period, None

    entries = [E("2014-2018"), E("2018-2022"), E("2026-2030")]
    dated = periods.as_of(entries, ps, date(2023, 1, 1))
    assert not any(d.current for d in dated)
    assert [d.entry.period for d in periods.last_known(dated, date(2023, 1, 1))] == ["2018-2022"]


@settings(max_examples=1000, deadline=None)
@given(
    st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True)
    | st.text(alphabet="0123456789-\n ２x", max_size=11)
    | st.text(max_size=11)
)
def test_partial_dates_are_read_as_the_iso_pattern_says(text: str) -> None:
    import calendar
    import re

    m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", text)
    expected = None
    if m:
        year = int(m[1])
        month = int(m[2]) if m[2] else None
        day = int(m[3]) if m[3] else None
        ok = year >= 1 and (month is None or 1 <= month <= 12)
        if ok and day is not None and month is not None:
            ok = 1 <= day <= calendar.monthrange(year, month)[1]
        expected = (year, month, day) if ok else None
    assert parse_partial(text) == expected
