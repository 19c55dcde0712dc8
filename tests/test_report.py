"""Reports: the data builders on the fixture graph, each renderer, and the `kg report` commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import InputError
from kg.report import data as D
from kg.report.render import render, to_markdown, to_text
from kg.store import open_store
from tests.fixtures.graph import fixture_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("report") / "graph.lbdb")


@pytest.fixture(scope="module")
def store(store_path):
    with open_store(store_path, read_only=True) as s:
        yield s


def test_overview_report(store):
    r = D.overview_report(store)
    assert r.data["counts"]["nodes"]["Paper"] == 10
    assert [row["year"] for row in r.data["papers_per_year"]] == [2021, 2022, 2023, 2024, 2025]
    assert r.data["top_concepts"]["METHOD"][0]["concept"] == "reinforcement learning"
    by_id = {c["community"]: c for c in r.data["communities"]}
    assert by_id[1]["top_concepts"] == ["Code World Model", "SWE-bench Verified", "code generation"]
    assert len(r.data["lineage"]) == 4
    assert r.data["trending_year"] == 2025
    assert {t.title for t in r.tables} >= {"Nodes", "Co-authorship communities", "Concept lineage"}


def test_author_report(store):
    r = D.author_report(store, "Dana Wu")
    assert [p["year"] for p in r.data["papers"]] == [2025, 2024, 2023]
    # titled with the graph's spelling: `kg report author "dana wu"` was titled "Author: dana wu"
    assert D.author_report(store, "dana wu").title == "Author: Dana Wu"
    assert {c["coauthor"] for c in r.data["coauthors"]} == {"Ada Park", "Ben Ortiz", "Simon V. Mathis", "Pietro Liò"}
    assert "community 2" in r.tables[2].note
    with pytest.raises(InputError, match="no author named"):
        D.author_report(store, "Nobody Here")


def test_concept_report_shows_aliases_and_lineage(store):
    r = D.concept_report(store, "GRPO")
    assert r.title == "Concept: Group Relative Policy Optimization"
    facts = dict(r.tables[0].rows)
    assert facts["acronym"] == "GRPO"
    assert facts["first year"] == 2024
    assert [a["ancestor"] for a in r.data["ancestors"]] == ["Proximal Policy Optimization"]
    assert [d["descendant"] for d in r.data["descendants"]] == ["A-GRAE"]
    assert [x["value"] for x in r.data["results"]] == ["45.0%", "43.3%"]
    bench = D.concept_report(store, "qm9")
    assert [x["value"] for x in bench.data["results"]] == ["0.009", "0.012"]  # a leaderboard for benchmarks
    gnn = D.concept_report(store, "GNNs")
    assert "GNNs, graph neural network" in dict(gnn.tables[0].rows)["aliases"]


def test_communities_report(store):
    r = D.communities_report(store)
    assert [c["community"] for c in r.data["communities"]] == [2, 0, 1]
    assert r.data["communities"][1]["members"] == ["Chaitanya K. Joshi", "Pietro Liò", "Simon V. Mathis"]
    assert "modularity 0.520" in r.subtitle


def test_lineage_report(store):
    r = D.lineage_report(store, "GRPO")
    assert {(e["child"], e["parent"]) for e in r.data["lineage"]} == {
        ("A-GRAE", "Group Relative Policy Optimization"),
        ("Group Relative Policy Optimization", "Proximal Policy Optimization"),
    }
    with pytest.raises(InputError):
        D.lineage_report(store, "no such concept")


def test_trends_report(store):
    r = D.trends_report(store, start=2024, end=2025)
    names = [t["concept"] for t in r.data["trending"]]
    # growth 6/(1+1) = 3.0 and 3/(0+1) = 3.0; ties go to the more mentioned, then by name
    assert names[:4] == ["reinforcement learning", "AIME 2024", "Group Relative Policy Optimization", "accuracy"]
    assert "Graph Neural Networks" not in names
    assert D.trends_report(store).data["from"] == 2025  # default: the latest year
    with pytest.raises(InputError, match="starts after"):
        D.trends_report(store, start=2025, end=2021)


def test_renderers(store):
    r = D.concept_report(store, "GRPO")
    md = to_markdown(r)
    assert md.startswith("# Concept: Group Relative Policy Optimization")
    assert "| ancestor | kind | year | depth |" in md
    text = to_text(r)
    assert "Builds on" in text and "Proximal Policy Optimization" in text
    payload = json.loads(render(r, "json"))
    assert payload["report"] == "concept" and payload["profile"]["acronym"] == "GRPO"


@pytest.mark.parametrize(
    "args",
    [
        ["overview"],
        ["author", "Ada Park"],
        ["concept", "GNNs"],
        ["communities"],
        ["lineage", "PPO"],
        ["trends", "--from", "2024", "--to", "2025"],
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_report_commands(store_path, args, fmt):
    result = CliRunner().invoke(main, ["report", *args, "--store", store_path, "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["report"] == args[0]
    elif fmt == "html":
        assert result.output.startswith("<!DOCTYPE html>")
    else:
        assert result.output.strip()


def test_report_json_shorthand_and_output_file(store_path, tmp_path):
    out = tmp_path / "communities.json"
    result = CliRunner().invoke(main, ["report", "communities", "--store", store_path, "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["communities"]) == 3


def test_report_unknown_name_is_one_clean_line(store_path):
    result = CliRunner().invoke(main, ["report", "concept", "no such thing", "--store", store_path])
    assert result.exit_code == 2
    assert "no concept named" in result.output
    assert "Traceback" not in result.output


def test_saved_queries_listing():
    result = CliRunner().invoke(main, ["queries", "--json"])
    assert result.exit_code == 0
    names = {q["name"] for q in json.loads(result.output)}
    assert {"concept_authors", "lineage_path", "bridge_authors"} <= names


def test_the_community_plot_says_when_it_draws_only_the_largest():
    from kg.report.html import figures_for
    from kg.report.plots import COMMUNITY_BARS

    def caption(n):
        rows = [{"community": i, "size": 20 - i, "top_concepts": ["GRPO"]} for i in range(n)]
        (fig,) = figures_for(D.Report(kind="communities", title="t", data={"communities": rows}))
        return fig[0]

    assert caption(COMMUNITY_BARS + 1).endswith(f"The {COMMUNITY_BARS} largest of {COMMUNITY_BARS + 1}.")
    assert "largest" not in caption(3)


def test_report_subtitles_count_in_words_and_never_print_none(tmp_path):
    """'1 paper', not '1 papers'; a concept without a first year said 'since None'."""
    path = fixture_store(tmp_path / "graph.lbdb")
    with open_store(path) as s:
        s.execute("MATCH (p:Paper) SET p.year = NULL")  # listings that give no year
    runner = CliRunner()

    def subtitle(*args):
        result = runner.invoke(main, ["report", *args, "--store", path, "--format", "markdown"])
        assert result.exit_code == 0, result.output
        return result.output.splitlines()[2]

    assert subtitle("concept", "A-GRAE") == "METHOD, mentioned by 1 paper, first year unknown"
    concept = runner.invoke(main, ["report", "concept", "A-GRAE", "--store", path, "--format", "markdown"]).output
    assert "not counted: 1 of 1 papers have no year" in concept  # under its mentions per year
    assert subtitle("lineage", "A-GRAE").endswith(", 0 descendants")
    assert subtitle("lineage", "A-GRAE").startswith("2 ancestors")


def test_overview_says_how_many_papers_the_per_year_counts_leave_out(tmp_path):
    path = fixture_store(tmp_path / "graph.lbdb")
    runner = CliRunner()
    overview = runner.invoke(main, ["report", "overview", "--store", path, "--format", "markdown"]).output
    assert "have no year" not in overview
    with open_store(path) as s:
        s.execute("MATCH (p:Paper) WHERE p.title = $t SET p.year = NULL", {"t": "CWM: An Open-Weights LLM for Research on Code Generation with World Models"})
        papers = s.counts()["nodes"]["Paper"]
    overview = runner.invoke(main, ["report", "overview", "--store", path, "--format", "markdown"]).output
    assert f"not counted: 1 of {papers} papers have no year" in overview


def test_a_table_note_reads_as_one_line_under_a_narrow_table():
    """The note was the table's caption, wrapped to its width: "not counted: 195" / "of 255 papers" / "have no year"."""
    note = "not counted: 195 of 255 papers have no year"
    report = D.Report(kind="overview", title="t", tables=[D.Table(title="Papers per year", columns=["year", "papers"],
                                                                  rows=[[2014, 1]], note=note)])
    assert note in to_text(report).splitlines()


