"""Big JSONL inputs in parts: where they are cut, resuming from finished parts, stale
temporary files, and records over the size limit."""

from __future__ import annotations

import gzip
import io
import json
import os
import time
from pathlib import Path

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.io.files import AtomicFile
from cleaner.io.formats import Options
from cleaner.io.lines import LineReader, Oversize, batches, next_cut, part_starts
from cleaner.io.stale import sweep
from cleaner.run.plan import Plan, run

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


# -- where parts are cut ----------------------------------------------------------------------

def _naive_cut(data: bytes, part_size: int) -> tuple[list[int], list[int]]:
    """A line starts a part when its offset is in a later multiple of part_size than the
    part before's first line."""
    starts, first_lines, offset = [0], [1], 0
    for n, line in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n"), start=1):
        if offset // part_size > starts[-1] // part_size:
            starts.append(offset)
            first_lines.append(n)
        offset += len(line) + 1
    return starts, first_lines


lines_st = st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"x")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(lines_st, st.booleans(), st.integers(1, 60), st.integers(1, 50), st.integers(0, 20))
def test_parts_are_cut_at_line_starts_the_same_way_from_a_scan_or_a_read(lines, final_nl, part_size, block, limit):
    data = b"\n".join(lines) + (b"\n" if final_nl and lines else b"")
    starts, first_lines, size = part_starts(io.BytesIO(data), part_size, block)
    assert size == len(data)
    if data:
        assert (starts, first_lines) == _naive_cut(data, part_size)
    # reading part by part (lines up to the next cut) gives the same parts, whole lines,
    # and lines over the limit as Oversize with their size
    reader = LineReader(io.BytesIO(data), limit, block=block)
    got = []
    while not reader.at_end():
        got.append([(o, x) for o, x in reader.lines(next_cut(reader.pos, part_size))])
    assert [part[0][0] for part in got] == (starts if data else [])
    flat = [x for part in got for x in part]
    offset = 0
    for (o, x), line in zip(flat, data.split(b"\n")):
        assert o == offset
        assert x == (Oversize(len(line), limit) if len(line) > limit else data[o:o + len(line) + 1])
        offset += len(line) + 1
    assert len(flat) == len(data.split(b"\n")) - (1 if data.endswith(b"\n") or not data else 0)


@settings(max_examples=300, deadline=None)
@given(lines_st, st.integers(1, 5), st.integers(1, 80), st.integers(0, 20))
def test_batches_close_at_their_record_or_byte_bound_and_keep_every_line(lines, records, size, limit):
    data = b"".join(line + b"\n" for line in lines)
    read = [x for _, x in LineReader(io.BytesIO(data), limit).lines()]
    out = list(batches(LineReader(io.BytesIO(data), limit).lines(), records, size))
    assert [x for batch in out for x in batch] == read  # none lost, doubled or moved
    weight = [sum(len(x) for x in batch if isinstance(x, bytes)) for batch in out]
    for batch, held in zip(out, weight):
        assert 0 < len(batch) <= records
        last = batch[-1]
        before = held - (len(last) if isinstance(last, bytes) else 0)
        assert before < size  # it closed at the first line that reached the bound, not later
    for batch, held in zip(out[:-1], weight):  # only the last batch closes short of both bounds
        assert len(batch) == records or held >= size


def test_advance_skips_a_finished_part_in_a_stream_that_cannot_seek():
    data = b"".join(b"line %d\n" % i for i in range(1000))
    starts, _, size = part_starts(io.BytesIO(data), 500)
    reader = LineReader(gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(data))), 100, block=64)
    reader.advance(starts[3])
    first = next(reader.lines())
    assert first == (starts[3], data[starts[3]:data.index(b"\n", starts[3]) + 1])


# -- runs in parts ----------------------------------------------------------------------------

def _corpus(path: Path, n: int, gz: bool = False) -> Path:
    data = "".join(json.dumps({"id": i, "text": SEED_TEXTS[i % 3]}) + "\n" for i in range(n))
    data += "{broken\n"
    path.write_bytes(gzip.compress(data.encode()) if gz else data.encode())
    return path


def _run(cleaner, src: Path, out: Path, part_size: int | None = None, resume: bool = False,
         report: Path | None = None, stop_after: int | None = None):
    """A run in this process; `stop_after` results, it is interrupted (KeyboardInterrupt)."""
    def mapper(handler, tasks):
        for n, task in enumerate(tasks):
            if stop_after is not None and n == stop_after:
                raise KeyboardInterrupt
            yield handler(cleaner, task)

    plan = Plan((src,), out, Options(report=report is not None), cleaner.config.max_bytes, resume=resume)
    if part_size:
        plan = Plan(plan.inputs, out, plan.options, plan.max_bytes, resume=resume, part_size=part_size)
    return run(cleaner.config, plan, 1, io.StringIO(), report, cleaner=cleaner, mapper=mapper)


@pytest.mark.parametrize("gz", [False, True])
def test_an_interrupted_run_resumes_from_its_finished_parts(tmp_path, cleaner, gz):
    name = "crawl.jsonl.gz" if gz else "crawl.jsonl"
    src = _corpus(tmp_path / name, 60, gz)
    whole = _run(cleaner, src, tmp_path / "whole", report=tmp_path / "whole.jsonl")
    want = (tmp_path / "whole" / name).read_bytes()
    out, parts = tmp_path / "out", tmp_path / "out" / f".{name}.parts"
    part_size = src.stat().st_size // 12  # parts are cut when the size on disk is over one part
    with pytest.raises(KeyboardInterrupt):
        _run(cleaner, src, out, part_size=part_size, report=tmp_path / "r.jsonl", stop_after=5)
    done = sorted(p.name for p in parts.glob("*.done"))
    assert len(done) == 5 and not (out / name).exists()  # each part (one task here) done as soon as it is in
    assert not list(parts.glob(".*.tmp"))  # the part being written was removed
    stats = _run(cleaner, src, out, part_size=part_size, resume=True, report=tmp_path / "r.jsonl")
    assert stats.parts_resumed == len(done)
    got = (out / name).read_bytes()
    if gz:  # each part its own gzip member, without a time stamp: the same bytes every time
        assert gzip.decompress(got) == gzip.decompress(want)
        again = _run(cleaner, src, tmp_path / "again", part_size=part_size)
        assert (tmp_path / "again" / name).read_bytes() == got and again.documents == 60
    else:
        assert got == want
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    assert (stats.documents, stats.chars_removed, stats.failures) == (whole.documents, whole.chars_removed, whole.failures)
    assert [p.name for p in out.iterdir()] == [name]


