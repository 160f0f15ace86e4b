"""Memory of `cleaner learn`'s counting, measured on a synthetic corpus.

Each document has five unique article lines (of 12+ words) and its site's four template
lines; sites get documents in turn. Prints documents/s and the peak memory (tracemalloc) of
the counters after each checkpoint, so the growth per document can be read off.

    python benchmarks/learn_memory.py --docs 200000 --sites 20
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleaner.run.learn import SiteCounts  # noqa: E402

WORDS = ["".join(random.Random(i).choices("abcdefghijklmnopqrstuvwxyz", k=7)) for i in range(5000)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--sites", type=int, default=20)
    args = ap.parse_args(argv)
    rng = random.Random(1)
    templates = [[f"Template {WORDS[k]} of site {WORDS[100 + s]} with its own fixed words here" for k in range(4)] for s in range(args.sites)]
    sites = [SiteCounts() for _ in range(args.sites)]
    tracemalloc.start()
    start = time.perf_counter()
    checkpoints = {args.docs // 10 * k for k in range(1, 11)}
    print(f"{'documents':>10} {'docs/s':>8} {'MB now':>8} {'MB peak':>8} {'hashes kept':>12}")
    for n in range(1, args.docs + 1):
        s = n % args.sites
        lines = [" ".join(rng.choices(WORDS, k=14)) for _ in range(5)]
        sites[s].add(templates[s][:2] + lines + templates[s][2:])
        if n in checkpoints:
            now, peak = tracemalloc.get_traced_memory()
            kept = sum(len(c.counts) for c in sites)
            print(f"{n:>10,} {n / (time.perf_counter() - start):>8.0f} {now / 1e6:>8.1f} {peak / 1e6:>8.1f} {kept:>12,}")
    found = sum(len(c.templates(5, 0.2)) for c in sites)
    print(f"templates found: {found} of {4 * args.sites}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
