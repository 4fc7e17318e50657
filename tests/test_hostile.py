"""No input can break kl: a corpus of hostile knowledge-base files, paths, text and plumbing.

Every refused input must give the documented exit code, exactly one `kl: error:` line on
stderr, nothing on stdout, no traceback, and create no file anywhere (the cache included).
The corpus is generated here, in temporary directories; big files only at test time.
"""

from __future__ import annotations

import codecs
import copy
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kl_cli.core.record import to_data
from kl_cli.present import formats
from kl_cli.store import yamlsafe
from kl_cli.store.load import load_bundled, validate_bytes
from kl_cli.store.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_EVENTS, KBFileError, parse
from tests.conftest import ROOT, assert_error, run

BUNDLED = to_data(load_bundled())
DOCUMENTED = {0, 1, 2, 65, 66}  # what any input may produce; 70 would be a bug, 74/130 plumbing
# Terminal-driving or text-hiding characters, by Unicode category (and the blank Hangul fillers);
# none may reach stdout or stderr raw.
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
FILLERS = "\u115f\u1160\u3164\uffa0\u180e"


def raw(text: str) -> str | None:
    """The first character of `text` that must never be printed as it is, or None."""
    for ch in text:
        if ch in FILLERS or unicodedata.category(ch) in ESCAPED_CATEGORIES:
            return ch
    return None


SGR = re.compile("\x1b\\[[0-9;]*m")  # Rich's own colour codes, when colour is on


def kb_data() -> dict[str, Any]:
    return copy.deepcopy(BUNDLED)


