"""Google Play reviews through google-play-scraper, newest first, de-duplicated by review id.

Per country, :func:`google_play_scraper.reviews` is called with ``sort=Sort.NEWEST`` and the previous call's
continuation token until a page reaches reviews older than the window, the listing ends (no token), a page
brings no review not seen before, or ``max_items`` reviews were read (a warning). Google's paging repeats
reviews across pages (and across countries), so reviews are de-duplicated by ``reviewId``.

Each review becomes a record: ``native_id`` the review id, ``rating`` the score (1-5), ``text`` the review
body only (the developer's reply is not part of it), ``engagement`` the thumbs-up count, ``channel``
``"{app_id}/{country}"``, the author's name pseudonymised. A review without text (a bare star rating) says
nothing to score and is skipped (counted in ``state["skipped_no_text"]``); one without id, time or a 1-5
score is quarantined, with the reviewer's name and picture replaced by the keyed hash of the name.
``state``: ``requests`` per country, ``repeated_reviews``, ``skipped_no_text``, ``newest_created_at``.

How the library is driven (it has no hooks of its own):

- **Transport.** ``google_play_scraper.features.reviews`` does its HTTP through a module-level ``post(url,
  data, headers)`` (urllib, no timeout, three immediate retries, and it *swallows* every error, returning the
  reviews so far as if the listing had ended). On first use this module replaces that name with a router
  (:func:`_routed_post`, installed once under a lock). The router looks up a :class:`contextvars.ContextVar`:
  when a :class:`GooglePlaySource` is inside its own ``reviews()`` call it sends the request through that
  source's :class:`_Transport`; otherwise (any other code in the process using the library) it calls the
  library's original ``post`` unchanged.
- **Base URL.** The library builds ``https://play.google.com/_/PlayStoreUi/data/batchexecute?hl=..&gl=..``
  from its ``Formats`` constants. Rather than rewriting those process-wide constants, the transport swaps the
  ``PLAY_STORE_BASE_URL`` prefix for ``$BRANDPULSE_GOOGLE_PLAY_URL`` (else the source's ``base_url``) per
  request. Nothing global changes per fetch, so this is thread-safe: a context variable is per thread (and
  per asyncio task), the context is set only around the ``reviews()`` call (never across a ``yield``), and
  each source has its own transport and session.
- **Timeouts and retries.** The transport posts through :func:`pipeline.http.session`: every request
  times out after ``timeout_s``; 429/5xx responses, connection errors and timeouts are retried ``retries``
  times with exponential backoff honouring ``Retry-After`` (urllib3's ``Retry``; the f.req POST is safe to
  repeat; the backoff factor is read from ``pipeline.http.BACKOFF_FACTOR`` at fetch time, so tests
  can shrink it). Google's other rate-limit answer, an HTTP 200 whose body holds ``PlayGatewayError``, is retried
  here with the same backoff. Because the library swallows errors, the transport records the first failure
  (final HTTP status, network failure, a body the library cannot parse) and the source raises it as
  :class:`~pipeline.sources.SourceError` after ``reviews()`` returns, so a failure is never mistaken for
  the end of the listing.
- **Exact times.** The library turns a review's epoch seconds into a *naive local-time* datetime; the
  transport keeps each page's raw review arrays, so times are read from the epoch itself (no DST or
  host-timezone ambiguity) and quarantined reviews keep the raw array.
- **TLS.** Importing google-play-scraper sets ``ssl._create_default_https_context`` to the *unverified*
  context for the whole process; this module puts the verifying default back (our requests never use urllib,
  and nothing else should run with certificate checks off).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import math
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import requests

from pipeline import http as _http
from pipeline.deadline import DeadlineExceeded
from pipeline.records import Record, Reject, Rejected, Window
from pipeline.sources.base import Source, SourceError

_verifying_context = ssl._create_default_https_context
import google_play_scraper  # noqa: E402
import google_play_scraper.features.reviews as _gps_reviews  # noqa: E402
from google_play_scraper.constants.regex import Regex  # noqa: E402
from google_play_scraper.constants.request import PLAY_STORE_BASE_URL  # noqa: E402

if ssl._create_default_https_context is ssl._create_unverified_context:  # set by google_play_scraper's import
    ssl._create_default_https_context = (
        _verifying_context if _verifying_context is not ssl._create_unverified_context else ssl.create_default_context
    )

ENV_URL = "BRANDPULSE_GOOGLE_PLAY_URL"
PAGE_SIZE = 100  # reviews asked for per reviews() call (Google answers up to ~200 per request)
GATEWAY_ERROR = "com.google.play.gateway.proto.PlayGatewayError"

_active: contextvars.ContextVar[_Transport | None] = contextvars.ContextVar("brandpulse_google_play", default=None)
_install_lock = threading.Lock()
_original_post = None


class _EndOfListing(Exception):
    """Raised inside the library to stop its loop (an empty page that still carries a token)."""


def _routed_post(url: str, data, headers: dict) -> str:
    transport = _active.get()
    if transport is None:
        return _original_post(url, data, headers)
    return transport.post(url, data, headers)


def _install() -> None:
    global _original_post
    with _install_lock:
        if _original_post is None:
            _original_post = _gps_reviews.post
            _gps_reviews.post = _routed_post


def parse_page(body: str) -> tuple[list, str | None]:
    """The review arrays and next-page token of a batchexecute answer, read the way the library reads them."""
    found = Regex.REVIEWS.findall(body)
    if not found:
        raise ValueError("no batchexecute payload (the )]}' prefix is missing)")
    outer = json.loads(found[0])
    payload = outer[0][2]
    if payload is None:  # an app without reviews
        return [], None
    inner = json.loads(payload)
    if not isinstance(inner, list):
        raise ValueError(f"the payload is a {type(inner).__name__}, not a list")
    items = inner[0] if inner and isinstance(inner[0], list) else []
    try:
        token = inner[-2][-1]
    except (IndexError, KeyError, TypeError):
        token = None
    return items, token if isinstance(token, str) else None


class _Transport:
    """One source's HTTP for the library: base URL swap, our session, errors kept for the caller."""

    def __init__(self, base_url: str, session: requests.Session, retries: int, what: str):
        self.base_url, self.session, self.retries, self.what = base_url.rstrip("/"), session, retries, what
        self.error: SourceError | None = None
        self.ended = False
        self.raw: dict[str, list] = {}
        self.requests = 0

    @contextlib.contextmanager
    def active(self):
        self.error, self.ended, self.raw = None, False, {}
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)

    def _fail(self, message: str):
        self.error = SourceError(f"{self.what}: {message}")
        raise self.error

    def post(self, url: str, data, headers: dict) -> str:
        if url.startswith(PLAY_STORE_BASE_URL):
            url = self.base_url + url[len(PLAY_STORE_BASE_URL) :]
        endpoint = _http.bare(url)
        gateway_errors = 0
        while True:
            self.requests += 1
            try:
                resp = self.session.post(url, data=data, headers=headers)
            except DeadlineExceeded as exc:
                self._fail(f"{endpoint}: {exc} (the source's deadline_s)")
            except requests.RequestException as exc:
                inner = exc.args[0] if exc.args else None
                cause = type(getattr(inner, "reason", None) or inner or exc).__name__
                self._fail(f"{endpoint} failed after {self.retries} retries ({type(exc).__name__}: {cause})")
            if resp.status_code >= 400:
                self._fail(f"HTTP {resp.status_code} from {endpoint} after {self.retries} retries")
            body = resp.content.decode("utf-8", "replace")
            if GATEWAY_ERROR in body:  # Google's rate limit, sent as a 200
                if gateway_errors >= self.retries:
                    self._fail(
                        f"{endpoint} kept answering PlayGatewayError (rate limited) after {self.retries} retries"
                    )
                gateway_errors += 1
                time.sleep(min(_http.BACKOFF_MAX, _http.BACKOFF_FACTOR * 2**gateway_errors))
                continue
            try:
                items, token = parse_page(body)
            except (ValueError, IndexError, KeyError, TypeError) as exc:
                self._fail(
                    f"{endpoint} returned a response google-play-scraper cannot read ({len(body)} characters, "
                    f"content-type {resp.headers.get('content-type', '?')}: {exc})"[:400]
                )
            for item in items:
                if isinstance(item, list) and item and isinstance(item[0], str):
                    self.raw[item[0]] = item
            if not items and token is not None:
                self.ended = True  # the library would ask for the same empty page forever
                raise _EndOfListing
            return body


