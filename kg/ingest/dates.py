"""Dates as listings print them, kept at the precision they were given.

``Jan 23, 2023`` is a day; ``Feb 17`` is a month and day with no year (``year=None``,
precision ``"month-day"``): a year is never invented. ISO text is read at any precision.
"""

from __future__ import annotations

import re

from kg.models import PaperDate

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
#: the date text of a listing: "Jan 23, 2023", "Feb 17", "Sep 2025"
LISTING_DATE = (
    _MONTH + r"\.?\s+(?:(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?|(?P<myear>\d{4}))"
)
_LISTING_DATE_RE = re.compile(rf"^{LISTING_DATE}$", re.IGNORECASE)
#: a date line of layout (c): the date, then an optional upvote count ("Jan 3 2", "Jul 19, 2025 1")
_DATE_LINE_RE = re.compile(rf"^{LISTING_DATE}(?:\s+(?P<upvotes>\d{{1,7}}))?$", re.IGNORECASE)
_ISO_RE = re.compile(
    r"^(?:(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?|--(?P<md_month>\d{2})-(?P<md_day>\d{2}))"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def _build(year: int | None, month: int | None, day: int | None) -> PaperDate | None:
    """A PaperDate whose precision follows from the parts present; None when impossible."""
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= _days_in(month or 1, year):
        return None
    if year is not None and not 1000 <= year <= 2999:
        return None
    if day is not None and month is not None:
        precision = "day" if year is not None else "month-day"
    elif month is not None:
        if year is None:
            return None
        precision = "month"
    elif year is not None:
        precision = "year"
    else:
        return None
    return PaperDate(year=year, month=month, day=day, precision=precision)


def _days_in(month: int, year: int | None) -> int:
    if month == 2:
        # without a year, Feb 29 must stay possible
        if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            return 29
        return 28
    return 30 if month in (4, 6, 9, 11) else 31


def _from_match(match: re.Match[str]) -> PaperDate | None:
    month = MONTHS[match["month"].lower().rstrip(".")]
    if match["myear"]:
        return _build(int(match["myear"]), month, None)
    year = int(match["year"]) if match["year"] else None
    return _build(year, month, int(match["day"]))


def parse_listing_date(text: str) -> PaperDate | None:
    """Parse ``Jan 23, 2023`` / ``Feb 17`` / ``Sep 2025``; None when the text is not such a date.

    >>> parse_listing_date("Feb 17").iso
    '--02-17'
    """
    match = _LISTING_DATE_RE.match(text.strip())
    return _from_match(match) if match else None


def parse_date_line(text: str) -> tuple[PaperDate, int | None] | None:
    """Parse a layout (c) date line: the date and the optional trailing upvote count."""
    match = _DATE_LINE_RE.match(text.strip())
    if not match:
        return None
    date = _from_match(match)
    if date is None:
        return None
    return date, int(match["upvotes"]) if match["upvotes"] else None


def parse_iso_date(text: str) -> PaperDate | None:
    """Parse ISO 8601 text at any precision (``2023``, ``2023-01``, ``2023-01-23``, ``--01-23``,
    a datetime); listing-style text is accepted too. None when it is not a date."""
    text = text.strip()
    match = _ISO_RE.match(text)
    if match is None:
        return parse_listing_date(text)
    if match["md_month"]:
        return _build(None, int(match["md_month"]), int(match["md_day"]))
    return _build(
        int(match["year"]),
        int(match["month"]) if match["month"] else None,
        int(match["day"]) if match["day"] else None,
    )


#: how much a precision tells; deduplication keeps the most informative date
PRECISION_RANK = {"day": 4, "month": 3, "year": 2, "month-day": 1}
