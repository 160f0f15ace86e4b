"""A run: inputs -> tasks -> (parallel, ordered) cleaning -> outputs, with counts.

Outputs mirror the input kind. Into a folder: a text or HTML file becomes `<rel>.txt`, a
JSONL file becomes a JSONL file of the same name; every file is written atomically. To
stdout (`-o -`): JSONL records as they come, or the text of a single text document (several
text documents become JSONL records with `id` and `text`).
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from cleaner.config import Config
from cleaner.io import remote
from cleaner.io.files import (
    AtomicFile,
    find_inputs,
    kind_of_path,
    open_binary,
    read_bytes,
)
from cleaner.io.formats import Options, sniff_kind
from cleaner.io.lines import LineReader, batches
from cleaner.io.parts import PartStore
from cleaner.io.sink import OutputFile, abort_quietly, writing
from cleaner.io.stale import Sweeper, on_disk
from cleaner.run import refs, shards
from cleaner.run.parallel import TaskFailed, ordered_map
from cleaner.run.refs import PartDone, Written, handle
from cleaner.run.shards import PartRef, PartsWriter
from cleaner.run.tasks import FileTask, JsonlChunk, Outcome

#: JSONL records per task sent to a worker, at most...
CHUNK_RECORDS = 256
#: ...and about this many bytes of them at most: a fraction of a second of cleaning, so that
#: the workers are handed work soon after they start and share the end of a run evenly
#: (chunks of 256 long records kept one worker busy for seconds while the other waited).
CHUNK_BYTES = 1 << 17
STDIN = Path("-")
#: Below this many bytes of input one process is done sooner than several: a worker takes
#: about half a second to start, in which one process cleans about a megabyte.
SMALL_INPUT_BYTES = 1_000_000
#: A gzipped input counts as this many times its size.
GZIP_RATIO = 4


@dataclass
class RunStats:
    documents: int = 0
    skipped: int = 0
    parts_resumed: int = 0
    blocks: int = 0
    blocks_removed: int = 0
    blocks_trimmed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    bytes_in: int = 0
    deciders: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        self.notices.extend(o.notes)
        if o.error:
            self.failures.append(o.error)
            return
        c = o.counts
        self.documents += 1
        self.blocks += c.get("blocks", 0)
        self.blocks_removed += c.get("blocks_removed", 0)
        self.blocks_trimmed += c.get("blocks_trimmed", 0)
        self.chars_in += c.get("chars_in", 0)
        self.chars_removed += c.get("chars_removed", 0)
        self.bytes_in += o.bytes_in
        self.deciders.update(o.deciders)

    def summary(self, out: str | None, seconds: float) -> str:
        share = f" ({100 * self.chars_removed / self.chars_in:.1f}%)" if self.chars_in else ""
        rate = f" in {seconds:.1f}s ({self.bytes_in / 1e6 / max(seconds, 1e-9):.2f} MB/s)" if seconds >= 0.05 else ""
        text = (f"cleaned {self.documents} document{'s' * (self.documents != 1)}{rate}: removed "
                f"{self.blocks_removed:,} of {self.blocks:,} blocks and {self.chars_removed:,} of "
                f"{self.chars_in:,} characters{share}, trimmed {self.blocks_trimmed:,} blocks.")
        if self.skipped:
            text += f" Skipped {self.skipped} input{'s' * (self.skipped != 1)} already done (--resume)."
        if self.parts_resumed:
            text += f" Resumed {self.parts_resumed} part{'s' * (self.parts_resumed != 1)} done earlier (--resume)."
        if self.deciders:
            text += " Decided most often by: " + ", ".join(f"{k} ×{v}" for k, v in self.deciders.most_common(6)) + "."
        if out:
            text += f" Output in {out}."
        if self.failures:
            text += f" {len(self.failures)} failed:\n" + "\n".join(f"  {f}" for f in self.failures[:50])
            if len(self.failures) > 50:
                text += f"\n  ... and {len(self.failures) - 50} more (see --report)"
        else:
            text += " No failures."
        return text


@dataclass(frozen=True)
class Plan:
    """What a run reads and where it writes. `output` None means stdout."""

    inputs: tuple[Path, ...]
    output: Path | None
    options: Options
    max_bytes: int
    resume: bool = False
    kind: str | None = None  # forced input kind (--format), else by name / sniffing
    storage_options: tuple[tuple[str, Any], ...] = ()  # fsspec options for URLs
    output_file: bool = False  # `output` names the one output file (of a single input)
    part_size: int = shards.PART_SIZE  # JSONL inputs bigger than this are written in parts
    worker_io: bool = False  # workers read inputs and write outputs themselves (Dask)

    @property
    def so(self) -> dict:
        return dict(self.storage_options)


def default_jobs(plan: Plan, cores: int) -> int:
    """Worker processes when -j is not given: 1 for a small input (its local files add up
    to less than SMALL_INPUT_BYTES), else every core. Standard input and URLs are of unknown
    size: every core (the first tasks are cleaned while the workers start)."""
    if cores <= 1 or any(p == STDIN or remote.is_url(p) for p in plan.inputs):
        return max(cores, 1)
    total = 0
    for item in find_inputs(list(plan.inputs), plan.output, plan.so):
        try:
            size = Path(item.path).stat().st_size
        except OSError:
            continue  # reported when it is read
        total += size * (GZIP_RATIO if str(item.path).lower().endswith(".gz") else 1)
        if total >= SMALL_INPUT_BYTES:
            return cores
    return 1


def _target(plan: Plan, rel: Path, kind: str):
    """Where one input's output goes: a Path, or a URL string when the output is one."""
    assert plan.output is not None
    if kind != "jsonl":
        name = rel.name
        if name.lower().endswith(".gz"):
            name = name[:-3]
        stem = Path(name).stem if kind_of_path(Path(name)) else name
        rel = rel.with_name(stem + ".txt")
    if remote.is_url(plan.output):
        return str(plan.output).rstrip("/") + "/" + rel.as_posix()
    return plan.output / rel


