"""Assemble the graph to load from papers and their extractions.

Every node is resolved here: authors (kg.resolve.authors), affiliations (kg.resolve.affiliations)
and concepts (kg.resolve.concepts); every merge is kept in ``ResolvedGraph.merges``.

Two passes, so a corpus can stream through in bounded memory: :func:`resolve_corpus` reads every
paper and extraction once and keeps the corpus-wide decisions; :func:`resolved_chunk` then turns
a few papers at a time into a ResolvedGraph the loader takes. :func:`assemble_graph` is both
passes over the whole corpus as one chunk.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from kg.models import (
    Authorship,
    DerivationEdge,
    Evidence,
    MentionEdge,
    MergeDecision,
    Paper,
    PaperAffiliation,
    PaperExtraction,
    ProposalEdge,
    ResolvedGraph,
    ResultNode,
)
from kg.resolve.affiliations import AffiliationResolution, load_org_table, resolve_affiliations
from kg.resolve.aliases import AliasTable, load_aliases
from kg.resolve.authors import AuthorCounts, AuthorResolution, resolve_authors
from kg.resolve.concepts import ConceptCounts, ConceptResolution, PaperSpool, resolve_concept_stream
from kg.resolve.names import concept_key


def surface_key(text: str) -> str:
    """The variant-insensitive key of a surface form (see kg.resolve.names.concept_key)."""
    return concept_key(text)


@dataclass
class CorpusResolution:
    """The corpus-wide decisions (authors, affiliations, concepts) that every chunk of the graph uses.

    Its size grows with the distinct names and surface forms of the corpus, not with its papers'
    text: this is what the first pass of a streamed build keeps in memory.
    """

    people: AuthorResolution
    orgs: AffiliationResolution
    concepts: ConceptResolution

    @property
    def merges(self) -> list[MergeDecision]:
        return [*self.people.merges, *self.orgs.merges, *self.concepts.merges]


class _View(BaseModel):
    # reads a stored PaperExtraction and skips what the first pass does not look at
    model_config = ConfigDict(extra="ignore", cache_strings="keys")  # as kg.models.Record


class _SentenceView(_View):
    sentence: str


class _MentionView(_View):
    text: str
    type: str


class _AcronymView(_View):
    long: str
    short: str
    type: str | None = None
    evidence: _SentenceView


class _ProposalView(_View):
    name: str
    type: str | None = None


class _DerivationView(_View):
    new: str
    base: str


class _ResultView(_View):
    benchmark: str
    metric: str | None = None
    method: str | None = None


class ExtractionUses(_View):
    """The fields of a PaperExtraction that :func:`resolve_corpus` reads, and nothing else.

    Parsing a stored extraction (JSON) into this view skips the evidence and offsets the first
    pass never looks at: about half the cost of a full PaperExtraction per paper.
    """

    paper_id: str
    entities: list[_MentionView] = Field(default_factory=list)
    acronyms: list[_AcronymView] = Field(default_factory=list)
    proposes: list[_ProposalView] = Field(default_factory=list)
    derived_from: list[_DerivationView] = Field(default_factory=list)
    results: list[_ResultView] = Field(default_factory=list)


def concept_uses(ex: PaperExtraction | ExtractionUses) -> list[tuple[str, str | None]]:
    """Every surface one extraction names, with the kind it is used as: what concept resolution sees."""
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
    return uses


#: what one paper gives the corpus-wide pass: (paper id, authors as listed, org slugs, its
#: (surface, kind) uses, its acronym definitions as (long, short, kind, sentence)); the last two
#: are None when the paper has no extraction
Contribution = tuple[str, list[str], list[str], list[tuple[str, str | None]] | None, list[tuple[str, str, str | None, str]] | None]


def paper_contribution(paper: Paper, extraction: PaperExtraction | ExtractionUses | None) -> Contribution:
    """Everything :func:`resolve_contributions` reads of one paper and its extraction (plain
    lists and tuples: it can be stored, e.g. with marshal, and given back on a later build)."""
    if extraction is None:
        return paper.id, list(paper.authors), list(paper.orgs), None, None
    return paper.id, list(paper.authors), list(paper.orgs), *_extraction_parts(extraction)


def _extraction_parts(ex: PaperExtraction | ExtractionUses) -> tuple[list, list]:
    return concept_uses(ex), [(a.long, a.short, a.type, a.evidence.sentence) for a in ex.acronyms]


def resolve_corpus(
    papers: Iterable[Paper],
    extractions: Iterable[PaperExtraction | ExtractionUses] = (),
    *,
    aliases: AliasTable | str | os.PathLike[str] | None = None,
    org_table: dict[str, str] | str | os.PathLike[str] | None = None,
    spool_dir: str | os.PathLike[str] | None = None,
) -> CorpusResolution:
    """First pass: resolve authors, affiliations and concepts over the whole corpus.

    Both arguments are read once, in order, and may be streams: only names and slugs are kept,
    never Paper or PaperExtraction records; the (surface, kind) uses are spooled to a scratch
    SQLite file under ``spool_dir`` (default: the system's temporary directory). An extraction
    may be given as its :class:`ExtractionUses` view (same decisions, cheaper to parse from JSON).
    """
    def contributions() -> Iterator[Contribution]:
        for paper in papers:
            yield paper.id, paper.authors, paper.orgs, None, None
        for ex in extractions:  # an empty byline changes no author decision
            yield ex.paper_id, [], [], *_extraction_parts(ex)

    return resolve_contributions(contributions(), aliases=aliases, org_table=org_table, spool_dir=spool_dir)


def resolve_contributions(
    contributions: Iterable[Contribution],
    *,
    aliases: AliasTable | str | os.PathLike[str] | None = None,
    org_table: dict[str, str] | str | os.PathLike[str] | None = None,
    spool_dir: str | os.PathLike[str] | None = None,
) -> CorpusResolution:
    """:func:`resolve_corpus` over papers' contributions (see :func:`paper_contribution`), read
    once in corpus order: a build that stored them needs neither the papers nor their extractions."""
    if not isinstance(aliases, AliasTable):
        aliases = load_aliases(aliases)
    if not isinstance(org_table, dict):
        org_table = load_org_table(org_table)
    slugs: dict[str, None] = {}  # distinct, in first-seen order (all resolve_affiliations looks at)

    # the uses go to disk as they stream and are read back twice, by paper id: memory holds
    # counts per distinct surface, not per paper (see resolve_concept_stream)
    with PaperSpool(spool_dir) as spool:

        def bylines() -> Iterator[list[str]]:
            for pid, authors, orgs, uses, acronyms in contributions:
                slugs.update(dict.fromkeys(orgs))
                if uses is not None:
                    spool.add(pid, uses, acronyms)
                yield authors

        people = resolve_authors(bylines())
        orgs = resolve_affiliations(slugs, org_table)
        concepts = resolve_concept_stream(spool, aliases=aliases)
    # concepts.lookup holds only the (paper, key) entries the corpus-wide lookup cannot answer
    return CorpusResolution(people=people, orgs=orgs, concepts=concepts)


def resolve_counted(
    contributions: Iterable[Contribution],
    counts: ConceptCounts,
    papers_of: Callable[[list[str]], Iterable[tuple[str, list, list]]],
    *,
    org_table: dict[str, str] | str | os.PathLike[str] | None = None,
    spool_dir: str | os.PathLike[str] | None = None,
    people: AuthorCounts | None = None,
    apart: Callable[[Callable[[], object]], None] | None = None,
) -> CorpusResolution:
    """:func:`resolve_contributions` with the concepts decided from ``counts`` (see
    :meth:`ConceptCounts.resolve`, which ``papers_of`` serves): the caller keeps the counts up to
    date while the contributions stream, so only their bylines and slugs are read here. With
    ``people`` (kept up to date by the caller too, see :class:`AuthorCounts`) only the authors of
    touched names are resolved again. ``apart``: see :meth:`ConceptCounts.resolve`."""
    if not isinstance(org_table, dict):
        org_table = load_org_table(org_table)
    slugs: dict[str, None] = {}

    def bylines() -> Iterator[list[str]]:
        for _pid, authors, orgs, _uses, _acronyms in contributions:
            slugs.update(dict.fromkeys(orgs))
            yield authors

    authors = resolve_authors(bylines()) if people is None else people.resolve(bylines())
    orgs = resolve_affiliations(slugs, org_table)
    concepts = counts.resolve(papers_of, scratch_dir=spool_dir, apart=apart)
    return CorpusResolution(people=authors, orgs=orgs, concepts=concepts)


def resolved_chunk(
    papers: Iterable[Paper],
    extractions: Iterable[PaperExtraction],
    resolution: CorpusResolution,
    *,
    whole: bool = False,
) -> ResolvedGraph:
    """Second pass: the graph of some papers, with the nodes their edges refer to.

    A chunk holds every record derived from its papers (a derivation belongs to the paper of its
    evidence). ``whole=True`` also carries every resolved node and merge decision (one chunk for the
    whole corpus, as :func:`assemble_graph` returns it).
    """
    people, orgs, res = resolution.people, resolution.orgs, resolution.concepts
    papers = list(papers)
    graph = ResolvedGraph(papers=papers)
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

    result_ids: set[str] = set()
    for ex in extractions:
        _add_extraction(graph, ex, res, result_ids)

    if whole:
        graph.authors = list(people.authors.values())
        graph.affiliations = list(orgs.affiliations.values())
        graph.concepts = list(res.concepts.values())
        graph.merges = resolution.merges
    else:
        used_authors = dict.fromkeys(a.author_id for a in graph.authorships)
        used_orgs = dict.fromkeys(a.affiliation_id for a in graph.paper_affiliations)
        used = dict.fromkeys(m.concept_id for m in graph.mentions)
        used.update(dict.fromkeys(p.concept_id for p in graph.proposals))
        for d in graph.derivations:
            used.update(dict.fromkeys((d.new_id, d.base_id)))
        for r in graph.results:
            used.update(dict.fromkeys(c for c in (r.benchmark_id, r.metric_id, r.method_id) if c))
        graph.authors = [people.authors[i] for i in used_authors]
        graph.affiliations = [orgs.affiliations[i] for i in used_orgs]
        graph.concepts = [res.concepts[i] for i in used]
    return graph


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
    The whole corpus in one chunk: :func:`resolve_corpus` then :func:`resolved_chunk`.
    """
    papers = list(papers)
    extractions = list(extractions)
    resolution = resolve_corpus(papers, extractions, aliases=aliases, org_table=org_table)
    return resolved_chunk(papers, extractions, resolution, whole=True)


def _add_extraction(graph: ResolvedGraph, ex: PaperExtraction, resolution: ConceptResolution, result_ids: set[str]) -> None:
    """The edges and Result nodes of one paper's extraction."""
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


def _evidence(ex: PaperExtraction, sentence: str, start: int, end: int, confidence: float) -> Evidence:
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
