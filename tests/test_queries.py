"""Every saved query (cypher/queries) runs on a real store holding the fixture graph and answers right.

The fixture (tests/fixtures/graph.py) is small enough to know every answer by hand. The same
tests run on LadybugDB always and on Neo4j when a Docker engine answers (the ``neo4j`` case
then runs the NAME.neo4j.cypher variants).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.report.library import QUERY_DIR, get_query, list_queries, parse_header, run_saved
from kg.store.schema import NODES, RELATIONSHIPS
from tests.conftest import open_empty_store
from tests.fixtures.graph import load_fixture


@pytest.fixture(scope="module", params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph(request, tmp_path_factory):
    """A store holding the fixture graph and its analytics, on each backend."""
    with pytest.MonkeyPatch.context() as mp:
        store = open_empty_store(request, request.param, tmp_path_factory.mktemp("queries") / "graph.lbdb", mp)
        load_fixture(store)
        yield store
        store.close()


def run(graph, query, **params):
    """Run a saved query with its header's example parameters, overridden by ``params``."""
    return run_saved(graph, query, {**get_query(query).example_params, **params})


def col(rows, key):
    return [r[key] for r in rows]


# --------------------------------------------------------------------------- the library itself

def test_library_has_at_least_15_documented_queries():
    queries = list_queries()
    assert len(queries) >= 15
    for q in queries:
        assert q.question.endswith("?"), q.name
        assert q.returns, q.name
        for path in q.files.values():
            text = path.read_text(encoding="utf-8")
            used = set(re.findall(r"\$(\w+)", text))
            # every parameter the Cypher uses is documented with an example, and vice versa
            assert used == {p.name for p in q.parameters}, (path.name, used)


def test_dialect_variants_come_in_pairs_with_the_same_header():
    for q in list_queries():
        if set(q.files) != {""}:
            assert set(q.files) == {"ladybug", "neo4j"}, q.name
            headers = [parse_header(p.read_text(encoding="utf-8"))[:3] for p in q.files.values()]
            assert headers[0] == headers[1], q.name


def test_what_a_header_points_to_exists():
    """A header's "see NAME" names a saved query and its `kg ...` a command (overview pointed to a
    relationship_counts query that never existed)."""
    from kg.cli import main

    names = {q.name for q in list_queries()}
    for q in list_queries():
        for name in re.findall(r"\bsee (\w+)", q.returns):
            assert name in names, (q.name, name)
        for words in re.findall(r"`kg ([a-z]+(?: [a-z]+)?)", q.returns):
            command = main.get_command(None, words.split()[0])
            assert command is not None, (q.name, words)


def test_every_column_a_query_returns_is_named_in_its_header(graph):
    """`kg queries --json` and the file's header are what users read to know the columns."""
    for q in list_queries():
        rows = run_saved(graph, q.name, q.example_params)
        words = set(re.findall(r"\w+", q.returns))
        assert not [c for c in (rows[0] if rows else {}) if c not in words], (q.name, list(rows[0]), q.returns)


def test_every_saved_query_has_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [q.name for q in list_queries() if f'"{q.name}"' not in source.split("# ---- answers", 1)[1]]
    assert not untested, f"saved queries without an answer test: {untested}"


def test_missing_parameter_is_a_clear_error(graph):
    from kg.errors import InputError

    with pytest.raises(InputError, match="needs parameter"):
        run_saved(graph, "concept_authors", {})
    with pytest.raises(InputError, match="no saved query"):
        run_saved(graph, "no_such_query", {})


