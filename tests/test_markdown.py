"""Markdown as GitHub shows it: rendered with cmark-gfm (GitHub's renderer) and linted.

Every command's Markdown, in both languages, is rendered by cmarkgfm's GitHub-flavoured renderer
(raw HTML let through, so a leak shows as a tag) and read back with html.parser: each link must
point at a source's URL, each text of the document must come out as it went in, and hostile text
must stay text. pymarkdownlnt lints it with the [tool.pymarkdown] settings in pyproject.toml.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from kl_cli.present import formats
from kl_cli.present.doc import Doc, Fields, Heading, Hits, Items, Notes, Para, Table, Tree
from tests.conftest import ROOT, run
from tests.hostile import hostile_kb
from tests.test_cli import COMMANDS
from tests.test_golden import MARKDOWN_SPECIAL, special_kb

LANGS = ["da", "en"]
SEARCHES = [["search", "kommunekontaktråd"], ["search", "executive"], ["search", "kl"]]
DOCUMENTS = [*COMMANDS, *SEARCHES]
# What kl's Markdown may turn into: anything else (a <script>, an <img>, a <div>) is a leak.
TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "a"}
TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "td", "pre"}


class Rendered(HTMLParser):
    """The HTML of one document: its tags, links, images, comments and each block's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.links: list[tuple[str | None, str]] = []  # (href, text)
        self.images: list[dict[str, str | None]] = []
        self.comments: list[str] = []
        self.blocks: list[tuple[str, str]] = []  # (tag, text), innermost block first
        self.code: list[tuple[str | None, str]] = []  # (lang, text) of each <pre>
        self._open: list[tuple[str, list[str]]] = []
        self._link: tuple[str | None, list[str]] | None = None
        self._pre_lang: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "a":
            self._link = (dict(attrs).get("href"), [])
        elif tag == "pre":
            self._pre_lang = dict(attrs).get("lang")
        if tag in BLOCKS:
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], "".join(self._link[1])))
            self._link = None
        if tag in BLOCKS and self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            text = "".join(parts)
            self.blocks.append((tag, text))
            if tag == "pre":
                self.code.append((self._pre_lang, text))
            if self._open:  # a block's text is part of the block around it too
                self._open[-1][1].append(text)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1].append(data)
        if self._link is not None:
            self._link[1].append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def render(markdown: str) -> Rendered:
    """GitHub's renderer with raw HTML kept (GitHub strips it later; here a leak must show)."""
    return Rendered(cmarkgfm.github_flavored_markdown_to_html(markdown, Options.CMARK_OPT_UNSAFE))


def squeeze(text: str) -> str:
    return " ".join(text.split())


