"""A datatrove pipeline step: `BoilerplateCleaner` (`pip install "cleaner[datatrove]"`).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import BoilerplateCleaner

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"),
        BoilerplateCleaner(ignore=("caption",)),
        JsonlWriter("clean/"),
    ], tasks=4, logging_dir="logs/").run()

The step cleans `doc.text` in place (only deleting, as everywhere), writes a short summary
into `doc.metadata["cleaner"]` (removed characters and blocks, the top reasons) and counts
documents, removed characters and blocks, and each rule's hits in the step's stats (the
executor merges them across tasks into `logs/stats.json`). It takes the same `Config` as
everything else, or its fields as keywords. A document's `url`, `site` and `language`
metadata reach the cleaner as in a JSONL run (site packs, stopwords).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from cleaner.config import Config
from cleaner.engine.cleaner import Cleaner
from cleaner.io.formats import Options, record_meta
from cleaner.model import Document, Result

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError as exc:
    raise ImportError('cleaner.datatrove needs datatrove: pip install "cleaner[datatrove]"') from exc

#: Reasons listed in a document's summary, most frequent first.
TOP_REASONS = 3


class BoilerplateCleaner(PipelineStep):
    """Strip boilerplate from each document's text and say why, in its metadata.

    `config` (default: `Config()`) and keyword fields of `Config` (`ignore=("caption",)`,
    `rule_paths=("packs/",)`, ...) choose the rules, as `cleaner run` does. The summary goes
    under `metadata_key`: `removed_chars`, `removed_blocks`, `trimmed_blocks` and
    `top_reasons` (rule ids or heuristic names, most frequent first).
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, config: Config | None = None, *, metadata_key: str = "cleaner",
                 top_reasons: int = TOP_REASONS, **options: Any):
        super().__init__()
        try:
            config = (config or Config()).with_(**options)
        except TypeError:
            known = ", ".join(Config.__dataclass_fields__)
            raise TypeError(f"BoilerplateCleaner: unknown Config option(s) {', '.join(sorted(options))}; "
                            f"known: {known}") from None
        self.config = config
        self.metadata_key = metadata_key
        self.top_reasons = top_reasons
        self.cleaner = Cleaner(config)  # bad packs or selectors fail here, before any task runs
        self.rule_ids = frozenset(r.id for r in self.cleaner.rules)

    def summary(self, result: Result) -> dict[str, Any]:
        """The short record a document's metadata gets."""
        counts = result.counts
        reasons = Counter(d.reasons[0] for d in result.removed if d.reasons)
        reasons.update(t for d in result.decisions if d.kept for t in d.trims)
        return {
            "removed_chars": counts["chars_removed"],
            "removed_blocks": counts["blocks_removed"],
            "trimmed_blocks": counts["blocks_trimmed"],
            "top_reasons": [reason for reason, _ in reasons.most_common(self.top_reasons)],
        }

    def _count(self, result: Result) -> None:
        counts = result.counts
        self.stat_update("documents")
        self.stat_update("removed_chars", value=counts["chars_removed"])
        self.stat_update("removed_blocks", value=counts["blocks_removed"])
        if counts["blocks_removed"] or counts["blocks_trimmed"]:
            self.stat_update("documents_changed")
        hits = Counter(r for d in result.removed for r in d.reasons if r in self.rule_ids)
        hits.update(t for d in result.decisions if d.kept for t in d.trims)
        for rule_id, n in sorted(hits.items()):
            self.stat_update(f"rule:{rule_id}", value=n)
        for problem in result.problems:
            self.stat_update(f"problem:{problem.kind}")

    def run(self, data, rank: int = 0, world_size: int = 1):
        for doc in data:
            meta = record_meta(doc.metadata, Options())
            with self.track_time():
                result = self.cleaner.clean(Document(id=str(doc.id), text=doc.text, meta=meta))
            doc.text = result.text
            doc.metadata[self.metadata_key] = self.summary(result)
            self._count(result)
            yield doc


__all__ = ["BoilerplateCleaner"]
