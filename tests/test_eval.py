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


def test_eval_errors_read_as_spans_with_labels_and_sentences():
    """`kg eval --errors` lists each difference with its gold and predicted label and the sentence it stands in
    (it printed Python tuple text: "('image classification', 'TASK')")."""
    from kg.cli.extract import difference_lines
    from kg.extract.scoring import AnnotatedPaper, GoldEntity, GoldResult
    from kg.models import AcronymPair, Evidence, Mention, Paper, PaperExtraction
    from kg.report.extraction import extraction_errors

    paper = Paper(id="p1", title="FooNet for Image Classification",
                  abstract="We propose the Foo Network (FooNet). FooNet improves image classification on ImageNet"
                           " by 2 points.")
    text = paper.text

    def mention(span, kind, after=0):
        start = text.index(span, after)
        return Mention(text=span, type=kind, start=start, end=start + len(span), sentence="")

    gold = AnnotatedPaper(
        id="p1", entities=[GoldEntity(text=t, type=k) for t, k in (
            ("FooNet", "METHOD"), ("Foo Network", "METHOD"), ("image classification", "TASK"),
            ("ImageNet", "DATASET"))],
        acronyms=[("Foo Network", "FooNet")], proposes=["FooNet"],
        results=[GoldResult(benchmark="ImageNet", metric="top-1", value="81.2%")])
    predicted = PaperExtraction(
        paper_id="p1", extractor="test", version="0", content_hash=paper.content_hash,
        entities=[mention("FooNet", "METHOD"), mention("image classification", "METHOD", text.index("improves")),
                  mention("points", "METRIC")],
        acronyms=[AcronymPair(long="Foo Network", short="FooNet", evidence=Evidence(
            paper_id="p1", sentence="", start=0, end=1, extractor="test", version="0", confidence=1.0))])
    (found,) = extraction_errors([gold], [paper], [predicted])
    got = {(e.category, e.error, e.text, e.gold, e.predicted, e.sentence) for e in found.errors}
    assert got == {
        ("entities", "wrong type", "image classification", "TASK", "METHOD",
         "FooNet improves [image classification] on ImageNet by 2 points."),
        ("entities", "missed", "Foo Network", "METHOD", None, "We propose the [Foo Network] (FooNet)."),
        ("entities", "missed", "ImageNet", "DATASET", None,
         "FooNet improves image classification on [ImageNet] by 2 points."),
        ("entities", "spurious", "points", None, "METRIC",
         "FooNet improves image classification on ImageNet by 2 [points]."),
        ("proposes", "missed", "FooNet", None, None, None),
        ("results", "missed", "ImageNet / top-1 = 81.2%", None, None, None),
    }
    lines = difference_lines([found])
    assert "p1  FooNet for Image Classification" in lines
    assert "  entities     wrong type image classification  (gold TASK, predicted METHOD)" in lines
    assert "      FooNet improves [image classification] on ImageNet by 2 points." in lines
    assert not any("('" in line for line in lines)


@pytest.mark.skipif(not (shared_dir() / "corpus").exists(), reason="../shared/corpus absent")
@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_eval_errors_on_the_corpus_gold_account_for_every_miss_and_false_positive():
    runner = CliRunner()
    res = runner.invoke(main, ["eval", "--dataset", "corpus", "--errors", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    counted = {"entities": 0, **{fact: 0 for fact in ("acronyms", "proposes", "derived_from", "results")}}
    for paper in report["errors"]:
        for e in paper["errors"]:
            counted[e["category"]] += 2 if e["error"] == "wrong type" else 1
    assert counted["entities"] == report["micro"]["fp"] + report["micro"]["fn"]
    for fact in ("acronyms", "proposes", "derived_from", "results"):
        assert counted[fact] == report[fact]["fp"] + report[fact]["fn"], fact
    text = runner.invoke(main, ["eval", "--dataset", "corpus", "--errors"]).stdout
    assert "errors (" in text and "('" not in text and "[" in text


def test_kg_eval_on_the_corpus_without_it_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SHARED", str(tmp_path))  # no corpus here: every gold paper would score as all misses
    res = CliRunner().invoke(main, ["eval", "--dataset", "corpus"])
    assert res.exit_code == 2 and "dev data missing" in res.stderr and "set KG_SHARED" in res.stderr


@pytest.mark.parametrize("dataset", ["scierc", "tdmsci", "scirex"])
@pytest.mark.parametrize("option", [["--errors"], ["--gold", "GOLD"]])
def test_kg_eval_corpus_options_on_another_dataset_say_so(tmp_path, dataset, option):
    # --errors and --gold belong to the corpus gold: on an offset-annotated set they were dropped without a word
    gold = tmp_path / "gold.jsonl"
    gold.write_text("{}\n")
    args = ["eval", "--dataset", dataset, *(str(gold) if a == "GOLD" else a for a in option)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert f"{option[0]}: for the corpus gold only, not {dataset}; use --dataset corpus" in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.skipif(not (shared_dir() / "corpus").exists(), reason="../shared/corpus absent")
@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_eval_errors_on_every_dataset_lists_the_corpus_errors_and_says_so():
    res = CliRunner().invoke(main, ["eval", "--errors"])
    assert res.exit_code == 0, res.output
    assert "note: --errors: for the corpus gold only; scierc, scirex, tdmsci are scored as usual" in res.stderr
    assert "errors (" in res.stdout and "scierc" in res.stdout


def test_kg_eval_on_a_gold_file_not_in_utf8_names_file_and_line(tmp_path):
    # a Latin-1 byte in the gold used to end in a UnicodeDecodeError traceback
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"id": "a"}\n{"id": "caf\xe9"}\n')
    res = CliRunner().invoke(main, ["eval", "--dataset", "corpus", "--gold", str(gold)])
    assert res.exit_code == 2, res.output
    assert f"Error: {gold}:2: not UTF-8 (byte 0xe9 at byte offset 23)" in res.stderr
