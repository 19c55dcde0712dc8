"""The loader in chunks: a graph split or streamed in pieces loads like the whole graph at once."""

from __future__ import annotations

import pytest

import kg.store.base as base
import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.errors import StoreError
from kg.store import canonical_dump, open_store
from kg.store import rows as R
from test_store import changed, clean_build, without_paper


def chunks_of(graph, size: int) -> list:
    return list(R.split_graph(graph, size))


def test_split_graph_keeps_every_record_once_and_each_chunk_has_its_shared_nodes():
    parts = chunks_of(FIXTURE, 2)
    assert len(parts) == -(-len({p.id for p in FIXTURE.papers} | {d.evidence.paper_id for d in FIXTURE.derivations}) // 2)
    for attr in ("papers", "authorships", "paper_affiliations", "mentions", "proposals", "derivations", "results"):
        assert sorted(map(repr, (r for p in parts for r in getattr(p, attr)))) == sorted(map(repr, getattr(FIXTURE, attr)))
    for p in parts:
        authors = {a.id for a in p.authors}
        assert {a.author_id for a in p.authorships} <= authors
        assert {m.concept_id for m in p.mentions} <= {c.id for c in p.concepts}
    # an author of papers in two chunks is carried by both (and must be loaded once)
    per_chunk = [{a.id for a in p.authors} for p in parts]
    assert any(per_chunk[i] & per_chunk[j] for i in range(len(parts)) for j in range(i + 1, len(parts)))


def test_fingerprints_do_not_depend_on_chunking_or_record_order():
    whole = {b.paper_id: b.load_hash for b in R.chunk_rows(FIXTURE).papers}
    parts = {b.paper_id: b.load_hash for p in chunks_of(FIXTURE, 2) for b in R.chunk_rows(p).papers}
    shuffled = FIXTURE.model_copy(update={"mentions": FIXTURE.mentions[::-1], "authorships": FIXTURE.authorships[::-1]})
    assert whole == parts == {b.paper_id: b.load_hash for b in R.chunk_rows(shuffled).papers}


@pytest.mark.parametrize("size", [1, 2, 3])
def test_loading_in_chunks_equals_loading_the_whole_graph(store, size):
    expected = clean_build(store, FIXTURE)
    store.execute("MATCH (n) DETACH DELETE n")
    stats = store.load_chunks(chunks_of(FIXTURE, size))
    assert canonical_dump(store) == expected
    # shared nodes repeated across chunks are written once, not duplicated
    assert store.counts()["nodes"]["Author"] == len({a.author_id for a in FIXTURE.authorships})
    assert stats.papers_new == len(FIXTURE.papers)
    assert stats.graph_hash == store.load(FIXTURE).graph_hash


def test_a_streamed_rebuild_writes_nothing_and_replaces_a_changed_paper(store):
    store.load_chunks(iter(chunks_of(FIXTURE, 2)))
    again = store.load_chunks(iter(chunks_of(FIXTURE, 3)))
    assert again.nodes_written == again.rels_written == 0
    assert again.papers_unchanged == len(FIXTURE.papers)
    v2 = changed(FIXTURE)
    stats = store.load_chunks(chunks_of(v2, 2), prune=True)
    assert stats.papers_replaced == 1
    assert canonical_dump(store) == clean_build(store, v2)


def test_a_shared_node_changed_in_a_later_chunk_takes_the_last_values(store):
    first, *rest = chunks_of(FIXTURE, 2)
    later = {c.id for p in rest for c in p.concepts}
    concept = next(c.id for c in first.concepts if c.id in later)  # in the first chunk and a later one
    renamed = [
        p.model_copy(update={"concepts": [c.model_copy(update={"aliases": ["late alias"]}) if c.id == concept else c for c in p.concepts]})
        for p in rest
    ]
    store.load_chunks([first, *renamed])
    got = store.query("MATCH (c:Concept {id: $id}) RETURN c.aliases AS a", {"id": concept})
    assert got == [{"a": ["late alias"]}]
    assert store.counts()["nodes"]["Concept"] == len({c.id for p in chunks_of(FIXTURE, 2) for c in p.concepts})


def test_a_paper_in_two_chunks_is_refused(store):
    part = chunks_of(FIXTURE, 2)[0]
    with pytest.raises(StoreError, match="two chunks"):
        store.load_chunks([part, part])


def test_prune_keeps_the_papers_listed_in_keep(store):
    store.load(FIXTURE)
    gone, kept = FIXTURE.papers[0].id, FIXTURE.papers[1].id
    rest = without_paper(without_paper(FIXTURE, gone), kept)
    stats = store.load_chunks(chunks_of(rest, 2), prune=True, keep={kept})
    assert stats.papers_removed == 1
    assert canonical_dump(store) == clean_build(store, without_paper(FIXTURE, gone))


def test_many_small_commits_give_the_graph_of_one(tmp_path, monkeypatch):
    """LadybugDB bulk path: FLUSH_ROWS bounds the transaction (NODE_FLUSH_ROWS the nodes committed
    ahead of their edges, in the background); any bounds write the same graph."""
    dumps = []
    for flush in (1, 50, 10_000_000):
        monkeypatch.setattr(lb, "FLUSH_ROWS", flush)
        monkeypatch.setattr(lb, "NODE_FLUSH_ROWS", flush)
        monkeypatch.setattr(base, "PAPER_BATCH", 2)
        with open_store(str(tmp_path / f"g{flush}.lbdb")) as s:
            s.apply_schema()
            s.load(FIXTURE)
            s.load(changed(FIXTURE), prune=True)
            dumps.append(canonical_dump(s))
    assert dumps[0] == dumps[1] == dumps[2]


def test_small_appends_by_unwind_write_the_graph_copy_writes(tmp_path, monkeypatch):
    """Rows fewer than SMALL_APPEND_SHARE of a non-empty table go in by UNWIND, not COPY: the
    same graph either way, lists, odd strings and a replaced paper included."""
    from kg.models import Concept, MentionEdge, concept_id

    g = changed(FIXTURE)
    ev = g.mentions[0].evidence.model_copy(update={"sentence": 'a "quoted"\tsentence,\nover two lines'})
    odd = Concept(id=concept_id("METHOD", "null method"), name="NULL", kind="METHOD",
                  aliases=["a, b", "null"], acronym="null", merge_rules=["{r}"])
    g.concepts.append(odd)
    g.mentions.append(MentionEdge(paper_id=ev.paper_id, concept_id=odd.id, surface="NULL", count=2, starts=[3, 50], evidence=ev))
    dumps, paths = [], []
    for share in (0.0, 1e9):  # never / always when the table holds rows
        monkeypatch.setattr(lb, "SMALL_APPEND_SHARE", share)
        with open_store(str(tmp_path / f"g{share}.lbdb")) as s:
            s.apply_schema()
            first = s.load(FIXTURE)
            again = s.load(g, prune=True)
            paths.append((first.path, again.path))
            dumps.append(canonical_dump(s))
    assert paths == [("copy", "copy"), ("copy", "merge")]
    assert dumps[0] == dumps[1]
    with open_store(str(tmp_path / "clean.lbdb")) as s:
        s.apply_schema()
        assert clean_build(s, g) == dumps[0]


def test_new_nodes_with_lists_append_to_a_non_empty_table(tmp_path):
    """A list of several strings COPYed into a table that already has rows (on the 10k synthetic graph,
    LadybugDB once misread such a CSV cell when it was quoted; lists are now written unquoted)."""
    from kg.models import Concept, MentionEdge, concept_id

    g = FIXTURE.model_copy(deep=True)
    ev = g.mentions[0].evidence
    extra = Concept(id=concept_id("METHOD", "conditional feature search"), name="Conditional Feature Search",
                    kind="METHOD", aliases=["CFS", "C-F-S"], acronym="CFS", merge_rules=["acronym-context", "acronym-definition"])
    g.concepts.append(extra)
    g.mentions.append(MentionEdge(paper_id=ev.paper_id, concept_id=extra.id, surface="CFS", count=2, starts=[0, 9], evidence=ev))
    with open_store(str(tmp_path / "g.lbdb")) as s:
        s.apply_schema()
        s.load(FIXTURE)
        s.load(g)
        got = s.query("MATCH (c:Concept {id: $id}) RETURN c.aliases AS a, c.merge_rules AS m", {"id": extra.id})
        assert got == [{"a": ["CFS", "C-F-S"], "m": ["acronym-context", "acronym-definition"]}]
        assert canonical_dump(s) == clean_build(s, g)


def test_values_a_text_file_would_mangle_are_copied_as_they_are(tmp_path):
    """Strings a CSV reader reads as null, list elements with separators, quotes and edge spaces,
    tabs and newlines: the bulk path writes what the MERGE path writes."""
    from kg.models import Concept, MentionEdge, concept_id

    g = FIXTURE.model_copy(deep=True)
    ev = g.mentions[0].evidence.model_copy(update={"sentence": 'a "quoted"\tsentence,\nover two lines'})
    odd = Concept(id=concept_id("METHOD", "null method"), name="NULL", kind="METHOD",
                  aliases=["a, b", ' "q" ', "[x]", "tab\there", "null"], acronym="null", merge_rules=["{r}", "back\\slash"])
    g.concepts.append(odd)
    g.mentions.append(MentionEdge(paper_id=ev.paper_id, concept_id=odd.id, surface="NULL", count=1, starts=[3], evidence=ev))
    dumps = []
    for fast in (True, False):
        with open_store(str(tmp_path / f"g{fast}.lbdb"), fast=fast) as s:
            s.apply_schema()
            s.load(g)
            got = s.query("MATCH (c:Concept {id: $id}) RETURN c.name AS n, c.aliases AS a, c.merge_rules AS m", {"id": odd.id})
            assert got == [{"n": "NULL", "a": odd.aliases, "m": odd.merge_rules}]
            dumps.append(canonical_dump(s))
    assert dumps[0] == dumps[1]


def test_a_commit_failing_in_the_background_fails_the_load_and_leaves_no_staged_files(tmp_path, monkeypatch):
    monkeypatch.setattr(lb, "FLUSH_ROWS", 1)
    monkeypatch.setattr(lb, "NODE_FLUSH_ROWS", 1)
    monkeypatch.setattr(base, "PAPER_BATCH", 2)
    run = lb._LadybugTx.run

    def failing(self, cypher, params=None):
        if cypher.startswith("COPY `MENTIONS`"):
            raise StoreError("LadybugDB: disk full")
        return run(self, cypher, params)

    monkeypatch.setattr(lb._LadybugTx, "run", failing)
    with open_store(str(tmp_path / "g.lbdb")) as s:
        s.apply_schema()
        with pytest.raises(StoreError, match="disk full"):
            s.load(FIXTURE)
        assert not (tmp_path / ".g.lbdb.staging").exists()
    monkeypatch.setattr(lb._LadybugTx, "run", run)
    with open_store(str(tmp_path / "g.lbdb")) as s:  # the next load repairs what the failed one left
        s.load(FIXTURE)
        assert canonical_dump(s) == clean_build(s, FIXTURE)


def _forked_loads(tmp_path, monkeypatch, flush: int, graph=FIXTURE, group: int = 1) -> tuple[str, object, int]:
    """A first load with its chunks staged in forked processes, ``group`` papers or more each: (dump, stats, forks)."""
    monkeypatch.setattr(lb, "FLUSH_ROWS", flush)
    monkeypatch.setattr(lb, "NODE_FLUSH_ROWS", flush)
    monkeypatch.setattr(base, "PAPER_BATCH", 2)
    monkeypatch.setattr(base, "FORK_PAPERS", group)
    forks = []
    fork = base.Loader._fork_stage
    monkeypatch.setattr(base.Loader, "_fork_stage", lambda self, chunk: (forks.append(1), fork(self, chunk))[1])
    with open_store(str(tmp_path / f"f{flush}.lbdb")) as s:
        s.apply_schema()
        stats = s.load(graph, prune=True)
        return canonical_dump(s), stats, len(forks)


@pytest.mark.parametrize("flush", [1, 50, 10_000_000])
@pytest.mark.parametrize("group", [1, 5])
def test_chunks_staged_in_forked_processes_write_the_graph_and_stats_of_staging_here(tmp_path, monkeypatch, flush, group):
    """The fork path (a first load, LadybugDB bulk path): each child stages into its batch's
    directory and the parent adopts its files, fingerprints and shared-node digests; small and
    large commit bounds (so nodes committed ahead, several files per COPY) give the same graph."""
    dump, stats, forks = _forked_loads(tmp_path, monkeypatch, flush, group=group)
    expected = gathered = 0
    for chunk in chunks_of(FIXTURE, 2):  # a fork once the gathered chunks hold ``group`` papers; the rest staged here
        gathered += len(chunk.papers)
        if gathered >= group:
            expected, gathered = expected + 1, 0
    assert forks == expected > 0
    monkeypatch.setenv("KG_LOAD_FORK", "0")
    here, here_stats, none = _forked_loads(tmp_path / "here", monkeypatch, flush, group=group)
    assert none == 0
    assert dump == here == clean_build_dump(tmp_path, FIXTURE)
    assert stats == here_stats.model_copy(update={"seconds": stats.seconds})


def test_a_later_load_into_a_filled_store_stages_here(tmp_path, monkeypatch):
    """Only a load into an empty store forks: a rebuild looks up stored fingerprints and nodes."""
    _forked_loads(tmp_path, monkeypatch, 50)
    forks = []
    fork = base.Loader._fork_stage
    monkeypatch.setattr(base.Loader, "_fork_stage", lambda self, chunk: (forks.append(1), fork(self, chunk))[1])
    with open_store(str(tmp_path / "f50.lbdb")) as s:
        stats = s.load(changed(FIXTURE), prune=True)
        assert forks == [] and stats.papers_replaced >= 1
        assert canonical_dump(s) == clean_build(s, changed(FIXTURE))


def test_a_paper_in_two_forked_chunks_is_refused_and_leaves_no_staged_files(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "FORK_PAPERS", 1)
    part = chunks_of(FIXTURE, 2)[0]
    with open_store(str(tmp_path / "g.lbdb")) as s:
        s.apply_schema()
        with pytest.raises(StoreError, match="two chunks"):
            s.load_chunks([part, part])
        assert not (tmp_path / ".g.lbdb.staging").exists()


def clean_build_dump(tmp_path, graph) -> str:
    with open_store(str(tmp_path / "clean.lbdb"), fast=False) as s:
        s.apply_schema()
        s.load(graph)
        return canonical_dump(s)


def test_fork_groups_grow_from_the_first_group_to_the_cap(tmp_path, monkeypatch):
    """Groups hold as many papers as every earlier group together, from ``FIRST_FORK_PAPERS`` to
    ``FORK_PAPERS``: a small load forks too, a large one a few times; the graph is the one staged here."""
    monkeypatch.setattr(lb, "FLUSH_ROWS", 50)
    monkeypatch.setattr(base, "PAPER_BATCH", 2)
    monkeypatch.setattr(base, "FIRST_FORK_PAPERS", 2)
    monkeypatch.setattr(base, "FORK_PAPERS", 4)
    groups = []
    fork = base.Loader._fork_stage
    monkeypatch.setattr(base.Loader, "_fork_stage",
                        lambda self, chunks: (groups.append(sum(len(c.papers) for c in chunks)), fork(self, chunks))[1])
    with open_store(str(tmp_path / "g.lbdb")) as s:
        s.apply_schema()
        stats = s.load(FIXTURE, prune=True)
        dump = canonical_dump(s)
    sizes = [len(c.papers) for c in chunks_of(FIXTURE, 2)]
    assert sizes[:4] == [2, 2, 2, 2]  # the fixture: chunks of two papers, then the rest
    assert groups[:3] == [2, 2, 4]  # 2 (the first group), 2 (as many as forked), 4 (the cap)
    assert sum(groups) <= sum(sizes) and len(groups) == 3 + (sum(sizes) - 8) // 4
    monkeypatch.setenv("KG_LOAD_FORK", "0")
    with open_store(str(tmp_path / "here.lbdb")) as s:
        s.apply_schema()
        here = s.load(FIXTURE, prune=True)
        assert canonical_dump(s) == dump == clean_build_dump(tmp_path, FIXTURE)
    assert stats == here.model_copy(update={"seconds": stats.seconds})


def test_a_load_of_known_size_forks_its_last_group_before_the_last_chunk(tmp_path, monkeypatch):
    """Told how many papers the chunks hold, a first load forks the group it has gathered when only
    one chunk is left to come (once the last child is done), instead of staging that group itself
    at ``finish``; the graph and the stats are those of a load that was not told."""
    import os
    import time

    monkeypatch.setattr(lb, "FLUSH_ROWS", 50)
    monkeypatch.setattr(base, "FIRST_FORK_PAPERS", 2)
    monkeypatch.setattr(base, "FORK_PAPERS", 100)  # groups 2, 2, 4, ...: never full again in this fixture
    groups = []
    fork = base.Loader._fork_stage

    def fork_and_let_it_end(self, chunks):
        groups.append(sum(len(c.papers) for c in chunks))
        forked = fork(self, chunks)
        deadline = time.monotonic() + 60
        while forked and not os.path.exists(self._child[1]) and time.monotonic() < deadline:
            time.sleep(0.01)  # the child is done before the next chunk comes, as in a build
        return forked

    monkeypatch.setattr(base.Loader, "_fork_stage", fork_and_let_it_end)
    parts = chunks_of(FIXTURE, 1)
    total = sum(len(c.papers) for c in parts)
    assert total >= 9  # groups 1 (FIRST_FORK_PAPERS is 2: chunks of 1 paper), then the rest
    results = {}
    for told in (None, total):
        groups.clear()
        with open_store(str(tmp_path / f"g-{told}.lbdb")) as s:
            s.apply_schema()
            stats = s.load_chunks(iter(parts), prune=True, papers=told)
            results[told] = (list(groups), stats, canonical_dump(s))
    untold, told = results[None], results[total]
    assert untold[0] == [2, 2, 4]  # the rest waits for finish
    assert told[0][:3] == [2, 2, 4] and sum(told[0]) == total - 1  # only the last chunk is staged at finish
    assert told[2] == untold[2] == clean_build_dump(tmp_path, FIXTURE)
    assert told[1] == untold[1].model_copy(update={"seconds": told[1].seconds})


@pytest.mark.parametrize("fork", ["1", "0"])
def test_the_chunks_are_freed_before_the_last_commit(tmp_path, monkeypatch, fork):
    # the last commit is a build's peak: the chunks staged for it must not be held through it
    import weakref

    monkeypatch.setenv("KG_LOAD_FORK", fork)
    refs, alive = [], []
    original = lb._StagedBatch.commit

    def commit(self):
        alive.append(sum(r() is not None for r in refs))
        return original(self)

    def stream():
        for chunk in R.split_graph(FIXTURE, 2):
            refs.append(weakref.ref(chunk))
            yield chunk

    monkeypatch.setattr(lb._StagedBatch, "commit", commit)
    with open_store(str(tmp_path / "g.lbdb")) as st:
        st.apply_schema()
        st.load_chunks(stream())
        at_commits = list(alive)
        assert canonical_dump(st) == clean_build(st, FIXTURE)
    assert len(refs) > 1 and at_commits and at_commits[-1] == 0
