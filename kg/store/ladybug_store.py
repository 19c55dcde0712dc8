"""LadybugDB (embedded, on disk): the default store."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path

from kg.errors import ConfigError, StoreError
from kg.store import rows as R
from kg.store import statements as S
from kg.store.base import TABLES, UNWIND_BATCH, Batch, GraphStore, Tx

#: rows a load stages in Parquet files before it COPYs them; each later commit waits for as many
#: rows as the load committed before (see Loader._flush_due), so appends stay few. A COPY into an
#: empty relationship table costs about half of what one appending to it costs per row, so a first
#: build holds its relationships back to COPY each table once, and only its node rows go ahead
#: in the background (NODE_FLUSH_ROWS). Its 100k-paper load (1.26M relationship rows) is then
#: one commit the build waits for instead of three: its captured commits replayed on an empty
#: store, 3.8 + 8.5 s in the background and 5.8 s waited at 500k (the bound below 1M) against
#: 1.4 + 2.2 + 1.3 s of nodes and 6.3 s waited. Whole 100k builds with cached extraction,
#: alternated (load average 1.2-1.4): load stage 20.6 / 19.6 s at 500k against 16.5 / 17.2 s, but
#: peak RSS 1,173 / 1,144 MB against 1,332 / 1,319 MB (the one COPY of 675k MENTIONS rows). Before,
#: 500k rather than 2M (with nodes ahead every 250k rows only) had been faster on a replay
FLUSH_ROWS = 1_500_000

#: rows a commit waits for at most, as a COPY's memory grows with the rows it adds (unbounded, a
#: 300k-paper load of 4.47M rows committed 2M rows at once and peaked at 3.6 GB); with the buffer
#: pool capped (BUFFER_POOL_MB) a load's memory stays bounded. Equal to FLUSH_ROWS: a load too large
#: for one commit appends in commits of this size
MAX_FLUSH_ROWS = 1_500_000

#: node rows a load stages before it COPYs them ahead of the relationships (in the background): a
#: COPY appending to a node table costs about what it adds, but each COPY also has a fixed cost (on
#: a 10k-paper graph, committing nodes every 2000 papers cost 0.5 CPU-s more than once at the end;
#: 10k papers have 36k node rows, so they still go in the last commit); 100k rather than 250k: a
#: 100k-paper build (284k node rows) commits them in two parts while it resolves, not one near
#: its end that the last commit would wait for
NODE_FLUSH_ROWS = 100_000

_NODE_TABLES = tuple(name for name in TABLES if name not in R.LOADED_TYPES)

#: LadybugDB's buffer pool in MB at open (env KG_LADYBUG_BUFFER_POOL_MB; 0: the engine's default,
#: 80 % of the machine's memory, which keeps every page it ever read). A statement needing more
#: runs again in a pool twice as large (LadybugStore._grow_pool), so the cap never fails a load.
#: It saves little: most of a COPY's memory is outside the pool (the captured 100k-paper load's
#: three commits replayed, busy machine: peak 881 / 891 MB with the default pool, 844 / 866 with
#: 512 MB, 830 with 1 GB, 816 from 256 MB, which grew once to 512; CPU 24.1 / 24.8 against
#: 22.6-23.9 s), and an append's peak grows with the table, not with the rows it adds
BUFFER_POOL_MB = 512

#: a table receives its staged rows by one ``LOAD FROM`` over their Arrow table rather than by
#: ``COPY`` when they are fewer than this share of what it holds: a COPY appending to a non-empty
#: table pays for the table, a statement only for its rows (measured when that statement was an
#: UNWIND: 300 papers appended to a captured 30k-paper load, 0.59 CPU-s against 1.61 by COPY;
#: MENTIONS alone, 2,136 rows into 209k, 0.26 against 0.77)
SMALL_APPEND_SHARE = 0.02


#: engine threads the COPYs of a commit running in the background run on (the engine's default:
#: one per core): one leaves the other core to the build resolving its next chunks. A commit
#: the load waits for (its last) runs on the engine's default: nothing else runs then, and two
#: threads were faster (the captured 100k-paper load replayed in alternation, busy machine, load
#: average 1.9-2.3: 16.2 / 15.8 s on one thread, 14.3 / 14.0 s on two; 15.1 / 14.9 against
#: 15.3 / 14.6 CPU-s; peak 603 / 599 against 653 / 647 MB)
COPY_THREADS = 1

#: write-ahead-log bytes at which LadybugDB checkpoints while a store that holds a graph is updated
#: (``defer_checkpoints``; the engine's own threshold is 16 MB). A checkpoint rewrites every part of
#: a relationship table that a change touched, both ways, and a +1 % build at 100k touches most of
#: MENTIONS: its 37 MB log crossed 16 MB at the load's MENTIONS insert, and the tables written after
#: it (PROPOSES, REPORTS, DERIVED_FROM, Concept, their orphans, the analytics) were rewritten again
#: at the close. The bound keeps a large update's log, and the memory of what it holds, in check
UPDATE_CHECKPOINT_BYTES = 256 << 20

#: what LadybugDB's error says when a statement needs more buffer pool than it has
_POOL_FULL = "buffer pool is full"
#: what its error says when a COMMIT took effect and only the checkpoint run after it failed
_COMMITTED = "Transaction committed successfully"


def _default_pool_bytes() -> int:
    """The engine's own default pool: 80 % of the machine's memory."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.8)


