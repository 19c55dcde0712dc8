"""`kg report ...`, `kg viz`, `kg export`, `kg queries`: what users read, look at and take away."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli import main, store_option
from kg.errors import ConfigError
from kg.report.render import FORMATS


def _existing_folder(_ctx, _param, output: str | None) -> str | None:
    """-o names a file in a directory that exists: kg creates none, as a shell redirection or
    `curl -o` would not, so a mistyped directory is an error before any work, not a new folder."""
    if output:
        folder = Path(output).parent
        if not folder.exists():
            raise ConfigError(f"{output}: no directory {folder} (kg creates no directories: create it first)")
        if not folder.is_dir():
            raise ConfigError(f"{folder}: not a directory (a file where a directory is needed)")
    return output


def output_option(what: str = "Write to FILE instead of standard output (its directory must exist).", **kwargs):
    """-o, shared by the reports, `kg viz` and `kg export`."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), callback=_existing_folder,
                        help=what, **kwargs)


def output_options(func):
    """--format, --json and -o, shared by every report."""
    func = output_option()(func)
    func = click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")(func)
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                        help="text: terminal tables; html: one self-contained file with plots.")(func)
    return store_option()(func)


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _report(build, store: str | None, fmt: str, as_json: bool, output: str | None, **kwargs) -> None:
    from kg.report.render import render
    from kg.store import open_store

    fmt = "json" if as_json else fmt
    with open_store(store, read_only=True) as s:
        report = build(s, **kwargs)
    # colours only when a person reads a terminal
    color = fmt == "text" and output is None and sys.stdout.isatty()
    _emit(render(report, fmt, **({"color": color} if fmt == "text" else {})), output)


@main.group("report")
def report_group() -> None:
    """Reports on the graph as terminal tables, Markdown, JSON or self-contained HTML.

    Example: kg report overview --format html -o report.html
    """


@report_group.command("overview")
@output_options
def overview_cmd(store, fmt, as_json, output) -> None:
    """The whole graph: sizes, papers per year, top concepts, communities, lineage, trends.

    With --format html: one file with plots (mentions over time, community sizes and their top
    concepts, a lineage tree) that opens offline.

    Example: kg report overview --format html -o report.html
    """
    from kg.report.data import overview_report

    _report(overview_report, store, fmt, as_json, output)


@report_group.command("author")
@click.argument("name")
@output_options
def author_cmd(name, store, fmt, as_json, output) -> None:
    """An author's papers, co-authors and co-authorship community.

    Example: kg report author "Jade Copet"
    """
    from kg.report.data import author_report

    _report(author_report, store, fmt, as_json, output, name=name)


@report_group.command("concept")
@click.argument("name")
@output_options
def concept_cmd(name, store, fmt, as_json, output) -> None:
    """A concept: aliases, first appearance, timeline, people, organisations, lineage, results.

    NAME may be the concept's name, acronym or any alias, in any case.

    Example: kg report concept GNNs --format markdown
    """
    from kg.report.data import concept_report

    _report(concept_report, store, fmt, as_json, output, name=name)


@report_group.command("communities")
@output_options
def communities_cmd(store, fmt, as_json, output) -> None:
    """Co-authorship communities: size, papers, members and top concepts.

    Example: kg report communities --json
    """
    from kg.report.data import communities_report

    _report(communities_report, store, fmt, as_json, output)


@report_group.command("lineage")
@click.argument("name")
@output_options
def lineage_cmd(name, store, fmt, as_json, output) -> None:
    """What a concept builds on and what builds on it, with the evidence of each edge.

    Example: kg report lineage GRPO --format html -o grpo.html
    """
    from kg.report.data import lineage_report

    _report(lineage_report, store, fmt, as_json, output, name=name)


@report_group.command("trends")
@click.option("--from", "start", type=click.IntRange(0, 9999),
              help="First year of the period (default: the --to year, a one-year period).")
