"""Prefilter: which rules could match a block, found with cheap tests (dictionary look-ups
of the block's words, a few substrings, its first characters, its length), so that a block
is only searched with those rules; then, for the few rules a block passes those of, their
terms (cleaner/packs/terms.py). The tests are necessary conditions worked out by
`cleaner.packs.patterns`; no rule that would match is ever left out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import reduce
from itertools import accumulate
from operator import methodcaller, or_
from typing import Sequence

from cleaner.packs.folding import fold_blocks, fold_start
from cleaner.packs.patterns import (
    START,
    TOKEN,
    C,
    _dnf,
    _literals,
    _max_length,
    _multiline,
    _parse,
    _to_end,
    _whole_span,
    sre_parse,
)
from cleaner.packs.terms import Terms, index_key

#: How many tokens' masks a Prefilter remembers.
KNOWN_TOKENS = 1 << 17
#: `masks` works on this many characters of blocks at once...
BATCH_CHARS = 1 << 18
#: ...and finds the tokens of a longer block a piece of about this many characters at a time.
TOKENS_PIECE = 1 << 16
_NOT_TOKEN = re.compile(r"[^a-z0-9]")
#: A folded block's UTF-8 bytes translated with this table (token characters kept, every
#: other byte a space) split into its tokens: TOKEN's characters are ASCII, and no byte
#: of another character's UTF-8 form is ASCII.
_TOKEN_BYTES = bytes(c if TOKEN.fullmatch(chr(c)) else 0x20 for c in range(256))


#: A folded block's UTF-8 bytes (a lone surrogate as its three bytes), and their tokens.
_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")
_TOKENIZE = methodcaller("translate", _TOKEN_BYTES)


def _encode(low: str) -> bytes:
    """A folded block's UTF-8 bytes."""
    return _ENCODE(low)


def _tokens(low: str) -> Sequence[bytes]:
    """TOKEN.findall(low), as bytes; for a long block its distinct tokens, found piece by
    piece (a piece ends before a character no token holds, so no token is cut)."""
    if len(low) <= TOKENS_PIECE:
        return _encode(low).translate(_TOKEN_BYTES).split()
    out: set[bytes] = set()
    start = 0
    while start < len(low):
        m = _NOT_TOKEN.search(low, start + TOKENS_PIECE)
        end = m.start() if m else len(low)
        out.update(_encode(low[start:end]).translate(_TOKEN_BYTES).split())
        start = end
    return list(out)


def _kept(low: str, unmarked: bytes) -> bytes:
    """A long block's UTF-8 bytes without `unmarked`: each character kept once, found a
    piece at a time."""
    out: set[str] = set()
    for start in range(0, len(low), TOKENS_PIECE):
        out.update(_encode(low[start:start + TOKENS_PIECE]).translate(None, unmarked).decode("utf-8", "surrogatepass"))
    return _encode("".join(out))


def analysis(pattern: str) -> tuple:
    """What the prefilter tests for a pattern: ((literals, max_length) of the whole pattern,
    its terms), where every match meets all the clauses (each a tuple of literals, one of
    which the block holds) and the length bound of one of the terms (clauses, max_length);
    () when nothing more than the whole's requirement is known. A pattern that ends in an
    alternation (``A|B``, ``^(?:A|B)``) gives each alternative's terms its own length bound."""
    parsed = _parse(pattern)
    whole = (_literals(pattern, parsed), _max_length(pattern, parsed))
    if parsed is None:
        return whole, ()
    try:
        terms = _terms(pattern, parsed, whole[1])
    except Exception:
        return whole, ()
    if any(not clauses and limit is None for clauses, limit in terms) or terms == [((whole[0],), whole[1])]:
        return whole, ()
    return whole, tuple(terms)


def _terms(pattern: str, parsed, limit: int | None) -> list[tuple[tuple, int | None]]:
    """The terms of a parsed pattern whose length bound is `limit` (see analysis); a match
    that ends with "$" has at most a newline after it (its last literals are near the end)."""
    multiline = _multiline(pattern, parsed)
    items = list(parsed)
    if multiline or not items or items[-1][0] is not C.BRANCH or any(
            op in (C.SUBPATTERN, C.BRANCH) for op, _ in items[:-1]):
        tail = 1 if not multiline and _to_end(items) else None  # "$": at most a "\n" after
        return [(tuple(sorted(t)), limit) for t in _dnf(items, False, False, not multiline, tail)]
    out = []
    for alt in items[-1][1][1]:  # the items before the alternation (^, a common prefix) go with each
        sub = sre_parse.SubPattern(parsed.state, [*items[:-1], *alt])
        width = _whole_span(sub)
        bound = width + 1 if width is not None and width < 100_000 else None
        tail = 1 if _to_end(list(sub)) else None
        out.extend((tuple(sorted(t)), bound) for t in _dnf(list(sub), False, False, True, tail))
    return out


