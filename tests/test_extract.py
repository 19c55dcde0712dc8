"""Extraction: rules on strings, the rule components on a blank pipeline, the shipped pipeline end to end."""

from __future__ import annotations

import json

import pytest
import spacy

from kg.errors import ExtractionError
from kg.extract.adapters import AbbrevPair, fallback_find_abbreviations
from kg.extract.concepts import Candidate, combine_candidates, trim_span
from kg.extract.datasets import SpanLabel, align_strings, detokenize, tdmsci_split
from kg.extract.gazetteer import GazetteerEntry
from kg.extract.pipeline import MODEL_DIR, blank_pipeline, extract_papers, load_pipeline, sentence_starts
from kg.extract.shapes import dataset_or_benchmark, name_shapes
from kg.models import Paper

CWM_TITLE = "CWM: An Open-Weights LLM for Research on Code Generation with World Models"
CWM_ABSTRACT = (
    "We release Code World Model (CWM), a 32-billion-parameter open-weights LLM, to advance research on code "
    "generation with world models. CWM offers strong performance on general coding and math tasks: it reaches "
    "pass@1 scores of 65.8% on SWE-bench Verified, 68.6% on LiveCodeBench, and 76.0% on AIME 2024."
)


def test_name_shapes_find_camelcase_acronyms_and_digit_names():
    text = "Qwen2.5-7B and LASER-D beat GRPO on LiveCodeBench; PFGM++ too, in 2024 with 65.8% and I."
    found = [text[s:e] for s, e in name_shapes(text)]
    assert found == ["Qwen2.5-7B", "LASER-D", "GRPO", "LiveCodeBench", "PFGM++"]


def test_fallback_abbreviations_pair_long_and_short_forms():
    text = "we propose Asymmetric GRAE (A-GRAE), and Large Reasoning Models (LRMs) use chains of thought (CoT)."
    pairs = [(text[a:b], text[c:d]) for a, b, c, d in fallback_find_abbreviations(text)]
    assert pairs == [("Asymmetric GRAE", "A-GRAE"), ("Large Reasoning Models", "LRMs"), ("chains of thought", "CoT")]


def test_trim_span_drops_determiners_parenthesised_acronyms_and_generic_heads():
    text = "the Weisfeiler-Leman (WL) test and the LASER framework"
    assert text[slice(*trim_span(text, 0, 20))] == "Weisfeiler-Leman"
    start = text.index("the LASER")
    assert text[slice(*trim_span(text, start, len(text)))] == "LASER"
    assert trim_span(text, text.index("framework"), len(text)) is None


def test_combine_carries_acronym_type_and_marks_benchmarks():
    text = "We release Code World Model (CWM). It scores 65.8% on SWE-bench Verified and CWM wins."
    long_end = text.index(" (CWM)")
    cands = [
        Candidate(text.index("Code"), long_end, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("SWE"), text.index(" and"), "METHOD", "ner", 1, 0.8),
    ]
    pairs = fallback_find_abbreviations(text)
    out = combine_candidates(text, cands, pairs, sentence_starts(text))
    got = {(text[c.start : c.end], c.type) for c in out}
    assert got == {("Code World Model", "METHOD"), ("CWM", "METHOD"), ("SWE-bench Verified", "BENCHMARK")}
    assert sum(text[c.start : c.end] == "CWM" for c in out) == 2


def test_dataset_or_benchmark_by_use():
    assert dataset_or_benchmark("BDD100K", "We train on BDD100K driving videos.") == "DATASET"
    assert dataset_or_benchmark("ImageNet", "It reaches 81.2% accuracy on ImageNet.") == "BENCHMARK"


def test_sentence_starts_respect_title_newline_and_abbreviations():
    text = "A Title\nFirst sentence, e.g. this. Second one (et al. too)! Third."
    starts = sentence_starts(text)
    assert [text[s : s + 5] for s in starts] == ["A Tit", "First", "Secon", "Third"]


def test_align_strings_and_detokenize():
    spans = align_strings("GNNs and graph neural networks (GNNs).", [("GNNs", "METHOD"), ("graph neural networks", "METHOD")])
    assert [(s.start, s.end) for s in spans] == [(0, 4), (9, 30), (32, 36)]
    # an all-capitals acronym keeps its case: "IN" is instance normalisation, not every "in"
    spans = align_strings("IN helps in training; Adam in IN.", [("IN", "METHOD"), ("adam", "METHOD")])
    assert [(s.start, s.end) for s in spans] == [(0, 2), (22, 26), (30, 32)]
    text, remapped = detokenize("V - Net ( CNNs ) works .", [SpanLabel(start=0, end=7, type="METHOD")])
    assert text == "V-Net (CNNs) works." and text[remapped[0].start : remapped[0].end] == "V-Net"