def test_kg_query_saved_refuses_a_missing_misspelt_or_unknown_parameter_or_name(tmp_path):
    """Exit 2 with what the query takes, before the store is opened: a missing $name would be null in the Cypher and
    answer "(no rows)", a misspelt one failed inside the store (exit 3), an unknown name named a Cypher file."""
    from click.testing import CliRunner

    from kg.cli import main
    from tests.fixtures.graph import fixture_store

    store = fixture_store(tmp_path / "graph.lbdb")
    runner = CliRunner()

    def kg_query(*args):
        return runner.invoke(main, ["query", "--saved", *args, "--store", store, "--json"])

    for args, said in [
        (["concept_authors"], "needs parameter(s): name (example: --param name=\"GNNs\")"),
        (["concept_authors", "-p", "nam=GNNs"], "needs parameter(s): name; it has no parameter(s) nam"),
        (["lineage_path", "-p", "from=A-GRAE"], "needs parameter(s): to"),
        # a number parameter given text reached the engine: "Cast failed", exit 3
        (["bridge_authors", "-p", "a=x", "-p", "b=1"], "parameter a takes a whole number, not \"x\" (example: --param a=0)"),
        (["community_profile", "-p", "community=1.5"], "parameter community takes a whole number, not 1.5"),
        (["concept_authors", "-p", "name=[1]"], "parameter name takes text, not [1]"),
        (["overview", "-p", "k=1"], "has no parameter(s) k (it takes none)"),
        (["no_such_query"], "no saved query 'no_such_query'; known: affiliation_concepts"),
        (["../queries/overview"], "no saved query '../queries/overview'"),
    ]:
        result = kg_query(*args)
        assert result.exit_code == 2 and said in result.stderr, (args, result.output)
    assert json.loads(kg_query("concept_authors", "-p", "name=GNNs").stdout)  # the right parameter answers


def test_a_number_given_for_text_is_its_text(graph):
    """`--param name=2023` arrives as the JSON number 2023: it is looked up as the text "2023", as typed."""
    from kg.report.library import check_params

    assert check_params(get_query("concept_authors"), {"name": 2023}) == {"name": "2023"}
    assert check_params(get_query("search_concepts"), {"text": True}) == {"text": "true"}
    assert check_params(get_query("bridge_authors"), {"a": 0, "b": 2}) == {"a": 0, "b": 2}
    assert run(graph, "search_concepts", text=2024) == run(graph, "search_concepts", text="2024")


SAMPLE = Path(__file__).parents[1] / "pipelines" / "sample.toml"


def test_every_example_answers_on_the_sample_corpus(tmp_path, monkeypatch):
    """`kg queries` offers each example as a ready-to-run command line for the store `make demo` builds: each one
    must answer there (8 of 32 answered nothing, their values taken from the test fixture)."""
    import os

    from kg.extract.pipeline import MODEL_DIR
    from kg.pipeline import load_pipeline_file, run_pipeline
    from kg.store import open_store

    shared = Path(os.environ.get("KG_SHARED") or Path(__file__).parents[2] / "shared")
    if not (shared / "corpus").is_dir() or not (MODEL_DIR / "meta.json").exists():
        pytest.skip("needs ../shared/corpus (or KG_SHARED) and the shipped pipeline")
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    pipe = load_pipeline_file(SAMPLE, store=str(tmp_path / "sample.lbdb"))
    run_pipeline(pipe)
    with open_store(pipe.store, read_only=True) as store:
        empty = [q.name for q in list_queries() if not run_saved(store, q.name, q.example_params)]
    assert not empty, f"examples that answer nothing on the sample corpus: {empty}"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the Neo4j linter cannot run")
def test_neo4j_variants_pass_neo4j_linter():
    lint_dir = Path(__file__).parent / "cypher_lint"
    if not (lint_dir / "node_modules").is_dir():
        pytest.skip("tests/cypher_lint/node_modules is missing: run `make lint-install`")
    statements = []
    for path in sorted(QUERY_DIR.glob("*.cypher")):
        if path.name.endswith(".ladybug.cypher"):
            continue
        text = path.read_text(encoding="utf-8")
        statements.append({"name": path.name, "cypher": text, "parameters": sorted(set(re.findall(r"\$(\w+)", text)))})
    schema = {"labels": [n.label for n in NODES], "relationshipTypes": [r.type for r in RELATIONSHIPS]}
    out = subprocess.run(
        ["node", "lint.mjs"], cwd=lint_dir, input=json.dumps({"statements": statements, "schema": schema}),
        capture_output=True, text=True, check=True,
    )
    problems = {r["name"]: r["diagnostics"] for r in json.loads(out.stdout) if r["diagnostics"]}
    assert not problems


