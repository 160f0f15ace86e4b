"""Text-only features: what a block's own text says, whatever surrounds it.

Length, punctuation, stopword density, shape (prose, bullet, quote, capitals) and the
text-only named heuristics (`h.titlecase`, `h.linkish`, `h.date-only`, `h.mass`); and the
evidence of the rules that fired on the block. Computed once per distinct text of a
document (the decoding passes over one document share them).
"""

from __future__ import annotations

import math
import re
from typing import Mapping, NamedTuple, Sequence

import regex

from cleaner.engine.language import UNSPACED
from cleaner.model import EVIDENCE, Signal
from cleaner.packs.folding import casefold

_NORM = regex.compile(r"[\W_]+")
#: norm() of ASCII text without a regex: what _NORM matches there (all but letters and
#: digits) becomes a space
_ASCII_NORM = bytes(c if c < 128 and chr(c).isalnum() else ord(" ") for c in range(256))  # (for bytes)
_WORD_CHAR = regex.compile(r"[^\W_]")
#: The commonest characters that make an English text non-ASCII (curly quotes, dashes, the
#: ellipsis, a no-break space, bullets, guillemets): none is a word character or cased, so
#: norm() may make them spaces first and then take the ASCII path
_COMMON_PUNCT = "’“”—–…‘\xa0•»«"
#: About how many characters of the scripts written without spaces make a word (Chinese
#: words average about one and a half characters; chosen among 1.5, 2 and 3 on the corpus
#: dev split: zh 0.941, 0.931, 0.933; ja 0.962, 0.956, 0.927).
CJK_CHARS_PER_WORD = 1.5
_STOPS, _CLOSERS = ".!?…:;。！？：；", "\"'”’»)]」』）】"  # (with the full-width CJK stops)
_END_PUNCT = regex.compile(f"[{regex.escape(_STOPS)}][{regex.escape(_CLOSERS)}]*$")
_STOPS_SET = frozenset(_STOPS)
#: Punctuation that a sentence has somewhere (punct.none: none of these in the block), and
#: a search for any of them (the standard re: one quick scan of the block)
_ANY_PUNCT = ".!?…;。！？；"
_ANY_PUNCT_RE = re.compile(f"[{re.escape(_ANY_PUNCT)}]")
_URL = regex.compile(r"(?i)\bhttps?://|\bwww\.\w")
_ARROW_CHARS = "|»›•→←▸►"
_NAV_WORD = regex.compile(r"(?i)^(?:next|previous|prev|more|back|home|menu|search|close|open|login|log in|sign in|subscribe)$")
_NAV_LONGEST = len("subscribe\n")  # ($ matches before a final line break)
_DATE_TOKEN = regex.compile(
    r"(?i)^(?:\d{1,4}|\d{1,2}(?:st|nd|rd|th)|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|"
    r"tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|"
    r"gmt|utc|bst|est|edt|pst|pdt|cet|cest|ago|min|mins|minutes?|hours?|hrs?|days?|weeks?|"
    r"updated|published|posted|last|on|at|read)$"
)
_BULLET = regex.compile(r"^[-•*▪◦·]\s")
#: First characters of a bulleted line (then a space: _BULLET), a dash and a quote.
_BULLETS, _DASHES, _QUOTES = tuple("-•*▪◦·"), ("—", "–"), tuple("\"“”«„‘’'")
_NUMERIC = regex.compile(r"^[\d\W_]+$")

#: A block is prose when it has at least this many words and ends like a sentence.
PROSE_WORDS = 16
#: Word-count bins (upper bounds) and their feature names.
LENGTH_BINS = ((1, "len:1"), (3, "len:2-3"), (6, "len:4-6"), (10, "len:7-10"), (15, "len:11-15"),
               (25, "len:16-25"), (40, "len:26-40"), (80, "len:41-80"))
#: Stopword density bins (upper bounds); only for blocks of STOP_MIN_WORDS words or more.
STOP_BINS = ((0.15, "stop:low"), (0.30, "stop:mid"))
STOP_MIN_WORDS = 4
#: A block may be title-case only up to these many words.
TITLECASE_MAX_WORDS = 12
#: Above this many words a block has "mass": h.mass = log2(words / MASS_WORDS), a weight
#: that keeps a long block of text unless evidence about the block itself removes it.
MASS_WORDS = 60
#: Longer blocks are prose that may quote a URL, not links.
LINKISH_MAX_WORDS = 15
#: Share of capitalised words that makes a line title-case.
TITLECASE_SHARE = 0.75
#: Words are normalised and counted this many characters of a block at a time.
WORDS_PIECE = 1 << 16
#: A date line has at most this many words (each one word for norm(): see local_features).
DATE_MAX_WORDS = 10
#: Words that title-case and caption tests pass over.
SMALL_WORDS = frozenset("a an and & of the in on at for to with by or de la van von".split())