def test_tdmsci_split_is_a_fixed_fifth():
    dev = [i for i in range(100) if tdmsci_split(f"tdmsci:{i}") == "dev"]
    assert len(dev) == 20 and dev[:2] == [4, 9]


def test_blank_pipeline_with_tiny_gazetteer_extracts_offsets_that_match_text():
    nlp = blank_pipeline()
    nlp.get_pipe("kg_concepts_v1").set_gazetteer(
        [
            GazetteerEntry(term="code generation", type="TASK", count=5, in_domain=True),
            GazetteerEntry(term="pass@1", type="METRIC", count=5, in_domain=True),
            GazetteerEntry(term="LLM", type="METHOD", count=5, cased=True, in_domain=True),
        ]
    )
    paper = Paper(id="t:1", title=CWM_TITLE, abstract=CWM_ABSTRACT)
    (ext,) = list(extract_papers([paper], nlp=nlp))
    text = paper.text
    assert all(text[m.start : m.end] == m.text and m.sentence for m in ext.entities)
    got = {(m.text, m.type) for m in ext.entities}
    assert {("Code World Model", "METHOD"), ("CWM", "METHOD"), ("pass@1", "METRIC"), ("LLM", "METHOD")} <= got
    assert ("SWE-bench Verified", "BENCHMARK") in got and ("LiveCodeBench", "BENCHMARK") in got
    assert [(a.long, a.short, a.type) for a in ext.acronyms] == [("Code World Model", "CWM", "METHOD")]
    assert ext.paper_id == "t:1" and ext.content_hash == paper.content_hash


def test_load_pipeline_bad_name_raises_extraction_error():
    with pytest.raises(ExtractionError):
        load_pipeline("/nonexistent/pipeline/dir")


def test_load_pipeline_accepts_a_foreign_pipeline_path(tmp_path):
    spacy.blank("en").to_disk(tmp_path / "p")
    nlp = load_pipeline(tmp_path / "p")
    assert nlp.pipe_names[0] == "kg_sentences" and nlp.pipe_names[-1] == "kg_concepts"


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_shipped_pipeline_extracts_the_cwm_abstract():
    paper = Paper(id="t:2", title=CWM_TITLE, abstract=CWM_ABSTRACT)
    (ext,) = list(extract_papers([paper]))
    got = {(m.text.lower(), m.type) for m in ext.entities}
    assert ("cwm", "METHOD") in got and ("code world model", "METHOD") in got
    assert ("swe-bench verified", "BENCHMARK") in got
    card = json.loads((MODEL_DIR / "scores.json").read_text())
    assert card["dev"]["corpus"]["documents"] >= 30


def test_metric_pattern_year_tail_and_task_heads():
    text = "We reach 76.0% pass@1 on AIME 2024 and study domain adaptation with Low-Rank Adaptation (LoRA)."
    cands = [
        Candidate(text.index("AIME"), text.index("AIME") + 4, "DATASET", "ner", 1, 0.8),
        Candidate(text.index("domain"), text.index("domain") + 17, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("Low-Rank"), text.index("Low-Rank") + 19, "METHOD", "ner", 1, 0.8),
    ]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], [0])}
    assert ("pass@1", "METRIC") in got
    assert any(name == "AIME 2024" for name, _ in got)
    assert ("domain adaptation", "TASK") in got and ("Low-Rank Adaptation", "METHOD") in got


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_extract_papers_in_two_processes_equals_one():
    papers = [Paper(id=f"t:{i}", title=CWM_TITLE, abstract=CWM_ABSTRACT) for i in range(4)]
    nlp = load_pipeline()
    one = [e.model_dump() for e in extract_papers(papers, nlp=nlp)]
    two = [e.model_dump() for e in extract_papers(papers, nlp=nlp, n_process=2, batch_size=2)]
    assert one == two and len(two) == 4


@pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")
def test_extract_papers_in_two_processes_reads_its_input_lazily_in_the_callers_thread():
    """A build streams papers from a SQLite spool, which only its own thread may read, and never all at once."""
    import threading

    caller = threading.get_ident()
    read = []

    def papers():
        for i in range(40):
            assert threading.get_ident() == caller, "input read from another thread"
            read.append(i)
            yield Paper(id=f"t:{i}", title=CWM_TITLE, abstract=CWM_ABSTRACT)

    stream = extract_papers(papers(), nlp=load_pipeline(), n_process=2, batch_size=2)
    first = next(stream)
    assert first.paper_id == "t:0" and len(read) < 40  # a bounded window ahead, not the whole input
    assert [e.paper_id for e in stream] == [f"t:{i}" for i in range(1, 40)]


