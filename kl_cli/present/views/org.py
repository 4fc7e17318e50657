"""`kl org`: the chart's nodes and edges as data; for people, its trees, fitted to the width.

Both come from one typed object, the chart's graph and the forest drawn from it
(kl_cli/core/org.py); source footnotes are numbered up front in reading order.
"""

from __future__ import annotations

import typing
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from kl_cli.core.models import Edge, KnowledgeBase, Lang, Paragraph
from kl_cli.core.org import RELATIONS, ROOT, Branch, Graph, build_graph, forest
from kl_cli.present.doc import Block, Heading, Notice, Tree
from kl_cli.present.i18n import at_start, edge_sentence, relation_of
from kl_cli.present.i18n import label as label_of
from kl_cli.present.refs import Facts, Footnotes, when
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import OrgData, OrgEdge

BACK = "↩"  # a leaf for an edge that would close a cycle (to an ancestor)
ELSEWHERE = "→"  # a leaf for an edge to a node drawn in another branch
INDENT = 4  # columns a tree level takes in the rich rendering ("├── ")
STYLES = ("full", "short", "stacked")


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _edge_data(f: Facts, graph: Graph, edge: Edge, paragraphs: dict[str, Paragraph]) -> OrgEdge:
    relation = relation_of(edge.relation, f.lang, graph.node(edge.subject).number)
    out: dict[str, Any] = {  # in output order: the paragraph comes before the sources
        "subject": edge.subject,
        "relation": edge.relation,
        "label": relation,
        "object": edge.object,
        "text": edge_sentence(graph, edge, f.lang),
    }
    paragraph = paragraphs.get(edge.paragraph or "")
    if paragraph is not None:
        out["paragraph"] = {
            "id": paragraph.id,
            "label": paragraph.label,
            "numbered": paragraph.numbered,
            "title": f.t(paragraph.title),
        }
    out["sources"] = f.sources(edge.sources)
    f.dated(out, edge)
    if edge.confidence:
        out["confidence"] = edge.confidence
    return typing.cast("OrgEdge", out)


def view(kb: KnowledgeBase, lang: Lang, width: int | None = None, *, as_of: date) -> View:
    """`kl org`: nodes and edges for JSON/YAML; trees for people.

    A branch names the relation and the node, then the statute paragraph and the numbered
    sources. If the chart does not fit `width` columns, the paragraph and the sources are left
    out (JSON has them); if it still does not fit, the name goes on its own line under the
    relation, so names are not broken while they fit on a line. None: full labels.
    """
    f = Facts(kb, lang, as_of)
    graph = build_graph(kb)
    trees = forest(graph)
    paragraphs = {p.id: p for p in kb.statutes.paragraphs}
    data: OrgData = {
        "root": ROOT if any(n.id == ROOT for n in graph.nodes) else None,
        "relations": [{"id": r, "label": label_of(r, lang)} for r in RELATIONS],
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "name": at_start(f.t(n.name)),
                "names": {"da": at_start(n.name.da), "en": at_start(n.name.en)},
            }
            for n in graph.nodes
        ],
        "edges": [_edge_data(f, graph, e, paragraphs) for e in graph.edges],
    }

    def document(data: Any, lang: Lang) -> list[Block]:
        for style in STYLES:  # the first that fits
            drawn, notes = _trees(f, graph, trees, paragraphs, style)
            if width is None or _widest(drawn) <= width:
                break
        blocks: list[Block] = [Heading(label_of("org", lang))]
        notice = _left_out(graph, drawn, style, width, lang)
        if notice:
            blocks.append(Notice(notice))
        return [*blocks, *drawn, *notes.block()]

    return View("org", lang, data, document, as_of=as_of)


