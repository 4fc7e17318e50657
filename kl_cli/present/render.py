"""The only module importing rich: a document to one renderable, printed once per call."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Column
from rich.table import Table as RichTable
from rich.text import Text
from rich.tree import Tree as RichTree

from kl_cli.present.doc import (
    Doc,
    Fields,
    Heading,
    HitRow,
    Hits,
    Items,
    Notes,
    Notice,
    Para,
    Table,
    Tree,
)
from kl_cli.present.formats import dangerous, inert

NARROW = 40  # below this, tables become lists
STACKED = 60  # below this, tables of three or more columns stack their text columns
# Tables with more rows are drawn by _Rows: the same output, cheaper even for a few rows (the
# whole `kl bodies` screen in 8.1 ms instead of 9.2); tests/test_scaling.py compares both.
FAST_ROWS = 0


def _t(text: str, style: str = "") -> Text:
    # Text() never parses markup or emoji codes; inert() neutralises control characters.
    return Text(inert(text), style=style)


def _noted(text: str, note: str) -> Text:
    """The text and its quiet note (dim) after it."""
    out = _t(text)
    if note:
        out.append(" ")
        out.append(_t(note, "dim"))
    return out


def link_target(url: str) -> str | None:
    """Where a terminal hyperlink (OSC 8) to `url` may point, or None: only an http or https
    URL of visible characters (no space, control or other hidden character: any of them could
    end the escape sequence and start another); non-ASCII characters percent-encoded (UTF-8),
    as OSC 8 carries printable ASCII only."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest:
        return None
    out = []
    for ch in url:
        if "!" <= ch <= "~":
            out.append(ch)
        elif ch.isascii() or ch.isspace() or not ch.isprintable() or dangerous(ch):
            return None
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)


def _url(url: str, indent: int, width: int, links: bool, style: str = "") -> Text:
    """A URL on a line of its own, never wrapped or cut (one longer than the width goes past
    it), a hyperlink when `links`; indented by `indent`, or not at all where only that lets
    it fit the width."""
    shown = inert(url, single_line=True)
    room = width - cell_len(shown)
    if indent > room >= 0:
        indent = 0
    out = Text(" " * indent, no_wrap=True, overflow="ignore")
    target = link_target(url) if links else None
    out.append(shown, Style.parse(style) + Style(link=target) if target else style)
    return out


class _Mark(str):
    """The type of URL_MARK alone: no text of the knowledge base is one."""


# A table cell holding this stands for the row's URL, drawn on a line of its own (_Linked).
# inert() escapes every private-use character, so once drawn, no knowledge-base text holds it.
URL_MARK = _Mark("\ue000")


def renderable(doc: Doc, width: int, links: bool = False) -> RenderableType:
    """The whole document as one Rich renderable for a console `width` columns wide; source
    URLs as terminal hyperlinks when `links`."""
    parts: list[RenderableType] = []
    for block in doc:
        match block:
            case Heading(text=text, level=level):
                parts.append(_t(text, "bold underline" if level == 1 else "bold"))
            case Para(text=text, note=note):
                parts.append(Padding(_noted(text, note), (0, 0, 1, 0), expand=False))
            case Items(items=items, title=title, numbered=numbered, note=note):
                if title:
                    heading = _noted(title, note)
                    heading.stylize("bold", 0, len(inert(title)))
                    parts.append(heading)
                lines = Text()
                for i, item in enumerate(items, 1):
                    lines.append(f"  {i}. " if numbered else "  • ", style="cyan")
                    lines.append(_t(item))
                    if i < len(items):
                        lines.append("\n")
                parts.append(Padding(lines, (0, 0, 1, 0), expand=False))
            case Table(columns=columns, rows=rows, title=title, url_column=url_column):
                notes = block.notes or ("",) * len(rows)
                if 0 <= url_column < len(columns):
                    table = _linked_table(columns, rows, notes, title, width, url_column, links)
                    parts.append(table)
                else:
                    noted = tuple(_with_note(r, n) for r, n in zip(rows, notes, strict=True))
                    parts.append(_table(columns, noted, title, width))
            case Fields(rows=fields, title=title):
                if title:
                    parts.append(_t(title, "bold"))
                parts.append(_fields(fields, width))
            case Notes(title=title, lines=lines, urls=urls):
                parts.append(_t(title, "dim bold"))
                for line, url in zip(lines, urls or ("",) * len(lines), strict=True):
                    if url and line.endswith(url):  # '[1] title — URL': the URL on its own line
                        parts.append(_t(line[: -len(url)].removesuffix(" — "), "dim"))
                        parts.append(_url(url, 4, width, links, "dim"))
                    else:
                        parts.append(_t(line, "dim"))
            case Notice(text=text):
                parts.append(Padding(_t(text, "dim"), (0, 0, 1, 0), expand=False))
            case Tree():
                parts.append(_tree(block))
            case Hits(rows=hits, title=title):
                if title:
                    parts.append(Padding(_t(title, "dim"), (0, 0, 1, 0), expand=False))
                parts.extend(_hit(hit, width) for hit in hits)
    return Group(*parts)


