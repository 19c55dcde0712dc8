"""Read listing files and JSON Lines: one file at a time, every entry a Paper or a SkippedRecord.

``iter_entries`` streams one file (only a small detection window and the current entry are held);
``iter_papers`` keeps the papers; ``read_paths`` reads files and directories and deduplicates.
Policy for bad input: ``strict=True`` raises InputError (file and line) at the first problem;
otherwise each problem is a SkippedRecord with its reason, reported in IngestResult.skipped.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.dedup import deduplicate
from kg.ingest.jsonl import looks_like_jsonl, read_jsonl
from kg.ingest.layouts import detect_layout, read_blocks, read_header_byline
from kg.ingest.lines import FileProblem, Line, read_lines, sniff
from kg.models import IngestResult, Layout, Paper, SkippedRecord, normalise_title

log = logging.getLogger(__name__)

#: lines looked at to recognise a layout
DETECT_LINES = 200
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _fail_or_skip(record: SkippedRecord, strict: bool) -> SkippedRecord:
    if strict:
        raise InputError(record.reason, source=record.source, line=record.line)
    return record


def file_layout(path: str | Path) -> Layout | None:
    """The layout of one file (``jsonl`` or a listing layout), None when unknown or unreadable."""
    path = Path(path)
    try:
        sniff(path)
    except FileProblem:
        return None
    sample = list(itertools.islice(read_lines(path), DETECT_LINES))
    if path.suffix.lower() in JSONL_SUFFIXES or looks_like_jsonl(sample):
        return "jsonl"
    return detect_layout(sample)


def iter_entries(
    path: str | Path,
    *,
    strict: bool = False,
    known_titles: Container[str] = frozenset(),
) -> Iterator[Paper | SkippedRecord]:
    """Every entry of one file, in file order: a Paper (one source) or a SkippedRecord.

    ``known_titles`` (normalised titles from other listings) helps split layout (a) bylines.
    """
    path = Path(path)
    source = str(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        yield _fail_or_skip(SkippedRecord(source=source, line=1, reason="not a regular file (a pipe, device or"
                                          " socket)"), strict)
        return
    try:
        sniff(path)
    except FileProblem as problem:
        yield _fail_or_skip(SkippedRecord(source=source, line=problem.line, reason=problem.reason), strict)
        return
    except OSError as exc:
        yield _fail_or_skip(SkippedRecord(source=source, line=1, reason=f"cannot read: {exc.strerror}"), strict)
        return
    lines = read_lines(path)
    sample = list(itertools.islice(lines, DETECT_LINES))
    stream: Iterable[Line] = itertools.chain(sample, lines)
    if path.suffix.lower() in JSONL_SUFFIXES or looks_like_jsonl(sample):
        entries = read_jsonl(stream, source)
    else:
        layout = detect_layout(sample)
        if layout is None:
            first = next((ln.number for ln in sample if ln.text.strip()), 1)
            yield _fail_or_skip(SkippedRecord(
                source=source, line=first,
                reason="unknown layout: not one of the four listing layouts nor JSON Lines",
            ), strict)
            return
        if layout == "header-byline":
            entries = read_header_byline(stream, source, known_titles=known_titles)
        else:
            entries = read_blocks(stream, source, layout)
    for entry in entries:
        yield _fail_or_skip(entry, strict) if isinstance(entry, SkippedRecord) else entry


def iter_papers(
    path: str | Path,
    *,
    strict: bool = False,
    on_skip: Callable[[SkippedRecord], None] | None = None,
) -> Iterator[Paper]:
    """Stream the papers of one file (not deduplicated). Skipped entries go to ``on_skip``, or
    are logged as warnings with file and line when no callback is given: never silent."""
    for entry in iter_entries(path, strict=strict):
        if isinstance(entry, Paper):
            yield entry
        elif on_skip is not None:
            on_skip(entry)
        else:
            log.warning("%s:%d: skipped: %s", entry.source, entry.line, entry.reason)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the files under each directory (recursively, sorted; dotfiles left out)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
            )
        elif path.is_file():
            files.append(path)
        elif path.exists():  # a pipe would block the read (and be read twice), a device never ends
            raise InputError("not a regular file (a pipe, device or socket): give files or directories",
                             source=str(path))
        else:
            raise InputError("no such file or directory", source=str(path))
    return files


def iter_corpus(
    paths: Iterable[str | Path], *, strict: bool = False
) -> Iterator[tuple[Path, Paper | SkippedRecord]]:
    """Every entry of files and directories, with its file, in the order read_paths reads them
    (not deduplicated). Layout (a) files come last so that titles from the other listings can
    settle an ambiguous byline split; only those titles are kept in memory."""
    files = expand_paths(paths)
    byline_files = {f for f in files if file_layout(f) == "header-byline"}
    known: set[str] = set()
    for path in [f for f in files if f not in byline_files] + [f for f in files if f in byline_files]:
        for entry in iter_entries(path, strict=strict, known_titles=known if path in byline_files else frozenset()):
            if isinstance(entry, Paper) and path not in byline_files:
                known.add(normalise_title(entry.title))
            yield path, entry


def read_paths(paths: Iterable[str | Path], *, strict: bool = False) -> IngestResult:
    """Read files and directories, deduplicate, and report what was skipped.

    ``entries`` counts every entry read: papers before deduplication plus skipped records.
    """
    papers: list[Paper] = []
    skipped: list[SkippedRecord] = []
    for _path, entry in iter_corpus(paths, strict=strict):
        (papers if isinstance(entry, Paper) else skipped).append(entry)
    skipped.sort(key=lambda s: (s.source, s.line))
    return IngestResult(papers=deduplicate(papers), skipped=skipped, entries=len(papers) + len(skipped))
