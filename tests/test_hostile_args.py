"""Hostile arguments: digits that are not 0-9, numbers too big for int(), searches that fold to
nothing, and arguments too long to echo back.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.conftest import assert_error, kb_data, kb_text, run
from tests.hostile import HUGE, LONG, raw

# --- arguments: numbers, lengths, searches that match everything ---------------------------------


@pytest.mark.parametrize(("typed", "means"), [("²", "2"), ("①", "1"), ("¹²", "12")])
def test_other_digits_are_no_paragraph_numbers(typed: str, means: str) -> None:
    # Only 0-9 make a number; '²' is then looked up by name, folded as every name is (NFKD makes
    # it '2', as `kl values ²` finds value 2), never handed to int().
    result = run("statutes", typed, "-f", "plain")
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert result.stdout == run("statutes", means, "-f", "plain").stdout


@pytest.mark.parametrize("typed", [HUGE, "1-" + HUGE])
def test_unknown_paragraph_numbers_are_not_found(typed: str) -> None:
    result = run("statutes", typed)
    assert_error(result, 1, "kl: error: no statute paragraph ")
    assert len(result.stderr) < 1200, len(result.stderr)


def test_a_paragraph_range_with_a_huge_bound_is_no_crash(tmp_path: Path) -> None:
    data = kb_data()
    paragraphs = data["statutes"]["paragraphs"]
    paragraphs.append({**copy.deepcopy(paragraphs[0]), "id": "1-" + HUGE})
    path = tmp_path / "huge.yaml"
    path.write_text(kb_text(data), encoding="utf-8")
    result = run("--data", str(path), "statutes", "7", "-f", "plain")
    assert_error(result, 1, "kl: error: § 7 is not in this knowledge base; it covers: 1,")


NUMERIC = [
    (["statutes", "amendment", "--delegates"], 1),
    (["statutes", "amendment", "--delegates", "98", "--votes-for"], 0),
    (["statutes", "delegates", "--population", "40500", "--council-seats"], 1),
    (["search", "kl", "--limit"], 1),
]


@pytest.mark.parametrize(
    ("args", "low"), NUMERIC, ids=lambda a: a[-1] if isinstance(a, list) else ""
)
@pytest.mark.parametrize(
    ("value", "message"),
    [("²", "'²' is not a whole number (use the digits 0-9)"),
     ("٣", "'٣' is not a whole number (use the digits 0-9)"),
     ("1_000", "'1_000' is not a whole number"), ("+3", "'+3' is not a whole number"),
     ("-1", "'-1' is not a whole number"), (HUGE, "has more than 9 digits"),
     ("1" + "0" * 9, "'1000000000' has more than 9 digits")],
    ids=["superscript", "arabic-indic", "underscore", "plus", "minus", "5000-digits", "ten-digits"],
)  # fmt: skip
def test_numeric_options_take_digits_0_to_9_and_at_most_nine(
    args: list[str], low: int, value: str, message: str
) -> None:
    result = run(*args, value)
    assert_error(result, 2, message)
    assert len(result.stderr) < 1500, len(result.stderr)
    below = run(*args, str(low - 1)) if low else None
    if below is not None:
        assert_error(below, 2, f"{low - 1} is less than {low}")
    assert run(*args, f"00{low + 2}", "-f", "plain").exit_code == 0  # leading zeros are digits
    # past int()'s 4,300-digit limit only in zeros: a number, not an internal error
    assert run(*args, "0" * 5000 + str(low + 2), "-f", "plain").exit_code == 0


def test_population_is_bounded_before_it_is_a_number() -> None:
    result = run("statutes", "delegates", "--population", HUGE, "-f", "plain")
    assert_error(result, 2, "--population must be between 1 and 100000000; got a number of 5000")
    assert len(result.stderr) < 1500
    # leading zeros do not count against the bound
    assert run("statutes", "delegates", "--population", "0" * 40 + "7").exit_code == 0
    assert run("statutes", "delegates", "--population", "0" * 5000 + "7").exit_code == 0


@pytest.mark.parametrize("terms", [["\u0301"], ["\u0301 \u0308"], ["kl", "\u0308"]])
def test_a_search_term_that_folds_to_nothing_is_a_usage_error(terms: list[str]) -> None:
    # Combining accents alone fold to nothing, and nothing occurs in every text.
    result = run("search", *terms)
    assert_error(result, 2, "has no letter, digit or sign to search for")


@pytest.mark.parametrize(
    ("args", "code"),
    [(["bodies", LONG], 1), ([LONG], 2), (["--" + LONG], 2), (["values", "--lang", LONG], 2),
     (["values", "1", LONG], 2), (["statutes", LONG], 1), (["-f", LONG], 2),
     (["bodies", "\U000e0041" * 20_000], 1), (["statutes", "amendment", "--delegates", LONG], 2)],
    ids=["lookup", "command", "option", "choice", "extra", "paragraph", "format", "tag-characters",
         "number"],
)  # fmt: skip
def test_an_error_echoing_a_huge_argument_cuts_it(args: list[str], code: int) -> None:
    result = run(*args)
    assert result.exit_code == code, result.stderr[:300]
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr) < 1500, len(result.stderr)
    if code == 1:
        assert result.stderr.startswith("kl: error: ") and result.stderr.count("\n") == 1
    assert raw(result.stderr.replace("\n", "")) is None


def test_long_errors_keep_their_start_and_end() -> None:
    result = run("bodies", "a" * 600 + "b" * 5000 + "c" * 600)
    line = result.stderr
    assert line.startswith("kl: error: no body 'aaaa") and "characters cut)…" in line
    assert line.rstrip("\n").endswith("kkr") and "c" * 100 in line
