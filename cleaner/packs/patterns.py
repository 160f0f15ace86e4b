"""Pattern analysis for the prefilter: necessary conditions that every match of a rule's
pattern satisfies, worked out from the pattern's parse.

Each pattern is parsed with Python's own regular-expression parser; what it cannot parse
(syntax only the `regex` package knows) gets no condition and always runs. From the parse
come three kinds of necessary condition:

* a requirement (`literals`): the block contains one of some literals (``"\\x00by\\x00"``:
  the word "by"; ``"hare\\x00"``: a word ending in "hare"), or starts with one of some
  prefixes (marked START, from a pattern anchored with ``^``);
* a length bound (`max_length`): a pattern that must span the whole block (``^...$``, or
  ``^(?=.{0,N}$)``) cannot match a block longer than its widest match (plus one: ``$`` also
  matches before a final newline);
* terms (`_dnf`): requirements of every part of a match at once, the block meeting all of
  one term's (see cleaner/packs/terms.py, which tests them).

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

from cleaner.packs.folding import fold, folds_simply
from cleaner.packs.prefixes import prefixes

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
#: Marks a literal near the block's end: at most the number after it of characters follow
#: (only when at most MAX_TAIL may).
END, MAX_TAIL = "\x03", 200
#: A prefilter literal must have at least this many characters to be worth testing.
MIN_LITERAL = 3
#: A pattern's requirements are at most this many alternative terms (see _dnf).
MAX_TERMS = 16
#: Common words: a poor literal, so another one is chosen when there is one.
COMMON = frozenset("a an and are as at be by for from has have i in is it of on or that the "
                   "this to was we with you your".split())

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))
_STARTS = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_BOUNDARY}
_ENDS = {C.AT_END, C.AT_END_STRING, C.AT_BOUNDARY}
#: A token of a casefolded block (words are found through these).
TOKEN = re.compile(r"[a-z0-9]+")


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


def _parts(items, left: bool, right: bool, anchors: bool, tail: int | None = None) -> list:
    """What every match of a sequence of parsed items needs, part by part: ("c", clause)
    one of the clause's literals or prefixes; ("t", clause) the same literal, marked END
    (terms only); ("s", items, left, right, tail) a match of a sub-sequence (a group, a
    repeat done at least once, a lookahead); ("b", branches, left, right, tail) a match of
    one of the branches. `left` / `right`: the sequence is surely preceded / followed by a
    word boundary; `anchors`: ^ means the block's start; `tail`: at most this many
    characters follow a match of the sequence in the block (None: unknown)."""
    items = list(items)
    parts: list = []
    run: list[str] = []

    def after(i: int) -> int | None:  # at most how many characters follow item i, or None
        if tail is None:
            return None
        try:
            width = sre_parse.SubPattern(sre_parse.State(), items[i + 1:]).getwidth()[1]
        except (AttributeError, IndexError, KeyError):  # a back-reference: widths unknown here
            return None
        return tail + width if width < 100_000 else None

    def flush(last: int):
        if run and _bounded(items, last, 1, right):
            run.append(BOUND)
        chars = len(run) - run.count(BOUND)
        whole_word = run[:1] == [BOUND] and run[-1:] == [BOUND] and chars > 0
        symbol = any(not c.isalnum() and not c.isspace() for c in run if c != BOUND)
        if chars >= MIN_LITERAL or whole_word or symbol:  # a word is looked up; "(" is rare
            parts.append(("c", ("".join(run),)))
            near = after(last)
            if near is not None and near <= MAX_TAIL:
                parts.append(("t", ("".join(run) + END + str(near),)))
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
                parts.append(("c", tuple(START + p for p in starts)))
        elif op is C.SUBPATTERN:
            parts.append(("s", av[-1], lb, rb, after(i)))
        elif op is C.BRANCH:
            parts.append(("b", av[1], lb, rb, after(i)))
        elif op in _REPEATS:
            lo, hi, inner = av
            if lo >= 1:
                parts.append(("s", inner, lb and hi == 1, rb and hi == 1, after(i) if hi == 1 else None))
            chars = [_run_char(o, a) for o, a in inner]  # (?:ha){2,}: "ha" twice
            if lo >= 2 and chars and None not in chars and len(chars) * min(lo, 4) >= MIN_LITERAL:
                parts.append(("c", ((BOUND if lb else "") + "".join(chars) * min(lo, 4),)))
        elif op is C.IN:
            symbols = _symbols(av)
            if symbols:
                parts.append(("c", symbols))
        elif op is C.ASSERT:
            parts.append(("s", av[1], False, False, None))
    flush(len(items) - 1)
    return parts


def _seq(items, left: bool, right: bool, anchors: bool) -> tuple[str, ...] | None:
    """The best single requirement of a sequence of parsed items (see _parts), or None."""
    cands: list = []
    for part in _parts(items, left, right, anchors):
        if part[0] == "c":
            cands.append(part[1])
        elif part[0] == "s":
            cands.append(_seq(part[1], part[2], part[3], anchors))
        elif part[0] == "b":
            alts = [_seq(b, part[2], part[3], anchors) for b in part[1]]
            if all(alts):
                cands.append(tuple(sorted({s for a in alts for s in a})))
    return _best(cands)


def _dnf(items, left: bool, right: bool, anchors: bool, tail: int | None = None) -> list[frozenset]:
    """Every requirement of a sequence of parsed items, as terms (sets of clauses) every
    match meets all the clauses of one of: a branch's terms are each one's, a sequence's
    the combinations of its parts', and an optional character's (see _variants) those of
    the sequence with it and without it; a literal followed by at most `tail` characters
    (see _parts) marked END too. At most MAX_TERMS: a part that would make more is
    weakened to one term (_collapse). [frozenset()]: nothing is known."""
    variants = _variants(items)
    if len(variants) > 1:
        terms = _weakest([t for v in variants for t in _dnf(v, left, right, anchors, tail)])
        return terms if len(terms) <= MAX_TERMS else [_collapse(terms)]
    terms = [frozenset()]
    for part in _parts(items, left, right, anchors, tail):
        if part[0] in "ct":
            got = [frozenset([part[1]])]
        elif part[0] == "s":
            got = _dnf(part[1], part[2], part[3], anchors, part[4])
        else:
            got = [t for b in part[1] for t in _dnf(b, part[2], part[3], anchors, part[4])]
        got = _weakest(got)
        if len(terms) * len(got) > MAX_TERMS:
            got = [_collapse(got)]
        terms = _weakest([t | g for t in terms for g in got])
    return terms


def _variants(items) -> list[list]:
    """The sequence with each optional character that splits a literal (``e-?mail``,
    ``p\\.?\\s?iva``) there and not there: every match is one of theirs, and each has
    longer literals ("email" and "e-mail"; "piva", "p.iva" and a word starting "iva").
    [items] when there is none, or more than three."""
    items = list(items)

    def optional(i: int) -> bool:
        op, av = items[i]
        return op in _REPEATS and av[0] == 0 and av[1] == 1 and len(av[2]) == 1 and av[2][0][0] in (C.LITERAL, C.IN)

    def next_to_literal(i: int) -> bool:
        for step in (-1, 1):
            k = i + step
            while 0 <= k < len(items) and optional(k):
                k += step
            if 0 <= k < len(items) and _run_char(*items[k]) is not None:
                return True
        return False

    split = [i for i in range(len(items)) if optional(i) and next_to_literal(i)]
    if not split or len(split) > 3:
        return [items]
    out = []
    for chosen in range(1 << len(split)):
        keep = {i for j, i in enumerate(split) if chosen >> j & 1}
        out.append([items[i][1][2][0] if i in keep else items[i] for i in range(len(items)) if i in keep or i not in split])
    return out


def _weakest(terms: list[frozenset]) -> list[frozenset]:
    """The same condition in fewer terms: without those that hold only when another does
    (a superset of it), and terms that differ in one clause each merged into one term
    (``A and B or A and C``: A and one of B's or C's literals)."""
    out: list[frozenset] = []
    for t in sorted(set(terms), key=lambda t: (len(t), sorted(t))):
        if not any(o <= t for o in out):
            out.append(t)
    if len(out) > 1:
        common = frozenset.intersection(*out)
        rest = [t - common for t in out]
        if all(len(r) == 1 for r in rest):
            return [common | {tuple(sorted({s for r in rest for c in r for s in c}))}]
    return out


def _collapse(terms: list[frozenset]) -> frozenset:
    """One term that holds whenever one of `terms` does: one clause, of each one's best
    clause's literals (nothing when a term is empty)."""
    bests = [_best(sorted(t)) for t in terms]  # sorted: the same choice in every process
    if None in bests:
        return frozenset()
    return frozenset([tuple(sorted({s for b in bests for s in b}))])


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
