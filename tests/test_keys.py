"""Every value a script may select has a key that is the same in every language (issue 11).

The main guard: for every command with JSON output, `--lang da` and `--lang en` give the same
keys and the same values but for text, and the same plain lines but for their trailing text
fields, run on a knowledge base in which every English text differs from its Danish one (so
that text the bundled knowledge base happens to share, such as "KKR Hovedstaden", cannot hide
a language-dependent field). "Text" is defined by TEXT_KEYS, which the README states.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from kl_cli.core.models import Lang
from kl_cli.present import shapes
from kl_cli.store.load import load_bundled
from kl_cli.store.schema import ID_RE
from tests.conftest import ROOT, kb_data, kb_text, run, write_kb

# The keys whose string values are in the selected language; nothing else may differ.
TEXT_KEYS = frozenset(
    {
        "text",
        "title",
        "name",
        "label",
        "heading",
        "value",
        "statement",
        "items",
        "behaviours",
        "list_heading",
        "behaviour_heading",
        "shows",
        "note",
        "role_label",
        "body_name",
        "unit_name",
        "what",
    }
)

KB = load_bundled()


def _commands() -> list[list[str]]:
    """Every command that has JSON output, each entry of each kind, in every variant."""
    return [
        [],
        ["about"],
        ["values"],
        *(["values", str(v.number)] for v in KB.values),
        ["leadership"],
        *(["leadership", v.id] for v in KB.values),
        ["bodies"],
        *(["bodies", b.id] for b in KB.bodies),
        ["statutes"],
        *(["statutes", p.id] for p in KB.statutes.paragraphs),
        ["statutes", "amendment"],
        ["statutes", "amendment", "--delegates", "98"],
        ["statutes", "amendment", "--delegates", "98", "--votes-for", "66"],
        ["statutes", "amendment", "--delegates", "98", "--votes-for", "65"],
        ["statutes", "delegates", "--population", "40500"],
        ["statutes", "delegates", "--population", "340000", "--council-seats", "31"],
        ["services"],
        ["international"],
        ["sources"],
        ["org"],
        ["search", "bestyrelse", "--limit", "100"],  # Danish text only
        ["search", "executive", "committee", "--limit", "100"],  # English text only
        ["export", "-f", "json"],
        ["validate", "--json"],
    ]


COMMANDS = _commands()


def _english_differs(data: Any) -> Any:
    """Every Text ({da, en}) of the knowledge base with an English that is not its Danish."""
    if isinstance(data, dict):
        if set(data) == {"da", "en"} and all(isinstance(v, str) for v in data.values()):
            return {"da": data["da"], "en": data["en"] + " (en)"}
        return {k: _english_differs(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_english_differs(x) for x in data]
    return data


@pytest.fixture(scope="module")
def distinct_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kb(tmp_path_factory.mktemp("kb") / "distinct.yaml", _english_differs(kb_data()))


def _output(kb: Path, args: list[str], fmt: str, lang: Lang) -> str:
    fmt_args = [] if ("-f" in args or "--json" in args) else ["-f", fmt]
    result = run("--data", str(kb), *args, *fmt_args, "--lang", lang)
    assert result.exit_code == 0, (args, result.stderr)
    assert result.stderr == ""
    return result.stdout


def _differences(da: Any, en: Any, path: str = "") -> list[str]:
    """Where the two documents differ other than in text (keys, types, non-text values)."""
    if isinstance(da, dict) and isinstance(en, dict):
        if list(da) != list(en):
            return [f"{path}: keys {list(da)} != {list(en)}"]
        out = []
        for key in da:
            if key in TEXT_KEYS and _is_text(da[key]) and _is_text(en[key]):
                continue
            out += _differences(da[key], en[key], f"{path}.{key}")
        return out
    if isinstance(da, list) and isinstance(en, list):
        if len(da) != len(en):
            return [f"{path}: {len(da)} items != {len(en)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(da, en, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    if type(da) is not type(en) or da != en:
        return [f"{path}: {da!r} != {en!r}"]
    return []


def _unnamed_entries(data: Any, path: str = "") -> list[str]:
    """Entries of a list that have a name, title or label in words but no id to select them by
    (a relation's id is its subject, relation and object; a post's its person, body and role;
    a unit's holders' their unit)."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _unnamed_entries(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, x in enumerate(data):
            if isinstance(x, dict) and any(isinstance(x.get(k), str) for k in NAMED):
                if "id" not in x and not any(keys <= set(x) for keys in COMPOSITE_IDS):
                    out.append(f"{path}[{i}]: {sorted(x)}")
            out += _unnamed_entries(x, f"{path}[{i}]")
    return out


