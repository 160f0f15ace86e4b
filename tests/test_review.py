"""`cleaner review`: what it collects (every document counted, a bounded even sample kept
whole), what the page says, and that it escapes its input and loads nothing. The page in a
real browser: tests/test_review_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from cleaner import Config
from cleaner.cli import main
from cleaner.cli.review_page import PageInfo, render_page
from cleaner.io.formats import Options
from cleaner.run.plan import Plan
from cleaner.run.review import TOP_REMOVED, collect

A = ("The council voted on Tuesday to close the old bridge over the river for repairs, after engineers "
     "found cracks in two of its supporting piers, officials said.")
B = ("Engineers said the work would take about six weeks and that a temporary footbridge would be opened "
     "for pedestrians while the repairs went on.")
C = ("The mayor said the closure was regrettable but necessary, and that the council had set aside money "
     "for the repairs in last year's budget.")
#: A removed line (PROMO001), a trimmed span (SHARE005) and a kept line whose rule fired (RELATED003).
BRIDGE = "\n".join([A, "Read more", B + " Share this article", C, "Join our WhatsApp community!"]) + "\n"
XSS = '<script>document.documentElement.setAttribute("data-pwned", "1")</script>'


def plan_for(*inputs: Path, **options) -> Plan:
    return Plan(tuple(inputs), None, Options(group_by="url", **options), Config().max_bytes)


def corpus(tmp_path: Path, n: int) -> Path:
    """n JSONL records; record i carries i % 4 boilerplate lines, so removals differ."""
    boiler = ["Join our WhatsApp community!", "Sign up for our newsletter", "Share this article",
              "© 2024 Valley Echo Ltd. All rights reserved."]
    path = tmp_path / "crawl.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = "\n".join([f"Story {i}: {A}", B, C] + boiler[: i % 4 + (i % 7 == 0)]) + "\n"
            fh.write(json.dumps({"id": f"doc-{i}", "text": text}) + "\n")
    return path


def test_collect_counts_every_document_as_cleaning_them_one_by_one_does(cleaner, tmp_path):
    (tmp_path / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    for seed in SEEDS.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    review = collect(cleaner.config, plan_for(tmp_path), 1, 200, cleaner=cleaner)
    results = [cleaner.clean(p.read_text(encoding="utf-8")) for p in sorted(tmp_path.glob("*.txt"))]
    assert review.documents == len(results) == 4 and not review.sampled and not review.failures
    assert review.chars_removed == sum(r.counts["chars_removed"] for r in results)
    assert review.blocks_removed == sum(r.counts["blocks_removed"] for r in results)
    assert review.blocks_trimmed == sum(r.counts["blocks_trimmed"] for r in results) == 1
    expected = Counter(reason for r in results for d in r.removed for reason in d.reasons)
    expected.update(t for r in results for d in r.decisions if d.kept for t in d.trims)
    assert review.reasons == expected
    assert review.categories == Counter([d.category for r in results for d in r.removed] + ["share"])
    assert review.overruled["RELATED003"] == 1 and review.category_of["RELATED003"] == "related"
    assert [d.key for d in review.shown] == sorted(p.name for p in tmp_path.glob("*.txt"))
    assert [d.result.text for d in review.shown] == [r.text for r in results]
    assert review.top[0].chars_removed == max(r.counts["chars_removed"] for r in results)


def test_a_large_input_is_sampled_evenly_with_the_most_removed_always_shown(cleaner, tmp_path):
    path = corpus(tmp_path, 60)
    review = collect(cleaner.config, plan_for(path), 1, 15, cleaner=cleaner)
    assert review.documents == 60 and review.sampled and len(review.shown) == 15
    positions = [d.position for d in review.shown]
    assert positions == sorted(set(positions))
    assert {d.position for d in review.top} <= set(positions) and len(review.top) == TOP_REMOVED
    assert [d.chars_removed for d in review.top] == sorted((d.chars_removed for d in review.top), reverse=True)
    # the sample reaches across the input, not just its head
    assert max(positions) >= 40 and min(positions) < 20
    again = collect(cleaner.config, plan_for(path), 1, 15, cleaner=cleaner)
    assert [d.position for d in again.shown] == positions  # a fixed seed
    assert all(d.result is not None and d.result.doc_id == d.key for d in review.shown)


def test_the_page_says_what_is_sampled_and_every_reason_on_its_line(cleaner, tmp_path):
    (tmp_path / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    review = collect(cleaner.config, plan_for(tmp_path), 1, 200, cleaner=cleaner)
    page = render_page(review, PageInfo(("in/",), (), "0.1.0"))
    promo = re.search(r'<li class="line drop (k\d+)" id="d1-l5" data-rules="PROMO001" data-cats="promo">(.*?)</li>', page)
    assert promo, page
    assert "<del>Join our WhatsApp community!</del>" in promo.group(2)
    assert 'href="#lines-PROMO001"' in promo.group(2) and "TAIL, after the article" in promo.group(2)
    assert re.search(rf"\.{promo.group(1)} {{ --c: #", page)  # the category's colour
    trim = re.search(r'<li class="line trim k\d+" id="d1-l3" data-rules="SHARE005"[^>]*>(.*?)</li>', page)
    assert trim and '<del class="trim"> Share this article</del>' in trim.group(1)
    assert "trimmed by" in trim.group(1)
    kept = re.search(r'<li class="line keep overruled" id="d1-l2" data-rules="RELATED003">(.*?)</li>', page)
    assert kept and "overruled by context" in kept.group(1) and "<del" not in kept.group(1)
    # the summary links each rule to its lines, and the lines back to the rule
    assert '<tr id="rule-PROMO001" data-rule="PROMO001"><td><a class="rid" href="#lines-PROMO001">' in page
    assert re.search(r'<h3 id="lines-PROMO001"[^>]*>.*?</h3>\s*<ul class="byrule">\s*<li><a href="#d1-l5">', page, re.DOTALL)
    assert "Every document is shown (1)" in page and "class=\"sample-note\"" not in page

    sampled = collect(cleaner.config, plan_for(corpus(tmp_path, 30)), 1, 12, cleaner=cleaner)
    page = render_page(sampled, PageInfo(("crawl.jsonl",)))
    assert "Showing 12 of 30 documents (<code>--max-docs 12</code>)" in page
    assert page.count('<article class="doc"') == 12


def test_input_text_is_escaped_everywhere(cleaner, tmp_path):
    path = tmp_path / "x.jsonl"
    records = [{"id": f"<img src=x onerror=alert(1)>{XSS}", "text": f"{A}\n{XSS}\nJoin our WhatsApp community! {XSS}\n"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    review = collect(cleaner.config, plan_for(path), 1, 200, cleaner=cleaner)
    page = render_page(review, PageInfo((f"{XSS}.jsonl",), (("site", XSS),), "<b>v</b>"))
    assert page.count("<script") == 1 and "<img" not in page and "<b>v</b>" not in page
    assert page.count("&lt;script&gt;document.documentElement.setAttribute(&quot;data-pwned&quot;") >= 5


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.styles, self.scripts, self.inline_handlers = [], set(), [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data"):
                self.refs.append(value or "")
            if name == "id":
                self.ids.add(value)
            if name.startswith("on") or name == "style":
                self.inline_handlers.append((tag, name))
        if tag in ("style", "script"):
            self._in = tag
            (self.styles if tag == "style" else self.scripts).append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            found = self.styles if self._in == "style" else self.scripts
            found[-1] += data


def test_the_page_loads_nothing_and_its_policy_allows_only_its_own_style_and_script(cleaner, tmp_path):
    runner = CliRunner()
    out = tmp_path / "page.html"
    res = runner.invoke(main, ["review", str(SEEDS), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    refs = _Refs()
    refs.feed(page)
    assert refs.refs and all(r.startswith("#") for r in refs.refs), [r for r in refs.refs if not r.startswith("#")]
    assert {r[1:] for r in refs.refs} <= refs.ids  # every in-page link lands somewhere
    assert not refs.inline_handlers
    assert len(refs.styles) == len(refs.scripts) == 1
    assert "url(" not in refs.styles[0] and "@import" not in refs.styles[0]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"style-src 'sha256-{digest(refs.styles[0])}'" in csp
    assert f"script-src 'sha256-{digest(refs.scripts[0])}'" in csp
    assert "default-src 'none'" in csp


def test_the_command_reads_what_run_reads(tmp_path):
    runner = CliRunner()
    page = tmp_path / "p.html"
    res = runner.invoke(main, ["review", "-", "-o", str(page), "-j", "1"], input=BRIDGE)
    assert res.exit_code == 0, res.output
    assert "reviewed 1 document" in res.stderr and f"wrote {page}" in res.stderr
    assert '<dd id="n-docs">1</dd>' in page.read_text(encoding="utf-8")
    # JSONL from stdin, a custom text field, a rule left out, the page on stdout
    line = json.dumps({"id": "a", "body": BRIDGE}) + "\n"
    res = runner.invoke(main, ["review", "-", "-o", "-", "--text-field", "body", "--ignore", "promo", "-j", "1", "-q"],
                        input=line)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("<!DOCTYPE html>") and "PROMO001" not in res.stdout and "SHARE005" in res.stdout
    assert "ignore: <code>promo</code>" in res.stdout and not res.stderr


def test_the_page_is_the_same_for_any_jobs_and_never_reads_itself(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    runner = CliRunner()
    page = folder / "review.html"
    assert runner.invoke(main, ["review", str(folder), "-o", str(page), "-j", "1"]).exit_code == 0
    first = page.read_text(encoding="utf-8")
    res = runner.invoke(main, ["review", str(folder), "-o", str(page), "-j", "2"])  # the page is in the folder now
    assert res.exit_code == 0 and "reviewed 4 documents" in res.stderr, res.output
    assert page.read_text(encoding="utf-8") == first


def test_failures_are_listed_and_set_the_exit_status(tmp_path):
    (tmp_path / "ok.txt").write_text(BRIDGE, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    page = tmp_path / "p.html"
    res = CliRunner().invoke(main, ["review", str(tmp_path / "ok.txt"), str(tmp_path / "bad.txt"), "-o", str(page), "-j", "1"])
    assert res.exit_code == 1
    assert "1 failed" in res.stderr and "binary file" in res.stderr
    html = page.read_text(encoding="utf-8")
    assert '<dd id="n-failed">1</dd>' in html and "binary file (NUL bytes)" in html


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}"], "is a folder"),
    (["-o", "{input}"], "is an input"),
    (["--max-docs", "0"], "0 is not in the range x>=1"),
    (["-o", "s3://bucket/review.html"], "must be a local file"),
])
def test_usage_errors_say_what_to_do(tmp_path, args, message):
    src = tmp_path / "a.txt"
    src.write_text(BRIDGE, encoding="utf-8")
    args = [a.format(tmp=tmp_path, input=src) for a in args]
    res = CliRunner().invoke(main, ["review", str(src), *args])
    assert res.exit_code == 2 and message in res.output, res.output


def test_help_teaches():
    res = CliRunner().invoke(main, ["review", "--help"])
    assert res.exit_code == 0
    for text in ("--max-docs", "each equally likely", "--select", "--ignore", "--rules", "Examples:", "file:// URL"):
        assert text in res.output
    assert "review" in CliRunner().invoke(main, ["--help"]).output