def _epoch(raw: list | None) -> datetime | None:
    try:
        seconds, nanos = raw[5][0], raw[5][1] if len(raw[5]) > 1 and raw[5][1] else 0
        return datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=int(nanos) // 1000)
    except (IndexError, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


class GooglePlaySource(Source):
    source_type = "google_play"
    platform = "google_play"
    kind = "review"
    url_env = ENV_URL

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        _install()
        spec = self.spec
        seen: dict[str, datetime | None] = {}  # review id: its time (None: quarantined), for every country
        pages_read: dict[str, int] = {}
        repeated = skipped = 0
        newest: datetime | None = None
        with self.http_session() as session:
            for country in spec.countries:
                what = f"Google Play reviews of {spec.app_id} ({spec.lang}-{country})"
                transport = _Transport(self.base_url, session, spec.retries, what)
                token, read, pages = None, 0, 0
                while True:
                    # the library keeps the first call's count in its continuation token
                    count = min(PAGE_SIZE, spec.max_items)
                    with transport.active():
                        batch, token = google_play_scraper.reviews(
                            spec.app_id,
                            lang=spec.lang,
                            country=country,
                            sort=google_play_scraper.Sort.NEWEST,
                            count=count,
                            continuation_token=token,
                        )
                    if transport.error is not None:
                        raise transport.error
                    pages += 1
                    new, oldest, cut = 0, None, False
                    for review in batch:
                        if read + new >= spec.max_items:
                            cut = True
                            break
                        rid = review.get("reviewId")
                        if isinstance(rid, str) and rid in seen:
                            repeated += 1
                            known = seen[rid]  # another country's page had it: it still says how far back we are
                            if known is not None:
                                oldest = known if oldest is None or known < oldest else oldest
                            continue
                        new += 1
                        raw = transport.raw.get(rid) if isinstance(rid, str) else None
                        try:
                            created, record = self._review(review, raw, country, window)
                        except Rejected as exc:
                            if isinstance(rid, str):
                                seen[rid] = None
                            yield self.reject(str(exc), self._redacted(review, raw), f"{country} page {pages}")
                            continue
                        if isinstance(rid, str):
                            seen[rid] = created
                        oldest = created if oldest is None or created < oldest else oldest
                        if created not in window:
                            continue
                        if record is None:
                            skipped += 1
                            continue
                        newest = created if newest is None or created > newest else newest
                        yield record
                    read += new
                    ended = transport.ended or token is None or token.token is None
                    if oldest is not None and oldest < window.start:
                        break  # newest first: the rest is older than the window
                    if cut or (read >= spec.max_items and not ended):
                        self.warnings.append(
                            f"{what}: stopped after max_items={spec.max_items} reviews; older reviews of the "
                            "window were not read"
                        )
                        break
                    if ended:
                        break
                    if new == 0:
                        self.warnings.append(f"{what}: page {pages} repeated only reviews already read; stopped")
                        break
                pages_read[country] = transport.requests
        self.state = {
            "requests": pages_read,
            "repeated_reviews": repeated,
            "skipped_no_text": skipped,
            "newest_created_at": newest.isoformat() if newest else self.previous_state.get("newest_created_at"),
        }

    def _review(self, review: dict, raw: list | None, country: str, window: Window) -> tuple[datetime, Record | None]:
        """(time, record); the record is None for a review without text, and outside ``window`` (checked all
        the same)."""
        rid = review.get("reviewId")
        if not isinstance(rid, str) or not rid.strip():
            raise Rejected("review has no reviewId")
        created = _epoch(raw)
        if created is None:
            at = review.get("at")
            if not isinstance(at, datetime):
                raise Rejected("review has no time")
            created = at.astimezone(UTC)  # naive local time from the library
        score = review.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
            raise Rejected(f"score {str(score)[:20]!r} is not a number")
        if not 1 <= score <= 5:
            raise Rejected(f"score {score!r} is outside 1-5")
        text = review.get("content")
        if text is not None and not isinstance(text, str):
            raise Rejected(f"content is a {type(text).__name__}, not text")
        text = (text or "").replace("\x00", "")
        if not text.strip():
            return created, None
        thumbs = review.get("thumbsUpCount")
        engagement = int(thumbs) if isinstance(thumbs, int) and not isinstance(thumbs, bool) and thumbs >= 0 else None
        name = review.get("userName")
        record = self.record(
            rid,
            self.kind,
            text,
            created,
            channel=f"{self.spec.app_id}/{country}",
            author_hash=self.pseudonymise(name if isinstance(name, str) else None),
            rating=float(score),
            engagement=engagement,
            window=window,
        )
        return created, record

    def _redacted(self, review: dict, raw: list | None):
        """The raw review array (else the library's dict) with the reviewer's name and picture hashed."""
        name = review.get("userName")
        hashed = f"hmac:{self.pseudonymise(name if isinstance(name, str) else None)}"
        if isinstance(raw, list):
            raw = list(raw)
            if len(raw) > 1 and raw[1] is not None:
                raw[1] = [hashed]
            return raw
        return {**review, "userName": hashed, "userImage": None}
