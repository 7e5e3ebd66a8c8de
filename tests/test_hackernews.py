"""The Hacker News source against a fake of the Algolia HN search API on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from demo.replay.hackernews import HackerNewsAPI
from demo.replay.server import ReplayServer, Response
from pipeline.config import Config
from pipeline.records import Record, Reject, Window
from pipeline.sources import build_source
from pipeline.sources.base import SourceError
from pipeline.sources.hackernews import plain_text, request_cap
from tests.helpers import TrickleServer

DAY = Window.for_day(date(2026, 10, 1))
NOON = datetime(2026, 10, 1, 12, tzinfo=UTC)
SEARCH = r"^/api/v1/search_by_date$"


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.001)
    monkeypatch.delenv("BRANDPULSE_HN_URL", raising=False)


@pytest.fixture(scope="module")
def shared_server():
    with ReplayServer() as s:  # one server per module: stopping one takes half a second
        yield s


@pytest.fixture
def server(shared_server):
    shared_server.reset()
    return shared_server


def story(n: int, at: datetime = NOON, **extra) -> dict:
    return {
        "id": 41000000 + n,
        "kind": "story",
        "author": f"hacker{n}",
        "created": at,
        "title": f"Parcelo ships feature {n}",
        "url": f"https://parcelo.example/blog/{n}",
        "points": 10 + n,
        "num_comments": n % 4,
        **extra,
    }


def comment(n: int, at: datetime = NOON, **extra) -> dict:
    return {
        "id": 42000000 + n,
        "kind": "comment",
        "author": f"commenter{n}",
        "created": at,
        "text": f"I switched to Parcelo last year (#{n}) and it&#x27;s been fine.",
        "story_id": 41000000,
        "parent_id": 41000000,
        **extra,
    }


def source(url: str, brand: dict | None = None, **spec):
    config = Config.model_validate(
        {
            "brands": [
                {
                    "name": "Parcelo",
                    **(brand or {}),
                    "sources": [
                        {"type": "hackernews", "name": "hn", "base_url": url, "timeout_s": 2, "retries": 2, **spec}
                    ],
                }
            ]
        }
    )
    return build_source(config, config.brands[0], "hn")


def fetch(src, window=DAY):
    items = list(src.fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def test_pages_request_shape_and_fields(server):
    items = [story(0, points=7, num_comments=None)] + [comment(i, NOON - timedelta(minutes=i)) for i in range(1, 250)]
    HackerNewsAPI(items).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert rejects == [] and len(records) == 250
    assert [r.query["page"] for r in server.requests] == ["0", "1", "2"]
    q = server.requests[0].query
    assert q["query"] == "Parcelo" and q["tags"] == "(story,comment)" and q["hitsPerPage"] == "100"
    assert q["numericFilters"] == f"created_at_i>={int(DAY.start.timestamp())},created_at_i<{int(DAY.end.timestamp())}"
    by_id = {r.native_id: r for r in records}
    s = by_id["41000000"]
    assert s.kind == "mention" and s.source_type == "hackernews" and s.platform == "hackernews"
    assert s.title == s.text == "Parcelo ships feature 0" and s.url == "https://parcelo.example/blog/0"
    assert s.engagement == 7 and s.channel == "hackernews" and s.created_at == NOON.isoformat()
    c = by_id["42000001"]
    assert c.text == "I switched to Parcelo last year (#1) and it's been fine." and c.title is None
    assert c.url == "https://news.ycombinator.com/item?id=42000001" and c.engagement is None
    assert c.author_hash and "commenter" not in c.author_hash and c.language == "en"
    assert src.state["pages_read"] == 3 and src.state["newest_created_at"] == NOON.isoformat()
    assert src.warnings == []


def test_window_edges(server):
    edges = {
        "1": DAY.start,
        "2": DAY.start - timedelta(seconds=1),
        "3": DAY.end - timedelta(seconds=1),
        "4": DAY.end,
    }
    HackerNewsAPI([comment(int(k), at) for k, at in edges.items()]).mount(server)
    records, _ = fetch(source(server.url))
    assert sorted(r.native_id for r in records) == ["42000001", "42000003"]


def test_alias_word_boundaries_exclusions_and_dedupe(server):
    brand = {"aliases": ["Parcelo", "Parcelo Express", "@parcelo"], "exclude": ["Parcelo Island"]}
    texts = {
        1: "Parcelo lost my parcel",  # in
        2: "myparcelo is a scam site",  # out: not a whole word (Algolia still finds it)
        3: "parcelos everywhere",  # out
        4: "Holiday on Parcelo Island was great",  # out: excluded phrase
        5: "Parcelo Island trip, and then Parcelo lost my bag",  # in: the alias also occurs outside it
        6: "Parcelo Express was two days late",  # in, found by both searches, kept once
        7: "meh, not impressed",  # out: only the story title above it says Parcelo
    }
    items = [story(0, title="Parcelo raises $10M", url=None)]
    items += [comment(n, NOON + timedelta(minutes=n), text=t) for n, t in texts.items()]
    HackerNewsAPI(items).mount(server)
    src = source(server.url, brand=brand)
    records, _ = fetch(src)
    assert sorted(r.native_id for r in records) == ["41000000", "42000001", "42000005", "42000006"]
    assert [r.query["query"] for r in server.requests] == ["Parcelo", '"Parcelo Express"']
    assert src.state["duplicates"] >= 1 and src.state["not_about_brand"] == 4
    assert next(r for r in records if r.native_id == "41000000").url == "https://news.ycombinator.com/item?id=41000000"


def test_deleted_items_are_skipped_and_counted(server):
    items = [story(0), comment(1), comment(2, deleted=True), comment(3, deleted=True)]
    HackerNewsAPI(items).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert sorted(r.native_id for r in records) == ["41000000", "42000001"] and rejects == []
    assert src.state["skipped_deleted"] == 2
    assert src.warnings == []  # counted, not a truncation: the extract step stays ok


def test_html_is_plain_text():
    html = (
        "Parcelo&#x27;s API is <i>great</i> &amp; &quot;fast&quot; &amp;lt;3<p>See "
        '<a href="https:&#x2F;&#x2F;parcelo.example&#x2F;docs" rel="nofollow">'
        "https:&#x2F;&#x2F;parcelo.example&#x2F;docs</a>"
        "<p><pre><code>  curl -X POST &lt;url&gt;\n</code></pre>"
    )
    assert plain_text(html) == (
        'Parcelo\'s API is great & "fast" &lt;3\n\nSee https://parcelo.example/docs\n\n  curl -X POST <url>'
    )
    assert plain_text("<p> </p>") is None and plain_text(None) is None
    assert plain_text("a \t\r\nb  \n\n\n\nc \t") == "a\nb\n\nc"
    assert plain_text("Parcelo<br>line two") == "Parcelo\nline two"  # <br> is a line break
    assert plain_text("Parcelo\x00 rocks") == "Parcelo rocks"  # a NUL cannot be stored in a text column


def test_story_text_and_engagement(server):
    ask = story(1, title="Ask HN: Is Parcelo down?", url=None, text="Since 9am &gt; no tracking.", points=None)
    unread = story(3, title="Parcelo changelog", points=0, num_comments=0)
    HackerNewsAPI([ask, story(2, title="Show HN: tracking without Parcelo", points=5, num_comments=0), unread]).mount(
        server
    )
    records, _ = fetch(source(server.url))
    by_id = {r.native_id: r for r in records}
    assert by_id["41000001"].text == "Since 9am > no tracking." and by_id["41000001"].title.startswith("Ask HN")
    assert by_id["41000001"].engagement == 1  # points missing, one comment
    assert by_id["41000002"].engagement == 5
    assert by_id["41000003"].engagement == 0  # 0 points and 0 comments are counts: 0, not unknown (None)


def test_a_story_title_is_plain_text_not_html(server):
    """HN's titles are plain text (only story_text and comment_text are HTML): read as HTML, "Option<T>" lost its
    "<T>", "Tips&notes" became "Tips¬es", and a title naming the brand only in brackets was dropped as off-brand."""
    titles = {1: "Parcelo's Option<T> API, Tips&notes", 2: "Show HN: <parcelo-map>, a map web component"}
    HackerNewsAPI([story(n, title=t) for n, t in titles.items()]).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert {r.native_id: r.title for r in records} == {"41000001": titles[1], "41000002": titles[2]}
    assert all(r.text == r.title for r in records) and src.state["not_about_brand"] == 0


def test_a_story_title_s_entities_are_read(server):
    """HN's API may write a title's characters as entities (its docs: "&lt;", "&gt;"; Algolia "&#x27;", "&amp;"):
    they are the characters they stand for, as before titles were kept as written; a bare "&notes" is text."""
    titles = {1: "Parcelo&#x27;s Option&lt;T&gt; API, AT&amp;T &amp;amp; Tips&notes", 2: "Parcelo&nbsp;map"}
    HackerNewsAPI([story(n, title=t) for n, t in titles.items()]).mount(server)
    records, _ = fetch(source(server.url))
    assert {r.native_id: r.title for r in records} == {
        "41000001": "Parcelo's Option<T> API, AT&T &amp; Tips&notes",
        "41000002": "Parcelo\u00a0map",
    }


def test_more_than_algolia_serves_is_split_by_time(server):
    items = [comment(i, DAY.start + timedelta(seconds=i * 200)) for i in range(300)]
    HackerNewsAPI(items, pagination_limit=200).mount(server)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 300 and src.warnings == []
    assert len({r.query["numericFilters"] for r in server.requests}) > 1


def test_truncation_that_cannot_be_split_is_a_warning(server):
    HackerNewsAPI([comment(i, NOON) for i in range(300)], pagination_limit=200).mount(server)  # one second
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 200
    assert len(src.warnings) == 1 and "300 hits" in src.warnings[0] and "truncated" in src.warnings[0]


def test_a_server_reporting_more_hits_than_its_pages_hold_is_cut_at_the_request_cap(server):
    """nbHits 5,000 in every range, pages empty: each range would be halved down to one second (about 170,000
    requests for the day), ended only by deadline_s; the term stops at its request cap with a warning."""
    answer = {"hits": [], "nbHits": 5000, "nbPages": 10, "hitsPerPage": 100, "page": 0}
    server.route("GET", SEARCH, lambda req, m: Response(200, answer))
    src = source(server.url, max_items=200, deadline_s=10)  # without the cap: a SourceError at the deadline
    assert fetch(src) == ([], [])
    assert len(server.requests) == request_cap(200, 86_400) == 2 * 2 + 2 * 17
    capped, unread = src.warnings  # the cap, and the one-second ranges it did reach (one warning for them all)
    assert "'Parcelo': stopped after 38 requests (its cap, for max_items=200" in capped and "truncated" in capped
    assert "5000 hits from 2026-10-01 23:59:59 to 2026-10-02 00:00:00 UTC" in unread
    assert "and 10 more such range(s); 44000 were not read (truncated)" in unread
    assert src.state["pages_read"] == 38


def test_max_items_is_a_warning(server):
    HackerNewsAPI([comment(i, NOON - timedelta(minutes=i)) for i in range(250)]).mount(server)
    src = source(server.url, max_items=150)
    records, _ = fetch(src)
    assert len(records) == 150 and len(server.requests) == 2
    assert len(src.warnings) == 1 and "max_items=150" in src.warnings[0]
    server.requests.clear()
    src = source(server.url, max_items=200)  # the cap ends with a full page: the third is not asked for
    records, _ = fetch(src)
    assert len(records) == 200 and len(server.requests) == 2
    assert len(src.warnings) == 1 and "max_items=200" in src.warnings[0]
    server.reset()
    HackerNewsAPI([comment(i, NOON - timedelta(minutes=i)) for i in range(200)]).mount(server)
    src = source(server.url, max_items=200)  # the cap reached on the search's last page: nothing was left
    records, _ = fetch(src)
    assert len(records) == 200 and len(server.requests) == 2 and src.warnings == []


def test_max_items_reached_in_one_half_of_a_split_search_asks_for_no_other_half(server):
    """A search split in halves reads the newer half first; when max_items is used up there, the older half is
    not searched at all (each of its requests would be split again or thrown away), and the cut is one warning."""
    items = [comment(i, DAY.start + timedelta(seconds=i * 200)) for i in range(300)]
    HackerNewsAPI(items, pagination_limit=200).mount(server)
    src = source(server.url, max_items=50)
    records, _ = fetch(src)
    assert len(records) == 50 and len(server.requests) == 2  # the whole day (split), then the newer half
    assert len(src.warnings) == 1 and "max_items=50" in src.warnings[0]


def test_a_window_that_ends_inside_a_second_is_searched_to_the_next_whole_second(server):
    """created_at_i is whole seconds: a window ending at 12:00:00.5 holds a hit made at 12:00:00, so the search
    asks up to 12:00:01 (exclusive), not 12:00:00, which would leave that hit out."""
    HackerNewsAPI([comment(1, NOON), comment(2, NOON - timedelta(minutes=1))]).mount(server)
    window = Window(DAY.start, NOON + timedelta(milliseconds=500))
    records, _ = fetch(source(server.url), window)
    assert sorted(r.native_id for r in records) == ["42000001", "42000002"]
    start, end = int(DAY.start.timestamp()), int(NOON.timestamp()) + 1
    assert server.requests[0].query["numericFilters"] == f"created_at_i>={start},created_at_i<{end}"


def test_hits_outside_the_window_from_a_server_that_ignores_the_filter_are_dropped(server):
    """The window is asked for in numericFilters, but a hit is kept by its own time: one second before the
    window's start, or at its end, belongs to another night even when the server sends it."""

    def hit(n: int, at: datetime) -> dict:
        text = f"Parcelo comment {n}"
        return {"objectID": str(n), "created_at_i": int(at.timestamp()), "comment_text": text, "_tags": ["comment"]}

    hits = [
        hit(1, DAY.end),
        hit(2, DAY.end - timedelta(seconds=1)),
        hit(3, DAY.start),
        hit(4, DAY.start - timedelta(seconds=1)),
    ]
    answer = {"hits": hits, "nbHits": 4, "nbPages": 1, "hitsPerPage": 100, "page": 0}
    server.route("GET", SEARCH, lambda req, m: Response(200, answer))
    src = source(server.url)
    items = list(src.fetch(DAY))
    assert sorted(i.native_id for i in items) == ["2", "3"] and all(isinstance(i, Record) for i in items)
    assert src.state["newest_created_at"] == (DAY.end - timedelta(seconds=1)).isoformat()
    assert src.state["outside_window"] == 2  # each hit read is a record, a reject or a counted skip


