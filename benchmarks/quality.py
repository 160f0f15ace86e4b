"""Score cleaner on the scrapinghub article benchmark, and say where it goes wrong.

Metric (the article-extraction-benchmark's own, see ../shared/bench/README.md): split a text
into `\\w+` tokens (Python `re`, Unicode, case kept), take the bag (multiset) of 4-token
shingles; a text with 1-3 tokens is one short shingle, as in the benchmark's evaluate.py.
Per page, precision = |out & gold| / |out| and recall = |out & gold| / |gold| (multiset
intersection). Precision is averaged over pages with a non-empty output, recall over pages
with a non-empty gold; F1 = 2PR / (P + R) of the two means. "emptied" counts pages whose
output is empty although the input was not (a lost article).

For each input folder (trafilatura/, fulltext/; or html/, extracted as `cleaner run`
extracts HTML) it prints a "before" row (the input as is) and a "cleaner" row, then
diagnostics for the cleaner rows:
  - false positives: the reasons (d.reasons[0], and any position) that removed gold text,
    counted in gold shingles, and the worst removed gold lines;
  - false negatives: kept blocks that are not article (see `is_article`), grouped by kind.

Usage, from the repository root:
    python benchmarks/quality.py [--bench DIR] [--inputs trafilatura,fulltext[,html]]
        [--select ID,...] [--ignore ID,...] [--rules PATH,...] [--no-site]
        [--headline keep|drop] [--weights FILE] [--limit N] [--details N] [--json FILE]
--rules adds pack files to the built-in ones; the page's host (meta.json) is passed to
clean() as `site` unless --no-site.

Other scripts may import the helpers: `from quality import shingles, score_pages, label_lines`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

TOKEN = re.compile(r"\w+")
N = 4
DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "scrapinghub"


# -- metric ---------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def shingle_list(toks: list[str], n: int = N) -> list[tuple[str, ...]]:
    """The n-token shingles of a token list; 1..n-1 tokens make one short shingle."""
    if len(toks) < n:
        return [tuple(toks)] if toks else []
    return [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]


def shingles(text: str, n: int = N) -> Counter:
    """The bag of n-token shingles of a text."""
    return Counter(shingle_list(tokens(text), n))


def page_pr(out: Counter, gold: Counter) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the metric skips the page."""
    tp = sum((out & gold).values())
    p = tp / sum(out.values()) if out else None
    r = tp / sum(gold.values()) if gold else None
    return p, r


def score_pages(outputs, golds, inputs=None) -> dict:
    """Scores over pages: outputs/golds (and optionally inputs) are parallel lists of texts
    or of shingle Counters. Returns precision, recall, f1, pages and emptied."""
    bag = lambda t: t if isinstance(t, Counter) else shingles(t)
    ps, rs, emptied = [], [], 0
    for i, (out, gold) in enumerate(zip(outputs, golds)):
        o = bag(out)
        p, r = page_pr(o, bag(gold))
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
        if inputs is not None and not o and bag(inputs[i]):
            emptied += 1
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return {"precision": P, "recall": R, "f1": F, "pages": len(outputs), "emptied": emptied}


# -- line labels ------------------------------------------------------------------------------

class Gold:
    """A gold text indexed for labelling: its shingle bag and its token string."""

    def __init__(self, text: str):
        toks = tokens(text)
        self.bag = Counter(shingle_list(toks))
        self.joined = " " + " ".join(toks) + " "


def is_article(text: str, gold: Gold) -> bool:
    """A text (line or block) is article when at least half of its 4-shingles are in the
    gold bag. With 1-3 tokens: when its tokens occur, contiguous and in order, in the gold.
    Without any token (punctuation only): not article. Keeping exactly the article lines
    gives F1 0.984 on trafilatura text, the README's ceiling."""
    toks = tokens(text)
    if not toks:
        return False
    if len(toks) < N:
        return (" " + " ".join(toks) + " ") in gold.joined
    sh = shingle_list(toks)
    return 2 * sum(s in gold.bag for s in sh) >= len(sh)


def label_lines(text: str, gold_text: str) -> list[bool]:
    """Article or not, for each non-empty line of text (in order)."""
    gold = Gold(gold_text)
    return [is_article(line, gold) for line in text.splitlines() if line.strip()]


