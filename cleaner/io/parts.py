"""The parts of a big output file: written one by one, each complete or absent, then joined.

The parts of `out/crawl.jsonl` live in `out/.crawl.jsonl.parts/`: `part-00017.jsonl` (or
`.jsonl.gz`, each part a gzip member of its own, so the joined file is one valid gzip
stream), `part-00017.report.jsonl` with the part's `--report` lines, and the done-marker
`part-00017.done`: a JSON record of the part's range in the input, its size and its
counts, written last. A part without its marker, or whose marker was made from another
input or other settings (the `fingerprint`), does not count as done. `commit` joins the
parts in order into the output, atomically, and removes the folder.

Local files go through a temporary name and a rename; fsspec URLs on object stores are
written directly (an object appears whole when its upload completes), `file://` ones
through a temporary name too.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

from cleaner.io import remote
from cleaner.io.stale import discard, temp_name

#: Bytes copied at once when parts are joined.
COPY_BLOCK = 1 << 20


class _Counted:
    """Writes to `self.fh`, counting the bytes in `self.written`."""

    fh: Any
    written: int

    def write(self, data: bytes) -> int:
        self.fh.write(data)
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        self.fh.flush()

    def commit(self) -> None:
        """Put the file in place; on any failure (a full disk fails the last write),
        leave nothing behind and raise."""
        try:
            self._finish()
        except BaseException:
            self.abort()
            raise

    def _finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class AtomicBytes(_Counted):
    """A binary file written under a temporary name beside `path` (created with mode
    0o666 less the umask) and renamed into place by `commit()`; `abort()` leaves nothing."""

    def __init__(self, path: Path, durable: bool = True):
        self.path, self.durable = path, durable
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.parent / temp_name(path.name)
        self.fh = os.fdopen(os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")
        self.written = 0

    def _finish(self) -> None:
        self.fh.flush()
        if self.durable:
            os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        discard(self.fh.close, self.tmp)


class UrlBytes(_Counted):
    """The same for an fsspec URL: a temporary name and a move on a local filesystem,
    else written directly and removed again by `abort()`."""

    def __init__(self, fs, path: str):
        self.fs, self.path = fs, path
        self.local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
        parent, name = path.rsplit("/", 1)
        self.tmp = f"{parent}/{temp_name(name)}" if self.local else path
        if self.local:
            fs.makedirs(parent, exist_ok=True)
        self.fh = fs.open(self.tmp, "wb")
        self.written = 0

    def _finish(self) -> None:
        self.fh.close()
        if self.local:
            self.fs.mv(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.fh.close()
        except Exception:
            pass
        try:
            if self.fs.exists(self.tmp):
                self.fs.rm(self.tmp)
        except Exception:
            pass


def open_bytes(target: Path | str, options: dict | None = None, durable: bool = True):
    """An atomic binary writer for a local path or an fsspec URL; `durable`: on disk (fsync)
    before it is renamed into place."""
    if remote.is_url(target):
        fs, path = remote.filesystem(str(target), options)
        return UrlBytes(fs, path)
    return AtomicBytes(Path(target), durable)


class PartStore:
    """The parts folder of one output file (a local path or a URL)."""

    def __init__(self, target: Path | str, fingerprint: str, options: dict | None = None):
        self.target, self.fingerprint, self.options = target, fingerprint, options or {}
        text = str(target).rstrip("/")
        parent, self.name = text.rsplit("/", 1) if "/" in text else (".", text)
        self.folder = f"{parent}/.{self.name}.parts"
        self.gz = self.name.lower().endswith(".gz")
        self.url = remote.is_url(target)
        if self.url:
            self.fs, self.root = remote.filesystem(self.folder, self.options)

    # -- names and the folder ------------------------------------------------------------
    def data_name(self, k: int) -> str:
        return f"part-{k:05d}.jsonl" + (".gz" if self.gz else "")

    def path(self, name: str) -> Path | str:
        return f"{self.folder}/{name}" if self.url else Path(self.folder) / name

    def _listing(self) -> dict[str, int]:
        """File name -> size, for the files in the folder."""
        if self.url:
            self.fs.invalidate_cache(self.root)  # workers wrote here since this process looked
            if not self.fs.exists(self.root):
                return {}
            return {e["name"].rstrip("/").rsplit("/", 1)[-1]: e.get("size") or 0
                    for e in self.fs.ls(self.root, detail=True) if e.get("type") != "directory"}
        try:
            return {e.name: e.stat().st_size for e in os.scandir(self.folder) if e.is_file()}
        except FileNotFoundError:
            return {}

    def read(self, name: str) -> bytes:
        if self.url:
            return self.fs.cat_file(f"{self.root}/{name}")
        return (Path(self.folder) / name).read_bytes()

    def put(self, name: str, data: bytes) -> None:
        """Write a small file into the folder, atomically."""
        out = open_bytes(self.path(name), self.options, durable=False)
        try:
            out.write(data)
        except BaseException:
            out.abort()
            raise
        out.commit()

    def exists(self) -> bool:
        return self.fs.exists(self.root) if self.url else Path(self.folder).is_dir()

    def clear(self) -> None:
        """Remove the folder and everything in it (a fresh start, or after the commit)."""
        if self.url:
            if self.fs.exists(self.root):
                self.fs.rm(self.root, recursive=True)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- done-markers --------------------------------------------------------------------
    def done(self) -> dict[int, dict[str, Any]]:
        """The markers of the parts that are done: made with this fingerprint, and with
        their data file present at the size the marker says."""
        files = self._listing()
        out = {}
        for name in sorted(files):
            if not (name.startswith("part-") and name.endswith(".done")):
                continue
            try:
                marker = json.loads(self.read(name))
                k = int(marker["part"])
            except (ValueError, KeyError, TypeError, OSError):
                continue  # unreadable: the part is redone
            if (marker.get("fingerprint") == self.fingerprint and files.get(self.data_name(k)) == marker.get("bytes")
                    and (not marker.get("report") or self.report_name(k) in files)):
                out[k] = marker
        return out

    def report_name(self, k: int) -> str:
        return f"part-{k:05d}.report.jsonl"

    def writer(self, k: int, report: bool) -> "PartWriter":
        return PartWriter(self, k, report)

    def read_report(self, k: int):
        """A binary stream of part k's report lines."""
        if self.url:
            return self.fs.open(f"{self.root}/{self.report_name(k)}", "rb")
        return open(Path(self.folder) / self.report_name(k), "rb")

    # -- the end -------------------------------------------------------------------------
    def commit(self, count: int) -> None:
        """Join parts 0 .. count-1 into the output file, atomically, then remove the
        folder. Raises ValueError when a part is not done."""
        done = self.done()
        missing = [k for k in range(count) if k not in done]
        if missing:
            raise ValueError(f"{self.target}: part {missing[0]} of {count} is not done; run again with --resume")
        if count == 1:  # one part is the whole output: a rename (a copy inside an object store)
            if self.url:
                self.fs.mv(f"{self.root}/{self.data_name(0)}", remote.filesystem(str(self.target), self.options)[1])
            else:
                os.replace(Path(self.folder) / self.data_name(0), self.target)
            self.clear()
            return
        out = open_bytes(self.target, self.options)
        try:
            for k in range(count):
                if self.url:
                    src = self.fs.open(f"{self.root}/{self.data_name(k)}", "rb")
                else:
                    src = open(Path(self.folder) / self.data_name(k), "rb")
                with src:
                    shutil.copyfileobj(src, out, COPY_BLOCK)
        except BaseException:
            out.abort()
            raise
        out.commit()
        self.clear()


