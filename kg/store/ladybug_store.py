"""LadybugDB (embedded, on disk): the default store."""

from __future__ import annotations

import csv
import itertools
import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from kg.errors import StoreError
from kg.store import rows as R
from kg.store import statements as S
from kg.store.base import TABLES, UNWIND_BATCH, Batch, GraphStore, Tx

#: rows a load stages in CSV files before one transaction COPYs them (a bound on transaction size)
FLUSH_ROWS = 2_000_000

#: cell strings the CSV reader turns into null
_NULL_STRINGS = frozenset({"NULL", "null", ""})
#: in list elements each between NULs: a character or an edge that _SAFE_ELEMENT refuses
_UNSAFE_JOINED = re.compile(r"[,\[\]{}'\"\\\t\r\n]|\0[\s\0]|\s\0")
#: a list element the CSV reader takes back verbatim: no separators, quotes, brackets or edge spaces
_SAFE_ELEMENT = re.compile(r"^[^\s,\[\]{}'\"\\]([^,\[\]{}'\"\\\t\r\n]*[^\s,\[\]{}'\"\\])?$")


class _LadybugTx(Tx):
    def __init__(self, store: LadybugStore):
        self.store = store

    def run(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self.store._execute(cypher, params)


class LadybugStore(GraphStore):
    """A LadybugDB database at ``path``. One read-write process at a time; readers may open alongside.

    ``fast=True`` inserts rows known to be new with file-based ``COPY FROM`` (CSV files in a
    temporary directory, see ``_CsvBatch``); rows a CSV cannot carry verbatim go through MERGE.
    """

    dialect = "ladybug"

    def __init__(self, path: str | Path, *, read_only: bool = False, fast: bool = True):
        import ladybug

        self.target = str(path)
        self.read_only = read_only
        self.fast = fast
        p = Path(path)
        if read_only and not p.exists():
            raise StoreError(f"no graph at {p}: build one first (kg run PIPELINE --store {p})")
        if not read_only:
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = ladybug.Database(str(p), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except Exception as exc:  # the engine raises RuntimeError for locks, corruption, ...
            raise StoreError(f"cannot open the LadybugDB store {p}: {_first_line(exc)}") from exc
        self._in_tx = False
        #: where bulk loads stage their CSV files; what a killed load left there goes now, as
        #: this process holds the store's only write lock
        self.staging = p.parent / f".{p.name}.staging"
        if not read_only:
            shutil.rmtree(self.staging, ignore_errors=True)

    # ----------------------------------------------------------------- primitives
    def query(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self._run(cypher, params)

    def _execute(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self._run(cypher, params)

    def _run(self, cypher: str, params: dict | None) -> list[dict]:
        try:
            result = self._conn.execute(cypher, params or {})
        except Exception as exc:
            raise StoreError(f"LadybugDB: {_first_line(exc)}") from exc
        results = result if isinstance(result, list) else [result]
        last = results[-1]
        names = last.get_column_names()
        return [dict(zip(names, row)) for row in last.get_all()]

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
        self._run("COMMIT", None)

    def close(self) -> None:
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._db.close()
            self._conn = None

    # ----------------------------------------------------------------- bulk path
    @property
    def flush_rows(self) -> int:
        return FLUSH_ROWS if self.fast else 0

    @property
    def commits_in_background(self) -> bool:
        # COPY runs in C++ with the GIL released: the next chunks' rows are built meanwhile
        return self.fast

    def new_batch(self) -> Batch:
        return _CsvBatch(self) if self.fast else Batch(self)


class _CsvBatch(Batch):
    """A batch whose inserted rows wait in CSV files (one per table), each read by one ``COPY FROM``.

    LadybugDB pays for a commit that appends to a relationship table in proportion to what the
    table already holds (its adjacency is rewritten), so many small commits cost quadratic time;
    this batch lets a load stage up to ``FLUSH_ROWS`` rows on disk, outside Python's memory, and
    commit them at once. Rows the CSV reader would not take back verbatim go through MERGE.
    """

    def __init__(self, store: LadybugStore):
        super().__init__(store)
        store.staging.mkdir(parents=True, exist_ok=True)
        self._dir = Path(tempfile.mkdtemp(prefix="kg-load-", dir=store.staging))
        self._files: dict[str, tuple] = {}
        self._counts: dict[str, int] = {}
        self._hashes: list[dict] = []

    def insert(self, name: str, rows: list[tuple]) -> None:
        plan = _plan(name)
        if name == "Paper":  # written without their fingerprint, set once every row is in (see commit)
            at = R.LOAD_HASH_AT
            self._hashes.extend({"id": r[0], "load_hash": r[at]} for r in rows)
            rows = [(*r[:at], None, *r[at + 1 :]) for r in rows]
        if not plan.all_safe(rows):
            unsafe = [row for row in rows if not plan.safe(row)]
            bad = set(map(id, unsafe))
            rows = [row for row in rows if id(row) not in bad]
            self.upsert(name, unsafe)
        if not rows:
            return
        if name not in self._files:
            f = (self._dir / f"{name}.csv").open("w", newline="", encoding="utf-8")
            # tab-separated: a list cell then needs no quotes (LadybugDB misreads quoted lists
            # appended to a non-empty table: "[a,b]" -> cast error)
            w = csv.writer(f, delimiter="\t")
            w.writerow(R.columns(name))
            self._files[name] = (f, w)
        w = self._files[name][1]
        w.writerows(map(plan.cells, rows) if plan.convert else rows)
        self._counts[name] = self._counts.get(name, 0) + len(rows)
        self.rows += len(rows)

    def commit(self) -> set[str]:
        """Each COPY commits on its own (several times faster than inside one transaction);
        crash safety comes from the papers' fingerprints, set in one last transaction: a run
        killed before it leaves papers without one, which the next run deletes and writes again,
        and shared nodes it leaves unused are removed as orphans."""
        store, paths = self.store, set()
        for ids in R.chunks(self.deletes, UNWIND_BATCH):
            with store.transaction() as tx:
                store._delete_papers(tx, ids)
        each = _LadybugTx(store)  # no BEGIN: every statement is its own transaction
        for name in TABLES:
            kind = "rel" if name in R.LOADED_TYPES else "node"
            if self._counts.get(name):
                if name == "Result":  # a killed run may have left results whose paper is rewritten now
                    with store.transaction() as tx:
                        tx.run(store.named("load/remove_orphan_results"))
                f = self._files[name][0]
                f.close()
                each.run(f"COPY {S.q(name)} FROM '{Path(f.name).as_posix()}' (HEADER=true, PARALLEL=false, DELIM='\\t')")
                paths.add("copy")
            if self.upserts.get(name):
                with store.transaction() as tx:
                    store.merge(tx, kind, name, self.upserts[name])
                paths.add("merge")
        if self._hashes:
            with store.transaction() as tx:
                stmt = store.named("load/set_load_hashes")
                for part in R.chunks(self._hashes, UNWIND_BATCH):
                    tx.run(stmt, {"rows": part})
        return paths

    def discard(self) -> None:
        for f, _ in self._files.values():
            f.close()
        self._files.clear()
        shutil.rmtree(self._dir, ignore_errors=True)
        try:
            self.store.staging.rmdir()  # only when no other batch stages there
        except OSError:
            pass


class _Plan:
    """How rows of one table go to CSV: which cells need converting, which rows need checking.

    The csv module writes None as an empty cell (read back as null), ints with str, floats with
    repr, booleans as True/False and lists of ints as "[0, 15]", all as the CSV reader wants;
    only lists of strings are converted here (str() would quote their elements). A row the
    reader would not take back verbatim (a "NULL" string, an unsafe list element, a non-finite
    float) goes through MERGE instead.
    """

    def __init__(self, name: str):
        types = R.column_types(name)
        self.strings = [i for i, t in enumerate(types) if t == "STRING"]
        self.string_lists = [i for i, t in enumerate(types) if t == "STRING[]"]
        self.doubles = [i for i, t in enumerate(types) if t == "DOUBLE"]
        self.convert = bool(self.string_lists)

    def all_safe(self, rows: list[tuple]) -> bool:
        """``safe`` for every row, a column at a time (C loops); False may be wrong, True is not."""
        columns = list(zip(*rows))
        if not columns:
            return True
        for i in self.strings:
            if not _NULL_STRINGS.isdisjoint(columns[i]):
                return False
        for i in self.doubles:
            # nan and inf carry through a sum; a finite sum can only overflow to inf (a false alarm)
            if not math.isfinite(sum(v for v in columns[i] if v is not None)):
                return False
        for i in self.string_lists:
            # every element between NULs: an edge space or an empty element then sits next to one
            elements = list(itertools.chain.from_iterable(v for v in columns[i] if v))
            if elements and _UNSAFE_JOINED.search("\0" + "\0".join(elements) + "\0"):
                return False
        return True

    def cells(self, row: tuple) -> list:
        out = list(row)
        for i in self.string_lists:
            v = out[i]
            if v is not None:
                out[i] = "[" + ",".join(v) + "]"
        return out

    def safe(self, row: tuple) -> bool:
        # strings the CSV reader turns into null ("" never gets here: rows carry None instead)
        if "NULL" in row or "null" in row or "" in row:
            return False
        for i in self.string_lists:
            v = row[i]
            if v and not all(_SAFE_ELEMENT.match(e) for e in v):
                return False
        for i in self.doubles:
            v = row[i]
            if v is not None and not math.isfinite(v):
                return False
        return True


@cache
def _plan(name: str) -> _Plan:
    return _Plan(name)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
