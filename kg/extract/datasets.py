"""Readers for the annotated data sets in ../shared/datasets and the in-domain annotations.

Every reader yields :class:`Example` records: a text and character-offset spans typed with the
project's concept kinds. Types are mapped as the datasets README says (Method -> METHOD, Task ->
TASK, Metric -> METRIC, Material/DATASET -> DATASET; Generic and OtherScientificTerm dropped).
BENCHMARK versus DATASET is a contextual decision made later, so the shared sets only say DATASET.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from kg.errors import InputError
from kg.models import Record

_TYPE_MAP = {
    "method": "METHOD",
    "task": "TASK",
    "metric": "METRIC",
    "material": "DATASET",
    "dataset": "DATASET",
    "benchmark": "BENCHMARK",
}


class SpanLabel(Record):
    start: int
    end: int
    type: str


class Example(Record):
    """One annotated text (an abstract or a sentence) with character-offset spans."""

    id: str
    source: str
    text: str
    spans: list[SpanLabel] = Field(default_factory=list)


def shared_dir() -> Path:
    """../shared next to the repository root, or $KG_SHARED."""
    env = os.environ.get("KG_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def datasets_dir() -> Path:
    return shared_dir() / "datasets"


def map_type(label: str) -> str | None:
    return _TYPE_MAP.get(label.strip().lower())


def _looks_named(text: str) -> bool:
    # SciERC "Material" covers "English" and "unlabeled text" alike; only named data sets count.
    return any(ch.isupper() or ch.isdigit() for ch in text[1:]) or text[:1].isupper() and len(text.split()) == 1


def scierc_path(split: str = "train", root: Path | None = None) -> Path:
    """SciERC's abstracts with character-offset entities (``<split>_text_entities.jsonl``)."""
    return (root or datasets_dir()) / "scierc" / f"{split}_text_entities.jsonl"


def scirex_path(split: str = "train", root: Path | None = None) -> Path:
    """SciREX's papers of a split (full texts, SciREX json)."""
    name = "train_from_docs_pages.jsonl" if split == "train" else "dev_with_citances.jsonl"
    return (root or datasets_dir()) / "scirex" / name


def read_scierc(split: str = "train", root: Path | None = None) -> Iterator[Example]:
    """SciERC abstracts (``<split>_text_entities.jsonl``), Material kept only when it looks named."""
    path = scierc_path(split, root)
    for lineno, line in enumerate(path.open(encoding="utf-8"), 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"bad JSON: {exc}", source=str(path), line=lineno) from exc
        spans = []
        for ent in rec["entities"]:
            kind = map_type(ent["type"])
            if kind is None:
                continue
            if kind == "DATASET" and not _looks_named(ent["text"]):
                continue
            spans.append(SpanLabel(start=ent["start"], end=ent["end"], type=kind))
        text, spans = detokenize(rec["text"], spans)
        yield Example(id=f"scierc:{rec['doc_key']}", source="scierc", text=text, spans=spans)


