"""The compiled form of an already validated knowledge base: tagged JSON that revives fast.

Validation (kl_cli.store.schema) evaluates type hints and checks every value; that is right
for a file a user hands us, and wasted work for data that was validated when it was written (the
bundled data/kl.json, generated from data/kl.yaml and checked fresh by the tests, and the cache of
validated user knowledge bases). Here every record is stored with its class name under "$" and
revived in one pass of json's object hook, without evaluating a single annotation.

A cache entry is only a hint (anyone who can write the file may have changed it), so
`loads_checked` also checks, in the same pass, every value against its field's type, and then
applies the schema's cross-checks (kl_cli/store/schema.py check_references): what it returns is a
knowledge base that some valid file could have produced, or it raises CompiledError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from kl_cli.core import models
from kl_cli.core.record import Record, lazy, to_data

TAG = "$"
FORMAT_VERSION = 2  # 2: the parts below stored apart
# Parts of the knowledge base most commands never read (who held which post, the municipalities):
# stored as JSON texts of their own, revived only when a command asks for them (`loads`).
PARTS = (
    "people",
    "posts",
    "committees",
    "committee_counts",
    "meetings",
    "regions",
    "municipalities",
)


def _classes() -> dict[str, type[Record]]:
    return {
        name: obj
        for name, obj in vars(models).items()
        if isinstance(obj, type) and issubclass(obj, Record) and obj is not Record
    }


def dumps(kb: models.KnowledgeBase) -> str:
    """The compiled text of a validated knowledge base."""
    data = to_data(kb, TAG)
    parts = {
        name: json.dumps(data.pop(name, []), ensure_ascii=False, separators=(",", ":"))
        for name in PARTS
    }
    payload = {"format": FORMAT_VERSION, "kb": data, "parts": parts}
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


class CompiledError(ValueError):
    """Not a compiled knowledge base of this version (corrupt, foreign or stale)."""


def loads(text: str) -> models.KnowledgeBase:
    """Revive a compiled knowledge base; raise CompiledError if it is not one. Its PARTS are
    revived on first use (a stored part that does not revive is then an internal error: this is
    for the bundled file, which the tests check)."""
    kb, parts = _loads(text, None)
    classes = _classes()

    def thunk(raw: str) -> Callable[[], tuple[Any, ...]]:
        return lambda: tuple(json.loads(raw, object_hook=_reviver(classes, None)))

    lazy(kb, {name: thunk(raw) for name, raw in parts.items()})
    return kb


def loads_checked(text: str) -> models.KnowledgeBase:
    """Revive a compiled knowledge base that may have been tampered with: every value of the
    type its field declares, as a file can give it, and the schema's cross-checks passed."""
    if lone_surrogate(text):
        raise CompiledError("a text holds a lone surrogate")
    checks = _field_checks()
    kb, parts = _loads(text, checks)
    revive = _reviver(_classes(), checks)
    values: dict[str, Any] = {}
    for name, raw in parts.items():
        try:
            value = json.loads(raw, object_hook=revive)
        except RecursionError as e:
            raise CompiledError("nested too deeply") from e
        if not _accepts_part(name)(value):
            raise CompiledError(f"part {name} is not of its type")
        values[name] = tuple(value)
    ns = object.__getattribute__(kb, "__dict__")
    ns.update(values)
    if kb.schema_version not in models.SUPPORTED_SCHEMA_VERSIONS:
        raise CompiledError(f"schema version {kb.schema_version} is not supported")
    from kl_cli.store.schema import Marks, check_references

    for problem in check_references(kb, Marks(None)):
        raise CompiledError(f"{problem.path}: {problem.message}")
    return kb


