"""Analytics reads each table with one query: LadybugDB hands the result over as Arrow columns, other
stores as rows. Both paths must leave the same graph, also on an empty one and after new papers."""

from __future__ import annotations

import pytest

from test_analytics import _analytics_dump, _fixture_graph


class RowsOnly:
    """The store without its engine's Arrow read: analytics reads rows, as it does from Neo4j."""

    def __init__(self, store):
        self._store, self.dialect = store, store.dialect

    def query(self, cypher, params=None):
        return self._store.query(cypher, params)

    def execute(self, cypher, params=None):
        return self._store.execute(cypher, params)

    def query_table(self, cypher, names, params=None):
        from kg.store.base import GraphStore

        return GraphStore.query_table(self, cypher, names, params)  # the rows path every store inherits


@pytest.fixture
def two_stores(tmp_path):
    from kg.store import open_store

    stores = [open_store(str(tmp_path / f"{name}.lbdb")) for name in ("arrow", "rows")]
    for s in stores:
        s.apply_schema()
    yield stores
    for s in stores:
        s.close()


@pytest.mark.parametrize("part", [None, {"g1", "f1", "q2", "s1"}], ids=["clean", "after-new-papers"])
def test_arrow_and_row_reads_leave_the_same_graph(two_stores, part):
    from kg.analytics.run import run_analytics

    arrow, rows = two_stores
    summaries = []
    for store, view in ((arrow, arrow), (rows, RowsOnly(rows))):
        if part is not None:  # a last run on fewer papers: the run then writes only the difference
            store.load(_fixture_graph(part))
            run_analytics(view, seed=42)
        store.load(_fixture_graph())
        summaries.append(run_analytics(view, seed=42).model_dump(exclude={"seconds"}))
    assert summaries[0] == summaries[1]
    assert summaries[0]["communities"] >= 3 and summaries[0]["lineage_edges"] >= 1
    assert _analytics_dump(arrow) == _analytics_dump(rows)


def test_an_empty_graph_and_authors_without_papers(two_stores):
    """No rows at all, then authors that wrote nothing: each is a community of its own on both paths."""
    from kg.analytics.run import run_analytics

    arrow, rows = two_stores
    for store, view in ((arrow, arrow), (rows, RowsOnly(rows))):
        empty = run_analytics(view, seed=42)
        assert (empty.authors, empty.communities, empty.concepts, empty.lineage_edges) == (0, 0, 0, 0)
        store.execute("CREATE (:Author {id: 'b', name: 'B'}), (:Author {id: 'a', name: 'A'})")
        lonely = run_analytics(view, seed=42)
        assert (lonely.authors, lonely.communities, lonely.coauthor_edges) == (2, 2, 0)
    assert _analytics_dump(arrow) == _analytics_dump(rows)


def test_concept_trends_on_arrays_equal_burst_scores_on_counters():
    """The matrix form gives each concept the first year, papers and burst the per-concept Counters give."""
    from collections import Counter

    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kg.analytics.trends import UNDATED, burst_scores, concept_trends, period_of

    years = st.sampled_from([None, 2016, 2018, 2019, 2020, 2021, 2023])
    groups = st.dictionaries(st.tuples(st.integers(0, 6), years), st.integers(1, 6), max_size=25)

    @settings(max_examples=300, deadline=None)
    @given(groups, st.lists(years, min_size=1, max_size=40))
    def check(found, papers):
        per_period = Counter(period_of(y) for y in papers)
        for _, y in found:  # every year a concept is named in is a year some paper has
            per_period[period_of(y)] += 1
        dated = sorted({y for _, y in found if y is not None} | {y for y in papers if y is not None})
        number = {y: k for k, y in enumerate(dated)}
        keys = sorted(found, key=lambda k: (k[0], -1 if k[1] is None else k[1]))
        got = concept_trends(
            7,
            np.array([c for c, _ in keys], dtype=np.int64),
            np.array([len(dated) if y is None else number[y] for _, y in keys], dtype=np.int64),
            np.array([found[k] for k in keys], dtype=np.int64),
            dated,
            per_period,
        )
        counts: dict[int, Counter] = {}
        for (c, y), n in found.items():
            counts.setdefault(c, Counter())[period_of(y)] += n
        bursts = burst_scores(counts, per_period)
        for c in range(7):
            by = counts.get(c, Counter())
            on_axis = [int(p) for p in by if p != UNDATED]
            assert got[c] == (min(on_axis) if on_axis else None, sum(by.values()), *bursts.get(c, (0.0, False)))

    check()


