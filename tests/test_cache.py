"""The cache of validated user knowledge bases: an optimisation that can never change an answer.

It trusts only what the user owns (a real kl/ directory and entries owned by the effective uid,
writable by no one else) and treats every entry as a hint: anything wrong with one is a miss.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kl_cli import __version__
from kl_cli.core.record import to_data
from kl_cli.core.search import build_index
from kl_cli.present import formats
from kl_cli.store import compiled
from kl_cli.store.index import index_to_json
from kl_cli.store.load import load_bundled
from tests.conftest import ROOT, assert_error, run

ENTRY = re.compile(rf"[0-9a-f]{{64}}-{re.escape(__version__)}\.json")
INDEX_ENTRY = re.compile(rf"[0-9a-f]{{64}}-{re.escape(__version__)}\.search\.json")
ARGS = ("bodies", "bestyrelse", "--json")
SEARCH = ("search", "bestyrelse", "--json")
OTHER_UID = 4242  # any uid but the tests' own (root's, in CI)


@pytest.fixture
def kb_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb" / "mine.yaml"
    path.parent.mkdir()
    path.write_text(formats.to_yaml(to_data(load_bundled())), encoding="utf-8")
    return path


def all_files(root: Path) -> list[Path]:
    """Everything under root, hidden files and leftovers included."""
    return sorted(p.relative_to(root) for p in root.rglob("*") if not p.is_dir())


def uncached(kb_file: Path, args: tuple[str, ...] = ARGS) -> str:
    """What kl prints for `args` without the cache (what it must print with it)."""
    result = run("--data", str(kb_file), *args, env={"KL_NO_CACHE": "1"})
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
    import kl_cli.store.yamlsafe

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although the cache holds this file")

    monkeypatch.setattr(kl_cli.store.yamlsafe, "parse", no_parsing)
    assert run("--data", str(kb_file), *ARGS).stdout == cold.stdout


def test_kl_no_cache_writes_nothing(kb_file: Path, isolated_env: Path) -> None:
    uncached(kb_file)
    assert all_files(isolated_env) == [] and not (isolated_env / "kl").exists()


def test_bundled_kb_and_invalid_kb_write_nothing(tmp_path: Path, isolated_env: Path) -> None:
    assert run("values").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 2\n", encoding="utf-8")
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


# --- the cache trusts only what the user owns ------------------------------------------------


def cached(kb_file: Path, args: tuple[str, ...] = ARGS) -> tuple[int, str, str]:
    """Exit code, stderr and stdout of `args` on `kb_file`, with the cache as it is."""
    result = run("--data", str(kb_file), *args)
    return result.exit_code, result.stderr, result.stdout


def debug_line(kb_file: Path, args: tuple[str, ...] = ARGS) -> str:
    """What KL_DEBUG=1 says on stderr (the output itself must not change)."""
    result = run("--data", str(kb_file), *args, env={"KL_DEBUG": "1"})
    assert (result.exit_code, result.stdout) == (0, uncached(kb_file, args))
    return result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_missing_cache_directories_are_created_0700(
    kb_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a fresh account: HOME exists, ~/.cache does not (the XDG spec: create it, mode 0700)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.chdir(tmp_path)
    assert run("--data", str(kb_file), *ARGS).exit_code == 0
    assert mode(home / ".cache") == mode(home / ".cache" / "kl") == 0o700
    (entry,) = all_files(home)
    assert ENTRY.fullmatch(entry.name)
    # $XDG_CACHE_HOME itself missing, in a shared sticky folder like /tmp: created, and used
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared / "mine"))
    assert run("--data", str(kb_file), *ARGS).exit_code == 0
    assert mode(shared / "mine") == mode(shared / "mine" / "kl") == 0o700
    assert [e.parent for e in all_files(shared)] == [Path("mine/kl")]


def test_directories_and_entries_are_private_whatever_the_umask(
    kb_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o277)  # would leave kl/ unwritable and entries unreadable by their owner
    try:
        assert run("--data", str(kb_file), *SEARCH).exit_code == 0
    finally:
        os.umask(old)
    assert mode(isolated_env / "kl") == 0o700
    files = all_files(isolated_env)
    assert len(files) == 2 and all(mode(isolated_env / f) == 0o600 for f in files)
    # and they are read back: a warm call parses nothing
    import kl_cli.store.yamlsafe

    monkeypatch.setattr(kl_cli.store.yamlsafe, "parse", _no_parsing)
    assert run("--data", str(kb_file), *SEARCH).exit_code == 0
    assert run("--data", str(kb_file), *ARGS).exit_code == 0


def _no_parsing(*args: object, **kwargs: object) -> None:
    raise AssertionError("parsed although the cache holds this file")


def test_an_entry_an_older_kl_wrote_0644_is_made_private(
    kb_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    (isolated_env / entry).chmod(0o644)
    import kl_cli.store.yamlsafe

    monkeypatch.setattr(kl_cli.store.yamlsafe, "parse", _no_parsing)
    assert cached(kb_file) == (0, "", expected)
    assert mode(isolated_env / entry) == 0o600


def _symlink(kl: Path, elsewhere: Path) -> None:
    kl.symlink_to(elsewhere, target_is_directory=True)


def _other_owner(kl: Path, elsewhere: Path) -> None:
    kl.mkdir(mode=0o700)
    os.chown(kl, OTHER_UID, OTHER_UID)


def _mode(bits: int) -> Callable[[Path, Path], None]:
    def make(kl: Path, elsewhere: Path) -> None:
        kl.mkdir()
        kl.chmod(bits)

    return make


def _file(kl: Path, elsewhere: Path) -> None:
    kl.write_bytes(b"")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_symlink, "{kl} is a symbolic link"),
        (_other_owner, f"{{kl}} is owned by uid {OTHER_UID}, not {os.geteuid()}"),
        (_mode(0o770), "{kl} is writable by group or others (mode 770)"),
        (_mode(0o1777), "{kl} is writable by group or others (mode 777)"),
        (_mode(0o702), "{kl} is writable by group or others (mode 702)"),
        (_file, "{kl} is not a directory"),
    ],
    ids=[
        "symlink",
        "other-owner",
        "group-writable",
        "world-writable-sticky",
        "other-writable",
        "file",
    ],
)
def test_a_cache_directory_the_user_does_not_own_alone_is_not_used(
    kb_file: Path,
    isolated_env: Path,
    tmp_path: Path,
    make: Callable[[Path, Path], None],
    reason: str,
) -> None:
    kl, elsewhere = isolated_env / "kl", tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    make(kl, elsewhere)
    before = sorted(p.name for p in isolated_env.rglob("*"))
    for args in (ARGS, SEARCH):
        assert cached(kb_file, args) == (0, "", uncached(kb_file, args))
    expected = f"kl: debug: cache not used: {reason.format(kl=kl)}\n"
    assert debug_line(kb_file, SEARCH) == expected, "one line, once per call"
    # nothing was written: not there, not through the link, not beside it
    assert sorted(p.name for p in isolated_env.rglob("*")) == before
    assert list(elsewhere.iterdir()) == []


def test_ownership_is_checked_against_the_effective_uid(
    kb_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root can read and write anything, so only the owner check itself can refuse here: an
    # entry with a text of its own shows whether it was used.
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    kl = isolated_env / "kl"
    (kl / entry.name).write_bytes(forged_entry(kl / entry.name))
    for path in (kl, kl / entry.name):
        os.chown(path, OTHER_UID, OTHER_UID)
    monkeypatch.setattr(os, "geteuid", lambda: OTHER_UID)  # running as their owner: used
    result = run("--data", str(kb_file), *ARGS)
    assert (result.exit_code, result.stderr) == (0, "") and "FORGED" in result.stdout
    monkeypatch.setattr(os, "geteuid", lambda: OTHER_UID + 1)  # as anyone else: not used
    assert cached(kb_file) == (0, "", expected)
    assert debug_line(kb_file) == (
        f"kl: debug: cache not used: {kl} is owned by uid {OTHER_UID}, not {OTHER_UID + 1}\n"
    )
    assert all_files(isolated_env) == [entry] and b"FORGED" in (kl / entry.name).read_bytes()


def read_entry(text: str) -> Data:
    """A compiled entry as {"header": its header line, "kb": its first section, revived as
    JSON}, for a test to change and `write_entry` to put together again."""
    head, _, body = text.partition("\n")
    header = json.loads(head)
    start, end = header["kb"]
    return {"header": header, "kb": json.loads(body[start:end]), "body": body}


def write_entry(data: Data) -> str:
    """The entry with its (changed) kb section in place, every later span moved to match; a
    test's own changes to the header's spans stand (ASCII escapes, so a lone surrogate is
    written as a text can hold it)."""
    header = data["header"]
    body: str = data["body"]
    old = json.loads(json.dumps(header))
    start, end = old["kb"]
    kb = json.dumps(data["kb"], ensure_ascii=True)
    shift = len(kb) - (end - start)

    def moved(span: Any) -> Any:
        if isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span):
            return [x + shift if x >= end else x for x in span]
        return span

    if header["kb"] == old["kb"]:
        header["kb"] = [start, start + len(kb)]
    header["parts"] = {k: moved(v) for k, v in header.get("parts", {}).items()}
    header["by_id"] = {
        name: {k: moved(v) for k, v in spans.items()}
        for name, spans in header.get("by_id", {}).items()
    }
    return json.dumps(header, ensure_ascii=True) + "\n" + body[:start] + kb + body[end:]


def forged_entry(entry: Path) -> bytes:
    """A well-formed entry of the same knowledge base, with another text in it."""
    data = read_entry(entry.read_text(encoding="utf-8"))
    bodies = data["kb"]["bodies"]
    (body,) = (b for b in bodies if b["id"] == "bestyrelse")
    body["role"]["text"] = {"$": "Text", "da": "FORGED", "en": "FORGED"}
    return write_entry(data).encode()


@pytest.mark.parametrize("kind", ["other-owner", "group-writable", "world-writable"])
def test_an_entry_the_user_does_not_own_alone_is_not_read(
    kb_file: Path, isolated_env: Path, kind: str
) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    path = isolated_env / entry
    path.write_bytes(forged_entry(path))
    if kind == "other-owner":
        os.chown(path, OTHER_UID, OTHER_UID)
    else:
        path.chmod(0o620 if kind == "group-writable" else 0o602)
    assert "FORGED" not in expected
    assert cached(kb_file) == (0, "", expected)
    # replaced by the user's own, private entry
    st = path.lstat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (os.geteuid(), 0o600)
    assert b"FORGED" not in path.read_bytes()


def test_a_symlinked_entry_is_not_followed(
    kb_file: Path, isolated_env: Path, tmp_path: Path
) -> None:
    expected = uncached(kb_file)
    run("--data", str(kb_file), *ARGS)
    (entry,) = all_files(isolated_env)
    path = isolated_env / entry
    target = tmp_path / "forged.json"
    target.write_bytes(forged_entry(path))
    target.chmod(0o600)
    path.unlink()
    path.symlink_to(target)
    assert cached(kb_file) == (0, "", expected)
    assert not path.is_symlink() and b"FORGED" not in path.read_bytes()
    assert b"FORGED" in target.read_bytes(), "the link's target is never written"


@pytest.mark.parametrize(("home", "says"), [("", "empty"), ("relative/home", "relative")])
def test_an_empty_or_relative_home_means_no_cache(
    kb_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: str, says: str
) -> None:
    work = tmp_path / "work"
    (work / "relative" / "home" / ".cache").mkdir(parents=True)
    (work / ".cache").mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", home)
    assert cached(kb_file) == (0, "", uncached(kb_file))
    assert debug_line(kb_file) == f"kl: debug: cache not used: HOME is {says}\n"
    assert all_files(work) == [], "nothing written relative to the working directory"


def test_an_entry_over_the_read_limit_is_never_written(
    kb_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = load_bundled()
    kb_size = len(compiled.dumps(kb).encode())
    index_size = len(index_to_json(build_index(kb)).encode())
    assert kb_size != index_size
    limit = min(kb_size, index_size)  # the smaller fits exactly, the larger does not
    monkeypatch.setattr("kl_cli.store.cache.MAX_ENTRY_BYTES", limit)
    expected = uncached(kb_file, SEARCH)
    for _ in range(2):
        assert cached(kb_file, SEARCH) == (0, "", expected)
        (entry,) = all_files(isolated_env)
        assert (isolated_env / entry).stat().st_size == limit
    big = "index" if index_size > kb_size else "knowledge base"
    writes_big = SEARCH if big == "index" else ARGS  # search reads only the index
    assert debug_line(kb_file, writes_big).endswith(
        f"not written: {max(kb_size, index_size)} bytes is over the limit\n"
    ), big
    # what was written at the limit is read back: the write bound is the read bound
    import kl_cli.store.yamlsafe

    args = SEARCH if index_size < kb_size else ARGS
    expected = uncached(kb_file, args)
    monkeypatch.setattr(kl_cli.store.yamlsafe, "parse", _no_parsing)
    assert cached(kb_file, args) == (0, "", expected)


def test_stale_temporary_files_are_swept_when_writing(kb_file: Path, isolated_env: Path) -> None:
    kl = isolated_env / "kl"
    kl.mkdir(mode=0o700)
    hours_ago = time.time() - 2 * 3600
    stale, fresh, other = kl / ".tmp-killed.json", kl / ".tmp-writing.json", kl / "notes.txt"
    for path in (stale, fresh, other):
        path.write_bytes(b"{")
    for path in (stale, other):
        os.utime(path, (hours_ago, hours_ago))
    (kl / ".tmp-dir").mkdir()
    os.utime(kl / ".tmp-dir", (hours_ago, hours_ago))
    assert cached(kb_file) == (0, "", uncached(kb_file))
    assert not stale.exists() and fresh.exists() and other.exists() and (kl / ".tmp-dir").is_dir()
    # a call that writes nothing does not even look
    stale.write_bytes(b"{")
    os.utime(stale, (hours_ago, hours_ago))
    assert cached(kb_file) == (0, "", uncached(kb_file))
    assert stale.exists()


# --- a cache entry is a hint, never an authority ---------------------------------------------

Data = dict[str, Any]


def _body(data: Data, body_id: str = "bestyrelse") -> Data:
    (body,) = (b for b in data["kb"]["bodies"] if b["id"] == body_id)
    assert isinstance(body, dict), body
    return body


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation: set the value at a dotted path (list indexes as numbers) of the KB."""

    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data["kb"]
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _body_field(field: str, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        _body(data)[field] = value

    return mutate


def _role(key: str, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        _body(data)["role"][key] = value

    return mutate


def _duplicate_body(data: Data) -> None:
    _body(data, "formand")["id"] = "bestyrelse"


def _span(where: str, key: str, span: Any) -> Callable[[Data], None]:
    """Set a span of the header: of a part (where "parts") or of a source (where "sources")."""
    path = ["parts"] if where == "parts" else ["by_id", where]

    def mutate(data: Data) -> None:
        spans = data["header"]
        for step in path:
            spans = spans[step]
        spans[key] = span(spans[key], len(data["body"]))

    return mutate


def _swap_sources(data: Data) -> None:
    """Two sources each stored under the other's id: every text valid, the ids wrong."""
    sources = data["header"]["by_id"]["sources"]
    a, b = list(sources)[:2]
    sources[a], sources[b] = sources[b], sources[a]


BODY = ("bodies", "bestyrelse")
FORGED_KB = {
    "name-is-a-number": (_set("bodies.1.name.da", 5), BODY),
    "name-is-a-record-of-another-kind": (
        _set(
            "bodies.1.name", {"$": "Actor", "id": "x", "name": {"$": "Text", "da": "x", "en": "x"}}
        ),
        BODY,
    ),
    "null-sources": (_role("sources", None), BODY),
    "no-sources": (_role("sources", []), BODY),
    "unknown-source": (_role("sources", ["no-such-source"]), ("bodies", "bestyrelse", "--json")),
    "sources-as-text": (_role("sources", "seed"), BODY),
    "aliases-of-numbers": (_body_field("aliases", [1, 2]), BODY),
    "unknown-paragraph": (_body_field("paragraphs", ["999"]), BODY),
    "duplicate-id": (_duplicate_body, BODY),
    "bad-id": (_body_field("id", "Bestyrelse!"), BODY),
    "relation-to-missing-body": (_set("relations.1.object", "no-such-body"), ("org",)),
    "unknown-relation": (_set("relations.1.relation", "owns"), ("org",)),
    "denominator-0": (_set("statutes.amendment.denominator", 0), ("statutes", "amendment")),
    "negative-denominator": (_set("statutes.amendment.denominator", -3), ("statutes", "amendment")),
    "float-numerator": (_set("statutes.amendment.numerator", 2.0), ("statutes", "amendment")),
    "per-delegate-0": (
        _set("statutes.delegates.inhabitants_per_delegate", 0),
        ("statutes", "delegates", "--population", "40500"),
    ),
    "per-delegate-huge": (
        _set("statutes.delegates.inhabitants_per_delegate", 10**40),
        ("statutes", "delegates", "--population", "40500"),
    ),
    "value-number-true": (_set("values.0.number", True), ("values", "1")),
    "values-misnumbered": (_set("values.0.number", 7), ("values", "1")),
    "lone-surrogate": (_set("bodies.1.name.en", "\ud800"), (*BODY, "--lang", "en")),
    "unknown-confidence": (_set("bodies.1.role.confidence", "certain"), BODY),
    "schema-version-3": (_set("schema_version", 3), ("about",)),
    "mission-a-list": (_set("about.mission", []), ("about",)),
    "source-span-past-the-end": (
        _span("sources", "seed", lambda span, size: [span[0], size + 10]),
        ("sources", "--json"),
    ),
    "source-span-negative": (_span("sources", "seed", lambda s, n: [-5, s[1]]), ("sources",)),
    "source-span-not-numbers": (_span("sources", "seed", lambda s, n: ["0", "9"]), ("sources",)),
    "source-span-half-a-record": (
        _span("sources", "seed", lambda s, n: [s[0], s[0] + (s[1] - s[0]) // 2]),
        ("sources",),
    ),
    "sources-under-each-other's-ids": (_swap_sources, ("sources", "--json")),
    "part-span-of-a-source": (
        lambda data: data["header"]["parts"].update(
            people=data["header"]["by_id"]["sources"]["seed"]
        ),
        ("people",),
    ),
    "part-missing": (lambda data: data["header"]["parts"].pop("posts"), ("people",)),
    "municipality-span-cut": (
        _span("municipalities", "aarhus", lambda s, n: [s[0] + 1, s[1]]),
        ("municipalities", "aarhus"),
    ),
    "municipalities-missing": (lambda data: data["header"]["by_id"].pop("municipalities"), ()),
    "untagged-record": (
        _set("about.mission", {"text": {"da": "x", "en": "y"}, "sources": ["seed"]}),
        ("about",),
    ),
}


def entries_by_kind(cache: Path) -> tuple[Path, Path | None]:
    files = [cache / f for f in all_files(cache)]
    (kb_entry,) = (f for f in files if ENTRY.fullmatch(f.name))
    index = [f for f in files if INDEX_ENTRY.fullmatch(f.name)]
    return kb_entry, index[0] if index else None


def forge(entry: Path, mutate: Callable[[Data], None]) -> None:
    if INDEX_ENTRY.fullmatch(entry.name):  # a search index: one JSON document
        data = json.loads(entry.read_text(encoding="utf-8"))
        mutate(data)
        entry.write_text(json.dumps(data, ensure_ascii=True), encoding="ascii")
        return
    data = read_entry(entry.read_text(encoding="utf-8"))
    mutate(data)
    entry.write_text(write_entry(data), encoding="utf-8")


@pytest.mark.parametrize("case", list(FORGED_KB), ids=list(FORGED_KB))
def test_a_forged_knowledge_base_entry_is_a_miss(
    kb_file: Path, isolated_env: Path, case: str
) -> None:
    mutate, args = FORGED_KB[case]
    expected = uncached(kb_file, args)
    assert cached(kb_file, args)[0] == 0
    entry, _ = entries_by_kind(isolated_env)
    good = entry.read_bytes()
    forge(entry, mutate)
    assert entry.read_bytes() != good
    assert cached(kb_file, args) == (0, "", expected)
    assert entry.read_bytes() == good, "the bad entry is replaced"


def _rows(index: int, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        for row in data["rows"]:
            row[index] = value

    return mutate


def _index(key: str, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data[key] = value

    return mutate


def _index_source(field: int, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        for source in data["sources"]:
            source[field] = value

    return mutate


def _first_text(value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        hits = [i for i, t in enumerate(data["texts"]) if "bestyrelse" in str(t).casefold()]
        data["texts"][hits[0]] = value

    return mutate


def _drop_first_source(data: Data) -> None:
    del data["sources"][0]


def _duplicate_source(data: Data) -> None:
    data["sources"].append([data["sources"][0][0], "FORGED", "FORGED", None])


def _rows_of_five(data: Data) -> None:
    data["rows"] = [row[:5] for row in data["rows"]]


FORGED_INDEX = {
    "rank-7": _rows(3, 7),
    "rank-negative": _rows(3, -1),
    "rank-text": _rows(3, "0"),
    "rank-true": _rows(3, True),
    "rank-float": _rows(3, 1.0),
    "row-sources-null": _rows(5, None),
    "row-sources-unknown": _rows(5, ["no-such-source"]),
    "row-sources-text": _rows(5, "seed"),
    "row-kind-number": _rows(0, 1),
    "command-null": _rows(4, None),
    "rows-of-five": _rows_of_five,
    "text-a-number": _first_text(5),
    "text-lone-surrogate": _first_text("bestyrelse \udc00"),
    "text-with-separator": _first_text("bestyrelse\x00x"),
    "cited-source-missing": _drop_first_source,
    "source-id-a-number": _index_source(0, 1),
    "source-id-duplicated": _duplicate_source,
    "source-url-a-number": _index_source(3, 1),
    "sources-null": _index("sources", None),
    "shorts-shorter": lambda data: data["short"].pop(),
}


@pytest.mark.parametrize("case", list(FORGED_INDEX), ids=list(FORGED_INDEX))
def test_a_forged_search_index_entry_is_a_miss(
    kb_file: Path, isolated_env: Path, case: str
) -> None:
    expected = uncached(kb_file, SEARCH)
    assert cached(kb_file, SEARCH)[0] == 0
    _, index = entries_by_kind(isolated_env)
    assert index is not None
    good = index.read_bytes()
    forge(index, FORGED_INDEX[case])
    assert index.read_bytes() != good
    assert cached(kb_file, SEARCH) == (0, "", expected)
    assert index.read_bytes() == good, "the bad entry is replaced"
    assert len(all_files(isolated_env)) == 2, "no temporary files left behind"
