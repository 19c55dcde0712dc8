"""`kg extract` and `kg eval`: the extract stage's commands (parse, call, render)."""

from __future__ import annotations

import json
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click

from kg.cli import main, n_process_option
from kg.errors import ConfigError, InputError, decode_utf8
from kg.models import Paper, PaperExtraction


def extraction_record(paper, extraction) -> dict:
    """The stable `kg extract --format jsonl` contract for one paper."""
    return {
        "id": paper.id,
        "title": paper.title,
        "entities": [
            {"text": m.text, "type": m.type, "start": m.start, "end": m.end, "sentence": m.sentence}
            for m in extraction.entities
        ],
        "acronyms": [[a.long, a.short] for a in extraction.acronyms],
        "proposes": [p.name for p in extraction.proposes],
        "derived_from": [[d.new, d.base] for d in extraction.derived_from],
        "results": [{"benchmark": r.benchmark, "metric": r.metric, "value": r.value} for r in extraction.results],
        "authors": list(paper.authors),
        "orgs": list(paper.orgs),
    }


def paired_extractions(papers: Iterable[Paper], extract: Callable[[Iterable[Paper]], Iterable[PaperExtraction]]
                       ) -> Iterator[tuple[Paper, PaperExtraction]]:
    """(paper, its extraction) in input order, from an extractor that keeps order (extract_papers):
    only the papers it has read and not yet returned are held."""
    in_flight: deque[Paper] = deque()

    def feed() -> Iterator[Paper]:
        for paper in papers:
            in_flight.append(paper)
            yield paper

    for extraction in extract(feed()):
        yield in_flight.popleft(), extraction


@main.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True, help="Output format.")
@click.option("--model", default=None, help="A spaCy pipeline name or path (default: the shipped pipeline).")
@n_process_option
def extract_command(inputs, fmt, model, n_process):
    """Extract concepts, acronyms, proposals, derivations and results as JSON Lines, in input order.

    Skipped entries are reported on stderr with file:line and reason, as by `kg ingest`. The papers are
    deduplicated in a scratch file on disk and streamed from it: only the papers in flight are held.

    Example: kg extract ../shared/corpus --format jsonl
    """
    from kg.cli.ingest import skipped_report
    from kg.extract.pipeline import extract_papers, load_pipeline
    from kg.ingest import iter_corpus
    from kg.models import IngestResult
    from kg.pipeline import Spool, every_core, extraction_processes

    with tempfile.TemporaryDirectory(prefix="kg-extract-") as scratch:
        spool = Spool(Path(scratch))
        try:
            read, skipped = spool.ingest(iter_corpus(list(inputs)))
            for line in skipped_report(IngestResult(papers=[], skipped=skipped, entries=read)):
                click.echo(line, err=True)
            nlp = load_pipeline(model)
            n_process = extraction_processes(spool.count, n_process or every_core())
            click.echo(f"extract: {spool.count} papers" + (f", in {n_process} processes" if n_process > 1 else ""),
                       err=True)
            extract = lambda papers: extract_papers(papers, nlp=nlp, n_process=n_process)  # noqa: E731
            for paper, extraction in paired_extractions(spool.papers(), extract):
                click.echo(json.dumps(extraction_record(paper, extraction), ensure_ascii=False))
        finally:
            spool.close()


