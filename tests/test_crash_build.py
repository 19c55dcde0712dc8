"""Crash safety of a whole build: `kg run` is SIGKILLed at several points (during extraction,
before and during the load, during analytics), then run again; the graph must equal a clean build.

Kill points are the build's own progress lines on stderr (timing-independent markers): the
child is killed as soon as the marker appears, wherever it is then.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import canonical_dump, open_store
from synth_build import corpus, kg_run, kill_at, pipeline

STAGES = ("ingest", "extract", "resolve", "load", "analytics")
N = 40


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    base = corpus(tmp / "corpus", N)
    store = tmp / "clean.lbdb"
    kg_run(pipeline(tmp, [base], store, stages=STAGES, name="clean.toml"))
    return tmp, base, _dump(store)


@pytest.mark.parametrize(
    "marker",
    ["extract: started", "resolve: started", "load: started", "load: papers", "analytics: started"],
)
@pytest.mark.parametrize("rebuild", [False, True], ids=["first-build", "rebuild-with-more"])
def test_killed_build_run_again_equals_clean_build(clean, tmp_path, marker, rebuild):
    _, base, expected = clean
    store = tmp_path / "graph.lbdb"
    if rebuild:  # a store that already holds part of the corpus: the killed run was adding to it
        part = corpus(tmp_path / "part", N // 2)
        kg_run(pipeline(tmp_path, [part], store, stages=STAGES, name="part.toml"))
        # the same papers under the final paths, so only additions remain for the killed run
    toml = pipeline(tmp_path, [base], store, stages=STAGES, name="full.toml")
    if not kill_at(toml, marker):
        pytest.fail(f"the build never printed {marker!r} or was not killed by it")
    kg_run(toml)
    assert _dump(store) == expected
