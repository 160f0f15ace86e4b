"""Conjunctions: the learned features renamed by the document's regime.

The decoder has one set of learned weights for a whole page's text (many short lines), one
for an extractor's output (few) and one in between (some): each learned feature becomes
`name@regime`. This is the last step of the features; see `cleaner.engine.features`.
"""

from __future__ import annotations

from collections.abc import Mapping

#: A learned feature's weights, one per state (see cleaner.engine.decode).
Row = tuple[float, float, float, float]

#: Features that are not tied to the document's regime: the rules, the repeat, headline and
#: caption heuristics (all but h.repeat-long have hand-set weights, see benchmarks/fit.py),
#: and the regime itself.
UNCONJOINED = ("rule:", "rule.end", "rule.certain", "h.repeat", "h.headline", "h.first-copy", "h.title", "h.echo", "h.comment", "doc.short:")


def regime(features: dict[str, float]) -> str | None:
    """The document's regime (`few`, `some`, `many`) that a block's features name."""
    found = next((k for k in features if k.startswith("doc.short:")), None)
    return None if found is None else found.split(":", 1)[1]


def conjoined(feats: list[dict[str, float]], tag: str | None) -> None:
    """In place: every block's features renamed for the regime `tag` (see `renamed`)."""
    if tag is not None:
        feats[:] = [renamed(features, tag) for features in feats]


def renamed(features: Mapping[str, float], tag: str | None) -> dict[str, float]:
    """One block's learned features renamed to `name@regime` for the regime `tag`, so that
    the decoder has one set of weights for a whole page's text (`@many` short lines), one
    for an extractor's output (`@few`) and one in between (`@some`): a new dict, the names
    it keeps first, then the renamed ones, in their order."""
    if tag is None:
        return dict(features)
    kept: dict[str, float] = {}
    moved = []
    for name, value in features.items():
        if name.startswith(UNCONJOINED):
            kept[name] = value
        else:
            moved.append((f"{name}@{tag}", value))
    kept.update(moved)
    return kept


def regime_rows(rows: Mapping[str, Row], tag: str) -> tuple[dict[str, Row], dict[str, Row]]:
    """`rows` (the decoder's, by renamed feature name) by the names features have before
    `conjoined` renames them for the regime `tag`: those it keeps, and those it renames
    (`name` for `name@tag`). A block's features found in the first, then in the second, are
    the rows of its renamed features, in their order."""
    suffix = f"@{tag}"
    kept = {name: row for name, row in rows.items() if name.startswith(UNCONJOINED)}
    moved = {name[:-len(suffix)]: row for name, row in rows.items()
             if name.endswith(suffix) and not name[:-len(suffix)].startswith(UNCONJOINED)}
    return kept, moved
