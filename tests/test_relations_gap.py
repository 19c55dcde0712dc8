"""_gap_start: where the determiners and generic words right before a derivation's base begin."""

from kg.extract.relations import _gap_start


def test_gap_start_reaches_back_over_generic_words_only():
    before = "Our method extends the well known "
    assert before[_gap_start(before):] == "the well known "
    assert _gap_start("We improve upon ") == len("We improve upon ")
    assert _gap_start("") == 0
    assert _gap_start("   ") == 3
    # any whitespace separates words, as \S+ runs did ("\u00a0" and tabs too)
    before = "builds on\u00a0the\tpopular  ("
    assert before[_gap_start(before):] == "the\tpopular  ("
    assert _gap_start("the standard ") == 0
