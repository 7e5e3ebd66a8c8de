"""``brandpulse.yaml``: what to monitor, where to read it from, and where alerts go.

The file is validated with pydantic. Every error names the file, the field path and the problem, e.g.::

    brandpulse.yaml: brands[0].sources[1].columns.text: Field required

Relative paths in the file are relative to the file's own folder. Secrets never live in the file: fields that
need one name an environment variable (``*_env``) or an Airflow connection id instead.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.config_surveys import SCORE_FIELDS, SurveysSpec, check_format
from pipeline.config_types import Delimiter, Float, Int, NonEmpty, Slug, TextEncoding, _Strict, iana_zone
from pipeline.paths import REPO_ROOT

DEFAULT_CONFIG = "brandpulse.yaml"


class ConfigError(ValueError):
    """A problem with the configuration, worded for the person who edits the file."""


# A search term (alias, exclude, competitor): surrounding spaces dropped, and something left, so that a term of
# spaces alone cannot become a pattern that matches every text.
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FileDropColumnsSpec(_Strict):
    """Which column of the export holds each field. Only ``native_id``, ``text`` and ``created_at`` are required."""

    native_id: NonEmpty
    text: NonEmpty
    created_at: NonEmpty
    title: str | None = None
    author: str | None = None
    url: str | None = None
    rating: str | None = None
    language: str | None = None
    platform: str | None = None
    channel: str | None = None
    engagement: list[NonEmpty] = Field(default_factory=list, description="columns summed into one engagement count")


class FileDropSpec(_Strict):
    """CSV or JSONL exports of mentions or reviews dropped into a folder."""

    type: Literal["file_drop"]
    name: Slug
    path: NonEmpty = Field(description="a file or a glob, relative to the config file")
    format: Literal["auto", "csv", "jsonl"] = "auto"
    delimiter: Delimiter = Field("auto", description="a CSV's delimiter; auto: from each file's header line")
    encoding: TextEncoding = Field("utf-8", description="a CSV's text encoding (a Python codec: cp1250, cp1252)")
    kind: Literal["mention", "review"] = "mention"
    platform: str | None = Field(None, description="platform to record when no platform column is mapped")
    lookback_days: Int = Field(1, ge=0, le=31, description="also re-read this many earlier days, for late rows")
    platforms: list[NonEmpty] = Field(
        default_factory=list,
        description="keep only rows of these platforms (e.g. when Reddit is read directly); empty = all",
    )
    columns: FileDropColumnsSpec
    timestamp_format: NonEmpty | None = Field(
        None, description="strptime format of created_at, tried before ISO-8601 (a Dutch export's '%d-%m-%Y %H:%M')"
    )
    timezone: NonEmpty | None = Field(
        None, description="IANA zone a created_at without an offset is read in (a local export's times); default UTC"
    )

    @field_validator("timestamp_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return check_format(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str | None) -> str | None:
        return None if name is None else iana_zone(name)


HttpUrl = Annotated[str, Field(pattern=r"^https?://[^\s/?#]+[^\s]*$", description="http:// or https:// and a host")]


class _NetworkSpec(_Strict):
    """What every network source shares: look-back, timeouts and retries."""

    name: Slug
    lookback_days: Int = Field(1, ge=0, le=31, description="also re-read this many earlier days, for late items")
    timeout_s: Float = Field(30, gt=0, le=600, description="per connect and per read of an HTTP request")
    retries: Int = Field(5, ge=0, le=20, description="retries of a 429, 5xx or timeout, with exponential backoff")
    deadline_s: Float = Field(
        1800,
        gt=0,
        le=86_400,
        description="the most one read of this source may take, every request and retry together (a server that "
        "trickles bytes never trips timeout_s); past it the source fails and the run goes on without it",
    )
    max_items: Int = Field(1000, ge=1, le=100_000, description="items read per listing before the window is cut")


_SUB = r"(?:[A-Za-z0-9_]{2,21}|u_[A-Za-z0-9_-]{3,20})"  # Reddit's names (r/de has two letters), a user's (u_name)
SUBREDDIT = re.compile(rf"{_SUB}(?:\+{_SUB})*|(?:all|popular)(?:-[A-Za-z0-9_]{{2,21}})+")  # several joined by +
# read as one (PRAW's multi-subreddit); all-pics-funny: all of Reddit but pics and funny


def _subreddit(value: str) -> str:
    """A subreddit's name as PRAW takes it: ``r/Polska``, ``/r/Polska/`` and ``Polska`` are ``Polska``."""
    name = value.strip().removeprefix("/").removeprefix("r/").removesuffix("/")
    if not SUBREDDIT.fullmatch(name):
        raise ValueError(
            f"{value[:80]!r} is not a subreddit name (2-21 letters, digits or _, as in 'r/Polska' or 'Polska'; a "
            "user's u_name; several joined by +; all-pics-funny for all but pics and funny)"
        )
    return name


Subreddit = Annotated[str, AfterValidator(_subreddit)]


class RedditSpec(_NetworkSpec):
    """Reddit through PRAW: alias searches sorted new, comments of matched posts, new comments in brand subreddits."""

    type: Literal["reddit"]
    subreddits: list[Subreddit] = Field(default_factory=list, description="search only these; empty = all of Reddit")
    brand_subreddits: list[Subreddit] = Field(
        default_factory=list, description="subreddits whose new comments are read and filtered by alias"
    )
    comments: bool = Field(True, description="also take the comments of matched posts")
    comment_depth: Int = Field(3, ge=0, le=10, description="reply levels read below a matched post")
    comment_limit: Int = Field(200, ge=0, le=5000, description="comments read per matched post")
    follow_days: Int = Field(
        3,
        ge=0,
        le=31,
        description="re-read the threads of posts matched up to this many days before the window, for their new "
        "comments (0: only the threads of posts in the window)",
    )
    praw_site: str | None = Field(None, description="praw.ini site with the credentials")
    airflow_conn_id: ConnId | None = Field(None, description="Airflow connection: login=client id, password=secret")


