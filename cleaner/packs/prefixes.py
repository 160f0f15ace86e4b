"""Prefixes: the ways every match of a parsed sequence can start, for the prefilter's test
of a block's first characters (a pattern anchored with ``^``). Characters are folded as
cleaner/packs/folding.py folds them, so that a block that a match starts is found by its
folded first characters.
"""

from __future__ import annotations

import sys

from cleaner.packs.folding import PREFIX_LEN, fold

if sys.version_info >= (3, 11):
    from re import _constants as C
else:  # pragma: no cover
    import sre_constants as C

#: Prefixes are cut to PREFIX_LEN characters, and fewer when there are over MAX_PREFIXES.
MAX_PREFIXES = 128

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))


class _GiveUp(Exception):
    """Too much work: try with shorter prefixes."""


class _Unknown(Exception):
    """Some match may start with anything."""


def _chars(op, av) -> set[str] | None:
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


def _shortest(out: set[str]) -> tuple[str, ...]:
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


def _prefixes(items: tuple, size: int) -> set[str]:
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
