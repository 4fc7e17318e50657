"""Property tests: arbitrary argv gives only documented exit codes, and arbitrary bytes never
break either YAML loader nor reach an internal error as --data or on stdin.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kl_cli.store.load import validate_bytes
from tests.conftest import assert_error, run
from tests.hostile import HUGE, LONG

# --- property tests: arbitrary argv and arbitrary bytes -------------------------------------------

DOCUMENTED = {0, 1, 2, 65, 66}  # what any input may produce; 70 would be a bug, 74/130 plumbing
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
            "schema_version: 2\n",
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
