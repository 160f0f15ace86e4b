"""The command line, through click's CliRunner and once through a real process."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOLDEN, SEEDS

from cleaner.cli.app import main

ARTICLE = ("The council voted on Tuesday to close the old bridge over the river for repairs, after "
           "engineers found cracks in two of its supporting piers, officials said.\n")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "sub" / "nested.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "notes.md").write_text("not a text input", encoding="utf-8")
    return folder


def test_run_mirrors_the_tree_and_matches_golden(runner, seeds, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(main, ["run", str(seeds), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [p.name for p in SEEDS.glob("*.txt")] + ["sub/nested.txt"])
    for seed in SEEDS.glob("*.txt"):
        assert (out / seed.name).read_text(encoding="utf-8") == (GOLDEN / seed.name).read_text(encoding="utf-8")
    assert (out / "sub" / "nested.txt").read_text(encoding="utf-8") == ARTICLE
    assert "cleaned 4 documents" in res.stderr and "No failures" in res.stderr
    assert "Decided most often by:" in res.stderr


def test_report_has_every_removed_block_with_its_reasons(runner, seeds, tmp_path):
    report = tmp_path / "report.jsonl"
    res = runner.invoke(main, ["run", str(seeds), "-o", str(tmp_path / "out"), "--report", str(report)])
    assert res.exit_code == 0, res.output
    records = {r["id"]: r for r in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    assert len(records) == 4
    seed0 = next(r for k, r in records.items() if k.startswith("000_"))
    texts = [e["text"] for e in seed0["removed"]]
    assert texts[0] == "Join our WhatsApp community!"
    original = (SEEDS / seed0["id"]).read_text(encoding="utf-8")
    for entry in seed0["removed"]:
        s, e = entry["span"]
        assert original[s:e] == entry["text"]
        assert entry["state"] in {"HEAD", "INSERT", "TAIL"} and entry["reasons"]
    assert not next(r for k, r in records.items() if k.startswith("001_"))["removed"]


def test_output_folder_inside_input_is_not_reread(runner, seeds):
    out = seeds / "clean"
    for _ in range(2):
        res = runner.invoke(main, ["run", str(seeds), "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert "cleaned 4 documents" in res.stderr
    assert not (out / "clean").exists()


def test_usage_errors_exit_2(runner, seeds, tmp_path, monkeypatch):
    seed = next(seeds.glob("*.txt"))
    assert runner.invoke(main, ["run", str(seeds)]).exit_code == 2  # no -o
    res = runner.invoke(main, ["run", str(seeds), "-o", str(seed)])
    assert res.exit_code == 2 and "names one file, but the folder" in res.output
    res = runner.invoke(main, ["run", str(seeds), "-o", str(seeds)])
    assert res.exit_code == 2 and "is an input" in res.output
    res = runner.invoke(main, ["run", str(seeds), "-o", str(tmp_path / "o"), "--select", "promoo"])
    assert res.exit_code == 2 and "did you mean" in res.output
    assert runner.invoke(main, ["run", str(tmp_path / "missing"), "-o", str(tmp_path / "o")]).exit_code == 2
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(main, ["run", str(seed), "-o", "-", "--report", "-"])
    assert res.exit_code == 2 and "--report needs a file name" in res.output and not Path("-").exists()


def test_bad_documents_are_reported_and_the_run_goes_on(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "latin1.txt").write_bytes("Le café du maire a été fermé hier soir après une longue réunion du conseil municipal.\n".encode("cp1252"))
    (folder / "zipped.txt.gz").write_bytes(gzip.compress(ARTICLE.encode()))
    (folder / "broken.txt.gz").write_bytes(b"not gzip at all")
    out = tmp_path / "out"
    res = runner.invoke(main, ["run", str(folder), "-o", str(out)])
    assert res.exit_code == 1, res.output
    assert "2 failed" in res.stderr
    assert "binary.txt: binary file" in res.stderr and "broken.txt.gz: cannot read" in res.stderr
    assert "latin1.txt: not UTF-8; decoded as" in res.stderr
    assert (out / "good.txt").read_text(encoding="utf-8") == ARTICLE
    assert (out / "zipped.txt").read_text(encoding="utf-8") == ARTICLE
    assert (out / "empty.txt").read_text(encoding="utf-8") == ""
    assert "café" in (out / "latin1.txt").read_text(encoding="utf-8")
    assert not (out / "binary.txt").exists()
    assert not [p for p in out.rglob("*.tmp")]


def test_explain_lists_states_and_reasons_plain_when_piped(runner):
    seed = next(SEEDS.glob("002_*.txt"))
    res = runner.invoke(main, ["explain", str(seed)])
    assert res.exit_code == 0, res.output
    assert "\x1b[" not in res.output
    lines = res.output.splitlines()
    assert any(" HEAD " in l and "drop" in l and "Home London News" in l for l in lines)
    assert any(" BODY " in l and "keep" in l for l in lines)
    assert any(" TAIL " in l and "© 2023" in l and "[" in l for l in lines)
    coloured = runner.invoke(main, ["explain", str(seed), "--color"])
    assert "\x1b[" in coloured.output


def test_help_teaches(runner):
    res = runner.invoke(main, ["--help"])
    assert "cleaner run seeds/ -o clean/" in res.output
    assert "--select" in runner.invoke(main, ["run", "--help"]).output


def test_a_real_process_on_a_temporary_folder(seeds, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(seeds), "-o", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "cleaned 4 documents" in proc.stderr
    seed = next(SEEDS.glob("000_*.txt"))
    assert (out / seed.name).read_text(encoding="utf-8") == (GOLDEN / seed.name).read_text(encoding="utf-8")
