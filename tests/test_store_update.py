"""An update that changes stored papers in several ways at once (a paper's abstract and mentions,
another's authors, a third's upvotes alone, a fourth's results) leaves the store equal to a clean
load of the new graph."""

from __future__ import annotations

import pytest

from fixtures.graph import FIXTURE
from kg.models import Author, Authorship, Concept, DerivationEdge, author_id
from kg.store import canonical_dump, open_store

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


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "merge"])
def test_an_update_of_papers_changed_in_several_ways_equals_a_clean_load(tmp_path, fast):
    after = edited(FIXTURE)
    with open_store(str(tmp_path / "clean.lbdb"), fast=fast) as clean:
        clean.apply_schema()
        clean.load(after)
        want = canonical_dump(clean)
    with open_store(str(tmp_path / "updated.lbdb"), fast=fast) as store:
        store.apply_schema()
        store.load(FIXTURE)
        stats = store.load(after, prune=True)
        assert canonical_dump(store) == want
        assert stats.papers_replaced == 4 and stats.papers_new == 0


def _without(graph, paper_id):
    g = graph.model_copy(deep=True)
    g.papers = [p for p in g.papers if p.id != paper_id]
    g.authorships = [a for a in g.authorships if a.paper_id != paper_id]
    g.paper_affiliations = [a for a in g.paper_affiliations if a.paper_id != paper_id]
    g.mentions = [m for m in g.mentions if m.paper_id != paper_id]
    g.proposals = [p for p in g.proposals if p.paper_id != paper_id]
    g.derivations = [d for d in g.derivations if d.evidence.paper_id != paper_id]
    g.results = [r for r in g.results if r.paper_id != paper_id]
    return g


def _with_single_use_concepts(graph):
    """``graph`` with a concept that only one result names as its metric and one that only one
    derivation names as its base: removing their paper orphans each through that one edge."""
    g = graph.model_copy(deep=True)
    metric = Concept(id="concept:only-metric", name="Only Metric", kind="METRIC")
    base = Concept(id="concept:only-base", name="Only Base", kind="METHOD")
    g.concepts += [metric, base]
    g.results[0].metric_id = metric.id
    d = g.derivations[0]
    g.derivations.append(DerivationEdge(new_id=d.new_id, base_id=base.id, relation=d.relation, evidence=d.evidence))
    return g


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "merge"])
def test_a_scoped_update_removes_the_orphans_a_whole_scan_would(tmp_path, fast):
    """An update of a store a complete load left (``scoped_orphans``, what an incremental build
    passes) checks only the nodes the papers it removes referred to: removing each paper in turn,
    and the four-way edit above, leaves the store equal to a clean load, orphans gone."""
    from kg.store.rows import split_graph

    base = _with_single_use_concepts(FIXTURE)
    cases = [_without(base, p.id) for p in base.papers] + [edited(base)]
    orphaned = 0
    for i, after in enumerate(cases):
        with open_store(str(tmp_path / f"clean{i}.lbdb"), fast=fast) as clean:
            clean.apply_schema()
            clean.load(after)
            want = canonical_dump(clean)
        with open_store(str(tmp_path / f"updated{i}.lbdb"), fast=fast) as store:
            store.apply_schema()
            store.load(base)
            stats = store.load_chunks(split_graph(after, 2), prune=True, scoped_orphans=True)
            assert canonical_dump(store) == want, f"case {i}"
            assert store._orphan_scope is None
        orphaned += stats.orphans_removed
    assert orphaned > 0  # the cases do orphan authors, affiliations or concepts
