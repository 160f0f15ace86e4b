"""How much a killed run loses: a run over a JSONL corpus is killed (SIGKILL to its whole
process group, workers too) once 70% of the way through, then run again with --resume.

The corpus repeats the development benchmark's trafilatura texts (as benchmarks/speed.py
does). Reported: the time of an uninterrupted run and of the resumed run, as wall time and
as CPU time (of the main process and its workers: on a shared machine the CPU time is the
steadier measure of work), and the resumed run as a share of the full one; the resumed
output is checked byte for byte against the uninterrupted one. "70%" is measured two ways:
70% of the parts done, and 70% of the full run's CPU time spent (start-up included).

Usage, from the repository root:
    python benchmarks/resume.py                       # 20 MB, -j 2, parts of 1 MB
    python benchmarks/resume.py --mb 20 --jobs 2 --part-size 1M --repeat 3
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import DEFAULT_BENCH, make_corpus  # noqa: E402

import psutil  # noqa: E402

from cleaner.io.lines import part_starts  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a running process and its children."""
    try:
        root = psutil.Process(pid)
        return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])
    except psutil.Error:
        return 0.0


def cleaner_run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cleaner", "run", *args, "-q"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"cleaner run failed ({proc.returncode}):\n{err}")


def timed(*args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one complete `cleaner run`."""
    cpu, start = children_cpu(), time.perf_counter()
    finish(cleaner_run(*args))
    return time.perf_counter() - start, children_cpu() - cpu


def killed_then_resumed(args: list[str], parts: Path, kill_when) -> tuple[float, float, float, int]:
    """CPU seconds until the kill, wall and CPU seconds of the resumed run, parts done at
    the kill."""
    proc = cleaner_run(*args)
    cpu = 0.0
    while proc.poll() is None and not kill_when(cpu):
        time.sleep(0.02)
        cpu = tree_cpu(proc.pid) or cpu
    if proc.poll() is not None:
        raise SystemExit("the run ended before it was killed")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    done = len(list(parts.glob("part-*.done")))
    wall, resumed_cpu = timed(*args, "--resume")
    return cpu, wall, resumed_cpu, done


def parse_size(text: str) -> int:
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:].upper(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--mb", type=float, default=20.0, help="megabytes of text in the corpus")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--part-size", default="1M")
    ap.add_argument("--at", type=float, default=0.7, help="where to kill, as a share of the run")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    part_size = parse_size(args.part_size)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        docs, size = make_corpus(args.bench, corpus, args.mb)
        with corpus.open("rb") as fh:
            total = len(part_starts(fh, part_size)[0])
        print(f"corpus: {docs:,} documents, {size / 1e6:.1f} MB of text, {corpus.stat().st_size / 1e6:.1f} MB "
              f"of JSONL in {total} parts of {args.part_size}; -j {args.jobs}; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'kill at':<16} {'full: wall s':>12} {'cpu s':>6} {'killed at cpu s':>16} {'parts done':>11} "
              f"{'resumed: wall s':>16} {'cpu s':>6} {'resumed/full: wall':>19} {'cpu':>5}")
        for n in range(args.repeat):
            full_out = Path(tmp) / f"full{n}"
            common = ["-j", str(args.jobs), "--part-size", args.part_size]
            full_wall, full_cpu = timed(str(corpus), "-o", str(full_out), *common)
            want = (full_out / corpus.name).read_bytes()
            goal = math.ceil(args.at * total)
            for label, out, when in (
                (f"{args.at:.0%} of the parts", Path(tmp) / f"p{n}", None),
                (f"{args.at:.0%} of the CPU", Path(tmp) / f"t{n}", lambda cpu: cpu >= args.at * full_cpu),
            ):
                parts = out / f".{corpus.name}.parts"
                if when is None:
                    when = (lambda parts: lambda _: len(list(parts.glob("part-*.done"))) >= goal)(parts)
                killed_cpu, wall, cpu, done = killed_then_resumed([str(corpus), "-o", str(out), *common], parts, when)
                same = (out / corpus.name).read_bytes() == want
                left = [p.name for p in out.rglob("*") if p.name != corpus.name]
                print(f"{label:<16} {full_wall:>12.1f} {full_cpu:>6.1f} {killed_cpu:>16.1f} {done:>5}/{total:<5} "
                      f"{wall:>16.1f} {cpu:>6.1f} {wall / full_wall:>19.0%} {cpu / full_cpu:>5.0%}"
                      f"{'' if same else '  OUTPUT DIFFERS'}{'  LEFT: ' + str(left) if left else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
