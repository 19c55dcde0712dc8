"""Incremental builds on a synthetic corpus through `kg run` on the embedded store: an unchanged
rebuild extracts and writes nothing, added papers are the only ones processed, and a changed
paper's old derived facts are replaced. Each result is compared with a clean build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.pipeline import ExtractionCache
from kg.store import canonical_dump, open_store
from synth_build import corpus, kg_run, pipeline

N = 24


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


def _clean(tmp_path: Path, inputs: list[Path], tag: str) -> str:
    store = tmp_path / f"clean-{tag}.lbdb"
    kg_run(pipeline(tmp_path, inputs, store, name=f"clean-{tag}.toml"))
    return _dump(store)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incr")
    base = corpus(tmp / "base", N, total=N + 3)
    store = tmp / "graph.lbdb"
    first = kg_run(pipeline(tmp, [base], store))
    return tmp, base, store, first


def test_first_build_extracts_every_paper(built):
    _, _, _, first = built
    assert first["papers"] >= N - 1  # titles may collide in a tiny corpus; never more than N
    assert first["extracted"] == first["papers"]
    assert first["load"]["papers_new"] == first["papers"]


def test_unchanged_rebuild_does_no_work(built):
    tmp, base, store, first = built
    before = _dump(store)
    again = kg_run(pipeline(tmp, [base], store, name="again.toml"))
    assert again["up_to_date"] and again["papers"] == first["papers"]
    assert again["extracted"] == 0 and again["load"] is None and again["stages"] == []
    assert _dump(store) == before


def test_unchanged_rebuild_without_the_fast_path_writes_nothing(built):
    """The full path on an unchanged corpus (e.g. the build record was lost) is a no-op too."""
    tmp, base, store, first = built
    before = _dump(store)
    cache = ExtractionCache(Path(str(store) + ".cache"))
    cache.set_last_build(str(store), None)
    cache.close()
    again = kg_run(pipeline(tmp, [base], store, name="again.toml"))
    assert not again["up_to_date"]
    assert again["extracted"] == 0 and again["extraction_cached"] == first["papers"]
    load = again["load"]
    assert load["papers_new"] == load["papers_replaced"] == load["papers_removed"] == 0
    assert load["papers_unchanged"] == first["papers"]
    assert load["nodes_written"] == load["rels_written"] == 0
    assert _dump(store) == before


def test_added_papers_are_the_only_ones_processed(built):
    tmp, base, store, first = built
    extra = corpus(tmp / "extra", N + 3, start=N, total=N + 3)
    work = tmp / "add.lbdb"
    shutil.copytree(store, work) if store.is_dir() else shutil.copy(store, work)
    shutil.copytree(Path(str(store) + ".cache"), Path(str(work) + ".cache"))
    added = kg_run(pipeline(tmp, [base, extra], work, name="add.toml"))
    new = added["papers"] - first["papers"]
    assert new >= 1
    assert added["extracted"] == new
    assert added["load"]["papers_new"] == new and added["load"]["papers_replaced"] == 0
    assert _dump(work) == _clean(tmp, [base, extra], "add")


def test_a_changed_paper_replaces_its_derived_facts(built):
    tmp, base, _, _ = built
    changed = tmp / "changed"
    shutil.copytree(base, changed)
    work = tmp / "changed.lbdb"
    first = kg_run(pipeline(tmp, [changed], work, name="changed.toml"))  # same paths before and after
    victim = sorted(changed.glob("listing-*.txt"))[0]
    text = victim.read_text(encoding="utf-8")
    marker = "In this paper, we" if "In this paper, we" in text else "However,"
    assert marker in text
    text = text.replace(marker, "We propose Zorblax Quantum Sieves (ZQS), which extends Obscuron. " + marker, 1)
    victim.write_text(text, encoding="utf-8")
    run = kg_run(pipeline(tmp, [changed], work, name="changed.toml"))
    assert run["extracted"] == 1
    load = run["load"]
    assert load["papers_replaced"] == 1 and load["papers_new"] == 0
    assert load["papers_unchanged"] == first["papers"] - 1
    dump = _dump(work)
    assert "Zorblax" in dump or "ZQS" in dump  # the new facts are in
    assert dump == _clean(tmp, [changed], "changed")  # and nothing stale is left beside them
