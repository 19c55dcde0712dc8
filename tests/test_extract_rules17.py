"""Session 11 rules against false positives and wrong spans, on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined


def test_a_task_word_modifying_a_noun_is_no_task_mention():
    # "the retrieval model", "segmentation masks": the word says what kind of thing follows, no task of this text
    text = "Title\nWe train a retrieval model and report the segmentation performance with unpaired segmentation masks."
    got = combined(text, [("retrieval", "TASK"), ("segmentation", "TASK")])
    assert not {k for k in got if k[1] == "TASK"}
    # the same word standing as a noun is the task
    text = "Title\nOur features help retrieval and segmentation on three data sets."
    got = combined(text, [("retrieval", "TASK"), ("segmentation", "TASK")])
    assert {("retrieval", "TASK"), ("segmentation", "TASK")} <= got


def test_acronyms_and_phrases_modifying_a_noun_keep_their_task():
    # an acronym before a noun still names its task ("SMT systems"); a multi-word task phrase is left to its rules
    text = "Title\nWe compare SMT systems and two question answering models."
    got = combined(text, [("SMT", "TASK"), ("question answering", "TASK")])
    assert {("SMT", "TASK"), ("question answering", "TASK")} <= got
