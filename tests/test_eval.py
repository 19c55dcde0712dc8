"""The scorer and the `kg eval` / `kg extract` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract.datasets import shared_dir
from kg.extract.evaluate import score_sets
from kg.extract.pipeline import MODEL_DIR


def test_score_sets_strict_and_data_merged():
    gold = [{("a", "METHOD"), ("b", "BENCHMARK"), ("c", "TASK")}]
    pred = [{("a", "METHOD"), ("b", "DATASET"), ("d", "TASK")}]
    r = score_sets(gold, pred, name="x", documents=1)
    assert (r.micro.tp, r.micro.fp, r.micro.fn) == (1, 2, 2)
    assert r.micro_data_merged.tp == 2
    assert r.per_type["METHOD"].f1 == 1.0 and r.per_type["TASK"].f1 == 0.0


def test_eval_and_extract_have_help():
    runner = CliRunner()
    for cmd in ("eval", "extract"):
        res = runner.invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and "Example:" in res.output


@pytest.mark.skipif(not (shared_dir() / "datasets").exists(), reason="../shared/datasets absent")
@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_eval_json_on_tdmsci_dev():
    res = CliRunner().invoke(main, ["eval", "--dataset", "tdmsci", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["documents"] == 304 and 0.0 < report["micro"]["f1"] <= 1.0
    assert set(report["per_type"]) <= {"TASK", "DATASET", "METRIC"}


def test_kg_extract_bad_model_is_one_clean_error(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"id": "x1", "title": "A title", "abstract": "We propose GRPO."}) + "\n")
    res = CliRunner().invoke(main, ["extract", str(f), "--model", str(tmp_path / "none")])
    assert res.exit_code != 0 and "Traceback" not in res.output


@pytest.mark.skipif(not (shared_dir() / "corpus").exists(), reason="../shared/corpus absent")
@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_eval_corpus_uses_the_annotation_scorer_end_to_end():
    res = CliRunner().invoke(main, ["eval", "--dataset", "corpus", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["documents"] == 32
    for fact in ("acronyms", "proposes", "derived_from", "results"):
        assert 0.0 <= report[fact]["f1"] <= 1.0
    # every gold acronym pair of the dev set is a plain "long (SHORT)" definition
    assert report["acronyms"]["tp"] > 0


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_extract_takes_its_processes_as_kg_build_does(tmp_path, monkeypatch):
    """--n-process as for `kg build`: every core by default, one process below SMALL_EXTRACTION papers per worker,
    0 refused; two processes print what one prints, in input order; skipped entries are reported with file:line."""
    import kg.pipeline

    f = tmp_path / "p.jsonl"
    rows = [{"id": f"x{i}", "title": f"Paper {i}", "abstract": f"We propose Net{i}, which extends GRPO on AIME 2024."}
            for i in range(6)]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n", encoding="utf-8")
    runner = CliRunner()
    assert "every core" in runner.invoke(main, ["extract", "--help"]).output
    bad = runner.invoke(main, ["extract", str(f), "--n-process", "0"])
    assert bad.exit_code == 2 and "--n-process" in bad.stderr

    few = runner.invoke(main, ["extract", str(f), "--n-process", "2"])  # 6 papers: not worth a second process
    assert few.exit_code == 0, few.stderr
    assert "extract: 6 papers\n" in few.stderr and "processes" not in few.stderr
    assert f"{f}:7: bad JSON" in few.stderr  # the skipped entry, named
    monkeypatch.setattr(kg.pipeline, "SMALL_EXTRACTION", 1)  # now six papers are enough to fork for
    two = runner.invoke(main, ["extract", str(f), "--n-process", "2"])
    assert two.exit_code == 0, two.stderr
    assert "extract: 6 papers, in 2 processes" in two.stderr
    assert two.stdout == few.stdout
    assert [json.loads(line)["title"] for line in two.stdout.splitlines()] == [f"Paper {i}" for i in range(6)]
    auto = runner.invoke(main, ["extract", str(f)])
    cores = kg.pipeline.every_core()
    assert ("in " + str(cores) + " processes" in auto.stderr) == (cores > 1) and auto.stdout == few.stdout


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_extract_streams_its_input_in_bounded_batches():
    """Each (paper, extraction) pair leaves while the extractor has read at most a few batches ahead:
    the papers are never all held (kg extract used to read every paper into a list first)."""
    from kg.cli.extract import paired_extractions
    from kg.extract.pipeline import extract_papers, load_pipeline
    from kg.models import Paper

    nlp = load_pipeline()
    read = 0

    def papers():
        nonlocal read
        for i in range(300):
            read += 1
            yield Paper(id=f"x{i}", title=f"Paper {i}", abstract=f"We propose Net{i}, which extends GRPO.")

    ahead = []
    out = []
    for paper, extraction in paired_extractions(papers(), lambda ps: extract_papers(ps, nlp=nlp, batch_size=8)):
        assert extraction.paper_id == paper.id
        out.append(paper.id)
        ahead.append(read - len(out))
    assert out == [f"x{i}" for i in range(300)]
    assert ahead[0] < 300 and max(ahead) <= 2 * 8, max(ahead)


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_extract_prints_the_deduplicated_papers_in_input_order(tmp_path):
    """Streamed through a spool on disk, the output is still read_paths' papers (duplicates merged), in order."""
    from kg.ingest import read_paths

    listings = Path(__file__).parent / "fixtures" / "listings"
    inputs = [str(listings / name) for name in ("blocks_meta.txt", "papers.jsonl", "alternating.txt")]
    dup = tmp_path / "dup.jsonl"  # the same paper as papers.jsonl's first, from another file: merged into it
    dup.write_text(json.dumps({"id": "2401.01234v2", "title": "Graph Priors for Molecule Generation",
                               "abstract": "", "authors": ["Rosa Diaz"], "date": "Jan 3"}) + "\n", encoding="utf-8")
    inputs.append(str(dup))
    res = CliRunner().invoke(main, ["extract", *inputs, "--n-process", "1"])
    assert res.exit_code == 0, res.stderr
    expected = read_paths(inputs).papers
    got = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["id"], r["title"], r["authors"]) for r in got] == [(p.id, p.title, p.authors) for p in expected]
    assert f"extract: {len(expected)} papers" in res.stderr and "papers.jsonl:4: bad JSON" in res.stderr
