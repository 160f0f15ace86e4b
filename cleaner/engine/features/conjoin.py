"""Conjunctions: the learned features renamed by the document's regime.

The decoder has one set of learned weights for a whole page's text (many short lines), one
for an extractor's output (few) and one in between (some): each learned feature becomes
`name@regime`. This is the last step of the features; see `cleaner.engine.features`.
"""

from __future__ import annotations

#: Features that are not tied to the document's regime: the rules, the repeat, headline and
#: caption heuristics (all but h.repeat-long have hand-set weights, see benchmarks/fit.py),
#: and the regime itself.
UNCONJOINED = ("rule:", "rule.end", "rule.certain", "h.repeat", "h.headline", "h.first-copy", "h.title", "h.echo", "h.comment", "doc.short:")


def conjoin(features: dict[str, float], names: dict[str, str | None] | None = None) -> None:
    """Rename the learned features to `name@regime`, in place, so that the decoder has one
    set of weights for a whole page's text (`@many` short lines), one for an extractor's
    output (`@few`) and one in between (`@some`). `names` memoises the renaming for the
    blocks of one document (all share the document's regime)."""
    regime = next((k for k in features if k.startswith("doc.short:")), None)
    if regime is None:
        return
    tag = regime.split(":", 1)[1]
    names = {} if names is None else names
    for name, value in list(features.items()):
        new = names.get(name, "")
        if new == "":
            new = names[name] = None if name.startswith(UNCONJOINED) else f"{name}@{tag}"
        if new is not None:
            del features[name]
            features[new] = value
