"""Reddit through PRAW: posts and comments about the brand created in ``[window.start, window.end)``.

What is read, in this order, with every item de-duplicated by fullname (``t3_…`` post, ``t1_…`` comment,
which is also the record's ``native_id``):

1. **Searches.** The aliases (:meth:`AliasMatcher.query_terms`) quoted and OR'ed into one query (split in
   several when it would pass Reddit's 512 characters), ``sort="new"`` with the smallest ``time_filter`` that
   covers the window, in each of ``subreddits`` (``restrict_sr``) or all of Reddit when the list is empty.
   Listings are newest first, so paging stops after three items in a row older than ``window.start`` (by
   position: one item dated far back out of order does not end a listing; an item of the window after an older
   one is a warning). Reddit's search is looser than our rules, so each post is checked again with
   :meth:`AliasMatcher.matches` (word boundaries, exclusion terms) on its title and selftext.
2. **Threads.** With ``comments: true``, the comments of every matched post: ``comment_depth`` reply levels,
   at most ``comment_limit`` comments, at most :data:`REPLACE_MORE_LIMIT` "load more comments" requests
   ("continue this thread" links below the depth are not followed). Those created in the window are kept
   without an alias check: a comment in a thread about the brand is about the brand. What the three limits
   leave unread is counted (``threads.not_read``; a "continue this thread" link as one comment, though it may
   hide more) and a line in ``warnings`` names the thread.
3. **Brand subreddits.** The newest comments of each of ``brand_subreddits``, down to ``window.start``, kept
   when they mention an alias.
4. **Followed threads**, in the night's read only. With ``comments: true``, the threads of posts that earlier
   nights matched, created up to ``follow_days`` before ``window.start`` (kept in ``state["follow"]``), read the
   same way for comments created in the window: a brand thread goes on after its post leaves the window. At most
   :data:`FOLLOWED_MAX`, the newest posts first (a warning names how many were not re-read). Last, because they
   only reconcile: when the source's deadline stops them (it passes, or a rate-limit wait would pass it), the read
   keeps what it has, the threads not re-read stay followed, and a warning says so (``truncated``) instead of
   failing the source. A watch run (``watch_run``) reads none and leaves ``state["follow"]`` as it was: its runs (24
   a day or more) would re-read the same threads each time, spending the rate limit that the searches need; the
   night re-reads the whole day anyway.

Records: kind ``mention``, channel ``r/<subreddit>`` (``user profiles`` for a user's profile the config does not
name: :meth:`RedditSource._channel`), text ``title + "\\n\\n" + selftext`` (the title alone when the
selftext is empty) or the comment body, url ``https://www.reddit.com`` + permalink, engagement score + num_comments
(posts) or score (comments), at least 0, author pseudonymised (None for deleted accounts). A crosspost's selftext is
its parent's (``crosspost_parent_list``: Reddit shows it as the crosspost's body), so the load finds a crosspost
with its parent's title as a repost of it. A post whose selftext is ``[deleted]``/``[removed]`` (or Reddit's admins'
``[ Removed by Reddit ]``) keeps its title as text; a comment whose body is gone is skipped and counted in ``state``
(normal on Reddit: not a warning), and so is a comment of AutoModerator (a subreddit's bot: its rules and reminders
in every thread, no mention of the brand). An item without ``created_utc`` (or a readable one: one before 2000, a
placeholder such as 0, counts as unreadable), or without its title/body, or a listing's thing of a kind PRAW does
not know (no post or comment), is quarantined with its payload, in which no field about an author is in clear:
``author*`` and ``link_author`` (at any depth: a crosspost's parent) hold their keyed hash, or are left out when
they are not text (a flair's parts). A quarantined item is keyed by its fullname, so a re-read finds its row
although its score moved, and is one reject in a read that finds it twice (its thread and a brand subreddit: the
repeat is counted in ``duplicates``). One without an ``id`` cannot be quarantined:
PRAW refuses the whole page, and the source fails naming the listing.

Truncation: Reddit ends every listing after about 1,000 items, and ``max_items`` caps what is read per
listing. When a listing stops at the cap, or ends after at least :data:`LISTING_CAP_HINT` items, while its
oldest item is still newer than ``window.start``, part of the window was never seen: a line in ``warnings``
names the listing, the items read and the oldest time reached (extract then marks the run ``truncated``). So does
a listing that ends at an empty page naming a next one (``after``), or at a page naming as next the one just read
(a cursor stuck: PRAW takes it for the end): PRAW stops there, the pages after it unread. A
search that ends earlier has really ended: its ``time_filter`` covers the window. A page answered with no listing
at all (a 200 with an empty body, JSON ``null``), which PRAW also reads as the end, fails the source naming the
listing, as malformed JSON does.

Credentials (app-only, read-only OAuth; never logged, never in an error message), the first that is set:
``airflow_conn_id`` (an Airflow connection: login = client id, password = client secret, extra
``{"user_agent": ...}``, read through ``airflow.sdk.Connection``), ``praw_site`` (a praw.ini site), else what
PRAW itself reads: the environment variables ``praw_client_id``, ``praw_client_secret`` and ``praw_user_agent``
(or ``praw_site``) and praw.ini's default site. A missing one raises :class:`SourceError` naming it.
``BRANDPULSE_REDDIT_OAUTH_URL`` and ``BRANDPULSE_REDDIT_URL`` point PRAW at another server (the tests' fake).

HTTP: PRAW runs on :func:`pipeline.http.session`: urllib3 retries 429, 5xx, connection errors and
timeouts ``retries`` times with exponential backoff and ``Retry-After``; each request times out after
``timeout_s`` (prawcore's own fixed 16 s is overridden). prawcore's own retry rounds are turned off so
``retries`` means what it says, but for a 401 of an API request (Reddit ended the access token early): one retry at
once with a new token (:class:`_NoRetry`). prawcore still paces requests by Reddit's ``x-ratelimit-*`` headers, within
``deadline_s`` (:class:`_RateLimiter`: a wait for the window to reset is at most :data:`RATE_LIMIT_WAIT_MAX`, and
one the deadline would cut short fails the source at once, saying so). A failure that outlives the retries raises
:class:`SourceError` naming the step and the endpoint, never a token. Except one: a subreddit of ``subreddits`` or
``brand_subreddits`` that Reddit refuses (403: private, quarantined; 404: banned; a redirect to
``/subreddits/search``: no such subreddit, a typo) on its search or its comments listing is skipped, the rest of the
read kept, and a line in ``warnings`` names it, Reddit's ``reason`` when its body gives one and the setting to edit
(extract then marks the run ``truncated``, night after night until the config is changed). A 401/403 from the token
endpoint (the credentials) still fails the source, as does a refusal of every configured subreddit (Reddit refusing
the app or its network: a read of nothing).

``state`` after a fetch: ``newest_created_utc``, per-listing counts (``listings``), ``threads`` (``followed``: the
earlier posts' threads re-read; ``outside_window``: the comments of the threads read that were created before or
after the window, a followed thread's older ones, those after midnight of a post late in the day),
``skipped_deleted``, ``skipped_removed``, ``not_about_brand`` (posts and comments a search or a brand subreddit
returned without an alias clear of the exclusions, and no thread of the read kept: a followed thread keeps all its
comments), ``duplicates`` (a post or comment another search or path of the same read found first, or kept after),
``automoderator`` (its comments, skipped) and ``follow`` (post id -> created_utc of the posts whose threads the next
nights re-read; saved with the load, like every state). A post no night ever matched (one already older than the
window on the source's first night) is not followed.
"""

