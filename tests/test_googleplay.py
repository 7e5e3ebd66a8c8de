"""The Google Play source: the real google-play-scraper against a fake of Google's review RPC on 127.0.0.1."""

from __future__ import annotations

import json
import ssl
import threading
import time
from datetime import UTC, date, datetime, timedelta

import google_play_scraper
import pytest
import requests
from google_play_scraper.constants.request import Formats

from demo.replay.googleplay import PLAY_GATEWAY_ERROR, GooglePlayAPI
from demo.replay.server import ReplayServer
from pipeline.config import Config
from pipeline.records import Record, Reject, Window
from pipeline.sources import build_source
from pipeline.sources import googleplay as gp
from pipeline.sources.base import SourceError

DAY = Window.for_day(date(2026, 10, 1))
APP = "com.parcelo.app"
RPC = r"^/_/PlayStoreUi/data/batchexecute$"


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.001)
    monkeypatch.delenv("BRANDPULSE_GOOGLE_PLAY_URL", raising=False)


@pytest.fixture(scope="module")
def shared_server():
    with ReplayServer() as s:  # one server per module: stopping one takes half a second
        yield s


@pytest.fixture
def server(shared_server):
    shared_server.reset()
    return shared_server


def review(n: int, at: datetime, **extra) -> dict:
    return {
        "id": f"gp:AOqpTO{n:06d}",
        "app_id": APP,
        "author": f"Play User {n}",
        "created": at,
        "rating": 1 + n % 5,
        "text": f"Parcelo delivery {n} arrived on time, tracking was accurate",
        "votes": n % 11,
        "version": "4.2.0",
        **extra,
    }


def spread(count: int, start: datetime, step: timedelta, **extra) -> list[dict]:
    return [review(i, start - i * step, **extra) for i in range(count)]


