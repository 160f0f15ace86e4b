"""Assemble: the kept spans of blocks, in order, joined with their original separators; and
the map from a pass's text back to the original. `replay` rebuilds an output from the
original and a Result's decisions alone."""

from __future__ import annotations

import bisect
from typing import Mapping, Sequence

from cleaner.model import Block, Decision, Result


class OffsetMap:
    """Maps offsets in a pass's text back to the original (pieces of copied text)."""

    def __init__(self, pieces: Sequence[tuple[int, int, int]] = ()):
        self.pieces = list(pieces)  # (out_start, orig_start, length), sorted
        self.starts = [p[0] for p in self.pieces]

    def __call__(self, pos: int) -> int:
        if not self.pieces:
            return pos
        k = max(0, bisect.bisect_right(self.starts, pos) - 1)
        out, orig, _ = self.pieces[k]
        return orig + (pos - out)


def assemble(original: str, blocks: Sequence[Block], kept: Mapping[int, tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Kept spans of blocks in order, joined with their original separators, one final newline."""
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    pos = 0
    order = sorted(kept)
    for n, j in enumerate(order):
        s, e = kept[j]
        b = blocks[j]
        pieces.append((pos, s, e - s))
        parts.append(original[s:e])
        pos += e - s
        if n + 1 < len(order):
            sep_start, sep = b.end, b.separator  # a trimmed suffix is skipped
            pieces.append((pos, sep_start, len(sep)))
            parts.append(sep)
            pos += len(sep)
    if parts:
        parts.append("\n")
    return "".join(parts), OffsetMap(pieces)



def kept_part(decision: Decision) -> tuple[int, int]:
    """The span of a kept block's text that its trims left (relative to the block): the
    cuts are a prefix and a suffix of it, each made in one or more pieces."""
    lo, hi = 0, len(decision.block.text)
    for s, e in sorted(decision.trimmed):
        if s <= lo:
            lo = max(lo, e)
    for s, e in sorted(decision.trimmed, reverse=True):
        if e >= hi:
            hi = min(hi, s)
    return lo, hi


def replay(result: Result) -> str:
    """Rebuild the output from the original and the decisions alone (they are complete)."""
    kept: dict[int, tuple[int, int]] = {}
    blocks = [d.block for d in result.decisions]
    for d in result.decisions:
        if d.kept:
            lo, hi = kept_part(d)
            kept[d.block.index] = (d.block.start + lo, d.block.start + hi)
    return assemble(result.original, blocks, kept)[0] if blocks else ""
