"""A linear BIO tagger over hashed window features: the cheap statistical component ``kg_tagger_v1``.

The CNN NER cost about 6 ms per abstract against a budget of 2 ms for the whole extraction. This
tagger reads the token attributes in one C call (``Doc.to_array``), builds hashed window features
for a whole batch of documents with numpy, scores every token with one gather-and-sum over a
weight matrix, and decodes typed spans with vectorised BIO repair. It sets ``doc.ents`` with the
labels DATASET, METHOD, METRIC and TASK, exactly what the statistical NER set before, so
``kg_concepts`` consumes it unchanged.

Training (``fit``) is multinomial logistic regression with AdaGrad on per-token features,
seeded, with per-token weights (in-domain annotations count more).
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IS_SPACE, LENGTH, LOWER, ORTH, PREFIX, SHAPE, SUFFIX
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

LABELS = ("DATASET", "METHOD", "METRIC", "TASK")
#: ``doc.user_data`` key of the spans ``set_annotations(write_ents=False)`` leaves for the concepts component
SPANS_KEY = "kg_tagger_spans"
#: tag ids: 0 = O, 1..4 = B-<label>, 5..8 = I-<label>
N_TAGS = 1 + 2 * len(LABELS)
#: padding between documents in a batch: the widest window reaches this far
PAD = 3
_ATTRS = [LOWER, SHAPE, PREFIX, SUFFIX, LENGTH, IS_SPACE, ORTH]
_L, _S, _P, _X, _N, _SPACE, _O = range(7)
#: derived columns (not spaCy attributes): the lowercase word's first three and last four
#: characters (spaCy's PREFIX and SUFFIX are 1 and 3); its distributional cluster at three
#: granularities, fine to coarse (kg/extract/clusters.py; 0 = not in the table); 1 in a document's
#: first line (the title), else 0; the first stage's predicted tag (second stage only)
_P3 = 7
_S4 = 8
_C1 = 9
_C2 = 10
_C3 = 11
_TITLE = 12
_TAG = 13
_N_LEVELS = 3
_AFFIXES: dict[int, tuple[int, int]] = {}
_MUL = numpy.uint64(0x9E3779B97F4A7C15)
_PAD_VALUE = numpy.uint64(0x5BD1E9955BD1E995)
_SHIFT = numpy.uint64(29)


def tag_name(tag: int) -> str:
    if tag == 0:
        return "O"
    return ("B-" if tag <= len(LABELS) else "I-") + LABELS[(tag - 1) % len(LABELS)]


#: (name, [(attribute column, offset), ...]); each template hashes its attribute values together
TEMPLATES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("bias", ()),
    ("w-2", ((_L, -2),)),
    ("w-1", ((_L, -1),)),
    ("w0", ((_L, 0),)),
    ("w+1", ((_L, 1),)),
    ("w+2", ((_L, 2),)),
    ("w-3", ((_L, -3),)),
    ("w+3", ((_L, 3),)),
    ("s-1", ((_S, -1),)),
    ("s0", ((_S, 0),)),
    ("s+1", ((_S, 1),)),
    ("x0", ((_X, 0),)),
    ("p0", ((_P, 0),)),
    ("x-1", ((_X, -1),)),
    ("x+1", ((_X, 1),)),
    ("n0s0", ((_N, 0), (_S, 0))),
    ("p3", ((_P3, 0),)),
    ("s4", ((_S4, 0),)),
    ("s4-1", ((_S4, -1),)),
    ("s4+1", ((_S4, 1),)),
    ("title-s0", ((_TITLE, 0), (_S, 0))),
    ("title-w0", ((_TITLE, 0), (_L, 0))),
    ("w-1w0", ((_L, -1), (_L, 0))),
    ("w0w+1", ((_L, 0), (_L, 1))),
    ("s-1s0s+1", ((_S, -1), (_S, 0), (_S, 1))),
    ("s0s+1s+2", ((_S, 0), (_S, 1), (_S, 2))),
    ("s-2s-1s0", ((_S, -2), (_S, -1), (_S, 0))),
    ("w0s+1", ((_L, 0), (_S, 1))),
    ("s-1w0", ((_S, -1), (_L, 0))),
    # word clusters: what a word the annotations never saw is like, from unlabelled text
    ("c1", ((_C1, 0),)),
    ("c2", ((_C2, 0),)),
    ("c3", ((_C3, 0),)),
    ("c1-1", ((_C1, -1),)),
    ("c1+1", ((_C1, 1),)),
    ("c2-2", ((_C2, -2),)),
    ("c2+2", ((_C2, 2),)),
    ("c1s0", ((_C1, 0), (_S, 0))),
    ("c2-1c2", ((_C2, -1), (_C2, 0))),
    ("c2c2+1", ((_C2, 0), (_C2, 1))),
)


#: second stage: the first stage's tags around the token, alone and with the word (stacking
#: stands in for a CRF's transition scores at the cost of one more gather)
CTX_TEMPLATES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("t0", ((_TAG, 0),)),
    ("t-1", ((_TAG, -1),)),
    ("t+1", ((_TAG, 1),)),
    ("t-2", ((_TAG, -2),)),
    ("t+2", ((_TAG, 2),)),
    ("t-1t0", ((_TAG, -1), (_TAG, 0))),
    ("t0t+1", ((_TAG, 0), (_TAG, 1))),
    ("t-1t+1", ((_TAG, -1), (_TAG, 1))),
    ("t-1w0", ((_TAG, -1), (_L, 0))),
    ("t+1w0", ((_TAG, 1), (_L, 0))),
    ("t-1s0", ((_TAG, -1), (_S, 0))),
    ("t+1s0", ((_TAG, 1), (_S, 0))),
    ("t0s0", ((_TAG, 0), (_S, 0))),
)


def _salt(name: str) -> numpy.uint64:
    import hashlib

    return numpy.uint64(int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little"))


_SALTS = [_salt(name) for name, _ in TEMPLATES]
_CTX_SALTS = [_salt(name) for name, _ in CTX_TEMPLATES]


def _affix_pair(lower: int, strings) -> tuple[int, int]:
    """The hashes of a word's 3-character prefix and 4-character suffix, by its LOWER string id."""
    import zlib

    word = strings[lower] if lower in strings else ""
    # crc32, not hash(): Python's str hash changes from process to process
    return zlib.crc32(b"p" + word[:3].encode()), zlib.crc32(b"s" + word[-4:].encode())


