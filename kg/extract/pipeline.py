"""The spaCy pipeline: registered components, ``load_pipeline`` and ``extract_papers``.

Components (thin shells over plain functions in sentences / concepts / gazetteer):
  ``kg_sentences_v1``  rule-based sentence starts (no parser exists here)
  ``kg_tagger_v1``     the linear BIO tagger trained by ``python -m kg.extract.train`` (kg/extract/tagger.py;
                       pipelines from before 0.2 use spaCy's CNN ``ner`` here, and still load)
  ``kg_concepts_v1``   gazetteer + name shapes + acronym pairs + NER -> concept mentions
"""

from __future__ import annotations

import functools
import gc
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
import spacy
from pydantic import TypeAdapter
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ExtractionError
from kg.extract.adapters import AbbrevPair, find_abbreviation_pairs
from kg.extract.concepts import _TASK_HEADS, Candidate, combine_candidates
from kg.extract.relations import classify_data_mentions, proposed_are_methods
from kg.extract.gazetteer import GazetteerEntry, load_gazetteer, save_gazetteer
from kg.extract.shapes import name_shapes
from kg.extract import tagger as _tagger  # registers kg_tagger_v1
from kg.extract.tokenizer import doc_text
from kg.models import AcronymPair, Evidence, Mention, Paper, PaperExtraction

EXTRACTOR = "kg.extract"
#: a task named by its head noun alone ("parsing", "summarization"): the tagger's one lowercase word stands
#: without the gazetteer when it types it TASK (held out: 5 of 11 right on the corpus, 6 of 8 on TDMSci dev)
# robot tasks are named by one such noun too ("navigation", "locomotion"), though no longer phrase ends in them
_TASK_NOUN_ALONE = re.compile(_TASK_HEADS[:-1] + "|navigation|locomotion|grasping|teleoperation)")
MODEL_DIR = Path(__file__).resolve().parent / "model"
#: Candidate tuples made without the namedtuple's Python-level __new__ (some 30 per abstract)
_new_tuple = tuple.__new__

for _attr in ("kg_mentions", "kg_acronyms"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)

# --------------------------------------------------------------------------- sentences

