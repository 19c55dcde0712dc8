"""Proposes, derived-from, results and BENCHMARK/DATASET rules on small texts written for these tests."""

from __future__ import annotations

import re

from kg.extract.abbreviations import acronym_pairs, find_abbreviations
from kg.extract.relations import classify_data_mentions, extract_relations, sentence_spans
from kg.models import Mention


def mentions(text: str, entities: dict[str, str]) -> list[Mention]:
    """Every occurrence of each entity string, typed: oracle mentions for rule tests."""
    spans = sentence_spans(text)
    out = []
    for string, kind in entities.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(string) + r"(?!\w)", text):
            start, end = next((a, b) for a, b in spans if a <= m.start() < b)
            out.append(Mention(text=string, type=kind, start=m.start(), end=m.end(), sentence=text[start:end]))
    return out


def run(text: str, entities: dict[str, str]):
    ms = mentions(text, entities)
    spans = sentence_spans(text)
    acronyms = acronym_pairs("p", text, find_abbreviations(text), ms, spans)
    return extract_relations("p", text, spans, ms, acronyms, extractor="test", version="9")


def names(proposals) -> list[str]:
    return [p.name for p in proposals]


def test_we_propose_a_name_with_evidence():
    text = "A Title\nExisting methods are slow. In this paper, we propose PooDLe, a method for video."
    proposals, _, _ = run(text, {"PooDLe": "METHOD"})
    assert names(proposals) == ["PooDLe"]
    evidence = proposals[0].evidence
    assert evidence.sentence == "In this paper, we propose PooDLe, a method for video."
    assert text[evidence.start : evidence.end] == "propose PooDLe"
    assert (evidence.paper_id, evidence.extractor, evidence.version) == ("p", "test", "9")
    assert 0 < evidence.confidence <= 1


def test_naming_cues_and_the_name_that_follows_a_generic_head():
    text = (
        "Title\nWe propose a new self-supervised learning framework, namely Alice, for images. "
        "The resulting method is termed LASER-D. A mechanism termed induction-head (Olsson et al., 2022) exists."
    )
    proposals, _, _ = run(
        text, {"self-supervised learning": "METHOD", "Alice": "METHOD", "LASER-D": "METHOD", "induction-head": "METHOD"}
    )
    assert names(proposals) == ["Alice", "LASER-D"]


def test_novel_acronym_appositive_and_title_lead():
    text = (
        "CWM: An Open-Weights LLM\nWe release Code World Model (CWM), a new model. "
        "This is achieved by a novel SubEquivariant Transformer (SET). "
        "We introduce a novel algorithm (AGRO, for Any-Generation Reward Optimization) for tuning."
    )
    proposals, _, _ = run(
        text,
        {"CWM": "METHOD", "LLM": "METHOD", "Code World Model": "METHOD", "SubEquivariant Transformer": "METHOD",
         "SET": "METHOD", "AGRO": "METHOD", "Any-Generation Reward Optimization": "METHOD"},
    )
    # CWM (title) and Code World Model are one name through their acronym pair: listed once
    assert names(proposals) == ["CWM", "SubEquivariant Transformer", "AGRO"]


def test_tasks_cited_and_previously_proposed_things_are_not_proposed():
    text = (
        "Title\nWe study a DA paradigm, namely Source-Free Adaptation, here. "
        "We combine the previously proposed JdCov with our losses. We use GRPO to train."
    )
    proposals, _, _ = run(text, {"Source-Free Adaptation": "TASK", "JdCov": "METHOD", "GRPO": "METHOD"})
    assert proposals == []


def test_derived_from_subject_verb_object_and_conjunctions():
    text = (
        "PFGM++: Physics-Inspired Models\nWe introduce models termed PFGM++ that unifies diffusion models and "
        "Poisson Flow Generative Models (PFGM). Experiments show that A-GRAE consistently improves GRPO."
    )
    _, derived, _ = run(
        text,
        {"PFGM++": "METHOD", "diffusion models": "METHOD", "Poisson Flow Generative Models": "METHOD",
         "PFGM": "METHOD", "A-GRAE": "METHOD", "GRPO": "METHOD"},
    )
    pairs = {(d.new, d.base) for d in derived}
    assert ("PFGM++", "diffusion models") in pairs and ("PFGM++", "Poisson Flow Generative Models") in pairs
    # A-GRAE is not a proposal of this text: "improves" alone is no derivation
    assert not any(d.base == "GRPO" for d in derived)
    assert all(d.evidence.sentence.startswith("We introduce") for d in derived)


