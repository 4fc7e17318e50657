"""Lookup by id, number or name, folded: exact beats prefix, an ambiguous prefix lists the
candidates, a near miss gets "did you mean" with the closest 1-3 - in every command that takes
an id, and in every format."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kl_cli.core.folding import foldings
from kl_cli.core.kinds import kind as kind_of
from kl_cli.core.lookup import find_body, find_paragraph, find_value
from kl_cli.core.models import KnowledgeBase
from kl_cli.errors import LookupFailed
from kl_cli.store.load import load_bundled
from tests.conftest import assert_error, run

KB = load_bundled()
FORMATS = ("rich", "plain", "json", "yaml", "markdown")


def _spellings(name: str) -> set[str]:
    """A name as people type it: as written, lower, upper, and both foldings."""
    return {name, name.lower(), name.upper(), *foldings(name), foldings(name)[0].upper()}


# --- the done-when commands, in every format -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_bodies_executive_committee_in_every_format(fmt: str, lang: str) -> None:
    result = run("bodies", "executive committee", "-f", fmt, "--lang", lang)
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    name = "Executive Committee" if lang == "en" else "Bestyrelse"
    if fmt == "json":
        body = json.loads(out)["body"]
        assert (body["id"], body["name"]) == ("bestyrelse", name)
    elif fmt == "yaml":
        body = yaml.safe_load(out)["body"]
        assert (body["id"], body["name"]) == ("bestyrelse", name)
    elif fmt == "plain":
        assert out.startswith(f"id\tbestyrelse\nname\t{name}\n")
    elif fmt == "markdown":
        assert out.startswith(f"# {name}\n")
    else:
        assert out.startswith(name) and "bestyrelse" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_bodies_typo_says_did_you_mean_in_every_format(fmt: str) -> None:
    result = run("bodies", "bestyrlse", "-f", fmt)
    assert_error(result, 1, "kl: error: no body 'bestyrlse'; did you mean 'bestyrelse'?")


# --- every name of everything resolves to it -----------------------------------------------------


def _named(name: str) -> list[tuple[Any, list[str]]]:
    """Every entry of a kind with its names (id first)."""
    names = kind_of(name).names
    assert names is not None, name
    return [(e, names(e)) for e in kind_of(name).entries(KB)]


FINDERS: list[tuple[str, Callable[[KnowledgeBase, str], Any], list[tuple[Any, list[str]]]]] = [
    (name, finder, _named(name))
    for name, finder in (("value", find_value), ("body", find_body), ("paragraph", find_paragraph))
]
NAMED = [
    (kind, find, item, spelling)
    for kind, find, table in FINDERS
    for item, names in table
    for name in names
    for spelling in sorted(_spellings(name))
]


@pytest.mark.parametrize(
    ("kind", "find", "item", "spelling"),
    NAMED,
    ids=[f"{kind}:{spelling}" for kind, _, _, spelling in NAMED],
)
def test_every_id_number_and_name_in_any_spelling_finds_its_own(
    kind: str, find: Callable[[KnowledgeBase, str], Any], item: Any, spelling: str
) -> None:
    assert find(KB, spelling) is item


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["values", "2"], ("value", "resultater")),
        (["values", "Vi arbejder troværdigt for resultater"], ("value", "resultater")),
        (["values", "vi arbejder trovaerdigt"], ("value", "resultater")),
        (["values", "We work credibly for results"], ("value", "resultater")),
        (["values", "VI REPRASENTERER"], ("value", "kommunerne")),
        (["bodies", "REPRÆSENTANTSKAB"], ("body", "repraesentantskab")),
        (["bodies", "reprasentantskab"], ("body", "repraesentantskab")),
        (["bodies", "kommunekontaktrad"], ("body", "kkr")),
        (["bodies", "board"], ("body", "bestyrelse")),
        (["bodies", "vice chairman"], ("body", "formand")),
        (["bodies", "general assem"], ("body", "delegeretmoede")),
        (["statutes", "formål"], ("paragraph", "1")),
        (["statutes", "Membership fee"], ("paragraph", "kontingent")),
        (["statutes", "valgdelegeretmode"], ("paragraph", "6.2")),
        (["statutes", "§ 2 stk 2"], ("paragraph", "2.2")),
    ],
)
def test_lookup_by_name_from_the_command_line(args: list[str], expected: tuple[str, str]) -> None:
    data = json.loads(run(*args, "--json").stdout)
    assert data[expected[0]]["id"] == expected[1]


@pytest.mark.parametrize("query", ["1", "dagsordenen", "Vi søger proaktivt", "we proactively"])
def test_leadership_takes_the_same_names(query: str) -> None:
    data = json.loads(run("leadership", query, "--json").stdout)
    assert [g["id"] for g in data["groups"]] == ["dagsordenen"]


# --- exact beats prefix; ambiguous prefixes; did you mean ----------------------------------------


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["bodies", "formand"], "formand"),  # not formandskab
        (["bodies", "formandsk"], "formandskab"),
        (["statutes", "6"], "6"),  # not 6.2
        (["statutes", "1"], "1"),  # not 1.3
        (["statutes", "Kontingent"], "kontingent"),
    ],
)
def test_an_exact_name_beats_a_prefix(args: list[str], found: str) -> None:
    data = json.loads(run(*args, "--json").stdout)
    assert data[{"bodies": "body", "statutes": "paragraph"}[args[0]]]["id"] == found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bodies", "form"], "body 'form' is ambiguous: it could be 'formand' or 'formandskab'"),
        (["values", "vi"], "it could be 'dagsordenen', 'resultater' or 'kommunerne'"),
        (["leadership", "VI"], "value 'VI' is ambiguous"),
        (["statutes", "re"], "it could be '12-13' or 'regnskab'"),
    ],
)
def test_an_ambiguous_prefix_lists_the_candidates(args: list[str], message: str) -> None:
    assert_error(run(*args), 1, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bodies", "bestyrlse"], "did you mean 'bestyrelse'?"),
        (["bodies", "formandskabet"], "did you mean 'formandskab' or 'formand'?"),
        (["bodies", "kommunekontaktrod"], "did you mean 'kkr'?"),
        (["values", "resultatr"], "did you mean 'resultater'?"),
        (["leadership", "komunerne"], "did you mean 'kommunerne'?"),
        (["statutes", "kontingnet"], "did you mean 'kontingent'?"),
        (["statutes", "regnskb"], "did you mean 'regnskab'?"),
    ],
)
def test_a_near_miss_gets_did_you_mean(args: list[str], message: str) -> None:
    assert_error(run(*args), 1, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bodies", "xyzzy"], "no body 'xyzzy'; choose one of: delegeretmoede, bestyrelse,"),
        (["bodies", ""], "no body ''; choose one of: delegeretmoede"),
        (["values", "   "], "no value '   '; choose one of: dagsordenen, resultater, kommunerne"),
        (["values", "4"], "no value '4'; choose one of"),
        (["statutes", "99"], "§ 99 is not in this knowledge base; it covers: 1, 1.3, 2,"),
    ],
)
def test_nothing_close_lists_the_choices(args: list[str], message: str) -> None:
    assert_error(run(*args), 1, message)


@settings(max_examples=200, deadline=None)
@given(
    body=st.sampled_from(KB.bodies),
    cut=st.integers(min_value=1, max_value=20),
)
def test_a_body_id_with_a_letter_missing_is_found_or_suggested(body: Any, cut: int) -> None:
    """Any one-letter typo of an id ends in that body, or names it among at most 3."""
    i = cut % len(body.id)
    typo = body.id[:i] + body.id[i + 1 :]
    try:
        found = find_body(KB, typo)
    except LookupFailed as e:
        assert e.candidates and len(e.candidates) <= 3 or "ambiguous" in e.message
        assert body.id in e.candidates
    else:
        assert found is body or found.id.startswith(typo)
