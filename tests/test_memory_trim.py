"""A LadybugDB load hands the C heap's freed pages back after each COPY and each commit
(kg.store.ladybug_store.release_free_memory), and doing so changes nothing in the graph."""

from __future__ import annotations

import platform

import pytest

import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.store import canonical_dump, open_store
from kg.store import rows as R


def test_release_free_memory_runs_where_glibc_has_malloc_trim_and_can_run_again():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        assert lb.release_free_memory() is False
        return
    assert lb.release_free_memory() is True
    assert lb.release_free_memory() is True


@pytest.mark.parametrize("flush_rows", [0, 10])
def test_each_copy_and_commit_releases_once_and_the_graph_is_the_same(tmp_path, monkeypatch, flush_rows):
    calls = []
    release, original, run = lb.release_free_memory, lb._StagedBatch.commit, lb._LadybugTx.run
    expected = None
    for trim in (False, True):
        monkeypatch.setattr(lb, "release_free_memory", (lambda: calls.append(1) or release()) if trim else (lambda: False))
        commits, copies = [], []
        monkeypatch.setattr(lb._StagedBatch, "commit", lambda self: commits.append(1) or original(self))
        monkeypatch.setattr(lb._LadybugTx, "run",
                            lambda self, cypher, params=None: (cypher.startswith("COPY") and copies.append(1)) or run(self, cypher, params))
        monkeypatch.setattr(lb, "FLUSH_ROWS", flush_rows or lb.FLUSH_ROWS)
        with open_store(str(tmp_path / f"g{trim}.lbdb")) as store:
            store.apply_schema()
            stats = store.load_chunks(R.split_graph(FIXTURE, 2))
            dump = canonical_dump(store)
        if not trim:
            expected, hash_before = dump, stats.graph_hash
            continue
        # once per COPY and once per committed batch, not per chunk
        assert len(calls) == len(copies) + len(commits) and len(commits) >= 1 and len(copies) >= 1
        assert dump == expected and stats.graph_hash == hash_before
