"""The organisation chart as text for other tools: plain edges, Mermaid and Graphviz DOT."""

from __future__ import annotations

from kl_cli.core.models import Lang
from kl_cli.core.org import Graph
from kl_cli.present.formats import inert, md, md_fenced
from kl_cli.present.i18n import at_start, edge_sentence, relation_of


def to_plain(graph: Graph, lang: Lang) -> str:
    """One edge per line: subject<TAB>relation<TAB>object<TAB>paragraph (ids; '' if unknown),
    then the edge as a sentence in `lang`, for people."""
    return "".join(
        "\t".join(
            inert(cell, single_line=True)
            for cell in (
                e.subject,
                e.relation,
                e.object,
                e.paragraph or "",
                edge_sentence(graph, e, lang),
            )
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
        name = _mermaid_text(at_start(n.name.get(lang)))
        lines.append(f'    {n.key}["{name}"]' if n.kind == "body" else f'    {n.key}("{name}")')
    for e in graph.edges:
        label = _mermaid_text(relation_of(e.relation, lang, graph.node(e.subject).number))
        lines.append(f'    {keys[e.subject]} -->|"{label}"| {keys[e.object]}')
    return "\n".join(lines) + "\n"


def to_markdown(graph: Graph, lang: Lang) -> str:
    """The chart's title as a heading and the Mermaid chart in a fenced block, as GitHub
    renders it."""
    from kl_cli.present.i18n import label

    heading = "# " + md(label("org", lang))
    return heading + "\n\n" + md_fenced("mermaid", to_mermaid(graph, lang)) + "\n"


def _dot_text(text: str) -> str:
    return '"' + inert(text, single_line=True).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: Graph, lang: Lang) -> str:
    """Graphviz DOT with the same ids and labels as the Mermaid chart."""
    keys = {n.id: n.key for n in graph.nodes}
    lines = ["digraph kl {", "    rankdir=TB;", "    node [shape=box];"]
    for n in graph.nodes:
        shape = "" if n.kind == "body" else ", style=rounded"
        lines.append(f"    {n.key} [label={_dot_text(at_start(n.name.get(lang)))}{shape}];")
    for e in graph.edges:
        label = _dot_text(relation_of(e.relation, lang, graph.node(e.subject).number))
        lines.append(f"    {keys[e.subject]} -> {keys[e.object]} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
