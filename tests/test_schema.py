"""The JSON Schemas kl ships (data/schema/KIND.json, `kl schema KIND`): fresh, valid draft
2020-12 schemas that every command's JSON and YAML, in both languages, validates against and
that a document with one thing wrong fails; `kl schema` and its errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NotRequired, Required, TypedDict

import pytest
import yaml
from jsonschema import Draft202012Validator

from kl_cli.present import schemagen
from kl_cli.present.shapes import OUTPUTS
from kl_cli.store.locate import schema_dir
from kl_cli.store.yamlsafe import MAX_BYTES
from tests.conftest import ROOT, kb_data, run, write_kb
from tests.test_cli import KB
from tests.test_completion import bash

KINDS = list(OUTPUTS)
LANGS = ["da", "en"]


def shipped(kind: str) -> dict[str, Any]:
    return json.loads((schema_dir() / f"{kind}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(shipped(kind))


# --- the shipped files -------------------------------------------------------------------------


def test_the_shipped_schemas_are_fresh() -> None:
    # regenerate them with python -m kl_cli.present.schemagen
    assert schemagen.target_dir() == schema_dir()
    made = schemagen.schemas()
    assert sorted(p.name for p in schema_dir().glob("*")) == sorted(f"{k}.json" for k in made)
    for kind, schema in made.items():
        text = (schema_dir() / f"{kind}.json").read_text(encoding="utf-8")
        assert text == schemagen.dumps(schema), f"data/schema/{kind}.json is stale"


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_draft_2020_12_schema_of_exactly_its_keys(kind: str) -> None:
    schema = shipped(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == OUTPUTS[kind][0]

    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for obj in objects(schema):  # every object has closed keys (or is a map of one type)
        if "properties" in obj:
            assert obj["additionalProperties"] is False, obj
            assert set(obj["required"]) <= set(obj["properties"]), obj
        else:
            assert isinstance(obj["additionalProperties"], dict), obj


class Inner(TypedDict, total=False):
    a: int
    b: Required[str]


class Outer(TypedDict):
    inner: Inner
    maybe: NotRequired[list[Inner]]
    seats: int | None
    either: str | bool


class Untyped(TypedDict):
    x: Any


class Clash(TypedDict):
    kind: str


def test_required_keys_follow_not_required_and_total() -> None:
    """The generator on shapes made for the test: NotRequired, Required and total=False."""
    schema = schemagen.output_schema("values", "kl test", Outer)
    assert schema["required"] == ["schema_version", "lang", "kind", "inner", "seats", "either"]
    assert schema["properties"]["seats"] == {"type": ["integer", "null"]}
    assert schema["properties"]["either"] == {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
    inner = schema["$defs"]["Inner"]
    assert inner["required"] == ["b"] and inner["additionalProperties"] is False
    assert schema["properties"]["maybe"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Inner"},
    }
    with pytest.raises(TypeError, match="no JSON Schema for typing.Any"):
        schemagen.output_schema("values", "kl test", Untyped)
    with pytest.raises(TypeError, match="Clash has keys of the envelope: kind"):
        schemagen.output_schema("values", "kl test", Clash)


def test_every_kind_kl_names_has_a_schema() -> None:
    listed = run("schema")
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == sorted(KINDS)


# --- every command's output against its schema --------------------------------------------------


def _cases() -> list[tuple[list[str], str]]:
    """(arguments, the kind their JSON is) for every command, every id of every kind."""
    values = [v.id for v in KB.values] + [str(v.number) for v in KB.values]
    paragraphs = [p.id for p in KB.statutes.paragraphs]
    cases: list[tuple[list[str], str]] = [
        ([], "overview"),
        (["about"], "about"),
        (["values"], "values"),
        *((["values", v], "value") for v in values),
        (["leadership"], "leadership"),
        *((["leadership", v], "leadership") for v in values),
        (["bodies"], "bodies"),
        *((["bodies", b.id], "body") for b in KB.bodies),
        (["statutes"], "statutes"),
        *((["statutes", p], "paragraph") for p in paragraphs),
        (["statutes", "amendment"], "amendment"),
        (["statutes", "amendment", "--delegates", "98"], "amendment"),
        (["statutes", "amendment", "--delegates", "98", "--votes-for", "66"], "amendment"),
        (["statutes", "amendment", "--delegates", "98", "--votes-for", "10"], "amendment"),
        (["statutes", "delegates", "--population", "40500"], "delegates"),
        (["statutes", "delegates", "--population", "340000", "--council-seats", "31"], "delegates"),
        (["statutes", "delegates", "--population", "9000", "--council-seats", "31"], "delegates"),
        (["services"], "services"),
        (["international"], "international"),
        (["sources"], "sources"),
        *((["sources", s.id], "source") for s in KB.sources),
        (["org"], "org"),
        (["search", "e", "--limit", "1000"], "search"),  # every hit: every kind of entry
        (["search", "kommunekontaktraad"], "search"),  # more hits than the limit
        (["search", "executive", "committee"], "search"),
        (["search", "sætte dagsordenen"], "search"),
        (["validate"], "validate"),
        (["schema"], "schemas"),
        # kl 2.0: what was true when, on both sides of a period boundary and of the merger
        *((["bodies", b.id, "--as-of", day], "body") for b in KB.bodies for day in DAYS),
        *((["--as-of", day], "overview") for day in DAYS),
        (["people"], "people"),
        *((["people", p.id], "person") for p in KB.people),
        *((["municipalities", "--as-of", day], "municipalities") for day in DAYS),
        *((["municipalities", m.id], "municipality") for m in KB.municipalities),
        (["municipalities", "koebenhavn", "--as-of", "2027-01-01"], "municipality"),
        (["statutes", "delegates", "--municipality", "aarhus"], "delegates"),
        *((["review", "--as-of", day], "review") for day in DAYS),
    ]
    return cases


# Days either side of the 2022 and 2026 period starts and of 1 January 2027.
DAYS = ("2019-06-01", "2022-03-10", "2026-03-11", "2026-12-01", "2027-01-01")


CASES = _cases()


def _check(document: Any, kind: str) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(document)
    ]
    assert not errors, errors[:5]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("args", "kind"), CASES, ids=[" ".join(a) or "kl" for a, _ in CASES])
def test_every_commands_json_and_yaml_validate(args: list[str], kind: str, lang: str) -> None:
    result = run(*args, "--json", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["kind"] == kind and document["lang"] == lang
    _check(document, kind)
    if kind != "schemas":  # kl schema has JSON only
        as_yaml = run(*args, "-f", "yaml", "--lang", lang)
        assert as_yaml.exit_code == 0, as_yaml.stderr
        _check(yaml.safe_load(as_yaml.stdout), kind)


def _validate_json(path: Path | str, lang: str) -> dict[str, Any]:
    result = run("validate", "--json", "--lang", lang, str(path))
    assert result.exit_code in (0, 65), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", LANGS)
def test_validate_json_of_good_and_bad_files_validates(tmp_path: Path, lang: str) -> None:
    good = write_kb(tmp_path / "good.yaml", kb_data())
    bad = kb_data()
    bad["values"][0]["number"] = "one"
    bad["about"]["colour"] = "typo"
    del bad["services"]
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("values: [\n", encoding="utf-8")
    large = tmp_path / "large.yaml"
    large.write_bytes(b"#" * (MAX_BYTES + 1))
    documents = [
        _validate_json(good, lang),
        _validate_json(write_kb(tmp_path / "bad.yaml", bad), lang),
        _validate_json(syntax, lang),  # no key path: null
        _validate_json(large, lang),  # no place: line and column null
    ]
    problems = [d["summary"]["problem_count"] for d in documents]
    assert problems == [0, 3, 1, 1]
    assert documents[2]["problems"][0]["path"] is None
    assert documents[3]["problems"][0]["line"] is None
    for document in documents:
        _check(document, "validate")


def test_export_validates_as_json_and_as_yaml(tmp_path: Path) -> None:
    as_json = run("export", "-f", "json")
    assert as_json.exit_code == 0, as_json.stderr
    _check(json.loads(as_json.stdout), "export")
    _check(yaml.safe_load(run("export").stdout), "export")
    # an edited knowledge base with every optional part the bundled one lacks, exported again
    data = kb_data()
    data["bodies"][0]["meetings"] = {"text": {"da": "x", "en": "x"}, "sources": ["seed"]}
    data["sources"][0]["url"] = "https://example.org/"
    exported = run("--data", str(write_kb(tmp_path / "kb.yaml", data)), "export", "-f", "json")
    assert exported.exit_code == 0, exported.stderr
    _check(json.loads(exported.stdout), "export")


# --- the schemas are not vacuous ---------------------------------------------------------------


# The document of each kind that is broken on purpose: the first of its CASES, but for these.
BROKEN = {"export": ["export"], "search": ["search", "kommunekontaktraad"]}


def _document(kind: str) -> Any:
    args = BROKEN.get(kind) or next(a for a, k in CASES if k == kind)
    result = run(*args, "--json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    return _pruned(json.loads(result.stdout))


def _pruned(node: Any) -> Any:
    """The document with, of each list, only the first item of each set of keys: the items of
    a list share their schema, and a list can be long (kl export has hundreds of facts)."""
    if isinstance(node, dict):
        return {key: _pruned(value) for key, value in node.items()}
    if isinstance(node, list):
        kept: dict[Any, Any] = {}
        for value in node:
            kept.setdefault(tuple(value) if isinstance(value, dict) else type(value), value)
        return [_pruned(value) for value in kept.values()]
    return node


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value in a document with its path, containers included."""
    yield path, node
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        yield from _leaves(value, (*path, key))