Cell = Text | str


def _with_note(cells: tuple[Cell, ...], note: str) -> tuple[Cell, ...]:
    """The row with its quiet note (source markers) after its last cell."""
    if not note or not cells:
        return cells
    last = cells[-1]
    return (*cells[:-1], _noted(last, note) if isinstance(last, str) else last)


def _linked_table(
    columns: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    notes: tuple[str, ...],
    title: str,
    width: int,
    url_column: int,
    links: bool,
) -> RenderableType:
    """A table with a column of URLs: each URL on a line of its own under its row, whole."""
    urls = [r[url_column] if url_column < len(r) else "" for r in rows]
    kept = tuple(c for i, c in enumerate(columns) if i != url_column)
    body: list[tuple[Cell, ...]] = []
    for cells, url, note in zip(rows, urls, notes, strict=True):
        own = _with_note(tuple(c for i, c in enumerate(cells) if i != url_column), note)
        if width < NARROW:
            body.append((*own, URL_MARK) if url else own)
            continue
        body.append(own)
        if url:  # a row of its own, drawn as the URL
            body.append((URL_MARK, *("",) * (len(kept) - 1)))
    shown = [u for u in urls if u]
    return _Linked(_table(kept, tuple(body), title, width), shown, links)


class _Linked:
    """Draws a table whose URLs were laid out as URL_MARK cells: each line holding a mark is
    drawn as the URL it stands for, indented two columns under its row (see _url): never
    wrapped or cut (a URL longer than the screen goes past its edge), a hyperlink when asked."""

    def __init__(self, table: RenderableType, urls: list[str], links: bool):
        self.table = table
        self.urls = urls
        self.links = links

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        urls = iter(self.urls)
        line: list[Segment] = []
        for segment in console.render(self.table, options):
            if "\n" not in segment.text or segment.control:
                line.append(segment)
                continue
            text, style = segment.text, segment.style
            while "\n" in text:
                before, _, text = text.partition("\n")
                if before:
                    line.append(Segment(before, style))
                if any(URL_MARK in s.text for s in line if not s.control):
                    url = _url(next(urls, ""), 2, options.max_width, self.links)
                    line = list(url.render(console, end=""))
                yield from line
                yield Segment.line()
                line = []
            if text:
                line.append(Segment(text, style))
        yield from line


