"""Contextual rules of 21 Nov (fifth round), each on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined


def test_model_named_after_people_keeps_its_head():
    text = "Title\nWe fit the Lotka-Volterra model to the counts and compare it with the Hidden model."
    got = combined(text, [])
    assert ("Lotka-Volterra model", "METHOD") in got
    assert ("Lotka-Volterra", "METHOD") not in got
    # a one-word name still drops the generic head
    text = "Title\nWe fine-tune the Gemini model on the counts."
    got = combined(text, [])
    assert ("Gemini", "METHOD") in got and ("Gemini model", "METHOD") not in got
