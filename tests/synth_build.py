"""Helpers for the build-level tests: a synthetic corpus, a pipeline file, `kg run` in a child."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from kg.synth import SynthConfig, write_corpus

STAGES = ("ingest", "extract", "resolve", "load")


def corpus(folder: Path, n: int, *, seed: int = 21, start: int = 0, total: int | None = None) -> Path:
    """Papers start..n-1 of a synthetic corpus of ``total`` papers, as listings of every layout."""
    write_corpus(SynthConfig(n=total or n, seed=seed), folder, formats=("listings",), per_file=8, start=start, stop=n)
    return folder


def pipeline(
    folder: Path,
    inputs: list[Path],
    store: Path,
    *,
    stages=STAGES,
    name: str = "p.toml",
    strict: bool = False,
    prune: bool = True,
    cache: Path | None = None,
    chunk_papers: int | None = None,
) -> Path:
    """Write a pipeline file under ``folder``: ``inputs`` into ``store``, one extraction process,
    the cache beside the store unless ``cache`` is given."""
    resolve = f"[resolve]\nchunk_papers = {chunk_papers}\n" if chunk_papers else ""
    toml = folder / name
    toml.write_text(
        textwrap.dedent(
            f"""
            [pipeline]
            name = "{Path(name).stem}"
            [inputs]
            paths = {json.dumps([str(p) for p in inputs])}
            strict = {str(strict).lower()}
            [stages]
            run = {json.dumps(list(stages))}
            [extract]
            n_process = 1
            [store]
            target = {json.dumps(str(store))}
            prune = {str(prune).lower()}
            [cache]
            dir = {json.dumps(str(cache or str(store) + ".cache"))}
            """
        )
        + resolve
    )
    return toml


def kg_run(toml: Path, *, timeout: float = 240) -> dict:
    """`kg run TOML --json` in a child process; returns the BuildSummary as a dict."""
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "run", str(toml), "--json"],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout[proc.stdout.index("{"):])


def kill_at(toml: Path, marker: str, timeout: float = 240) -> bool:
    """Run `kg run` and SIGKILL it when a stderr line starts with ``marker``; True if it was killed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "run", str(toml)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    killed = False
    try:
        for line in proc.stderr:
            if line.startswith(marker):
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    finally:
        proc.wait(timeout=timeout)
        proc.stderr.close()
    return killed and proc.returncode == -signal.SIGKILL
