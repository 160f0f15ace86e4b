"""Output snapshot: is cleaning byte-identical before and after a change?

Cleans the seeds and the development pages (../shared/bench/scrapinghub and
../shared/bench/dragnet-dev, both their trafilatura text and their full page text) with
default settings and records, per document, a hash of the clean text and a hash of its
--report record (every decision, reason and signal). Only hashes are stored, so the
snapshot holds none of the pages' text.

    python benchmarks/snapshot.py save /tmp/before.json     # before the change
    python benchmarks/snapshot.py check /tmp/before.json    # after: lists what differs, exit 1 if any

`check` exits 0 only when every document's text and report are the same. Use `--texts-only`
to compare the clean texts alone (a change may reword a reason without changing output).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
SETS = (("scrapinghub", "trafilatura"), ("scrapinghub", "fulltext"),
        ("dragnet-dev", "trafilatura"), ("dragnet-dev", "fulltext"))


def documents(bench: Path):
    """(key, text) of every document the snapshot covers, in a fixed order."""
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        yield f"seeds/{path.name}", path.read_text(encoding="utf-8")
    for name, form in SETS:
        folder = bench / name / form
        if not folder.is_dir():
            print(f"snapshot: {folder} is missing; left out", file=sys.stderr)
            continue
        for path in sorted(folder.glob("*.txt")):
            yield f"{name}/{form}/{path.name}", path.read_text(encoding="utf-8")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:20]


def take(bench: Path) -> dict[str, dict[str, str]]:
    from cleaner import Cleaner, Document

    cleaner = Cleaner()
    out = {}
    for key, text in documents(bench):
        result = cleaner.clean(Document(id=key, text=text))
        report = json.dumps(result.report(), ensure_ascii=False, sort_keys=True)
        out[key] = {"text": _digest(result.text), "report": _digest(report)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["save", "check"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--texts-only", action="store_true", help="compare clean texts, not reports")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    now = take(args.bench)
    took = time.perf_counter() - t0
    if args.action == "save":
        args.file.write_text(json.dumps(now, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"saved {len(now)} documents to {args.file} ({took:.1f}s)")
        return 0
    before = json.loads(args.file.read_text(encoding="utf-8"))
    fields = ("text",) if args.texts_only else ("text", "report")
    missing = sorted(set(before) ^ set(now))
    differ = [k for k in sorted(set(before) & set(now)) if any(before[k][f] != now[k][f] for f in fields)]
    for key in missing:
        print(f"only in {'the snapshot' if key in before else 'this run'}: {key}")
    for key in differ:
        what = [f for f in fields if before[key][f] != now[key][f]]
        print(f"differs ({', '.join(what)}): {key}")
    same = len(now) - len(differ) - sum(1 for k in missing if k in now)
    print(f"{same} of {len(before)} documents identical ({', '.join(fields)}); "
          f"{len(differ)} differ, {len(missing)} missing ({took:.1f}s)")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
