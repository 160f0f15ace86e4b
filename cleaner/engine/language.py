"""The document's language, guessed from stopwords: jusText's stoplists (shipped with
trafilatura), and the languages whose stoplist has a word.

Japanese and Chinese are written without spaces between words and jusText has no list for
them: a text mostly in Han characters and kana is Japanese when kana make up a tenth of
them, else Chinese, and their stoplists are the grammatical particles and function
characters (SCRIPT_STOPS), which the features count character by character
(cleaner/engine/features/text.py).

jusText's 100 stoplists hold 178,000 words; reading them (and importing jusText) takes
about a second, so they come from the disk cache (cleaner/io/cache.py) as one string per
language, made sets when the first document needs them, and the languages of a stopword
are looked up when a document first has it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from operator import mul
from typing import Iterator, Mapping, Sequence

import regex

from cleaner.io.cache import DiskCache, code_digest

#: Characters of a document, and of them words, looked at to guess its language.
SAMPLE_CHARS = 20000
GUESS_WORDS = 1000
#: Bits per language in a stopword's languages (see Stoplists._counts): room for GUESS_WORDS.
FIELD_BITS = 11
_KIND = "stoplists"

#: Function characters of the languages written without spaces: particles, auxiliaries,
#: pronouns and conjunctions, each one character (the features count them one by one).
SCRIPT_STOPS = {
    "Japanese": "のにはをたがでてとしれさあるいうもなかからまだこそよねへやずぬんけ",
    "Chinese": "的了是在和有也就不这那我你他她它们个与及或而但又被把对从到为以之其于所都很还就着过吗呢吧啊",
}
#: Runs of the scripts written without spaces between words (Han characters and kana).
UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]+")
#: Every character of those scripts is at or above U+2E80; the standard `re` finds whether
#: a text has any such character four times faster than UNSPACED does (tests/test_language.py).
_WIDE = re.compile("[\u2e80-\U0010ffff]")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_LETTER = regex.compile(r"\p{L}")
#: A stoplist's words (one per line) whose first letter is Latin.
_LATIN_WORD = regex.compile(r"^[^\p{L}\n]*+\p{Latin}.*$", regex.MULTILINE)
#: jusText's Nepali list holds most of Hindi's function words (है, में, का...) and is four
#: times as long, so Hindi text often covers it better. Nepali needs one of its own
#: function words that Hindi does not use (छ, थियो, पनि...) when Hindi covers nearly as much.
NEPALI_MARKERS = frozenset("छ छन् छैन थियो थिए पनि मा यो त्यो भएको गरेको गर्न हुन्छ".split())
HINDI_SHARE = 0.9
#: A text is Japanese or Chinese when at least this share of its letters are Han or kana.
SCRIPT_SHARE = 0.3
#: ... and Japanese when at least this share of those are kana.
KANA_SHARE = 0.1


def has_unspaced(sample: str) -> bool:
    """Whether `sample` has a Han character or kana (found quickly when it has none)."""
    return not sample.isascii() and _WIDE.search(sample) is not None and UNSPACED.search(sample) is not None


def script_language(sample: str) -> str | None:
    """"Japanese" or "Chinese" for a text written mostly in Han characters and kana, else
    None (the stopwords decide)."""
    if not has_unspaced(sample):
        return None
    cjk = sum(map(len, UNSPACED.findall(sample)))
    if cjk < SCRIPT_SHARE * len(_LETTER.findall(sample)):
        return None
    return "Japanese" if len(_KANA.findall(sample)) >= KANA_SHARE * cjk else "Chinese"


@dataclass(frozen=True)
class Guess:
    """A language, and what the guess counted (`total`, see Stoplists._total) when it counted
    every word of the text and no removal could make the script decide (it has no Han
    character or kana): then the guess for that text less some of its words follows from
    those words alone (Stoplists.guess_less), instead of counting what is left again."""

    language: str
    total: int | None = None


class _Lists(Mapping[str, frozenset]):
    """Language name -> its stoplist, made a frozenset on first use."""

    def __init__(self, joined: Mapping[str, tuple]):
        self._joined = joined  # name -> (number of words, the words joined by "\n", ...)
        self._sets: dict[str, frozenset[str]] = {}

    def __getitem__(self, name: str) -> frozenset[str]:
        found = self._sets.get(name)
        if found is None:
            found = self._sets[name] = _split(*self._joined[name][:2])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._joined)

    def __len__(self) -> int:
        return len(self._joined)


def _stoplists_folder() -> str | None:
    """jusText's stoplists folder, found without importing jusText (which imports lxml)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("justext")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "stoplists")
    return folder if os.path.isdir(folder) else None


