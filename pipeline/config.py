"""``brandpulse.yaml``: what to monitor, where to read it from, and where alerts go.

The file is validated with pydantic. Every error names the file, the field path and the problem, e.g.::

    brandpulse.yaml: brands[0].sources[1].columns.text: Field required

Relative paths in the file are relative to the file's own folder. Secrets never live in the file: fields that
need one name an environment variable (``*_env``) or an Airflow connection id instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.config_surveys import SurveysSpec

DEFAULT_CONFIG = "brandpulse.yaml"
DEFAULT_DB = Path("data/brandpulse.duckdb")
REPO_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(ValueError):
    """A problem with the configuration, worded for the person who edits the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NonEmpty = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


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
    kind: Literal["mention", "review"] = "mention"
    platform: str | None = Field(None, description="platform to record when no platform column is mapped")
    lookback_days: int = Field(1, ge=0, le=31, description="also re-read this many earlier days, for late rows")
    platforms: list[NonEmpty] = Field(
        default_factory=list,
        description="keep only rows of these platforms (e.g. when Reddit is read directly); empty = all",
    )
    columns: FileDropColumnsSpec


class _NetworkSpec(_Strict):
    """What every network source shares: look-back, timeouts and retries."""

    name: Slug
    lookback_days: int = Field(1, ge=0, le=31, description="also re-read this many earlier days, for late items")
    timeout_s: float = Field(30, gt=0, le=600, description="per HTTP request")
    retries: int = Field(5, ge=0, le=20, description="retries of a 429, 5xx or timeout, with exponential backoff")
    max_items: int = Field(1000, ge=1, le=100_000, description="items read per listing before the window is cut")


class RedditSpec(_NetworkSpec):
    """Reddit through PRAW: alias searches sorted new, comments of matched posts, new comments in brand subreddits."""

    type: Literal["reddit"]
    subreddits: list[NonEmpty] = Field(default_factory=list, description="search only these; empty = all of Reddit")
    brand_subreddits: list[NonEmpty] = Field(
        default_factory=list, description="subreddits whose new comments are read and filtered by alias"
    )
    comments: bool = Field(True, description="also take the comments of matched posts")
    comment_depth: int = Field(3, ge=0, le=10, description="reply levels read below a matched post")
    comment_limit: int = Field(200, ge=0, le=5000, description="comments read per matched post")
    praw_site: str | None = Field(None, description="praw.ini site with the credentials")
    airflow_conn_id: str | None = Field(None, description="Airflow connection: login=client id, password=secret")


class AppStoreSpec(_NetworkSpec):
    """Apple App Store customer reviews from the public RSS JSON feed (at most 10 pages of 50 per country)."""

    type: Literal["app_store"]
    app_id: Annotated[str, Field(pattern=r"^[0-9]{5,12}$")]
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["us"], min_length=1)
    max_pages: int = Field(10, ge=1, le=10)
    base_url: NonEmpty = Field("https://itunes.apple.com", description="overridden by $BRANDPULSE_APPSTORE_URL")


class GooglePlaySpec(_NetworkSpec):
    """Google Play reviews through google-play-scraper, newest first, de-duplicated by review id."""

    type: Literal["google_play"]
    app_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")]
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "en"
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["us"], min_length=1)
    base_url: NonEmpty = Field("https://play.google.com", description="overridden by $BRANDPULSE_GOOGLE_PLAY_URL")


class HackerNewsSpec(_NetworkSpec):
    """Hacker News stories and comments that match the aliases, from the Algolia search API."""

    type: Literal["hackernews"]
    tags: list[Literal["story", "comment"]] = Field(default_factory=lambda: ["story", "comment"], min_length=1)
    base_url: NonEmpty = Field("https://hn.algolia.com", description="overridden by $BRANDPULSE_HN_URL")


Source = Annotated[
    FileDropSpec | RedditSpec | AppStoreSpec | GooglePlaySpec | HackerNewsSpec, Field(discriminator="type")
]


class AspectSpec(_Strict):
    """A driver of sentiment, defined by a short description in any language (matched by meaning, not words)."""

    name: NonEmpty
    description: NonEmpty


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


