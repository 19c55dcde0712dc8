"""The extraction's shortcuts of session 10 give the answers of the paths they skip."""

from __future__ import annotations

import spacy
from spacy.attrs import ORTH
from spacy.tokens import Doc

from kg.extract.pipeline import _pipe_options, doc_to_extraction, extract_papers, load_pipeline, model_version
from kg.extract.tokenizer import KGTokenizer, split_words
from kg.models import Paper

TEXTS = [
    "A title: GPT-4 on SWE-bench\nWe propose FooNet (FN), a model. It beats BERT by 2.5 F1 on GLUE.",
    "Another  title\n\nWe study   pass@1 of C++ code, e.g. the U.S. data; FooNet's new words: zyxwv qwerty.",
    "",
    "   ",
    "Words never seen before: blorptastic frobnicated quuxification.",
    " Leading space, trailing space \n\n  and\ttabs \u00a0no-break\u2009thin \r\n end ",
    "See https://example.org/a_b?x=1). Also (https://x.io/p), U.S.A. and e.g. ours’s ... 3.5,4 v1.2.3 C++ pass@k.",
    "\n",
    "x",
]


def _plain(vocab, text: str) -> Doc:
    words, spaces = split_words(text)
    return Doc(vocab, words=words, spaces=spaces)


def test_tokenizer_with_known_word_ids_builds_the_same_docs():
    nlp = spacy.blank("en")
    tokenizer = KGTokenizer(nlp.vocab)
    for _ in range(2):  # first every word is new, then every word is known
        for text in TEXTS:
            doc, plain = tokenizer(text), _plain(nlp.vocab, text)
            assert doc.text == text
            assert [t.text for t in doc] == [t.text for t in plain]
            assert [t.whitespace_ for t in doc] == [t.whitespace_ for t in plain]
            assert doc.to_array(ORTH).tolist() == plain.to_array(ORTH).tolist()
            assert [t.lower_ for t in doc] == [t.lower_ for t in plain]
    assert "FooNet" in tokenizer._orths


def test_tokenizer_keeps_no_word_ids_inside_a_memory_zone():
    nlp = spacy.blank("en")
    tokenizer = KGTokenizer(nlp.vocab)
    with nlp.memory_zone():
        doc = tokenizer("Zonewordalpha and zonewordbeta")
        assert [t.text for t in doc] == ["Zonewordalpha", "and", "zonewordbeta"]
    assert tokenizer._orths == {}
    # after the zone its lexemes are gone; the words still tokenize (and now their ids are kept)
    doc = tokenizer("Zonewordalpha and zonewordbeta")
    assert [t.text for t in doc] == ["Zonewordalpha", "and", "zonewordbeta"]
    assert tokenizer("Zonewordalpha").to_array(ORTH).tolist() == [nlp.vocab.strings["Zonewordalpha"]]


def test_tokenizer_cache_starts_afresh_past_its_limit():
    nlp = spacy.blank("en")
    tokenizer = KGTokenizer(nlp.vocab)
    tokenizer.CACHE_LIMIT = 3
    tokenizer("one two three four five")
    tokenizer("six seven")
    assert set(tokenizer._orths) == {"six", "seven"}
    assert [t.text for t in tokenizer("one six")] == ["one", "six"]


def test_extract_papers_skips_sentences_and_entity_writes_with_the_same_records():
    nlp = load_pipeline()
    options = _pipe_options(nlp)
    assert options["disable"] == ["kg_sentences"]
    # session 11: the tagger hands its spans over too (tests/test_extract_speed11.py)
    assert options["component_cfg"] == {"kg_tagger": {"write_ents": False}, "kg_concepts": {"write_ents": False}}
    papers = [Paper(id=f"p{k}", title=t.split("\n")[0], abstract=t.split("\n", 1)[-1]) for k, t in enumerate(TEXTS)
              if t.strip()]
    fast = list(extract_papers(papers, nlp=nlp))
    # the whole pipeline, one paper at a time, as nlp(text) runs it
    whole = [doc_to_extraction(nlp(p.text), p, version=model_version(nlp)) for p in papers]
    assert [e.model_dump() for e in fast] == [e.model_dump() for e in whole]
    assert any(e.entities for e in fast)


