"""One polite HTTP session for every network source (PRAW's included).

- Retries 429 and 5xx responses and connection errors and timeouts with exponential backoff (urllib3's
  ``Retry``), honouring a ``Retry-After`` header; the last failure raises.
- Every request has a timeout, so a hung server fails the request, not the night.
- Sends a descriptive User-Agent, and never logs query strings or headers (tokens live there).
"""

from __future__ import annotations

import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from pipeline import __version__

USER_AGENT = f"brandpulse/{__version__} (+https://github.com/brandpulse/brandpulse)"
RETRY_STATUSES = (429, 500, 502, 503, 504, 520, 522)
BACKOFF_FACTOR = 0.5  # 0.5 s, 1 s, 2 s, 4 s ... between retries (capped at BACKOFF_MAX); read at call time
BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0  # a longer Retry-After fails the request rather than stalling the task for hours

logger = logging.getLogger("brandpulse")


class SourceError(RuntimeError):
    """A source could not read its window; the message says why, without secrets."""


class _Retry(Retry):
    """urllib3's Retry, with Retry-After capped at :data:`RETRY_AFTER_MAX` seconds."""

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


class TimeoutSession(requests.Session):
    """A session whose requests time out after ``timeout`` seconds unless the caller says otherwise."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


def session(timeout: float = 30, retries: int = 5, backoff_factor: float | None = None) -> requests.Session:
    """A requests session with retries, backoff, Retry-After and a default timeout."""
    retry = _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=None,  # PRAW's token request is a POST; every call we make is safe to repeat
        status_forcelist=RETRY_STATUSES,
        backoff_factor=BACKOFF_FACTOR if backoff_factor is None else backoff_factor,
        backoff_max=BACKOFF_MAX,
        respect_retry_after_header=True,
        raise_on_status=False,  # hand the last response back, so the caller's error names the status
    )
    s = TimeoutSession(timeout)
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    return s


def get_json(s: requests.Session, url: str, params: dict | None = None, what: str = "response"):
    """GET and decode JSON. A non-2xx status after retries, a connection failure or timeout after retries, or a
    body that is not JSON raises ``SourceError`` saying which, with the URL's query string left out."""

    try:
        resp = s.get(url, params=params)
    except requests.RequestException as exc:
        inner = exc.args[0] if exc.args else None
        cause = type(getattr(inner, "reason", None) or inner or exc).__name__
        tries = getattr(s.get_adapter(url).max_retries, "total", "?")
        raise SourceError(f"{what}: {bare(url)} failed after {tries} retries ({type(exc).__name__}: {cause})") from None
    if resp.status_code >= 400:
        raise SourceError(f"{what}: HTTP {resp.status_code} from {bare(url)} after retries")
    try:
        return resp.json()
    except ValueError:
        raise SourceError(
            f"{what}: {bare(url)} returned malformed JSON ({len(resp.content)} bytes, "
            f"content-type {resp.headers.get('content-type', '?')})"
        ) from None


def bare(url: str) -> str:
    """The URL without its query string (which may carry tokens)."""
    return url.split("?", 1)[0]
