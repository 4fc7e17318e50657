"""Full-text search over every text of the knowledge base, in both languages. Pure: no I/O.

Each text is an `Entry` that knows the command showing it in full and its rank class (a title or
name beats a list item, which beats body text). A query is one or more terms; every term must
occur in the same text, matched under both Danish foldings both ways (see kl_cli/core/folding.py); a
term holding a space is a phrase. The index is linear in the KB's size; for a user knowledge base
it is cached with the knowledge base (kl_cli/store/load.py), so a search there folds nothing.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal

from kl_cli.core.folding import SEP, fold, fold_map, foldings
from kl_cli.core.models import LANGS, KnowledgeBase, Lang, Source, Text
from kl_cli.core.record import Record
from kl_cli.errors import LookupFailed

Rank = Literal["name", "item", "text"]
RANKS: tuple[Rank, ...] = ("name", "item", "text")
SNIPPET = 76  # code points, ellipses included: one line at 80 columns with a small indent

Span = tuple[int, int]


class Entry(Record):
    """One searchable text and where it is shown in full."""

    kind: str  # about, value, behaviour, body, actor, statute, services, international, source
    id: str
    field: str  # title, name, alias, item, role, fact, ...
    rank: int  # kinds.NAME, ITEM or TEXT
    command: str  # without --lang
    text: Text
    sources: tuple[str, ...] = ()

    @property
    def group(self) -> tuple[str, str, str] | None:
        """Names and aliases of one thing give one hit between them."""
        return (self.kind, self.id, "name") if self.field in ("name", "alias") else None


class Hit(Record):
    """A matching entry: the language matched, the exact command (with `--lang` when the texts
    differ by language), a snippet with its matches."""

    entry: Entry
    lang: Lang
    command: str
    snippet: str
    spans: tuple[Span, ...]  # code-point offsets into the snippet, sorted, not overlapping


# --- the index -----------------------------------------------------------------------------------


def entries(kb: KnowledgeBase) -> list[Entry]:
    """Every text of the knowledge base, in the order the commands show them, duplicates once
    (what each kind of entry holds is described in kl_cli/core/kinds.py)."""
    from kl_cli.core.kinds import KINDS

    out: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for kind in KINDS:
        for item in kind.entries(kb):
            for s in kind.texts(item):
                key = (" ".join(s.text.da.split()), " ".join(s.text.en.split()))
                if key in seen or not (key[0] or key[1]):
                    continue
                seen.add(key)
                out.append(
                    Entry(kind.hit_kind, s.id, s.field, s.rank, s.command, Text(*key), s.sources)
                )
    return out


class SearchIndex:
    """Every searchable text with both its foldings, ready to match.

    Built from a knowledge base, or read back from the cache of a user knowledge base; entry `n`
    has its Danish text at `texts[2n]` and its English text at `texts[2n + 1]`. Entries are kept
    as plain rows and become records only when they are hits.
    """

    __slots__ = ("rows", "texts", "longs", "shorts", "sources", "_corpus")

    def __init__(
        self,
        rows: list[Any],  # (kind, id, field, rank, command, sources), checked when used
        texts: list[str],
        longs: list[str],
        shorts: list[str],
        sources: tuple[Source, ...],
    ):
        if not len(texts) == len(longs) == len(shorts) == 2 * len(rows):
            raise ValueError("inconsistent search index")
        self.rows = rows
        self.texts = texts
        self.longs = longs
        self.shorts = shorts
        self.sources = sources
        self._corpus: tuple[tuple[list[int], str], ...] | None = None

    def containing(self, qs: tuple[str, str]) -> set[int]:
        """The numbers of the texts in which either folding occurs, in either folding.

        Each folding of all texts is joined once into one string, so finding a term is
        str.find over it (C speed), and a hit jumps straight to the next text.
        """
        if self._corpus is None:
            self._corpus = tuple(_joined(folds) for folds in (self.longs, self.shorts))
        found: set[int] = set()
        for q in set(qs):
            if not q:
                return set(range(len(self.texts)))
            for starts, joined in self._corpus:
                pos = joined.find(q)
                while pos >= 0:
                    k = bisect.bisect_right(starts, pos) - 1
                    found.add(k)
                    pos = joined.find(q, starts[k + 1])
        return found

    def entry(self, n: int) -> Entry:
        kind, id, field, rank, command, sources = self.rows[n]
        if not all(type(x) is str for x in (kind, id, field, command, *sources)):
            raise ValueError("not a search index entry")
        text = Text(self.texts[2 * n], self.texts[2 * n + 1])
        return Entry(kind, id, field, int(rank), command, text, tuple(sources))


def _joined(texts: list[str]) -> tuple[list[int], str]:
    """The texts joined by SEP, and where each starts (with one more start past the end)."""
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text) + 1)
    return starts, SEP.join(texts)


def build_index(kb: KnowledgeBase) -> SearchIndex:
    """The search index of a knowledge base; folding all texts is most of the work."""
    items = entries(kb)
    rows = [(e.kind, e.id, e.field, e.rank, e.command, e.sources) for e in items]
    texts = [t for e in items for t in (e.text.da, e.text.en)]
    longs = [fold(t, True) for t in texts]
    shorts = [fold(t, False) for t in texts]
    return SearchIndex(rows, texts, longs, shorts, kb.sources)


def terms_of(args: Sequence[str]) -> list[str]:
    """The query's terms, whitespace-normalised; each must fold to something."""
    return [" ".join(a.split()) for a in args]


