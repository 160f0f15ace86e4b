"""Learn the decoder's weights from a benchmark with gold article text.

Each block of each input text is labelled article or not from the gold (`quality.is_article`:
at least half of its 4-shingles are in the gold); the labels give the state sequence
(non-article blocks before the first article block are HEAD, after the last one TAIL, in
between INSERT). A logistic regression per block (`--method lr`, the default; weighted by
block length, since the metric counts words, not lines) gives the emission weights (feature
x state), and the label sequences' counts the transition and start scores; rules and the
headline, repeat and caption heuristics keep their hand-set weights (FIXED_PREFIXES). An
averaged structured perceptron (`--method perceptron`) is kept for comparison.

The seeds (seeds/*.txt with their golden outputs in tests/golden/) are added to the
training set, so that what the issue fixed for them stays true.

Usage, from the repository root:
    python benchmarks/fit.py                  # 5-fold cross-validation, then fit on all and
                                              # rewrite cleaner/engine/weights.toml
    python benchmarks/fit.py --cv-only        # only report the held-out scores
    python benchmarks/fit.py --epochs 12 --folds 5 --seed 1

Cross-validation folds are by SITE (every page of a site, both inputs, in the same fold); the
held-out score is what to expect on sites that are not in the training set. Several benches
can be given (--bench, repeatable), and --corpus adds benchmarks/corpus' dev split (its test
split is never read here):

    python benchmarks/fit.py --bench ../shared/bench/scrapinghub --bench ../shared/bench/dragnet-dev --corpus
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import defaultdict
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import (  # noqa: E402
    DEFAULT_BENCH,
    Gold,
    is_article,
    load_pages,
    score_pages,
    shingles,
    tokens,
)

from cleaner import Cleaner, Config, Document  # noqa: E402
from cleaner.engine.decode import ALLOWED, STARTS, WEIGHTS_FILE, Weights, free_insert, viterbi  # noqa: E402
from cleaner.model import STATES, State  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("trafilatura", "fulltext")
#: Features whose weights are set by hand (in weights_init.toml) and not learned: rules are
#: precise by construction (their examples and the gold-text check say so) and most fire on
#: too few of these pages to learn from; the headline and repeat heuristics carry the
#: design's conventions (the headline is kept once), which the gold text does not follow.
FIXED_PREFIXES = ("rule:", "rule.end", "h.repeat-prefix", "h.headline", "h.first-copy", "h.title", "h.echo", "h.comment", "rule.certain")
#: After a tail marker (a rule with effect `end`) in an extractor's output, the text is not
#: article: on the development set 21 of 3,450 such words are. Too few blocks carry the
#: feature for the regression to learn a weight that strong, so it is set by hand.
FIXED_FEATURES = ("h.repeat", "seen.end@few")


def is_fixed(feature: str) -> bool:
    return feature.startswith(FIXED_PREFIXES) or feature in FIXED_FEATURES

HEADER = """# Decoder weights: log-scores, higher = more likely. Emission rows give, per feature, how
# much one unit of the feature adds to each state's score (a missing state counts 0).
# Written by benchmarks/fit.py (logistic regression per block, hybrid-HMM transitions, on the
# development benchmark and the seeds); edit by hand only to try something, then refit.
"""


class Example:
    def __init__(self, key: str, page: str, feats, states, sizes, blocks, gold: str | None,
                 label=None, meta=None, derived: bool = False):
        self.key, self.page, self.feats, self.states = key, page, feats, states
        self.sizes, self.blocks, self.gold = sizes, blocks, gold
        self.label, self.meta, self.derived = label, meta or {}, derived
        self.site = page  # folds are made by site (load_examples sets it)


def make_example(cleaner: Cleaner, key: str, page: str, text: str, meta: dict, label, gold: str | None,
                 derived: bool = False) -> Example | None:
    """Analyse a text and label its blocks (`label(text) -> bool`: article or not)."""
    blocks, _, feats = cleaner.analyse(Document(page, text, meta))
    states = headline_is_body(gold_states([label(b.text) for b in blocks]), feats)
    if not states:
        return None
    return Example(key, page, feats, states, [len(tokens(b.text)) for b in blocks], blocks, gold,
                   label, meta, derived)


def second_pass(cleaner: Cleaner, examples: list[Example], w: Weights) -> list[Example]:
    """What the decoder's own output looks like to it: each text cleaned once with `w`,
    analysed again and labelled from the same gold. Cleaning runs to a fixpoint, so the
    weights must also leave clean text alone; training on these teaches that."""
    out = []
    for ex in examples:
        if ex.derived or ex.label is None:
            continue
        states = decode(ex, w)
        kept = [b for b, s in zip(ex.blocks, states) if s is State.BODY]
        if len(kept) == len(ex.blocks):
            continue
        text = "".join(b.text + b.separator for b in kept[:-1]) + kept[-1].text + "\n"
        new = make_example(cleaner, ex.key + "~2", ex.page, text, ex.meta, ex.label, ex.gold, derived=True)
        if new:
            out.append(new)
    return out


def gold_states(labels: list[bool]) -> list[State] | None:
    if not any(labels):
        return None
    first = labels.index(True)
    last = len(labels) - 1 - labels[::-1].index(True)
    return [State.BODY if a else State.HEAD if i < first else State.TAIL if i > last else State.INSERT
            for i, a in enumerate(labels)]


def headline_is_body(states: list[State] | None, feats) -> list[State] | None:
    """The design keeps the headline as the first BODY block (the gold leaves it out): the
    first block before the article that the headline heuristics mark is relabelled BODY."""
    if not states or State.BODY not in states:
        return states
    first = states.index(State.BODY)
    for i in range(first):
        if "h.headline" in feats[i] or "h.first-copy" in feats[i] or "h.title" in feats[i]:
            return [State.HEAD] * i + [State.BODY] + [State.INSERT if s is State.HEAD else s for s in states[i + 1:first]] + states[first:]
    return states


def bench_sites(bench: Path, ids: list[str], urls: dict[str, str]) -> dict[str, str]:
    """Page -> site: sites.tsv where the bench has one, else the host of the page's URL."""
    tsv = bench / "sites.tsv"
    if tsv.exists():
        rows = [r.split("\t") for r in tsv.read_text(encoding="utf-8").splitlines()[1:] if "\t" in r]
        return {r[0]: r[1] for r in rows}
    return {p: (urlsplit(urls.get(p, "")).hostname or p).removeprefix("www.") for p in ids}


