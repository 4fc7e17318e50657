"""Bounded, strict reading of untrusted knowledge-base files into a tree of positioned nodes.

Limits are checked on the parse events, before any object is built, identically for libyaml
and the pure-Python parser: no tags, anchors or aliases, no duplicate keys, bounded size,
nesting and event count. Every scalar stays text; typing is the schema's job.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_EVENTS = 1_000_000

EXIT_INVALID = 65
EXIT_UNREADABLE = 66


class KBFileError(Exception):
    """A knowledge-base file that cannot be used; `where` is FILE[:LINE:COLUMN]."""

    exit_code = EXIT_INVALID

    def __init__(self, name: str, message: str, line: int | None = None, col: int | None = None):
        self.name = name
        self.message = message
        self.line = line
        self.col = col
        super().__init__(self.where + ": " + message)

    @property
    def where(self) -> str:
        if self.line is None:
            return self.name
        return f"{self.name}:{self.line}:{self.col or 1}"


class KBUnreadableError(KBFileError):
    """The file cannot be opened or is not a regular file."""

    exit_code = EXIT_UNREADABLE


@dataclass(slots=True)
class Node:
    """A YAML node: str for scalars, list[Node] or dict[str, Node]; 1-based line and column."""

    value: str | list[Node] | dict[str, Node]
    line: int
    col: int
    key_marks: dict[str, tuple[int, int]] = field(default_factory=dict)


def read_bytes(path: str, display: str, limit: int = MAX_BYTES) -> bytes:
    """Read at most `limit` bytes of a regular file without ever blocking on FIFOs or devices."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise KBUnreadableError(display, _os_reason(e)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise KBUnreadableError(display, "is a directory, not a knowledge-base file")
        if not stat.S_ISREG(st.st_mode):
            raise KBUnreadableError(display, "not a regular file")
        if st.st_size > limit:
            raise KBFileError(display, f"file is {st.st_size} bytes; the limit is {limit} bytes")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as e:
        raise KBUnreadableError(display, _os_reason(e)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise KBFileError(display, f"file is larger than the limit of {limit} bytes")
    return data


def _os_reason(e: OSError) -> str:
    if e.errno == errno.ENOENT:
        return "no such file"
    if e.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if e.errno == errno.EACCES:
        return "permission denied"
    return os.strerror(e.errno) if e.errno else "cannot be read"


def decode(data: bytes, display: str) -> str:
    """UTF-8 (optionally with BOM) or UTF-16 with BOM; anything else is refused with an offset."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise KBFileError(display, "UTF-32 is not supported; save the file as UTF-8")
    offset = 0
    if data.startswith(codecs.BOM_UTF8):
        encoding, offset = "utf-8", 3
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data[offset:].decode(encoding)
    except UnicodeDecodeError as e:
        raise KBFileError(
            display, f"invalid {encoding.upper()} at byte offset {e.start + offset}"
        ) from None
    if encoding == "utf-16" and text.startswith("\ufeff"):
        text = text[1:]
    bad = _first_control(text)
    if bad is not None:
        position = bad if encoding == "utf-16" else len(text[:bad].encode()) + offset
        unit = "character" if encoding == "utf-16" else "byte"
        raise KBFileError(
            display, f"control character U+{ord(text[bad]):04X} at {unit} offset {position}"
        )
    return text


def _first_control(text: str) -> int | None:
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n\r") or o == 0x7F or 0x80 <= o <= 0x9F:
            return i
    return None


def parse(text: str, display: str, *, pure: bool = False) -> Node:
    """Parse one YAML document into Nodes, enforcing every limit on the event stream."""
    import yaml

    loader: Any = yaml.SafeLoader
    if not pure:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    event: Any
    stack: list[tuple[Node, str | None]] = []  # (container, pending key for mappings)
    root: Node | None = None
    documents = 0
    count = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            count += 1
            if count > MAX_EVENTS:
                raise _at(display, event, f"more than {MAX_EVENTS} parse events")
            kind = type(event).__name__
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise _at(display, event, "more than one YAML document in the file")
                continue
            if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
                continue
            if kind == "AliasEvent":
                raise _at(display, event, "aliases (*name) are not allowed")
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                node, _ = stack.pop()
                if not stack:
                    root = node
                continue
            if getattr(event, "anchor", None) is not None:
                raise _at(display, event, "anchors (&name) are not allowed")
            if getattr(event, "tag", None) is not None:
                raise _at(display, event, f"explicit tags ({event.tag}) are not allowed")
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            if kind == "ScalarEvent":
                node = Node(event.value, line, col)
            elif kind == "MappingStartEvent":
                node = Node({}, line, col)
            else:
                node = Node([], line, col)
            if stack:
                _attach(stack, node, display)
            elif kind == "ScalarEvent":
                root = node
            if kind != "ScalarEvent":
                if len(stack) >= MAX_DEPTH:
                    raise _at(display, event, f"nesting deeper than {MAX_DEPTH} levels")
                stack.append((node, None))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        if mark is not None:
            raise KBFileError(
                display, f"YAML syntax: {problem}", mark.line + 1, mark.column + 1
            ) from None
        raise KBFileError(display, f"YAML syntax: {problem}") from None
    except RecursionError:
        raise KBFileError(display, f"nesting deeper than {MAX_DEPTH} levels") from None
    if root is None:
        raise KBFileError(display, "the file holds no YAML document")
    return root


def _attach(stack: list[tuple[Node, str | None]], node: Node, display: str) -> None:
    parent, pending = stack[-1]
    if isinstance(parent.value, list):
        parent.value.append(node)
        return
    assert isinstance(parent.value, dict)
    if pending is None:
        if not isinstance(node.value, str):
            raise KBFileError(display, "mapping keys must be text", node.line, node.col)
        if node.value in parent.key_marks:
            first = parent.key_marks[node.value]
            raise KBFileError(
                display,
                f"duplicate key {node.value!r} (first defined on line {first[0]})",
                node.line,
                node.col,
            )
        parent.key_marks[node.value] = (node.line, node.col)
        stack[-1] = (parent, node.value)
    else:
        parent.value[pending] = node
        stack[-1] = (parent, None)


def _at(display: str, event: Any, message: str) -> KBFileError:
    return KBFileError(display, message, event.start_mark.line + 1, event.start_mark.column + 1)