# ---- answers: one test per saved query, on the fixture graph

def test_concept_authors(graph):
    rows = run(graph, "concept_authors", name="GNNs")  # an alias
    assert [(r["author"], r["papers"]) for r in rows] == [
        ("Simon V. Mathis", 3), ("Chaitanya K. Joshi", 2), ("Pietro Liò", 2), ("Dana Wu", 1)
    ]
    assert run(graph, "concept_authors", name="gnn") == rows  # the acronym, another case
    assert all(r["titles"] == sorted(r["titles"]) for r in rows)  # collected in title order
    assert run(graph, "concept_authors", name="no such concept") == []


def test_concept_descendants(graph):
    rows = run(graph, "concept_descendants", name="PPO")
    assert [(r["descendant"], r["depth"], r["year"]) for r in rows] == [
        ("Group Relative Policy Optimization", 1, 2024), ("A-GRAE", 2, 2025)
    ]
    assert col(run(graph, "concept_descendants", name="LASER"), "descendant") == ["LASER-D"]
    assert run(graph, "concept_descendants", name="A-GRAE") == []


def test_concept_ancestors(graph):
    rows = run(graph, "concept_ancestors", name="A-GRAE")
    assert [(r["ancestor"], r["depth"]) for r in rows] == [
        ("Group Relative Policy Optimization", 1), ("Proximal Policy Optimization", 2)
    ]


def test_lineage_path(graph):
    (row,) = run(graph, "lineage_path", **{"from": "A-GRAE", "to": "PPO"})
    assert row["hops"] == 2
    assert row["concepts"] == ["A-GRAE", "Group Relative Policy Optimization", "Proximal Policy Optimization"]
    assert row["years"] == [2025, 2024, 2023]
    assert row["evidence"] == ["stated", "stated"]
    # either direction, and nothing between unrelated lineages
    (back,) = run(graph, "lineage_path", **{"from": "PPO", "to": "A-GRAE"})
    assert back["concepts"] == list(reversed(row["concepts"]))
    assert run(graph, "lineage_path", **{"from": "LASER-D", "to": "PPO"}) == []


def test_task_benchmarks(graph):
    (row,) = run(graph, "task_benchmarks", task="mathematical reasoning")
    assert (row["benchmark"], row["metric"], row["papers"], row["best"], row["method"]) == (
        "AIME 2024", "accuracy", 3, "51.7%", "A-GRAE"
    )
    # MAE: lower is better, so the best is the smallest error
    (qm9,) = run(graph, "task_benchmarks", task="molecular property prediction")
    assert (qm9["benchmark"], qm9["best"], qm9["method"], qm9["year"]) == ("QM9", "0.009", "Graph Neural Networks", 2023)


def test_benchmark_leaderboard(graph):
    rows = run(graph, "benchmark_leaderboard", benchmark="aime 2024")
    assert col(rows, "value") == ["51.7%", "48.2%", "45.0%", "43.3%"]
    assert col(rows, "method")[0] == "A-GRAE"
    assert col(run(graph, "benchmark_leaderboard", benchmark="QM9"), "value") == ["0.009", "0.012"]


def test_benchmark_proposals(graph):
    rows = run(graph, "benchmark_proposals", benchmark="AIME 2024")
    assert [(r["method"], r["year"]) for r in rows] == [
        ("A-GRAE", 2025), ("LASER-D", 2025), ("Group Relative Policy Optimization", 2024)
    ]
    grpo = rows[-1]
    assert grpo["results"] == ["43.3%", "45.0%"]  # its own paper's and a later paper's, in order