class Recorded(RowsOnly):
    """The store, recording each statement and when the update's checkpoint would start."""

    def __init__(self, store):
        super().__init__(store)
        self.calls: list[str] = []

    def query(self, cypher, params=None):
        self.calls.append("read")
        return self._store.query(cypher, params)

    def query_table(self, cypher, names, params=None):
        self.calls.append("read")
        return self._store.query_table(cypher, names, params)

    def execute(self, cypher, params=None):
        self.calls.append("write")
        return self._store.execute(cypher, params)

    def checkpoint_in_background(self):
        self.calls.append("checkpoint")


def test_every_read_comes_before_the_checkpoint_and_nothing_touches_the_store_while_it_runs(two_stores):
    """After an update the checkpoint runs while the steps compute, and the next statement waits for it: a
    read (or a lazy column that goes back to the store) after it starts would wait, so every read comes
    first, and the next statement is a write that the compute phase's results feed."""
    from kg.analytics.run import run_analytics

    store, _ = two_stores
    store.load(_fixture_graph({"g1", "f1", "q2", "s1"}))
    run_analytics(store, seed=42)
    store.load(_fixture_graph())
    view = Recorded(store)
    run_analytics(view, seed=42)
    start = view.calls.index("checkpoint")
    assert "read" in view.calls[:start] and set(view.calls[start + 1 :]) == {"write"}


class Pulled:
    """The store, noting before each statement how many rows the analytics had made so far (``made``)."""

    def __init__(self, store, made: list):
        self._store, self.dialect, self.made, self.seen, self.statements = store, store.dialect, made, [], []

    def query(self, cypher, params=None):
        return self._store.query(cypher, params)

    def query_table(self, cypher, names, params=None):
        return self._store.query_table(cypher, names, params)

    def execute(self, cypher, params=None):
        self.statements.append(cypher)
        if params and "rows" in params:
            self.seen.append((len(params["rows"]), len(self.made)))
        return self._store.execute(cypher, params)


def test_a_write_makes_its_rows_one_batch_at_a_time(two_stores, monkeypatch):
    """Rows given as a generator are made batch by batch as they are written: a clean build writes a row per
    author and per concept, which as one list of dicts grew with the corpus."""
    from kg.analytics import run

    store, _ = two_stores
    store.load(_fixture_graph())
    ids = [r["id"] for r in store.query("MATCH (c:Concept) RETURN c.id AS id ORDER BY id")]
    assert len(ids) >= 5
    monkeypatch.setattr(run, "BATCH", 2)
    made: list = []

    def rows():
        for i in ids:
            made.append(i)
            yield {"id": i, "first_year": 2020, "mentions": 1, "burst": 0.0}

    view = Pulled(store, made)
    run.write(view, "write_concept_stats", rows())
    # each statement got 2 rows (the last what was left) and had only its own rows made before it
    assert [n for n, _ in view.seen] == [2] * (len(ids) // 2) + ([1] if len(ids) % 2 else [])
    assert [m for _, m in view.seen] == [min(2 * (k + 1), len(ids)) for k in range(len(view.seen))]
    years = store.query("MATCH (c:Concept) RETURN c.first_year AS y")
    assert {r["y"] for r in years} == {2020}


def test_a_second_run_on_the_same_graph_writes_no_lineage_edge(two_stores):
    """The stored lineage is compared with the computed one by digests: equal edges are left alone, an
    edge stored twice is replaced by one."""
    from kg.analytics.run import run_analytics

    store, _ = two_stores
    store.load(_fixture_graph())
    first = run_analytics(store, seed=42)
    assert first.lineage_edges >= 1
    view = Pulled(store, [])
    run_analytics(view, seed=42)
    assert not [c for c in view.statements if "LINEAGE" in c]
    clean = _analytics_dump(store)
    edge = store.query("MATCH (c:Concept)-[l:LINEAGE]->(p:Concept) RETURN c.id AS c, p.id AS p, l.evidence AS e, "
                       "l.sentences AS s, l.papers AS ps, l.child_year AS cy, l.parent_year AS py LIMIT 1")[0]
    store.execute("MATCH (c:Concept {id: $c}), (p:Concept {id: $p}) CREATE (c)-[:LINEAGE {evidence: $e, sentences: $s, "
                  "papers: $ps, child_year: $cy, parent_year: $py}]->(p)", edge)
    assert _analytics_dump(store) != clean
    run_analytics(store, seed=42)
    assert _analytics_dump(store) == clean
