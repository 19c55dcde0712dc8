"""Contextual rules of 21 Nov (second round), each on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from kg.extract.adapters import AbbrevPair
from rules_helpers import combined


def test_bare_neural_networks_name_no_method():
    text = "Title\nWe train neural networks on tabular rows and compare them with gradient boosted trees."
    got = combined(text, [("neural networks", "METHOD"), ("gradient boosted trees", "METHOD")])
    assert got == {("gradient boosted trees", "METHOD")}
    # a modifier says which networks ("graph neural networks"), and so does an acronym defined for them
    text = "Title\nWe study graph neural networks. A hybrid neural network (NN) solves the rest."
    long_at, short_at = text.index("neural network ("), text.index("NN)")
    pair = AbbrevPair(long_at, long_at + len("neural network"), short_at, short_at + 2)
    got = combined(text, [("graph neural networks", "METHOD"), ("neural network", "METHOD")], [pair])
    assert {("graph neural networks", "METHOD"), ("neural network", "METHOD"), ("NN", "METHOD")} <= got


def test_a_field_of_study_is_no_task():
    text = "Title\nFairness is a critical issue in machine learning and materials science, unlike image denoising."
    got = combined(text, [("machine learning", "TASK"), ("materials science", "TASK"), ("image denoising", "TASK")])
    assert got == {("image denoising", "TASK")}


def test_vanilla_or_modified_is_no_part_of_a_name():
    text = "Title\nA vanilla transformer and a modified Transformer-XL both lag behind our sparse mixer."
    got = combined(text, [("vanilla transformer", "METHOD"), ("modified Transformer-XL", "METHOD")])
    assert {("transformer", "METHOD"), ("Transformer-XL", "METHOD")} <= got
    assert not {s for s, _ in got if s.startswith(("vanilla", "modified"))}


def test_optimization_named_by_its_problem_class_is_a_task():
    text = "Title\nWe study fast online optimization and black-box optimization with proximal policy optimization."
    got = combined(text, [("fast online optimization", "METHOD"), ("proximal policy optimization", "METHOD")])
    assert {("online optimization", "TASK"), ("black-box optimization", "TASK"),
            ("proximal policy optimization", "METHOD")} <= got
    assert not {s for s, _ in got if s.startswith("fast")}
    # in a title too, and a named optimizer keeps its kind
    text = "Multi-Objective Optimization With Desirability Functions\nWe use Bayesian optimization."
    got = combined(text, [("Multi-Objective Optimization", "METHOD"), ("Bayesian optimization", "METHOD")])
    assert {("Multi-Objective Optimization", "TASK"), ("Bayesian optimization", "METHOD")} <= got


def test_a_title_ending_via_a_phrase_names_the_method():
    text = ("Sparse Scene Recovery via Ray Bundle Fusion and Shadow Voting\n"
            "We recover scenes. Ray bundle fusion merges rays.")
    got = combined(text, [])
    assert {("Ray Bundle Fusion", "METHOD"), ("Shadow Voting", "METHOD"), ("Ray bundle fusion", "METHOD")} <= got
    # a clause, a plain word or a task after the preposition names no method; "with" names a setting
    for title in ("Better Agents by Creating Stationary Objectives", "Robust Models through Regularisation",
                  "Faster Training via Non-Commutativity", "Pretraining via Image Segmentation",
                  "Planning with Embodied Agents"):
        assert combined(title + "\nAn abstract.", []) == set(), title
    # a coined name is one word enough
    assert ("InvarProp", "METHOD") in combined("Learning Features by InvarProp\nAn abstract.", [])
