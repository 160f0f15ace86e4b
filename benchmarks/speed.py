"""Speed and memory of cleaner: start-up, a small job, the rules' cost, and `cleaner run`
on a generated JSONL corpus.

- start-up: `import cleaner`, and `from cleaner import Cleaner; Cleaner()` in a fresh
  process, cold (an empty cache folder: the packs are loaded, compiled and analysed) and
  warm (from the cache the cold run wrote); the best of several runs.
- small job: one 2 KB document through `python -m cleaner run DOC -o -` with default options
  (warm cache), wall time, the best and the median of several runs.
- rules: the ten rules whose searches cost most on the development texts' lines (as the
  prefilter lets them through), and the prefilter's own cost.
- throughput: the corpus repeats the trafilatura texts of the development benchmark with
  varied ids (`--mb` megabytes of text). Each -j runs in a fresh process, as a user would run
  it; the numbers are MB of text per second, documents per second and peak RSS (the largest
  of the main process and its workers).

Every run uses a cache folder of its own (CLEANER_CACHE_DIR in a temporary folder), never
the user's, and keeps compiled modules (PYTHONPYCACHEPREFIX, there too) as an installed
package has them. Timings on a shared machine are noisy: compare runs made side by side.

Usage, from the repository root:
    python benchmarks/speed.py --mb 18 --jobs 1,2            # all four parts
    python benchmarks/speed.py --parts startup,small
    python benchmarks/speed.py --mb 500 --jobs 1,2 --parts throughput   # the issue's size (slow)
    python benchmarks/speed.py --mb 50 --jobs 2 --engine dask --parts throughput
    python benchmarks/speed.py --parts throughput --jobs 1 --distinct ../shared/bench/scrapinghub ../shared/bench/dragnet-dev
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "scrapinghub"
PARTS = ("startup", "small", "rules", "throughput")

RUNNER = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
from cleaner import Cleaner, Config
from cleaner.io.formats import Options
from cleaner.run.plan import Plan, run
src, out, jobs, engine = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
config = Config()
mapper = client = cleaner = None
if engine == "dask":
    from cleaner.run import dask as engine_dask
    client = engine_dask.connect(None, jobs)
    mapper = lambda handler, tasks: engine_dask.ordered_map(client, config, handler, tasks, 4 * jobs)
    t = time.perf_counter()
else:
    cleaner = Cleaner(config)  # as the command line does: it cleans while workers start
with open("/dev/null", "w") as sink:
    stats = run(config, Plan((src,), out, Options(), config.max_bytes), jobs, sink, None, cleaner=cleaner, mapper=mapper)
dt = time.perf_counter() - t
if client is not None:
    engine_dask.close(client)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(stats.documents, stats.bytes_in, dt, max(me.ru_maxrss, kids.ru_maxrss), len(stats.failures), cpu)
"""


