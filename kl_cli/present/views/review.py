"""`kl review`: the maintainer's checklist for keeping the knowledge base true on a day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core.models import KnowledgeBase, Lang, Source
from kl_cli.core.review import Item, review
from kl_cli.present.doc import Block, Heading, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.views import View, day

if TYPE_CHECKING:
    from kl_cli.present.shapes import ReviewCounts, ReviewData, ReviewItem

CHECKS = ("ended", "disagree", "unsure", "old_source", "undated_source")


def _what(item: Item, lang: Lang) -> str:
    """A short, readable name for the entry an item is about."""
    r: Any = item.record
    if isinstance(r, Source):
        return r.title.get(lang)
    for name in ("label", "name", "text"):
        value = getattr(r, name, None)
        if value is not None:
            text = str(value if isinstance(value, str) else value.get(lang))
            return text if len(text) <= 70 else text[:69] + "…"
    if hasattr(r, "person"):
        return f"{r.person}: {r.body} {r.role}" + (f" ({r.unit})" if r.unit else "")
    if hasattr(r, "seats"):
        return f"{r.seats}"
    if hasattr(r, "region"):
        return str(r.region)
    return item.path


def review_view(kb: KnowledgeBase, lang: Lang, older_than: int, *, as_of: date) -> View:
    items = review(kb, as_of, older_than)
    rows: list[ReviewItem] = [
        cast(
            "ReviewItem",
            {"check": i.check, "path": i.path, "detail": i.detail, "what": _what(i, lang)},
        )
        for i in items
    ]
    data: ReviewData = {
        "older_than_years": older_than,
        "counts": cast("ReviewCounts", {c: sum(1 for i in items if i.check == c) for c in CHECKS}),
        "items": rows,
    }
    return View("review", lang, data, review_doc, as_of=as_of)


def review_doc(data: ReviewData, lang: Lang) -> list[Block]:
    today = day(data)
    blocks: list[Block] = [Heading(label("review_title", lang).format(day=today))]
    for check in CHECKS:
        rows = tuple(
            (i["path"], i["detail"], i["what"]) for i in data["items"] if i["check"] == check
        )
        title = label(f"review_{check}", lang).format(years=data["older_than_years"])
        if rows:
            blocks.append(
                Table(
                    (label("where", lang), label("detail", lang), label("what", lang)),
                    rows,
                    f"{title} ({len(rows)})",
                    key=check,
                )
            )
        else:
            blocks.append(Para(check, f"{title}: {label('none', lang)}"))
    return blocks
