"""Abbreviation definitions on small sentences written for these tests."""

from __future__ import annotations

import spacy

from kg.extract.abbreviations import (
    AbbreviationDetector,
    acronym_pairs,
    find_abbreviations,
    is_short_form,
    match_long_form,
)
from kg.models import Mention


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.long, a.short) for a in find_abbreviations(text)]


def test_long_form_then_short_form_with_offsets():
    text = "We release Code World Model (CWM), an open model."
    [abbr] = find_abbreviations(text)
    assert (abbr.long, abbr.short) == ("Code World Model", "CWM")
    assert text[abbr.long_start : abbr.long_end] == "Code World Model"
    assert text[abbr.short_start : abbr.short_end] == "CWM"
    assert not abbr.reversed


def test_plural_hyphenated_and_mixed_short_forms():
    assert pairs("The power of Graph Neural Networks (GNNs) is known.") == [("Graph Neural Networks", "GNNs")]
    assert pairs("we propose Asymmetric GRAE (A-GRAE), which works.") == [("Asymmetric GRAE", "A-GRAE")]
    assert pairs("Large Reasoning Models (LRMs) reason.") == [("Large Reasoning Models", "LRMs")]
    assert pairs("we inject Low-Rank Adaptation (LoRA) modules") == [("Low-Rank Adaptation", "LoRA")]
    assert pairs("studies of in-context learning (ICL) abound") == [("in-context learning", "ICL")]


def test_shortest_long_form_stops_before_the_parenthesis():
    text = "studied through the Weisfeiler-Leman (WL) graph isomorphism test."
    assert pairs(text) == [("Weisfeiler-Leman", "WL")]


def test_long_form_does_not_start_at_a_function_word_or_inner_letter():
    assert pairs("benchmarks such as the Abstraction and Reasoning Corpus (ARC).") == [
        ("Abstraction and Reasoning Corpus", "ARC")
    ]
    assert pairs("algorithms such as Proximal policy optimization (PPO) fail") == [
        ("Proximal policy optimization", "PPO")
    ]


def test_generic_heads_not_spelled_are_dropped_but_spelled_heads_stay():
    assert pairs("we propose a novel Length-bAsed StEp Reward shaping method (LASER), which") == [
        ("Length-bAsed StEp Reward shaping", "LASER")
    ]
    assert pairs("a process reward model (PRM) scores steps") == [("process reward model", "PRM")]


def test_for_variant_and_reversed_order():
    assert pairs("We train a policy (AGRO, for Any-Generation Reward Optimization) on data.") == [
        ("Any-Generation Reward Optimization", "AGRO")
    ]
    [abbr] = find_abbreviations("Our model CWM (Code World Model) is open.")
    assert (abbr.long, abbr.short, abbr.reversed) == ("Code World Model", "CWM", True)


def test_prefix_digit_forms_and_markup():
    assert pairs("a setup dubbed Subequivariant Graph RL in 3D environments (3D-SGRL).") == [
        ("Subequivariant Graph RL in 3D environments", "3D-SGRL")
    ]
    assert pairs("a task in text-to-image (T2I) generation") == [("text-to-image", "T2I")]
    assert pairs("the phenomenon of {\\em replica symmetry breaking} (RSB) here") == [
        ("replica symmetry breaking", "RSB")
    ]
    assert pairs("we present Disentangled Avatars~(DELTA), which") == [("Disentangled Avatars", "DELTA")]


def test_colon_definitions_are_strict():
    assert pairs("GRAPE: Generalizing Robot Policy via Preference Alignment\nAbstract.") == [
        ("Generalizing Robot Policy via Preference Alignment", "GRAPE")
    ]
    assert pairs("RAP: Risk-Aware Prediction for Robust Planning\nText.") == [("Risk-Aware Prediction", "RAP")]
    assert pairs("EDGI: Equivariant Diffusion for Planning with Embodied Agents\nText.") == []
    assert pairs("BISCUIT: Causal Representation Learning from Binary Interactions\nText.") == []


def test_non_definitions_are_ignored():
    text = (
        "EDGI follows Diffuser (Janner et al., 2022) in planning (1) fast, (i) well, "
        "reaching 65.8% on SWE-bench Verified (with test-time scaling) using GD (e.g. SGD or Adam)."
    )
    assert pairs(text) == []
    assert pairs("LASER-D (Dynamic and Difficulty-aware) is ours.") == []


def test_short_form_shape_and_matching():
    assert is_short_form("GNNs") and is_short_form("iCITRIS") and is_short_form("T5")
    assert not is_short_form("Janner et al.") and not is_short_form("with") and not is_short_form("1")
    assert match_long_form("the Graph Neural Networks", "GNNs") == 4
    assert match_long_form("the Graph Neural", "GNNs") is None


def test_acronym_pairs_are_typed_deduplicated_and_carry_evidence():
    text = "We use Graph Neural Networks (GNNs). Graph Neural Networks (GNNs) again."
    abbrs = find_abbreviations(text)
    assert len(abbrs) == 2
    mention = Mention(text="Graph Neural Networks", type="METHOD", start=7, end=28, sentence=text[:36])
    [pair] = acronym_pairs("p1", text, abbrs, [mention], [(0, 36), (37, len(text))])
    assert (pair.long, pair.short, pair.type) == ("Graph Neural Networks", "GNNs", "METHOD")
    assert pair.evidence.sentence == "We use Graph Neural Networks (GNNs)."
    assert text[pair.evidence.start : pair.evidence.end] == "Graph Neural Networks (GNNs)"
    assert pair.evidence.paper_id == "p1" and pair.evidence.extractor and pair.evidence.version


def test_spacy_component_stores_definitions_on_the_doc():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_abbreviations_v1")
    doc = nlp("Self-supervised learning (SSL) helps.")
    assert isinstance(nlp.get_pipe("kg_abbreviations_v1"), AbbreviationDetector)
    assert [(a.long, a.short) for a in doc._.kg_abbreviations] == [("Self-supervised learning", "SSL")]


def test_numeric_version_suffix_of_the_short_form_is_not_spelled():
    assert pairs("scores on the Street Scene Objects (SSO-100-2020) benchmark") == [
        ("Street Scene Objects", "SSO-100-2020")
    ]
    # the stem must still be spelled exactly by the initials
    assert pairs("trained on Street Objects (SSO-100) data") == []


def test_capitalised_name_reaches_back_to_its_article():
    assert pairs("we collect the Wide-angle Street Scenes (StreetS) dataset") == [
        ("Wide-angle Street Scenes", "StreetS")
    ]
    # a sentence-initial capitalised word is not part of the name
    assert pairs("Using Graph Neural Networks (GNNs) helps.") == [("Graph Neural Networks", "GNNs")]
    # a lowercase long form is left as it is
    assert pairs("the Big graph neural networks (GNNs) work") == [("graph neural networks", "GNNs")]


def test_spaced_dash_definition_with_exact_capitalised_initialism():
    text = "we train it with a new Masked Token Ranking - MTR loss. It"
    [abbr] = find_abbreviations(text)
    assert (abbr.long, abbr.short) == ("Masked Token Ranking", "MTR")
    assert text[abbr.long_start : abbr.long_end] == "Masked Token Ranking"
    assert text[abbr.short_start : abbr.short_end] == "MTR"
    assert pairs("We Tried Hard - GNN works") == []
    assert pairs("Masked token ranking - MTR loss") == []
