"""Golden files: rich and plain output at width 80, compared exactly (KL_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import check_golden, run
from tests.test_cli import COMMANDS


def _name(args: list[str], lang: str, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(args).lower()).strip("-") or "overview"
    return f"{slug}.{lang}.{fmt}.txt"


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", ["rich", "plain"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_golden(args: list[str], fmt: str, lang: str) -> None:
    result = run(*args, "-f", fmt, "--lang", lang, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    check_golden(_name(args, lang, fmt), result.stdout)


def test_rich_at_40_columns() -> None:
    for args in (["bodies"], ["bodies", "kkr"], ["values", "2"]):
        result = run(*args, "-f", "rich", env={"COLUMNS": "40"})
        assert result.exit_code == 0
        assert max(len(line) for line in result.stdout.splitlines()) <= 40
        check_golden(_name(args, "da", "rich40"), result.stdout)
