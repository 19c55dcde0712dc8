"""Assemble the graph to load from papers and their extractions.

Every node is resolved here: authors (kg.resolve.authors), affiliations (kg.resolve.affiliations)
and concepts (kg.resolve.concepts); every merge is kept in ``ResolvedGraph.merges``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

from kg.models import (
    Authorship,
    DerivationEdge,
    MentionEdge,
    Paper,
    PaperAffiliation,
    PaperExtraction,
    ProposalEdge,
    ResolvedGraph,
    ResultNode,
)
from kg.resolve.affiliations import load_org_table, resolve_affiliations
from kg.resolve.aliases import AliasTable, load_aliases
from kg.resolve.authors import resolve_authors
from kg.resolve.concepts import resolve_concepts
from kg.resolve.names import concept_key


def surface_key(text: str) -> str:
    """The variant-insensitive key of a surface form (see kg.resolve.names.concept_key)."""
    return concept_key(text)


def assemble_graph(
    papers: Iterable[Paper],
    extractions: Iterable[PaperExtraction] = (),
    *,
    aliases: AliasTable | str | os.PathLike[str] | None = None,
    org_table: dict[str, str] | str | os.PathLike[str] | None = None,
) -> ResolvedGraph:
    """Build the ResolvedGraph: resolved authors, affiliations and concepts, and the edges between them.

    ``aliases`` is an AliasTable or the path of a curated alias TSV (added to the shipped one;
    default: env KG_CONCEPT_ALIASES); ``org_table`` a slug -> name dict or a TSV path (env KG_ORGS).
    """
    papers = list(papers)
    extractions = list(extractions)
    if not isinstance(aliases, AliasTable):
        aliases = load_aliases(aliases)
    if not isinstance(org_table, dict):
        org_table = load_org_table(org_table)
    graph = ResolvedGraph(papers=papers)

    people = resolve_authors(p.authors for p in papers)
    orgs = resolve_affiliations((s for p in papers for s in p.orgs), org_table)
    for paper in papers:
        seen: set[str] = set()
        for position, name in enumerate(paper.authors):
            aid = people.lookup.get(name)
            if aid is None or aid in seen:
                continue
            seen.add(aid)
            graph.authorships.append(Authorship(author_id=aid, paper_id=paper.id, position=position))
        for oid in dict.fromkeys(orgs.lookup[s] for s in paper.orgs if s in orgs.lookup):
            graph.paper_affiliations.append(PaperAffiliation(paper_id=paper.id, affiliation_id=oid))
    graph.authors = list(people.authors.values())
    graph.affiliations = list(orgs.affiliations.values())

    # every surface a paper names, with the kind it is used as, goes through resolution together
    mentions_by_paper: dict[str, list[tuple[str, str | None]]] = {}
    acronyms_by_paper = {}
    for ex in extractions:
        kinds = {surface_key(m.text): m.type for m in ex.entities}
        uses: list[tuple[str, str | None]] = [(m.text, m.type) for m in ex.entities]
        uses += [(p.name, p.type or kinds.get(surface_key(p.name))) for p in ex.proposes]
        for d in ex.derived_from:
            new_kind = kinds.get(surface_key(d.new))
            uses += [(d.new, new_kind), (d.base, kinds.get(surface_key(d.base), new_kind))]
        for r in ex.results:
            uses.append((r.benchmark, kinds.get(surface_key(r.benchmark), "BENCHMARK")))
            if r.metric:
                uses.append((r.metric, "METRIC"))
            if r.method:
                uses.append((r.method, kinds.get(surface_key(r.method), "METHOD")))
        mentions_by_paper.setdefault(ex.paper_id, []).extend(uses)
        acronyms_by_paper.setdefault(ex.paper_id, []).extend(ex.acronyms)
    resolution = resolve_concepts(mentions_by_paper, acronyms_by_paper, aliases=aliases)
    graph.concepts = list(resolution.concepts.values())

    result_ids: set[str] = set()
    for ex in extractions:
        pid = ex.paper_id
        by_concept: dict[str, MentionEdge] = {}
        for m in ex.entities:
            cid = resolution.concept_of(pid, m.text)
            if cid in by_concept:
                edge = by_concept[cid]
                edge.count += 1
                edge.starts.append(m.start)
            else:
                by_concept[cid] = MentionEdge(
                    paper_id=pid,
                    concept_id=cid,
                    surface=m.text,
                    count=1,
                    starts=[m.start],
                    evidence=_evidence(ex, m.sentence, m.start, m.end, m.confidence),
                )
        graph.mentions.extend(by_concept.values())
        proposed: set[str] = set()
        for p in ex.proposes:
            cid = resolution.concept_of(pid, p.name)
            if cid not in proposed:
                proposed.add(cid)
                graph.proposals.append(ProposalEdge(paper_id=pid, concept_id=cid, surface=p.name, evidence=p.evidence))
        derived: set[tuple[str, str]] = set()
        for d in ex.derived_from:
            new_id, base_id = resolution.concept_of(pid, d.new), resolution.concept_of(pid, d.base)
            if new_id == base_id or (new_id, base_id) in derived:
                continue  # "X extends X" after resolution says nothing
            derived.add((new_id, base_id))
            graph.derivations.append(DerivationEdge(new_id=new_id, base_id=base_id, relation=d.relation, evidence=d.evidence))
        for r in ex.results:
            bench = resolution.concept_of(pid, r.benchmark)
            metric = resolution.concept_of(pid, r.metric) if r.metric else None
            method = resolution.concept_of(pid, r.method) if r.method else None
            rid = "r:" + hashlib.sha256(f"{pid}|{r.benchmark}|{r.metric}|{r.value}|{r.method}".encode("utf-8")).hexdigest()[:16]
            if rid in result_ids:
                continue
            result_ids.add(rid)
            graph.results.append(
                ResultNode(
                    id=rid,
                    paper_id=pid,
                    value=r.value,
                    number=_number(r.value),
                    benchmark_id=bench,
                    metric_id=metric,
                    method_id=method,
                    evidence=r.evidence,
                )
            )
    graph.merges = people.merges + orgs.merges + resolution.merges
    return graph


def _evidence(ex: PaperExtraction, sentence: str, start: int, end: int, confidence: float):
    from kg.models import Evidence

    return Evidence(
        paper_id=ex.paper_id,
        sentence=sentence,
        start=start,
        end=end,
        extractor=ex.extractor,
        version=ex.version,
        confidence=confidence,
    )


def _number(value: str) -> float | None:
    """The numeric part of a reported value ("65.8%" -> 65.8), when there is one."""
    digits = "".join(ch for ch in value if ch.isdigit() or ch in ".-+")
    try:
        return float(digits)
    except ValueError:
        return None
