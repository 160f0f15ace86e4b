"""Big JSONL inputs in parts: cut, cleaned, written and resumed part by part.

A JSONL input larger than the plan's `part_size` (its size on disk) is cut into parts at
line starts (cleaner.io.lines). Its records go to the workers in chunks, as for any JSONL
input, but the outcomes of each part go to a part file of their own (cleaner.io.parts),
committed with its done-marker as soon as the part is complete. With --resume, the parts
that are done are read past, not cleaned again, and their counts and report lines come
from their markers. When the input's last part is done, the parts are joined, in order,
into the output file, which appears atomically.

The driver holds at most the chunks in flight; a killed run loses the parts that were
being written, and the next run removes their temporary files.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from cleaner.io import remote
from cleaner.io.formats import Options
from cleaner.io.lines import LineReader, batches, is_gzip, next_cut, open_at
from cleaner.io.parts import PartStore, PartWriter
from cleaner.io.sink import writing
from cleaner.run.tasks import JsonlChunk, NoWork, Outcome

#: Inputs larger than this many bytes are cut into parts of about this size, by default:
#: a killed run loses about one part per process; each part costs a few files and an fsync.
PART_SIZE = 16 * 1024 * 1024
#: Bumped when the parts' format changes, so old parts are not taken for new ones.
FORMAT = 1
#: Characters of a part's report copied into the run's report at once.
COPY_CHARS = 1 << 20
#: The counters of a run's stats that a part's marker keeps.
COUNTERS = ("documents", "blocks", "blocks_removed", "blocks_trimmed", "chars_in", "chars_removed", "bytes_in")


@dataclass(eq=False)
class PartRef:
    """Where the outcomes of one part go. `end` and `lines` are set once the driver has
    read the whole part; `marker` is set for a part an earlier run finished."""

    target: Path | str
    store: PartStore
    index: int
    start: int
    first_line: int
    end: int | None = None
    lines: int = 0
    marker: dict[str, Any] | None = None
    by_worker: bool = False  # a worker writes the part and returns its marker
    tasks: int | None = None  # how many tasks the part is sent as, known by its last


def input_size(path: Path | str, options: dict | None = None) -> int:
    if remote.is_url(path):
        fs, p = remote.filesystem(str(path), options)
        return int(fs.size(p))
    return Path(path).stat().st_size


def wanted(path: Path | str, part_size: int, options: dict | None = None) -> bool:
    """Whether an input is big enough to be cut into parts."""
    try:
        return input_size(path, options) > part_size
    except (OSError, ValueError):
        return False  # reading it will report the problem


def fingerprint(path: Path | str, settings: str, part_size: int, options: dict | None = None) -> str:
    """What a part's marker must match to be reused: the input (where, how big, when
    changed), the part size and the settings that change the output (`settings`)."""
    if remote.is_url(path):
        fs, p = remote.filesystem(str(path), options)
        info = fs.info(p)
        ident: Any = [str(path), info.get("size"), str(info.get("ETag") or info.get("etag") or info.get("mtime")
                                                      or info.get("LastModified") or info.get("created") or "")]
    else:
        st = Path(path).stat()
        ident = [str(Path(path).resolve()), st.st_size, st.st_mtime_ns]
    payload = json.dumps([FORMAT, ident, part_size, settings], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def forget(target: Path | str, options: dict | None = None) -> None:
    """Remove the parts folder left beside a finished output (a run killed after it
    joined the parts and before it removed them)."""
    store = PartStore(target, "", options)
    if store.exists():
        store.clear()


def part_tasks(path: Path | str, target: Path | str, store: PartStore, options: Options, max_bytes: int,
               part_size: int, resume: bool, chunk_records: int, chunk_bytes: int,
               storage_options: dict | None = None) -> Iterator[tuple[Any, PartRef]]:
    """(task, PartRef) pairs for one big JSONL input, read by this process: chunks of
    records (at most `chunk_records` of them, closed once they hold `chunk_bytes`) for the
    parts to clean, one NoWork for each part an earlier run finished."""
    done = store.done() if resume else {}
    if not done:
        store.clear()  # a fresh start: nothing in the folder is reused
    name = str(path)
    with open_at(path, 0, storage_options) as fh:
        reader = LineReader(fh, max_bytes, seekable=not is_gzip(path))
        k, line_no = 0, 1
        while not reader.at_end():
            marker = done.get(k)
            if marker is not None and marker.get("start") == reader.pos:
                reader.advance(marker["end"])
                line_no = marker["first_line"] + marker["lines"]
                yield NoWork(), PartRef(target, store, k, marker["start"], marker["first_line"],
                                        marker["end"], marker["lines"], marker, tasks=1)
                k += 1
                continue
            ref = PartRef(target, store, k, reader.pos, line_no)
            held: JsonlChunk | None = None  # the last chunk is held back until it is known as such
            sent = 0
            for lines in batches(reader.lines(next_cut(reader.pos, part_size)), chunk_records, chunk_bytes):
                if held is not None:
                    yield held, ref
                    sent += 1
                held = JsonlChunk(name, line_no, tuple(lines), options)
                line_no += len(lines)
            assert held is not None  # a part holds at least one line
            ref.end, ref.lines, ref.tasks = reader.pos, line_no - ref.first_line, sent + 1
            yield held, ref
            k += 1


def write_outcome(writer: PartWriter, stats, outcome: Outcome, report: bool) -> None:
    """One outcome into a part: its record, its report lines; counted in `stats`."""
    stats.add(outcome)
    if report:
        if outcome.report is not None:
            writer.write_report(json.dumps(outcome.report, ensure_ascii=False) + "\n")
        if outcome.error:
            writer.write_report(json.dumps({"id": outcome.key, "error": outcome.error}, ensure_ascii=False) + "\n")
    if not outcome.error and outcome.record is not None:
        writer.write(outcome.record + "\n")


def part_info(ref_or_task, end: int, lines: int, stats) -> dict[str, Any]:
    """What a part's marker says besides its size: its range and its counts."""
    return {"start": ref_or_task.start, "end": end, "first_line": ref_or_task.first_line, "lines": lines,
            "stats": stats_record(stats)}