def test_a_date_without_a_year_reads_as_the_listing_gave_it(tmp_path, monkeypatch):
    # a listing may give "Feb 17" with no year: people read it so, programs keep ISO "--02-17"
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    assert D.readable_date("--02-17") == "Feb 17 (year unknown)"
    assert D.readable_date("2024-05") == "2024-05" and D.readable_date(None) is None
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(
        json.dumps({"id": "p-1", "title": "Sparse Routers", "authors": ["Ann Lee"], "date": "Feb 17"}) + "\n"
        + json.dumps({"id": "p-2", "title": "Dense Routers", "authors": ["Ann Lee"], "date": "2024-05-01"}) + "\n",
        encoding="utf-8")
    store = str(tmp_path / "g.lbdb")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--store", store]).exit_code == 0
    for fmt in ("text", "markdown", "html"):
        shown = runner.invoke(main, ["report", "author", "Ann Lee", "--format", fmt, "--store", store])
        assert shown.exit_code == 0, shown.output
        assert "Feb 17 (year unknown)" in shown.stdout and "--02-17" not in shown.stdout, fmt
        assert "2024-05-01" in shown.stdout
    data = json.loads(runner.invoke(main, ["report", "author", "Ann Lee", "--format", "json", "--store", store]).stdout)
    assert {p["date"] for p in data["papers"]} == {"--02-17", "2024-05-01"}
    monkeypatch.setenv("COLUMNS", "200")  # rich's table width: one line per cell
    table = runner.invoke(main, ["ingest", str(corpus), "--format", "table"])
    assert "Feb 17 (year unknown)" in table.stdout and "--02-17" not in table.stdout


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_kg_report_trends_takes_a_year_only(store_path, option):
    # 99999999999999999999 reached the engine, which answered "Unable to cast Python instance of type int"
    result = CliRunner().invoke(main, ["report", "trends", option, "99999999999999999999", "--store", str(store_path)])
    assert result.exit_code == 2 and "is not in the range 0<=x<=9999" in result.output, result.output


