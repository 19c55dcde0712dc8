"""Assemble the graph to load from papers and their extractions.

This first version resolves only exact matches (case-insensitive surface forms of one kind,
identical author names, identical org slugs). Entity resolution proper (acronyms, variants,
author name matching, curated org names) refines the keys used here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from kg.models import (
    Affiliation,
    Author,
    Authorship,
    Concept,
    DerivationEdge,
    MentionEdge,
    Paper,
    PaperAffiliation,
    PaperExtraction,
    ProposalEdge,
    ResolvedGraph,
    ResultNode,
    affiliation_id,
    author_id,
    concept_id,
)


def surface_key(text: str) -> str:
    """The exact-match key of a surface form: case- and space-insensitive."""
    return " ".join(text.casefold().split())


def assemble_graph(papers: Iterable[Paper], extractions: Iterable[PaperExtraction] = ()) -> ResolvedGraph:
    """Build a ResolvedGraph with exact-match resolution of authors, orgs and concepts."""
    papers = list(papers)
    graph = ResolvedGraph(papers=papers)
    authors: dict[str, Author] = {}
    orgs: dict[str, Affiliation] = {}
    for paper in papers:
        for position, name in enumerate(paper.authors):
            aid = author_id(name)
            authors.setdefault(aid, Author(id=aid, name=name))
            graph.authorships.append(Authorship(author_id=aid, paper_id=paper.id, position=position))
        for slug in paper.orgs:
            oid = affiliation_id(slug)
            orgs.setdefault(oid, Affiliation(id=oid, slug=slug, name=slug, known=False))
            graph.paper_affiliations.append(PaperAffiliation(paper_id=paper.id, affiliation_id=oid))
    graph.authors = list(authors.values())
    graph.affiliations = list(orgs.values())

    concepts: dict[str, Concept] = {}

    def concept_for(surface: str, kind: str) -> str:
        cid = concept_id(kind, surface_key(surface))
        if cid not in concepts:
            concepts[cid] = Concept(id=cid, name=surface, kind=kind)
        elif surface not in concepts[cid].aliases and surface != concepts[cid].name:
            concepts[cid].aliases.append(surface)
        return cid

    for ex in extractions:
        kinds: dict[str, str] = {}
        by_concept: dict[str, MentionEdge] = {}
        for m in ex.entities:
            kinds.setdefault(surface_key(m.text), m.type)
            cid = concept_for(m.text, m.type)
            if cid in by_concept:
                edge = by_concept[cid]
                edge.count += 1
                edge.starts.append(m.start)
            else:
                by_concept[cid] = MentionEdge(
                    paper_id=ex.paper_id,
                    concept_id=cid,
                    surface=m.text,
                    count=1,
                    starts=[m.start],
                    evidence=_evidence(ex, m.sentence, m.start, m.end, m.confidence),
                )
        graph.mentions.extend(by_concept.values())
        for p in ex.proposes:
            kind = p.type or kinds.get(surface_key(p.name), "METHOD")
            graph.proposals.append(
                ProposalEdge(paper_id=ex.paper_id, concept_id=concept_for(p.name, kind), surface=p.name, evidence=p.evidence)
            )
        for d in ex.derived_from:
            new_kind = kinds.get(surface_key(d.new), "METHOD")
            base_kind = kinds.get(surface_key(d.base), new_kind)
            graph.derivations.append(
                DerivationEdge(
                    new_id=concept_for(d.new, new_kind),
                    base_id=concept_for(d.base, base_kind),
                    relation=d.relation,
                    evidence=d.evidence,
                )
            )
        for r in ex.results:
            bench = concept_for(r.benchmark, kinds.get(surface_key(r.benchmark), "BENCHMARK"))
            metric = concept_for(r.metric, "METRIC") if r.metric else None
            method = concept_for(r.method, "METHOD") if r.method else None
            rid = "r:" + hashlib.sha256(
                f"{ex.paper_id}|{r.benchmark}|{r.metric}|{r.value}|{r.method}".encode("utf-8")
            ).hexdigest()[:16]
            graph.results.append(
                ResultNode(
                    id=rid,
                    paper_id=ex.paper_id,
                    value=r.value,
                    number=_number(r.value),
                    benchmark_id=bench,
                    metric_id=metric,
                    method_id=method,
                    evidence=r.evidence,
                )
            )
    graph.concepts = list(concepts.values())
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
