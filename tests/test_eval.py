"""The scorer and the `kg eval` / `kg extract` commands."""

from __future__ import annotations

import json

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
