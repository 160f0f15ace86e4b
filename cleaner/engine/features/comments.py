"""Reader comments: where the comment thread that closes a document starts.

An extractor appends the comment section to the article and strips most of its headers,
names and dates, so the comments read as prose. What is left of the thread still shows:
comment-widget lines that the comment rules recognise ('Reply', 'Jane says:', 'Rate This:
0 0', 'On <date>, Rosa said...', pingbacks), the way readers open a comment (cues: 'Thanks
for sharing', 'Congrats!', 'Hi Joy,', emoticons, 'lol'), and the date stamped on every
comment. One such line could be a stray button; two or more after the article's first prose
are a thread, and so is a close run of date lines. From the thread's first line to the end
of the document, every block carries `h.comment`, which the decoder weighs towards TAIL (a
comment thread is a tail the article never comes back from).

See `comment_start` and `dated_start` for the exact conditions.
"""

from __future__ import annotations

from typing import Sequence

from cleaner.model import EVIDENCE, Signal

#: A thread scores at least THREAD_SCORE: a block a comment rule fired on (weighing at
#: least HIT_WEIGHT) scores 1, a block with a comment cue (effect `cue`: "Thanks for
#: sharing", "Congrats!", "Hi Joy,") scores CUE_SCORE. Consecutive hits of one thread are at
#: most THREAD_GAP blocks apart.
THREAD_SCORE, THREAD_GAP, CUE_SCORE = 2.0, 15, 1.0
#: A bare, generic widget button ('Report', 'Reply': CMT009, weight 0.5) also sits under
#: images and in share bars, and is not a hit on its own.
HIT_WEIGHT = 1.0
RULE_SCORE = 1.0
#: A thread made of cues only starts after at least this many prose blocks of the article
#: (a reader's voice in the article's own first paragraphs is the article's).
CUE_AFTER_PROSE = 3
#: A run of at least DATED_RUN date lines (a `dateline` rule fired on the whole block), each
#: at most DATED_GAP blocks after the one before, is a thread whose comments are stamped
#: with their dates ('Jane', 'Great story!', 'November 5, 2012', 'Bob', ...). It too must start
#: after CUE_AFTER_PROSE prose blocks.
DATED_RUN, DATED_GAP = 4, 5
COMMENTS, DATES = "comments", "dateline"


def _prose(feats: Sequence[dict[str, float]], ruled: Sequence[bool]) -> list[int]:
    """The blocks shaped like prose that no rule fired on."""
    return [i for i, (f, own) in enumerate(zip(feats, ruled)) if "shape:prose" in f and not own]


def _hit(signals: Sequence[Signal]) -> tuple[float, bool]:
    """What a block adds to a thread (RULE_SCORE for comment rules, CUE_SCORE for a cue
    alone, else 0), and whether a comment rule made it."""
    if not signals:
        return 0.0, False
    weight = sum(s.weight for s in signals if s.category == COMMENTS and s.effect in EVIDENCE)
    if weight >= HIT_WEIGHT:
        return RULE_SCORE, True
    return (CUE_SCORE if any(s.effect == "cue" for s in signals) else 0.0), False


def comment_start(signals: Sequence[Sequence[Signal]], feats: Sequence[dict[str, float]],
                  ruled: Sequence[bool]) -> int | None:
    """The index of the block where the comment thread starts, or None.

    Hits are the blocks after the first unruled prose block that `_hit` scores. The thread
    starts at the first hit that begins a run of hits, each at most THREAD_GAP blocks after
    the one before, scoring THREAD_SCORE in all (a 'Comment' button in the share bar above
    the article is far from the comment section's own headers). A run of cues alone must
    start after CUE_AFTER_PROSE prose blocks."""
    prose = _prose(feats, ruled)
    if not prose:
        return None
    hits = [(i, *_hit(signals[i])) for i in range(prose[0] + 1, len(feats)) if signals[i]]  # (no signal: no hit)
    hits = [(i, h, rule) for i, h, rule in hits if h]
    for k, (start, _, _) in enumerate(hits):
        score, last, rules = 0.0, start, 0
        for i, h, rule in hits[k:]:
            if i - last > THREAD_GAP:
                break
            score, last, rules = score + h, i, rules + rule
            if score >= THREAD_SCORE:
                if rules or sum(1 for p in prose if p < start) >= CUE_AFTER_PROSE:
                    return start
                break
    return None


def dated_start(signals: Sequence[Sequence[Signal]], prose: Sequence[int]) -> int | None:
    """The first block of a run of DATED_RUN date lines after the article's first
    CUE_AFTER_PROSE prose blocks, each at most DATED_GAP blocks after the one before."""
    if len(prose) < CUE_AFTER_PROSE:
        return None
    dated = [i for i in range(prose[CUE_AFTER_PROSE - 1] + 1, len(signals))
             if signals[i] and any(s.category == DATES and s.effect in EVIDENCE for s in signals[i])]
    for k in range(len(dated) - DATED_RUN + 1):
        run = dated[k:k + DATED_RUN]
        if all(b - a <= DATED_GAP for a, b in zip(run, run[1:])):
            return run[0]
    return None


def comment_features(signals: Sequence[Sequence[Signal]], feats: Sequence[dict[str, float]],
                     ruled: Sequence[bool]) -> None:
    """In place: `h.comment` on every block from the comment thread's start to the end."""
    start = comment_start(signals, feats, ruled)
    dated = dated_start(signals, _prose(feats, ruled))
    if dated is not None and (start is None or dated < start):
        start = dated
    if start is None:
        return
    for f in feats[start:]:
        f["h.comment"] = 1.0
