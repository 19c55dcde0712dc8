"""Declarative pipelines: a TOML file names the inputs, the stages and the store.

The file is checked when it is wired (unknown keys and stages, missing inputs, a bad store
target are ConfigErrors naming the file and the key), before any work. Stages run in the fixed
order ingest -> extract -> resolve -> load -> analytics; a file may list fewer of them. Stage
modules are imported when their stage runs.

Incremental: extractions are cached by (paper id, content hash, model version) in a SQLite file,
so an unchanged paper is never extracted twice; the loader skips papers whose stored fingerprint
is unchanged; analytics is skipped when the loaded graph is the one it last ran on.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sqlite3
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError, KGError
from kg.models import BuildSummary, PaperExtraction, StageTiming

STAGES = ("ingest", "extract", "resolve", "load", "analytics")
#: what each stage needs earlier in the same run
NEEDS = {"extract": "ingest", "resolve": "ingest", "load": "resolve"}

_KEYS = {
    "pipeline": {"name", "description"},
    "inputs": {"paths", "strict"},
    "stages": {"run"},
    "extract": {"model", "n_process", "batch_size"},
    "resolve": {"aliases", "orgs"},
    "analytics": {"seed"},
    "store": {"target", "prune"},
    "cache": {"dir"},
}

Progress = Callable[[str], None]


@dataclass
class Pipeline:
    """A checked pipeline, ready to run."""

    source: str
    name: str
    inputs: list[Path] = field(default_factory=list)
    strict: bool = False
    stages: tuple[str, ...] = STAGES
    store: str | None = None
    prune: bool = True
    model: str | None = None
    n_process: int = 1
    batch_size: int = 64
    seed: int = 42
    aliases: str | None = None
    orgs: str | None = None
    cache_dir: Path | None = None


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def expand(text: str, root: Path) -> str:
    """Expand ``${VAR}``; KG_SHARED defaults to <root>/../shared."""
    env = {"KG_SHARED": str(root.parent / "shared"), **os.environ}

    def sub(m: re.Match) -> str:
        if m.group(1) not in env:
            raise KeyError(m.group(1))
        return env[m.group(1)]

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, text)


def load_pipeline_file(path: str | Path, *, store: str | None = None) -> Pipeline:
    """Read and check a pipeline file; ``store`` (or env KG_STORE) overrides its [store].target."""
    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise ConfigError(f"{src}: no such pipeline file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{src}: not valid TOML: {exc}") from exc
    root = path.resolve().parent.parent if path.resolve().parent.name == "pipelines" else path.resolve().parent

    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"{src}: {key}: {why}")

    for section, body in data.items():
        if section not in _KEYS:
            raise bad(section, f"unknown section (expected one of {', '.join(_KEYS)})")
        if not isinstance(body, dict):
            raise bad(section, "must be a table")
        for key in body:
            if key not in _KEYS[section]:
                raise bad(f"{section}.{key}", f"unknown key (expected one of {', '.join(sorted(_KEYS[section]))})")

    def get(section: str, key: str, typ, default):
        value = data.get(section, {}).get(key, default)
        if value is not default and not isinstance(value, typ):
            raise bad(f"{section}.{key}", f"expected {getattr(typ, '__name__', typ)}, got {value!r}")
        return value

    def local(section: str, key: str, text: str) -> Path:
        try:
            p = Path(expand(text, root))
        except KeyError as exc:
            raise bad(f"{section}.{key}", f"environment variable {exc.args[0]} is not set") from exc
        return p if p.is_absolute() else root / p

    stages = get("stages", "run", list, list(STAGES))
    for s in stages:
        if s not in STAGES:
            raise bad("stages.run", f"unknown stage {s!r} (expected some of {', '.join(STAGES)})")
    if len(set(stages)) != len(stages):
        raise bad("stages.run", "a stage is listed twice")
    for s in stages:
        if s in NEEDS and NEEDS[s] not in stages:
            raise bad("stages.run", f"stage {s!r} needs stage {NEEDS[s]!r}")
    ordered = tuple(s for s in STAGES if s in stages)

    inputs = []
    for text in get("inputs", "paths", list, []):
        if not isinstance(text, str):
            raise bad("inputs.paths", f"expected path strings, got {text!r}")
        p = local("inputs", "paths", text)
        if not p.exists():
            raise bad("inputs.paths", f"{p} does not exist")
        inputs.append(p)
    if "ingest" in ordered and not inputs:
        raise bad("inputs.paths", "the ingest stage needs at least one input path")

    from kg.store import resolve_target

    # --store, then KG_STORE (both relative to the working directory), then the file's own target
    target = store or os.environ.get("KG_STORE")
    if not target:
        target = get("store", "target", str, None)
        if target and "://" not in target:
            target = str(local("store", "target", target))
    if {"load", "analytics"} & set(ordered):
        try:
            target = resolve_target(target)
        except ConfigError as exc:
            raise bad("store.target", str(exc)) from exc

    cache = get("cache", "dir", str, None)
    n_process = get("extract", "n_process", int, 1)
    if n_process < 1:
        raise bad("extract.n_process", "must be at least 1")
    model = get("extract", "model", str, None)
    aliases = get("resolve", "aliases", str, None)
    orgs = get("resolve", "orgs", str, None)
    return Pipeline(
        source=src,
        name=get("pipeline", "name", str, path.stem),
        inputs=inputs,
        strict=get("inputs", "strict", bool, False),
        stages=ordered,
        store=target,
        prune=get("store", "prune", bool, True),
        model=str(local("extract", "model", model)) if model and ("/" in model or model.startswith(".")) else model,
        n_process=n_process,
        batch_size=get("extract", "batch_size", int, 64),
        seed=get("analytics", "seed", int, 42),
        aliases=str(local("resolve", "aliases", aliases)) if aliases else None,
        orgs=str(local("resolve", "orgs", orgs)) if orgs else None,
        cache_dir=local("cache", "dir", cache) if cache else Path(os.environ.get("KG_CACHE") or root / ".kg" / "cache"),
    )


def adhoc_pipeline(paths: list[str], *, store: str | None = None, stages: tuple[str, ...] = STAGES) -> Pipeline:
    """The pipeline of ``kg build PATH...``: every stage, no pruning (the store may hold other papers)."""
    from kg.store import resolve_target

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise ConfigError(f"input not found: {missing[0]}")
    return Pipeline(
        source="kg build",
        name="build",
        inputs=[Path(p) for p in paths],
        stages=stages,
        store=resolve_target(store),
        prune=False,
        cache_dir=Path(os.environ.get("KG_CACHE") or ".kg/cache"),
    )


# --------------------------------------------------------------------------- running


def _stage_function(stage: str, module: str, name: str, fallback: str):
    """Import a stage's function when the stage runs; a missing one is a ConfigError naming the stage."""
    for mod in (module, fallback):
        try:
            fn = getattr(importlib.import_module(mod), name, None)
        except ImportError:
            fn = None
        if fn is not None:
            return fn
    raise ConfigError(f"stage {stage!r} is not available: {module}.{name} cannot be imported")


