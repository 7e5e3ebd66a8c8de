"""The Reddit source: real PRAW against the fake Reddit API (demo.replay.reddit) on 127.0.0.1.

The window is yesterday (UTC), so the searches' time filter is computed from the real clock like in production.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from praw.config import Config as PrawConfig

from demo.replay.reddit import RedditAPI
from demo.replay.server import ReplayServer, Response
from pipeline.config import Config
from pipeline.deadline import Deadline
from pipeline.records import Pseudonymiser, Record, Reject, Window
from pipeline.sources import build_source
from pipeline.sources import reddit as reddit_source
from pipeline.sources.base import SourceError
from pipeline.sources.relevance import repost_key
from tests.helpers import SHARED

CLIENT_ID = "brandpulse-test-client"
CLIENT_SECRET = "s3cr3t-Client-Secret-0123456789"
USER_AGENT = "brandpulse-tests/1.0 (by u/brandpulse)"
WINDOW = Window.for_day(datetime.now(UTC).date() - timedelta(days=1))
T0 = WINDOW.start.timestamp()


def post(pid, at, title="Parcelo delivered my parcel early", selftext="", sub="parcelo", author="alice", **kw):
    """A t3 created ``at`` seconds after the window start."""
    return {
        "kind": "t3",
        "id": pid,
        "subreddit": sub,
        "author": author,
        "created_utc": T0 + at,
        "title": title,
        "selftext": selftext,
        "score": kw.pop("score", 3),
        **kw,
    }


def comment(cid, at, body, link="p1", parent=None, sub="parcelo", author="bob", **kw):
    """A t1 created ``at`` seconds after the window start, under post ``link`` (or comment ``parent``)."""
    return {
        "kind": "t1",
        "id": cid,
        "subreddit": sub,
        "author": author,
        "created_utc": T0 + at,
        "body": body,
        "link_id": f"t3_{link}",
        "parent_id": f"t1_{parent}" if parent else f"t3_{link}",
        "score": kw.pop("score", 1),
        **kw,
    }


@pytest.fixture(scope="module")
def replay():
    """One server for the module (stopping one takes half a second); each test mounts its own dataset."""
    with ReplayServer() as server:
        yield server


@pytest.fixture
def reddit(replay, monkeypatch, tmp_path):
    """serve(items, **RedditAPI kwargs) -> (server, api); the environment points PRAW at the server."""

    def serve(items, **kw):
        kw.setdefault("client_id", CLIENT_ID)
        kw.setdefault("client_secret", CLIENT_SECRET)
        replay.reset()
        api = RedditAPI(items, **kw).mount(replay)
        monkeypatch.setenv("BRANDPULSE_REDDIT_OAUTH_URL", replay.url)
        monkeypatch.setenv("BRANDPULSE_REDDIT_URL", replay.url)
        return replay, api

    for name, value in (
        ("praw_client_id", CLIENT_ID),
        ("praw_client_secret", CLIENT_SECRET),
        ("praw_user_agent", USER_AGENT),
    ):
        monkeypatch.setenv(name, value)
    for name in ("praw_site", "praw_username", "praw_password", "praw_refresh_token"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no developer's praw.ini
    monkeypatch.setattr(PrawConfig, "CONFIG", None)  # PRAW caches praw.ini per process
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.01)
    return serve


def make_source(aliases=("Parcelo", "@parcelo"), exclude=("parcelo pasta",), **spec):
    source = {
        "type": "reddit",
        "name": "reddit",
        "subreddits": ["parcelo"],
        "comments": False,
        "retries": 2,
        "timeout_s": 5,
        **spec,
    }
    config = Config.model_validate(
        {"brands": [{"name": "Parcelo", "aliases": list(aliases), "exclude": list(exclude), "sources": [source]}]}
    )
    return build_source(config, config.brands[0], "reddit")


def run(src, window=WINDOW):
    items = list(src.fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def ids(records):
    return sorted(r.native_id for r in records)


def paths(server, pattern):
    return [r for r in server.requests if pattern in r.path]


def test_post_records_carry_the_reddit_fields(reddit):
    server, api = reddit(
        [
            post("p1", 60, selftext="Tracking was *great*", score=7, num_comments=4),
            post("p2", 120, title="Parcelo & <friends>: a title-only post", author="[deleted]", score=-5),
        ]
    )
    src = make_source()
    records, rejects = run(src)
    assert rejects == [] and ids(records) == ["t3_p1", "t3_p2"]
    p1, p2 = sorted(records, key=lambda r: r.native_id)
    assert p1.text == "Parcelo delivered my parcel early\n\nTracking was *great*"
    assert p1.title == "Parcelo delivered my parcel early"
    assert (p1.kind, p1.platform, p1.source_type, p1.channel) == ("mention", "reddit", "reddit", "r/parcelo")
    assert p1.url == "https://www.reddit.com/r/parcelo/comments/p1/parcelo_delivered_my_parcel_early/"
    assert p1.engagement == 11 and p1.language == "en"
    assert p1.created_at == datetime.fromtimestamp(T0 + 60, UTC).isoformat()
    assert p1.author_hash == Pseudonymiser(src.config)("alice") and "alice" not in p1.to_json()
    # raw_json=1: the text as written, not HTML-escaped; a deleted account has no author; engagement >= 0
    assert p2.text == p2.title == "Parcelo & <friends>: a title-only post"
    assert p2.author_hash is None and p2.engagement == 0
    search = paths(server, "/search")[0]
    assert search.path == "/r/parcelo/search/"
    assert search.query["q"] == '"Parcelo"' and search.query["sort"] == "new"
    assert search.query["restrict_sr"] == "True" and search.query["t"] == "week"
    assert search.headers["authorization"] == f"bearer {api.token}"


def test_a_post_on_a_users_profile_keeps_the_users_name_out_of_its_channel(reddit):
    """A search of all of Reddit finds posts on users' profiles (subreddit ``u_<name>``): their channel was
    ``r/u_alice``, the name the author hash hides, in the report's and the alerts' channels, and each profile a
    channel of its own. Such a post's channel is "user profiles"; a profile the config names keeps its own."""
    reddit([post("p1", 60, sub="u_alice", author="alice"), post("p2", 90, sub="u_Parcelo", author="parcelo_team")])
    records, _ = run(make_source(subreddits=[]))
    assert {r.native_id: r.channel for r in records} == {"t3_p1": "user profiles", "t3_p2": "user profiles"}
    assert "alice" not in records[0].channel + records[1].channel
    records, _ = run(make_source(subreddits=["u_parcelo+shipping"]))
    assert {r.native_id: r.channel for r in records} == {"t3_p2": "r/u_Parcelo"}


def test_aliases_are_quoted_and_ored_and_all_of_reddit_is_searched_without_subreddits(reddit):
    server, _ = reddit([post("p1", 60, title="the #parcel-o app is ok", sub="shipping")])
    records, _ = run(make_source(aliases=["Parcelo", "@parcelo", "#Parcel-O app"], subreddits=[]))
    search = paths(server, "/search")[0]
    assert search.path == "/r/all/search/" and search.query["restrict_sr"] == "False"
    assert search.query["q"] == '"Parcelo" OR "Parcel-O app"'
    assert ids(records) == ["t3_p1"] and records[0].channel == "r/shipping"


def test_pages_until_items_are_older_than_the_window(reddit):
    in_window = [post(f"n{i:03d}", 60 + i * 60) for i in range(250)]
    older = [post(f"o{i:03d}", -60 - i * 60) for i in range(300)]
    server, _ = reddit(in_window + older)
    src = make_source()
    records, _ = run(src)
    assert len(records) == 250 and ids(records) == sorted(f"t3_n{i:03d}" for i in range(250))
    pages = paths(server, "/search")
    assert len(pages) == 3  # 100 + 100 + (50 in the window, then older: stop), not the 6 pages of the listing
    assert "after" not in pages[0].query and pages[1].query["after"] == "t3_n150" and pages[2].query["after"]
    assert src.warnings == []
    stats = src.state["listings"]["search r/parcelo"]
    # the 250 of the window, then 3 older in a row: the listing has reached back past the start
    assert stats["read"] == 253 and stats["in_window"] == 250 and stats["truncated"] is False
    assert src.state["newest_created_utc"] == T0 + 60 + 249 * 60


def test_window_edges_are_half_open(reddit):
    end = WINDOW.end.timestamp() - T0
    _server, _ = reddit(
        [
            post("at_start", 0),
            post("before", -1),
            post("last", end - 1),
            post("at_end", end),
            comment("c_at_start", 0, "Parcelo at the start", link="gone"),
            comment("c_at_end", end, "Parcelo at the end", link="gone"),
            comment("c_before", -0.5, "Parcelo a bit early", link="gone"),
        ]
    )
    records, _ = run(make_source(brand_subreddits=["parcelo"]))
    assert ids(records) == ["t1_c_at_start", "t3_at_start", "t3_last"]


@pytest.mark.parametrize(
    "headers",
    [{"Retry-After": "1"}, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"}],  # Reddit's, without Retry-After
)
def test_a_429_with_retry_after_is_waited_out(reddit, headers):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=429, headers=headers)
    started = time.monotonic()
    records, _ = run(make_source())
    assert ids(records) == ["t3_p1"]
    assert len(paths(server, "/search")) == 2
    assert time.monotonic() - started >= 0.95  # Retry-After, not the tests' 10 ms backoff


def test_repeated_5xx_then_success(reddit):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=500, times=2)
    server.add_fault(r"/api/v1/access_token", status=502)
    records, _ = run(make_source(retries=2))
    assert ids(records) == ["t3_p1"]
    assert len(paths(server, "/search")) == 3 and len(paths(server, "/access_token")) == 2


