"""The sanitiser: what it escapes is decided by Unicode category, in every format."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
import yaml

from kl_cli.present.formats import _candidates, dangerous, inert, md, to_json, to_yaml

ESCAPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
FILLERS = "\u115f\u1160\u3164\uffa0\u180e"  # Hangul fillers and the Mongolian vowel separator


def expected(ch: str) -> bool:
    return unicodedata.category(ch) in ESCAPED or ch in FILLERS


def test_dangerous_is_exactly_the_categories_for_every_code_point() -> None:
    wrong = [hex(c) for c in range(0x110000) if dangerous(chr(c)) != expected(chr(c))]
    assert wrong == []


def test_inert_fast_path_and_printable_ranges_miss_nothing() -> None:
    # inert() skips printable text, and its pattern skips the ranges it deems printable: every
    # code point must still come out escaped exactly when its category says so.
    wrong = []
    for c in range(0x110000):
        ch = chr(c)
        shown = inert(ch, single_line=True)
        if (shown != ch) != expected(ch) or (ch not in "\t\n" and inert(ch) != shown):
            wrong.append(hex(c))
    assert wrong == []
    assert inert("\t\n") == "\t\n" and inert("\t\n", single_line=True) == "\\t\\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("tag\U000e0041\U000e0042\U000e007f", "tag\\U000e0041\\U000e0042\\U000e007f"),
        ("soft\xadhyphen", "soft\\xadhyphen"),
        ("anno\ufff9tation\ufffa\ufffb", "anno\\ufff9tation\\ufffa\\ufffb"),
        ("private\ue000\U000f0000", "private\\ue000\\U000f0000"),
        ("unassigned\u0378\U0001fffe", "unassigned\\u0378\\U0001fffe"),
        ("filler\u3164\u115f\u1160\uffa0\u180e", "filler\\u3164\\u115f\\u1160\\uffa0\\u180e"),
        ("arabic\u0600\u06dd", "arabic\\u0600\\u06dd"),
        ("lone\ud800surrogate\udcff", "lone\\ud800surrogate\\xff"),
        ("a\x1b[2Jb\u202ec\u200bd\x9b", "a\\x1b[2Jb\\u202ec\\u200bd\\x9b"),
    ],
    ids=["tags", "soft-hyphen", "annotation", "private-use", "unassigned", "fillers", "arabic-cf",
         "surrogates", "controls"],
)  # fmt: skip
def test_inert_shows_each_class_as_an_escape(text: str, shown: str) -> None:
    assert inert(text) == shown
    assert md(text) == md(shown)  # Markdown escapes the escapes' backslashes in turn
    assert inert(text, single_line=True) == shown


def test_inert_leaves_ordinary_text_alone() -> None:
    for text in ("Kommunekontaktråd [bold]x[/bold]", "§ 6 stk. 2 – “citat” … €", "日本語 한국어",
                 "Ελληνικά кириллица", "emoji 👍🏽 🇩🇰", "nbsp\xa0thin\u2009ideographic\u3000",
                 "e\u0301 combining", "line\nnext\tcell"):  # fmt: skip
        assert inert(text) == text


def _sample() -> str:
    """Every dangerous character of the BMP and every 97th beyond it, in one string.

    Each is followed by a dot: a high surrogate right before a low one would read back from
    JSON as the pair's one character (JSON cannot tell them apart).
    """
    bmp = [c for c in range(0x10000) if expected(chr(c))]
    astral = [c for c in range(0x10000, 0x110000) if expected(chr(c))][::97]
    return "x" + "".join(chr(c) + "." for c in bmp + astral) + "\U000e0041y"


def _raw(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if c not in "\t\n" and expected(c)]


@pytest.mark.parametrize("ascii_only", [False, True])
def test_json_escapes_every_class_and_reads_back(ascii_only: bool) -> None:
    text = _sample()
    out = to_json({text: [text]}, ascii_only=ascii_only)
    assert _raw(out) == []
    assert json.loads(out) == {text: [text]}
    assert "\\udb40\\udc41y" in out  # U+E0041 beyond the BMP: a surrogate pair


@pytest.mark.parametrize("ascii_only", [False, True])
def test_yaml_escapes_every_class_and_reads_back(ascii_only: bool) -> None:
    text = _sample()
    out = to_yaml({text: [text], "plain": "ordinary"}, ascii_only=ascii_only)
    assert _raw(out) == []
    assert yaml.safe_load(out) == {text: [text], "plain": "ordinary"}
    assert re.search(r"\\U000[eE]0041y", out)
    assert "plain: ordinary\n" in out


def test_markdown_escapes_entities_and_dollars() -> None:
    assert md("&rlm; &lt;b&gt; &#x202e;") == "\\&rlm; \\&lt;b\\&gt; \\&#x202e;"
    assert md("$x^2$ and $$y$$") == "\\$x^2\\$ and \\$\\$y\\$\\$"


def test_no_character_of_the_printable_ranges_is_dangerous() -> None:
    # The ranges the pattern skips are written by hand; they hold nothing dangerous.
    pattern = _candidates(True)
    wrong = [hex(c) for c in range(0x110000) if not pattern.match(chr(c)) and expected(chr(c))]
    assert wrong == []


def test_documents_whose_only_danger_is_printable_are_escaped() -> None:
    # A Hangul filler is a letter to isprintable(): the documents' fast path must still see it.
    data = {"name": "blank\u3164name", "more": ["\uffa0"]}
    out = to_json(data, ascii_only=False)
    assert "blank\\u3164name" in out and json.loads(out) == data
    out = to_yaml(data)
    assert 'name: "blank\\u3164name"' in out and yaml.safe_load(out) == data
