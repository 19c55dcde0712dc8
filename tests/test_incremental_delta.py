"""Incremental builds proportional to the change (kg.incremental): on a synthetic corpus through
`kg run` on the embedded store, each incremental result is compared with a clean build of the
same input (canonical dumps), and the work done is checked to cover the change, not the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.store import canonical_dump, open_store
from synth_build import corpus, kg_run, kill_at, pipeline

N, EXTRA = 48, 4
STAGES = ("ingest", "extract", "resolve", "load", "analytics")


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


def _clean(tmp: Path, inputs: list[Path], tag: str) -> str:
    store = tmp / f"clean-{tag}.lbdb"
    kg_run(pipeline(tmp, inputs, store, stages=STAGES, name=f"clean-{tag}.toml", cache=tmp / "clean-cache"))
    return _dump(store)


def _copy(store: Path, to: Path) -> Path:
    """A copy of a built store with its cache (the state is keyed by store path: it is not copied
    along, so the first build of the copy is a full one)."""
    shutil.copytree(store, to) if store.is_dir() else shutil.copy(store, to)
    return to


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("delta")
    base = corpus(tmp / "base", N, total=N + EXTRA)
    extra = corpus(tmp / "extra", N + EXTRA, start=N, total=N + EXTRA)
    return tmp, base, extra


def _stage(summary: dict, name: str) -> dict:
    return next(s for s in summary["stages"] if s["stage"] == name)


def test_added_papers_are_resolved_and_loaded_alone_and_equal_a_clean_build(built):
    tmp, base, extra = built
    store = tmp / "add.lbdb"
    first = kg_run(pipeline(tmp, [base], store, stages=STAGES, name="add.toml"))
    assert not first["up_to_date"]
    run = kg_run(pipeline(tmp, [base, extra], store, stages=STAGES, name="add.toml"))
    new = run["papers"] - first["papers"]
    assert new >= 1
    assert run["extracted"] == new
    load = run["load"]
    assert load["papers_new"] == new and load["papers_replaced"] == 0 and load["papers_removed"] == 0
    assert load["papers_unchanged"] == first["papers"]
    # the second pass covered the new papers and those whose decisions changed, not the corpus
    assert _stage(run, "resolve")["count"] < run["papers"]
    assert _stage(run, "ingest")["count"] == run["papers"]
    assert _dump(store) == _clean(tmp, [base, extra], "add")


def test_a_changed_paper_that_changes_shared_decisions_equals_a_clean_build(built, tmp_path):
    """A new acronym definition merges concepts corpus-wide: papers that did not change but use
    the merged forms are rewritten, and the renamed/re-aliased concept nodes are written."""
    tmp, base, _ = built
    changed = tmp_path / "changed"
    shutil.copytree(base, changed)
    store = tmp_path / "graph.lbdb"
    toml = pipeline(tmp_path, [changed], store, stages=STAGES, name="changed.toml")
    first = kg_run(toml)
    dump_before = _dump(store)
    files = sorted(changed.glob("listing-*.txt"))
    # a term every corpus uses, now defined with an acronym in one paper, and a new author in another
    victim = files[0]
    text = victim.read_text(encoding="utf-8")
    marker = "In this paper, we" if "In this paper, we" in text else "However,"
    assert marker in text
    text = text.replace(marker, "We propose Zorblax Quantum Sieves (ZQS), which extends Obscuron. " + marker, 1)
    victim.write_text(text, encoding="utf-8")
    run = kg_run(toml)
    assert run["extracted"] == 1
    assert run["load"]["papers_replaced"] == 1 and run["load"]["papers_new"] == 0
    assert run["load"]["papers_unchanged"] == first["papers"] - 1
    dump = _dump(store)
    assert dump != dump_before and ("Zorblax" in dump or "ZQS" in dump)
    assert dump == _clean(tmp_path, [changed], "changed")


def _kept_map(store: Path) -> dict[str, str]:
    """The corpus-wide decisions (ref -> node id) a store's build state keeps."""
    from kg.incremental import BuildState

    state = BuildState(Path(str(store) + ".cache"), str(store))
    try:
        return dict(state.db.execute("SELECT ref, id FROM map"))
    finally:
        state.close()


