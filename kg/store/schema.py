"""The graph schema, defined once: labels, keys, properties and relationship types.

Both backends derive their DDL from these declarations (LadybugDB node and rel tables;
Neo4j uniqueness constraints and indexes). Labels and relationship types in Cypher come
from here, never from user strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: property types, in LadybugDB's names; Neo4j is schema-free beyond constraints
STRING, INT64, DOUBLE, BOOL, STRING_LIST, INT64_LIST = (
    "STRING",
    "INT64",
    "DOUBLE",
    "BOOL",
    "STRING[]",
    "INT64[]",
)


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    properties: dict[str, str]
    #: properties worth an index (besides the key) for the saved queries
    indexed: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RelType:
    type: str
    source: str
    target: str
    properties: dict[str, str] = field(default_factory=dict)
    description: str = ""


EVIDENCE = {
    "paper_id": STRING,
    "sentence": STRING,
    "start": INT64,
    "end": INT64,
    "extractor": STRING,
    "version": STRING,
    "confidence": DOUBLE,
}
#: the evidence of an edge whose source is the paper itself: its ``paper_id`` would repeat the
#: source's key on every row (MENTIONS is a third of a graph's rows; DERIVED_FROM, from concept
#: to concept, keeps it)
PAPER_EVIDENCE = {k: t for k, t in EVIDENCE.items() if k != "paper_id"}

NODES: tuple[NodeType, ...] = (
    NodeType(
        "Paper",
        "id",
        {
            "id": STRING,
            "title": STRING,
            "abstract": STRING,
            "arxiv_id": STRING,
            "date": STRING,
            "year": INT64,
            "month": INT64,
            "date_precision": STRING,
            "category": STRING,
            "has_code": BOOL,
            "upvotes": INT64,
            "et_al": BOOL,
            "author_count": INT64,
            "sources": STRING_LIST,
            "content_hash": STRING,
            #: fingerprint of every row derived from this paper; written in the same transaction
            "load_hash": STRING,
        },
        indexed=("title", "year"),
        description="A paper, merged over every listing it appears in",
    ),
    NodeType(
        "Author",
        "id",
        {
            "id": STRING,
            "name": STRING,
            "aliases": STRING_LIST,
            "is_group": BOOL,
        },
        indexed=("name",),
        description="A person or a group author (e.g. 'FAIR CodeGen team')",
    ),
    NodeType(
        "Affiliation",
        "id",
        {"id": STRING, "slug": STRING, "name": STRING, "known": BOOL},
        indexed=("name",),
        description="An organisation, from the listing's org slugs",
    ),
    NodeType(
        "Concept",
        "id",
        {
            "id": STRING,
            "name": STRING,
            "kind": STRING,
            "aliases": STRING_LIST,
            "acronym": STRING,
            "merge_rules": STRING_LIST,
            "first_year": INT64,
            "mentions": INT64,
            "burst": DOUBLE,
        },
        indexed=("name", "kind"),
        description="A method, data set, benchmark, task or metric",
    ),
    NodeType(
        "Result",
        "id",
        {"id": STRING, "value": STRING, "number": DOUBLE, "metric": STRING, "benchmark": STRING},
        description="A value a paper reports on a benchmark or data set",
    ),
    NodeType(
        "Community",
        "id",
        # id: a hash of the smallest member's id, stable while that author stays in it (a primary key cannot
        # be SET, and ranks shift whenever a community grows); rank: 0 = largest, as users number communities
        {"id": INT64, "rank": INT64, "size": INT64, "papers": INT64, "modularity": DOUBLE, "algorithm": STRING},
        description="A co-authorship community (id: stable key; rank: its number by size, 0 = largest)",
    ),
)

RELATIONSHIPS: tuple[RelType, ...] = (
    RelType("AUTHORED", "Author", "Paper", {"position": INT64}, "author wrote paper (position in byline)"),
    RelType("AFFILIATED_WITH", "Paper", "Affiliation", {}, "paper lists this organisation"),
    RelType(
        "MENTIONS",
        "Paper",
        "Concept",
        # every mention's start offset as text ("12,431"): a list column made each LadybugDB COPY
        # appending to MENTIONS cost in proportion to the table (second half of a 212k-row load:
        # 9.1 CPU-s with an INT64[] column, 1.6 with this string)
        # the first mention's sentence as offsets into the paper's text (title, newline, abstract),
        # like start and end: its text was most of a MENTIONS row. The captured 100k-paper load
        # replayed (1.55M rows, busy machine): 17.3-18.9 CPU-s, peak 774-798 MB; without paper_id
        # on MENTIONS, PROPOSES, REPORTS 15.7 CPU-s, 707 MB; and the sentence as offsets 13.8 / 14.1
        # CPU-s, 601 MB. `sentence` holds the text only where it is not found in the paper's text
        # (0.3 CPU-s more than without the column, all null)
        {**PAPER_EVIDENCE, "surface": STRING, "count": INT64, "offsets": STRING, "sentence_start": INT64, "sentence_end": INT64},
        "paper mentions concept (first mention as evidence, its sentence as sentence_start/sentence_end in the"
        " paper's title + newline + abstract: saved query mention_evidence returns the text; every mention's"
        " start offset in offsets, comma-separated)",
    ),
    RelType("PROPOSES", "Paper", "Concept", {**PAPER_EVIDENCE, "surface": STRING}, "paper introduces concept"),
    RelType(
        "DERIVED_FROM",
        "Concept",
        "Concept",
        {**EVIDENCE, "relation": STRING},
        "a paper states that the new concept derives from the base",
    ),
    RelType("REPORTS", "Paper", "Result", PAPER_EVIDENCE, "paper reports result"),
    RelType("ON", "Result", "Concept", {}, "result is on this benchmark or data set"),
    RelType("MEASURED_BY", "Result", "Concept", {}, "result is measured by this metric"),
    RelType("FOR_METHOD", "Result", "Concept", {}, "result is reported for this method"),
    RelType(
        "LINEAGE",
        "Concept",
        "Concept",
        {"evidence": STRING, "sentences": STRING_LIST, "papers": STRING_LIST, "child_year": INT64, "parent_year": INT64},
        "analytics: child concept descends from parent (evidence: stated, morphology)",
    ),
    RelType("IN_COMMUNITY", "Author", "Community", {}, "analytics: author's co-authorship community"),
)


#: properties an earlier kg wrote that this one no longer has, per label. LadybugDB drops any column
#: the schema lacks (``ladybug_migration``); Neo4j has no columns, so ``apply_schema`` removes
#: these by name from every node that still has them (a user's own properties are left alone)
RETIRED_PROPERTIES: dict[str, tuple[str, ...]] = {
    # the community's number, repeated from IN_COMMUNITY; gone when communities got a stable key
    "Author": ("community",),
}


def node(label: str) -> NodeType:
    for n in NODES:
        if n.label == label:
            return n
    raise KeyError(label)


def relationship(rel_type: str) -> RelType:
    for r in RELATIONSHIPS:
        if r.type == rel_type:
            return r
    raise KeyError(rel_type)
