"""Crash safety: a load killed with SIGKILL at any point, then run again, equals a clean build."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixtures.graph import FIXTURE
from kg.store import canonical_dump, open_store
from test_store import changed

TESTS = Path(__file__).parent

#: the child loads ``before`` fully, then loads ``after`` and SIGKILLs itself after N statements
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from fixtures.graph import FIXTURE
    from test_store import changed
    import kg.store.base as base
    from kg.store import open_store
    from kg.store.ladybug_store import _LadybugTx

    import kg.store.ladybug_store as lb
    base.PAPER_BATCH = 3          # several chunks of papers
    base.FORK_PAPERS = {fork_min}  # 1: a first build stages every chunk in a forked process
    base.FIRST_FORK_PAPERS = {fork_first}  # the first fork group; later ones grow to FORK_PAPERS
    lb.FLUSH_ROWS = {flush_rows}  # 1: every chunk its own transaction, so kills land between and inside them
    lb.NODE_FLUSH_ROWS = {flush_rows}  # 1: nodes also committed ahead of their edges, chunk by chunk
    store = open_store({path!r}, fast={fast})
    store.apply_schema()
    if {preload}:
        store.load(FIXTURE)
    calls = 0
    run = _LadybugTx.run
    def counting(self, cypher, params=None):
        global calls
        calls += 1
        if calls == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)
        return run(self, cypher, params)
    _LadybugTx.run = counting
    store.load(changed(FIXTURE) if {preload} else FIXTURE, prune=True)
    print("finished")
    """
)


def _clean_dump(tmp_path: Path, graph) -> str:
    with open_store(str(tmp_path / "clean.lbdb")) as s:
        s.apply_schema()
        s.load(graph, prune=True)
        return canonical_dump(s)


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "merge"])
@pytest.mark.parametrize("preload", [False, True], ids=["first-build", "rebuild-changed"])
@pytest.mark.parametrize("kill_at", [1, 3, 6, 10])
def test_a_killed_load_run_again_equals_a_clean_build(tmp_path, fast, preload, kill_at):
    _kill_and_rerun(tmp_path, fast=fast, preload=preload, kill_at=kill_at, flush_rows=1)


@pytest.mark.parametrize("preload", [False, True], ids=["first-build", "rebuild-changed"])
@pytest.mark.parametrize("kill_at", [3, 10])
def test_a_load_killed_inside_its_one_staged_transaction_leaves_nothing_half_written(tmp_path, preload, kill_at):
    """The default bulk path stages every chunk of a small graph and commits them together."""
    _kill_and_rerun(tmp_path, fast=True, preload=preload, kill_at=kill_at, flush_rows=2_000_000)


def _kill_and_rerun(tmp_path: Path, *, fast: bool, preload: bool, kill_at: int, flush_rows: int, fork_min: int = 10_000,
                    fork_first: int | None = None) -> None:
    path = str(tmp_path / "graph.lbdb")
    code = CHILD.format(tests=str(TESTS), path=path, fast=fast, preload=preload, kill_at=kill_at, flush_rows=flush_rows,
                        fork_min=fork_min, fork_first=fork_min if fork_first is None else fork_first)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    if "finished" in proc.stdout:
        pytest.fail(f"the load ended before statement {kill_at}: pick an earlier kill point")
    assert proc.returncode == -9, proc.stderr
    target = changed(FIXTURE) if preload else FIXTURE
    with open_store(path, fast=fast) as s:
        s.apply_schema()
        s.load(target, prune=True)
        repaired = canonical_dump(s)
    assert repaired == _clean_dump(tmp_path, target)


@pytest.mark.parametrize("flush_rows", [1, 2_000_000])
@pytest.mark.parametrize("kill_at", [1, 3, 6, 10])
def test_a_first_build_staging_in_forked_processes_killed_then_run_again_equals_a_clean_build(tmp_path, kill_at, flush_rows):
    _kill_and_rerun(tmp_path, fast=True, preload=False, kill_at=kill_at, flush_rows=flush_rows, fork_min=1)


@pytest.mark.parametrize("kill_at", [1, 3, 6, 10])
def test_a_first_build_with_growing_fork_groups_killed_then_run_again_equals_a_clean_build(tmp_path, kill_at):
    """Groups of 3 and 3 papers forked, the last chunks (4 papers, fewer than the next group's 6) staged at finish."""
    _kill_and_rerun(tmp_path, fast=True, preload=False, kill_at=kill_at, flush_rows=1, fork_min=6, fork_first=3)


def test_a_killed_bulk_load_leaves_no_staged_files_behind_the_next_open(tmp_path):
    path = tmp_path / "graph.lbdb"
    code = CHILD.format(tests=str(TESTS), path=str(path), fast=True, preload=False, kill_at=10, flush_rows=2_000_000,
                        fork_min=10_000, fork_first=10_000)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    staging = tmp_path / ".graph.lbdb.staging"
    assert any(staging.rglob("*.parquet"))  # the killed load's staged files
    with open_store(str(path)) as s:
        assert not staging.exists()
        s.load(FIXTURE)
    assert not staging.exists()
