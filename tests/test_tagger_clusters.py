"""Word clusters (kg/extract/clusters.py) and the tagger features built on them."""

from __future__ import annotations

import numpy
import spacy

import kg.extract.pipeline  # noqa: F401  registers the factories
from kg.extract.clusters import ClusterTable, kmeans, learn_clusters, load_clusters, save_clusters, tokenised
from kg.extract.tagger import _C1, _C3, _L, _PAD_VALUE, batch_attributes, example_tags, training_matrix

# no shared affixes between the labelled and the unseen names: only the clusters can tell their kind
MODELS = ["quoll", "tapir", "okapi", "bison", "lemur", "gecko"]
DATA = ["maple", "cedar", "birch", "alder", "rowan", "larch"]


def _unlabelled() -> list[list[str]]:
    """Sentences where the MODELS and the DATA words occur in two distinct kinds of context."""
    rng = numpy.random.default_rng(0)
    verbs = ["train", "fit", "run", "tune"]
    preps = ["on", "over", "using"]
    out = []
    for _ in range(600):
        m = MODELS[rng.integers(len(MODELS))]
        d = DATA[rng.integers(len(DATA))]
        out.append(["we", verbs[rng.integers(4)], "the", m, "model", preps[rng.integers(3)], "the", d, "data", "."])
    return out


def test_words_sharing_contexts_share_a_cluster_and_learning_is_deterministic():
    sents = _unlabelled()
    vocab, table = learn_clusters(sents, granularities=(6, 3), min_count=2, contexts=50, dims=8)
    again = learn_clusters(sents, granularities=(6, 3), min_count=2, contexts=50, dims=8)
    assert again[0] == vocab and (again[1] == table).all()
    fine = {w: table[vocab.index(w), 0] for w in MODELS + DATA}
    assert len({fine[w] for w in MODELS}) == 1 and len({fine[w] for w in DATA}) == 1
    assert fine[MODELS[0]] != fine[DATA[0]]
    # nested levels: a fine cluster lies inside one coarse cluster
    fine_to_coarse = {}
    for fine, coarse in table.tolist():
        assert fine_to_coarse.setdefault(fine, coarse) == coarse


def test_kmeans_separates_clear_groups():
    x = numpy.array([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]], dtype=numpy.float32)
    x /= numpy.linalg.norm(x, axis=1, keepdims=True)
    labels, _ = kmeans(x, 2, seed=1)
    assert labels[0] == labels[1] != labels[2] == labels[3]


def test_table_round_trip_and_lookup(tmp_path):
    vocab = ["bleu", "rouge", "imagenet"]
    table = numpy.array([[3, 1], [3, 1], [7, 0]], dtype=numpy.int32)
    save_clusters(tmp_path / "c.tsv", vocab, table)
    v2, t2 = load_clusters(tmp_path / "c.tsv")
    assert v2 == vocab and (t2 == table).all()
    nlp = spacy.blank("en")
    lookup = ClusterTable(v2, t2)
    lower = numpy.array([nlp.vocab.strings[w] for w in ["rouge", "unseen", "imagenet"]], dtype=numpy.uint64)
    # ids are shifted by one: 0 means "not in the table"
    assert lookup.lookup(lower).tolist() == [[4, 2], [0, 0], [8, 1]]


def test_tokenised_is_lowercased_words():
    assert list(tokenised(["SWE-bench Verified (65.8% pass@1)."])) == [
        ["swe-bench", "verified", "(", "65.8", "%", "pass@1", ")", "."]
    ]


def _blank():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg_tokenizer_v1"}}})


def test_batch_attributes_carry_cluster_columns_and_pad_rows():
    nlp = _blank()
    table = ClusterTable(["bleu"], numpy.array([[5, 2, 0]], dtype=numpy.int32))
    docs = [nlp.make_doc("BLEU up"), nlp.make_doc("x")]
    attrs, starts = batch_attributes(docs, table)
    row = int(starts[0])
    assert attrs[row, _C1 : _C3 + 1].tolist() == [6, 3, 1]
    assert attrs[row + 1, _C1 : _C3 + 1].tolist() == [0, 0, 0]
    pad = attrs[:, _L] == _PAD_VALUE
    assert (attrs[pad, _C1] == _PAD_VALUE).all()
    no_table, _ = batch_attributes(docs)
    assert (no_table[~pad, _C1] == 0).all()