def test_empty_results(server):
    HackerNewsAPI([story(0, title="Unrelated", url=None)]).mount(server)
    src = source(server.url)
    records, rejects = fetch(src)
    assert records == rejects == [] and len(server.requests) == 1 and src.warnings == []
    src = source(server.url)
    src.previous_state = {"newest_created_at": "2026-09-30T08:00:00+00:00"}
    assert fetch(src) == ([], [])
    assert src.state["newest_created_at"] == "2026-09-30T08:00:00+00:00"  # an empty night keeps the last one


def test_unicode_emoji_and_very_long_texts(server):
    texts = {
        1: "Parcelo 😡😡 lost my parcel AGAIN 📦🔥",
        2: "Parcelo は最高です！配達も早い",
        3: "Parcelo " + "w" * 10 + " é" * 200_000,
    }
    HackerNewsAPI([comment(n, NOON, text=t) for n, t in texts.items()]).mount(server)
    records, _ = fetch(source(server.url))
    assert {int(r.native_id) - 42000000: r.text for r in records} == texts


def test_a_lone_surrogate_quarantines_its_hit_and_the_source_goes_on(server, tmp_path):
    """JSON's "\\ud83d" alone (an emoji cut in half) cannot be written as UTF-8: staging it failed the source."""
    HackerNewsAPI(
        [comment(1), comment(2, text="Parcelo rocks \ud83d"), story(3, title="Parcelo \udc00", text="Parcelo story")]
    ).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["42000001"]
    assert sorted(r.reason for r in rejects) == [
        "text holds an invalid unicode escape (a lone surrogate)",
        "title holds an invalid unicode escape (a lone surrogate)",
    ]
    assert all("\\ud" in r.raw_record for r in rejects)  # escaped, so it can be stored
    for item in rejects:
        item.raw_record.encode("utf-8")


