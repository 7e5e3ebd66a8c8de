"""Sources turn the outside world into normalised records for one brand over one time window.

The contract every source keeps:

- ``fetch(brand, window)`` yields :class:`Record` (a mention or review created inside ``[window.start,
  window.end)``) and :class:`Reject` (input that could not be understood, with the reason and the raw record).
- ``native_id`` is the id the source itself gives an item, so re-reading a window yields the same keys and the
  warehouse upsert makes re-runs idempotent.
- Authors are pseudonymised with :func:`pseudonymise` before a record leaves the source.

:func:`build_source` picks the implementation for a configured source.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from pipeline.config import Brand, Config, ConfigError, FileDropSource


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
    def of(cls, brand: str, source: str, reason: str, raw: str, location: str | None = None) -> Reject:
        digest = hashlib.sha256("\x1f".join((brand, source, raw)).encode("utf-8", "surrogatepass")).hexdigest()
        return cls(digest[:32], brand, source, reason, raw, location)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


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


class Pseudonymiser:
    """Keyed HMAC-SHA256 of author names. The key comes from the environment, never from the config file."""

    def __init__(self, config: Config):
        env = config.pseudonymisation.key_env
        key = os.environ.get(env, "")
        if not key:
            raise ConfigError(
                f"{config.source_file}: pseudonymisation.key_env: environment variable {env} is not set; "
                "authors are stored as a keyed hash, so set it to a long random secret (keep it stable: "
                "changing it changes every author hash)"
            )
        self._key = key.encode()

    def __call__(self, author: str | None) -> str | None:
        if author is None or not author.strip():
            return None
        return hmac.new(self._key, author.strip().encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def build_source(config: Config, brand: Brand, source_name: str):
    """The source object for ``brand``'s configured source ``source_name``."""
    for spec in brand.sources:
        if spec.name == source_name:
            if isinstance(spec, FileDropSource):
                from pipeline.sources.filedrop import FileDrop

                return FileDrop(config, brand, spec, Pseudonymiser(config))
    raise ConfigError(f"{config.source_file}: brand {brand.key!r} has no source named {source_name!r}")