def _left_out(graph: Graph, drawn: list[Tree], style: str, width: int | None, lang: Lang) -> str:
    """What the chart leaves out at this width, in the longest wording that fits it; '' if
    nothing (rich output only: the width is None for every other format)."""
    if width is None:
        return ""
    # The rich rendering draws no level that its guides leave no column for; the full labels
    # are gone by then too.
    if _deepest(drawn) * INDENT >= width:
        what = label_of("narrow_levels", lang)
    elif style != "full" and any(e.sources or e.paragraph or e.period for e in graph.edges):
        what = label_of("narrow_refs", lang)
    else:
        return ""
    line = label_of("narrow", lang).format(what)
    short = label_of("narrow_short", lang).format(what)
    wordings = (line + label_of("narrow_hint", lang), line, short)
    return next((w for w in wordings if _cells(w) <= width), short)


def _reading_order(trees: tuple[Branch, ...]) -> Iterator[Edge]:
    """The edges of the trees in the order their labels are read (each before its children)."""
    stack = list(reversed(trees))
    while stack:
        b = stack.pop()
        if b.edge is not None:
            yield b.edge
        stack.extend(reversed(b.children))


def _trees(
    f: Facts,
    graph: Graph,
    trees: tuple[Branch, ...],
    paragraphs: dict[str, Paragraph],
    style: str,
) -> tuple[list[Tree], Footnotes]:
    lang = f.lang
    cited = [f.sources(e.sources) for e in _reading_order(trees)] if style == "full" else []
    notes = Footnotes(lang, cited)
    marks = {"cycle": BACK + " ", "elsewhere": ELSEWHERE + " ", "": ""}

    def note(edge: Edge, name: str) -> str:
        extras = []
        p = paragraphs.get(edge.paragraph or "")
        if p is not None:
            # A § reference as KL writes it; a statute topic by its title, unless that is the name.
            shown = p.label if p.label.startswith("§") else f.t(p.title)
            if shown.casefold() not in name.casefold():  # not when the name says it
                extras.append(shown)
        span = f.periods.span(edge)
        if span is not None:
            dated: dict[str, Any] = {}
            f.dated(dated, edge)
            extras.append(when(dated, lang))
        if edge.confidence and edge.confidence != "high":
            extras.append(label_of(edge.confidence, lang))
        return (
            (f" ({'; '.join(extras)})" if extras else "")
            + " "
            + notes.refs(f.sources(edge.sources))
        )

    def label(b: Branch) -> str:
        name = f.t(graph.node(b.node).name)
        if b.edge is None:
            return at_start(name)
        relation = relation_of(b.edge.relation, lang, graph.node(b.edge.subject).number)
        if style == "stacked":
            return f"{marks[b.ref]}{relation}\n{name}"
        shown = f"{marks[b.ref]}{relation} {name}"
        return shown + (note(b.edge, name) if style == "full" else "")

    return [_tree(t, label) for t in trees], notes


def _tree(top: Branch, label: typing.Callable[[Branch], str]) -> Tree:
    """The branch as a document tree, without recursion."""
    stack: list[tuple[str, Iterator[Branch], list[Tree]]] = [(label(top), iter(top.children), [])]
    while True:
        text, todo, kids = stack[-1]
        child = next(todo, None)
        if child is not None:
            stack.append((label(child), iter(child.children), []))
            continue
        stack.pop()
        done = Tree(text, tuple(kids))
        if not stack:
            return done
        stack[-1][2].append(done)


def _deepest(trees: list[Tree]) -> int:
    """The depth of the deepest node of the trees (a root is at depth 0)."""
    deepest = 0
    stack = [(t, 0) for t in trees]
    while stack:
        t, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((k, depth + 1) for k in t.children)
    return deepest


def _widest(trees: list[Tree]) -> int:
    """The widest line of the trees as drawn with INDENT columns per level."""
    widest = 0
    stack = [(t, 0) for t in trees]
    while stack:
        t, depth = stack.pop()
        own = max(_cells(line) for line in t.label.split("\n"))
        widest = max(widest, INDENT * depth + own)
        stack.extend((k, depth + 1) for k in t.children)
    return widest