def test_parts_of_another_input_are_not_reused(tmp_path, cleaner):
    src = _corpus(tmp_path / "crawl.jsonl", 40)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        _run(cleaner, src, out, part_size=20_000, stop_after=4)
    assert list((out / ".crawl.jsonl.parts").glob("*.done"))
    _corpus(src, 41)  # the input changed: its old parts do not count
    stats = _run(cleaner, src, out, part_size=20_000, resume=True)
    assert stats.parts_resumed == 0 and stats.documents == 41
    _run(cleaner, src, tmp_path / "whole")
    assert (out / "crawl.jsonl").read_bytes() == (tmp_path / "whole" / "crawl.jsonl").read_bytes()


def test_resume_removes_the_parts_left_beside_a_finished_output(tmp_path, cleaner):
    src = _corpus(tmp_path / "crawl.jsonl", 10)
    out = tmp_path / "out"
    _run(cleaner, src, out, part_size=5_000)
    leftover = out / ".crawl.jsonl.parts"  # as if killed between the join and the clean-up
    leftover.mkdir()
    (leftover / "part-00000.done").write_text("{}")
    stats = _run(cleaner, src, out, part_size=5_000, resume=True)
    assert stats.skipped == 1 and not leftover.exists()


# -- stale temporary files --------------------------------------------------------------------

def test_the_next_run_removes_only_its_own_stale_temporary_files(tmp_path, cleaner):
    src = _corpus(tmp_path / "crawl.jsonl", 3)
    out = tmp_path / "out"
    out.mkdir()
    abandoned = AtomicFile(out / "crawl.jsonl")  # a killed run's file, never committed
    kept = {
        ".notes.md.abcd1234.tmp": "not a kind of file cleaner writes",
        ".crawl.jsonl.abc.tmp": "not cleaner's random part",
        "crawl.jsonl.abcd1234.tmp": "not hidden",
        ".other.txt.abcd1234.tmp.bak": "another suffix",
    }
    for name in kept:
        (out / name).write_text("x")
    fresh = out / ".crawl.jsonl.zzzz9999.tmp"  # written after the run started: in use
    fresh.write_text("x")
    old = time.time() - 60
    for p in out.iterdir():
        os.utime(p, (old, old))
    os.utime(fresh, (time.time() + 30, time.time() + 30))
    _run(cleaner, src, out)
    left = sorted(p.name for p in out.iterdir())
    assert Path(abandoned.tmp).name not in left
    assert left == sorted([*kept, fresh.name, "crawl.jsonl"])
    assert sweep(out, time.time() + 60) == [fresh]  # the same rule, once it is old enough


# -- records over the size limit --------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    """A cleaner whose documents may hold at most 4,000 bytes."""
    from cleaner import Cleaner, Config

    return Cleaner(Config(max_bytes=4_000))


@pytest.mark.parametrize("part_size", [None, 3_000])
def test_a_record_over_max_bytes_is_reported_and_skipped_never_half_written(tmp_path, small, part_size):
    records = [{"id": i, "text": SEED_TEXTS[1][:1500] if i != 3 else "word " * 2_000} for i in range(8)]
    src = tmp_path / "crawl.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    stats = _run(small, src, tmp_path / "out", part_size=part_size)
    size = len(json.dumps(records[3]))
    assert stats.failures == [f"{src}:4: record of {size:,} bytes is over the limit of 4,000 (max_bytes), skipped"]
    got = [json.loads(line) for line in (tmp_path / "out" / "crawl.jsonl").read_text().splitlines()]
    assert [r["id"] for r in got] == [0, 1, 2, 4, 5, 6, 7]
    assert got[0]["text"] == small.clean(records[0]["text"]).text


def test_part_size_takes_sizes_and_says_what_a_size_is(tmp_path):
    from click.testing import CliRunner

    from cleaner.cli.app import _size, main

    assert [_size(None, None, v) for v in ("1000", "500k", "64M", "1G", "1.5M", "2MB")] == \
        [1000, 500 << 10, 64 << 20, 1 << 30, 3 << 19, 2 << 20]
    res = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "o"), "--part-size", "12x"])
    assert res.exit_code == 2 and "'12x' is not a size (examples: 64M, 1G, 500k)" in res.output


def test_a_text_file_over_max_bytes_is_reported_and_not_written(tmp_path, small):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED_TEXTS[1][:1500], encoding="utf-8")
    (folder / "big.txt").write_text("word " * 1_000, encoding="utf-8")
    (folder / "big2.txt.gz").write_bytes(gzip.compress(("word " * 1_000).encode()))  # small on disk
    stats = _run(small, folder, tmp_path / "out")
    assert sorted(stats.failures) == [
        f"{folder / 'big.txt'}: 5,000 bytes is over the limit of 4,000, skipped",
        f"{folder / 'big2.txt.gz'}: 5,000 bytes uncompressed is over the limit of 4,000, skipped"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.txt"]
