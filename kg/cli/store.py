"""`kg run`, `kg build`, `kg stats`, `kg query`: build the graph and ask it questions."""

from __future__ import annotations

import json

import click

from kg.cli import main, n_process_option, store_option
from kg.errors import ConfigError, StoreError


def _progress(message: str) -> None:
    click.echo(message, err=True)


#: what each stage's count counts (StageTiming.count); analytics counts nothing a reader can use
STAGE_UNITS = {"ingest": "papers", "extract": "papers", "resolve": "papers", "load": "rows written"}


def _render_summary(summary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.model_dump(), indent=2))
        return
    click.echo(f"store: {summary.store}")
    if summary.up_to_date:  # nothing was read, extracted or loaded: counts of this run would all be 0
        click.echo(f"up to date: {summary.papers} papers, nothing to do ({summary.seconds:.2f}s)")
        return
    click.echo(f"papers: {summary.papers} read, {summary.skipped_records} entries skipped, "
               f"{summary.extracted} extracted, {summary.extraction_cached} from the cache")
    if summary.load:
        ld = summary.load
        click.echo(f"load: {ld.papers_new} new, {ld.papers_replaced} replaced, {ld.papers_unchanged} unchanged, "
                   f"{ld.papers_removed} removed papers; {ld.nodes_written} nodes and {ld.rels_written} "
                   f"relationships written in {ld.seconds:.2f}s ({ld.path})")
    for st in summary.stages:
        unit = STAGE_UNITS.get(st.stage)
        click.echo(f"  {st.stage:<10} {st.seconds:8.2f}s" + (f"  {st.count} {unit}" if unit else ""))
    click.echo(f"total: {summary.seconds:.2f}s" + ("" if summary.analytics_ran else " (analytics not run)"))


@main.command("run")
@click.argument("pipeline", type=click.Path(dir_okay=False))
@store_option("the pipeline file's [store] target")
@n_process_option
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
def run_cmd(pipeline: str, store: str | None, n_process: int | None, as_json: bool) -> None:
    """Run a pipeline file (inputs, stages, store), incrementally.

    Unchanged papers are neither extracted nor loaded again; changed ones are replaced.

    Example: kg run pipelines/sample.toml --store .kg/sample.lbdb
    """
    from kg.pipeline import load_pipeline_file, run_pipeline

    pipe = load_pipeline_file(pipeline, store=store, n_process=n_process)
    _render_summary(run_pipeline(pipe, progress=_progress), as_json)


@main.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_option()
@n_process_option
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
def build_cmd(paths: tuple[str, ...], store: str | None, n_process: int | None, as_json: bool) -> None:
    """Ingest, extract, resolve, load and analyse files or directories into the store.

    Example: kg build ../shared/corpus --store .kg/graph.lbdb
    """
    from kg.pipeline import adhoc_pipeline, run_pipeline

    pipe = adhoc_pipeline(list(paths), store=store, n_process=n_process)
    _render_summary(run_pipeline(pipe, progress=_progress), as_json)


@main.command("stats")
@store_option()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats_cmd(store: str | None, as_json: bool) -> None:
    """Count nodes per label and relationships per type.

    Example: kg stats --store .kg/sample.lbdb --json
    """
    from kg.store import open_store

    with open_store(store, read_only=True) as s:
        counts = s.counts()
        target = s.target
    if as_json:
        click.echo(json.dumps({"store": target, **counts}, indent=2))
        return
    click.echo(f"store: {target}")
    for section in ("nodes", "relationships"):
        click.echo(f"{section}:")
        for name, n in counts[section].items():
            click.echo(f"  {name:<16} {n:>8}")


