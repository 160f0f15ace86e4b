"""The language guess, with its stoplists read from the cache and looked up lazily, gives
what a full index built straight from jusText's stoplists gives."""

from __future__ import annotations

import random
from itertools import product
from pathlib import Path
from collections import Counter

import justext
from conftest import SEEDS

from cleaner.engine import language
from cleaner.engine.language import GUESS_WORDS, SCRIPT_STOPS, Stoplists, in_own_script
from cleaner.io.cache import DiskCache


def _reference():
    lists = {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}
    index: dict[str, list[str]] = {}
    for name, words in lists.items():
        for w in in_own_script(words):  # (cleaner's one change to jusText's guess)
            index.setdefault(w, []).append(name)

    def guess(words, default="English"):
        counts: dict[str, int] = {}
        for w, n in Counter(words[:GUESS_WORDS]).items():
            for lang in index.get(w, ()):
                counts[lang] = counts.get(lang, 0) + n
        if not counts:
            return default
        best = max(counts.values())
        if counts.get(default, 0) == best:
            return default
        return min(lang for lang, c in counts.items() if c == best)

    return lists, guess


def test_the_guess_and_the_lists_are_justexts(tmp_path):
    lists, guess = _reference()
    cache = DiskCache(tmp_path)
    built = Stoplists.load(cache)  # from jusText, then stored
    cached = Stoplists.load(cache)  # from the cache
    own = {name: frozenset(chars) for name, chars in SCRIPT_STOPS.items()}  # cleaner's, for ja and zh
    assert dict(built.lists) == {**lists, **own} and dict(cached.lists) == {**lists, **own}
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for words in lists.values() for w in words})
    rnd = random.Random(17)
    samples = [t.casefold().split() for t in texts]
    samples += [rnd.sample(vocabulary, rnd.randint(1, 40)) * rnd.randint(1, 3) for _ in range(400)]
    samples += [[], ["zzzz-not-a-word"], ["de", "la", "en"], ["the"] * 3 + ["die"] * 3]
    for words in samples:
        assert cached.guess(words) == guess(words), words[:10]
        assert built.guess(words, "German") == guess(words, "German")


def test_japanese_and_chinese_are_told_by_their_script():
    from cleaner.engine.language import script_language

    assert script_language("東京都は月曜日、新しい条例を発表した。市民の生活に大きな影響がある。") == "Japanese"
    assert script_language("北京市政府周一发布了新的规定，这对市民的生活有很大的影响。") == "Chinese"
    assert script_language("The council met on Monday. 東京") is None  # a few Han characters in English
    assert script_language("Der Rat tagte am Montag.") is None


def test_words_written_without_spaces_are_counted_and_their_particles_are_stopwords():
    from cleaner.engine.features.text import local_features, norm

    stops = Stoplists.load(DiskCache(None)).lists["Chinese"]
    paragraph = "北京市政府周一发布了新的规定，这对市民的生活有很大的影响，专家表示这是多年来最重要的一项改革。"
    local = local_features(paragraph, stops)
    assert local.count >= 20  # about one word per one and a half characters, not one per run
    assert local.prose
    assert "stop:low" not in local.feats  # 的, 了, 是, 有, 这 count as stopwords
    assert local_features("The council met on Monday and voted.", stops).count == 7
    assert norm(paragraph)  # unchanged normalisation


def test_a_chinese_paragraph_is_kept_as_article_text():
    from cleaner import clean

    text = "\n".join([
        "首页 新闻 体育 财经",
        "北京市政府周一发布了新的规定，这对市民的生活有很大的影响，专家表示这是多年来最重要的一项改革。",
        "根据新规定，市民在公共场所吸烟将被处以罚款，违规的商家也会受到处罚，政府将加强监督和检查工作。",
        "许多市民表示支持这项规定，他们认为这将改善城市的空气质量，也有利于保护儿童和老人的健康。",
    ])
    result = clean(text)
    kept = [d.block.text for d in result.decisions if d.kept]
    assert all(line in kept for line in text.splitlines()[1:])


def test_a_list_s_words_in_another_script_do_not_make_the_guess():
    lists = Stoplists.load(DiskCache(None)).lists
    marathi = in_own_script(lists["Marathi"])
    assert "the" in lists["Marathi"] and "the" not in marathi  # jusText's Marathi list has English words
    assert marathi and not any(w.isascii() for w in marathi)
    assert in_own_script(lists["English"]) == lists["English"]
    latin_only = sorted(w for w in lists["Marathi"] if w.isascii() and w not in lists["English"])[:30]
    assert len(latin_only) >= 10
    assert Stoplists.load(DiskCache(None)).guess(latin_only * 2 + ["the", "and"]) != "Marathi"


def test_hindi_is_not_taken_for_nepali_and_nepali_stays_nepali():
    stoplists = Stoplists.load(DiskCache(None))
    hindi = ("सरकार ने सोमवार को नई नीति की घोषणा की है और इसके तहत शहर में बसों की संख्या बढ़ाई जाएगी। "
             "मंत्री ने कहा कि यह योजना अगले साल से लागू होगी और इससे लोगों को काफी राहत मिलेगी।")
    nepali = ("नेपालको राजधानी काठमाडौं हो। यो शहर धेरै पुरानो छ र यहाँ धेरै मन्दिरहरू छन्। "
              "सरकारले नयाँ नीति ल्याएको छ र यसले जनतालाई राहत दिने अपेक्षा गरिएको छ।")
    assert stoplists.guess_sample(hindi).language == "Hindi"
    assert stoplists.guess_sample(nepali).language == "Nepali"
    assert stoplists.guess_sample("the council met on monday and voted").language == "English"
    pages = Path(__file__).parent.parent / "benchmarks" / "corpus" / "pages"
    for page in ("hi-006", "hi-007", "hi-009", "hi-010"):  # Hindi news pages jusText's lists call Nepali
        text = (pages / f"{page}.txt").read_text(encoding="utf-8")[:20000]
        assert stoplists.guess(text.casefold().split()) == "Nepali"
        assert stoplists.guess_sample(text).language == "Hindi"


def test_no_character_of_the_unspaced_scripts_is_below_the_quick_tests_bound():
    below = [c for c in range(0x2E80) if language.UNSPACED.match(chr(c))]
    assert below == [] and language._WIDE.match("\u2e80") and not language._WIDE.match("\u2e7f")


def test_case_folding_maps_white_space_to_white_space_and_nothing_else_to_it():
    # (Stoplists.guess_less counts the words of a text's pieces as the words of the text)
    import sys

    for c in map(chr, range(sys.maxunicode + 1)):
        folded = c.casefold()
        assert folded and (folded.isspace() if c.isspace() else not any(f.isspace() for f in folded)), hex(ord(c))


def test_the_guess_less_some_lines_is_the_guess_of_what_is_left():
    stoplists = Stoplists.load(DiskCache(None))
    rnd = random.Random(3)
    for path, _ in product(sorted(SEEDS.glob("*.txt")), range(30)):
        lines = path.read_text(encoding="utf-8").splitlines()[:40]  # (short enough to count whole)
        guess = stoplists.guess_sample("\n".join(lines))
        assert guess.total is not None
        gone = [i for i in range(len(lines)) if rnd.random() < rnd.random()]
        cut = lines[gone[0]][:len(lines[gone[0]]) // 2] if gone else ""  # a line trimmed mid-word
        left = "\n".join([cut] + [line for i, line in enumerate(lines) if i not in gone])
        derived = stoplists.guess_less(guess, " ".join(lines[i] for i in gone), cut)
        assert derived in (None, stoplists.guess_sample(left).language), path.name
