"""`kl search`: folding both ways, all words in any order, phrases, ranking, snippets with exact
match offsets, every format, and the closest words when nothing matches."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kl_cli.core.folding import fold, fold_map, foldings
from kl_cli.core.models import KnowledgeBase, Lang, Text
from kl_cli.core.record import Record, fields
from kl_cli.core.search import RANKS, SNIPPET, entries, make_snippet, search
from kl_cli.errors import LookupFailed
from kl_cli.store.load import load_bundled
from tests.conftest import ROOT, assert_error, check_golden, kb_data, kb_text, run, widest_line

FORMATS = ("rich", "plain", "json", "yaml", "markdown")
DONE_WHEN = (
    ["kommunekontaktraad"],
    ["KOMMUNEKONTAKTRAD"],
    ["agenda"],
    ["deadlines"],
    ["frihedsgrader", "uddelegere"],
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_bundled()


def hits_json(*args: str) -> dict[str, Any]:
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def folds_to(text: str, term: str) -> bool:
    """`text` folds (either way) to exactly one folding of `term`."""
    return bool(set(foldings(text)) & set(foldings(term)))


# --- folding with offsets ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_map_is_fold_with_a_map_back_to_the_original(text: str) -> None:
    for long in (True, False):
        folded, where = fold_map(text, long)
        assert folded == fold(text, long)
        assert len(where) == len(folded)
        assert where == sorted(where)
        assert all(0 <= i < len(text) for i in where)


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Øst for Ærø og Åbenrå", "aeroe", "Ærø"),
        ("Øst for Ærø og Åbenrå", "aro", "Ærø"),
        ("Øst for Ærø og Åbenrå", "ABENRAA", "Åbenrå"),
        ("Øst for Ærø og Åbenrå", "oest", "Øst"),
        ("to  mødestruktur\ti KL", "modestruktur i", "mødestruktur\ti"),
        ("Ka\u030arsten sagde", "kaarsten", "Ka\u030arsten"),  # decomposed å, ring kept
        ("Ka\u030arsten sagde", "karsten", "Ka\u030arsten"),
        ("KL’s love", "kl's", "KL’s"),
        ("Straße", "strasse", "Straße"),
    ],
)
def test_a_folded_match_maps_back_to_the_original_characters(
    text: str, query: str, expected: str
) -> None:
    hits = []
    for long in (True, False):
        folded, where = fold_map(text, long)
        for q in foldings(query):
            pos = folded.find(q)
            if pos >= 0:
                start, end = where[pos], where[pos + len(q) - 1] + 1
                while end < len(text) and text[end] == "\u030a":
                    end += 1
                hits.append(text[start:end])
    assert hits and set(hits) == {expected}


def test_snippet_spans_are_code_points_into_the_snippet() -> None:
    text = "Æ" * 50 + " før " + "mødestruktur" + " og så videre" * 10
    start = text.index("mødestruktur")
    snippet, spans = make_snippet(text, [(start, start + 12)])
    assert len(snippet) <= SNIPPET
    assert snippet.startswith("…") and snippet.endswith("…")
    assert [snippet[a:b] for a, b in spans] == ["mødestruktur"]


@pytest.mark.parametrize("where", [0, 30, 200, 388])
def test_snippets_keep_the_match_wherever_it_is(where: int) -> None:
    words = [f"w{i:03d}" for i in range(100)]
    text = " ".join(words)  # 399 characters
    word = text[where : where + 4]
    a = text.index(word)
    snippet, spans = make_snippet(text, [(a, a + 4)])
    assert len(snippet) <= SNIPPET
    assert [snippet[x:y] for x, y in spans] == [word]
    assert snippet.startswith("…") == (not text.startswith(snippet.rstrip("…")))


def test_a_match_longer_than_a_line_is_the_whole_snippet() -> None:
    text = "a " * 20 + "x" * 100 + " b" * 20
    a = text.index("x")
    snippet, spans = make_snippet(text, [(a, a + 100)])
    assert snippet == "…" + "x" * 100 + "…"
    assert spans == ((1, 101),)


# --- what the index holds ------------------------------------------------------------------------


def _texts(node: Any) -> list[str]:
    """Every Text of a knowledge base, both languages, found by walking the records."""
    if isinstance(node, Text):
        return [node.da, node.en]
    if isinstance(node, tuple):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, Record):
        return [t for name in fields(node) for t in _texts(getattr(node, name))]
    return []


def test_every_text_of_the_knowledge_base_is_indexed_in_both_languages(kb: KnowledgeBase) -> None:
    indexed = [t for e in entries(kb) for t in (e.text.da, e.text.en)]
    every = _texts(kb) + [a for b in kb.bodies for a in b.aliases] + [kb.about.long_name]
    missing = [t for t in every if not any(" ".join(t.split()) in i for i in indexed)]
    assert not missing


def test_every_indexed_text_is_found_by_searching_for_it(kb: KnowledgeBase) -> None:
    for n, entry in enumerate(entries(kb)):
        lang: Lang = ("da", "en")[n % 2]  # each language for half the texts: enough, and quick
        text = entry.text.get(lang)
        hits = search(kb, [text], lang)
        assert any(h.entry.kind == entry.kind and h.entry.id == entry.id for h in hits), text


def test_each_kind_has_the_command_that_shows_it(kb: KnowledgeBase) -> None:
    commands = {e.command for e in entries(kb)}
    expected = {
        "kl about",
        "kl values 2",
        "kl leadership 3",
        "kl bodies bestyrelse",
        "kl bodies kkr",
        "kl statutes",
        "kl statutes 4",
        "kl statutes 6.2",
        "kl statutes amendment",
        "kl services",
        "kl international",
        "kl sources seed",
        "kl org",
    }
    assert expected <= commands
    for command in commands:  # and each of them runs
        result = run(*command.split()[1:], "-f", "plain")
        assert result.exit_code == 0, (command, result.stderr)


# --- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["kommunekontaktraad", "kommunekontaktrad", "Kommunekontaktråd", "KOMMUNEKONTAKTRÅD",
     "KOMMUNEKONTAKTRAD", "kommunekontaktra\u030ad"],
)  # fmt: skip
def test_every_way_of_typing_aa_finds_kommunekontaktraad(query: str) -> None:
    data = hits_json(query)
    first = data["hits"][0]
    assert (first["kind"], first["id"], first["command"]) == (
        "body",
        "kkr",
        "kl bodies kkr --lang da",
    )
    assert first["rank"] == "name"
    assert data == hits_json("kommunekontaktråd") | {"query": [query]}


def test_oe_and_o_both_find_oe(kb: KnowledgeBase) -> None:
    for query in ("delegeretmoede", "delegeretmode", "DELEGERETMØDE"):
        assert search(kb, [query], "da")[0].entry.id == "delegeretmoede"


def test_agenda_finds_the_first_value_in_english_whatever_the_language() -> None:
    da = hits_json("agenda")["hits"][0]
    assert (da["kind"], da["id"], da["lang"]) == ("value", "dagsordenen", "en")
    assert da["command"] == "kl values 1 --lang en"  # it shows the text that matched
    assert da["snippet"][da["start"] : da["end"]] == "agenda"
    en = hits_json("agenda", "--lang", "en")["hits"][0]
    assert en["command"] == "kl values 1 --lang en"  # the same command in every language


def test_deadlines_finds_the_leadership_behaviour() -> None:
    data = hits_json("deadlines")
    assert data["total"] == 1
    hit = data["hits"][0]
    assert (hit["kind"], hit["id"], hit["command"]) == (
        "behaviour",
        "dagsordenen",
        "kl leadership 1 --lang da",
    )
    assert hit["snippet"] == "fokusere på deadlines."
    assert run("leadership", "1", "-f", "plain").stdout.count("fokusere på deadlines.") == 1


@pytest.mark.parametrize(
    "order", [("frihedsgrader", "uddelegere"), ("uddelegere", "frihedsgrader")]
)
def test_several_words_must_all_match_in_any_order(order: tuple[str, str]) -> None:
    data = hits_json(*order)
    assert data["total"] == 1
    hit = data["hits"][0]
    assert hit["snippet"] == "uddelegere og give individuelle frihedsgrader"
    marked = [hit["snippet"][m["start"] : m["end"]] for m in hit["matches"]]
    assert marked == ["uddelegere", "frihedsgrader"]  # in the snippet's order
    assert (hit["start"], hit["end"]) == (hit["matches"][0]["start"], hit["matches"][0]["end"])


def test_a_quoted_phrase_matches_as_a_phrase() -> None:
    hit = hits_json("sætte dagsordenen")["hits"][0]
    assert hit["snippet"][hit["start"] : hit["end"]] == "sætte dagsordenen"
    assert hits_json("saette   DAGSORDENEN")["hits"][0]["snippet"] == hit["snippet"]
    result = run("search", "dagsordenen sætte")
    assert_error(result, 1, "give them as separate arguments")
    assert hits_json("dagsordenen", "sætte")["total"] >= 1


def test_hits_are_ranked_name_then_item_then_text() -> None:
    data = hits_json("bestyrelse", "--limit", "100")
    ranks = [RANKS.index(h["rank"]) for h in data["hits"]]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3
    first = data["hits"][0]
    assert (first["kind"], first["id"], first["field"]) == ("body", "bestyrelse", "name")
    # a name and its aliases give one hit between them
    names = [h for h in data["hits"] if h["kind"] == "body" and h["rank"] == "name"]
    assert len({h["id"] for h in names}) == len(names)


def test_limit_default_and_bounds() -> None:
    data = hits_json("kl")
    assert data["limit"] == 10 and len(data["hits"]) == 10 and data["total"] > 10
    assert len(hits_json("kl", "--limit", "3")["hits"]) == 3
    assert len(hits_json("kl", "-n", "1000")["hits"]) == data["total"]
    assert run("search", "kl", "--limit", "0").exit_code == 2


def test_every_match_offset_marks_a_folded_query_term() -> None:
    for query in (*DONE_WHEN, ["bestyrelse"], ["Å"], ["ae"], ["sætte dagsordenen"], ["KL's"]):
        for lang in ("da", "en"):
            for hit in hits_json(*query, "--lang", lang, "-n", "500")["hits"]:
                for m in hit["matches"]:
                    marked = hit["snippet"][m["start"] : m["end"]]
                    assert any(folds_to(marked, t) for t in query), (query, hit)
                assert "\n" not in hit["snippet"] and len(hit["snippet"]) <= SNIPPET


# --- no match ------------------------------------------------------------------------------------


def test_a_typo_gets_the_closest_words_of_the_knowledge_base() -> None:
    assert_error(run("search", "bestyrlse"), 1, "no match for 'bestyrlse'; closest words")
    assert "'bestyrelse'" in run("search", "bestyrlse").stderr
    assert "'kommunekontaktråd'" in run("search", "kommunekontaktrod").stderr


def test_no_match_and_nothing_like_it() -> None:
    assert_error(run("search", "qxzqxz"), 1, "no match for 'qxzqxz', and no similar words")


def test_words_that_never_meet_say_so() -> None:
    assert_error(run("search", "kkr", "deadlines"), 1, "no single text matches all of")


def test_no_match_raises_with_the_suggestions(kb: KnowledgeBase) -> None:
    with pytest.raises(LookupFailed) as caught:
        search(kb, ["frihedsgradr"], "da")
    assert "frihedsgrader" in caught.value.candidates


@pytest.mark.parametrize("args", [[], [""], ["   "], ["kl", ""]])
def test_empty_search_text_is_a_usage_error(args: list[str]) -> None:
    result = run("search", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr


# --- every format --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("query", DONE_WHEN, ids=" ".join)
def test_done_when_queries_in_every_format(query: list[str], fmt: str, lang: str) -> None:
    result = run("search", *query, "-f", fmt, "--lang", lang)
    assert result.exit_code == 0 and result.stderr == ""
    data = hits_json(*query, "--lang", lang)
    out = result.stdout
    assert "\x1b" not in out
    if fmt == "plain":
        rows = [line.split("\t") for line in out.splitlines()]
        assert [r[:3] for r in rows] == [[h["kind"], h["id"], h["command"]] for h in data["hits"]]
        assert [r[3] for r in rows] == [h["snippet"] for h in data["hits"]]
    elif fmt == "json":
        assert json.loads(out) == data
    elif fmt == "yaml":
        assert yaml.safe_load(out) == data
    elif fmt == "markdown":
        assert out.startswith("# ")
        for hit in data["hits"]:  # people are not shown the --lang they are reading
            assert f"`{hit['command'].removesuffix(f' --lang {lang}')}`" in out
        assert len(re.findall(r"^\d+\. ", out, re.M)) == len(data["hits"])
        assert out.count("**") >= 2 * len(data["hits"])  # each hit's match in bold
    else:
        for hit in data["hits"]:
            assert hit["command"].removesuffix(f" --lang {lang}") in out
            assert hit["snippet"] in out.replace("\n  ", " ") or len(hit["snippet"]) > 70


def test_rich_marks_the_match_in_bold() -> None:
    result = run("search", "deadlines", "-f", "rich", env={"FORCE_COLOR": "1"})
    assert "\x1b[1mdeadlines\x1b[0m" in result.stdout


def test_markdown_marks_and_escapes() -> None:
    out = run("search", "frihedsgrader", "uddelegere", "-f", "markdown").stdout
    assert "1. `kl leadership 1` (ledelsesadfærd): **uddelegere** og give " in out
    assert "**frihedsgrader**" in out


def test_rich_at_40_columns_wraps_without_losing_words() -> None:
    out = run("search", "kommunekontaktråd", "-f", "rich", env={"COLUMNS": "40"}).stdout
    assert widest_line(out) <= 40
    assert "kl bodies kkr" in out


# --- hostile knowledge-base text -----------------------------------------------------------------

HOSTILE = "Æ\x1b[31m [bold]Mødestruktur[/bold] \u202e og `kode` *stjerne*"


def _hostile_kb(tmp_path: Path) -> str:
    text = (ROOT / "data" / "kl.yaml").read_text(encoding="utf-8")
    old = 'da: "Vi søger proaktivt at sætte dagsordenen"'
    assert old in text
    escaped = HOSTILE.replace("\x1b", "\\e").replace("\u202e", "\\u202e")
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(old, f'da: "{escaped}"'), encoding="utf-8")
    return str(path)


def test_hostile_text_stays_inert_and_the_marks_stay_on_the_match(tmp_path: Path) -> None:
    data = _hostile_kb(tmp_path)
    parsed = hits_json("modestruktur", "--data", data)
    hit = parsed["hits"][0]
    assert hit["snippet"] == HOSTILE  # JSON carries the text itself (escaped by JSON)
    assert hit["snippet"][hit["start"] : hit["end"]] == "Mødestruktur"

    rich = run("search", "modestruktur", "--data", data, "-f", "rich", env={"FORCE_COLOR": "1"})
    assert "\x1b[31m" not in rich.stdout and "\u202e" not in rich.stdout
    assert "\\x1b[31m [bold]\x1b[1mMødestruktur\x1b[0m[/bold] \\u202e og" in rich.stdout

    plain = run("search", "modestruktur", "--data", data, "-f", "plain").stdout
    shown = "Æ\\x1b[31m [bold]Mødestruktur[/bold] \\u202e og `kode` *stjerne*\n"
    assert plain.split("\t")[3] == shown

    md = run("search", "modestruktur", "--data", data, "-f", "markdown").stdout
    assert "\\[bold\\]**Mødestruktur**\\[/bold\\]" in md
    assert "\\`kode\\` \\*stjerne\\*" in md


# --- golden output -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "columns"),
    [
        ("search-kommunekontaktraad.da.rich.txt", ["kommunekontaktraad", "-f", "rich"], "80"),
        ("search-kommunekontaktraad.da.plain.txt", ["kommunekontaktraad", "-f", "plain"], "80"),
        ("search-executive.en.rich40.txt", ["executive", "-f", "rich", "--lang", "en"], "40"),
    ],
)
def test_golden(name: str, args: list[str], columns: str) -> None:
    result = run("search", *args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    check_golden(name, result.stdout)


def test_folding_never_expands_a_text_more_than_max_expansion() -> None:
    from kl_cli.core.folding import MAX_EXPANSION

    for text in ("\ufdfa" * 50, "a\ufdfa b", "\u3300\u33ff", "ﬃ" * 9, "Ærø ﷺ"):
        for long in (True, False):
            folded = fold(text, long)
            assert len(folded) <= MAX_EXPANSION * len(text), (text, len(folded))
            assert fold_map(text, long)[0] == folded  # the offset map agrees
    assert fold("\ufdfa", True) == "\ufdfa"  # kept whole, alone and in a text alike
    assert "\ufdfa" in fold("salla \ufdfa", True)


def test_a_text_of_long_decompositions_is_searchable_by_itself(tmp_path: Path) -> None:
    data = kb_data()
    data["values"][0]["title"] = {"da": "Værdi \ufdfa\ufdfa", "en": "Value \ufdfa\ufdfa"}
    path = tmp_path / "kb.yaml"
    path.write_text(kb_text(data), encoding="utf-8")
    result = run("--data", str(path), "search", "\ufdfa", "-f", "plain")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("value\tdagsordenen\t")


def _fold_map_by_character(text: str, long: bool) -> tuple[str, list[int]]:
    """fold_map as it first was: every character a step of its own (the reference)."""
    from kl_cli.core.folding import _APOSTROPHES, _LONG, _SHORT, _strip_accents

    out: list[str] = []
    where: list[int] = []
    seen, space = False, -1
    for i, ch in enumerate(text):
        c = ch.translate(_APOSTROPHES).casefold()
        if c.isspace():
            if seen and space < 0:
                space = i
            continue
        if space >= 0:
            out.append(" ")
            where.append(space)
            space = -1
        seen = True
        folded = _strip_accents(c.translate(_LONG if long else _SHORT))
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\nabcABC`'’ÆØÅæøåé\u030aßﬁ!~.1")) | st.text())
def test_fold_map_taking_ascii_runs_whole_maps_as_character_by_character(text: str) -> None:
    for long in (True, False):
        assert fold_map(text, long) == _fold_map_by_character(text, long)
