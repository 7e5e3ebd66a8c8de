"""Text normalisation shared by training and scoring.

The model only sees normalised text, so training and scoring must call the same function.
The rules follow the TweetEval conventions, plus emoji spelled out for an uncased WordPiece vocabulary
that has no emoji tokens:

- ``@handle`` becomes ``@user`` (as in the TweetEval data, and it keeps user names out of the model);
- URLs become ``http``;
- HTML entities are unescaped (``&amp;`` -> ``&``);
- emoji become their names (":face_with_tears_of_joy:" -> " face with tears of joy "), for a model whose
  vocabulary has no emoji (``emoji_names=True``, the 1.x English model); the multilingual 2.x model's
  XLM-R vocabulary has emoji pieces, so it reads them as they are (its ``brandpulse.json`` says which);
- a character repeated four or more times is cut to three ("soooooo" -> "sooo");
- whitespace is collapsed.
"""

from __future__ import annotations

import html
import re

import emoji

_USER = re.compile(r"(?<![\w@])@\w{1,30}")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_REPEAT = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"\s+")
# A decimal character reference's digits past its leading zeros: html.unescape reads them with int(), which
# refuses over 4,300 digits (ValueError: one such mention failed every night's score step). Eight or more digits
# are past U+10FFFF, which unescape writes as U+FFFD: 1114112 says the same in seven.
_DECIMAL_REF = re.compile(r"&#(?=[0-9])0*+([0-9]*)")  # ASCII digits, as unescape reads
URL, USER = "http", "@user"  # what a link and a handle become
PLACEHOLDERS = re.compile(rf"\b{URL}\b|{USER}")
"""The words normalisation writes for links and handles: letters the writer did not write."""


def _emoji_name(match: str, data: dict) -> str:
    return " " + match.strip(":").replace("_", " ") + " "


def _short_ref(match: re.Match) -> str:
    digits = match.group(1)
    return f"&#{digits if len(digits) < 8 else 1114112}" if digits else "&#0"


def normalise(text: str, emoji_names: bool = True) -> str:
    """Return the model's view of ``text``."""
    text = html.unescape(_DECIMAL_REF.sub(_short_ref, text))
    text = _URL.sub(URL, text)
    text = _USER.sub(USER, text)
    if emoji_names:
        text = emoji.replace_emoji(text, replace=lambda chars, data: _emoji_name(data["en"], data))
    text = _REPEAT.sub(r"\1\1\1", text)
    return _SPACE.sub(" ", text).strip()
