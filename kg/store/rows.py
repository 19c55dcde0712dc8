"""ResolvedGraph -> the rows the loader writes: plain functions, no database.

Rows are plain dicts keyed by schema property names, every row of one label or type with the
same keys (LadybugDB's UNWIND needs that). Empty strings become null on both stores, so the
bulk (CSV) path and the MERGE path write the same graph.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from kg.models import Author, Affiliation, Concept, Evidence, Paper, ResolvedGraph
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


def clean(value):
    """Normalise a value for both stores: empty string -> null."""
    if isinstance(value, str) and value == "":
        return None
    return value


@dataclass
class PaperRows:
    """Every row derived from one paper: replaced together, fingerprinted by ``load_hash``."""

    paper_id: str
    nodes: dict[str, list[dict]] = field(default_factory=dict)
    rels: dict[str, list[dict]] = field(default_factory=dict)
    load_hash: str = ""

    def count(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))


def shared_node_rows(graph: ResolvedGraph) -> dict[str, list[dict]]:
    """Author, Affiliation and Concept rows, one per id (the last record wins, as MERGE ... SET would)."""
    # a node no edge refers to would be removed as an orphan at the end of every load: skip it
    used = {a.author_id for a in graph.authorships} | {a.affiliation_id for a in graph.paper_affiliations}
    used |= {m.concept_id for m in graph.mentions} | {p.concept_id for p in graph.proposals}
    used |= {d.new_id for d in graph.derivations} | {d.base_id for d in graph.derivations}
    used |= {c for r in graph.results for c in (r.benchmark_id, r.metric_id, r.method_id) if c}
    out: dict[str, list[dict]] = {}
    for label, records in (("Author", graph.authors), ("Affiliation", graph.affiliations), ("Concept", graph.concepts)):
        props = owned_properties(label)
        by_id: dict[str, dict] = {}
        for rec in records:
            if rec.id in used:
                by_id[rec.id] = {p: clean(_listcopy(getattr(rec, p))) for p in props}
        out[label] = [by_id[k] for k in sorted(by_id)]
    return out


def _listcopy(value):
    return list(value) if isinstance(value, list) else value


def paper_row(paper: Paper) -> dict:
    date = paper.date
    row = {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "date": date.iso if date else None,
        "year": date.year if date else None,
        "month": date.month if date else None,
        "date_precision": date.precision if date else None,
        "category": paper.category,
        "has_code": paper.has_code,
        "upvotes": paper.upvotes,
        "et_al": paper.et_al,
        "author_count": paper.author_count,
        "sources": [f"{s.source}:{s.line}:{s.layout}" for s in paper.sources],
        "content_hash": paper.content_hash,
        "load_hash": None,
    }
    return {p: clean(row.get(p)) for p in node("Paper").properties}


def _evidence(ev: Evidence) -> dict:
    return {k: clean(getattr(ev, k)) for k in EVIDENCE}


def _rel(rel_type: str, src: str, dst: str, **props) -> dict:
    row = {"src": src, "dst": dst}
    for p in rel_properties(rel_type):
        v = props.get(p)
        row[p] = None if v == "" else v
    return row


def rel_key(rel_type: str, row: dict) -> tuple:
    return (row["src"], row["dst"], *(row[p] for p in REL_IDENTITY.get(rel_type, ())))


def paper_rows(graph: ResolvedGraph) -> list[PaperRows]:
    """Rows grouped by the paper they derive from, sorted by paper id, each with its fingerprint.

    DERIVED_FROM edges belong to the paper named in their evidence; an edge whose paper is not in
    the graph is grouped under that id all the same (it has no Paper node, only its edge).
    """
    # many small dicts and no cycles: the cyclic collector would only slow this down
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _paper_rows(graph)
    finally:
        if enabled:
            gc.enable()


def _paper_rows(graph: ResolvedGraph) -> list[PaperRows]:
    names = {c.id: c.name for c in graph.concepts}
    bundles: dict[str, PaperRows] = {}

    def bundle(pid: str) -> PaperRows:
        if pid not in bundles:
            bundles[pid] = PaperRows(pid, {label: [] for label in PAPER_LABELS}, {t: [] for t in LOADED_TYPES})
        return bundles[pid]

    for paper in graph.papers:
        bundle(paper.id).nodes["Paper"] = [paper_row(paper)]
    for a in graph.authorships:
        bundle(a.paper_id).rels["AUTHORED"].append(_rel("AUTHORED", a.author_id, a.paper_id, position=a.position))
    for pa in graph.paper_affiliations:
        bundle(pa.paper_id).rels["AFFILIATED_WITH"].append(_rel("AFFILIATED_WITH", pa.paper_id, pa.affiliation_id))
    for m in graph.mentions:
        bundle(m.paper_id).rels["MENTIONS"].append(
            _rel("MENTIONS", m.paper_id, m.concept_id, surface=m.surface, count=m.count, starts=list(m.starts), **_evidence(m.evidence))
        )
    for p in graph.proposals:
        bundle(p.paper_id).rels["PROPOSES"].append(
            _rel("PROPOSES", p.paper_id, p.concept_id, surface=p.surface, **_evidence(p.evidence))
        )
    for d in graph.derivations:
        bundle(d.evidence.paper_id).rels["DERIVED_FROM"].append(
            _rel("DERIVED_FROM", d.new_id, d.base_id, relation=d.relation, **_evidence(d.evidence))
        )
    for r in graph.results:
        b = bundle(r.paper_id)
        b.nodes["Result"].append(
            {
                "id": r.id,
                "value": clean(r.value),
                "number": r.number,
                "metric": names.get(r.metric_id) if r.metric_id else None,
                "benchmark": names.get(r.benchmark_id),
            }
        )
        b.rels["REPORTS"].append(_rel("REPORTS", r.paper_id, r.id, **_evidence(r.evidence)))
        b.rels["ON"].append(_rel("ON", r.id, r.benchmark_id))
        if r.metric_id:
            b.rels["MEASURED_BY"].append(_rel("MEASURED_BY", r.id, r.metric_id))
        if r.method_id:
            b.rels["FOR_METHOD"].append(_rel("FOR_METHOD", r.id, r.method_id))

    for b in bundles.values():
        _dedupe(b)
        b.load_hash = fingerprint(b)
        for row in b.nodes["Paper"]:
            row["load_hash"] = b.load_hash
    return [bundles[k] for k in sorted(bundles)]


def _dedupe(b: PaperRows) -> None:
    """One row per node id and per edge identity (the last wins), so COPY and MERGE agree."""
    for label, rows in b.nodes.items():
        b.nodes[label] = list({r["id"]: r for r in rows}.values())
    for rel_type, rows in b.rels.items():
        b.rels[rel_type] = list({rel_key(rel_type, r): r for r in rows}.values())


def fingerprint(b: PaperRows) -> str:
    """Hash of every row derived from the paper: equal hashes mean nothing to write."""
    h = hashlib.sha256()
    for group in (b.nodes, b.rels):
        for name in sorted(group):
            # rows of one label or type share their key order, so repr of the values is canonical
            lines = sorted(repr(tuple(v for k, v in r.items() if k != "load_hash")) for r in group[name])
            h.update(f"{name}:{len(lines)}\n".encode("utf-8"))
            h.update("\n".join(lines).encode("utf-8"))
    return h.hexdigest()[:16]


def graph_fingerprint(bundles: list[PaperRows], shared: dict[str, list[dict]]) -> str:
    """Hash of everything a load writes: equal fingerprints mean the loaded graphs are equal."""
    h = hashlib.sha256()
    for b in bundles:
        h.update(f"{b.paper_id}={b.load_hash}\n".encode("utf-8"))
    for label in sorted(shared):
        for row in shared[label]:
            h.update(f"{label}:{_canon(row)}\n".encode("utf-8"))
    return h.hexdigest()[:16]


def _canon(row: dict) -> str:
    return json.dumps({k: v for k, v in row.items() if k != "load_hash"}, sort_keys=True, ensure_ascii=False)


def chunks(rows: list, size: int) -> Iterable[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
