"""The prefilter is exact: it never leaves out a rule that would match, so RuleSet.signals
gives what running every rule would; and the character facts its docstring relies on hold
for the `regex` package in use."""

from __future__ import annotations

import os
import sys
import unicodedata

import pytest
import regex
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.engine.segment import segment
from cleaner.model import Problem, Signal
from cleaner.packs.folding import fold, fold_block, fold_start, folds_simply
from cleaner.packs.load import builtin_rules_dir, load_packs
from cleaner.packs.patterns import BOUND, START, TOKEN, literals, max_length
from cleaner.packs.prefilter import Prefilter, analysis
from cleaner.packs.signals import RuleSet

BUILTIN = load_packs([builtin_rules_dir()], check_examples=False)
PREFILTER = Prefilter([r.pattern for r in BUILTIN])
EVERY_CHAR = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def _examples() -> list[str]:
    blocks = set()
    for rule in BUILTIN:
        for ex in rule.match + rule.keep:
            blocks.update({ex, ex.strip(), ex.strip().upper(), ex.strip().lower()})
    return sorted(b for b in blocks if b)


def _every_rule(rules, text: str) -> list[Signal]:
    out = []
    for rule in rules:
        m = rule.compiled.search(text)
        if m:
            capture = (m.group("site") or "").strip() if "site" in rule.compiled.groupindex else ""
            out.append(Signal(source=rule.id, category=rule.category, effect=rule.effect,
                              weight=rule.weight, span=m.span(), name=rule.name, capture=capture,
                              certain=rule.certain))
    return out


def test_signals_equal_running_every_rule_on_every_example():
    rs = RuleSet(BUILTIN, 5.0)
    for text in _examples():
        assert rs.signals(text, None, []) == _every_rule(BUILTIN, text), text


def test_the_prefilter_skips_most_rules_on_ordinary_text():
    pf = Prefilter([r.pattern for r in BUILTIN])
    text = "The council met on Tuesday to approve the budget for the coming year, officials said."
    assert len(pf.candidates(text)) < len(BUILTIN) // 10


def _used_chars(pf: Prefilter) -> set[str]:
    atoms = [*pf.words, *pf.substrings, *pf.starts]
    atoms += [s for table in (*pf.heads.values(), *pf.tails.values()) for s in table]
    return {ch for atom in atoms for ch in atom} - {BOUND, START}


def test_every_character_regex_matches_to_a_prefilter_character_folds_to_it():
    """Ignoring case, `regex` matches "k" to "K" and the Kelvin sign, "s" to "ſ", "i" to
    "İ": all of them fold to the prefilter's character, so the folded block still has it."""
    pf = Prefilter([r.pattern for r in BUILTIN])
    for ch in _used_chars(pf) | set("abcdefghijklmnopqrstuvwxyz0123456789"):
        if ch in "0 ":
            continue  # folded digits and spaces: see the next test
        for m in regex.finditer("(?i)" + regex.escape(ch), EVERY_CHAR):
            assert fold_block(m.group()) == ch, (ch, m.group())


def test_letters_that_fold_simply_match_only_what_casefolds_alike():
    """Latin-1, Latin Extended-A and Cyrillic letters (patterns.folds_simply): whatever
    `regex` matches to one of them ignoring case casefolds as it does."""
    simple = [ch for ch in EVERY_CHAR[:0x2500] if folds_simply(ch)]
    assert "я" in simple and "É" in simple and "ő" in simple and "ⓒ" in simple and "ı" not in simple
    matched = set(regex.findall("(?i)[" + "".join(map(regex.escape, simple)) + "]", EVERY_CHAR))
    for x in matched:
        for ch in simple:
            if regex.match("(?i)" + regex.escape(ch), x):
                assert fold_block(x) == fold(ch), (ch, x)


def test_uncased_letters_match_only_themselves():
    """A letter of a script without case (category Lo: CJK, kana, Hangul, Arabic, ...) is
    its own prefilter character: ignoring case, `regex` matches nothing else to it (nothing
    outside the set matches any of them, and letters without case mappings cannot be each
    other's case variants)."""
    uncased = [ch for ch in EVERY_CHAR if unicodedata.category(ch) == "Lo" and fold(ch) == ch]
    assert "広" in uncased and "я" not in uncased
    matched = set(regex.findall("(?i)[" + _ranges(uncased) + "]", EVERY_CHAR))
    assert matched == set(uncased)


