"""A fake Reddit API that real PRAW talks to: app-only OAuth, search, listings, comment trees, "load more".

    with ReplayServer() as server:
        api = RedditAPI(items).mount(server)
        reddit = praw.Reddit(..., oauth_url=server.url, reddit_url=server.url)

``items`` is a list of plain dicts, one per post (``t3``) or comment (``t1``)::

    {"kind": "t3", "id": "abc123", "subreddit": "parcelo", "author": "name" or "[deleted]",
     "created_utc": 1790000000.0, "title": "...", "selftext": "...", "score": 5, "num_comments": 2}
    {"kind": "t1", "id": "c0ffee", "subreddit": "parcelo", "author": "name", "created_utc": 1790000100.0,
     "body": "...", "link_id": "t3_abc123", "parent_id": "t3_abc123" or "t1_...", "score": 1}

Optional keys: ``permalink`` (else built the way reddit.com builds it), ``extra`` (fields laid over the payload,
e.g. ``{"over_18": True}``) and ``drop_keys`` (payload keys to leave out, to serve a broken item; the item keeps
its place in listings). ``num_comments`` defaults to the post's comments in the dataset.

Payloads have the shape of real reddit.com responses (PRAW's own test cassettes): every key of a real ``t3``
and ``t1`` object, the ``Listing`` envelope (``after``/``before``/``dist``), ``more`` objects where a comment
tree is cut, the ``{"json": {"errors": [], "data": {"things": [...]}}}`` envelope of ``/api/morechildren``, the
``access_token`` response, and ``x-ratelimit-remaining/used/reset`` headers on every API response.

What is served (paths with or without a trailing ``/`` or a ``.json`` suffix):

- ``POST /api/v1/access_token``: ``grant_type=client_credentials`` with HTTP Basic client id and secret (checked
  when ``client_id``/``client_secret`` are given). API routes answer 401 without ``Authorization: bearer <token>``.
- ``GET /r/{sub}/search`` and ``GET /search``: ``q`` is quoted phrases and bare words (``OR``/``AND`` ignored),
  any of which matches as a case-insensitive substring of title + selftext (looser than Reddit, so the client's
  own filter is exercised); ``restrict_sr``; ``sort`` (``new`` default order, ``top``/``comments`` by score or
  comment count); ``t`` (hour/day/week/month/year/all, relative to the fake's clock).
- ``GET /r/{sub}/new`` (posts) and ``GET /r/{sub}/comments`` (comments, with ``link_title``, ``link_author``,
  ``link_permalink`` ... of the parent post, synthesised when the post is not in the dataset). ``{sub}`` may
  be ``all`` or ``a+b``.
- Listings are newest first, ``limit`` at most 100 (default 25), paged with ``after``/``before`` (``count`` is
  accepted and ignored) and end after ``listing_cap`` items, like Reddit's ~1,000-item cap.
- ``GET /comments/{id}`` (and ``/r/{sub}/comments/{id}/{slug}``, ``/comments/{id}/_/{comment}``): the post and
  its comment tree, honouring ``limit`` (at most 500 comments; the rest of a cut sibling list becomes a ``more``
  object with their ids) and ``depth`` (replies below it become a "continue this thread" ``more`` with count 0),
  ``sort`` (``new``, ``old``, ``top``; ``confidence`` is served as ``top``). Comments whose parent comment is not
  in the dataset are not in any tree (they are in the subreddit's comment listing).
- ``GET|POST /api/morechildren``: the requested comments with their replies, flat, at most 100 things (a
  ``more`` for the rest). ``GET /api/info?id=t3_x,t1_y``: those things.
- Text fields are HTML-escaped (``&amp;``) unless ``raw_json=1``, as Reddit does; PRAW always sends it.

``ratelimit_budget`` requests are allowed per ``ratelimit_window`` seconds (the window starts at the first API
request); past it the fake answers 429 and counts ``over_budget``, so a test can check that the client paced
itself by the headers. The default 1-second window keeps prawcore from pacing at all (Reddit's is 600 s).
"""

from __future__ import annotations

import base64
import binascii
import html
import math
import re
import secrets
import threading
import time
import zlib
from collections import defaultdict
from copy import deepcopy

