"""kl 2.0: what is true when. --as-of and KL_AS_OF, post holders on both sides of every period
boundary, the 98 municipalities and 1 January 2027, delegates per municipality, kl review."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import assert_error, run


def as_json(*args: str, env: dict[str, str] | None = None) -> Any:
    result = run(*args, "--json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def chair(day: str, role: str = "formand") -> tuple[bool, list[str], list[str], list[str]]:
    held = as_json("bodies", "formand", "--as-of", day)["body"]["holders"][role]
    return (
        held["confirmed"],
        [p["person"] for p in held["holders"]],
        [p["person"] for p in held["last_known"]],
        [p["person"] for p in held["forecasts"]],
    )


# --- --as-of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("about",),
        ("values",),
        ("bodies", "kkr"),
        ("statutes",),
        ("sources",),
        ("org",),
        ("people",),
        ("municipalities",),
        ("review",),
        ("search", "bestyrelse"),
    ],
)
def test_every_json_answer_says_which_day_it_is_for(args: tuple[str, ...]) -> None:
    assert as_json(*args, "--as-of", "2019-06-01")["as_of"] == "2019-06-01"
    assert as_json(*args)["as_of"] == "2026-12-01"  # KL_AS_OF, set by the test environment


def test_as_of_option_beats_the_environment_and_is_today_by_default() -> None:
    from datetime import date

    assert as_json("values", env={"KL_AS_OF": "2020-01-01"})["as_of"] == "2020-01-01"
    assert (
        as_json("values", "--as-of", "2021-01-01", env={"KL_AS_OF": "2020-01-01"})["as_of"]
        == "2021-01-01"
    )
    assert as_json("--as-of", "2021-01-01", "values")["as_of"] == "2021-01-01"
    assert as_json("values", env={"KL_AS_OF": ""})["as_of"] == date.today().isoformat()


@pytest.mark.parametrize(
    "bad", ["2026-02-30", "2026-1-01", "01-12-2026", "2026", "today", "２０２６-01-01", "x" * 500]
)
def test_a_bad_date_is_a_usage_error(bad: str) -> None:
    result = run("values", "--as-of", bad)
    assert_error(result, 2, "--as-of must be a date as YYYY-MM-DD")
    assert len(result.stderr) < 600
    assert_error(run("values", env={"KL_AS_OF": bad}), 2, "KL_AS_OF must be a date")


# --- post holders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2014-03-19", (True, ["erik-nielsen"], [], [])),
        ("2014-03-20", (True, ["martin-damm"], [], [])),
        ("2018-03-07", (True, ["martin-damm"], [], [])),
        ("2018-03-08", (True, ["jacob-bundsgaard"], [], [])),
        # the 2022 Summit is only dated to the month: neither side is certain within it
        ("2022-03-10", (False, [], ["jacob-bundsgaard"], [])),
        ("2022-04-01", (True, ["martin-damm"], [], [])),
        ("2026-03-11", (True, ["martin-damm"], [], [])),
        # from the 2026 Summit: no confirmed chairman; Ritzau's forecast is only a forecast
        ("2026-03-12", (False, [], ["martin-damm"], ["peter-rahbaek-juel"])),
        ("2026-12-01", (False, [], ["martin-damm"], ["peter-rahbaek-juel"])),
    ],
)
def test_who_chairs_kl_on_both_sides_of_every_boundary(
    day: str, expected: tuple[bool, list[str], list[str], list[str]]
) -> None:
    assert chair(day) == expected


def test_vice_chairmen_change_mid_term() -> None:
    assert chair("2024-06-01", "naestformand")[1] == ["jacob-bundsgaard"]
    assert chair("2025-06-01", "naestformand")[1] == ["peter-rahbaek-juel"]
    assert chair("2026-12-01", "naestformand")[:2] == (False, [])


def test_an_ended_post_is_never_shown_as_current() -> None:
    body = as_json("bodies", "formand")["body"]
    for post in body["history"]:
        if post.get("status") == "forecast":
            continue
        assert post["current"] is False, post  # nothing is confirmed for 2026–2030
    plain = run("bodies", "formand", "-f", "plain").stdout
    assert "formand\t-\tingen bekræftet pr. 2026-12-01" in plain
    last = "formand_last_known\tmartin-damm\tMartin Damm (V, Kalundborg) (senest kendt: 2022–2026)"
    assert last in plain
    assert "formand_forecast\tpeter-rahbaek-juel\tPeter Rahbæk Juel" in plain


def test_the_overview_names_the_period_and_whether_the_sources_cover_it() -> None:
    data = as_json()
    assert data["electoral_period"]["id"] == "2026-2030" and data["covered"] is False
    line = run("--lang", "en", "-f", "plain").stdout.splitlines()[1]
    assert line.startswith("period\tOn 2026-12-01 KL is in the electoral period 2026–2030.")
    assert "no confirmed chairman; last confirmed: Martin Damm" in line
    covered = as_json("--as-of", "2019-01-01")
    assert covered["electoral_period"]["id"] == "2018-2022" and covered["covered"] is True
    assert "Chairman: Jacob Bundsgaard" in run("--lang", "en", "--as-of", "2019-01-01").stdout


def test_people_are_found_by_name_surname_and_folding() -> None:
    for query in ("martin-damm", "Martin Damm", "damm", "DAMM"):
        assert as_json("people", query)["person"]["id"] == "martin-damm"
    assert as_json("people", "rahbaek")["person"]["id"] == "peter-rahbaek-juel"
    assert as_json("people", "Rahbæk")["person"]["id"] == "peter-rahbaek-juel"
    assert_error(run("people", "hansen"), 1, "person 'hansen' is ambiguous")
    assert_error(run("people", "Damn"), 1, "did you mean 'martin-damm'?")


def test_one_person_lists_every_post_by_period() -> None:
    posts = as_json("people", "damm")["person"]["posts"]
    periods = [(p["body"], p["role"], p["period"]["label"]) for p in posts]
    assert ("formand", "formand", "2014–2018") in periods
    assert ("formand", "naestformand", "2018–2022") in periods
    assert ("formand", "formand", "2022–2026") in periods
    assert all(p["sources"] for p in posts)


def test_a_forecast_is_stored_as_one() -> None:
    posts = as_json("people", "rahbaek")["person"]["posts"]
    forecasts = [p for p in posts if p.get("status") == "forecast"]
    assert len(forecasts) == 1 and forecasts[0]["role"] == "formand"
    assert forecasts[0]["confidence"] == "low"


# --- the 98 municipalities and 1 January 2027 ------------------------------------------------


def test_the_98_municipalities_with_their_regions() -> None:
    rows = as_json("municipalities")["municipalities"]
    assert len(rows) == 98 and len({m["code"] for m in rows}) == 98
    counts: dict[str, int] = {}
    for m in rows:
        counts[m["kkr"]["id"]] = counts.get(m["kkr"]["id"], 0) + 1
    assert counts == {
        "hovedstaden": 29,
        "sjaelland": 17,
        "syddanmark": 22,
        "midtjylland": 19,
        "nordjylland": 11,
    }
    alias = run("kommuner", "--json")
    assert json.loads(alias.stdout)["municipalities"] == rows


@pytest.mark.parametrize(
    ("day", "region", "kkr"),
    [
        ("2026-12-31", "hovedstaden", "hovedstaden"),
        ("2027-01-01", "oestdanmark", None),
    ],
)
def test_copenhagen_on_both_sides_of_the_merger(day: str, region: str, kkr: str | None) -> None:
    m = as_json("municipalities", "københavn", "--as-of", day)["municipality"]
    assert m["region"]["id"] == region
    assert (m["kkr"] or {}).get("id") == kkr


def test_from_2027_kl_says_the_sources_do_not_yet_say_how_the_kkr_are_organised() -> None:
    rows = as_json("municipalities", "--as-of", "2027-01-01")["municipalities"]
    assert sum(m["region"]["id"] == "oestdanmark" for m in rows) == 46
    assert all(m["kkr"] is None for m in rows)  # the KKR facts are valid 2007–2026
    text = run("municipalities", "aarhus", "--as-of", "2027-01-01", "--lang", "en").stdout
    assert "Central Denmark Region" in text
    assert "The sources do not yet say how KL organises its KKR" in text
    members = as_json("bodies", "kkr", "--as-of", "2027-01-01")["body"]["units"]
    assert all(u["municipalities_as_of"] == [] for u in members)


@pytest.mark.parametrize("query", ["751", "aarhus", "Aarhus Kommune", "AARHUS"])
def test_a_municipality_by_code_or_name(query: str) -> None:
    assert as_json("municipalities", query)["municipality"]["id"] == "aarhus"


def test_an_unknown_municipality_is_exit_1_with_suggestions() -> None:
    assert_error(run("municipalities", "Aarhuus"), 1, "did you mean 'aarhus'")


def test_delegates_for_a_municipality_show_their_inputs() -> None:
    data = as_json("statutes", "delegates", "--municipality", "aarhus")
    assert (data["population"], data["council_seats"], data["delegates"]) == (361544, 31, 31)
    assert data["cap_applied"] is True and data["computed_by_kl"] is True
    assert data["municipality"]["population"]["date"] == "2023-01-01"
    assert data["municipality"]["population"]["sources"]
    plain = run("statutes", "delegates", "--municipality", "aarhus", "-f", "plain").stdout
    assert "population\t361544" in plain.splitlines()  # the number as a script reads it
    people = run("statutes", "delegates", "--municipality", "aarhus", "-f", "rich").stdout
    assert "361.544" in people  # people read the Danish thousands separator
    explicit = as_json("statutes", "delegates", "--municipality", "aarhus", "--population", "9000")
    assert (explicit["population"], explicit["delegates"]) == (9000, 2)


def test_delegates_need_a_population() -> None:
    assert_error(run("statutes", "delegates"), 2, "give --population (or --municipality)")
    assert_error(
        run("statutes", "delegates", "--municipality", "aarhus", "--as-of", "2010-01-01"),
        2,
        "kl knows no population for Aarhus on or before 2010-01-01",
    )


# --- kl review -----------------------------------------------------------------------------


def test_review_lists_what_needs_a_look_and_exits_0() -> None:
    data = as_json("review")
    assert set(data["counts"]) == {"ended", "disagree", "unsure", "old_source", "undated_source"}
    ended = {i["path"] for i in data["items"] if i["check"] == "ended"}
    assert "bodies[1].counts[0]" in ended  # the bestyrelse's 17 seats, known for 2014–2026
    assert any(i["check"] == "disagree" for i in data["items"])  # Frederiksberg's council
    assert run("review", "-f", "plain").exit_code == 0


def test_review_changes_with_the_date() -> None:
    before = as_json("review", "--as-of", "2019-01-01")["counts"]["ended"]
    after = as_json("review", "--as-of", "2027-06-01")["counts"]["ended"]
    assert before < after


def test_a_post_not_yet_begun_is_later_not_ended() -> None:
    rows = [
        line.split("\t")
        for line in run(
            "bodies", "formand", "--as-of", "2019-06-01", "-f", "plain"
        ).stdout.splitlines()
        if line.startswith("post\t")
    ]
    state = {(r[1], r[2], r[5]): r[6] for r in rows}
    assert state["jacob-bundsgaard", "formand", "2018–2022"] == "current"
    assert state["martin-damm", "formand", "2014–2018"] == "ended"
    assert state["martin-damm", "formand", "2022–2026"] == "future"
    assert state["peter-rahbaek-juel", "formand", "2026–2030"] == "forecast"