def test_later_uses_of_a_defined_acronym_keep_longer_names_whole():
    """'A-GRAE' is one mention (not 'GRAE' inside it), and 'LASER-D' / 'PFGM++' are not cut to their bases."""
    from kg.extract.concepts import _inside_hyphenated

    text = "A-GRAE improves GRAE; LASER-D extends LASER; PFGM++ unifies PFGM."
    at = lambda s, n=0: text.index(s, n)  # noqa: E731
    assert _inside_hyphenated(text, at("GRAE"), at("GRAE") + 4)
    assert not _inside_hyphenated(text, at("GRAE", 7), at("GRAE", 7) + 4)
    assert _inside_hyphenated(text, at("LASER"), at("LASER") + 5)
    assert _inside_hyphenated(text, at("PFGM"), at("PFGM") + 4)
    assert not _inside_hyphenated(text, at("PFGM", 50), at("PFGM", 50) + 4)


def test_a_repeated_name_claims_its_variant_whole_not_the_base_inside_it():
    """The repeat step: "LASER" tagged once makes a later "LASER-D" a mention of "LASER-D", never "LASER"
    inside it; a modifier ("RL-based") keeps the old reading, the name before the hyphen."""
    text = "We propose LASER, a method. We extend LASER into LASER-D. LASER-D and RL-based RL beat PFGM++ over PFGM."
    at = text.index
    cands = [Candidate(at("LASER"), at("LASER") + 5, "METHOD", "ner", 1, 0.8),
             Candidate(at("RL "), at("RL ") + 2, "METHOD", "ner", 1, 0.8),
             Candidate(at("PFGM."), at("PFGM.") + 4, "METHOD", "ner", 1, 0.8)]
    found = [(text[m.start:m.end], m.start) for m in combine_candidates(text, cands, [], sentence_starts(text))]
    assert ("LASER-D", at("LASER-D")) in found and ("LASER-D", at("LASER-D. ") + 9) in found
    assert all(name != "LASER" or text[start + 5] != "-" for name, start in found)
    assert ("PFGM++", at("PFGM++")) in found
    assert ("RL", at("RL-based")) in found


def test_loading_a_saved_pipeline_adds_no_second_copy_of_the_rule_components(tmp_path):
    """A saved pipeline whose components carry other names still gets each rule component once."""
    import spacy

    from kg.extract.pipeline import load_pipeline

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences_v1")
    nlp.add_pipe("kg_concepts_v1")
    nlp.to_disk(tmp_path / "p")
    factories = list(load_pipeline(tmp_path / "p").pipe_factories.values())
    assert sorted(factories) == ["kg_concepts_v1", "kg_sentences_v1"]


def test_names_introduced_by_their_context():
    text = (
        "FooNet: Faster Ranking for Search\nWe propose ZebraNorm, a layer for images. We release Bar Corpus, "
        "a new dataset of tables. Our model follows the Diffuser framework and is tested on the Walking Tours "
        "first-person video dataset. We also use what we call spectral glue for alignment."
    )
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, [], [], sentence_starts(text))}
    assert {("FooNet", "METHOD"), ("ZebraNorm", "METHOD"), ("Bar Corpus", "DATASET"), ("Diffuser", "METHOD"),
            ("Walking Tours", "DATASET"), ("spectral glue", "METHOD")} <= got


def test_names_are_not_taken_from_lists_plural_heads_or_phenomena():
    text = (
        "A Study of Ranking\nFour sensors are supported, namely IMU, radar and camera. The Teacher algorithms "
        "choose tasks. We identify a phenomenon we call trajectory invariance, which matters."
    )
    got = {text[c.start : c.end] for c in combine_candidates(text, [], [], sentence_starts(text))}
    assert not got & {"IMU", "Teacher", "trajectory invariance", "A Study of Ranking"}


def test_version_of_long_form_is_a_method_with_its_base_nested():
    text = "We propose a geometric version of the WL test (GWL) for graphs."
    long_start = text.index("a geometric")
    cands = [Candidate(long_start, text.index(" (GWL"), "DATASET", "ner", 1, 0.8)]
    pairs = fallback_find_abbreviations(text)
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, pairs, sentence_starts(text))}
    assert {("geometric version of the WL test", "METHOD"), ("GWL", "METHOD"), ("WL test", "METHOD")} <= got


def test_name_shapes_skip_plain_words_but_keep_every_shape():
    text = "plain words, BERT-base, Qwen2.5-7B, iCITRIS, 3D and GPUs; e.g. x-ray but also PooDLe's."
    # "3D" is a dimension, not a name
    assert [text[s:e] for s, e in name_shapes(text)] == ["BERT-base", "Qwen2.5-7B", "iCITRIS", "PooDLe"]


