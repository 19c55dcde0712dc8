"""Evaluation on the dev sets behind ``kg eval``.

Dev sets (never trained on): SciERC dev, SciREX dev (title + abstract), the fixed TDMSci dev
slice (sentence index % 5 == 4, see ``datasets.tdmsci_split``) and tests/gold/corpus_dev.jsonl.
The corpus gold follows ANNOTATION.md and is scored end to end (entities, acronyms, proposes,
derived-from, results) by the one ANNOTATION.md scorer, ``kg.extract.scoring.score``; the shared
sets are scored here on character offsets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field

from kg.extract.datasets import (
    Example,
    read_scierc,
    read_scirex,
    read_tdmsci,
    split_parenthesised_acronyms,
    tdmsci_split,
)
from kg.models import Record

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DEV = REPO_ROOT / "tests" / "gold" / "corpus_dev.jsonl"
DATASETS = ("corpus", "scierc", "scirex", "tdmsci")
OFFSET_DATASETS = ("scierc", "scirex", "tdmsci")


class TypeScore(Record):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class EvalReport(Record):
    dataset: str
    documents: int
    per_type: dict[str, TypeScore] = Field(default_factory=dict)
    micro: TypeScore = Field(default_factory=TypeScore)
    #: DATASET and BENCHMARK merged into DATA
    micro_data_merged: TypeScore = Field(default_factory=TypeScore)

    def summary(self) -> dict:
        return {
            "dataset": self.dataset,
            "documents": self.documents,
            "micro": self.micro.summary(),
            "micro_data_merged": self.micro_data_merged.summary(),
            "per_type": {k: v.summary() for k, v in sorted(self.per_type.items())},
        }


def score_sets(gold: Iterable[set[tuple]], pred: Iterable[set[tuple]], *, name: str, documents: int) -> EvalReport:
    """Micro and per-type P/R/F1 of per-document sets of (key..., type) tuples."""
    report = EvalReport(dataset=name, documents=documents)
    per = defaultdict(TypeScore)
    for g, p in zip(gold, pred):
        for item in p & g:
            per[item[-1]].tp += 1
        for item in p - g:
            per[item[-1]].fp += 1
        for item in g - p:
            per[item[-1]].fn += 1
        merge = lambda s: {(*x[:-1], "DATA" if x[-1] in ("DATASET", "BENCHMARK") else x[-1]) for x in s}
        gm, pm = merge(g), merge(p)
        report.micro_data_merged.tp += len(pm & gm)
        report.micro_data_merged.fp += len(pm - gm)
        report.micro_data_merged.fn += len(gm - pm)
    report.per_type = dict(per)
    report.micro = TypeScore(
        tp=sum(s.tp for s in per.values()), fp=sum(s.fp for s in per.values()), fn=sum(s.fn for s in per.values())
    )
    return report


def dev_examples(dataset: str, gold: Path | None = None) -> list[Example]:
    if dataset == "scierc":
        return list(read_scierc("dev"))
    if dataset == "scirex":
        return list(read_scirex("dev"))
    if dataset == "tdmsci":
        return [e for e in read_tdmsci() if tdmsci_split(e.id) == "dev"]
    raise ValueError(f"unknown dataset {dataset!r}")


def predict_mentions(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    out = []
    for doc in nlp.pipe(texts, batch_size=64):
        out.append([(m[0], m[1], m[2]) for m in (doc._.kg_mentions or [])])
    return out


def score_offsets(dataset: str, examples: list[Example], preds: list[list[tuple[int, int, str]]], *,
                  name: str | None = None) -> EvalReport:
    """Strict span+type scores of predicted (start, end, type) mentions against the examples' gold spans."""
    kinds = {"TASK", "DATASET", "METRIC"} if dataset == "tdmsci" else {"TASK", "DATASET", "METRIC", "METHOD"}
    norm = lambda t: "DATASET" if t == "BENCHMARK" else t
    gold_sets, pred_sets = [], []
    for ex, pred in zip(examples, preds):
        gold_sets.append({(s.start, s.end, s.type) for s in ex.spans if s.type in kinds})
        pred_sets.append({(s, e, norm(t)) for s, e, t in pred if norm(t) in kinds})
    return score_sets(gold_sets, pred_sets, name=name or dataset, documents=len(examples))


