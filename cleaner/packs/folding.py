"""Folding: how the prefilter compares a pattern's characters with a block's.

The block is casefolded; a pattern character is folded to what a matching block character
becomes: ASCII letters lower-cased, every decimal digit "0", every space " ", letters of
alphabets that fold simply (Latin-1, Latin Extended-A, basic Cyrillic) casefolded, and
uncased symbols and letters as themselves. tests/test_prefilter.py checks these facts
against the `regex` package over every code point.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from operator import methodcaller

import regex

#: Prefixes are cut to this many characters (the block's first characters are folded).
PREFIX_LEN = 8
#: Longer texts are casefolded a piece of this many characters at a time.
FOLD_PIECE = 1 << 16

_DIGIT = regex.compile(r"\d")  # as the rules' own `regex` sees digits and spaces
_SPACE = regex.compile(r"\s")
_ASCII_FOLD = str.maketrans({chr(c): "0" if _DIGIT.match(chr(c)) else " "
                             for c in range(128) if _DIGIT.match(chr(c)) or _SPACE.match(chr(c))})


def folds_simply(ch: str) -> bool:
    """Is `ch` a cased letter of the Latin-1, Latin Extended-A or basic Cyrillic alphabets,
    or a circled Latin letter ("ⓒ"), which `regex` matches ignoring case to exactly the
    characters that casefold as `ch` does (checked against `regex` over every code point in
    tests/test_prefilter.py)? Literals in these alphabets ("все права защищены", "página")
    can then be required too."""
    o = ord(ch)
    return ((0xC0 <= o <= 0x17E and o not in _IRREGULAR) or 0x410 <= o <= 0x44F or o in (0x401, 0x451)
            or 0x24B6 <= o <= 0x24E9)


#: Latin-1 and Latin Extended-A characters that are not letters or do not fold simply
#: (× ß ÷ ÿ İ ı ŉ: "İ" and "ı" match "i"/"I" in `regex` but casefold otherwise).
_IRREGULAR = frozenset((0xD7, 0xDF, 0xF7, 0xFF, 0x130, 0x131, 0x149))


def fold(ch: str) -> str | None:
    """The block-side form of a pattern character (see fold_start), or None when it has
    none we trust: ASCII lower-cased, every digit "0", every space " ", letters that fold
    simply casefolded, and uncased symbols and letters (category Lo) as themselves."""
    if _DIGIT.match(ch):
        return "0"
    if _SPACE.match(ch):
        return " "
    if ch.isascii():
        return ch.lower()
    if folds_simply(ch):
        return ch.casefold()
    category = unicodedata.category(ch)
    if (category[0] in "PSZ" or category == "Lo") and ch.casefold() == ch.upper() == ch.lower() == ch:
        return ch  # an uncased symbol, or a letter of a script without case (CJK, kana, Hangul...)
    return None


def casefold(text: str) -> str:
    """text.casefold(), a piece of FOLD_PIECE characters at a time for a long text (case
    folding maps each character on its own, and str.casefold holds 12 bytes a character
    while it works)."""
    if len(text) <= FOLD_PIECE:
        return text.casefold()
    return "".join(text[i:i + FOLD_PIECE].casefold() for i in range(0, len(text), FOLD_PIECE))


#: "i" and a combining dot (a casefolded "İ") as a plain "i", see fold_block.
_DOTTED_I = methodcaller("replace", "i\u0307", "i")


def fold_block(text: str) -> str:
    """The block as the prefilter tests it: casefolded, and "İ" (which `regex` matches to
    "i" ignoring case, but which casefolds to "i" and a combining dot) as a plain "i"."""
    return casefold(text).replace("i\u0307", "i")


def fold_blocks(texts: Sequence[str]) -> list[str]:
    """fold_block of each text (the loop in C when none is long)."""
    if max(map(len, texts), default=0) > FOLD_PIECE:
        return [fold_block(t) for t in texts]
    return list(map(_DOTTED_I, map(str.casefold, texts)))


def fold_start(low: str) -> str:
    """The first PREFIX_LEN characters of a casefolded block, digits and spaces folded."""
    first = low[:PREFIX_LEN]
    if first.isascii():
        return first.translate(_ASCII_FOLD)
    return _DIGIT.sub("0", _SPACE.sub(" ", first))
