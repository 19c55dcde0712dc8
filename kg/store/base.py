"""GraphStore: the interface both backends implement, and the loader, written once for both.

The loader (``GraphStore.load`` / ``load_chunks``, a ``Loader`` session underneath) is one design:

1. the graph arrives in chunks of papers (``load`` cuts a whole graph into ``PAPER_BATCH``-paper
   chunks; a streaming pipeline hands its own); each chunk is turned into rows and staged in a
   ``Batch``, committed when ``flush_rows`` rows wait, or as many as the load committed before
   (every chunk when 0: Neo4j, MERGE path), so memory and transaction size stay bounded and a
   large load appends to a table a logarithmic number of times; a store with
   ``commits_in_background`` (LadybugDB: COPY releases the GIL) commits in a worker thread while
   the next chunks are built, and may commit nodes ahead of their edges (``Batch.detach_nodes``);
   a first load into a store with ``stages_in_child`` (LadybugDB) builds and stages the rows of
   every group of chunks (``FORK_PAPERS`` papers at most) in a forked process while the caller produces the next
   chunks (``Loader._fork_stage``);
2. papers: every row derived from a paper is fingerprinted (``load_hash``); a paper whose stored
   fingerprint is equal is skipped, a changed one is removed with everything derived from it
   (Results, edges, DERIVED_FROM edges it supports) and written again, a new one is written. The
   fingerprint is written with the paper's rows in one transaction (MERGE path) or after all of
   them (LadybugDB bulk path, see ``_StagedBatch``): a build killed at any point leaves every paper
   either fingerprinted and complete or without a fingerprint, and the next run rewrites those;
3. shared nodes (Author, Affiliation, Concept) of a chunk are looked up by id: new ones are
   inserted, changed ones updated with ``UNWIND $rows ... MERGE ... SET``, equal ones skipped, in
   the chunk's transaction; one seen in an earlier chunk of the same load is not looked up again;
4. at the end, papers no chunk carried are removed when pruning, and shared nodes that nothing
   refers to any more are removed, as a clean build would not have them.

Backends differ only in how rows that are known to be new are inserted: Neo4j (and LadybugDB with
``fast=False``) with ``UNWIND $rows ... MERGE``; LadybugDB by default with a file-based ``COPY FROM``.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from kg.errors import StoreError
from kg.models import LoadStats, ResolvedGraph
from kg.store import rows as R
from kg.store import statements as S
from kg.store.cypher import load_cypher, strip_comments
from kg.store.schema import NODES, RELATIONSHIPS

if TYPE_CHECKING:
    import numpy as np

#: papers per chunk (one transaction each) when a whole graph is loaded, and rows per UNWIND statement
PAPER_BATCH = 5_000
UNWIND_BATCH = 5_000

#: papers a first load gathers (whole chunks) before it stages them in one forked process (see
#: ``Loader._fork_stage``); env KG_LOAD_FORK=0 stages every chunk here. Each fork write-protects
#: this process's pages, which then fault on their next write: forking for every 2,000-paper
#: chunk of a 100k build, the children took 22.8 CPU-s for the 12.6 the staging took here and
#: the build saved no time; every 10,000 papers, 15.8 CPU-s (busy machine). The build process
#: holds the group it gathers and the group the child stages (their pages are shared until the
#: child ends): 5,000 rather than 10,000 lowered a 100k build's RSS before its last commit, the
#: build's peak, once the concept pass no longer left its memory here (kg.pipeline._apart)
FORK_PAPERS = 5_000
#: the first group's papers: a group then holds as many papers as every earlier group together
#: (2,000, 2,000, 4,000, then ``FORK_PAPERS`` each), so a small load forks too (a 10k
#: build never filled one 10,000-paper group: all of its staging waited for ``finish``) while
#: a large one forks a few times more, and what is left for ``finish`` to stage here, the last
#: group not filled, is at most a third of a small load
FIRST_FORK_PAPERS = 2_000

Progress = Callable[[str], None]
T = TypeVar("T")


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

    def query_table(self, cypher: str, names: tuple[str, ...], params: dict | None = None):
        """Run a read statement; its whole result as a pyarrow Table with the columns ``names``."""
        import pyarrow as pa

        rows = self.query(cypher, params)
        return pa.table({n: pa.array([r[n] for r in rows]) for n in names})

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction: committed when the block ends, rolled back on error."""

    @abstractmethod
    def close(self) -> None: ...

    def defer_checkpoints(self) -> None:
        """Let the write-ahead log grow until the store closes, so a small update of a large store is
        checkpointed once (LadybugDB); a store without checkpoints does nothing."""

    def checkpoint_in_background(self) -> None:
        """Start settling what the deferred checkpoints left in the log while the caller computes
        (LadybugDB: on a thread of its own; the next statement waits for it); a store without
        checkpoints, or with none deferred, does nothing."""

    def in_transaction(self, write: Callable[[Tx], T]) -> T:
        """``write(tx)`` in one transaction, committed when it returns, rolled back if it raises;
        a store may run it again after a rollback (LadybugDB, in a larger buffer pool), so
        ``write`` changes nothing but the store."""
        with self.transaction() as tx:
            return write(tx)

    #: rows a load stages before it commits them; 0 commits every chunk on its own
    flush_rows: int = 0
    #: rows a commit waits for at most, however many the load committed before (0: no bound):
    #: a store whose commits need memory in proportion to their rows stays within a bound
    max_flush_rows: int = 0
    #: whether a load may commit a batch in a worker thread while it stages the next chunks
    #: (the store is then used by that thread alone until the commit ends)
    commits_in_background: bool = False
    #: whether a batch can hand a forked process a part of itself to stage into (``Batch.for_child``)
    stages_in_child: bool = False

    def new_batch(self) -> Batch:
        """Where a load stages its writes until they are committed in one transaction."""
        return Batch(self)

    def insert_new(self, tx: Tx, kind: str, name: str, rows: list[tuple]) -> str:
        """Insert rows (tuples in ``R.columns(name)`` order) known to be absent (``kind`` is "node" or "rel"); returns the path used."""
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

    def merge(self, tx: Tx, kind: str, name: str, rows: list[tuple]) -> None:
        """Upsert rows (tuples in ``R.columns(name)`` order) with ``UNWIND $rows ... MERGE``."""
        stmt = S.merge_node(name, self.dialect) if kind == "node" else S.merge_rel(name, self.dialect)
        props = S.node_properties(name) if kind == "node" else None
        for chunk in R.chunks(rows, UNWIND_BATCH):
            tx.run(stmt, {"rows": R.as_dicts(name, chunk, props)})

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type."""
        nodes = {n.label: self.table_rows(n.label, "node") for n in NODES}
        rels = {r.type: self.table_rows(r.type, "rel") for r in RELATIONSHIPS}
        return {"nodes": nodes, "relationships": rels}

    def table_rows(self, name: str, kind: str) -> int:
        """Nodes of label ``name`` (``kind`` "node") or relationships of type ``name`` ("rel")."""
        stmt = S.count_nodes(name) if kind == "node" else S.count_rels(name)
        return int(self.query(stmt)[0]["n"])

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
        """Write ``graph``: idempotent, replaces changed papers; ``prune`` also removes papers not in it.

        The graph is cut into chunks of ``PAPER_BATCH`` papers whose rows are built one chunk at a
        time; see ``load_chunks`` for how they are committed.
        """
        self._require_writable()
        return self.load_chunks(R.split_graph(graph, PAPER_BATCH), prune=prune, progress=progress)

    def load_chunks(
        self,
        chunks: Iterable[ResolvedGraph],
        *,
        prune: bool = False,
        keep: Collection[str] | None = None,
        progress: Progress | None = None,
        papers: int | None = None,
    ) -> LoadStats:
        """Write a graph given as chunks of papers, read lazily one at a time.

        Writes are staged and committed in bounded transactions (``flush_rows`` rows; every chunk
        on its own when 0), each paper whole in one of them. Every record derived from a paper must be in that paper's chunk; shared nodes (Author,
        Affiliation, Concept) may repeat across chunks and are merged by id (the last values win).
        ``prune`` removes stored papers that no chunk carries and ``keep`` does not list.
        ``papers``, when the caller knows it, is how many papers the chunks hold: a first load then
        stages its last full group before the last chunk comes (it only changes the timing).
        """
        self._require_writable()
        loader = Loader(self, progress=progress, papers=papers)
        try:
            for chunk in chunks:
                loader.add(chunk)
            chunk = None  # the last one is not held through the last commit
            return loader.finish(prune=prune, keep=keep)
        finally:
            loader.discard()

    # ----------------------------------------------------------------- helpers
    def _delete_papers(self, tx: Tx, ids: list[str]) -> None:
        for name in ("load/delete_paper_results", "load/delete_paper_derivations", "load/delete_papers"):
            tx.run(self.named(name), {"ids": ids})

    def is_empty(self, label: str) -> bool:
        """True when no ``label`` node is stored."""
        return not self.query(S.any_node(label))

    def stored_load_hashes(self, ids: list[str]) -> dict[str, str | None]:
        """{paper id: stored load_hash} for those of ``ids`` that have a Paper node."""
        out: dict[str, str | None] = {}
        stmt = self.named("load/paper_hashes_of")
        for part in R.chunks(ids, UNWIND_BATCH):
            out.update((r["id"], r["load_hash"]) for r in self.query(stmt, {"ids": part}))
        return out

    def stored_shared(self, label: str, ids: list[str]) -> dict[str, tuple]:
        """{id: normalised owned values} of the stored ``label`` nodes among ``ids``."""
        props = S.node_properties(label)
        stmt = S.lookup_nodes(label)
        out: dict[str, tuple] = {}
        for part in R.chunks(ids, UNWIND_BATCH):
            for r in self.query(stmt, {"ids": part}):
                out[r["id"]] = tuple(_norm(r[p]) for p in props)
        return out

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store {self.target} is open read-only; writes need --write")

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


@contextmanager
def _no_cyclic_gc():
    """Rows are many small tuples without cycles: with a large graph in memory, every full
    collection the allocations trigger would walk all of it (it was most of a 100k-paper load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _norm(value):
    if value == "":
        return None
    if isinstance(value, float) and math.isfinite(value):
        return round(value, 9)
    if isinstance(value, tuple):
        return list(value)
    return value


#: statements removing nodes nothing refers to any more; results first, as they refer to concepts
ORPHANS = (
    "load/remove_orphan_results",
    "load/remove_orphan_authors",
    "load/remove_orphan_affiliations",
    "load/remove_orphan_concepts",
)

#: the order a batch is written in: nodes before the edges that need them
TABLES = (*R.SHARED_LABELS, *R.PAPER_LABELS, *R.LOADED_TYPES)


def _commit(batch: Batch) -> set[str]:
    try:
        return batch.commit()
    finally:
        batch.discard()


class Batch:
    """Writes staged for one transaction: papers to delete, rows to insert, rows to upsert.

    Committed as one transaction (deletes first, then tables in ``TABLES`` order, inserts before
    upserts), so every paper in it is either fully replaced or untouched.
    """

    def __init__(self, store: GraphStore):
        self.store = store
        self.deletes: list[str] = []
        self.inserts: dict[str, list[tuple]] = {}
        self.upserts: dict[str, list[tuple]] = {}
        self.rows = 0
        #: the load waits for this commit (nothing else runs meanwhile), rather than going on
        #: with the next chunks while it runs in the background
        self.waited = False

    def delete(self, ids: list[str]) -> None:
        self.deletes.extend(ids)

    def insert(self, name: str, rows: list[tuple]) -> None:
        """Rows known to be absent from the store (and from every other row of this batch)."""
        self.inserts.setdefault(name, []).extend(rows)
        self.rows += len(rows)

    def upsert(self, name: str, rows: list[tuple]) -> None:
        """Rows that may exist: MERGE ... SET, after this batch's inserts (the last one wins)."""
        self.upserts.setdefault(name, []).extend(rows)
        self.rows += len(rows)

    def commit(self) -> set[str]:
        """Write everything in one transaction; the paths used ("copy", "merge")."""
        store = self.store

        def write(tx: Tx) -> set[str]:
            paths = set()
            for ids in R.chunks(self.deletes, UNWIND_BATCH):
                store._delete_papers(tx, ids)
            for name in TABLES:
                kind = "rel" if name in R.LOADED_TYPES else "node"
                paths |= self.write(tx, kind, name)
            return paths

        return store.in_transaction(write)

    def write(self, tx: Tx, kind: str, name: str) -> set[str]:
        paths = set()
        if self.inserts.get(name):
            paths.add(self.store.insert_new(tx, kind, name, self.inserts[name]))
        if self.upserts.get(name):
            self.store.merge(tx, kind, name, self.upserts[name])
            paths.add("merge")
        return paths

    def nodes_due(self) -> bool:
        """Whether enough node rows wait to commit them ahead of the rest (see ``detach_nodes``)."""
        return False

    def detach_nodes(self) -> Batch | None:
        """Deletes and node rows as a batch to commit ahead of the rest (None: they stay here)."""
        return None

    def discard(self) -> None:
        """Drop what was staged (nothing of it was written)."""

    def for_child(self, seq: int) -> Batch:
        """A batch a forked process stages into (``stages_in_child``), handed back by ``export`` and ``adopt``."""
        raise NotImplementedError

    def export(self) -> dict:
        raise NotImplementedError

    def adopt(self, part: dict) -> None:
        raise NotImplementedError


class Loader:
    """One load: chunks added one at a time (each written in its own transaction), then ``finish``.

        >>> loader = Loader(store)                     # doctest: +SKIP
        >>> for chunk in chunks: loader.add(chunk)
        >>> stats = loader.finish(prune=True)
    """

    def __init__(self, store: GraphStore, *, progress: Progress | None = None, papers: int | None = None):
        store._require_writable()
        self.store = store
        self.say = progress or (lambda _msg: None)
        self.stats = LoadStats()
        self._t0 = time.perf_counter()
        self._paths: set[str] = set()
        # numpy is imported by a load, not by every command that opens a store
        from kg.store.digests import DigestIndex

        #: the papers staged so far (see kg.store.digests: no Python object per paper)
        self._seen = DigestIndex()
        self._paper_sum = 0
        #: digest of each shared node as this load left it, so later chunks skip the lookup
        self._shared: dict[str, DigestIndex] = {label: DigestIndex() for label in R.SHARED_LABELS}
        self._batch = store.new_batch()
        #: labels with no node when the load began: nothing to look up in them (a first build)
        self._empty = {label for label in ("Paper", *R.SHARED_LABELS) if store.is_empty(label)}
        if "Paper" not in self._empty:
            # an update: its deletes and appends, and the analytics after it, touch the same large
            # relationship tables, which each checkpoint rewrites where touched (see defer_checkpoints)
            store.defer_checkpoints()
        if not store.is_empty("Result"):
            # a killed run may have left results no paper reports, with the ids of results
            # written again now; removed before this load commits results that wait for edges
            store.in_transaction(lambda tx: tx.run(store.named("load/remove_orphan_results")))
        self._staged_papers = 0
        #: rows committed so far by this load (the next flush waits for as many, see ``_flush_due``)
        self._committed_rows = 0
        self._worker: ThreadPoolExecutor | None = None
        self._pending: tuple[Future, int | None] | None = None
        #: a first load stages its chunks in forked processes: nothing stored is looked up, so a
        #: child needs only what this process holds, and the caller (a build resolving its next
        #: chunks) goes on meanwhile on another core: at 100k papers ~12.6 CPU-s of row building,
        #: fingerprints and Arrow/Parquet writing leave this process's critical path
        self._fork = (
            store.stages_in_child
            and hasattr(os, "fork")
            and os.environ.get("KG_LOAD_FORK", "1") != "0"
            and self._empty >= {"Paper", *R.SHARED_LABELS}
        )
        #: (pid, result file, papers) of the forked process staging the last chunks
        self._child: tuple[int, str, int] | None = None
        self._forks = 0
        self._forked_papers = 0
        #: chunks waiting for a forked process, and their papers
        self._gathered: list[ResolvedGraph] = []
        self._gathered_papers = 0
        #: papers the caller said the chunks hold (None: unknown), and papers added so far
        self._expected = papers
        self._added_papers = 0

    def add(self, chunk: ResolvedGraph) -> None:
        """Stage one chunk of papers (with the shared nodes it refers to); commits when enough is staged."""
        with _no_cyclic_gc():
            if not self._fork:
                self._stage_here(chunk)
                return
            if self._child is not None and os.path.exists(self._child[1]):
                # the child is done: its part is adopted now rather than at the next fork
                self._collect()
                self._staged()
            self._gathered.append(chunk)
            self._gathered_papers += len(chunk.papers)
            self._added_papers += len(chunk.papers)
            if self._gathered_papers < self._fork_group() and not self._last_chunk_next(len(chunk.papers)):
                return
            chunks, self._gathered, self._gathered_papers = self._gathered, [], 0
            if self._collect():
                self._staged()
            if not self._fork_stage(chunks):
                for c in chunks:
                    self._stage_here(c)

    def _stage_here(self, chunk: ResolvedGraph) -> None:
        try:
            self._stage_chunk(chunk)
        except BaseException:
            self._batch.discard()
            raise
        self._staged()

    def _stage_chunk(self, chunk: ResolvedGraph) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Build the chunk's rows and stage those to write in ``self._batch`` (here or in a forked
        child); the keys of its papers and the (keys, digests) of its shared nodes, by label."""
        from kg.store.digests import keys_of

        rows = R.chunk_rows(chunk)
        ids = [b.paper_id for b in rows.papers]
        keys = keys_of(ids)
        twice, _ = self._seen.find(keys)
        if twice.any():
            first = min(i for i, t in zip(ids, twice.tolist()) if t)
            raise StoreError(f"paper {first} is in two chunks of one load: every record of a paper belongs in one chunk")
        self._seen.update(keys)
        stats = self.stats
        if "Paper" in self._empty:
            stored = {}
        else:  # the store is read only once the background commit has ended
            self.wait()
            stored = self.store.stored_load_hashes(ids)
        todo = [b for b in rows.papers if not b.has_paper or stored.get(b.paper_id) != b.load_hash]
        for b in rows.papers:
            self._paper_sum += R.digest(f"{b.paper_id}={b.load_hash}")
        stats.papers_unchanged += len(rows.papers) - len(todo)
        shared, digests = self._shared_todo(rows.shared)
        self._stage(todo, stored, shared)
        for label, (node_keys, values) in digests.items():
            self._shared[label].update(node_keys, values)
        return keys, digests

    def _fork_stage(self, chunks: list[ResolvedGraph]) -> bool:
        """Stage ``chunks`` in a forked process, collected before the next fork (or at ``finish``);
        False when no process could be forked.

        The child shares this process's memory copy-on-write (pickling the chunks would cost
        more than building their rows), stages into files of the current batch, writes what it
        changed of the loader's state to a file and exits. At most one child runs at a time, and
        the next one is forked only after this one's part is adopted: each child sees every
        earlier chunk, as staging them one after another here would.
        """
        self._forks += 1
        seq = self._forks
        out = str(self._batch.directory / f"state-{seq}.pickle")
        try:
            pid = os.fork()
        except OSError:  # no process to be had (memory, limits): the chunk is staged here
            return False
        if pid == 0:  # the child: never returns into the caller's frames (their finally blocks are the parent's)
            try:
                try:
                    from kg.store.digests import joined

                    self._batch = self._batch.for_child(seq)
                    before = self._staged_papers
                    keys, digests = [], {}
                    for chunk in chunks:  # in order: a later chunk's shared-node values win
                        more, seen = self._stage_chunk(chunk)
                        keys.append(more)
                        for label, pair in seen.items():
                            digests.setdefault(label, []).append(pair)
                    # arrays, not ids and dicts: what the parent keeps of them makes no Python objects
                    state = ("ok", dict(ids=joined(keys), digests={label: (joined([k for k, _ in pairs]), joined([v for _, v in pairs]))
                                                                   for label, pairs in digests.items()},
                                        paper_sum=self._paper_sum, stats=self.stats,
                                        papers=self._staged_papers - before, batch=self._batch.export()))
                except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                    message = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
                    state = ("error", (isinstance(exc, StoreError), message))
                with open(out + ".part", "wb") as f:
                    pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.rename(out + ".part", out)
            finally:
                os._exit(0)
        self._child = (pid, out, sum(len(c.papers) for c in chunks))
        # the chunks are let go now, not kept until the child ends: their memory serves the group
        # gathered next. Kept, the build process held two groups' records at a time (the child's
        # and the next), and Python's arenas they filled stayed mapped through the last commit, the
        # build's peak (kg/bench/NOTES.md, session 18). Freeing them writes to pages the child still
        # shares, which the kernel copies first
        self._forked_papers += self._child[2]
        return True

    def _last_chunk_next(self, chunk_papers: int) -> bool:
        """True when at most one more chunk of this size is to come and the last child is done: the
        group gathered so far is forked now instead of being staged here at ``finish`` (at 100k papers
        up to 10,000 papers' rows were built there, after everything else); never when a running child
        would have to be waited for."""
        if self._expected is None:
            return False
        left = self._expected - self._added_papers
        return 0 < left <= chunk_papers and (self._child is None or os.path.exists(self._child[1]))

    def _fork_group(self) -> int:
        """Papers to gather before the next fork: as many as forked so far, from ``FIRST_FORK_PAPERS`` up to ``FORK_PAPERS``."""
        return min(FORK_PAPERS, max(FIRST_FORK_PAPERS, self._forked_papers))

    def _collect(self) -> bool:
        """Wait for the forked process staging the last chunk and take its part; False when none runs."""
        if self._child is None:
            return False
        pid, out, papers = self._child
        self._child = None
        _, status = os.waitpid(pid, 0)
        try:
            with open(out, "rb") as f:
                kind, state = pickle.load(f)
            os.unlink(out)
        except OSError:
            self._batch.discard()
            raise StoreError(f"the process staging {papers} papers ended without its result (status {status})") from None
        if kind == "error":
            self._batch.discard()
            is_store_error, message = state
            raise StoreError(message if is_store_error else f"staging {papers} papers failed: {message}")
        self._seen.update(state["ids"])
        self._paper_sum = state["paper_sum"]
        self.stats = state["stats"]
        for label, (keys, values) in state["digests"].items():
            self._shared[label].update(keys, values)
        self._batch.adopt(state["batch"])
        self._staged_papers += state["papers"]
        return True

    def _staged(self) -> None:
        """After a chunk was staged: report, and commit (or commit its nodes ahead) when due."""
        stats = self.stats
        self.say(
            f"load: papers {len(self._seen)} read, {stats.papers_new + stats.papers_replaced} to write "
            f"({stats.papers_unchanged} unchanged)"
        )
        if self._flush_due():
            self._committed_rows += self._batch.rows
            self.flush(background=True)
        elif self.store.commits_in_background and self._batch.nodes_due():
            self.wait()  # first: a part detached and then not submitted would be left behind
            part = self._batch.detach_nodes()
            if part is not None:
                self._pending = (self._submit(part), None)

    def _flush_due(self) -> bool:
        """Commit when ``flush_rows`` rows are staged, or as many as this load committed before,
        up to ``max_flush_rows``.

        LadybugDB pays for a COPY into a non-empty relationship table in proportion to what it
        holds, so growing batches keep the number of appends logarithmic in the load's size;
        its COPY also needs memory in proportion to the rows it adds, which the bound caps.
        """
        limit = self.store.flush_rows
        if not limit:
            return True
        due = max(limit, self._committed_rows)
        bound = self.store.max_flush_rows
        return self._batch.rows >= (min(due, bound) if bound else due)

    def flush(self, *, background: bool = False) -> None:
        """Commit what is staged, in one transaction; with ``background`` (and a store that can),
        in a worker thread while the caller stages the next chunks (at most one commit runs)."""
        self.wait()
        batch, papers = self._batch, self._staged_papers
        self._batch = self.store.new_batch()
        self._staged_papers = 0
        if not (batch.rows or batch.deletes):
            batch.discard()
            return
        if background and self.store.commits_in_background:
            self._pending = (self._submit(batch), papers)
            return
        batch.waited = True
        self._paths |= _commit(batch)
        self.say(f"load: papers committed ({papers} in this transaction)")

    def _submit(self, batch: Batch) -> Future:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load")
        return self._worker.submit(_commit, batch)

    def wait(self) -> None:
        """Wait for the commit running in the background, if any (its error is raised here)."""
        if self._pending is None:
            return
        future, papers = self._pending
        self._pending = None
        self._paths |= future.result()
        if papers is not None:  # None: the nodes committed ahead of their papers' edges
            self.say(f"load: papers committed ({papers} in this transaction)")

    def discard(self) -> None:
        """Drop what is staged and not committed (after an error; finish() commits it instead)."""
        if self._child is not None:  # let it end: it writes into the batch's directory
            os.waitpid(self._child[0], 0)
            self._child = None
        self._gathered, self._gathered_papers = [], 0
        try:
            if self._pending is not None:
                self._pending[0].exception()  # let it end before the store is touched again
                self._pending = None
        finally:
            if self._worker is not None:
                self._worker.shutdown(wait=True)
                self._worker = None
            self._batch.discard()

    def finish(self, *, prune: bool = False, keep: Collection[str] | None = None) -> LoadStats:
        """Remove papers no chunk carried (when ``prune``) and orphaned shared nodes; the load's stats."""
        store = self.store
        with _no_cyclic_gc():
            if self._collect():
                self._staged()
            chunks, self._gathered, self._gathered_papers = self._gathered, [], 0
            while chunks:  # the caller waits now: no use forking for them
                self._stage_here(chunks.pop(0))  # each freed once staged: the last commit needs the room
            self.flush()
        stats = self.stats
        self.discard()  # the worker thread ends; nothing is staged any more
        if prune:
            kept = set(keep or ())
            from kg.store.digests import keys_of

            stored = list(store.paper_hashes())
            seen, _ = self._seen.find(keys_of(stored))
            removed = sorted(pid for pid, s in zip(stored, seen.tolist()) if not s and pid not in kept)
            for ids in R.chunks(removed, PAPER_BATCH):
                store.in_transaction(lambda tx, ids=ids: store._delete_papers(tx, ids))
            stats.papers_removed = len(removed)
            if removed:
                self.say(f"load: {len(removed)} papers removed")
        # always: a run killed before this step leaves orphans that only this step removes
        def remove_orphans(tx: Tx) -> int:
            outs = [tx.run(store.named(name)) for name in ORPHANS]
            return sum(int(out[0]["removed"]) for out in outs if out)

        stats.orphans_removed += store.in_transaction(remove_orphans)
        total = self._paper_sum + sum(d.total() for d in self._shared.values())
        stats.graph_hash = f"{total % (1 << 64):016x}"
        stats.path = "copy" if "copy" in self._paths else "merge"
        stats.seconds = round(time.perf_counter() - self._t0, 3)
        return stats

    # ----------------------------------------------------------------- steps
    def _shared_todo(self, shared: dict[str, list[tuple]]) -> tuple[dict, dict]:
        """Per label: (new rows, changed rows), and the (keys, digests) of every row of the chunk."""
        from kg.store.digests import digest_array, keys_of

        todo: dict[str, tuple[list, list]] = {}
        digests: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for label, rows in shared.items():
            mine = [R.digest(f"{label}:{row!r}") for row in rows]
            keys = keys_of(row[0] for row in rows)
            digests[label] = (keys, digest_array(mine))
            found, before = self._shared[label].find(keys)
            new: list[tuple] = []
            changed: list[tuple] = []
            unknown: list[tuple] = []
            for row, d, known, was in zip(rows, mine, found.tolist(), before.tolist()):
                if not known:
                    unknown.append(row)
                elif was != d:  # written earlier in this load with other values: the last wins
                    changed.append(row)
            if unknown:
                if label not in self._empty:
                    self.wait()
                stored = {} if label in self._empty else self.store.stored_shared(label, [r[0] for r in unknown])
                at = [R.columns(label).index(p) for p in S.node_properties(label)]
                for row in unknown:
                    was = stored.get(row[0])
                    if was is None:
                        new.append(row)
                    elif was != tuple(_norm(row[i]) for i in at):
                        changed.append(row)
                    else:
                        self.stats.nodes_unchanged += 1
            todo[label] = (new, changed)
        return todo, digests

    def _stage(self, todo: list[R.PaperRows], stored: dict, shared: dict[str, tuple[list, list]]) -> None:
        stats, batch = self.stats, self._batch
        # a changed paper is removed whole and written again: replacing it by difference (its node
        # and equal rows kept) did not make the update's checkpoint cheaper (kg/store/NOTES.md)
        batch.delete([b.paper_id for b in todo if b.paper_id in stored or not b.has_paper])
        for label, (new, changed) in shared.items():
            if new:
                batch.insert(label, new)
            if changed:
                batch.upsert(label, changed)
            stats.nodes_written += len(new) + len(changed)
        tables: dict[str, list[tuple]] = defaultdict(list)
        for b in todo:  # one pass over the papers' rows rather than one per table
            for (name, _), row in b.items:
                tables[name].append(row)
        for name in (*R.PAPER_LABELS, *R.LOADED_TYPES):
            rows = tables.get(name)
            if rows:
                batch.insert(name, rows)
                if name in R.LOADED_TYPES:
                    stats.rels_written += len(rows)
                else:
                    stats.nodes_written += len(rows)
        stats.papers_replaced += sum(1 for b in todo if b.paper_id in stored)
        stats.papers_new += sum(1 for b in todo if b.paper_id not in stored and b.has_paper)
        self._staged_papers += len(todo)
