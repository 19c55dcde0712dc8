"""Rules of session 9 for TDMSci-style sentences (single sentences from NLP papers); the tagger's output is set
by hand, as in the other rules tests."""

from __future__ import annotations

from rules_helpers import combined

from kg.extract.adapters import find_abbreviation_pairs
from kg.extract.concepts import Candidate, combine_candidates
from kg.extract.pipeline import sentence_starts


def test_a_meeting_defined_with_an_acronym_is_no_concept():
    text = ("Summaries are judged on grammaticality in the Document Understanding Conferences (DUC), and systems "
            "are ranked at the Workshop on Machine Translation (WMT) and the Text Analysis Conference (TAC).")
    got = combined(text, [("Document Understanding Conferences", "TASK"), ("Machine Translation", "TASK")],
                   find_abbreviation_pairs(text))
    assert not {m for m in got if m[0] in ("DUC", "WMT", "TAC") or "Conference" in m[0] or "Workshop" in m[0]}
    # nor is a word of the meeting's name
    assert not {m for m in got if "Translation" in m[0]}
    # a defined task or data set next to it keeps its pair
    text = "We evaluate statistical machine translation (SMT) on the Penn Treebank (PTB)."
    got = combined(text, [("statistical machine translation", "TASK"), ("Penn Treebank", "DATASET")],
                   find_abbreviation_pairs(text))
    assert {("SMT", "TASK"), ("statistical machine translation", "TASK")} <= got and "PTB" in {m[0] for m in got}


def test_shared_task_keeps_its_head():
    text = "We use the data of the CoNLL 2000 shared task and of the BioNLP/NLPBA 2004 shared tasks."
    got = combined(text, [("CoNLL 2000 shared task", "DATASET"), ("BioNLP/NLPBA 2004 shared tasks", "DATASET")])
    assert {("CoNLL 2000 shared task", "DATASET"), ("BioNLP/NLPBA 2004 shared tasks", "DATASET")} <= got
    # any other task head still goes ("the parsing task" names parsing)
    text = "We study the dependency parsing task."
    assert ("dependency parsing", "TASK") in combined(text, [("dependency parsing task", "TASK")])


def test_a_noun_of_action_before_accuracy_is_no_part_of_the_measure():
    text = "Our model reaches a classification accuracy of 90% and a lower out-of-distribution accuracy."
    first, second = text.index("accuracy"), text.rindex("accuracy")
    cands = [Candidate(at, at + 8, "METRIC", "ner", 1, 0.8) for at in (first, second)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, [], sentence_starts(text))}
    # TDMSci annotates "accuracy" alone after a noun of action 17 times to 1; a hyphenated compound says which
    # accuracy is measured and stays
    assert got == {("accuracy", "METRIC"), ("out-of-distribution accuracy", "METRIC")}


def test_a_measure_word_loses_its_generic_head():
    text = "We report the precision score, the recall rate and the error rate of each system."
    got = combined(text, [("precision score", "METRIC"), ("recall rate", "METRIC"), ("error rate", "METRIC")])
    assert {("precision", "METRIC"), ("recall", "METRIC"), ("error rate", "METRIC")} <= got
    assert not {m for m in got if m[0] in ("precision score", "recall rate")}


def test_an_acronyms_task_keeps_its_head():
    # ANNOTATION.md keeps the head after an acronym ("WL test"): "the RTE task", "the WMT09 task"
    text = "MCTest is recast as an RTE task, and we also enter the WMT09 task."
    got = combined(text, [("RTE", "TASK"), ("WMT09 task", "TASK")])
    assert {("RTE task", "TASK"), ("WMT09 task", "TASK")} <= got
    # a lowercase task name still loses it
    text = "We enter the sentence completion task."
    assert ("sentence completion", "TASK") in combined(text, [("sentence completion task", "TASK")])


def test_a_participle_before_a_data_head_keeps_the_head():
    text = "We train on the WordNet-annotated datasets and test on the TOSCA datasets."
    got = combined(text, [("WordNet-annotated datasets", "DATASET"), ("TOSCA datasets", "DATASET")])
    assert ("WordNet-annotated datasets", "DATASET") in got and "TOSCA" in {m[0] for m in got}


def test_data_in_some_languages_is_no_named_data_set():
    text = "We use the English test data, the Chinese and English corpus and the Europarl corpus."
    got = combined(text, [("English test data", "DATASET"), ("Chinese and English corpus", "DATASET"),
                          ("Europarl", "DATASET")])
    assert {m[0] for m in got} == {"Europarl"}


def test_a_methods_head_inside_a_definition_makes_the_pair_a_method():
    text = "We compare the post processing method (PP) and the double parsing method (DP) on French."
    got = combined(text, [], find_abbreviation_pairs(text))
    assert {("double parsing", "METHOD"), ("DP", "METHOD")} <= got
    # after the acronym the head says what is done with the task: "Information Retrieval (IR) methods"
    text = "We enrich contexts via Information Retrieval (IR) methods."
    assert ("IR", "TASK") in combined(text, [], find_abbreviation_pairs(text))


def test_the_variant_of_a_measure_is_part_of_its_name():
    text = "We report labeled recall, unigram BLEU, word-level BLEU and the relative error reduction."
    got = combined(text, [("recall", "METRIC"), ("relative error reduction", "METRIC")])
    got |= combined(text, [("recall", "METRIC")])
    assert {("labeled recall", "METRIC"), ("unigram BLEU", "METRIC"), ("word-level BLEU", "METRIC")} <= got
    assert ("relative error reduction", "METRIC") in got

