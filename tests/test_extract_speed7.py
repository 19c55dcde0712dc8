"""The shortcuts the extraction speed work took give the answers of the rules they skip."""

from __future__ import annotations

from kg.extract import concepts
from kg.extract.concepts import Candidate, combine_candidates, name_rule_candidates
from kg.extract.relations import extract_relations, sentence_spans
from kg.models import Mention


def _spans(pattern, text: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group("name")) for m in pattern.finditer(text)]


def test_we_coin_pattern_matches_the_full_pattern_without_naming_words():
    texts = [
        "We propose EqMotion, a method for motion. We then introduce BarNet which works.",
        "In this paper we present Alice Bob: a tool. xwe propose Foo, a fake. _we propose Zed, a fake.",
        "Awe propose Foo, a fake. 9We propose Foo, a fake. we call it Sparrow, a model.",
        "we propose\nQuux, a model; we develop GPT-X (ours) and we release DataSet-1.",
    ]
    for text in texts:
        assert not any(w in text for w in concepts._NAMING_WORDS)
        assert _spans(concepts._COINED_WE, text) == _spans(concepts._COINED, text)
    assert [n for _, n in _spans(concepts._COINED_WE, texts[0])] == ["EqMotion", "BarNet"]


def test_coined_names_with_and_without_naming_words():
    text = "A title\nWe propose EqMotion, a method for motion forecasting."
    found = name_rule_candidates(text)
    assert [(text[c.start : c.end], c.type) for c in found] == [("EqMotion", "METHOD")]
    text = "A title\nWe build a new benchmark, namely CodeQueries, for code. We propose Sparrow, a model."
    kinds = {text[c.start : c.end]: c.type for c in name_rule_candidates(text)}
    assert kinds == {"CodeQueries": "BENCHMARK", "Sparrow": "METHOD"}


def test_repeated_spans_are_trimmed_once_with_the_same_answer():
    text = "A title\nWe train the Transformer model and the Transformer model again on the ImageNet data."
    at = text.index("the Transformer model")
    end = at + len("the Transformer model")
    # the tagger and the gazetteer on the same span, and a shape inside it
    cands = [Candidate(at, end, "METHOD", "ner", 1, 0.8), Candidate(at, end, "METHOD", "gazetteer-domain", 1, 0.9),
             Candidate(at + 4, at + 15, None, "shape", 0, 0.5)]
    out = combine_candidates(text, cands, [], [0, 8])
    assert ("Transformer", "METHOD") in [(text[c.start : c.end], c.type) for c in out]
    assert all(text[c.start : c.end] != "the Transformer model" for c in out)


def test_a_learning_setting_before_a_span_still_joins_it():
    text = "A title\nWe study few-shot image classification and Model-Based policy search here."
    cands = [Candidate(text.index("image"), text.index(" and"), "TASK", "ner", 1, 0.8),
             Candidate(text.index("policy"), text.index(" here"), "METHOD", "ner", 1, 0.8)]
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], [0, 8])}
    assert "few-shot image classification" in got
    assert "Model-Based policy search" in got


def _mentions(text: str, entities: dict[str, str]) -> list[Mention]:
    spans = sentence_spans(text)
    out = []
    for string, kind in entities.items():
        at = text.find(string)
        while at >= 0:
            start, end = next((a, b) for a, b in spans if a <= at < b)
            out.append(Mention(text=string, type=kind, start=at, end=at + len(string), sentence=text[start:end]))
            at = text.find(string, at + 1)
    return out


def test_sentences_without_cues_propose_nothing_and_cue_sentences_still_do():
    text = ("A title\nFooNet is evaluated on ImageNet. BarNet, a novel architecture, beats it. "
            "Results of the proposed BazNet hold.")
    spans = sentence_spans(text)
    ms = _mentions(text, {"FooNet": "METHOD", "BarNet": "METHOD", "BazNet": "METHOD", "ImageNet": "DATASET"})
    proposals, _, _ = extract_relations("p", text, spans, ms, [], extractor="test", version="9")
    assert [p.name for p in proposals] == ["BarNet", "BazNet"]


def test_cased_metric_pattern_matches_the_full_pattern_without_its_case_free_words():
    texts = ["We report BLEU-4, ROUGE-L, mAP@50, mIoU, chrF++, F1 and AP on COCO; EM rises. AUROC, MS-SSIM, P@1.",
             "Scores: F-score, F_1, LPIPS, BD-rate and xBLEU, BLEU-based, @EM, SSIM-like."]
    for text in texts:
        assert text.isascii() and not any(w in text.lower() for w in concepts._CASE_FREE_METRIC_WORDS)
        full = [m.span() for m in concepts._METRIC_PATTERN.finditer(text)]
        assert [m.span() for m in concepts._CASED_METRIC_PATTERN.finditer(text)] == full
    text = "A title\nWe lower the Root Mean Squared Error and raise PASS@1 and BLEU."
    found = [text[c.start : c.end] for c in concepts.metric_candidates(text)]
    assert found == ["Root Mean Squared Error", "PASS@1", "BLEU"]
