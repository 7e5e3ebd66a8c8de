"""Google Play reviews, one page per request, newest first, de-duplicated by review id.

Per country, pages of Google's review RPC are asked for with ``sort=NEWEST`` and the previous page's
continuation token until the listing has reached back past the window's start
(:class:`~pipeline.sources.base.NewestFirst`: three reviews in a row older than it, by position, so one review
dated far back out of order does not end the listing; a review of the window after an older one is a warning),
the listing ends (no token, an empty one included, or an empty page), a page brings no review this country's
listing has not shown before (a warning: Google looping back; another country's reviews on it move the listing on),
or ``max_items`` reviews were read (a warning). Google's paging repeats reviews across pages (and across
countries), so reviews are de-duplicated by ``reviewId``.

Each review becomes a record: ``native_id`` the review id, ``rating`` the score (1-5), ``text`` the review
body only (the developer's reply is not part of it), ``engagement`` the thumbs-up count, ``channel``
``"{app_id}/{country}"``, the author's name pseudonymised. A review without text (a bare star rating) says
nothing to score and is skipped (counted in ``state["skipped_no_text"]``); one without id, time or a 1-5
score, or with an implausible time (:func:`~pipeline.sources.base.implausible`: before 2000, in the future), is
quarantined, keyed by its review id, with the reviewer's name and picture replaced by the keyed hash of the name;
one served again (the pages' overlap, one without a review id too) is one reject, the repeat counted.
``state``: ``requests`` per country (pages asked for), ``repeated_reviews``, ``skipped_no_text``,
``outside_window`` (reviews read that were timed before or after the window: the listing is read past its start to
know where it ends), ``newest_created_at``.

How google-play-scraper is used: for its request format (``Formats.Reviews.build`` and ``build_body``) and
the way it reads a review array (``ElementSpecs.Review``), never for its ``reviews()`` call. That call pages on
by itself, inside one call, until it holds ``count`` reviews: a page of more reviews than asked (Google's page
size is its own) makes it read the app's whole history in one call, past ``max_items``, the window and the
deadline; and it swallows every error, returning the reviews so far as if the listing had ended. So this module
sends each page's request itself:

- **Base URL.** The library's ``https://play.google.com/_/PlayStoreUi/data/batchexecute?hl=..&gl=..`` with
  the ``PLAY_STORE_BASE_URL`` prefix swapped for ``$BRANDPULSE_GOOGLE_PLAY_URL`` (else the source's
  ``base_url``). Nothing of the library is changed, so other code in the process may use it as it is.
- **Timeouts and retries.** Requests go through :func:`pipeline.http.session`: every request times out after
  ``timeout_s``; 429/5xx responses, connection errors and timeouts are retried ``retries`` times with
  exponential backoff honouring ``Retry-After`` (urllib3's ``Retry``; the f.req POST is safe to repeat; the
  backoff factor is read from ``pipeline.http.BACKOFF_FACTOR`` at fetch time, so tests can shrink it).
  Google's other rate-limit answer, an HTTP 200 whose error frame (``er``, no reviews) names ``PlayGatewayError``,
  is retried here with :func:`pipeline.http.backoff`, which never waits past the source's ``deadline_s`` (a
  review that quotes the name is read as any other). A failure (final HTTP status, network failure, the deadline,
  a body that cannot be read, another error frame sent with HTTP 200, a reviews frame with an error status in place
  of its payload: a continuation token Google refuses) raises
  :class:`~pipeline.sources.SourceError`, so it is never mistaken for the end of the listing.
- **Exact times.** Times are read from the review array's epoch seconds (the library's ``at`` is a *naive
  local-time* datetime: DST and host-timezone ambiguity), and quarantined reviews keep the raw array.
- **TLS.** Importing google-play-scraper sets ``ssl._create_default_https_context`` to the *unverified*
  context for the whole process; this module puts the verifying default back (our requests never use urllib,
  and nothing else should run with certificate checks off).
"""

from __future__ import annotations

import json
import math
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime

import requests

from pipeline import http as _http
from pipeline.deadline import DeadlineExceeded
from pipeline.records import Record, Reject, Rejected, Window
from pipeline.sources.base import NewestFirst, Source, SourceError, identity, implausible

_verifying_context = ssl._create_default_https_context
from google_play_scraper import Sort  # noqa: E402
from google_play_scraper.constants.element import ElementSpecs  # noqa: E402
from google_play_scraper.constants.regex import Regex  # noqa: E402
from google_play_scraper.constants.request import PLAY_STORE_BASE_URL, Formats  # noqa: E402

if ssl._create_default_https_context is ssl._create_unverified_context:  # set by google_play_scraper's import
    ssl._create_default_https_context = (
        _verifying_context if _verifying_context is not ssl._create_unverified_context else ssl.create_default_context
    )

