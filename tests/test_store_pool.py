"""LadybugDB's buffer pool is capped (kg.store.ladybug_store.BUFFER_POOL_MB): a statement that
needs more memory than the pool holds runs again in a pool twice as large, so the cap bounds
memory without failing a load or a query."""

from __future__ import annotations

import shutil

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


def test_a_commit_whose_checkpoint_runs_out_of_pool_is_kept_and_the_store_goes_on(tmp_path, monkeypatch):
    """LadybugDB checkpoints after a COMMIT; when only that checkpoint lacks pool memory, the engine
    says the transaction committed (durable, replayed from the WAL on reopening). The store is
    reopened, in a larger pool, and the changes stand: a COMMIT run again would fail ("no active
    transaction"), a rollback is impossible. Which pool sizes fail at the checkpoint rather than at
    a statement depends on the engine, so a range is swept and one of them must have hit it."""
    from kg.bench.analytics import graph_tables, write_store

    monkeypatch.setenv("KG_LADYBUG_BUFFER_POOL_MB", "0")
    base = tmp_path / "base" / "g.lbdb"
    counts = write_store(base, graph_tables(3_000, 1))  # 11,494 AUTHORED rows in every part of the table
    errors: list[str] = []
    run = lb.LadybugStore._run

    def observed(self, cypher, params):  # the engine's own errors, seen on their way to the store
        try:
            return run(self, cypher, params)
        except StoreError as exc:
            errors.append(str(exc))
            raise

    monkeypatch.setattr(lb.LadybugStore, "_run", observed)
    hit = []
    for mb in range(8, 16):
        folder = tmp_path / f"pool{mb}"
        shutil.copytree(base.parent, folder)
        monkeypatch.setenv("KG_LADYBUG_BUFFER_POOL_MB", str(mb))
        errors.clear()
        with open_store(str(folder / "g.lbdb")) as store:
            first = store.pool
            store.execute("CALL checkpoint_threshold=0")  # every COMMIT checkpoints
            store.in_transaction(lambda tx: tx.run("MATCH (:Author)-[r:AUTHORED]->(:Paper) WHERE r.position = 1 DELETE r"))
            left = store.query("MATCH ()-[r:AUTHORED]->() RETURN count(r) AS n")[0]["n"]
            store.execute("MATCH (p:Paper) WHERE p.id = $id SET p.title = $t", {"id": "p0", "t": "still writable"})
            if any(lb._COMMITTED in e for e in errors):
                hit.append(mb)
                assert store.pool > first  # what the checkpoint lacked was pool memory
        with open_store(str(folder / "g.lbdb"), read_only=True) as reader:
            assert reader.query("MATCH ()-[r:AUTHORED]->() RETURN count(r) AS n")[0]["n"] == left
            assert reader.query("MATCH ()-[r:AUTHORED]->() WHERE r.position = 1 RETURN count(r) AS n")[0]["n"] == 0
            assert reader.query("MATCH (p:Paper {id: 'p0'}) RETURN p.title AS t")[0]["t"] == "still writable"
        assert 0 < left < counts["AUTHORED"]
    assert hit, "no pool size from 8 to 15 MB failed at the checkpoint: the path is not exercised"
