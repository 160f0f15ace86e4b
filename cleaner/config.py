"""The one explicit configuration object. Built once, frozen, passed in everywhere."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

#: Languages by ISO 639-1 code, mapped to the name of jusText's stoplist.
LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch",
    "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
    "ja": "Japanese", "zh": "Chinese",  # cleaner's own lists (cleaner/engine/language.py)
}


HEADLINE_CHOICES = ("keep", "drop")


@dataclass(frozen=True)
class Config:
    """Everything that changes what cleaning does. The same Config gives the same output
    in one process, in a pool of processes and on remote workers.

    - select / ignore: rule selectors (id, id prefix, category, name, alias or glob).
      An empty `select` selects every rule.
    - rule_paths: extra pack files or folders of packs, loaded after the built-in ones.
    - builtin_rules: load the packs shipped with cleaner.
    - language: ISO code ("en") or "auto" (guessed per document from stopwords).
    - site: the publisher's host or name, when known for every document of a run.
    - match_timeout: seconds one rule may spend on one block before it is abandoned.
    - keep_nonempty: never empty a document that had text (keep its best BODY block).
    - max_passes: decoding repeats on its own output until nothing more goes (so that
      cleaning twice equals cleaning once); this bounds the repeats. Almost every document
      settles in one or two passes.
    - weights: path of a decoder weights file; None = the one shipped in the package.
    - max_bytes: a document larger than this is reported and skipped.
    - headline: "keep" the headline once, as the first line of the article (the design's
      default), or "drop" it too (body text only, as most extraction benchmarks' gold
      text is). The headline is found by the h.title / h.headline heuristics.
    - cache: keep the loaded, compiled and analysed packs, the weights and the stoplists in
      the user cache folder ($CLEANER_CACHE_DIR, else ~/.cache/cleaner), so that a Cleaner
      starts in a fraction of a second; never changes the output (cleaner/io/cache.py).
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_paths: tuple[str, ...] = ()
    builtin_rules: bool = True
    language: str = "auto"
    site: str | None = None
    match_timeout: float = 1.0
    keep_nonempty: bool = True
    max_passes: int = 100
    weights: str | None = None
    max_bytes: int = 64 * 1024 * 1024
    headline: str = "keep"
    cache: bool = True

    def __post_init__(self) -> None:
        if self.match_timeout <= 0:
            raise ValueError("match_timeout must be positive")
        if self.max_passes < 1:
            raise ValueError("max_passes must be at least 1")
        if self.headline not in HEADLINE_CHOICES:
            raise ValueError(f"headline must be one of {', '.join(HEADLINE_CHOICES)}, not {self.headline!r}")
        if self.language != "auto" and self.language not in LANGUAGE_NAMES:
            known = ", ".join(sorted(LANGUAGE_NAMES))
            raise ValueError(f"unknown language {self.language!r}; use 'auto' or one of {known}")

    def with_(self, **changes: Any) -> "Config":
        """A copy with some fields changed (Config itself never changes)."""
        return replace(self, **changes)
