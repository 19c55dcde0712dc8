"""GraphStore: the interface both backends implement, and the loader, written once for both.

The loader (``GraphStore.load``) is one design:

1. shared nodes (Author, Affiliation, Concept): stored values are read once; new ids are
   inserted, changed ones updated with ``UNWIND $rows ... MERGE ... SET``, equal ones skipped;
2. papers: every row derived from a paper is fingerprinted (``load_hash``); a paper whose stored
   fingerprint is equal is skipped, a changed one is removed with everything derived from it
   (Results, edges, DERIVED_FROM edges it supports) and written again, a new one is written;
   each batch of papers is ONE transaction, fingerprint included, so a build killed at any point
   leaves every paper either as it was or fully written, and the next run repairs the rest;
3. shared nodes that nothing refers to any more are removed, as a clean build would not have them.

Backends differ only in how rows that are known to be new are inserted: Neo4j (and LadybugDB with
``fast=False``) with ``UNWIND $rows ... MERGE``; LadybugDB by default with a file-based ``COPY FROM``.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kg.errors import StoreError
from kg.models import LoadStats, ResolvedGraph
from kg.store import rows as R
from kg.store import statements as S
from kg.store.cypher import load_cypher, strip_comments
from kg.store.schema import NODES, RELATIONSHIPS

#: papers per transaction, and rows per UNWIND statement
PAPER_BATCH = 20_000
UNWIND_BATCH = 5_000

Progress = Callable[[str], None]


class Tx(ABC):
    """An open write transaction."""

    @abstractmethod
    def run(self, cypher: str, params: dict | None = None) -> list[dict]: ...


class GraphStore(ABC):
    """A graph database holding the kg schema. Use as a context manager."""

    dialect: str = ""
    target: str = ""
    read_only: bool = False

    # ----------------------------------------------------------------- backend primitives
    @abstractmethod
    def query(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run a read statement; rows as dicts keyed by the RETURN names."""

    @abstractmethod
    def _execute(self, cypher: str, params: dict | None = None) -> list[dict]: ...

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction: committed when the block ends, rolled back on error."""

    @abstractmethod
    def close(self) -> None: ...

    def insert_new(self, tx: Tx, kind: str, name: str, rows: list[dict]) -> str:
        """Insert rows known to be absent (``kind`` is "node" or "rel"); returns the path used."""
        self.merge(tx, kind, name, rows)
        return "merge"

    # ----------------------------------------------------------------- public API
    def execute(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run a write statement; refused when the store was opened read-only."""
        self._require_writable()
        return self._execute(cypher, params)

    def apply_schema(self) -> None:
        """Create the tables / constraints and indexes of kg/store/schema.py; idempotent."""
        self._require_writable()
        for stmt in S.schema_statements(self.dialect):
            self._execute(stmt)

    def named(self, name: str) -> str:
        return strip_comments(load_cypher(name, self.dialect))

    def merge(self, tx: Tx, kind: str, name: str, rows: list[dict]) -> None:
        stmt = S.merge_node(name, self.dialect) if kind == "node" else S.merge_rel(name, self.dialect)
        for chunk in R.chunks(rows, UNWIND_BATCH):
            tx.run(stmt, {"rows": chunk})

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type."""
        nodes = {n.label: int(self.query(S.count_nodes(n.label))[0]["n"]) for n in NODES}
        rels = {r.type: int(self.query(S.count_rels(r.type))[0]["n"]) for r in RELATIONSHIPS}
        return {"nodes": nodes, "relationships": rels}

    def paper_hashes(self) -> dict[str, tuple[str | None, str | None]]:
        """{paper id: (load_hash, content_hash)} as stored."""
        return {r["id"]: (r["load_hash"], r["content_hash"]) for r in self.query(self.named("load/paper_hashes"))}

    def load(
        self,
        graph: ResolvedGraph,
        *,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> LoadStats:
        """Write ``graph``: idempotent, replaces changed papers; ``prune`` also removes papers not in it."""
        self._require_writable()
        say = progress or (lambda _msg: None)
        t0 = time.perf_counter()
        stats = LoadStats()
        paths: set[str] = set()

        # 1. shared nodes
        shared = R.shared_node_rows(graph)
        for label, wanted in shared.items():
            stored = self._stored_rows(label)
            new = [r for r in wanted if r["id"] not in stored]
            changed = [r for r in wanted if r["id"] in stored and not _same(stored[r["id"]], r)]
            stats.nodes_unchanged += len(wanted) - len(new) - len(changed)
            if new or changed:
                with self.transaction() as tx:
                    if new:
                        paths.add(self.insert_new(tx, "node", label, new))
                    if changed:
                        self.merge(tx, "node", label, changed)
                stats.nodes_written += len(new) + len(changed)
            say(f"load: {label}: {len(new)} new, {len(changed)} changed")

        # 2. papers
        bundles = R.paper_rows(graph)
        stored = self.paper_hashes()
        in_graph = {b.paper_id for b in bundles}
        todo = [b for b in bundles if stored.get(b.paper_id, (None,))[0] != b.load_hash or not b.nodes["Paper"]]
        stats.papers_unchanged = len(bundles) - len(todo)
        removed = sorted(set(stored) - in_graph) if prune else []
        stats.papers_removed = len(removed)
        if removed:
            for ids in R.chunks(removed, PAPER_BATCH):
                with self.transaction() as tx:
                    self._delete_papers(tx, ids)
        done = 0
        for batch in R.chunks(todo, PAPER_BATCH):
            existing = [b.paper_id for b in batch if b.paper_id in stored or not b.nodes["Paper"]]
            stats.papers_replaced += sum(1 for b in batch if b.paper_id in stored)
            stats.papers_new += sum(1 for b in batch if b.paper_id not in stored and b.nodes["Paper"])
            with self.transaction() as tx:
                if existing:
                    self._delete_papers(tx, existing)
                for label in R.PAPER_LABELS:
                    rows = [r for b in batch for r in b.nodes[label]]
                    if rows:
                        paths.add(self.insert_new(tx, "node", label, rows))
                        stats.nodes_written += len(rows)
                for rel_type in R.LOADED_TYPES:
                    rows = [r for b in batch for r in b.rels[rel_type]]
                    if rows:
                        paths.add(self.insert_new(tx, "rel", rel_type, rows))
                        stats.rels_written += len(rows)
            done += len(batch)
            say(f"load: papers {done}/{len(todo)} written ({stats.papers_unchanged} unchanged)")

        # 3. shared nodes nothing refers to any more
        # always: a run killed before this step leaves orphans that only this step removes
        if True:
            with self.transaction() as tx:
                for name in ("load/remove_orphan_authors", "load/remove_orphan_affiliations", "load/remove_orphan_concepts"):
                    out = tx.run(self.named(name))
                    stats.orphans_removed += int(out[0]["removed"]) if out else 0
        stats.graph_hash = R.graph_fingerprint(bundles, shared)
        stats.path = "copy" if "copy" in paths else "merge"
        stats.seconds = round(time.perf_counter() - t0, 3)
        return stats

    # ----------------------------------------------------------------- helpers
    def _delete_papers(self, tx: Tx, ids: list[str]) -> None:
        for name in ("load/delete_paper_results", "load/delete_paper_derivations", "load/delete_papers"):
            tx.run(self.named(name), {"ids": ids})

    def _stored_rows(self, label: str) -> dict[str, dict]:
        props = S.node_properties(label)
        cols = ", ".join(f"n.{S.q(p)} AS {S.q(p)}" for p in props)
        return {r["id"]: r for r in self.query(f"MATCH (n:{S.q(label)}) RETURN {cols}")}

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store {self.target} is open read-only; writes need --write")

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _same(stored: dict, wanted: dict) -> bool:
    return all(_norm(stored.get(k)) == _norm(v) for k, v in wanted.items())


def _norm(value):
    if value == "":
        return None
    if isinstance(value, float) and math.isfinite(value):
        return round(value, 9)
    if isinstance(value, tuple):
        return list(value)
    return value