def test_markup_that_does_not_close_and_a_huge_reference_are_read_as_text_in_time(server):
    """Python's HTML parser rescanned to the end of the text for every "<" that does not close (80 KB of '<a x=">"'
    took 25 s, a comment of a megabyte days, and no deadline stops it), asserted on "<![" not followed by a name
    (the hit was quarantined), and a decimal reference of 5,000 digits raised ValueError out of the source: every
    other hit of the night was lost."""
    texts = {2: "Parcelo handles <![ this", 3: "Parcelo &#" + "9" * 5000 + "; ok", 4: "Parcelo " + '<a x=">"' * 10_000}
    hits = [comment(1), *(comment(n, text=t) for n, t in texts.items()), story(5, title="Parcelo <![1]>")]
    HackerNewsAPI(hits).mount(server)
    started = time.monotonic()
    records, rejects = fetch(source(server.url))
    assert time.monotonic() - started < 10
    assert rejects == [] and sorted(r.native_id for r in records) == ["41000005", *(f"4200000{n}" for n in range(1, 5))]
    text = {r.native_id: r.text for r in records}
    assert text["42000002"] == "Parcelo handles <![ this" and text["42000003"] == "Parcelo \ufffd ok"
    assert text["42000004"] == "Parcelo " + '"' * 10_000  # each <a x="> a tag, dropped