def source(url: str, **spec):
    config = Config.model_validate(
        {
            "brands": [
                {
                    "name": "Parcelo",
                    "sources": [
                        {
                            "type": "google_play",
                            "name": "play",
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
    return build_source(config, config.brands[0], "play")


def fetch(src, window=DAY):
    items = list(src.fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def first_page(server, count=100) -> str:
    """What the fake answers google-play-scraper's first request, fetched the way the library asks."""
    body = Formats.Reviews.build_body(APP, 2, count, "null", "null", None)
    url = f"{server.url}/_/PlayStoreUi/data/batchexecute?hl=en&gl=us"
    return requests.post(url, data=body, headers={"content-type": "application/x-www-form-urlencoded"}).text


def test_pages_are_followed_and_repeats_deduped(server):
    newest = datetime(2026, 10, 1, 23, 0, 0, 250_000, tzinfo=UTC)
    reviews = spread(250, newest, timedelta(minutes=5))
    reviews[3] = {**reviews[3], "reply": "Sorry to hear that! Contact support@parcelo.example"}
    GooglePlayAPI(reviews).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert rejects == []
    assert len(records) == 250 and len({r.native_id for r in records}) == 250
    assert len(server.requests) == 3 and src.state["repeated_reviews"] == 4  # pages 1-100, 99-198, 197-250
    assert server.requests[0].query == {"hl": "en", "gl": "us"}
    by_id = {r.native_id: r for r in records}
    r3 = by_id["gp:AOqpTO000003"]
    assert r3.text == "Parcelo delivery 3 arrived on time, tracking was accurate"  # the reply is not the review
    assert r3.rating == 4.0 and r3.engagement == 3 and r3.channel == f"{APP}/us" and r3.kind == "review"
    assert r3.source_type == "google_play" and r3.platform == "google_play" and r3.language == "en"
    assert r3.created_at == (newest - timedelta(minutes=15)).isoformat()  # exact, from the epoch
    assert r3.author_hash and "Play User" not in r3.author_hash and len(r3.author_hash) == 32
    assert by_id["gp:AOqpTO000000"].engagement == 0  # no thumbs up is a count of 0, not an unknown
    assert src.state["newest_created_at"] == newest.isoformat() and src.warnings == []


def test_the_fake_repeats_reviews_across_pages(server):
    GooglePlayAPI(spread(150, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    url = f"{server.url}/_/PlayStoreUi/data/batchexecute?hl=en&gl=us"
    with requests.Session() as session:  # the library's request format, one page per request
        page1, token = gp.fetch_page(
            session, url, Formats.Reviews.build_body(APP, 2, 100, "null", "null", None), 0, "t"
        )
        page2, _ = gp.fetch_page(session, url, Formats.Reviews.build_body(APP, 2, 100, "null", "null", token), 0, "t")
    ids1, ids2 = [r[0] for r in page1], [r[0] for r in page2]
    assert len(ids1) == 100 and ids2[:2] == ids1[-2:] and len(ids2) == 52


def test_a_host_urllib3_cannot_read_is_a_source_error():
    """``play..google.com`` (a typo in base_url or $BRANDPULSE_GOOGLE_PLAY_URL): urllib3 raises past requests."""
    with requests.Session() as session, pytest.raises(SourceError) as err:
        gp.fetch_page(session, "https://play..google.com/_/PlayStoreUi/data/batchexecute?hl=en", b"", 0, "t")
    assert str(err.value) == (
        "t: https://play..google.com/_/PlayStoreUi/data/batchexecute: the URL's host cannot be read as a host name; "
        "check the URL"
    )


def test_stops_at_the_first_page_older_than_the_window(server):
    GooglePlayAPI(spread(1000, datetime(2026, 10, 1, 20, tzinfo=UTC), timedelta(minutes=20))).mount(server)
    records, _ = fetch(source(server.url))
    assert len(records) == 61 and len(server.requests) == 1


def test_window_edges(server):
    edges = {
        "at-start": DAY.start,
        "just-before-start": DAY.start - timedelta(milliseconds=1),
        "just-before-end": DAY.end - timedelta(milliseconds=1),
        "at-end": DAY.end,
    }
    GooglePlayAPI([{**review(i, at), "id": k} for i, (k, at) in enumerate(edges.items())]).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert sorted(r.native_id for r in records) == ["at-start", "just-before-end"]
    assert src.state["outside_window"] == 2  # each review read is a record, a reject or a counted skip


def test_countries_share_reviews_once(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    GooglePlayAPI([review(1, at), review(2, at, country="gb"), review(3, at, country="us")]).mount(server)
    records, _ = fetch(source(server.url, countries=["us", "gb"]))
    assert {r.native_id: r.channel for r in records} == {
        "gp:AOqpTO000001": f"{APP}/us",  # served to both countries, kept once
        "gp:AOqpTO000002": f"{APP}/gb",
        "gp:AOqpTO000003": f"{APP}/us",
    }
    assert [r.query["gl"] for r in server.requests] == ["us", "gb"]


def test_a_second_country_serving_the_same_reviews_is_no_truncation(server):
    """Google serves most reviews to every country: the second country's first page repeats the first's, and
    reaching back past the window's start, it ends the listing as a new page would, without a warning."""
    # 300 reviews half an hour apart: the first page of 100 reaches back two days, past the window's start
    GooglePlayAPI(spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=30))).mount(server)
    src = source(server.url, countries=["us", "gb"])
    records, _ = fetch(src)
    assert len(records) == 47  # 23:00 back to 00:00, once
    assert src.warnings == [] and src.state["repeated_reviews"] == 100


def test_a_second_country_reads_on_past_pages_the_first_country_had(server):
    """The loop guard is the country's own listing: a page of reviews another country's listing had moves this
    one on, so a review served only to the second country, three pages down, is read."""
    shared = spread(250, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=5))  # 23:00 back to 02:15
    GooglePlayAPI([*shared, review(999, datetime(2026, 10, 1, 1, tzinfo=UTC), country="gb")]).mount(server)
    src = source(server.url, countries=["us", "gb"])
    records, _ = fetch(src)
    assert len(records) == 251 and "gp:AOqpTO000999" in {r.native_id for r in records}
    assert src.warnings == [] and src.state["requests"] == {"us": 3, "gb": 3}


def test_empty_app_rating_only_and_malformed_reviews(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    GooglePlayAPI(
        [
            review(1, at),
            review(2, at, text=None),  # a bare star rating
            review(8, at, text=" \n\t"),  # blanks say nothing either
            review(3, at, rating=0),
            review(4, at, rating=6),
            review(5, at, rating="five"),
            review(6, at, created=None),
            {**review(7, at), "raw": [None, ["Secret Name", None], 5, None, "no id", [1790856000, 0]]},
        ]
    ).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert [r.native_id for r in records] == ["gp:AOqpTO000001"]
    assert src.state["skipped_no_text"] == 2
    assert sorted(r.reason for r in rejects) == [
        "review has no reviewId",
        "review has no time",
        "score 'five' is not a number",
        "score 0 is outside 1-5",
        "score 6 is outside 1-5",
    ]
    raws = " ".join(r.raw_record for r in rejects)
    assert "Play User" not in raws and "Secret Name" not in raws and "hmac:" in raws
    src = source(server.url, app_id="com.nobody.reviews")
    src.previous_state = {"newest_created_at": "2026-09-30T08:00:00+00:00"}
    records, rejects = fetch(src)
    assert records == rejects == []
    assert src.state["newest_created_at"] == "2026-09-30T08:00:00+00:00"  # an empty night keeps the last one


def test_unicode_emoji_and_very_long_texts(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    texts = {
        "emoji": "Parcelo 😡😡 lost my parcel AGAIN 📦🔥 \U0001f9d1\u200d\U0001f4bb",
        "arabic": "تطبيق بارسيلو ممتاز والتوصيل سريع جدا",
        "quotes": 'He said "Parcelo" \\ then left\nnew line',
        "long": "Parcelo 📦 " + "très lent, vraiment. " * 20_000,
    }
    GooglePlayAPI([{**review(i, at), "id": k, "text": t} for i, (k, t) in enumerate(texts.items())]).mount(server)
    records, _ = fetch(source(server.url))
    assert {r.native_id: r.text for r in records} == texts
    assert {r.native_id: r.language for r in records}["arabic"] == "ar"


def test_max_items_is_a_warning(server):
    GooglePlayAPI(spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    src = source(server.url, max_items=150)
    records, _ = fetch(src)
    assert len(records) == 150 and "max_items=150" in src.warnings[0]
    server.requests.clear()
    src = source(server.url, max_items=100)  # the cap ends with the first page: the next is not asked for
    records, _ = fetch(src)
    assert len(records) == 100 and len(server.requests) == 1
    assert len(src.warnings) == 1 and "max_items=100" in src.warnings[0]


def test_a_listing_that_ends_at_max_items_is_no_truncation_and_asks_for_no_more(server):
    """Thirty reviews with max_items=30: the page asked for holds at most max_items (a page of 100 read for 30 kept
    is wasted), and the listing's end (no token) coming at the cap cut nothing: no warning, which would mark the
    extract truncated."""
    GooglePlayAPI(spread(30, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    src = source(server.url, max_items=30)
    records, _ = fetch(src)
    assert len(records) == 30 and len(server.requests) == 1 and src.warnings == []
    envelope = json.loads(server.requests[0].form["f.req"])
    assert json.loads(envelope[0][0][1])[1][2][0] == 30  # the count asked for


def test_a_page_with_one_review_not_seen_before_moves_the_listing_on(server):
    """Pages of three that each start two reviews back bring one new review apiece: the loop guard stops only a
    page of nothing but repeats, so all ten reviews are read, one page each, without a warning."""
    GooglePlayAPI(spread(10, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1)), page_size=3).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 10 and len(server.requests) == 8 and src.warnings == []


def test_a_quarantined_review_repeated_on_the_next_page_is_quarantined_once(server):
    """Google's next page starts two reviews back: a bad review at the end of a page is served again, and is
    a repeat (one reject), not a second reject of the same review."""
    reviews = spread(150, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=5))
    reviews[99] = {**reviews[99], "rating": 6}  # the first page's last review, the second page's second
    GooglePlayAPI(reviews).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(server.requests) == 2 and src.state["repeated_reviews"] == 2
    assert len(records) == 149 and [r.reason for r in rejects] == ["score 6 is outside 1-5"]


def test_a_quarantined_review_without_an_id_on_the_pages_overlap_is_one_reject(server):
    """A review without a reviewId at the end of a page is served again at the start of the next: one reject (it was
    two of the same quarantine id, counted twice in the extract step's quarantined rows), the repeat counted."""
    reviews = spread(150, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=5))
    raw = GooglePlayAPI._array(reviews[99])
    reviews[99] = {**reviews[99], "raw": [None, *raw[1:]]}  # the first page's last review, the second page's second
    GooglePlayAPI(reviews).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(server.requests) == 2 and len(records) == 149
    assert [r.reason for r in rejects] == ["review has no reviewId"] and src.state["repeated_reviews"] == 2


def test_a_page_of_only_repeats_stops_the_listing(server):
    GooglePlayAPI(spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    server.add_fault(RPC, status=200, body=first_page(server), times=2)  # Google loops back to the start
    server.requests.clear()
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 100 and len(server.requests) == 2
    assert "repeated only reviews already read" in src.warnings[0]


def test_an_empty_page_with_a_token_ends_the_listing(server):
    GooglePlayAPI(spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    empty = ")]}'\n\n" + '[["wrb.fr","oCPfdb","[[],[null,\\"CpXXXX\\"],null]",null,null,null,"generic"]]'
    server.add_fault(RPC, status=200, body=empty)
    records, _ = fetch(source(server.url))
    assert records == [] and len(server.requests) == 1  # the library alone would ask again forever


def test_an_rpc_error_status_in_place_of_the_next_page_is_a_source_error_not_the_listings_end(server):
    """Google refusing a continuation token answers HTTP 200 with the reviews frame's payload null and an error
    status in its place: it was read as an app without reviews, so the listing ended after page 1 (100 of the
    window's 300 reviews), without a warning."""
    GooglePlayAPI(spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    server.add_fault(RPC, status=200, body=first_page(server))
    server.add_fault(RPC, status=200, body=")]}'\n\n" + '[["wrb.fr","oCPfdb",null,null,null,[5],"generic"],["di",27]]')
    with pytest.raises(SourceError, match=r"reviews of com\.parcelo\.app \(en-us\).*error status \[5\]"):
        fetch(source(server.url))
    server.reset()  # without a status, a null payload is still an app without reviews
    server.add_fault(RPC, status=200, body=")]}'\n\n" + '[["wrb.fr","oCPfdb",null,null,null,null,"generic"]]')
    assert fetch(src := source(server.url)) == ([], []) and src.warnings == []


def test_env_overrides_the_base_url(server, monkeypatch):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    monkeypatch.setenv("BRANDPULSE_GOOGLE_PLAY_URL", server.url)
    records, _ = fetch(source("http://127.0.0.1:9", retries=0))
    assert len(records) == 1


def test_429_with_retry_after_is_honoured(server):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    records, _ = fetch(source(server.url))
    assert time.monotonic() - started >= 0.9 and len(records) == 1 and len(server.requests) == 2
    assert server.requests[1].form["f.req"] == server.requests[0].form["f.req"]  # the POST itself was repeated


def test_a_retry_after_over_five_minutes_fails_at_once_saying_what_the_server_asked(server):
    """Not 'failed after 5 retries': none was made, the server answered and asked for a wait this does not make."""
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=429, headers={"Retry-After": "86400"}, times=5)
    with pytest.raises(SourceError) as err:
        fetch(source(server.url, retries=5))
    assert str(err.value).endswith(": the server asked to retry after 86400 s, over the 300 s this waits"), err.value
    assert len(server.requests) == 1


def test_server_errors_then_success_and_exhausted(server):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=502, times=2)
    records, _ = fetch(source(server.url, retries=2))
    assert len(records) == 1 and len(server.requests) == 3
    server.add_fault(RPC, status=500, times=3)
    with pytest.raises(SourceError) as err:
        fetch(source(server.url, retries=2))
    message = str(err.value)
    assert "HTTP 500 from http://127.0.0.1:" in message and "/_/PlayStoreUi/data/batchexecute after 2" in message
    assert "hl=" not in message and "f.req" not in message


def test_play_gateway_rate_limit_is_retried_then_fails(server):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=200, body=PLAY_GATEWAY_ERROR, times=2)
    records, _ = fetch(source(server.url, retries=2))
    assert len(records) == 1 and len(server.requests) == 3
    server.add_fault(RPC, status=200, body=PLAY_GATEWAY_ERROR, times=3)
    with pytest.raises(SourceError, match="PlayGatewayError"):
        fetch(source(server.url, retries=2))


def test_timeouts_are_retried_then_fail(server):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=200, delay=1.0)
    records, _ = fetch(source(server.url, timeout_s=0.25, retries=1))
    assert len(records) == 1 and len(server.requests) == 2
    server.add_fault(RPC, status=200, delay=1.0, times=2)
    with pytest.raises(SourceError, match=r"/_/PlayStoreUi/data/batchexecute failed after 1 retries"):
        fetch(source(server.url, timeout_s=0.25, retries=1))


def test_malformed_responses_are_source_errors(server):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, malformed=True)
    with pytest.raises(SourceError, match="response google-play-scraper cannot read"):
        fetch(source(server.url))
    server.add_fault(RPC, status=200, body=')]}\'\n\n[["wrb.fr","oCPfdb","[[[\\"gp:1\\",')  # cut short
    with pytest.raises(SourceError, match="cannot read"):
        fetch(source(server.url))
    deep = json.dumps([["wrb.fr", "oCPfdb", "[" * 100_000 + "]" * 100_000]])  # past Python's JSON recursion
    server.add_fault(RPC, status=200, body=")]}'\n\n" + deep)
    with pytest.raises(SourceError, match=r"cannot read.*recursion"):
        fetch(source(server.url))
    # an error frame sent with HTTP 200 (not the rate limit) was read as an app without reviews: none, no warning
    server.add_fault(RPC, status=200, body=")]}'\n\n" + '[["er",null,null,null,null,500,null,null,null,13],["di",27]]')
    with pytest.raises(SourceError, match=r"cannot read.*an error frame \('er'\)"):
        fetch(source(server.url))


def test_a_review_quoting_the_rate_limit_error_is_read_not_retried_as_one(server):
    """A review whose text names PlayGatewayError (a user pasting the app's error) made every answer holding it look
    rate limited: retried, then the whole source failed, every night it stayed on the first page."""
    reviews = spread(3, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=5))
    reviews[1] = {**reviews[1], "text": "Parcelo fails with com.google.play.gateway.proto.PlayGatewayError on login"}
    GooglePlayAPI(reviews).mount(server)
    records, _ = fetch(source(server.url))
    assert len(records) == 3 and len(server.requests) == 1
    assert "PlayGatewayError" in next(r.text for r in records if r.native_id == reviews[1]["id"])


def test_sources_in_threads_keep_their_own_hosts(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    GooglePlayAPI(spread(120, at, timedelta(seconds=30))).mount(server)
    results: dict[str, list] = {}
    with ReplayServer() as other:
        GooglePlayAPI([review(9000 + i, at) for i in range(130)]).mount(other)
        other.add_fault(RPC, status=200, delay=0.3, times=2)  # interleave the two threads' requests

        def run(name, url):
            results[name] = fetch(source(url, timeout_s=2))[0]

        threads = [threading.Thread(target=run, args=(n, u)) for n, u in (("a", server.url), ("b", other.url))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert len(results["a"]) == 120 and all(int(r.native_id[-6:]) < 9000 for r in results["a"])
    assert len(results["b"]) == 130 and all(int(r.native_id[-6:]) >= 9000 for r in results["b"])


def test_the_library_is_left_as_it_is():
    """The source sends its own requests: google-play-scraper's transport is not replaced for the process."""
    assert google_play_scraper.features.reviews.post is google_play_scraper.utils.request.post


def test_importing_the_library_does_not_turn_off_certificate_checks():
    assert ssl._create_default_https_context is not ssl._create_unverified_context


def test_a_page_of_more_reviews_than_asked_is_still_one_request_a_page(server):
    """Google's page size is its own: a page of 150 reviews for 100 asked is read as it comes, one request a page
    (google-play-scraper's reviews() kept paging inside one call, through the app's whole history)."""
    GooglePlayAPI(spread(6000, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=20)), page_size=150).mount(
        server
    )
    src = source(server.url, max_items=100, deadline_s=30)
    records, _ = fetch(src)
    assert len(records) == 70 and len(server.requests) == 1  # 23:00 back to 00:00, then older: the window is read
    assert src.warnings == [] and src.state["requests"] == {"us": 1}
    server.reset()
    GooglePlayAPI(spread(6000, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(seconds=10)), page_size=150).mount(
        server
    )
    src = source(server.url, max_items=100)
    records, _ = fetch(src)
    assert len(records) == 100 and len(server.requests) == 1 and "max_items=100" in src.warnings[0]


def bogus(rid: str, epoch: int, place: datetime | None = None) -> dict:
    """A review array dated ``epoch``; the fake serves it where ``place`` sorts (first without one)."""
    raw = [rid, ["Bogus User", None], 5, None, "Parcelo great", [epoch, 0], 1, None, None, None, "4.2.0", None, None]
    return {"id": rid, "app_id": APP, "raw": raw, **({"created": place} if place else {})}


def test_a_review_dated_before_2000_or_in_the_future_is_quarantined_and_ends_nothing(server):
    good = spread(250, datetime(2026, 10, 1, 23, 59, tzinfo=UTC), timedelta(minutes=5))
    GooglePlayAPI([bogus("gp:zero", 1), bogus("gp:later", 4_070_908_800), *good]).mount(server)  # 1970, 2099
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(records) == 250 and len(server.requests) == 3 and src.warnings == []
    assert sorted(r.reason for r in rejects) == [
        "review time 1970-01-01 00:00:01 UTC is implausible (before 2000)",
        "review time 2099-01-01 00:00:00 UTC is implausible (in the future)",
    ]
    assert "Bogus User" not in " ".join(r.raw_record for r in rejects)


def test_a_review_time_in_milliseconds_is_quarantined_saying_so_not_as_a_review_without_a_time(server):
    """Epoch milliseconds where Google sends seconds (a year past 9999 as seconds) was quarantined as "review has no
    time", sending whoever reads the quarantine to look for a missing field."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    GooglePlayAPI([review(1, at), bogus("gp:ms", int(at.timestamp()) * 1000), review(2, at, created=None)]).mount(
        server
    )
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["gp:AOqpTO000001"]
    assert sorted(r.reason for r in rejects) == [
        "review has no time",
        "review time [1790856000000, 0] is not [epoch seconds, nanoseconds]",
    ]


def test_a_review_out_of_order_does_not_end_the_listing_and_is_a_warning(server):
    good = spread(250, datetime(2026, 10, 1, 23, 59, tzinfo=UTC), timedelta(minutes=5))
    # served as the last review of the first page, where a stop on the page's last review alone would end the read
    place = good[99]["created"] + timedelta(seconds=1)
    stray = bogus("gp:2019", int(datetime(2019, 5, 1, tzinfo=UTC).timestamp()), place=place)
    GooglePlayAPI([*good, stray]).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(records) == 250 and rejects == [] and len(server.requests) == 3
    assert len(src.warnings) == 1 and "not newest first" in src.warnings[0] and "2019-05-01" in src.warnings[0]


def test_play_gateway_backoff_never_waits_past_the_deadline(server, monkeypatch):
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC))]).mount(server)
    server.add_fault(RPC, status=200, body=PLAY_GATEWAY_ERROR, times=3)
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 5.0)  # a 10 s wait before the first retry
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"PlayGatewayError.*would pass the 2 s deadline.*deadline_s"):
        fetch(source(server.url, retries=3, deadline_s=2))
    assert time.monotonic() - started < 1.5 and len(server.requests) == 1


def test_a_rejected_review_keeps_its_quarantine_id_while_its_thumbs_up_count_changes(server):
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    keys = []
    for votes in (1, 9):
        server.reset()
        GooglePlayAPI([review(1, at, rating=6, votes=votes), review(2, at, rating=0, votes=votes)]).mount(server)
        _, rejects = fetch(source(server.url))
        assert len(rejects) == 2 and all(f", {votes}, " in r.raw_record for r in rejects)  # the whole raw is kept
        keys.append(sorted(r.quarantine_id for r in rejects))
    assert keys[0] == keys[1] and len(set(keys[0])) == 2


def test_a_rejected_review_without_an_id_keeps_its_quarantine_id_while_its_reply_changes(server):
    """Without a reviewId a reject is keyed by its raw array, less what changes between reads: the thumbs-up count
    and the developer's reply (answered, then edited, between the watch's read and the night's)."""
    keys = []
    for votes, reply in ((1, "Sorry to hear that!"), (4, "Sorry to hear that! Fixed in 4.2.1")):
        server.reset()
        raw = [None, ["Some User", None], 5, None, "no id", [1790856000, 0], votes, ["Dev", reply, [1790859600, 0]]]
        GooglePlayAPI([{**review(1, DAY.start), "raw": raw}]).mount(server)
        _, rejects = fetch(source(server.url))
        assert [r.reason for r in rejects] == ["review has no reviewId"] and reply in rejects[0].raw_record
        keys.append(rejects[0].quarantine_id)
    assert keys[0] == keys[1]


def test_a_nul_character_is_taken_out_of_a_reviews_text(server):
    """A NUL in a review (a pasted control character) is dropped from the text, as the other sources drop it: it
    cannot be stored in the warehouse's text columns."""
    GooglePlayAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC), text="Parcelo\x00 was late")]).mount(server)
    records, rejects = fetch(source(server.url))
    assert rejects == [] and [r.text for r in records] == ["Parcelo was late"]


def test_a_window_start_at_the_end_of_a_page_reads_one_more_page_without_a_warning(server):
    """The first page ends with one review older than the window: one is not enough to stop, so the next page is
    read; it repeats the page's last two reviews (one of the window after the older one, by Google's overlap, not
    out of order) and goes on older: the read stops there, without a warning."""
    step = timedelta(minutes=10)
    GooglePlayAPI(spread(300, DAY.start + 98 * step + step / 2, step)).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 99 and len(server.requests) == 2 and src.warnings == []
    assert src.state["repeated_reviews"] == 2


def test_a_country_repeating_another_with_older_reviews_scattered_on_its_page_reads_on(server):
    """Three reviews dated far back, each followed by reviews of the window, on the page the countries share: the
    second country reads it as repeats, and those of the window end the run of older ones as the first country's
    do, so its own reviews on its later pages are read (it stopped after the page, without a warning)."""
    shared = spread(250, datetime(2026, 10, 1, 23, 59, tzinfo=UTC), timedelta(minutes=5))
    old = int(datetime(2019, 5, 1, tzinfo=UTC).timestamp())
    strays = [bogus(f"gp:old{i}", old, place=shared[i]["created"] + timedelta(seconds=1)) for i in (10, 40, 70)]
    own = [review(1000 + i, shared[150]["created"] + timedelta(seconds=i + 1), country="gb") for i in range(5)]
    GooglePlayAPI([*shared, *strays, *own]).mount(server)
    src = source(server.url, countries=["us", "gb"])
    records, _ = fetch(src)
    assert {r["id"] for r in own} <= {r.native_id for r in records} and len(records) == 255
    assert src.state["requests"] == {"us": 3, "gb": 3} and len(src.warnings) == 2  # each listing's disorder


def test_a_review_without_an_id_does_not_keep_a_looping_listing_going(server):
    """Google looping back to its first page, which holds a review without a reviewId: that review is the same
    array on every page, so the page repeats only reviews already read and the listing stops, as without it (each
    page counted the review as new: requests until max_items)."""
    reviews = spread(300, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))
    reviews[5] = {**reviews[5], "raw": [None, ["Some User", None], 5, None, "no id", [1790892000, 0], 1, None]}
    GooglePlayAPI(reviews).mount(server)
    server.add_fault(RPC, status=200, body=first_page(server), times=50)  # Google loops back to the start
    server.requests.clear()
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(records) == 99 and len(server.requests) == 2 and len({r.quarantine_id for r in rejects}) == 1
    assert src.warnings == [
        "Google Play reviews of com.parcelo.app (en-us): page 2 repeated only reviews already read; stopped"
    ]


def _page(payload: list) -> str:
    """A batchexecute answer whose reviews frame carries ``payload`` (JSON-encoded into its string, as Google does)."""
    frame = ["wrb.fr", "oCPfdb", json.dumps(payload), None, None, None, "generic"]
    return ")]}'\n\n" + json.dumps([frame, ["di", 27]])


def test_a_page_whose_reviews_are_not_a_list_is_a_source_error_not_an_app_without_reviews(server):
    """The reviews sent as a JSON string nested once more (or an object): read as an app without reviews, the
    page and the rest of the listing were lost, with no reject, warning or error."""
    raw = bogus("gp:nested", int(datetime(2026, 10, 1, 12, tzinfo=UTC).timestamp()))["raw"]
    server.add_fault(RPC, status=200, body=_page([json.dumps([raw]), [None, "CpNEXT"], None]))
    with pytest.raises(SourceError, match=r"cannot read.*the payload's reviews are a str, not a list"):
        fetch(source(server.url))


def test_an_empty_continuation_token_ends_the_listing(server):
    """An empty token is no token: sent back as one, the request was refused (HTTP 400) and the source failed."""
    GooglePlayAPI([review(9, datetime(2026, 10, 1, 11, tzinfo=UTC))]).mount(server)
    raw = bogus("gp:last", int(datetime(2026, 10, 1, 12, tzinfo=UTC).timestamp()))["raw"]
    server.add_fault(RPC, status=200, body=_page([[raw], [None, ""], None]))
    src = source(server.url)
    records, rejects = fetch(src)
    assert [r.native_id for r in records] == ["gp:last"] and rejects == [] and len(server.requests) == 1
    assert src.warnings == []


def test_a_score_too_long_for_a_float_is_quarantined_not_a_crash(server):
    """A 400-digit score (JSON reads it as an int) raised OverflowError in math.isfinite: the whole source failed
    with a traceback instead of one review quarantined."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    GooglePlayAPI([review(1, at), review(2, at, rating=10**400)]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["gp:AOqpTO000001"]
    assert [r.reason for r in rejects] == [f"score {10**400} is outside 1-5"]


def test_a_client_error_fails_at_once_without_claiming_retries(server):
    """A 404 (a wrong base_url) is not retried: its error said "after 2 retries", as if the failure might pass."""
    server.add_fault(RPC, status=404, times=3)
    with pytest.raises(SourceError) as err:
        fetch(source(server.url, retries=2))
    assert str(err.value).endswith("/_/PlayStoreUi/data/batchexecute (not retried)") and "retries" not in str(err.value)
    assert len(server.requests) == 1