def test_task_phrases_by_head_generic_phrases_and_model_variants():
    text = (
        "We test on human skeleton motion prediction and simulated robotic manipulation with an efficient motion "
        "prediction model. A teacher model and deep representations help. We tune Llama3.1-8B Instruct."
    )
    cands = [
        Candidate(text.index("teacher"), text.index(" and deep"), "METHOD", "ner", 1, 0.8),
        Candidate(text.index("deep"), text.index(" help"), "METHOD", "gazetteer", 1, 0.8),
        Candidate(text.index("Llama"), text.index(" Instruct"), "METHOD", "ner", 1, 0.8),
    ]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert ("human skeleton motion prediction", "TASK") in got and ("robotic manipulation", "TASK") in got
    assert ("Llama3.1-8B Instruct", "METHOD") in got
    assert not {name for name, _ in got} & {"teacher model", "deep representations", "motion prediction",
                                             "simulated robotic manipulation"}


def test_known_metrics_by_name_generic_heads_fragments_and_costs():
    text = ("Parsing reaches 91.2 UAS and 89.0 LAS; the BLEU score rises, F1-score too, with lower WER. "
            "We tune the learning rate and cut the computational cost of the EM algorithm.")
    cands = [
        Candidate(text.index("BLEU score"), text.index("BLEU score") + 10, "METRIC", "gazetteer", 1, 0.8),
        Candidate(text.index("F1-"), text.index("F1-") + 3, "METRIC", "ner", 1, 0.8),
        Candidate(text.index("learning rate"), text.index("learning rate") + 13, "METRIC", "gazetteer", 1, 0.8),
        Candidate(text.index("computational"), text.index("computational") + 18, "METRIC", "gazetteer", 1, 0.8),
    ]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert {("UAS", "METRIC"), ("LAS", "METRIC"), ("BLEU", "METRIC"), ("F1-score", "METRIC"), ("WER", "METRIC")} <= got
    assert not {s for s, _ in got} & {"BLEU score", "F1-", "learning rate", "computational cost"}
    assert ("EM", "METRIC") not in got  # the EM algorithm is a method


def test_language_pair_tasks_and_names_typed_data_by_their_head():
    text = ("Results on Chinese-to-English translation improve. We train on the MUC-7 corpus and the "
            "British National Corpus; the Chinese-English pair is harder. We address word sense disambiguation.")
    cands = [
        Candidate(text.index("MUC-7"), text.index("MUC-7") + 5, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("British"), text.index("British") + 23, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("Chinese-English"), text.index("Chinese-English") + 15, "DATASET", "ner", 1, 0.8),
    ]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert {("Chinese-to-English translation", "TASK"), ("MUC-7", "DATASET"), ("British National Corpus", "DATASET"),
            ("word sense disambiguation", "TASK")} <= got
    assert "Chinese-English" not in {s for s, _ in got}


def test_released_models_by_parameter_count_or_decimal_version():
    text = ("We fine-tune Mistral-Small-24B and Gemma3-4B Instruct, compare with Nova-2.5 and Mixtral-8x7B, "
            "and report 71.3% on the SQuAD2.0 dataset. Training used 1.5B tokens.")
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, [], [], sentence_starts(text))}
    assert {("Mistral-Small-24B", "METHOD"), ("Gemma3-4B Instruct", "METHOD"), ("Nova-2.5", "METHOD"),
            ("Mixtral-8x7B", "METHOD")} <= got
    assert "SQuAD2.0" not in {s for s, t in got if t == "METHOD"} and "1.5B" not in {s for s, _ in got}


def test_spans_never_end_in_a_preposition_and_lone_hyphenated_adjectives_are_dropped():
    text = "We study Masked Graph Diffusion for molecules with RL-based and Pre-trained encoders."
    cands = [
        Candidate(text.index("Masked"), text.index(" molecules"), "METHOD", "ner", 1, 0.8),
        Candidate(text.index("RL-based"), text.index(" and Pre"), "METHOD", "ner", 1, 0.8),
        Candidate(text.index("Pre-trained"), text.index(" encoders"), "METHOD", "ner", 1, 0.8),
    ]
    assert trim_span(text, text.index("Masked"), text.index(" molecules")) == (
        text.index("Masked"), text.index(" for molecules"))
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert "Masked Graph Diffusion" in got and not got & {"RL-based", "Pre-trained"}


def test_benchmarks_later_in_a_list_after_on_and_dimensions_are_not_names():
    from kg.extract.shapes import is_name_shape, looks_like_benchmark

    sentence = r"Tests on AlphaSuite, BetaWorld, GammaWorld and Delta2-V raise the score by 12.2\% for ICL."
    for name in ("BetaWorld", "GammaWorld", "Delta2-V"):
        at = sentence.index(name)
        assert looks_like_benchmark(name, sentence[:at], sentence[at + len(name) :], sentence)
    both = "Gains hold across both LLMs and VLMs with 3% higher accuracy."
    assert not looks_like_benchmark("VLMs", both[: both.index("VLMs")], " with", both)
    assert not is_name_shape("3D") and not is_name_shape("2d") and is_name_shape("Delta2-V")


