"""Hostile files: encodings and byte-order marks, sizes, paths, devices, symlinks, modes and
file names.

Each refused file gives the documented exit code and one `kl: error:` line, and creates no file
anywhere, the cache included (tests/hostile.py: assert_refused). Big files only at test time.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from kl_cli.store.load import validate_bytes
from kl_cli.store.yamlsafe import MAX_BYTES, MAX_EVENTS
from tests.conftest import BUNDLED, kb_text, run
from tests.hostile import assert_refused, sources

# --- encodings ------------------------------------------------------------------------------------

ENCODING_CORPUS: list[tuple[str, bytes, str]] = [
    ("invalid-utf8", b"a: \xff\n", "invalid UTF-8 at byte offset 3"),
    ("latin-1", "a: Delegeretmøde\n".encode("latin-1"), "invalid UTF-8 at byte offset 13"),
    ("overlong-utf8", b"a: \xc0\xaf\n", "invalid UTF-8 at byte offset 3"),
    ("utf8-surrogate", b"a: \xed\xa0\x80\n", "invalid UTF-8 at byte offset 3"),
    ("utf32-le-bom", codecs.BOM_UTF32_LE + "a: b\n".encode("utf-32-le"), "UTF-32 is not supported"),
    ("utf32-be-bom", codecs.BOM_UTF32_BE + "a: b\n".encode("utf-32-be"), "UTF-32 is not supported"),
    ("utf32-no-bom", "a: b\n".encode("utf-32-le"), "control character U+0000 at byte offset 1"),
    ("utf16-no-bom", "a: b\n".encode("utf-16-le"), "control character U+0000 at byte offset 1"),
    ("utf16-odd-length", codecs.BOM_UTF16_LE + b"a\x00:", "invalid UTF-16 at byte offset 4"),
    (
        "utf16-lone-surrogate",
        codecs.BOM_UTF16_LE + "a: ".encode("utf-16-le") + b"\x00\xd8" + "b".encode("utf-16-le"),
        "invalid UTF-16 at byte offset 8",
    ),
    (
        "utf16-nul",
        codecs.BOM_UTF16_BE + "a: b\x00".encode("utf-16-be"),
        "control character U+0000 at byte offset 10",
    ),
    ("nul-byte", b"a: b\x00c\n", "control character U+0000 at byte offset 4"),
    ("raw-escape", b"a: \x1b[2J\n", "control character U+001B at byte offset 3"),
    ("raw-bell", b"a: \x07\n", "control character U+0007 at byte offset 3"),
    ("raw-c1-csi", "a: ø\x9b31m\n".encode(), "control character U+009B at byte offset 5"),
    ("raw-del", b"a: \x7f\n", "control character U+007F at byte offset 3"),
    (
        "bom-then-control",
        codecs.BOM_UTF8 + b"a: \x01\n",
        "control character U+0001 at byte offset 6",
    ),
    ("non-character", "a: \ufffe\n".encode(), "non-character U+FFFE at byte offset 3"),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), ENCODING_CORPUS, ids=[c[0] for c in ENCODING_CORPUS]
)
def test_bad_encodings_are_refused_with_a_byte_offset(
    name: str, data: bytes, message: str, corpus: Path, isolated_env: Path
) -> None:
    (corpus / name).write_bytes(data)
    assert_refused(["--data", name, "about"], 65, f"{name}: {message}", corpus, isolated_env)
    for pure in (False, True):
        (problem,) = validate_bytes(data, name, pure=pure)
        assert problem.startswith(f"{name}: {message}")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_boms_are_accepted(bom: bytes, codec: str, corpus: Path) -> None:
    (corpus / "kb.yaml").write_bytes(bom + kb_text().encode(codec))
    result = run("--data", "kb.yaml", "export", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == BUNDLED


# --- sizes ----------------------------------------------------------------------------------------


def test_fifty_megabyte_file_is_refused_before_reading(corpus: Path, isolated_env: Path) -> None:
    with open(corpus / "big.yaml", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no disk is spent, the size is what matters
    message = f"big.yaml: file is {50 * 1024 * 1024} bytes; the limit is {MAX_BYTES} bytes"
    assert_refused(["--data", "big.yaml", "values"], 65, message, corpus, isolated_env)


def test_twenty_megabyte_line_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "line.yaml").write_bytes(b"a: " + b"x" * (20 * 1024 * 1024) + b"\n")
    assert_refused(["--data", "line.yaml", "values"], 65, "the limit is", corpus, isolated_env)


def test_one_byte_over_the_limit_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "edge.yaml").write_bytes(b"#" * MAX_BYTES + b"\n")
    message = f"edge.yaml: file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES} bytes"
    assert_refused(["--data", "edge.yaml", "values"], 65, message, corpus, isolated_env)
    (corpus / "edge.yaml").write_bytes(b"#" * (MAX_BYTES - 1) + b"\n")  # at the limit: read
    assert_refused(["--data", "edge.yaml", "values"], 65, "holds no YAML", corpus, isolated_env)


def test_hundred_thousand_entries_are_refused_by_the_caps(corpus: Path, isolated_env: Path) -> None:
    entries = sources(100_000, "- {{id: s{i}, title: {{da: a, en: a}}}}\n")
    text = kb_text().replace("sources:\n", "sources:\n" + entries, 1)
    assert len(text.encode()) <= MAX_BYTES, "under the size cap, so the event cap must hold"
    (corpus / "many.yaml").write_text(text, encoding="utf-8")
    message = f"more than {MAX_EVENTS} parse events"
    assert_refused(["--data", "many.yaml", "values"], 65, message, corpus, isolated_env)
    bigger = entries.replace("title: {da: a, en: a}", "title: {da: aaaaaaaa, en: aaaaaaaa}")
    (corpus / "many.yaml").write_text(kb_text().replace("sources:\n", "sources:\n" + bigger, 1))
    assert_refused(["--data", "many.yaml", "values"], 65, "the limit is", corpus, isolated_env)


def test_ten_thousand_entry_kb_still_loads(corpus: Path) -> None:
    entries = sources(
        10_000,
        "- id: extra-{i}\n  title:\n    da: Ekstra kilde nummer {i}\n"
        "    en: Extra source number {i}\n  url: https://example.org/kilder/{i}\n",
    )
    text = kb_text().replace("sources:\n", "sources:\n" + entries, 1)
    assert 1_000_000 <= len(text.encode()) <= 2_000_000
    (corpus / "ten-thousand.yaml").write_text(text, encoding="utf-8")
    result = run("--data", "ten-thousand.yaml", "sources", "-f", "plain", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "extra-9999\thttps://example.org/kilder/9999\tExtra source number 9999" in result.stdout
    assert run("validate", "ten-thousand.yaml").exit_code == 0


# --- paths ----------------------------------------------------------------------------------------


def test_directory_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "dir.yaml").mkdir()
    message = "dir.yaml: is a directory, not a knowledge-base file"
    assert_refused(["--data", "dir.yaml", "values"], 66, message, corpus, isolated_env)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(device: str, corpus: Path, isolated_env: Path) -> None:
    message = f"{device}: not a regular file"
    assert_refused(["--data", device, "values"], 66, message, corpus, isolated_env)


def test_missing_file_and_symlinks(corpus: Path, isolated_env: Path) -> None:
    message = "nope.yaml: no such file"
    assert_refused(["--data", "nope.yaml", "values"], 66, message, corpus, isolated_env)
    (corpus / "loop").symlink_to("loop")
    message = "loop: too many levels of symbolic links"
    assert_refused(["--data", "loop", "values"], 66, message, corpus, isolated_env)
    (corpus / "dangling").symlink_to("gone.yaml")
    assert_refused(["--data", "dangling", "values"], 66, "no such file", corpus, isolated_env)
    (corpus / "to-device").symlink_to("/dev/zero")
    message = "to-device: not a regular file"
    assert_refused(["--data", "to-device", "values"], 66, message, corpus, isolated_env)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_refused(corpus: Path, isolated_env: Path) -> None:
    (corpus / "secret.yaml").write_text(kb_text(), encoding="utf-8")
    (corpus / "secret.yaml").chmod(0)
    message = "secret.yaml: permission denied"
    assert_refused(["--data", "secret.yaml", "values"], 66, message, corpus, isolated_env)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("[/]", "[/]"),
        ("[bold red]x[/bold red]", "[bold red]x[/bold red]"),
        ("[link=https://evil.example]click[/link]", "[link=https://evil.example]click[/link]"),
        (":thumbs_up:", ":thumbs_up:"),
        ("clear\x1b[2J\x1b[H", "clear\\x1b[2J\\x1b[H"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("clip\x1b]52;c;ZXZpbA==\x07", "clip\\x1b]52;c;ZXZpbA==\\x07"),
        ("two\nlines", "two\\nlines"),
        ("bidi\u202egpj.yaml", "bidi\\u202egpj.yaml"),
        ("c1\x9b2J", "c1\\x9b2J"),
        (os.fsdecode(b"latin1-\xe6\xf8\xe5"), "latin1-\\xe6\\xf8\\xe5"),
    ],
    ids=["brackets", "markup", "link", "emoji", "csi", "osc-title", "osc-clipboard", "newline",
         "bidi", "c1", "undecodable"],
)  # fmt: skip
def test_hostile_file_names_print_inert(
    name: str, shown: str, corpus: Path, isolated_env: Path
) -> None:
    message = f"kl: error: {shown}: no such file"
    assert_refused(["--data", name, "values"], 66, message, corpus, isolated_env)
    target = corpus / name  # names with "/" are paths: make their directories
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"- a list\n")
    message = f"kl: error: {shown}:1:1: (top level): expected a mapping, got a list"
    assert_refused(["--data", name, "values"], 65, message, corpus, isolated_env)


def test_nul_in_a_file_name_is_unreadable(corpus: Path, isolated_env: Path) -> None:
    message = "a\\x00b: not a valid file name"
    assert_refused(["--data", "a\x00b", "values"], 66, message, corpus, isolated_env)
