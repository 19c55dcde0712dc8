"""JSON Lines records: the generic input format for other sources and for evaluation.

One object per line: ``id``, ``title``, ``abstract``, optional ``authors`` (list of names),
``date`` (ISO text at any precision), ``orgs`` (list of slugs or one comma separated string).
Paper fields such as ``et_al``, ``author_count``, ``category``, ``has_code``, ``upvotes`` and
``arxiv_id`` are read when present; other keys (gold annotations, say) are ignored. A given
``id`` is kept as the paper id (without control characters, as every string), so that what
``kg extract`` prints joins back to the records it read (evaluation sets match on it); an ``id`` shaped like an arXiv id
(``2301.12345``, ``arXiv:2301.12345v2``, ``hep-th/9901001``) also sets ``arxiv_id``. Without an
``id`` the paper gets the deterministic kg.models.paper_id. Blank lines are not records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from kg.ingest.dates import parse_iso_date
from kg.ingest.layouts import clean, too_long
from kg.ingest.lines import Line
from kg.models import Paper, Provenance, SkippedRecord, paper_id

_ARXIV_ID_RE = re.compile(
    r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)?"
    r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?:\.pdf)?$",
    re.IGNORECASE,
)
#: a JSON escape of a UTF-16 surrogate: paired it is one character, alone it is no text at all
_SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_OPTIONAL = {"et_al": bool, "author_count": int, "category": str, "has_code": bool, "upvotes": int}


def arxiv_id_of(value: str) -> str | None:
    """The arXiv id in ``value`` (bare, ``arXiv:`` prefixed or an abs/pdf URL), without version."""
    match = _ARXIV_ID_RE.match(value.strip())
    return re.sub(r"v\d+$", "", match["id"]) if match else None


class _BadRecord(ValueError):
    pass


def _strings(value: Any, name: str, *, split_commas: bool = False) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) and split_commas:
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _BadRecord(f"'{name}' must be a list of strings")
    return [c for c in map(clean, value) if c]  # control characters are garbage, as in titles


def record_to_paper(record: Any, source: str, line: int) -> Paper:
    """One decoded JSON value -> Paper; raises _BadRecord with the reason when it is not one."""
    if not isinstance(record, dict):
        raise _BadRecord(f"a record must be a JSON object, not {type(record).__name__}")
    title = record.get("title")
    if not isinstance(title, str) or not clean(title):
        raise _BadRecord("missing or empty 'title'")
    abstract = record.get("abstract", "")
    if abstract is None:
        abstract = ""
    if not isinstance(abstract, str):
        raise _BadRecord("'abstract' must be a string")
    arxiv = None
    for key in ("arxiv_id", "id"):
        value = record.get(key)
        if value is not None and not isinstance(value, (str, int)):
            raise _BadRecord(f"'{key}' must be a string")
        if isinstance(value, str) and (found := arxiv_id_of(value)):
            arxiv = found
            break
    if isinstance(record.get("arxiv_id"), str) and arxiv is None:
        raise _BadRecord(f"'arxiv_id' is not an arXiv id: {record['arxiv_id']!r}")
    date = None
    if record.get("date") not in (None, ""):
        if not isinstance(record["date"], str):
            raise _BadRecord("'date' must be ISO text such as 2023, 2023-01 or 2023-01-23")
        date = parse_iso_date(record["date"])
        if date is None:
            raise _BadRecord(f"'date' is not a date: {record['date']!r}")
    extra = {}
    for key, kind in _OPTIONAL.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _BadRecord(f"'{key}' must be {kind.__name__}")
        if kind is int and value < 0:  # a count of authors or upvotes
            raise _BadRecord(f"'{key}' must not be negative, not {value}")
        extra[key] = value
    title = clean(title)
    if reason := too_long(title, clean(abstract)):
        raise _BadRecord(reason)
    given = record.get("id")
    given = clean(str(given)) if given is not None else ""
    try:
        return Paper(
            id=given or paper_id(title, arxiv),
            title=title,
            abstract=clean(abstract),
            arxiv_id=arxiv,
            authors=_strings(record.get("authors"), "authors"),
            orgs=_strings(record.get("orgs"), "orgs", split_commas=True),
            date=date,
            sources=[Provenance(source=source, line=line, layout="jsonl")],
            **extra,
        )
    except ValidationError as exc:
        raise _BadRecord(f"invalid record: {exc.errors()[0]['msg']}") from None


def read_jsonl(lines: Iterable[Line], source: str) -> Iterator[Paper | SkippedRecord]:
    """JSON Lines -> one Paper per good line, one SkippedRecord (with the reason) per bad line."""
    for ln in lines:
        if not ln.text.strip():
            continue
        if ln.error:
            yield SkippedRecord(source=source, line=ln.number, reason=ln.error)
            continue
        try:
            record = json.loads(ln.text)
        except json.JSONDecodeError as exc:
            yield SkippedRecord(
                source=source, line=ln.number, reason=f"bad JSON: {exc.msg} at column {exc.colno}"
            )
            continue
        except RecursionError:
            yield SkippedRecord(source=source, line=ln.number, reason="bad JSON: nested too deeply")
            continue
        if _SURROGATE_ESCAPE_RE.search(ln.text) and _has_lone_surrogate(record):
            yield SkippedRecord(source=source, line=ln.number,
                                reason="bad record: a lone UTF-16 surrogate escape (\\ud800-\\udfff) is not text")
            continue
        try:
            yield record_to_paper(record, source, ln.number)
        except _BadRecord as exc:
            yield SkippedRecord(source=source, line=ln.number, reason=f"bad record: {exc}")


def _has_lone_surrogate(record: Any) -> bool:
    """True when a string of the decoded record holds an unpaired surrogate, which no UTF-8 file,
    store or JSON output can hold (it failed the build when the paper was written out)."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def looks_like_jsonl(sample: list[Line]) -> bool:
    """True when the first non-blank line is a JSON object."""
    for ln in sample:
        text = ln.text.strip()
        if not text:
            continue
        if not text.startswith("{"):
            return False
        try:
            return isinstance(json.loads(text), dict)
        except (json.JSONDecodeError, RecursionError):
            return False
    return False
