"""The records every stage passes around: the project's contract.

Stages never hand each other bare dicts or tuples; they hand these pydantic models
(``extra="forbid"``, so a misspelt field is an error, not a silently dropped value).

Sections follow the data flow: ingest -> extract -> resolve -> store -> analytics.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base of every record: strict about unknown fields."""

    # cache_strings="keys": pydantic's JSON parser keeps up to 16,384 of the strings it parsed (keys
    # and values) in a cache of its own. A build parses papers and extractions all through its
    # second pass, so those cached values were small objects made there and kept, one in each of
    # thousands of pages of Python's allocator, whose arenas stayed mapped through the last commit
    # (kg/bench/NOTES.md, session 19). Keys (field names) are few and cached once.
    model_config = ConfigDict(extra="forbid", cache_strings="keys")


# --------------------------------------------------------------------------- ingest

#: How an entry was laid out where we read it.
#: header-byline  (a) "<category><date>[Code]" header, title glued to its byline, abstract
#: alternating    (b) after a page header, title and abstract on alternating lines
#: blocks-meta    (c) blank-line separated title, abstract, "• N authors", "·", date [upvotes]
#: blocks-plain   (d) blank-line separated title/abstract blocks with page furniture around them
#: jsonl          JSON Lines records
Layout = Literal["header-byline", "alternating", "blocks-meta", "blocks-plain", "jsonl"]

DatePrecision = Literal["day", "month", "year", "month-day"]


class Provenance(Record):
    """Where one listing entry was read: file, 1-based line of its first line, layout."""

    source: str
    line: int = Field(ge=1)
    layout: Layout


