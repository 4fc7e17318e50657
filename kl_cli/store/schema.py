"""Typed conversion between plain data (YAML nodes or JSON values) and the models, with errors."""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Literal, TypeVar, get_args, get_origin

from kl_cli.core import periods
from kl_cli.core.models import SUPPORTED_SCHEMA_VERSIONS, KnowledgeBase, Validity
from kl_cli.core.record import Record, walk
from kl_cli.errors import Problem
from kl_cli.store.yamlsafe import Node

T = TypeVar("T")
ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_NONE_TYPE = type(None)


class SchemaError(Exception):
    """The data does not fit the schema; `problems` lists the problems found, in order, and
    `truncated` says that there are more than were collected (see build_kb's max_problems)."""

    def __init__(self, problems: list[Problem], truncated: bool = False):
        self.problems = problems
        self.truncated = truncated
        super().__init__(problems[0].message if problems else "invalid")


class _Enough(Exception):
    """Raised inside the builder once it has collected as many problems as it was asked for."""


class Marks:
    """Where the value at each key path (`bodies[3].name.en`) starts: (line, column), 1-based.

    Found on demand by walking the YAML node tree, so that nothing is stored per node: only
    the few paths that a problem is reported at are ever looked up.
    """

    __slots__ = ("_root",)

    def __init__(self, root: Any):
        self._root = root

    def get(self, path: str, default: tuple[int, int] = (0, 0)) -> tuple[int, int]:
        """The mark of `path`, or `default` when it is not in the tree (or there is no tree)."""
        node = self._root
        if not isinstance(node, Node):
            return default
        for key, index in _STEP.findall(path):
            value = node.value
            if index:
                if not isinstance(value, list) or int(index) >= len(value):
                    return default
                node = value[int(index)]
            elif isinstance(value, dict) and key in value:
                node = value[key]
            else:
                return default
        return node.line, node.col

    def __getitem__(self, path: str) -> tuple[int, int]:
        mark = self.get(path, (0, 0))
        if mark == (0, 0):
            raise KeyError(path)
        return mark


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


_FIELDS: dict[type[Record], tuple[tuple[str, Any, bool], ...]] = {}


def _fields(cls: type[Record]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) per field; annotations are evaluated once per class."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls] = tuple(
            (name, hints[name], name not in cls.__defaults__) for name in cls.__fields__
        )
    return _FIELDS[cls]


class _Builder:
    def __init__(self, max_problems: int | None) -> None:
        self.problems: list[Problem] = []
        self.max_problems = max_problems
        self.truncated = False

    def fail(self, mark: tuple[int, int], path: str, message: str) -> None:
        self.add(Problem(mark[0], mark[1], path, message))

    def add(self, problem: Problem) -> None:
        """Collect a problem; past max_problems, note that there are more and stop building."""
        if self.max_problems is not None and len(self.problems) >= self.max_problems:
            self.truncated = True
            raise _Enough
        self.problems.append(problem)

    def build(self, tp: Any, raw: Any, path: str, mark: tuple[int, int]) -> Any:
        if isinstance(raw, Node):
            mark = (raw.line, raw.col)
            keys = raw.key_marks
            raw = raw.value
        else:
            keys = {}
        origin = get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            options = [a for a in get_args(tp) if a is not _NONE_TYPE]
            return self.build(options[0], raw, path, mark)
        if isinstance(tp, type) and issubclass(tp, Record):
            return self._record(tp, raw, path, mark, keys)
        if origin is tuple:
            if not isinstance(raw, list):
                self.fail(mark, path, f"expected a list, got {_kind(raw)}")
                return ()
            item = get_args(tp)[0]
            return tuple(self.build(item, x, f"{path}[{i}]", mark) for i, x in enumerate(raw))
        if origin is Literal:
            allowed = get_args(tp)
            if raw not in allowed:
                self.fail(mark, path, f"expected one of {', '.join(allowed)}, got {_show(raw)}")
            return raw
        if tp is bool:
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):  # the YAML reader keeps every scalar as text
                return raw == "true"
            self.fail(mark, path, f"expected true or false, got {_show(raw)}")
            return False
        if tp is int:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 12:
                return int(raw)
            self.fail(mark, path, f"expected a whole number, got {_show(raw)}")
            return 0
        if tp is str:
            if isinstance(raw, str):
                return raw
            self.fail(mark, path, f"expected text, got {_kind(raw)}")
            return ""
        raise TypeError(f"unsupported schema type {tp!r}")  # a bug in models.py, not in data

    def _record(
        self, cls: type[Record], raw: Any, path: str, mark: tuple[int, int], keys: dict[str, Any]
    ) -> Any:
        if not isinstance(raw, dict):
            self.fail(mark, path, f"expected a mapping, got {_kind(raw)}")
            return None
        fields = _fields(cls)
        names = {name for name, _, _ in fields}
        for key in raw:
            if key not in names:
                kmark = keys.get(key, mark)
                where = f"{path}.{key}" if path else key
                self.fail(
                    kmark, where, f"unknown key (expected one of: {', '.join(sorted(names))})"
                )
        kwargs: dict[str, Any] = {}
        for name, tp, required in fields:
            where = f"{path}.{name}" if path else name
            if name not in raw or raw[name] is None:
                if required:
                    self.fail(mark, where, "missing required key")
                continue
            kwargs[name] = self.build(tp, raw[name], where, mark)
        if len(kwargs) < sum(1 for _, _, r in fields if r):
            return None
        try:
            record = cls(**kwargs)
        except TypeError:
            return None
        if cls is Validity:
            message = periods.problem(typing.cast(Validity, record))
            if message:
                self.fail(mark, path, message)
        return record


