"""Reader comments: where the comment thread that closes a document starts.

An extractor appends the comment section to the article and strips most of its headers,
names and dates, so the comments read as prose. What is left of the thread's scaffolding
still shows: comment-widget lines that the comment rules recognise ('Reply', 'Jane says:',
'Rate This: 0 0', 'On <date>, Rosa said...', pingbacks). One such line could be a stray
button; two or more after the article's first prose are a thread. From the first of them
to the end of the document, every block carries `h.comment`, which the decoder weighs
towards TAIL (a comment thread is a tail the article never comes back from).

See `comment_start` for the exact condition.
"""

from __future__ import annotations

from typing import Sequence

from cleaner.model import Signal

#: Comment-rule hits after the article's first prose that make a thread, and the most
#: blocks between two consecutive hits of one thread.
THREAD_MIN, THREAD_GAP = 2, 15
#: A block is a hit when the comment rules on it weigh at least this much: a bare, generic
#: widget button ('Report', 'Reply': CMT009, weight 0.5) also sits under images and in
#: share bars, and is not enough on its own.
HIT_WEIGHT = 1.0
COMMENTS = "comments"


def comment_start(signals: Sequence[Sequence[Signal]], feats: Sequence[dict[str, float]],
                  ruled: Sequence[bool]) -> int | None:
    """The index of the block where the comment thread starts, or None.

    A hit is a block after the first unruled prose block whose comment rules weigh at least
    HIT_WEIGHT. The thread starts at the first hit that begins a run of THREAD_MIN hits,
    each at most THREAD_GAP blocks after the one before (a 'Comment' button in the share bar
    above the article is far from the comment section's own headers)."""
    first_prose = next((i for i, (f, own) in enumerate(zip(feats, ruled)) if "shape:prose" in f and not own), None)
    if first_prose is None:
        return None
    hits = [i for i in range(first_prose + 1, len(feats))
            if sum(s.weight for s in signals[i] if s.category == COMMENTS and s.effect != "trim") >= HIT_WEIGHT]
    for k in range(len(hits) - THREAD_MIN + 1):
        if all(hits[j + 1] - hits[j] <= THREAD_GAP for j in range(k, k + THREAD_MIN - 1)):
            return hits[k]
    return None


def comment_features(signals: Sequence[Sequence[Signal]], feats: Sequence[dict[str, float]],
                     ruled: Sequence[bool]) -> None:
    """In place: `h.comment` on every block from the comment thread's start to the end."""
    start = comment_start(signals, feats, ruled)
    if start is None:
        return
    for f in feats[start:]:
        f["h.comment"] = 1.0
