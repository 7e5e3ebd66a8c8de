"""File drop: CSV or JSONL exports of mentions and reviews, mapped by configurable column names.

Every row becomes a :class:`~pipeline.sources.Record` or, when it cannot be read, a
:class:`~pipeline.sources.Reject` with the reason and the raw row (bytes that are not UTF-8 are kept as
``\\xNN`` escapes). Rows created outside the window are skipped silently: they belong to another night. A row whose time
cannot be read belongs to no night, so every night that reads the file quarantines it again; the quarantine
table keeps it once.

Rules (each broken rule quarantines the row with that reason):

- ``native_id`` and ``created_at`` are required; ``created_at`` is ISO-8601 (a time without offset is taken as
  UTC) or Unix seconds;
- the text may not be empty or whitespace only (a review with an empty body but a title keeps the title);
- ``rating`` must be a number from 1 to 5 for reviews (0 to 10 for anything else);
- ``engagement`` columns must be non-negative integers (an empty cell counts 0);
- a field may hold up to 16 MiB; a 1 MB review loads whole (the scorer's long-text policy applies).

A file that cannot be opened at all (missing, unreadable) fails the task, so the run table shows it.
"""

from __future__ import annotations

import csv
import glob
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import py3langid

from pipeline.config import Brand, Config, FileDropSource
from pipeline.sources import Pseudonymiser, Record, Reject, Window, mention_id

MAX_FIELD = 16 * 1024 * 1024
csv.field_size_limit(MAX_FIELD)


class RowError(ValueError):
    """A row that breaks a rule; the message is the quarantine reason."""


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _escape(raw: str) -> str:
    """Raw text with undecodable bytes (held as surrogates) written as \\xNN escapes."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def parse_time(value) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError("created_at is empty")
    if isinstance(value, bool):
        raise RowError(f"created_at {value!r} is not a timestamp")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise RowError(f"created_at {value!r} is not a timestamp")
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except (ValueError, OverflowError, OSError):
            raise RowError(f"created_at {text[:60]!r} is not an ISO-8601 timestamp") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise RowError(f"expected text, got a JSON {type(value).__name__}")
    text = str(value)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise RowError("text holds an invalid unicode escape (a lone surrogate)")
    text = text.replace("\x00", "")
    return text if text.strip() else None


def _number(value, field: str, low: float, high: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(f"{field} {str(value)[:40]!r} is not a number") from None
    if not (math.isfinite(number) and low <= number <= high):
        raise RowError(f"{field} {value!r} is outside {low:g}-{high:g}")
    return number


def _count(value, field: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RowError(f"{field} {str(value)[:40]!r} is not a whole number") from None
    if number < 0:
        raise RowError(f"{field} {number} is negative")
    return number


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from py3langid (its model ships in the wheel), on the first 1,000 characters."""
    sample = text[:1000]
    if sum(ch.isalpha() for ch in sample) < 3:
        return None
    return py3langid.classify(sample)[0]


