"""The tagger's per-word attribute rows (WordRows) give exactly the rows of Doc.to_array."""

import numpy
import spacy

from kg.extract.tagger import _PAD_VALUE, TEMPLATES, LinearModel, WordRows, batch_attributes, first_stage_scores
from kg.extract.tokenizer import KGTokenizer

TEXTS = [
    "Contrastive Learning of GPT-4 Models\nWe propose SimCLR-v2, a naïve Bayes² baseline on CIFAR-10 (94.2%).",
    "",
    "   \n\n\t",
    "ﬁne-tuning   GPT-4o’s pass@1 on SWE-bench Verified — ½ of the U.S. tasks.",
    "We propose SimCLR-v2 again: repeated words reuse their rows.",
]


def _nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = KGTokenizer(nlp.vocab)
    return nlp


def test_word_rows_equal_to_array_rows_across_batches():
    nlp = _nlp()
    docs = [nlp.make_doc(text) for text in TEXTS]
    words = WordRows()
    for batch in (docs[:2], docs[2:], docs, docs[::-1]):
        slow, slow_starts = batch_attributes(batch)
        fast, fast_starts = batch_attributes(batch, None, words)
        assert fast.dtype == slow.dtype and fast.shape == slow.shape
        assert numpy.array_equal(fast, slow) and numpy.array_equal(fast_starts, slow_starts)
    # PAD rows before, between and after the documents
    assert (fast[:3] == _PAD_VALUE).all()


def test_word_rows_start_afresh_for_another_vocab_and_past_the_limit():
    words = WordRows()
    first, second = _nlp(), _nlp()
    batch_attributes([first.make_doc(TEXTS[0])], None, words)
    assert words.vocab is first.vocab
    doc = second.make_doc("An unseen word: Zyxwvut.")
    fast, _ = batch_attributes([doc], None, words)
    assert words.vocab is second.vocab
    assert numpy.array_equal(fast, batch_attributes([doc])[0])
    words.LIMIT = 2
    fast, _ = batch_attributes([doc], None, words)
    assert numpy.array_equal(fast, batch_attributes([doc])[0])
    # docs of two vocabs in one batch take the to_array path
    mixed = [first.make_doc(TEXTS[3]), second.make_doc(TEXTS[4])]
    assert numpy.array_equal(batch_attributes(mixed, None, words)[0], batch_attributes(mixed)[0])


def test_first_stage_scores_kept_per_word_are_bitwise_the_batch_ones():
    nlp = _nlp()
    docs = [nlp.make_doc(text) for text in TEXTS]
    rng = numpy.random.default_rng(0)
    W = rng.standard_normal((1 << 10, 9)).astype(numpy.float32)
    words = WordRows()
    for batch in (docs[:1], docs[3:], docs, docs[::-1]):
        attrs, _ = batch_attributes(batch, None, words)
        assert numpy.array_equal(first_stage_scores(W, attrs, TEMPLATES, words), first_stage_scores(W, attrs))
    # new weights (another model, or after fit) do not reuse the kept sums
    W2 = W * 2
    assert numpy.array_equal(first_stage_scores(W2, attrs, TEMPLATES, words), first_stage_scores(W2, attrs))
    # a batch the rows did not read (docs of two vocabs) is scored without them
    mixed = [nlp.make_doc(TEXTS[0]), _nlp().make_doc(TEXTS[4])]
    attrs, _ = batch_attributes(mixed, None, words)
    assert words.last_ids is None
    assert numpy.array_equal(first_stage_scores(W, attrs, TEMPLATES, words), first_stage_scores(W, attrs))


def test_predicted_tags_same_with_and_without_the_word_cache():
    nlp = _nlp()
    docs = [nlp.make_doc(text) for text in TEXTS]
    model = LinearModel(1 << 10)
    model.W = numpy.random.default_rng(1).standard_normal((1 << 10, 9)).astype(numpy.float32)
    cached = [model.predict_tags(docs)[0] for _ in range(2)]
    model.words = None
    plain = model.predict_tags(docs)[0]
    assert all(numpy.array_equal(tags, plain) for tags in cached)
