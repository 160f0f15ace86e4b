"""JSONL, stdin/stdout, HTML input, --resume, -j determinism and the Python API."""

from __future__ import annotations

import gzip
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOLDEN, SEEDS

from cleaner import Cleaner, Config, clean
from cleaner.cli.app import main

SEED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
HTML = """<!doctype html><html><head><title>Bridge closed</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council closes the old bridge</h1>
<p>The city council voted on Tuesday to close the old bridge over the river for repairs, after engineers found cracks in two of its supporting piers.</p>
<p>Officials said the closure would last at least six months and that buses would be diverted through the industrial estate while the work is carried out.</p>
<p>Local businesses on both banks warned that the detour would cost them customers, and asked the council to consider a temporary footbridge.</p>
<p>Join our WhatsApp community!</p>
</article><footer>© 2024 Example Media Ltd. All rights reserved.</footer></body></html>"""


def _records(n: int = 40) -> list[dict]:
    names = list(SEED_TEXTS)
    return [{"id": f"doc-{i}", "url": f"https://news.example.com/{i}", "lang": "en",
             "text": SEED_TEXTS[names[i % len(names)]]} for i in range(n)]


def _write_jsonl(path: Path, records, gz: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_bytes(gzip.compress(data.encode()) if gz else data.encode())
    return path


def _golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def test_jsonl_in_jsonl_out_keeps_other_fields_and_order(tmp_path):
    (tmp_path / "in").mkdir()
    src = _write_jsonl(tmp_path / "in" / "crawl.jsonl", _records())
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out), "--keep-original", "raw", "-j", "1"])
    assert res.exit_code == 0, res.output
    got = [json.loads(line) for line in (out / "crawl.jsonl").read_text(encoding="utf-8").splitlines()]
    names = list(SEED_TEXTS)
    assert [r["id"] for r in got] == [f"doc-{i}" for i in range(40)]
    for i, r in enumerate(got):
        assert r["text"] == _golden(names[i % 3])
        assert r["raw"] == SEED_TEXTS[names[i % 3]]
        assert r["url"] == f"https://news.example.com/{i}" and r["lang"] == "en"


def test_gzip_jsonl_and_bad_records_are_reported_with_line_numbers(tmp_path):
    lines = [json.dumps({"id": "a", "text": SEED_TEXTS[next(iter(SEED_TEXTS))]}), "{not json",
             json.dumps({"id": "b"}), json.dumps({"id": "c", "text": 42}), "[1, 2]",
             json.dumps({"id": "d", "text": "A short line of text about the weather in town today."})]
    src = tmp_path / "mixed.jsonl.gz"
    src.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out)])
    assert res.exit_code == 1
    assert f"{src}:2: malformed JSON" in res.stderr
    assert f"{src}:3: record has no 'text' field" in res.stderr
    assert f"{src}:4: record has a non-string (int) 'text' field" in res.stderr
    assert f"{src}:5: not a JSON object" in res.stderr
    got = [json.loads(x) for x in gzip.decompress((out / "mixed.jsonl.gz").read_bytes()).decode().splitlines()]
    assert [r["id"] for r in got] == ["a", "d"]


def test_stdin_to_stdout_text_and_jsonl(tmp_path):
    seed = next(iter(SEED_TEXTS))
    res = CliRunner().invoke(main, ["run", "-", "-o", "-"], input=SEED_TEXTS[seed])
    assert res.exit_code == 0, res.output
    assert res.stdout == _golden(seed)
    data = "".join(json.dumps(r) + "\n" for r in _records(5))
    res = CliRunner().invoke(main, ["run", "-", "-o", "-", "-q"], input=data)
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == [f"doc-{i}" for i in range(5)]


def test_html_is_extracted_by_trafilatura_then_cleaned(tmp_path):
    page = tmp_path / "pages" / "bridge.html"
    page.parent.mkdir()
    page.write_text(HTML, encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(page.parent), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = (out / "bridge.txt").read_text(encoding="utf-8")
    assert "engineers found cracks" in text and "temporary footbridge" in text
    assert "WhatsApp" not in text and "All rights reserved" not in text


def test_resume_skips_finished_outputs_and_redoes_missing_ones(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in SEED_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(folder), "-o", str(out)]).exit_code == 0
    first = sorted(out.iterdir())[0]
    first.unlink()
    marker = sorted(out.iterdir())[0]
    marker.write_text("left alone\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "--resume"])
    assert res.exit_code == 0, res.output
    assert "cleaned 1 document" in res.stderr and "Skipped 2 inputs already done" in res.stderr
    assert first.read_text(encoding="utf-8") == _golden(first.name)
    assert marker.read_text(encoding="utf-8") == "left alone\n"
    assert CliRunner().invoke(main, ["run", str(folder), "-o", "-", "--resume"]).exit_code == 2


def test_two_processes_give_the_same_bytes_as_one(tmp_path):
    src = _write_jsonl(tmp_path / "big.jsonl", _records(600))
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(src), "-o", str(out), "-j", jobs,
                               "--report", str(tmp_path / f"r{jobs}.jsonl")],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        outs.append((out / "big.jsonl").read_bytes())
    assert outs[0] == outs[1]
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()


def test_python_api_clean_cleaner_and_pickling():
    seed = next(iter(SEED_TEXTS))
    result = clean(SEED_TEXTS[seed])
    assert result.text == _golden(seed)
    cleaner = Cleaner(Config(ignore=("caption",)))
    clone = pickle.loads(pickle.dumps(cleaner))
    assert clone.config == cleaner.config
    texts = list(SEED_TEXTS.values())
    assert [r.text for r in clone.clean_many(texts)] == [r.text for r in cleaner.clean_many(texts)]
    with pytest.raises(ValueError):
        Config(language="xx")


def _readme_line(start: str) -> str:
    """The README's example line that starts with `start` (in its "From Python" block)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if line.startswith(start)]
    return line


def test_readme_pandas_and_datasets_examples_run_with_the_real_libraries():
    """The README's pandas and Hugging Face datasets lines, as written there, on a real
    DataFrame and a real Dataset (both libraries are in the test extras)."""
    import datasets
    import pandas as pd

    cleaner = Cleaner()
    names = list(SEED_TEXTS)
    expected = [_golden(n) for n in names]
    df = pd.DataFrame({"id": names, "text": [SEED_TEXTS[n] for n in names]})
    scope = {"cleaner": cleaner, "df": df}
    exec(_readme_line('df["clean"] = '), scope)  # noqa: S102 - the README's own line
    assert isinstance(scope["df"], pd.DataFrame)
    assert scope["df"]["clean"].tolist() == expected and scope["df"]["text"].tolist() == list(SEED_TEXTS.values())
    ds = datasets.Dataset.from_dict({"id": names, "text": [SEED_TEXTS[n] for n in names]})
    scope = {"cleaner": cleaner, "ds": ds}
    exec(_readme_line("ds = ds.map("), scope)  # noqa: S102
    out = scope["ds"]
    assert isinstance(out, datasets.Dataset) and out.column_names == ["id", "text", "clean"]
    assert list(out["clean"]) == expected and list(out["id"]) == names
