"""The review page in a real browser: headless Chromium (Debian's `chromium` package, which
.ci/run installs) loads it from a file:// URL; the tests read the DOM it dumps after the
page's script ran, its console log, a screenshot and a PDF print.

CLEANER_UPDATE_SCREENSHOT=1 writes the screenshot to docs/review.png (shown in the README).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEEDS
from lxml import html as lxml_html
from test_review import BRIDGE, XSS

from cleaner.cli import main

SCREENSHOT = ROOT / "docs" / "review.png"
MAX_SCREENSHOT_BYTES = 300_000


def _chromium() -> str:
    """The browser, or a skip that says why it cannot be had, or a failure that says how."""
    for name in (os.environ.get("CLEANER_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    reason = os.environ.get("CLEANER_NO_BROWSER")
    if reason:  # .ci/run tried to install it and could not
        pytest.skip(f"chromium could not be installed ({reason}), so the review page is not rendered")
    if not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and there is no apt-get to install Debian's chromium package")
    pytest.fail("chromium is not installed: `apt-get install chromium` (as .ci/run does) to render the review page")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = _chromium()
    profile = tmp_path_factory.mktemp("chromium-profile")

    def run(url: str, *flags: str) -> subprocess.CompletedProcess:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--no-default-browser-check", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
               *flags, url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc

    return run


@pytest.fixture(scope="module")
def pages(tmp_path_factory, cleaner):
    """The seeds and a short article with a trim and an overruled rule, reviewed; and a page
    made from hostile input."""
    folder = tmp_path_factory.mktemp("review-in")
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    out = tmp_path_factory.mktemp("review-out")
    page = out / "review.html"
    res = CliRunner().invoke(main, ["review", str(folder), "-o", str(page), "-j", "1"])
    assert res.exit_code == 0, res.output
    hostile = out / "hostile.jsonl"
    hostile.write_text(json.dumps({"id": f"<img src=x onerror=alert(1)>{XSS}",
                                   "text": f"{BRIDGE}{XSS}\nJoin our WhatsApp community! {XSS}\n"}) + "\n",
                       encoding="utf-8")
    bad = out / "hostile.html"
    res = CliRunner().invoke(main, ["review", str(hostile), "-o", str(bad), "-j", "1"])
    assert res.exit_code == 0, res.output
    results = [cleaner.clean(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    return page, bad, results


def _dom(proc: subprocess.CompletedProcess):
    return lxml_html.document_fromstring(proc.stdout)


def _visible(el) -> bool:
    return not any(a.get("hidden") is not None for a in el.iterancestors()) and el.get("hidden") is None


def test_the_browser_shows_the_summary_and_every_removed_line_with_its_reasons(browser, pages):
    page, _, results = pages
    proc = browser(page.as_uri(), "--dump-dom")
    dom = _dom(proc)
    assert dom.get("data-js") == "ready"  # the script ran, under the page's own policy
    assert "Content Security Policy" not in proc.stderr and "Uncaught" not in proc.stderr
    assert dom.get_element_by_id("filter").get("hidden") is None
    assert dom.get_element_by_id("filter-status").text_content() == "Showing every line of 4 documents"
    chars_in = sum(r.counts["chars_in"] for r in results)
    removed = sum(r.counts["chars_removed"] for r in results)
    assert dom.get_element_by_id("n-docs").text_content() == "4"
    assert dom.get_element_by_id("share-removed").text_content() == f"{100 * removed / chars_in:.1f}%"
    struck = dom.xpath('//li[contains(concat(" ", @class, " "), " drop ")]')
    assert len(struck) == sum(r.counts["blocks_removed"] for r in results) > 10
    for n, result in enumerate(results, start=1):
        for d in result.removed:
            li = dom.get_element_by_id(f"d{n}-l{d.block.index + 1}")
            assert li.xpath("string(.//del)") == d.block.text
            assert li.get("data-rules", "") == " ".join(d.reasons) and li.get("data-cats") == d.category
            why = li.find_class("why")[0].text_content()
            assert all(reason in why for reason in d.reasons) and d.state.value in why
    kept = dom.get_element_by_id("d4-l2")  # bridge.txt's "Read more": the rule fired, context kept it
    assert "overruled" in kept.get("class") and "RELATED003" in kept.text_content() and not kept.xpath(".//del")
    trim = dom.find_class("trim")
    assert [el.text_content() for el in trim if el.tag == "del"] == [" Share this article"]
    # keyboard: a skip link comes first; every control has a label or a name
    first = dom.body.xpath(".//a | .//button | .//select | .//input")[0]
    assert first.get("class") == "skip" and dom.get_element_by_id(first.get("href")[1:]).tag == "section"
    for control in dom.xpath("//select | //input"):
        assert control.xpath("ancestor::label"), lxml_html.tostring(control)
    buttons = dom.xpath("//button")
    assert len(buttons) > 10 and all(b.get("aria-label") or b.text_content().strip() for b in buttons)
    # the summary's rule rows link to the lines' list, and each listed line exists
    row = dom.get_element_by_id("rule-PROMO001")
    assert row.xpath("string(.//a/@href)") == "#lines-PROMO001"
    for href in dom.get_element_by_id("lines-PROMO001").getnext().xpath(".//a/@href"):
        assert "PROMO001" in dom.get_element_by_id(href[1:]).get("data-rules")


@pytest.mark.parametrize("query, wanted", [
    ("rule=PROMO001", lambda d: "PROMO001" in d.reasons + d.trims or any(s.source == "PROMO001" for s in d.signals)),
    ("cat=donation&changed=1", lambda d: not d.kept and d.category == "donation"),
])
def test_the_filter_shows_only_the_lines_asked_for(browser, pages, query, wanted):
    page, _, results = pages
    dom = _dom(browser(page.as_uri() + "?" + query, "--dump-dom"))
    expected = {f"d{n}-l{d.block.index + 1}" for n, r in enumerate(results, 1) for d in r.decisions if wanted(d)}
    assert expected  # the case is not vacuous
    assert dom.get("data-filter") == query and dom.get("data-filter-matches") == str(len(expected))
    visible = {li.get("id") for li in dom.xpath('//li[contains(@class, "line")]') if _visible(li)}
    assert visible == expected
    docs_with = {i.split("-")[0] for i in expected}
    assert {a.get("id") for a in dom.xpath("//article") if _visible(a)} == docs_with
    status = dom.get_element_by_id("filter-status").text_content()
    assert status == f"{len(expected)} line{'s' * (len(expected) != 1)} in {len(docs_with)} of 4 documents"


def test_hostile_input_stays_text_in_the_browser(browser, pages):
    _, bad, _ = pages
    proc = browser(bad.as_uri(), "--dump-dom")
    dom = _dom(proc)
    assert dom.get("data-js") == "ready" and dom.get("data-pwned") is None
    assert len(dom.xpath("//script")) == 1 and not dom.xpath("//img")
    texts = [span.text_content() for span in dom.find_class("tx")]
    assert XSS in texts and any(XSS in t and "WhatsApp" in t for t in texts)
    assert XSS in dom.get_element_by_id("d1-h").text_content()


def test_the_screenshot_shows_the_page_in_colour(browser, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(ROOT)  # the README's command, as a user types it
    page = tmp_path / "review.html"
    res = CliRunner().invoke(main, ["review", "seeds/", "-o", str(page), "-j", "1"])
    assert res.exit_code == 0, res.output
    shot = tmp_path / "review.png"
    browser(page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2400", "--force-device-scale-factor=0.75",
            "--hide-scrollbars")
    image = Image.open(shot).convert("RGB")
    assert image.size == (960, 1800)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # text, tables and colour, not a blank or error page
    used = set(re.findall(r"--c: #([0-9a-f]{6});", page.read_text(encoding="utf-8")))
    found = {f"{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in colours} & used
    assert len(found) >= 3, (found, used)  # the category swatches and struck lines in their colours
    if os.environ.get("CLEANER_UPDATE_SCREENSHOT"):
        small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(buf.getvalue())
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size < MAX_SCREENSHOT_BYTES


def test_the_page_prints_each_document_on_its_own_pages(browser, pages, tmp_path):
    page, _, _ = pages
    pdf = tmp_path / "review.pdf"
    browser(page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages_printed = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages_printed >= 4  # the summary, then a page break before each of the other 3 documents


def test_the_readme_shows_the_screenshot():
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/review.png" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_missing_browser_is_explained(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CLEANER_CHROMIUM", raising=False)
    monkeypatch.setenv("CLEANER_NO_BROWSER", "apt-get failed")
    with pytest.raises(pytest.skip.Exception, match="could not be installed .apt-get failed."):
        _chromium()
    monkeypatch.delenv("CLEANER_NO_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="no apt-get"):
        _chromium()
