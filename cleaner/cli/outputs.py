"""Where `cleaner run -o` writes: stdout (`-`), a folder that mirrors the inputs, or one file.

One input file and an output named like a file (`out.jsonl`, `out.txt`, and their `.gz`
forms) writes that file, as `cp`, `pandoc -o` and `jq > f` do. A folder, or several inputs,
mirror into a folder. Whatever could be read two ways is a usage error that says what to
write instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from cleaner.io import remote
from cleaner.io.files import kind_of_path
from cleaner.run.plan import STDIN

#: The suffix of an output file of each kind.
FILE_SUFFIXES = {"text": ".txt", "jsonl": ".jsonl"}


@dataclass(frozen=True)
class Output:
    """`target` None means stdout; `is_file` says it names one file, not a folder."""

    target: Path | str | None
    is_file: bool = False

    def shown(self) -> str | None:
        """How the summary names it."""
        if self.target is None:
            return None
        return str(self.target) if self.is_file else f"{str(self.target).rstrip('/')}/"


def _gives(kind: str) -> str:
    """The kind of output an input kind gives: JSONL stays JSONL, text and HTML give text."""
    return "jsonl" if kind == "jsonl" else "text"


def _stem(name: str) -> str:
    """clean/out.jsonl.gz -> clean/out (a string operation: URLs keep their //)"""
    if name.lower().endswith(".gz"):
        name = name[:-3]
    head, sep, last = name.rpartition("/")
    return head + sep + (last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last)


def _is_single_file(value) -> bool:
    if value == STDIN:
        return True
    if remote.is_url(value):
        return kind_of_path(Path(str(value).rstrip("/").rsplit("/", 1)[-1])) is not None
    return Path(value).is_file()


def resolve(inputs: tuple, output: str, forced_kind: str | None) -> Output:
    """The output `-o` asks for, or a click.UsageError that says what to write instead."""
    if output == "-":
        return Output(None)
    is_url = remote.is_url(output)
    out: Path | str = output if is_url else Path(output)
    explicit_folder = output.endswith(("/", os.sep))
    named = kind_of_path(Path(output.rstrip("/").rsplit("/", 1)[-1]))  # what its name says
    if not is_url:
        for p in inputs:
            if isinstance(p, Path) and p != STDIN and p.resolve() == Path(output).resolve():
                raise click.UsageError(f"-o/--output {output} is an input; cleaner never writes over its input. "
                                       "Pick another name.")
        if Path(output).is_dir() or explicit_folder:
            return Output(out)
    if named is None or explicit_folder:
        if not is_url and Path(output).exists():
            raise click.UsageError(f"-o/--output {output} is a file, and its name does not say what it holds: "
                                   "with one input file write -o NAME.txt or -o NAME.jsonl (.gz), "
                                   "else a folder (-o clean/) or - for stdout.")
        return Output(out)
    folder = f"{_stem(output)}/"
    if named == "html":
        raise click.UsageError(f"-o {output}: cleaner writes text, not HTML; write -o {_stem(output)}.txt")
    if len(inputs) != 1 or not _is_single_file(inputs[0]):
        what = "several inputs give" if len(inputs) != 1 else f"the folder {inputs[0]} gives"
        raise click.UsageError(f"-o {output} names one file, but {what} several outputs, mirrored into a "
                               f"folder: write -o {folder} (a folder), or -o - for stdout.")
    source = inputs[0]
    if source == STDIN:  # known once read: the run checks what it sniffs against the name
        kind = forced_kind
    else:
        kind = forced_kind or kind_of_path(Path(str(source))) or "text"
    if kind is not None and _gives(kind) != named:
        what, gives = {"jsonl": ("JSONL", "JSONL"), "html": ("HTML", "text")}.get(kind, ("text", "text"))
        suffix = FILE_SUFFIXES[_gives(kind)] + ".gz" * output.lower().endswith(".gz")
        raise click.UsageError(f"-o {output}: {source} is {what}, so its output is {gives}: write "
                               f"-o {_stem(output)}{suffix}, or -o {folder} to mirror it into a folder.")
    return Output(out, True)