def _read_justext() -> dict[str, tuple[int, str, int, str]]:
    """Per language: (number of words, the words joined by "\n"), and the same of the words
    the guess uses (`in_own_script`): worked out once, when the cache is filled."""
    import justext  # comes with trafilatura

    out = {}
    for name in sorted(justext.get_stoplists()):
        words = frozenset(justext.get_stoplist(name))  # none holds a newline (they are lines)
        own = in_own_script(words)
        out[name] = (len(words), "\n".join(sorted(words)), len(own), "\n".join(sorted(own)))
    return out


def _split(count: int, joined: str) -> frozenset[str]:
    return frozenset(joined.split("\n")) if count else frozenset()


def in_own_script(words: frozenset[str]) -> frozenset[str]:
    """The words of a stoplist written in the script (Latin or not) of most of them. Some of
    jusText's lists carry the other script's words (Marathi's has 250 English ones, "the",
    "and", "about"...), which made English pages guess Marathi; the guess leaves them out
    (the features still use the whole list)."""
    latin = frozenset(_LATIN_WORD.findall("\n".join(words)))  # one scan, not one per word
    if 2 * len(latin) >= len(words):
        return latin
    return words - latin


class Stoplists:
    """jusText's stoplists (`lists`, name -> frozenset) and the language guess; built once
    per Cleaner, from the disk cache when it has them."""

    def __init__(self, joined: Mapping[str, tuple[int, str, int, str]]):
        """`joined`: what `_read_justext` returns (or the disk cache kept of it)."""
        self._names = tuple(sorted(joined))  # the guess by stopwords: jusText's lists only
        self._own = {name: joined[name][2:] for name in self._names}
        joined = {**joined, **{name: (len(chars), "\n".join(chars)) for name, chars in SCRIPT_STOPS.items()}}
        self.lists: Mapping[str, frozenset[str]] = _Lists(joined)
        #: stopword -> the languages listing it, as fields of an integer (see _counts),
        #: looked up when a document first has it (at most every stopword, like a full
        #: index, but built only as far as the documents need)
        self._index: dict[str, int] = {}
        self._every: tuple[dict[str, None], tuple[dict[str, None], ...]] | None = None

    @classmethod
    def load(cls, cache: DiskCache | None = None) -> "Stoplists":
        cache = cache or DiskCache(None)
        folder = _stoplists_folder() if cache.folder is not None else None
        if folder is None:
            return cls(_read_justext())
        files = sorted(os.scandir(folder), key=lambda e: e.name)
        key = cache.key(code_digest([__file__]), folder,
                        *(f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in files))
        joined = cache.get(_KIND, key)
        if joined is None:
            joined = _read_justext()
            cache.put(_KIND, key, joined)
        return cls(joined)

    def _sets(self) -> tuple[dict[str, None], tuple[dict[str, None], ...]]:
        """Every stopword, and each language's for the guess (built when a guess first needs
        them): only the words in the script of most of its list (`in_own_script`).

        As the keys of dicts, not frozensets: the garbage collector tracks every set, and
        each full collection would visit their 330,000 words (about a third of its time on the
        bench texts), while it leaves alone a dict that holds no container."""
        if self._every is None:
            each = tuple(dict.fromkeys(_split(*self._own[name])) for name in self._names)
            self._every = (dict.fromkeys(chain.from_iterable(each)), each)
        return self._every

    def guess_sample(self, text: str) -> Guess:
        """The language of `text`'s first SAMPLE_CHARS characters: Japanese or Chinese by
        their script, else the one `_pick` gives for their first GUESS_WORDS words."""
        sample = text[:SAMPLE_CHARS]
        unspaced = has_unspaced(sample)
        by_script = script_language(sample) if unspaced else None
        if by_script:
            return Guess(by_script)
        words = sample.casefold().split(None, GUESS_WORDS)  # (the rest of the text is one more)
        total = self._total(words[:GUESS_WORDS])
        whole = not unspaced and len(text) <= SAMPLE_CHARS and len(words) <= GUESS_WORDS
        return Guess(self._pick(words, total), total if whole else None)

    def guess_less(self, guess: Guess, removed: str, restored: str) -> str | None:
        """What `guess_sample` gives for the text that `guess` was made on less the words of
        `removed` (whole words of that text, once each) plus those of `restored` (parts of
        `removed` put back); None when `guess` did not count the whole text, or when the
        counts say Nepali (telling it from Hindi needs the words themselves).

        Case folding maps white space to white space and nothing else to it (tests/
        test_language.py), so the text's words are the folded words of its pieces, and
        the counts less the removed ones' are the counts of what is left; no field borrows
        or carries, as each stays between 0 and GUESS_WORDS."""
        if guess.total is None:
            return None
        total = guess.total - self._total(removed.casefold().split()) + self._total(restored.casefold().split())
        best = self._best(self._unpack(total), "English")
        return None if best == "Nepali" else best

    def guess(self, words: Sequence[str], default: str = "English") -> str:
        """The language whose stoplist covers most of `words`."""
        return self._best(self._unpack(self._total(words[:GUESS_WORDS])), default)

    def _pick(self, words: Sequence[str], total: int) -> str:
        """`guess` of `words` given their `_total` (of the first GUESS_WORDS), with Hindi told
        from Nepali (see NEPALI_MARKERS)."""
        counts = self._unpack(total)
        best = self._best(counts, "English")
        if best == "Nepali" and not NEPALI_MARKERS.intersection(words[:GUESS_WORDS]):
            names = self._names
            if counts[names.index("Hindi")] >= HINDI_SHARE * counts[names.index("Nepali")]:
                return "Hindi"
        return best

    def _total(self, words: Sequence[str]) -> int:
        """How many of `words` each language's list covers, packed into one integer.

        A stopword's languages are held as one integer with a field of FIELD_BITS bits per
        language (1 in the fields of the languages listing it), so the counts of all
        languages are one sum over the words, done in C; a field never overflows, as no
        count exceeds GUESS_WORDS."""
        every, each = self._sets()
        index = self._index
        counted = Counter(words)
        stops = every.keys() & counted.keys()  # (looks up the fewer)
        for w in stops.difference(index):  # stopwords seen first here
            index[w] = sum(1 << FIELD_BITS * k for k, listed in enumerate(each) if w in listed)
        return sum(map(mul, map(index.__getitem__, stops), map(counted.__getitem__, stops)))

    def _unpack(self, total: int) -> list[int] | None:
        """The counts `_total` packed (in `_names` order), or None when they are all 0."""
        if not total:
            return None
        mask = (1 << FIELD_BITS) - 1
        return [total >> FIELD_BITS * k & mask for k in range(len(self._names))]

    def _best(self, counts: list[int] | None, default: str) -> str:
        if counts is None:
            return default
        best = max(counts)
        if default in self._names and counts[self._names.index(default)] == best:
            return default
        return self._names[counts.index(best)]  # the first in name order of the best