ENV_URL = "BRANDPULSE_GOOGLE_PLAY_URL"
PAGE_SIZE = 100  # reviews asked for per request (Google answers as many as it likes, up to ~200)
GATEWAY_ERROR = "com.google.play.gateway.proto.PlayGatewayError"
THUMBS, REPLY = 6, 7  # the review array's thumbs-up count and developer reply: they change between reads


def parse_page(body: str) -> tuple[list, str | None]:
    """The review arrays and next-page token of a batchexecute answer, read the way the library reads them."""
    found = Regex.REVIEWS.findall(body)
    if not found:
        raise ValueError("no batchexecute payload (the )]}' prefix is missing)")
    outer = json.loads(found[0])
    if outer[0][0] != "wrb.fr":  # an error frame ("er": a rate limit, a failure), sent with HTTP 200
        raise ValueError(f"an error frame ({str(outer[0][0])[:20]!r}), not the reviews")
    payload = outer[0][2]
    if payload is None:
        # the RPC's own failure, sent with HTTP 200: no payload, a status in its place (["wrb.fr", "oCPfdb", null,
        # null, null, [5], "generic"]: a continuation token Google refuses, arguments it will not take); read as an
        # app without reviews, it ended the listing there, the rest of the window unread without a word
        status = outer[0][5] if len(outer[0]) > 5 else None
        if status is not None:
            raise ValueError(f"the review RPC answered error status {json.dumps(status)[:20]}, not the reviews")
        return [], None  # an app without reviews
    inner = json.loads(payload)
    if not isinstance(inner, list):
        raise ValueError(f"the payload is a {type(inner).__name__}, not a list")
    items = inner[0] if inner else None
    if items is not None and not isinstance(items, list):
        # reviews in another shape (a JSON string nested once more, an object): read as none, the page and the
        # listing after it were lost without a word, as an app without reviews
        raise ValueError(f"the payload's reviews are a {type(items).__name__}, not a list")
    try:
        token = inner[-2][-1]
    except (IndexError, KeyError, TypeError):
        token = None
    # an empty token is no token (the listing's end): sent back as one, a request Google cannot take failed the source
    return items or [], token if isinstance(token, str) and token.strip() else None


def fetch_page(session: requests.Session, url: str, body: bytes, retries: int, what: str) -> tuple[list, str | None]:
    """One page: POST ``body`` to ``url`` once (with the session's retries, and ``retries`` more for a
    PlayGatewayError answer), and its review arrays and next-page token. Raises SourceError saying why not."""
    endpoint = _http.bare(url)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    gateway_errors = 0
    while True:
        resp = _http.send(session, "POST", url, what, data=body, headers=headers)
        if resp.status_code >= 400:
            # only a passing failure was retried (a 400 or 404, a wrong base_url, is answered at once)
            raise SourceError(
                f"{what}: HTTP {resp.status_code} from {endpoint}{_http.retried(session, url, resp.status_code)}"
            )
        text = resp.content.decode("utf-8", "replace")
        try:
            return parse_page(text)
        except (ValueError, IndexError, KeyError, TypeError, RecursionError) as exc:
            # Google's rate limit is an error frame sent as a 200; looked for only in an answer without the
            # reviews, as a review that quotes it would otherwise fail the source every night
            if GATEWAY_ERROR not in text:
                raise SourceError(
                    f"{what}: {endpoint} returned a response google-play-scraper cannot read ({len(text)} "
                    f"characters, content-type {resp.headers.get('content-type', '?')}: {exc})"[:400]
                ) from None
        if gateway_errors >= retries:
            raise SourceError(
                f"{what}: {endpoint} kept answering PlayGatewayError (rate limited) after {retries} retries"
            )
        gateway_errors += 1
        try:
            _http.backoff(session, gateway_errors)
        except DeadlineExceeded as exc:
            raise SourceError(
                f"{what}: {endpoint} answered PlayGatewayError (rate limited); {exc} (the source's deadline_s)"
            ) from None


def _epoch(raw: list | None) -> datetime | None:
    """The time of a review array, ``[epoch seconds, nanoseconds]`` at index 5; None when it has none. Raises
    Rejected when it has one that cannot be read as such (milliseconds: a year past 9999 in seconds), which was
    "review has no time"."""
    try:
        stamp = raw[5]
    except (IndexError, KeyError, TypeError):
        return None
    if stamp is None:
        return None
    try:
        seconds, nanos = stamp[0], stamp[1] if len(stamp) > 1 and stamp[1] else 0
        return datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=int(nanos) // 1000)
    except (IndexError, KeyError, TypeError, ValueError, OverflowError, OSError):
        shown = json.dumps(stamp, default=str)  # ASCII: a lone surrogate in it could not be staged
        raise Rejected(f"review time {shown[:40]} is not [epoch seconds, nanoseconds]") from None


