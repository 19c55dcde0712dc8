"""Score extractions against hand-annotated gold in the conventions of ANNOTATION.md.

Plain functions, records in and records out:

- entities: strict surface string + type, case-insensitive, each distinct string once per paper;
  per type, micro, and with DATASET and BENCHMARK merged into one DATA type;
- acronym pairs ``[long, short]``;
- proposes (names), derived-from ``[new, base]`` and results ``(benchmark, metric, value)``, where a
  name and its acronym defined in the same paper (by the gold ``acronyms``) are interchangeable.

Papers are matched by id; a gold paper with no prediction counts all its facts as misses, and
predictions for papers absent from the gold are ignored (counted in ``Scores.unmatched``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field, ValidationError

from kg.errors import InputError
from kg.models import CONCEPT_KINDS, ConceptKind, PaperExtraction, Record

#: the merged type of DATASET and BENCHMARK (ANNOTATION.md: "the scorer also reports a merged DATA type")
DATA = "DATA"


# --------------------------------------------------------------------------- records


class GoldEntity(Record):
    text: str
    type: ConceptKind


class GoldResult(Record):
    benchmark: str
    metric: str | None = None
    value: str


class AnnotatedPaper(Record):
    """One paper in the ANNOTATION.md format: gold, or a prediction converted to it."""

    id: str
    title: str | None = None
    entities: list[GoldEntity] = Field(default_factory=list)
    acronyms: list[tuple[str, str]] = Field(default_factory=list)
    proposes: list[str] = Field(default_factory=list)
    derived_from: list[tuple[str, str]] = Field(default_factory=list)
    results: list[GoldResult] = Field(default_factory=list)


class PRF(Record):
    """Counts and precision / recall / F1 of one scored category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0


class PaperErrors(Record):
    """What one paper got wrong, per category: ``missed`` are gold facts not predicted."""

    id: str
    category: str
    missed: list[str] = Field(default_factory=list)
    spurious: list[str] = Field(default_factory=list)


class Scores(Record):
    """Scores of predictions against a gold set."""

    papers: int
    unmatched: int = 0
    #: per type (METHOD ... METRIC) and "micro"
    entities: dict[str, PRF] = Field(default_factory=dict)
    #: DATASET and BENCHMARK as one DATA type; other types as in ``entities``, and "micro"
    entities_merged: dict[str, PRF] = Field(default_factory=dict)
    acronyms: PRF = Field(default_factory=PRF)
    proposes: PRF = Field(default_factory=PRF)
    derived_from: PRF = Field(default_factory=PRF)
    #: benchmark + metric + value
    results: PRF = Field(default_factory=PRF)
    #: benchmark + value (the metric ignored), to see how much the metric costs
    results_loose: PRF = Field(default_factory=PRF)
    errors: list[PaperErrors] = Field(default_factory=list)


# --------------------------------------------------------------------------- reading