def markdown_of(
    monkeypatch: pytest.MonkeyPatch, *args: str, data: Path | None = None
) -> tuple[str, Doc | None]:
    """A command's Markdown, and the document it was made from (None for the org chart)."""
    seen: list[Doc] = []
    original = formats.to_markdown

    def keep(doc: Doc) -> str:
        seen.append(doc)
        return original(doc)

    monkeypatch.setattr(formats, "to_markdown", keep)
    where = ["--data", str(data)] if data else []
    result = run(*where, *args, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout, (seen[0] if seen else None)


def doc_texts(doc: Doc) -> Iterator[str]:
    """Every text a person must be able to read in the document, as the plain output has it."""
    for block in doc:
        match block:
            case Heading(text=text):
                yield text
            case Para(text=text, note=note):
                yield from (text, note)
            case Items(items=items, title=title, note=note):
                yield from (title, note, *items)
            case Table(columns=columns, rows=rows, title=title):
                yield from (title, *columns, *(cell for row in rows for cell in row))
            case Fields(rows=fields, title=title):
                yield title
                for f in fields:
                    yield from (f.label, f.value, f.note)
            case Notes(title=title, lines=lines):
                yield from (title, *lines)
            case Hits(rows=hits, title=title):
                yield title
                for hit in hits:
                    yield from (hit.label or hit.kind, hit.command, hit.snippet)
            case Tree():
                stack = [block]
                while stack:
                    node = stack.pop()
                    yield node.label
                    stack.extend(node.children)


def assert_no_text_lost(markdown: str, doc: Doc) -> Rendered:
    """Each text of the document is, unchanged, in the text of one rendered block."""
    html = render(markdown)
    blocks = [squeeze(text) for _, text in html.blocks]
    for text in doc_texts(doc):
        shown = squeeze(formats.inert(text, single_line=True))
        if shown:
            assert any(shown in block for block in blocks), (shown, markdown)
    headings = [squeeze(text) for tag, text in html.blocks if re.fullmatch("h[1-6]", tag)]
    for block in doc:  # a heading is all of its text, and one
        if isinstance(block, Heading):
            assert squeeze(formats.inert(block.text, single_line=True)) in headings, markdown
    return html


def assert_inert(html: Rendered, markdown: str) -> None:
    assert html.tags <= TAGS, (html.tags - TAGS, markdown)
    assert not html.images and not html.comments, markdown
    for href, _ in html.links:
        assert href and re.match(r"https?://", href, re.IGNORECASE), (href, markdown)


def sources(data: Path | None = None) -> dict[str, str]:
    """`kl sources --json`: each linkable (http or https) URL and its source's title."""
    where = ["--data", str(data)] if data else []
    out = json.loads(run(*where, "sources", "--json").stdout)
    return {
        s["url"]: s["title"]
        for s in out["sources"]
        if re.match(r"https?://", s.get("url", ""), re.IGNORECASE)
    }


def same_url(href: str, url: str) -> bool:
    """The same URL, though the renderer percent-encodes what HTML needs (spaces, quotes)."""
    return unquote(href) == unquote(url)


# --- the bundled knowledge base: every command, both languages ----------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", DOCUMENTS, ids=lambda a: " ".join(a) or "(overview)")
def test_links_are_the_sources_urls_exactly(
    args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown, doc = markdown_of(monkeypatch, *args, "--lang", lang)
    assert doc is not None
    html = render(markdown)
    titles = sources()
    for href, text in html.links:
        assert href in titles, (href, markdown)  # exactly the knowledge base's URL
        assert text == href, (text, href)
    # every URL the document shows is a link (each source list, the sources table)
    assert sorted(href for href, _ in html.links if href) == sorted(doc_urls(doc)), markdown
    assert_inert(html, markdown)


def doc_urls(doc: Doc) -> Iterator[str]:
    """The source URLs a document shows: its footnotes' and its sources table's."""
    for block in doc:
        if isinstance(block, Notes):
            yield from (url for url in block.urls if url)
        elif isinstance(block, Table) and block.url_column >= 0:
            yield from (row[block.url_column] for row in block.rows if row[block.url_column])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", DOCUMENTS, ids=lambda a: " ".join(a) or "(overview)")
def test_no_text_is_lost_or_altered(
    args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown, doc = markdown_of(monkeypatch, *args, "--lang", lang)
    assert doc is not None
    assert_no_text_lost(markdown, doc)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", DOCUMENTS, ids=lambda a: " ".join(a) or "(overview)")
def test_headings_are_headings(args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each heading and each titled block is an HTML heading, the document's title the only h1."""
    markdown, doc = markdown_of(monkeypatch, *args, "--lang", lang)
    assert doc is not None
    html = render(markdown)
    headings = [squeeze(text) for tag, text in html.blocks if re.fullmatch("h[1-6]", tag)]
    assert [tag for tag, _ in html.blocks].count("h1") == 1, markdown
    for block in doc:
        if isinstance(block, Heading):
            assert squeeze(formats.inert(block.text)) in headings, (block.text, markdown)
        elif getattr(block, "title", "") and not isinstance(block, Hits):
            title = squeeze(formats.inert(block.title))
            # a lead-in ("We build on:") stays a sentence before its list
            if not title.endswith(":"):
                assert any(h.startswith(title) for h in headings), (title, markdown)
    assert "<strong>" not in "".join(p for tag, p in html.blocks if tag == "p"), markdown


# Text made only of characters no Markdown context treats specially: it must be written as it is.
PLAIN_TEXT = re.compile(r"[^\\`*_\[\]<>&$~|#+!=:@]+")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", DOCUMENTS, ids=lambda a: " ".join(a) or "(overview)")
def test_ordinary_text_is_not_escaped(
    args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.`, `(`, `)` and `-` mid-line are no Markdown: `1.0.0` and `(KKR)` stay as they are."""
    markdown, doc = markdown_of(monkeypatch, *args, "--lang", lang)
    assert doc is not None
    checked = 0
    marked = {hit.snippet for b in doc if isinstance(b, Hits) for hit in b.rows}  # bold matches
    for text in set(doc_texts(doc)) - marked:
        text = text.strip()
        if PLAIN_TEXT.fullmatch(text) and not re.match(r"-|\d+[.)](\s|$)", text):
            assert text in markdown, (text, markdown)
            checked += 1
    assert checked, "no ordinary text to check"


@pytest.mark.parametrize("lang", LANGS)
def test_org_chart_is_the_mermaid_chart_under_a_heading(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown, _ = markdown_of(monkeypatch, "org", "--lang", lang)
    html = render(markdown)
    mermaid = run("org", "-f", "mermaid", "--lang", lang).stdout
    assert html.code == [("mermaid", mermaid)], markdown
    assert [tag for tag, _ in html.blocks if tag.startswith("h")] == ["h1"], markdown
    assert_inert(html, markdown)
    assert not html.links


# --- lint -----------------------------------------------------------------------------------------


def lint(markdown: str) -> list[str]:
    """pymarkdownlnt's findings, with the project's configuration ([tool.pymarkdown])."""
    from pymarkdown.api import PyMarkdownApi

    api = PyMarkdownApi().configuration_file_path(str(ROOT / "pyproject.toml"))
    result = api.enable_strict_configuration().scan_string(markdown)
    return [
        f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description}"
        f" {f.extra_error_information or ''}"
        for f in result.scan_failures
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", [*DOCUMENTS, ["org"]], ids=lambda a: " ".join(a) or "(overview)")
def test_markdown_lints_clean(args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    markdown, _ = markdown_of(monkeypatch, *args, "--lang", lang)
    assert lint(markdown) == [], markdown
    # the linter takes `|---|` too; kl writes the delimiter row as GitHub's own docs do
    delimiters = re.findall(r"^\|[-:| ]*-[-:| ]*\|$", markdown, re.MULTILINE)
    assert all(re.fullmatch(r"\|( --- \|)+", row) for row in delimiters), delimiters


def test_lint_configuration_is_small_and_read() -> None:
    """Only the line-length rule is off (and the GFM extensions GitHub has are on): a long line
    is no finding, a bare URL still is."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plugins = config["tool"]["pymarkdown"]["plugins"]
    assert plugins == {"md013": {"enabled": False}}
    assert lint("# Title\n\n" + " ".join(["word"] * 40) + "\n") == []
    assert any(" MD034 " in f for f in lint("# Title\n\nsee https://example.org\n"))


# --- text that is special in Markdown, and hostile text -----------------------------------------


@pytest.mark.parametrize("args", [["bodies"], ["values"], ["bodies", "delegeretmoede"], []])
def test_special_characters_render_as_text_and_lint_clean(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown, doc = markdown_of(monkeypatch, *args, data=special_kb(tmp_path))
    assert doc is not None
    html = assert_no_text_lost(markdown, doc)
    assert_inert(html, markdown)
    assert any(squeeze(MARKDOWN_SPECIAL) in squeeze(text) for _, text in html.blocks), markdown
    assert lint(markdown) == [], markdown


# Each is special to Markdown somewhere: at a line's start, in a table, inline, or to GitHub.
MARKDOWN_HOSTILE = [
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "* not a list",
    "1. not a list",
    "2) not a list",
    "---",
    "===",
    "    not code",
    "```js",
    "~~~ not code",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- hidden --> <b>bold</b>",
    "![pixel](https://evil.example/p.png)",
    "[click](javascript:alert(1)) [ref][1] <javascript:alert(1)> [x]: javascript:alert(1)",
    "[1]: https://evil.example",
    "www.evil.example and https://evil.example/x and ftp://evil.example/f",
    "&amp; &lt;b&gt; &#x3C;x&#62; &copy; & alone",
    "$x^2$ and $$y$$",
    "*a* _b_ **c** __d__ ~~e~~ ~f~ `g`",
    "a | b | c",
    "[ ] task [x] done [^1]",
    "closing ##",
    "back\\slash\\ and \\* end\\",
    "<https://evil.example/auto>",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/protocol-relative",
    " https://example.org/leading-space",
    "ftp://example.org/file",
    "https://example.org/a b(c)<d>\"e'|f\\g`h&amp;i&copy;j",
    "HTTPS://EXAMPLE.ORG/UPPER",
    "https://example.org/ø/æ?q=å&r=(1)",
    "https://example.org/x)](javascript:alert(1)",
    "http://example.org/\u202eevil",
]


def hostile_markdown_kb() -> dict[str, Any]:
    """The hostile knowledge base with every other text special to Markdown, and hostile URLs."""
    data = hostile_kb()
    texts = iter(range(1 << 30))

    def spoil(node: Any) -> Any:
        if isinstance(node, dict) and set(node) == {"da", "en"}:
            i = next(texts)
            if i % 2:  # every other text keeps hostile_kb's own (terminal-hostile) text
                return node
            return {lang: f"{MARKDOWN_HOSTILE[(i + k) % len(MARKDOWN_HOSTILE)]}" for k, lang in
                    enumerate(("da", "en"))}  # fmt: skip
        if isinstance(node, dict):
            return {k: spoil(v) for k, v in node.items()}
        if isinstance(node, list):
            return [spoil(v) for v in node]
        return node

    data = typing.cast(dict[str, Any], spoil(data))
    kkr = next(b for b in data["bodies"] if b["id"] == "kkr")  # the heading of `kl bodies kkr`
    kkr["name"] = {"da": "closing ##", "en": "# closing #"}
    for source, url in zip(data["sources"], HOSTILE_URLS, strict=False):
        source["url"] = url
    return data


@pytest.fixture(scope="module")
def hostile_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-md") / "hostile.yaml"
    path.write_text(formats.to_yaml(hostile_markdown_kb()), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(overview)")
def test_hostile_text_renders_inert(
    hostile_md: Path, args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No raw HTML, no image, no link but to a source's http(s) URL; every text shown as is."""
    markdown, doc = markdown_of(monkeypatch, *args, "--lang", lang, data=hostile_md)
    assert doc is not None
    html = assert_no_text_lost(markdown, doc)
    assert_inert(html, markdown)
    linkable = sources(hostile_md)
    for href, _ in html.links:
        assert href and any(same_url(href, url) for url in linkable), (href, markdown)


def test_only_http_and_https_urls_become_links(
    hostile_md: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown, _ = markdown_of(monkeypatch, "sources", data=hostile_md)
    html = render(markdown)
    hrefs = [href for href, _ in html.links]
    linked = [u for u in HOSTILE_URLS if any(same_url(h or "", u) for h in hrefs)]
    assert linked == [
        "https://example.org/a b(c)<d>\"e'|f\\g`h&amp;i&copy;j",
        "HTTPS://EXAMPLE.ORG/UPPER",
        "https://example.org/ø/æ?q=å&r=(1)",
        "https://example.org/x)](javascript:alert(1)",
    ]
    for href, text in html.links:  # the link text is the URL itself
        assert href is not None and same_url(href, text), (href, text)
    cells = [squeeze(text) for tag, text in html.blocks if tag == "td"]
    for url in HOSTILE_URLS:  # and every URL, linked or not, is shown as it is
        assert squeeze(formats.inert(url, single_line=True)) in cells, url
    assert_inert(html, markdown)
