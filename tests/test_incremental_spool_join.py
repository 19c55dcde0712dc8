"""The change diffs of an incremental build read the run's spool inside SQLite: which papers are
new, changed or gone, how many keep their content hash, and which still need extracting come
out as the row-by-row versions (kept as the oracle) give them for the same papers."""

from __future__ import annotations

from kg.incremental import BuildState
from kg.models import Paper, PaperExtraction, Provenance
from kg.pipeline import ExtractionCache, Spool


def _paper(n: int, abstract: str = "An abstract.") -> Paper:
    return Paper(id=f"p{n}", title=f"Paper number {n}", abstract=abstract,
                 sources=[Provenance(source="listing.txt", line=n + 1, layout="alternating")])


def _spool(tmp_path, papers: list[Paper]) -> Spool:
    spool = Spool(tmp_path / "spool")
    spool.ingest(("listing.txt", p) for p in papers)
    return spool


def test_the_spool_join_diffs_equal_the_row_by_row_ones(tmp_path):
    state = BuildState(tmp_path / "cache", "store")
    last = _spool(tmp_path, [_paper(i) for i in range(6)])
    digests = dict(last.digests())
    hashes = dict(last.keys())
    state.put_papers([(pid, digests[pid], hashes[pid], []) for pid in digests])
    last.close()
    # p1 changes its abstract, p4 leaves, p7 and p8 arrive
    now = [_paper(i, "Changed." if i == 1 else "An abstract.") for i in (0, 1, 2, 3, 5, 7, 8)]
    spool = _spool(tmp_path, now)
    try:
        changed, removed = state.changed_in(spool.path)
        assert (changed, removed) == state.changed_papers(spool.digests())
        assert changed == {"p1", "p7", "p8"} and removed == {"p4"}
        assert state.content_hashes_equal_in(spool.path) == state.content_hashes_equal(spool.keys()) == 4

        cache = ExtractionCache(tmp_path / "cache")
        cache.put([PaperExtraction(paper_id=p.id, extractor="t", version="1", content_hash=p.content_hash)
                   for p in now[:3]], "v1")
        assert cache.missing_in(spool.path, "v1") == cache.missing(spool.keys(), "v1") == ["p3", "p5", "p7", "p8"]
        assert cache.missing_in(spool.path, "v2") == [p.id for p in now]
        cache.close()
        # a connection with an open transaction attaches too (the diff runs after decisions are written)
        state.db.execute("INSERT INTO map VALUES ('afoo', 'x')")
        assert state.changed_in(spool.path) == (changed, removed)
    finally:
        spool.close()
        state.close()
