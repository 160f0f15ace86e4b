"""Repeats and lists: what a block shares with other blocks of its document.

The headline (`h.title`: a title over prose; `h.headline`: the first copy of a line printed
again), later copies (`h.repeat`, `h.copy`, `h.repeat-long`), a breadcrumb or site suffix
around the headline (`h.repeat-prefix`), the publisher's name (`h.site-name`), a caption
whose words recur in the paragraph beside it (`h.echo`), and the short lines under a
link-list heading that a rule found (`h.listed`).
"""

from __future__ import annotations

from itertools import compress
from typing import Sequence

from cleaner.engine.features.text import SMALL_WORDS, norm
from cleaner.model import Signal

#: A block may be a headline or a site name only up to these many words.
HEADLINE_MAX_WORDS, SITE_NAME_MAX_WORDS = 30, 15
#: A repeat must have at least this many words to count (so "Share" twice is not a repeat).
REPEAT_MIN_WORDS = 3
#: A title has this many words, and is followed by prose of at least PROSE_MIN_WORDS words;
#: a caption or byline between them has at most CAPTION_MAX_WORDS.
TITLE_WORDS, PROSE_MIN_WORDS, CAPTION_MAX_WORDS = (5, 30), 25, 12
#: A headline printed once comes after at most this many short header lines.
TITLE_MAX_INDEX = 5
#: Up to this many lines above the first prose block, repeats() tests each block against
#: them; with more, it looks its affixes up (the same test, faster for many lines).
FEW_ABOVE = 24


def is_title(counts: Sequence[int], ends: Sequence[bool], i: int) -> bool:
    """A headline: TITLE_WORDS words without closing punctuation, followed by a block of
    prose of at least PROSE_MIN_WORDS words, either next or after one short block (a
    caption or a byline)."""
    if not TITLE_WORDS[0] <= counts[i] <= TITLE_WORDS[1] or ends[i]:
        return False
    for k in (i + 1, i + 2):
        if k >= len(counts):
            return False
        if counts[k] >= PROSE_MIN_WORDS and ends[k]:
            return True
        if counts[k] > CAPTION_MAX_WORDS:
            return False
    return False


def title_index(counts: Sequence[int], ends: Sequence[bool], ruled: Sequence[bool],
                feats: Sequence[dict[str, float]]) -> int | None:
    """The headline printed once at the top: the first block, or a block after at most
    TITLE_MAX_INDEX short header lines (a date, the site's name, a section label: none longer
    than CAPTION_MAX_WORDS, none prose), that `is_title` and that no rule marks. None when a
    repeat already found the headline (`h.headline`) above it."""
    for i in range(min(len(counts), TITLE_MAX_INDEX + 1)):
        if "h.headline" in feats[i]:
            return None
        if not ruled[i] and is_title(counts, ends, i):
            return i
        if counts[i] > CAPTION_MAX_WORDS or "shape:prose" in feats[i]:
            return None
    return None


def echoes(words: Sequence[str], norms: Sequence[str], i: int) -> bool:
    """Every word of a short title-case line recurs in the block after it (or before it):
    a caption naming who is in the picture, or a teaser repeating its story's words."""
    content = [w for w in words if w not in SMALL_WORDS]
    if len(content) < 2:
        return False
    for k in (i + 1, i - 1):
        if 0 <= k < len(norms) and norms[k] != norms[i]:
            around = set(norms[k].split())
            if len(around) > len(words) and all(w in around for w in words):
                return True
    return False


def _spaces(text: str) -> list[int]:
    out, k = [], text.find(" ")
    while k >= 0:
        out.append(k)
        k = text.find(" ", k + 1)
    return out


def affixes(normed: str) -> tuple[str, ...]:
    """The text without its first k words, then without its last k words, for every k
    that leaves at least REPEAT_MIN_WORDS words (`normed` has single spaces: see norm)."""
    spaces = _spaces(normed)
    if len(spaces) + 1 > HEADLINE_MAX_WORDS + 12:
        return ()
    parts = [normed[spaces[k] + 1:] for k in range(len(spaces) - REPEAT_MIN_WORDS + 1)]
    parts += [normed[:spaces[-k]] for k in range(1, len(spaces) - REPEAT_MIN_WORDS + 2)]
    return tuple(parts)


