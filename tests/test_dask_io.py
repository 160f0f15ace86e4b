"""The Dask engine with workers doing their own I/O: through file:// URLs and through s3://
against a local S3 server (moto's, started here on 127.0.0.1), a worker killed mid-part."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

distributed = pytest.importorskip("distributed", reason="Dask is a test extra: pip install '.[test]'")  # installed in CI

from click.testing import CliRunner  # noqa: E402
from conftest import SEEDS  # noqa: E402

from cleaner.cli.app import main  # noqa: E402
from cleaner.io import parts as io_parts  # noqa: E402
from cleaner.io.formats import Options  # noqa: E402
from cleaner.run import dask as cleaner_dask  # noqa: E402
from cleaner.run import refs, shards  # noqa: E402
from cleaner.run.plan import Plan, run  # noqa: E402

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _inputs(folder, n=120):
    folder.mkdir()
    with (folder / "crawl.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": i, "url": f"https://s{i % 7}.example/{i}", "text": SEED_TEXTS[i % 3]}) + "\n")
        fh.write("{broken\n")
    for p in sorted(SEEDS.glob("*.txt")):
        (folder / p.name).write_bytes(p.read_bytes())
    return folder


def _local(tmp_path, src):
    """The reference: a local run in one process, not in parts."""
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "local"), "-j", "1",
                                    "--report", str(tmp_path / "local.jsonl")])
    assert res.exit_code == 1  # the broken line
    return {p.name: p.read_bytes() for p in (tmp_path / "local").iterdir()}


def _driver_must_not(monkeypatch):
    """Make reading an input or writing a part fail in this (the driver's) process only."""
    def forbidden(*args, **kw):
        raise AssertionError("the driver read an input or wrote a part")

    monkeypatch.setattr(shards, "open_at", forbidden)
    monkeypatch.setattr(refs, "open_at", forbidden)
    monkeypatch.setattr(io_parts.PartStore, "writer", forbidden)
    monkeypatch.setattr(io_parts.PartStore, "commit", forbidden)


def test_workers_read_and_write_through_file_urls(tmp_path, client, monkeypatch):
    src = _inputs(tmp_path / "in")
    want = _local(tmp_path, f"file://{src}")  # the same names in the report
    _driver_must_not(monkeypatch)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", f"file://{src}", "-o", f"file://{out}", "--engine", "dask",
                                    "--scheduler", client.scheduler.address, "--part-size", "40k",
                                    "--report", str(tmp_path / "dask.jsonl")])
    assert res.exit_code == 1, res.output
    assert "crawl.jsonl:121: malformed JSON" in res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == want  # no parts folder left either
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    pytest.importorskip("s3fs", reason="s3fs is a test extra")  # installed in CI with .[test]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the local S3 server did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_s3_through_a_local_server_matches_the_local_run(tmp_path, client, s3_server, monkeypatch):
    import s3fs

    src = _inputs(tmp_path / "in")
    want = _local(tmp_path, src)
    options = {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": s3_server, "region_name": "us-east-1"}}
    boto3 = pytest.importorskip("boto3", reason="installed with moto, a test extra")
    boto3.client("s3", endpoint_url=s3_server, aws_access_key_id="testing", aws_secret_access_key="testing",
                 region_name="us-east-1").create_bucket(Bucket="crawl")
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **options)
    fs.put(f"{src}/", "crawl/in/", recursive=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cleaner.toml").write_text(
        '[storage_options]\nkey = "testing"\nsecret = "testing"\n'
        f'[storage_options.client_kwargs]\nendpoint_url = "{s3_server}"\nregion_name = "us-east-1"\n')
    _driver_must_not(monkeypatch)
    args = ["run", "s3://crawl/in", "-o", "s3://crawl/out", "--engine", "dask", "--scheduler", client.scheduler.address,
            "--part-size", "40k"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    fs.invalidate_cache()
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.find("crawl/out")) == sorted(want)  # no parts left
    for name, data in want.items():
        assert fs.cat(f"crawl/out/{name}") == data
    again = CliRunner().invoke(main, [*args, "--resume"])
    assert "Skipped 4 inputs already done" in again.stderr


class _Slow:
    """A cleaner that takes its time over each document, so that a part is half-written
    for a while."""

    def __init__(self, cleaner):
        self.cleaner = cleaner

    def clean(self, *args, **kw):
        time.sleep(0.08)
        return self.cleaner.clean(*args, **kw)


def _slow(cleaner, task):
    return refs.handle(_Slow(cleaner), task)


def _dask_run(client, config, src, out, resume=False, stop_after=None, handler=refs.handle, calls=None):
    def mapper(_, tasks):
        for n, result in enumerate(cleaner_dask.ordered_map(client, config, handler, tasks, 4)):
            if n == stop_after:
                raise KeyboardInterrupt
            yield result

    def call(fn, *args):
        if calls is not None:
            calls.append(fn.__name__)
        return cleaner_dask.caller(client)(fn, *args)

    plan = Plan((src,), out, Options(), config.max_bytes, resume=resume, part_size=15_000, worker_io=True)
    return run(config, plan, 2, io.StringIO(), None, mapper=mapper, call=call)


def test_a_worker_killed_in_the_middle_of_a_part_changes_nothing(tmp_path, client, cleaner):
    src = _inputs(tmp_path / "in", 90) / "crawl.jsonl"
    config = cleaner.config
    whole = run(config, Plan((src,), tmp_path / "local", Options(), config.max_bytes), 1, io.StringIO(), None,
                cleaner=cleaner)
    victim = sorted(client.run(os.getpid).values())[0]
    threading.Timer(2.0, os.kill, (victim, signal.SIGKILL)).start()
    stats = _dask_run(client, config, src, tmp_path / "dask", handler=_slow)
    assert victim not in client.run(os.getpid).values()  # it was killed during the run
    assert (tmp_path / "dask" / "crawl.jsonl").read_bytes() == (tmp_path / "local" / "crawl.jsonl").read_bytes()
    assert (stats.documents, stats.failures) == (whole.documents, whole.failures)
    assert [p.name for p in (tmp_path / "dask").iterdir()] == ["crawl.jsonl"]
    client.wait_for_workers(2, timeout=60)


def _idle(client, timeout: float = 60.0) -> None:
    """Wait until no worker holds a task: the parts an interrupted run had sent on are
    finished (a running task runs to its end after its future is released) or dropped."""
    deadline = time.monotonic() + timeout
    while any(client.run(lambda dask_worker: len(dask_worker.state.tasks)).values()):
        assert time.monotonic() < deadline, "the workers are still busy"
        time.sleep(0.05)


def test_an_interrupted_dask_run_resumes_from_its_parts_without_scanning_again(tmp_path, client, cleaner):
    src = _inputs(tmp_path / "in", 90) / "crawl.jsonl"
    config = cleaner.config
    run(config, Plan((src,), tmp_path / "local", Options(), config.max_bytes), 1, io.StringIO(), None, cleaner=cleaner)
    calls: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        _dask_run(client, config, src, tmp_path / "dask", stop_after=6, calls=calls)
    _idle(client)  # (else a part still being finished is done after the count, before the resume)
    done = len(list((tmp_path / "dask" / ".crawl.jsonl.parts").glob("*.done")))
    assert calls == ["scan"] and done >= 6
    calls.clear()
    stats = _dask_run(client, config, src, tmp_path / "dask", resume=True, calls=calls)
    assert calls == ["commit_parts"] and stats.parts_resumed == done
    assert (tmp_path / "dask" / "crawl.jsonl").read_bytes() == (tmp_path / "local" / "crawl.jsonl").read_bytes()
