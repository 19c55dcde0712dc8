"""What the extractor got wrong on the gold papers, for a person checking it (`kg eval --errors`).

The comparison is the scorer's (kg.extract.scoring: entities by case-insensitive string + type,
facts by their keys with a paper's acronyms as aliases); this module only says it readably: each
error with the gold and the predicted label, and the sentence of the paper where the span stands.
It lives here, not in kg/extract, because every edit there invalidates the extraction caches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kg.extract.pipeline import sentence_starts
from kg.extract.scoring import AliasMap, AnnotatedPaper, GoldResult, annotated_from_extraction, fact_keys, norm
from kg.models import Paper, PaperExtraction

FACTS = ("acronyms", "proposes", "derived_from", "results")


class GoldDifference(BaseModel):
    """One difference from the gold: a missed or spurious span or fact, or a span given the wrong type."""

    model_config = ConfigDict(extra="forbid")

    category: str
    error: Literal["missed", "spurious", "wrong type"]
    #: the span or fact as written (a fact in its readable form: "long (SHORT)", "new <- base", ...)
    text: str
    gold: str | None = None
    predicted: str | None = None
    #: the sentence of the paper where the span stands, the span in [brackets]; None when not found
    sentence: str | None = None


class PaperDifferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    errors: list[GoldDifference] = Field(default_factory=list)


def corpus_errors(nlp, *, gold=None) -> tuple[dict, list[PaperDifferences]]:
    """``kg eval --dataset corpus``'s summary and every paper's differences, from one extraction."""
    from kg.extract.evaluate import corpus_dev_papers, corpus_summary
    from kg.extract.pipeline import extract_papers
    from kg.extract.scoring import score

    gold_papers, papers = corpus_dev_papers(gold)
    extractions = list(extract_papers(papers, nlp=nlp))
    return corpus_summary(score(gold_papers, extractions)), extraction_errors(gold_papers, papers, extractions)


def extraction_errors(gold: Iterable[AnnotatedPaper], papers: Iterable[Paper],
                      extractions: Iterable[PaperExtraction]) -> list[PaperDifferences]:
    """Every gold paper's errors, in gold order (papers without any left out)."""
    by_id = {p.id: p for p in papers}
    predicted = {e.paper_id: e for e in extractions}
    out = []
    for g in gold:
        paper = by_id.get(g.id)
        extraction = predicted.get(g.id)
        errors = _entity_errors(g, paper, extraction) + _fact_errors(g, extraction)
        if errors:
            out.append(PaperDifferences(id=g.id, title=paper.title if paper else g.title or "", errors=errors))
    return out


def _entity_errors(g: AnnotatedPaper, paper: Paper | None, extraction: PaperExtraction | None
                   ) -> list[GoldDifference]:
    text = paper.text if paper else ""
    gold = {(norm(e.text), e.type): e.text for e in g.entities}
    mentions = {}
    for m in extraction.entities if extraction else []:
        mentions.setdefault((norm(m.text), m.type), m)
    missed = [k for k in gold if k not in mentions]
    spurious = [k for k in mentions if k not in gold]
    errors = []
    predicted_types = {}
    for key in spurious:
        predicted_types.setdefault(key[0], []).append(key[1])
    retyped = set()
    for key in missed:
        types = predicted_types.get(key[0])
        if types:  # the span was found, with another type
            m = mentions[(key[0], types[0])]
            retyped.add((key[0], types[0]))
            errors.append(GoldDifference(category="entities", error="wrong type", text=gold[key], gold=key[1],
                                          predicted=types[0], sentence=_in_sentence(text, m.start, m.end)))
        else:
            at = text.casefold().find(gold[key].casefold())
            errors.append(GoldDifference(category="entities", error="missed", text=gold[key], gold=key[1],
                                          sentence=_in_sentence(text, at, at + len(gold[key])) if at >= 0 else None))
    for key in spurious:
        if key not in retyped:
            m = mentions[key]
            errors.append(GoldDifference(category="entities", error="spurious", text=m.text, predicted=key[1],
                                          sentence=_in_sentence(text, m.start, m.end)))
    return errors


def _fact_errors(g: AnnotatedPaper, extraction: PaperExtraction | None) -> list[GoldDifference]:
    p = annotated_from_extraction(extraction) if extraction else AnnotatedPaper(id=g.id)
    aliases = AliasMap(g.acronyms)
    errors = []
    for category in FACTS:
        gold, pred = _facts(g, category, aliases), _facts(p, category, aliases)
        errors += [GoldDifference(category=category, error="missed", text=t)
                   for k, t in gold.items() if k not in pred]
        errors += [GoldDifference(category=category, error="spurious", text=t)
                   for k, t in pred.items() if k not in gold]
    return errors


def _facts(paper: AnnotatedPaper, category: str, aliases: AliasMap) -> dict:
    """key -> readable text of each of a paper's facts of one category (keys as the scorer makes them)."""
    out = {}
    for item in getattr(paper, category):
        single = AnnotatedPaper(id=paper.id, **{category: [item]})
        (key,) = fact_keys(single, aliases)[category]
        out.setdefault(key, _readable(category, item))
    return out


def _readable(category: str, item) -> str:
    if category == "acronyms":
        return f"{item[0]} ({item[1]})"
    if category == "derived_from":
        return f"{item[0]} <- {item[1]}"
    if isinstance(item, GoldResult):
        return f"{item.benchmark} / {item.metric or '-'} = {item.value}"
    return str(item)


def _in_sentence(text: str, start: int, end: int, *, width: int = 70) -> str:
    """The sentence around text[start:end], the span in [brackets], cut to ``width`` characters each side."""
    starts = sentence_starts(text)
    lo = max((s for s in starts if s <= start), default=0)
    hi = min((s for s in starts if s > start), default=len(text))
    before, after = text[lo:start].lstrip(), text[end:hi].rstrip()
    if len(before) > width:
        before = "…" + before[-width:]
    if len(after) > width:
        after = after[:width] + "…"
    return " ".join(f"{before}[{text[start:end]}]{after}".split())
