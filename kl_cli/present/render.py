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

from kl_cli.present.doc import Doc, Fields, Heading, HitRow, Hits, Items, Notes, Para, Table, Tree
from kl_cli.present.formats import inert

NARROW = 40  # below this, tables become lists
STACKED = 60  # below this, tables of three or more columns stack their text columns
FAST_ROWS = 100  # tables with more rows are drawn by _Rows (the same output, far cheaper)


def _t(text: str, style: str = "") -> Text:
    # Text() never parses markup or emoji codes; inert() neutralises control characters.
    return Text(inert(text), style=style)


def _noted(text: str, note: str) -> Text:
    out = _t(text)
    if note:
        out.append(" ")
        out.append(_t(note, "dim"))
    return out


def renderable(doc: Doc, width: int) -> RenderableType:
    """The whole document as one Rich renderable for a console `width` columns wide."""
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
            case Table(columns=columns, rows=rows, title=title):
                parts.append(_table(columns, rows, title, width))
            case Fields(rows=fields, title=title):
                if title:
                    parts.append(_t(title, "bold"))
                parts.append(_fields(fields, width))
            case Notes(title=title, lines=lines):
                notes = _t(title, "dim bold")
                for line in lines:
                    notes.append("\n")
                    notes.append(_t(line, "dim"))
                parts.append(notes)
            case Tree():
                parts.append(_tree(block))
            case Hits(rows=hits, title=title):
                if title:
                    parts.append(Padding(_t(title, "dim"), (0, 0, 1, 0), expand=False))
                parts.extend(_hit(hit, width) for hit in hits)
    return Group(*parts)


def _table(
    columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...], title: str, width: int
) -> RenderableType:
    if width < NARROW:
        out = _t(title, "bold") if title else Text()
        for cells in rows:
            if len(out):
                out.append("\n")
            out.append(_t(cells[0], "cyan"))
            for cell in cells[1:]:
                out.append("\n  ")
                out.append(_t(cell))
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

    def cells_of(cells: tuple[str, ...]) -> tuple[Text | str, ...]:
        if not stacked:
            return tuple(inert(c) for c in cells)
        text = _t(cells[1], "bold")
        for cell in cells[2:]:
            text.append("\n")
            text.append(_t(cell))
        return inert(cells[0]), text

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
    head = _t(hit.kind, "dim")
    head.append(" ")
    head.append(_t(hit.id, "cyan"))
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


def to_rich(doc: Doc, width: int, color: bool) -> str:
    """Render a document to a string (ANSI styles only when `color`)."""
    buffer = io.StringIO()
    console = make_console(buffer, width, color)
    console.print(renderable(doc, width))
    # Rich pads every line to the full width; trailing blanks only get in the way of copying.
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))
