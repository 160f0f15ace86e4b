"""Rule packs: TOML data files, validated on load, compiled once per Cleaner.

A pack is one file with a `[pack]` table and `[[rule]]` entries (schema in DESIGN.md and
README.md). Any problem stops loading with ``file:rule-id: what is wrong``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Sequence

import regex

from cleaner.tomlfile import read_toml

#: Category -> rule id prefix. A rule's id is this prefix and three or more digits.
CATEGORIES = MappingProxyType({
    "promo": "PROMO", "social": "SOCIAL", "newsletter": "NEWSL", "donation": "DONATE",
    "paywall": "PAYWALL", "footer": "FOOT", "legal": "LEGAL", "about": "ABOUT",
    "navigation": "NAV", "related": "RELATED", "comments": "CMT", "caption": "CAPT",
    "byline": "BYLINE", "dateline": "DATE", "tags": "TAGS", "author-bio": "BIO",
    "share": "SHARE", "ads": "ADS", "cookie": "COOKIE", "template": "TPL",
})
EFFECTS = ("drop", "trim", "end")
_ID = regex.compile(r"^([A-Z]+)(\d{3,})$")
_NAME = regex.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
_RULE_KEYS = {
    "id": str, "name": str, "category": str, "effect": str, "pattern": str,
    "rationale": str, "match": list, "keep": list, "weight": (int, float),
    "aliases": list, "support": dict,
}
_REQUIRED = ("id", "name", "category", "effect", "pattern", "rationale", "match", "keep")
_PACK_KEYS = {"name": str, "description": str, "lang": list, "sites": list}
#: Seconds an example may take to match while a pack is validated.
EXAMPLE_TIMEOUT = 2.0


class PackError(ValueError):
    """A pack file is invalid. The message reads ``file:rule-id: what is wrong``."""


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    name: str
    category: str
    effect: str
    pattern: str
    rationale: str
    match: tuple[str, ...]
    keep: tuple[str, ...]
    weight: float
    pack: str  # the pack's file path
    lang: tuple[str, ...]
    sites: tuple[str, ...]
    aliases: tuple[str, ...]
    support: dict
    compiled: Any  # regex.Pattern

    def search(self, text: str, timeout: float | None = None):
        return self.compiled.search(text, timeout=timeout)

    def check_examples(self) -> list[str]:
        """Return what is wrong with the rule's own examples (empty when all pass)."""
        problems = []
        for ex in self.match:
            if not self.search(ex.strip(), EXAMPLE_TIMEOUT):
                problems.append(f"match example does not match: {ex!r}")
        for ex in self.keep:
            if self.search(ex.strip(), EXAMPLE_TIMEOUT):
                problems.append(f"keep example matches: {ex!r}")
        return problems


def builtin_rules_dir() -> Path:
    """The packs shipped with cleaner: inside the installed package (wheel), or the
    repository's top-level rules/ folder (source checkout, editable install)."""
    here = Path(__file__).resolve().parent.parent  # the cleaner package
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PackError(f"{here}: built-in rule packs not found (looked in rules/ beside the package)")


def pack_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, *.toml) into a sorted list of pack files."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.rglob("*.toml")))
        elif p.is_file():
            out.append(p)
        else:
            raise PackError(f"{p}: no such pack file or folder")
    return out


def _check_type(where: str, key: str, value: Any, want: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, want):
        names = want.__name__ if isinstance(want, type) else " or ".join(t.__name__ for t in want)
        raise PackError(f"{where}: field '{key}' must be {names}, not {type(value).__name__}")


def _str_list(where: str, key: str, value: list) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in value):
        raise PackError(f"{where}: every item of '{key}' must be a string")
    return tuple(value)


def _compile(where: str, pattern: str) -> Any:
    try:
        compiled = regex.compile(pattern, regex.V0)
    except regex.error as exc:
        raise PackError(f"{where}: pattern does not compile: {exc}") from None
    if compiled.search("", timeout=EXAMPLE_TIMEOUT) is not None:
        raise PackError(f"{where}: pattern matches the empty string")
    return compiled