def test_we_extend_points_to_the_contribution_named_next():
    text = (
        "Title\nWe propose a novel reward shaping method (LASER). Next, we further extend LASER with two ideas. "
        "The resulting method is termed LASER-D. Our framework builds on the well known group averaging operator."
    )
    _, derived, _ = run(text, {"LASER": "METHOD", "LASER-D": "METHOD", "group averaging": "METHOD"})
    pairs = [(d.new, d.base, d.relation) for d in derived]
    assert ("LASER-D", "LASER", "extends") in pairs
    # "our framework" describes the contribution named before it
    assert ("LASER-D", "group averaging", "builds_on") in pairs


def test_version_of_inside_a_proposed_name():
    text = "Title\nWe propose a geometric version of the WL test (GWL) for graphs."
    _, derived, _ = run(text, {"geometric version of the WL test": "METHOD", "WL test": "METHOD", "GWL": "METHOD"})
    assert [(d.new, d.base) for d in derived] == [("geometric version of the WL test", "WL test")]


def test_no_derivation_without_an_explicit_cue():
    text = "Title\nWe propose SIE. SIE outperforms PPO and uses a predictor based on hypernetworks."
    _, derived, _ = run(text, {"SIE": "METHOD", "PPO": "METHOD", "hypernetworks": "METHOD"})
    assert derived == []


def test_results_list_shares_the_metric():
    text = (
        "Title\nIt reaches pass@1 scores of 65.8% on SWE-bench Verified (with test-time scaling), 68.6% on "
        "LiveCodeBench, and 76.0% on AIME 2024 with 131k tokens."
    )
    _, _, results = run(
        text, {"pass@1": "METRIC", "SWE-bench Verified": "BENCHMARK", "LiveCodeBench": "BENCHMARK", "AIME 2024": "BENCHMARK"}
    )
    assert [(r.benchmark, r.metric, r.value) for r in results] == [
        ("SWE-bench Verified", "pass@1", "65.8%"),
        ("LiveCodeBench", "pass@1", "68.6%"),
        ("AIME 2024", "pass@1", "76.0%"),
    ]
    assert text[results[0].evidence.start : results[0].evidence.end] == "65.8% on SWE-bench Verified"


def test_results_improvements_scopes_respectively_and_baselines():
    text = (
        "Title\nLASER-D achieves a +6.1 improvement on AIME2024 while reducing token usage by 63%. "
        "On CIFAR-10 itself, NASNet achieves 2.4% error rate. "
        "We reach 80.1% and 75.2% on MNIST and SVHN, respectively. "
        "For the COCO dataset, ours is close (23.5%) to the supervised counterpart (24.4%). "
        "It improves pass@250 on LCB/hard by 3.3% over others."
    )
    _, _, results = run(
        text,
        {"AIME2024": "BENCHMARK", "token usage": "METRIC", "CIFAR-10": "BENCHMARK", "error rate": "METRIC",
         "MNIST": "BENCHMARK", "SVHN": "BENCHMARK", "COCO": "BENCHMARK", "pass@250": "METRIC", "LCB/hard": "BENCHMARK"},
    )
    assert [(r.benchmark, r.metric, r.value) for r in results] == [
        ("AIME2024", None, "+6.1"),
        ("CIFAR-10", "error rate", "2.4%"),
        ("MNIST", None, "80.1%"),
        ("SVHN", None, "75.2%"),
        ("COCO", None, "23.5%"),
        ("LCB/hard", "pass@250", "3.3%"),
    ]


def test_numbers_that_are_not_scores_are_ignored():
    text = "Title\nWe train Qwen2.5-32B for 3 epochs in 2024 on 8 GPUs and test on ImageNet."
    _, _, results = run(text, {"Qwen2.5-32B": "METHOD", "ImageNet": "BENCHMARK"})
    assert results == []


