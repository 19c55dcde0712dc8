"""The analytics' numpy helpers give what the numpy functions they replace give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kg.analytics.arrays import sorted_distinct, unique_rows


@settings(max_examples=200, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 40), st.integers(1, 6)), elements=st.integers(0, 3)))
def test_unique_rows_is_np_unique_by_rows(matrix):
    rows, inverse = unique_rows(matrix)
    expected_rows, expected_inverse = np.unique(matrix, axis=0, return_inverse=True)
    assert rows.tolist() == expected_rows.tolist()
    assert inverse.tolist() == expected_inverse.reshape(-1).tolist()
    assert (rows[inverse] == matrix).all()


@settings(max_examples=100, deadline=None)
@given(arrays(np.int64, st.integers(0, 50), elements=st.integers(-5, 5)))
def test_sorted_distinct_is_np_unique(values):
    assert sorted_distinct(values).tolist() == np.unique(values).tolist()


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 7).flatmap(lambda n: st.tuples(
    arrays(np.int64, st.tuples(st.integers(1, 12), st.just(n)), elements=st.integers(0, 9)),
    st.lists(st.integers(0, 30), min_size=n, max_size=n))))
def test_strongest_bursts_are_those_of_the_automaton_per_row(case):
    from kg.analytics.trends import kleinberg_bursts, strongest_bursts

    series, extra = case
    totals = (series.max(axis=0) + np.asarray(extra)).tolist()  # no period has fewer papers than a row names
    for row, got in zip(series.tolist(), strongest_bursts(series, totals)):
        bursts = kleinberg_bursts(row, totals)
        assert got == (max((w for _, _, w in bursts), default=0.0), any(end == len(totals) - 1 for _, end, _ in bursts))
