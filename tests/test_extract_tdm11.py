"""Session 11, TDMSci-style sentences: the second TDMSci dev figure (gold spans per ANNOTATION.md), scored on
invented CoNLL sentences, and the rules for TDMSci-style sentences."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract.datasets import Example, SpanLabel, read_tdmsci, split_parenthesised_acronyms
from kg.extract.evaluate import TDMSCI_ANNOTATION, score_offsets
from kg.extract.pipeline import MODEL_DIR


def conll(sentence: list[tuple[str, str]], start: int = 0) -> str:
    """One CoNLL sentence (token, character offset, tag) from (token, tag) pairs; tokens joined by spaces except
    before ")" and after "("."""
    lines, pos, prev = [], start, ""
    for tok, tag in sentence:
        if lines and tok != ")" and prev != "(":
            pos += 1
        lines.append(f"{tok}\t{pos}\t{tag}")
        pos += len(tok)
        prev = tok
    return "\n".join(lines) + "\n\n"


MT = [("We", "O"), ("study", "O"), ("machine", "B-TASK"), ("translation", "I-TASK"), ("(", "I-TASK"),
      ("MT", "I-TASK"), (")", "I-TASK"), ("with", "O"), ("word", "B-METRIC"), ("error", "I-METRIC"),
      ("rate", "I-METRIC"), ("(", "I-METRIC"), ("WER", "I-METRIC"), (")", "I-METRIC"), (".", "O")]
#: a parenthesis that is no acronym of what precedes it, and one inside a longer span, stay as they are
KEPT = [("The", "O"), ("rule-based", "B-TASK"), ("(", "I-TASK"), ("RBMT", "I-TASK"), (")", "I-TASK"),
        ("systems", "O"), ("use", "O"), ("the", "O"), ("Knowledge", "B-DATASET"), ("Base", "I-DATASET"),
        ("(", "I-DATASET"), ("KB", "I-DATASET"), (")", "I-DATASET"), ("dataset", "I-DATASET"), (".", "O")]


def example(sentence) -> Example:
    return next(read_tdmsci_text(conll(sentence)))


def read_tdmsci_text(text: str, tmp=None):
    import tempfile
    from pathlib import Path

    root = Path(tmp or tempfile.mkdtemp())
    (root / "tdmsci").mkdir(parents=True, exist_ok=True)
    (root / "tdmsci" / "train_1500_v2.conll").write_text(text, "utf-8")
    return read_tdmsci(root)


def spans(ex: Example) -> set[tuple[str, str]]:
    return {(ex.text[s.start : s.end], s.type) for s in ex.spans}


def test_a_long_form_and_its_parenthesised_acronym_become_two_gold_spans_of_the_same_type():
    ex = example(MT)
    assert spans(ex) == {("machine translation (MT)", "TASK"), ("word error rate (WER)", "METRIC")}
    assert spans(split_parenthesised_acronyms(ex)) == {("machine translation", "TASK"), ("MT", "TASK"),
                                                       ("word error rate", "METRIC"), ("WER", "METRIC")}


def test_nothing_else_in_the_gold_changes():
    ex = example(KEPT)
    assert split_parenthesised_acronyms(ex) == ex
    # a plural acronym and a lowercase one count; a group with a space, or a reference, does not
    text = ("word error rates (WERs), labeled precision (lp), Basic Travel (BT EC) and a treebank (Smith 2004).")
    names = ["word error rates (WERs)", "labeled precision (lp)", "Basic Travel (BT EC)", "a treebank (Smith 2004)"]
    ex = Example(id="tdmsci:0", source="tdmsci", text=text,
                 spans=[SpanLabel(start=text.index(n), end=text.index(n) + len(n), type="METRIC") for n in names])
    assert spans(split_parenthesised_acronyms(ex)) == {
        ("word error rates", "METRIC"), ("WERs", "METRIC"), ("labeled precision", "METRIC"), ("lp", "METRIC"),
        ("Basic Travel (BT EC)", "METRIC"), ("a treebank (Smith 2004)", "METRIC")}


def test_the_same_predictions_score_on_both_golds():
    ex = example(MT)
    text = ex.text
    at = lambda s: (text.index(s), text.index(s) + len(s))
    preds = [[(*at("machine translation"), "TASK"), (*at("MT"), "TASK"), (*at("word error rate (WER)"), "METRIC")]]
    raw = score_offsets("tdmsci", [ex], preds)
    split = score_offsets("tdmsci", [split_parenthesised_acronyms(ex)], preds, name=TDMSCI_ANNOTATION)
    assert (raw.micro.tp, raw.micro.fp, raw.micro.fn) == (1, 2, 1)
    assert (split.micro.tp, split.micro.fp, split.micro.fn) == (2, 1, 2)
    assert split.dataset == TDMSCI_ANNOTATION


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_kg_eval_reports_the_raw_tdmsci_figure_first_and_the_annotation_figure_next_to_it(tmp_path, monkeypatch):
    # five invented sentences: index 4 is the dev slice
    filler = [("We", "O"), ("parse", "O"), ("text", "O"), (".", "O")]
    text = "".join(conll(s) for s in (filler, filler, filler, filler, MT))
    read_tdmsci_text(text, tmp_path / "datasets")
    monkeypatch.setenv("KG_SHARED", str(tmp_path))
    res = CliRunner().invoke(main, ["eval", "--dataset", "tdmsci", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    # the raw figure keeps its keys; the second figure sits under a new one, same shape
    assert report["dataset"] == "tdmsci" and report["documents"] == 1
    raw, split = report["micro"], report["annotation_spans"]["micro"]
    assert raw["tp"] + raw["fn"] == 2 and split["tp"] + split["fn"] == 4
    assert report["annotation_spans"]["dataset"] == TDMSCI_ANNOTATION
    assert set(report["annotation_spans"]) >= {"documents", "micro", "micro_data_merged", "per_type"}
    res = CliRunner().invoke(main, ["eval", "--dataset", "tdmsci"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith("tdmsci")]
    assert len(lines) == 2 and not lines[0].startswith(TDMSCI_ANNOTATION) and lines[1].startswith(TDMSCI_ANNOTATION)


def test_an_undefined_acronym_spelled_by_a_named_concept_takes_its_kind():
    from rules_helpers import combined

    text = ("Our relation extraction models reach 74% F1, which improves the state of the art in RE. "
            "We compute the error rate reduction (2) ERR between systems.")
    got = combined(text, [("relation extraction", "TASK"), ("error rate reduction", "METRIC")])
    assert {("RE", "TASK"), ("ERR", "METRIC")} <= got
    # a plural acronym counts too; one that spells no named concept does not
    got = combined("We report mean reciprocal rank: MRRs rise and MAPs fall.", [("mean reciprocal rank", "METRIC")])
    assert ("MRRs", "METRIC") in got and not {m for m in got if m[0] == "MAPs"}
    # a method's acronym is defined where an abstract names the method: the rule leaves methods alone
    got = combined("Graph neural networks are strong; GNNs differ.", [("Graph neural networks", "METHOD")])
    assert ("GNNs", "METHOD") not in got


def test_an_acronym_in_a_link_or_already_named_is_left_to_the_other_rules():
    from rules_helpers import combined

    text = "We study graph matching accuracy. Code: https://github.com/x/GMA/ and www.site.org/GMA."
    assert not {m for m in combined(text, [("graph matching accuracy", "METRIC")]) if m[0] == "GMA"}
    # "mean rank (MRs)" is defined: a later "MR scores" is the acronym rules' business, not this one's
    text = "We use the mean rank (MRs) measure. This improves MR scores."
    got = combined(text, [("mean rank", "METRIC"), ("MRs", "METRIC")])
    assert ("MR", "METRIC") not in got
