"""Apple App Store customer reviews from the public RSS JSON feed.

One GET per page and country::

    {base}/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json

``base`` is ``$BRANDPULSE_APPSTORE_URL`` when set (the demo's replay server, the tests' fake), else the
source's ``base_url`` (``https://itunes.apple.com``). Apple serves at most 10 pages of 50 reviews per country,
newest first, so a country is read until it has reached back past the window's start
(:class:`~pipeline.sources.base.NewestFirst`: three reviews in a row older than it, by position, so one review
dated far back out of order does not end the feed; a review of the window after an older one is a warning), the
feed runs out (no ``entry``, or the page named by the feed's ``rel=last`` link; a page with no ``entry`` before
that one is a warning), or ``max_pages`` is reached. A page of only reviews this country's feed served before (a page
served again in place of the one asked for: its reviews were not read) is a warning.
When the tenth page still reaches into the window, the feed's 500-review cap cut the window: that is a warning.

The payload (``feed.entry`` is a list, a single object on a one-review page, and missing on an empty page;
older feeds put an app-info entry first, which has no ``im:rating`` and is skipped)::

    {"feed": {"entry": [{"author": {"name": {"label": "…"}, "uri": {"label": "…"}},
                         "updated": {"label": "2026-10-01T03:04:05-07:00"},
                         "im:rating": {"label": "4"}, "im:version": {"label": "2.3.1"},
                         "id": {"label": "11922334455"}, "title": {"label": "…"},
                         "content": {"label": "…", "attributes": {"type": "text"}},
                         "im:voteSum": {"label": "3"}, "im:voteCount": {"label": "5"}, …}, …],
              "link": [{"attributes": {"rel": "last", "href": "…/page=10/…"}}, …]}}

Each review becomes a record, timed by ``updated`` (Apple gives no separate creation time; an edited review
carries its edit time): ``native_id`` the review id, ``text`` the review body (the title when the body
is empty), ``title``, ``rating`` (1-5), ``engagement`` the helpfulness vote count, ``channel``
``"{app_id}/{country}"``. An entry that cannot be read (no id, no time, an implausible time: before 2000 or in
the future, a rating outside 1-5, no text) is quarantined, keyed by its review id, with the reviewer's name and
profile link replaced by their keyed hash. A review of the window served again (the feed shifts when a review
comes in between two page requests; countries share reviews) is one record, and a quarantined one one reject,
the repeats counted. ``state``:
``pages_read`` per country, ``repeated_reviews``, ``outside_window`` (reviews read that were timed before or after
the window: the feed is read past its start to know where it ends) and ``newest_created_at``; ``warnings`` say when
a cap cut the window, or when the feed was not newest first.

HTTP goes through :func:`pipeline.http.session` (timeouts; retries of 429/5xx/timeouts honouring
``Retry-After``; the backoff factor is read from ``pipeline.http.BACKOFF_FACTOR`` at fetch time); a
page that still fails raises :class:`~pipeline.sources.SourceError` naming the endpoint.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import datetime

from pipeline import http as _http
from pipeline.records import Record, Reject, Rejected, Window, parse_utc
from pipeline.sources.base import NewestFirst, Source, SourceError, identity, implausible

ENV_URL = "BRANDPULSE_APPSTORE_URL"
PAGE_SIZE = 50  # Apple's page size
FEED_MAX_PAGES = 10  # Apple serves no page after the tenth
VOLATILE = ("im:voteSum", "im:voteCount")  # an entry's counters, which change between reads


def _label(entry: dict, key: str):
    value = entry.get(key)
    if isinstance(value, dict):
        value = value.get("label")
    return value


def _as_text(value, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected(f"{what}: expected text, got a JSON {type(value).__name__}")  # as records.text says it
    value = value.replace("\x00", "")
    return value if value.strip() else None


def _last_page(feed: dict) -> int | None:
    """The page number of the feed's ``rel=last`` link, if it has one."""
    links = feed.get("link")
    links = [links] if isinstance(links, dict) else links if isinstance(links, list) else []
    for link in links:
        attrs = link.get("attributes") if isinstance(link, dict) else None
        if isinstance(attrs, dict) and attrs.get("rel") == "last":
            m = re.search(r"/page=(\d+)/", str(attrs.get("href", "")))
            if m:
                return int(m.group(1))
    return None