def _exists(target, options: dict) -> bool:
    return remote.exists(target, options) if remote.is_url(target) else target.exists()


def _stdin_reader():
    return sys.stdin.buffer


def tasks(plan: Plan, stats: RunStats, stdin: Callable[[], IO[bytes]] = _stdin_reader,
          sweeper: Sweeper | None = None, settings: str = "", call=None) -> Iterator[tuple[Any, Any]]:
    """(task, target) pairs in input order; target is None for stdout, a PartRef for a
    part of a big JSONL input. `sweeper` removes stale temporary files from the folders
    written to; `settings` (the Config and Options) goes into the parts' fingerprints;
    with plan.worker_io, `call(fn, *args)` runs a function on a worker (a scan)."""
    written: set[str] = set()
    for item in find_inputs(list(plan.inputs), plan.output, plan.so):
        if item.path == STDIN:
            yield from _stdin_tasks(plan, stdin())
            continue
        kind = plan.kind or kind_of_path(item.path) or "text"
        target = plan.output if plan.output_file else _target(plan, item.rel, kind) if plan.output else None
        if sweeper is not None and on_disk(target):
            sweeper.folder(on_disk(target).parent)
        if target is not None and plan.resume and _exists(target, plan.so):
            stats.skipped += 1
            if kind == "jsonl":
                shards.forget(target, plan.so)
            continue
        if plan.worker_io and target is not None:
            yield from refs.reference_tasks(plan, item, kind, target, settings, RunStats, call, written)
        elif kind == "jsonl" and target is not None and shards.wanted(item.path, plan.part_size, plan.so):
            store = PartStore(target, shards.fingerprint(item.path, settings, plan.part_size, plan.so), plan.so)
            if sweeper is not None and on_disk(target):
                sweeper.folder(on_disk(store.folder))
            yield from shards.part_tasks(item.path, target, store, plan.options, plan.max_bytes, plan.part_size,
                                         plan.resume, CHUNK_RECORDS, CHUNK_BYTES, plan.so)
        elif kind == "jsonl":
            yield from ((chunk, target) for chunk in _jsonl_chunks(str(item.path), plan.options,
                                                                   open_binary(item.path, plan.so), plan.max_bytes))
        else:  # the driver reads a URL (workers may hold no credentials); workers read local files
            data = read_bytes(item.path, plan.max_bytes, plan.so) if remote.is_url(item.path) else None
            yield FileTask(str(item.path), item.rel.as_posix(), kind, plan.options, plan.max_bytes, data), target


