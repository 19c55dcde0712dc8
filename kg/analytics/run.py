"""The analytics stage: read the loaded graph, compute communities, trends and lineage, write them back.

Only this module and kg.analytics.reports talk to the store, through ``store.query`` /
``store.execute`` and the named statements in cypher/analytics/.

Reads: one query per table (authors, authorships, concepts, concepts' papers per year counted in
the query, derivations, stored lineage), handed over by LadybugDB as Arrow columns, never as row
dicts; authorships become integer arrays without a Python string per row. One scan per table
costs a third of the earlier pages (each page of concepts scanned every MENTIONS edge again). Writes: each step computes its
whole result, compares it with what the store holds (the last run's) and writes only the
difference in batches of ``BATCH`` rows (on LadybugDB each batch is one typed Arrow table), so a
run after a small change writes little, and the graph it leaves is the one a clean run leaves.
Communities are ranked by size, and a small change re-ranks most of them. LadybugDB cannot SET a
primary key, so a community's key is not its rank but a hash of its smallest member
(``community_keys``), and the rank is a property: a run moves only the authors whose community
gained or lost that member or who are new (at 10k, +1 % papers: 34 of the 3,935 authors both graphs
hold, where keys by rank moved 3,301). When most authors moved all the same (another seed), all
communities are rewritten at once (``REWRITE_SHARE``).

Order: every step reads first, then every step computes, then every step writes. An update of a
LadybugDB store leaves its changes in the write-ahead log (``defer_checkpoints``); the store
checkpoints them on a thread of its own while the steps compute (``checkpoint_in_background``),
so a +1 % build pays the larger of the two instead of their sum. The reads only take the engine's
Arrow tables: turning them into Python lists and numpy arrays is compute, done beside the checkpoint.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from kg.analytics.arrays import sorted_distinct
from kg.analytics.communities import (
    WeightedEdges,
    community_keys,
    community_labels,
    pair_weights,
    papers_per_community,
)
from kg.analytics.lineage import ConceptNames, lineage_edge_list
from kg.analytics.trends import concept_trends, period_of
from kg.errors import StoreError
from kg.models import AnalyticsSummary
from kg.store.cypher import load_cypher, strip_comments

BATCH = 5_000
#: when more than this fraction of the authors changed community, all communities are rewritten at once
REWRITE_SHARE = 0.5


def statement(store, name: str) -> str:
    """The named analytics statement (cypher/analytics/<name>.cypher) in the store's dialect."""
    return strip_comments(load_cypher(f"analytics/{name}", store.dialect))


def read(store, name: str, params: dict | None = None) -> list[dict]:
    return store.query(statement(store, name), params or {})


def table(store, name: str, names: tuple[str, ...]):
    """A named read statement's whole result as a pyarrow Table with columns ``names``."""
    return store.query_table(statement(store, name), names)


class _Split:
    """Accumulates read / compute / write seconds of one step into ``summary.seconds`` ("<step>.<part>")."""

    def __init__(self, summary: AnalyticsSummary, step: str):
        self.summary, self.step, self.last = summary, step, time.perf_counter()

    def __call__(self, part: str) -> None:
        now = time.perf_counter()
        key = f"{self.step}.{part}"
        self.summary.seconds[key] = round(self.summary.seconds.get(key, 0.0) + now - self.last, 3)
        self.last = now

    def resume(self) -> None:
        """Start the next part now (the time since the last one went to other steps)."""
        self.last = time.perf_counter()


def _run_whole(step: Iterator[None]) -> None:
    """Run one step's phases back to back (a step is a generator that yields after reading and
    after computing, see run_analytics)."""
    for _ in step:
        pass


#: the columns of each statement's ``$rows``: LadybugDB takes them as one typed Arrow table (``LOAD FROM``),
#: which costs a fifth of converting a list of maps row by row (27k concept rows: 0.73 -> 0.13 CPU-s)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "write_concept_stats": (("id", "string"), ("first_year", "int64"), ("mentions", "int64"), ("burst", "float64")),
    "write_lineage": (
        ("src", "string"), ("dst", "string"), ("evidence", "string"), ("sentences", "strings"), ("papers", "strings"),
        ("child_year", "int64"), ("parent_year", "int64"),
    ),
    "delete_lineage": (("src", "string"), ("dst", "string")),
    "write_memberships": (("src", "string"), ("dst", "int64")),
    "unlink_authors": (("id", "string"),),
    "update_communities": (
        ("id", "int64"), ("rank", "int64"), ("size", "int64"), ("papers", "int64"), ("modularity", "float64"),
        ("algorithm", "string"),
    ),
}
COLUMNS["write_communities"] = COLUMNS["update_communities"]
#: what stored_lineage reads, in the write_lineage statement's column order
LINEAGE_COLUMNS = tuple(c for c, _ in COLUMNS["write_lineage"])


