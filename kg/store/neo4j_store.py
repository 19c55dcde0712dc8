"""Neo4j 5 through the official driver. Credentials come from the environment only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from kg.errors import ConfigError, StoreError
from kg.store.base import GraphStore, Tx


class _Neo4jTx(Tx):
    def __init__(self, tx):
        self._tx = tx

    def run(self, cypher: str, params: dict | None = None) -> list[dict]:
        return [r.data() for r in self._tx.run(cypher, params or {})]


class Neo4jStore(GraphStore):
    """A Neo4j database at ``uri``; read-only opens READ access-mode sessions only."""

    dialect = "neo4j"

    def __init__(self, uri: str, *, read_only: bool = False, user: str | None = None, password: str | None = None):
        import neo4j

        self.target = uri
        self.read_only = read_only
        user = user or os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if not password:
            raise ConfigError("NEO4J_PASSWORD is not set: Neo4j credentials come from the environment (see .env.example)")
        self._database = os.environ.get("NEO4J_DATABASE") or None
        self._mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except Exception as exc:  # never echo the auth tuple: only the class and the server's message
            raise StoreError(f"cannot reach Neo4j at {uri}: {type(exc).__name__}: {_message(exc)}") from exc

    def _session(self, mode=None):
        return self._driver.session(database=self._database, default_access_mode=mode or self._mode)

    def query(self, cypher: str, params: dict | None = None) -> list[dict]:
        import neo4j

        try:
            with self._session(neo4j.READ_ACCESS) as s:
                return s.execute_read(lambda tx: [r.data() for r in tx.run(cypher, params or {})])
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j: {_message(exc)}") from exc

    def _execute(self, cypher: str, params: dict | None = None) -> list[dict]:
        import neo4j

        try:
            with self._session() as s:
                return [r.data() for r in s.run(cypher, params or {})]
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j: {_message(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        import neo4j

        self._require_writable()
        with self._session() as s:
            tx = s.begin_transaction()
            try:
                yield _Neo4jTx(tx)
                tx.commit()
            except neo4j.exceptions.Neo4jError as exc:
                tx.rollback()
                raise StoreError(f"Neo4j: {_message(exc)}") from exc
            except BaseException:
                tx.rollback()
                raise

    def close(self) -> None:
        if getattr(self, "_driver", None) is not None:
            self._driver.close()
            self._driver = None


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