def unsearchable(args: Sequence[str]) -> str | None:
    """The first term that folds to nothing but spaces (combining accents alone, say), or None.

    Such a term occurs in every text: a search for it would find the whole knowledge base.
    """
    for term in terms_of(args):
        if not any(q.strip() for q in foldings(term)):
            return term
    return None


class _Folded:
    """One matching text, with its folding offset maps made only when a span is needed."""

    __slots__ = ("text", "_maps")

    def __init__(self, text: str):
        self.text = text
        self._maps: dict[bool, tuple[str, list[int]]] = {}

    def span(self, qs: tuple[str, str]) -> Span | None:
        """The first place either folding of the query occurs, as offsets into `text`."""
        for long in (True, False):
            if long not in self._maps:
                self._maps[long] = fold_map(self.text, long)
            folded, where = self._maps[long]
            for q in qs:
                pos = folded.find(q)
                if pos >= 0:
                    return _original(self.text, where, pos, pos + len(q))
        return None


def _original(text: str, where: list[int], start: int, end: int) -> Span:
    """Folded [start, end) -> the original characters it came from, whole (with their accents)."""
    a, b = where[start], where[end - 1] + 1
    while b < len(text) and unicodedata.combining(text[b]):
        b += 1
    return a, b


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def search(source: KnowledgeBase | SearchIndex, args: Sequence[str], lang: Lang) -> list[Hit]:
    """Every hit for the query, best first: rank class, then the knowledge base's order.

    A text matches when every term occurs in it; the selected language is tried first.
    Raises LookupFailed (with the closest words of the KB) when nothing matches.
    """
    return first_hits(source, args, lang, None)[0]


