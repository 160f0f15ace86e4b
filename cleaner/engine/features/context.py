"""Context features: what surrounds a block, and where it sits in the document.

On a whole web page the article is a run of long, punctuated blocks; menus, teasers and
footers are runs of short ones. These features describe a block's neighbourhood so that
the decoder can find the article region from text alone.
"""

from __future__ import annotations

from typing import Sequence

import regex

from cleaner.model import Block

#: A block is prose when it has at least this many words and ends like a sentence.
PROSE_WORDS = 16
#: Neighbours looked at on each side.
WINDOW = 3
#: A run of at least this many short blocks (at most SHORT_WORDS words each) is a menu.
SHORT_RUN, SHORT_WORDS = 4, 6
#: Relative position bins (upper bounds, share of the document's characters).
POSITION_BINS = ((0.1, "rel:0-10"), (0.25, "rel:10-25"), (0.75, "rel:25-75"), (0.9, "rel:75-90"))

#: Share of the document's characters in prose blocks (upper bounds): the whole document's
#: shape (a page's full text is mostly not prose; an extractor's output mostly is).
DOC_BINS = ((0.3, "lo"), (0.6, "mid"), (0.85, "high"))
#: Share of the document's blocks that are short (upper bounds): the document's regime. An
#: extractor's output has few short lines (on the development set: 90% of pages under 0.35),
#: a whole page's text has many (90% over 0.55), from menus, teasers and footers.
SHORT_BINS = ((0.25, "few"), (0.5, "some"))
#: The regimes' names (what conjoin() appends to a learned feature's name after "@").
REGIMES = tuple(name for _, name in SHORT_BINS) + ("many",)

_BULLET = regex.compile(r"^[-•*▪◦·]\s")
_DASH = regex.compile(r"^[—–]\s?")
_QUOTE = regex.compile(r"^[\"“”«„‘’']")
_NUMERIC = regex.compile(r"^[\d\W_]+$")


def shape_features(text: str, prose: bool) -> dict[str, float]:
    """What the block's own shape says (prose, bullet, dash, quote, numbers, capitals)."""
    f: dict[str, float] = {}
    if prose:
        f["shape:prose"] = 1.0
    if _BULLET.match(text):
        f["shape:bullet"] = 1.0
    elif _DASH.match(text):
        f["shape:dash"] = 1.0
    if _QUOTE.match(text):
        f["shape:quote"] = 1.0
    if _NUMERIC.match(text):
        f["shape:numeric"] = 1.0
    if text.isupper() and sum(1 for c in text if c.isalpha()) >= 4:
        f["shape:allcaps"] = 1.0
    if text[:1].islower():
        f["shape:starts-lower"] = 1.0
    return f


def is_prose(n_words: int, ends_sentence: bool) -> bool:
    return n_words >= PROSE_WORDS and ends_sentence


def context_features(blocks: Sequence[Block], counts: Sequence[int], prose: Sequence[bool]) -> list[dict[str, float]]:
    """Per block: the share of prose around it, menu runs, relative position, and the
    document's shape and regime (`prose`: is_prose() of each block)."""
    n = len(blocks)
    short = [0 < counts[i] <= SHORT_WORDS for i in range(n)]
    run = [0] * n  # length of the run of short blocks each block belongs to
    i = 0
    while i < n:
        j = i
        while j < n and short[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    total = max(1, blocks[-1].end) if blocks else 1
    prose_chars = sum(len(b.text) for b, p in zip(blocks, prose) if p)
    all_chars = max(1, sum(len(b.text) for b in blocks))
    doc_share = prose_chars / all_chars
    doc_feature = "doc.prose:" + next((name for bound, name in DOC_BINS if doc_share < bound), "hi")
    short_share = sum(short) / max(1, n)
    regime = "doc.short:" + next((name for bound, name in SHORT_BINS if short_share < bound), REGIMES[-1])
    out = []
    for i, b in enumerate(blocks):
        f = {doc_feature: 1.0, regime: 1.0}
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        around = hi - lo - 1
        share = (sum(prose[lo:hi]) - prose[i]) / around if around else 0.0
        f["ctx.prose:" + ("0" if share == 0 else "lo" if share <= 0.34 else "mid" if share <= 0.67 else "hi")] = 1.0
        if i > 0 and prose[i - 1]:
            f["ctx.prev-prose"] = 1.0
        if i + 1 < n and prose[i + 1]:
            f["ctx.next-prose"] = 1.0
        if run[i] >= SHORT_RUN:
            f["ctx.short-run"] = 1.0
        rel = b.start / total
        f[next((name for bound, name in POSITION_BINS if rel < bound), "rel:90-100")] = 1.0
        out.append(f)
    return out


#: Rule categories whose lines head a list of links (a "You may also like" heading).
LIST_HEADS = ("rule:related", "rule:navigation", "rule:social", "rule:share", "rule:tags")
#: A listed line has at most this many words and is not prose; a list has at most
#: LIST_MAX_ITEMS lines (a longer run of short lines is a table or a list of the article's).
LIST_MAX_WORDS, LIST_MAX_ITEMS = 15, 10


def listed_features(feats: list[dict[str, float]], counts: Sequence[int], ruled: Sequence[bool]) -> None:
    """In place: `h.listed` on the short lines (no prose, no rule of their own: `ruled`) that
    follow, without a break, a line a link-list heading rule marks: the teaser headlines
    under "You may also like...", the items under "Related"."""
    items = -1  # lines since the heading; -1: no list open
    for f, n, own in zip(feats, counts, ruled):
        short = 0 < n <= LIST_MAX_WORDS and "shape:prose" not in f
        headline = "h.title" in f or "h.headline" in f  # under a breadcrumb: it ends the "list"
        if 0 <= items < LIST_MAX_ITEMS and short and not own and not headline:
            f["h.listed"] = 1.0
        if any(k in f for k in LIST_HEADS):
            items = 0
        elif not short or headline or items >= LIST_MAX_ITEMS:
            items = -1
        elif items >= 0:
            items += 1


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


#: Features that are not tied to the document's regime: the rules, the repeat, headline and
#: caption heuristics (all but h.repeat-long have hand-set weights, see benchmarks/fit.py),
#: and the regime itself.
UNCONJOINED = ("rule:", "rule.end", "h.repeat", "h.headline", "h.first-copy", "h.title", "h.echo", "doc.short:")


def conjoin(features: dict[str, float], names: dict[str, str | None] | None = None) -> None:
    """Rename the learned features to `name@regime`, in place, so that the decoder has one
    set of weights for a whole page's text (`@many` short lines), one for an extractor's
    output (`@few`) and one in between (`@some`). `names` memoises the renaming for the
    blocks of one document (all share the document's regime)."""
    regime = next((k for k in features if k.startswith("doc.short:")), None)
    if regime is None:
        return
    tag = regime.split(":", 1)[1]
    names = {} if names is None else names
    for name, value in list(features.items()):
        new = names.get(name, "")
        if new == "":
            new = names[name] = None if name.startswith(UNCONJOINED) else f"{name}@{tag}"
        if new is not None:
            del features[name]
            features[new] = value
