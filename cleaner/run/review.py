"""Collect a run for the review page: every input is read and cleaned exactly as `cleaner
run` does it (the same plan, tasks and handlers), the counts cover every document, and a
bounded set of Results is kept whole: the documents with the most removed, and a random
sample of the rest in which every document is equally likely (reservoir sampling with a
fixed seed, so the same input always gives the same page).
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from cleaner.config import Config
from cleaner.model import Result
from cleaner.run.parallel import TaskFailed, ordered_map
from cleaner.run.plan import Plan, RunStats, tasks
from cleaner.run.tasks import FileTask, handle

#: Documents listed (and always shown) as the ones with the most characters removed.
TOP_REMOVED = 10
#: The sample's seed: the page is the same for the same input and options.
SEED = 0


@dataclass(frozen=True)
class Reviewed:
    """One document: where it sits in the input (0-based, among cleaned documents), its
    name, what was removed, and (only for the documents shown) its whole Result."""

    position: int
    key: str
    chars_in: int
    chars_removed: int
    result: Result | None = None

    @property
    def share(self) -> float:
        return self.chars_removed / self.chars_in if self.chars_in else 0.0


@dataclass
class Review:
    """Counts over every document of a run, and the documents kept whole for the page."""

    max_docs: int
    seed: int = SEED
    documents: int = 0
    blocks: int = 0
    blocks_removed: int = 0
    blocks_trimmed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    #: rule id or heuristic -> lines it removed (as one of their reasons) or trimmed
    reasons: Counter = field(default_factory=Counter)
    #: rule id or heuristic -> lines it decided (the strongest reason), as `run` counts them
    decided: Counter = field(default_factory=Counter)
    #: rule id -> kept lines where it fired (drop or end) and the decoder overruled it
    overruled: Counter = field(default_factory=Counter)
    #: category -> lines removed or trimmed in it ("context": removed on context alone)
    categories: Counter = field(default_factory=Counter)
    #: rule id or heuristic -> its category ("heuristic" for h.*, "decoder" for decoder.*)
    category_of: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    top: list[Reviewed] = field(default_factory=list)  # most removed first
    shown: list[Reviewed] = field(default_factory=list)  # in input order

    @property
    def sampled(self) -> bool:
        """True when not every document is shown."""
        return len(self.shown) < self.documents


def _source_category(source: str, result_signals: dict[str, str]) -> str:
    if source.startswith("h."):
        return "heuristic"
    if source.startswith("decoder."):
        return "decoder"
    return result_signals.get(source, "")


def _count(review: Review, result: Result) -> None:
    """Add one document's decisions to the counts."""
    counts = result.counts
    review.documents += 1
    for name in ("blocks", "blocks_removed", "blocks_trimmed", "chars_in", "chars_removed"):
        setattr(review, name, getattr(review, name) + counts[name])
    for d in result.decisions:
        cats = {s.source: s.category for s in d.signals}
        if not d.kept:
            review.categories[d.category] += 1
            if d.reasons:
                review.decided[d.reasons[0]] += 1
            for reason in d.reasons:
                review.reasons[reason] += 1
                review.category_of.setdefault(reason, _source_category(reason, cats))
            continue
        for rule in dict.fromkeys(d.trims):
            review.reasons[rule] += 1
            review.decided[rule] += 1
            review.category_of.setdefault(rule, _source_category(rule, cats))
            review.categories[review.category_of[rule]] += 1
        for rule in dict.fromkeys(s.source for s in d.signals if fired(s.source, s.effect)):
            review.overruled[rule] += 1
            review.category_of.setdefault(rule, _source_category(rule, cats))


def fired(source: str, effect: str) -> bool:
    """A rule signal that asks for a removal (on a kept line: overruled by the decoder)."""
    return not source.startswith("h.") and effect in ("drop", "end")


class _Recorder:
    """Stands in for the worker's Cleaner inside the run's own task handlers and keeps the
    Results they make, so review reads and cleans documents exactly as `cleaner run` does."""

    def __init__(self, cleaner: Any):
        self.cleaner, self.results = cleaner, []

    def clean(self, doc, *args, **kwargs):
        result = self.cleaner.clean(doc, *args, **kwargs)
        self.results.append(result)
        return result

    def clean_many(self, docs):
        for doc in docs:
            yield self.clean(doc)

    def __getattr__(self, name: str) -> Any:  # config and the rest: the real Cleaner's
        return getattr(self.cleaner, name)


