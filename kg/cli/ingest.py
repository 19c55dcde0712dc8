"""`kg ingest`: read listings and JSON Lines, print the deduplicated papers and what was skipped."""

from __future__ import annotations

import json
from collections import Counter

import click

from kg.cli import main
from kg.ingest import read_paths
from kg.models import IngestResult, Paper


def paper_json(paper: Paper) -> dict:
    """A paper as one JSON object: every Paper field, the date as ISO text plus its precision."""
    data = paper.model_dump(mode="json", exclude={"date"})
    data["date"] = paper.date.iso if paper.date else None
    data["date_precision"] = paper.date.precision if paper.date else None
    return data


def skipped_report(result: IngestResult) -> list[str]:
    """Lines of the skipped-records report: counts by reason, then every record as file:line."""
    if not result.skipped:
        return []
    kinds = Counter(record.reason.split(":")[0] for record in result.skipped)
    lines = [f"skipped {len(result.skipped)} of {result.entries} entries: "
             + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))]
    lines += [f"  {r.source}:{r.line}: {r.reason}" for r in result.skipped]
    return lines


def _render_table(result: IngestResult) -> None:
    from rich.console import Console
    from rich.table import Table

    from kg.report.data import readable_date
    from kg.report.render import plain

    table = Table(title=f"{len(result.papers)} papers from {result.entries} entries")
    for column in ("title", "authors", "date", "orgs", "sources"):
        table.add_column(column, overflow="fold")
    for paper in result.papers:
        authors = ", ".join(paper.authors) + (" et al." if paper.et_al else "")
        if not paper.authors and paper.author_count:
            authors = f"{paper.author_count} authors"
        table.add_row(*map(plain, (
            paper.title,
            authors,
            readable_date(paper.date.iso) if paper.date else "",
            ", ".join(paper.orgs),
            "\n".join(f"{s.source}:{s.line} ({s.layout})" for s in paper.sources),
        )))
    Console().print(table)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table",
              show_default=True, help="jsonl: one JSON object per paper; table: a summary table.")
@click.option("--json", "as_json", is_flag=True, help="Shorthand for --format jsonl.")
@click.option("--strict", is_flag=True,
              help="Stop at the first bad entry (exit 2, with file and line) instead of skipping it.")
def ingest(paths: tuple[str, ...], fmt: str, as_json: bool, strict: bool) -> None:
    """Read listing files or directories (four layouts, JSON Lines) and print the
    deduplicated papers. Skipped entries are reported on stderr with file:line and reason.

    Example: kg ingest ../shared/corpus --format jsonl > papers.jsonl
    """
    result = read_paths(paths, strict=strict)
    if as_json or fmt == "jsonl":
        for paper in result.papers:
            click.echo(json.dumps(paper_json(paper), ensure_ascii=False))
    else:
        _render_table(result)
    for line in skipped_report(result):
        click.echo(line, err=True)
