"""The extraction cache answers which papers still need extracting in one query, as a look-up per
paper did: the same ids, in the order asked, whatever differs (id, content hash, model version)."""

from __future__ import annotations

from kg.models import PaperExtraction
from kg.pipeline import ExtractionCache


def _ex(pid: str, content_hash: str) -> PaperExtraction:
    return PaperExtraction(paper_id=pid, extractor="test", version="1", content_hash=content_hash)


def test_missing_gives_the_papers_without_an_extraction_of_that_version_in_order(tmp_path):
    cache = ExtractionCache(tmp_path)
    cache.put([_ex("p1", "h1"), _ex("p2", "h2"), _ex("p3", "h3")], "v1")
    cache.put([_ex("p4", "h4")], "v2")
    asked = [("p9", "h9"), ("p3", "h3"), ("p2", "changed"), ("p4", "h4"), ("p1", "h1"), ("p0", "h0")]
    assert cache.missing(asked, "v1") == ["p9", "p2", "p4", "p0"]
    assert cache.missing(asked, "v1") == [pid for pid, ch in asked if not cache.has(pid, ch, "v1")]
    assert cache.missing(iter(asked), "v2") == ["p9", "p3", "p2", "p1", "p0"]
    assert cache.missing([], "v1") == []
    cache.close()
    again = ExtractionCache(tmp_path)  # the scratch table is the connection's own: nothing left in the file
    assert again.missing(asked[:2], "v1") == ["p9"]
    again.close()
