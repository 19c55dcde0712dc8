"""A full build keeps the cyclic garbage collector to its young generations while it resolves and loads."""

from __future__ import annotations

import gc
import json
import weakref

import pytest

from kg.pipeline import load_pipeline_file, run_pipeline, young_collections_only
from tests.test_pipeline import PAPERS, write_corpus, write_pipeline


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_the_block_stops_full_collections_and_restores_the_thresholds_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), young_collections_only():
        inside = gc.get_threshold()
        raise RuntimeError("boom")
    assert inside[:2] == before[:2] and inside[2] > 10**9
    assert gc.get_threshold() == before


def test_cycles_that_die_young_are_still_freed_inside_the_block():
    freed = []
    with young_collections_only():
        for _ in range(20_000):  # enough allocations to trigger many young collections
            weakref.finalize(_Node(), freed.append, 1)
    assert len(freed) > 10_000


def _thresholds_by_stage(pipe) -> dict[str, object]:
    seen: dict[str, object] = {}

    def say(message: str) -> None:
        if message.startswith("build: "):
            seen["build"] = message.split()[1]
        for mark in ("ingest: started", "resolve: started", "load: started", "analytics: started"):
            if message == mark:
                seen[mark.split(":")[0]] = gc.get_threshold()

    run_pipeline(pipe, progress=say)
    return seen


def test_a_full_build_and_an_update_resolve_and_load_without_full_collections(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    write_corpus(tmp_path / "corpus")
    pipe_file = write_pipeline(tmp_path)
    default = gc.get_threshold()
    monkeypatch.chdir(tmp_path)

    full = _thresholds_by_stage(load_pipeline_file(pipe_file))
    assert full["build"] == "full"
    assert full["resolve"][2] > 10**9 and full["load"][2] > 10**9
    assert full["ingest"] == full["analytics"] == default
    assert gc.get_threshold() == default

    more = [*PAPERS, {**PAPERS[0], "id": "2304.00004", "title": "A Fourth Paper"}]
    (tmp_path / "corpus" / "papers.jsonl").write_text("".join(json.dumps(p) + "\n" for p in more), encoding="utf-8")
    update = _thresholds_by_stage(load_pipeline_file(pipe_file))
    assert update["build"] == "incremental"
    assert update["resolve"][2] > 10**9 and update["load"][2] > 10**9  # an update holds corpus-wide decisions too
    assert gc.get_threshold() == default
