"""Ingest writes the merged papers of duplicate groups to the build state batch by batch
(kg.pipeline.Spool.ingest, kg.incremental.BuildState.put_merged / keep_merged), rather than
holding the whole corpus's merges until it ends: the state must hold what one call would have."""

from __future__ import annotations

from kg.incremental import BuildState


def _row(sig: str) -> tuple:
    return (sig, f"id-{sig}", f"ch-{sig}", f'{{"id": "id-{sig}"}}', f"d-{sig}", "a.txt", 1, "a.txt", 0)


def _merged(state: BuildState) -> list[str]:
    return [sig for (sig,) in state.db.execute("SELECT sig FROM merged ORDER BY sig")]


def test_merges_put_in_batches_are_kept_and_groups_no_longer_read_are_forgotten(tmp_path):
    state = BuildState(tmp_path, "store.lbdb")
    state.put_merged([_row("a"), _row("b"), _row("old")], ["a", "b", "old"])
    state.keep_merged()
    assert _merged(state) == ["a", "b", "old"]

    # the next ingest reads a, b (known: no new row), c, d in two batches; "old" is gone
    state.put_merged([], ["a", "b"])
    state.put_merged([_row("c")], ["c"])
    state.put_merged([_row("d")], ["d"])
    state.keep_merged()
    assert _merged(state) == ["a", "b", "c", "d"]
    assert state.merged_many(["c", "old"]) == {"c": _row("c")[1:5]}

    # the signatures noted by one ingest do not carry over to the next
    state.put_merged([], ["d"])
    state.keep_merged()
    assert _merged(state) == ["d"]
    state.close()
