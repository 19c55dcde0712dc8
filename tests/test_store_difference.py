"""A paper written again is replaced by difference: its rows that went are deleted, new ones
inserted, changed ones updated, and the rows it keeps are left as they are."""

from __future__ import annotations

import pytest

import kg.store.ladybug_store as lb
from fixtures.graph import FIXTURE
from kg.store import canonical_dump, open_store
from kg.store import rows as R
from test_store import changed, clean_build


def _bundle(pid: str, rows: dict[str, list[tuple]]) -> R.PaperRows:
    return R.bundle(pid, {(name, R._KEYS[name](row)): row for name, table in rows.items() for row in table})


def _mention(src: str, dst: str, count: int, confidence: float = 0.9) -> tuple:
    cols = R.columns("MENTIONS")
    row = dict.fromkeys(cols)
    row.update(src=src, dst=dst, count=count, confidence=confidence)
    return tuple(row[c] for c in cols)


def test_row_changes_keeps_equal_rows_and_sorts_the_rest():
    kept, moved, gone, new = (_mention("p", "c:kept", 1), _mention("p", "c:moved", 1), _mention("p", "c:gone", 1),
                              _mention("p", "c:new", 2))
    changes = R.row_changes([_bundle("p", {"MENTIONS": [kept, _mention("p", "c:moved", 5), new]})],
                            {"MENTIONS": [kept, moved, gone]})
    assert changes.unchanged == 1
    assert changes.inserts == {"MENTIONS": [new]}
    assert changes.updates == {"MENTIONS": [_mention("p", "c:moved", 5)]}
    assert changes.removals == {"MENTIONS": [("p", "c:gone")]}


def test_row_changes_removes_an_identity_stored_twice_and_writes_it_once():
    row = _mention("p", "c:a", 1)
    changes = R.row_changes([_bundle("p", {"MENTIONS": [row]})], {"MENTIONS": [row, row]})
    assert changes.removals == {"MENTIONS": [("p", "c:a")]}
    assert changes.inserts == {"MENTIONS": [row]}
    assert changes.unchanged == 0


def test_rows_equal_but_for_nan_or_a_tuple_written_as_a_list_are_the_same():
    assert R.same_row((1, float("nan"), ("a",)), (1, float("nan"), ["a"]))
    assert not R.same_row((1, 0.5), (1, 0.25))


def _revised(graph):
    """``graph`` with one paper's first mention counted again, its last mention gone, a mention
    of a concept it did not mention and one of its results' numbers changed: every other row of
    the paper (its authorships, affiliations, other mentions and results) stays as it was."""
    g = graph.model_copy(deep=True)
    target = next(p for p in g.papers if sum(m.paper_id == p.id for m in g.mentions) >= 2
                  and any(r.paper_id == p.id for r in g.results))
    mine = [m for m in g.mentions if m.paper_id == target.id]
    mine[0].count += 1
    g.mentions.remove(mine[-1])
    other = next(m for m in g.mentions if m.paper_id != target.id and m.concept_id not in {x.concept_id for x in mine})
    g.mentions.append(other.model_copy(update={"paper_id": target.id, "evidence": mine[0].evidence}))
    result = next(r for r in g.results if r.paper_id == target.id)
    result.number += 1
    return g, target.id


def _edge_ids(store, paper_id: str) -> dict[str, object]:
    rows = store.query("MATCH (p:Paper {id: $id})-[r]->(b) RETURN b.id AS dst, label(r) AS type, ID(r) AS rid",
                       {"id": paper_id})
    return {f"{r['type']}>{r['dst']}": r["rid"] for r in rows}


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "merge"])
def test_a_paper_written_again_changes_only_its_rows_that_differ(tmp_path, fast):
    v2, target = _revised(FIXTURE)
    with open_store(str(tmp_path / "graph.lbdb"), fast=fast) as store:
        store.apply_schema()
        store.load(FIXTURE)
        before = _edge_ids(store, target)
        stats = store.load(v2, prune=True)
        after = _edge_ids(store, target)
        assert stats.papers_replaced == 1 and stats.papers_new == 0
        # the Paper row (its fingerprint) and the result whose number changed; one mention
        # updated, one inserted; nothing else written
        assert (stats.nodes_written, stats.rels_written) == (2, 2)
        kept = set(before) & set(after)
        assert len(kept) == len(before) - 1 and len(after) == len(before)
        # rows left in place keep their internal ids: they were neither deleted nor written again
        assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
        assert store.query("MATCH (p:Paper {id: $id}) RETURN p.load_hash AS h", {"id": target}) == [
            {"h": next(b.load_hash for b in R.chunk_rows(v2).papers if b.paper_id == target)}]
        assert canonical_dump(store) == clean_build(store, v2)


def test_a_paper_replaced_by_difference_across_many_commits_equals_a_clean_build(tmp_path, monkeypatch):
    """Every chunk its own commit, nodes committed ahead of their edges: the removals and the
    fingerprints taken off go with the first part, the fingerprints set in the last."""
    monkeypatch.setattr(lb, "FLUSH_ROWS", 1)
    monkeypatch.setattr(lb, "NODE_FLUSH_ROWS", 1)
    with open_store(str(tmp_path / "graph.lbdb")) as store:
        store.apply_schema()
        store.load_chunks(R.split_graph(FIXTURE, 2))
        v2 = changed(FIXTURE)
        stats = store.load_chunks(R.split_graph(v2, 2), prune=True)
        assert stats.papers_replaced == 1
        assert store.query("MATCH (p:Paper) WHERE p.load_hash IS NULL RETURN count(p) AS n") == [{"n": 0}]
        assert canonical_dump(store) == clean_build(store, v2)
