"""Text normalisation shared by training and scoring.

The model only sees normalised text, so training and scoring must call the same function.
The rules follow the TweetEval conventions, plus emoji spelled out for an uncased WordPiece vocabulary
that has no emoji tokens:

- ``@handle`` becomes ``@user`` (as in the TweetEval data, and it keeps user names out of the model);
- URLs become ``http``;
- HTML entities are unescaped (``&amp;`` -> ``&``; :func:`pipeline.textfold.unescape_html`);
- the invisible characters a reader does not see (:data:`UNSEEN`: the soft hyphen, zero-width space and
  non-joiner, word joiner, BOM, and the bidirectional marks and isolates of right-to-left text) are removed: the
  tokenizer read most of them as a space, so "terr\\u200bible serv\\u200bice" was "terr ible serv ice" to the
  model (neutral) and "I lo\\u200bve th\\u200bis ph\\u200bone" negative; so is the combining grapheme joiner
  (U+034F, "ter\\u034frible serv\\u034fice" was positive), and the zero-width joiner between two letters, where
  it joins nothing ("I lo\\u200dve th\\u200dis ph\\u200done" was neutral); elsewhere the joiner stays (emoji
  sequences, Hindi's conjuncts after a virama);
- so is NUL, which the tokenizer read as an unknown token (it drops the other C0 controls itself): a NUL at a
  text's end (a C string's, a JSON "\\u0000") made "the parcel arrived today" positive and "I waited two days"
  neutral; the C1 controls but NEL (a line break) are Windows-1252 text read as latin-1 ("l\\x92application" is
  "l’application"): they become the letters and marks that code page has there, as ``&#146;`` does
  (:func:`~pipeline.textfold.unescape_html`), and the five it has none for are removed (removed all, "je n’aime
  pas" was "je naime pas", -0.42 where its letters read -0.95, and "c’est génial" +0.57, not +0.96);
- emoji become their names (":face_with_tears_of_joy:" -> " face with tears of joy "), for a model whose
  vocabulary has no emoji (``emoji_names=True``, the 1.x English model); the multilingual 2.x model's
  XLM-R vocabulary has emoji pieces, so it reads them as they are (its ``brandpulse.json`` says which);
- a character repeated four or more times is cut to three ("soooooo" -> "sooo");
- in a text with more than 64 emoji joined by zero-width joiners (a family, a rainbow flag), the joiners after
  an emoji are left out, the emoji kept (:func:`short_joins`);
- whitespace is collapsed.
"""

from __future__ import annotations

import re
import unicodedata

import emoji

from pipeline.textfold import HANDLE, INVISIBLE, LINK, unescape_html

_REPEAT = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"\s+")
# The emoji library keeps the joiners (U+200D) of the emoji sequences it does not know in a list it searches at
# every character, so its time grows with the square of their number in a text: 100,000 joined emoji in one
# mention took over 20 s, and a night of such posts hours. Past MAX_JOINS joiners after an emoji, a text is emoji
# spam, not a family or two, and its joiners are left out. A joiner after a letter or a mark (Hindi's conjuncts,
# after a virama) is never touched.
_JOIN = "\u200d"
MAX_JOINS = 64
_AFTER = re.compile(rf"(.){_JOIN}", re.DOTALL)
URL, USER = "http", "@user"  # what a link and a handle become
# what normalise removes: textfold's INVISIBLE but the joiner (removed between letters only), and the marks that
# set a direction of writing (LRM, RLM, ALM, embeddings, overrides, isolates)
UNSEEN = INVISIBLE.replace(_JOIN, "") + "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The C1 controls but NEL (U+0085, a line break) as the Windows-1252 characters of their bytes (Windows-1252 text
# read as latin-1); the five bytes it has no character for, and NUL, are unseen
_C1 = {c: bytes([c]).decode("cp1252", errors="ignore") for c in range(0x80, 0xA0) if c != 0x85}
UNSEEN += "\x00" + "".join(chr(c) for c, ch in _C1.items() if not ch)
_UNSEEN = dict.fromkeys(map(ord, UNSEEN)) | {c: ch for c, ch in _C1.items() if ch}
# a joiner between two letters: not an emoji sequence's, nor a conjunct's (after a virama, a mark)
_LETTERS_JOINED = re.compile(rf"(?<=[^\W\d_]){_JOIN}(?=[^\W\d_])")
PLACEHOLDERS = re.compile(rf"\b{URL}\b|{USER}")
"""The words normalisation writes for links and handles: letters the writer did not write."""


def _emoji_name(match: str, data: dict) -> str:
    return " " + match.strip(":").replace("_", " ") + " "


def short_joins(text: str) -> str:
    """``text``, less the zero-width joiners that follow an emoji (a symbol, a skin tone, a variation selector)
    when it holds more than :data:`MAX_JOINS` of them; else ``text`` as it is."""
    if text.count(_JOIN) <= MAX_JOINS:
        return text
    return _AFTER.sub(lambda m: m.group(1) if _emoji_side(m.group(1)) else m.group(0), text)


def _emoji_side(char: str) -> bool:
    return char in "\ufe0e\ufe0f" or unicodedata.category(char) in ("So", "Sk")


def normalise(text: str, emoji_names: bool = True) -> str:
    """Return the model's view of ``text``."""
    text = _LETTERS_JOINED.sub("", short_joins(unescape_html(text)).translate(_UNSEEN))
    text = LINK.sub(URL, text)
    text = HANDLE.sub(USER, text)
    if emoji_names:
        text = emoji.replace_emoji(text, replace=lambda chars, data: _emoji_name(data["en"], data))
    text = _REPEAT.sub(r"\1\1\1", text)
    return _SPACE.sub(" ", text).strip()
