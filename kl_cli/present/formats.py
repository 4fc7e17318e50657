"""Pure serialisers: a view's data to JSON/YAML, its document to plain text or Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
            case Items(key=key, items=items, title=title, title_key=title_key, ids=ids):
                if title_key:
                    row(title_key, title)
                for n, item in enumerate(items):
                    row(key, *(ids[n] if ids else ()), item)
            case Table(rows=rows, key=key, plain_order=order, plain_rows=tokens):
                for cells in tokens or rows:
                    if order and not tokens:
                        cells = tuple(cells[i] for i in order)
                    row(*((key, *cells) if key else cells))
            case Fields(rows=fields):
                for f in fields:
                    row(f.key, *(f.plain or (f.value,)))
            case Notes(key=key, lines=notes) if key:
                for note in notes:
                    row(key, note)
            case Hits(rows=hits):
                for hit in hits:
                    row(hit.kind, hit.id, hit.plain_command or hit.command, hit.snippet)
    return "".join(line + "\n" for line in lines)


# --- markdown ------------------------------------------------------------------------------------
# Escaped is only what GitHub's renderer (cmark-gfm) would read as markup where the text stands,
# so `1.0.0` and `(KKR)` stay readable in the source. tests/test_markdown.py renders every
# command's Markdown with cmark-gfm and lints it with pymarkdownlnt.
#
# Anywhere: the escape itself, code, emphasis, links and images, HTML and entities (`<`, `&`),
# math (`$`) and strikethrough (`~`); and the two bare-URL patterns GitHub links by itself
# (`scheme://`, `www.`), since only a source's URL is a link. An e-mail address is linked by
# GitHub whatever its escapes: a `mailto:` link to the text's own address.
_MD_INLINE = r"[\\`*_\[\]<&$~]|(?<=[A-Za-z]):(?=//)|(?<![0-9A-Za-z])(?i:www)\."
# At the start of a paragraph or a list item: headings, quotes, list markers (`-` also starts
# a rule) and ordered-list numbers (`1.`, `1)`).
_MD_START = r"[#>+-]|[0-9]{1,9}(?=[.)](?:\s|$))"
# `&name;` is read as a character even in a link, so such an `&` is written `&amp;` there.
_MD_ENTITY = r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)"
_LINKABLE = r"(?i:https?)://\S"
_MD: dict[str, re.Pattern[str]] = {}


def _md_re(pattern: str) -> re.Pattern[str]:
    # Compiled on the first Markdown output (about 0.6 ms for the four): no other format pays.
    if pattern not in _MD:
        _MD[pattern] = re.compile(pattern)
    return _MD[pattern]


def _md_escape(m: re.Match[str]) -> str:
    s = m.group()
    return "\\" + s if len(s) == 1 else s[:-1] + "\\."  # www. -> www\.


def md(text: str) -> str:
    """Inert, single-line text, escaped where Markdown would read it inline (see above)."""
    return _md_re(_MD_INLINE).sub(_md_escape, inert(text, single_line=True))


def _md_block(text: str) -> str:
    """Text that starts a paragraph or a list item: also no heading, quote, list or rule."""
    s = md(text.strip())
    m = _md_re(_MD_START).match(s)
    if m is None:
        return s
    g = m.group()
    return g + "\\" + s[len(g) :] if g[0].isdigit() else "\\" + s


def _md_heading(level: int, text: str) -> str:
    s = md(text.strip())
    if s.endswith("#"):  # else read as a closing sequence and dropped
        s = s.rstrip("#") + "\\" + s[len(s.rstrip("#")) :]
    return "#" * min(max(level, 1), 6) + " " + s


def _md_cell(text: str) -> str:
    return md(text.strip()).replace("|", "\\|")


def md_url(url: str, *, cell: bool = False) -> str:
    """A URL as a link only if it is http or https and holds nothing hidden; then written as it
    is, `<url>`, or `[url](<url>)` where a space or an angle bracket rules that out (with
    only `<`, `>` and `\\` percent-encoded). Any other URL (`javascript:`, `data:`) is text."""
    if not _md_re(_LINKABLE).match(url) or inert(url, single_line=True) != url:
        link = md(url)
    else:
        exact = _md_re(_MD_ENTITY).sub("&amp;", url)
        if " " not in url and "<" not in url and ">" not in url:
            link = f"<{exact}>"
        else:
            dest = exact.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E")
            link = f"[{md(url)}](<{dest}>)"
    return link.replace("|", "\\|") if cell else link  # a table's own escape, before links


def md_fenced(info: str, body: str) -> str:
    """`body` as a fenced code block, its fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body.rstrip(chr(10))}\n{fence}"