def parse_params(pairs: tuple[str, ...]) -> dict:
    """``k=v`` pairs; a value is JSON when it parses as JSON, else the string itself."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"bad --param {pair!r}: expected NAME=VALUE")
        try:
            params[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            params[key.strip()] = value
    return params


@main.command("query")
@click.argument("cypher", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is JSON when it parses, else a string. Repeatable.")
@click.option("--saved", metavar="NAME", help="Run cypher/queries/NAME.cypher (or its dialect variant).")
@click.option("--write", is_flag=True,
              help="Allow writes to the store, which must exist (it is opened read-only otherwise).")
@click.option("--json", "as_json", is_flag=True, help="Print rows as a JSON array.")
@store_option()
def query_cmd(cypher: str | None, params: tuple[str, ...], saved: str | None, write: bool, as_json: bool,
              store: str | None) -> None:
    """Run a Cypher statement, read-only unless --write; values go in as parameters.

    Example: kg query 'MATCH (p:Paper) WHERE p.year = $year RETURN p.title' --param year=2023
    """
    from kg.report.library import check_params, get_query
    from kg.store import open_store

    if bool(cypher) == bool(saved):
        raise ConfigError("give either a CYPHER statement or --saved NAME")
    values = parse_params(params)
    query = get_query(saved) if saved else None
    if query:
        values = check_params(query, values)
    with _writer_lock(store, write), open_store(store, read_only=not write) as s:
        text = query.text(s.dialect) if query else cypher
        if not write and s.dialect == "ladybug":
            refuse_side_effects(text)
        rows = s.execute(text, values) if write else s.query(text, values)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    _render_rows(rows)


#: statements LadybugDB runs on a read-only database that write outside it or fetch code: COPY ...
#: TO and EXPORT DATABASE write files, INSTALL downloads an extension and LOAD [EXTENSION] runs one,
#: ATTACH opens another database
SIDE_EFFECTS = {"COPY", "EXPORT", "IMPORT", "INSTALL", "UNINSTALL", "UPDATE", "ATTACH", "DETACH", "USE"}


def statement_heads(cypher: str) -> list[tuple[str, str]]:
    """The first two words of each statement in ``cypher`` (split at ``;``), upper-cased, skipping
    strings, quoted names and comments, which may hold anything."""
    heads, words, word = [], [], ""
    i, n = 0, len(cypher)
    while i < n:
        c = cypher[i]
        if c in "'\"`":  # a string or a quoted name: to its closing quote (a backslash escapes one)
            j = i + 1
            while j < n and cypher[j] != c:
                j += 2 if cypher[j] == "\\" and c != "`" else 1
            i, c = j + 1, " "
        elif cypher.startswith("//", i):
            i = cypher.find("\n", i)
            i, c = (n if i < 0 else i), " "
        elif cypher.startswith("/*", i):
            i = cypher.find("*/", i)
            i, c = (n if i < 0 else i + 2), " "
        else:
            i += 1
        if c.isalpha() or c == "_" or (word and c.isdigit()):
            word += c
            continue
        if word and len(words) < 2:
            words.append(word.upper())
        word = ""
        if c == ";":
            heads.append((*words, "", "")[:2])
            words = []
    if word and len(words) < 2:
        words.append(word.upper())
    heads.append((*words, "", "")[:2])
    return [h for h in heads if h[0]]


def refuse_side_effects(cypher: str) -> None:
    """A read-only `kg query` on the embedded store runs no statement that writes files, fetches or
    loads extensions or attaches databases: the engine's read-only mode stops writes to the graph only."""
    for first, second in statement_heads(cypher):
        if first in SIDE_EFFECTS or (first == "LOAD" and second not in ("FROM", "WITH")):
            what = f"LOAD {second}" if first == "LOAD" else first
            raise StoreError(f"kg query is read-only: {what} acts outside the graph (files, extensions, other"
                             " databases); give --write to allow it")


def _writer_lock(store: str | None, write: bool):
    """A write to an embedded store waits for no build: one running would replace the store with
    its copy and lose the write (kg.store.shadow), so the write is refused while a build runs.

    A write names a store that exists, as a read does: a mistyped path is an error (exit 2), not a
    new empty store (nor its lock file) left behind."""
    from contextlib import nullcontext
    from pathlib import Path

    from kg.store import is_neo4j, resolve_target
    from kg.store.shadow import locked

    target = resolve_target(store)
    if write and not is_neo4j(target) and not Path(target).exists():
        raise ConfigError(f"no graph at {target}: build one first (kg run PIPELINE --store {target})")
    shadow = locked(target) if write else None
    return nullcontext() if shadow is None else shadow


def _render_rows(rows: list[dict]) -> None:
    if not rows:
        click.echo("(no rows)")
        return
    from rich.console import Console
    from rich.table import Table

    from kg.report.render import plain

    table = Table(show_lines=False)
    columns = list(rows[0])
    for c in columns:
        table.add_column(plain(c), overflow="fold")
    for row in rows:
        table.add_row(*(plain(_cell(row.get(c))) for c in columns))
    Console().print(table)
    click.echo(f"{len(rows)} row(s)")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