def test_malformed_hits_are_quarantined_without_authors(server):
    items = [
        comment(1),
        {"created": NOON, "raw": {"author": "Secret Author", "comment_text": "Parcelo", "created_at_i": 1790856000}},
        {"created": NOON, "raw": {"objectID": "9", "author": "Secret Author", "comment_text": "Parcelo"}},
        {"created": NOON, "raw": {"objectID": "10", "created_at": "noon-ish", "comment_text": "Parcelo"}},
        {"created": NOON, "raw": ["not", "a", "hit"]},
        story(7, points=10**13),  # a value out of range: this hit is quarantined, the source goes on
    ]
    HackerNewsAPI(items).mount(server)
    records, rejects = fetch(source(server.url))
    assert [r.native_id for r in records] == ["42000001"]
    assert sorted(r.reason for r in rejects) == [
        "created_at [not shown: 8 characters: letters, other] is not an ISO-8601 time",
        "engagement '10000000000003' is over 1e+12",
        "hit has no created_at_i or created_at",
        "hit has no objectID",
        "hit is a list, not an object",
    ]
    assert "Secret Author" not in " ".join(r.raw_record for r in rejects)
    # a hit as Algolia serves it names its author in its tags and highlights too: hashed there like "author"
    out_of_range = json.loads(next(r.raw_record for r in rejects if "over 1e+12" in r.reason))
    assert "hacker7" not in json.dumps(out_of_range) and out_of_range["author"].startswith("hmac:")
    assert out_of_range["_tags"][1] == out_of_range["author"].replace("hmac:", "author_hmac:")


