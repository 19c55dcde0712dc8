"""Write a synthetic corpus: listing files in the four layouts and JSON Lines, streamed.

One open file per layout (plus one JSON Lines file) at a time, rotated every ``per_file``
entries; nothing else is held, so memory stays flat whatever ``n`` is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kg.errors import ConfigError
from kg.models import Paper, PaperDate
from kg.synth import vocab
from kg.synth.generate import LAYOUTS, SynthConfig, SynthPaper, entries

FORMATS = ("listings", "jsonl")

_HEADERS = {
    "header-byline": "",
    # the page header runs into the first title: "SubscribeFirst Title"
    "alternating": "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe",
    "blocks-meta": "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n{today}\n\n",
    "blocks-plain": "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n{today}\n\n",
}
_FOOTERS = {"header-byline": "", "alternating": "", "blocks-meta": "", "blocks-plain": "OSZAR »"}


@dataclass
class SynthReport:
    """What a synth run wrote."""

    papers: int = 0
    entries: int = 0
    duplicates: int = 0
    jsonl_records: int = 0
    by_layout: dict[str, int] = field(default_factory=lambda: {layout: 0 for layout in LAYOUTS})
    files: list[str] = field(default_factory=list)


def listing_date(date: PaperDate, current_year: int) -> str:
    """'Jan 23, 2023'; a date in the listing's own year is printed without it ('Mar 25'), as real pages do."""
    text = f"{vocab.MONTHS[date.month - 1]} {date.day}"
    return text if date.year == current_year else f"{text}, {date.year}"


def format_entry(paper: Paper, layout: str, current_year: int) -> str:
    """One listing entry of ``paper`` in ``layout`` (the text between the page header and footer)."""
    if layout == "header-byline":
        header = f"{paper.category}{listing_date(paper.date, current_year)}{'Code' if paper.has_code else ''}"
        shown = paper.authors[:3]
        byline = ", ".join(shown) + (" et al." if len(paper.authors) > 3 else "")
        if paper.orgs:
            byline += " · " + ", ".join(paper.orgs)
        return f"{header}\n{paper.title}{byline}\n{paper.abstract}\n"
    if layout == "alternating":
        return f"{paper.title}\n{paper.abstract}\n"
    if layout == "blocks-meta":
        count = len(paper.authors)
        date = listing_date(paper.date, current_year)
        if paper.upvotes is not None:
            date += f" {paper.upvotes}"
        return f"{paper.title}\n\n{paper.abstract}\n\n  • {count} author{'s' if count != 1 else ''}\n·\n{date}\n\n"
    if layout == "blocks-plain":
        return f"{paper.title}\n\n{paper.abstract}\n\n"
    raise ConfigError(f"unknown listing layout {layout!r}; expected one of {', '.join(LAYOUTS)}")


def jsonl_record(paper: Paper, index: int) -> str:
    """The generic JSON Lines record (id, title, abstract, authors, date, orgs) of one paper."""
    record = {
        "id": f"synth-{index:07d}",
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "date": paper.date.iso if paper.date else None,
        "orgs": paper.orgs,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


class _Rotating:
    """One output stream that moves to a new numbered file every ``per_file`` entries."""

    def __init__(self, out: Path, report: SynthReport, per_file: int, suffix: str, header: str = "", footer: str = ""):
        self.out, self.report, self.per_file = out, report, per_file
        self.suffix, self.header, self.footer = suffix, header, footer
        self.handle: TextIO | None = None
        self.count = 0

    def write(self, text: str) -> None:
        if self.handle is None or self.count >= self.per_file:
            self.close()
            path = self.out / f"{'papers' if self.suffix == '.jsonl' else 'listing'}-{len(self.report.files):05d}{self.suffix}"
            self.report.files.append(path.name)
            self.handle = path.open("w", encoding="utf-8", newline="\n")
            self.handle.write(self.header)
            self.count = 0
        self.handle.write(text)
        self.count += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.write(self.footer)
            self.handle.close()
            self.handle = None


def parse_formats(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'listings,jsonl' -> ('listings', 'jsonl'), refusing unknown names."""
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    unknown = [t for t in names if t not in FORMATS]
    if unknown or not names:
        raise ConfigError(f"unknown synth format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(names))


def write_corpus(
    config: SynthConfig,
    out: str | Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    per_file: int = 1000,
    progress=None,
    start: int = 0,
    stop: int | None = None,
) -> SynthReport:
    """Write papers ``start..stop-1`` (default: all ``config.n``) to ``out``.

    A slice lets a benchmark write a corpus and, apart, the next 1 % of the same corpus.
    ``progress(done)`` is called every 1000 papers if given.
    """
    if config.n < 0:
        raise ConfigError("the number of papers must be >= 0")
    if per_file < 1:
        raise ConfigError("per_file must be >= 1")
    formats = parse_formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stale = sorted(p.name for p in out.glob("listing-*.txt")) + sorted(p.name for p in out.glob("papers-*.jsonl"))
    if stale:
        raise ConfigError(f"{out} already holds a synthetic corpus ({stale[0]}, ...); choose an empty directory")
    report = SynthReport()
    today = f"{vocab.MONTHS[5]} 3"
    streams = {
        layout: _Rotating(out, report, per_file, ".txt", _HEADERS[layout].format(today=today), _FOOTERS[layout])
        for layout in LAYOUTS
    }
    jsonl = _Rotating(out, report, per_file * 10, ".jsonl")
    try:
        for synth, duplicate in entries(config, start, stop):
            _write_one(synth, duplicate, config, formats, streams, jsonl, report)
            if progress is not None and not duplicate and report.papers % 1000 == 0:
                progress(report.papers)
    finally:
        for stream in (*streams.values(), jsonl):
            stream.close()
    return report


def _write_one(synth: SynthPaper, duplicate: bool, config, formats, streams, jsonl, report: SynthReport) -> None:
    if not duplicate:
        report.papers += 1
        if "jsonl" in formats:
            jsonl.write(jsonl_record(synth.paper, synth.index))
            report.jsonl_records += 1
    if "listings" in formats:
        streams[synth.layout].write(format_entry(synth.paper, synth.layout, config.end_year))
        report.entries += 1
        report.duplicates += duplicate
        report.by_layout[synth.layout] += 1
