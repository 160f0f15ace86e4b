"""Prefilter: the literal words a rule's every match must contain, so that a block is only
searched with the rules whose words it has.

The pattern is parsed with Python's own regular-expression parser; what it cannot parse
(syntax only the `regex` package knows) gets no prefilter and always runs. Literals are
lower-cased ASCII and the block is lower-cased too, so the test can only let through more
than the rule matches, never less.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as C
    from re import _parser as sre_parse
else:  # pragma: no cover
    import sre_constants as C
    import sre_parse

#: Marks a word boundary at the edge of a literal (not a character of the text).
BOUND = "\x00"
#: A prefilter literal must have at least this many characters to be worth testing.
MIN_LITERAL = 3

Req = "tuple[str, ...] | None"  # any one of these strings must occur; None = unknown


def _score(req: tuple[str, ...] | None) -> tuple[int, int]:
    if not req:
        return (-1, 0)
    return (min(len(s) for s in req), -len(req))


def _best(cands: list) -> Any:
    cands = [c for c in cands if c]
    return max(cands, key=_score) if cands else None


def _char(code: int) -> str | None:
    ch = chr(code)
    return ch.lower() if ch.isascii() else None  # the block side is casefolded


_STARTS = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_BOUNDARY}
_ENDS = {C.AT_END, C.AT_END_STRING, C.AT_BOUNDARY}


def _non_word(op, av) -> bool:
    """Does this item only ever match one character that is not [a-z0-9]?"""
    if op is C.LITERAL:
        return not chr(av).isalnum()
    if op is C.IN:
        return all(o is C.LITERAL and not chr(a).isalnum()
                   or o is C.CATEGORY and a in (C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD) for o, a in av)
    return False


def _edge_non_word(items, step: int) -> bool:
    """Does every match of this sequence start (step 1) or end (step -1) with a character
    that is not [a-z0-9]?"""
    if not items:
        return False
    op, av = items[0] if step > 0 else items[-1]
    if _non_word(op, av):
        return True
    if op is C.SUBPATTERN:
        return _edge_non_word(list(av[-1]), step)
    if op is C.BRANCH:
        return all(_edge_non_word(list(b), step) for b in av[1])
    return False


def _bounded(items, i: int, step: int, edge: bool) -> bool:
    """Is the text next to item i (in direction `step`) surely a word boundary?"""
    ats = _STARTS if step < 0 else _ENDS
    k = i + step
    while 0 <= k < len(items):
        op, av = items[k]
        if op is C.AT:
            return av in ats
        if _non_word(op, av):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0 and _edge_non_word(list(av[2]), step):
            k += step  # optional, and starts (or ends) with a non-word character: look past it
            continue
        return False
    return edge


def _seq(items, left: bool = False, right: bool = False) -> tuple[str, ...] | None:
    """Requirement of a sequence of parsed items; `left` / `right`: the sequence is
    surely preceded / followed by a word boundary."""
    items = list(items)
    cands: list = []
    run: list[str] = []

    def flush(last: int):
        if run and _bounded(items, last, 1, right):
            run.append(BOUND)
        chars = len(run) - run.count(BOUND)
        whole_word = run[:1] == [BOUND] and run[-1:] == [BOUND] and chars > 0
        if chars >= MIN_LITERAL or whole_word:  # a whole word is found by look-up, any length
            cands.append(("".join(run),))
        run.clear()

    for i, (op, av) in enumerate(items):
        if op is C.LITERAL:
            ch = _char(av)
            if ch is None:
                flush(i - 1)
            else:
                if not run and _bounded(items, i, -1, left):
                    run.append(BOUND)
                run.append(ch)
            continue
        flush(i - 1)
        lb, rb = _bounded(items, i, -1, left), _bounded(items, i, 1, right)
        if op is C.SUBPATTERN:
            cands.append(_seq(av[-1], lb, rb))
        elif op is C.BRANCH:
            alts = [_seq(b, lb, rb) for b in av[1]]
            if all(alts):
                cands.append(tuple(sorted({s for a in alts for s in a})))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, inner = av
            if lo >= 1:
                cands.append(_seq(inner, lb and hi == 1, rb and hi == 1))
        elif op is C.ASSERT:
            direction, inner = av
            cands.append(_seq(inner))
    flush(len(items) - 1)
    return _best(cands)


def literals(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one (lower-cased), or
    None when that cannot be worked out."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    try:
        return _seq(list(parsed))
    except Exception:
        return None


_WORD = re.compile(r"[a-z0-9]+")


def key_word(literal: str) -> str | None:
    """A whole word inside the literal (bounded by other characters of the literal on both
    sides): any text containing the literal has it as a token. The longest one, or None."""
    if BOUND + BOUND in literal:  # an empty run between two boundaries
        return None
    best = None
    for m in _WORD.finditer(literal):
        if m.start() > 0 and m.end() < len(literal):
            if best is None or len(m.group()) > len(best):
                best = m.group()
    return best


class Prefilter:
    """Finds which rules could match a block: a rule whose every match must contain one of
    its literals is tried only when the block has one of them. Literals are found through
    the block's words (a dictionary look-up per word), or by substring when a literal has no
    whole word inside it."""

    def __init__(self, patterns: "list[str]"):
        self.always: list[int] = []
        self.by_word: dict[str, list[int]] = {}
        self.by_substring: list[tuple[str, int]] = []
        for k, pattern in enumerate(patterns):
            lits = literals(pattern)
            if not lits:
                self.always.append(k)
                continue
            for lit in lits:
                word = key_word(lit)
                if word:
                    self.by_word.setdefault(word, []).append(k)
                else:
                    self.by_substring.append((lit.replace(BOUND, ""), k))

    def candidates(self, text: str) -> "list[int]":
        """Indexes of the patterns that may match `text`, in pattern order."""
        low = text.casefold()
        found = set(self.always)
        for word in set(_WORD.findall(low)):
            hit = self.by_word.get(word)
            if hit:
                found.update(hit)
        for lit, k in self.by_substring:
            if k not in found and lit in low:
                found.add(k)
        return sorted(found)