def write(store, name: str, rows: Iterable[dict] | None = None) -> None:
    """Run a write statement, in batches of ``BATCH`` rows when it takes ``$rows`` (an Arrow table on LadybugDB).

    ``rows`` may be a generator: only one batch of them is made at a time (a clean build writes a row per
    author and per concept, which as one list of dicts was hundreds of MB at 1M papers)."""
    if rows is None:
        store.execute(statement(store, name))
        return
    cypher = statement(store, name)
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        store.execute(cypher, {"rows": _table(batch, COLUMNS[name]) if store.dialect == "ladybug" else batch})


def _table(rows: list[dict], columns: tuple[tuple[str, str], ...]):
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "strings": pa.list_(pa.string())}
    return pa.table({c: pa.array([r[c] for r in rows], type=types[t]) for c, t in columns})


def run_analytics(store, *, seed: int = 42, method: str = "auto") -> AnalyticsSummary:
    """Compute communities, trends and lineage on the loaded graph and write them back.

    Idempotent: a run replaces the previous run's Community nodes, IN_COMMUNITY and LINEAGE
    edges and the analytics properties; the same graph and seed give the same result.
    """
    summary = AnalyticsSummary(seed=seed)
    # the run holds hundreds of thousands of small objects (names, rows, candidates) and makes no reference
    # cycles worth collecting: each collection of the oldest generation walks them all again, which cost
    # 2-3 of the 8-9 CPU-s of a 100k run (lineage compute 3.3 -> 1.8 CPU-s), with the same peak memory
    collecting = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        trends: list = []  # the trends step's (concepts, first years), which lineage computes from
        steps = [
            _communities(store, summary, seed=seed, method=method),
            _trends(store, summary, trends),
            _lineage(store, summary, trends.pop),  # taken, so that lineage frees them once used
        ]
        for step in steps:  # reads
            next(step)
        settle = getattr(store, "checkpoint_in_background", None)  # GraphStore's; a wrapper with query and
        if settle is not None:  # execute alone runs as before
            settle()
        for step in steps:  # computes (the lineage's after the trends')
            next(step)
        for step in steps:  # writes (the first waits for the checkpoint)
            _run_whole(step)
        t1 = time.perf_counter()
    finally:
        if collecting:
            gc.enable()
    for step in ("communities", "trends", "lineage"):
        summary.seconds[step] = round(sum(v for k, v in summary.seconds.items() if k.startswith(f"{step}.")), 3)
    summary.seconds["total"] = round(t1 - t0, 3)
    return summary


def write_communities(store, summary: AnalyticsSummary, *, seed: int, method: str = "auto") -> None:
    """Co-authorship communities: Community nodes (keyed by ``community_keys``, ranked by size) and
    IN_COMMUNITY edges."""
    _run_whole(_communities(store, summary, seed=seed, method=method))


