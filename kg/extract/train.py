"""Train the shipped extraction pipeline: ``python -m kg.extract.train`` (``make train``).

Reads the annotated data from ../shared/datasets (or $KG_SHARED) and the in-domain annotations in
kg/extract/annotations/corpus_train.jsonl, builds the gazetteer, trains a compact NER (blank
English tokenizer, narrow hash-embedding CNN, no pretrained vectors) under a time budget, scores
every dev set and writes the pipeline plus its model card into kg/extract/model/. Seeded and
deterministic for a given data set and step count; dev sets are never trained on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.training import Example as SpacyExample
from spacy.util import filter_spans, fix_random_seed, minibatch

from kg.extract.datasets import Example, read_corpus_annotations, read_scierc, read_scirex, read_tdmsci, tdmsci_split
from kg.extract.gazetteer import build_gazetteer, kb_terms
from kg.extract.pipeline import MODEL_DIR

ANNOTATIONS = Path(__file__).resolve().parent / "annotations" / "corpus_train.jsonl"
VERSION = "0.1.0"
NER_LABELS = ("METHOD", "TASK", "DATASET", "METRIC")

#: compact on purpose: speed is a requirement (>= 500 abstracts/s per core)
NER_MODEL = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 2,
        "subword_features": True,
    },
}


def training_examples(*, corpus_weight: int = 4) -> tuple[list[Example], dict[str, int]]:
    """Every training example, the in-domain ones repeated ``corpus_weight`` times; plus counts."""
    corpus = list(read_corpus_annotations(ANNOTATIONS)) if ANNOTATIONS.exists() else []
    corpus = [e for e in corpus if "\n" in e.text]  # abstracts only: a title alone teaches little
    scierc = list(read_scierc("train"))
    tdmsci = [e for e in read_tdmsci() if tdmsci_split(e.id) == "train"]
    scirex = list(read_scirex("train"))
    counts = {"corpus_train": len(corpus), "scierc_train": len(scierc), "tdmsci_train_80pct": len(tdmsci), "scirex_train": len(scirex)}
    return corpus * corpus_weight + scierc + tdmsci + scirex, counts


def to_spacy(nlp, examples: list[Example]) -> list[SpacyExample]:
    out = []
    for ex in examples:
        doc = nlp.make_doc(ex.text)
        spans = []
        for s in ex.spans:
            label = "DATASET" if s.type == "BENCHMARK" else s.type
            span = doc.char_span(s.start, s.end, label=label, alignment_mode="contract")
            if span is not None and len(span):
                spans.append(span)
        ref = nlp.make_doc(ex.text)
        ref.ents = filter_spans(spans)
        out.append(SpacyExample(doc, ref))
    return out


def ner_model(*, width: int = 64, depth: int = 2, hidden: int = 64, pieces: int = 2, rows: int = 2000) -> dict:
    """The NER architecture config with the given sizes (the speed/accuracy knobs)."""
    model = json.loads(json.dumps(NER_MODEL))
    model.update({"hidden_width": hidden, "maxout_pieces": pieces})
    model["tok2vec"].update({"width": width, "depth": depth, "embed_size": rows, "maxout_pieces": min(pieces, 3)})
    return model


def train(*, seconds: float = 240.0, max_epochs: int = 8, seed: int = 0, out: Path = MODEL_DIR, log=print,
          model: dict | None = None) -> dict:
    """Train and write the pipeline; return the model card figures."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    examples, counts = training_examples()
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentences_v1", name="kg_sentences")
    ner = nlp.add_pipe("ner", config={"model": model or NER_MODEL})
    for label in NER_LABELS:
        ner.add_label(label)
    concepts = nlp.add_pipe("kg_concepts_v1", name="kg_concepts")
    unique = list({e.id: e for e in examples}.values())
    gaz = build_gazetteer(unique, kb_terms(), tokenizer=nlp.tokenizer)
    concepts.set_gazetteer(gaz)
    train_data = to_spacy(nlp, examples)
    optimizer = nlp.initialize(lambda: train_data)
    started = time.time()
    epochs = 0
    with nlp.select_pipes(enable=["ner"]):
        for epoch in range(max_epochs):
            rng.shuffle(train_data)
            losses: dict = {}
            for batch in minibatch(train_data, size=16):
                nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
            epochs = epoch + 1
            log(f"epoch {epochs}: ner loss {losses.get('ner', 0):.1f} ({time.time() - started:.0f}s)")
            if time.time() - started > seconds:
                break
    nlp.meta.update(
        {
            "name": "kg_extract",
            "version": VERSION,
            "description": "kg concept extraction: rule-based sentences, compact NER, gazetteer, name shapes, acronym pairs",
            "license": "Apache-2.0",
            "sources": [{"name": k, "examples": v} for k, v in counts.items()],
        }
    )
    out = Path(out)
    nlp.to_disk(out)
    return {"counts": counts, "gazetteer_entries": len(gaz), "epochs": epochs, "train_seconds": round(time.time() - started, 1), "seed": seed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.extract.train", description=__doc__)
    parser.add_argument("--seconds", type=float, default=240.0, help="training time budget (default 240)")
    parser.add_argument("--epochs", type=int, default=8, help="maximum epochs (default 8)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--width", type=int, default=64, help="token vector width (default 64)")
    parser.add_argument("--depth", type=int, default=2, help="CNN depth (default 2)")
    parser.add_argument("--hidden", type=int, default=64, help="NER hidden width (default 64)")
    parser.add_argument("--pieces", type=int, default=2, help="maxout pieces (default 2)")
    parser.add_argument("--rows", type=int, default=2000, help="hash-embedding rows (default 2000)")
    parser.add_argument("--no-card", action="store_true", help="skip dev scoring and the model card")
    args = parser.parse_args(argv)
    model = ner_model(width=args.width, depth=args.depth, hidden=args.hidden, pieces=args.pieces, rows=args.rows)
    info = train(seconds=args.seconds, max_epochs=args.epochs, seed=args.seed, out=args.out, model=model)
    if not args.no_card:
        from kg.extract.card import write_model_card

        write_model_card(args.out, info)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
