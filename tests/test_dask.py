"""The Dask engine on a real LocalCluster (loopback, two worker processes)."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time

import pytest

distributed = pytest.importorskip("distributed", reason="Dask is a test extra: pip install '.[test]'")  # installed in CI

from click.testing import CliRunner  # noqa: E402
from conftest import GOLDEN, SEEDS  # noqa: E402

from cleaner import Cleaner, Config  # noqa: E402
from cleaner.cli.app import main  # noqa: E402
from cleaner.run import dask as cleaner_dask  # noqa: E402
from cleaner.run.plan import handle  # noqa: E402

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _corpus(tmp_path, n=300):
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": i, "url": f"https://s{i % 7}.example/{i}", "text": SEED_TEXTS[i % 3]}) + "\n")
        fh.write("{broken\n")
    return path


def test_dask_engine_output_equals_local_on_seeds_and_jsonl(tmp_path, client):
    addr = client.scheduler.address
    runner = CliRunner()
    src = _corpus(tmp_path)
    for inputs in ([str(SEEDS)], [str(src)]):
        local, remote = tmp_path / "local", tmp_path / "dask"
        a = runner.invoke(main, ["run", *inputs, "-o", str(local), "-j", "1", "--report", str(tmp_path / "a.jsonl")])
        b = runner.invoke(main, ["run", *inputs, "-o", str(remote), "--engine", "dask", "--scheduler", addr,
                                 "--report", str(tmp_path / "b.jsonl")])
        assert a.exit_code == b.exit_code, (a.output, b.output)
        files = sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(remote) for p in remote.rglob("*") if p.is_file())
        for f in files:
            assert (local / f).read_bytes() == (remote / f).read_bytes()
        assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
        assert _summary(a.stderr, local) == _summary(b.stderr, remote)
    assert "corpus.jsonl:301: malformed JSON" in b.stderr


def _summary(stderr: str, out) -> str:
    """The run summary without its timing and output folder."""
    return re.sub(r" in [\d.]+s \([\d.]+ MB/s\)", "", stderr).replace(str(out), "OUT")


def test_the_cleaner_is_built_once_per_worker(client):
    config = Config()
    cleaner_dask.ordered_map(client, config, handle, [], 4)
    from cleaner.io.formats import Options
    from cleaner.run.tasks import FileTask

    tasks = [FileTask(str(p), p.name, "text", Options(), config.max_bytes) for p in sorted(SEEDS.glob("*.txt"))] * 4
    list(cleaner_dask.ordered_map(client, config, handle, tasks, 8))
    built = client.run(lambda dask_worker: len(dask_worker.extensions.get("cleaner", {})))
    assert set(built.values()) <= {1} and sum(built.values()) >= 1


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path, client):
    from cleaner.io.formats import Options
    from cleaner.run.tasks import JsonlChunk

    config = Config()
    lines = tuple(json.dumps({"id": i, "text": SEED_TEXTS[i % 3]}).encode() for i in range(60))
    tasks = [JsonlChunk("mem", 1 + 4 * k, lines[4 * k:4 * k + 4], Options()) for k in range(15)]
    expected = [o.record for outs in (handle(Cleaner(config), t) for t in tasks) for o in outs]
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]

    def kill_soon():
        time.sleep(1.0)
        os.kill(victim, signal.SIGKILL)

    threading.Thread(target=kill_soon, daemon=True).start()
    slow = []
    for n, outs in enumerate(cleaner_dask.ordered_map(client, config, _slow_handle, tasks, 6)):
        slow.extend(o.record for o in outs)
    assert slow == expected
    client.wait_for_workers(2, timeout=60)


def _slow_handle(cleaner, task):
    time.sleep(0.3)
    return handle(cleaner, task)


def test_clean_bag_and_clean_frame(client):
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    golden = [(GOLDEN / p.name).read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    bag = db.from_sequence(SEED_TEXTS * 2, npartitions=3)
    assert cleaner_dask.clean_bag(bag).compute() == golden * 2
    records = db.from_sequence([{"id": i, "text": t} for i, t in enumerate(SEED_TEXTS)], npartitions=2)
    out = cleaner_dask.clean_bag(records).compute()
    assert [r["text"] for r in out] == golden and out[1]["removed_chars"] == 0 and out[0]["removed_chars"] > 0
    ddf = dd.from_pandas(pd.DataFrame({"text": SEED_TEXTS, "n": [1, 2, 3]}), npartitions=2)
    df = cleaner_dask.clean_frame(ddf, "text").compute()
    assert list(df["text_clean"]) == golden and list(df["n"]) == [1, 2, 3]
    assert (df["text_removed_chars"] >= 0).all()


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch, tmp_path):
    def missing(*_):
        raise ImportError(cleaner_dask.INSTALL_HINT)

    monkeypatch.setattr(cleaner_dask, "connect", missing)
    res = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "o"), "--engine", "dask"])
    assert res.exit_code == 2 and "pip install 'cleaner[dask]'" in res.output


def test_fsspec_urls_in_and_out_match_the_local_run(tmp_path, client, monkeypatch):
    import fsspec

    monkeypatch.chdir(tmp_path)  # a config file with storage options for the URLs
    (tmp_path / "cleaner.toml").write_text("[storage_options]\nskip_instance_cache = true\n")
    shown = CliRunner().invoke(main, ["config", "show"])
    assert "storage_options" in shown.stdout and "skip_instance_cache" in shown.stdout

    fs = fsspec.filesystem("memory")
    src = _corpus(tmp_path, 50)
    fs.pipe("/bucket/in/corpus.jsonl", src.read_bytes())
    for p in sorted(SEEDS.glob("*.txt")):
        fs.pipe(f"/bucket/in/seeds/{p.name}", p.read_bytes())
    runner = CliRunner()
    local = runner.invoke(main, ["run", str(src), str(SEEDS), "-o", str(tmp_path / "local"), "-j", "1"])
    res = runner.invoke(main, ["run", "memory://bucket/in", "-o", "memory://bucket/out", "--engine", "dask",
                               "--scheduler", client.scheduler.address])
    assert res.exit_code == local.exit_code == 1  # the one broken JSONL line
    assert fs.cat("/bucket/out/corpus.jsonl") == (tmp_path / "local" / "corpus.jsonl").read_bytes()
    for p in sorted(SEEDS.glob("*.txt")):
        assert fs.cat(f"/bucket/out/seeds/{p.name}") == (GOLDEN / p.name).read_bytes()
    again = runner.invoke(main, ["run", "memory://bucket/in", "-o", "memory://bucket/out", "--resume"])
    assert "Skipped 4 inputs already done" in again.stderr


def test_the_driver_builds_no_cleaner_and_a_worker_reports_a_bad_setup(tmp_path, client, monkeypatch):
    from cleaner.engine import cleaner as engine

    def no_cleaner_here(*args, **kw):
        raise AssertionError("the driver built a Cleaner")

    monkeypatch.setattr(engine.Cleaner, "__init__", no_cleaner_here)  # in this process only
    addr = client.scheduler.address
    res = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "o"), "--engine", "dask",
                                    "--scheduler", addr])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(p.name for p in SEEDS.glob("*.txt"))
    bad = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "bad"), "--engine", "dask",
                                    "--scheduler", addr, "--select", "NOSUCH"])
    assert bad.exit_code == 2 and "unknown rule selector 'NOSUCH'" in bad.output
    assert not (tmp_path / "bad").exists()
