"""Reader comments on dragnet-dev: how many comment words the cleaner removes, and how many
article words it keeps, on the pages whose trafilatura text carries comments (issue #13).

Labels per block of the trafilatura text (comments included): article when quality.is_article
says so against the gold text; comment when it is not article and trafilatura's extraction of
the same HTML with include_comments=False does not have that line (silver labels); other
boilerplate otherwise, left out. Pages with at least one comment block count.

    python benchmarks/comments.py [--bench ../shared/bench/dragnet-dev] [--worst 20] [--cache FILE]

A word cut by a trim rule from a kept block counts as removed. The figures are also given
for each half of the sites (split by a hash of the site's name, from sites.tsv): the
detector's thresholds were chosen on the whole set, so the two halves agreeing is the check
that they do not fit a few sites.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import Gold, is_article, tokens  # noqa: E402

from cleaner import Cleaner  # noqa: E402

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "dragnet-dev"


def silver(bench: Path, pid: str, blocks: list[str]) -> list[int | None]:
    """1 comment, 0 article, None other boilerplate, per block."""
    import trafilatura

    html = gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes())
    plain = {ln.strip() for ln in (trafilatura.extract(html, include_comments=False) or "").splitlines()}
    gold = Gold((bench / "gold" / f"{pid}.txt").read_text(encoding="utf-8"))
    return [0 if is_article(t, gold) else (1 if t.strip() not in plain else None) for t in blocks]


def _kept_text(decision) -> str:
    """What is left of a kept block once its trimmed spans are cut."""
    text, out, at = decision.block.text, [], 0
    for s, e in sorted(decision.trimmed):
        out.append(text[at:s])
        at = max(at, e)
    return "".join(out) + text[at:]


def _figures(t: dict[str, int]) -> str:
    return (f"comment words removed {t['comment_cut']}/{t['comment']} ({t['comment_cut'] / max(1, t['comment']):.1%}); "
            f"article words kept {t['article_kept']}/{t['article']} ({t['article_kept'] / max(1, t['article']):.1%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the most comment words left")
    ap.add_argument("--cache", type=Path, help="keep the silver labels in this JSON file")
    args = ap.parse_args(argv)
    cached = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    cleaner = Cleaner()
    totals = dict.fromkeys(("comment", "comment_cut", "article", "article_kept"), 0)
    sites_file = args.bench / "sites.tsv"
    sites = dict(ln.split("\t")[:2] for ln in sites_file.read_text().splitlines() if "\t" in ln) if sites_file.exists() else {}
    halves = {h: dict.fromkeys(totals, 0) for h in ("A", "B")}
    pages, rows = 0, []
    for path in sorted((args.bench / "trafilatura").glob("*.txt")):
        result = cleaner.clean(path.read_text(encoding="utf-8"))
        texts = [d.block.text for d in result.decisions]
        key = f"{path.stem}:{len(texts)}"
        if key not in cached:
            cached[key] = silver(args.bench, path.stem, texts)
        labels = cached[key]
        if 1 not in labels:
            continue
        pages += 1
        page = dict.fromkeys(totals, 0)
        for d, y in zip(result.decisions, labels):
            words = len(tokens(d.block.text))
            left = len(tokens(_kept_text(d))) if d.kept else 0
            if y == 1:
                page["comment"] += words
                page["comment_cut"] += words - left
            elif y == 0:
                page["article"] += words
                page["article_kept"] += left
        half = halves["AB"[zlib.crc32(sites.get(path.stem, path.stem).strip().encode()) % 2]]
        for k in totals:
            totals[k] += page[k]
            half[k] += page[k]
        rows.append((page["comment"] - page["comment_cut"], page["comment"], path.stem))
    if args.cache:
        args.cache.write_text(json.dumps(cached))
    print(f"{pages} pages with comments: {_figures(totals)}")
    for name, half in halves.items():
        print(f"  sites of half {name}: {_figures(half)}")
    for left, total, pid in sorted(rows, reverse=True)[: args.worst]:
        print(f"  {pid:<8} {left:6} of {total:6} comment words left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
