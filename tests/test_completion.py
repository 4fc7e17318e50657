"""Shell completion through the real protocol: `_KL_COMPLETE=complete_SHELL` with bash's
COMP_WORDS/COMP_CWORD or Typer's _TYPER_COMPLETE_ARGS for zsh and fish, the scripts
`--show-completion SHELL` prints (run by a real bash), `--install-completion`, and no rich."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kl_cli.cli.commands import completion
from tests.conftest import ROOT, run


def bash(line: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for `line` (a trailing space: a new, empty word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = run(
        env={"_KL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
        | (env or {})
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def zsh(line: str) -> str:
    result = run(env={"_KL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fish(line: str) -> list[str]:
    env = {
        "_KL_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": line,
    }
    result = run(env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


# --- bash ----------------------------------------------------------------------------------------


def test_bodies_be_offers_bestyrelse() -> None:
    assert bash("kl bodies be") == ["bestyrelse"]


def test_values_format_offers_json() -> None:
    offered = bash("kl values -f ")
    assert "json" in offered and {"plain", "yaml", "markdown", "rich"} <= set(offered)
    assert bash("kl values --format j") == ["json"]


def test_subcommands_and_options() -> None:
    commands = bash("kl ")
    for name in ("about", "values", "leadership", "bodies", "statutes", "search", "sources"):
        assert name in commands
    assert "--lang" in bash("kl --")
    assert set(bash("kl --lang ")) == {"da", "en"}
    assert "--limit" in bash("kl search --l")
    assert bash("kl --show-completion ") == ["bash", "zsh", "fish"]


def test_ids_of_values_bodies_and_paragraphs() -> None:
    assert bash("kl values ") == ["dagsordenen", "resultater", "kommunerne", "1", "2", "3"]
    assert bash("kl leadership k") == ["kommunerne"]
    assert bash("kl bodies ") == [
        "delegeretmoede", "bestyrelse", "formand", "formandskab", "udvalg",
        "repraesentantskab", "kkr",
    ]  # fmt: skip
    assert bash("kl bodies form") == ["formand", "formandskab"]


def test_statutes_offers_its_subcommands_and_the_paragraph_ids() -> None:
    offered = bash("kl statutes ")
    assert offered[:2] == ["amendment", "delegates"]
    assert {"1", "4", "6.2", "12-13", "kontingent", "regnskab"} <= set(offered[2:])
    assert bash("kl statutes 6") == ["6", "6.2"]
    assert bash("kl statutes a") == ["amendment"]
    assert "--delegates" in bash("kl statutes amendment --")


def test_completion_reads_the_knowledge_base_in_use_and_stays_quiet_when_it_cannot(
    tmp_path: Path,
) -> None:
    text = (ROOT / "data" / "kl.yaml").read_text(encoding="utf-8")
    for old in ("- id: udvalg\n", "subject: udvalg\n", "object: udvalg\n"):
        assert old in text
        text = text.replace(old, old.replace("udvalg", "udvalgene"))
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    assert bash("kl bodies udv") == ["udvalg"]
    assert bash(f"kl --data {path} bodies udv") == ["udvalgene"]
    assert bash("kl bodies udv", env={"KL_DATA": str(path)}) == ["udvalgene"]
    assert bash("kl bodies be", env={"KL_DATA": "/nonexistent/kl.yaml"}) == []


# --- zsh and fish --------------------------------------------------------------------------------


def test_zsh_offers_ids_with_their_names() -> None:
    out = zsh("kl bodies be")
    assert out.startswith("_arguments '*: :((") and '"bestyrelse":"Bestyrelse"' in out
    out = zsh("kl --lang en bodies be")
    assert '"bestyrelse":"Executive Committee"' in out


def test_zsh_keeps_square_brackets_and_escapes_colons() -> None:
    # a colon: \: for _describe, \\: in double quotes, \\\: past comparguments (see zsh_quote);
    # Rich would take the brackets for markup
    assert r"[env\\\: KL_LANG]" in zsh("kl --la")
    out = zsh("kl statutes ")
    assert r'"6.2":"§ 6 stk. 2\\\: Valgdelegeretmøde"' in out
    assert '"amendment":' in out and '"delegates":' in out


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain text", r'"plain text"'),
        ("a:b", r'"a\\\:b"'),
        ("back\\slash", r'"back\\\\slash"'),
        ('say "hi"', r'"say \"hi\""'),
        ("$(x) `y`", r'"\$(x) \`y\`"'),
        ("it's", r'''"it'\''s"'''),
        ("a \n\t b", r'"a b"'),
        ('end\\" <(touch pwned) \\', r'"end\\\\\" <(touch pwned) \\\\"'),
    ],
)
def test_zsh_quote_quotes_for_each_level_zsh_undoes(text: str, quoted: str) -> None:
    """The real proof is zsh itself (tests/test_completion_shells.py); this pins the format."""
    assert completion.zsh_quote(text) == quoted


def hostile_ids(ctx: object, kind: str, incomplete: str) -> list[tuple[str, str]]:
    """Ids as a forged cache entry could hold them (the schema never lets them through)."""
    return [
        ("bestyrelse", "Bestyrelse"),
        ("$(touch pwned)", "x"),
        ("`touch pwned`", "x"),
        ("a b", "x"),
        ("*", "x"),
        ("a;b", "x"),
        ("a\nb", "x"),
        ("a\\", "x"),
        ("~root", "x"),
        ("ø", "x"),
        ("", "x"),
    ]


def test_only_values_from_the_safe_alphabet_reach_any_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(completion, "ids", hostile_ids)
    assert bash("kl bodies ") == ["bestyrelse"]
    assert zsh("kl bodies ") == '_arguments \'*: :(("bestyrelse":"Bestyrelse"))\'\n'
    assert fish("kl bodies ") == ["bestyrelse\tBestyrelse"]
    assert completion.SAFE_VALUE.match("6.2") and completion.SAFE_VALUE.match("--no-color")


def test_fish_offers_values_with_tab_separated_help() -> None:
    assert "bestyrelse\tBestyrelse" in fish("kl bodies ")
    assert "json" in fish("kl values -f ")
    assert any(line.startswith("search\t") for line in fish("kl "))


def test_fish_is_args_says_whether_there_is_anything_to_offer() -> None:
    env = {"_KL_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "is-args"}
    assert run(env=env | {"_TYPER_COMPLETE_ARGS": "kl bodies be"}).exit_code == 0
    assert run(env=env | {"_TYPER_COMPLETE_ARGS": "kl bodies zz"}).exit_code == 1


# --- the scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _kl_completion kl"),
        ("zsh", "compdef _kl_completion kl"),
        ("fish", "complete --command kl --no-files"),
    ],
)
def test_show_completion_prints_the_named_shells_script(shell: str, marker: str) -> None:
    result = run("--show-completion", shell)
    assert result.exit_code == 0 and result.stderr == ""
    assert marker in result.stdout
    assert f"_KL_COMPLETE=complete_{shell}" in result.stdout
    assert run("--show-completion", shell.upper()).stdout == result.stdout


def test_show_completion_of_another_shell_is_a_usage_error() -> None:
    result = run("--show-completion", "tcsh")
    assert result.exit_code == 2 and result.stdout == ""
    assert "choose bash, zsh or fish, not 'tcsh'" in result.stderr
    assert run("--show-completion").exit_code == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.skipif(
    not (Path(sys.executable).parent / "kl").exists(), reason="needs the installed kl script"
)
def test_a_real_bash_completes_with_the_printed_script(tmp_path: Path) -> None:
    script = tmp_path / "kl.sh"
    script.write_text(run("--show-completion", "bash").stdout, encoding="utf-8")
    program = f"""
