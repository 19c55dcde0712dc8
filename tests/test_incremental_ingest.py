"""An update keeps unchanged input files whole (kg.pipeline.corpus_entries with ``keep``,
kg.pipeline.Spool._merge_kept): only entries sharing an arXiv id or a normalised title with a new,
changed or gone entry are grouped again. Grouping is decided as entries stream, so a new file read
before an unchanged one can take an old entry into another group: each case here gives a spool
equal to a fresh ingest of the same inputs, where appending the new entries to the last build's
groups would not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from synth_build import corpus


def _jsonl(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"abstract": f"About {r['title']}.", "authors": ["Ada Lovelace"], **r} for r in records]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


class Ingests:
    """Ingest of one input list into a spool, through a build state kept across calls (keep=True),
    and afresh without a state; records which files were kept whole."""

    def __init__(self, tmp: Path):
        from kg.incremental import BuildState

        self.tmp = tmp
        self.state = BuildState(tmp / "cache", "store")
        self.kept: list[str] = []
        self.runs = 0

    def spool(self, paths: list[Path], *, keep: bool):
        from kg.ingest.reader import expand_paths, iter_corpus
        from kg.pipeline import KEPT, Spool, corpus_entries, file_digests

        self.runs += 1
        spool = Spool(self.tmp / f"spool-{self.runs}")
        try:
            if keep:
                files = expand_paths(paths)
                items = list(corpus_entries(files, file_digests(files), self.state, keep=True))
                self.kept = [str(p) for p, e, *_ in items if p is not None and e is KEPT]
                read, skipped = spool.ingest(iter(items), merged=self.state)
                self.state.commit()
            else:
                read, skipped = spool.ingest(iter_corpus(paths))
            return read, skipped, list(spool.rows())
        finally:
            spool.close()

    def check(self, paths: list[Path]) -> None:
        assert self.spool(paths, keep=True) == self.spool(paths, keep=False)


def test_a_new_file_read_first_takes_an_old_entry_into_its_group(tmp_path):
    """b: X (arXiv 2, title T); c: Y (no arXiv, title T) joins X. A new a: W (arXiv 1, title T) is read
    first, so Y joins W and X stands alone; a.jsonl gone again, Y rejoins X."""
    a = tmp_path / "in" / "a.jsonl"
    _jsonl(tmp_path / "in" / "b.jsonl", {"id": "x", "title": "Title T", "arxiv_id": "2301.00002"},
           {"id": "p", "title": "Another paper"})
    _jsonl(tmp_path / "in" / "c.jsonl", {"title": "Title T", "abstract": "A longer abstract of T than the others."})
    run = Ingests(tmp_path)
    run.check([tmp_path / "in"])
    _, _, rows = run.spool([tmp_path / "in"], keep=False)
    assert len(rows) == 2
    _jsonl(a, {"id": "w", "title": "Title T", "arxiv_id": "2301.00001"})
    run.check([tmp_path / "in"])
    assert run.kept == [str(tmp_path / "in" / "b.jsonl"), str(tmp_path / "in" / "c.jsonl")]
    _, _, rows = run.spool([tmp_path / "in"], keep=False)
    assert len(rows) == 3  # W + Y, X, the other paper
    a.unlink()
    run.check([tmp_path / "in"])
    assert len(run.kept) == 2


def test_a_new_entry_bridging_two_old_groups_merges_them_and_the_others_stay(tmp_path):
    """b: P (arXiv 1, title T1); c: Q (no arXiv, title T2), two groups. A new a: R (arXiv 1, title
    T2) reads first: R, P and Q are one paper. An entry sharing no key stays in its old group."""
    _jsonl(tmp_path / "in" / "b.jsonl", {"id": "p", "title": "Title one", "arxiv_id": "2301.00001"},
           {"id": "s", "title": "A bystander"})
    _jsonl(tmp_path / "in" / "c.jsonl", {"id": "q", "title": "Title two"}, {"id": "s2", "title": "A bystander"})
    run = Ingests(tmp_path)
    run.check([tmp_path / "in"])
    _jsonl(tmp_path / "in" / "a.jsonl", {"id": "r", "title": "Title two", "arxiv_id": "2301.00001"})
    run.check([tmp_path / "in"])
    _, _, rows = run.spool([tmp_path / "in"], keep=False)
    assert len(rows) == 2
    # an unchanged corpus now: every file kept, the spool still equal
    run.check([tmp_path / "in"])
    assert len(run.kept) == 3


def test_a_changed_file_regroups_what_its_old_entries_held(tmp_path):
    """c's entry (no arXiv, title T) had joined b's X (arXiv 2, title T); c is rewritten with
    another title: X's group loses it, and the new entry joins no one."""
    _jsonl(tmp_path / "in" / "b.jsonl", {"id": "x", "title": "Title T", "arxiv_id": "2301.00002"})
    c = _jsonl(tmp_path / "in" / "c.jsonl", {"title": "Title T"}, {"title": "Title U"})
    run = Ingests(tmp_path)
    run.check([tmp_path / "in"])
    _jsonl(c, {"title": "Title V"}, {"title": "Title U"})
    run.check([tmp_path / "in"])
    assert run.kept == [str(tmp_path / "in" / "b.jsonl")]


