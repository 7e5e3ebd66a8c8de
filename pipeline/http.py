"""One polite HTTP session for every network source (PRAW's included).

- Retries 429 and 5xx responses and connection errors and timeouts with exponential backoff (urllib3's
  ``Retry``), honouring a ``Retry-After`` header (on a 429 without one, Reddit's ``x-ratelimit-reset``); the last
  failure raises; an answer whose body the connection cut short (:class:`AnswerCut`: urllib3 retries only up to
  the headers) is asked for again as often, after :func:`backoff`. A request that must not arrive twice
  (``session(idempotent=False)``: a Slack message) is retried only when it cannot have been acted on: a
  connection that was never made, and 429 (the server says it did not process it); never after a read timeout,
  a dropped answer or a 5xx.
- Every request has a timeout, so a hung server fails the request, not the night.
- With a :class:`~pipeline.deadline.Deadline`, everything the session does ends by it: connecting, sending,
  every retry and its backoff (or ``Retry-After``), and the whole response, however slowly the server trickles
  it (a per-read timeout restarts with every byte; the deadline does not). Past it, the request raises
  :class:`~pipeline.deadline.DeadlineExceeded`; :class:`CutAfterSending` when the deadline cut it after the request
  began to go out and before the answer's status line came (the server may have acted on it), so a caller whose
  request must not arrive twice can tell that from a cut while connecting (nothing sent).
- Reads at most :data:`MAX_BODY` bytes of an answer (decoded: a gzip answer is counted unzipped); a longer one
  raises :class:`BodyTooLarge`.
- Sends a descriptive User-Agent, and never logs query strings or headers (tokens live there), nor lets urllib3
  log a request's path (a Slack webhook's path is its token).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import ClassVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, InvalidHeader, LocationValueError, MaxRetryError
from urllib3.util.retry import Retry

from pipeline import __version__
from pipeline.deadline import Deadline, DeadlineExceeded, seconds

USER_AGENT = f"brandpulse/{__version__} (+https://github.com/brandpulse/brandpulse)"
RETRY_STATUSES = (429, 500, 502, 503, 504, 520, 522)
UNPROCESSED_STATUSES = (429,)  # answers that say the request was not processed: safe to repeat any request
BACKOFF_FACTOR = 0.5  # 0.5 s, 1 s, 2 s, 4 s ... between retries (capped at BACKOFF_MAX); read at call time
BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0  # a longer Retry-After fails the request at once rather than stalling the task (_Retry)
MAX_BODY = 64 * 1024 * 1024  # bytes of one answer, decoded; a longer one fails the request (BodyTooLarge): the
# largest page a source asks for (1,000 Hacker News hits) is a few MB, and an answer that unzips to gigabytes
# would take the worker's memory (the bytes, the text and the parsed JSON are each held at once)

logger = logging.getLogger("brandpulse")


class _WithholdPaths(logging.Filter):
    """urllib3 logs request paths and URLs: a warning on each retry, more at debug level. A Slack webhook's path is
    its secret, so every log argument that is a path or a URL is withheld (host and port stay)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                "<path withheld>" if isinstance(a, str) and (a.startswith("/") or "://" in a) else a
                for a in record.args
            )
        return True


# A filter on a logger sees only the records logged to that very logger, so each of urllib3's gets one.
for _name in ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry", "urllib3.connection"):
    logging.getLogger(_name).addFilter(_WithholdPaths())


class SourceError(RuntimeError):
    """A source could not read its window; the message says why, without secrets."""


class CutAfterSending(DeadlineExceeded):
    """The deadline passed after the request began to go out (on a connection made, or reused, for it) and before
    its answer's status line came back: the server may have acted on it. A cut while connecting (DNS, TCP, TLS),
    or in a retry's wait after an answer, raises plain :class:`~pipeline.deadline.DeadlineExceeded`."""


class SentWithoutAnswer(requests.ConnectionError):
    """The connection failed (the server closed it, a reset) after the request went out and before its answer's
    status line came back: the server may have acted on it. Raised by a session with a deadline (the one that
    knows when a request went out); a connection that failed before sending raises requests' own error."""


