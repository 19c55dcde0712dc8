"""Communities on a large co-authorship graph: the product's path beside networkx Louvain.

The graph is the weighted co-authorship graph of a synthetic corpus (author lists only, so a
million edges take under a minute to make, not a full build). The product path is what
``run_analytics`` does with the authorships it reads: ``coauthorship_edges`` (numpy) then
``detect_communities`` (igraph's C Leiden), timed from ``(author, paper)`` pairs to the numbered
partition; it is also timed through an embedded store (read the authorships with Cypher, compute,
write Community nodes and memberships back). The naive reference is networkx Louvain (pure Python)
on a networkx graph of the first papers, up to ``reference_edges`` edges.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from kg.synth.generate import SynthConfig, _authors, _rng


def coauthor_authorships(edges: int, seed: int = 0, *, mark: int = 0) -> tuple[list[tuple[str, str]], int, int]:
    """``(author, paper)`` pairs of the first papers giving ``edges`` distinct co-author pairs.

    Returns the pairs, the papers used, and how many leading pairs give ``mark`` distinct edges.
    """
    # labs scale with the paper count; ~2.3 new edges per paper is what the generator gives
    config = SynthConfig(n=max(edges // 2, 10), seed=seed)
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[str, str]] = []
    marked = 0
    i = 0
    while len(seen) < edges:
        authors, _ = _authors(config, _rng(seed, i))
        paper = f"p{i}"
        pairs.extend((a, paper) for a in authors)
        for x in range(len(authors)):
            for y in range(x + 1, len(authors)):
                a, b = authors[x], authors[y]
                seen.add((a, b) if a < b else (b, a))
        if not marked and len(seen) >= mark > 0:
            marked = len(pairs)
        i += 1
    return pairs, i, marked or len(pairs)


def bench_communities(
    edges: int, *, seed: int = 42, reference_edges: int | None = None, store_dir: Path | None = None
) -> dict[str, Any]:
    """kg.analytics' path (arrays + Leiden) on ``edges`` edges; reference: networkx Louvain on ``reference_edges``."""
    start = time.perf_counter()
    pairs, papers, marked = coauthor_authorships(edges, seed, mark=reference_edges or 0)
    build = time.perf_counter() - start
    result: dict[str, Any] = {"papers": papers, "authorships": len(pairs), "graph_build_seconds": round(build, 1)}
    try:
        from kg.analytics.communities import coauthorship_edges, detect_communities
    except ImportError as exc:
        result["product"] = {"status": "unavailable", "reason": str(exc)}
        return result
    gc.collect()
    start = time.perf_counter()
    graph = coauthorship_edges(pairs)
    mid = time.perf_counter()
    found = detect_communities(graph, seed=seed, method="auto")
    seconds = time.perf_counter() - start
    result.update(edges=graph.number_of_edges(), nodes=graph.number_of_nodes())
    result["product"] = {
        "status": "ok",
        "function": f"coauthorship_edges + detect_communities (method=auto -> {found.algorithm})",
        "seconds": round(seconds, 1),
        "graph_seconds": round(mid - start, 1),
        "partition_seconds": round(seconds - (mid - start), 1),
        "edges_per_s": round(result["edges"] / seconds, 1),
        "communities": len(found.communities),
        "modularity": round(found.modularity, 4),
    }
    del graph, found
    gc.collect()
    result["reference"] = _reference(pairs[:marked], seed)
    result["product"]["speedup_vs_reference"] = round(
        result["product"]["edges_per_s"] / result["reference"]["edges_per_s"], 1
    )
    if store_dir is not None:
        result["through_store"] = _through_store(pairs, store_dir, seed)
    return result


def _reference(pairs: list[tuple[str, str]], seed: int) -> dict[str, Any]:
    """networkx Louvain + modularity on a networkx graph (its building not timed)."""
    import networkx as nx

    from kg.analytics.communities import coauthorship_graph

    G = coauthorship_graph(pairs)
    gc.collect()
    start = time.perf_counter()
    groups = nx.community.louvain_communities(G, weight="weight", seed=seed)
    q = nx.community.modularity(G, groups, weight="weight")
    seconds = time.perf_counter() - start
    return {
        "function": "networkx louvain_communities + modularity on a networkx graph, pure Python",
        "edges": G.number_of_edges(),
        "seconds": round(seconds, 1),
        "edges_per_s": round(G.number_of_edges() / seconds, 1),
        "communities": len(groups),
        "modularity": round(q, 4),
    }


def _through_store(pairs: list[tuple[str, str]], store_dir: Path, seed: int) -> dict[str, Any]:
    """The communities step of ``run_analytics`` on an embedded store holding only these authorships."""
    from kg.analytics.run import write_communities
    from kg.bench.analytics import remove_store, write_store
    from kg.models import AnalyticsSummary
    from kg.store import open_store

    authors = dict.fromkeys(a for a, _ in pairs)
    papers = dict.fromkeys(p for _, p in pairs)
    tables = {
        "Paper": [{"id": p, "title": p} for p in papers],
        "Author": [{"id": a, "name": a, "is_group": False} for a in authors],
        "AUTHORED": [{"src": a, "dst": p} for a, p in pairs],
    }
    target = store_dir / "communities-1m.lbdb"
    start = time.perf_counter()
    write_store(target, tables)
    setup = time.perf_counter() - start
    del tables, authors, papers
    gc.collect()
    summary = AnalyticsSummary(seed=seed)
    try:
        with open_store(str(target)) as store:
            start = time.perf_counter()
            write_communities(store, summary, seed=seed)
            seconds = time.perf_counter() - start
    finally:
        remove_store(target)
    return {
        "function": "kg.analytics.run.write_communities on the embedded store (Cypher read, compute, UNWIND writes)",
        "setup_seconds": round(setup, 1),
        "seconds": round(seconds, 1),
        "steps": {k: v for k, v in summary.seconds.items() if k.startswith("communities.")},
        "communities": summary.communities,
        "modularity": round(summary.modularity, 4),
    }
