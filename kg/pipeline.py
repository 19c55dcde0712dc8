"""Declarative pipelines: a TOML file names the inputs, the stages and the store.

The file is checked when it is wired (unknown keys and stages, missing inputs, a bad store
target are ConfigErrors naming the file and the key), before any work. Stages run in the fixed
order ingest -> extract -> resolve -> load -> analytics; a file may list fewer of them. Stage
modules are imported when their stage runs.

Streaming: ingest spools the deduplicated papers to a scratch SQLite file, extraction streams
them through the cache, resolution makes two passes (corpus-wide decisions, then graph chunks of
``chunk_papers`` papers) and the store loads chunk by chunk, so memory does not grow with the corpus.

Incremental: a build whose fingerprint (input file contents, settings, curated tables, model, code)
and store are those of the last successful build does nothing. Otherwise extractions are cached by
(paper id, content hash, model version) in a SQLite file, so an unchanged paper is never extracted
twice. When the settings, code and store are those of the last successful build (kg.incremental),
only changed input files are parsed, and after the corpus-wide resolution pass only the papers whose
rows can change (new, changed, or resolving through a decision that changed) are resolved and
loaded, the others kept; otherwise every paper is passed and the loader skips papers whose stored
fingerprint is unchanged. Analytics is skipped when the loaded graph is the one it last ran on.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
import marshal
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path

from kg.errors import ConfigError, InputError, KGError, decode_utf8
from kg.incremental import SPOOLED_BODY, BuildState, attached, text_digest
from kg.models import BuildSummary, Paper, PaperExtraction, SkippedRecord, StageTiming

STAGES = ("ingest", "extract", "resolve", "load", "analytics")
#: what each stage needs earlier in the same run
NEEDS = {"extract": "ingest", "resolve": "ingest", "load": "resolve"}

_KEYS = {
    "pipeline": {"name", "description"},
    "inputs": {"paths", "strict"},
    "stages": {"run"},
    "extract": {"model", "n_process", "batch_size"},
    "resolve": {"aliases", "orgs", "chunk_papers"},
    "analytics": {"seed"},
    "store": {"target", "prune"},
    "cache": {"dir"},
}

Progress = Callable[[str], None]

#: below this many papers per worker, extraction runs in this process alone
SMALL_EXTRACTION = 200


def every_core() -> int:
    """The cores this process may run on (its CPU affinity, which a container or taskset narrows)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extraction_processes(papers: int, wanted: int) -> int:
    """The processes to extract ``papers`` papers in: ``wanted`` but no more than the cores (more would
    only share them, each loading its own model), or one below ``SMALL_EXTRACTION`` papers per worker
    (each worker first loads the model, which takes seconds)."""
    wanted = min(wanted, every_core())
    return wanted if papers >= SMALL_EXTRACTION * wanted else 1


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
    #: extraction processes: every core this process may run on unless a pipeline file or --n-process says
    n_process: int = field(default_factory=every_core)
    batch_size: int = 64
    seed: int = 42
    aliases: str | None = None
    orgs: str | None = None
    cache_dir: Path | None = None
    #: papers per resolved chunk handed to the loader: bounds the memory of resolve and load
    chunk_papers: int = 2000


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


#: variables a pipeline file may not expand: a path holding one would print it in messages and summaries
CREDENTIAL_RE = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEY$|^NEO4J_USER$", re.IGNORECASE)


def expand(text: str, root: Path) -> str:
    """Expand ``${VAR}``; KG_SHARED defaults to <root>/../shared. A credential (NEO4J_PASSWORD,
    say) raises ValueError: kg reads those from the environment only where it connects."""
    env = {"KG_SHARED": str(root.parent / "shared"), **os.environ}

    def sub(m: re.Match) -> str:
        if CREDENTIAL_RE.search(m.group(1)):
            raise ValueError(f"${{{m.group(1)}}} is a credential, not part of a path")
        if m.group(1) not in env:
            raise KeyError(m.group(1))
        return env[m.group(1)]

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, text)


def _toml_error(src: str, text: str, message: str) -> str:
    """tomllib's message as ``file:line: ...``. It gives no line for an error at the end of the
    document (an unterminated string or array): that is the file's last line that is not blank."""
    at = re.search(r"\(at line (\d+), column \d+\)$", message)
    if at:
        return f"{src}:{at[1]}: not valid TOML: {message}"
    lines = text.rstrip().splitlines() or [""]
    message = message.replace("(at end of document)", f"(at end of file, line {len(lines)})")
    return f"{src}:{len(lines)}: not valid TOML: {message}"


def load_pipeline_file(path: str | Path, *, store: str | None = None, n_process: int | None = None) -> Pipeline:
    """Read and check a pipeline file; ``store`` (or env KG_STORE) overrides its [store].target,
    ``n_process`` its [extract].n_process."""
    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise ConfigError(f"{src}: no such pipeline file")
    try:
        text = decode_utf8(path.read_bytes(), source=src)  # a byte-order mark, as some editors write, is no error
    except InputError as exc:
        raise ConfigError(f"{src}:{exc.line}: not valid TOML: {exc.reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(src, text, str(exc))) from exc
    except RecursionError:
        raise ConfigError(f"{src}: not valid TOML: arrays or tables nested too deeply") from None
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
        except ValueError as exc:
            raise bad(f"{section}.{key}", str(exc)) from None
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
        if not text.strip():  # "" would name the pipeline's own folder, and read all of it
            raise bad("inputs.paths", "an empty path")
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
        if target is not None and not target.strip():  # not the default store: what was meant is unknown
            raise bad("store.target", "an empty target")
        if target and "://" not in target:
            target = str(local("store", "target", target))
    if {"load", "analytics"} & set(ordered):
        try:
            target = resolve_target(target)
        except ConfigError as exc:
            raise bad("store.target", str(exc)) from exc

    cache = get("cache", "dir", str, None)
    n_process = n_process or get("extract", "n_process", object, "auto")
    if n_process == "auto":
        n_process = every_core()
    elif isinstance(n_process, bool) or not isinstance(n_process, int) or n_process < 1:
        raise bad("extract.n_process", f'must be "auto" or a whole number of at least 1, not {n_process!r}')
    model = get("extract", "model", str, None)
    aliases = get("resolve", "aliases", str, None)
    orgs = get("resolve", "orgs", str, None)
    chunk_papers = get("resolve", "chunk_papers", int, 2000)
    batch_size = get("extract", "batch_size", int, 64)
    for key, value in (("resolve.chunk_papers", chunk_papers), ("extract.batch_size", batch_size)):
        if not 1 <= value <= sys.maxsize:  # both end up as slice sizes
            raise bad(key, f"must be a whole number from 1 to {sys.maxsize}, not {value}")
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
        batch_size=batch_size,
        seed=get("analytics", "seed", int, 42),
        aliases=str(local("resolve", "aliases", aliases)) if aliases else None,
        orgs=str(local("resolve", "orgs", orgs)) if orgs else None,
        chunk_papers=chunk_papers,
        cache_dir=local("cache", "dir", cache) if cache else Path(os.environ.get("KG_CACHE") or root / ".kg" / "cache"),
    )