def test_an_update_keeps_a_clean_builds_decisions_and_finds_a_nodes_refs_by_them(built, tmp_path):
    """The papers that carry a changed shared node are found through the build state's kept
    decisions (BuildState.refs_of_nodes), not a walk over every decision of the resolution: after
    an update that changes decisions corpus-wide they must be a clean build's, and a node's refs
    those that resolve to it."""
    from kg.incremental import BuildState

    tmp, base, _ = built
    changed = tmp_path / "changed"
    shutil.copytree(base, changed)
    store = tmp_path / "graph.lbdb"
    stages = ("ingest", "extract", "resolve", "load")
    toml = pipeline(tmp_path, [changed], store, stages=stages, name="map.toml")
    kg_run(toml)
    victim = sorted(changed.glob("listing-*.txt"))[0]
    text = victim.read_text(encoding="utf-8")
    marker = "In this paper, we" if "In this paper, we" in text else "However,"
    victim.write_text(text.replace(marker, "We propose Zorblax Quantum Sieves (ZQS), which extends Obscuron. " + marker, 1),
                      encoding="utf-8")
    assert kg_run(toml)["load"]["papers_replaced"] == 1
    clean = tmp_path / "clean.lbdb"
    kg_run(pipeline(tmp_path, [changed], clean, stages=stages, name="clean-map.toml"))
    kept = _kept_map(store)
    assert kept and kept == _kept_map(clean)
    state = BuildState(Path(str(store) + ".cache"), str(store))
    try:
        nodes = sorted(set(kept.values()))
        some = set(nodes[::3])
        assert state.refs_of_nodes(some) == {ref: nid for ref, nid in kept.items() if nid in some}
        assert state.refs_of_nodes(set()) == {}
    finally:
        state.close()


def test_removed_input_file_with_prune_equals_a_clean_build(built, tmp_path):
    tmp, base, extra = built
    both = tmp_path / "both"
    shutil.copytree(base, both)
    for f in extra.iterdir():
        shutil.copy(f, both / ("x-" + f.name))
    store = tmp_path / "graph.lbdb"
    toml = pipeline(tmp_path, [both], store, stages=STAGES, name="rm.toml")
    first = kg_run(toml)
    gone = sorted(both.glob("listing-*.txt"))[1]
    gone.unlink()
    run = kg_run(toml)
    assert run["papers"] < first["papers"]
    assert run["load"]["papers_removed"] == first["papers"] - run["papers"]
    assert _dump(store) == _clean(tmp_path, [both], "rm")


def test_an_unchanged_input_without_the_fast_path_skips_analytics_and_writes_nothing(built, tmp_path):
    from kg.pipeline import ExtractionCache

    tmp, base, _ = built
    store = tmp_path / "graph.lbdb"
    toml = pipeline(tmp_path, [base], store, stages=STAGES, name="same.toml")
    first = kg_run(toml)
    before = _dump(store)
    cache = ExtractionCache(Path(str(store) + ".cache"))
    cache.set_last_build(str(store), None)
    cache.close()
    again = kg_run(toml)
    assert not again["up_to_date"] and not again["analytics_ran"]
    load = again["load"]
    assert load["nodes_written"] == load["rels_written"] == load["papers_removed"] == 0
    assert load["papers_unchanged"] == first["papers"]
    assert _dump(store) == before


def _body(state, item) -> tuple[str, str]:
    """(path, JSON) of an entry kg.pipeline.corpus_entries gives: a reused paper entry's JSON
    stays in the build state, at the place it names."""
    path, _entry, body, *rest = item
    if len(rest) > 1 and rest[1] is not None:  # (keys, (path, place), digest): a reused entry
        (body,) = state.db.execute("SELECT body FROM entry WHERE path=? AND seq=?", rest[1]).fetchone()
    return str(path), body


def test_reused_file_entries_equal_a_fresh_read(built, tmp_path, monkeypatch):
    """Ingest reuse (no spaCy): entries recorded by one build and reused by the next equal what
    kg.ingest reads afresh, header-byline files included (their reading depends on other files)."""
    from kg.incremental import BuildState
    from kg.ingest.reader import expand_paths, iter_corpus
    from kg.pipeline import corpus_entries, file_digests

    import kg.ingest.reader as reader

    _, base, extra = built
    state = BuildState(tmp_path, "store")
    read: list[str] = []
    real = reader.iter_entries

    def counting(path, **kw):
        read.append(str(path))
        return real(path, **kw)

    monkeypatch.setattr(reader, "iter_entries", counting)

    def entries(paths):
        read.clear()
        files = expand_paths(paths)
        return [_body(state, item) for item in corpus_entries(files, file_digests(files), state)]

    def fresh(paths):
        return [(str(p), e.model_dump_json()) for p, e in iter_corpus(paths)]

    assert entries([base]) == fresh([base])
    assert state.db.execute("SELECT COUNT(*) FROM file WHERE byline = 1").fetchone()[0] >= 1
    again = entries([base, extra])  # base files reused, extra files read
    assert sorted(read) == sorted(str(p) for p in expand_paths([extra]))
    assert again == fresh([base, extra])
    assert entries([extra]) == fresh([extra])  # titles of the base files gone: bylines re-checked


