"""kl export and kl validate; --data and KL_DATA with a user's own knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kl_cli.core.models import SUPPORTED_SCHEMA_VERSIONS
from kl_cli.store.locate import bundled_yaml
from kl_cli.store.yamlsafe import MAX_BYTES
from tests.conftest import BUNDLED, assert_error, kb_data, run, write_kb


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


# --- export ------------------------------------------------------------------------------------


def test_export_is_yaml_by_default_and_holds_the_whole_kb() -> None:
    import yaml

    result = run("export")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("# A kl knowledge base.")
    assert yaml.safe_load(result.stdout) == BUNDLED


def test_export_json_is_the_same_data() -> None:
    for args in (["export", "-f", "json"], ["export", "--json"], ["--json", "export"]):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == BUNDLED


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_data_then_export_round_trips_byte_for_byte(tmp_path: Path, fmt: str) -> None:
    first = run("export", "-f", fmt)
    assert first.exit_code == 0
    path = tmp_path / f"kl.{fmt}"
    path.write_text(first.stdout, encoding="utf-8")
    second = run("--data", str(path), "export", "-f", fmt)
    assert second.exit_code == 0, second.stderr
    assert second.stdout == first.stdout
    third = run("export", "-f", fmt, env={"KL_DATA": str(path)})  # the cached load, this time
    assert third.stdout == first.stdout


@pytest.mark.parametrize("fmt", ["plain", "rich", "markdown"])
def test_export_refuses_display_formats(fmt: str) -> None:
    assert_error(run("export", "-f", fmt), 2, f"{fmt!r} is not one of 'yaml', 'json'.")
    assert_error(run("-f", fmt, "export"), 2, "not available for kl export (choose yaml, json)")


def test_user_exports_edits_an_english_name_and_sees_it_with_data(tmp_path: Path) -> None:
    exported = run("export").stdout
    body = BUNDLED["bodies"][1]
    old = body["name"]["en"]
    lines = exported.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.strip() == f"en: {old}"]
    assert len(at) == 1, "the body's English name is on a line of its own"
    lines[at[0]] = lines[at[0]].replace(old, "Board of Directors")  # what a user's editor does
    path = tmp_path / "my-kl.yaml"
    path.write_text("".join(lines), encoding="utf-8")

    listing = run("--data", str(path), "bodies", "--lang", "en", "-f", "plain")
    assert listing.exit_code == 0, listing.stderr
    row = next(r for r in listing.stdout.splitlines() if r.startswith(body["id"] + "\t"))
    assert row.split("\t")[1] == "Board of Directors"
    found = run(
        "bodies", "board of directors", "--lang", "en", "--json", env={"KL_DATA": str(path)}
    )
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)["body"]["id"] == body["id"]
    bundled = run("bodies", "--lang", "en", "-f", "plain").stdout.splitlines()
    assert next(r for r in bundled if r.startswith(body["id"] + "\t")).split("\t")[1] == old


# --- --data and KL_DATA -----------------------------------------------------------------------


def test_option_beats_environment(tmp_path: Path) -> None:
    a, b = kb_data(), kb_data()
    a["kb_version"], b["kb_version"] = "from-option", "from-env"
    opt, env = write_kb(tmp_path / "a.yaml", a), write_kb(tmp_path / "b.yaml", b)
    out = run("--version", "--data", str(opt), env={"KL_DATA": str(env)}).stdout
    assert "from-option" in out and "from-env" not in out
    assert "from-env" in run("--version", env={"KL_DATA": str(env)}).stdout


def test_empty_data_is_a_usage_error_not_a_fallback() -> None:
    assert_error(run("values", "--data", ""), 2, "--data needs a file name")
    assert_error(run("values", env={"KL_DATA": ""}), 2, "KL_DATA is set but empty")


def test_version_and_sources_say_a_custom_kb_is_in_use(tmp_path: Path) -> None:
    data = kb_data()
    data["kb_version"], data["last_reviewed"] = "9.9-local", "2031-01-02"
    path = write_kb(tmp_path / "local.yaml", data)
    out = run("--data", str(path), "--version").stdout
    assert f"custom knowledge base {path}: version 9.9-local, last reviewed 2031-01-02" in out
    assert "bundled knowledge base" in run("--version").stdout
    src = json.loads(run("sources", "--json", "--data", str(path)).stdout)["knowledge_base"]
    assert src["custom"] is True and src["path"] == str(path) and src["kb_version"] == "9.9-local"
    assert json.loads(run("sources", "--json").stdout)["knowledge_base"]["custom"] is False


def test_other_schema_version_names_the_versions_kl_reads(tmp_path: Path) -> None:
    data = kb_data()
    data["schema_version"] = 1  # a kl 1.x file: periods were free text then
    path = write_kb(tmp_path / "v1.yaml", data)
    supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
    assert_error(
        run("--data", str(path), "values"),
        65,
        f"{path}:1:17: schema_version: schema version '1' is not supported; kl reads version "
        f"{supported}",
    )


def test_invalid_kb_error_counts_the_other_problems(tmp_path: Path) -> None:
    data = kb_data()
    data["bodies"][3]["name"]["en"] = ["not", "text"]
    data["kb_versoin"] = "typo"
    path = write_kb(tmp_path / "two.yaml", data)
    result = run("--data", str(path), "bodies")
    assert_error(result, 65, "(and 1 more; see 'kl validate ")


# --- validate ---------------------------------------------------------------------------------


def test_validate_bundled_kb_says_valid() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"{bundled_yaml()}: valid knowledge base (the bundled one)\n"
    assert result.stderr == ""


def test_validate_lists_every_problem_with_line_column_and_key_path(tmp_path: Path) -> None:
    data = kb_data()
    data["bodies"][3]["name"]["en"] = ["not", "text"]
    data["values"][0]["number"] = "one"
    data["about"]["colour"] = "typo"
    del data["services"]
    path = write_kb(tmp_path / "bad.yaml", data)
    text = path.read_text(encoding="utf-8").splitlines()
    result = run("validate", str(path))
    assert result.exit_code == 65, result.stdout
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{path}: invalid knowledge base, 4 problems"
    problems = lines[:-1]
    assert len(problems) == 4, problems

    def where(key_path: str) -> tuple[int, int, str]:
        line = next(p for p in problems if f": {key_path}: " in p)
        name, lineno, col, rest = line.split(":", 3)
        assert name == str(path)
        return int(lineno), int(col), rest

    lineno, col, rest = where("bodies[3].name.en")
    assert "expected text, got a list" in rest
    assert text[lineno - 1][col - 1 :].startswith("- not")
    lineno, col, rest = where("values[0].number")
    assert "expected a whole number, got 'one'" in rest
    assert text[lineno - 1][col - 1 :] == "one"
    lineno, col, rest = where("about.colour")
    assert "unknown key" in rest and text[lineno - 1][col - 1 :].startswith("colour:")
    assert "missing required key" in where("services")[2]


def test_validate_stops_at_the_first_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("a: [1, 2\nb: {c\nd: 'x\n", encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 65
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{path}:") and "YAML syntax" in lines[0]
    assert lines[1] == f"{path}: invalid knowledge base, 1 problem"


def test_validate_reads_standard_input() -> None:
    exported = run("export").stdout
    result = run("validate", "-", input=exported.encode())
    assert (result.exit_code, result.stdout) == (0, "<stdin>: valid knowledge base\n")
    bad = run("validate", "-", input=b"schema_version: 2\nfoo: bar\n")
    assert bad.exit_code == 65
    assert bad.stdout.splitlines()[0].startswith("<stdin>:2:1: foo: unknown key")


def test_validate_standard_input_is_under_the_same_cap() -> None:
    result = run("validate", "-", input=b"#" * (MAX_BYTES + 1))
    assert result.exit_code == 65
    assert result.stdout == (
        f"<stdin>: input is larger than the limit of {MAX_BYTES} bytes\n"
        "<stdin>: invalid knowledge base, 1 problem\n"
    )


def test_validate_defaults_to_the_kb_in_use(tmp_path: Path) -> None:
    path = write_kb(tmp_path / "mine.yaml", kb_data())
    assert run("validate", "--data", str(path)).stdout == f"{path}: valid knowledge base\n"
    assert run("validate", env={"KL_DATA": str(path)}).stdout == f"{path}: valid knowledge base\n"
    other = tmp_path / "other.yaml"
    other.write_text("[]\n", encoding="utf-8")
    result = run("validate", str(other), "--data", str(path))  # FILE beats the KB in use
    assert result.exit_code == 65 and result.stdout.startswith(f"{other}:1:1: (top level)")


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda d: d, 66, "is a directory, not a knowledge-base file"),
        (lambda d: d / "missing.yaml", 66, "no such file"),
        (lambda d: Path("/dev/zero"), 66, "not a regular file"),
    ],
    ids=["directory", "missing", "device"],
)
def test_validate_unreadable_is_66_with_file_and_message(
    tmp_path: Path, make: Any, code: int, message: str
) -> None:
    target = make(tmp_path)
    result = run("validate", str(target))
    assert result.exit_code == code
    assert result.stdout == f"{target}: {message}\n{target}: cannot be read\n"
    assert result.stderr == ""


def test_validate_prints_hostile_file_names_and_keys_inert(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07[bold].yaml"
    path.write_text('schema_version: 2\n"\\e[2J": x\n', encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 65
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\x1b]0;owned\\x07[bold].yaml:2:1: \\x1b[2J: unknown key" in result.stdout


def test_validate_does_not_use_or_fill_the_cache(tmp_path: Path, isolated_env: Path) -> None:
    path = write_kb(tmp_path / "kb.yaml", kb_data())
    assert run("validate", str(path)).exit_code == 0
    assert cache_files(isolated_env) == []
    assert run("--data", str(path), "values").exit_code == 0
    assert len(cache_files(isolated_env)) == 1
    path.write_text(path.read_text(encoding="utf-8") + "oops: 1\n", encoding="utf-8")
    assert run("validate", str(path)).exit_code == 65


def test_validate_and_export_help_show_examples() -> None:
    for command, example in (("export", "kl export > my-kl.yaml"), ("validate", "kl validate -")):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and example in result.stdout


# --- validate --json and -f yaml: the problems as data, for CI ----------------------------------


def as_text(problem: dict[str, Any]) -> str:
    """A problem object in the text output's grammar: FILE:LINE:COLUMN: path: message, with no
    place when line is null and no key path when path is null ("" is the top level)."""
    where = problem["file"]
    if problem["line"] is not None:
        where += f":{problem['line']}:{problem['column']}"
    key = "" if problem["path"] is None else f" {problem['path'] or '(top level)'}:"
    return f"{where}:{key} {problem['message']}"


def validate_json(*args: str, input: bytes | None = None) -> tuple[int, dict[str, Any]]:
    """`kl validate --json ARGS`: the exit code and the parsed document (stderr checked empty)."""
    result = run("validate", "--json", *args, input=input)
    assert result.stderr == "", result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    assert {k: document[k] for k in ("schema_version", "kind")} == {
        "schema_version": 2,
        "kind": "validate",
    }
    assert set(document) == {"schema_version", "lang", "kind", "summary", "problems"}
    for problem in document["problems"]:
        assert list(problem) == ["file", "line", "column", "path", "message"]
    return result.exit_code, document


def test_validate_json_of_a_valid_file_is_a_summary_and_no_problems(tmp_path: Path) -> None:
    code, bundled = validate_json()
    assert code == 0
    assert bundled["summary"] == {
        "file": str(bundled_yaml()),
        "bundled": True,
        "valid": True,
        "problem_count": 0,
        "truncated": False,
    }
    assert bundled["problems"] == []
    path = write_kb(tmp_path / "mine.yaml", kb_data())
    code, mine = validate_json(str(path))
    assert code == 0 and mine["problems"] == []
    assert mine["summary"] | {"file": None} == bundled["summary"] | {"bundled": False, "file": None}
    assert mine["summary"]["file"] == str(path)
    assert (
        run("validate", "-f", "json", str(path)).stdout
        == run("validate", "--json", str(path)).stdout
    )


def invalid_kb(tmp_path: Path) -> Path:
    """A knowledge base with four schema problems (those the text test above checks)."""
    data = kb_data()
    data["bodies"][3]["name"]["en"] = ["not", "text"]
    data["values"][0]["number"] = "one"
    data["about"]["colour"] = "typo"
    del data["services"]
    return write_kb(tmp_path / "bad.yaml", data)


def test_validate_json_gives_each_problem_as_the_text_line_does(tmp_path: Path) -> None:
    path = invalid_kb(tmp_path)
    source = path.read_text(encoding="utf-8").splitlines()
    text = run("validate", str(path))
    code, document = validate_json(str(path))
    assert code == text.exit_code == 65
    problems = document["problems"]
    lines = text.stdout.splitlines()[:-1]
    # every field, in the same order as the text output: FILE:LINE:COLUMN: path: message
    assert [as_text(p) for p in problems] == lines and len(lines) == 4
    assert document["summary"] == {
        "file": str(path),
        "bundled": False,
        "valid": False,
        "problem_count": 4,
        "truncated": False,
    }
    by_path = {p["path"]: p for p in problems}
    assert set(by_path) == {"bodies[3].name.en", "values[0].number", "about.colour", "services"}
    assert all(p["file"] == str(path) for p in problems)
    name = by_path["bodies[3].name.en"]
    assert source[name["line"] - 1][name["column"] - 1 :].startswith("- not")
    assert name["message"] == "expected text, got a list"
    number = by_path["values[0].number"]
    assert source[number["line"] - 1][number["column"] - 1 :] == "one"
    assert number["message"] == "expected a whole number, got 'one'"
    colour = by_path["about.colour"]
    assert source[colour["line"] - 1][colour["column"] - 1 :].startswith("colour:")
    assert colour["message"].startswith("unknown key")
    assert by_path["services"]["message"] == "missing required key"
    assert all(isinstance(p["line"], int) and isinstance(p["column"], int) for p in problems)


@pytest.mark.parametrize(
    ("raw", "line", "column", "key", "message"),
    [
        (b"a: [1, 2\nb: {c\n", 2, 2, None, "YAML syntax: did not find expected ',' or ']'"),
        (b"[]\n", 1, 1, "", "expected a mapping, got a list"),
        (
            b"#" * (MAX_BYTES + 1),
            None,
            None,
            None,
            f"input is larger than the limit of {MAX_BYTES} bytes",
        ),
    ],
    ids=["syntax-no-key-path", "top-level", "too-large-no-place"],
)
def test_validate_json_gives_null_for_what_a_problem_lacks(
    raw: bytes, line: int | None, column: int | None, key: str | None, message: str
) -> None:
    code, document = validate_json("-", input=raw)
    assert code == 65
    assert document["problems"] == [
        {"file": "<stdin>", "line": line, "column": column, "path": key, "message": message}
    ]
    assert document["summary"]["problem_count"] == 1 and not document["summary"]["valid"]
    text = run("validate", "-", input=raw)
    assert text.exit_code == 65
    assert text.stdout.splitlines()[0] == as_text(document["problems"][0])


def test_validate_json_says_when_the_problems_are_truncated(tmp_path: Path) -> None:
    from kl_cli.store.load import MAX_PROBLEMS

    path = tmp_path / "many.yaml"
    path.write_text("values:\n" + "- v\n" * 1000, encoding="utf-8")
    code, document = validate_json(str(path))
    assert code == 65
    assert len(document["problems"]) == document["summary"]["problem_count"] == MAX_PROBLEMS
    assert document["summary"]["truncated"] is True
    assert [as_text(p) for p in document["problems"]] == run(
        "validate", str(path)
    ).stdout.splitlines()[:-1]
    few = invalid_kb(tmp_path)
    assert validate_json(str(few))[1]["summary"]["truncated"] is False


@pytest.mark.parametrize("fmt", [["--json"], ["-f", "json"], ["-f", "yaml"]])
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d, "is a directory, not a knowledge-base file"),
        (lambda d: d / "missing.yaml", "no such file"),
        (lambda d: Path("/dev/zero"), "not a regular file"),
    ],
    ids=["directory", "missing", "device"],
)
def test_validate_data_of_an_unreadable_file_is_one_line_on_stderr_and_66(
    tmp_path: Path, make: Any, message: str, fmt: list[str]
) -> None:
    target = make(tmp_path)
    result = run("validate", *fmt, str(target))
    assert_error(result, 66, f"kl: error: {target}: {message}")


def test_validate_yaml_is_the_same_document_as_json(tmp_path: Path) -> None:
    import yaml

    for path in (invalid_kb(tmp_path), write_kb(tmp_path / "good.yaml", kb_data())):
        as_json = run("validate", "--json", str(path))
        as_yaml = run("validate", "-f", "yaml", str(path))
        assert as_yaml.exit_code == as_json.exit_code and as_yaml.stderr == ""
        assert as_yaml.stdout.startswith("schema_version: 2\nlang: da\nkind: validate\n")
        assert yaml.safe_load(as_yaml.stdout) == json.loads(as_json.stdout)


def test_validate_json_reads_with_jq(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess

    jq = shutil.which("jq")
    if jq is None:
        if os.environ.get("CI") == "true":
            pytest.fail("jq is not installed; CI installs it")
        pytest.skip("needs jq")
    path = invalid_kb(tmp_path)
    output = run("validate", "--json", str(path)).stdout

    def jq_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([jq, *args], input=output, capture_output=True, text=True)

    # CI's one-liner: the problems as FILE:LINE:COLUMN: path: message, the text's own lines
    lines = jq_run("-r", r'.problems[] | "\(.file):\(.line):\(.column): \(.path): \(.message)"')
    assert lines.returncode == 0, lines.stderr
    assert lines.stdout.splitlines() == run("validate", str(path)).stdout.splitlines()[:-1]
    valid = jq_run("-e", ".summary.valid")  # -e: the exit status says false
    assert (valid.returncode, valid.stdout) == (1, "false\n")
    count = jq_run(".summary.problem_count")
    assert count.stdout == "4\n"