def _affix_columns(lower: numpy.ndarray, strings) -> numpy.ndarray:
    """[n, 2] hashes of each word's 3-character prefix and 4-character suffix, cached per word."""
    uniq, inverse = numpy.unique(lower, return_inverse=True)
    cache = _AFFIXES
    keys = uniq.tolist()
    # cached pairs in one list and one array build: a numpy row write per word cost more than the lookup
    pairs = [cache.get(key) for key in keys]
    for k, pair in enumerate(pairs):
        if pair is None:
            key = keys[k]
            pair = pairs[k] = _affix_pair(key, strings)
            if len(cache) < 2_000_000:
                cache[key] = pair
    values = numpy.array(pairs, dtype=numpy.uint64).reshape(len(keys), 2)
    return values[inverse.ravel()]


class WordRows:
    """The attribute row of each distinct word (ORTH) seen: the seven ``_ATTRS`` and the two affix hashes.

    Every one of them is a function of the word's string, so a batch reads only ORTH per token (one
    cheap ``to_array``) and gathers the rest by word: ``to_array`` of all seven attributes and the
    affix ``unique()`` were half of the tagger's time. Rows are those ``batch_attributes`` computes."""

    #: distinct words kept (about 400 bytes each with their scores); past this the rows start afresh
    LIMIT = 250_000

    def __init__(self):
        self.vocab = None
        self.clear()

    def clear(self) -> None:
        # ORTH 0 is the empty string's, never a token's: it names the PAD row
        self.index: dict[int, int] = {0: 0}
        self.table = numpy.full((4096, len(_ATTRS) + 2), _PAD_VALUE, dtype=numpy.uint64)
        #: the rows of the last batch's positions (first_stage_scores reads them)
        self.last_ids: numpy.ndarray | None = None
        #: per word row, the summed weights of the templates reading one offset's word (see first_stage_scores)
        self.scores_key: tuple | None = None
        self.scores: list[numpy.ndarray] = []
        self.scored = numpy.zeros(0, dtype=bool)

    def ids(self, orths: list[int], vocab) -> numpy.ndarray:
        """Row index of every ORTH in ``orths`` (0 for PAD), adding the words not seen yet."""
        if vocab is not self.vocab or len(self.index) > self.LIMIT:
            self.vocab = vocab
            self.clear()
        index = self.index
        ids = numpy.fromiter(map(index.get, orths, itertools.repeat(-1)), dtype=numpy.intp, count=len(orths))
        for k in numpy.flatnonzero(ids < 0).tolist():
            found = index.get(orths[k])  # a word twice in the batch is added once
            ids[k] = found if found is not None else self._add(orths[k], vocab)
        return ids

    def _add(self, orth: int, vocab) -> int:
        row = len(self.index)
        if row == len(self.table):
            grown = numpy.full((2 * row, self.table.shape[1]), _PAD_VALUE, dtype=numpy.uint64)
            grown[:row] = self.table
            self.table = grown
        lex = vocab[orth]
        # the lexeme's values, as Doc.to_array(_ATTRS) reads them for its tokens; affixes as _affix_columns
        self.table[row] = (lex.lower, lex.shape, lex.prefix, lex.suffix, len(lex.orth_), int(lex.is_space), orth,
                           *_affix_pair(lex.lower, vocab.strings))
        self.index[orth] = row
        return row


def batch_attributes(docs: Sequence[Doc], clusters=None, words: WordRows | None = None,
                     ) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The attribute rows of every doc, PAD rows before, between and after; and each doc's first row.
    ``clusters`` is a :class:`kg.extract.clusters.ClusterTable` (None: every word in cluster 0);
    ``words`` a :class:`WordRows` to read the words' rows from (same result, faster)."""
    # the rows are one vocab's: docs of several (not in a pipeline) take the path below
    if words is not None and docs and all(doc.vocab is docs[0].vocab for doc in docs):
        return _batch_attributes_by_word(docs, clusters, words)
    if words is not None:
        words.last_ids = None  # no word rows for this batch
    pad = numpy.full((PAD, len(_ATTRS)), _PAD_VALUE, dtype=numpy.uint64)
    attrs, starts = _padded(
        docs, pad, lambda doc: doc.to_array(_ATTRS).astype(numpy.uint64, copy=False).reshape(len(doc), len(_ATTRS)))
    if not docs:
        return numpy.concatenate([attrs, numpy.full((len(attrs), 2 + _N_LEVELS), _PAD_VALUE, dtype=numpy.uint64)],
                                 axis=1), starts
    # affixes for the whole batch at once: one unique() and one cache lookup per distinct word
    is_pad = attrs[:, _L] == _PAD_VALUE
    affixes = _affix_columns(attrs[:, _L], docs[0].vocab.strings)
    if clusters is None:
        levels = numpy.zeros((len(attrs), _N_LEVELS), dtype=numpy.uint64)
    else:
        levels = clusters.lookup(attrs[:, _L])
    derived = numpy.concatenate([affixes, levels], axis=1)
    derived[is_pad] = _PAD_VALUE
    return numpy.concatenate([attrs, derived], axis=1), starts


