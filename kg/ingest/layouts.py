"""The four listing layouts: detected from content, then read entry by entry.

(a) header-byline  ``LGJan 23, 2023Code`` header, the title glued to its byline, the abstract
(b) alternating    after a page header, title and abstract on alternating lines
(c) blocks-meta    blank-line separated title, abstract, then ``• N authors`` / ``·`` / date [upvotes]
(d) blocks-plain   blank-line separated title and abstract, with page furniture around them

Page furniture (``Subscribe``, ``Get trending papers...``, ``byAK and the research community``,
``OSZAR »``...) is never an entry. A date line standing alone before the first entry (``Feb 17``
after ``Daily Papers``, ``Jun 3``) is the date of the *page*, not of its papers: in layout (c)
the entries below it carry their own, different dates (``Sep 30, 2024``), which shows that the
page date is when the list was shown, not when the papers appeared. It therefore dates no entry.

Every entry becomes a Paper or a SkippedRecord (with file, line and reason): nothing is dropped.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field

from kg.ingest.byline import split_byline
from kg.ingest.dates import LISTING_DATE, parse_date_line, parse_listing_date
from kg.ingest.lines import MAX_TEXT_CHARS, Line
from kg.models import Layout, Paper, PaperDate, Provenance, SkippedRecord, document_text, paper_id

#: page furniture of the listing sites: page chrome, never a paper
FURNITURE = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^new$",
        r"^get trending papers in your email inbox(?: once a day)?!?$",
        r"^subscribe$",
        r"^daily papers$",
        r"^by\s*ak and the research community$",
        r"^oszar\s*»?$",
        r"^»$",
    )
)
#: furniture that a page header can glue to the first title ("SubscribeAnatomical ...")
GLUED_FURNITURE = ("Subscribe", "Get trending papers in your email inbox!")

HEADER_RE = re.compile(rf"^(?P<category>[A-Za-z][A-Za-z.\-]{{1,14}}?)(?P<date>{LISTING_DATE})(?P<code>Code)?$")
AUTHORS_RE = re.compile(r"^•\s*(?P<count>\d{1,6})\s+authors?$")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def is_furniture(text: str) -> bool:
    text = text.strip()
    return any(p.match(text) for p in FURNITURE)


def looks_like_abstract(text: str) -> bool:
    """Abstracts are long or have several sentences; titles are short and have at most one."""
    text = text.strip()
    return len(text) >= 200 or (len(text) >= 60 and len(_SENTENCE_END_RE.findall(text)) >= 2)


def clean(text: str) -> str:
    """Strip control characters (garbage, never content) and surrounding space."""
    return _CONTROL_RE.sub("", text).strip()


def detect_layout(sample: list[Line]) -> Layout | None:
    """The layout of a listing from its first lines, or None when it is none of the four."""
    lines = [ln for ln in sample if ln.text.strip()]
    content = [ln for ln in lines if not is_furniture(ln.text) and parse_listing_date(ln.text) is None]
    if not content:
        return None
    if HEADER_RE.match(content[0].text.strip()):
        return "header-byline"
    if any(AUTHORS_RE.match(ln.text.strip()) for ln in lines):
        return "blocks-meta"
    if len(content) < 2:
        return None
    abstracts = sum(looks_like_abstract(ln.text) for ln in content)
    # listings alternate titles and abstracts (about half each, less when entries are
    # truncated); a text of paragraphs (all long) or a table (all short) does not
    if not abstracts or not 0.2 <= abstracts / len(content) <= 0.7:
        return None
    numbers = {ln.number for ln in lines}
    separated = sum(1 for ln in content if ln.number + 1 not in numbers)
    return "blocks-plain" if separated / len(content) > 0.5 else "alternating"


@dataclass
class _Entry:
    """An entry being assembled from its lines."""

    first: Line
    lines: list[Line] = field(default_factory=list)

    def error(self) -> str | None:
        for ln in [self.first, *self.lines]:
            if ln.error:
                return ln.error if ln is self.first else f"{ln.error} (line {ln.number})"
        return None


def too_long(title: str, abstract: str) -> str | None:
    """Why a paper's text is too long to be one (None when it is not)."""
    length = len(document_text(title, abstract))
    if length <= MAX_TEXT_CHARS:
        return None
    return f"entry too long: {length} characters of title and abstract (at most {MAX_TEXT_CHARS})"