def test_kg_report_trends_from_after_the_latest_year_says_where_the_end_came_from(store_path):
    """`--from 2030` alone said "the period starts after it ends: 2030 > 2025": the user gave no end."""
    result = CliRunner().invoke(main, ["report", "trends", "--from", "9000", "--store", str(store_path)])
    assert result.exit_code == 2, result.output
    assert "(--to is the latest year in the graph when not given)" in result.stderr, result.stderr
    given = CliRunner().invoke(main, ["report", "trends", "--from", "9000", "--to", "8000", "--store", str(store_path)])
    assert given.exit_code == 2 and given.stderr.strip().endswith("9000 > 8000"), given.stderr


def test_a_name_for_two_concepts_reports_one_and_names_the_other(tmp_path):
    """An acronym standing for two concepts (DA: data augmentation and Domain Adaptation on the sample corpus) titled
    the report with one and filled its tables (authors, timeline, lineage) with both."""
    from kg.report.library import run_saved

    path = fixture_store(tmp_path / "graph.lbdb")
    with open_store(path) as s:
        s.execute("MATCH (c:Concept) WHERE c.name = 'code generation' SET c.acronym = 'GRPO'")
    with open_store(path, read_only=True) as s:
        r = D.concept_report(s, "GRPO")
        assert r.title == "Concept: Group Relative Policy Optimization"  # the most mentioned of the two
        assert "'GRPO' also names code generation (TASK): ask for it by its name" in r.subtitle
        assert r.data["authors"] == run_saved(s, "concept_authors", {"name": "Group Relative Policy Optimization"})
        assert r.data["authors"] != run_saved(s, "concept_authors", {"name": "GRPO"})
        lineage = D.lineage_report(s, "grpo")
        assert lineage.title == "Lineage: Group Relative Policy Optimization" and "also names" in lineage.subtitle