from __future__ import annotations

import configparser
import functools
import logging
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import praw
import prawcore
import requests
import urllib3
from praw.config import Config as PrawConfig
from praw.exceptions import PRAWException, RedditAPIException
from praw.models import MoreComments
from praw.models.base import PRAWBase
from prawcore.rate_limit import RateLimiter
from prawcore.sessions import RetryStrategy

from pipeline import http
from pipeline.deadline import Deadline, DeadlineExceeded, seconds
from pipeline.records import Record, Reject, Rejected, Window
from pipeline.sources.base import PLAUSIBLE_FROM, NewestFirst, Source, SourceError, identity

OAUTH_URL_ENV = "BRANDPULSE_REDDIT_OAUTH_URL"
REDDIT_URL_ENV = "BRANDPULSE_REDDIT_URL"
REPLACE_MORE_LIMIT = 4  # "load more comments" requests per matched post
FOLLOWED_MAX = 100  # threads of earlier matched posts re-read per fetch (follow_days), the newest posts first
LISTING_CAP_HINT = 900  # Reddit ends listings at about 1,000 items (fewer once removed ones are dropped)
MAX_QUERY_CHARS = 512  # Reddit's limit on a search query
RATE_LIMIT_WAIT_MAX = 600.0  # Reddit's rate-limit window: a longer x-ratelimit-reset is not believed
TIME_FILTER_MARGIN = timedelta(minutes=10)  # clock skew, and the time paging takes
TIME_FILTERS = (  # Reddit's periods, the month taken short to be safe
    ("hour", timedelta(hours=1)),
    ("day", timedelta(days=1)),
    ("week", timedelta(days=7)),
    ("month", timedelta(days=28)),
    ("year", timedelta(days=365)),
)
SITE = "https://www.reddit.com"
DELETED, REMOVED = "[deleted]", "[removed]"
PROFILES = "user profiles"  # the channel of a post or comment on a user's profile (subreddit u_<name>): _channel
AUTOMODERATOR = "AutoModerator"  # Reddit's moderation bot: its comments are a subreddit's boilerplate, no mention
VOLATILE = ("score", "ups", "downs", "upvote_ratio", "num_comments", "num_crossposts", "likes", "gilded", "replies")
FAILURES = (prawcore.PrawcoreException, PRAWException, requests.RequestException, DeadlineExceeded)  # of a request

logger = logging.getLogger("brandpulse")


def time_filter(start: datetime, now: datetime) -> str:
    """The smallest of Reddit's search periods that reaches back from ``now`` to ``start``."""
    age = now - start + TIME_FILTER_MARGIN
    return next((name for name, period in TIME_FILTERS if age <= period), "all")


def search_queries(terms: Iterable[str], max_chars: int = MAX_QUERY_CHARS) -> list[str]:
    """The terms quoted and OR'ed: ``"Parcelo" OR "Parcelo app"``, split so no query passes ``max_chars``."""
    quoted = [f'"{" ".join(t.replace(chr(34), " ").split())}"' for t in terms if t.replace('"', "").strip()]
    queries: list[str] = []
    current: list[str] = []
    for term in quoted:
        if current and len(" OR ".join([*current, term])) > max_chars:
            queries.append(" OR ".join(current))
            current = []
        current.append(term)
    if current:
        queries.append(" OR ".join(current))
    return queries


class _Requestor(prawcore.Requestor):
    """prawcore passes its fixed default timeout (16 s) with every request; use the configured one."""

    def request(self, *args, timeout=None, **kwargs):
        return super().request(*args, timeout=self.timeout, **kwargs)


class _NoRetry(RetryStrategy):
    """prawcore's retry rounds, turned off: the session's urllib3 Retry has already retried (``spec.retries``
    times, with backoff and Retry-After). prawcore's two more rounds would multiply that and sleep 2-4 s each.

    Except one: a 401 of an API request (Reddit ended the access token before its ``expires_in``), on which
    prawcore drops the token (``authorizer``'s ``access_token`` is None): one retry, at once, with a new token,
    as prawcore itself recovers (urllib3 does not retry a 401). A refused new token fails as the first one does."""

    def __init__(self, authorizer=None, renewed: bool = False):
        self.authorizer, self.renewed = authorizer, renewed

    def _sleep_seconds(self) -> float | None:
        return None

    def consume_available_retry(self) -> _NoRetry:
        return _NoRetry(self.authorizer, renewed=True)

    def should_retry_on_failure(self) -> bool:
        return not self.renewed and self.authorizer is not None and self.authorizer.access_token is None


