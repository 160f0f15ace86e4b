"""Tasks and the work done on each: a text or HTML file, or a chunk of JSONL records.

Tasks are small picklable values; handlers are module-level functions that a worker calls
with its own Cleaner. A handler returns Outcomes (compact, picklable), never raises for a
bad document: the failure is an Outcome with `error` set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.io import remote
from cleaner.io.files import decode_bytes, read_bytes
from cleaner.io.lines import Oversize
from cleaner.io.formats import (
    Options,
    extract_html,
    parse_record,
    record_meta,
    site_key,
)
from cleaner.model import Document, DocumentError, Result


def with_site(doc: Document, options: Options) -> Document:
    """The document with its site set the way `cleaner learn` grouped documents."""
    if not options.group_by or doc.meta.get("site"):
        return doc
    site = site_key(doc, options.group_by)
    return Document(doc.id, doc.text, {**doc.meta, "site": site}) if site else doc


@dataclass
class Outcome:
    key: str  # the document's name: a relative path, or file:line for JSONL
    text: str | None = None  # the clean text (None when failed or for JSONL)
    record: str | None = None  # the JSONL output line, for JSONL inputs
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    deciders: list[str] = field(default_factory=list)
    report: dict[str, Any] | None = None
    bytes_in: int = 0


def _outcome(key: str, result: Result, options: Options, bytes_in: int) -> Outcome:
    deciders = [d.reasons[0] for d in result.decisions if not d.kept and d.reasons]
    deciders += [t for d in result.decisions for t in d.trims]
    notes = [f"{key}: {p.kind}: {p.message}" for p in result.problems]
    return Outcome(key=key, text=result.text, notes=notes, counts=result.counts, deciders=deciders,
                   report=result.report() if options.report else None, bytes_in=bytes_in)


@dataclass(frozen=True)
class FileTask:
    """One document per file (text or HTML); `data` is set for stdin. `path` may be an
    fsspec URL, read with `storage` (fsspec's storage_options, as pairs)."""

    path: str
    key: str
    kind: str
    options: Options
    max_bytes: int
    data: bytes | None = None
    storage: tuple[tuple[str, Any], ...] = ()


def handle_file(cleaner, task: FileTask) -> Outcome:
    notes: list[str] = []
    try:
        source = task.path if remote.is_url(task.path) else Path(task.path)
        data = task.data if task.data is not None else read_bytes(source, task.max_bytes, dict(task.storage))
        meta: dict[str, Any] = {"path": task.path, "rel": task.key}
        if task.kind == "html":
            text, extracted = extract_html(data, task.options)
            meta.update(extracted)
            if not text:
                notes.append(f"{task.key}: trafilatura found no article text in the HTML")
        else:
            text, encoding = decode_bytes(data, task.path)
            if encoding:
                notes.append(f"{task.path}: not UTF-8; decoded as {encoding}")
    except DocumentError as exc:
        return Outcome(key=task.key, error=str(exc))
    size = len(data)
    del data  # not held while a huge document is cleaned
    result = cleaner.clean(with_site(Document(id=task.key, text=text, meta=meta), task.options))
    out = _outcome(task.key, result, task.options, size)
    out.notes[:0] = notes
    return out


@dataclass(frozen=True)
class JsonlChunk:
    """Consecutive lines of one JSONL file, starting at line number `first` (1-based); a
    line over the size limit is given by its size (Oversize), never read whole."""

    path: str
    first: int
    lines: tuple[bytes | Oversize, ...]
    options: Options


@dataclass(frozen=True)
class NoWork:
    """A task with nothing to clean (a part an earlier run finished): keeps its place in
    the order of results."""


def handle_jsonl(cleaner, chunk: JsonlChunk) -> list[Outcome]:
    out = []
    opts = chunk.options
    for n, line in enumerate(chunk.lines, start=chunk.first):
        where = f"{chunk.path}:{n}"
        if isinstance(line, Oversize):
            out.append(Outcome(key=where, error=f"{where}: record of {line.size:,} bytes is over the limit of "
                                                f"{line.limit:,} (max_bytes), skipped"))
            continue
        if not line.strip():
            continue
        try:
            record, text = parse_record(line, where, opts)
        except DocumentError as exc:
            out.append(Outcome(key=where, error=str(exc)))
            continue
        ident = record.get(opts.id_field) if opts.id_field else None
        key = str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else where
        meta = record_meta(record, opts)
        meta["path"] = where
        if opts.group_by and opts.group_by.startswith("field:"):
            meta["record"] = record
        result = cleaner.clean(with_site(Document(id=key, text=text, meta=meta), opts))
        meta.pop("record", None)
        outcome = _outcome(key, result, opts, len(line))
        new = dict(record)
        new[opts.text_field] = result.text
        if opts.keep_original:
            new[opts.keep_original] = text
        outcome.record = json.dumps(new, ensure_ascii=False)
        outcome.text = None
        out.append(outcome)
    return out

def handle(cleaner, task) -> list[Outcome]:
    """The one task function workers run."""
    if isinstance(task, JsonlChunk):
        return handle_jsonl(cleaner, task)
    if isinstance(task, NoWork):
        return []
    return [handle_file(cleaner, task)]
