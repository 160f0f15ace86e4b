"""Speed and memory of `cleaner run` on a generated JSONL corpus.

The corpus repeats the trafilatura texts of the development benchmark with varied ids
(`--mb` megabytes of text). Each configuration runs in a fresh process, as a user would run
it; the numbers are MB of text per second, documents per second and peak RSS (the largest
of the main process and its workers).

Usage, from the repository root:
    python benchmarks/speed.py --mb 50 --jobs 1,2
    python benchmarks/speed.py --mb 500 --jobs 1,2          # the issue's corpus size (slow)
    python benchmarks/speed.py --mb 50 --jobs 2 --engine dask
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "scrapinghub"

RUNNER = """
import resource, sys, time
from pathlib import Path
from cleaner import Cleaner, Config
from cleaner.io.formats import Options
from cleaner.run.plan import Plan, run
src, out, jobs, engine = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
config = Config()
mapper = client = None
if engine == "dask":
    from cleaner.run import dask as engine_dask
    client = engine_dask.connect(None, jobs)
    mapper = lambda handler, tasks: engine_dask.ordered_map(client, config, handler, tasks, 4 * jobs)
t = time.perf_counter()
with open("/dev/null", "w") as sink:
    stats = run(config, Plan((src,), out, Options(), config.max_bytes), jobs, sink, None, mapper=mapper)
dt = time.perf_counter() - t
if client is not None:
    engine_dask.close(client)
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(stats.documents, stats.bytes_in, dt, max(me, kids), len(stats.failures))
"""


def make_corpus(bench: Path, path: Path, mb: float) -> tuple[int, int]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((bench / "trafilatura").glob("*.txt"))]
    target, size, n = mb * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            text = texts[n % len(texts)]
            fh.write(json.dumps({"id": f"doc-{n}", "url": f"https://site{n % 97}.example/{n}", "text": text},
                                ensure_ascii=False) + "\n")
            size += len(text.encode("utf-8"))
            n += 1
    return n, size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--mb", type=float, default=500.0, help="megabytes of text in the corpus")
    ap.add_argument("--jobs", default="1,2", help="comma-separated -j values to measure")
    ap.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="dask: a LocalCluster with -j worker processes (start-up time not counted)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        docs, size = make_corpus(args.bench, corpus, args.mb)
        print(f"corpus: {docs:,} documents, {size / 1e6:.1f} MB of text")
        print(f"{'jobs':>4} {'MB/s':>7} {'docs/s':>8} {'seconds':>8} {'peak RSS MB':>12} {'speed-up':>9}")
        base = None
        for jobs in map(int, args.jobs.split(",")):
            out = Path(tmp) / f"out{jobs}"
            proc = subprocess.run([sys.executable, "-c", RUNNER, str(corpus), str(out), str(jobs), args.engine],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            n, nbytes, dt, rss_kb, failed = proc.stdout.split()
            rate = int(nbytes) / 1e6 / float(dt)
            base = base or rate
            print(f"{jobs:>4} {rate:>7.2f} {int(n) / float(dt):>8.1f} {float(dt):>8.1f} "
                  f"{int(rss_kb) / 1024:>12.0f} {rate / base:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
