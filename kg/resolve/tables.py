"""SQLite plumbing shared by the kept counts of the resolvers (kg.resolve.authors.AuthorCounts,
kg.resolve.concepts.ConceptCounts)."""

from __future__ import annotations

from collections import Counter


def add_counts(db, table: str, columns: str, counts: Counter) -> None:
    """Add ``counts`` ({row values but n: n}, n negative for what is taken out) to ``table``, whose
    rows end in ``n`` and are unique on ``columns`` (their first values); rows that reach zero go,
    and ``counts`` is emptied."""
    # in key order: B-tree inserts in order cost a fraction of scattered ones
    rows = sorted((*k, n) for k, n in counts.items() if n)
    counts.clear()
    if not rows:
        return
    marks = ", ".join("?" * len(rows[0]))
    db.executemany(
        f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT ({columns}) DO UPDATE SET n = n + excluded.n", rows  # noqa: S608
    )
    # only a row counted down can reach zero: scanning the whole table cost an update in proportion to it
    names = [c.strip() for c in columns.split(",")]  # the first values of a row
    down = [row[: len(names)] for row in rows if row[-1] < 0]
    if down:
        match = " AND ".join(f"{c} = ?" for c in names)
        db.executemany(f"DELETE FROM {table} WHERE {match} AND n <= 0", down)  # noqa: S608
