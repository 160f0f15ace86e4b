"""Heuristic features of blocks: each named, each computed in one place.

A feature is a name and a value; the decoder's weights file says how much each feature
counts for each state. Features named ``h.<name>`` are the named heuristics that a removal
can cite (``h.repeat``, ``h.site-name``, ...); the rest (length, punctuation, stopwords,
position) describe every block and are cited the same way when they decided.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import regex

from cleaner.engine.features.context import (conjoin, context_features, is_prose, listed_features, sequence_features,
                             shape_features)
from cleaner.model import Block, Signal

_NORM = regex.compile(r"[\W_]+")
_END_PUNCT = regex.compile(r"[.!?…:;][\"'”’»)\]]*$")
_ANY_PUNCT = regex.compile(r"[.!?…;]")
_URL = regex.compile(r"(?i)\bhttps?://|\bwww\.\w")
_ARROWS = regex.compile(r"[|»›•→←▸►]")
_NAV_WORD = regex.compile(r"(?i)^(?:next|previous|prev|more|back|home|menu|search|close|open|login|log in|sign in|subscribe)$")
_DATE_TOKEN = regex.compile(
    r"(?i)^(?:\d{1,4}|\d{1,2}(?:st|nd|rd|th)|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|"
    r"tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|"
    r"gmt|utc|bst|est|edt|pst|pdt|cet|cest|ago|min|mins|minutes?|hours?|hrs?|days?|weeks?|"
    r"updated|published|posted|last|on|at|read)$"
)

#: Word-count bins (upper bounds) and their feature names.
LENGTH_BINS = ((1, "len:1"), (3, "len:2-3"), (6, "len:4-6"), (10, "len:7-10"), (15, "len:11-15"),
               (25, "len:16-25"), (40, "len:26-40"), (80, "len:41-80"))
#: Stopword density bins (upper bounds); only for blocks of STOP_MIN_WORDS words or more.
STOP_BINS = ((0.15, "stop:low"), (0.30, "stop:mid"))
STOP_MIN_WORDS = 4
#: A block may be a headline, a site name or a caption only up to these many words.
HEADLINE_MAX_WORDS, SITE_NAME_MAX_WORDS, TITLECASE_MAX_WORDS = 30, 15, 12
#: A repeat must have at least this many words to count (so "Share" twice is not a repeat).
REPEAT_MIN_WORDS = 3
#: Above this many words a block has "mass": h.mass = log2(words / MASS_WORDS), a weight
#: that keeps a long block of text unless evidence about the block itself removes it.
MASS_WORDS = 60
#: Longer blocks are prose that may quote a URL, not links.
LINKISH_MAX_WORDS = 15
#: Share of capitalised words that makes a line title-case.
TITLECASE_SHARE = 0.75
#: A title has this many words, and is followed by prose of at least PROSE_MIN_WORDS words.
TITLE_WORDS, PROSE_MIN_WORDS, CAPTION_MAX_WORDS = (5, 30), 25, 12
#: Up to this many lines above the first prose block, repeats() tests each block against
#: them; with more, it looks its affixes up (the same test, faster for many lines).
FEW_ABOVE = 24
#: Words of a document looked at to guess its language.
GUESS_WORDS = 1000
_SMALL_WORDS = frozenset("a an and & of the in on at for to with by or de la van von".split())


def norm(text: str) -> str:
    """Normalise for comparisons: lower case, words separated by single spaces."""
    return _NORM.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Stoplists:
    """jusText's stoplists and an index word -> languages, built once per Cleaner."""

    lists: Mapping[str, frozenset[str]]
    index: Mapping[str, tuple[str, ...]]

    @classmethod
    def load(cls) -> "Stoplists":
        import justext  # comes with trafilatura

        lists = {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}
        index: dict[str, list[str]] = {}
        for name, words in lists.items():
            for w in words:
                index.setdefault(w, []).append(name)
        return cls(lists, {w: tuple(v) for w, v in index.items()})

    def guess(self, words: Sequence[str], default: str = "English") -> str:
        """The language whose stoplist covers most of `words`."""
        counts: dict[str, int] = {}
        for w, n in Counter(words[:GUESS_WORDS]).items():
            for lang in self.index.get(w, ()):
                counts[lang] = counts.get(lang, 0) + n
        if not counts:
            return default
        best = max(counts.values())
        if counts.get(default, 0) == best:
            return default
        return min(lang for lang, c in counts.items() if c == best)


def _length_feature(n_words: int) -> str:
    for bound, name in LENGTH_BINS:
        if n_words <= bound:
            return name
    return "len:81+"


def _stop_feature(words: Sequence[str], stopwords: frozenset[str]) -> str | None:
    if len(words) < STOP_MIN_WORDS:
        return None
    density = sum(map(stopwords.__contains__, words)) / len(words)
    for bound, name in STOP_BINS:
        if density < bound:
            return name
    return "stop:high"


def is_titlecase(raw_words: Sequence[str]) -> bool:
    """Two to TITLECASE_MAX_WORDS words, nearly all capitalised (names, menus, captions)."""
    words = [w for w in raw_words if w.casefold() not in _SMALL_WORDS]
    if not 2 <= len(raw_words) <= TITLECASE_MAX_WORDS or not words:
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return caps >= TITLECASE_SHARE * len(words)