def kb_text(data: dict[str, Any] | None = None) -> str:
    return formats.to_yaml(kb_data() if data is None else data)


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory for corpus files that is also the working directory."""
    directory = tmp_path / "corpus"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def everything_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


def assert_refused(
    args: list[str], code: int, message: str, corpus: Path, cache: Path, **kw: Any
) -> str:
    """Run kl: it must refuse with one stderr line and leave corpus and cache as they were."""
    before = everything_under(corpus, cache)
    result = run(*args, **kw)
    assert_error(result, code, message)
    assert everything_under(corpus, cache) == before, "a refused input created a file"
    assert raw(result.stderr.rstrip("\n")) is None, result.stderr
    return result.stderr


# --- YAML that the parser must refuse, identically with libyaml and pure Python -------------------

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
)

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


# --- encodings ------------------------------------------------------------------------------------

ENCODING_CORPUS: list[tuple[str, bytes, str]] = [
    ("invalid-utf8", b"a: \xff\n", "invalid UTF-8 at byte offset 3"),
    ("latin-1", "a: Delegeretmøde\n".encode("latin-1"), "invalid UTF-8 at byte offset 13"),
    ("overlong-utf8", b"a: \xc0\xaf\n", "invalid UTF-8 at byte offset 3"),
    ("utf8-surrogate", b"a: \xed\xa0\x80\n", "invalid UTF-8 at byte offset 3"),
    ("utf32-le-bom", codecs.BOM_UTF32_LE + "a: b\n".encode("utf-32-le"), "UTF-32 is not supported"),
    ("utf32-be-bom", codecs.BOM_UTF32_BE + "a: b\n".encode("utf-32-be"), "UTF-32 is not supported"),
    ("utf32-no-bom", "a: b\n".encode("utf-32-le"), "control character U+0000 at byte offset 1"),
    ("utf16-no-bom", "a: b\n".encode("utf-16-le"), "control character U+0000 at byte offset 1"),
    ("utf16-odd-length", codecs.BOM_UTF16_LE + b"a\x00:", "invalid UTF-16 at byte offset 4"),
    (
        "utf16-lone-surrogate",
        codecs.BOM_UTF16_LE + "a: ".encode("utf-16-le") + b"\x00\xd8" + "b".encode("utf-16-le"),
        "invalid UTF-16 at byte offset 8",
    ),
    (
        "utf16-nul",
        codecs.BOM_UTF16_BE + "a: b\x00".encode("utf-16-be"),
        "control character U+0000 at byte offset 10",
    ),
    ("nul-byte", b"a: b\x00c\n", "control character U+0000 at byte offset 4"),
    ("raw-escape", b"a: \x1b[2J\n", "control character U+001B at byte offset 3"),
    ("raw-bell", b"a: \x07\n", "control character U+0007 at byte offset 3"),
    ("raw-c1-csi", "a: ø\x9b31m\n".encode(), "control character U+009B at byte offset 5"),
    ("raw-del", b"a: \x7f\n", "control character U+007F at byte offset 3"),
    (
        "bom-then-control",
        codecs.BOM_UTF8 + b"a: \x01\n",
        "control character U+0001 at byte offset 6",
    ),
    ("non-character", "a: \ufffe\n".encode(), "non-character U+FFFE at byte offset 3"),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), ENCODING_CORPUS, ids=[c[0] for c in ENCODING_CORPUS]
)
def test_bad_encodings_are_refused_with_a_byte_offset(
    name: str, data: bytes, message: str, corpus: Path, isolated_env: Path
) -> None:
    (corpus / name).write_bytes(data)
    assert_refused(["--data", name, "about"], 65, f"{name}: {message}", corpus, isolated_env)
    for pure in (False, True):
        (problem,) = validate_bytes(data, name, pure=pure)
        assert problem.startswith(f"{name}: {message}")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_boms_are_accepted(bom: bytes, codec: str, corpus: Path) -> None:
    (corpus / "kb.yaml").write_bytes(bom + kb_text().encode(codec))
    result = run("--data", "kb.yaml", "export", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == BUNDLED


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


# --- sizes ----------------------------------------------------------------------------------------


def test_fifty_megabyte_file_is_refused_before_reading(corpus: Path, isolated_env: Path) -> None:
    with open(corpus / "big.yaml", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no disk is spent, the size is what matters
    message = f"big.yaml: file is {50 * 1024 * 1024} bytes; the limit is {MAX_BYTES} bytes"
    assert_refused(["--data", "big.yaml", "values"], 65, message, corpus, isolated_env)


def test_twenty_megabyte_line_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "line.yaml").write_bytes(b"a: " + b"x" * (20 * 1024 * 1024) + b"\n")
    assert_refused(["--data", "line.yaml", "values"], 65, "the limit is", corpus, isolated_env)


def test_one_byte_over_the_limit_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "edge.yaml").write_bytes(b"#" * MAX_BYTES + b"\n")
    message = f"edge.yaml: file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES} bytes"
    assert_refused(["--data", "edge.yaml", "values"], 65, message, corpus, isolated_env)
    (corpus / "edge.yaml").write_bytes(b"#" * (MAX_BYTES - 1) + b"\n")  # at the limit: read
    assert_refused(["--data", "edge.yaml", "values"], 65, "holds no YAML", corpus, isolated_env)


def _sources(count: int, template: str) -> str:
    return "".join(template.format(i=i) for i in range(count))


def test_hundred_thousand_entries_are_refused_by_the_caps(corpus: Path, isolated_env: Path) -> None:
    entries = _sources(100_000, "- {{id: s{i}, title: {{da: a, en: a}}}}\n")
    text = kb_text().replace("sources:\n", "sources:\n" + entries, 1)
    assert len(text.encode()) <= MAX_BYTES, "under the size cap, so the event cap must hold"
    (corpus / "many.yaml").write_text(text, encoding="utf-8")
    message = f"more than {MAX_EVENTS} parse events"
    assert_refused(["--data", "many.yaml", "values"], 65, message, corpus, isolated_env)
    bigger = entries.replace("title: {da: a, en: a}", "title: {da: aaaaaaaa, en: aaaaaaaa}")
    (corpus / "many.yaml").write_text(kb_text().replace("sources:\n", "sources:\n" + bigger, 1))
    assert_refused(["--data", "many.yaml", "values"], 65, "the limit is", corpus, isolated_env)


def test_ten_thousand_entry_kb_still_loads(corpus: Path) -> None:
    entries = _sources(
        10_000,
        "- id: extra-{i}\n  title:\n    da: Ekstra kilde nummer {i}\n"
        "    en: Extra source number {i}\n  url: https://example.org/kilder/{i}\n",
    )
    text = kb_text().replace("sources:\n", "sources:\n" + entries, 1)
    assert 1_000_000 <= len(text.encode()) <= 2_000_000
    (corpus / "ten-thousand.yaml").write_text(text, encoding="utf-8")
    result = run("--data", "ten-thousand.yaml", "sources", "-f", "plain", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "extra-9999\tExtra source number 9999\thttps://example.org/kilder/9999" in result.stdout
    assert run("validate", "ten-thousand.yaml").exit_code == 0


# --- paths ----------------------------------------------------------------------------------------


def test_directory_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "dir.yaml").mkdir()
    message = "dir.yaml: is a directory, not a knowledge-base file"
    assert_refused(["--data", "dir.yaml", "values"], 66, message, corpus, isolated_env)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(device: str, corpus: Path, isolated_env: Path) -> None:
    message = f"{device}: not a regular file"
    assert_refused(["--data", device, "values"], 66, message, corpus, isolated_env)


def test_missing_file_and_symlinks(corpus: Path, isolated_env: Path) -> None:
    message = "nope.yaml: no such file"
    assert_refused(["--data", "nope.yaml", "values"], 66, message, corpus, isolated_env)
    (corpus / "loop").symlink_to("loop")
    message = "loop: too many levels of symbolic links"
    assert_refused(["--data", "loop", "values"], 66, message, corpus, isolated_env)
    (corpus / "dangling").symlink_to("gone.yaml")
    assert_refused(["--data", "dangling", "values"], 66, "no such file", corpus, isolated_env)
    (corpus / "to-device").symlink_to("/dev/zero")
    message = "to-device: not a regular file"
    assert_refused(["--data", "to-device", "values"], 66, message, corpus, isolated_env)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "secret.yaml").write_text(kb_text(), encoding="utf-8")
    (corpus / "secret.yaml").chmod(0)
    message = "secret.yaml: permission denied"
    assert_refused(["--data", "secret.yaml", "values"], 66, message, corpus, isolated_env)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("[/]", "[/]"),
        ("[bold red]x[/bold red]", "[bold red]x[/bold red]"),
        ("[link=https://evil.example]click[/link]", "[link=https://evil.example]click[/link]"),
        (":thumbs_up:", ":thumbs_up:"),
        ("clear\x1b[2J\x1b[H", "clear\\x1b[2J\\x1b[H"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("clip\x1b]52;c;ZXZpbA==\x07", "clip\\x1b]52;c;ZXZpbA==\\x07"),
        ("two\nlines", "two\\nlines"),
        ("bidi\u202egpj.yaml", "bidi\\u202egpj.yaml"),
        ("c1\x9b2J", "c1\\x9b2J"),
        (os.fsdecode(b"latin1-\xe6\xf8\xe5"), "latin1-\\xe6\\xf8\\xe5"),
    ],
    ids=["brackets", "markup", "link", "emoji", "csi", "osc-title", "osc-clipboard", "newline",
         "bidi", "c1", "undecodable"],
)  # fmt: skip
def test_hostile_file_names_print_inert(
    name: str, shown: str, corpus: Path, isolated_env: Path
) -> None:
    message = f"kl: error: {shown}: no such file"
    assert_refused(["--data", name, "values"], 66, message, corpus, isolated_env)
    target = corpus / name  # names with "/" are paths: make their directories
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"- a list\n")
    message = f"kl: error: {shown}:1:1: (top level): expected a mapping, got a list"
    assert_refused(["--data", name, "values"], 65, message, corpus, isolated_env)


def test_nul_in_a_file_name_is_unreadable(corpus: Path, isolated_env: Path) -> None:
    message = "a\\x00b: not a valid file name"
    assert_refused(["--data", "a\x00b", "values"], 66, message, corpus, isolated_env)


# --- text that is valid but hostile ---------------------------------------------------------------

HOSTILE = {
    "markup": "[bold red]loud[/bold red] [/] [link=https://evil.example]click[/link] [/not]",
    "emoji": ":thumbs_up: :smile: :red_circle:",
    "ansi": "before\x1b[2J\x1b[Hafter\x1b[31mred\x1b[0m",
    "osc": "\x1b]0;window title\x07\x1b]52;c;ZXZpbA==\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "c1": "csi\x9b31m nel\x85 osc\x9d0;t\x9c",
    "bidi": "abc\u202edcba\u202c \u2066iso\u2069 \u200fmark",
    "zero-width": "zero\u200bwidth\u200c\u200d\u2060joiner\ufeffbom",
    "controls": "bell\x07 back\x08space null\x00 del\x7f cr\r tab\tend",
    # Unicode tag characters ("ASCII smuggling": text a model reads and a person cannot see)
    "tags": "visible\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065\U000e007f text",
    "invisible": "soft\xadhyphen anno\ufff9tated\ufffa\ufffb private\ue000\U000f0001"
    " unassigned\u0378\U000e0080 fillers\u3164\u115f\u1160\uffa0\u180e end",
}
LONG_TITLE = "Lang titel " + "x" * 9_989  # 10,000 characters


def hostile_kb() -> dict[str, Any]:
    data = kb_data()
    body = data["bodies"][0]
    body["name"] = {"da": HOSTILE["markup"] + " " + HOSTILE["emoji"], "en": HOSTILE["ansi"]}
    body["role"]["text"] = {"da": HOSTILE["osc"], "en": HOSTILE["c1"]}
    data["values"][0]["title"] = {"da": LONG_TITLE, "en": HOSTILE["bidi"]}
    data["values"][1]["title"] = {"da": HOSTILE["tags"], "en": HOSTILE["invisible"]}
    data["about"]["mission"]["text"] = {"da": HOSTILE["zero-width"], "en": HOSTILE["controls"]}
    data["sources"][0]["title"] = {"da": HOSTILE["osc"], "en": HOSTILE["markup"]}
    data["kb_version"] = "1.0\x1b]0;pwned\x07"
    return data


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(formats.to_yaml(hostile_kb()), encoding="utf-8")
    assert "\x1b" not in path.read_text(encoding="utf-8"), "the file holds escapes, not raw bytes"
    return path


HOSTILE_COMMANDS = [[], ["about"], ["values"], ["values", "1"], ["leadership"], ["bodies"],
                    ["bodies", BUNDLED["bodies"][0]["id"]], ["sources"], ["services"]]  # fmt: skip


@pytest.mark.parametrize("color", [False, True], ids=["no-color", "force-color"])
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", ["rich", "plain", "json", "yaml", "markdown"])
@pytest.mark.parametrize("args", HOSTILE_COMMANDS, ids=lambda a: " ".join(a) or "(overview)")
def test_hostile_text_prints_inert_in_every_format(
    hostile_file: Path, args: list[str], fmt: str, lang: str, color: bool
) -> None:
    env = {"FORCE_COLOR": "1"} if color else None
    result = run("--data", str(hostile_file), *args, "-f", fmt, "--lang", lang, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    if color and fmt == "rich":
        out = SGR.sub("", out)  # Rich's own styling; the data itself must hold no ESC
    else:
        assert "\x1b" not in out
    assert raw(out.replace("\n", "").replace("\t", "")) is None, repr(raw(out))
    assert "\r" not in out
    assert "👍" not in out and "😄" not in out  # emoji codes are not expanded
    if fmt == "json":
        assert_same_strings(json.loads(out))
    elif fmt == "yaml":
        import yaml

        assert_same_strings(yaml.safe_load(out))


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value)


def assert_same_strings(parsed: Any) -> None:
    """JSON and YAML escape the text, but parsed back it is exactly the KB's text."""
    hostile = set(HOSTILE.values()) | {HOSTILE["markup"] + " " + HOSTILE["emoji"], LONG_TITLE}
    shown = set(_strings(parsed)) & hostile
    assert shown, "the view shows at least one hostile text, unchanged"