def buffer_pool_bytes() -> int:
    text = os.environ.get("KG_LADYBUG_BUFFER_POOL_MB", "").strip()
    try:
        mb = int(text) if text else BUFFER_POOL_MB
    except ValueError:
        raise StoreError(f"KG_LADYBUG_BUFFER_POOL_MB must be a whole number of MB, not {text!r}") from None
    return max(mb, 0) << 20


class _LadybugTx(Tx):
    def __init__(self, store: LadybugStore):
        self.store = store

    def run(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self.store._execute(cypher, params)


class LadybugStore(GraphStore):
    """A LadybugDB database at ``path``. One read-write process at a time; readers may open alongside.

    ``fast=True`` inserts rows known to be new with file-based ``COPY FROM`` (Parquet files in a
    staging directory, see ``_StagedBatch``).
    """

    dialect = "ladybug"

    def __init__(self, path: str | Path, *, read_only: bool = False, fast: bool = True, shown_as: str | None = None):
        self.target = str(path)
        #: the path messages name: a build opens a copy of the store (kg.store.shadow) but reports the store
        self.shown_as = shown_as or str(path)
        self.read_only = read_only
        self.fast = fast
        p = Path(path)
        if read_only and not p.exists():
            # a path that names no store is a bad argument (exit 2), not a store that failed (exit 3)
            raise ConfigError(f"no graph at {p}: build one first (kg run PIPELINE --store {p})")
        if not read_only:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                from kg.store.shadow import unwritable

                raise unwritable(p, exc) from None
        self._path = p
        #: the buffer pool in bytes (0: the engine's default), doubled when a statement needs more
        self.pool = buffer_pool_bytes()
        #: write-ahead-log bytes that trigger a checkpoint (0: the engine's default), see defer_checkpoints
        self._checkpoint_bytes = 0
        #: the thread of a checkpoint_in_background, and what it raised (see _settled)
        self._settling: threading.Thread | None = None
        self._settle_error: BaseException | None = None
        self._open()
        self._in_tx = False
        #: where bulk loads stage their Parquet files; what a killed load left there goes now, as
        #: this process holds the store's only write lock
        self.staging = p.parent / f".{p.name}.staging"
        if not read_only:
            shutil.rmtree(self.staging, ignore_errors=True)
            if fast:  # imported here, with the store, rather than inside the first load's timing
                import pyarrow.parquet  # noqa: F401

    # ----------------------------------------------------------------- primitives
    def query(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self._run(cypher, params)

    def _execute(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self._run(cypher, params)

    def query_table(self, cypher: str, names: tuple[str, ...], params: dict | None = None):
        # the engine hands its result over as Arrow columns: a third of the CPU of a dict per row
        result = self._result(cypher, params)
        try:
            return result.get_as_arrow(chunk_size=-1).select(list(names))
        finally:
            result.close()

    def _run(self, cypher: str, params: dict | None) -> list[dict]:
        last = self._result(cypher, params)
        names = last.get_column_names()
        return [dict(zip(names, row)) for row in last.get_all()]

    def _result(self, cypher: str, params: dict | None):
        """The engine's result of the last statement in ``cypher``; its errors as StoreError."""
        self._settled()
        try:
            result = self._conn.execute(cypher, params or {})
        except Exception as exc:
            # outside a transaction the failed statement left nothing: run it again in a larger pool
            # (not a COMMIT that took effect: see ``transaction``)
            if not self._in_tx and _POOL_FULL in str(exc) and _COMMITTED not in str(exc) and self._grow_pool():
                return self._result(cypher, params)
            raise StoreError(f"LadybugDB: {_first_line(exc)}") from exc
        return result[-1] if isinstance(result, list) else result

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        self._require_writable()
        self._run("BEGIN TRANSACTION", None)
        self._in_tx = True
        try:
            yield _LadybugTx(self)
        except BaseException:
            try:
                self._conn.execute("ROLLBACK")
            except Exception:  # a failed statement may already have rolled the transaction back
                pass
            raise
        finally:
            self._in_tx = False
        try:
            self._run("COMMIT", None)
        except StoreError as exc:
            # the transaction is durable and only the checkpoint after it failed (a +1 % build at
            # 100k, its replaced papers' changes checkpointed in a 512 MB pool): the store is
            # reopened, in a larger pool when that was what the checkpoint lacked, and the engine
            # replays and checkpoints what it committed as it opens
            if _COMMITTED not in str(exc):
                raise
            if _POOL_FULL in str(exc):
                self._double_pool()
            self._shut()
            self._open()

    @contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        """Run the block's statements on ``n`` engine threads (this connection's setting)."""
        before = next(iter(self._run("CALL current_setting('threads') RETURN *", None)[0].values()))
        self._run(f"CALL threads={int(n)}", None)
        try:
            yield
        finally:
            if self._conn is not None:
                self._run(f"CALL threads={int(before)}", None)

    def in_transaction(self, write):
        while True:
            try:
                return super().in_transaction(write)
            except StoreError as exc:  # rolled back: once more in a larger pool, when that was what it lacked
                if _POOL_FULL not in str(exc) or not self._grow_pool():
                    raise

    def defer_checkpoints(self) -> None:
        if self.read_only or self._checkpoint_bytes:
            return
        self._checkpoint_bytes = UPDATE_CHECKPOINT_BYTES
        self._run(f"CALL checkpoint_threshold={self._checkpoint_bytes}", None)

    def checkpoint_in_background(self) -> None:
        # the engine checkpoints outside the GIL: a +1 % build at 100k spends seconds here (most of
        # MENTIONS rewritten) while the analytics compute on the other core
        if self.read_only or not self._checkpoint_bytes or self._in_tx or self._settling is not None:
            return

        def settle() -> None:
            try:
                self._run("CHECKPOINT", None)
            except BaseException as exc:  # noqa: BLE001 - raised by the statement that waits for it
                self._settle_error = exc

        self._settling = threading.Thread(target=settle, name="kg-checkpoint", daemon=True)
        self._settling.start()

    def _settled(self) -> None:
        """Wait for a checkpoint_in_background (from any other thread); raise what it raised."""
        thread = self._settling
        if thread is None or thread is threading.current_thread():
            return
        thread.join()
        self._settling = None
        error, self._settle_error = self._settle_error, None
        if error is not None:
            raise error

    def close(self) -> None:
        try:
            self._settled()
            if getattr(self, "_conn", None) is not None and self._checkpoint_bytes and not self._in_tx:
                # what the update left in the log, checkpointed here rather than by the engine as it
                # closes, so a checkpoint short of buffer pool runs again in a larger one (_result)
                self._run("CHECKPOINT", None)
        finally:
            self._shut()

    def _shut(self) -> None:
        """Close the database (the engine checkpoints what the log holds)."""
        if getattr(self, "_settling", None) is not None and self._settling is not threading.current_thread():
            self._settling.join()  # a failed close must not leave the thread on a closed database
            self._settling = None
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._db.close()
            self._conn = None

    def _open(self) -> None:
        import ladybug

        try:
            self._db = ladybug.Database(str(self._path), read_only=self.read_only, buffer_pool_size=self.pool)
            self._conn = ladybug.Connection(self._db)
            if self._checkpoint_bytes:  # reopened (in a larger pool): the threshold is the database object's
                self._conn.execute(f"CALL checkpoint_threshold={self._checkpoint_bytes}")
        except Exception as exc:  # the engine raises RuntimeError for locks, corruption, ...
            if _POOL_FULL in str(exc) and self._double_pool():  # opening a large store needs more
                return self._open()
            raise StoreError(f"cannot open the LadybugDB store {self.shown_as}: {_first_line(exc)}") from exc

    def _grow_pool(self) -> bool:
        """Reopen the database with a buffer pool twice as large; False when it has the engine's
        default already. A statement failing for want of pool memory is rolled back whole, so the
        caller runs it again."""
        if not self._double_pool():
            return False
        self._shut()
        self._open()
        return True

    def _double_pool(self) -> bool:
        if not self.pool:
            return False
        self.pool *= 2
        if self.pool >= _default_pool_bytes():
            self.pool = 0
        return True

    def apply_schema(self) -> None:
        """Create the schema's tables, and bring those an earlier kg created to its columns."""
        super().apply_schema()
        from kg.store.schema import NODES, RELATIONSHIPS

        for name in [n.label for n in NODES] + [r.type for r in RELATIONSHIPS]:
            stored = {row["name"]: row["type"] for row in self._run(f"CALL table_info('{name}') RETURN *", None)}
            for stmt in S.ladybug_migration(name, stored):
                self._execute(stmt)

    # ----------------------------------------------------------------- bulk path
    @property
    def flush_rows(self) -> int:
        return FLUSH_ROWS if self.fast else 0

    @property
    def max_flush_rows(self) -> int:
        return MAX_FLUSH_ROWS if self.fast else 0

    @property
    def commits_in_background(self) -> bool:
        # COPY runs in C++ with the GIL released: the next chunks' rows are built meanwhile
        return self.fast

    @property
    def stages_in_child(self) -> bool:
        # a forked process writes Parquet files beside the batch's own; COPY reads them all
        return self.fast

    def new_batch(self) -> Batch:
        return _StagedBatch(self) if self.fast else Batch(self)


class _StagedBatch(Batch):
    """A batch whose inserted rows wait in Parquet files (one per table), each read by one ``COPY FROM``.

    LadybugDB pays for a COPY that appends to a relationship table several times what a COPY into
    an empty one costs, so this batch lets a load stage many rows on disk, outside Python's
    memory, and commit them at once. Parquet rather than CSV: typed columns carry every value
    as it is (lists, "NULL" strings, non-finite floats), are built from the rows' columns in C,
    and LadybugDB reads them with less work than it parses CSV (measured on a 10k-paper graph:
    row writing 0.86 -> 0.34 CPU-s, COPY 1.45 -> 1.19 CPU-s).
    """

    def __init__(self, store: LadybugStore, directory: Path | None = None, tag: str = ""):
        super().__init__(store)
        if directory is None:
            store.staging.mkdir(parents=True, exist_ok=True)
            directory = Path(tempfile.mkdtemp(prefix="kg-load-", dir=store.staging))
        self._dir = directory
        self._tag = tag
        self._files: dict[str, tuple] = {}  # table -> (ParquetWriter, path)
        #: table -> Parquet files staged by forked processes (see ``adopt``), read by the same COPY
        self._adopted: dict[str, list[Path]] = {}
        self._counts: dict[str, int] = {}
        self._hashes: list = []  # Arrow tables (id, load_hash) of the staged papers

    @property
    def directory(self) -> Path:
        return self._dir

    def for_child(self, seq: int) -> _StagedBatch:
        """A batch staging into this one's directory under names of its own (in a forked process)."""
        return _StagedBatch(self.store, self._dir, f"-{seq}")

    def export(self) -> dict:
        """What this (child's) batch staged, for ``adopt`` in the parent: its files are closed."""
        import pyarrow as pa

        for writer, _ in self._files.values():
            writer.close()
        return dict(
            deletes=self.deletes,
            upserts=self.upserts,
            files={name: str(path) for name, (_, path) in self._files.items()},
            counts=self._counts,
            hashes=pa.concat_tables(self._hashes) if self._hashes else None,
            rows=self.rows,
        )

    def adopt(self, part: dict) -> None:
        """Take over what a forked process staged for this batch (``export``)."""
        self.deletes.extend(part["deletes"])
        for name, rows in part["upserts"].items():
            self.upserts.setdefault(name, []).extend(rows)
        for name, path in part["files"].items():
            self._adopted.setdefault(name, []).append(Path(path))
        for name, n in part["counts"].items():
            self._counts[name] = self._counts.get(name, 0) + n
        if part["hashes"] is not None:
            self._hashes.append(part["hashes"])
        self.rows += part["rows"]

    def _paths(self, name: str) -> list[Path]:
        """Every staged file of table ``name`` (its own, closed, and those adopted)."""
        own = []
        if name in self._files:
            writer, path = self._files[name]
            writer.close()
            own.append(path)
        return own + self._adopted.get(name, [])

    def insert(self, name: str, rows: list[tuple]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not rows:
            return
        schema = _schema(name)
        table = _arrow_table(schema, rows)
        if name == "Paper":  # written without their fingerprint, set once every row is in (see commit)
            at = R.LOAD_HASH_AT
            self._hashes.append(table.select([0, at]))
            table = table.set_column(at, schema.field(at), pa.nulls(len(rows), schema.field(at).type))
        if name not in self._files:
            path = self._dir / f"{name}{self._tag}.parquet"
            self._files[name] = (pq.ParquetWriter(str(path), schema, compression="none"), path)
        self._files[name][0].write_table(table)
        self._counts[name] = self._counts.get(name, 0) + len(rows)
        self.rows += len(rows)

    def nodes_due(self) -> bool:
        return sum(self._counts.get(n, 0) for n in _NODE_TABLES) >= NODE_FLUSH_ROWS

    def detach_nodes(self) -> _StagedBatch | None:
        """The staged deletes and node rows as a batch of their own, committed (in the
        background) ahead of the relationships once ``NODE_FLUSH_ROWS`` node rows wait. The
        papers' fingerprints stay here, set last."""
        if not self.nodes_due():
            return None
        names = _NODE_TABLES
        part = _StagedBatch(self.store)
        part.deletes, self.deletes = self.deletes, []
        for name in names:
            if name in self._files:  # moved: a later insert here opens a new file of that name
                writer, path = self._files.pop(name)
                target = part._dir / path.name
                path.rename(target)
                part._files[name] = (writer, target)
            for path in self._adopted.pop(name, []):
                target = part._dir / path.name
                path.rename(target)
                part._adopted.setdefault(name, []).append(target)
            if name in self._counts:
                part._counts[name] = self._counts.pop(name)
            if name in self.upserts:
                part.upserts[name] = self.upserts.pop(name)
        part.rows = sum(part._counts.values()) + sum(map(len, part.upserts.values()))
        self.rows -= part.rows
        return part

    def commit(self) -> set[str]:
        """Each COPY commits on its own (several times faster than inside one transaction);
        crash safety comes from the papers' fingerprints, set in one last transaction: a run
        killed before it leaves papers without one, which the next run deletes and writes again,
        and shared nodes it leaves unused are removed as orphans."""
        with nullcontext() if self.waited else self.store._threads(COPY_THREADS):
            paths = self._commit()
        release_free_memory()
        return paths

    # What a 100k-paper first load's last commit (the one the build waits for) spends, its captured
    # staging replayed on an empty store (2 engine threads, load average 1.1-1.6, seven runs):
    # - node COPYs 1.3-1.4 s. Paper's 19k rows appended take 0.82-0.90 s, of which 0.12 s executes and
    #   the rest is the checkpoint its commit runs (``auto_checkpoint`` off: the COPY 0.16 s, then a
    #   CHECKPOINT 0.70 / 0.86 s, so deferring it would only move it);
    # - MENTIONS 3.6-4.3 s; PROFILE, in CPU-s: Parquet scan 0.19, key lookups 0.72, partitioning
    #   1.07, CSR inserts 1.32 forward and 1.45 backward. With its property columns null, 2.2 s;
    # - PROPOSES 0.66-0.91 s, REPORTS 0.45-0.58 s, the other six relationship tables 0.7-0.8 s;
    # - the fingerprints 0.31-0.43 s; 6.95-8.30 s in all.
    # Tried on that replay and not kept:
    # - rows sorted by destination: MENTIONS 4.92 / 5.78 s against 4.28 / 4.25 s;
    # - one Parquet file per table: the same time (MENTIONS 4.10 / 4.23 s) on one thread, not 1.25;
    # - compression off: node COPYs faster, MENTIONS 5.35 / 6.79 s; 9.17 / 11.11 s in all against
    #   7.83 / 7.94 s;
    # - WAL checksums off: 8.35 s, within the spread;
    # - MENTIONS on a second connection (``enable_multi_writes``) while the others run: the engine
    #   starts the next COPY only once it ends (AUTHORED 4.47 / 4.02 s); 8.44 / 7.51 s in all
    #   against 6.99 / 7.51 s;
    # - ``auto_checkpoint`` off for the whole commit and one CHECKPOINT after it (1.01 / 1.10 s):
    #   7.55 / 7.56 s in all against 7.33 / 8.63 s, peak 809 / 909 MB against 738 / 711 MB.
    def _commit(self) -> set[str]:
        store, paths = self.store, set()
        for ids in R.chunks(self.deletes, UNWIND_BATCH):
            store.in_transaction(lambda tx, ids=ids: store._delete_papers(tx, ids))
        if self.deletes and store._checkpoint_bytes:
            # an update's deletes are checkpointed before its appends: at 1M papers, one checkpoint
            # of both (the COPY's commit crossing the threshold) crashed inside LadybugDB, three runs
            # in three, rewriting a relationship table's CSR region (``checkpointColumnInRegion``),
            # and the same update with this checkpoint completed (kg/bench/NOTES.md, "The 1M run")
            store._run("CHECKPOINT", None)
        each = _LadybugTx(store)  # no BEGIN: every statement is its own transaction
        for name in TABLES:
            kind = "rel" if name in R.LOADED_TYPES else "node"
            if self._counts.get(name):
                files = self._paths(name)
                if self._counts[name] < SMALL_APPEND_SHARE * store.table_rows(name, kind):
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    # the staged Arrow table scanned by one statement: as parameters, every value
                    # was converted (and its type inferred) in Python first
                    rows = pa.concat_tables([pq.ParquetFile(f).read() for f in files])
                    stmt = S.load_merge(name, kind)
                    store.in_transaction(lambda tx, stmt=stmt, rows=rows: tx.run(stmt, {"rows": rows}))
                    paths.add("merge")
                else:  # one COPY for all of a table's files: each COPY appending costs the table
                    source = ", ".join(S.literal(f.as_posix()) for f in files)
                    each.run(f"COPY {S.q(name)} FROM {source if len(files) == 1 else f'[{source}]'}")
                    paths.add("copy")
                    # each COPY's freed working memory goes back before the next one: the engine's
                    # threads allocate from heaps of their own, so the next COPY did not reuse what
                    # this one freed, and the largest (MENTIONS) started above what the node tables' left
                    release_free_memory()
            if self.upserts.get(name):
                store.in_transaction(lambda tx, kind=kind, name=name: store.merge(tx, kind, name, self.upserts[name]))
                paths.add("merge")
        if self._hashes:
            import pyarrow as pa

            # one statement scanning an Arrow table (id, load_hash): converting the rows to
            # parameters one by one cost ten times as much (30k papers: 0.45 -> 0.05 CPU-s)
            table = pa.concat_tables(self._hashes)
            store.in_transaction(lambda tx: tx.run(store.named("load/set_load_hashes"), {"rows": table}))
        return paths

    def discard(self) -> None:
        for writer, _ in self._files.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - the file goes with its directory anyway
                pass
        self._files.clear()
        shutil.rmtree(self._dir, ignore_errors=True)
        try:
            self.store.staging.rmdir()  # only when no other batch stages there
        except OSError:
            pass


#: Arrow types of the schema's property types
_ARROW_TYPES = {
    "STRING": "string",
    "INT64": "int64",
    "DOUBLE": "float64",
    "BOOL": "bool",
    "STRING[]": ("list", "string"),
    "INT64[]": ("list", "int64"),
}


@cache
def _schema(name: str):
    import pyarrow as pa

    def arrow(t):
        spec = _ARROW_TYPES[t]
        return pa.list_(pa.type_for_alias(spec[1])) if isinstance(spec, tuple) else pa.type_for_alias(spec)

    return pa.schema([(col, arrow(t)) for col, t in zip(R.columns(name), R.column_types(name))])


def _arrow_table(schema, rows: list[tuple]):
    """Rows (tuples in column order) as an Arrow table, converted in C as one struct array
    (three times faster on MENTIONS rows than transposing them into columns in Python)."""
    import pyarrow as pa

    return pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(rows, type=_struct(schema)))], schema=schema)


@cache
def _struct(schema):
    import pyarrow as pa

    return pa.struct(list(schema))


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``); False where the C
    library has none. A COPY's working memory is freed when it commits, but glibc keeps the
    freed pages of the engine's threads' heaps mapped, so each commit of a large load left the
    process larger than the one before, and the next COPY grew from there."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@cache
def _malloc_trim():
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to call
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
