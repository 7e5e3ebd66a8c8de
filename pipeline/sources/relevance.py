"""Is a text about the brand? Alias matching on word boundaries, with exclusion terms and case rules.

- An alias matches only as a whole word or phrase: "Nova Bank" matches "nova bank's app" but "Parcelo" does not
  match "parcelos" or "myparcelo". Aliases may start with ``@`` or ``#``; inner spaces match any whitespace.
  Next to a letter of a script written without spaces (:data:`UNSPACED`: Han, Kana, Hangul, Thai ...) an alias
  is a word: "Parcelo" matches "我很喜欢Parcelo的服务", "小米" matches "我买了小米手机".
- ``case_sensitive: true`` on the brand makes every alias match its exact case ("Apple", not "apple").
- Text and terms are compared in one Unicode form (:func:`pipeline.textfold.fold`, the form the alert and report
  terms read too: soft hyphens and zero-width characters removed, NFKC, then case folded unless case-sensitive,
  apostrophes unified): a decomposed "Żabka" (Z + combining dot, as macOS and some keyboards write it) is
  "Żabka", the Dutch ligature "ĳ" is "ij", fullwidth "ＰＡＲＣＥＬＯ" is "PARCELO", "STRASSE" is "Straße",
  "Par\u00adcelo" (a soft hyphen inside) is "Parcelo", "McDonald’s" is "McDonald's", "Parcelo" matches
  "⚡️Parcelo" (the emoji's presentation selector removed) and "Parcelo™" (not "parcelotm"). A combining mark (of any
  script: :data:`pipeline.textfold.MARKS`) counts as part of a word, so "Cafe" does not match "Café" written
  with one.
- An exclusion term ("apple pie") hides its own occurrences: the text still matches when the alias also
  occurs outside an excluded phrase ("apple pie at the Apple store" is about the brand).

:func:`repost_key` is the normalised text that decides whether two items are the same post (a repost or
cross-post): case, Unicode form, whitespace, URLs and leading/trailing punctuation do not count.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterator

from pipeline.config import BrandSpec
from pipeline.textfold import DOTLESS_I, HANDLE, MARKS, UNSPACED, fold


def _pattern(terms: list[str]) -> str:
    """Folded terms, in order, each as a whole word or phrase: no letter, digit, ``_`` or combining mark (part of
    the word it follows) on either side, nor ``@`` or ``#`` before, unless the text or the term has a letter of
    :data:`UNSPACED` there (those scripts put no space between words). The boundaries are written once around the
    alternatives, not in each: a term's own pair held the class of every combining mark twice, so 2,000 aliases
    took seconds to compile and a tenth of a second a text. Matching says only yes or no: the length of a text may
    change in :func:`~pipeline.textfold.fold`, so a position in the folded text is not one in the original."""
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in term.split()) for term in terms)
    before = rf"(?:(?<![\w@#{MARKS}])|(?<=[{UNSPACED}])|(?=[{UNSPACED}]))"
    after = rf"(?![{MARKS}])(?:(?!\w)|(?<=[{UNSPACED}])|(?=[{UNSPACED}]))"
    return rf"{before}(?:{alternatives}){after}"


def _occurrences(pattern: re.Pattern, text: str) -> Iterator[tuple[int, int]]:
    """The spans of every match of ``pattern`` in ``text`` by start, overlapping ones included (at each start the
    first term in :meth:`AliasMatcher._compile`'s order: the longest exclusion, the shortest alias)."""
    m = pattern.search(text)
    while m is not None:
        yield m.start(), m.end()
        m = pattern.search(text, m.start() + 1)


class AliasMatcher:
    def __init__(self, brand: BrandSpec):
        self.case_sensitive = brand.case_sensitive
        terms = brand.aliases or [brand.name]
        self.aliases = list(terms)
        self._alias = self._compile(terms, shortest_first=True)  # "Nova" clear of an exclusion that "Nova Bank" is not
        self._exclude = self._compile(brand.exclude) if brand.exclude else None

    def _compile(self, terms: list[str], shortest_first: bool = False) -> re.Pattern:
        folded = [fold(t, self.case_sensitive) for t in terms]
        return re.compile(_pattern(sorted(folded, key=len, reverse=not shortest_first)))

    def matches(self, *texts: str | None) -> bool:
        """Whether any of ``texts`` (a title, a body) mentions the brand, each on its own: a phrase alias or an
        exclusion never runs from the end of a title into its body."""
        return any(self._mentions(t) for t in texts if t)

    def _mentions(self, raw: str) -> bool:
        """An alias occurs clear of every occurrence of an exclusion, overlapping ones included: in "zoef zoef zoef"
        each "zoef" is in one of the two "zoef zoef", and "nova apple pie bank" is no "Nova Bank" (an exclusion cut
        out of the text left the third "zoef", and joined "nova" to "bank")."""
        text = fold(raw, self.case_sensitive)
        if not text:
            return False
        starts: list[int] = []  # the exclusions' occurrences merged into disjoint spans, by start
        ends: list[int] = []
        for a, b in _occurrences(self._exclude, text) if self._exclude is not None else ():
            if ends and a < ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        for s, e in _occurrences(self._alias, text):
            i = bisect.bisect_left(starts, e) - 1  # the last hidden span that starts before the alias ends
            if i < 0 or ends[i] <= s:
                return True
        return False

    def query_terms(self) -> list[str]:
        """The aliases without their ``@``/``#`` prefixes, de-duplicated case-insensitively in :func:`fold`'s
        form (for search APIs), but for the Turkish dotless "ı": a search API lower-cases "KAHVE DÜNYASI" to
        "kahve dünyasi", which "Kahve Dünyası" does not find, so both stay searched."""
        seen, out = set(), []
        for term in self.aliases:
            bare = term.lstrip("@#").strip()
            key = fold(bare.replace(DOTLESS_I, "\0"))  # fold's ı is i: a NUL stands for it here alone
            if bare and key not in seen:
                seen.add(key)
                out.append(bare)
        return out


_URL = re.compile(r"https?://\S+")
_EDGE = " .!?,;:-–—'\""


REPOST_MIN_CHARS = 40  # shorter texts ("love it!") are said by many people independently, not reposted


def repost_key(text: str | None) -> str | None:
    """sha256 of the text with case, Unicode form, URLs, whitespace and edge punctuation normalised away.

    None for texts under :data:`REPOST_MIN_CHARS` characters once normalised, their @handles not counted: those are
    never treated as reposts. A reply's text starts with the handles of its thread, so fifty customers answering the
    brand's outage post with "@ParceloHelp @Parcelo_UK where is my parcel?" are fifty complaints, not one mention
    and 49 reposts (the handles do not count, the hash still holds them: the keys stored keep their formula).

    The key is stored (``mentions.text_key``, and ``repost_lookup`` from it) and a later repost is matched
    against the stored keys, so its formula is frozen: NFKC then case folding, not
    :func:`~pipeline.textfold.fold`, which also removes zero-width characters and unifies apostrophes. With
    ``fold``, every stored text with a curly apostrophe (most texts typed on a phone) or a zero-width joiner
    (emoji sequences such as 👩‍💻) would have another key than the one stored, and its reposts after the upgrade
    would be stored and counted as mentions of their own; a copy that differs from its original only in those
    characters is rarer than that.
    """
    if not text:
        return None
    norm = _URL.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    norm = " ".join(norm.split()).strip(_EDGE)
    if len(" ".join(HANDLE.sub(" ", norm).split()).strip(_EDGE)) < REPOST_MIN_CHARS:
        return None
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]
