"""Hostile input, shaped like the real thing: synthetic listings of every layout and JSON Lines,
mutated by hypothesis (garbage bytes, huge lines, control characters, NUL bytes, mixed encodings,
truncation). Every reader either reads papers or reports InputError / SkippedRecord with file and
line; a strict build that meets a bad file loads nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError, KGError
from kg.ingest import iter_entries, read_paths
from kg.ingest.lines import MAX_TEXT_CHARS
from kg.models import Paper, SkippedRecord
from kg.pipeline import load_pipeline_file, run_pipeline
from kg.store import canonical_dump, open_store
from kg.synth import LAYOUTS, SynthConfig, format_entry, jsonl_record, make_paper
from kg.synth.write import _FOOTERS, _HEADERS
from synth_build import pipeline

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONFIG = SynthConfig(n=30, seed=5)
FORMATS = (*LAYOUTS, "jsonl")


def clean_bytes(fmt: str, count: int = 4) -> bytes:
    """A small, well-formed synthetic file of one layout (or JSON Lines)."""
    papers = [make_paper(CONFIG, i).paper for i in range(count)]
    if fmt == "jsonl":
        return "".join(jsonl_record(p, i) for i, p in enumerate(papers)).encode("utf-8")
    body = "".join(format_entry(p, fmt, CONFIG.end_year) for p in papers)
    return (_HEADERS[fmt].format(today="Jun 3") + body + _FOOTERS[fmt]).encode("utf-8")


HOSTILE = st.sampled_from(
    [b"\x00", b"\x00" * 50, b"\xff\xfe", b"\xe9", b"caf\xe9 ", b"\x1b[31m", b"\r", b"\r\n", b"\x0c", b"\x85",
     b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\t", b"\x7f", b"{", b"}", b"\"", b"\n\n\n", b" \xc2\xb7 ",
     b"  \xe2\x80\xa2 ", b"OSZAR \xc2\xbb", "x".encode() * 200_000, "\u00e9".encode("latin-1") * 1000]
)


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A clean file of some format with a few hostile edits and maybe a truncation."""
    fmt = draw(st.sampled_from(FORMATS))
    data = bytearray(clean_bytes(fmt))
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["insert", "replace", "delete", "latin1"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data[at:at] = draw(HOSTILE)
        elif kind == "replace":
            data[at:at + 1] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 400))]
        else:  # a stretch re-encoded as Latin-1: a mixed-encoding file
            chunk = bytes(data[at:at + 300]).decode("utf-8", errors="ignore")
            data[at:at + 300] = chunk.encode("latin-1", errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return fmt, bytes(data)


def check_reader(path: Path) -> None:
    entries = list(iter_entries(path))
    assert all(isinstance(e, (Paper, SkippedRecord)) for e in entries)
    for e in entries:
        if isinstance(e, SkippedRecord):
            assert e.source == str(path) and e.line >= 1 and e.reason
        else:
            assert e.sources and all(s.source == str(path) and s.line >= 1 for s in e.sources)
            assert e.title.strip()
            e.model_dump_json()  # what a build writes of every paper (a lone surrogate failed it here)
            assert len(e.text) <= MAX_TEXT_CHARS  # the extractor refuses longer texts
    try:
        strict = list(iter_entries(path, strict=True))
    except InputError as exc:
        assert exc.source == str(path), exc
        assert exc.line is not None and exc.line >= 1, exc
    else:
        assert all(isinstance(e, Paper) for e in strict)
    result = read_paths([path])
    assert result.entries == sum(len(p.sources) for p in result.papers) + len(result.skipped)


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_synthetic_files_read_without_skips(tmp_path, fmt):
    path = tmp_path / f"clean.{'jsonl' if fmt == 'jsonl' else 'txt'}"
    path.write_bytes(clean_bytes(fmt))
    result = read_paths([path])
    assert not result.skipped, result.skipped
    assert len(result.papers) == 4
    layouts = {s.layout for p in result.papers for s in p.sources}
    assert layouts == {fmt}


@SETTINGS
@given(case=mutated())
def test_mutated_files_never_raise_anything_else(tmp_path, case):
    fmt, data = case
    path = tmp_path / f"fuzz.{'jsonl' if fmt == 'jsonl' else 'txt'}"
    path.write_bytes(data)
    check_reader(path)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".jsonl", ".md", ""]))
def test_garbage_bytes(tmp_path, data, suffix):
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(data)
    check_reader(path)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 10_000,
        b"LG" + b"x" * 2_000_000,  # one 2 MB line
        ("T\u0000itle\n" * 5000).encode(),
        "\ufeffLGJan 23, 2023\nTitleAnn Lee · org\nAbstract.\n".encode("utf-16"),
        json.dumps({"id": "x", "title": "t" * 1_000_000, "abstract": "a"}).encode() + b"\n",
        b'{"id": "1", "title": null}\n{"id": 2}\n[1, 2]\n"str"\n{"title": "ok", "abstract": "\xff"}\n',
    ],
    ids=["empty", "nul", "huge-line", "nul-in-lines", "utf16", "huge-json-title", "bad-json-records"],
)
def test_pathological_files(tmp_path, data):
    for name in ("p.txt", "p.jsonl"):
        path = tmp_path / name
        path.write_bytes(data)
        check_reader(path)


#: JSON values of any shape, their strings of any code point, lone surrogates included
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(blacklist_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ("id", "title", "abstract", "authors", "orgs", "date", "arxiv_id", "et_al", "author_count", "category",
          "has_code", "upvotes")


@SETTINGS
@given(records=st.lists(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=len(FIELDS)), max_size=6),
       titles=st.lists(st.text(st.characters(blacklist_categories=()), min_size=1, max_size=40), max_size=6))