def _skip(source: str, line: int, reason: str) -> SkippedRecord:
    return SkippedRecord(source=source, line=line, reason=reason)


def _paper(
    source: str,
    line: int,
    layout: Layout,
    title: str,
    abstract: str,
    **fields,
) -> Paper | SkippedRecord:
    title, abstract = clean(title), clean(abstract)
    if not title:
        return _skip(source, line, "truncated entry: empty title")
    if reason := too_long(title, abstract):
        return _skip(source, line, reason)
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        sources=[Provenance(source=source, line=line, layout=layout)],
        **fields,
    )


# --------------------------------------------------------------------------- layout (a)


def read_header_byline(
    lines: Iterable[Line], source: str, *, known_titles: Container[str] = frozenset()
) -> Iterator[Paper | SkippedRecord]:
    """Layout (a): a header line opens each entry; then the glued title+byline, then the abstract."""
    entry: _Entry | None = None
    for ln in lines:
        text = ln.text.strip()
        if not text or (is_furniture(text) and not ln.error):
            continue
        if HEADER_RE.match(text) and not ln.error:
            if entry is not None:
                yield _finish_header_entry(entry, source, known_titles)
            entry = _Entry(ln)
        elif entry is None:
            yield _skip(source, ln.number, ln.error or f"unrecognised line before the first entry: {text[:60]!r}")
        else:
            entry.lines.append(ln)
    if entry is not None:
        yield _finish_header_entry(entry, source, known_titles)


def _finish_header_entry(
    entry: _Entry, source: str, known_titles: Container[str]
) -> Paper | SkippedRecord:
    line = entry.first.number
    error = entry.error()
    if error:
        return _skip(source, line, error)
    if not entry.lines:
        return _skip(source, line, "truncated entry: a header with no title or abstract")
    if len(entry.lines) < 2:
        return _skip(source, line, "truncated entry: no abstract after the title and byline")
    header = HEADER_RE.match(entry.first.text.strip())
    assert header is not None  # only header lines open an entry
    byline = split_byline(clean(entry.lines[0].text), known_titles=known_titles)
    if byline is None:
        return _skip(
            source, entry.lines[0].number,
            "byline: cannot tell where the title ends and the author list begins",
        )
    date = parse_listing_date(header["date"])
    if date is None:
        return _skip(source, line, f"bad date in header: {header['date']!r}")
    return _paper(
        source, line, "header-byline", byline.title,
        " ".join(clean(ln.text) for ln in entry.lines[1:]),
        authors=byline.authors, et_al=byline.et_al, orgs=byline.orgs, date=date,
        category=header["category"], has_code=header["code"] is not None,
    )


# --------------------------------------------------------------------------- layouts (b), (c), (d)


@dataclass
class _Unit:
    """One meaningful piece of a block listing: text, a metadata block, furniture, or a page date."""

    kind: str  # "text" | "meta" | "furniture" | "date"
    first: Line
    lines: list[Line] = field(default_factory=list)
    text: str = ""


def _units(lines: Iterable[Line]) -> Iterator[_Unit]:
    """Group lines into units: a ``•`` line opens a metadata unit that takes the ``·`` and date
    lines after it; furniture glued to the first title is cut off it."""
    meta: _Unit | None = None
    seen_text = False
    for ln in lines:
        text = ln.text.strip()
        if meta is not None:
            if text and (text == "·" or parse_date_line(text) is not None):
                meta.lines.append(ln)
                continue
            yield meta
            meta = None
        if not text:
            continue
        if AUTHORS_RE.match(text):
            meta = _Unit("meta", ln, [ln])
            continue
        if is_furniture(text) and not ln.error:
            yield _Unit("furniture", ln, text=text)
            continue
        if parse_listing_date(text) is not None and not ln.error:
            yield _Unit("date", ln, text=text)
            continue
        if not seen_text:
            for prefix in GLUED_FURNITURE:
                rest = text[len(prefix):]
                if text.startswith(prefix) and rest[:1].isupper():
                    text = rest
                    break
        seen_text = True
        yield _Unit("text", ln, [ln], text=text)
    if meta is not None:
        yield meta