class BrandSpec(_Strict):
    name: NonEmpty
    slug: Slug | None = Field(None, description="short id used in file names; derived from the name by default")
    aliases: list[NonEmpty] = Field(default_factory=list)
    exclude: list[NonEmpty] = Field(
        default_factory=list, description="terms that mark a mention as not about the brand"
    )
    competitors: list[NonEmpty] = Field(default_factory=list)
    case_sensitive: bool = False
    sensitivity: Literal["low", "normal", "high"] = Field(
        "normal", description="spike detector preset: low = fewer, larger alerts; high = more, earlier alerts"
    )
    min_volume: int | None = Field(
        None, ge=1, description="scored mentions a day needs before it can alarm (default: the preset's)"
    )
    sources: list[Source] = Field(min_length=1)
    aspects: list[AspectSpec] | None = Field(
        None, description="the drivers the report looks for in negative mentions (default: the top-level aspects)"
    )

    @model_validator(mode="after")
    def _unique_sources(self) -> BrandSpec:
        seen = set()
        for i, src in enumerate(self.sources):
            if src.name in seen:
                raise ValueError(f"sources[{i}].name {src.name!r} is used twice in this brand")
            seen.add(src.name)
        return self

    @property
    def key(self) -> str:
        """The brand's short id: ``slug`` if given, else the name lower-cased with non-alphanumerics as '-'."""
        return self.slug or (re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")[:63] or "brand")


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class SlackSpec(_Strict):
    type: Literal["slack"]
    name: Slug
    webhook_url_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    airflow_conn_id: str | None = None


class WebhookSpec(_Strict):
    type: Literal["webhook"]
    name: Slug
    url_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    airflow_conn_id: str | None = None


class EmailSpec(_Strict):
    type: Literal["email"]
    name: Slug
    to: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)
    sender: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    smtp_host: NonEmpty
    smtp_port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    password_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None


AlertChannel = Annotated[SlackSpec | WebhookSpec | EmailSpec, Field(discriminator="type")]


class AlertingSpec(_Strict):
    """When an incident alerts again, which nights may alert at all, and how long delivering may take."""

    cooldown_days: int = Field(
        3, ge=0, le=60, description="a spike within this many days of the last one belongs to the same incident"
    )
    worsen_ratio: float = Field(
        1.5, gt=1, description="an ongoing incident alerts again at this multiple of its last alerted negatives"
    )
    max_age_days: int = Field(
        3, ge=0, description="nights older than this (backfills) record their alerts but do not send them"
    )
    report_url: str | None = Field(None, description="base URL where the HTML reports are published, for links")
    delivery_deadline_s: float = Field(
        20,
        gt=0,
        le=600,
        description="one delivery attempt in all (connect, send, retries, the whole answer); a miss fails it",
    )
    step_budget_s: float = Field(
        120,
        gt=0,
        le=3600,
        description="the send_alerts step in all; channels left when it runs out fail and are retried next run",
    )


def watch_interval(minutes: int) -> int:
    """``minutes`` if it is a valid watch interval (lines up with the hour and divides a day), else ValueError."""
    if minutes not in (15, 20, 30) and (minutes % 60 or 1440 % minutes):
        raise ValueError(
            f"must divide a day into intervals that line up with the hour (15, 20, 30, 60, 120, 180, ...); "
            f"got {minutes}"
        )
    return minutes


class WatchSpec(_Strict):
    """The hourly watch (``brandpulse_watch``, ``brandpulse watch``): same-day alerts from the network sources."""

    enabled: bool = Field(False, description="run the watch at all (the DAG's runs skip, and say so, when false)")
    interval_minutes: int = Field(
        60, ge=15, le=1440, description="the interval each watch run reads: 15, 20 or 30, or whole hours dividing a day"
    )
    overlap_minutes: int = Field(
        15, ge=0, le=360, description="also re-read this many minutes before the interval, for late items"
    )

    @field_validator("interval_minutes")
    @classmethod
    def _divides_a_day(cls, minutes: int) -> int:
        return watch_interval(minutes)


class ScoringSpec(_Strict):
    model_dir: NonEmpty = "models/brandpulse-sentiment"
    batch_size: int = Field(64, ge=1, le=4096)
    threads: int = Field(0, ge=0, le=256, description="torch intra-op threads; 0 = torch's default")
    max_length: int = Field(128, ge=16, le=512)
    precision: Literal["fp32", "bf16", "int8"] = Field(
        "fp32",
        description="bf16: bfloat16 weights on a CPU with native bfloat16 (else fp32), about 1.6x faster, 99.7% "
        "of labels agree; int8: model.int8.onnx in ONNX Runtime (see the README's measured figures)",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="cuda: fp16 on the GPU with large batches; auto: cuda where torch sees a GPU, else cpu"
    )


