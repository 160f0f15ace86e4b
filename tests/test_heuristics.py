"""The named heuristics and the decoder's evidence constraint, one behaviour each."""

from __future__ import annotations

import math

from cleaner.engine.decode import Weights
from cleaner.engine.features.context import sequence_features
from cleaner.engine.features.repeats import LIST_MAX_ITEMS, listed_features, repeats
from cleaner.engine.features.text import _ANY_PUNCT, local_features, norm

PROSE = "The council voted on Tuesday to close the old bridge over the river for repairs, officials said."


def _repeats(lines: list[str], prose_at: int) -> dict[int, dict[str, float]]:
    norms = [norm(t) for t in lines]
    counts = [len(n.split()) for n in norms]
    prose = [i == prose_at for i in range(len(lines))]
    return repeats(norms, counts, prose)


def test_a_copy_of_the_headline_is_a_repeat_and_the_headline_is_marked():
    lines = ["Bridge to close for repairs", PROSE, "Bridge to close for repairs"]
    out = _repeats(lines, prose_at=1)
    assert out[2] == {"h.repeat": 1.0}
    assert out[0] == {"h.headline": 1.0}


def test_a_line_printed_twice_inside_the_article_is_a_copy_not_a_headline():
    lines = ["Headline of the story", PROSE, "See it now: Amazon store", PROSE + " Again.", "See it now: Amazon store"]
    out = _repeats(lines, prose_at=1)
    assert out[4] == {"h.copy": 1.0}
    assert out[2] == {"h.first-copy": 1.0}


def test_breadcrumb_plus_headline_is_a_prefix_repeat_but_an_article_sentence_is_not():
    lines = ["Home News Bridge to close for repairs", "Bridge to close for repairs", PROSE,
             "the new footbridge opens", "Crowds gathered when the new footbridge opens"]
    out = _repeats(lines, prose_at=2)
    assert out[0] == {"h.repeat-prefix": 1.0}
    assert out[1] == {"h.headline": 1.0}
    assert 4 not in out  # contains a short line from below the first prose block


def test_a_list_under_a_heading_rule_is_listed_up_to_its_length_limit():
    feats = [{"shape:prose": 1.0}, {"rule:related": 1.0}] + [{} for _ in range(LIST_MAX_ITEMS + 3)]
    counts = [20, 4] + [5] * (LIST_MAX_ITEMS + 3)
    ruled = [False, True] + [False] * (LIST_MAX_ITEMS + 3)
    listed_features(feats, counts, ruled)
    flags = ["h.listed" in f for f in feats]
    assert flags == [False, False] + [True] * LIST_MAX_ITEMS + [False] * 3


def test_a_prose_line_ends_the_list():
    feats = [{"rule:related": 1.0}, {}, {"shape:prose": 1.0}, {}]
    listed_features(feats, [3, 5, 20, 5], [True, False, False, False])
    assert ["h.listed" in f for f in feats] == [False, True, False, False]


def test_a_marker_counts_only_after_prose_that_no_rule_marks():
    # a cookie notice (prose, but a rule fired) and then a tail marker above the article
    feats = [{"shape:prose": 1.0, "rule:cookie": 1.0}, {"rule:comments": 1.0, "rule.end": 1.0},
             {"shape:prose": 1.0}, {"rule:comments": 1.0, "rule.end": 1.0}, {"shape:prose": 1.0}]
    sequence_features(feats, [True, True, False, True, False])
    assert ["seen.end" in f for f in feats] == [False, False, False, False, True]


def _weights() -> Weights:
    return Weights.from_dict({"start": {"HEAD": 0.0, "BODY": 0.0},
                              "transition": {"BODY": {"INSERT": -1.0}},
                              "emission": {"bias": {"INSERT": 1.0}}})


def test_insert_needs_evidence_on_prose_and_in_extractor_output():
    w = _weights()
    assert w.emit({"bias": 1.0, "shape:prose@many": 1.0, "doc.short:many": 1.0})[2] == -math.inf
    assert w.emit({"bias": 1.0, "doc.short:few": 1.0})[2] == -math.inf
    assert w.emit({"bias": 1.0, "doc.short:few": 1.0, "h.titlecase@few": 1.0})[2] == 1.0
    assert w.emit({"bias": 1.0, "doc.short:few": 1.0, "rule:promo": 1.0})[2] == 1.0
    assert w.emit({"bias": 1.0, "doc.short:many": 1.0})[2] == 1.0  # a short line of a page's text
    assert w.emit({"bias": 1.0, "doc.short:few": 1.0, "h.mass@few": 1.0})[2] == -math.inf


def test_dropping_the_headline_flips_only_the_headline_features():
    w = Weights.from_dict({"start": {"HEAD": 0.0, "BODY": 0.0}, "transition": {},
                           "emission": {"h.headline": {"HEAD": -12.0}, "h.title": {"HEAD": -10.0},
                                        "h.first-copy": {"HEAD": -12.0}}})
    d = w.dropping_headline()
    assert d.emission["h.headline"][0] == 12.0 and d.emission["h.title"][0] == 10.0
    assert d.emission["h.first-copy"] == w.emission["h.first-copy"]


def test_the_headline_under_a_breadcrumb_is_not_listed_and_ends_the_list():
    feats = [{"rule:navigation": 1.0}, {"h.title": 1.0}, {}, {}]
    listed_features(feats, [5, 10, 5, 4], [True, False, False, False])
    assert not any("h.listed" in f for f in feats)


def test_repeat_prefix_finds_the_same_blocks_by_scanning_lines_and_by_looking_up_affixes(monkeypatch):
    # repeats() tests a block against the few lines above the first prose block directly,
    # and looks its affixes up when there are many; both must mark the same blocks
    import random

    import cleaner.engine.features.repeats as heuristics

    rng = random.Random(7)
    vocab = "home news bridge to close for repairs council river town the of sport".split()
    for _ in range(200):
        lines: list[str] = []
        for _ in range(rng.randint(2, 14)):
            words = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 5)))
            if lines and rng.random() < 0.6:  # a line made of another one and a prefix or suffix
                other = rng.choice(lines)
                words = rng.choice([f"{words} {other}", f"{other} {words}", other])
            lines.append(words)
        prose_at = rng.randint(0, len(lines))
        monkeypatch.setattr(heuristics, "FEW_ABOVE", 10**6)
        scanned = _repeats(lines, prose_at)
        monkeypatch.setattr(heuristics, "FEW_ABOVE", -1)
        looked_up = _repeats(lines, prose_at)
        assert scanned == looked_up, lines


def test_punct_none_is_a_line_of_words_with_none_of_a_sentences_marks():
    stops: frozenset[str] = frozenset()
    assert "punct.none" in local_features("Sign up for our newsletter today", stops).feats
    for mark in _ANY_PUNCT:  # (each of them, ASCII or full-width, anywhere but at the end)
        assert "punct.none" not in local_features(f"Sign up{mark} for our newsletter today", stops).feats