def adhoc_pipeline(paths: list[str], *, store: str | None = None, stages: tuple[str, ...] = STAGES,
                   n_process: int | None = None) -> Pipeline:
    """The pipeline of ``kg build PATH...``: every stage, no pruning (the store may hold other papers),
    extraction on every core unless ``n_process`` says otherwise."""
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
        n_process=n_process or every_core(),
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
    """Extractions by (paper id, content hash, model version) in SQLite: crash-safe, shared by stores.

    Also remembers, per store, the fingerprint of the last successful build (see build_fingerprint)
    and the graph analytics last ran on.
    """

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.db = sqlite3.connect(directory / "kg-cache.sqlite")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS extraction (paper_id TEXT, content_hash TEXT, version TEXT, body TEXT,"
            " PRIMARY KEY (paper_id, content_hash, version))"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS analytics (store TEXT PRIMARY KEY, graph_hash TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS build (store TEXT PRIMARY KEY, fingerprint TEXT, summary TEXT)")
        self.db.commit()

    def get(self, paper_id: str, content_hash: str, version: str) -> PaperExtraction | None:
        body = self.body(paper_id, content_hash, version)
        return PaperExtraction.model_validate_json(body) if body is not None else None

    def body(self, paper_id: str, content_hash: str, version: str) -> str | None:
        """The stored extraction as JSON (a PaperExtraction), for callers that parse only part of it."""
        row = self.db.execute(
            "SELECT body FROM extraction WHERE paper_id=? AND content_hash=? AND version=?",
            (paper_id, content_hash, version),
        ).fetchone()
        return row[0] if row else None

    def has(self, paper_id: str, content_hash: str, version: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM extraction WHERE paper_id=? AND content_hash=? AND version=?",
            (paper_id, content_hash, version),
        ).fetchone() is not None

    def missing(self, keys: Iterable[tuple[str, str]], version: str) -> list[str]:
        """Ids of the (paper id, content hash) pairs with no extraction of ``version``, in the
        order given: one query for a corpus (a query per paper cost 1.4 of a +1 % build's CPU-s at 100k)."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (seq INTEGER PRIMARY KEY, id TEXT, content_hash TEXT)")
        db.execute("DELETE FROM temp.wanted")
        db.executemany("INSERT INTO temp.wanted (id, content_hash) VALUES (?, ?)", keys)
        out = self._missing_from("temp.wanted", version)
        db.execute("DELETE FROM temp.wanted")
        return out

    def missing_in(self, spool_path: Path, version: str) -> list[str]:
        """:meth:`missing` over every paper of a build's spool (kg.pipeline.Spool), joined inside SQLite."""
        with attached(self.db, spool_path, "sp"):
            return self._missing_from("sp.paper", version)

    def _missing_from(self, table: str, version: str) -> list[str]:
        """Ids of ``table``'s rows (seq, id, content_hash) with no extraction of ``version``, in seq order."""
        return [r[0] for r in self.db.execute(
            f"SELECT w.id FROM {table} w WHERE NOT EXISTS (SELECT 1 FROM extraction e WHERE"  # noqa: S608 - fixed names
            " e.paper_id = w.id AND e.content_hash = w.content_hash AND e.version = ?) ORDER BY w.seq",
            (version,))]

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

    def last_build(self, store: str) -> tuple[str, BuildSummary] | None:
        row = self.db.execute("SELECT fingerprint, summary FROM build WHERE store=?", (store,)).fetchone()
        return (row[0], BuildSummary.model_validate_json(row[1])) if row else None

    def set_last_build(self, store: str, fingerprint: str | None, summary: BuildSummary | None = None) -> None:
        """Record a successful build of ``store``; None forgets it (before anything is written)."""
        if fingerprint is None:
            self.db.execute("DELETE FROM build WHERE store=?", (store,))
        else:
            self.db.execute("INSERT OR REPLACE INTO build VALUES (?, ?, ?)", (store, fingerprint, summary.model_dump_json()))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


#: an item of kg.pipeline.corpus_entries standing for a whole file the build state recorded (see Spool.ingest)
KEPT = object()


def _dedup_keys_of(dkey: str) -> tuple[str | None, str, tuple[str, int]]:
    """kg.ingest.dedup.dedup_keys as BuildState.put_file recorded them (JSON)."""
    arxiv, key, (source, line) = json.loads(dkey)
    return arxiv, key, (source, line)


def _group_signature(digests: Iterable[str]) -> str:
    """A duplicate group's signature: its entries' digests in reading order (merge_papers depends on
    nothing else), so both of Spool.ingest's merges know the last build's merges by it."""
    return text_digest("\0".join(digests))


def _merged_paper(members: Iterable[tuple[str | None, str | None, int | None]], merged: BuildState | None
                  ) -> tuple[str, str, str, str]:
    """(id, content_hash, digest, body) of a duplicate group's merged paper, from its entries'
    (body, rpath, rseq): a recorded entry's JSON (body None) is read from ``merged`` only here, for a
    group merged again (reading every one cost ingest in proportion to the corpus)."""
    from kg.ingest.dedup import merge_papers

    bodies = [body if body is not None else merged.entry_body(rpath, rseq) for body, rpath, rseq in members]
    paper = merge_papers([Paper.model_validate_json(b) for b in bodies])
    body = paper.model_dump_json()
    return paper.id, paper.content_hash, text_digest(body), body


class Spool:
    """The deduplicated corpus of one run on disk (SQLite scratch file), read back in order.

    Stages after ingest stream papers from here instead of holding them: memory does not grow
    with the corpus. The file is removed when the run ends; one left by a killed run is removed
    by the next run that uses the same directory.
    """

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("spool-*.sqlite"):
            if not _alive(stale.stem.split("-", 1)[1]):
                stale.unlink(missing_ok=True)
        self.path = directory / f"spool-{os.getpid()}.sqlite"
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        # body NULL: the entry is recorded in the build state's ``entry`` table at (rpath, rseq), read
        # only when its group is merged again; digest: of its JSON (with a build state)
        # fpath, fseq: the entry's file and place in it (the build state's ``member`` keys)
        self.db.execute("CREATE TABLE entry (seq INTEGER PRIMARY KEY, grp INTEGER, body TEXT, digest TEXT, rpath TEXT,"
                        " rseq INTEGER, fpath TEXT, fseq INTEGER)")
        # body is NULL for a paper the last build merged from the same entries: it stays in the
        # build state's ``merged`` table under ``sig`` (see _body); copying every unchanged paper
        # here cost an update in proportion to the corpus
        self.db.execute("CREATE TABLE paper (seq INTEGER PRIMARY KEY, id TEXT, content_hash TEXT, digest TEXT, sig TEXT,"
                        " body TEXT)")
        self.count = 0
        #: the build state file whose ``merged`` table holds the bodies left NULL above
        self.merged_path: Path | None = None
        self._attached = False

    def ingest(self, entries: Iterable[tuple], merged: BuildState | None = None) -> tuple[int, list[SkippedRecord]]:
        """Group the entries as they stream (kg.ingest.DedupIndex), then merge each group in
        the order read_paths returns them. Returns (entries read, skipped records).

        An entry is (path, Paper | SkippedRecord), or (path, entry, its JSON) when the JSON is
        known, or (path, entry or None, its JSON, its kg.ingest.dedup.dedup_keys) when those are
        known too (the entry is not needed then), or (path, entry, its JSON, its dedup keys, None,
        digest of its JSON) when the digest is known too, or (path, None, None, its dedup keys,
        (path, place), digest of its JSON) for an entry of ``merged``'s ``entry`` table, read from
        there only when its group is merged (BuildState.entries), or, after a first (None, KEPT),
        (path, KEPT) for a whole file ``merged`` recorded, kept with its entries' groups (see
        _merge_kept). With ``merged``, a group
        whose entries are those of a group of the last build (by the digests of their JSON) takes
        that group's merged paper (and new merges are recorded)."""
        from kg.ingest.dedup import DedupIndex, dedup_keys

        index = DedupIndex()
        skipped: list[SkippedRecord] = []
        batch: list[tuple] = []
        read = 0
        kept: dict[str, int] = {}  # a kept file: its place in the reading order
        keeping = False  # whole files are kept: every other paper entry is grouped after the stream (fresh)
        fresh: list[tuple] = []
        places: dict[str, int] = {}
        at, fseq = None, -1
        for item in entries:
            entry = item[1]
            if item[0] is None and entry is KEPT:
                if merged is None:
                    raise KGError("kept files were given to a spool without the build state")
                keeping = True
                continue
            fpath = str(item[0])
            if fpath != at:  # an entry's place in its file counts skipped records too (BuildState.put_file)
                at, fseq = fpath, -1
                places.setdefault(fpath, len(places))
            if entry is KEPT:
                kept[fpath] = places[fpath]
                continue
            fseq += 1
            if fpath in kept:  # a kept file's skipped records
                skipped.append(entry)
                continue
            read += 1
            if isinstance(entry, SkippedRecord):
                skipped.append(entry)
                continue
            keys = item[3] if len(item) > 3 else None
            place = item[4] if len(item) > 4 else None
            digest = item[5] if len(item) > 5 else None
            if keeping:
                keys = keys if keys is not None else dedup_keys(entry)
                body = item[2] if len(item) > 2 and item[2] is not None else entry.model_dump_json()
                fresh.append((places[fpath], fseq, keys, digest or text_digest(body), body, fpath))
                continue
            group = index.add_keys(*keys) if keys is not None else index.add(entry)
            if place is not None:  # a recorded entry: copying its JSON here cost an update in proportion to the corpus
                if merged is None:
                    raise KGError("an entry recorded in the build state was given to a spool without the state")
                batch.append((group, None, digest, *place, fpath, fseq))
            else:
                body = item[2] if len(item) > 2 and item[2] is not None else entry.model_dump_json()
                if digest is None and merged is not None:
                    digest = text_digest(body)
                batch.append((group, body, digest, None, None, fpath, fseq))
            if len(batch) >= 2000:
                self._put_entries(batch)
                batch = []
        if keeping:
            read += merged.count_entries(kept)
            self._merge_kept(merged, kept, fresh)
            skipped.sort(key=lambda s: (s.source, s.line))
            return read, skipped
        self._put_entries(batch)
        self.db.execute("CREATE TABLE grp (grp INTEGER PRIMARY KEY, source TEXT, line INTEGER)")
        self.db.executemany("INSERT INTO grp VALUES (?, ?, ?)", ((i, s, ln) for i, (s, ln) in enumerate(index.first)))
        del index
        if merged is not None and merged.has_merges():
            self._merge_reusing(merged)
            skipped.sort(key=lambda s: (s.source, s.line))
            return read, skipped
        rows = self.db.execute("SELECT e.grp, e.body, e.digest, e.rpath, e.rseq, e.fpath, e.fseq, g.source, g.line"
                               " FROM entry e JOIN grp g ON g.grp = e.grp ORDER BY g.source, g.line, e.grp, e.seq")
        out: list[tuple[str, str, str, str | None, str]] = []
        fresh_rows: list[tuple] = []
        live: list[str] = []
        members: list[tuple[str, int, str]] = []
        if merged is not None:
            self.merged_path = merged.path
            merged.db.execute("DELETE FROM member")

        pending: list[tuple[str, list[tuple]]] = []

        def settle() -> None:
            # the last build's merges of these groups, looked up in one query (without their bodies)
            found = merged.merged_heads([sig for sig, _ in pending]) if merged is not None else {}
            for sig, group in pending:
                head = found.get(sig)
                if head is None:
                    pid, content_hash, digest, body = _merged_paper(((m[0], m[2], m[3]) for m in group), merged)
                    row = (pid, content_hash, digest, sig, body)
                    if merged is not None:
                        _b, _d, _rp, _rs, cpath, cseq, src, line = group[0]
                        fresh_rows.append((sig, pid, content_hash, body, digest, src, line, cpath, cseq))
                else:
                    row = (*head, sig, None)
                if merged is not None:
                    live.append(sig)
                    members.extend((m[4], m[5], sig) for m in group)
                out.append(row)
                if len(out) >= 2000:
                    self._write(out)
            pending.clear()
            # to disk as they come: the merges of a whole corpus, held here, grew with it
            if merged is not None and len(live) >= 2000:
                merged.put_merged(fresh_rows, live)
                merged.put_members(members)
                fresh_rows.clear()
                live.clear()
                members.clear()

        def flush(group: list[tuple]) -> None:
            # a group is known by its entries' digests (_group_signature)
            pending.append((_group_signature(m[1] for m in group) if merged is not None else "", group))
            if len(pending) >= 500:
                settle()

        group: list[tuple] = []
        current = None
        for grp, *member in rows:
            if grp != current and group:
                flush(group)
                group = []
            current = grp
            group.append(member)
        if group:
            flush(group)
        settle()
        self._write(out)
        if merged is not None:
            merged.put_merged(fresh_rows, live)
            merged.put_members(members)
            merged.keep_merged()
        self.db.execute("DROP TABLE entry")
        self.db.execute("DROP TABLE grp")
        self.db.commit()
        skipped.sort(key=lambda s: (s.source, s.line))
        return read, skipped

    def _put_entries(self, batch: list[tuple]) -> None:
        self.db.executemany("INSERT INTO entry (grp, body, digest, rpath, rseq, fpath, fseq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            batch)

    def _merge_kept(self, merged: BuildState, kept: dict[str, int], fresh: list[tuple]) -> None:
        """Spool.ingest's merge step when whole files are kept (corpus_entries with ``keep``): only
        the entries that share an arXiv id or a normalised title, directly or through one another,
        with a new entry or a gone one (BuildState.touched) are grouped again, in reading order;
        every other group of the last build is the same group now (grouping decides an entry from
        the groups holding its keys only) and takes its paper, signature and place in the corpus
        order from the build state inside SQLite. Papers are ordered as the one-pass merge orders
        them: by the group's first (source, line), then by its first entry in reading order."""
        from kg.ingest.dedup import DedupIndex

        db = self.db
        arxiv = {f[2][0] for f in fresh if f[2][0]}
        titles = {f[2][1] for f in fresh}
        old, old_sigs = merged.touched(set(kept), arxiv, titles)
        items = [(kept[path], seq, _dedup_keys_of(dkey), digest, None, path) for path, seq, dkey, digest, _sig in old]
        items += fresh
        items.sort(key=itemgetter(0, 1))
        index = DedupIndex()
        groups: dict[int, list[tuple]] = {}
        for item in items:
            groups.setdefault(index.add_keys(*item[2]), []).append(item)
        # the papers before numbering: (first source, first line, first entry's file place and place, id,
        # content hash, digest, signature, JSON or NULL when it stays in the state's ``merged``)
        db.execute("CREATE TABLE pre (src TEXT, line INTEGER, pos INTEGER, cseq INTEGER, id TEXT, content_hash TEXT,"
                   " digest TEXT, sig TEXT, body TEXT)")
        db.execute("CREATE TABLE fpos (path TEXT PRIMARY KEY, pos INTEGER)")
        db.executemany("INSERT INTO fpos VALUES (?, ?)", kept.items())
        regrouped = [(g, _group_signature(m[3] for m in members), members) for g, members in groups.items()]
        new_sigs = {sig for _g, sig, _m in regrouped}
        db.execute("CREATE TABLE redo (sig TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT OR IGNORE INTO redo VALUES (?)", ((s,) for s in old_sigs | new_sigs))
        self.merged_path = merged.path
        self._attach(merged.path)
        # every group no new or gone entry reaches: the last build's, in one statement
        db.execute("INSERT INTO pre SELECT m.src, m.line, f.pos, m.cseq, m.id, m.content_hash, m.digest, m.sig, NULL"
                   " FROM st.merged m JOIN fpos f ON f.path = m.cpath WHERE m.sig NOT IN (SELECT sig FROM redo)")
        heads: dict[str, tuple] = {}
        sigs = sorted(new_sigs)
        for i in range(0, len(sigs), 500):
            heads.update(merged.merged_heads(sigs[i : i + 500]))
        rows, fresh_rows, members = [], [], []
        for g, sig, group in regrouped:
            src, line = index.first[g]
            pos, cseq, cpath = group[0][0], group[0][1], group[0][5]
            head = heads.get(sig)
            if head is None:
                # (body, path, place): a recorded entry (body None) is read from the state there
                pid, content_hash, digest, body = _merged_paper(((m[4], m[5], m[1]) for m in group), merged)
                fresh_rows.append((sig, pid, content_hash, body, digest, src, line, cpath, cseq))
                rows.append((src, line, pos, cseq, pid, content_hash, digest, sig, body))
            else:
                rows.append((src, line, pos, cseq, *head, sig, None))
            members.extend((m[5], m[1], sig) for m in group)
        db.executemany("INSERT INTO pre VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO paper (seq, id, content_hash, digest, sig, body) SELECT ROW_NUMBER() OVER"
                   " (ORDER BY src, line, pos, cseq) - 1, id, content_hash, digest, sig, body FROM pre")
        self.count = db.execute("SELECT COUNT(*) FROM paper").fetchone()[0]
        for table in ("pre", "fpos", "redo", "entry"):
            db.execute(f"DROP TABLE {table}")  # noqa: S608 - fixed table names
        db.commit()
        merged.drop_merged(old_sigs - new_sigs)
        merged.put_merged(fresh_rows, [])
        merged.put_members(members)

    def _merge_reusing(self, merged: BuildState) -> None:
        """Spool.ingest's merge step when the last build left merges in ``merged``: every group's
        signature comes from its entries' digests alone; the groups the last build merged alike take
        its paper in one join inside SQLite, and only the other groups' entries are read and merged
        (a +1 % build at 100k: 95,919 groups, 1,003 merged again). The one-pass merge below looks the
        groups up 500 at a time and writes every paper's row and signature through Python."""
        db = self.db
        # seq: the group's place in corpus order (its paper's seq), as the one-pass merge numbers them
        db.execute("CREATE TABLE gsig (grp INTEGER PRIMARY KEY, seq INTEGER, sig TEXT)")
        rows = db.execute("SELECT e.grp, e.digest FROM entry e JOIN grp g ON g.grp = e.grp"
                          " ORDER BY g.source, g.line, e.grp, e.seq")
        batch: list[tuple[int, int, str]] = []
        seq = 0
        for grp, members in groupby(rows, key=itemgetter(0)):
            batch.append((grp, seq, _group_signature(m[1] for m in members)))
            seq += 1
            if len(batch) >= 5000:
                db.executemany("INSERT INTO gsig VALUES (?, ?, ?)", batch)
                batch = []
        db.executemany("INSERT INTO gsig VALUES (?, ?, ?)", batch)
        self.count = seq
        self.merged_path = merged.path
        self._attach(merged.path)
        db.execute("INSERT INTO paper (seq, id, content_hash, digest, sig, body) SELECT g.seq, m.id, m.content_hash,"
                   " m.digest, g.sig, NULL FROM gsig g JOIN st.merged m ON m.sig = g.sig")
        db.execute("CREATE TABLE todo (grp INTEGER PRIMARY KEY, seq INTEGER, sig TEXT)")
        db.execute("INSERT INTO todo SELECT g.grp, g.seq, g.sig FROM gsig g WHERE g.seq NOT IN (SELECT seq FROM paper)")
        rows = db.execute("SELECT t.seq, t.sig, e.body, e.rpath, e.rseq, e.fpath, e.fseq, g.source, g.line FROM entry e"
                          " JOIN todo t ON t.grp = e.grp JOIN grp g ON g.grp = e.grp ORDER BY t.seq, e.seq")
        out: list[tuple[int, str, str, str, str, str]] = []
        fresh: list[tuple] = []
        for (seq, sig), group in groupby(rows, key=itemgetter(0, 1)):
            members = list(group)
            pid, content_hash, digest, body = _merged_paper(((b, rp, rs) for _s, _g, b, rp, rs, *_ in members), merged)
            out.append((seq, pid, content_hash, digest, sig, body))
            _s, _g, _b, _rp, _rs, cpath, cseq, src, line = members[0]
            fresh.append((sig, pid, content_hash, body, digest, src, line, cpath, cseq))
            if len(out) >= 2000:
                self._insert(out)
                merged.put_merged(fresh, [])
                out.clear()
                fresh.clear()
        self._insert(out)
        merged.put_merged(fresh, [])
        db.commit()  # the state's connection reads the signatures next
        merged.keep_merged_of(self.path)
        merged.members_of(self.path)
        for table in ("entry", "grp", "gsig", "todo"):
            db.execute(f"DROP TABLE {table}")  # noqa: S608 - fixed table names
        db.commit()

    def _write(self, out: list[tuple[str, str, str, str, str | None]]) -> None:
        self._insert([(self.count + i, *row) for i, row in enumerate(out)])
        self.count += len(out)
        out.clear()

    def _insert(self, rows: list[tuple[int, str, str, str, str, str | None]]) -> None:
        """Papers' rows: (seq, id, content_hash, digest, sig, body)."""
        self.db.executemany("INSERT INTO paper (seq, id, content_hash, digest, sig, body) VALUES (?, ?, ?, ?, ?, ?)", rows)

    def _attach(self, state_path: Path) -> None:
        """Attach the build state file as ``st`` (once)."""
        if not self._attached:
            self.db.commit()  # ATTACH is refused inside a transaction
            self.db.execute("ATTACH DATABASE ? AS st", (str(state_path),))
            self._attached = True

    def _body(self) -> str:
        """The SQL expression of a paper's JSON (table alias ``p``), attaching the state when needed."""
        if self.merged_path is None:
            return "p.body"
        self._attach(self.merged_path)
        return SPOOLED_BODY

    def keys(self) -> Iterator[tuple[str, str]]:
        """(paper id, content hash) of every paper, in corpus order."""
        yield from self.db.execute("SELECT id, content_hash FROM paper ORDER BY seq")

    def rows(self) -> Iterator[tuple[str, str, str, str]]:
        """(paper id, content hash, JSON, digest) of every paper, in corpus order."""
        yield from self.db.execute(f"SELECT p.id, p.content_hash, {self._body()}, p.digest FROM paper p ORDER BY p.seq")  # noqa: S608

    def papers(self) -> Iterator[Paper]:
        """Every paper, in corpus order."""
        for paper, _digest in self.papers_with_digests():
            yield paper

    def papers_with_digests(self) -> Iterator[tuple[Paper, str]]:
        """(paper, digest of the whole merged record) of every paper, in corpus order."""
        for _pid, _content_hash, body, digest in self.rows():
            yield Paper.model_validate_json(body), digest

    def digests(self) -> Iterator[tuple[str, str]]:
        """(paper id, digest of the whole merged record) of every paper."""
        yield from self.db.execute("SELECT id, digest FROM paper ORDER BY seq")

    def papers_of(self, ids: Iterable[str]) -> Iterator[Paper]:
        """The papers among ``ids``, in corpus order."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS pick (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("DELETE FROM pick")
        self.db.executemany("INSERT OR IGNORE INTO pick VALUES (?)", ((i,) for i in ids))
        rows = self.db.execute(f"SELECT {self._body()} FROM paper p WHERE p.id IN (SELECT id FROM pick) ORDER BY p.seq").fetchall()  # noqa: S608
        # the pick's writes opened a transaction, in which that read holds a snapshot of the attached
        # state: left open, it kept every later page of the state's log from being copied back
        self.db.commit()
        for (body,) in rows:
            yield Paper.model_validate_json(body)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def chunked(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _AskedTitles:
    """The titles of the other files, as a header-byline file's reader sees them, recording every
    question it asks: the same answers mean the same entries (so the file need not be read again)."""

    def __init__(self, titles: set[str]):
        self.titles = titles
        self.asked: dict[str, bool] = {}
        self.nonempty: bool | None = None

    def __contains__(self, title: object) -> bool:
        found = title in self.titles
        self.asked[title] = found  # type: ignore[index]
        return found

    def __bool__(self) -> bool:
        self.nonempty = bool(self.titles)
        return self.nonempty

    def record(self) -> str:
        return json.dumps({"nonempty": self.nonempty, "asked": self.asked}, sort_keys=True)

    @staticmethod
    def same_answers(record: str | None, titles: set[str]) -> bool:
        if record is None:
            return False
        was = json.loads(record)
        if was["nonempty"] is not None and was["nonempty"] != bool(titles):
            return False
        return all((t in titles) == found for t, found in was["asked"].items())


def corpus_entries(
    files: list[Path], digests: dict[Path, str], state: BuildState | None, *, strict: bool = False, keep: bool = False
) -> Iterator[tuple]:
    """kg.ingest.reader.iter_corpus over ``files``, with each entry's JSON (and a paper's
    kg.ingest.dedup.dedup_keys and the digest of its JSON: see Spool.ingest), reusing the entries ``state`` recorded for a
    file whose content is unchanged (and recording the others); a reused paper entry is not
    parsed (None in place of the Paper).

    With ``keep``, a reused file is given whole as (path, KEPT) and its skipped records (after a
    first (None, KEPT)), when the
    last build read the reused files in the same order (BuildState.keeps_order): Spool.ingest then
    groups again only what the change reaches. Otherwise each of its entries is given.

    A header-byline file is read with the titles of the other files (they settle ambiguous
    bylines): its entries are reused only when every title question its reading asked has the
    same answer now.
    """
    from kg.ingest.dedup import dedup_keys
    from kg.ingest.reader import file_layout, iter_entries
    from kg.models import normalise_title

    known_at: dict[Path, tuple[str, bool, str | None] | None] = {
        f: state.file(str(f)) if state is not None else None for f in files
    }
    byline = {}
    for f in files:
        rec = known_at[f]
        byline[f] = rec[1] if rec is not None and rec[0] == digests[f] else file_layout(f) == "header-byline"
    order = [f for f in files if not byline[f]] + [f for f in files if byline[f]]

    def unchanged(f: Path) -> bool:
        return known_at[f] is not None and known_at[f][0] == digests[f]

    keeping = (keep and state is not None and len(set(order)) == len(order)  # a file given twice is read twice
               and state.keeps_order([str(f) for f in order if unchanged(f)]))
    if keeping:
        yield None, KEPT
        inputs = {str(f) for f in files}
        for (path,) in state.db.execute("SELECT path FROM file").fetchall():
            if path not in inputs:  # a file no longer read: its entries' groups are grouped again
                state.note_gone(path)
    known: set[str] = set()
    kept_titles: list[str] = []  # kept files whose titles the bylines need (read once, when a byline file comes)
    for path in order:
        rec = known_at[path]
        if keeping and byline[path] and kept_titles:
            known |= state.titles_of(kept_titles)
            kept_titles = []
        if unchanged(path) and (not byline[path] or _AskedTitles.same_answers(rec[2], known)):
            if keeping:
                if not byline[path]:
                    kept_titles.append(str(path))
                yield path, KEPT
                for body in state.skipped_of(str(path)):
                    yield path, SkippedRecord.model_validate_json(body), body
                continue
            for seq, kind, body, title, dkey, digest in state.entries(str(path)):
                if title is not None:
                    known.add(title)
                if kind == "p":  # grouping needs only its keys and digest: the entry is neither read nor parsed
                    yield path, None, None, _dedup_keys_of(dkey), (str(path), seq), digest
                else:
                    yield path, SkippedRecord.model_validate_json(body), body
            continue
        if keeping and rec is not None:
            state.note_gone(str(path))
        recorded: list[tuple[str, str, str | None, str | None, str | None, str | None, str | None]] = []
        asked = _AskedTitles(known) if byline[path] else None
        for entry in iter_entries(path, strict=strict, known_titles=asked if asked is not None else frozenset()):
            body = entry.model_dump_json()
            if isinstance(entry, Paper):
                title = None if byline[path] else normalise_title(entry.title)
                keys = dedup_keys(entry)
                digest = text_digest(body)
                recorded.append(("p", body, title, json.dumps(keys), digest, keys[0], keys[1]))
                if title is not None:
                    known.add(title)
                yield path, entry, body, keys, None, digest  # the spool takes the digest instead of hashing again
            else:
                recorded.append(("s", body, None, None, None, None, None))
                yield path, entry, body
        if state is not None:
            state.put_file(str(path), digests[path], byline[path], asked.record() if asked else None, recorded)
    if state is not None:
        state.keep_files(str(f) for f in files)
        state.put_positions([str(f) for f in order])


# --------------------------------------------------------------------------- the unchanged-build fast path


def file_digests(files: list[Path]) -> dict[Path, str]:
    """The content hash of each input file."""
    out = {}
    for f in files:
        with open(f, "rb") as fh:
            out[f] = hashlib.file_digest(fh, "sha256").hexdigest()
    return out


def build_fingerprint(
    pipe: Pipeline, files: list[Path], digests: dict[Path, str] | None = None, *, settings: str | None = None
) -> str:
    """Everything a build's result depends on: input file contents, settings, curated tables,
    the model and the code. Equal fingerprints (and an untouched store) mean an equal graph."""
    digests = digests if digests is not None else file_digests(files)
    h = hashlib.sha256()
    h.update((settings or settings_fingerprint(pipe)).encode() + b"\0")
    for f in files:
        h.update(f"input:{f}\0{digests[f]}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def settings_fingerprint(pipe: Pipeline) -> str:
    """What a build's result depends on besides its inputs: settings, curated tables, the model
    and the code (equal ones let a build reuse the decisions of the last one, see kg.incremental)."""
    h = hashlib.sha256()

    def add(label: str, value: str | bytes) -> None:
        h.update(label.encode() + b"\0")
        h.update(value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"))
        h.update(b"\0")

    settings = {
        "stages": list(pipe.stages), "strict": pipe.strict, "prune": pipe.prune, "model": pipe.model,
        "seed": pipe.seed, "aliases": pipe.aliases, "orgs": pipe.orgs, "store": pipe.store,
        "env": {k: os.environ.get(k) for k in ("KG_CONCEPT_ALIASES", "KG_ORGS")},
    }
    add("settings", json.dumps(settings, sort_keys=True))
    for extra in (pipe.aliases, pipe.orgs, *settings["env"].values()):
        if extra and Path(extra).is_file():
            add(f"table:{extra}", Path(extra).read_bytes())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and _shapes_the_graph(path.relative_to(root)):
            add(f"code:{path.relative_to(root)}", path.read_bytes())
    from kg.store.cypher import cypher_dir

    cypher = cypher_dir()  # the statements a build runs: KG_CYPHER_DIR's when set
    for path in sorted(cypher.rglob("*.cypher")):
        if path.relative_to(cypher).parts[0] not in _NOT_RUN_BY_A_BUILD:
            add(f"cypher:{path.name}", path.read_bytes())
    if pipe.model:
        model = Path(pipe.model)
        if model.exists():  # a model directory: its files' sizes and times (weights can be large)
            for path in sorted(model.rglob("*")):
                if path.is_file():
                    st = path.stat()
                    add(f"model:{path.relative_to(model)}", f"{st.st_size}:{st.st_mtime_ns}")
        else:
            try:
                from importlib.metadata import version as dist_version

                add("model-package", dist_version(pipe.model))
            except Exception:  # noqa: BLE001 - not an installed distribution: its name alone
                add("model-package", pipe.model)
    return h.hexdigest()[:32]


#: parts of the package that never change what a build writes: benchmarks and their results,
#: reports, the corpus generator, the command line (its options reach the settings above)
_NOT_IN_THE_GRAPH = frozenset({"bench", "report", "synth", "cli"})

#: folders of cypher/ whose statements no build runs: the saved queries (users add their own), the
#: Browser guide, the benchmarks' naive loader. Editing one must not make the next build a full one.
_NOT_RUN_BY_A_BUILD = frozenset({"queries", "browser", "bench"})


def _shapes_the_graph(rel: Path) -> bool:
    """Whether a package file can change a build's result: code and its data (model weights,
    curated tables, Cypher), not caches, bytecode, documents (the model card) or measured scores."""
    if "__pycache__" in rel.parts or rel.suffix in {".pyc", ".md"} or rel.name == "scores.json":
        return False
    return not (len(rel.parts) > 1 and rel.parts[0] in _NOT_IN_THE_GRAPH)


def store_signature(target: str | None) -> str | None:
    """Size and modification time of an embedded store's files; None when it cannot be told
    (a server store, which other clients may change behind our back: no fast path there)."""
    if not target or "://" in target:
        return None
    path = Path(target)
    if not path.exists():
        return None
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    files += [p for p in path.parent.glob(path.name + ".*") if p.is_file()]  # WAL and lock files beside it
    parts = []
    for f in sorted(files):
        st = f.stat()
        parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --------------------------------------------------------------------------- running


def run_pipeline(pipe: Pipeline, *, progress: Progress | None = None) -> BuildSummary:
    """Run the stages of ``pipe`` (see _run_pipeline); returns counts and timings per stage.

    kg's own files under the cache directory (extraction cache, build state, spool), found damaged
    or in the way, are a KGError naming the directory, not an sqlite3 or OS traceback."""
    try:
        return _run_pipeline(pipe, progress=progress)
    except sqlite3.DatabaseError as exc:
        where = pipe.cache_dir or "kg's scratch directory"
        if str(exc) in ("database disk image is malformed", "file is not a database", "unable to open database file"):
            raise ConfigError(f"{where}: a file of kg's cache there (extraction cache, build state) is damaged, in"
                              f" the way or not writable ({exc}): if kg may write there, remove the directory and"
                              " build again; the next build is a full one, extraction included") from exc
        raise KGError(f"{where}: kg's cache there cannot be used: {exc}") from exc
    except (FileExistsError, NotADirectoryError) as exc:
        if pipe.cache_dir is None or not Path(exc.filename or "/").is_relative_to(pipe.cache_dir):
            raise
        raise ConfigError(f"{pipe.cache_dir}: kg's cache directory cannot be made there: {exc.filename} is in the way"
                          " (a file where kg keeps a directory)") from exc


def _run_pipeline(pipe: Pipeline, *, progress: Progress | None = None) -> BuildSummary:
    """Run the stages of ``pipe``; returns counts and timings per stage.

    The corpus streams: ingest writes the deduplicated papers to a scratch spool, extraction reads
    them back and caches its results, resolution reads both twice (corpus-wide decisions, then
    chunks of ``pipe.chunk_papers`` papers) and the store loads each chunk as it comes. A build
    whose fingerprint (inputs, settings, code, store) equals the last successful one does nothing;
    one whose settings and store are those of the last successful build parses only changed input
    files and resolves and loads only the papers whose rows can change (kg.incremental).
    """
    say = progress or (lambda _m: None)
    summary = BuildSummary(pipeline=pipe.source, store=pipe.store or "")
    t_start = time.perf_counter()
    stages = set(pipe.stages)
    scratch = None
    cache_dir = pipe.cache_dir
    if cache_dir is None:
        scratch = tempfile.TemporaryDirectory(prefix="kg-build-")
        cache_dir = Path(scratch.name)
    cache = ExtractionCache(cache_dir)
    spool = store = state = shadow = None
    incremental = False

    def timed(stage: str, count_fn, fn):
        say(f"{stage}: started")
        t0 = time.perf_counter()
        out = fn()
        seconds = round(time.perf_counter() - t0, 3)
        summary.stages.append(StageTiming(stage=stage, seconds=seconds, count=count_fn(out)))
        say(f"{stage}: done in {seconds:.2f}s")
        return out

    try:
        if {"load", "analytics"} & stages and pipe.store:
            from kg.store.shadow import locked

            # one build writes a store at a time, and what a dead one left is settled before
            # the store is read (kg.store.shadow)
            shadow = locked(pipe.store)
        fingerprint = settings = None
        files: list[Path] = []
        digests: dict[Path, str] = {}
        if "load" in stages and "ingest" in stages and pipe.cache_dir is not None:
            from kg.ingest.reader import expand_paths

            files = expand_paths(pipe.inputs)
            digests = file_digests(files)
            settings = settings_fingerprint(pipe)
            fingerprint = build_fingerprint(pipe, files, digests, settings=settings)
            signature = store_signature(pipe.store)
            last = cache.last_build(pipe.store)
            if signature is not None and last is not None and last[0] == f"{fingerprint}|{signature}":
                done = last[1]
                summary.papers = summary.papers_unchanged = done.papers
                summary.skipped_records = done.skipped_records
                summary.up_to_date = True
                summary.seconds = round(time.perf_counter() - t_start, 3)
                say(f"build: up to date ({done.papers} papers; inputs, settings, code and store unchanged"
                    " since the last build): nothing to do")
                return summary
            # from here on the store may change: forget the last build until this one completes
            cache.set_last_build(pipe.store, None)
            if pipe.store and "://" not in pipe.store:  # a server store may change behind our back
                state = BuildState(cache_dir, pipe.store)
                incremental = signature is not None and state.token() == f"{settings}|{signature}"
                state.invalidate()
                if not incremental:
                    state.reset()
                why = ("the store does not exist yet" if signature is None else
                       f"the last build's decisions {'are' if incremental else 'are not'} reusable")
                say(f"build: {'incremental' if incremental else 'full'} ({why}"
                    f"{'; its build state was of an older layout' if state.upgraded else ''})")

        if "ingest" in stages:
            from kg.ingest.reader import iter_corpus

            spool = Spool(cache_dir)

            def ingest() -> int:
                if state is not None:
                    entries = corpus_entries(files, digests, state, strict=pipe.strict, keep=incremental)
                else:
                    entries = iter_corpus(pipe.inputs, strict=pipe.strict)
                read, skipped = spool.ingest(entries, merged=state)
                summary.skipped_records = len(skipped)
                for s in skipped[:20]:
                    say(f"ingest: skipped {s.source}:{s.line}: {s.reason}")
                if state is not None:
                    state.commit()
                return spool.count

            summary.papers = timed("ingest", lambda n: n, ingest)
        if {"load", "analytics"} & stages:
            from kg.store import open_store

            # an embedded store: the build writes a copy, which replaces it once complete
            store = open_store(pipe.store) if shadow is None else open_store(str(shadow.open()), shown_as=pipe.store)
            store.apply_schema()
            if spool is not None:
                if incremental:  # the last build's papers are those the store holds
                    summary.papers_unchanged = state.content_hashes_equal(spool.path)
                else:
                    stored = store.paper_hashes()
                    summary.papers_unchanged = sum(1 for pid, ch in spool.keys() if stored.get(pid, (None, None))[1] == ch)
                    del stored
        version = None
        if "extract" in stages:
            version = timed("extract", lambda _v: summary.extracted + summary.extraction_cached,
                            lambda: _extract(pipe, spool, cache, summary, say))
        if "resolve" in stages:
            with young_collections_only():
                _resolve_and_load(pipe, spool, cache, version, store, summary, say, state, incremental)
        if "analytics" in stages:
            load = summary.load
            wrote_nothing = (
                load is not None
                and load.nodes_written == load.rels_written == load.orphans_removed == load.papers_removed == 0
            )
            # an incremental build starts from the graph the last (complete) build left, analytics included
            unchanged = wrote_nothing and (
                incremental or cache.analytics_hash(pipe.store) == f"{load.graph_hash}|seed={pipe.seed}"
            )
            if unchanged:
                say("analytics: skipped, the graph and seed are the ones it last ran on")
            else:
                run_analytics = _stage_function("analytics", "kg.analytics", "run_analytics", "kg.analytics.run")
                timed("analytics", lambda _s: 1, lambda: run_analytics(store, seed=pipe.seed))
                summary.analytics_ran = True
                if load is not None:
                    # an incremental load's graph_hash covers the papers it was given, not the graph
                    graph = f"incremental:{load.graph_hash}" if incremental else load.graph_hash
                    cache.set_analytics_hash(pipe.store, f"{graph}|seed={pipe.seed}")
        if store is not None:
            store.close()
            store = None
        if shadow is not None:
            shadow.commit()
        summary.seconds = round(time.perf_counter() - t_start, 3)
        if fingerprint is not None:
            signature = store_signature(pipe.store)
            if signature is not None:
                cache.set_last_build(pipe.store, f"{fingerprint}|{signature}", summary)
                if state is not None:
                    state.seal(f"{settings}|{signature}")
    finally:
        if store is not None:
            store.close()
        if shadow is not None:
            shadow.close()
        if spool is not None:
            spool.close()
        if state is not None:
            state.close()
        cache.close()
        if scratch is not None:
            scratch.cleanup()
    return summary


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Keep the cyclic garbage collector to its young generations for a block.

    A full build's resolution and load keep corpus-wide decisions and loader state alive while
    they make millions of short-lived records: every full collection those allocations trigger
    walks all that is alive, so their number and their cost both grow with the corpus (at 30k
    papers 39 full collections were 11.9 of 45 seconds). An update holds the corpus-wide
    decisions too, read back from its build state, and its fewer records still trigger some (10k
    +1 %: one of 0.40 s, under a load average of 4). Young collections still free the cycles
    that die young; the forked staging processes inherit the setting.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, 2**31 - 1)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def _extraction_version(pipe: Pipeline, nlp) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    from kg.extract.pipeline import code_fingerprint

    # the model, which model, and the rule code: a change to any of them re-extracts
    return f"{meta.get('name', 'pipeline')}-{meta.get('version', '0')}|{pipe.model or 'default'}|{code_fingerprint()}"


def _extract(pipe: Pipeline, spool: Spool, cache: ExtractionCache, summary: BuildSummary, say: Progress) -> str:
    """Extract every paper not in the cache and cache it; nothing is kept in memory. Returns the
    extraction version (the cache key the later stages read with)."""
    extract_papers = _stage_function("extract", "kg.extract", "extract_papers", "kg.extract.pipeline")
    load_model = _stage_function("extract", "kg.extract", "load_pipeline", "kg.extract.pipeline")
    # the model is long-lived objects made at once: a full collection their making triggers walks all
    # that is alive (10k +1 %: one of 0.36 s under a load average of 4; 100k +1 %: one of 0.08 s)
    with young_collections_only():
        nlp = load_model(pipe.model)
    version = _extraction_version(pipe, nlp)
    missing = cache.missing_in(spool.path, version)
    todo = len(missing)
    summary.extraction_cached = spool.count - todo
    n_process = extraction_processes(todo, pipe.n_process)
    say(f"extract: {todo} to extract, {summary.extraction_cached} cached"
        + (f", in {n_process} processes" if n_process > 1 else ""))
    if not todo:
        return version
    # an update parses only its missing papers; a first build streams them all
    stream = spool.papers() if todo == spool.count else spool.papers_of(missing)
    del missing
    done = 0
    for batch in chunked(extract_papers(stream, nlp=nlp, n_process=n_process, batch_size=pipe.batch_size), 500):
        cache.put(batch, version)
        done += len(batch)
        say(f"extract: {done}/{todo}")
    summary.extracted = done
    return version


def _resolve_and_load(pipe, spool, cache, version, store, summary: BuildSummary, say: Progress,
                      state: BuildState | None = None, incremental: bool = False) -> None:
    """Resolution in two passes over the spool, the second one feeding the loader chunk by chunk.

    With a ``state`` the second pass records each paper's references; when ``incremental`` it
    covers only the papers whose rows can change (see kg.incremental) and the rest is kept."""
    from kg.incremental import paper_refs
    from kg.models import ResolvedGraph
    from kg.resolve.graph import ExtractionUses, resolve_corpus, resolve_counted, resolved_chunk

    def cached(papers: Iterable[Paper], record=PaperExtraction) -> Iterator:
        # the first pass asks for ExtractionUses: it parses only names and kinds, half the cost per paper
        if version is None:
            return
        for p in papers:
            body = cache.body(p.id, p.content_hash, version)
            if body is not None:
                yield record.model_validate_json(body)

    kwargs = {k: v for k, v in (("aliases", pipe.aliases), ("org_table", pipe.orgs)) if v}
    say("resolve: started")
    t0 = time.perf_counter()
    # either way the pass's scratch file goes beside the run's spool, not to a possibly small /tmp
    if state is not None:
        # unchanged papers give what they gave last time, parsed neither from papers nor
        # extractions, and concepts are decided from counts kept up to date paper by paper
        from kg.resolve.aliases import load_aliases
        from kg.resolve.authors import AuthorCounts
        from kg.resolve.concepts import ConceptCounts

        counts = ConceptCounts(state.db, str(state.path), aliases=load_aliases(pipe.aliases))
        people = AuthorCounts(state.db)
        delta = _Delta()
        resolution = resolve_counted(_contributions(spool, state, cache, version, counts, incremental, people, delta),
                                     counts, lambda ids: _counted_papers(state, ids), org_table=pipe.orgs,
                                     spool_dir=spool.path.parent, people=people,
                                     apart=(lambda work: _apart(state, counts, work)) if _forking() else None)
    else:
        resolution = resolve_corpus(spool.papers(), cached(spool.papers(), ExtractionUses), spool_dir=spool.path.parent,
                                    **kwargs)
    first_pass = time.perf_counter() - t0
    say(f"resolve: corpus-wide pass done in {first_pass:.2f}s")
    plan = _Plan()
    if state is not None:
        t = time.perf_counter()
        touched = None
        keys = counts.scope_keys() if incremental else None
        if people.touched is not None and keys is not None:
            touched = (people.touched, keys)
        plan = _plan(spool, state, resolution, incremental, touched, delta)
        first_pass += time.perf_counter() - t
        if incremental:
            say(f"resolve: {len(plan.todo)} papers to resolve again ({plan.changed} new or changed, "
                f"{len(plan.todo) - plan.changed} whose decisions changed), {len(plan.nodes)} shared nodes changed, "
                f"{len(plan.removed)} papers gone")
    building = [first_pass]

    def resolve(papers: list[Paper], record: bool, digests: dict[str, str] | None = None) -> ResolvedGraph:
        # digests: the papers' record digests (None: plan.digests, which an update keeps for every paper)
        t = time.perf_counter()
        digests = plan.digests if digests is None else digests
        refs: dict[str, list[str]] = {}
        keep = record and state is not None

        def passing(extractions: Iterator[PaperExtraction], by_id: dict[str, Paper]) -> Iterator[PaperExtraction]:
            # each extraction is parsed, used and let go in turn: a chunk's 2,000 records parsed at
            # once were the largest short-lived allocation of the second pass, and Python's arenas
            # they filled stayed mapped through the last commit, held by the records kept beside them
            for e in extractions:
                if keep:
                    refs[e.paper_id] = paper_refs(by_id[e.paper_id], e)
                yield e

        chunk = resolved_chunk(papers, passing(cached(papers), {p.id: p for p in papers}), resolution)
        if keep:
            if incremental:  # a full build starts from empty tables
                state.drop_papers(p.id for p in papers)
            state.put_papers([(p.id, digests[p.id], p.content_hash, refs[p.id] if p.id in refs else paper_refs(p, None))
                              for p in papers])
        if incremental:  # a full build passes every paper and carries every node: nothing to track
            plan.passed.update(p.id for p in papers)
            # a chunk carries exactly the shared nodes its edges refer to (resolved_chunk picks them)
            plan.carried.update(n.id for nodes in (chunk.authors, chunk.affiliations, chunk.concepts) for n in nodes)
        building[0] += time.perf_counter() - t
        return chunk

    def read(source: Iterable) -> Iterator[list]:
        # the papers read back from the spool are the resolution's input: their parsing is timed
        # with it (it was counted as load, 1.7-1.9 s of a 100k build's 13.5-15.4 s load stage)
        it = iter(source)
        while True:
            t = time.perf_counter()
            papers = list(islice(it, pipe.chunk_papers))
            building[0] += time.perf_counter() - t
            if not papers:
                return
            yield papers

    def chunks() -> Iterator[ResolvedGraph]:
        nonlocal resolution
        if not incremental:
            # each chunk's record digests come with its papers: none are held for the whole corpus
            # (at 1M papers a dict and a set of 891k ids, through the whole second pass)
            for pairs in read(spool.papers_with_digests()):
                yield resolve([p for p, _ in pairs], True, {p.id: d for p, d in pairs})
            # every paper is resolved: the corpus-wide decisions are not held through the last
            # commit, the build's peak (at 100k papers, the decisions over ~100k names); full
            # collections were off (young_collections_only):
            # free the cycles that lived long enough to reach the oldest generation too. Timed with
            # the resolve stage, whose objects these are (at 10k papers 0.18-0.32 s, at 100k
            # 0.65-0.84 s, counted as load before). What is left at the last commit is mostly
            # Python's allocator: in instrumented 30k builds, 318 of its 1 MB arenas are still
            # mapped there with 68.5 MB of objects alive in them (452 and 106 MB at 100k): the
            # load took them from 111 to 423 at most, and the objects left keep them. Tried and not
            # kept: clearing the name functions' lru memos here and pydantic's string cache on
            # keys only (Record): 309 -> 282 arenas and 14 MB fewer objects, but whole builds
            # alternated with the old code (load average 1.15-1.61) peaked at 732.3 against
            # 709.7 MB at 30k, 1,299.3 / 1,264.4 against 1,290.9 / 1,275.0 MB at 100k
            t = time.perf_counter()
            resolution = pairs = None
            gc.collect()
            building[0] += time.perf_counter() - t
            return
        for papers in read(spool.papers_of(plan.todo)):
            yield resolve(papers, True)
        # shared nodes whose values changed but that no paper above refers to: pass a paper that
        # does (its rows are unchanged, the loader skips them; the node is written)
        for carriers in (plan.one_carrier_each, plan.every_carrier):
            left = plan.nodes - plan.carried
            if not left:
                break
            ids = (carriers(state, left) & plan.digests.keys()) - plan.passed
            for papers in read(spool.papers_of(ids)):
                yield resolve(papers, False)

    if "load" not in pipe.stages:
        count = sum(len(c.papers) for c in chunks())
        summary.stages.append(StageTiming(stage="resolve", seconds=round(building[0], 3), count=count))
        say(f"resolve: done in {building[0]:.2f}s")
        return
    say("load: started")
    t1 = time.perf_counter()
    keep = plan.digests.keys() - plan.todo if incremental else None
    stats = store.load_chunks(chunks(), prune=pipe.prune, keep=keep, progress=say,
                              papers=None if incremental else spool.count)
    total = time.perf_counter() - t1
    if incremental:
        stats.papers_unchanged += len(plan.digests.keys() - plan.passed)
    if state is not None:
        t = time.perf_counter()
        state.commit()
        building[0] += time.perf_counter() - t
    resolve_seconds = round(building[0], 3)
    summary.stages.append(StageTiming(stage="resolve", seconds=resolve_seconds,
                                      count=len(plan.passed) if incremental else spool.count))
    summary.stages.append(StageTiming(stage="load", seconds=round(total - (building[0] - first_pass), 3),
                                      count=stats.nodes_written + stats.rels_written))
    say(f"resolve: done in {resolve_seconds:.2f}s")
    say(f"load: done in {total - (building[0] - first_pass):.2f}s")
    summary.load = stats


def _contributions(spool: Spool, state: BuildState, cache: ExtractionCache, version: str | None,
                   counts, incremental: bool, people, delta: _Delta) -> Iterator[tuple]:
    """Every paper's contribution to the corpus-wide pass, in corpus order: the stored one when its
    record is unchanged, else made from the paper and its cached extraction (and stored). ``counts``
    (kg.resolve.concepts.ConceptCounts) takes out what changed and removed papers gave and adds
    what new and changed ones give (``people``, kg.resolve.authors.AuthorCounts, their bylines);
    the removed ones go when the stream ends. ``delta`` receives the new and changed papers and
    the removed ones."""
    made = None
    if not incremental and _forking():
        # every paper is new: a forked process parses them while this one counts
        made = _forked(lambda: _made_contributions(spool.path, state.path, cache.directory, version))
    try:
        yield from _counted_contributions(spool, state, cache, version, counts, incremental, people, made, delta)
    finally:
        if made is not None:
            made.close()


def _counted_contributions(spool, state, cache, version, counts, incremental, people, made, delta: _Delta
                           ) -> Iterator[tuple]:
    """_contributions' loop; ``made``: the marshalled contributions of the new and changed papers,
    in corpus order, when another process makes them (None: made here)."""
    fresh: list[tuple[str, str, bytes]] = []
    stored_before = state.count_contributions()
    met: set[str] = set()  # the stored papers this spool holds (a set: a JSON Lines id may come twice)
    for pid, digest, body, stored in state.contributions(spool.path):
        if stored is not None:
            met.add(pid)
            yield marshal.loads(stored)
            continue
        if incremental:  # a full build resolves every paper: no set of them is needed
            delta.changed.add(pid)
        if made is None:
            contribution = _contribution(body, cache.body, version)
            item = marshal.dumps(contribution)
        else:
            item = next(made, None)
            contribution = marshal.loads(item) if item is not None else None
            if contribution is None or contribution[0] != pid:
                raise KGError(f"resolve: the contribution made for {pid} was {contribution and contribution[0]}")
        old = state.contribution(pid) if incremental else None
        if old is not None:  # a changed paper: what it gave before goes
            met.add(pid)
            _take_out(counts, pid, old, people)
        if contribution[3] is not None:
            counts.add(pid, contribution[3], contribution[4])
        people.add(pid, contribution[1])
        fresh.append((pid, digest, item))
        if len(fresh) >= 2000:
            state.put_contributions(fresh)
            counts.flush()
            people.flush()
            fresh = []
        yield contribution
    state.put_contributions(fresh)
    # every stored paper was met (kept or replaced): none is gone, and the query over them all is spared
    gone = state.stale_contributions(spool.path) if len(met) < stored_before else []
    delta.removed.update(pid for pid, _ in gone)
    for pid, old in gone:
        _take_out(counts, pid, old, people)
    state.drop_contributions(pid for pid, _ in gone)
    counts.flush()
    people.flush()


def _contribution(body: str, extraction_body: Callable[[str, str, str], str | None], version: str | None) -> tuple:
    """A paper's contribution (kg.resolve.graph.paper_contribution) from its JSON and its cached extraction."""
    from kg.resolve.graph import ExtractionUses, paper_contribution

    paper = Paper.model_validate_json(body)
    ex_body = extraction_body(paper.id, paper.content_hash, version) if version is not None else None
    return paper_contribution(paper, ExtractionUses.model_validate_json(ex_body) if ex_body else None)


def _made_contributions(spool_path: Path, state_path: Path, cache_dir: Path, version: str | None) -> Iterator[bytes]:
    """The marshalled contributions of a build's new and changed papers, in corpus order, read
    through connections of their own (this runs in a forked process, see _forked)."""
    from kg.incremental import spooled_contributions

    cache = ExtractionCache(cache_dir)
    try:
        for _pid, _digest, body, stored in spooled_contributions(spool_path, state_path):
            if stored is None:
                yield marshal.dumps(_contribution(body, cache.body, version))
    finally:
        cache.close()


def _forked(produce: Callable[[], Iterable[bytes]], batch: int = 256) -> Iterator[bytes]:
    """The items of ``produce()``, made in a forked process and read here through a pipe as they come.

    The child shares this process's memory copy-on-write and opens its own connections (none may
    cross a fork); the pipe's buffer holds it back when this side is slower. It never returns
    into the caller's frames. A child that fails prints its traceback and this side raises.
    """
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        status = 1
        try:
            os.close(read)
            out = open(write, "wb")
            try:
                items: list[bytes] = []
                for item in produce():
                    items.append(item)
                    if len(items) >= batch:
                        marshal.dump(items, out)
                        items = []
                marshal.dump(items, out)
                marshal.dump(None, out)  # the end: a child that failed sends none
                out.close()
                status = 0
            except BaseException:  # noqa: BLE001 - reported before the pipe closes; the parent raises
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
                out.close()  # what was made before goes through; the parent then finds no end
        finally:
            os._exit(status)
    os.close(write)
    ended = done = False
    try:
        with open(read, "rb") as src:
            while True:
                try:
                    items = marshal.load(src)
                except EOFError:
                    ended = True
                    break
                if items is None:
                    ended = done = True
                    break
                yield from items
    finally:
        if not ended:  # left early here: the child has nothing more to give
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(child, 0)
    if not done:
        raise KGError(f"resolve: the process making the papers' contributions ended early (status {status})")


def _forking() -> bool:
    """Whether the corpus-wide pass may fork (``KG_RESOLVE_FORK=0``: it is made in the build process)."""
    return hasattr(os, "fork") and os.environ.get("KG_RESOLVE_FORK", "1") != "0"


def _apart(state: BuildState, counts, work: Callable[[], object]) -> None:
    """Run ``work`` in a forked process that ends, and wait for it: a whole-corpus concept pass
    (kg.resolve.concepts.ConceptCounts.resolve), whose working memory then leaves with it.

    The child reaches the build state through a connection of its own (none may cross a fork),
    put in place of ``state``'s and ``counts``' there; this side has committed and waits, so the
    two never write at once. A child that fails prints its traceback and this side raises."""
    child = os.fork()
    if child == 0:
        status = 1
        try:
            state.db = counts.db = sqlite3.connect(state.path)
            state.db.execute("PRAGMA synchronous=NORMAL")
            state.db.execute("PRAGMA secure_delete=OFF")  # as BuildState's own connection
            work()
            state.db.commit()
            state.db.close()
            status = 0
        except BaseException:  # noqa: BLE001 - reported here; the parent raises
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    if status != 0:
        raise KGError(f"resolve: the process deciding the concepts ended early (status {status})")


def _concept_part(stored: bytes) -> tuple:
    """(uses, acronyms) of a stored contribution (kg.resolve.graph.paper_contribution; uses None
    for a paper without an extraction)."""
    return marshal.loads(stored)[3:5]


def _take_out(counts, pid: str, stored: bytes, people) -> None:
    """Subtract from ``counts`` and ``people`` what a paper's stored contribution added to them."""
    _pid, authors, _orgs, uses, acronyms = marshal.loads(stored)
    people.add(pid, authors, -1)
    if uses is not None:
        counts.add(pid, uses, acronyms, -1)


def _counted_papers(state: BuildState, ids: list[str]) -> Iterator[tuple]:
    """(paper id, uses, acronyms) of stored contributions, in the order of ``ids``."""
    for part in chunked(ids, 500):  # one query per 500 papers: tens of thousands may be asked for
        found = state.contributions_of(part)
        for pid in part:
            yield pid, *_concept_part(found[pid])


@dataclass
class _Delta:
    """What the contributions' stream found (see _contributions): the ids of the new and changed
    papers (no contribution stored for their record digest) and of the stored papers gone. The
    build state stores a contribution and a paper row under the same record digest for every
    paper of the last build, so these are the papers whose record the last build did not have."""

    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


@dataclass
class _Plan:
    """Which papers the second pass covers (see kg.incremental)."""

    #: ids of the papers to resolve and load again
    todo: set[str] = field(default_factory=set)
    #: how many of ``todo`` are new or changed records
    changed: int = 0
    removed: set[str] = field(default_factory=set)
    #: shared nodes whose values changed: each must reach the loader in some chunk
    nodes: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)
    carried: set[str] = field(default_factory=set)
    #: record digest of every paper of this build, by id (set by _plan for an update): its keys are
    #: this build's papers
    digests: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def one_carrier_each(state: BuildState, nodes: set[str]) -> set[str]:
        found = state.one_user_each(state.refs_of_nodes(nodes))
        return found | state.override_users(nodes)  # nodes only a per-paper decision points at: rare

    @staticmethod
    def every_carrier(state: BuildState, nodes: set[str]) -> set[str]:
        return state.users(state.refs_of_nodes(nodes)) | state.override_users(nodes)