def _batch_attributes_by_word(docs: Sequence[Doc], clusters, words: WordRows) -> tuple[numpy.ndarray, numpy.ndarray]:
    orths, starts = _padded(docs, numpy.zeros(PAD, dtype=numpy.uint64), lambda doc: doc.to_array(ORTH))
    ids = words.ids(orths.tolist(), docs[0].vocab)  # first: it may replace the table
    words.last_ids = ids
    attrs = words.table[ids]
    is_pad = attrs[:, _L] == _PAD_VALUE
    if clusters is None:
        levels = numpy.zeros((len(attrs), _N_LEVELS), dtype=numpy.uint64)
    else:
        levels = clusters.lookup(attrs[:, _L])
    levels[is_pad] = _PAD_VALUE
    attrs[is_pad, len(_ATTRS):] = _PAD_VALUE  # a real word's LOWER equal to the PAD value, as batch_attributes
    return numpy.concatenate([attrs, levels], axis=1), starts


def _padded(docs: Sequence[Doc], pad: numpy.ndarray, rows) -> tuple[numpy.ndarray, numpy.ndarray]:
    """``rows(doc)`` of every non-empty doc, each batch entry followed by ``pad`` (and one before the first),
    and where each doc starts in the result."""
    parts = [pad]
    starts = numpy.empty(len(docs), dtype=numpy.int64)
    at = PAD
    for k, doc in enumerate(docs):
        starts[k] = at
        if len(doc):
            parts.append(rows(doc))
        parts.append(pad)
        at += len(doc) + PAD
    return numpy.concatenate(parts), starts


def _title_flags(attrs: numpy.ndarray) -> numpy.ndarray:
    """1 for the tokens before a document's first whitespace token (its title line), else 0."""
    is_pad = attrs[:, _L] == _PAD_VALUE
    spaces = numpy.cumsum((attrs[:, _SPACE] == 1) & ~is_pad)
    base = numpy.maximum.accumulate(numpy.where(is_pad, spaces, 0))
    return ((spaces - base) == 0).astype(numpy.uint64)


#: the cluster templates that read the token itself (its kind), and those that read its neighbours
WORD_CLUSTER_TEMPLATES = ("c1", "c2", "c3", "c1s0")
CLUSTER_MODES = ("none", "word", "window")


def templates_for(clusters: str) -> tuple:
    """The first-stage templates for a cluster mode: "none" (no cluster templates: the 0.2.0 set),
    "word" (the token's own clusters) or "window" (also its neighbours')."""
    if clusters not in CLUSTER_MODES:
        raise ValueError(f"cluster mode must be one of {CLUSTER_MODES}, not {clusters!r}")
    plain = [name for name, parts in TEMPLATES if not any(c in (_C1, _C2, _C3) for c, _o in parts)]
    extra = {"none": (), "word": WORD_CLUSTER_TEMPLATES,
             "window": tuple(name for name, _ in TEMPLATES if name not in plain)}[clusters]
    return select_templates([name for name, _ in TEMPLATES if name in plain or name in extra])


def select_templates(names: Sequence[str]) -> tuple:
    """The templates of a saved model by name, in its order (models from before a template was added
    keep loading); an unknown name raises ValueError."""
    known = dict(TEMPLATES)
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"unknown feature templates {missing}")
    return tuple((n, known[n]) for n in names)


def features(attrs: numpy.ndarray, rows: int, templates=TEMPLATES) -> numpy.ndarray:
    """Feature row indices in [0, rows) for every position: an int array [templates, positions]
    (template-major, so that scoring gathers from one contiguous index row at a time)."""
    salts = _SALTS if templates is TEMPLATES else [_salt(name) for name, _ in templates]
    return _hashed(numpy.concatenate([attrs, _title_flags(attrs)[:, None]], axis=1), rows, templates, salts)


#: columns that depend on the token's own string only (not on its position or neighbours)
_WORD_COLUMNS = (_L, _S, _P, _X, _N, _P3, _S4, _C1, _C2, _C3)


def _split_templates(templates) -> tuple[dict[int, list[int]], list[int]]:
    """Template indices by the one offset they read when they read only word columns there (the
    bias counts as offset 0), and the rest (several positions, or the title flag)."""
    by_offset: dict[int, list[int]] = {}
    rest: list[int] = []
    for t, (_name, parts) in enumerate(templates):
        offsets = {o for _c, o in parts}
        if len(offsets) <= 1 and all(c in _WORD_COLUMNS for c, _o in parts):
            by_offset.setdefault(next(iter(offsets), 0), []).append(t)
        else:
            rest.append(t)
    return by_offset, rest