_NO_BREAK_BEFORE = re.compile(r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Eq|Sec|resp|approx|No)\.|\b[A-Z]\.)$")
_BREAK = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])|\n")


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start: after a newline, and after . ! ? before a capital."""
    # four stages ask for the same text's sentences in turn: compute them once
    return list(_sentence_starts(text))


@functools.lru_cache(maxsize=256)
def _sentence_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    for m in _BREAK.finditer(text):
        if m.group(0) != "\n" and _NO_BREAK_BEFORE.search(text[max(0, m.start() - 8) : m.end()]):
            continue
        nxt = m.end()
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt < len(text) and nxt > starts[-1]:
            starts.append(nxt)
    return tuple(starts)


@Language.factory("kg_sentences_v1", default_config={})
def make_sentences(nlp: Language, name: str) -> "SentenceSetter":
    return SentenceSetter()


class SentenceSetter:
    """Sets ``token.is_sent_start`` from :func:`sentence_starts`."""

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # one array write instead of a Python setter per token (the setter dominated the profile)
        idx = doc.to_array([IDX]).ravel().astype("int64")
        # token offsets increase: a sentence start is a token's where bisection lands on an equal offset
        # (numpy.isin sorts both arrays each call, for a handful of starts)
        starts = numpy.array(sentence_starts(doc_text(doc)), dtype="int64")
        at = numpy.minimum(numpy.searchsorted(idx, starts), len(idx) - 1)
        flags = numpy.full(len(idx), -1, dtype="int64")
        flags[at[idx[at] == starts]] = 1
        flags = flags.astype("uint64")
        flags[0] = 1
        doc.from_array([SENT_START], flags.reshape(-1, 1))
        return doc


# --------------------------------------------------------------------------- concepts


@Language.factory(
    "kg_concepts_v1",
    default_config={"use_shapes": True, "min_precision": 0.6, "min_count": 2.0, "use_ner": True, "ner_max_lower_words": 1,
                    "ner_lower_word_needs_gazetteer": False},
)
def make_concepts(
    nlp: Language,
    name: str,
    use_shapes: bool,
    min_precision: float,
    min_count: float,
    use_ner: bool,
    ner_max_lower_words: int,
    ner_lower_word_needs_gazetteer: bool,
) -> "ConceptTagger":
    return ConceptTagger(
        nlp, name, use_shapes=use_shapes, min_precision=min_precision, min_count=min_count, use_ner=use_ner,
        ner_max_lower_words=ner_max_lower_words, ner_lower_word_needs_gazetteer=ner_lower_word_needs_gazetteer,
    )


class ConceptTagger:
    """Gazetteer matching, name shapes and acronym pairs, combined with the NER's entities."""

    def __init__(
        self, nlp, name, *, use_shapes=True, min_precision=0.6, min_count=2.0, use_ner=True, ner_max_lower_words=1,
        ner_lower_word_needs_gazetteer=False,
    ):
        # the shared sets annotate long descriptive phrases; our guidelines want names, so an
        # all-lowercase NER span longer than this many words is dropped
        self.ner_max_lower_words = ner_max_lower_words
        # the linear tagger labels tokens one by one and leaves lone modifiers ("equivariant",
        # "contrastive") of longer phrases: a single lowercase word then needs the gazetteer's support
        self.ner_lower_word_needs_gazetteer = ner_lower_word_needs_gazetteer
        self.nlp = nlp
        self.name = name
        self.use_shapes = use_shapes
        self.use_ner = use_ner
        self.min_precision = min_precision
        self.min_count = min_count
        self.entries: list[GazetteerEntry] = []
        self._build()

    def set_gazetteer(self, entries: list[GazetteerEntry]) -> None:
        self.entries = list(entries)
        self._build()

    def _build(self) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lookup: dict[str, GazetteerEntry] = {}
        self.known_types: dict[str, str] = {}
        usable = [
            e
            for e in self.entries
            if e.in_domain or (e.count >= self.min_count and e.precision >= self.min_precision)
        ]
        for e in usable:
            key = e.term.lower()
            self.lookup[key] = e
            if e.in_domain:
                self.known_types[key] = e.type
        keys = sorted(self.lookup)
        for key, doc in zip(keys, self.nlp.tokenizer.pipe(keys)):
            self.matcher.add(key, [doc])

    def __call__(self, doc: Doc, *, write_ents: bool = True) -> Doc:
        """``write_ents=False`` leaves ``doc.ents`` as the tagger set them (``extract_papers`` reads the mentions
        from ``doc._.kg_mentions`` and passes that through ``component_cfg``)."""
        text = doc_text(doc)
        cands: list[Candidate] = []
        # the linear tagger's spans where it left doc.ents unwritten (extract_papers), else doc.ents
        tagged = doc.user_data.pop(_tagger.SPANS_KEY, None)
        if tagged is None:
            # token offsets and entities in one array read: Span objects per entity cost more than the rest
            arr = doc.to_array([IDX, LENGTH, ENT_IOB, ENT_TYPE]).reshape(len(doc), 4)
        else:
            arr = doc.to_array([IDX, LENGTH]).reshape(len(doc), 2)
        offsets = token_starts, token_ends = _token_offsets(arr)
        if self.use_ner:
            entities = (_entity_chars(arr, self.nlp.vocab.strings, offsets) if tagged is None
                        else [(token_starts[s], token_ends[e - 1], label) for s, e, label in tagged])
            for start, end, label in entities:
                phrase = text[start:end]
                if phrase.islower():
                    words = len(phrase.split())
                    if words > self.ner_max_lower_words:
                        continue
                    if (words == 1 and self.ner_lower_word_needs_gazetteer and phrase not in self.lookup
                            and not (label == "TASK" and _TASK_NOUN_ALONE.fullmatch(phrase))):
                        continue
                cands.append(_new_tuple(Candidate, (start, end, label, "ner", 1, 0.8)))
        strings = self.nlp.vocab.strings
        # character offsets from the token array: a Span object per match cost more than the test
        for match_id, s, e in self.matcher(doc):
            entry = self.lookup[strings[match_id]]
            start_char, end_char = token_starts[s], token_ends[e - 1]
            surface = text[start_char:end_char]
            if entry.cased and surface != entry.term and surface.upper() != surface:
                continue
            source = "gazetteer-domain" if entry.in_domain else "gazetteer"
            cands.append(_new_tuple(Candidate, (start_char, end_char, entry.type, source, 1, min(0.99, entry.precision))))
        if self.use_shapes:
            for s, e in name_shapes(text):
                cands.append(_new_tuple(Candidate, (s, e, None, "shape", 0, 0.5)))
        pairs = find_abbreviation_pairs(text)
        starts = sentence_starts(text)
        mentions = combine_candidates(
            text, cands, pairs, starts, use_shapes=self.use_shapes, known_types=self.known_types
        )
        doc._.kg_mentions = [tuple(m) for m in mentions]
        typed_pairs = []
        by_pos = {(m.start, m.end): m.type for m in mentions}
        for p in pairs:
            kind = by_pos.get((p.short_start, p.short_end))
            typed_pairs.append((*p, kind))
        doc._.kg_acronyms = typed_pairs
        if write_ents:
            _write_entities(doc, arr, mentions, self.nlp.vocab.strings, offsets)
        return doc

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        save_gazetteer(self.entries, path / "gazetteer.jsonl")

    def from_disk(self, path, *, exclude=()):
        gz = Path(path) / "gazetteer.jsonl"
        if gz.exists():
            self.set_gazetteer(load_gazetteer(gz))
        return self


