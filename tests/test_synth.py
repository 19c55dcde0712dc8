"""The synthetic corpus generator: reproducible bytes, the four layouts, JSON Lines, Zipf shapes."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import ConfigError
from kg.synth import LAYOUTS, SynthConfig, format_entry, make_paper, write_corpus, zipf_rank


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_corpus(tmp_path):
    write_corpus(SynthConfig(n=300, seed=11), tmp_path / "a", per_file=50)
    write_corpus(SynthConfig(n=300, seed=11), tmp_path / "b", per_file=50)
    write_corpus(SynthConfig(n=300, seed=12), tmp_path / "c", per_file=50)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_cli_writes_report_and_is_reproducible(tmp_path):
    runner = CliRunner()
    outs = []
    for name in ("x", "y"):
        result = runner.invoke(main, ["synth", "120", "--seed", "5", "--out", str(tmp_path / name), "--json"])
        assert result.exit_code == 0, result.output
        outs.append(json.loads(result.output[result.output.index("{"):]))
    assert outs[0]["papers"] == 120 and outs[0]["jsonl_records"] == 120
    assert outs[0]["entries"] == 120 + outs[0]["duplicates"]
    assert _digest(tmp_path / "x") == _digest(tmp_path / "y")


def test_refuses_to_write_over_a_corpus_and_unknown_formats(tmp_path):
    write_corpus(SynthConfig(n=5), tmp_path)
    with pytest.raises(ConfigError):
        write_corpus(SynthConfig(n=5), tmp_path)
    with pytest.raises(ConfigError):
        write_corpus(SynthConfig(n=5), tmp_path / "new", formats=("pdf",))
    result = CliRunner().invoke(main, ["synth", "3", "--out", str(tmp_path / "z"), "--formats", "xml"])
    assert result.exit_code == 2 and "xml" in result.output and "Traceback" not in result.output


def test_every_layout_and_jsonl_is_written(tmp_path):
    report = write_corpus(SynthConfig(n=400, seed=1), tmp_path, per_file=10_000)
    assert all(report.by_layout[layout] > 20 for layout in LAYOUTS)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("listing-*.txt"))]
    assert len(texts) == 4
    joined = "\n".join(texts)
    assert " et al." in joined and " · " in joined  # header-byline bylines
    assert "SubscribeTowards" in joined or "Subscribe" in joined
    assert "  • " in joined and "\n·\n" in joined  # blocks-meta
    assert joined.rstrip().endswith("»") or "OSZAR »" in joined  # blocks-plain footer
    records = [json.loads(line) for p in tmp_path.glob("papers-*.jsonl") for line in p.read_text().splitlines()]
    assert len(records) == 400
    assert set(records[0]) == {"id", "title", "abstract", "authors", "date", "orgs"}
    assert len({r["id"] for r in records}) == 400


def test_listing_formats_follow_the_sample_layouts():
    paper = make_paper(SynthConfig(n=50, seed=2), 7).paper
    a = format_entry(paper, "header-byline", 2099).splitlines()
    assert a[0].startswith(paper.category) and str(paper.date.year) in a[0]
    assert a[1].startswith(paper.title) and a[1][len(paper.title):].startswith(paper.authors[0])
    assert a[2] == paper.abstract
    c = format_entry(paper, "blocks-meta", paper.date.year)
    assert f"• {len(paper.authors)} author" in c and f", {paper.date.year}" not in c  # current year omitted


def test_abstracts_give_extraction_work():
    papers = [make_paper(SynthConfig(n=500, seed=3), i) for i in range(200)]
    assert sum(bool(p.proposes) for p in papers) > 100
    assert sum(bool(p.derived_from) for p in papers) > 40
    assert sum(bool(p.results) for p in papers) > 80
    text = " ".join(p.paper.abstract for p in papers)
    assert "we propose" in text and "extends" in text or "builds on" in text
    # proposed names appear in their paper's text, derivations name both sides
    for p in papers:
        for name in p.proposes:
            assert name in p.paper.text
        for new, base in p.derived_from:
            assert new in p.paper.abstract and base in p.paper.abstract


def test_authors_are_zipf_distributed_with_recurring_coauthors():
    counts = Counter()
    pairs = Counter()
    for i in range(2000):
        authors = make_paper(SynthConfig(n=2000, seed=4), i).paper.authors
        counts.update(authors)
        pairs.update((a, b) for a in authors for b in authors if a < b)
    top = counts.most_common(1)[0][1]
    assert top >= 15  # a prolific head ...
    assert sum(1 for c in counts.values() if c == 1) > len(counts) * 0.2  # ... and a long tail
    assert pairs.most_common(1)[0][1] >= 5  # the same people write together again


def test_zipf_rank_is_bounded_and_skewed():
    rng = random.Random(0)
    draws = [zipf_rank(rng, 100, 1.1) for _ in range(20_000)]
    assert min(draws) == 0 and max(draws) <= 99
    hist = Counter(draws)
    assert hist[0] > hist[9] > hist[99]
    assert zipf_rank(rng, 1, 1.1) == 0 and zipf_rank(rng, 50, 1.0) < 50


def test_dates_grow_over_years_and_ids_are_stable():
    config = SynthConfig(n=1000, seed=9)
    years = Counter(make_paper(config, i).paper.date.year for i in range(0, 1000, 5))
    assert min(years) == config.start_year and max(years) == config.end_year
    assert years[config.end_year] > years[config.start_year]
    assert make_paper(config, 17).paper == make_paper(config, 17).paper


def test_memory_is_flat_in_the_number_of_papers(tmp_path):
    import tracemalloc

    peaks = []
    for n in (300, 3000):
        tracemalloc.start()
        write_corpus(SynthConfig(n=n, seed=1), tmp_path / str(n), per_file=100)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5, peaks  # ten times the papers, about the same peak
