"""Reader comments (h.comment) and the look-alikes that must stay.

tests/data/lookalikes/ holds real pages (the search tool's stored pages; the source URL is
on each file's first line): letters to the editor, interviews, articles full of quotes,
first-person columns and live blogs, where every line is article, and pages that end in
reader comments (`# comments-from:` names the first comment line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.engine.features.comments import comment_start
from cleaner.model import Signal

DATA = Path(__file__).parent / "data" / "lookalikes"
LOOKALIKES = sorted(p for p in DATA.glob("*.txt") if not p.name.startswith("comments-"))
COMMENT_PAGES = sorted(DATA.glob("comments-*.txt"))


def read(path: Path) -> tuple[dict[str, str], str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = dict(ln[2:].split(": ", 1) for ln in lines if ln.startswith("# "))
    return head, "\n".join(ln for ln in lines if not ln.startswith("# "))


def test_every_kind_of_lookalike_is_there():
    kinds = {read(p)[0]["kind"] for p in LOOKALIKES}
    assert kinds == {"letters", "interview", "quotes", "column", "liveblog"}


@pytest.mark.parametrize("path", LOOKALIKES, ids=lambda p: p.stem)
def test_a_lookalike_keeps_every_line(path):
    _, text = read(path)
    result = clean(text)
    removed = [(d.block.text[:60], d.reasons) for d in result.removed]
    assert removed == []
    assert result.text.rstrip("\n") == text


@pytest.mark.parametrize("path", [p for p in COMMENT_PAGES if p.stem in ("comments-1", "comments-3")],
                         ids=lambda p: p.stem)
def test_a_comment_section_after_its_header_goes_and_the_article_stays(path):
    head, text = read(path)
    result = clean(text)
    start = next(i for i, d in enumerate(result.decisions) if d.block.text == head["comments-from"])
    assert all(d.kept for d in result.decisions[:start - 1])
    assert not any(d.kept for d in result.decisions[start:])


ARTICLE = [
    "The city council voted 7-2 on Tuesday to approve dedicated bus lanes on Main Street, ending a two-year fight.",
    "The lanes will run from the train station to the hospital and are expected to open next spring, officials said.",
    "Shop owners said they would keep pressing the council for more loading bays on the side streets nearby.",
]
THREAD = [
    "On May 14, 2023 at 9:12am, Rosa said...",
    "Finally! I have been waiting for this for years, and the buses are always late on Main Street.",
    "Rate This: 3 1",
    "On May 14, 2023 at 10:40am, Tom said...",
    "I run a shop on Fifth and I think this will hurt us badly. Nobody asked us what we needed.",
    "Rate This: 0 4",
]


def test_a_headerless_thread_with_its_scaffolding_goes_and_cites_h_comment():
    result = clean("\n".join(ARTICLE + THREAD))
    kept = [d.block.text for d in result.decisions if d.kept]
    assert kept == ARTICLE
    comments = [d for d in result.decisions if d.block.text in (THREAD[1], THREAD[4])]
    assert all("h.comment" in d.reasons for d in comments)
    assert "h.comment" in str(result.report()["removed"])
    assert "h.comment" in result.explain()


def test_one_comment_line_alone_is_not_a_thread():
    result = clean("\n".join(ARTICLE + THREAD[:2] + ARTICLE))
    assert THREAD[1] in result.text
    assert not any("h.comment" in d.reasons for d in result.decisions)


def _signals(kinds: list[str | None]) -> list[list[Signal]]:
    return [[Signal(source=k, category="comments", effect="drop", weight=0.5 if k == "CMT009" else 1.0)] if k else []
            for k in kinds]


def _feats(prose: list[bool]) -> list[dict[str, float]]:
    return [{"shape:prose": 1.0} if p else {} for p in prose]


def test_comment_start_needs_two_hits_close_together_after_the_first_prose():
    kinds = [None, None, "CMT029", None, "CMT029", None]
    prose = [False, True, False, True, False, True]
    ruled = [k is not None for k in kinds]
    assert comment_start(_signals(kinds), _feats(prose), ruled) == 2
    far = [None, None, "CMT029"] + [None] * 20 + ["CMT029"]
    far_prose = [False, True] + [True] * 22
    assert comment_start(_signals(far), _feats(far_prose), [k is not None for k in far]) is None


def test_hits_before_the_article_and_bare_buttons_do_not_make_a_thread():
    before = ["CMT029", "CMT029", None, None]
    assert comment_start(_signals(before), _feats([False, False, True, True]), [True, True, False, False]) is None
    buttons = [None, "CMT009", None, "CMT009", None]
    assert comment_start(_signals(buttons), _feats([True, False, True, False, True]),
                         [k is not None for k in buttons]) is None


def test_a_headline_printed_once_after_a_section_label_stays():
    text = "\n".join([
        "date 2023-05-14 May 14, 2023",
        "Valley Post",
        "Local",
        "Council approves new bus lanes after two-year fight",
        "By Jane Smith",
        ARTICLE[0] + " It was the longest debate of the year, and the vote came after midnight.",
    ] + ARTICLE[1:])
    result = clean(text)
    assert result.text.startswith("Council approves new bus lanes after two-year fight\n")
    assert "Local" not in result.text.splitlines()


def test_reader_cues_after_the_article_make_a_thread_but_not_in_its_first_paragraphs():
    greetings = ["Hi Jane, thanks for covering this, the buses on Main Street have been awful for years.",
                 "Congratulations to the council, it took them long enough to make up their minds."]
    late = clean("\n".join(ARTICLE + greetings))
    assert [d.block.text for d in late.decisions if d.kept] == ARTICLE
    assert all("h.comment" in d.reasons for d in late.removed)
    early = clean("\n".join(greetings + ARTICLE))  # the article opens with them: too early for a thread
    assert not any("h.comment" in d.reasons for d in early.decisions)


def test_a_thread_of_cues_alone_needs_three_prose_blocks_before_it():
    kinds = [None, "CUE", "CUE", None, None]  # one prose block, then two cues: too early
    signals = [[Signal(source="CMT030", category="comments", effect="cue")] if k else [] for k in kinds]
    prose = [True, True, True, True, True]
    ruled = [False] * 5
    assert comment_start(signals, _feats(prose), ruled) is None
    later = [[]] * 3 + signals[1:3]  # three prose blocks first
    assert comment_start(later, _feats([True] * 5), ruled) == 3
