"""The compiled form of an already validated knowledge base: tagged JSON that revives fast.

Validation (kl_cli.schema) evaluates type hints and checks every value; that is right for a file
a user hands us, and wasted work for data that was validated when it was written (the bundled
data/kl.json, generated from data/kl.yaml and checked fresh by the tests, and the cache of
validated user knowledge bases). Here every record is stored with its class name under "$" and
revived in one pass of json's object hook, without evaluating a single annotation.
"""

from __future__ import annotations

import json
from typing import Any

from kl_cli import models
from kl_cli.record import Record, to_data

TAG = "$"
FORMAT_VERSION = 1


def _classes() -> dict[str, type[Record]]:
    return {
        name: obj
        for name, obj in vars(models).items()
        if isinstance(obj, type) and issubclass(obj, Record) and obj is not Record
    }


def dumps(kb: models.KnowledgeBase) -> str:
    """The compiled text of a validated knowledge base."""
    payload = {"format": FORMAT_VERSION, "kb": to_data(kb, TAG)}
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


class CompiledError(ValueError):
    """Not a compiled knowledge base of this version (corrupt, foreign or stale)."""


def loads(text: str) -> models.KnowledgeBase:
    """Revive a compiled knowledge base; raise CompiledError if it is not one."""
    classes = _classes()

    def revive(d: dict[str, Any]) -> Any:
        tag = d.pop(TAG, None)
        if tag is None:
            return d
        cls = classes.get(tag)
        if cls is None:
            raise CompiledError(f"unknown record type {tag!r}")
        if not d.keys() <= set(cls.__fields__):
            raise CompiledError(f"unexpected fields for {tag}")
        obj = object.__new__(cls)
        ns = obj.__dict__
        ns.update(cls.__defaults__)
        for key, value in d.items():
            ns[key] = tuple(value) if type(value) is list else value
        missing = [f for f in cls.__fields__ if f not in ns]
        if missing:
            raise CompiledError(f"{tag} lacks {', '.join(missing)}")
        return obj

    try:
        payload = json.loads(text, object_hook=revive)
    except RecursionError as e:
        raise CompiledError("nested too deeply") from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise CompiledError("not a compiled knowledge base of this version")
    kb = payload.get("kb")
    if not isinstance(kb, models.KnowledgeBase):
        raise CompiledError("no knowledge base inside")
    return kb
