"""The data that flows through a run: Document -> Blocks -> Signals -> Decisions -> Result,
and the two renderings of a Result: `explain` for people, the `--report` record for programs.

Every type here is a frozen dataclass: a step makes new values, it never edits old ones.
Those made for every block (Block, Signal, Decision) have slots: they are made faster, and
hold no dict.
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


@dataclass(frozen=True, slots=True)
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


#: The rule effects that are evidence about a whole block, asking for it to go (`trim` cuts a
#: span out of a kept block; `cue` only hints that a comment thread is near, see
#: engine/features/comments.py). On a kept block, such a rule was overruled.
EVIDENCE = ("drop", "end")


@dataclass(frozen=True, slots=True)
class Signal:
    """Evidence about one block, from a rule (`source` = rule id) or a heuristic.

    `span` is relative to the block text. `effect` is the rule's effect (drop, trim, end, cue)
    or "feature" for a heuristic. Signals never delete anything themselves.
    """

    source: str
    category: str
    effect: str
    weight: float = 1.0
    span: tuple[int, int] = (0, 0)
    name: str = ""
    capture: str = ""  # a publisher name captured by the rule's (?P<site>...) group
    certain: bool = False  # the rule is certain: context never keeps the block


@dataclass(frozen=True, slots=True)
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

    @property
    def overruled(self) -> tuple[Signal, ...]:
        """The rule signals that said drop (or: the tail starts here) on a block the decoder
        kept anyway: the rules it overruled. Empty for a removed block."""
        if not self.kept:
            return ()
        return tuple(s for s in self.signals if s.effect in EVIDENCE)


@dataclass(frozen=True)
class Problem:
    """Something that went wrong but did not stop the run (a rule that timed out, ...)."""

    kind: str
    message: str


class DocumentError(Exception):
    """One input cannot be used (unreadable, binary, too large, a malformed record); the
    run reports it and goes on."""


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
        return render(self, color=color)

    def report(self) -> dict[str, Any]:
        """The JSON-able record `--report` writes for this document."""
        return report_record(self)


# -- explanations: the per-block table for people, the JSON record for --report --------------

#: Columns of block text shown by `explain`.
TEXT_WIDTH = 72
_COLOURS = {"HEAD": "cyan", "BODY": "green", "INSERT": "magenta", "TAIL": "yellow"}


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _kept_by(decisions: tuple[Decision, ...], i: int) -> str:
    """Why the decoder may have kept block i against its rules: the kept blocks around it."""
    before = next((d.block.index + 1 for d in reversed(decisions[:i]) if d.kept), None)
    after = next((d.block.index + 1 for d in decisions[i + 1:] if d.kept), None)
    if before and after:
        return f"between kept blocks {before} and {after}"
    if before or after:
        return f"{'after' if before else 'before'} kept block {before or after}"
    return "the only kept block"


def overruled_note(decisions: tuple[Decision, ...], i: int) -> str:
    """'fired RELATED004, kept by context (between kept blocks 3 and 5)', or '' when no
    rule was overruled on block i."""
    fired = list(dict.fromkeys(s.source for s in decisions[i].overruled))
    return f"fired {', '.join(fired)}, kept by context ({_kept_by(decisions, i)})" if fired else ""


def render(result: Result, color: bool = False) -> str:
    """One line per block: number, state, keep/drop/trim, text, and why (on a kept block:
    the rules the decoder overruled)."""
    c = result.counts
    lines = [
        f"{result.doc_id}: {c['blocks']} blocks, {c['blocks_removed']} removed, "
        f"{c['blocks_trimmed']} trimmed, {c['chars_removed']} of {c['chars_in']} characters removed"
    ]
    for i, d in enumerate(result.decisions):
        action = "trim" if d.kept and d.trimmed else ("keep" if d.kept else "drop")
        why = ", ".join(d.trims if d.kept else d.reasons)
        note = overruled_note(result.decisions, i) if d.kept else ""
        state = f"{d.state.value:<6}"
        text = _short(d.block.text, TEXT_WIDTH)
        if color:
            import click  # only for a terminal's colours

            state = click.style(state, fg=_COLOURS[d.state.value], bold=not d.kept)
            action = click.style(action, fg="red" if action == "drop" else None, bold=action != "keep")
            text = click.style(text, dim=not d.kept)
            why = click.style(why, fg="red") if why else why
            note = click.style(note, fg="yellow") if note else note
        why = "; ".join(w for w in (why, note) if w)
        line = f"{d.block.index + 1:>4} {state} {action}  {text}"
        lines.append(f"{line}  [{why}]" if why else line)
    for p in result.problems:
        lines.append(f"problem: {p.kind}: {p.message}")
    return "\n".join(lines)


def _signal_record(s: Signal) -> dict[str, Any]:
    return {"source": s.source, "category": s.category, "effect": s.effect, "weight": s.weight}


def report_record(result: Result) -> dict[str, Any]:
    """Every removed or trimmed block of one document, with the signals that decided; and
    under `overruled`, every kept block on which a drop or end rule fired."""
    removed = []
    overruled = [{"block": d.block.index, "span": [d.block.start, d.block.end], "state": d.state.value,
                  "signals": [_signal_record(s) for s in d.overruled], "text": d.block.text}
                 for d in result.decisions if d.overruled]
    for d in result.decisions:
        if d.kept and not d.trimmed:
            continue
        base = d.block.start
        entry: dict[str, Any] = {
            "block": d.block.index,
            "state": d.state.value,
            "action": "trim" if d.kept else "drop",
        }
        if d.kept:
            entry["spans"] = [[base + s, base + e] for s, e in d.trimmed]
            entry["rules"] = list(d.trims)
        else:
            entry["span"] = [d.block.start, d.block.end]
            entry["category"] = d.category
            entry["reasons"] = list(d.reasons)
            entry["signals"] = [_signal_record(s) for s in d.signals]
            entry["pass"] = d.pass_no
        entry["text"] = d.block.text
        removed.append(entry)
    record: dict[str, Any] = {"id": result.doc_id}
    if "path" in result.meta:
        record["path"] = str(result.meta["path"])
    record.update(result.counts)
    record["removed"] = removed
    record["overruled"] = overruled
    record["problems"] = [{"kind": p.kind, "message": p.message} for p in result.problems]
    return record
