"""The analytics stage: read the loaded graph, compute communities, trends and lineage, write them back.

Only this module and kg.analytics.reports talk to the store, through ``store.query`` /
``store.execute`` and the named statements in cypher/analytics/.

Memory: the graph is read in pages of ``PAGE`` rows in key order (authors, papers with their
authors, concepts with the years of the papers naming them, counted in the query), kept as
integer arrays and small tuples, never as one list of row dicts. Writes: each step computes its
whole result, compares it with what the store holds (the last run's) and writes only the
difference in batches of ``BATCH`` rows (on LadybugDB each batch is one typed Arrow table), so a
run after a small change writes little, and the graph it leaves is the one a clean run leaves.
Communities are numbered by size, so a small change renumbers most of them: when most authors
moved, all communities are rewritten at once (``REWRITE_SHARE``), which costs less than moving each.
"""

from __future__ import annotations

import gc
import heapq
import time
from array import array
from collections import Counter
from collections.abc import Iterator

import numpy as np

from kg.analytics.communities import WeightedEdges, community_labels, pair_weights, papers_per_community
from kg.analytics.lineage import ConceptNames, lineage_graph
from kg.analytics.trends import UNDATED, burst_scores, period_of
from kg.models import AnalyticsSummary
from kg.store.cypher import load_cypher, strip_comments

BATCH = 5_000
#: rows per read page: big enough that the per-page scan is paid a few times, small enough to stay flat
PAGE = 20_000
#: when more than this fraction of the authors changed community, all communities are rewritten at once
REWRITE_SHARE = 0.5


def statement(store, name: str) -> str:
    """The named analytics statement (cypher/analytics/<name>.cypher) in the store's dialect."""
    return strip_comments(load_cypher(f"analytics/{name}", store.dialect))


def read(store, name: str, params: dict | None = None) -> list[dict]:
    return store.query(statement(store, name), params or {})


def pages(store, name: str, page: int | None = None) -> Iterator[list[dict]]:
    """Pages of a statement that takes ``$after`` (the last ``id`` of the previous page) and ``$limit``."""
    cypher, after, page = statement(store, name), "", page or PAGE
    while True:
        rows = store.query(cypher, {"after": after, "limit": page})
        if rows:
            yield rows
        if len(rows) < page:
            return
        after = rows[-1]["id"]


class _Split:
    """Accumulates read / compute / write seconds of one step into ``summary.seconds`` ("<step>.<part>")."""

    def __init__(self, summary: AnalyticsSummary, step: str):
        self.summary, self.step, self.last = summary, step, time.perf_counter()

    def __call__(self, part: str) -> None:
        now = time.perf_counter()
        key = f"{self.step}.{part}"
        self.summary.seconds[key] = round(self.summary.seconds.get(key, 0.0) + now - self.last, 3)
        self.last = now


#: the columns of each statement's ``$rows``: LadybugDB takes them as one typed Arrow table (``LOAD FROM``),
#: which costs a fifth of converting a list of maps row by row (27k concept rows: 0.73 -> 0.13 CPU-s)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "write_concept_stats": (("id", "string"), ("first_year", "int64"), ("mentions", "int64"), ("burst", "float64")),
    "write_lineage": (
        ("src", "string"), ("dst", "string"), ("evidence", "string"), ("sentences", "strings"), ("papers", "strings"),
        ("child_year", "int64"), ("parent_year", "int64"),
    ),
    "delete_lineage": (("src", "string"), ("dst", "string")),
    "write_memberships": (("id", "string"), ("community", "int64")),
    "unlink_authors": (("id", "string"),),
    "update_communities": (
        ("id", "int64"), ("size", "int64"), ("papers", "int64"), ("modularity", "float64"), ("algorithm", "string"),
    ),
}
COLUMNS["write_communities"] = COLUMNS["update_communities"]


def write(store, name: str, rows: list[dict] | None = None) -> None:
    """Run a write statement, in batches of ``BATCH`` rows when it takes ``$rows`` (an Arrow table on LadybugDB)."""
    if rows is None:
        store.execute(statement(store, name))
        return
    cypher = statement(store, name)
    for i in range(0, len(rows), BATCH):
        batch = rows[i : i + BATCH]
        store.execute(cypher, {"rows": _table(batch, COLUMNS[name]) if store.dialect == "ladybug" else batch})


