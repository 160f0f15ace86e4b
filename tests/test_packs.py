"""Rule packs: every example of every built-in rule, and the loader's validation."""

from __future__ import annotations

import textwrap

import pytest

from cleaner import Cleaner, Config
from cleaner.packs.load import (
    CATEGORIES,
    PackError,
    builtin_rules_dir,
    load_pack,
    load_packs,
)
from cleaner.packs.select import SelectorError, select_rules

BUILTIN = load_packs([builtin_rules_dir()], check_examples=False)


def test_builtin_packs_have_at_least_80_rules_covering_the_categories():
    assert len(BUILTIN) >= 80
    cats = {r.category for r in BUILTIN}
    wanted = {"promo", "social", "newsletter", "donation", "paywall", "footer", "legal", "about",
              "navigation", "related", "comments", "caption", "byline", "dateline", "tags",
              "author-bio", "share", "ads", "cookie"}
    assert wanted <= cats, wanted - cats


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_rule_examples(rule):
    assert rule.match and rule.keep and rule.rationale
    assert rule.check_examples() == []


def _pack(tmp_path, body: str, name="p.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """
[pack]
name = "p"
prefix = "ZORB"
lang = ["en"]

[[rule]]
id = "ZORB900"
name = "promo.test"
category = "promo"
effect = "drop"
pattern = '''(?i)^join our club$'''
rationale = "A test rule."
match = ["Join our club"]
keep = ["He did not join our club today."]
"""


def test_a_good_pack_loads(tmp_path):
    (rule,) = load_pack(_pack(tmp_path, GOOD))
    assert rule.id == "ZORB900" and rule.category == "promo" and rule.search("JOIN OUR CLUB")


@pytest.mark.parametrize("change, message", [
    (("category = \"promo\"", "category = \"nonsense\""), "unknown category 'nonsense'"),
    (("effect = \"drop\"", "effect = \"delete\""), "effect must be one of"),
    (("id = \"ZORB900\"", "id = \"ZORK900\""), "id must be the pack's prefix ZORB"),
    (("pattern = '''(?i)^join our club$'''", "pattern = '''(unclosed'''"), "does not compile"),
    (("pattern = '''(?i)^join our club$'''", "pattern = '''x*'''"), "matches the empty string"),
    (("match = [\"Join our club\"]", "match = [\"Leave our club\"]"), "match example does not match"),
    (("keep = [\"He did not join our club today.\"]", "keep = [\"join our club\"]"), "keep example matches"),
    (("keep = [\"He did not join our club today.\"]", "keep = []"), "at least one 'match' and one 'keep'"),
    (("rationale = \"A test rule.\"", "rationale = 3"), "field 'rationale' must be str"),
    (("rationale = \"A test rule.\"", "colour = \"red\""), "missing field 'rationale'"),
    (("effect = \"drop\"", "effect = \"trim\""), "trim pattern must be anchored"),
])
def test_bad_rules_fail_with_file_and_rule_id(tmp_path, change, message):
    body = GOOD.replace(*change)
    if change[1] == "effect = \"trim\"":
        body = body.replace("(?i)^join our club$", "(?i)join our club")
        body = body.replace('keep = ["He did not join our club today."]', 'keep = ["He left."]')
    path = _pack(tmp_path, body)
    with pytest.raises(PackError) as err:
        load_pack(path)
    rule_id = "ZORK900" if "ZORK900" in body else "ZORB900"
    assert str(err.value).startswith(f"{path}:{rule_id}: ")
    assert message in str(err.value)


def test_not_toml_and_duplicates_are_errors(tmp_path):
    with pytest.raises(PackError, match="not valid TOML"):
        load_pack(_pack(tmp_path, "[[rule]\n"))
    a = _pack(tmp_path, GOOD, "a.toml")
    b = _pack(tmp_path, GOOD.replace("promo.test", "promo.other"), "b.toml")
    with pytest.raises(PackError, match="ZORB900' is already used by ZORB900") as err:
        load_packs([a, b])
    assert str(err.value).startswith(f"{b}:ZORB900: ") and str(a) in str(err.value)


def test_every_category_prefix_is_distinct():
    assert len(set(CATEGORIES.values())) == len(CATEGORIES)


def test_selection_by_id_prefix_category_name_and_glob():
    def ids(select=(), ignore=()):
        return {r.id for r in select_rules(BUILTIN, select, ignore)}

    promo = {r.id for r in BUILTIN if r.category == "promo"}
    assert ids(["PROMO"]) == promo == ids(["promo"]) == ids(["promo.*"])
    first = sorted(promo)[0]
    assert ids(["PROMO"], [first]) == promo - {first}
    assert ids([first]) == {first}
    with pytest.raises(SelectorError, match="did you mean 'promo'"):
        ids(["promoo"])


def test_cleaner_uses_only_selected_rules():
    text = "The council met on Tuesday to approve the budget for the coming year.\nJoin our WhatsApp community!\n"
    assert "WhatsApp" not in Cleaner(Config()).clean(text).text
    only_legal = Cleaner(Config(select=("legal",)))
    assert all(r.category == "legal" for r in only_legal.rules)


def test_the_prefilter_lets_every_match_example_through():
    from cleaner.packs.prefilter import Prefilter

    pf = Prefilter([r.pattern for r in BUILTIN])
    for k, rule in enumerate(BUILTIN):
        for example in rule.match:
            assert k in pf.candidates(example.strip()), (rule.id, example)


def test_prefilter_literals_are_sound_on_tricky_patterns():
    from cleaner.packs.patterns import literals
    from cleaner.packs.prefilter import Prefilter

    assert literals(r"(?i)\bjoin our (?:whatsapp|telegram) channel\b")
    assert literals(r"\p{Lu}+") is None  # syntax only the regex package knows: always run
    pf = Prefilter([r"(?i)^about(?: us)?[.:]?$", r"(?i)share this (?:article|story)$"])
    assert pf.candidates("ABOUT US") == [0]
    assert pf.candidates("Please SHARE THIS STORY") == [1]
    assert pf.candidates("Council meets on Tuesday") == []


def test_user_packs_declare_their_own_prefix_and_builtin_prefixes_stay_reserved(tmp_path):
    no_prefix = _pack(tmp_path, GOOD.replace('prefix = "ZORB"\n', "").replace("ZORB900", "PROMO900"), "borrow.toml")
    with pytest.raises(PackError) as err:
        load_pack(no_prefix)
    assert str(err.value).startswith(f"{no_prefix}:PROMO900: PROMO ids are reserved for the built-in packs")
    assert 'prefix = \"SITE\"' in str(err.value)
    # the same pack is fine as a built-in one (the built-in folder decides, or the caller)
    assert [r.id for r in load_pack(no_prefix, builtin=True)] == ["PROMO900"]
    with pytest.raises(PackError, match="'prefix' is for your own packs"):
        load_pack(_pack(tmp_path, GOOD, "b.toml"), builtin=True)
    for prefix, message in [("PROMO", "prefix PROMO is reserved"), ("NAVY", "overlaps NAV"),
                            ("CM", "overlaps CMT"), ("zorb", "2 to 12 capital letters"), ("Z", "2 to 12 capital")]:
        path = _pack(tmp_path, GOOD.replace('"ZORB"', f'"{prefix}"').replace("ZORB900", f"{prefix}900"), "p.toml")
        with pytest.raises(PackError) as err:
            load_pack(path)
        assert str(err.value).startswith(f"{path}:[pack]: ") and message in str(err.value), str(err.value)
    assert all(r.id.startswith(CATEGORIES[r.category]) for r in BUILTIN)  # no built-in pack uses one


def test_a_pack_prefix_covers_every_category_and_learned_templates_need_none(tmp_path):
    second = GOOD.split("[[rule]]")[1].replace("ZORB900", "ZORB901").replace("promo.test", "footer.test")
    rules = load_pack(_pack(tmp_path, GOOD + "\n[[rule]]" + second.replace('category = "promo"', 'category = "footer"')))
    assert [(r.id, r.category) for r in rules] == [("ZORB900", "promo"), ("ZORB901", "footer")]
    learned = GOOD.replace('prefix = "ZORB"\n', "").replace("ZORB900", "TPL12345678") \
        .replace("promo.test", "template.test").replace('category = "promo"', 'category = "template"')
    assert [r.id for r in load_pack(_pack(tmp_path, learned, "learned.toml"))] == ["TPL12345678"]
    with pytest.raises(PackError, match="TPL ids are reserved"):
        load_pack(_pack(tmp_path, learned.replace("TPL12345678", "TPL901"), "hand.toml"))


def test_user_ids_are_selectable_by_their_prefix_and_unique_across_everything_loaded(tmp_path):
    pack = _pack(tmp_path, GOOD)
    cleaner = Cleaner(Config(rule_paths=(str(pack),), select=("ZORB",)))
    assert [r.id for r in cleaner.rules] == ["ZORB900"]
    assert "join our club" not in cleaner.clean("The council met on Tuesday to approve the budget.\nJoin our club\n").text
    other = _pack(tmp_path, GOOD.replace("promo.test", "promo.other"), "other.toml")
    with pytest.raises(PackError, match="'ZORB900' is already used by ZORB900"):
        Cleaner(Config(rule_paths=(str(pack), str(other))))
    clash = _pack(tmp_path, GOOD.replace("promo.test", "promo.messaging-join"), "clash.toml")
    with pytest.raises(PackError, match="'promo.messaging-join' is already used by PROMO001"):
        Cleaner(Config(rule_paths=(str(clash),)))


LANG_PACK_CATEGORIES = {"navigation", "byline", "dateline", "caption", "share", "related", "newsletter",
                        "donation", "paywall", "cookie", "ads", "comments", "legal", "about"}


def test_language_packs_declare_their_language_and_cover_the_categories():
    """rules/lang/<code>.toml: one pack a language, named and tagged with its ISO code, with
    rules in every category issue #14 asks for."""
    from cleaner.tomlfile import read_toml

    folder = builtin_rules_dir() / "lang"
    paths = sorted(folder.glob("*.toml"))
    assert {p.stem for p in paths} >= {"de", "fr", "es", "it", "pt", "ru", "nl", "pl", "ar", "hi", "ja",
                                       "zh", "id", "tr"}
    for path in paths:
        pack = read_toml(path, PackError)["pack"]
        assert pack["name"] == path.stem and pack["lang"] == [path.stem], path
        rules = load_pack(path, check_examples=False)
        missing = LANG_PACK_CATEGORIES - {r.category for r in rules}
        assert not missing, (path.name, missing)
