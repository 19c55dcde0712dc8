"""`kg viz`: interactive subgraph views with neo4j-viz that open offline in headless Chromium."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.report.subgraph import select_subgraph
from kg.report.viz import caption
from kg.store import open_store
from tests.fixtures.graph import fixture_store
from tests.fixtures.graph_browser import chromium, render


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("viz") / "graph.lbdb")


def test_subgraph_selections(store_path):
    with open_store(store_path, read_only=True) as s:
        ego = select_subgraph(s, "author", "Dana Wu")
        names = {n.properties.get("name") for n in ego.nodes if n.label == "Author"}
        assert names == {"Dana Wu", "Ada Park", "Ben Ortiz", "Simon V. Mathis", "Pietro Liò"}
        assert {n.properties["name"] for n in ego.nodes if n.label == "Concept"} == {
            "Group Relative Policy Optimization", "LASER-D"
        }
        community = select_subgraph(s, "community", "1")
        assert [n.properties["rank"] for n in community.nodes if n.label == "Community"] == [1]
        assert [caption(n) for n in community.nodes if n.label == "Community"] == ["#1"]  # fits its circle
        assert sum(1 for e in community.edges if e.type == "IN_COMMUNITY") == 3
        lineage = select_subgraph(s, "lineage", "GRPO")
        assert sorted(n.properties["name"] for n in lineage.nodes) == [
            "A-GRAE", "Group Relative Policy Optimization", "Proximal Policy Optimization"
        ]


@pytest.mark.parametrize("kind,value", [("author", "Dana Wu"), ("community", "0"), ("lineage", "PPO")])
def test_viz_writes_a_self_contained_page(store_path, tmp_path, kind, value):
    out = tmp_path / "view.html"
    result = CliRunner().invoke(main, ["viz", kind, value, "--store", store_path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"""<script[^>]+src\s*=""", text)  # the library's JS is inline
    assert not re.search(r"""<link[^>]+href\s*=\s*["']?https?:""", text)
    assert 'id="neo4j-viz-data"' in text


def test_viz_renders_in_headless_chromium(store_path, tmp_path):
    chromium()
    out = tmp_path / "dana.html"
    result = CliRunner().invoke(main, ["viz", "author", "Dana Wu", "--store", store_path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    # the page lays the graph out with an animation: give slow machines more virtual time
    # retry until everything asserted below is drawn (Author and Paper nodes), not just the first
    for attempt, wait_ms in enumerate((6000, 12000, 20000, 30000)):
        shown = render(out, tmp_path / f"try{attempt}", size="1200,800", wait_ms=wait_ms)
        if _has_colour(shown.screenshot, (0xF7, 0x97, 0x67)) and _has_colour(shown.screenshot, (0x4C, 0x8E, 0xDA)):
            break
    assert shown.page_errors == []
    assert "<canvas" in shown.dom  # the graph component mounted
    assert _has_colour(shown.screenshot, (0xF7, 0x97, 0x67)), "no Author node visible in the screenshot"
    assert _has_colour(shown.screenshot, (0x4C, 0x8E, 0xDA)), "no Paper node visible in the screenshot"


def _has_colour(png, rgb, tolerance=12, at_least=200) -> bool:
    """True when the screenshot has at least ``at_least`` pixels of about that colour."""
    from PIL import Image

    if not png.exists():
        return False
    with Image.open(png) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 24)
    near = sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))
    return near >= at_least


@pytest.mark.parametrize("kind,value,said", [
    ("author", "Nobody", "no author named 'Nobody' in the graph"),
    ("community", "99", "no community 99: communities are numbered from 0"),
    ("lineage", "No Such Concept", "no concept named 'No Such Concept' in the graph"),
    # it exists, without lineage: "nothing found for lineage 'QM9'" did not say which
    ("lineage", "QM9", "'QM9' has no lineage"),
])
def test_viz_unknown_selection_is_a_clean_error_saying_why(store_path, tmp_path, kind, value, said):
    result = CliRunner().invoke(main, ["viz", kind, value, "--store", store_path, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert said in result.stderr, result.stderr


def test_long_names_are_listed_in_full_under_the_graph(store_path, tmp_path):
    """A circle shows some 20 characters (two short lines): a long concept name shows its acronym there, and every
    node a circle shortens is listed with its whole name under the graph (it was cut: "Transform-ation Invar…")."""
    import html

    with open_store(store_path, read_only=True) as s:
        lineage = select_subgraph(s, "lineage", "GRPO")
        ego = select_subgraph(s, "author", "Dana Wu")
    captions = {n.properties["name"]: caption(n) for n in lineage.nodes}
    assert captions["Group Relative Policy Optimization"] == "GRPO"
    assert captions["A-GRAE"] == "A-GRAE"
    out = tmp_path / "lineage.html"
    result = CliRunner().invoke(main, ["viz", "lineage", "GRPO", "--store", store_path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = out.read_text(encoding="utf-8").split('<section id="kg-names"', 1)[1]
    assert "<b>GRPO</b> Group Relative Policy Optimization" in names
    assert "A-GRAE" not in names  # whole in its circle: not listed
    page = tmp_path / "ego.html"
    assert CliRunner().invoke(main, ["viz", "author", "Dana Wu", "--store", store_path, "-o", str(page)]).exit_code == 0
    listed = page.read_text(encoding="utf-8").split('<section id="kg-names"', 1)[1]
    for n in ego.nodes:  # every paper title is longer than a circle shows: each is listed whole
        if n.label == "Paper":
            assert html.escape(n.properties["title"]) in listed
