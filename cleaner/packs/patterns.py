"""Pattern analysis for the prefilter: necessary conditions that every match of a rule's
pattern satisfies, worked out from the pattern's parse.

Each pattern is parsed with Python's own regular-expression parser; what it cannot parse
(syntax only the `regex` package knows) gets no condition and always runs. From the parse
come two kinds of necessary condition:

* a requirement (`literals`): the block contains one of some literals (``"\\x00by\\x00"``:
  the word "by"; ``"hare\\x00"``: a word ending in "hare"), or starts with one of some
  prefixes (marked START, from a pattern anchored with ``^``);
* a length bound (`max_length`): a pattern that must span the whole block (``^...$``, or
  ``^(?=.{0,N}$)``) cannot match a block longer than its widest match (plus one: ``$`` also
  matches before a final newline).

Why the tests can only let through more than the rule matches, never less: the block is
casefolded, literals and prefixes are folded the same way (cleaner/folding.py: ASCII,
Latin-1, Latin Extended-A and Cyrillic letters, uncased symbols and letters), and every
character the `regex` package matches to one of them, even ignoring case, casefolds to it
(but "İ", see fold_block). Decimal digits are all folded to "0" on both sides.
A literal word boundary is a non-word character or an edge, which is never one of [a-z0-9]
after casefolding, so words can be found as [a-z0-9]+ tokens. When anything is unclear, the
analysis gives up and the rule runs. tests/test_prefilter.py checks these character facts
against `regex` itself.
"""

from __future__ import annotations

import re
import sys
import warnings
from typing import Any

from cleaner.packs.folding import PREFIX_LEN, fold, folds_simply

if sys.version_info >= (3, 11):
    from re import _constants as C
    from re import _parser as sre_parse
else:  # pragma: no cover
    import sre_constants as C
    import sre_parse

#: Marks a word boundary at the edge of a literal (not a character of the text).
BOUND = "\x00"
#: Marks a prefix: the block must start with the rest of the string.
START = "\x02"
#: A prefilter literal must have at least this many characters to be worth testing.
MIN_LITERAL = 3
#: Prefixes are cut to PREFIX_LEN characters, and fewer when there are over MAX_PREFIXES.
MAX_PREFIXES = 128
#: Common words: a poor literal, so another one is chosen when there is one.
COMMON = frozenset("a an and are as at be by for from has have i in is it of on or that the "
                   "this to was we with you your".split())

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))
_STARTS = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_BOUNDARY}
_ENDS = {C.AT_END, C.AT_END_STRING, C.AT_BOUNDARY}
#: A token of a casefolded block (words are found through these).
TOKEN = re.compile(r"[a-z0-9]+")
class _GiveUp(Exception):
    """Too much work: try with shorter prefixes."""


class _Unknown(Exception):
    """Some match may start with anything."""


def _chars(op, av) -> "set[str] | None":
    """The folded characters one parsed item can match, or None (not a single character
    of a small known set)."""
    if op is C.LITERAL:
        ch = fold(chr(av))
        return {ch} if ch else None
    if op is not C.IN:
        return None
    out: set[str] = set()
    for o, a in av:
        if o is C.LITERAL:
            out.add(fold(chr(a)))
        elif o is C.RANGE and a[1] - a[0] < 16:
            out.update(fold(chr(c)) for c in range(a[0], a[1] + 1))
        elif o is C.CATEGORY and a in (C.CATEGORY_DIGIT, C.CATEGORY_SPACE):
            out.add("0" if a is C.CATEGORY_DIGIT else " ")
        else:
            return None
    return None if None in out or len(out) > 16 else out


