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
    # engagement is the helpfulness vote count (im:voteCount 3 here), not the vote sum (0)
    assert next(r for r in records if r.native_id == "11000000003").engagement == 3
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
    assert src.state["outside_window"] == 2  # each entry read is a record, a reject or a counted skip


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


def test_a_feed_without_reviews_is_no_warning(server):
    """A country nobody reviewed in: page 1 has no entry and its rel=last link names page 1, so the feed ended
    there; it is not a page dropped before the feed's last (a warning that marks the extract truncated)."""
    AppStoreAPI([]).mount(server)
    src = source(server.url)
    assert fetch(src) == ([], [])
    assert pages(server) == ["page=1"] and src.warnings == []


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
        {**review(8, at), "rating": 0},
    ]
    AppStoreAPI([good, *bad]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"]
    assert sorted(r.reason for r in rejects) == [
        "entry is a list, not an object",
        "rating '0' is outside 1-5",
        "rating '6' is outside 1-5",
        "rating 'five' is not a number",
        "review has neither text nor title",
        "review has no id",
        "updated [not shown: 12 characters: letters, spaces] is not an ISO-8601 time",  # words may be a name
    ]
    raws = " ".join(r.raw_record for r in rejects)
    assert "Reviewer" not in raws and "Secret Name" not in raws and "hmac:" in raws
    assert "/reviews/id" not in raws  # the profile link names the reviewer too: hashed like the name
    assert all(r.source == "ios" and r.location == "us page 1" for r in rejects)


def test_a_quarantined_entry_keeps_no_name_whatever_the_json_type_of_its_author(server):
    """An author that is no object (a name as text, a list of authors), or one whose own label holds the name, is
    hashed in quarantine like the usual ``{"name": {"label": ...}}``: the raw record named the reviewer."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    authors = [
        "Jane Leakstring",
        [{"name": {"label": "John Leaklist"}, "uri": {"label": "https://itunes.apple.com/us/reviews/id987654321"}}],
        {"name": {"label": "Ann Labelled"}, "label": "Ann Labelled"},
    ]
    bad = [
        {**review(n, at), "raw": {**AppStoreAPI._entry(review(n, at), APP, "us"), "im:rating": {"label": "9"},
                                  "author": author}}
        for n, author in enumerate(authors, 2)
    ]  # fmt: skip
    AppStoreAPI(bad).mount(server)
    records, rejects = fetch(source(server.url))
    assert records == [] and len(rejects) == 3
    raws = " ".join(r.raw_record for r in rejects)
    assert not any(name in raws for name in ("Jane", "John", "Ann", "/reviews/id")), raws
    assert raws.count("hmac:") >= 4


def test_a_number_too_large_for_a_rating_or_vote_count_is_quarantined(server):
    """A label that is a JSON number out of float's or int's range (a vote count of 1e400, read as infinity; a
    rating of 400 digits) quarantines its entry, not fail the source with an OverflowError."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    votes = {**AppStoreAPI._entry(review(2, at), APP, "us"), "im:voteCount": {"label": float("inf")}}
    rating = {**AppStoreAPI._entry(review(3, at), APP, "us"), "im:rating": {"label": 10**400}}
    AppStoreAPI([review(1, at), {**review(2, at), "raw": votes}, {**review(3, at), "raw": rating}]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"]
    assert sorted(r.reason.split(" ")[0] for r in rejects) == ["im:voteCount", "rating"]
    assert sorted(r.reason.split("' ")[-1] for r in rejects) == ["is not a number", "is not a whole number"]


def test_a_rating_or_vote_count_of_true_is_quarantined_not_read_as_one(server):
    """JSON true where a number belongs: float(True) is 1.0, so it was a one-star review (Google Play's source
    refuses it); int(True) a vote."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    rating = {**AppStoreAPI._entry(review(2, at), APP, "us"), "im:rating": {"label": True}}
    votes = {**AppStoreAPI._entry(review(3, at), APP, "us"), "im:voteCount": {"label": True}}
    AppStoreAPI([review(1, at), {**review(2, at), "raw": rating}, {**review(3, at), "raw": votes}]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"]
    assert sorted(r.reason for r in rejects) == [
        "im:voteCount 'True' is not a whole number",
        "rating 'True' is not a number",
    ]


def test_a_label_that_is_not_text_is_quarantined_naming_its_field(server):
    """A review id, title or body label that is a JSON number or object: the reason was "expected text, got int",
    which says nothing of which field of the entry to look at."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    bad = {2: {"id": {"label": 11000000002}}, 3: {"title": {"label": 5}}, 4: {"content": {"label": {"x": 1}}}}
    raws = [
        {**review(n, at), "raw": {**AppStoreAPI._entry(review(n, at), APP, "us"), **over}} for n, over in bad.items()
    ]
    AppStoreAPI([review(1, at), *raws]).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["11000000001"]
    assert sorted(r.reason for r in rejects) == [
        "content: expected text, got a JSON dict",
        "id: expected text, got a JSON int",
        "title: expected text, got a JSON int",
    ]


def test_max_pages_reached_on_a_short_page_before_the_feeds_last_says_the_window_is_truncated(server):
    """A page shorter than 50 whose feed names a later last page (rel=last): reaching max_pages there left reviews
    of the window unread without the truncation warning (only a full page counted as having more)."""
    AppStoreAPI(spread(150, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1)), page_size=40).mount(server)
    src = source(server.url, max_pages=2)
    records, _ = fetch(src)
    assert len(records) == 80 and len(src.warnings) == 1
    assert "max_pages=2 was reached inside the window; older reviews of the window were not read" in src.warnings[0]


def test_a_nul_character_is_taken_out_of_a_reviews_text(server):
    """A NUL in a review (a pasted control character) is dropped from the text and title: it cannot be stored in
    the warehouse's text columns."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    AppStoreAPI([review(1, at, title="Late\x00 again", text="Parcelo\x00 was late")]).mount(server)
    records, rejects = fetch(source(server.url))
    assert rejects == [] and [(r.text, r.title) for r in records] == [("Parcelo was late", "Late again")]


def test_a_review_without_a_body_is_its_title(server):
    """A review whose body is empty is read by its title: it is the text (not a reject "neither text nor title"),
    and not repeated as the record's title."""
    AppStoreAPI([review(1, datetime(2026, 10, 1, 12, tzinfo=UTC), title="Parcelo, never again", text="")]).mount(server)
    records, rejects = fetch(source(server.url))
    assert rejects == [] and [(r.text, r.title) for r in records] == [("Parcelo, never again", None)]


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


def test_max_pages_below_the_feeds_ten_is_a_warning(server):
    """max_pages=2 of a feed of 150 reviews, all in the window: two pages are read, and the third, which the
    feed's rel=last link names, is said to be left (the window is truncated)."""
    AppStoreAPI(spread(150, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=1))).mount(server)
    src = source(server.url, max_pages=2)
    records, _ = fetch(src)
    assert len(records) == 100 and pages(server) == ["page=1", "page=2"]
    assert src.warnings == [
        f"App Store {APP} (us): max_pages=2 was reached inside the window; older reviews of the window were not read"
    ]


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
    records, rejects = fetch(src := source(server.url))
    assert pages(server) == ["page=1", "page=2"] and rejects == []
    assert len(records) == 80 and len({r.native_id for r in records}) == 80
    assert src.state["repeated_reviews"] == 1  # the repeat is a counted skip, as Google Play's


