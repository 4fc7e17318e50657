"""`kl search TEXT...`: the hits, best first, as data; the document is derived from it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from kl_cli.core.models import KnowledgeBase, Lang, Source
from kl_cli.core.search import RANKS, Hit, SearchIndex, build_index, first_hits
from kl_cli.present.doc import Block, Heading, HitRow, Hits
from kl_cli.present.i18n import hit_kind, label
from kl_cli.present.refs import source_ref
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import SearchData, SearchHit


def _label(key: str, lang: Lang, **values: Any) -> str:
    return label(key, lang).format(**values)


def _shown_query(terms: Sequence[str]) -> str:
    return " ".join(f"“{t}”" if " " in t else t for t in terms)


def _shown_command(command: str, lang: Lang) -> str:
    """The command as people read it: without the `--lang` of the language they are reading
    (JSON and plain keep it, so that they are the same in every language)."""
    return command.removesuffix(f" --lang {lang}")


def _hit_json(sources: dict[str, Source], lang: Lang, hit: Hit) -> SearchHit:
    e = hit.entry
    start, end = hit.spans[0] if hit.spans else (0, 0)
    return {
        "kind": e.kind,
        "id": e.id,
        "field": e.field,
        "rank": RANKS[e.rank],
        "lang": hit.lang,
        "command": hit.command,
        "snippet": hit.snippet,
        "start": start,
        "end": end,
        "matches": [{"start": a, "end": b} for a, b in hit.spans],
        "sources": [source_ref(sources[s], lang) for s in e.sources if s in sources],
    }


def search_view(
    index: KnowledgeBase | SearchIndex,
    lang: Lang,
    terms: Sequence[str],
    limit: int,
    *,
    as_of: date,
) -> View:
    """The first `limit` hits for `terms` (raises LookupFailed when there are none)."""
    if not isinstance(index, SearchIndex):
        index = build_index(index)
    sources = {s.id: s for s in index.sources}
    hits, total = first_hits(index, terms, lang, limit)
    data: SearchData = {
        "query": list(terms),
        "total": total,
        "limit": limit,
        "hits": [_hit_json(sources, lang, hit) for hit in hits],
    }
    return View("search", lang, data, search_doc, as_of=as_of)


def search_doc(data: SearchData, lang: Lang) -> list[Block]:
    total, shown = data["total"], len(data["hits"])
    if total == 1:
        count = _label("hits_one", lang)
    elif shown == total:
        count = _label("hits_all", lang, total=total)
    else:
        count = _label("hits_some", lang, total=total, shown=shown)
    rows = tuple(
        HitRow(
            h["kind"],
            h["id"],
            _shown_command(h["command"], lang),
            h["snippet"],
            tuple((m["start"], m["end"]) for m in h["matches"]),
            plain_command=h["command"],
            label=hit_kind(h["kind"], lang),
        )
        for h in data["hits"]
    )
    return [Heading(_label("search", lang, query=_shown_query(data["query"]))), Hits(rows, count)]
