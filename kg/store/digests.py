"""What a load remembers of every paper and shared node it staged, in numpy arrays rather than dicts.

A load keeps, across its chunks, the ids of the papers it staged (a paper in two chunks is an
error; a pruning load removes the stored papers it did not see) and a 64-bit digest of each shared
node's row (a node met again is skipped or updated, and the digests add up to the graph hash).
Kept as a set of ids and dicts of id -> int, these were a few hundred thousand small Python
objects at 100k papers, made in the build process all through its second pass, where the chunks'
records come and go: each one kept a page of Python's allocator that the records had filled, and
the arenas they filled stayed mapped through the last commit, the build's peak (kg/bench/NOTES.md,
session 19). Here they are a few arrays, outside Python's small-object allocator.

Ids are keyed by a 128-bit blake2b digest of their text: two ids of a corpus share a key with odds
of about n^2 / 2^129 (n ids), never in practice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np

#: the key of an id (16 bytes, compared as bytes)
KEY = np.dtype("S16")


def key_of(text: str) -> bytes:
    """The 128-bit key of an id."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def keys_of(ids: Iterable[str]) -> np.ndarray:
    """The keys of ``ids``, in their order."""
    return np.array([key_of(i) for i in ids], dtype=KEY)


def digest_array(values: Iterable[int]) -> np.ndarray:
    """64-bit digests (kg.store.rows.digest) as an array."""
    return np.array(list(values), dtype=np.uint64)


def joined(arrays: list[np.ndarray]) -> np.ndarray:
    """The arrays end to end, in order."""
    return np.concatenate(arrays)


class DigestIndex:
    """Id key -> 64-bit digest (a set of ids when every digest is 0), as a few sorted runs of keys.

    A run is three arrays: the keys' first and last 8 bytes as numbers (``halves``: comparing two numbers
    costs a fraction of comparing two 16-byte strings), sorted as the keys' bytes sort, and the digests.
    A key is in one run only. An update sets the digests of the keys some run holds and makes the new
    ones a run of their own, which then merges with the run before it while that one is at most twice
    its size: the runs halve in size from the first, there are at most about log2(n) of them, and a key
    is copied O(log n) times over a load. (One sorted array grown with ``np.insert`` copied every key
    once per chunk: O(n^2) over a 1M build.)
    """

    __slots__ = ("runs",)

    def __init__(self) -> None:
        #: (first halves, last halves, digests) per run, largest first
        self.runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(run[0]) for run in self.runs)

    def _each_run(self, hi: np.ndarray, lo: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each run holding some of the keys ``hi``, ``lo`` (sorted): the run's digests, the positions
        among the keys it holds, and their places in the run. A key found in one run is not looked for in
        the next."""
        left = np.arange(len(hi))
        for run_hi, run_lo, run_values in self.runs:
            if not len(left):
                return
            h, l = hi[left], lo[left]
            pos = _places(run_hi, run_lo, h, l)
            found = pos < len(run_hi)
            found[found] = (run_hi[pos[found]] == h[found]) & (run_lo[pos[found]] == l[found])
            if found.any():
                yield run_values, left[found], pos[found]
                left = left[~found]

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key: whether it is here, and its digest (0 when not)."""
        hi, lo = halves(keys)
        order = np.lexsort((lo, hi))
        found = np.zeros(len(keys), bool)
        values = np.zeros(len(keys), np.uint64)
        for run_values, at, pos in self._each_run(hi[order], lo[order]):
            found[order[at]] = True
            values[order[at]] = run_values[pos]
        return found, values

    def update(self, keys: np.ndarray, values: np.ndarray | None = None) -> None:
        """Set each key's digest (0 without ``values``); of a key given twice the last one wins."""
        if not len(keys):
            return
        if values is None:
            values = np.zeros(len(keys), np.uint64)
        hi, lo = halves(keys)
        order = np.lexsort((lo, hi))  # stable: a key's last value stays last
        hi, lo, values = hi[order], lo[order], values[order]
        last = np.ones(len(hi), bool)
        last[:-1] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
        hi, lo, values = hi[last], lo[last], values[last]
        new = np.ones(len(hi), bool)
        for run_values, at, pos in self._each_run(hi, lo):
            run_values[pos] = values[at]
            new[at] = False
        if not new.any():
            return
        self.runs.append((hi[new], lo[new], values[new]))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            later = self.runs.pop()
            self.runs[-1] = _merged(self.runs[-1], later)

    def total(self) -> int:
        """The sum of the digests, modulo 2^64."""
        return int(sum(int(run[2].sum(dtype=np.uint64)) for run in self.runs) % (1 << 64))


def halves(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each key's first and last 8 bytes as big-endian numbers: (first, last) sort as the key's bytes do."""
    both = np.ascontiguousarray(keys, dtype=KEY).view(">u8").reshape(-1, 2)
    return both[:, 0].astype(np.uint64), both[:, 1].astype(np.uint64)


def _places(run_hi: np.ndarray, run_lo: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Where each key (``hi``, ``lo``) is in a run, or would go: the first place whose key is not smaller."""
    pos = np.searchsorted(run_hi, hi)
    # a first half the run holds: the last halves decide among the run's keys that share it
    tied = np.flatnonzero(pos < len(run_hi))
    tied = tied[run_hi[pos[tied]] == hi[tied]]
    if len(tied):
        ends = np.searchsorted(run_hi, hi[tied], side="right")
        one = ends - pos[tied] == 1  # the run's only key with that first half (all but never)
        pos[tied[one]] += run_lo[pos[tied[one]]] < lo[tied[one]]
        for i, end in zip(tied[~one].tolist(), ends[~one].tolist()):
            pos[i] += np.searchsorted(run_lo[pos[i] : end], lo[i])
    return pos


def _merged(a: tuple, b: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two runs with no key in common as one, sorted: each of ``b``'s keys goes where it sorts among
    ``a``'s, after the ones before it of ``b``."""
    at = _places(a[0], a[1], b[0], b[1]) + np.arange(len(b[0]))
    from_a = np.ones(len(a[0]) + len(b[0]), bool)
    from_a[at] = False
    merged = []
    for x, y in zip(a, b):
        out = np.empty(len(from_a), np.uint64)
        out[at], out[from_a] = y, x
        merged.append(out)
    return tuple(merged)
