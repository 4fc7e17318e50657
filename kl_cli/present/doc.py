"""A small document model every human format renders: what a command shows, not how."""

from __future__ import annotations

from kl_cli.core.record import Record


class Heading(Record):
    """A title; in plain output only when it has a key (`key<TAB>text`)."""

    text: str
    level: int = 1
    key: str = ""
    value: str = ""  # the plain value, when it differs from the displayed text


class Para(Record):
    """A paragraph; plain: `key<TAB>text`. `note` is quiet provenance (period, source refs)."""

    key: str
    text: str
    note: str = ""


class Items(Record):
    """A list; plain: `key<TAB>item` per item (the key is the group id for grouped lists), with
    the item's `ids` cells between them when given (`value<TAB>dagsordenen<TAB>1<TAB>title`)."""

    key: str
    items: tuple[str, ...]
    title: str = ""
    numbered: bool = False
    note: str = ""
    title_key: str = ""  # plain: the title as `title_key<TAB>title` before the items
    ids: tuple[tuple[str, ...], ...] = ()  # per item, its language-independent plain cells


class Table(Record):
    """Rows whose first cell is an id; plain: the cells tab-separated, one row per line."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    key: str = ""  # in a details view, plain rows start with this key
    url_column: int = -1  # the column whose cells are URLs, for formats that link them
    notes: tuple[str, ...] = ()  # per row, its quiet provenance ('[1,2]'); not in plain
    plain_order: tuple[int, ...] = ()  # plain: the cells in this order (text last), if not as shown
    plain_rows: tuple[tuple[str, ...], ...] = ()  # plain: these cells instead (tokens, then text)


class Field(Record):
    """One detail: a stable ASCII key for plain, a label for people, the value and its note.

    `plain` are the plain cells after the key when they are not just the value: tokens that are
    the same in every language (`yes` where people read `ja`), then any text, last."""

    key: str
    label: str
    value: str
    note: str = ""
    plain: tuple[str, ...] = ()


class Fields(Record):
    """Details; plain: `key<TAB>value` per field."""

    rows: tuple[Field, ...]
    title: str = ""


class Notes(Record):
    """Footnotes such as the numbered sources; plain: `key<TAB>line` only when `key` is set."""

    title: str
    lines: tuple[str, ...]
    key: str = ""
    urls: tuple[str, ...] = ()  # per line, the URL it ends with (' — URL'; '' if none)


class Notice(Record):
    """A quiet line about the screen itself, such as what a narrow terminal leaves out; only
    in rich output (plain, Markdown and JSON always hold everything)."""

    text: str


class Tree(Record):
    """A labelled tree (the organisation chart); plain output comes from the command's edges."""

    label: str
    children: tuple[Tree, ...] = ()


class HitRow(Record):
    """One search hit; plain: `kind<TAB>id<TAB>command<TAB>snippet`. `spans` mark the matches
    as code-point offsets into the snippet, sorted and not overlapping. For people, `label` (the
    kind in the screen's language) and the command, which names the entry where its id is an
    address; plain keeps the kind's token and the id."""

    kind: str
    id: str
    command: str
    snippet: str
    spans: tuple[tuple[int, int], ...] = ()
    plain_command: str = ""  # plain: the exact command, where people are shown a shorter one
    label: str = ""


class Hits(Record):
    """Search hits, best first; the title (how many) is not part of plain output."""

    rows: tuple[HitRow, ...]
    title: str = ""


Block = Heading | Para | Items | Table | Fields | Notes | Notice | Tree | Hits
Doc = tuple[Block, ...]
