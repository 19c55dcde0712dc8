"""Report data: each report is a set of saved queries run on a store, kept as rows and tables.

Builders return a ``Report``; renderers (kg/report/render.py, kg/report/html.py) turn it into
terminal tables, Markdown, JSON or one self-contained HTML file. The data is plain rows, so
the JSON rendering is exactly what the tables and plots show.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kg.errors import InputError
from kg.models import CONCEPT_KINDS
from kg.report.library import run_saved


class Table(BaseModel):
    """One table of a report: a title, column names and rows of plain values."""

    model_config = ConfigDict(extra="forbid")

    title: str
    columns: list[str]
    rows: list[list[Any]] = Field(default_factory=list)
    note: str = ""


class Report(BaseModel):
    """A rendered-agnostic report: tables for people, ``data`` (the query rows) for programs and plots."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    title: str
    subtitle: str = ""
    tables: list[Table] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


def table(title: str, rows: list[dict], columns: list[str], note: str = "") -> Table:
    """A Table from query rows, keeping ``columns`` in that order; lists are joined for reading."""

    def cell(v):
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        if isinstance(v, float):
            return round(v, 3)
        return v

    return Table(title=title, columns=columns, rows=[[cell(r.get(c)) for c in columns] for r in rows], note=note)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def readable_date(iso: str | None) -> str | None:
    """A stored date as people read it: a month and day the listing gave without a year (ISO
    ``--02-17``) reads "Feb 17 (year unknown)"; dates with a year stay ISO (2024, 2024-05, 2024-05-01)."""
    if iso is None or not iso.startswith("--"):
        return iso
    month, day = iso[2:].split("-")
    return f"{_MONTHS[int(month) - 1]} {int(day)} (year unknown)"


# --------------------------------------------------------------------------- builders


def overview_report(store, *, top: int = 5) -> Report:
    """The whole graph at a glance: sizes, papers per year, top concepts, communities, lineage, trends."""
    counts = store.counts()
    per_year = run_saved(store, "papers_per_year")
    top_concepts = {kind: run_saved(store, "top_concepts", {"kind": kind})[:top] for kind in CONCEPT_KINDS}
    communities = run_saved(store, "communities")
    community_concepts = run_saved(store, "community_concepts", {"per_community": 3})
    lineage = run_saved(store, "lineage_edges")
    mentions = run_saved(store, "mentions_by_year", {"min_papers": 2})
    latest = max((r["year"] for r in per_year), default=None)
    trending = run_saved(store, "trending_concepts", {"from": latest, "to": latest})[:10] if latest else []
    top_by_community: dict[int, list[str]] = {}
    for r in community_concepts:
        top_by_community.setdefault(r["community"], []).append(r["concept"])
    community_rows = [
        {**c, "top_concepts": top_by_community.get(c["community"], []), "members": sorted(c["members"])}
        for c in communities
    ]
    node_rows = [{"label": k, "count": v} for k, v in counts["nodes"].items()]
    rel_rows = [{"type": k, "count": v} for k, v in counts["relationships"].items()]
    concept_rows = [{"kind": kind, **r} for kind, rows in top_concepts.items() for r in rows]
    papers = counts["nodes"].get("Paper", 0)
    tables = [
        table("Nodes", node_rows, ["label", "count"]),
        table("Relationships", rel_rows, ["type", "count"]),
        table("Papers per year", per_year, ["year", "papers"], note=_undated_note(papers, per_year)),
        table(f"Top concepts by kind (top {top})", concept_rows, ["kind", "concept", "papers", "first_year", "proposed"]),
        table("Co-authorship communities", community_rows[:15], ["community", "size", "papers", "top_concepts"],
              note=_modularity_note(communities)),
        table(f"Trending in {latest}" if latest else "Trending", trending,
              ["concept", "kind", "recent", "before", "growth", "burst"]),
        table("Concept lineage", lineage, ["child", "parent", "evidence", "child_year", "parent_year"]),
    ]
    return Report(
        kind="overview",
        title="Knowledge graph overview",
        subtitle=f"{_n(papers, 'paper')}, {_n(counts['nodes'].get('Author', 0), 'author')}, "
                 f"{_n(counts['nodes'].get('Concept', 0), 'concept')}",
        tables=tables,
        data={
            "counts": counts,
            "papers_per_year": per_year,
            "top_concepts": top_concepts,
            "communities": community_rows,
            "lineage": lineage,
            "mentions_by_year": mentions,
            "trending": trending,
            "trending_year": latest,
        },
    )


