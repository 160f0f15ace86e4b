"""Inputs and outputs given as fsspec URLs (s3://, gs://, memory://, file://, ...).

The process that runs `cleaner run` reads and writes them; workers only see tasks. Object
stores have no rename, so a remote output file is written directly and removed again when
the run fails while writing it. Needs fsspec (installed with `cleaner[dask]`) and the
filesystem's own package (s3fs, gcsfs) for the protocol. `options` are fsspec's
storage_options (credentials, endpoint), from `storage_options` in the config file.
"""

from __future__ import annotations

from typing import IO, Callable, Iterator

from cleaner.io.sink import OutputFile
from cleaner.model import DocumentError


def is_url(value: object) -> bool:
    return isinstance(value, str) and "://" in value


def _fs(url: str, options: dict | None = None):
    try:
        import fsspec
    except ImportError:
        raise ValueError(f"{url}: URLs need fsspec: pip install 'cleaner[dask]'") from None
    return fsspec.core.url_to_fs(url, **(options or {}))


def filesystem(url: str, options: dict | None = None):
    """(fsspec filesystem, path) of a URL."""
    return _fs(url, options)


def find(url: str, wanted: Callable[[str], bool], options: dict | None = None) -> Iterator[tuple[str, str]]:
    """(url of each file, its path relative to `url`), sorted; in a folder only the files
    `wanted` accepts; `url` may also be a single file."""
    fs, root = _fs(url, options)
    protocol = url.split("://", 1)[0]
    if fs.isdir(root):
        for path in sorted(fs.find(root)):
            rel = path[len(root.rstrip("/")) + 1:]
            if not wanted(rel):
                continue
            yield f"{protocol}://{path}" if not path.startswith(f"{protocol}://") else path, rel
    elif fs.exists(root):
        yield url, root.rstrip("/").rsplit("/", 1)[-1]
    else:
        raise ValueError(f"{url}: no such file or folder")


def exists(url: str, options: dict | None = None) -> bool:
    fs, path = _fs(url, options)
    return fs.exists(path)


def open_read(url: str, options: dict | None = None) -> IO[bytes]:
    fs, path = _fs(url, options)
    fh = fs.open(path, "rb")
    if path.endswith(".gz"):
        import gzip

        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    return fh


def read_bytes(url: str, max_bytes: int, options: dict | None = None) -> bytes:
    with open_read(url, options) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DocumentError(f"{url}: over the limit of {max_bytes:,} bytes, skipped")
    return data


class RemoteFile(OutputFile):
    """A text file written to a URL (gzip-compressed when its name ends in .gz); `abort()`
    removes what was written."""

    def __init__(self, url: str, options: dict | None = None):
        import io

        self.url = url
        self.fs, self.path = _fs(url, options)
        if "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)):
            self.fs.makedirs(self.path.rsplit("/", 1)[0], exist_ok=True)  # as object stores need no folders
        self.raw = self.fs.open(self.path, "wb")
        if url.endswith(".gz"):
            import gzip

            self.zip = gzip.GzipFile(fileobj=self.raw, mode="wb")
            self.fh = io.TextIOWrapper(self.zip, encoding="utf-8", newline="")
        else:
            self.zip = None
            self.fh = io.TextIOWrapper(self.raw, encoding="utf-8", newline="")

    def commit(self) -> None:
        self.fh.flush()
        if self.zip is not None:
            self.zip.close()
        self.raw.close()

    def abort(self) -> None:
        try:
            self.commit()
        finally:
            if self.fs.exists(self.path):
                self.fs.rm(self.path)
