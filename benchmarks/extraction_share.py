"""What cleaning costs next to extraction, on the HTML path of `cleaner run`.

The 181 HTML pages of the development benchmark are extracted the way `cleaner run`
extracts HTML (trafilatura, comments left out), then the texts are cleaned; both steps are
timed in this one process (CPU time, best of `--repeat` rounds each, after one warm-up
round). It prints each step's rate and the share of a page's time that cleaning takes.

Usage, from the repository root:
    python benchmarks/extraction_share.py
    python benchmarks/extraction_share.py --repeat 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "scrapinghub"


def best_time(step: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The best CPU time of `repeat` timed rounds, and what the untimed warm-up round
    (imports, caches) returned."""
    result = step()
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        step()
        best = min(best, time.process_time() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds of each step (the best counts)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    from cleaner import Cleaner, Config
    from cleaner.io.formats import Options, extract_html

    pages = [gzip.decompress(p.read_bytes()) for p in sorted((args.bench / "html").glob("*.html.gz"))]
    if not pages:
        raise SystemExit(f"no html/*.html.gz under {args.bench}")
    options = Options()
    cleaner = Cleaner(Config())

    extract_s, extracted = best_time(lambda: [extract_html(page, options) for page in pages], args.repeat)
    texts = [text for text, _ in extracted]
    clean_s, _ = best_time(lambda: [cleaner.clean(text) for text in texts], args.repeat)
    html_mb = sum(map(len, pages)) / 1e6
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    figures = {
        "pages": len(pages), "html_mb": round(html_mb, 2), "text_mb": round(text_mb, 3),
        "extract_s": round(extract_s, 3), "clean_s": round(clean_s, 3),
        "extract_html_mb_per_s": round(html_mb / extract_s, 2), "clean_text_mb_per_s": round(text_mb / clean_s, 2),
        "clean_share_of_page_time": round(clean_s / (extract_s + clean_s), 3),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{len(pages)} pages: {html_mb:.1f} MB of HTML, {text_mb:.2f} MB of extracted text")
    print(f"extract (trafilatura)  {extract_s:6.2f} s  {html_mb / extract_s:6.2f} MB/s of HTML  "
          f"{1000 * extract_s / len(pages):6.2f} ms/page")
    print(f"clean (cleaner)        {clean_s:6.2f} s  {text_mb / clean_s:6.2f} MB/s of text  "
          f"{1000 * clean_s / len(pages):6.2f} ms/page")
    print(f"cleaning is {clean_s / (extract_s + clean_s):.0%} of a page's time "
          f"({clean_s / extract_s:.0%} of the extraction's)")


if __name__ == "__main__":
    main()