def load_examples(cleaner: Cleaner, benches: list[Path], seed_weight: int, corpus: bool = False) -> list[Example]:
    """Examples of every bench (key '<bench>:<input>/<page>', page '<bench>/<id>'), of the
    corpus' dev split with --corpus (input 'corpus:page'), and of the seeds."""
    out = []
    for bench in benches:
        ids, urls = load_pages(bench, None)
        sites = bench_sites(bench, ids, urls)
        for page in ids:
            gold_text = (bench / "gold" / f"{page}.txt").read_text(encoding="utf-8")
            gold = Gold(gold_text)
            site = urlsplit(urls.get(page, "")).hostname
            for kind in INPUTS:
                path = bench / kind / f"{page}.txt"
                if not path.exists():
                    continue
                ex = make_example(cleaner, f"{bench.name}:{kind}/{page}", f"{bench.name}/{page}",
                                  path.read_text(encoding="utf-8"), {"site": site} if site else {},
                                  partial(is_article, gold=gold), gold_text)
                if ex:
                    ex.site = sites.get(page, page)
                    out.append(ex)
    if corpus:
        from corpus_quality import load as load_corpus

        for p in load_corpus("dev"):  # never the test split
            ex = make_example(cleaner, f"corpus:{p['lang']}/{p['id']}", f"corpus/{p['id']}", p["text"],
                              {"site": p["site"]}, partial(is_article, gold=Gold(p["gold"])), p["gold"])
            if ex:
                ex.site = p["site"]
                out.append(ex)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        expected = set((ROOT / "tests" / "golden" / seed.name).read_text(encoding="utf-8").splitlines())
        ex = make_example(cleaner, f"seed/{seed.stem}", f"seed-{seed.stem}", seed.read_text(encoding="utf-8"),
                          {}, expected.__contains__, None)
        if ex is None:
            continue
        if seed.stem.startswith("002"):  # the breadcrumb copy of the headline is HEAD
            ex.states = [State.HEAD if i == 0 else s for i, s in enumerate(ex.states)]
        out.extend([ex] * seed_weight)
    return out