def _table(
    columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...], title: str, width: int
) -> RenderableType:
    if width < NARROW:
        out = _t(title, "bold") if title else Text()
        for cells in rows:
            if len(out):
                out.append("\n")
            out.append(_cell(cells[0], "cyan"))
            for cell in cells[1:]:
                out.append("\n  ")
                out.append(_cell(cell))
        return Padding(out, (0, 0, 1, 0), expand=False)
    # Too narrow for side-by-side text columns: keep the id, stack the rest under a heading.
    stacked = width < STACKED and len(columns) > 2

    def make() -> RichTable:
        table = RichTable(
            title=_t(title, "bold") if title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        if stacked:
            table.add_column(_t(columns[0]), style="cyan", no_wrap=True)
            table.add_column(_t(" / ".join(columns[1:])), overflow="fold", ratio=1)
            table.expand = True
            return table
        for i, column in enumerate(columns):
            if i == 0:
                table.add_column(_t(column), style="cyan", no_wrap=True)
            else:
                table.add_column(_t(column), overflow="fold")
        return table

    def cells_of(cells: tuple[Cell, ...]) -> tuple[Text | str, ...]:
        if not stacked:
            return tuple(_inert(c) for c in cells)
        text = _cell(cells[1], "bold")
        for cell in cells[2:]:
            text.append("\n")
            text.append(_cell(cell))
        return _inert(cells[0]), text

    body = [cells_of(cells) for cells in rows]
    if len(body) <= FAST_ROWS:
        table = make()
        for row in body:
            table.add_row(*(_text(c) for c in row))
        return Padding(table, (0, 0, 1, 0), expand=False)
    return Padding(_Rows(make, body), (0, 0, 1, 0), expand=False)


# Rich's own layout steps _Rows reuses (private, so checked: without them Rich draws it all).
_INTERNALS = all(
    hasattr(RichTable, name)
    for name in ("_calculate_column_widths", "_get_padding_width", "_extra_width")
)


def _text(cell: Text | str) -> Text:
    return Text(cell) if isinstance(cell, str) else cell


def _inert(cell: Cell) -> Cell:
    """A cell's text made inert (a Text was built from inert text already); URL_MARK kept."""
    return cell if isinstance(cell, Text | _Mark) else inert(cell)


def _cell(cell: Cell, style: str = "") -> Text:
    """A cell as a Text of inert text (a Text is built so already), with `style` added."""
    if isinstance(cell, str):
        return Text(URL_MARK, style=style) if isinstance(cell, _Mark) else _t(cell, style)
    out = cell.copy()
    if style:
        out.stylize(style, 0, len(out))
    return out


def _measure(cell: Text | str) -> tuple[int, int]:
    """A cell's (minimum, maximum) width as Rich measures a Text (normalised)."""
    text = cell if isinstance(cell, str) else cell.plain
    lines = text.splitlines()
    widest = max(cell_len(line) for line in lines) if lines else 0
    words = text.split()
    longest = max(cell_len(word) for word in words) if words else widest
    return min(longest, widest), widest


class _Rows:
    """A Rich table of many rows, drawn as rich.table.Table draws it, at a fraction of the cost.

    Rich measures every cell several times and draws each through a stack of renderables:
    about 0.3 ms a row, 25 s for 80,000 sources. The column widths depend only on the widest
    cells of each column, so Rich lays out a proxy table of the header and those rows, and
    draws the title and header itself. A row whose cells are plain text without spans and
    whose every line fits its column (found with Rich's own wrapping) is drawn here as the
    segments Rich would make; any other row, and any table this does not know how to draw, is
    drawn by Rich. tests/test_scaling.py compares both, in colour and without.
    """

    def __init__(self, make: Callable[[], RichTable], rows: list[tuple[Text | str, ...]]):
        self.make = make
        self.rows = rows
        widest: set[int] = set()
        for j in range(len(rows[0]) if rows else 0):
            sizes = [_measure(row[j]) for row in rows]
            widest.add(max(range(len(rows)), key=lambda i: sizes[i][0]))
            widest.add(max(range(len(rows)), key=lambda i: sizes[i][1]))
        self.proxy = make()
        for i in sorted(widest):
            self.proxy.add_row(*(_text(c) for c in rows[i]))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.proxy)

    def _filled(
        self, table: RichTable, rows: list[tuple[Text | str, ...]] | None = None
    ) -> RichTable:
        for row in self.rows if rows is None else rows:
            table.add_row(*(_text(c) for c in row))
        return table

    def _fixed(self, widths: list[int], *, header: bool) -> RichTable:
        """A table like the proxy with the proxy's column widths fixed, no rows."""
        table = self.make()
        for i, (column, w) in enumerate(zip(table.columns, widths, strict=True)):
            column.width = w - table._get_padding_width(i)
            column.ratio = None
        table.expand = False
        if not header:
            table.show_header = False
            table.title = None
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        proxy = self.proxy
        if not _INTERNALS:  # a Rich without the layout methods used here: Rich draws it all
            yield from console.render(self._filled(self.make()), options)
            return
        extra = proxy._extra_width
        widths = proxy._calculate_column_widths(
            console, options.update_width(options.max_width - extra)
        )
        top, right, bottom, left = proxy.padding
        last = len(widths) - 1
        pads = [(0 if j == 0 else left, 0 if j == last else right) for j in range(len(widths))]
        inner = [w - a - b for w, (a, b) in zip(widths, pads, strict=True)]
        drawable = (
            proxy.box is not None
            and not proxy.show_edge
            and not proxy.pad_edge
            and not (top or bottom or proxy.collapse_padding)
            and not (proxy.show_lines or proxy.leading or proxy.show_footer or proxy.row_styles)
            and all(c.justify == "left" and c.vertical == "top" for c in proxy.columns)
            and min(inner, default=0) >= 1
        )
        vertical = ""
        if drawable and proxy.box is not None and _INTERNALS:
            safe = console.safe_box if proxy.safe_box is None else proxy.safe_box
            box_ = proxy.box.substitute(options, safe=safe)
            dividers = {box_.head_vertical, box_.mid_vertical, box_.foot_vertical}
            plain = box_.get_plain_headed_box()
            dividers |= {plain.head_vertical, plain.mid_vertical, plain.foot_vertical}
            vertical = dividers.pop() if len(dividers) == 1 else ""
        if not vertical or vertical.strip():
            yield from console.render(self._filled(self.make()), options)
            return
        yield from console.render(self._fixed(widths, header=True), options)
        null = Style.null()
        styles = [console.get_style(c.style or "") for c in proxy.columns]
        new_line = Segment.line()
        waiting: list[tuple[Text | str, ...]] = []

        def by_rich() -> RenderResult:
            table = self._filled(self._fixed(widths, header=False), waiting)
            waiting.clear()
            return console.render(table, options)

        for row in self.rows:
            cells: list[tuple[list[str], Style]] = []
            for cell, width, column in zip(row, inner, proxy.columns, strict=True):
                drawn = _lines(console, cell, width, column)
                if drawn is None:
                    break
                cells.append(drawn)
            else:
                if waiting:
                    yield from by_rich()
                for n in range(max(len(lines) for lines, _ in cells)):
                    # Unstyled neighbours as one segment: the same output, fewer segments.
                    line: list[tuple[str, Style]] = []
                    for j, (lines, text_style) in enumerate(cells):
                        style = styles[j]
                        if n < len(lines):
                            a, b = pads[j]
                            if a:
                                line.append((" " * a, style))
                            line.append((lines[n], style + text_style))
                            if b:
                                line.append((" " * b, style))
                        else:
                            line.append((" " * widths[j], style))
                        if j < last:
                            line.append((vertical, null))
                    yield from _joined(line)
                    yield new_line
                continue
            waiting.append(row)
        if waiting:
            yield from by_rich()


