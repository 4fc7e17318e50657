"""Big knowledge bases: the work grows linearly, counted in lines of Python run, never timed.

A quadratic step shows as four times the work for twice the input; a linear one as twice.
`work()` counts the lines of Python a call executes (sys.settrace), which does not depend on
the machine or its load, so each test compares N with 2N and allows up to 2.6 times. Work done
in C (a `x in tuple` scan) is not counted: the deep chain is checked by running it.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import date
from types import FrameType
from typing import Any

import pytest

from kl_cli.core import org as org_graph
from kl_cli.core.models import Body, Edge, Fact, KnowledgeBase, Source, Text
from kl_cli.present import formats, render
from kl_cli.present.doc import Fields, Heading, Table, Tree
from kl_cli.present.render import to_rich
from kl_cli.present.views import org
from kl_cli.present.views import texts as views
from kl_cli.store.load import load_bundled
from tests.conftest import run
from tests.test_cli import COMMANDS

KB = load_bundled()
LINEAR = 2.6  # the most work 2N may take against N: linear gives about 2, quadratic about 4


AS_OF = date(2026, 12, 1)


def work(fn: Callable[[], object]) -> int:
    """How many lines of Python `fn()` executes (calls and loop iterations included)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    previous = sys.gettrace()  # a coverage tool's tracer, if any, comes back afterwards
    sys.settrace(trace)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return count


def ratio(make: Callable[[int], Callable[[], object]], n: int) -> float:
    small, large = make(n), make(2 * n)  # built outside the count: only the call is measured
    return work(large) / work(small)


def with_fields(kb: KnowledgeBase, **fields: Any) -> KnowledgeBase:
    return KnowledgeBase(*(fields.get(name, getattr(kb, name)) for name in kb.__fields__))


def body(body_id: str, name: str) -> Body:
    return Body(body_id, Text(name, name.upper()), Fact(Text("Rolle.", "Role."), ("seed",)))


