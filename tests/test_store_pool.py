"""LadybugDB's buffer pool is capped (kg.store.ladybug_store.BUFFER_POOL_MB): a statement that
needs more memory than the pool holds runs again in a pool twice as large, so the cap bounds
memory without failing a load or a query."""

from __future__ import annotations

import pytest

import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.errors import StoreError
from kg.store import canonical_dump, open_store
from kg.store import rows as R


def _load(path, monkeypatch, mb: int | None):
    if mb is None:
        monkeypatch.delenv("KG_LADYBUG_BUFFER_POOL_MB", raising=False)
    else:
        monkeypatch.setenv("KG_LADYBUG_BUFFER_POOL_MB", str(mb))
    with open_store(str(path)) as store:
        start = store.pool
        store.apply_schema()
        stats = store.load_chunks(R.split_graph(FIXTURE, 2))
        return start, store.pool, stats, canonical_dump(store)


def test_a_pool_too_small_for_the_load_grows_and_the_graph_is_the_one_of_a_large_pool(tmp_path, monkeypatch):
    _, _, ref_stats, ref = _load(tmp_path / "ref.lbdb", monkeypatch, 0)
    start, end, stats, dump = _load(tmp_path / "small.lbdb", monkeypatch, 1)
    assert start == 1 << 20
    assert end > start  # the fixture's COPYs need more than 1 MB: the pool was doubled
    assert dump == ref and stats.graph_hash == ref_stats.graph_hash
    assert stats.nodes_written == ref_stats.nodes_written and stats.rels_written == ref_stats.rels_written


def test_a_grown_store_answers_queries_and_a_rebuild_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "g.lbdb"
    _load(path, monkeypatch, 1)
    with open_store(str(path)) as store:  # opening a store needs some pool too: it grows from the cap
        assert 1 << 20 < store.pool <= 64 << 20
        again = store.load_chunks(R.split_graph(FIXTURE, 2))
        assert again.nodes_written == again.rels_written == 0
        assert store.query("MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(FIXTURE.papers)
    with open_store(str(path), read_only=True) as reader:
        rows = reader.query("MATCH (p:Paper)-[m:MENTIONS]->(c:Concept) RETURN p.id AS p, c.id AS c")
        assert len(rows) == len(FIXTURE.mentions)
        with pytest.raises(StoreError):
            reader.execute("MATCH (p:Paper) DELETE p")


def test_the_engine_default_pool_is_never_reopened(tmp_path, monkeypatch):
    start, end, _, _ = _load(tmp_path / "g.lbdb", monkeypatch, 0)
    assert start == end == 0


def test_the_default_cap_applies_without_the_variable(tmp_path, monkeypatch):
    start, end, _, _ = _load(tmp_path / "g.lbdb", monkeypatch, None)
    assert start == lb.BUFFER_POOL_MB << 20
    assert end in (0, start) or end > start


def test_a_bad_pool_size_is_a_store_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_LADYBUG_BUFFER_POOL_MB", "lots")
    with pytest.raises(StoreError, match="KG_LADYBUG_BUFFER_POOL_MB"):
        open_store(str(tmp_path / "g.lbdb"))


def test_commits_grow_with_the_load_up_to_the_bound_and_write_the_same_graph(tmp_path, monkeypatch):
    """Commits wait for as many rows as the load committed before (fewer appends), but for no more
    than MAX_FLUSH_ROWS (bounded memory); the bound changes only when rows are committed."""
    import kg.store.base as base

    monkeypatch.setenv("KG_LOAD_FORK", "0")
    monkeypatch.setattr(lb, "FLUSH_ROWS", 10)
    monkeypatch.setattr(lb, "NODE_FLUSH_ROWS", 10_000_000)
    monkeypatch.setattr(base, "PAPER_BATCH", 1)
    commit = lb._StagedBatch.commit
    result = {}
    for bound in (0, 25):
        monkeypatch.setattr(lb, "MAX_FLUSH_ROWS", bound)
        sizes = []
        monkeypatch.setattr(lb._StagedBatch, "commit", lambda self: sizes.append(self.rows) or commit(self))
        with open_store(str(tmp_path / f"g{bound}.lbdb")) as store:
            store.apply_schema()
            stats = store.load(FIXTURE)
            result[bound] = (sizes, canonical_dump(store), stats.graph_hash)
    unbounded, bounded = result[0][0], result[25][0]
    assert sum(unbounded) == sum(bounded)
    assert max(unbounded) > 2 * 25 > max(bounded)  # one paper's rows past the bound at most
    assert len(bounded) >= len(unbounded)
    assert result[0][1:] == result[25][1:]


def test_a_load_commits_on_copy_threads_and_gives_the_connection_its_threads_back(tmp_path, monkeypatch):
    seen = []
    commit = lb._StagedBatch._commit

    def spy(self):
        # a commit the load waits for runs on the engine's default (tests/test_store_threads.py)
        if not self.waited:
            seen.append(self.store.query("CALL current_setting('threads') RETURN *")[0])
        return commit(self)

    monkeypatch.setattr(lb._StagedBatch, "_commit", spy)
    monkeypatch.setattr(lb, "FLUSH_ROWS", 10)  # commits in the background before the last
    with open_store(str(tmp_path / "g.lbdb")) as store:
        before = store.query("CALL current_setting('threads') RETURN *")[0]
        store.apply_schema()
        store.load_chunks(R.split_graph(FIXTURE, 2))
        after = store.query("CALL current_setting('threads') RETURN *")[0]
    assert seen and all(int(next(iter(s.values()))) == lb.COPY_THREADS for s in seen)
    assert after == before
