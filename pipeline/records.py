"""Records and rejects: what every source and the survey importer produce, and the rules they share.

Every input item ends as exactly one of:

- a :class:`Record` (a mention or review, built by :meth:`pipeline.sources.base.Source.record`),
- a :class:`Reject` (input that cannot be understood: the reason, the raw item, where it was), or
- a counted skip (outside the night's window, another source's platform, deleted upstream).

A rule that an item breaks is raised as :class:`Rejected` with the reason; the reader catches it and turns
the item into a :class:`Reject`. There is one such exception type, one UTC time parser (:func:`parse_utc`),
one number reader (:func:`number`, :func:`count`), one raw-record size cap (:data:`MAX_RAW`) and one rule for
which cell values a reason quotes (:func:`shown`), so a rule means the same in every source.

Ranges, stated once:

- times must fall in ``[1970-01-01, 2100-01-01)`` UTC (:data:`EARLIEST`, :data:`LATEST`): anything else is a
  typo or a sentinel (``9999-12-31``) that would overflow date arithmetic downstream;
- counts (engagement, votes) are whole numbers in ``[0, 10**12]`` (:data:`MAX_COUNT`), and a record's total
  engagement too, far inside DuckDB's BIGINT;
- raw records kept in quarantine are cut at 1 MiB characters (:data:`MAX_RAW`), with a note of what was cut;
  a JSONL line or CSV field may be up to 8 MiB (:data:`MAX_FIELD`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import hmac
import io
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from pipeline.config import Config, ConfigError, PseudonymisationSpec, env_shown, env_value
from pipeline.textfold import LINKS_AND_HANDLES

MAX_RAW = 1024 * 1024
MAX_FIELD = 8 * 1024 * 1024  # bytes per JSONL line / characters per CSV field, for every file reader
MAX_COUNT = 10**12
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# How far past now (and past a night's window) an item's time may lie: beyond a clock skew or a time zone, so a
# mistyped year (a mention, a review, a survey answer dated years ahead), which no later night would read right
PLAUSIBLE_AHEAD = timedelta(days=2)
# An id that Excel turned into a number in scientific notation (a tweet's 1844674407370955161 saved as "1.84467E+18",
# "1,84467E+18" in a Polish or Dutch Excel; a SurveyMonkey Respondent ID as "1.14112E+11"): its digits are gone, so
# every record whose id rounds alike had one id, and the load kept one of them, dropping the others
EXCEL_ID = re.compile(r"[+-]?\d+(?:[.,]\d+)?E\+\d+", re.IGNORECASE)
csv.field_size_limit(MAX_FIELD)


class Rejected(ValueError):
    """An item (or, for surveys, one field of it) that breaks a rule; the message is the quarantine reason."""


class NoSuchLocalTime(Rejected):
    """A time without an offset in the hour its zone's clocks skip in spring (:func:`parse_utc` with ``exact``):
    ``moment`` is its reading with the offset before the change, which places it in its night's window."""

    def __init__(self, reason: str, moment: datetime):
        super().__init__(reason)
        self.moment = moment


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval ``[start, end)``."""

    start: datetime
    end: datetime

    @classmethod
    def for_day(cls, day: date) -> Window:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return cls(start, start + timedelta(days=1))

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Record:
    mention_id: str
    brand: str
    source: str
    source_type: str
    native_id: str
    kind: str
    text: str
    created_at: str  # ISO-8601 with offset
    platform: str | None = None
    channel: str | None = None
    author_hash: str | None = None
    title: str | None = None
    url: str | None = None
    rating: float | None = None
    language: str | None = None
    engagement: int | None = None
    text_key: str | None = None  # repost key of the normalised text (see relevance.repost_key); set by extract
    location: str | None = None  # where it was read (a file drop's file:line), for the load's quarantine; not stored

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class Reject:
    quarantine_id: str
    brand: str
    source: str
    reason: str
    raw_record: str
    location: str | None = None

    @classmethod
    def of(
        cls,
        brand: str,
        source: str,
        reason: str,
        raw: str,
        location: str | None = None,
        *,
        occurrence: int | None = None,
        content: str | None = None,
    ) -> Reject:
        """A reject keyed by what it held, so each bad input row is one quarantine row and re-reading the same
        input gives the same keys; ``raw`` is kept cut to :data:`MAX_RAW` (:func:`cut_raw`).

        The key hashes ``(brand, source, content)``, ``content`` being ``raw`` whole (before the cut, so two long
        rows that differ only after it stay two) unless given apart (what the row held where the raw record keeps
        less: see :class:`FileRejects`). A network item is keyed so, ``content`` being its identity (its native
        id, else its payload without the counters that move between reads: :meth:`Source.reject`), since where it
        sat in a feed (``location``: ``us page 2``) moves from night to night and its votes change. A row of a file
        is keyed with its ``occurrence`` too, which reject of that content in its file it is (1st, 2nd, ...: use
        :class:`FileRejects`): two rows of a file that hold the same text (59 customers without an id) stay two
        rejects, and the same row in a renamed file, or on another line of a whole-history export, has the same
        key. ``location`` (a file and line: ``path:12``, ``path[Sheet]:12``; an item's page) is kept for the
        analyst and is no part of the key (migration 0017)."""
        content = raw if content is None else content
        return cls(cls.key(brand, source, content, occurrence), brand, source, reason, cut_raw(raw), location)

    @staticmethod
    def key(brand: str, source: str, content: str, occurrence: int | None = None) -> str:
        """The ``quarantine_id`` :meth:`of` gives a reject of that ``content`` (and ``occurrence``)."""
        parts = (brand, source, content) if occurrence is None else (brand, source, content, str(occurrence))
        return _digest(parts)[:32]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def clash_content(native_id: str, platform: str) -> str:
    """What keys (:meth:`Reject.of`'s ``content``) the reject of a row whose native id belongs to another platform's
    post: its id and platform (case folded: ``Twitter`` is twitter), not its engagement, which moves between
    look-back nights. The file drop, which finds such a row among its files, and the load, which finds it against
    the warehouse, key it alike, so it is one quarantine row whichever finds it, night after night."""
    return f"id clash:{native_id}\x1f{platform.casefold()}"


def _digest(parts) -> str:
    """sha256 (hex) of text parts joined by the unit separator."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class FileRejects:
    """The rejects of one read of one file (a file drop's, a survey export's, a customer list's), keyed by their
    content and its occurrence (:meth:`Reject.of`): the first reject of a content in the file is its 1st, the next
    with the same content its 2nd, and so on. Rows are counted in the file's order, and rows with the same
    content meet the same rules, so every read of the same rows numbers them alike, wherever the file is, whatever
    its name and on whichever lines they are."""

    def __init__(self):
        self._seen: dict[str, int] = {}

    def __call__(
        self, brand: str, source: str, reason: str, raw: str, location: str, *, content: str | None = None
    ) -> Reject:
        """The reject of one row; ``content``: what the row held, when ``raw`` keeps less of it (cells not shown,
        an unreadable row), so rows that differ there are told apart and a row keeps the key it had before
        0017."""
        content = raw if content is None else content
        seen = _digest((brand, source, content))
        self._seen[seen] = self._seen.get(seen, 0) + 1
        return Reject.of(brand, source, reason, raw, location, occurrence=self._seen[seen], content=content)


# Column types for DuckDB's read_json over staged files; the order matches the dataclasses.
RECORD_COLUMNS = {
    "mention_id": "VARCHAR",
    "brand": "VARCHAR",
    "source": "VARCHAR",
    "source_type": "VARCHAR",
    "native_id": "VARCHAR",
    "kind": "VARCHAR",
    "text": "VARCHAR",
    "created_at": "TIMESTAMPTZ",
    "platform": "VARCHAR",
    "channel": "VARCHAR",
    "author_hash": "VARCHAR",
    "title": "VARCHAR",
    "url": "VARCHAR",
    "rating": "DOUBLE",
    "language": "VARCHAR",
    "engagement": "BIGINT",
    "text_key": "VARCHAR",
    "location": "VARCHAR",
}
REJECT_COLUMNS = {
    "quarantine_id": "VARCHAR",
    "brand": "VARCHAR",
    "source": "VARCHAR",
    "reason": "VARCHAR",
    "raw_record": "VARCHAR",
    "location": "VARCHAR",
}


def mention_id(brand: str, source: str, native_id: str) -> str:
    return hashlib.sha256("\x1f".join((brand, source, native_id)).encode()).hexdigest()[:32]


def key_env(config: Config | None) -> str:
    """The name of the environment variable that holds the author key (``pseudonymisation.key_env``); ``config``
    None: the default, ``BRANDPULSE_AUTHOR_KEY``."""
    spec = getattr(config, "pseudonymisation", None) or PseudonymisationSpec()
    return spec.key_env


# The author key's fingerprint, which the warehouse keeps (pipeline.authorkey): scrypt of the key with a random salt
# the warehouse keeps beside it. Safe to store: it is one-way (nothing in it gives the key back); the salt makes it
# differ from one warehouse to another, so no table of guesses computed once fits two; and testing one guess costs
# a scrypt (16 MiB of memory, about 50 ms), far more than testing it against an author hash of the same warehouse
# whose author is known (one HMAC), so it opens no cheaper way to the key than the hashes it guards. A long random
# key, as the README asks for, can be guessed neither way. 16 bytes: two keys share a fingerprint by chance once
# in 2**128.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 16}


@lru_cache(maxsize=8)
def _fingerprint(key: bytes, salt: str) -> str:
    return hashlib.scrypt(key, salt=bytes.fromhex(salt), **_SCRYPT).hex()  # once per process and salt: 50 ms


class Pseudonymiser:
    """Keyed HMAC-SHA256 of author names and customer ids. The key comes from the environment, never from the
    config file. ``config`` None (a reader used on its own) takes the default variable, ``BRANDPULSE_AUTHOR_KEY``.

    Customer ids get the same hash in the survey responses and in the customer list, so the two join on it. The
    key never leaves this object: the warehouse checks it by its :meth:`fingerprint` (:mod:`pipeline.authorkey`)."""

    def __init__(self, config: Config | None):
        self.key_env = key_env(config)
        if env_value(self.key_env) is None:  # spaces or a newline (a secret file of nothing), as check-config says
            where = getattr(config, "source_file", "config")
            raise ConfigError(
                f"{where}: pseudonymisation.key_env: environment variable {env_shown(self.key_env)} is not set; "
                "authors and customer ids are stored as a keyed hash, so set it to a long random secret (keep it "
                "stable: changing it changes every author and customer hash)"
            )
        # as set, not stripped: the hashes stay those of the key; bytes that are not UTF-8 (a key of random bytes)
        # are the bytes set, as os.environ decoded them, not a UnicodeEncodeError that quotes one of them
        self._key = os.environ[self.key_env].encode("utf-8", "surrogateescape")

    @classmethod
    def if_set(cls, config: Config | None) -> Pseudonymiser | None:
        """The pseudonymiser, or None when its variable is not set (a check of the key before anything is hashed
        leaves an unset key to the step that hashes, which fails as it always did, naming the variable)."""
        return cls(config) if env_value(key_env(config)) is not None else None

    def fingerprint(self, salt: str) -> str:
        """The key's fingerprint with ``salt`` (hex): safe to store (see :data:`_SCRYPT`'s comment)."""
        return _fingerprint(self._key, salt)

    def __call__(self, author: str | None) -> str | None:
        if author is None or not author.strip():
            return None
        return hmac.new(self._key, author.strip().encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


# --- the shared rules ---------------------------------------------------------------------------------------


# Bytes that are not UTF-8, as the surrogateescape error handler decodes them when a file is read
_BAD_BYTES = re.compile("[\udc80-\udcff]")


def has_bad_bytes(value: str) -> bool:
    """Whether a cell read with ``errors="surrogateescape"`` held bytes that are not UTF-8 (one regex search: a
    Python loop over every character was a third of a file drop's read time)."""
    return _BAD_BYTES.search(value) is not None


def blank_line(cells: list[str]) -> bool:
    """A CSV line with nothing on it, or only empty cells (``,,,``): spreadsheets end and pad exports with both."""
    return not any(c.strip() for c in cells)


def _bare(cell) -> str | None:
    """A header cell as its name: without surrounding spaces or a byte-order mark (a joined export's); None for a
    cell that is no text."""
    return cell.lstrip("\ufeff").strip() if isinstance(cell, str) else None


def repeats_header(cells: list, header: list[str]) -> bool:
    """A row that is the file's header row again: exports joined into one file (``cat a.csv b.csv``, or a tool
    that appends each day's export with its header). Compared cell by cell without surrounding spaces, a
    byte-order mark at its start (the second export's) or empty cells at the end (Excel pads some exports).
    Called for every row of a file: a row whose first cell is not the header's is told at once."""

    def first(row: list) -> str | None:
        return _bare(row[0]) if row else None

    def cut(row: list) -> list[str] | None:
        if not all(isinstance(c, str) for c in row):
            return None
        out = [c.strip() for c in row]
        if out:
            out[0] = first(row)
        while out and not out[-1]:
            out.pop()
        return out

    if first(cells) is None or first(cells) != first(header):  # nearly every row: an id, a date, not a name
        return False
    mine, theirs = cut(cells), cut(header)
    return bool(theirs) and mine == theirs


def _names_columns(cells: list, names) -> bool:
    """Whether a row holds each of ``names`` (column names) in a cell of its own, without surrounding spaces or a
    byte-order mark: a header row."""
    found = set(map(_bare, cells))
    return all(name in found for name in names)


def _same_layout(cells: list, header: list[str], names) -> bool:
    """Whether a row holds each of ``names`` (the columns read) in the cell where ``header`` has it, without surrounding
    spaces or a byte-order mark."""

    def cell(i: int) -> str | None:
        return _bare(cells[i]) if i < len(cells) else None

    return all(cell(header.index(name)) == name for name in names if name in header)


def later_header(cells: list, header: list[str], required, read, location: str, same_width: bool = False) -> bool:
    """For a row that is not the file's header again (:func:`repeats_header`) but names the ``required`` columns
    each in a cell of its own: a later export's header, joined into the file (``cat a.csv b.csv``). True when each
    column ``read`` sits where ``header`` has it (a column not read renamed, as vendors do between exports; with
    ``same_width``, and as many cells): its rows read as the first header's, so it is skipped as the header again
    is. :class:`BadExport` when its columns are of another layout (another order): read under the first header, a
    link was stored as a mention's text, a CSAT answer as an NPS. False for any other row."""
    if not _names_columns(cells, required):
        return False
    if (len(cells) == len(header) or not same_width) and _same_layout(cells, header, read):
        return True
    raise BadExport(
        f"{location}: another header row, not the same columns in the same order as the file's first (exports of "
        "two layouts joined into one file): its rows cannot be read under the first header's columns; split the "
        "file there"
    )


_WIDE_MARKS = (  # UTF-32's marks first: UTF-32-LE's starts with UTF-16-LE's
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# What a compressed file or an archive starts with (no text export does: each holds a control byte or one that is no
# UTF-8 text's first): read as text, a gzip'd JSON Lines export was dozens of lines in quarantine and no row, while
# the source read as succeeded, and an .xlsx saved with a .csv name failed as a header to read as cp1250
_PACKED = (
    (b"\x1f\x8b", "gzip-compressed", "decompress it (gunzip) where it is dropped"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one)", "save a workbook as CSV UTF-8, or unzip an archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)", "save it as CSV UTF-8"),
    (b"\xfd7zXZ\x00", "xz-compressed", "decompress it (unxz) where it is dropped"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "decompress it (unzstd) where it is dropped"),
)
_HEAD = 4096  # bytes of a file that check_export looks at


class BadExport(ValueError):
    """An export file no row can be read from (empty, not UTF-8, a header without the mapped columns), named
    with the problem: its source fails (the others go on) and the command line says so without a traceback."""


def check_export(path, text: bool = True) -> None:
    """Refuses, naming the file and the problem, an export no row can be read from, before a reader takes its
    bytes for rows: one that is empty (0 bytes), and for a text export (``text``) one that holds nothing but blank
    lines or a byte-order mark (the first 4 KiB of a small file), or is UTF-16 or UTF-32 (Excel's "Unicode text",
    Qualtrics' legacy TSV), by its byte-order mark or, without one, by its NUL bytes (a quarter of the first 4 KiB
    or more: every other byte of UTF-16 text in a Latin script; UTF-8 text holds none). Read as UTF-8, such a file
    is a header of spaced-out letters and every row in quarantine. A text export that is compressed or an archive
    (gzip, zip or an .xlsx workbook, an .xls one, xz, zstd: by the bytes it starts with) is refused too."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD + 1)
    if not head:
        raise BadExport(f"{path}: the export is empty (0 bytes); an upstream export probably failed")
    if not text:
        return
    packed = next(((what, todo) for mark, what, todo in _PACKED if head.startswith(mark)), None)
    if packed:
        raise BadExport(f"{path}: the file is {packed[0]}, not a text export (CSV or JSON Lines); {packed[1]}")
    encoding = next((name for mark, name in _WIDE_MARKS if head.startswith(mark)), None)
    if encoding or head[:_HEAD].count(0) * 4 >= len(head[:_HEAD]):
        found = (
            f"is {encoding} (it starts with the {encoding} byte-order mark)"
            if encoding
            else (
                "holds NUL bytes (a quarter or more of its first 4 KiB): UTF-16 or UTF-32 text without a byte-order "
                "mark, or not text at all"
            )
        )
        raise BadExport(
            f"{path}: the file {found}, not UTF-8; export or save it as UTF-8 (in Excel: Save As, CSV UTF-8)"
        )
    if len(head) <= _HEAD and not head.removeprefix(b"\xef\xbb\xbf").strip():
        raise BadExport(
            f"{path}: the export holds nothing but blank lines (or a byte-order mark); an upstream export "
            "probably failed"
        )


def bounded_lines(fh, limit: int) -> Iterator[tuple[bytes, int]]:
    """The lines of a binary file as ``(line, size)``, ``size`` the line's bytes without its line break (``\\n`` or
    ``\\r\\n``), holding no more than ``limit`` + 2 bytes of a line: one of up to ``limit`` bytes comes whole with
    its line break, a longer one as ``(its first limit + 2 bytes, its size)``, the rest read through and dropped
    (a file of one line with no line break would otherwise be read into memory whole)."""
    while blob := fh.readline(limit + 2):  # a line of limit bytes and its \r\n
        size, end = len(blob), blob[-2:]
        if not blob.endswith(b"\n") and size > limit:
            while more := fh.readline(1 << 20):
                size, end = size + len(more), (end + more)[-2:]
                if more.endswith(b"\n"):
                    break
        yield blob, size - (2 if end == b"\r\n" else 1 if end.endswith(b"\n") else 0)


def _utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")
SNIFF_BYTES = 64 << 20  # how far into a file :func:`csv_text` looks for its first byte beyond ASCII
SNIFF_SPAN = 64 << 10  # how many bytes from it on it judges (:func:`_utf8_beyond_ascii`)


def _utf8_beyond_ascii(head: bytes, final: bool = False) -> bool:
    """Whether ``head`` (bytes of a file, maybe cut inside a character unless ``final``: the file ends there) holds
    bytes beyond ASCII, most of them UTF-8: the bytes of its UTF-8 characters beyond ASCII more than twice the
    bytes UTF-8 has none for. One pair of cp1250 letters is UTF-8 by chance (the "ÓŁ" of an all-caps "PÓŁ CENY" is
    Cyrillic "ӣ"), and a file so judged by its first pair had every other Polish row quarantined; the letters after
    that pair are not UTF-8. Bytes, not characters: an emoji or a curly quote (4 and 3 bytes) is never a pair of
    cp1252 letters by chance, and a UTF-8 export with a row of stray bytes stays UTF-8 (that row is quarantined;
    read as cp1252, every other row's "’" and emoji were stored as "â€™" and "ðŸ˜€", unsaid)."""
    if head.isascii():
        return False
    decoded = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=final)
    stray = sum("\udc80" <= c <= "\udcff" for c in decoded)  # one per byte UTF-8 has no character for
    utf8 = sum(len(c.encode("utf-8", "surrogateescape")) for c in decoded if not c.isascii()) - stray
    return utf8 > 2 * stray


def _first_beyond_ascii(binary: io.BufferedReader, head: bytes) -> tuple[bytes, bool]:
    """``(bytes, final)``: up to :data:`SNIFF_SPAN` bytes of the file ``binary`` (opened at its start, nothing read
    yet) from its first byte beyond ASCII on, and whether the file ends with them; ``(b"", True)`` when its first
    :data:`SNIFF_BYTES` hold none. Read with ``os.pread``: the file's position, and what its reader reads and
    hashes, stay as they were. A file without a descriptor, or on Windows (whose ``os`` has no ``pread``), is
    judged on ``head``, what it holds read ahead."""
    try:
        fd, pread = binary.fileno(), os.pread  # os.pread: AttributeError on Windows, as for a file without fileno
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both; a file object without one
        found = _BEYOND_ASCII.search(head)
        return (head[found.start() : found.start() + SNIFF_SPAN], False) if found else (b"", True)
    offset = 0
    while offset < SNIFF_BYTES:
        chunk = pread(fd, 1 << 20, offset)
        found = _BEYOND_ASCII.search(chunk)
        if found:
            window = pread(fd, SNIFF_SPAN, offset + found.start())
            return window, len(window) < SNIFF_SPAN
        if len(chunk) < 1 << 20:
            break
        offset += len(chunk)
    return b"", True


def csv_text(binary: io.BufferedReader, encoding: str) -> io.TextIOWrapper:
    """A CSV export's text, from its open ``binary`` file, in the text encoding ``encoding`` (a source's
    ``encoding``): UTF-8's read past a byte-order mark (``utf-8-sig``, as Excel's "CSV UTF-8" starts with one), and
    a file that starts with that mark is UTF-8 whatever ``encoding`` says (a "CSV UTF-8" dropped where Windows-1250
    exports land: read as cp1250, its Polish letters were other letters, with no word), and so is one without the
    mark whose bytes beyond ASCII are mostly UTF-8 from the first on (:func:`_utf8_beyond_ascii`; a Google Sheets,
    LibreOffice or listening tool's export: cp1250 or cp1252 has a character for nearly every byte, so its "ł" was
    "Ĺ‚" in stored texts, again with no word; a Polish or Dutch text in those encodings is practically never valid
    UTF-8). Those bytes are looked for in the
    whole file (its first :data:`SNIFF_BYTES`; :func:`_first_beyond_ascii`), not only in what the open file holds
    read ahead: a UTF-8 export whose first 8 KiB were ASCII was read as cp1250, and a cp1250 one whose first letter
    beyond ASCII was the last byte read ahead was read as UTF-8. Bytes the encoding has no character for are kept
    as surrogate escapes, so that their row is quarantined (:func:`csv_data_rows`)."""
    head = binary.peek(3)
    utf8 = _utf8(encoding) or head[:3].startswith(codecs.BOM_UTF8)
    if not utf8:
        utf8 = _utf8_beyond_ascii(*_first_beyond_ascii(binary, head))
    return io.TextIOWrapper(binary, encoding="utf-8-sig" if utf8 else encoding, errors="surrogateescape", newline="")


DELIMITERS = (",", ";", "\t")  # what ``delimiter: auto`` chooses from
_QUOTED = re.compile(r'"[^"]*(?:"|$)')  # a double-quoted stretch of a line (one left open runs to its end)


def csv_delimiter(line: str, setting: str = "auto") -> str:
    """The delimiter of a CSV file whose first line is ``line``: ``setting`` (a source's ``delimiter``) unless it
    is ``auto``; then the one of ``,`` ``;`` and tab that occurs most often in the line outside double quotes (a
    comma on a tie, or when none does): Excel in Poland or the Netherlands saves "CSV" with semicolons."""
    if setting != "auto":
        return setting
    bare = _QUOTED.sub("", line)
    counts = [bare.count(d) for d in DELIMITERS]
    most = max(counts)
    return DELIMITERS[counts.index(most)] if most and counts.count(most) == 1 else ","


def delimiter_hint(line: str, delimiter: str, field: str) -> str:
    """What an error of a header without a mapped column adds when the header line was split at commas but holds
    a semicolon or a tab (a semicolon-separated export read with ``delimiter: ","``), naming the setting
    ``field``; else nothing."""
    found = next((d for d in (";", "\t") if d in line), None)
    if delimiter != "," or found is None:
        return ""
    what, value = ("semicolons", "';'") if found == ";" else ("tabs", "tab")
    return f"; its header line holds {what} but was split at commas: set {field} to {value} (or auto)"


def encoding_hint(header: list[str], encoding: str, field: str) -> str:
    """What an error of a header without a mapped column adds when the header holds bytes that are not of the
    ``encoding`` it was read in (a Polish Excel's "CSV" in Windows-1250 read as UTF-8: its ``Treść`` column was
    ``Tre\\x9c\\xe6``, and the error said only that ``Treść`` was missing), naming the setting ``field``; else
    nothing."""
    if not any(has_bad_bytes(h) for h in header):
        return ""
    name = "UTF-8" if _utf8(encoding) else codecs.lookup(encoding).name
    return (
        f"; its header holds bytes that are not {name} (shown as \\xNN): set {field} to the file's encoding "
        "(cp1250 for a Polish Excel's CSV, cp1252 for a Dutch one)"
    )


class CsvLines:
    """A text file's lines as ``csv.reader`` reads them (``csv.reader(lines)``), keeping those of the row being
    read, so :func:`csv_data_rows` can read again, line by line, a row that a quote left open ran on through."""

    def __init__(self, fh, path=None):
        self._fh, self._path, self._read = fh, path, 0
        self.taken: list[str] = []
        self.ended = False  # the reader asked for a line after the last: a row still open at the end of the file
        self.encoding = getattr(fh, "encoding", None) or "utf-8"  # what a row's bad bytes are not (_row_problem)
        self._ahead: str | None = None

    def __iter__(self):
        return self

    def peek(self) -> str:
        """The next line, read ahead (the reader still gets it): the header line ``delimiter: auto`` looks at."""
        if self._ahead is None:
            self._ahead = self._fh.readline(MAX_FIELD + 1)
        return self._ahead

    def __next__(self) -> str:
        line, self._ahead = self._ahead, None
        if line is None:
            line = self._fh.readline(MAX_FIELD + 1)  # never more of a line in memory: a file with no line break
        if not line:
            self.ended = True
            raise StopIteration
        self._read += 1
        if len(line) > MAX_FIELD and not line.endswith(("\n", "\r")):
            raise BadExport(  # a failed source, as an export no row can be read from; no traceback from the CLI
                f"{self._path}: line {self._read} runs over {MAX_FIELD} characters without a line break: not a CSV "
                "file that can be read row by row (a binary file, or one whose rows are not on lines of their own?)"
            )
        self.taken.append(line)
        return line


def csv_reader(fh, path, delimiter: str = "auto"):
    """``(csv.reader, CsvLines)`` over the text file ``fh``, split at ``delimiter`` (a source's setting; ``auto``
    picks it from the file's first line: :func:`csv_delimiter`). Every line read again on its own
    (:func:`csv_data_rows`) is split with the reader's dialect, so at the same delimiter."""
    lines = CsvLines(fh, path)
    return csv.reader(lines, delimiter=csv_delimiter(lines.peek(), delimiter)), lines


def csv_data_rows(
    reader, lines: CsvLines, path, width: int, row_like=None
) -> Iterator[tuple[str, list[str] | None, str | None, str]]:
    """The rows of a ``csv.reader`` over ``lines``, after its header row, as ``(location, cells, problem, text)``:
    ``location`` is ``path:line``; ``problem`` is None for a row that can become a record, else why not (the row
    is not CSV: ``cells`` is None; its bytes are not UTF-8; it has other than ``width`` fields); ``text`` is the
    row's lines (without their line ends) when there is a problem (what the row held, for its reject's key), else
    empty. Rows that ``blank_line(cells)`` says are empty are skipped. The one row reader of the file drops and the
    survey importer.

    A row of several lines that is not CSV, has the wrong number of fields, was still open at the end of the file,
    or has a later line that is a whole row on its own (``width`` fields) is most likely a quote left open
    (``"12"" screen``) that ran on through the lines after it, up to the end of the file, the field size limit or
    another quote: each of its lines is read again on its own (a row, or a problem of its own), and the first
    problem of them says which lines had run together. (A quoted cell that truly spans lines, such as a comment
    with line breaks, stays one cell unless one of its lines reads as a whole row: ``width`` fields, and
    ``row_like(cells)`` where the caller gives it, e.g. a readable time in the created_at column, so a comment line
    with the header's number of commas is not taken for a row.)"""
    while True:
        first = reader.line_num + 1
        lines.taken.clear()
        try:
            cells, problem = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:
            cells, problem = None, f"unreadable CSV row: {exc}"
        if cells is not None and blank_line(cells):
            continue
        if reader.line_num > first and (
            cells is None
            or len(cells) != width
            or lines.ended
            or _swallowed(lines.taken, reader.dialect, width, row_like)
        ):
            what = f"one row of {len(cells)} fields" if cells is not None else "one unreadable row"
            what += " to the end of the file" if lines.ended else ""
            note = f"lines {first}-{reader.line_num} ran together as {what} (a quote left open?); each was read alone"
            for number, line in enumerate(list(lines.taken), first):
                try:
                    cells, problem = _line_cells(line, reader.dialect), None
                except csv.Error as exc:
                    cells, problem = None, f"unreadable CSV row: {exc}"
                if cells is not None and blank_line(cells):
                    continue
                problem = problem or _row_problem(cells, width, lines.encoding)
                if problem and note:
                    problem, note = f"{problem}; {note}", None
                yield f"{path}:{number}", cells, problem, line.rstrip("\r\n") if problem else ""
            continue
        problem = problem or _row_problem(cells, width, lines.encoding)
        if lines.ended and not problem:  # a quoted cell still open at the end: the file cut, or still being written
            problem = "the file ends inside this row's quoted cell (cut, still being written, or a quote left open)"
        yield f"{path}:{first}", cells, problem, "\n".join(t.rstrip("\r\n") for t in lines.taken) if problem else ""


def time_at(at: int, parse=None):
    """A ``row_like`` for :func:`csv_data_rows`: whether a line's cell ``at`` reads as a time with ``parse`` (one
    argument; default :func:`parse_utc`), so a line of a multi-line text is not taken for a row of its own."""

    def like(cells: list[str]) -> bool:
        try:
            (parse or parse_utc)(cells[at])
        except Exception:  # Rejected, or a value no rule foresaw: not a time either way
            return False
        return True

    return like


def _swallowed(taken: list[str], dialect, width: int, row_like=None) -> bool:
    """Whether a line after the first of a row of several lines is a whole row of ``width`` fields on its own
    (and ``row_like``, when given): the sign of rows that an open quote ran together although the result had the
    header's width. A line with an odd number of quote characters closes (or opens) a quoted cell, so it is part of
    a cell that truly spans lines ("Great app.\nFast, cheap, simple, and reliable"), not a row of its own. So is
    every line of a row that is well-formed CSV (csv's strict reading: each quoted cell closed where a cell ends),
    as a listening tool writes a post of several lines: a quote left open is closed by a later cell's opening
    quote, which a cell's text follows. (Split, a post quoting a row-like line lost its row and stored that line
    as a mention of its own, its id, time and engagement whatever the post's author wrote.)"""
    try:
        if len(list(csv.reader(taken, dialect, strict=True))) == 1:
            return False
    except csv.Error:
        pass
    for line in taken[1:]:
        if line.count(dialect.quotechar or '"') % 2:
            continue
        try:
            cells = _line_cells(line, dialect)
        except csv.Error:
            continue
        if len(cells) == width and (row_like is None or row_like(cells)):
            return True
    return False


def _line_cells(line: str, dialect) -> list[str]:
    """The cells of one physical line read as a CSV row on its own (raises csv.Error)."""
    return next(csv.reader([line.rstrip("\r\n")], dialect), [])


def _row_problem(cells: list[str], width: int, encoding: str = "utf-8") -> str | None:
    if any(has_bad_bytes(c) for c in cells):  # bytes the file's encoding has no character for
        return f"row is not valid {'UTF-8' if _utf8(encoding) else codecs.lookup(encoding).name}"
    if len(cells) != width:
        return f"row has {len(cells)} fields, the header has {width}"
    return None


def escape_raw(raw: str) -> str:
    """Raw text made safe to store: undecodable bytes (held as surrogates) become \\xNN, lone surrogates \\uNNNN."""
    raw = _BAD_BYTES.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", raw)
    return raw.encode("utf-8", "backslashreplace").decode("utf-8")


def cut_raw(raw: str) -> str:
    """A raw record as quarantine keeps it: at most :data:`MAX_RAW` characters, with a note of what was cut."""
    return raw if len(raw) <= MAX_RAW else raw[:MAX_RAW] + f"…[truncated: {len(raw) - MAX_RAW} more characters]"


def raw_json(item) -> str:
    """Any raw item as text (JSON for objects), escaped (:func:`escape_raw`); :meth:`Reject.of` cuts it."""
    raw = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, default=str)
    return escape_raw(raw)


UNREADABLE = "<unreadable row: not kept>"  # the raw record of a row that could not be read into cells


# -- which cell values a reason may quote ---------------------------------------------------------------------
# A CSV row whose shifts cancel out (a cell too many in one place, one too few in another) has the header's
# width, so it is read as a row with its cells under the wrong columns: the author's name can land in created_at.
# So a reason quotes a cell only when it looks like what its column holds, and else describes it (its length and
# the kinds of character in it); a raw record keeps such a cell of a typed column as that description too.


@dataclass(frozen=True)
class Looks:
    """What the values of a kind of column look like, for :func:`shown`: a value is shown when it is at most
    :data:`MAX_SHOWN` characters and it is a placeholder (:data:`PLACEHOLDERS`), one of ``alone``, matches
    ``pattern``, holds no letter at all (digits and punctuation), or holds a digit and only letters of ``words``
    (``13 Oct 2026 9:00 PM``, ``1e3``). A name is none of these, except a name that is one of ``alone``."""

    words: frozenset[str] = frozenset()
    alone: frozenset[str] = frozenset()
    pattern: str | None = None

    def shows(self, value) -> bool:
        shown = str(value).strip()
        if len(shown) > MAX_SHOWN:
            return False
        low = shown.casefold()
        if low in PLACEHOLDERS or low in self.alone or (self.pattern and re.fullmatch(self.pattern, shown)):
            return True
        letters = _LETTERS.findall(low)
        return not letters or (_DIGIT.search(shown) is not None and all(w in self.words for w in letters))


MAX_SHOWN = 60
PLACEHOLDERS = frozenset({"n/a", "na", "none", "null", "nil", "nan", "tbd", "unknown", "true", "false"})
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_MONTHS = "january february march april may june july august september october november december sept"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday tues thur thurs"
_TIME_WORDS = "t z am pm a p m utc gmt st nd rd th of cet cest est edt cst cdt mst mdt pst pdt bst"
TIME = Looks(
    words=frozenset(f"{_MONTHS} {_DAYS} {_TIME_WORDS}".split()) | {w[:3] for w in f"{_MONTHS} {_DAYS}".split()},
    alone=frozenset({"yesterday", "today", "tomorrow", "now"}),
)
NUMBER = Looks(
    words=frozenset({"e"}),
    alone=frozenset("zero one two three four five six seven eight nine ten inf infinity -inf".split()),
)
ZONE = Looks(words=frozenset({"utc", "gmt"}), pattern=r"[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|[A-Z]{2,5}")
ID = Looks(pattern=r"(?=.*\d)[\w:./\-]+")  # an id with a digit in it, without spaces
_KINDS = (("letters", _LETTERS), ("digits", _DIGIT), ("spaces", re.compile(r"\s")), ("other", re.compile(r"[^\w\s]|_")))


def shown(value, looks: Looks) -> str:
    """A cell value as a reason quotes it: ``'2026-13-01'`` when it looks like a value of its column
    (:class:`Looks`), else :func:`described`."""
    return repr(str(value).strip()) if looks.shows(value) else described(value)


def described(value) -> str:
    """A value not shown, by its length and the kinds of character in it: ``[not shown: 8 characters: letters,
    spaces]``. Two values alike in both read the same."""
    value = str(value).strip()
    kinds = ", ".join(name for name, kind in _KINDS if kind.search(value))
    return f"[not shown: {len(value)} characters{': ' + kinds if kinds else ''}]"


# An address starts where a run of its characters does: the same matches, but tried from every start inside a long
# cell without an @ (a review in Japanese, no spaces, read as a header) it was quadratic: 80,000 characters took 35 s
_AN_ADDRESS = re.compile(r"(?<![^@\s])[^@\s]+@[^@\s]+\.\w+")


def header_cells(header: list, limit: int = 40, quote=str) -> str:
    """The cells of a header row as an error that misses a mapped column in it lists them (``quote``: each cell's
    form; at most ``limit``). A header row that looks like a row of data (a file without its header row: a cell
    that is a number, a time or an e-mail address) may hold a name or a customer id, which is never written to a
    log or a table: its cells are :func:`described`, and the list says what the row looks like."""
    cells = [str(h) for h in header[:limit]]
    more = ", …" if len(header) > limit else ""

    def value_like(cell: str) -> bool:
        digits = len(_DIGIT.findall(cell))  # a time has two at least: 'T1' or 'Q1' is a question's column
        time_like = digits > 1 and TIME.shows(cell)
        return bool(digits and NUMBER.shows(cell)) or time_like or bool(_AN_ADDRESS.search(cell))

    if any(value_like(c) for c in cells):
        listed = ", ".join(described(c) for c in cells) + more
        return f"{listed} (a row of data, not a header: does the file lack its header row?)"
    return ", ".join(quote(c) for c in cells) + more


def withheld(row: dict, typed: dict[str, Looks]) -> dict:
    """``row`` with each text cell of a ``typed`` column (column: what its values look like) that does not look
    like one :func:`described` instead: the raw record a quarantine keeps of a rejected row, which may have
    shifted under its header."""
    hidden = {
        column: described(row[column])
        for column, looks in typed.items()
        if column and isinstance(row.get(column), str) and not looks.shows(row[column])
    }
    return {**row, **hidden} if hidden else row


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate alone (JSON's "\\ud83d" without its pair; a valid pair is one character once decoded): not
text. A record's text holding one is rejected (:func:`text`); the scorer replaces it with U+FFFD."""


def text(value, what: str | None = None) -> str | None:
    """A text cell: None when empty or whitespace only; NUL characters dropped; JSON objects refused. ``what``: the
    column a refusal names (a file drop's author or link column too, not "text")."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise Rejected(f"{what + ': ' if what else ''}expected text, got a JSON {type(value).__name__}")
    out = str(value)
    if LONE_SURROGATE.search(out):
        raise Rejected(f"{what or 'text'} holds an invalid unicode escape (a lone surrogate)")
    out = out.replace("\x00", "")
    return out if out.strip() else None


def in_range(moment: datetime, what: str) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise Rejected(f"{what} {moment.isoformat()[:32]} is outside {EARLIEST.year}-{LATEST.year - 1}")
    return moment


def parse_utc(
    value,
    what: str = "created_at",
    *,
    tz: tzinfo = UTC,
    formats: tuple[str, ...] = (),
    first: str | None = None,
    unix: bool = True,
    noun: str | None = "timestamp",
    exact: bool = False,
) -> datetime:
    """An aware UTC datetime from a datetime, a date, Unix seconds (``unix``), or text: ``first`` (a strptime
    format), then ISO-8601, then each of ``formats``. Naive values are read in ``tz``, except a date without a
    time of day (a ``date``, ``2026-10-13``, a format without hours): that calendar day, at 00:00 UTC, so it
    stays on its own day (read as midnight in Berlin it would be 22:00 UTC the day before). In the hour the clocks
    go back, written twice, a naive time is the first (summer-time) one; in the hour they skip in spring it is read
    with the offset before the change (02:30 in Warsaw is 01:30 UTC, 03:30 summer time), or, with ``exact``,
    refused: no clock in ``tz`` showed it. Raises :class:`Rejected` when the value is empty, unreadable or outside
    ``[EARLIEST, LATEST)``."""
    if isinstance(value, bool):
        raise Rejected(f"{what} {value!r} is not a timestamp")
    date_only = False
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment, date_only = datetime.combine(value, datetime.min.time()), True
    elif isinstance(value, int | float) and unix:
        return in_range(_from_unix(value, what), what)
    else:
        raw = text(value) if not isinstance(value, int | float) else str(value)
        if raw is None:
            raise Rejected(f"{what} is empty")
        raw = raw.strip()
        moment = _strptime(raw, first) if first else None
        date_only = moment is not None and not _has_time(first)
        if moment is None:
            try:
                moment = datetime.fromisoformat(raw)
                date_only = _ISO_DATE.fullmatch(raw) is not None
            except ValueError:
                for fmt in formats:
                    moment = _strptime(raw, fmt)
                    if moment is not None:
                        date_only = not _has_time(fmt)
                        break
        if moment is None and unix:
            try:
                return in_range(_from_unix(int(raw) if raw.isdigit() else float(raw), what), what)
            except Rejected:  # (a ValueError too: caught first)
                if _UNIX_TEXT.fullmatch(raw):  # a number in a text cell (CSV): its own reason, as in JSON (Unix ms)
                    raise
            except ValueError:
                pass
        if moment is None:
            readable = "a date and time this source can read"
            expected = f"an ISO-8601 {noun}" if noun and not formats and not first else readable
            raise Rejected(f"{what} {shown(raw, TIME)} is not {expected}")
    naive = moment.tzinfo is None
    if naive:
        moment = moment.replace(tzinfo=UTC if date_only else tz)
    try:
        utc = in_range(moment.astimezone(UTC), what)
    except OverflowError:
        raise Rejected(f"{what} {moment!s:.32} is outside {EARLIEST.year}-{LATEST.year - 1}") from None
    if exact and naive and utc.astimezone(moment.tzinfo).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise NoSuchLocalTime(
            f"{what} {moment:%Y-%m-%d %H:%M:%S} is no time in {tz} (the hour its clocks skip in spring); "
            "give the time with its UTC offset",
            utc,
        )
    return utc


def parse_day(value, what: str, fmt: str | None = None) -> date:
    """A calendar date (``fmt`` a strptime format, else ISO-8601), inside the same range as :func:`parse_utc`."""
    raw = text(value)
    if raw is None:
        raise Rejected(f"{what} is empty")
    raw = raw.strip()
    try:
        day = datetime.strptime(raw, fmt).date() if fmt else _iso_day(raw)
    except ValueError:
        raise Rejected(f"{what} {shown(raw, TIME)} is not a date" + (f" in the form {fmt}" if fmt else "")) from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise Rejected(f"{what} {day} is outside {EARLIEST.year}-{LATEST.year - 1}")
    return day


def _iso_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return datetime.fromisoformat(raw).date()


def _from_unix(seconds: float, what: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        raise Rejected(f"{what} {seconds!r} is not a Unix time in seconds") from None


_UNIX_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?")  # what a Unix time written as text looks like

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")  # ISO-8601 calendar dates fromisoformat reads, no time


def _has_time(fmt: str | None) -> bool:
    """Whether a strptime format reads a time of day."""
    return fmt is not None and any(d in fmt for d in ("%H", "%I", "%M", "%S", "%p", "%X", "%c", "%T", "%R"))


def _strptime(raw: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(raw, fmt)
    except ValueError:
        return None


_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d+,\d{1,2}\s*")  # "4,5": a Polish or Dutch export's decimal mark (not 1,000)


def number(value, what: str, low: float, high: float) -> float | None:
    """A finite number in ``[low, high]``; None when empty. A decimal comma is read as a point (``4,5``, as a
    Polish or Dutch Excel writes a rating), but not before three digits (``1,000``: a thousands group)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise Rejected(f"{what} {value!r} is not a number")
    try:
        out = float(value.replace(",", ".") if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value) else value)
    except (TypeError, ValueError, OverflowError):
        raise Rejected(f"{what} {shown(value, NUMBER)} is not a number") from None
    if not (math.isfinite(out) and low <= out <= high):
        raise Rejected(f"{what} {shown(value, NUMBER)} is outside {low:g}-{high:g}")
    return out


_THOUSANDS_POINT = re.compile(r"\+?([1-9]\d{0,2})\.000")  # "1.000": a thousand where the decimal mark is a comma
# "1 234", "12 345 678": thousands grouped by a space (a Polish, Dutch or French spreadsheet's no-break or narrow
# no-break space too), which no decimal mark is: one count, where every post of 1,000 likes or more was quarantined
_GROUP_SPACE = "[ \u00a0\u202f\u2009]"
_THOUSANDS_SPACE = re.compile(rf"\+?[1-9]\d{{0,2}}(?:{_GROUP_SPACE}\d{{3}})+")


def count(value, what: str, high: int = MAX_COUNT) -> int:
    """A whole number in ``[0, high]``; an empty cell counts 0. A whole number written as a float (JSON's
    ``12.0``, "12.0" from a spreadsheet's float column) is one; 12.5 is not, nor is "1.000" (a thousand in a
    Dutch, Polish or German export, 1 in an English one: refused as ambiguous, as "1,000" is refused). Thousands
    grouped by spaces ("1 234", "1\u00a0234": no decimal mark is a space) are read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise Rejected(f"{what} {value!r} is not a whole number")
    if isinstance(value, int):
        out = value
    else:
        text = str(value).strip()
        if _THOUSANDS_SPACE.fullmatch(text):
            text = re.sub(_GROUP_SPACE, "", text)
        try:
            out = int(text)
        except ValueError:
            if thousands := _THOUSANDS_POINT.fullmatch(str(value).strip()):
                n = int(thousands.group(1))
                raise Rejected(f"{what} {shown(value, NUMBER)} is ambiguous: {n * 1000}, or {n}?") from None
            try:
                whole = float(str(value).strip())
            except ValueError:
                whole = math.nan
            if not (math.isfinite(whole) and whole.is_integer()):
                raise Rejected(f"{what} {shown(value, NUMBER)} is not a whole number") from None
            out = int(whole)
    if out < 0:
        raise Rejected(f"{what} {out} is negative")
    if out > high:  # the cell as written: 1e30 read as a whole number is 31 digits
        raise Rejected(f"{what} {shown(value, NUMBER)} is over {high:.0e}")
    return out


# Below this probability (py3langid's, normalised over its languages) a detection is a guess, not a language: of the
# demo's 3,200 posts, 27 of the 33 detected under it were wrong ("NOVABANK FFS" Slovenian, "Novabank = pain"
# Lithuanian, "Parcelo 📦❤️" Xhosa); the other 6 ("Brewbird run ☕" English) are unknown with them
MIN_LANGUAGE_CONFIDENCE = 0.1


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # its model loads here (0.3 s): only sources that
    # read text pay for it

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True, min_confidence=MIN_LANGUAGE_CONFIDENCE)


def detect_language(body: str) -> str | None:
    """ISO 639-1 code from py3langid (its model ships in the wheel), on the first 1,000 characters without
    their links and @handles; None for a text with fewer than 3 letters left ("ok", "@brand ?", a bare link),
    one py3langid finds no language in (its "zxx"), or one it gives no language a probability of
    :data:`MIN_LANGUAGE_CONFIDENCE` (its "und": "refund pls" was Danish, "super" Latin, "no refund" Esperanto, and
    their words then read by that language's rules). A text mostly in capitals is read in lower case
    (py3langid's counts are of lower-case text: "WSZYSTKO DOSZŁO W IDEALNYM STANIE" came out Galician,
    "EMAILED PARCELO 2 TIMES" Nigerian Pidgin); a link's letters counted among them kept a Polish post in
    capitals in upper case, read as "zxx", and "@brand ?" was Afrikaans."""
    sample = " ".join(LINKS_AND_HANDLES.sub(" ", body[:1000]).split())
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 3:
        return None
    if sum(ch.isupper() for ch in sample) * 2 > letters:
        sample = sample.lower()
    language = _language_identifier().classify(sample)[0]
    return None if language in ("zxx", "und") else language