def test_author_community(graph):
    rows = run(graph, "author_community", name="jade copet")
    assert {r["community"] for r in rows} == {1}
    assert rows[0]["members"] == ["FAIR CodeGen team", "Jade Copet", "Quentin Carbonneaux"]  # by name
    assert set(col(rows, "concept")) == {
        "Code World Model", "SWE-bench Verified", "code generation", "pass@1", "reinforcement learning"
    }
    assert all(r["papers"] == 2 for r in rows)


def test_coauthors(graph):
    rows = run(graph, "coauthors", name="Ada Park")
    assert [(r["coauthor"], r["papers"], r["community"]) for r in rows] == [("Ben Ortiz", 3, 2), ("Dana Wu", 2, 2)]


def test_trending_concepts(graph):
    rows = run(graph, "trending_concepts", **{"from": 2025, "to": 2025})
    by_name = {r["concept"]: r for r in rows}
    assert (by_name["A-GRAE"]["recent"], by_name["A-GRAE"]["before"]) == (1, 0)
    grpo = by_name["Group Relative Policy Optimization"]
    assert (grpo["recent"], grpo["before"], grpo["burst"]) == (2, 1, 2.5)
    assert "Graph Neural Networks" not in by_name  # not mentioned in 2025
    growth = col(rows, "growth")
    assert growth == sorted(growth, reverse=True)
    # a period in the past ignores later papers
    early = {r["concept"] for r in run(graph, "trending_concepts", **{"from": 2021, "to": 2021})}
    assert early == {"Graph Neural Networks", "Geometric Graph Neural Networks", "QM9", "molecular property prediction"}


def test_similar_papers(graph):
    rows = run(graph, "similar_papers", paper="arxiv:2402.00005")
    assert rows[0]["paper"].startswith("A-GRAE")
    assert rows[0]["shared"] == 5
    assert rows[0]["jaccard"] == pytest.approx(5 / 7)
    assert all("Survey" not in r["paper"] for r in rows)  # shares no concept
    assert all(r["concepts"] == sorted(r["concepts"]) for r in rows)  # by name, so runs compare equal
    by_title = run(graph, "similar_papers", paper="grpo: group relative policy optimization for math reasoning")
    assert by_title == rows


def test_bridge_authors(graph):
    rows = run(graph, "bridge_authors", a=0, b=2)
    assert col(rows, "author") == ["Dana Wu", "Pietro Liò", "Simon V. Mathis"]
    dana = rows[0]
    assert dana["in_a"] == ["Pietro Liò", "Simon V. Mathis"]
    assert dana["in_b"] == ["Ada Park", "Ben Ortiz"]
    assert run(graph, "bridge_authors", a=0, b=1) == []  # the Cambridge and FAIR groups never co-author


def test_concept_profile(graph):
    (row,) = run(graph, "concept_profile", name="graph neural network")
    assert row["concept"] == "Graph Neural Networks"
    assert (row["kind"], row["acronym"], row["papers"], row["first_year"]) == ("METHOD", "GNN", 3, 2021)
    assert sorted(row["aliases"]) == ["GNNs", "graph neural network"]
    assert row["first_papers"] == ["A Survey of Geometric Graph Neural Networks"]
    assert row["proposed_by"] == []
    (grpo,) = run(graph, "concept_profile", name="GRPO")
    assert grpo["proposed_by"] == ["GRPO: Group Relative Policy Optimization for Math Reasoning"]


def test_concept_affiliations(graph):
    rows = run(graph, "concept_affiliations", name="RL")
    assert [(r["affiliation"], r["papers"], r["since"], r["known"]) for r in rows] == [
        ("Carnegie Mellon University", 5, 2023, True), ("Meta AI", 2, 2024, True), ("acme-lab", 1, 2024, False)
    ]