def test_a_page_that_repeats_one_read_before_is_a_warning(server):
    """Apple's feed (or a cache before it) serving page 1 again for page 2: every review on it was read, so the
    reviews of the real page 2 were lost without a word and the night called the read a success (Google Play's
    listing says so). It says so, once, and reads on: the next page may be the one asked for."""
    AppStoreAPI(spread(160, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=5))).mount(server)
    src = source(server.url)
    server.add_fault(r"page=[23]/", status=200, body=requests.get(src.page_url("us", 1)).json(), times=2)
    server.requests.clear()
    records, _ = fetch(src)
    assert len(records) == 60 and pages(server) == ["page=1", "page=2", "page=3", "page=4"]
    assert src.state["repeated_reviews"] == 100
    assert src.warnings == [
        f"App Store {APP} (us): page 2 repeated only reviews already read; the reviews of that page were not read "
        "(some reviews of the window may be missing)"
    ]


def test_a_quarantined_review_served_again_is_one_reject(server):
    """A bad review served again (the feed shifting it onto the next page, and another country's feed: Apple's
    review ids are global) is one reject and counted repeats, as Google Play's: each copy was a reject, so the
    run's rows_quarantined counted one quarantine row three times."""
    reviews = spread(80, datetime(2026, 10, 1, 23, tzinfo=UTC), timedelta(minutes=10))
    reviews[49] = {**reviews[49], "rating": 0}
    gb = {**reviews[49], "country": "gb"}
    AppStoreAPI([*reviews[:50], reviews[49], *reviews[50:], gb]).mount(server)  # 49 ends page 1, starts page 2
    records, rejects = fetch(src := source(server.url, countries=["us", "gb"]))
    assert len(records) == 79 and [r.reason for r in rejects] == ["rating '0' is outside 1-5"]
    assert src.state["repeated_reviews"] == 2


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
    # it names the first review of the window served after the stray (the one right behind it), not a later one
    assert f"an item from {good[98]['created']:%Y-%m-%d %H:%M:%S} UTC came after one from 2019-05-01" in src.warnings[0]


