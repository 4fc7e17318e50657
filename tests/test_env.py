"""cli/env.py owns the environment: read at call time, and swapped whole for a test."""

from __future__ import annotations

import io

from kl_cli.cli.env import ENVIRONMENT, Environment, env, using
from tests.conftest import run


def test_an_environment_is_read_when_used_not_when_made() -> None:
    variables: dict[str, str] = {}
    e = Environment(environ=variables, stdout=io.StringIO())
    assert e.terminal_width() == 80
    variables["COLUMNS"] = "132"
    assert e.terminal_width() == 132
    for bad in ("²", "-5", "0", "1" * 7, "abc"):
        variables["COLUMNS"] = bad
        assert e.terminal_width() == 80, bad
    variables["COLUMNS"] = "3"
    assert e.terminal_width() == 20


def test_colour_rules() -> None:
    pipe = Environment(environ={}, stdout=io.StringIO())
    assert not pipe.colour(False)  # not a terminal
    forced = Environment(environ={"FORCE_COLOR": "1"}, stdout=io.StringIO())
    assert forced.colour(False) and not forced.colour(True)
    for off in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        assert not Environment(environ={"FORCE_COLOR": "1", **off}).colour(False)


def test_a_swapped_environment_is_the_one_kl_runs_with() -> None:
    outer = env()
    with using(Environment(environ={"KL_LANG": "en", "COLUMNS": "80"})) as inner:
        assert env() is inner
        result = run("values", "-f", "plain")
        assert result.exit_code == 0
        assert result.stdout.startswith("dagsordenen\t1\tWe proactively seek")
    assert env() is not inner and type(env()) is type(outer)
    assert run("values", "-f", "plain").stdout.startswith("dagsordenen\t1\tVi søger")


def test_debug_is_a_switch() -> None:
    assert Environment(environ={"KL_DEBUG": "1"}).debug
    assert not Environment(environ={"KL_DEBUG": "0"}).debug
    assert not Environment(environ={}).debug


def test_every_variable_kl_reads_is_in_the_table() -> None:
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "kl_cli"
    read = set()
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(
            re.findall(r"""(?:get|flag|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""", text)
        )
    documented = {name for name, _ in ENVIRONMENT} | {"HOME", "SHELL"}
    assert read <= documented, read - documented
