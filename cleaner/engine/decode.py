"""Decode: pick one state per block with a Viterbi pass over HEAD/BODY/INSERT/TAIL.

Allowed moves (DESIGN.md): HEAD->BODY->TAIL, BODY<->INSERT, INSERT->TAIL; a document starts
in HEAD or BODY and TAIL never returns to BODY. Emission scores are linear in the block's
features; all numbers live in one data file, ``cleaner/engine/weights.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from cleaner.engine.features.conjoin import Row, regime_rows
from cleaner.engine.features.context import REGIMES
from cleaner.io.cache import DiskCache, code_digest
from cleaner.model import STATES, State
from cleaner.tomlfile import read_toml

ALLOWED = {
    State.HEAD: (State.HEAD, State.BODY),
    State.BODY: (State.BODY, State.INSERT, State.TAIL),
    State.INSERT: (State.INSERT, State.BODY, State.TAIL),
    State.TAIL: (State.TAIL,),
}
STARTS = (State.HEAD, State.BODY)
NEG_INF = -math.inf
WEIGHTS_FILE = Path(__file__).with_name("weights.toml")

#: Feature name prefix -> the heuristic a removal cites for it.
_CITED = (("len:", "h.length"), ("punct.", "h.punctuation"), ("stop:", "h.stopwords"),
          ("pos:", "h.position"), ("rel:", "h.position"), ("ctx.", "h.neighbours"),
          ("ahead.", "h.neighbours"), ("seen.", "h.after-marker"), ("doc.", "h.document"),
          ("shape:", "h.shape"), ("bias", "decoder.prior"))
#: A removal cites at most this many sources, and only those that carry at least this share
#: of the strongest one's weight.
MAX_CITED, MIN_SHARE = 4, 0.25


#: The features that mark the headline (kept once by default, see Config.headline).
HEADLINE_FEATURES = ("h.headline", "h.title")
#: In these regimes (an extractor's output: few short lines), and for prose in any regime,
#: a block is cut out of the middle of the article (INSERT) only on evidence about the block
#: itself: a rule or a named heuristic other than h.mass. On the development set, context
#: alone put 471 article words in INSERT for 75 boilerplate words there (and 1,756
#: boilerplate words in TAIL for 182).
BARE_REGIMES = ("doc.short:few", "doc.short:some")
_INSERT = STATES.index(State.INSERT)
_BODY = STATES.index(State.BODY)
#: What a certain rule (`rule.certain`) costs the BODY state: no context outweighs it, yet it
#: is finite, so that a document made only of certain blocks still has a best path.
CERTAIN_PENALTY = 1000.0
#: The feature a certain rule gives its block (see features/text.py, rule_features).
CERTAIN = "rule.certain"
#: The blocks a site's learned template fired on: the decoder steps into INSERT for them,
#: and back, for free (see `viterbi`).
FREE_INSERT = "rule:template"


def free_insert(features: Mapping[str, float]) -> bool:
    """May the decoder step into INSERT for this block, and back, for free? For a learned
    template, always; for another certain rule, only between two prose blocks (a "Related
    posts" box inside the article). Not after a footer line, say: with every certain block
    free, the decoder came back to BODY in page footers (full page text F1 0.913 -> 0.910 on
    scrapinghub)."""
    if FREE_INSERT in features:
        return True
    if CERTAIN not in features:
        return False
    return (any(k.startswith("ctx.prev-prose") for k in features)
            and any(k.startswith("ctx.next-prose") for k in features))


def is_evidence(feature: str) -> bool:
    """Is this feature evidence of its block's own (a rule, or a named heuristic but h.mass)?"""
    return feature.startswith(("rule:", "rule.end", "h.")) and not feature.startswith("h.mass")


_PROSE = ("shape:prose",) + tuple(f"shape:prose@{regime}" for regime in REGIMES)  # as conjoined() names it
#: A block with one of these features (prose, or a bare regime) goes to INSERT only on
#: evidence of its own.
_EVIDENCE_NEEDED = frozenset(_PROSE + BARE_REGIMES)



class WeightsError(ValueError):
    """The weights file is invalid."""


@dataclass(frozen=True)
class Weights:
    start: Mapping[State, float]
    transition: Mapping[tuple[State, State], float]
    emission: Mapping[str, Row]  # feature -> per STATES
    source: str
    #: regime -> regime_rows(emission, regime), made when first asked for (see emit_all)
    _by_regime: dict[str, tuple[dict[str, Row], dict[str, Row]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path | None = None, cache: DiskCache | None = None) -> "Weights":
        """The weights in a TOML file (default: the shipped one), from the disk cache when
        it has them (keyed by the file's path and bytes)."""
        path = Path(path) if path else WEIGHTS_FILE
        key = ""
        if cache is not None and cache.folder is not None:
            try:
                key = cache.key(code_digest([__file__]), str(path), path.read_bytes())
            except OSError:
                pass  # read_toml reports it
            found = cache.get("weights", key) if key else None
            if isinstance(found, cls):
                return found
        weights = cls.from_dict(read_toml(path, WeightsError), str(path))
        if key:
            cache.put("weights", key, weights)
        return weights

    @classmethod
    def from_dict(cls, data: Mapping, source: str = "<dict>") -> "Weights":
        try:
            start = {State(k): float(v) for k, v in data["start"].items()}
            transition = {}
            for a, row in data["transition"].items():
                for b, v in row.items():
                    sa, sb = State(a), State(b)
                    if sb not in ALLOWED[sa]:
                        raise WeightsError(f"{source}: transition {a}->{b} is not allowed")
                    transition[(sa, sb)] = float(v)
            emission = {
                feat: tuple(float(row.get(s.value, 0.0)) for s in STATES)
                for feat, row in data["emission"].items()
            }
        except (KeyError, ValueError, AttributeError, TypeError) as exc:
            if isinstance(exc, WeightsError):
                raise
            raise WeightsError(f"{source}: malformed weights: {exc!r}") from None
        if any(s not in STARTS for s in start):
            raise WeightsError(f"{source}: a document can only start in HEAD or BODY")
        return cls(start, transition, emission, source)

    def to_dict(self) -> dict:
        trans: dict[str, dict[str, float]] = {}
        for (a, b), v in self.transition.items():
            trans.setdefault(a.value, {})[b.value] = round(v, 4)
        return {
            "start": {s.value: round(v, 4) for s, v in self.start.items()},
            "transition": trans,
            "emission": {
                f: {s.value: round(v, 4) for s, v in zip(STATES, row)}
                for f, row in sorted(self.emission.items())
            },
        }

    def dropping_headline(self) -> "Weights":
        """The weights with the headline heuristics (HEADLINE_FEATURES) pushing out of BODY
        by as much as they normally push into it: Config(headline="drop")."""
        emission = dict(self.emission)
        for name in HEADLINE_FEATURES:
            if name in emission:
                emission[name] = tuple(-v for v in emission[name])
        return Weights(self.start, self.transition, emission, self.source + " (headline dropped)")

    def emit(self, features: Mapping[str, float]) -> list[float]:
        """A block's score for each of STATES."""
        return self.emit_all((features,))[0]

    def emit_all(self, feats: Sequence[Mapping[str, float]], tag: str | None = None) -> list[list[float]]:
        """`emit` for every block of a document, adding up the same numbers in the same
        order; which names are evidence (is_evidence) is found once per name. With the
        regime `tag`, `feats` are named as before `conjoined` renames them for it: the
        scores are those of the renamed features (the names it keeps first, then the
        renamed ones, as it orders them), without renaming them."""
        if tag is None:
            kept: Mapping[str, Row] = {}
            get = self.emission.get
        else:
            rows = self._by_regime.get(tag)
            if rows is None:
                rows = self._by_regime[tag] = regime_rows(self.emission, tag)
            kept, get = rows[0], rows[1].get
        is_kept = kept.__contains__
        evidence: dict[str, bool] = {}
        out = []
        for features in feats:
            head = body = insert = tail = 0.0
            # the names renaming keeps first: few of a block's (its regime, rules, repeats), so
            # filter finds them in C rather than a Python step per name; then the others
            for name in filter(is_kept, features):
                h, b, i, t = kept[name]
                value = features[name]
                if value != 1.0:  # (the products added below)
                    h, b, i, t = value * h, value * b, value * i, value * t
                head += h
                body += b
                insert += i
                tail += t
            for name, value in features.items():
                row = get(name)
                if row is None:
                    continue
                if value == 1.0:  # (most features: the same sums, without multiplying)
                    h, b, i, t = row
                    head += h
                    body += b
                    insert += i
                    tail += t
                else:
                    head += value * row[0]
                    body += value * row[1]
                    insert += value * row[2]
                    tail += value * row[3]
            scores = [head, body, insert, tail]
            if CERTAIN in features:
                scores[_BODY] -= CERTAIN_PENALTY
            if not _EVIDENCE_NEEDED.isdisjoint(features):  # prose, or a bare regime
                for name in features:  # (renaming keeps what is evidence: see is_evidence)
                    own = evidence.get(name)
                    if own is None:
                        own = evidence[name] = is_evidence(name)
                    if own:
                        break
                else:
                    scores[_INSERT] = NEG_INF
            out.append(scores)
        return out


def viterbi(emissions: Sequence[Sequence[float]], weights: Weights, must_have_body: bool,
            certain: Sequence[bool] | None = None) -> list[State]:
    """The best state sequence. With `must_have_body`, a path that never reaches BODY
    (all HEAD) is not allowed, so a document with text never comes out empty.

    `certain` marks the blocks a site's learned template fired on (FREE_INSERT): they are
    never BODY, so stepping out of BODY into INSERT for them, and back, costs nothing (the
    transition costs guard against cutting the article on weak evidence; a template is not
    weak evidence). Otherwise the decoder would rather send the article's first paragraph to
    HEAD than pay for an insert."""
    n = len(emissions)
    if n == 0:
        return []
    idx = {s: k for k, s in enumerate(STATES)}
    score = [NEG_INF] * 4
    for s in STARTS:
        score[idx[s]] = weights.start.get(s, 0.0) + emissions[0][idx[s]]
    cost = {pair: weights.transition.get(pair, 0.0) for pair in
            ((a, b) for a, nexts in ALLOWED.items() for b in nexts)}
    head, body, insert, tail = STATES  # (the moves of ALLOWED, written out below)
    hh, hb, bb, bi = cost[head, head], cost[head, body], cost[body, body], cost[body, insert]
    bt, ii, ib = cost[body, tail], cost[insert, insert], cost[insert, body]
    it, tt = cost[insert, tail], cost[tail, tail]
    free = certain if certain is not None else [False] * n
    back: list[tuple[int, int, int, int]] = []
    sh, sb, si, st = score
    for k in range(1, n):
        # each state takes the first best of its predecessors, in ALLOWED's order (HEAD=0,
        # BODY=1, INSERT=2, TAIL=3); a state nothing reaches stays at NEG_INF, from 0
        nh, ph = max(NEG_INF, sh + hh), 0  # (max keeps the first of equals)
        nb, pb = max(NEG_INF, sh + hb), 0
        if sb + bb > nb:
            nb, pb = sb + bb, 1
        cand = si + (0.0 if free[k - 1] else ib)
        if cand > nb:
            nb, pb = cand, 2
        ni, pi = NEG_INF, 0
        cand = sb + (0.0 if free[k] else bi)
        if cand > ni:
            ni, pi = cand, 1
        if si + ii > ni:
            ni, pi = si + ii, 2
        nt, pt = NEG_INF, 0
        if sb + bt > nt:
            nt, pt = sb + bt, 1
        if si + it > nt:
            nt, pt = si + it, 2
        if st + tt > nt:
            nt, pt = st + tt, 3
        e = emissions[k]
        sh, sb, si, st = nh + e[0], nb + e[1], ni + e[2], nt + e[3]
        back.append((ph, pb, pi, pt))
    score = [sh, sb, si, st]
    if must_have_body:
        score[idx[State.HEAD]] = NEG_INF
    best = max(range(4), key=lambda k: (score[k], -k))
    path = [best]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    path.reverse()
    return [STATES[k] for k in path]


def cite(feature: str) -> str:
    """The source a removal names for one feature (rule features are expanded by the caller)."""
    feature = feature.split("@", 1)[0]
    for prefix, name in _CITED:
        if feature.startswith(prefix):
            return name
    return feature


def contributions(features: Mapping[str, float], weights: Weights, state: State) -> list[tuple[str, float]]:
    """Features that pushed a block from BODY to `state`, strongest first."""
    k, body = STATES.index(state), STATES.index(State.BODY)
    out = []
    for name, value in features.items():
        row = weights.emission.get(name)
        if row is not None:
            c = value * (row[k] - row[body])
            if c > 1e-9:
                out.append((name, c))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out