class GooglePlaySource(Source):
    source_type = "google_play"
    platform = "google_play"
    kind = "review"
    url_env = ENV_URL

    def page_url(self, country: str) -> str:
        url = Formats.Reviews.build(lang=self.spec.lang, country=country)
        return self.base_url + url[len(PLAY_STORE_BASE_URL) :]

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        spec = self.spec
        seen: dict[str, datetime | None] = {}  # review id: its time (None: quarantined), for every country
        quarantined: set[str] = set()  # the rejects' quarantine ids: one without a reviewId served again is one reject
        pages_read: dict[str, int] = {}
        repeated = skipped = outside = 0
        newest: datetime | None = None
        count = min(PAGE_SIZE, spec.max_items)
        with self.http_session() as session:
            for country in spec.countries:
                what = f"Google Play reviews of {spec.app_id} ({spec.lang}-{country})"
                url = self.page_url(country)
                order = NewestFirst(window.start, window.end, what)
                token, read, pages = None, 0, 0
                listed: set[str] = set()  # this country's review ids: its loop guard (another country's repeats
                # say nothing about whether this listing moves on)
                while True:
                    body = Formats.Reviews.build_body(spec.app_id, Sort.NEWEST.value, count, "null", "null", token)
                    items, token = fetch_page(session, url, body, spec.retries, what)
                    pages += 1
                    pages_read[country] = pages
                    new, unlisted, cut = 0, 0, False
                    for raw in items:
                        if read + new >= spec.max_items:
                            cut = True
                            break
                        review = {key: field.extract_content(raw) for key, field in ElementSpecs.Review.items()}
                        rid = review.get("reviewId")
                        rid = rid if isinstance(rid, str) and rid.strip() else None
                        # a review without an id is listed by its array: counted unlisted on every page, one
                        # such review kept a Google looping back to its first page going until max_items
                        key = identity(rid, raw)
                        unlisted += key not in listed
                        listed.add(key)
                        if rid is not None and rid in seen:
                            repeated += 1
                            if seen[rid] is not None:  # another page had it: it still says how far back we are
                                order.see(seen[rid], repeat=True)
                            continue
                        new += 1
                        try:
                            created, record = self._review(review, raw, country, window)
                        except Rejected as exc:
                            if rid is not None:
                                seen[rid] = None
                            reject = self._reject(str(exc), review, raw, f"{country} page {pages}")
                            if reject.quarantine_id in quarantined:  # no reviewId, on the overlap of two pages
                                repeated += 1
                                continue
                            quarantined.add(reject.quarantine_id)
                            yield reject
                            continue
                        seen[rid] = created
                        order.see(created)
                        if created not in window:
                            outside += 1
                            continue
                        if record is None:
                            skipped += 1
                            continue
                        newest = created if newest is None or created > newest else newest
                        yield record
                    read += new
                    ended = token is None or not items
                    if order.reached_start:
                        break  # newest first: the rest is older than the window
                    if cut or (read >= spec.max_items and not ended):
                        self.warnings.append(
                            f"{what}: stopped after max_items={spec.max_items} reviews; older reviews of the "
                            "window were not read"
                        )
                        break
                    if ended:
                        break
                    if unlisted == 0:
                        self.warnings.append(f"{what}: page {pages} repeated only reviews already read; stopped")
                        break
                if order.disorder:
                    self.warnings.append(order.disorder)
        self.state = {
            "requests": pages_read,
            "repeated_reviews": repeated,
            "skipped_no_text": skipped,
            "outside_window": outside,
            "newest_created_at": newest.isoformat() if newest else self.previous_state.get("newest_created_at"),
        }

    def _review(self, review: dict, raw, country: str, window: Window) -> tuple[datetime, Record | None]:
        """(time, record) of a review array and the library's reading of it; the record is None for a review
        without text, and outside ``window`` (checked all the same)."""
        rid = review.get("reviewId")
        if not isinstance(rid, str) or not rid.strip():
            raise Rejected("review has no reviewId")
        created = _epoch(raw)
        if created is None:
            raise Rejected("review has no time")
        problem = implausible(created, window)
        if problem:
            raise Rejected(f"review {problem}")
        score = review.get("score")
        # an int is finite however long: math.isfinite of a 400-digit one raised OverflowError, failing the source
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not (isinstance(score, int) or math.isfinite(score))
        ):
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

    def _reject(self, reason: str, review: dict, raw, location: str) -> Reject:
        """A quarantined review: the raw array with the reviewer's name and picture hashed, keyed by its review id
        (else the array without its thumbs-up count and reply, which change between reads)."""
        name = review.get("userName")
        hashed = f"hmac:{self.pseudonymise(name if isinstance(name, str) else None)}"
        stable = raw
        if isinstance(raw, list):
            raw = list(raw)
            if len(raw) > 1 and raw[1] is not None:
                raw[1] = [hashed]
            stable = [None if i in (THUMBS, REPLY) else value for i, value in enumerate(raw)]
        return self.reject(reason, raw, location, identity=identity(review.get("reviewId"), stable))