source {script}
COMP_WORDS=(kl bodies be); COMP_CWORD=2; _kl_completion kl be bodies
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(kl values -f ''); COMP_CWORD=3; _kl_completion kl '' -f
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("_KL")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "bestyrelse"
    assert "json" in lines[1:]


# --- installing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "script", "rc", "rc_line"),
    [
        ("bash", ".bash_completions/kl.sh", ".bashrc", "source '{home}/.bash_completions/kl.sh'"),
        ("zsh", ".zfunc/_kl", ".zshrc", "fpath+=~/.zfunc"),
        ("fish", ".config/fish/completions/kl.fish", None, None),
    ],
)
def test_install_completion_writes_the_script_for_the_detected_shell(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shell: str,
    script: str,
    rc: str | None,
    rc_line: str | None,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(completion, "detect_shell", lambda: shell)
    result = run("--install-completion", env={"HOME": str(tmp_path)})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{shell} completion installed in {tmp_path / script}")
    assert f"_KL_COMPLETE=complete_{shell}" in (tmp_path / script).read_text()
    if rc is not None and rc_line is not None:
        assert rc_line.format(home=tmp_path) in (tmp_path / rc).read_text()


@pytest.mark.parametrize("found", [None, "tcsh"])
def test_install_completion_for_an_unknown_shell_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, found: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(completion, "detect_shell", lambda: found)
    result = run("--install-completion")
    assert result.exit_code == 2 and result.stdout == ""
    assert "kl --show-completion SHELL" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "env"),
    [
        ("bash", {"COMP_WORDS": "kl statutes ", "COMP_CWORD": "2"}),
        ("zsh", {"_TYPER_COMPLETE_ARGS": "kl "}),
        ("zsh", {"_TYPER_COMPLETE_ARGS": "kl statutes "}),
        (
            "fish",
            {"_TYPER_COMPLETE_ARGS": "kl values -", "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
        ),
    ],
)
def test_completion_never_imports_rich_or_yaml(shell: str, env: dict[str, str]) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("_KL")}
    full |= {"_KL_COMPLETE": f"complete_{shell}", "PYTHONPATH": str(ROOT)} | env
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kl_cli"],
        capture_output=True,
        text=True,
        env=full,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.strip()  # it did offer something
    imported = re.findall(r"\|\s+([\w.]+)\s*$", done.stderr, re.MULTILINE)
    assert "typer" in imported  # the import trace is there
    assert not [m for m in imported if m.split(".")[0] in ("rich", "yaml")]
    assert "typer.rich_utils" not in imported