def test_a_concept_the_text_calls_a_problem_is_a_task_with_its_acronym():
    text = ("Lifelong Segmentation Learning (LSL) has been a long-standing problem. Prior LSL work uses "
            "Adam Optimization, and we study the problem of Adam Optimization.")
    ls = text.index("Lifelong")
    pair = AbbrevPair(ls, ls + len("Lifelong Segmentation Learning"), text.index("LSL"), text.index("LSL") + 3)
    cands = [Candidate(ls, ls + len("Lifelong Segmentation Learning"), "METHOD", "ner", 1, 0.8),
             Candidate(text.index("Adam"), text.index("Adam") + 17, "METHOD", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [pair], sentence_starts(text))}
    assert {("Lifelong Segmentation Learning", "TASK"), ("LSL", "TASK"), ("Adam Optimization", "METHOD")} <= got


def test_one_ordinary_title_word_taken_alone_by_the_tagger_is_a_fragment():
    text = "Robust Penalties for Risk Minimization and Navigation\nWe study risk minimization."
    cands = [
        Candidate(text.index("Risk"), text.index("Risk") + 4, "TASK", "ner", 1, 0.8),
        Candidate(text.index("Minimization"), text.index("Minimization") + 12, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("Navigation"), text.index("Navigation") + 10, "TASK", "ner", 1, 0.8),
    ]
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert "Navigation" in got and not got & {"Risk", "Minimization", "risk"}
    known = combine_candidates(text, cands[:1], [], sentence_starts(text), known_types={"risk": "TASK"})
    assert "Risk" in {text[c.start : c.end] for c in known}


