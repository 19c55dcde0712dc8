"""Communities on a large co-authorship graph: the product's detector beside networkx Louvain.

The graph is the weighted co-authorship graph of a synthetic corpus (author lists only, so a
million edges take seconds to make, not a full build).
"""

from __future__ import annotations

import gc
import time
from typing import Any

import networkx as nx

from kg.synth.generate import SynthConfig, _authors, _rng


def coauthor_graph(edges: int, seed: int = 0) -> tuple[nx.Graph, int]:
    """Weighted co-authorship graph with about ``edges`` distinct edges; returns it and the papers used."""
    # labs scale with the paper count; ~3 new edges per paper is what the generator gives
    config = SynthConfig(n=max(edges // 2, 10), seed=seed)
    graph = nx.Graph()
    i = 0
    count = 0  # nx's number_of_edges() walks every node: keep our own count
    while count < edges:
        rng = _rng(seed, i)
        authors, _ = _authors(config, rng)
        nodes = authors
        for x in range(len(nodes)):
            for y in range(x + 1, len(nodes)):
                a, b = nodes[x], nodes[y]
                if graph.has_edge(a, b):
                    graph[a][b]["weight"] += 1.0
                else:
                    graph.add_edge(a, b, weight=1.0)
                    count += 1
        i += 1
    return graph, i


def bench_communities(edges: int, *, seed: int = 42, reference_edges: int | None = None) -> dict[str, Any]:
    """kg.analytics' detector (Leiden) on ``edges`` edges; reference: networkx Louvain on ``reference_edges``."""
    start = time.perf_counter()
    graph, papers = coauthor_graph(edges, seed)
    build = time.perf_counter() - start
    result: dict[str, Any] = {
        "edges": graph.number_of_edges(),
        "nodes": graph.number_of_nodes(),
        "papers": papers,
        "graph_build_seconds": round(build, 1),
    }
    try:
        from kg.analytics.communities import detect_communities
    except ImportError as exc:
        result["product"] = {"status": "unavailable", "reason": str(exc)}
        return result
    gc.collect()
    start = time.perf_counter()
    found = detect_communities(graph, weight="weight", seed=seed, method="auto")
    seconds = time.perf_counter() - start
    result["product"] = {
        "status": "ok",
        "function": f"kg.analytics.communities.detect_communities (method=auto -> {found.algorithm})",
        "seconds": round(seconds, 1),
        "edges_per_s": round(result["edges"] / seconds, 1),
        "communities": len(found.communities),
        "modularity": round(found.modularity, 4),
    }
    ref_graph = graph
    if reference_edges and reference_edges < graph.number_of_edges():
        ref_graph = _edge_sample(graph, reference_edges)
    del graph, found
    gc.collect()
    start = time.perf_counter()
    ref = detect_communities(ref_graph, weight="weight", seed=seed, method="louvain")
    seconds = time.perf_counter() - start
    result["reference"] = {
        "function": "detect_communities(method='louvain'): networkx Louvain, pure Python",
        "edges": ref_graph.number_of_edges(),
        "seconds": round(seconds, 1),
        "edges_per_s": round(ref_graph.number_of_edges() / seconds, 1),
        "communities": len(ref.communities),
        "modularity": round(ref.modularity, 4),
    }
    result["product"]["speedup_vs_reference"] = round(
        result["product"]["edges_per_s"] / result["reference"]["edges_per_s"], 1
    )
    return result


def _edge_sample(graph: nx.Graph, edges: int) -> nx.Graph:
    """The subgraph induced by the first ``edges`` edges (in generation order: whole labs, not a random cut)."""
    sample = nx.Graph()
    for k, (a, b, data) in enumerate(graph.edges(data=True)):
        if k >= edges:
            break
        sample.add_edge(a, b, **data)
    return sample
