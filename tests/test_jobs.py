"""The default -j (1 for a small input, every core for a large one or one of unknown size),
and a pool that cleans the first tasks in this process while its workers start."""

from __future__ import annotations

import gzip
import multiprocessing as mp
import os
from pathlib import Path

from click.testing import CliRunner

from cleaner import Config
from cleaner.cli import app
from cleaner.io.formats import Options
from cleaner.run.parallel import TaskFailed, ordered_map
from cleaner.run.plan import SMALL_INPUT_BYTES, STDIN, Plan, default_jobs


def _plan(*inputs) -> Plan:
    return Plan(tuple(inputs), None, Options(), 1 << 30)


def _file(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a" * size)
    return path


def test_a_small_input_gets_one_process(tmp_path):
    doc = _file(tmp_path / "one.txt", 2048)
    assert default_jobs(_plan(doc), 8) == 1
    folder = tmp_path / "many"
    for i in range(20):
        _file(folder / f"{i}.txt", SMALL_INPUT_BYTES // 40)
    assert default_jobs(_plan(folder), 8) == 1  # half the limit in all


def test_a_large_input_gets_every_core(tmp_path):
    assert default_jobs(_plan(_file(tmp_path / "big.jsonl", SMALL_INPUT_BYTES)), 8) == 8
    folder = tmp_path / "many"
    for i in range(40):
        _file(folder / f"{i}.txt", SMALL_INPUT_BYTES // 30)
    assert default_jobs(_plan(folder), 8) == 8  # small files that add up
    assert default_jobs(_plan(_file(tmp_path / "a.txt", 600_000), _file(tmp_path / "b.txt", 600_000)), 2) == 2


def test_a_gzipped_input_counts_for_what_it_unpacks_to(tmp_path):
    packed = tmp_path / "crawl.jsonl.gz"
    packed.write_bytes(gzip.compress(os.urandom(SMALL_INPUT_BYTES // 3)))  # random: does not shrink
    assert default_jobs(_plan(packed), 4) == 4


def test_unknown_sizes_and_one_core(tmp_path):
    assert default_jobs(_plan(STDIN), 4) == 4
    assert default_jobs(_plan("s3://bucket/crawl.jsonl"), 4) == 4
    assert default_jobs(_plan(_file(tmp_path / "big.txt", 2 * SMALL_INPUT_BYTES)), 1) == 1


def test_the_command_line_uses_the_default(tmp_path, monkeypatch):
    chosen = []
    real = app.pipeline_run

    def spy(config, plan, jobs, *args, **kwargs):
        chosen.append(jobs)
        return real(config, plan, jobs, *args, **kwargs)

    monkeypatch.setattr(app, "pipeline_run", spy)
    doc = tmp_path / "doc.txt"
    doc.write_text("The council met on Tuesday to approve the budget for the coming year.\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app.main, ["run", str(doc), "-o", "-"]).exit_code == 0
    assert runner.invoke(app.main, ["run", str(doc), "-o", "-", "-j", "3"]).exit_code == 0
    assert chosen == [1, 3]


def _tag(cleaner, task):
    """A handler that says which process ran it."""
    if task == "boom":
        raise ValueError("boom")
    return task, os.getpid(), cleaner is not None


class _Stub:
    """Stands for the Cleaner this process already has."""


def test_this_process_cleans_while_the_workers_start_and_order_is_kept():
    tasks = [f"t{i}" for i in range(6)] + ["boom", "last"]
    out = list(ordered_map(Config(), _tag, tasks, 2, cleaner=_Stub()))
    assert [o if isinstance(o, TaskFailed) else o[0] for o in out] == tasks[:6] + ["ValueError: boom", "last"]
    assert out[0][1] == os.getpid()  # the first task never waits for a worker
    assert all(o[2] for o in out if not isinstance(o, TaskFailed))
    assert not mp.active_children()  # workers still starting are stopped, not waited for


def test_without_a_cleaner_every_task_goes_to_the_workers():
    out = list(ordered_map(Config(cache=True), _tag, ["a", "b", "c"], 2))
    assert [o[0] for o in out] == ["a", "b", "c"]
    assert all(pid != os.getpid() for _, pid, _ in out)
    assert not mp.active_children()


def test_a_chunk_of_long_records_closes_at_its_byte_bound(tmp_path):
    import io
    import json

    from cleaner.run.plan import CHUNK_BYTES, CHUNK_RECORDS, _jsonl_chunks

    long = [json.dumps({"id": k, "text": "word " * (CHUNK_BYTES // 12)}).encode() + b"\n" for k in range(7)]
    short = [json.dumps({"id": k, "text": "a line"}).encode() + b"\n" for k in range(CHUNK_RECORDS + 3)]
    for records, most in ((long, 3), (short, CHUNK_RECORDS)):
        chunks = list(_jsonl_chunks("in.jsonl", Options(), io.BytesIO(b"".join(records)), 1 << 30))
        assert sum(len(c.lines) for c in chunks) == len(records)  # no record lost or doubled
        assert [c.first for c in chunks] == [1 + sum(len(d.lines) for d in chunks[:i]) for i in range(len(chunks))]
        assert max(len(c.lines) for c in chunks) == most
