"""Contextual rules of 21 Nov (first round), each on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from kg.extract.concepts import Candidate, combine_candidates, is_sized_model
from kg.extract.pipeline import sentence_starts
from rules_helpers import combined


def test_a_lowercase_item_listed_with_tasks_is_a_task():
    text = "Title\nWe test it on point cloud classification, set expansion, and outlier detection of sensor logs."
    got = combined(text, [("point cloud classification", "TASK"), ("outlier detection", "TASK")])
    assert ("set expansion", "TASK") in got
    # the list goes on through a mention, and an item stops at a preposition
    text = "Title\nWe study motion forecasting, route planning and trajectory smoothing for vehicles."
    got = combined(text, [("motion forecasting", "TASK"), ("route planning", "TASK")])
    assert ("trajectory smoothing", "TASK") in got
    # after a bare comma a clause follows, not an item; "other downstream tasks" is no task name
    text = "Title\nIn semantic parsing, resource quality maybe matters. It helps captioning and other downstream tasks."
    got = combined(text, [("semantic parsing", "TASK"), ("captioning", "TASK")])
    assert {s for s, _ in got} == {"semantic parsing", "captioning"}


def test_a_name_listed_with_a_benchmark_is_a_benchmark():
    text = "Title\nExperiments on Zorbo, Minigrid, and Quill Tales show that our agent improves success rates."
    got = combined(text, [("Zorbo", "BENCHMARK")])
    assert {("Zorbo", "BENCHMARK"), ("Minigrid", "BENCHMARK"), ("Quill Tales", "BENCHMARK")} <= got
    # a name the tagger typed METHOD before the benchmark in the list takes its kind; a sized model does not
    text = "Title\nWe report 3.2% gains on Holo5 and Zorbo with Qwen2-7B, Llama-3-8B and Zorbo."
    got = combined(text, [("Holo5", "METHOD"), ("Zorbo", "BENCHMARK")])
    assert ("Holo5", "BENCHMARK") in got and not {k for k in got if k[0].startswith(("Qwen", "Llama")) and k[1] != "METHOD"}
    # after a bare comma a clause follows: the next system is no data set
    text = "Title\nOn the NISTX corpus, Zumo-10 again achieves the best gain of 1 BLEU."
    got = combined(text, [("NISTX", "DATASET")])
    assert not any(s == "Zumo-10" and k in ("DATASET", "BENCHMARK") for s, k in got)


def test_a_decimal_inside_a_name_is_no_parameter_count():
    assert not is_sized_model("Human3.6M") and not is_sized_model("Kinetics7.5B")
    assert is_sized_model("Qwen2.5-7B") and is_sized_model("Mixtral-8x7B") and is_sized_model("Llama3.1-8B Instruct")


def test_names_listed_with_measures_after_in_terms_of_are_metrics():
    from kg.extract.concepts import in_terms_of_candidates

    text = "Title\nOurs wins in terms of Hypervolume, R2-distance and candidate diversity over Foo."
    assert {text[c.start : c.end] for c in in_terms_of_candidates(text)} == {"Hypervolume", "R2-distance", "candidate diversity"}
    # without a measure in the list the names are no metrics; a plain word with a measure head alone is none either
    text = "Title\nIt differs in terms of Paris and Berlin, and in terms of generalization and sample efficiency."
    assert {text[c.start : c.end] for c in in_terms_of_candidates(text)} == {"sample efficiency"}


def test_a_name_given_to_a_dataset_or_defined_before_a_data_head_is_data():
    from kg.extract.adapters import fallback_find_abbreviations

    text = ("Title\nWe build a new dataset called SnippetAsk, and a model called FooNet. It scores 71.2% on a new "
            "benchmark named Quizzle, ahead of Foo.")
    got = combined(text, [("SnippetAsk", "METHOD"), ("Quizzle", "METHOD"), ("FooNet", "METHOD")])
    assert {("SnippetAsk", "DATASET"), ("Quizzle", "BENCHMARK"), ("FooNet", "METHOD")} <= got
    text = "Title\nWe release the Walkabout Scenes (WaSc) dataset and the Pond Hopping (PoHo) method; WaSc is large."
    at = text.index("Walkabout Scenes")
    cands = [Candidate(at, at + len("Walkabout Scenes"), "METHOD", "ner", 1, 0.8)]
    at = text.index("Pond Hopping")
    cands.append(Candidate(at, at + len("Pond Hopping"), "METHOD", "ner", 1, 0.8))
    pairs = fallback_find_abbreviations(text)
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, pairs, sentence_starts(text))}
    assert {("Walkabout Scenes", "DATASET"), ("WaSc", "DATASET"), ("Pond Hopping", "METHOD"), ("PoHo", "METHOD")} <= got
    # a task defined before "dataset" names the task the data is for
    text = "Title\nWe label a search query named entity recognition (NER) dataset."
    at = text.index("named entity recognition")
    cands = [Candidate(at, at + len("named entity recognition"), "TASK", "ner", 1, 0.8)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, fallback_find_abbreviations(text), sentence_starts(text))}
    assert ("named entity recognition", "TASK") in got and ("NER", "TASK") in got


def test_a_training_or_sampling_head_after_a_name_is_no_part_of_it_in_any_case():
    text = "Efficient QX Training for Big Nets\nA few FooGAN sampling steps refine the ZetaNet Architecture and Blob Networks."
    got = combined(text, [("QX Training", "METHOD"), ("FooGAN sampling", "METHOD"), ("ZetaNet Architecture", "METHOD"),
                           ("Blob Networks", "METHOD")])
    assert {("QX", "METHOD"), ("FooGAN", "METHOD"), ("ZetaNet", "METHOD"), ("Blob Networks", "METHOD")} <= got
    assert not {s for s, _ in got} & {"QX Training", "FooGAN sampling", "ZetaNet Architecture"}


def test_a_method_like_name_typed_as_data_spreads_no_kind_along_its_list():
    text = "Title\nWe beat strategies such as Thompson sampling and Boltzman Search, reaching state-of-the-art 71.2%."
    got = combined(text, [("Thompson sampling", "BENCHMARK"), ("Boltzman Search", "METHOD")])
    assert ("Boltzman Search", "METHOD") in got


def test_a_known_task_the_gazetteer_finds_before_a_things_head_is_a_modifier():
    text = "Title\nWe pre-train video action recognition models with classic robotics techniques for robotics."
    cands = []
    for surface in ("action recognition", "robotics"):
        at = text.index(surface)
        cands.append(Candidate(at, at + len(surface), "TASK", "gazetteer-domain", 1, 0.9))
    at = text.rindex("robotics")
    cands.append(Candidate(at, at + len("robotics"), "TASK", "gazetteer-domain", 1, 0.9))
    got = {text[c.start : c.end] for c in combine_candidates(text, cands, [], sentence_starts(text))}
    # the last "robotics" names the field on its own; "action recognition" modifies "models"
    assert got == {"robotics"}
    # the tagger's own span stays: it saw the context
    at = text.index("action recognition")
    tagged = [Candidate(at, at + len("action recognition"), "TASK", "ner", 1, 0.8)]
    assert [text[c.start : c.end] for c in combine_candidates(text, tagged, [], sentence_starts(text))] == ["action recognition"]


def test_a_coined_name_right_after_its_head_is_a_method():
    text = ("Title\nWe learn it with a new attack ZorgFool, while an unsupervised ICL method, TopKNear, which picks "
            "examples, and the method Lee2016, which we cite, serve as baselines.")
    from kg.extract.shapes import name_shapes

    shapes = [Candidate(s, e, None, "shape", 0, 0.5) for s, e in name_shapes(text)]
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, shapes, [], sentence_starts(text))}
    assert {("ZorgFool", "METHOD"), ("TopKNear", "METHOD")} <= got
    assert not any(s == "Lee2016" for s, _ in got)


def test_a_name_shaped_word_listed_with_a_method_is_a_method():
    text = ("Title\nCurrent flagship models fail: both GPT9-o and Llama-3.1-405B struggle, while BlipNet, QwikGen and "
            "Zeta-2B do well; Horizon-Free and Kuchaiev2017Factorization and T1-weighted and Zeta-2B are no names here.")
    got = combined(text, [("BlipNet", "METHOD")])
    assert {("GPT9-o", "METHOD"), ("Llama-3.1-405B", "METHOD"), ("QwikGen", "METHOD")} <= got
    assert not {s for s, _ in got} & {"Horizon-Free", "Kuchaiev2017Factorization", "T1-weighted"}


def test_a_data_list_goes_on_past_acronyms_articles_and_dataset_heads():
    from kg.extract.adapters import fallback_find_abbreviations

    text = ("Title\nWe score 91.2% on three datasets: the Spiking Heidel Dataset (SHD), the Spiking Speech Calls (SSC) "
            "and Blorp. Results on Foo Dataset, Quix Dataset, and AlpaEval show 3% gains.")
    cands = []
    for surface, kind in (("Spiking Heidel Dataset", "BENCHMARK"), ("Spiking Speech Calls", "METHOD"), ("Quix", "METHOD"),
                          ("AlpaEval", "BENCHMARK")):
        at = text.index(surface)
        cands.append(Candidate(at, at + len(surface), kind, "ner", 1, 0.8))
    pairs = fallback_find_abbreviations(text)
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, pairs, sentence_starts(text))}
    assert {("Spiking Speech Calls", "BENCHMARK"), ("SSC", "BENCHMARK"), ("Quix", "BENCHMARK")} <= got


def test_an_environment_head_after_a_benchmark_name_is_no_part_of_it():
    text = "Title\nOur agent scores 71% in the Zorbo 2600 environment and in the Quix environments."
    got = combined(text, [("Zorbo 2600 environment", "BENCHMARK"), ("Quix environments", "BENCHMARK")])
    assert got == {("Zorbo 2600", "BENCHMARK"), ("Quix", "BENCHMARK")}


def test_a_language_listed_with_a_benchmark_is_no_benchmark():
    text = "Title\nWe score 3.1% higher on Zorbo and English."
    assert ("English", "BENCHMARK") not in combined(text, [("Zorbo", "BENCHMARK")])


def test_a_plain_long_form_with_a_task_head_and_hyphenated_initials_is_a_task():
    from kg.extract.adapters import fallback_find_abbreviations

    text = "Title\nWe introduce a new task, Long-Tailed Multi-Label Classification (LT-MLC), and solve LT-MLC."
    at = text.index("Long-Tailed")
    cands = [Candidate(at, at + len("Long-Tailed Multi-Label Classification"), "METHOD", "ner", 1, 0.8)]
    pairs = fallback_find_abbreviations(text)
    got = {(text[c.start : c.end], c.type) for c in combine_candidates(text, cands, pairs, sentence_starts(text))}
    assert got == {("Long-Tailed Multi-Label Classification", "TASK"), ("LT-MLC", "TASK")}


def test_a_name_given_as_an_example_of_a_task_is_no_benchmark():
    from kg.extract.shapes import looks_like_benchmark

    sentence = "We reach 71% by benchmarking on 30 datasets, spanning tasks such as OCR, action recognition, and QZR."
    for name in ("OCR", "QZR"):
        at = sentence.index(name)
        assert not looks_like_benchmark(name, sentence[:at], sentence[at + 3 : at + 23], sentence)
    sentence = "We reach 71% on benchmarks such as GSM8K."
    at = sentence.index("GSM8K")
    assert looks_like_benchmark("GSM8K", sentence[:at], sentence[at + 5 :], sentence)


def test_examples_of_methods_and_sized_models_are_no_benchmarks():
    text = ("Title\nOur loss works with RL algorithms (including GRPO, REINFOO, and RLOX) and reaches 71% on Zorbo. "
            "Experiments on Qwix-R1-Distill-1.5B and Zorbo show 3% gains.")
    got = combined(text, [("GRPO", "METHOD"), ("REINFOO", "METHOD"), ("RLOX", "METHOD"), ("Zorbo", "BENCHMARK"),
                           ("Qwix-R1-Distill-1.5B", "BENCHMARK")])
    assert {("REINFOO", "METHOD"), ("RLOX", "METHOD"), ("Qwix-R1-Distill-1.5B", "METHOD"), ("Zorbo", "BENCHMARK")} <= got


def test_the_noun_phrase_a_problem_is_of_is_a_task():
    from kg.extract.concepts import problem_of_candidates

    text = ("Title\nWe address the problem of local fairness, which matters, the problem of vagueness, the task of the fifth workshop, and the task of rigid-body interactions "
            "and more. The problem of learning a policy is hard, as is the task of predicting which caption fits; "
            "the task of histopathology diagnosis becomes accessible as a challenge.")
    assert [text[c.start : c.end] for c in problem_of_candidates(text)] == ["local fairness", "rigid-body interactions"]
