"""The document's language, guessed from stopwords: jusText's stoplists (shipped with
trafilatura), and an index from each stopword to the languages that list it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

#: Words of a document looked at to guess its language.
GUESS_WORDS = 1000


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