@pytest.mark.parametrize(
    "status, headers, message",
    [
        (503, {}, "HTTP 503 from /r/parcelo/search/ after 2 retries"),
        (429, {"Retry-After": "0"}, "rate limited, HTTP 429 from /r/parcelo/search/ after 2 retries"),
    ],
)
def test_retries_exhausted_is_a_source_error(reddit, status, headers, message):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=status, headers=headers, times=50)
    with pytest.raises(SourceError, match="search r/parcelo") as err:
        run(make_source(retries=2))
    assert message in str(err.value)
    assert len(paths(server, "/search")) == 3  # 1 + 2 retries: prawcore does not multiply them


def test_a_private_or_banned_subreddit_is_skipped_with_a_warning_and_the_rest_is_kept(reddit):
    """A configured subreddit Reddit answers 403 (private, quarantined) or 404 (banned) skips that subreddit, with a
    warning naming it, Reddit's reason and the setting to edit: the other subreddits' records are kept (it failed the
    whole source every night). A 403 from the token endpoint is still the credentials' failure."""
    server, _ = reddit(
        [post("p1", 60), comment("c1", 120, "Parcelo again", link="p1"), post("p2", 180, sub="shipping")]
    )
    json_type = {"Content-Type": "application/json; charset=UTF-8"}
    for pattern, status, reason in (
        (r"^/r/shipping/search", 403, "private"),
        (r"^/r/gone/search", 404, "banned"),
        (r"^/r/locked/comments", 403, "quarantined"),
    ):
        body = {"reason": reason, "message": "Forbidden" if status == 403 else "Not Found", "error": status}
        server.add_fault(pattern, status=status, headers=json_type, body=json.dumps(body).encode())
    server.add_fault(r"^/r/nobody/comments", status=404, headers=json_type, body=b'{"message": "Not Found"}')
    src = make_source(subreddits=["shipping", "parcelo", "gone"], brand_subreddits=["locked", "nobody", "parcelo"])
    records, _ = run(src)
    assert ids(records) == ["t1_c1", "t3_p1"]
    assert src.warnings == [
        "r/shipping: Reddit answered 403 (private): skipped; remove it from brands[0].sources[0].subreddits or ask "
        "for access",
        "r/gone: Reddit answered 404 (banned): skipped; remove it from brands[0].sources[0].subreddits or ask for "
        "access",
        "r/locked: Reddit answered 403 (quarantined): skipped; remove it from brands[0].sources[0].brand_subreddits "
        "or ask for access",
        "r/nobody: Reddit answered 404: skipped; remove it from brands[0].sources[0].brand_subreddits or ask for "
        "access",
    ]
    server.add_fault(r"/access_token", status=403, times=5)
    with pytest.raises(SourceError, match=r"refused the client credentials \(HTTP 403 from /api/v1/access_token"):
        run(make_source(subreddits=["parcelo"]))


def test_a_subreddit_that_does_not_exist_is_skipped_with_a_warning_and_the_rest_is_kept(reddit):
    """Reddit answers a mistyped subreddit's listings with a 302 to /subreddits/search (prawcore's Redirect): that
    subreddit is skipped like a banned one, naming the setting to edit (one typo failed the whole source)."""
    server, _ = reddit([post("p1", 60), comment("c1", 120, "Parcelo again", link="p1")])
    for pattern in (r"^/r/parclo/search", r"^/r/parcleo/comments"):
        name = pattern.split("/")[2]
        location = f"https://www.reddit.com/subreddits/search.json?q={name}&raw_json=1"
        server.add_fault(pattern, status=302, headers={"Location": location}, body=b"{}")
    src = make_source(subreddits=["parclo", "parcelo"], brand_subreddits=["parcleo", "parcelo"])
    records, _ = run(src)
    assert ids(records) == ["t1_c1", "t3_p1"]
    assert src.warnings == [
        "r/parclo: no such subreddit (Reddit redirected /r/parclo/search/ to /subreddits/search): skipped; correct or "
        "remove it in brands[0].sources[0].subreddits",
        "r/parcleo: no such subreddit (Reddit redirected /r/parcleo/comments/ to /subreddits/search): skipped; "
        "correct or remove it in brands[0].sources[0].brand_subreddits",
    ]


def test_every_configured_subreddit_refused_is_a_source_error_not_an_empty_read(reddit):
    """Reddit refusing the app itself (a blocked user agent or network: 403 on every subreddit) is no subreddit to
    skip: each was skipped, and the source read nothing with only warnings, its run a success."""
    server, _ = reddit([post("p1", 60), post("p2", 180, sub="shipping")])
    server.add_fault(r"^/r/", status=403, headers={"Content-Type": "text/html"}, body=b"<html>Blocked</html>", times=50)
    with pytest.raises(SourceError, match=r"refused every configured subreddit \(r/shipping \(403\), r/parcelo"):
        run(make_source(subreddits=["shipping", "parcelo"], brand_subreddits=["parcelo"]))


def test_a_timeout_is_retried_then_fails(reddit):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=200, delay=1.0)  # one slow answer, then the route
    records, _ = run(make_source(timeout_s=0.25, retries=1))
    assert ids(records) == ["t3_p1"] and len(paths(server, "/search")) == 2

    server.add_fault(r"/search", status=200, delay=1.0, times=2)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"/r/parcelo/search/ timed out \(no answer in 0.25 s\) after 1 retry"):
        run(make_source(timeout_s=0.25, retries=1))
    assert time.monotonic() - started < 2.0  # the configured timeout, not prawcore's 16 s


def test_a_refused_connection_is_not_called_a_timeout(reddit, monkeypatch):
    """urllib3's NewConnectionError (refused, a host name that does not resolve) is a ConnectTimeoutError by its
    class: it failed at once, so it is 'could not be reached', not 'timed out (no answer in 5 s)'."""
    reddit([post("p1", 60)])
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for url in (closed, "http://no-such-host.invalid"):
        monkeypatch.setenv("BRANDPULSE_REDDIT_OAUTH_URL", url)
        monkeypatch.setenv("BRANDPULSE_REDDIT_URL", url)
        with pytest.raises(SourceError) as err:
            run(make_source(retries=1))
        assert str(err.value) == (
            "reddit source parcelo/reddit: access token request: /api/v1/access_token could not be reached "
            "(ConnectionError) after 1 retry"
        )


def test_a_retry_after_over_five_minutes_fails_at_once_saying_so(reddit):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=429, headers={"Retry-After": "86400"}, times=5)
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        run(make_source(retries=2))
    assert str(err.value) == (
        "reddit source parcelo/reddit: search r/parcelo: /r/parcelo/search/: the server asked to retry after "
        "86400 s, over the 300 s this waits"
    )
    assert time.monotonic() - started < 5 and len(paths(server, "/search")) == 1


@pytest.mark.parametrize(
    "pattern, where", [(r"/search", "/r/parcelo/search/"), (r"/access_token", "/api/v1/access_token")]
)
def test_malformed_json_names_the_endpoint(reddit, pattern, where):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(pattern, malformed=True)
    with pytest.raises(SourceError, match=f"malformed JSON from {where}"):
        run(make_source())