def _table(rows: list[dict], columns: tuple[tuple[str, str], ...]):
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "strings": pa.list_(pa.string())}
    return pa.table({c: pa.array([r[c] for r in rows], type=types[t]) for c, t in columns})


def run_analytics(store, *, seed: int = 42, method: str = "auto") -> AnalyticsSummary:
    """Compute communities, trends and lineage on the loaded graph and write them back.

    Idempotent: a run replaces the previous run's Community nodes, IN_COMMUNITY and LINEAGE
    edges and the analytics properties; the same graph and seed give the same result.
    """
    summary = AnalyticsSummary(seed=seed)
    # the run holds hundreds of thousands of small objects (names, rows, candidates) and makes no reference
    # cycles worth collecting: each collection of the oldest generation walks them all again, which cost
    # 2-3 of the 8-9 CPU-s of a 100k run (lineage compute 3.3 -> 1.8 CPU-s), with the same peak memory
    collecting = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        write_communities(store, summary, seed=seed, method=method)
        t1 = time.perf_counter()
        concepts, first_year = write_trends(store, summary)
        t2 = time.perf_counter()
        write_lineage(store, summary, first_year, concepts)
        t3 = time.perf_counter()
    finally:
        if collecting:
            gc.enable()
    summary.seconds.update(
        communities=round(t1 - t0, 3), trends=round(t2 - t1, 3), lineage=round(t3 - t2, 3), total=round(t3 - t0, 3)
    )
    return summary


def write_communities(store, summary: AnalyticsSummary, *, seed: int, method: str = "auto") -> None:
    """Co-authorship communities: Community nodes, IN_COMMUNITY edges, Author.community."""
    split = _Split(summary, "communities")
    ids: list[str] = []
    # the author's community as stored: -1 none (no edge either), -2 property and edges disagree
    stored = array("q")
    for rows in pages(store, "author_page"):
        for r in rows:
            ids.append(r["id"])
            c, linked = r["community"], r["linked"]
            stored.append(c if c is not None and linked == [c] else -1 if c is None and not linked else -2)
    if any(ids[i] > ids[i + 1] for i in range(len(ids) - 1)):
        # vertices are numbered in the order Python sorts names (a store may order strings otherwise)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids, stored = [ids[i] for i in order], array("q", (stored[i] for i in order))
    vertex = {a: i for i, a in enumerate(ids)}
    papers, authors = array("q"), array("q")
    for number, rows in enumerate(_paper_rows(store)):
        for a in rows:
            papers.append(number)
            authors.append(vertex[a])
    del vertex
    paper_no, author_no = np.frombuffer(papers, dtype=np.int64), np.frombuffer(authors, dtype=np.int64)
    split("read")
    # integer arrays straight into igraph: a networkx graph of a million edges costs more than Leiden itself
    source, target, weight = pair_weights(paper_no, author_no, len(ids))
    edges = WeightedEdges(ids, source, target, weight)
    labels, modularity, algorithm = community_labels(edges, seed=seed, method=method)
    sizes = np.bincount(labels) if labels.size else np.zeros(0, dtype=np.int64)
    written = papers_per_community(labels, paper_no, author_no)
    del papers, authors, paper_no, author_no
    q = round(modularity, 6)
    communities = {
        i: {"id": i, "size": int(sizes[i]), "papers": int(written[i]), "modularity": q, "algorithm": algorithm}
        for i in range(sizes.size)
    }
    split("compute")
    before = {r["id"]: r for r in read(store, "stored_communities")}
    old = np.frombuffer(stored, dtype=np.int64)
    changed = labels != old
    if before and int(changed.sum()) > REWRITE_SHARE * len(ids):
        # most authors moved (a change renumbers the communities smaller than a new or grown one): dropping
        # every community at once and writing all memberships costs less than moving each author's edge
        write(store, "delete_all_communities")
        before, old = {}, np.full(len(ids), -1, dtype=np.int64)
        changed = labels != old
    write(store, "unlink_authors", [{"id": ids[i]} for i in np.flatnonzero(changed & (old != -1)).tolist()])
    moved = [{"id": ids[i], "community": int(labels[i])} for i in np.flatnonzero(changed).tolist()]
    gone = sorted(set(before) - set(communities))
    for i in range(0, len(gone), BATCH):
        store.execute(statement(store, "delete_communities"), {"ids": gone[i : i + BATCH]})
    write(store, "update_communities", [c for i, c in communities.items() if i in before and before[i] != c])
    write(store, "write_communities", [c for i, c in communities.items() if i not in before])
    write(store, "write_memberships", moved)
    split("write")
    summary.authors = len(ids)
    summary.coauthor_edges = edges.number_of_edges()
    summary.communities = int(sizes.size)
    summary.multi_member_communities = int((sizes > 1).sum())
    summary.modularity = q
    summary.algorithm = algorithm


