"""A fake of Apple's customer-reviews RSS JSON feed, mounted on a :class:`~.server.ReplayServer`.

    with ReplayServer() as server:
        AppStoreAPI(reviews).mount(server)
        # GET {server.url}/us/rss/customerreviews/page=1/id=123456789/sortby=mostrecent/json

``reviews`` is a mapping ``{(app_id, country): [review, ...]}`` or a plain list of reviews (grouped by their
``app_id`` and ``country``). A review is a dict::

    {"id": "11922334455",            # the review id (str or int)
     "app_id": "123456789",          # only needed in the list form
     "country": "us",                # only needed in the list form
     "author": "Jane",               # reviewer name
     "created": datetime | ISO str,  # served as "updated", in Apple's Pacific-time offset when it is a datetime
     "rating": 4,                    # served as the string label "4" (any value is served as given)
     "title": "…", "text": "…",      # "title" and "content"
     "votes": 5, "vote_sum": 3,      # im:voteCount / im:voteSum (default 0)
     "version": "2.3.1",             # im:version
     "raw": {...}}                   # optional: served verbatim as the entry (for malformed-entry tests)

Like Apple: newest first (``sortby=mosthelpful`` orders by votes), 50 entries a page, pages 1-10 (a later
page is HTTP 400), ``feed.entry`` a single object on a one-review page and absent on an empty page, and
``first``/``last``/``next``/``previous`` links. ``app_info=True`` puts the app-info entry older feeds have
first on page 1.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from demo.replay.server import ReplayServer, Request, Response

try:
    from zoneinfo import ZoneInfo

    _CUPERTINO = ZoneInfo("America/Los_Angeles")
except Exception:  # no tz database: UTC offsets are just as valid
    _CUPERTINO = UTC

ROUTE = (
    r"^/(?P<country>[a-z]{2})/rss/customerreviews/(?:page=(?P<page>\d+)/)?id=(?P<app_id>\d+)"
    r"(?:/sortby=(?P<sort>\w+))?/json$"
)


def _time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reviewer_id(name) -> int:
    return int(hashlib.sha256(str(name).encode()).hexdigest()[:8], 16)


class AppStoreAPI:
    def __init__(
        self,
        reviews: Mapping[tuple[str, str], list[dict]] | Iterable[dict],
        page_size: int = 50,
        max_pages: int = 10,
        app_info: bool = False,
    ):
        if isinstance(reviews, Mapping):
            self.reviews = {(str(a), c): list(rs) for (a, c), rs in reviews.items()}
        else:
            self.reviews = {}
            for r in reviews:
                self.reviews.setdefault((str(r["app_id"]), r["country"]), []).append(r)
        self.page_size, self.max_pages, self.app_info = page_size, max_pages, app_info

    def mount(self, server: ReplayServer) -> AppStoreAPI:
        self.base = server.url
        server.route("GET", ROUTE, self._page)
        return self

    def _page(self, req: Request, m) -> Response:
        country, app_id, sort = m.group("country"), m.group("app_id"), (m.group("sort") or "mostrecent").lower()
        page = int(m.group("page") or 1)
        if not 1 <= page <= self.max_pages:
            return Response(400, f"CustomerReviews RSS page depth is limited to {self.max_pages}")
        items = list(self.reviews.get((app_id, country), []))
        if sort == "mosthelpful":
            items.sort(key=lambda r: int(r.get("votes") or 0), reverse=True)
        else:
            never = datetime.max.replace(tzinfo=UTC)  # unreadable times first, so malformed entries are served
            items.sort(key=lambda r: _time(r.get("created")) or never, reverse=True)
        last = max(1, min(self.max_pages, math.ceil(len(items) / self.page_size)))
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        entries = [self._entry(r, app_id, country) for r in chunk]
        if self.app_info and page == 1:
            entries.insert(0, self._app_info(app_id, country))
        feed = {
            "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/itunes/"}},
            "updated": {"label": datetime.now(_CUPERTINO).replace(microsecond=0).isoformat()},
            "rights": {"label": "Copyright 2008 Apple Inc."},
            "title": {"label": "iTunes Store: Customer Reviews"},
            "icon": {"label": "http://itunes.apple.com/favicon.ico"},
            "link": self._links(app_id, country, page, last),
            "id": {"label": f"{self.base}/{country}/rss/customerreviews/page={page}/id={app_id}/sortby={sort}/json"},
        }
        if len(entries) == 1:
            feed["entry"] = entries[0]
        elif entries:
            feed["entry"] = entries
        return Response(200, {"feed": feed}, {"Content-Type": "text/javascript; charset=utf-8"})

    def _links(self, app_id: str, country: str, page: int, last: int) -> list[dict]:
        def href(n: int) -> str:
            xml = f"{self.base}/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/xml"
            return f"{xml}?urlDesc=/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json"

        links = [
            {
                "attributes": {
                    "rel": "alternate",
                    "type": "text/html",
                    "href": f"https://apps.apple.com/WebObjects/MZStore.woa/wa/viewGrouping?cc={country}&id=29099",
                }
            },
            {"attributes": {"rel": "self", "href": href(page).split("?")[0][: -len("xml")] + "json"}},
            {"attributes": {"rel": "first", "href": href(1)}},
            {"attributes": {"rel": "last", "href": href(last)}},
            {"attributes": {"rel": "previous", "href": href(max(1, page - 1))}},
            {"attributes": {"rel": "next", "href": href(min(last, page + 1))}},
        ]
        return links

    @staticmethod
    def _entry(r: dict, app_id: str, country: str) -> dict:
        if "raw" in r:
            return r["raw"]
        created = r.get("created")
        if isinstance(created, datetime):
            created = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(_CUPERTINO).isoformat()
        rid = str(r["id"])
        return {
            "author": {
                "uri": {"label": f"https://itunes.apple.com/{country}/reviews/id{_reviewer_id(r.get('author'))}"},
                "name": {"label": r.get("author", "")},
                "label": "",
            },
            "updated": {"label": created},
            "im:rating": {"label": str(r.get("rating"))},
            "im:version": {"label": str(r.get("version") or "1.0")},
            "id": {"label": rid},
            "title": {"label": r.get("title", "")},
            "content": {"label": r.get("text", ""), "attributes": {"type": "text"}},
            "link": {
                "attributes": {
                    "rel": "related",
                    "href": f"https://itunes.apple.com/{country}/review?id={app_id}&type=Purple%20Software",
                }
            },
            "im:voteSum": {"label": str(r.get("vote_sum", 0))},
            "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
            "im:voteCount": {"label": str(r.get("votes", 0))},
        }

    @staticmethod
    def _app_info(app_id: str, country: str) -> dict:
        return {
            "im:name": {"label": "Demo App"},
            "rights": {"label": "© Demo Inc."},
            "im:price": {"label": "Get", "attributes": {"amount": "0.00000", "currency": "USD"}},
            "im:image": [
                {"label": "https://is1-ssl.mzstatic.com/image/thumb/icon.png", "attributes": {"height": "53"}}
            ],
            "im:artist": {
                "label": "Demo Inc.",
                "attributes": {"href": f"https://apps.apple.com/{country}/developer/1"},
            },
            "title": {"label": "Demo App - Demo Inc."},
            "link": {
                "attributes": {
                    "rel": "alternate",
                    "type": "text/html",
                    "href": f"https://apps.apple.com/app/id{app_id}",
                }
            },
            "id": {"label": f"https://apps.apple.com/{country}/app/id{app_id}", "attributes": {"im:id": app_id}},
            "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
            "category": {"attributes": {"im:id": "6024", "term": "Shopping", "label": "Shopping"}},
            "im:releaseDate": {"label": "2020-01-01T00:00:00-07:00", "attributes": {"label": "January 1, 2020"}},
        }