def test_json_nested_past_pythons_parser_or_over_max_body_is_a_source_error(reddit, monkeypatch):
    server, _ = reddit([post("p1", 60)])
    server.add_fault(r"/search", status=200, body=b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(SourceError, match="PRAW could not read Reddit's answer \\(RecursionError"):
        run(make_source())
    monkeypatch.setattr("pipeline.http.MAX_BODY", 2**20)
    server.add_fault(r"/search", status=200, body=b'{"pad": "' + b"a" * 2**21 + b'"}')
    with pytest.raises(SourceError, match=r"/r/parcelo/search/: the answer is over 1 MiB \(decoded\); not read"):
        run(make_source())


def test_a_page_answered_with_no_listing_fails_the_source_instead_of_ending_the_listing(reddit):
    """prawcore hands back "" for a 200 with an empty body and None for JSON null; PRAW took either for the end of the
    listing, so a second page answered so kept the first 100 of 150 mentions and a night that said success."""
    server, _ = reddit([post(f"n{i:03d}", 60 + i * 60) for i in range(150)])
    i, (method, pattern, search) = next((i, r) for i, r in enumerate(server.routes) if "search" in r[1].pattern)
    for body in (b"", b"null"):
        server.routes[i] = (
            method,
            pattern,
            lambda req, m, body=body: Response(200, body) if req.query.get("after") else search(req, m),
        )
        with pytest.raises(
            SourceError,
            match=r"search r/parcelo: Reddit answered (an empty body|JSON null) in place "
            r"of a listing \(after 100 items read\)",
        ):
            run(make_source())


def test_a_json_list_in_place_of_a_listing_is_a_source_error_not_a_traceback(reddit):
    """PRAW reads a JSON list's second element as the listing (a submission's duplicates), and a thread's first
    element's first child as its post: an IndexError, which escaped the source as a bare traceback."""
    server, _ = reddit([post("p1", 60), comment("c1", 120, "Parcelo again")])
    empty = {"kind": "Listing", "data": {"children": [], "after": None}}
    for path, body, step in (
        ("/search", b"[]", "search r/parcelo"),
        ("/comments/p1", [empty, empty], "comments of t3_p1"),
    ):
        server.add_fault(path, status=200, body=body)
        with pytest.raises(SourceError, match=f"{step}: PRAW could not read Reddit's answer \\(IndexError"):
            run(make_source(comments=True))


def test_empty_results(reddit):
    server, _ = reddit([])
    src = make_source(subreddits=["parcelo", "shipping"], brand_subreddits=["parcelo"], comments=True)
    assert run(src) == ([], [])
    assert src.warnings == []
    assert set(src.state["listings"]) == {"search r/parcelo", "search r/shipping", "new comments in r/parcelo"}
    assert all(s["read"] == 0 for s in src.state["listings"].values())
    assert src.state["newest_created_utc"] is None and len(paths(server, "/search")) == 2
    src = make_source()
    src.previous_state = {"newest_created_utc": T0 - 3600}
    assert run(src) == ([], [])
    assert src.state["newest_created_utc"] == T0 - 3600  # an empty night keeps the last one


def test_deleted_and_removed_posts_and_comments(reddit):
    _server, _ = reddit(
        [
            post("p1", 60, title="Parcelo lost my parcel", selftext="[deleted]", author="[deleted]"),
            post("p2", 120, title="Parcelo support thread", selftext="[removed]"),
            post("p3", 180, title="unrelated title", selftext="[removed]"),  # the alias was in the removed body
            comment("c1", 200, "[deleted]", link="p2", author="[deleted]"),
            comment("c2", 210, "[removed]", link="p2", author="[deleted]"),
            comment("c3", 220, "they answered within an hour", link="p2", author="[deleted]"),
            comment("c4", 230, "[removed]", link="elsewhere", sub="parcelo"),
            post("p4", 190, title="my parcelo pasta recipe"),  # found by the search, excluded: not about the brand
            comment("c5", 240, "nice weather today", link="elsewhere", sub="parcelo"),  # brand subreddit, no alias
        ]
    )
    src = make_source(comments=True, brand_subreddits=["parcelo"])
    records, _ = run(src)
    assert ids(records) == ["t1_c3", "t3_p1", "t3_p2"]
    by_id = {r.native_id: r for r in records}
    assert by_id["t3_p1"].text == "Parcelo lost my parcel" and by_id["t3_p1"].author_hash is None
    assert by_id["t3_p2"].text == "Parcelo support thread" and by_id["t3_p2"].author_hash is not None
    assert by_id["t1_c3"].author_hash is None
    assert src.state["skipped_deleted"] == 1 and src.state["skipped_removed"] == 2
    assert src.state["not_about_brand"] == 2  # p4 and c5: read, not kept, and counted (they were in no count)
    assert src.warnings == []  # deleted and removed items are normal: counted in the state, not warned about


def test_removals_by_reddits_admins_are_skipped_as_removed(reddit):
    """Reddit's admins' removal leaves "[ Removed by Reddit ]" (and a longer variant) as the body: it was stored as
    a neutral mention of the brand (every comment of a brand thread is kept) and scored, not counted as removed."""
    reddit(
        [
            post("p1", 60, title="Parcelo lost my parcel", selftext="[ Removed by Reddit ]"),
            comment("c1", 200, "[ Removed by Reddit ]", link="p1"),
            comment("c2", 210, "[ Removed by Reddit on account of violating the content policy. ]", link="p1"),
            comment("c3", 220, "same here, Parcelo never came", link="p1"),
        ]
    )
    src = make_source(comments=True)
    records, _ = run(src)
    assert ids(records) == ["t1_c3", "t3_p1"]
    assert next(r for r in records if r.native_id == "t3_p1").text == "Parcelo lost my parcel"
    assert src.state["skipped_removed"] == 2 and src.state["skipped_deleted"] == 0


def test_automoderators_comments_are_no_mentions(reddit):
    """AutoModerator's sticky in a brand thread ("I am a bot, and this action was performed automatically") was
    kept as a mention, as its reminders in a brand subreddit that name the brand: skipped now, and counted."""
    bot = "Thanks for posting about Parcelo! *I am a bot, and this action was performed automatically.*"
    reddit(
        [
            post("p1", 60),
            comment("c1", 120, bot, link="p1", author="AutoModerator", extra={"stickied": True}),
            comment("c2", 130, "Parcelo lost mine too", link="p1"),
            comment("c3", 140, bot, link="p9", author="AutoModerator", extra={"distinguished": "moderator"}),
        ]
    )
    src = make_source(comments=True, brand_subreddits=["parcelo"])
    records, _ = run(src)
    assert ids(records) == ["t1_c2", "t3_p1"] and src.state["automoderator"] == 2


def test_a_crosspost_has_its_parents_text_so_the_load_finds_it_a_repost(reddit):
    """A crosspost's own selftext is empty: its text was its title alone, never its parent's title + selftext, so the
    load's repost key told them apart and one complaint crossposted to two subreddits counted as three mentions."""
    parent = {"id": "p1", "title": "Parcelo lost my parcel", "selftext": "Three weeks and nothing", "author": "alice"}
    crossposts = [
        post(f"x{n}", 100 + n, title="Parcelo lost my parcel", sub=sub, extra={"crosspost_parent_list": [parent]})
        for n, sub in enumerate(("shipping", "mildlyinfuriating"))
    ]
    reddit([post("p1", 60, title=parent["title"], selftext=parent["selftext"]), *crossposts])
    records, _ = run(make_source(subreddits=["parcelo", "shipping", "mildlyinfuriating"]))
    assert ids(records) == ["t3_p1", "t3_x0", "t3_x1"]
    assert {r.text for r in records} == {"Parcelo lost my parcel\n\nThree weeks and nothing"}
    assert len({repost_key(r.text) for r in records}) == 1 and repost_key(records[0].text) is not None


def test_items_at_the_window_start_do_not_end_a_listing(reddit):
    """Four posts made in the window's first second, then older ones: those at the start are in the window, so
    they are not among the three older items in a row that end a listing, and all four are read."""
    reddit([*(post(f"p{i}", 0) for i in range(4)), *(post(f"old{i}", -60 * (i + 1)) for i in range(4))])
    src = make_source()
    records, _ = run(src)
    assert ids(records) == ["t3_p0", "t3_p1", "t3_p2", "t3_p3"] and src.warnings == []


def test_a_comment_with_a_negative_score_has_engagement_0(reddit):
    """A downvoted comment's score is below 0: its engagement is 0 (at least 0, like a post's), not a reject."""
    reddit([comment("c1", 100, "Parcelo lost it again", link="nopost", score=-4)])
    records, rejects = run(make_source(subreddits=[], brand_subreddits=["parcelo"]))
    assert rejects == [] and [(r.native_id, r.engagement) for r in records] == [("t1_c1", 0)]


def test_unicode_emoji_and_a_very_long_post(reddit):
    long_body = ("Lorem ipsum dolor sit amet. " * 4000)[:99_990] + " Parcelo!"
    title = "Parcelo 📦 très rapide — 快递 👍🏽"
    _server, _ = reddit(
        [
            post("p1", 60, title=title, selftext="Ça marche 🎉\n\nÅ ø ß ✓"),
            post("p2", 120, title="a long one", selftext=long_body),
            comment("c1", 130, "Parcelo 😡😡 nie wieder, Paket zerstört", link="old"),
        ]
    )
    records, _ = run(make_source(brand_subreddits=["parcelo"]))
    by_id = {r.native_id: r for r in records}
    assert by_id["t3_p1"].text == f"{title}\n\nÇa marche 🎉\n\nÅ ø ß ✓"
    assert by_id["t3_p2"].text == f"a long one\n\n{long_body}" and len(by_id["t3_p2"].text) > 100_000
    assert by_id["t1_c1"].text == "Parcelo 😡😡 nie wieder, Paket zerstört" and by_id["t1_c1"].language == "de"
    assert json.loads(by_id["t3_p1"].to_json())["text"].startswith("Parcelo 📦")


def test_alias_word_boundaries_and_exclusions(reddit):
    _server, _ = reddit(
        [
            post("a", 10, title="myparcelo is a different shop"),
            post("b", 20, title="parcelos everywhere"),
            post("c", 30, title="I cooked parcelo pasta tonight"),  # only the excluded phrase
            post("d", 40, title="parcelo pasta, then a Parcelo delivery"),  # the alias outside the phrase too
            post("e", 50, title="asked @parcelo on twitter"),
            post("f", 60, title="PARCELO!!!"),
            post("g", 70, title="no alias in the title", selftext="but the body says parcelo"),
        ]
    )
    records, _ = run(make_source())
    assert ids(records) == ["t3_d", "t3_e", "t3_f", "t3_g"]


def test_max_items_cuts_a_listing_and_warns(reddit):
    _server, _ = reddit([post(f"p{i:02d}", 60 + i * 60) for i in range(30)])
    src = make_source(max_items=20)
    records, _ = run(src)
    assert ids(records) == sorted(f"t3_p{i:02d}" for i in range(10, 30))  # the 20 newest
    oldest = datetime.fromtimestamp(T0 + 60 + 10 * 60, UTC).isoformat()
    assert src.warnings == [
        f"search r/parcelo: stopped after 20 items (max_items 20); the oldest item read is from {oldest}, "
        f"after the window start {WINDOW.start.isoformat()}: the window is truncated"
    ]
    assert src.state["listings"]["search r/parcelo"]["truncated"] is True


def test_max_items_cuts_a_brand_subreddits_comments_and_warns(reddit):
    """The brand subreddits' comment listings are capped like the searches: max_items read while the listing had
    more in the window is a warning (the window is truncated), not a quiet end."""
    reddit([comment(f"c{i:02d}", 60 + i * 60, f"Parcelo comment {i}", link="nopost") for i in range(30)])
    src = make_source(subreddits=[], brand_subreddits=["parcelo"], max_items=20)
    records, _ = run(src)
    assert len(records) == 20 and len(src.warnings) == 1
    assert src.warnings[0].startswith("new comments in r/parcelo: stopped after 20 items (max_items 20)")
    assert src.state["listings"]["new comments in r/parcelo"]["truncated"] is True


def test_reddits_listing_cap_warns_but_a_short_listing_does_not(reddit, monkeypatch):
    monkeypatch.setattr(reddit_source, "LISTING_CAP_HINT", 25)
    reddit([post(f"p{i:02d}", 60 + i * 60) for i in range(40)], listing_cap=30)
    src = make_source()
    records, _ = run(src)
    assert len(records) == 30 and len(src.warnings) == 1
    assert "search r/parcelo: stopped after 30 items (Reddit's ~1,000-item listing cap)" in src.warnings[0]

    _server, _ = reddit([post(f"p{i:02d}", 60 + i * 60) for i in range(20)], listing_cap=30)
    src = make_source()
    records, _ = run(src)
    assert len(records) == 20 and src.warnings == []  # the search's time filter covers the window: a real end


def test_an_empty_page_that_names_a_next_one_is_a_warning(reddit):
    """PRAW ends a listing at an empty page, even one whose ``after`` names a next page: the window's items after it
    were never seen, so the listing is truncated, not quietly ended."""
    in_window = [post(f"n{i:03d}", 60 + i * 60) for i in range(250)]
    server, _ = reddit(in_window + [post(f"o{i:03d}", -60 - i * 60) for i in range(10)])
    i, (method, pattern, search) = next((i, r) for i, r in enumerate(server.routes) if "search" in r[1].pattern)

    def gap(req, m):  # the second page comes back empty, though it names a third
        if req.query.get("after") == "t3_n150":
            return Response(200, {"kind": "Listing", "data": {"after": "t3_n050", "dist": 0, "children": []}})
        return search(req, m)

    server.routes[i] = (method, pattern, gap)
    src = make_source()
    records, _ = run(src)
    assert len(records) == 100 and len(src.warnings) == 1
    assert src.warnings[0].startswith(
        "search r/parcelo: stopped after 100 items (a page came back empty but named a next one)"
    )
    assert src.state["listings"]["search r/parcelo"]["truncated"] is True


def test_a_page_that_names_the_cursor_it_was_asked_with_as_the_next_one_is_a_warning(reddit):
    """A cursor that does not move (the page asked for after=X names X as the next one again): PRAW takes it for the
    listing's end, so the window's items past it were never seen; the listing is truncated, not quietly ended."""
    server, _ = reddit([post(f"n{i:03d}", 60 + i * 60) for i in range(250)])
    i, (method, pattern, search) = next((i, r) for i, r in enumerate(server.routes) if "search" in r[1].pattern)

    def stuck(req, m):  # every page after the first names the cursor it was asked with
        resp = search(req, m)
        if req.query.get("after"):
            resp.body["data"]["after"] = req.query["after"]
        return resp

    server.routes[i] = (method, pattern, stuck)
    src = make_source()
    records, _ = run(src)
    assert len(records) == 200 and len(paths(server, "/search")) == 2 and len(src.warnings) == 1
    assert src.warnings[0].startswith(
        "search r/parcelo: stopped after 200 items (the page after t3_n150 named t3_n150 as the next one again"
    )
    assert src.state["listings"]["search r/parcelo"]["truncated"] is True


def test_the_real_1000_item_cap(reddit):
    server, _ = reddit([post(f"p{i:04d}", 10 + i * 60) for i in range(1100)])
    src = make_source(max_items=5000)
    started = time.monotonic()
    records, _ = run(src)
    assert len(records) == 1000 and len(paths(server, "/search")) == 10
    assert len(src.warnings) == 1 and "stopped after 1000 items (Reddit's ~1,000-item listing cap)" in src.warnings[0]
    assert time.monotonic() - started < 5


def test_comments_of_matched_posts_with_depth_and_limit(reddit):
    end = WINDOW.end.timestamp() - T0
    server, _ = reddit(
        [
            post("p1", 60),
            post("p9", 70, title="nothing about the brand"),
            comment("c1", 100, "agreed, fast delivery", link="p1"),  # no alias: kept, the thread is about it
            comment("c2", 110, "same here", link="p1", parent="c1"),
            comment("c3", 120, "level three", link="p1", parent="c2"),  # below comment_depth 2
            comment("c2b", 115, "a reply with none", link="p1", parent="c1"),
            comment("late", end + 5, "tomorrow's comment", link="p1"),
            comment("x1", 100, "Parcelo in an unmatched thread", link="p9"),
        ]
    )
    src = make_source(comments=True, comment_depth=2)
    records, _ = run(src)
    assert ids(records) == ["t1_c1", "t1_c2", "t1_c2b", "t3_p1"]
    # c3, cut at the depth ("continue this thread", count 0), is counted and said; c2b's leaf is not a cut
    assert src.warnings == ["Reddit thread t3_p1: at least 1 comment(s) not read (1 below comment_depth=2)"]
    assert src.state["threads"]["not_read"] == 1
    thread = paths(server, "/comments/p1")
    assert len(thread) == 1 and thread[0].query["depth"] == "2" and thread[0].query["sort"] == "new"
    assert paths(server, "/comments/p9") == []
    c1 = next(r for r in records if r.native_id == "t1_c1")
    assert c1.url == "https://www.reddit.com/r/parcelo/comments/p1/parcelo_delivered_my_parcel_early/c1/"
    assert c1.channel == "r/parcelo" and c1.title is None


def test_threads_of_earlier_posts_are_followed_for_follow_days(reddit):
    """A brand thread goes on after its post leaves the window: the posts a read matched are kept in the state, and
    the next reads re-read their threads for comments created in their window, for follow_days after the window's
    start passed the post."""
    day = timedelta(days=1)
    server, _ = reddit(
        [
            post("p1", -3600),  # the evening before the window: the night before matched it
            comment("c_old", -1800, "read the night before", link="p1"),
            comment("c_late", 3 * 3600, "same here, third time this month", link="p1"),  # no alias: the thread's
            post("p2", 7200),  # matched in the window itself: read as before, and followed from now on
            post("p0", -5 * 86400 - 60, title="Parcelo, long ago"),
        ]
    )
    before = Window(WINDOW.start - day, WINDOW.start)
    first = make_source(comments=True, follow_days=2)
    records, _ = run(first, before)
    assert ids(records) == ["t1_c_old", "t3_p1"] and first.state["follow"] == {"p1": T0 - 3600}

    src = make_source(comments=True, follow_days=2)
    earlier = {**first.state["follow"], "p0": T0 - 5 * 86400 - 60, "bad": "x", "gone": T0 - 60}
    src.previous_state = {**first.state, "follow": earlier}
    server.requests.clear()
    records, _ = run(src)
    assert ids(records) == ["t1_c_late", "t3_p2"]  # c_old is before the window; p0 is past follow_days
    assert len(paths(server, "/comments/p1")) == 1 and paths(server, "/comments/p0") == []
    assert src.state["threads"]["followed"] == 2 and src.state["threads"]["unavailable"] == 1  # gone: a 404
    assert src.warnings == []
    assert src.state["follow"] == {"p1": T0 - 3600, "p2": T0 + 7200}  # p0, the malformed entry and gone dropped

    src = make_source(comments=True, follow_days=2)
    src.previous_state = first.state
    server.requests.clear()
    assert run(src, Window(WINDOW.start - 3 * day, WINDOW.start - 2 * day)) == ([], [])  # an older night re-run:
    assert paths(server, "/comments/") == [] and src.state["follow"] == {"p1": T0 - 3600}  # p1 kept, not read
    src = make_source(comments=True, follow_days=0)
    src.previous_state = first.state
    records, _ = run(src)
    assert ids(records) == ["t3_p2"] and src.state["follow"] == {}


def test_a_brand_subreddit_comment_without_an_alias_kept_by_a_followed_thread_is_counted_once(reddit):
    """The brand subreddit's listing reads a comment without an alias before the followed thread keeps it: it was
    a record and a ``not_about_brand`` skip at once. Each item read is one record, reject or counted skip."""
    reddit(
        [
            post("p1", -3600),  # matched the night before: its thread is followed
            comment("c1", 600, "same here", link="p1"),  # no alias: the thread keeps it, the listing did not
            comment("c2", 700, "nice weather today", link="elsewhere"),  # no alias, in no followed thread
        ]
    )
    src = make_source(comments=True, brand_subreddits=["parcelo", "parcelo+shipping"])
    src.previous_state = {"follow": {"p1": T0 - 3600}}
    records, _ = run(src)
    assert ids(records) == ["t1_c1"]
    # c2 read by both listings: one skip and a duplicate; c1 read by both and its thread: a record and 2 duplicates
    assert src.state["not_about_brand"] == 1 and src.state["duplicates"] == 3


def test_a_post_exactly_follow_days_old_is_still_followed(reddit):
    """follow_days counts from the window's start inclusively: a post made exactly follow_days before it is
    re-read (and stays followed), one a second older is not."""
    since = -2 * 86400
    server, _ = reddit(
        [
            post("p0", since),
            comment("c0", 100, "still going", link="p0"),
            post("p9", since - 1),
            comment("c9", 100, "also going", link="p9"),
        ]
    )
    src = make_source(comments=True, follow_days=2)
    src.previous_state = {"follow": {"p0": T0 + since, "p9": T0 + since - 1}}
    records, _ = run(src)
    assert ids(records) == ["t1_c0"] and src.state["follow"] == {"p0": T0 + since}
    assert paths(server, "/comments/p9") == []


@pytest.mark.parametrize("spec", [{"comment_depth": 0}, {"comment_limit": 0}])
def test_comment_depth_or_limit_0_reads_no_thread(reddit, spec):
    """comment_depth 0 (no reply level) or comment_limit 0 (no comment) reads no comment and asks for no thread."""
    server, _ = reddit([post("p1", 60), comment("c1", 100, "agreed", link="p1")])
    src = make_source(comments=True, **spec)
    records, _ = run(src)
    assert ids(records) == ["t3_p1"] and paths(server, "/comments/") == []


def test_a_threads_comments_are_kept_in_the_half_open_window(reddit):
    """A thread's comments are kept without an alias check, and only by their own time (no listing filters them
    first): a comment half a second before the window's start, or at its end, belongs to another night."""
    end = WINDOW.end.timestamp() - T0
    _server, _ = reddit(
        [
            post("p1", -3600),  # matched the night before: its thread is followed
            comment("c_before", -0.5, "just before", link="p1"),
            comment("c_at_start", 0, "at the start", link="p1"),
            comment("c_last", end - 1, "the last second", link="p1"),
            comment("c_at_end", end, "at the end", link="p1"),
        ]
    )
    src = make_source(comments=True)
    src.previous_state = {"follow": {"p1": T0 - 3600}}
    records, _ = run(src)
    assert ids(records) == ["t1_c_at_start", "t1_c_last"]
    assert src.state["threads"]["followed"] == 1 and src.state["newest_created_utc"] == T0 + end - 1
    # each comment read is a record, a reject or a counted skip: the two of other nights are counted, not passed over
    assert src.state["threads"]["comments_read"] == 4 and src.state["threads"]["outside_window"] == 2


def test_followed_threads_are_capped(reddit, monkeypatch):
    monkeypatch.setattr(reddit_source, "FOLLOWED_MAX", 2)
    server, _ = reddit([post(f"p{n}", -3600 * n) for n in (1, 2, 3)])
    src = make_source(comments=True)
    src.previous_state = {"follow": {f"p{n}": T0 - 3600 * n for n in (1, 2, 3)}}
    run(src)
    assert [r.path for r in server.requests if "/comments/" in r.path] == ["/comments/p1/", "/comments/p2/"]
    oldest = datetime.fromtimestamp(T0 - 7200, UTC).isoformat()
    assert src.warnings == [
        f"Reddit threads followed (follow_days=3): 1 thread(s) of posts older than {oldest} not re-read (at most 2): "
        "their comments in the window were not read"
    ]
    assert src.state["follow"] == {"p1": T0 - 3600, "p2": T0 - 7200}
    assert list(src.state["follow"]) == ["p2", "p1"]  # oldest first, however reached: a watch run's then the night's
    src = make_source(comments=True)  # exactly FOLLOWED_MAX threads due: all re-read, nothing left out to warn of
    src.previous_state = {"follow": {f"p{n}": T0 - 3600 * n for n in (1, 2)}}
    run(src)
    assert src.warnings == [] and src.state["threads"]["followed"] == 2
    # state is the night-only run's (tests/test_watch.py compares the two warehouses)


def test_a_watch_run_reads_no_followed_thread_and_leaves_the_follow_state(reddit):
    """The hourly watch's 24 runs a day would re-read the same followed threads each time, spending Reddit's rate
    limit the searches need: a watch run (watch_run) reads the window's posts and their threads, but no followed
    thread, and leaves state["follow"] exactly as it was (the night re-reads the whole day and follows them)."""
    server, _ = reddit(
        [
            post("p1", -3600),  # matched by the night before: followed
            comment("c_late", 3 * 3600, "same here, third time this month", link="p1"),
            post("p2", 7200),  # matched in the window
            comment("c2", 7300, "and mine", link="p2"),
        ]
    )
    follow = {"p1": T0 - 3600, "bad": "x"}  # as stored, a malformed entry too: the night's to clean
    src = make_source(comments=True, follow_days=2)
    src.watch_run, src.previous_state = True, {"follow": follow}
    records, _ = run(src)
    assert ids(records) == ["t1_c2", "t3_p2"] and paths(server, "/comments/p1") == []
    assert src.state["follow"] == follow and src.state["threads"]["followed"] == 0 and src.warnings == []
    night = make_source(comments=True, follow_days=2)
    night.previous_state = src.state
    records, _ = run(night)
    assert ids(records) == ["t1_c2", "t1_c_late", "t3_p2"] and len(paths(server, "/comments/p1")) == 1
    assert night.state["follow"] == {"p1": T0 - 3600, "p2": T0 + 7200}


def test_a_deadline_in_the_followed_threads_keeps_what_the_read_found(reddit):
    """The followed threads are read last (after the brand subreddits) and only reconcile: when the source's
    deadline stops them (here a wait for Reddit's rate-limit window that would pass it), the read keeps its records
    and warns (truncated), and the threads not re-read stay followed, instead of failing the source and losing the
    searches' records."""
    _server, api = reddit(
        [
            post("p9", 60),  # the window's post: the search and its thread take the first two requests
            comment("c9", 120, "mine too", link="p9"),
            post("p7", 30, title="Couriers, in general"),
            comment("c7", 90, "Parcelo lost mine", link="p7"),  # the brand subreddit's: the third request
            post("p1", -3600),
            comment("c1", 3600, "still waiting", link="p1"),  # the fourth request: the budget is spent
            post("p2", -7200),
            comment("c2", 3600, "same", link="p2"),  # its thread would wait 30 s, past the 5 s deadline
        ],
        ratelimit_budget=4,
        ratelimit_window=30,
    )
    src = make_source(comments=True, brand_subreddits=["parcelo"], deadline_s=5)
    src.previous_state = {"follow": {"p1": T0 - 3600, "p2": T0 - 7200}}
    started = time.monotonic()
    records, _ = run(src)
    assert time.monotonic() - started < 5 and api.over_budget == 0
    assert ids(records) == ["t1_c1", "t1_c7", "t1_c9", "t3_p9"]
    [warning] = src.warnings
    assert warning.startswith(
        "Reddit threads followed: comments of t3_p2: stopped at the source's 5 s deadline (deadline_s): waiting "
    )
    assert warning.endswith(
        " s for Reddit's rate-limit window to reset would pass it; 1 of 2 thread(s) not re-read, or not to the end: "
        "their comments in the window were not read (they stay followed; what the read found is kept)"
    )
    assert src.state["follow"] == {"p2": T0 - 7200, "p1": T0 - 3600, "p9": T0 + 60}


def test_comment_limit_and_load_more_comments(reddit, monkeypatch):
    items = [post("p1", 60)]
    for n in (1, 2, 3):  # newest first: t3 is newest, then t2, t1
        items.append(comment(f"t{n}", 100 + n * 10, f"top {n}", link="p1"))
        items.append(comment(f"r{n}", 200 + n * 10, f"reply {n}", link="p1", parent=f"t{n}"))
    items.append(comment("d2", 300, "below r2, which the limit cuts", link="p1", parent="r2"))
    server, _ = reddit(items)
    src = make_source(comments=True, comment_limit=4, comment_depth=2)
    records, _ = run(src)
    # The first answer holds 4 comments (t3, r3, t2, r2) and a "more" for t1; loading it makes t1 a top-level
    # comment, so breadth first the 4 comments are the three top-level ones and the first reply.
    assert ids([r for r in records if r.native_id.startswith("t1_")]) == ["t1_r3", "t1_t1", "t1_t2", "t1_t3"]
    assert len(paths(server, "/api/morechildren")) == 1
    # what the limits left unread is counted and said: the night's read of this thread was cut short (d2 with r2:
    # the "continue this thread" link below r2 is not counted again as a depth cut)
    assert src.warnings == ["Reddit thread t3_p1: at least 2 comment(s) not read (2 past comment_limit=4)"]
    assert src.state["threads"]["not_read"] == 2
    monkeypatch.setattr("pipeline.sources.reddit.REPLACE_MORE_LIMIT", 0)  # no "load more" link followed
    src = make_source(comments=True, comment_limit=4, comment_depth=2)
    records, _ = run(src)
    assert "t1_t1" not in ids(records) and len(paths(server, "/api/morechildren")) == 1  # no new request
    [warning] = src.warnings
    assert "behind 'load more' links past the 0 followed" in warning, warning


def test_brand_subreddit_comments_are_filtered_by_alias(reddit):
    server, _ = reddit(
        [
            comment("c1", 100, "Parcelo rocks", link="nopost"),  # its post is not in the dataset
            comment("c2", 110, "nothing to see", link="nopost"),
            comment("c3", 120, "parcelo pasta recipe", link="nopost"),
            comment("c4", 130, "the @parcelo app crashed", link="nopost", sub="Parcelo"),
            comment("c5", 140, "Parcelo elsewhere", link="nopost", sub="shipping"),
            *[comment(f"old{i}", -100 - i, "Parcelo yesterday", link="nopost") for i in range(150)],
        ]
    )
    src = make_source(subreddits=["shipping"], brand_subreddits=["r/parcelo"])
    records, _ = run(src)
    assert ids(records) == ["t1_c1", "t1_c4"]
    pages = paths(server, "/r/parcelo/comments")
    assert len(pages) == 1  # the first page already reaches items older than the window
    assert src.state["listings"]["new comments in r/parcelo"]["in_window"] == 4


def test_dedupe_between_search_and_comment_paths(reddit):
    server, _ = reddit(
        [
            post("p1", 60),
            comment("c1", 100, "Parcelo answered me", link="p1"),
            comment("c2", 110, "no alias here", link="p1"),
        ]
    )
    src = make_source(subreddits=["parcelo", "all"], comments=True, brand_subreddits=["parcelo"])
    records, _ = run(src)
    assert sorted(r.native_id for r in records) == ["t1_c1", "t1_c2", "t3_p1"]  # each once
    assert len({r.mention_id for r in records}) == 3
    listings = src.state["listings"]
    assert listings["search r/parcelo"]["in_window"] == listings["search r/all"]["in_window"] == 1
    assert listings["new comments in r/parcelo"]["in_window"] == 2
    assert len(paths(server, "/comments/p1")) == 1  # the thread is read once
    assert src.state["duplicates"] == 3  # p1 (two searches), c1 and c2 (its thread, the brand subreddit)


def test_items_without_created_utc_or_text_are_quarantined(reddit):
    reddit(
        [
            post("p1", 60, drop_keys=["created_utc"], author="carol"),
            post("p2", 70, extra={"created_utc": "yesterday"}),
            post("p3", 80, drop_keys=["title"]),
            post("p4", 90),
            post("p5", 95, score=10**13),  # a value out of range: this post, not the whole source
            post("p6", 96, extra={"selftext": {"html": "Parcelo"}}),  # not text: this post, not the source
            comment("c1", 100, "Parcelo without a time", link="x", drop_keys=["created_utc"]),
            comment("c2", 110, "Parcelo, upvoted beyond belief", link="x", score=10**13),
            comment("c3", 120, "", link="x"),  # an empty body is no text: quarantined, not dropped unseen
        ]
    )
    records, rejects = run(make_source(brand_subreddits=["parcelo"]))
    assert ids(records) == ["t3_p4"]
    assert sorted((r.location, r.reason) for r in rejects) == [
        ("reddit t1_c1", "reddit t1 lacks created_utc"),
        ("reddit t1_c2", "engagement '10000000000000' is over 1e+12"),
        ("reddit t1_c3", "reddit t1 lacks body"),
        ("reddit t3_p1", "reddit t3 lacks created_utc"),
        ("reddit t3_p2", "reddit t3 created_utc 'yesterday' is not a Unix time from 2000 on"),
        ("reddit t3_p3", "reddit t3 lacks title"),
        ("reddit t3_p5", "engagement '10000000000000' is over 1e+12"),
        ("reddit t3_p6", "reddit t3 selftext is not text"),
    ]
    raw = json.loads(next(r for r in rejects if r.location == "reddit t3_p1").raw_record)
    assert raw["id"] == "p1" and raw["title"] == "Parcelo delivered my parcel early"
    assert raw["author"].startswith("hmac:") and "carol" not in json.dumps(raw)


def test_a_thing_of_a_kind_praw_does_not_know_is_quarantined_not_the_source_failed(reddit):
    """PRAW leaves a listing's thing of a kind it has no class for as Reddit's ``{"kind", "data"}`` dict; reading its
    fields failed the whole source ("PRAW could not read Reddit's answer (TypeError: vars() ...)"), night after night
    while it stayed in the listing. It is quarantined (authors hashed), and the rest of the listing read."""
    server, _ = reddit([post("p1", 60), post("p2", 30), comment("c1", 100, "Parcelo again", link="p1")])
    odd = {"kind": "t9", "data": {"id": "x1", "name": "t9_x1", "created_utc": T0 + 50, "author": "carol"}}
    for n, (method, pattern, handler) in enumerate(server.routes):
        if pattern.pattern.startswith(("^/r/(?P<sub>[^/]+)/search", "^/r/(?P<sub>[^/]+)/comments")):

            def serve(req, m, handler=handler):
                resp = handler(req, m)
                resp.body["data"]["children"].insert(1, odd)
                return resp

            server.routes[n] = (method, pattern, serve)
    records, rejects = run(make_source(brand_subreddits=["parcelo"]))
    assert ids(records) == ["t1_c1", "t3_p1", "t3_p2"]
    # one reject, however many listings hold it (a search and a brand subreddit's comments)
    assert [(r.location, r.reason) for r in rejects] == [
        ("reddit t9_x1", "reddit t3 listing holds a thing of kind 't9', not a t3")
    ]
    assert "carol" not in rejects[0].raw_record and json.loads(rejects[0].raw_record)["kind"] == "t9"


def test_a_bad_comment_read_by_its_thread_and_a_brand_subreddit_is_one_reject(reddit):
    """A comment quarantined in its thread was quarantined again by the brand subreddit's listing: two rejects of one
    quarantine id (the extract said 2 quarantined, the load stored 1), not the repeat the stores count."""
    reddit(
        [
            post("p1", 60),
            comment("c1", 100, "Parcelo without a time", drop_keys=["created_utc"]),
            comment("c2", 110, "Parcelo on time"),
        ]
    )
    src = make_source(comments=True, brand_subreddits=["parcelo"])
    records, rejects = run(src)
    assert ids(records) == ["t1_c2", "t3_p1"]
    assert [(r.location, r.reason) for r in rejects] == [("reddit t1_c1", "reddit t1 lacks created_utc")]
    assert src.state["duplicates"] == 2  # c1 and c2, each read again by the brand subreddit


def test_quarantine_holds_no_author_identity(reddit):
    """Every field about an author, at any depth, is the keyed hash of its text in quarantine (or left out when it
    is not text): the name, the account id (t2_), the flair, the post author a comment listing names, a crosspost
    parent's author."""
    flair = {
        "author_flair_text": "Flair of Carol",
        "author_flair_richtext": [{"e": "text", "t": "Flair of Carol"}],
        "author_premium": True,
        "crosspost_parent_list": [{"id": "x0", "author": "dave_x", "author_fullname": "t2_davex"}],
    }
    _server, _ = reddit(
        [
            post("p0", 30, author="carol_k"),  # c1's post: the comment listing names its author (link_author)
            post("p1", 60, author="carol_k", drop_keys=["created_utc"], extra=flair),
            comment(
                "c1",
                100,
                "Parcelo without a time",
                link="p0",
                author="erin_q",
                drop_keys=["created_utc"],
                extra={"author_flair_text": "[deleted]"},
            ),
        ]
    )
    src = make_source(brand_subreddits=["parcelo"])
    _, rejects = run(src)
    raws = {r.location: json.loads(r.raw_record) for r in rejects}
    assert set(raws) == {"reddit t3_p1", "reddit t1_c1"}
    for name in ("carol", "dave", "erin", "t2_"):
        assert name not in json.dumps(raws).lower()
    hmac = Pseudonymiser(src.config)
    p1, c1 = raws["reddit t3_p1"], raws["reddit t1_c1"]
    assert p1["author"] == f"hmac:{hmac('carol_k')}" and p1["author_flair_text"] == f"hmac:{hmac('Flair of Carol')}"
    assert p1["author_fullname"].startswith("hmac:") and "author_flair_richtext" not in p1
    assert p1["author_premium"] is True and p1["author_flair_css_class"] is None  # flags and nulls name nobody
    assert p1["crosspost_parent_list"] == [
        {"id": "x0", "author": f"hmac:{hmac('dave_x')}", "author_fullname": f"hmac:{hmac('t2_davex')}"}
    ]
    assert c1["author"] == f"hmac:{hmac('erin_q')}" and c1["link_author"] == f"hmac:{hmac('carol_k')}"
    assert c1["author_fullname"].startswith("hmac:") and c1["body"] == "Parcelo without a time"
    assert c1["author_flair_text"] == "[deleted]"  # names nobody: kept as Reddit sent it, not hashed


def test_an_item_without_id_fails_the_listing_with_a_clear_error(reddit):
    reddit([post("p1", 60), post("p2", 70, drop_keys=["id", "name"])])
    with pytest.raises(SourceError, match=r"search r/parcelo: PRAW could not read Reddit's answer \(ValueError"):
        run(make_source())


def test_no_secret_reaches_logs_records_or_errors(reddit, caplog):
    caplog.set_level(logging.DEBUG)
    server, api = reddit([post("p1", 60), comment("c1", 100, "Parcelo!", link="p1")])
    server.add_fault(r"/search", status=500)
    src = make_source(comments=True, brand_subreddits=["parcelo"])
    records, _ = run(src)
    server.add_fault(r"/r/parcelo/comments", status=503, times=10)
    with pytest.raises(SourceError) as err:
        run(make_source(comments=True, brand_subreddits=["parcelo"]))
    assert len(records) == 2 and api.tokens_issued == 2
    assert "/r/parcelo/search/" in caplog.text  # the HTTP client's debug lines were captured
    everything = "\n".join(
        [caplog.text, str(err.value), *(r.to_json() for r in records), *src.warnings, json.dumps(src.state)]
    )
    for secret in (CLIENT_SECRET, api.token):
        assert secret not in everything


def test_missing_credentials_are_named_without_values(reddit, monkeypatch):
    reddit([post("p1", 60)])
    monkeypatch.delenv("praw_client_secret")
    monkeypatch.delenv("praw_user_agent")
    with pytest.raises(SourceError, match="Reddit credentials missing: client_secret, user_agent") as err:
        run(make_source())
    assert "praw_client_secret" in str(err.value) and CLIENT_ID not in str(err.value)


def test_wrong_client_secret_is_reported_as_such(reddit, monkeypatch):
    reddit([post("p1", 60)])
    monkeypatch.setenv("praw_client_secret", "not-the-secret-value")
    with pytest.raises(SourceError, match=r"refused the client credentials \(HTTP 401") as err:
        run(make_source())
    assert "not-the-secret-value" not in str(err.value)


def test_an_access_token_ended_mid_read_is_renewed_once_and_a_refused_renewal_names_the_credentials(reddit):
    """Reddit may end a token before its expires_in: prawcore drops it on the 401 and retries once with a new one
    (urllib3 does not retry a 401), a round the source's turned-off prawcore retries had lost with the night's read."""
    server, api = reddit([post(f"n{i:03d}", 60 + i * 60) for i in range(250)])
    i, (method, pattern, search) = next((i, r) for i, r in enumerate(server.routes) if "search" in r[1].pattern)

    def ends_token(req, m):  # the second page's request finds its token ended (and, once set, the secret revoked)
        if len(paths(server, "/search")) == 2:
            api.token, api.client_secret = api.token + "-renewed", ends_token.secret
        return search(req, m)

    ends_token.secret = CLIENT_SECRET
    server.routes[i] = (method, pattern, ends_token)
    records, _ = run(make_source())
    assert len(records) == 250 and api.tokens_issued == 2 and len(paths(server, "/search")) == 4  # page 2 twice
    server.requests.clear()
    ends_token.secret = "revoked"
    with pytest.raises(SourceError, match=r"search r/parcelo: Reddit refused the client credentials \(HTTP 401"):
        run(make_source())


def test_credentials_from_a_praw_ini_site(reddit, monkeypatch, tmp_path):
    reddit([post("p1", 60)])
    for name in ("praw_client_id", "praw_client_secret", "praw_user_agent"):
        monkeypatch.delenv(name)
    (tmp_path / "praw.ini").write_text(
        f"[brandpulse]\nclient_id={CLIENT_ID}\nclient_secret={CLIENT_SECRET}\nuser_agent={USER_AGENT}\n"
    )
    records, _ = run(make_source(praw_site="brandpulse"))
    assert ids(records) == ["t3_p1"]
    with pytest.raises(SourceError, match=r"praw.ini has no site \[nosuchsite\]"):
        run(make_source(praw_site="nosuchsite"))


@pytest.mark.parametrize("airflow", [False, True])
def test_a_malformed_praw_ini_is_named_without_its_lines(reddit, monkeypatch, tmp_path, airflow):
    """configparser quotes the lines it cannot parse, and one may hold the secret: the error names the file and
    the line, whether the credentials come from praw.ini or (PRAW reads praw.ini all the same) Airflow."""
    reddit([post("p1", 60)])
    (tmp_path / "praw.ini").write_text("[DEFAULT]\nuser_agent = x\nclient_secret hunter2-in-the-ini\n")
    spec = {}
    if airflow:
        conn = {"conn_type": "generic", "login": CLIENT_ID, "password": CLIENT_SECRET, "extra": {"user_agent": "x"}}
        monkeypatch.setenv("AIRFLOW_CONN_REDDIT_TEST", json.dumps(conn))
        spec = {"airflow_conn_id": "reddit_test"}
    with pytest.raises(SourceError, match=r"praw.ini cannot be read \(ParsingError in \S+praw.ini, line 3\)$") as err:
        run(make_source(**spec))
    assert "hunter2" not in str(err.value) and str(tmp_path) in str(err.value)


def test_credentials_from_an_airflow_connection(reddit, monkeypatch):
    _server, api = reddit([post("p1", 60)])
    for name in ("praw_client_id", "praw_client_secret", "praw_user_agent"):
        monkeypatch.delenv(name)
    conn = {"conn_type": "generic", "login": CLIENT_ID, "password": CLIENT_SECRET, "extra": {"user_agent": USER_AGENT}}
    monkeypatch.setenv("AIRFLOW_CONN_REDDIT_TEST", json.dumps(conn))
    records, _ = run(make_source(airflow_conn_id="reddit_test"))
    assert ids(records) == ["t3_p1"] and api.tokens_issued == 1
    monkeypatch.setenv("AIRFLOW_CONN_REDDIT_TEST", json.dumps({**conn, "extra": {}}))
    with pytest.raises(SourceError, match=r"Airflow connection 'reddit_test' lacks extra \{\"user_agent\""):
        run(make_source(airflow_conn_id="reddit_test"))
    with pytest.raises(SourceError, match="Airflow connection 'no_such_conn' is not defined"):
        run(make_source(airflow_conn_id="no_such_conn"))


def test_prawcore_paces_requests_by_the_ratelimit_headers(reddit):
    _server, api = reddit([post(f"p{i:03d}", 60 + i * 60) for i in range(250)], ratelimit_budget=2)
    started = time.monotonic()
    records, _ = run(make_source())
    assert len(records) == 250
    assert api.over_budget == 0  # no request went past the budget: prawcore waited for the window to reset
    assert time.monotonic() - started >= 0.9


def test_a_rate_limit_wait_the_deadline_would_cut_fails_at_once(reddit):
    """prawcore sleeps until Reddit's rate-limit window resets, out of the deadline's reach: 30 s here, against a
    5 s deadline_s. The source fails at once instead, saying why."""
    _server, api = reddit([post("p1", 60)], ratelimit_budget=1, ratelimit_window=30)
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        run(make_source(brand_subreddits=["parcelo"], deadline_s=5))
    assert time.monotonic() - started < 5 and api.over_budget == 0
    assert str(err.value).startswith(
        "reddit source parcelo/reddit: new comments in r/parcelo: stopped at the source's 5 s deadline (deadline_s): "
        "waiting "
    )
    assert str(err.value).endswith(" s for Reddit's rate-limit window to reset would pass it")


def test_a_rate_limit_wait_is_at_most_reddits_window(monkeypatch):
    """An x-ratelimit-reset past Reddit's 600-second window is not believed (the cap, shortened here)."""
    monkeypatch.setattr(reddit_source, "RATE_LIMIT_WAIT_MAX", 0.3)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-used": "600", "x-ratelimit-reset": "86400"}
    with Deadline(60) as deadline:
        limiter = reddit_source._RateLimiter(deadline, window_size=600)
        limiter.update(response_headers=headers)  # as prawcore does after each answer
        started = time.monotonic()
        limiter.delay()
        assert 0.25 <= time.monotonic() - started < 2


@pytest.mark.parametrize(
    "odd",
    [
        {"remaining": "inf", "used": "1"},
        {"remaining": "5", "used": "-5"},
        {"remaining": "soon", "used": "1"},
        {"remaining": "5", "used": "1", "reset": "9" * 400},
    ],
)
def test_rate_limit_headers_no_pacing_can_be_read_from_pace_nothing(odd):
    """prawcore's arithmetic on x-ratelimit values Reddit never sends raised OverflowError or ZeroDivisionError, past
    the source's error handling (a traceback), or ValueError, which failed the source: such an answer paces nothing."""
    headers = {f"x-ratelimit-{k}": v for k, v in {"reset": "5", **odd}.items()}
    with Deadline(60) as deadline:
        limiter = reddit_source._RateLimiter(deadline, window_size=600)
        limiter.update(response_headers=headers)
        started = time.monotonic()
        limiter.delay()
        assert time.monotonic() - started < 1
        limiter.update(
            response_headers={"x-ratelimit-remaining": "0", "x-ratelimit-used": "600", "x-ratelimit-reset": "1"}
        )
        assert limiter.next_request_timestamp_ns is not None  # the next answer's headers pace again


def test_a_reset_past_what_a_float_holds_waits_reddits_window_at_most():
    """x-ratelimit-reset of hundreds of digits with nothing remaining: prawcore keeps it as an int, and the wait's
    seconds (a float) raised OverflowError out of the next request, past the source's error handling."""
    with Deadline(60) as deadline:
        limiter = reddit_source._RateLimiter(deadline, window_size=600)
        limiter.update(
            response_headers={"x-ratelimit-remaining": "0", "x-ratelimit-used": "600", "x-ratelimit-reset": "9" * 400}
        )
        with pytest.raises(reddit_source.DeadlineExceeded):  # the window's 600 s at most, past the 60 s left
            limiter.delay()


def test_time_filter_and_query_splitting():
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert reddit_source.time_filter(now - timedelta(minutes=30), now) == "hour"
    assert reddit_source.time_filter(now - timedelta(hours=23), now) == "day"
    assert reddit_source.time_filter(now - timedelta(hours=36), now) == "week"
    assert reddit_source.time_filter(now - timedelta(days=20), now) == "month"
    assert reddit_source.time_filter(now - timedelta(days=200), now) == "year"
    assert reddit_source.time_filter(now - timedelta(days=400), now) == "all"
    # the 10-minute margin (clock skew, paging time) counts in, and a period reaching exactly that far covers it
    assert reddit_source.time_filter(now - timedelta(hours=23, minutes=50), now) == "day"
    assert reddit_source.time_filter(now - timedelta(hours=23, minutes=55), now) == "week"
    queries = reddit_source.search_queries([f"alias number {i}" for i in range(40)], max_chars=100)
    assert all(len(q) <= 100 for q in queries) and len(queries) > 1
    assert " OR ".join(queries).count('"alias number') == 40
    assert reddit_source.search_queries(['say "hi"', "x"]) == ['"say hi" OR "x"']
    exact = ['"' + "a" * 46 + '"', '"' + "b" * 46 + '"']  # 48 + 4 + 48: exactly 100 characters joined
    assert reddit_source.search_queries(["a" * 46, "b" * 46], max_chars=100) == [" OR ".join(exact)]


def _keys(things, kind):
    return set().union(*(t["data"].keys() for t in things if t["kind"] == kind))


def _tree(listing):
    for child in listing["data"]["children"]:
        yield child
        replies = child["data"].get("replies")
        if isinstance(replies, dict):
            yield from _tree(replies)


def test_the_fakes_payloads_cover_the_real_reddit_keys(reddit):
    folder = SHARED / "fixtures" / "reddit"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the real reddit.com cassettes are not checked out beside the repo")
    real = {n: json.loads(p.read_text())["interactions"] for n, p in ((p.stem, p) for p in folder.glob("*.json"))}
    search = real["TestSubreddit.test_search"][1]["body"]
    new = real["TestSubredditListings.test_new"][1]["body"]
    thread = real["TestSubmission.test_comments"][1]["body"]
    token = real["TestSubmission.test_comments"][0]["body"]

    server, _api = reddit(
        [
            post("p1", 60, selftext="Parcelo body"),
            comment("c1", 70, "hi", link="p1"),
            comment("c2", 80, "hi", link="p1", parent="c1"),
        ]
    )
    http = requests.Session()
    got_token = http.post(
        f"{server.url}/api/v1/access_token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    ).json()
    http.headers["Authorization"] = f"bearer {got_token['access_token']}"
    fake_search = http.get(f"{server.url}/r/parcelo/search", params={"q": "parcelo", "raw_json": 1}).json()
    fake_new = http.get(f"{server.url}/r/parcelo/new.json", params={"raw_json": 1}).json()
    fake_thread = http.get(f"{server.url}/comments/p1/", params={"raw_json": 1}).json()

    assert set(token) <= set(got_token)
    assert set(search["data"]) <= set(fake_search["data"]) and set(new["data"]) <= set(fake_new["data"])
    real_t3 = _keys(search["data"]["children"] + new["data"]["children"] + thread[0]["data"]["children"], "t3")
    fake_t3 = _keys(fake_search["data"]["children"] + fake_new["data"]["children"], "t3")
    assert real_t3 <= fake_t3, real_t3 - fake_t3
    real_t1, fake_t1 = _keys(list(_tree(thread[1])), "t1"), _keys(list(_tree(fake_thread[1])), "t1")
    assert real_t1 <= fake_t1, real_t1 - fake_t1
    assert [t["kind"] for t in _tree(fake_thread[1])] == ["t1", "t1"]


def test_the_fake_answers_like_reddit(reddit):
    server, _ = reddit(
        [
            *(post(f"p{i}", 60 + i, title=f"Parcelo & co {i}") for i in range(5)),
            comment("c1", 100, "a <b>", link="p1"),
            comment("c2", 110, "reply", link="p1", parent="c1"),
        ]
    )
    http = requests.Session()
    assert http.get(f"{server.url}/r/parcelo/new").status_code == 401  # no token
    refused = http.post(f"{server.url}/api/v1/access_token", data={"grant_type": "client_credentials"}, auth=("x", "y"))
    assert refused.status_code == 401
    token = http.post(
        f"{server.url}/api/v1/access_token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    ).json()
    assert token["token_type"] == "bearer" and token["scope"] == "*"
    http.headers["Authorization"] = f"bearer {token['access_token']}"

    first = http.get(f"{server.url}/r/parcelo/new", params={"limit": 2, "raw_json": 1})
    assert {"x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset"} <= set(first.headers)
    page = first.json()["data"]
    assert [c["data"]["id"] for c in page["children"]] == ["p4", "p3"] and page["after"] == "t3_p3"
    page2 = http.get(f"{server.url}/r/parcelo/new", params={"limit": 2, "after": "t3_p3"}).json()["data"]
    assert [c["data"]["id"] for c in page2["children"]] == ["p2", "p1"] and page2["before"] == "t3_p2"
    back = http.get(f"{server.url}/r/parcelo/new", params={"limit": 2, "before": "t3_p2"}).json()["data"]
    assert [c["data"]["id"] for c in back["children"]] == ["p4", "p3"]
    assert page2["children"][0]["data"]["title"] == "Parcelo &amp; co 2"  # escaped without raw_json=1

    focus = http.get(f"{server.url}/comments/p1/_/c2", params={"raw_json": 1}).json()
    assert [c["data"]["id"] for c in focus[1]["data"]["children"]] == ["c2"]
    info = http.get(f"{server.url}/api/info", params={"id": "t1_c1,t3_p0", "raw_json": 1}).json()
    c1, p0 = (c["data"] for c in info["data"]["children"])
    assert c1["body"] == "a <b>" and c1["link_title"] == "Parcelo & co 1" and p0["id"] == "p0"
    assert http.get(f"{server.url}/comments/nope").status_code == 404


def test_a_comment_dated_0_is_quarantined_and_one_out_of_order_ends_no_listing(reddit):
    """Brand-subreddit comments served with one comment dated 0 (a placeholder) and one from a month ago among
    those of the window: the listing stops by position (three older in a row), not at the first older one."""
    fresh = [comment(f"c{i}", 1000 - i * 10, f"Parcelo comment {i}", link="nopost") for i in range(10)]
    zero = comment("zero", 0, "Parcelo from 1970", link="nopost", extra={"created_utc": 0})
    stray = comment("stray", -30 * 86400, "Parcelo from last month", link="nopost")
    old = [comment(f"old{i}", -100 - i, "Parcelo yesterday", link="nopost") for i in range(5)]
    _, api = reddit([*fresh, zero, stray, *old])
    api._newest = [*fresh[:3], zero, *fresh[3:6], stray, *fresh[6:], *old]  # the order the listing is served in
    src = make_source(subreddits=[], brand_subreddits=["parcelo"])
    records, rejects = run(src)
    assert ids(records) == sorted(f"t1_c{i}" for i in range(10))
    assert [(r.location, r.reason) for r in rejects] == [
        ("reddit t1_zero", "reddit t1 created_utc '0' is not a Unix time from 2000 on")
    ]
    assert len(src.warnings) == 1 and "new comments in r/parcelo: not newest first" in src.warnings[0]
    assert src.state["listings"]["new comments in r/parcelo"]["read"] == 1 + 10 + 1 + 3


def test_a_comment_dated_a_second_before_2000_is_quarantined(reddit):
    """Not only 0: any created_utc before 2000 is no real Reddit time (a clock reset, a placeholder), so the
    comment is quarantined rather than taken as older than the window and dropped without a trace."""
    y2k = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
    reddit([comment("c1", 100, "Parcelo now", link="nopost"), comment("y2k", y2k - 1 - T0, "Parcelo", link="nopost")])
    records, rejects = run(make_source(subreddits=[], brand_subreddits=["parcelo"]))
    assert ids(records) == ["t1_c1"]
    assert [r.reason for r in rejects] == ["reddit t1 created_utc '946684799.0' is not a Unix time from 2000 on"]


def test_a_post_whose_permalink_is_not_text_is_quarantined(reddit):
    """The permalink is read as text (the record's url): a post whose permalink is a number is quarantined, and the
    source goes on, instead of failing on it."""
    reddit([post("p1", 60), post("p2", 120, extra={"permalink": 12345})])
    records, rejects = run(make_source())
    assert ids(records) == ["t3_p1"] and [r.reason for r in rejects] == ["reddit t3 permalink is not text"]


def test_a_post_whose_id_holds_a_lone_surrogate_is_quarantined_and_its_reject_can_be_staged(reddit):
    """An id served as JSON's "\\ud800" is quarantined (not text), and its reject, which names the item's id in its
    location, is written to the staged file like any other: it failed the whole source with a UnicodeEncodeError."""
    reddit([post("p1", 60), post("p2", 120, extra={"id": "p\ud800", "name": "t3_p\ud800"})])
    records, rejects = run(make_source())
    assert ids(records) == ["t3_p1"] and [r.reason for r in rejects] == [
        "native_id holds an invalid unicode escape (a lone surrogate)"
    ]
    assert rejects[0].location == "reddit t3_p\\ud800" and rejects[0].to_json().encode("utf-8")


def test_a_rejected_post_keeps_its_quarantine_id_while_its_score_changes(reddit):
    keys = []
    for score in (3, 4):
        reddit([post("bad1", 60, score=score, num_comments=score, drop_keys=["created_utc"])])
        _, rejects = run(make_source())
        assert len(rejects) == 1 and json.loads(rejects[0].raw_record)["score"] == score  # the whole item is kept
        keys.append(rejects[0].quarantine_id)
    assert keys[0] == keys[1]


def test_each_search_takes_the_time_filter_of_its_own_start(reddit, monkeypatch):
    """Reddit's time filter is a period back from when the search runs, so it is chosen as each search starts: a
    watch run's short window (``hour``) searched after the earlier subreddits' searches and threads took their time
    must still be searched back to its start."""
    now = time.time()
    window = Window(datetime.fromtimestamp(now - 45 * 60, UTC), datetime.fromtimestamp(now, UTC))
    items = [
        {**post("p1", 0, sub="alpha"), "created_utc": now - 60},
        {**post("p2", 0, sub="beta"), "created_utc": now - 44 * 60},  # near the window's start
    ]

    def late(searched: int) -> float:  # minutes the first search (and its threads) took, on both clocks
        return 20 * 60.0 if searched >= 1 else 0.0

    # the server has recorded the search it is answering; the source asks for the time before it searches
    server, _ = reddit(items, clock=lambda: time.time() + late(len(paths(server, "/search")) - 1))

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(seconds=late(len(paths(server, "/search"))))

    monkeypatch.setattr(reddit_source, "datetime", Clock)
    records, rejects = run(make_source(subreddits=["alpha", "beta"]), window)
    assert rejects == [] and ids(records) == ["t3_p1", "t3_p2"]
