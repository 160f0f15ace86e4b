"""An on-disk cache of values that are slow to build and the same for the same inputs: the
loaded, validated and compiled rule packs with their prefilter analysis, the prefilter, the
decoder weights, and jusText's stoplists. It makes a new Cleaner (in every run and in every worker process) start in a
fraction of the time building them takes.

An entry is one pickle file named by a hash of everything the value depends on: the caller's
inputs (a pack file's path and contents, say), the source code of the modules that build the
value (so a new version of cleaner, or an edited checkout, never reads an old entry), and the
versions of Python and of `regex` (compiled patterns are pickled as `regex`'s own code).
Entries are written to a temporary file and renamed into place, so concurrent processes
never see half a file; the last writer wins, with the same value. An entry that cannot be
read, or that holds another key, is ignored and built again. Nothing depends on the cache
being there: it can be deleted at any time.

Where: $CLEANER_CACHE_DIR, else the user cache folder ($XDG_CACHE_HOME/cleaner or
~/.cache/cleaner; ~/Library/Caches/cleaner on macOS; %LOCALAPPDATA%\\cleaner on Windows).
`Config.cache = False` (`--no-cache`) turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Environment variable naming the cache folder.
ENV = "CLEANER_CACHE_DIR"
#: Entries not used for this long are deleted when a new entry is written.
MAX_AGE_SECONDS = 30 * 24 * 3600
_SUFFIX = ".pickle"


def default_folder() -> Path:
    """$CLEANER_CACHE_DIR, else the platform's user cache folder with `cleaner` under it."""
    env = os.environ.get(ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cleaner"


def code_digest(sources: Iterable[str]) -> str:
    """A hash of these source files (the modules that build a cached value), the Python
    version and the `regex` version: what decides how a value is built and unpickled."""
    import regex

    h = hashlib.sha256(f"{sys.version}\0{regex.__version__}\0".encode())
    for source in sources:
        try:
            h.update(Path(source).read_bytes())
        except OSError:  # no source file (a frozen or zipped install): its name, at least
            h.update(source.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass(frozen=True)
class DiskCache:
    """A folder of cache entries; `folder` None: the cache is off (get misses, put does
    nothing)."""

    folder: Path | None

    @classmethod
    def open(cls, enabled: bool = True) -> DiskCache:
        return cls(default_folder() if enabled else None)

    @staticmethod
    def key(*parts: str | bytes) -> str:
        """The entry name for these inputs (each part is hashed with its length, so the
        parts cannot run into each other)."""
        h = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
        return h.hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{kind}-{key[:40]}{_SUFFIX}"

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under (kind, key), or None: no entry, the cache is off, or the
        entry is unreadable or holds another key (it is then rebuilt by the caller)."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            with open(path, "rb") as fh:
                stored_key, value = pickle.load(fh)
        except Exception:  # noqa: BLE001 (missing, truncated, corrupt, or from another version: rebuilt)
            return None
        if stored_key != key:
            return None
        try:
            os.utime(path)  # recently used: not pruned
        except OSError:
            pass
        return value

    def put(self, kind: str, key: str, value: Any) -> bool:
        """Store a value atomically (write a temporary file, then rename it over the entry).
        Returns False when the folder cannot be written: the cache is a help, never a need."""
        if self.folder is None:
            return False
        import tempfile  # (only when writing: it is slow to import)

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._path(kind, key))
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            return False
        self._prune()
        return True

    def _prune(self) -> None:
        """Delete entries (and temporary files left by killed writers) unused for a month."""
        assert self.folder is not None
        limit = time.time() - MAX_AGE_SECONDS
        try:
            for path in self.folder.iterdir():
                if path.name.endswith(_SUFFIX) and path.stat().st_mtime < limit:
                    path.unlink()
        except OSError:
            pass
