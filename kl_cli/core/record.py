"""Frozen records: dataclass semantics for type checkers, at a fraction of the start-up cost.

`@dataclass` generates and compiles code per class (about 0.6 ms each here); kl defines some
twenty model and document classes and starts on every call, so records read their fields from
the (unevaluated) annotations instead and share one generic __init__.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, dataclass_transform


class FrozenError(AttributeError):
    """Records are immutable."""


@dataclass_transform(frozen_default=True)
class Record:
    """Subclass and annotate fields (optionally with defaults) as for a frozen dataclass."""

    __fields__: ClassVar[tuple[str, ...]] = ()
    __defaults__: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names: list[str] = []
        defaults: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            defaults.update(klass.__dict__.get("__defaults__", {}))  # a parent's, moved there
            for name, annotation in klass.__dict__.get("__annotations__", {}).items():
                if str(annotation).startswith("ClassVar") or name.startswith("__"):
                    continue
                if name not in names:
                    names.append(name)
                if name in klass.__dict__:
                    defaults[name] = klass.__dict__[name]
        cls.__fields__ = tuple(names)
        cls.__defaults__ = defaults
        for name in defaults:  # every instance holds every field; a class attribute would hide
            if name in cls.__dict__:  # a field that is still to come (see `lazy`)
                delattr(cls, name)
        setattr(cls, "__match_args__", tuple(names))  # noqa: B010 - class-level, for match

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self.__fields__
        ns = object.__getattribute__(self, "__dict__")
        if not kwargs and len(args) == len(fields):  # the common case, done in C
            ns.update(zip(fields, args, strict=True))
            return
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields")
        values = dict(self.__defaults__)
        values.update(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or fields.index(name) < len(args):
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        missing = [name for name in fields if name not in values]
        if missing:
            raise TypeError(f"{type(self).__name__}: missing field {missing[0]!r}")
        ns.update((name, values[name]) for name in fields)

    def __getattr__(self, name: str) -> Any:
        """Only called for a field not yet in the instance: one given lazily (see `lazy`)."""
        pending = self.__dict__.get("__lazy__")
        if pending is None or name not in pending:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        value = pending.pop(name)()
        object.__getattribute__(self, "__dict__")[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__fields__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__fields__)
        return f"{type(self).__name__}({inner})"


def lazy(record: Record, fields: dict[str, Any]) -> None:
    """Give fields of a record as thunks, called on first access (a compiled knowledge base
    revives the parts a command does not need only when it asks for them)."""
    ns = object.__getattribute__(record, "__dict__")
    for name in fields:
        ns.pop(name, None)
    ns.setdefault("__lazy__", {}).update(fields)


def lazy_by_id(
    record: Record,
    name: str,
    entries: dict[str, Callable[[], Any]],
    whole: Callable[[], tuple[Any, ...]] | None = None,
) -> None:
    """Give a tuple field of records with ids as one thunk per entry, in order: `by_id` revives
    only the entries asked for (a command that cites two sources revives two), the field itself
    all of them (with `whole`, in one step: it gives them all, in order)."""
    index = _ById(entries)

    def every() -> tuple[Any, ...]:
        if whole is None:
            return tuple(index[key] for key in entries)
        return index.hold(whole())

    lazy(record, {name: every})
    object.__getattribute__(record, "__dict__").setdefault("__by_id__", {})[name] = index


def by_id(record: Record, name: str) -> Mapping[str, Any]:
    """The entries of a tuple field of records with ids, by id (revived one by one where the
    field was given lazily by id; else made once from the field and kept)."""
    ns = object.__getattribute__(record, "__dict__")
    held = ns.setdefault("__by_id__", {})
    if name not in held:
        held[name] = {entry.id: entry for entry in getattr(record, name)}
    return held[name]  # type: ignore[no-any-return]


class _ById(Mapping[str, Any]):
    """Entries by id, each revived on first look-up and kept."""

    def __init__(self, thunks: dict[str, Callable[[], Any]]) -> None:
        self._thunks = thunks
        self._revived: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._revived:
            self._revived[key] = self._thunks[key]()  # KeyError for an unknown id
        return self._revived[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._thunks)

    def __len__(self) -> int:
        return len(self._thunks)

    def hold(self, entries: tuple[Any, ...]) -> tuple[Any, ...]:
        """The entries revived all at once, kept; one already revived by itself stays the one
        (so an entry is the same object however it was reached)."""
        return tuple(self._revived.setdefault(entry.id, entry) for entry in entries)


def walk(obj: Any, path: str = "") -> Iterator[tuple[str, Record]]:
    """Every record below `obj` with its key path (`bodies[3].counts[0]`), in document order."""
    if isinstance(obj, Record):
        if path:
            yield path, obj
        for name in obj.__fields__:
            value = getattr(obj, name)
            if isinstance(value, Record | tuple):
                yield from walk(value, f"{path}.{name}" if path else name)
    elif isinstance(obj, tuple):
        for i, x in enumerate(obj):
            yield from walk(x, f"{path}[{i}]")


def fields(record_or_class: Any) -> tuple[str, ...]:
    """The field names of a record class or instance, in declaration order."""
    return record_or_class.__fields__  # type: ignore[no-any-return]


def to_data(obj: Any, tag: str | None = None) -> Any:
    """Records as dicts in field order, leaving out fields at their default; tuples as lists.

    With `tag`, each dict also names its record class under that key (the compiled form).
    """
    if isinstance(obj, Record):
        out: dict[str, Any] = {tag: type(obj).__name__} if tag else {}
        defaults = obj.__defaults__
        for name in obj.__fields__:
            value = getattr(obj, name)
            if name in defaults and value == defaults[name]:
                continue
            out[name] = to_data(value, tag)
        return out
    if isinstance(obj, tuple):
        return [to_data(x, tag) for x in obj]
    return obj
