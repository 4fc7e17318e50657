"""The organisation chart: the bodies and actors as a graph, a tree, Mermaid and DOT. Pure."""

from __future__ import annotations

import re
import typing
import unicodedata
from collections import deque
from typing import Any

from kl_cli.doc import Block, Heading, Tree
from kl_cli.folding import foldings
from kl_cli.formats import inert
from kl_cli.models import ActorKind, Edge, KnowledgeBase, Lang, Paragraph, Relation, Text
from kl_cli.record import Record
from kl_cli.views import LABELS, Ctx, View

RELATIONS: tuple[Relation, ...] = typing.get_args(Relation)
ROOT = "delegeretmoede"  # the chart starts at KL's highest authority (§ 3)
BACK = "↩"  # a leaf for an edge that would close a cycle (to an ancestor)
ELSEWHERE = "→"  # a leaf for an edge to a node drawn in another branch
TITLE: dict[Lang, str] = {"da": "KL's politiske organisation", "en": "KL's political organisation"}
INDENT = 4  # columns a tree level takes in the rich rendering ("├── ")

# Words Mermaid or DOT read as keywords where a node id is expected.
_RESERVED = frozenset(
    {
        "end",
        "graph",
        "flowchart",
        "subgraph",
        "direction",
        "style",
        "classdef",
        "class",
        "click",
        "linkstyle",
        "call",
        "href",
        "default",
        "node",
        "edge",
        "digraph",
        "strict",
    }
)


class Node(Record):
    """A body or actor in the chart; `key` is its ASCII id in Mermaid and DOT."""

    id: str
    key: str
    kind: ActorKind
    name: Text


class Graph(Record):
    """The chart's nodes (the bodies, then the actors some edge names) and its sourced edges."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


class Branch(Record):
    """A tree position: the node reached by `edge` (None at a root).

    `ref` is "" where the node itself is drawn, "cycle" for an edge back to an ancestor and
    "elsewhere" for an edge to a node drawn in another branch: both are leaves.
    """

    node: str
    edge: Edge | None = None
    ref: str = ""
    children: tuple[Branch, ...] = ()


def ascii_key(node_id: str, taken: set[str]) -> str:
    """An id Mermaid and DOT both take unquoted: [a-z0-9_], no keyword, unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", foldings(node_id)[0]).strip("_") or "node"
    if base[0].isdigit() or base in _RESERVED:
        base = "n_" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def build_graph(kb: KnowledgeBase) -> Graph:
    """Every body, and every actor that is an end of some relation, with the KB's edges."""
    ends = {e.subject for e in kb.relations} | {e.object for e in kb.relations}
    taken: set[str] = set()
    nodes = [Node(b.id, ascii_key(b.id, taken), "body", b.name) for b in kb.bodies]
    nodes += [
        Node(a.id, ascii_key(a.id, taken), "actor", a.name) for a in kb.actors if a.id in ends
    ]
    return Graph(tuple(nodes), kb.relations)


def forest(graph: Graph, root: str = ROOT) -> tuple[Branch, ...]:
    """The chart as trees: every node drawn once, every edge once.

    Breadth-first from the root (the delegeretmøde) along the edges, so a node hangs under the
    nearest node that elects, sets up or decides it. Any other edge to a drawn node is a leaf:
    a back-reference when it would close a cycle (the udvalg advise the bestyrelse that set
    them up), else a reference to the other branch. Nodes not reached start further trees,
    those that no undrawn node points at first.
    """
    outgoing: dict[str, list[int]] = {n.id: [] for n in graph.nodes}
    for i, edge in enumerate(graph.edges):
        outgoing[edge.subject].append(i)
    placed: set[str] = set()
    drawn_by: set[int] = set()  # the edges under which their object is drawn

    def grow(start: str) -> Branch:
        placed.add(start)
        queue = deque([start])
        while queue:
            for i in outgoing[queue.popleft()]:
                target = graph.edges[i].object
                if target not in placed:
                    placed.add(target)
                    drawn_by.add(i)
                    queue.append(target)
        return assemble(start, None, ())

    def assemble(node: str, i: int | None, ancestors: tuple[str, ...]) -> Branch:
        edge = None if i is None else graph.edges[i]
        if i is not None and i not in drawn_by:
            return Branch(node, edge, "cycle" if node in ancestors else "elsewhere")
        path = (*ancestors, node)
        kids = tuple(assemble(graph.edges[j].object, j, path) for j in outgoing[node])
        return Branch(node, edge, "", kids)

    ids = [n.id for n in graph.nodes]
    trees = [grow(root)] if root in ids else []
    while unplaced := [n for n in ids if n not in placed]:
        pointed_at = {
            e.object
            for e in graph.edges
            if e.subject != e.object and e.subject not in placed and e.object not in placed
        }
        trees.append(grow(next((n for n in unplaced if n not in pointed_at), unplaced[0])))
    return tuple(trees)


# --- the view: JSON/YAML data and the rich tree -------------------------------------------------


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _paragraphs(kb: KnowledgeBase) -> dict[str, Paragraph]:
    return {p.id: p for p in kb.statutes.paragraphs}


def edge_json(c: Ctx, graph: Graph, edge: Edge) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": edge.subject,
        "relation": edge.relation,
        "label": c.label(edge.relation),
        "object": edge.object,
        "text": f"{c.t(graph.node(edge.subject).name)} {c.label(edge.relation)} "
        f"{c.t(graph.node(edge.object).name)}",
    }
    paragraph = _paragraphs(c.kb).get(edge.paragraph or "")
    if paragraph is not None:
        out["paragraph"] = {
            "id": paragraph.id,
            "label": paragraph.label,
            "title": c.t(paragraph.title),
        }
    out["sources"] = [c.source_json(s) for s in edge.sources]
    if edge.period:
        out["period"] = edge.period
    if edge.confidence:
        out["confidence"] = edge.confidence
    return out


