"""A load into a LadybugDB store that already holds papers (an update) lets the write-ahead log grow
to ``UPDATE_CHECKPOINT_BYTES`` and checkpoints it when the store closes: the update's tables are
rewritten once, and the store left is complete, with no log to replay."""

from __future__ import annotations

from pathlib import Path

import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.store import canonical_dump, open_store
from kg.store import rows as R


def _threshold(store) -> int:
    return int(store.query("CALL current_setting('checkpoint_threshold') RETURN *")[0]["checkpoint_threshold"])


def _clean(path: Path) -> list[str]:
    with open_store(str(path)) as store:
        store.apply_schema()
        store.load_chunks(R.split_graph(FIXTURE, 2))
        return canonical_dump(store)


def test_an_update_checkpoints_once_at_close_and_leaves_the_clean_graph(tmp_path):
    path = tmp_path / "g.lbdb"
    chunks = list(R.split_graph(FIXTURE, 2))
    with open_store(str(path)) as store:  # a first load keeps the engine's threshold
        store.apply_schema()
        store.load_chunks(chunks[:-1])
        assert _threshold(store) == 16 << 20
    with open_store(str(path)) as store:
        assert _threshold(store) == 16 << 20  # the deferral is the session's, not stored
        stats = store.load_chunks(chunks)
        assert stats.papers_new == len(chunks[-1].papers)
        assert _threshold(store) == lb.UPDATE_CHECKPOINT_BYTES
        assert Path(f"{path}.wal").exists()  # the update waits in the log
    assert not Path(f"{path}.wal").exists()  # checkpointed by close
    with open_store(str(path), read_only=True) as reader:
        assert canonical_dump(reader) == _clean(tmp_path / "clean.lbdb")


def test_a_store_reopened_in_a_larger_pool_keeps_deferring(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_LADYBUG_BUFFER_POOL_MB", "64")
    path = tmp_path / "g.lbdb"
    _clean(path)
    with open_store(str(path)) as store:
        store.load_chunks(R.split_graph(FIXTURE, 2))
        assert _threshold(store) == lb.UPDATE_CHECKPOINT_BYTES
        assert store._grow_pool()
        assert store.pool == 128 << 20 and _threshold(store) == lb.UPDATE_CHECKPOINT_BYTES


def test_a_copy_during_an_update_is_still_checkpointed_as_it_commits(tmp_path):
    # a COPY is not in the log: later log records must never refer to rows of an unsettled COPY
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "g.lbdb"
    _clean(path)
    wal = Path(f"{path}.wal")
    pq.write_table(pa.table({"id": ["org-x", "org-y"], "name": ["X", "Y"]}), tmp_path / "a.parquet")
    with open_store(str(path)) as store:
        store.defer_checkpoints()
        store.execute("CREATE (:Affiliation {id: $id, name: $name})", {"id": "org-w", "name": "W"})
        assert wal.exists()
        store.execute(f"COPY Affiliation(id, name) FROM '{(tmp_path / 'a.parquet').as_posix()}'")
        assert not wal.exists()
        assert store.query("MATCH (a:Affiliation) WHERE a.id STARTS WITH 'org-' RETURN count(a) AS n")[0]["n"] == 3


def test_an_update_checkpointed_in_the_background_while_analytics_computes(tmp_path):
    # run_analytics reads, starts the checkpoint of the update's log, computes, then writes: the
    # first write waits for the checkpoint, and the graph left is the clean one with its analytics
    from kg.analytics import run_analytics

    path = tmp_path / "g.lbdb"
    wal = Path(f"{path}.wal")
    chunks = list(R.split_graph(FIXTURE, 2))
    with open_store(str(path)) as store:
        store.apply_schema()
        store.load_chunks(chunks[:-1])
        run_analytics(store, seed=7)
    with open_store(str(path)) as store:
        store.load_chunks(chunks)
        assert wal.exists()  # the update waits in the log
        store.checkpoint_in_background()
        thread = store._settling
        assert thread is not None and thread.name == "kg-checkpoint"
        assert store.query("MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(FIXTURE.papers)  # waited
        assert store._settling is None and not thread.is_alive() and not wal.exists()
        store.checkpoint_in_background()  # nothing left in the log: starts another, harmless
        run_analytics(store, seed=7)
    assert not wal.exists()
    with open_store(str(tmp_path / "clean.lbdb")) as clean:
        clean.apply_schema()
        clean.load_chunks(R.split_graph(FIXTURE, 2))
        run_analytics(clean, seed=7)
        want = canonical_dump(clean)
    with open_store(str(path), read_only=True) as reader:
        assert canonical_dump(reader) == want


def test_a_first_load_or_a_reader_starts_no_checkpoint(tmp_path):
    path = tmp_path / "g.lbdb"
    _clean(path)
    with open_store(str(path), read_only=True) as reader:
        reader.checkpoint_in_background()
        assert reader._settling is None
    with open_store(str(path)) as store:  # nothing deferred: the engine checkpoints as it commits
        store.checkpoint_in_background()
        assert store._settling is None
