"""Rules of session 9 (eighth round) on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined, of_kind

from kg.extract.adapters import find_abbreviation_pairs


def _with_pairs(text: str, tagged: list[tuple[str, str]] = ()) -> set[tuple[str, str]]:
    return combined(text, list(tagged), pairs=find_abbreviation_pairs(text))


def test_defined_long_form_keeps_its_generic_head():
    # ANNOTATION.md: the long form as written before the parenthesis; a module or layer is a part of the
    # architecture, and its head belongs to the name even where the short form does not spell it
    text = "Title\nFeatures are fused by a cross-level fusion block and a dense spatial pooling module (DSP)."
    got = _with_pairs(text)
    assert ("dense spatial pooling module", "METHOD") in got and ("DSP", "METHOD") in got
    assert ("dense spatial pooling", "METHOD") not in got
    # a head the short form spells stays as before
    text = "Title\nWe add a token mixing module (TMM) to every block."
    assert ("token mixing module", "METHOD") in _with_pairs(text)
    # a generic head that the short form does not spell stays out ("strategy", "method")
    text = "Title\nWe use a rank pooling strategy (RP) after it."
    got = _with_pairs(text, [("rank pooling", "METHOD")])
    assert ("rank pooling", "METHOD") in got and ("rank pooling strategy", "METHOD") not in got


def test_known_method_before_based_is_a_mention():
    known = {"transformer": "METHOD", "rl": "METHOD", "image classification": "TASK"}
    text = "Title\nWe compare a Transformer-based encoder with RL-driven search and image-based priors."
    got = of_kind("METHOD", text, known=known)
    assert {"Transformer", "RL"} <= got
    # a word the gazetteer does not know as a method stays inside its compound
    assert "image" not in {s.lower() for s in got}
    # a name already inside a longer mention is no second mention
    text = "Title\nThe Vision Transformer-based tracker is fast."
    got = combined(text, [("Vision Transformer-based tracker", "METHOD")], known=known)
    assert ("Transformer", "METHOD") not in got


def test_unknown_word_before_based_is_no_mention():
    text = "Title\nA kernel-based estimator and a gradient-free optimiser."
    assert not of_kind("METHOD", text, known={"transformer": "METHOD"})


def test_automatic_is_part_of_the_name():
    text = "Title\nWe study automatic speech recognition and automated program repair."
    got = combined(text, [("speech recognition", "TASK"), ("program repair", "TASK")])
    assert {("automatic speech recognition", "TASK"), ("automated program repair", "TASK")} <= got
    text = "Towards Automated Theorem Proving for Geometry\nWe prove theorems."
    assert ("Automated Theorem Proving", "TASK") in combined(text, [("Theorem Proving", "TASK")])
    # "fully automatic X" and "automatic X methods": the word says how a method runs, not which task
    text = "Title\nWe present a fully automatic tumor segmentation pipeline. Automated speech recognition systems lag."
    got = combined(text, [("tumor segmentation", "TASK"), ("speech recognition", "TASK")])
    assert {("tumor segmentation", "TASK"), ("speech recognition", "TASK")} <= got
    # an adverb says how a step runs, it names nothing
    text = "Title\nThe schedule is set automatically by curriculum learning."
    assert ("curriculum learning", "TASK") in combined(text, [("curriculum learning", "TASK")])


def test_release_number_after_a_model_name():
    text = "Title\nWe distil PaLM 2 into a student and steer a Gemma 3 model."
    got = combined(text, [("PaLM", "METHOD"), ("Gemma", "METHOD")])
    assert {("PaLM 2", "METHOD"), ("Gemma 3", "METHOD")} <= got
    # a count, a share or a size after the name is no release number
    text = "Title\nWe stack BERT 2 times, give Mamba 3 million steps and Hyena 2% of the data."
    got = combined(text, [("BERT", "METHOD"), ("Mamba", "METHOD"), ("Hyena", "METHOD")])
    assert {("BERT", "METHOD"), ("Mamba", "METHOD"), ("Hyena", "METHOD")} <= got
    # a lowercase or several-word method takes no number ("gradient descent 2 ..." is a list item or a count)
    text = "Title\nWe compare (1) gradient descent 2 ways."
    assert ("gradient descent", "METHOD") in combined(text, [("gradient descent", "METHOD")])


def test_data_head_goes_where_the_name_stands_alone():
    text = "Title\nWe train on the Foo10K dataset. On Foo10K our model reaches 71% accuracy."
    got = combined(text, [("Foo10K dataset", "BENCHMARK"), ("Foo10K", "BENCHMARK")])
    assert {s for s, _ in got} == {"Foo10K"}
    # a text that only ever writes "the X dataset" keeps the span the tagger found (TDMSci's convention)
    text = "Title\nWe report results on the Foo10K dataset."
    got = combined(text, [("Foo10K dataset", "BENCHMARK")])
    assert ("Foo10K dataset", "BENCHMARK") in got


def test_title_task_after_for():
    text = "Contrastive Diffusion for Robot Planning with Embodied Agents\nWe plan."
    got = combined(text, [("Contrastive Diffusion", "METHOD")])
    assert ("Robot Planning", "TASK") in got
    # the phrase must end in a task head; a vague head alone or a thing names no task
    text = "Contrastive Diffusion for Understanding\nWe see."
    assert not any(k == "TASK" for _, k in combined(text, [("Contrastive Diffusion", "METHOD")]))
    text = "Contrastive Diffusion for Embodied Agents\nWe act."
    assert not any(k == "TASK" for _, k in combined(text, [("Contrastive Diffusion", "METHOD")]))
    # a leading gerund is what the paper does to the task
    text = "A Benchmark for Evaluating Code Generation\nWe test."
    assert ("Code Generation", "TASK") in combined(text, [])
    # a setting adjective is no part of the task; the tagger's own span there is kept as it is
    text = "Contrastive Diffusion for Real-Time Object Tracking\nWe track."
    assert ("Object Tracking", "TASK") in combined(text, [("Contrastive Diffusion", "METHOD")])
    got = combined(text, [("Contrastive Diffusion", "METHOD"), ("Time Object Tracking", "TASK")])
    assert ("Time Object Tracking", "TASK") in got


def test_quoted_phrase_led_by_a_name():
    text = 'Title\nWe search a new space (the "FooNet cell space") and a "lazy" variant of it.'
    got = combined(text, [])
    assert ("FooNet cell space", "METHOD") in got and not any("lazy" in s for s, _ in got)
    # quoted plain words are scare quotes, not names
    text = 'Title\nThe agent runs a "practice phase" first.'
    assert not combined(text, [])


def test_design_task_keeps_its_head():
    text = "Title\nOur sampler improves sample efficiency on molecular design tasks."
    assert ("molecular design", "TASK") in combined(text, [])
    # "design" after a name is still a generic head
    text = "Title\nWe reuse the FooNet design."
    got = combined(text, [("FooNet design", "METHOD")])
    assert ("FooNet", "METHOD") in got


def test_title_phenomenon_after_for_is_the_task():
    # ANNOTATION.md: a phenomenon is a task where the paper treats it as one; a title "for" it does
    text = "Robust Features for Label Noise\nWe study noisy labels."
    assert ("Label Noise", "TASK") in combined(text, [])
