"""`kl org`: the chart's data, its tree, Mermaid and DOT, and the formats other commands refuse."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pydot
import pytest

from kl_cli.core import org as org
from kl_cli.core.models import Edge, Lang
from kl_cli.present.i18n import at_start
from kl_cli.store.load import load_bundled
from tests.conftest import ROOT, assert_error, check_golden, run

KB = load_bundled()
# The closed list of relations from the issue, with their labels; written out here on purpose.
CLOSED = {
    "elects": {"da": "vælger", "en": "elects"},
    "advises": {"da": "rådgiver", "en": "advises"},
    "sets_up": {"da": "nedsætter", "en": "sets up"},
    "member_of": {"da": "er medlem af", "en": "is a member of"},
    "decides": {"da": "beslutter", "en": "decides"},
    "sends_delegates_to": {"da": "vælger delegerede til", "en": "elects delegates to"},
    "approves": {"da": "godkender", "en": "approves"},
}
# English verbs for a plural subject ("The mayors are members of"), also written out.
PLURAL = {
    "elects": "elect",
    "advises": "advise",
    "sets_up": "set up",
    "member_of": "are members of",
    "decides": "decide",
    "sends_delegates_to": "elect delegates to",
    "approves": "approve",
}
PLURAL_SUBJECTS = {b.id for b in KB.bodies if b.grammatical_number == "plural"} | {
    a.id for a in KB.actors if a.grammatical_number == "plural"
}
NODE_DECL = re.compile(r'^    ([A-Za-z0-9_]+)(?:\["(.*)"\]|\("(.*)"\))$')
EDGE_LINE = re.compile(r'^    ([A-Za-z0-9_]+) -->\|"([^"]*)"\| ([A-Za-z0-9_]+)$')
GUIDES = re.compile(r"[│├└─]")
# pydot's parser still calls pyparsing's old camelCase names.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")


def _names(lang: Lang) -> dict[str, str]:
    names = {b.id: b.name.get(lang) for b in KB.bodies}
    return names | {a.id: a.name.get(lang) for a in KB.actors}


def _verb(relation: str, subject: str, lang: str) -> str:
    """The relation's label for this subject: in English, agreeing with a plural subject."""
    if lang == "en" and subject in PLURAL_SUBJECTS:
        return PLURAL[relation]
    return CLOSED[relation][lang]


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