def first_stage_scores(W: numpy.ndarray, attrs: numpy.ndarray, templates=TEMPLATES,
                       words: WordRows | None = None) -> numpy.ndarray:
    """[positions, N_TAGS] first-stage scores, equal to summing W over ``features(attrs, len(W),
    templates)`` but faster: the templates that read one token's own string are summed once per
    distinct word in the batch (a batch repeats its words about 7 times) and then shifted into place.
    With ``words`` (whose last batch is ``attrs``) those sums are kept per word across batches."""
    rows = len(W)
    # the title flag joins the columns only where a template reads it (a copy of every column cost more)
    extra = {_TITLE: _title_flags(attrs)}
    cols = attrs
    n = len(cols)
    salts = _SALTS if templates is TEMPLATES else [_salt(name) for name, _ in templates]
    by_offset, rest = _split_templates(templates)
    if words is not None and words.last_ids is not None and len(words.last_ids) == n:
        out = _word_scores(W, cols, templates, salts, by_offset, words)
        if rest:
            feats = _hashed(cols, rows, [templates[t] for t in rest], [salts[t] for t in rest], extra)
            for row in feats:
                out += W.take(row, axis=0)
        return out
    # every word column is a function of the token's text (ORTH): equal texts, equal word features
    _u, first, inverse = numpy.unique(cols[:, _O], return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    words = cols[first]
    at = numpy.arange(n)
    members = [t for group in by_offset.values() for t in group]
    local_templates = [(templates[t][0], tuple((c, 0) for c, _o in templates[t][1])) for t in members]
    feats = _hashed(words, rows, local_templates, [salts[t] for t in members])
    row_of = {t: k for k, t in enumerate(members)}
    out = numpy.zeros((n, N_TAGS), dtype=W.dtype)
    for offset, group in sorted(by_offset.items()):
        local = W.take(feats[row_of[group[0]]], axis=0)
        for t in group[1:]:
            local += W.take(feats[row_of[t]], axis=0)
        # PAD rows surround every document, so a real token's window never leaves the batch
        out += local.take(inverse[numpy.clip(at + offset, 0, n - 1)], axis=0)
    if rest:
        feats = _hashed(cols, rows, [templates[t] for t in rest], [salts[t] for t in rest], extra)
        for row in feats:
            out += W.take(row, axis=0)
    return out


def _word_scores(W: numpy.ndarray, cols: numpy.ndarray, templates, salts, by_offset: dict[int, list[int]],
                 words: WordRows) -> numpy.ndarray:
    """The one-word templates' part of first_stage_scores, from sums kept per word row (same float32 sums,
    added in the same order: the scores are bitwise those of the batch-local path)."""
    ids = words.last_ids
    n = len(cols)
    groups = sorted(by_offset.items())
    key = (id(W), W.shape, tuple(name for name, _ in templates))
    if words.scores_key != key or len(words.scored) < len(words.table):
        if words.scores_key != key:
            words.scores, words.scored = [numpy.zeros((0, N_TAGS), dtype=W.dtype) for _ in groups], numpy.zeros(0, bool)
            words.scores_key = key
        size = len(words.table)
        grown = [numpy.zeros((size, N_TAGS), dtype=W.dtype) for _ in groups]
        for new, old in zip(grown, words.scores):
            new[: len(old)] = old
        scored = numpy.zeros(size, dtype=bool)
        scored[: len(words.scored)] = words.scored
        words.scores, words.scored = grown, scored
    missing, first = numpy.unique(ids[~words.scored[ids]], return_index=True)
    if len(missing):
        # a word's first position in the batch holds its columns (every word column is a function of ORTH)
        at_first = numpy.flatnonzero(~words.scored[ids])[first]
        members = [t for _offset, group in groups for t in group]
        local_templates = [(templates[t][0], tuple((c, 0) for c, _o in templates[t][1])) for t in members]
        feats = _hashed(cols[at_first], len(W), local_templates, [salts[t] for t in members])
        row_of = {t: k for k, t in enumerate(members)}
        for (_offset, group), table in zip(groups, words.scores):
            local = W.take(feats[row_of[group[0]]], axis=0)
            for t in group[1:]:
                local += W.take(feats[row_of[t]], axis=0)
            table[missing] = local
        words.scored[missing] = True
    at = numpy.arange(n)
    out = numpy.zeros((n, N_TAGS), dtype=W.dtype)
    for (offset, _group), table in zip(groups, words.scores):
        # PAD rows surround every document, so a real token's window never leaves the batch
        out += table.take(ids[numpy.clip(at + offset, 0, n - 1)], axis=0)
    return out


def context_features(attrs: numpy.ndarray, tags: numpy.ndarray, rows: int) -> numpy.ndarray:
    """Second-stage feature rows from the first stage's ``tags`` (PAD rows of ``attrs`` stay PAD)."""
    tag_col = numpy.where(attrs[:, _L] == _PAD_VALUE, _PAD_VALUE, tags.astype(numpy.uint64) + numpy.uint64(1))
    return _hashed(attrs, rows, CTX_TEMPLATES, _CTX_SALTS, {_TITLE: _title_flags(attrs), _TAG: tag_col})


def _hashed(attrs: numpy.ndarray, rows: int, templates, salts,
            extra: dict[int, numpy.ndarray] | None = None) -> numpy.ndarray:
    """Feature rows [templates, positions] of ``attrs``' columns; ``extra`` holds columns past its last
    (column index -> one value per position)."""
    n = len(attrs)
    # a shifted copy of each column a template reads, PAD-filled at both ends so that a window never wraps
    # around; one contiguous array per column (strided reads of one column of the whole matrix, and a padded
    # copy of every column, cost more than the hashing)
    padded: dict[int, numpy.ndarray] = {}
    out = numpy.empty((len(templates), n), dtype=numpy.int64)
    mask = numpy.uint64(rows - 1)
    with numpy.errstate(over="ignore"):
        for t, (_name, parts) in enumerate(templates):
            h = numpy.full(n, salts[t], dtype=numpy.uint64)
            for column, offset in parts:
                values = padded.get(column)
                if values is None:
                    values = padded[column] = numpy.full(n + 2 * PAD, _PAD_VALUE, dtype=numpy.uint64)
                    values[PAD : PAD + n] = attrs[:, column] if column < attrs.shape[1] else extra[column]
                h ^= values[PAD + offset : PAD + offset + n]
                h *= _MUL
                h ^= h >> _SHIFT
            out[t] = h & mask
    return out


#: a position whose O log-probability beats every other tag's by this much (plus the transition bonus) is
#: O on the best path in practice: Viterbi runs only over the runs of the other positions
VITERBI_MARGIN = 2.0
#: how far the raw-score O test may read from the log-softmax one (float32 rounding of scores of a few tens)
_RAW_SLACK = 0.01


def viterbi(scores: numpy.ndarray, is_pad: numpy.ndarray, *, o_bias: float = 0.0, bonus: float = 0.0) -> numpy.ndarray:
    """Best BIO tag sequence under the constraint that I-X follows B-X or I-X, over the log-softmax of
    ``scores`` [positions, N_TAGS] (``o_bias`` added to O, ``bonus`` to every B-X/I-X -> I-X step).

    Positions that are clearly O split the batch into short runs (most runs are 1-3 tokens); the runs are
    decoded together, longest first, so each step is one numpy operation over the runs still open."""
    n_labels = len(LABELS)
    # the log-softmax shifts a row by one constant, so the O test reads about the same on the raw scores: the
    # rows clearly O there (most of them) skip the normalisation, and the exact test decides on the others
    near = numpy.flatnonzero(~is_pad & (scores[:, 0] + o_bias < scores[:, 1:].max(axis=1) + bonus + VITERBI_MARGIN
                                        + _RAW_SLACK))
    s = scores[near]
    s -= s.max(axis=1, keepdims=True)
    lp = s - numpy.log(numpy.exp(s).sum(axis=1, keepdims=True))
    lp[:, 0] += o_bias
    keep = lp[:, 0] < lp[:, 1:].max(axis=1) + bonus + VITERBI_MARGIN
    # rows are read only at the free positions below
    logp = numpy.empty_like(scores)
    logp[near] = lp
    tags = numpy.zeros(len(scores), dtype=numpy.int64)
    at = near[keep]
    if not len(at):
        return tags
    first = numpy.concatenate(([0], numpy.flatnonzero(numpy.diff(at) != 1) + 1))
    length = numpy.diff(numpy.append(first, len(at)))
    order = numpy.argsort(-length, kind="stable")
    start, length = at[first][order], length[order]
    steps = int(length[0])
    # open[j]: how many runs (the first ones, as they are sorted by length) have a position j
    open_ = len(start) - numpy.cumsum(numpy.bincount(length, minlength=steps + 1))[:steps]
    b_tags, i_tags = slice(1, 1 + n_labels), slice(1 + n_labels, N_TAGS)
    delta = logp[start].copy()
    delta[:, i_tags] = -numpy.inf  # a run starts after an O
    back_any, back_inside = [], []
    for j in range(1, steps):
        n = int(open_[j])
        d = delta[:n]
        e = logp[start[:n] + j]
        from_b, from_i = d[:, b_tags], d[:, i_tags]
        back_any.append(d.argmax(axis=1))
        back_inside.append(from_i > from_b)
        new = e + d.max(axis=1)[:, None]  # O and B-X may follow anything
        new[:, i_tags] = numpy.maximum(from_b, from_i) + bonus + e[:, i_tags]
        delta[:n] = new
    state = delta.argmax(axis=1)  # each run's last position: O follows it
    tags[start + length - 1] = state
    for j in range(steps - 1, 0, -1):
        n = int(open_[j])
        cur = state[:n]
        inside = cur > n_labels
        kind = numpy.where(inside, cur - 1 - n_labels, 0)
        stay = back_inside[j - 1][numpy.arange(n), kind]
        prev = numpy.where(inside, numpy.where(stay, cur, cur - n_labels), back_any[j - 1])
        state[:n] = prev
        tags[start[:n] + j - 1] = prev
    return tags


def decode(tags: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Spans (start, end exclusive, label index) from a tag sequence; a stray I- starts a span."""
    n_labels = len(LABELS)
    ent = tags > 0
    kind = (tags - 1) % n_labels
    inside = tags > n_labels
    prev_ent = numpy.concatenate(([False], ent[:-1]))
    prev_kind = numpy.concatenate(([-1], kind[:-1]))
    cont = ent & inside & prev_ent & (kind == prev_kind)
    begin = ent & ~cont
    next_cont = numpy.concatenate((cont[1:], [False]))
    last = ent & ~next_cont
    starts = numpy.flatnonzero(begin)
    ends = numpy.flatnonzero(last) + 1
    return starts, ends, kind[starts]


class LinearModel:
    """Weights [rows, N_TAGS] over hashed features; ``rows`` a power of two."""

    def __init__(self, rows: int = 1 << 17):
        if rows & (rows - 1):
            raise ValueError(f"rows must be a power of two, not {rows}")
        self.rows = rows
        self.W = numpy.zeros((rows, N_TAGS), dtype=numpy.float32)
        #: added to the O score at prediction: > 0 trades recall for precision (tuned on dev)
        self.o_bias = 0.0
        #: optional second stage over the first stage's tags (see CTX_TEMPLATES)
        self.W2: numpy.ndarray | None = None
        #: added to I-X right after a token tagged X: a fixed transition score, as tokens are scored one
        #: by one and "SWE-bench Verified" otherwise lost its qualifier (tuned on dev)
        self.continue_bias = 0.0
        #: "greedy" (argmax per token, then ``continue_bias``) or "viterbi" (best constrained BIO sequence)
        self.decoder = "greedy"
        #: Viterbi only: log-score added to every step that continues an entity (B-X or I-X -> I-X)
        self.transition_bonus = 0.0
        #: word clusters (kg.extract.clusters.ClusterTable) behind the c* templates, or None
        self.clusters = None
        #: the first stage's feature templates (all of TEMPLATES, or a saved model's subset)
        self.templates = TEMPLATES
        #: the attribute rows of the words seen at prediction (a cache: see WordRows)
        self.words = WordRows()

    def scores(self, feats: numpy.ndarray, W: numpy.ndarray | None = None) -> numpy.ndarray:
        """[positions, N_TAGS] scores of template-major ``feats``."""
        W = self.W if W is None else W
        # one take per template: a single 3-d gather was 4x slower (cache misses on a temporary)
        out = W.take(feats[0], axis=0)
        for row in feats[1:]:
            out += W.take(row, axis=0)
        return out

    def _continue(self, scores: numpy.ndarray, tags: numpy.ndarray, is_pad: numpy.ndarray, *, passes: int = 2) -> numpy.ndarray:
        """Let an O token continue the entity before it when I-X plus ``continue_bias`` beats O."""
        n_labels = len(LABELS)
        rows = numpy.arange(len(tags))
        for _ in range(passes):
            prev = numpy.concatenate(([0], tags[:-1]))
            inside_tag = numpy.where(prev > 0, 1 + n_labels + (prev - 1) % n_labels, 0)
            extend = (tags == 0) & (prev > 0) & ~is_pad
            extend &= scores[rows, inside_tag] + self.continue_bias > scores[:, 0] + self.o_bias
            if not extend.any():
                break
            tags = numpy.where(extend, inside_tag, tags)
        return tags

    def _argmax(self, scores: numpy.ndarray) -> numpy.ndarray:
        scores[:, 0] += self.o_bias
        tags = scores.argmax(axis=1)
        scores[:, 0] -= self.o_bias
        return tags

    def predict_tags(self, docs: Sequence[Doc]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Decoded tags of the whole padded batch (PAD rows are O) and each doc's first row."""
        attrs, starts = batch_attributes(docs, self.clusters, self.words)
        scores = first_stage_scores(self.W, attrs, self.templates, self.words)
        tags = self._argmax(scores)
        is_pad = attrs[:, _L] == _PAD_VALUE
        tags[is_pad] = 0
        if self.W2 is not None:
            scores += self.scores(context_features(attrs, tags, len(self.W2)), self.W2)
            tags = self._argmax(scores)
            tags[is_pad] = 0
        if self.decoder == "viterbi":
            tags = viterbi(scores, is_pad, o_bias=self.o_bias, bonus=self.transition_bonus)
        # after Viterbi too: a qualifier the path leaves out ("SWE-bench Verified") still joins when close
        if self.continue_bias:
            tags = self._continue(scores, tags, is_pad)
        return tags, starts

    def predict(self, docs: Sequence[Doc]) -> list[list[tuple[int, int, int]]]:
        """Per doc, the (start token, end token, label index) spans."""
        tags, starts = self.predict_tags(docs)
        s, e, kinds = decode(tags)
        doc_of = numpy.searchsorted(starts, s, side="right") - 1
        out: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        for d, a, b, k in zip(doc_of.tolist(), s.tolist(), e.tolist(), kinds.tolist()):
            off = int(starts[d])
            out[d].append((a - off, b - off, k))
        return out

    def fit(
        self,
        feats: numpy.ndarray,
        gold: numpy.ndarray,
        weights: numpy.ndarray | None = None,
        *,
        epochs: int = 5,
        lr: float = 0.1,
        batch: int = 256,
        seed: int = 0,
        average: bool = True,
        offset: numpy.ndarray | None = None,
        log=None,
    ) -> None:
        """Softmax regression with AdaGrad on token rows ``feats`` [n, templates] with tags ``gold`` [n].

        With ``average`` the final weights are the mean over every update (as in an averaged
        perceptron): the noisy shared annotations otherwise pull the last weights around.
        ``offset`` [n, N_TAGS] is added to every token's scores (a fixed first stage)."""
        rng = numpy.random.default_rng(seed)
        n = len(gold)
        weights = numpy.ones(n, dtype=numpy.float32) if weights is None else weights.astype(numpy.float32)
        hist = numpy.full(self.W.shape, 1e-6, dtype=numpy.float32)
        n_t = feats.shape[1]
        # lazy averaging: with W_t = W_(t-1) - d_t, the mean of W_1..W_T is W_T + sum_t (t - 1) d_t / T,
        # so only the touched rows are updated per step (adding all of W every step took a third of the time)
        lagged = numpy.zeros(self.W.shape, dtype=numpy.float64) if average else None
        tag_cols = numpy.arange(N_TAGS)
        steps = 0
        for epoch in range(epochs):
            order = rng.permutation(n)
            loss = 0.0
            for lo in range(0, n, batch):
                idx = order[lo : lo + batch]
                f = feats[idx]
                s = self.W.take(f, axis=0).sum(axis=1)
                if offset is not None:
                    s += offset[idx]
                s -= s.max(axis=1, keepdims=True)
                p = numpy.exp(s)
                p /= p.sum(axis=1, keepdims=True)
                y = gold[idx]
                at = numpy.arange(len(idx))
                loss -= float((numpy.log(p[at, y] + 1e-9) * weights[idx]).sum())
                p[at, y] -= 1.0
                p *= weights[idx, None]
                rows, inv = numpy.unique(f.ravel(), return_inverse=True)
                # gradient per touched row and tag: one bincount over (row, tag) cells (add.at is slow)
                cells = (inv.reshape(len(idx), n_t) * N_TAGS)[:, :, None] + tag_cols
                vals = numpy.broadcast_to(p[:, None, :], cells.shape)
                g = numpy.bincount(cells.ravel(), weights=vals.ravel(), minlength=len(rows) * N_TAGS)
                g = g.reshape(len(rows), N_TAGS).astype(numpy.float32)
                h = hist[rows] + g * g
                hist[rows] = h
                d = lr * g / numpy.sqrt(h)
                self.W[rows] -= d
                if lagged is not None:
                    lagged[rows] += steps * d
                steps += 1
            if log:
                log(f"tagger epoch {epoch + 1}: loss {loss / weights.sum():.4f}")
        if lagged is not None and steps:
            self.W = (self.W + lagged / steps).astype(numpy.float32)
        self.words = WordRows()  # scores kept per word are the old weights'


def example_tags(doc: Doc, spans: Iterable[tuple[int, int, str]]) -> numpy.ndarray:
    """Gold tags of ``doc`` from character spans (label in LABELS); unalignable or overlapping spans skipped."""
    tags = numpy.zeros(len(doc), dtype=numpy.int64)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if label not in LABELS:
            continue
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is None or not len(span) or tags[span.start : span.end].any():
            continue
        k = LABELS.index(label)
        tags[span.start] = 1 + k
        tags[span.start + 1 : span.end] = 1 + len(LABELS) + k
    return tags


def training_matrix(
    docs: Sequence[Doc], tags: Sequence[numpy.ndarray], rows: int, clusters=None
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Feature rows and gold tags of the real (non-pad) tokens of ``docs``."""
    attrs, starts = batch_attributes(docs, clusters)
    feats = features(attrs, rows)
    keep = numpy.concatenate([numpy.arange(s, s + len(d)) for s, d in zip(starts.tolist(), docs)] or [[]]).astype(
        numpy.int64
    )
    return numpy.ascontiguousarray(feats[:, keep].T), numpy.concatenate(list(tags) or [numpy.zeros(0, dtype=numpy.int64)])


def fit_stacked(
    model: LinearModel,
    docs: Sequence[Doc],
    tags: Sequence[numpy.ndarray],
    weights: Sequence[numpy.ndarray],
    *,
    ctx_rows: int = 1 << 15,
    folds: int = 2,
    log=None,
    **fit_args,
) -> None:
    """Train both stages: the first on every token; the second on out-of-fold first-stage scores and
    tags (trained on its own predictions the first stage would look surer than it is on new text)."""
    attrs, starts = batch_attributes(docs, model.clusters)
    feats = features(attrs, model.rows, model.templates)
    rows_of = [numpy.arange(s, s + len(d)) for s, d in zip(starts.tolist(), docs)]
    keep = numpy.concatenate(rows_of)
    gold = numpy.concatenate(list(tags))
    w = numpy.concatenate(list(weights)).astype(numpy.float32)
    fold = numpy.concatenate([numpy.full(len(d), k % folds) for k, d in enumerate(docs)])
    oof = numpy.zeros((len(attrs), N_TAGS), dtype=numpy.float32)
    for k in range(folds):
        part = LinearModel(model.rows)
        part.templates = model.templates
        part.clusters = model.clusters
        train_rows, test_rows = keep[fold != k], keep[fold == k]
        part.fit(numpy.ascontiguousarray(feats[:, train_rows].T), gold[fold != k], w[fold != k], **fit_args)
        oof[test_rows] = part.scores(feats[:, test_rows])
        if log:
            log(f"tagger fold {k + 1}/{folds} done")
    model.fit(numpy.ascontiguousarray(feats[:, keep].T), gold, w, log=log, **fit_args)
    first = model._argmax(oof)
    first[attrs[:, _L] == _PAD_VALUE] = 0
    ctx = LinearModel(ctx_rows)
    ctx_feats = context_features(attrs, first, ctx_rows)
    ctx.fit(numpy.ascontiguousarray(ctx_feats[:, keep].T), gold, w, offset=oof[keep], log=log, **fit_args)
    model.W2 = ctx.W


def average_models(models: Sequence[LinearModel]) -> LinearModel:
    """One model whose weights are the mean of ``models``' (same sizes): the scores of a linear model
    are linear in its weights, so this is an ensemble at the cost of one model."""
    out = LinearModel(models[0].rows)
    out.o_bias = models[0].o_bias
    out.continue_bias = models[0].continue_bias
    out.decoder = models[0].decoder
    out.transition_bonus = models[0].transition_bonus
    out.clusters = models[0].clusters
    out.templates = models[0].templates
    out.W = sum(m.W for m in models) / len(models)
    if all(m.W2 is not None for m in models):
        out.W2 = sum(m.W2 for m in models) / len(models)
    return out


# --------------------------------------------------------------------------- spaCy component


@Language.factory("kg_tagger_v1", default_config={"rows": 1 << 17, "batch_size": 256})
def make_tagger(nlp: Language, name: str, rows: int, batch_size: int) -> "LinearTagger":
    return LinearTagger(nlp, name, rows=rows, batch_size=batch_size)


class LinearTagger:
    """Sets ``doc.ents`` (DATASET/METHOD/METRIC/TASK) from :class:`LinearModel` predictions."""

    def __init__(self, nlp: Language, name: str, *, rows: int = 1 << 17, batch_size: int = 256):
        self.nlp = nlp
        self.name = name
        self.batch_size = batch_size
        self.model = LinearModel(rows)
        self.labels = LABELS
        self._label_ids = numpy.array([nlp.vocab.strings.add(label) for label in LABELS], dtype=numpy.uint64)

    def set_annotations(self, docs: Sequence[Doc], *, write_ents: bool = True) -> None:
        """Predict and write the entities of ``docs`` (one array write per doc, no Span objects).

        ``write_ents=False`` (``extract_papers``, through ``component_cfg``) leaves ``doc.ents`` unset and keeps
        each doc's (start token, end token, label) spans in ``doc.user_data[SPANS_KEY]`` instead, where the
        concepts component takes them: writing the entities and reading them back cost 1 % of the extraction."""
        tags, starts = self.model.predict_tags(docs)
        s, e, kinds = decode(tags)
        if not write_ents:
            # a span never crosses a PAD row (tagged O): each doc's spans are those starting among its rows
            s_rows, e_rows, labels = s.tolist(), e.tolist(), [LABELS[k] for k in kinds.tolist()]
            for doc, start in zip(docs, starts.tolist()):
                lo, hi = bisect_left(s_rows, start), bisect_left(s_rows, start + len(doc))
                doc.user_data[SPANS_KEY] = [(s_rows[k] - start, e_rows[k] - start, labels[k]) for k in range(lo, hi)]
            return
        n = len(tags)
        depth = numpy.zeros(n + 1, dtype=numpy.int64)
        numpy.add.at(depth, s, 1)
        numpy.add.at(depth, e, -1)
        inside = numpy.cumsum(depth[:n]) > 0
        iob = numpy.where(inside, 1, 2).astype(numpy.uint64)  # spaCy's codes: 3 B, 1 I, 2 O
        iob[s] = 3
        begin = numpy.zeros(n, dtype=numpy.int64)
        begin[s] = 1
        span_of = numpy.cumsum(begin) - 1
        kind_ids = self._label_ids[kinds] if len(kinds) else numpy.zeros(0, dtype=numpy.uint64)
        types = numpy.where(inside, kind_ids[numpy.clip(span_of, 0, None)] if len(kinds) else 0, 0).astype(numpy.uint64)
        both = numpy.stack([iob, types], axis=1)
        for doc, start in zip(docs, starts.tolist()):
            if len(doc):
                doc.from_array([ENT_IOB, ENT_TYPE], both[start : start + len(doc)])

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None, write_ents: bool = True) -> Iterator[Doc]:
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            self.set_annotations(docs, write_ents=write_ents)
            yield from docs

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        # float16 halves the shipped size; scores are sums of ~20 weights, far above its precision
        numpy.save(path / "weights.npy", self.model.W.astype(numpy.float16))
        if self.model.W2 is not None:
            numpy.save(path / "weights2.npy", self.model.W2.astype(numpy.float16))
        if self.model.clusters is not None:
            from kg.extract.clusters import save_clusters

            save_clusters(path / "clusters.tsv", self.model.clusters.vocab, self.model.clusters.table)
        cfg = {"rows": self.model.rows, "o_bias": self.model.o_bias, "continue_bias": self.model.continue_bias,
               "decoder": self.model.decoder, "transition_bonus": self.model.transition_bonus,
               "labels": list(LABELS),
               "templates": [t for t, _ in self.model.templates], "ctx_templates": [t for t, _ in CTX_TEMPLATES],
               "stages": 1 if self.model.W2 is None else 2, "clusters": self.model.clusters is not None}
        (path / "cfg.json").write_text(json.dumps(cfg), "utf-8")

    def from_disk(self, path, *, exclude=()) -> "LinearTagger":
        path = Path(path)
        cfg = json.loads((path / "cfg.json").read_text("utf-8"))
        try:
            templates = select_templates(cfg["templates"])
        except ValueError:
            templates = None
        if (cfg["labels"] != list(LABELS) or templates is None
                or cfg.get("ctx_templates", []) not in ([], [t for t, _ in CTX_TEMPLATES])):
            raise ValueError(f"{path}: tagger weights were trained with other labels or feature templates")
        self.model = LinearModel(cfg["rows"])
        self.model.templates = templates
        self.model.W = numpy.load(path / "weights.npy").astype(numpy.float32)
        self.model.o_bias = float(cfg.get("o_bias", 0.0))
        self.model.continue_bias = float(cfg.get("continue_bias", 0.0))
        # models from before the Viterbi decoder decode greedily, as they were tuned
        self.model.decoder = cfg.get("decoder", "greedy")
        self.model.transition_bonus = float(cfg.get("transition_bonus", 0.0))
        if cfg.get("stages", 1) == 2:
            self.model.W2 = numpy.load(path / "weights2.npy").astype(numpy.float32)
        if cfg.get("clusters"):
            from kg.extract.clusters import ClusterTable, load_clusters

            self.model.clusters = ClusterTable(*load_clusters(path / "clusters.tsv"))
        return self
