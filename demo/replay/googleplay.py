"""A fake of Google Play's review RPC, in the exact format google-play-scraper 1.2.7 sends and parses.

    with ReplayServer() as server:
        GooglePlayAPI(reviews).mount(server)
        # POST {server.url}/_/PlayStoreUi/data/batchexecute?hl=en&gl=us  (body f.req=..., rpc "oCPfdb")

``reviews`` is a mapping ``{app_id: [review, ...]}`` or a plain list of reviews (grouped by ``app_id``). A
review is a dict::

    {"id": "gp:AOqpTOE…",            # reviewId
     "app_id": "com.parcelo.app",    # only needed in the list form
     "country": "us",                # optional: served only for this gl; absent = every country
     "author": "Jane Doe",           # userName
     "created": datetime | ISO str,  # served as [epoch seconds, nanoseconds]
     "rating": 4,                    # score (served as given)
     "text": "…",                    # content (None: a bare star rating)
     "votes": 5,                     # thumbsUpCount
     "version": "2.3.1",             # reviewCreatedVersion / appVersion
     "reply": "…", "replied": datetime | ISO str,   # optional developer reply
     "raw": [...]}                   # optional: served verbatim as the review array (malformed-review tests)

The wire format (what ``google_play_scraper.features.reviews`` parses)::

    request:  POST /_/PlayStoreUi/data/batchexecute?hl={lang}&gl={country}
              f.req=[[["oCPfdb","[null,[2,{sort},[{count}(,null,\\"{token}\\")],null,[null,{score},…]],
                                   [\\"{app_id}\\",7]]",null,"generic"]]]
    response: )]}'\\n\\n[["wrb.fr","oCPfdb","<payload JSON as a string>",null,null,null,"generic"],["di",…],…]
    payload:  [[review, …], [null, "<next token>"], null]      while more reviews follow
              [[review, …], null]                               on the last page (the library reads
                                                                payload[-2][-1] as the token)
    review:   ["gp:…", ["Jane Doe", [null, 2, null, [null, null, "https://play-lh…"]]], 4, null, "text",
               [1790000000, 123000000], 5, ["Developer", "reply", [1790003600, 0]] | null, null, null,
               "2.3.1", null, null]

Like the real service: newest first (``sort`` 2; the fake orders every sort that way), at most
``max_page_size`` (200) reviews per answer (``page_size``: that many whatever was asked, as Google's page size
is its own), URL-safe continuation tokens, a ``filter_score_with`` star filter,
and each continuation page starting ``repeat`` (2) reviews before where the previous one ended, so clients
see repeated reviews. An unknown RPC or token is HTTP 400 with an ``er`` frame. :data:`PLAY_GATEWAY_ERROR`
is the 200 answer Google sends when it rate-limits, for fault injection::

    server.add_fault(r"batchexecute", status=200, body=PLAY_GATEWAY_ERROR)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from demo.replay.server import ReplayServer, Request, Response

ROUTE = r"^/_/PlayStoreUi/data/batchexecute$"
PREFIX = ")]}'\n\n"
PLAY_GATEWAY_ERROR = (
    PREFIX + '[["er",null,null,null,null,429,null,null,null,8,null,[null,null,null,null,null,'
    '[["type.googleapis.com/com.google.play.gateway.proto.PlayGatewayError",[null,null,[429]]]]]],'
    '["di",27],["af.httprm",26,"-3141592653589793238",12]]'
)
_TRAILER = [["di", 41], ["af.httprm", 40, "-7263118424733960345", 31]]


def _epoch(value) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds = int(value.timestamp())
    return [seconds, value.microsecond * 1000]


def _error(status: int, code: int) -> Response:
    body = PREFIX + json.dumps([["er", None, None, None, None, status, None, None, None, code], *_TRAILER])
    return Response(status, body.encode(), {"Content-Type": "application/json; charset=utf-8"})


def encode_token(app_id: str, country: str, offset: int) -> str:
    return "Cp" + base64.urlsafe_b64encode(f"{app_id}|{country}|{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, str, int]:
    blob = token[2:] + "=" * (-len(token[2:]) % 4)
    app_id, country, offset = base64.urlsafe_b64decode(blob.encode()).decode().split("|")
    return app_id, country, int(offset)


class GooglePlayAPI:
    def __init__(
        self,
        reviews: Mapping[str, list[dict]] | Iterable[dict],
        max_page_size: int = 200,
        repeat: int = 2,
        page_size: int | None = None,
    ):
        if isinstance(reviews, Mapping):
            self.reviews = {app: list(rs) for app, rs in reviews.items()}
        else:
            self.reviews = {}
            for r in reviews:
                self.reviews.setdefault(r["app_id"], []).append(r)
        self.max_page_size, self.repeat, self.page_size = max_page_size, repeat, page_size

    def mount(self, server: ReplayServer) -> GooglePlayAPI:
        server.route("POST", ROUTE, self._batchexecute)
        return self

    def _batchexecute(self, req: Request, m) -> Response:
        country = req.query.get("gl", "us").lower()
        try:
            envelope = json.loads(req.form["f.req"])
            rpcid, args = envelope[0][0][0], json.loads(envelope[0][0][1])
        except (KeyError, IndexError, TypeError, ValueError):
            return _error(400, 3)
        if rpcid != "oCPfdb":
            return _error(400, 5)
        try:
            app_id = args[2][0]
            size = args[1][2]
            count, token = int(size[0]), (size[2] if len(size) > 2 else None)
            score = args[1][4][1] if len(args[1]) > 4 and isinstance(args[1][4], list) else None
        except (IndexError, TypeError, ValueError):
            return _error(400, 3)
        offset = 0
        if token is not None:
            try:
                token_app, token_country, offset = decode_token(token)
            except (ValueError, UnicodeDecodeError):
                return _error(400, 3)
            if (token_app, token_country) != (app_id, country):
                return _error(400, 3)
        items = [
            r
            for r in self.reviews.get(app_id, [])
            if r.get("country") in (None, country) and (score is None or r.get("rating") == score)
        ]
        never = [2**62, 0]  # unreadable times first, so malformed reviews are served
        items.sort(key=lambda r: _epoch(r.get("created")) or never, reverse=True)
        page = items[offset : offset + (self.page_size or min(max(count, 1), self.max_page_size))]
        end = offset + len(page)
        arrays = [self._array(r) for r in page]
        if end < len(items):
            next_offset = max(offset + 1, end - self.repeat)
            payload = [arrays, [None, encode_token(app_id, country, next_offset)], None]
        else:
            payload = [arrays, None]
        frame = ["wrb.fr", "oCPfdb", json.dumps(payload, ensure_ascii=False), None, None, None, "generic"]
        body = PREFIX + json.dumps([frame, *_TRAILER], ensure_ascii=False) + "\n"
        return Response(200, body.encode("utf-8"), {"Content-Type": "application/json; charset=utf-8"})

    @staticmethod
    def _array(r: dict) -> list:
        if "raw" in r:
            return r["raw"]
        reply = None
        if r.get("reply") is not None:
            reply = ["Parcelo Support", r["reply"], _epoch(r.get("replied") or r.get("created"))]
        avatar = f"https://play-lh.googleusercontent.com/a-/ALV-UjX{abs(len(str(r.get('author'))))}"
        return [
            str(r["id"]),
            [r.get("author", "A Google user"), [None, 2, None, [None, None, avatar]]],
            r.get("rating"),
            None,
            r.get("text"),
            _epoch(r.get("created")),
            r.get("votes", 0),
            reply,
            None,
            None,
            r.get("version"),
            None,
            None,
        ]
