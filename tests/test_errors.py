"""One error model: each error carries its exit code, one handler prints it, KL_DEBUG=1 shows the
traceback of an internal error for a bug report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kl_cli.errors import ExitCode, InvalidKB, KlError, LookupFailed, OutputFailed, Problem
from kl_cli.present.views import values as value_views
from kl_cli.store.yamlsafe import KBFileError, KBUnreadableError
from tests.conftest import assert_error, run

ERRORS: list[tuple[KlError, int, str]] = [
    (LookupFailed("no value 'x'"), 1, "kl: error: no value 'x'"),
    (InvalidKB("kb.yaml", [Problem(3, 4, "values[0].id", "bad id")]), 65, "kb.yaml:3:4: values"),
    (KBFileError("kb.yaml", "YAML syntax: oops", 2, 1), 65, "kl: error: kb.yaml:2:1: YAML syntax"),
    (KBUnreadableError("kb.yaml", "No such file or directory"), 66, "kb.yaml: No such file"),
    (OutputFailed("cannot write output: No space left on device"), 74, "No space left"),
]


@pytest.mark.parametrize(("error", "code", "message"), ERRORS, ids=lambda x: type(x).__name__)
def test_each_error_exits_with_its_own_code(
    error: KlError, code: int, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def raising(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(value_views, "values", raising)
    assert error.exit_code == code
    assert_error(run("values"), code, message)


def test_exit_codes_are_the_documented_ones() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 65, 66, 70, 74, 130]
    assert all(c.meaning for c in ExitCode)


def _crash(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_internal_error_is_one_line_without_kl_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_views, "values", _crash)
    assert_error(run("values"), 70, "kl: error: internal error: RuntimeError: boom")


@pytest.mark.parametrize("debug", ["1", "yes"])
def test_kl_debug_prints_the_traceback_of_an_internal_error(
    debug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(value_views, "values", _crash)
    monkeypatch.setenv("KL_DEBUG", debug)
    result = run("values")
    assert result.exit_code == 70 and result.stdout == ""
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "in _crash" in result.stderr and 'raise RuntimeError("boom")' in result.stderr
    assert result.stderr.endswith("kl: error: internal error: RuntimeError: boom\n")


def test_kl_debug_0_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_views, "values", _crash)
    monkeypatch.setenv("KL_DEBUG", "0")
    assert_error(run("values"), 70, "internal error: RuntimeError: boom")


def test_exit_handlers_run_though_kl_skips_the_teardown(tmp_path: Path) -> None:
    marker = tmp_path / "atexit-ran"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
        "sys.argv = ['kl', 'values', '-f', 'plain']\n"
        "from kl_cli.__main__ import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(b"dagsordenen\t1\t"), done.stderr
    assert marker.exists()