def _undated_note(papers: int, per_year: list[dict]) -> str:
    """How many papers the per-year counts leave out (a listing may give a month and day without a year)."""
    undated = papers - sum(r["papers"] for r in per_year)
    return f"not counted: {undated} of {papers} papers have no year" if undated else ""


def _n(count: int, one: str, many: str | None = None) -> str:
    """"1 paper", "2 papers": a count with its noun."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def author_report(store, name: str) -> Report:
    """An author's papers, co-authors and community."""
    papers = run_saved(store, "author_papers", {"name": name})
    if not papers:
        raise InputError(f"no author named {name!r} in the graph (names match whole, in any case)")
    coauthors = run_saved(store, "coauthors", {"name": name})
    community = run_saved(store, "author_community", {"name": name})
    members = sorted(community[0]["members"]) if community else []
    note = f"community {community[0]['community']}: {', '.join(members)}" if community else "no community (run analytics)"
    return Report(
        kind="author",
        title=f"Author: {papers[0]['author']}",  # as the graph holds it, not as typed
        subtitle=f"{_n(len(papers), 'paper')}, {_n(len(coauthors), 'co-author')}",
        tables=[
            table("Papers", [{**p, "date": readable_date(p["date"])} for p in papers],
                  ["date", "title", "position", "proposes"]),
            table("Co-authors", coauthors, ["coauthor", "papers", "community"]),
            table("What the community works on", community, ["concept", "kind", "papers"], note=note),
        ],
        data={"name": name, "papers": papers, "coauthors": coauthors, "community": community},
    )


def _one_concept(store, name: str) -> tuple[dict, str]:
    """The profile of the concept ``name`` names (the most mentioned when it names several: an acronym such
    as DA may stand for data augmentation and Domain Adaptation), and a note naming the others."""
    profile = run_saved(store, "concept_profile", {"name": name})
    if not profile:
        raise InputError(f"no concept named {name!r} in the graph (try `kg query --saved search_concepts --param text=...`)")
    profile.sort(key=lambda r: (-r["papers"], r["concept"], r["kind"]))
    others = [f"{r['concept']} ({r['kind']})" for r in profile[1:]]
    return profile[0], (f"; {name!r} also names {', '.join(others)}: ask for it by its name" if others else "")


def concept_report(store, name: str) -> Report:
    """A concept's names, first appearance, timeline, people, organisations, lineage and results."""
    p, also = _one_concept(store, name)
    name = p["concept"]  # every table about this one concept, not every concept the name given stands for
    data: dict[str, Any] = {"profile": p}
    data["timeline"] = run_saved(store, "concept_timeline", {"name": name})
    data["authors"] = run_saved(store, "concept_authors", {"name": name})
    data["affiliations"] = run_saved(store, "concept_affiliations", {"name": name})
    data["ancestors"] = run_saved(store, "concept_ancestors", {"name": name})
    data["descendants"] = run_saved(store, "concept_descendants", {"name": name})
    data["communities"] = run_saved(store, "concept_communities", {"name": name})
    if p["kind"] in ("BENCHMARK", "DATASET"):
        data["results"] = run_saved(store, "benchmark_leaderboard", {"benchmark": name})
        results = table("Results reported on it", data["results"], ["metric", "value", "method", "paper", "year"])
    else:
        data["results"] = run_saved(store, "method_results", {"name": name})
        results = table("Results reported for it", data["results"], ["benchmark", "metric", "value", "paper", "year"])
    facts = [
        {"field": "kind", "value": p["kind"]},
        {"field": "acronym", "value": p["acronym"] or ""},
        {"field": "aliases", "value": p["aliases"] or []},
        {"field": "merge rules", "value": p["merge_rules"] or []},
        {"field": "papers", "value": p["papers"]},
        {"field": "first year", "value": p["first_year"]},
        {"field": "first papers", "value": p["first_papers"]},
        {"field": "proposed by", "value": p["proposed_by"]},
    ]
    return Report(
        kind="concept",
        title=f"Concept: {p['concept']}",
        subtitle=f"{p['kind']}, mentioned by {_n(p['papers'], 'paper')}"
                 + (f" since {p['first_year']}" if p["first_year"] is not None else ", first year unknown") + also,
        tables=[
            table("Names and first appearance", facts, ["field", "value"]),
            table("Mentions per year", data["timeline"], ["year", "papers"],
                  note=_undated_note(p["papers"], data["timeline"])),
            table("Who works on it", data["authors"][:20], ["author", "papers"]),
            table("Organisations", data["affiliations"], ["affiliation", "papers", "since", "known"]),
            table("Communities", data["communities"], ["community", "since", "papers", "role"]),
            table("Builds on", data["ancestors"], ["ancestor", "kind", "year", "depth"]),
            table("Built on by", data["descendants"], ["descendant", "kind", "year", "depth"]),
            results,
        ],
        data=data,
    )


