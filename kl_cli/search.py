"""Full-text search over every text of the knowledge base, in both languages. Pure: no I/O.

Each text is an `Entry` that knows the command showing it in full and its rank class (a title or
name beats a list item, which beats body text). A query is one or more terms; every term must
occur in the same text, matched under both Danish foldings both ways (see kl_cli/folding.py); a
term holding a space is a phrase. The index is built per call: it is linear in the KB's size.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from kl_cli.folding import fold, fold_all, fold_map, foldings
from kl_cli.kb import LookupFailed
from kl_cli.models import LANGS, KnowledgeBase, Lang, Text
from kl_cli.record import Record

NAME, ITEM, TEXT = 0, 1, 2
RANKS = ("name", "item", "text")
SNIPPET = 76  # code points, ellipses included: one line at 80 columns with a small indent

Span = tuple[int, int]


class Entry(Record):
    """One searchable text and where it is shown in full."""

    kind: str  # about, value, behaviour, body, actor, statute, services, international, source
    id: str
    field: str  # title, name, alias, item, role, fact, ...
    rank: int  # NAME, ITEM or TEXT
    command: str  # without --lang
    text: Text
    sources: tuple[str, ...] = ()

    @property
    def group(self) -> tuple[str, str, str] | None:
        """Names and aliases of one thing give one hit between them."""
        return (self.kind, self.id, "name") if self.field in ("name", "alias") else None


class Hit(Record):
    """A matching entry: the language matched, the exact command, a snippet with its matches."""

    entry: Entry
    lang: Lang
    command: str
    snippet: str
    spans: tuple[Span, ...]  # code-point offsets into the snippet, sorted, not overlapping


# --- the index -----------------------------------------------------------------------------------


def _same(text: str) -> Text:
    return Text(text, text)


def entries(kb: KnowledgeBase) -> list[Entry]:
    """Every text of the knowledge base, in the order the commands show them, duplicates once."""
    out: list[Entry] = []
    seen: set[tuple[str, str]] = set()

    def add(
        kind: str,
        id: str,
        field: str,
        rank: int,
        command: str,
        text: Text,
        sources: Sequence[str] = (),
    ) -> None:
        key = (" ".join(text.da.split()), " ".join(text.en.split()))
        if key in seen or not (key[0] or key[1]):
            return
        seen.add(key)
        out.append(Entry(kind, id, field, rank, command, Text(*key), tuple(sources)))

    a = kb.about
    add("about", "name", "name", NAME, "kl about", a.name)
    add("about", "name", "alias", NAME, "kl about", _same(a.long_name))
    add("about", "mission", "text", TEXT, "kl about", a.mission.text, a.mission.sources)
    add("about", "vision", "text", TEXT, "kl about", a.vision.text, a.vision.sources)
    for nf in a.facts:
        add("about", nf.id, "fact", TEXT, "kl about", nf.text, nf.sources)

    for v in kb.values:
        cmd = f"kl values {v.number}"
        add("value", v.id, "title", NAME, cmd, v.title, v.sources)
        for statement in v.statement:
            add("value", v.id, "statement", TEXT, cmd, statement, v.sources)
        add("value", v.id, "list_heading", ITEM, cmd, v.list_heading, v.sources)
        for item in v.items:
            add("value", v.id, "item", ITEM, cmd, item, v.sources)
    for v in kb.values:
        cmd = f"kl leadership {v.number}"
        add("behaviour", v.id, "behaviour_heading", ITEM, cmd, v.behaviour_heading, v.sources)
        for b in v.behaviours:
            add("behaviour", v.id, "behaviour", ITEM, cmd, b, v.sources)

    for body in kb.bodies:
        cmd = f"kl bodies {body.id}"
        add("body", body.id, "name", NAME, cmd, body.name)
        for alias in body.aliases:
            add("body", body.id, "alias", NAME, cmd, _same(alias))
        for key in ("role", "composition", "election", "meetings", "term"):
            fact = getattr(body, key)
            if fact is not None:
                add("body", body.id, key, TEXT, cmd, fact.text, fact.sources)
        for count in body.counts:
            add("body", body.id, "count", ITEM, cmd, count.label, count.sources)
        for unit in body.units:
            add("body", body.id, "unit", NAME, cmd, unit.name, unit.sources)

    for actor in kb.actors:  # the municipalities, councils and mayors of the organisation chart
        add("actor", actor.id, "name", NAME, "kl org", actor.name)

    s = kb.statutes
    for p in s.paragraphs:
        cmd = f"kl statutes {p.id}"
        title = Text(*(_titled(p.label, t) for t in (p.title.da, p.title.en)))
        add("statute", p.id, "title", NAME, cmd, title)
        for fact in p.facts:
            add("statute", p.id, "fact", TEXT, cmd, fact.text, fact.sources)
    for fact in s.summary:
        add("statute", "summary", "text", TEXT, "kl statutes", fact.text, fact.sources)
    add("statute", "edition", "text", TEXT, "kl statutes", s.edition.text, s.edition.sources)
    add("statute", "revision", "text", TEXT, "kl statutes", s.revision.text, s.revision.sources)
    amend = "kl statutes amendment"
    for key in ("rule", "caveat"):
        fact = getattr(s.amendment, key)
        add("statute", "amendment", key, TEXT, amend, fact.text, fact.sources)
    d = s.delegates
    delegates = "kl statutes delegates --population 40500"
    for key, fact in (("rule", d.rule), ("cap", d.cap), ("example", d.example)):
        if fact is not None:
            add("statute", "delegates", key, TEXT, delegates, fact.text, fact.sources)

    for i, fact in enumerate(kb.services, 1):
        add("services", str(i), "text", TEXT, "kl services", fact.text, fact.sources)
    for i, fact in enumerate(kb.international, 1):
        add("international", str(i), "text", TEXT, "kl international", fact.text, fact.sources)
    for src in kb.sources:
        add("source", src.id, "name", NAME, "kl sources", src.title, (src.id,))
        if src.note is not None:
            add("source", src.id, "note", TEXT, "kl sources", src.note, (src.id,))
    return out


def _titled(label: str, title: str) -> str:
    return title if fold(label, True) == fold(title, True) else f"{label} {title}"


# --- matching ------------------------------------------------------------------------------------


def terms_of(args: Sequence[str]) -> list[str]:
    """The query's terms, whitespace-normalised; each must fold to something."""
    return [" ".join(a.split()) for a in args]


