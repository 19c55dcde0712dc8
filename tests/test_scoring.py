"""The scorer follows ANNOTATION.md: strict string+type, case-insensitive, aliases interchangeable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.scoring import AnnotatedPaper, load_gold, norm_value, prf, score
from kg.models import AcronymPair, Evidence, Mention, PaperExtraction, Proposal, ResultRecord

GOLD_PATH = Path(__file__).parent / "gold" / "corpus_dev.jsonl"


def paper(**fields) -> AnnotatedPaper:
    return AnnotatedPaper.model_validate({"id": "p1", **fields})


GOLD = paper(
    entities=[
        {"text": "Code World Model", "type": "METHOD"},
        {"text": "CWM", "type": "METHOD"},
        {"text": "SWE-bench Verified", "type": "BENCHMARK"},
        {"text": "pass@1", "type": "METRIC"},
        {"text": "BDD100K", "type": "DATASET"},
    ],
    acronyms=[["Code World Model", "CWM"]],
    proposes=["Code World Model"],
    derived_from=[["CWM", "Llama"]],
    results=[{"benchmark": "SWE-bench Verified", "metric": "pass@1", "value": "65.8%"}],
)


def test_perfect_prediction_scores_one_everywhere():
    s = score([GOLD], [GOLD])
    assert s.entities["micro"].f1 == 1.0
    assert (s.acronyms.f1, s.proposes.f1, s.derived_from.f1, s.results.f1) == (1.0, 1.0, 1.0, 1.0)


def test_entities_are_case_insensitive_strict_on_span_and_type():
    pred = paper(
        entities=[
            {"text": "code world model", "type": "METHOD"},  # case differs: a hit
            {"text": "CWM", "type": "TASK"},  # wrong type: a miss and a false positive
            {"text": "SWE-bench", "type": "BENCHMARK"},  # shorter span: a miss and a false positive
            {"text": "pass@1", "type": "METRIC"},
            {"text": "BDD100K", "type": "BENCHMARK"},  # DATASET vs BENCHMARK: wrong, but right as DATA
        ]
    )
    s = score([GOLD], [pred])
    assert (s.entities["micro"].tp, s.entities["micro"].fp, s.entities["micro"].fn) == (2, 3, 3)
    assert s.entities["METRIC"].f1 == 1.0
    assert s.entities["DATASET"].recall == 0.0
    assert s.entities_merged["DATA"].tp == 1
    assert s.entities_merged["micro"].tp == 3


def test_duplicate_strings_count_once():
    pred = paper(entities=[{"text": "CWM", "type": "METHOD"}, {"text": "cwm", "type": "METHOD"}])
    s = score([GOLD], [pred])
    assert (s.entities["micro"].tp, s.entities["micro"].fp) == (1, 0)


def test_acronym_and_long_form_are_interchangeable_in_relations():
    pred = paper(
        proposes=["CWM"],
        derived_from=[["Code World Model", "llama"]],
        results=[{"benchmark": "swe-bench verified", "metric": "pass@1", "value": "65.8 %"}],
    )
    s = score([GOLD], [pred])
    assert (s.proposes.tp, s.derived_from.tp, s.results.tp) == (1, 1, 1)


def test_acronym_pairs_are_not_interchangeable_with_each_other():
    pred = paper(acronyms=[["CWM", "Code World Model"]])
    s = score([GOLD], [pred])
    assert (s.acronyms.tp, s.acronyms.fp, s.acronyms.fn) == (0, 1, 1)


def test_results_need_metric_unless_loose():
    pred = paper(results=[{"benchmark": "SWE-bench Verified", "metric": None, "value": "65.8%"}])
    s = score([GOLD], [pred])
    assert s.results.tp == 0 and s.results_loose.tp == 1


def test_missing_prediction_is_all_misses_and_extra_papers_are_ignored():
    s = score([GOLD], [paper(id="other", proposes=["X"])])
    assert s.proposes.fn == 1 and s.proposes.fp == 0 and s.unmatched == 1


def test_paper_extraction_records_are_accepted():
    ev = Evidence(paper_id="p1", sentence="s", start=0, end=1, extractor="t", version="0", confidence=1.0)
    extraction = PaperExtraction(
        paper_id="p1",
        extractor="t",
        version="0",
        content_hash="h",
        entities=[Mention(text="CWM", type="METHOD", start=0, end=3, sentence="s")],
        acronyms=[AcronymPair(long="Code World Model", short="CWM", evidence=ev)],
        proposes=[Proposal(name="CWM", evidence=ev)],
        results=[ResultRecord(benchmark="SWE-bench Verified", metric="pass@1", value="65.8%", evidence=ev)],
    )
    s = score([GOLD], [extraction], with_errors=True)
    assert (s.acronyms.f1, s.proposes.f1, s.results.f1) == (1.0, 1.0, 1.0)
    assert s.entities["micro"].tp == 1
    missed = {e.category: e.missed for e in s.errors}
    assert missed["derived_from"] == ["('code world model', 'llama')"]


def test_prf_and_values():
    assert prf(0, 0, 0).f1 == 0.0
    assert prf(1, 1, 1).f1 == 0.5
    assert norm_value("12.2\\%") == norm_value("12.2%")


def test_load_gold_reports_file_and_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text(json.dumps({"id": "a"}) + "\n" + json.dumps({"id": "b", "entities": [{"text": "x", "type": "THING"}]}) + "\n")
    with pytest.raises(InputError) as info:
        load_gold(bad)
    assert info.value.line == 2 and info.value.source == str(bad)


def test_dev_gold_is_valid_and_self_consistent():
    gold = load_gold(GOLD_PATH)
    assert len(gold) >= 30
    assert len({g.id for g in gold}) == len(gold)
    s = score(gold, gold)
    assert s.entities["micro"].f1 == 1.0 and s.acronyms.f1 == 1.0
    for g in gold:
        strings = [e.text.casefold() for e in g.entities]
        assert len(strings) == len(set(strings)), g.id
