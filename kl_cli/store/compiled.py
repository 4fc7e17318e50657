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
from kl_cli.core.record import Record, lazy, lazy_by_id, to_data

TAG = "$"
FORMAT_VERSION = 3  # 2: the parts below stored apart; 3: each record of BY_ID on its own too
# Parts of the knowledge base most commands never read (who held which post, the committees):
# stored as JSON texts of their own, revived only when a command asks for them (`loads`).
PARTS = (
    "people",
    "posts",
    "committees",
    "committee_counts",
    "meetings",
    "regions",
)
# Parts of records with ids stored as one JSON text per record, revived one by one: the sources,
# which every command cites a few of, and the municipalities, which a post names one of; only
# a list of them all (kl sources, kl municipalities, kl review) revives them all.
BY_ID = ("sources", "municipalities")


def _classes() -> dict[str, type[Record]]:
    return {
        name: obj
        for name, obj in vars(models).items()
        if isinstance(obj, type) and issubclass(obj, Record) and obj is not Record
    }


def dumps(kb: models.KnowledgeBase) -> str:
    """The compiled text of a validated knowledge base: a header line (JSON) that says where in
    the rest each section stands, then the sections, each a JSON text of its own: the knowledge
    base without its PARTS and BY_ID, each part (one record a line), each record of BY_ID (a
    line).

    Reading a section costs only its own length: json would otherwise scan every part, stored
    as strings inside one document, on every run (some 2 ms of 410 KB)."""
    data = to_data(kb, TAG)
    body: list[str] = []
    size = 0

    def put(text: str) -> list[int]:
        nonlocal size
        span = [size, size + len(text)]
        body.append(text + "\n")
        size += len(text) + 1
        return span

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = {name: data.pop(name, []) for name in PARTS}
    entries = {name: data.get(name, []) for name in BY_ID}
    for name in BY_ID:
        data[name] = []  # (sources is a required field) in place until its entries replace it
    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "kb": put(json.dumps(data, ensure_ascii=False, indent=1)),
        "parts": {
            name: put("[\n" + ",\n".join(compact(x) for x in value) + "\n]" if value else "[]")
            for name, value in parts.items()
        },
        "by_id": {
            name: {x["id"]: put(compact(x)) for x in value} for name, value in entries.items()
        },
    }
    return compact(header) + "\n" + "".join(body)


class CompiledError(ValueError):
    """Not a compiled knowledge base of this version (corrupt, foreign or stale)."""


def loads(text: str) -> models.KnowledgeBase:
    """Revive a compiled knowledge base; raise CompiledError if it is not one. Its PARTS are
    revived on first use, and BY_ID's a record at a time (a stored part that does not revive is
    then an internal error: this is for the bundled file, which the tests check)."""
    layout = _Layout(text, _fast_reviver(_classes()), checked=False)
    kb = layout.kb()

    def thunk(span: Any) -> Callable[[], Any]:
        return lambda: layout.revived(span)

    def part(span: Any) -> Callable[[], tuple[Any, ...]]:
        return lambda: tuple(layout.revived(span))

    def whole(spans: dict[str, list[int]]) -> Callable[[], tuple[Any, ...]]:
        return lambda: tuple(layout.each(spans))

    lazy(kb, {name: part(span) for name, span in layout.parts.items()})
    for name, spans in layout.by_id.items():
        lazy_by_id(kb, name, {key: thunk(span) for key, span in spans.items()}, whole(spans))
    return kb


def loads_checked(text: str) -> models.KnowledgeBase:
    """Revive a compiled knowledge base that may have been tampered with: every value of the
    type its field declares, as a file can give it, and the schema's cross-checks passed."""
    if lone_surrogate(text):
        raise CompiledError("a text holds a lone surrogate")
    checks = _field_checks()
    layout = _Layout(text, _reviver(_classes(), checks), checked=True)
    kb = layout.kb()
    values: dict[str, Any] = {name: layout.revived(span) for name, span in layout.parts.items()}
    for name, spans in layout.by_id.items():
        values[name] = layout.each(spans)
    for name, value in values.items():
        if not _accepts_part(name)(value):
            raise CompiledError(f"part {name} is not of its type")
        values[name] = tuple(value)
    for name, spans in layout.by_id.items():
        if [entry.id for entry in values[name]] != list(spans):
            raise CompiledError(f"{name} are not stored by their ids")
    ns = object.__getattribute__(kb, "__dict__")
    ns.update(values)
    if kb.schema_version not in models.SUPPORTED_SCHEMA_VERSIONS:
        raise CompiledError(f"schema version {kb.schema_version} is not supported")
    from kl_cli.store.schema import Marks, check_references

    for problem in check_references(kb, Marks(None)):
        raise CompiledError(f"{problem.path}: {problem.message}")
    return kb


