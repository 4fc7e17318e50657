"""Bounded, strict reading of untrusted knowledge-base files into a tree of positioned nodes.

Limits are checked on the parse events, before any object is built, identically for libyaml
and the pure-Python parser: no tags, anchors or aliases, no duplicate keys, bounded size,
nesting and event count. Every scalar stays text; typing is the schema's job.
"""

from __future__ import annotations

import codecs
import errno
import gc
import os
import re
import stat
from typing import Any

from kl_cli.errors import ExitCode, KlError
from kl_cli.store.files import read_bounded

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_EVENTS = 1_000_000
# No YAML yields more than about two events per character (`[?,?,?]` in the pure parser), so a
# shorter text cannot exceed MAX_EVENTS and skips the limits-only pre-pass; the building pass
# enforces every limit in any case.
PRECHECK_CHARS = MAX_EVENTS // 4


class KBFileError(KlError):
    """A knowledge-base file that cannot be used; `where` is FILE[:LINE:COLUMN]."""

    exit_code = ExitCode.INVALID_KB

    def __init__(self, name: str, message: str, line: int | None = None, col: int | None = None):
        self.name = name
        self.line = line
        self.col = col
        super().__init__(message)

    def show(self) -> str:
        return self.where + ": " + self.message

    def __str__(self) -> str:
        return self.show()

    @property
    def where(self) -> str:
        if self.line is None:
            return self.name
        return f"{self.name}:{self.line}:{self.col or 1}"


class KBUnreadableError(KBFileError):
    """The file cannot be opened or is not a regular file (exit 66, not 65)."""

    exit_code = ExitCode.UNREADABLE_KB


class Node:
    """A YAML node: str for scalars, list[Node] or dict[str, Node]; 1-based line and column."""

    __slots__ = ("value", "line", "col", "key_marks")

    def __init__(
        self,
        value: str | list[Node] | dict[str, Node],
        line: int,
        col: int,
        key_marks: dict[str, tuple[int, int]] | None = None,
    ):
        self.value = value
        self.line = line
        self.col = col
        self.key_marks: dict[str, tuple[int, int]] = {} if key_marks is None else key_marks


def read_bytes(path: str, display: str, limit: int = MAX_BYTES) -> bytes:
    """Read at most `limit` bytes of a regular file without ever blocking on FIFOs or devices."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise KBUnreadableError(display, _os_reason(e)) from None
    except ValueError:  # a NUL character in the name
        raise KBUnreadableError(display, "not a valid file name") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise KBUnreadableError(display, "is a directory, not a knowledge-base file")
        if not stat.S_ISREG(st.st_mode):
            raise KBUnreadableError(display, "not a regular file")
        if st.st_size > limit:
            raise KBFileError(display, f"file is {st.st_size} bytes; the limit is {limit} bytes")
        data = read_bounded(lambda n: os.read(fd, n), limit)
    except OSError as e:
        raise KBUnreadableError(display, _os_reason(e)) from None
    finally:
        os.close(fd)
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


def read_stream(stream: Any, display: str, limit: int = MAX_BYTES) -> bytes:
    """Read at most `limit` bytes from an open stream (standard input), refusing anything bigger."""
    binary = getattr(stream, "buffer", stream)
    if binary is None:
        raise KBUnreadableError(display, "standard input is closed")

    def read(n: int) -> bytes:
        chunk = binary.read(n)
        if isinstance(chunk, str):  # a text stream without a buffer
            return chunk.encode("utf-8", "surrogateescape")
        return bytes(chunk)

    try:
        data = read_bounded(read, limit)
    except (OSError, ValueError) as e:
        reason = _os_reason(e) if isinstance(e, OSError) else "standard input is closed"
        raise KBUnreadableError(display, reason) from None
    if len(data) > limit:
        raise KBFileError(display, f"input is larger than the limit of {limit} bytes")
    return data


# What YAML itself refuses (and what could drive a terminal): C0 but tab/LF/CR, DEL, C1 and the
# non-characters U+FFFE/U+FFFF. Checked here, once, so both parsers refuse them alike with a
# byte offset. Escapes such as "\x1b" inside double quotes stay allowed: that is data.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def decode(data: bytes, display: str) -> str:
    """UTF-8 (optionally with BOM) or UTF-16 with BOM; anything else is refused with an offset."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise KBFileError(display, "UTF-32 is not supported; save the file as UTF-8")
    offset = 0
    if data.startswith(codecs.BOM_UTF8):
        encoding, offset = "utf-8", 3
    elif data.startswith(codecs.BOM_UTF16_LE):
        encoding, offset = "utf-16-le", 2
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding, offset = "utf-16-be", 2
    else:
        encoding = "utf-8"
    try:
        text = data[offset:].decode(encoding)
    except UnicodeDecodeError as e:
        name = encoding.upper()[:6]
        raise KBFileError(display, f"invalid {name} at byte offset {e.start + offset}") from None
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        ch = bad.group()
        position = len(text[: bad.start()].encode(encoding)) + offset
        kind = "non-character" if ch in "\ufffe\uffff" else "control character"
        raise KBFileError(display, f"{kind} U+{ord(ch):04X} at byte offset {position}")
    return text


