"""One Paper per real paper: entries from several listings are merged, every source kept.

Two entries are the same paper when they share an arXiv id, or share a normalised title
(kg.models.normalise_title) without carrying two different arXiv ids. The merged paper has
the id a source gave explicitly (a JSON Lines ``id``), else kg.models.paper_id(title, arxiv_id), and:
title of the first source (sources in file, line order); the longest abstract; the longest
author list (with its ``et al.`` flag); the largest stated author count; the union of org
slugs in order of appearance; the most informative date (day > month > year > month-day,
earliest on a tie); the first category; has_code True when any source says so; the most
upvotes; every Provenance.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.ingest.dates import PRECISION_RANK
from kg.models import Paper, PaperDate, normalise_title, paper_id


def _date_key(date: PaperDate) -> tuple:
    return (-PRECISION_RANK[date.precision], date.year or 0, date.month or 0, date.day or 0)


def merge_papers(entries: list[Paper]) -> Paper:
    """Merge entries of one paper into one Paper (see the module docstring for the rules)."""
    entries = sorted(entries, key=lambda p: min((s.source, s.line) for s in p.sources))
    first = entries[0]
    arxiv = next((p.arxiv_id for p in entries if p.arxiv_id), None)
    by_authors = max(entries, key=lambda p: len(p.authors))  # max keeps the first on ties
    orgs: list[str] = []
    for paper in entries:
        orgs.extend(o for o in paper.orgs if o not in orgs)
    dates = sorted((p.date for p in entries if p.date is not None), key=_date_key)
    counts = [p.author_count for p in entries if p.author_count is not None]
    flags = [p.has_code for p in entries if p.has_code is not None]
    upvotes = [p.upvotes for p in entries if p.upvotes is not None]
    sources = sorted({(s.source, s.line, s.layout): s for p in entries for s in p.sources}.values(),
                     key=lambda s: (s.source, s.line))
    given = next((p.id for p in entries if p.id != paper_id(p.title, p.arxiv_id)), None)
    return Paper(
        id=given or paper_id(first.title, arxiv),
        title=first.title,
        abstract=max((p.abstract for p in entries), key=len),
        arxiv_id=arxiv,
        authors=list(by_authors.authors),
        et_al=by_authors.et_al,
        author_count=max(counts) if counts else None,
        orgs=orgs,
        date=dates[0] if dates else None,
        category=next((p.category for p in entries if p.category), None),
        has_code=any(flags) if flags else None,
        upvotes=max(upvotes) if upvotes else None,
        sources=sources,
    )


class DedupIndex:
    """Which group (real paper) each entry belongs to, decided as entries arrive.

    Holds only keys (arXiv ids and normalised titles) and one small record per group, never the
    entries, so a corpus can be grouped while it streams; an entry's group never changes later.
    """

    def __init__(self) -> None:
        self.group_arxiv: list[str | None] = []
        #: (source, line) of each group's first entry: the order deduplicate() sorts by
        self.first: list[tuple[str, int]] = []
        self.by_arxiv: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.group_arxiv)

    def add(self, paper: Paper) -> int:
        """The group index of ``paper`` (a new group when it matches none)."""
        return self.add_keys(*dedup_keys(paper))

    def add_keys(self, arxiv_id: str | None, key: str, where: tuple[str, int]) -> int:
        """:meth:`add` given an entry's :func:`dedup_keys` (all it looks at), without the entry."""
        index = self.by_arxiv.get(arxiv_id) if arxiv_id else None
        if index is None:
            # same title, unless both sides carry different arXiv ids
            index = next(
                (i for i in self.by_title.get(key, [])
                 if not (arxiv_id and self.group_arxiv[i] and self.group_arxiv[i] != arxiv_id)),
                None,
            )
        if index is None:
            index = len(self.group_arxiv)
            self.group_arxiv.append(None)
            self.first.append(where)
        elif where < self.first[index]:
            self.first[index] = where
        if arxiv_id and self.group_arxiv[index] is None:
            self.group_arxiv[index] = arxiv_id
            self.by_arxiv[arxiv_id] = index
        titles = self.by_title.setdefault(key, [])
        if index not in titles:
            titles.append(index)
        return index


def dedup_keys(paper: Paper) -> tuple[str | None, str, tuple[str, int]]:
    """What grouping looks at in an entry: its arXiv id, normalised title and first (source, line)."""
    where = min((s.source, s.line) for s in paper.sources) if paper.sources else ("", 0)
    return paper.arxiv_id, normalise_title(paper.title), where


def deduplicate(entries: Iterable[Paper]) -> list[Paper]:
    """Group entries that are the same paper and merge each group; sorted by first source."""
    index = DedupIndex()
    groups: list[list[Paper]] = []
    for paper in entries:
        i = index.add(paper)
        if i == len(groups):
            groups.append([])
        groups[i].append(paper)
    merged = [merge_papers(group) for group in groups]
    merged.sort(key=lambda p: (p.sources[0].source, p.sources[0].line))
    return merged
