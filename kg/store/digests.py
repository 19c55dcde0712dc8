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
from collections.abc import Iterable

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
    """Id key -> 64-bit digest, as two arrays sorted by key (a set of ids when every digest is 0)."""

    __slots__ = ("keys", "values")

    def __init__(self) -> None:
        self.keys = np.empty(0, KEY)
        self.values = np.empty(0, np.uint64)

    def __len__(self) -> int:
        return len(self.keys)

    def _where(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key: its place in the sorted keys (where it is or would go), and whether it is there."""
        pos = np.searchsorted(self.keys, keys)
        found = pos < len(self.keys)
        found[found] = self.keys[pos[found]] == keys[found]
        return pos, found

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key: whether it is here, and its digest (0 when not)."""
        pos, found = self._where(keys)
        values = np.zeros(len(keys), np.uint64)
        values[found] = self.values[pos[found]]
        return found, values

    def update(self, keys: np.ndarray, values: np.ndarray | None = None) -> None:
        """Set each key's digest (0 without ``values``); of a key given twice the last one wins."""
        if not len(keys):
            return
        if values is None:
            values = np.zeros(len(keys), np.uint64)
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        last = np.ones(len(keys), bool)
        last[:-1] = keys[1:] != keys[:-1]
        keys, values = keys[last], values[last]
        pos, here = self._where(keys)
        self.values[pos[here]] = values[here]
        new = ~here
        if new.any():
            self.keys = np.insert(self.keys, pos[new], keys[new])
            self.values = np.insert(self.values, pos[new], values[new])

    def total(self) -> int:
        """The sum of the digests, modulo 2^64."""
        return int(self.values.sum(dtype=np.uint64))