@click.option("--to", "end", type=click.IntRange(0, 9999),
              help="Last year of the period (default: the latest year in the graph).")
@output_options
def trends_cmd(start, end, store, fmt, as_json, output) -> None:
    """Concepts trending in a period, against the years before it.

    Example: kg report trends --from 2024 --to 2025
    """
    from kg.report.data import trends_report

    _report(trends_report, store, fmt, as_json, output, start=start, end=end)


@main.command("viz")
@click.argument("kind", type=click.Choice(["author", "community", "lineage"]))
@click.argument("value")
@store_option()
@output_option("The HTML file to write (its directory must exist).", required=True)
def viz_cmd(kind, value, store, output) -> None:
    """An interactive, self-contained HTML view of a subgraph (opens offline, no Neo4j needed).

    KIND is author (VALUE: a name; the ego network), community (VALUE: its number, 0 = largest) or lineage
    (VALUE: a concept name; its ancestors and descendants).

    Example: kg viz author "Jade Copet" -o jade.html
    """
    from kg.report.subgraph import select_subgraph
    from kg.report.viz import to_viz_html
    from kg.store import open_store

    with open_store(store, read_only=True) as s:
        sub = select_subgraph(s, kind, value)
    _emit(to_viz_html(sub), output)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "json"]), default="graphml", show_default=True,
              help="graphml (Gephi, yEd, networkx) or json (networkx node-link).")
@click.option("--subgraph", "selector", metavar="KIND:VALUE",
              help="Only a subgraph: author:NAME, community:NUMBER or lineage:CONCEPT (default: the whole graph).")
@output_option()
@store_option()
def export_cmd(fmt, selector, output, store) -> None:
    """Export the graph or a subgraph as GraphML or node-link JSON.

    Example: kg export --format graphml --subgraph "author:Jade Copet" -o jade.graphml
    """
    from kg.report.export import export_graph
    from kg.report.subgraph import parse_selector, select_subgraph, whole_graph
    from kg.store import open_store

    with open_store(store, read_only=True) as s:
        sub = select_subgraph(s, *parse_selector(selector)) if selector else whole_graph(s)
    _emit(export_graph(sub, fmt), output)


@main.command("guide")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def guide_cmd(host, port) -> None:
    """Serve the Neo4j Browser guide and style file (cypher/browser/) until Ctrl+C.

    Then, in the Browser of the compose.yaml Neo4j (http://localhost:7474), run
    `:guide http://localhost:8001/kg-guide.html`.

    Example: kg guide --port 8001
    """
    from kg.report.guide import GUIDE_FILE, STYLE_FILE, make_server

    try:
        server = make_server(host, port)
    except OSError as exc:  # the port taken, an address not of this machine
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(f"In Neo4j Browser run:  :guide http://{shown}:{server.server_port}/{GUIDE_FILE}", err=True)
    click.echo(f"Style file:            http://{shown}:{server.server_port}/{STYLE_FILE} (drop it on the `:style` frame)",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command("queries")
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def queries_cmd(as_json) -> None:
    """List the saved queries: name, question, parameters with an example.

    Run one with `kg query --saved NAME --param k=v`.

    Example: kg queries --json
    """
    from kg.report.library import list_queries

    queries = list_queries()
    if as_json:
        payload = [
            {"name": q.name, "question": q.question, "returns": q.returns,
             "parameters": [{"name": p.name, "description": p.description, "example": p.example} for p in q.parameters],
             "dialect_variants": sorted(k for k in q.files if k)}
            for q in queries
        ]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for q in queries:
        params = " ".join(f"--param {p.name}={json.dumps(p.example) if not isinstance(p.example, str) else _quote(p.example)}"
                          for p in q.parameters)
        click.echo(f"{q.name}: {q.question}")
        click.echo(f"    kg query --saved {q.name} {params}".rstrip())


def _quote(text: str) -> str:
    return f'"{text}"' if any(c in text for c in " '\"") else text
