"""Sources turn the outside world into normalised records for one brand over one time window.

The contract every source keeps:

- ``fetch(brand, window)`` yields :class:`Record` (a mention or review created inside ``[window.start,
  window.end)``) and :class:`Reject` (input that could not be understood, with the reason and the raw record).
- ``native_id`` is the id the source itself gives an item, so re-reading a window yields the same keys and the
  warehouse upsert makes re-runs idempotent.
- Authors are pseudonymised with :class:`Pseudonymiser` before a record leaves the source.
- A source may read its ``previous_state`` (loaded from the warehouse's ``source_state`` table) and leave a new
  ``state`` (a cursor or watermark) and ``warnings`` (e.g. a listing that hit Reddit's 1,000-item cap). The
  load step stores the state in the same transaction as the rows, so state never runs ahead of the data.
- A source that cannot do its job raises (:class:`SourceError` for a clear reason): its own task fails and the
  night goes on for the other sources.

:func:`build_source` picks the implementation for a configured source.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from pipeline.config import Brand, Config, ConfigError


class SourceError(RuntimeError):
    """A source could not read its window; the message says why, without secrets."""


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
    "text_key": "VARCHAR",
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


class Source:
    """Base class of the network sources: the brand's alias matcher, state, warnings and record building."""

    source_type = "source"
    platform = "web"
    url_env: str | None = None  # environment variable that overrides the spec's base_url (tests, proxies)

    def __init__(self, config: Config, brand: Brand, spec, pseudonymise: Pseudonymiser):
        from pipeline.sources.relevance import AliasMatcher

        self.config, self.brand, self.spec, self.pseudonymise = config, brand, spec, pseudonymise
        self.matcher = AliasMatcher(brand)
        self.previous_state: dict = {}
        self.state: dict = {}
        self.warnings: list[str] = []

    @property
    def base_url(self) -> str:
        """The API's base URL: ``$<url_env>`` when set, else the spec's ``base_url``."""
        return ((self.url_env and os.environ.get(self.url_env)) or self.spec.base_url).rstrip("/")

    def fetch(self, window: Window):  # pragma: no cover - interface
        raise NotImplementedError

    def record(self, native_id: str, kind: str, text: str, created_at: datetime, **fields) -> Record:
        """A :class:`Record` of this source, with its stable ``mention_id`` and a detected language if none given."""
        from pipeline.sources.filedrop import detect_language

        if fields.get("language") is None:
            fields["language"] = detect_language(text)
        fields.setdefault("platform", self.platform)
        return Record(
            mention_id=mention_id(self.brand.key, self.spec.name, native_id),
            brand=self.brand.key,
            source=self.spec.name,
            source_type=self.source_type,
            native_id=native_id,
            kind=kind,
            text=text,
            created_at=created_at.astimezone(UTC).isoformat(),
            **fields,
        )

    def reject(self, reason: str, raw, location: str | None = None) -> Reject:
        raw = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        return Reject.of(self.brand.key, self.spec.name, reason, raw[:1_000_000], location)


_IMPLEMENTATIONS = {
    "file_drop": ("pipeline.sources.filedrop", "FileDrop"),
    "reddit": ("pipeline.sources.reddit", "RedditSource"),
    "app_store": ("pipeline.sources.appstore", "AppStoreSource"),
    "google_play": ("pipeline.sources.googleplay", "GooglePlaySource"),
    "hackernews": ("pipeline.sources.hackernews", "HackerNewsSource"),
}


def build_source(config: Config, brand: Brand, source_name: str):
    """The source object for ``brand``'s configured source ``source_name``."""
    import importlib

    for spec in brand.sources:
        if spec.name == source_name:
            module, cls = _IMPLEMENTATIONS[spec.type]
            return getattr(importlib.import_module(module), cls)(config, brand, spec, Pseudonymiser(config))
    raise ConfigError(f"{config.source_file}: brand {brand.key!r} has no source named {source_name!r}")
