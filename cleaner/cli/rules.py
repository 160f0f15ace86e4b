"""`cleaner rules ...`: list, explain, test and start rules."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import click

from cleaner.packs.load import (
    CATEGORIES,
    EFFECTS,
    PackError,
    Rule,
    builtin_rules_dir,
    load_packs,
    prefix_problem,
)


def _load(paths, builtin: bool = True, check_examples: bool = True) -> list[Rule]:
    all_paths = ([builtin_rules_dir()] if builtin else []) + list(paths)
    try:
        return load_packs(all_paths, check_examples=check_examples)
    except PackError as exc:
        raise click.ClickException(str(exc)) from None


def _first_line(text: str) -> str:
    return text.strip().split(". ")[0].rstrip(".") + "."


@click.group("rules")
def rules_group() -> None:
    """See, explain and test rule packs (built-in ones and your own)."""


@rules_group.command("list")
@click.option("--category", type=click.Choice(sorted(CATEGORIES)), help="Only this category.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Also list these pack files or folders.")
def list_rules(category, fmt, rule_paths):
    """List rules: id, name, category, effect, pack and what each is for."""
    rules = [r for r in _load(rule_paths, check_examples=False) if not category or r.category == category]
    if fmt == "json":
        click.echo(json.dumps([
            {"id": r.id, "name": r.name, "category": r.category, "effect": r.effect,
             "pack": r.pack, "rationale": r.rationale} for r in rules], indent=1, ensure_ascii=False))
        return
    for r in rules:
        click.echo(f"{r.id:<11} {r.name:<38} {r.category:<11} {r.effect:<5} {Path(r.pack).name:<16} "
                   f"{_first_line(r.rationale)}")
    click.echo(f"{len(rules)} rules", err=True)


@rules_group.command("explain")
@click.argument("rule_id")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True, path_type=Path))
def explain_rule(rule_id, rule_paths):
    """Show one rule (by id, name or alias): why it exists, its pattern and examples."""
    rules = _load(rule_paths, check_examples=False)
    found = [r for r in rules if rule_id in (r.id, r.name, *r.aliases)]
    if not found:
        vocab = [k for r in rules for k in (r.id, r.name)]
        near = difflib.get_close_matches(rule_id, vocab, n=1, cutoff=0.5)
        raise click.ClickException(f"no rule '{rule_id}'" + (f"; did you mean '{near[0]}'?" if near else ""))
    r = found[0]
    lines = [f"{r.id}  {r.name}", f"  category: {r.category}   effect: {r.effect}   weight: {r.weight}",
             f"  pack:     {r.pack}", "", "What it is for:", f"  {r.rationale}", "", "Pattern:", f"  {r.pattern}"]
    if r.aliases:
        lines[1:1] = [f"  aliases:  {', '.join(r.aliases)}"]
    if r.sites:
        lines += ["", f"Applies only to sites: {', '.join(r.sites)}"]
    if r.support:
        lines += ["", "Learned from: " + ", ".join(f"{k}={v}" for k, v in r.support.items())]
    lines += ["", "Matches (removed):"] + [f"  + {m}" for m in r.match]
    lines += ["", "Must not match (kept):"] + [f"  - {k}" for k in r.keep]
    click.echo("\n".join(lines))


@rules_group.command("test")
@click.argument("packs", nargs=-1, type=click.Path(exists=True, path_type=Path))
def test_rules(packs):
    """Run every match/keep example of PACKS (default: the built-in packs) and report each
    failure with its rule id. Exit status 1 if any example fails: use it in your CI."""
    try:
        rules = load_packs(packs or [builtin_rules_dir()], check_examples=False)
    except PackError as exc:
        raise click.ClickException(str(exc)) from None
    failures = [(r, p) for r in rules for p in r.check_examples()]
    for rule, problem in failures:
        click.echo(f"{rule.pack}:{rule.id}: {problem}")
    examples = sum(len(r.match) + len(r.keep) for r in rules)
    click.echo(f"{len(rules)} rules, {examples} examples: {examples - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


@rules_group.command("new", epilog="""\b
Example:
  cleaner rules new --category template --prefix GAZ > packs/gazette.toml""")
@click.option("--category", required=True, type=click.Choice(sorted(CATEGORIES)))
@click.option("--prefix", default="SITE", show_default=True,
              help="Your pack's id prefix, 2-12 capital letters. The category prefixes (PROMO, NAV, ...) "
                   "are reserved for the built-in packs.")
@click.option("--id", "rule_id", help="Rule id (default: the prefix and 001).")
def new_rule(category, prefix, rule_id):
    """Print a commented pack skeleton: a [pack] table declaring your prefix, and one rule.
    Paste only the [[rule]] into a pack you already have."""
    problem = prefix_problem(prefix)
    if problem:
        raise click.BadParameter(problem, param_hint="--prefix")
    rule_id = rule_id or f"{prefix}001"
    if not rule_id.startswith(prefix):
        raise click.BadParameter(f"{rule_id} does not start with the prefix {prefix}", param_hint="--id")
    click.echo(f'''[pack]                            # leave this table out when pasting into a pack
name = "my-pack"
prefix = "{prefix}"                  # your own id prefix: every rule of this pack is {prefix} + 3 digits
# sites = ["example.com"]         # optional: apply only to these sites

[[rule]]
id = "{rule_id}"                 # {prefix} + 3 digits; never reuse an id
name = "{category}.describe-it"   # readable alias: category.kebab-case
category = "{category}"
effect = "drop"                   # one of: {" | ".join(EFFECTS)} (end: this block starts the tail)
pattern = \'\'\'(?i)^your pattern here$\'\'\'   # regex package syntax; anchor short lines
rationale = "Why this text is not the article."
match = ["A line this rule must remove"]
keep = ["An article sentence with the same words that must stay"]''')