def test_benchmark_versus_dataset_by_use():
    text = (
        "Title\nWe validate our method with experiments on the BDD100K driving video dataset. "
        "We report 81.2% accuracy on FAUST, outperforming prior work on this benchmark. "
        "Experiments on DomainBed, an extensive test bed, confirm it."
    )
    ms = mentions(text, {"BDD100K": "BENCHMARK", "FAUST": "DATASET", "DomainBed": "DATASET", "accuracy": "METRIC"})
    typed = {m.text: m.type for m in classify_data_mentions(text, sentence_spans(text), ms)}
    assert typed == {"BDD100K": "DATASET", "FAUST": "BENCHMARK", "DomainBed": "BENCHMARK", "accuracy": "METRIC"}


def test_sentence_spans_split_on_newline_and_sentence_ends_only():
    text = "A Title\nFirst one, e.g. this. Second (i.e. that) one! Third."
    spans = sentence_spans(text)
    assert [text[a:b].strip() for a, b in spans] == ["A Title", "First one, e.g. this.", "Second (i.e. that) one!", "Third."]


def test_acronym_pairs_that_link_a_name_to_itself_or_repeat_reversed_terminate():
    """A pair whose two sides are one key, or a pair seen both ways, must not loop (GRAPE paper)."""
    from kg.models import AcronymPair, Evidence

    ev = Evidence(paper_id="p", sentence="s", start=0, end=1, extractor="t", version="1", confidence=1.0)
    pairs = [
        AcronymPair(long="GRAPE", short="GRAPE", evidence=ev),
        AcronymPair(long="Graph Reward", short="GR", evidence=ev),
        AcronymPair(long="GR", short="Graph Reward", evidence=ev),
    ]
    proposals, derivations, results = extract_relations("p", "GRAPE: Graph Reward\nWe propose GRAPE.", [], [], pairs)
    assert (derivations, results) == ([], [])


def test_hyphenated_variant_combination_and_special_case():
    text = (
        "Title\nWe apply dropout to the PPO algorithm to obtain the D-PPO variant. "
        "The method combines TAXONS and SERENE into a single approach: STAX. "
        "The classic Kalman filter is a special case of the proposed graph Kalman filter."
    )
    _, derivations, _ = run(text, {"PPO": "METHOD", "D-PPO": "METHOD", "TAXONS": "METHOD", "SERENE": "METHOD",
                                   "STAX": "METHOD", "Kalman filter": "METHOD", "graph Kalman filter": "METHOD"})
    pairs = {(d.new, d.base) for d in derivations}
    assert {("D-PPO", "PPO"), ("STAX", "TAXONS"), ("STAX", "SERENE"), ("graph Kalman filter", "Kalman filter")} <= pairs


def test_a_variant_cue_without_the_base_in_its_sentence_is_no_derivation():
    text = "Title\nWe propose A-GRAE for reasoning. Experiments show that A-GRAE improves GRPO and its variants."
    _, derivations, _ = run(text, {"A-GRAE": "METHOD", "GRAE": "METHOD", "GRPO": "METHOD"})
    assert ("A-GRAE", "GRAE") not in {(d.new, d.base) for d in derivations}


def test_generalization_of_a_traditional_base():
    text = "Title\nMulti-Objective RL (MORL) is a generalization of traditional Reinforcement Learning."
    _, derivations, _ = run(text, {"Multi-Objective RL": "METHOD", "MORL": "METHOD", "Reinforcement Learning": "METHOD"})
    assert [(d.new, d.base) for d in derivations] in ([("MORL", "Reinforcement Learning")],
                                                      [("Multi-Objective RL", "Reinforcement Learning")])


def test_a_modifier_before_based_is_not_proposed():
    text = "Title\nWe present a regularizer-based method for symmetry."
    proposals, _, _ = run(text, {"regularizer": "METHOD"})
    assert names(proposals) == []


def test_results_carry_the_method_they_are_reported_for():
    text = (
        "Title\nWe propose FooNet for ranking. FooNet outperforms BarNet and achieves 71.3% accuracy on ImageNet. "
        "With a ResNet-50 backbone, our method reaches 60.1% accuracy on COCO. "
        "BarNet is strong; it obtains 50.2% accuracy on VOC."
    )
    _, _, results = run(text, {"FooNet": "METHOD", "BarNet": "METHOD", "ResNet-50": "METHOD", "ImageNet": "BENCHMARK",
                               "COCO": "BENCHMARK", "VOC": "BENCHMARK", "accuracy": "METRIC"})
    assert {(r.benchmark, r.value, r.method) for r in results} == {
        ("ImageNet", "71.3%", "FooNet"), ("COCO", "60.1%", "FooNet"), ("VOC", "50.2%", "BarNet")}