def _run_char(op, av) -> str | None:
    """The one character this item matches (ignoring case) as the casefolded block has it:
    ASCII lower-cased, a letter that folds simply casefolded, or an uncased symbol; else
    None."""
    codes = [av] if op is C.LITERAL else [a for o, a in av if o is C.LITERAL] if op is C.IN else []
    if not codes or op is C.IN and len(codes) < len(av):
        return None
    chars = {chr(c).lower() if c < 128 else chr(c).casefold() if folds_simply(chr(c)) else chr(c) for c in codes}
    ch = chars.pop() if len(chars) == 1 else None
    return ch if ch and (ch.isascii() or fold(ch) == ch) else None


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
    that is not [a-z0-9], or with an anchor that means one (``(?:^|\\s)``)?"""
    if not items:
        return False
    op, av = items[0] if step > 0 else items[-1]
    if _non_word(op, av) or op is C.AT and av in (_STARTS if step < 0 else _ENDS):
        return True
    if op is C.SUBPATTERN:
        return _edge_non_word(list(av[-1]), step)
    if op is C.BRANCH:
        return all(_edge_non_word(list(b), step) for b in av[1])
    if op in _REPEATS and av[0] >= 1:
        return _edge_non_word(list(av[2]), step)
    return False


def _bounded(items, i: int, step: int, edge: bool) -> bool:
    """Is the text next to item i (in direction `step`) surely a word boundary?"""
    ats = _STARTS if step < 0 else _ENDS
    k = i + step
    while 0 <= k < len(items):
        op, av = items[k]
        if op is C.AT:
            return av in ats
        if op is C.ASSERT and av[0] == step:  # a lookahead after, a lookbehind before
            return _edge_non_word(list(av[1]), step)
        if (_non_word(op, av) or op in (C.BRANCH, C.SUBPATTERN) and _edge_non_word([(op, av)], step)
                or op in _REPEATS and av[0] >= 1 and _edge_non_word(list(av[2]), step)):
            return True
        if op in _REPEATS and av[0] == 0 and _edge_non_word(list(av[2]), step):
            k += step  # optional, and starts (or ends) with a non-word character: look past it
            continue
        return False
    return edge


def prefixes(items) -> tuple[str, ...] | None:
    """Folded strings of which every match of the sequence `items` starts with one (cut to
    PREFIX_LEN characters, or fewer when there would be too many), or None when some match
    could start with anything."""
    plain = _plain(items)
    for size in (PREFIX_LEN, 5, 3, 2, 1):
        try:
            out = _prefixes(plain, size)
        except _GiveUp:
            continue
        except _Unknown:
            return None
        for depth in range(size - 1, 0, -1):  # too many: cut where they branch, deepest first
            groups: dict[str, list[str]] = {}
            for p in sorted(out):
                if len(p) > depth:
                    groups.setdefault(p[:depth], []).append(p)
            for node, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                if len(out) <= MAX_PREFIXES or len(group) < 2:
                    break
                out.difference_update(group)
                out.add(node)
        return _shortest(out)
    return None


def _shortest(out: "set[str]") -> tuple[str, ...]:
    kept: list[str] = []
    for p in sorted(out, key=len):  # "ab" already lets through all that "abc" does
        if not any(p.startswith(q) for q in kept):
            kept.append(p)
    return tuple(sorted(kept))


def _plain(items) -> tuple:
    """The parsed items as tuples the prefix walk can use quickly: ("c", chars or None),
    ("b", branches), ("r", lo, hi, items); zero-width items are left out (only widens)."""
    out: list = []
    for op, av in items:
        if op is C.SUBPATTERN:
            out.extend(_plain(av[-1]))
        elif op is C.BRANCH:
            out.append(("b", tuple(_plain(b) for b in av[1])))
        elif op in _REPEATS:
            out.append(("r", av[0], av[1], _plain(av[2])))
        elif op not in (C.AT, C.ASSERT, C.ASSERT_NOT):
            out.append(("c", _chars(op, av)))
    return tuple(out)


def _push(items: tuple, rest: tuple | None) -> tuple | None:
    for item in reversed(items):
        rest = (item, rest)
    return rest


def _prefixes(items: tuple, size: int) -> "set[str]":
    """All the ways a match of `items` (from _plain) can start, cut to `size` characters.
    Raises _Unknown when a match could start with anything, _GiveUp when it is too much work."""
    out: set[str] = set()
    steps = [0]

    def walk(stack: tuple | None, acc: str, depth: int) -> None:
        steps[0] += 1
        if steps[0] > 20_000 or depth > 300:
            raise _GiveUp
        if len(acc) >= size or stack is None:
            if not acc:
                raise _Unknown
            out.add(acc)
            return
        item, rest = stack
        if item[0] == "c":
            if item[1] is None:
                walk(None, acc, depth + 1)
            for ch in item[1] or ():
                walk(rest, acc + ch, depth + 1)
        elif item[0] == "b":
            for branch in item[1]:
                walk(_push(branch, rest), acc, depth + 1)
        else:
            _, lo, hi, inner = item
            if lo == 0:
                walk(rest, acc, depth + 1)
            if hi > 0:  # one round of the repeat, then what is left of it
                if hi is C.MAXREPEAT or hi > 1:
                    rest = (("r", max(lo - 1, 0), hi if hi is C.MAXREPEAT else hi - 1, inner), rest)
                walk(_push(inner, rest), acc, depth + 1)

    walk(_push(items, None), "", 0)
    return out


def _strength(atom: str) -> int:
    if atom.startswith(START):
        return 2 * len(atom) + 2
    word = atom.strip(BOUND)
    if word in COMMON and atom.startswith(BOUND) and atom.endswith(BOUND):
        return 1
    return len(atom) + atom.count(BOUND)


def _best(cands: list) -> Any:
    cands = [c for c in cands if c]
    if not cands:
        return None
    return max(cands, key=lambda req: (min(map(_strength, req)), -len(req)))


def _seq(items, left: bool, right: bool, anchors: bool) -> tuple[str, ...] | None:
    """Requirement of a sequence of parsed items; `left` / `right`: the sequence is
    surely preceded / followed by a word boundary; `anchors`: ^ means the block's start."""
    items = list(items)
    cands: list = []
    run: list[str] = []

    def flush(last: int):
        if run and _bounded(items, last, 1, right):
            run.append(BOUND)
        chars = len(run) - run.count(BOUND)
        whole_word = run[:1] == [BOUND] and run[-1:] == [BOUND] and chars > 0
        symbol = any(not c.isalnum() and not c.isspace() for c in run if c != BOUND)
        if chars >= MIN_LITERAL or whole_word or symbol:  # a word is looked up; "(" is rare
            cands.append(("".join(run),))
        run.clear()

    for i, (op, av) in enumerate(items):
        ch = _run_char(op, av)
        if ch is not None:
            if not run and _bounded(items, i, -1, left):
                run.append(BOUND)
            run.append(ch)
            continue
        flush(i - 1)
        lb, rb = _bounded(items, i, -1, left), _bounded(items, i, 1, right)
        if op is C.AT and anchors and av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
            starts = prefixes(items[i + 1:])
            if starts:
                cands.append(tuple(START + p for p in starts))
        elif op is C.SUBPATTERN:
            cands.append(_seq(av[-1], lb, rb, anchors))
        elif op is C.BRANCH:
            alts = [_seq(b, lb, rb, anchors) for b in av[1]]
            if all(alts):
                cands.append(tuple(sorted({s for a in alts for s in a})))
        elif op in _REPEATS:
            lo, hi, inner = av
            if lo >= 1:
                cands.append(_seq(inner, lb and hi == 1, rb and hi == 1, anchors))
            chars = [_run_char(o, a) for o, a in inner]  # (?:ha){2,}: "ha" twice
            if lo >= 2 and chars and None not in chars and len(chars) * min(lo, 4) >= MIN_LITERAL:
                cands.append(((BOUND if lb else "") + "".join(chars) * min(lo, 4),))
        elif op is C.IN:
            cands.append(_symbols(av))
        elif op is C.ASSERT:
            cands.append(_seq(av[1], False, False, anchors))
    flush(len(items) - 1)
    return _best(cands)


