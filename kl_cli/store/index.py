"""The search index as a file: written to the cache (and to data/kl.search.json for the bundled
knowledge base), read back with every value checked, since a cache entry is only a hint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kl_cli.core.folding import SEP
from kl_cli.core.models import Source, Text
from kl_cli.core.search import RANKS, SearchIndex

INDEX_FORMAT = 1


def index_to_json(index: SearchIndex) -> str:
    """The cached form of an index (plain lists: it reads back without any object hook)."""
    import json

    sources = [[s.id, s.title.da, s.title.en, s.url] for s in index.sources]
    # Texts without æ, ø or å fold the same both ways: their short folding is stored as null.
    shorts = [None if s == f else s for s, f in zip(index.shorts, index.longs, strict=True)]
    payload = {
        "format": INDEX_FORMAT,
        "rows": index.rows,
        "texts": index.texts,
        "long": index.longs,
        "short": shorts,
        "sources": sources,
    }
    return json.dumps(payload, ensure_ascii=False)


def index_from_json(text: str, *, checked: bool = True) -> SearchIndex:
    """Read an index; raise ValueError (or TypeError, ...) unless it is an index of this version
    that kl could have written: a cache entry is a hint, and a bad one is a miss. Unchecked:
    the bundled data/kl.search.json, which the tests check fresh (checking it cost every
    `kl search` some 2 ms; an entry is still checked for its types when it is a hit).
    """
    import json

    from kl_cli.store.compiled import lone_surrogate

    if checked and lone_surrogate(text):
        raise ValueError("a text holds a lone surrogate")
    data = json.loads(text)
    if type(data) is not dict or data.get("format") != INDEX_FORMAT:
        raise ValueError("not a search index of this version")
    rows, texts, longs, shorts, listed = (
        data[key] for key in ("rows", "texts", "long", "short", "sources")
    )
    if checked:
        _check(rows, texts, longs, shorts, listed)
    sources = tuple(Source(sid, Text(da, en), url) for sid, da, en, url in listed)
    shorts = [f if s is None else s for s, f in zip(shorts, longs, strict=True)]
    if checked:
        for strings in (texts, longs, shorts):
            # no text may hold the separator itself: the joined corpus would misplace matches
            if SEP.join(strings).count(SEP) != max(len(strings) - 1, 0):
                raise ValueError("not a search index")
    return SearchIndex(rows, texts, longs, shorts, sources)


def _check(rows: Any, texts: Any, longs: Any, shorts: Any, listed: Any) -> None:
    """Each check runs over a whole column at C speed (an index holds every text three times):
    the type of every field of every row, ranks in range, source ids unique and every cited one
    known."""
    columns = (rows, texts, longs, shorts, listed)
    if not (_only(list, columns) and _only(list, rows, listed)):
        raise ValueError("not a search index")
    if not (set(map(len, rows)) <= {6} and set(map(len, listed)) <= {4}):
        raise ValueError("not a search index")
    kinds, ids, fields, ranks, commands, cited = zip(*rows, strict=True) if rows else [()] * 6
    sids, das, ens, urls = zip(*listed, strict=True) if listed else [()] * 4
    if not _only(list, cited):
        raise ValueError("not a search index")
    cited_ids = [sid for row_sources in cited for sid in row_sources]
    # str.join raises TypeError unless every item is text (here and for the texts below)
    "".join([*kinds, *ids, *fields, *commands, *cited_ids, *sids, *das, *ens])
    if not (
        _only(int, ranks)
        and set(ranks) <= set(range(len(RANKS)))
        and set(map(type, urls)) <= {str, type(None)}
        and len(set(sids)) == len(sids)
        and set(cited_ids) <= set(sids)
    ):
        raise ValueError("not a search index")


def _only(kind: type, *columns: Sequence[Any]) -> bool:
    """Whether every item of every column is exactly of type `kind` (not a subclass: no bool
    passes for int)."""
    return all(set(map(type, column)) <= {kind} for column in columns)