def _joined(pieces: list[tuple[str, Style]]) -> list[Segment]:
    """Segments for the pieces, each run of unstyled pieces joined (it prints the same)."""
    out: list[Segment] = []
    plain: list[str] = []
    for text, style in pieces:
        if style:
            if plain:
                out.append(Segment("".join(plain)))
                plain.clear()
            out.append(Segment(text, style))
        else:
            plain.append(text)
    if plain:
        out.append(Segment("".join(plain)))
    return out


def _lines(
    console: Console, cell: Text | str, width: int, column: Column
) -> tuple[list[str], Style] | None:
    """A cell's lines padded to `width` and their style, as Rich draws them; None: let Rich."""
    if isinstance(cell, str):
        plain, style = cell, Style.null()
    else:
        if cell.spans or cell.justify or cell.overflow or cell.no_wrap is not None:
            return None
        plain, style = cell.plain, console.get_style(cell.style or "")
    # What Rich's wrapping gives for lines that fit: each line padded to the width.
    lines = plain.split("\n")
    used = [cell_len(line) for line in lines if line.isprintable()]
    if len(used) == len(lines) and max(used) <= width:
        return [line + " " * (width - n) for line, n in zip(lines, used, strict=True)], style
    if "\t" in plain:
        return None
    wrapped = _text(cell).wrap(
        console, width, justify="left", overflow=column.overflow, no_wrap=column.no_wrap
    )
    lines = [line.plain for line in wrapped]
    if not lines or any(cell_len(line) != width for line in lines):
        return None
    return lines, style


def _fields(fields: tuple, width: int) -> RenderableType:  # type: ignore[type-arg]
    if width < NARROW:
        out = Text()
        for f in fields:
            if len(out):
                out.append("\n")
            out.append(_t(f.label, "bold"))
            out.append("\n  ")
            out.append(_noted(f.value, f.note))
        return Padding(out, (0, 0, 1, 0), expand=False)
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for f in fields:
        grid.add_row(_t(f.label), _noted(f.value, f.note))
    return Padding(grid, (0, 0, 1, 0), expand=False)


