"""The decoder: context decides what a rule or heuristic alone cannot."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, Config, State
from cleaner.engine.decode import Weights, WeightsError, viterbi

ARTICLE = [
    "The city council voted on Tuesday to close the old bridge over the river for repairs, after engineers found cracks in two of its supporting piers.",
    "Officials said the closure would last at least six months and that buses would be diverted through the industrial estate while the work is carried out.",
    "Local businesses on both banks warned that the detour would cost them customers, and asked the council to consider a temporary footbridge.",
    "The council's transport committee is expected to publish the full engineering report next week, along with an estimate of the cost of the repairs.",
    "Residents who rely on the bridge to reach the hospital said they had not been consulted, and a petition against the closure has gathered 3,000 names.",
    "The mayor said she understood the frustration but that safety had to come first, and promised a public meeting before the work begins.",
]
APPEAL = [
    "Before you leave a comment...",
    "Independent journalism like ours costs money, and we rely on readers to keep going.",
    "You can support us from as little as £1. It only takes a minute.",
]
COMMENT = ("Typical council, they never listen to anyone who actually lives here and then act surprised "
           "when people are angry about it, this has been coming for years.")


def _dropped(result):
    return [d.block.text for d in result.decisions if not d.kept]


def test_a_reader_comment_after_a_donation_appeal_goes(cleaner):
    text = "\n".join(ARTICLE + APPEAL + [COMMENT]) + "\n"
    result = cleaner.clean(text)
    assert result.text == "\n".join(ARTICLE) + "\n"
    comment = result.decisions[-1]
    assert comment.state is State.TAIL and not comment.kept
    assert comment.reasons and not [s for s in comment.signals if s.effect != "feature"]  # no rule fired on it:
    assert all(r.startswith(("h.", "decoder.")) for r in comment.reasons)  # its context decided


def test_paragraphs_after_a_mid_article_promo_box_stay(cleaner):
    promo = "Sign up to our daily newsletter to get the latest news delivered to your inbox."
    text = "\n".join(ARTICLE[:3] + [promo] + ARTICLE[3:]) + "\n"
    result = cleaner.clean(text)
    assert result.text == "\n".join(ARTICLE) + "\n"
    (box,) = [d for d in result.decisions if not d.kept]
    assert box.state is State.INSERT and box.reasons[0].startswith("NEWSL")


def test_a_headline_printed_twice_is_kept_once(cleaner):
    headline = "Council closes old river bridge for six months of repairs"
    text = "\n".join([headline, headline] + ARTICLE) + "\n"
    result = cleaner.clean(text)
    assert result.text == "\n".join([headline] + ARTICLE) + "\n"
    assert "h.repeat" in result.decisions[1].reasons


def _weights(**emission):
    return Weights.from_dict({
        "start": {"HEAD": 0, "BODY": 0},
        "transition": {"HEAD": {"HEAD": 0, "BODY": 0}, "BODY": {"BODY": 0, "INSERT": -1, "TAIL": -1},
                       "INSERT": {"INSERT": 0, "BODY": -1, "TAIL": 0}, "TAIL": {"TAIL": 0}},
        "emission": emission or {"bias": {}},
    })


def test_viterbi_never_returns_from_tail_to_body():
    # block 2 strongly TAIL, block 3 mildly BODY: without INSERT the path must stay in TAIL
    body, tail = [0, 5, 0, 0], [0, 0, 0, 9]
    path = viterbi([body, body, tail, [0, 1, 0, 0]], _weights(), must_have_body=True)
    assert path[2] in (State.TAIL, State.INSERT)
    for a, b in zip(path, path[1:]):
        assert not (a is State.TAIL and b is not State.TAIL)
        assert not (a is State.HEAD and b in (State.INSERT, State.TAIL))


def test_viterbi_keeps_one_body_block_when_asked():
    head = [[5, 0, 0, 0]] * 3
    assert State.BODY in viterbi(head, _weights(), must_have_body=True)
    assert viterbi(head, _weights(), must_have_body=False) == [State.HEAD] * 3


def test_a_document_of_boilerplate_is_not_emptied_unless_asked():
    text = "Join our WhatsApp community!\nFollow us on Facebook\n© 2024 Example News Ltd. All rights reserved.\n"
    assert Cleaner(Config()).clean(text).text.strip()
    assert Cleaner(Config(keep_nonempty=False)).clean(text).text == ""


def test_weights_cannot_allow_tail_back_to_body():
    with pytest.raises(WeightsError, match="TAIL->BODY is not allowed"):
        Weights.from_dict({"start": {"BODY": 0}, "transition": {"TAIL": {"BODY": 0}}, "emission": {}})


def test_a_certain_rule_is_never_overruled_and_a_related_list_goes_with_its_heading(cleaner):
    """Issue #14, failure 1: "Related posts" alone on its line (RELATED004, certain) goes
    even between paragraphs that context would keep, and so do the teasers under it."""
    article = [
        "The council voted on Tuesday to close the old bridge over the river for repairs, after engineers found cracks.",
        "Engineers said the work would take about six weeks and that a temporary footbridge would be opened.",
    ]
    teasers = ["Cyclists demand safer crossings on Fifth Avenue", "The Valley Post",
               "Mayor promises budget review before summer", "Valley Times"]
    result = cleaner.clean("\n".join(article[:1] + ["Related posts"] + article[1:] + ["Related posts"] + teasers))
    assert [d.block.text for d in result.decisions if d.kept] == article
    related = [d for d in result.decisions if d.block.text == "Related posts"]
    assert all("RELATED004" in d.reasons and not d.overruled for d in related)


def test_a_certain_block_costs_no_transition_so_the_paragraph_before_it_stays():
    w = Weights.load()
    body_then_box = [[0.0, 4.0, -50.0, -3.0], [10.0, -990.0, 10.0, 10.0], [-3.0, 4.0, -50.0, -3.0]]
    assert viterbi(body_then_box, w, True, certain=[False, True, False]) == [State.BODY, State.INSERT, State.BODY]
