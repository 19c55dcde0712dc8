"""Shared fixtures. ``store`` runs a test on every backend: LadybugDB always; Neo4j through
testcontainers when a Docker engine answers, otherwise the Neo4j case is skipped with the reason."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

#: the same pinned image as compose.yaml
NEO4J_IMAGE = "neo4j:5.26.28-community"
NEO4J_TEST_PASSWORD = "kg-test-password"


def _docker_unavailable() -> str | None:
    """Why no Docker engine can be used, or None. Quick: no network round trips beyond a local socket."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://"):
        path = host[len("unix://") :]
        if not Path(path).exists():
            return f"no Docker engine: {path} does not exist (set DOCKER_HOST to run the Neo4j cases)"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(path)
        except OSError as exc:
            return f"no Docker engine answers on {path}: {exc}"
    try:
        import docker

        docker.from_env(timeout=5).ping()
    except Exception as exc:  # any failure means: no usable engine
        return f"no Docker engine answers ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="session")
def neo4j_uri():
    reason = _docker_unavailable()
    if reason:
        pytest.skip(reason)
    from testcontainers.neo4j import Neo4jContainer

    with Neo4jContainer(NEO4J_IMAGE, password=NEO4J_TEST_PASSWORD) as container:
        yield container.get_connection_url()


def open_empty_store(request, backend: str, path: Path, monkeypatch):
    """An empty store on ``backend``: a LadybugDB directory at ``path``, or the session's Neo4j
    testcontainer (credentials set in the environment, as users set them), wiped."""
    from kg.store import open_store

    if backend == "ladybug":
        return open_store(str(path))
    uri = request.getfixturevalue("neo4j_uri")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", NEO4J_TEST_PASSWORD)
    s = open_store(uri)
    s.execute("MATCH (n) DETACH DELETE n")
    return s


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path, monkeypatch):
    """An empty store with the schema applied, on each backend."""
    s = open_empty_store(request, request.param, tmp_path / "graph.lbdb", monkeypatch)
    s.apply_schema()
    yield s
    s.close()
