"""Prefilter: which rules could match a block, found with cheap tests (dictionary look-ups
of the block's words, a few substrings, its first characters, its length), so that a block
is only searched with those rules. The tests are necessary conditions worked out by
`cleaner.patterns`; no rule that would match is ever left out.
"""

from __future__ import annotations

from cleaner.packs.folding import fold_block, fold_start
from cleaner.packs.patterns import BOUND, COMMON, MIN_LITERAL, START, TOKEN, analyse

#: How many tokens' masks a Prefilter remembers.
KNOWN_TOKENS = 1 << 17


def _index_key(literal: str) -> tuple[str, str]:
    """How to look a literal up in a casefolded block: ("word", w) a token equal to w,
    ("head", h) / ("tail", t) a token starting / ending with it, else ("sub", s) the
    substring s. A piece of the literal bounded on a side (by another character of the
    literal, or a BOUND) is bounded by a non-token character in the block too."""
    body = literal.strip(BOUND)
    best, rank = ("sub", body), (0, len(body))
    for m in TOKEN.finditer(body):
        closed_left = m.start() > 0 or literal.startswith(BOUND)
        closed_right = m.end() < len(body) or literal.endswith(BOUND)
        word = m.group()
        if closed_left and closed_right:
            key, r = ("word", word), (2 if word not in COMMON else 0, len(word) + 4)
        elif (closed_left or closed_right) and len(word) >= MIN_LITERAL:
            key, r = ("head" if closed_left else "tail", word), (1, len(word))
        else:
            continue
        if r > rank:
            best, rank = key, r
    return best


class Prefilter:
    """Finds which rules could match a block, as a bit mask (bit k: pattern k).

    Rule k is let through when the block passes one of the tests of its requirement (a
    word look-up per token, a token head or tail, a substring, or the block's first
    characters), or when it has no requirement; and then only when the block is no longer
    than the rule's length bound. Both are necessary conditions (see the module docstring),
    so no rule that would match is ever left out."""

    def __init__(self, patterns: "list[str]"):
        self.always = 0
        self.words: dict[str, int] = {}
        self.heads: dict[str, dict[str, int]] = {}  # first 3 characters -> head -> mask
        self.tails: dict[str, dict[str, int]] = {}  # last 3 characters -> tail -> mask
        self.substrings: dict[str, int] = {}
        self.starts: dict[str, int] = {}
        analysed = [analyse(p) for p in patterns]  # (literals, max_length) per pattern
        for k, (req, _) in enumerate(analysed):
            bit = 1 << k
            if not req:
                self.always |= bit
            for atom in req or ():
                if atom.startswith(START):
                    self.starts[atom[1:]] = self.starts.get(atom[1:], 0) | bit
                    continue
                kind, s = _index_key(atom)
                if kind == "word":
                    self.words[s] = self.words.get(s, 0) | bit
                elif kind == "sub":
                    self.substrings[s] = self.substrings.get(s, 0) | bit
                else:
                    table = (self.heads if kind == "head" else self.tails).setdefault(
                        s[:3] if kind == "head" else s[-3:], {})
                    table[s] = table.get(s, 0) | bit
        self.start_lengths = tuple(sorted({len(p) for p in self.starts}))
        #: token -> token_bits(token), for the tokens seen so far (a cache, cleared when full)
        self._known: dict[str, int] = {}
        limits = [limit for _, limit in analysed]
        top = max((n for n in limits if n is not None), default=0)
        everything = (1 << len(patterns)) - 1
        #: fits[n]: the rules a block of n characters is not too long for (n > top: fits[-1])
        self.fits = [everything & ~sum(1 << k for k, m in enumerate(limits) if m is not None and m < n)
                     for n in range(top + 2)]

    def token_bits(self, token: str) -> int:
        """Bit mask of the patterns whose requirement this token meets."""
        found = self.words.get(token, 0)
        for head, bits in self.heads.get(token[:3], {}).items():
            if token.startswith(head):
                found |= bits
        for tail, bits in self.tails.get(token[-3:], {}).items():
            if token.endswith(tail):
                found |= bits
        return found

    def mask(self, text: str) -> int:
        """Bit mask of the patterns that may match `text`."""
        low = fold_block(text)
        found = self.always
        known = self._known
        for token in set(TOKEN.findall(low)):
            bits = known.get(token)
            if bits is None:
                if len(known) >= KNOWN_TOKENS:
                    known.clear()
                bits = known[token] = self.token_bits(token)
            found |= bits
        for s, bits in self.substrings.items():
            if s in low:
                found |= bits
        if self.start_lengths:
            first = fold_start(low)
            starts = self.starts
            for n in self.start_lengths:
                found |= starts.get(first[:n], 0)
        fits = self.fits
        return found & fits[min(len(text), len(fits) - 1)]

    def candidates(self, text: str) -> "list[int]":
        """Indexes of the patterns that may match `text`, in pattern order."""
        found = self.mask(text)
        return [k for k in range(found.bit_length()) if found >> k & 1]
