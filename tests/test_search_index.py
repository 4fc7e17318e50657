"""The search index: the cached form searches exactly like a fresh one, and is checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kl_cli.core.folding import fold, foldings
from kl_cli.core.models import Lang, Text
from kl_cli.core.search import SearchIndex, build_index, search
from kl_cli.errors import LookupFailed
from kl_cli.store.index import index_from_json, index_to_json
from kl_cli.store.load import load_bundled
from tests.conftest import ROOT, run

QUERIES = (
    ["kommunekontaktraad"],
    ["KOMMUNEKONTAKTRAD"],
    ["agenda"],
    ["frihedsgrader", "uddelegere"],
    ["sætte dagsordenen"],
    ["bestyrelse"],
    ["2/3"],
)


def _hits(index: SearchIndex, query: list[str], lang: Lang) -> list[tuple[str, str, str, str]]:
    return [(h.entry.kind, h.entry.id, h.command, h.snippet) for h in search(index, query, lang)]


@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_cached_index_searches_like_a_fresh_one(query: list[str], lang: Lang) -> None:
    fresh = build_index(load_bundled())
    cached = index_from_json(index_to_json(fresh))
    assert _hits(cached, query, lang) == _hits(fresh, query, lang)
    assert [h.spans for h in search(cached, query, "da")] == [
        h.spans for h in search(fresh, query, "da")
    ]


def test_no_match_is_the_same_error_from_a_cached_index() -> None:
    fresh = build_index(load_bundled())
    cached = index_from_json(index_to_json(fresh))
    messages = []
    for index in (fresh, cached):
        with pytest.raises(LookupFailed) as info:
            search(index, ["bestyrlse"], "da")
        messages.append(info.value.message)
    assert messages[0] == messages[1] and "bestyrelse" in messages[0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(format=99),
        lambda d: d["texts"].__setitem__(0, 7),
        lambda d: d["long"].__setitem__(1, None),
        lambda d: d["long"].pop(),
        lambda d: d["rows"].__setitem__(0, ["x"]),
        lambda d: d["texts"].__setitem__(0, "a\x00b"),
        lambda d: d.pop("short"),
    ],
)
def test_a_damaged_index_is_refused(damage: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads(index_to_json(build_index(load_bundled())))
    damage(data)
    with pytest.raises((ValueError, TypeError, KeyError)):
        index_from_json(json.dumps(data))


_WORDS = st.sampled_from(["bestyrelse", "kommune", "råd", "ærø", "Øst", "aa", "a", "KKR", " ", "é"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=5).map("".join), min_size=1, max_size=6), _WORDS)
def test_containing_finds_exactly_the_texts_that_contain_the_query(
    texts: list[str], word: str
) -> None:
    rows = [("value", "x", "title", 0, "kl values", ())] * ((len(texts) + 1) // 2)
    texts = texts + [""] * (2 * len(rows) - len(texts))
    index = SearchIndex(
        rows, texts, [fold(t, True) for t in texts], [fold(t, False) for t in texts], ()
    )
    qs = foldings(word)
    naive = {k for k, t in enumerate(texts) if any(q in f for q in qs for f in foldings(t))}
    assert index.containing(qs) == naive


def test_search_with_data_uses_and_survives_its_cached_index(
    tmp_path: Path, isolated_env: Path
) -> None:
    kb = tmp_path / "kb.yaml"
    kb.write_bytes((ROOT / "data" / "kl.yaml").read_bytes())
    first = run("--data", str(kb), "search", "bestyrelse", "-f", "plain")
    assert first.exit_code == 0, first.stderr
    index_files = list((isolated_env / "kl").glob("*.search.json"))
    assert len(index_files) == 1
    assert run("--data", str(kb), "search", "bestyrelse", "-f", "plain").stdout == first.stdout
    index_files[0].write_text('{"format": 1, "rows": [', encoding="utf-8")  # corrupt it
    again = run("--data", str(kb), "search", "bestyrelse", "-f", "plain")
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert first.stdout == run("search", "bestyrelse", "-f", "plain").stdout


def test_index_text_is_the_knowledge_base_text() -> None:
    index = build_index(load_bundled())
    assert index.entry(0).text == Text(index.texts[0], index.texts[1])
