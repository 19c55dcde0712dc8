"""Subgraphs for views and export: an author's ego network, a community, a concept's lineage, or all.

A selection gives edges (saved queries ``ego_network``, ``community_network``,
``lineage_network``); node properties are then read label by label with statements built from
the schema (labels and property names come from kg/store/schema.py, never from user strings).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from kg.errors import InputError
from kg.report.library import run_saved
from kg.store.schema import INT64, NODES, RELATIONSHIPS, node

#: selector kind -> (saved query, its parameter)
SELECTORS = {
    "author": ("ego_network", "name"),
    "community": ("community_network", "community"),
    "lineage": ("lineage_network", "name"),
}


class GraphNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str  # unique across labels: the id, or "<Label>:<id>" for non-string ids
    label: str
    properties: dict[str, Any] = Field(default_factory=dict)


class GraphEdge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    target: str
    type: str
    properties: dict[str, Any] = Field(default_factory=dict)


class Subgraph(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    nodes: list[GraphNode] = Field(default_factory=list)
    edges: list[GraphEdge] = Field(default_factory=list)


def node_key(label: str, node_id: Any) -> str:
    """A node's key in exported graphs: its id, prefixed by its label when the id is not a string."""
    return node_id if isinstance(node_id, str) else f"{label}:{node_id}"


def _key_value(label: str, raw: str):
    """The stored key value from the text a query returned (community ids are integers)."""
    return int(raw) if node(label).properties[node(label).key] == INT64 else raw


def _node_statement(label: str, *, filtered: bool) -> str:
    n = node(label)
    columns = ", ".join(f"n.`{p}` AS `{p}`" for p in n.properties)
    where = f" WHERE n.`{n.key}` IN $ids" if filtered else ""
    return f"MATCH (n:`{label}`){where} RETURN {columns}"


def _read_nodes(store, label: str, ids: list | None = None) -> list[GraphNode]:
    key = node(label).key
    rows = store.query(_node_statement(label, filtered=ids is not None), {"ids": ids} if ids is not None else None)
    return [GraphNode(key=node_key(label, r[key]), label=label, properties=_clean(r)) for r in rows]


def parse_selector(selector: str) -> tuple[str, str]:
    """``author:Ada Park`` -> ("author", "Ada Park"); InputError naming the kinds otherwise."""
    kind, sep, value = selector.partition(":")
    if not sep or kind not in SELECTORS or not value.strip():
        raise InputError(f"bad subgraph {selector!r}: use one of " + ", ".join(f"{k}:VALUE" for k in SELECTORS))
    return kind, value.strip()


def select_subgraph(store, kind: str, value: str | int) -> Subgraph:
    """The subgraph of one selector kind (author, community, lineage) around ``value``."""
    if kind not in SELECTORS:
        raise InputError(f"unknown subgraph kind {kind!r}; expected one of {', '.join(SELECTORS)}")
    query, param = SELECTORS[kind]
    if kind == "community":
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise InputError(f"a community is selected by its number (rank by size), not {value!r}") from None
    rows = run_saved(store, query, {param: value})
    if not rows:
        raise InputError(_nothing_found(store, kind, value))
    wanted: dict[str, set] = {}
    edges = []
    for r in rows:
        src = _key_value(r["src_label"], r["src"])
        dst = _key_value(r["dst_label"], r["dst"])
        wanted.setdefault(r["src_label"], set()).add(src)
        wanted.setdefault(r["dst_label"], set()).add(dst)
        edges.append(GraphEdge(source=node_key(r["src_label"], src), target=node_key(r["dst_label"], dst), type=r["type"]))
    nodes = [n for label in sorted(wanted) for n in _read_nodes(store, label, sorted(wanted[label], key=str))]
    return Subgraph(name=f"{kind}:{value}", nodes=nodes, edges=_unique(edges))


def _nothing_found(store, kind: str, value) -> str:
    """Why a selection is empty, and what to try ("nothing found for lineage 'accuracy'" did not say whether
    the concept is missing or has no lineage)."""
    if kind == "author":
        return f"no author named {value!r} in the graph (names match whole, in any case)"
    if kind == "community":
        return f"no community {value}: communities are numbered from 0, the largest (kg query --saved communities)"
    if not run_saved(store, "concept_profile", {"name": value}):
        return f"no concept named {value!r} in the graph (try `kg query --saved search_concepts --param text=...`)"
    return f"{value!r} has no lineage: no LINEAGE edge starts or ends at it"


def whole_graph(store) -> Subgraph:
    """Every node and relationship of the schema, with their properties."""
    nodes = [n for nt in NODES for n in _read_nodes(store, nt.label)]
    edges = []
    for rt in RELATIONSHIPS:
        src_key, dst_key = node(rt.source).key, node(rt.target).key
        props = "".join(f", r.`{p}` AS `p_{p}`" for p in rt.properties)
        stmt = (
            f"MATCH (a:`{rt.source}`)-[r:`{rt.type}`]->(b:`{rt.target}`) "
            f"RETURN a.`{src_key}` AS src, b.`{dst_key}` AS dst{props}"
        )
        for r in store.query(stmt):
            properties = _clean({k[2:]: v for k, v in r.items() if k.startswith("p_")})
            edges.append(
                GraphEdge(source=node_key(rt.source, r["src"]), target=node_key(rt.target, r["dst"]),
                          type=rt.type, properties=properties)
            )
    return Subgraph(name="graph", nodes=nodes, edges=edges)


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """The subgraph as a networkx MultiDiGraph: ``label`` and ``type`` attributes plus properties."""
    g = nx.MultiDiGraph(name=sub.name)
    for n in sub.nodes:
        g.add_node(n.key, label=n.label, **n.properties)
    for e in sub.edges:
        g.add_edge(e.source, e.target, key=e.type, type=e.type, **e.properties)
    return g


def _clean(row: dict) -> dict:
    """Drop nulls (GraphML has no null) and plain-ify numbers LadybugDB returns as Decimal."""
    from decimal import Decimal

    out = {}
    for k, v in row.items():
        if v is None:
            continue
        out[k] = float(v) if isinstance(v, Decimal) else v
    return out


def _unique(edges: list[GraphEdge]) -> list[GraphEdge]:
    seen, out = set(), []
    for e in edges:
        if (e.source, e.target, e.type) not in seen:
            seen.add((e.source, e.target, e.type))
            out.append(e)
    return out
