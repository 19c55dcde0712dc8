"""A build writes an embedded store's copy, which replaces the store only once complete.

LadybugDB keeps its database in one file, plus a write-ahead log and lock files named after it
(``graph.lbdb.wal``...). A killed build is safe there (the log replays), but a crash inside the
engine is not: at a million papers an update's ``COPY`` ended in a segmentation fault twice and
the first left a store whose string columns could no longer be read (kg/bench/NOTES.md, "The 1M
run"). So a build never opens the store itself:

- ``lock()`` takes the store's build lock (one build at a time) and finishes or removes what a
  dead build left; ``open()`` copies the store with its side files to ``.NAME.kg-next`` beside it;
- the build writes that copy and closes it (a clean close leaves no log);
- ``commit()`` marks the copy complete, then moves it over the store. A build that dies before
  the mark leaves the store as the last complete build left it, byte for byte; one that dies
  after it has its move finished by the next ``lock()``.

Readers (``kg query``, ``kg stats``) see the last complete build throughout. The price: the
copy (about 1 s per GB on this machine's disk) and the store's size again on disk while a build
runs.

    >>> shadow = ShadowStore(Path(".kg/graph.lbdb"))   # doctest: +SKIP
    >>> path = shadow.open()                           # doctest: +SKIP
    >>> ...  # open_store(path), write, close
    >>> shadow.commit(); shadow.close()                # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from kg.errors import ConfigError, StoreError


class ShadowStore:
    """The copy a build writes instead of the embedded store at ``target`` (a file path)."""

    def __init__(self, target: Path):
        self.target = target
        self.copy = target.parent / f".{target.name}.kg-next"
        self._done = target.parent / f".{target.name}.kg-next-done"
        self._lock_path = target.parent / f".{target.name}.kg-lock"
        self._lock: int | None = None
        self.committed = False

    # ------------------------------------------------------------------ the build's side

    def lock(self) -> None:
        """Take the store's build lock and settle what a dead build left (before the store is read)."""
        if self._lock is not None:
            return
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise unwritable(self.target, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(f"another build is writing {self.target}: wait for it to end") from None
        self._lock = fd
        if self.target.is_dir():
            raise StoreError(f"{self.target} is a directory, not a LadybugDB store file")
        self._settle()

    def open(self) -> Path:
        """Copy the store with its side files; the path the build opens."""
        self.lock()
        if self.target.exists():
            sources = [self.target, *_side_files(self.target)]
            size, free = sum(f.stat().st_size for f in sources), shutil.disk_usage(self.target.parent).free
            if free < size * 1.1:  # the update's growth and its log come on top of the copy
                raise StoreError(f"a build of {self.target} writes a copy of it first: {size / 2**30:.1f} GB, with"
                                 f" {free / 2**30:.1f} GB free on its disk; free more space, or build elsewhere")
            for src in sources:
                shutil.copyfile(src, self.copy.parent / (self.copy.name + src.name[len(self.target.name):]))
        return self.copy

    def commit(self) -> None:
        """Replace the store by the copy, which its writer has closed."""
        if not self.copy.exists():  # nothing was opened: the store stays as it is
            self.committed = True
            return
        for side in _side_files(self.copy):
            if side.stat().st_size:
                raise StoreError(f"the build's copy {self.copy} was not closed cleanly ({side.name} is not empty)")
            side.unlink()
        _fsync(self.copy)
        self._done.write_bytes(b"")
        _fsync(self._done)
        _fsync(self.target.parent)
        self._swap()
        self.committed = True

    def close(self) -> None:
        """Release the lock; an uncommitted copy goes (the store never saw it)."""
        if self._lock is None:
            return
        try:
            if not self.committed and not self._done.exists():
                _remove(self.copy)
        finally:
            os.close(self._lock)  # the lock file stays: removing it would race a waiting build
            self._lock = None

    def __enter__(self) -> ShadowStore:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _settle(self) -> None:
        """What a build that died left: a copy marked complete is moved in; any other goes."""
        if self._done.exists():
            self._swap()
        else:
            _remove(self.copy)
        shutil.rmtree(self.copy.parent / f".{self.copy.name}.staging", ignore_errors=True)

    def _swap(self) -> None:
        """Each step can be repeated: a crash between two is finished by the next lock()."""
        if self.copy.exists():
            for side in _side_files(self.target):  # the old store's log must not replay on the new file
                side.unlink()
            os.replace(self.copy, self.target)
            _fsync(self.target.parent)
        self._done.unlink(missing_ok=True)
        _fsync(self.target.parent)


def locked(target: str) -> ShadowStore | None:
    """The build lock of the embedded store at ``target``, taken (what a dead build left settled);
    None for a Neo4j server, which has no copy to write and takes its own locks."""
    from kg.store import is_neo4j

    if is_neo4j(target):
        return None
    shadow = ShadowStore(Path(target))
    shadow.lock()
    return shadow


def unwritable(target: Path, exc: OSError) -> ConfigError:
    """A store path where no store can be written (a part of it a file, a directory we may not
    write) is a bad --store (exit 2), named with the part that failed, not a traceback."""
    import errno

    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        part = next((p for p in reversed(target.parents) if p.exists() and not p.is_dir()), exc.filename)
        return ConfigError(f"cannot write a store at {target}: {part} is a file, not a directory")
    return ConfigError(f"cannot write a store at {target}: {exc.filename} cannot be written: {exc.strerror}")


def _side_files(path: Path) -> list[Path]:
    """The engine's files named after the store's (log, checkpoint and lock files)."""
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.glob(f"{_glob_escape(path.name)}.*") if p.is_file())


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _remove(path: Path) -> None:
    for p in [path, *_side_files(path)]:
        p.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