class AppStoreSource(Source):
    source_type = "app_store"
    platform = "app_store"
    kind = "review"
    url_env = ENV_URL

    def page_url(self, country: str, page: int) -> str:
        return f"{self.base_url}/{country}/rss/customerreviews/page={page}/id={self.spec.app_id}/sortby=mostrecent/json"

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        spec = self.spec
        max_pages = min(spec.max_pages, FEED_MAX_PAGES)
        seen: set[str] = set()
        quarantined: set[str] = set()  # the rejects' quarantine ids: a bad review served again is one reject
        pages_read: dict[str, int] = {}
        repeated = outside = 0
        newest: datetime | None = None
        # read at call time, so tests (and operators) can tune the backoff without a new session factory
        with self.http_session() as session:
            for country in spec.countries:
                read, last, served_again = 0, None, False
                listed: set[str] = set()  # this country's reviews read so far, by id: a page of only these is the
                # feed serving a page again (another country's reviews say nothing of whether this feed moves on)
                order = NewestFirst(window.start, window.end, f"App Store {spec.app_id} ({country})")
                for page in range(1, max_pages + 1):
                    url = self.page_url(country, page)
                    payload = _http.get_json(
                        session, url, what=f"App Store reviews of {spec.app_id} ({country}) page {page}"
                    )
                    pages_read[country] = page
                    feed = payload.get("feed") if isinstance(payload, dict) else None
                    if not isinstance(feed, dict):
                        raise SourceError(
                            f"App Store reviews of {spec.app_id} ({country}) page {page}: {_http.bare(url)} "
                            f"returned JSON without a 'feed' object"
                        )
                    entries = feed.get("entry")
                    if isinstance(entries, dict):  # a page with a single review
                        entries = [entries]
                    last = _last_page(feed) or last
                    if not entries:
                        if last is not None and page < last:  # Apple's feed drops a page now and then
                            self.warnings.append(
                                f"App Store {spec.app_id} ({country}): page {page} came back empty before the "
                                f"feed's last page, {last}; older reviews of the window were not read"
                            )
                        break
                    if not isinstance(entries, list):
                        raise SourceError(
                            f"App Store reviews of {spec.app_id} ({country}) page {page}: 'feed.entry' is a "
                            f"{type(entries).__name__}, not a list"
                        )
                    cut, before, reviews_before = False, len(listed), read
                    for entry in entries:
                        if isinstance(entry, dict) and "im:rating" not in entry and "im:name" in entry:
                            continue  # the app-info entry older feeds put first
                        if read >= spec.max_items:
                            cut = True
                            break
                        read += 1
                        listed.add(identity(_label(entry, "id") if isinstance(entry, dict) else None, entry))
                        try:
                            native_id, created, item = self._review(entry, country, window)
                        except Rejected as exc:
                            reject = self._reject(str(exc), entry, f"{country} page {page}")
                            if reject.quarantine_id in quarantined:
                                repeated += 1
                                continue
                            quarantined.add(reject.quarantine_id)
                            yield reject
                            continue
                        order.see(created)
                        if created not in window:
                            outside += 1
                            continue
                        if native_id in seen:
                            repeated += 1
                            continue
                        seen.add(native_id)
                        newest = created if newest is None or created > newest else newest
                        yield item
                    if order.reached_start:
                        break  # newest first: the rest is older than the window
                    # more follow when the feed says its last page is later (rel=last), a short page too; else a full
                    # page may have more unless it was the last; Apple's feed ends at FEED_MAX_PAGES whatever it
                    # holds, so a full page there always may have more
                    more = (last is not None and page < last) or (
                        len(entries) >= PAGE_SIZE and (last is None or page == FEED_MAX_PAGES)
                    )
                    if cut or (read >= spec.max_items and more):
                        self.warnings.append(
                            f"App Store {spec.app_id} ({country}): stopped after max_items={spec.max_items} "
                            f"reviews; older reviews of the window were not read"
                        )
                        break
                    # a page of reviews all read before: the page asked for was served again in place of its own
                    if page > 1 and read > reviews_before and len(listed) == before and not served_again:
                        served_again = True
                        self.warnings.append(
                            f"App Store {spec.app_id} ({country}): page {page} repeated only reviews already read; "
                            "the reviews of that page were not read (some reviews of the window may be missing)"
                        )
                    if page == max_pages and more:  # a full last page, and the feed goes on: more were left
                        cap = (
                            f"the feed's {FEED_MAX_PAGES * PAGE_SIZE}-review cap"
                            if max_pages == FEED_MAX_PAGES
                            else f"max_pages={max_pages}"
                        )
                        self.warnings.append(
                            f"App Store {spec.app_id} ({country}): {cap} was reached inside the window; "
                            f"older reviews of the window were not read"
                        )
                        break
                    if last is not None and page >= last:
                        break
                if order.disorder:
                    self.warnings.append(order.disorder)
        self.state = {
            "pages_read": pages_read,
            "repeated_reviews": repeated,
            "outside_window": outside,
            "newest_created_at": newest.isoformat() if newest else self.previous_state.get("newest_created_at"),
        }

    def _review(self, entry, country: str, window: Window) -> tuple[str, datetime, Record | None]:
        """(id, time, record); the record is None outside ``window`` (checked all the same)."""
        if not isinstance(entry, dict):
            raise Rejected(f"entry is a {type(entry).__name__}, not an object")
        native_id = _as_text(_label(entry, "id"), "id")
        if native_id is None:
            raise Rejected("review has no id")
        native_id = native_id.strip()
        updated = _as_text(_label(entry, "updated"), "'updated'")
        if updated is None:
            raise Rejected("review has no 'updated' time")
        created = parse_utc(updated, "updated", unix=False, noun="time")
        problem = implausible(created, window)
        if problem:
            raise Rejected(f"'updated' {problem}")
        raw_rating = _label(entry, "im:rating")
        if isinstance(raw_rating, bool):  # float(True) is 1.0: a one-star review from no number
            raise Rejected(f"rating {str(raw_rating)!r} is not a number")
        try:
            rating = float(raw_rating)
        except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON number of 400 digits
            raise Rejected(f"rating {str(raw_rating)[:20]!r} is not a number") from None
        if not (math.isfinite(rating) and 1 <= rating <= 5):
            raise Rejected(f"rating {raw_rating!r} is outside 1-5")
        title = _as_text(_label(entry, "title"), "title")
        text = _as_text(_label(entry, "content"), "content") or title
        if text is None:
            raise Rejected("review has neither text nor title")
        votes = _label(entry, "im:voteCount")
        if isinstance(votes, bool):  # int(True) is 1
            raise Rejected(f"im:voteCount {str(votes)!r} is not a whole number")
        try:
            engagement = int(votes) if votes not in (None, "") else None
        except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON 1e400 (infinity)
            raise Rejected(f"im:voteCount {str(votes)[:20]!r} is not a whole number") from None
        author = entry.get("author")
        name = _label(author, "name") if isinstance(author, dict) else None
        record = self.record(
            native_id,
            self.kind,
            text,
            created,
            channel=f"{self.spec.app_id}/{country}",
            author_hash=self.pseudonymise(name if isinstance(name, str) else None),
            title=title if title != text else None,
            rating=rating,
            engagement=engagement,
            window=window,
        )
        return native_id, created, record

    def _reject(self, reason: str, entry, location: str) -> Reject:
        """A quarantined entry, with the reviewer's name and profile link replaced by the keyed hash of the name,
        keyed by its review id (else the entry without its vote counts). An author that is no object (a name as
        text, a list of authors) is replaced by its keyed hash whole, and so is every part of an object's (its
        ``label`` too): quarantine holds no names, whatever their JSON type."""
        if isinstance(entry, dict) and entry.get("author") is not None:
            author = entry["author"]
            name = _label(author, "name") if isinstance(author, dict) else author
            if not isinstance(name, str):  # a list of authors, a name that is an object: hashed as its JSON
                name = json.dumps(name, ensure_ascii=False, sort_keys=True) if name is not None else None
            hashed = f"hmac:{self.pseudonymise(name)}"
            if isinstance(author, dict):
                author = {
                    key: ({"label": hashed} if value not in (None, "") else value) for key, value in author.items()
                }
            else:
                author = hashed
            entry = {**entry, "author": author}
        native_id = _label(entry, "id") if isinstance(entry, dict) else None
        stable = {k: v for k, v in entry.items() if k not in VOLATILE} if isinstance(entry, dict) else entry
        return self.reject(reason, entry, location, identity=identity(native_id, stable))