def is_date_only(raw_words: Sequence[str]) -> bool:
    """A line that is a date or a time and little else."""
    if not raw_words or len(raw_words) > 10:
        return False
    other = sum(1 for w in raw_words if not _DATE_TOKEN.match(w))
    return other == 0 and any(w.isdigit() for w in raw_words)


def is_linkish(text: str) -> bool:
    """URLs, arrow and bar separators, or a single navigation word."""
    return bool(_URL.search(text)) or len(_ARROWS.findall(text)) >= 2 or bool(_NAV_WORD.match(text.strip(" »›→←<>")))


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


def echoes(words: Sequence[str], norms: Sequence[str], i: int) -> bool:
    """Every word of a short title-case line recurs in the block after it (or before it):
    a caption naming who is in the picture, or a teaser repeating its story's words."""
    content = [w for w in words if w not in _SMALL_WORDS]
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
            found = [j for m, j in above if n.startswith(m + " ") or n.endswith(" " + m)]
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
        names.update(norm(s.capture) for s in sigs if s.capture)
    return tuple(sorted(n for n in names if n and len(n) >= 3))


def mentions_site(normed: str, n_words: int, names: Sequence[str]) -> bool:
    if n_words > SITE_NAME_MAX_WORDS:
        return False
    padded = f" {normed} "
    return any(f" {name} " in padded for name in names)


@dataclass(frozen=True)
class Local:
    """What a block's text alone says; computed once per distinct text of a document (the
    passes of a document share it)."""

    norm: str
    count: int
    ends: bool
    feats: Mapping[str, float]


def local_features(text: str, stopwords: frozenset[str]) -> Local:
    """Shape, length, punctuation, stopwords and the text-only named heuristics."""
    normed = norm(text)
    words = normed.split()
    count = len(words)
    ends = bool(_END_PUNCT.search(text))
    f = shape_features(text, is_prose(count, ends))
    f["bias"] = 1.0
    f[_length_feature(count)] = 1.0
    if ends:
        f["punct.end"] = 1.0
    elif count >= 3 and not _ANY_PUNCT.search(text):
        f["punct.none"] = 1.0
    stop = _stop_feature(words, stopwords)
    if stop:
        f[stop] = 1.0
    raw = text.split()
    if not ends and is_titlecase(raw):
        f["h.titlecase"] = 1.0
    if count <= LINKISH_MAX_WORDS and is_linkish(text):
        f["h.linkish"] = 1.0
    if is_date_only(raw):
        f["h.date-only"] = 1.0
    if count > MASS_WORDS:
        f["h.mass"] = math.log2(count / MASS_WORDS)
    return Local(normed, count, ends, f)


def block_features(
    blocks: Sequence[Block],
    signals: Sequence[Sequence[Signal]],
    stopwords: frozenset[str],
    site: str | None,
    cache: dict[str, Local] | None = None,
) -> list[dict[str, float]]:
    """One feature dict per block, from the block itself and its document. `cache` (text ->
    Local) is shared by the passes over one document."""
    cache = {} if cache is None else cache
    local = []
    for b in blocks:
        loc = cache.get(b.text)
        if loc is None:
            loc = cache[b.text] = local_features(b.text, stopwords)
        local.append(loc)
    norms = [loc.norm for loc in local]
    counts = [loc.count for loc in local]
    ends = [loc.ends for loc in local]
    prose = [is_prose(n, e) for n, e in zip(counts, ends)]
    rep = repeats(norms, counts, prose)
    names = site_names(site, signals)
    last = len(blocks) - 1
    feats: list[dict[str, float]] = context_features(blocks, counts, prose)
    ruled = [any(s.effect != "trim" for s in sigs) for sigs in signals]  # a rule other than a trim fired
    for i, b in enumerate(blocks):
        f = dict(local[i].feats)
        f.update(feats[i])
        f.update(rep.get(i, {}))
        if names and mentions_site(norms[i], counts[i], names):
            f["h.site-name"] = 1.0
        if "h.titlecase" in f and counts[i] <= CAPTION_MAX_WORDS and echoes(norms[i].split(), norms, i):
            f["h.echo"] = 1.0
        if i == 0:
            f["pos:first"] = 1.0
            if is_title(counts, ends, 0):
                f["h.title"] = 1.0
        if i == last:
            f["pos:last"] = 1.0
        if ruled[i]:  # a rule outweighs looking like a title
            f.pop("h.title", None)
            f.pop("h.headline", None)
            f.pop("h.first-copy", None)
        for s in signals[i]:
            if s.effect == "trim":
                continue
            key = f"rule:{s.category}"
            f[key] = min(3.0, f.get(key, 0.0) + s.weight)
            if s.effect == "end":
                f["rule.end"] = 1.0
        feats[i] = f
    listed_features(feats, counts, ruled)
    sequence_features(feats, ruled)
    renamed: dict[str, str | None] = {}  # one regime per document
    for f in feats:
        conjoin(f, renamed)
    return feats
