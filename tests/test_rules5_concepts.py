"""Rules of the concept layer applied to the tagger's output: the tagger's entities are set by hand here,
so each rule is checked on sentences we wrote, independent of the shipped model."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from kg.extract import pipeline as _pipeline  # noqa: F401  registers the components
from kg.extract.gazetteer import GazetteerEntry


def tagged(text: str, surface: str, kind: str):
    """The tagger's candidate for the first ``surface`` in ``text``."""
    from kg.extract.concepts import Candidate

    at = text.index(surface)
    return Candidate(at, at + len(surface), kind, "ner", 1, 0.8)


def concepts(text: str, ents: list[tuple[str, str]], gazetteer: list[GazetteerEntry] = ()) -> set[tuple[str, str]]:
    """(surface, kind) of the mentions when the tagger found ``ents`` (surface, label) in ``text``."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences_v1")
    comp = nlp.add_pipe("kg_concepts_v1", config={"ner_max_lower_words": 3, "ner_lower_word_needs_gazetteer": True})
    comp.set_gazetteer(list(gazetteer))
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = [s for s in spans if isinstance(s, Span)]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return {(text[m[0] : m[1]], m[2]) for m in doc._.kg_mentions}


def test_one_lowercase_task_head_noun_stands_without_the_gazetteer():
    text = "We improve parsing and navigation with a variational objective and recurrent layers."
    got = concepts(text, [("parsing", "TASK"), ("navigation", "TASK"), ("variational", "METHOD"), ("recurrent", "METHOD")])
    assert ("parsing", "TASK") in got and ("navigation", "TASK") in got
    # a lone modifier the tagger took still needs the gazetteer's support
    assert not {w for w, _ in got} & {"variational", "recurrent"}
    # a task noun typed METHOD by the tagger is not let through by this rule
    assert ("parsing", "METHOD") not in concepts(text, [("parsing", "METHOD")])
    known = concepts(text, [("recurrent", "METHOD")], [GazetteerEntry(term="recurrent", type="METHOD", count=5, in_domain=True)])
    assert ("recurrent", "METHOD") in known


def test_a_learning_paradigm_the_tagger_typed_task_is_a_method_with_its_acronym():
    from kg.extract.adapters import find_abbreviation_pairs
    from kg.extract.concepts import combine_candidates
    from kg.extract.pipeline import sentence_starts

    text = ("We study multi-agent reinforcement learning (MARL) and continual learning. "
            "MARL agents and self-supervised learning both help.")
    def cand(s, kind):
        return tagged(text, s, kind)
    cands = [cand("multi-agent reinforcement learning", "TASK"), cand("continual learning", "TASK"),
             cand("self-supervised learning", "TASK")]
    got = {(text[c.start : c.end], c.type)
           for c in combine_candidates(text, cands, find_abbreviation_pairs(text), sentence_starts(text))}
    assert {("multi-agent reinforcement learning", "METHOD"), ("MARL", "METHOD"),
            ("self-supervised learning", "METHOD")} <= got
    # a learning problem that is not a paradigm keeps the tagger's type
    assert ("continual learning", "TASK") in got


def test_measures_listed_after_in_terms_of_are_metrics():
    from kg.extract.concepts import combine_candidates, in_terms_of_candidates
    from kg.extract.pipeline import sentence_starts

    text = ("Our planner beats the baselines in terms of both training time and final accuracy, and in terms of "
            "persona consistency, response coherence and scalability on two datasets.")
    got = [text[c.start : c.end] for c in in_terms_of_candidates(text)]
    assert got == ["training time", "accuracy", "persona consistency", "response coherence"]
    kinds = {(text[c.start : c.end], c.type) for c in combine_candidates(text, [], [], sentence_starts(text))}
    assert ("persona consistency", "METRIC") in kinds and ("training time", "METRIC") in kinds
    # what follows "in terms of" that is no measure stays out: a clause, a numbered list, a plain noun
    for other in ("We compare them in terms of their symmetry group, base space, and field type.",
                  "It differs in terms of (1) alleviating the stability gap and (2) speed.",
                  "We discuss them in terms of generalization and motion naturalness."):
        assert in_terms_of_candidates(other) == []


def test_a_quantity_the_text_changes_by_an_amount_is_a_metric():
    from kg.extract.concepts import changed_by_candidates

    text = ("Steering the model improves helpfulness by 9.6% and reduces collision rates by 4x, improves the "
            "question answering performance by 1.2 points and raises the share of dependency accuracy by 2%.")
    assert [text[c.start : c.end] for c in changed_by_candidates(text)] == ["helpfulness", "collision rates"]


def test_a_number_of_dimensions_alone_is_no_concept():
    from kg.extract.concepts import Candidate, combine_candidates
    from kg.extract.pipeline import sentence_starts

    text = "InvJoint learns 2D and 3D representations for recent 2D-3D models and 3D shape classification."
    cands = [Candidate(text.index(s), text.index(s) + len(s), kind, "ner", 1, 0.8)
             for s, kind in (("2D", "METRIC"), ("2D-3D", "METRIC"), ("3D shape classification", "TASK"))]
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert "3D shape classification" in got and not got & {"2D", "3D", "2D-3D"}


def test_names_given_as_examples_of_a_task_are_benchmarks():
    from kg.extract.concepts import combine_candidates
    from kg.extract.pipeline import sentence_starts

    text = ("Gains hold from classification (e.g. ImageNet), retrieval (e.g. CUB and SOP) to language modelling "
            "(e.g. WikiText), unlike optimizers (e.g. Adam).")
    def cand(s, kind):
        return tagged(text, s, kind)
    cands = [cand("classification", "TASK"), cand("ImageNet", "DATASET"), cand("retrieval", "TASK"),
             cand("CUB", "METHOD"), cand("language modelling", "TASK"), cand("Adam", "METHOD")]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    assert {("ImageNet", "BENCHMARK"), ("CUB", "BENCHMARK"), ("SOP", "BENCHMARK"), ("WikiText", "BENCHMARK")} <= got
    # examples of something that is no task keep their kind
    assert ("Adam", "METHOD") in got


def test_names_experiments_are_run_on_are_benchmarks_and_a_sized_model_with_its_variant_is_not():
    from kg.extract.concepts import is_sized_model
    from kg.extract.shapes import dataset_or_benchmark, looks_like_benchmark

    sentence = "Experiments on two large public datasets, PersonaChat and DSTC7-AVSD, demonstrated its effectiveness."
    at = sentence.index("DSTC7-AVSD")
    assert looks_like_benchmark("DSTC7-AVSD", sentence[:at], sentence[at + 10 : at + 30], sentence)
    assert dataset_or_benchmark("PersonaChat", sentence) == "BENCHMARK"
    # trained on it: a data set, experiments or not
    assert dataset_or_benchmark("C4", "In our experiments we pre-train on C4.") == "DATASET"
    assert is_sized_model("Llama3.1-8B Instruct") and is_sized_model("Qwen3-8B") and not is_sized_model("MNIST")


def test_f1_score_keeps_its_head_but_bleu_score_names_bleu():
    from kg.extract.concepts import Candidate, combine_candidates
    from kg.extract.pipeline import sentence_starts

    text = "We report F1 scores of 91.2 and a BLEU score of 30.1, with a macro F1 score of 88."
    at = text.index("BLEU score")
    got = {text[c.start : c.end] for c in combine_candidates(
        text, [Candidate(at, at + 10, "METRIC", "ner", 1, 0.8)], [], sentence_starts(text)) if c.type == "METRIC"}
    # the averaging variant is part of the measure's name (TDMSci keeps "macro"/"micro-averaged" in the span)
    assert {"F1 scores", "macro F1 score", "BLEU"} <= got and "BLEU score" not in got


def test_f1_written_with_a_space_is_still_f1():
    from kg.extract.concepts import metric_candidates

    text = "It reaches an F 1 -score of 80.2 and F 1 scores above 75, while F1 stays the same."
    got = [text[c.start : c.end] for c in metric_candidates(text)]
    assert "F 1 -score" in got and "F 1 scores" in got and "F1" in got


def test_gold_and_ordinals_are_no_part_of_a_task_phrase():
    from kg.extract.concepts import task_candidates

    text = "We compare against gold segmentation. The first parsing runs. Then word segmentation follows."
    got = [text[c.start : c.end] for c in task_candidates(text)]
    assert "word segmentation" in got and not {"gold segmentation", "first parsing"} & set(got)
