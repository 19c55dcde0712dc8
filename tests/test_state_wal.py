"""The build state's write-ahead log stays bounded while a build streams its papers' contributions
(kg.incremental.spooled_contributions): the stream reads a page of papers per statement, so no read
transaction stays open across the pass's commits and each checkpoint can copy them back. One
statement over the whole corpus kept one open: at 1M papers the log grew past 49 GB."""

from __future__ import annotations

import json
import marshal
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture()
def spooled(tmp_path: Path, monkeypatch):
    """A build state and the spool of 23 papers ingested through it (pages of 5 papers)."""
    import kg.incremental
    from kg.incremental import BuildState
    from kg.ingest.reader import expand_paths
    from kg.pipeline import Spool, corpus_entries, file_digests

    monkeypatch.setattr(kg.incremental, "CONTRIBUTION_PAGE", 5)
    listing = tmp_path / "papers.jsonl"
    listing.write_text("".join(
        json.dumps({"title": f"Paper number {i}", "abstract": f"We study topic {i}.", "authors": [f"Author {i}"]}) + "\n"
        for i in range(23)), encoding="utf-8")
    state = BuildState(tmp_path / "cache", "store")
    spool = Spool(tmp_path / "spool")
    files = expand_paths([listing])
    spool.ingest(iter(corpus_entries(files, file_digests(files), state, keep=True)), merged=state)
    state.commit()
    yield state, spool
    spool.close()
    state.db.close()


def test_the_stream_gives_every_paper_once_in_corpus_order(spooled):
    state, spool = spooled
    ids = [r[0] for r in sqlite3.connect(spool.path).execute("SELECT id FROM paper ORDER BY seq")]
    streamed = list(state.contributions(spool.path))
    assert [pid for pid, *_ in streamed] == ids
    assert len(ids) == 23
    assert all(body is not None and stored is None for _pid, _digest, body, stored in streamed)


def test_a_checkpoint_empties_the_log_while_the_stream_is_read(spooled):
    state, spool = spooled
    stream = state.contributions(spool.path)
    taken = [next(stream) for _ in range(7)]  # into the second page
    state.put_contributions([(pid, digest, marshal.dumps((pid, ["x" * 4096], [], None, None)))
                             for pid, digest, _body, _stored in taken])
    other = sqlite3.connect(state.path)
    busy, _log, _copied = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, "a read transaction of the stream kept the log from being checkpointed"
    assert Path(f"{state.path}-wal").stat().st_size == 0
    other.close()
    assert len(taken) + len(list(stream)) == 23


def test_a_reset_empties_the_state_without_copying_it_to_the_log(tmp_path):
    """A full build empties the build state first. With SQLite's secure delete (on in Debian's
    build) every freed page was zeroed and written to the log: a 100k-paper state's reset wrote
    638 MB, and at 1M gigabytes. The state's connections turn it off."""
    from kg.incremental import BuildState

    state = BuildState(tmp_path, "store")
    state.db.executemany("INSERT INTO merged (sig, id, body) VALUES (?, ?, ?)",
                         ((f"sig{i}", f"p{i}", "x" * 2000) for i in range(4000)))  # about 8 MB of papers
    state.db.commit()
    state.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = state.path.stat().st_size
    state.reset()
    assert Path(f"{state.path}-wal").stat().st_size < data / 4
    assert state.db.execute("SELECT COUNT(*) FROM merged").fetchone() == (0,)
    state.db.close()


def test_reading_papers_back_leaves_no_reader_on_the_state(spooled):
    """Spool.papers_of reads the attached state inside the transaction its pick table opened: left
    open, that read held a snapshot of the state to the build's end, so no later page of the
    state's log could be copied back (its close copied them all, 0.42-0.51 s at 100k +1 %)."""
    from kg.ingest.reader import expand_paths
    from kg.pipeline import Spool, corpus_entries, file_digests

    state, first = spooled
    files = expand_paths([first.path.parent.parent / "papers.jsonl"])
    spool = Spool(first.path.parent.parent / "again")  # the next build's: its papers are the state's merges
    spool.ingest(iter(corpus_entries(files, file_digests(files), state, keep=True)), merged=state)
    state.commit()
    ids = [r[0] for r in sqlite3.connect(spool.path).execute("SELECT id FROM paper ORDER BY seq")]
    assert [p.id for p in spool.papers_of(ids[:5])] == ids[:5]
    state.put_contributions([(f"p{i}", f"d{i}", marshal.dumps((f"p{i}", ["x" * 4096], [], None, None)))
                             for i in range(9)])
    other = sqlite3.connect(state.path)
    busy, _log, _copied = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    other.close()
    spool.close()
    assert busy == 0, "a read of the spool's connection kept the state's log from being checkpointed"
    assert Path(f"{state.path}-wal").stat().st_size == 0