class PseudonymisationSpec(_Strict):
    key_env: Annotated[str, Field(pattern=_ENV_NAME)] = "BRANDPULSE_AUTHOR_KEY"


class Config(_Strict):
    brands: list[BrandSpec] = Field(min_length=1)
    alerts: list[AlertChannel] = Field(default_factory=list)
    alerting: AlertingSpec = AlertingSpec()
    surveys: SurveysSpec | None = Field(None, description="survey exports and customer records (see README)")
    report_dir: NonEmpty = Field("data/reports", description="where the nightly HTML reports are written")
    staging_dir: NonEmpty = "data/staging"
    scoring: ScoringSpec = ScoringSpec()
    watch: WatchSpec = WatchSpec()
    aspects: list[AspectSpec] = Field(
        default_factory=lambda: list(DEFAULT_ASPECTS), description="default drivers for every brand", min_length=1
    )
    pseudonymisation: PseudonymisationSpec = PseudonymisationSpec()
    lock_timeout_s: float = Field(600, gt=0, description="how long a writer waits for the warehouse lock")

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

    @model_validator(mode="after")
    def _unique_aspects(self) -> Config:
        for where, aspects in [("aspects", self.aspects)] + [
            (f"brands[{i}].aspects", b.aspects or []) for i, b in enumerate(self.brands)
        ]:
            names = [a.name for a in aspects]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{where}: aspect names must be unique; repeated: {', '.join(dupes)}")
        return self

    def aspects_of(self, brand: BrandSpec) -> dict[str, str]:
        """The brand's aspects as {name: description}: its own, else the top-level ones."""
        return {a.name: a.description for a in (brand.aspects or self.aspects)}

    @model_validator(mode="after")
    def _unique_channels(self) -> Config:
        names = [c.name for c in self.alerts]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"alert channel names must be unique; repeated: {', '.join(dupes)}")
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
                        f"surveys.{section}[{i}].brand {src.brand!r} is not a configured brand id "
                        f"(known: {', '.join(sorted(known))})"
                    )
        return self

    def resolve(self, path: str | Path) -> Path:
        """A path from the file, made absolute against the config file's folder."""
        p = Path(path)
        return p if p.is_absolute() else (self.source_file.parent / p).resolve()

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


# discriminator tags pydantic puts in error locations
_TAGS = {"slack", "webhook", "email", "file_drop", "reddit", "app_store", "google_play", "hackernews"}
_SECRET_KEYS = re.compile(r"(password|secret|token|webhook_url|^url|api_key)$", re.IGNORECASE)


def _loc(parts: tuple) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _find_secrets(node, path: tuple = ()) -> list[str]:
    """Field paths that look like a secret written into the file instead of an ``*_env`` reference."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, str) and _SECRET_KEYS.search(k) and not k.endswith("_env") and path[:1] == ("alerts",):
                found.append(_loc((*path, k)))
            found += _find_secrets(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _find_secrets(v, (*path, i))
    return found


def config_path(explicit: str | Path | None = None) -> Path:
    """``--config``, else ``BRANDPULSE_CONFIG``, else ``./brandpulse.yaml``."""
    return Path(explicit or os.environ.get("BRANDPULSE_CONFIG") or DEFAULT_CONFIG)


# libyaml's safe loader where PyYAML was built with it (the wheels are): a tenth of the pure-Python loader's time,
# and every Airflow task reads the file when it starts.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the config file; raise :class:`ConfigError` naming file, field and problem."""
    path = config_path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (set --config or BRANDPULSE_CONFIG)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        raw = yaml.load(raw_text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}:{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: (top level): expected a mapping with a 'brands' list, got {type(raw).__name__}")
    secrets = _find_secrets(raw)
    if secrets:
        raise ConfigError(
            f"{path}: {secrets[0]}: secrets must not be written in the config file; "
            "name an environment variable with the matching '*_env' field instead"
        )
    try:
        return Config.model_validate({**raw, "source_file": path.resolve()})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling; see the README's configuration reference)"
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p in _TAGS or p.startswith("function-"))))
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = (*loc, "type")
            lines.append(f"{path}: {_loc(loc)}: {msg}")
        raise ConfigError("\n".join(lines)) from None