def _kind(raw: Any) -> str:
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, str):
        return "text"
    return type(raw).__name__


def _show(raw: Any) -> str:
    if isinstance(raw, str):
        return repr(raw[:40])
    return _kind(raw)


def build_kb(raw: Any, *, max_problems: int | None = None) -> tuple[KnowledgeBase, Marks]:
    """Validate and convert a whole knowledge base, and where each key path is in the file.

    Raises SchemaError listing every problem, or the first `max_problems` of them: building
    stops at the next one (SchemaError.truncated), so a file with a million problems costs
    no more than one with a few.
    """
    if max_problems is not None and max_problems < 1:
        raise ValueError("max_problems must be at least 1")
    b = _Builder(max_problems)
    root_mark = (raw.line, raw.col) if isinstance(raw, Node) else (0, 0)
    version = (
        raw.value.get("schema_version")
        if isinstance(raw, Node) and isinstance(raw.value, dict)
        else (raw.get("schema_version") if isinstance(raw, dict) else None)
    )
    if version is not None:
        v = version.value if isinstance(version, Node) else version
        if str(v) not in {str(s) for s in SUPPORTED_SCHEMA_VERSIONS}:
            vmark = (version.line, version.col) if isinstance(version, Node) else root_mark
            supported = ", ".join(str(s) for s in SUPPORTED_SCHEMA_VERSIONS)
            raise SchemaError(
                [
                    Problem(
                        *vmark,
                        "schema_version",
                        f"schema version {_show(v)} is not supported; kl reads version {supported}",
                    )
                ]
            )
    marks = Marks(raw)
    try:
        kb = b.build(KnowledgeBase, raw, "", root_mark)
        if not b.problems:
            for problem in check_references(kb, marks):
                b.add(problem)
    except _Enough:
        pass
    if b.problems:
        raise SchemaError(b.problems, b.truncated)
    return kb, marks