def handle_for_review(cleaner: Any, task: Any) -> list[tuple[str, str | None, list[str], Result | None]]:
    """(name, error, notes, Result) for every document of one task (a worker function)."""
    recorder = _Recorder(cleaner)
    outcomes = handle(recorder, task)
    results = iter(recorder.results)
    out = []
    for o in outcomes:
        result = None if o.error else next(results)
        if result is not None and result.doc_id != o.key:  # the handlers' order changed
            raise RuntimeError(f"review: result {result.doc_id!r} does not belong to {o.key!r}")
        out.append((o.key, o.error, list(o.notes), result))
    return out


class _Keeper:
    """Which documents stay whole: the TOP_REMOVED with the most removed (a heap), and a
    uniform sample of `size` (reservoir sampling, Algorithm R, seeded)."""

    def __init__(self, size: int, seed: int):
        self.size, self.rng = size, random.Random(seed)
        self.reservoir: list[Reviewed] = []
        self.heap: list[tuple[int, int, Reviewed]] = []
        self.seen = 0

    def offer(self, doc: Reviewed) -> None:
        entry = (doc.chars_removed, -doc.position, doc)
        if doc.chars_removed and (len(self.heap) < TOP_REMOVED or entry[:2] > self.heap[0][:2]):
            (heapq.heappush if len(self.heap) < TOP_REMOVED else heapq.heapreplace)(self.heap, entry)
        self.seen += 1
        if len(self.reservoir) < self.size:
            self.reservoir.append(doc)
        else:
            j = self.rng.randrange(self.seen)
            if j < self.size:
                self.reservoir[j] = doc

    def finish(self) -> tuple[list[Reviewed], list[Reviewed]]:
        """(the most removed, most first; the documents shown, in input order: the most
        removed that fit, and the sample's others up to `size`)."""
        top = [d for _, _, d in sorted(self.heap, key=lambda e: e[:2], reverse=True)]
        keep = {d.position: d for d in top[: self.size]}
        rest = [d for d in self.reservoir if d.position not in keep]
        room = self.size - len(keep)
        if len(rest) > room:
            rest = self.rng.sample(rest, room)
        keep.update((d.position, d) for d in rest)
        return top, [keep[p] for p in sorted(keep)]


def collect(config: Config, plan: Plan, jobs: int, max_docs: int, cleaner: Any = None,
            skip: Callable[[str], bool] = lambda path: False,
            progress: Callable[[int], None] | None = None) -> Review:
    """Clean every input of `plan` (whose output must be None) and gather the review.
    `skip(path)` leaves out a file task (the page being written, when it sits in an input
    folder)."""
    if max_docs < 1:
        raise ValueError("max_docs must be at least 1")
    review = Review(max_docs=max_docs)
    keeper = _Keeper(max_docs, review.seed)
    stats = RunStats()

    def feed() -> Iterator[Any]:
        for task, _ in tasks(plan, stats):
            if not (isinstance(task, FileTask) and skip(task.path)):
                yield task

    for batch in ordered_map(config, handle_for_review, feed(), jobs, cleaner=cleaner):
        if isinstance(batch, TaskFailed):
            review.failures.append(str(batch))
            continue
        _add(review, keeper, batch)
        if progress:
            progress(review.documents)
    review.top, shown = keeper.finish()
    review.shown = shown
    return review


def _add(review: Review, keeper: _Keeper, batch: Iterable[tuple[str, str | None, list[str], Result | None]]) -> None:
    for key, error, notes, result in batch:
        review.notices.extend(notes)
        if error or result is None:
            review.failures.append(error or f"{key}: not cleaned")
            continue
        counts = result.counts
        position = review.documents
        _count(review, result)
        keeper.offer(Reviewed(position, key, counts["chars_in"], counts["chars_removed"], result))


def same_file(path: str, target: Path) -> bool:
    """Whether an input path is the file being written."""
    try:
        return Path(path).resolve() == target.resolve()
    except OSError:
        return False
