"""Rules of session 10 for TDMSci-style sentences (single sentences from NLP papers); the tagger's output is set
by hand, as in the other rules tests."""

from __future__ import annotations

from rules_helpers import combined


def test_a_ranking_measure_keeps_its_cut_off():
    text = "We reach high precisions at k: a precision at 30 of 87% and an accuracy at 5 of 55.8%."
    got = combined(text, [("precision at", "METRIC")])
    assert {("precisions at k", "METRIC"), ("precision at 30", "METRIC"), ("accuracy at 5", "METRIC")} <= got
    # a share or a value after "at" is no cut-off, and other words before one are no measure
    text = "Recall at 10% of the budget rises, accuracy at 3.5 epochs is low, and we stop at 5."
    got = combined(text, [("Recall", "METRIC"), ("accuracy", "METRIC")])
    assert not {m for m in got if " at " in m[0]}


def test_a_sentence_defining_its_subject_as_a_task_names_that_task():
    text = ("Automated essay scoring, the task of employing computers to score written text, is an application. "
            "Document enrichment is the task of adding knowledge to a document.")
    got = combined(text, [])
    assert {("Automated essay scoring", "TASK"), ("Document enrichment", "TASK")} <= got
    # a pronoun, a determiner or an adverb that opens the sentence is no name; nor is a phrase inside the sentence
    text = "This is the task of finding things. More recently, the task of ranking grew. We study the task of X."
    assert not {m for m in combined(text, []) if m[1] == "TASK" and m[0].split()[0] in ("This", "More", "We")}


def test_a_table_caption_names_the_task_it_scores():
    got = combined("Table 2: Parsing results of two parsers on Stanford Basic dependencies.", [])
    assert ("Parsing", "TASK") in got
    got = combined("Table 3: Hedge segmentation and parsing results on test data.", [("Hedge segmentation", "TASK")])
    assert ("Hedge segmentation and parsing", "TASK") in got
    # a measure, a quantity or a word that is no action names no task
    for text in ("Table 4: BLEU score results for various languages.", "Table 5: Sense distribution evaluation of MKWC.",
                 "Table 1: Experimental results using an extended parser."):
        assert not {m for m in combined(text, []) if m[1] == "TASK"}


def test_a_verb_after_a_subject_or_modal_is_no_modifier_of_a_task():
    text = "We measure prediction quality. We frame citation classification as tagging. They could master text generation."
    got = {m for m in combined(text, []) if m[1] == "TASK"}
    assert {("citation classification", "TASK"), ("text generation", "TASK")} <= got
    assert not {m for m in got if m[0].split()[0] in ("measure", "frame", "master")}
    # a modifier after a function word stays
    assert ("citation classification", "TASK") in combined("Work on citation classification grows.", [])


def test_the_language_a_task_is_done_in_is_no_part_of_its_name():
    text = "Joint Syntactic and Semantic Parsing of Chinese"
    assert ("Syntactic and Semantic Parsing", "TASK") in combined(text, [("Syntactic and Semantic Parsing of Chinese", "TASK")])
    text = "We study opinion mining for Portuguese."
    assert ("opinion mining", "TASK") in combined(text, [("opinion mining for Portuguese", "TASK")])
    # a language inside the name stays ("Chinese word segmentation")
    text = "We study Chinese word segmentation."
    assert ("Chinese word segmentation", "TASK") in combined(text, [("Chinese word segmentation", "TASK")])


def test_processing_of_language_at_large_is_a_field_not_a_task():
    text = "There are many ways to improve language processing and semantic processing on social media."
    assert not {m for m in combined(text, []) if m[1] == "TASK"}
    # what is processed names the task ("audio processing", "mesh processing")
    text = "We study audio processing and mesh processing."
    assert {("audio processing", "TASK"), ("mesh processing", "TASK")} <= combined(text, [])


def test_an_evaluative_adjective_is_no_kind_of_task():
    text = "Only a valid extraction counts, and a correct classification needs context."
    assert not {m for m in combined(text, []) if m[1] == "TASK" and m[0].split()[0] in ("valid", "correct")}


def test_em_is_a_measure_only_where_a_score_is_near():
    got = combined("VB improves over EM considerably, and MAP-EM beats standard EM.", [])
    assert not {m for m in got if m[1] == "METRIC"}
    got = combined("Our reader reaches 81.2 EM and 88.1 F1 on SQuAD.", [])
    assert {("EM", "METRIC"), ("F1", "METRIC")} <= got
