"""The HTTP session itself (pipeline/http.py), spoken to a real local server on 127.0.0.1 (ReplayServer, and
TrickleServer for a slow peer): what it retries and what it does not, how it reads a rate-limit header, the size
bound of an answer, what its deadline ends, and what urllib3 may log. The sources' and channels' own tests drive
it through their clients; these pin the edges those do not reach."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time

import pytest
import requests

from demo.replay.server import ReplayServer, Response
from pipeline.deadline import Deadline, DeadlineExceeded
from pipeline.http import USER_AGENT, BodyTooLarge, CutAfterSending, SourceError, backoff, get_json, session
from tests.helpers import TrickleServer

FAST = {"timeout": 5.0, "retries": 2, "backoff_factor": 0.0}


@pytest.fixture
def server():
    with ReplayServer() as s:
        s.route("*", r"^/", lambda request, match: Response(200, {"ok": True}))
        yield s


@pytest.mark.parametrize("reset", ["-3", "inf", "nan", "soon"])
def test_a_429_with_a_ratelimit_reset_that_is_no_wait_is_retried_with_backoff(server, reset):
    """Reddit's x-ratelimit-reset stands in for a missing Retry-After; a value that is not a wait (negative, not
    finite, not a number) is not one: the 429 is retried on the backoff, not crashed on (``time.sleep(-3)``) nor
    failed as a wait over five minutes (``inf``)."""
    server.add_fault(r"^/", status=429, headers={"x-ratelimit-reset": reset})
    resp = session(**FAST).get(f"{server.url}/r/x")
    assert resp.status_code == 200 and len(server.requests) == 2


@pytest.mark.parametrize("after", ["soon", "-5", "1e3"])
def test_a_retry_after_that_is_no_wait_is_retried_with_backoff(server, after):
    """A Retry-After that is neither seconds nor an HTTP date: urllib3 raised InvalidHeader on the first 503, so the
    request failed at once, "after 2 retries" it never made."""
    server.add_fault(r"^/", status=503, headers={"Retry-After": after})
    assert get_json(session(**FAST), f"{server.url}/r/x") == {"ok": True} and len(server.requests) == 2


@pytest.mark.parametrize(
    "content_type, prefix",
    [("text/javascript", b""), ("text/plain", b""), ("application/json; charset=utf-8", b"\xef\xbb\xbf")],
)
def test_json_without_a_declared_charset_or_with_a_bom_is_read_as_utf8(server, content_type, prefix):
    """JSON is UTF-8: an answer of a text type without a charset was read as Latin-1 (a Polish or Dutch review's
    "Świetna" stored as "Åwietna"), and one that starts with a byte order mark failed as malformed JSON."""
    body = prefix + json.dumps({"text": "Świetna, één keer"}, ensure_ascii=False).encode()
    server.reset()  # in place of the fixture's {"ok": true} route
    server.route("GET", r"^/feed$", lambda request, match: Response(200, body, {"Content-Type": content_type}))
    assert get_json(session(**FAST), f"{server.url}/feed") == {"text": "Świetna, één keer"}


def test_a_retry_after_past_a_float_s_range_fails_the_request_as_too_long(server):
    """urllib3 reads a Retry-After of digits as an int: one of 400 digits failed the source with a bare
    "OverflowError: int too large to convert to float" (raised while its message was written), not a SourceError."""
    server.add_fault(r"^/", status=503, headers={"Retry-After": "1" + "0" * 400})
    with pytest.raises(SourceError, match=r"asked to retry after inf s, over the 300 s this waits"):
        get_json(session(**FAST), f"{server.url}/r/x")
    assert len(server.requests) == 1


def test_a_ratelimit_reset_is_a_wait_only_on_a_429(server):
    """Reddit sends x-ratelimit-reset with every answer; on a 503 it is not a Retry-After (the 503 is retried on
    the backoff), on a 429 it is (and one past RETRY_AFTER_MAX fails the request at once)."""
    far = {"x-ratelimit-reset": "9999"}
    server.add_fault(r"^/", status=503, headers=far)
    assert session(**FAST).get(f"{server.url}/r/x").status_code == 200 and len(server.requests) == 2
    server.requests.clear()
    server.add_fault(r"^/", status=429, headers=far)
    with pytest.raises(SourceError, match=r"asked to retry after 9999 s, over the 300 s this waits"):
        get_json(session(**FAST), f"{server.url}/r/x")
    assert len(server.requests) == 1


def test_a_client_error_fails_get_json_naming_the_status_without_the_query(server):
    """A 4xx is a failure even when its body is JSON (an API's error object), and the token in the query string
    stays out of the message."""
    server.add_fault(r"^/", status=404, body={"error": "no such thing"})
    with pytest.raises(SourceError) as err:
        get_json(session(**FAST), f"{server.url}/missing?token=SECRET123", what="search")
    assert str(err.value) == f"search: HTTP 404 from {server.url}/missing (not retried)"  # was "after retries"
    assert len(server.requests) == 1  # a 404 is not retried
    server.add_fault(r"^/", status=503, body={"error": "busy"}, times=10)
    with pytest.raises(SourceError) as err:
        get_json(session(**FAST), f"{server.url}/busy", what="search")
    assert str(err.value) == f"search: HTTP 503 from {server.url}/busy after {FAST['retries']} retries"


def test_a_redirect_loop_fails_get_json_saying_so_without_the_query():
    """It said "failed after 2 retries (TooManyRedirects: str)": none was retried, and "str" named nothing."""
    with ReplayServer() as server, pytest.raises(SourceError) as err:
        server.route("GET", r"^/loop", lambda request, match: Response(302, "", headers={"Location": "/loop?t=S"}))
        get_json(session(**FAST), f"{server.url}/loop?token=SECRET123", what="search")
    said = "redirected more than 30 times (a redirect loop?); check the URL"
    assert str(err.value) == f"search: {server.url}/loop: {said}"


def test_a_url_requests_cannot_send_to_fails_get_json_as_not_sent_without_the_query(server):
    """Refused by requests before anything goes out, so never retried: a base URL without its scheme
    (``BRANDPULSE_HN_URL=hn.algolia.com``, not checked as the config's base_url is) raised requests' own
    InvalidSchema, query string and all, out of send's error path itself; a redirect to file:// (as a SOCKS proxy
    from the environment without PySocks) said "failed after 2 retries (InvalidSchema: str)".
    """
    with pytest.raises(SourceError) as err:
        get_json(session(**FAST), "hn.algolia.com/api?token=SECRET1", what="search")
    assert str(err.value).startswith("search: hn.algolia.com/api: not sent: Invalid URL 'hn.algolia.com/api'")
    assert "SECRET" not in str(err.value)
    server.reset()  # in place of the fixture's {"ok": true} route
    server.route("GET", r"^/moved", lambda request, match: Response(302, "", {"Location": "file:///etc/x?t=SECRET2"}))
    with pytest.raises(SourceError) as err:
        get_json(session(**FAST), f"{server.url}/moved", what="search")
    assert (
        str(err.value) == f"search: {server.url}/moved: not sent: No connection adapters were found for 'file:///etc/x'"
    )
    with pytest.raises(SourceError) as err:  # a login in a URL without its scheme: bare() left it whole
        get_json(session(**FAST), "user:SECRET3@hn.algolia.com/api?token=SECRET4", what="search")
    assert str(err.value).startswith("search: hn.algolia.com/api: not sent: ") and "SECRET" not in str(err.value)


def test_a_host_urllib3_cannot_read_fails_get_json_as_a_source_error_without_the_login_or_query():
    """A base URL with a host such as ``hn..algolia.com`` passes the config's URL rule, and urllib3 raises on it
    past requests (LocationParseError): a SourceError naming it, not a traceback out of ``brandpulse extract``."""
    with pytest.raises(SourceError) as err:
        get_json(session(**FAST), "https://user:SECRET1@hn..algolia.com/api?token=SECRET2", what="search")
    assert str(err.value) == (
        "search: https://hn..algolia.com/api: the URL's host cannot be read as a host name; check the URL"
    )


def test_an_answer_of_exactly_max_body_is_read_and_one_byte_more_is_not(server, monkeypatch):
    monkeypatch.setattr("pipeline.http.MAX_BODY", 2**20)
    server.reset()
    server.route("GET", r"^/exact$", lambda request, match: Response(200, b"a" * 2**20))
    server.route("GET", r"^/over$", lambda request, match: Response(200, b"a" * (2**20 + 1)))
    s = session(**FAST)
    assert len(s.get(f"{server.url}/exact").content) == 2**20
    with pytest.raises(BodyTooLarge, match=r"over 1 MiB"):
        s.get(f"{server.url}/over")


def test_backoff_refuses_a_wait_the_deadline_would_cut_short(monkeypatch):
    """``backoff`` (an error sent as a 200 answer) waits BACKOFF_FACTOR x 2**retry, capped at BACKOFF_MAX, both read
    at call time; a wait that would pass the session's deadline raises at once instead of sleeping into it."""
    with Deadline(1.5) as deadline:
        s = session(deadline=deadline)
        with pytest.raises(DeadlineExceeded, match=r"^waiting 2 s to retry would pass the 1\.5 s deadline$"):
            backoff(s, 2)  # 0.5 x 4
        monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 5.0)
        with pytest.raises(DeadlineExceeded, match=r"^waiting 10 s to retry"):
            backoff(s, 1)
        monkeypatch.setattr("pipeline.http.BACKOFF_MAX", 3.0)
        with pytest.raises(DeadlineExceeded, match=r"^waiting 3 s to retry"):
            backoff(s, 10)


