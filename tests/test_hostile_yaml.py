"""Hostile YAML: tags, anchors and aliases, nesting, keys, documents, YAML 1.1 scalars, the
parser's limits, and files whose shape or schema is wrong.

Each is refused identically by libyaml and pure Python, with the documented exit code and one
`kl: error:` line naming the place (tests/hostile.py: assert_refused), and builds nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kl_cli.present import formats
from kl_cli.store import yamlsafe
from kl_cli.store.yamlsafe import MAX_DEPTH, KBFileError, parse
from tests.conftest import kb_data, kb_text, run
from tests.hostile import BILLION_LAUGHS, LONG_TITLE, assert_refused, hostile_kb


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


# --- YAML that the parser must refuse, identically with libyaml and pure Python -------------------


YAML_CORPUS: list[tuple[str, str, str]] = [
    # tags: nothing may build objects or run code
    (
        "python-object-apply",
        '!!python/object/apply:os.system ["touch pwned"]\n',
        "1:1: explicit tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed",
    ),
    (
        "python-object-new",
        "a: !!python/object/new:subprocess.Popen [[touch, pwned]]\n",
        "1:4: explicit tags (tag:yaml.org,2002:python/object/new:subprocess.Popen)",
    ),
    ("python-name", "a: !!python/name:os.system\n", "1:4: explicit tags"),
    ("local-tag", "a: !kl thing\n", "1:4: explicit tags (!kl) are not allowed"),
    ("str-tag", "a: !!str 1\n", "1:4: explicit tags (tag:yaml.org,2002:str) are not allowed"),
    ("verbatim-tag", "a: !<tag:yaml.org,2002:int> 1\n", "1:4: explicit tags"),
    ("tag-directive", "%TAG !e! tag:evil.example,2000:\n---\na: !e!x 1\n", "3:4: explicit tags"),
    ("tag-on-mapping", "!!map {a: b}\n", "1:1: explicit tags"),
    # anchors, aliases, merge keys
    ("anchor", "a: &x 1\n", "1:4: anchors (&x) are not allowed"),
    ("undefined-alias", "a: *nowhere\n", "1:4: aliases (*nowhere) are not allowed"),
    ("billion-laughs", BILLION_LAUGHS, "1:4: anchors (&a) are not allowed"),
    ("recursive-alias", "a: &a [*a]\n", "1:4: anchors (&a) are not allowed"),
    ("merge-key", "a: {x: 1}\nb:\n  <<: {y: 2}\n", "3:3: merge keys (<<) are not allowed"),
    ("merge-alias", "b:\n  <<: *a\n", "2:3: merge keys (<<) are not allowed"),
    # nesting and unclosed brackets
    ("deep-flow-sequence", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nesting deeper than 64"),
    ("deep-flow-mapping", "a: " + "{b: " * 5000 + "c" + "}" * 5000 + "\n", "nesting deeper"),
    ("deep-block-sequence", "- " * 5000 + "x\n", "nesting deeper than 64 levels"),
    (
        "deep-block-mapping",
        "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v\n",
        "65:65: nesting deeper than 64 levels",
    ),
    ("unclosed-flow-sequence", "a: [b, c\n", "YAML syntax"),
    ("unclosed-flow-mapping", "a: {b: c\n", "YAML syntax"),
    ("unclosed-double-quote", 'a: "b\n', "YAML syntax"),
    ("unclosed-single-quote", "a: 'b\n", "YAML syntax"),
    # keys
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", "3:1: duplicate key 'a' (first defined on line 1)"),
    (
        "duplicate-nested",
        "a:\n  x: 1\n  x: 2\n",
        "3:3: duplicate key 'x' (first defined on line 2)",
    ),
    ("sequence-key", "[a]: b\n", "1:1: mapping keys must be text"),
    ("mapping-key", "{a: b}: c\n", "1:1: mapping keys must be text"),
    ("complex-key", "? - a\n: b\n", "1:3: mapping keys must be text"),
    # documents and layout
    ("two-documents", "a: 1\n---\nb: 2\n", "2:1: more than one YAML document in the file"),
    ("tab-indentation", "a:\n\tb: 1\n", "YAML syntax"),
    ("bad-escape", 'a: "\\U00110000"\n', "YAML syntax: found invalid Unicode character escape"),
    ("surrogate-escape", 'a: "\\ud800"\n', "YAML syntax: found invalid Unicode character escape"),
]


@pytest.mark.parametrize(("name", "text", "message"), YAML_CORPUS, ids=[c[0] for c in YAML_CORPUS])
def test_hostile_yaml_is_refused(
    name: str, text: str, message: str, corpus: Path, isolated_env: Path
) -> None:
    path = corpus / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    stderr = assert_refused(["--data", path.name, "about"], 65, message, corpus, isolated_env)
    assert stderr.startswith(f"kl: error: {path.name}:")
    assert not (corpus / "pwned").exists()


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize(("name", "text", "message"), YAML_CORPUS, ids=[c[0] for c in YAML_CORPUS])
def test_both_loaders_refuse_alike(name: str, text: str, message: str, pure: bool) -> None:
    with pytest.raises(KBFileError) as caught:
        parse(text, "f.yaml", pure=pure)
    error = str(caught.value)
    if "nesting" in message:  # libyaml's scanner meets its own limit first in flow style
        assert error.endswith(f"nesting deeper than {MAX_DEPTH} levels")
    elif "YAML syntax" in message:
        assert error.startswith("f.yaml:") and "YAML syntax" in error
    else:
        assert message in error


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
def test_nesting_limit_is_exactly_64_levels(pure: bool) -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    node = parse(ok, "f", pure=pure)
    for _ in range(MAX_DEPTH - 1):
        assert isinstance(node.value, list)
        node = node.value[0]
    assert node.value == []
    block = "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH)) + " " * MAX_DEPTH + "v\n"
    parse(block, "f", pure=pure)  # 64 mappings deep, the innermost holding a scalar
    with pytest.raises(KBFileError, match="nesting deeper than 64 levels"):
        parse("[" + ok + "]", "f", pure=pure)


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
def test_event_limit_holds_for_both_loaders(pure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_EVENTS", 1000)  # the same check, at a size that is quick
    parse("[" + "a," * 400 + "a]", "f", pure=pure)
    with pytest.raises(KBFileError, match="more than 1000 parse events"):
        parse("[" + "a," * 1200 + "a]", "f", pure=pure)


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" + "a," * 1200 + "a]", "more than 1000 parse events"),
        ("a: " + "[" * 70 + "]" * 70 + " " * 200, "nesting deeper than 64 levels"),
        ("a: b\n" * 100 + "c: !!python/name:os.system\n", "101:4: explicit tags"),
        ("a: b\n" * 100 + "c: *d\n", "101:4: aliases (*d) are not allowed"),
        ("a: b\n" * 100 + "---\nc: d\n", "101:1: more than one YAML document"),
    ],
    ids=["events", "depth", "tag", "alias", "documents"],
)
def test_big_input_over_a_limit_is_refused_before_any_node_is_built(
    text: str, message: str, pure: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_nodes(*args: object) -> None:
        raise AssertionError("a node was built for a file that breaks a limit")

    monkeypatch.setattr(yamlsafe, "MAX_EVENTS", 1000)
    monkeypatch.setattr(yamlsafe, "PRECHECK_CHARS", 100)
    monkeypatch.setattr(yamlsafe, "Node", no_nodes)
    assert len(text) > yamlsafe.PRECHECK_CHARS
    with pytest.raises(KBFileError, match=re.escape(message)):
        parse(text, "f", pure=pure)


def test_duplicate_key_in_a_real_kb_names_both_lines(corpus: Path, isolated_env: Path) -> None:
    text = kb_text()
    first = line_of(text, "kb_version:")
    text = text.replace("kb_version: 1.0.0\n", "kb_version: 1.0.0\nkb_version: 2.0.0\n")
    (corpus / "dup.yaml").write_text(text, encoding="utf-8")
    message = f"dup.yaml:{first + 1}:1: duplicate key 'kb_version' (first defined on line {first})"
    assert_refused(["--data", "dup.yaml", "values"], 65, message, corpus, isolated_env)


def test_tag_inside_a_real_kb_is_refused_where_it_is(corpus: Path, isolated_env: Path) -> None:
    text = kb_text().replace("kb_version: 1.0.0", "kb_version: !!python/name:os.system")
    (corpus / "tag.yaml").write_text(text, encoding="utf-8")
    line = line_of(text, "!!python")
    message = f"tag.yaml:{line}:13: explicit tags"
    assert_refused(["--data", "tag.yaml", "values"], 65, message, corpus, isolated_env)


def test_keys_yaml_would_merge_stay_distinct_text(corpus: Path, isolated_env: Path) -> None:
    for pure in (False, True):
        node = parse("1: a\n1.0: b\ntrue: c\nTrue: d\n0x1: e\n", "f", pure=pure)
        assert isinstance(node.value, dict)
        assert list(node.value) == ["1", "1.0", "true", "True", "0x1"]
    text = kb_text().replace("kb_version: 1.0.0\n", "kb_version: 1.0.0\n1: a\n1.0: b\ntrue: c\n")
    (corpus / "keys.yaml").write_text(text, encoding="utf-8")
    result = run("validate", "keys.yaml")
    assert result.exit_code == 65
    assert [p.split(": ")[1] for p in result.stdout.splitlines()[:-1]] == ["1", "1.0", "true"]
    assert all("unknown key" in p for p in result.stdout.splitlines()[:-1])


# --- YAML 1.1 surprises: text stays text ----------------------------------------------------------

SURPRISES = ["no", "on", "off", "yes", "0755", "22:22", "3.10", "1e3", "2001-12-14", ".nan",
             "~", "null", "0x1F", "1_000", "+.inf", "-.inf", "0o17", "0b101", "Y"]  # fmt: skip


def test_yaml_1_1_scalars_stay_text(corpus: Path) -> None:
    data = kb_data()
    bodies = data["bodies"]
    for i, body in enumerate(bodies):
        body["name"]["en"] = f"SURPRISE{i}"  # a placeholder, swapped for a plain scalar below
    data["kb_version"], data["last_reviewed"] = "SURPRISEV", "SURPRISED"
    text = kb_text(data)
    for i, surprise in enumerate(SURPRISES[: len(bodies)]):
        text = text.replace(f"en: SURPRISE{i}\n", f"en: {surprise}\n")
    text = text.replace("SURPRISEV", "3.10").replace("SURPRISED", "2026-11-29")
    assert "SURPRISE" not in text and "en: no\n" in text and "kb_version: 3.10\n" in text
    (corpus / "surprises.yaml").write_text(text, encoding="utf-8")
    version = run("--data", "surprises.yaml", "--version")
    assert "version 3.10, last reviewed 2026-11-29" in version.stdout, version.stderr
    result = run("--data", "surprises.yaml", "bodies", "--json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    names = [b["name"] for b in json.loads(result.stdout)["bodies"]]
    assert names == SURPRISES[: len(bodies)]
    assert all(isinstance(n, str) for n in names)
    plain = run("--data", "surprises.yaml", "bodies", "--lang", "en", "-f", "plain").stdout
    assert [row.split("\t")[1] for row in plain.splitlines()] == SURPRISES[: len(bodies)]


# --- empty, odd shapes, schema problems -----------------------------------------------------------


def _without(key: str) -> str:
    data = kb_data()
    del data[key]
    return kb_text(data)


def _with(path: tuple[Any, ...], value: Any) -> str:
    data = kb_data()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return kb_text(data)


SHAPE_CORPUS: list[tuple[str, str, str]] = [
    ("empty", "", "empty: the file holds no YAML document"),
    ("whitespace", "  \n\n   \n", "whitespace: the file holds no YAML document"),
    ("comment-only", "# just a comment\n# and another\n", "the file holds no YAML document"),
    ("document-marker", "---\n...\n", "(top level): expected a mapping, got text"),
    ("top-scalar", "hello\n", "top-scalar:1:1: (top level): expected a mapping, got text"),
    ("top-list", "- a\n- b\n", "top-list:1:1: (top level): expected a mapping, got a list"),
    ("top-number", "42\n", "(top level): expected a mapping, got text"),
    ("missing-key", _without("about"), "about: missing required key"),
    ("unknown-key", _with(("kb_versoin",), "1"), "kb_versoin: unknown key (expected one of:"),
    ("wrong-type-list", _with(("bodies",), "none"), "bodies: expected a list, got text"),
    ("wrong-type-text", _with(("bodies", 3, "name", "en"), ["a"]), "bodies[3].name.en: expected"),
    ("wrong-type-int", _with(("values", 0, "number"), "one"), "values[0].number: expected a whole"),
    ("empty-value", _with(("about", "name"), ""), "about.name: expected a mapping, got text"),
    ("bad-literal", _with(("bodies", 0, "role", "confidence"), "sure"), "expected one of high,"),
    ("bad-id", _with(("bodies", 0, "id"), "Not An Id"), "bodies[0].id: id 'Not An Id' must be"),
    ("dangling-source", _with(("services", 0, "sources"), ["nope"]), "unknown source id 'nope'"),
    ("future-schema", _with(("schema_version",), 99), "schema version '99' is not supported"),
]


@pytest.mark.parametrize(
    ("name", "text", "message"), SHAPE_CORPUS, ids=[c[0] for c in SHAPE_CORPUS]
)
def test_empty_odd_and_invalid_files_are_refused(
    name: str, text: str, message: str, corpus: Path, isolated_env: Path
) -> None:
    (corpus / name).write_text(text, encoding="utf-8")
    assert_refused(["--data", name, "values"], 65, message, corpus, isolated_env)


def test_corpus_helpers_are_sound() -> None:
    """The generators above must make what they claim, or the corpus proves nothing."""

    assert BILLION_LAUGHS.count("&") == 9 and BILLION_LAUGHS.count("*") == 72
    laughs = yaml.compose(BILLION_LAUGHS, Loader=yaml.SafeLoader)  # a graph, not expanded
    assert laughs is not None and len(laughs.value) == 9
    assert len(LONG_TITLE) == 10_000
    assert yaml.safe_load(formats.to_yaml(hostile_kb())) == hostile_kb()