def test_a_plural_data_head_after_names_is_not_part_of_the_name():
    text = "Experiments on the FOO and BARSET datasets reach 91.0% accuracy."
    cands = [Candidate(text.index("BARSET"), text.index(" reach"), "BENCHMARK", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert ("BARSET", "BENCHMARK") in got and "BARSET datasets" not in {s for s, _ in got}


def test_a_descriptive_reasoning_phrase_is_a_task():
    text = "Models struggle with multi-step spatial reasoning in puzzles."
    at = text.index("multi-step")
    cands = [Candidate(at, text.index(" in puzzles"), "METHOD", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert ("multi-step spatial reasoning", "TASK") in got


def test_a_hyphenated_compound_before_accuracy_names_which_accuracy():
    text = "Our model raises cross-lingual accuracy and state-of-the-art accuracy alike."
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(
        text, [Candidate(text.index("accuracy"), text.index("accuracy") + 8, "METRIC", "ner", 1, 0.9),
               Candidate(text.rindex("accuracy"), text.rindex("accuracy") + 8, "METRIC", "ner", 1, 0.9)],
        [], sentence_starts(text))}
    assert ("cross-lingual accuracy", "METRIC") in got
    assert "state-of-the-art accuracy" not in {s for s, _ in got}


def test_stop_capitals_evaluative_leads_and_adjective_ended_fragments_are_dropped():
    text = "It runs on one CPU. SOTA contrastive training helps conditional generative tasks."
    cands = [
        Candidate(text.index("CPU"), text.index("CPU") + 3, "METHOD", "ner", 1, 0.8),
        Candidate(text.index("SOTA"), text.index(" helps"), "METHOD", "ner", 1, 0.8),
        Candidate(text.index("conditional"), text.index(" tasks"), "METHOD", "ner", 1, 0.8),
    ]
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert "contrastive training" in got and not got & {"CPU", "SOTA contrastive training", "conditional generative"}


def test_a_task_phrase_by_head_takes_the_modifiers_of_a_shorter_task_span():
    text = "We study crowd motion forecasting and combine offline preference prediction with it."
    at = text.index("forecasting")
    cands = [Candidate(at, at + len("forecasting"), "TASK", "gazetteer", 1, 0.9)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert ("crowd motion forecasting", "TASK") in got and ("forecasting", "TASK") not in got
    assert ("preference prediction", "TASK") in got


def _pair(text: str, long: str, short: str) -> AbbrevPair:
    ls, ss = text.index(long), text.index("(" + short + ")") + 1
    return AbbrevPair(ls, ls + len(long), ss, ss + len(short))


def test_a_capitalised_long_form_of_a_task_phrase_is_a_task_even_when_its_acronym_is_known_as_a_method():
    text = ("Visual Question Answering (VQA) and Unsupervised Domain Adaptation (UDA) are hard. "
            "We tune Low-Rank Adaptation (LoRA) and Label Smoothing Regularization (LSR).")
    pairs = [_pair(text, "Visual Question Answering", "VQA"), _pair(text, "Unsupervised Domain Adaptation", "UDA"),
             _pair(text, "Low-Rank Adaptation", "LoRA"), _pair(text, "Label Smoothing Regularization", "LSR")]
    cands = [Candidate(p.short_start, p.short_end, "METHOD", "ner", 1, 0.8) for p in pairs]
    # "UDA" known as a METHOD from another paper's sense: this paper's long form decides
    got = {(text[c.start : c.end], c.type)
           for c in combine_candidates(text, cands, pairs, sentence_starts(text), known_types={"uda": "METHOD"})}
    assert {("Visual Question Answering", "TASK"), ("VQA", "TASK"), ("Unsupervised Domain Adaptation", "TASK"),
            ("UDA", "TASK"), ("Low-Rank Adaptation", "METHOD"), ("LoRA", "METHOD"),
            ("Label Smoothing Regularization", "METHOD"), ("LSR", "METHOD")} <= got
    # a long form the in-domain annotations know keeps its kind
    kept = {(text[c.start : c.end], c.type) for c in combine_candidates(
        text, cands, pairs, sentence_starts(text), known_types={"visual question answering": "METHOD"})}
    assert ("Visual Question Answering", "METHOD") in kept


def test_measured_quantities_named_where_the_text_changes_them():
    from kg.extract.concepts import measured_candidates

    text = ("Our tuner cuts memory usage by 40% and improves the test error, while lower error and "
            "the error of each layer are no names; it also reduces the latency.")
    got = [(text[c.start : c.end], c.type) for c in measured_candidates(text)]
    assert sorted(got) == [("memory usage", "METRIC"), ("test error", "METRIC")]
    pairs = fallback_find_abbreviations(text)
    mentions = {(text[c.start : c.end], c.type) for c in combine_candidates(text, [], pairs, sentence_starts(text))}
    assert {("memory usage", "METRIC"), ("test error", "METRIC")} <= mentions


def test_spans_that_lose_their_head_to_a_lone_modifier_or_a_number_are_dropped():
    text = "We study curriculum design and navigation tasks on four parsing tasks from 2004 with Bayes filters."
    at = lambda s, n=None: (text.index(s), text.index(s) + len(n or s))
    cands = [Candidate(*at("curriculum design"), "TASK", "ner", 1, 0.8),
             Candidate(*at("navigation tasks"), "TASK", "ner", 1, 0.8),
             Candidate(*at("four parsing tasks"), "TASK", "ner", 1, 0.8),
             Candidate(*at("2004"), "DATASET", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert got == {("navigation", "TASK"), ("parsing", "TASK")}
    # a lone modifier the in-domain annotations know as a concept stays
    known = combine_candidates(text, cands[:1], [], sentence_starts(text), known_types={"curriculum": "METHOD"})
    assert [text[c.start : c.end] for c in known] == ["curriculum"]


def test_a_task_phrase_is_not_the_benchmark_and_a_measure_long_form_is_a_metric():
    text = "We report 97.1% accuracy on dependency parsing, scored by the translation edit rate (TER)."
    s = text.index("dependency parsing")
    long = "translation edit rate"
    cands = [Candidate(s, s + len("dependency parsing"), "TASK", "ner", 1, 0.8),
             Candidate(text.index(long), text.index(long) + len("translation"), "TASK", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type)
           for c in combine_candidates(text, cands, [_pair(text, long, "TER")], sentence_starts(text))}
    assert {("dependency parsing", "TASK"), (long, "METRIC"), ("TER", "METRIC")} <= got


def test_a_capitalised_estimation_long_form_stays_a_method():
    text = "We replace Generalized Advantage Estimation (GAE) with Noise Contrastive Estimation (NCE)."
    pairs = [_pair(text, "Generalized Advantage Estimation", "GAE"), _pair(text, "Noise Contrastive Estimation", "NCE")]
    cands = [Candidate(p.long_start, p.long_end, "METHOD", "ner", 1, 0.8) for p in pairs]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, pairs, sentence_starts(text))}
    assert {("GAE", "METHOD"), ("NCE", "METHOD"), ("Generalized Advantage Estimation", "METHOD")} <= got


def test_name_shaped_things_a_model_is_trained_on_are_data_sets():
    from kg.extract.shapes import looks_like_training_data

    text = "Our tagger, trained on NEWS-3, TWT-12 or BIO-7, beats Qwen2-7B fine-tuned on SYN-2 and LLaMA-3."
    assert looks_like_training_data("BIO-7", text[: text.index("BIO-7")])
    assert not looks_like_training_data("Qwen2-7B", text[: text.index("Qwen2-7B")])
    cands = [Candidate(s, e, None, "shape", 0, 0.5) for s, e in name_shapes(text)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert {("NEWS-3", "DATASET"), ("TWT-12", "DATASET"), ("BIO-7", "DATASET"), ("SYN-2", "DATASET")} <= got
    assert ("Qwen2-7B", "METHOD") in got and not any(n == "LLaMA-3" for n, _ in got)


def test_a_glued_parenthesis_with_a_group_argument_is_part_of_the_name():
    text = "The SE(3)-Transformer and E(n) equivariant networks (EGNNs) act on the group SO(3 x Z."
    assert text[slice(*trim_span(text, 4, 21))] == "SE(3)-Transformer"
    e = text.index("E(n)")
    assert text[slice(*trim_span(text, e, e + len("E(n) equivariant networks (EGNNs)")))] == "E(n) equivariant networks"
    s = text.index("SO(3")
    assert trim_span(text, s, s + 4) is None  # cut inside the parenthesis: a fragment, not "SO"


def test_task_phrases_by_head_skip_hyphenated_settings_and_vague_heads():
    from kg.extract.concepts import task_candidates

    text = ("We study pedestrian trajectory prediction, single-turn generation, spatial understanding "
            "and feature distribution alignment for mesh processing.")
    assert [text[c.start : c.end] for c in task_candidates(text)] == ["pedestrian trajectory prediction",
                                                                      "mesh processing"]


def test_a_shared_set_method_name_needs_the_taggers_support():
    text = "We fit linear models and a Gaussian process to the data."
    lm, gp = text.index("linear models"), text.index("Gaussian process")
    cands = [Candidate(lm, lm + 13, "METHOD", "gazetteer", 1, 0.7),
             Candidate(gp, gp + 16, "METHOD", "gazetteer", 1, 0.7),
             Candidate(gp, gp + 16, "METHOD", "ner", 1, 0.8)]
    got = [text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))]
    assert got == ["Gaussian process"]
    # an in-domain entry stands on its own
    alone = [Candidate(lm, lm + 13, "METHOD", "gazetteer-domain", 1, 0.7)]
    assert [text[c.start : c.end] for c in combine_candidates(text, alone, [], sentence_starts(text))] == ["linear models"]


def test_one_word_tasks_in_a_coordination_or_a_list_after_tasks_like():
    from kg.extract.concepts import listed_task_candidates

    text = ("We test on denoising and captioning tasks, on tasks such as parsing (PTB), tagging and retrieval, "
            "but not on training and testing tasks, vision and language tasks or novel view synthesis and editing tasks.")
    got = [text[c.start : c.end] for c in listed_task_candidates(text)]
    assert got == ["denoising", "captioning", "parsing", "tagging", "retrieval"]


def test_fragments_after_a_slash_or_a_spaced_dash_and_trailing_except_are_cut():
    text = "We align Malagasy/English and English- Czech data from NIST 2012 except for UN."
    s = text.index("/English")
    assert trim_span(text, s, s + len("/English")) is None
    d = text.index("- Czech")
    assert trim_span(text, d, d + len("- Czech data")) is None
    n = text.index("NIST")
    assert text[slice(*trim_span(text, n, n + len("NIST 2012 except")))] == "NIST 2012"


def test_architecture_and_layer_heads_are_not_part_of_a_name():
    text = "We stack linear self-attention layers in the Transformer architecture."
    a = text.index("linear")
    assert text[slice(*trim_span(text, a, a + len("linear self-attention layers")))] == "linear self-attention"
    t = text.index("Transformer")
    assert text[slice(*trim_span(text, t, t + len("Transformer architecture")))] == "Transformer"


def test_a_lone_title_cased_line_is_treated_as_a_title():
    text = "Dialogue Management Based on Sentence Clustering"
    s = text.index("Clustering")
    cands = [Candidate(s, s + len("Clustering"), "TASK", "ner", 1, 0.8)]
    assert combine_candidates(text, cands, [], sentence_starts(text)) == []
    # in an ordinary sentence the same word stays
    plain = "We group replies by sentence Clustering and rank them."
    p = plain.index("Clustering")
    kept = combine_candidates(plain, [Candidate(p, p + 10, "TASK", "ner", 1, 0.8)], [], sentence_starts(plain))
    assert [plain[c.start : c.end] for c in kept] == ["Clustering"]


def test_one_hyphenated_adjective_is_no_name_in_any_case():
    text = "Under Class-Incremental and rotation-invariant settings we train GRIT-Net."
    cands = [Candidate(text.index("Class"), text.index("Class") + 17, "TASK", "ner", 1, 0.8),
             Candidate(text.index("rotation"), text.index("rotation") + 18, "METHOD", "ner", 1, 0.8),
             Candidate(text.index("GRIT"), text.index("GRIT") + 8, "METHOD", "ner", 1, 0.8)]
    got = [text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))]
    assert got == ["GRIT-Net"]


def test_a_name_a_method_is_based_on_is_not_a_benchmark():
    from kg.extract.shapes import looks_like_benchmark

    text = "Our architecture based on Fourier layers achieves 91% accuracy on CIFAR-10."
    before = text[: text.index("Fourier")]
    assert not looks_like_benchmark("Fourier", before, " layers", text)
    assert looks_like_benchmark("CIFAR-10", text[: text.index("CIFAR")], ".", text)


def _combined(text, cands):
    # the name shapes as the concepts component adds them
    cands = cands + [Candidate(s, e, None, "shape", 0, 0.5) for s, e in name_shapes(text)]
    out = combine_candidates(text, cands, fallback_find_abbreviations(text), sentence_starts(text))
    return {(text[c.start : c.end], c.type) for c in out}


def _cand(text, phrase, kind, source="ner"):
    start = text.index(phrase)
    return Candidate(start, start + len(phrase), kind, source, 1, 0.8)


def test_learning_setting_before_a_method_or_task_is_part_of_its_name():
    text = "Title\nWe study zero-shot generalization of safe multi-agent reinforcement learning and few-shot GPT-3."
    got = _combined(text, [_cand(text, "generalization", "TASK"),
                           _cand(text, "multi-agent reinforcement learning", "METHOD"), _cand(text, "GPT-3", "METHOD")])
    assert got == {("zero-shot generalization", "TASK"), ("safe multi-agent reinforcement learning", "METHOD"),
                   ("GPT-3", "METHOD")}


def test_generic_head_after_a_proper_name_is_dropped_but_a_named_model_keeps_it():
    text = "Title\nTransformer models, the PLOVER algorithm and metric learning algorithms beat the Smith-Jones model."
    got = _combined(text, [_cand(text, "Transformer models", "METHOD"), _cand(text, "PLOVER algorithm", "METHOD"),
                           _cand(text, "metric learning algorithms", "METHOD"), _cand(text, "Smith-Jones model", "METHOD")])
    assert got == {("Transformer", "METHOD"), ("PLOVER", "METHOD"), ("metric learning", "METHOD"),
                   ("Smith-Jones model", "METHOD")}


def test_metric_names_top_k_box_ap_and_what_a_measure_measures():
    text = ("Title\nIt reaches 80.1% top-1 and 95.0% top-5 on Foo, +2.0 APbox on Bar, a 3.1%uparrow accuracy gain, "
            "lower cumulative regret, better segmentation accuracy, a smaller variance-dependent regret and a lower "
            "average end-point error.")
    regret = text.rindex("regret")
    cands = [_cand(text, "uparrow accuracy", "METRIC"), _cand(text, "regret", "METRIC"),
             Candidate(text.index("accuracy,"), text.index("accuracy,") + 8, "METRIC", "ner", 1, 0.8),
             Candidate(regret, regret + 6, "METRIC", "ner", 1, 0.8), _cand(text, "end-point error", "METRIC")]
    got = {k for k in _combined(text, cands) if k[1] == "METRIC"}
    assert got == {("top-1", "METRIC"), ("top-5", "METRIC"), ("APbox", "METRIC"), ("accuracy", "METRIC"),
                   ("cumulative regret", "METRIC"), ("regret", "METRIC"),
                   ("average end-point error", "METRIC")}


def test_names_listed_where_scores_are_reported_are_benchmarks_but_plural_acronyms_are_models():
    text = ("Title\nExperiments on reasoning benchmarks including Zorbo and QuixWriter yield 3.1% higher accuracy "
            "across both LLMs and MLLMs. Results on two datasets, FooChat and Bar-7, show 2.0% gains.")
    got = _combined(text, [_cand(text, name, "METHOD") for name in ("Zorbo", "QuixWriter", "LLMs", "MLLMs", "FooChat")])
    assert {k for k in got if k[0] != "accuracy"} == {
        ("Zorbo", "BENCHMARK"), ("QuixWriter", "BENCHMARK"), ("LLMs", "METHOD"), ("MLLMs", "METHOD"),
        ("FooChat", "BENCHMARK"), ("Bar-7", "BENCHMARK")}


def test_task_phrases_headed_by_planning_editing_and_discovery():
    from kg.extract.concepts import task_candidates

    text = "Title\nWe study route planning, scene editing and drug discovery for our robots."
    assert [text[c.start : c.end] for c in task_candidates(text)] == ["route planning", "scene editing", "drug discovery"]


def test_tagger_spans_ending_in_a_modifier_and_unsupported_shared_metrics_are_dropped():
    text = "Title\nImplicit Neural fields cut the model size, and the frame rate rises with Blob model-based tricks."
    got = _combined(text, [_cand(text, "Implicit Neural", "METHOD"), _cand(text, "Blob model-based", "METHOD"),
                           _cand(text, "model size", "METRIC", "gazetteer"), _cand(text, "frame rate", "METRIC", "gazetteer"),
                           _cand(text, "frame rate", "METRIC")])
    assert got == {("frame rate", "METRIC")}


def test_a_known_measure_name_outranks_the_taggers_kind_on_the_same_span():
    text = "Title\nOur codec gains 1.2 dB PSNR and 0.01 MS-SSIM over Foo."
    got = _combined(text, [_cand(text, "PSNR", "METHOD"), _cand(text, "MS-SSIM", "METHOD")])
    assert {k for k in got if k[0] != "Foo"} == {("PSNR", "METRIC"), ("MS-SSIM", "METRIC")}
