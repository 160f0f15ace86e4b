"""Input formats: what kind an unnamed input is, how HTML becomes text (trafilatura), how a
JSONL record gives its text and metadata, and which site a document belongs to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.model import Document, DocumentError


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


def site_key(doc: Document, group_by: str) -> str | None:
    """The site a document belongs to under a --group-by choice."""
    if group_by == "url":
        url = doc.meta.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        return host.removeprefix("www.") if host else None
    if group_by == "folder":
        rel = doc.meta.get("rel")
        parts = Path(rel).parts if rel else ()
        return parts[0] if len(parts) > 1 else None
    if group_by.startswith("field:"):
        value = doc.meta.get("record", {}).get(group_by[6:])
        return str(value) if value not in (None, "") else None
    raise ValueError(f"--group-by must be url, folder or field:NAME, not {group_by!r}")


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


def record_meta(record: dict, options: Options) -> dict[str, Any]:
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