def test_hostile_text_is_visible_literally_in_plain(hostile_file: Path) -> None:
    def plain(*args: str) -> str:
        result = run("--data", str(hostile_file), *args, "-f", "plain")
        assert result.exit_code == 0, result.stderr
        return result.stdout

    bodies = plain("bodies")
    assert formats.inert(HOSTILE["markup"], single_line=True) in bodies  # markup stays literal
    assert ":thumbs_up: :smile:" in bodies
    assert "before\\x1b[2J\\x1b[Hafter" in plain("bodies", "--lang", "en")
    assert "\\x1b]52;c;ZXZpbA==\\x07" in bodies
    assert "csi\\x9b31m nel\\x85" in plain("bodies", "--lang", "en")
    assert "abc\\u202edcba\\u202c \\u2066iso\\u2069" in plain("values", "--lang", "en")
    assert "zero\\u200bwidth\\u200c\\u200d\\u2060joiner\\ufeffbom" in plain("about")
    assert "bell\\x07 back\\x08space null\\x00 del\\x7f cr\\x0d tab\\tend" in plain(
        "about", "--lang", "en"
    )
    tags = (
        "visible\\U000e0069\\U000e0067\\U000e006e\\U000e006f\\U000e0072\\U000e0065\\U000e007f text"
    )
    assert tags in plain("values")
    invisible = (
        "soft\\xadhyphen anno\\ufff9tated\\ufffa\\ufffb private\\ue000\\U000f0001"
        " unassigned\\u0378\\U000e0080 fillers\\u3164\\u115f\\u1160\\uffa0\\u180e end"
    )
    assert invisible in plain("values", "--lang", "en")
    version = run("--data", str(hostile_file), "--version").stdout
    assert "version 1.0\\x1b]0;pwned\\x07," in version


