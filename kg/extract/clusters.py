"""Distributional word clusters for the tagger, learned from unlabelled scientific text with numpy only.

A word the annotations never saw still gets features when it shares contexts with words they did
("FlashAttention" next to "attention" mechanisms, "BLEU" next to "ROUGE"): the classic cheap
generalisation boost of a linear NER. Recipe: counts of the words one and two to the left and to the
right of each word (separate context columns per side), positive PMI with smoothed context
probabilities, a truncated SVD through the eigenvectors of the small context Gram matrix, unit rows,
then seeded k-means at the finest granularity and k-means of its centroids for the coarser ones
(nested, like Brown-cluster prefixes).

The table ships with the model as ``clusters.tsv`` (word, then one cluster id per granularity).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy

#: cluster counts, finest first; the coarser levels cluster the finest level's centroids
GRANULARITIES = (1024, 256, 64)


def unlabelled_texts(root: Path | None = None) -> Iterator[str]:
    """The unlabelled text the clusters learn from: SciREX train full papers, SciERC train abstracts,
    the TDMSci train sentences (80 %) and the sample corpus abstracts. Dev splits are left out."""
    from kg.extract.datasets import corpus_texts, datasets_dir, detokenize, read_scierc, read_tdmsci, tdmsci_split

    base = root or datasets_dir()
    path = base / "scirex" / "train_from_docs_pages.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                words = json.loads(line)["words"]
                # one text per ~2000 words: detokenize is linear but works on one string
                for lo in range(0, len(words), 2000):
                    yield detokenize(" ".join(words[lo : lo + 2000]), [])[0]
    if (base / "scierc").exists():
        yield from (e.text for e in read_scierc("train", base))
    if (base / "tdmsci").exists():
        yield from (e.text for e in read_tdmsci(base) if tdmsci_split(e.id) == "train")
    yield from corpus_texts().values()


def tokenised(texts: Iterable[str]) -> Iterator[list[str]]:
    """Lowercased words of each text, as the tagger's LOWER attribute sees them."""
    from kg.extract.tokenizer import split_words

    for text in texts:
        words, _spaces = split_words(text)
        yield [w.lower() for w in words if not w.isspace()]


