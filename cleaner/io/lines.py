"""JSONL input line by line, within limits: the byte offset of every line, lines too long
to hold skipped without being held, and where a big input is cut into parts.

A JSONL input is cut into parts at line starts: a line starts a new part when its offset
and the previous part's first offset fall in different multiples of `part_size` (so part
k + 1 starts at the first line start at or after the next multiple). Offsets count the
uncompressed bytes of a .gz file. The cut depends only on the input and the part size, so
any run, on any engine, with any number of processes, cuts the same parts.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from cleaner.io import remote

#: Bytes read from the input at once.
BLOCK = 1 << 20


@dataclass(frozen=True)
class Oversize:
    """A line longer than the limit: its size; its bytes were read past, never held."""

    size: int
    limit: int


class LineReader:
    """The lines of a binary stream positioned at byte `start`, with their offsets; a line
    holding more than `max_bytes` bytes before its newline comes as Oversize. Memory stays
    under max_bytes + 2 blocks, whatever the lines' lengths. `lines(end)` stops before the
    first line that starts at or after `end` and leaves it to the next call; `advance`
    moves forward without reading lines (a seek when the stream can seek)."""

    def __init__(self, fh: IO[bytes], max_bytes: int, start: int = 0, seekable: bool = False,
                 block: int = BLOCK):
        self.fh, self.max_bytes, self.seekable, self.block = fh, max_bytes, seekable, block
        self.buf = b""
        self.at = 0  # the next unread byte of buf
        self.pos = start  # the offset of buf[at] in the stream
        self.eof = False

    def _fill(self) -> int:
        """Read a block after what is held; returns how many bytes were held before (0 at
        the end of the stream, with nothing read)."""
        more = self.fh.read(self.block)
        if not more:
            self.eof = True
            return 0
        held = self.buf[self.at:]
        self.buf, self.at = held + more, 0
        return len(held) or -1

    def at_end(self) -> bool:
        """True when no line is left."""
        return self.at >= len(self.buf) and (self.eof or not self._fill())

    def advance(self, offset: int) -> None:
        """Go forward to `offset` (at or after the current position)."""
        ahead, held = offset - self.pos, len(self.buf) - self.at
        if ahead <= held:
            self.at += ahead
        else:
            if self.seekable:
                self.fh.seek(offset)
            else:
                skip(self.fh, ahead - held, self.block)
            self.buf, self.at = b"", 0
        self.pos = offset

    def lines(self, end: int | None = None) -> Iterator[tuple[int, bytes | Oversize]]:
        max_bytes = self.max_bytes
        while end is None or self.pos < end:
            nl = self.buf.find(b"\n", self.at)
            while nl < 0 and not self.eof and len(self.buf) - self.at <= max_bytes:
                held = self._fill()
                if held:
                    nl = self.buf.find(b"\n", max(held, 0))
            buf, at, pos = self.buf, self.at, self.pos
            if at >= len(buf):
                return
            stop = nl + 1 if nl >= 0 else len(buf)
            if (nl if nl >= 0 else len(buf)) - at <= max_bytes:  # a whole line (the last may lack its newline)
                self.at, self.pos = stop, pos + stop - at
                yield pos, buf[at:stop]
                continue
            size = (nl if nl >= 0 else len(buf)) - at  # over the limit
            if nl >= 0:
                self.at = stop
            else:  # read past the rest of it, holding one block at a time
                self.buf, self.at = b"", 0
                while not self.eof:
                    more = self.fh.read(self.block)
                    if not more:
                        self.eof = True
                        break
                    nl = more.find(b"\n")
                    if nl >= 0:
                        size, self.buf = size + nl, more[nl + 1:]
                        break
                    size += len(more)
            self.pos = pos + size + (nl >= 0)
            yield pos, Oversize(size, max_bytes)


def batches(lines: Iterable[tuple[int, bytes | Oversize]], records: int, size: int) -> Iterator[list[bytes | Oversize]]:
    """`lines` (LineReader.lines) in lists of at most `records` lines, a list closed as soon
    as its lines hold `size` bytes or more (an Oversize line counts for nothing: it holds
    none); none is empty, and none is lost or doubled."""
    held: list[bytes | Oversize] = []
    total = 0
    for _, line in lines:
        held.append(line)
        total += len(line) if isinstance(line, bytes) else 0
        if len(held) >= records or total >= size:
            yield held
            held, total = [], 0
    if held:
        yield held


def next_cut(offset: int, part_size: int) -> int:
    """The offset from which the first line start begins the part after the one whose
    first line starts at `offset`."""
    return (offset // part_size + 1) * part_size


def part_starts(fh: IO[bytes], part_size: int, block: int = BLOCK) -> tuple[list[int], list[int], int]:
    """Scan a whole stream: the offset where each part starts, the line number (1-based)
    of each part's first line, and the stream's size. Holds one block at a time."""
    starts, first_lines = [0], [1]
    pos = newlines = 0
    want = next_cut(0, part_size)
    while True:
        data = fh.read(block)
        if not data:
            break
        while True:  # the line start at or after `want` is after the first newline at or after want - 1
            nl = data.find(b"\n", max(want - 1 - pos, 0))
            if nl < 0 or want - 1 - pos >= len(data):
                break
            cut = pos + nl + 1
            starts.append(cut)
            first_lines.append(1 + newlines + data.count(b"\n", 0, nl + 1))
            want = next_cut(cut, part_size)
        newlines += data.count(b"\n")
        pos += len(data)
    if len(starts) > 1 and starts[-1] >= pos:  # the end of the input starts no line
        starts.pop()
        first_lines.pop()
    return starts, first_lines, pos


def is_gzip(path) -> bool:
    return str(path).lower().endswith(".gz")


def open_at(path: Path | str, offset: int, storage_options: dict | None = None) -> IO[bytes]:
    """A binary stream of a file or fsspec URL positioned at uncompressed byte `offset`
    (a .gz input is decompressed up to it)."""
    if remote.is_url(path):
        fh = remote.open_read(str(path), storage_options)
    else:
        fh = gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")
    if offset:
        if is_gzip(path):
            skip(fh, offset)
        else:
            fh.seek(offset)
    return fh


def skip(fh: IO[bytes], count: int, block: int = BLOCK) -> int:
    """Read past `count` bytes of `fh`; returns how many there were."""
    left = count
    while left > 0:
        got = len(fh.read(min(block, left)))
        if not got:
            break
        left -= got
    return count - left
