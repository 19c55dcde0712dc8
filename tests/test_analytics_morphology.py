"""Morphology links find a parent's forms by a cheap skeleton before comparing concept keys: the links
must be those of comparing the keys of every form, whatever the names (plurals, British spellings,
case, punctuation, non-ASCII letters)."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analytics.lineage import (
    _FAMILY,
    _SKELETON,
    ConceptNames,
    _forms,
    _skeleton,
    morphology_links,
    morphology_parent_names,
)
from kg.resolve.names import concept_key, is_acronym


def links_by_every_key(concepts) -> list[tuple[str, str, str]]:
    """The reference: every form of every concept keyed, then looked up by the parent's key."""
    by_key = defaultdict(set)
    for c in concepts:
        for form in _forms(c):
            by_key[(_FAMILY.get(c.kind, c.kind), concept_key(form))].add((c.id, form))
    links = {}
    for c in concepts:
        family = _FAMILY.get(c.kind, c.kind)
        for form in _forms(c):
            for parent, pattern in morphology_parent_names(form):
                for pid, pform in sorted(by_key.get((family, concept_key(parent)), ())):
                    if is_acronym(parent) and pform.rstrip("s") != parent.rstrip("s"):
                        continue
                    if pid != c.id:
                        links.setdefault((c.id, pid), f"{form}: {pattern}")
    return sorted((child, parent, why) for (child, parent), why in links.items())


STEMS = ["PFGM", "LASER", "GRAE", "Transformer", "Mamba", "YOLO", "Organisation", "Tokenisers", "Café", "Naïve",
         "Graph Networks", "Series", "Bias", "Optimisation", "Queries", "Boxes", "Gaußian", "ΑΒ", "Net_Work", "a/b"]
DECORATIONS = ["", "++", "+", "-D", "v3", " 2", "-XL", " Large", "s", "es", ".", "A-", "Deep ", "Ex-", "ies", "ization"]


@st.composite
def names(draw):
    stem = draw(st.sampled_from(STEMS))
    deco = draw(st.sampled_from(DECORATIONS))
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    text = f"{deco}{stem}" if deco.endswith(("-", " ")) else f"{stem}{deco}"
    return case(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names(), st.sampled_from(["METHOD", "DATASET", "BENCHMARK", "TASK"]),
                          st.lists(names(), max_size=2)), min_size=1, max_size=12))
def test_links_equal_comparing_every_key(rows):
    concepts = [ConceptNames(str(i), name, kind, tuple(aliases)) for i, (name, kind, aliases) in enumerate(rows)]
    assert morphology_links(concepts) == links_by_every_key(concepts)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30))
def test_skeleton_is_what_the_key_keeps(form):
    assert _skeleton(form) == concept_key(form).translate(_SKELETON)


def test_skeleton_is_shared_by_forms_with_one_key():
    pairs = [("Graph Neural Networks", "graph-neural network"), ("GNNs", "GNN"), ("Tokenisation", "tokenization"),
             ("Queries", "query"), ("Boxes", "box"), ("Classes", "class"), ("[BERT]", "bert")]
    for a, b in pairs:
        assert concept_key(a) == concept_key(b)
        assert _skeleton(a) == _skeleton(b)


def test_decorated_names_link_to_their_parents():
    concepts = [ConceptNames("1", "PFGM", "METHOD"), ConceptNames("2", "PFGM++", "METHOD"),
                ConceptNames("3", "Transformers", "METHOD"), ConceptNames("4", "Transformer-XL", "METHOD"),
                ConceptNames("5", "Café", "METHOD"), ConceptNames("6", "Cafe-D", "METHOD")]
    assert morphology_links(concepts) == [
        ("2", "1", "PFGM++: suffix ++"), ("4", "3", "Transformer-XL: suffix -XL"), ("6", "5", "Cafe-D: suffix -D"),
    ]
