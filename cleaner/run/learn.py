"""Learn a site's boilerplate from its own pages: lines that recur across a site's documents.

Per site (a URL's host, a top-level folder, or a record field), every document's lines are
normalised (case, digits, punctuation and white space folded, so "© 2023 X" and "© 2024 X"
are one line) and hashed; each distinct hash counts once per document. Syndicated copies of
one article count once: a document whose signature (its smallest long-line hashes, leaving
out lines already common on the site) was seen before is a duplicate and adds nothing.

Counting is bounded: a lossy counter (Manku and Motwani) keeps, per site, only hashes that
could still reach `epsilon` of the site's documents, so memory grows with the number of
sites and templates, not with the corpus. An example line is kept only for hashes seen twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

from cleaner.io.formats import site_key
from cleaner.model import Document

#: Lines with fewer words are too short to be a template of their own ("Share", "Home"); a
#: two-word site name ("Metro Daily") printed atop every article is one.
MIN_WORDS = 2
#: Lines with at least this many words make up a document's signature (its article text).
LONG_WORDS = 8
#: A document's signature: its this many longest lines (of LONG_WORDS words or more).
SIGNATURE_SIZE = 2
#: Lossy counting: hashes whose count may be under this share of a site's documents are
#: forgotten (far below any sensible --min-share).
EPSILON = 0.01

_WORDS = re.compile(r"[^\W\d_]+|\d+")


def normalise(line: str) -> tuple[str, ...]:
    """Words of a line, case-folded, every number as 0."""
    return tuple("0" if w[0].isdigit() else w for w in _WORDS.findall(line.casefold()))


def line_hash(words: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest(), "big")


@dataclass
class SiteCounts:
    """Lossy counts of normalised line hashes over one site's distinct documents."""

    documents: int = 0
    duplicates: int = 0
    counts: dict[int, list[int]] = field(default_factory=dict)  # hash -> [count, max error]
    examples: dict[int, str] = field(default_factory=dict)
    signatures: set[int] = field(default_factory=set)

    def add(self, lines: Iterable[str]) -> None:
        hashes: dict[int, str] = {}
        long: list[int] = []
        long_words: dict[int, int] = {}
        for line in lines:
            words = normalise(line)
            if len(words) < MIN_WORDS:
                continue
            h = line_hash(words)
            hashes.setdefault(h, line.strip())
            if len(words) >= LONG_WORDS:
                long.append(h)
                long_words[h] = len(words)
        if long:  # a copy of an article has the same longest paragraphs
            top = sorted(set(long), key=lambda h: (-long_words[h], h))[:SIGNATURE_SIZE]
            signature = line_hash(tuple(map(str, sorted(top))))
            if signature in self.signatures:
                self.duplicates += 1
                return
            self.signatures.add(signature)
        self.documents += 1
        bucket = int(self.documents * EPSILON)
        for h, text in hashes.items():
            entry = self.counts.get(h)
            if entry is None:
                self.counts[h] = [1, bucket]
            else:
                entry[0] += 1
                if entry[0] == 2:
                    self.examples[h] = text
        if self.documents % int(1 / EPSILON) == 0:  # the lossy counter's pruning step
            for h in [h for h, (c, err) in self.counts.items() if c + err <= bucket]:
                del self.counts[h]
                self.examples.pop(h, None)

    def merge(self, other: "SiteCounts") -> None:
        """Add another partition's counts (the reduce step of a distributed count). A copy
        of an article whose original was counted in another partition is found by its
        signature here, but its lines were already counted there: such pairs count twice."""
        self.documents += other.documents
        self.duplicates += other.duplicates + len(self.signatures & other.signatures)
        self.signatures |= other.signatures
        for h, (c, err) in other.counts.items():
            entry = self.counts.setdefault(h, [0, 0])
            entry[0] += c
            entry[1] += err
        for h, text in other.examples.items():
            self.examples.setdefault(h, text)
        for h, (c, _) in self.counts.items():
            if c >= 2 and h not in self.examples and h in other.examples:
                self.examples[h] = other.examples[h]
        bucket = int(self.documents * EPSILON)
        for h in [h for h, (c, err) in self.counts.items() if c + err <= bucket]:
            del self.counts[h]
            self.examples.pop(h, None)

    def templates(self, min_docs: int, min_share: float) -> list[tuple[str, int]]:
        """(example line, documents) of the lines that recur enough, most frequent first."""
        out = [(self.examples[h], c) for h, (c, _) in self.counts.items()
               if c >= min_docs and c >= min_share * self.documents and h in self.examples]
        return sorted(out, key=lambda x: (-x[1], x[0]))



