"""Hostile input for every reader: random bytes, random text shaped like listings, and
truncations of the fixtures never raise anything but InputError, and account for every entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import iter_entries, read_paths
from kg.models import Paper, SkippedRecord

FIXTURES = Path(__file__).parent / "fixtures" / "listings"
PIECES = [
    "LGJan 23, 2023Code", "SEMar 25", "Title of a PaperJane Doe, John Smith et al. · meta-ai",
    "An abstract. With two sentences and enough characters to count.", "  • 3 authors", "·",
    "Sep 30, 2024 4", "Feb 17", "new", "Subscribe", "OSZAR »", "", "{\"title\": \"T\"}", "{",
    "Short Title", "Daily Papers", "\x00", "caf\udce9", "x" * 300, "\t\r",
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(path: Path, *, suffix_jsonl: bool = False) -> None:
    got = list(iter_entries(path))
    assert all(isinstance(e, (Paper, SkippedRecord)) for e in got)
    try:
        list(iter_entries(path, strict=True))
    except InputError as exc:
        assert exc.source == str(path) and exc.line is not None
    result = read_paths([path])
    assert result.entries == sum(len(p.sources) for p in result.papers) + len(result.skipped)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path, data):
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    _check(path)


@SETTINGS
@given(lines=st.lists(st.sampled_from(PIECES), max_size=40), jsonl=st.booleans())
def test_listing_shaped_text(tmp_path, lines, jsonl):
    path = tmp_path / ("shaped.jsonl" if jsonl else "shaped.txt")
    path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogateescape"))
    _check(path)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
@SETTINGS
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_fixtures(tmp_path, name, cut):
    data = (FIXTURES / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: int(len(data) * cut)])
    _check(path)
