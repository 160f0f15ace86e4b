"""Rule selection: `--select` / `--ignore` by id, id prefix, category, name, alias or glob."""

from __future__ import annotations

import difflib
from fnmatch import fnmatchcase
from typing import Iterable, Sequence

from cleaner.packs.load import PackError, Rule


class SelectorError(ValueError):
    """A selector names no rule."""


def _keys(rule: Rule) -> tuple[str, ...]:
    return (rule.id, rule.name, rule.category, *rule.aliases)


def matches(selector: str, rule: Rule) -> bool:
    """Does one selector pick this rule?"""
    if any(ch in selector for ch in "*?["):
        return any(fnmatchcase(k, selector) for k in _keys(rule))
    if selector in _keys(rule):
        return True
    if selector.isupper() and rule.id.startswith(selector):
        return True  # an id prefix: PROMO, PROMO00
    return rule.name.startswith(selector + ".")  # a name prefix: promo


def check_selectors(selectors: Iterable[str], rules: Sequence[Rule]) -> None:
    """Raise SelectorError for a selector that picks no rule, naming the nearest one."""
    for sel in selectors:
        if not any(matches(sel, r) for r in rules):
            vocabulary = sorted({k for r in rules for k in _keys(r)})
            near = difflib.get_close_matches(sel, vocabulary, n=1, cutoff=0.5)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise SelectorError(f"unknown rule selector '{sel}'{hint}")


def select_rules(rules: Sequence[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """The rules picked by `select` (all when empty) minus those picked by `ignore`."""
    check_selectors([*select, *ignore], rules)
    chosen = [r for r in rules if not select or any(matches(s, r) for s in select)]
    return [r for r in chosen if not any(matches(s, r) for s in ignore)]


__all__ = ["PackError", "SelectorError", "check_selectors", "matches", "select_rules"]
