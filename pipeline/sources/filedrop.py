"""File drop: CSV or JSONL exports of mentions and reviews, mapped by configurable column names.

Every row becomes a :class:`~pipeline.sources.Record` or, when it cannot be read, a
:class:`~pipeline.sources.Reject` with the reason and the raw row as JSON (bytes not of its ``encoding`` are kept as
``\\xNN`` escapes; the mapped author cell is replaced by its keyed hash, so quarantine holds no names: in a CSV row
with more or fewer cells than the header, whose cells may have shifted under any column, every cell is; in a row of
the header's width, a created_at, rating or engagement cell that does not look like one, which may be a name shifted
there, is described instead (its length and kinds of character), and so is it in the reason; a line that is not a
JSON object is not kept: ``UNREADABLE``, its location says where to look). Rows created outside the window belong to
another night, and rows of a platform not in ``platforms`` (compared without regard to case) to another source: they
are skipped, and a note for the extract step's detail counts each kind (one created before the window's start is
read by no later night, only by a backfill of its day). A row whose time cannot be read belongs to no night, so
every night that reads the file quarantines it again; the quarantine table keeps it once, keyed by its content and
which occurrence of that content in its file it is (:class:`~pipeline.records.FileRejects`): rows with the same
cells are each kept, and the same row in a renamed file or on another line is found again, not added.

Rules (each broken rule quarantines the row with that reason):

- ``native_id`` and ``created_at`` are required; ``created_at`` is ISO-8601 (a time without offset is taken as
  UTC, or in the source's ``timezone``: in the hour its clocks repeat, the first pass; one in the hour they skip
  is refused, by the night whose window holds it) or Unix seconds, or first ``timestamp_format`` (a strptime
  format) when the source sets one; a native id in scientific notation (``1.84467E+18``: Excel's rounding of a
  long id, which gives many posts one id) is refused;
- the text may not be empty or whitespace only (a review with an empty body but a title keeps the title);
- ``rating`` must be a number from 1 to 5 for reviews (0 to 10 for anything else; a decimal comma is read: ``4,5``);
- ``engagement`` columns must be non-negative whole numbers (an empty cell counts 0; 12.0 is 12, 2.5 is rejected,
  and so is 1.000: a thousand in a Dutch or Polish export, or 1?);
- a text may be up to 4 MiB (a 1 MB review loads whole; the scorer's long-text policy applies); a JSONL line
  or CSV field up to 8 MiB; raw records kept in quarantine are cut at 1 MiB characters, with a note;
- blank lines are skipped, as are CSV rows of only empty cells (``,,,``: spreadsheet padding), and so is a CSV
  row that is the header again (exports joined into one file: :func:`~pipeline.records.repeats_header`; counted
  in the note; a header row of another layout fails the source, below); a CSV row with extra cells keeps them
  (``_extra_cells``, hashed) in its raw record;
- a CSV row that a quote left open ran on through the lines after it is read again line by line (each line a
  row or a reject; the first reject says which lines ran together: :func:`~pipeline.records.csv_data_rows`);
- a native id is unique within the source (a mention id carries no platform): the first row of an id in the
  source's files keeps it, and a row of another platform with it is quarantined, keyed by its id and platform
  (:func:`~pipeline.records.clash_content`), unless it is the same post (the same created_at and text) under another
  label. The files are read so that the id stored wins: those loaded before first, the earliest loaded first, then
  the new ones, files first loaded by the same read in the order of their paths. The load checks against the
  warehouse what this cannot (a stored row's file gone from the folder, or renamed): :mod:`pipeline.load`.

A file that is missing, empty (0 bytes), blank, UTF-16 or UTF-32, compressed or an archive (gzip, zip: an .xlsx
saved with a .csv name; :func:`~pipeline.records.check_export`), has a repeated or missing mapped header column (one
named with spaces around it is that column), a later header row naming the native id, text and created_at columns
that is not the first one again (exports of two layouts joined; one that differs only in columns not read is
skipped as the first one again: :func:`~pipeline.records.later_header`), a CSV line over ``MAX_FIELD``
characters with no line break, or is JSON and not JSON Lines (a ``.json`` export that is one array, or objects
printed over several lines), fails the source, so the run table shows it as missing.
A JSON Lines line over ``MAX_FIELD`` bytes (its line break not counted) is quarantined, only its first
``MAX_FIELD`` + 2 bytes read (:func:`~pipeline.records.bounded_lines`).

State: for each file, its fingerprint (sha256 of its bytes, of the brand's and the source's config and of this
code's version), the windows it was loaded for with that fingerprint (the last ``KEEP_WINDOWS``) and its ``order``
(the read that first loaded it, counting the reads that found new files; 0 for a file loaded before orders were
kept). A night whose files were all loaded for the same window with the same fingerprints does not re-read them:
the state is stored in the load's transaction, so their rows and rejects are in the warehouse already (a re-run
night costs a hash of each file, not a parse). The run's extract step says so (``unchanged since loaded``). When
one file is new or changed, all are read, so that its native ids are checked against every other file's. A file
whose bytes read differ from those hashed before the read (rewritten in place meanwhile) is stored with the
fingerprint of the bytes read: a re-run reads the file as it is then, not taking it for the content loaded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import __version__
from pipeline.config import BrandSpec, Config, ConfigError, FileDropSpec
from pipeline.files import PatternTooWide, matching_files
from pipeline.records import (
    EXCEL_ID,
    ID,
    MAX_FIELD,
    NUMBER,
    PLAUSIBLE_AHEAD,
    TIME,
    UNREADABLE,
    BadExport,
    FileRejects,
    NoSuchLocalTime,
    Pseudonymiser,
    Record,
    Reject,
    Rejected,
    Window,
    bounded_lines,
    check_export,
    clash_content,
    count,
    csv_data_rows,
    csv_reader,
    csv_text,
    delimiter_hint,
    encoding_hint,
    escape_raw,
    has_bad_bytes,
    header_cells,
    later_header,
    number,
    parse_utc,
    repeats_header,
    shown,
    text,
    time_at,
    withheld,
)
from pipeline.sources.base import PLAUSIBLE_FROM, Source

MAX_TEXT_BYTES = 4 * 1024 * 1024  # a longer text is quarantined (the scorer reads head and tail anyway)
SKIPS = ("other_platform", "before_window", "after_window", "repeated_header")  # skipped rows, counted in a note
KEEP_WINDOWS = 7  # per file in the state: a re-run of any of the last week's nights skips an unchanged file
NOTED_FILES = 3  # unchanged files named one note each; more are one note naming the first few
# A language tag's or locale's primary language ("pl" of "pl-PL", "pl_PL.UTF-8"; "zh" of "zh-Hans"): the code the
# detector stores, that analysts and the report's terms read (a name, "Polish", is kept as written)
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?=[-_.@]|$)")
# A file's first line that opens a JSON array of objects ("[" alone, "[{...": a .json export, pretty or not) or an
# object it does not close ("{" alone: JSON printed over several lines): no JSON Lines file starts so
_JSON_ARRAY = re.compile(rb"\s*(?:\[\s*(?:\{|$)|\{\s*$)")


class FileDrop(Source):
    source_type = "file_drop"
    platform = "file_drop"

    def __init__(self, config: Config, brand: BrandSpec, spec: FileDropSpec, pseudonymise: Pseudonymiser):
        super().__init__(config, brand, spec, pseudonymise)
        self._zone: tzinfo = ZoneInfo(spec.timezone) if spec.timezone else UTC  # a naive created_at's zone

    def files(self) -> list[Path]:
        pattern = str(self.config.resolve(self.spec.path))
        try:
            found = matching_files(pattern)
        except PatternTooWide as exc:
            raise ConfigError(f"{self.config.source_file}: {self.field('path')}: {exc}") from None
        if not found:
            raise FileNotFoundError(
                f"{self.config.source_file}: brand {self.brand.key!r} source "
                f"{self.spec.name!r}: no file matches path {self.spec.path!r} ({pattern})"
            )
        for path in found:  # its rows' locations and the source's state name it, and are UTF-8 (JSON)
            if has_bad_bytes(str(path)):
                shown_path = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise BadExport(
                    f"{shown_path}: the file's name is not UTF-8 (bytes another system's encoding wrote); rename it "
                    f"(brand {self.brand.key!r} source {self.spec.name!r} reads no file until then)"
                )
        return found

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        loaded = self.previous_state.get("loaded") or {}
        self.state = {"loaded": {}}
        key = f"{window.start.isoformat()}/{window.end.isoformat()}"
        # The files loaded before come first, the earliest loaded first (their rows may be stored, and the id stored
        # wins, as in the load), then the new ones; those first loaded by the same read in the order of their paths
        new = 1 + max((entry.get("order", 0) for entry in loaded.values()), default=0)
        order = {p: (loaded[str(p)].get("order", 0) if str(p) in loaded else new) for p in self.files()}
        paths, unchanged = sorted(order, key=lambda p: (order[p], p)), []
        for path in paths:
            check_export(path)
            fingerprint = self._fingerprint(path)
            before = loaded.get(str(path)) or {}
            windows = list(before.get("windows") or []) if before.get("fingerprint") == fingerprint else []
            self.state["loaded"][str(path)] = {
                "fingerprint": fingerprint,
                "windows": ([w for w in windows if w != key] + [key])[-KEEP_WINDOWS:],
                "order": order[path],
            }
            unchanged.append(key in windows)
        if all(unchanged):  # every file's rows and rejects are in the warehouse already
            sha = {p: self.state["loaded"][str(p)]["fingerprint"][:12] for p in paths}
            if len(paths) <= NOTED_FILES:
                self.notes += [f"{p.name} unchanged since loaded for this window (sha256 {sha[p]})" for p in paths]
            else:  # one note, not one per file: a folder of 2,000 exports made the extract's XCom 300 KB
                shown = ", ".join(f"{p.name} (sha256 {sha[p]})" for p in paths[:NOTED_FILES])
                self.notes.append(f"{len(paths):,} files unchanged since loaded for this window: {shown}, ...")
            return
        # one changed: all are read, as a native id is checked against the rows of every file of the source
        self._platforms = {p.casefold() for p in self.spec.platforms}  # 'Twitter' is twitter
        self._first_of: dict[str, tuple[str, Path, bytes | None]] = {}  # native id -> its first row's platform,
        # file and post (_post)
        skipped = []  # (file name, its skipped rows): past NOTED_FILES, one note of their sums, as for unchanged files
        for path in paths:
            fmt = self.spec.format
            if fmt == "auto":
                fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
            rows = self._csv_rows(path) if fmt == "csv" else self._jsonl_rows(path)
            self._rejects = FileRejects()  # by content and occurrence: two bad rows alike are two rejects
            self._skipped = dict.fromkeys(SKIPS, 0)
            self._file = path
            self._read = self._seeded()  # the fingerprint of the bytes the rows are read from (_open)
            for location, raw, content, row in rows:
                if isinstance(row, Rejected):
                    yield self._reject(str(row), raw, content, location)
                    continue
                try:
                    record = self._record(row, window, location)
                except IdClash as exc:  # keyed by its id and platform, as the load keys such a row (not by content)
                    raw = self._redacted(row)[0]
                    yield Reject.of(self.brand.key, self.spec.name, str(exc), raw, location, content=exc.content)
                    continue
                except Rejected as exc:
                    yield self._reject(str(exc), *self._redacted(row), location)
                    continue
                except Exception as exc:  # a value no rule foresaw: quarantine the row, never fail the source
                    # (its message is not kept: it may quote a cell, which may be a name under a shifted header)
                    reason = f"unreadable row ({type(exc).__name__}: a value no rule foresaw)"
                    yield self._reject(reason, *self._redacted(row), location)
                    continue
                if record is not None:
                    yield record
            if any(self._skipped.values()):
                skipped.append((path.name, self._skipped))
            entry = self.state["loaded"][str(path)]
            if self._read.hexdigest() != entry["fingerprint"]:  # rewritten since hashed: those bytes were not loaded
                entry.update(fingerprint=self._read.hexdigest(), windows=[key])
        if len(skipped) <= NOTED_FILES:
            self.notes += [self._skip_note(name, counts, window) for name, counts in skipped]
        else:  # a folder of daily exports: every older file has rows before the window, a note each grew the XCom
            sums = {k: sum(counts[k] for _, counts in skipped) for k in SKIPS}
            shown = ", ".join(name for name, _ in skipped[:NOTED_FILES])
            self.notes.append(self._skip_note(f"{len(skipped):,} files ({shown}, ...)", sums, window))

    def _skip_note(self, name: str, skipped: dict[str, int], window: Window) -> str:
        """What the extract step says of a file's skipped rows (they are in no record and no reject)."""
        other, before, after, headers = (skipped[k] for k in SKIPS)
        parts = [f"{other} of another platform than {', '.join(self.spec.platforms)}"] if other else []
        if headers:
            parts.append(f"{headers} repeating the header row (exports joined into one file)")
        if before:
            parts.append(
                f"{before} created before the window's start, {window.start:%Y-%m-%d %H:%M} UTC "
                "(no later night reads them: only a backfill of their day)"
            )
        if after:
            parts.append(f"{after} created from the window's end on (a later night reads them)")
        return f"{name} rows skipped: {'; '.join(parts)}"

    def _fingerprint(self, path: Path) -> str:
        """sha256 of what decides the file's records: its bytes, the brand's and this source's config, the code."""
        digest = self._seeded()
        with path.open("rb") as fh:
            hashlib.file_digest(fh, lambda: digest)
        return digest.hexdigest()

    def _seeded(self):
        """A sha256 of what decides a file's records but its bytes (:meth:`_fingerprint`), to add them to."""
        return hashlib.sha256(f"{__version__}\n{self.brand.model_dump_json()}\n".encode())

    def _open(self, path: Path) -> io.BufferedReader:
        """The file, read in binary, each byte read added to the fingerprint of the bytes read (``_read``)."""
        return io.BufferedReader(_Hashing(path.open("rb", buffering=0), self._read))

    def _reject(self, reason: str, raw: str, content: str, location: str) -> Reject:
        return self._rejects(self.brand.key, self.spec.name, reason, raw, location, content=content)

    def _redacted(self, row: dict) -> tuple[str, str]:
        """The raw row as quarantine keeps it (JSON), and what its key hashes. In both the author is replaced by
        its keyed hash: the quarantine never holds names. The raw record keeps the mapped columns only, as a survey
        row's does (an export's columns the config does not read, a "Full name", an "E-mail", an "IP", were kept in
        clear), and describes instead of keeping a text cell of created_at, rating or an engagement column that does
        not look like one (a name: the cells of a row whose shifts cancel out lie under the wrong columns;
        :func:`~pipeline.records.withheld`); the key hashes the whole row before both, so the row keeps the key it
        had before 0017."""
        author, cols = self.spec.columns.author, self.spec.columns
        if author and isinstance(row.get(author), str):
            row = {**row, author: self._hashed(row[author])}
        elif author and row.get(author) is not None:  # a JSON author that is no text ({"name": ...}, a number)
            row = {**row, author: self._hashed(json.dumps(row[author], ensure_ascii=False, sort_keys=True))}
        typed = {cols.created_at: TIME, cols.rating: NUMBER, **dict.fromkeys(cols.engagement or (), NUMBER)}
        content = escape_raw(json.dumps(row, ensure_ascii=False))
        mapped = self._mapped_columns
        kept = withheld({k: v for k, v in row.items() if k in mapped}, typed)
        return escape_raw(json.dumps(kept, ensure_ascii=False)), content

    def _hashed(self, cell: str) -> str:
        """``hmac:<keyed hash>`` of a cell that may hold a name; an empty cell stays as it is."""
        return f"hmac:{self.pseudonymise(cell)}" if cell.strip() else cell

    def _redacted_line(self, blob: bytes) -> tuple[str, str]:
        """A JSONL line quarantined whole (too long, not UTF-8), as :meth:`_redacted` when it still reads as a
        JSON object (bad bytes shown as U+FFFD), so its author is hashed too; else not kept (UNREADABLE), keyed by
        the line (bytes escaped)."""
        try:
            row = json.loads(blob.decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            row = None
        if isinstance(row, dict):
            return self._redacted(row)
        return UNREADABLE, blob.decode("utf-8", "backslashreplace").rstrip("\r\n")  # not kept: see _jsonl_rows

    def _csv_rows(self, path: Path) -> Iterator[tuple[str, str, str, dict | Rejected]]:
        """The rows of a CSV file as ``(location, raw, content, row)``: ``row`` a dict of the cells by header, or
        :class:`Rejected` with the problem, ``raw`` and ``content`` then what quarantine keeps and what its key
        hashes (:meth:`_reject`)."""
        with csv_text(self._open(path), self.spec.encoding) as fh:
            reader, lines = csv_reader(fh, path, self.spec.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise BadExport(f"{path}: unreadable CSV header: {exc}") from None
            mapped = self._mapped_columns
            # a mapped column named with spaces around it ("post_id ,body "): its column, as the survey importer
            # reads such a header (it failed the source every night); the other cells keep their names, which
            # their rows' rejects' keys hash
            header = [h.strip() if h.strip() in mapped else h for h in header]
            missing = [c for c in mapped if c not in header]
            if missing:  # an optional one too: a renamed likes column would count every row's engagement 0
                raise BadExport(
                    f"{path}: CSV header lacks the mapped column(s) {', '.join(missing)}; "
                    f"it has {header_cells(header, len(header), escape_raw)} "
                    f"(see {self.field('columns')} in {self.config.source_file})"
                    + delimiter_hint(lines.taken[0], reader.dialect.delimiter, self.field("delimiter"))
                    + encoding_hint(header, lines.encoding, self.field("encoding"))
                )
            dupes = sorted({h for h in header if h in mapped and header.count(h) > 1})  # others are not read:
            if dupes:  # Excel's trailing empty columns ("...,,") are no problem
                raise BadExport(f"{path}: CSV header repeats the mapped column(s) {', '.join(dupes)}")
            at, fmt, tz = header.index(self.spec.columns.created_at), self.spec.timestamp_format, self._zone
            like = time_at(at, lambda v: parse_utc(v, first=fmt, tz=tz))
            required = (self.spec.columns.native_id, self.spec.columns.text, self.spec.columns.created_at)
            for location, cells, problem, text in csv_data_rows(reader, lines, path, len(header), row_like=like):
                if cells is None:
                    yield location, UNREADABLE, text, Rejected(problem)  # no cells: nothing redacted can be kept
                    continue
                if repeats_header(cells, header):  # exports joined into one file: no row, nothing lost
                    self._skipped["repeated_header"] += 1
                    continue
                if later_header(cells, header, required, mapped, location, same_width=True):  # a column not read
                    self._skipped["repeated_header"] += 1  # renamed: its rows read as line 1's
                    continue
                if len(cells) != len(header):
                    # Its cells are shifted against the header (an unquoted comma, a cut row), by an amount no
                    # rule can know: any cell may hold the author's name, so every one is kept as its hash
                    hashed = [self._hashed(c) for c in cells]
                    row = dict(zip(header, hashed, strict=False))
                    if len(cells) > len(header):
                        row["_extra_cells"] = hashed[len(header) :]
                    raw = escape_raw(json.dumps(row, ensure_ascii=False))
                    yield location, raw, raw, Rejected(problem)
                    continue
                row = dict(zip(header, cells, strict=False))
                yield (location, *self._redacted(row), Rejected(problem)) if problem else (location, "", "", row)

    def _jsonl_rows(self, path: Path) -> Iterator[tuple[str, str, str, dict | Rejected]]:
        """The lines of a JSON Lines file, as :meth:`_csv_rows` its rows."""
        with self._open(path) as fh:
            first = True
            for number, (blob, size) in enumerate(bounded_lines(fh, MAX_FIELD), 1):
                location = f"{path}:{number}"
                if blob.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark: the file's, or another
                    blob = blob[3:]  # export's, where exports were joined (cat a.jsonl b.jsonl)
                if not blob.strip():
                    continue
                if first and _JSON_ARRAY.match(blob):  # JSON over many lines: each line was a junk reject, no row
                    raise BadExport(  # was read, and the next nights quarantined the same lines again
                        f"{path}: line {number} starts a JSON array, or an object that goes on over the next lines: "
                        "the file is JSON, not JSON Lines (one object per line), so no line of it is a row; export "
                        "it as JSON Lines (NDJSON), e.g. jq -c '.[]' FILE > FILE.jsonl for an array, "
                        "jq -c . FILE > FILE.jsonl for objects printed over several lines"
                    )
                first = False
                if size > MAX_FIELD:  # a line cut short is no JSON object: not kept (UNREADABLE), keyed by its start
                    problem = Rejected(f"line is {size} bytes, over the {MAX_FIELD}-byte limit")
                    yield location, *self._redacted_line(blob), problem
                    continue
                try:
                    text = blob.decode("utf-8")
                except UnicodeDecodeError:
                    yield location, *self._redacted_line(blob), Rejected("line is not valid UTF-8")
                    continue
                raw = text.rstrip("\r\n")
                # A line that is not a JSON object is not kept (UNREADABLE, as a CSV row that cannot be read into
                # cells): its author cannot be found to hash, and the quarantine never holds names. Its key hashes
                # the line; its location says where to look.
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield location, UNREADABLE, raw, Rejected(f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                except (ValueError, RecursionError) as exc:  # thousands of digits; nesting deeper than Python's stack
                    yield location, UNREADABLE, raw[:2000], Rejected(f"invalid JSON: {exc}"[:200])
                    continue
                if not isinstance(row, dict):
                    yield location, UNREADABLE, raw, Rejected(f"expected a JSON object, got {type(row).__name__}")
                    continue
                yield location, "", "", row

    @cached_property
    def _mapped_columns(self) -> list[str]:
        """Every column the config maps, in the config's order (``columns:``): read once, not for each reject."""
        named = [c for v in self.spec.columns.model_dump().values() for c in (v if isinstance(v, list) else [v])]
        return list(dict.fromkeys(c for c in named if c))

    def _record(self, row: dict, window: Window, location: str) -> Record | None:
        """The row as a record; None when it is skipped: another platform, outside the window (counted)."""
        cols, kind = self.spec.columns, self.spec.kind
        get = lambda name: row.get(name) if name else None  # noqa: E731
        cell = lambda name: text(get(name), name)  # noqa: E731  a text cell; a refusal names its column
        named = (cell(cols.platform) or "").strip() or self.spec.platform  # the row's, else the source's
        if self.spec.platforms and (named or "").casefold() not in self._platforms:
            self._skipped["other_platform"] += 1
            return None  # another source reads this platform directly (and quarantines its bad rows)
        platform = named or self.source_type
        native_id = (cell(cols.native_id) or "").strip()
        try:
            created = parse_utc(get(cols.created_at), first=self.spec.timestamp_format, tz=self._zone, exact=True)
            unreadable = None
        except NoSuchLocalTime as exc:  # a time its zone skips: quarantined by the night whose window holds it
            created, unreadable = exc.moment, exc
        except Rejected as exc:  # raised once the row has claimed its id, as any row does
            created, unreadable = None, exc
        # A mention id carries no platform, so one id on two platforms would merge into one mention: the first row of
        # the id in the source's files (in the order fetch reads them; whatever the night's window, so every night
        # picks the same) keeps it, another platform's row with it is quarantined when its night reads it, unless it
        # is the same post (a relabel: `x` for `twitter`).
        first = self._first_of.get(native_id) if native_id else None
        if native_id and first is None:
            post = None if created is None else self._post(row, created)
            self._first_of[native_id] = (platform.casefold(), self._file, post)
        if created is None:
            raise unreadable
        if created > max(datetime.now(UTC), window.end) + PLAUSIBLE_AHEAD:  # a mistyped year: no later night reads it
            raise Rejected(f"{cols.created_at} {created:%Y-%m-%d %H:%M:%S} UTC is in the future")
        if created < PLAUSIBLE_FROM:  # a placeholder (0, a year alone read as Unix seconds), as the network sources'
            raise Rejected(
                f"{cols.created_at} {created:%Y-%m-%d %H:%M:%S} UTC is implausible (before {PLAUSIBLE_FROM:%Y})"
            )
        if created not in window:
            self._skipped["before_window" if created < window.start else "after_window"] += 1
            return None
        if unreadable is not None:
            raise unreadable
        if not native_id:
            raise Rejected(f"{cols.native_id} (native id) is empty")
        if EXCEL_ID.fullmatch(native_id):
            raise Rejected(
                f"{cols.native_id} (native id) {shown(native_id, NUMBER)} is a number in scientific notation, as "
                "Excel saves a long id: its digits are lost, so it cannot tell this post from others; export the "
                "column as text"
            )
        owner, where, post = first or (platform.casefold(), self._file, None)
        if owner != platform.casefold() and (post is None or post != self._post(row, created)):
            where = "this file" if where == self._file else where.name
            raise IdClash(
                f"{cols.native_id} (native id) {shown(native_id, ID)} is also the id of a {owner} row of {where}: "
                f"the ids of one source must be unique, so this {platform} row is quarantined rather than merged into "
                "it",
                native_id,
                platform,
            )
        title = cell(cols.title)
        body = cell(cols.text) or title
        if body is None:
            raise Rejected(f"{cols.text} (text) is empty")
        if len(body) > MAX_TEXT_BYTES // 4 and len(body.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
            raise Rejected(f"{cols.text} (text) is over {MAX_TEXT_BYTES // 1024 // 1024} MiB")
        low, high = (1, 5) if kind == "review" else (0, 10)
        rating = number(get(cols.rating), cols.rating or "rating", low, high)
        engagement = sum(count(get(c), c) for c in cols.engagement) if cols.engagement else None
        language = (cell(cols.language) or "").strip().lower()
        tag = LANGUAGE_TAG.match(language)
        language = tag.group() if tag else language[:8]
        if language in ("", "und"):  # none given, or "und" (undetermined): detected from the text
            language = None
        url = (cell(cols.url) or "").strip() or None
        return self.record(
            native_id,
            kind,
            body,
            created,
            platform=platform,
            channel=(cell(cols.channel) or "").strip() or None,
            author_hash=self.pseudonymise(cell(cols.author)),
            title=title if title != body else None,
            url=url,
            rating=rating,
            language=language,
            engagement=engagement,
            location=location,
        )

    def _post(self, row: dict, created: datetime) -> bytes | None:
        """Which post a row is, to tell one post under two platform labels (a relabel: ``x`` for ``twitter``; not a
        clash) from two posts that share an id: a hash (16 bytes an id in the registry) of its created_at and text,
        as its record would hold them (the load compares the same: ``ingest/mentions.sql``); None when its text
        cannot be read."""
        cols = self.spec.columns
        try:
            body = text(row.get(cols.text)) or (text(row.get(cols.title)) if cols.title else None)
        except Rejected:
            return None
        post = f"{created.isoformat()}\x1f{body or ''}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(post).digest()[:16]


class IdClash(Rejected):
    """A row whose native id an earlier row of another platform holds. Its reject is keyed by its id and platform
    (:func:`~pipeline.records.clash_content`), as the load keys a row whose id is stored for another platform, so
    the row is one quarantine row whichever of the two finds it."""

    def __init__(self, reason: str, native_id: str, platform: str):
        super().__init__(reason)
        self.content = clash_content(native_id, platform)


class _Hashing(io.RawIOBase):
    """A binary file that adds each byte read to ``digest``."""

    def __init__(self, raw, digest):
        self._raw, self._digest = raw, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        self._digest.update(memoryview(buffer)[:n])
        return n

    def fileno(self) -> int:  # records.csv_text looks for the file's first byte beyond ASCII with os.pread
        return self._raw.fileno()

    def close(self) -> None:
        self._raw.close()
        super().close()
