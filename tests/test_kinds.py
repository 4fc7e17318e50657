"""The kinds table (kl_cli/core/kinds.py) drives lookups, completion, search and the reference
checks: every declared reference is checked, every id-carrying kind is kept unique."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kl_cli.core.kinds import KINDS, kind
from kl_cli.core.search import entries
from kl_cli.store.load import load_bundled, validate_bytes
from tests.conftest import kb_data, kb_text

REFS = [(k.name, field) for k in KINDS for field, _ in k.refs]


def _at(data: dict[str, Any], path: str) -> list[Any]:
    node: Any = data
    for key in path.split("."):
        node = node[key]
    assert isinstance(node, list)
    return node


@pytest.mark.parametrize(("name", "field"), REFS, ids=[f"{n}.{f}" for n, f in REFS])
def test_every_declared_reference_is_checked(name: str, field: str) -> None:
    k = kind(name)
    data = kb_data()
    items = _at(data, k.path)
    outer, _, inner = field.rpartition(".")  # "regions.region": a field of a list's records
    if outer:
        i = next(i for i, item in enumerate(items) if item.get(outer))
        holder, at = items[i][outer][0], f"{k.path}[{i}].{outer}[0]"
    else:
        i = next(i for i, item in enumerate(items) if item.get(field))
        holder, at = items[i], f"{k.path}[{i}]"
    many = isinstance(holder[inner], list)
    holder[inner] = ["no-such-id"] if many else "no-such-id"
    problems = validate_bytes(kb_text(data).encode(), "kb.yaml")
    where = f"{at}.{inner}" + ("[0]" if many else "")
    assert any(f": {where}: unknown " in p and "'no-such-id'" in p for p in problems), problems


@pytest.mark.parametrize("k", [k for k in KINDS if k.ids], ids=lambda k: k.name)
def test_every_kind_with_ids_keeps_them_unique(k: Any) -> None:
    data = kb_data()
    items = _at(data, k.path)
    items.append(copy.deepcopy(items[0]))
    problems = validate_bytes(kb_text(data).encode(), "kb.yaml")
    where = f"{k.path}[{len(items) - 1}].id"
    assert any(f": {where}: duplicate id" in p for p in problems), problems


def test_search_finds_a_text_of_every_kind_that_has_texts() -> None:
    kb = load_bundled()
    with_texts = {k.hit_kind for k in KINDS for e in k.entries(kb) if any(True for _ in k.texts(e))}
    assert {e.kind for e in entries(kb)} == with_texts


def test_a_body_citing_an_unknown_paragraph_is_a_problem() -> None:
    data = kb_data()
    data["bodies"][0]["paragraphs"] = ["99"]
    problems = validate_bytes(kb_text(data).encode(), "kb.yaml")
    assert any("bodies[0].paragraphs[0]: unknown statute paragraph '99'" in p for p in problems)
