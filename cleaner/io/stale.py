"""Temporary files: the one name pattern cleaner gives them, and removing stale ones.

Every file cleaner writes goes first to a temporary file beside its target, named
`.<target name>.<8 random characters>.tmp`, and is renamed into place when complete. A run
that is killed leaves that temporary file behind; the next run on the same output removes
it: only names of this pattern whose target is a kind of file cleaner writes, and only
files last modified before that run started (never a file a running run is writing).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

#: `.<target>.<8 characters>.tmp`: what AtomicFile (tempfile.mkstemp) and temp_name make.
TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp$")
#: Names of the files cleaner writes: outputs, parts and their done-markers, manifests.
OWN_TARGET = re.compile(r"^.+\.(?:txt|jsonl|ndjson)(?:\.gz)?$|^part-\d+\.(?:done|report\.jsonl)$|^manifest\.json$",
                        re.IGNORECASE)


def on_disk(target) -> Path | None:
    """The local path of an output (a path or a file:// URL), else None."""
    text = str(target) if target is not None else ""
    if text.startswith("file://"):
        return Path(text[len("file://"):])
    return None if target is None or "://" in text else Path(target)


def discard(close: Callable[[], object], tmp: str | Path) -> None:
    """Close a file written under the temporary name `tmp` and remove that name, as far as
    the disk lets (an abort: whatever fails here has failed already)."""
    try:
        close()
    except OSError:
        pass
    try:
        os.unlink(tmp)
    except OSError:
        pass


def temp_name(target: str) -> str:
    """A fresh temporary name for `target` (a file name, not a path), of TEMP_NAME's pattern."""
    return f".{target}.{secrets.token_hex(4)}.tmp"


def temp_target(name: str, only: str | None = None) -> str | None:
    """The target a temporary file of cleaner's would have become, or None when `name` is
    not one of cleaner's temporary files (with `only`: not one for that target name)."""
    m = TEMP_NAME.match(name)
    if not m:
        return None
    target = m.group("target")
    if (target != only) if only is not None else not OWN_TARGET.match(target):
        return None
    return target


def sweep(folder: Path, before: float, only: str | None = None) -> list[Path]:
    """Remove cleaner's temporary files directly in `folder` that were last modified
    before `before` (a time.time() value); with `only`, just those for that target name.
    Returns what was removed. A missing folder has nothing to remove."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for entry in entries:
        if temp_target(entry.name, only) is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime >= before:
                continue
            os.unlink(entry.path)
        except FileNotFoundError:  # another process removed it first
            continue
        removed.append(Path(entry.path))
    return removed


class Sweeper:
    """Sweeps each folder of a run's outputs once, the first time the run writes there."""

    def __init__(self, started: float):
        self.started = started
        self.done: set[Path] = set()
        self.removed: list[Path] = []

    def folder(self, folder: Path, only: str | None = None) -> None:
        key = folder.resolve() if only is None else folder.resolve() / only
        if key in self.done:
            return
        self.done.add(key)
        self.removed.extend(sweep(folder, self.started, only))
