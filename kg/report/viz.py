"""Interactive, self-contained HTML views of a subgraph with Neo4j's visualisation library (neo4j-viz).

neo4j-viz inlines its JavaScript and CSS in the page it renders, so the file opens offline.
Colours follow cypher/browser/kg.grass, so the view looks like the Neo4j Browser.
"""

from __future__ import annotations

from kg.report.subgraph import Subgraph

#: one colour and size per label, the same as the Browser style (cypher/browser/kg.grass)
LABEL_STYLE = {
    "Paper": ("#4C8EDA", 20, "title"),
    "Author": ("#F79767", 25, "name"),
    "Affiliation": ("#8DCC93", 25, "name"),
    "Concept": ("#C990C0", 30, "name"),
    "Result": ("#FFC454", 15, "value"),
    "Community": ("#DA7194", 40, "rank"),
}


def caption(node) -> str:
    color, size, prop = LABEL_STYLE.get(node.label, ("#A5ABB6", 20, "id"))
    value = node.properties.get(prop, node.key)
    text = str(value)
    if node.label == "Community":
        text = f"#{text}"  # as the reports number them; "community 0" did not fit its circle ("communit-y...")
    return text if len(text) <= 40 else text[:38] + "…"


def to_viz_html(sub: Subgraph, *, height: str = "720px") -> str:
    """The subgraph as one HTML page with an interactive graph (pan, zoom, drag, search)."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    nodes = []
    for n in sub.nodes:
        color, size, _ = LABEL_STYLE.get(n.label, ("#A5ABB6", 20, "id"))
        props = {"label": n.label, **{k: v for k, v in n.properties.items() if isinstance(v, (str, int, float, bool))}}
        nodes.append(Node(id=n.key, caption=caption(n), color=color, size=size, properties=props))
    rels = [
        Relationship(id=f"{i}", source=e.source, target=e.target, caption=e.type, properties={"type": e.type})
        for i, e in enumerate(sub.edges)
    ]
    graph = VisualizationGraph(nodes=nodes, relationships=rels)
    page = graph.render(height=height, theme="light").data
    # a proper title for the browser tab and the file
    return page.replace("<head>", f"<head><title>kg view: {_escape(sub.name)}</title>", 1)


def _escape(text: str) -> str:
    import html

    return html.escape(text)
