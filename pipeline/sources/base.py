"""The base class of every source: the brand's alias matcher, state, warnings, and building records.

:meth:`Source.record` is the one place a :class:`~pipeline.records.Record` is built, so the ranges of
:mod:`pipeline.records` (time, rating, engagement) are checked there for every source; an item that breaks
one raises :class:`~pipeline.records.Rejected`, which the source turns into a reject with :meth:`Source.reject`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import requests

from pipeline import http, records
from pipeline.config import BrandSpec, Config
from pipeline.deadline import Deadline
from pipeline.http import SourceError
from pipeline.records import Pseudonymiser, Record, Reject, Window
from pipeline.sources.relevance import AliasMatcher

__all__ = ["Source", "SourceError"]


class Source:
    """Base class of the sources. Subclasses set ``source_type``, ``platform`` and implement :meth:`fetch`."""

    source_type = "source"
    platform = "web"
    url_env: str | None = None  # environment variable that overrides the spec's base_url (tests, proxies)

    def __init__(self, config: Config, brand: BrandSpec, spec, pseudonymise: Pseudonymiser):
        self.config, self.brand, self.spec, self.pseudonymise = config, brand, spec, pseudonymise
        self.matcher = AliasMatcher(brand)
        self.previous_state: dict = {}
        self.state: dict = {}
        self.warnings: list[str] = []  # what cut the night's read short (the extract step is then "truncated")
        self.notes: list[str] = []  # what the extract step should say besides (e.g. a file skipped as unchanged)

    @property
    def base_url(self) -> str:
        """The API's base URL: ``$<url_env>`` when set, else the spec's ``base_url``."""
        return ((self.url_env and os.environ.get(self.url_env)) or self.spec.base_url).rstrip("/")

    def fetch(self, window: Window):  # pragma: no cover - interface
        raise NotImplementedError

    @contextmanager
    def http_session(self) -> Iterator[requests.Session]:
        """A network source's HTTP session (:func:`pipeline.http.session`): the spec's ``timeout_s`` and
        ``retries``, and every request of this read ended by the spec's ``deadline_s`` (``session.deadline``)."""
        with Deadline(self.spec.deadline_s) as deadline:
            with http.session(self.spec.timeout_s, self.spec.retries, deadline=deadline) as session:
                yield session

    def record(
        self, native_id: str, kind: str, text: str, created_at: datetime, *, window: Window | None = None, **fields
    ) -> Record | None:
        """A :class:`Record` of this source, with its stable ``mention_id`` and a detected language if none
        given. Raises :class:`~pipeline.records.Rejected` when a value is out of range.

        With ``window``, an item created outside it is checked all the same (a bad value still raises) but gives
        None: a feed read newest first hands over a page of which the night keeps a few, and detecting the
        language of the rest (most of an extract's time in the store sources) was wasted."""
        records.in_range(created_at.astimezone(UTC), "created_at")
        if fields.get("engagement") is not None:
            fields["engagement"] = records.count(fields["engagement"], "engagement")
        if fields.get("rating") is not None:
            fields["rating"] = records.number(fields["rating"], "rating", 0, 10)
        if window is not None and created_at not in window:
            return None
        if fields.get("language") is None:
            fields["language"] = records.detect_language(text)
        fields.setdefault("platform", self.platform)
        return Record(
            mention_id=records.mention_id(self.brand.key, self.spec.name, native_id),
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
        """A reject of this network source, keyed by its content (:meth:`Reject.of`: its page in a feed moves from
        night to night, and the item holds its own id); ``raw`` is kept as text (JSON for objects), escaped and cut
        to MAX_RAW. A file drop keys its rejects by content and occurrence (:class:`~pipeline.records.FileRejects`).
        """
        return Reject.of(self.brand.key, self.spec.name, reason, records.raw_json(raw), location)