def test_env_overrides_the_base_url(server, monkeypatch):
    HackerNewsAPI([story(0)]).mount(server)
    monkeypatch.setenv("BRANDPULSE_HN_URL", server.url)
    records, _ = fetch(source("http://127.0.0.1:9", retries=0))
    assert len(records) == 1


def test_429_with_retry_after_is_honoured(server):
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    records, _ = fetch(source(server.url))
    assert time.monotonic() - started >= 0.9 and len(records) == 1 and len(server.requests) == 2


def test_a_retry_after_over_five_minutes_fails_at_once(server):
    """Retry-After: 86400 is not waited for, even capped (it cost five waits of 300 s, 25 minutes of the source's
    deadline, before failing): the search fails at once, saying what the server asked."""
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=429, headers={"Retry-After": "86400"}, times=5)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"the server asked to retry after 86400 s, over the 300 s this waits"):
        fetch(source(server.url, retries=5))
    assert time.monotonic() - started < 5 and len(server.requests) == 1


def test_a_retry_after_the_deadline_would_cut_short_fails_at_once(server):
    """A Retry-After within the 300 s this waits, but past what is left of deadline_s, is not waited out (the
    wait, which no deadline can cut, would keep the task past it): the search fails at once, saying why."""
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=429, headers={"Retry-After": "3"})
    started = time.monotonic()
    with pytest.raises(
        SourceError, match=r"waiting 3 s to retry would pass the 1 s deadline \(the source's deadline_s\)"
    ):
        fetch(source(server.url, deadline_s=1))
    assert time.monotonic() - started < 0.9 and len(server.requests) == 1


def test_server_errors_then_success_and_exhausted(server):
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=503, times=2)
    records, _ = fetch(source(server.url, retries=2))
    assert len(records) == 1 and len(server.requests) == 3
    server.add_fault(SEARCH, status=500, times=3)
    with pytest.raises(SourceError) as err:
        fetch(source(server.url, retries=2))
    assert "HTTP 500 from http://127.0.0.1:" in str(err.value) and "/api/v1/search_by_date after" in str(err.value)
    assert "numericFilters" not in str(err.value) and "?" not in str(err.value)


