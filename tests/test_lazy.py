"""A run pays for what it uses: Typer builds only the commands a run looks up, and the bundled
knowledge base revives its parts and sources only when a command reads them. (How fast that is
is bench/startup.py's to say; these tests say that the work is not done at all.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from kl_cli.core.record import by_id
from kl_cli.present.views.values import values
from kl_cli.store import compiled
from kl_cli.store.load import load_bundled
from kl_cli.store.locate import KB_COMPILED, data_dir
from tests.conftest import run

TEST_DAY = "2026-12-01"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the commands Typer builds into Click's form during a test."""
    names: list[str] = []
    command, group = typer.main.get_command_from_info, typer.main.get_group_from_info

    def count_command(command_info: Any, **kwargs: Any) -> Any:  # Typer passes it by name
        names.append(command_info.name)
        return command(command_info, **kwargs)

    def count_group(group_info: Any, **kwargs: Any) -> Any:
        names.append(group_info.name or "(root)")
        return group(group_info, **kwargs)

    monkeypatch.setattr(typer.main, "get_command_from_info", count_command)
    monkeypatch.setattr(typer.main, "get_group_from_info", count_group)
    yield names


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["values", "-f", "plain"], ["(root)", "values"]),
        (["municipalities", "aarhus", "--json"], ["(root)", "municipalities"]),
        (["statutes", "amendment", "--json"], ["(root)", "statutes", "amendment"]),
        (["statutes", "4", "-f", "plain"], ["(root)", "statutes", "paragraph"]),
        ([], ["(root)"]),
    ],
)
def test_a_run_builds_only_the_commands_it_runs(
    isolated_env: Path, built: list[str], args: list[str], expected: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert built == expected


def test_help_a_typo_and_completion_still_see_every_command(
    isolated_env: Path, built: list[str]
) -> None:
    shown = run("--help").stdout
    for name in ("values", "bodies", "municipalities", "people", "review", "statutes"):
        assert f"  {name} " in shown
    assert "kommuner" not in shown  # hidden: built, and left out of help as before
    assert {"values", "kommuner", "statutes"} <= set(built)
    typo = run("municipalitis")
    assert typo.exit_code == 2 and "Did you mean 'municipalities'?" in typo.stderr
    assert "Traceback" not in typo.stderr


def test_the_bundled_knowledge_base_revives_nothing_it_is_not_asked_for() -> None:
    kb = load_bundled()
    held = object.__getattribute__(kb, "__dict__")
    for name in (*compiled.PARTS, *compiled.BY_ID):
        assert name not in held, f"{name} revived on loading"
    from datetime import date

    view = values(kb, "da", as_of=date.fromisoformat(TEST_DAY))
    cited = {s["id"] for v in view.data["values"] for s in v["sources"]}
    assert cited
    revived = by_id(kb, "sources")._revived  # type: ignore[attr-defined]
    assert set(revived) == cited, "only the sources the view cites are revived"
    assert not any(name in held for name in compiled.BY_ID)


def test_revived_lazily_is_the_same_knowledge_base_as_revived_whole() -> None:
    text = (data_dir() / KB_COMPILED).read_text(encoding="utf-8")
    lazy, whole = compiled.loads(text), compiled.loads_checked(text)
    assert [s.id for s in lazy.sources] == [s.id for s in whole.sources]
    assert lazy == whole
    # each source revived by id is the one the whole tuple holds
    again = compiled.loads(text)
    first = by_id(again, "sources")["seed"]
    assert again.sources[0] is first


def test_a_search_makes_snippets_only_for_the_hits_it_shows(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kl_cli.core import search

    made: list[str] = []
    snippet = search.make_snippet

    def counted(text: str, spans: Any, *args: Any) -> Any:
        made.append(text)
        return snippet(text, spans, *args)

    monkeypatch.setattr(search, "make_snippet", counted)
    result = run("search", "bestyrelse", "--limit", "3", "--json")
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["total"] > 10 and len(data["hits"]) == 3
    assert len(made) == 3


def test_the_garbage_collector_is_off_before_typer_is_imported() -> None:
    """Importing Typer, Rich and kl sets off full collections that find nothing to free; the
    entry point turns collection off before it imports any of them."""
    import subprocess
    import sys

    child = (
        "import gc, sys, types\n"
        "import kl_cli.__main__ as entry\n"
        "fake = types.ModuleType('kl_cli.cli.app')\n"
        "def main():\n"
        "    print(gc.isenabled(), 'typer' in sys.modules)\n"
        "fake.main = main\n"
        "sys.modules['kl_cli.cli.app'] = fake\n"
        "entry.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "False False\n"
