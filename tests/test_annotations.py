"""Validate the hand-written training annotations of the sample corpus (kg/extract/annotations/corpus_train.jsonl).

The file teaches the extractor our span conventions (../shared/ANNOTATION.md), so it must be mechanically clean:
valid records, the five kinds only, strings that really occur in the paper, and no overlap with the dev gold.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.models import CONCEPT_KINDS, normalise_title, paper_id

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "kg" / "extract" / "annotations" / "corpus_train.jsonl"
DEV_GOLD = ROOT / "tests" / "gold" / "corpus_dev.jsonl"
CORPUS = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")) / "corpus"

KEYS = {"id", "title", "entities", "acronyms", "proposes", "derived_from", "results"}


def _records() -> list[dict]:
    rows = []
    for n, line in enumerate(TRAIN.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {n}"
        rows.append(json.loads(line))
    return rows


RECORDS = _records()


def _texts() -> dict[str, str]:
    """Title + abstract per normalised title, found in the raw listings.

    Every layout puts the abstract on the first non-blank line after the line that holds the title
    (the title line may carry a glued byline or a 'Subscribe' prefix), so no full reader is needed here.
    """
    lines: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines.extend(path.read_text(encoding="utf-8").splitlines())
    found: dict[str, str] = {}
    for rec in RECORDS:
        for i, line in enumerate(lines):
            if line.removeprefix("Subscribe").strip().startswith(rec["title"]):
                rest = [x for x in lines[i + 1 :] if x.strip()]
                found[normalise_title(rec["title"])] = rec["title"] + "\n" + (rest[0] if rest else "")
                break
    return found


def test_records_are_well_formed():
    assert len(RECORDS) >= 100
    for rec in RECORDS:
        assert set(rec) == KEYS, rec.get("title")
        assert rec["id"] == paper_id(rec["title"])
        seen = set()
        for ent in rec["entities"]:
            assert set(ent) == {"text", "type"}
            assert ent["type"] in CONCEPT_KINDS, ent
            assert ent["text"] == ent["text"].strip() and ent["text"], ent
            key = ent["text"].casefold()
            assert key not in seen, f"{rec['title']}: {ent['text']!r} listed twice"
            seen.add(key)
            assert "(" not in ent["text"] or ")" in ent["text"], ent


def test_ids_unique():
    ids = [r["id"] for r in RECORDS]
    assert len(ids) == len(set(ids))


def test_links_name_entities():
    for rec in RECORDS:
        names = {e["text"].casefold() for e in rec["entities"]}
        for long, short in rec["acronyms"]:
            # ANNOTATION.md: every "long form (SHORT)" definition is a pair; one that names none of the five
            # kinds ("first-order stationary point (FOSP)", the dev gold's "state-of-the-art (SOTA)") has no entities
            assert (long.casefold() in names) == (short.casefold() in names), (rec["title"], long, short)
        for name in rec["proposes"]:
            assert name.casefold() in names, (rec["title"], name)
        for new, base in rec["derived_from"]:
            assert new.casefold() in names and base.casefold() in names, (rec["title"], new, base)
        for res in rec["results"]:
            assert set(res) == {"benchmark", "metric", "value"}
            assert res["benchmark"].casefold() in names, (rec["title"], res)
            assert res["metric"] is None or res["metric"].casefold() in names, (rec["title"], res)


def test_acronym_pairs_keep_one_type():
    for rec in RECORDS:
        kind = {e["text"].casefold(): e["type"] for e in rec["entities"]}
        for long, short in rec["acronyms"]:
            assert kind.get(long.casefold()) == kind.get(short.casefold()), (rec["title"], long, short)


def test_no_dev_gold_paper():
    if not DEV_GOLD.exists():
        pytest.skip("tests/gold/corpus_dev.jsonl is absent")
    dev = {json.loads(line)["id"] for line in DEV_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert len(dev) == 32
    assert not dev & {r["id"] for r in RECORDS}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"sample corpus not found at {CORPUS} (set KG_SHARED)")
def test_strings_occur_in_paper():
    texts = _texts()
    missing_papers = [r["title"] for r in RECORDS if normalise_title(r["title"]) not in texts]
    assert not missing_papers
    for rec in RECORDS:
        text = texts[normalise_title(rec["title"])].casefold()
        for ent in rec["entities"]:
            assert ent["text"].casefold() in text, (rec["title"], ent["text"])
        for res in rec["results"]:
            assert res["value"].casefold() in text, (rec["title"], res)


DETERMINERS = {"the", "a", "an", "our", "its", "their", "this", "these", "his", "her"}


def test_spans_follow_the_span_rules():
    # ANNOTATION.md span rules: no determiner or possessive in front, never a parenthesised acronym inside a span
    # ("SE(3)-Transformer" is fine: the bracket belongs to the name). Checked on the dev gold too, which the same
    # guidelines govern.
    rows = list(RECORDS)
    if DEV_GOLD.exists():
        rows += [json.loads(line) for line in DEV_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    for rec in rows:
        for ent in rec["entities"]:
            first = ent["text"].split()[0].casefold()
            assert first not in DETERMINERS, (rec["title"], ent)
            assert " (" not in ent["text"], (rec["title"], ent)