def read_blocks(lines: Iterable[Line], source: str, layout: Layout) -> Iterator[Paper | SkippedRecord]:
    """Layouts (b), (c), (d): title then abstract (then, in (c), a metadata block), furniture around."""
    units = deque[_Unit]()
    stream = _units(lines)

    def next_text_is_abstract() -> bool:
        # look past furniture to the next text unit (bounded: furniture is a few lines)
        for unit in units:
            if unit.kind == "text":
                return looks_like_abstract(unit.text)
            if unit.kind == "meta":
                return False
        for unit in stream:
            units.append(unit)
            if unit.kind == "text":
                return looks_like_abstract(unit.text)
            if unit.kind == "meta":
                return False
        return False

    title: _Unit | None = None
    abstract: _Unit | None = None

    def finish(meta: _Unit | None = None) -> Paper | SkippedRecord:
        assert title is not None and abstract is not None
        entry = _Entry(title.first, [abstract.first, *(meta.lines if meta else [])])
        error = entry.error()
        if error:
            return _skip(source, title.first.number, error)
        fields: dict = {}
        if meta is not None:
            parsed = _parse_meta(meta)
            if isinstance(parsed, str):
                return _skip(source, title.first.number, parsed)
            count, date, upvotes = parsed
            fields = {"author_count": count, "date": date, "upvotes": upvotes}
        return _paper(source, title.first.number, layout, title.text, abstract.text, **fields)

    while True:
        unit = units.popleft() if units else next(stream, None)
        if unit is None:
            break
        if unit.kind in ("furniture", "date"):
            if title is not None and abstract is not None:
                yield finish()
                title = abstract = None
            continue
        if unit.kind == "meta":
            if title is not None and abstract is not None:
                yield finish(unit)
            else:
                if title is not None:
                    yield _skip(source, title.first.number, "truncated entry: title without abstract")
                yield _skip(source, unit.first.number, "metadata block without a title and abstract")
            title = abstract = None
            continue
        # a text unit
        if title is not None and abstract is None:
            if not looks_like_abstract(unit.text) and next_text_is_abstract():
                # the pending title lost its abstract: this line is the next title
                yield _skip(source, title.first.number, "truncated entry: title without abstract")
                title = unit
            else:
                abstract = unit
            continue
        if title is not None and abstract is not None:
            yield finish()
            title = abstract = None
        if looks_like_abstract(unit.text) and not unit.first.error:
            yield _skip(source, unit.first.number, "truncated entry: abstract without a title")
            continue
        title = unit
    if title is not None:
        if abstract is None:
            yield _skip(source, title.first.number, "truncated entry: title without abstract at end of file")
        else:
            yield finish()


def _parse_meta(meta: _Unit) -> tuple[int, PaperDate | None, int | None] | str:
    """``• 3 authors`` / ``·`` / ``Sep 30, 2024 [upvotes]`` -> (count, date, upvotes) or a reason."""
    texts = [ln.text.strip() for ln in meta.lines]
    match = AUTHORS_RE.match(texts[0])
    assert match is not None
    if len(texts) != 3 or texts[1] != "·":
        return f"truncated entry: metadata block of line {meta.first.number} lacks its '·' and date lines"
    parsed = parse_date_line(texts[2])
    if parsed is None:
        return f"bad date line {meta.lines[2].number}: {texts[2]!r}"
    date, upvotes = parsed
    return int(match["count"]), date, upvotes
