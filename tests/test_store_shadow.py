"""A build writes a copy of the embedded store, which replaces the store only once complete
(kg.store.shadow): a build that dies anywhere, even inside the engine, leaves the store as the last
complete build left it, and one that dies after marking its copy complete has the move finished.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.store import canonical_dump, open_store
from kg.store.shadow import ShadowStore
from synth_build import corpus, kg_run, kill_at, pipeline

N = 20


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _papers(store: Path) -> int:
    with open_store(str(store), read_only=True) as s:
        return s.query("MATCH (p:Paper) RETURN count(p) AS n")[0]["n"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store of the first half of the corpus, and a clean build of all of it."""
    tmp = tmp_path_factory.mktemp("shadow")
    half, whole = corpus(tmp / "half", N // 2, total=N), corpus(tmp / "whole", N)
    part = tmp / "part" / "graph.lbdb"
    kg_run(pipeline(tmp, [half], part, name="part.toml"))
    clean = tmp / "clean" / "graph.lbdb"
    kg_run(pipeline(tmp, [whole], clean, name="clean.toml"))
    with open_store(str(clean), read_only=True) as s:
        dump = canonical_dump(s)
    return tmp, whole, part, clean, dump


def _fresh_copy(built, tmp_path: Path) -> Path:
    """The half-corpus store at a path of the test's (a build there updates a store that exists)."""
    _, _, part, _, _ = built
    store = tmp_path / "graph.lbdb"
    shutil.copyfile(part, store)
    return store


def test_an_update_killed_during_its_load_leaves_the_store_as_the_last_build_left_it(built, tmp_path):
    _, whole, _, _, expected = built
    store = _fresh_copy(built, tmp_path)
    before = _digest(store)
    toml = pipeline(tmp_path, [whole], store, name="whole.toml")
    assert kill_at(toml, "load: papers"), "the build never reached its load or was not killed there"
    # the build wrote its copy; the store is the half corpus, byte for byte, and reads as such
    assert (tmp_path / ".graph.lbdb.kg-next").exists()
    assert _digest(store) == before
    assert _papers(store) == N // 2
    # the next build drops the dead one's copy and completes the update
    kg_run(toml)
    assert not (tmp_path / ".graph.lbdb.kg-next").exists()
    assert not (tmp_path / ".graph.lbdb.kg-next-done").exists()
    with open_store(str(store), read_only=True) as s:
        assert canonical_dump(s) == expected


def test_a_copy_marked_complete_is_moved_in_by_the_next_build_and_the_old_log_goes(built, tmp_path):
    _, _, _, clean, _ = built
    store = _fresh_copy(built, tmp_path)
    # a build died between marking its copy complete and moving it in; the old store had a log
    shutil.copyfile(clean, tmp_path / ".graph.lbdb.kg-next")
    (tmp_path / ".graph.lbdb.kg-next-done").write_bytes(b"")
    (tmp_path / "graph.lbdb.wal").write_bytes(b"a log of the old store, not of the copy")
    with ShadowStore(store) as shadow:
        shadow.lock()
    assert _digest(store) == _digest(clean)
    assert not (tmp_path / "graph.lbdb.wal").exists()
    assert not (tmp_path / ".graph.lbdb.kg-next").exists()
    assert not (tmp_path / ".graph.lbdb.kg-next-done").exists()
    assert _papers(store) == N


def test_a_copy_not_marked_complete_is_dropped_and_the_store_kept(built, tmp_path):
    store = _fresh_copy(built, tmp_path)
    before = _digest(store)
    (tmp_path / ".graph.lbdb.kg-next").write_bytes(b"half a copy")
    (tmp_path / ".graph.lbdb.kg-next.wal").write_bytes(b"its log")
    with ShadowStore(store) as shadow:
        shadow.lock()
        assert not (tmp_path / ".graph.lbdb.kg-next").exists()
        assert not (tmp_path / ".graph.lbdb.kg-next.wal").exists()
    assert _digest(store) == before


def test_a_second_build_of_a_store_is_refused_while_one_writes_it(built, tmp_path):
    _, whole, _, _, _ = built
    store = _fresh_copy(built, tmp_path)
    toml = pipeline(tmp_path, [whole], store, name="whole.toml")
    with ShadowStore(store) as shadow:
        shadow.lock()
        proc = subprocess.run([sys.executable, "-m", "kg", "run", str(toml)], capture_output=True, text=True,
                              timeout=240)
    assert proc.returncode == 3
    assert f"another build is writing {store}" in proc.stderr
    assert _papers(store) == N // 2


def test_a_build_closed_without_commit_leaves_no_copy(built, tmp_path):
    store = _fresh_copy(built, tmp_path)
    before = _digest(store)
    with ShadowStore(store) as shadow:
        copy = shadow.open()
        with open_store(str(copy)) as s:  # a write the build never commits
            s.query("MATCH (p:Paper) DETACH DELETE p")
    assert not copy.exists()
    assert _digest(store) == before


def test_a_write_query_is_refused_while_a_build_writes_the_store(built, tmp_path):
    store = _fresh_copy(built, tmp_path)
    write = [sys.executable, "-m", "kg", "query", "MATCH (p:Paper) DETACH DELETE p", "--write", "--store", str(store)]
    with ShadowStore(store) as shadow:
        shadow.lock()  # a build holds the store: its copy would replace the store and lose the write
        proc = subprocess.run(write, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 3
        assert f"another build is writing {store}" in proc.stderr
        reading = subprocess.run([*write[:4], "MATCH (p:Paper) RETURN count(p) AS n", "--store", str(store)],
                                 capture_output=True, text=True, timeout=120)
        assert reading.returncode == 0, reading.stderr  # reads go on
    assert _papers(store) == N // 2
    assert subprocess.run(write, capture_output=True, text=True, timeout=120).returncode == 0
    assert _papers(store) == 0


def test_a_build_without_disk_for_the_copy_stops_before_copying(built, tmp_path, monkeypatch):
    store = _fresh_copy(built, tmp_path)
    before = _digest(store)
    free = store.stat().st_size  # room for the copy alone, not for its growth
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10 * free, 9 * free, free))
    with ShadowStore(store) as shadow, pytest.raises(StoreError, match="writes a copy of it first"):
        shadow.open()
    assert not (tmp_path / ".graph.lbdb.kg-next").exists()
    assert _digest(store) == before


def test_a_store_the_engine_cannot_open_is_named_as_the_user_gave_it_and_kept(built, tmp_path):
    """The build opens a copy (.NAME.kg-next); the error names the store, which stays as it was."""
    _, whole, _, _, _ = built
    store = tmp_path / "graph.lbdb"
    store.write_bytes(b"not a LadybugDB file\n" * 200)
    before = _digest(store)
    proc = subprocess.run([sys.executable, "-m", "kg", "run", str(pipeline(tmp_path, [whole], store))],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert f"cannot open the LadybugDB store {store}:" in proc.stderr
    assert "kg-next" not in proc.stderr
    assert _digest(store) == before and not (tmp_path / ".graph.lbdb.kg-next").exists()
