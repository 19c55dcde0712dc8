"""SQLite plumbing shared by the kept counts of the resolvers (kg.resolve.authors.AuthorCounts,
kg.resolve.concepts.ConceptCounts)."""

from __future__ import annotations

from collections import Counter


def add_counts(db, table: str, columns: str, counts: Counter) -> None:
    """Add ``counts`` ({row values but n: n}, n negative for what is taken out) to ``table``, whose
    rows end in ``n`` and are unique on ``columns``; rows that reach zero go, and ``counts`` is emptied."""
    rows = [(*k, n) for k, n in counts.items() if n]
    counts.clear()
    if not rows:
        return
    marks = ", ".join("?" * len(rows[0]))
    db.executemany(
        f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT ({columns}) DO UPDATE SET n = n + excluded.n", rows  # noqa: S608
    )
    if any(n < 0 for *_k, n in rows):
        db.execute(f"DELETE FROM {table} WHERE n <= 0")  # noqa: S608