def _hit(hit: HitRow, width: int) -> RenderableType:
    # The kind and the command, which names the entry where an id addresses it (the id of a
    # hit on the statutes' summary or one of KL's facts is a word, not an address: JSON has it).
    head = _t(hit.label or hit.kind, "dim")
    command = _t(hit.command, "green")
    # the command on the same line when it fits, else whole on the next
    head.append("  " if len(head) + 2 + len(command) <= width else "\n  ")
    head.append(command)
    # Sanitise the pieces before, inside and after each match on their own: inert() can
    # lengthen text, so offsets into the raw snippet are not offsets into the sanitised one.
    snippet, marks, pos = Text(), [], 0
    for start, end in hit.spans:
        snippet.append(inert(hit.snippet[pos:start], single_line=True))
        begin = len(snippet)
        snippet.append(inert(hit.snippet[start:end], single_line=True))
        marks.append((begin, len(snippet)))
        pos = end
    snippet.append(inert(hit.snippet[pos:], single_line=True))
    for begin, finish in marks:
        snippet.stylize("bold", begin, finish)
    return Padding(Group(head, Padding(snippet, (0, 0, 0, 2))), (0, 0, 1, 0), expand=False)


def _tree(tree: Tree) -> RenderableType:
    root = RichTree(_t(tree.label, "bold"), guide_style="dim")
    levels: list[list[RichTree]] = []  # the nodes at each depth
    # Without recursion: a chain of bodies can be deeper than Python's stack.
    stack = [(root, tree.children, 0)]
    while stack:
        node, children, depth = stack.pop()
        if len(levels) == depth:
            levels.append([])
        levels[depth].append(node)
        stack.extend((node.add(_t(c.label)), c.children, depth + 1) for c in children)
    return Padding(_Shallow(root, levels), (0, 0, 1, 0), expand=False)


GUIDE = 4  # columns each level of a Rich tree indents (every guide, ASCII too)


class _Shallow:
    """A Rich tree, drawn without the levels too deep for the width to show anything.

    Rich gives a node the width left after its guides, and draws nothing of one that gets
    none, nor of its subtree; but it still walks them, at a cost that grows with the depth:
    a chain of 8,000 bodies took 8 s for 75 lines. The levels that get no width are folded
    away while Rich draws (measured in full, as Rich measures); the output is the same.
    """

    def __init__(self, tree: RichTree, levels: list[list[RichTree]]):
        self.tree = tree
        self.levels = levels

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.tree)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # A node at depth d has max_width - GUIDE * d columns: the children of `last` get none.
        last = -(-options.max_width // GUIDE) - 1
        folded = (
            [n for n in self.levels[last] if n.expanded] if 0 <= last < len(self.levels) else []
        )
        for node in folded:
            node.expanded = False
        try:
            yield from console.render(self.tree, options)
        finally:
            for node in folded:
                node.expanded = True


def make_console(file: TextIO, width: int, color: bool) -> Console:
    """One console per invocation; KB text never goes through markup, emoji or highlighting."""
    return Console(
        file=file,
        width=width,
        height=25,  # unused by kl's output; given, so Rich never int()s COLUMNS or LINES ('²')
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )


_ESCAPES = (
    "\x1b\\[[0-9;]*m|\x1b\\]8;[^\x1b]*\x1b\\\\"  # SGR styles, OSC 8 links: what to_rich emits
)


def screen_rows(text: str, width: int) -> int:
    """How many rows of a terminal `width` columns wide the output of to_rich takes (a URL
    longer than the width takes more than one)."""
    import re

    visible = re.sub(_ESCAPES, "", text)
    lines = visible.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return sum(max(1, -(-cell_len(line) // width)) for line in lines)


def to_rich(doc: Doc, width: int, color: bool, links: bool = False) -> str:
    """Render a document to a string (ANSI styles only when `color`; source URLs as terminal
    hyperlinks when `links` too)."""
    buffer = io.StringIO()
    console = make_console(buffer, width, color)
    # Not cropped: a URL longer than the width goes past it, whole (every other line fits).
    console.print(renderable(doc, width, links and color), crop=False)
    # Rich pads every line to the full width; trailing blanks only get in the way of copying.
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))