class FileDrop:
    source_type = "file_drop"

    def __init__(self, config: Config, brand: Brand, spec: FileDropSource, pseudonymise: Pseudonymiser):
        self.config, self.brand, self.spec, self.pseudonymise = config, brand, spec, pseudonymise

    def files(self) -> list[Path]:
        pattern = str(self.config.resolve(self.spec.path))
        found = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not found:
            raise FileNotFoundError(
                f"{self.config.source_file}: brand {self.brand.key!r} source "
                f"{self.spec.name!r}: no file matches path {self.spec.path!r} ({pattern})"
            )
        return found

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        for path in self.files():
            fmt = self.spec.format
            if fmt == "auto":
                fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"
            rows = self._csv_rows(path) if fmt == "csv" else self._jsonl_rows(path)
            for location, raw, row in rows:
                if isinstance(row, RowError):
                    yield self._reject(str(row), raw, location)
                    continue
                try:
                    record = self._record(row, window)
                except RowError as exc:
                    yield self._reject(str(exc), raw, location)
                    continue
                if record is not None:
                    yield record

    def _reject(self, reason: str, raw: str, location: str) -> Reject:
        return Reject.of(self.brand.key, self.spec.name, reason, raw, location)

    def _csv_rows(self, path: Path) -> Iterator[tuple[str, str, dict | RowError]]:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:  # -sig: Excel BOM
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"{path}:1", "", RowError(f"unreadable CSV header: {exc}")
                return
            missing = [c for c in self._required_columns() if c not in header]
            if missing:
                raise ValueError(
                    f"{path}: CSV header lacks the mapped column(s) {', '.join(missing)}; "
                    f"it has {', '.join(header)} (see columns: in {self.config.source_file})"
                )
            while True:
                line = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield f"{path}:{line}", "", RowError(f"unreadable CSV row: {exc}")
                    continue
                raw = _escape(json.dumps(dict(zip(header, cells, strict=False)), ensure_ascii=False))
                location = f"{path}:{line}"
                if any(_has_bad_bytes(c) for c in cells):
                    yield location, raw, RowError("row is not valid UTF-8")
                elif len(cells) != len(header):
                    yield location, raw, RowError(f"row has {len(cells)} fields, the header has {len(header)}")
                else:
                    yield location, raw, dict(zip(header, cells, strict=True))

    def _jsonl_rows(self, path: Path) -> Iterator[tuple[str, str, dict | RowError]]:
        with path.open("rb") as fh:
            for number, blob in enumerate(fh, 1):
                location = f"{path}:{number}"
                if not blob.strip():
                    continue
                if len(blob) > MAX_FIELD:
                    yield (
                        location,
                        blob[:2000].decode("utf-8", "backslashreplace"),
                        RowError(f"line is {len(blob)} bytes, over the {MAX_FIELD}-byte limit"),
                    )
                    continue
                try:
                    text = blob.decode("utf-8")
                except UnicodeDecodeError:
                    yield (
                        location,
                        blob.decode("utf-8", "backslashreplace").rstrip("\r\n"),
                        RowError("line is not valid UTF-8"),
                    )
                    continue
                raw = text.rstrip("\r\n")
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield location, raw, RowError(f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                if not isinstance(row, dict):
                    yield location, raw, RowError(f"expected a JSON object, got {type(row).__name__}")
                    continue
                yield location, raw, row

    def _required_columns(self) -> list[str]:
        cols = self.spec.columns
        return [cols.native_id, cols.text, cols.created_at]

    def _record(self, row: dict, window: Window) -> Record | None:
        """The row as a record; None when it was created outside the window (another night reads it)."""
        cols, kind = self.spec.columns, self.spec.kind
        get = lambda name: row.get(name) if name else None  # noqa: E731
        created = parse_time(get(cols.created_at))
        if created not in window:
            return None
        native_id = _text(get(cols.native_id))
        if native_id is None:
            raise RowError(f"{cols.native_id} (native id) is empty")
        native_id = native_id.strip()
        title = _text(get(cols.title))
        text = _text(get(cols.text)) or title
        if text is None:
            raise RowError(f"{cols.text} (text) is empty")
        low, high = (1, 5) if kind == "review" else (0, 10)
        rating = _number(get(cols.rating), cols.rating or "rating", low, high)
        engagement = sum(_count(get(c), c) for c in cols.engagement) if cols.engagement else None
        language = (_text(get(cols.language)) or "").strip().lower()[:8] or detect_language(text)
        platform = (_text(get(cols.platform)) or "").strip() or self.spec.platform or self.source_type
        url = (_text(get(cols.url)) or "").strip() or None
        return Record(
            mention_id=mention_id(self.brand.key, self.spec.name, native_id),
            brand=self.brand.key,
            source=self.spec.name,
            source_type=self.source_type,
            native_id=native_id,
            kind=kind,
            text=text,
            created_at=created.isoformat(),
            platform=platform,
            channel=(_text(get(cols.channel)) or "").strip() or None,
            author_hash=self.pseudonymise(_text(get(cols.author))),
            title=title if title != text else None,
            url=url,
            rating=rating,
            language=language,
            engagement=engagement,
        )