class AppStoreSpec(_NetworkSpec):
    """Apple App Store customer reviews from the public RSS JSON feed (at most 10 pages of 50 per country)."""

    type: Literal["app_store"]
    app_id: Annotated[str, Field(pattern=r"^[0-9]{5,12}$")]
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["us"], min_length=1)
    max_pages: Int = Field(10, ge=1, le=10)
    base_url: HttpUrl = Field("https://itunes.apple.com", description="overridden by $BRANDPULSE_APPSTORE_URL")

    @field_validator("app_id", mode="before")
    @classmethod
    def _digits(cls, value):
        """Apple's id unquoted in the YAML is a number: taken as its digits."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class GooglePlaySpec(_NetworkSpec):
    """Google Play reviews through google-play-scraper, newest first, de-duplicated by review id."""

    type: Literal["google_play"]
    app_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")]
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "en"
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["us"], min_length=1)
    base_url: HttpUrl = Field("https://play.google.com", description="overridden by $BRANDPULSE_GOOGLE_PLAY_URL")


class HackerNewsSpec(_NetworkSpec):
    """Hacker News stories and comments that match the aliases, from the Algolia search API."""

    type: Literal["hackernews"]
    tags: list[Literal["story", "comment"]] = Field(default_factory=lambda: ["story", "comment"], min_length=1)
    base_url: HttpUrl = Field("https://hn.algolia.com", description="overridden by $BRANDPULSE_HN_URL")


Source = Annotated[
    FileDropSpec | RedditSpec | AppStoreSpec | GooglePlaySpec | HackerNewsSpec, Field(discriminator="type")
]


class AspectSpec(_Strict):
    """A driver of sentiment, defined by a short description in any language (matched by meaning, not words)."""

    name: NonEmpty
    description: NonEmpty

    @field_validator("description")
    @classmethod
    def _has_words(cls, value: str) -> str:
        # matched by meaning: a description of punctuation alone ("-", "?") means nothing, and its vector sits close
        # to every text, so it took the mentions no described aspect was close enough to (weather, football)
        if not any(ch.isalpha() for ch in value):
            raise ValueError(f"{value!r} has no word; describe the aspect in words (it is matched by meaning)")
        return value


# The default aspects: what brand and CX teams ask about first. A brand may configure its own (see README).
DEFAULT_ASPECTS = [
    AspectSpec(
        name="delivery", description="delivery and shipping: the parcel, the courier, tracking, late or lost packages"
    ),
    AspectSpec(
        name="support", description="customer support: the helpline, live chat, agents, waiting on hold, no reply"
    ),
    AspectSpec(name="app", description="the app or website: crashes, bugs, login problems, updates, checkout errors"),
    AspectSpec(
        name="price/billing", description="prices and billing: fees, charges, invoices, charged twice, too expensive"
    ),
    AspectSpec(name="refund", description="refunds and returns: money back, returning an item, compensation"),
    AspectSpec(name="quality", description="product quality: broken, damaged, poor quality, does not work as promised"),
    AspectSpec(
        name="account/security",
        description="account and security: password, locked account, fraud, hacked, verification",
    ),
]


TimeZone = Annotated[str, Field(min_length=1)]


# Latin letters that NFKD does not take apart into a letter and an accent
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae",
                               "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th"})  # fmt: skip


def _dashed(text: str) -> str:
    """``text`` (lower case) with each run of characters other than a-z and 0-9 as one '-', at most 63 long."""
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:63]


class BrandSpec(_Strict):
    name: NonEmpty
    timezone: TimeZone | None = Field(
        None, description="IANA zone of the brand's audience: hourly alerts give their window in it too (else UTC only)"
    )
    slug: Slug | None = Field(None, description="short id used in file names; derived from the name by default")
    aliases: list[Term] = Field(default_factory=list)
    exclude: list[Term] = Field(default_factory=list, description="terms that mark a mention as not about the brand")
    competitors: list[Term] = Field(default_factory=list)
    case_sensitive: bool = False
    sensitivity: Literal["low", "normal", "high"] = Field(
        "normal", description="spike detector preset: low = fewer, larger alerts; high = more, earlier alerts"
    )
    min_volume: Int | None = Field(
        None, ge=1, description="scored mentions a day needs before it can alarm (default: the preset's)"
    )
    sources: list[Source] = Field(min_length=1)
    aspects: list[AspectSpec] | None = Field(
        None, description="the drivers the report looks for in negative mentions (default: the top-level aspects)"
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str | None) -> str | None:
        return None if name is None else iana_zone(name)

    @field_validator("aliases", "exclude", "competitors")
    @classmethod
    def _terms_have_a_word(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not any(ch.isalnum() for ch in term):
                raise ValueError(f"{term!r} has no letter or digit: it would match nearly any text")
        return terms

    @model_validator(mode="after")
    def _unique_sources(self) -> BrandSpec:
        seen = set()
        for i, src in enumerate(self.sources):
            if src.name in seen:
                raise ValueError(f"sources[{i}].name {src.name!r} is used twice in this brand")
            seen.add(src.name)
        return self

    @model_validator(mode="after")
    def _has_an_id(self) -> BrandSpec:
        if not self.key:
            raise ValueError(
                f"the name {self.name!r} has no Latin letter or digit to make the brand's id from: set slug (e.g. "
                "slug: pyaterochka), the id used in tables, file names and report pages (a warehouse an earlier "
                "version filled holds such a brand as 'brand': slug: brand keeps it)"
            )
        return self

    @property
    def key(self) -> str:
        """The brand's short id: ``slug`` if given, else the name in Latin letters (accents dropped: "Żabka" is
        ``zabka``, "Łódź" ``lodz``), lower-cased, with anything else as '-'. (Earlier versions dropped accented
        letters, so "Żabka" was ``abka``: set ``slug: abka`` to keep such an id in a warehouse that has it.)"""
        if self.slug:
            return self.slug
        latin = unicodedata.normalize("NFKD", self.name.lower().translate(_UNDECOMPOSED))
        return _dashed(latin.encode("ascii", "ignore").decode())

    @property
    def earlier_key(self) -> str:
        """The id earlier versions derived from the name (accented letters dropped, "brand" for a name without a
        Latin letter): :func:`pipeline.staging.check_brand_ids` finds a warehouse that holds a brand under it."""
        return self.slug or _dashed(self.name.lower()) or "brand"


def report_page(key: str) -> str:
    """The file name of a brand's page in the HTML report (and the link an alert gives to it): ``<id>.html``, but
    ``_index.html`` for a brand whose id is ``index`` (a brand named "Index"), whose page ``index.html`` would be
    the report's index of all brands: no brand id starts with "_", so no other brand's page takes that name."""
    return f"_{key}.html" if key == "index" else f"{key}.html"


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_EMAIL = r"^[\x21-\x3f\x41-\x7e]+@[\x21-\x3f\x41-\x7e]+$"  # ASCII: smtplib sends no SMTPUTF8 address
# An Airflow connection id (letters, digits, _ . -): a URL pasted here (a webhook's, whose path is its token) is
# refused without being echoed, instead of being named in the "connection is not defined" error of every send.
ConnId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,250}$")]


def _clock(value: str) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"must be a time of day as HH:MM (00:00 to 23:59), got {value!r}")
    return time.fromisoformat(value)


def _shown_by_clocks(naive: datetime, zone: ZoneInfo, fold: int) -> bool:
    """Whether the clocks of ``zone`` ever show ``naive`` (not inside the hour skipped when they go forward)."""
    return naive.replace(tzinfo=zone, fold=fold).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _first_shown(naive: datetime, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) the clocks of ``zone`` show ``naive``: in the hour they repeat when they go back, its
    first showing; in the hour they skip when they go forward, the first time they show after it (02:30 is 03:00)."""
    while not _shown_by_clocks(naive, zone, 0):
        naive += timedelta(minutes=1)
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