class _RateLimiter(RateLimiter):
    """prawcore's pacing by Reddit's ``x-ratelimit-*`` headers, within the source's deadline: prawcore sleeps until
    the window resets (``x-ratelimit-reset`` seconds once ``x-ratelimit-remaining`` is 0) in a plain sleep the
    deadline cannot cut. Here the wait is at most :data:`RATE_LIMIT_WAIT_MAX`, and a wait the deadline would cut
    short raises :class:`DeadlineExceeded` at once (as :class:`pipeline.http._Retry` does for a retry's wait)."""

    def __init__(self, deadline: Deadline, window_size: int):
        super().__init__(window_size=window_size)
        self.deadline = deadline

    def update(self, *, response_headers) -> None:
        """prawcore's update, but for ``x-ratelimit-*`` values no pacing can be read from ("inf", "soon", 5 remaining
        of -5 used): prawcore's arithmetic raised OverflowError, ZeroDivisionError or ValueError from the answer's
        headers, which failed the source (or escaped as a traceback); such an answer paces nothing."""
        try:
            super().update(response_headers=response_headers)
        except (ValueError, ArithmeticError):
            self.remaining = self.used = None
            logger.debug("reddit: x-ratelimit headers not read (%s)", {k: v for k, v in response_headers.items()
                                                                       if k.startswith("x-ratelimit")})  # fmt: skip

    def delay(self) -> None:
        if self.next_request_timestamp_ns is None:
            return
        # capped in integers first: a reset of hundreds of digits is past what a float holds (OverflowError)
        wait = min(self.next_request_timestamp_ns - time.monotonic_ns(), int(RATE_LIMIT_WAIT_MAX * 1e9)) / 1e9
        if wait <= 0:
            return
        if wait >= self.deadline.left():
            raise DeadlineExceeded(f"waiting {seconds(wait)} for Reddit's rate-limit window to reset would pass it")
        logger.debug("reddit: waiting %.2f s for Reddit's rate-limit window (x-ratelimit-reset)", wait)
        time.sleep(wait)


def _airflow_connection(conn_id: str, where: str):
    try:
        from airflow.sdk import Connection
    except ImportError:
        raise SourceError(f"{where}: airflow_conn_id is set but Airflow's task SDK cannot be imported") from None
    try:
        return Connection.get(conn_id)
    except Exception as exc:
        if type(exc).__name__ == "AirflowNotFoundException":
            raise SourceError(f"{where}: Airflow connection {conn_id!r} is not defined") from None
        raise SourceError(f"{where}: Airflow connection {conn_id!r} could not be read ({type(exc).__name__})") from None


def _ini_error(exc: configparser.Error) -> str:
    """What is wrong with praw.ini, for a message: the error's type, the file and the line numbers, never the
    lines themselves (configparser quotes them, and one may hold the client secret)."""
    lines = [str(n) for n, _ in getattr(exc, "errors", ())] or [str(exc.lineno)] * bool(getattr(exc, "lineno", None))
    where = f" in {exc.source}" if getattr(exc, "source", None) else ""
    return f"{type(exc).__name__}{where}" + (f", line {', '.join(lines)}" if lines else "")


def _path(url: str | None) -> str:
    """The path of a URL: no host, no query string."""
    return urlsplit(url or "").path or "?"


def _is_timeout(exc: BaseException | None) -> bool:
    """A timeout, not a connection that failed at once: urllib3's NewConnectionError (refused, a host name that does
    not resolve) is a ConnectTimeoutError by its class."""
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return False
    if isinstance(exc, requests.Timeout | urllib3.exceptions.TimeoutError):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc is not None and exc.args else None
    return isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


def _payload(thing) -> dict:
    """A PRAW object's fields as Reddit sent them, read without triggering PRAW's lazy fetch. A thing of a kind PRAW
    does not know is left as Reddit's ``{"kind", "data"}`` dict: its fields with its ``kind`` (which no post's or
    comment's fields hold), for :meth:`RedditSource._problem` to quarantine (``vars`` of it failed the source)."""
    if isinstance(thing, dict):
        data = thing.get("data")
        return {**(data if isinstance(data, dict) else {}), "kind": thing.get("kind")}
    out = {}
    for key, value in vars(thing).items():
        if key.startswith("_") or key in ("comment_limit", "comment_sort"):
            continue
        if isinstance(value, PRAWBase):
            value = str(value)  # Redditor -> name, Subreddit -> display name
        out[key] = value
    return out


def _count(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def _gone(text: str) -> str | None:
    """:data:`DELETED` or :data:`REMOVED` when ``text`` is what Reddit shows in place of a deleted or removed body:
    ``[deleted]``, ``[removed]`` (a moderator), or a removal by Reddit's admins (``[ Removed by Reddit ]``, ``[ Removed
    by Reddit on account of violating the content policy. ]``), counted as removed; else None."""
    text = text.strip()
    if text in (DELETED, REMOVED):
        return text
    inner = " ".join(text[1:-1].split()).lower() if text[:1] == "[" and text[-1:] == "]" else ""
    return REMOVED if inner.startswith("removed by reddit") else None


def _crosspost_selftext(data: dict) -> str:
    """The selftext of the post a crosspost copies (``crosspost_parent_list``), which Reddit shows as its body: a
    crosspost's own selftext is empty. "" when it is no crosspost, or one without a readable parent."""
    parents = data.get("crosspost_parent_list")
    parent = parents[0] if isinstance(parents, list) and parents else None
    selftext = parent.get("selftext") if isinstance(parent, dict) else None
    return selftext if isinstance(selftext, str) else ""


def _created(data: dict) -> float | None:
    value = data.get("created_utc")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):  # nan, inf, out of range
        return None
    return float(value) if value >= PLAUSIBLE_FROM.timestamp() else None  # 0: a placeholder, no time


