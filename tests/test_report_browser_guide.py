"""The Neo4j Browser guide and GraSS style: every statement passes Neo4j's linter, every label
and relationship type has a style, and `kg guide` serves both with the CORS header Browser needs."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from kg.report.guide import guide_statements, make_server, style_rules
from kg.store.schema import NODES, RELATIONSHIPS


def test_guide_walks_through_schema_query_community_lineage():
    statements = guide_statements()
    text = "\n".join(statements)
    assert "db.schema.visualization" in text
    assert "IN_COMMUNITY" in text and "LINEAGE" in text
    assert len(statements) >= 8


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the Neo4j linter cannot run")
def test_guide_statements_pass_neo4j_linter():
    lint_dir = Path(__file__).parent / "cypher_lint"
    if not (lint_dir / "node_modules").is_dir():
        pytest.skip("tests/cypher_lint/node_modules is missing: run `make lint-install`")
    import re

    statements = [
        {"name": f"guide-{i}", "cypher": s, "parameters": sorted(set(re.findall(r"\$(\w+)", s)))}
        for i, s in enumerate(guide_statements())
    ]
    schema = {"labels": [n.label for n in NODES], "relationshipTypes": [r.type for r in RELATIONSHIPS]}
    out = subprocess.run(["node", "lint.mjs"], cwd=lint_dir, input=json.dumps({"statements": statements, "schema": schema}),
                         capture_output=True, text=True, check=True)
    problems = {r["name"]: r["diagnostics"] for r in json.loads(out.stdout) if r["diagnostics"]}
    assert not problems


def test_style_gives_every_label_a_colour_size_and_caption():
    rules = style_rules()
    for n in NODES:
        rule = rules[f"node.{n.label}"]
        assert rule["color"].startswith("#") and rule["diameter"].endswith("px") and rule["caption"], n.label
        prop = rule["caption"].strip("{}")
        assert prop in n.properties, f"{n.label} caption {prop} is not a property"
    for r in RELATIONSHIPS:
        assert f"relationship.{r.type}" in rules, r.type
    colours = [rules[f"node.{n.label}"]["color"] for n in NODES]
    assert len(set(colours)) == len(colours)


def test_guide_server_sends_cors_headers():
    server = make_server(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/kg-guide.html"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
            body = resp.read().decode("utf-8")
        assert body.startswith('<article class="guide"')
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/kg.grass", timeout=10) as resp:
            assert b"node.Concept" in resp.read()
    finally:
        server.shutdown()
        server.server_close()


def test_kg_guide_on_a_port_it_cannot_have_is_one_clear_error():
    # both used to end in a traceback: OverflowError from bind(), OSError "Address already in use"
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["guide", "--port", "99999"])
    assert result.exit_code == 2 and "99999 is not in the range" in result.output
    taken = make_server("127.0.0.1", 0)
    try:
        result = CliRunner().invoke(main, ["guide", "--port", str(taken.server_port)])
        assert result.exit_code == 2, result.output
        assert f"Error: cannot listen on 127.0.0.1:{taken.server_port}: " in result.stderr
        assert "Traceback" not in result.output
    finally:
        taken.server_close()