class PaperDate(Record):
    """A date with the precision the listing gave. A date without a year keeps ``year=None``."""

    year: int | None = None
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    precision: DatePrecision

    @property
    def iso(self) -> str:
        """ISO 8601 text at the known precision: 2023, 2023-01, 2023-01-23, or --01-23 (no year)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        if self.precision == "year":
            return f"{self.year:04d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class Paper(Record):
    """One paper, possibly merged from several listing entries (``sources`` lists each)."""

    id: str
    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    authors: list[str] = Field(default_factory=list)
    et_al: bool = False
    #: the number of authors the listing states ("• 7 authors"), when it states one
    author_count: int | None = None
    #: organisation slugs as listed ("meta-ai", "cmu"); resolved to Affiliations later
    orgs: list[str] = Field(default_factory=list)
    date: PaperDate | None = None
    category: str | None = None
    has_code: bool | None = None
    upvotes: int | None = None
    sources: list[Provenance] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The document that extraction reads; every character offset refers to it."""
        return document_text(self.title, self.abstract)

    @property
    def content_hash(self) -> str:
        """Hash of what extraction depends on; a changed hash means derived facts are stale."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


class SkippedRecord(Record):
    """An input entry that was not read, with the reason: nothing is dropped silently."""

    source: str
    line: int
    reason: str


class IngestResult(Record):
    papers: list[Paper]
    skipped: list[SkippedRecord] = Field(default_factory=list)
    #: listing entries read before deduplication
    entries: int = 0


def document_text(title: str, abstract: str) -> str:
    """Title and abstract as one text: the title, a newline, the abstract."""
    return f"{title}\n{abstract}" if abstract else title


_ARXIV_RE = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$|^[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?$")


def normalise_title(title: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive key of a title."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def paper_id(title: str, arxiv_id: str | None = None) -> str:
    """Deterministic paper id: ``arxiv:<id>`` when known, else ``t:<hash of normalised title>``."""
    if arxiv_id:
        return "arxiv:" + re.sub(r"v\d+$", "", arxiv_id.strip())
    digest = hashlib.sha256(normalise_title(title).encode("utf-8")).hexdigest()[:16]
    return f"t:{digest}"


def author_id(name: str) -> str:
    """Deterministic id of an author name before resolution (resolution may merge ids)."""
    return "a:" + hashlib.sha256(normalise_title(name).encode("utf-8")).hexdigest()[:16]


def affiliation_id(slug: str) -> str:
    return "org:" + slug.strip().casefold()


# --------------------------------------------------------------------------- extract

ConceptKind = Literal["METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC"]
CONCEPT_KINDS: tuple[str, ...] = ("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC")


class Evidence(Record):
    """Why we believe a fact: the sentence and character offsets in ``Paper.text``."""

    paper_id: str
    sentence: str
    #: offsets of the supporting span in Paper.text (start inclusive, end exclusive)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    extractor: str
    version: str
    confidence: float = Field(ge=0.0, le=1.0)


class Mention(Record):
    """A concept mention: ``text`` is the exact surface string ``Paper.text[start:end]``."""

    text: str
    type: ConceptKind
    start: int
    end: int
    sentence: str
    #: which component found it (e.g. "ner", "gazetteer", "acronym")
    source: str = "ner"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class AcronymPair(Record):
    long: str
    short: str
    type: ConceptKind | None = None
    evidence: Evidence


class Proposal(Record):
    """A named thing this paper introduces."""

    name: str
    type: ConceptKind | None = None
    evidence: Evidence


class Derivation(Record):
    """``new`` is explicitly said to extend / improve on / be a variant of ``base``."""

    new: str
    base: str
    relation: str = "derived_from"
    evidence: Evidence


class ResultRecord(Record):
    """A value reported on a named benchmark or data set, with its metric when stated."""

    benchmark: str
    metric: str | None = None
    value: str
    #: the method the value is reported for, when the text names one
    method: str | None = None
    evidence: Evidence


class PaperExtraction(Record):
    """Everything extracted from one paper."""

    paper_id: str
    extractor: str
    version: str
    content_hash: str
    entities: list[Mention] = Field(default_factory=list)
    acronyms: list[AcronymPair] = Field(default_factory=list)
    proposes: list[Proposal] = Field(default_factory=list)
    derived_from: list[Derivation] = Field(default_factory=list)
    results: list[ResultRecord] = Field(default_factory=list)


# --------------------------------------------------------------------------- resolve


class Concept(Record):
    """One real thing (method, data set, ...), after resolution of its surface forms."""

    id: str
    name: str
    kind: ConceptKind
    aliases: list[str] = Field(default_factory=list)
    acronym: str | None = None
    #: the resolution rules that merged surface forms into this concept (see MergeDecision)
    merge_rules: list[str] = Field(default_factory=list)


class Author(Record):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    is_group: bool = False


class Affiliation(Record):
    id: str
    slug: str
    name: str
    #: False when the slug is not in the curated table and is kept as listed
    known: bool = True


class MergeDecision(Record):
    """One resolution decision, kept so it can be reviewed and overridden."""

    entity: Literal["concept", "author", "affiliation"]
    kept: str
    merged: str
    rule: str
    evidence: str = ""


def concept_id(kind: str, key: str) -> str:
    """Deterministic concept id from its kind and its resolved key."""
    digest = hashlib.sha256(f"{kind}|{key}".encode("utf-8")).hexdigest()[:16]
    return f"c:{digest}"


# --------------------------------------------------------------------------- the graph to load
# What the resolve stage hands to the store: resolved nodes and the edges between them,
# all by id. The loader maps these onto the schema (kg/store/schema.py) for either backend.


class Authorship(Record):
    author_id: str
    paper_id: str
    position: int


class PaperAffiliation(Record):
    paper_id: str
    affiliation_id: str


class MentionEdge(Record):
    paper_id: str
    concept_id: str
    surface: str
    count: int
    starts: list[int]
    evidence: Evidence


class ProposalEdge(Record):
    paper_id: str
    concept_id: str
    surface: str
    evidence: Evidence


class DerivationEdge(Record):
    new_id: str
    base_id: str
    relation: str
    evidence: Evidence


class ResultNode(Record):
    """A reported value; linked to its paper, benchmark and (when stated) metric and method."""

    id: str
    paper_id: str
    value: str
    number: float | None = None
    benchmark_id: str
    metric_id: str | None = None
    method_id: str | None = None
    evidence: Evidence


class ResolvedGraph(Record):
    """Everything one load writes: the output of the resolve stage, the input of the loader."""

    papers: list[Paper] = Field(default_factory=list)
    authors: list[Author] = Field(default_factory=list)
    affiliations: list[Affiliation] = Field(default_factory=list)
    concepts: list[Concept] = Field(default_factory=list)
    authorships: list[Authorship] = Field(default_factory=list)
    paper_affiliations: list[PaperAffiliation] = Field(default_factory=list)
    mentions: list[MentionEdge] = Field(default_factory=list)
    proposals: list[ProposalEdge] = Field(default_factory=list)
    derivations: list[DerivationEdge] = Field(default_factory=list)
    results: list[ResultNode] = Field(default_factory=list)
    merges: list[MergeDecision] = Field(default_factory=list)


# --------------------------------------------------------------------------- analytics
# What kg.analytics returns: a summary of one run, and the report records kg.analytics.reports builds.


class AnalyticsSummary(Record):
    """What ``run_analytics`` computed and wrote back to the graph."""

    seed: int
    authors: int = 0
    coauthor_edges: int = 0
    communities: int = 0
    #: communities with more than one member
    multi_member_communities: int = 0
    #: IN_COMMUNITY edges this run wrote (authors new to a community); the rest stayed as stored
    memberships_written: int = 0
    modularity: float = 0.0
    algorithm: str = ""
    lineage_edges: int = 0
    #: lineage edges by evidence kind ("stated", "morphology", "stated+morphology")
    lineage_by_evidence: dict[str, int] = Field(default_factory=dict)
    #: candidate lineage edges dropped because they would close a cycle
    cycles_broken: int = 0
    concepts: int = 0
    concepts_with_year: int = 0
    emerging: list[str] = Field(default_factory=list)
    #: wall-clock seconds per step
    seconds: dict[str, float] = Field(default_factory=dict)


class ConceptCount(Record):
    name: str
    kind: str
    count: int


class CommunityProfile(Record):
    id: int
    size: int
    members: list[str]
    papers: int
    top_proposed: list[ConceptCount] = Field(default_factory=list)
    top_used: list[ConceptCount] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)


class CommunityReport(Record):
    algorithm: str
    modularity: float
    communities: list[CommunityProfile]


class LineageLink(Record):
    """One LINEAGE edge: ``child`` descends from ``parent``."""

    child: str
    parent: str
    evidence: str
    sentences: list[str] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list)
    child_year: int | None = None
    parent_year: int | None = None


class LineageStep(Record):
    """A concept on a lineage walk, ``depth`` edges away from the concept asked about."""

    name: str
    kind: str
    first_year: int | None = None
    depth: int


class LineageReport(Record):
    concept: str
    kind: str
    first_year: int | None = None
    ancestors: list[LineageStep] = Field(default_factory=list)
    descendants: list[LineageStep] = Field(default_factory=list)
    edges: list[LineageLink] = Field(default_factory=list)


class LineagePath(Record):
    """The lineage path from ``source`` to ``target`` (either direction), empty when none."""

    source: str
    target: str
    steps: list[LineageStep] = Field(default_factory=list)
    edges: list[LineageLink] = Field(default_factory=list)


class ConceptTrend(Record):
    name: str
    kind: str
    first_year: int | None = None
    #: papers mentioning the concept per period ("2023", or "undated")
    counts: dict[str, int] = Field(default_factory=dict)
    burst: float = 0.0
    #: the community whose papers mention it first, then the ones that adopt it later, in order
    introduced_by: int | None = None
    adopted_by: list[int] = Field(default_factory=list)


class TrendsReport(Record):
    periods: list[str]
    #: papers per period (the denominator of the burst statistic)
    papers_per_period: dict[str, int] = Field(default_factory=dict)
    emerging: list[ConceptTrend] = Field(default_factory=list)
    top: list[ConceptTrend] = Field(default_factory=list)


class ConceptReport(Record):
    id: str
    name: str
    kind: str
    aliases: list[str] = Field(default_factory=list)
    acronym: str | None = None
    merge_rules: list[str] = Field(default_factory=list)
    papers: int = 0
    first_year: int | None = None
    burst: float = 0.0
    proposed_by: list[str] = Field(default_factory=list)
    parents: list[LineageLink] = Field(default_factory=list)
    children: list[LineageLink] = Field(default_factory=list)
    communities: list[int] = Field(default_factory=list)


# --------------------------------------------------------------------------- store and pipeline


class LoadStats(Record):
    """What one ``GraphStore.load`` did."""

    papers_new: int = 0
    papers_replaced: int = 0
    papers_unchanged: int = 0
    papers_removed: int = 0
    #: node rows written (inserted or updated) and relationship rows written
    nodes_written: int = 0
    rels_written: int = 0
    nodes_unchanged: int = 0
    orphans_removed: int = 0
    seconds: float = 0.0
    #: "copy" (file-based bulk insert for new rows) or "merge" (UNWIND $rows ... MERGE only)
    path: str = "merge"
    #: fingerprint of the whole loaded graph: equal fingerprints mean equal graphs
    graph_hash: str = ""


class StageTiming(Record):
    stage: str
    seconds: float
    #: records the stage produced (papers, extractions, rows ...)
    count: int = 0


class BuildSummary(Record):
    """What one pipeline run did: counts and timings per stage."""

    pipeline: str
    store: str
    papers: int = 0
    skipped_records: int = 0
    extracted: int = 0
    extraction_cached: int = 0
    papers_unchanged: int = 0
    load: LoadStats | None = None
    analytics_ran: bool = False
    stages: list[StageTiming] = Field(default_factory=list)
    seconds: float = 0.0
    #: True when the inputs, settings, code and store were those of the last successful build:
    #: nothing was extracted, resolved or loaded, and ``papers`` is that build's count
    up_to_date: bool = False