def chart_kb(n: int) -> KnowledgeBase:
    """The bundled KB plus n bodies: every other one in a tree under the bestyrelse (some
    advising their parent, some members of another), the rest in no relation at all."""
    bodies, relations, linked = list(KB.bodies), list(KB.relations), ["bestyrelse"]
    for i in range(n):
        bodies.append(body(f"b{i}", f"Organ {i}"))
        if i % 2:
            continue
        parent = linked[(len(linked) - 1) // 3]
        paragraph = "6.2" if i % 4 == 0 else None
        relations.append(Edge(parent, "sets_up", f"b{i}", ("seed",), paragraph))
        if i % 10 == 4:
            relations.append(Edge(f"b{i}", "advises", parent, ("seed",)))
        if i % 10 == 8:
            relations.append(Edge(f"b{i}", "member_of", linked[len(linked) // 2], ("seed",)))
        linked.append(f"b{i}")
    return with_fields(KB, bodies=tuple(bodies), relations=tuple(relations))


# --- kl org ---------------------------------------------------------------------------------


def chart(n: int) -> Callable[[], object]:
    kb = chart_kb(n)

    def draw() -> None:
        # What every format of `kl org` builds; the drawing itself is Rich's (and linear).
        view = org.view(kb, "en", 80, as_of=AS_OF)
        formats.to_json(view.data, ascii_only=False)

    return draw


def test_org_work_is_linear_in_bodies() -> None:
    # Today's code: 3.1 times the work for 1,200 bodies as for 600 (a list of all nodes
    # searched for each one drawn, and for each tree started); here 2.0.
    assert ratio(chart, 600) < LINEAR


def test_org_keys_of_ids_that_fold_alike_are_linear() -> None:
    # "a-b.c", "a.b-c", "a_b_c" ... all become the Mermaid id a_b_c, then a_b_c_2, a_b_c_3 ...
    def ids(n: int) -> list[str]:
        out: list[str] = []
        for k in range(n):
            seps = [("-", ".", "_", "--")[(k >> (2 * j)) & 3] for j in range(6)]
            out.append(
                "a" + "".join(f"{sep}{letter}" for sep, letter in zip(seps, "bcdefg", strict=True))
            )
        return out

    def keys(n: int) -> Callable[[], list[str]]:
        names = ids(n)

        def make() -> list[str]:
            given = org_graph.Keys()
            return [given.key(i) for i in names]

        return make

    made = keys(800)()
    assert len(set(ids(800))) == len(set(made)) == 800
    assert made[:3] == ["a_b_c_d_e_f_g", "a_b_c_d_e_f_g_2", "a_b_c_d_e_f_g_3"]
    assert ratio(keys, 400) < LINEAR


def chain_kb(depth: int) -> KnowledgeBase:
    """The bundled KB plus a chain of `depth` bodies under the bestyrelse, the last advising it."""
    bodies = (*KB.bodies, *(body(f"d{i}", f"Led {i}") for i in range(depth)))
    chain = [Edge("bestyrelse", "sets_up", "d0", ("seed",))]
    chain += [Edge(f"d{i}", "sets_up", f"d{i + 1}", ("seed",)) for i in range(depth - 1)]
    chain.append(Edge(f"d{depth - 1}", "advises", "bestyrelse", ("seed",)))
    return with_fields(KB, bodies=bodies, relations=(*KB.relations, *chain))


def test_a_chain_deeper_than_the_stack_is_drawn() -> None:
    depth = 3 * sys.getrecursionlimit()
    kb = chain_kb(depth)
    trees = org_graph.forest(org_graph.build_graph(kb))
    branch = next(b for b in trees[0].children if b.node == "bestyrelse")
    branch = next(b for b in branch.children if b.node == "d0")
    for i in range(1, depth):
        (branch,) = branch.children
        assert branch.node == f"d{i}"
    (back,) = branch.children
    assert (back.node, back.ref) == ("bestyrelse", "cycle")
    view = org.view(kb, "en", 80, as_of=AS_OF)
    assert len(view.data["edges"]) == len(KB.relations) + depth + 1
    drawn = to_rich(view.doc, 80, color=False)  # too deep for 80 columns: Rich cuts it off
    assert drawn.index("Executive Committee") < drawn.index("LED 0") < drawn.index("LED 1")


def deep_chart(n: int) -> Callable[[], object]:
    doc = org.view(chain_kb(n), "en", 80, as_of=AS_OF).doc
    return lambda: to_rich(doc, 80, color=False)


def test_drawing_a_deep_chain_is_linear_in_its_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ratio(deep_chart, 300) < LINEAR
    # Rich itself walks every level, each at a cost that grows with its depth.
    monkeypatch.setattr(render._Shallow, "__rich_console__", full_tree)
    assert ratio(deep_chart, 300) > 3


def full_tree(self: Any, console: Any, options: Any) -> Any:
    """render._Shallow drawn by Rich in full, levels the width cannot show included."""
    return console.render(self.tree, options)


def random_doc_tree(rng: random.Random, size: int) -> Tree:
    labels = ["a", "sets up Udvalg", "elects\nFormand", "↩ advises Bestyrelse (§ 6) [1, 2]"]
    labels += ["名前 wide", "x" * 30, "two words " * 5]

    def grow(depth: int, budget: int) -> tuple[Tree, int]:
        kids: list[Tree] = []
        budget -= 1
        while budget > 0 and rng.random() < (0.9 if depth < 12 else 0.6):
            kid, budget = grow(depth + 1, budget)
            kids.append(kid)
        return Tree(rng.choice(labels), tuple(kids)), budget

    return grow(0, size)[0]


@pytest.mark.parametrize("seed", range(6))
def test_deep_trees_draw_exactly_as_rich_draws_them(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    doc = (Heading("Chart"), random_doc_tree(rng, 120), random_doc_tree(rng, 40))
    widths = (1, 3, 4, 5, 8, 20, 21, 22, 23, 40, 59, 80, 81)
    shallow = {(w, c): to_rich(doc, w, c) for w in widths for c in (False, True)}
    monkeypatch.setattr(render._Shallow, "__rich_console__", full_tree)
    for (width, color), text in shallow.items():
        assert text == to_rich(doc, width, color), (width, color)


# --- big tables (kl sources -f rich) ------------------------------------------------------------


def sources_kb(n: int, seed: int = 0, most: int = 9) -> KnowledgeBase:
    """The bundled KB plus n sources titled with 1 to `most` words (9 wrap at 80 columns)."""
    rng = random.Random(seed)
    words = "kommune borger skole plan aftale ansvar arbejde budget dialog ejendom".split()
    added = tuple(
        Source(
            f"s{i}",
            Text(*[" ".join(rng.choices(words, k=rng.randint(1, most)))] * 2),
            f"https://example.org/{i}" if i % 3 == 0 else None,
        )
        for i in range(n)
    )
    return with_fields(KB, sources=(*KB.sources, *added))


def sources_table(n: int, most: int = 9) -> Callable[[], object]:
    view = views.sources(sources_kb(n, most=most), "da", "big.yaml", as_of=AS_OF)
    return lambda: to_rich(view.doc, 80, color=True)


def test_sources_rich_is_linear() -> None:
    assert ratio(sources_table, 500) < LINEAR


def test_rows_that_fit_are_cheap() -> None:
    # Rich's own table runs about 7,000 lines of Python for each of these rows (an id, a title
    # of one or two words, a URL for one in three), the rows drawn by render._Rows about 600.
    per_row = (work(sources_table(1000, most=2)) - work(sources_table(500, most=2))) / 500
    assert per_row < 2000, per_row


HOSTILE_CELLS = [
    "",
    " ",
    "a",
    "  leading and trailing  ",
    "averyveryveryverylongwordthatmustbefoldedsomewhereinthemiddle",
    "two\nlines",
    "ends with a newline\n",
    "tab\there",
    "ÆØÅ æøå",
    "e\u0301 combining",
    "名前 wide 名前名前名前名前名前",
    "x" * 90,
    "non\u00a0breaking space",
    "ideographic\u3000space",
    "https://www.example.org/a/very/long/path/that/wraps/over/several/lines",
]


def random_table(rng: random.Random, rows: int) -> Table:
    columns = rng.choice([("id", "Navn"), ("id", "Navn", "URL"), ("id", "#", "Navn", "x")])

    def cell() -> str:
        if rng.random() < 0.3:
            return rng.choice(HOSTILE_CELLS)
        words = rng.choices(
            ["kommune", "KL", "plan", "æble", "名", "2024", "§"], k=rng.randint(0, 7)
        )
        return " ".join(words)

    body = tuple(tuple(cell() for _ in columns) for _ in range(rows))
    return Table(columns, body, rng.choice(["", "Kilder", "A title longer than some widths"]))


def drawn(doc: tuple[Any, ...], width: int, color: bool, fast: bool) -> str:
    previous = render.FAST_ROWS
    render.FAST_ROWS = 0 if fast else 10**9
    try:
        return to_rich(doc, width, color)
    finally:
        render.FAST_ROWS = previous


@pytest.mark.parametrize("seed", range(12))
def test_big_tables_draw_exactly_as_rich_draws_them(seed: int) -> None:
    rng = random.Random(seed)
    doc = (
        Heading("Kilder"),
        Fields(()),
        random_table(rng, rng.randint(1, 40)),
        random_table(rng, 3),
    )
    for width in (40, 45, 59, 60, 61, 80, 123, 200):
        for color in (False, True):
            assert drawn(doc, width, color, fast=True) == drawn(doc, width, color, fast=False), (
                width,
                color,
            )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_every_table_of_the_bundled_kb_draws_as_rich_draws_it(args: list[str]) -> None:
    previous = render.FAST_ROWS
    try:
        for columns in ("80", "50"):
            render.FAST_ROWS = 10**9  # every table drawn by Rich itself
            plain = run(*args, "-f", "rich", env={"COLUMNS": columns})
            render.FAST_ROWS = 0  # every table drawn by _Rows
            fast = run(*args, "-f", "rich", env={"COLUMNS": columns})
            assert plain.exit_code == fast.exit_code == 0
            assert fast.stdout == plain.stdout
    finally:
        render.FAST_ROWS = previous


def test_big_sources_draw_as_rich_draws_them() -> None:
    view = views.sources(sources_kb(300, seed=3), "en", "big.yaml", as_of=AS_OF)
    for width in (40, 55, 80, 140):
        for color in (False, True):
            assert drawn(view.doc, width, color, True) == drawn(view.doc, width, color, False)


def test_without_richs_layout_internals_rich_draws_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = views.sources(sources_kb(150, seed=5), "da", "big.yaml", as_of=AS_OF)
    expected = drawn(view.doc, 80, True, fast=False)
    monkeypatch.setattr(render, "_INTERNALS", False)
    assert drawn(view.doc, 80, True, fast=True) == expected
