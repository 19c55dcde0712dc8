"""Read a file as numbered lines without trusting it: bytes are checked, not assumed.

Each line keeps its 1-based number, its byte offset and, when it could not be read as
UTF-8 text (a bad byte, a NUL byte, a line too long to be a listing line), the reason.
Readers decide what a bad line costs: the entry it belongs to becomes a SkippedRecord.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: a listing line longer than this is not a listing line (abstracts are a few KB)
MAX_LINE_BYTES = 1 << 20
#: a paper's title and abstract longer than this, in characters, are not a paper's (abstracts are a
#: few KB), and the extractor would refuse them (spaCy's nlp.max_length) and fail the build
MAX_TEXT_CHARS = 1_000_000
#: how much of the file start is checked for binary content
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Line:
    number: int
    offset: int
    text: str
    #: why this line cannot be trusted (None when it is fine)
    error: str | None = None


class FileProblem(Exception):
    """The whole file cannot be read as text (internal: the reader turns it into a record)."""

    def __init__(self, reason: str, line: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def sniff(path: Path) -> bytes:
    """The first bytes of the file, after checking it is text and not empty."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise FileProblem("empty file: nothing to read")
    for bom, name in ((codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
                      (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32")):
        if head.startswith(bom) and not head.startswith(codecs.BOM_UTF8):
            raise FileProblem(f"wrong encoding: the file is {name} (byte-order mark), not UTF-8")
    nul = head.find(b"\x00")
    if nul >= 0:
        line = head.count(b"\n", 0, nul) + 1
        raise FileProblem(f"binary file: NUL byte at byte offset {nul}, not a text listing", line)
    if not head.strip():
        raise FileProblem("empty file: only whitespace")
    return head


def read_lines(path: Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Yield the file's lines one at a time (never more than one line in memory)."""
    with path.open("rb") as handle:
        number, offset = 0, 0
        while True:
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                return
            number += 1
            start = offset
            offset += len(raw)
            error = None
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                # skip the rest of the huge line in chunks, keeping memory bounded
                while True:
                    more = handle.readline(max_line_bytes)
                    offset += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                error = f"huge line: longer than {max_line_bytes} bytes"
                raw = raw[:max_line_bytes]
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
                start += len(codecs.BOM_UTF8)
            raw = raw.rstrip(b"\r\n")
            nul = raw.find(b"\x00")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace")
                error = error or (
                    f"wrong encoding: not UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset "
                    f"{start + exc.start})"
                )
            if nul >= 0:
                error = error or f"binary data: NUL byte at byte offset {start + nul}"
                text = text.replace("\x00", "")
            yield Line(number, start, text, error)
