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

from kg.extract.datasets import Example, datasets_dir
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