NAMED = ("name", "title", "label")
COMPOSITE_IDS = ({"subject", "relation", "object"}, {"person", "body", "role"}, {"unit"})


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(x, str) for x in value)
    )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_json_is_the_same_in_both_languages_but_for_text(
    distinct_kb: Path, args: list[str]
) -> None:
    da, en = (json.loads(_output(distinct_kb, args, "json", lang)) for lang in ("da", "en"))
    if args[:1] != ["export"]:  # the knowledge base itself has both languages, and no `lang`
        assert (da.pop("lang"), en.pop("lang")) == ("da", "en")
    assert _differences(da, en) == []
    assert _unnamed_entries(da) == []


@pytest.mark.parametrize(
    "args",
    [a for a in COMMANDS if a[:1] not in (["export"], ["validate"])],  # these have no plain
    ids=lambda a: " ".join(a) or "(none)",
)
def test_plain_is_the_same_in_both_languages_but_for_its_trailing_text(
    distinct_kb: Path, args: list[str]
) -> None:
    """Each plain line: its key and language-independent fields first, text last."""
    da, en = (_output(distinct_kb, args, "plain", lang).splitlines() for lang in ("da", "en"))
    assert len(da) == len(en)
    for a, b in zip(da, en, strict=True):
        fa, fb = a.split("\t"), b.split("\t")
        assert len(fa) == len(fb) and fa[0] == fb[0], (a, b)
        differ = [i for i, (x, y) in enumerate(zip(fa, fb, strict=True)) if x != y]
        if differ:  # once a field is text, so is every field after it
            assert differ == list(range(differ[0], len(fa))), (a, b)


def test_the_readme_names_the_text_keys() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("**Text and keys.**"))
    named = set(re.findall(r"`([a-z_]+)`", paragraph.split(".", 2)[1]))
    assert named == TEXT_KEYS, named ^ TEXT_KEYS


def test_a_found_text_names_its_language_in_the_command_whatever_lang_is() -> None:
    for query in (["bestyrelse"], ["agenda"]):
        hits = {
            lang: json.loads(run("search", *query, "--json", "--lang", lang).stdout)["hits"]
            for lang in ("da", "en")
        }
        assert [h["command"] for h in hits["da"]] == [h["command"] for h in hits["en"]]
        for h in hits["da"]:
            assert h["command"].endswith(f" --lang {h['lang']}"), h
    # people are not shown the --lang they are reading; scripts get the exact command
    rich = run("search", "kommunekontaktråd", "-f", "rich").stdout
    assert "kl bodies kkr" in rich and "--lang" not in rich
    plain = run("search", "kommunekontaktråd", "-f", "plain").stdout
    assert plain.startswith("body\tkkr\tkl bodies kkr --lang da\t")
    # a text found in both languages is shown in the selected one: the same hits, in order
    both = {
        lang: json.loads(run("search", "kkr", "--json", "-n", "100", "--lang", lang).stdout)
        for lang in ("da", "en")
    }
    same = [(h["kind"], h["id"], h["field"], h["rank"]) for h in both["da"]["hits"]]
    assert same == [(h["kind"], h["id"], h["field"], h["rank"]) for h in both["en"]["hits"]]
    assert {h["lang"] for h in both["da"]["hits"]} == {"da"}
    assert {h["lang"] for h in both["en"]["hits"]} == {"en"}


