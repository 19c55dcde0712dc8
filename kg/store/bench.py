"""Load throughput of the embedded store: ``python -m kg.store.bench [N_PAPERS]``.

Builds a synthetic ResolvedGraph (papers, authors, concepts, authorships, mentions) and loads it
into a fresh LadybugDB twice over: the bulk path (COPY for new rows) and the reference path
(``UNWIND $rows ... MERGE`` only). Prints rows per second for each; a benchmark, not a test.
"""

from __future__ import annotations

import json
import pickle
import random
import shutil
import sys
import tempfile
import time

from kg.models import (
    Author,
    Authorship,
    Concept,
    Evidence,
    MentionEdge,
    Paper,
    PaperDate,
    ResolvedGraph,
    author_id,
    concept_id,
)
from kg.store import rows as R
from kg.store.ladybug_store import LadybugStore


def synthetic_graph(n_papers: int, *, seed: int = 7) -> ResolvedGraph:
    rng = random.Random(seed)
    n_authors, n_concepts = max(n_papers // 2, 10), max(n_papers // 5, 10)
    authors = [Author(id=author_id(f"author {i}"), name=f"Author {i}") for i in range(n_authors)]
    concepts = [Concept(id=concept_id("METHOD", f"c{i}"), name=f"Method-{i}", kind="METHOD") for i in range(n_concepts)]
    g = ResolvedGraph(authors=authors, concepts=concepts)
    for i in range(n_papers):
        p = Paper(id=f"t:{i:08d}", title=f"Paper {i} on things", abstract=f"We study thing {i}.",
                  date=PaperDate(year=2020 + i % 5, month=1 + i % 12, precision="month"))
        g.papers.append(p)
        for pos, a in enumerate(rng.sample(authors, 3)):
            g.authorships.append(Authorship(author_id=a.id, paper_id=p.id, position=pos))
        for c in rng.sample(concepts, 3):
            ev = Evidence(paper_id=p.id, sentence=p.title, start=0, end=5, extractor="bench", version="1", confidence=0.9)
            g.mentions.append(MentionEdge(paper_id=p.id, concept_id=c.id, surface=c.name, count=1, starts=[0], evidence=ev))
    return g


def bench_load(graph: ResolvedGraph, *, fast: bool) -> dict:
    """Rows/s of a first load into an empty store (nodes and relationships separately timed by phase)."""
    rows = R.chunk_rows(graph)
    n_nodes = sum(map(len, rows.shared.values())) + sum(len(b.tables.get(label, ())) for b in rows.papers for label in R.PAPER_LABELS)
    n_rels = sum(len(b.tables.get(t, ())) for b in rows.papers for t in R.LOADED_TYPES)
    del rows
    with tempfile.TemporaryDirectory() as d:
        store = LadybugStore(f"{d}/bench.lbdb", fast=fast)
        store.apply_schema()
        t0 = time.perf_counter()
        stats = store.load(graph)
        seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = store.load(graph)
        rerun = time.perf_counter() - t1
        store.close()
    return {
        "path": "copy" if fast else "merge",
        "papers": len(graph.papers),
        "nodes": n_nodes,
        "rels": n_rels,
        "seconds": round(seconds, 3),
        "rows_per_s": round((n_nodes + n_rels) / seconds),
        "unchanged_rerun_seconds": round(rerun, 3),
        "rerun_wrote": again.nodes_written + again.rels_written,
        "written": stats.nodes_written + stats.rels_written,
    }


def bench_increment(graph: ResolvedGraph, *, fraction: float = 0.01, fast: bool = True) -> dict:
    """Seconds to add the last ``fraction`` of the papers to a store holding the others.

    Two ways, each from a copy of the same base store: only the new papers given
    (``load_chunks([new])``), and the whole graph given again with ``prune=True`` as a rebuild
    does. ``close_seconds`` is separate because LadybugDB checkpoints there what a transaction left
    in its write-ahead log: on a 100k-paper store that rewrite of the touched relationship tables,
    not the statements, is most of the cost of a small append, whether it came by COPY or UNWIND.
    """
    ids = {p.id for p in graph.papers} | {d.evidence.paper_id for d in graph.derivations}
    n_new = max(1, int(len(graph.papers) * fraction))
    base, new = R.split_graph(graph, len(ids) - n_new)
    out: dict = {"path": "copy" if fast else "merge", "papers": len(graph.papers), "new_papers": len(new.papers)}
    with tempfile.TemporaryDirectory() as d:
        store = LadybugStore(f"{d}/base.lbdb")  # the same COPY-built base for both paths
        store.apply_schema()
        store.load_chunks(R.split_graph(base, 5_000))
        store.close()
        for name, chunks, prune in (("new_only", lambda: [new], False), ("whole_graph", lambda: R.split_graph(graph, 5_000), True)):
            target = f"{d}/{name}.lbdb"
            shutil.copy(f"{d}/base.lbdb", target)  # LadybugDB 0.22 keeps a store in one file once closed
            store = LadybugStore(target, fast=fast)
            t0 = time.perf_counter()
            stats = store.load_chunks(chunks(), prune=prune)
            t1 = time.perf_counter()
            store.close()
            t2 = time.perf_counter()
            out[name] = {
                "load_seconds": round(t1 - t0, 3),
                "close_seconds": round(t2 - t1, 3),
                "written": stats.nodes_written + stats.rels_written,
                "papers_new": stats.papers_new,
            }
    return out


def main(argv: list[str]) -> None:
    """``[N_PAPERS]``: first loads of a synthetic graph; ``--increment [N_PAPERS | GRAPH.pkl]``: a +1 % load."""
    args = [a for a in argv[1:] if a != "--increment"]
    if "--increment" in argv and args and args[0].endswith(".pkl"):
        with open(args[0], "rb") as f:  # a pickled ResolvedGraph the caller wrote itself
            graph = pickle.load(f)
    else:
        graph = synthetic_graph(int(args[0]) if args else 20_000)
    for fast in (True, False):
        print(json.dumps(bench_increment(graph, fast=fast) if "--increment" in argv else bench_load(graph, fast=fast)))


if __name__ == "__main__":
    main(sys.argv)
