"""The datatrove step, with datatrove really installed (it is in the test extras): alone, and
in the README's JsonlReader -> BoilerplateCleaner -> JsonlWriter pipeline on a
LocalPipelineExecutor with two tasks in two worker processes."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from conftest import GOLDEN, ROOT, SEEDS
from datatrove.data import Document as DtDocument

from cleaner import Config
from cleaner.datatrove import BoilerplateCleaner

SEED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
ARTICLE = ("The council voted on Tuesday to close the old bridge over the river for repairs, after "
           "engineers found cracks in two of its supporting piers, officials said.")


def test_the_step_cleans_text_in_place_and_writes_a_summary(cleaner):
    step = BoilerplateCleaner()
    docs = [DtDocument(text=text, id=name, metadata={"url": f"https://news.example.com/{name}"})
            for name, text in SEED_TEXTS.items()]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == list(SEED_TEXTS)
    expected = {name: cleaner.clean(text) for name, text in SEED_TEXTS.items()}
    for doc in out:
        result = expected[doc.id]
        assert doc.text == (GOLDEN / doc.id).read_text(encoding="utf-8") == result.text
        summary = doc.metadata["cleaner"]
        assert summary["removed_chars"] == result.counts["chars_removed"]
        assert summary["removed_blocks"] == result.counts["blocks_removed"]
        assert doc.metadata["url"].endswith(doc.id)  # the rest of the metadata stays
    first = next(d for d in out if d.id.startswith("000_"))
    assert first.metadata["cleaner"]["removed_blocks"] > 0
    assert first.metadata["cleaner"]["top_reasons"][0] in {"PROMO001", "DONATE002", "h.after-marker"}
    untouched = next(d for d in out if d.id.startswith("001_"))
    assert untouched.metadata["cleaner"] == {"removed_chars": 0, "removed_blocks": 0, "trimmed_blocks": 0,
                                             "top_reasons": []}
    stats = step.stats.stats
    assert stats["documents"].total == len(SEED_TEXTS)
    assert stats["removed_chars"].total == sum(r.counts["chars_removed"] for r in expected.values())
    hits = sum(1 for r in expected.values() for d in r.removed if "PROMO001" in d.reasons)
    assert hits and stats["rule:PROMO001"].total == hits


def test_the_step_takes_config_options_and_rejects_unknown_ones():
    text = f"{ARTICLE}\nJoin our WhatsApp community!\n"
    (kept,) = BoilerplateCleaner(ignore=("promo",)).run(iter([DtDocument(text=text, id="a")]))
    assert "WhatsApp" in kept.text and kept.metadata["cleaner"]["removed_blocks"] == 0
    (cut,) = BoilerplateCleaner(Config(language="en")).run(iter([DtDocument(text=text, id="a")]))
    assert cut.text == ARTICLE + "\n" and cut.metadata["cleaner"]["top_reasons"] == ["PROMO001"]
    with pytest.raises(TypeError, match="unknown Config option"):
        BoilerplateCleaner(ignor=("promo",))
    with pytest.raises(ValueError, match="unknown rule selector"):
        BoilerplateCleaner(select=("promoo",))


def _total(stat) -> int:
    """A stat's total in datatrove's stats.json (a bare number when only the total is set)."""
    return stat if isinstance(stat, int) else stat["total"]


def _readme_pipeline() -> str:
    """The README's datatrove example, as written there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(from datatrove[^`]*?BoilerplateCleaner[^`]*?)```", readme)
    assert block, "the README has no datatrove example"
    return block.group(1)


def test_the_readme_pipeline_runs_with_several_tasks(tmp_path, monkeypatch, cleaner):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    names = list(SEED_TEXTS)
    records = [{"id": f"doc-{i}", "url": f"https://news.example.com/{i}", "text": SEED_TEXTS[names[i % 3]]}
               for i in range(12)]
    for part in range(2):  # two files: one per task
        with gzip.open(crawl / f"part-{part}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for r in records[part::2]:
                fh.write(json.dumps(r) + "\n")
    code = _readme_pipeline()
    assert "LocalPipelineExecutor" in code and "JsonlReader" in code and "JsonlWriter" in code
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    got = {}
    for path in sorted((tmp_path / "clean").glob("*.jsonl.gz")):
        for line in gzip.open(path, "rt", encoding="utf-8"):
            record = json.loads(line)
            got[record["id"]] = record
    assert len(list((tmp_path / "clean").glob("*.jsonl.gz"))) == 2  # one output per task
    assert sorted(got) == sorted(r["id"] for r in records)
    for i, r in enumerate(records):
        out = got[r["id"]]
        assert out["text"] == (GOLDEN / names[i % 3]).read_text(encoding="utf-8")
        assert out["metadata"]["url"] == r["url"]
        assert set(out["metadata"]["cleaner"]) == {"removed_chars", "removed_blocks", "trimmed_blocks", "top_reasons"}
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in stats if "cleaner" in s["name"])
    assert _total(step["stats"]["documents"]) == 12
    expected = sum(cleaner.clean(r["text"]).counts["chars_removed"] for r in records)
    assert _total(step["stats"]["removed_chars"]) == expected
    assert _total(step["stats"]["rule:PROMO001"]) > 0
    # tasks=2 ran in two worker processes (workers defaults to tasks), each with its stats
    per_task = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((tmp_path / "logs" / "stats").glob("*.json"))]
    assert len(per_task) == 2
    counts = [_total(next(s for s in task if "cleaner" in s["name"])["stats"]["documents"]) for task in per_task]
    assert counts == [6, 6]


def test_without_datatrove_the_import_says_how_to_install_it(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "datatrove.pipeline.base", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "cleaner.datatrove")
    with pytest.raises(ImportError, match=r'needs datatrove: pip install "cleaner\[datatrove\]"'):
        importlib.import_module("cleaner.datatrove")