# --- the fixed points, one by one ----------------------------------------------------------------


def _keys(shape: Any) -> tuple[set[str], set[str]]:
    """A TypedDict's required and allowed keys (shapes.py's annotations are strings, which
    __required_keys__ does not look into before Python 3.12)."""
    hints = typing.get_type_hints(shape, include_extras=True)
    optional = {k for k, tp in hints.items() if typing.get_origin(tp) is typing.NotRequired}
    return set(hints) - optional, set(hints)


def _fits(item: dict[str, Any], shape: Any) -> None:
    required, allowed = _keys(shape)
    assert required <= set(item) <= allowed, (sorted(item), shape.__name__)


def test_counts_carry_an_id_a_value_and_a_unit_beside_their_label() -> None:
    counts = {
        lang: json.loads(run("bodies", "udvalg", "--json", "--lang", lang).stdout)["body"]["counts"]
        for lang in ("da", "en")
    }
    picked = [(c["id"], c["value"], c["unit"]) for c in counts["da"]]
    assert picked == [
        ("committees", 6, "committee"),
        ("committees", 8, "committee"),
        ("members_per_committee", 9, "member"),
    ]
    assert picked == [(c["id"], c["value"], c["unit"]) for c in counts["en"]]
    assert [c["label"] for c in counts["da"]][0] == "udvalg"
    assert [c["label"] for c in counts["en"]][0] == "Sub-Committees"
    for c in counts["da"]:
        _fits(c, shapes.CountData)
    plain = run("bodies", "udvalg", "-f", "plain", "--lang", "en").stdout
    assert "count\tcommittees\t8\tcommittee\t2018–2026\tSub-Committees\n" in plain


