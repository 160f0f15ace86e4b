"""The development corpus (benchmarks/corpus/) is well-formed: every manifest row has its
labelled page, labels are A/H/B, the split is fixed by site, and the issue's shape holds."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus"
FIELDS = ["id", "url", "site", "lang", "form", "split"]


def _rows() -> list[dict[str, str]]:
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == FIELDS
        return list(reader)


def _split_of():
    spec = importlib.util.spec_from_file_location("corpus_split", CORPUS / "split.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.split_of


def test_every_row_has_a_labelled_page_and_every_page_a_row():
    rows = _rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert sorted(p.stem for p in (CORPUS / "pages").glob("*.txt")) == sorted(ids)
    for r in rows:
        assert r["id"].startswith(r["lang"] + "-") and r["form"] == "page", r
        assert r["url"].startswith(("http://", "https://")) and r["site"] and "www." not in r["site"][:4], r
        lines = (CORPUS / "pages" / f"{r['id']}.txt").read_text(encoding="utf-8").splitlines()
        labels = Counter()
        for line in lines:
            label, sep, text = line.partition("\t")
            assert sep and label in ("A", "H", "B") and text.strip() == text and text, (r["id"], line[:60])
            labels[label] += 1
        assert labels["A"] >= 2 and labels["H"] <= 1, (r["id"], labels)


def test_the_split_is_by_site_and_a_quarter_is_test():
    rows, split_of = _rows(), _split_of()
    assert all(r["split"] == split_of(r["site"]) for r in rows)
    assert sum(r["split"] == "test" for r in rows) >= 0.25 * len(rows)


def test_the_corpus_has_the_size_and_languages_asked_for():
    rows = _rows()
    langs = Counter(r["lang"] for r in rows)
    assert len(rows) >= 300 and len({r["site"] for r in rows}) >= 120
    assert len(langs) >= 10 and langs["en"] <= 0.4 * len(rows)
    assert {"de", "fr", "es", "pt", "it", "ru"} <= set(langs)
    assert len({"ar", "hi", "ja", "zh", "id", "tr", "pl", "nl"} & set(langs)) >= 3
    assert max(Counter(r["site"] for r in rows).values()) <= 3
