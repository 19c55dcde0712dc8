"""The linear BIO tagger (kg_tagger_v1) and the regex tokenizer (kg_tokenizer_v1)."""

from __future__ import annotations

import numpy
import pytest
import spacy

import kg.extract.pipeline  # noqa: F401  registers the factories
from kg.extract.tagger import LABELS, N_TAGS, decode, example_tags, training_matrix
from kg.extract.tokenizer import doc_text, split_words


def blank():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg_tokenizer_v1"}}})


@pytest.mark.parametrize(
    "text",
    ["a  b", " lead", "x \n y\n", "\t\tx  ", "", "SWE-bench Verified (65.8% pass@1), GPT-4o's e.g. C++.",
     "see https://example.org/a.b). ok", "Zoë’s naïve model\u00a0works"],
)
def test_tokenizer_keeps_text_exactly(text):
    doc = blank()(text)
    assert doc.text == text
    assert doc_text(doc) == text
    words, spaces = split_words(text)
    assert "".join(w + " " * s for w, s in zip(words, spaces)) == text


def test_tokenizer_splits_like_a_concept_needs():
    words = [t.text for t in blank()("On SWE-bench Verified (65.8% pass@1), GPT-4o's multi-turn score.")]
    assert words == ["On", "SWE-bench", "Verified", "(", "65.8", "%", "pass@1", ")", ",", "GPT-4o", "'s",
                     "multi-turn", "score", "."]


def test_decode_gives_typed_non_overlapping_spans():
    n = len(LABELS)
    b = lambda k: 1 + k  # noqa: E731
    i = lambda k: 1 + n + k  # noqa: E731
    # B-0 I-0 O | stray I-1 I-1 | B-2 then I-3 (type change starts a new span) | B-0 B-0
    tags = numpy.array([b(0), i(0), 0, i(1), i(1), b(2), i(3), b(0), b(0)])
    starts, ends, kinds = decode(tags)
    assert list(zip(starts.tolist(), ends.tolist(), kinds.tolist())) == [
        (0, 2, 0), (3, 5, 1), (5, 6, 2), (6, 7, 3), (7, 8, 0), (8, 9, 0)
    ]


def _fixture(nlp):
    """Sentences where a capitalised name after 'on' is a DATASET and after 'with' a METHOD."""
    names = ["Alpha", "Bravo", "Cobalt", "Delta", "Ember", "Falcon", "Garnet", "Harbor", "Indigo", "Juniper"]
    texts, spans = [], []
    for k, name in enumerate(names):
        other = names[(k + 3) % len(names)]
        text = f"We train {other}Net with care and report results on {name}Set today ."
        texts.append(text)
        spans.append([(text.index(f"{other}Net"), text.index(f"{other}Net") + len(other) + 3, "METHOD"),
                      (text.index(f"{name}Set"), text.index(f"{name}Set") + len(name) + 3, "DATASET")])
    return texts, spans


def _trained(nlp):
    tagger = nlp.add_pipe("kg_tagger_v1", config={"rows": 1 << 12})
    texts, spans = _fixture(nlp)
    docs = [nlp.make_doc(t) for t in texts]
    tags = [example_tags(d, s) for d, s in zip(docs, spans)]
    feats, gold = training_matrix(docs, tags, tagger.model.rows)
    assert feats.shape == (sum(len(d) for d in docs), feats.shape[1]) and gold.max() < N_TAGS
    tagger.model.fit(feats, gold, epochs=30, lr=0.5, seed=0)
    return tagger


def test_tiny_fit_learns_the_pattern_on_unseen_names():
    nlp = blank()
    _trained(nlp)
    doc = nlp("We train KiloNet with care and report results on LimaSet today .")
    assert [(e.text, e.label_) for e in doc.ents] == [("KiloNet", "METHOD"), ("LimaSet", "DATASET")]


def test_batched_pipe_equals_one_by_one():
    nlp = blank()
    _trained(nlp)
    texts = ["", "We train KiloNet with care .", "results on LimaSet today .", "nothing here at all"]
    piped = [[(e.start, e.end, e.label_) for e in d.ents] for d in nlp.pipe(texts, batch_size=3)]
    single = [[(e.start, e.end, e.label_) for e in nlp(t).ents] for t in texts]
    assert piped == single
    assert all(label in LABELS for doc in piped for _, _, label in doc)