def view(kb: KnowledgeBase, lang: Lang, width: int | None = None) -> View:
    """`kl org`: nodes and edges for JSON/YAML; trees for people.

    A branch names the relation and the node, then the statute paragraph and the numbered
    sources. If the chart does not fit `width` columns, the paragraph and the sources are left
    out (JSON has them); if it still does not fit, the name goes on its own line under the
    relation, so names are not broken while they fit on a line. None: full labels.
    """
    graph = build_graph(kb)
    trees = forest(graph)
    style = "full"
    if width is not None:
        style = next(
            (s for s in STYLES if _widest(_trees(Ctx(kb, lang), graph, trees, s)) <= width),
            STYLES[-1],
        )
    c = Ctx(kb, lang)
    data = {
        "root": ROOT if any(n.id == ROOT for n in graph.nodes) else None,
        "relations": [{"id": r, "label": c.label(r)} for r in RELATIONS],
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "name": c.t(n.name),
                "names": {"da": n.name.da, "en": n.name.en},
            }
            for n in graph.nodes
        ],
        "edges": [edge_json(c, graph, e) for e in graph.edges],
    }
    blocks: list[Block] = [Heading(TITLE[lang]), *_trees(c, graph, trees, style)]
    return c.view("org", data, blocks)


STYLES = ("full", "short", "stacked")


def _trees(c: Ctx, graph: Graph, trees: tuple[Branch, ...], style: str) -> list[Tree]:
    paragraphs = _paragraphs(c.kb)
    marks = {"cycle": BACK + " ", "elsewhere": ELSEWHERE + " ", "": ""}

    def note(edge: Edge, name: str) -> str:
        extras = []
        p = paragraphs.get(edge.paragraph or "")
        if p is not None:
            # A § reference as KL writes it; a statute topic by its title, unless that is the name.
            shown = p.label if p.label.startswith("§") else c.t(p.title)
            if shown.casefold() != name.casefold():
                extras.append(shown)
        if edge.period:
            extras.append(edge.period)
        if edge.confidence and edge.confidence != "high":
            extras.append(c.label(edge.confidence))
        return (f" ({'; '.join(extras)})" if extras else "") + " " + c.refs(edge.sources)

    def tree(b: Branch) -> Tree:
        name = c.t(graph.node(b.node).name)
        if b.edge is None:
            label = name
        elif style == "stacked":
            label = f"{marks[b.ref]}{c.label(b.edge.relation)}\n{name}"
        else:
            label = f"{marks[b.ref]}{c.label(b.edge.relation)} {name}"
            label += note(b.edge, name) if style == "full" else ""
        # The label before the children: source numbers follow the reading order.
        return Tree(label, tuple(tree(k) for k in b.children))

    return [tree(t) for t in trees]


def _widest(trees: list[Tree]) -> int:
    """The widest line of the trees as drawn with INDENT columns per level."""

    def walk(t: Tree, depth: int) -> int:
        own = max(_cells(line) for line in t.label.split("\n"))
        return max([INDENT * depth + own, *(walk(k, depth + 1) for k in t.children)])

    return max((walk(t, 0) for t in trees), default=0)


# --- plain, Mermaid, DOT ------------------------------------------------------------------------


def to_plain(graph: Graph) -> str:
    """One edge per line: subject<TAB>relation<TAB>object<TAB>paragraph (ids; '' if unknown)."""
    return "".join(
        "\t".join(
            inert(cell, single_line=True)
            for cell in (e.subject, e.relation, e.object, e.paragraph or "")
        )
        + "\n"
        for e in graph.edges
    )


def _mermaid_text(text: str) -> str:
    # Inside Mermaid's double quotes: entity codes for the characters it would read itself.
    text = inert(text, single_line=True).replace("#", "#35;")
    for ch, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(ch, code)
    return text


def to_mermaid(graph: Graph, lang: Lang) -> str:
    """A Mermaid flowchart, top-down: bodies as boxes, other actors rounded, relations on edges."""
    keys = {n.id: n.key for n in graph.nodes}
    lines = ["flowchart TD"]
    for n in graph.nodes:
        name = _mermaid_text(n.name.get(lang))
        lines.append(f'    {n.key}["{name}"]' if n.kind == "body" else f'    {n.key}("{name}")')
    for e in graph.edges:
        label = _mermaid_text(LABELS[e.relation][lang])
        lines.append(f'    {keys[e.subject]} -->|"{label}"| {keys[e.object]}')
    return "\n".join(lines) + "\n"


def to_markdown(graph: Graph, lang: Lang) -> str:
    """The Mermaid chart in a fenced block, as GitHub renders it."""
    return "```mermaid\n" + to_mermaid(graph, lang) + "```\n"


def _dot_text(text: str) -> str:
    return '"' + inert(text, single_line=True).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: Graph, lang: Lang) -> str:
    """Graphviz DOT with the same ids and labels as the Mermaid chart."""
    keys = {n.id: n.key for n in graph.nodes}
    lines = ["digraph kl {", "    rankdir=TB;", "    node [shape=box];"]
    for n in graph.nodes:
        shape = "" if n.kind == "body" else ", style=rounded"
        lines.append(f"    {n.key} [label={_dot_text(n.name.get(lang))}{shape}];")
    for e in graph.edges:
        label = _dot_text(LABELS[e.relation][lang])
        lines.append(f"    {keys[e.subject]} -> {keys[e.object]} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
