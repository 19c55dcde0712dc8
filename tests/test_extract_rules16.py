"""Rules of session 11 on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined


def test_plural_of_a_typed_name_takes_its_kind():
    # ANNOTATION.md: each distinct string once per paper; "ZebNets" is the plural of the method "ZebNet"
    text = "Title\nWe propose ZebNet, a new architecture. Several ZebNets beat strong baselines."
    got = combined(text, [("ZebNet", "METHOD")], shapes=True)
    assert ("ZebNets", "METHOD") in got
    # no typed singular: the plural shape stays what the shape rules make of it, not a METHOD
    text = "Title\nSeveral ZebNets beat strong baselines on reading."
    assert ("ZebNets", "METHOD") not in combined(text, [], shapes=True)


def test_lowercase_prefix_and_size_suffix_make_variants_of_a_name():
    # "g-KPO" is a variant of "KPO" and a mention of its own, not the base name inside a modifier
    text = "Title\nWe build on KPO. Our g-KPO generalises it to any divergence."
    got = combined(text, [("KPO", "METHOD")], shapes=True)
    assert ("g-KPO", "METHOD") in got and ("KPO", "METHOD") in got
    # a released size of a model family is a model of that family
    text = "Title\nWe present Morla, a family of models. Morla-medium has 2B parameters."
    got = combined(text, [("Morla", "METHOD")], shapes=True)
    assert ("Morla-medium", "METHOD") in got
    # a modifier made from the name is not a variant: "Morla-based" names no new thing
    text = "Title\nWe present Morla. Morla-based agents solve the task."
    got = combined(text, [("Morla", "METHOD")], shapes=True)
    assert ("Morla-based", "METHOD") not in got
