"""Co-authorship communities: a weighted co-authorship graph and a seeded, deterministic partition.

At scale the graph never becomes a networkx graph: authorships are numbered, the co-author pairs
are counted with numpy (``coauthorship_edges``) and handed to igraph's C Leiden as integer arrays.
``coauthorship_graph`` (networkx) stays for small graphs, reports and the naive reference.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.analytics.arrays import sorted_distinct


@dataclass(frozen=True, eq=False)
class WeightedEdges:
    """An undirected weighted graph as arrays: vertex ``i`` is ``nodes[i]`` (sorted); edge ``k`` joins
    ``source[k] < target[k]`` with ``weight[k]``, edges sorted by (source, target)."""

    nodes: list[str]
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return int(self.source.size)

    def to_networkx(self, weight: str = "weight") -> nx.Graph:
        """The same graph as networkx (weights as Python numbers)."""
        G = nx.Graph()
        G.add_nodes_from(self.nodes)
        names = self.nodes
        G.add_weighted_edges_from(
            ((names[u], names[v], w) for u, v, w in zip(self.source.tolist(), self.target.tolist(), self.weight.tolist())),
            weight=weight,
        )
        return G

    @classmethod
    def from_networkx(cls, G: nx.Graph, weight: str = "weight") -> WeightedEdges:
        """Number ``G``'s nodes in sorted order; missing weights count 1; self-loops are kept."""
        nodes = sorted(G.nodes)
        index = {n: i for i, n in enumerate(nodes)}
        m = G.number_of_edges()
        src = np.empty(m, dtype=np.int64)
        dst = np.empty(m, dtype=np.int64)
        w = np.empty(m, dtype=np.float64)
        for k, (u, v, d) in enumerate(G.edges(data=True)):
            a, b = index[u], index[v]
            src[k], dst[k], w[k] = min(a, b), max(a, b), d.get(weight, 1)
        order = np.lexsort((dst, src))
        return cls(nodes, src[order], dst[order], w[order])


def coauthorship_edges(authorships: Iterable[tuple[str, str]], *, authors: Iterable[str] = ()) -> WeightedEdges:
    """Weighted co-authorship graph from ``(author_id, paper_id)`` pairs, as integer arrays.

    The weight of an edge is the number of papers the two authors wrote together (a repeated
    authorship counts once); every author, also those in ``authors`` without papers, is a vertex.

    >>> g = coauthorship_edges([("a", "p1"), ("b", "p1"), ("a", "p2"), ("b", "p2"), ("c", "p2")])
    >>> g.nodes, g.source.tolist(), g.target.tolist(), g.weight.tolist()
    (['a', 'b', 'c'], [0, 0, 1], [1, 2, 2], [2.0, 1.0, 1.0])
    """
    a_names: list[str] = []
    p_names: list[str] = []
    for author, paper in authorships:
        a_names.append(author)
        p_names.append(paper)
    # vertices numbered in sorted-name order, so numbers (and the partition) do not depend on row order
    nodes = sorted(set(a_names).union(authors))
    vertex = {name: i for i, name in enumerate(nodes)}
    paper_no = {name: i for i, name in enumerate(dict.fromkeys(p_names))}
    source, target, weight = pair_weights(
        np.array([paper_no[x] for x in p_names], dtype=np.int64), np.array([vertex[x] for x in a_names], dtype=np.int64), len(nodes)
    )
    return WeightedEdges(nodes, source, target, weight)