class _Known(dict):
    """Token (bytes) -> its mask (`bits`, of the token as a str), for the tokens seen so
    far: a cache, cleared when it has KNOWN_TOKENS of them."""

    __slots__ = ("bits",)

    def __init__(self, bits: Callable[[str], int]):
        super().__init__()
        self.bits = bits

    def __missing__(self, token: bytes) -> int:
        if len(self) >= KNOWN_TOKENS:
            self.clear()
        found = self[token] = self.bits(token.decode())
        return found

    def __reduce__(self) -> tuple:
        return _Known, (self.bits,)  # pickled empty


class Prefilter:
    """Finds which rules could match a block, as a bit mask (bit k: pattern k).

    Rule k is let through when the block passes one of the tests of its requirement (a
    word look-up per token, a token head or tail, a substring, or the block's first
    characters), or when it has no requirement; and then only when the block is no longer
    than the rule's length bound. A rule with terms (see `analysis`) must then also pass
    all the tests of one of its terms: its length bound, and for each clause a word, a
    substring (anywhere, or near the end) or a start. All are necessary conditions (see the module docstring), so no
    rule that would match is ever left out."""

    def __init__(self, patterns: list[str], analysed: Sequence[tuple] | None = None):
        """`analysed`: each pattern's analysis (see `analysis`), when known (from the disk
        cache); else worked out here.

        The terms are only tested for the patterns a block passes the first tests of (a
        few), so they may hold many clauses: "commission" and one of "may", "will", ... and
        one of "earn", "receive", ... (a term's clause that is the pattern's own requirement
        is not tested again, nor a bound no smaller than its own). The words, heads and
        tails the terms need are looked up with the block's tokens too, on bits above the
        patterns' (see cleaner/packs/terms.py)."""
        if analysed is None:
            analysed = [analysis(p) for p in patterns]
        self.terms = Terms(analysed)
        self.always = 0
        self.words: dict[str, int] = {}
        self.heads: dict[str, dict[str, int]] = {}  # first 3 characters -> head -> mask
        self.tails: dict[str, dict[str, int]] = {}  # last 3 characters -> tail -> mask
        self.substrings: dict[str, int] = {}
        self.starts: dict[str, int] = {}
        keys = [(index_key(atom), 1 << k) for k, ((req, _), _) in enumerate(analysed)
                for atom in req or () if not atom.startswith(START)]
        for k, ((req, _), _) in enumerate(analysed):
            if not req:
                self.always |= 1 << k
            for atom in req or ():
                if atom.startswith(START):
                    self.starts[atom[1:]] = self.starts.get(atom[1:], 0) | 1 << k
        for (kind, s), bit in keys + list(self.terms.atoms.items()):  # the terms' look-ups too
            if kind == "word":
                self.words[s] = self.words.get(s, 0) | bit
            elif kind == "sub":
                self.substrings[s] = self.substrings.get(s, 0) | bit
            else:
                table = (self.heads if kind == "head" else self.tails).setdefault(
                    s[:3] if kind == "head" else s[-3:], {})
                table[s] = table.get(s, 0) | bit
        #: marks[byte]: the bits of a substring of one ASCII character (",", "|"), the
        #: block's "marks"; a block's UTF-8 bytes without `unmarked` (the other ASCII ones)
        #: are its marks and the characters it has that are not ASCII
        self.marks = [self.substrings.get(chr(c), 0) if c < 128 and not TOKEN.fullmatch(chr(c)) else 0
                      for c in range(256)]
        self.unmarked = bytes(c for c in range(128) if not self.marks[c])
        #: the other substrings (not of token characters only, nor one ASCII character) as
        #: (substring, mask) under one of their characters that are not ASCII or are marks,
        #: with all those characters: a document that has not all of them (a block of only
        #: ASCII characters has none but marks) need not be searched for it; under "" the
        #: substrings with none ("you have ")
        self.substring_tests: dict[str, list[tuple[str, frozenset[str], int]]] = {}
        for sub, bits in self.substrings.items():
            if not TOKEN.fullmatch(sub) and not (len(sub) == 1 and sub.isascii()):
                need = frozenset(c for c in sub if not c.isascii() or self.marks[ord(c)])
                key = max(need, key=lambda c: (not c.isascii(), ord(c)), default="")
                self.substring_tests.setdefault(key, []).append((sub, need, bits))
        #: the substrings of token characters only ("newsletter"): a block has one exactly
        #: when one of its tokens does, so they are looked up with the tokens
        self.infixes = tuple((s, bits) for s, bits in self.substrings.items() if TOKEN.fullmatch(s))
        #: every prefix of a start (the block's first characters might begin with) -> the
        #: bits of the starts it begins with
        self.start_bits: dict[str, int] = {}
        for p in self.starts:
            for n in range(len(p) + 1):
                self.start_bits[p[:n]] = 0
        for p in sorted(self.start_bits, key=len):
            self.start_bits[p] = self.start_bits[p[:-1]] | self.starts.get(p, 0) if p else 0
        self._known = _Known(self.token_bits)
        limits = [limit for (_, limit), _ in analysed]
        top = max((n for n in limits if n is not None), default=0)
        too_long = [0] * (top + 2)  # too_long[n]: the rules whose bound is n - 1
        for k, m in enumerate(limits):
            if m is not None:
                too_long[m + 1] |= 1 << k
        #: fits[n]: the rules a block of n characters is not too long for (n > top: fits[-1])
        self.fits = []
        fits = (1 << (len(limits) + len(self.terms.atoms))) - 1  # the terms' bits always fit
        for length in range(top + 2):
            fits &= ~too_long[length]
            self.fits.append(fits)

    def token_bits(self, token: str) -> int:
        """Bit mask of the patterns whose requirement this token meets."""
        found = self.words.get(token, 0)
        for head, bits in self.heads.get(token[:3], {}).items():
            if token.startswith(head):
                found |= bits
        for tail, bits in self.tails.get(token[-3:], {}).items():
            if token.endswith(tail):
                found |= bits
        for infix, bits in self.infixes:
            if infix in token:
                found |= bits
        return found

    def mask(self, text: str) -> int:
        """Bit mask of the patterns that may match `text` (a document of one block)."""
        return self._batch_masks([text])[0]

    def masks(self, texts: Sequence[str]) -> list[int]:
        """mask(t) for each of a document's blocks, worked out for blocks of about
        BATCH_CHARS characters at once (so that a huge document is never one list of
        tokens): each step over the blocks runs in C as far as it can (their tokens' masks
        are dictionary look-ups), and a substring is looked for block by block only when the
        batch has all the characters of it that are not ASCII and its marks (see __init__)."""
        if sum(map(len, texts)) < BATCH_CHARS:
            return self._batch_masks(texts)
        out: list[int] = []
        start = size = 0
        for i, text in enumerate(texts):
            size += len(text)
            if size >= BATCH_CHARS or i == len(texts) - 1:
                out.extend(self._batch_masks(texts[start:i + 1]))
                start, size = i + 1, 0
        return out

    def _batch_masks(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        lows = fold_blocks(texts)
        if max(map(len, lows)) <= TOKENS_PIECE:
            codes = list(map(_ENCODE, lows))
            tokens = list(map(bytes.split, map(_TOKENIZE, codes)))
            kept = [c.translate(None, self.unmarked) for c in codes]
        else:
            tokens = [_tokens(low) for low in lows]
            kept = [_kept(low, self.unmarked) for low in lows]
        get, mark, always = self._known.__getitem__, self.marks.__getitem__, self.always  # (see _Known)
        found = [reduce(or_, filter(None, map(get, toks)), always) for toks in tokens]  # most are 0
        found = [reduce(or_, filter(None, map(mark, set(m))), bits) if m else bits for bits, m in zip(found, kept)]
        self._find_substrings(found, lows, set(b"".join(kept).decode("utf-8", "surrogatepass")))
        firsts = list(map(fold_start, lows))
        start_bits = self.start_bits
        if start_bits:
            for i, first in enumerate(firsts):
                n = 1
                while n <= len(first) and first[:n] in start_bits:
                    n += 1  # (every prefix of a start is in start_bits)
                found[i] |= start_bits[first[:n - 1]]
        fits, top = self.fits, len(self.fits) - 1
        sizes = list(map(len, texts))
        found = [bits & fits[min(size, top)] for bits, size in zip(found, sizes)]
        return self.terms.refine(found, sizes, lows, firsts)

    def _find_substrings(self, found: list[int], lows: list[str], chars: set[str]) -> None:
        """Adds to `found` the bits of the substrings the blocks (folded `lows`) have, of
        those whose characters that are not ASCII or are marks are all in `chars`."""
        tests = self.substring_tests
        todo = [t for key in chars.intersection(tests) for t in tests[key] if t[1] <= chars] + tests.get("", [])
        if not todo:
            return
        # a substring's occurrences in the document, each placed in its block (an occurrence
        # across two blocks is in neither); then the search goes on from the next block
        doc = "\n".join(lows)
        ends = list(accumulate(len(low) + 1 for low in lows))  # ends[i]: one past block i's "\n"
        find, block_of = doc.find, bisect_right
        for s, _, bits in todo:
            at = find(s)
            while at >= 0:
                i = block_of(ends, at)
                if at + len(s) < ends[i]:
                    found[i] |= bits
                    at = find(s, ends[i])
                else:
                    at = find(s, at + 1)

    def candidates(self, text: str) -> list[int]:
        """Indexes of the patterns that may match `text`, in pattern order."""
        found = self.mask(text)
        return [k for k in range(found.bit_length()) if found >> k & 1]
