"""One language per screen: no Danish screen shows an English word that is not a name, and no
English screen a Danish one.

The rule, word by word (a word is a run of letters; case is ignored):

- kl's English words are the words of every English display string it has: the English side of
  every table in kl_cli/present/i18n.py and every English text of the knowledge base. Its Danish
  words are likewise the Danish sides. A word in both (KL, Silkeborg, for, mission) is not
  telling, and neither are names: the words of the knowledge base's one-language strings (its
  long name, the statute labels such as "§ 6 stk. 2" or "Kontingent", the aliases a lookup
  accepts, the names of people, municipalities and udvalg, party letters, places). So an
  English-only word is an English word that is neither Danish nor a name.
- Every screen of every command (each id of each kind, the statutes' calculations, searches)
  is rendered rich (wide, so nothing wraps), plain and Markdown, in Danish, and must hold no
  English-only word; the mirror for English screens.
- Not counted, as they are no words of a language: URLs; command lines (`kl bodies kkr`,
  `kl search TEXT...`), since commands are typed as they are in either language; the ids of
  entries where the screen shows them as ids (a table's id column, a search hit's id); and in
  plain output the key field that starts each line and every field that is one token of the
  id alphabet ([a-z0-9._-], such as `bestyrelse`, `sets_up`, `medium`): the tokens scripts read.

It fails on a label, a column header, a command description, a confidence word or a kind name
left in the other language, as kl's main branch had (`command`, `members`, `bundled`, `body`,
`medium` on Danish screens). A Danish label spelled as its English one must be a word that
both languages have; SAME_IN_BOTH lists those, checked below, so that copying an English label
into the Danish column does not pass.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest

from kl_cli.core.models import Lang
from kl_cli.core.org import build_graph
from kl_cli.core.record import to_data
from kl_cli.present import i18n
from kl_cli.store.load import load_bundled
from tests.conftest import run

KB = load_bundled()
WORD = re.compile(r"[^\W\d_]+")
TOKEN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")  # the schema's id alphabet
# A command line as kl prints it: `kl`, then its words, options, metavars and ids.
COMMAND = re.compile(
    r"(?<![\w.])kl(?: (?:--?[a-z][a-z-]*|\[[A-Z]+\]|[A-Z]+(?:\.\.\.)?|/ kl|[a-z0-9][a-z0-9._-]*))+"
)
PUNCTUATION = "()[]{},.:;!?*`|\"'«»“”‘’—–-"
# Notation, not words of a language: min() in the delegates arithmetic; a Mermaid chart's fence
# and header (```mermaid, flowchart TD).
NOTATION = {"min", "mermaid", "flowchart", "td"}
# Danish labels spelled as in English, each a Danish word too.
SAME_IN_BOTH = {
    "mission",
    "vision",
    "id",
    "url",
    "version",
    "revision",
    "note",
    "status",
    "region",
    "person",
    "post",
}


def words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text)}


def _texts(data: Any) -> Iterator[dict[str, str]]:
    """Every text of the knowledge base as plain data: the {da, en} mappings."""
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if set(x) == {"da", "en"} and all(isinstance(v, str) for v in x.values()):
                yield x
            else:
                stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


def _i18n() -> Iterator[dict[str, str]]:
    """Every display string of kl_cli/present/i18n.py, as {da, en}: each of its tables, walked
    whole (a new table is included by itself); a string outside a {da, en} pair is English
    (the English verbs for plural subjects, the command lines)."""
    tables = [
        v for k, v in vars(i18n).items() if not k.startswith("_") and type(v) in (dict, tuple)
    ]
    stack: list[Any] = tables
    while stack:
        x = stack.pop()
        if isinstance(x, dict) and set(x) == {"da", "en"}:
            yield dict(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, tuple | list):
            stack.extend(x)
        elif isinstance(x, str):
            yield {"da": "", "en": x}


STRINGS = [*_texts(to_data(KB)), *_i18n()]
VOCABULARY = {lang: set().union(*(words(s[lang]) for s in STRINGS)) for lang in ("da", "en")}
NAMES = words(KB.about.long_name)
NAMES |= set().union(*(words(p.label) for p in KB.statutes.paragraphs))
NAMES |= set().union(*(words(a) for b in KB.bodies for a in b.aliases))
# kl 2.0's one-language strings: people, municipalities, the udvalg (the sources give no
# English names), parties as the sources abbreviate them, and the Summits' places.
NAMES |= set().union(*(words(p.name) for p in KB.people))
NAMES |= set().union(*(words(f"{m.name} {m.id}") for m in KB.municipalities))
NAMES |= set().union(*(words(c.name) for c in KB.committees))
NAMES |= set().union(*(words(p.party or "") for p in KB.posts))
NAMES |= set().union(*(words(m.place or "") for m in KB.meetings))
OTHER: dict[Lang, Lang] = {"da": "en", "en": "da"}
FORMATS = ("rich", "plain", "markdown")
# Ids a screen shows as ids: in tables, in search hits, in the body details and as the node keys
# of a Mermaid chart.
IDS = {b.id for b in KB.bodies} | {v.id for v in KB.values} | {s.id for s in KB.sources}
IDS |= {p.id for p in KB.statutes.paragraphs} | {u.id for b in KB.bodies for u in b.units}
IDS |= {a.id for a in KB.actors} | {n.key for n in build_graph(KB).nodes}
IDS |= {p.id for p in KB.people} | {m.id for m in KB.municipalities} | {c.id for c in KB.committees}
IDS |= {r.id for r in KB.regions} | {p.id for p in KB.periods} | {m.id for m in KB.meetings}

SEARCHES: dict[Lang, list[str]] = {  # each matching text in that language only (checked)
    "da": ["search kommunekontaktraad", "search borgmestrene", "search udvalg"],
    "en": ["search executive committee", "search mayors", "search sub-committees"],
}


def screens(lang: Lang) -> list[str]:
    """Every screen kl has, as command lines: each command, each id, the calculations."""
    out = ["kl", "kl about", "kl values", "kl leadership", "kl bodies", "kl statutes"]
    out += [f"kl values {v.number}" for v in KB.values]
    out += [f"kl leadership {v.id}" for v in KB.values]
    out += [f"kl bodies {b.id}" for b in KB.bodies]
    out += [f"kl statutes {p.id}" for p in KB.statutes.paragraphs]
    out += [
        "kl statutes amendment",
        "kl statutes amendment --delegates 98",
        "kl statutes amendment --delegates 98 --votes-for 70",
        "kl statutes amendment --delegates 98 --votes-for 50",
        "kl statutes delegates --population 40500",
        "kl statutes delegates --population 340000 --council-seats 31",
        "kl statutes delegates --population 40500 --council-seats 31",
        "kl services",
        "kl international",
        "kl sources",
        "kl org",
    ]
    out += [f"kl sources {s.id}" for s in KB.sources]
    out += [f"kl {s}" for s in SEARCHES[lang]]
    return out


@functools.cache
def only(lang: Lang) -> frozenset[str]:
    """The words of `lang` that are not words of the other language nor names. They include
    the words of every screen in `lang` (so that a word written into a view, in no table, is
    found too), but the other language's words are only those of its strings: else a word left
    untranslated on both screens would count as a word of both."""
    other = OTHER[lang]
    shown = set().union(*(_screen_words(c, f, lang) for c in screens(lang) for f in FORMATS))
    return frozenset((VOCABULARY[lang] | shown) - VOCABULARY[other] - NAMES - NOTATION)


def _screen_words(command: str, fmt: str, lang: Lang) -> set[str]:
    return shown_words(output(command, fmt, lang), fmt)


@functools.cache
def output(command: str, fmt: str, lang: Lang) -> str:
    result = run(*shlex.split(command)[1:], "-f", fmt, "--lang", lang, env={"COLUMNS": "1000"})
    assert result.exit_code == 0, (command, result.stderr)
    return result.stdout


def shown_words(text: str, fmt: str) -> set[str]:
    """The words of a screen that belong to a language (see the module docstring)."""
    if fmt == "plain":
        fields = (
            field
            for line in text.splitlines()
            for field in line.split("\t")[1:]
            if not TOKEN.match(field)
        )
        text = "\n".join(fields)
    if fmt == "markdown":
        text = text.replace("\\", "").replace("`", " ")
    text = COMMAND.sub(" ", text)
    found: set[str] = set()
    for token in re.split(r'[\s\[\]()|"]+', text):
        if "/" in token:  # a URL (or 2/3)
            continue
        if token.strip(PUNCTUATION) in IDS:
            continue
        found |= words(token)
    return found


def test_the_vocabularies_tell_the_languages_apart() -> None:
    """Not vacuous: the words this test looks for are there, and the defects of main in them."""
    assert {"command", "members", "founded", "bundled", "reviewed", "body", "medium"} <= only("en")
    assert {"kommando", "medlemmer", "dannet", "organ", "middel"} <= only("da")
    assert len(only("en")) > 500 and len(only("da")) > 500


def test_danish_labels_spelled_as_english_are_danish_words() -> None:
    same = {w for t in _i18n() if t["da"] == t["en"] for w in words(t["da"])}
    assert same - words(" ".join(s["da"] for s in _texts(to_data(KB)))) <= SAME_IN_BOTH


@pytest.mark.parametrize("lang", ["da", "en"])
def test_searches_match_the_screens_language_only(lang: Lang) -> None:
    """The searches below show snippets of the screen's language only, so they can be checked."""
    for command in SEARCHES[lang]:
        data = json.loads(output(f"kl {command}", "json", lang))
        assert data["hits"] and {h["lang"] for h in data["hits"]} == {lang}, command


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_word_of_the_other_language(lang: Lang, fmt: str) -> None:
    found = []
    foreign = only(OTHER[lang])
    for command in screens(lang):
        other = _screen_words(command, fmt, lang) & foreign
        if other:
            found.append(f"{command}: {', '.join(sorted(other))}")
    assert not found, "\n".join(found)
