"""Knowledge-base phrase matching: the terms, their kinds, and how often the annotators agreed.

``build_gazetteer`` turns annotated examples (and the NLP-TDMS / NLP-progress knowledge bases)
into entries; each entry keeps how often the string was annotated where it occurs in the training
texts (``precision``), so strings that are usually *not* entities stay out.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field

from kg.extract.datasets import Example, datasets_dir, scierc_path, scirex_path
from kg.extract.shapes import GENERIC, LEADING_DROP
from kg.models import Record

#: in-domain annotations teach our conventions: they outvote the shared sets
SOURCE_WEIGHT = {"corpus": 5.0, "scirex": 1.0, "scierc": 1.0, "tdmsci": 1.0, "kb": 0.5}


class GazetteerEntry(Record):
    term: str
    type: str
    #: weighted number of annotations behind the entry
    count: float
    #: annotated occurrences / all word-bounded occurrences in the training texts (1.0 when unseen)
    precision: float = 1.0
    #: an acronym-like term only matches with its capitals ("ARC" yes, "arc" no)
    cased: bool = False
    #: annotated in the in-domain corpus annotations
    in_domain: bool = False
    sources: list[str] = Field(default_factory=list)


def clean_term(term: str) -> str:
    term = re.sub(r"\s*\([^)]*\)\s*$", "", term).strip()
    words = term.split()
    while words and words[0].lower() in LEADING_DROP:
        words = words[1:]
    return " ".join(words).strip(" ,;:.")


def is_cased(term: str) -> bool:
    return " " not in term and sum(ch.isupper() for ch in term) >= 2 and term.upper() == term


def kb_terms(root: Path | None = None) -> list[tuple[str, str]]:
    """(term, kind) pairs from the NLP-TDMS and NLP-progress knowledge bases."""
    root = (root or datasets_dir()) / "kb"
    out: list[tuple[str, str]] = []
    tdms = root / "nlp_tdms_kb"
    for name, kind, col in (("taskKB.tsv", "TASK", 1), ("datasetKB.tsv", "DATASET", 1), ("evaMatrixKB.tsv", "METRIC", 1)):
        path = tdms / name
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) > col:
                out.append((parts[col].replace("_", " "), kind))
    prog = root / "nlp-progress.json"
    if prog.exists():

        def walk(tasks):
            for task in tasks:
                out.append((task.get("task", ""), "TASK"))
                for ds in task.get("datasets", []):
                    out.append((ds.get("dataset", ""), "DATASET"))
                    for metric in (ds.get("sota") or {}).get("metrics", []):
                        out.append((metric, "METRIC"))
                walk(task.get("subtasks", []))

        walk(json.loads(prog.read_text("utf-8")))
    cleaned = []
    for term, kind in out:
        term = clean_term(term)
        if 2 <= len(term) <= 60 and term.lower() not in GENERIC and not term.isdigit():
            cleaned.append((term, kind))
    return cleaned


def build_gazetteer(
    examples: Iterable[Example],
    kb: Iterable[tuple[str, str]] = (),
    *,
    tokenizer=None,
    min_precision: float = 0.5,
) -> list[GazetteerEntry]:
    """Entries from annotated examples and KB terms, with precision measured on the examples' texts."""
    import spacy
    from spacy.matcher import PhraseMatcher

    examples = list(examples)
    votes: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    sources: dict[str, set] = defaultdict(set)
    annotated_at: set[tuple[int, int, int]] = set()
    for n, ex in enumerate(examples):
        weight = SOURCE_WEIGHT.get(ex.source, 1.0)
        for span in ex.spans:
            term = clean_term(ex.text[span.start : span.end])
            if not term or term.lower() in GENERIC or len(term) < 2 or len(term) > 60:
                continue
            key = term.lower()
            votes[key][span.type] += weight
            surfaces[key][term] += 1
            sources[key].add(ex.source)
        for span in ex.spans:
            annotated_at.add((n, span.start, span.end))
    for term, kind in kb:
        key = term.lower()
        votes[key][kind] += SOURCE_WEIGHT["kb"]
        surfaces[key][term] += 1
        sources[key].add("kb")

    nlp = spacy.blank("en") if tokenizer is None else None
    tok = tokenizer or nlp.tokenizer
    vocab = tok.vocab
    matcher = PhraseMatcher(vocab, attr="LOWER")
    keys = sorted(votes)
    for key, doc in zip(keys, tok.pipe(keys)):
        matcher.add(key, [doc])
    seen: Counter = Counter()
    hit: Counter = Counter()
    for n, doc in enumerate(tok.pipe(ex.text for ex in examples)):
        for match_id, s, e in matcher(doc):
            span = doc[s:e]
            key = vocab.strings[match_id]
            seen[key] += 1
            if any((n, span.start_char + d, span.end_char) in annotated_at for d in (0,)) or _covered(
                n, span.start_char, span.end_char, annotated_at
            ):
                hit[key] += 1
    entries = []
    for key in keys:
        kind, count = votes[key].most_common(1)[0]
        total = sum(votes[key].values())
        precision = hit[key] / seen[key] if seen[key] else 1.0
        in_domain = "corpus" in sources[key]
        if precision < min_precision and not (in_domain and precision >= 0.3):
            continue
        if sources[key] == {"kb"} and seen[key] >= 3 and precision < 0.5:
            continue
        surface = surfaces[key].most_common(1)[0][0]
        entries.append(
            GazetteerEntry(
                term=surface,
                type=kind,
                count=round(total, 2),
                precision=round(precision, 3),
                cased=is_cased(surface),
                in_domain=in_domain,
                sources=sorted(sources[key]),
            )
        )
    return entries