def first_hits(
    source: KnowledgeBase | SearchIndex, args: Sequence[str], lang: Lang, limit: int | None
) -> tuple[list[Hit], int]:
    """The first `limit` hits (all if None), best first, and how many there are in all. Only
    the hits returned get a snippet: finding where a query stands in a text is the costly
    part of a hit, and `kl search` shows ten of what may be a hundred."""
    index = source if isinstance(source, SearchIndex) else build_index(source)
    terms = terms_of(args)
    queries = [foldings(t) for t in terms]
    first = LANGS.index(lang)
    matching = set.intersection(*(index.containing(qs) for qs in queries))
    found: list[tuple[int, int, int, Entry]] = []  # rank, entry number, text number, entry
    for n in sorted({k // 2 for k in matching}):
        for j in (first, 1 - first):
            k = 2 * n + j
            if k in matching:
                entry = index.entry(n)
                found.append((entry.rank, n, k, entry))
                break
    found.sort(key=lambda t: (t[0], t[1]))
    chosen: list[tuple[int, Entry]] = []
    groups: set[tuple[str, str, str]] = set()
    for _, _, k, entry in found:
        group = entry.group
        if group is not None:
            if group in groups:
                continue
            groups.add(group)
        chosen.append((k, entry))
    if not chosen:
        raise no_match(index, terms)
    shown = chosen if limit is None else chosen[:limit]
    return [_hit(index.texts[k], LANGS[k % 2], entry, queries) for k, entry in shown], len(chosen)


def _hit(text: str, text_lang: Lang, entry: Entry, queries: list[tuple[str, str]]) -> Hit:
    folded = _Folded(text)
    spans = [s for s in (folded.span(qs) for qs in queries) if s is not None]
    snippet, marked = make_snippet(folded.text, _merge(spans))
    command = entry.command
    # The language the text was found in, whatever --lang is: the same command in every
    # language, and it shows that text even where KL_LANG says otherwise.
    if entry.text.da != entry.text.en:
        command += f" --lang {text_lang}"
    return Hit(entry, text_lang, command, snippet, marked)


# --- snippets ------------------------------------------------------------------------------------


def make_snippet(
    text: str, spans: list[Span], width: int = SNIPPET
) -> tuple[str, tuple[Span, ...]]:
    """One line of `text` around its first match, and the spans inside it, moved to match.

    A cut is made at a space where one is near, and shown as "…". Offsets are code points.
    """
    if len(text) <= width or not spans:
        return text, tuple(spans)
    a0, b0 = spans[0]
    body = width - 2  # room for an ellipsis at each end
    if b0 - a0 >= body:  # the match alone fills the line
        start, end = a0, b0
    else:
        start = max(0, a0 - (body - (b0 - a0)) // 3)  # the match a third of the way in
        end = min(len(text), start + body)
        start = max(0, end - body)
        if start > 0 and text[start - 1] != " ":
            space = text.find(" ", start, a0)
            if space >= 0 and space - start < 12:
                start = space + 1
        if end < len(text) and text[end] != " ":
            space = text.rfind(" ", b0, end)
            if space >= 0 and end - space < 12:
                end = space
        while start < a0 and text[start] == " ":
            start += 1
        while end > b0 and text[end - 1] == " ":
            end -= 1
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    inside = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return lead + text[start:end] + tail, inside


# --- when nothing matches ------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _vocabulary(texts: list[str]) -> list[tuple[str, str, str]]:
    """Each word of the KB once: (long folding, short folding, the word as written, lowercase)."""
    words: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(text):
            if len(word) > 1:
                words.setdefault(fold(word, True), word.casefold())
    return [(key, fold(written, False), written) for key, written in words.items()]


def closest_words(vocabulary: list[tuple[str, str, str]], word: str, n: int = 3) -> list[str]:
    """The KB's words closest to `word` under either folding (difflib ratio 0.6 or more)."""
    import difflib  # only when nothing matched

    scores: dict[str, float] = {}
    for i, long in enumerate((True, False)):
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(fold(word, long))
        for entry in vocabulary:
            matcher.set_seq1(entry[i])
            if (
                matcher.real_quick_ratio() >= 0.6
                and matcher.quick_ratio() >= 0.6
                and matcher.ratio() >= 0.6
            ):
                written = entry[2]
                scores[written] = max(scores.get(written, 0.0), matcher.ratio())
    return sorted(scores, key=lambda w: (-scores[w], w))[:n]


# An error names at most this many terms, each cut to TERM_CHARS, and looks for the closest
# words of at most SUGGEST_FOR missing words: a query of thousands of words costs no more.
SHOWN_TERMS = 3
TERM_CHARS = 40
SUGGEST_FOR = 5


def _quoted(terms: Sequence[str]) -> str:
    """'a', 'b', 'c', … (N terms): the first few terms, each cut short."""
    shown = ", ".join(
        repr(t if len(t) <= TERM_CHARS else t[:TERM_CHARS] + "…") for t in terms[:SHOWN_TERMS]
    )
    return shown + (f", … ({len(terms)} terms)" if len(terms) > SHOWN_TERMS else "")


def no_match(index: SearchIndex, terms: Sequence[str]) -> LookupFailed:
    """The error for a query without hits: say which term fails, and the closest KB words."""

    def anywhere(term: str) -> bool:
        return bool(index.containing(foldings(term)))

    missing = [t for t in terms if not anywhere(t)]
    if not missing:
        return LookupFailed(f"no single text matches all of {_quoted(terms)}; each matches alone")
    words = (w for t in missing for w in t.split() if not anywhere(w))
    unknown = list(itertools.islice(words, SUGGEST_FOR))
    suggestions: list[str] = []
    if unknown:
        vocabulary = _vocabulary(index.texts)
        for word in unknown:
            close = closest_words(vocabulary, word)
            suggestions += [w for w in close if w not in suggestions]
    suggestions = suggestions[:3]
    what = f"no match for {_quoted(missing)}"
    if suggestions:
        return LookupFailed(
            f"{what}; closest words in the knowledge base: {_quoted(suggestions)}", suggestions
        )
    if all(" " in t and all(anywhere(w) for w in t.split()) for t in missing):
        return LookupFailed(f"{what}; its words occur apart: give them as separate arguments")
    return LookupFailed(f"{what}, and no similar words in the knowledge base")
