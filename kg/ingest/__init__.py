"""Ingest: listing pages and JSON Lines records in, deduplicated Paper records out.

Library API: ``read_paths(paths, *, strict=False) -> IngestResult`` and
``iter_papers(path) -> Iterator[Paper]`` (one file, streamed, not deduplicated).
"""

from kg.ingest.byline import split_byline
from kg.ingest.dates import parse_iso_date, parse_listing_date
from kg.ingest.dedup import DedupIndex, deduplicate, merge_papers
from kg.ingest.reader import expand_paths, file_layout, iter_corpus, iter_entries, iter_papers, read_paths

__all__ = [
    "DedupIndex",
    "deduplicate",
    "expand_paths",
    "file_layout",
    "iter_corpus",
    "iter_entries",
    "iter_papers",
    "merge_papers",
    "parse_iso_date",
    "parse_listing_date",
    "read_paths",
    "split_byline",
]
