"""Facts and their sources as output data, and source footnotes numbered explicitly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core import periods
from kl_cli.core.models import Fact, KnowledgeBase, Lang, NamedFact, Source, Text
from kl_cli.core.record import by_id
from kl_cli.present.doc import Notes
from kl_cli.present.i18n import label

if TYPE_CHECKING:
    from kl_cli.present.shapes import FactData, PeriodData, Sourced, SourceRef


def period_data(span: periods.Span) -> PeriodData:
    """A validity as output data: ISO dates as the sources give them (None: open), the
    electoral period's id where it is one, and a language-neutral label."""
    shown = span.period.replace("-", "–") if span.period else periods.label(span)
    out: PeriodData = {"from": span.start, "to": span.end, "label": shown}
    if span.period:
        out["id"] = span.period
    return out


def source_ref(s: Source, lang: Lang) -> SourceRef:
    """A source as it accompanies every fact in JSON and YAML."""
    out: SourceRef = {"id": s.id, "title": s.title.get(lang)}
    if s.url:
        out["url"] = s.url
    return out


class Facts:
    """Turns the model's facts into output data in one language (sources resolved by id)."""

    def __init__(self, kb: KnowledgeBase, lang: Lang, as_of: date):
        self.lang = lang
        self.as_of = as_of
        self.periods = periods.periods(kb)
        self._sources = by_id(kb, "sources")  # revives only the sources a view cites

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def sources(self, ids: Iterable[str]) -> list[SourceRef]:
        return [source_ref(self._sources[sid], self.lang) for sid in ids]

    def fact(self, fact: Any, *, text: bool = True) -> FactData:
        """A fact-like record (text, sources, validity, confidence) as output data."""
        out: dict[str, Any] = {}  # in output order: id, text, sources, period, confidence
        if isinstance(fact, NamedFact):
            out["id"] = fact.id
        if text and isinstance(fact, Fact | NamedFact):
            out["text"] = self.t(fact.text)
        out["sources"] = self.sources(fact.sources)
        self.dated(out, fact)
        confidence = getattr(fact, "confidence", None)
        if confidence:
            out["confidence"] = confidence
        return cast("FactData", out)

    def dated(self, out: dict[str, Any], entry: Any) -> bool:
        """Add `period` and `current` to an entry's output data if it has a validity; whether
        it holds on the day asked (an entry without one is timeless)."""
        span = self.periods.span(entry)
        if span is None:
            return True
        current = periods.covers(span, self.as_of)
        out["period"] = period_data(span)
        out["current"] = current
        return current


def when(fact: Any, lang: Lang) -> str:
    """A fact's period as a reader sees it: '2014–2026', or 'senest kendt: 2014–2026' when it
    does not hold on the day asked ('' without a period)."""
    period = fact.get("period")
    if not period:
        return ""
    if fact.get("current", True):
        return str(period["label"])
    return f"{label('last_known', lang)}: {period['label']}"


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
            extra.append(when(fact, self.lang))
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