def pair_weights(papers: np.ndarray, authors: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Co-author pairs ``(source < target)`` and their weights from parallel authorship arrays
    (paper number, author vertex below ``n``), sorted by (source, target); repeats count once.

    >>> [x.tolist() for x in pair_weights(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 2]), 3)]
    [[0, 0, 1], [1, 2, 2], [2.0, 1.0, 1.0]]
    """
    n = max(n, 1)
    # one row per distinct (paper, author), grouped by paper with authors ascending
    key = sorted_distinct(papers.astype(np.int64) * n + authors.astype(np.int64))
    p, a = key // n, key % n
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]]) if key.size else np.empty(0, dtype=np.int64)
    size = np.diff(np.r_[starts, key.size])
    # row i pairs with every later row of its paper: (size - 1 - position) partners
    partners = np.repeat(size - 1, size) - (np.arange(key.size) - np.repeat(starts, size))
    first = np.repeat(np.arange(key.size), partners)
    second = first + 1 + np.arange(first.size) - np.repeat(np.cumsum(partners) - partners, partners)
    pairs = np.sort(a[first] * n + a[second])
    cut = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]]) if pairs.size else np.empty(0, dtype=np.int64)
    weights = np.diff(np.r_[cut, pairs.size]).astype(np.float64)
    pairs = pairs[cut]
    return pairs // n, pairs % n, weights


def papers_per_community(labels: np.ndarray, papers: np.ndarray, authors: np.ndarray) -> np.ndarray:
    """Distinct papers each community's authors wrote, indexed by community number.

    >>> papers_per_community(np.array([0, 0, 1]), np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2])).tolist()
    [2, 1]
    """
    k = int(labels.max()) + 1 if labels.size else 0
    if not papers.size:
        return np.zeros(k, dtype=np.int64)
    m = int(papers.max()) + 1
    pairs = sorted_distinct(labels[authors.astype(np.int64)] * m + papers.astype(np.int64))
    return np.bincount(pairs // m, minlength=k)


def community_keys(nodes: list[str], labels: np.ndarray) -> np.ndarray:
    """A stable key for each community (indexed by its number in ``labels``): a 63-bit hash of its
    smallest member's name (``nodes`` sorted). A community keeps its key while that member stays in it,
    whatever its rank by size, so a small change to the graph leaves most keys as they were.

    >>> keys = community_keys(["a", "b", "c"], np.array([1, 0, 0])).tolist()
    >>> keys == [community_key("b"), community_key("a")]
    True
    """
    if not labels.size:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(labels, return_index=True)
    keys = np.array([community_key(nodes[i]) for i in first.tolist()], dtype=np.int64)
    if np.unique(keys).size != keys.size:
        raise ValueError("two communities' smallest members hash to the same key")
    return keys


def community_key(smallest_member: str) -> int:
    """The key of the community whose smallest member (in Python's string order) is ``smallest_member``."""
    return int.from_bytes(hashlib.blake2b(smallest_member.encode(), digest_size=8).digest(), "big") >> 1


def coauthorship_graph(authorships: Iterable[tuple[str, str]], *, authors: Iterable[str] = ()) -> nx.Graph:
    """Weighted co-authorship graph from ``(author_id, paper_id)`` pairs, as networkx (small graphs).

    The weight of an edge is the number of papers the two authors wrote together; every author
    (also those in ``authors`` without papers) is a node, so solo authors get a community too.

    >>> G = coauthorship_graph([("a", "p1"), ("b", "p1"), ("a", "p2"), ("b", "p2"), ("c", "p2")])
    >>> G["a"]["b"]["weight"], G["a"]["c"]["weight"]
    (2, 1)
    """
    G = coauthorship_edges(authorships, authors=authors).to_networkx()
    for _, _, d in G.edges(data=True):
        d["weight"] = int(d["weight"])
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
    G: nx.Graph | WeightedEdges,
    *,
    weight: str = "weight",
    seed: int | None = 42,
    method: str = "auto",
    resolution: float = 1.0,
    n_iterations: int = 2,
) -> Partition:
    """Partition ``G`` into communities: Leiden (igraph's C implementation) or networkx Louvain.

    ``G`` is a networkx graph or, at scale, ``WeightedEdges`` from ``coauthorship_edges``.
    ``method`` is "leiden", "louvain" or "auto" (Leiden when igraph imports, else Louvain).
    Leiden optimises modularity in ``n_iterations`` passes (2, as leidenalg does by default; -1
    iterates until a pass no longer improves it, for about 0.001 more modularity at ten times the
    time on a million edges), with its own seeded random generator. Communities are numbered by size, then by their smallest
    node, so the same graph and seed always give the same numbering.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> [sorted(c) for c in detect_communities(G, seed=1).communities]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    edges = G if isinstance(G, WeightedEdges) else WeightedEdges.from_networkx(G, weight)
    labels, q, algorithm = community_labels(edges, seed=seed, method=method, resolution=resolution, n_iterations=n_iterations)
    return Partition(_groups(edges.nodes, labels), q, algorithm)


def community_labels(
    edges: WeightedEdges, *, seed: int | None = 42, method: str = "auto", resolution: float = 1.0, n_iterations: int = 2
) -> tuple[np.ndarray, float, str]:
    """``detect_communities`` as arrays: each vertex's community number (numbered as there), the
    modularity and the algorithm; no per-community sets, so memory stays a few arrays."""
    if method not in ("auto", "leiden", "louvain"):
        raise ValueError(f"unknown community method {method!r}")
    if not edges.nodes:
        return np.empty(0, dtype=np.int64), 0.0, "none"
    if method in ("auto", "leiden"):
        try:
            import_igraph()
        except ImportError:
            if method == "leiden":
                raise
        else:
            membership, q = _leiden(edges, seed=seed, resolution=resolution, n_iterations=n_iterations)
            return _renumbered(membership), q, "leiden"
    membership, q = _louvain(edges, seed=seed, resolution=resolution)
    return _renumbered(membership), q, "louvain"


def import_igraph():
    """igraph, imported without its optional plotting: igraph's drawing modules import matplotlib.pyplot
    when it is installed (the report's plots need it), 1.5-2.5 s and tens of MB for each analytics run
    that never draws. A process that already imported matplotlib keeps igraph's plotting."""
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # makes "import matplotlib" raise ImportError: igraph then skips plotting
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


def _igraph(edges: WeightedEdges):
    ig = import_igraph()

    # a list of tuples is the quickest input igraph takes (numpy arrays and nested lists are slower)
    return ig.Graph(n=len(edges.nodes), edges=list(zip(edges.source.tolist(), edges.target.tolist())))


def _leiden(edges: WeightedEdges, *, seed: int | None, resolution: float, n_iterations: int) -> tuple[np.ndarray, float]:
    ig = import_igraph()

    g = _igraph(edges)
    weights = edges.weight.tolist()
    # igraph draws from a process-wide generator: give it a private seeded one, then hand back the default
    ig.set_random_number_generator(random.Random(seed))
    try:
        clusters = g.community_leiden(
            objective_function="modularity", weights=weights, resolution=resolution, n_iterations=n_iterations
        )
    finally:
        ig.set_random_number_generator(random)
    membership = np.asarray(clusters.membership, dtype=np.int64)
    q = g.modularity(clusters.membership, weights=weights) if edges.number_of_edges() else 0.0
    return membership, float(q)


def _louvain(edges: WeightedEdges, *, seed: int | None, resolution: float) -> tuple[np.ndarray, float]:
    """networkx Louvain, pure Python (the fallback, and the benchmark's naive reference)."""
    H = edges.to_networkx()
    groups = nx.community.louvain_communities(H, weight="weight", seed=seed, resolution=resolution)
    index = {n: i for i, n in enumerate(edges.nodes)}
    membership = np.empty(len(edges.nodes), dtype=np.int64)
    for label, group in enumerate(groups):
        for n in group:
            membership[index[n]] = label
    # summed over the communities in their final numbering, as the modularity reported always was
    numbered = _groups(edges.nodes, _renumbered(membership))
    q = nx.community.modularity(H, numbered, weight="weight") if edges.number_of_edges() else 0.0
    return membership, float(q)


def _renumbered(membership: np.ndarray) -> np.ndarray:
    """Labels renumbered by community size (largest first), then by smallest member (nodes are sorted,
    so smallest index): the same graph and seed always give the same numbers."""
    _, first, inverse, sizes = np.unique(membership, return_index=True, return_inverse=True, return_counts=True)
    rank = np.empty(sizes.size, dtype=np.int64)
    rank[np.lexsort((first, -sizes))] = np.arange(sizes.size)
    return rank[inverse.reshape(-1)]


def _groups(nodes: list[str], labels: np.ndarray) -> list[frozenset[str]]:
    """Community ``k``'s members, for k = 0, 1, ..."""
    if not labels.size:
        return []
    order = np.argsort(labels, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(labels))].tolist()
    return [frozenset(nodes[i] for i in order[bounds[k] : bounds[k + 1]].tolist()) for k in range(len(bounds) - 1)]