def norm(text: str) -> str:
    """Normalise for comparisons: lower case, words separated by single spaces. A long
    text a piece at a time (each piece ends before a word character, so no run of other
    characters is cut): never a list of all its pieces at once."""
    if len(text) <= WORDS_PIECE:
        if not text.isascii():
            plain = text
            for c in _COMMON_PUNCT:
                if c in plain:
                    plain = plain.replace(c, " ")
            if not plain.isascii():
                return _NORM.sub(" ", text.casefold()).strip()
            text = plain
        return b" ".join(text.encode().lower().translate(_ASCII_NORM).split()).decode()  # the same, faster
    folded, pieces, start = casefold(text), [], 0
    while start < len(folded):
        m = _WORD_CHAR.search(folded, start + WORDS_PIECE)
        end = m.start() if m else len(folded)
        pieces.append(_NORM.sub(" ", folded[start:end]))
        start = end
    return "".join(pieces).strip()


def ends_sentence(text: str) -> bool:
    """Does the text end like a sentence (a stop, then closing quotes or brackets)? What
    _END_PUNCT finds, without scanning the text (it has no line break at its end)."""
    if text.endswith("\n"):
        return bool(_END_PUNCT.search(text))
    return text.rstrip(_CLOSERS)[-1:] in _STOPS_SET


def is_prose(n_words: int, ends_sentence: bool) -> bool:
    return n_words >= PROSE_WORDS and ends_sentence


def _length_feature(n_words: int) -> str:
    return _LENGTH_NAMES[n_words] if 0 <= n_words < len(_LENGTH_NAMES) else _length_bin(n_words)


def _length_bin(n_words: int) -> str:
    for bound, name in LENGTH_BINS:
        if n_words <= bound:
            return name
    return "len:81+"


#: _length_feature's answer for every word count up to the last bin's bound, looked up.
_LENGTH_NAMES = tuple(_length_bin(n) for n in range(LENGTH_BINS[-1][0] + 1))


def _stop_bin(count: int, stops: int) -> str | None:
    if count < STOP_MIN_WORDS:
        return None
    density = stops / count
    for bound, name in STOP_BINS:
        if density < bound:
            return name
    return "stop:high"


def is_titlecase(raw_words: Sequence[str]) -> bool:
    """Two to TITLECASE_MAX_WORDS words, nearly all capitalised (names, menus, captions)."""
    if not 2 <= len(raw_words) <= TITLECASE_MAX_WORDS:
        return False
    words = [w for w in raw_words if w.casefold() not in SMALL_WORDS]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return caps >= TITLECASE_SHARE * len(words)


def is_date_only(raw_words: Sequence[str]) -> bool:
    """A line that is a date or a time and little else."""
    if not raw_words or len(raw_words) > DATE_MAX_WORDS or not any(map(str.isdigit, raw_words)):
        return False
    return all(map(_DATE_TOKEN.match, raw_words))


def is_linkish(text: str) -> bool:
    """URLs, arrow and bar separators, or a single navigation word."""
    if ("://" in text or "w." in text or "W." in text) and _URL.search(text):  # (what a URL needs)
        return True
    # (all of _ARROW_CHARS but the bar are non-ASCII: an ASCII text has only bars)
    if (text.count("|") if text.isascii() else sum(map(text.count, _ARROW_CHARS))) >= 2:
        return True
    word = text.strip(" »›→←<>")
    return len(word) <= _NAV_LONGEST and bool(_NAV_WORD.match(word))


def shape_features(text: str, prose: bool) -> dict[str, float]:
    """What the block's own shape says (prose, bullet, dash, quote, numbers, capitals)."""
    f: dict[str, float] = {}
    if prose:
        f["shape:prose"] = 1.0
    if text.startswith(_BULLETS) and _BULLET.match(text):
        f["shape:bullet"] = 1.0
    elif text.startswith(_DASHES):
        f["shape:dash"] = 1.0
    if text.startswith(_QUOTES):
        f["shape:quote"] = 1.0
    if not text[:1].isalpha() and _NUMERIC.match(text):  # (a letter is a word character: no match)
        f["shape:numeric"] = 1.0
    if text.isupper() and sum(1 for c in text if c.isalpha()) >= 4:
        f["shape:allcaps"] = 1.0
    if text[:1].islower():
        f["shape:starts-lower"] = 1.0
    return f