class QuietHoursSpec(_Strict):
    """Hours when a channel gets no alerts: they are held, and the first send_alerts run after the hours end
    sends the channel one digest listing them. ``start`` and ``end`` are local times in ``timezone``; a range
    that wraps midnight (20:00-08:00) is the night."""

    start: str = Field(description="HH:MM, local: the quiet hours begin")
    end: str = Field(description="HH:MM, local: the quiet hours end (before start: the next morning)")
    timezone: TimeZone = Field("UTC", description="IANA zone the times are in, e.g. Europe/Warsaw")
    except_critical: bool = Field(True, description="critical alerts are sent at once, quiet hours or not")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if isinstance(value, _Sexagesimal):  # YAML 1.1 reads an unquoted 20:00 as the base-60 number 1200
            if 0 <= value < 24 * 60:
                raise ValueError(f"write the time in quotes ('{value // 60:02d}:{value % 60:02d}'): unquoted, YAML "
                                 f"reads it as the number {value}")  # fmt: skip
            value = value.text  # 24:00, 20:00:00: named as written, not as the number YAML made of it
        _clock(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return iana_zone(name)

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHoursSpec:
        if self.start == self.end:
            raise ValueError(f"start and end are both {self.start}: quiet hours need a start and a different end")
        return self

    def until(self, now: datetime) -> datetime | None:
        """When the quiet hours holding ``now`` (aware) end, in UTC; None when ``now`` is outside them. They last from
        the first time the clocks show ``start`` to the first time after it they show ``end`` (:func:`_first_shown`),
        so the night the clocks go back, each of the two is one instant, not one a showing: a 02:30 start is quiet
        from the first 02:30, the repeated minutes before it (the second 02:10) too, and a 02:30 end is over at the
        first 02:30, not quiet again at the second 02:15 (either had a gap: loud, then quiet again); the night they go
        forward, a time inside the skipped hour is the first time the clocks show after it (03:00 new time), not that
        time read in the old offset (03:30)."""
        zone = ZoneInfo(self.timezone)
        start, end = _clock(self.start), _clock(self.end)
        today = now.astimezone(zone).date()
        ends = []
        for day in (today - timedelta(days=1), today):  # the hours begun yesterday (across midnight) or today
            begins = _first_shown(datetime.combine(day, start), zone)
            ending = _first_shown(datetime.combine(day + timedelta(days=end < start), end), zone)
            if begins <= now < ending:
                ends.append(ending)
        return max(ends, default=None)


class _Channel(_Strict):
    quiet_hours: QuietHoursSpec | None = Field(
        None, description="hold this channel's alerts in these hours; a digest when they end"
    )


class SlackSpec(_Channel):
    type: Literal["slack"]
    name: Slug
    webhook_url_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    airflow_conn_id: ConnId | None = None
    bot_token_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = Field(
        None, description="environment variable with a bot token (xoxb-...): post with the Web API, update in place"
    )
    channel: NonEmpty | None = Field(None, description="with bot_token_env: the channel to post in (an id or #name)")

    @model_validator(mode="after")
    def _bot_needs_channel(self) -> SlackSpec:
        if not (self.webhook_url_env or self.airflow_conn_id or self.bot_token_env):
            raise ValueError(
                "nowhere to read the Slack secret from: set webhook_url_env or airflow_conn_id (an incoming "
                "webhook), or bot_token_env and channel (a bot)"
            )
        if self.bot_token_env and (self.webhook_url_env or self.airflow_conn_id):
            raise ValueError(
                "bot_token_env posts with the Web API: leave out webhook_url_env and airflow_conn_id (one or the other)"
            )
        if self.bot_token_env and not self.channel:
            raise ValueError("bot_token_env needs channel (the Slack channel the bot posts in)")
        if self.channel and not self.bot_token_env:
            raise ValueError("channel is used only with bot_token_env (an incoming webhook posts to its own channel)")
        return self


class WebhookSpec(_Channel):
    type: Literal["webhook"]
    name: Slug
    url_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    airflow_conn_id: ConnId | None = None

    @model_validator(mode="after")
    def _has_a_url(self) -> WebhookSpec:
        if not (self.url_env or self.airflow_conn_id):
            raise ValueError("nowhere to read the webhook URL from: set url_env or airflow_conn_id")
        return self


class EmailSpec(_Channel):
    type: Literal["email"]
    name: Slug
    to: list[Annotated[str, Field(pattern=_EMAIL)]] = Field(min_length=1)
    sender: Annotated[str, Field(pattern=_EMAIL)]
    smtp_host: NonEmpty
    smtp_port: Int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    password_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None

    @field_validator("to")
    @classmethod
    def _each_once(cls, to: list[str]) -> list[str]:
        """An address listed twice, in any case (``cx@`` and ``CX@``), is one recipient as first written: mail
        servers deliver both spellings to one mailbox (two copies), and what an alert still owes is compared so."""
        first: dict[str, str] = {}
        for address in to:
            first.setdefault(address.casefold(), address)
        return list(first.values())

    @field_validator("smtp_host")
    @classmethod
    def _host_alone(cls, host: str) -> str:
        host = host.strip()
        if "/" in host or "@" in host or host.count(":") == 1 or any(c.isspace() for c in host):
            raise ValueError(
                "a host name or IP address alone (smtp.example.com): no scheme, port (that is smtp_port), path or login"
            )
        try:  # as the connection looks it up: 'a..b' raised UnicodeError out of every send
            host.encode("idna")
        except UnicodeError:
            raise ValueError(
                "not a host name: a part between dots is empty, longer than 63 characters or holds a character no "
                "host name can (smtp.example.com)"
            ) from None
        return host


AlertChannel = Annotated[SlackSpec | WebhookSpec | EmailSpec, Field(discriminator="type")]


class AlertingSpec(_Strict):
    """When an incident alerts again, which nights may alert at all, and how long delivering may take."""

    cooldown_days: Int = Field(
        3, ge=0, le=60, description="a spike within this many days of the last one belongs to the same incident"
    )
    worsen_ratio: Float = Field(
        1.5, gt=1, description="an ongoing incident alerts again at this multiple of its last alerted negatives"
    )
    max_age_days: Int = Field(
        3,
        ge=0,
        le=100_000,
        description="nights older than this (backfills) record their alerts but do not send them; an alert is sent"
        " automatically only this many days after its day (a channel added later does not get older ones)",
    )
    report_url: HttpUrl | None = Field(None, description="base URL where the HTML reports are published, for links")
    delivery_deadline_s: Float = Field(
        20,
        gt=0,
        le=600,
        description="one delivery attempt in all (connect, send, retries, the whole answer); a miss fails it",
    )
    step_budget_s: Float = Field(
        120,
        gt=0,
        le=3600,
        description="the send_alerts step in all; channels left when it runs out fail and are retried next run",
    )


def watch_interval(minutes: int) -> int:
    """``minutes`` if it is a valid watch interval (lines up with the hour and divides a day), else ValueError."""
    if minutes < 15 or (minutes not in (15, 20, 30) and (minutes % 60 or 1440 % minutes)):  # < 15: 0 divided
        raise ValueError(
            f"must divide a day into intervals that line up with the hour (15, 20, 30, 60, 120, 180, ...); "
            f"got {minutes}"
        )
    return minutes


def watch_run_timeout(minutes: int) -> timedelta:
    """The longest a watch run of the DAG with a ``minutes`` interval may take: the interval less 5 minutes, at
    least 10 (its ``dagrun_timeout``, so a slow run ends before the next starts). A run still ``running`` past it is
    dead, its ``finish`` never run: the next watch run or the night marks it interrupted
    (:func:`pipeline.ledger.abandon_watch_runs`)."""
    return timedelta(minutes=max(minutes - 5, 10))


def env_minutes(name: str, default: int, least: int = 0) -> int:
    """Whole minutes from the environment variable ``name`` (``default`` when unset or blank, as
    :func:`env_value` reads it: a ``.env`` template's ``NAME=`` left empty), at least ``least``, or a ValueError
    that names the variable: the DAG files' settings read when they are parsed."""
    raw = env_value(name)
    if raw is None:
        return default
    if not raw.isdecimal() or int(raw) < least:
        raise ValueError(f"{name}: {raw!r} is not a whole number of minutes" + (f", {least} or more" if least else ""))
    return int(raw)


class WatchSpec(_Strict):
    """The hourly watch (``brandpulse_watch``, ``brandpulse watch``): same-day alerts from the network sources."""

    enabled: bool = Field(False, description="run the watch at all (the DAG's runs skip, and say so, when false)")
    interval_minutes: Int = Field(
        60, ge=15, le=1440, description="the interval each watch run reads: 15, 20 or 30, or whole hours dividing a day"
    )
    overlap_minutes: Int = Field(
        15, ge=0, le=360, description="also re-read this many minutes before the interval, for late items"
    )

    @field_validator("interval_minutes")
    @classmethod
    def _divides_a_day(cls, minutes: int) -> int:
        return watch_interval(minutes)


class ScoringSpec(_Strict):
    model_dir: NonEmpty = "models/brandpulse-sentiment"
    batch_size: Int = Field(64, ge=1, le=4096)
    threads: Int = Field(0, ge=0, le=256, description="torch intra-op threads; 0 = torch's default")
    max_length: Int = Field(128, ge=16, le=512)
    precision: Literal["fp32", "bf16", "int8"] = Field(
        "fp32",
        description="bf16: bfloat16 weights on a CPU with native bfloat16 (else fp32), about 1.5x faster, 99.9% "
        "of labels agree; int8: model.int8.onnx in ONNX Runtime (see the README's measured figures)",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="cuda: fp16 on the GPU with large batches; auto: cuda where torch sees a GPU, else cpu"
    )
    shard_size: Int = Field(
        50_000, ge=1, description="texts per mapped score task of the Airflow night (one worker scores one shard)"
    )

    @model_validator(mode="after")
    def _int8_on_the_cpu(self) -> ScoringSpec:
        if self.precision == "int8" and self.device == "cuda":  # it ran on the CPU, saying nothing
            raise ValueError("precision int8 runs in ONNX Runtime on the CPU: set device to cpu or auto")
        return self


class PseudonymisationSpec(_Strict):
    key_env: Annotated[str, Field(pattern=_ENV_NAME)] = "BRANDPULSE_AUTHOR_KEY"


class Config(_Strict):
    brands: list[BrandSpec] = Field(min_length=1)
    alerts: list[AlertChannel] = Field(default_factory=list)
    alerting: AlertingSpec = AlertingSpec()
    surveys: SurveysSpec | None = Field(None, description="survey exports and customer records (see README)")
    report_dir: NonEmpty = Field("data/reports", description="where the nightly HTML reports are written")
    staging_dir: NonEmpty = Field(
        "data/staging", description="a folder, or an object store URL (s3://bucket/prefix): see pipeline/storage.py"
    )
    staging_conn_id: ConnId | None = Field(None, description="the Airflow connection of a staging URL's store")
    staging_options: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="fsspec options of a staging URL's store, e.g. endpoint_url; no secrets"
    )
    scoring: ScoringSpec = ScoringSpec()
    watch: WatchSpec = WatchSpec()
    aspects: list[AspectSpec] = Field(
        default_factory=lambda: list(DEFAULT_ASPECTS), description="default drivers for every brand", min_length=1
    )
    pseudonymisation: PseudonymisationSpec = PseudonymisationSpec()
    lock_timeout_s: Float = Field(
        600, gt=0, le=3600, description="how long a writer waits for the warehouse lock (at most an hour)"
    )

    # Where the file was read from; relative paths resolve against its folder.
    source_file: Path = Field(default=Path(DEFAULT_CONFIG), exclude=True)

    @field_validator("brands")
    @classmethod
    def _unique_brands(cls, brands: list[BrandSpec]) -> list[BrandSpec]:
        seen: dict[str, int] = {}
        for i, brand in enumerate(brands):
            if brand.key in seen:
                raise ValueError(
                    f"brands[{i}] {brand.name!r} has the same id {brand.key!r} as brands[{seen[brand.key]}]"
                )
            seen[brand.key] = i
        return brands

    @field_validator("report_dir")
    @classmethod
    def _a_local_folder(cls, value: str) -> str:
        # the report is written with the local file system: s3://bucket/reports was the folder "s3:" beside the
        # config file, unsaid (only staging_dir takes a store's URL)
        if "://" in value:
            raise ValueError(
                "must be a local folder, not a URL (only staging_dir takes an object store's URL): write the reports "
                "to a folder, publish it, and set alerting.report_url to where it is served"
            )
        return value

    @model_validator(mode="after")
    def _staging_store(self) -> Config:
        if self.staging_conn_id and self.staging_options:
            # Airflow builds a connection's filesystem from the connection alone: options here would be dropped
            raise ValueError(
                "staging_options: set either staging_conn_id or staging_options, not both (with a connection, put "
                "options such as endpoint_url in the connection's extra)"
            )
        if (self.staging_conn_id or self.staging_options) and "://" not in self.staging_dir:
            raise ValueError("staging_dir: staging_conn_id and staging_options need a URL here (s3://bucket/prefix)")
        return self

    @model_validator(mode="after")
    def _unique_aspects(self) -> Config:
        for where, aspects in [("aspects", self.aspects)] + [
            (f"brands[{i}].aspects", b.aspects or []) for i, b in enumerate(self.brands)
        ]:
            names = [a.name for a in aspects]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{where}: aspect names must be unique; repeated: {', '.join(dupes)}")
            # one description, one vector: every mention would match the first of its aspects, the others none
            first: dict[str, str] = {}
            for a in aspects:
                same = first.setdefault(" ".join(a.description.split()), a.name)
                if same != a.name:
                    raise ValueError(
                        f"{where}: aspects {same!r} and {a.name!r} have the same description: {a.name!r} would "
                        f"never be matched (the first aspect takes every mention); describe each differently"
                    )
        return self

    def aspects_of(self, brand: BrandSpec) -> dict[str, str]:
        """The brand's aspects as {name: description}: its own, else the top-level ones."""
        return {a.name: a.description for a in (brand.aspects or self.aspects)}

    @model_validator(mode="after")
    def _unique_channels(self) -> Config:
        names = [c.name for c in self.alerts]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(
                    f"alerts[{i}].name: {name!r} is alerts[{names.index(name)}]'s name too; channel names must be "
                    "unique (deliveries are recorded by name)"
                )
        return self

    @model_validator(mode="after")
    def _quiet_hours_end_before_a_send(self) -> Config:
        """Held alerts go out with the first send after the quiet hours end. The sends are the night's, at about
        02:00 UTC, and the watch's runs, every ``watch.interval_minutes`` from 00:00 UTC: quiet hours over any of
        the night's and every run of the watch, in winter or in summer (a zone's clocks move against UTC), would
        hold every alert for good. Without the watch the night's are the only sends; a watch of a 12- or 24-hour
        interval runs twice or once a day. A watch with no network source to read sends nothing either: its runs
        are skipped."""
        watched = self.watch.enabled and any(s.type != "file_drop" for b in self.brands for s in b.sources)
        step = self.watch.interval_minutes
        for i, channel in enumerate(self.alerts):
            qh = channel.quiet_hours
            if qh is None:
                continue
            for month in (1, 7):
                midnight = datetime(2026, month, 15, tzinfo=UTC)
                # every minute of the sends' two hours (02:35-03:25 UTC slipped between samples)
                night = [midnight + timedelta(hours=2, minutes=m) for m in range(120)]
                runs = [midnight + timedelta(minutes=m) for m in range(0, 1440, step)] if watched else []
                if not any(qh.until(t) is not None for t in night) or any(qh.until(t) is None for t in runs):
                    continue
                why, fix = "watch.enabled is false", "Enable the watch"
                if watched:  # its runs are too far apart: each falls within the quiet hours
                    times = ", ".join(f"{t:%H:%M}" for t in runs)
                    why = f"every run of the watch ({times} UTC in {midnight:%B}) falls within them too"
                    fix = "Shorten watch.interval_minutes"
                elif self.watch.enabled:  # its runs are skipped: "no network source is configured"
                    why = "no brand has a network source for the watch to read (its runs are skipped)"
                    fix = "Give the watch a network source"
                raise ValueError(
                    f"alerts[{i}].quiet_hours: {qh.start}-{qh.end} {qh.timezone} cover the nightly run's sends "
                    f"(about 02:00-04:00 UTC), and {why}: nothing would send the held alerts when the hours end. "
                    f"{fix} (its runs send the digest when they end), or end the quiet hours before 02:00 UTC"
                )
        return self

    @model_validator(mode="after")
    def _survey_brands_exist(self) -> Config:
        if self.surveys is None:
            return self
        known = {b.key for b in self.brands}
        for section in ("sources", "customers"):
            for i, src in enumerate(getattr(self.surveys, section)):
                if src.brand is not None and src.brand not in known:
                    raise ValueError(
                        f"surveys.{section}[{i}].brand: {src.brand!r} is not a configured brand id "
                        f"(known: {', '.join(sorted(known))})"
                    )
        return self

    @model_validator(mode="after")
    def _one_source_per_file(self) -> Config:
        """Two sources whose paths are the same file or glob (another spelling of it: ``./q.csv``, an absolute path,
        a symlinked folder) import each row twice: a survey's answers count once per source in NPS, CSAT and CES
        (they are keyed by source and response id), a file drop's mentions and quarantined rows are stored once per
        source. Allowed where each reads its own part: survey sources reading other sheets of one workbook or each its
        own columns (no nps, csat, ces or comment column in common, the preset's included), file
        drops each keeping only its own ``platforms`` (none in common). File drops are compared within a brand: two
        brands' are not counted twice in either brand's figures."""
        surveys = self.surveys.sources if self.surveys else []
        readers = [(("surveys", "sources", i, "path"), s) for i, s in enumerate(surveys)]
        readers += [
            (("brands", b, "sources", i, "path"), s)
            for b, brand in enumerate(self.brands)
            for i, s in enumerate(brand.sources)
            if s.type == "file_drop"
        ]
        seen: dict[tuple, list[tuple]] = {}
        for where, spec in readers:
            file = os.path.realpath(self.resolve(spec.path))
            for other, earlier in seen.setdefault((*where[:2], file), []):
                if isinstance(spec, FileDropSpec):
                    mine, theirs = ({p.casefold() for p in s.platforms} for s in (spec, earlier))
                    if mine and theirs and not mine & theirs:
                        continue
                    instead = "give each its own platforms (none in common)"
                else:  # a score or comment both read from one column counts twice; each its own columns do not
                    if spec.sheet != earlier.sheet or not any(
                        _one_column(spec.candidates(f), earlier.candidates(f)) for f in (*SCORE_FIELDS, "comment")
                    ):
                        continue
                    instead = "map each its own score and comment columns (for a workbook, give each its own sheet)"
                raise ValueError(
                    f"{field_path(where)}: {spec.path!r} is the same file as {field_path(other)} ({file}): each of "
                    f"its rows would be imported twice and counted once per source; remove one of the two, or "
                    f"{instead}"
                )
            seen[(*where[:2], file)].append((where, spec))
        return self

    def resolve(self, path: str | Path) -> Path:
        """A path from the file, made absolute against the config file's folder (its links resolved as far as they
        go: a link in a loop, ``a -> b -> a``, is left as it is, to match no file, where ``Path.resolve`` raised
        RuntimeError out of every command that read the config)."""
        p = Path(path)
        return p if p.is_absolute() else Path(os.path.realpath(self.source_file.parent / p))

    def brand(self, key: str) -> BrandSpec:
        for b in self.brands:
            if b.key == key:
                return b
        raise ConfigError(
            f"{self.source_file}: no brand with id {key!r} (known: {', '.join(b.key for b in self.brands)})"
        )

    @property
    def model_dir(self) -> Path:
        p = Path(self.scoring.model_dir)
        if p.is_absolute():
            return p
        local = self.resolve(p)
        return local if local.exists() else REPO_ROOT / p


