"""The language guess, with its stoplists read from the cache and looked up lazily, gives
what a full index built straight from jusText's stoplists gives."""

from __future__ import annotations

import random
from collections import Counter

import justext
from conftest import SEEDS

from cleaner.engine.language import GUESS_WORDS, Stoplists
from cleaner.io.cache import DiskCache


def _reference():
    lists = {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}
    index: dict[str, list[str]] = {}
    for name, words in lists.items():
        for w in words:
            index.setdefault(w, []).append(name)

    def guess(words, default="English"):
        counts: dict[str, int] = {}
        for w, n in Counter(words[:GUESS_WORDS]).items():
            for lang in index.get(w, ()):
                counts[lang] = counts.get(lang, 0) + n
        if not counts:
            return default
        best = max(counts.values())
        if counts.get(default, 0) == best:
            return default
        return min(lang for lang, c in counts.items() if c == best)

    return lists, guess


def test_the_guess_and_the_lists_are_justexts(tmp_path):
    lists, guess = _reference()
    cache = DiskCache(tmp_path)
    built = Stoplists.load(cache)  # from jusText, then stored
    cached = Stoplists.load(cache)  # from the cache
    assert dict(built.lists) == lists and dict(cached.lists) == lists
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for words in lists.values() for w in words})
    rnd = random.Random(17)
    samples = [t.casefold().split() for t in texts]
    samples += [rnd.sample(vocabulary, rnd.randint(1, 40)) * rnd.randint(1, 3) for _ in range(400)]
    samples += [[], ["zzzz-not-a-word"], ["de", "la", "en"], ["the"] * 3 + ["die"] * 3]
    for words in samples:
        assert cached.guess(words) == guess(words), words[:10]
        assert built.guess(words, "German") == guess(words, "German")
