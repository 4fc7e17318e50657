"""Golden files: every format of every command at width 80, compared exactly.

KL_UPDATE_GOLDEN=1 rewrites them on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kl_cli.core.record import to_data
from kl_cli.present import formats
from kl_cli.store.load import load_bundled
from tests.conftest import check_golden, run, widest_line
from tests.test_cli import COMMANDS

EXTENSIONS = {"json": "json", "yaml": "yaml", "markdown": "md"}


def _name(args: list[str], lang: str, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(args).lower()).strip("-") or "overview"
    return f"{slug}.{lang}.{fmt}.{EXTENSIONS.get(fmt, 'txt')}"


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", ["rich", "plain", "json", "yaml", "markdown"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_golden(args: list[str], fmt: str, lang: str) -> None:
    result = run(*args, "-f", fmt, "--lang", lang, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    check_golden(_name(args, lang, fmt), result.stdout)


# Commands outside the reference set (tests/test_cli.py COMMANDS), pinned in every format too.
MORE = [["org"], ["search", "kommunekontaktraad"], ["search", "executive", "committee"]]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", ["rich", "plain", "json", "yaml", "markdown"])
@pytest.mark.parametrize("args", MORE, ids=" ".join)
def test_golden_org_and_search(args: list[str], fmt: str, lang: str) -> None:
    result = run(*args, "-f", fmt, "--lang", lang, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    check_golden(_name(args, lang, fmt), result.stdout)


def test_rich_at_40_columns() -> None:
    for args in (["bodies"], ["bodies", "kkr"], ["values", "2"]):
        result = run(*args, "-f", "rich", env={"COLUMNS": "40"})
        assert result.exit_code == 0
        assert widest_line(result.stdout) <= 40
        check_golden(_name(args, "da", "rich40"), result.stdout)


MARKDOWN_SPECIAL = (
    "Pipe | star * under_score [bracket] <tag> back\\slash `tick` #hash & amp $dollar"
)


def special_kb(tmp_path: Path) -> Path:
    """The bundled knowledge base with a body name and a value title of MARKDOWN_SPECIAL."""
    data = to_data(load_bundled())
    data["bodies"][0]["name"] = {"da": MARKDOWN_SPECIAL, "en": MARKDOWN_SPECIAL}
    data["values"][0]["title"] = {"da": MARKDOWN_SPECIAL, "en": MARKDOWN_SPECIAL}
    path = tmp_path / "special.yaml"
    path.write_text(formats.to_yaml(data), encoding="utf-8")
    return path


def test_markdown_of_special_characters(tmp_path: Path) -> None:
    """Markdown escaping, pinned on text that holds every character Markdown treats specially."""
    path = special_kb(tmp_path)
    for args, name in ((["bodies"], "bodies"), (["values"], "values")):
        result = run("--data", str(path), *args, "-f", "markdown")
        assert result.exit_code == 0, result.stderr
        check_golden(f"special-{name}.da.markdown.md", result.stdout)
