"""Signal: run the selected rules over a block and turn matches into Signals.

Rules only emit evidence; the decoder decides. A rule that exceeds its time budget on a
block is abandoned for that block and reported as a Problem: the run goes on.
"""

from __future__ import annotations

from typing import Sequence

import regex

from cleaner.model import Problem, Signal
from cleaner.packs.load import Rule
from cleaner.packs.prefilter import Prefilter

_HAS_WORD = regex.compile(r"\w")
#: How many blocks' signals a RuleSet remembers, of blocks of at most SHORT_BLOCK characters.
KNOWN_BLOCKS, SHORT_BLOCK = 1 << 15, 200


def site_matches(site: str | None, sites: Sequence[str]) -> bool:
    """Does a document's site (a host or a name) fall under a pack's `sites`?"""
    if not sites:
        return True
    if not site:
        return False
    site = site.casefold().removeprefix("www.")
    return any(site == s.casefold() or site.endswith("." + s.casefold()) for s in sites)


class RuleSet:
    """The selected rules, ready to run on blocks."""

    def __init__(self, rules: Sequence[Rule], timeout: float, prefilter: Prefilter | None = None):
        """`prefilter`: the rules' Prefilter, when already built (from the disk cache)."""
        self.rules = tuple(rules)
        self.timeout = timeout
        self.prefilter = prefilter or Prefilter([r.pattern for r in self.rules])
        #: Per rule: its compiled search (what Rule.search calls), the rule, and whether it
        #: captures a site; bound once so the loop below does no attribute look-ups.
        self._runs = tuple((r.compiled.search, r, "site" in r.compiled.groupindex) for r in self.rules)
        self._site_bound = sum(1 << k for k, r in enumerate(self.rules) if r.sites)
        self._known: dict[str, tuple[Signal, ...]] = {}  # a short block -> its signals (see signals_many)

    def signals(self, text: str, site: str | None, problems: list[Problem]) -> list[Signal]:
        """The signals of the rules that match `text`, in rule order. Only the rules the
        prefilter lets through are searched: the others cannot match."""
        return self._search(text, self.prefilter.mask(text), site, problems)

    def signals_many(self, texts: Sequence[str], site: str | None, problems: list[Problem]) -> list[list[Signal]]:
        """signals(t) for each block of a document; the prefilter scans the document once.

        A short block's signals are remembered (cleared when KNOWN_BLOCKS are), unless a
        rule bound to sites could match it or a search of it timed out: boilerplate lines
        come back from document to document (of the blocks of the bench's full texts, 44%
        were in an earlier document), and their signals depend on the block alone."""
        known, site_bound = self._known, self._site_bound
        remembered = list(map(known.get, texts))  # None: not remembered
        todo = [t for t, s in zip(texts, remembered) if s is None]
        if len(known) + len(todo) > KNOWN_BLOCKS:
            known.clear()
        found = []
        for text, bits in zip(todo, self.prefilter.masks(todo)):
            timeouts = len(problems)
            found.append(self._search(text, bits, site, problems))
            if len(text) <= SHORT_BLOCK and not bits & site_bound and len(problems) == timeouts:
                known[text] = tuple(found[-1])
        if len(found) == len(texts):
            return found
        new = iter(found)
        return [next(new) if s is None else list(s) for s in remembered]

    def _search(self, text: str, todo: int, site: str | None, problems: list[Problem]) -> list[Signal]:
        out: list[Signal] = []
        runs, timeout, site_bound = self._runs, self.timeout, self._site_bound
        while todo:
            low = todo & -todo  # the lowest set bit: rules are tried in order
            todo ^= low
            k = low.bit_length() - 1
            search, rule, captures = runs[k]
            if low & site_bound and not site_matches(site, rule.sites):
                continue
            try:
                m = search(text, timeout=timeout)
            except TimeoutError:
                problems.append(Problem(
                    "rule-timeout",
                    f"{rule.id} ({rule.pack}) gave up after {timeout}s on a block of "
                    f"{len(text)} characters starting {text[:40]!r}; the block was kept",
                ))
                continue
            if m is None:
                continue
            capture = (m.group("site") or "").strip() if captures else ""
            out.append(Signal(source=rule.id, category=rule.category, effect=rule.effect,
                              weight=rule.weight, span=m.span(), name=rule.name, capture=capture,
                              certain=rule.certain))
        return out


def apply_trims(text: str, signals: Sequence[Signal]) -> tuple[tuple[int, int], list[str]] | None:
    """Where trim signals cut a block: ((start, end) of what is kept, rule ids), or None
    when no trim applies. A kept span with no word left is (0, 0): the block goes."""
    start, end, ids = 0, len(text), []
    for s in signals:
        if s.effect != "trim" or s.span[1] <= s.span[0]:
            continue
        a, b = s.span
        if not text[:a].strip():
            start = max(start, b)
        elif not text[b:].strip():
            end = min(end, a)
        else:
            continue  # a trim must cut a prefix or a suffix
        ids.append(s.source)
    if not ids:
        return None
    kept = text[start:end] if start < end else ""
    if not _HAS_WORD.search(kept):
        return (0, 0), ids
    start += len(kept) - len(kept.lstrip())
    end -= len(kept) - len(kept.rstrip())
    return (start, end), ids