class Perceptron:
    """Averaged structured perceptron over the decoder's parameters."""

    def __init__(self, init: Weights, recall_weight: float = 1.0):
        self.recall_weight = recall_weight
        self.w: dict = {}
        for f, row in init.emission.items():
            for k, s in enumerate(STATES):
                self.w[("e", f, s)] = row[k]
        for (a, b), v in init.transition.items():
            self.w[("t", a, b)] = v
        for s, v in init.start.items():
            self.w[("s", s)] = v
        self.total = defaultdict(float)  # for averaging (lazy: value * steps)
        self.stamp = defaultdict(int)
        self.step = 0

    def weights(self, averaged: bool = False) -> Weights:
        w = self.w
        if averaged:
            w = {k: (self.total[k] + v * (self.step - self.stamp[k])) / max(1, self.step) for k, v in self.w.items()}
        emission: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
        trans, start = {}, {}
        for key, v in w.items():
            if key[0] == "e":
                emission[key[1]][STATES.index(key[2])] = v
            elif key[0] == "t":
                trans[(key[1], key[2])] = v
            else:
                start[key[1]] = v
        for a, nexts in ALLOWED.items():
            for b in nexts:
                trans.setdefault((a, b), 0.0)
        for s in STARTS:
            start.setdefault(s, 0.0)
        return Weights(start, trans, {f: tuple(r) for f, r in emission.items()}, "fit")

    def _add(self, key, delta: float) -> None:
        old = self.w.get(key, 0.0)
        self.total[key] += old * (self.step - self.stamp[key])
        self.stamp[key] = self.step
        self.w[key] = old + delta

    def update(self, ex: Example, pred: list[State], rate: float) -> None:
        for i, (g, p) in enumerate(zip(ex.states, pred)):
            if g is p:
                continue
            size = (1.0 + math.sqrt(ex.sizes[i])) * (self.recall_weight if g is State.BODY else 1.0)
            for f, v in ex.feats[i].items():
                if is_fixed(f):
                    continue
                self._add(("e", f, g), rate * size * v)
                self._add(("e", f, p), -rate * size * v)
        for seq, sign in ((ex.states, 1.0), (pred, -1.0)):
            self._add(("s", seq[0]), sign * rate)
            for a, b in zip(seq, seq[1:]):
                self._add(("t", a, b), sign * rate)

    def train(self, examples: list[Example], epochs: int, rng: random.Random, margin: float) -> Weights:
        for epoch in range(epochs):
            order = examples[:]
            rng.shuffle(order)
            for ex in order:
                self.step += 1
                wts = self.weights()
                pred = decode(ex, wts, margin)
                if pred != ex.states:
                    self.update(ex, pred, 1.0)
        return self.weights(averaged=True)


