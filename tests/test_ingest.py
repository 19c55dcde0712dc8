"""Ingest on small fixtures written for these tests: layouts, bylines, dates, JSON Lines,
deduplication, bad input (strict and skip), streaming and the `kg ingest` command."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import InputError
from kg.ingest import (
    deduplicate,
    file_layout,
    iter_entries,
    iter_papers,
    parse_iso_date,
    parse_listing_date,
    read_paths,
    split_byline,
)
from kg.ingest.dates import parse_date_line
from kg.models import Paper, PaperDate, Provenance, SkippedRecord, normalise_title, paper_id

FIXTURES = Path(__file__).parent / "fixtures" / "listings"


def fixture(name: str) -> Path:
    return FIXTURES / name


def entries(name: str, **kwargs) -> list[Paper | SkippedRecord]:
    return list(iter_entries(fixture(name), **kwargs))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [("Jan 23, 2023", "2023-01-23", "day"), ("Feb 17", "--02-17", "month-day"),
     ("Sep 2025", "2025-09", "month"), ("September 3, 2021", "2021-09-03", "day")],
)
def test_listing_dates_keep_their_precision(text, iso, precision):
    date = parse_listing_date(text)
    assert (date.iso, date.precision) == (iso, precision)


def test_a_date_without_a_year_gets_no_year():
    date = parse_listing_date("Feb 29")
    assert date.year is None and (date.month, date.day) == (2, 29)


@pytest.mark.parametrize("text", ["Feb 30, 2023", "Foo 3", "Jan 23, 2023x", "", "Feb 29, 2023"])
def test_impossible_or_foreign_dates_are_not_dates(text):
    assert parse_listing_date(text) is None


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [("2023", "2023", "year"), ("2023-01", "2023-01", "month"), ("2023-01-23", "2023-01-23", "day"),
     ("--02-17", "--02-17", "month-day"), ("2023-01-23T10:00:00Z", "2023-01-23", "day")],
)
def test_iso_dates_at_any_precision(text, iso, precision):
    date = parse_iso_date(text)
    assert (date.iso, date.precision) == (iso, precision)


def test_date_lines_carry_an_optional_upvote_count():
    date, upvotes = parse_date_line("Jan 3 2")
    assert (date.iso, upvotes) == ("--01-03", 2)
    date, upvotes = parse_date_line("Jul 19, 2025 1")
    assert (date.iso, upvotes) == ("2025-07-19", 1)
    assert parse_date_line("Sep 30, 2024")[1] is None


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "title", "authors", "et_al", "orgs"),
    [
        ("Towards Causation for Embodied AITaco Cohen", "Towards Causation for Embodied AI",
         ["Taco Cohen"], False, []),
        ("Does equivariance matter at scale?Johann Brehmer, Pim de Haan et al.",
         "Does equivariance matter at scale?", ["Johann Brehmer", "Pim de Haan"], True, []),
        ("Grids, Groups, and GaugesMichael M. Bronstein, Joan Bruna",
         "Grids, Groups, and Gauges", ["Michael M. Bronstein", "Joan Bruna"], False, []),
        ("Code World ModelsFAIR CodeGen team, Jade Copet et al. · meta-ai",
         "Code World Models", ["FAIR CodeGen team", "Jade Copet"], True, ["meta-ai"]),
        ("Atoms at ScaleBrandon M. Wood, Xiang Fu et al. · baidu, cmu",
         "Atoms at Scale", ["Brandon M. Wood", "Xiang Fu"], True, ["baidu", "cmu"]),
        ("Learning with RLHFJ. Smith, Ana Ruiz", "Learning with RLHF", ["J. Smith", "Ana Ruiz"], False, []),
        ("Vision for the WorldYann LeCun, Ties van Rozendaal", "Vision for the World",
         ["Yann LeCun", "Ties van Rozendaal"], False, []),
        ("Towards Vision with CereGenHugo J. Pelard, Bao Maroto", "Towards Vision with CereGen",
         ["Hugo J. Pelard", "Bao Maroto"], False, []),
        ("Value Sampling Beyond SMOMaren Ferr, Rohan D'Souza", "Value Sampling Beyond SMO",
         ["Maren Ferr", "Rohan D'Souza"], False, []),
        ("Kings of the WorldShaquille O'Neal", "Kings of the World", ["Shaquille O'Neal"], False, []),
        ("Pretraining at ScaleDeepSeek-AI", "Pretraining at Scale", ["DeepSeek-AI"], False, []),
        ("Kernels über AllesSönke Behrends, Jordi Armengol Estapé", "Kernels über Alles",
         ["Sönke Behrends", "Jordi Armengol Estapé"], False, []),
    ],
)
def test_bylines_split_at_the_evidence(line, title, authors, et_al, orgs):
    byline = split_byline(line)
    assert (byline.title, byline.authors, byline.et_al, byline.orgs) == (title, authors, et_al, orgs)


def test_a_title_seen_elsewhere_settles_an_ambiguous_split():
    # "XYZ Lab" and "YZ Lab" are both credible group authors; another listing knows the title
    line = "Agents for the Web of ThingsXYZ Lab"
    assert split_byline(line).title == "Agents for the Web of Things"
    known = {normalise_title("Agents for the Web of ThingsX")}
    assert split_byline(line, known_titles=known).title == "Agents for the Web of ThingsX"


def test_a_byline_without_any_name_is_not_split():
    assert split_byline("just a lowercase title with no authors") is None


# --------------------------------------------------------------------------- layouts


@pytest.mark.parametrize(
    ("name", "layout"),
    [("header_byline.txt", "header-byline"), ("alternating.txt", "alternating"),
     ("blocks_meta.txt", "blocks-meta"), ("blocks_plain.txt", "blocks-plain"),
     ("papers.jsonl", "jsonl"), ("unknown_layout.csv", None), ("empty.txt", None), ("binary.bin", None)],
)
def test_layouts_are_detected_from_content(name, layout):
    assert file_layout(fixture(name)) == layout


def test_layout_is_detected_from_content_not_name(tmp_path):
    disguised = tmp_path / "listing.jsonl.txt"
    disguised.write_bytes(fixture("blocks_meta.txt").read_bytes())
    assert file_layout(disguised) == "blocks-meta"
    records = tmp_path / "records.txt"
    records.write_text('{"title": "T", "abstract": "A."}\n', encoding="utf-8")
    assert file_layout(records) == "jsonl"


def test_header_byline_fixture():
    papers = entries("header_byline.txt", strict=True)
    assert [p.title for p in papers] == [
        "Sparse Routers, Dense Experts: Scaling Mixture Models", "Toy Worlds for Agents",
        "Does scale help small models?"]
    first, toy, scale = papers
    assert first.authors == ["Zoe Alvarez", "Ming-Hua Li", "Pieter van der Berg"] and first.et_al
    assert first.orgs == ["acme-ai", "uni-x"] and first.has_code is True and first.category == "CL"
    assert toy.authors == ["TOY Agents team", "Ana K. Ruiz"] and toy.has_code is False
    assert toy.date == PaperDate(month=2, day=17, precision="month-day")
    assert scale.authors == ["Kai Ng"] and [p.sources[0].line for p in papers] == [1, 4, 7]


def test_alternating_fixture_cuts_furniture_glued_to_the_first_title():
    papers = entries("alternating.txt", strict=True)
    assert [p.title for p in papers] == [
        "Graph Priors for Molecule Generation",
        "Sparse Routers, Dense Experts: Scaling Mixture Models",
        "Curriculum Search in Program Synthesis"]
    assert [p.sources[0].line for p in papers] == [3, 5, 7]
    assert papers[0].abstract.startswith("We introduce graph priors")


def test_blocks_meta_fixture():
    papers = entries("blocks_meta.txt", strict=True)
    featured, priors, kernels = papers
    assert featured.title == "A Featured Paper Without Metadata"
    # "Feb 17" after "Daily Papers" is the page's date: it dates no entry
    assert featured.date is None and featured.author_count is None
    assert (priors.author_count, priors.date.iso, priors.upvotes) == (4, "--01-03", 2)
    assert (kernels.author_count, kernels.date.iso, kernels.upvotes) == (1, "2025-07-19", 12)
    assert [p.sources[0].line for p in papers] == [13, 17, 25]


def test_blocks_plain_fixture_reads_only_the_entries():
    papers = entries("blocks_plain.txt", strict=True)
    assert [(p.title, p.sources[0].line, p.date) for p in papers] == [
        ("Learning to Plan with Language", 11, None), ("Learning Without Labels at Scale", 15, None)]


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_records_and_bad_lines():
    got = entries("papers.jsonl")
    papers = [e for e in got if isinstance(e, Paper)]
    skipped = [e for e in got if isinstance(e, SkippedRecord)]
    priors, by_year = papers
    # a given id is kept verbatim (output joins back to the input); arXiv-shaped ids also set arxiv_id
    assert priors.arxiv_id == "2401.01234" and priors.id == "2401.01234v2"
    assert priors.authors == ["Rosa Diaz", "Tom Brandt"] and priors.orgs == ["uni-x"]
    assert by_year.date.precision == "year" and by_year.id == "p-2"
    assert [(s.line, s.reason.split(":")[0]) for s in skipped] == [
        (4, "bad JSON"), (5, "bad record"), (6, "bad record"), (7, "bad record"), (8, "bad record")]
    assert "'date' is not a date" in skipped[3].reason


def test_jsonl_strict_names_file_and_line():
    with pytest.raises(InputError) as info:
        entries("papers.jsonl", strict=True)
    assert info.value.line == 4 and info.value.source.endswith("papers.jsonl")
    assert str(info.value).startswith(f"{fixture('papers.jsonl')}:4: bad JSON")


@pytest.mark.parametrize("value", ["arXiv:2301.12345v3", "https://arxiv.org/abs/2301.12345", "2301.12345"])
def test_jsonl_ids_that_look_like_arxiv_ids_set_arxiv_id(tmp_path, value):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": value, "title": "T", "orgs": "a, b"}) + "\n", encoding="utf-8")
    (paper,) = entries_of(path)
    assert paper.arxiv_id == "2301.12345" and paper.orgs == ["a", "b"]


def test_jsonl_without_id_gets_the_deterministic_id(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"title": "Untitled Work", "abstract": "x"}) + "\n", encoding="utf-8")
    (paper,) = entries_of(path)
    assert paper.id == paper_id("Untitled Work")


def test_a_given_id_survives_merging_with_a_listing_entry(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "eval-7", "title": "Graph Priors for Molecule Generation"}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"title": "Graph Priors for Molecule Generation", "abstract": "Longer."}) + "\n")
    (paper,) = read_paths([tmp_path]).papers
    assert paper.id == "eval-7" and paper.abstract == "Longer." and len(paper.sources) == 2


def entries_of(path: Path, **kwargs):
    return list(iter_entries(path, **kwargs))


# --------------------------------------------------------------------------- deduplication


def test_duplicates_across_layouts_merge_into_one_paper_with_every_source():
    result = read_paths([FIXTURES])
    priors = next(p for p in result.papers if p.title == "Graph Priors for Molecule Generation")
    assert [(Path(s.source).name, s.line, s.layout) for s in priors.sources] == [
        ("alternating.txt", 3, "alternating"), ("blocks_meta.txt", 17, "blocks-meta"),
        ("papers.jsonl", 1, "jsonl")]
    # arXiv id from JSON Lines, day date beats month-day, counts and upvotes from (c)
    assert priors.id == "2401.01234v2" and priors.date.iso == "2024-01-03"  # the JSON Lines id wins
    assert (priors.author_count, priors.upvotes, priors.authors) == (4, 2, ["Rosa Diaz", "Tom Brandt"])
    routers = next(p for p in result.papers if p.title.startswith("Sparse Routers"))
    assert routers.has_code is True and routers.category == "CL" and routers.orgs == ["acme-ai", "uni-x"]
    assert routers.abstract.endswith("with a longer abstract here.")  # the longest abstract wins
    assert len({p.id for p in result.papers}) == len(result.papers)


def _paper(title, source, line, **fields):
    return Paper(id=paper_id(title, fields.get("arxiv_id")), title=title,
                 sources=[Provenance(source=source, line=line, layout="jsonl")], **fields)


def test_merge_rules():
    merged = deduplicate([
        _paper("Deep Sets", "b", 1, authors=["A B"], orgs=["x"], date=parse_iso_date("2017")),
        _paper("deep  sets!", "a", 9, authors=["A B", "C D"], orgs=["y", "x"], et_al=True,
               date=parse_iso_date("2017-03"), has_code=False),
        _paper("Deep Sets", "c", 2, date=parse_iso_date("--03-10"), has_code=True, upvotes=3),
    ])
    (paper,) = merged
    assert paper.title == "deep  sets!"  # the first source in (file, line) order
    assert paper.authors == ["A B", "C D"] and paper.et_al is True
    assert paper.orgs == ["y", "x"] and paper.date.iso == "2017-03"
    assert paper.has_code is True and paper.upvotes == 3
    assert [s.source for s in paper.sources] == ["a", "b", "c"]


def test_different_arxiv_ids_with_one_title_stay_apart():
    merged = deduplicate([
        _paper("Survey", "a", 1, arxiv_id="2101.00001"), _paper("Survey", "a", 2, arxiv_id="2101.00002"),
        _paper("Survey", "a", 3)])
    assert sorted(p.id for p in merged) == ["arxiv:2101.00001", "arxiv:2101.00002"]
    assert sum(len(p.sources) for p in merged) == 3


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [("empty.txt", 1, "empty file"), ("binary.bin", 3, "binary file: NUL byte at byte offset 8"),
     ("unknown_layout.csv", 1, "unknown layout"),
     ("latin1.txt", 2, "wrong encoding: not UTF-8 (byte 0xe9 at byte offset 44)"),
     ("truncated_header_byline.txt", 4, "truncated entry: no abstract"),
     ("truncated_blocks.txt", 1, "truncated entry: title without abstract")],
)
def test_bad_input_is_skipped_with_file_line_and_reason(name, line, reason):
    skipped = [e for e in entries(name) if isinstance(e, SkippedRecord)]
    assert skipped[0].line == line and skipped[0].reason.startswith(reason)
    assert skipped[0].source == str(fixture(name))
    with pytest.raises(InputError) as info:
        entries(name, strict=True)
    assert (info.value.line, info.value.reason) == (line, skipped[0].reason)


def test_truncated_blocks_keep_the_good_entry_and_report_both_losses():
    got = entries("truncated_blocks.txt")
    assert [(type(e).__name__, e.sources[0].line if isinstance(e, Paper) else e.line) for e in got] == [
        ("SkippedRecord", 1), ("Paper", 3), ("SkippedRecord", 7)]


def test_wrong_encoding_costs_only_the_entry_it_is_in():
    got = entries("latin1.txt")
    assert [type(e).__name__ for e in got] == ["SkippedRecord", "Paper"]
    assert got[1].title == "Plain Ascii Title"


def test_utf16_is_named(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Title\nAbstract.\n".encode("utf-16"))
    (record,) = entries_of(path)
    assert record.reason.startswith("wrong encoding: the file is UTF-16")


def test_nul_bytes_after_the_start_cost_their_entry(tmp_path):
    # a NUL in the first 8 KB marks a binary file (above); later, it costs only its entry
    abstract = "An abstract of a paper. " * 10
    body = "".join(f"Title Number {i}\n{abstract}\n" for i in range(60))
    text = body.replace("Title Number 50", "Title Num\x00ber 50").encode("utf-8")
    path = tmp_path / "nul.txt"
    path.write_bytes(text)
    got = entries_of(path)
    skipped = [e for e in got if isinstance(e, SkippedRecord)]
    assert len(got) == 60 and [s.line for s in skipped] == [101]
    assert skipped[0].reason.startswith("binary data: NUL byte at byte offset")


def test_nul_bytes_at_the_start_make_a_binary_file(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(fixture("alternating.txt").read_bytes().replace(b"Curriculum", b"Curr\x00iculum"))
    (record,) = entries_of(path)
    assert (record.line, record.reason.split(":")[0]) == (7, "binary file")


def test_huge_lines_are_refused_without_loading_them(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text('{"title": "ok"}\n' + '{"title": "' + "x" * (2 << 20) + '"}\n{"title": "after"}\n',
                    encoding="utf-8")
    got = entries_of(path)
    assert [type(e).__name__ for e in got] == ["Paper", "SkippedRecord", "Paper"]
    assert got[1].line == 2 and got[1].reason.startswith("huge line")
    assert got[2].title == "after" and got[2].sources[0].line == 3


def test_control_characters_and_garbage_never_raise(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(b"\x1b[31mTitle\x07\n" + b"\xff\xfe" * 50 + b"\n" + b"\x01\x02 word" * 40 + b"\n")
    got = entries_of(path)
    assert got and all(isinstance(e, (Paper, SkippedRecord)) for e in got)


def test_nothing_is_dropped_silently():
    result = read_paths([FIXTURES])
    assert result.entries == sum(len(p.sources) for p in result.papers) + len(result.skipped)
    sources = {Path(s.source).name for s in result.skipped}
    assert {"empty.txt", "binary.bin", "unknown_layout.csv", "latin1.txt",
            "truncated_header_byline.txt", "truncated_blocks.txt", "papers.jsonl"} <= sources


def test_missing_path_is_an_input_error():
    with pytest.raises(InputError, match="no such file"):
        read_paths([FIXTURES / "absent.txt"])


# --------------------------------------------------------------------------- streaming


def test_iter_papers_streams_one_file_lazily_and_reports_skips():
    stream = iter_papers(fixture("papers.jsonl"), on_skip=(skipped := []).append)
    assert isinstance(stream, types.GeneratorType)
    first = next(stream)
    assert first.title == "Graph Priors for Molecule Generation" and skipped == []
    rest = list(stream)
    assert len(rest) == 1 and len(skipped) == 5


def test_iter_papers_logs_skips_when_no_callback(caplog):
    assert len(list(iter_papers(fixture("truncated_blocks.txt")))) == 1
    assert "truncated_blocks.txt:1: skipped: truncated entry" in caplog.text


def test_read_paths_is_deterministic_for_files_and_directories():
    by_dir = read_paths([FIXTURES])
    files = sorted(FIXTURES.iterdir(), reverse=True)
    by_files = read_paths(files)
    assert [p.model_dump() for p in by_dir.papers] == [p.model_dump() for p in by_files.papers]


# --------------------------------------------------------------------------- CLI


def test_cli_jsonl_prints_one_object_per_paper_and_reports_skips():
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(FIXTURES), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(read_paths([FIXTURES]).papers)
    toy = next(r for r in rows if r["title"] == "Toy Worlds for Agents")
    assert (toy["date"], toy["date_precision"]) == ("--02-17", "month-day")
    assert toy["authors"] == ["TOY Agents team", "Ana K. Ruiz"]
    assert toy["sources"] == [{"source": str(fixture("header_byline.txt")), "line": 4, "layout": "header-byline"}]
    assert "skipped" in result.stderr and f"{fixture('empty.txt')}:1: empty file" in result.stderr


def test_cli_strict_is_one_line_and_exit_2():
    result = CliRunner().invoke(main, ["ingest", str(fixture("truncated_blocks.txt")), "--strict"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {fixture('truncated_blocks.txt')}:1: truncated entry")


def test_cli_table_and_help():
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(fixture("header_byline.txt"))])
    assert result.exit_code == 0 and "3 papers from 3 entries" in result.stdout
    help_text = runner.invoke(main, ["ingest", "--help"]).output
    assert "Example:" in help_text and "--strict" in help_text
