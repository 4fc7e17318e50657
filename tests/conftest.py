"""Shared test helpers: an isolated environment, the in-process runner, error assertions and
the bundled knowledge base as plain data to copy and break."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from kl_cli.cli.app import app
from kl_cli.core.record import to_data
from kl_cli.present import formats
from kl_cli.store.load import load_bundled

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("KL_UPDATE_GOLDEN") == "1"
BUNDLED = to_data(load_bundled())

# The day every test answers for unless it says otherwise (golden files and the README's
# examples are as of this day, so they do not change with the calendar).
TEST_DAY = "2026-12-01"
_CLEARED = (
    "KL_LANG",
    "KL_DATA",
    "NO_COLOR",
    "FORCE_COLOR",
    "KL_NO_CACHE",
    "TERM",
    "CLICOLOR",
    "KL_PAGER",
    "PAGER",
    "LESS",
)


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own cache directory and none of the user's kl settings."""
    cache = tmp_path_factory.mktemp("cache")
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("KL_AS_OF", TEST_DAY)
    yield cache


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory for corpus files that is also the working directory."""
    directory = tmp_path / "corpus"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def kb_data() -> dict[str, Any]:
    """A fresh, mutable copy of the bundled knowledge base as plain data."""
    return copy.deepcopy(BUNDLED)


def kb_text(data: dict[str, Any] | None = None) -> str:
    """`data` (by default the bundled knowledge base) as a knowledge-base YAML file's text."""
    return formats.to_yaml(kb_data() if data is None else data)


def write_kb(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(kb_text(data), encoding="utf-8")
    return path


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Run kl in-process; exceptions are not swallowed, so a crash fails the test loudly."""
    return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)


def assert_error(result: Result, code: int, message: str) -> None:
    """An error: the exit code, one line on stderr containing `message`, nothing on stdout."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    assert "Traceback" not in result.stderr
    assert message in result.stderr, result.stderr
    if code != 2:  # usage errors carry Typer's usage lines
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("kl: error: "), result.stderr


def widest_line(text: str) -> int:
    """The widest line of rich output but the lines that are one URL (never broken, they may
    be wider than the screen)."""
    return max(
        (len(line) for line in text.splitlines() if not line.lstrip().startswith("http")),
        default=0,
    )


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; KL_UPDATE_GOLDEN=1 rewrites it on purpose."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with KL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def drain(fd: int) -> bytes:
    """Everything a child writes to the terminal whose master end is `fd`, until it closes it."""
    import os

    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)
