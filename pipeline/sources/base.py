"""The base class of every source: the brand's alias matcher, state, warnings, and building records.

:meth:`Source.record` is the one place a :class:`~pipeline.records.Record` is built, so the ranges of
:mod:`pipeline.records` (time, rating, engagement) are checked there for every source; an item that breaks
one raises :class:`~pipeline.records.Rejected`, which the source turns into a reject with :meth:`Source.reject`.

For the network sources' newest-first listings: :func:`implausible` (a time no item of the feed can have, such
as a placeholder epoch 0), :class:`NewestFirst` (when a listing has reached back past the window's start, by
the position of its items, and whether it was out of order) and :func:`identity` (what a reject is keyed on).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import requests

from pipeline import http, records
from pipeline.config import BrandSpec, Config, field_path
from pipeline.deadline import Deadline
from pipeline.http import SourceError
from pipeline.records import PLAUSIBLE_AHEAD, Pseudonymiser, Record, Reject, Window
from pipeline.sources.relevance import AliasMatcher

__all__ = ["NewestFirst", "Source", "SourceError", "identity", "implausible"]

PLAUSIBLE_FROM = datetime(2000, 1, 1, tzinfo=UTC)  # before every feed read here (the App Store opened in 2008)
STOP_RUN = 3  # items in a row older than the window's start that end a newest-first listing


def implausible(created: datetime, window: Window) -> str | None:
    """Why a network item cannot have been made at ``created`` (a quarantine reason), or None: before
    :data:`PLAUSIBLE_FROM` (a placeholder such as epoch 0, a device clock reset) or more than
    :data:`PLAUSIBLE_AHEAD` after both now and the window's end. Such an item falls in no window, so it would be
    lost without a trace, and one dated 1970 would look like the end of a newest-first listing."""
    if created < PLAUSIBLE_FROM:
        return f"time {created.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC is implausible (before {PLAUSIBLE_FROM.year})"
    if created > max(datetime.now(UTC), window.end) + PLAUSIBLE_AHEAD:
        return f"time {created.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC is implausible (in the future)"
    return None


class NewestFirst:
    """Where a newest-first listing stands against ``[start, end)``, from the times of its items in the order
    they came (:meth:`see` each plausible one; quarantined items are not seen). Times are datetimes, or Unix
    seconds (Reddit's), like ``start`` and ``end``; ``what`` names the listing in the warning.

    :attr:`reached_start`: the last :data:`STOP_RUN` items seen in a row were older than ``start``, so the rest of
    the listing is too. It is decided by position, not by the oldest time seen: one item dated far back in the
    middle of a page (out of order) does not end the listing. :attr:`disorder`: a warning when an item of the
    window came after an older one, so the listing is not in the order the stop relies on (part of the window may
    lie beyond where it stopped), else None."""

    def __init__(self, start, end, what: str):
        self.start, self.end, self.what = start, end, what
        self.run = 0
        self.older = None  # the first item older than start
        self.disorder: str | None = None

    def see(self, created, repeat: bool = False) -> None:
        """The next item's time. ``repeat``: an item read before (Google's pages overlap, and countries share
        reviews); it is no disorder (the overlap serves again, after an older review, one of the window read
        before it), but it stands where it is in this listing, so one of the window ends the run as any does: a
        country whose page repeats another's, three older reviews scattered on it, had stopped there."""
        if created < self.start:
            self.run += 1
            self.older = created if self.older is None else self.older
            return
        self.run = 0
        if repeat:
            return
        if created < self.end and self.older is not None and self.disorder is None:
            self.disorder = (
                f"{self.what}: not newest first (an item from {_when(created)} came after one from "
                f"{_when(self.older)}, before the window); items of the window after where the listing stopped "
                "may not have been read"
            )

    @property
    def reached_start(self) -> bool:
        return self.run >= STOP_RUN


def _when(moment) -> str:
    moment = datetime.fromtimestamp(moment, UTC) if isinstance(moment, int | float) else moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def identity(native_id, payload) -> str:
    """What a network reject is keyed on (:meth:`Source.reject`): ``id:<native id>`` when the item has one, else
    ``payload`` (the item without the counters that move between reads: votes, points, comment counts, a search's
    highlights) as canonical JSON. Its whole raw item is stored all the same."""
    if isinstance(native_id, str | int) and not isinstance(native_id, bool) and str(native_id).strip():
        return f"id:{str(native_id).strip()}"
    return "payload:" + json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)


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
        self.watch_run = False  # a watch run's read (set by pipeline.staging): fresh items, the night reconciles
        self.warnings: list[str] = []  # what cut the night's read short (the extract step is then "truncated")
        self.notes: list[str] = []  # what the extract step should say besides (e.g. a file skipped as unchanged)

    def field(self, name: str) -> str:
        """Where ``name`` of this source's settings sits in the config (``brands[3].sources[0].columns``), for the
        errors that name it."""
        i = next((k for k, b in enumerate(self.config.brands) if b.key == self.brand.key), None)
        j = next((k for k, src in enumerate(self.brand.sources) if src.name == self.spec.name), None)
        if i is None or j is None:
            return f"brand {self.brand.key!r} source {self.spec.name!r}: {name}"
        return field_path(("brands", i, "sources", j, name))

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
        language of the rest (most of an extract's time in the store sources) was wasted.

        A text field holding a lone surrogate (an API's JSON ``"\\ud83d"``, an emoji cut in half) is rejected, as
        :func:`~pipeline.records.text` rejects a file's cell: it cannot be written as UTF-8, so staging it failed
        the whole source."""
        for name, value in (("native_id", native_id), ("text", text), *fields.items()):
            if isinstance(value, str) and records.LONE_SURROGATE.search(value):
                raise records.Rejected(f"{name} holds an invalid unicode escape (a lone surrogate)")
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

    def reject(self, reason: str, raw, location: str | None = None, *, identity: str | None = None) -> Reject:
        """A reject of this network source, keyed by the item's :func:`identity` (:meth:`Reject.of`), so a re-read of
        the same bad item (the watch's hours, the night, a re-run) finds its quarantine row although its page in a
        feed and its counters moved; ``raw`` is kept as text (JSON for objects), escaped and cut to MAX_RAW. A file
        drop keys its rejects by content and occurrence (:class:`~pipeline.records.FileRejects`). ``location`` is
        escaped as ``raw`` is: it may name the item's id, which a lone surrogate in the API's JSON made text that
        cannot be written as UTF-8 (staging the rejects failed the whole source)."""
        location = records.escape_raw(location) if location is not None else None
        return Reject.of(self.brand.key, self.spec.name, reason, records.raw_json(raw), location, content=identity)
