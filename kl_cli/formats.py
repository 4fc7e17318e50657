"""Pure serialisers: a view's data to JSON/YAML, its document to plain text or Markdown."""

from __future__ import annotations

import re
from typing import Any

from kl_cli.doc import Doc, Field, Fields, Heading, HitRow, Hits, Items, Notes, Para, Table, Tree

# Characters that can drive a terminal or hide/reorder text: C0 (but tab and newline), DEL,
# C1, bidi controls, zero-width characters, line/paragraph separators and the BOM.
# Lone surrogates (undecodable bytes of a file name, as Python's surrogateescape maps them)
# cannot be encoded at all, so they are escaped as well.
_DANGEROUS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
)
_PATTERNS: dict[bool, re.Pattern[str]] = {}


def _danger(single_line: bool) -> re.Pattern[str]:
    # Compiled on first need: most text is printable and never gets here (see inert).
    if single_line not in _PATTERNS:
        extra = "\t\n" if single_line else ""
        _PATTERNS[single_line] = re.compile(f"[{_DANGEROUS}{extra}]")
    return _PATTERNS[single_line]


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch == "\t":
        return "\\t"
    if ch == "\n":
        return "\\n"
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # surrogateescape: show the original byte
        return f"\\x{o - 0xDC00:02x}"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def inert(text: str, *, single_line: bool = False) -> str:
    """The one sanitiser: control, bidi and zero-width characters become visible escapes."""
    if text.isprintable():  # every dangerous character is non-printable: nothing to do
        return text
    return _danger(single_line).sub(_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def to_json(data: Any, *, ascii_only: bool) -> str:
    """JSON with dangerous characters as \\u escapes (still the same strings when parsed)."""
    import json

    text = json.dumps(data, ensure_ascii=ascii_only, indent=2)
    return _danger(False).sub(_json_escape, text) + "\n"


def to_yaml(data: Any, *, ascii_only: bool = False) -> str:
    """YAML of plain data; strings holding dangerous characters are double-quoted and escaped.

    With `ascii_only` (stdout cannot take UTF-8) non-ASCII text is written as YAML escapes in
    double quotes, which read back as the same text.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = '"' if _danger(False).search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    text = yaml.dump(
        data,
        Dumper=Dumper,
        allow_unicode=not ascii_only,
        sort_keys=False,
        width=1 << 30,
        indent=2,
    )
    # Only double-quoted scalars can hold these characters, and there \uXXXX is an escape.
    return _danger(False).sub(_json_escape, text)


# --- plain ---------------------------------------------------------------------------------------


def to_plain(doc: Doc) -> str:
    """Stable, tab-separated lines for scripts: no colour, no boxes, never wrapped."""
    lines: list[str] = []

    def row(*cells: str) -> None:
        lines.append("\t".join(inert(c, single_line=True) for c in cells))

    for block in doc:
        match block:
            case Heading(key=key, text=text, value=value) if key:
                row(key, value or text)
            case Heading() | Tree():
                pass
            case Para(key=key, text=text):
                row(key, text)
            case Items(key=key, items=items, title=title, title_key=title_key):
                if title_key:
                    row(title_key, title)
                for item in items:
                    row(key, item)
            case Table(rows=rows, key=key):
                for cells in rows:
                    row(*((key, *cells) if key else cells))
            case Fields(rows=fields):
                for f in fields:
                    row(f.key, f.value, *f.extra)
            case Notes(key=key, lines=notes) if key:
                for note in notes:
                    row(key, note)
            case Hits(rows=hits):
                for hit in hits:
                    row(hit.kind, hit.id, hit.command, hit.snippet)
    return "".join(line + "\n" for line in lines)


# --- markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md(text: str) -> str:
    """Markdown-escaped, inert, single-line text."""
    return _MD_SPECIAL.sub(r"\\\1", inert(text, single_line=True))


def to_markdown(doc: Doc) -> str:
    """Headings, lists and tables that render on GitHub; every KB text escaped."""
    out: list[str] = []

    def gap() -> None:
        if out and out[-1] != "":
            out.append("")

    def titled(title: str, note: str = "") -> None:
        gap()
        if title:
            out.extend([f"**{md(title)}**" + (f" *{md(note)}*" if note else ""), ""])

    def para(s: str) -> None:
        gap()
        out.append(s)

    def noted(text: str, note: str) -> str:
        return md(text) + (f" *{md(note)}*" if note else "")

    for block in doc:
        match block:
            case Heading(text=text, level=level):
                para("#" * min(level, 6) + " " + md(text))
            case Para(text=text, note=note):
                para(noted(text, note))
            case Items(items=items, title=title, numbered=numbered, note=note):
                titled(title, note)
                for i, item in enumerate(items, 1):
                    out.append(f"{i}. {md(item)}" if numbered else f"- {md(item)}")
            case Table(columns=columns, rows=rows, title=title):
                titled(title)
                out.append("| " + " | ".join(md(c) for c in columns) + " |")
                out.append("|" + "---|" * len(columns))
                for cells in rows:
                    out.append("| " + " | ".join(md(c) for c in cells) + " |")
            case Fields(rows=fields, title=title):
                titled(title)
                for f in fields:
                    out.append(_md_field(f))
            case Notes(title=title, lines=lines):
                titled(title)
                out.extend(f"- {md(line)}" for line in lines)
            case Hits(rows=hits, title=title):
                titled(title)
                out.extend(f"{i}. {_md_hit(hit)}" for i, hit in enumerate(hits, 1))
            case Tree():
                para("```")
                out.extend(_tree_lines(block))
                out.append("```")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_field(f: Field) -> str:
    note = f" *{md(f.note)}*" if f.note else ""
    return f"- **{md(f.label)}:** {md(f.value)}{note}"


def _md_hit(hit: HitRow) -> str:
    command = inert(hit.command, single_line=True)
    code = f"`{command}`" if "`" not in command else md(command)
    marked, pos = [], 0
    for start, end in hit.spans:  # each piece escaped on its own, the matches in bold
        marked += [md(hit.snippet[pos:start]), "**", md(hit.snippet[start:end]), "**"]
        pos = end
    marked.append(md(hit.snippet[pos:]))
    return f"{code} ({md(hit.kind)} {md(hit.id)}): {''.join(marked)}"


def _tree_lines(tree: Tree, prefix: str = "", last: bool = True, top: bool = True) -> list[str]:
    label = inert(tree.label, single_line=True)
    lines = [label] if top else [prefix + ("└── " if last else "├── ") + label]
    child_prefix = "" if top else prefix + ("    " if last else "│   ")
    for i, child in enumerate(tree.children):
        lines.extend(_tree_lines(child, child_prefix, i == len(tree.children) - 1, False))
    return lines
