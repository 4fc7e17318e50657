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
from typer.testing import CliRunner, Result

from kl_cli.cli.app import app, help_tables
from kl_cli.cli.options import Fmt
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


# --- formats: each command's -f help and completion list what it accepts ------------------------

# What each command needs besides -f to run (the hidden paragraph command is `kl statutes 4`).
NEEDS = {
    ("search",): ["kl"],
    ("statutes", "delegates"): ["--population", "40500"],
    ("statutes", "paragraph"): ["4"],
}
ALL_FORMATS = [f.value for f in Fmt]
PATHS = [(), *sorted(COMMANDS)]


def assert_usage_error(result: Result, path: tuple[str, ...], message: str) -> None:
    """A usage error: exit 2, nothing on stdout, no traceback, and on stderr the usage line of a
    command users can run, the hint, and the error on one line."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and lines[2] == "", lines
    # the command's, or (for an option given before it) a group's on the way to it
    shown = lines[0].removeprefix("Usage: ").split(" [")[0].split()
    assert shown == ["kl", *path[: len(shown) - 1]], lines[0]
    assert not (len(shown) > 1 and COMMANDS[tuple(shown[1:])].hidden), lines[0]
    assert lines[1] == f"Try '{' '.join(shown)} -h' for help."
    assert lines[3].startswith("Error: ") and message in lines[3], lines[3]


def accepted(before: tuple[str, ...], after: tuple[str, ...]) -> list[str]:
    """The formats `kl BEFORE -f FORMAT AFTER` runs with, found by running it with each; every
    other one must be a usage error that names it."""
    path = before + after
    runs = []
    for fmt in ALL_FORMATS:
        result = run(*before, "-f", fmt, *after, *NEEDS.get(path, []))
        if result.exit_code == 2:
            assert_usage_error(result, path, repr(fmt))
        else:
            assert result.exit_code == 0 and result.stdout, (path, fmt, result.stderr)
            runs.append(fmt)
    return runs


def completed(*words: str) -> list[str]:
    """What bash completion offers for the next word after `words`."""
    line = " ".join(["kl", *words, ""])
    env = {"_KL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) + 1)}
    result = run(env=env)
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout.split()


def listed_formats(path: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The formats `kl PATH -h` shows: in the option's metavar, and in its help text's first
    sentence (the formats of the command itself)."""
    text = run(*path, "-h").stdout
    metavar = re.search(r"^  -f, --format <([a-z|]+)>", text, re.MULTILINE)
    assert metavar, text
    sentence = re.search(r"Output format: (.*?)\.", " ".join(text.split()))
    assert sentence, text
    words = re.findall(r"[a-z]+", re.sub(r"\(.*?\)", "", sentence.group(1)))
    return metavar.group(1).split("|"), [w for w in words if w in ALL_FORMATS]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "kl")
def test_each_commands_format_help_and_completion_list_what_it_accepts(
    path: tuple[str, ...],
) -> None:
    runs = set(accepted(path, ()))
    choices, described = listed_formats(path)
    assert set(described) == runs and len(described) == len(runs)
    args = [*path, *NEEDS.get(path, [])]
    assert run(*args).stdout == run(*args, "-f", described[0]).stdout  # the first: the default
    if path:
        assert choices == described
        assert completed(*path, "-f") == completed(*path, "--format") == described
    else:  # the root's -f also stands before a command: it takes what any command has
        assert choices == completed("-f") == ALL_FORMATS
        assert set(choices) == {fmt for p in COMMANDS for fmt in accepted((), p)}


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_a_format_before_the_command_is_accepted_exactly_where_it_is_after(
    path: tuple[str, ...],
) -> None:
    runs = accepted(path, ())
    for cut in range(len(path)):  # -f given to the root, or to a group on the way
        assert accepted(path[:cut], path[cut:]) == runs, path[:cut]


# --- typos: errors name only commands users can run ----------------------------------------------

HIDDEN = sorted(path[-1] for path, command in COMMANDS.items() if command.hidden)
GROUPS = [(), *sorted(p for p, c in COMMANDS.items() if isinstance(c, TyperGroup))]


def assert_names_no_hidden_command(text: str) -> None:
    assert HIDDEN, "the statutes' paragraph command is hidden"
    for name in HIDDEN:
        assert not re.search(rf"\b{name}\b", text), text


@pytest.mark.parametrize("group", GROUPS, ids=lambda p: " ".join(p) or "kl")
def test_a_mistyped_command_is_told_the_visible_command_it_is_close_to(
    group: tuple[str, ...],
) -> None:
    names = [p[-1] for p in VISIBLE if p[:-1] == group]
    assert names
    for name in names:
        typo = name[:-2] + name[-1] + name[-2]  # the last two letters swapped
        result = run(*group, typo)
        assert_usage_error(result, group, f"No such command {typo!r}. Did you mean ")
        assert repr(name) in result.stderr.splitlines()[-1]
        assert_names_no_hidden_command(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["statutes", "amendmnt"], "No such command 'amendmnt'. Did you mean 'amendment'?"),
        (["statutes", "4", "--bogus"], "No such option: --bogus"),
        (["statutes", "4", "5"], "Got unexpected extra argument(s) (5)"),
        (["statutes", "4", "-f", "dot"], "'dot' is not one of"),
        (["statutes", "4", "--json", "-f", "yaml"], "--json conflicts with --format yaml"),
    ],
)
def test_a_usage_error_of_a_hidden_command_shows_the_usage_of_its_group(
    args: list[str], message: str
) -> None:
    result = run(*args)
    assert_usage_error(result, ("statutes",), message)
    assert result.stderr.startswith("Usage: kl statutes [OPTIONS] COMMAND [ARGS]...\n")
    assert_names_no_hidden_command(result.stderr)


def test_suggestions_never_name_a_hidden_command() -> None:
    """Typer's own suggestions come from every command, hidden ones too."""
    from kl_cli.cli.command import Group

    demo = typer.Typer(cls=Group, rich_markup_mode=None)
    demo.command("shown")(lambda: None)
    demo.command("shadow", hidden=True)(lambda: None)
    result = CliRunner().invoke(demo, ["shadw"])
    assert result.exit_code == 2
    assert "No such command 'shadw'." in result.stderr and "shadow" not in result.stderr
    assert "Did you mean 'shown'?" in CliRunner().invoke(demo, ["shwn"]).stderr
