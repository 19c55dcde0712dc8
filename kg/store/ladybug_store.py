"""LadybugDB (embedded, on disk): the default store."""

from __future__ import annotations

import csv
import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError
from kg.store import rows as R
from kg.store import statements as S
from kg.store.base import GraphStore, Tx
from kg.store.schema import node, relationship

#: a list element the CSV reader takes back verbatim: no separators, quotes, brackets or edge spaces
_SAFE_ELEMENT = re.compile(r"^[^\s,\[\]{}'\"\\]([^,\[\]{}'\"\\]*[^\s,\[\]{}'\"\\])?$")


class _LadybugTx(Tx):
    def __init__(self, store: LadybugStore):
        self.store = store

    def run(self, cypher: str, params: dict | None = None) -> list[dict]:
        return self.store._execute(cypher, params)


class LadybugStore(GraphStore):
    """A LadybugDB database at ``path``. One read-write process at a time; readers may open alongside.

    ``fast=True`` inserts rows known to be new with file-based ``COPY FROM`` (CSV in a temporary
    directory, inside the load transaction); rows a CSV cannot carry verbatim go through MERGE.
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
        self._tmp: Path | None = None

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
            self._drop_tmp()
        self._run("COMMIT", None)

    def close(self) -> None:
        self._drop_tmp()
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._db.close()
            self._conn = None

    # ----------------------------------------------------------------- bulk path
    def insert_new(self, tx: Tx, kind: str, name: str, rows: list[dict]) -> str:
        if not self.fast:
            return super().insert_new(tx, kind, name, rows)
        columns = _columns(kind, name)
        copyable, rest = [], []
        for row in rows:
            (copyable if _csv_safe(row, columns) else rest).append(row)
        if copyable:
            path = self._csv(name, columns, copyable)
            tx.run(f"COPY {S.q(name)} FROM '{path}' (HEADER=true, PARALLEL=false)")
        if rest:
            self.merge(tx, kind, name, rest)
        return "copy" if copyable else "merge"

    def _csv(self, name: str, columns: list[tuple[str, str]], rows: list[dict]) -> str:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="kg-load-"))
        path = self._tmp / f"{name}-{len(list(self._tmp.iterdir()))}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow([c for c, _ in columns])
            for row in rows:
                w.writerow([_cell(row.get(c), t) for c, t in columns])
        return path.as_posix()

    def _drop_tmp(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _columns(kind: str, name: str) -> list[tuple[str, str]]:
    """CSV columns in table order: every property for nodes; from, to, properties for rels."""
    if kind == "node":
        return list(node(name).properties.items())
    r = relationship(name)
    return [("src", "STRING"), ("dst", "STRING"), *r.properties.items()]


def _csv_safe(row: dict, columns: list[tuple[str, str]]) -> bool:
    for col, typ in columns:
        if typ == "STRING" or typ == "INT64" or typ == "BOOL" or typ == "INT64[]":
            if typ == "STRING" and row.get(col) in ("", "NULL", "null"):  # would read back as null
                return False
            continue
        value = row.get(col)
        if typ == "STRING[]" and value and not all(_SAFE_ELEMENT.match(v) for v in value):
            return False
        if typ == "DOUBLE" and value is not None and not math.isfinite(value):
            return False
    return True


def _cell(value, typ: str) -> str:
    if value is None:
        return ""
    if typ == "BOOL":
        return "true" if value else "false"
    if typ.endswith("[]"):
        return "[" + ",".join(str(v) for v in value) + "]"
    if typ == "DOUBLE":
        return repr(float(value))
    return str(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
