"""Bad input costs a bounded amount of work and output: problems, file reads, search echoes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kl_cli.core import search as search_module
from kl_cli.core.search import search
from kl_cli.errors import LookupFailed
from kl_cli.present.formats import to_yaml
from kl_cli.store import yamlsafe
from kl_cli.store.load import MAX_PROBLEMS, load_search_index
from kl_cli.store.schema import SchemaError, build_kb
from kl_cli.store.yamlsafe import decode, parse
from tests.conftest import assert_error, kb_data, run, write_kb

# Far more problems than are ever listed, yet well inside the 4 MiB / 1M-event caps.
MANY = 200_000


def long_list(path: Path, items: int) -> Path:
    """A file whose every value is wrong: `values:` and then `- v` lines."""
    path.write_text("values:\n" + "- v\n" * items, encoding="utf-8")
    return path


def wide_mapping(path: Path, keys: int) -> Path:
    """A file whose `about` has only unknown keys."""
    path.write_text("about:\n" + "".join(f"  k{i}: v\n" for i in range(keys)), encoding="utf-8")
    return path


def problem_count(path: Path) -> int:
    """How many problems `kl validate` reports for a small file (checked to be all of them)."""
    result = run("validate", str(path))
    lines = result.stdout.splitlines()
    count = len(lines) - 1
    assert count <= MAX_PROBLEMS
    assert lines[-1] == f"{path}: invalid knowledge base, {count} problems"
    return count


# --- 1. a bounded number of problems ----------------------------------------------------------


@pytest.mark.parametrize("make", [long_list, wide_mapping], ids=["list", "mapping"])
def test_validate_lists_the_first_problems_and_says_there_are_more(
    make: Callable[[Path, int], Path], tmp_path: Path
) -> None:
    path = make(tmp_path / "bad.yaml", MANY)
    result = run("validate", str(path))
    assert result.exit_code == 65 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert all(line.startswith(f"{path}:") for line in lines)
    assert lines[-1] == (
        f"{path}: invalid knowledge base, more than {MAX_PROBLEMS} problems; the rest are not shown"
    )
    # the first problems, in file order: the missing keys, then the items from the top
    assert lines[0] == f"{path}:1:1: schema_version: missing required key"
    at = [int(line[len(f"{path}:") :].split(":")[0]) for line in lines[:-1]]
    assert at == sorted(at) and at[-1] <= MAX_PROBLEMS + 1


@pytest.mark.parametrize("make", [long_list, wide_mapping], ids=["list", "mapping"])
def test_data_shows_only_the_first_of_very_many_problems(
    make: Callable[[Path, int], Path], tmp_path: Path
) -> None:
    path = make(tmp_path / "bad.yaml", MANY)
    result = run("--data", str(path), "values")
    assert_error(result, 65, f"kl: error: {path}:")
    first = run("validate", str(path)).stdout.splitlines()[0]
    # not "(and 99 more ...)": there are more than the bound, and validate lists them
    assert result.stderr == f"kl: error: {first} (and more; see 'kl validate {path}')\n"


def test_exactly_the_bound_is_listed_whole_and_one_more_is_not(tmp_path: Path) -> None:
    fixed = problem_count(long_list(tmp_path / "one.yaml", 1)) - 1  # the missing keys
    exact = long_list(tmp_path / "exact.yaml", MAX_PROBLEMS - fixed)
    assert problem_count(exact) == MAX_PROBLEMS
    over = long_list(tmp_path / "over.yaml", MAX_PROBLEMS - fixed + 1)
    lines = run("validate", str(over)).stdout.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1 and "more than" in lines[-1]
    # --data still counts the others while there are few enough to count
    assert_error(
        run("--data", str(exact), "values"),
        65,
        f"(and {MAX_PROBLEMS - 1} more; see 'kl validate {exact}')",
    )


def test_build_kb_stops_at_max_problems(tmp_path: Path) -> None:
    path = long_list(tmp_path / "bad.yaml", 1000)
    tree = parse(decode(path.read_bytes(), str(path)), str(path))
    with pytest.raises(SchemaError) as everything:
        build_kb(tree)
    assert not everything.value.truncated and len(everything.value.problems) > 1000
    for bound in (1, 7):
        with pytest.raises(SchemaError) as bounded:
            build_kb(tree, max_problems=bound)
        assert bounded.value.truncated
        assert bounded.value.problems == everything.value.problems[:bound]


def test_reference_problems_are_located_from_the_tree(tmp_path: Path) -> None:
    data = kb_data()
    data["values"][1]["id"] = data["values"][0]["id"]
    data["bodies"][2]["paragraphs"] = ["999"]
    path = write_kb(tmp_path / "refs.yaml", data)
    text = path.read_text(encoding="utf-8").splitlines()
    result = run("validate", str(path))
    assert result.exit_code == 65
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for key_path, value in (
        ("values[1].id", data["values"][0]["id"]),
        ("bodies[2].paragraphs[0]", "999"),
    ):
        line = next(p for p in lines if f": {key_path}: " in p)
        _, lineno, col, _ = line.split(":", 3)
        assert text[int(lineno) - 1][int(col) - 1 :].lstrip("'\"").startswith(value), line


# --- 2. the search index of a --data file is built from the bytes it is cached under ------------


def test_search_index_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = kb_data()
    data["values"][0]["title"]["da"] = "Zyxalfa"
    path = write_kb(tmp_path / "kb.yaml", data)
    first = path.read_bytes()
    data["values"][0]["title"]["da"] = "Zyxbeta"
    changed = to_yaml(data)
    real = yamlsafe.read_bytes
    reads: list[str] = []

    def read_then_change(name: str, display: str, limit: int = yamlsafe.MAX_BYTES) -> bytes:
        raw = real(name, display, limit)
        if name == str(path):
            reads.append(name)
            path.write_text(changed, encoding="utf-8")  # someone saves an edit right then
        return raw

    monkeypatch.setattr(yamlsafe, "read_bytes", read_then_change)
    index, where = load_search_index(str(path))
    assert where == str(path) and reads == [str(path)]
    assert search(index, ["zyxalfa"], "da")
    # what the cache holds under the first content's hash is the index of that content
    monkeypatch.setattr(yamlsafe, "read_bytes", real)
    again = tmp_path / "again.yaml"
    again.write_bytes(first)
    cached, _ = load_search_index(str(again))
    assert search(cached, ["zyxalfa"], "da")
    with pytest.raises(LookupFailed):
        search(cached, ["zyxbeta"], "da")


# --- 3. a search for very many unknown words ---------------------------------------------------


def unknown_words(count: int) -> list[str]:
    """Distinct words that occur nowhere in the knowledge base (q is rare, qx and xq absent)."""
    return [f"qx{n:05d}xq" for n in range(count)]


def test_many_unknown_words_get_one_short_error_and_few_lookups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = search_module.closest_words

    def counting(vocabulary: list[tuple[str, str, str]], word: str, n: int = 3) -> list[str]:
        calls.append(word)
        return real(vocabulary, word, n)

    monkeypatch.setattr(search_module, "closest_words", counting)
    words = unknown_words(2000)
    result = run("search", *words)
    assert_error(result, 1, "no match for 'qx00000xq', 'qx00001xq', 'qx00002xq', … (2000 terms)")
    assert "qx00003xq" not in result.stderr and len(result.stderr) < 300
    assert calls == words[: search_module.SUGGEST_FOR]


def test_a_huge_search_term_is_cut_short_in_the_error() -> None:
    term = "qx" * 50_000
    result = run("search", term)
    assert_error(result, 1, f"no match for '{term[:40]}…'")
    assert len(result.stderr) < 300


def test_words_that_each_match_are_also_echoed_short() -> None:
    words = ["kkr", "deadlines", "bestyrelse", "kommune", "formand"]
    result = run("search", *words)
    assert_error(result, 1, "no single text matches all of 'kkr', 'deadlines', 'bestyrelse', …")
    assert "(5 terms); each matches alone" in result.stderr and "formand" not in result.stderr


def test_few_unknown_words_are_still_echoed_whole() -> None:
    result = run("search", "qxqx", "xqxq")
    assert_error(result, 1, "no match for 'qxqx', 'xqxq', and no similar words")