def test_hostile_text_in_rich_and_markdown_is_visible(hostile_file: Path) -> None:
    def rich(*args: str) -> str:
        result = run("--data", str(hostile_file), *args, "-f", "rich", env={"COLUMNS": "400"})
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert "before\\x1b[2J\\x1b[Hafter" in rich("bodies", "--lang", "en")
    wide = rich("bodies")
    assert "[bold red]loud[/bold red] [/]" in wide and ":thumbs_up:" in wide
    assert "abc\\u202edcba" in rich("values", "--lang", "en")
    assert "visible\\U000e0069\\U000e0067" in rich("values")
    assert "soft\\xadhyphen anno\\ufff9tated" in rich("values", "--lang", "en")
    md = run("--data", str(hostile_file), "bodies", "-f", "markdown").stdout
    assert "\\[bold red\\]loud\\[/bold red\\]" in md
    md = run("--data", str(hostile_file), "values", "-f", "markdown", "--lang", "en").stdout
    assert "soft\\\\xadhyphen anno\\\\ufff9tated" in md and "fillers\\\\u3164" in md


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_hostile_kb_exports_inert_and_round_trips(
    hostile_file: Path, fmt: str, tmp_path: Path
) -> None:
    import yaml

    first = run("--data", str(hostile_file), "export", "-f", fmt, env={"FORCE_COLOR": "1"})
    assert first.exit_code == 0, first.stderr
    assert raw(first.stdout.replace("\n", "")) is None
    assert (json.loads if fmt == "json" else yaml.safe_load)(first.stdout) == hostile_kb()
    if fmt == "json":  # see the next test: read back without the characters beyond the BMP
        data = json.loads(first.stdout)
        data["values"][1]["title"] = {"da": "tags", "en": "invisible"}
        first = run("--data", str(_written(tmp_path / "bmp.json", data)), "export", "-f", fmt)
    again = tmp_path / f"again.{fmt}"
    again.write_text(first.stdout, encoding="utf-8")
    assert run("--data", str(again), "export", "-f", fmt).stdout == first.stdout


