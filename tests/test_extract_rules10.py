"""Contextual rules of the fourth round, each on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined


def test_phrase_before_task_word_names_the_task():
    text = ("Title\nWe evaluate on molecular graph completion tasks and a protein sequence ranking task, "
            "and on three question answering tasks.")
    got = {m for m in combined(text, []) if m[1] == "TASK"}
    assert {("molecular graph completion", "TASK"), ("protein sequence ranking", "TASK")} <= got


def test_phrase_before_task_word_needs_a_noun_phrase():
    # one word, an adverb, a participle lead or a hyphenated participle head: no task's name
    text = ("Title\nThis is a very time consuming task. Agents are often solving tasks in simulated motion planning "
            "tasks, math tasks and high-level invariance-demanding tasks.")
    got = {m[0] for m in combined(text, []) if m[1] == "TASK"}
    assert not {"very time consuming", "time consuming", "often solving", "simulated motion planning",
                "high-level invariance-demanding", "math"} & got


def test_shared_gazetteer_applications_and_issues_are_no_tasks():
    from kg.extract.concepts import Candidate, combine_candidates
    from kg.extract.pipeline import sentence_starts

    text = "Title\nThis helps real-time applications, fixes a class imbalance issue and improves dialogue systems."
    cands = []
    for phrase in ("real-time applications", "class imbalance issue", "dialogue systems"):
        at = text.index(phrase)
        cands.append(Candidate(at, at + len(phrase), "TASK", "gazetteer", 1, 0.7))
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text)) if c.type == "TASK"}
    assert got == {"dialogue systems"}
    # an in-domain entry keeps its span
    cands = [c._replace(source="gazetteer-domain") for c in cands]
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text)) if c.type == "TASK"}
    assert "real-time applications" in got


def test_lowercase_pretrained_is_no_part_of_the_name():
    text = "Title\nWe reuse pretrained autoencoders and a pre-trained graph transformer from Pre-trained Language Models."
    tagged = [("pretrained autoencoders", "METHOD"), ("pre-trained graph transformer", "METHOD"),
              ("Pre-trained Language Models", "METHOD")]
    got = {m for m in combined(text, tagged) if m[1] == "METHOD"}
    assert {("autoencoders", "METHOD"), ("graph transformer", "METHOD"), ("Pre-trained Language Models", "METHOD")} <= got
    assert not {("pretrained autoencoders", "METHOD"), ("pre-trained graph transformer", "METHOD")} & got



def _pair(text: str, long_form: str, short: str):
    from kg.extract.adapters import AbbrevPair

    at = text.index(long_form + " (" + short + ")")
    short_at = at + len(long_form) + 2
    return AbbrevPair(at, at + len(long_form), short_at, short_at + len(short))


def test_defined_short_form_keeps_the_head_it_spells():
    text = ("Title\nWe add a token mixing module (TMM) and use graph sampling methods (GSMs) with a rank pooling "
            "strategy (RP) after it.")
    pairs = [_pair(text, "token mixing module", "TMM"), _pair(text, "graph sampling methods", "GSMs"),
             _pair(text, "rank pooling strategy", "RP")]
    tagged = [("token mixing", "METHOD"), ("graph sampling", "METHOD"), ("rank pooling", "METHOD")]
    spans = {s for s, _ in combined(text, tagged, pairs)}
    assert {"token mixing module", "graph sampling methods", "TMM", "GSMs"} <= spans
    assert not {"token mixing", "graph sampling"} & spans
    # the short form does not spell the head: the generic head stays out
    assert "rank pooling" in spans and "rank pooling strategy" not in spans


def test_title_task_takes_its_capitalised_modifiers():
    text = "Learning Multi-Agent Crowd Trajectory Forecasting with Graph Networks\nWe forecast crowds."
    got = combined(text, [("Trajectory Forecasting", "TASK")])
    assert ("Multi-Agent Crowd Trajectory Forecasting", "TASK") in got
    # a function word, a verb, an evaluative word or a setting of when ends the modifiers
    for title, task in (("Efficient Sea Ice Segmentation for Polar Routes", "Sea Ice Segmentation"),
                        ("Towards Robust Sea Ice Segmentation in Winter", "Sea Ice Segmentation"),
                        ("Optimize Drone Path Planning under Wind", "Drone Path Planning"),
                        ("Real-Time Sea Ice Segmentation from Radar Images", "Sea Ice Segmentation")):
        got = combined(title + "\nWe study it.", [(task, "TASK")])
        assert (task, "TASK") in got, title
    # abstract sentences are no title: the tagger's span stays
    text = "Title\nWe study Crowd Trajectory Forecasting in cities."
    assert ("Trajectory Forecasting", "TASK") in combined(text, [("Trajectory Forecasting", "TASK")])


def test_title_method_takes_its_capitalised_modifiers():
    text = "Scaling Safe Multi-Agent RL with Sparse Critics\nWe scale it."
    got = combined(text, [("Multi-Agent RL", "METHOD")])
    assert ("Safe Multi-Agent RL", "METHOD") in got
    text = "Distill Your Teacher Network into Tiny Models\nWe distill."
    got = combined(text, [("Teacher Network", "METHOD")])
    assert ("Teacher Network", "METHOD") in got and ("Your Teacher Network", "METHOD") not in got


def test_title_modifiers_stop_at_question_words():
    text = "Why Sparse GRPO Works for Long Proofs\nWe explain it."
    got = combined(text, [("Sparse GRPO", "METHOD")])
    assert ("Sparse GRPO", "METHOD") in got and ("Why Sparse GRPO", "METHOD") not in got



def test_capitalised_method_name_in_the_abstract_takes_its_capitalised_lead():
    text = "Title\nWe study the Tiny Recursive Transformer on proofs."
    assert ("Tiny Recursive Transformer", "METHOD") in combined(text, [("Recursive Transformer", "METHOD")])
    # a sentence's first word, an evaluative word or a task does not lead the name
    for text, tagged in (("Title\nIt is small. Tiny Recursive Transformer wins.", ("Recursive Transformer", "METHOD")),
                         ("Title\nWe use the Efficient Recursive Transformer.", ("Recursive Transformer", "METHOD")),
                         ("Title\nWe evaluate on Japanese Word Segmentation.", ("Word Segmentation", "TASK"))):
        assert tagged in combined(text, [tagged]), text


def test_longer_name_written_again_replaces_the_fragment_inside_it():
    text = ("Title\nWe propose the contact mesh transformer for cloth. Unlike a plain transformer, the contact mesh "
            "transformer attends to contacts.")
    at = text.index("contact mesh transformer")
    second = text.index("contact mesh transformer", at + 1)
    from kg.extract.concepts import Candidate, combine_candidates
    from kg.extract.pipeline import sentence_starts

    cands = [Candidate(at, at + 24, "METHOD", "ner", 1, 0.8),
             Candidate(second + 13, second + 24, "METHOD", "ner", 1, 0.8)]  # the tagger's "transformer" only
    got = [(c.start, c.end) for c in combine_candidates(text, cands, [], sentence_starts(text))]
    assert (second, second + 24) in got and (second + 13, second + 24) not in got
    # the standalone "transformer" is a mention of its own where the tagger found it
    plain = text.index("plain transformer") + 6
    cands.append(Candidate(plain, plain + 11, "METHOD", "ner", 1, 0.8))
    got = [(c.start, c.end) for c in combine_candidates(text, cands, [], sentence_starts(text))]
    assert (plain, plain + 11) in got


def test_release_status_leads_no_name():
    text = "An Open-Weights Code LLM for Proofs\nWe release an open-weights Code LLM."
    got = combined(text, [("Code LLM", "METHOD")])
    assert ("Code LLM", "METHOD") in got and not any("open-weights" in s.lower() for s, _ in got)


def test_sensors_are_hardware_not_methods():
    text = "Title\nOur filter fuses IMU, GPS and LiDAR readings with a Kalman filter."
    tagged = [("IMU", "METHOD"), ("GPS", "METHOD"), ("LiDAR", "METHOD"), ("Kalman filter", "METHOD")]
    got = combined(text, tagged)
    assert got == {("Kalman filter", "METHOD")}


def test_translation_direction_alone_is_a_task():
    text = "Title\nGains reach 3.1 BLEU (in Finnish-to-English) and 2.0 in German-to-Polish, or Finnish-to-English."
    got = {s for s, k in combined(text, []) if k == "TASK"}
    assert {"Finnish-to-English", "German-to-Polish"} <= got
    # before a noun the direction says which languages another task works on; an undirected pair may be data
    text = "Title\nWe study Finnish-to-English cross-language summarization on Urdu-English."
    got = {s for s, _ in combined(text, [])}
    assert "Finnish-to-English" not in got and "Urdu-English" not in got


def test_standard_error_and_correlation_measures_are_metrics():
    text = "Title\nWe report the mean squared error, the Mean Absolute Error and the correlation coefficient."
    got = {s for s, k in combined(text, []) if k == "METRIC"}
    assert {"mean squared error", "Mean Absolute Error", "correlation coefficient"} <= got


def test_untyped_defined_term_is_a_method_unless_one_compound_word():
    text = ("Title\nWe use signed occupancy fields (SOFs) for shapes and test out-of-distribution (OOD) inputs "
            "against the state-of-the-art (SOTA).")
    pairs = [_pair(text, "signed occupancy fields", "SOFs"), _pair(text, "out-of-distribution", "OOD"),
             _pair(text, "state-of-the-art", "SOTA")]
    got = combined(text, [], pairs)
    assert {("signed occupancy fields", "METHOD"), ("SOFs", "METHOD")} <= got
    assert not {s for s, _ in got} & {"out-of-distribution", "OOD", "state-of-the-art", "SOTA"}