def test_timeouts_are_retried_then_fail(server):
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=200, delay=1.0)
    records, _ = fetch(source(server.url, timeout_s=0.25, retries=1))
    assert len(records) == 1 and len(server.requests) == 2
    server.add_fault(SEARCH, status=200, delay=1.0, times=2)
    with pytest.raises(SourceError, match=r"/api/v1/search_by_date failed after 1 retries"):
        fetch(source(server.url, timeout_s=0.25, retries=1))


def test_a_delayed_request_outliving_its_test_does_not_reach_the_next_tests_routes(server):
    """A shared server's reset drops a request still asleep in a delay fault: answering it from the routes the
    next test mounted counted it against that test's fake (the Reddit pacing test failed that way)."""
    server.route("GET", r"^/late", lambda req, m: Response(200, {"served": "first"}))
    server.add_fault(r"^/late", status=200, delay=0.3)
    with pytest.raises(requests.Timeout):
        requests.get(f"{server.url}/late", timeout=0.05)
    server.reset()
    served = []
    server.route("GET", r"^/late", lambda req, m: served.append(req) or Response(200, {}))
    time.sleep(0.5)  # the first request wakes in here
    assert served == []
    assert requests.get(f"{server.url}/late", timeout=5).status_code == 200 and len(served) == 1


def test_an_empty_page_before_the_last_is_a_warning_and_a_bad_page_size_is_ignored(server):
    """Algolia says three pages but the second comes back empty: the search stops there and says so (it stopped
    silently, as if done). A hitsPerPage that is not a positive number (a string) is ignored, not a TypeError."""
    api = HackerNewsAPI([story(n) for n in range(3)])
    hits = [api._hit(it, ["parcelo"]) for it in api.items]

    def answer(req, _m):
        page = int(req.query["page"])
        found = hits[:2] if page == 0 else [] if page == 1 else hits[2:]
        return Response(200, {"hits": found, "nbHits": 3, "nbPages": 3, "hitsPerPage": "2", "page": page})

    server.route("GET", SEARCH, answer)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 2 and [r.query["page"] for r in server.requests] == ["0", "1"]
    assert src.warnings == [
        "Hacker News search for 'Parcelo': page 1 came back empty before the last of 3 pages; its later pages were "
        "not read (some mentions of the window may be missing)"
    ]


def test_a_page_that_repeats_one_read_before_is_a_warning(server):
    """A server (or a cache before it) answering page 1 with page 0 again: its hits were counted duplicates, and the
    hundred mentions of the real page 1 were lost without a word, the read a success. It says so and reads on."""
    api = HackerNewsAPI([comment(i, NOON - timedelta(minutes=i)) for i in range(250)])

    def answer(req, m):
        req.query["page"] = "0" if req.query["page"] == "1" else req.query["page"]
        return api._search(req, m)

    server.route("GET", SEARCH, answer)
    records, _ = fetch(src := source(server.url))
    assert len(records) == 150 and len(server.requests) == 3 and src.state["duplicates"] == 100
    assert src.warnings == [
        "Hacker News search for 'Parcelo': page 1 repeated only hits already read; the hits of that page were not "
        "read (some mentions of the window may be missing)"
    ]


@pytest.mark.parametrize("exhaustive", [True, False])
def test_empty_pages_in_both_halves_of_a_split_search_are_one_warning(server, exhaustive):
    """Both halves of a split search say three pages and come back empty on the second: one warning for the term,
    not one a range. With exhaustiveNbHits false, Algolia's hit count was an estimate, and the pages it promised
    were never there: no warning."""
    start, end = int(DAY.start.timestamp()), int(DAY.end.timestamp())

    def answer(req, _m):
        low, high = (int(part.split("<")[-1].split("=")[-1]) for part in req.query["numericFilters"].split(","))
        page = int(req.query["page"])
        if (low, high) == (start, end):  # more than Algolia serves: split
            return Response(200, {"hits": [], "nbHits": 300, "nbPages": 2, "hitsPerPage": 100, "page": 0})
        hit = {"objectID": str(low), "created_at_i": low, "comment_text": "Parcelo comment", "_tags": ["comment"]}
        found = [hit] if page == 0 else []
        body = {"hits": found, "nbHits": 150, "nbPages": 3, "hitsPerPage": 100, "page": page}
        return Response(200, {**body, "exhaustiveNbHits": exhaustive})

    server.route("GET", SEARCH, answer)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 2 and len(server.requests) == 5  # the day, then pages 0 and 1 of each half
    assert len(src.warnings) == (1 if exhaustive else 0)
    assert all("page 1 came back empty before the last of 3 pages" in w for w in src.warnings)


