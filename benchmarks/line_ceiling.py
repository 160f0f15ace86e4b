"""The best F1 a cleaner that deletes whole lines can reach on a bench: keep exactly the lines
of which at least half the 4-token shingles are in the gold text; on a page where that keeps
nothing, keep the one line with the largest gold share instead (no page emptied), or, with
--may-empty, keep nothing. Same metric as benchmarks/quality.py.

    python benchmarks/line_ceiling.py [--bench ../shared/bench/dragnet-dev] [--input trafilatura] [--may-empty]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import tokens  # noqa: E402

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "dragnet-dev"


def shingles(text: str) -> Counter:
    words = tokens(text)
    if len(words) < 4:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def best_lines(text: str, gold: Counter, may_empty: bool) -> list[str]:
    keep, best, best_share = [], None, -1.0
    for line in (ln for ln in text.splitlines() if ln.strip()):
        own = shingles(line)
        n = sum(own.values())
        share = sum((own & gold).values()) / n if n else 0.0
        if n and share >= 0.5:
            keep.append(line)
        if share > best_share:
            best, best_share = line, share
    if not keep and best is not None and not may_empty:
        keep = [best]
    return keep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--input", default="trafilatura", help="trafilatura or fulltext")
    ap.add_argument("--may-empty", action="store_true", help="a page with no article line is left empty")
    args = ap.parse_args(argv)
    precisions, recalls, emptied = [], [], 0
    for path in sorted((args.bench / args.input).glob("*.txt")):
        gold = shingles((args.bench / "gold" / path.name).read_text(encoding="utf-8"))
        out = shingles("\n".join(best_lines(path.read_text(encoding="utf-8"), gold, args.may_empty)))
        hit = sum((out & gold).values())
        if out:
            precisions.append(hit / sum(out.values()))
        else:
            emptied += 1
        if gold:
            recalls.append(hit / sum(gold.values()))
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    print(f"{args.bench.name} {args.input}: line ceiling P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r):.3f}, "
          f"{emptied} pages emptied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
