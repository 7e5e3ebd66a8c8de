"""The one text fold and class of combining marks (pipeline/textfold.py), and that the relevance filter and the
alert terms read texts in it alike."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from pipeline.config import BrandSpec
from pipeline.explain import tokenize
from pipeline.sources.relevance import AliasMatcher
from pipeline.textfold import MARK_PLANES, MARKS, fold


def test_every_combining_mark_is_in_the_class_and_nothing_else():
    """The class is built from the planes 0, 1 and 14 (re has no \\p{M}): no mark of this Python's Unicode
    database lies outside them, and the class holds exactly the marks."""
    outside = [
        cp
        for cp in range(sys.maxunicode + 1)
        if not any(cp in plane for plane in MARK_PLANES) and unicodedata.category(chr(cp)).startswith("M")
    ]
    assert outside == []
    mark = re.compile(f"[{MARKS}]")
    for plane in MARK_PLANES:
        for cp in plane:
            assert bool(mark.fullmatch(chr(cp))) == unicodedata.category(chr(cp)).startswith("M"), hex(cp)


def test_fold():
    assert fold("Par\u00adcelo\u200b \ufeffＰＡＲＣＥＬＯ\u2060 ﬁle Straße") == "parcelo parcelo file strasse"
    assert fold(unicodedata.normalize("NFD", "Żabka")) == "żabka"
    assert fold("McDonald’s ‘x’ \u0149") == "mcdonald's 'x' 'n"  # "ŉ" is NFKC's U+02BC + n
    assert fold("Ż\u00adabka ＡＢ", case_sensitive=True) == "Żabka AB"


def test_the_turkish_capital_dotted_i_folds_to_i():
    """The casefold of "İ" is "i" and a combining dot above (U+0307), a mark that made it a letter of its own word: the
    alias "Migros" did not match "MİGROS", nor "İş Bankası" its text written "iş Bankası"."""
    assert fold("MİGROS İş") == fold("migros iş") == "migros iş"
    assert fold("İ", case_sensitive=True) == "İ"
    for alias, text in [("Migros", "MİGROS sepeti"), ("İş Bankası", "iş Bankası kartı"), ("iş", "İŞ")]:
        brand = BrandSpec.model_validate(
            {"name": "X", "aliases": [alias], "sources": [{"type": "hackernews", "name": "hn"}]}
        )
        assert AliasMatcher(brand).matches(text), (alias, text)
    assert tokenize("MİGROS İzmir", language="tr") == ["migros", "izmir"]


def test_the_turkish_dotless_i_folds_to_i():
    """The capital of the dotless "ı" is "I", which folds to "i": written in capitals, as Turkish often is, "KAHVE
    DÜNYASI" was "kahve dünyasi", and the alias "Kahve Dünyası" ("kahve dünyası") never matched it."""
    assert fold("KAHVE DÜNYASI") == fold("Kahve Dünyası") == "kahve dünyasi"
    assert fold("Dünyası", case_sensitive=True) == "Dünyası"
    brand = BrandSpec.model_validate(
        {"name": "X", "aliases": ["Kahve Dünyası"], "sources": [{"type": "hackernews", "name": "hn"}]}
    )
    assert AliasMatcher(brand).matches("KAHVE DÜNYASI yine geç kaldı")
    # the searches keep both spellings: a search API lower-cases "DÜNYASI" to "dünyasi", no "Dünyası"
    both = brand.model_copy(update={"aliases": ["Kahve Dünyası", "KAHVE DÜNYASI", "kahve dünyası"]})
    assert AliasMatcher(both).query_terms() == ["Kahve Dünyası", "KAHVE DÜNYASI"]
    assert tokenize("KIRIK kırık", language="tr") == ["kirik", "kirik"]  # one term, not two


def test_an_alias_next_to_an_emoji_or_a_trademark_sign_is_a_word():
    """The emoji presentation selector (U+FE0F, a combining mark) after "⚡" made "⚡️Bolt" one word, and NFKC wrote
    "™" as the letters "TM", so "Parcelo™" was "parcelotm": neither matched its alias."""
    m = AliasMatcher(
        BrandSpec.model_validate(
            {"name": "Parcelo", "sources": [{"type": "hackernews", "name": "hn"}], "aliases": ["Parcelo", "Nova Bank"]}
        )
    )
    assert m.matches("⚡️Parcelo lost my parcel") and m.matches("❤\ufe0eParcelo") and m.matches("Nova Bank℠ again")
    assert m.matches("Another great Parcelo™ experience") and m.matches("Parcelo™Express is late")
    assert not m.matches("Parcelo\u0331 app") and fold("Parcelo™ ⚡️", case_sensitive=True) == "Parcelo  ⚡"


TEXTS = [
    "Par\u00adcelo lost my par\u200bcel",
    unicodedata.normalize("NFD", "Żabka: przesyłka opóźniona"),
    "ＰＡＲＣＥＬＯ oﬃce",
    "McDonald’s fries",
    "मेरा पार्सल कहाँ है",
    "التوصيل سيئ جدًا",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_word_the_terms_count_is_a_word_the_filter_matches(text):
    """A term of the alerts (pipeline.explain) used as an alias matches the text it came from."""
    for word in tokenize(text):
        brand = BrandSpec.model_validate(
            {"name": "X", "aliases": [word], "sources": [{"type": "hackernews", "name": "hn"}]}
        )
        assert AliasMatcher(brand).matches(text), (word, text)
