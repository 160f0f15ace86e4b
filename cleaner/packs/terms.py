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
much as a few bit tests and `in` tests. The source holds only indexes into a tuple of the
literals, never the literals themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cleaner.packs.folding import fold_start
from cleaner.packs.patterns import BOUND, COMMON, END, MIN_LITERAL, START, TOKEN

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
        consts: list[Any] = []
        self.atoms: dict[tuple[str, str], int] = {}
        first_bit = len(analysed)

        def const(value: Any) -> str:
            consts.append(value)
            return f"K[{len(consts) - 1}]"

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
            alternatives = []
            for clauses, limit in pattern_terms:
                if whole_limit is not None and (limit is None or limit >= whole_limit):
                    limit = None
                tests = [t for t in (clause_test(c, atom_bit) for c in sorted(clauses) if c != whole) if t]
                parts = [f"size <= {int(limit)}"] if limit is not None else []
                parts += [_clause_source(t, const) for t in sorted(tests, key=_order)]
                if not parts:
                    alternatives = []  # this term is met already: nothing to test
                    break
                alternatives.append(" and ".join(parts))
            sources.append(" or ".join(f"({a})" for a in alternatives))
        self.refined = sum(1 << k for k, source in enumerate(sources) if source)
        self.patterns_mask = (1 << first_bit) - 1
        self._sources = tuple(sources)
        self._consts = tuple(consts)
        self._tests: tuple | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_tests": None}  # compiled functions do not pickle

    def _compile(self) -> tuple:
        """One function (found, low, first, size) -> bool per pattern (None: no terms)."""
        lines = [f"        lambda found, low, first, size: {s}," if s else "        None," for s in self._sources]
        source = "def make(K):\n    return (\n" + "\n".join(lines) + "\n    )\n"
        namespace: dict[str, Callable] = {}
        exec(compile(source, "<prefilter terms>", "exec"), namespace)  # noqa: S102 (indexes only, see above)
        self._tests = namespace["make"](self._consts)
        return self._tests

    def refine(self, found: int, text: str, low: str, first: str | None) -> int:
        """The patterns of `found` (a block's mask: patterns' bits and atoms' bits) that
        have no terms, or one of whose terms the block (`text`, folded `low`, its folded
        `first` characters when known) meets: a mask of patterns only."""
        need = found & self.refined
        if not need:
            return found & self.patterns_mask
        tests = self._tests or self._compile()
        ok = (found & self.patterns_mask) ^ need
        size = len(text)
        if first is None:
            first = fold_start(low)
        while need:
            bit = need & -need
            need ^= bit
            if tests[bit.bit_length() - 1](found, low, first, size):
                ok |= bit
        return ok


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
