"""Reader comments on dragnet-dev: how many comment words the cleaner removes, and how many
article words it keeps, on the pages whose trafilatura text carries comments (issue #13).

Labels per block of the trafilatura text (comments included): article when quality.is_article
says so against the gold text; comment when it is not article and trafilatura's extraction of
the same HTML with include_comments=False does not have that line (silver labels); other
boilerplate otherwise, left out. Pages with at least one comment block count.

    python benchmarks/comments.py [--bench ../shared/bench/dragnet-dev] [--worst 20] [--cache FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the most comment words left")
    ap.add_argument("--cache", type=Path, help="keep the silver labels in this JSON file")
    args = ap.parse_args(argv)
    cached = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    cleaner = Cleaner()
    totals = dict.fromkeys(("comment", "comment_cut", "article", "article_kept"), 0)
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
            if y == 1:
                page["comment"] += words
                page["comment_cut"] += 0 if d.kept else words
            elif y == 0:
                page["article"] += words
                page["article_kept"] += words if d.kept else 0
        for k in totals:
            totals[k] += page[k]
        rows.append((page["comment"] - page["comment_cut"], page["comment"], path.stem))
    if args.cache:
        args.cache.write_text(json.dumps(cached))
    print(f"{pages} pages with comments: comment words removed {totals['comment_cut']}/{totals['comment']} "
          f"({totals['comment_cut'] / max(1, totals['comment']):.1%}); article words kept "
          f"{totals['article_kept']}/{totals['article']} ({totals['article_kept'] / max(1, totals['article']):.1%})")
    for left, total, pid in sorted(rows, reverse=True)[: args.worst]:
        print(f"  {pid:<8} {left:6} of {total:6} comment words left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