def count_chunk(docs: list[tuple[str, str]]) -> dict[str, SiteCounts]:
    """The map step: counts of (site, text) pairs."""
    sites: dict[str, SiteCounts] = {}
    for site, text in docs:
        sites.setdefault(site, SiteCounts()).add(text.splitlines())
    return sites


def count_sites_dask(client, docs: Iterable[Document], group_by: str, chunk: int = 500) -> dict[str, SiteCounts]:
    """A distributed count: chunks of documents counted on the workers, merged here per
    site in input order (so the result does not depend on which worker finished first)."""
    futures = []
    batch: list[tuple[str, str]] = []
    for doc in docs:
        key = site_key(doc, group_by)
        if key is not None:
            batch.append((key, doc.text))
        if len(batch) >= chunk:
            futures.append(client.submit(count_chunk, batch, pure=False, retries=3))
            batch = []
    if batch:
        futures.append(client.submit(count_chunk, batch, pure=False, retries=3))
    sites: dict[str, SiteCounts] = {}
    for future in futures:
        for key, counts in future.result().items():
            if key in sites:
                sites[key].merge(counts)
            else:
                sites[key] = counts
    return sites


def count_sites(docs: Iterable[Document], group_by: str) -> dict[str, SiteCounts]:
    sites: dict[str, SiteCounts] = {}
    for doc in docs:
        key = site_key(doc, group_by)
        if key is not None:
            sites.setdefault(key, SiteCounts()).add(doc.text.splitlines())
    return sites


def _pattern(example: str) -> str:
    """A pattern for a line and its normalised variants: same words, any case, any number,
    any punctuation and spacing between them; the whole block."""
    parts = []
    for w in normalise(example):
        parts.append(r"\d+" if w == "0" else re.escape(w))
    return r"(?i)^[\W_]*" + r"[\W_]+".join(parts) + r"[\W_]*$"


def _slug(site: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", site.casefold()).strip("-") or "site"


def pack_text(site: str, counts: SiteCounts, templates: list[tuple[str, int]]) -> str:
    """A rule pack (TOML) for one site's learned templates."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["# Learned by `cleaner learn`: lines that recur across this site's documents.",
             "[pack]", f"name = {q('template-' + _slug(site))}",
             f"description = {q(f'Boilerplate learned from {counts.documents} documents of {site}.')}",
             f"sites = [{q(site)}]", ""]
    for n, (example, docs) in enumerate(templates, start=1):
        share = docs / max(1, counts.documents)
        number = line_hash((site, *normalise(example))) % 10**8  # stable, and unique across sites
        lines += [
            "[[rule]]", f'id = "TPL{number:08d}"', f"name = {q(f'template.{_slug(site)}-{n}')}",
            'category = "template"', 'effect = "drop"', 'certain = true', f"pattern = '''{_pattern(example)}'''",
            f"rationale = {q(f'Recurs in {docs} of {counts.documents} documents of {site} ({share:.0%}).')}",
            f"match = [{q(example)}]",
            'keep = ["A sentence of an article that only mentions the template in passing."]',
            f"support = {{ documents = {docs}, share = {share:.3f}, site_documents = {counts.documents} }}",
            "",
        ]
    return "\n".join(lines)
