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


def decode_utf8(raw: bytes, *, source: str) -> str:
    """``raw`` as UTF-8 text (a leading byte-order mark dropped); a byte that is not UTF-8 is an
    InputError naming the file, the line and the byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start + len(raw) - len(exc.object)  # the codec reports offsets after a byte-order mark
        raise InputError(f"not UTF-8 (byte 0x{raw[at]:02x} at byte offset {at})", source=source,
                         line=raw.count(b"\n", 0, at) + 1) from None