_MISSING = object()


def _valid_with(
    check: Draft202012Validator, document: Any, path: tuple[Any, ...], value: Any
) -> bool:
    """Whether the document is valid with the value at `path` replaced (_MISSING: left out);
    changed in place and put back, as the documents are large."""
    node = document
    for key in path[:-1]:
        node = node[key]
    key = path[-1]
    had = key in node if isinstance(node, dict) else True
    old = node[key] if had else None
    if value is _MISSING:
        del node[key]
    else:
        node[key] = value
    try:
        return bool(check.is_valid(document))
    finally:
        if had:
            node[key] = old
        else:
            del node[key]


WRONG_TYPE: dict[type, Any] = {str: 1, int: "1", bool: "yes", type(None): [], list: "x", dict: "x"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_document_with_one_thing_wrong_fails(kind: str) -> None:
    document = _document(kind)
    check = validator(kind)
    assert check.is_valid(document)
    schema = shipped(kind)
    everything = list(_leaves(document))
    for path, obj in everything:
        if not isinstance(obj, dict):
            continue
        assert not _valid_with(check, document, (*path, "extra"), 1), path  # an extra key
        for key in list(obj):  # each key left out: fails if the schema requires it
            valid = _valid_with(check, document, (*path, key), _MISSING)
            assert valid != _required(schema, (*path, key)), (path, key)
    for path, value in everything[1:]:  # every value as another type
        assert not _valid_with(check, document, path, WRONG_TYPE[type(value)]), path
    assert check.is_valid(document)  # put back as it was
    if kind != "export":
        for key, wrong in (("kind", "body" if kind != "body" else "bodies"), ("lang", "fr")):
            assert not check.is_valid(document | {key: wrong}), key
        assert not check.is_valid(document | {"schema_version": 1})  # the version before
        for key in ("schema_version", "lang", "kind"):
            assert not check.is_valid({k: v for k, v in document.items() if k != key})


def _required(schema: dict[str, Any], path: tuple[Any, ...]) -> bool:
    """Whether the schema requires the key at `path` (following $ref, arrays and objects)."""
    node = schema
    for key in path[:-1]:
        node = _deref(schema, node)
        node = node["items"] if isinstance(key, int) else node["properties"][key]
    return path[-1] in _deref(schema, node).get("required", [])


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The object a node describes: through $ref, and through a nullable one's anyOf."""
    while "$ref" in node or "anyOf" in node:
        if "anyOf" in node:
            node = next(x for x in node["anyOf"] if x.get("type") != "null")
        else:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_the_schemas_hold_what_the_views_promise() -> None:
    """A few facts about the shapes, pinned: a nullable key, a required one, an enum."""
    delegates = shipped("delegates")
    assert delegates["properties"]["council_seats"] == {"type": ["integer", "null"]}
    assert "example" not in delegates["required"] and "cap_applied" in delegates["required"]
    fact = delegates["$defs"]["FactData"]
    assert fact["properties"]["confidence"] == {"enum": ["high", "medium", "low"]}
    assert fact["required"] == ["sources"]
    export = shipped("export")
    assert "actors" not in export["required"] and "url" not in export["$defs"]["Source"]["required"]
    assert export["properties"]["schema_version"] == {"const": 2}
    assert shipped("body")["properties"]["kind"] == {"const": "body"}


# --- kl schema -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_kl_schema_kind_prints_the_shipped_file(kind: str) -> None:
    result = run("schema", kind)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (schema_dir() / f"{kind}.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == schemagen.schemas()[kind]
    assert run("schema", kind, "--json").stdout == result.stdout
    assert run("--json", "schema", kind.upper()).stdout == result.stdout  # any case


def test_kl_schema_lists_each_kind_and_its_command() -> None:
    result = run("schema")
    assert result.exit_code == 0 and result.stderr == ""
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows == [[kind, OUTPUTS[kind][0]] for kind in sorted(OUTPUTS)]
    document = json.loads(run("schema", "--json").stdout)
    assert document["schemas"] == [{"kind": k, "command": c} for k, c in rows]


def _kl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KL_")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "kl_cli", *args], capture_output=True, text=True, env=environ
    )


def test_kl_schema_reads_with_jq() -> None:
    jq = shutil.which("jq")
    if jq is None:
        if os.environ.get("CI") == "true":
            pytest.fail("jq is not installed; CI installs it")
        pytest.skip("needs jq")
    schema = _kl("schema", "body").stdout
    title = subprocess.run([jq, "-r", ".title"], input=schema, capture_output=True, text=True)
    assert (title.returncode, title.stdout) == (0, "kl bodies BODY\n")
    required = subprocess.run(
        [jq, "-r", '.required | join(" ")'], input=schema, capture_output=True, text=True
    )
    assert required.stdout == "schema_version lang kind body\n"
    index = _kl("schema", "--json").stdout
    kinds = subprocess.run(
        [jq, "-r", ".schemas[].kind"], input=index, capture_output=True, text=True
    )
    assert kinds.stdout.split() == sorted(KINDS)


def test_kl_schema_on_an_ascii_stdout_is_the_same_json_escaped() -> None:
    result = _kl("schema", "delegates", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii() and "\\u00a7" in result.stdout  # the § of "(§ 4)"
    assert json.loads(result.stdout) == shipped("delegates")


def _usage_error(result: Any, message: str) -> None:
    """Exit 2, nothing on stdout, no traceback, and the error on one line, as Typer's usage
    errors are shown (its usage line and hint above)."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: Invalid value: {message}"], result.stderr
    assert result.stderr.startswith("Usage: kl schema [OPTIONS] [KIND]\n")


def test_an_unknown_kind_is_a_usage_error_naming_the_closest() -> None:
    _usage_error(run("schema", "bodys"), "no kind 'bodys'; did you mean 'body' or 'bodies'?")
    _usage_error(run("schema", "valu"), "no kind 'valu'; did you mean 'value' or 'values'?")
    _usage_error(run("schema", "exprot"), "no kind 'exprot'; did you mean 'export'?")
    _usage_error(run("schema", "zzz"), f"no kind 'zzz'; choose one of: {', '.join(sorted(KINDS))}")


def test_a_kind_is_never_a_path_or_terminal_text() -> None:
    for kind in ("../schema/body", "body.json", str(schema_dir() / "body.json"), ""):
        result = run("schema", kind)
        assert result.exit_code == 2 and result.stdout == "", kind
        assert "Traceback" not in result.stderr
    result = run("schema", "\x1b[31mred")
    assert result.exit_code == 2 and "\x1b" not in result.stderr
    assert "no kind '\\x1b[31mred'" in result.stderr


def test_kl_schema_has_json_only() -> None:
    for fmt in ("plain", "yaml", "rich", "markdown"):
        result = run("schema", "body", "-f", fmt)
        assert result.exit_code == 2 and result.stdout == ""
        assert "Traceback" not in result.stderr
        assert f"{fmt!r} is not one of 'auto', 'json'." in result.stderr


def test_completion_offers_the_kinds() -> None:
    assert bash("kl schema ") == sorted(KINDS)
    assert bash("kl schema bo") == ["bodies", "body"]
    assert bash("kl schema valu") == ["value", "values"]


# --- start-up ------------------------------------------------------------------------------------

_WATCH = """
import atexit, json, sys
seen = []
def hook(event, args):
    if event in ("open", "os.scandir", "os.listdir") and args and isinstance(args[0], str):
        seen.append(args[0])
sys.addaudithook(hook)
report = lambda: sys.stderr.write(json.dumps({"seen": seen, "modules": sorted(sys.modules)}))
atexit.register(report)
sys.argv = ["kl", *sys.argv[1:]]
from kl_cli.__main__ import main
main()
"""


@pytest.mark.parametrize("args", [["values", "-f", "plain"], ["values", "--json"], ["bodies"]])
def test_other_commands_neither_import_the_generator_nor_read_a_schema(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _WATCH, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stderr)
    modules = set(report["modules"])
    assert "kl_cli.cli.app" in modules  # the watch saw kl run
    for module in ("kl_cli.present.schemagen", "kl_cli.present.shapes", "kl_cli.store.schemas"):
        assert module not in modules
    assert not [p for p in report["seen"] if p.startswith(str(schema_dir()))]
    assert any(p.endswith("kl.json") for p in report["seen"])  # the watch saw kl read its data