def word_vectors(
    sentences: Iterable[list[str]], *, min_count: int = 3, max_words: int = 40000, contexts: int = 1000,
    dims: int = 100, alpha: float = 0.75, window: int = 2,
) -> tuple[list[str], numpy.ndarray]:
    """Vocabulary (most frequent first) and unit-length PPMI-SVD vectors [words, dims]."""
    sentences = list(sentences)
    counts = Counter(w for s in sentences for w in s)
    vocab = [w for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if c >= min_count][:max_words]
    index = {w: i for i, w in enumerate(vocab)}
    n_ctx = min(contexts, len(vocab))
    n_vocab = len(vocab)
    # one id stream; rare words and ``window`` separators between texts get id n_vocab (no row, no
    # context column), so no window pairs words of two texts
    gap = (None,) * window
    ids = numpy.fromiter((index.get(w, n_vocab) for s in sentences for w in (*s, *gap)), dtype=numpy.int64)
    cooc = numpy.zeros(n_vocab * 2 * n_ctx, dtype=numpy.float32)
    for offset in [o for d in range(1, window + 1) for o in (-d, d)]:
        side = 0 if offset < 0 else n_ctx
        a = ids[max(0, -offset) : len(ids) - max(0, offset)]
        b = ids[max(0, offset) : len(ids) - max(0, -offset)]
        ok = (a >= 0) & (a < n_vocab) & (b >= 0) & (b < n_ctx)
        # nearer neighbours count more
        cooc += numpy.bincount(a[ok] * 2 * n_ctx + side + b[ok], minlength=len(cooc)) / abs(offset)
    m = cooc.reshape(n_vocab, 2 * n_ctx)
    total = float(m.sum(dtype=numpy.float64))
    pw = numpy.maximum(m.sum(axis=1, keepdims=True) / total, 1e-30)  # a word seen with no context column
    pc = m.sum(axis=0, keepdims=True) ** alpha
    pc = numpy.maximum(pc / pc.sum(), 1e-30)
    with numpy.errstate(divide="ignore", invalid="ignore"):
        # in place: the matrix is [words, 2 * contexts] float32
        m /= total
        numpy.log(m, out=m)
        m -= numpy.log(pw).astype(numpy.float32)
        m -= numpy.log(pc).astype(numpy.float32)
        numpy.maximum(m, 0.0, out=m)  # log 0 = -inf -> 0
    ppmi = m
    vectors = truncated_svd(ppmi, dims)
    vectors /= numpy.maximum(numpy.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return vocab, vectors


def truncated_svd(m: numpy.ndarray, dims: int, *, oversample: int = 20, power: int = 2, seed: int = 0) -> numpy.ndarray:
    """U S of the top ``dims`` singular directions of ``m``, by seeded randomized range finding
    (a full eigendecomposition of the context Gram matrix took 100 s on a busy 2-core machine)."""
    rng = numpy.random.default_rng(seed)
    q = m @ rng.standard_normal((m.shape[1], dims + oversample)).astype(m.dtype)
    for _ in range(power):
        q, _r = numpy.linalg.qr(q)
        q, _r = numpy.linalg.qr(m.T @ q)
        q = m @ q
    q, _r = numpy.linalg.qr(q)
    u, sv, _vt = numpy.linalg.svd(q.T @ m, full_matrices=False)
    # sign fixed per component (the SVD's signs are arbitrary) so the table is reproducible
    u = u[:, :dims] * numpy.where(u[numpy.abs(u[:, :dims]).argmax(axis=0), numpy.arange(dims)] < 0, -1.0, 1.0)
    return (q @ u) * sv[:dims]


def kmeans(x: numpy.ndarray, k: int, *, seed: int = 0, iterations: int = 20, weights: numpy.ndarray | None = None):
    """Seeded k-means (spherical: cosine on unit rows); returns (labels, centroids)."""
    rng = numpy.random.default_rng(seed)
    k = min(k, len(x))
    centroids = x[numpy.sort(rng.choice(len(x), size=k, replace=False))].copy()
    w = numpy.ones(len(x), dtype=numpy.float32) if weights is None else weights.astype(numpy.float32)
    labels = numpy.zeros(len(x), dtype=numpy.int64)
    for _ in range(iterations):
        labels = (x @ centroids.T).argmax(axis=1)
        order = numpy.argsort(labels, kind="stable")
        sizes = numpy.bincount(labels, minlength=k)
        sums = numpy.zeros_like(centroids)
        present = numpy.flatnonzero(sizes)
        cuts = numpy.concatenate(([0], numpy.cumsum(sizes[present])[:-1]))
        sums[present] = numpy.add.reduceat((x * w[:, None])[order], cuts, axis=0)
        empty = sizes == 0
        sums[empty] = centroids[empty]
        centroids = sums / numpy.maximum(numpy.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
    return (x @ centroids.T).argmax(axis=1), centroids


def learn_clusters(sentences: Iterable[list[str]], *, granularities=GRANULARITIES, seed: int = 0, log=None,
                   **vector_args) -> tuple[list[str], numpy.ndarray]:
    """Vocabulary and cluster ids [words, len(granularities)], nested from fine to coarse."""
    vocab, vectors = word_vectors(sentences, **vector_args)
    if log:
        log(f"clusters: {len(vocab)} words, {vectors.shape[1]} dims")
    labels, centroids = kmeans(vectors, granularities[0], seed=seed)
    table = [labels]
    for k in granularities[1:]:
        sizes = numpy.bincount(labels, minlength=len(centroids))
        parent, _ = kmeans(centroids, k, seed=seed, weights=sizes)
        table.append(parent[labels])
    return vocab, numpy.stack(table, axis=1).astype(numpy.int32)


def save_clusters(path: Path, vocab: list[str], table: numpy.ndarray) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        for word, row in zip(vocab, table.tolist()):
            fh.write(word + "\t" + "\t".join(map(str, row)) + "\n")


def load_clusters(path: Path) -> tuple[list[str], numpy.ndarray]:
    vocab, rows = [], []
    for line in Path(path).read_text("utf-8").splitlines():
        word, *ids = line.split("\t")
        vocab.append(word)
        rows.append([int(i) for i in ids])
    return vocab, numpy.array(rows, dtype=numpy.int32).reshape(len(vocab), -1)


class ClusterTable:
    """LOWER hash -> cluster ids, looked up a whole batch at a time (sorted keys + searchsorted)."""

    def __init__(self, vocab: list[str], table: numpy.ndarray):
        from spacy.strings import hash_string

        self.vocab = vocab
        self.table = table
        keys = numpy.array([hash_string(w) for w in vocab], dtype=numpy.uint64)
        order = numpy.argsort(keys)
        self.keys = keys[order]
        # id 0 is "not in the table" at every level
        self.values = (table[order] + 1).astype(numpy.uint64)
        self.levels = table.shape[1]

    def lookup(self, lower: numpy.ndarray) -> numpy.ndarray:
        """[n, levels] cluster ids (+1; 0 when unknown) of LOWER hashes."""
        if not len(self.keys):
            return numpy.zeros((len(lower), self.levels), dtype=numpy.uint64)
        pos = numpy.minimum(numpy.searchsorted(self.keys, lower), len(self.keys) - 1)
        found = self.keys[pos] == lower
        return numpy.where(found[:, None], self.values[pos], numpy.uint64(0))
