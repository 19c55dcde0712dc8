"""The extraction's shortcuts of session 11 give the answers of the paths they skip."""

from __future__ import annotations

import re

from kg.extract.concepts import _BASED_ON, _known_before_suffix
from kg.extract.pipeline import _entity_chars, _token_offsets, load_pipeline
from kg.extract.shapes import _SHAPE_CANDIDATE_RE, name_shapes
from kg.extract.tagger import SPANS_KEY
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH

TEXTS = [
    "A title: GPT-4 on SWE-bench\nWe propose FooNet (FN), a graph neural network. It beats BERT by 2.5 F1 on GLUE.",
    "Object detection and semantic segmentation with Transformers\nWe study image classification on ImageNet "
    "and COCO with ResNet-50, ViT-B/16 and a Transformer-based LSTM-driven detector.",
    "",
    "x",
    "Reinforcement learning for robot navigation: Proximal Policy Optimization beats SAC in MuJoCo.",
]


def test_tagger_spans_handed_over_are_the_entities_it_would_write():
    nlp = load_pipeline()
    tagger = nlp.get_pipe("kg_tagger")
    written = list(tagger.pipe([nlp.make_doc(t) for t in TEXTS]))
    handed = list(tagger.pipe([nlp.make_doc(t) for t in TEXTS], write_ents=False))
    assert any(doc.ents for doc in written)
    for w, h in zip(written, handed):
        assert not h.ents  # nothing written
        arr = w.to_array([IDX, LENGTH, ENT_IOB, ENT_TYPE]).reshape(len(w), 4)
        offsets = _token_offsets(arr)
        from_ents = _entity_chars(arr, nlp.vocab.strings, offsets)
        spans = h.user_data[SPANS_KEY]
        assert [(offsets[0][s], offsets[1][e - 1], label) for s, e, label in spans] == from_ents
        assert [(s, e, label) for s, e, label in spans] == [(ent.start, ent.end, ent.label_) for ent in w.ents]


def test_concepts_take_the_handed_spans_and_drop_them():
    nlp = load_pipeline()
    tagger, concepts = nlp.get_pipe("kg_tagger"), nlp.get_pipe("kg_concepts")
    for text in TEXTS:
        whole = nlp(text)
        doc = concepts(next(iter(tagger.pipe([nlp.make_doc(text)], write_ents=False))), write_ents=False)
        assert SPANS_KEY not in doc.user_data
        assert doc._.kg_mentions == whole._.kg_mentions
        assert doc._.kg_acronyms == whole._.kg_acronyms


def _suffix_matches(text: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in _BASED_ON.finditer(text)]


def test_known_before_suffix_finds_what_the_whole_text_scan_finds():
    known = {"transformer": "METHOD", "lstm": "METHOD", "gpt-4": "METHOD", "bert": "METHOD", "rl": "METHOD",
             "llm": "METHOD", "v1.2": "METHOD", "imagenet": "DATASET"}
    texts = ["A Transformer-based and LSTM-driven model, RL-guided, LLM-style.",
             "x-Transformer-based, .LSTM-based, _LSTM-based, 4LSTM-based, LSTM-based-ish, LSTM-basedx, L-based",
             "ImageNet-based data, v1.2-based code, BERT.-based, BERT_-based, BERT2-style. Transformer-based",
             "Transformer-based.LSTM-based/BERT-driven RL-guided-", "-based", "", "Ünïcode-based Transformer-driven"]
    for text in texts:
        found = [(c.start, c.end) for c in _known_before_suffix(text, [], known)]
        expected = [span for span in _suffix_matches(text) if known.get(text[span[0]:span[1]].lower()) == "METHOD"]
        assert found == expected, text
    found = _known_before_suffix(texts[0], [], known)
    assert [texts[0][c.start:c.end] for c in found] == ["Transformer", "LSTM", "RL", "LLM"]


#: the shape scan before its lowercase-word shortcut
_SHAPE_SCAN = re.compile(r"(?<![\w@])(?=[A-Za-z0-9][\w.+@/'-]*?[A-Z0-9])[A-Za-z0-9][\w.+@/'-]*[\w+]")


def test_shape_scan_skips_lowercase_words_only():
    texts = TEXTS + ["we use GPT-4, ResNet50 and BiLSTM-CRF; x2 and Qwen2.5-7B, not Apple or apple. state-of-the-art "
                     "e.g. ABC's l2-norm a3 Ab A1 ok/OK aB a.B a-b-C abc@D x_Y word+ wordX+ café2 éA mx' 'nB' a",
                     "lower. lower, lower- lower/ lower' lowerX lower2 Lower Lower3 L2 l l2"]
    for text in texts:
        assert [m.span() for m in _SHAPE_CANDIDATE_RE.finditer(text)] == [m.span() for m in _SHAPE_SCAN.finditer(text)]
    assert [texts[-1][s:e] for s, e in name_shapes(texts[-1])] == ["lowerX", "Lower3", "L2"]


