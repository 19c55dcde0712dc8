"""AuthorCounts (the author pass's statistics kept in SQLite, updated paper by paper, with the
last pass's authors per bucket) resolves as resolve_authors over the bylines it counts, after
each of many small changes, while resolving again only the touched buckets."""

from __future__ import annotations

import random
import sqlite3

import pytest

from kg.resolve.authors import AuthorCounts, resolve_authors

FIRST = ["David", "D.", "Dan", "David W.", "David K.", "Ann", "A.", "Anna", "Chaitanya K.", "C. K.", "C.K.", "Chaitanya",
         "Jose", "José", "Li", "L.", "Taco", "T."]
LAST = ["Zhang", "Joshi", "Lee", "de Haan", "van der Berg", "Viganò", "Vigano", "Li", "Wang", "Cohen", "ZHANG"]
GROUPS = ["FAIR CodeGen team", "FAIR Codegen Team", "BigScience Workshop consortium", "Smith et al", "Smith et-al"]


def random_bylines(seed: int, n: int) -> dict[str, list[str]]:
    """Bylines dense in compatible names, shared co-authors, spelling variants and group authors."""
    rng = random.Random(seed)
    out = {}
    for i in range(n):
        byline = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.06:
            byline.append(rng.choice(GROUPS))
        if rng.random() < 0.03:
            byline.append("  ")  # blank names are skipped
        out[f"p{i:04d}"] = byline
    return out


def _fields(r) -> tuple:
    return list(r.authors.items()), [m.model_dump() for m in r.merges], r.lookup


@pytest.mark.parametrize("seed", range(6))
def test_author_counts_resolve_as_a_clean_corpus(seed, tmp_path):
    papers = random_bylines(seed, 240)
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    people = AuthorCounts(db)
    rng = random.Random(seed)
    order = sorted(papers)
    rng.shuffle(order)
    current: dict[str, list[str]] = {}
    for pid in order[:120]:
        people.add(pid, papers[pid])
        current[pid] = papers[pid]

    last: dict = {}

    def check(counts: AuthorCounts) -> None:
        clean = resolve_authors(byline for _pid, byline in sorted(current.items()))
        # a first pass reads the bylines it is given; later ones, only what they keep
        got = counts.resolve(list(current.values()))
        assert _fields(got) == _fields(clean)
        if counts.touched is not None:  # every name whose lookup or author changed is reported touched
            differ = {n for n in got.lookup.keys() | last.keys() if last.get(n) != got.lookup.get(n)}
            assert differ <= counts.touched
            for name, aid in got.lookup.items():
                if name not in counts.touched and aid is not None:
                    assert got.authors[aid] == authors_before[aid]
        last.clear()
        last.update(got.lookup)
        authors_before.clear()
        authors_before.update(got.authors)

    authors_before: dict = {}

    check(people)
    again = AuthorCounts._again
    buckets: list[int] = []

    def spy(self):
        buckets.append(db.execute("SELECT COUNT(*) FROM au_dirty").fetchone()[0])
        return again(self)

    AuthorCounts._again = spy
    try:
        for step, start in enumerate(range(120, 240, 8)):
            for pid in order[start : start + 8]:
                people.add(pid, papers[pid])
                current[pid] = papers[pid]
            people.flush()
            for pid in rng.sample(sorted(current), 3):
                people.add(pid, current.pop(pid), -1)
            changed = rng.choice(sorted(current))  # a changed byline: taken out, added back with one more name
            people.add(changed, current[changed], -1)
            current[changed] = [*current[changed], f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
            people.add(changed, current[changed])
            if step % 4 == 1:  # a later build: new AuthorCounts over the same tables
                people.flush()
                db.commit()
                people = AuthorCounts(db)
            check(people)
    finally:
        AuthorCounts._again = again
    assert buckets and max(buckets) < db.execute("SELECT COUNT(*) FROM au_key").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM au_form WHERE n <= 0").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM au_dirty").fetchone()[0] == 0


def test_a_group_author_does_not_depend_on_the_order_of_its_spellings():
    """Two spellings of one key, one a group name and one not ('et al' needs its space): the key
    is a group whichever comes first (an incremental build cannot know the corpus order)."""
    a = resolve_authors([["Smith et al", "Ann Lee"], ["Smith et-al", "Ann Lee"]])
    b = resolve_authors([["Smith et-al", "Ann Lee"], ["Smith et al", "Ann Lee"]])
    assert _fields(a) == _fields(b)
    assert a.authors[a.author_of("Smith et-al")].is_group
