"""`cleaner rules ...`, configuration files, site packs, aliases and pattern time limits."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from cleaner import Cleaner, Config
from cleaner.cli.app import main

ARTICLE = ("The council voted on Tuesday to close the old bridge over the river for repairs, after "
           "engineers found cracks in two of its supporting piers, officials said.")
PACK = '''
[pack]
name = "gazette"
description = "Boilerplate of the (made-up) Riverside Gazette."
lang = ["en"]
prefix = "GAZ"
sites = ["riverside-gazette.example"]

[[rule]]
id = "GAZ001"
name = "template.gazette-tip-line"
aliases = ["template.tip-line"]
category = "template"
effect = "drop"
pattern = \'\'\'(?i)^riverside gazette: serving the valley\\b\'\'\'
rationale = "The Gazette's tip line closes every article."
match = ["Riverside Gazette: serving the valley since 1882."]
keep = ["The Riverside Gazette reported the flood first."]
'''


def _pack(tmp_path, body=PACK, name="gazette.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_rules_list_table_json_and_category():
    runner = CliRunner()
    res = runner.invoke(main, ["rules", "list"])
    assert res.exit_code == 0 and "PROMO001" in res.stdout and "DONATE001" in res.stdout
    rows = json.loads(runner.invoke(main, ["rules", "list", "--format", "json", "--category", "donation"]).stdout)
    assert rows and all(r["category"] == "donation" and r["rationale"] for r in rows)


def test_rules_explain_by_id_name_and_alias(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["rules", "explain", "PROMO001"])
    assert res.exit_code == 0
    for part in ("What it is for:", "Pattern:", "Matches (removed):", "Must not match (kept):", "promo.toml"):
        assert part in res.stdout
    pack = _pack(tmp_path)
    res = runner.invoke(main, ["rules", "explain", "template.tip-line", "--rules", str(pack)])
    assert res.exit_code == 0 and "GAZ001" in res.stdout and "riverside-gazette.example" in res.stdout
    res = runner.invoke(main, ["rules", "explain", "PROMO0001"])
    assert res.exit_code == 1 and "did you mean" in res.output


def test_rules_test_passes_and_fails_with_rule_ids(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["rules", "test"])
    assert res.exit_code == 0 and " 0 failed" in res.stdout
    good = _pack(tmp_path)
    assert runner.invoke(main, ["rules", "test", str(good)]).exit_code == 0
    bad = _pack(tmp_path, PACK.replace('keep = ["The Riverside Gazette reported the flood first."]',
                                       'keep = ["Riverside Gazette: serving the valley for ever."]'), "bad.toml")
    res = runner.invoke(main, ["rules", "test", str(bad)])
    assert res.exit_code == 1 and f"{bad}:GAZ001: keep example matches" in res.stdout


def test_rules_new_prints_a_pack_that_declares_its_prefix(tmp_path):
    res = CliRunner().invoke(main, ["rules", "new", "--category", "promo", "--prefix", "ZORB"])
    assert res.exit_code == 0 and 'prefix = "ZORB"' in res.stdout and 'id = "ZORB001"' in res.stdout
    assert 'category = "promo"' in res.stdout and "match = [" in res.stdout
    # filled in, the skeleton is a valid pack
    filled = res.stdout.replace("^your pattern here$", "^join the zorb club$").replace(
        "A line this rule must remove", "Join the Zorb club")
    res = CliRunner().invoke(main, ["rules", "test", str(_pack(tmp_path, filled, "zorb.toml"))])
    assert res.exit_code == 0 and "1 rules, 2 examples: 2 passed" in res.stdout, res.output
    res = CliRunner().invoke(main, ["rules", "new", "--category", "promo", "--prefix", "PROMO"])
    assert res.exit_code == 2 and "reserved for the built-in packs" in res.output


def test_a_user_pack_that_borrows_a_builtin_prefix_is_refused_with_the_fix(tmp_path):
    pack = _pack(tmp_path, PACK.replace('prefix = "GAZ"\n', "").replace("GAZ001", "PROMO950"))
    res = CliRunner().invoke(main, ["run", "-", "-o", "-", "--rules", str(pack)], input=ARTICLE)
    assert res.exit_code == 2
    assert f"{pack}:PROMO950: PROMO ids are reserved for the built-in packs" in res.output
    assert "[pack] prefix" in res.output


def test_site_packs_apply_only_to_their_site(tmp_path):
    pack = _pack(tmp_path)
    text = f"{ARTICLE}\nRiverside Gazette: serving the valley since 1882.\n"
    cleaner = Cleaner(Config(rule_paths=(str(pack),)))
    assert "Gazette" in cleaner.clean(text).text
    assert "Gazette" not in cleaner.clean(text, {"site": "www.riverside-gazette.example"}).text
    assert "Gazette" not in Cleaner(Config(rule_paths=(str(pack),), site="riverside-gazette.example")).clean(text).text
    # and from JSONL, by the record's url
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "url": "https://riverside-gazette.example/a", "text": text}) + "\n")
    res = CliRunner().invoke(main, ["run", str(src), "-o", "-", "--rules", str(pack)])
    assert res.exit_code == 0 and "Gazette" not in json.loads(res.stdout)["text"]


def test_select_by_alias_and_ignore_on_explain(tmp_path):
    pack = _pack(tmp_path)
    assert [r.id for r in Cleaner(Config(rule_paths=(str(pack),), select=("template.tip-line",))).rules] == ["GAZ001"]
    seed = "seeds/000_f01d1c3013861b2b.txt"
    res = CliRunner().invoke(main, ["explain", seed, "--ignore", "PROMO,CMT,DONATE"])
    assert res.exit_code == 0 and "PROMO001" not in res.stdout


def test_config_file_is_found_upwards_and_the_command_line_wins(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nignore = ["caption"]\nlanguage = "en"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    res = CliRunner().invoke(main, ["config", "show", "--language", "de"])
    assert res.exit_code == 0
    lines = {line.split("=")[0].strip(): line for line in res.stdout.splitlines()}
    assert "('caption',)" in lines["ignore"] and str(tmp_path / "pyproject.toml") in lines["ignore"]
    assert "'de'" in lines["language"] and "command line" in lines["language"]
    assert "default" in lines["select"]
    (sub / "cleaner.toml").write_text('selectt = ["PROMO"]\n')
    res = CliRunner().invoke(main, ["config", "show"])
    assert res.exit_code == 2 and "unknown setting 'selectt'" in res.output


def test_headline_setting_from_file_and_command_line(tmp_path, monkeypatch):
    (tmp_path / "cleaner.toml").write_text('headline = "drop"\n')
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["config", "show"])
    line = next(line for line in res.stdout.splitlines() if line.startswith("headline"))
    assert "'drop'" in line and "cleaner.toml" in line
    seed = str(Path(__file__).resolve().parent.parent / "seeds" / "002_1a71848b3a6b5cd5.txt")
    out = CliRunner().invoke(main, ["explain", seed, "--no-color"]).stdout
    assert "h.headline" in out or "h.title" in out
    res = CliRunner().invoke(main, ["config", "show", "--headline", "keep"])
    assert "'keep'" in res.stdout and "command line" in res.stdout
    res = CliRunner().invoke(main, ["config", "show", "--headline", "maybe"])
    assert res.exit_code == 2
    (tmp_path / "cleaner.toml").write_text('headline = "sometimes"\n')
    res = CliRunner().invoke(main, ["config", "show"])
    assert res.exit_code == 2 and "headline must be one of keep, drop" in res.output


def test_a_catastrophic_pattern_times_out_is_reported_and_the_block_stays(tmp_path):
    body = textwrap.dedent("""
        [pack]
        prefix = "SLOW"

        [[rule]]
        id = "SLOW902"
        name = "template.slow"
        category = "template"
        effect = "drop"
        pattern = '(a|aa)+$'
        rationale = "A pattern that backtracks without end on a long run of a's before a b."
        match = ["aaaa"]
        keep = ["b"]
        """)
    pack = _pack(tmp_path, body, "slow.toml")
    cleaner = Cleaner(Config(builtin_rules=False, rule_paths=(str(pack),), match_timeout=0.2))
    evil = "a" * 60 + "b"
    result = cleaner.clean(f"{ARTICLE}\n{evil}\n{ARTICLE}\n")
    assert [p.kind for p in result.problems] == ["rule-timeout"]
    assert "SLOW902" in result.problems[0].message
    assert evil in result.text
    # the issue's own example, (a+)+$, is handled by the regex package without backtracking
    fast = _pack(tmp_path, body.replace("(a|aa)+$", "(a+)+$"), "fast.toml")
    assert not Cleaner(Config(builtin_rules=False, rule_paths=(str(fast),), match_timeout=0.2)).clean(evil).problems
