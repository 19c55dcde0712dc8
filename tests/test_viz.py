"""`kg viz`: interactive subgraph views with neo4j-viz that open offline in headless Chromium."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.report.subgraph import select_subgraph
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
        assert [n.properties["id"] for n in community.nodes if n.label == "Community"] == [1]
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
    shown = render(out, tmp_path, size="1200,800", wait_ms=6000)
    assert shown.page_errors == []
    assert "<canvas" in shown.dom  # the graph was drawn
    png = shown.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 15_000


def test_viz_unknown_selection_is_a_clean_error(store_path, tmp_path):
    result = CliRunner().invoke(main, ["viz", "author", "Nobody", "--store", store_path, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "nothing found" in result.output
