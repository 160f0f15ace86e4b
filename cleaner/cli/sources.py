"""The documents `cleaner explain` reads from one input: a file, or `-` for stdin, read as
`cleaner run` reads them: text, HTML (extracted by trafilatura first) or JSONL (one document
per record), by the file's name, `--format`, or for stdin by sniffing its first bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from cleaner.io.files import decode_bytes, kind_of_path, read_bytes
from cleaner.io.formats import (
    Options,
    extract_html,
    parse_record,
    record_meta,
    sniff_kind,
)
from cleaner.model import Document, DocumentError
from cleaner.run.plan import STDIN


@dataclass(frozen=True)
class Note:
    """A message for stderr: a record that could not be read (`failed`), or a remark."""

    message: str
    failed: bool = False


def read_input(source: Path, max_bytes: int, stdin: IO[bytes]) -> bytes:
    """The bytes of a file (gunzipped when it ends in .gz) or of stdin, up to `max_bytes`."""
    if source != STDIN:
        return read_bytes(source, max_bytes)
    data = stdin.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DocumentError(f"standard input is over the limit of {max_bytes:,} bytes")
    return data


def documents(source: Path, data: bytes, kind: str | None, options: Options) -> Iterator[Document | Note]:
    """The documents in one input's bytes, in order, with Notes between them: a bad JSONL
    record, text decoded from another encoding, HTML without article text."""
    name = "<stdin>" if source == STDIN else str(source)
    kind = kind or (sniff_kind(data) if source == STDIN else kind_of_path(source) or "text")
    if kind == "jsonl":
        for n, line in enumerate(data.splitlines(keepends=True), start=1):
            if not line.strip():
                continue
            where = f"{name}:{n}"
            try:
                record, text = parse_record(line, where, options)
            except DocumentError as exc:
                yield Note(str(exc), failed=True)
                continue
            ident = record.get(options.id_field) if options.id_field else None
            key = str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else where
            yield Document(id=key, text=text, meta={**record_meta(record, options), "path": where})
        return
    meta = {"path": name}
    if kind == "html":
        text, extracted = extract_html(data, options)
        meta.update(extracted)
        if not text:
            yield Note(f"note: {name}: trafilatura found no article text in the HTML")
    else:
        text, encoding = decode_bytes(data, name)
        if encoding:
            yield Note(f"note: not UTF-8; decoded as {encoding}")
    yield Document(id=name, text=text, meta=meta)