def _env(cache: Path) -> dict[str, str]:
    """The environment of a measured process: its own cache folder, and compiled modules
    kept (in a folder of the run's, not the checkout) as an installed package has them."""
    env = dict(os.environ, CLEANER_CACHE_DIR=str(cache), PYTHONPYCACHEPREFIX=str(cache.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _has_cache() -> bool:
    """Does the measured checkout have the disk cache (and --no-cache)? (--root may name an
    older one, to measure before and after with the same script.)"""
    return (ROOT / "cleaner" / "io" / "cache.py").is_file()


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _wall(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall seconds of a fresh process (and its CPU seconds, with its children's, appended
    to `cpu`: less sensitive to a busy machine)."""
    t, c = time.perf_counter(), _cpu()
    proc = subprocess.run(argv, env=env, capture_output=True, check=False,
                          cwd=Path(env["CLEANER_CACHE_DIR"]).parent)  # not here: "" comes first on sys.path
    took = time.perf_counter() - t
    if cpu is not None:
        cpu.append(_cpu() - c)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode(errors='replace')}")
    return took


def startup(tmp: Path, repeat: int) -> None:
    cache = tmp / "cache-startup"
    env = _env(cache)
    build = [sys.executable, "-c", "from cleaner import Cleaner; Cleaner()"]
    _wall(build, env)  # compiles the modules once
    cold, cold_cpu, warm_cpu, imp_cpu, bare_cpu = [], [], [], [], []
    for _ in range(2):
        for f in cache.glob("*"):
            f.unlink()
        cold.append(_wall(build, env, cold_cpu))
    warm = [_wall(build, env, warm_cpu) for _ in range(repeat)]
    imp = [_wall([sys.executable, "-c", "import cleaner"], env, imp_cpu) for _ in range(repeat)]
    bare = [_wall([sys.executable, "-c", "pass"], env, bare_cpu) for _ in range(repeat)]
    print("start-up (fresh process, best of runs; wall and CPU seconds):")
    print(f"  python itself                                {min(bare):6.3f} {min(bare_cpu):6.3f}")
    print(f"  import cleaner                               {min(imp):6.3f} {min(imp_cpu):6.3f}")
    print(f"  from cleaner import Cleaner; Cleaner() cold  {min(cold):6.3f} {min(cold_cpu):6.3f}   (empty cache)")
    print(f"  from cleaner import Cleaner; Cleaner() warm  {min(warm):6.3f} {min(warm_cpu):6.3f}   "
          f"(median wall {statistics.median(warm):.3f})")


def small_doc(bench: Path) -> str:
    """The first lines of an article's text, up to the first line end after 2 KB."""
    for path in sorted((bench / "trafilatura").glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        end = body.find("\n", len(body.encode("utf-8")[:2048].decode("utf-8", "ignore")))
        if end > 0:
            return body[: end + 1]
    raise SystemExit("no text of 2 KB in the bench")


def small(tmp: Path, bench: Path, repeat: int) -> None:
    doc = tmp / "small.txt"
    doc.write_text(small_doc(bench), encoding="utf-8")
    cache = tmp / "cache-small"
    env = _env(cache)
    argv = [sys.executable, "-m", "cleaner", "run", str(doc), "-o", "-"]
    _wall(argv + ["-j", "2"], env)  # compiles the modules once
    cold = _wall(argv + ["--no-cache"], env) if _has_cache() else _wall(argv, env)
    _wall(argv, env)  # fills the cache
    cpu: dict[str, list[float]] = {"default": [], "1": [], "2": []}
    warm = [_wall(argv, env, cpu["default"]) for _ in range(repeat)]
    one = [_wall(argv + ["-j", "1"], env, cpu["1"]) for _ in range(repeat)]
    two = [_wall(argv + ["-j", "2"], env, cpu["2"]) for _ in range(max(2, repeat // 2))]
    print(f"small job: one document of {doc.stat().st_size:,} bytes, `cleaner run DOC -o -` "
          f"(wall seconds; CPU seconds with the workers'):")
    for label, runs, key in (("default options", warm, "default"), ("-j 1", one, "1"), ("-j 2", two, "2")):
        print(f"  {label:<16} warm cache   best {min(runs):.3f}   median {statistics.median(runs):.3f}   "
              f"CPU best {min(cpu[key]):.3f}")
    print(f"  --no-cache                    {cold:.3f}")


def rules(bench: Path, top: int = 10) -> None:
    """Time every search the prefilter lets through on the development texts' lines."""
    sys.path.insert(0, str(ROOT))
    from cleaner import Cleaner
    from cleaner.engine.segment import segment

    cleaner = Cleaner()
    ruleset = cleaner.ruleset
    docs = [[b.text for b in segment(p.read_text(encoding="utf-8"))]
            for p in sorted((bench / "trafilatura").glob("*.txt"))]
    lines = sum(map(len, docs))
    t = time.process_time()
    pf = ruleset.prefilter
    masks = [pf.masks(d) if hasattr(pf, "masks") else [pf.mask(t) for t in d] for d in docs]
    prefilter_s = time.process_time() - t
    cost = [0.0] * len(ruleset.rules)
    calls = [0] * len(ruleset.rules)
    hits = [0] * len(ruleset.rules)
    clock = time.perf_counter
    for texts, found in zip(docs, masks):
        for text, mask in zip(texts, found):
            k = 0
            while mask:
                if mask & 1:
                    rule = ruleset.rules[k]
                    t0 = clock()
                    m = rule.compiled.search(text)
                    cost[k] += clock() - t0
                    calls[k] += 1
                    hits[k] += m is not None
                mask >>= 1
                k += 1
    print(f"rules: {len(docs)} texts, {lines:,} lines; prefilter {prefilter_s:.3f} s CPU; "
          f"{sum(calls):,} searches ({sum(calls) / lines:.1f} per line), {sum(hits)} match, "
          f"{sum(cost):.3f} s")
    print(f"  the {top} most expensive rules:")
    print(f"  {'rule':<11} {'seconds':>8} {'share':>6} {'searches':>8} {'µs/search':>9} {'matches':>7}")
    for k in sorted(range(len(cost)), key=lambda k: -cost[k])[:top]:
        print(f"  {ruleset.rules[k].id:<11} {cost[k]:8.3f} {cost[k] / sum(cost):6.1%} {calls[k]:8,} "
              f"{1e6 * cost[k] / max(calls[k], 1):9.1f} {hits[k]:7}")


def make_corpus(bench: Path, path: Path, mb: float, texts_from: list[Path] | None = None) -> tuple[int, int]:
    """The throughput corpus: `bench`'s trafilatura texts repeated with varied ids up to `mb`
    megabytes; with `texts_from` (bench folders), each of their trafilatura texts once,
    none repeated (`mb` is then ignored)."""
    texts = [p.read_text(encoding="utf-8") for b in texts_from or [bench] for p in sorted((b / "trafilatura").glob("*.txt"))]
    size, n = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        for text in texts if texts_from else itertools.cycle(texts):
            if not texts_from and size >= mb * 1e6:
                break
            fh.write(json.dumps({"id": f"doc-{n}", "url": f"https://site{n % 97}.example/{n}", "text": text},
                                ensure_ascii=False) + "\n")
            size += len(text.encode("utf-8"))
            n += 1
    return n, size


def throughput(tmp: Path, bench: Path, mb: float, jobs_list: list[int], engine: str,
               distinct: list[Path] | None = None) -> int:
    corpus = tmp / "corpus.jsonl"
    docs, size = make_corpus(bench, corpus, mb, distinct)
    env = _env(tmp / "cache-run")
    subprocess.run([sys.executable, "-c", "from cleaner import Cleaner; Cleaner()"], env=env, check=True, cwd=tmp)
    kind = "each text once" if distinct else "the texts repeated"
    print(f"throughput: {docs:,} documents, {size / 1e6:.1f} MB of text, {kind} (warm cache)")
    print(f"  {'jobs':>4} {'MB/s':>7} {'docs/s':>8} {'seconds':>8} {'peak RSS MB':>12} {'speed-up':>9} "
          f"{'MB per CPU-s':>13}")
    base = None
    for jobs in jobs_list:
        out = tmp / f"out{jobs}"
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(corpus), str(out), str(jobs), engine],
                              capture_output=True, text=True, env=env, cwd=tmp, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        n, nbytes, dt, rss_kb, failed, cpu = proc.stdout.split()
        rate = int(nbytes) / 1e6 / float(dt)
        base = base or rate
        print(f"  {jobs:>4} {rate:>7.2f} {int(n) / float(dt):>8.1f} {float(dt):>8.1f} "
              f"{int(rss_kb) / 1024:>12.0f} {rate / base:>8.2f}x {int(nbytes) / 1e6 / float(cpu):>13.2f}")
    return 0


def main(argv=None) -> int:
    global ROOT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--mb", type=float, default=18.0, help="megabytes of text in the throughput corpus")
    ap.add_argument("--distinct", type=Path, nargs="+", metavar="BENCH",
                    help="throughput on these benches' trafilatura texts, each once (no text repeated: "
                         "what a cache of repeated lines gains is then only what the texts themselves "
                         "repeat), instead of --bench's texts repeated up to --mb")
    ap.add_argument("--jobs", default="1,2", help="comma-separated -j values to measure")
    ap.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="dask: a LocalCluster with -j worker processes (start-up time not counted)")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}")
    ap.add_argument("--repeat", type=int, default=7, help="runs per start-up and small-job figure")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="the checkout to measure (default: this one), e.g. an older one to compare")
    args = ap.parse_args(argv)
    ROOT = args.root.resolve()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["CLEANER_CACHE_DIR"] = str(tmp / "cache-here")  # this process's own Cleaner
        if "startup" in parts:
            startup(tmp, args.repeat)
        if "small" in parts:
            small(tmp, args.bench, args.repeat)
        if "rules" in parts:
            rules(args.bench)
        if "throughput" in parts:
            return throughput(tmp, args.bench, args.mb, [int(j) for j in args.jobs.split(",")], args.engine,
                              args.distinct)
    return 0


if __name__ == "__main__":
    sys.exit(main())
