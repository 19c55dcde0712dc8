"""Extraction keeps no word of the corpus: each batch runs in a spaCy memory zone (session 12)."""

from __future__ import annotations

from kg.extract.pipeline import doc_to_extraction, extract_papers, load_pipeline, model_version
from kg.models import Paper

TEXTS = [
    "Blorptastic nets\nWe propose FrobNet (FN), a blorptastic model. It beats BERT by 2.5 F1 on GLUE.",
    "Quuxified parsing\nWe study the quuxification of ZyxwvBench; QwertyNet extends FrobNet with 3.1 % gains.",
    "Plain words\nOur method improves accuracy on ImageNet over ResNet-50 by 1.2 points.",
]


def _papers(tag: str) -> list[Paper]:
    # words no other test has put in the vocab: each call names new ones
    return [Paper(id=f"{tag}{k}", title=t.split("\n")[0] + f" {tag}word{k}", abstract=t.split("\n", 1)[1])
            for k, t in enumerate(TEXTS)]


def test_extraction_leaves_the_vocab_as_it_found_it():
    nlp = load_pipeline()
    list(extract_papers(_papers("warm"), nlp=nlp, batch_size=2))  # the pipeline's labels and first strings
    strings = len(nlp.vocab.strings)
    records = list(extract_papers(_papers("zoned"), nlp=nlp, batch_size=2))
    assert any(r.entities for r in records)
    assert len(nlp.vocab.strings) == strings
    # len(vocab) counts every lexeme ever made (spaCy never lowers it): ask for the words themselves
    assert "zonedword0" not in nlp.vocab.strings and "zonedword0" not in nlp.vocab


def test_records_made_in_a_zone_are_those_made_outside():
    nlp = load_pipeline()
    papers = _papers("same")
    zoned = [r.model_dump() for r in extract_papers(papers, nlp=nlp, batch_size=2)]
    plain = [doc_to_extraction(nlp(p.text), p, version=model_version(nlp)).model_dump() for p in papers]
    assert zoned == plain


def test_a_callers_zone_is_left_to_it():
    nlp = load_pipeline()
    with nlp.memory_zone():  # zones do not nest: extraction runs inside the caller's
        records = [r.model_dump() for r in extract_papers(_papers("outer"), nlp=nlp, batch_size=2)]
    assert records == [r.model_dump() for r in extract_papers(_papers("outer"), nlp=nlp, batch_size=2)]


def test_forked_workers_give_the_records_of_one_process():
    nlp = load_pipeline()
    papers = _papers("fork") * 3
    one = [r.model_dump() for r in extract_papers(papers, nlp=nlp, batch_size=2)]
    two = [r.model_dump() for r in extract_papers(papers, nlp=nlp, n_process=2, batch_size=2)]
    assert one == two
