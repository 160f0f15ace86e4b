"""The Cleaner: segment -> signal -> decode -> assemble, repeated until nothing more goes.

Decoding runs again on its own output until a pass removes nothing (at most
`Config.max_passes`), so that cleaning twice equals cleaning once. Every decision is made
about the blocks of the original text, whatever pass made it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from cleaner.config import LANGUAGE_NAMES, Config
from cleaner.engine.assemble import OffsetMap, assemble, kept_part
from cleaner.engine.decode import (
    MAX_CITED,
    MIN_SHARE,
    Weights,
    cite,
    contributions,
    free_insert,
    viterbi,
)
from cleaner.engine.features import block_features
from cleaner.engine.features.conjoin import regime, renamed
from cleaner.engine.features.text import Local
from cleaner.engine.language import SAMPLE_CHARS, Guess, Stoplists
from cleaner.engine.segment import segment
from cleaner.io.cache import DiskCache
from cleaner.model import (
    EVIDENCE,
    STATES,
    Block,
    Decision,
    Document,
    Problem,
    Result,
    Signal,
    State,
)
from cleaner.packs.cached import PackLoader
from cleaner.packs.load import Rule, builtin_rules_dir, load_packs
from cleaner.packs.select import select_rules
from cleaner.packs.signals import RuleSet, apply_trims


@dataclass
class _DocCache:
    """What the passes over one document share, by block text: rule signals and text-only
    features (a block's text is the same in every pass)."""

    signals: dict[str, list[Signal]] = field(default_factory=dict)
    local: dict[str, Local] = field(default_factory=dict)


@dataclass
class _Pass:
    """One decoding pass over a text (which is the original text in pass 1). `features` are
    named as before their renaming for the document's regime `tag` (see `named`)."""

    blocks: list[Block]
    states: list[State]
    signals: list[list[Signal]]
    features: list[dict[str, float]]
    emissions: list[list[float]]
    tag: str | None = None

    def named(self, i: int) -> dict[str, float]:
        """Block i's features as block_features names them (renamed for the regime)."""
        return renamed(self.features[i], self.tag)


class Cleaner:
    """Compiles packs and weights once; `clean()` is then cheap and has no side effects.

    Safe to share between threads; pickles as its Config (a worker rebuilds it).
    """

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        paths: list[Any] = [builtin_rules_dir()] if self.config.builtin_rules else []
        paths.extend(self.config.rule_paths)
        cache = DiskCache.open(self.config.cache)
        packs = PackLoader(cache)  # packs and their analysis from the disk cache, if there
        all_rules = load_packs(paths, load=packs)
        self.rules: tuple[Rule, ...] = tuple(select_rules(all_rules, self.config.select, self.config.ignore))
        self.ruleset = RuleSet(self.rules, self.config.match_timeout, packs.prefilter(self.rules))
        self.weights = Weights.load(self.config.weights, cache)
        if self.config.headline == "drop":
            self.weights = self.weights.dropping_headline()
        self.stoplists = Stoplists.load(cache)
        self._cited: dict[str, str] = {}  # feature -> cite(feature), as removals name them

    def __reduce__(self):
        return (Cleaner, (self.config,))

    # -- public API -----------------------------------------------------------------------

    def clean(self, doc: str | Document, meta: Mapping[str, Any] | None = None) -> Result:
        """Clean one text (or Document) and say why each removed block went."""
        if isinstance(doc, str):
            doc = Document(id="-", text=doc, meta=dict(meta or {}))
        return self._clean(doc)

    def clean_many(self, docs: Iterable[str | Document]) -> Iterator[Result]:
        """Clean a stream of documents lazily, in order."""
        for doc in docs:
            yield self.clean(doc)

    # -- the passes -------------------------------------------------------------------------

    def _language(self, doc: Document, text: str) -> Guess:
        """The stoplist's name (in a Guess): the document's or the configured language,
        else the one guessed from `text`."""
        lang = doc.meta.get("language") or self.config.language
        if lang != "auto" and lang in LANGUAGE_NAMES:
            return Guess(LANGUAGE_NAMES[lang])
        return self.stoplists.guess_sample(text)

    def _language_left(self, doc: Document, guess: Guess, result: Result) -> str:
        """`_language` of the clean text, where `guess` is the original's. When that guess
        counted the whole original and less text went than is left, from the words that
        went alone: those of the removed and trimmed blocks, less those a trimmed block kept
        (else counting the words left is less work)."""
        if guess.total is not None and len(result.text) <= SAMPLE_CHARS:
            removed, restored = [], []
            for d in result.decisions:
                if not d.kept or d.trimmed:
                    removed.append(d.block.text)
                    if d.kept:
                        lo, hi = kept_part(d)
                        restored.append(d.block.text[lo:hi])
            gone = " ".join(removed)
            if len(gone) < len(result.text):
                left = self.stoplists.guess_less(guess, gone, " ".join(restored))
                if left is not None:
                    return left
        return self._language(doc, result.text).language

    def _stopwords(self, doc: Document) -> frozenset[str]:
        return self.stoplists.lists[self._language(doc, doc.text).language]

    def _site(self, doc: Document) -> str | None:
        return self.config.site or doc.meta.get("site")

    def analyse(self, doc: str | Document) -> tuple[list[Block], list[list[Signal]], list[dict[str, float]]]:
        """Blocks, their signals and their features, as the first decoding pass sees them
        (what benchmarks/fit.py learns the weights from)."""
        if isinstance(doc, str):
            doc = Document(id="-", text=doc)
        return self._analyse(doc.text, doc, self._stopwords(doc), _DocCache(), [])

    def _analyse(self, text: str, doc: Document, stopwords: frozenset[str],
                 cache: _DocCache, problems: list[Problem], wrapped: bool | None = None,
                 blocks: list[Block] | None = None, rename: bool = True):
        """What `analyse` returns, for `text` (its `blocks` when they are known); without
        `rename`, the features as block_features names them before renaming them."""
        if blocks is None:
            blocks = segment(text, wrapped)
        site = self._site(doc)
        known = cache.signals
        new = list(dict.fromkeys(b.text for b in blocks if b.text not in known))
        if new:  # the prefilter scans these blocks together, once
            known.update(zip(new, self.ruleset.signals_many(new, site, problems)))
        signals = [known[b.text] for b in blocks]
        return blocks, signals, block_features(blocks, signals, stopwords, site, cache.local, rename)

    def _decode(self, text: str, doc: Document, stopwords: frozenset[str],
                cache: _DocCache, problems: list[Problem], wrapped: bool | None = None,
                blocks: list[Block] | None = None) -> _Pass:
        blocks, signals, feats = self._analyse(text, doc, stopwords, cache, problems, wrapped, blocks,
                                               rename=False)
        tag = regime(feats[0]) if feats else None
        emissions = self.weights.emit_all(feats, tag)
        # (free_insert reads names that renaming keeps, or prefixes of the renamed ones)
        states = viterbi(emissions, self.weights, self.config.keep_nonempty,
                         [free_insert(f) for f in feats])
        return _Pass(blocks, states, signals, feats, emissions, tag)

    def _clean(self, doc: Document) -> Result:
        """Clean with the document's language; when it is guessed and the clean text guesses
        another (the removed part had swayed it), clean again with that one, so that
        cleaning the output again uses the same stopwords (idempotence)."""
        guess = self._language(doc, doc.text)
        language, tried = guess.language, []
        # rule signals do not depend on the language: every try shares them (and reports a
        # rule's time-out once); text-only features do, so each try computes its own
        signals: dict[str, list[Signal]] = {}
        problems: list[Problem] = []
        while True:
            result = self._clean_as(doc, self.stoplists.lists[language], _DocCache(signals), problems)
            tried.append(language)
            if not any(not d.kept or d.trimmed for d in result.decisions):  # (none removed or trimmed)
                return result  # the same words: the same guess
            again = self._language_left(doc, guess, result)
            if again in tried:
                return result
            language = again

    def _clean_as(self, doc: Document, stopwords: frozenset[str], cache: _DocCache,
                  problems: list[Problem]) -> Result:
        # by block text, so valid for both segmentations; a rule's time-out is reported once
        result = self._passes(doc, stopwords, cache, problems, None)
        if result is None:  # the output is no longer hard-wrapped: decide line by line
            result = self._passes(doc, stopwords, cache, problems, False)
        assert result is not None  # line blocks are never split by a later pass
        return result

    def _passes(self, doc: Document, stopwords: frozenset[str], cache: _DocCache,
                problems: list[Problem], wrapped: bool | None) -> Result | None:
        """Decode to a fixpoint; None when a later pass splits a block of the first (hard-
        wrapped paragraphs whose output no longer looks wrapped): its decisions could not be
        made about the first pass's blocks."""
        original = doc.text
        first = self._decode(original, doc, stopwords, cache, problems, wrapped)
        orig_blocks = first.blocks
        decisions: dict[int, Decision] = {}
        kept_spans: dict[int, tuple[int, int]] = {b.index: (b.start, b.end) for b in orig_blocks}
        text, omap, current = original, OffsetMap(), first
        starts = [b.start for b in orig_blocks]
        ahead: list[Block] | None = None  # the next pass's blocks, when already known
        for pass_no in range(1, self.config.max_passes + 1):
            if pass_no > 1:
                current = self._decode(text, doc, stopwords, cache, problems, blocks=ahead)
                ahead = None
            changed = False
            if pass_no == 1:  # (the original's blocks: each its own)
                owned = [[i] for i in range(len(current.blocks))]
            else:
                owned = [self._owners(starts, kept_spans, omap(b.start), omap(b.end - 1) + 1) for b in current.blocks]
                flat = [j for owners in owned for j in owners]
                if len(flat) != len(set(flat)):
                    return None  # an original block is now several blocks
            for i, block in enumerate(current.blocks):
                owners = owned[i]
                state = current.states[i]
                if state is not State.BODY:
                    changed = True
                    named = current.named(i)
                    reasons = self._reasons(named, current.signals[i], current.emissions[i], state)
                    for j in owners:
                        decisions[j] = self._decision(orig_blocks[j], state, current.signals[i], named,
                                                      reasons, pass_no)
                        del kept_spans[j]
                    continue
                cut = apply_trims(block.text, current.signals[i]) if current.signals[i] else None
                if cut is None:
                    continue
                (ks, ke), trim_ids = cut
                if ks == ke and self.config.keep_nonempty and current.states.count(State.BODY) == 1:
                    continue  # trimming the only kept block to nothing would empty the document
                if ks == ke:  # trimmed to nothing: the block goes
                    changed = True
                    for j in owners:
                        decisions[j] = self._decision(orig_blocks[j], state, current.signals[i], current.named(i),
                                                      trim_ids, pass_no)
                        del kept_spans[j]
                    continue
                if len(owners) == 1:  # (a block spanning several original ones is not trimmed)
                    changed = True
                    j = owners[0]
                    new = (omap(block.start + ks), omap(block.start + ke - 1) + 1)
                    prev = decisions.get(j)
                    spans = [(kept_spans[j][0], new[0]), (new[1], kept_spans[j][1])]
                    old = prev.trimmed if prev else ()
                    base = orig_blocks[j].start
                    cuts = old + tuple((s - base, e - base) for s, e in spans if e > s)
                    ids = (prev.trims if prev else ()) + tuple(trim_ids)
                    kept_spans[j] = new
                    decisions[j] = Decision(orig_blocks[j], State.BODY, True, first.signals[j],
                                            (), tuple(sorted(cuts)), ids, pass_no)
            new_text, new_map = assemble(original, orig_blocks, kept_spans)
            if not changed and new_text == text:
                break  # a fixpoint: cleaning the output again changes nothing
            if not changed:  # (pass 1 only: the original, re-joined without a cut)
                if _rejoins_in_place(orig_blocks, wrapped):
                    text = new_text
                    break  # (as below, known without segmenting the new text)
                ahead = segment(new_text)
                if _same_places(ahead, current.blocks):
                    text = new_text  # what the next pass would leave, having seen the same
                    break  # blocks in the same places (so the same features) and changed nothing
            text, omap = new_text, new_map
        for b in orig_blocks:
            if b.index not in decisions:
                decisions[b.index] = Decision(b, State.BODY, True, first.signals[b.index])
        ordered = tuple(decisions[b.index] for b in orig_blocks)
        # `text` is the last pass's assembly of kept_spans (a fixpoint, or the last pass)
        return Result(doc.id, original, text, ordered, tuple(problems), doc.meta)

    @staticmethod
    def _owners(starts: Sequence[int], kept: Mapping[int, tuple[int, int]], lo: int, hi: int) -> list[int]:
        """Original blocks still alive that overlap the original range [lo, hi)."""
        first = max(0, bisect.bisect_right(starts, lo) - 1)
        last = bisect.bisect_left(starts, hi)
        return [j for j in range(first, last) if j in kept and kept[j][0] < hi and kept[j][1] > lo]

    def _reasons(self, features: Mapping[str, float], signals: Sequence[Signal], emitted: Sequence[float],
                 state: State) -> tuple[str, ...]:
        """Rule ids and heuristic names that pushed a block out of BODY, strongest first."""
        by_source: dict[str, float] = {}
        for feature, weight in contributions(features, self.weights, state):
            if feature.startswith("rule:"):
                sources = [s.source for s in signals if s.category == feature[5:] and s.effect in EVIDENCE]
            elif feature == "rule.end":
                sources = [s.source for s in signals if s.effect == "end"]
            else:
                cited = self._cited.get(feature)
                if cited is None:
                    cited = self._cited[feature] = cite(feature)
                sources = [cited]
            for source in sources:
                by_source[source] = by_source.get(source, 0.0) + weight
        ranked = sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[0][1] if ranked else 0.0
        out = [src for src, w in ranked[:MAX_CITED] if w >= MIN_SHARE * top]
        if emitted[STATES.index(state)] <= emitted[STATES.index(State.BODY)]:
            out.append("decoder.context")  # on its own the block would have stayed
        return tuple(dict.fromkeys(out))

    @staticmethod
    def _decision(block: Block, state: State, signals: Sequence[Signal], features: Mapping[str, float],
                  reasons: Sequence[str], pass_no: int) -> Decision:
        """A removal: the block's signals, then its named heuristics (`features`, renamed)."""
        heur = tuple(Signal(source=f, category="heuristic", effect="feature", weight=v)
                     for f, v in features.items() if f.startswith("h."))
        return Decision(block, state, False, tuple(signals) + heur,
                        tuple(reasons), (), (), pass_no)


def _same_places(blocks: Sequence[Block], before: Sequence[Block]) -> bool:
    """The same texts at the same offsets: all that a block's signals and features read
    (not its separator, the one thing that re-joining a text may change)."""
    return len(blocks) == len(before) and all(
        a.start == b.start and a.end == b.end and a.text == b.text for a, b in zip(blocks, before))


def _rejoins_in_place(blocks: Sequence[Block], wrapped: bool | None) -> bool:
    """Whether all of `blocks`, re-joined (see assemble), split into the same blocks in the
    same places (`_same_places`), when `wrapped` is left to segment to decide: when the
    first block starts the text, the re-joined text is the original up to the end of the
    last block, and only white space followed it (a line break follows it now), which
    adds only blank lines, which end no paragraph earlier."""
    return wrapped is None and (not blocks or blocks[0].start == 0)


def clean(text: str, config: Config | None = None, **meta: Any) -> Result:
    """One-off cleaning: `clean(text).text` is the article. For many documents build one
    `Cleaner(config)` and reuse it (packs are compiled once)."""
    return Cleaner(config).clean(text, meta)
