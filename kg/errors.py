"""One error root for the project; the CLI turns these into one clean line and a non-zero exit."""

from __future__ import annotations


class KGError(Exception):
    """Root of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """Bad input: carries the file and line so the user can find it."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        self.reason = message
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(where + message)


class ConfigError(KGError):
    """A pipeline file, option or environment variable is wrong."""

    exit_code = 2


class StoreError(KGError):
    """The graph store refused or failed an operation."""

    exit_code = 3


class ExtractionError(KGError):
    """The extraction pipeline could not be loaded or run."""

    exit_code = 4