def _communities(store, summary: AnalyticsSummary, *, seed: int, method: str) -> Iterator[None]:
    """write_communities in phases (see run_analytics)."""
    split = _Split(summary, "communities")
    import pyarrow.compute as pc

    found = table(store, "authors", ("id", "node"))
    linked = table(store, "author_memberships", ("node", "community"))
    pairs = table(store, "authorship_nodes", ("author", "paper"))
    before = {r["id"]: r for r in read(store, "stored_communities")}
    split("read")
    yield
    split.resume()
    # the Arrow columns become Python and numpy values here, beside the update's checkpoint, not before it
    # starts; vertices are numbered in the order Python sorts names
    found = _by_id(found)
    ids: list[str] = found["id"].to_pylist()
    nodes = found["node"].combine_chunks()
    del found
    # the key of the author's community as stored: -1 none, -2 several edges (keys are never negative)
    stored = np.full(len(ids), -1, dtype=np.int64)
    if linked.num_rows:
        at = _positions(linked["node"].cast(nodes.type), nodes, "an IN_COMMUNITY edge starts at an author the graph does not hold")
        stored[at] = _int64(linked["community"])
        stored[np.bincount(at, minlength=len(ids)) > 1] = -2
    del linked
    # authorships as node keys (offsets on LadybugDB): an author's vertex is its row in ``nodes``, a
    # paper's number the order it first appears in (any numbering of papers gives the same pairs and counts)
    # (cast: rows from another store give untyped columns when there are none)
    author_no = _positions(pairs["author"].cast(nodes.type), nodes,
                           "an AUTHORED edge starts at an author the graph does not hold")
    paper_no = _int64(pc.dictionary_encode(pairs["paper"].cast(nodes.type).combine_chunks()).indices)
    del pairs, nodes
    # integer arrays straight into igraph: a networkx graph of a million edges costs more than Leiden itself
    source, target, weight = pair_weights(paper_no, author_no, len(ids))
    edges = WeightedEdges(ids, source, target, weight)
    del source, target, weight
    labels, modularity, algorithm = community_labels(edges, seed=seed, method=method)
    coauthor_edges = edges.number_of_edges()
    del edges  # the co-author pairs are not kept while the other steps compute
    sizes = np.bincount(labels) if labels.size else np.zeros(0, dtype=np.int64)
    written = papers_per_community(labels, paper_no, author_no)
    del paper_no, author_no
    keys = community_keys(ids, labels)
    q = round(modularity, 6)
    communities = {
        int(keys[i]): {
            "id": int(keys[i]), "rank": i, "size": int(sizes[i]), "papers": int(written[i]), "modularity": q,
            "algorithm": algorithm,
        }
        for i in range(sizes.size)
    }
    old = stored
    new = keys[labels] if labels.size else np.zeros(0, dtype=np.int64)
    changed = new != old
    split("compute")
    yield
    split.resume()
    if before and int(changed.sum()) > REWRITE_SHARE * len(ids):
        # most authors moved (another seed or method): dropping every community at once and writing all
        # memberships costs less than moving each author's edge
        write(store, "delete_all_communities")
        before, old = {}, np.full(len(ids), -1, dtype=np.int64)
        changed = new != old
    # rows made batch by batch as written (a clean build moves every author)
    write(store, "unlink_authors", ({"id": ids[i]} for i in np.flatnonzero(changed & (old != -1)).tolist()))
    gone = sorted(set(before) - set(communities))
    for i in range(0, len(gone), BATCH):
        store.execute(statement(store, "delete_communities"), {"ids": gone[i : i + BATCH]})
    write(store, "update_communities", [c for k, c in communities.items() if k in before and before[k] != c])
    write(store, "write_communities", [c for k, c in communities.items() if k not in before])
    write(store, "write_memberships", ({"src": ids[i], "dst": int(new[i])} for i in np.flatnonzero(changed).tolist()))
    split("write")
    summary.authors = len(ids)
    summary.coauthor_edges = coauthor_edges
    summary.communities = int(sizes.size)
    summary.multi_member_communities = int((sizes > 1).sum())
    summary.modularity = q
    summary.algorithm = algorithm
    summary.memberships_written = int(changed.sum())


def _concept_year_counts(concepts, pairs, years) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """The distinct papers naming each concept per year, from the tables concept_table (node),
    concept_papers_pairs (concept, paper: node keys) and paper_years (paper, year), counted on integer
    arrays: ``(concept row, year number, papers)`` per group, and the dated years (year number
    ``len(dated)`` is undated). A pair named twice (mentioned and proposed) counts once."""
    year_of = years["year"].to_pylist()
    dated = sorted({y for y in year_of if y is not None})
    empty = np.empty(0, dtype=np.int64)
    if not pairs.num_rows:
        return empty, empty, empty, dated
    concept_no = _positions(pairs["concept"], concepts["node"])
    paper_no = _positions(pairs["paper"], years["paper"])
    rank = {y: k for k, y in enumerate(dated)}
    year_no = np.array([len(dated) if y is None else rank[y] for y in year_of], dtype=np.int64)
    n_papers, n_years = len(year_of), len(dated) + 1
    named = sorted_distinct(concept_no * n_papers + paper_no)
    groups = np.sort((named // n_papers) * n_years + year_no[named % n_papers])
    cut = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[cut, groups.size])
    groups = groups[cut]
    return groups // n_years, groups % n_years, sizes, dated


def _by_id(rows):
    """An Arrow table's rows in the order Python sorts their ``id`` (Arrow compares strings by their UTF-8
    bytes, which is code point order), sorted here rather than by the read's ORDER BY: the sort then
    runs beside an update's checkpoint, not before it starts."""
    import pyarrow.compute as pc

    return rows.take(pc.sort_indices(rows["id"])) if rows.num_rows else rows


def _positions(keys, value_set, missing: str = "an edge ends at a node the analytics read did not return") -> np.ndarray:
    """Each key's row in ``value_set`` (Arrow columns of one type), as int64; a key not there is a StoreError
    saying ``missing``."""
    import pyarrow.compute as pc

    found = pc.index_in(keys, value_set=value_set.combine_chunks() if hasattr(value_set, "combine_chunks") else value_set)
    if found.null_count:
        raise StoreError(missing)
    return _int64(found)


def _int64(column) -> np.ndarray:
    """An Arrow integer column (chunked or not, no nulls) as an int64 numpy array."""
    if hasattr(column, "combine_chunks"):
        column = column.combine_chunks()
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)


