"""Rule packs: loading and validating the TOML packs, analysing their patterns, the prefilter
that skips rules a block cannot match, selection by id/category/glob, and turning matches
into signals."""
