"""The analytics stage: read the loaded graph, compute communities, trends and lineage, write them back.

Only this module and kg.analytics.reports talk to the store, through ``store.query`` /
``store.execute`` and the named statements in cypher/analytics/.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from kg.analytics.communities import coauthorship_edges, detect_communities
from kg.analytics.lineage import lineage_graph
from kg.analytics.trends import burst_scores, mention_counts, period_of
from kg.models import AnalyticsSummary, Concept
from kg.store.cypher import load_cypher, strip_comments

BATCH = 5_000


def statement(store, name: str) -> str:
    """The named analytics statement (cypher/analytics/<name>.cypher) in the store's dialect."""
    return strip_comments(load_cypher(f"analytics/{name}", store.dialect))


def read(store, name: str, params: dict | None = None) -> list[dict]:
    return store.query(statement(store, name), params or {})


class _Split:
    """Accumulates read / compute / write seconds of one step into ``summary.seconds`` ("<step>.<part>")."""

    def __init__(self, summary: AnalyticsSummary, step: str):
        self.summary, self.step, self.last = summary, step, time.perf_counter()

    def __call__(self, part: str) -> None:
        now = time.perf_counter()
        key = f"{self.step}.{part}"
        self.summary.seconds[key] = round(self.summary.seconds.get(key, 0.0) + now - self.last, 3)
        self.last = now


def write(store, name: str, rows: list[dict] | None = None) -> None:
    """Run a write statement, in batches of ``BATCH`` rows when it takes ``$rows``."""
    if rows is None:
        store.execute(statement(store, name))
        return
    for i in range(0, len(rows), BATCH):
        store.execute(statement(store, name), {"rows": rows[i : i + BATCH]})


def run_analytics(store, *, seed: int = 42, method: str = "auto") -> AnalyticsSummary:
    """Compute communities, trends and lineage on the loaded graph and write them back.

    Idempotent: a run replaces the previous run's Community nodes, IN_COMMUNITY and LINEAGE
    edges and the analytics properties; the same graph and seed give the same result.
    """
    summary = AnalyticsSummary(seed=seed)
    t0 = time.perf_counter()
    write_communities(store, summary, seed=seed, method=method)
    t1 = time.perf_counter()
    first_year = write_trends(store, summary)
    t2 = time.perf_counter()
    write_lineage(store, summary, first_year)
    t3 = time.perf_counter()
    summary.seconds.update(
        communities=round(t1 - t0, 3), trends=round(t2 - t1, 3), lineage=round(t3 - t2, 3), total=round(t3 - t0, 3)
    )
    return summary


def write_communities(store, summary: AnalyticsSummary, *, seed: int, method: str = "auto") -> None:
    """Co-authorship communities: Community nodes, IN_COMMUNITY edges, Author.community."""
    split = _Split(summary, "communities")
    authorships = [(r["author"], r["paper"]) for r in read(store, "authorships")]
    authors = [r["id"] for r in read(store, "authors")]
    split("read")
    # integer arrays straight into igraph: a networkx graph of a million edges costs more than Leiden itself
    G = coauthorship_edges(authorships, authors=authors)
    partition = detect_communities(G, seed=seed, method=method)
    membership = partition.membership()
    papers: dict[int, set[str]] = defaultdict(set)
    for author, paper in authorships:
        papers[membership[author]].add(paper)
    split("compute")
    write(store, "clear_communities")
    write(
        store,
        "write_communities",
        [
            {
                "id": i,
                "size": len(c),
                "papers": len(papers[i]),
                "modularity": round(partition.modularity, 6),
                "algorithm": partition.algorithm,
            }
            for i, c in enumerate(partition.communities)
        ],
    )
    write(store, "write_memberships", [{"id": a, "community": membership[a]} for a in sorted(membership)])
    split("write")
    summary.authors = G.number_of_nodes()
    summary.coauthor_edges = G.number_of_edges()
    summary.communities = len(partition.communities)
    summary.multi_member_communities = sum(1 for c in partition.communities if len(c) > 1)
    summary.modularity = round(partition.modularity, 6)
    summary.algorithm = partition.algorithm


def write_trends(store, summary: AnalyticsSummary) -> dict[str, int | None]:
    """First year, papers naming it and burst weight on every Concept; returns the first years."""
    split = _Split(summary, "trends")
    papers = read(store, "papers")
    rows = read(store, "concept_papers")
    names = {r["id"]: r["name"] for r in read(store, "concepts")}
    split("read")
    per_period = Counter(period_of(r["year"], r["month"]) for r in papers)
    counts = mention_counts((r["concept"], r["paper"], period_of(r["year"], r["month"])) for r in rows)
    first_year: dict[str, int | None] = {}
    for r in rows:
        if r["year"] is not None:
            y = int(r["year"])
            first_year[r["concept"]] = min(y, first_year.get(r["concept"]) or y)
    bursts = burst_scores(counts, per_period)
    concepts = list(names)
    out = []
    for cid in sorted(concepts):
        weight, _ = bursts.get(cid, (0.0, False))
        out.append(
            {
                "id": cid,
                "first_year": first_year.get(cid),
                "mentions": sum(counts.get(cid, Counter()).values()),
                "burst": float(weight),
            }
        )
    split("compute")
    write(store, "write_concept_stats", out)
    split("write")
    summary.concepts = len(concepts)
    summary.concepts_with_year = sum(1 for c in concepts if first_year.get(c) is not None)
    emerging = sorted((w, cid) for cid, (w, now) in bursts.items() if now and w > 0)
    summary.emerging = [names.get(cid, cid) for _, cid in sorted(emerging, key=lambda x: (-x[0], x[1]))][:20]
    return first_year


def write_lineage(store, summary: AnalyticsSummary, first_year: dict[str, int | None]) -> None:
    """LINEAGE edges from stated derivations and name morphology, acyclic, with years."""
    split = _Split(summary, "lineage")
    concepts = [
        Concept(id=r["id"], name=r["name"] or r["id"], kind=r["kind"] or "METHOD", aliases=r["aliases"] or [], acronym=r["acronym"])
        for r in read(store, "concepts")
    ]
    stated = [(r["new_id"], r["base_id"], r["paper_id"], r["sentence"]) for r in read(store, "derivations")]
    split("read")
    G = lineage_graph(concepts, stated, first_year=first_year)
    rows = [
        {
            "src": u,
            "dst": v,
            "evidence": d["evidence"],
            "sentences": list(d["sentences"]) or list(d["patterns"]),
            "papers": list(d["papers"]),
            "child_year": d["child_year"],
            "parent_year": d["parent_year"],
        }
        for u, v, d in sorted(G.edges(data=True))
    ]
    split("compute")
    write(store, "clear_lineage")
    write(store, "write_lineage", rows)
    split("write")
    summary.lineage_edges = len(rows)
    summary.lineage_by_evidence = dict(sorted(Counter(r["evidence"] for r in rows).items()))
    summary.cycles_broken = len(G.graph.get("dropped", []))
