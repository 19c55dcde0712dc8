"""ResolvedGraph -> the rows the loader writes: plain functions, no database.

A row is a tuple in its table's column order (``columns(name)``: every property of a node
label; ``src``, ``dst`` and the properties of a relationship type), so the bulk path writes it
as it is and the MERGE path zips it with the column names. Empty strings become null on both
stores, so the bulk (CSV) path and the MERGE path write the same graph.

The loader works on bounded chunks of papers: ``split_graph`` cuts a whole graph into chunks,
``chunk_rows`` turns one chunk into its shared-node rows and its per-paper rows, each paper
fingerprinted (``load_hash``) over every row derived from it.
"""

from __future__ import annotations

import gc
import hashlib
import io
import pickle
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter, itemgetter

from kg.models import Author, Affiliation, Concept, Paper, ResolvedGraph
from kg.store.schema import EVIDENCE, node, relationship

#: nodes shared between papers: upserted, and removed once no paper refers to them
SHARED_LABELS = ("Author", "Affiliation", "Concept")
#: nodes derived from one paper alone: replaced with it
PAPER_LABELS = ("Paper", "Result")
#: relationship types the loader writes (LINEAGE and IN_COMMUNITY belong to analytics)
LOADED_TYPES = ("AUTHORED", "AFFILIATED_WITH", "MENTIONS", "PROPOSES", "DERIVED_FROM", "REPORTS", "ON", "MEASURED_BY", "FOR_METHOD")
#: relationship properties that are part of the edge's identity, besides its two ends
REL_IDENTITY = {"DERIVED_FROM": ("paper_id",)}

_MODELS = {"Author": Author, "Affiliation": Affiliation, "Concept": Concept}


# --------------------------------------------------------------------------- columns


@cache
def owned_properties(label: str) -> tuple[str, ...]:
    """Properties the loader writes on ``label``; the rest (community, burst, ...) belong to analytics."""
    props = tuple(node(label).properties)
    if label in _MODELS:
        fields = _MODELS[label].model_fields
        return tuple(p for p in props if p in fields)
    return props


@cache
def rel_properties(rel_type: str) -> tuple[str, ...]:
    return tuple(relationship(rel_type).properties)


@cache
def columns(name: str) -> tuple[str, ...]:
    """Column order of a row of node label or relationship type ``name``."""
    if name in LOADED_TYPES:
        return ("src", "dst", *rel_properties(name))
    return tuple(node(name).properties)


@cache
def column_types(name: str) -> tuple[str, ...]:
    if name in LOADED_TYPES:
        r = relationship(name)
        return ("STRING", "STRING", *r.properties.values())
    return tuple(node(name).properties.values())


@cache
def key_of(name: str) -> tuple[int, ...]:
    """Positions of a row's identity: the node key, or both ends (+ identity properties) of an edge."""
    cols = columns(name)
    if name in LOADED_TYPES:
        return (0, 1, *(cols.index(p) for p in REL_IDENTITY.get(name, ())))
    return (cols.index(node(name).key),)


def as_dicts(name: str, rows: list[tuple], props: tuple[str, ...] | None = None) -> list[dict]:
    """Rows as dicts (for ``UNWIND $rows``), keeping only ``props`` (default: every column)."""
    cols = columns(name)
    keep = [(c, i) for i, c in enumerate(cols) if props is None or c in props or c in ("src", "dst")]
    return [{c: row[i] for c, i in keep} for row in rows]


def clean(value):
    """Normalise a value for both stores: empty string -> null."""
    if isinstance(value, str) and value == "":
        return None
    return value


# --------------------------------------------------------------------------- row builders


def _sources(paper: Paper) -> list[str]:
    return [f"{s.source}:{s.line}:{s.layout}" for s in paper.sources]


def _offsets(starts: list[int]) -> str:
    return ",".join(map(str, starts))


