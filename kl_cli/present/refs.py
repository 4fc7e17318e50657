"""Facts and their sources as output data, and source footnotes numbered explicitly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core.models import Count, Fact, KnowledgeBase, Lang, NamedFact, Source, Text, Unit
from kl_cli.present.doc import Notes
from kl_cli.present.i18n import label

if TYPE_CHECKING:
    from kl_cli.present.shapes import FactData, Sourced, SourceRef


def source_ref(s: Source, lang: Lang) -> SourceRef:
    """A source as it accompanies every fact in JSON and YAML."""
    out: SourceRef = {"id": s.id, "title": s.title.get(lang)}
    if s.url:
        out["url"] = s.url
    return out


class Facts:
    """Turns the model's facts into output data in one language (sources resolved by id)."""

    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.lang = lang
        self._sources = {s.id: s for s in kb.sources}

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def sources(self, ids: Iterable[str]) -> list[SourceRef]:
        return [source_ref(self._sources[sid], self.lang) for sid in ids]

    def fact(self, fact: Fact | NamedFact | Count | Unit, *, text: bool = True) -> FactData:
        out: dict[str, Any] = {}  # in output order: id, text, sources, period, confidence
        if isinstance(fact, NamedFact):
            out["id"] = fact.id
        if text and isinstance(fact, Fact | NamedFact):
            out["text"] = self.t(fact.text)
        out["sources"] = self.sources(fact.sources)
        if fact.period:
            out["period"] = fact.period
        confidence = getattr(fact, "confidence", None)
        if confidence:
            out["confidence"] = confidence
        return cast("FactData", out)


class Footnotes:
    """Source footnotes, numbered once, up front, in the order of the source lists given (the
    order the document cites them in); `refs` and `note` only look the numbers up."""

    def __init__(self, lang: Lang, cited: Iterable[Sequence[SourceRef]]):
        self.lang = lang
        self.numbers: dict[str, int] = {}
        self.cited: list[SourceRef] = []
        for refs in cited:
            for ref in refs:
                if ref["id"] not in self.numbers:
                    self.numbers[ref["id"]] = len(self.numbers) + 1
                    self.cited.append(ref)

    def refs(self, sources: Sequence[SourceRef]) -> str:
        """The footnote marker of a fact's sources, numbers ascending: '[1,3]' (no space: a
        marker is never broken across lines)."""
        numbers = ",".join(str(n) for n in sorted({self.numbers[s["id"]] for s in sources}))
        return f"[{numbers}]" if numbers else ""

    def note(self, fact: Sourced) -> str:
        """Quiet provenance: '(period; medium confidence) [1,2]'."""
        extra = []
        if "period" in fact:
            extra.append(fact["period"])
        confidence = fact.get("confidence")
        if confidence and confidence != "high":
            extra.append(label(confidence, self.lang))
        refs = self.refs(fact["sources"])
        return (f"({'; '.join(extra)}) " if extra else "") + refs

    def block(self) -> list[Notes]:
        """The footnotes as a block at the end of a document (none if nothing is cited)."""
        if not self.cited:
            return []
        lines = tuple(
            f"[{self.numbers[s['id']]}] {s['title']}" + (f" — {s['url']}" if "url" in s else "")
            for s in self.cited
        )
        urls = tuple(s.get("url", "") for s in self.cited)
        return [Notes(label("sources", self.lang), lines, key="", urls=urls)]
