"""A full build's first resolution pass parses the papers and their extractions in a forked
process (kg.pipeline._forked): the graph and the build state it leaves are those of the same pass
made in one process (KG_RESOLVE_FORK=0), and the next, incremental, build on it matches a clean
build. A child that fails or is left early is reported and reaped."""

from __future__ import annotations

import marshal
import os
import sqlite3
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.pipeline import _apart, _forked
from kg.store import canonical_dump, open_store
from synth_build import corpus, kg_run, pipeline

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")

N = 24


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


def _state(store: Path) -> dict[str, list]:
    """The contributions and concept counts a build left in its build state, decoded."""
    (path,) = (Path(str(store) + ".cache") / "state").glob("*.sqlite")
    db = sqlite3.connect(path)
    try:
        contrib = sorted((pid, digest, marshal.loads(body)) for pid, digest, body, _head in db.execute("SELECT * FROM contrib"))
        counts = {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in ("cc_surf", "cc_kind", "cc_sense", "cc_key", "au_form")}  # noqa: S608
    finally:
        db.close()
    return {"contrib": contrib, **counts}


def test_forked_first_pass_builds_what_one_process_builds(tmp_path, monkeypatch):
    base = corpus(tmp_path / "base", N, total=N + 3)
    forked = tmp_path / "forked.lbdb"
    kg_run(pipeline(tmp_path, [base], forked, name="forked.toml"))
    monkeypatch.setenv("KG_RESOLVE_FORK", "0")
    here = tmp_path / "here.lbdb"
    kg_run(pipeline(tmp_path, [base], here, name="here.toml"))
    assert _dump(forked) == _dump(here)
    assert _state(forked) == _state(here)

    # the state the forked pass left serves an incremental build that equals a clean one
    monkeypatch.delenv("KG_RESOLVE_FORK")
    extra = corpus(tmp_path / "extra", N + 3, start=N, total=N + 3)
    summary = kg_run(pipeline(tmp_path, [base, extra], forked, name="forked.toml"))
    assert summary["load"]["papers_unchanged"] >= N - 3  # kept, not resolved again
    clean = tmp_path / "clean.lbdb"
    kg_run(pipeline(tmp_path, [base, extra], clean, name="clean.toml"))
    assert _dump(forked) == _dump(clean)


def test_forked_items_come_in_order():
    items = [marshal.dumps((i, "x" * i)) for i in range(1000)]
    assert list(_forked(lambda: iter(items), batch=7)) == items
    assert list(_forked(lambda: iter([]))) == []


def _failing():
    yield b"one"
    raise ValueError("broken extraction")


def test_a_failed_child_raises_here(capfd):
    made = _forked(_failing, batch=1)
    assert next(made) == b"one"
    with pytest.raises(KGError, match="ended early"):
        next(made)
    assert "broken extraction" in capfd.readouterr().err  # the child's traceback


def test_a_child_left_early_is_reaped():
    def endless():
        while True:
            yield b"more"

    made = _forked(endless)
    assert next(made) == b"more"
    made.close()  # kills and waits for the child: none is left behind
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_failed_concept_pass_apart_raises_here(tmp_path, capfd):
    from kg.incremental import BuildState
    from kg.resolve.concepts import ConceptCounts

    state = BuildState(tmp_path, "store.lbdb")
    counts = ConceptCounts(state.db, str(state.path))

    def broken():
        state.db.execute("INSERT INTO cc_meta VALUES ('seen', 'by the child')")
        raise ValueError("broken concept pass")

    with pytest.raises(KGError, match="deciding the concepts ended early"):
        _apart(state, counts, broken)
    assert "broken concept pass" in capfd.readouterr().err  # the child's traceback
    assert state.db.execute("SELECT * FROM cc_meta").fetchall() == []  # it committed nothing
    with pytest.raises(ChildProcessError):  # and was reaped
        os.waitpid(-1, os.WNOHANG)
