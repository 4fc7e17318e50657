"""Pure serialisers: a view's data to JSON/YAML, its document to plain text or Markdown."""

from __future__ import annotations

import re
from typing import Any

from kl_cli.present.doc import (
    Doc,
    Field,
    Fields,
    Heading,
    HitRow,
    Hits,
    Items,
    Notes,
    Para,
    Table,
    Tree,
)

# Shown as visible escapes, by Unicode category in Python's own database (unicodedata, 14.0 on
# Python 3.11): Cc (controls, but tab and newline in multi-line text), Cf (format: bidi controls,
# zero-width characters, the soft hyphen, tag characters, the BOM, interlinear annotation),
# Cs (lone surrogates: undecodable bytes of a file name under surrogateescape), Co (private use),
# Cn (unassigned in that database), Zl and Zp (line and paragraph separators); and the Hangul
# fillers, letters that print as nothing (U+180E, once one of them, is Cf since Unicode 6.3).
# str.isprintable() is False for exactly Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (but the ASCII space),
# from the same database: so a character is dangerous when it is not printable and not a space
# separator (Zs), or is a filler. No list of code points to keep up to date.
_FILLERS = "\u115f\u1160\u3164\uffa0\u180e"
# Ranges printable in every Unicode version (what is assigned stays assigned): Latin, Greek,
# Cyrillic, punctuation, currency, letterlike symbols, arrows, mathematical and technical signs.
# Text made of them never reaches dangerous(); any other character is looked at on its own, by
# category. More ranges would make the pattern slower to compile (sre fills a map one code point
# at a time), and the pattern is compiled at most once a run, when first needed.
# tests/test_formats.py checks that no character in them is dangerous.
_PRINTABLE = (
    "\x20-\x7e\xa0-\xac\xae-\u0377\u037a-\u037f\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u052f"
    "\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0\u2100-\u218b\u2190-\u2426\u2460-\u24ff"
)
_PATTERNS: dict[bool, re.Pattern[str]] = {}


def _candidates(single_line: bool) -> re.Pattern[str]:
    # Compiled on first need: most text is printable and never gets here (see inert).
    if single_line not in _PATTERNS:
        keep = "" if single_line else "\t\n"
        _PATTERNS[single_line] = re.compile(f"[^{keep}{_PRINTABLE}]")
    return _PATTERNS[single_line]


def dangerous(ch: str) -> bool:
    """Whether one character is shown as an escape (see above): by its category, not by a list."""
    if ch.isprintable():
        return ch in _FILLERS
    # Not printable: everything but the space separators (Zs), which are isspace() above C1.
    return not ch.isspace() or ch < "\xa0" or ch in "\u2028\u2029"


def _text_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if not dangerous(ch):
        return ch
    if ch == "\t":
        return "\\t"
    if ch == "\n":
        return "\\n"
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # surrogateescape: show the original byte
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def _printable(text: str) -> bool:
    """Whether `text` holds no dangerous character: the fast path, as most text does.

    Every dangerous character is non-printable but four of the fillers (letters, Lo).
    """
    return text.isprintable() and (
        text.isascii()
        or not ("\u3164" in text or "\u115f" in text or "\u1160" in text or "\uffa0" in text)
    )


def inert(text: str, *, single_line: bool = False) -> str:
    """The one sanitiser: control, format, private-use, unassigned and blank-letter characters
    (see `dangerous`) become visible escapes: \\x1b, \\u200f, \\U000e0041."""
    # _printable(text), inlined: inert() runs for every cell of every table
    if text.isprintable() and (
        text.isascii()
        or not ("\u3164" in text or "\u115f" in text or "\u1160" in text or "\uffa0" in text)
    ):
        return text
    return _candidates(single_line).sub(_text_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if not dangerous(ch):
        return ch
    o = ord(ch)
    if o < 0x10000:
        return f"\\u{o:04x}"
    o -= 0x10000  # JSON has no escape beyond the BMP: a UTF-16 surrogate pair
    return f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}"


def _yaml_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if not dangerous(ch):
        return ch
    o = ord(ch)
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def to_json(data: Any, *, ascii_only: bool) -> str:
    """JSON with dangerous characters as \\u escapes (still the same strings when parsed)."""
    import json

    text = json.dumps(data, ensure_ascii=ascii_only, indent=2)
    if _printable(text.replace("\n", "")):  # usually: then the pattern is never compiled
        return text + "\n"
    # Outside strings JSON is printable ASCII (and newlines): only string content is escaped.
    return _candidates(False).sub(_json_escape, text) + "\n"


def to_yaml(data: Any, *, ascii_only: bool = False) -> str:
    """YAML of plain data; strings holding dangerous characters are double-quoted and escaped.

    With `ascii_only` (stdout cannot take UTF-8) non-ASCII text is written as YAML escapes in
    double quotes, which read back as the same text.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = '"' if inert(value) != value else None
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
    if _printable(text.replace("\n", "")):
        return text
    # Only double-quoted scalars can hold these characters, and there \uXXXX is an escape.
    return _candidates(False).sub(_yaml_escape, text)


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

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$])")


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