def test_a_hit_without_tags_is_a_comment_by_its_fields(server):
    """A hit without _tags (as another Algolia index serves them) that has comment_text and no title is a
    comment: its text is the comment, and it is no deleted item."""
    hit = {"objectID": "77", "created_at_i": int(NOON.timestamp()), "comment_text": "Parcelo <i>again</i>"}
    hit["story_title"] = "Some story"
    body = {"hits": [hit], "nbHits": 1, "nbPages": 1, "hitsPerPage": 100, "page": 0}
    server.route("GET", SEARCH, lambda req, m: Response(200, body))
    src = source(server.url)
    records, _ = fetch(src)
    assert [(r.native_id, r.text, r.title) for r in records] == [("77", "Parcelo again", None)]
    assert src.state["skipped_deleted"] == 0


def test_a_page_size_of_0_is_taken_as_the_100_asked_for(server):
    """hitsPerPage 0 would make the pages hold nothing, so every range would look over-full and be halved down to
    one second: it is no positive number, so the 100 asked for is used, and three hits are one page."""
    api = HackerNewsAPI([story(n) for n in range(3)])
    hits = [api._hit(it, ["parcelo"]) for it in api.items]
    body = {"hits": hits, "nbHits": 3, "nbPages": 1, "hitsPerPage": 0, "page": 0}
    server.route("GET", SEARCH, lambda req, m: Response(200, body))
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 3 and len(server.requests) == 1 and src.warnings == []


@pytest.mark.parametrize("nb_pages", ["3", 3.0, None, -1])
def test_pages_are_read_while_full_when_nb_pages_is_no_whole_number(server, nb_pages):
    """nbPages as text, a float, missing or negative: the search stopped after its first page, silently (two
    hundred of the 250 hits not read, no warning); it reads on while the pages come full."""
    api = HackerNewsAPI([comment(i, NOON - timedelta(minutes=i)) for i in range(250)])
    hits = [api._hit(it, ["parcelo"]) for it in api.items]

    def answer(req, _m):
        page = int(req.query["page"])
        found = hits[page * 100 : page * 100 + 100]
        return Response(200, {"hits": found, "nbHits": "250", "nbPages": nb_pages, "hitsPerPage": 100, "page": page})

    server.route("GET", SEARCH, answer)
    src = source(server.url)
    records, _ = fetch(src)
    assert len(records) == 250 and [r.query["page"] for r in server.requests] == ["0", "1", "2"]
    assert src.warnings == []


def test_malformed_json_is_a_source_error(server):
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, malformed=True)
    with pytest.raises(SourceError, match="malformed JSON"):
        fetch(source(server.url))
    server.add_fault(SEARCH, status=200, body={"message": "ok", "hits": None})
    with pytest.raises(SourceError, match="without a 'hits' list"):
        fetch(source(server.url))
    server.add_fault(SEARCH, status=200, body=b"[" * 100_000 + b"]" * 100_000)  # past Python's JSON recursion
    with pytest.raises(SourceError, match="malformed JSON"):
        fetch(source(server.url))


def test_an_answer_over_max_body_fails_the_source_without_being_read_whole(server, monkeypatch):
    """Counted decoded: 12 KiB of gzip on the wire that unzip to 10 MiB (over the limit, set to 1 MiB here)."""
    monkeypatch.setattr("pipeline.http.MAX_BODY", 2**20)
    body = gzip.compress(b'{"hits": [], "pad": "' + b"a" * 10 * 2**20 + b'"}')
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    server.route("GET", SEARCH, lambda request, match: Response(200, body, headers))
    with pytest.raises(SourceError, match=r"/search_by_date: the answer is over 1 MiB \(decoded\); not read"):
        fetch(source(server.url))
    server.reset()  # a redirect's own answer too (requests reads it before following the redirect)
    redirect = {**headers, "Location": f"{server.url}/elsewhere"}
    server.route("GET", SEARCH, lambda request, match: Response(302, body, redirect))
    with pytest.raises(SourceError, match=r"the answer is over 1 MiB \(decoded\); not read"):
        fetch(source(server.url))
    server.reset()
    HackerNewsAPI([story(1)]).mount(server)  # an answer under it is read as before, gzip or not
    records, _ = fetch(source(server.url))
    assert [r.native_id for r in records] == ["41000001"]