def repeats(norms: Sequence[str], counts: Sequence[int],
            prose: Sequence[bool] | None = None) -> dict[int, dict[str, float]]:
    """Repeated blocks: the first standalone copy of a repeated text is a headline
    (`h.headline`) above the first prose block (`prose`), and kept like one below it
    (`h.first-copy`: a subhead or list item printed again); a later exact copy is `h.repeat`
    when the first copy is above the first prose block (a headline, a menu), `h.copy` when
    it is below (a list item printed twice; its weight is learned per regime), and
    `h.repeat-long` for a paragraph; a block made of a block above the first prose block
    and a prefix or suffix (breadcrumb + headline, headline | site) is `h.repeat-prefix`
    (an article sentence that contains a short label from further down is not)."""
    first: dict[str, int] = {}
    for i, n in enumerate(norms):
        if counts[i] >= REPEAT_MIN_WORDS:
            first.setdefault(n, i)
    out: dict[int, dict[str, float]] = {}
    contained: set[int] = set()
    top = next((i for i, p in enumerate(prose) if p), len(norms)) if prose is not None else len(norms)
    above = [(m, j) for m, j in first.items() if j < top]  # what a block may be made of
    few = len(above) <= FEW_ABOVE
    edges = [(m + " ", " " + m, j) for m, j in above] if few else []  # (a block starting or ending with one)
    for i, n in enumerate(norms):
        if counts[i] < REPEAT_MIN_WORDS:
            continue
        if first[n] != i:
            if counts[i] > HEADLINE_MAX_WORDS:  # a repeated paragraph, not a title or label
                name = "h.repeat-long"
            else:  # a copy of the headline or of a line above the article, or of a line in it
                name = "h.repeat" if first[n] < top else "h.copy"
            out.setdefault(i, {})[name] = 1.0
            contained.add(first[n])
            continue
        if counts[i] > HEADLINE_MAX_WORDS + 12:
            continue
        if few:  # the same test as below, without making every affix of the block
            found = [j for prefix, suffix, j in edges if n.startswith(prefix) or n.endswith(suffix)]
        else:
            found = [j for j in map(first.get, affixes(n)) if j is not None and j < top]
        for j in found:  # a headline or a line above the article
            out.setdefault(i, {})["h.repeat-prefix"] = 1.0
            contained.add(j)
    for j in contained:
        if counts[j] <= HEADLINE_MAX_WORDS:
            out.setdefault(j, {})["h.headline" if j < top else "h.first-copy"] = 1.0
    return out


def site_names(meta_site: str | None, signals: Sequence[Sequence[Signal]]) -> tuple[str, ...]:
    """The publisher's names: from the config or document, and from rule captures."""
    names = {norm(meta_site)} if meta_site else set()
    for sigs in signals:
        if sigs:
            names.update(norm(s.capture) for s in sigs if s.capture)
    return tuple(sorted(n for n in names if n and len(n) >= 3))


def mentions_site(normed: str, n_words: int, names: Sequence[str]) -> bool:
    if n_words > SITE_NAME_MAX_WORDS:
        return False
    padded = f" {normed} "
    return any(f" {name} " in padded for name in names)


#: Rule categories whose lines head a list of links (a "You may also like" heading).
LIST_HEADS = ("rule:related", "rule:navigation", "rule:social", "rule:share", "rule:tags")
#: A listed line has at most this many words and is not prose; a list has at most
#: LIST_MAX_ITEMS lines (a longer run of short lines is a table or a list of the article's).
LIST_MAX_WORDS, LIST_MAX_ITEMS = 15, 10


def listed_features(feats: list[dict[str, float]], counts: Sequence[int], ruled: Sequence[bool]) -> None:
    """In place: `h.listed` on the short lines (no prose, no rule of their own: `ruled`) that
    follow, without a break, a line a link-list heading rule marks: the teaser headlines
    under "You may also like...", the items under "Related"."""
    # a heading is a line a rule marks: none is listed above the first, so start there
    first = next((i for i in compress(range(len(feats)), ruled) if not feats[i].keys().isdisjoint(LIST_HEADS)), None)
    if first is None:
        return
    items = -1  # lines since the heading; -1: no list open
    for f, n, own in zip(feats[first:], counts[first:], ruled[first:]):
        if n == 0 and not own:  # a separator ("-", "|") neither ends the list nor is an item
            continue
        short = 0 < n <= LIST_MAX_WORDS and "shape:prose" not in f
        headline = "h.title" in f or "h.headline" in f  # under a breadcrumb: it ends the "list"
        if 0 <= items < LIST_MAX_ITEMS and short and not own and not headline:
            f["h.listed"] = 1.0
        if not f.keys().isdisjoint(LIST_HEADS):
            items = 0
        elif not short or headline or items >= LIST_MAX_ITEMS:
            items = -1
        elif items >= 0:
            items += 1