def _symbols(av) -> tuple[str, ...] | None:
    """Symbols one of which the block must hold (``[©ⓒ]``, or ``(?:©|ⓒ)`` as parsed), or None
    when the set has anything else (a letter, digit, space, class, range or negation)."""
    chars = [_run_char(o, a) if o is C.LITERAL else None for o, a in av]
    if not chars or any(c is None or c.isalnum() or c.isspace() for c in chars):
        return None
    return tuple(sorted(set(chars)))  # type: ignore[arg-type]


def _parse(pattern: str):
    """Python's parse of the pattern, or None when it may not mean what `regex` reads."""
    if re.search(r"\{\s*[eisd]\s*[<=,}]", pattern):  # a fuzzy match, only `regex` has them
        return None
    for attempt in (pattern, _unnamed(pattern)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "possible nested set": [[:alpha:]] and the like
                return sre_parse.parse(attempt)
        except Exception:
            continue
    return None


def _unnamed(pattern: str) -> str:
    """The pattern with its named groups made plain groups, for Python's parser, which
    refuses a name used twice (`regex` allows it); unchanged when it refers back to a group."""
    if re.search(r"\(\?P=|\\g<|\\\d", pattern):
        return pattern
    return re.sub(r"(?<!\\)\(\?P<\w+>", "(?:", pattern)


def _multiline(pattern: str, parsed) -> bool:
    """May ^ or $ mean a line's start or end (a MULTILINE flag anywhere)?"""
    return bool(parsed.state.flags & C.SRE_FLAG_MULTILINE or re.search(r"\(\?[a-zA-Z]*m", pattern))


def literals(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one (lower-cased, with
    BOUND marks), or starts with one (marked START), or None when that cannot be worked out."""
    return _literals(pattern, _parse(pattern))


def _literals(pattern: str, parsed) -> tuple[str, ...] | None:
    if parsed is None:
        return None
    try:
        return _seq(list(parsed), False, False, not _multiline(pattern, parsed))
    except Exception:
        return None


def _to_end(items) -> bool:
    """Does every match of this sequence end with $?"""
    op, av = items[-1] if items else (None, None)
    if op is C.SUBPATTERN:
        return _to_end(list(av[-1]))
    if op is C.BRANCH:
        return all(_to_end(list(b)) for b in av[1])
    return op is C.AT and av in (C.AT_END, C.AT_END_STRING)


def _whole_span(sub) -> int | None:
    """Widest match of a parsed sequence whose every match runs from ^ to $, else None."""
    items = list(sub)
    if len(items) == 1 and items[0][0] in (C.SUBPATTERN, C.BRANCH):
        op, av = items[0]
        widths = [_whole_span(b) for b in (av[1] if op is C.BRANCH else [av[-1]])]
        return None if None in widths else max(widths)
    if not items or items[0] != (C.AT, C.AT_BEGINNING) and items[0] != (C.AT, C.AT_BEGINNING_STRING):
        return None
    widths = []  # each bounds every match: the smallest is kept
    if _to_end(items):
        widths.append(sub.getwidth()[1])
    if len(items) > 1 and items[1][0] is C.ASSERT and items[1][1][0] == 1:  # ^(?=...$)
        ahead = _whole_span(sre_parse.SubPattern(sub.state, [items[0], *items[1][1][1]]))
        if ahead is not None:
            widths.append(ahead)
    return min(widths, default=None)


def max_length(pattern: str) -> int | None:
    """Longest block the pattern can match at all (it must span the block from ^ to $),
    or None when there is no such bound."""
    return _max_length(pattern, _parse(pattern))


def _max_length(pattern: str, parsed) -> int | None:
    if parsed is None or _multiline(pattern, parsed):
        return None
    try:
        width = _whole_span(parsed)
    except Exception:
        return None
    return width + 1 if width is not None and width < 100_000 else None  # +1: $ before "\n"