def test_a_review_after_the_window_served_after_an_older_one_is_no_disorder(server):
    """The disorder warning is about reviews of the window: one dated after the window, served after a review
    older than its start, hides nothing of the window (the three older in a row still end the feed)."""
    step = timedelta(hours=1)
    good = spread(10, DAY.start + 5 * step + step / 2, step)  # six in the window, four before it
    late = placed(900, good[6]["created"] - timedelta(seconds=1), "2026-10-03T10:00:00-07:00")  # after good[6]
    AppStoreAPI([*good, late]).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert len(records) == 6 and rejects == [] and src.warnings == []


def test_a_time_after_the_window_up_to_two_days_past_now_is_plausible(server):
    """A re-run of an older night reads the feed from today's reviews down: a review from an hour ago is weeks
    after the window but not in the future (the bound is two days past now or the window's end, whichever is
    later), nor is one a day ahead of now (a device clock, a time zone), so neither is a reject. Nor is one at
    2000-01-01 00:00:00 UTC itself, the first plausible second."""
    now = datetime.now(UTC).replace(microsecond=0)
    assert now > DAY.end + timedelta(days=3)  # the window is long past
    in_day = spread(3, datetime(2026, 10, 1, 12, tzinfo=UTC), step=timedelta(hours=1))
    reviews = [review(1, now + timedelta(days=1)), review(2, now - timedelta(hours=1)), *in_day]
    reviews.append(review(9, datetime(2000, 1, 1, tzinfo=UTC)))
    AppStoreAPI(reviews).mount(server)
    records, rejects = fetch(source(server.url))
    assert rejects == [] and len(records) == 3


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


def test_an_entry_without_an_id_keeps_its_quarantine_id_while_its_votes_change(server):
    """Without a review id a reject is keyed by the entry less its vote counts, which change between reads (the
    watch's hours, the night): the same bad entry is one quarantine row."""
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    keys = []
    for votes in (1, 9):
        server.reset()
        entry = AppStoreAPI._entry(review(1, at, votes=votes, vote_sum=votes), APP, "us")
        del entry["id"]
        AppStoreAPI([{**review(1, at), "raw": entry}]).mount(server)
        _, rejects = fetch(source(server.url))
        assert [r.reason for r in rejects] == ["review has no id"]
        assert json.loads(rejects[0].raw_record)["im:voteCount"] == {"label": str(votes)}  # the whole entry is kept
        keys.append(rejects[0].quarantine_id)
    assert keys[0] == keys[1]