def _written(path: Path, data: Any) -> Path:
    path.write_text(formats.to_json(data, ascii_only=False), encoding="utf-8")
    return path


@pytest.mark.xfail(
    strict=True,
    reason="the loader (libyaml) refuses JSON's surrogate-pair escapes (\\udb40\\udc41), the only "
    "way JSON can escape a character beyond the BMP; kl_cli/store/yamlsafe.py would have to join "
    "them",
)
def test_json_export_with_tag_characters_reads_back(hostile_file: Path, tmp_path: Path) -> None:
    first = run("--data", str(hostile_file), "export", "-f", "json")
    assert "\\udb40\\udc69" in first.stdout  # U+E0069 as JSON escapes it
    again = tmp_path / "again.json"
    again.write_text(first.stdout, encoding="utf-8")
    result = run("--data", str(again), "export", "-f", "json")
    assert (result.exit_code, result.stdout) == (0, first.stdout), result.stderr


def test_ten_thousand_character_title_is_not_wrapped_in_plain(hostile_file: Path) -> None:
    result = run("--data", str(hostile_file), "values", "-f", "plain")
    assert any(LONG_TITLE in line for line in result.stdout.splitlines())
    overview = run("--data", str(hostile_file), "-f", "plain").stdout
    assert LONG_TITLE in overview
    rich = run("--data", str(hostile_file), "values", "1", "-f", "rich").stdout
    assert rich.replace("\n", "").replace(" ", "").count("x" * 60) >= 1  # shown, wrapped to fit


# --- plumbing: pipes, full disks, closed streams, signals, encodings, widths ----------------------


def kl_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KL_DATA", "KL_LANG", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")
        and not k.startswith(("PYTHONIO", "LC_"))
    }
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp), HOME=str(tmp), PYTHONUTF8="0")
    env.update(extra)
    return env


KL = [sys.executable, "-m", "kl_cli"]
PLUMBING_COMMANDS = [["values"], ["export"], ["--help"], ["--version"], ["validate"],
                     ["bodies", "-f", "rich"], ["export", "-f", "json"]]  # fmt: skip