def read_tdmsci(root: Path | None = None) -> Iterator[Example]:
    """TDMSci CoNLL sentences (token, char offset, BIO tag); ids are ``tdmsci:<sentence index>``."""
    path = (root or datasets_dir()) / "tdmsci" / "train_1500_v2.conll"
    sent: list[tuple[str, int, str]] = []
    index = 0

    def flush() -> Example:
        base = sent[0][1]
        chars: list[str] = []
        spans: list[SpanLabel] = []
        cur: list[int] | None = None
        cur_type = ""
        for tok, off, tag in sent:
            pos = off - base
            if pos < len(chars):  # overlapping offsets in the source: fall back to a space
                pos = len(chars) + (1 if chars else 0)
            chars.extend(" " * (pos - len(chars)))
            start = len(chars)
            chars.extend(tok)
            if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or tag[2:] != cur_type)):
                if cur is not None:
                    spans.append(SpanLabel(start=cur[0], end=cur[1], type=cur_type))
                cur, cur_type = [start, len(chars)], tag[2:]
            elif tag.startswith("I-") and cur is not None:
                cur[1] = len(chars)
            else:
                if cur is not None:
                    spans.append(SpanLabel(start=cur[0], end=cur[1], type=cur_type))
                cur = None
        if cur is not None:
            spans.append(SpanLabel(start=cur[0], end=cur[1], type=cur_type))
        return Example(id=f"tdmsci:{index}", source="tdmsci", text="".join(chars), spans=spans)

    for line in path.open(encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3:
            if sent:
                yield flush()
                index += 1
                sent = []
            continue
        sent.append((parts[0], int(parts[1]), parts[2]))
    if sent:
        yield flush()


#: a span that ends in one parenthesised group: "machine translation (MT)"
_PAREN_TAIL = re.compile(r"(\S(?:.*\S)?)\s*\(([^()\s]+)\)$", re.S)


def split_parenthesised_acronyms(example: Example) -> Example:
    """The example with each gold span "X (Y)", Y an acronym of X, split into X and Y of the same type.

    TDMSci's gold keeps "machine translation (MT)" as one span; ANNOTATION.md makes the long form and
    the acronym two entities and never puts a parenthesised acronym inside a span. "Y is an acronym of X":
    Y is one token, shorter than X, and its letters and digits spell the end of X as the abbreviation
    detector matches long forms. Every other span is kept as it is."""
    from kg.extract.abbreviations import match_long_form

    spans: list[SpanLabel] = []
    for span in example.spans:
        m = _PAREN_TAIL.match(example.text, span.start, span.end)
        if m is None or m.end() != span.end or len(m[2]) >= len(m[1]) or match_long_form(m[1], m[2]) is None:
            spans.append(span)
            continue
        spans.append(SpanLabel(start=m.start(1), end=m.end(1), type=span.type))
        spans.append(SpanLabel(start=m.start(2), end=m.end(2), type=span.type))
    return example.model_copy(update={"spans": spans})


def tdmsci_split(example_id: str) -> str:
    """The fixed TDMSci split: every fifth sentence (index % 5 == 4) is dev, the rest train (20 %)."""
    return "dev" if int(example_id.split(":")[1]) % 5 == 4 else "train"


def read_scirex(split: str = "train", root: Path | None = None, *, limit: int | None = None) -> Iterator[Example]:
    """SciREX title + abstract of each paper (the first two sections), Material -> DATASET."""
    path = scirex_path(split, root)
    for n, line in enumerate(path.open(encoding="utf-8")):
        if limit is not None and n >= limit:
            break
        rec = json.loads(line)
        words = rec["words"]
        end_word = rec["sections"][1][1] if len(rec["sections"]) > 1 else rec["sections"][0][1]
        skip = set()
        s1 = rec["sections"][1][0] if len(rec["sections"]) > 1 else None
        if s1 is not None and [w.lower() for w in words[s1 : s1 + 3]] == ["section", ":", "abstract"]:
            skip = {s1, s1 + 1, s1 + 2}
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        parts: list[str] = []
        pos = 0
        for i in range(end_word):
            if i in skip:
                continue
            if parts:
                sep = "\n" if i == (s1 or -1) + len(skip) else " "
                parts.append(sep)
                pos += 1
            starts[i] = pos
            parts.append(words[i])
            pos += len(words[i])
            ends[i] = pos
        text = "".join(parts)
        spans = []
        for s, e, label in rec["ner"]:
            if e > end_word or s in skip or (e - 1) not in ends or s not in starts:
                continue
            kind = map_type(label)
            if kind:
                spans.append(SpanLabel(start=starts[s], end=ends[e - 1], type=kind))
        text, spans = detokenize(text, spans)
        if text.startswith("document: "):
            text = text[len("document: ") :]
            spans = [SpanLabel(start=x.start - 10, end=x.end - 10, type=x.type) for x in spans if x.start >= 10]
        yield Example(id=f"scirex:{rec['doc_id']}", source="scirex", text=text, spans=spans)


_WORDCHAR = re.compile(r"\w")
# spaces that tokenised corpora insert and running text does not have
_TOKEN_SPACE = re.compile(r" (?=[,.;:)\]!?%]|'s\b|n't\b)|(?<=[(\[]) ")
_SPACED_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")


def detokenize(text: str, spans: list[SpanLabel]) -> tuple[str, list[SpanLabel]]:
    """Undo the spaces of a tokenised text ("V - Net ( CNNs )" -> "V-Net (CNNs)"), remapping spans."""
    drop = {m.start() for m in _TOKEN_SPACE.finditer(text)}
    for m in _SPACED_HYPHEN.finditer(text):
        drop.update((m.start(), m.start() + 2))
    mapping = []
    out = []
    for i, ch in enumerate(text):
        mapping.append(len(out))
        if i not in drop:
            out.append(ch)
    mapping.append(len(out))
    new = "".join(out)
    remapped = []
    for s in spans:
        a, b = mapping[s.start], mapping[s.end]
        while b > a and new[b - 1] == " ":
            b -= 1
        if b > a:
            remapped.append(SpanLabel(start=a, end=b, type=s.type))
    return new, remapped


def align_strings(text: str, entities: list[tuple[str, str]]) -> list[SpanLabel]:
    """Every case-insensitive, word-bounded occurrence of each entity string, longest first, no overlaps.

    An all-capitals string matches its own case only: the acronym "IN" (instance normalisation)
    must not make every "in" of the abstract a METHOD."""
    lower = text.lower()
    taken = [False] * len(text)
    spans: list[SpanLabel] = []
    for surface, kind in sorted(entities, key=lambda e: -len(e[0])):
        haystack, needle = (text, surface) if surface.isupper() else (lower, surface.lower())
        if not needle:
            continue
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(needle)
            left_ok = start == 0 or not (_WORDCHAR.match(text[start - 1]) and _WORDCHAR.match(text[start]))
            right_ok = end == len(text) or not (_WORDCHAR.match(text[end]) and _WORDCHAR.match(text[end - 1]))
            if left_ok and right_ok and not any(taken[start:end]):
                spans.append(SpanLabel(start=start, end=end, type=kind))
                for i in range(start, end):
                    taken[i] = True
            start = haystack.find(needle, start + 1)
    return sorted(spans, key=lambda s: s.start)


def read_gold_jsonl(path: Path, texts: dict[str, str] | None = None, *, source: str = "corpus") -> Iterator[Example]:
    """Records in the ANNOTATION.md format; the text comes from the record (``text`` or
    ``title`` + ``abstract``) or from ``texts`` by id. Entity strings are aligned to the text."""
    from kg.models import document_text

    for lineno, line in enumerate(Path(path).open(encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"bad JSON: {exc}", source=str(path), line=lineno) from exc
        text = rec.get("text")
        if text is None and texts is not None:
            text = texts.get(rec.get("id", ""))
        if text is None and rec.get("abstract"):
            text = document_text(rec["title"], rec["abstract"])
        if text is None:
            continue
        ents = [(e["text"], e["type"]) for e in rec.get("entities", []) if e.get("type")]
        yield Example(id=str(rec.get("id")), source=source, text=text, spans=align_strings(text, ents))


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def corpus_texts(corpus: Path | None = None) -> dict[str, str]:
    """Paper id -> Paper.text for the sample corpus, through kg.ingest when it is available."""
    corpus = corpus or shared_dir() / "corpus"
    try:
        from kg.ingest import read_paths  # type: ignore[attr-defined]
    except ImportError:
        return {}
    result = read_paths(sorted(str(p) for p in Path(corpus).iterdir()))
    return {p.id: p.text for p in result.papers}


def find_abstract(title: str, lines: list[str]) -> str | None:
    """Minimal reading for training only: the first long line after the line that holds the title."""
    key = _norm_space(title)
    for i, line in enumerate(lines):
        if key and key in _norm_space(line):
            for nxt in lines[i + 1 : i + 6]:
                if len(nxt.strip()) > 150:
                    return _norm_space(nxt)
            return None
    return None


def read_corpus_annotations(path: Path, corpus: Path | None = None) -> Iterator[Example]:
    """In-domain annotations (ANNOTATION.md format with ``id`` and ``title``) aligned to their texts."""
    from kg.models import document_text

    texts = corpus_texts(corpus)
    lines: list[str] | None = None
    records = []
    for line in Path(path).open(encoding="utf-8"):
        if line.strip():
            records.append(json.loads(line))
    resolved: dict[str, str] = {}
    for rec in records:
        rid = rec.get("id", "")
        if rid in texts:
            resolved[rid] = texts[rid]
        elif rec.get("title"):
            if lines is None:
                root = corpus or shared_dir() / "corpus"
                lines = [ln for p in sorted(Path(root).iterdir()) for ln in p.read_text("utf-8").splitlines()]
            abstract = find_abstract(rec["title"], lines)
            if abstract:
                resolved[rid] = document_text(rec["title"], abstract)
    yield from read_gold_jsonl(path, resolved, source="corpus")
