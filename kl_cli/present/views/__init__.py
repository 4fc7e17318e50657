"""One module per command: each builds its typed data, and derives its document from that data
alone (kl org from the graph its data is made of), so JSON/YAML and the human formats cannot
drift apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from kl_cli.core.models import Lang
from kl_cli.present.doc import Block, Doc

OUTPUT_SCHEMA_VERSION = 2  # of the JSON/YAML output; README "Output contract" says what changed


def envelope(kind: str, lang: Lang, as_of: date | None = None) -> dict[str, Any]:
    """What every JSON/YAML output starts with (kl_cli/present/shapes.py Envelope): and, for
    an answer about KL, the day it answers for."""
    out: dict[str, Any] = {"schema_version": OUTPUT_SCHEMA_VERSION, "lang": lang, "kind": kind}
    if as_of is not None:
        out["as_of"] = as_of.isoformat()
    return out


def day(data: Any) -> str:
    """The day a document answers for: View hands each document its data with the envelope."""
    return str(data.get("as_of", ""))


class View:
    """One command's answer: `data` for JSON/YAML; `doc`, derived from the data on first use,
    for rich, plain and Markdown."""

    __slots__ = ("kind", "data", "_document", "_doc")

    def __init__(
        self,
        kind: str,
        lang: Lang,
        data: Mapping[str, Any],
        document: Callable[[Any, Lang], list[Block]],
        *,
        as_of: date,
    ):
        self.kind = kind
        self.data: dict[str, Any] = envelope(kind, lang, as_of) | dict(data)
        self._document = (document, self.data, lang)  # with the header: as_of, for one
        self._doc: Doc | None = None

    @property
    def doc(self) -> Doc:
        if self._doc is None:
            document, data, lang = self._document
            self._doc = tuple(document(data, lang))
        return self._doc