def test_a_request_begun_after_the_deadline_passed_is_not_sent(server):
    """The connection kept alive from the first request is not used for a second one begun past the deadline."""
    with Deadline(1.0) as deadline:  # time enough for the first request on a busy machine
        s = session(deadline=deadline, **FAST)
        assert s.get(f"{server.url}/first").status_code == 200
        while not deadline.expired:
            time.sleep(0.05)
        with pytest.raises(DeadlineExceeded, match=r"^the 1 s deadline passed before the request$") as err:
            s.get(f"{server.url}/second")
    assert not isinstance(err.value, CutAfterSending)
    assert [r.path for r in server.requests] == ["/first"]


def test_an_answer_without_a_length_cut_by_the_deadline_is_not_taken_for_a_whole_one():
    """A body that runs to the connection's close (no Content-Length) ends when the deadline shuts the socket down:
    to the reader that looks like its end, so the session must tell a truncated answer from a whole one."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    with TrickleServer(b"0123456789" * 10, interval=0.1, fast=head) as peer, Deadline(2) as deadline:
        s = session(deadline=deadline, timeout=5, retries=0)
        with pytest.raises(DeadlineExceeded, match=r"^no complete answer within the 2 s deadline$") as err:
            s.get(peer.url)
    assert not isinstance(err.value, CutAfterSending)  # the status line had come: nothing was left unanswered
    assert len(peer.requests) == 1


def test_urllib3_never_logs_a_url_sent_through_a_proxy(server, monkeypatch, caplog):
    """Through an HTTP proxy urllib3 logs the absolute URL (``http://host/path``), not just the path; a webhook's
    path is its token, so that argument is withheld too."""
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)  # the replay server answers as the proxy
    server.add_fault(r"^/services/", status=503)  # one retry, which urllib3 logs too
    with caplog.at_level(logging.DEBUG):
        resp = session(**FAST).post("http://hooks.example.invalid/services/T000/B000/SECRET123", json={"text": "x"})
    assert resp.status_code == 200 and [r.path for r in server.requests] == ["/services/T000/B000/SECRET123"] * 2
    assert "<path withheld>" in caplog.text  # urllib3 did log the request
    assert "SECRET123" not in caplog.text


def test_every_request_names_brandpulse_as_its_user_agent(server):
    """Reddit's API rules ask for a descriptive User-Agent (a default python-requests one is throttled hardest)."""
    session(**FAST).get(f"{server.url}/r/x")
    assert server.requests[0].headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("brandpulse/")


def test_a_request_past_the_deadline_fails_get_json_without_the_query(server):
    """The deadline's message, like every other failure's, leaves out the query string (where tokens live)."""
    with Deadline(0.1) as deadline:
        s = session(deadline=deadline, **FAST)
        while not deadline.expired:
            time.sleep(0.05)
        with pytest.raises(SourceError) as err:
            get_json(s, f"{server.url}/search?token=SECRET123", what="search")
    assert str(err.value) == (
        f"search: {server.url}/search: the 0.1 s deadline passed before the request (the source's deadline_s)"
    )


def test_a_resolver_that_never_answers_fails_the_request_at_the_deadline(monkeypatch):
    """Every network source's session (PRAW's included): looking up the host's name ends by the deadline too."""
    release = threading.Event()

    def getaddrinfo(*args, **kwargs):
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    started = time.monotonic()
    try:
        with Deadline(1.0) as deadline, pytest.raises(SourceError) as err:
            get_json(session(deadline=deadline, **FAST), "https://hung.example/api?token=SECRET123", what="search")
    finally:
        release.set()
    took = time.monotonic() - started
    assert str(err.value) == (
        "search: https://hung.example/api: no complete answer within the 1 s deadline (the source's deadline_s)"
    )
    assert took < 2.5, took


def test_a_connection_made_after_its_wait_was_stopped_is_closed_not_left_open():
    """A stop (SIGTERM, Ctrl-C: a KeyboardInterrupt, here raised where the wait asks for the time left) while
    Deadline.connect waits for a slow name lookup: the socket its thread opens afterwards is closed, as one opened
    after the deadline is, not left open with nobody to use it. (No real signal: one would mark this test
    process as asked to stop, pipeline.interrupt, for every later test.)"""
    release, made = threading.Event(), []

    def opener():
        release.wait(30)
        made.append(socket.socket())
        return made[0]

    class Stopped(Deadline):
        def left(self) -> float:
            raise KeyboardInterrupt

    with Stopped(30) as deadline, pytest.raises(KeyboardInterrupt):
        deadline.connect(opener)
    release.set()
    for _ in range(100):
        if made and made[0].fileno() == -1:
            break
        time.sleep(0.05)
    assert made and made[0].fileno() == -1  # closed


def test_a_tls_failure_is_not_retried():
    """An error that is neither a connection, read nor status failure (a TLS handshake refused: a certificate or
    protocol problem that repeating cannot mend) fails at once, on one connection."""
    with TrickleServer(b"", read_request=False, fast=b"HTTP/1.1 400 Bad Request\r\n\r\n") as plain:
        with pytest.raises(requests.exceptions.SSLError):
            session(**FAST).get(f"https://127.0.0.1:{plain.port}/")
    assert plain.connections == 1


@pytest.mark.parametrize(("error", "said"), [(ConnectionResetError(104, "reset"), False), (ValueError("bug"), True)])
def test_the_replay_server_says_nothing_of_a_client_that_hung_up(server, capfd, error, said):
    """A client that resets its kept-alive connection (a body too large to read, a deadline) is no server error:
    no traceback on the suite's stderr; any other error in a handler still prints one."""
    try:
        raise error
    except Exception:
        server._httpd.handle_error(None, ("127.0.0.1", 1))
    assert ("Traceback" in capfd.readouterr().err) == said


@pytest.mark.parametrize("idempotent", [True, False])
def test_an_answer_cut_in_its_body_is_asked_for_again_unless_it_must_not_arrive_twice(idempotent, monkeypatch):
    """A connection closed before the body's Content-Length (a proxy's reset, a server restarting) fails once the
    status line came, past urllib3's retries: the session asks again, as for a read error, and an answer whole the
    second time is the answer; a request that must not arrive twice fails at once."""
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.01)
    body = b'{"hits": []}'
    listener = socket.create_server(("127.0.0.1", 0))
    served: list[int] = []

    def serve() -> None:
        for n in range(2):
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test asked no more
                return
            with conn:
                conn.recv(65536)
                served.append(n)
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
                conn.sendall(head + (body[:5] if n == 0 else body))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    with listener, Deadline(10) as deadline:
        s = session(deadline=deadline, idempotent=idempotent, **FAST)
        if idempotent:
            assert get_json(s, url) == {"hits": []}
        else:
            with pytest.raises(SourceError, match=r"^response: http://127\.0\.0\.1:\d+/api failed after 2 retries"):
                get_json(s, url)
    assert served == ([0, 1] if idempotent else [0])


@pytest.mark.parametrize(
    "content_type, body, expected",
    [
        ("text/javascript; charset=ISO-8859-1", '{"text": "Świetna"}'.encode(), {"text": "Świetna"}),
        ("text/plain", '{"text": "café"}'.encode("latin-1"), {"text": "café"}),
    ],
)
def test_json_is_read_as_utf8_whatever_charset_is_declared_and_other_bytes_in_the_declared_one(
    server, content_type, body, expected
):
    """A UTF-8 body declared ISO-8859-1 came out "Å\\x9awietna"; a Latin-1 body of a text type without a charset
    (no UTF-8) failed the source as malformed JSON: bytes no UTF-8 are read as requests reads them."""
    server.reset()
    server.route("GET", r"^/feed$", lambda request, match: Response(200, body, {"Content-Type": content_type}))
    assert get_json(session(**FAST), f"{server.url}/feed") == expected
