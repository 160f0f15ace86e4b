"""Huge documents: time and peak memory of cleaning one very large document.

Two shapes: a document of many paragraphs (the development benchmark's trafilatura texts
one after another, one paragraph a line) and a single line without any line break (the
same text with its line breaks made spaces). Each size is cleaned in a fresh process
(`cleaner run FILE -o OUT`, with max_bytes raised above the size in a cleaner.toml), and
its time (wall and CPU) and peak RSS, less those of a 1 kB document (start-up: imports, building the
Cleaner), are printed: linear time shows as a flat s/MB column, and memory as a multiple of
the document's size.

Usage, from the repository root:
    python benchmarks/huge.py --shape lines --mb 2,20,200
    python benchmarks/huge.py --shape line --mb 0.2,2,20
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "scrapinghub"

RUNNER = """
import sys, time
def peak_kb():  # this process's own peak (ru_maxrss would start from the parent's, across exec)
    with open("/proc/self/status") as fh:
        return int(next(line for line in fh if line.startswith("VmHWM:")).split()[1])
from cleaner.cli import main
t, cpu = time.perf_counter(), time.process_time()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
dt = time.perf_counter() - t
print(code, dt, time.process_time() - cpu, peak_kb(), file=sys.stderr)
"""


def make_document(bench: Path, path: Path, mb: float, one_line: bool) -> int:
    texts = [p.read_text(encoding="utf-8") for p in sorted((bench / "trafilatura").glob("*.txt"))]
    target, size, n = int(mb * 1e6), 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            text = texts[n % len(texts)].strip()
            text = (text.replace("\n", " ") + " ") if one_line else text + "\n"
            fh.write(text)
            size += len(text.encode("utf-8"))
            n += 1
    return size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--shape", choices=["lines", "line"], default="lines")
    ap.add_argument("--mb", default="2,20", help="comma-separated document sizes in MB")
    args = ap.parse_args(argv)
    base_s, base_cpu, base_mb = measure(args.bench, 0.001, args.shape == "line")[1:]
    print(f"start-up (a 1 kB document): {base_s:.1f} s, {base_cpu:.1f} s CPU, {base_mb:.0f} MB peak RSS; "
          f"subtracted below; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'shape':<6} {'MB':>7} {'seconds':>8} {'CPU s':>6} {'CPU s/MB':>8} {'RSS MB':>7} {'RSS/size':>9}")
    for mb in map(float, args.mb.split(",")):
        size, dt, cpu, rss = measure(args.bench, mb, args.shape == "line")
        dt, cpu, extra = dt - base_s, cpu - base_cpu, rss - base_mb
        print(f"{args.shape:<6} {size / 1e6:>7.1f} {dt:>8.1f} {cpu:>6.1f} {cpu / (size / 1e6):>8.2f} {extra:>7.0f} "
              f"{extra * 1e6 / size:>8.1f}x")
    return 0


def measure(bench: Path, mb: float, one_line: bool) -> tuple[int, float, float, float]:
    """(size in bytes, seconds and CPU seconds inside `cleaner run`, peak RSS in MB) of one
    document."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "doc.txt"
        size = make_document(bench, doc, mb, one_line)
        (Path(tmp) / "cleaner.toml").write_text(f"max_bytes = {size * 2 + 1000}\n")
        proc = subprocess.run([sys.executable, "-c", RUNNER, "run", str(doc), "-o", str(Path(tmp) / "out"),
                               "-j", "1", "-q"], capture_output=True, text=True, cwd=tmp)
        code, dt, cpu, rss_kb = proc.stderr.strip().splitlines()[-1].split()
        if code not in ("0", "None"):
            raise SystemExit(f"cleaner run failed on {mb} MB:\n{proc.stderr[-2000:]}")
        if not (Path(tmp) / "out" / "doc.txt").exists():
            raise SystemExit("no output written")
        return size, float(dt), float(cpu), int(rss_kb) / 1024


if __name__ == "__main__":
    sys.exit(main())
