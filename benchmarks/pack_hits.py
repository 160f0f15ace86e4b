#!/usr/bin/env python3
"""Where the language packs fire on the development corpus: B lines against A/H lines.

For every rule of the packs under ``rules/lang/`` (or the packs given with ``--rules``) it
counts, on the DEV pages of ``benchmarks/corpus`` only (test pages are never opened):

* ``B``     boilerplate lines it fires on (all languages),
* ``B@own`` of which on pages of the pack's own language,
* ``A/H``   article or headline lines it fires on -- every one is a bug to fix,
* ``gold``  lines of the English bench's gold texts it fires on (``../shared/bench``:
            scrapinghub and dragnet-dev; rules run on every document whatever its
            language, so an English article line must not trigger them either),
* ``seed``  lines of the expected seed outputs (``tests/golden/*.txt``) it fires on.

Then, per language, how many B lines of the dev pages the other built-in packs already
catch, how many the language packs catch, and how many either does.

Usage::

    PYTHONPATH=. python benchmarks/pack_hits.py [--rules DIR_OR_FILE ...] [--show ID ...]
                                               [--no-bench] [--misses LANG] [--score]

With --score it also cleans every dev page twice, with all built-in packs and with the
measured packs ignored, and prints per language the shingle precision/recall/F1 of the
output against the page's A and H lines (benchmarks/quality.py's metric), and how many A/H
and B lines were removed with one of the measured rules among the reasons.
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.packs.load import builtin_rules_dir, load_packs  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus"
BENCH = ROOT.parent / "shared" / "bench"
if not BENCH.is_dir():  # a worktree two levels down: /work/wt/<name>
    BENCH = Path("/work/shared/bench")


def dev_pages() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(id, lang, [(label, text)]) of every dev page; test pages are skipped unread."""
    out = []
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["split"] != "dev":
                continue
            lines = []
            for line in (CORPUS / "pages" / f"{row['id']}.txt").read_text(encoding="utf-8").splitlines():
                label, _, text = line.partition("\t")
                lines.append((label, text))
            out.append((row["id"], row["lang"], lines))
    return out


def bench_gold_lines() -> list[str]:
    lines = []
    for name in ("scrapinghub", "dragnet-dev"):
        for path in sorted((BENCH / name / "gold").glob("*.txt")):
            lines.extend(s.strip() for s in path.read_text(encoding="utf-8", errors="replace").splitlines()
                         if s.strip())
    return lines


def seed_lines() -> list[str]:
    return [s.strip() for p in sorted((ROOT / "tests" / "golden").glob("*.txt"))
            for s in p.read_text(encoding="utf-8").splitlines() if s.strip()]


def fires(rule, text: str) -> bool:
    try:
        return rule.search(text, 1.0) is not None
    except TimeoutError:
        print(f"warning {rule.id}: timeout on {text[:60]!r}", file=sys.stderr)
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", nargs="*", type=Path, default=[builtin_rules_dir() / "lang"],
                    help="pack files or folders to measure (default rules/lang)")
    ap.add_argument("--show", nargs="*", default=[], help="print the lines these rules fire on")
    ap.add_argument("--no-bench", action="store_true", help="skip the English bench gold lines")
    ap.add_argument("--misses", default="", help="print this language's B lines no rule catches")
    ap.add_argument("--score", action="store_true", help="clean the dev pages with and without these packs")
    args = ap.parse_args()

    new = load_packs(args.rules)  # validates and runs every match/keep example
    new_ids = {r.id for r in new}
    every = load_packs([builtin_rules_dir()], check_examples=False)
    old = [r for r in every if r.id not in new_ids]
    pages = dev_pages()
    gold = [] if args.no_bench else bench_gold_lines()
    seeds = seed_lines()

    b = collections.Counter()
    b_own = collections.Counter()
    ah = collections.Counter()
    g = collections.Counter()
    sd = collections.Counter()
    shown = collections.defaultdict(list)
    b_total = collections.Counter()
    b_old = collections.Counter()
    b_new = collections.Counter()
    b_any = collections.Counter()
    misses = []
    for pid, lang, lines in pages:
        for label, text in lines:
            hit_new = [r for r in new if fires(r, text)]
            for r in hit_new:
                if label == "B":
                    b[r.id] += 1
                    if lang in r.lang:
                        b_own[r.id] += 1
                else:
                    ah[r.id] += 1
                if r.id in args.show:
                    shown[r.id].append(f"{pid} {label}  {text[:150]}")
            if label == "B":
                hit_old = any(fires(r, text) for r in old)
                b_total[lang] += 1
                b_old[lang] += hit_old
                b_new[lang] += bool(hit_new)
                b_any[lang] += hit_old or bool(hit_new)
                if lang == args.misses and not hit_old and not hit_new:
                    misses.append(f"{pid}  {text[:150]}")
    for lines, counts, label in ((gold, g, "gold"), (seeds, sd, "seed")):
        for text in lines:
            for r in new:
                if fires(r, text):
                    counts[r.id] += 1
                    if r.id in args.show:
                        shown[r.id].append(f"{label}  {text[:150]}")

    print(f"== {len(new)} rules from {', '.join(map(str, args.rules))}; {len(pages)} dev pages, "
          f"{len(gold)} bench gold lines, {len(seeds)} seed output lines")
    print(f"{'rule':<11} {'lang':<5} {'category':<11} {'effect':<5} {'B':>4} {'B@own':>5} {'A/H':>4} "
          f"{'gold':>4} {'seed':>4}  name")
    for r in new:
        print(f"{r.id:<11} {','.join(r.lang):<5} {r.category:<11} {r.effect:<5} {b[r.id]:>4} {b_own[r.id]:>5} "
              f"{ah[r.id]:>4} {g[r.id]:>4} {sd[r.id]:>4}  {r.name}")
    bad = [r.id for r in new if ah[r.id] or g[r.id] or sd[r.id]]
    print(f"\nrules firing on B lines: {sum(1 for r in new if b[r.id])} of {len(new)}; "
          f"on A/H, gold or seed-output lines: {len(bad)} {' '.join(bad)}")
    print("\n== dev B lines per language: caught by the other packs / by these packs / by either")
    print(f"{'lang':<5} {'B':>4} {'other':>6} {'these':>6} {'either':>7}")
    for lang in sorted(b_total):
        print(f"{lang:<5} {b_total[lang]:>4} {b_old[lang]:>6} {b_new[lang]:>6} {b_any[lang]:>7}")
    print(f"{'all':<5} {sum(b_total.values()):>4} {sum(b_old.values()):>6} {sum(b_new.values()):>6} "
          f"{sum(b_any.values()):>7}")
    for rid in args.show:
        print(f"\n== {rid}")
        print("\n".join(shown[rid]) or "(no hits)")
    if misses:
        print(f"\n== {args.misses} B lines no rule catches")
        print("\n".join(misses))
    if args.score:
        score(pages, new_ids)
    return 1 if bad else 0


