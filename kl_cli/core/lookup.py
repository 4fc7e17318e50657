"""Finding an entry by what the user typed: an id, a number, a name (folded), a § reference.

Raises LookupFailed with the candidates or the closest names. Pure: no I/O.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from kl_cli.core.folding import foldings
from kl_cli.core.kinds import kind
from kl_cli.core.models import Body, KnowledgeBase, Paragraph, Value
from kl_cli.errors import LookupFailed

T = TypeVar("T")


def resolve(query: str, entries: Iterable[tuple[T, Iterable[str]]], kind: str) -> T:
    """Find one entry by any of its names, folded (kl_cli/core/folding.py): an exact name beats a
    prefix; several exact names or prefixes are ambiguous; else the closest 1-3 (difflib)."""
    table = [(item, names, [foldings(n) for n in names]) for item, names in _listed(entries)]
    ids = [names[0] for _, names, _ in table]
    q_pair = foldings(query)
    q_folds = {q for q in q_pair if q}
    if not q_folds:
        raise LookupFailed(f"no {kind} {query!r}; choose one of: {', '.join(ids)}", ids)
    exact = [i for i, (_, _, folds) in enumerate(table) if q_folds & {f for p in folds for f in p}]
    if len(exact) == 1:
        return table[exact[0]][0]
    prefix = [
        i
        for i, (_, _, folds) in enumerate(table)
        if any(f.startswith(q) for p in folds for f in p for q in q_folds)
    ]
    if len(prefix) == 1:
        return table[prefix[0]][0]
    if exact or prefix:
        names = [ids[i] for i in (exact or prefix)]
        raise LookupFailed(f"{kind} {query!r} is ambiguous: it could be {_or(names)}", names)
    import difflib

    scores: dict[int, float] = {}
    matcher = difflib.SequenceMatcher()
    for side in (0, 1):  # compare like with like: long folding with long, short with short
        matcher.set_seq2(q_pair[side])
        for i, (_, _, folds) in enumerate(table):
            for pair in folds:
                matcher.set_seq1(pair[side])
                if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                    scores[i] = max(scores.get(i, 0.0), matcher.ratio())
    close = sorted((i for i in scores if scores[i] >= 0.6), key=lambda i: -scores[i])[:3]
    if close:
        suggestions = [ids[i] for i in close]
        raise LookupFailed(f"no {kind} {query!r}; did you mean {_or(suggestions)}?", suggestions)
    raise LookupFailed(f"no {kind} {query!r}; choose one of: {', '.join(ids)}", ids)


def _listed(entries: Iterable[tuple[T, Iterable[str]]]) -> list[tuple[T, list[str]]]:
    return [(item, list(names)) for item, names in entries]


def _or(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def find(kb: KnowledgeBase, kind_name: str, query: str) -> Any:
    """The one entry of a kind (kl_cli/core/kinds.py) that `query` names, by any of its names."""
    k = kind(kind_name)
    names = k.names
    assert names is not None, f"{kind_name} entries have no names to look up"
    return resolve(query, ((e, names(e)) for e in k.entries(kb)), k.called)


def find_value(kb: KnowledgeBase, query: str) -> Value:
    return typing.cast(Value, find(kb, "value", query))


def find_body(kb: KnowledgeBase, query: str) -> Body:
    return typing.cast(Body, find(kb, "body", query))


_STK = re.compile(r"\s*(?:stk\.?|,)\s*", re.IGNORECASE)
# A paragraph number is at most this many ASCII digits: no statutes have more paragraphs, and
# int() refuses strings of over 4,300 digits.
MAX_PARAGRAPH_DIGITS = 6


def paragraph_id(query: str) -> str:
    """'§ 4' -> '4', '§ 6 stk. 2' -> '6.2', '§§ 12–13' -> '12-13'; other text unchanged.

    Only 0-9 are digits here: '²', '①' or '٤' are left for the name lookup.
    """
    q = query.strip().replace("§", "").replace("–", "-").strip()
    q = _STK.sub(".", q)
    return re.sub(r"\s+", "", q).lower() if re.fullmatch(r"[0-9\s.\-]+", q) else query


def _paragraph_number(text: str) -> int | None:
    """`text` as a paragraph number: ASCII digits only (not '²': isdigit() says yes), bounded."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_PARAGRAPH_DIGITS:
        return int(text)
    return None


def find_paragraph(kb: KnowledgeBase, query: str) -> Paragraph:
    pid = paragraph_id(query)
    for p in kb.statutes.paragraphs:
        if p.id == pid:
            return p
    number = _paragraph_number(pid)
    if number is not None:  # within a range such as 12-13
        for p in kb.statutes.paragraphs:
            low, _, high = p.id.partition("-")
            first, last = _paragraph_number(low), _paragraph_number(high)
            if first is not None and last is not None and first <= number <= last:
                return p
    reference = _reference(pid)
    if reference is not None:  # a real paragraph, just not one the sources give
        ids = [p.id for p in kb.statutes.paragraphs]
        verb = "are" if reference.startswith("§§") else "is"
        raise LookupFailed(
            f"{reference} {verb} not in this knowledge base; it covers: {', '.join(ids)}", ids
        )
    return typing.cast(Paragraph, find(kb, "paragraph", query))


def _reference(pid: str) -> str | None:
    """A paragraph id as KL writes the reference ('6.2' -> '§ 6 stk. 2', '12-13' -> '§§ 12–13'),
    or None if `pid` is not a paragraph number (or a number too long to be one)."""
    for sep, shown in ((".", "§ {} stk. {}"), ("-", "§§ {}–{}")):
        a, found, b = pid.partition(sep)
        if found:
            numbers = [_paragraph_number(a), _paragraph_number(b)]
            return shown.format(*numbers) if None not in numbers else None
    number = _paragraph_number(pid)
    return None if number is None else f"§ {number}"
