"""`cleaner learn`: write one rule pack per site from the lines its documents share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import click

from cleaner.io.files import (
    decode_bytes,
    find_inputs,
    kind_of_path,
    open_binary,
    read_bytes,
    write_atomic,
)
from cleaner.io.formats import Options, extract_html, parse_record
from cleaner.model import Document, DocumentError
from cleaner.run.learn import count_sites, count_sites_dask, pack_text

GROUP_HELP = ("How documents are grouped into sites: url (the host of a JSONL record's url field or an "
              "HTML page's URL), folder (the top-level folder under the input folder), or field:NAME "
              "(a JSONL field).")


def iter_documents(inputs: tuple[Path, ...], options: Options, max_bytes: int,
                   failures: list[str]) -> Iterator[Document]:
    """Documents with the metadata learning groups by: rel path, url, the JSONL record."""
    for item in find_inputs(inputs, None):
        kind = kind_of_path(item.path) or "text"
        rel = item.rel.as_posix()
        if kind == "jsonl":  # streamed: a corpus file may be far larger than max_bytes
            try:
                with open_binary(item.path) as fh:
                    for n, line in enumerate(fh, start=1):
                        if not line.strip():
                            continue
                        try:
                            record, text = parse_record(line, f"{item.path}:{n}", options)
                        except DocumentError as exc:
                            failures.append(str(exc))
                            continue
                        url = record.get(options.url_field)
                        yield Document(f"{rel}:{n}", text, {"rel": rel, "url": url, "record": record})
            except (OSError, EOFError) as exc:
                failures.append(f"{item.path}: cannot read: {exc}")
            continue
        try:
            data = read_bytes(item.path, max_bytes)
            if kind == "html":
                text, meta = extract_html(data, options)
            else:
                text, meta = decode_bytes(data, str(item.path))[0], {}
        except DocumentError as exc:
            failures.append(str(exc))
            continue
        yield Document(rel, text, {"rel": rel, **meta})


def learn_packs(inputs: tuple[Path, ...], out: Path, group_by: str, min_docs: int, min_share: float,
                options: Options, max_bytes: int, client=None) -> tuple[list[str], list[str]]:
    """Count (on a Dask cluster when `client` is given), then write `<out>/<site>.toml` for
    every site with templates. Returns the summary lines and the failures."""
    failures: list[str] = []
    docs = iter_documents(inputs, options, max_bytes, failures)
    sites = count_sites_dask(client, docs, group_by) if client is not None else count_sites(docs, group_by)
    lines = []
    for site in sorted(sites):
        counts = sites[site]
        templates = counts.templates(min_docs, min_share)
        dup = f", {counts.duplicates} duplicates counted once" if counts.duplicates else ""
        if counts.documents < min_docs:
            lines.append(f"{site}: {counts.documents} documents{dup}, fewer than --min-docs {min_docs}: nothing learned")
            continue
        if not templates:
            lines.append(f"{site}: {counts.documents} documents{dup}: no line recurs enough")
            continue
        name = "".join(c if c.isalnum() or c in "-." else "_" for c in site)
        write_atomic(out / f"{name}.toml", pack_text(site, counts, templates))
        lines.append(f"{site}: {counts.documents} documents{dup}: {len(templates)} template lines -> {out / name}.toml")
    if not sites:
        lines.append(f"no document could be grouped by {group_by}")
    return lines, failures


@click.command("learn")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the learned packs, one <site>.toml per site.")
@click.option("--group-by", default="url", show_default=True, help=GROUP_HELP)
@click.option("--min-docs", default=5, show_default=True, type=click.IntRange(2),
              help="A line must recur in at least this many (distinct) documents of a site.")
@click.option("--min-share", default=0.2, show_default=True, type=click.FloatRange(0, 1),
              help="...and in at least this share of the site's documents.")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: count on a Dask cluster (map per chunk of documents, reduce per site).")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler; default: a LocalCluster.")
def learn(inputs, output, group_by, min_docs, min_share, text_field, engine, scheduler):
    """Learn each site's boilerplate from its own pages: the lines that recur across a
    site's documents become a rule pack with `sites = [...]`. Use the packs with
    `cleaner run --rules OUT/`, or learn and clean in one go with `cleaner run --learn`.

    Lines are compared after folding case, digits, punctuation and spacing; syndicated
    copies of one article count once. Every learned rule records its support, which
    `cleaner rules explain` shows.
    """
    from cleaner.config import Config

    client = None
    if engine == "dask":
        from cleaner.run import dask as dask_engine

        try:
            client = dask_engine.connect(scheduler, os.cpu_count() or 1)
        except ImportError as exc:
            raise click.UsageError(str(exc)) from None
    try:
        lines, failures = learn_packs(inputs, output, group_by, min_docs, min_share,
                                      Options(text_field=text_field), Config().max_bytes, client)
    finally:
        if client is not None:
            dask_engine.close(client)
    for line in lines:
        click.echo(line, err=True)
    for f in failures:
        click.echo(f"failed: {f}", err=True)
    raise SystemExit(1 if failures else 0)
