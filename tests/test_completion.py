"""Shell completion through the real protocol: `_KL_COMPLETE=complete_SHELL` with bash's
COMP_WORDS/COMP_CWORD or Typer's _TYPER_COMPLETE_ARGS for zsh and fish, the scripts
`--show-completion SHELL` prints (run by a real bash), `--install-completion`, and no rich."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from kl_cli.cli import options
from kl_cli.cli.app import app
from kl_cli.cli.commands import completion
from tests.conftest import ROOT, run


def bash(line: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers kl's script for `line` (a trailing space: a new, empty
    word); `env` may drop _KL_COMPLETE_FILES (as a script of an older kl does)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    protocol = {"_KL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    result = run(env=protocol | {"_KL_COMPLETE_FILES": "1"} | (env or {}))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def zsh(line: str) -> str:
    result = run(env={"_KL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fish(line: str, files: str = "1") -> list[str]:
    env = {
        "_KL_COMPLETE": "complete_fish",
        "_KL_COMPLETE_FILES": files,
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": line,
    }
    result = run(env=env)
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


# --- bash ----------------------------------------------------------------------------------------


def test_bodies_be_offers_bestyrelse() -> None:
    assert bash("kl bodies be") == ["bestyrelse"]


def test_values_format_offers_json() -> None:
    offered = bash("kl values -f ")
    assert "json" in offered and {"plain", "yaml", "markdown", "rich"} <= set(offered)
    assert bash("kl values --format j") == ["json"]
    assert bash("kl values --format J") == ["json"]


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("kl bodies BEST", ["bestyrelse"]),
        ("kl bodies Bestyr", ["bestyrelse"]),
        ("kl bodies repræ", ["repraesentantskab"]),  # æ as ae, as lookups fold it
        ("kl bodies REPRÆ", ["repraesentantskab"]),
        ("kl bodies repra", ["repraesentantskab"]),  # and as a
        ("kl bodies DELEGERETMØ", ["delegeretmoede"]),
        ("kl bodies FORM", ["formand", "formandskab"]),
        ("kl values DAG", ["dagsordenen"]),
        ("kl leadership K", ["kommunerne"]),
        ("kl statutes KONT", ["kontingent"]),
        ("kl statutes paragraph REGN", ["regnskab"]),
    ],
)
def test_ids_complete_in_any_case_and_with_danish_letters(line: str, offered: list[str]) -> None:
    assert bash(line) == offered
    assert [entry.split("\t")[0] for entry in fish(line)] == offered
    assert all(f'"{word}:' in zsh(line) for word in offered)


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
    assert bash("kl sources silkeborg-d") == ["silkeborg-delegerede"]


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
    for old in ("- id: udvalg\n", "subject: udvalg\n", "object: udvalg\n", "body: udvalg\n"):
        assert old in text
        text = text.replace(old, old.replace("udvalg", "udvalgene"))
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    assert bash("kl bodies udv") == ["udvalg"]
    assert bash(f"kl --data {path} bodies udv") == ["udvalgene"]
    assert bash("kl bodies udv", env={"KL_DATA": str(path)}) == ["udvalgene"]
    assert bash("kl bodies be", env={"KL_DATA": "/nonexistent/kl.yaml"}) == []


# --- zsh and fish --------------------------------------------------------------------------------


def test_zsh_offers_ids_with_their_names_for_describe_to_insert_as_they_are() -> None:
    out = zsh("kl bodies be")
    assert out == (
        'local -a _kl_offered; _kl_offered=( "bestyrelse:Bestyrelse" ); '
        "_describe kl _kl_offered -U\n"
    )  # -U: zsh inserts kl's match though it does not start with what was typed (BE, repræ)
    assert '"bestyrelse:Executive Committee"' in zsh("kl --lang en bodies be")


def test_zsh_completes_only_the_value_of_an_option_with_equals() -> None:
    assert zsh("kl --format=j").startswith("compset -P '*='; ")
    assert '"json"' in zsh("kl --format=j")
    assert "compset" not in zsh("kl --format j")


def test_zsh_keeps_square_brackets_and_escapes_colons() -> None:
    # a colon: \: for _describe, \\: in double quotes (see zsh_word); Rich would take the
    # brackets for markup
    assert r"[env\\: KL_LANG]" in zsh("kl --la")
    out = zsh("kl statutes ")
    assert r'"6.2:§ 6 stk. 2\\: Valgdelegeretmøde"' in out
    assert '"amendment:' in out and '"delegates:' in out


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain text", r'"v:plain text"'),
        ("a:b", r'"v:a\\:b"'),
        ("back\\slash", r'"v:back\\\\slash"'),
        ('say "hi"', r'"v:say \"hi\""'),
        ("$(x) `y`", r'"v:\$(x) \`y\`"'),
        ("it's", '"v:it\'s"'),
        ("a \n\t b", r'"v:a b"'),
        ('end\\" <(touch pwned) \\', r'"v:end\\\\\" <(touch pwned) \\\\"'),
    ],
)
def test_zsh_word_quotes_for_each_level_zsh_undoes(text: str, quoted: str) -> None:
    """The real proof is zsh itself (tests/test_completion_shells.py); this pins the format."""
    assert completion.zsh_word("v", text) == quoted
    assert completion.zsh_word("6.2") == '"6.2"'


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
    assert '_kl_offered=( "bestyrelse:Bestyrelse" );' in zsh("kl bodies ")
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


# --- file names only where a file is meant --------------------------------------------------------


FILE_WORDS = ["kl --data ", "kl --data my", "kl bodies --data ", "kl validate ", "kl validate my"]
NO_FILE_WORDS = ["kl bodies zz", "kl bodies ZZ", "kl search ", "kl search zz", "kl zz",
                 "kl values 9", "kl statutes zz", "kl statutes delegates --population ",
                 "kl --lang x"]  # fmt: skip


@pytest.mark.parametrize("line", FILE_WORDS)
def test_only_data_and_validate_ask_the_shell_for_file_names(line: str) -> None:
    assert bash(line) == [completion.FILES]
    assert fish(line) == [completion.FILES]
    assert zsh(line) == "_files\n"
    # a script of an older kl (no _KL_COMPLETE_FILES) gets nothing, and completes files itself
    assert bash(line, env={"_KL_COMPLETE_FILES": ""}) == []
    assert fish(line, files="") == []


@pytest.mark.parametrize("line", NO_FILE_WORDS)
def test_nothing_to_offer_is_nothing_not_file_names(line: str) -> None:
    assert bash(line) == [] and fish(line) == [] and zsh(line) == "\n"


def _params(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for param in command.params:
        yield path, param
    for name, sub in getattr(command, "commands", {}).items():
        yield from _params(sub, (*path, name))


def test_the_parameters_that_take_file_names_are_data_and_validates_file() -> None:
    files = {
        (path, param.name)
        for path, param in _params(typer.main.get_command(app))
        if isinstance(param.type, options.FileName)
    }
    paths = {path for path, _ in _params(typer.main.get_command(app))}
    assert files == {(path, "data") for path in paths} | {(("validate",), "file")}


# --- the scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -F _kl_completion kl\n"),
        ("zsh", "    compdef _kl kl\nfi\n"),
        ("fish", "complete --command kl --no-files --arguments '(__kl_complete)'\n"),
    ],
)
def test_show_completion_prints_the_named_shells_script(shell: str, marker: str) -> None:
    result = run("--show-completion", shell)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.endswith(marker)
    assert f"_KL_COMPLETE=complete_{shell}" in result.stdout
    assert run("--show-completion", shell.upper()).stdout == result.stdout
    assert "-o default" not in result.stdout.replace("compopt -o default", "")  # no file fallback


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
COMP_WORDS=(kl bodies BE); COMP_CWORD=2; _kl_completion kl BE bodies
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(kl values -f ''); COMP_CWORD=3; _kl_completion kl '' -f
printf '%s\\n' "${{COMPREPLY[@]}}"
complete -p kl
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
    assert lines[-1] == "complete -F _kl_completion kl"  # no -o default: no file names


# --- installing ----------------------------------------------------------------------------------


def install_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home for installing into, with the user's own start-up files."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'\n", encoding="utf-8")
    (home / ".zshrc").write_text("zstyle ':completion:*' menu no", encoding="utf-8")  # no \n
    for name in ("HOME", "ZDOTDIR", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    return home


def files_in(home: Path) -> dict[str, str]:
    return {
        str(p.relative_to(home)): p.read_text(encoding="utf-8")
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


ZSH_LINE = (
    "fpath+=('{home}/.zfunc'); if (( $+functions[compdef] )); then autoload -Uz _kl && "
    "compdef _kl kl; else autoload -Uz compinit && compinit; fi\n"
)


@pytest.mark.parametrize(
    ("shell", "script", "rc", "rc_line"),
    [
        ("bash", ".bash_completions/kl.sh", ".bashrc", "source '{home}/.bash_completions/kl.sh'\n"),
        ("zsh", ".zfunc/_kl", ".zshrc", ZSH_LINE),
        ("fish", ".config/fish/completions/kl.fish", None, None),
    ],
)
@pytest.mark.parametrize("detected", ["bash", "zsh", "fish", None])
def test_install_completion_for_a_named_shell_writes_its_script_and_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    detected: str | None,
    shell: str,
    script: str,
    rc: str | None,
    rc_line: str | None,
) -> None:
    """Whatever shell kl runs under; the user's start-up files keep every line they had."""
    home = install_home(tmp_path, monkeypatch)
    monkeypatch.setattr(completion, "detect_shell", lambda: detected)
    before = files_in(home)
    for _ in range(2):  # installing again adds nothing
        result = run("--install-completion", shell)
        assert result.exit_code == 0 and result.stderr == ""
        assert result.stdout.startswith(f"{shell} completion installed in {home / script}\n")
    after = files_in(home)
    assert after.pop(script) == run("--show-completion", shell).stdout
    if rc is not None and rc_line is not None:
        old = before.pop(rc)
        assert after.pop(rc) == old + ("" if old.endswith("\n") else "\n") + rc_line.format(
            home=home
        )
    assert after == before  # nothing else written or changed: no zstyle, no other setting


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_install_completion_without_a_shell_installs_for_the_detected_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shell: str
) -> None:
    home = install_home(tmp_path, monkeypatch)
    monkeypatch.setattr(completion, "detect_shell", lambda: shell)
    result = run("--install-completion")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{shell} completion installed in {home}/")
    assert run("--lang", "en", "--install-completion").stdout.startswith(shell)


def test_install_completion_follows_zdotdir_and_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = install_home(tmp_path, monkeypatch)
    monkeypatch.setenv("ZDOTDIR", str(tmp_path / "zdot"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert run("--install-completion", "zsh").exit_code == 0
    assert ZSH_LINE.format(home=home) == (tmp_path / "zdot" / ".zshrc").read_text()
    assert run("--install-completion", "fish").exit_code == 0
    assert (tmp_path / "config" / "fish" / "completions" / "kl.fish").is_file()
    assert not (home / ".config").exists()


@pytest.mark.parametrize("found", [None, "tcsh"])
def test_install_completion_for_an_unknown_shell_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, found: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(completion, "detect_shell", lambda: found)
    result = run("--install-completion")
    assert result.exit_code == 2 and result.stdout == ""
    assert "kl --install-completion zsh" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("--install-completion", "tcsh")
    assert result.exit_code == 2 and result.stdout == ""
    assert "choose bash, zsh or fish, not 'tcsh'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_install_completion_completes_the_shells() -> None:
    assert bash("kl --install-completion ") == ["bash", "zsh", "fish"]
    assert bash("kl --install-completion z") == ["zsh"]


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