def test_a_server_that_trickles_its_answer_fails_the_source_at_its_deadline():
    """One byte a quarter second never trips the per-read timeout_s; the source's deadline_s ends the read,
    and the source fails with a reason instead of holding the night."""
    body = b'{"hits": [], "nbHits": 0, "page": 0, "nbPages": 1, "hitsPerPage": 1000}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    with TrickleServer(answer, interval=0.25) as server:
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"search_by_date: .*1\.5 s deadline.*\(the source's deadline_s\)"):
            fetch(source(server.url, timeout_s=1, retries=0, deadline_s=1.5))
        assert time.monotonic() - started < 10  # the answer alone would take 35 s


def test_the_deadline_holds_through_a_proxy_from_the_environment(monkeypatch):
    """With HTTP_PROXY set, requests builds the proxy's connections apart: the deadline did not see their sockets,
    and a proxy that trickles the answer held the read past deadline_s."""
    body = b'{"hits": [], "nbHits": 0, "page": 0, "nbPages": 1, "hitsPerPage": 1000}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    with TrickleServer(answer, interval=0.25) as proxy:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"1\.5 s deadline"):
            fetch(source("http://hn.example.invalid", timeout_s=1, retries=0, deadline_s=1.5))
        assert time.monotonic() - started < 10  # the answer alone would take 35 s
        assert proxy.requests and proxy.requests[0].startswith(b"GET http://hn.example.invalid/")  # via the proxy


def test_errors_name_the_endpoint_without_credentials_or_query(server, monkeypatch):
    """A base URL with user:password@ (a proxy's) and the query string never reach an error message."""
    from pipeline.http import bare

    assert bare("https://user:s3cret@proxy.example:8443/api/v1/search?tags=x&key=abc") == (
        "https://proxy.example:8443/api/v1/search"
    )
    assert bare("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x" and bare("relative/path?q=1") == "relative/path"
    HackerNewsAPI([story(0)]).mount(server)
    server.add_fault(SEARCH, status=503, times=10)
    url = server.url.replace("http://", "http://someone:s3cret@")
    with pytest.raises(SourceError) as failed:
        fetch(source(url, retries=0))
    assert "s3cret" not in str(failed.value) and "someone" not in str(failed.value)
    assert "/api/v1/search_by_date" in str(failed.value)
    server.reset()
    server.route("GET", SEARCH, lambda req, m: Response(200, {"message": "maintenance"}))  # no hits list
    with pytest.raises(SourceError, match=r"/api/v1/search_by_date returned JSON without a 'hits' list") as failed:
        fetch(source(url, retries=0))
    assert "s3cret" not in str(failed.value) and "someone" not in str(failed.value)


def test_a_bad_hit_keeps_one_quarantine_id_across_alias_terms_and_reads(server):
    """Points and the search's highlights change between reads and between the two terms' searches: a bad hit is
    keyed by its objectID (else by the hit without them), and quarantined once a read, whichever term found it."""
    brand = {"aliases": ["Parcelo", "Parcelo app"]}
    keys = []
    for points in (5, 6):
        server.reset()

        def search(req, m, points=points):
            q = req.query.get("query", "")
            highlight = {"title": {"value": f"<em>{q}</em> review", "matchedWords": [q]}}
            hits = [
                {"objectID": "4242", "created_at": "yesterday", "title": "Parcelo app review", "author": "pg",
                 "points": points, "_highlightResult": highlight},
                {"created_at": "yesterday", "title": "Parcelo app, no id", "author": "pg", "points": points,
                 "num_comments": points, "_highlightResult": highlight},
            ]  # fmt: skip
            return Response(200, {"hits": hits, "nbHits": 2, "nbPages": 1, "hitsPerPage": 100, "page": 0})

        server.route("GET", SEARCH, search)
        src = source(server.url, brand=brand)
        _, rejects = fetch(src)
        assert len(server.requests) == 2 and src.state["duplicates"] == 1
        by_id = [r for r in rejects if '"objectID": "4242"' in r.raw_record]
        assert len(by_id) == 1 and f'"points": {points}' in by_id[0].raw_record  # the whole hit is kept
        keys.append(sorted({r.quarantine_id for r in rejects}))
    assert keys[0] == keys[1] and len(keys[0]) == 2