class PartWriter:
    """Part k being written: its records (and report lines), then `commit(info)` makes the
    data and report files and, last, the done-marker."""

    def __init__(self, store: PartStore, k: int, report: bool):
        self.store, self.k = store, k
        self.data = open_bytes(store.path(store.data_name(k)), store.options)
        # deterministic gzip members: no time, no name in the header
        self.zip = gzip.GzipFile(fileobj=self.data, mode="wb", mtime=0, filename="") if store.gz else None
        self.report = open_bytes(store.path(store.report_name(k)), store.options) if report else None

    def write(self, text: str) -> None:
        (self.zip or self.data).write(text.encode("utf-8"))

    def write_report(self, text: str) -> None:
        assert self.report is not None
        self.report.write(text.encode("utf-8"))

    def commit(self, info: dict[str, Any]) -> dict[str, Any]:
        """Finish the part; `info` (its range and counts) goes into the marker, which is
        returned."""
        try:
            if self.zip is not None:
                self.zip.close()
            self.data.commit()
            if self.report is not None:
                self.report.commit()
        except BaseException:
            self.abort()
            raise
        marker = {"part": self.k, "fingerprint": self.store.fingerprint, "bytes": self.data.written,
                  "report": self.report is not None, **info}
        # no fsync for the marker: the data it vouches for is on disk; a lost marker only
        # means the part is made again
        out = open_bytes(self.store.path(f"part-{self.k:05d}.done"), self.store.options, durable=False)
        try:
            out.write(json.dumps(marker, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except BaseException:
            out.abort()
            raise
        out.commit()
        return marker

    def abort(self) -> None:
        for f in (self.data, self.report):
            if f is not None:
                f.abort()