def _popen_run(
    args: list[str], env: dict[str, str], **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(KL + args, env=env, stderr=subprocess.PIPE, timeout=60, **kw)


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_reader_gone_before_writing_is_a_silent_success(args: list[str], tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # `kl ... | true`: nobody will ever read
    try:
        done = _popen_run(args, kl_env(tmp_path), stdout=write, stdin=subprocess.DEVNULL)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, b"")


def test_reader_closing_after_one_line_is_a_silent_success(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    entries = _sources(5_000, "- id: extra-{i}\n  title: {{da: Kilde {i}, en: Source {i}}}\n")
    big.write_text(kb_text().replace("sources:\n", "sources:\n" + entries, 1), encoding="utf-8")
    for args in (["--data", str(big), "export"], ["--data", str(big), "sources", "-f", "plain"]):
        proc = subprocess.Popen(
            KL + args, env=kl_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # `kl ... | head -1`
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b""
        assert first.strip()


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_full_disk_is_74_with_one_line(args: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _popen_run(args, kl_env(tmp_path), stdout=full, stdin=subprocess.DEVNULL)
    assert done.returncode == 74
    assert done.stderr == b"kl: error: cannot write output: No space left on device\n"


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_closed_stdout_is_74_without_traceback(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" >&-', "sh", *KL, *args],
        env=kl_env(tmp_path), stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert done.returncode == 74
    assert done.stderr == b"kl: error: cannot write output: standard output is closed\n"


def test_fifo_as_data_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # nobody will ever open it for writing
    for args in (["--data", str(fifo), "values"], ["validate", str(fifo)]):
        done = _popen_run(args, kl_env(tmp_path), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert done.returncode == 66
        line = f"{fifo}: not a regular file"
        assert line in (done.stderr + done.stdout).decode()
        assert b"Traceback" not in done.stderr


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether the process sits in read(0, ...), per /proc/PID/syscall."""
    number = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        pytest.skip("cannot inspect /proc/PID/syscall here")
    if number is None:
        pytest.skip(f"read's system-call number unknown on {platform.machine()}")
    return len(fields) > 1 and fields[0] == number and int(fields[1], 16) == 0


@pytest.mark.parametrize("source", ["pipe", "fifo"])
def test_ctrl_c_while_waiting_for_input_is_130(source: str, tmp_path: Path) -> None:
    if source == "fifo":
        fifo = tmp_path / "in.fifo"
        os.mkfifo(fifo)
        stdin: Any = os.open(fifo, os.O_RDWR)  # a writer exists, so reads block, never EOF
    else:
        stdin = subprocess.PIPE
    proc = subprocess.Popen(
        KL + ["validate", "-"], env=kl_env(tmp_path), stdin=stdin, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(6000):  # wait (at most a minute) until kl blocks reading its input
            if _blocked_reading_stdin(proc.pid) or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "kl ended before reading its input"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if source == "fifo":
            os.close(stdin)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and out == b""


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"}, {"LC_ALL": "C"},
     {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}],
    ids=["ascii", "cp1252", "C-locale", "C-locale-ascii"],
)  # fmt: skip
def test_narrow_encodings_degrade_to_escapes(env: dict[str, str], tmp_path: Path) -> None:
    environment = kl_env(tmp_path, **env)
    for args in (["values"], ["bodies", "bestyrelse"], ["values", "-f", "rich"], ["export"]):
        done = _popen_run(args, environment, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert (done.returncode, done.stderr) == (0, b""), done.stderr
        text = done.stdout.decode(env.get("PYTHONIOENCODING", "utf-8"))
        if env.get("PYTHONIOENCODING") == "ascii":  # æ, ø, å as visible escapes
            assert re.search(r"\\x(e6|f8|e5)", text, re.IGNORECASE), text[:200]
        else:  # cp1252 has them; a C locale may give UTF-8 (PEP 538) or ASCII with escapes
            assert re.search(r"[æøå]|\\x(e6|f8|e5)", text, re.IGNORECASE), text[:200]
    # YAML, like JSON, escapes in its own syntax: the export reads back as the same data
    done = _popen_run(["export"], environment, stdout=subprocess.PIPE)
    assert yaml.safe_load(done.stdout) == BUNDLED
    done = _popen_run(["values", "-f", "yaml"], environment, stdout=subprocess.PIPE)
    assert yaml.safe_load(done.stdout)["values"][0]["title"] == BUNDLED["values"][0]["title"]["da"]
    done = _popen_run(["values", "--json"], environment, stdout=subprocess.PIPE)
    assert json.loads(done.stdout)["values"][0]["title"] == BUNDLED["values"][0]["title"]["da"]
    done = _popen_run(["bodies", "æøå"], environment, stdout=subprocess.PIPE)
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and done.stderr.startswith(b"kl: error: no body")


def _words(plain: str) -> set[str]:
    return {w for w in re.split(r"[\s]+", plain) if 0 < len(w) <= 16}


@pytest.mark.parametrize("columns", ["0", "1", "10", "-5", "abc", ""])
def test_any_columns_value_shows_all_data_in_a_pipe(columns: str) -> None:
    expected = _words(run("bodies", "-f", "plain").stdout)
    for fmt in ("plain", "rich"):
        result = run("bodies", "-f", fmt, env={"COLUMNS": columns})
        assert result.exit_code == 0, result.stderr
        shown = result.stdout
        missing = {w for w in expected if w not in shown}
        assert not missing, (fmt, sorted(missing)[:10])


@pytest.mark.parametrize("columns", ["0", "1", "10", "-5", "abc"])
def test_any_columns_value_shows_all_data_on_a_terminal(columns: str, tmp_path: Path) -> None:
    import pty

    expected = _words(run("bodies", "-f", "plain").stdout)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            KL + ["bodies"], env=kl_env(tmp_path, COLUMNS=columns, TERM="xterm"),
            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE,
        )  # fmt: skip
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(master)
    shown = SGR.sub("", b"".join(chunks).decode().replace("\r\n", "\n"))
    assert "\x1b[" in b"".join(chunks).decode(), "rich with colour on a terminal"
    assert not {w for w in expected if w not in shown}


@pytest.mark.parametrize("args", [["--json"], ["-f", "plain"], ["-f", "yaml"], ["-f", "markdown"]])
@pytest.mark.parametrize("command", [[], ["values"], ["bodies", "kkr"], ["sources"]])
def test_force_color_never_colours_script_formats(args: list[str], command: list[str]) -> None:
    result = run(*command, *args, env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout


def test_force_color_never_colours_export() -> None:
    for fmt in ("yaml", "json"):
        assert "\x1b" not in run("export", "-f", fmt, env={"FORCE_COLOR": "1"}).stdout


def test_no_color_and_dumb_terminal_are_honoured() -> None:
    assert "\x1b[" in run("values", "-f", "rich", env={"FORCE_COLOR": "1"}).stdout
    for env in ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, {"FORCE_COLOR": "1", "TERM": "dumb"}):
        assert "\x1b" not in run("values", "-f", "rich", env=env).stdout
    assert "\x1b" not in run("values", "-f", "rich", "--no-color", env={"FORCE_COLOR": "1"}).stdout


# --- the last line of defence ---------------------------------------------------------------------


def test_crash_inside_a_command_is_one_line_70_without_locals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        password = "hunter2"  # a local variable: a traceback with locals would show it
        raise RuntimeError("boom\nsecond line " + "x" * 1000 + " " * len(password))

    from kl_cli.present.views import values as value_views

    monkeypatch.setattr(value_views, "values", broken)
    result = run("values")
    assert_error(result, 70, "kl: error: internal error: RuntimeError: boom\\nsecond line")
    assert "hunter2" not in result.stderr and len(result.stderr) < 400


def test_crash_outside_any_command_is_one_line_70(tmp_path: Path) -> None:
    code = (
        "import kl_cli.cli.app as cli\n"
        "def broken(*args, **kwargs):\n"
        "    password = 'hunter2'\n"
        "    raise ValueError('impossible')\n"
        "cli.app = broken\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=kl_env(tmp_path), capture_output=True, timeout=60
    )
    assert done.returncode == 70
    assert done.stderr == b"kl: error: internal error: ValueError: impossible\n"
    assert done.stdout == b""


# --- arguments: numbers, lengths, searches that match everything ---------------------------------

HUGE = "9" * 5_000  # int() refuses over 4,300 digits
LONG = "x" * 120_000


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
    assert_error(result, 1, "kl: error: no statute paragraph '7'")


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


def test_population_is_bounded_before_it_is_a_number() -> None:
    result = run("statutes", "delegates", "--population", HUGE, "-f", "plain")
    assert_error(result, 2, "--population must be between 1 and 100000000; got a number of 5000")
    assert len(result.stderr) < 1500
    # leading zeros do not count against the bound
    assert run("statutes", "delegates", "--population", "0" * 40 + "7").exit_code == 0


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


@pytest.mark.parametrize("columns", ["²", "١٠٠", HUGE, "1" * 7])
def test_any_columns_value_is_no_crash(columns: str) -> None:
    result = run("bodies", "-f", "rich", env={"COLUMNS": columns, "LINES": columns})
    assert (result.exit_code, result.stderr) == (0, "")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


# --- property tests: arbitrary argv and arbitrary bytes -------------------------------------------

TOKENS = ["values", "leadership", "bodies", "statutes", "amendment", "delegates", "about",
          "services", "international", "sources", "export", "validate", "org", "search", "-",
          "--json", "-f", "json", "yaml", "rich", "plain", "markdown", "mermaid", "dot", "auto",
          "--lang", "da", "en", "--no-color", "--data", "/dev/null", "/", "--version", "-V",
          "--help", "-h", "--delegates", "--votes-for", "--population", "--council-seats", "0",
          "1", "2", "3", "-1", "99999999999999999999", "40.500", "§ 4", "6.2", "bestyrelse",
          "formand", "kkr", "æøå", "[bold]x[/]", "\x1b[2J", "", " "]  # fmt: skip
# Where a value goes, and values that once reached an internal error or echoed back at length.
PREFIXES = [[], ["statutes"], ["values"], ["bodies"], ["leadership"], ["search"], ["search", "kl"],
            ["--lang"], ["-f"], ["statutes", "amendment", "--delegates"],
            ["statutes", "amendment", "--delegates", "9", "--votes-for"],
            ["statutes", "delegates", "--population"],
            ["statutes", "delegates", "--population", "1", "--council-seats"],
            ["search", "kl", "--limit"]]  # fmt: skip
VALUES = ["²", "①", "¹²", "٣", "٤٠", "1_000", "+3", " 5", HUGE, "1" + "0" * 9, "\u0301",
          "\u0301 \u0301", "e\u0301", LONG, "\U000e0041" * 2_000, "\ufff9\xad\u3164"]  # fmt: skip
ARGV = st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=6) | st.builds(
    lambda prefix, value, rest: [*prefix, value, *rest],
    st.sampled_from(PREFIXES),
    st.sampled_from(VALUES) | st.text(max_size=12),
    st.lists(st.sampled_from(TOKENS), max_size=2),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=ARGV)
def test_arbitrary_argv_gives_only_documented_exit_codes(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any(a.startswith("--install") or a.startswith("--show-comp") for a in argv):
        return  # shell-completion set-up writes to the user's shell start-up files
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run(*argv)
    assert result.exit_code in DOCUMENTED, (argv, result.exit_code, result.stderr[:500])
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 2_500, (argv, len(result.stderr))  # no argument echoed at length
    if result.exit_code in (1, 65, 66):
        one_error_line = result.stderr.startswith("kl: error: ") and result.stderr.count("\n") == 1
        validate_report = "validate" in argv and result.stderr == "" and result.stdout != ""
        assert (one_error_line and result.stdout == "") or validate_report, result


YAMLISH = st.lists(
    st.sampled_from(
        [
            "[",
            "]",
            "{",
            "}",
            ": ",
            ":",
            "- ",
            "-",
            ",",
            "? ",
            "&a ",
            "*a",
            "!x ",
            "!!str ",
            "<<",
            '"',
            "'",
            "\\",
            "\\u",
            "\\x1b",
            "\n",
            "  ",
            "\t",
            "#",
            "---",
            "...",
            "|",
            ">",
            "%YAML 1.1\n",
            "a",
            "1",
            "~",
            "é",
            "\ufeff",
            "\u2028",
            "schema_version: 1\n",
            "bodies:\n",
            "  - id: x\n",
        ]
    )  # fmt: skip
    | st.text(max_size=3),
    max_size=40,
).map("".join)
RAW_INPUT = st.binary(max_size=300) | YAMLISH.map(lambda s: s.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(raw=RAW_INPUT)
def test_arbitrary_bytes_never_break_either_loader(raw: bytes) -> None:
    for pure in (False, True):
        problems = validate_bytes(raw, "f.yaml", pure=pure)
        assert problems and all(p.startswith("f.yaml") for p in problems)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=RAW_INPUT)
def test_arbitrary_bytes_as_data_or_stdin_are_refused_cleanly(
    raw: bytes, tmp_path: Path, isolated_env: Path
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    result = run("--data", str(path), "values")
    assert_error(result, 65, f"kl: error: {path}")
    checked = run("validate", "-", input=raw)
    assert checked.exit_code == 65 and checked.stderr == ""
    assert checked.stdout.splitlines()[-1].startswith("<stdin>: invalid knowledge base")
    assert not (isolated_env / "kl").exists()


def test_corpus_helpers_are_sound() -> None:
    """The generators above must make what they claim, or the corpus proves nothing."""
    import yaml

    assert BILLION_LAUGHS.count("&") == 9 and BILLION_LAUGHS.count("*") == 72
    laughs = yaml.compose(BILLION_LAUGHS, Loader=yaml.SafeLoader)  # a graph, not expanded
    assert laughs is not None and len(laughs.value) == 9
    assert len(LONG_TITLE) == 10_000
    assert yaml.safe_load(formats.to_yaml(hostile_kb())) == hostile_kb()
