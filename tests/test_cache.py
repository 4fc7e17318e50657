"""The cache of validated user knowledge bases: an optimisation that can never change an answer."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kl_cli import __version__, formats
from kl_cli.kb import load_bundled
from kl_cli.record import to_data
from tests.conftest import ROOT, assert_error, run

ENTRY = re.compile(rf"[0-9a-f]{{64}}-{re.escape(__version__)}\.json")
ARGS = ("bodies", "bestyrelse", "--json")


@pytest.fixture
def kb_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb" / "mine.yaml"
    path.parent.mkdir()
    path.write_text(formats.to_yaml(to_data(load_bundled())), encoding="utf-8")
    return path


def all_files(root: Path) -> list[Path]:
    """Everything under root, hidden files and leftovers included."""
    return sorted(p.relative_to(root) for p in root.rglob("*") if not p.is_dir())


def uncached(kb_file: Path) -> str:
    result = run("--data", str(kb_file), *ARGS, env={"KL_NO_CACHE": "1"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_valid_kb_is_cached_once_as_a_plain_file(kb_file: Path, isolated_env: Path) -> None:
    cold = run("--data", str(kb_file), *ARGS)
    assert cold.exit_code == 0, cold.stderr
    files = all_files(isolated_env)
    assert len(files) == 1 and files[0].parent == Path("kl") and ENTRY.fullmatch(files[0].name)
    entry = isolated_env / files[0]
    assert entry.stat().st_mode & 0o111 == 0, "cache files are not executable"
    assert stat.S_IMODE((isolated_env / "kl").stat().st_mode) == 0o700
    before = entry.read_bytes()
    warm = run("--data", str(kb_file), *ARGS)
    assert warm.stdout == cold.stdout == uncached(kb_file)
    assert all_files(isolated_env) == files and entry.read_bytes() == before


def test_a_warm_cache_skips_parsing(
    kb_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = run("--data", str(kb_file), *ARGS)
    import kl_cli.yamlsafe

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although the cache holds this file")

    monkeypatch.setattr(kl_cli.yamlsafe, "parse", no_parsing)
    assert run("--data", str(kb_file), *ARGS).stdout == cold.stdout


def test_kl_no_cache_writes_nothing(kb_file: Path, isolated_env: Path) -> None:
    uncached(kb_file)
    assert all_files(isolated_env) == [] and not (isolated_env / "kl").exists()


def test_bundled_kb_and_invalid_kb_write_nothing(tmp_path: Path, isolated_env: Path) -> None:
    assert run("values").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\n", encoding="utf-8")
    assert_error(run("--data", str(bad), "values"), 65, "missing required key")
    assert all_files(isolated_env) == []


def test_changed_file_is_read_again(kb_file: Path) -> None:
    before = run("--data", str(kb_file), "--version").stdout
    kb_file.write_text(
        kb_file.read_text(encoding="utf-8").replace("kb_version: 1.0.0", "kb_version: 1.0.1"),
        encoding="utf-8",
    )
    after = run("--data", str(kb_file), "--version").stdout
    assert "version 1.0.0" in before and "version 1.0.1" in after


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"\xff\xfe garbage",
        b"[]",
        b'{"format": 999, "kb": {}}',
        b'{"format": 1, "kb": {"$": "NoSuchRecord"}}',
        b'{"format": 1, "kb": {"$": "KnowledgeBase", "surprise": 1}}',
        b'{"format": 1, "kb": {"$": "Text", "da": "x", "en": "y"}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "empty",
        "truncated",
        "binary",
        "wrong-shape",
        "other-format-version",
        "unknown-record",
        "unknown-field",
        "not-a-kb",
        "deep-nesting",
    ],
)
def test_corrupt_or_stale_cache_entry_is_ignored_and_replaced(
    kb_file: Path, isolated_env: Path, content: bytes
) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    good = (isolated_env / entry).read_bytes()
    (isolated_env / entry).write_bytes(content)
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", expected)
    assert (isolated_env / entry).read_bytes() == good
    assert all_files(isolated_env) == [entry], "no temporary files left behind"


@pytest.mark.parametrize("kind", ["directory", "symlink-to-device", "symlink-loop"])
def test_cache_entry_that_is_not_a_file_is_ignored(
    kb_file: Path, isolated_env: Path, kind: str
) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    target = isolated_env / entry
    target.unlink()
    if kind == "directory":
        target.mkdir()
    elif kind == "symlink-to-device":
        target.symlink_to("/dev/zero")
    else:
        target.symlink_to(target)
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", expected)


def test_cache_entry_that_is_a_fifo_does_not_hang(kb_file: Path, isolated_env: Path) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    (isolated_env / entry).unlink()
    os.mkfifo(isolated_env / entry)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kl_cli", "--data", str(kb_file), *ARGS],
        capture_output=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert (done.returncode, done.stderr, done.stdout.decode()) == (0, b"", expected)


def test_missing_cache_directory_is_skipped(
    kb_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "no" / "such" / "dir"
    monkeypatch.setenv("XDG_CACHE_HOME", str(nowhere))
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", uncached(kb_file))
    assert not (tmp_path / "no").exists()


def test_unwritable_cache_location_is_skipped(
    kb_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc")  # not writable, even for root
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", uncached(kb_file))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_directory_is_skipped(kb_file: Path, isolated_env: Path) -> None:
    (isolated_env / "kl").mkdir(mode=0o500)
    try:
        result = run("--data", str(kb_file), *ARGS)
        assert (result.exit_code, result.stderr, result.stdout) == (0, "", uncached(kb_file))
        assert all_files(isolated_env) == []
    finally:
        (isolated_env / "kl").chmod(0o700)


def test_cache_path_taken_by_a_file_is_skipped(kb_file: Path, isolated_env: Path) -> None:
    (isolated_env / "kl").write_bytes(b"not a directory")
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", uncached(kb_file))
    assert (isolated_env / "kl").read_bytes() == b"not a directory"


def test_relative_xdg_cache_home_is_ignored(
    kb_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".cache").mkdir(parents=True)
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert run("--data", str(kb_file), *ARGS).exit_code == 0
    assert all_files(work) == []
    (entry,) = all_files(home)
    assert entry.parts[:2] == (".cache", "kl") and ENTRY.fullmatch(entry.name)
