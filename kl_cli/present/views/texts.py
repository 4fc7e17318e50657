"""`kl services`, `kl international`, `kl sources` and `kl sources SOURCE`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from kl_cli.core.models import Fact, KnowledgeBase, Lang, Source
from kl_cli.present.doc import Block, Field, Fields, Heading, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.refs import Facts, Footnotes, source_ref
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import OneSourceData, ParagraphsData, SourceData, SourcesData


def _paragraphs(
    kb: KnowledgeBase, lang: Lang, kind: str, facts: tuple[Fact, ...], *, as_of: date
) -> View:
    f = Facts(kb, lang, as_of)
    data: ParagraphsData = {"paragraphs": [f.fact(x) for x in facts]}

    def document(data: ParagraphsData, lang: Lang) -> list[Block]:
        notes = Footnotes(lang, [x["sources"] for x in data["paragraphs"]])
        return [
            Heading(label(kind, lang)),
            *(Para("text", x.get("text", ""), notes.note(x)) for x in data["paragraphs"]),
            *notes.block(),
        ]

    return View(kind, lang, data, document, as_of=as_of)


def services(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    return _paragraphs(kb, lang, "services", kb.services, as_of=as_of)


def international(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    return _paragraphs(kb, lang, "international", kb.international, as_of=as_of)


def _source_data(s: Source, lang: Lang) -> SourceData:
    out = cast("SourceData", source_ref(s, lang))
    if s.note is not None:
        out["note"] = s.note.get(lang)
    return out


def sources(kb: KnowledgeBase, lang: Lang, kb_path: str | None, *, as_of: date) -> View:
    data: SourcesData = {
        "knowledge_base": {
            "custom": kb_path is not None,
            "path": kb_path,
            "kb_version": kb.kb_version,
            "last_reviewed": kb.last_reviewed,
        },
        "sources": [_source_data(s, lang) for s in kb.sources],
    }
    return View("sources", lang, data, sources_doc, as_of=as_of)


def sources_doc(data: SourcesData, lang: Lang) -> list[Block]:
    info = data["knowledge_base"]
    bundled = info["path"] is None
    where = info["path"] if info["path"] is not None else "bundled"
    shown = label("bundled", lang) if bundled else where  # plain keeps the token
    noted = [s for s in data["sources"] if "note" in s]
    blocks: list[Block] = [
        Heading(label("sources", lang)),
        Fields(
            (
                Field("knowledge_base", label("kb", lang), shown, plain=(where,)),
                Field("kb_version", label("kb_version", lang), info["kb_version"]),
                Field("last_reviewed", label("last_reviewed", lang), info["last_reviewed"]),
            )
        ),
        Table(
            (label("id", lang), label("title", lang), label("url", lang)),
            tuple((s["id"], s["title"], s.get("url", "")) for s in data["sources"]),
            key="source",
            url_column=2,
            plain_order=(0, 2, 1),
        ),
    ]
    if noted:
        blocks.append(
            Table(
                (label("id", lang), label("note", lang)),
                tuple((s["id"], s["note"]) for s in noted),
                label("notes", lang),
                key="note",
            )
        )
    return blocks


def source(kb: KnowledgeBase, lang: Lang, s: Source, *, as_of: date) -> View:
    """`kl sources SOURCE`: one source, with its note."""
    data: OneSourceData = {"source": _source_data(s, lang)}
    return View("source", lang, data, source_doc, as_of=as_of)


def source_doc(data: OneSourceData, lang: Lang) -> list[Block]:
    s = data["source"]
    blocks: list[Block] = [
        Heading(s["title"]),
        Table(
            (label("id", lang), label("title", lang), label("url", lang)),
            ((s["id"], s["title"], s.get("url", "")),),
            key="source",
            url_column=2,
            plain_order=(0, 2, 1),  # as kl sources: the id, the URL, the title (text last)
        ),
    ]
    if "note" in s:
        blocks.append(Fields((Field("note", label("note", lang), s["note"]),)))
    return blocks
