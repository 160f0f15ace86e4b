"""Explanations: the per-block table for people, and the JSON record for `--report`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from cleaner.model import Result

#: Columns of block text shown by `explain`.
TEXT_WIDTH = 72
_COLOURS = {"HEAD": "cyan", "BODY": "green", "INSERT": "magenta", "TAIL": "yellow"}


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render(result: "Result", color: bool = False) -> str:
    """One line per block: number, state, keep/drop/trim, text, and why."""
    c = result.counts
    lines = [
        f"{result.doc_id}: {c['blocks']} blocks, {c['blocks_removed']} removed, "
        f"{c['blocks_trimmed']} trimmed, {c['chars_removed']} of {c['chars_in']} characters removed"
    ]
    for d in result.decisions:
        action = "trim" if d.kept and d.trimmed else ("keep" if d.kept else "drop")
        why = ", ".join(d.trims if d.kept else d.reasons)
        state = f"{d.state.value:<6}"
        text = _short(d.block.text, TEXT_WIDTH)
        if color:
            state = click.style(state, fg=_COLOURS[d.state.value], bold=not d.kept)
            action = click.style(action, fg="red" if action == "drop" else None, bold=action != "keep")
            text = click.style(text, dim=not d.kept)
            why = click.style(why, fg="red") if why else why
        line = f"{d.block.index + 1:>4} {state} {action}  {text}"
        lines.append(f"{line}  [{why}]" if why else line)
    for p in result.problems:
        lines.append(f"problem: {p.kind}: {p.message}")
    return "\n".join(lines)


def report_record(result: "Result") -> dict[str, Any]:
    """Every removed or trimmed block of one document, with the signals that decided."""
    removed = []
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
            entry["signals"] = [
                {"source": s.source, "category": s.category, "effect": s.effect, "weight": s.weight}
                for s in d.signals
            ]
            entry["pass"] = d.pass_no
        entry["text"] = d.block.text
        removed.append(entry)
    record: dict[str, Any] = {"id": result.doc_id}
    if "path" in result.meta:
        record["path"] = str(result.meta["path"])
    record.update(result.counts)
    record["removed"] = removed
    record["problems"] = [{"kind": p.kind, "message": p.message} for p in result.problems]
    return record
