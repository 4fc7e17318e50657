"""The README's examples are the real output of the commands they name.

An example is `<!-- example: kl ARGS -->` followed by a fenced block. Rewrite them all with
`python -m tests.test_readme` after changing output on purpose.
"""

from __future__ import annotations

import re
import shlex
import sys

from tests.conftest import ROOT, run

README = ROOT / "README.md"
EXAMPLE = re.compile(
    r"(<!-- example: kl(?P<args>[^>]*?) -->\n```(?P<lang>[a-z]*)\n)(?P<body>.*?)(```\n)", re.DOTALL
)


def _render(match: re.Match[str]) -> str:
    args = shlex.split(match.group("args"))
    result = run(*args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, (args, result.stderr)
    return match.group(1) + result.stdout + match.group(5)


# The exit-code and environment tables: `<!-- table: NAME -->` and a Markdown table, made from
# the same tables `kl --help` shows (kl_cli.errors.ExitCode, kl_cli.cli.env.ENVIRONMENT).
TABLE = re.compile(r"(<!-- table: (?P<name>[a-z-]+) -->\n)(?P<body>(?:\|.*\n)+)")


def tables() -> dict[str, str]:
    from kl_cli.cli.env import ENVIRONMENT
    from kl_cli.errors import ExitCode

    codes = "".join(f"| {c.value} | {c.meaning} |\n" for c in ExitCode)
    names = "".join(f"| `{name}` | {what} |\n" for name, what in ENVIRONMENT)
    return {
        "exit-codes": "| code | meaning |\n| --- | --- |\n" + codes,
        "environment": "| variable | effect |\n| --- | --- |\n" + names,
    }


def regenerate(text: str) -> str:
    made = tables()
    text = TABLE.sub(lambda m: m.group(1) + made[m.group("name")], text)
    return EXAMPLE.sub(_render, text)


def test_readme_tables_are_the_help_tables() -> None:
    text = README.read_text(encoding="utf-8")
    found = {m.group("name"): m.group("body") for m in TABLE.finditer(text)}
    assert found == tables(), "README tables are stale: run python -m tests.test_readme"


def test_readme_examples_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert EXAMPLE.search(text), "the README has no examples"
    assert regenerate(text) == text, "README examples are stale: run python -m tests.test_readme"


def test_readme_opens_with_what_kl_is_and_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first = text.split("\n\n")[1]
    assert "KL" in first and "command-line" in first
    assert setup_commands(text)[0].endswith("kl values")
    assert "pytest" in setup_commands(text)[1]


def setup_commands(text: str) -> list[str]:
    """The two set-up commands: the first two ```sh blocks, one line each."""
    blocks = re.findall(r"```sh\n(.*?)\n```", text, re.DOTALL)
    return blocks[:2]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands(README.read_text(encoding="utf-8"))[1] in ci.splitlines()


if __name__ == "__main__":
    import os

    os.environ["COLUMNS"] = "80"
    for name in ("KL_LANG", "KL_DATA", "NO_COLOR", "FORCE_COLOR"):
        os.environ.pop(name, None)
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