from demo.replay.server import ReplayServer, Request, Response

PAGE_MAX = 100  # Reddit's largest page
PAGE_DEFAULT = 25
TREE_MAX = 500  # comments in one /comments/{id} answer
MORECHILDREN_MAX = 100
PERIODS = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400, "all": None}

# A real t3 (a self post in a PRAW cassette, /r/askreddit/new) with neutral values: every key it has, plus
# the keys today's Reddit adds that PRAW users read (subreddit_name_prefixed, author_fullname, ...).
T3_TEMPLATE = {
    "approved_by": None,
    "archived": False,
    "author": "",
    "author_flair_css_class": None,
    "author_flair_text": None,
    "banned_by": None,
    "clicked": False,
    "created": 0.0,
    "created_utc": 0.0,
    "distinguished": None,
    "domain": "",
    "downs": 0,
    "edited": False,
    "from": None,
    "from_id": None,
    "from_kind": None,
    "gilded": 0,
    "hidden": False,
    "hide_score": False,
    "id": "",
    "is_self": True,
    "likes": None,
    "link_flair_css_class": None,
    "link_flair_text": None,
    "locked": False,
    "media": None,
    "media_embed": {},
    "mod_reports": [],
    "name": "",
    "num_comments": 0,
    "num_reports": None,
    "over_18": False,
    "permalink": "",
    "quarantine": False,
    "removal_reason": None,
    "report_reasons": None,
    "saved": False,
    "score": 1,
    "secure_media": None,
    "secure_media_embed": {},
    "selftext": "",
    "selftext_html": None,
    "stickied": False,
    "subreddit": "",
    "subreddit_id": "",
    "suggested_sort": None,
    "thumbnail": "self",
    "title": "",
    "ups": 1,
    "upvote_ratio": 1.0,
    "url": "",
    "user_reports": [],
    "visited": False,
    # today's additions
    "author_fullname": None,
    "subreddit_name_prefixed": "",
    "subreddit_type": "public",
    "num_crossposts": 0,
    "is_video": False,
    "spoiler": False,
    "total_awards_received": 0,
    "send_replies": True,
}

# A real t1 (from a PRAW cassette's /comments/2gmzqe) with neutral values, plus today's keys.
T1_TEMPLATE = {
    "approved_by": None,
    "archived": False,
    "author": "",
    "author_flair_css_class": None,
    "author_flair_text": None,
    "banned_by": None,
    "body": "",
    "body_html": "",
    "controversiality": 0,
    "created": 0.0,
    "created_utc": 0.0,
    "distinguished": None,
    "downs": 0,
    "edited": False,
    "gilded": 0,
    "id": "",
    "likes": None,
    "link_id": "",
    "mod_reports": [],
    "name": "",
    "num_reports": None,
    "parent_id": "",
    "removal_reason": None,
    "replies": "",
    "report_reasons": None,
    "saved": False,
    "score": 1,
    "score_hidden": False,
    "stickied": False,
    "subreddit": "",
    "subreddit_id": "",
    "ups": 1,
    "user_reports": [],
    # today's additions
    "author_fullname": None,
    "permalink": "",
    "depth": 0,
    "is_submitter": False,
    "collapsed": False,
    "subreddit_name_prefixed": "",
    "subreddit_type": "public",
    "total_awards_received": 0,
    "send_replies": True,
}

GONE = ("[deleted]", "[removed]")


def fullname(item: dict) -> str:
    return f"{item['kind']}_{item['id']}"


def slug(text: str) -> str:
    """The title part of a reddit.com permalink: lower case, runs of other characters as '_', about 50 chars."""
    words = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return words[:50].rstrip("_") or "comment"


def subreddit_id(name: str) -> str:
    n, digits = zlib.crc32(name.lower().encode()), ""
    while n:
        n, r = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
    return "t5_" + (digits or "0")