def _builder(name: str, args: str, exprs: dict[str, str]):
    """A function ``args -> row tuple`` for table ``name``, built once from the schema.

    Columns come from kg/store/schema.py, so a property added there is written (as null until
    ``exprs`` says where its value comes from); STRING values pass through ``or None`` so an
    empty string becomes null. Generated once per table: per-row work stays one tuple display.
    """
    parts = []
    for col, typ in zip(columns(name), column_types(name)):
        expr = exprs.get(col)
        if expr is None:
            parts.append("None")
        elif typ == "STRING":
            parts.append(f"({expr} or None)")
        else:
            parts.append(expr)
    code = f"lambda {args}: ({', '.join(parts)},)"
    return eval(code, {"_sources": _sources, "_offsets": _offsets})  # noqa: S307 - text built from the schema above


def _evidence(prefix: str) -> dict[str, str]:
    return {k: f"{prefix}.{k}" for k in EVIDENCE}


_PAPER = _builder(
    "Paper",
    "p, d",
    {
        "id": "p.id",
        "title": "p.title",
        "abstract": "p.abstract",
        "arxiv_id": "p.arxiv_id",
        "date": "(d.iso if d is not None else None)",
        "year": "(d.year if d is not None else None)",
        "month": "(d.month if d is not None else None)",
        "date_precision": "(d.precision if d is not None else None)",
        "category": "p.category",
        "has_code": "p.has_code",
        "upvotes": "p.upvotes",
        "et_al": "p.et_al",
        "author_count": "p.author_count",
        "sources": "_sources(p)",
        "content_hash": "p.content_hash",
    },
)
_SHARED = {label: _builder(label, "n", {p: f"n.{p}" for p in owned_properties(label)}) for label in SHARED_LABELS}
_RESULT = _builder(
    "Result",
    "r, metric, benchmark",
    {"id": "r.id", "value": "r.value", "number": "r.number", "metric": "metric", "benchmark": "benchmark"},
)
_AUTHORED = _builder("AUTHORED", "a", {"src": "a.author_id", "dst": "a.paper_id", "position": "a.position"})
_AFFILIATED = _builder("AFFILIATED_WITH", "a", {"src": "a.paper_id", "dst": "a.affiliation_id"})
_MENTIONS = _builder(
    "MENTIONS",
    "m, e, span",
    {
        "src": "m.paper_id",
        "dst": "m.concept_id",
        "surface": "m.surface",
        "count": "m.count",
        "offsets": "_offsets(m.starts)",
        **_evidence("e"),
        # the sentence as its place in the paper's text; as text only where it is not found there
        "sentence": "(None if span else e.sentence)",
        "sentence_start": "(span[0] if span else None)",
        "sentence_end": "(span[1] if span else None)",
    },
)
_PROPOSES = _builder("PROPOSES", "p, e", {"src": "p.paper_id", "dst": "p.concept_id", "surface": "p.surface", **_evidence("e")})
_DERIVED = _builder("DERIVED_FROM", "d, e", {"src": "d.new_id", "dst": "d.base_id", "relation": "d.relation", **_evidence("e")})
_REPORTS = _builder("REPORTS", "r, e", {"src": "r.paper_id", "dst": "r.id", **_evidence("e")})
_ON = _builder("ON", "r", {"src": "r.id", "dst": "r.benchmark_id"})
_MEASURED = _builder("MEASURED_BY", "r", {"src": "r.id", "dst": "r.metric_id"})
_FOR_METHOD = _builder("FOR_METHOD", "r", {"src": "r.id", "dst": "r.method_id"})


