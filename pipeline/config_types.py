"""What the two config modules share (:mod:`pipeline.config`, :mod:`pipeline.config_surveys`): the strict model
base, the common field types and the time-zone check, defined once."""

from __future__ import annotations

import codecs
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


class _Strict(BaseModel):
    # allow_inf_nan=False: .inf and .nan are refused wherever a number is meant ("Input should be a finite number")
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank (only spaces)")
    return value


def _not_a_boolean(value):
    """A number's setting written as a word YAML reads as a boolean is refused: pydantic took ``no`` and ``off`` as
    0, ``yes`` and ``on`` as 1, so ``comment_limit: no`` (meant: no limit) read no comment at all, ``max_items: yes``
    one item a listing and ``margin: yes`` a margin of 100 %, unsaid."""
    if isinstance(value, bool):
        raise ValueError(
            "must be a number: unquoted, YAML reads yes, no, on, off, true and false as booleans (this one as "
            f"{str(value).lower()})"
        )
    return value


# Every number of the config: a quoted '64' is 64, as pydantic reads it, but a boolean is no number
Int = Annotated[int, BeforeValidator(_not_a_boolean)]
Float = Annotated[float, BeforeValidator(_not_a_boolean)]

# Kept as written (a CSV header may start with a space); only a value of nothing but whitespace is refused.
NonEmpty = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


def _delimiter(value: str) -> str:
    return "\t" if value == "tab" else value


# A CSV export's delimiter (file drops, survey exports, customer lists): ``auto`` picks one from each file's header
# line (pipeline.records.csv_delimiter); the word ``tab`` is a tab
Delimiter = Annotated[Literal["auto", ",", ";", "\t", "tab"], AfterValidator(_delimiter)]


def _text_encoding(name: str) -> str:
    """``name`` if Python reads text in that encoding (``cp1250``, ``windows-1252``, ``latin-1``), else ValueError:
    an unknown name, a codec that is no text encoding (``base64``), or UTF-16 and UTF-32, whose exports are refused
    as such (pipeline.records.check_export)."""
    try:
        found = codecs.lookup(name).name
        "".encode(name)  # LookupError for a codec that is no text encoding
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise ValueError(
            f"{name[:80]!r} is not a text encoding Python knows (e.g. 'utf-8', 'cp1250', 'cp1252')"
        ) from None
    if found.startswith(("utf-16", "utf-32")):
        raise ValueError(f"{name[:80]!r}: UTF-16 and UTF-32 exports are not read; save the file as UTF-8")
    if found in _ESCAPES:  # a bad escape in one row raised from the whole file's read, naming no file
        raise ValueError(f"{name[:80]!r} is an escaping scheme, not a file's text encoding (e.g. 'utf-8', 'cp1250')")
    return name


# Codecs that read text but are no export's encoding: their escapes (a cut "\x", UTF-7's "+2AA-", a lone
# surrogate) failed a whole file, or the row-by-row readers, where a real encoding's bad byte quarantines one row
_ESCAPES = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "punycode", "idna"})


# A CSV export's text encoding: a Python codec name, checked when the config is loaded
TextEncoding = Annotated[str, AfterValidator(_text_encoding)]


def iana_zone(name: str) -> str:
    """``name`` if it is an IANA time zone zoneinfo knows (``Europe/Warsaw``, ``UTC``), else ValueError. The files
    of the system's zone folder that are no zone's name (``localtime``, ``posixrules``, the ``posix/`` and ``right/``
    copies of every zone) load in zoneinfo, but DuckDB, which reads a survey answer's day in its brand's zone,
    does not know them: "Unknown TimeZone" failed the night's survey metrics and reports."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("America"), a long name
        pass
    else:
        if name not in ("localtime", "posixrules") and not name.startswith(("posix/", "right/")):
            return name
    raise ValueError(f"{name[:80]!r} is not an IANA time zone (e.g. 'Europe/Warsaw', 'UTC')")