def test_json_lines_of_any_types_and_code_points(tmp_path, records, titles):
    for record, title in zip(records, titles):
        record.setdefault("title", title)  # most records get far enough to test the other fields
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records) or "\n", encoding="utf-8")
    check_reader(path)


@pytest.mark.parametrize("record, reason", [
    ({"id": "s1", "title": "Lone \ud800 surrogate", "abstract": "x"}, "lone UTF-16 surrogate"),
    ({"id": "s2", "title": "T", "abstract": "y", "authors": ["Ann \udfff Lee"]}, "lone UTF-16 surrogate"),
    ({"id": "s3", "title": "Long", "abstract": "word " * 200_000}, "entry too long: 1000004 characters"),
    ({"id": "s4", "title": "T", "abstract": "y", "author_count": -5}, "'author_count' must not be negative"),
    ({"id": "s5", "title": "T", "abstract": "y", "upvotes": -1}, "'upvotes' must not be negative"),
])
def test_a_record_no_build_can_write_is_skipped_with_its_reason(tmp_path, record, reason):
    # each used to fail the build (a UnicodeEncodeError writing the paper, spaCy's E088 extracting it) or,
    # for the negative counts, to be stored as they were
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "title": "Fine", "abstract": "Paired \\ud83d\\ude00 is one character."}\n'
                    + json.dumps(record) + "\n", encoding="utf-8")
    check_reader(path)
    result = read_paths([path])
    assert [p.id for p in result.papers] == ["ok"] and result.papers[0].abstract.startswith("Paired \U0001f600")
    (skipped,) = result.skipped
    assert skipped.line == 2 and reason in skipped.reason, skipped


def test_control_characters_leave_ids_names_and_slugs(tmp_path):
    path = tmp_path / "ctl.jsonl"
    path.write_text(json.dumps({"id": "a\u0000b\u001b", "title": "T", "abstract": "x",
                                "authors": ["Ann\u0000 Lee", "\u0007"], "orgs": "cmu,\u0000,meta\u0008-ai"}) + "\n")
    (paper,) = read_paths([path]).papers
    assert (paper.id, paper.authors, paper.orgs) == ("ab", ["Ann Lee"], ["cmu", "meta-ai"])


def test_a_listing_entry_too_long_for_the_extractor_is_skipped(tmp_path):
    data = clean_bytes("blocks-plain").decode()
    abstract = next(li for li in data.splitlines() if len(li) > 60)  # the first entry's abstract line
    path = tmp_path / "long.txt"
    path.write_text(data.replace(abstract, abstract + " more" * 200_001, 1), encoding="utf-8")
    check_reader(path)
    result = read_paths([path])
    assert len(result.papers) == 3 and [s.reason.split(":")[0] for s in result.skipped] == ["entry too long"]


@pytest.mark.parametrize("command", [["ingest"], ["extract"], ["build", "--store", "g.lbdb", "--n-process", "1"]])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_pipe_or_device_given_as_input_is_refused_not_read_forever(tmp_path, command, special):
    # kg ingest on a named pipe blocked for ever; kg build /dev/zero hashed it for ever
    import os
    import subprocess
    import sys

    if special == "fifo":
        os.mkfifo(tmp_path / "fifo")
    proc = subprocess.run([sys.executable, "-m", "kg", command[0], special, *command[1:]], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "KG_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr
    assert f"Error: {special}: not a regular file" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "g.lbdb").exists()
    if special == "fifo":
        (entry,) = iter_entries(tmp_path / "fifo")  # the reader itself: one skipped record, no wait
        assert isinstance(entry, SkippedRecord) and entry.reason.startswith("not a regular file")


def _pipeline(tmp_path: Path, inputs: list[Path], store: Path, *, strict: bool) -> Path:
    return pipeline(tmp_path, inputs, store, stages=("ingest", "resolve", "load"), name="fuzz.toml",
                    strict=strict, prune=False, cache=tmp_path / "cache")


def test_strict_build_with_a_bad_file_loads_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(clean_bytes("blocks-meta"))
    bad = tmp_path / "zz-bad.jsonl"
    bad.write_bytes(clean_bytes("jsonl")[:-40] + b"\x00\xff{not json\n")
    store = tmp_path / "graph.lbdb"
    with open_store(str(store)) as s:
        s.apply_schema()
        empty = canonical_dump(s)
    with pytest.raises(KGError) as info:
        run_pipeline(load_pipeline_file(_pipeline(tmp_path, [good, bad], store, strict=True)))
    assert isinstance(info.value, InputError) and info.value.source == str(bad) and info.value.line
    with open_store(str(store), read_only=True) as s:
        assert canonical_dump(s) == empty  # not half-loaded: the good file's papers are not there either


def test_lenient_build_loads_exactly_the_papers_read_and_reports_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(clean_bytes("blocks-plain"))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a1", "title": "Readable", "abstract": "Fine."}\n{broken\n\x00\x00\n')
    store = tmp_path / "graph.lbdb"
    summary = run_pipeline(load_pipeline_file(_pipeline(tmp_path, [good, bad], store, strict=False)))
    expected = read_paths([good, bad])
    assert summary.papers == len(expected.papers) >= 4
    assert summary.skipped_records == len(expected.skipped) >= 1
    with open_store(str(store), read_only=True) as s:
        ids = {r["id"] for r in s.query("MATCH (p:Paper) RETURN p.id AS id")}
    assert ids == {p.id for p in expected.papers}