def _rule(path: Path, raw: Any, pack: dict, position: int) -> Rule:
    if not isinstance(raw, dict):
        raise PackError(f"{path}:rule #{position}: a rule must be a table")
    rid = raw.get("id")
    where = f"{path}:{rid if isinstance(rid, str) else f'rule #{position}'}"
    for key in _REQUIRED:
        if key not in raw:
            raise PackError(f"{where}: missing field '{key}'")
    for key, value in raw.items():
        if key not in _RULE_KEYS:
            raise PackError(f"{where}: unknown field '{key}'")
        _check_type(where, key, value, _RULE_KEYS[key])
    category, effect = raw["category"], raw["effect"]
    if category not in CATEGORIES:
        raise PackError(f"{where}: unknown category '{category}' (known: {', '.join(CATEGORIES)})")
    if effect not in EFFECTS:
        raise PackError(f"{where}: effect must be one of {', '.join(EFFECTS)}, not '{effect}'")
    m = _ID.match(rid)
    if not m or m.group(1) != CATEGORIES[category]:
        raise PackError(f"{where}: id must be {CATEGORIES[category]} and 3+ digits for category '{category}'")
    if not _NAME.match(raw["name"]):
        raise PackError(f"{where}: name must look like 'category.some-name', not {raw['name']!r}")
    match, keep = _str_list(where, "match", raw["match"]), _str_list(where, "keep", raw["keep"])
    if not match or not keep:
        raise PackError(f"{where}: needs at least one 'match' and one 'keep' example")
    if not raw["rationale"].strip():
        raise PackError(f"{where}: rationale is empty")
    weight = float(raw.get("weight", 1.0))
    if not 0 < weight <= 3:
        raise PackError(f"{where}: weight must be in (0, 3], not {weight}")
    rule = Rule(
        id=rid, name=raw["name"], category=category, effect=effect, pattern=raw["pattern"],
        rationale=raw["rationale"].strip(), match=match, keep=keep, weight=weight,
        pack=str(path), lang=tuple(pack.get("lang", ())), sites=tuple(pack.get("sites", ())),
        aliases=_str_list(where, "aliases", raw.get("aliases", [])),
        support=dict(raw.get("support", {})),
        compiled=_compile(where, raw["pattern"]),
    )
    if effect == "trim" and not _anchored(rule.pattern):
        raise PackError(f"{where}: a trim pattern must be anchored with ^ or $ (it cuts a prefix or suffix)")
    return rule


def _anchored(pattern: str) -> bool:
    body = regex.sub(r"^\(\?[a-zA-Z]+\)", "", pattern)
    return body.startswith("^") or body.endswith("$")


def load_pack(path: str | Path, check_examples: bool = True) -> list[Rule]:
    """Load and validate one pack file."""
    path = Path(path)
    data = read_toml(path, PackError)
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise PackError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    pack = data.get("pack", {})
    if not isinstance(pack, dict):
        raise PackError(f"{path}: [pack] must be a table")
    for key, value in pack.items():
        if key not in _PACK_KEYS:
            raise PackError(f"{path}: unknown [pack] field '{key}'")
        _check_type(f"{path}:[pack]", key, value, _PACK_KEYS[key])
        if isinstance(value, list):
            _str_list(f"{path}:[pack]", key, value)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError(f"{path}: a pack needs at least one [[rule]]")
    rules = [_rule(path, raw, pack, i + 1) for i, raw in enumerate(raw_rules)]
    if check_examples:
        for rule in rules:
            problems = rule.check_examples()
            if problems:
                raise PackError(f"{path}:{rule.id}: {problems[0]}")
    return rules


def load_packs(paths: Iterable[str | Path], check_examples: bool = True,
               load: Callable[[Path, bool], Sequence[Rule]] | None = None) -> list[Rule]:
    """Load every pack; ids, names and aliases must be unique across all of them. `load`
    reads one pack file (default: load_pack; cleaner.packs.cached passes one that reads
    the disk cache first)."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for path in pack_files(paths):
        for rule in (load or load_pack)(path, check_examples):
            for key in (rule.id, rule.name, *rule.aliases):
                if key in seen:
                    other = seen[key]
                    raise PackError(f"{rule.pack}:{rule.id}: '{key}' is already used by {other.id} in {other.pack}")
                seen[key] = rule
            rules.append(rule)
    return rules
