#!/usr/bin/env python3
"""Check the built-in rule packs and measure where each rule fires.

Standalone on purpose: it needs only the standard library and the ``regex``
package, and does not import the ``cleaner`` package, so the rule packs can be
checked while the engine is being changed.

What it does:

(a) loads every ``*.toml`` pack in the rules folder, checks the schema and runs
    every ``match`` / ``keep`` example; failures are printed as
    ``file:rule-id: reason`` and make the script exit with status 1;
(b) applies every rule to every non-empty line of the gold (article) texts of
    the bench and reports, per rule, how many gold lines / distinct gold pages
    it fires on -- these are precision problems;
(c) applies every rule to the lines of the ``trafilatura/`` and ``fulltext/``
    texts that do not occur in the page's gold text ("non-gold" lines, a rough
    notion) and reports how many it fires on -- a measure of recall;
(d) if a seeds folder is found, lists the seed lines each rule fires on.

Usage::

    python benchmarks/rule_hits.py [--bench DIR] [--rules DIR] [--seeds DIR]
                                   [--show RULE-ID ...] [--gold-lines]
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys

import regex
import tomllib

REPO = pathlib.Path(__file__).resolve().parent.parent

# category -> id prefix (fixed; see the pack format description)
PREFIXES = {
    "promo": "PROMO",
    "social": "SOCIAL",
    "newsletter": "NEWSL",
    "donation": "DONATE",
    "paywall": "PAYWALL",
    "footer": "FOOT",
    "legal": "LEGAL",
    "about": "ABOUT",
    "navigation": "NAV",
    "related": "RELATED",
    "comments": "CMT",
    "caption": "CAPT",
    "byline": "BYLINE",
    "dateline": "DATE",
    "tags": "TAGS",
    "author-bio": "BIO",
    "share": "SHARE",
    "ads": "ADS",
    "cookie": "COOKIE",
}
EFFECTS = {"drop", "trim", "end", "cue"}
RULE_REQUIRED = {"id", "name", "category", "effect", "pattern", "rationale", "match", "keep"}
RULE_OPTIONAL = {"weight", "aliases", "support", "certain"}
PACK_REQUIRED = {"name", "description", "lang"}
PACK_OPTIONAL = {"sites", "prefix"}

# Seconds one search may take before the pattern is reported as too slow.
TIMEOUT = 0.25
# Adversarial inputs on which a backtracking-prone pattern would blow up.
STRESS = [
    "a" * 4000,
    "a " * 2000,
    "A" * 4000,
    "Aa " * 1500,
    "1" * 4000,
    "1 " * 2000,
    "1:1 " * 1000,
    "# " * 2000,
    "- " * 2000,
    "x, " * 1500,
    "By " + "John " * 1500,
    "Home › " * 800,
    "Facebook " * 800,
    "©" + " 2019" * 800,
    "News " * 800,
    ("The quick brown fox jumps over the lazy dog. " * 100).strip(),
]
# A heuristic for nested quantifiers such as (a+)+ -- reported as a warning.
NESTED = regex.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})")


class Rule:
    __slots__ = ("file", "id", "name", "category", "effect", "pattern", "regex", "weight", "data")

    def __init__(self, file: str, data: dict):
        self.file = file
        self.data = data
        self.id = data.get("id", "?")
        self.name = data.get("name", "?")
        self.category = data.get("category", "?")
        self.effect = data.get("effect", "?")
        self.pattern = data.get("pattern", "")
        self.weight = data.get("weight", 1.0)
        self.regex = None


def load(rules_dir: pathlib.Path):
    """Load every pack; return (rules, failures)."""
    rules: list[Rule] = []
    fails: list[str] = []
    files = sorted(rules_dir.rglob("*.toml"))  # language packs live in rules/lang/
    if not files:
        fails.append(f"{rules_dir}: no *.toml packs found")
    for path in files:
        fname = path.relative_to(rules_dir).as_posix()
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            fails.append(f"{fname}:-: cannot parse TOML: {exc}")
            continue
        pack = doc.get("pack")
        if not isinstance(pack, dict):
            fails.append(f"{fname}:-: missing [pack] table")
            pack = {}
        for key in PACK_REQUIRED - set(pack):
            fails.append(f"{fname}:-: [pack] lacks {key!r}")
        for key in set(pack) - PACK_REQUIRED - PACK_OPTIONAL:
            fails.append(f"{fname}:-: [pack] has unknown key {key!r}")
        if pack.get("name") != path.stem:
            fails.append(f"{fname}:-: pack name {pack.get('name')!r} != file stem {path.stem!r}")
        if path.parent == rules_dir and path.stem not in PREFIXES:
            fails.append(f"{fname}:-: unknown category {path.stem!r}")
        if not isinstance(pack.get("description", ""), str) or not pack.get("description"):
            fails.append(f"{fname}:-: [pack] description must be a non-empty string")
        lang = pack.get("lang")
        if not (isinstance(lang, list) and lang and all(isinstance(x, str) for x in lang)):
            fails.append(f"{fname}:-: [pack] lang must be a non-empty list of strings")
        for key in set(doc) - {"pack", "rule"}:
            fails.append(f"{fname}:-: unknown top-level key {key!r}")
        raw_rules = doc.get("rule", [])
        if not isinstance(raw_rules, list) or not raw_rules:
            fails.append(f"{fname}:-: no [[rule]] entries")
            continue
        for data in raw_rules:
            rules.append(Rule(fname, data))
    return rules, fails


def check_rule(rule: Rule, seen_ids: dict, seen_names: dict) -> list[str]:
    """Schema checks, compilation and the match/keep examples of one rule."""
    out = []
    where = f"{rule.file}:{rule.id}"
    data = rule.data
    # a category pack is named after its category; a language pack (rules/lang/de.toml)
    # holds several categories, so its rules are checked against their own category
    stem = rule.file[:-5] if "/" not in rule.file else rule.category
    for key in sorted(RULE_REQUIRED - set(data)):
        out.append(f"{where}: missing key {key!r}")
    for key in sorted(set(data) - RULE_REQUIRED - RULE_OPTIONAL):
        out.append(f"{where}: unknown key {key!r}")
    prefix = PREFIXES.get(stem, "?")
    if not isinstance(rule.id, str) or not regex.fullmatch(rf"{regex.escape(prefix)}\d{{3}}", rule.id):
        out.append(f"{where}: id must be {prefix} + 3 digits")
    if rule.id in seen_ids:
        out.append(f"{where}: duplicate id (also in {seen_ids[rule.id]})")
    seen_ids.setdefault(rule.id, rule.file)
    if rule.category != stem:
        out.append(f"{where}: category {rule.category!r} != pack {stem!r}")
    if not isinstance(rule.name, str) or not regex.fullmatch(
        rf"{regex.escape(stem)}\.[a-z0-9]+(?:-[a-z0-9]+)*", rule.name
    ):
        out.append(f"{where}: name {rule.name!r} must be '{stem}.<kebab-name>'")
    if rule.name in seen_names:
        out.append(f"{where}: duplicate name {rule.name!r} (also {seen_names[rule.name]})")
    seen_names.setdefault(rule.name, rule.id)
    if rule.effect not in EFFECTS:
        out.append(f"{where}: effect {rule.effect!r} not in {sorted(EFFECTS)}")
    if not isinstance(data.get("rationale", ""), str) or not data.get("rationale", "").strip():
        out.append(f"{where}: rationale must be a non-empty string")
    w = data.get("weight", 1.0)
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not (0 < w <= 3):
        out.append(f"{where}: weight must be a number with 0 < weight <= 3")
    if not isinstance(rule.pattern, str) or not rule.pattern:
        out.append(f"{where}: pattern must be a non-empty string")
        return out
    try:
        rule.regex = regex.compile(rule.pattern)
    except (regex.error, TypeError) as exc:
        out.append(f"{where}: pattern does not compile: {exc}")
        return out
    if rule.regex.search("") is not None:
        out.append(f"{where}: pattern matches the empty string")
    if rule.effect == "trim" and "^" not in rule.pattern and "$" not in rule.pattern:
        out.append(f"{where}: trim pattern must be anchored with ^ or $")
    if NESTED.search(rule.pattern):
        print(f"warning {where}: possible nested quantifier (stress-timed below)", file=sys.stderr)
    for s in STRESS:
        try:
            rule.regex.search(s, timeout=TIMEOUT)
        except TimeoutError:
            out.append(f"{where}: pattern too slow (timeout) on a stress input {s[:12]!r}...")
            break
    for kind in ("match", "keep"):
        ex = data.get(kind)
        if not isinstance(ex, list) or not ex or not all(isinstance(x, str) and x.strip() for x in ex):
            out.append(f"{where}: {kind} must be a non-empty list of non-empty strings")
            continue
        for text in ex:
            block = text.strip()
            try:
                m = rule.regex.search(block, timeout=TIMEOUT)
            except TimeoutError:
                out.append(f"{where}: timeout on {kind} example {text!r}")
                continue
            if kind == "match":
                if m is None:
                    out.append(f"{where}: match example not matched: {text!r}")
                elif m.end() == m.start():
                    out.append(f"{where}: empty match on example {text!r}")
                elif rule.effect == "trim" and m.start() != 0 and m.end() != len(block):
                    out.append(f"{where}: trim match touches neither end of {text!r}")
            elif m is not None:
                out.append(f"{where}: keep example matched ({m.group(0)!r}): {text!r}")
    return out


def norm(s: str) -> str:
    return " ".join(s.split())


def fires(rule: Rule, line: str) -> bool:
    try:
        m = rule.regex.search(line, timeout=TIMEOUT)
    except TimeoutError:
        print(f"warning {rule.file}:{rule.id}: timeout on bench line {line[:60]!r}", file=sys.stderr)
        return False
    return m is not None and m.end() > m.start()


def read_lines(path: pathlib.Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def calibration(bench_root: pathlib.Path, top: int) -> int:
    """(e) Per rule, on every block it fired on (drop and end effects): how many are article
    (gold text or corpus label A/H), how many the decoder kept, and the two errors: article
    blocks it cut, boilerplate blocks context kept (the rule overruled). A rule that fires
    often, never on article text, is a candidate for `certain = true`."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus_quality import load as load_corpus
    from quality import Gold, is_article

    from cleaner import Cleaner, Document

    cleaner = Cleaner()
    texts = []  # (text, site, is-article(line))
    for name in ("scrapinghub", "dragnet-dev"):
        bench = bench_root / name
        for gold_path in sorted((bench / "gold").glob("*.txt")):
            gold = Gold(gold_path.read_text(encoding="utf-8"))
            for kind in ("trafilatura", "fulltext"):
                path = bench / kind / gold_path.name
                if path.exists():
                    texts.append((path.read_text(encoding="utf-8"), None, lambda t, g=gold: is_article(t, g)))
    for page in load_corpus("dev"):
        article = set(page["gold"].splitlines())
        texts.append((page["text"], page["site"], article.__contains__))
    rows: dict = collections.defaultdict(lambda: collections.Counter())
    certain = {}
    for text, site, label in texts:
        result = cleaner.clean(Document("x", text, {"site": site} if site else {}))
        for d in result.decisions:
            art = label(d.block.text)
            for s in {s.source: s for s in d.signals if s.effect in ("drop", "end")}.values():
                c = rows[s.source]
                certain[s.source] = s.certain
                c["fired"] += 1
                c["article"] += art
                c["kept"] += d.kept
                c["cut-article"] += art and not d.kept
                c["kept-boilerplate"] += d.kept and not art
    print(f"== calibration: {len(texts)} texts (scrapinghub and dragnet-dev, trafilatura and full text; "
          f"corpus dev pages)")
    print(f"  {'rule':<12} {'certain':>7} {'fired':>6} {'article':>7} {'kept':>5} {'cut-art':>7} {'kept-bp':>7}")
    for rid, c in sorted(rows.items(), key=lambda kv: (-kv[1]["fired"], kv[0])):
        print(f"  {rid:<12} {'yes' if certain[rid] else '':>7} {c['fired']:6} {c['article']:7} {c['kept']:5} "
              f"{c['cut-article']:7} {c['kept-boilerplate']:7}")
    cands = sorted(rid for rid, c in rows.items() if c["fired"] >= 10 and c["article"] == 0 and not certain[rid])
    print(f"== candidates for certain = true (fired 10+ times, never on article text): {len(cands)}")
    print("  " + " ".join(cands))
    overruled = sorted(rows.items(), key=lambda kv: -kv[1]["kept-boilerplate"])[:top]
    print(f"== most overruled (boilerplate blocks kept although the rule fired), top {top}")
    for rid, c in overruled:
        print(f"  {rid:<12} {c['kept-boilerplate']:5} of {c['fired']}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=pathlib.Path, default=REPO.parent / "shared" / "bench" / "scrapinghub",
                    help="bench folder with gold/, trafilatura/, fulltext/ (default ../shared/bench/scrapinghub)")
    ap.add_argument("--rules", type=pathlib.Path, default=None, help="rules folder (default rules/)")
    ap.add_argument("--seeds", type=pathlib.Path, default=REPO.parent / "shared" / "seeds",
                    help="folder of seed articles whose hits are listed (default ../shared/seeds)")
    ap.add_argument("--show", nargs="*", default=[], metavar="RULE-ID",
                    help="print the bench lines these rules fire on")
    ap.add_argument("--gold-lines", action="store_true", help="print every gold line a rule fires on")
    ap.add_argument("--top", type=int, default=15, help="how many worst rules to list")
    ap.add_argument("--decoder", action="store_true",
                    help="only the calibration table: run the cleaner (imports it) on scrapinghub, dragnet-dev "
                         "and the corpus' dev split, and count per rule the blocks it fired on, those that are "
                         "article, and what the decoder did with them")
    args = ap.parse_args(argv)
    if args.decoder:
        return calibration(args.bench.parent, args.top)

    rules_dir = args.rules
    if rules_dir is None:
        rules_dir = pathlib.Path("rules") if pathlib.Path("rules").is_dir() else REPO / "rules"

    # (a) schema + examples
    rules, fails = load(rules_dir)
    seen_ids: dict = {}
    seen_names: dict = {}
    for rule in rules:
        fails.extend(check_rule(rule, seen_ids, seen_names))
    per_file = collections.Counter(r.file for r in rules)
    print(f"== packs ({rules_dir})")
    for f, n in sorted(per_file.items()):
        print(f"  {f:<20} {n:>4} rules")
    print(f"  {'total':<20} {len(rules):>4} rules")
    print(f"== example / schema failures: {len(fails)}")
    for f in fails:
        print(f"  {f}")
    usable = [r for r in rules if r.regex is not None]
    show = set(args.show)

    # (d) seeds
    if args.seeds and args.seeds.is_dir():
        print(f"== seed hits ({args.seeds})")
        for path in sorted(args.seeds.glob("*.txt")):
            for i, line in enumerate(read_lines(path), 1):
                hit = [r.id for r in usable if fires(r, line)]
                if hit:
                    print(f"  {path.name[:3]}:{i:<3} {','.join(hit):<22} {line[:70]}")

    bench = args.bench
    gold_dir = bench / "gold"
    if not gold_dir.is_dir():
        print(f"== no bench at {bench}; skipping (b) and (c)")
        return 1 if fails else 0

    pages = sorted(p.stem for p in gold_dir.glob("*.txt"))
    gold_lines = collections.Counter()
    gold_pages: dict[str, set] = collections.defaultdict(set)
    nongold = {"trafilatura": collections.Counter(), "fulltext": collections.Counter()}
    nongold_pages = {"trafilatura": collections.defaultdict(set), "fulltext": collections.defaultdict(set)}
    shown: dict[str, list] = collections.defaultdict(list)
    for page in pages:
        gtext = (gold_dir / f"{page}.txt").read_text(encoding="utf-8", errors="replace")
        glines = read_lines(gold_dir / f"{page}.txt")
        gset = {norm(x) for x in glines}
        gnorm = norm(gtext)
        for line in glines:
            for r in usable:
                if fires(r, line):
                    gold_lines[r.id] += 1
                    gold_pages[r.id].add(page)
                    if args.gold_lines or r.id in show:
                        shown[r.id].append(f"GOLD {page[:8]} {line[:150]}")
        for src in ("trafilatura", "fulltext"):
            for line in read_lines(bench / src / f"{page}.txt"):
                n = norm(line)
                if n in gset or n in gnorm:
                    continue
                for r in usable:
                    if fires(r, line):
                        nongold[src][r.id] += 1
                        nongold_pages[src][r.id].add(page)
                        if r.id in show:
                            shown[r.id].append(f"{src[:4].upper()} {page[:8]} {line[:150]}")

    # (b) + (c) report
    print(f"== per-rule hits on {len(pages)} bench pages "
          "(gold = article lines: precision problems; traf/full = non-gold lines)")
    print(f"  {'rule':<11} {'effect':<5} {'gold':>5} {'pages':>5} {'traf':>5} {'full':>6}  name")
    for r in usable:
        print(f"  {r.id:<11} {r.effect:<5} {gold_lines[r.id]:>5} {len(gold_pages[r.id]):>5} "
              f"{nongold['trafilatura'][r.id]:>5} {nongold['fulltext'][r.id]:>6}  {r.name}")
    for rid in sorted(shown):
        print(f"== lines hit by {rid}")
        for s in shown[rid]:
            print(f"  {s}")
    tot_gold = sum(gold_lines.values())
    print("== summary")
    print(f"  rules: {len(rules)}  example/schema failures: {len(fails)}")
    print(f"  gold hits: {tot_gold} lines, rules firing on gold: {len(gold_lines)}, "
          f"rules firing on gold of 2+ pages: {sum(1 for r in gold_pages if len(gold_pages[r]) > 1)}")
    for src in ("trafilatura", "fulltext"):
        print(f"  non-gold hits in {src}: {sum(nongold[src].values())} lines "
              f"on {len(set().union(*nongold_pages[src].values())) if nongold_pages[src] else 0} pages, "
              f"rules firing: {len(nongold[src])}")
    worst = sorted((r for r in gold_pages if gold_pages[r]), key=lambda r: (-len(gold_pages[r]), -gold_lines[r], r))[: args.top]
    if worst:
        print("  worst rules on gold (pages/lines): "
              + ", ".join(f"{r} {len(gold_pages[r])}/{gold_lines[r]}" for r in worst))
    silent = [r.id for r in usable if not nongold["fulltext"][r.id] and not nongold["trafilatura"][r.id]]
    print(f"  rules with no non-gold hit on the bench: {len(silent)}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
