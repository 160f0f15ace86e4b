"""The data that flows through a run: Document -> Blocks -> Signals -> Decisions -> Result.

Every type here is a frozen dataclass: a step makes new values, it never edits old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping


class State(str, Enum):
    """Where a block sits relative to the article (see DESIGN.md, "Decode")."""

    HEAD = "HEAD"  # before the article: breadcrumbs, kicker, bylines, captions
    BODY = "BODY"  # the article itself, headline included (once)
    INSERT = "INSERT"  # a boilerplate island inside the article
    TAIL = "TAIL"  # after the article: footers, appeals, "More from", comments

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


STATES: tuple[State, ...] = (State.HEAD, State.BODY, State.INSERT, State.TAIL)


@dataclass(frozen=True)
class Document:
    """One text to clean. `meta` carries the source path, url, site and language."""

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Block:
    """A paragraph of the original: `text == original[start:end]`.

    `separator` is the original text between this block and the next one (the line break,
    blank lines, surrounding spaces); it is what the block is joined with on output.
    """

    index: int
    start: int
    end: int
    text: str
    separator: str


@dataclass(frozen=True)
class Signal:
    """Evidence about one block, from a rule (`source` = rule id) or a heuristic.

    `span` is relative to the block text. `effect` is the rule's effect (drop, trim, end)
    or "feature" for a heuristic. Signals never delete anything themselves.
    """

    source: str
    category: str
    effect: str
    weight: float = 1.0
    span: tuple[int, int] = (0, 0)
    name: str = ""
    capture: str = ""  # a publisher name captured by the rule's (?P<site>...) group


@dataclass(frozen=True)
class Decision:
    """What happened to one block of the original document, and why.

    `reasons` lists the sources (rule ids, heuristic names) that pushed the block out of
    BODY, strongest first; for a kept block it is empty. `trimmed` lists the spans (relative
    to the block text) cut out of a kept block by trim rules, with the rule ids in `trims`.
    `pass_no` is the decoding pass (1, 2, ...) that decided the removal.
    """

    block: Block
    state: State
    kept: bool
    signals: tuple[Signal, ...] = ()
    reasons: tuple[str, ...] = ()
    trimmed: tuple[tuple[int, int], ...] = ()
    trims: tuple[str, ...] = ()
    pass_no: int = 1

    @property
    def category(self) -> str:
        """The category of the strongest rule behind a removal, else the state's name."""
        by_source = {s.source: s.category for s in self.signals}
        for reason in self.reasons:
            if reason in by_source and not reason.startswith("h."):
                return by_source[reason]
        return "context" if not self.kept else ""


@dataclass(frozen=True)
class Problem:
    """Something that went wrong but did not stop the run (a rule that timed out, ...)."""

    kind: str
    message: str


@dataclass(frozen=True)
class Result:
    """The outcome of cleaning one document."""

    doc_id: str
    original: str
    text: str
    decisions: tuple[Decision, ...]
    problems: tuple[Problem, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def removed(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if not d.kept)

    @property
    def counts(self) -> dict[str, int]:
        removed = self.removed
        trimmed = sum(e - s for d in self.decisions if d.kept for s, e in d.trimmed)
        return {
            "blocks": len(self.decisions),
            "blocks_removed": len(removed),
            "blocks_trimmed": sum(1 for d in self.decisions if d.kept and d.trimmed),
            "chars_in": len(self.original),
            "chars_out": len(self.text),
            "chars_removed": sum(len(d.block.text) for d in removed) + trimmed,
        }

    def explain(self, color: bool = False) -> str:
        """Render every block with its state, kept/dropped and the reasons behind it."""
        from cleaner.explain import render

        return render(self, color=color)

    def report(self) -> dict[str, Any]:
        """The JSON-able record `--report` writes for this document."""
        from cleaner.explain import report_record

        return report_record(self)
