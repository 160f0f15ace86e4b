"""Huge blocks are worked on a piece at a time (the prefilter's tokens, the words counted for
the text features), and give exactly what the whole block at once gives: the pieces are made
small here so that ordinary texts are cut into many of them."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from cleaner import Cleaner
from cleaner.engine.features import text as text_features
from cleaner.engine.features.text import local_features
from cleaner.engine.segment import segment
from cleaner.packs import prefilter

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
#: Blocks of every size, and the seeds as single lines (a paragraph's line breaks made
#: spaces), and runs of characters no token holds at the cuts.
BLOCKS = ([b.text for t in SEED_TEXTS for b in segment(t)] + [t.replace("\n", " ") for t in SEED_TEXTS]
          + ["a" * 50, "—" * 30 + " Subscribe to our newsletter " + "…" * 30, "x", ""])


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


@pytest.fixture(scope="module")
def pf(cleaner):
    return cleaner.ruleset.prefilter  # the built-in packs'


@pytest.mark.parametrize("piece,batch", [(7, 50), (64, 1), (1000, 10_000)])
def test_the_prefilter_in_pieces_and_batches_finds_what_each_block_whole_does(pf, monkeypatch, piece, batch):
    whole = [pf.mask(b) for b in BLOCKS]  # every token of the block at once
    assert any(whole) and len(set(whole)) > 10  # the rules' tests do tell these blocks apart
    monkeypatch.setattr(prefilter, "TOKENS_PIECE", piece)
    monkeypatch.setattr(prefilter, "BATCH_CHARS", batch)
    assert pf.masks(BLOCKS) == whole
    assert pf.masks([]) == []


def test_tokens_of_a_long_block_are_its_tokens(monkeypatch):
    monkeypatch.setattr(prefilter, "TOKENS_PIECE", 5)
    low = "share this: abcdefghij klm 12345678 x-y…z " * 3
    assert sorted(prefilter._tokens(low)) == sorted({t.encode() for t in prefilter.TOKEN.findall(low)})
    assert len(prefilter._tokens(low)) == len(set(prefilter._tokens(low)))  # distinct, for a long block
    kept = prefilter._kept(low, b"abc: ")  # each character not dropped, once
    assert sorted(kept.decode()) == sorted(set(low) - set("abc: "))


def test_text_features_counted_in_pieces_are_the_same(cleaner, monkeypatch):
    stopwords = cleaner.stoplists.lists["English"]
    want = [local_features(b, stopwords) for b in BLOCKS]
    assert {w.feats.get("stop:low") or w.feats.get("stop:mid") or w.feats.get("stop:high") for w in want} == {None, 1.0}
    assert any("h.titlecase" in w.feats for w in want) and any("h.mass" in w.feats for w in want)
    monkeypatch.setattr(text_features, "WORDS_PIECE", 3)
    assert [local_features(b, stopwords) for b in BLOCKS] == want
    assert text_features._count_words("the cat and the hat", stopwords) == (5, 3)


def test_long_texts_fold_and_normalise_in_pieces_as_whole(monkeypatch):
    from cleaner.packs import folding

    texts = BLOCKS + ["İstanbul ΟΔΥΣΣΕΥΣ Straße ﬁnance — “Quoted”, __under__ 42x … ǅ" * 5]
    folded = [t.casefold().replace("i\u0307", "i") for t in texts]
    normed = [text_features._NORM.sub(" ", t.casefold()).strip() for t in texts]
    assert any(f != t for f, t in zip(folded, texts)) and any("  " in t for t in texts)
    monkeypatch.setattr(folding, "FOLD_PIECE", 2)
    monkeypatch.setattr(text_features, "WORDS_PIECE", 3)
    assert [folding.fold_block(t) for t in texts] == folded
    assert [text_features.norm(t) for t in texts] == normed