class _Folded:
    """Both foldings of one text, with the offset maps made only when a span is needed."""

    __slots__ = ("text", "folds", "_maps")

    def __init__(self, text: str, folds: tuple[str, str] | None = None):
        self.text = text
        self.folds = folds if folds is not None else foldings(text)
        self._maps: dict[bool, tuple[str, list[int]]] = {}

    def has(self, qs: tuple[str, str]) -> bool:
        return any(q in f for q in qs for f in self.folds)

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


def search(kb: KnowledgeBase, args: Sequence[str], lang: Lang) -> list[Hit]:
    """Every hit for the query, best first: rank class, then the knowledge base's order.

    A text matches when every term occurs in it; the selected language is tried first.
    Raises LookupFailed (with the closest words of the KB) when nothing matches.
    """
    terms = terms_of(args)
    queries = [foldings(t) for t in terms]
    order = (lang, *(other for other in LANGS if other != lang))
    found: list[tuple[int, int, Hit]] = []
    groups: set[tuple[str, str, str]] = set()
    items = entries(kb)
    texts = [entry.text.get(text_lang) for entry in items for text_lang in order]
    # Folding every text is most of a search's work: done once, for all texts together.
    longs, shorts = fold_all(texts, True), fold_all(texts, False)
    for n, entry in enumerate(items):
        for j, text_lang in enumerate(order):
            k = n * len(order) + j
            folds = (longs[k], shorts[k])
            if not all(any(q in f for q in qs for f in folds) for qs in queries):
                continue
            folded = _Folded(texts[k], folds)
            spans = [s for s in (folded.span(qs) for qs in queries) if s is not None]
            snippet, marked = make_snippet(folded.text, _merge(spans))
            command = entry.command
            if text_lang != lang and entry.text.da != entry.text.en:
                command += f" --lang {text_lang}"
            found.append((entry.rank, n, Hit(entry, text_lang, command, snippet, marked)))
            break
    found.sort(key=lambda t: (t[0], t[1]))
    hits: list[Hit] = []
    for _, _, hit in found:
        group = hit.entry.group
        if group is not None:
            if group in groups:
                continue
            groups.add(group)
        hits.append(hit)
    if not hits:
        raise no_match(kb, terms)
    return hits


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


def _vocabulary(items: list[Entry]) -> list[tuple[str, str, str]]:
    """Each word of the KB once: (long folding, short folding, the word as written, lowercase)."""
    words: dict[str, str] = {}
    for entry in items:
        for text in (entry.text.da, entry.text.en):
            for word in _WORD.findall(text):
                if len(word) > 1:
                    words.setdefault(fold(word, True), word.casefold())
    return [(key, fold(written, False), written) for key, written in words.items()]


def closest_words(vocabulary: list[tuple[str, str, str]], word: str, n: int = 3) -> list[str]:
    """The KB's words closest to `word` under either folding (difflib ratio 0.6 or more)."""
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


def _quoted(terms: Sequence[str]) -> str:
    return ", ".join(repr(t) for t in terms)


def no_match(kb: KnowledgeBase, terms: Sequence[str]) -> LookupFailed:
    """The error for a query without hits: say which term fails, and the closest KB words."""
    items = entries(kb)
    texts = [_Folded(e.text.get(lang)) for e in items for lang in LANGS]

    def anywhere(term: str) -> bool:
        qs = foldings(term)
        return any(t.has(qs) for t in texts)

    missing = [t for t in terms if not anywhere(t)]
    if not missing:
        return LookupFailed(f"no single text matches all of {_quoted(terms)}; each matches alone")
    vocabulary = _vocabulary(items)
    suggestions: list[str] = []
    for term in missing:
        for word in term.split():
            if not anywhere(word):
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
