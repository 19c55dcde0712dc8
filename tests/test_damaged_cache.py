"""kg's own files under the cache directory (extraction cache, build state), damaged or in the way:
a build stops with one error naming the directory and what to do (exit 2), leaves the store as it
was, and builds again once the directory is removed. They used to end in an sqlite3 or OS traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract.pipeline import MODEL_DIR
from kg.store import canonical_dump, open_store
from synth_build import corpus, pipeline

pytestmark = pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="no shipped pipeline: run `make train`")


def _state(cache: Path) -> Path:
    (state,) = (cache / "state").glob("*.sqlite")
    return state


def _overwrite_middle(path: Path) -> None:
    """Pages in the middle of an SQLite file overwritten, its header intact: found only when read."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 8 * 4096] = b"\xa5" * (8 * 4096)
    path.write_bytes(bytes(data))


def _state_a_directory(cache: Path) -> None:
    state = _state(cache)
    state.unlink()
    state.mkdir()


DAMAGE = {
    "cache truncated": lambda c: (c / "kg-cache.sqlite").write_bytes((c / "kg-cache.sqlite").read_bytes()[:5000]),
    "cache pages overwritten": lambda c: _overwrite_middle(c / "kg-cache.sqlite"),
    "state not a database": lambda c: _state(c).write_bytes(b"not a database\n" * 2000),
    "state a directory": _state_a_directory,
    "state folder a file": lambda c: (shutil.rmtree(c / "state"), (c / "state").write_text("x\n")),
    "cache folder a file": lambda c: (shutil.rmtree(c), c.write_text("x\n")),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_stops_the_build_with_one_error_and_leaves_the_store(tmp_path, damage):
    cache, store = tmp_path / "cache", tmp_path / "graph.lbdb"
    toml = pipeline(tmp_path, [corpus(tmp_path / "in", 24)], store, cache=cache)
    assert CliRunner().invoke(main, ["run", str(toml)]).exit_code == 0
    DAMAGE[damage](cache)
    shutil.rmtree(tmp_path / "in")
    corpus(tmp_path / "in", 28)  # four papers more: the build reads its state and its cache
    with open_store(str(store), read_only=True) as s:
        before = canonical_dump(s)

    result = CliRunner().invoke(main, ["run", str(toml)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert result.stderr.splitlines()[-1].startswith(f"Error: {cache}: "), result.stderr
    with open_store(str(store), read_only=True) as s:
        assert canonical_dump(s) == before  # nothing half-loaded

    (shutil.rmtree if cache.is_dir() else Path.unlink)(cache)  # what the message says to do
    result = CliRunner().invoke(main, ["run", str(toml)])
    assert result.exit_code == 0, result.output
