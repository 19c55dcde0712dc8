"""Report plots as inline SVG text (matplotlib, no display, no network, deterministic output)."""

from __future__ import annotations

import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # never a GUI backend: reports are rendered headless

from matplotlib.figure import Figure  # noqa: E402

#: one colour per series, colour-blind safe (Okabe-Ito)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _svg(fig: Figure) -> str:
    """The figure as SVG markup, without the XML prolog, stable across runs."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "kg", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "kg"})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def mentions_plot(mentions_by_year: list[dict], *, top: int = 6) -> str | None:
    """Papers per year mentioning each of the ``top`` most mentioned concepts."""
    series: dict[str, dict[int, int]] = defaultdict(dict)
    for r in mentions_by_year:
        series[r["concept"]][r["year"]] = r["papers"]
    if not series:
        return None
    names = sorted(series, key=lambda n: (-sum(series[n].values()), n))[:top]
    years = sorted({y for n in names for y in series[n]})
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    # distinct markers and dashes, so series that coincide stay visible
    markers, dashes = "osD^vP", ["-", "--", "-.", ":"]
    for i, name in enumerate(names):
        ax.plot(years, [series[name].get(y, 0) for y in years], marker=markers[i % len(markers)],
                linestyle=dashes[i % len(dashes)], markersize=7 - i % 3, color=PALETTE[i % len(PALETTE)], label=name)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("year")
    ax.set_ylabel("papers mentioning it")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Mentions over time", loc="left", fontsize=11)
    return _svg(fig)


#: communities drawn as bars, largest first
COMMUNITY_BARS = 12


def communities_plot(communities: list[dict], *, top: int = COMMUNITY_BARS) -> str | None:
    """Community sizes as horizontal bars, each labelled with its top concepts."""
    rows = communities[:top]
    if not rows:
        return None
    fig = Figure(figsize=(7.5, 0.55 * len(rows) + 1.0))
    ax = fig.add_subplot()
    labels = [f"#{r['community']}" for r in rows][::-1]
    sizes = [r["size"] for r in rows][::-1]
    bars = ax.barh(labels, sizes, color=PALETTE[0])
    for bar, r in zip(bars, rows[::-1]):
        concepts = ", ".join(r.get("top_concepts", [])[:3])
        ax.text(bar.get_width() + 0.05, bar.get_y() + bar.get_height() / 2, f" {concepts}", va="center", fontsize=8)
    ax.set_xlabel("members")
    ax.set_xlim(0, max(sizes) * 2.2)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Co-authorship communities and their top concepts", loc="left", fontsize=11)
    return _svg(fig)


def lineage_plot(edges: list[dict]) -> str | None:
    """The lineage DAG as a tree, roots on the left: solid arrows for stated derivations, dashed for others.

    Columns are generations (a concept sits one column right of its latest parent), so a parent
    and a child first seen in the same year still read left to right; the year is in each box.
    """
    if not edges:
        return None
    import networkx as nx

    g = nx.DiGraph()
    year: dict[str, int | None] = {}
    for e in edges:
        g.add_edge(e["parent"], e["child"], evidence=e.get("evidence"))
        year.setdefault(e["parent"], e.get("parent_year"))
        year.setdefault(e["child"], e.get("child_year"))
    if not nx.is_directed_acyclic_graph(g):  # the analytics promise a DAG; draw what we can otherwise
        g = nx.DiGraph([(u, v) for u, v in nx.dfs_edges(g)])
    depth: dict[str, int] = {}
    for node in nx.topological_sort(g):
        depth[node] = max((depth[p] + 1 for p in g.predecessors(node)), default=0)
    # rows: each weakly connected tree gets its own band, so unrelated lineages never cross
    pos: dict[str, tuple[float, float]] = {}
    row = 0.0
    for component in sorted(nx.weakly_connected_components(g), key=lambda c: sorted(c)):
        columns: dict[int, list[str]] = defaultdict(list)
        for node in sorted(component, key=lambda n: (year.get(n) or 0, n)):
            columns[depth[node]].append(node)
        band = max(len(v) for v in columns.values())
        for x, names in columns.items():
            for i, name in enumerate(names):
                pos[name] = (x, -(row + i + (band - len(names)) / 2))
        row += band + 0.4
    width = max(depth.values()) + 1
    fig = Figure(figsize=(max(7.5, 2.8 * width), 0.75 * row + 1.0))
    ax = fig.add_subplot()
    boxes = {}
    for name, (x, y) in pos.items():
        label = f"{name}\n({year[name]})" if year.get(name) else name
        boxes[name] = ax.text(x, y, label, ha="center", va="center", fontsize=8,
                              bbox={"boxstyle": "round,pad=0.35", "facecolor": "#E8F1FA", "edgecolor": PALETTE[0]})
    for u, v, data in g.edges(data=True):
        ax.annotate(
            "", xy=pos[v], xytext=pos[u],
            arrowprops={"arrowstyle": "-|>", "linestyle": "-" if data.get("evidence") == "stated" else "--",
                        "color": "#555555", "patchA": boxes[u].get_bbox_patch(), "patchB": boxes[v].get_bbox_patch()},
        )
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-row + 0.1, 0.7)
    ax.axis("off")
    ax.set_title("Concept lineage (solid: stated in a paper; dashed: name morphology)", loc="left", fontsize=11)
    return _svg(fig)


def bars_plot(rows: list[dict], x: str, y: str, title: str) -> str | None:
    """A simple bar chart of ``y`` against ``x`` (e.g. papers per year)."""
    if not rows:
        return None
    fig = Figure(figsize=(7.5, 3.0))
    ax = fig.add_subplot()
    ax.bar([str(r[x]) for r in rows], [r[y] for r in rows], color=PALETTE[0])
    ax.set_ylabel(y)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, loc="left", fontsize=11)
    return _svg(fig)
