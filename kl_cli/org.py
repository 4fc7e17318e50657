"""The organisation chart: the bodies and actors as a graph, a tree, Mermaid and DOT. Pure."""

from __future__ import annotations

import heapq
import re
import typing
import unicodedata
from collections import deque
from collections.abc import Iterator
from functools import cached_property
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

    @cached_property
    def _by_id(self) -> dict[str, Node]:
        by_id: dict[str, Node] = {}
        for n in self.nodes:
            by_id.setdefault(n.id, n)
        return by_id

    def node(self, node_id: str) -> Node:
        """The (first) node with this id."""
        return self._by_id[node_id]


class Branch(Record):
    """A tree position: the node reached by `edge` (None at a root).

    `ref` is "" where the node itself is drawn, "cycle" for an edge back to an ancestor and
    "elsewhere" for an edge to a node drawn in another branch: both are leaves.
    """

    node: str
    edge: Edge | None = None
    ref: str = ""
    children: tuple[Branch, ...] = ()


class Keys:
    """Ids Mermaid and DOT both take unquoted: [a-z0-9_], no keyword, each given out once."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        # Per base, the next suffix to try: every smaller one is taken, so a thousand ids that
        # fold alike cost a thousand tries, not half a million.
        self._next: dict[str, int] = {}

    def key(self, node_id: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", foldings(node_id)[0]).strip("_") or "node"
        if base[0].isdigit() or base in _RESERVED:
            base = "n_" + base
        key = base
        if key in self.taken:
            n = self._next.get(base, 2)
            key = f"{base}_{n}"
            while key in self.taken:
                n += 1
                key = f"{base}_{n}"
            self._next[base] = n + 1
        self.taken.add(key)
        return key


def build_graph(kb: KnowledgeBase) -> Graph:
    """Every body, and every actor that is an end of some relation, with the KB's edges."""
    ends = {e.subject for e in kb.relations} | {e.object for e in kb.relations}
    keys = Keys()
    nodes = [Node(b.id, keys.key(b.id), "body", b.name) for b in kb.bodies]
    nodes += [Node(a.id, keys.key(a.id), "actor", a.name) for a in kb.actors if a.id in ends]
    return Graph(tuple(nodes), kb.relations)


def forest(graph: Graph, root: str = ROOT) -> tuple[Branch, ...]:
    """The chart as trees: every node drawn once, every edge once.

    Breadth-first from the root (the delegeretmøde) along the edges, so a node hangs under the
    nearest node that elects, sets up or decides it. Any other edge to a drawn node is a leaf:
    a back-reference when it would close a cycle (the udvalg advise the bestyrelse that set
    them up), else a reference to the other branch. Nodes not reached start further trees,
    those that no undrawn node points at first.
    """
    edges = graph.edges
    outgoing: dict[str, list[int]] = {n.id: [] for n in graph.nodes}
    for i, edge in enumerate(edges):
        outgoing[edge.subject].append(i)
    ids = [n.id for n in graph.nodes]
    first: dict[str, int] = {}
    for pos, node_id in enumerate(ids):
        first.setdefault(node_id, pos)
    # How many edges from unplaced nodes point at each node, self-loops aside: kept up to date
    # as nodes are placed, so that choosing where the next tree starts costs no pass over all.
    pointers = dict.fromkeys(ids, 0)
    for edge in edges:
        if edge.subject != edge.object:
            pointers[edge.object] = pointers.get(edge.object, 0) + 1
    free = sorted(first[n] for n in first if pointers[n] == 0)  # a heap of positions in ids
    placed: set[str] = set()
    drawn_by: set[int] = set()  # the edges under which their object is drawn

    def grow(start: str) -> Branch:
        placed.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for i in outgoing[node]:
                target = edges[i].object
                if target != node:
                    pointers[target] -= 1
                    if not pointers[target] and target in first:
                        heapq.heappush(free, first[target])
                if target not in placed:
                    placed.add(target)
                    drawn_by.add(i)
                    queue.append(target)
        return assemble(start)

    def assemble(start: str) -> Branch:
        # Depth-first without recursion (a chain of bodies can be deeper than Python's stack);
        # `path` holds the drawn nodes from the root down, each node being drawn only once.
        path = {start}
        stack: list[tuple[str, int | None, Iterator[int], list[Branch]]] = [
            (start, None, iter(outgoing[start]), [])
        ]
        while True:
            node, i, todo, kids = stack[-1]
            j = next(todo, None)
            if j is not None:
                target = edges[j].object
                if j in drawn_by:
                    path.add(target)
                    stack.append((target, j, iter(outgoing[target]), []))
                else:
                    ref = "cycle" if target in path else "elsewhere"
                    kids.append(Branch(target, edges[j], ref))
                continue
            stack.pop()
            path.discard(node)
            branch = Branch(node, None if i is None else edges[i], "", tuple(kids))
            if not stack:
                return branch
            stack[-1][3].append(branch)

    trees = [grow(root)] if root in first else []
    done = 0  # every node before ids[done] is placed
    while True:
        while done < len(ids) and ids[done] in placed:
            done += 1
        if done == len(ids):
            return tuple(trees)
        while free and ids[free[0]] in placed:
            heapq.heappop(free)
        trees.append(grow(ids[free[0]] if free else ids[done]))


# --- the view: JSON/YAML data and the rich tree -------------------------------------------------


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _paragraphs(kb: KnowledgeBase) -> dict[str, Paragraph]:
    return {p.id: p for p in kb.statutes.paragraphs}


def edge_json(c: Ctx, graph: Graph, edge: Edge, paragraphs: dict[str, Paragraph]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": edge.subject,
        "relation": edge.relation,
        "label": c.label(edge.relation),
        "object": edge.object,
        "text": f"{c.t(graph.node(edge.subject).name)} {c.label(edge.relation)} "
        f"{c.t(graph.node(edge.object).name)}",
    }
    paragraph = paragraphs.get(edge.paragraph or "")
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
    for style in STYLES:  # the first that fits; the chart drawn for it is the one shown
        c = Ctx(kb, lang)  # each try numbers the sources afresh
        drawn = _trees(c, graph, trees, style)
        if width is None or _widest(drawn) <= width:
            break
    paragraphs = _paragraphs(kb)
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
        "edges": [edge_json(c, graph, e, paragraphs) for e in graph.edges],
    }
    blocks: list[Block] = [Heading(TITLE[lang]), *drawn]
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

    def label(b: Branch) -> str:
        name = c.t(graph.node(b.node).name)
        if b.edge is None:
            return name
        if style == "stacked":
            return f"{marks[b.ref]}{c.label(b.edge.relation)}\n{name}"
        shown = f"{marks[b.ref]}{c.label(b.edge.relation)} {name}"
        return shown + (note(b.edge, name) if style == "full" else "")

    return [_tree(t, label) for t in trees]


def _tree(top: Branch, label: typing.Callable[[Branch], str]) -> Tree:
    """The branch as a document tree, without recursion; each label is made before its
    children's, so source numbers follow the reading order."""
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
