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


#: about how many characters a circle shows (two short lines); the library cuts longer captions,
#: mid-word ("Transform-ation Invar…")
CIRCLE_FITS = 20


def full_name(node) -> str:
    """What the node is called in full: its title, name, value or rank (the Browser's caption property)."""
    _color, _size, prop = LABEL_STYLE.get(node.label, ("#A5ABB6", 20, "id"))
    return str(node.properties.get(prop, node.key))


def caption(node) -> str:
    """The text in the node's circle: a long concept name gives way to its acronym."""
    text = full_name(node)
    if node.label == "Community":
        text = f"#{text}"  # as the reports number them; "community 0" did not fit its circle ("communit-y...")
    acronym = node.properties.get("acronym") if node.label == "Concept" else None
    if len(text) > CIRCLE_FITS and acronym:
        return str(acronym)
    return text if len(text) <= 40 else text[:38] + "…"


def names_section(sub: Subgraph) -> str:
    """HTML listing, under the graph, the whole name of every node its circle shortens."""
    rows = []
    for n in sub.nodes:
        name, shown = full_name(n), caption(n)
        if n.label == "Community" or (len(name) <= CIRCLE_FITS and shown == name):
            continue
        color = LABEL_STYLE.get(n.label, ("#A5ABB6",))[0]
        label = f"<b>{_escape(shown)}</b> " if shown != name and len(shown) <= CIRCLE_FITS else ""
        rows.append(f'<li><span style="color:{color}">&#9679;</span> {label}{_escape(name)}'
                    f' <small>({_escape(n.label)})</small></li>')
    if not rows:
        return ""
    return ('<section id="kg-names" style="font: 14px sans-serif; margin: 12px 24px">'
            "<h2 style=\"font-size: 16px\">Names the circles shorten</h2>"
            "<p>Select a node and open the details panel (top right) for all its properties.</p>"
            f'<ul style="list-style: none; padding: 0; columns: 2 32em">{"".join(rows)}</ul></section>')


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
    # a proper title for the browser tab and the file; the whole names under the graph, which is given
    # 80 % of the window so that their heading shows without scrolling
    page = page.replace("<head>", f"<head><title>kg view: {_escape(sub.name)}</title>", 1)
    names = names_section(sub)
    if names:
        page = page.replace("height: 100vh", "height: 80vh", 1).replace("</body>", names + "\n  </body>", 1)
    return page


def _escape(text: str) -> str:
    import html

    return html.escape(text)