def sentence_span(text: str | None, sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``sentence``, which holds the span ``start:end`` of ``text``, lies in ``text``:
    ``(first, past_last)`` character offsets, the coordinates of ``start`` and ``end``; None
    when it is not there (no text, or a sentence from elsewhere)."""
    if not text or not sentence:
        return None
    n = len(sentence)
    at = text.rfind(sentence, max(0, end - n), start + n)
    return (at, at + n) if at >= 0 else None


#: position of load_hash in a Paper row (written after the paper's rows are fingerprinted)
LOAD_HASH_AT = columns("Paper").index("load_hash")


# --------------------------------------------------------------------------- chunks


@dataclass
class PaperRows:
    """Every row derived from one paper: replaced together, fingerprinted by ``load_hash``.

    ``items`` are ((table, key), row) pairs in the canonical order the fingerprint was taken in
    (the Paper row then carries it): the loader groups them by table only for papers it writes."""

    paper_id: str
    items: list[tuple[tuple[str, object], tuple]] = field(default_factory=list)
    load_hash: str = ""
    has_paper: bool = False

    @property
    def tables(self) -> dict[str, list[tuple]]:
        """The rows by table."""
        out: dict[str, list[tuple]] = {}
        for (name, _), row in self.items:
            out.setdefault(name, []).append(row)
        return out

    def count(self) -> int:
        return len(self.items)


@dataclass
class ChunkRows:
    """The rows of one chunk: shared nodes by label (one per id), and per-paper bundles sorted by id."""

    shared: dict[str, list[tuple]]
    papers: list[PaperRows]


def split_graph(graph: ResolvedGraph, papers_per_chunk: int) -> Iterator[ResolvedGraph]:
    """Cut ``graph`` into chunks of at most ``papers_per_chunk`` papers, each with its own records.

    Every record derived from a paper goes to that paper's chunk (derivations by the paper of
    their evidence; one whose paper is not in the graph still gets a chunk slot under that id),
    and each chunk carries the shared nodes its edges refer to. A graph that fits in one chunk is
    returned as it is.
    """
    ids = {p.id for p in graph.papers} | {d.evidence.paper_id for d in graph.derivations}
    if len(ids) <= papers_per_chunk:
        yield graph
        return
    order = sorted(ids)
    slot = {pid: i // papers_per_chunk for i, pid in enumerate(order)}
    n = (len(order) + papers_per_chunk - 1) // papers_per_chunk
    parts: list[dict[str, list]] = [defaultdict(list) for _ in range(n)]
    for attr, key in (
        ("papers", lambda r: r.id),
        ("authorships", lambda r: r.paper_id),
        ("paper_affiliations", lambda r: r.paper_id),
        ("mentions", lambda r: r.paper_id),
        ("proposals", lambda r: r.paper_id),
        ("derivations", lambda r: r.evidence.paper_id),
        ("results", lambda r: r.paper_id),
    ):
        for rec in getattr(graph, attr):
            parts[slot[key(rec)]][attr].append(rec)
    authors = {a.id: a for a in graph.authors}
    affiliations = {a.id: a for a in graph.affiliations}
    concepts = {c.id: c for c in graph.concepts}
    for i in range(n):
        part = parts[i]
        parts[i] = None  # type: ignore[call-overload] - let the chunk's lists go once it is built
        used = _used_ids(part)
        yield ResolvedGraph.model_construct(
            papers=part["papers"],
            authors=[authors[k] for k in sorted(used & authors.keys())],
            affiliations=[affiliations[k] for k in sorted(used & affiliations.keys())],
            concepts=[concepts[k] for k in sorted(used & concepts.keys())],
            authorships=part["authorships"],
            paper_affiliations=part["paper_affiliations"],
            mentions=part["mentions"],
            proposals=part["proposals"],
            derivations=part["derivations"],
            results=part["results"],
            merges=[],
        )


def _used_ids(g) -> set[str]:
    """Ids of the shared nodes the edges of ``g`` (a graph or a dict of record lists) refer to."""
    get = g.__getitem__ if isinstance(g, dict) else lambda attr: getattr(g, attr)
    used = {a.author_id for a in get("authorships")} | {a.affiliation_id for a in get("paper_affiliations")}
    used |= {m.concept_id for m in get("mentions")} | {p.concept_id for p in get("proposals")}
    used |= {d.new_id for d in get("derivations")} | {d.base_id for d in get("derivations")}
    used |= {c for r in get("results") for c in (r.benchmark_id, r.metric_id, r.method_id) if c}
    return used


def shared_rows(graph: ResolvedGraph) -> dict[str, list[tuple]]:
    """Author, Affiliation and Concept rows of ``graph`` that some edge uses, one per id (the last wins)."""
    # a node no edge refers to would be removed as an orphan at the end of every load: skip it
    used = _used_ids(graph)
    out: dict[str, list[tuple]] = {}
    for label, records in (("Author", graph.authors), ("Affiliation", graph.affiliations), ("Concept", graph.concepts)):
        build = _SHARED[label]
        by_id = {rec.id: build(rec) for rec in records if rec.id in used}
        out[label] = [by_id[k] for k in sorted(by_id)]
    return out


def chunk_rows(graph: ResolvedGraph) -> ChunkRows:
    """Shared-node rows and per-paper rows (fingerprinted) of one chunk."""
    # many small tuples and no cycles: the cyclic collector would only slow this down
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ChunkRows(shared_rows(graph), _paper_rows(graph))
    finally:
        if enabled:
            gc.enable()


def _paper_rows(graph: ResolvedGraph) -> list[PaperRows]:
    names = {c.id: c.name for c in graph.concepts}
    k = _KEYS
    # per paper: {(table, key): row}, filled in record order (the last row of a key wins)
    rows: dict[str, dict] = defaultdict(dict)
    key = k["Paper"]
    for p in graph.papers:
        row = _PAPER(p, p.date)
        rows[p.id]["Paper", key(row)] = row
    for name, records, build, pid in (
        ("AUTHORED", graph.authorships, _AUTHORED, _PAPER_ID),
        ("AFFILIATED_WITH", graph.paper_affiliations, _AFFILIATED, _PAPER_ID),
    ):
        key = k[name]
        for rec in records:
            row = build(rec)
            rows[pid(rec)][name, key(row)] = row
    texts = {p.id: p.text for p in graph.papers}
    key = k["MENTIONS"]
    for m in graph.mentions:
        ev = m.evidence
        row = _MENTIONS(m, ev, sentence_span(texts.get(m.paper_id), ev.sentence, ev.start, ev.end))
        rows[m.paper_id]["MENTIONS", key(row)] = row
    for name, records, build, pid in (
        ("PROPOSES", graph.proposals, _PROPOSES, _PAPER_ID),
        ("DERIVED_FROM", graph.derivations, _DERIVED, _EVIDENCE_PAPER_ID),
    ):
        key = k[name]
        for rec in records:
            row = build(rec, rec.evidence)
            rows[pid(rec)][name, key(row)] = row
    kr, kp, ko, km, kf = k["Result"], k["REPORTS"], k["ON"], k["MEASURED_BY"], k["FOR_METHOD"]
    for r in graph.results:
        out = rows[r.paper_id]
        metric = names.get(r.metric_id) if r.metric_id else None
        row = _RESULT(r, metric, names.get(r.benchmark_id))
        out["Result", kr(row)] = row
        row = _REPORTS(r, r.evidence)
        out["REPORTS", kp(row)] = row
        row = _ON(r)
        out["ON", ko(row)] = row
        if r.metric_id:
            row = _MEASURED(r)
            out["MEASURED_BY", km(row)] = row
        if r.method_id:
            row = _FOR_METHOD(r)
            out["FOR_METHOD", kf(row)] = row
    return [bundle(pid, rows[pid]) for pid in sorted(rows)]


_KEYS = {name: itemgetter(*key_of(name)) for name in (*PAPER_LABELS, *LOADED_TYPES)}
_PAPER_ID = attrgetter("paper_id")
_EVIDENCE_PAPER_ID = attrgetter("evidence.paper_id")


def bundle(paper_id: str, unique: dict[tuple[str, object], tuple]) -> PaperRows:
    """One paper's rows, given one per node id and per edge identity (``{(table, key): row}``,
    the last row of a key kept, so COPY and MERGE agree): in a canonical order, fingerprinted;
    the Paper row carries the fingerprint."""
    ordered = sorted(unique.items())
    # load_hash is null in the rows hashed here
    load_hash = hashlib.blake2b(canonical_bytes(ordered), digest_size=8).hexdigest()
    paper_key = ("Paper", paper_id or None)
    row = unique.get(paper_key)
    has_paper = row is not None
    if has_paper:
        at = bisect_left(ordered, paper_key, key=itemgetter(0))
        ordered[at] = (paper_key, (*row[:LOAD_HASH_AT], load_hash, *row[LOAD_HASH_AT + 1 :]))
    return PaperRows(paper_id, ordered, load_hash, has_paper)


def canonical_bytes(value) -> bytes:
    """Bytes that depend only on the value (tuples, lists, str, int, float, bool, None).

    Pickle without its memo: an object met twice is written twice, so whether two equal strings
    are one object or two does not change the bytes (plain pickle would), and it is twice as
    fast as repr on long text.
    """
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buf.getvalue()


def digest(text: str) -> int:
    """A stable 64-bit digest (Python's hash() differs between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def chunks(rows: list, size: int) -> Iterable[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
