"""Segment: split a text into blocks that keep their place in the original.

A block is a non-empty line: extractors emit one paragraph per line. Hard-wrapped text (a
paragraph broken into lines of similar width) is the exception: there the lines up to a
blank line form one block. Each block keeps its span and the separator that follows it, so
that output can be made only of input text, in input order.
"""

from __future__ import annotations

from cleaner.model import Block

#: Hard wrapping: at least this many wrapped lines...
WRAP_MIN_LINES = 4
#: ...the widest of them between these widths (characters)...
WRAP_MIN_WIDTH, WRAP_MAX_WIDTH = 40, 110
#: ...and this share of them at least WRAP_FILL of the widest.
WRAP_SHARE, WRAP_FILL = 0.8, 0.6


def _lines(text: str) -> list[tuple[int, int]]:
    """Content spans (start, end) of lines, stripped; (start, start) for blank lines."""
    spans = []
    append = spans.append
    pos = 0
    for line in text.split("\n"):
        size = len(line)
        stripped = line.strip()
        if stripped:
            start = pos + size - len(line.lstrip()) if line[0].isspace() else pos
            append((start, start + len(stripped)))
        else:
            append((pos, pos))
        pos += size + 1
    if not text or text.endswith("\n"):
        spans.pop()  # what follows the last line break is not a line
    return spans


def _paragraphs(spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    paras: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for s, e in spans:
        if s == e:
            if current:
                paras.append(current)
                current = []
        else:
            current.append((s, e))
    if current:
        paras.append(current)
    return paras


def is_hard_wrapped(paras: list[list[tuple[int, int]]]) -> bool:
    """True when the lines inside paragraphs look wrapped at a fixed width."""
    widths = [e - s for p in paras if len(p) > 1 for s, e in p[:-1]]
    lines = sum(len(p) for p in paras)
    if len(widths) < WRAP_MIN_LINES or len(widths) < lines / 2:
        return False
    widest = max(widths)
    if not WRAP_MIN_WIDTH <= widest <= WRAP_MAX_WIDTH:
        return False
    full = sum(1 for w in widths if w >= WRAP_FILL * widest)
    return full >= WRAP_SHARE * len(widths)


def segment(text: str, wrapped: bool | None = None) -> list[Block]:
    """Split `text` into blocks; `"".join(b.text + b.separator)` covers the text from the
    first block on (leading white space is the only thing outside every block). `wrapped`:
    join the lines of paragraphs (True), keep every line a block (False), or decide from
    the text (None, see is_hard_wrapped)."""
    spans = _lines(text)
    if wrapped is None:
        wrapped = is_hard_wrapped(_paragraphs(spans))
    if wrapped:
        units = [(p[0][0], p[-1][1]) for p in _paragraphs(spans)]
    else:
        units = [(s, e) for s, e in spans if s != e]
    nexts = [s for s, _ in units[1:]]
    nexts.append(len(text))
    # Block(index, start, end, text, separator)
    return [Block(i, s, e, text[s:e], text[e:nxt]) for i, ((s, e), nxt) in enumerate(zip(units, nexts))]
