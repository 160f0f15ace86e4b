"""Context features: what surrounds a block, and where it sits in the document.

On a whole web page the article is a run of long, punctuated blocks; menus, teasers and
footers are runs of short ones. These features describe a block's neighbourhood so that
the decoder can find the article region from text alone: the share of prose around it, menu
runs, its position, the document's shape and regime, and what the sequence has shown so far
(a tail marker after the article's first prose) and has still to come (prose ahead).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, compress
from typing import Sequence

from cleaner.model import Block

#: Neighbours looked at on each side.
WINDOW = 3
#: A run of at least this many short blocks (at most SHORT_WORDS words each) is a menu.
SHORT_RUN, SHORT_WORDS = 4, 6
#: Relative position bins (upper bounds, share of the document's characters).
POSITION_BINS = ((0.1, "rel:0-10"), (0.25, "rel:10-25"), (0.75, "rel:25-75"), (0.9, "rel:75-90"))
POSITION_BOUNDS = tuple(bound for bound, _ in POSITION_BINS)
POSITION_NAMES = tuple(name for _, name in POSITION_BINS) + ("rel:90-100",)

#: Share of the document's characters in prose blocks (upper bounds): the whole document's
#: shape (a page's full text is mostly not prose; an extractor's output mostly is).
DOC_BINS = ((0.3, "lo"), (0.6, "mid"), (0.85, "high"))
#: Share of the document's blocks that are short (upper bounds): the document's regime. An
#: extractor's output has few short lines (on the development set: 90% of pages under 0.35),
#: a whole page's text has many (90% over 0.55), from menus, teasers and footers.
SHORT_BINS = ((0.25, "few"), (0.5, "some"))
#: The regimes' names (what conjoined() appends to a learned feature's name after "@").
REGIMES = tuple(name for _, name in SHORT_BINS) + ("many",)


def context_features(blocks: Sequence[Block], counts: Sequence[int], prose: Sequence[bool]) -> list[dict[str, float]]:
    """Per block: the share of prose around it, menu runs, its position (relative, first,
    last), and the document's shape and regime (`prose`: whether each block is prose)."""
    n = len(blocks)
    short = [0 < count <= SHORT_WORDS for count in counts[:n]]
    run = [0] * n  # length of the run of short blocks each block belongs to
    i = 0
    while i < n:
        if not short[i]:
            i += 1
            continue
        j = i + 1
        while j < n and short[j]:
            j += 1
        run[i:j] = [j - i] * (j - i)
        i = j
    total = max(1, blocks[-1].end) if blocks else 1
    sizes = [len(b.text) for b in blocks]
    prose_chars = sum(compress(sizes, prose))
    all_chars = max(1, sum(sizes))
    doc_share = prose_chars / all_chars
    doc_feature = "doc.prose:" + next((name for bound, name in DOC_BINS if doc_share < bound), "hi")
    short_share = sum(short) / max(1, n)
    regime = "doc.short:" + next((name for bound, name in SHORT_BINS if short_share < bound), REGIMES[-1])
    upto = [0, *accumulate(prose)]  # upto[k]: prose blocks before block k
    after = [*prose[1:], False]  # whether the next block is prose
    positions = [bisect_right(POSITION_BOUNDS, b.start / total) for b in blocks]
    out = []
    for i in range(n):
        lo, hi = (i - WINDOW if i > WINDOW else 0), (i + WINDOW + 1 if i + WINDOW < n else n)
        around = hi - lo - 1
        share = (upto[hi] - upto[lo] - prose[i]) / around if around else 0.0
        f = {doc_feature: 1.0, regime: 1.0,
             "ctx.prose:0" if share == 0 else "ctx.prose:lo" if share <= 0.34 else
             "ctx.prose:mid" if share <= 0.67 else "ctx.prose:hi": 1.0}
        if i > 0 and prose[i - 1]:
            f["ctx.prev-prose"] = 1.0
        if after[i]:
            f["ctx.next-prose"] = 1.0
        if run[i] >= SHORT_RUN:
            f["ctx.short-run"] = 1.0
        f[POSITION_NAMES[positions[i]]] = 1.0
        out.append(f)
    if out:
        out[0]["pos:first"] = 1.0
        out[-1]["pos:last"] = 1.0
    return out


def sequence_features(feats: list[dict[str, float]], ruled: Sequence[bool]) -> None:
    """In place: has a tail marker (a rule with effect `end`) or any rule been seen since the
    first prose block that no rule marks (`ruled`: a rule other than a trim fired on the
    block; markers in a menu above the article do not count), and how much prose is still
    to come after the block."""
    seen_prose = seen_end = seen_rule = False
    for f, own in zip(feats, ruled):
        if seen_end:
            f["seen.end"] = 1.0
        if seen_rule:
            f["seen.rule"] = 1.0
        if seen_prose:
            seen_end = seen_end or "rule.end" in f
            seen_rule = seen_rule or own
        # prose that a rule marks (a cookie notice, a quote-delay footer) does not start the article
        seen_prose = seen_prose or ("shape:prose" in f and not own)
    ahead = 0
    for f in reversed(feats):
        f["ahead.prose:" + ("0" if ahead == 0 else "few" if ahead <= 2 else "many")] = 1.0
        ahead += 1 if "shape:prose" in f else 0
