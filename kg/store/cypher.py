"""Named Cypher: statements live in ``cypher/*.cypher`` and are loaded by name."""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import ConfigError

DIALECTS = ("ladybug", "neo4j")


def cypher_dir() -> Path:
    """The ``cypher/`` folder (env KG_CYPHER_DIR overrides; default: next to the package)."""
    override = os.environ.get("KG_CYPHER_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "cypher"


def cypher_path(name: str, dialect: str) -> Path:
    """The file for ``name``: ``<name>.<dialect>.cypher`` when the dialects differ, else ``<name>.cypher``."""
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown Cypher dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    if not name or name.startswith(("/", ".")) or ".." in Path(name).parts:
        raise ConfigError(f"bad query name {name!r}: use a name under cypher/, e.g. queries/papers_by_author")
    base = cypher_dir()
    for candidate in (base / f"{name}.{dialect}.cypher", base / f"{name}.cypher"):
        if candidate.is_file():
            return candidate
    raise ConfigError(f"no Cypher file named {name!r} in {base} (looked for {name}.{dialect}.cypher and {name}.cypher)")


def load_cypher(name: str, dialect: str) -> str:
    """Text of the named statement for ``dialect`` (``ladybug`` or ``neo4j``)."""
    return cypher_path(name, dialect).read_text(encoding="utf-8").strip()


def strip_comments(cypher: str) -> str:
    """The statement without whole-line ``//`` comments (the header block of saved queries)."""
    return "\n".join(line for line in cypher.splitlines() if not line.lstrip().startswith("//")).strip()
