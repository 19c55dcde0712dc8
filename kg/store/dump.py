"""A canonical text dump of the whole graph: equal dumps mean equal graphs (for tests)."""

from __future__ import annotations

import json
import math

from kg.store import statements as S
from kg.store.schema import NODES, RELATIONSHIPS


def canonical_dump(store, *, exclude: tuple[str, ...] = ()) -> str:
    """Every node and relationship with its non-null properties, one sorted line each.

    Nodes are identified by their keys, never by internal ids, so two stores holding the same
    graph give the same text. ``exclude`` drops labels or relationship types (e.g. analytics ones).
    """
    lines: list[str] = []
    for n in NODES:
        if n.label in exclude:
            continue
        for row in store.query(S.dump_nodes(n.label)):
            lines.append(f"({n.label} {_props(row)})")
    for r in RELATIONSHIPS:
        if r.type in exclude:
            continue
        for row in store.query(S.dump_rels(r.type)):
            src, dst = row.pop("src"), row.pop("dst")
            lines.append(f"[{r.source} {json.dumps(src)}]-[:{r.type} {_props(row)}]->[{r.target} {json.dumps(dst)}]")
    lines.sort()
    return "\n".join(lines) + ("\n" if lines else "")


def _props(row: dict) -> str:
    clean = {k: _value(v) for k, v in row.items() if v is not None and v != ""}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False)


def _value(v):
    if isinstance(v, float) and math.isfinite(v):
        return float(f"{v:.12g}")
    if isinstance(v, tuple):
        return list(v)
    return v