def _token_offsets(arr: numpy.ndarray) -> tuple[list[int], list[int]]:
    """Start and end characters of each token, as lists, from ``arr`` (IDX and LENGTH first)."""
    return arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist()


def _entity_chars(arr: numpy.ndarray, strings, offsets: tuple[list[int], list[int]] | None = None,
                  ) -> list[tuple[int, int, str]]:
    """(start char, end char, label) of the entities in ``arr`` = to_array([IDX, LENGTH, ENT_IOB, ENT_TYPE])."""
    iob = arr[:, 2]
    begins = numpy.flatnonzero(iob == 3).tolist()
    if not begins:
        return []
    token_starts, token_ends = offsets or _token_offsets(arr)
    # an entity runs from its B token over the I tokens that follow: a few entities, walked in Python
    # (numpy calls on arrays of a few hundred tokens cost more in overhead than the walk)
    codes = iob.tolist()
    n = len(codes)
    out = []
    for b, k in zip(begins, arr[begins, 3].tolist()):
        e = b + 1
        while e < n and codes[e] == 1:
            e += 1
        out.append((token_starts[b], token_ends[e - 1], strings[k]))
    return out


def _write_entities(doc: Doc, arr: numpy.ndarray, mentions, strings,
                    offsets: tuple[list[int], list[int]] | None = None) -> None:
    """Set ``doc.ents`` to the mentions (token spans inside their characters, longest first on overlap)."""
    n = len(doc)
    if not n:
        return
    starts, ends = offsets or _token_offsets(arr)
    iob = [2] * n
    kind = [0] * n
    ids: dict[str, int] = {}
    # token offsets increase: bisection on the lists, not numpy.searchsorted on a few mentions
    for m in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        a, b = bisect_left(starts, m.start), bisect_right(ends, m.end)
        if b <= a or iob[a:b].count(2) != b - a:  # a longer mention holds a token already
            continue
        label = ids.get(m.type)
        if label is None:
            label = ids[m.type] = strings.add(m.type)
        iob[a : b] = [3] + [1] * (b - a - 1)
        kind[a:b] = [label] * (b - a)
    both = numpy.empty((n, 2), dtype=numpy.uint64)
    both[:, 0] = iob
    both[:, 1] = kind
    doc.from_array([ENT_IOB, ENT_TYPE], both)