def _plan(spool: Spool, state: BuildState, resolution, incremental: bool,
          touched: tuple[set[str], set[str]] | None, delta: _Delta) -> _Plan:
    """Diff this build's papers and corpus-wide decisions with the last build's (and store the
    new ones); ``touched``: see BuildState.diff_decisions; ``delta``: the new, changed and removed
    papers as the contributions' stream found them."""
    refs, override_papers, nodes, renamed = state.diff_decisions(resolution, touched)
    plan = _Plan()
    if not incremental:  # every paper: the second pass streams the spool with the papers' digests
        plan.changed = spool.count
        return plan
    plan.digests = dict(spool.digests())
    changed, plan.removed = delta.changed, delta.removed
    plan.changed = len(changed)
    todo = changed | state.users(refs) | override_papers
    # a Result row carries the names of its concepts: every paper citing a renamed one is rewritten
    todo |= _Plan.every_carrier(state, renamed)
    plan.todo = todo & plan.digests.keys()
    plan.nodes = nodes
    state.drop_papers(plan.removed)
    return plan


def summary_json(summary: BuildSummary) -> str:
    return json.dumps(summary.model_dump(), indent=2)


__all__ = ["Pipeline", "load_pipeline_file", "adhoc_pipeline", "run_pipeline", "STAGES", "KGError"]