def test_clusters_let_the_tagger_label_a_word_it_never_saw_labelled(tmp_path):
    """Trained on sentences naming three MODELS and three DATA; 'gecko' and 'rowan' are only in the unlabelled text.
    With clusters each is tagged like its cluster mates."""
    nlp = _blank()
    vocab, table = learn_clusters(_unlabelled(), granularities=(6, 3, 2), min_count=2, contexts=50, dims=8)
    clusters = ClusterTable(vocab, table)
    tagger = nlp.add_pipe("kg_tagger_v1", config={"rows": 1 << 12})
    tagger.model.clusters = clusters
    # the same context for both kinds: only the word itself says which kind it is
    texts, spans = [], []
    for word, kind in [(w, "METHOD") for w in MODELS[:3]] + [(w, "DATASET") for w in DATA[:3]]:
        for frame in ("see {} here", "and {} too", "with {} ."):
            text = frame.format(word)
            texts.append(text)
            spans.append([(text.index(word), text.index(word) + len(word), kind)])
    docs = [nlp.make_doc(t) for t in texts]
    tags = [example_tags(doc, s) for doc, s in zip(docs, spans)]
    feats, gold = training_matrix(docs, tags, tagger.model.rows, clusters)
    tagger.model.fit(feats, gold, epochs=30, lr=0.5, seed=0)
    found = lambda pipe: [(e.text, e.label_) for t in ("see gecko here", "see rowan here") for e in pipe(t).ents]
    assert found(nlp) == [("gecko", "METHOD"), ("rowan", "DATASET")]
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")
    assert loaded.get_pipe("kg_tagger_v1").model.clusters.vocab == vocab
    assert found(loaded) == [("gecko", "METHOD"), ("rowan", "DATASET")]


def test_first_stage_scores_equal_the_plain_feature_sum():
    """The per-distinct-word shortcut gives the scores of summing every template's weight row."""
    from kg.extract.tagger import TEMPLATES, LinearModel, features, first_stage_scores

    nlp = _blank()
    rng = numpy.random.default_rng(0)
    model = LinearModel(1 << 10)
    model.W = rng.standard_normal(model.W.shape).astype(numpy.float32)
    table = ClusterTable(["we", "bleu", "on"], numpy.array([[1, 0, 0], [2, 1, 0], [3, 1, 1]], dtype=numpy.int32))
    docs = [nlp.make_doc(t) for t in ("We report BLEU on WMT.\nWe report BLEU again", "", "on on on", "x")]
    attrs, _ = batch_attributes(docs, table)
    plain = model.scores(features(attrs, model.rows))
    numpy.testing.assert_allclose(first_stage_scores(model.W, attrs, TEMPLATES), plain, rtol=1e-5, atol=1e-4)


def test_a_model_saved_with_fewer_templates_still_loads_and_uses_them(tmp_path):
    from kg.extract.tagger import TEMPLATES, select_templates

    nlp = _blank()
    tagger = nlp.add_pipe("kg_tagger_v1", config={"rows": 1 << 8})
    old = [name for name, _ in TEMPLATES if not name.startswith("c")]
    tagger.model.templates = select_templates(old)
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m").get_pipe("kg_tagger_v1").model
    assert [name for name, _ in loaded.templates] == old and loaded.clusters is None
    assert [(e.text, e.label_) for e in spacy.load(tmp_path / "m")("nothing here").ents] == []


def test_cluster_modes_select_templates():
    import json

    from kg.extract.pipeline import MODEL_DIR
    from kg.extract.tagger import WORD_CLUSTER_TEMPLATES, templates_for

    none = [name for name, _ in templates_for("none")]
    word = [name for name, _ in templates_for("word")]
    window = [name for name, _ in templates_for("window")]
    assert not any(name.startswith("c") and name[1].isdigit() for name in none)
    assert set(word) - set(none) == set(WORD_CLUSTER_TEMPLATES) and set(none) < set(word) < set(window)
    cfg_path = MODEL_DIR / "kg_tagger" / "cfg.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    if cfg and not cfg.get("clusters"):
        # the default mode ("none") trains the template set of the shipped model
        assert cfg["templates"] == none