# --------------------------------------------------------------------------- API


def blank_pipeline() -> Language:
    """A blank English pipeline with the rule components (no statistical NER)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences_v1")
    nlp.add_pipe("kg_concepts_v1")
    return nlp


def load_pipeline(name_or_path: str | Path | None = None) -> Language:
    """The shipped pipeline (default), or another spaCy pipeline by package name or path.

    A foreign pipeline gets the rule components added when it lacks them, so its NER feeds them.
    """
    target = MODEL_DIR if name_or_path is None else name_or_path
    try:
        nlp = spacy.load(target)
    except (OSError, IOError, ValueError, KeyError) as exc:
        raise ExtractionError(f"cannot load spaCy pipeline {str(target)!r}: {exc}") from exc
    # decide by factory, not by component name: a saved pipeline may name its components otherwise
    factories = set(nlp.pipe_factories.values())
    if "kg_sentences_v1" not in factories:
        nlp.add_pipe("kg_sentences_v1", name="kg_sentences", first=True)
    if "kg_concepts_v1" not in factories:
        nlp.add_pipe("kg_concepts_v1", name="kg_concepts", last=True)
    return nlp


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"


def code_fingerprint() -> str:
    """A hash of the extraction code (kg/extract/*.py): rules change without a new model version,
    and cached extractions made by other code must not be served as if they were current."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_MENTION_LIST = TypeAdapter(list[Mention])


def doc_to_extraction(doc: Doc, paper: Paper, *, version: str) -> PaperExtraction:
    """Read the components' annotations off a Doc into the records contract."""
    from kg.extract.adapters import extract_paper_relations

    text = doc_text(doc)
    starts = sentence_starts(text)

    sentences_at: dict[int, str] = {}

    def sentence_of(offset: int) -> str:
        # the starts are increasing: the sentence is the last start at or before the offset up to the next
        found = sentences_at.get(offset)
        if found is None:
            k = bisect_right(starts, offset) - 1
            lo = starts[k] if k >= 0 and starts[k] >= 0 else 0
            nxt = bisect_right(starts, lo)
            found = sentences_at[offset] = text[lo : starts[nxt] if nxt < len(starts) else len(text)].strip()
        return found

    def evidence(start: int, end: int, conf: float) -> Evidence:
        return Evidence(
            paper_id=paper.id, sentence=sentence_of(start), start=start, end=end,
            extractor=EXTRACTOR, version=version, confidence=conf,
        )

    # one validation call for the whole list: a model __init__ per mention cost twice as much
    mentions = _MENTION_LIST.validate_python([
        {"text": text[s:e], "type": t, "start": s, "end": e, "sentence": sentence_of(s), "source": src,
         "confidence": conf}
        for s, e, t, src, _tier, conf in (doc._.kg_mentions or [])
    ])
    acronyms = []
    for ls, le, ss, se, kind in doc._.kg_acronyms or []:
        acronyms.append(AcronymPair(long=text[ls:le], short=text[ss:se], type=kind, evidence=evidence(ls, se, 0.95)))
    # DATASET vs BENCHMARK by use in this abstract (scores reported on it or not), one type per string
    sentences = list(zip(starts, starts[1:] + [len(text)]))
    mentions = classify_data_mentions(text, sentences, mentions, acronyms)
    kinds = {m.text.casefold(): m.type for m in mentions}
    acronyms = [a if (kind := kinds.get(a.short.casefold(), a.type)) == a.type else a.model_copy(update={"type": kind})
                for a in acronyms]
    proposes, derived, results = extract_paper_relations(paper, text, mentions, acronyms, evidence)
    mentions, acronyms = proposed_are_methods(mentions, acronyms, proposes)
    return PaperExtraction(
        paper_id=paper.id, extractor=EXTRACTOR, version=version, content_hash=paper.content_hash,
        entities=mentions, acronyms=acronyms, proposes=proposes, derived_from=derived, results=results,
    )


_WORKER: tuple[Language, str] | None = None
_OWN_FACTORIES = {"kg_sentences_v1", "kg_tagger_v1", "kg_concepts_v1"}


def _pipe_options(nlp: Language) -> dict:
    """``nlp.pipe`` arguments for ``extract_papers``: the records are read from the text's sentence offsets and
    ``doc._.kg_mentions``, never from ``doc.sents`` or the final ``doc.ents``, so in a pipeline of our components
    only the sentence setter is left out and the concepts' entity write skipped (5 % of the extraction's time), and
    the tagger hands its spans to the concepts component instead of writing ``doc.ents`` (1 %). A pipeline with
    other components (a parser may read the sentence starts or the entities) runs whole."""
    factories = nlp.pipe_factories
    if not set(factories.values()) <= _OWN_FACTORIES:
        return {}
    # the tagger's spans are handed over only to a concepts component that takes them
    skipped = ("kg_concepts_v1", "kg_tagger_v1") if "kg_concepts_v1" in factories.values() else ()
    return {"disable": [name for name, factory in factories.items() if factory == "kg_sentences_v1"],
            "component_cfg": {name: {"write_ents": False} for name, factory in factories.items() if factory in skipped}}


def _extract_chunk(papers: list[Paper]) -> list[PaperExtraction]:
    """Worker side of ``extract_papers``: the forked pipeline, whole records back (no Doc pickling)."""
    assert _WORKER is not None
    nlp, version = _WORKER
    return [doc_to_extraction(doc, paper, version=version)
            for doc, paper in nlp.pipe(((p.text, p) for p in papers), as_tuples=True, batch_size=len(papers),
                                       **_pipe_options(nlp))]


def extract_papers(
    papers: Iterable[Paper], *, nlp: Language | None = None, n_process: int = 1, batch_size: int = 64
) -> Iterator[PaperExtraction]:
    """Extract concepts, acronyms, proposals, derivations and results from each paper's text.

    With ``n_process`` > 1, forked workers inherit the loaded pipeline and send back finished
    records per chunk of ``batch_size`` papers: spaCy's own multiprocessing ships every Doc back
    as bytes and left the second core mostly idle. Order is kept.
    """
    nlp = nlp or load_pipeline()
    version = model_version(nlp)
    # the loaded pipeline (vocab, gazetteer, weights) is some 140,000 long-lived objects that every full
    # collection the extraction's allocations trigger walked again (3 % of its CPU time): they are set aside
    # while extracting, and given back to the collector after (no cycle among them is kept for good). A caller
    # that froze objects itself keeps its own freeze
    freeze = gc.isenabled() and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield from _extract(papers, nlp, version, n_process, batch_size)
    finally:
        if freeze:
            gc.unfreeze()


def _extract(papers: Iterable[Paper], nlp: Language, version: str, n_process: int,
             batch_size: int) -> Iterator[PaperExtraction]:
    global _WORKER
    import multiprocessing

    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        _WORKER = (nlp, version)
        try:
            with multiprocessing.get_context("fork").Pool(n_process) as pool:
                # chunks are read and sent from this thread, a few ahead of the results: pool.imap
                # would read the whole input in its feeder thread (unbounded memory, and input
                # iterators tied to this thread, such as a SQLite spool, fail there)
                pending: deque = deque()
                for chunk in spacy.util.minibatch(papers, batch_size):
                    pending.append(pool.apply_async(_extract_chunk, (chunk,)))
                    if len(pending) >= 2 * n_process + 1:
                        yield from pending.popleft().get()
                while pending:
                    yield from pending.popleft().get()
        finally:
            _WORKER = None
        return
    stream = ((p.text, p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, n_process=n_process, batch_size=batch_size,
                               **_pipe_options(nlp)):
        yield doc_to_extraction(doc, paper, version=version)
