"""One module per command: each builds its typed data, and derives its document from that data
alone (kl org from the graph its data is made of), so JSON/YAML and the human formats cannot
drift apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kl_cli.core.models import Lang
from kl_cli.present.doc import Block, Doc

OUTPUT_SCHEMA_VERSION = 2  # of the JSON/YAML output; README "Output contract" says what changed


def envelope(kind: str, lang: Lang) -> dict[str, Any]:
    """What every JSON/YAML output starts with (kl_cli/present/shapes.py Envelope)."""
    return {"schema_version": OUTPUT_SCHEMA_VERSION, "lang": lang, "kind": kind}


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
    ):
        self.kind = kind
        self.data: dict[str, Any] = envelope(kind, lang) | dict(data)
        self._document = (document, data, lang)
        self._doc: Doc | None = None

    @property
    def doc(self) -> Doc:
        if self._doc is None:
            document, data, lang = self._document
            self._doc = tuple(document(data, lang))
        return self._doc