def _trends(store, summary: AnalyticsSummary, result: list) -> Iterator[None]:
    """First year, papers naming it and burst weight on every Concept, in phases (see run_analytics).

    Appends what lineage needs to ``result`` as it computes: every concept's names and the first
    years (concepts without one left out).
    """
    split = _Split(summary, "trends")
    years = table(store, "paper_years", ("paper", "year"))
    names = ("id", "name", "kind", "aliases", "acronym", "first_year", "mentions", "burst")
    page = table(store, "concept_table", ("node", *names))
    pairs = table(store, "concept_papers_pairs", ("concept", "paper"))
    split("read")
    yield
    split.resume()
    per_period: Counter[str] = Counter()
    for year, n in Counter(years["year"].to_pylist()).items():
        per_period[period_of(year)] += n
    concepts: list[ConceptNames] = []
    first_year: dict[str, int] = {}
    emerging: list[tuple[float, str, str]] = []  # the 20 strongest (-weight, id, name) so far
    with_year = 0
    page = _by_id(page)
    concept_no, year_no, papers, dated = _concept_year_counts(page, pairs, years)
    del pairs, years
    stats = concept_trends(page.num_rows, concept_no, year_no, papers, dated, per_period)
    out = []
    for (cid, name, kind, aliases, acronym, *last), (year, mentions, weight, now) in zip(
        zip(*(page[c].to_pylist() for c in names)), stats
    ):
        concepts.append(ConceptNames(cid, name or cid, kind or "METHOD", tuple(aliases or ()), acronym))
        if year is not None:
            first_year[cid] = year
            with_year += 1
        if tuple(last) != (year, mentions, weight):
            out.append((cid, year, mentions, weight))  # a tuple, not a dict: every concept's in a clean build
        if now and weight > 0:
            emerging.append((-weight, cid, name or cid))
    emerging = heapq.nsmallest(20, emerging)
    del page, stats
    result.append((concepts, first_year))
    summary.concepts = len(concepts)
    summary.concepts_with_year = with_year
    summary.emerging = [name for _, _, name in emerging]
    del concepts, first_year, emerging  # lineage's now: this suspended step would hold them until it writes
    split("compute")
    yield
    split.resume()
    write(store, "write_concept_stats", (dict(zip(("id", "first_year", "mentions", "burst"), r)) for r in out))
    split("write")


def _lineage(store, summary: AnalyticsSummary, trends: Callable[[], tuple[list[ConceptNames], dict[str, int]]]
             ) -> Iterator[None]:
    """LINEAGE edges from stated derivations and name morphology, acyclic, with years, in phases (see
    run_analytics); ``trends()`` gives the concepts and first years when it computes."""
    split = _Split(summary, "lineage")
    derivations = table(store, "derivations", ("new_id", "base_id", "paper_id", "sentence"))
    found = table(store, "stored_lineage", LINEAGE_COLUMNS)
    split("read")
    yield
    split.resume()
    stated = list(zip(*(derivations[c].to_pylist() for c in derivations.column_names)))
    del derivations
    concepts, first_year = trends()
    # the edges, not a networkx graph of them (lineage_graph's): the graph only held them a second time
    edges, dropped = lineage_edge_list(concepts, stated, first_year=first_year)
    del stated, concepts, first_year
    # each edge as a tuple in LINEAGE_COLUMNS order, compared with the stored edges as tuples: dicts per
    # row on both sides were a third of a 100k lineage step
    edges.sort(key=lambda e: e[:2])  # (child, parent) is one edge's
    rows = {
        (u, v): (u, v, d["evidence"], d["sentences"] or d["patterns"], d["papers"], d["child_year"], d["parent_year"])
        for u, v, d in edges
    }
    del edges
    # an edge stays when it is stored once with the same properties; any other stored edge goes. The stored
    # edges are compared page by page as they turn into Python values: held whole as tuples (sentences,
    # papers), an update's stored lineage was the lineage step's largest part
    stored: set[tuple[str, str]] = set()
    same: set[tuple[str, str]] = set()
    twice: set[tuple[str, str]] = set()
    for page in found.to_batches(max_chunksize=BATCH):
        for r in zip(*(page.column(c).to_pylist() for c in LINEAGE_COLUMNS)):
            k = r[:2]
            if k in stored:
                twice.add(k)
            else:
                stored.add(k)
                if rows.get(k) == r:
                    same.add(k)
    same -= twice
    del found, twice
    summary.lineage_edges = len(rows)
    summary.lineage_by_evidence = dict(sorted(Counter(r[2] for r in rows.values()).items()))
    summary.cycles_broken = len(dropped)
    del dropped
    split("compute")
    yield
    split.resume()
    write(store, "delete_lineage", [{"src": k[0], "dst": k[1]} for k in sorted(stored) if k not in same])
    write(store, "write_lineage", [dict(zip(LINEAGE_COLUMNS, row)) for k, row in rows.items() if k not in same])
    split("write")

