"""Every statement kg sends to Neo4j goes through Neo4j's own linter (@neo4j-cypher/language-support).

No Neo4j server runs in CI, so this is the check that the Neo4j dialect is right. Any diagnostic fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.store.cypher import cypher_dir, strip_comments
from kg.store.schema import NODES, RELATIONSHIPS, RETIRED_PROPERTIES
from kg.store.statements import neo4j_statements

LINT_DIR = Path(__file__).parent / "cypher_lint"


def _schema() -> dict:
    """What the linter knows of the database: our labels, types and property keys."""
    props = {p for n in NODES for p in n.properties} | {p for r in RELATIONSHIPS for p in r.properties}
    # a store an earlier kg built still has these, until apply_schema removes them
    props |= {p for names in RETIRED_PROPERTIES.values() for p in names}
    # the loader's relationship rows name their two ends row.src and row.dst
    props = sorted(props | {"src", "dst"})
    return {
        "labels": [n.label for n in NODES],
        "relationshipTypes": [r.type for r in RELATIONSHIPS],
        "propertyKeys": props,
        "databaseNames": ["neo4j", "system"],
        "aliasNames": [],
        "userNames": [],
        "roleNames": [],
    }


def _file_statements() -> list[dict]:
    """Every cypher/**/*.cypher file except the LadybugDB-only ones, with the parameters it uses."""
    out = []
    for path in sorted(cypher_dir().rglob("*.cypher")):
        if path.name.endswith(".ladybug.cypher"):
            continue
        text = strip_comments(path.read_text(encoding="utf-8"))
        params = sorted(set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text)))
        out.append({"name": str(path.relative_to(cypher_dir())), "cypher": text, "parameters": params})
    return out


def _lint(statements: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail("the Cypher linter is not installed: run `make lint-install` (needs node and npm)")
    proc = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=json.dumps({"statements": statements, "schema": _schema()}),
        capture_output=True,
        text=True,
        cwd=LINT_DIR,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _report(results: list[dict], statements: list[dict]) -> str:
    by_name = {s["name"]: s["cypher"] for s in statements}
    lines = []
    for r in results:
        for d in r["diagnostics"]:
            lines.append(f"{r['name']}: {d['message']} (offset {d['offset']})\n    {by_name[r['name']]}")
    return "\n".join(lines)


def test_store_statements_pass_the_neo4j_linter():
    statements = neo4j_statements()
    assert any(s["name"] == "merge:AUTHORED" for s in statements)
    results = _lint(statements)
    assert len(results) == len(statements)
    assert not _report(results, statements), _report(results, statements)


def test_cypher_files_pass_the_neo4j_linter():
    statements = _file_statements()
    assert statements, "cypher/ holds no statements"
    results = _lint(statements)
    assert not _report(results, statements), _report(results, statements)


def test_the_linter_catches_a_bad_statement():
    # the harness itself must fail loudly, or the two tests above prove nothing
    results = _lint([{"name": "bad", "cypher": "MATCH (n:Paper RETURN n", "parameters": []},
                     {"name": "unknown-label", "cypher": "MATCH (n:Papr) RETURN n", "parameters": []}])
    assert all(r["diagnostics"] for r in results)