def _covered(n: int, start: int, end: int, annotated_at: set) -> bool:
    # annotations are compared after cleaning ("the X" -> "X"), so a match inside an annotation counts
    return (n, start, end) in annotated_at


def save_gazetteer(entries: list[GazetteerEntry], path: Path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(entry.model_dump_json() + "\n")


def load_gazetteer(path: Path) -> list[GazetteerEntry]:
    return [GazetteerEntry.model_validate_json(line) for line in Path(path).read_text("utf-8").splitlines() if line]


#: where ``technique_lexicon`` is written and ``kg.extract.concepts`` reads it
TECHNIQUES_FILE = Path(__file__).with_name("techniques.txt")
#: a technique is named by what it does: the head of its name is a process noun ("weight decay", "beam search",
#: "layer normalization", "gradient clipping"), not a thing ("softmax layer", "language model", "loss function")
_PROCESS_HEAD = re.compile(r"(?:ing|tion|sion|ment|ance|ence|decay|descent|search|replay|dropout)$")
#: process-shaped heads that name a thing or a quantity, no technique
_THING_HEADS = frozenset(
    "function functions representation representations distribution distributions operation operations information "
    "combination transformation transformations projection projections embedding embeddings setting settings "
    "mapping mappings encoding encodings building solution solutions".split())
_SPACED = re.compile(r" ?- ?")


def _annotation_annotated_task(term: str) -> bool:
    # ANNOTATION.md lists "imitation learning" among its TASK examples: the guidelines outrank the shared sets
    return term in {"imitation learning"}


def technique_lexicon(
    root: Path | None = None, *, min_docs: int = 3, min_share: float = 0.8, min_lowercase: float = 0.8
) -> list[str]:
    """Standard lowercase technique names from the shared training data only (no corpus annotation).

    A term qualifies when the shared sets agree it is a method and it is written as a common noun phrase:
    2-3 words, annotated Method in at least ``min_docs`` SciREX train papers (full texts) or SciERC train
    abstracts, at least ``min_share`` of all its annotations (SciERC/SciREX kinds including
    OtherScientificTerm/Generic, TDMSci train tasks/data sets/metrics, the KB terms) are Method, written in
    lowercase in at least ``min_lowercase`` of its SciREX occurrences, and headed by a process noun."""
    import json

    root = root or datasets_dir()
    votes: dict[str, Counter] = defaultdict(Counter)
    method_docs: dict[str, set] = defaultdict(set)
    texts: list[list[str]] = []
    with scirex_path("train", root).open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            words = rec["words"]
            lower = [w.lower() for w in words]
            for s, e, label in rec["ner"]:
                if e - s <= 5:
                    term = _SPACED.sub("-", " ".join(lower[s:e]))
                    votes[term][label] += 1
                    if label == "Method":
                        method_docs[term].add(rec["doc_id"])
            texts.append(words)
    with scierc_path("train", root).open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for ent in rec["entities"]:
                term = _SPACED.sub("-", " ".join(ent["text"].lower().split()))
                votes[term][ent["type"]] += 1
                if ent["type"] == "Method":
                    method_docs[term].add("scierc:" + rec["doc_key"])
    from kg.extract.datasets import read_tdmsci, tdmsci_split

    for ex in read_tdmsci(root):
        if tdmsci_split(ex.id) == "train":
            for span in ex.spans:
                votes[" ".join(ex.text[span.start : span.end].lower().split())]["tdmsci-" + span.type] += 1
    for term, kind in kb_terms(root):
        votes[term.lower()]["kb-" + kind] += 1
    wanted = {}
    for term, docs in method_docs.items():
        words = term.replace("-", " ").split()  # "max-pooling" is two words, like "max pooling"
        if len(docs) < min_docs or not 2 <= len(words) <= 3 or not re.fullmatch(r"[a-z]+(?:[ -][a-z]+)+", term):
            continue
        if votes[term]["Method"] < min_share * sum(votes[term].values()):
            continue
        if not _PROCESS_HEAD.search(words[-1]) or words[-1] in _THING_HEADS or _annotation_annotated_task(term):
            continue
        wanted[tuple(term.replace("-", " - ").split())] = term
    # how each term is written where it occurs in the SciREX texts (hyphens tokenised apart there)
    seen: Counter = Counter()
    lowercase: Counter = Counter()
    lengths = {len(k) for k in wanted}
    for words in texts:
        lower = [w.lower() for w in words]
        for n in lengths:
            for i in range(len(words) - n + 1):
                key = tuple(lower[i : i + n])
                if key in wanted:
                    seen[key] += 1
                    lowercase[key] += words[i : i + n] == lower[i : i + n]
    return sorted(term for key, term in wanted.items() if seen[key] and lowercase[key] >= min_lowercase * seen[key])


def write_technique_lexicon(path: Path = TECHNIQUES_FILE, root: Path | None = None) -> list[str]:
    """Write ``technique_lexicon`` to ``path`` (one term a line, with a header saying how it was made)."""
    terms = technique_lexicon(root)
    header = ("# generated by `python -m kg.extract.gazetteer` from SciREX train, SciERC train, TDMSci train and the KBs"
              " (kg.extract.gazetteer.technique_lexicon); do not edit\n")
    Path(path).write_text(header + "".join(t + "\n" for t in terms), encoding="utf-8")
    return terms


if __name__ == "__main__":
    print(f"{len(write_technique_lexicon())} terms -> {TECHNIQUES_FILE}")