KINDS = [  # (kind, pattern) for non-article kept text; the first match wins
    ("comment", r"\bsays:|^\s*Reply\b|\bReply\s*$|\b\d+ (?:comments?|replies)\b|\b\d{1,2}:\d{2}\s*[ap]\.?m\b"
                r"|\b(?:hours?|days?|minutes?) ago\b|^\s*(?:leave a |post a )?comments?\b"),
    ("copyright", r"©|\bcopyright\b|all rights reserved"),
    ("newsletter", r"newsletter|\bsubscri|\bsign up\b|\binbox\b|e-?mail address"),
    ("related", r"\brelated\b|\bread more\b|\bmore (?:from|on|stories|news)\b|\brecommended\b"
                r"|\byou (?:may|might) (?:also )?like\b|\bsee also\b|\balso read\b|\bmost (?:read|popular)\b"),
    ("social", r"\bshare\b|\btweet|facebook|twitter|whatsapp|linkedin|pinterest|instagram|\bfollow us\b"),
    ("caption", r"\b(?:photo|image|picture|credit|getty|reuters|afp|illustration|video)\b"),
    ("byline/date", r"^\s*(?:by|posted|published|updated|written by)\b|\b(?:jan|feb|mar|apr|may|jun|jul"
                    r"|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b|\b\d{4}-\d\d-\d\d\b"),
]
KINDS = [(k, re.compile(p, re.I)) for k, p in KINDS]


def kind_of(text: str) -> str:
    for kind, rx in KINDS:
        if rx.search(text):
            return kind
    return "navigation" if len(tokens(text)) <= 4 else "other"


# -- running ----------------------------------------------------------------------------------

def read_inputs(bench: Path, name: str, ids: list[str], urls: dict[str, str]) -> list[str]:
    """The input texts of one input folder; `html` is html/<id>.html.gz extracted as
    `cleaner run` extracts HTML (trafilatura, comments left out)."""
    if name != "html":
        return [(bench / name / f"{pid}.txt").read_text(encoding="utf-8") for pid in ids]
    import gzip

    from cleaner.io.formats import Options, extract_html

    return [extract_html(gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes()), Options(),
                         urls.get(pid))[0] for pid in ids]


def load_pages(bench: Path, limit: int | None) -> tuple[list[str], dict[str, str]]:
    ids = sorted(p.stem for p in (bench / "gold").glob("*.txt"))[:limit or None]
    urls = {}
    meta = bench / "meta.json"
    if meta.exists():
        pages = json.loads(meta.read_text(encoding="utf-8")).get("pages", {})
        urls = {k: v.get("url", "") if isinstance(v, dict) else str(v) for k, v in pages.items()}
    return ids, urls


def kept_text(d) -> str:
    """The part of a kept block that survives its trims."""
    text, out, at = d.block.text, [], 0
    for s, e in sorted(d.trimmed):
        out.append(text[at:s])
        at = max(at, e)
    return " ".join(out + [text[at:]])


