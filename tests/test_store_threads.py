"""A LadybugDB load's commits in the background run on COPY_THREADS engine threads (the other core
resolves the next chunks); the commit the load waits for, its last, on the engine's default; the
connection's setting is the default again afterwards, and the graph does not depend on it."""

from __future__ import annotations

import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.store import canonical_dump, open_store
from kg.store import rows as R


def _threads(store) -> int:
    return next(iter(store.query("CALL current_setting('threads') RETURN *")[0].values()))


def test_background_commits_use_copy_threads_and_the_waited_one_the_default(tmp_path, monkeypatch):
    seen = []  # (waited, threads setting while the commit ran)
    original = lb._StagedBatch._commit

    def spy(self):
        seen.append((self.waited, int(_threads(self.store))))
        return original(self)

    monkeypatch.setattr(lb._StagedBatch, "_commit", spy)
    monkeypatch.setattr(lb, "FLUSH_ROWS", 10)  # several commits, the first ones in the background
    monkeypatch.setattr(lb, "COPY_THREADS", 1)
    with open_store(str(tmp_path / "g.lbdb")) as store:
        default = int(_threads(store))
        store.apply_schema()
        store.load_chunks(R.split_graph(FIXTURE, 2))
        assert int(_threads(store)) == default
        dump = canonical_dump(store)
    assert len(seen) >= 2
    assert seen[-1] == (True, default)  # the last commit: the load waits for it
    assert all(threads == 1 for waited, threads in seen if not waited)
    assert any(not waited for waited, _ in seen)
    with open_store(str(tmp_path / "ref.lbdb")) as store:  # every commit waited for: same graph
        monkeypatch.setattr(lb, "FLUSH_ROWS", lb.MAX_FLUSH_ROWS)
        store.apply_schema()
        store.load_chunks(R.split_graph(FIXTURE, 2))
        assert canonical_dump(store) == dump