def _one_column(mine: tuple, theirs: tuple) -> bool:
    """Whether two survey sources' header candidates for a field may name one column of a file: an exact header both
    name, a preset's pattern that matches the other's exact header (typeform's ``recommend`` and a column mapped
    as "How likely are you to recommend Acme?"), or two patterns (which headers they take the file decides)."""
    for a in mine:
        for b in theirs:
            if a == b or (isinstance(a, re.Pattern) and isinstance(b, re.Pattern)):
                return True
            pattern, header = (a, b) if isinstance(a, re.Pattern) else (b, a)
            if isinstance(pattern, re.Pattern) and pattern.search(header[:1_000]):  # as the import's MAX_HEADER_MATCH
                return True
    return False


_PATH_KEY = re.compile(r"^path$|_dir$")  # the settings that name a file, a glob or a folder
_SCALARS = {"str", "int", "float", "bool"}  # the members of a union of scalars, which pydantic puts in the path
_UNKNOWN_FIELD = "unknown field (check the spelling; see the README's configuration reference)"
_SECRET_KEYS = re.compile(r"(password|secret|token|webhook_url|^url|api_key)$", re.IGNORECASE)


# Each pattern's rule in words, for its errors (pydantic says "String should match pattern '^[a-z]{2}$'")
_PATTERN_WORDS = {
    HttpUrl.__metadata__[0].metadata[0].pattern: "must be an http:// or https:// URL with a host",
    r"^[0-9]{5,12}$": "must be the app's numeric id (5-12 digits, the number in its App Store link)",
    r"^[a-z]{2}$": "must be a two-letter code in lowercase (us, pl, nl)",
    r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$": "must be the app's package name (com.example.app, the id= of its link)",
    r"^[A-Za-z0-9_.\-]{1,250}$": "must be an Airflow connection id (letters, digits, _ . -), not a URL",
    _ENV_NAME: "must be the name of an environment variable (letters, digits and _, not starting with a digit), "
    "not its value",
    _EMAIL: "must be an e-mail address in ASCII (name@example.com; a domain of other letters in its xn-- form)",
    Slug.__metadata__[0].metadata[0].pattern: "must be an id of lowercase letters, digits, _ and - (up to 63), "
    "starting with a letter or digit",
}
# "alerts[1].name: ..." from a check of the whole config: the field is named first
_FIELD_FIRST = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.DOTALL)


