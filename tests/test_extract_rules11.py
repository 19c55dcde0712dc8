"""Contextual rules of 21 Nov (fifth round), each on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined

from kg.extract.concepts import Candidate, combine_candidates
from kg.extract.pipeline import sentence_starts


def combined_known(text: str, tagged: list[tuple[str, str]], known: dict[str, str]) -> set[tuple[str, str]]:
    """``combined`` with the types the gazetteer knows."""
    cands = [Candidate(text.index(s), text.index(s) + len(s), kind, "ner", 1, 0.8) for s, kind in tagged]
    return {(text[c.start : c.end], c.type)
            for c in combine_candidates(text, cands, [], sentence_starts(text), known_types=known)}


def test_model_named_after_people_keeps_its_head():
    text = "Title\nWe fit the Lotka-Volterra model to the counts and compare it with the Hidden model."
    got = combined(text, [])
    assert ("Lotka-Volterra model", "METHOD") in got
    assert ("Lotka-Volterra", "METHOD") not in got
    # a one-word name still drops the generic head
    text = "Title\nWe fine-tune the Gemini model on the counts."
    got = combined(text, [])
    assert ("Gemini", "METHOD") in got and ("Gemini model", "METHOD") not in got


def test_task_head_taking_an_object_is_an_action():
    text = "Title\nThe automatic estimation of poses speeds up training, and the causal manipulation of weights helps."
    got = {m for m in combined(text, []) if m[1] == "TASK"}
    assert got == set()
    # the same head with no object still names a task
    text = "Title\nWe study automatic pose estimation and causal manipulation in robots."
    got = combined(text, [])
    assert {("automatic pose estimation", "TASK"), ("causal manipulation", "TASK")} <= got


def test_title_gerund_before_a_known_name_is_no_part_of_it():
    known = {"imitation learning": "TASK"}
    text = "Debiasing Imitation Learning with Causal Graphs\nWe study imitation learning from demonstrations."
    got = combined_known(text, [("Debiasing Imitation Learning", "TASK")], known)
    assert ("Imitation Learning", "TASK") in got
    assert ("Debiasing Imitation Learning", "TASK") not in got
    # a gerund before words nobody knows may name a task of its own
    text = "Predicting Tense in Chinese Dialogues\nWe predict the tense of verbs."
    got = combined_known(text, [("Predicting Tense in Chinese Dialogues", "TASK")], known)
    assert ("Predicting Tense in Chinese Dialogues", "TASK") in got


def test_tasks_like_list_takes_modified_task_nouns():
    text = ("Title\nWe test on robotic tasks such as cloth folding, legged robot locomotion and grasping, "
            "and on tasks like the new recognition problems.")
    got = {m for m in combined(text, []) if m[1] == "TASK"}
    assert {("cloth folding", "TASK"), ("legged robot locomotion", "TASK"), ("grasping", "TASK")} <= got
    # a function or evaluative word among the modifiers ends the list
    assert not {m for m in got if "recognition" in m[0]}


def test_generic_head_after_a_named_technique_is_dropped():
    text = ("Trust Region Optimization Methods for Vision-Language Pre-training Models\n"
            "We study ranking methods and Bayesian methods.")
    tagged = [("Trust Region Optimization Methods", "METHOD"), ("Vision-Language Pre-training Models", "METHOD")]
    got = combined(text, tagged)
    assert {("Trust Region Optimization", "METHOD"), ("Vision-Language Pre-training", "METHOD")} <= got
    assert not {m for m in got if m[0].endswith(("Methods", "Models"))}


def test_task_phrase_after_an_article_and_adjective_is_an_instance():
    text = "Title\nThe model learns an iterative shape correction and runs an expected risk estimation online."
    got = {m for m in combined(text, []) if m[1] == "TASK"}
    assert got == set()
    # without the indefinite article the phrase still names a task
    text = "Title\nWe study shape correction and risk estimation."
    got = combined(text, [])
    assert {("shape correction", "TASK"), ("risk estimation", "TASK")} <= got