def load_gold(path: str | Path) -> list[AnnotatedPaper]:
    """Read a gold JSON Lines file; a bad line raises InputError with file and line."""
    papers = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                papers.append(AnnotatedPaper.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                reason = str(exc).splitlines()[0]
                raise InputError(f"not a gold record: {reason}", source=str(path), line=number) from exc
    return papers


def annotated_from_extraction(extraction: PaperExtraction) -> AnnotatedPaper:
    """A PaperExtraction in the annotation format (entities deduplicated by string and type)."""
    seen: set[tuple[str, str]] = set()
    entities = []
    for mention in extraction.entities:
        key = (norm(mention.text), mention.type)
        if key not in seen:
            seen.add(key)
            entities.append(GoldEntity(text=mention.text, type=mention.type))
    return AnnotatedPaper(
        id=extraction.paper_id,
        entities=entities,
        acronyms=[(a.long, a.short) for a in extraction.acronyms],
        proposes=[p.name for p in extraction.proposes],
        derived_from=[(d.new, d.base) for d in extraction.derived_from],
        results=[GoldResult(benchmark=r.benchmark, metric=r.metric, value=r.value) for r in extraction.results],
    )


# --------------------------------------------------------------------------- normalisation


def norm(text: str) -> str:
    """Case- and spacing-insensitive key of a surface string."""
    return " ".join(text.casefold().split())


def norm_value(value: str) -> str:
    """Key of a reported value: "65.8 %" and LaTeX "65.8\\%" equal "65.8%"."""
    return re.sub(r"[\s\\]+", "", value).casefold()


class AliasMap:
    """Name -> canonical key, where a long form and its acronym (gold pairs) share one key."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self._parent: dict[str, str] = {}
        for long, short in pairs:
            self._union(norm(long), norm(short))

    def _find(self, key: str) -> str:
        parent = self._parent.setdefault(key, key)
        if parent != key:
            parent = self._parent[key] = self._find(parent)
        return parent

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            # the smaller key wins so canonical keys do not depend on pair order
            low, high = sorted((ra, rb))
            self._parent[high] = low

    def key(self, name: str) -> str:
        return self._find(norm(name))


# --------------------------------------------------------------------------- scoring


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 from counts (0.0 when undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(tp=tp, fp=fp, fn=fn, precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4))


class _Counter:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def prf(self) -> PRF:
        return prf(self.tp, self.fp, self.fn)


def entity_keys(paper: AnnotatedPaper, *, merge_data: bool = False) -> set[tuple[str, str]]:
    """The (string, type) set of a paper's entities."""
    keys = set()
    for entity in paper.entities:
        kind = DATA if merge_data and entity.type in ("DATASET", "BENCHMARK") else entity.type
        keys.add((norm(entity.text), kind))
    return keys


def fact_keys(paper: AnnotatedPaper, aliases: AliasMap) -> dict[str, set]:
    """Keys of a paper's acronyms, proposes, derived-from and results, aliases resolved."""
    return {
        "acronyms": {(norm(long), norm(short)) for long, short in paper.acronyms},
        "proposes": {aliases.key(name) for name in paper.proposes},
        "derived_from": {(aliases.key(new), aliases.key(base)) for new, base in paper.derived_from},
        "results": {
            (aliases.key(r.benchmark), aliases.key(r.metric) if r.metric else "", norm_value(r.value))
            for r in paper.results
        },
        "results_loose": {(aliases.key(r.benchmark), norm_value(r.value)) for r in paper.results},
    }


def score(
    gold: Iterable[AnnotatedPaper],
    predicted: Iterable[AnnotatedPaper | PaperExtraction],
    *,
    with_errors: bool = False,
) -> Scores:
    """Score predictions against gold papers (matched by id); see the module docstring."""
    gold = list(gold)
    by_id: dict[str, AnnotatedPaper] = {}
    for item in predicted:
        paper = annotated_from_extraction(item) if isinstance(item, PaperExtraction) else item
        by_id[paper.id] = paper
    gold_ids = {g.id for g in gold}
    types = list(CONCEPT_KINDS)
    merged_types = [t for t in types if t not in ("DATASET", "BENCHMARK")] + [DATA]
    per_type = {t: _Counter() for t in types + ["micro"]}
    per_merged = {t: _Counter() for t in merged_types + ["micro"]}
    facts = {name: _Counter() for name in ("acronyms", "proposes", "derived_from", "results", "results_loose")}
    errors: list[PaperErrors] = []

    for g in gold:
        p = by_id.get(g.id, AnnotatedPaper(id=g.id))
        for merge, counters, kinds in ((False, per_type, types), (True, per_merged, merged_types)):
            gk, pk = entity_keys(g, merge_data=merge), entity_keys(p, merge_data=merge)
            counters["micro"].add(gk, pk)
            for kind in kinds:
                counters[kind].add({k for k in gk if k[1] == kind}, {k for k in pk if k[1] == kind})
            if with_errors and not merge:
                _note(errors, g.id, "entities", gk, pk)
        aliases = AliasMap(g.acronyms)
        gold_facts, pred_facts = fact_keys(g, aliases), fact_keys(p, aliases)
        for name, counter in facts.items():
            counter.add(gold_facts[name], pred_facts[name])
            if with_errors and name != "results_loose":
                _note(errors, g.id, name, gold_facts[name], pred_facts[name])

    return Scores(
        papers=len(gold),
        unmatched=len(set(by_id) - gold_ids),
        entities={t: c.prf() for t, c in per_type.items()},
        entities_merged={t: c.prf() for t, c in per_merged.items()},
        **{name: c.prf() for name, c in facts.items()},
        errors=errors,
    )


def _note(errors: list[PaperErrors], paper_id: str, category: str, gold: set, pred: set) -> None:
    missed, spurious = sorted(map(str, gold - pred)), sorted(map(str, pred - gold))
    if missed or spurious:
        errors.append(PaperErrors(id=paper_id, category=category, missed=missed, spurious=spurious))