def _members(annotation) -> list:
    """What a field's ``annotation`` may hold, with ``Annotated``, ``| None`` and unions taken apart."""
    if typing.get_origin(annotation) is Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _unknown_field(loc: tuple) -> str:
    """:data:`_UNKNOWN_FIELD` for the key at pydantic's error location ``loc``, naming the field of that model
    it is a near miss of (``cooldown_day``: ``cooldown_days``), if one is."""
    held: list = [Config]
    for p in loc[:-1]:  # the models that may sit at the key's parent, walked as pydantic walked the file
        if isinstance(p, int):
            held = [m for t in held if typing.get_origin(t) is list for m in _members(typing.get_args(t)[0])]
            continue
        models = [t for t in held if isinstance(t, type) and issubclass(t, _Strict)]
        kinds = {m: m.model_fields["type"].annotation for m in models if "type" in m.model_fields}
        tagged = [m for m, kind in kinds.items() if typing.get_args(kind) == (p,)]  # a source's or channel's type
        held = tagged or [m for t in models if p in t.model_fields for m in _members(t.model_fields[p].annotation)]
    fields = [f for t in held if isinstance(t, type) and issubclass(t, _Strict) for f in t.model_fields]
    near = difflib.get_close_matches(str(loc[-1]), [f for f in fields if f != "source_file"], n=1, cutoff=0.75)
    if not near:
        return _UNKNOWN_FIELD
    return f"unknown field (did you mean {near[0]!r}? see the README's configuration reference)"