@main.command("eval")
@click.option(
    "--dataset", type=click.Choice(["corpus", "scierc", "tdmsci", "scirex", "all"]), default="all", show_default=True,
    help="Dev set to score.",
)
@click.option("--gold", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A gold JSON Lines file in the ANNOTATION.md format (with --dataset corpus; default: the shipped "
                   "tests/gold/corpus_dev.jsonl).")
@click.option("--model", default=None, help="A spaCy pipeline name or path (default: the shipped pipeline).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", is_flag=True,
              help="With the corpus gold: list each paper's missed, spurious and mistyped spans and facts, with the "
                   "gold and predicted label and the sentence.")
def eval_command(dataset, gold, model, as_json, errors):
    """Strict span+type precision, recall and F1 per type and micro on the dev sets.

    The corpus gold is scored end to end by the ANNOTATION.md scorer (kg.extract.scoring):
    entities, acronyms, proposes, derived-from and results.

    Example: kg eval --dataset corpus --json
    """
    from kg.extract.datasets import shared_dir
    from kg.extract.evaluate import DATASETS, evaluate_summary
    from kg.extract.pipeline import load_pipeline
    from kg.report.extraction import corpus_errors

    names = DATASETS if dataset == "all" else (dataset,)
    # both options belong to the corpus gold (ANNOTATION.md); the offset-annotated sets have neither
    only_corpus = [opt for opt, given in (("--errors", errors), ("--gold", gold)) if given]
    if only_corpus and "corpus" not in names:
        raise ConfigError(f"{' and '.join(only_corpus)}: for the corpus gold only, not {dataset}; "
                          f"use --dataset corpus")
    if only_corpus and len(names) > 1:
        click.echo(f"note: {' and '.join(only_corpus)}: for the corpus gold only; "
                   f"{', '.join(n for n in names if n != 'corpus')} are scored as usual", err=True)
    if "corpus" in names and not (shared_dir() / "corpus").is_dir():
        # without it every gold paper would score as all misses (P=R=0), silently
        raise InputError(f"dev data missing: {shared_dir() / 'corpus'} (set KG_SHARED)")
    gold_path = Path(gold) if gold else None
    if gold_path is not None:  # read line by line later, where a bad byte would be a UnicodeDecodeError traceback
        decode_utf8(gold_path.read_bytes(), source=gold)
    nlp = load_pipeline(model)
    reports, differences = [], []
    try:
        for name in names:
            if name == "corpus" and errors:
                summary, differences = corpus_errors(nlp, gold=gold_path)
                summary["errors"] = [d.model_dump() for d in differences]
                reports.append(summary)
            else:
                reports.append(evaluate_summary(nlp, name, gold=gold_path))
    except FileNotFoundError as exc:
        raise InputError(f"dev data missing: {exc.filename} (set KG_SHARED)") from exc
    if as_json:
        click.echo(json.dumps(reports if len(reports) > 1 else reports[0], indent=1))
        return
    for r in reports:
        # TDMSci: the raw gold's figure first, then the same predictions against the gold split per ANNOTATION.md
        for block in (r, r["annotation_spans"]) if "annotation_spans" in r else (r,):
            m = block["micro"]
            click.echo(f"{block['dataset']:8s} docs={block['documents']:4d}  P={m['p']:.3f} R={m['r']:.3f}"
                       f" F1={m['f1']:.3f}  (DATA merged F1={block['micro_data_merged']['f1']:.3f})")
            for kind, s in block["per_type"].items():
                click.echo(f"    {kind:10s} P={s['p']:.3f} R={s['r']:.3f} F1={s['f1']:.3f}"
                           f"  tp={s['tp']} fp={s['fp']} fn={s['fn']}")
        for fact in ("acronyms", "proposes", "derived_from", "results"):
            if fact in r:
                s = r[fact]
                click.echo(f"  {fact:12s} P={s['p']:.3f} R={s['r']:.3f} F1={s['f1']:.3f}  tp={s['tp']} fp={s['fp']} fn={s['fn']}")
    for line in difference_lines(differences):
        click.echo(line)


def difference_lines(differences) -> list[str]:
    """`kg eval --errors` as text: per paper its id and title, then one line per difference with the gold
    and predicted label and, indented below, the sentence with the span in [brackets]."""
    lines = []
    if differences:
        lines.append(f"\nerrors ({sum(len(d.errors) for d in differences)} in {len(differences)} papers):")
    for d in differences:
        lines.append(f"{d.id}  {d.title}")
        for e in d.errors:
            if e.error == "wrong type":
                label = f"gold {e.gold}, predicted {e.predicted}"
            else:
                label = e.gold or e.predicted or ""
            lines.append(f"  {e.category:12s} {e.error:10s} {e.text}" + (f"  ({label})" if label else ""))
            if e.sentence:
                lines.append(f"      {e.sentence}")
    return lines