def parse(text: str, display: str, *, pure: bool = False) -> Node:
    """Parse one YAML document into Nodes, enforcing every limit on the event stream.

    `pure` forces PyYAML's pure-Python parser; otherwise libyaml is used when available.
    """
    import yaml

    loader_class: Any = yaml.SafeLoader
    if not pure:
        loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = None
    collecting = gc.isenabled()
    gc.disable()  # a million acyclic nodes would otherwise trigger full collections, for nothing
    try:
        if len(text) > PRECHECK_CHARS:
            # A big file is first run through the limits alone, building nothing, so that one
            # over a cap is refused in a single cheap pass and in little memory.
            loader = loader_class(text)
            _check_limits(loader, display)
            loader.dispose()
            loader = None
        loader = loader_class(text)
        return _tree(loader, display, check_surrogates=loader_class is yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own (higher) limit, met first
            problem = f"nesting deeper than {MAX_DEPTH} levels"
        else:
            problem = f"YAML syntax: {problem}"
        if mark is not None:
            raise KBFileError(display, problem, mark.line + 1, mark.column + 1) from None
        raise KBFileError(display, problem) from None
    except yaml.YAMLError as e:
        raise KBFileError(display, f"YAML syntax: {str(e).splitlines()[0]}") from None
    except (ValueError, OverflowError):
        # The pure-Python scanner lets chr() fail on an escape such as "\U00110000".
        raise _at_loader(loader, display, _BAD_ESCAPE) from None
    except RecursionError:
        raise KBFileError(display, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
        if collecting:
            gc.enable()


_BAD_ESCAPE = "YAML syntax: found invalid Unicode character escape code"
_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_KEYS: dict[str, tuple[int, int]] = {}  # shared by scalars and lists: only mappings get keys


def _check_limits(loader: Any, display: str) -> None:
    """Events, depth, anchors, aliases, tags and documents, without building anything."""
    from yaml import events

    opening = (events.MappingStartEvent, events.SequenceStartEvent)
    closing = (events.MappingEndEvent, events.SequenceEndEvent)
    with_properties = (events.ScalarEvent, *opening)
    limit = MAX_EVENTS
    depth = documents = 0
    for count, event in enumerate(iter(loader.get_event, None), 1):
        if count > limit:
            raise _at(display, event, f"more than {limit} parse events")
        kind = event.__class__
        if kind in closing:
            depth -= 1
            continue
        if kind in with_properties:
            if event.anchor is not None or event.tag is not None:
                raise _refused_property(display, event)
            if kind in opening:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _at(display, event, f"nesting deeper than {MAX_DEPTH} levels")
        elif kind is events.AliasEvent:
            raise _at(display, event, f"aliases (*{event.anchor}) are not allowed")
        elif kind is events.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _at(display, event, "more than one YAML document in the file")


def _tree(loader: Any, display: str, *, check_surrogates: bool) -> Node:
    # Hot loop: up to MAX_EVENTS iterations, so attribute look-ups are hoisted, mapping keys
    # get no Node of their own (only their mark), and the open collections are kept as
    # [node, pending key] frames with the innermost one in `top`.
    from yaml import events

    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
    closing = (events.MappingEndEvent, events.SequenceEndEvent)
    document_start = events.DocumentStartEvent

    limit = MAX_EVENTS
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    root: Node | None = None
    documents = 0
    for count, event in enumerate(iter(loader.get_event, None), 1):
        if count > limit:
            raise _at(display, event, f"more than {limit} parse events")
        kind = event.__class__
        if kind in closing:
            done = stack.pop()
            if stack:
                top = stack[-1]
            else:
                top, root = None, done[0]
            continue
        if kind is scalar_event or kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None:
                raise _refused_property(display, event)
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            if kind is scalar_event:
                value = event.value
                if check_surrogates and _SURROGATE.search(value):
                    raise _at(display, event, _BAD_ESCAPE)
                if top is None:
                    root = Node(value, line, col, _NO_KEYS)
                elif top[0].value.__class__ is list:
                    top[0].value.append(Node(value, line, col, _NO_KEYS))
                elif top[1] is None:
                    _key(top, value, line, col, display, plain=event.implicit[0])
                else:
                    top[0].value[top[1]] = Node(value, line, col, _NO_KEYS)
                    top[1] = None
                continue
            if kind is mapping_start:
                node = Node({}, line, col, {})
            else:
                node = Node([], line, col, _NO_KEYS)
            if top is not None:
                if top[0].value.__class__ is list:
                    top[0].value.append(node)
                elif top[1] is None:
                    raise KBFileError(display, "mapping keys must be text", line, col)
                else:
                    top[0].value[top[1]] = node
                    top[1] = None
            if len(stack) >= MAX_DEPTH:
                raise _at(display, event, f"nesting deeper than {MAX_DEPTH} levels")
            top = [node, None]
            stack.append(top)
        elif kind is alias_event:
            raise _at(display, event, f"aliases (*{event.anchor}) are not allowed")
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise _at(display, event, "more than one YAML document in the file")
    if root is None:
        raise KBFileError(display, "the file holds no YAML document")
    return root


def _refused_property(display: str, event: Any) -> KBFileError:
    if event.anchor is not None:
        return _at(display, event, f"anchors (&{event.anchor}) are not allowed")
    return _at(display, event, f"explicit tags ({event.tag}) are not allowed")


def _key(frame: list[Any], key: str, line: int, col: int, display: str, *, plain: bool) -> None:
    """Record a mapping key: no merge keys, no duplicates (naming the first one's line)."""
    marks: dict[str, tuple[int, int]] = frame[0].key_marks
    if plain and key == "<<":
        raise KBFileError(display, "merge keys (<<) are not allowed", line, col)
    first = marks.get(key)
    if first is not None:
        message = f"duplicate key {_short(key)} (first defined on line {first[0]})"
        raise KBFileError(display, message, line, col)
    marks[key] = (line, col)
    frame[1] = key


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _at(display: str, event: Any, message: str) -> KBFileError:
    return KBFileError(display, message, event.start_mark.line + 1, event.start_mark.column + 1)


def _at_loader(loader: Any, display: str, message: str) -> KBFileError:
    get_mark = getattr(loader, "get_mark", None) if loader is not None else None
    if get_mark is None:
        return KBFileError(display, message)
    mark = get_mark()
    return KBFileError(display, message, mark.line + 1, mark.column + 1)
