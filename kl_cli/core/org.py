"""The organisation chart as a graph: its nodes, its sourced edges and the forest drawn from
them (every node once, every edge once). Pure: no I/O, no presentation.
"""

from __future__ import annotations

import heapq
import re
import typing
from collections import deque
from collections.abc import Iterator
from functools import cached_property

from kl_cli.core.folding import foldings
from kl_cli.core.models import ActorKind, Edge, KnowledgeBase, Number, Relation, Text
from kl_cli.core.record import Record

RELATIONS: tuple[Relation, ...] = typing.get_args(Relation)
ROOT = "delegeretmoede"  # the chart starts at KL's highest authority (§ 3)

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
    number: Number = "singular"  # of the name: English verbs agree with it


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
    nodes = [Node(b.id, keys.key(b.id), "body", b.name, b.grammatical_number) for b in kb.bodies]
    nodes += [
        Node(a.id, keys.key(a.id), "actor", a.name, a.grammatical_number)
        for a in kb.actors
        if a.id in ends
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
