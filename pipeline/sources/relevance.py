"""Is a text about the brand? Alias matching on word boundaries, with exclusion terms and case rules.

- An alias matches only as a whole word or phrase: "Nova Bank" matches "nova bank's app" but "Parcelo" does not
  match "parcelos" or "myparcelo". Aliases may start with ``@`` or ``#``; inner spaces match any whitespace.
- ``case_sensitive: true`` on the brand makes every alias match its exact case ("Apple", not "apple").
- Text and terms are compared in one Unicode form (:func:`fold`: NFKC, then case folded unless case-sensitive):
  a decomposed "Żabka" (Z + combining dot, as macOS and some keyboards write it) is "Żabka", the Dutch ligature
  "ĳ" is "ij", fullwidth "ＰＡＲＣＥＬＯ" is "PARCELO", "STRASSE" is "Straße". A combining mark counts as part of a
  word, so "Cafe" does not match "Café" written with one.
- An exclusion term ("apple pie") hides its own occurrences: the text still matches when the alias also
  occurs outside an excluded phrase ("apple pie at the Apple store" is about the brand).

:func:`repost_key` is the normalised text that decides whether two items are the same post (a repost or
cross-post): case, whitespace, URLs and leading/trailing punctuation do not count.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pipeline.config import BrandSpec

# Combining marks (the blocks NFKC leaves some of uncomposed: "q̃"): part of the word they follow, like \w
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def fold(text: str, case_sensitive: bool = False) -> str:
    """``text`` in the one form terms and texts are compared in: NFKC (composed letters, ligatures and
    fullwidth forms as plain letters), then case folded (``ß`` is ``ss``) unless ``case_sensitive``. The length
    may change, so a position in the folded text is not one in ``text``: matching says only yes or no."""
    text = unicodedata.normalize("NFKC", text)
    return text if case_sensitive else text.casefold()


def _pattern(term: str) -> str:
    words = [re.escape(w) for w in term.split()]
    return rf"(?<![\w@#{_MARKS}])" + r"\s+".join(words) + rf"(?![\w{_MARKS}])"


class AliasMatcher:
    def __init__(self, brand: BrandSpec):
        self.case_sensitive = brand.case_sensitive
        terms = brand.aliases or [brand.name]
        self.aliases = list(terms)
        self._alias = self._compile(terms)
        self._exclude = self._compile(brand.exclude) if brand.exclude else None

    def _compile(self, terms: list[str]) -> re.Pattern:
        folded = [fold(t, self.case_sensitive) for t in terms]
        return re.compile("|".join(_pattern(t) for t in sorted(folded, key=len, reverse=True)))

    def matches(self, *texts: str | None) -> bool:
        text = fold("\n".join(t for t in texts if t), self.case_sensitive)
        if not text:
            return False
        if self._exclude is not None:
            text = self._exclude.sub(" ", text)
        return self._alias.search(text) is not None

    def query_terms(self) -> list[str]:
        """The aliases without their ``@``/``#`` prefixes, de-duplicated case-insensitively in :func:`fold`'s
        form (for search APIs)."""
        seen, out = set(), []
        for term in self.aliases:
            bare = term.lstrip("@#").strip()
            if bare and fold(bare) not in seen:
                seen.add(fold(bare))
                out.append(bare)
        return out


_URL = re.compile(r"https?://\S+")


REPOST_MIN_CHARS = 40  # shorter texts ("love it!") are said by many people independently, not reposted


def repost_key(text: str | None) -> str | None:
    """sha256 of the text with case, Unicode form, URLs, whitespace and edge punctuation normalised away.

    None for texts under :data:`REPOST_MIN_CHARS` characters once normalised: those are never treated as reposts.
    """
    if not text:
        return None
    norm = _URL.sub(" ", fold(text))
    norm = " ".join(norm.split()).strip(" .!?,;:-–—'\"")
    if len(norm) < REPOST_MIN_CHARS:
        return None
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]
