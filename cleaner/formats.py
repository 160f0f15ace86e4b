"""Input kinds and the work done on each: text files, HTML files, JSONL records.

Tasks are small picklable values; handlers are module-level functions that a worker calls
with its own Cleaner. A handler returns Outcomes (compact, picklable), never raises for a
bad document: the failure is an Outcome with `error` set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.io import DocumentError, decode_bytes, read_bytes
from cleaner.model import Document, Result

def sniff_kind(data: bytes) -> str:
    """Guess the kind of unnamed input (stdin) from its first bytes."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<article")):
        return "html"
    return "text"


@dataclass(frozen=True)
class Options:
    """How records are read: JSONL field names, HTML extraction choices, reporting."""

    text_field: str = "text"
    id_field: str | None = "id"
    url_field: str = "url"
    keep_original: str | None = None
    html_comments: bool = False
    report: bool = False
    group_by: str | None = None  # set meta["site"] as `cleaner learn` grouped (url, folder, field:NAME)


def with_site(doc: Document, options: Options) -> Document:
    """The document with its site set the way `cleaner learn` grouped documents."""
    if not options.group_by or doc.meta.get("site"):
        return doc
    from cleaner.learn import site_key

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


def extract_html(data: bytes | str, options: Options, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Article text and metadata (site, url, title, language) of an HTML page, by trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True,
                                      include_comments=options.html_comments, deduplicate=False)
    if doc is None or not doc.text:
        return "", {}
    meta = {k: getattr(doc, k, None) for k in ("url", "title", "language")}
    meta["site"] = getattr(doc, "hostname", None) or getattr(doc, "sitename", None)
    return doc.text, {k: v for k, v in meta.items() if v}


@dataclass(frozen=True)
class FileTask:
    """One document per file (text or HTML); `data` is set for stdin."""

    path: str
    key: str
    kind: str
    options: Options
    max_bytes: int
    data: bytes | None = None


def handle_file(cleaner, task: FileTask) -> Outcome:
    notes: list[str] = []
    try:
        data = task.data if task.data is not None else read_bytes(Path(task.path), task.max_bytes)
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
    result = cleaner.clean(with_site(Document(id=task.key, text=text, meta=meta), task.options))
    out = _outcome(task.key, result, task.options, len(data))
    out.notes[:0] = notes
    return out


@dataclass(frozen=True)
class JsonlChunk:
    """Consecutive lines of one JSONL file, starting at line number `first` (1-based)."""

    path: str
    first: int
    lines: tuple[bytes, ...]
    options: Options


def _record_meta(record: dict, options: Options) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    url = record.get(options.url_field)
    if isinstance(url, str) and url:
        meta["url"] = url
        host = urlsplit(url).hostname
        if host:
            meta["site"] = host
    for key in ("site", "language"):
        if isinstance(record.get(key), str):
            meta[key] = record[key]
    return meta


def parse_record(line: bytes, where: str, options: Options) -> tuple[dict, str]:
    """The record on one JSONL line and its text; DocumentError says what is wrong."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise DocumentError(f"{where}: not UTF-8; record skipped") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno}); record skipped") from None
    if not isinstance(record, dict):
        raise DocumentError(f"{where}: not a JSON object; record skipped")
    text = record.get(options.text_field)
    if not isinstance(text, str):
        what = "has no" if options.text_field not in record else f"has a non-string ({type(text).__name__})"
        raise DocumentError(f"{where}: record {what} '{options.text_field}' field; record skipped")
    return record, text


def handle_jsonl(cleaner, chunk: JsonlChunk) -> list[Outcome]:
    out = []
    opts = chunk.options
    for n, line in enumerate(chunk.lines, start=chunk.first):
        where = f"{chunk.path}:{n}"
        if not line.strip():
            continue
        try:
            record, text = parse_record(line, where, opts)
        except DocumentError as exc:
            out.append(Outcome(key=where, error=str(exc)))
            continue
        ident = record.get(opts.id_field) if opts.id_field else None
        key = str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else where
        meta = _record_meta(record, opts)
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