def test_author_papers(graph):
    rows = run(graph, "author_papers", name="ada park")
    assert {r["author"] for r in rows} == {"Ada Park"}  # the graph's spelling, whatever the case asked
    assert col(rows, "date") == ["2025-03", "2025-01", "2024-05", "2024-02", "2023-09"]
    assert all(r["position"] == 1 for r in rows)
    assert rows[0]["proposes"] == ["LASER-D"]
    assert rows[-1]["proposes"] == []


def test_concept_timeline(graph):
    rows = run(graph, "concept_timeline", name="reinforcement learning")
    assert [(r["year"], r["papers"]) for r in rows] == [(2023, 1), (2024, 3), (2025, 3)]


def test_affiliation_concepts(graph):
    rows = run(graph, "affiliation_concepts", name="Meta AI")
    assert set(col(rows, "concept")) == {
        "Code World Model", "SWE-bench Verified", "code generation", "pass@1", "reinforcement learning"
    }
    assert run(graph, "affiliation_concepts", name="meta-ai") == rows  # the slug works too


def test_method_results(graph):
    rows = run(graph, "method_results", name="GRPO")
    assert [(r["benchmark"], r["metric"], r["value"], r["year"]) for r in rows] == [
        ("AIME 2024", "accuracy", "45.0%", 2025), ("AIME 2024", "accuracy", "43.3%", 2024)
    ]


def test_mention_evidence(graph):
    rows = run(graph, "mention_evidence", name="grpo")  # the acronym, in another case
    assert [(r["paper"], r["year"]) for r in rows] == [
        ("A-GRAE: Advantage-Guided Relative Policy Optimization", 2025),
        ("LASER-D: Dynamic Length Rewards for Efficient Reasoning", 2025),
        ("GRPO: Group Relative Policy Optimization for Math Reasoning", 2024),
    ]
    assert {r["concept"] for r in rows} == {"Group Relative Policy Optimization"}
    # the fixture's evidence sentence is the title: stored as offsets where the mention is in the
    # title (the GRPO paper), as text elsewhere; both come back as the sentence
    assert all(r["sentence"] == r["paper"] for r in rows)


def test_community_profile(graph):
    rows = run(graph, "community_profile", community=2)
    assert [(r["member"], r["papers"]) for r in rows] == [("Ada Park", 5), ("Ben Ortiz", 3), ("Dana Wu", 3)]
    assert rows[0]["proposes"] == ["A-GRAE", "Group Relative Policy Optimization", "LASER", "LASER-D"]
    assert "University of Cambridge" in rows[2]["affiliations"]
    assert all(r["affiliations"] == sorted(r["affiliations"]) for r in rows)


def test_communities(graph):
    rows = run(graph, "communities")
    assert [(r["community"], r["size"], r["papers"]) for r in rows] == [(2, 3, 6), (0, 3, 3), (1, 3, 2)]
    assert rows[2]["members"] == ["FAIR CodeGen team", "Jade Copet", "Quentin Carbonneaux"]
    assert all(r["members"] == sorted(r["members"]) for r in rows)
    assert rows[0]["modularity"] == pytest.approx(0.52)


def test_concept_communities(graph):
    rows = run(graph, "concept_communities", name="GNN")
    # community 0 introduced GNNs in 2021; community 2 (through Dana Wu) adopted them in 2023
    assert [(r["community"], r["since"], r["role"]) for r in rows] == [(0, 2021, "introduced"), (2, 2023, "adopted")]
    rows = run(graph, "concept_communities", name="reinforcement learning")
    assert [(r["community"], r["role"]) for r in rows] == [(2, "introduced"), (1, "adopted")]


def test_search_concepts(graph):
    rows = run(graph, "search_concepts", text="policy")
    assert col(rows, "concept") == ["Group Relative Policy Optimization", "Proximal Policy Optimization"]
    assert col(run(graph, "search_concepts", text="gnns"), "concept") == [
        "Graph Neural Networks", "Geometric Graph Neural Networks"
    ]