def parse_query(q: str) -> list[str]:
    """The terms of a search query: quoted phrases and bare words, lower-cased; OR/AND and parentheses dropped."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', q):
        term = (phrase or word.strip("()")).strip().lower()
        if term and (phrase or term not in ("or", "and")):
            terms.append(term)
    return terms


def _listing(children: list, after: str | None = None, before: str | None = None, **extra) -> dict:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            **extra,
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": before,
        },
    }


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(status, {"message": message, "error": status}, headers or {})


def _html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return f'<!-- SC_OFF --><div class="md">{body}</div><!-- SC_ON -->'


class RedditAPI:
    """A dataset of posts and comments served the way reddit.com serves them to PRAW."""

    def __init__(
        self,
        items: list[dict],
        listing_cap: int = 1000,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        ratelimit_budget: int = 1000,
        ratelimit_window: float = 1.0,
        clock=time.time,
    ):
        self.items = [dict(i) for i in items]
        self.listing_cap = listing_cap
        self.client_id, self.client_secret = client_id, client_secret
        self.token = "fake-" + secrets.token_urlsafe(24)
        self.tokens_issued = 0
        self.ratelimit_budget, self.ratelimit_window = ratelimit_budget, ratelimit_window
        self.over_budget = 0
        self.clock = clock
        self._lock = threading.Lock()
        self._window_start: float | None = None
        self._used = 0

        self.by_name: dict[str, dict] = {}
        self.children: dict[str, list[dict]] = defaultdict(list)  # parent fullname -> comments
        self.thread_size: dict[str, int] = defaultdict(int)  # t3 fullname -> comments in the dataset
        for item in self.items:
            if item.get("kind") not in ("t3", "t1") or not item.get("id"):
                raise ValueError(f"RedditAPI item needs kind t3/t1 and an id: {item!r}"[:300])
            self.by_name[fullname(item)] = item
        for item in self.items:
            if item["kind"] == "t1":
                item.setdefault("parent_id", item.get("link_id"))
                self.children[item["parent_id"]].append(item)
                self.thread_size[item.get("link_id")] += 1
        self._newest = sorted(self.items, key=lambda i: (-float(i.get("created_utc") or 0), i["id"]))

    # --- mounting and the common request handling ---------------------------------------------------------

    def mount(self, server: ReplayServer) -> RedditAPI:
        end = r"(?:/|\.json)?$"
        server.route("POST", r"^/api/v1/access_token" + end, self._token)
        api = [
            ("GET", r"^/r/(?P<sub>[^/]+)/search" + end, self._search),
            ("GET", r"^/search" + end, self._search),
            ("GET", r"^/r/(?P<sub>[^/]+)/new" + end, self._new),
            ("GET", r"^/r/(?P<sub>[^/]+)/comments" + end, self._subreddit_comments),
            ("GET", r"^/r/[^/]+/comments/(?P<id>\w+)(?:/[^/]*(?:/(?P<comment>\w+))?)?" + end, self._thread),
            ("GET", r"^/comments/(?P<id>\w+)(?:/[^/]*(?:/(?P<comment>\w+))?)?" + end, self._thread),
            ("*", r"^/api/morechildren" + end, self._morechildren),
            ("GET", r"^/api/info" + end, self._info),
        ]
        for method, pattern, handler in api:
            server.route(method, pattern, self._api(handler))
        return self

    def _api(self, handler):
        def serve(req: Request, m: re.Match) -> Response:
            headers, over = self._ratelimit()
            if req.headers.get("authorization", "") not in (f"bearer {self.token}", f"Bearer {self.token}"):
                return _error(401, "Unauthorized", {**headers, "www-authenticate": 'Bearer realm="reddit"'})
            if over:
                return _error(429, "Too Many Requests", headers)
            resp = handler(req, m)
            resp.headers = {**headers, **resp.headers}
            return resp

        return serve

    def _ratelimit(self) -> tuple[dict[str, str], bool]:
        with self._lock:
            now = time.monotonic()
            if self._window_start is None or now >= self._window_start + self.ratelimit_window:
                self._window_start, self._used = now, 0
            self._used += 1
            over = self._used > self.ratelimit_budget
            if over:
                self.over_budget += 1
            remaining = max(self.ratelimit_budget - self._used, 0)
            reset = max(1, math.ceil(self._window_start + self.ratelimit_window - now))
            used = min(self._used, self.ratelimit_budget)
        headers = {
            "x-ratelimit-remaining": f"{remaining:.1f}",
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(reset),
        }
        return headers, over

    def _token(self, req: Request, m: re.Match) -> Response:
        resp = self._grant(req)
        if req.headers.get("connection", "").lower() == "close":  # prawcore asks; say so, as HTTP/1.1 servers do
            resp.headers["Connection"] = "close"  # (else the client may reuse the socket the server closes)
        return resp

    def _grant(self, req: Request) -> Response:
        if self.client_id is not None:
            auth = req.headers.get("authorization", "")
            try:
                pair = base64.b64decode(auth.removeprefix("Basic ").encode(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                pair = ""
            if not auth.startswith("Basic ") or pair != f"{self.client_id}:{self.client_secret or ''}":
                return _error(401, "Unauthorized")
        if req.form.get("grant_type") != "client_credentials":
            return Response(200, {"error": "unsupported_grant_type"})
        with self._lock:
            self.tokens_issued += 1
        return Response(200, {"access_token": self.token, "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    # --- payloads --------------------------------------------------------------------------------------------

    def payload(self, item: dict, *, raw_json: bool = True, depth: int = 0, replies=None, link_fields=False) -> dict:
        """The ``{"kind", "data"}`` thing reddit.com serves for a dataset item."""
        esc = (lambda s: s) if raw_json else (lambda s: html.escape(s, quote=False))
        sub = item.get("subreddit") or "unknown"
        author = item.get("author") or "[deleted]"
        created = item.get("created_utc")
        common = {
            "id": item["id"],
            "name": fullname(item),
            "subreddit": sub,
            "subreddit_id": subreddit_id(sub),
            "subreddit_name_prefixed": f"r/{sub}",
            "author": author,
            "author_fullname": None if author in GONE else "t2_" + subreddit_id(author)[3:],
            "created": created,
            "created_utc": created,
            "score": item.get("score", 1),
            "ups": item.get("score", 1),
        }
        if item["kind"] == "t3":
            title, selftext = item.get("title", ""), item.get("selftext", "")
            permalink = item.get("permalink") or f"/r/{sub}/comments/{item['id']}/{slug(title)}/"
            data = {
                **deepcopy(T3_TEMPLATE),
                **common,
                "title": esc(title),
                "selftext": esc(selftext),
                "selftext_html": _html(selftext) if selftext else None,
                "num_comments": item.get("num_comments", self.thread_size.get(fullname(item), 0)),
                "permalink": permalink,
                "url": "https://www.reddit.com" + permalink,
                "domain": f"self.{sub}",
            }
        else:
            link_id = item.get("link_id") or ""
            post = self.by_name.get(link_id)
            post_title = (post or {}).get("title") or f"Post {link_id[3:]}"
            link_permalink = (post or {}).get("permalink") or f"/r/{sub}/comments/{link_id[3:]}/{slug(post_title)}/"
            body = item.get("body", "")
            data = {
                **deepcopy(T1_TEMPLATE),
                **common,
                "body": esc(body),
                "body_html": f'<div class="md"><p>{html.escape(body)}</p>\n</div>',
                "link_id": link_id,
                "parent_id": item.get("parent_id") or link_id,
                "permalink": item.get("permalink") or f"{link_permalink}{item['id']}/",
                "depth": depth,
                "replies": replies if replies is not None else "",
                "is_submitter": post is not None and post.get("author") == author and author not in GONE,
            }
            if link_fields:  # what /r/{sub}/comments and /api/info add about the comment's post
                data.update(
                    {
                        "link_title": esc(post_title),
                        "link_author": (post or {}).get("author") or "[deleted]",
                        "link_permalink": "https://www.reddit.com" + link_permalink,
                        "link_url": "https://www.reddit.com" + link_permalink,
                        "num_comments": (post or {}).get("num_comments", self.thread_size.get(link_id, 0)),
                        "over_18": False,
                        "quarantine": False,
                    }
                )
                del data["depth"]
        data.update(item.get("extra") or {})
        for key in item.get("drop_keys") or ():
            data.pop(key, None)
        return {"kind": item["kind"], "data": data}

    # --- listings --------------------------------------------------------------------------------------------

    def _page(self, req: Request, ordered: list[dict], thing, **extra) -> Response:
        """One page of a listing: limit, after/before, the listing cap."""
        q = req.query
        ordered = ordered[: self.listing_cap]
        try:
            limit = min(max(int(q.get("limit") or PAGE_DEFAULT), 1), PAGE_MAX)
        except ValueError:
            limit = PAGE_DEFAULT
        names = [fullname(i) for i in ordered]
        if q.get("after"):
            start = names.index(q["after"]) + 1 if q["after"] in names else len(ordered)
        elif q.get("before"):
            end = names.index(q["before"]) if q["before"] in names else 0
            start = max(0, end - limit)
            limit = end - start
        else:
            start = 0
        page = ordered[start : start + limit]
        after = names[start + len(page) - 1] if page and start + len(page) < len(ordered) else None
        before = names[start] if page and start > 0 else None
        return Response(200, _listing([thing(i) for i in page], after, before, **extra))

    def _subs(self, sub: str | None) -> set[str] | None:
        if not sub or sub.lower() == "all":
            return None
        return {s.lower() for s in sub.split("+")}

    def _in(self, item: dict, subs: set[str] | None) -> bool:
        return subs is None or (item.get("subreddit") or "").lower() in subs

    def _search(self, req: Request, m: re.Match) -> Response:
        q = req.query
        terms = parse_query(q.get("q", ""))
        restrict = str(q.get("restrict_sr", "")).lower() in ("1", "true", "on", "yes")
        subs = self._subs(m.groupdict().get("sub")) if restrict else None
        period = PERIODS.get(q.get("t", "all"), None)
        cutoff = self.clock() - period if period else None
        hits = [
            i
            for i in self._newest
            if i["kind"] == "t3"
            and terms
            and self._in(i, subs)
            and (cutoff is None or float(i.get("created_utc") or 0) >= cutoff)
            and any(t in f"{i.get('title', '')}\n{i.get('selftext', '')}".lower() for t in terms)
        ]
        sort = q.get("sort", "relevance")
        if sort == "top":
            hits.sort(key=lambda i: -int(i.get("score", 1)))
        elif sort == "comments":
            hits.sort(key=lambda i: -self.thread_size.get(fullname(i), 0))
        raw = q.get("raw_json") == "1"
        return self._page(req, hits, lambda i: self.payload(i, raw_json=raw), facets={})

    def _new(self, req: Request, m: re.Match) -> Response:
        subs = self._subs(m["sub"])
        posts = [i for i in self._newest if i["kind"] == "t3" and self._in(i, subs)]
        raw = req.query.get("raw_json") == "1"
        return self._page(req, posts, lambda i: self.payload(i, raw_json=raw))

    def _subreddit_comments(self, req: Request, m: re.Match) -> Response:
        subs = self._subs(m["sub"])
        comments = [i for i in self._newest if i["kind"] == "t1" and self._in(i, subs)]
        raw = req.query.get("raw_json") == "1"
        return self._page(req, comments, lambda i: self.payload(i, raw_json=raw, link_fields=True))

    def _info(self, req: Request, m: re.Match) -> Response:
        names = [n for n in req.query.get("id", "").split(",") if n in self.by_name]
        raw = req.query.get("raw_json") == "1"
        things = [self.payload(self.by_name[n], raw_json=raw, link_fields=n.startswith("t1_")) for n in names]
        return Response(200, _listing(things))

    # --- comment trees ---------------------------------------------------------------------------------------

    def _sorted(self, comments: list[dict], sort: str) -> list[dict]:
        if sort == "old":
            return sorted(comments, key=lambda i: (float(i.get("created_utc") or 0), i["id"]))
        if sort in ("top", "confidence", "best", "controversial", "q&a"):
            return sorted(comments, key=lambda i: (-int(i.get("score", 1)), i["id"]))
        return sorted(comments, key=lambda i: (-float(i.get("created_utc") or 0), i["id"]))

    def _descendants(self, item: dict) -> int:
        kids = self.children.get(fullname(item), [])
        return len(kids) + sum(self._descendants(k) for k in kids)

    def _depth(self, item: dict) -> int:
        depth, parent = 0, item.get("parent_id") or ""
        while parent.startswith("t1_") and parent in self.by_name and depth < 1000:
            depth, parent = depth + 1, self.by_name[parent].get("parent_id") or ""
        return depth

    @staticmethod
    def _more(rest: list[dict], parent_id: str, depth: int, count: int) -> dict:
        ids = [c["id"] for c in rest]
        return {
            "kind": "more",
            "data": {
                "count": count,
                "name": f"t1_{ids[0]}",
                "id": ids[0],
                "parent_id": parent_id,
                "depth": depth,
                "children": ids,
            },
        }

    @staticmethod
    def _continue(parent_id: str, depth: int) -> dict:
        """Reddit's "continue this thread" link: a ``more`` with no children and count 0."""
        return {
            "kind": "more",
            "data": {"count": 0, "name": "t1__", "id": "_", "parent_id": parent_id, "depth": depth, "children": []},
        }

    def _tree(self, siblings, parent_id, depth, max_depth, budget: list[int], sort, raw) -> list[dict]:
        out: list[dict] = []
        ordered = self._sorted(siblings, sort)
        for n, comment in enumerate(ordered):
            if budget[0] <= 0:
                rest = ordered[n:]
                count = len(rest) + sum(self._descendants(c) for c in rest)
                out.append(self._more(rest, parent_id, depth, count))
                break
            budget[0] -= 1
            name = fullname(comment)
            kids = self.children.get(name, [])
            if not kids:
                replies = ""
            elif max_depth is not None and depth + 1 >= max_depth:
                replies = _listing([self._continue(name, depth + 1)])
            else:
                replies = _listing(self._tree(kids, name, depth + 1, max_depth, budget, sort, raw))
            out.append(self.payload(comment, raw_json=raw, depth=depth, replies=replies))
        return out

    def _thread(self, req: Request, m: re.Match) -> Response:
        post = self.by_name.get(f"t3_{m['id']}")
        if post is None:
            return _error(404, "Not Found")
        q = req.query
        raw = q.get("raw_json") == "1"
        try:
            limit = min(max(int(q.get("limit") or 200), 1), TREE_MAX)
        except ValueError:
            limit = 200
        try:
            max_depth = int(q["depth"]) if q.get("depth") else None
        except ValueError:
            max_depth = None
        max_depth = max_depth if max_depth and max_depth > 0 else None
        sort = q.get("sort") or "confidence"
        focus = m.groupdict().get("comment")
        if focus:
            comment = self.by_name.get(f"t1_{focus}")
            if comment is None or comment.get("link_id") != fullname(post):
                return _error(404, "Not Found")
            roots, parent = [comment], comment.get("parent_id") or fullname(post)
        else:
            roots, parent = self.children.get(fullname(post), []), fullname(post)
        tree = self._tree(roots, parent, 0, max_depth, [limit], sort, raw)
        return Response(200, [_listing([self.payload(post, raw_json=raw)]), _listing(tree)])

    def _flat(self, comment: dict, depth: int, sort: str, raw: bool) -> list[dict]:
        out = [self.payload(comment, raw_json=raw, depth=depth)]
        for kid in self._sorted(self.children.get(fullname(comment), []), sort):
            out.extend(self._flat(kid, depth + 1, sort, raw))
        return out

    def _morechildren(self, req: Request, m: re.Match) -> Response:
        args = {**req.query, **req.form}
        link_id = args.get("link_id", "")
        sort = args.get("sort") or "confidence"
        raw = args.get("raw_json") == "1"
        wanted = [self.by_name.get(f"t1_{cid.strip()}") for cid in args.get("children", "").split(",")]
        wanted = [c for c in wanted if c is not None and c.get("link_id") == link_id]
        things: list[dict] = []
        for n, comment in enumerate(wanted):
            subtree = self._flat(comment, self._depth(comment), sort, raw)
            if things and len(things) + len(subtree) > MORECHILDREN_MAX:
                rest = wanted[n:]
                count = len(rest) + sum(self._descendants(c) for c in rest)
                things.append(self._more(rest, comment.get("parent_id") or link_id, self._depth(comment), count))
                break
            things.extend(subtree)
        return Response(200, {"json": {"errors": [], "data": {"things": things}}})
