"""The only module importing rich: a document to one renderable, printed once per call."""

from __future__ import annotations

import io
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text
from rich.tree import Tree as RichTree

from kl_cli.doc import Doc, Fields, Heading, HitRow, Hits, Items, Notes, Para, Table, Tree
from kl_cli.formats import inert

NARROW = 40  # below this, tables become lists
STACKED = 60  # below this, tables of three or more columns stack their text columns


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
    table = RichTable(
        title=_t(title, "bold") if title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    if width < STACKED and len(columns) > 2:
        # Too narrow for side-by-side text columns: keep the id, stack the rest under a heading.
        table.add_column(_t(columns[0]), style="cyan", no_wrap=True)
        table.add_column(_t(" / ".join(columns[1:])), overflow="fold", ratio=1)
        table.expand = True
        for cells in rows:
            stacked = _t(cells[1], "bold")
            for cell in cells[2:]:
                stacked.append("\n")
                stacked.append(_t(cell))
            table.add_row(_t(cells[0]), stacked)
        return Padding(table, (0, 0, 1, 0), expand=False)
    for i, column in enumerate(columns):
        if i == 0:
            table.add_column(_t(column), style="cyan", no_wrap=True)
        else:
            table.add_column(_t(column), overflow="fold")
    for cells in rows:
        table.add_row(*(_t(c) for c in cells))
    return Padding(table, (0, 0, 1, 0), expand=False)


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

    def add(node: RichTree, children: tuple[Tree, ...]) -> None:
        for child in children:
            add(node.add(_t(child.label)), child.children)

    add(root, tree.children)
    return Padding(root, (0, 0, 1, 0), expand=False)


def make_console(file: TextIO, width: int, color: bool) -> Console:
    """One console per invocation; KB text never goes through markup, emoji or highlighting."""
    return Console(
        file=file,
        width=width,
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
