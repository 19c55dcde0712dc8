"""Trends: mentions per period at the precision the data has, bursts, who introduces and who adopts.

Periods are years ("2023") or months ("2023-05"); a paper whose listing gives no year (many
listings print "Mar 25") falls in ``"undated"``, which is counted but never placed on the
time axis, so it cannot create or hide a burst.

Emerging concepts come from Kleinberg's two-state burst automaton in its batched form
(Kleinberg 2002, section 4): in period t, ``r_t`` of the ``d_t`` papers mention the concept;
the base state emits at rate ``p0 = sum r / sum d``, the burst state at ``s * p0``; entering the
burst state costs ``gamma * ln(n)`` for n periods. The burst weight of a period run is the
cost saved by explaining it with the burst state; a concept is emerging when a burst
reaches the latest period.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from kg.analytics.arrays import unique_rows

UNDATED = "undated"


def period_of(year: int | None, month: int | None = None, *, granularity: str = "year") -> str:
    """The period a date falls in: "2023", "2023-05" (granularity "month"), or "undated".

    >>> period_of(2023, 5), period_of(2023, 5, granularity="month"), period_of(None, 3)
    ('2023', '2023-05', 'undated')
    """
    if year is None:
        return UNDATED
    if granularity == "month":
        return f"{year:04d}-{month:02d}" if month else UNDATED
    return f"{year:04d}"


def timeline(periods: Iterable[str]) -> list[str]:
    """Dated periods in order, with the gaps filled for years ("2021", "2023" -> 2021, 2022, 2023)."""
    dated = sorted({p for p in periods if p != UNDATED})
    if dated and all(len(p) == 4 for p in dated):
        return [str(y) for y in range(int(dated[0]), int(dated[-1]) + 1)]
    return dated


def mention_counts(rows: Iterable[tuple[str, str, str]]) -> dict[str, Counter[str]]:
    """Papers mentioning each concept per period, from ``(concept_id, paper_id, period)`` rows.

    >>> dict(mention_counts([("c", "p1", "2023"), ("c", "p1", "2023"), ("c", "p2", "2024")])["c"])
    {'2023': 1, '2024': 1}
    """
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for concept, paper, period in rows:
        seen[concept][period].add(paper)
    return {c: Counter({p: len(ps) for p, ps in by.items()}) for c, by in seen.items()}


def kleinberg_bursts(
    counts: Sequence[int], totals: Sequence[int], *, s: float = 2.0, gamma: float = 1.0
) -> list[tuple[int, int, float]]:
    """Bursts of a relevant-document series: ``(first, last, weight)`` period indexes.

    ``counts[t]`` relevant documents among ``totals[t]``. Two-state batched Kleinberg automaton.

    >>> kleinberg_bursts([0, 1, 0, 8, 9], [10, 10, 10, 10, 10])
    [(3, 4, 9.303466)]
    """
    n = len(counts)
    if n == 0 or sum(totals) == 0 or sum(counts) == 0:
        return []
    p0 = sum(counts) / sum(totals)
    p = [p0, min(s * p0, 0.9999)]
    if p[1] <= p0:
        return []

    # each period's cost in each state, once: the logs of the two rates are shared by every period
    # (the same expression as evaluating it per step, so the same floats)
    logs = [(math.log(q), math.log(1 - q)) for q in p]
    costs = [
        [0.0 if totals[t] == 0 else -(counts[t] * lp + (totals[t] - counts[t]) * lq) for t in range(n)] for lp, lq in logs
    ]
    c0, c1 = costs
    up = gamma * math.log(n) if n > 1 else gamma
    best = [c0[0], c1[0] + up]
    back: list[list[int]] = []
    for t in range(1, n):
        stay0 = min((best[0], 0), (best[1], 1))
        to1 = min((best[0] + up, 0), (best[1], 1))
        back.append([stay0[1], to1[1]])
        best = [stay0[0] + c0[t], to1[0] + c1[t]]
    state = 0 if best[0] <= best[1] else 1
    states = [state]
    for t in range(n - 2, -1, -1):
        state = back[t][state]
        states.append(state)
    states.reverse()
    bursts = []
    t = 0
    while t < n:
        if states[t] == 1:
            start = t
            while t + 1 < n and states[t + 1] == 1:
                t += 1
            weight = sum(c0[i] - c1[i] for i in range(start, t + 1))
            if weight > 0:
                bursts.append((start, t, round(weight, 6)))
        t += 1
    return bursts


def burst_scores(
    counts: Mapping[str, Mapping[str, int]], papers_per_period: Mapping[str, int], *, s: float = 2.0, gamma: float = 1.0
) -> dict[str, tuple[float, bool]]:
    """Per concept: its strongest burst weight and whether a burst reaches the latest period (emerging)."""
    periods = timeline(papers_per_period)
    totals = [papers_per_period.get(p, 0) for p in periods]
    out: dict[str, tuple[float, bool]] = {}
    # most concepts share their series with many others (one paper in one year): each series is scored once
    scored: dict[tuple[int, ...], tuple[float, bool]] = {}
    for concept, by_period in counts.items():
        series = tuple(by_period.get(p, 0) for p in periods)
        score = scored.get(series)
        if score is None:
            bursts = kleinberg_bursts(series, totals, s=s, gamma=gamma)
            weight = max((w for _, _, w in bursts), default=0.0)
            score = scored[series] = (weight, any(end == len(periods) - 1 for _, end, _ in bursts))
        out[concept] = score
    return out


def strongest_bursts(
    series: np.ndarray, totals: Sequence[int], *, s: float = 2.0, gamma: float = 1.0
) -> list[tuple[float, bool]]:
    """Per row of ``series`` (relevant documents per period, ``totals[t]`` in all): the strongest burst
    weight of ``kleinberg_bursts`` and whether a burst reaches the latest period.

    The automaton of ``kleinberg_bursts`` run on all rows at once, one numpy step per period, with the
    same float operations in the same order (the logs by ``math.log``, the runs' weights summed in time
    order, rounded by ``round``), so the same figures; a Python automaton per row was most of trends.

    >>> strongest_bursts(np.array([[0, 1, 0, 8, 9], [1, 1, 1, 1, 1]]), [10, 10, 10, 10, 10])
    [(9.303466, True), (0.0, False)]
    """
    rows, n = series.shape
    if not n or not rows or sum(totals) == 0:
        return [(0.0, False)] * rows
    counts = series.astype(np.int64)
    total = np.asarray(totals, dtype=np.int64)
    p0 = counts.sum(axis=1) / int(total.sum())
    p1 = np.minimum(s * p0, 0.9999)
    live = (p0 > 0) & (p1 > p0)  # the rows kleinberg_bursts does not return [] for at once
    out = [(0.0, False)] * rows
    if not live.any():
        return out
    counts, p0, p1 = counts[live], p0[live].tolist(), p1[live].tolist()
    logs = np.array([(math.log(a), math.log(1 - a), math.log(b), math.log(1 - b)) for a, b in zip(p0, p1)]).T
    rest = total - counts
    c0 = np.where(total == 0, 0.0, -(counts * logs[0][:, None] + rest * logs[1][:, None]))
    c1 = np.where(total == 0, 0.0, -(counts * logs[2][:, None] + rest * logs[3][:, None]))
    up = gamma * math.log(n) if n > 1 else gamma
    best0, best1 = c0[:, 0], c1[:, 0] + up
    back0 = np.zeros((counts.shape[0], n), dtype=bool)  # the state before t on the way to state 0 is 1
    back1 = np.zeros((counts.shape[0], n), dtype=bool)  # ... to state 1 is 1
    for t in range(1, n):
        from1_to0 = ~(best0 <= best1)
        into1 = best0 + up
        from1_to1 = ~(into1 <= best1)
        back0[:, t], back1[:, t] = from1_to0, from1_to1
        best0, best1 = np.where(from1_to0, best1, best0) + c0[:, t], np.where(from1_to1, best1, into1) + c1[:, t]
    state = ~(best0 <= best1)
    states = np.zeros((counts.shape[0], n), dtype=bool)
    states[:, n - 1] = state
    for t in range(n - 1, 0, -1):
        state = np.where(state, back1[:, t], back0[:, t])
        states[:, t - 1] = state
    weight = np.zeros(counts.shape[0])
    strongest = np.full(counts.shape[0], -np.inf)
    for t in range(n):
        weight = np.where(states[:, t], np.where(t and states[:, t - 1], weight, 0.0) + (c0[:, t] - c1[:, t]), 0.0)
        ends = states[:, t] & (weight > 0) if t == n - 1 else states[:, t] & ~states[:, t + 1] & (weight > 0)
        strongest = np.where(ends, np.maximum(strongest, weight), strongest)
    reaches = states[:, n - 1] & (weight > 0)
    for i, w, r in zip(np.flatnonzero(live).tolist(), strongest.tolist(), reaches.tolist()):
        out[i] = (round(w, 6) if w > 0 else 0.0, r)
    return out


def concept_trends(
    n: int,
    concept: np.ndarray,
    year: np.ndarray,
    papers: np.ndarray,
    dated: Sequence[int],
    papers_per_period: Mapping[str, int],
    *,
    s: float = 2.0,
    gamma: float = 1.0,
) -> list[tuple[int | None, int, float, bool]]:
    """Per concept ``0..n-1``: first year, papers naming it, strongest burst weight and whether a burst
    reaches the latest period, from groups ``(concept, year number, papers)`` (year number k is
    ``dated[k]``, ``len(dated)``: undated), as arrays.

    The same figures as ``burst_scores`` on the concepts' period counts, computed on a concept x period
    matrix: each distinct series is scored once, and no Counter is built per concept.

    >>> per_year = {"2020": 10, "2021": 10, "2022": 10, "undated": 5}
    >>> concept_trends(3, np.array([0, 0, 2]), np.array([1, 2, 3]), np.array([1, 9, 2]), [2020, 2021, 2022], per_year)
    [(2021, 10, 5.545177, True), (None, 0, 0.0, False), (None, 2, 0.0, False)]
    """
    periods = timeline(papers_per_period)
    totals = [papers_per_period.get(p, 0) for p in periods]
    column = {p: k for k, p in enumerate(periods)}
    # each dated year's column; undated counts go to mentions only
    to_column = np.array([column[period_of(y)] for y in dated] + [-1], dtype=np.int64)
    columns = to_column[year] if year.size else year
    on_axis = columns >= 0
    matrix = np.zeros((n, len(periods)), dtype=np.int64)
    matrix[concept[on_axis], columns[on_axis]] = papers[on_axis]
    mentions = np.bincount(concept, weights=papers, minlength=n).astype(np.int64) if concept.size else np.zeros(n, dtype=np.int64)
    seen = matrix > 0
    has_year = seen.any(axis=1)
    if not periods or not n:  # no dated paper (or no concept): every series is empty
        first, series, inverse = np.zeros(n, dtype=np.int64), matrix[:1], np.zeros(n, dtype=np.int64)
    else:
        years = np.array([int(p) for p in periods], dtype=np.int64)
        first = np.where(seen, years, np.iinfo(np.int64).max).min(axis=1)
        # most concepts share their series with many others (one paper in one year): each is scored once
        series, inverse = unique_rows(matrix)
    scores = strongest_bursts(series, totals, s=s, gamma=gamma)
    return [
        (f if h else None, m, *scores[k])
        for f, h, m, k in zip(first.tolist(), has_year.tolist(), mentions.tolist(), inverse.reshape(-1).tolist())
    ]


def adoption_order(first_use: Mapping[int, tuple]) -> tuple[int | None, list[int]]:
    """The community that used a concept first and the ones that adopted it later, in order.

    ``first_use`` maps community -> a sortable first date (e.g. ``(2023, 5, 1)``).

    >>> adoption_order({3: (2024, 1, 0), 1: (2022, 6, 0), 2: (2023, 1, 0)})
    (1, [2, 3])
    """
    if not first_use:
        return None, []
    order = sorted(first_use, key=lambda c: (first_use[c], c))
    return order[0], order[1:]