def _jsonl_chunks(name: str, options: Options, fh: IO[bytes], max_bytes: int) -> Iterator[JsonlChunk]:
    with fh:
        first = 1
        for lines in batches(LineReader(fh, max_bytes).lines(), CHUNK_RECORDS, CHUNK_BYTES):
            yield JsonlChunk(name, first, tuple(lines), options)
            first += len(lines)


def _stdin_tasks(plan: Plan, fh) -> Iterator[tuple[Any, Path | None]]:
    if not hasattr(fh, "peek"):
        fh = io.BufferedReader(fh)
    head = fh.peek(4096)[:4096]
    kind = plan.kind or sniff_kind(head)
    named = kind_of_path(plan.output) if plan.output_file else None
    if named and not plan.kind and (kind == "jsonl") != (named == "jsonl"):
        raise ValueError(f"standard input looks like {'JSONL' if kind == 'jsonl' else kind}, but -o {plan.output} "
                         f"names a {'JSONL' if named == 'jsonl' else 'text'} file: write -o NAME"
                         f"{'.jsonl' if kind == 'jsonl' else '.txt'}, or say what it is with --format")
    target = plan.output if plan.output_file else None
    if plan.output is not None and not plan.output_file:
        target = _target(plan, Path("stdin.jsonl" if kind == "jsonl" else "stdin.txt"), kind)
    if kind == "jsonl":
        yield from ((c, target) for c in _jsonl_chunks("<stdin>", plan.options, fh, plan.max_bytes))
    else:
        data = fh.read(plan.max_bytes + 1)
        if len(data) > plan.max_bytes:
            raise ValueError(f"standard input is over the limit of {plan.max_bytes:,} bytes")
        yield FileTask("<stdin>", "stdin", kind, plan.options, plan.max_bytes, data), target



def _open_output(target, options: dict) -> OutputFile:
    return remote.RemoteFile(target, options) if remote.is_url(target) else AtomicFile(target)


class Writer:
    """Writes outcomes where the plan says, in order, committing each file when complete."""

    def __init__(self, plan: Plan, stdout: IO[str], report: AtomicFile | None, single_text: bool,
                 parts: PartsWriter | None = None):
        self.plan, self.stdout, self.report, self.single_text = plan, stdout, report, single_text
        self.open_jsonl: tuple[Path, OutputFile] | None = None
        self.seen: dict[Path, str] = {}
        self.parts = parts

    def reached(self, target) -> None:
        """The next result is for `target`: finish what belongs to others (parts)."""
        if self.parts is None:
            return
        if isinstance(target, PartRef):
            self._finish_jsonl()
            self.parts.reached(target)
        else:
            self.parts.finish()

    def _report(self, record: dict) -> None:
        if self.report is not None:
            with writing(self.report.path):
                self.report.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _finish_jsonl(self) -> None:
        if self.open_jsonl:
            target, out = self.open_jsonl
            self.open_jsonl = None
            with writing(target):
                out.commit()

    def write(self, outcome: Outcome, target: Path | None) -> str | None:
        """Write one outcome; returns why it could not be written (an output clash)."""
        if isinstance(target, PartRef):
            assert self.parts is not None
            self.parts.write(outcome, target)
            return None
        if outcome.report is not None:
            self._report(outcome.report)
        if outcome.error:
            self._report({"id": outcome.key, "error": outcome.error})
            return None
        if isinstance(target, Written):  # by the worker
            return None
        if target is None:  # stdout
            if outcome.record is not None:
                self.stdout.write(outcome.record + "\n")
            elif self.single_text:
                self.stdout.write(outcome.text or "")
            else:
                self.stdout.write(json.dumps({"id": outcome.key, "text": outcome.text}, ensure_ascii=False) + "\n")
            return None
        if outcome.record is not None:
            if not self.open_jsonl or self.open_jsonl[0] != target:
                self._finish_jsonl()
                with writing(target):
                    self.open_jsonl = (target, _open_output(target, self.plan.so))
            try:
                with writing(target):
                    self.open_jsonl[1].write(outcome.record + "\n")
            except BaseException:
                abort_quietly(self.open_jsonl[1])
                self.open_jsonl = None
                raise
            return None
        self._finish_jsonl()
        if target in self.seen:
            return f"{outcome.key}: its output {target} is also the output of {self.seen[target]}; skipped"
        self.seen[target] = outcome.key
        with writing(target), _open_output(target, self.plan.so) as out:
            out.write(outcome.text or "")
        return None

    def close(self, ok: bool) -> None:
        """Commit what is open when the run went well, else remove it."""
        try:
            if self.parts is not None:
                self.parts.finish() if ok else self.parts.abort()
        except BaseException:
            ok = False
            raise
        finally:
            if self.open_jsonl and not ok:
                abort_quietly(self.open_jsonl[1])
                self.open_jsonl = None
            self._finish_jsonl()