# --- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("columns", ["80", "40"])
def test_rich_tree_golden(lang: str, columns: str) -> None:
    result = run("org", "-f", "rich", "--lang", lang, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    check_golden(f"org_rich{columns}_{lang}.txt", result.stdout)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_chart_golden(fmt: str, lang: str) -> None:
    result = run("org", "-f", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    check_golden(f"org_{fmt}_{lang}.txt", result.stdout)


# --- the rich tree -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("columns", [80, 60, 40, 30])
def test_rich_tree_fits_and_never_cuts_a_name(lang: Lang, columns: int) -> None:
    out = run("org", "-f", "rich", "--lang", lang, env={"COLUMNS": str(columns)}).stdout
    # every line fits but a source's URL, whole on a line of its own
    shown = [line for line in out.splitlines() if not line.lstrip().startswith("http")]
    assert max(_cells(line) for line in shown) <= columns
    assert "…" not in out
    words = " ".join(GUIDES.sub(" ", out).split())
    for name in _names(lang).values():
        if name in {"Kommunalbestyrelserne", "The municipal councils"}:
            continue  # an actor no relation names yet: not in the chart
        assert name in words or at_start(name) in words, name


def test_rich_tree_at_80_has_paragraphs_and_sources_and_at_40_keeps_names_whole() -> None:
    wide = run("org", "-f", "rich", "--lang", "en", env={"COLUMNS": "80"}).stdout
    assert "elects Executive Committee (§ 6 stk. 2) [1,2]" in wide
    assert "Sources" in wide and "left out" not in wide
    narrow = run("org", "-f", "rich", "--lang", "en", env={"COLUMNS": "40"}).stdout
    notice, tree = narrow.splitlines()[1], narrow.split("\n\n", 1)[1]
    assert notice == "Narrow terminal: § and sources left out"  # the hint does not fit 40
    assert "§" not in tree and "Sources" not in tree
    for line in ("Chairman and vice chairman", "Committee of Representatives"):
        assert any(row.endswith(line) for row in narrow.splitlines()), line


def test_tree_starts_at_the_delegeretmoede_and_marks_the_cycle() -> None:
    out = run("org", "-f", "rich", "--lang", "en", env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert lines[1] == "General Assembly"
    assert lines[2].startswith("├── elects Executive Committee")
    # The udvalg advise the bestyrelse that set them up: a back-reference leaf, not a loop.
    at = next(i for i, line in enumerate(lines) if "sets up Sub-Committees" in line)
    assert "└── ↩ advise Executive Committee" in lines[at + 1]


def test_forest_draws_every_node_once_and_every_edge_once() -> None:
    graph = org.build_graph(KB)
    trees = org.forest(graph)
    drawn: list[str] = []
    edges: list[Edge] = []
    refs: dict[tuple[str, str, str], str] = {}

    def walk(b: org.Branch, ancestors: tuple[str, ...]) -> None:
        if b.edge is not None:
            edges.append(b.edge)
            assert b.edge.object == b.node
            assert b.edge.subject == (ancestors[-1] if ancestors else None)
        if b.ref:
            assert b.edge is not None and not b.children  # a reference is drawn for an edge
            refs[(b.edge.subject, b.edge.relation, b.node)] = b.ref
            assert (b.ref == "cycle") == (b.node in ancestors)
            return
        drawn.append(b.node)
        for k in b.children:
            walk(k, (*ancestors, b.node))

    for t in trees:
        walk(t, ())
    assert trees[0].node == "delegeretmoede"
    assert sorted(drawn) == sorted(n.id for n in graph.nodes)
    assert sorted(edges, key=repr) == sorted(KB.relations, key=repr)
    assert refs[("udvalg", "advises", "bestyrelse")] == "cycle"
    assert refs[("formandskab", "advises", "bestyrelse")] == "cycle"


def test_forest_handles_a_graph_without_the_root_and_with_a_pure_cycle() -> None:
    from kl_cli.core.models import Edge, Text

    nodes = tuple(org.Node(i, i, "body", Text(i.upper(), i.upper())) for i in ("a", "b", "c"))
    edges = (
        Edge("a", "advises", "b", ("s",)),
        Edge("b", "advises", "a", ("s",)),
        Edge("c", "elects", "c", ("s",)),
    )
    trees = org.forest(org.Graph(nodes, edges))
    # No "delegeretmoede": c starts (no other node points at it), then the first of the cycle.
    assert [t.node for t in trees] == ["c", "a"]
    assert trees[0].children[0].ref == "cycle"
    assert trees[1].children[0].node == "b"
    assert trees[1].children[0].children[0].ref == "cycle"


# --- Mermaid and DOT -----------------------------------------------------------------------------


def _mermaid(lang: str, *extra: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    result = run("org", "-f", "mermaid", "--lang", lang, *extra)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        if m := NODE_DECL.match(line):
            assert m.group(1) not in nodes, f"{m.group(1)} declared twice"
            nodes[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
        elif m := EDGE_LINE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3)))
        else:
            pytest.fail(f"neither a node nor an edge: {line!r}")
    return nodes, edges


@pytest.mark.parametrize("lang", ["da", "en"])
def test_mermaid_every_edge_names_two_declared_nodes(lang: Lang) -> None:
    nodes, edges = _mermaid(lang)
    assert all(key.isascii() for key in nodes)
    assert len(edges) == len(KB.relations)
    ids = {n.key: n.id for n in org.build_graph(KB).nodes}
    for (subject, label, obj), edge in zip(edges, KB.relations, strict=True):
        assert subject in nodes and obj in nodes, (subject, obj)
        assert (ids[subject], ids[obj]) == (edge.subject, edge.object)
        assert label == _verb(edge.relation, edge.subject, lang)
    names = _names(lang)
    assert set(nodes.values()) <= {at_start(name) for name in names.values()}
    assert nodes["delegeretmoede"] == names["delegeretmoede"]
    assert ("udvalg", _verb("advises", "udvalg", lang), "bestyrelse") in edges
    assert ("kommuner", _verb("sends_delegates_to", "kommuner", lang), "delegeretmoede") in edges


def _dot(text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    return graphs[0]


def _label(item: pydot.Node | pydot.Edge) -> str:
    """A node's or edge's label, unquoted (pydot's generated get_label is invisible to mypy)."""
    value = item.get("label")
    assert isinstance(value, str) and value.startswith('"') and value.endswith('"'), value
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_dot_parses_and_matches_the_mermaid_chart(lang: str) -> None:
    result = run("org", "-f", "dot", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    graph = _dot(result.stdout)
    assert graph.get_type() == "digraph"
    labels = {
        n.get_name(): _label(n)
        for n in graph.get_nodes()
        if n.get_name() not in ("node", "edge", "graph")
    }
    nodes, edges = _mermaid(lang)
    assert labels == nodes
    dot_edges = [(e.get_source(), _label(e), e.get_destination()) for e in graph.get_edges()]
    assert dot_edges == edges


def test_markdown_is_the_mermaid_chart_in_a_fenced_block() -> None:
    mermaid = run("org", "-f", "mermaid").stdout
    heading = "# KL's politiske organisation\n\n"
    assert run("org", "-f", "markdown").stdout == heading + "```mermaid\n" + mermaid + "```\n"


def test_root_level_format_reaches_org() -> None:
    assert run("-f", "mermaid", "org").stdout == run("org", "-f", "mermaid").stdout
    assert (
        run("--lang", "en", "-f", "dot", "org").stdout
        == run("org", "--lang", "en", "-f", "dot").stdout
    )


HOSTILE = '"Quoted" <b>bold</b> #1 [bold]x[/bold] `code` back\\slash \x1b[31mred'


def _hostile_kb(tmp_path: Path) -> str:
    text = (ROOT / "data" / "kl.yaml").read_text(encoding="utf-8")
    old = 'name: {da: "Udvalg", en: "Sub-Committees"}'
    assert old in text
    escaped = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e")
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(old, f'name: {{da: "{escaped}", en: "x"}}'), encoding="utf-8")
    return str(path)


def test_names_with_markup_quotes_and_controls_stay_inert(tmp_path: Path) -> None:
    data = _hostile_kb(tmp_path)
    nodes, _ = _mermaid("da", "--data", data)
    assert '"' not in nodes["udvalg"] and "<" not in nodes["udvalg"]
    assert "#quot;Quoted#quot;" in nodes["udvalg"] and "#lt;b#gt;" in nodes["udvalg"]
    dot = run("org", "-f", "dot", "--data", data)
    assert "\x1b" not in dot.stdout
    assert _label(_dot(dot.stdout).get_node("udvalg")[0]) == HOSTILE.replace("\x1b", "\\x1b")
    rich = run("org", "-f", "rich", "--data", data, env={"COLUMNS": "200"}).stdout
    assert "[bold]x[/bold]" in rich and "\x1b" not in rich
    plain = run("org", "--data", data).stdout
    assert "\x1b" not in plain


def test_ascii_keys_avoid_keywords_and_collisions() -> None:
    given = org.Keys()
    ids = ("end", "Ærø by", "aeroe-by", "1st", "", "Graph", "aeroe_by_3", "aeroe.by", "aeroe by")
    keys = [given.key(i) for i in ids]
    assert keys == [
        *("n_end", "aeroe_by", "aeroe_by_2", "n_1st", "n_node", "n_graph"),
        *("aeroe_by_3", "aeroe_by_4", "aeroe_by_5"),  # a key taken as an id is skipped
    ]
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", k) for k in keys)


# --- plain, JSON, YAML ---------------------------------------------------------------------------


def test_plain_is_one_edge_per_line() -> None:
    result = run("org", "-f", "plain")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(row) == 5 for row in rows)
    expected = [[e.subject, e.relation, e.object, e.paragraph or ""] for e in KB.relations]
    assert [row[:4] for row in rows] == expected
    assert ["delegeretmoede", "elects", "bestyrelse", "6.2"] in [row[:4] for row in rows]
    assert ["borgmestre", "member_of", "kkr", "15"] in [row[:4] for row in rows]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_json_nodes_and_edges_with_their_sources(lang: str) -> None:
    data = json.loads(run("org", "--json", "--lang", lang).stdout)
    assert data["kind"] == "org" and data["lang"] == lang and data["root"] == "delegeretmoede"
    assert {r["id"]: r["label"] for r in data["relations"]} == {
        k: v[lang] for k, v in CLOSED.items()
    }
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {b.id for b in KB.bodies} <= set(nodes)
    assert {"kommuner", "borgmestre"} <= set(nodes)
    assert {n["kind"] for n in data["nodes"]} <= {"body", "actor"}
    assert nodes["bestyrelse"]["kind"] == "body" and nodes["kommuner"]["kind"] == "actor"
    assert nodes["delegeretmoede"]["name"] == (
        "Delegeretmøde" if lang == "da" else "General Assembly"
    )
    source_ids = {s.id for s in KB.sources}
    assert len(data["edges"]) == len(KB.relations)
    for edge in data["edges"]:
        assert edge["subject"] in nodes and edge["object"] in nodes
        assert edge["relation"] in CLOSED, edge
        assert edge["label"] == _verb(edge["relation"], edge["subject"], lang)
        assert edge["sources"], edge
        for source in edge["sources"]:
            assert source["id"] in source_ids and source["title"]
    by_pair = {(e["subject"], e["object"]): e for e in data["edges"]}
    assert by_pair[("delegeretmoede", "bestyrelse")]["paragraph"]["label"] == "§ 6 stk. 2"


def test_yaml_matches_json() -> None:
    import yaml

    assert yaml.safe_load(run("org", "-f", "yaml").stdout) == json.loads(
        run("org", "--json").stdout
    )


def test_every_kb_edge_is_sourced_and_uses_the_closed_list() -> None:
    assert KB.relations
    for edge in KB.relations:
        assert edge.sources, edge
        assert edge.relation in CLOSED, edge


def test_a_relation_outside_the_closed_list_is_an_invalid_kb(tmp_path: Path) -> None:
    text = (ROOT / "data" / "kl.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("relation: advises", "relation: appoints", 1), encoding="utf-8")
    assert_error(run("org", "--data", str(path)), 65, "got 'appoints'")


# --- other commands ------------------------------------------------------------------------------


def test_bodies_udvalg_shows_its_relations() -> None:
    out = run("bodies", "udvalg", "-f", "plain").stdout.splitlines()
    assert "relation\tbestyrelse\tsets_up\tudvalg\tnedsættes af: Bestyrelse" in out
    assert "relation\tudvalg\tadvises\tbestyrelse\trådgiver: Bestyrelse" in out
    rich = run("bodies", "udvalg", "-f", "rich", "--lang", "en").stdout
    assert "Relations" in rich
    assert "set up by: Executive Committee" in rich
    data = json.loads(run("bodies", "udvalg", "--json").stdout)["body"]["relations"]
    assert {(r["subject"], r["relation"], r["object"]) for r in data} == {
        ("bestyrelse", "sets_up", "udvalg"),
        ("udvalg", "advises", "bestyrelse"),
    }
    assert all(r["sources"] and all(s["title"] for s in r["sources"]) for r in data)


def test_bodies_relations_carry_paragraph_and_sources() -> None:
    data = json.loads(run("bodies", "delegeretmoede", "--json").stdout)["body"]["relations"]
    by_object = {r["object"]: r for r in data}
    assert by_object["delegeretmoede"]["subject"] == "kommuner"
    assert by_object["delegeretmoede"]["paragraph"] == "4"
    assert [s["id"] for s in by_object["bestyrelse"]["sources"]] == [
        "kl-nye-valgperiode",
        "iv4-delegeretmoede",
    ]


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
@pytest.mark.parametrize(
    "args",
    [[], ["about"], ["values", "2"], ["bodies"], ["bodies", "udvalg"], ["statutes", "4"]],
)
def test_mermaid_and_dot_are_usage_errors_elsewhere(fmt: str, args: list[str]) -> None:
    # after a command its own -f refuses it; before, the command does (the root's takes any)
    after = f"'{fmt}' is not one of 'auto'" if args else f"format '{fmt}' is not available"
    assert_error(run(*args, "-f", fmt), 2, after)
    assert_error(run("-f", fmt, *args), 2, f"format '{fmt}' is not available")


def test_help_shows_real_examples() -> None:
    out = run("org", "--help").stdout
    assert "Examples:" in out
    for example in ("kl org -f mermaid", "kl org --json"):
        assert example in out
    assert "org" in run("--help").stdout


def test_english_sentences_agree_and_keep_their_case() -> None:
    """Each edge as a sentence (plain's last field, JSON's `text`): the verb agrees with its
    subject, the subject begins with a capital, and an actor's name after the verb does not."""
    out = run("org", "-f", "plain", "--lang", "en").stdout
    rows = [line.split("\t") for line in out.splitlines()]
    sentences = {(r[0], r[1], r[2]): r[4] for r in rows}
    assert sentences["kommuner", "sends_delegates_to", "delegeretmoede"] == (
        "The municipalities elect delegates to General Assembly"
    )
    assert sentences["borgmestre", "member_of", "repraesentantskab"] == (
        "The mayors are members of Committee of Representatives"
    )
    assert sentences["formand", "member_of", "formandskab"] == (
        "Chairman and vice chairman are members of Chairmanship"
    )
    assert (
        sentences["udvalg", "advises", "bestyrelse"] == "Sub-Committees advise Executive Committee"
    )
    assert sentences["bestyrelse", "decides", "kkr-forretningsorden"] == (
        "Executive Committee decides the KKR's rules of procedure"
    )
    data = json.loads(run("org", "--json", "--lang", "en").stdout)
    assert [e["text"] for e in data["edges"]] == [r[4] for r in rows]
    da = run("org", "-f", "plain").stdout.splitlines()
    assert (
        "kommuner\tsends_delegates_to\tdelegeretmoede\t4\t"
        "Kommunerne vælger delegerede til Delegeretmøde" in da
    )
