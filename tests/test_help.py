"""Help: every command (found by walking the real command tree) has help with a real example
and is in the README; the root help lists the commands one line each and ends with the exit
codes and environment variables, unwrapped."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer._click import Command  # Typer's bundled Click, as kl_cli's completion uses
from typer.core import TyperGroup

from kl_cli.cli.app import app, help_tables
from tests.conftest import ROOT, run


def _commands(
    command: Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command under `command`, by path; every group of kl's is a TyperGroup."""
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield (*path, name), sub
            yield from _commands(sub, (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = dict(_commands(ROOT_COMMAND))
VISIBLE = sorted(path for path, command in COMMANDS.items() if not command.hidden)


def test_the_tree_holds_the_commands_of_both_issues() -> None:
    names = {" ".join(path) for path in VISIBLE}
    assert {"values", "bodies", "statutes", "statutes amendment", "search"} <= names


def _examples(text: str) -> list[str]:
    """The example command lines of a help text (after its "Example(s):" line)."""
    parts = re.split(r"^  Examples?:$", text, maxsplit=1, flags=re.MULTILINE)
    return re.findall(r"^    (kl\b.*)$", parts[1], re.MULTILINE) if len(parts) == 2 else []


def _segments(example: str) -> list[list[str]]:
    """A pipeline's commands (each an argv); a final `> FILE` is kept as ['>', FILE]."""
    out = []
    for part in example.split("|"):
        command, _, target = part.partition(">")
        out.append(shlex.split(command) + ([">", target.strip()] if target.strip() else []))
    return out


@pytest.mark.parametrize("path", [(), *sorted(COMMANDS)], ids=lambda p: " ".join(p) or "kl")
def test_every_command_has_help_with_a_real_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0 and result.stderr == ""
    assert run(*path, "-h").stdout == result.stdout
    examples = _examples(result.stdout)
    assert examples, result.stdout
    # each example uses this command (a hidden one is reached through its parent's name)
    shown = path[:-1] if path and COMMANDS[path].hidden else path
    starts = {tuple(argv[1 : 1 + len(shown)]) for e in examples for argv in _segments(e)}
    assert shown in starts, examples


def test_every_example_in_help_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples of every help in the order the root help lists the commands, in one
    directory, as a reader trying them would: `kl export > f` makes the file `kl validate f`
    reads. The kl commands of a pipeline run with the previous one's output as input."""
    monkeypatch.chdir(tmp_path)
    order = [(), *sorted(VISIBLE, key=lambda p: [_listed(p[: i + 1]) for i in range(len(p))])]
    for path in order:
        for example in _examples(run(*path, "--help").stdout):
            stdin: str | None = None
            for argv in _segments(example):
                if argv[0] != "kl":
                    break  # another program (dot): kl's part has run
                target = argv[argv.index(">") + 1] if ">" in argv else None
                args = argv[1 : argv.index(">")] if target else argv[1:]
                result = run(*args, input=stdin)
                assert result.exit_code == 0, (example, result.stderr)
                assert result.stdout, example
                stdin = result.stdout
                if target:
                    (tmp_path / target).write_text(result.stdout, encoding="utf-8")


def _listed(path: tuple[str, ...]) -> int:
    """Where a command comes in its group's help listing."""
    group = COMMANDS[path[:-1]] if len(path) > 1 else ROOT_COMMAND
    assert isinstance(group, TyperGroup), path
    return list(group.commands).index(path[-1])


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        " ".join(path)
        for path in VISIBLE
        if not re.search(rf"\bkl {re.escape(' '.join(path))}\b", readme)
    ]
    assert not missing, f"commands not in README.md: {missing}"


def test_root_help_lists_each_command_on_one_line() -> None:
    text = run("--help").stdout
    section = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    top = [path[0] for path in VISIBLE if len(path) == 1]
    assert sorted(line.split()[0] for line in section) == sorted(top)
    assert all(len(line.split(None, 1)) == 2 for line in section)  # a name and its line
    assert all(len(line) <= 80 for line in section)
    assert not any(line.endswith("...") for line in section), section  # nothing truncated


def test_root_help_ends_with_exit_codes_and_environment_unwrapped() -> None:
    text = run("--help", env={"COLUMNS": "80"}).stdout
    tail = text.split("\nCommands:\n", 1)[1]
    lines = [line for line in help_tables().splitlines() if line.strip() not in ("", "\b")]
    shown = [line.strip() for line in tail.splitlines()]
    for line in lines:
        assert line.strip() in shown, line
    assert shown.index("Exit codes:") < shown.index("Environment:")
    assert [line for line in shown if line][-1] == lines[-1].strip()
    for code in ("0", "1", "2", "65", "66", "70", "74", "130"):
        assert any(line.split()[:1] == [code] for line in shown)
    for variable in ("KL_LANG", "KL_DATA", "NO_COLOR", "TERM", "KL_DEBUG", "KL_NO_CACHE"):
        assert any(line.startswith(variable) for line in shown)
