"""The README's Benchmarks table, rendered from results.json."""

from __future__ import annotations

from typing import Any


def _get(d: dict, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def markdown_table(results: dict) -> str:
    """One row per figure: measured value, its naive reference and ratio, and the target."""
    targets = results.get("targets", {})
    rows: list[tuple[str, str, str, str]] = []
    for size, r in sorted(results.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        n = f"{int(size):,}"
        if r.get("status") == "failed" or _get(r, "build", "status") == "unavailable":
            rows.append((f"{n} papers: build", "failed: see results.json", "", ""))
            continue
        if r.get("status") == "incomplete":
            rows.append((f"**{n} papers: end to end**", f"incomplete: {r.get('note', '')}", "", ""))
            continue
        build = r["build"]
        target = targets.get("end_to_end_papers_per_s_at_100k")
        rows.append((f"**{n} papers: end to end** (kg build, {r.get('n_process', '?')} processes)",
                     _fmt(build["papers_per_s"], " papers/s") + f" ({_fmt(build['seconds'], ' s')})",
                     "", f">= {target} papers/s (at 100k)" if target else ""))
        for stage, st in build["stages"].items():
            ref, ratio = "", ""
            if stage == "extract" and "ratio_vs_single_process" in st:
                ref = _fmt(_get(r, "references", "extract", "reference_papers_per_s"), " papers/s, 1 process")
                ratio = f"x{st['ratio_vs_single_process']}"
            value = _fmt(st.get("papers_per_s"), " papers/s") + f" ({_fmt(st['seconds'], ' s')})"
            if stage == "load":
                value = _fmt(st.get("rows_per_s"), " rows/s") + f" ({_fmt(st.get('rows'))} rows, {st.get('path')})"
                ref = _fmt(_get(r, "references", "load_embedded", "reference_rows_per_s"), " rows/s, MERGE per row")
                ratio = f"x{st['ratio_vs_naive_merge']}" if "ratio_vs_naive_merge" in st else ""
            target = f">= {targets['embedded_load_rows_per_s']:,} rows/s" if stage == "load" else ""
            rows.append((f"{n}: {stage}", value, f"{ref} {ratio}".strip(), target))
        for key, label in (("rebuild_unchanged", "rebuild, nothing changed"), ("rebuild_plus_1pct", "rebuild, +1 % papers")):
            if key in r:
                share = r[key]["share_of_full_build"]
                target = "< 1 % of full build" if key == "rebuild_unchanged" else "about 1 % of full build"
                rows.append((f"{n}: {label}", f"{_fmt(r[key]['seconds'], ' s')} = {share * 100:.1f} % of full build", "", target))
        mem = _get(r, "memory", "self_mb")
        workers = _get(r, "memory", "children_mb")
        target = f"< {targets['peak_memory_mb_at_100k']:,} MB at 100k, flat in N"
        rows.append((f"{n}: peak memory (RSS)", f"{_fmt(mem, ' MB')} (largest child process {_fmt(workers, ' MB')})", "", target))
        neo = _get(r, "references", "load_neo4j")
        if neo:
            rows.append((f"{n}: Neo4j load (sample)", _fmt(neo.get("rows_per_s"), " rows/s"),
                         _fmt(neo.get("reference_rows_per_s"), " rows/s, MERGE per row"), ""))
    c = results.get("communities")
    if c and _get(c, "product", "status") == "ok":
        p, ref = c["product"], c["reference"]
        rows.append((
            f"communities, {c['edges']:,}-edge co-authorship graph ({c['nodes']:,} authors)",
            f"{_fmt(p['seconds'], ' s')} ({p['function'].split('->')[-1].strip(' )')}, {p['communities']:,} communities, Q={p['modularity']})",
            f"networkx Louvain {_fmt(ref['edges_per_s'], ' edges/s')} on {ref['edges']:,} edges: x{p['speedup_vs_reference']}",
            f"< {targets['communities_1m_edges_seconds']} s",
        ))
        st = c.get("through_store")
        if st:
            steps = st.get("steps", {})
            parts = ", ".join(f"{k.split('.')[-1]} {v:.1f} s" for k, v in steps.items())
            rows.append((
                f"communities, same graph through the embedded store ({c['authorships']:,} authorships)",
                f"{_fmt(st['seconds'], ' s')} ({parts})",
                "",
                f"< {targets['communities_1m_edges_seconds']} s",
            ))
    a = results.get("analytics_at_scale")
    if a and a.get("status") == "ok":
        steps = a.get("steps", {})
        parts = ", ".join(f"{k} {steps[k]:.1f} s" for k in ("communities", "trends", "lineage") if k in steps)
        rows.append((
            f"analytics (run_analytics) on a {a['papers']:,}-paper synthetic store "
            f"({a['coauthor_edges']:,} co-author edges, {a['concepts']:,} concepts)",
            f"{_fmt(a['seconds'], ' s')} ({parts})",
            "",
            "",
        ))
    m = results.get("machine", {})
    lines = [
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB, Python {m.get('python', '?')}, "
        f"ladybug {m.get('ladybug', '?')}; {m.get('note', '')}.",
        "",
        "| figure | measured | naive reference, ratio | target |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c_} | {d} |" for a, b, c_, d in rows]
    return "\n".join(lines)