def _ranges(chars: list[str]) -> str:
    """A character class body for a list of characters, as ranges of consecutive ones."""
    codes, out, i = sorted(map(ord, chars)), [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(regex.escape(chr(codes[i])) + ("-" + regex.escape(chr(codes[j])) if j > i else ""))
        i = j + 1
    return "".join(out)


def test_digits_and_spaces_fold_the_same_on_both_sides():
    for pattern, folded in ((r"\d", "0"), (r"\s", " ")):
        for m in regex.finditer(pattern, EVERY_CHAR):
            assert fold(m.group()) == folded and fold_start(m.group().casefold()) == folded, m.group()


def test_a_non_word_character_never_casefolds_into_a_token():
    """A word boundary next to a literal means a non-word character or an edge: after
    casefolding that is still no [a-z0-9], so the literal's word is a whole token."""
    for m in regex.finditer(r"\W", EVERY_CHAR):
        assert not TOKEN.search(m.group().casefold()), m.group()


def test_prefixes_anchored_patterns():
    pf = Prefilter([r"(?i)^(?:menu|main menu|\d{1,2}:\d{2})$", r"(?im)^menu$", r"(?i)\bmenu\b"])
    assert pf.candidates("Main Menu") == [0, 1, 2]
    assert pf.candidates("12:30") == [0]
    assert pf.candidates("١٢:٣٠") == [0]  # Arabic-Indic digits are \d too
    assert pf.candidates("see the menu") == [1, 2]  # multiline: ^ is any line's start
    assert Prefilter([r"(?i)\binstagram\b"]).candidates("İnstagram") == [0]
    assert literals(r"(?i)^(?:by|from)\s+\w") == (START + "by ", START + "from ")
    assert literals(r"^\w+x") is None  # could start with anything, "x" too short to look for
    assert literals(r"^\w+:") == (":",)  # a symbol is worth looking for


def test_length_bounds():
    assert max_length(r"(?i)^(?:about|contact us)[.:]?$") == 12  # widest match, +1 for "\n"
    assert max_length(r"^(?=.{0,250}$).*?\bwe\b") == 251
    assert max_length(r"^(?:a|b)$|^c{1,3}$") == 4
    assert max_length(r"^a+$") is None
    assert max_length(r"(?m)^ab$") is None
    assert max_length(r"^ab") is None
    pf = Prefilter([r"(?i)^about$"])
    assert pf.candidates("about") == [0] and pf.candidates("about\n") == [0]
    assert pf.candidates("about " * 3) == []


def test_a_lookahead_bounds_a_pattern_whose_own_width_is_unbounded():
    assert max_length(r"^(?=.{3,140}$)(?:[A-Z]\w* )+(?:AP|PA)$") == 141
    assert max_length(r"^(?=.{0,80}$)a+$") == 81
    assert max_length(r"^(?=.{0,80}$)a{0,5}$") == 6  # the smaller of the two


def test_a_set_of_symbols_is_a_requirement():
    assert literals(r"^(?=.{0,250}$).{0,80}?(?:©|ⓒ)\s*\d{4}") == ("©", "ⓒ")
    assert literals(r"[©®]\s*\d{4}") == ("©", "®")
    assert literals(r"[a©]\d") is None  # a letter in the set: too weak
    assert literals(r"[^©]x") is None
    pf = Prefilter([r"(?i)^.{0,20}?(?:©|ⓒ) \d{4}"])
    assert pf.candidates("Ⓒ 2024 Example Media") == [0] and pf.candidates("(c) 2024 Example") == []


def test_an_anchor_or_a_lookahead_bounds_a_word_and_a_repeat_is_a_literal():
    assert literals(r"(?:^|\s)(?:xD|LOL)(?=[\s.!?,]|$)") == (BOUND + "lol" + BOUND, BOUND + "xd" + BOUND)
    assert literals(r"(?:^|\s)(?:xD|LOL)") is None  # "xd" may run on into a longer word
    assert literals(r"(?i:(?:ha){2,})") == ("haha",)
    pf = Prefilter([r"(?:^|\s)(?:xD|(?i:(?:ha){2,}))(?=[\s.!?,]|$)"])
    assert pf.candidates("so funny xD") == [0] and pf.candidates("Hahaha, me too") == [0]
    assert pf.candidates("the xdr format") == [] and pf.candidates("a ha moment") == []


def test_a_name_given_to_two_groups_is_still_analysed():
    pattern = r"(?i)^(?P<site>\w+) newsletter$|^subscribe to (?P<site>\w+)$"
    assert literals(pattern) is not None
    rule_like = regex.compile(pattern)
    pf = Prefilter([pattern])
    for text in ("Daily newsletter", "Subscribe to Daily", "The council met"):
        assert (pf.candidates(text) == [0]) >= bool(rule_like.search(text)), text
    assert pf.candidates("The council met on Tuesday") == []


def test_each_alternative_is_tested_with_its_own_requirement_and_bound():
    pattern = r"^(?=.{0,40}$).*?\bcommission\b|(?i:\baffiliate disclosure\b)"
    assert analysis(pattern)[1] == (((("\x00commission\x00",),), 41), ((("\x00affiliate disclosure\x00",),), None))
    pf = Prefilter([pattern])
    long = "The council said the planning commission met on Tuesday to discuss the budget."
    assert pf.candidates("We earn a commission.") == [0]
    assert pf.candidates(long) == []  # its only word belongs to the bounded alternative
    assert pf.candidates(long + " Affiliate disclosure: see below.") == [0]
    assert analysis(r"(?m)^a$|^b$")[1] == ()  # multiline: not split


def test_a_document_scan_finds_what_each_block_would():
    pf = Prefilter([r.pattern for r in BUILTIN])
    blocks = _examples()
    blocks += [b + "\n" for b in blocks[:50]] + ["", "\x00 ©", "share\nthis", "İnstagram ✓"]
    for start in range(0, len(blocks), 7):
        doc = blocks[start:start + 7]
        assert pf.masks(doc) == [pf.mask(t) for t in doc]
    seeds = [b.text for p in sorted(SEEDS.glob("*.txt")) for b in segment(p.read_text(encoding="utf-8"))]
    assert pf.masks(seeds) == [pf.mask(t) for t in seeds]
    rs = RuleSet(BUILTIN, 5.0)
    assert rs.signals_many(seeds, None, []) == [rs.signals(t, None, []) for t in seeds]


def test_fuzzy_and_nested_set_syntax_always_runs():
    assert literals(r"(?:advertisement){e<=1}") is None
    assert literals(r"[[:alpha:]]+ply") is None


@pytest.mark.parametrize("text", ["a" * 60 + "b", "short"])
def test_a_rule_that_times_out_is_reported_and_skipped(text):
    from cleaner.packs.load import Rule

    slow = Rule(id="TPL001", name="template.slow", category="template", effect="drop",
                pattern=r"^(a|aa)+$", rationale="-", match=(), keep=(), weight=1.0, pack="p",
                lang=(), sites=(), aliases=(), support={}, compiled=regex.compile(r"^(a|aa)+$"))
    problems: list[Problem] = []
    assert RuleSet([slow], 0.05).signals(text, None, problems) == []
    assert [p.kind for p in problems] == (["rule-timeout"] if len(text) > 30 else [])


def test_a_short_blocks_signals_are_remembered_from_document_to_document(monkeypatch):
    from cleaner.packs import signals

    blocks = _examples()[:300]
    rs = RuleSet(BUILTIN, 5.0)
    want = [rs.signals(t, None, []) for t in blocks]
    first = rs.signals_many(blocks[:200], None, [])
    first[0].append("changed")  # the caller's own list: a later document does not get it
    assert rs.signals_many(blocks[100:], None, []) == want[100:]
    assert rs.signals_many(blocks[:200], None, []) == want[:200] and rs._known
    monkeypatch.setattr(signals, "KNOWN_BLOCKS", 5)  # cleared again and again
    rs = RuleSet(BUILTIN, 5.0)
    for start in range(0, len(blocks), 7):
        assert rs.signals_many(blocks[start:start + 7], None, []) == want[start:start + 7]
    assert len(rs._known) <= 7


def test_signals_that_depend_on_the_site_or_on_a_timeout_are_not_remembered():
    from cleaner.packs.load import Rule

    def rule(rule_id: str, pattern: str, sites: tuple[str, ...] = ()) -> Rule:
        return Rule(id=rule_id, name="template.x", category="template", effect="drop", pattern=pattern,
                    rationale="-", match=(), keep=(), weight=1.0, pack="p", lang=(), sites=sites,
                    aliases=(), support={}, compiled=regex.compile(pattern))

    rs = RuleSet([rule("TPL001", r"^(a|aa)+$"), rule("TPL002", r"Subscribe", ("example.com",))], 0.05)
    for site, sources in (("example.com", ["TPL002"]), ("other.org", []), ("www.example.com", ["TPL002"])):
        problems: list[Problem] = []
        slow, promo = rs.signals_many(["a" * 60 + "b", "Subscribe now"], site, problems)
        assert slow == [] and [s.source for s in promo] == sources
        assert [p.kind for p in problems] == ["rule-timeout"]  # searched again each time


def test_a_term_needs_all_of_its_clauses():
    """The first test looks up one literal; a term then needs one of each clause's."""
    pattern = r"(?i)\b(?:we|it) (?:may|will) (?:earn|get) (?:a commission|money)\b"
    pf = Prefilter([pattern])
    assert pf.candidates("We may earn a commission on purchases.") == [0]
    assert pf.candidates("The commission met on Tuesday.") == []  # "commission", but no "may"/"will"
    assert pf.candidates("It will get money back") == [0]
    assert all(m < 2 for m in pf.masks(["We will earn money", "the commission", ""]))  # patterns' bits only


def test_an_optional_character_splits_a_literal_into_its_variants():
    pattern = r"(?i)\bp\.?\s?iva\s{0,3}:?\s{0,3}\d{11}\b|\be-?mail us\b"
    terms = {c for clauses, _ in analysis(pattern)[1] for c in clauses}
    assert (BOUND + "piva",) in terms and (BOUND + "p.iva",) in terms and (BOUND + "iva",) in terms
    pf = Prefilter([pattern])
    for text in ("P.IVA 01234567890", "p. iva: 01234567890", "PIVA01234567890", "Email us", "E-mail us today"):
        assert pf.candidates(text) == [0], text
    assert pf.candidates("Derivatives and private equity: 01234567890") == []  # "iva" inside words only


def test_terms_survive_the_disk_cache():
    import pickle

    pf = Prefilter([r.pattern for r in BUILTIN])
    blocks = _examples()[:300]
    again = pickle.loads(pickle.dumps(pf))  # the compiled tests are left out and rebuilt
    assert again.masks(blocks) == pf.masks(blocks)


_RULE_TEXT = st.sampled_from([ex for rule in BUILTIN for ex in rule.match])
_FILLER = st.sampled_from(["The council met on Tuesday.", "Photo:", "|", "(AP)", "Read more", "©", "1.", "—",
                           "said", "may", "earn", "share", "e-mail", "P.", "iva", "12345678901", "\n", " "])


@settings(max_examples=int(os.environ.get("CLEANER_PROPERTY_EXAMPLES", "150")), deadline=None)
@given(st.lists(st.one_of(_RULE_TEXT, _FILLER), min_size=1, max_size=5), st.sampled_from([str, str.upper, str.lower, str.title]))
def test_the_prefilter_never_leaves_out_a_rule_that_matches(pieces, case):
    """Pieces of the rules' own examples, run together with other words and cased anew:
    every rule that matches the block is let through."""
    text = case(" ".join(pieces))
    found = PREFILTER.mask(text)
    for k, rule in enumerate(BUILTIN):
        if not found >> k & 1:
            assert rule.compiled.search(text) is None, (rule.id, text)


def test_a_literal_a_match_ends_soon_after_is_looked_for_near_the_end():
    pattern = r"(?i)\|\s{0,2}[A-Z][\w.' -]{1,30}/[A-Za-z][\w .-]{1,25}$"
    pf = Prefilter([pattern])
    assert pf.candidates("Main street | Jane Doe/Getty Images") == [0]
    assert pf.candidates("Main street | Jane Doe/Getty Images\n") == [0]  # "$" before a final newline
    wide = "x | Jane/G" + "ﬃ" * 24  # casefolded, each "ﬃ" is three characters: still near enough
    assert regex.search(pattern, wide) and pf.candidates(wide) == [0]
    assert pf.candidates("a | b/c " + "and the rest of a long paragraph " * 5) == []


def test_the_caches_of_token_masks_and_of_tests_give_what_a_fresh_prefilter_does(monkeypatch):
    from cleaner.packs import prefilter, terms

    blocks = _examples()[:400] + ["Фото: ©", "写真 — x", "İnstagram ✓", ""]
    want = Prefilter([r.pattern for r in BUILTIN]).masks(blocks)
    monkeypatch.setattr(prefilter, "KNOWN_TOKENS", 5)  # cleared again and again
    monkeypatch.setattr(terms, "PLANS", 3)
    pf = Prefilter([r.pattern for r in BUILTIN])
    assert [pf.mask(b) for b in blocks] == want and pf.masks(blocks) == want
    assert len(pf._known) <= 5 and len(pf.terms._plans) <= 3


def test_a_substring_is_found_in_a_block_only_with_all_its_characters():
    pf = Prefilter([r":-\)", r"все права защищены", r"(?i)^\|$"])
    assert pf.masks(["foo:-)", "все права защищены.", "foo:", "-) все права", "|", "a|"]) == [1, 2, 0, 0, 4, 0]
    assert pf.masks(["все права", "защищены"]) == [0, 0]  # across two blocks: in neither


def test_a_term_tested_once_for_the_terms_that_share_it():
    from cleaner.packs.terms import _absorbed, _factored, _implies, _needed

    sub = ("clause", (False, 0, (), ("photo",), (), ()))
    near_end = ("clause", (False, 0, (), (), (), (("photo:", 9),)))
    assert _implies(near_end, sub) and not _implies(sub, near_end)
    assert _implies(("size", 40), ("size", 60)) and not _implies(("size", 60), ("size", 40))
    assert _needed([("size", 40), sub, near_end]) == [("size", 40), near_end]
    assert _absorbed([[sub, ("size", 40)], [sub], [near_end]]) == [[sub]]
    assert _factored([["a", "b"], ["a", "c"], ["d"]]) == "(a and ((b) or (c))) or (d)"
    assert _factored([["a"], ["a", "c"]]) == "(a)"
    assert _factored([]) == ""