@dataclass
class _Exchange:
    """A request with a deadline in progress on this thread: the deadline, for the connections it opens, and
    whether a request went out without an answer yet (set when sending starts, cleared by the answer's status)."""

    deadline: Deadline
    unanswered: bool = False

    def cut(self, message: str) -> DeadlineExceeded:
        return (CutAfterSending if self.unanswered else DeadlineExceeded)(message)


_ACTIVE: ContextVar[_Exchange | None] = ContextVar("brandpulse_http_exchange", default=None)


class _Retry(Retry):
    """urllib3's Retry, with Retry-After capped at :data:`RETRY_AFTER_MAX` seconds, and with a deadline: no
    retry starts, and no backoff or Retry-After wait begins, that the deadline would cut short."""

    deadline: Deadline | None = None

    def new(self, **kw):
        retry = super().new(**kw)
        retry.deadline = self.deadline
        return retry

    def is_retry(self, method, status_code, has_retry_after=False):
        # only the listed statuses (urllib3 also retries a 413 or 503 with Retry-After: to a request that must not
        # arrive twice, a 503 may have been acted on)
        return status_code in (self.status_forcelist or ()) and super().is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if self.deadline is not None and self.deadline.expired:
            raise MaxRetryError(_pool, url, DeadlineExceeded(f"the {self.deadline} passed"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def get_retry_after(self, response):
        """``Retry-After``; on a 429 without one, the ``x-ratelimit-reset`` (seconds until the rate-limit window
        resets) that Reddit sends instead, rather than guessing with backoff. A ``Retry-After`` that is no wait
        (``soon``, ``-5``: neither seconds nor an HTTP date) is none: the backoff (urllib3 raised InvalidHeader).
        Seconds as a float: urllib3 reads digits as an int, and one past a float's range (400 digits) failed the
        source with an OverflowError where its message wrote it."""
        try:
            asked = super().get_retry_after(response)
        except InvalidHeader:
            asked = None
        if asked is not None:
            try:
                return float(asked)
            except OverflowError:
                return math.inf
        if response.status != 429:
            return None
        try:
            reset = float(response.headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return None
        return max(0.0, reset) if math.isfinite(reset) else None

    def sleep(self, response=None):
        asked = self.get_retry_after(response) if self.respect_retry_after_header and response else None
        if asked is not None and asked > RETRY_AFTER_MAX:  # fail now, not after waiting RETRY_AFTER_MAX each retry
            raise MaxRetryError(None, None, RetryAfterTooLong(asked))
        if self.deadline is not None:
            try:
                _check_wait(asked or self.get_backoff_time(), self.deadline)
            except DeadlineExceeded as reason:
                raise MaxRetryError(None, None, reason) from None
        super().sleep(response)


class BodyTooLarge(requests.RequestException):
    """The answer was longer than :data:`MAX_BODY` bytes (decoded); the rest was not read."""


class AnswerCut(requests.ConnectionError):
    """The connection failed while the answer's body was read (closed before its Content-Length, a chunk cut
    short, no byte within the read timeout): urllib3 retries only up to the status line and headers, so
    :class:`TimeoutSession` repeats such a request itself, as often as its session retries a read error."""


def _read_bounded(resp: requests.Response) -> requests.Response:
    """The answer read whole, as requests reads a request's answer unless it streams, but at most
    :data:`MAX_BODY` bytes of it: past them the connection is closed and :class:`BodyTooLarge` raised."""
    chunks, size = [], 0
    try:
        for chunk in _body(resp):
            size += len(chunk)
            if size > MAX_BODY:
                raise BodyTooLarge(
                    f"the answer is over {MAX_BODY // 2**20} MiB (decoded); not read", request=resp.request
                )
            chunks.append(chunk)
    except BaseException:
        resp.close()
        raise
    resp._content, resp._content_consumed = b"".join(chunks), True  # what Response.content sets
    return resp


def _body(resp: requests.Response) -> Iterator[bytes]:
    """The answer's body in chunks; a connection that fails on the way raises :class:`AnswerCut`."""
    try:
        yield from resp.iter_content(1 << 16)
    except requests.exceptions.SSLError:
        raise
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
        raise AnswerCut(*exc.args, request=resp.request, response=resp) from exc


def _bound_redirect(resp: requests.Response, *args, **kwargs) -> requests.Response:
    """A redirect's own answer read bounded too (a response hook: requests reads a redirect's body whole before
    it follows the redirect, streaming or not)."""
    return _read_bounded(resp) if resp.is_redirect else resp


class RetryAfterTooLong(Exception):
    """The server asked to retry after more than :data:`RETRY_AFTER_MAX`: the request fails at once."""

    def __init__(self, asked: float):
        super().__init__(
            f"the server asked to retry after {seconds(asked)}, over the {seconds(RETRY_AFTER_MAX)} this waits"
        )


def _check_wait(wait: float, deadline: Deadline | None) -> None:
    """DeadlineExceeded when waiting ``wait`` seconds to retry would pass ``deadline`` (the retry is not started)."""
    if deadline is not None and wait >= deadline.left():
        raise DeadlineExceeded(f"waiting {seconds(wait)} to retry would pass the {deadline}")


def backoff(s: requests.Session, retry: int) -> None:
    """Wait before retry number ``retry`` (1, 2, ...) of a failure the session's Retry cannot see (an error sent
    as a 200 answer): :data:`BACKOFF_FACTOR` times 2, 4, 8 ... up to :data:`BACKOFF_MAX`. With a deadline
    (``session.deadline``), a wait that would pass it raises DeadlineExceeded at once instead."""
    wait = min(BACKOFF_MAX, BACKOFF_FACTOR * 2**retry)
    _check_wait(wait, getattr(s, "deadline", None))
    time.sleep(wait)


class _DeadlineConnection(HTTPConnection):
    """A connection that, opened during a request with a deadline, connects (name lookup included) within the time
    left and hands its socket to the deadline (which shuts it down when the deadline passes); and tells the request's
    :class:`_Exchange` when a request starts going out on it and when its answer's status line came."""

    def _new_conn(self):
        exchange = _ACTIVE.get()
        if exchange is None:
            return super()._new_conn()
        deadline = exchange.deadline
        self.timeout = deadline.timeout(self.timeout if isinstance(self.timeout, int | float) else None)
        return deadline.connect(super()._new_conn)

    def send(self, data):
        exchange = _ACTIVE.get()
        if exchange is not None:
            if self.sock is None:  # http.client connects on the first send: connected first, so that a
                self.connect()  # connection never made leaves the request unsent
            exchange.unanswered = True
        super().send(data)

    def getresponse(self):
        response = super().getresponse()
        exchange = _ACTIVE.get()
        if exchange is not None:
            exchange.unanswered = False
        return response


class _DeadlineHTTPSConnection(_DeadlineConnection, HTTPSConnection):
    pass


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class TimeoutSession(requests.Session):
    """A session whose requests time out after ``timeout`` seconds unless the caller says otherwise, and end by
    ``deadline`` when there is one."""

    def __init__(self, timeout: float, deadline: Deadline | None = None):
        super().__init__()
        self.timeout = timeout
        self.deadline = deadline
        self.hooks["response"].append(_bound_redirect)

    def request(self, method, url, **kwargs):
        """The request, its answer read whole unless the caller streams; an answer cut in its body
        (:class:`AnswerCut`) is asked for again up to the session's read retries (none when the request must not
        arrive twice), after :func:`backoff`, within the deadline."""
        kwargs.setdefault("timeout", self.timeout)
        stream = kwargs.pop("stream", False)  # unless the caller streams, the answer is read here, bounded
        for attempt in itertools.count(1):
            try:
                return self._request(method, url, stream, **kwargs)
            except AnswerCut:
                reads = getattr(self.get_adapter(url).max_retries, "read", None)
                if not isinstance(reads, int) or isinstance(reads, bool) or attempt > reads:
                    raise
                logger.debug("an answer was cut in its body: asking again (%d of %d)", attempt, reads)
            backoff(self, attempt)

    def _request(self, method, url, stream: bool, **kwargs):
        if self.deadline is None:
            resp = super().request(method, url, stream=True, **kwargs)
            return resp if stream else _read_bounded(resp)
        deadline = self.deadline
        if deadline.expired:
            raise DeadlineExceeded(f"the {deadline} passed before the request")
        exchange = _Exchange(deadline)
        token = _ACTIVE.set(exchange)
        try:
            resp = super().request(method, url, stream=True, **kwargs)
            if not stream:
                _read_bounded(resp)
        except (requests.RequestException, HTTPError, OSError) as exc:
            if deadline.expired:
                raise exchange.cut(f"no complete answer within the {deadline}") from exc
            cause = wrapped(exc, DeadlineExceeded)  # a retry wait that would pass the deadline
            if cause is not None:
                raise exchange.cut(str(cause)) from exc
            if exchange.unanswered and isinstance(exc, requests.ConnectionError):  # hung up on a request it had
                raise SentWithoutAnswer(*exc.args, request=exc.request, response=exc.response) from exc
            raise
        finally:
            _ACTIVE.reset(token)
        if deadline.fired and not stream:  # the body was read to a cut connection's end
            resp.close()
            raise DeadlineExceeded(f"no complete answer within the {deadline}")
        return resp


def wrapped(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The exception of type ``kind`` that ``exc`` wraps (as requests wraps urllib3's errors), if any."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kind):
            return e
        linked = (*e.args, getattr(e, "reason", None), e.__cause__, e.__context__)
        todo += [x for x in linked if isinstance(x, BaseException)]
    return None


def retry_statuses(idempotent: bool = True) -> tuple[int, ...]:
    """The statuses :func:`session` retries: any passing failure, or for a request that must not arrive twice,
    only those that say it was not processed."""
    return RETRY_STATUSES if idempotent else UNPROCESSED_STATUSES


class _DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections keep a deadline (:class:`_DeadlineConnection`), also through an HTTP(S) proxy
    from the environment (``HTTPS_PROXY``): requests builds a proxy's pool manager apart, with urllib3's own
    connection classes, whose sockets the deadline would not see."""

    _POOLS: ClassVar[dict] = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # a SOCKS proxy's pools are its own; not supported with a deadline
            manager.pool_classes_by_scheme = self._POOLS
        return manager


def session(
    timeout: float = 30,
    retries: int = 5,
    backoff_factor: float | None = None,
    deadline: Deadline | None = None,
    idempotent: bool = True,
) -> requests.Session:
    """A requests session with retries, backoff, Retry-After and a default timeout (per connect and per read);
    with ``deadline``, a limit on everything it does (see the module docstring). ``idempotent=False``: its
    requests must not arrive twice, so none is repeated once it may have reached the server (only connection
    errors and :data:`UNPROCESSED_STATUSES` are retried)."""
    retry = _Retry(
        total=retries,
        connect=retries,
        read=retries if idempotent else False,  # False: a read error (timeout, dropped answer) raises at once
        status=retries,
        other=0,
        allowed_methods=None,  # PRAW's token request is a POST; every call made idempotent is safe to repeat
        status_forcelist=retry_statuses(idempotent),
        backoff_factor=BACKOFF_FACTOR if backoff_factor is None else backoff_factor,
        backoff_max=BACKOFF_MAX,
        respect_retry_after_header=True,
        raise_on_status=False,  # hand the last response back, so the caller's error names the status
        retry_after_max=math.inf,  # urllib3 cuts a Retry-After to 6 hours as it reads it: RetryAfterTooLong says 86400
    )
    retry.deadline = deadline
    s = TimeoutSession(timeout, deadline)
    adapter = _DeadlineAdapter(max_retries=retry) if deadline is not None else HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    return s


def send(s: requests.Session, method: str, url: str, what: str = "response", **kwargs) -> requests.Response:
    """One request through a :func:`session`, whatever its status. What keeps it from an answer (the source's
    deadline, a body over the cap, no answer after the session's retries, a Retry-After longer than it waits, a
    host urllib3 cannot read, a redirect loop, a URL or proxy requests cannot send to) raises ``SourceError`` saying
    which, with the URL's query string left out."""
    try:
        return s.request(method, url, **kwargs)
    except DeadlineExceeded as exc:
        raise SourceError(f"{what}: {bare(url)}: {exc} (the source's deadline_s)") from None
    except BodyTooLarge as exc:
        raise SourceError(f"{what}: {bare(url)}: {exc}") from None
    except (
        requests.exceptions.InvalidSchema,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidURL,
    ) as exc:
        # refused before anything was sent, so never retried: a URL (or a redirect's Location) that is not http(s),
        # a SOCKS proxy from the environment without PySocks; requests' text may quote a URL, its query withheld
        said = re.sub(r"[^\s']+", lambda word: bare(word.group()), str(exc))
        raise SourceError(f"{what}: {bare(url)}: not sent: {said}") from None
    except requests.TooManyRedirects:  # no retry was made: "failed after 5 retries (TooManyRedirects: str)"
        loop = f"redirected more than {s.max_redirects} times (a redirect loop?); check the URL"
        raise SourceError(f"{what}: {bare(url)}: {loop}") from None
    except requests.RequestException as exc:
        too_long = wrapped(exc, RetryAfterTooLong)
        if too_long is not None:
            raise SourceError(f"{what}: {bare(url)}: {too_long}") from None
        inner = exc.args[0] if exc.args else None
        cause = type(getattr(inner, "reason", None) or inner or exc).__name__
        tries = getattr(s.get_adapter(url).max_retries, "total", "?")
        raise SourceError(f"{what}: {bare(url)} failed after {tries} retries ({type(exc).__name__}: {cause})") from None
    except LocationValueError:  # a host urllib3 cannot connect to as written (https://a..b/): raised past requests
        raise SourceError(f"{what}: {bare(url)}: the URL's host cannot be read as a host name; check the URL") from None


def retried(s: requests.Session, url: str, status: int) -> str:
    """How a failed status came back, for its message: `` after N retries`` where the session retried it, else
    `` (not retried)``: a 400 or 404 (a wrong URL, a request the server will not take) is answered at once, and
    "after retries" sent whoever read it to wait for it to pass."""
    retry = s.get_adapter(url).max_retries
    return f" after {retry.total} retries" if status in (retry.status_forcelist or ()) else " (not retried)"


def get_json(s: requests.Session, url: str, params: dict | None = None, what: str = "response"):
    """GET and decode JSON (:func:`send`). A non-2xx status after retries, or a body that is not JSON, raises
    ``SourceError`` saying which, with the URL's query string left out."""
    resp = send(s, "GET", url, what, params=params)
    if resp.status_code >= 400:
        raise SourceError(f"{what}: HTTP {resp.status_code} from {bare(url)}{retried(s, url, resp.status_code)}")
    try:
        return _json(resp)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's JSON parser goes
        raise SourceError(
            f"{what}: {bare(url)} returned malformed JSON ({len(resp.content)} bytes, "
            f"content-type {resp.headers.get('content-type', '?')})"
        ) from None


def _json(resp: requests.Response):
    """The answer's JSON, read as JSON text is encoded (UTF-8, or UTF-16/32 by its first bytes), a byte order mark
    skipped, whatever charset the answer declares; bytes no such text can be are read in that charset (or the one
    requests guesses): ``resp.json()`` read a ``text/*`` answer without a charset as Latin-1 (a Polish review's
    "Świetna" came out "Åwietna"), one that declares a wrong charset in it, and failed one that starts with a BOM."""
    try:
        return json.loads(resp.content)  # JSON is UTF-8 (RFC 8259): a declared charset may be wrong
    except UnicodeDecodeError:  # not UTF-8/16/32: the charset it declares, else the one requests guesses
        return json.loads(resp.text.removeprefix("\ufeff"))


def bare(url: str) -> str:
    """The URL without its query string (which may carry tokens) and without a ``user:password@`` part (a base
    URL from ``BRANDPULSE_*_URL`` may carry one), for messages and logs."""
    scheme, sep, rest = url.split("?", 1)[0].partition("://")
    if not sep:  # no scheme ("user:secret@hn.algolia.com/api", a URL requests refuses): its login goes too
        host, slash, path = scheme.partition("/")
        return f"{host.rpartition('@')[2]}{slash}{path}"
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"
