"""Is a text about the brand? Alias matching on word boundaries, with exclusion terms and case rules.

- An alias matches only as a whole word or phrase: "Nova Bank" matches "nova bank's app" but "Parcelo" does not
  match "parcelos" or "myparcelo". Aliases may start with ``@`` or ``#``; inner spaces match any whitespace.
- ``case_sensitive: true`` on the brand makes every alias match its exact case ("Apple", not "apple").
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


def _pattern(term: str) -> str:
    words = [re.escape(w) for w in term.split()]
    return r"(?<![\w@#])" + r"\s+".join(words) + r"(?!\w)"


class AliasMatcher:
    def __init__(self, brand: BrandSpec):
        terms = brand.aliases or [brand.name]
        flags = 0 if brand.case_sensitive else re.IGNORECASE
        self.aliases = list(terms)
        self._alias = re.compile("|".join(_pattern(t) for t in sorted(terms, key=len, reverse=True)), flags)
        self._exclude = (
            re.compile("|".join(_pattern(t) for t in sorted(brand.exclude, key=len, reverse=True)), flags)
            if brand.exclude
            else None
        )

    def matches(self, *texts: str | None) -> bool:
        text = "\n".join(t for t in texts if t)
        if not text:
            return False
        if self._exclude is not None:
            text = self._exclude.sub(" ", text)
        return self._alias.search(text) is not None

    def query_terms(self) -> list[str]:
        """The aliases without their ``@``/``#`` prefixes, de-duplicated case-insensitively (for search APIs)."""
        seen, out = set(), []
        for term in self.aliases:
            bare = term.lstrip("@#").strip()
            if bare and bare.lower() not in seen:
                seen.add(bare.lower())
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
    norm = unicodedata.normalize("NFKC", text).casefold()
    norm = _URL.sub(" ", norm)
    norm = " ".join(norm.split()).strip(" .!?,;:-–—'\"")
    if len(norm) < REPOST_MIN_CHARS:
        return None
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]