class ExtractionCache:
    """Extractions by (paper id, content hash, model version) in SQLite: crash-safe, shared by stores."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(directory / "kg-cache.sqlite")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS extraction (paper_id TEXT, content_hash TEXT, version TEXT, body TEXT,"
            " PRIMARY KEY (paper_id, content_hash, version))"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS analytics (store TEXT PRIMARY KEY, graph_hash TEXT)")
        self.db.commit()

    def get(self, paper_id: str, content_hash: str, version: str) -> PaperExtraction | None:
        row = self.db.execute(
            "SELECT body FROM extraction WHERE paper_id=? AND content_hash=? AND version=?",
            (paper_id, content_hash, version),
        ).fetchone()
        return PaperExtraction.model_validate_json(row[0]) if row else None

    def put(self, extractions: list[PaperExtraction], version: str) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?)",
            [(e.paper_id, e.content_hash, version, e.model_dump_json()) for e in extractions],
        )
        self.db.commit()

    def analytics_hash(self, store: str) -> str | None:
        row = self.db.execute("SELECT graph_hash FROM analytics WHERE store=?", (store,)).fetchone()
        return row[0] if row else None

    def set_analytics_hash(self, store: str, graph_hash: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO analytics VALUES (?, ?)", (store, graph_hash))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def run_pipeline(pipe: Pipeline, *, progress: Progress | None = None) -> BuildSummary:
    """Run the stages of ``pipe``; returns counts and timings per stage."""
    say = progress or (lambda _m: None)
    summary = BuildSummary(pipeline=pipe.source, store=pipe.store or "")
    t_start = time.perf_counter()
    papers, extractions, graph = [], [], None
    cache = ExtractionCache(pipe.cache_dir) if pipe.cache_dir and {"extract", "analytics"} & set(pipe.stages) else None

    def timed(stage: str, count_fn, fn):
        say(f"{stage}: started")
        t0 = time.perf_counter()
        out = fn()
        seconds = round(time.perf_counter() - t0, 3)
        summary.stages.append(StageTiming(stage=stage, seconds=seconds, count=count_fn(out)))
        say(f"{stage}: done in {seconds:.2f}s")
        return out

    store = None
    try:
        if "ingest" in pipe.stages:
            read_paths = _stage_function("ingest", "kg.ingest", "read_paths", "kg.ingest.reader")
            result = timed("ingest", lambda r: len(r.papers), lambda: read_paths(pipe.inputs, strict=pipe.strict))
            papers = result.papers
            summary.papers = len(papers)
            summary.skipped_records = len(result.skipped)
        if {"load", "analytics"} & set(pipe.stages):
            from kg.store import open_store

            store = open_store(pipe.store)
            store.apply_schema()
            stored = store.paper_hashes()
            summary.papers_unchanged = sum(1 for p in papers if stored.get(p.id, (None, None))[1] == p.content_hash)
        if "extract" in pipe.stages:
            extractions = timed("extract", len, lambda: _extract(pipe, papers, cache, summary, say))
        if "resolve" in pipe.stages:
            assemble = _stage_function("resolve", "kg.resolve.graph", "assemble_graph", "kg.resolve")
            kwargs = {k: v for k, v in (("aliases", pipe.aliases), ("org_table", pipe.orgs)) if v}
            graph = timed("resolve", lambda g: len(g.papers), lambda: assemble(papers, extractions, **kwargs))
        if "load" in pipe.stages:
            summary.load = timed(
                "load",
                lambda s: s.nodes_written + s.rels_written,
                lambda: store.load(graph, prune=pipe.prune, progress=say),
            )
        if "analytics" in pipe.stages:
            load = summary.load
            unchanged = (
                load is not None
                and cache is not None
                and load.nodes_written == load.rels_written == load.orphans_removed == load.papers_removed == 0
                and cache.analytics_hash(pipe.store) == load.graph_hash
            )
            if unchanged:
                say("analytics: skipped, the graph is the one it last ran on")
            else:
                run_analytics = _stage_function("analytics", "kg.analytics", "run_analytics", "kg.analytics.run")
                timed("analytics", lambda _s: 1, lambda: run_analytics(store, seed=pipe.seed))
                summary.analytics_ran = True
                if cache is not None and load is not None:
                    cache.set_analytics_hash(pipe.store, load.graph_hash)
    finally:
        if store is not None:
            store.close()
        if cache is not None:
            cache.close()
    summary.seconds = round(time.perf_counter() - t_start, 3)
    return summary


def _extract(pipe: Pipeline, papers, cache: ExtractionCache | None, summary: BuildSummary, say: Progress):
    """Extractions for every paper: cached ones read back, the others computed and cached."""
    extract_papers = _stage_function("extract", "kg.extract", "extract_papers", "kg.extract.pipeline")
    load_model = _stage_function("extract", "kg.extract", "load_pipeline", "kg.extract.pipeline")
    nlp = load_model(pipe.model)
    meta = getattr(nlp, "meta", {}) or {}
    from kg.extract.pipeline import code_fingerprint

    # the model, which model, and the rule code: a change to any of them re-extracts
    version = f"{meta.get('name', 'pipeline')}-{meta.get('version', '0')}|{pipe.model or 'default'}|{code_fingerprint()}"
    out: dict[str, PaperExtraction] = {}
    todo = []
    for p in papers:
        hit = cache.get(p.id, p.content_hash, version) if cache else None
        if hit is not None:
            out[p.id] = hit
        else:
            todo.append(p)
    summary.extraction_cached = len(papers) - len(todo)
    say(f"extract: {len(todo)} to extract, {summary.extraction_cached} cached")
    batch: list[PaperExtraction] = []
    done = 0
    for ex in extract_papers(todo, nlp=nlp, n_process=pipe.n_process, batch_size=pipe.batch_size):
        out[ex.paper_id] = ex
        batch.append(ex)
        done += 1
        if len(batch) >= 1000:
            if cache:
                cache.put(batch, version)
            batch = []
            say(f"extract: {done}/{len(todo)}")
    if cache and batch:
        cache.put(batch, version)
    summary.extracted = len(todo)
    return [out[p.id] for p in papers if p.id in out]


def summary_json(summary: BuildSummary) -> str:
    return json.dumps(summary.model_dump(), indent=2)


__all__ = ["Pipeline", "load_pipeline_file", "adhoc_pipeline", "run_pipeline", "STAGES", "KGError"]