def _reviver(
    classes: dict[str, type[Record]], checks: dict[str, dict[str, Check]]
) -> Callable[[dict[str, Any]], Any]:
    """The reviver of a cached knowledge base: every record's fields checked against their
    types as it is made (the bundled one has its own, `_fast_reviver`)."""
    # per class: the class, its field names as a set, how many there are
    known = {
        tag: (cls, frozenset(cls.__fields__), len(cls.__fields__)) for tag, cls in classes.items()
    }

    def revive(d: dict[str, Any]) -> Any:
        tag = d.pop(TAG, None)
        if tag is None:
            return d
        if tag not in known:
            raise CompiledError(f"unknown record type {str(tag)[:40]!r}")
        cls, names, count = known[tag]
        if not d.keys() <= names:
            raise CompiledError(f"unexpected fields for {tag}")
        accepts = checks[tag]
        for key, value in d.items():
            if not accepts[key](value):
                raise CompiledError(f"{tag}.{key} is not of its type")
        obj = object.__new__(cls)
        ns = obj.__dict__
        ns.update(cls.__defaults__)
        for key, value in d.items():
            ns[key] = tuple(value) if type(value) is list else value
        if len(ns) != count:  # ns holds only field names: d's are checked above
            missing = [f for f in cls.__fields__ if f not in ns]
            raise CompiledError(f"{tag} lacks {', '.join(missing)}")
        if cls is models.Validity:
            from kl_cli.core.periods import problem

            message = problem(obj)  # type: ignore[arg-type]  # cls is Validity
            if message:
                raise CompiledError(f"Validity: {message}")
        return obj

    return revive


def _fast_reviver(classes: dict[str, type[Record]]) -> Callable[[dict[str, Any]], Any]:
    """The reviver of the bundled knowledge base, which the tests check whole (test_kb: revived,
    it equals data/kl.yaml validated): each record made as it is stored, no field checked. A
    record type it does not know is still a CompiledError (a file of another kl)."""
    known = {tag: (cls, cls.__defaults__) for tag, cls in classes.items()}
    new = object.__new__

    def revive(d: dict[str, Any]) -> Any:
        tag = d.pop(TAG, None)
        if tag is None:
            return d
        try:
            cls, defaults = known[tag]
        except (KeyError, TypeError):
            raise CompiledError(f"unknown record type {str(tag)[:40]!r}") from None
        obj = new(cls)
        ns = obj.__dict__
        ns.update(defaults)
        for key, value in d.items():
            if type(value) is list:
                d[key] = tuple(value)  # a value replaced, no key added: safe while iterating
        ns.update(d)
        return obj

    return revive


class _Layout:
    """Where a compiled text's sections stand, from its header line, and each section revived
    where it stands: one decoder reads a span in place (json's raw_decode from its start) and
    the span must end where the value does. Nothing is sliced or copied, so a big cached
    knowledge base is held once; if `checked`, every span is first checked to be a pair of
    whole numbers inside the text (a cached text may have been tampered with)."""

    def __init__(self, text: str, revive: Callable[[dict[str, Any]], Any], *, checked: bool):
        self.text = text
        newline = text.find("\n")
        self.start = newline + 1  # where the sections begin: spans count from here
        self.decode = json.JSONDecoder(object_hook=revive).raw_decode
        header = _plain(text[:newline]) if newline >= 0 else None
        if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
            raise CompiledError("not a compiled knowledge base of this version")
        kb, parts, by_id = header.get("kb"), header.get("parts"), header.get("by_id")
        if (
            not isinstance(kb, list)
            or not isinstance(parts, dict)
            or set(parts) != set(PARTS)
            or not isinstance(by_id, dict)
            or set(by_id) != set(BY_ID)
            or not all(isinstance(spans, dict) for spans in by_id.values())
            or (
                checked
                and not all(
                    map(
                        self.fits,
                        [kb, *parts.values(), *(x for v in by_id.values() for x in v.values())],
                    )
                )
            )
        ):
            raise CompiledError("the parts of the knowledge base are missing")
        self.kb_span: list[int] = kb
        self.parts: dict[str, list[int]] = parts
        self.by_id: dict[str, dict[str, list[int]]] = by_id

    def fits(self, span: Any) -> bool:
        return (
            type(span) is list
            and len(span) == 2
            and type(span[0]) is int
            and type(span[1]) is int
            and 0 <= span[0] < span[1] <= len(self.text) - self.start
        )

    def revived(self, span: list[int]) -> Any:
        """The value the span holds, revived; a CompiledError unless it is exactly one."""
        start, end = self.start + span[0], self.start + span[1]
        try:
            value, stop = self.decode(self.text, start)
        except RecursionError as e:
            raise CompiledError("nested too deeply") from e
        except json.JSONDecodeError as e:
            raise CompiledError(f"not JSON: {e}") from e
        if stop != end:
            raise CompiledError("a section is not one JSON value")
        return value

    def each(self, spans: dict[str, list[int]]) -> list[Any]:
        """Every record of a part stored by id, in order, each checked where it stands."""
        return [self.revived(span) for span in spans.values()]

    def kb(self) -> models.KnowledgeBase:
        """The knowledge base without its PARTS and the parts stored by id."""
        kb = self.revived(self.kb_span)
        if not isinstance(kb, models.KnowledgeBase):
            raise CompiledError("no knowledge base inside")
        return kb


def _plain(text: str) -> Any:
    """The header line as JSON."""
    try:
        return json.loads(text)
    except (RecursionError, json.JSONDecodeError) as e:
        raise CompiledError(f"not a compiled header: {e}") from e


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
