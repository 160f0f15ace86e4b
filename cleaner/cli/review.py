"""`cleaner review`: clean inputs as `cleaner run` would and write one HTML page to audit
what went and why."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cleaner import __version__
from cleaner.cli.app import _inputs, _jobs, build_cleaner, selection_options
from cleaner.cli.review_page import PageInfo, render_page
from cleaner.io import remote
from cleaner.io.files import AtomicFile
from cleaner.io.formats import Options
from cleaner.run.parallel import WorkerDied
from cleaner.run.plan import STDIN, Plan
from cleaner.run.review import collect, same_file

#: Settings named in the page's header when they differ from the defaults.
_SHOWN_SETTINGS = ("select", "ignore", "rule_paths", "builtin_rules", "language", "site", "headline")


def _settings(config) -> tuple[tuple[str, str], ...]:
    default = type(config)()
    out = []
    for name in _SHOWN_SETTINGS:
        value = getattr(config, name)
        if value != getattr(default, name):
            out.append((name, ", ".join(value) if isinstance(value, tuple) else str(value)))
    return tuple(out)


@click.command(epilog="""\b
Examples:
  cleaner review seeds/ -o review.html            then open review.html in a browser
  cleaner review crawl.jsonl.gz -o review.html --max-docs 50
  cat crawl.jsonl | cleaner review - -o review.html --ignore caption""")
@click.argument("inputs", nargs=-1, required=True, callback=_inputs)
@click.option("-o", "--output", default="review.html", show_default=True, metavar="FILE.html|-",
              help="The page to write (- for stdout). It is overwritten.")
@click.option("--max-docs", default=200, show_default=True, type=click.IntRange(1),
              help="Show at most this many documents: the 10 with the most removed, and a random sample of "
                   "the rest, each equally likely (fixed seed: the same input gives the same page). The summary "
                   "counts every document.")
@selection_options
@click.option("--format", "kind", type=click.Choice(["text", "html", "jsonl"]),
              help="Read every input as this kind (default: by file name; stdin is sniffed).")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL: the field naming a record on the page.")
@click.option("--html-comments", is_flag=True, help="HTML: let trafilatura keep the comment section (cleaner then judges it).")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: all cores). The page is the same for any -j.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but failures.")
def review(inputs, output, max_docs, select, ignore, rule_paths, no_builtin, language, site, headline,
           config_file, no_cache, kind, text_field, id_field, html_comments, jobs, quiet):
    """Write one self-contained HTML page to audit a run: what went from each document,
    and why.

    INPUTS are what `cleaner run` takes (files, folders, JSONL, HTML, fsspec URLs, - for
    stdin), read and cleaned the same way, with the same rule options. Nothing else is
    written. The page has a summary (documents, share removed, rules and categories with
    counts, the documents with the most removed), then each document in full: removed
    lines struck through and coloured by category with their rule ids, heuristics and
    decoder state, trimmed spans marked, and a filter by rule and category. It loads
    nothing from the network, works from a file:// URL and prints cleanly.
    Exit status: 0 all documents cleaned, 1 some failed, 2 usage or setup error.
    """
    if inputs.count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be read only once.")
    target = None if output == "-" else Path(output)
    if target is not None:
        if remote.is_url(output):
            raise click.UsageError("-o/--output must be a local file or -; write the page locally, then upload it.")
        if target.is_dir():
            raise click.UsageError(f"-o/--output {target} is a folder; name the page, e.g. -o {target / 'review.html'}.")
        for p in inputs:
            if isinstance(p, Path) and p != STDIN and same_file(str(p), target):
                raise click.UsageError(f"-o/--output {target} is an input; cleaner never writes over its input.")
    ctx = click.get_current_context()
    cleaner = build_cleaner(ctx)
    storage = ctx.meta.get("cleaner.storage_options", {})
    options = Options(text_field=text_field, id_field=id_field or None, html_comments=html_comments, group_by="url")
    plan = Plan(tuple(inputs), None, options, cleaner.config.max_bytes, False, kind, tuple(storage.items()))
    start = time.monotonic()
    try:
        result = collect(cleaner.config, plan, _jobs(jobs, plan), max_docs, cleaner=cleaner,
                         skip=(lambda path: same_file(path, target)) if target else (lambda path: False))
    except (WorkerDied, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    info = PageInfo(tuple(str(i) for i in inputs), _settings(cleaner.config), __version__)
    page = render_page(result, info)
    if target is None:
        sys.stdout.write(page)
    else:
        with AtomicFile(target) as fh:
            fh.write(page)
    if not quiet:
        for notice in result.notices:
            click.echo(f"note: {notice}", err=True)
        n = result.documents
        share = f" ({100 * result.chars_removed / result.chars_in:.1f}% of characters removed)" if result.chars_in else ""
        shown = (f"showing {len(result.shown)} of them (--max-docs {max_docs})" if result.sampled
                 else f"showing {'all of them' if n != 1 else 'it'}")
        where = f"; wrote {target}, {shown}" if target else ""
        failed = f" {len(result.failures)} failed:" if result.failures else " No failures."
        click.echo(f"reviewed {n} document{'s' * (n != 1)} in {time.monotonic() - start:.1f}s{share}{where}.{failed}",
                   err=True)
    if result.failures:
        click.echo("\n".join(f"  {f}" for f in result.failures[:50]), err=True)
        if len(result.failures) > 50:
            click.echo(f"  ... and {len(result.failures) - 50} more (listed on the page)", err=True)
        sys.exit(1)