class RedditSource(Source):
    source_type = "reddit"
    platform = "reddit"

    # --- set-up ----------------------------------------------------------------------------------------------

    @property
    def where(self) -> str:
        return f"reddit source {self.brand.key}/{self.spec.name}"

    def _settings(self) -> tuple[str | None, dict]:
        """(praw.ini site, keyword settings) for ``praw.Reddit``; SourceError naming any missing credential."""
        spec = self.spec
        if spec.airflow_conn_id:
            conn = _airflow_connection(spec.airflow_conn_id, self.where)
            try:
                extra = conn.extra_dejson or {}
            except Exception:  # extra that is not JSON
                extra = {}
            settings = {"client_id": conn.login, "client_secret": conn.password, "user_agent": extra.get("user_agent")}
            labels = {
                "client_id": "login (the client id)",
                "client_secret": "password (the client secret)",
                "user_agent": 'extra {"user_agent": "..."}',
            }
            missing = [label for key, label in labels.items() if not settings[key]]
            if missing:
                raise SourceError(
                    f"{self.where}: Airflow connection {spec.airflow_conn_id!r} lacks {', '.join(missing)}"
                )
            return None, settings
        site = spec.praw_site or os.environ.get("praw_site") or "DEFAULT"
        try:
            found = PrawConfig(site)
        except configparser.NoSectionError:
            raise SourceError(f"{self.where}: praw.ini has no site [{site}] (praw_site)") from None
        except configparser.Error as exc:
            raise SourceError(f"{self.where}: praw.ini cannot be read ({_ini_error(exc)})") from None
        missing = [key for key in ("client_id", "client_secret", "user_agent") if not getattr(found, key, None)]
        if missing:
            raise SourceError(
                f"{self.where}: Reddit credentials missing: {', '.join(missing)}. Set them in praw.ini site "
                f"[{site}] or as environment variables {', '.join('praw_' + k for k in missing)}, or name an "
                "Airflow connection with airflow_conn_id (login = client id, password = secret, "
                'extra {"user_agent": ...})'
            )
        return spec.praw_site, {}

    def _connect(self, session: requests.Session) -> praw.Reddit:
        site, settings = self._settings()
        urls = {
            key: os.environ[env].rstrip("/")
            for key, env in (("oauth_url", OAUTH_URL_ENV), ("reddit_url", REDDIT_URL_ENV))
            if os.environ.get(env)
        }
        try:
            reddit = praw.Reddit(
                site_name=site,
                requestor_class=_Requestor,
                requestor_kwargs={"session": session, "timeout": self.spec.timeout_s},
                check_for_updates=False,
                check_for_async=False,
                **urls,
                **settings,
            )
        except configparser.Error as exc:  # praw.ini, which PRAW reads even with the settings given here
            raise SourceError(f"{self.where}: praw.ini cannot be read ({_ini_error(exc)})") from None
        except (PRAWException, prawcore.PrawcoreException) as exc:
            raise SourceError(f"{self.where}: PRAW could not be set up: {exc}") from None
        reddit.read_only = True  # app-only: never a user's account, even if praw_username is in the environment
        for core in {reddit._core, reddit._read_only_core}:
            if core is not None and hasattr(core, "_retry_strategy_class"):
                core._retry_strategy_class = functools.partial(_NoRetry, getattr(core, "_authorizer", None))
            if core is not None and isinstance(getattr(core, "_rate_limiter", None), RateLimiter):
                core._rate_limiter = _RateLimiter(session.deadline, core._rate_limiter.window_size)
        self._step = "access token request"
        try:
            reddit.auth.scopes()  # the token now, so a credential problem is reported as one
        except requests.exceptions.JSONDecodeError:
            raise SourceError(f"{self.where}: malformed JSON from /api/v1/access_token") from None
        return reddit

    # --- errors ----------------------------------------------------------------------------------------------

    def _error(self, exc: Exception) -> SourceError:
        """A SourceError for a PRAW/prawcore/requests failure: the step, the endpoint, the status; no secrets."""
        n = self.spec.retries
        step, retries = f"{self.where}: {self._step}", f"after {n} {'retry' if n == 1 else 'retries'}"
        if isinstance(exc, prawcore.BadJSON):
            resp = exc.response
            return SourceError(
                f"{step}: malformed JSON from {_path(resp.url)} (HTTP {resp.status_code}, {len(resp.content)} bytes)"
            )
        if isinstance(exc, prawcore.OAuthException):
            return SourceError(f"{step}: Reddit refused the access token request ({exc.error})")
        if isinstance(exc, prawcore.Redirect):
            return SourceError(
                f"{step}: Reddit redirected {_path(exc.response.url)} to {_path(exc.path)} (does the subreddit exist?)"
            )
        if isinstance(exc, prawcore.ResponseException):
            status, path = exc.response.status_code, _path(exc.response.url)
            if status in (400, 401, 403) and path.endswith("/access_token"):
                return SourceError(
                    f"{step}: Reddit refused the client credentials (HTTP {status} from {path}); check the client "
                    "id and secret"
                )
            if status == 429:
                return SourceError(f"{step}: rate limited, HTTP 429 from {path} {retries}")
            if status >= 500:
                return SourceError(f"{step}: HTTP {status} from {path} {retries}")
            return SourceError(f"{step}: HTTP {status} from {path}")
        if isinstance(exc, prawcore.RequestException):
            args = exc.request_args
            path = _path(args[1] if len(args) > 1 and isinstance(args[1], str) else None)
            original = exc.original_exception
            if isinstance(original, http.BodyTooLarge):
                return SourceError(f"{step}: {path}: {original}")
            too_long = http.wrapped(original, http.RetryAfterTooLong) if original is not None else None
            if too_long is not None:  # answered, with a Retry-After this does not wait for: not unreachable
                return SourceError(f"{step}: {path}: {too_long}")
            if _is_timeout(original):
                return SourceError(f"{step}: {path} timed out (no answer in {self.spec.timeout_s:g} s) {retries}")
            return SourceError(f"{step}: {path} could not be reached ({type(original).__name__}) {retries}")
        if isinstance(exc, RedditAPIException):
            kinds = ", ".join(sorted({item.error_type for item in exc.items}))
            return SourceError(f"{step}: Reddit answered with error {kinds}")
        return SourceError(f"{step}: {type(exc).__name__}")

    def _stopped(self, exc: Exception) -> str | None:
        """What to say when the source's deadline stopped the read (it passed, or a wait would pass it: the rate
        limiter's, a retry's); None when ``exc`` is another failure."""
        cause = exc if isinstance(exc, DeadlineExceeded) else getattr(exc, "original_exception", None)
        if not (self._deadline.expired or isinstance(cause, DeadlineExceeded)):
            return None
        why = "" if self._deadline.expired else f": {cause}"
        return f"{self._step}: stopped at the source's {self._deadline} (deadline_s){why}"

    # --- fetch -----------------------------------------------------------------------------------------------

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        self.warnings = []
        self._step = "set-up"
        self._seen: set[str] = set()
        # the subreddits the config names (a multi's parts too): a user's profile among them keeps its channel
        self._named = {n.lower() for s in (*self.spec.subreddits, *self.spec.brand_subreddits) for n in s.split("+")}
        self._skipped = {DELETED: 0, REMOVED: 0}
        # read, not kept: counted (as Hacker News does)
        self._counts = {"duplicates": 0, "automoderator": 0}
        # the posts and comments read without an alias (not_about_brand), until a thread of the read keeps one
        self._unrelated: set[str] = set()
        self._listings: dict[str, dict] = {}
        self._threads = {
            "posts": 0,
            "comments_read": 0,
            "not_read": 0,
            "unavailable": 0,
            "followed": 0,
            "outside_window": 0,  # comments of the threads read created before or after the window
        }
        self._matched: dict[str, float] = {}  # post id -> created_utc, of this read's matched posts
        self._follow: dict[str, float] = {}  # the same, of the posts whose threads the next nights re-read
        self._newest: float | None = None
        self._refusals: list[str] = []  # the configured subreddits Reddit refused, as "r/name (403)"
        with self.http_session() as session:  # every request of this read ends by the source's deadline_s
            self._deadline = session.deadline
            try:
                reddit = self._connect(session)
                yield from self._searches(reddit, window)
                yield from self._brand_subreddits(reddit, window)
                if self.watch_run:  # the night reconciles: a watch run leaves the followed threads as they were
                    self._follow = self.previous_state.get("follow", {})
                else:
                    yield from self._followed_threads(reddit, window)
            except FAILURES as exc:
                stopped = self._stopped(exc)
                if stopped:
                    raise SourceError(f"{self.where}: {stopped}") from None
                raise self._error(exc) from None
            except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as exc:  # PRAW could not
                # parse an answer (IndexError: a JSON list for a listing, a thread without its post; RecursionError:
                # JSON nested deeper than Python's parser goes)
                raise SourceError(
                    f"{self.where}: {self._step}: PRAW could not read Reddit's answer ({type(exc).__name__}: "
                    f"{str(exc)[:200]})"
                ) from exc
        deleted, removed = self._skipped[DELETED], self._skipped[REMOVED]
        if deleted or removed:  # normal on Reddit: counted in the state, not a warning (warnings mean truncation)
            logger.info("reddit %s: skipped %d deleted and %d removed comment(s)", self.brand.key, deleted, removed)
        self.state = {
            "newest_created_utc": self._newest or self.previous_state.get("newest_created_utc"),
            "listings": self._listings,
            "threads": self._threads,
            "skipped_deleted": deleted,
            "skipped_removed": removed,
            "not_about_brand": len(self._unrelated),
            **self._counts,
            "follow": self._follow,
        }
        logger.debug("%s: listings %s", self.where, self._listings)

    def _listing(self, name: str, things: Iterator, window: Window) -> Iterator:
        """The items of a newest-first listing created in the window (and those without a time, to quarantine).

        Stops after three items in a row older than ``window.start`` (:class:`NewestFirst`); notes a listing cut
        before it got there, or out of order.
        """
        stats = {"read": 0, "in_window": 0, "oldest_created_utc": None, "truncated": False}
        self._listings[name] = stats
        start, end = window.start.timestamp(), window.end.timestamp()
        reached_start = capped = gap = stuck = False
        after = None  # the next page the listing's last page named
        order = NewestFirst(start, end, name)
        things = iter(things)
        while True:
            self._step = name
            try:
                thing = next(things)
            except StopIteration:
                # PRAW ends a listing at an empty page, even one that names a next page (``after``): no real end
                page = getattr(things, "_listing", None)
                if hasattr(things, "_listing") and not isinstance(page, PRAWBase):
                    # prawcore hands back "" for an empty body, None for JSON null: PRAW ends the listing there, as
                    # if it had no more items, and the rest of the window was lost without a word
                    what = "an empty body" if page == "" else "JSON null" if page is None else f"JSON {page!r:.20}"
                    raise SourceError(
                        f"{self.where}: {name}: Reddit answered {what} in place of a listing (after {stats['read']} "
                        "items read); read as the listing's end, the rest of the window would have been lost"
                    ) from None
                after = getattr(page, "after", None)
                gap = bool(after) and not len(page)
                # PRAW also ends a listing whose page names, as the next one, the page it asked for (``after``)
                stuck = bool(after) and len(page) > 0 and after == getattr(things, "params", {}).get("after")
                break
            if stats["read"] >= self.spec.max_items:  # the listing had more: the cap cut it
                capped = True
                break
            stats["read"] += 1
            created = _created(_payload(thing))
            if created is None:
                yield thing
                continue
            stats["oldest_created_utc"] = min(created, stats["oldest_created_utc"] or created)
            order.see(created)
            if order.reached_start:
                reached_start = True
                break
            if start <= created < end:
                stats["in_window"] += 1
                yield thing
        if order.disorder:
            self.warnings.append(order.disorder)
        if not reached_start and (capped or gap or stuck or stats["read"] >= LISTING_CAP_HINT):
            stats["truncated"] = True
            oldest = stats["oldest_created_utc"]
            reached = datetime.fromtimestamp(oldest, UTC).isoformat() if oldest is not None else "no dated item"
            why = (
                f"max_items {self.spec.max_items}"
                if capped
                else "a page came back empty but named a next one"
                if gap
                else f"the page after {str(after)[:20]} named {str(after)[:20]} as the next one again: a stuck cursor"
                if stuck
                else "Reddit's ~1,000-item listing cap"
            )
            self.warnings.append(
                f"{name}: stopped after {stats['read']} items ({why}); the oldest item read is from {reached}, "
                f"after the window start {window.start.isoformat()}: the window is truncated"
            )

    def _searches(self, reddit: praw.Reddit, window: Window) -> Iterator[Record | Reject]:
        queries = search_queries(self.matcher.query_terms())
        subreddits = list(self.spec.subreddits) or [None]  # names as PRAW takes them (config.Subreddit)
        for sub in subreddits:
            target = reddit.subreddit(sub or "all")
            for n, query in enumerate(queries, 1):
                name = f"search {'r/' + sub if sub else 'all of Reddit'}"
                name += f" (query {n} of {len(queries)})" if len(queries) > 1 else ""
                period = time_filter(window.start, datetime.now(UTC))  # from now: the searches before took time
                listing = target.search(query, sort="new", time_filter=period, limit=self.spec.max_items + 1)
                matched, refused = [], False
                try:
                    for post in self._listing(name, listing, window):
                        data = _payload(post)
                        fullname = f"{data.get('kind', 't3')}_{data.get('id')}"  # kind: one PRAW does not know
                        if fullname in self._seen:  # found by another search of this read
                            self._counts["duplicates"] += 1
                            continue
                        problem = self._problem(data, "t3")
                        if problem:
                            if data.get("id") not in (None, ""):  # quarantined once, however many searches find it
                                self._seen.add(fullname)
                            yield self._reject(problem, data)
                            continue
                        selftext = data.get("selftext") or _crosspost_selftext(data)  # a crosspost: its parent's
                        if _gone(selftext):
                            selftext = ""
                        if not self.matcher.matches(data["title"], selftext):
                            self._not_about_brand(fullname)
                            continue
                        self._seen.add(fullname)
                        matched.append(data["id"])
                        self._matched[data["id"]] = _created(data)
                        yield self._post_record(data, selftext)
                except (prawcore.Forbidden, prawcore.NotFound, prawcore.Redirect) as exc:
                    refused = self._refused(exc, sub, "subreddits")
                    if not refused:
                        raise
                if self.spec.comments:
                    for post_id in matched:
                        yield from self._thread(reddit, post_id, window)
                if refused:  # its other queries would be refused the same
                    break

    def _followed_threads(self, reddit: praw.Reddit, window: Window) -> Iterator[Record | Reject]:
        """The threads of posts matched by earlier reads and created up to ``follow_days`` before the window, read
        again for comments created in the window (a brand thread goes on after its post leaves the window).

        The posts come from ``previous_state["follow"]`` (post id -> created_utc), and this read's matches join
        them for the next reads; a post drops out ``follow_days`` after the window's start passes it. At most
        :data:`FOLLOWED_MAX` threads are re-read, the newest posts first; the rest are dropped with a warning, and
        so is a thread gone since (404 or 403). A post created after the window (a re-run of an older night) is
        kept but not read. When the source's deadline stops a thread (:meth:`_stopped`), the read ends there with
        what it has and a warning; that thread and the ones after it stay followed."""
        spec = self.spec
        if not spec.comments or spec.follow_days <= 0:
            return
        since = (window.start - timedelta(days=spec.follow_days)).timestamp()
        stored = self.previous_state.get("follow") if isinstance(self.previous_state.get("follow"), dict) else {}
        follow = {
            pid: created
            for pid, created in ((pid, _created({"created_utc": t})) for pid, t in stored.items())
            if isinstance(pid, str) and pid.isalnum() and created is not None and created >= since
        }  # a hand-edited entry that is not a post id and a Unix time is dropped
        follow.update(self._matched)  # created in the window, so after ``since``
        due = sorted(
            (pid for pid, created in follow.items() if pid not in self._matched and created < window.end.timestamp()),
            key=lambda pid: (-follow[pid], pid),
        )
        for pid in due[FOLLOWED_MAX:]:
            del follow[pid]
        if len(due) > FOLLOWED_MAX:
            oldest = datetime.fromtimestamp(follow[due[FOLLOWED_MAX - 1]], UTC).isoformat()
            self.warnings.append(
                f"Reddit threads followed (follow_days={spec.follow_days}): {len(due) - FOLLOWED_MAX} thread(s) of "
                f"posts older than {oldest} not re-read (at most {FOLLOWED_MAX}): their comments in the window "
                "were not read"
            )
        self._follow = dict(sorted(follow.items(), key=lambda kv: (kv[1], kv[0])))  # the same state however reached
        todo = due[:FOLLOWED_MAX]
        for n, pid in enumerate(todo):
            self._threads["followed"] += 1
            unavailable = self._threads["unavailable"]
            try:
                yield from self._thread(reddit, pid, window)
            except FAILURES as exc:
                stopped = self._stopped(exc)
                if stopped is None:
                    raise
                self.warnings.append(
                    f"Reddit threads followed: {stopped}; {len(todo) - n} of {len(todo)} thread(s) not re-read, or "
                    "not to the end: their comments in the window were not read (they stay followed; what the "
                    "read found is kept)"
                )
                return
            if self._threads["unavailable"] > unavailable:  # removed or made private: not followed any more
                del self._follow[pid]

    def _thread(self, reddit: praw.Reddit, post_id: str, window: Window) -> Iterator[Record | Reject]:
        """The comments of a matched post created in the window, breadth first, down to ``comment_depth``."""
        depth, limit = self.spec.comment_depth, self.spec.comment_limit
        if depth <= 0 or limit <= 0:
            return
        self._step = f"comments of t3_{post_id}"
        submission = reddit.submission(id=post_id)
        submission.comment_sort = "new"
        submission.comment_limit = limit
        submission.add_fetch_param("depth", str(depth))
        try:
            forest = submission.comments
        except (prawcore.NotFound, prawcore.Forbidden):  # removed or made private since the search saw it
            self._threads["unavailable"] += 1
            return
        # threshold 1: not "continue this thread"; what is left are "load more" batches past REPLACE_MORE_LIMIT
        left = forest.replace_more(limit=REPLACE_MORE_LIMIT, threshold=1)
        self._threads["posts"] += 1
        queue, read, deep, edge = deque((comment, 1) for comment in forest), 0, 0, set()
        while queue and read < limit:
            comment, level = queue.popleft()
            if isinstance(comment, MoreComments):
                continue
            read += 1
            yield from self._comment(comment, window, alias_filter=False)
            if level < depth:
                queue.extend((reply, level + 1) for reply in comment.replies)
            else:  # at comment_depth: its replies (a "load more" may have brought some) are not read
                edge.add(f"t1_{comment.id}")
                deep += sum(not isinstance(reply, MoreComments) for reply in comment.replies)
        # Reddit cuts a thread at the depth asked with a "continue this thread" link (count 0: a comment at least),
        # which replace_more leaves out of the tree and hands back with the "load more" links it did not follow
        deep += sum(not more.count and more.parent_id in edge for more in left)
        self._threads["comments_read"] += read
        not_loaded = sum(more.count or 0 for more in left)
        cut = sum(not isinstance(comment, MoreComments) for comment, _ in queue)  # and their replies
        if not_loaded or cut or deep:
            self._threads["not_read"] += not_loaded + cut + deep
            self.warnings.append(
                f"Reddit thread t3_{post_id}: at least {not_loaded + cut + deep} comment(s) not read ("
                + ", ".join(
                    [f"{cut} past comment_limit={limit}"] * bool(cut)
                    + [f"{deep} below comment_depth={depth}"] * bool(deep)
                    + [f"{not_loaded} behind 'load more' links past the {REPLACE_MORE_LIMIT} followed"]
                    * bool(not_loaded)
                )
                + ")"
            )

    def _brand_subreddits(self, reddit: praw.Reddit, window: Window) -> Iterator[Record | Reject]:
        for sub in self.spec.brand_subreddits:
            name = f"new comments in r/{sub}"
            listing = reddit.subreddit(sub).comments(limit=self.spec.max_items + 1)
            try:
                for comment in self._listing(name, listing, window):
                    yield from self._comment(comment, window, alias_filter=True)
            except (prawcore.Forbidden, prawcore.NotFound, prawcore.Redirect) as exc:
                if not self._refused(exc, sub, "brand_subreddits"):
                    raise

    def _refused(self, exc: prawcore.ResponseException, sub: str | None, setting: str) -> bool:
        """Whether ``exc`` is Reddit refusing configured subreddit ``sub`` itself (403: private, quarantined; 404:
        banned; a redirect to /subreddits/search: no such subreddit, a typo), noted in ``warnings`` with Reddit's
        ``reason`` when its body gives one, so the read skips that subreddit and keeps the rest. Not for all of
        Reddit, nor a refusal of the access token; and when every configured subreddit is refused (Reddit refusing
        this app or its network, not each subreddit: a read of nothing, its run a success) a :class:`SourceError`, as
        before subreddits were skipped."""
        status, path = exc.response.status_code, _path(exc.response.url)
        missing = isinstance(exc, prawcore.Redirect) and exc.path.rstrip("/") == "/subreddits/search"
        if sub is None or not (missing or status in (403, 404)) or path.endswith("/access_token"):
            return False
        self._refusals.append(f"r/{sub} ({'no such subreddit' if missing else status})")
        if self.spec.subreddits and len(self._refusals) == len(self.spec.subreddits) + len(self.spec.brand_subreddits):
            typos = all(r.endswith("(no such subreddit)") for r in self._refusals)
            raise SourceError(
                f"{self.where}: Reddit refused every configured subreddit ({', '.join(self._refusals)}): "
                + (
                    f"check their names in {self.field('subreddits')}"
                    + (" and brand_subreddits" if self.spec.brand_subreddits else "")
                    if typos
                    else "is it refusing this app or its network?"
                )
            ) from None
        if missing:
            self.warnings.append(
                f"r/{sub}: no such subreddit (Reddit redirected {path} to {exc.path}): skipped; correct or remove it "
                f"in {self.field(setting)}"
            )
            return True
        try:
            reason = exc.response.json().get("reason")
        except (ValueError, AttributeError):  # no JSON, or JSON that is not an object
            reason = None
        reason = " ".join(reason.split())[:80] if isinstance(reason, str) else ""
        self.warnings.append(
            f"r/{sub}: Reddit answered {status}{f' ({reason})' if reason else ''}: skipped; remove it from "
            f"{self.field(setting)} or ask for access"
        )
        return True

    # --- items -----------------------------------------------------------------------------------------------

    @staticmethod
    def _problem(data: dict, kind: str) -> str | None:
        """Why an item cannot become a record (missing fields), or None."""
        if "kind" in data:  # a thing of a kind PRAW does not know (_payload), in a listing of posts or comments
            return f"reddit {kind} listing holds a thing of kind {str(data['kind'])[:20]!r}, not a {kind}"
        text_field = "title" if kind == "t3" else "body"
        missing = [f for f in ("id", "created_utc", text_field) if data.get(f) in (None, "")]
        if missing:
            return f"reddit {kind} lacks {', '.join(missing)}"
        if _created(data) is None:
            return f"reddit {kind} created_utc {str(data['created_utc'])[:40]!r} is not a Unix time from 2000 on"
        if not isinstance(data[text_field], str):
            return f"reddit {kind} {text_field} is not text"
        wrong = [f for f in ("selftext", "permalink") if data.get(f) is not None and not isinstance(data[f], str)]
        if wrong:  # read as text further on: one odd post is quarantined, not the source failed
            return f"reddit {kind} {', '.join(wrong)} is not text"
        return None

    def _reject(self, reason: str, data: dict) -> Reject:
        """A quarantined item: its payload without author identities (:meth:`_unnamed`), keyed by its fullname
        (else its payload without the counters that move between reads)."""
        data = self._unnamed(data)
        stable = {k: v for k, v in data.items() if k not in VOLATILE}
        native_id = data.get("name") or data.get("id")
        return self.reject(reason, data, location=f"reddit {native_id or '?'}", identity=identity(native_id, stable))

    def _unnamed(self, value):
        """``value`` with every field about an author, at any depth (``author``, ``author_fullname``, the
        ``author_flair_*`` fields, a comment's ``link_author``, those of a crosspost's parent), replaced by the keyed
        hash of its text (``hmac:…``, the hash records carry for a name), or left out when it is neither text nor
        a flag (a flair's list of parts). ``[deleted]``/``[removed]``, empty text, None and flags stay."""
        if isinstance(value, list):
            return [self._unnamed(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, v in value.items():
            if not (str(key).startswith("author") or key == "link_author"):
                out[key] = self._unnamed(v)
            elif isinstance(v, str) and v.strip() and v not in (DELETED, REMOVED):
                out[key] = f"hmac:{self.pseudonymise(v)}"
            elif v is None or isinstance(v, bool | str):
                out[key] = v
        return out

    def _author(self, data: dict) -> str | None:
        author = data.get("author")
        if not isinstance(author, str) or author in (DELETED, REMOVED):
            return None
        return self.pseudonymise(author)

    def _note_newest(self, created: float) -> None:
        self._newest = max(self._newest or created, created)

    def _channel(self, data: dict) -> str:
        """``r/<subreddit>``; :data:`PROFILES` for a user's profile (``u_<name>``, which a search of all of Reddit
        finds), unless the config names it: ``r/u_alice`` stored the name its ``author_hash`` hides, in the report's
        and alerts' channels, and made a channel of each profile."""
        sub = str(data.get("subreddit") or "?")
        if sub.lower().startswith("u_") and sub.lower() not in self._named:
            return PROFILES
        return f"r/{sub}"

    @staticmethod
    def _url(data: dict, fallback: str) -> str:
        permalink = data.get("permalink") or fallback
        return permalink if permalink.startswith("http") else SITE + permalink

    def _post_record(self, data: dict, selftext: str) -> Record | Reject:
        title = data["title"]
        created = _created(data)
        try:
            item = self.record(
                f"t3_{data['id']}",
                "mention",
                f"{title}\n\n{selftext}" if selftext.strip() else title,
                datetime.fromtimestamp(created, UTC),
                channel=self._channel(data),
                author_hash=self._author(data),
                title=title,
                url=self._url(data, f"/comments/{data['id']}/"),
                engagement=max(0, _count(data.get("score")) + _count(data.get("num_comments"))),
            )
        except Rejected as exc:  # a value out of range: this post, not the whole source
            return self._reject(str(exc), data)
        self._note_newest(created)
        return item

    def _not_about_brand(self, fullname: str) -> None:
        """Counts a post or comment read without an alias clear of the exclusions as ``not_about_brand``, once: read
        again by another search or path of the read, it is a duplicate (and a thread of the read that keeps the
        comment makes it a record, :meth:`_comment`): each item read is one record, reject or counted skip."""
        if fullname in self._unrelated:
            self._counts["duplicates"] += 1
        else:
            self._unrelated.add(fullname)

    def _comment(self, comment, window: Window, alias_filter: bool) -> Iterator[Record | Reject]:
        data = _payload(comment)
        fullname = f"{data.get('kind', 't1')}_{data.get('id')}"  # kind: one PRAW does not know (_payload)
        if fullname in self._seen:  # read by another path of this read (its thread, a brand subreddit)
            self._counts["duplicates"] += 1
            return
        problem = self._problem(data, "t1")
        if problem:
            if data.get("id") not in (None, ""):  # quarantined once, whichever paths of the read find it
                self._seen.add(fullname)
            yield self._reject(problem, data)
            return
        created = _created(data)
        if not (window.start.timestamp() <= created < window.end.timestamp()):  # a thread's: a listing's are
            self._threads["outside_window"] += 1  # filtered (and counted) by _listing
            return
        body = data["body"]
        gone = _gone(body)
        if gone:
            self._seen.add(fullname)
            self._skipped[gone] += 1
            return
        if data.get("author") == AUTOMODERATOR:  # a subreddit's bot: rules, reminders, "I am a bot" (no mention)
            self._seen.add(fullname)
            self._counts["automoderator"] += 1
            return
        if alias_filter and not self.matcher.matches(body):
            self._not_about_brand(fullname)
            return
        if fullname in self._unrelated:  # a brand subreddit's listing read it first; a thread keeps every comment
            self._unrelated.discard(fullname)
            self._counts["duplicates"] += 1
        self._seen.add(fullname)
        link = str(data.get("link_id") or "")
        try:
            item = self.record(
                fullname,
                "mention",
                body,
                datetime.fromtimestamp(created, UTC),
                channel=self._channel(data),
                author_hash=self._author(data),
                url=self._url(data, f"/comments/{link.removeprefix('t3_')}/_/{data['id']}/"),
                engagement=max(0, _count(data.get("score"))),
            )
        except Rejected as exc:  # a value out of range: this comment, not the whole source
            yield self._reject(str(exc), data)
            return
        self._note_newest(created)
        yield item
