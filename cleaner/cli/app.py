"""The `cleaner` command line."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path
from typing import Iterable

import click

from cleaner import __version__
from cleaner.cli import configfile, outputs, sources
from cleaner.cli.learn import GROUP_HELP, learn, learn_packs
from cleaner.cli.progress import Progress, total_bytes
from cleaner.cli.rules import rules_group
from cleaner.config import HEADLINE_CHOICES, Config
from cleaner.engine.cleaner import Cleaner
from cleaner.engine.decode import WeightsError
from cleaner.io import remote
from cleaner.io.formats import Options
from cleaner.io.sink import OutputError
from cleaner.model import DocumentError
from cleaner.packs.load import PackError
from cleaner.packs.select import SelectorError
from cleaner.run.parallel import WorkerDied
from cleaner.run.plan import STDIN, Plan, default_jobs
from cleaner.run.plan import run as pipeline_run


class SetupError(click.ClickException):
    """A problem with the command's setup (packs, selectors, weights): exit status 2."""

    exit_code = 2


def _split(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def selection_options(f):
    """--select, --ignore, --rules, --language, --site, --headline, --config, --no-cache: shared
    by run, explain and config show."""
    options = [
        click.option("--select", multiple=True, metavar="SEL",
                     help="Use only these rules: ids (PROMO001), prefixes (PROMO), categories "
                          "(donation), names (promo.whatsapp-join) or globs (promo.*). Comma-separated or repeated."),
        click.option("--ignore", multiple=True, metavar="SEL", help="Leave these rules out (same selectors as --select)."),
        click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="Extra rule pack file or folder of packs (repeatable)."),
        click.option("--no-builtin", is_flag=True, help="Do not load the built-in packs (only --rules)."),
        click.option("--language", default="auto", show_default=True,
                     help="Language of the documents (ISO code, for stopwords), or 'auto'."),
        click.option("--site", help="Publisher host or name of every document (enables site packs and the site-name heuristic)."),
        click.option("--headline", type=click.Choice(HEADLINE_CHOICES), default="keep", show_default=True,
                     help="Keep the headline (once, as the first line) or drop it too: body text only."),
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Configuration file (default: the nearest cleaner.toml or pyproject.toml with [tool.cleaner])."),
        click.option("--no-cache", is_flag=True,
                     help="Build the rule packs, weights and stoplists afresh instead of reading them from the cache "
                          "($CLEANER_CACHE_DIR, else ~/.cache/cleaner), and write no cache."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


#: Command-line parameter -> (Config field, how to turn the option's value into it).
_CLI_FIELDS = {
    "select": ("select", _split), "ignore": ("ignore", _split),
    "rule_paths": ("rule_paths", lambda v: tuple(str(p) for p in v)),
    "no_builtin": ("builtin_rules", lambda v: not v), "language": ("language", str),
    "site": ("site", lambda v: v), "headline": ("headline", str),
    "no_cache": ("cache", lambda v: not v),
}


def resolve_config(ctx: click.Context) -> tuple[Config, dict[str, str]]:
    """The effective Config: defaults, then the config file, then options given on the
    command line; and where each set value came from (with the file's storage_options
    under that name, for URLs)."""
    params = ctx.params
    path = params.get("config_file") or configfile.find(Path.cwd())
    fields: dict[str, object] = {}
    sources: dict[str, str] = {}
    try:
        if path is not None:
            for name, value in configfile.load(Path(path)).items():
                fields[name], sources[name] = value, str(path)
        storage = fields.pop("storage_options", None)
        for param, (name, convert) in _CLI_FIELDS.items():
            source = ctx.get_parameter_source(param)
            if param in params and source not in (None, click.core.ParameterSource.DEFAULT):
                fields[name], sources[name] = convert(params[param]), "command line"
        config = Config(**fields)
        ctx.meta["cleaner.storage_options"] = storage or {}
        return config, sources
    except (configfile.ConfigFileError, ValueError) as exc:
        raise SetupError(str(exc)) from None


#: What building a Cleaner raises for a bad setup (packs, selectors, weights).
SETUP_ERRORS = (PackError, SelectorError, WeightsError, ValueError)


def run_config(ctx: click.Context, extra_rules: tuple[str, ...] = ()) -> Config:
    """The effective Config, with the packs of `extra_rules` too."""
    config, _ = resolve_config(ctx)
    return config.with_(rule_paths=config.rule_paths + extra_rules) if extra_rules else config


def build_cleaner(ctx: click.Context, extra_rules: tuple[str, ...] = ()) -> Cleaner:
    try:
        return Cleaner(run_config(ctx, extra_rules))
    except SETUP_ERRORS as exc:
        raise SetupError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Strip boilerplate from news text: promos, sign-ups, donation appeals, footers,
    captions, related links and reader comments. Every removal names the rule or
    heuristic that decided it.

    \b
    Start with:
      cleaner run seeds/ -o clean/        clean a folder into a mirrored folder
      cleaner explain seeds/002_*.txt     see what goes from one file, and why
    """


def _inputs(ctx, param, values):
    """Local paths (which must exist), - for stdin, or fsspec URLs (checked when read)."""
    out = []
    for v in values:
        if remote.is_url(v):
            out.append(v)
            continue
        path = Path(v)
        if v != "-" and not path.exists():
            raise click.BadParameter(f"{v} does not exist", ctx=ctx, param=param)
        out.append(path)
    return tuple(out)


def _size(ctx, param, value: str | None) -> int | None:
    """A size in bytes: 1000000, 500k, 64M, 1G (binary multiples)."""
    if value is None:
        return None
    text = value.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    try:
        size = int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        size = 0
    if size < 1:
        raise click.BadParameter(f"{value!r} is not a size (examples: 64M, 1G, 500k)", ctx=ctx, param=param)
    return size


def _jobs(value: int | None, plan: Plan | None = None) -> int:
    """-j, else 1 for a small input (see default_jobs), else every core."""
    if value and value > 0:
        return value
    return default_jobs(plan, os.cpu_count() or 1) if plan is not None else (os.cpu_count() or 1)


@main.command(epilog="""\b
Examples:
  cleaner run seeds/ -o clean/                    folder in, mirrored folder out
  cleaner run pages/ -o clean/ --report r.jsonl   and say what went, and why
  cleaner run crawl.jsonl.gz -o clean/ -j 8       JSONL in, JSONL out, 8 processes
  cleaner run crawl.jsonl -o clean.jsonl.gz       one file in, one file out
  cat crawl.jsonl | cleaner run - -o - > out.jsonl
  cleaner run page.html -o -                      extract with trafilatura, clean, print""")
@click.argument("inputs", nargs=-1, required=True, callback=_inputs)
@click.option("-o", "--output", required=True, metavar="DIR|FILE|URL|-",
              help="Folder for the output (the input tree is mirrored under it), an fsspec URL (s3://bucket/out), "
                   "or - for stdout. With one input file, NAME.txt or NAME.jsonl (or .gz) writes that file.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON line per document with every removed block and why.")
@selection_options
@click.option("--format", "kind", type=click.Choice(["text", "html", "jsonl"]),
              help="Read every input as this kind (default: by file name; stdin is sniffed).")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL: the field naming a record in messages and the report.")
@click.option("--keep-original", metavar="FIELD", help="JSONL: also keep the raw text in this field.")
@click.option("--html-comments", is_flag=True, help="HTML: let trafilatura keep the comment section (cleaner then judges it).")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: 1 for inputs under 1 MB, else all cores). Output is the same for any -j.")
@click.option("--resume", is_flag=True, help="Skip inputs whose output already exists (outputs are written atomically, so an existing one is complete), and the finished parts of big JSONL inputs.")
@click.option("--part-size", metavar="SIZE", callback=_size,
              help="JSONL inputs bigger than this are written in parts of about this size, each resumable (default: 16M).")
@click.option("--learn", "learn_first", is_flag=True,
              help="First learn each site's boilerplate from INPUTS (as `cleaner learn` does), then clean with those packs too.")
@click.option("--group-by", default="url", show_default=True, help=GROUP_HELP)
@click.option("--min-docs", default=5, show_default=True, type=click.IntRange(2), help="With --learn: see `cleaner learn`.")
@click.option("--min-share", default=0.2, show_default=True, type=click.FloatRange(0, 1), help="With --learn: see `cleaner learn`.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask cluster (pip install 'cleaner[dask]').")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler (tcp://host:8786); default: a LocalCluster with -j workers.")
@click.option("--partitions", type=int, default=None, help="With --engine dask: tasks in flight at once (default: 4 per worker).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but failures (no progress bar, no summary).")
def run(inputs, output, report, select, ignore, rule_paths, no_builtin, language, site, headline, config_file, no_cache, kind,
        text_field, id_field, keep_original, html_comments, jobs, resume, part_size, learn_first, group_by, min_docs,
        min_share, engine, scheduler, partitions, quiet):
    """Clean text, HTML and JSONL files and folders.

    INPUTS are files, folders (searched recursively for .txt, .html, .htm and .jsonl, each
    optionally .gz; an output folder inside an input folder is skipped), fsspec URLs
    (s3://, gs://, with their filesystem package installed) or - for stdin.
    Text keeps only the article: input lines in input order, nothing rewritten. HTML is
    extracted by trafilatura first. In JSONL the text field is replaced and every other
    field passes through. On a terminal a progress bar shows the bytes done and, when the
    inputs are local files, an ETA; a summary goes to stderr.
    Exit status: 0 all documents cleaned, 1 some failed, 2 usage or setup error.
    """
    target = outputs.resolve(inputs, output, kind)
    out = target.target
    if resume and out is None:
        raise click.UsageError("--resume needs an output folder or file (-o DIR, -o FILE), not stdout.")
    if inputs.count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be read only once.")
    if report == STDIN:  # (else a file named "-" would be written, to no one's surprise but ours)
        raise click.UsageError("--report needs a file name (--report report.jsonl): standard output carries the text.")
    options = Options(text_field=text_field, id_field=id_field or None, keep_original=keep_original,
                      html_comments=html_comments, report=report is not None, group_by=group_by)
    extra: tuple[str, ...] = ()
    if learn_first:
        if STDIN in inputs:
            raise click.UsageError("--learn reads the inputs twice, so it cannot read standard input.")
        max_bytes = resolve_config(click.get_current_context())[0].max_bytes
        learned = Path(tempfile.mkdtemp(prefix="cleaner-learned-"))
        lines, failures = learn_packs(tuple(inputs), learned, group_by, min_docs, min_share, options, max_bytes)
        if not quiet:
            click.echo("learned: " + "\n         ".join(lines), err=True)
        extra = (str(learned),)
    # on Dask the workers clean, and the first one checks the setup: the driver holds no Cleaner
    cleaner = build_cleaner(click.get_current_context(), extra) if engine == "local" else None
    config = cleaner.config if cleaner is not None else run_config(click.get_current_context(), extra)
    storage = click.get_current_context().meta.get("cleaner.storage_options", {})
    plan = Plan(tuple(inputs), out, options, config.max_bytes, resume, kind, tuple(storage.items()),
                output_file=target.is_file)
    if part_size:
        plan = dataclasses.replace(plan, part_size=part_size)
    start = time.monotonic()
    client = mapper = call = None
    if engine == "dask":
        from cleaner.run import dask as dask_engine

        try:
            client = dask_engine.connect(scheduler, _jobs(jobs))
        except ImportError as exc:
            raise click.UsageError(str(exc)) from None
        window = partitions or 4 * max(1, len(client.scheduler_info().get("workers", {})) or _jobs(jobs))

        def on_dask(handler, tasks):
            return dask_engine.ordered_map(client, config, handler, tasks, window)

        mapper, call = on_dask, dask_engine.caller(client)
        try:
            call(dask_engine.check, config)
        except SETUP_ERRORS as exc:
            dask_engine.close(client)
            raise SetupError(str(exc)) from None
        plan = dataclasses.replace(plan, worker_io=out is not None and dask_engine.workers_reach((out, *inputs)))
    bar = not quiet and sys.stderr.isatty()  # with --resume, how much is left is not known
    out_dir = out if isinstance(out, Path) and not target.is_file else None
    progress = Progress(bar, total_bytes(inputs, out_dir) if bar and not resume else None)
    try:
        stats = pipeline_run(config, plan, _jobs(jobs, plan), sys.stdout, report, progress,
                             cleaner=cleaner, mapper=mapper, call=call)
    except (WorkerDied, ValueError, OutputError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.done()
        if client is not None:
            dask_engine.close(client)
        for folder in extra:  # the packs --learn wrote for this run
            shutil.rmtree(folder, ignore_errors=True)
    if not quiet:
        for notice in stats.notices:
            click.echo(f"note: {notice}", err=True)
        click.echo(stats.summary(target.shown(), time.monotonic() - start), err=True)
    elif stats.failures:
        click.echo("\n".join(stats.failures), err=True)
    sys.exit(1 if stats.failures else 0)


@main.command(epilog="""\b
Examples:
  cleaner explain seeds/002_1a71848b3a6b5cd5.txt
  cleaner explain page.html --ignore caption
  curl -s https://example.com/story | cleaner explain -
  head -3 crawl.jsonl | cleaner explain -         one table per record""")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@selection_options
@click.option("--format", "kind", type=click.Choice(["text", "html", "jsonl"]),
              help="Read FILE as this kind (default: by its name; stdin is sniffed, as `cleaner run` does).")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding the text.")
@click.option("--color/--no-color", default=None, help="Colour the table (default: on a terminal only).")
def explain(file, select, ignore, rule_paths, no_builtin, language, site, headline, config_file, no_cache, kind,
            text_field, color):
    """Show every block of FILE (- for stdin) with its state (HEAD, BODY, INSERT, TAIL),
    whether it is kept, dropped or trimmed, and the rule ids or heuristics behind the
    decision. On a kept block, the rules the decoder overruled: "fired RELATED003, kept by
    context (...)". HTML is extracted by trafilatura first; JSONL gives one table per record.

    \b
    States: HEAD   before the article (breadcrumbs, bylines, captions)
            BODY   the article, kept
            INSERT a boilerplate island inside the article (promo box, "Read more")
            TAIL   after the article (footers, appeals, comments)
    """
    cleaner = build_cleaner(click.get_current_context())
    try:
        data = sources.read_input(file, cleaner.config.max_bytes, sys.stdin.buffer)
        items = list(sources.documents(file, data, kind, Options(text_field=text_field)))
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from None
    failed, first = False, True
    for item in items:
        if isinstance(item, sources.Note):
            failed = failed or item.failed
            click.echo(item.message, err=True)
            continue
        if not first:
            click.echo()
        first = False
        click.echo(cleaner.clean(item).explain(color=True), color=color)
    sys.exit(1 if failed else 0)


@main.group("config")
def config_group() -> None:
    """Show the configuration cleaner would use here."""


@config_group.command("show")
@selection_options
def config_show(**_):
    """Print the effective configuration and where each value came from (default, a
    config file, or the command line)."""
    config, sources = resolve_config(click.get_current_context())
    for field in fields(config):
        value = getattr(config, field.name)
        click.echo(f"{field.name:<15} = {value!r:<40} # {sources.get(field.name, 'default')}")
    storage = click.get_current_context().meta.get("cleaner.storage_options")
    if storage:
        click.echo(f"{'storage_options':<15} = {sorted(storage)!r:<40} # {sources['storage_options']} (values not shown)")


main.add_command(rules_group)
main.add_command(learn)

if __name__ == "__main__":  # pragma: no cover
    main()
