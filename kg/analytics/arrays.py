"""Small numpy helpers shared by the analytics steps (communities, trends)."""

from __future__ import annotations

import numpy as np


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: cheaper than np.unique's hashing on millions of ints).

    >>> sorted_distinct(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values
