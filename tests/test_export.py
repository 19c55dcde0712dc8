"""`kg export`: GraphML and node-link JSON that networkx reads back unchanged."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.report.export import to_graphml, to_node_link_json
from kg.report.subgraph import select_subgraph, whole_graph
from kg.store import open_store
from tests.fixtures.graph import FIXTURE, community_id, fixture_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("export") / "graph.lbdb")


@pytest.fixture(scope="module")
def graph(store_path):
    with open_store(store_path, read_only=True) as s:
        return whole_graph(s)


def test_whole_graph_has_every_node_and_edge(graph):
    labels = [n.label for n in graph.nodes]
    assert labels.count("Paper") == len(FIXTURE.papers)
    assert labels.count("Author") == len(FIXTURE.authors)
    assert labels.count("Concept") == len(FIXTURE.concepts)
    types = [e.type for e in graph.edges]
    assert types.count("AUTHORED") == len(FIXTURE.authorships)
    assert types.count("MENTIONS") == len(FIXTURE.mentions)
    assert types.count("LINEAGE") == 4 and types.count("IN_COMMUNITY") == 9


def test_graphml_round_trips_through_networkx(graph):
    g = nx.read_graphml(io.StringIO(to_graphml(graph)), force_multigraph=True)
    assert g.number_of_nodes() == len(graph.nodes)
    assert g.number_of_edges() == len(graph.edges)
    paper = g.nodes["arxiv:2402.00005"]
    assert paper["label"] == "Paper" and paper["year"] == 2024
    assert paper["title"].startswith("GRPO")
    gnn = next(d for _, d in g.nodes(data=True) if d.get("name") == "Graph Neural Networks")
    assert json.loads(gnn["aliases"]) == ["GNNs", "graph neural network"]  # lists as JSON text
    assert g.nodes[f"Community:{community_id(2)}"]["size"] == 3 and g.nodes[f"Community:{community_id(2)}"]["rank"] == 2
    stated = [d for _, _, d in g.edges(data=True) if d["type"] == "LINEAGE" and d.get("evidence") == "stated"]
    assert len(stated) == 3


def test_json_round_trips_through_networkx(graph):
    g = nx.node_link_graph(json.loads(to_node_link_json(graph)), edges="edges")
    assert g.is_directed() and g.is_multigraph()
    assert g.number_of_nodes() == len(graph.nodes)
    assert g.number_of_edges() == len(graph.edges)
    assert g.nodes["arxiv:2402.00005"]["sources"] == ["fixture.jsonl:5:jsonl"]  # lists stay lists in JSON
    dana = next(n for n, d in g.nodes(data=True) if d.get("name") == "Dana Wu")
    papers = [n for n in g.successors(dana) if g.nodes[n]["label"] == "Paper"]
    assert sorted(g.nodes[n]["year"] for n in papers) == [2023, 2024, 2025]
    assert f"Community:{community_id(2)}" in set(g.successors(dana))


def test_subgraph_export_from_the_cli(store_path, tmp_path):
    out = tmp_path / "dana.graphml"
    result = CliRunner().invoke(
        main, ["export", "--store", store_path, "--format", "graphml", "--subgraph", "author:Dana Wu", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out, force_multigraph=True)
    authors = sorted(d["name"] for _, d in g.nodes(data=True) if d["label"] == "Author")
    assert authors == ["Ada Park", "Ben Ortiz", "Dana Wu", "Pietro Liò", "Simon V. Mathis"]
    json_out = CliRunner().invoke(main, ["export", "--store", store_path, "--format", "json", "--subgraph", "lineage:PPO"])
    assert json_out.exit_code == 0, json_out.output
    lineage = nx.node_link_graph(json.loads(json_out.output), edges="edges")
    assert sorted(d["name"] for _, d in lineage.nodes(data=True)) == [
        "A-GRAE", "Group Relative Policy Optimization", "Proximal Policy Optimization"
    ]


def test_bad_subgraph_selector(store_path):
    result = CliRunner().invoke(main, ["export", "--store", store_path, "--subgraph", "planet:Mars"])
    assert result.exit_code == 2
    assert "author:VALUE" in result.output
