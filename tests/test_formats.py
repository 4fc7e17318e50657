"""The sanitiser: every character it escapes is caught by its printable fast path."""

from __future__ import annotations

from kl_cli.formats import _danger, inert


def test_every_dangerous_character_is_non_printable() -> None:
    # inert() returns printable text untouched; that is only safe if no dangerous character
    # is printable.
    pattern = _danger(False)
    leaks = [hex(c) for c in range(0x110000) if pattern.match(chr(c)) and chr(c).isprintable()]
    assert leaks == []


def test_inert_escapes_controls_bidi_and_zero_width() -> None:
    assert inert("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert inert("x\u202ey\u200bz\x9b") == "x\\u202ey\\u200bz\\x9b"
    assert inert("line\nnext\tcell") == "line\nnext\tcell"
    assert inert("line\nnext\tcell", single_line=True) == "line\\nnext\\tcell"
    assert inert("Kommunekontaktråd [bold]x[/bold]") == "Kommunekontaktråd [bold]x[/bold]"