class Local(NamedTuple):
    """What a block's text alone says: its normalised form, word count, whether it ends like
    a sentence and is prose, and its text-only features. (A named tuple: made for every
    distinct block, it is quicker to make than a frozen dataclass.)"""

    norm: str
    count: int
    ends: bool
    prose: bool
    feats: Mapping[str, float]


def local_features(text: str, stopwords: frozenset[str]) -> Local:
    """Shape, length, punctuation, stopwords and the text-only named heuristics."""
    normed = norm(text)
    count, stops = _count_words(normed, stopwords)
    ends = ends_sentence(text)
    prose = is_prose(count, ends)
    f = shape_features(text, prose)
    f["bias"] = 1.0
    f[_length_feature(count)] = 1.0
    if ends:
        f["punct.end"] = 1.0
    elif count >= 3 and not _ANY_PUNCT_RE.search(text):
        f["punct.none"] = 1.0
    stop = _stop_bin(count, stops)
    if stop:
        f[stop] = 1.0
    # the tests below want a few words: more is "too many"; a date line's words are all
    # letters and digits, so it has as many words as `count` (a long sentence is no date)
    raw = text.split(None, TITLECASE_MAX_WORDS) if not ends or count <= DATE_MAX_WORDS else ()
    if not ends and is_titlecase(raw):
        f["h.titlecase"] = 1.0
    if count <= LINKISH_MAX_WORDS and is_linkish(text):
        f["h.linkish"] = 1.0
    if is_date_only(raw):
        f["h.date-only"] = 1.0
    if count > MASS_WORDS:
        f["h.mass"] = math.log2(count / MASS_WORDS)
    return Local(normed, count, ends, prose, f)


def _count_words(normed: str, stopwords: frozenset[str]) -> tuple[int, int]:
    """Words and stopwords of a normalised text (words separated by single spaces), a
    piece of WORDS_PIECE characters at a time: a huge block never becomes one list of
    its words."""
    if len(normed) <= WORDS_PIECE:  # (one piece)
        words = normed.split()
        count, stops = len(words), sum(map(stopwords.__contains__, words))
        return (count, stops) if normed.isascii() else _count_unspaced(normed, stopwords, count, stops)
    count = stops = start = 0
    plain = normed.isascii()
    while start < len(normed):
        cut = normed.find(" ", start + WORDS_PIECE) if len(normed) - start > WORDS_PIECE else -1
        piece = normed[start:cut if cut >= 0 else len(normed)]
        words = piece.split()
        count += len(words)
        stops += sum(map(stopwords.__contains__, words))
        if not plain:
            count, stops = _count_unspaced(piece, stopwords, count, stops)
        start = cut + 1 if cut >= 0 else len(normed)
    return count, stops


def _count_unspaced(piece: str, stopwords: frozenset[str], count: int, stops: int) -> tuple[int, int]:
    """Words written without spaces (Han characters, kana) count one per CJK_CHARS_PER_WORD
    characters instead of one per run, and each function character in the stoplist (the
    Japanese and Chinese lists are single characters) counts as a stopword."""
    runs = UNSPACED.findall(piece)
    if not runs:
        return count, stops
    chars = sum(map(len, runs))
    count += max(len(runs), round(chars / CJK_CHARS_PER_WORD)) - len(runs)
    stops += sum(1 for run in runs for ch in run if ch in stopwords)
    return count, stops


#: The category of the rules `cleaner learn` writes.
TEMPLATE = "template"


def rule_features(signals: Sequence[Signal]) -> dict[str, float]:
    """The evidence of the rules that fired on a block: `rule:<category>` (their weights
    summed, at most 3), `rule.end` for a tail marker and `rule.certain` for a certain rule
    (the decoder never keeps such a block in BODY). Trim rules cut a span out of a kept
    block and are no evidence about the block.

    A site's learned template knows its line better than a generic pack does: on a block it
    fired on, only the template rules count (a newsdesk appeal that a built-in pack files
    under `about`, a category found at the end of articles, may be a box in the middle of
    this site's articles); the other rules' signals are still reported."""
    f: dict[str, float] = {}
    templated = any(s.category == TEMPLATE and s.effect in EVIDENCE for s in signals)
    for s in signals:
        if s.effect not in EVIDENCE or (templated and s.category != TEMPLATE):
            continue
        key = f"rule:{s.category}"
        f[key] = min(3.0, f.get(key, 0.0) + s.weight)
        if s.effect == "end":
            f["rule.end"] = 1.0
        if s.certain:
            f["rule.certain"] = 1.0
    return f
