"""Terms: the prefilter's second, finer test, made only for the few rules a block passes
the first tests of.

A pattern's analysis gives terms (see prefilter.analysis): every match meets all the
clauses and the length bound of one of them, a clause being met when the block holds one
of its literals. ``(?:we|it) (?:may|will) earn (?:a commission|money)`` has one term:
"earn", one of "may" and "will", one of "commission" and "money". A block that holds
"commission" only passes the first test (a single clause, looked up for every rule at
once) but fails the term, and is not searched.

The words, heads and tails of the terms' literals get bits of their own above the
patterns' in the prefilter's token look-ups (a block's mask has them at no extra pass);
the terms of each pattern are compiled into one Python function of the block (that mask,
its folded text and first characters, its length), so that testing them costs about as
much as a few bit tests and `in` tests: a term's part another part implies is left out,
and so is a term another term's parts imply, and a part several terms have is tested once.
The source holds only names (K0, K1, ...: the functions' globals) of the literals, never
the literals themselves.
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Callable, Sequence
from functools import reduce
from itertools import compress
from operator import or_
from typing import Any

from cleaner.packs.patterns import BOUND, COMMON, END, MIN_LITERAL, START, TOKEN

#: How many masks' tests Terms remembers (see Terms._plan).
PLANS = 1 << 14
#: Punctuation most blocks have: a clause with it is tested last.
_PUNCTUATION = frozenset(".,:;-'’\"()/!?")


def index_key(literal: str) -> tuple[str, str]:
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


def clause_test(clause: tuple[str, ...], atom_bit: Callable[[tuple[str, str]], int]) -> tuple | None:
    """How a block is tested for one of a clause's literals: (weak, bits, checked,
    substrings, prefixes, ends): a token of the block with one of `bits` (see index_key; a
    literal that is more than its token is then also looked for as a substring, the
    (bit, substring) pairs of `checked`), a substring of the folded block in `substrings`,
    its folded first characters starting with one of `prefixes`, or one of `ends` (a
    substring, and how many characters from the end it must start by). `atom_bit` gives an
    index key's bit. `weak`: one of the literals is punctuation most blocks have, so the
    clause is tested last; None: one is a common word (not worth testing at all)."""
    bits, checked, subs, starts, ends = 0, set(), set(), set(), set()
    weak = False
    for atom in clause:
        if atom.startswith(START):
            starts.add(atom[1:])
            continue
        if END in atom:  # in the last characters: a match's own are at most 3 folded ones each
            literal, near = atom.split(END)
            body = literal.strip(BOUND)
            ends.add((body, len(body) + 3 * int(near)))
            continue
        body = atom.strip(BOUND)
        kind, s = index_key(atom)
        if kind == "word" and s in COMMON:
            return None  # nearly every block has one: not worth a look-up for every "the"
        weak = weak or body.strip() in _PUNCTUATION
        if kind == "sub":
            subs.add(body)
        elif s == body.strip(" "):
            bits |= atom_bit((kind, s))  # the literal is just its token ("\x00share", " this ")
        else:
            checked.add((atom_bit((kind, s)), body))  # "\x00share of ": "share", then a scan
    return weak, bits, tuple(sorted(checked)), tuple(sorted(subs)), tuple(sorted(starts)), tuple(sorted(ends))


def _order(test: tuple) -> tuple:
    """Cheap tests first (token look-ups, then starts, then scans of the block), and of
    those, the ones of long literals (they fail more often); clauses most blocks meet
    last."""
    weak, _, checked, subs, starts, ends = test
    longest = max(map(len, [*subs, *starts, *(b for _, b in checked), *(b for b, _ in ends)]), default=9)
    return weak, bool(subs or checked), bool(starts or ends), -longest


class Terms:
    """The terms of a list of patterns, as one compiled test per pattern (see the module
    docstring). `refined`: the bit mask of the patterns that have one; `atoms`: index key
    (see index_key) -> the bit of a token look-up the terms need (above the patterns')."""

    def __init__(self, analysed: Sequence[tuple]):
        """`analysed`: each pattern's analysis (see prefilter.analysis). A term's clause
        that is the pattern's own requirement is not tested again (the first test did),
        nor a length bound no smaller than the pattern's own; a pattern with a term left
        with nothing to test has no test at all."""
        consts: dict[tuple[type, Any], int] = {}  # (its type, value) -> its index
        self.atoms: dict[tuple[str, str], int] = {}
        first_bit = len(analysed)

        def const(value: Any) -> str:
            return f"K{consts.setdefault((type(value), value), len(consts))}"

        keys: set[tuple[str, str]] = set()
        for (whole, _), pattern_terms in analysed:  # the look-ups first: the short words (the
            for clauses, _ in pattern_terms:        # frequent ones) get the low bits, so that
                for c in clauses:                   # their masks are small numbers
                    if c != whole:
                        clause_test(c, lambda key: keys.add(key) or 0)
        for j, key in enumerate(sorted(keys, key=lambda k: (len(k[1]), k))):
            self.atoms[key] = 1 << (first_bit + j)
        atom_bit = self.atoms.__getitem__

        sources = []
        for (whole, whole_limit), pattern_terms in analysed:
            alternatives: list[list[tuple]] = []
            for clauses, limit in pattern_terms:
                if whole_limit is not None and (limit is None or limit >= whole_limit):
                    limit = None
                tests = [t for t in (clause_test(c, atom_bit) for c in sorted(clauses) if c != whole) if t]
                parts = [("size", limit)] if limit is not None else []
                parts += [("clause", _pruned(t)) for t in sorted(tests, key=_order)]
                if not parts:
                    alternatives = []  # this term is met already: nothing to test
                    break
                alternatives.append(_needed(parts))
            alternatives = _absorbed(alternatives)
            sources.append(_factored([[_part_source(p, const) for p in a] for a in alternatives]))
        self.refined = sum(1 << k for k, source in enumerate(sources) if source)
        self.patterns_mask = (1 << first_bit) - 1
        self._sources = tuple(sources)
        self._consts = tuple(value for _, value in consts)  # in index order
        self._tests: tuple | None = None
        self._code: bytes | None = None
        self._plans: dict[int, tuple[tuple, tuple]] = {}

    def __getstate__(self) -> dict:
        # compiled functions do not pickle; their code (`_code`, marshalled) does
        return {**self.__dict__, "_tests": None, "_plans": {}}

    def _compile(self) -> tuple:
        """One function (found, low, first, size) -> bool per pattern (None: no terms); the
        literals are its globals K0, K1, ... Compiling the source takes a third of a second,
        so its code is kept (`_code`, marshalled: the disk cache's entry has it, keyed by
        the Python version) and only loaded again."""
        if self._code is None:
            lines = [f"        lambda found, low, first, size: {s}," if s else "        None," for s in self._sources]
            source = "def make():\n    return (\n" + "\n".join(lines) + "\n    )\n"
            self._code = marshal.dumps(compile(source, "<prefilter terms>", "exec"))
        namespace: dict[str, Any] = {f"K{i}": value for i, value in enumerate(self._consts)}
        exec(marshal.loads(self._code), namespace)  # noqa: S102 (names only, see above)
        self._tests = namespace["make"]()
        return self._tests

    def compiled(self) -> None:
        """Compile the tests now (before the disk cache stores this), not at the first block."""
        if self._tests is None:
            self._compile()

    def _plan(self, need: int) -> tuple[tuple, tuple]:
        """The tests of the patterns of `need` and their bits (remembered: a cache, cleared
        when it has PLANS of them)."""
        tests = self._tests or self._compile()
        bits, rest = [], need
        while rest:
            bits.append(rest & -rest)
            rest ^= bits[-1]
        if len(self._plans) >= PLANS:
            self._plans.clear()
        plan = self._plans[need] = tuple(tests[b.bit_length() - 1] for b in bits), tuple(bits)
        return plan

    def refine(self, found: Sequence[int], sizes: Sequence[int], lows: Sequence[str], firsts: Sequence[str]) -> list[int]:
        """The patterns of each block's mask in `found` (patterns' bits and atoms' bits) that
        have no terms, or one of whose terms the block (of `sizes` characters, folded
        `lows`, their folded first characters `firsts`) meets: masks of patterns only."""
        refined, patterns, plans = self.refined, self.patterns_mask, self._plans
        out = []
        for bits, size, low, first in zip(found, sizes, lows, firsts):
            need = bits & refined
            if need:
                tests, their_bits = plans.get(need) or self._plan(need)
                passed = compress(their_bits, [test(bits, low, first, size) for test in tests])
                out.append(reduce(or_, passed, (bits & patterns) ^ need))
            else:
                out.append(bits & patterns)
        return out


def _pruned(test: tuple) -> tuple:
    """A clause test (see clause_test) without the literals that imply another of its own
    (the clause is met when one of them is): "share of" when "share" will do."""
    weak, bits, checked, subs, starts, ends = test

    def has_sub(s: str, but: str | None = None) -> bool:
        return any(t in s for t in subs if t != but)

    checked = tuple((bit, body) for bit, body in checked if bit & ~bits and not has_sub(body) and not any(
        other != (bit, body) and not bit & ~other[0] and other[1] in body for other in checked))
    ends = tuple((s, n) for s, n in ends if not has_sub(s) and not any(
        (t, m) != (s, n) and t == s and m >= n for t, m in ends))
    return (weak, bits, checked, tuple(s for s in subs if not has_sub(s, s)),
            tuple(p for p in starts if not p.startswith(tuple(q for q in starts if q != p))), ends)


def _implies(a: tuple, b: tuple) -> bool:
    """Does a block that meets part `a` of a term meet part `b`? A part: ("size", n), the
    block no longer than n, or ("clause", test) (see clause_test)."""
    if a[0] != b[0]:
        return False
    if a[0] == "size":
        return a[1] <= b[1]
    _, bits, checked, subs, starts, ends = a[1]
    _, b_bits, b_checked, b_subs, b_starts, b_ends = b[1]

    def has_sub(s: str) -> bool:
        return any(t in s for t in b_subs)

    return (not bits & ~b_bits
            and all(not bit & ~b_bits or (bit, body) in b_checked or has_sub(body) for bit, body in checked)
            and all(has_sub(s) for s in subs)
            and all(p.startswith(b_starts) for p in starts)
            and all(has_sub(s) or any(t == s and m >= n for t, m in b_ends) for s, n in ends))


def _needed(parts: list[tuple]) -> list[tuple]:
    """A term's parts without those another of them implies (kept in order)."""
    out: list[tuple] = []
    for part in parts:
        if not any(_implies(kept, part) for kept in out):
            out = [kept for kept in out if not _implies(part, kept)] + [part]
    return out


def _absorbed(alternatives: list[list[tuple]]) -> list[list[tuple]]:
    """The terms (lists of parts) a block may meet without meeting another: a term all of
    whose parts' are implied by one of its own is left out ("a and b" when "a" will do)."""
    def implies(x: list[tuple], y: list[tuple]) -> bool:
        return all(any(_implies(p, q) for p in x) for q in y)

    out: list[list[tuple]] = []
    for alt in alternatives:
        if not any(implies(alt, kept) for kept in out):
            out = [kept for kept in out if not implies(kept, alt)] + [alt]
    return out


def _factored(alternatives: list[list[str]]) -> str:
    """The source of an `or` of terms (each an `and` of parts' sources), a part that is in
    several of them tested once: (a and b) or (a and c) as a and (b or c)."""
    if not alternatives:
        return ""
    counts = Counter(p for alt in alternatives for p in set(alt))
    common = max((p for alt in alternatives for p in alt), key=counts.__getitem__)
    if counts[common] < 2:
        return " or ".join(f"({' and '.join(alt)})" for alt in alternatives)
    inner = [[p for p in alt if p != common] for alt in alternatives if common in alt]
    rest = [alt for alt in alternatives if common not in alt]
    group = common if not all(inner) else f"{common} and ({_factored(inner)})"
    return f"({group})" + (f" or {_factored(rest)}" if rest else "")


def _part_source(part: tuple, const: Callable[[Any], str]) -> str:
    """The source of a part of a term (see _implies)."""
    return f"size <= {int(part[1])}" if part[0] == "size" else _clause_source(part[1], const)


def _clause_source(test: tuple, const: Callable[[Any], str]) -> str:
    """The source of a clause's test (see clause_test): an `or` of look-ups."""
    _, bits, checked, subs, starts, ends = test
    out = [f"found & {const(bits)}"] if bits else []
    by_length: dict[int, set[str]] = {}
    for p in starts:
        by_length.setdefault(len(p), set()).add(p)
    if len(starts) <= 4:
        out += [f"first.startswith({const(starts)})"] if starts else []
    else:  # many: one set look-up per length
        out += [f"first[:{int(n)}] in {const(frozenset(ps))}" for n, ps in sorted(by_length.items())]
    out += [f"found & {const(bit)} and {const(body)} in low" for bit, body in checked]
    out += [f"{const(s)} in low" for s in subs]
    out += [f"{const(s)} in low[-{int(n)}:]" for s, n in ends]
    return "(" + " or ".join(out) + ")"