def _paper_rows(store) -> Iterator[list[str]]:
    """Each paper's author ids, paper by paper."""
    for rows in pages(store, "paper_authors_page"):
        for r in rows:
            yield r["authors"]


def write_trends(store, summary: AnalyticsSummary) -> tuple[list[ConceptNames], dict[str, int]]:
    """First year, papers naming it and burst weight on every Concept.

    Returns what lineage needs: every concept's names and the first years (concepts without one left out).
    """
    split = _Split(summary, "trends")
    per_period: Counter[str] = Counter()
    for r in read(store, "papers_per_year"):
        per_period[period_of(r["year"])] += r["papers"]
    split("read")
    concepts: list[ConceptNames] = []
    first_year: dict[str, int] = {}
    emerging: list[tuple[float, str, str]] = []  # the 20 strongest (-weight, id, name) so far
    with_year = 0
    years = statement(store, "concept_years")
    for page in pages(store, "concept_page"):
        counts: dict[str, Counter[str]] = {}
        for r in store.query(years, {"first": page[0]["id"], "last": page[-1]["id"]}):
            counts.setdefault(r["concept"], Counter())[period_of(r["year"])] += r["papers"]
        split("read")
        bursts = burst_scores(counts, per_period)
        out = []
        for r in page:
            cid = r["id"]
            concepts.append(ConceptNames(cid, r["name"] or cid, r["kind"] or "METHOD", tuple(r["aliases"] or ()), r["acronym"]))
            by_period = counts.get(cid, Counter())
            dated = [int(p) for p in by_period if p != UNDATED]
            year = min(dated) if dated else None
            if year is not None:
                first_year[cid] = year
                with_year += 1
            weight, now = bursts.get(cid, (0.0, False))
            row = {"id": cid, "first_year": year, "mentions": sum(by_period.values()), "burst": float(weight)}
            if (r["first_year"], r["mentions"], r["burst"]) != (row["first_year"], row["mentions"], row["burst"]):
                out.append(row)
            if now and weight > 0:
                emerging = heapq.nsmallest(20, [*emerging, (-weight, cid, r["name"] or cid)])
        split("compute")
        write(store, "write_concept_stats", out)
        split("write")
    summary.concepts = len(concepts)
    summary.concepts_with_year = with_year
    summary.emerging = [name for _, _, name in emerging]
    return concepts, first_year


def write_lineage(store, summary: AnalyticsSummary, first_year: dict[str, int], concepts: list[ConceptNames]) -> None:
    """LINEAGE edges from stated derivations and name morphology, acyclic, with years."""
    split = _Split(summary, "lineage")
    stated = [(r["new_id"], r["base_id"], r["paper_id"], r["sentence"]) for r in read(store, "derivations")]
    split("read")
    G = lineage_graph(concepts, stated, first_year=first_year, all_nodes=False)
    del stated
    rows = {
        (u, v): {
            "src": u,
            "dst": v,
            "evidence": d["evidence"],
            "sentences": list(d["sentences"]) or list(d["patterns"]),
            "papers": list(d["papers"]),
            "child_year": d["child_year"],
            "parent_year": d["parent_year"],
        }
        for u, v, d in sorted(G.edges(data=True))
    }
    split("compute")
    stored: dict[tuple[str, str], list[dict]] = {}
    for r in read(store, "stored_lineage"):
        stored.setdefault((r["src"], r["dst"]), []).append(r)
    # an edge stays when it is stored once with the same properties; any other stored edge goes
    same = {k for k, found in stored.items() if k in rows and found == [_as_stored(rows[k])]}
    write(store, "delete_lineage", [{"src": k[0], "dst": k[1]} for k in sorted(stored) if k not in same])
    write(store, "write_lineage", [row for k, row in rows.items() if k not in same])
    split("write")
    summary.lineage_edges = len(rows)
    summary.lineage_by_evidence = dict(sorted(Counter(r["evidence"] for r in rows.values()).items()))
    summary.cycles_broken = len(G.graph.get("dropped", []))


def _as_stored(row: dict) -> dict:
    """A lineage row as ``stored_lineage`` reads it back."""
    return {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in row.items()}