def score(pages, new_ids: set[str]) -> None:
    """Clean every dev page with and without the measured packs; scores per language."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quality import score_pages  # noqa: E402

    from cleaner import Cleaner, Config  # noqa: E402

    sites = {}
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            sites[row["id"]] = row["site"]
    with_packs = Cleaner(Config())
    without = Cleaner(Config(ignore=tuple(sorted(new_ids))))
    by_lang = collections.defaultdict(lambda: {"in": [], "gold": [], "with": [], "without": []})
    removed = collections.Counter()
    for pid, lang, lines in pages:
        text = "\n".join(t for _, t in lines)
        gold = "\n".join(t for label, t in lines if label in ("A", "H"))
        labels = collections.defaultdict(set)
        for label, t in lines:
            labels[t.strip()].add(label)
        meta = {"site": sites[pid]}
        res = with_packs.clean(text, meta)
        for d in res.decisions:
            if not d.kept and new_ids.intersection(d.reasons):
                kind = "B" if labels.get(d.block.text.strip(), {"?"}) == {"B"} else "A/H"
                removed[lang, kind] += 1
        for key, value in (("in", text), ("gold", gold), ("with", res.text),
                           ("without", without.clean(text, meta).text)):
            by_lang[lang][key].append(value)
    print("\n== cleaning the dev pages: F1 (P/R) without and with the measured packs; "
          "lines removed with a measured rule among the reasons")
    print(f"{'lang':<5} {'pages':>5} {'input':>7} {'without':>19} {'with':>19} {'rm B':>5} {'rm A/H':>6}")
    totals = {"in": [], "gold": [], "with": [], "without": []}
    for lang in sorted(by_lang):
        d = by_lang[lang]
        for k in totals:
            totals[k].extend(d[k])
        s_in = score_pages(d["in"], d["gold"])
        s0 = score_pages(d["without"], d["gold"], d["in"])
        s1 = score_pages(d["with"], d["gold"], d["in"])
        print(f"{lang:<5} {len(d['in']):>5} {s_in['f1']:>7.3f} "
              f"{s0['f1']:>7.3f} ({s0['precision']:.3f}/{s0['recall']:.3f}) "
              f"{s1['f1']:>7.3f} ({s1['precision']:.3f}/{s1['recall']:.3f}) "
              f"{removed[lang, 'B']:>5} {removed[lang, 'A/H']:>6}")
    s0 = score_pages(totals["without"], totals["gold"], totals["in"])
    s1 = score_pages(totals["with"], totals["gold"], totals["in"])
    print(f"{'all':<5} {len(totals['in']):>5} {score_pages(totals['in'], totals['gold'])['f1']:>7.3f} "
          f"{s0['f1']:>7.3f} ({s0['precision']:.3f}/{s0['recall']:.3f}) "
          f"{s1['f1']:>7.3f} ({s1['precision']:.3f}/{s1['recall']:.3f}) "
          f"{sum(v for (l, k), v in removed.items() if k == 'B'):>5} "
          f"{sum(v for (l, k), v in removed.items() if k == 'A/H'):>6}")


if __name__ == "__main__":
    sys.exit(main())