def test_literal_led_metric_pattern_matches_the_lookahead_led_one():
    from kg.extract import concepts

    before = re.compile(r"(?=[ABCEFHILMNPRSTUW]|chrF|m[AI])(?<![\w@-])(?:" + concepts._CASED_METRICS + r")"
                        + concepts._METRIC_END)
    texts = TEXTS + ["BLEU@4 BLEU-4 xBLEU mAP@50 mAP mIoU chrF++ chrF cBLEU -BLEU @BLEU P@10 R@1 Recall@5 AP@0.5 APbox "
                     "F-score Fscores F_1 F-1 FLOPs FLOPS MS-SSIM SSIM-x ROUGE-SU4 ROUGE-L EM, (F1) BD-rate mAP-x",
                     "BLEU", "xBLEU", "P@", "MRR@1x MRR"]
    for text in texts:
        assert [m.span() for m in concepts._CASED_METRIC_PATTERN.finditer(text)] == [
            m.span() for m in before.finditer(text)], text
        if not any(word in text for word in concepts._LOWERCASE_LED_METRICS):
            assert [m.span() for m in concepts._CAPITAL_METRIC_PATTERN.finditer(text)] == [
                m.span() for m in before.finditer(text)], text
    assert concepts._LOWERCASE_LED_METRICS == ("chrF", "mAP", "mIoU")
    found = [m.group(0) for m in concepts._CASED_METRIC_PATTERN.finditer(texts[-5])]
    assert "mIoU" in found and "chrF++" in found and "mAP@50" in found
    alternatives = concepts._top_alternatives(r"(?:BLEU|MRR)@\d+|BLEU(?:-\d)?|F(?:1|2)")
    assert alternatives == [r"BLEU@\d+", r"MRR@\d+", r"BLEU(?:-\d)?", "F(?:1|2)"]


def test_names_before_data_led_by_the_parenthesis_finds_the_same():
    from kg.extract import concepts

    before = re.compile(r"(?<=[a-z] )" + concepts._PAREN_NAMES + concepts._NAMES_BEFORE_DATA.pattern[
        len(r"\((?<=[a-z] \()") + len(concepts._PAREN_NAMES) - 2:])
    texts = ["on several medical (ACDC, LVSC) and non-medical (PPSS) datasets", "(A) datasets", " (A) datasets",
             "x (A) datasets", "curated (e.g., K400, UCF) benchmarks and (B) corpora", "medical(ACDC) datasets"]
    for text in texts:
        assert [m.span(1) for m in concepts._NAMES_BEFORE_DATA.finditer(text)] == [
            m.span(1) for m in before.finditer(text)], text
    assert [m.group(1) for m in concepts._NAMES_BEFORE_DATA.finditer(texts[0])] == ["ACDC, LVSC"]


def test_mentions_validated_as_one_list_are_the_models_built_one_by_one():
    from kg.extract.pipeline import _MENTION_LIST, doc_to_extraction, model_version
    from kg.models import Mention, Paper

    nlp = load_pipeline()
    paper = Paper(id="p1", title="FooNet: graph neural networks", abstract=TEXTS[0].split("\n", 1)[1])
    extraction = doc_to_extraction(nlp(paper.text), paper, version=model_version(nlp))
    assert extraction.entities
    for m in extraction.entities:
        one = Mention(text=m.text, type=m.type, start=m.start, end=m.end, sentence=m.sentence, source=m.source,
                      confidence=m.confidence)
        assert one == m and one.model_fields_set == m.model_fields_set
    # the list keeps the records' validation: a bad kind or confidence is refused
    import pytest
    from pydantic import ValidationError

    for bad in ({"type": "THING"}, {"confidence": 1.5}):
        row = {"text": "X", "type": "METHOD", "start": 0, "end": 1, "sentence": "X", "source": "ner",
               "confidence": 0.5} | bad
        with pytest.raises(ValidationError):
            _MENTION_LIST.validate_python([row])


def test_task_heads_as_a_trie_match_the_alternation():
    from kg.extract import concepts

    before = re.compile(r" (?<=[a-z0-9] )(" + concepts._TASK_HEADS + r")\b(?![\w-])")
    heads = concepts._top_alternatives(concepts._TASK_HEADS[3:-1])
    words = [w.replace("l?", "") for w in heads] + [w.replace("l?", "l") for w in heads if "l?" in w]
    text = " ".join(f"a {w}, x {w}s, 3 {w} b-{w} {w}-based B {w}" for w in words) + " labeling labelling tag"
    assert [m.span(1) for m in concepts._TASK_HEAD_WORD.finditer(text)] == [m.span(1) for m in before.finditer(text)]
    assert len(list(before.finditer(text))) >= 2 * len(words)
    # an alternation of other shapes stays as it is
    assert concepts._word_trie(r"(?:foo|ba[rz])") == r"(?:foo|ba[rz])"
    assert re.fullmatch(concepts._word_trie("(?:tag|tagging|tags)"), "tagging")


