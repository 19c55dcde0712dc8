"""Rules of session 10 on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined

from kg.extract.adapters import find_abbreviation_pairs


def test_items_of_a_tasks_like_list_are_tasks():
    # ANNOTATION.md: the kind is the item's use in this abstract; "tasks like X" calls X a task, even a paradigm
    text = "Title\nWe design planners for data labeling tasks like active learning and graph search."
    got = combined(text, [("active learning", "METHOD")], known={"active learning": "METHOD"})
    assert ("active learning", "TASK") in got and ("active learning", "METHOD") not in got
    text = "Title\nWe test it on several problems, including an in-context learning task, and sorting."
    got = combined(text, [("in-context learning", "TASK")])
    assert ("in-context learning", "TASK") in got
    # every mention of the string takes the kind (one string, one kind per paper)
    text = "Title\nActive learning is popular. We study tasks such as active learning."
    got = combined(text, [("Active learning", "METHOD"), ("active learning", "METHOD")])
    assert ("Active learning", "TASK") in got and ("active learning", "TASK") in got


def test_things_and_unframed_methods_keep_their_kind():
    # a thing heads the item: it is what solves the task, not the task
    text = "Title\nWe study tasks such as graph transformers and others."
    assert ("graph transformers", "METHOD") in combined(text, [("graph transformers", "METHOD")])
    # no frame: the paradigm stays a method
    text = "Title\nWe apply active learning to tasks in robotics."
    assert ("active learning", "METHOD") in combined(text, [("active learning", "METHOD")])
    # a list the frame does not start ("methods such as")
    text = "Title\nWe compare methods such as active learning and boosting."
    assert ("active learning", "METHOD") in combined(text, [("active learning", "METHOD")])


def test_names_in_parentheses_of_a_data_phrase_are_data():
    # "several clinical (A, B) and outdoor (C) datasets": the parentheses list the data sets the phrase means
    text = "Title\nWe report results on several clinical (KNEE, LUNGX) and outdoor (STREETS) datasets."
    got = combined(text, [("KNEE", "METHOD"), ("LUNGX", "METHOD")])
    assert {("KNEE", "BENCHMARK"), ("LUNGX", "BENCHMARK"), ("STREETS", "BENCHMARK")} <= got
    assert ("KNEE", "METHOD") not in got
    # "curated datasets (e.g., Vid9K)": an example of the data phrase
    text = "Title\nMost methods are limited to curated datasets (e.g., Vid9K) and fail elsewhere."
    assert ("Vid9K", "DATASET") in combined(text, [])


def test_defined_acronyms_and_other_parentheses_keep_their_kind():
    # a long form defined with its acronym before "dataset" is the pair rule's business
    text = "Title\nWe train on two Multi-View Caption (MVCap) datasets."
    got = combined(text, [("Multi-View Caption", "METHOD")], pairs=find_abbreviation_pairs(text))
    assert ("MVCap", "DATASET") in got and ("Multi-View Caption", "DATASET") in got
    # parentheses after a method phrase name methods
    text = "Title\nWe compare graph networks (GCN, GAT) on citation data."
    got = combined(text, [("GCN", "METHOD"), ("GAT", "METHOD")])
    assert {("GCN", "METHOD"), ("GAT", "METHOD")} <= got


def test_item_with_the_same_head_takes_the_kind():
    # a list coordinates things of one kind: the same head noun makes the unfound item one of them
    text = "Title\nWe compare kernel regression and lasso regression on small data."
    assert ("lasso regression", "METHOD") in combined(text, [("kernel regression", "METHOD")])
    text = "Title\nWe train both contrastive models and masked models on video."
    assert ("contrastive models", "METHOD") in combined(text, [("masked models", "METHOD")])
    text = "Title\nIt helps with depth estimation, flow estimation and tracking."
    assert ("flow estimation", "TASK") in combined(text, [("depth estimation", "TASK")])


def test_item_with_another_head_or_one_word_is_not_taken():
    text = "Title\nWe compare kernel regression and lasso penalties on small data."
    got = combined(text, [("kernel regression", "METHOD")])
    assert not any(s.startswith("lasso") for s, _ in got)
    # the item less its function and evaluative words is one word: the head alone names nothing
    text = "Title\nWe use kernel regression and the regression."
    assert {s for s, _ in combined(text, [("kernel regression", "METHOD")])} == {"kernel regression"}


def test_subject_the_text_calls_a_task_is_a_task():
    text = "Title\nWith more online shops, shelf-photo matching has become an important task. We solve it."
    assert ("shelf-photo matching", "TASK") in combined(text, [])
    text = "Title\nStructured scene description is a generative task explored in vision."
    assert ("Structured scene description", "TASK") in combined(text, [])


def test_pronoun_or_determiner_subject_is_no_task():
    text = "Title\nThis problem is a hard task. The goal of it remains an open problem. But parsing is a problem."
    assert not combined(text, [])


def test_name_given_to_a_method_or_task_head_takes_its_kind():
    text = "Title\nHistories are summarised, a process called reverse summarisation, before training."
    assert ("reverse summarisation", "METHOD") in combined(text, [])
    text = "Title\nWe study a new task in video editing, namely object re-timing. It is hard."
    assert ("object re-timing", "TASK") in combined(text, [])
    # both parts of "two components, namely A and B" (the second by its shared head)
    text = "Title\nIt has two components, namely word-based ranking model and graph-based ranking model."
    got = combined(text, [])
    assert {("word-based ranking model", "METHOD"), ("graph-based ranking model", "METHOD")} <= got


def test_name_given_to_other_heads_or_one_word_is_no_concept():
    text = "Title\nThey belong to a broader class called equivariance. We pick a subset, called a frame."
    assert not combined(text, [])
    # a name cut after an adjective lost its head noun
    text = "Title\nWe propose a new approach called deep hierarchical multiscale recurrent neural networks."
    assert not any(s.endswith("neural") for s, _ in combined(text, []))
