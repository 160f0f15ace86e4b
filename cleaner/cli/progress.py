"""The progress bar of `cleaner run`: tqdm on stderr, only on a terminal.

Progress is counted in bytes of input text (what `RunStats.bytes_in` counts: the bytes of
a file after gunzip, the JSONL lines). When the inputs are local files and their sizes are
known, the bar has a total, a percentage and an ETA; otherwise (stdin, URLs, `--resume`,
where part of the inputs is skipped) it shows the bytes done and the rate only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Iterable

from cleaner.io import remote
from cleaner.io.files import find_inputs
from cleaner.run.plan import STDIN, RunStats

#: Seconds between redraws of the bar.
REFRESH_SECONDS = 0.5
_WITH_TOTAL = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}B, ETA {remaining}, {rate_fmt}{postfix}"
_NO_TOTAL = "{desc} {n_fmt}B, {elapsed}, {rate_fmt}{postfix}"


def _size(path: Path) -> int | None:
    """Bytes of text in one input file: its size, or for .gz the uncompressed size from the
    gzip trailer (exact below 4 GiB for a one-member file; None when it cannot be read)."""
    size = path.stat().st_size
    if not path.name.lower().endswith(".gz"):
        return size
    try:
        with open(path, "rb") as fh:
            if fh.read(2) != b"\x1f\x8b" or size < 18:
                return None
            fh.seek(-4, 2)
            return int.from_bytes(fh.read(4), "little")
    except OSError:
        return None


def total_bytes(inputs: Iterable, out_dir: Path | None) -> int | None:
    """The bytes of text the inputs hold, when every input is a local file whose size is
    known; else None (stdin, URLs, an unreadable gzip trailer)."""
    total = 0
    for p in inputs:
        if p == STDIN or remote.is_url(p):
            return None
    for item in find_inputs(list(inputs), out_dir):
        try:
            size = _size(item.path)
        except OSError:
            size = 0  # the run will report the file; it adds nothing to the bar
        if size is None:
            return None
        total += size
    return total


def _width(stream: IO[str]) -> int:
    """The terminal's width, or 0 when it does not say (a pseudo-terminal of size 0)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class Progress:
    """Call with the run's stats after each task; `done()` removes the bar."""

    def __init__(self, enabled: bool, total: int | None = None, stream: IO[str] | None = None):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            stream = stream or sys.stderr
            # follow the terminal's size; one that says 0x0 would hide the bar: take 80x24
            width = {"dynamic_ncols": True} if _width(stream) else {"ncols": 80, "nrows": 24}
            self.bar = tqdm(total=total, desc="cleaning", unit="B", unit_scale=True, unit_divisor=1000,
                            file=stream, leave=False, mininterval=REFRESH_SECONDS,
                            bar_format=_WITH_TOTAL if total else _NO_TOTAL, **width)

    def __call__(self, stats: RunStats) -> None:
        bar = self.bar
        if bar is None:
            return
        if bar.total and stats.bytes_in > bar.total:  # a gzip trailer understated a file
            bar.total = stats.bytes_in
        failed = f", {len(stats.failures):,} failed" if stats.failures else ""
        bar.set_postfix_str(f"{stats.documents:,} docs{failed}", refresh=False)
        bar.update(stats.bytes_in - bar.n)

    def done(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
