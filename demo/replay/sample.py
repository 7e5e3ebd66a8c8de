"""The demo's replay server: the bundled sample data, served over the sources' real APIs on 127.0.0.1.

The sample folder holds one listening export (``mentions.csv``) and one review export (``reviews.jsonl``) per
brand. Their Reddit rows are served by the Reddit API, their forum threads by Hacker News' Algolia API, and
their App Store and Google Play reviews by those stores' APIs; the demo config reads those platforms with
the network sources, over HTTP, and leaves the rest (X/Twitter, Instagram, Trustpilot) to file drops.

``python -m demo.replay`` runs this server in the foreground, for trying single nights by hand.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from demo.replay.server import ReplayServer

SAMPLE = Path(__file__).resolve().parents[1] / "sample"
BRANDS = ("parcelo", "brewbird", "novabank")
APP_IDS = {  # the demo config's app ids per brand: (App Store id, Google Play package)
    "parcelo": ("1480331921", "com.parcelo.app"),
    "brewbird": ("1560294871", "com.brewbird.coffee"),
    "novabank": ("1437208842", "uk.co.novabank.mobile"),
}


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _mention_rows(brand: str):
    with (SAMPLE / brand / "mentions.csv").open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _review_rows(brand: str):
    with (SAMPLE / brand / "reviews.jsonl").open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except ValueError:
                continue  # the sample's deliberately malformed lines belong to the file-drop demo
            if isinstance(row, dict):
                yield row


def _int(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def reddit_items(brands=BRANDS) -> list[dict]:
    """Reddit posts (t3) and comments (t1) of the sample, in the RedditAPI input shape."""
    items = []
    for brand in brands:
        for row in _mention_rows(brand):
            if row["platform"] != "reddit" or row["post_id"][:3] not in ("t1_", "t3_"):
                continue
            try:
                created = _time(row["posted_at"]).timestamp()
            except ValueError:
                continue
            sub = row["channel"].removeprefix("r/")
            link = re.search(r"/comments/(\w+)/", row["link"] or "")
            item = {
                "kind": row["post_id"][:2],
                "id": row["post_id"][3:],
                "subreddit": sub,
                "author": row["author"] or "[deleted]",
                "created_utc": created,
                "score": _int(row["likes"]),
            }
            if item["kind"] == "t3":
                title, _, body = row["body"].partition("\n\n")
                item.update(title=title, selftext=body, num_comments=_int(row["replies"]))
            else:
                parent = f"t3_{link.group(1)}" if link else "t3_000000"
                item.update(body=row["body"], link_id=parent, parent_id=parent)
            items.append(item)
    return items


def hackernews_items(brands=BRANDS) -> list[dict]:
    """The sample's forum threads as Hacker News comments, in the HackerNewsAPI input shape."""
    items = []
    for brand in brands:
        for n, row in enumerate(_mention_rows(brand)):
            if row["platform"] != "forum":
                continue
            try:
                created = _time(row["posted_at"])
            except ValueError:
                continue
            items.append(
                {
                    "id": str(40_000_000 + sum(map(ord, brand)) * 10_000 + n),
                    "kind": "comment",
                    "author": row["author"] or None,
                    "created": created,
                    "title": None,
                    "text": row["body"],
                    "url": None,
                    "points": None,
                    "num_comments": None,
                    "story_id": 39_000_000 + n // 7,
                    "parent_id": 39_000_000 + n // 7,
                    "story_title": f"Ask HN: experiences with {brand.capitalize()}?",
                }
            )
    return items


def review_items(store: str, brands=BRANDS) -> list[dict]:
    """App Store or Google Play reviews of the sample, in the replay APIs' review input shape."""
    items = []
    for brand in brands:
        apple, play = APP_IDS[brand]
        for row in _review_rows(brand):
            if row.get("store") != store:
                continue
            items.append(
                {
                    "id": str(row.get("review_id")),
                    "app_id": apple if store == "app_store" else play,
                    "country": "gb",
                    "author": row.get("user_name"),
                    "created": row.get("date"),
                    "rating": row.get("rating"),
                    "title": row.get("title"),
                    "text": row.get("content"),
                    "votes": row.get("thumbs_up") or 0,
                    "version": row.get("app_version"),
                }
            )
    return items


