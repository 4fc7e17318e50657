"""A small document model every human format renders: what a command shows, not how."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    """A title; not part of plain output."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph; plain: `key<TAB>text`. `note` is quiet provenance (period, source refs)."""

    key: str
    text: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Items:
    """A list; plain: `key<TAB>item` per item (the key is the group id for grouped lists)."""

    key: str
    items: tuple[str, ...]
    title: str = ""
    numbered: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """Rows whose first cell is an id; plain: the cells tab-separated, one row per line."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    key: str = ""  # in a details view, plain rows start with this key


@dataclass(frozen=True, slots=True)
class Field:
    """One detail: a stable ASCII key for plain, a label for people, the value and its note."""

    key: str
    label: str
    value: str
    note: str = ""
    extra: tuple[str, ...] = ()  # further plain cells after the value


@dataclass(frozen=True, slots=True)
class Fields:
    """Details; plain: `key<TAB>value` per field."""

    rows: tuple[Field, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Notes:
    """Footnotes such as the numbered sources; plain: `key<TAB>line` only when `key` is set."""

    title: str
    lines: tuple[str, ...]
    key: str = ""


@dataclass(frozen=True, slots=True)
class Tree:
    """A labelled tree (the organisation chart); plain output comes from the command's edges."""

    label: str
    children: tuple[Tree, ...] = ()


Block = Heading | Para | Items | Table | Fields | Notes | Tree
Doc = tuple[Block, ...]