class LogLinear:
    """Multinomial logistic regression P(state | block features), trained by SGD with L2,
    turned into decoder weights the hybrid-HMM way: emission = log P(s|x) - log P(s), and
    transitions and starts = log frequencies in the training sequences."""

    def __init__(self, init: Weights, recall_weight: float = 1.0, l2: float = 1e-4, lr: float = 0.05,
                 page_weight: float = 0.0):
        self.init, self.recall_weight, self.l2, self.lr = init, recall_weight, l2, lr
        self.page_weight = page_weight

    def train(self, examples: list[Example], epochs: int, rng: random.Random, margin: float) -> Weights:
        w: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
        for name, row in self.init.emission.items():
            if is_fixed(name):
                w[name] = list(row)
        items = []
        for ex in examples:
            # the metric averages over pages: each page weighs the same, its blocks by size
            total = sum(1.0 + math.sqrt(n) for n in ex.sizes)
            scale = self.page_weight / total if self.page_weight else 1.0
            items.extend((f, STATES.index(g), scale * (1.0 + math.sqrt(n)) * (self.recall_weight if g is State.BODY else 1.0))
                         for f, g, n in zip(ex.feats, ex.states, ex.sizes))
        prior = [1e-3] * 4
        for _, g, size in items:
            prior[g] += size
        total = sum(prior)
        log_prior = [math.log(p / total) for p in prior]
        for epoch in range(epochs):
            rng.shuffle(items)
            rate = self.lr / (1 + epoch)
            for f, g, size in items:
                scores = [0.0] * 4
                for name, v in f.items():
                    row = w[name]
                    for k in range(4):
                        scores[k] += v * row[k]
                top = max(scores)
                exps = [math.exp(x - top) for x in scores]
                z = sum(exps)
                for name, v in f.items():
                    if is_fixed(name):
                        continue
                    row = w[name]
                    for k in range(4):
                        grad = (exps[k] / z - (k == g)) * v * size
                        row[k] -= rate * (grad + self.l2 * row[k])
        emission = {name: tuple(row) for name, row in w.items()}
        # P(s|x) = softmax(score); emission = score - logZ - log P(s): the logZ is the same for
        # every state and cancels in Viterbi, so only the prior needs subtracting (as bias).
        bias = list(emission.get("bias", (0.0,) * 4))
        emission["bias"] = tuple(b - lp for b, lp in zip(bias, log_prior))
        counts: dict = defaultdict(lambda: 1.0)
        starts: dict = defaultdict(lambda: 1.0)
        for ex in examples:
            starts[ex.states[0]] += 1
            for a, b in zip(ex.states, ex.states[1:]):
                counts[(a, b)] += 1
        trans = {}
        for a, nexts in ALLOWED.items():
            row_total = sum(counts[(a, b)] for b in nexts)
            for b in nexts:
                trans[(a, b)] = math.log(counts[(a, b)] / row_total)
        start_total = sum(starts[s] for s in STARTS)
        start = {s: math.log(starts[s] / start_total) for s in STARTS}
        return Weights(start, trans, emission, "fit")


def decode(ex: Example, w: Weights, margin: float = 0.0) -> list[State]:
    em = [w.emit(f) for f in ex.feats]
    if margin:  # loss-augmented: wrong states get a bonus, so the fit keeps a margin
        em = [[e + (0 if s is g else margin * (1 + math.log1p(ex.sizes[i])) / 4) for e, s in zip(row, STATES)]
              for i, (row, g) in enumerate(zip(em, ex.states))]
    return viterbi(em, w, must_have_body=True, certain=[free_insert(f) for f in ex.feats])


def evaluate(examples: list[Example], weights_of) -> dict[str, dict]:
    """Scores per input kind, each page decoded once with `weights_of(example)`."""
    by_kind: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for ex in {e.key: e for e in examples}.values():
        if ex.gold is None or ex.derived:
            continue
        states = decode(ex, weights_of(ex))
        text = "\n".join(b.text for b, s in zip(ex.blocks, states) if s is State.BODY)
        outs, golds, ins = by_kind[ex.key.split("/")[0]]
        outs.append(shingles(text))
        golds.append(shingles(ex.gold))
        ins.append(shingles("\n".join(b.text for b in ex.blocks)))
    return {k: score_pages(*v) for k, v in sorted(by_kind.items())}


def show(title: str, scores: dict[str, dict]) -> None:
    for kind, s in scores.items():
        print(f"{title:<10} {kind:<12} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  emptied {s['emptied']}")


