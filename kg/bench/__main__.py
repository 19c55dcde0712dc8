"""`python -m kg.bench`: the benchmarks behind the README's Benchmarks table.

Each corpus size runs in its own process, so its peak memory is its own. Results are merged
into kg/bench/results.json (a run of one size keeps the others' figures).

    python -m kg.bench                       # 10k and 100k papers, communities on 1M edges
    python -m kg.bench --papers 10000        # one size
    python -m kg.bench --papers 1000000 --skip-communities   # the 1M run (about an hour)
    python -m kg.bench --papers "" --analytics-papers 0      # only communities on 1M edges
    KG_BENCH_NEO4J=bolt://localhost:7687 python -m kg.bench  # also load into Neo4j
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")

TARGETS = {
    "end_to_end_papers_per_s_at_100k": 280,
    "peak_memory_mb_at_100k": 2048,
    "embedded_load_rows_per_s": 100_000,
    "communities_1m_edges_seconds": 60,
}


def machine() -> dict:
    """What the figures ran on (the machine is shared: other jobs may have been running)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(li for li in Path("/proc/meminfo").read_text().splitlines() if li.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    try:
        from importlib.metadata import version

        ladybug = version("ladybug")
    except Exception:  # noqa: BLE001 - informational only
        ladybug = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "ladybug": ladybug,
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "note": "2-core machine shared with other engineers' jobs while measuring",
    }


def run_size(n: int, args) -> dict:
    """Benchmark one size in a child process (its own peak memory)."""
    cmd = [sys.executable, "-m", "kg.bench.stages", str(n), str(args.seed), args.work, str(args.n_process), str(args.naive_sample)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"papers": n, "status": "failed", "stderr_tail": proc.stderr[-3000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--edges", type=int, default=1_000_000, help="co-authorship edges of the community benchmark")
    parser.add_argument("--reference-edges", type=int, default=200_000,
                        help="edges given to the naive (networkx Louvain) community reference")
    parser.add_argument("--skip-communities", action="store_true")
    parser.add_argument("--analytics-papers", type=int, default=100_000,
                        help="papers of the synthetic store run_analytics is timed on (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-sample", type=int, default=1000, help="papers given to the naive references")
    parser.add_argument("--work", default=".kg/bench", help="scratch directory (corpora, stores)")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--table", action="store_true", help="only print the README table of the saved results")
    args = parser.parse_args(argv)

    out = Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    if args.table:
        from kg.bench.table import markdown_table

        print(markdown_table(results))
        return 0
    results["machine"] = machine()
    results["targets"] = TARGETS
    results.setdefault("sizes", {})
    for n in (int(x) for x in args.papers.split(",") if x.strip()):
        print(f"bench: {n} papers ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        record = run_size(n, args)
        record["measured_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        results["sizes"][str(n)] = record
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"bench: {n} papers done in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    if not args.skip_communities:
        from kg.bench.communities import bench_communities

        print(f"bench: communities on {args.edges} edges ...", file=sys.stderr, flush=True)
        results["communities"] = bench_communities(args.edges, reference_edges=args.reference_edges, store_dir=Path(args.work))
        results["communities"]["measured_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        out.write_text(json.dumps(results, indent=2) + "\n")
    if args.analytics_papers:
        print(f"bench: analytics on a {args.analytics_papers}-paper store ...", file=sys.stderr, flush=True)
        results["analytics_at_scale"] = run_analytics_size(args.analytics_papers, args)
        results["analytics_at_scale"]["measured_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        out.write_text(json.dumps(results, indent=2) + "\n")
    from kg.bench.table import markdown_table

    print(markdown_table(results))
    return 0


def run_analytics_size(n: int, args) -> dict:
    """``run_analytics`` on an n-paper synthetic store, in a child process (its own peak memory)."""
    cmd = [sys.executable, "-m", "kg.bench.analytics", str(n), str(args.seed), args.work]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"papers": n, "status": "failed", "stderr_tail": proc.stderr[-3000:]}
    return {"status": "ok", **json.loads(proc.stdout.strip().splitlines()[-1])}


if __name__ == "__main__":
    raise SystemExit(main())