def to_markdown(doc: Doc) -> str:
    """ATX headings, lists, tables with `| --- |` rows and source URLs as links, as GitHub
    renders them; every knowledge-base text escaped only where Markdown would read it."""
    out: list[str] = []
    # A block's title is a heading one level below the document's title (a section).
    top = next((b.level for b in doc if isinstance(b, Heading)), 0)

    def add(*lines: str) -> None:
        if not lines:
            return
        if out:
            out.append("")
        out.extend(line.rstrip() for line in lines)

    def titled(title: str, note: str = "") -> None:
        if not title:
            return
        note = f" *{md(note)}*" if note else ""
        if title.rstrip().endswith(":"):  # a lead-in ("We build on:"): a sentence, no heading
            add(_md_block(title) + note)
        else:
            add(_md_heading(top + 1, title) + note)

    for block in doc:
        match block:
            case Heading(text=text, level=level):
                add(_md_heading(level, text))
            case Para(text=text, note=note):
                add(_md_block(text) + (f" *{md(note)}*" if note else ""))
            case Items(items=items, title=title, numbered=numbered, note=note):
                titled(title, note)
                marks = (f"{i}. " if numbered else "- " for i in range(1, len(items) + 1))
                add(*(mark + _md_block(item) for mark, item in zip(marks, items, strict=True)))
            case Table(columns=columns, rows=rows, title=title, url_column=url_column):
                titled(title)
                notes = block.notes or ("",) * len(rows)
                add(
                    _md_row(_md_cell(c) for c in columns),
                    _md_row("---" for _ in columns),
                    *(
                        _md_row(
                            " ".join(
                                part
                                for part in (
                                    md_url(c, cell=True) if i == url_column and c else _md_cell(c),
                                    f"*{_md_cell(note)}*" if note and i == len(cells) - 1 else "",
                                )
                                if part
                            )
                            for i, c in enumerate(cells)
                        )
                        for cells, note in zip(rows, notes, strict=True)
                    ),
                )
            case Fields(rows=fields, title=title):
                titled(title)
                add(*(_md_field(f) for f in fields))
            case Notes(title=title, lines=lines, urls=urls):
                titled(title)
                links = urls or ("",) * len(lines)
                add(*("- " + _md_note(line, url) for line, url in zip(lines, links, strict=True)))
            case Hits(rows=hits, title=title):
                if title:  # how many: a sentence, no heading
                    add(_md_block(title))
                add(*(f"{i}. {_md_hit(hit)}" for i, hit in enumerate(hits, 1)))
            case Tree():
                add(md_fenced("text", "\n".join(_tree_lines(block))))
    return "\n".join(out).strip("\n") + "\n"


def _md_row(cells: Iterable[str]) -> str:
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


def _md_field(f: Field) -> str:
    note = f" *{md(f.note)}*" if f.note else ""
    return f"- **{md(f.label)}:** {md(f.value.strip())}{note}"


def _md_note(line: str, url: str) -> str:
    if not url or not line.endswith(url):
        return _md_block(line)
    return _md_block(line[: -len(url)]) + " " + md_url(url)


def _md_hit(hit: HitRow) -> str:
    command = inert(hit.command, single_line=True)
    simple = command and "`" not in command and command.strip() == command
    code = f"`{command}`" if simple else md(command)
    marked, pos = [], 0
    for start, end in hit.spans:  # each piece escaped on its own, the matches in bold
        marked += [md(hit.snippet[pos:start]), "**", md(hit.snippet[start:end]), "**"]
        pos = end
    marked.append(md(hit.snippet[pos:]))
    return f"{code} ({md(hit.label or hit.kind)}): {''.join(marked)}"


def _tree_lines(tree: Tree, prefix: str = "", last: bool = True, top: bool = True) -> list[str]:
    label = inert(tree.label, single_line=True)
    lines = [label] if top else [prefix + ("└── " if last else "├── ") + label]
    child_prefix = "" if top else prefix + ("    " if last else "│   ")
    for i, child in enumerate(tree.children):
        lines.extend(_tree_lines(child, child_prefix, i == len(tree.children) - 1, False))
    return lines