def _unquoted(value) -> str:
    """What to add to "Input should be a valid string" when YAML made something else of a plain word: ``no``
    (Norway's country code) is false, ``2024`` (a sheet's name) a number, ``2026-10-05`` a date. Never the value
    itself (a value may be a secret pasted in the wrong place)."""
    if isinstance(value, bool):
        return (
            f": unquoted, YAML reads yes, no, on, off, true and false as booleans (this one as {str(value).lower()}); "
            "write the text in quotes ('no')"
        )
    if isinstance(value, int | float):
        return ": unquoted, YAML reads it as a number; write the text in quotes ('2024')"
    if isinstance(value, date):
        return ": unquoted, YAML reads it as a date; write the text in quotes ('2026-10-05')"
    return ""


def _input_path(loc: tuple, raw) -> tuple:
    """The fields of a pydantic error location, as the file spells them. Pydantic adds steps of its own: a
    tagged union's tag (``alerts[0].slack.url``, where ``slack`` is the channel's ``type``), a scalar union's
    member (``str``, ``int``) and a validator's name (``function-after[...]``). They are told apart from the
    file's keys by walking the file alongside, so a key the file holds keeps its place even when it is spelled
    like a tag (a survey column ``email``, a stray top-level ``slack``)."""
    out, node, tagged = [], raw, False
    for p in loc:
        if isinstance(p, str):
            own_key = isinstance(node, dict) and p in node
            tag = not tagged and isinstance(node, dict) and node.get("type") == p  # the union member tried
            tagged = tagged or tag
            if tag or p.startswith("function-") or (p in _SCALARS and not own_key):
                continue
        out.append(p)
        tagged = False
        if isinstance(node, dict):
            node = node.get(p)
        elif isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            node = node[p]
        else:
            node = None
    return tuple(out)


def field_path(parts: tuple) -> str:
    """A config field's path as errors and notes name it: ``("brands", 1, "sources", 0, "path")`` is
    ``brands[1].sources[0].path``; no parts, ``(top level)``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


# A URL with a login in it (scheme://user:password@host, or a token as the user): a secret in any field. A password
# may hold a / ? or # as written (an AWS secret key often has a /: s3://AKIA...:wJal/rXU...@bucket passed, the key
# then shown in the store's errors): user:, then anything but a port, up to an @, is a login too; and anything at
# all where the scheme is an object store's, which has no port (s3://AKIA:/wJal...@bucket, a key starting with /).
# Azure's abfs://container@account.dfs.core.windows.net is refused too: staging_dir goes through Airflow's
# ObjectStoragePath, which reads what is before the @ as a connection id (over staging_conn_id) and drops it from
# the path, so the container was lost (give az://container/prefix, the account in staging_options or the connection).
_URL_USERINFO = re.compile(
    r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s]*@"
    r"|[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:\[]*:(?!\d*(?:[/?#]|$))[^@\s]*@"
    r"|(?:s3a?|gc?s|az|abfss?|adl|wasbs?)://[^/?#@\s:\[]*:[^@\s]*@)",
    re.IGNORECASE,
)
_ENV_INSTEAD = "name an environment variable with the matching '*_env' field instead"
# fsspec's credential options (s3fs: key, secret, token; gcsfs: token; adlfs: account_key, sas_token, ...)
_STORE_SECRET_KEYS = re.compile(r"(^key$|secret|token|password|_key$|credential|sas|connection_string)", re.IGNORECASE)
_STORE_INSTEAD = (
    "give the store's credentials through the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an "
    "instance role, GOOGLE_APPLICATION_CREDENTIALS) or an Airflow connection named by staging_conn_id"
)
_NO_LOGIN = "remove the user:password@ part (a URL here is shown in alerts and logs; serve it without a login in it)"
# An ``*_env`` setting is a variable's name, which check-config, the logs and the deliveries table show; a secret
# pasted there instead (a hex author key, a Gmail app password: a long run of letters and digits, not all capitals)
# was shown in full wherever its variable was named as not set. Names are words joined by _ (SLACK_WEBHOOK_URL).
_LONG_RUN = re.compile(r"[A-Za-z0-9]{16,}")
_NAME_INSTEAD = (
    "this looks like the secret's value, not a variable's name: write the name of the environment variable that "
    "holds it (words joined by _, such as SLACK_WEBHOOK_URL) and set that variable where the night runs"
)


def _nodes(node, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    """``(path, value)`` of ``node`` and of everything under it, in document order: the one walk over a parsed
    file or a dumped config (a path is the keys and list indexes from the top; :func:`field_path` words it)."""
    yield path, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _nodes(value, (*path, key))


def _find_secrets(node) -> list[tuple[str, str]]:
    """(field path, what to do) of each value that looks like a secret written into the file: a secret-named key
    under ``alerts`` that is not an ``*_env`` reference, a credential among ``staging_options``, an ``*_env``
    setting that holds a secret's value instead of a variable's name, and any URL with credentials in it."""
    found = []
    for path, value in _nodes(node):
        key, parent = (path[-1], path[:-1]) if path else (None, ())
        named = isinstance(key, str)
        if named and _SECRET_KEYS.search(key) and not key.endswith("_env") and parent[:1] == ("alerts",):
            found.append((field_path(path), _ENV_INSTEAD))
        elif named and parent == ("staging_options",) and _STORE_SECRET_KEYS.search(key):
            found.append((field_path(path), _STORE_INSTEAD))
        elif named and key.endswith("_env") and isinstance(value, str) and _a_value(value):
            found.append((field_path(path), _NAME_INSTEAD))
        elif isinstance(value, str) and _URL_USERINFO.match(value):
            found.append((field_path(path), _NO_LOGIN))
    return found


def _a_value(text: str) -> bool:
    """Whether an ``*_env`` setting's ``text`` is a secret's value rather than a variable's name: a run of 16 or
    more letters and digits that is not all capitals."""
    return any(not run.isupper() for run in _LONG_RUN.findall(text))


def env_references(config: Config) -> list[tuple[str, str]]:
    """``(field path, variable name)`` of every ``*_env`` setting of ``config`` (defaults included), in the
    config's order: the environment variables its secrets are read from."""
    return [
        (field_path(path), value)
        for path, value in _nodes(config.model_dump())
        if path and isinstance(path[-1], str) and path[-1].endswith("_env") and isinstance(value, str)
    ]