def stats_record(stats) -> dict[str, Any]:
    """A run's (or a part's) counts as JSON."""
    record: dict[str, Any] = {c: getattr(stats, c) for c in COUNTERS}
    record.update(deciders=dict(stats.deciders), failures=list(stats.failures), notices=list(stats.notices))
    return record


def add_record(stats, record: dict[str, Any]) -> None:
    """Add counts kept by stats_record to a run's stats."""
    for c in COUNTERS:
        setattr(stats, c, getattr(stats, c) + int(record.get(c, 0)))
    stats.deciders.update(record.get("deciders", {}))
    stats.failures.extend(record.get("failures", []))
    stats.notices.extend(record.get("notices", []))


class PartsWriter:
    """The writing side: outcomes of each part into its part file, a marker when the part
    is complete, the parts joined into the output when its input is complete. `stats` is
    the run's; `new_stats` makes an empty one for a part; `report` is the run's report
    file (or None); `call(fn, *args)` runs a function where the parts are joined (on a
    worker, with the Dask engine)."""

    def __init__(self, stats, new_stats: Callable[[], Any], report=None, call: Callable[..., Any] | None = None):
        self.stats, self.new_stats, self.report = stats, new_stats, report
        self.call = call or here
        self.incomplete: set[str] = set()  # outputs with a part that failed as a whole
        self.current: PartRef | None = None
        self.writer: PartWriter | None = None
        self.part_stats = None
        self.results = 0  # of the current part

    def reached(self, ref: PartRef) -> None:
        """A result of `ref` arrived (before its outcomes are written)."""
        if ref is self.current:
            return
        previous = self.current
        self._finish_part()
        if previous is not None and previous.target != ref.target:
            self._commit(previous)
        self.current, self.results = ref, 0
        if ref.marker is not None:  # done by an earlier run
            add_record(self.stats, ref.marker.get("stats", {}))
            self.stats.parts_resumed += 1
            self._copy_report(ref)
        elif not ref.by_worker:
            with writing(ref.target):
                self.writer = ref.store.writer(ref.index, report=self.report is not None)
            self.part_stats = self.new_stats()

    def write(self, outcome: Outcome, ref: PartRef) -> None:
        assert ref is self.current and self.writer is not None
        with writing(ref.target):
            write_outcome(self.writer, self.part_stats, outcome, self.report is not None)

    def settled(self, ref: PartRef) -> None:
        """A result of `ref` was written: after its last one, the part is committed."""
        self.results += 1
        if ref.tasks is not None and self.results >= ref.tasks:
            self._finish_part()

    def written(self, ref: PartRef, marker: dict[str, Any]) -> None:
        """A worker wrote part `ref` and returned its marker."""
        assert ref is self.current
        add_record(self.stats, marker.get("stats", {}))
        self._copy_report(ref)

    def failed(self, ref: PartRef, message: str) -> None:
        """A task of part `ref` failed as a whole (its handler raised). A chunk of records
        is counted in the part's marker, as it would be in a file not in parts; a part a
        worker wrote is not done, so its output is not joined and --resume redoes it."""
        if ref.by_worker:
            self.incomplete.add(str(ref.target))
        elif self.part_stats is not None:
            self.part_stats.failures.append(message)

    def _finish_part(self) -> None:
        ref, writer = self.current, self.writer
        if writer is None or ref is None:
            return
        self.writer = None
        with writing(ref.target):
            writer.commit(part_info(ref, ref.end, ref.lines, self.part_stats))
        self._copy_report(ref)

    def _copy_report(self, ref: PartRef) -> None:
        if self.report is None:
            return
        with writing(self.report.path), ref.store.read_report(ref.index) as src:
            text = io.TextIOWrapper(src, encoding="utf-8", newline="")
            while block := text.read(COPY_CHARS):
                self.report.write(block)

    def _commit(self, ref: PartRef) -> None:
        if str(ref.target) in self.incomplete:
            self.stats.failures.append(f"{ref.target}: not written, a part of it failed; --resume redoes that part")
            return
        with writing(ref.target):
            self.call(commit_parts, ref.store.target, ref.store.fingerprint, ref.index + 1, ref.store.options)

    def finish(self) -> None:
        """The run moved on to an output that is not in parts, or ended well: complete
        the current part and output."""
        previous = self.current
        self._finish_part()
        self.current = None
        if previous is not None:
            self._commit(previous)

    def abort(self) -> None:
        """The run failed: drop the part being written; finished parts stay for --resume."""
        if self.writer is not None:
            self.writer.abort()
            self.writer = None
        self.current = None


def commit_parts(target: Path | str, fingerprint: str, count: int, options: dict | None = None) -> None:
    """Join the `count` parts of `target` into it (where this runs: the driver, or a worker)."""
    PartStore(target, fingerprint, options).commit(count)


def here(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a function in this process (what `call` does without a cluster)."""
    return fn(*args)