def _reviver(
    classes: dict[str, type[Record]], checks: dict[str, dict[str, Check]] | None
) -> Callable[[dict[str, Any]], Any]:
    def revive(d: dict[str, Any]) -> Any:
        tag = d.pop(TAG, None)
        if tag is None:
            return d
        cls = classes.get(tag)
        if cls is None:
            raise CompiledError(f"unknown record type {tag!r}")
        if not d.keys() <= set(cls.__fields__):
            raise CompiledError(f"unexpected fields for {tag}")
        if checks is not None:
            accepts = checks[tag]
            for key, value in d.items():
                if not accepts[key](value):
                    raise CompiledError(f"{tag}.{key} is not of its type")
        obj = object.__new__(cls)
        ns = obj.__dict__
        ns.update(cls.__defaults__)
        for key, value in d.items():
            ns[key] = tuple(value) if type(value) is list else value
        missing = [f for f in cls.__fields__ if f not in ns]
        if missing:
            raise CompiledError(f"{tag} lacks {', '.join(missing)}")
        if checks is not None and cls is models.Validity:
            from kl_cli.core.periods import problem

            message = problem(obj)  # type: ignore[arg-type]  # cls is Validity
            if message:
                raise CompiledError(f"Validity: {message}")
        return obj

    return revive


def _loads(
    text: str, checks: dict[str, dict[str, Check]] | None
) -> tuple[models.KnowledgeBase, dict[str, str]]:
    """The knowledge base without its PARTS, and the parts' JSON texts."""
    revive = _reviver(_classes(), checks)
    try:
        payload = json.loads(text, object_hook=revive)
    except RecursionError as e:
        raise CompiledError("nested too deeply") from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise CompiledError("not a compiled knowledge base of this version")
    kb, parts = payload.get("kb"), payload.get("parts")
    if (
        not isinstance(parts, dict)
        or set(parts) != set(PARTS)
        or not all(type(v) is str for v in parts.values())
    ):
        raise CompiledError("the parts of the knowledge base are missing")
    if not isinstance(kb, models.KnowledgeBase):
        raise CompiledError("no knowledge base inside")
    return kb, parts


def _accepts_part(name: str) -> Check:
    """The type check of a KnowledgeBase field, for a part revived apart."""
    return _field_checks()["KnowledgeBase"][name]


# --- checks for revived values -----------------------------------------------------------------


def lone_surrogate(text: str) -> bool:
    """Whether JSON `text` escapes a lone surrogate, which json revives but no file can hold
    (and which kl never writes: it writes entries with ensure_ascii=False)."""
    if "\\" not in text:  # one memchr: the usual case costs nothing
        return False
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = before = match.start()
        while before and text[before - 1] == "\\":
            before -= 1
        if (start - before) % 2 == 0:  # not itself an escaped backslash followed by "ud8..."
            return True
    return False


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
Check = Callable[[Any], bool]
# A whole number is written in a file as at most 12 ASCII digits (kl_cli/store/schema.py).
_INT_LIMIT = 10**12
_CHECKS: dict[str, dict[str, Check]] = {}


def _field_checks() -> dict[str, dict[str, Check]]:
    """For each record class, a check per field of a value as JSON revives it (lists not yet
    tuples, records already revived); built once per process from the models' annotations."""
    if not _CHECKS:
        import typing

        for name, cls in _classes().items():
            hints = typing.get_type_hints(cls)
            _CHECKS[name] = {field: _accepts(hints[field]) for field in cls.__fields__}
    return _CHECKS


def _accepts(tp: Any) -> Check:
    import types
    import typing

    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"unsupported field type {tp!r}")  # a bug in models.py
        inner = _accepts(options[0])
        return lambda v: v is None or inner(v)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        if isinstance(item, type) and item is not int:
            return lambda v: type(v) is list and all(type(x) is item for x in v)
        check = _accepts(item)
        return lambda v: type(v) is list and all(check(x) for x in v)
    if origin is typing.Literal:
        allowed = frozenset(typing.get_args(tp))
        return lambda v: type(v) is str and v in allowed
    if tp is bool:
        return lambda v: type(v) is bool
    if tp is int:
        return lambda v: type(v) is int and 0 <= v < _INT_LIMIT
    if tp is str or (isinstance(tp, type) and issubclass(tp, Record)):
        return lambda v: type(v) is tp
    raise TypeError(f"unsupported field type {tp!r}")  # a bug in models.py
