"""The analytics stage at scale: ``run_analytics`` on a store holding a large synthetic graph.

Running the whole build to get a 100k-paper graph would measure extraction, not analytics, so the
graph is written straight into a fresh embedded store from the synthetic corpus' own facts (bylines,
dates, proposed concepts, stated derivations, benchmarks and metrics) with ``COPY FROM`` CSV files.
The store is then analysed exactly as a build does, and each step's read / compute / write seconds
(``AnalyticsSummary.seconds``) are recorded.

    python -m kg.bench.analytics 100000 [seed] [work dir]    # prints one JSON record
"""

from __future__ import annotations

import csv
import gc
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.synth.generate import SynthConfig, make_paper

COPY_ROWS = 50_000


def graph_tables(papers: int, seed: int) -> dict[str, list[dict]]:
    """Node and relationship rows (by table name) of the synthetic corpus' first ``papers`` papers."""
    config = SynthConfig(n=papers, seed=seed)
    tables: dict[str, list[dict]] = defaultdict(list)
    authors: dict[str, None] = {}
    concepts: dict[str, str] = {}
    for i in range(papers):
        s = make_paper(config, i)
        pid = f"p{i}"
        d = s.paper.date
        date = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d and d.year and d.month and d.day else None
        tables["Paper"].append({"id": pid, "title": s.paper.title or pid, "date": date,
                                "year": d.year if d else None, "month": d.month if d else None})
        for position, name in enumerate(s.paper.authors):
            authors.setdefault(name)
            tables["AUTHORED"].append({"src": name, "dst": pid, "position": position})
        named: dict[str, str] = {}
        for name in s.proposes:
            named[name] = "METHOD"
        for new, base in s.derived_from:
            named.setdefault(new, "METHOD")
            named.setdefault(base, "METHOD")
            tables["DERIVED_FROM"].append({"src": new.lower(), "dst": base.lower(), "paper_id": pid,
                                           "sentence": f"{new} extends {base}.", "relation": "extends"})
        for bench, metric, _ in s.results:
            named.setdefault(bench, "BENCHMARK")
            named.setdefault(metric, "METRIC")
        for name, kind in named.items():
            concepts.setdefault(name.lower(), name)
            tables["MENTIONS"].append({"src": pid, "dst": name.lower(), "paper_id": pid, "surface": name, "count": 1})
            if name in s.proposes:
                tables["PROPOSES"].append({"src": pid, "dst": name.lower(), "paper_id": pid, "surface": name})
            tables.setdefault("_kinds", []).append({"id": name.lower(), "kind": kind})
    kinds = {r["id"]: r["kind"] for r in tables.pop("_kinds", [])}
    tables["Author"] = [{"id": a, "name": a, "is_group": False} for a in authors]
    tables["Concept"] = [{"id": cid, "name": name, "kind": kinds.get(cid, "METHOD")} for cid, name in concepts.items()]
    return tables


def write_store(target: Path, tables: dict[str, list[dict]]) -> dict[str, int]:
    """A fresh embedded store holding ``tables`` (schema applied, rows copied from CSV files)."""
    from kg.store import open_store
    from kg.store import rows as R

    remove_store(target)
    tmp = target.with_name(target.name + "-csv")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    counts = {}
    with open_store(str(target)) as store:
        store.apply_schema()
        for name in ("Paper", "Author", "Concept", "AUTHORED", "MENTIONS", "PROPOSES", "DERIVED_FROM"):
            rows = tables.get(name, [])
            columns = R.columns(name)
            # bounded CSV files: the rows of one table are written and copied COPY_ROWS at a time
            for k in range(0, len(rows), COPY_ROWS):
                path = tmp / f"{name}-{k}.csv"
                with path.open("w", newline="", encoding="utf-8") as f:
                    w = csv.writer(f)
                    w.writerow(columns)
                    w.writerows([_cell(r.get(c)) for c in columns] for r in rows[k : k + COPY_ROWS])
                store.execute(f"COPY {name} FROM '{path.as_posix()}' (HEADER=true, PARALLEL=false)")
            counts[name] = len(rows)
    shutil.rmtree(tmp, ignore_errors=True)
    return counts


def remove_store(target: Path) -> None:
    """Delete an embedded store: LadybugDB keeps a file (not a directory) and a .wal beside it."""
    for path in target.parent.glob(target.name + "*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _reset_peak_rss() -> float | None:
    """Reset this process's peak RSS to its current RSS (Linux), so the next peak is the analytics' own;
    returns the current RSS in MB (None where /proc is missing)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_mb("VmRSS")


def _peak_rss_mb() -> float | None:
    return _status_mb("VmHWM")


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def bench_analytics_store(papers: int, *, seed: int = 1, work: Path = Path(".kg/bench")) -> dict[str, Any]:
    """``run_analytics`` on a fresh store holding ``papers`` synthetic papers; seconds per step."""
    from kg.analytics.run import run_analytics
    from kg.store import open_store

    start = time.perf_counter()
    tables = graph_tables(papers, seed)
    made = time.perf_counter() - start
    target = work / f"analytics-{papers}-s{seed}.lbdb"
    start = time.perf_counter()
    counts = write_store(target, tables)
    written = time.perf_counter() - start
    del tables
    gc.collect()
    with open_store(str(target)) as store:
        before = _reset_peak_rss()
        start = time.perf_counter()
        summary = run_analytics(store, seed=42)
        seconds = time.perf_counter() - start
        peak = _peak_rss_mb()
        # the same graph again: every step reads and computes, then finds nothing to write
        start = time.perf_counter()
        again = run_analytics(store, seed=42)
        seconds_again = time.perf_counter() - start
    remove_store(target)
    return {
        "papers": papers,
        "rows": counts,
        "setup_seconds": {"generate": round(made, 1), "copy_into_store": round(written, 1)},
        "seconds": round(seconds, 2),
        "steps": summary.seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "rerun_unchanged_seconds": round(seconds_again, 2),
        "rerun_unchanged_steps": again.seconds,
        "authors": summary.authors,
        "coauthor_edges": summary.coauthor_edges,
        "communities": summary.communities,
        "modularity": summary.modularity,
        "concepts": summary.concepts,
        "lineage_edges": summary.lineage_edges,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    work = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(".kg/bench")
    work.mkdir(parents=True, exist_ok=True)
    print(json.dumps(bench_analytics_store(n, seed=seed, work=work)))
