"""Rule packs: TOML data files, validated on load, compiled once per Cleaner.

A pack is one file with a `[pack]` table and `[[rule]]` entries (schema in DESIGN.md and
README.md). Any problem stops loading with ``file:rule-id: what is wrong``.

Ids: a built-in pack numbers its rules after their category (PROMO001, NAV004); those
prefixes are reserved for the built-in packs. A user or site pack declares its own prefix
(`[pack] prefix = "ZORB"`: ZORB001, ZORB002, ... in any category), so its ids never meet
today's or tomorrow's built-in ones; a pack without one may hold only the learned
templates `cleaner learn` writes (TPL and 8 digits of a hash). Ids, names and aliases are
unique across everything loaded.
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
EFFECTS = ("drop", "trim", "end", "cue")
_ID = regex.compile(r"^([A-Z]+)(\d{3,})$")
#: A pack's own prefix: 2 to 12 capital letters.
_PREFIX = regex.compile(r"^[A-Z]{2,12}$")
#: Id prefixes only the built-in packs may use: the category prefixes.
RESERVED_PREFIXES = frozenset(CATEGORIES.values())
#: The ids `cleaner learn` gives learned templates (allowed in a pack without a prefix).
LEARNED_ID = regex.compile(r"^TPL\d{8}$")
_NAME = regex.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
_RULE_KEYS = {
    "id": str, "name": str, "category": str, "effect": str, "pattern": str,
    "rationale": str, "match": list, "keep": list, "weight": (int, float),
    "aliases": list, "support": dict, "certain": bool,
}
_REQUIRED = ("id", "name", "category", "effect", "pattern", "rationale", "match", "keep")
_PACK_KEYS = {"name": str, "description": str, "lang": list, "sites": list, "prefix": str}
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
    #: Context never keeps a block this rule fired on (see DESIGN.md, "Certain rules").
    certain: bool = False

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
    if (isinstance(value, bool) and want is not bool) or not isinstance(value, want):
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


def _check_id(where: str, rid: str, category: str, pack: dict, builtin: bool) -> None:
    """A built-in rule is numbered after its category; a user rule after its pack's prefix
    (or is a learned template)."""
    m = _ID.match(rid)
    prefix = pack.get("prefix")
    if builtin:
        if not m or m.group(1) != CATEGORIES[category]:
            raise PackError(f"{where}: id must be {CATEGORIES[category]} and 3+ digits for category '{category}'")
    elif prefix is not None:
        if not m or m.group(1) != prefix:
            raise PackError(f"{where}: id must be the pack's prefix {prefix} and 3+ digits ({prefix}001)")
    elif not (category == "template" and LEARNED_ID.match(rid)):
        used = m.group(1) if m else None
        what = f"{used} ids are reserved for the built-in packs" if used in RESERVED_PREFIXES else \
            f"the id {rid!r} needs a prefix declared by its pack"
        raise PackError(f"{where}: {what}; give your pack its own prefix ([pack] prefix = \"SITE\") "
                        "and number its rules SITE001, SITE002, ...")


def prefix_problem(prefix: str) -> str | None:
    """What is wrong with a user pack's id prefix, or None."""
    if not _PREFIX.match(prefix):
        return f"prefix must be 2 to 12 capital letters (A-Z), not {prefix!r}"
    for reserved in sorted(RESERVED_PREFIXES):
        if prefix == reserved:
            return f"prefix {prefix} is reserved for the built-in packs; choose another"
        if prefix.startswith(reserved) or reserved.startswith(prefix):
            return (f"prefix {prefix} overlaps {reserved}, which is reserved for the built-in packs "
                    f"(selecting {min(prefix, reserved, key=len)} would pick both); choose another")
    return None


def _check_prefix(path: Path, prefix: str, builtin: bool) -> None:
    if builtin:
        raise PackError(f"{path}:[pack]: a built-in pack numbers its rules after their category; "
                        "'prefix' is for your own packs")
    problem = prefix_problem(prefix)
    if problem:
        raise PackError(f"{path}:[pack]: {problem}")


def is_builtin(path: str | Path) -> bool:
    """Is this pack file one of the built-in packs (inside the built-in rules folder)?"""
    try:
        Path(path).resolve().relative_to(builtin_rules_dir().resolve())
        return True
    except (ValueError, PackError):
        return False


def _rule(path: Path, raw: Any, pack: dict, position: int, builtin: bool = False) -> Rule:
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
    _check_id(where, rid, category, pack, builtin)
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
    certain = raw.get("certain", category == "template")  # a learned template is certain
    if certain and effect in ("trim", "cue"):
        raise PackError(f"{where}: a {effect} rule cannot be certain (it never removes a block)")
    if effect == "cue" and category != "comments":
        raise PackError(f"{where}: effect 'cue' is for category 'comments' only (it hints at a comment thread)")
    rule = Rule(
        id=rid, name=raw["name"], category=category, effect=effect, pattern=raw["pattern"],
        rationale=raw["rationale"].strip(), match=match, keep=keep, weight=weight,
        pack=str(path), lang=tuple(pack.get("lang", ())), sites=tuple(pack.get("sites", ())),
        aliases=_str_list(where, "aliases", raw.get("aliases", [])),
        support=dict(raw.get("support", {})),
        compiled=_compile(where, raw["pattern"]), certain=certain,
    )
    if effect == "trim" and not _anchored(rule.pattern):
        raise PackError(f"{where}: a trim pattern must be anchored with ^ or $ (it cuts a prefix or suffix)")
    return rule


def _anchored(pattern: str) -> bool:
    body = regex.sub(r"^\(\?[a-zA-Z]+\)", "", pattern)
    return body.startswith("^") or body.endswith("$")


def load_pack(path: str | Path, check_examples: bool = True, builtin: bool | None = None) -> list[Rule]:
    """Load and validate one pack file. `builtin`: whether it is a built-in pack (default:
    whether it sits in the built-in rules folder), which decides the ids it may use."""
    path = Path(path)
    if builtin is None:
        builtin = is_builtin(path)
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
    if "prefix" in pack:
        _check_prefix(path, pack["prefix"], builtin)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError(f"{path}: a pack needs at least one [[rule]]")
    rules = [_rule(path, raw, pack, i + 1, builtin) for i, raw in enumerate(raw_rules)]
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
