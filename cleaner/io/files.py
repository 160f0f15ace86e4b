"""Read and write: find input files, decode them safely, write outputs atomically."""

from __future__ import annotations

import gzip
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from cleaner.io import remote
from cleaner.io.sink import OutputFile
from cleaner.io.stale import discard
from cleaner.model import DocumentError

#: File name suffixes -> input kind; `.gz` may follow any of them. Folders are searched for
#: these; a file named on the command line is read whatever its name (as text by default).
SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
            ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: Bytes looked at to tell text from binary.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class InputFile:
    path: Path  # where it is read from
    rel: Path  # where its output goes, relative to the output folder


def kind_of_path(path: Path) -> str | None:
    """The input kind a file name says, or None: foo.txt, foo.html.gz, foo.jsonl.gz ..."""
    name = Path(str(path)).name.lower()  # a Path, or the last part of a URL
    if name.endswith(".gz"):
        name = name[:-3]
    return SUFFIXES.get(Path(name).suffix)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def find_inputs(paths: Sequence[Path], out_dir: Path | None, storage_options: dict | None = None) -> Iterator[InputFile]:
    """Files named directly, and the input files under folders (recursively, sorted), skipping
    anything inside the output folder so that a rerun never reads its own output."""
    for root in paths:
        if isinstance(root, str):  # an fsspec URL
            for url, rel in remote.find(root, lambda rel: kind_of_path(Path(rel)) is not None, storage_options):
                yield InputFile(url, Path(rel))  # type: ignore[arg-type]
            continue
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                if out_dir is not None and _inside(path, out_dir):
                    continue
                if kind_of_path(path):
                    yield InputFile(path, path.relative_to(root))
        else:
            yield InputFile(root, Path(root.name))


def decode_bytes(data: bytes, where: str) -> tuple[str, str | None]:
    """Text from bytes: UTF-8 when it is UTF-8, else the detected encoding, which is
    returned so it can be reported. Binary data raises DocumentError."""
    if b"\x00" in data[:SNIFF_BYTES]:
        raise DocumentError(f"{where}: binary file (NUL bytes), skipped")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError(f"{where}: not text in any encoding cleaner can detect, skipped")
    return str(best), best.encoding


def read_bytes(path: Path | str, max_bytes: int, storage_options: dict | None = None) -> bytes:
    """The bytes of one file or fsspec URL, gunzipped when it ends in .gz, up to `max_bytes`."""
    if remote.is_url(path):
        return remote.read_bytes(str(path), max_bytes, storage_options)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(f"{path}: {size:,} bytes is over the limit of {max_bytes:,}, skipped")
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
            if len(data) > max_bytes:
                raise DocumentError(f"{path}: {len(data):,} bytes uncompressed is over the limit of {max_bytes:,}, skipped")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DocumentError(f"{path}: cannot read: {exc}") from None
    return data


def open_binary(path: Path | str, storage_options: dict | None = None):
    """A binary stream of a file or fsspec URL, gunzipped when it ends in .gz (for reading
    JSONL line by line, whatever its size)."""
    if remote.is_url(path):
        return remote.open_read(str(path), storage_options)
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def read_text(path: Path, max_bytes: int) -> tuple[str, str | None]:
    """Read one text file (gzip when it ends in .gz). Returns (text, encoding used when it
    was not UTF-8)."""
    return decode_bytes(read_bytes(path, max_bytes), str(path))


def _create_temp(path: Path) -> tuple[int, str]:
    """A new file `.<name>.<random>.tmp` beside `path`, created with mode 0666 less the
    umask, as any output file (mkstemp's 0600 would survive the rename: unreadable outputs)."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path}: cannot create a temporary file beside it")


class AtomicFile(OutputFile):
    """A text file written under a temporary name beside its target and renamed into place
    by `commit()`; `abort()` (or an exception inside `with`) leaves no file behind. The file
    gets the usual mode of a new file (0644 under umask 022)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = _create_temp(path)
        self.raw = os.fdopen(fd, "wb")
        if path.name.lower().endswith(".gz"):  # compressed like its name says
            self.fh = gzip.open(self.raw, "wt", encoding="utf-8", newline="")
        else:
            self.fh = io.TextIOWrapper(self.raw, encoding="utf-8", newline="")

    def _close(self) -> None:
        self.fh.close()
        if not self.raw.closed:
            self.raw.close()

    def commit(self) -> None:
        try:
            self._close()
            os.replace(self.tmp, self.path)
        except BaseException:  # a full disk fails the last write: leave nothing behind
            self.abort()
            raise

    def abort(self) -> None:
        discard(self._close, self.tmp)


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    with AtomicFile(path) as fh:
        fh.write(text)
