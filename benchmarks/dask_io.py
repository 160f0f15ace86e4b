"""The Dask engine with workers doing the I/O: a LocalCluster run over a .jsonl.gz corpus
through file:// URLs (and, with --s3, through a local S3 server: moto's, started here).

`cleaner run URL -o URL --engine dask` runs in a fresh process (the driver; a LocalCluster's
scheduler runs inside it, its workers in processes of their own). In that process reading
an input and writing a part are made to fail, so a finished run shows that the workers did
all of it. Reported: the time, MB/s of uncompressed JSONL, and the driver's peak RSS.

Usage, from the repository root:
    python benchmarks/dask_io.py --mb 200                 # 200 MB of .jsonl.gz
    python benchmarks/dask_io.py --mb 20 --s3             # also through a local S3 server
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "scrapinghub"

RUNNER = """
import sys, time
def peak_kb():  # this process's own peak (ru_maxrss would start from the parent's, across exec)
    with open("/proc/self/status") as fh:
        return int(next(line for line in fh if line.startswith("VmHWM:")).split()[1])
from cleaner.io import parts
from cleaner.run import refs, shards
def forbidden(*args, **kw):
    raise AssertionError("the driver read an input or wrote a part")
shards.open_at = refs.open_at = parts.PartStore.writer = parts.PartStore.commit = forbidden
from cleaner.cli import main
t = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(code, time.perf_counter() - t, peak_kb(), file=sys.stderr)
"""


def make_corpus(bench: Path, path: Path, mb: float) -> tuple[int, int]:
    """A .jsonl.gz of about `mb` MB on disk; returns (documents, uncompressed bytes)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((bench / "trafilatura").glob("*.txt"))]
    n = size = 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as fh:
        while raw.tell() < mb * 1e6:
            line = (json.dumps({"id": f"doc-{n}", "url": f"https://site{n % 97}.example/{n}",
                                "text": texts[n % len(texts)]}, ensure_ascii=False) + "\n").encode("utf-8")
            fh.write(line)
            size += len(line)
            n += 1
    return n, size


def driver(args: list[str], cwd: str) -> tuple[str, float, float, str]:
    proc = subprocess.run([sys.executable, "-c", RUNNER, "run", *args], capture_output=True, text=True, cwd=cwd)
    code, dt, rss_kb = proc.stderr.strip().splitlines()[-1].split()
    return code, float(dt), int(rss_kb) / 1024, proc.stderr


def s3_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the local S3 server did not start")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--mb", type=float, default=200.0, help="megabytes of .jsonl.gz on disk")
    ap.add_argument("--jobs", type=int, default=2, help="LocalCluster workers")
    ap.add_argument("--part-size", default="16M")
    ap.add_argument("--s3", action="store_true", help="also through a local S3 server (moto)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "in" / "corpus.jsonl.gz"
        corpus.parent.mkdir()
        docs, size = make_corpus(args.bench, corpus, args.mb)
        print(f"corpus: {docs:,} documents, {corpus.stat().st_size / 1e6:.0f} MB of .jsonl.gz, {size / 1e6:.0f} MB "
              f"of JSONL; {args.jobs} workers; parts of {args.part_size}; load average {os.getloadavg()[0]:.1f}")
        common = ["--engine", "dask", "-j", str(args.jobs), "--part-size", args.part_size, "-q"]
        runs = [("file://", [f"file://{corpus}", "-o", f"file://{tmp}/out"], None)]
        server = None
        if args.s3:
            import boto3
            import s3fs

            server, url = s3_server()
            options = {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": url, "region_name": "us-east-1"}}
            boto3.client("s3", endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing",
                         region_name="us-east-1").create_bucket(Bucket="bench")
            s3fs.S3FileSystem(**options).put(str(corpus), "bench/in/corpus.jsonl.gz")
            (Path(tmp) / "cleaner.toml").write_text(
                f'[storage_options]\nkey = "testing"\nsecret = "testing"\n'
                f'[storage_options.client_kwargs]\nendpoint_url = "{url}"\nregion_name = "us-east-1"\n')
            runs.append(("s3:// (moto)", ["s3://bench/in/corpus.jsonl.gz", "-o", "s3://bench/out"], None))
        print(f"{'through':<14} {'exit':>4} {'seconds':>8} {'MB/s':>6} {'driver peak RSS MB':>19}")
        try:
            for label, io_args, _ in runs:
                code, dt, rss, err = driver([*io_args, *common], tmp)
                print(f"{label:<14} {code:>4} {dt:>8.1f} {size / 1e6 / dt:>6.2f} {rss:>19.0f}")
                if code not in ("0", "None"):
                    print(err[-3000:], file=sys.stderr)
        finally:
            if server is not None:
                server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