def test_result_benchmark_drops_a_generic_data_head():
    text = "Title\nOur detector reaches 41.7% mAP on the Blorp dataset and 12.5% on the urban driving dataset."
    _, _, results = run(text, {"mAP": "METRIC", "Blorp dataset": "BENCHMARK", "urban driving dataset": "BENCHMARK"})
    # "Blorp dataset" reports on "Blorp"; an all-lowercase phrase keeps its head (nothing else names it)
    assert [(r.benchmark, r.value) for r in results] == [("Blorp", "41.7%"), ("urban driving dataset", "12.5%")]


def test_data_sets_named_with_their_head_where_results_are_reported_are_benchmarks():
    text = ("Title\nWe train on the Plix corpus. Our model improves the performance on the Zorb and Quix datasets "
            "over strong baselines.")
    ms = mentions(text, {"Plix": "DATASET", "Zorb": "DATASET", "Quix": "DATASET"})
    typed = {m.text: m.type for m in classify_data_mentions(text, sentence_spans(text), ms)}
    assert typed == {"Plix": "DATASET", "Zorb": "BENCHMARK", "Quix": "BENCHMARK"}


def test_passive_and_the_proposed_introduce_a_name_but_cited_work_does_not():
    text = ("Title\nTo fix this, a sparse routing network (SRN) is proposed. The proposed Gated Bar Encoder (GBE) "
            "model is trained on maps. A model known as the Quux Autoencoder (QAE) is introduced by Smith et al. "
            "The Zed sampler is proposed in prior work.")
    proposals, _, _ = run(text, {"sparse routing network": "METHOD", "SRN": "METHOD", "Gated Bar Encoder": "METHOD",
                                 "GBE": "METHOD", "Quux Autoencoder": "METHOD", "QAE": "METHOD", "Zed": "METHOD"})
    assert names(proposals) == ["sparse routing network", "Gated Bar Encoder"]


def test_a_proposed_name_the_tagger_read_as_a_task_is_a_method():
    from kg.extract.relations import proposed_are_methods

    text = ("Title\nWe propose Gentle Goal Generation (GGG), which samples goals. We present a person re-ID CNN. "
            "We introduce a new task, namely Sparse Label Parsing (SLP), for scans.")
    entities = {"Gentle Goal Generation": "TASK", "GGG": "TASK", "re-ID": "TASK", "Sparse Label Parsing": "TASK",
                "SLP": "TASK"}
    ms = mentions(text, entities)
    spans = sentence_spans(text)
    acronyms = acronym_pairs("p", text, find_abbreviations(text), ms, spans)
    proposals, _, _ = extract_relations("p", text, spans, ms, acronyms)
    assert [(p.name, p.type) for p in proposals] == [("Gentle Goal Generation", "METHOD")]
    typed, pairs = proposed_are_methods(ms, acronyms, proposals)
    assert {m.text: m.type for m in typed} == {**entities, "Gentle Goal Generation": "METHOD", "GGG": "METHOD"}
    assert {(a.short, a.type) for a in pairs} == {("GGG", "METHOD"), ("SLP", "TASK")}


def test_coordinated_values_share_a_benchmark_and_examples_after_a_baseline_are_ours():
    text = ("Title\nOur Foo beats the baseline Bar in all settings, e.g., +2.1 APbox and +1.5 APmask gains on the "
            "rare classes of Zorb. It is worse than 40.1% and 41.0% on Quix.")
    _, _, results = run(text, {"Foo": "METHOD", "Bar": "METHOD", "APbox": "METRIC", "APmask": "METRIC",
                               "Zorb": "BENCHMARK", "Quix": "BENCHMARK"})
    assert [(r.benchmark, r.metric, r.value) for r in results][:2] == [("Zorb", "APbox", "+2.1"), ("Zorb", "APmask", "+1.5")]
    assert "40.1%" not in {r.value for r in results}  # a baseline's value is not coordinated with the next one