@pytest.fixture(scope="module")
def listings(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("listings")
    return corpus(tmp / "base", 40, total=44), corpus(tmp / "extra", 44, start=40, total=44)


def test_listing_pages_and_json_lines_of_one_paper_group_as_a_fresh_ingest(listings, tmp_path):
    """Synthetic listing pages of every layout (header-byline pages read last, with the other
    files' titles), then: new pages, a JSON Lines file (read first) with twins of listed papers, one
    of them carrying an arXiv id, a changed page, a gone page."""
    from kg.models import Paper

    base, extra = listings
    base = Path(shutil.copytree(base, tmp_path / "base"))
    run = Ingests(tmp_path)
    run.check([base])
    run.check([base, extra])
    assert run.kept and all(k.startswith(str(base)) for k in run.kept)
    # twins of listed papers, given first on the command line: read before every page
    papers = [Paper.model_validate_json(b) for (b,) in run.state.db.execute(
        "SELECT body FROM entry WHERE kind='p' ORDER BY path, seq LIMIT 3")]
    twins = _jsonl(tmp_path / "twins" / "t.jsonl",
                   {"title": papers[0].title, "abstract": papers[0].abstract + " More."},
                   {"title": papers[1].title, "arxiv_id": "2401.00007"},
                   {"title": papers[2].title.upper()})
    run.check([twins.parent, base, extra])
    assert len(run.kept) == len(list(base.iterdir())) + len(list(extra.iterdir()))
    pages = sorted(base.glob("listing-*.txt"))
    text = pages[1].read_text(encoding="utf-8")
    pages[1].write_text(text.replace("However,", "Moreover,", 1) if "However," in text else text + "\n",
                        encoding="utf-8")
    run.check([twins.parent, base, extra])
    pages[2].unlink()
    run.check([twins.parent, base, extra])
    run.check([base, extra])


def test_files_read_in_another_order_are_not_kept(tmp_path):
    """The last build read b before c; given c first, the files are given entry by entry (grouping
    depends on the order), and the spool still equals a fresh ingest."""
    b = _jsonl(tmp_path / "b.jsonl", {"id": "x", "title": "Title T", "arxiv_id": "2301.00002"})
    c = _jsonl(tmp_path / "c.jsonl", {"title": "Title T"}, {"id": "w", "title": "Title T", "arxiv_id": "2301.00001"})
    run = Ingests(tmp_path)
    run.check([b, c])
    run.check([c, b])
    assert run.kept == []
    run.check([c, b])
    assert len(run.kept) == 2


def test_a_state_of_the_older_layout_is_emptied_and_says_so(tmp_path):
    """A build state written before entries kept their groups (schema 6) is not trusted: its
    tables are dropped (the build is a full one) and the build says why."""
    from kg.incremental import SCHEMA, BuildState

    state = BuildState(tmp_path, "store")
    state.db.execute("INSERT INTO meta VALUES ('token', 'settings|store')")
    state.db.execute("UPDATE meta SET value='6' WHERE key='schema'")
    state.db.commit()
    state.close()
    again = BuildState(tmp_path, "store")
    assert again.upgraded and again.token() is None
    assert again.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == (SCHEMA,)
    again.close()
    assert not BuildState(tmp_path, "store").upgraded