def evaluate_dataset(nlp, dataset: str, *, gold: Path | None = None) -> EvalReport:
    """Strict span+type scores of ``nlp`` on one offset-annotated dev set (SciERC, SciREX, TDMSci)."""
    examples = dev_examples(dataset, gold)
    return score_offsets(dataset, examples, predict_mentions(nlp, [e.text for e in examples]))


#: the second TDMSci dev figure: its gold with "long form (SHORT)" spans split as ANNOTATION.md asks
TDMSCI_ANNOTATION = "tdmsci (spans per ANNOTATION.md)"


def tdmsci_summary(nlp) -> dict:
    """TDMSci dev scored on its raw gold, with the same predictions scored on the gold whose "X (Y)" spans
    (Y an acronym of X) are split into X and Y (``datasets.split_parenthesised_acronyms``) under the key
    ``annotation_spans``; the raw figure stays the report's own keys."""
    examples = dev_examples("tdmsci")
    preds = predict_mentions(nlp, [e.text for e in examples])
    out = score_offsets("tdmsci", examples, preds).summary()
    split = [split_parenthesised_acronyms(e) for e in examples]
    out["annotation_spans"] = score_offsets("tdmsci", split, preds, name=TDMSCI_ANNOTATION).summary()
    return out


def corpus_dev_papers(gold: Path | None = None):
    """The gold papers (ANNOTATION.md) and the sample-corpus Papers they annotate, matched by id."""
    from kg.extract.datasets import shared_dir
    from kg.extract.scoring import load_gold
    from kg.ingest import read_paths

    path = Path(gold or CORPUS_DEV)
    gold_papers = load_gold(path)
    corpus = shared_dir() / "corpus"
    papers = read_paths(sorted(str(p) for p in corpus.iterdir())).papers if corpus.exists() else []
    wanted = {g.id for g in gold_papers}
    return gold_papers, [p for p in papers if p.id in wanted]


def evaluate_corpus(nlp, *, gold: Path | None = None, with_errors: bool = False):
    """End-to-end ANNOTATION.md scores (``kg.extract.scoring.Scores``) of ``nlp`` on the corpus gold."""
    from kg.extract.pipeline import extract_papers
    from kg.extract.scoring import score

    gold_papers, papers = corpus_dev_papers(gold)
    return score(gold_papers, extract_papers(papers, nlp=nlp), with_errors=with_errors)


def corpus_summary(scores) -> dict:
    """``kg eval --json`` shape of corpus scores: entities per type and micro, merged DATA, facts."""
    short = lambda s: {"p": s.precision, "r": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
    ents = {k: v for k, v in scores.entities.items() if k != "micro" and v.tp + v.fp + v.fn}
    return {
        "dataset": "corpus",
        "documents": scores.papers,
        "micro": short(scores.entities["micro"]),
        "micro_data_merged": short(scores.entities_merged["micro"]),
        "per_type": {k: short(v) for k, v in sorted(ents.items())},
        **{name: short(getattr(scores, name)) for name in ("acronyms", "proposes", "derived_from", "results",
                                                            "results_loose")},
    }


def evaluate_summary(nlp, dataset: str, *, gold: Path | None = None, with_errors: bool = False) -> dict:
    """The JSON summary of one dev set, whichever scorer it takes."""
    if dataset == "corpus":
        scores = evaluate_corpus(nlp, gold=gold, with_errors=with_errors)
        out = corpus_summary(scores)
        if with_errors:
            out["errors"] = [e.model_dump() for e in scores.errors]
        return out
    if dataset == "tdmsci":
        return tdmsci_summary(nlp)
    return evaluate_dataset(nlp, dataset, gold=gold).summary()