def test_overview(graph):
    rows = {r["label"]: r["nodes"] for r in run(graph, "overview")}
    assert rows == {"Paper": 10, "Author": 9, "Affiliation": 4, "Concept": 18, "Result": 8, "Community": 3}


def test_top_concepts(graph):
    rows = run(graph, "top_concepts", kind="BENCHMARK")
    assert [(r["concept"], r["papers"]) for r in rows] == [("AIME 2024", 3), ("QM9", 3), ("SWE-bench Verified", 2)]
    methods = run(graph, "top_concepts", kind="METHOD")
    assert methods[0]["concept"] == "reinforcement learning"
    assert {r["concept"]: r["proposed"] for r in methods}["A-GRAE"] == 1
    # a kind in any case, as names are: "method" answered nothing
    assert run(graph, "top_concepts", kind="method") == methods


def test_papers_per_year(graph):
    rows = run(graph, "papers_per_year")
    assert [(r["year"], r["papers"]) for r in rows] == [(2021, 1), (2022, 1), (2023, 2), (2024, 3), (2025, 3)]


def test_mentions_by_year(graph):
    rows = run(graph, "mentions_by_year", min_papers=3)
    grpo = [(r["year"], r["papers"]) for r in rows if r["concept"] == "Group Relative Policy Optimization"]
    assert grpo == [(2024, 1), (2025, 2)]
    assert "LASER" not in col(rows, "concept")  # two papers only


def test_lineage_edges(graph):
    rows = run(graph, "lineage_edges")
    assert [(r["child"], r["parent"], r["evidence"]) for r in rows] == [
        ("Geometric Graph Neural Networks", "Graph Neural Networks", "stated"),
        ("A-GRAE", "Group Relative Policy Optimization", "stated"),
        ("LASER-D", "LASER", "morphology"),
        ("Group Relative Policy Optimization", "Proximal Policy Optimization", "stated"),
    ]
    assert (rows[1]["child_year"], rows[1]["parent_year"]) == (2025, 2024)


def test_community_concepts(graph):
    rows = run(graph, "community_concepts", per_community=2)
    assert [(r["community"], r["concept"], r["rank"]) for r in rows] == [
        (0, "Graph Neural Networks", 1), (0, "QM9", 2),
        (1, "Code World Model", 1), (1, "SWE-bench Verified", 2),
        (2, "mathematical reasoning", 1), (2, "reinforcement learning", 2),
    ]


def test_ego_network(graph):
    rows = run(graph, "ego_network", name="Dana Wu")
    authored = [r for r in rows if r["type"] == "AUTHORED"]
    assert {r["dst"] for r in authored} == {"arxiv:2303.00003", "arxiv:2402.00005", "arxiv:2503.00009"}
    assert len(authored) == 8  # Dana's three papers have 3 + 3 + 2 authors
    proposes = [r for r in rows if r["type"] == "PROPOSES"]
    assert {(r["src"], r["dst_label"]) for r in proposes} == {("arxiv:2402.00005", "Concept"), ("arxiv:2503.00009", "Concept")}


def test_community_network(graph):
    rows = run(graph, "community_network", community=1)
    members = [r for r in rows if r["type"] == "IN_COMMUNITY"]
    from tests.fixtures.graph import community_id

    # selected by its number (rank), the edges end at its stored key, as text in both dialects
    assert len(members) == 3 and {r["dst"] for r in members} == {str(community_id(1))}
    assert {r["dst"] for r in rows if r["type"] == "AUTHORED"} == {"arxiv:2409.00007", "arxiv:2506.00010"}


def test_lineage_network(graph):
    from tests.fixtures.graph import cid

    rows = run(graph, "lineage_network", name="GRPO")
    assert {(r["src"], r["dst"]) for r in rows} == {(cid("AGRAE"), cid("GRPO")), (cid("GRPO"), cid("PPO"))}
    assert {(r["src"], r["dst"]) for r in run(graph, "lineage_network", name="LASER-D")} == {(cid("LASERD"), cid("LASER"))}
