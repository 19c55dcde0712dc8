"""An update that changes stored papers in several ways at once (a paper's abstract and mentions,
another's authors, a third's upvotes alone, a fourth's results) leaves the store equal to a clean
load of the new graph."""

from __future__ import annotations

import pytest

from fixtures.graph import FIXTURE
from kg.models import Author, Authorship, author_id
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