def test_reused_dedup_keys_and_merges_equal_a_fresh_ingest(built, tmp_path):
    """Ingest reuse (no spaCy): a reused paper entry is grouped by the keys recorded for it, and
    a group with the same entries takes the last build's merged paper: the spool equals a
    fresh ingest's, paper for paper, when files are added and when some are removed."""
    from kg.incremental import BuildState
    from kg.ingest.dedup import dedup_keys
    from kg.ingest.reader import expand_paths, iter_corpus
    from kg.models import Paper
    from kg.pipeline import Spool, corpus_entries, file_digests

    _, base, extra = built
    state = BuildState(tmp_path, "store")

    def spooled(paths, reuse):
        files = expand_paths(paths)
        spool = Spool(tmp_path / ("reuse" if reuse else "fresh"))
        try:
            if reuse:
                read, skipped = spool.ingest(corpus_entries(files, file_digests(files), state), merged=state)
                state.commit()
            else:
                read, skipped = spool.ingest(iter_corpus(paths))
            return read, skipped, list(spool.rows())
        finally:
            spool.close()

    for paths in ([base], [base, extra], [base, extra], [extra]):
        assert spooled(paths, True) == spooled(paths, False)
    for item in corpus_entries(expand_paths([extra]), file_digests(expand_paths([extra])), state):
        if len(item) > 3:  # reused entries are not parsed: their keys are the recorded ones
            assert item[3] == dedup_keys(Paper.model_validate_json(_body(state, item)[1]))
    (merged,) = state.db.execute("SELECT COUNT(*) FROM merged").fetchone()
    assert merged == spooled([extra], False)[2].__len__()  # only this build's groups are kept


def test_a_reused_group_is_known_by_its_entry_digests_without_reading_its_entries(built, tmp_path):
    """Ingest reads the JSON of a recorded entry only to merge its group again: an unchanged
    corpus reads none, and a recorded entry that joins a group with a new entry is read."""
    from kg.incremental import BuildState
    from kg.ingest.reader import expand_paths, iter_corpus
    from kg.models import Paper, normalise_title
    from kg.pipeline import Spool, corpus_entries, file_digests

    _, base, extra = built
    state = BuildState(tmp_path, "store")
    reads: list[tuple[str, int]] = []
    entry_body = state.entry_body
    state.entry_body = lambda path, seq: reads.append((path, seq)) or entry_body(path, seq)

    def spooled(paths, reuse, to):
        files = expand_paths(paths)
        spool = Spool(tmp_path / to)
        try:
            if reuse:
                spool.ingest(corpus_entries(files, file_digests(files), state), merged=state)
                state.commit()
            else:
                spool.ingest(iter_corpus(paths))
            return list(spool.rows())
        finally:
            spool.close()

    spooled([base, extra], True, "first")
    assert reads == []  # a first build parses every entry: nothing recorded is read
    assert spooled([base, extra], True, "again") == spooled([base, extra], False, "fresh")
    assert reads == []
    # a copy of a recorded paper entry in a new file joins its group, which is merged again
    path, seq, body = state.db.execute("SELECT e.path, e.seq, e.body FROM entry e JOIN file f ON f.path = e.path"
                                       " WHERE e.kind='p' AND f.byline = 0 ORDER BY e.path, e.seq LIMIT 1").fetchone()
    twin = tmp_path / "twin.jsonl"
    paper = Paper.model_validate_json(body)
    twin.write_text(json.dumps({"title": paper.title, "abstract": paper.abstract, "authors": paper.authors}) + "\n")
    assert spooled([base, extra, twin], True, "twin") == spooled([base, extra, twin], False, "twin-fresh")
    # that entry and the other recorded entries of its group (the same title), no more
    assert (path, seq) in reads
    assert {normalise_title(Paper.model_validate_json(entry_body(*r)).title) for r in reads} == {normalise_title(paper.title)}



@pytest.mark.parametrize("marker", ["resolve: corpus-wide pass done", "load: papers"])
def test_a_killed_incremental_build_falls_back_to_a_full_one(built, tmp_path, marker):
    """SIGKILL during an incremental build, after it changed the kept contributions and concept
    counts (or the store): the next build trusts none of it, runs in full and equals a clean build."""
    import subprocess
    import sys

    tmp, base, extra = built
    store = tmp_path / "killed.lbdb"
    kg_run(pipeline(tmp_path, [base], store, stages=STAGES, name="killed.toml"))
    toml = pipeline(tmp_path, [base, extra], store, stages=STAGES, name="killed.toml")
    assert kill_at(toml, marker)
    proc = subprocess.run([sys.executable, "-m", "kg", "run", str(toml)], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "build: full" in proc.stderr
    assert _dump(store) == _clean(tmp, [base, extra], "killed")
    assert kg_run(toml)["up_to_date"]  # the full build completed and was recorded
