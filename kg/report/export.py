"""GraphML and JSON export of a Subgraph, for Gephi, networkx and other tools.

GraphML has no list type: list properties (aliases, sources, ...) are written as JSON text.
JSON is networkx's node-link format (``nx.node_link_graph(data, edges="edges")`` reads it back).
"""

from __future__ import annotations

import io
import json

import networkx as nx

from kg.report.subgraph import Subgraph, to_networkx

EXPORT_FORMATS = ("graphml", "json")


def to_graphml(sub: Subgraph) -> str:
    """The subgraph as GraphML text."""
    g = to_networkx(sub)
    for _, data in g.nodes(data=True):
        _flatten(data)
    for _, _, data in g.edges(data=True):
        _flatten(data)
    buffer = io.BytesIO()
    nx.write_graphml(g, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def to_node_link_json(sub: Subgraph) -> str:
    """The subgraph as node-link JSON (keys ``nodes`` and ``edges``)."""
    data = nx.node_link_data(to_networkx(sub), edges="edges")
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def export_graph(sub: Subgraph, fmt: str) -> str:
    """The subgraph in ``fmt`` (graphml or json)."""
    return to_graphml(sub) if fmt == "graphml" else to_node_link_json(sub)


def _flatten(data: dict) -> None:
    for k, v in list(data.items()):
        if isinstance(v, (list, dict)):
            data[k] = json.dumps(v, ensure_ascii=False)
