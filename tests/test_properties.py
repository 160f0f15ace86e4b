"""Properties that hold for any text (hypothesis)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.engine.assemble import replay
from cleaner.engine.segment import segment

SETTINGS = settings(max_examples=int(os.environ.get("CLEANER_PROPERTY_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

LINES = st.sampled_from([
    "The council voted on Tuesday to close the old bridge over the river for repairs, officials said.",
    "Residents said they had not been consulted and a petition has gathered 3,000 names.",
    "Join our WhatsApp community!",
    "Sign up to our newsletter",
    "© 2024 Example Media Ltd. All rights reserved.",
    "More from Example News",
    "About Us",
    "Leave a comment",
    "Jane Smith on 1 November 2023 at 10:58 pm",
    "Reply",
    "Share this article",
    "Home › News › Local",
    "By Jane Smith",
    "Photo: Getty Images",
    "Example News",
    "",
    "   ",
])
DOCS = st.one_of(
    st.lists(LINES, max_size=25).map("\n".join),
    st.lists(LINES, max_size=12).map("\n\n".join),
    st.text(max_size=400),
    st.lists(st.one_of(LINES, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)),
             max_size=15).map("\n".join),
)


@SETTINGS
@given(DOCS)
def test_cleaning_twice_is_cleaning_once(cleaner, text):
    once = cleaner.clean(text).text
    assert cleaner.clean(once).text == once


@SETTINGS
@given(DOCS)
def test_output_is_input_blocks_in_input_order(cleaner, text):
    result = cleaner.clean(text)
    pos = 0
    for line in result.text.splitlines():  # lines, not blocks: the output may look hard-wrapped
        if not line.strip():
            continue
        found = text.find(line.strip(), pos)
        assert found >= 0, line
        pos = found + len(line.strip())
    assert result.text == "" or result.text.endswith("\n") and not result.text.endswith("\n\n")


@SETTINGS
@given(DOCS)
def test_every_removal_is_explained_and_decisions_replay_to_the_output(cleaner, text):
    result = cleaner.clean(text)
    blocks = [d.block for d in result.decisions]  # the text's blocks, or its lines (see Cleaner._clean)
    assert blocks == segment(text) or blocks == segment(text, wrapped=False)
    for d in result.decisions:
        assert d.kept or d.reasons, d
        assert not d.trimmed or d.trims
    assert replay(result) == result.text
    if any(c.isalnum() for c in text):
        assert result.text.strip()  # never emptied by default


def test_hard_wrapped_text_whose_output_is_not_wrapped_is_decided_line_by_line(cleaner):
    # found by hypothesis: the two paragraphs look hard-wrapped; once the promo paragraph
    # goes, the rest does not, and a later pass split the first paragraph (which emptied it)
    text = ("000000000000000000000000\n© 20000000000000000000000000000000000000\n0\n\n"
            "000000000000000000000000\nJOIN OUR WHATSAPP:000000\n0")
    result = cleaner.clean(text)
    assert [d.block for d in result.decisions] == segment(text, wrapped=False)
    assert result.text.strip() and "WHATSAPP" not in result.text
    assert cleaner.clean(result.text).text == result.text


def test_a_removal_that_sways_the_language_guess_is_cleaned_once(cleaner):
    # found by hypothesis: removing "QE 0:0" changed the stopword language guessed from the
    # text, so cleaning the output again decided "B B:B!À" differently
    once = cleaner.clean("QE 0:0\nB B:B!À\n0").text
    assert cleaner.clean(once).text == once