def check_references(kb: KnowledgeBase, marks: Marks) -> typing.Iterator[Problem]:
    """Cross-checks the types cannot express: ids unique and well-formed, references resolve.

    Yields the problems one by one, so a caller that has seen enough can stop the checks.
    """

    def bad(path: str, message: str) -> Problem:
        line, col = marks.get(path)
        return Problem(line, col, path, message)

    def unique(items: Any, path: str) -> typing.Generator[Problem, None, set[str]]:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not ID_RE.match(item.id):
                yield bad(
                    f"{path}[{i}].id", f"id {_show(item.id)} must be lowercase ASCII [a-z0-9._-]"
                )
            if item.id in seen:
                yield bad(
                    f"{path}[{i}].id", f"duplicate id {item.id!r} (also {path}[{seen[item.id]}])"
                )
            seen[item.id] = i
        return set(seen)

    from kl_cli.core.kinds import KINDS, kind

    ids: dict[str, set[str]] = {}
    for k in KINDS:  # every kind whose entries have ids: unique and well-formed
        if k.ids:
            ids[k.name] = yield from unique(k.entries(kb), k.path)
        elif k.keyed:
            ids[k.name] = {e.id for e in k.entries(kb)}
    for i, body in enumerate(kb.bodies):  # a count's id and unit are keys scripts select on
        for j, count in enumerate(body.counts):
            for field in ("id", "unit"):
                if not ID_RE.match(getattr(count, field)):
                    yield bad(
                        f"bodies[{i}].counts[{j}].{field}",
                        f"{field} {_show(getattr(count, field))} must be lowercase ASCII "
                        "[a-z0-9._-]",
                    )
    for i, value in enumerate(kb.values):
        if value.number != i + 1:
            yield bad(
                f"values[{i}].number",
                f"values must be numbered 1, 2, 3 in order; got {value.number}",
            )
    dates: list[tuple[str, str | None]] = [
        (f"periods[{i}].start", p.start) for i, p in enumerate(kb.periods)
    ]
    dates += [(f"sources[{i}].published", s.published) for i, s in enumerate(kb.sources)]
    dates.append(("statutes.last_revised_as_of", kb.statutes.last_revised_as_of))
    for i, m in enumerate(kb.meetings):
        dates += [(f"meetings[{i}].date", m.date), (f"meetings[{i}].end_date", m.end_date)]
    for i, mun in enumerate(kb.municipalities):
        dates += [
            (f"municipalities[{i}].population[{j}].date", n.date)
            for j, n in enumerate(mun.population)
        ]
    for path, when in dates:
        if when is not None and periods.parse_partial(when) is None:
            yield bad(path, f"{when[:40]!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if kb.statutes.amendment.denominator == 0:
        yield bad("statutes.amendment.denominator", "must not be 0")
    if kb.statutes.delegates.inhabitants_per_delegate == 0:
        yield bad("statutes.delegates.inhabitants_per_delegate", "must not be 0")
    for path, refs, period in _source_refs(kb):
        if refs is not None:
            if not refs:
                yield bad(f"{path}.sources", "at least one source is required")
            for j, sid in enumerate(refs):
                if sid not in ids["source"]:
                    yield bad(f"{path}.sources[{j}]", f"unknown source id {sid!r}")
        if period is not None and period not in ids["period"]:
            yield bad(f"{path}.period", f"unknown electoral period {period!r}")
    for k in KINDS:  # every field that refers to entries of other kinds (kinds.py `refs`)
        for field, targets in k.refs:
            known = set().union(*(ids[t] for t in targets))
            what = " or ".join(kind(t).called for t in targets)
            outer, _, inner = field.rpartition(".")
            for i, entry in enumerate(k.entries(kb)):
                holders = [(f"{k.path}[{i}]", entry)]
                if outer:  # a field of the records in a list field: "regions.region"
                    holders = [
                        (f"{k.path}[{i}].{outer}[{h}]", x)
                        for h, x in enumerate(getattr(entry, outer))
                    ]
                for at, holder in holders:
                    value = getattr(holder, inner)
                    many = isinstance(value, tuple)
                    for j, ref in enumerate(value if many else (value,)):
                        if ref is not None and ref not in known:
                            where = f"{at}.{inner}" + (f"[{j}]" if many else "")
                            yield bad(where, f"unknown {what} {ref!r}")


Refs = typing.Iterator[tuple[str, tuple[str, ...] | None, str | None]]


def _source_refs(kb: KnowledgeBase) -> Refs:
    """The `sources` and electoral `period` of every record below the top that has them, with
    its key path, in document order.

    Only records and tuples are walked (not every text and number): a cached knowledge base is
    checked with this on every use (kl_cli/store/compiled.py loads_checked).
    """

    for path, obj in walk(kb):
        refs, period = getattr(obj, "sources", None), getattr(obj, "period", None)
        if refs is not None or isinstance(period, str):
            yield path, refs, period if isinstance(period, str) else None
