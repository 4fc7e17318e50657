"""The README's examples are the real output of the commands they name.

An example is `<!-- example: kl ARGS -->` followed by a fenced block; a pipeline is
`<!-- pipeline -->` followed by a console block of `$ COMMAND` lines, each with its output,
run by the shell with the installed kl and the real cut, awk and grep. Rewrite them all with
`python -m tests.test_readme` after changing output on purpose.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

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


PIPELINE = re.compile(r"(<!-- pipeline -->\n```console\n)(?P<body>.*?)(```\n)", re.DOTALL)


def kl_directory() -> str:
    """Where the installed `kl` is (beside this Python), for the shell's PATH."""
    where = Path(sys.executable).parent
    if not (where / "kl").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the installed kl script is missing; CI installs it")
        pytest.skip(f"needs the installed kl script in {where}")
    return str(where)


def pipeline(body: str, lang: str) -> str:
    """The block's `$ COMMAND` lines, each followed by what the shell prints for it in `lang`."""
    env = os.environ | {"PATH": kl_directory() + os.pathsep + os.environ.get("PATH", "")}
    env |= {"KL_LANG": lang, "LC_ALL": "C.UTF-8"}
    out = []
    for command in (line[2:] for line in body.splitlines() if line.startswith("$ ")):
        done = subprocess.run(
            ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60
        )
        assert (done.returncode, done.stderr) == (0, ""), (command, done.stderr)
        out.append(f"$ {command}\n{done.stdout}")
    return "".join(out)


def regenerate(text: str) -> str:
    made = tables()
    text = TABLE.sub(lambda m: m.group(1) + made[m.group("name")], text)
    text = PIPELINE.sub(lambda m: m.group(1) + pipeline(m.group("body"), "da") + m.group(3), text)
    return EXAMPLE.sub(_render, text)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_readme_pipelines_print_what_they_show_in_either_language(lang: str) -> None:
    """The output contract's cut/awk examples, run by the shell on kl's real output."""
    blocks = [m.group("body") for m in PIPELINE.finditer(README.read_text(encoding="utf-8"))]
    assert blocks, "the README has no pipeline examples"
    for body in blocks:
        assert pipeline(body, lang) == body


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

    from tests.conftest import TEST_DAY

    os.environ["COLUMNS"] = "80"
    os.environ["KL_AS_OF"] = TEST_DAY
    for name in ("KL_LANG", "KL_DATA", "NO_COLOR", "FORCE_COLOR"):
        os.environ.pop(name, None)
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
