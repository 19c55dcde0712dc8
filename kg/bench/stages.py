"""Benchmark one corpus size: each stage timed, beside a naive reference measured in the same run.

Runs inside its own process (see ``kg.bench.__main__``) so that its peak memory is its own.
Stages whose module has not landed yet are recorded as ``unavailable`` with the reason,
never faked.
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.bench.analytics import remove_store
from kg.synth import SynthConfig, write_corpus


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child, in MB: RUSAGE_CHILDREN is the
    largest child, which in a build is a forked staging process of the load, not an extraction worker."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self_mb": round(self_kb / 1024, 1), "children_mb": round(child_kb / 1024, 1)}


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _unavailable(exc: BaseException) -> dict[str, Any]:
    return {"status": "unavailable", "reason": f"{type(exc).__name__}: {exc}"}


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def make_corpus(n: int, seed: int, work: Path, formats: tuple[str, ...] = ("listings",)) -> tuple[Path, dict]:
    """The synthetic corpus of ``n`` papers under ``work`` (reused when already written with this seed)."""
    corpus = work / f"corpus-{n}-s{seed}-{'-'.join(formats)}"
    stamp = corpus / ".complete"
    if stamp.exists():
        return corpus, {"status": "reused", "dir": str(corpus)}
    shutil.rmtree(corpus, ignore_errors=True)
    report, seconds = _timed(lambda: write_corpus(SynthConfig(n=n, seed=seed), corpus, formats=formats))
    stamp.write_text("ok\n")
    size = sum(p.stat().st_size for p in corpus.iterdir())
    return corpus, {
        "status": "ok",
        "dir": str(corpus),
        "papers": report.papers,
        "entries": report.entries,
        "bytes": size,
        "seconds": round(seconds, 2),
        "papers_per_s": _rate(report.papers, seconds),
    }


def bench_read(corpus: Path) -> tuple[list, dict]:
    """kg.ingest.read_paths over the corpus; reference: reading the same bytes alone (the I/O floor)."""
    try:
        from kg.ingest import read_paths
    except ImportError as exc:
        return [], _unavailable(exc)
    files = sorted(p for p in corpus.iterdir() if not p.name.startswith("."))
    result, seconds = _timed(lambda: read_paths(files))
    _, floor = _timed(lambda: sum(len(p.read_text(encoding="utf-8")) for p in files))
    return result.papers, {
        "status": "ok",
        "papers": len(result.papers),
        "entries": result.entries,
        "skipped": len(result.skipped),
        "seconds": round(seconds, 2),
        "papers_per_s": _rate(len(result.papers), seconds),
        "reference": "read the bytes only (I/O and decoding floor)",
        "reference_seconds": round(floor, 3),
        "ratio_vs_reference": round(seconds / floor, 1) if floor > 0 else None,
    }


def bench_extract(papers: list, n_process: int, naive_sample: int) -> tuple[list, dict]:
    """kg.extract.extract_papers with every core; reference: one process on a sample."""
    try:
        from kg.extract.pipeline import extract_papers, load_pipeline
    except ImportError as exc:
        return [], _unavailable(exc)
    model = extraction_model(Path(".kg/bench"))
    nlp, load_seconds = _timed(lambda: load_pipeline(model))
    out, seconds = _timed(lambda: list(extract_papers(papers, nlp=nlp, n_process=n_process)))
    sample = papers[:naive_sample]
    _, single = _timed(lambda: list(extract_papers(sample, nlp=nlp, n_process=1)))
    parallel_rate = _rate(len(papers), seconds)
    single_rate = _rate(len(sample), single)
    return out, {
        "status": "ok",
        "papers": len(out),
        "n_process": n_process,
        "pipeline_load_seconds": round(load_seconds, 2),
        "seconds": round(seconds, 2),
        "papers_per_s": parallel_rate,
        "papers_per_s_per_core": round(parallel_rate / max(n_process, 1), 1),
        "reference": f"n_process=1 on the first {len(sample)} papers",
        "reference_papers_per_s": single_rate,
        "ratio_vs_reference": round(parallel_rate / single_rate, 2) if single_rate else None,
    }


def bench_resolve(papers: list, extractions: list) -> tuple[Any, dict]:
    try:
        from kg.resolve import resolve_graph as assemble  # the full resolver when it is there
    except ImportError:
        try:
            from kg.resolve.graph import assemble_graph as assemble
        except ImportError as exc:
            return None, _unavailable(exc)
    graph, seconds = _timed(lambda: assemble(papers, extractions))
    rows = graph_rows(graph)
    return graph, {
        "status": "ok",
        "function": f"{assemble.__module__}.{assemble.__name__}",
        "seconds": round(seconds, 2),
        "papers_per_s": _rate(len(papers), seconds),
        "rows": rows,
    }


def graph_rows(graph) -> int:
    """Node and relationship rows a ResolvedGraph asks the loader to write."""
    nodes = len(graph.papers) + len(graph.authors) + len(graph.affiliations) + len(graph.concepts) + len(graph.results)
    rels = (
        len(graph.authorships)
        + len(graph.paper_affiliations)
        + len(graph.mentions)
        + len(graph.proposals)
        + len(graph.derivations)
        + sum(1 + (r.metric_id is not None) + (r.method_id is not None) for r in graph.results)
    )
    return nodes + rels


def bench_load(graph, target: str, naive_sample: int) -> dict:
    """GraphStore.load into a fresh store; reference: one MERGE statement per row on a sample."""
    try:
        from kg.store import open_store
    except ImportError as exc:
        return _unavailable(exc)
    rows = graph_rows(graph)
    with open_store(target) as store:
        store.apply_schema()
        stats, seconds = _timed(lambda: store.load(graph))
        again, seconds_again = _timed(lambda: store.load(graph))
        dialect = store.dialect
    written = getattr(stats, "nodes_written", 0) + getattr(stats, "rels_written", 0)
    result = {
        "status": "ok",
        "dialect": dialect,
        "rows": rows,
        "rows_written": written,
        "seconds": round(seconds, 2),
        "rows_per_s": _rate(rows, seconds),
        "path": getattr(stats, "path", None),
        "reload_unchanged_seconds": round(seconds_again, 2),
        "reload_papers_unchanged": getattr(again, "papers_unchanged", None),
        # the process's peak so far (the graph in memory included), read right after the load
        "peak_rss_mb_after_load": peak_rss_mb()["self_mb"],
    }
    result.update(naive_load(graph, _naive_target(target), naive_sample))
    if result.get("reference_rows_per_s"):
        result["ratio_vs_reference"] = round(result["rows_per_s"] / result["reference_rows_per_s"], 1)
    return result


def _naive_target(target: str) -> str:
    return target if "://" in target else target + "-naive"


def naive_load(graph, target: str, sample: int) -> dict:
    """The naive loader: one round trip and one MERGE per row (papers, authors, authorships)."""
    from kg.store import open_store
    from kg.store.cypher import load_cypher

    papers = graph.papers[:sample]
    keep = {p.id for p in papers}
    authorships = [a for a in graph.authorships if a.paper_id in keep]
    author_ids = {a.author_id for a in authorships}
    authors = [a for a in graph.authors if a.id in author_ids]
    with open_store(target) as store:
        store.apply_schema()
        merge_paper = load_cypher("bench/naive_merge_paper", store.dialect)
        merge_author = load_cypher("bench/naive_merge_author", store.dialect)
        merge_authored = load_cypher("bench/naive_merge_authored", store.dialect)

        def run() -> int:
            for p in papers:
                store.execute(merge_paper, {"id": p.id, "title": p.title})
            for a in authors:
                store.execute(merge_author, {"id": a.id, "name": a.name})
            for r in authorships:
                store.execute(merge_authored, {"author": r.author_id, "paper": r.paper_id, "position": r.position})
            return len(papers) + len(authors) + len(authorships)

        rows, seconds = _timed(run)
        if "://" in target:  # Neo4j: leave the server as we found it
            store.execute(load_cypher("bench/naive_cleanup", store.dialect), {"ids": sorted(keep)})
    return {
        "reference": "one MERGE per row (papers, authors, authorships), one round trip each",
        "reference_rows": rows,
        "reference_seconds": round(seconds, 2),
        "reference_rows_per_s": _rate(rows, seconds),
    }


def bench_analytics(target: str, seed: int) -> dict:
    try:
        from kg.analytics import run_analytics
        from kg.store import open_store
    except ImportError as exc:
        return _unavailable(exc)
    with open_store(target) as store:
        summary, seconds = _timed(lambda: run_analytics(store, seed=seed))
    return {
        "status": "ok",
        "seconds": round(seconds, 2),
        "communities": getattr(summary, "communities", None),
        "modularity": getattr(summary, "modularity", None),
        "lineage_edges": getattr(summary, "lineage_edges", None),
        "steps": getattr(summary, "seconds", {}),
    }


def _run_build(inputs: list[Path], store_dir: Path, cache_dir: Path, n_process: int) -> tuple[Any, float]:
    """One ``kg build`` through kg.pipeline (every stage), as a user runs it."""
    from kg.pipeline import adhoc_pipeline, run_pipeline

    pipe = adhoc_pipeline([str(p) for p in inputs], store=str(store_dir))
    pipe.model = extraction_model(store_dir.parent)
    pipe.n_process = n_process
    pipe.cache_dir = cache_dir
    pipe.prune = False
    return _timed(lambda: run_pipeline(pipe))


def extraction_model(work: Path) -> str | None:
    """The shipped pipeline (None) when it loads; else a rules-only pipeline saved under ``work``."""
    from kg.errors import ExtractionError
    from kg.extract.pipeline import load_pipeline

    try:
        load_pipeline()
        return None
    except ExtractionError:
        return str(rules_only_model(work / "rules-only-model"))


def rules_only_model(path: Path) -> Path:
    """A blank English pipeline with the rule components, saved to ``path`` (no trained NER)."""
    import spacy

    import kg.extract.pipeline  # noqa: F401 - registers the kg_* factories

    if not (path / "meta.json").exists():
        nlp = spacy.blank("en")
        nlp.add_pipe("kg_sentences_v1", name="kg_sentences")
        nlp.add_pipe("kg_concepts_v1", name="kg_concepts")
        nlp.meta["name"] = "kg_rules_only"
        nlp.to_disk(path)
    return path


def _build_record(summary, seconds: float, n: int) -> dict[str, Any]:
    stages = {t.stage: {"seconds": t.seconds, "count": t.count, "papers_per_s": _rate(n, t.seconds)} for t in summary.stages}
    load = summary.load
    if load is not None and "load" in stages:
        rows = load.nodes_written + load.rels_written
        stages["load"].update(rows=rows, rows_per_s=_rate(rows, stages["load"]["seconds"]), path=load.path)
    return {
        "seconds": round(seconds, 2),
        "papers_per_s": _rate(n, seconds),
        "papers": summary.papers,
        "extracted": summary.extracted,
        "extraction_cached": summary.extraction_cached,
        "analytics_ran": summary.analytics_ran,
        "load": load.model_dump() if load is not None else None,
        "stages": stages,
    }


def bench_size(n: int, *, seed: int, work: Path, n_process: int, naive_sample: int) -> dict:
    """A full build of an ``n``-paper corpus, rebuilds (unchanged, +1 %), and the naive references."""
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"papers": n, "seed": seed, "n_process": n_process}
    extra = max(n // 100, 1)
    config = SynthConfig(n=n + extra, seed=seed)
    corpus, extra_dir = work / f"corpus-{n}-s{seed}", work / f"corpus-{n}-s{seed}-plus1pct"
    for d in (corpus, extra_dir):
        shutil.rmtree(d, ignore_errors=True)
    report, seconds = _timed(lambda: write_corpus(config, corpus, formats=("listings",), stop=n))
    write_corpus(config, extra_dir, formats=("listings",), start=n)
    result["synth"] = {
        "seconds": round(seconds, 2),
        "papers_per_s": _rate(report.papers, seconds),
        "entries": report.entries,
        "bytes": sum(p.stat().st_size for p in corpus.iterdir()),
    }
    store_dir, cache_dir = work / f"store-{n}.lbdb", work / f"cache-{n}"
    # a store left by an earlier run in this --work would turn the "full build" into a rebuild
    remove_store(store_dir)
    shutil.rmtree(cache_dir, ignore_errors=True)
    try:
        summary, seconds = _run_build([corpus], store_dir, cache_dir, n_process)
    except ImportError as exc:
        result["build"] = _unavailable(exc)
        return result
    result["build"] = _build_record(summary, seconds, n)
    result["build"]["model"] = extraction_model(work) or "shipped pipeline"
    result["memory_after_build"] = peak_rss_mb()
    summary, again = _run_build([corpus], store_dir, cache_dir, n_process)
    result["rebuild_unchanged"] = _build_record(summary, again, n)
    result["rebuild_unchanged"]["share_of_full_build"] = round(again / result["build"]["seconds"], 4)
    summary, plus = _run_build([corpus, extra_dir], store_dir, cache_dir, n_process)
    result["rebuild_plus_1pct"] = _build_record(summary, plus, n + extra)
    result["rebuild_plus_1pct"]["share_of_full_build"] = round(plus / result["build"]["seconds"], 4)

    # naive references, measured in the same run on a sample of the same corpus
    from kg.ingest import read_paths

    sample = read_paths([sorted(corpus.glob("listing-*.txt"))[0]]).papers[:naive_sample]
    refs: dict[str, Any] = {}
    _, refs["extract"] = bench_extract(sample, n_process, len(sample))
    from kg.resolve.graph import assemble_graph

    graph = assemble_graph(sample, [])
    naive_store = work / f"store-{n}-naive.lbdb"
    remove_store(naive_store)
    refs["load_embedded"] = naive_load(graph, str(naive_store), naive_sample)
    remove_store(naive_store)
    neo4j = os.environ.get("KG_BENCH_NEO4J")
    if neo4j:
        full = assemble_graph(sample, list(extract_sample(sample)))
        refs["load_neo4j"] = bench_load(full, neo4j, naive_sample)
    result["references"] = refs
    stages = result["build"]["stages"]
    if "load" in stages and refs["load_embedded"].get("reference_rows_per_s"):
        stages["load"]["ratio_vs_naive_merge"] = round(
            stages["load"]["rows_per_s"] / refs["load_embedded"]["reference_rows_per_s"], 1
        )
    if "extract" in stages and refs["extract"].get("reference_papers_per_s") and summary.extracted:
        stages["extract"]["ratio_vs_single_process"] = round(
            stages["extract"]["papers_per_s"] / refs["extract"]["reference_papers_per_s"], 2
        )
    result["memory"] = peak_rss_mb()
    remove_store(store_dir)
    for d in (cache_dir, corpus, extra_dir):
        shutil.rmtree(d, ignore_errors=True)
    return result


def extract_sample(papers: list):
    from kg.extract.pipeline import extract_papers

    return extract_papers(papers, n_process=1)


if __name__ == "__main__":  # pragma: no cover - used by kg.bench.__main__ through a subprocess
    import json

    n, seed, work, n_process, naive_sample = sys.argv[1:6]
    out = bench_size(int(n), seed=int(seed), work=Path(work), n_process=int(n_process), naive_sample=int(naive_sample))
    print(json.dumps(out))