def test_every_count_of_the_bundled_knowledge_base_has_well_formed_keys() -> None:
    counts = [c for b in KB.bodies for c in b.counts]
    assert counts and all(ID_RE.match(c.id) and ID_RE.match(c.unit) for c in counts)


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("id", "Sub Committees", "id 'Sub Committees' must be lowercase ASCII"),
        ("unit", "Udvalg", "unit 'Udvalg' must be lowercase ASCII"),
    ],
)
def test_a_count_key_that_is_not_an_id_is_a_problem(
    tmp_path: Path, field: str, bad: str, message: str
) -> None:
    data = kb_data()
    i = next(i for i, b in enumerate(data["bodies"]) if b.get("counts"))
    data["bodies"][i]["counts"][0][field] = bad
    path = tmp_path / "kb.yaml"
    path.write_text(kb_text(data), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 65 and "Traceback" not in result.stderr
    assert f": bodies[{i}].counts[0].{field}: {message}" in result.stdout, result.stdout


def test_a_count_without_an_id_is_a_problem(tmp_path: Path) -> None:
    data = kb_data()
    i = next(i for i, b in enumerate(data["bodies"]) if b.get("counts"))
    del data["bodies"][i]["counts"][0]["id"]
    path = tmp_path / "kb.yaml"
    path.write_text(kb_text(data), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 65 and "Traceback" not in result.stderr
    assert f": bodies[{i}].counts[0].id: missing required key" in result.stdout


def test_relations_carry_their_relation_id_and_the_target_id() -> None:
    body = json.loads(run("bodies", "bestyrelse", "--json").stdout)["body"]
    by_target = {(r["relation"], r["target"]): r for r in body["relations"]}
    elected = by_target["elects", "delegeretmoede"]  # seen from the bestyrelse: elected by
    assert (elected["subject"], elected["object"]) == ("delegeretmoede", "bestyrelse")
    assert elected["text"] == "vælges af: Delegeretmøde"
    assert by_target["elects", "formand"]["subject"] == "bestyrelse"
    for r in body["relations"]:
        assert r["target"] in (r["subject"], r["object"]) and r["target"] != "bestyrelse"
        _fits(r, shapes.RelationData)
    # plain: one field per value, ids first, the phrase last
    for lang, phrase in (
        ("da", "vælges af: Delegeretmøde"),
        ("en", "elected by: General Assembly"),
    ):
        plain = run("bodies", "bestyrelse", "-f", "plain", "--lang", lang).stdout.splitlines()
        assert f"relation\tdelegeretmoede\telects\tbestyrelse\t{phrase}" in plain


def test_units_carry_their_id_and_number_before_their_name() -> None:
    for u in json.loads(run("bodies", "kkr", "--json").stdout)["body"]["units"]:
        _fits(u, shapes.UnitData)
    assert "unit\tsjaelland\t17\tKKR Sjælland\n" in run("bodies", "kkr", "-f", "plain").stdout


def test_a_bodys_paragraphs_are_ids_one_field_each_in_plain() -> None:
    lines = run("bodies", "bestyrelse", "-f", "plain").stdout.splitlines()
    assert "paragraphs\t1.3\t2\t2.2\t5.8\t6\t6.2\tkontingent" in lines


@pytest.mark.parametrize(
    ("args", "key", "json_path", "expected"),
    [
        (["amendment", "--delegates", "98", "--votes-for", "66"], "adopted", "adopted", True),
        (["amendment", "--delegates", "98", "--votes-for", "65"], "adopted", "adopted", False),
        (
            ["delegates", "--population", "340000", "--council-seats", "31"],
            "cap_applied",
            "cap_applied",
            True,
        ),
        (
            ["delegates", "--population", "40500", "--council-seats", "31"],
            "cap_applied",
            "cap_applied",
            False,
        ),
    ],
)
def test_booleans_are_json_booleans_and_yes_or_no_in_plain_in_every_language(
    args: list[str], key: str, json_path: str, expected: bool
) -> None:
    token = "yes" if expected else "no"
    for lang in ("da", "en"):
        data = json.loads(run("statutes", *args, "--json", "--lang", lang).stdout)
        assert data[json_path] is expected
        lines = run("statutes", *args, "-f", "plain", "--lang", lang).stdout.splitlines()
        assert [line for line in lines if line.startswith(f"{key}\t")] == [f"{key}\t{token}"]
    rich = run("statutes", *args, "-f", "rich", "--lang", "da").stdout
    assert ("ja" if expected else "nej") in rich  # people read their own language


def test_an_amendment_vote_shows_the_votes_for_on_their_own_line() -> None:
    args = ["statutes", "amendment", "--delegates", "98", "--votes-for", "70", "-f", "plain"]
    assert "votes_for\t70\nadopted\tyes\n" in run(*args).stdout


def test_the_overview_value_lines_carry_the_value_id() -> None:
    for lang in ("da", "en"):
        lines = run("-f", "plain", "--lang", lang).stdout.splitlines()
        values = [line.split("\t")[:3] for line in lines if line.startswith("value\t")]
        assert values == [["value", v.id, str(v.number)] for v in KB.values]


def test_sources_put_the_url_before_the_title_in_plain() -> None:
    lines = run("sources", "-f", "plain").stdout.splitlines()
    assert "source\tkl-om-kkr\thttps://www.kl.dk/politik/kkr/om-kkr\tOm KKR (kl.dk)" in lines
    assert (
        "source\tseed\thttps://www.kl.dk/om-kl/praesentation-af-kl/\tKL's organisation (kl.dk)"
        in lines
    )


def test_output_schema_version_is_2() -> None:
    for args in (["values", "--json"], ["validate", "--json"], ["bodies", "-f", "yaml"]):
        result = run(*args)
        first = result.stdout.splitlines()[1 if args[-1] == "--json" else 0]
        assert first.strip() in ('"schema_version": 2,', "schema_version: 2"), first
