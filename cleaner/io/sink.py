"""The shared shape of an output file: written as text, then committed or aborted."""

from __future__ import annotations

from typing import IO


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
