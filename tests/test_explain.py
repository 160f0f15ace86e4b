"""`cleaner explain`: stdin read as `cleaner run` reads it, and the rules the decoder
overruled on kept blocks, in `explain` and in the `--report` record."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import SEEDS
from test_pipeline import HTML

from cleaner.cli.app import main

SEED = next(SEEDS.glob("002_*.txt"))
PARAGRAPHS = [
    "The council voted on Tuesday to close the old bridge over the river for repairs, after engineers found "
    "cracks in two of its supporting piers, officials said.",
    "Read more",
    "Officials said the closure would last at least six months and that buses would be diverted through the "
    "industrial estate while the work is carried out.",
    "Local businesses on both banks warned that the detour would cost them customers, and asked the council to "
    "consider a temporary footbridge.",
    "Join our WhatsApp community!",
]
#: A "Read more" heading inside an article: RELATED003 fires, the decoder keeps the line.
TEXT = "\n".join(PARAGRAPHS) + "\n"


def test_explain_reads_text_from_stdin_as_from_a_file():
    runner = CliRunner()
    from_file = runner.invoke(main, ["explain", str(SEED)])
    from_stdin = runner.invoke(main, ["explain", "-"], input=SEED.read_text(encoding="utf-8"))
    assert from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout.splitlines()[0].startswith("<stdin>: 22 blocks, 7 removed")
    assert from_stdin.stdout.splitlines()[1:] == from_file.stdout.splitlines()[1:]


def test_explain_reads_html_and_jsonl_from_stdin_as_run_does():
    runner = CliRunner()
    res = runner.invoke(main, ["explain", "-"], input=HTML)
    assert res.exit_code == 0, res.output
    assert "The city council voted on Tuesday" in res.stdout and "<p>" not in res.stdout  # extracted first
    assert any("drop" in line and "WhatsApp" in line for line in res.stdout.splitlines())
    records = [{"id": "first", "text": TEXT}, {"id": "second", "text": SEED.read_text(encoding="utf-8")}]
    lines = "".join(json.dumps(r) + "\n" for r in records) + "{broken\n"
    res = runner.invoke(main, ["explain", "-"], input=lines)
    assert res.exit_code == 1  # the broken record
    assert "<stdin>:3: malformed JSON" in res.stderr
    tables = [line for line in res.stdout.splitlines() if ": " in line and " blocks, " in line]
    assert [t.split(":")[0] for t in tables] == ["first", "second"]
    assert runner.invoke(main, ["explain", "-", "--format", "text"], input=lines).stdout.startswith("<stdin>: 3 blocks")


def test_explain_shows_a_rule_the_decoder_overruled_on_a_kept_line(tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(main, ["explain", str(path)])
    assert res.exit_code == 0, res.output
    (line,) = [line for line in res.stdout.splitlines() if "Read more" in line]
    assert " BODY   keep  Read more  [fired RELATED003, kept by context (between kept blocks 1 and 3)]" in line
    (promo,) = [line for line in res.stdout.splitlines() if "WhatsApp" in line]
    assert "drop" in promo and "fired" not in promo  # a removed line shows its reasons, not this
    assert sum("fired" in line for line in res.stdout.splitlines()) == 1
    coloured = CliRunner().invoke(main, ["explain", str(path), "--color"]).stdout
    assert "\x1b[33mfired RELATED003, kept by context" in coloured


def test_the_report_lists_overruled_signals(tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(TEXT, encoding="utf-8")
    report = tmp_path / "report.jsonl"
    res = CliRunner().invoke(main, ["run", str(path), "-o", "-", "--report", str(report), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "Read more" in res.stdout  # kept: cleaning is unchanged
    (record,) = map(json.loads, report.read_text(encoding="utf-8").splitlines())
    (entry,) = record["overruled"]
    start = TEXT.index("Read more")
    assert entry["block"] == 1 and entry["span"] == [start, start + len("Read more")]
    assert entry["state"] == "BODY" and entry["text"] == "Read more"
    assert [(s["source"], s["category"], s["effect"]) for s in entry["signals"]] == [("RELATED003", "related", "drop")]
    assert [e["text"] for e in record["removed"]] == ["Join our WhatsApp community!"]


def test_overruled_is_empty_for_removed_blocks_and_clean_documents(cleaner):
    result = cleaner.clean(TEXT)
    assert [d.block.text for d in result.decisions if d.overruled] == ["Read more"]
    assert all(not d.overruled for d in result.removed)
    assert result.report()["overruled"][0]["signals"][0]["source"] == "RELATED003"
    plain = cleaner.clean(PARAGRAPHS[0] + "\n" + PARAGRAPHS[2] + "\n")
    assert plain.report()["overruled"] == [] and "fired" not in plain.explain()
