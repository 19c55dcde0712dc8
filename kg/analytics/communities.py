"""Co-authorship communities: a weighted co-authorship graph and a seeded, deterministic partition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import networkx as nx


def coauthorship_graph(authorships: Iterable[tuple[str, str]], *, authors: Iterable[str] = ()) -> nx.Graph:
    """Weighted co-authorship graph from ``(author_id, paper_id)`` pairs.

    The weight of an edge is the number of papers the two authors wrote together; every author
    (also those in ``authors`` without papers) is a node, so solo authors get a community too.

    >>> G = coauthorship_graph([("a", "p1"), ("b", "p1"), ("a", "p2"), ("b", "p2"), ("c", "p2")])
    >>> G["a"]["b"]["weight"], G["a"]["c"]["weight"]
    (2, 1)
    """
    by_paper: dict[str, set[str]] = defaultdict(set)
    G = nx.Graph()
    G.add_nodes_from(sorted(set(authors)))
    for author, paper in authorships:
        by_paper[paper].add(author)
        G.add_node(author)
    for paper in sorted(by_paper):
        for a, b in combinations(sorted(by_paper[paper]), 2):
            if G.has_edge(a, b):
                G[a][b]["weight"] += 1
            else:
                G.add_edge(a, b, weight=1)
    return G


@dataclass(frozen=True)
class Partition:
    """Communities (largest first, then by smallest member), the modularity and the algorithm."""

    communities: list[frozenset[str]]
    modularity: float
    algorithm: str

    def membership(self) -> dict[str, int]:
        """Node -> community number (its index in ``communities``)."""
        return {n: i for i, c in enumerate(self.communities) for n in c}


def detect_communities(
    G: nx.Graph, *, weight: str = "weight", seed: int | None = 42, method: str = "auto", resolution: float = 1.0
) -> Partition:
    """Partition ``G`` into communities: Leiden (igraph + leidenalg) or networkx Louvain.

    ``method`` is "leiden", "louvain" or "auto" (Leiden when leidenalg imports, else Louvain).
    Nodes are handed to the algorithm in sorted order and communities are numbered by size, then
    by their smallest node, so the same graph and seed always give the same numbering.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> [sorted(c) for c in detect_communities(G, seed=1).communities]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    if method not in ("auto", "leiden", "louvain"):
        raise ValueError(f"unknown community method {method!r}")
    nodes = sorted(G.nodes)
    if not nodes:
        return Partition([], 0.0, "none")
    groups: list[set[str]] | None = None
    algorithm = "louvain"
    if method in ("auto", "leiden"):
        try:
            groups = _leiden(G, nodes, weight=weight, seed=seed, resolution=resolution)
            algorithm = "leiden"
        except ImportError:
            if method == "leiden":
                raise
    if groups is None:
        H = nx.Graph()
        H.add_nodes_from(nodes)
        H.add_edges_from(sorted((min(u, v), max(u, v), d) for u, v, d in G.edges(data=True)))
        groups = [set(c) for c in nx.community.louvain_communities(H, weight=weight, seed=seed, resolution=resolution)]
    communities = sorted((frozenset(c) for c in groups if c), key=lambda c: (-len(c), min(c)))
    q = nx.community.modularity(G, communities, weight=weight) if G.number_of_edges() else 0.0
    return Partition(communities, float(q), algorithm)


def _leiden(G: nx.Graph, nodes: list[str], *, weight: str, seed: int | None, resolution: float) -> list[set[str]]:
    import igraph as ig
    import leidenalg

    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted((min(index[u], index[v]), max(index[u], index[v]), d.get(weight, 1)) for u, v, d in G.edges(data=True))
    g = ig.Graph(n=len(nodes), edges=[(u, v) for u, v, _ in edges])
    weights = [float(w) for _, _, w in edges] or None
    if resolution == 1.0:
        part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights=weights, seed=seed)
    else:
        part = leidenalg.find_partition(
            g, leidenalg.RBConfigurationVertexPartition, weights=weights, seed=seed, resolution_parameter=resolution
        )
    return [{nodes[i] for i in members} for members in part]
