"""What the seeds must give, written from the issue, independent of the golden files."""

from __future__ import annotations

from conftest import SEEDS


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_000_keeps_the_eight_article_lines_and_drops_promo_appeal_and_comment(cleaner):
    text = _seed("000")
    lines = text.splitlines()
    result = cleaner.clean(text)
    assert result.text == "\n".join(lines[:8]) + "\n"
    assert result.text.startswith("Two Metropolitan Police officers have been dismissed")
    assert result.text.rstrip().endswith("employed by any policing organisation.")
    dropped = [d for d in result.decisions if not d.kept]
    assert dropped[0].block.text == "Join our WhatsApp community!"
    assert dropped[-1].block.text.startswith("Rather excessive")  # the reader comment
    assert all(d.reasons for d in dropped)


def test_001_is_all_article_and_comes_out_unchanged(cleaner):
    text = _seed("001")
    result = cleaner.clean(text)
    assert result.text == text.rstrip() + "\n"
    assert all(d.kept for d in result.decisions)


def test_002_keeps_headline_once_and_the_article(cleaner):
    text = _seed("002")
    paras = [p for p in text.split("\n\n") if p.strip()]
    headline = "Officer Zalesskiy ‘punched and kicked boy, 14, then made false statements’"
    start = next(i for i, p in enumerate(paras) if p.startswith("Metropolitan Police officers Alexei"))
    end = next(i for i, p in enumerate(paras) if p.startswith("“Both officers will also be added"))
    expected = "\n\n".join([headline, *paras[start:end + 1]]) + "\n"
    result = cleaner.clean(text)
    assert result.text == expected
    gone = {d.block.text for d in result.decisions if not d.kept}
    assert "Alexei Zalesskiy and Conor Ryan" in gone
    assert {"More from Dagenham Chronicle", "About Us", "Dagenham Chronicle"} <= gone
    assert any(t.startswith("© 2023 Transparency Group Media") for t in gone)
    assert any(t.startswith("Home London News") for t in gone)


def test_002_headline_drop_removes_only_the_headline(cleaner):
    from cleaner import Cleaner, Config

    text = _seed("002")
    kept = cleaner.clean(text)
    dropped = Cleaner(Config(headline="drop")).clean(text)
    headline = "Officer Zalesskiy ‘punched and kicked boy, 14, then made false statements’"
    assert kept.text.startswith(headline + "\n")
    assert dropped.text == kept.text[len(headline):].lstrip("\n")
    (gone,) = [d for d in dropped.decisions if d.block.text == headline and d.block.index > 0]
    assert not gone.kept and set(gone.reasons) & {"h.headline", "h.title"}
