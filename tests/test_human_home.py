"""Every fact has a human home: each text `kl search` can find is shown by the command its hit
names, in rich output (on a wide console, so no table wraps a text into another column's lines)
and in plain output, verbatim once runs of whitespace (tabs, wrapped lines) are one space.

The texts are search's own entries (kl_cli/core/search.py `entries`, built from the `texts` of
each kind in kl_cli/core/kinds.py), both languages, each checked on its language's screen. One
search text is composed rather than stored: a paragraph's title is searched with its label in
front (kinds.titled, "§ 4 Delegerede"), which the paragraph's screen shows as its label and its
title; for that text both parts must be shown, and the test checks that it is exactly that
composition. And two kinds of text are written as they stand mid-sentence but are also shown
where a line begins, capitalised there: an actor's name ("the mayors", a root of the
organisation chart) and a count's label ("medlemmer i alt", the label of its line); for them
the capitalised text counts as shown too.
"""

from __future__ import annotations

import functools
import shlex

import pytest

from kl_cli.core.kinds import titled
from kl_cli.core.models import LANGS, Lang
from kl_cli.core.search import Entry, entries
from kl_cli.present.i18n import at_start
from kl_cli.store.load import load_bundled
from tests.conftest import run

KB = load_bundled()
ENTRIES = entries(KB)
WIDE = "1000"  # wider than any text of the knowledge base


def _normal(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def screen(command: str, fmt: str, lang: Lang) -> str:
    args = shlex.split(command)[1:]
    result = run(*args, "-f", fmt, "--lang", lang, env={"COLUMNS": WIDE})
    assert result.exit_code == 0, (command, result.stderr)
    return _normal(result.stdout)


def _shown_parts(e: Entry, lang: Lang) -> list[str]:
    """What must be on the screen for this entry: its text, or a paragraph title's parts."""
    text = e.text.da if lang == "da" else e.text.en
    if e.kind == "statute" and e.field == "title":
        p = next(p for p in KB.statutes.paragraphs if p.id == e.id)
        assert text == _normal(titled(p.label, p.title.get(lang)))
        return [p.label, _normal(p.title.get(lang))]
    return [text]


def test_every_kind_of_text_is_checked() -> None:
    """Not vacuous: the entries cover every kind search names, and there are many of them."""
    kinds = {e.kind for e in ENTRIES}
    assert kinds >= {"about", "value", "behaviour", "body", "actor", "statute", "services"}
    assert {"international", "source"} <= kinds
    assert len(ENTRIES) > 150


@pytest.mark.parametrize("fmt", ["rich", "plain"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_search_text_is_shown_by_its_command(fmt: str, lang: Lang) -> None:
    missing = []
    for e in ENTRIES:
        shown = screen(e.command, fmt, lang)
        for part in _shown_parts(e, lang):
            capitalised = at_start(part) if e.kind == "actor" or e.field == "count" else part
            if part and part not in shown and capitalised not in shown:
                missing.append(f"{e.command} ({e.kind} {e.id} {e.field}): {part[:70]}")
    assert not missing, "\n".join(missing)
