"""The `cleaner` command line."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import click

from cleaner import __version__
from cleaner.config import Config
from cleaner.core import Cleaner
from cleaner.decode import WeightsError
from cleaner.io import AtomicFile, DocumentError, InputFile, find_inputs, output_name, read_text, write_atomic
from cleaner.model import Document, Result
from cleaner.packs import PackError
from cleaner.select import SelectorError

#: Show a progress bar for runs of more files than this (on a terminal, without -q).
PROGRESS_MIN_FILES = 20


class SetupError(click.ClickException):
    """A problem with the command's setup (packs, selectors, weights): exit status 2."""

    exit_code = 2


def _split(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def selection_options(f):
    """--select, --ignore, --rules, --language, --site: shared by run and explain."""
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
    ]
    for option in reversed(options):
        f = option(f)
    return f


def build_cleaner(select, ignore, rule_paths, no_builtin, language, site) -> Cleaner:
    try:
        config = Config(select=_split(select), ignore=_split(ignore),
                        rule_paths=tuple(str(p) for p in rule_paths), builtin_rules=not no_builtin,
                        language=language, site=site)
        return Cleaner(config)
    except (PackError, SelectorError, WeightsError, ValueError) as exc:
        raise SetupError(str(exc)) from None


@dataclass
class RunStats:
    documents: int = 0
    blocks: int = 0
    blocks_removed: int = 0
    blocks_trimmed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rules: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def add(self, result: Result) -> None:
        c = result.counts
        self.documents += 1
        self.blocks += c["blocks"]
        self.blocks_removed += c["blocks_removed"]
        self.blocks_trimmed += c["blocks_trimmed"]
        self.chars_in += c["chars_in"]
        self.chars_removed += c["chars_removed"]
        for d in result.decisions:
            if not d.kept and d.reasons:
                self.rules[d.reasons[0]] += 1
            self.rules.update(d.trims)
        self.notices.extend(f"{result.doc_id}: {p.kind}: {p.message}" for p in result.problems)

    def summary(self, out: Path | None) -> str:
        share = f" ({100 * self.chars_removed / self.chars_in:.1f}%)" if self.chars_in else ""
        text = (f"cleaned {self.documents} document{'s' * (self.documents != 1)}: removed "
                f"{self.blocks_removed:,} of {self.blocks:,} blocks and {self.chars_removed:,} of "
                f"{self.chars_in:,} characters{share}, trimmed {self.blocks_trimmed:,} blocks.")
        if self.rules:
            top = ", ".join(f"{k} ×{v}" for k, v in self.rules.most_common(6))
            text += f" Decided most often by: {top}."
        if out is not None:
            text += f" Output in {out}/."
        if self.failures:
            text += f" {len(self.failures)} failed:\n" + "\n".join(f"  {f}" for f in self.failures)
        else:
            text += " No failures."
        return text


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


def _check_output(inputs: tuple[Path, ...], output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise click.UsageError(f"-o/--output must be a folder, and {output} is a file.")
    for p in inputs:
        if p.resolve() == output.resolve():
            raise click.UsageError(f"-o/--output {output} is an input; cleaner never writes over its input. Pick another folder.")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Folder for the cleaned files; the input tree is mirrored under it.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON line per document with every removed block and why.")
@selection_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def run(inputs, output, report, select, ignore, rule_paths, no_builtin, language, site, quiet):
    """Clean text files and folders into a mirrored folder of clean text.

    INPUTS are .txt files and folders (searched recursively for .txt and .txt.gz; an
    output folder inside an input folder is skipped). Each output file holds the article
    only: input lines in input order, nothing rewritten. A summary goes to stderr.
    Exit status: 0 all documents cleaned, 1 some failed, 2 usage or setup error.
    """
    _check_output(inputs, output)
    cleaner = build_cleaner(select, ignore, rule_paths, no_builtin, language, site)
    files = list(find_inputs(inputs, output))
    stats = RunStats()
    report_fh = AtomicFile(report) if report else None
    seen: dict[Path, Path] = {}
    show = not quiet and sys.stderr.isatty() and len(files) > PROGRESS_MIN_FILES
    with click.progressbar(files, label="cleaning", file=sys.stderr) if show else _nullbar(files) as bar:
        for item in bar:
            _run_one(cleaner, item, output, stats, seen, report_fh)
    if report_fh is not None:
        report_fh.commit()
    if not quiet:
        for notice in stats.notices:
            click.echo(f"note: {notice}", err=True)
        click.echo(stats.summary(output), err=True)
    elif stats.failures:
        click.echo("\n".join(stats.failures), err=True)
    sys.exit(1 if stats.failures else 0)


class _nullbar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def _run_one(cleaner: Cleaner, item: InputFile, output: Path, stats: RunStats,
             seen: dict[Path, Path], report_fh) -> None:
    target = output / output_name(item.rel)
    if target in seen:
        stats.failures.append(f"{item.path}: its output {target} is also the output of {seen[target]}; skipped")
        return
    seen[target] = item.path
    try:
        text, encoding = read_text(item.path, cleaner.config.max_bytes)
        if encoding:
            stats.notices.append(f"{item.path}: not UTF-8; decoded as {encoding}")
        result = cleaner.clean(Document(id=str(item.rel), text=text, meta={"path": str(item.path)}))
        write_atomic(target, result.text)
    except DocumentError as exc:
        stats.failures.append(str(exc))
        return
    except Exception as exc:  # a bad document never stops the run
        stats.failures.append(f"{item.path}: {type(exc).__name__}: {exc}")
        return
    stats.add(result)
    if report_fh is not None:
        report_fh.write(json.dumps(result.report(), ensure_ascii=False) + "\n")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@selection_options
@click.option("--color/--no-color", default=None, help="Colour the table (default: on a terminal only).")
def explain(file, select, ignore, rule_paths, no_builtin, language, site, color):
    """Show every block of FILE with its state (HEAD, BODY, INSERT, TAIL), whether it is
    kept, dropped or trimmed, and the rule ids or heuristics behind the decision.

    \b
    States: HEAD   before the article (breadcrumbs, bylines, captions)
            BODY   the article, kept
            INSERT a boilerplate island inside the article (promo box, "Read more")
            TAIL   after the article (footers, appeals, comments)
    """
    cleaner = build_cleaner(select, ignore, rule_paths, no_builtin, language, site)
    try:
        text, encoding = read_text(file, cleaner.config.max_bytes)
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from None
    result = cleaner.clean(Document(id=str(file), text=text, meta={"path": str(file)}))
    if encoding:
        click.echo(f"note: not UTF-8; decoded as {encoding}", err=True)
    click.echo(result.explain(color=True), color=color)


if __name__ == "__main__":  # pragma: no cover
    main()
