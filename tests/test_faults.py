"""Runs that are killed, orphaned or run out of disk: real processes and signals.

- SIGKILL to a whole run (workers too), several times, then --resume: the same bytes as a
  run that was never interrupted, no temporary file left, finished parts never redone.
- SIGKILL to the main process alone: its workers are gone within 2 s.
- A full disk (a file size limit, and an fsspec filesystem that runs out of space): a clear
  error naming the output, exit status 1, nothing incomplete under an output's name.
"""

from __future__ import annotations

import errno
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from click.testing import CliRunner
from conftest import SEEDS

from cleaner.cli.app import main
from cleaner.io.formats import Options
from cleaner.run.plan import Plan, run

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def corpus(path: Path, mb: float) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        size = n = 0
        while size < mb * 1e6:
            text = SEED_TEXTS[n % 3]
            fh.write(json.dumps({"id": n, "url": f"https://s{n % 5}.example/{n}", "text": text}) + "\n")
            size += len(text)
            n += 1
    return path


def reference(cleaner, src: Path, out: Path, report: Path) -> tuple[bytes, bytes]:
    """The output and report of one uninterrupted run, in this process, not in parts."""
    config = cleaner.config
    run(config, Plan((src,), out, Options(report=True), config.max_bytes), 1, io.StringIO(), report, cleaner=cleaner)
    return (out / src.name).read_bytes(), report.read_bytes()


def start(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cleaner", "run", *args], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def markers(parts: Path) -> int:
    return len(list(parts.glob("part-*.done")))


def test_killed_runs_resume_to_the_same_bytes_redoing_no_finished_part(tmp_path, cleaner):
    src = corpus(tmp_path / "crawl.jsonl", 0.6)
    want, want_report = reference(cleaner, src, tmp_path / "ref", tmp_path / "ref.jsonl")
    out, report = tmp_path / "out", tmp_path / "report.jsonl"
    parts = out / ".crawl.jsonl.parts"
    args = [str(src), "-o", str(out), "-j", "2", "--part-size", "32k", "--report", str(report)]
    rng = random.Random(16)
    done = [0]
    for attempt in range(3):
        proc = start(*args, *(["--resume"] if attempt else []))
        goal = done[-1] + rng.randint(1, 4)  # kill once a random number more parts are done ...
        deadline = time.monotonic() + 300
        while markers(parts) < goal and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))  # ... at a random moment inside the next one
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL, "the run ended before it was killed"
        assert not (out / "crawl.jsonl").exists()
        in_flight = list(parts.glob(".part-*.tmp"))
        assert len(in_flight) <= 3, in_flight  # the one part being written: data, report, marker
        done.append(markers(parts))
        assert done[-1] >= goal  # no finished part was lost
    proc = start(*args, "--resume")
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    assert f"Resumed {done[-1]} parts done earlier" in stderr  # and cleaned only the others
    assert (out / "crawl.jsonl").read_bytes() == want
    assert report.read_bytes() == want_report
    assert [p.name for p in out.rglob("*")] == ["crawl.jsonl"]  # no parts, no temporary files
    assert [p.name for p in tmp_path.glob(".*")] == []  # nor the report's
    assert f"cleaned {len(want.splitlines())} documents" in stderr  # finished parts' counts come from their markers


def _ended(p: psutil.Process) -> bool:
    """Gone, or a zombie: ended, and waiting for init (which adopted it) to reap it."""
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_workers_end_within_two_seconds_of_the_main_process(tmp_path):
    src = corpus(tmp_path / "crawl.jsonl", 0.5)
    parts = tmp_path / "out" / ".crawl.jsonl.parts"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(src), "-o", str(tmp_path / "out"), "-j", "2",
                             "--part-size", "32k"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # orphans would hold pipes
    try:
        deadline = time.monotonic() + 300
        while markers(parts) < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the workers are cleaning
        family = psutil.Process(proc.pid).children(recursive=True)
        workers = [p for p in family if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        os.kill(proc.pid, signal.SIGKILL)  # the main process alone
        killed = time.monotonic()
        proc.wait()
        while time.monotonic() < killed + 2.0 and not all(map(_ended, family)):
            time.sleep(0.05)
        alive = [p for p in family if not _ended(p)]
        assert not alive, f"alive {time.monotonic() - killed:.1f}s after the main process: {alive}"
    finally:  # whatever happened, leave no process of this run behind
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _limited(limit: int):
    def setup():  # in the child, before exec: writes past `limit` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return setup


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_output(tmp_path):
    src = corpus(tmp_path / "crawl.jsonl", 0.3)
    for extra in ([], ["--part-size", "32k"]):  # one file; parts, then joining them
        out = tmp_path / ("parts" if extra else "whole")
        proc = start(str(src), "-o", str(out), "-j", "1", *extra, preexec_fn=_limited(120_000))
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 1, stderr
        assert f"cannot write {out / 'crawl.jsonl'}: File too large" in stderr
        assert "Traceback" not in stderr
        assert not (out / "crawl.jsonl").exists()
        assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
        if extra:  # finished parts stay, complete and marked, for --resume
            assert markers(out / ".crawl.jsonl.parts") > 1


def test_a_full_remote_filesystem_is_a_clear_error(tmp_path, monkeypatch):
    import fsspec
    from fsspec.implementations.memory import MemoryFile, MemoryFileSystem

    class FullFile(MemoryFile):
        def write(self, data):
            if self.tell() + len(data) > 50_000:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return super().write(data)

    class FullFS(MemoryFileSystem):
        protocol = "fullmem"
        store: dict = {}
        pseudo_dirs = [""]

        def _open(self, path, mode="rb", **kw):
            if "w" in mode:
                return FullFile(self, self._strip_protocol(path))
            return super()._open(path, mode, **kw)

    fsspec.register_implementation("fullmem", FullFS, clobber=True)
    src = corpus(tmp_path / "crawl.jsonl", 0.2)
    res = CliRunner().invoke(main, ["run", str(src), "-o", "fullmem://bucket/out", "-j", "1"])
    assert res.exit_code == 1, res.output
    assert "cannot write fullmem://bucket/out/crawl.jsonl: No space left on device" in res.stderr
    assert not FullFS().exists("/bucket/out/crawl.jsonl")
