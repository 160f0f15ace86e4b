"""Tasks that carry references, not records: the worker reads its input and writes its output.

With the Dask engine the driver only plans, tracks and commits. A JSONL input becomes parts
(one part when it is small); a PartTask names the input (a path or fsspec URL) and the byte
range of its part, and the worker reads that range, cleans it, writes the part with its
done-marker beside the output and returns the marker (its counts; never the records).
Where the parts start, and the line number each starts at, comes from one scan of the input
on a worker (`scan`), kept in the parts folder's manifest so that --resume does not scan
again. A text or HTML file becomes a FileOut: the worker reads it and writes its output.
The driver joins the parts through `call` (on a worker too) and copies the report lines
of each part into the run's report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from cleaner.io import remote
from cleaner.io.formats import Options
from cleaner.io.lines import LineReader, is_gzip, open_at, part_starts
from cleaner.io.parts import PartStore, open_bytes
from cleaner.run import shards
from cleaner.run.shards import PartRef
from cleaner.run.tasks import FileTask, JsonlChunk, NoWork, Outcome, handle as handle_records, handle_file, handle_jsonl

#: Records cleaned at once inside a part (as the chunks of a local run).
BATCH = 256
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PartTask:
    """Part `index` of a JSONL input: the lines that start in [start, end) of `source`;
    `first_line` is the line number of the first. `new_stats` makes the counter the
    part's marker keeps (the run's RunStats)."""

    source: str
    name: str  # the input as the user named it, for messages and record keys
    target: str
    fingerprint: str
    index: int
    start: int
    end: int | None
    first_line: int
    options: Options
    max_bytes: int
    new_stats: Callable[[], Any]
    storage: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class FileOut:
    """A text or HTML file cleaned and written to `target` by the worker."""

    file: FileTask
    target: str


@dataclass
class PartDone:
    """What a worker returns for a part: its marker (range and counts)."""

    marker: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    """The driver's target for a FileOut: the worker wrote it already."""

    target: str


def handle_part(cleaner, task: PartTask) -> PartDone:
    options = dict(task.storage)
    store = PartStore(task.target, task.fingerprint, options)
    writer = store.writer(task.index, report=task.options.report)
    stats = task.new_stats()
    line_no = task.first_line
    try:
        with open_at(task.source, task.start, options) as fh:
            reader = LineReader(fh, task.max_bytes, task.start, seekable=not is_gzip(task.source))
            batch: list = []
            for _, line in reader.lines(task.end):
                batch.append(line)
                if len(batch) >= BATCH:
                    line_no = _clean(cleaner, task, writer, stats, batch, line_no)
                    batch = []
            line_no = _clean(cleaner, task, writer, stats, batch, line_no)
        marker = writer.commit(shards.part_info(task, reader.pos, line_no - task.first_line, stats))
    except BaseException:
        writer.abort()
        raise
    return PartDone(marker)


def _clean(cleaner, task: PartTask, writer, stats, batch: list, line_no: int) -> int:
    if batch:
        for outcome in handle_jsonl(cleaner, JsonlChunk(task.name, line_no, tuple(batch), task.options)):
            shards.write_outcome(writer, stats, outcome, task.options.report)
    return line_no + len(batch)


def handle_file_out(cleaner, task: FileOut) -> list[Outcome]:
    outcome = handle_file(cleaner, task.file)
    if outcome.error is None:
        out = open_bytes(task.target, dict(task.file.storage))
        try:
            out.write((outcome.text or "").encode("utf-8"))
        except BaseException:
            out.abort()
            raise
        out.commit()
        outcome.text = None
    return [outcome]


def handle(cleaner, task) -> Any:
    """The one task function workers run, for reference tasks and record tasks alike."""
    if isinstance(task, PartTask):
        return handle_part(cleaner, task)
    if isinstance(task, FileOut):
        return handle_file_out(cleaner, task)
    return handle_records(cleaner, task)


def scan(source: str, part_size: int, storage: tuple = ()) -> tuple[list[int], list[int], int]:
    """Where the parts of an input start, their first line numbers, its size (on a worker)."""
    with open_at(source, 0, dict(storage)) as fh:
        return part_starts(fh, part_size)


def reference_tasks(plan, item, kind: str, target, settings: str, new_stats: Callable[[], Any], call,
                    written: set[str]) -> Iterator[tuple[Any, Any]]:
    """The tasks of one input (`item`, a found InputFile) of a `plan` (a run.plan.Plan) whose
    workers read and write themselves: parts of a JSONL input, or a file to a file."""
    if kind == "jsonl":
        store = PartStore(_absolute(target), shards.fingerprint(item.path, settings, plan.part_size, plan.so), plan.so)
        yield from part_refs(item.path, target, store, plan.options, plan.max_bytes, plan.part_size,
                             plan.resume, new_stats, call, plan.storage_options)
        return
    task = FileTask(str(item.path), item.rel.as_posix(), kind, plan.options, plan.max_bytes, None, plan.storage_options)
    if str(target) in written:  # two inputs with one output: the driver reports the clash
        yield task, target
        return
    written.add(str(target))
    yield FileOut(task, _absolute(target)), Written(str(target))


def _absolute(path) -> str:
    """A local path as workers with another working folder see it; a URL as it is."""
    return str(path) if remote.is_url(path) else str(Path(path).resolve())


def part_refs(source, target, store: PartStore, options: Options, max_bytes: int, part_size: int, resume: bool,
              new_stats: Callable[[], Any], call: Callable[..., Any],
              storage: tuple = ()) -> Iterator[tuple[Any, PartRef]]:
    """(task, PartRef) pairs for one JSONL input whose parts workers read and write."""
    done = store.done() if resume else {}
    manifest = _manifest(store) if resume else None
    if not done and manifest is None:
        store.clear()
    if manifest is None:
        starts, first_lines, size = call(scan, _absolute(source), part_size, storage)
        _save_manifest(store, starts, first_lines, size)
    else:
        starts, first_lines, size = manifest["starts"], manifest["first_lines"], manifest["size"]
    if size == 0:
        return
    for k, (start, first) in enumerate(zip(starts, first_lines)):
        end = starts[k + 1] if k + 1 < len(starts) else None
        marker = done.get(k)
        if marker is not None and marker.get("start") == start:
            yield NoWork(), PartRef(target, store, k, start, first, marker["end"], marker["lines"], marker, tasks=1)
            continue
        task = PartTask(_absolute(source), str(source), str(store.target), store.fingerprint, k, start, end, first,
                        options, max_bytes, new_stats, storage)
        yield task, PartRef(target, store, k, start, first, end, by_worker=True, tasks=1)


def _manifest(store: PartStore) -> dict[str, Any] | None:
    try:
        data = json.loads(store.read(MANIFEST))
    except (OSError, ValueError, FileNotFoundError):
        return None
    return data if isinstance(data, dict) and data.get("fingerprint") == store.fingerprint else None


def _save_manifest(store: PartStore, starts: list[int], first_lines: list[int], size: int) -> None:
    record = {"fingerprint": store.fingerprint, "starts": starts, "first_lines": first_lines, "size": size}
    store.put(MANIFEST, json.dumps(record).encode("utf-8"))
