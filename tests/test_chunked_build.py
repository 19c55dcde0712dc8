"""Streamed builds equal whole-corpus builds: the spool gives read_paths' papers, resolved chunks
add up to assemble_graph's graph, and a build loaded in chunks of 1-3 papers dumps the same graph
as one loaded in a single chunk and as assemble_graph's graph loaded directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import iter_corpus, read_paths
from kg.pipeline import Spool, load_pipeline_file, run_pipeline
from kg.resolve.graph import assemble_graph, resolve_corpus, resolved_chunk
from kg.store import canonical_dump, open_store
from synth_build import corpus, pipeline

N = 14


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small synthetic corpus, its papers and their extractions."""
    from kg.extract.pipeline import extract_papers, load_pipeline

    tmp = tmp_path_factory.mktemp("chunked")
    base = corpus(tmp / "corpus", N)
    papers = read_paths([base]).papers
    extractions = list(extract_papers(papers, nlp=load_pipeline()))
    return tmp, base, papers, extractions


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


def test_the_spool_gives_read_paths_papers_in_order(built, tmp_path):
    tmp, base, papers, _ = built
    dup = tmp_path / "dup"
    corpus(dup, 6)  # the first papers again under other files: duplicates across files to merge
    spool = Spool(tmp_path / "spool")
    try:
        read, skipped = spool.ingest(iter_corpus([base, dup]))
        expected = read_paths([base, dup])
        assert read == expected.entries and skipped == expected.skipped
        assert list(spool.papers()) == expected.papers
        assert len(expected.papers) < read  # the duplicates were merged
    finally:
        spool.close()
    assert not spool.path.exists()


def _edges(graph) -> dict[str, list[str]]:
    out = {}
    for name in ("papers", "authorships", "paper_affiliations", "mentions", "proposals", "derivations", "results"):
        out[name] = sorted(r.model_dump_json() for r in getattr(graph, name))
    return out


@pytest.mark.parametrize("size", [1, 2, 5])
def test_resolved_chunks_add_up_to_the_whole_graph(built, size):
    _, _, papers, extractions = built
    whole = assemble_graph(papers, extractions)
    resolution = resolve_corpus(iter(papers), iter(extractions))
    by_paper = {ex.paper_id: ex for ex in extractions}
    chunks = [
        resolved_chunk(papers[i : i + size], [by_paper[p.id] for p in papers[i : i + size] if p.id in by_paper], resolution)
        for i in range(0, len(papers), size)
    ]
    merged = {name: sorted(r for c in chunks for r in _edges(c)[name]) for name in _edges(whole)}
    assert merged == _edges(whole)
    # each chunk carries the shared nodes its edges refer to, with the corpus-wide values
    whole_nodes = {n.id: n for n in (*whole.authors, *whole.affiliations, *whole.concepts)}
    for c in chunks:
        for node in (*c.authors, *c.affiliations, *c.concepts):
            assert whole_nodes[node.id] == node
        refs = {a.author_id for a in c.authorships} | {m.concept_id for m in c.mentions}
        assert refs <= {n.id for n in (*c.authors, *c.concepts)}


def test_a_build_in_chunks_of_one_to_three_papers_equals_one_chunk(built):
    tmp, base, papers, extractions = built
    cache = tmp / "cache"  # shared: extraction runs once
    dumps = {}
    for size in (2000, 1, 2, 3):
        store = tmp / f"graph-{size}.lbdb"
        summary = run_pipeline(load_pipeline_file(
            pipeline(tmp, [base], store, name=f"chunk{size}.toml", cache=cache, chunk_papers=size)))
        assert summary.load.papers_new == len(papers)
        dumps[size] = _dump(store)
    assert dumps[1] == dumps[2] == dumps[3] == dumps[2000]
    direct = tmp / "direct.lbdb"
    with open_store(str(direct)) as s:
        s.apply_schema()
        s.load(assemble_graph(papers, extractions))
    assert _dump(direct) == dumps[1]
