"""The App Store source against a fake of Apple's customer-reviews RSS JSON feed on 127.0.0.1."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from demo.replay.appstore import AppStoreAPI
from demo.replay.server import ReplayServer
from pipeline.config import Config
from pipeline.records import Record, Reject, Window
from pipeline.sources import build_source
from pipeline.sources.base import SourceError

DAY = Window.for_day(date(2026, 10, 1))
APP = "123456789"


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.001)
    monkeypatch.delenv("BRANDPULSE_APPSTORE_URL", raising=False)


@pytest.fixture(scope="module")
def shared_server():
    with ReplayServer() as s:  # one server per module: stopping one takes half a second
        yield s


@pytest.fixture
def server(shared_server):
    shared_server.reset()
    return shared_server


def review(n: int, at: datetime, country: str = "us", **extra) -> dict:
    return {
        "id": f"{11000000000 + n}",
        "app_id": APP,
        "country": country,
        "author": f"Reviewer {n}",
        "created": at,
        "rating": 1 + n % 5,
        "title": f"Title {n}",
        "text": f"Parcelo review number {n}: the parcel tracking works fine for me",
        "votes": n % 7,
        "version": "2.3.1",
        **extra,
    }


def spread(count: int, start: datetime, step: timedelta, **extra) -> list[dict]:
    """``count`` reviews, the newest at ``start``, each ``step`` older than the one before."""
    return [review(i, start - i * step, **extra) for i in range(count)]


def source(url: str, **spec):
    config = Config.model_validate(
        {
            "brands": [
                {
                    "name": "Parcelo",
                    "sources": [
                        {
                            "type": "app_store",
                            "name": "ios",
                            "app_id": APP,
                            "base_url": url,
                            "timeout_s": 2,
                            "retries": 2,
                            **spec,
                        }
                    ],
                }
            ]
        }
    )
    return build_source(config, config.brands[0], "ios")


def fetch(src, window=DAY):
    items = list(src.fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def pages(server) -> list[str]:
    return [r.path.split("/")[4] for r in server.requests]


def test_pages_fields_and_state(server):
    newest = datetime(2026, 10, 1, 23, 0, tzinfo=UTC)
    us = spread(120, newest, timedelta(minutes=10))
    gb = [review(900 + i, newest - timedelta(hours=i), country="gb") for i in range(3)]
    AppStoreAPI(us + gb).mount(server)
    src = source(server.url, countries=["us", "gb"])
    records, rejects = fetch(src)
    assert rejects == []
    assert len(records) == 123 and len({r.native_id for r in records}) == 123
    # three pages for the US (the feed's rel=last link says 3), one for GB; never page 4
    assert pages(server) == ["page=1", "page=2", "page=3", "page=1"]
    first = next(r for r in records if r.native_id == "11000000007")
    assert first.source_type == "app_store" and first.platform == "app_store" and first.kind == "review"
    assert first.channel == f"{APP}/us" and first.rating == 3.0 and first.engagement == 0
    assert first.title == "Title 7" and first.text.startswith("Parcelo review number 7")
    assert first.language == "en" and first.created_at == (newest - timedelta(minutes=70)).isoformat()
    assert first.author_hash and len(first.author_hash) == 32 and "Reviewer" not in first.author_hash
    assert {r.channel for r in records if r.native_id.startswith("110000009")} == {f"{APP}/gb"}
    assert src.state["pages_read"] == {"us": 3, "gb": 1}
    assert src.state["newest_created_at"] == newest.isoformat()
    assert src.warnings == []


def test_an_empty_page_before_the_feeds_last_is_a_warning(server):
    """Apple's feed now and then answers a page with no entry although its rel=last link names a later one: the
    country stops there, and says so (it stopped silently, as at the feed's end)."""
    newest = datetime(2026, 10, 1, 23, 0, tzinfo=UTC)
    AppStoreAPI(spread(120, newest, timedelta(minutes=10))).mount(server)
    server.add_fault(r"page=2/", status=200, body={"feed": {"author": {}, "link": []}})
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 50 and pages(server) == ["page=1", "page=2"]
    assert src.warnings == [
        f"App Store {APP} (us): page 2 came back empty before the feed's last page, 3; older reviews of the window "
        "were not read"
    ]


def test_stops_at_the_first_page_older_than_the_window(server):
    newest = datetime(2026, 10, 1, 20, 0, tzinfo=UTC)
    AppStoreAPI(spread(300, newest, timedelta(minutes=20))).mount(server)  # 61 in the day, 300 in the feed
    records, _ = fetch(source(server.url))
    assert len(records) == 61
    assert pages(server) == ["page=1", "page=2"]  # page 2 reaches before the window: pages 3-6 are not read


def test_window_edges_in_apples_pacific_offsets(server):
    edges = {
        "at-start": DAY.start,
        "before-start": DAY.start - timedelta(seconds=1),
        "last-second": DAY.end - timedelta(seconds=1),
        "at-end": DAY.end,
    }
    AppStoreAPI([{**review(i, at), "id": name} for i, (name, at) in enumerate(edges.items())]).mount(server)
    body = requests.get(source(server.url).page_url("us", 1), timeout=5).json()
    assert body["feed"]["entry"][0]["updated"]["label"].endswith("-07:00")  # Apple's own offset
    src = source(server.url)
    items = list(src.fetch(DAY))
    assert all(isinstance(i, Record) for i in items)  # an entry outside the window yields nothing, not a None
    assert sorted(r.native_id for r in items) == ["at-start", "last-second"]
    assert min(r.created_at for r in items) == "2026-10-01T00:00:00+00:00"
    # the newest entry served, at the window's end, belongs to the next night: not this night's newest
    assert src.state["newest_created_at"] == (DAY.end - timedelta(seconds=1)).isoformat()


def test_single_review_page_has_an_entry_object(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    body = requests.get(source(server.url).page_url("us", 1), timeout=5).json()
    assert isinstance(body["feed"]["entry"], dict)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"] and rejects == []


def test_app_info_entry_and_empty_feed(server):
    AppStoreAPI(spread(3, datetime(2026, 10, 1, 12, tzinfo=UTC), timedelta(hours=1)), app_info=True).mount(server)
    records, rejects = fetch(source(server.url))
    assert len(records) == 3 and rejects == []
    server.requests.clear()
    src = source(server.url, countries=["de"])
    src.previous_state = {"newest_created_at": "2026-09-30T08:00:00+00:00"}
    records, rejects = fetch(src)  # nobody reviewed the app in Germany
    assert records == [] and rejects == [] and pages(server) == ["page=1"]
    assert src.state["newest_created_at"] == "2026-09-30T08:00:00+00:00"  # an empty night keeps the last one


def test_malformed_entries_are_quarantined_without_names(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    good = review(1, at)
    bad = [
        {**review(2, at), "rating": 6},
        {**review(3, at), "rating": "five"},
        {**review(4, at), "created": "last tuesday"},
        {**review(5, at), "title": "", "text": "  "},
        {**review(6, at), "raw": {"author": {"name": {"label": "Secret Name"}}, "updated": {"label": at.isoformat()}}},
        {**review(7, at), "raw": ["not", "an", "object"]},
    ]
    AppStoreAPI([good, *bad]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"]
    assert sorted(r.reason for r in rejects) == [
        "entry is a list, not an object",
        "rating '6' is outside 1-5",
        "rating 'five' is not a number",
        "review has neither text nor title",
        "review has no id",
        "updated [not shown: 12 characters: letters, spaces] is not an ISO-8601 time",  # words may be a name
    ]
    raws = " ".join(r.raw_record for r in rejects)
    assert "Reviewer" not in raws and "Secret Name" not in raws and "hmac:" in raws
    assert all(r.source == "ios" and r.location == "us page 1" for r in rejects)


def test_unicode_emoji_and_very_long_texts(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    long_text = "Parcelo 📦 " + "sehr gut, aber langsam. " * 20_000
    texts = {
        "emoji": "Parcelo 😡😡 lost my parcel AGAIN 📦🔥",
        "cjk": "パーセロのアプリは最高です！配達も早い",
        "long": long_text,
    }
    AppStoreAPI([{**review(i, at), "id": k, "text": t} for i, (k, t) in enumerate(texts.items())]).mount(server)
    records, _ = fetch(source(server.url))
    assert {r.native_id: r.text for r in records} == texts
    assert {r.native_id: r.language for r in records}["cjk"] == "ja"


def test_feed_cap_is_a_warning(server):
    AppStoreAPI(spread(600, datetime(2026, 10, 1, 23, 59, tzinfo=UTC), timedelta(seconds=30))).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 500 and pages(server)[-1] == "page=10" and len(server.requests) == 10
    assert len(src.warnings) == 1 and "500-review cap" in src.warnings[0]


def test_env_overrides_the_base_url(server, monkeypatch):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    monkeypatch.setenv("BRANDPULSE_APPSTORE_URL", server.url)
    records, _ = fetch(source("http://127.0.0.1:9", retries=0))  # the configured host is never asked
    assert len(records) == 1


def test_429_with_retry_after_is_honoured(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(r"/rss/", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    records, _ = fetch(source(server.url))
    assert time.monotonic() - started >= 0.9  # waited as told, not the (tiny) backoff
    assert len(records) == 1 and pages(server) == ["page=1", "page=1"]


def test_server_errors_are_retried(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(r"/rss/", status=503, times=1)
    server.add_fault(r"/rss/", status=500, times=1)
    records, _ = fetch(source(server.url, retries=2))
    assert len(records) == 1 and len(server.requests) == 3


def test_retries_exhausted_is_a_source_error(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(r"/rss/", status=500, times=3)
    with pytest.raises(SourceError, match=r"HTTP 500 from http://127\.0\.0\.1:\d+/us/rss/customerreviews/page=1/"):
        fetch(source(server.url, retries=2))
    assert len(server.requests) == 3


def test_timeouts_are_retried_then_fail(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(r"/rss/", status=200, delay=1.0)
    records, _ = fetch(source(server.url, timeout_s=0.25, retries=1))
    assert len(records) == 1 and len(server.requests) == 2
    server.add_fault(r"/rss/", status=200, delay=1.0, times=2)
    with pytest.raises(SourceError, match=r"/us/rss/customerreviews/page=1/id=123456789/sortby=mostrecent/json failed"):
        fetch(source(server.url, timeout_s=0.25, retries=1))


def test_malformed_json_is_a_source_error(server):
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(r"/rss/", malformed=True)
    with pytest.raises(SourceError, match="malformed JSON"):
        fetch(source(server.url))
    server.add_fault(r"/rss/", status=200, body={"feed": {"entry": "nope"}})
    with pytest.raises(SourceError, match=r"'feed\.entry' is a str"):
        fetch(source(server.url))
    server.add_fault(r"/rss/", status=200, body=json.dumps([1, 2]))
    with pytest.raises(SourceError, match="without a 'feed' object"):
        fetch(source(server.url))


def test_max_items_is_a_warning(server):
    AppStoreAPI(spread(120, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    src = source(server.url, max_items=60)
    records, _ = fetch(src)
    assert len(records) == 60 and pages(server) == ["page=1", "page=2"]
    assert len(src.warnings) == 1 and "max_items=60" in src.warnings[0]
    server.requests.clear()
    src = source(server.url, max_items=50)  # the cap ends with a full page: the next page is not asked for
    records, _ = fetch(src)
    assert len(records) == 50 and pages(server) == ["page=1"]
    assert len(src.warnings) == 1 and "max_items=50" in src.warnings[0]


@pytest.mark.parametrize(("count", "spec"), [(50, {"max_items": 50}), (100, {"max_pages": 2})])
def test_a_feed_that_ends_exactly_at_a_cap_is_no_truncation(server, count, spec):
    """The feed's rel=last link says page 1 (or 2) was its last: reading all of it at max_items or max_pages cut
    nothing, but the extract was marked truncated ("older reviews of the window were not read")."""
    AppStoreAPI(spread(count, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    src = source(server.url, **spec)
    records, _ = fetch(src)
    assert len(records) == count and src.warnings == []


def test_a_review_repeated_on_the_next_page_is_read_once(server):
    """Apple's feed shifts when a review comes in between two page requests: the last review of a page is served
    again at the top of the next. It is one record."""
    reviews = spread(80, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=10))
    AppStoreAPI([*reviews[:50], reviews[49], *reviews[50:]]).mount(server)  # review 49 ends page 1, starts page 2
    records, rejects = fetch(source(server.url))
    assert pages(server) == ["page=1", "page=2"] and rejects == []
    assert len(records) == 80 and len({r.native_id for r in records}) == 80


def placed(n: int, place: datetime, updated: str) -> dict:
    """Review ``n`` served where ``place`` sorts, but with ``updated`` as its time."""
    r = review(n, place)
    return {**r, "raw": {**AppStoreAPI._entry(r, APP, "us"), "updated": {"label": updated}}}


def test_an_entry_dated_before_2000_is_quarantined_and_one_out_of_order_is_a_warning(server):
    """Neither ends the feed early (each is the last entry of a page): the stop is three reviews in a row older
    than the window, by position, not the oldest time seen."""
    step = timedelta(minutes=10)
    good = spread(200, DAY.start + 143 * step + step / 2, step)  # 144 in the window
    zero = placed(900, good[49]["created"] + timedelta(seconds=1), "1970-01-01T00:00:00-07:00")  # page 1's last
    stray = placed(901, good[98]["created"] + timedelta(seconds=1), "2019-05-01T10:00:00-07:00")  # page 2's last
    AppStoreAPI([*good, zero, stray]).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(records) == 144 and pages(server) == ["page=1", "page=2", "page=3"]
    assert [r.reason for r in rejects] == ["'updated' time 1970-01-01 07:00:00 UTC is implausible (before 2000)"]
    assert len(src.warnings) == 1 and "not newest first" in src.warnings[0] and "2019-05-01 17:00:00" in src.warnings[0]


def test_a_rejected_entry_keeps_its_quarantine_id_while_its_votes_change(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    keys = []
    for votes in (1, 9):
        server.reset()
        AppStoreAPI([review(1, at, rating=6, votes=votes, vote_sum=votes)]).mount(server)
        _, rejects = fetch(source(server.url))
        assert len(rejects) == 1 and json.loads(rejects[0].raw_record)["im:voteCount"] == {"label": str(votes)}
        keys.append(rejects[0].quarantine_id)
    assert keys[0] == keys[1]
