"""An update replaces a stored paper that changed by difference: the store afterwards equals a
clean load of the new graph, and the rows that did not change are the very rows stored before
(LadybugDB's internal ids), not deleted and written again."""

from __future__ import annotations

import pytest

from fixtures.graph import FIXTURE
from kg.models import Author, Authorship, author_id
from kg.store import canonical_dump, open_store
from kg.store import rows as R
from kg.store.schema import node, relationship

ABSTRACT, AUTHORS, PROPERTY, RESULT = "arxiv:2101.00001", "arxiv:2202.00002", "arxiv:2303.00003", "arxiv:2402.00005"


def edited(graph):
    """Four papers changed: one's abstract (its mentions' sentences move, one mention goes, one
    counts again), one's authors (a newcomer, two swapped), one's upvotes alone, one's results."""
    g = graph.model_copy(deep=True)
    papers = {p.id: p for p in g.papers}
    papers[ABSTRACT].abstract = "Revised. " + papers[ABSTRACT].abstract
    mine = [m for m in g.mentions if m.paper_id == ABSTRACT]
    g.mentions.remove(mine[0])
    mine[1].count += 1
    newcomer = Author(id=author_id("Zed Newcomer"), name="Zed Newcomer")
    g.authors.append(newcomer)
    byline = [a for a in g.authorships if a.paper_id == AUTHORS]
    g.authorships.remove(byline[-1])
    g.authorships.append(Authorship(author_id=newcomer.id, paper_id=AUTHORS, position=byline[-1].position))
    byline[0].position, byline[1].position = byline[1].position, byline[0].position
    papers[PROPERTY].upvotes = 41
    results = [r for r in g.results if r.paper_id == RESULT]
    results[0].value, results[0].number = "99.5", 99.5
    if len(results) > 1:
        g.results.remove(results[-1])
    return g


def _ids(store, papers: list[str]) -> dict[tuple, tuple]:
    """{(table, key, values): internal id} of the papers' stored rows (Paper, Result, loaded edges)."""
    out = {}
    for name, rows in _stored(store, papers).items():
        for key, (values, ident) in rows.items():
            out[name, key, values] = ident
    return out


def _stored(store, papers):
    out = {}
    for name in (*R.PAPER_LABELS, *R.LOADED_TYPES):
        cols = R.columns(name)
        if name in R.LOADED_TYPES:
            r = relationship(name)
            ret = ", ".join(f"x.`{p}` AS `{p}`" for p in cols[2:])
            stmt = (f"MATCH (a:`{r.source}`)-[x:`{name}`]->(b:`{r.target}`) RETURN a.id AS src, b.id AS dst, ID(x) AS ident"
                    + (f", {ret}" if ret else ""))
        else:
            stmt = f"MATCH (n:`{node(name).label}`) RETURN ID(n) AS ident, " + ", ".join(f"n.`{c}` AS `{c}`" for c in cols)
        rows = {}
        for r in store.query(stmt):
            row = tuple(r[c] for c in cols)
            if not _of(name, row, papers, store):
                continue
            values = tuple(v for c, v in zip(cols, row) if c != "load_hash")
            rows[R.row_key(name)(row)] = (repr(values), (r["ident"]["table"], r["ident"]["offset"]))
        out[name] = rows
    return out


def _of(name, row, papers, store) -> bool:
    """Whether a row derives from one of ``papers``."""
    cols = R.columns(name)
    if name == "Paper":
        return row[0] in papers
    if name == "DERIVED_FROM":
        return row[cols.index("paper_id")] in papers
    if name in ("Result", "ON", "MEASURED_BY", "FOR_METHOD"):
        rid = row[0]
        got = store.query("MATCH (p:Paper)-[:REPORTS]->(r:Result {id: $id}) RETURN p.id AS p", {"id": rid})
        return bool(got) and got[0]["p"] in papers
    r = relationship(name)
    return (row[0] if r.source == "Paper" else row[1]) in papers


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "merge"])
def test_an_update_keeps_the_unchanged_rows_of_a_changed_paper_and_equals_a_clean_load(tmp_path, fast):
    after = edited(FIXTURE)
    changed = [ABSTRACT, AUTHORS, PROPERTY, RESULT]
    with open_store(str(tmp_path / "clean.lbdb"), fast=fast) as clean:
        clean.apply_schema()
        clean.load(after)
        want = canonical_dump(clean)
    with open_store(str(tmp_path / "updated.lbdb"), fast=fast) as store:
        store.apply_schema()
        store.load(FIXTURE)
        before = _ids(store, changed)
        stats = store.load(after, prune=True)
        assert canonical_dump(store) == want
        assert stats.papers_replaced == len(changed)
        now = _ids(store, changed)
    same = set(before) & set(now)
    # every row whose values stayed is the row stored before (its internal id), Paper nodes included
    moved = sorted(k for k in same if before[k] != now[k])
    assert not moved, moved
    tables = {k[0] for k in same}
    assert {"Paper", "MENTIONS", "AUTHORED", "REPORTS"} <= tables
    # and what changed was written: the rows that are not as they were
    assert len(now) - len(same) >= 5
    # the papers' rows written: only those new or changed (of the relationship tables)
    gone_or_new = {k for k in now if k not in before and k[0] in R.LOADED_TYPES}
    assert stats.rels_written == len(gone_or_new)