_CONVENTIONAL_ENV = re.compile(r"[A-Z_][A-Z0-9_]*")


def env_shown(name: str | None) -> str:
    """An ``*_env`` setting's variable as messages, logs and tables name it: as written when it reads as a variable's
    name (capitals, digits and _: ``SLACK_WEBHOOK_URL``), else not at all: a short secret pasted there in its place
    (``password_env: Zomer2024wachtw``, under :func:`_a_value`'s 16 letters) was shown by ``check-config`` and
    stored in ``alert_deliveries.error`` by each failed send."""
    if name and _CONVENTIONAL_ENV.fullmatch(name):
        return name
    return "[a name not in capitals, not shown: is it the secret itself?]"


def env_value(name: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The environment variable ``name`` (in ``env``, else the process environment) without surrounding spaces, or
    None when it is unset or holds only spaces or a newline (a secret file of nothing): the one rule for "set" that
    the alert channels, ``check-config`` and the author key share."""
    value = (os.environ if env is None else env).get(name) if name else None
    return value.strip() if value and value.strip() else None


def config_path(explicit: str | Path | None = None) -> Path:
    """``--config``, else ``BRANDPULSE_CONFIG``, else ``./brandpulse.yaml``."""
    return Path(explicit or os.environ.get("BRANDPULSE_CONFIG") or DEFAULT_CONFIG)


# How deep the file may nest (it needs 7 levels: brands[].sources[].columns.engagement[]); deeper is refused as it
# is parsed, before anything recurses (libyaml's own composer crashes the process on ~50,000 open brackets).
MAX_YAML_DEPTH = 50
# How many values the file may hold once every alias is expanded: anchors and aliases are fine for sharing a
# block (PyYAML's own dumper writes them for repeated values), but nine lines of them expand to 9**9 strings.
MAX_YAML_VALUES = 100_000


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that brandpulse does not accept (a bomb of aliases, a repeated key, nesting past the bound)."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


# Events come from libyaml where PyYAML was built with it (the wheels are): a tenth of the pure-Python parser's
# time, and every Airflow task reads the file when it starts. The composer is PyYAML's own (Python), so every node
# passes through :meth:`_ConfigLoader.compose_node`, which counts the values and bounds the nesting.
try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Sexagesimal(int):
    """An int YAML 1.1 read from numbers joined by colons, in base 60 (an unquoted ``20:00`` is 1200), with its
    ``text``: a time of day written unquoted is told from a number written as one (``22``, ``800``), which is no
    time of 00:22 or 13:20 to suggest."""

    text: str


class _ConfigLoader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """The one YAML loader of brandpulse: YAML's safe subset, bounded. Refused, each with its line: more than
    :data:`MAX_YAML_VALUES` values with aliases expanded, an alias inside its own anchor, nesting deeper than
    :data:`MAX_YAML_DEPTH`, a key repeated in a mapping (the last one would silently win), and a value the safe
    constructor cannot build (``2026-02-30``)."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0
        self._values = 0  # values composed so far, each alias counted as the values it stands for
        self._size: dict[int, int] = {}  # id(node) -> values in it with aliases expanded, once it is complete

    def _count(self, values: int, mark) -> None:
        self._values += values
        if self._values > MAX_YAML_VALUES:
            raise _Refused(
                f"the file holds more than {MAX_YAML_VALUES:,} values once its aliases are expanded "
                "(a YAML bomb?); write the repeated blocks out, or use fewer aliases",
                mark,
            )

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._size:
                raise _Refused(f"alias *{event.anchor[:40]} is used inside its own anchor", event.start_mark)
            node = super().compose_node(parent, index)  # an undefined alias is PyYAML's own error
            self._count(self._size[id(node)], event.start_mark)
            return node
        if not isinstance(event, yaml.CollectionStartEvent):
            node = super().compose_node(parent, index)
            self._size[id(node)] = 1
            self._count(1, event.start_mark)
            return node
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        self._size[id(node)] = 1 + sum(self._size[id(child)] for child in children)
        self._count(1, event.start_mark)
        return node

    def construct_object(self, node, deep=False):
        octal = node.tag == "tag:yaml.org,2002:int" and re.fullmatch(r"[-+]?0[0-7_]+", node.value)
        if octal and int(node.value.replace("_", ""), 8) != int(node.value.replace("_", "")):
            # YAML 1.1's octal: smtp_port: 0465 was port 309, app_id: 01234567 the id 342391, unsaid. Named by its
            # line alone, never the value: a numeric password or PIN under alerts would be echoed (nor its octal)
            raise _Refused(
                "a number with a leading zero, which YAML reads as octal (0465 is 309): write the number without "
                "the leading zero, or in quotes if it is text",
                node.start_mark,
            )
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # the safe constructor's own errors: a date that does not exist, a bad !!timestamp
            raise _Refused(f"unreadable {node.tag.rsplit(':', 1)[-1]} value ({exc})"[:200], node.start_mark) from None

    def construct_yaml_int(self, node):
        value = super().construct_yaml_int(node)
        if ":" not in node.value:
            return value
        value = _Sexagesimal(value)
        value.text = node.value
        return value

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = key in first
                except TypeError:
                    continue  # an unhashable key: the safe constructor refuses it below
                if seen:
                    raise _Refused(
                        f"duplicate key {str(key)[:60]!r} (first given at line {first[key] + 1}); "
                        "a key may appear only once in a mapping",
                        key_node.start_mark,
                    )
                first[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


_ConfigLoader.add_constructor("tag:yaml.org,2002:int", _ConfigLoader.construct_yaml_int)


def _indent(text: str, mark) -> str:
    """The whitespace that starts ``mark``'s line in ``text``, up to ``mark``."""
    line = (text.split("\n")[mark.line : mark.line + 1] or [""])[0][: mark.column + 1]
    return line[: len(line) - len(line.lstrip(" \t"))]


def load_yaml(path: Path, text: str):
    """The document in ``text`` (read from ``path``), with :class:`_ConfigLoader`; raises :class:`ConfigError`
    naming the file, and the line and column where there is one."""
    try:
        return yaml.load(text, Loader=_ConfigLoader)
    except _Refused as exc:
        mark = exc.problem_mark
        raise ConfigError(f"{path}: line {mark.line + 1}, column {mark.column + 1}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}: "
        elif isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow: it has a position only
            line, start = text.count("\n", 0, exc.position) + 1, text.rfind("\n", 0, exc.position) + 1
            where = f"line {line}, column {exc.position - start + 1}: "
        else:
            where = ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None and "tab" not in problem and "\t" in _indent(text, mark):
            # libyaml's "found character that cannot start any token", at a tab an editor shows as spaces
            problem += " (a tab in the indentation: YAML indents with spaces only)"
        raise ConfigError(f"{path}: {where}invalid YAML: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to read") from None


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the config file; raise :class:`ConfigError` naming file, field and problem."""
    path = config_path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (set --config or BRANDPULSE_CONFIG)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:  # a folder, no permission
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or type(exc).__name__})") from None
    raw = load_yaml(path, raw_text)
    if raw is None:
        raise ConfigError(f"{path}: (top level): the file holds no settings; it needs at least a 'brands' list")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: (top level): expected a mapping with a 'brands' list, got {type(raw).__name__}")
    # {url:https://...}: with no space after the colon YAML reads the key and its value as one key, which the errors
    # below (an unknown field, a secret-named key) printed whole: named here by the key alone
    glued = next((p for p, _ in _nodes(raw) if p and isinstance(p[-1], str) and ":" in p[-1]), None)
    if glued is not None:
        key = glued[-1].split(":", 1)[0]
        raise ConfigError(f"{path}: {field_path((*glued[:-1], key))}: '{key}:' has no space after the colon, so YAML "
                          f"reads the key and its value as one key (write '{key}: value')")  # fmt: skip
    # 1: x, on: x, null: x: a key YAML reads as a number, a boolean or nothing, which pydantic named by a path that
    # is no field's ("brands[0][1]: Keys should be strings" for an 'on:' in a brand, "None: ..." for a 'null:')
    odd = next(((p, k) for p, v in _nodes(raw) if isinstance(v, dict) for k in v if not isinstance(k, str)), None)
    if odd is not None:
        where, key = odd
        shown = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
        hint = _unquoted(key) or ": unquoted, YAML reads null and ~ as no value; write the text in quotes ('null')"
        raise ConfigError(f"{path}: {field_path(where)}: the key {shown} is not text{hint}")
    secrets = _find_secrets(raw)
    if secrets:
        field, instead = secrets[0]
        raise ConfigError(f"{path}: {field}: secrets must not be written in the config file; {instead}")
    nul = next((where for where, value in _nodes(raw) if isinstance(value, str) and "\x00" in value), None)
    if nul is not None:  # YAML's "\0" or "\x00": a path holding it raised "embedded null byte" out of the step using it
        raise ConfigError(f"{path}: {field_path(nul)}: holds a NUL character (\\0 or \\x00), which no setting may hold")
    # "C:\temp\new" in double quotes is C:, a tab, emp, a newline, ew (YAML's escapes); ${X} and ~ are taken as
    # they stand: each a folder of that name beside the config file, or a path that matches no file, unsaid
    for where, value in _nodes(raw):
        if not isinstance(value, str) or not where or not isinstance(where[-1], str):
            continue
        if _PATH_KEY.search(where[-1]) and any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
            raise ConfigError(f"{path}: {field_path(where)}: holds a control character, from a backslash escape in "
                              "double quotes (\\t, \\n, \\b in \"C:\\temp\\new\"): write a Windows path in "
                              "single quotes ('C:\\temp\\new') or with / (C:/temp/new)")  # fmt: skip
        header = "columns" in where[:-1]  # a file's header as written: Qualtrics' question text holds ${e://Field/x}
        if ("${" in value and not header) or (_PATH_KEY.search(where[-1]) and re.match(r"~|\$[A-Za-z_]", value)):
            instead = (  # an *_env setting names its variable: SLACK_URL, not ${SLACK_URL} (nor the secret)
                "write the variable's name alone (SLACK_WEBHOOK_URL, not ${SLACK_WEBHOOK_URL})"
                if where[-1].endswith("_env")
                else "write the value itself"
            )
            raise ConfigError(f"{path}: {field_path(where)}: environment variables and ~ are not expanded in the "
                              f"config file (the text would be taken as it stands); {instead}")  # fmt: skip
    if "source_file" in raw:  # set by the loader below: a file's own would be overwritten, unsaid
        raise ConfigError(f"{path}: source_file: {_UNKNOWN_FIELD}")
    try:
        config = Config.model_validate({**raw, "source_file": path.resolve()})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = _unknown_field(err["loc"])
            elif err["type"] == "string_pattern_mismatch":  # the rule in words, never the value (it may be a secret)
                msg = _PATTERN_WORDS.get(err.get("ctx", {}).get("pattern"), msg)
            elif err["type"] == "value_error":
                msg = msg.removeprefix("Value error, ")
            elif err["type"] == "union_tag_invalid":  # pydantic repeats the value, which may be a pasted secret URL
                msg = f"must be one of {err['ctx']['expected_tags']}"
            elif err["type"] == "union_tag_not_found":  # pydantic's "Unable to extract tag using discriminator"
                msg = "Field required (the kind of source or channel: see the README's configuration reference)"
            loc = _input_path(err["loc"], raw)
            if not loc and (m := _FIELD_FIRST.match(msg)):  # a whole-config check that names its field
                loc, msg = (m.group(1),), m.group(2)
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = (*loc, "type")
            line = f"{path}: {field_path(loc)}: "
            hint = _unquoted(err["input"]) if err["type"] == "string_type" else ""
            if lines and lines[-1][0] == line and msg.startswith("Input should be a valid "):  # a union's members
                lines[-1] = (line, f"{lines[-1][1]} or {msg.removeprefix('Input should be ')}", lines[-1][2] or hint)
            else:
                lines.append((line, msg, hint))
        raise ConfigError("\n".join(line + msg + hint for line, msg, hint in lines)) from None
    _check_folders(config)
    return config


def _check_folders(config: Config) -> None:
    """A local ``report_dir`` or ``staging_dir`` that is a file, or lies under one, is named now, not by a
    traceback when the night first writes there. One this machine cannot look at (a folder it may not enter, a name
    too long) is left to the step that makes it (:func:`make_folder`), which names it."""
    for field in ("report_dir", "staging_dir"):
        value = getattr(config, field)
        if "://" in value:
            continue
        folder = config.resolve(value)
        try:
            here = next((p for p in (folder, *folder.parents) if p.exists()), None)
        except OSError:
            continue
        if here is not None and not here.is_dir():
            where = "is a file" if here == folder else f"lies under {here}, a file"
            raise ConfigError(f"{config.source_file}: {field}: {folder} {where}, not a folder")


def make_folder(config: Config, field: str, folder: Path) -> Path:
    """Create the local ``folder`` that the setting ``field`` points to (or one under it), or raise
    :class:`ConfigError` naming the config file, the setting, the folder and the system's reason. The config is
    checked on one machine and the night may run on another, so a folder that cannot be made there (no permission,
    a read-only or missing mount) is found by the step that needs it, once and named: the night's ``prepare``
    for ``staging_dir`` (each source's extract failed on its own with a bare ``[Errno 2]``), the report for
    ``report_dir``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{config.source_file}: {field}: cannot create the folder {folder}: {exc.strerror or exc}"
        ) from None
    return folder