def test_save_load_round_trip(tmp_path):
    nlp = blank()
    tagger = _trained(nlp)
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")
    assert loaded.pipe_names == ["kg_tagger_v1"]
    numpy.testing.assert_allclose(loaded.get_pipe("kg_tagger_v1").model.W, tagger.model.W, rtol=1e-2, atol=1e-3)
    text = "We train KiloNet with care and report results on LimaSet today ."
    assert [(e.text, e.label_) for e in loaded(text).ents] == [(e.text, e.label_) for e in nlp(text).ents]


def test_entity_offsets_read_from_arrays_match_doc_ents():
    from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH
    from spacy.tokens import Span

    from kg.extract.pipeline import _entity_chars, _write_entities
    from kg.extract.concepts import Candidate

    nlp = blank()
    doc = nlp("We train Graph Neural Networks (GNNs) on SWE-bench Verified and ImageNet.")
    doc.ents = [Span(doc, 2, 5, label="METHOD"), Span(doc, 6, 7, label="METHOD"), Span(doc, 9, 11, label="DATASET")]
    arr = doc.to_array([IDX, LENGTH, ENT_IOB, ENT_TYPE]).reshape(len(doc), 4)
    assert _entity_chars(arr, nlp.vocab.strings) == [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    text = doc.text
    # overlapping mentions: the longer wins; a span cut inside a token keeps the whole tokens inside it
    mentions = [Candidate(text.index("Graph"), text.index(" (GNNs"), "METHOD", "ner", 1, 0.8),
                Candidate(text.index("Neural"), text.index(" (GNNs"), "TASK", "ner", 1, 0.8),
                Candidate(text.index("ImageNet"), text.index("ImageNet") + 5, "DATASET", "ner", 1, 0.8),
                Candidate(text.index("SWE"), text.index(" and"), "BENCHMARK", "ner", 1, 0.8)]
    _write_entities(doc, arr, mentions, nlp.vocab.strings)
    assert [(e.text, e.label_) for e in doc.ents] == [("Graph Neural Networks", "METHOD"), ("SWE-bench Verified", "BENCHMARK")]


def test_continue_bias_extends_an_entity_by_the_next_token_only_when_close():
    from kg.extract.tagger import LinearModel

    model = LinearModel(1 << 4)
    n = len(LABELS)
    # tokens: B-METHOD, then O beating I-METHOD by 1.0, then O beating I-METHOD by 5.0
    scores = numpy.full((3, N_TAGS), -10.0, dtype=numpy.float32)
    scores[0, 1 + 1] = 1.0
    scores[1, 0], scores[1, 1 + n + 1] = 0.0, -1.0
    scores[2, 0], scores[2, 1 + n + 1] = 0.0, -5.0
    tags = numpy.array([2, 0, 0])
    no_pad = numpy.zeros(3, dtype=bool)
    assert model._continue(scores, tags, no_pad).tolist() == [2, 0, 0]
    model.continue_bias = 1.5
    assert model._continue(scores, tags, no_pad).tolist() == [2, 1 + n + 1, 0]


def _brute_force_best(logp: numpy.ndarray, bonus: float) -> float:
    """The best constrained BIO path score by enumerating every tag sequence (short inputs only)."""
    import itertools

    n = len(LABELS)
    best = -numpy.inf
    for seq in itertools.product(range(N_TAGS), repeat=len(logp)):
        prev, total = 0, 0.0
        for t, tag in enumerate(seq):
            if tag > n:
                kind = tag - 1 - n
                if prev not in (1 + kind, 1 + n + kind):
                    break
                total += bonus
            total += logp[t, tag]
            prev = tag
        else:
            best = max(best, total)
    return best


def test_viterbi_finds_the_best_legal_bio_sequence():
    from kg.extract import tagger as tagger_module
    from kg.extract.tagger import viterbi

    rng = numpy.random.default_rng(3)
    n = len(LABELS)
    for _ in range(6):
        scores = rng.normal(0, 2, size=(4, N_TAGS))
        # a pad row before and after, as in a batch
        batch = numpy.concatenate([numpy.zeros((1, N_TAGS)), scores, numpy.zeros((1, N_TAGS))])
        is_pad = numpy.array([True, False, False, False, False, True])
        tags = viterbi(batch, is_pad, o_bias=0.3, bonus=0.5)
        assert tags[0] == tags[-1] == 0
        path = tags[1:-1]
        # legal: I-X only after B-X or I-X
        for prev, tag in zip([0, *path[:-1]], path):
            if tag > n:
                assert prev in (tag - n, tag)
        s = scores - scores.max(axis=1, keepdims=True)
        logp = s - numpy.log(numpy.exp(s).sum(axis=1, keepdims=True))
        logp[:, 0] += 0.3
        got = sum(logp[t, k] for t, k in enumerate(path)) + 0.5 * sum(1 for k in path if k > n)
        old = tagger_module.VITERBI_MARGIN
        try:
            tagger_module.VITERBI_MARGIN = 1e9  # no position skipped as "clearly O": the exact decoder
            exact = viterbi(batch, is_pad, o_bias=0.3, bonus=0.5)[1:-1]
        finally:
            tagger_module.VITERBI_MARGIN = old
        exact_score = sum(logp[t, k] for t, k in enumerate(exact)) + 0.5 * sum(1 for k in exact if k > n)
        assert exact_score == pytest.approx(_brute_force_best(logp, 0.5))
        assert got <= exact_score + 1e-9


def test_viterbi_keeps_a_qualifier_that_greedy_tagging_drops():
    """'SWE-bench Verified': the second token's I-DATASET loses to O alone but the path through it wins
    when the third token can only continue the entity."""
    from kg.extract.tagger import LinearModel, viterbi

    n = len(LABELS)
    scores = numpy.full((3, N_TAGS), -8.0)
    scores[0, 1] = 3.0                       # B-DATASET
    scores[1, 0], scores[1, 1 + n] = 1.0, 0.6  # O narrowly beats I-DATASET
    scores[2, 0], scores[2, 1 + n] = 0.0, 2.0  # I-DATASET, and B- is impossible here
    no_pad = numpy.zeros(3, dtype=bool)
    assert LinearModel(1 << 4)._argmax(scores.copy()).tolist() == [1, 0, 1 + n]
    assert viterbi(scores, no_pad).tolist() == [1, 1 + n, 1 + n]
    assert decode(viterbi(scores, no_pad))[1].tolist() == [3]


def test_decoder_is_saved_and_old_models_decode_greedily(tmp_path):
    import json

    nlp = blank()
    tagger = _trained(nlp)
    text = "We train KiloNet with care and report results on LimaSet today ."
    greedy = [(e.text, e.label_) for e in nlp(text).ents]
    tagger.model.decoder, tagger.model.transition_bonus = "viterbi", 0.5
    assert [(e.text, e.label_) for e in nlp(text).ents] == greedy == [("KiloNet", "METHOD"), ("LimaSet", "DATASET")]
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m").get_pipe("kg_tagger_v1").model
    assert (loaded.decoder, loaded.transition_bonus) == ("viterbi", 0.5)
    cfg_path = tmp_path / "m" / "kg_tagger_v1" / "cfg.json"
    cfg = json.loads(cfg_path.read_text())
    del cfg["decoder"], cfg["transition_bonus"]
    cfg_path.write_text(json.dumps(cfg))
    assert spacy.load(tmp_path / "m").get_pipe("kg_tagger_v1").model.decoder == "greedy"


def test_continuation_pass_runs_after_viterbi():
    from kg.extract.tagger import LinearModel

    n = len(LABELS)
    model = LinearModel(1 << 4)
    model.decoder, model.o_bias = "viterbi", 0.5
    scores = numpy.full((2, N_TAGS), -8.0, dtype=numpy.float32)
    scores[0, 1] = 3.0                          # B-DATASET
    scores[1, 0], scores[1, 1 + n] = 1.0, 0.2   # "Verified": O beats I-DATASET by 0.8
    no_pad = numpy.zeros(2, dtype=bool)
    path = __import__("kg.extract.tagger", fromlist=["viterbi"]).viterbi(scores, no_pad, o_bias=0.5, bonus=0.5)
    assert path.tolist() == [1, 0]
    model.continue_bias = 1.5
    assert model._continue(scores, path, no_pad).tolist() == [1, 1 + n]