def test_nlp_call_still_sets_sentences_and_final_entities():
    nlp = load_pipeline()
    doc = nlp("A title\nWe propose FooNet, a model. It beats BERT on GLUE.")
    assert len(list(doc.sents)) >= 2
    mentions = {(s, e) for s, e, *_ in doc._.kg_mentions}
    assert {(ent.start_char, ent.end_char) for ent in doc.ents} <= mentions
    assert doc.ents


def test_a_pipeline_with_other_components_runs_whole():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_concepts_v1")
    assert _pipe_options(nlp) == {}



def test_viterbi_normalising_only_rows_near_the_margin_gives_the_tags_of_normalising_all():
    import numpy

    from kg.extract import tagger as tagger_module
    from kg.extract.tagger import N_TAGS, VITERBI_MARGIN, viterbi

    rng = numpy.random.default_rng(10)
    for _ in range(20):
        n = 400
        scores = rng.normal(0, 3, size=(n, N_TAGS)).astype(numpy.float32)
        # rows right at the margin, either side, where the raw-score test alone could read otherwise
        edge = rng.choice(n, 80, replace=False)
        scores[edge, 0] = scores[edge, 1:].max(axis=1) + VITERBI_MARGIN + rng.uniform(-1e-3, 1e-3, 80).astype(numpy.float32)
        is_pad = numpy.zeros(n, dtype=bool)
        is_pad[rng.choice(n, 20, replace=False)] = True
        fast = viterbi(scores, is_pad, o_bias=0.3, bonus=0.3)
        old = tagger_module._RAW_SLACK
        try:
            tagger_module._RAW_SLACK = 1e9  # every row normalised, as before the raw-score test
            full = viterbi(scores, is_pad, o_bias=0.3, bonus=0.3)
        finally:
            tagger_module._RAW_SLACK = old
        assert fast.tolist() == full.tolist()
        assert fast.any()


def test_split_words_with_one_group_for_runs_and_tokens_splits_as_with_two():
    import random
    import re

    from kg.extract import tokenizer as tokenizer_module

    # the pattern before: a whitespace run and a token in groups of their own
    before = re.compile(r"(\s+)|(" + tokenizer_module._TOKEN + r")( ?)")
    rng = random.Random(10)
    alphabet = list(" \n\t\u00a0\u2009\u3000abAB1.,;:!?)]([-_@&+'’s/") + ["https://", "U.S.", "  "]
    texts = TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for text in texts:
        pieces = before.findall(text)
        expected = [token or space for space, token, _ in pieces], [after == " " for _, _, after in pieces]
        assert split_words(text) == expected, text


def test_hashed_extra_columns_give_the_rows_of_the_concatenated_matrix():
    import numpy

    from kg.extract import tagger as T

    nlp = load_pipeline()
    model = nlp.get_pipe("kg_tagger").model
    docs = [nlp.make_doc(t) for t in TEXTS]
    attrs, _starts = T.batch_attributes(docs, model.clusters, model.words)
    tags = numpy.random.default_rng(10).integers(0, T.N_TAGS, len(attrs))
    title = T._title_flags(attrs)
    tag_col = numpy.where(attrs[:, T._L] == T._PAD_VALUE, T._PAD_VALUE, tags.astype(numpy.uint64) + numpy.uint64(1))
    whole = numpy.concatenate([attrs, title[:, None], tag_col[:, None]], axis=1)
    # the context rows: hashed from the whole matrix, as before the extra columns
    assert numpy.array_equal(T.context_features(attrs, tags, 1 << 15), T._hashed(whole, 1 << 15, T.CTX_TEMPLATES, T._CTX_SALTS))
    # the first stage: its scores equal the sum of the plain feature rows' weights
    W = numpy.random.default_rng(11).normal(size=(1 << 12, T.N_TAGS)).astype(numpy.float32)
    plain = T.features(attrs, len(W), T.TEMPLATES)
    assert numpy.array_equal(plain, T._hashed(whole[:, :-1], len(W), T.TEMPLATES, T._SALTS))
    expected = W.take(plain[0], axis=0)
    for row in plain[1:]:
        expected += W.take(row, axis=0)
    numpy.testing.assert_allclose(T.first_stage_scores(W, attrs, T.TEMPLATES), expected, rtol=1e-5, atol=1e-5)
