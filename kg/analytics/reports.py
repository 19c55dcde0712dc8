"""Report records read from an analysed store, for ``kg report`` and for library users.

Each function reads with the named statements in cypher/analytics/ and returns a pydantic
record from kg.models; rendering (text, Markdown, JSON, HTML) belongs to kg.report.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from kg.analytics.lineage import ancestors_with_depth, descendants_with_depth, lineage_path
from kg.analytics.run import read
from kg.analytics.trends import UNDATED, adoption_order, mention_counts, period_of, timeline
from kg.errors import InputError
from kg.models import (
    CommunityProfile,
    CommunityReport,
    ConceptCount,
    ConceptReport,
    ConceptTrend,
    LineageLink,
    LineagePath,
    LineageReport,
    LineageStep,
    TrendsReport,
)
from kg.resolve.names import concept_key


def community_report(store, *, top: int = 5, min_size: int = 1) -> CommunityReport:
    """Every community (largest first): members, papers, top proposed and used concepts, affiliations."""
    rows = read(store, "communities")
    if not rows:
        return CommunityReport(algorithm="", modularity=0.0, communities=[])
    members: dict[int, list[str]] = defaultdict(list)
    meta: dict[int, dict] = {}
    community_of: dict[str, int] = {}
    for r in rows:
        cid = int(r["community"])
        members[cid].append(r["name"])
        meta[cid] = r
        community_of[r["author"]] = cid
    papers = _papers_by_community(store, community_of)
    concepts = {r["id"]: r for r in read(store, "concepts")}
    used = _by_paper(read(store, "concept_papers"))
    proposed = _by_paper(read(store, "proposals"))
    orgs = _by_paper(read(store, "paper_affiliations"), value="name")
    out = []
    for cid in sorted(members, key=lambda c: (-len(members[c]), c)):
        if len(members[cid]) < min_size:
            continue
        ps = papers.get(cid, set())
        out.append(
            CommunityProfile(
                id=cid,
                size=len(members[cid]),
                members=sorted(members[cid]),
                papers=len(ps),
                top_proposed=_top_concepts(ps, proposed, concepts, top),
                top_used=_top_concepts(ps, used, concepts, top),
                affiliations=[n for n, _ in sorted(Counter(o for p in ps for o in orgs.get(p, ())).items(), key=lambda x: (-x[1], x[0]))],
            )
        )
    first = next(iter(meta.values()))
    return CommunityReport(algorithm=first["algorithm"] or "", modularity=float(first["modularity"] or 0.0), communities=out)


def lineage_report(store, name: str, *, max_depth: int | None = None) -> LineageReport:
    """A concept's ancestors and descendants on the lineage DAG, with years and every edge's evidence."""
    G, links, info = _lineage(store)
    cid = _find_concept(info, name)
    anc = [(n, d) for n, d in ancestors_with_depth(G, cid) if max_depth is None or d <= max_depth]
    desc = [(n, d) for n, d in descendants_with_depth(G, cid) if max_depth is None or d <= max_depth]
    near = {cid} | {n for n, _ in anc} | {n for n, _ in desc}
    return LineageReport(
        concept=info[cid]["name"],
        kind=info[cid]["kind"],
        first_year=info[cid]["first_year"],
        ancestors=[_step(info, n, d) for n, d in anc],
        descendants=[_step(info, n, d) for n, d in desc],
        edges=[links[(u, v)] for u, v in sorted(G.edges) if u in near and v in near],
    )


def lineage_path_report(store, source: str, target: str) -> LineagePath:
    """The lineage path between two concepts (whichever descends from the other), with years and evidence."""
    G, links, info = _lineage(store)
    a, b = _find_concept(info, source), _find_concept(info, target)
    path = lineage_path(G, a, b)
    edges = []
    for u, v in zip(path, path[1:]):
        edges.append(links[(u, v)] if (u, v) in links else links[(v, u)])
    return LineagePath(
        source=info[a]["name"], target=info[b]["name"], steps=[_step(info, n, i) for i, n in enumerate(path)], edges=edges
    )


def trends_report(store, *, top: int = 20, granularity: str = "year") -> TrendsReport:
    """Mentions per period for the most named concepts, the emerging ones (bursts reaching the latest
    period), and which community introduced each and which adopted it later."""
    papers = read(store, "papers")
    per_period = Counter(period_of(r["year"], r["month"], granularity=granularity) for r in papers)
    rows = read(store, "concept_papers")
    counts = mention_counts((r["concept"], r["paper"], period_of(r["year"], r["month"], granularity=granularity)) for r in rows)
    info = {r["id"]: r for r in read(store, "concept_stats")}
    adoption = _adoption(store, rows)
    periods = timeline(per_period) + ([UNDATED] if per_period.get(UNDATED) else [])

    def trend(cid: str) -> ConceptTrend:
        intro, adopters = adoption.get(cid, (None, []))
        r = info[cid]
        return ConceptTrend(
            name=r["name"],
            kind=r["kind"],
            first_year=r["first_year"],
            counts=dict(sorted(counts.get(cid, Counter()).items())),
            burst=float(r["burst"] or 0.0),
            introduced_by=intro,
            adopted_by=adopters,
        )

    ranked = sorted(counts, key=lambda c: (-sum(counts[c].values()), info.get(c, {}).get("name") or c))
    emerging = sorted((c for c in info if (info[c]["burst"] or 0) > 0), key=lambda c: (-info[c]["burst"], info[c]["name"]))
    return TrendsReport(
        periods=periods,
        papers_per_period=dict(sorted(per_period.items())),
        emerging=[trend(c) for c in emerging[:top]],
        top=[trend(c) for c in ranked[:top] if c in info],
    )


def concept_report(store, name: str) -> ConceptReport:
    """One concept: its aliases and the rules that merged them, papers, first year, lineage, communities."""
    info = {r["id"]: r for r in read(store, "concept_stats")}
    cid = _find_concept(info, name)
    r = info[cid]
    rows = [x for x in read(store, "concept_papers") if x["concept"] == cid]
    proposers = sorted({x["paper"] for x in read(store, "proposals") if x["concept"] == cid})
    _, links, _ = _lineage(store)
    intro, adopters = _adoption(store, rows).get(cid, (None, []))
    return ConceptReport(
        id=cid,
        name=r["name"],
        kind=r["kind"],
        aliases=list(r["aliases"] or []),
        acronym=r["acronym"],
        merge_rules=list(r["merge_rules"] or []),
        papers=len({x["paper"] for x in rows}),
        first_year=r["first_year"],
        burst=float(r["burst"] or 0.0),
        proposed_by=proposers,
        parents=[link for (u, _), link in sorted(links.items()) if u == cid],
        children=[link for (_, v), link in sorted(links.items()) if v == cid],
        communities=([intro] if intro is not None else []) + adopters,
    )


# --------------------------------------------------------------------------- helpers


def _find_concept(info: dict[str, dict], name: str) -> str:
    """The id of the concept called ``name`` (name, alias or acronym; variant-insensitive)."""
    key = concept_key(name)
    exact = [cid for cid, r in info.items() if concept_key(r["name"] or "") == key]
    if not exact:
        exact = [
            cid
            for cid, r in info.items()
            if key in {concept_key(a) for a in (r.get("aliases") or [])} or (r.get("acronym") and concept_key(r["acronym"]) == key)
        ]
    if not exact:
        raise InputError(f"no concept named {name!r} in the graph")
    # several concepts share a name only across kinds or acronym senses: the most named one first
    return sorted(exact, key=lambda c: (-(info[c].get("mentions") or 0), c))[0]


def _lineage(store) -> tuple[nx.DiGraph, dict[tuple[str, str], LineageLink], dict[str, dict]]:
    info = {r["id"]: r for r in read(store, "concept_stats")}
    G = nx.DiGraph()
    G.add_nodes_from(info)
    links: dict[tuple[str, str], LineageLink] = {}
    for r in read(store, "lineage_edges"):
        G.add_edge(r["child_id"], r["parent_id"])
        links[(r["child_id"], r["parent_id"])] = LineageLink(
            child=r["child"],
            parent=r["parent"],
            evidence=r["evidence"] or "",
            sentences=list(r["sentences"] or []),
            papers=list(r["papers"] or []),
            child_year=r["child_year"],
            parent_year=r["parent_year"],
        )
    return G, links, info


def _step(info: dict[str, dict], cid: str, depth: int) -> LineageStep:
    r = info[cid]
    return LineageStep(name=r["name"], kind=r["kind"], first_year=r["first_year"], depth=depth)


def _papers_by_community(store, community_of: dict[str, int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for r in read(store, "authorships"):
        if r["author"] in community_of:
            out[community_of[r["author"]]].add(r["paper"])
    return out


def _by_paper(rows: list[dict], *, value: str = "concept") -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["paper"]].append(r[value])
    return out


def _top_concepts(papers: set[str], by_paper: dict[str, list[str]], concepts: dict[str, dict], top: int) -> list[ConceptCount]:
    counts = Counter(c for p in papers for c in set(by_paper.get(p, ())))
    ranked = sorted(counts.items(), key=lambda x: (-x[1], concepts[x[0]]["name"] or x[0]))[:top]
    return [ConceptCount(name=concepts[c]["name"], kind=concepts[c]["kind"], count=n) for c, n in ranked]


def _adoption(store, concept_rows: list[dict]) -> dict[str, tuple[int | None, list[int]]]:
    """Per concept: the community whose dated papers name it first, then the later adopters."""
    community_of = {r["author"]: int(r["community"]) for r in read(store, "communities")}
    paper_communities: dict[str, set[int]] = defaultdict(set)
    for r in read(store, "authorships"):
        if r["author"] in community_of:
            paper_communities[r["paper"]].add(community_of[r["author"]])
    first: dict[str, dict[int, tuple]] = defaultdict(dict)
    for r in concept_rows:
        if r["year"] is None:
            continue  # an undated paper cannot say who came first
        when = (int(r["year"]), int(r["month"] or 0))
        for k in paper_communities.get(r["paper"], ()):
            seen = first[r["concept"]].get(k)
            if seen is None or when < seen:
                first[r["concept"]][k] = when
    return {c: adoption_order(by) for c, by in first.items()}