def test_apposition_rule_needs_a_naming_word():
    from kg.extract.concepts import Candidate, _named_by_apposition

    mentions = [Candidate(0, 5, "METHOD", "ner", 1, 0.8)]
    text = "A method, known as deep flow matching, works as well as the module referred to as graph flow."
    found = _named_by_apposition(text, mentions)
    assert [text[c.start:c.end] for c in found[1:]] == ["deep flow matching", "graph flow"]
    # without "known" or "referred" (or the naming words) " as " can start no match: the rule is skipped then
    plain = "A method, shown as deep flow matching, works as well as the module used as graph flow."
    assert _named_by_apposition(plain, mentions) is mentions


def test_case_sensitive_relation_patterns_on_lowered_text_match_the_case_free_ones():
    from kg.extract import relations as R

    sentences = ["We propose FooNet, which extends BarNet and is a variant of BazNet.",
                 "WE PROPOSE FOONET, WHICH EXTENDS BARNET AND IS A VARIANT OF BAZNET.",
                 "Previously Proposed models; we Introduced X, Built upon Y, is built on Z, a Version of the W test",
                 "It Improves upon PPO; D-PPO, a Generalization of an MDP; Is An Extension Of; Based On; modifies"]
    for pattern, lower in ((R._PROPOSE_VERB, R._LOWER_PROPOSE_VERB), (R._DERIVE_VERB, R._LOWER_DERIVE_VERB),
                           (R._DERIVE_OF, R._LOWER_DERIVE_OF), (R._VARIANT_CUE, R._LOWER_VARIANT_CUE)):
        for sentence in sentences:
            for cut in range(0, len(sentence) + 1, 3):  # the rules search sentence prefixes
                text = sentence[:cut]
                assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in lower.finditer(text.lower())]
    found = 0
    for sentence in sentences:
        found += len(list(R._DERIVE_OF.finditer(sentence))) + len(list(R._PROPOSE_VERB.finditer(sentence)))
    assert found >= 4
    import pytest

    with pytest.raises(AssertionError):
        R._case_sensitive(re.compile(r"[A-Z]\w+ of", re.I))  # a capital in the pattern: no lowercase twin


def test_conjunction_head_with_its_gap_precheck_finds_what_the_full_walk_finds():
    from kg.extract import relations as R
    from kg.models import Mention

    def full_walk(doc, base, s_start):  # the walk before the precheck
        head, current = None, base
        while True:
            prev = next((m for m in reversed(doc.mentions_in(s_start, current.start))
                         if R._CONJ_GAP.match(doc.text, m.end, current.start)), None)
            if prev is None:
                return head
            head = current = prev

    texts = ["We extend FooNet, BarNet and BazNet to graphs.", "We extend FooNet , BarNet, and the BazNet model.",
             "It unifies FooNet as well as BarNet AND BazNet.", "It unifies FooNet aſ well aſ BarNet.",
             "FooNet with BarNet beats BazNet and QuxNet.", "FooNet,BarNet,\nand  BazNet", "FooNet THE BarNet"]
    names = ("FooNet", "BarNet", "BazNet", "QuxNet")
    found = 0
    for text in texts:
        mentions = [Mention(text=n, type="METHOD", start=text.index(n), end=text.index(n) + len(n), sentence=text)
                    for n in names if n in text]
        doc = R._Doc("p", text, [(0, len(text))], mentions, [], "test", "1")
        for base in doc.mentions:
            head = R._conjunction_head(doc, base, 0)
            assert head == full_walk(doc, base, 0), (text, base.text)
            found += head is not None
    assert found >= 6


def test_methods_such_as_needs_its_words():
    from kg.extract import shapes

    for before in ["RL algorithms (including ", "strong baselines such as ", "models like ", "methods, e.g., ",
                   "models SUCH AS ", "we report on ", "methods (e.g. A, B, and ", "approaches including X and "]:
        gated = ("such" in before or "like" in before or "including" in before or "e.g." in before)
        assert bool(shapes._METHODS_SUCH_AS.search(before[-80:])) <= gated
        assert shapes.looks_like_benchmark("GRPO", before, " and", before + "GRPO gets 90% accuracy") == (
            not shapes._METHODS_SUCH_AS.search(before[-80:]) and bool(shapes._ON_BEFORE.search(before[-80:])))


def test_tagger_keeps_writing_entities_without_a_concepts_component():
    from kg.extract.pipeline import _pipe_options

    nlp = load_pipeline()
    nlp.remove_pipe("kg_concepts")
    assert _pipe_options(nlp)["component_cfg"] == {}
    doc = next(nlp.pipe([TEXTS[0]], **_pipe_options(nlp)))
    assert doc.ents and SPANS_KEY not in doc.user_data