def write(w: Weights, path: Path) -> None:
    d = w.to_dict()
    lines = [HEADER, "[start]"] + [f"{k} = {v}" for k, v in d["start"].items()]
    lines += ["", "[transition]"]
    lines += [f"{a} = {{ " + ", ".join(f"{b} = {v}" for b, v in row.items()) + " }" for a, row in d["transition"].items()]
    lines += ["", "[emission]"]
    for f, row in d["emission"].items():
        if any(abs(v) > 1e-4 for v in row.values()):
            lines.append(f'"{f}" = {{ ' + ", ".join(f"{s} = {v}" for s, v in row.items() if abs(v) > 1e-4) + " }")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fit(args, init: Weights, cleaner: Cleaner, train: list[Example], seed: int) -> Weights:
    """Train; then, for --rounds > 1, add the training texts as the weights clean them and
    train again."""
    w = learner(args, init).train(train, args.epochs, random.Random(seed), args.margin)
    for _ in range(args.rounds - 1):
        w = learner(args, init).train(train + second_pass(cleaner, train, w), args.epochs, random.Random(seed), args.margin)
    return w


def learner(args, init: Weights):
    if args.method == "perceptron":
        return Perceptron(init, args.recall_weight)
    return LogLinear(init, args.recall_weight, l2=args.l2, page_weight=args.page_weight)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, action="append", default=[],
                    help="a bench folder (repeatable; default: scrapinghub)")
    ap.add_argument("--corpus", action="store_true", help="also fit on benchmarks/corpus (dev split only)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--margin", type=float, default=1.0)
    ap.add_argument("--seed-weight", type=int, default=3, help="copies of each seed in the training set")
    ap.add_argument("--recall-weight", type=float, default=2.0,
                    help="how much more a lost article block counts than a kept boilerplate one")
    ap.add_argument("--extractor-weight", type=int, default=1,
                    help="copies of each extractor-output (trafilatura) sequence in training")
    ap.add_argument("--l2", type=float, default=1e-2, help="L2 penalty of the lr learner")
    ap.add_argument("--page-weight", type=float, default=0.0,
                    help="lr: give each page this total weight (0: weigh blocks by size only)")
    ap.add_argument("--method", choices=["lr", "perceptron"], default="lr")
    ap.add_argument("--rounds", type=int, default=2,
                    help="2+: also train on the texts as the first round's weights clean them")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--headline-drop", action="store_true",
                    help="also report held-out scores with Config(headline='drop') (the gold has no headline)")
    ap.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    ap.add_argument("--init", type=Path, default=Path(__file__).with_name("weights_init.toml"),
                    help="weights the fit starts from")
    ap.add_argument("--rules", action="append", default=[], help="extra pack file or folder")
    ap.add_argument("--no-builtin", action="store_true", help="leave out the built-in packs")
    args = ap.parse_args(argv)

    cleaner = Cleaner(Config(rule_paths=tuple(args.rules), builtin_rules=not args.no_builtin))
    init = Weights.load(args.init)
    examples = load_examples(cleaner, args.bench or [DEFAULT_BENCH], args.seed_weight, args.corpus)
    examples += [ex for ex in examples if ":trafilatura/" in ex.key] * (args.extractor_weight - 1)
    pages = sorted({ex.page for ex in examples if ex.gold is not None})
    sites = sorted({ex.site for ex in examples if ex.gold is not None})
    print(f"{len(examples)} training sequences from {len(pages)} pages of {len(sites)} sites and the seeds")
    show("start", evaluate(examples, lambda ex: init))
    rng = random.Random(args.seed)
    rng.shuffle(sites)
    site_of = {ex.page: ex.site for ex in examples}
    fold_weights: dict[str, Weights] = {}  # page -> the weights of the fold that did not see its site
    for k in range(args.folds):
        test_sites = set(sites[k::args.folds])
        test_pages = {p for p in pages if site_of[p] in test_sites}
        w = fit(args, init, cleaner, [ex for ex in examples if site_of.get(ex.page) not in test_sites], args.seed + k)
        fold_weights.update((page, w) for page in test_pages)
    held = [ex for ex in examples if ex.page in fold_weights]
    show("held-out", evaluate(held, lambda ex: fold_weights[ex.page]))
    if args.headline_drop:
        dropped = {page: w.dropping_headline() for page, w in fold_weights.items()}
        show("held-out, headline dropped", evaluate(held, lambda ex: dropped[ex.page]))
    if args.cv_only:
        return 0
    final = fit(args, init, cleaner, examples, args.seed)
    show("fit (all)", evaluate(examples, lambda ex: final))
    write(final, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
