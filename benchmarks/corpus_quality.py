"""Score the cleaner on the development corpus (benchmarks/corpus), per split and language.

Input: each page's text column joined with "\\n" (the visible page text). Gold: the lines
labelled A and H (the cleaner keeps the headline once by default, and so does the guide).
Same metric as quality.py (4-shingle bags, precision and recall averaged over pages).

    python benchmarks/corpus_quality.py                 # the dev split
    python benchmarks/corpus_quality.py --split test    # the test split (never fit on it)
    python benchmarks/corpus_quality.py --split all --worst 10
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import score_pages  # noqa: E402

from cleaner import Cleaner, Config, Document  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus"


def load(split: str) -> list[dict]:
    rows = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    pages = []
    for row in rows[1:]:
        meta = dict(zip(head, row.split("\t")))
        if split != "all" and meta["split"] != split:
            continue
        lines = [ln.split("\t", 1) for ln in (CORPUS / "pages" / f"{meta['id']}.txt").read_text(encoding="utf-8").splitlines()]
        meta["text"] = "\n".join(t for _, t in lines)
        meta["gold"] = "\n".join(t for label, t in lines if label in ("A", "H"))
        pages.append(meta)
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    ap.add_argument("--no-site", action="store_true", help="do not pass the page's site")
    args = ap.parse_args(argv)
    pages = load(args.split)
    cleaner = Cleaner(Config())
    outs = [cleaner.clean(Document(p["id"], p["text"], {} if args.no_site else {"site": p["site"]})).text
            for p in pages]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pages):
        groups["all"].append(i)
        groups[p["lang"]].append(i)
    print(f"split {args.split}: {len(pages)} pages")
    print(f"{'group':6} {'pages':>5}  {'before':>6}  {'P':>5} {'R':>5} {'F1':>6}  emptied")
    for name in ["all"] + sorted(k for k in groups if k != "all"):
        idx = groups[name]
        before = score_pages([pages[i]["text"] for i in idx], [pages[i]["gold"] for i in idx])
        after = score_pages([outs[i] for i in idx], [pages[i]["gold"] for i in idx], [pages[i]["text"] for i in idx])
        print(f"{name:6} {len(idx):5}  {before['f1']:6.3f}  {after['precision']:5.3f} {after['recall']:5.3f} "
              f"{after['f1']:6.3f}  {after['emptied']}")
    if args.worst:
        scored = []
        for i, p in enumerate(pages):
            s = score_pages([outs[i]], [p["gold"]])
            scored.append((s["f1"], s["precision"], s["recall"], p["id"]))
        for f1, prec, rec, pid in sorted(scored)[: args.worst]:
            print(f"  {pid}  F1 {f1:.3f}  P {prec:.3f}  R {rec:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
