"""`kl services`, `kl international` and `kl sources`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from kl_cli.core.models import Fact, KnowledgeBase, Lang, Source
from kl_cli.present.doc import Block, Field, Fields, Heading, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.refs import Facts, Footnotes, source_ref
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import ParagraphsData, SourceData, SourcesData


def _paragraphs(kb: KnowledgeBase, lang: Lang, kind: str, facts: tuple[Fact, ...]) -> View:
    f = Facts(kb, lang)
    data: ParagraphsData = {"paragraphs": [f.fact(x) for x in facts]}

    def document(data: ParagraphsData, lang: Lang) -> list[Block]:
        notes = Footnotes(lang, [x["sources"] for x in data["paragraphs"]])
        return [
            Heading(label(kind, lang)),
            *(Para("text", x.get("text", ""), notes.note(x)) for x in data["paragraphs"]),
            *notes.block(),
        ]

    return View(kind, lang, data, document)


def services(kb: KnowledgeBase, lang: Lang) -> View:
    return _paragraphs(kb, lang, "services", kb.services)


def international(kb: KnowledgeBase, lang: Lang) -> View:
    return _paragraphs(kb, lang, "international", kb.international)


def _source_data(s: Source, lang: Lang) -> SourceData:
    out = cast("SourceData", source_ref(s, lang))
    if s.note is not None:
        out["note"] = s.note.get(lang)
    return out


def sources(kb: KnowledgeBase, lang: Lang, kb_path: str | None) -> View:
    data: SourcesData = {
        "knowledge_base": {
            "custom": kb_path is not None,
            "path": kb_path,
            "kb_version": kb.kb_version,
            "last_reviewed": kb.last_reviewed,
        },
        "sources": [_source_data(s, lang) for s in kb.sources],
    }
    return View("sources", lang, data, sources_doc)


def sources_doc(data: SourcesData, lang: Lang) -> list[Block]:
    info = data["knowledge_base"]
    where = info["path"] if info["path"] is not None else "bundled"
    return [
        Heading(label("sources", lang)),
        Fields(
            (
                Field("knowledge_base", label("kb", lang), where, plain=(where,)),
                Field("kb_version", "version", info["kb_version"]),
                Field("last_reviewed", "reviewed", info["last_reviewed"]),
            )
        ),
        Table(
            ("id", label("name", lang), "URL"),
            tuple((s["id"], s["title"], s.get("url", "")) for s in data["sources"]),
            key="source",
            url_column=2,
            plain_order=(0, 2, 1),
        ),
    ]
