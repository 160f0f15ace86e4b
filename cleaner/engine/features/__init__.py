"""Block features, computed in four steps that each read only what the steps before made:

1. `text`: what each block's own text says, and the evidence of the rules that fired on it;
2. `context`: where the block sits and what surrounds it;
3. `repeats`: what it shares with other blocks (headline, copies, site name, captions,
   lists under a heading);
4. `conjoin`: the learned features renamed by the document's regime.

A feature is a name and a value; the decoder's weights file says how much each counts for
each state. Features named ``h.<name>`` are the named heuristics a removal can cite.
"""

from __future__ import annotations

from typing import Sequence

from cleaner.engine.features import repeats
from cleaner.engine.features.comments import comment_features
from cleaner.engine.features.conjoin import conjoined, regime
from cleaner.engine.features.context import context_features, sequence_features
from cleaner.engine.features.text import Local, local_features, rule_features
from cleaner.model import EVIDENCE, Block, Signal

#: Repeat features that mark a headline (or the first copy of a repeated line): a block a
#: rule fired on is neither, whatever it looks like.
HEADLINE_MARKS = ("h.headline", "h.first-copy")


def block_features(
    blocks: Sequence[Block],
    signals: Sequence[Sequence[Signal]],
    stopwords: frozenset[str],
    site: str | None,
    cache: dict[str, Local] | None = None,
    renamed: bool = True,
) -> list[dict[str, float]]:
    """One feature dict per block, from the block itself and its document. `cache` (text ->
    Local) is shared by the passes over one document. Without `renamed`, the features are
    named as before step 4 (the decoder weighs them as renamed: see Weights.emit_all)."""
    # 1. text only: each distinct text once; a rule other than a trim makes a block `ruled`
    cache = {} if cache is None else cache
    local = []
    for b in blocks:
        loc = cache.get(b.text)
        if loc is None:
            loc = cache[b.text] = local_features(b.text, stopwords)
        local.append(loc)
    ruled = [bool(sigs) and any(s.effect in EVIDENCE for s in sigs) for sigs in signals]
    norms, counts, ends, prose, _ = zip(*local) if local else ((),) * 5  # (Local's fields, per block)

    # 2. context (each dict made once: the text's features, the rules', then the context's)
    around = context_features(blocks, counts, prose)
    feats = [{**loc.feats, **rule_features(sigs), **ctx} if sigs else {**loc.feats, **ctx}
             for loc, sigs, ctx in zip(local, signals, around)]
    sequence_features(feats, ruled)
    comment_features(signals, feats, ruled)

    # 3. repeats and lists
    rep = repeats.repeats(norms, counts, prose)
    names = repeats.site_names(site, signals)
    for i, found in rep.items():
        for name, value in found.items():
            if not (ruled[i] and name in HEADLINE_MARKS):  # a rule outweighs looking like a title
                feats[i][name] = value
    for i, f in enumerate(feats):
        if names and repeats.mentions_site(norms[i], counts[i], names):
            f["h.site-name"] = 1.0
        if "h.titlecase" in f and counts[i] <= repeats.CAPTION_MAX_WORDS and repeats.echoes(norms[i].split(), norms, i):
            f["h.echo"] = 1.0
    title = repeats.title_index(counts, ends, ruled, feats)
    if title is not None:
        feats[title]["h.title"] = 1.0
    repeats.listed_features(feats, counts, ruled)

    # 4. conjunctions: one regime per document
    if feats and renamed:  # every block names the document's regime
        conjoined(feats, regime(feats[0]))
    return feats