def run(config: Config, plan: Plan, jobs: int, stdout: IO[str], report_path: Path | None,
        progress: Callable[[RunStats], None] | None = None, cleaner=None, mapper=None, call=None) -> RunStats:
    """Run the plan and return its counts. Failures of single documents are counted in the
    stats; only a broken setup raises. `mapper(handler, tasks)` replaces the local process
    pool (the Dask engine passes one); `call(fn, *args)` runs one function where the
    workers are (for plan.worker_io: scans and joining parts)."""
    stats = RunStats()
    sweeper = Sweeper(time.time())
    if report_path:
        sweeper.folder(report_path.parent, only=report_path.name)
    report = AtomicFile(report_path) if report_path else None
    single_text = plan.output is None and len(plan.inputs) == 1 and (
        plan.inputs[0] == STDIN or remote.is_url(plan.inputs[0]) or plan.inputs[0].is_file())
    writer = Writer(plan, stdout, report, single_text, PartsWriter(stats, RunStats, report, call))
    targets: deque[Any] = deque()
    settings = repr((config, plan.options, plan.max_bytes))

    def feed():
        for task, target in tasks(plan, stats, sweeper=sweeper, settings=settings, call=call or shards.here):
            targets.append(target)
            yield task

    ok = False
    try:
        results = mapper(handle, feed()) if mapper else ordered_map(config, handle, feed(), jobs, cleaner=cleaner)
        for outcomes in results:
            target = targets.popleft()
            writer.reached(target)
            if isinstance(outcomes, TaskFailed):
                where = f"{target.target} (part {target.index})" if isinstance(target, PartRef) else target
                stats.failures.append(f"{where}: {outcomes}")
                if isinstance(target, PartRef):
                    writer.parts.failed(target, stats.failures[-1])
                outcomes = []
            elif isinstance(outcomes, PartDone):  # a worker wrote the part
                with writing(target.target):
                    writer.parts.written(target, outcomes.marker)
                outcomes = []
            for o in outcomes:
                clash = writer.write(o, target)
                if clash:
                    o.error = clash
                stats.add(o)
            if isinstance(target, PartRef):
                writer.parts.settled(target)  # a part is committed as soon as its last task is in
            if progress:
                progress(stats)
        ok = True
    finally:
        try:
            writer.close(ok)
        except BaseException:
            ok = False
            raise
        finally:
            if report is not None:
                abort_quietly(report) if not ok else _commit(report)
    return stats


def _commit(report: AtomicFile) -> None:
    with writing(report.path):
        report.commit()