def communities_report(store) -> Report:
    """Every co-authorship community with its members and what it works on."""
    communities = run_saved(store, "communities")
    top = run_saved(store, "community_concepts", {"per_community": 5})
    by_community: dict[int, list[str]] = {}
    for r in top:
        by_community.setdefault(r["community"], []).append(r["concept"])
    rows = [
        {**c, "members": sorted(c["members"]), "top_concepts": by_community.get(c["community"], [])}
        for c in communities
    ]
    return Report(
        kind="communities",
        title="Co-authorship communities",
        subtitle=f"{_n(len(rows), 'community', 'communities')}. {_modularity_note(communities)}",
        tables=[table("Communities", rows, ["community", "size", "papers", "members", "top_concepts"])],
        data={"communities": rows, "community_concepts": top},
    )


def lineage_report(store, name: str) -> Report:
    """A concept's ancestors and descendants, with the lineage edges between them."""
    p, also = _one_concept(store, name)
    concept = p["concept"]
    ancestors = run_saved(store, "concept_ancestors", {"name": concept})
    descendants = run_saved(store, "concept_descendants", {"name": concept})
    family = {concept} | {r["ancestor"] for r in ancestors} | {r["descendant"] for r in descendants}
    edges = [e for e in run_saved(store, "lineage_edges") if e["child"] in family and e["parent"] in family]
    return Report(
        kind="lineage",
        title=f"Lineage: {concept}",
        subtitle=f"{_n(len(ancestors), 'ancestor')}, {_n(len(descendants), 'descendant')}" + also,
        tables=[
            table("Builds on (ancestors)", ancestors, ["ancestor", "kind", "year", "depth"]),
            table("Built on by (descendants)", descendants, ["descendant", "kind", "year", "depth"]),
            table("Lineage edges", edges, ["child", "parent", "evidence", "child_year", "parent_year"]),
        ],
        data={"concept": concept, "ancestors": ancestors, "descendants": descendants, "lineage": edges},
    )


def trends_report(store, *, start: int | None = None, end: int | None = None) -> Report:
    """Concepts trending in a period (default: the latest year in the graph) and their timelines."""
    per_year = run_saved(store, "papers_per_year")
    latest = max((r["year"] for r in per_year), default=None)
    said = "" if end is not None else " (--to is the latest year in the graph when not given)"
    end = end if end is not None else latest
    start = start if start is not None else end
    if end is None:
        return Report(kind="trends", title="Trends", subtitle="no dated papers", data={"trending": []})
    if start > end:
        raise InputError(f"the period starts after it ends: {start} > {end}{said}")
    trending = run_saved(store, "trending_concepts", {"from": start, "to": end})
    names = {r["concept"] for r in trending[:8]}
    mentions = [r for r in run_saved(store, "mentions_by_year", {"min_papers": 1}) if r["concept"] in names]
    period = f"{start}" if start == end else f"{start}-{end}"
    return Report(
        kind="trends",
        title=f"Trending concepts, {period}",
        subtitle="growth = papers in the period / (papers before + 1)",
        tables=[
            table("Trending", trending, ["concept", "kind", "recent", "before", "growth", "first_year", "burst"]),
            table("Papers per year", per_year, ["year", "papers"],
                  note=_undated_note(store.counts()["nodes"].get("Paper", 0), per_year)),
        ],
        data={"from": start, "to": end, "trending": trending, "mentions_by_year": mentions, "papers_per_year": per_year},
    )


def _modularity_note(communities: list[dict]) -> str:
    if not communities:
        return "No communities yet: the analytics stage writes them."
    c = communities[0]
    modularity = c.get("modularity")
    text = f"Algorithm {c.get('algorithm')}"
    return text + (f", modularity {modularity:.3f}." if isinstance(modularity, (int, float)) else ".")
