"""`kl org`: the organisation chart of KL's political bodies, also as Mermaid and DOT."""

from __future__ import annotations

import typer

from kl_cli.cli.command import emit, kl_command, load
from kl_cli.cli.options import HUMAN, Fmt, Opts
from kl_cli.cli.output import write_out

ORG_FORMATS = (*HUMAN, Fmt.mermaid, Fmt.dot)


def register(app: typer.Typer) -> None:
    """Add `kl org` to the root app."""

    @kl_command(app.command, "org", formats=ORG_FORMATS)
    def org(opts: Opts) -> None:
        """The organisation chart of KL's political bodies.

        Who elects, sets up, advises or decides what, from the sourced relations.

        A tree from the delegeretmøde down; an edge back to a body above is a leaf marked ↩,
        an edge to a body drawn in another branch a leaf marked →. Plain output is one edge
        per line (from, relation, to, statute paragraph, then the edge as a sentence);
        -f mermaid and -f dot give the chart as a Mermaid flowchart or a Graphviz graph,
        -f markdown the Mermaid chart in a fenced block that GitHub renders.

        \b
        Examples:
          kl org
          kl org -f mermaid
          kl org --lang en -f dot | dot -Tsvg > kl.svg
          kl org --json
        """
        from kl_cli.core.org import build_graph
        from kl_cli.present import chart

        kb = load(opts).kb
        if opts.format == Fmt.mermaid:
            write_out(chart.to_mermaid(build_graph(kb), opts.lang))
        elif opts.format == Fmt.dot:
            write_out(chart.to_dot(build_graph(kb), opts.lang))
        elif opts.format == Fmt.markdown:
            write_out(chart.to_markdown(build_graph(kb), opts.lang))
        elif opts.format == Fmt.plain:
            write_out(chart.to_plain(build_graph(kb), opts.lang))
        else:
            from kl_cli.present.views.org import view

            emit(opts, view(kb, opts.lang, opts.width, as_of=opts.as_of))
