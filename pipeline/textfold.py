"""The one form in which texts and terms are compared: :func:`fold`, and the one class of combining marks.

Used by the relevance filter (aliases and exclusions, :mod:`pipeline.sources.relevance`) and by the alert and
report terms (:mod:`pipeline.explain`), so that a word the filter matches is the word the terms count. The
report's competitor co-mentions are matched by DuckDB, which has no NFKC: their query applies
:data:`INVISIBLE`, :data:`PRESENTATION` and :data:`APOSTROPHES` the same way, in NFC (:mod:`pipeline.report.build`).

:func:`fold`, in this order:

- the soft hyphen and the invisible joiners and spaces (:data:`INVISIBLE`: U+00AD, the combining grapheme joiner
  U+034F, U+200B-U+200D, U+2060, U+FEFF) are removed: "Par\\u00adcelo" and "Par\\u034fcelo" are "Parcelo";
- the emoji and text presentation selectors (:data:`PRESENTATION`) are removed: combining marks, but of the symbol
  before them, so "⚡️Bolt" (U+FE0F after "⚡") is "⚡Bolt", where "Bolt" is a word; the trademark signs "™" and "℠"
  become a space, not NFKC's letters "TM" and "SM" joined to the name they follow ("Parcelo™" was "parcelotm");
- Unicode NFKC: composed letters, ligatures ("ﬁ") and full-width forms ("ＰＡＲＣＥＬＯ") as plain letters, an
  accent typed as a separate mark composed with its letter ("Z" + U+0307 is "Ż");
- case folding, unless ``case_sensitive`` ("ß" is "ss"), then NFKC again (a folded letter may decompose); the
  Turkish capital "İ" folds to "i" and a combining dot (U+0307), which is dropped, so "MİGROS" is "migros" and
  "İş" is "iş"; the Turkish dotless "ı" (:data:`DOTLESS_I`) folds to "i" too, as its capital "I" does, so
  "KAHVE DÜNYASI", as Turkish is written in capitals, is "kahve dünyasi", as "Kahve Dünyası" is;
- the left and right single quotes and the modifier letter apostrophe (:data:`APOSTROPHES`) become "'", so
  "McDonald’s" is "McDonald's".

The repost key (:func:`pipeline.sources.relevance.repost_key`) is stored in the warehouse and keeps its own,
older formula (its docstring says why).

:data:`MARKS` is a ``re`` character class body (no brackets) of every combining mark (Unicode categories Mn,
Mc, Me): Python's ``re`` has no ``\\p{M}`` (the ``regex`` module, which has, is only a dependency of
transformers here, not one of ours), so the class is built from :mod:`unicodedata`, as ranges. Every mark is
in the planes 0, 1 and 14 (:data:`MARK_PLANES`; tests/test_textfold.py checks the whole range). A mark is part
of the word it follows: in Hindi and Arabic the vowel signs are marks, and "Cafe" is not "Café" written with
one.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["APOSTROPHES", "DOTLESS_I", "INVISIBLE", "MARKS", "MARK_PLANES", "PRESENTATION", "fold"]

INVISIBLE = "\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff"
"""Characters :func:`fold` removes: the soft hyphen, the combining grapheme joiner (a mark that shows nothing: in
a word it split "Par\\u034fcelo" from the alias "Parcelo", while the scorer read "Parcelo"), zero-width space,
non-joiner and joiner, word joiner, BOM."""

PRESENTATION = "\ufe0e\ufe0f"
"""The text and emoji presentation selectors, which :func:`fold` removes (the symbol they follow is no letter)."""

APOSTROPHES = "\u2018\u2019\u02bc"
"""Characters :func:`fold` writes as the ASCII apostrophe "'"."""

DOTLESS_I = "\u0131"
"""The Turkish dotless "ı", which case folding (not ``case_sensitive``) writes as "i": the capital of both is "I"."""

MARK_PLANES = (range(0x20000), range(0xE0000, 0xE1000))
"""The code points :data:`MARKS` is built from (planes 0, 1 and 14)."""

_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE + PRESENTATION)) | {ord("\u2122"): " ", ord("\u2120"): " "}
_APOSTROPHES = dict.fromkeys(map(ord, APOSTROPHES), "'")
_CASELESS = _APOSTROPHES | {ord(DOTLESS_I): "i"}


def _mark_ranges() -> str:
    marks = [cp for plane in MARK_PLANES for cp in plane if unicodedata.category(chr(cp)).startswith("M")]
    ranges: list[list[int]] = []
    for cp in marks:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


MARKS = _mark_ranges()
"""Every combining mark, as the body of a ``re`` character class: ``f"[{MARKS}]"``."""

UNSPACED = (  # scripts written without spaces between words (or, Korean, with particles joined to them)
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3000-\u31ff"  # CJK symbols (々, 〇), Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # Han
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul
    "\uff66-\uff9f"  # halfwidth Katakana
)
"""A character class body (``re``, and RE2 as DuckDB reads it: the characters themselves) of the letters of
scripts that do not separate words by spaces: a word of them next to an alias or a competitor's name is no part
of it ("我很喜欢Parcelo的服务", "小米手机", "ソニーのテレビ", "삼성은")."""


def fold(text: str, case_sensitive: bool = False) -> str:
    """``text`` in the one form texts and terms are compared in (module docstring): invisible characters
    removed, NFKC, case folded unless ``case_sensitive``, apostrophes unified. The length may change, so a
    position in the folded text is not one in ``text``."""
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_APOSTROPHES)
    return text if case_sensitive else casefold(text)


def casefold(folded: str) -> str:
    """``fold(text)`` of a ``folded = fold(text, case_sensitive=True)``: its case folded alone (invisible characters
    and NFKC are done), for a caller that reads the case-sensitive form first (a link's "Com" in :mod:`explain`)."""
    text = unicodedata.normalize("NFKC", folded.casefold()).replace("i\u0307", "i")  # "İ" is "i", not "i" + a mark
    return text.translate(_CASELESS)  # after NFKC, which writes "ŉ" with U+02BC


# A decimal character reference's digits past its leading zeros: html.unescape reads them with int(), which
# refuses over 4,300 digits (ValueError: one such mention failed every night's score step). Eight or more digits
# are past U+10FFFF, which unescape writes as U+FFFD: 1114112 says the same in seven.
# an @handle: whom a text is addressed to, not what it says; the terms leave it out (pipeline.explain), and the repost
# key does not count it toward a repost's length (pipeline.sources.relevance.repost_key)
HANDLE = re.compile(r"(?<![\w@])@\w+")
# a link, in any case (a phone writes "Https://"): the scorer reads it as one placeholder
# (pipeline.sentiment.textnorm), and it has no language of its own (pipeline.records) nor an aspect
# (pipeline.sentiment.aspects)
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
LINKS_AND_HANDLES = re.compile(f"{LINK.pattern}|{HANDLE.pattern}", re.IGNORECASE)

_DECIMAL_REF = re.compile(r"&#(?=[0-9])0*+([0-9]*)")  # ASCII digits, as unescape reads


def _short_ref(match: re.Match) -> str:
    digits = match.group(1)
    return f"&#{digits if len(digits) < 8 else 1114112}" if digits else "&#0"


def unescape_html(text: str) -> str:
    """``text`` with its HTML entities read as the characters they stand for (``html.unescape``: "&gt;" is ">",
    "don&#39;t" is "don't"), a decimal reference of any length too: the one way the model
    (:func:`pipeline.sentiment.textnorm.normalise`) and the terms (:mod:`pipeline.explain`) read an exported
    tweet's entities."""
    return html.unescape(_DECIMAL_REF.sub(_short_ref, text))
