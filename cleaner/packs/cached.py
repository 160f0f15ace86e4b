"""Rule packs through the disk cache (cleaner/io/cache.py): loading, validating (with every
example), compiling and analysing the built-in packs takes about two seconds; reading them
back takes a few milliseconds.

One entry per pack file, keyed by its path as given, its bytes and the code that builds it,
holding the file's rules (with their compiled patterns) and each pattern's prefilter
analysis; and one per selection of rules, keyed by their patterns, holding its Prefilter.
Only packs loaded with their examples checked are stored, so a cached pack is a valid pack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from cleaner.io.cache import DiskCache, code_digest
from cleaner.packs import folding, load, patterns, prefilter, prefixes, terms
from cleaner.packs.load import Rule, load_pack
from cleaner.packs.prefilter import Prefilter
from cleaner.packs.prefilter import analysis as analyse

#: What the prefilter tests for a pattern, see prefilter.analysis.
Analysis = tuple
KIND, PREFILTER = "pack", "prefilter"


class PackLoader:
    """Loads pack files through a DiskCache and remembers each pattern's analysis."""

    def __init__(self, cache: DiskCache):
        self.cache = cache
        self.analyses: dict[str, Analysis] = {}
        self._code = code_digest([m.__file__ for m in (load, patterns, prefixes, terms, folding, prefilter)]) if cache.folder is not None else ""

    def __call__(self, path: Path, check_examples: bool = True) -> Sequence[Rule]:
        """The rules of one pack file (load_pack's signature, for load_packs)."""
        if self.cache.folder is None or not check_examples:
            return load_pack(path, check_examples)
        try:
            data = Path(path).read_bytes()
        except OSError:
            return load_pack(path, check_examples)  # which reports the problem
        key = self.cache.key(self._code, str(path), data)
        stored = self.cache.get(KIND, key)
        if stored is not None:
            rules, analysed = stored
            self.analyses.update(analysed)
            return rules
        rules = load_pack(path, check_examples)
        analysed = {r.pattern: self.analysis(r.pattern) for r in rules}
        self.cache.put(KIND, key, (rules, analysed))
        return rules

    def prefilter(self, rules: Sequence[Rule]) -> Prefilter:
        """The Prefilter of these rules (of their patterns, in this order), from the cache
        when it has it."""
        patterns = [r.pattern for r in rules]
        key = self.cache.key(self._code, *patterns) if self.cache.folder is not None else ""
        found = self.cache.get(PREFILTER, key) if key else None
        if not isinstance(found, Prefilter):
            found = Prefilter(patterns, [self.analysis(p) for p in patterns])
            if key:
                found.terms.compiled()  # the entry keeps the compiled tests' code
                self.cache.put(PREFILTER, key, found)
        return found

    def analysis(self, pattern: str) -> Analysis:
        """A pattern's prefilter analysis: remembered from the cache, else worked out."""
        found = self.analyses.get(pattern)
        if found is None:
            found = self.analyses[pattern] = analyse(pattern)
        return found