def diagnose(results, golds: dict[str, str], ids: list[str], top: int) -> None:
    first = defaultdict(lambda: [0, set(), 0, 0])  # gold shingles, pages, blocks, all shingles
    anypos = Counter()
    worst, fn = [], defaultdict(lambda: [0, 0, ""])  # normalised text -> count, words, sample
    fn_lines = fn_words = kept_words = 0
    kinds = Counter()
    for pid in ids:
        gold = Gold(golds[pid])
        for d in results[pid].decisions:
            removed = [] if d.kept else [(d.block.text, d.reasons[0] if d.reasons else "?", d.reasons)]
            for i, (s, e) in enumerate(d.trimmed if d.kept else ()):
                rid = d.trims[i] if i < len(d.trims) else "trim"
                removed.append((d.block.text[s:e], "trim:" + rid, (rid,)))
            for text, reason, reasons in removed:
                sh = Counter(shingle_list(tokens(text)))
                hit = sum((sh & gold.bag).values())
                row = first[reason]
                row[2] += 1
                row[3] += sum(sh.values())
                if hit:
                    row[0] += hit
                    row[1].add(pid)
                    anypos.update({r: hit for r in reasons})
                    worst.append((hit, pid[:8], reason, text))
            if d.kept:
                text = kept_text(d)
                words = len(tokens(text))
                kept_words += words
                if words and not is_article(text, gold):
                    fn_lines += 1
                    fn_words += words
                    kinds[kind_of(text)] += words
                    entry = fn[re.sub(r"\d+", "0", text.strip())[:200]]
                    entry[0] += 1
                    entry[1] += words
                    entry[2] = entry[2] or text.strip()
    print("  false positives: gold shingles removed, by first reason (all = reason in any position)")
    print(f"    {'reason':<28}{'gold':>7}{'pages':>7}{'blocks':>8}{'removed':>9}{'all':>7}")
    for reason, (g, pages, blocks, sh) in sorted(first.items(), key=lambda kv: (-kv[1][0], -kv[1][3]))[:top]:
        print(f"    {reason:<28}{g:>7}{len(pages):>7}{blocks:>8}{sh:>9}{anypos.get(reason, 0):>7}")
    total_gold = sum(v[0] for v in first.values())
    print(f"    total gold shingles removed: {total_gold} on {len(set().union(*[v[1] for v in first.values()]) if first else ())} pages")
    print("  worst removed gold lines:")
    for hit, pid, reason, text in sorted(worst, key=lambda w: -w[0])[:top]:
        print(f"    {pid} {reason:<22}{hit:>5}  {text[:90]!r}")
    share = fn_words / kept_words if kept_words else 0.0
    print(f"  false negatives: {fn_lines} non-article kept blocks, {fn_words} words "
          f"({share:.1%} of kept words); by kind (words):")
    print("    " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("  largest non-article kept texts (count x, words, kind):")
    for key, (count, words, sample) in sorted(fn.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"    {count:>3}x {words:>5}  {kind_of(sample):<11} {sample[:90]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--inputs", default="trafilatura,fulltext")
    ap.add_argument("--select", default="", help="comma-separated rule selectors")
    ap.add_argument("--ignore", default="", help="comma-separated rule selectors")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    ap.add_argument("--details", type=int, default=12, help="rows per diagnostic (0 = none)")
    ap.add_argument("--rules", default="", help="extra pack files or folders, comma-separated")
    ap.add_argument("--no-site", action="store_true", help="do not pass the page's host as site")
    ap.add_argument("--json", type=Path, help="write the scores here")
    ap.add_argument("--weights", type=Path, help="a weights file other than the shipped one")
    ap.add_argument("--headline", choices=["keep", "drop"], default="keep",
                    help="drop: also remove the headline (the gold text has none)")
    args = ap.parse_args(argv)

    from cleaner import Cleaner, Config

    split = lambda s: tuple(x.strip() for x in s.split(",") if x.strip())
    config = Config(select=split(args.select), ignore=split(args.ignore), rule_paths=split(args.rules),
                    headline=args.headline, **({"weights": str(args.weights)} if args.weights else {}))
    try:
        cleaner = Cleaner(config)
    except Exception as e:  # PackError, SelectorError: the rule packs do not load
        print(f"quality.py: cannot build the cleaner: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    ids, urls = load_pages(args.bench, args.limit)
    golds = {pid: (args.bench / "gold" / f"{pid}.txt").read_text(encoding="utf-8") for pid in ids}
    gold_bags = [shingles(golds[pid]) for pid in ids]
    rows, diagnostics = [], []
    for name in split(args.inputs):
        texts = read_inputs(args.bench, name, ids, urls)
        rows.append({"input": name, "method": "before", **score_pages(texts, gold_bags, texts)})
        results, spent = {}, 0.0
        for pid, text in zip(ids, texts):
            meta = {} if args.no_site else {"site": urlsplit(urls.get(pid, "")).hostname or None}
            t0 = time.perf_counter()
            results[pid] = cleaner.clean(text, meta=meta)
            spent += time.perf_counter() - t0
        outs = [results[pid].text for pid in ids]
        row = score_pages(outs, gold_bags, texts)
        rows.append({"input": name, "method": "cleaner" if args.headline == "keep" else "cleaner --headline drop", **row,
                     "pages_per_s": len(ids) / spent if spent else 0.0})
        diagnostics.append((name, results))

    width = max(9, max(len(r["method"]) + 2 for r in rows))
    print(f"{'input':<13}{'method':<{width}}{'P':>7}{'R':>7}{'F1':>7}{'emptied':>9}{'pages/s':>9}")
    for r in rows:
        speed = f"{r['pages_per_s']:.0f}" if "pages_per_s" in r else ""
        print(f"{r['input']:<13}{r['method']:<{width}}{r['precision']:>7.3f}{r['recall']:>7.3f}"
              f"{r['f1']:>7.3f}{r['emptied']:>9}{speed:>9}")
    if args.details > 0:
        for name, results in diagnostics:
            print(f"\n== {name}: cleaner diagnostics")
            diagnose(results, golds, ids, args.details)
    if args.json:
        out = {"bench": str(args.bench), "pages": len(ids), "select": config.select,
               "ignore": config.ignore, "rules": len(cleaner.rules), "rows": rows}
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
