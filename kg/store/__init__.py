"""Store: one schema, one loader design, two backends (LadybugDB embedded, Neo4j 5).

    >>> from kg.store import open_store
    >>> with open_store(".kg/graph.lbdb") as store:      # doctest: +SKIP
    ...     store.apply_schema(); store.load(graph)
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import ConfigError
from kg.store.base import GraphStore
from kg.store.dump import canonical_dump

DEFAULT_TARGET = ".kg/graph.lbdb"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")

__all__ = ["GraphStore", "open_store", "resolve_target", "canonical_dump", "DEFAULT_TARGET"]


def resolve_target(target: str | None = None) -> str:
    """The store target: ``target``, else env KG_STORE, else ``.kg/graph.lbdb``."""
    chosen = target or os.environ.get("KG_STORE") or DEFAULT_TARGET
    chosen = chosen.strip()
    if not chosen:
        raise ConfigError("empty store target: give a directory path or a neo4j:// URI")
    if "://" in chosen and "@" in urlsplit(chosen).netloc:  # not echoed: it holds a password
        raise ConfigError("a store URI takes no credentials (user:password@host): Neo4j's come from the environment,"
                          " NEO4J_USER and NEO4J_PASSWORD")
    if "://" in chosen and not chosen.startswith(NEO4J_SCHEMES):
        raise ConfigError(f"unsupported store target {chosen!r}: use a directory path or one of {', '.join(NEO4J_SCHEMES)}")
    return chosen


def is_neo4j(target: str) -> bool:
    return target.startswith(NEO4J_SCHEMES)


def open_store(target: str | None = None, *, read_only: bool = False, **options) -> GraphStore:
    """Open the store at ``target`` (a LadybugDB directory or a neo4j:// / bolt:// URI)."""
    chosen = resolve_target(target)
    if is_neo4j(chosen):
        from kg.store.neo4j_store import Neo4jStore

        return Neo4jStore(chosen, read_only=read_only, **options)
    from kg.store.ladybug_store import LadybugStore

    return LadybugStore(Path(chosen), read_only=read_only, **options)