def _created(item: dict) -> datetime | None:
    """When an item was created; None when it cannot be told (such items are always served: the source
    quarantines them)."""
    try:
        if "created_utc" in item:
            return datetime.fromtimestamp(item["created_utc"], UTC)
        created = item["created"]
        return created if isinstance(created, datetime) else _time(str(created))
    except (TypeError, ValueError, OverflowError):
        return None


@lru_cache(maxsize=1)
def _datasets() -> dict[str, list[dict]]:
    return {
        "reddit": reddit_items(),
        "hackernews": hackernews_items(),
        "app_store": review_items("app_store"),
        "google_play": review_items("google_play"),
    }


def mount(server: ReplayServer, until: datetime | None = None) -> ReplayServer:
    """(Re)mount every API over the sample items created before ``until`` (all of them when None): the
    services as they looked at that moment, so a replayed night reads what existed at 02:00 that night."""
    from demo.replay.appstore import AppStoreAPI
    from demo.replay.googleplay import GooglePlayAPI
    from demo.replay.hackernews import HackerNewsAPI
    from demo.replay.reddit import RedditAPI

    data = {
        name: [i for i in items if until is None or (_created(i) or until) <= until]
        for name, items in _datasets().items()
    }
    server.routes.clear()
    RedditAPI(data["reddit"]).mount(server)
    HackerNewsAPI(data["hackernews"]).mount(server)
    by_app = defaultdict(list)
    for item in data["app_store"]:
        by_app[(item["app_id"], item["country"])].append(item)
    AppStoreAPI(dict(by_app)).mount(server)
    by_pkg = defaultdict(list)
    for item in data["google_play"]:
        by_pkg[item["app_id"]].append(item)
    GooglePlayAPI(dict(by_pkg)).mount(server)
    if hasattr(server, "received_alerts"):
        _capture_route(server)
    return server


def start(server: ReplayServer | None = None, until: datetime | None = None) -> ReplayServer:
    """Mount every API over the sample data on one server and start it; returns the running server."""
    return mount(server or ReplayServer(), until).start()


def _capture_route(server: ReplayServer) -> None:
    import json

    from demo.replay.server import Response

    def keep(req, _match):
        server.received_alerts.append({"path": req.path, "body": json.loads(req.body or b"{}")})
        return Response(200, "ok")

    server.route("POST", r"^/hooks/", keep)


def capture_alerts(server: ReplayServer) -> list[dict]:
    """Stand-ins for a Slack incoming webhook and an incident tool's webhook: they keep what they receive."""
    server.received_alerts = []
    _capture_route(server)
    return server.received_alerts


def environment(server: ReplayServer) -> dict[str, str]:
    """The variables that point the sources at the replay server (and the demo's throwaway Reddit app)."""
    return {
        "BRANDPULSE_REDDIT_OAUTH_URL": server.url,
        "BRANDPULSE_REDDIT_URL": server.url,
        "BRANDPULSE_APPSTORE_URL": server.url,
        "BRANDPULSE_GOOGLE_PLAY_URL": server.url,
        "BRANDPULSE_HN_URL": server.url,
        "BRANDPULSE_SLACK_WEBHOOK": f"{server.url}/hooks/slack/T0DEMO/B0DEMO/demo",
        "BRANDPULSE_ALERT_WEBHOOK": f"{server.url}/hooks/incidents",
        "praw_client_id": "demo-client",
        "praw_client_secret": "demo-secret-not-a-real-one",
        "praw_user_agent": "brandpulse-demo/0.1 (replay)",
    }
