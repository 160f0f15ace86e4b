"""The shared shape of an output file: written as text, then committed or aborted."""

from __future__ import annotations

from contextlib import contextmanager
from typing import IO, Iterator


class OutputFile:
    """A text file that appears whole or not at all: `commit()` makes it, `abort()` leaves
    nothing behind, and leaving a `with` block does one or the other (abort on an
    exception). Subclasses open `self.fh` and define commit and abort."""

    fh: IO[str]

    def write(self, text: str) -> None:
        self.fh.write(text)

    def commit(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *rest) -> bool:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False


class OutputError(Exception):
    """An output could not be written (the disk is full, no permission, ...). Whatever was
    being written under its name was removed again."""

    def __init__(self, name: object, exc: BaseException):
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        super().__init__(f"cannot write {name}: {reason}; nothing incomplete was left under that name")
        self.name = name


@contextmanager
def writing(name: object) -> Iterator[None]:
    """Turn an OSError raised inside the block into an OutputError naming `name`."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(name, exc) from exc


def abort_quietly(out: OutputFile) -> None:
    """Remove a half-written output; an error doing so must not hide the first one."""
    try:
        out.abort()
    except Exception:
        pass
