"""Deliver an :class:`~pipeline.alerts.message.AlertMessage` to a configured channel: Slack, a webhook or email.

    result = deliver(channel, msg)          # never raises for network or configuration problems
    if not result.ok:
        log.warning("alert not delivered to %s: %s", result.channel, result.error)

- **Slack** (incoming webhook) and **webhook**: one JSON POST through :func:`pipeline.http.session`
  (timeout, retries with backoff: of 429, 5xx, connection errors and timeouts for a webhook; for Slack, which
  cannot drop a repeat, only of what cannot have arrived: connection errors and 429). Success is any 2xx (Slack
  answers ``ok``); the status decides, so a 2xx whose body trickles past the deadline still counts. A webhook
  POST carries the header ``Idempotency-Key: <alert_id>:<channel>`` (the same on every attempt), so a receiver
  can drop a repeat.
- **Slack with a bot token** (``bot_token_env`` and ``channel``): the Web API (``chat.postMessage``, base URL
  ``$BRANDPULSE_SLACK_API_URL`` or ``https://slack.com/api``), token only in the Authorization header. Slack answers
  200 with ``{"ok": false, "error": ...}`` for its errors: those fail. The posted message's ``<channel id>:<ts>``
  comes back as :attr:`Delivery.external_id`; given it (``earlier``), a ``worse`` or ``update`` alert of the same
  incident edits that message (``chat.update``) and replies in its thread, the reply also sent to the channel
  (``reply_broadcast``: an edit notifies nobody, a plain thread reply only the thread's followers), or, when
  Slack will not edit it (deleted, too old, its channel gone), is posted anew. With an incoming webhook only,
  such an alert is a short follow-up instead of the full message.
- **Email**: SMTP with STARTTLS when ``starttls`` (never silently downgraded), login when the password
  environment variable is set (user: ``username_env``'s value, else the sender address); a
  ``multipart/related`` message holding ``multipart/alternative`` text + HTML and, with a chart, the PNG as an
  inline part whose Content-ID the HTML references as ``cid:``.

Every attempt ends within ``deadline_s`` (:class:`pipeline.deadline.Deadline`): connecting, sending, retries
and backoff, and the whole answer, however slowly the receiver trickles it (a per-operation ``timeout``
restarts with each byte; the deadline does not). An attempt that misses it fails, saying so; except a Slack
request the deadline cut after it began to go out, which, like one left without an answer by its read timeout,
may have been posted: :attr:`Delivery.maybe_delivered` (one cut while connecting fails plainly); so may a Web
API post that Slack answered 2xx whose answer (its ``ok``) did not come whole.

Secrets: a webhook URL is read from the environment variable the channel names (``webhook_url_env`` /
``url_env``), else from the Airflow connection ``airflow_conn_id`` (the connection's ``extra`` ``webhook_url``
or ``url``; else a full URL in its password; else ``schema://host:port`` plus the password as the path (a
connection given as a URI: ``type://host:port/path`` plus the password), with
``https://hooks.slack.com/services`` as the Slack default host). A webhook URL is a secret: it never appears in
an error, a log line or a :class:`Delivery` (see :func:`redact`).
"""

from __future__ import annotations

import base64
import email.policy
import json
import logging
import os
import re
import smtplib
import ssl
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import requests
from urllib3.exceptions import HTTPError, LocationValueError, MaxRetryError

from pipeline.alerts.message import (
    AlertMessage,
    Digest,
    chart_cid,
    one_line,
    render_digest_html,
    render_digest_slack,
    render_digest_subject,
    render_digest_text,
    render_digest_webhook,
    render_html,
    render_slack,
    render_slack_followup,
    render_subject,
    render_text,
    render_webhook,
)
from pipeline.config import EmailSpec, SlackSpec, WebhookSpec, env_shown, env_value
from pipeline.deadline import Deadline, DeadlineExceeded, seconds
from pipeline.http import (
    BACKOFF_FACTOR,
    CutAfterSending,
    RetryAfterTooLong,
    SentWithoutAnswer,
    retry_statuses,
    session,
    wrapped,
)

logger = logging.getLogger("brandpulse")

SLACK_DEFAULT_BASE = "https://hooks.slack.com/services"
SLACK_API_BASE = "https://slack.com/api"  # the Web API, for a channel with a bot token
SLACK_API_ENV = "BRANDPULSE_SLACK_API_URL"  # overrides SLACK_API_BASE (tests: a fake Slack API on 127.0.0.1)
SLACK_API_BYTES = 256 * 1024  # chat.postMessage echoes the whole message back
# chat.update's errors for a message it will never edit (deleted; not the bot's or too old to edit; its channel
# gone or out of the bot's sight): a 'worse' alert is then posted anew rather than failing at every run
UNEDITABLE = ("message_not_found", "cant_update_message", "edit_window_closed", "channel_not_found")
DEFAULT_TIMEOUT_S = 10.0  # per connect, read or write
DEFAULT_DEADLINE_S = 20.0  # per attempt, in all (alerting.delivery_deadline_s)
DEFAULT_RETRIES = 3
IDEMPOTENCY_HEADER = "Idempotency-Key"
BODY_BYTES = 2048  # read of an answer's body (an error's is quoted in its message)
SMTP_REPLY_BYTES = 64 * 1024  # one SMTP reply, all its lines (an EHLO's is well under 1 KiB): smtplib reads a
# reply's continuation lines ("250-...") without end, keeping each, so a server that sends them on and on filled
# the worker's memory (over 100 MB a second) until the deadline
REDACTED = "[redacted]"


class _WirePolicy(email.policy.EmailPolicy):
    """CRLF line ends (smtplib sends bytes as they are); a header folded only past RFC 5322's 998 (CPython folds
    some 78+ subjects before their first word, which clients then show with a leading space), except one that
    needs encoded words (a brand "Paczkołot Łódź" in the subject): RFC 2047 allows those at most 75 characters,
    on lines of at most 76 (at 998, a Cyrillic brand's subject was one encoded word of 84 on a line of 143)."""

    def fold_binary(self, name, value):
        if not str(value).isascii() and name.lower() == "subject":
            # CPython's folder (3.11) put the space between two encoded words at the fold, where readers drop
            # it ("gęślą Zażółć" read "gęśląZażółć"); the legacy encoder keeps every space inside the words
            text = Header(str(value), "utf-8", maxlinelen=76, header_name=name).encode(linesep=self.linesep)
            return f"{name}: {text}{self.linesep}".encode("ascii")
        if not str(value).isascii():
            return super(_WirePolicy, self.clone(max_line_length=76)).fold_binary(name, value)
        return super().fold_binary(name, value)


WIRE_POLICY = _WirePolicy(linesep="\r\n", max_line_length=998)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*")


class DeliveryError(RuntimeError):
    """A channel cannot be used as configured (e.g. its secret is not set); the message never holds a secret."""


@dataclass
class Delivery:
    """The outcome of one delivery attempt.

    ``status``: the HTTP status code (int) for Slack and webhooks, the SMTP reply (``"250 ..."``) for email, or
    None when no answer came (connection refused, configuration error). ``error``: why it failed (or a warning,
    such as refused recipients, when ``ok``), with secrets and URLs redacted. ``timed_out``: the attempt's
    deadline ended it. ``maybe_delivered``: the request went out, no answer came, and it must not be repeated
    (Slack posts a repeat): recorded pending (possibly delivered), resent only by ``brandpulse alerts --resend``.
    ``retry_to``: e-mail recipients the server refused with a temporary (4xx) reply while it took the message for
    the others (``ok``): the caller sends them the message again later (a permanent 5xx refusal is not retried);
    or, when it refused every recipient (``refused``), those of them it refused for now.
    """

    channel: str
    ok: bool
    status: int | str | None = None
    error: str | None = None
    timed_out: bool = False
    maybe_delivered: bool = False  # no answer to a request that may have arrived and must not be repeated (Slack)
    attempted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    external_id: str | None = None  # Slack with a bot token: '<channel id>:<ts>' of the message posted or edited
    retry_to: tuple[str, ...] = ()  # e-mail: recipients refused for now (4xx) while the others took it
    refused: bool = False  # e-mail: the server refused every recipient (retry_to: those refused for now)

    @property
    def pending(self) -> bool:
        """Not confirmed, but the receiver may have it (``maybe_delivered``): pending (possibly delivered), neither
        delivered nor failed, and not retried."""
        return not self.ok and self.maybe_delivered

    def as_dict(self) -> dict:
        d = asdict(self)
        d["attempted_at"] = self.attempted_at.isoformat()
        return d


@dataclass
class Earlier:
    """An earlier message of the same incident that this channel received (the caller looks it up).
    ``external_id``: its Slack '<channel id>:<ts>' when a bot posted it, else None (an incoming webhook)."""

    external_id: str | None = None


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret value and every URL replaced by ``[redacted]``: also a secret as an error quotes
    it escaped (Python's repr, JSON), e.g. a value with a newline that a library refused as a header."""
    out = str(text)
    forms = set()
    for s in secrets:
        if s and len(s) >= 3:
            forms |= {s, repr(s)[1:-1], json.dumps(s)[1:-1], s.encode("unicode_escape").decode("ascii")}
    for secret in sorted(forms, key=len, reverse=True):
        out = out.replace(secret, REDACTED)
    return _URL.sub(REDACTED, out)


def _url_secrets(url: str | None) -> list[str]:
    """The URL and the parts of it that may carry a token (path, query, user info), for :func:`redact`."""
    if not url:
        return []
    parts = urlsplit(url)
    found = [url, url.split("?", 1)[0]]
    if parts.path not in ("", "/"):  # as sent (percent-encoded) or decoded, as a receiver's error may quote it
        for path in dict.fromkeys((parts.path, unquote(parts.path))):
            found.append(path)
            found += [seg for seg in path.split("/") if len(seg) >= 6]  # a token quoted alone
    for part in (parts.query, parts.fragment):  # ?key=...&token=...: each value may be quoted alone (an error
        if part:  # body that echoes the token it refused), as sent (percent-encoded) or decoded
            found.append(part)
            for _name, value in parse_qsl(part):
                if len(value) >= 6:  # as a path's segments: not 'json' or 'true' out of every error
                    found += [value, quote(value, safe=""), quote_plus(value)]
    for login in (parts.username, parts.password):  # as written or decoded (as requests sends it)
        if login:
            found += [login, unquote(login)]
    if parts.username or parts.password:  # the Authorization header requests sends, which a receiver may echo
        login = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}".encode("latin-1", "replace")
        found.append(base64.b64encode(login).decode("ascii"))
    return found


def _smtp_auth_forms(username: str, password: str | None) -> list[str]:
    """The login as smtplib sends it (base64: AUTH PLAIN's ``\\0user\\0password``, AUTH LOGIN's user and password
    apart), for :func:`redact`: a server's refusal may echo the line it refused, and base64 is no secret."""
    if not password:
        return []
    sent = (f"\0{username}\0{password}", username, password)
    return [base64.b64encode(s.encode("ascii", "replace")).decode("ascii") for s in sent]


def _cause(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, as 'Type: message' without object reprs."""
    reason: BaseException = exc
    for _ in range(10):
        nxt = getattr(reason, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else None
        if nxt is None or nxt is reason:
            break
        reason = nxt
    text = _OBJECT_REPR.sub("", str(reason)).strip()
    return f"{type(reason).__name__}: {text}" if text else type(reason).__name__


# ---------------------------------------------------------------------------------------------------- secrets


def _url_from_connection(channel: SlackSpec | WebhookSpec) -> str:
    """The webhook URL held by the channel's Airflow connection (Airflow is imported only here)."""
    what = f"{channel.type} channel {channel.name!r}"
    conn_id = channel.airflow_conn_id
    try:
        from airflow.sdk import Connection
    except ImportError:
        raise DeliveryError(f"{what}: Airflow is not installed, so connection {conn_id!r} cannot be read") from None
    try:
        conn = Connection.get(conn_id)
    except Exception as exc:  # AirflowNotFoundException, or a secrets backend failing
        problem = "is not defined" if type(exc).__name__ == "AirflowNotFoundException" else "could not be read"
        raise DeliveryError(f"{what}: Airflow connection {conn_id!r} {problem} ({type(exc).__name__})") from None
    if conn is None:
        raise DeliveryError(f"{what}: Airflow connection {conn_id!r} is not defined")
    try:
        extra = conn.extra_dejson or {}
    except Exception:
        extra = {}
    for key in ("webhook_url", "url"):
        if isinstance(extra.get(key), str) and extra[key].strip():
            return extra[key].strip()
    password = (conn.password or "").strip()
    if password.startswith(("http://", "https://")):
        return password
    host, schema = (conn.host or "").strip(), (conn.schema or "").strip()
    if host and "://" in host:
        base = host.rstrip("/")
    elif host:
        # HTTP's convention keeps the scheme in schema; a connection given as a URI (AIRFLOW_CONN_X=https://host/path,
        # --conn-uri) keeps it in its type and the URL's path in schema: that path (the token) was dropped, and the
        # alerts posted to the host's root
        path = "" if schema in ("", "http", "https") else "/" + schema.strip("/")
        scheme = (conn.conn_type if path else schema) or "https"
        scheme = scheme if scheme in ("http", "https") else "https"
        base = f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "") + path
    elif channel.type == "slack" and password:
        base = SLACK_DEFAULT_BASE
    else:
        raise DeliveryError(f"{what}: Airflow connection {conn_id!r} has no URL (set host and password, or extra url)")
    return base + ("/" + password.lstrip("/") if password else "")


def webhook_url(channel: SlackSpec | WebhookSpec, env: Mapping[str, str] = os.environ) -> str:
    """The channel's secret URL: its ``*_env`` variable, else its Airflow connection, else :class:`DeliveryError`."""
    what = f"{channel.type} channel {channel.name!r}"
    env_name = channel.webhook_url_env if isinstance(channel, SlackSpec) else channel.url_env
    env_field = "webhook_url_env" if isinstance(channel, SlackSpec) else "url_env"
    url = env_value(env_name, env)
    source = f"environment variable {env_shown(env_name)}"
    if url is None and channel.airflow_conn_id:
        try:
            url = _url_from_connection(channel)
        except DeliveryError as exc:
            if env_name:
                raise DeliveryError(f"environment variable {env_shown(env_name)} is not set, and {exc}") from None
            raise
        source = f"Airflow connection {channel.airflow_conn_id!r}"
    if url is None:
        if env_name:
            raise DeliveryError(
                f"{what}: environment variable {env_shown(env_name)} is not set (it holds the webhook URL)"
            )
        raise DeliveryError(f"{what}: no webhook URL configured; set {env_field} or airflow_conn_id")
    if any(unicodedata.category(c) == "Cc" for c in url):  # said without the value: urlsplit drops a line break
        # or tab inside it, so the parts redact looks for missed the token; requests sent it as %0A, and a
        # receiver's 404 quoted it whole (not isprintable(): it refused the ZWNJ of a Persian IDN host)
        raise DeliveryError(
            f"{what}: the URL in {source} holds a line break or another control character: not a URL (a line "
            "wrapped in a secret file or a paste?)"
        )
    try:  # as requests reads it, without echoing it (urlsplit("http://[zz]/...") raised out of the send)
        parts = urlsplit(url)
        requests.Request("POST", url).prepare()
    except (ValueError, requests.RequestException):
        raise DeliveryError(f"{what}: the URL in {source} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeliveryError(f"{what}: the URL in {source} is not an http(s) URL")
    return url


# ------------------------------------------------------------------------------------------------------- HTTP


def idempotency_key(msg: AlertMessage, channel: SlackSpec | WebhookSpec | EmailSpec) -> str:
    """``<alert_id>:<channel>``: the same for every attempt to deliver one alert to one channel."""
    return f"{msg.alert_id}:{channel.name}"


def _body_start(resp: requests.Response, deadline: Deadline, limit: int = BODY_BYTES) -> str | None:
    """The start of the answer's body; None when it does not come whole (the connection failed or was closed short
    of it, or ``deadline`` cut it: a body without a Content-Length then just ends)."""
    try:
        raw = resp.raw.read(limit, decode_content=True) or b""
    except (requests.RequestException, HTTPError, OSError):
        return None
    if deadline.fired:
        return None
    try:
        return raw.decode(resp.encoding or "utf-8", "replace")
    # a charset Python does not know ("binary"), or a codec that cannot replace ("undefined", as a JavaScript
    # receiver writes an unset charset; "idna"): read as UTF-8; raised, it failed a 2xx that had posted the alert,
    # and the next run posted it to Slack again
    except (LookupError, UnicodeError):
        return raw.decode("utf-8", "replace")


def _post(
    channel: SlackSpec | WebhookSpec,
    what: str,
    url: str,
    secrets: list[str],
    payload: dict,
    timeout: float,
    retries: int,
    backoff_factor: float,
    deadline_s: float,
    headers: Mapping[str, str] | None = None,
    body_bytes: int = BODY_BYTES,
    repeatable: bool = False,
) -> tuple[Delivery, str | None]:
    """POST ``payload`` as JSON: the outcome (ok on a 2xx) and the start of the answer's body (None when it did not
    come whole: :func:`_body_start`). A webhook's POST is
    retried on any passing failure (its Idempotency-Key lets the receiver drop a repeat); a Slack one only when it
    cannot have arrived (a connection error, a 429), since Slack would post a repeat, unless it is
    ``repeatable`` (chat.update: the same edit twice is one edit), which is retried like a webhook's and, left
    without an answer, fails (the next run edits again) rather than stay pending."""
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    idempotent = channel.type == "webhook" or repeatable
    http = {"timeout": timeout, "retries": retries, "backoff_factor": backoff_factor, "idempotent": idempotent}
    with Deadline(deadline_s) as deadline:
        try:
            with session(**http, deadline=deadline) as s:
                # a redirect is a misconfigured URL: following it would turn the POST into a GET that may
                # "succeed"; streamed, so that the status counts even when the body does not come in time
                with s.post(url, data=body, headers=headers, allow_redirects=False, stream=True) as resp:
                    code, text = resp.status_code, _body_start(resp, deadline, body_bytes)
        except DeadlineExceeded as exc:
            error = redact(f"{what}: {exc}", secrets)
            if isinstance(exc, CutAfterSending) and not idempotent:  # sent, no answer in time: as a read timeout
                error += "; not retried, as the receiver may have it"
                return Delivery(channel.name, False, None, error, timed_out=True, maybe_delivered=True), ""
            return Delivery(channel.name, False, None, error, timed_out=True), ""  # failed: the next run retries it
        except requests.RequestException as exc:
            if (too_long := wrapped(exc, RetryAfterTooLong)) is not None:  # answered: a wait this does not make
                error = f"{what}: {too_long}; the next run tries again"
            elif any(isinstance(a, MaxRetryError) for a in exc.args):  # retried until none was left
                error = f"{what}: no answer after {retries} retries ({_cause(exc)})"
            elif (isinstance(exc, requests.ReadTimeout) and not repeatable) or (
                isinstance(exc, SentWithoutAnswer) and not idempotent
            ):
                # sent, no answer (none in time, or the connection closed before it): must not arrive twice
                error = f"{what}: no answer ({_cause(exc)}); not retried, as the receiver may have it"
                return Delivery(channel.name, False, None, redact(error, secrets), maybe_delivered=True), ""
            else:  # failed before or while sending (a bad URL, a reset handshake): tried again by the next run
                error = f"{what}: {_cause(exc)}; not retried in this attempt"
            return Delivery(channel.name, False, None, redact(error, secrets)), ""
        except LocationValueError:  # a host urllib3 cannot connect to as written (http://a..b/): raised past requests
            error = f"{what}: the URL's host cannot be read as a host name; check the URL; not retried in this attempt"
            return Delivery(channel.name, False, None, error), ""
    if 200 <= code < 300:
        return Delivery(channel.name, True, code), text
    detail = one_line(redact(text or "", secrets))[:200]  # redacted before it is cut: a secret cut in two is not found
    retried = f" after {retries} retries" if retries and code in retry_statuses(idempotent) else ""
    error = f"{what}: HTTP {code}{retried}" + (f": {detail}" if detail else "")
    return Delivery(channel.name, False, code, redact(error, secrets)), text


def _post_json(
    channel: SlackSpec | WebhookSpec,
    payload: dict,
    env: Mapping[str, str],
    timeout: float,
    retries: int,
    backoff_factor: float,
    deadline_s: float,
    headers: Mapping[str, str] | None = None,
) -> Delivery:
    url = webhook_url(channel, env)
    what = f"{channel.type} channel {channel.name!r}"
    args = (timeout, retries, backoff_factor, deadline_s, headers)
    return _post(channel, what, url, _url_secrets(url), payload, *args)[0]


def _slack_api(
    channel: SlackSpec,
    method: str,
    payload: dict,
    env: Mapping[str, str],
    timeout: float,
    retries: int,
    backoff_factor: float,
    deadline_s: float,
) -> tuple[Delivery, dict]:
    """Call the Slack Web API ``method`` with the channel's bot token. Slack answers HTTP 200 with
    ``{"ok": false, "error": "channel_not_found"}`` for its errors: those fail, naming the method and the error.
    The token is sent only in the Authorization header and never appears in an error."""
    what = f"slack channel {channel.name!r}"
    token = env_value(channel.bot_token_env, env)
    if token is None:
        raise DeliveryError(
            f"{what}: environment variable {env_shown(channel.bot_token_env)} is not set (it holds the bot token)"
        )
    if any(c.isspace() or not c.isprintable() for c in token):  # said without the value: a header would quote it
        raise DeliveryError(
            f"{what}: environment variable {env_shown(channel.bot_token_env)} holds whitespace or control characters: "
            "not a bot token (xoxb-...; a trailing newline from a file?)"
        )
    url = (env_value(SLACK_API_ENV, env) or SLACK_API_BASE).rstrip("/") + "/" + method
    headers = {"Authorization": f"Bearer {token}"}
    args = (timeout, retries, backoff_factor, deadline_s, headers, SLACK_API_BYTES)
    repeatable = method == "chat.update"
    result, text = _post(channel, f"{what}: {method}", url, [token], payload, *args, repeatable=repeatable)
    if not result.ok:
        return result, {}
    if text is None:  # Slack answered 2xx, then its answer was cut (the deadline, a dropped connection): it may
        # have posted the message, so a post is left pending, as one without an answer (an edit is retried)
        error = f"{what}: {method}: HTTP {result.status}, but the answer did not come whole"
        if repeatable:
            return Delivery(channel.name, False, result.status, error + "; retried next run"), {}
        error += "; not retried, as Slack may have posted it"
        return Delivery(channel.name, False, result.status, error, maybe_delivered=True), {}
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return Delivery(channel.name, False, result.status, f"{what}: {method}: the answer is not Slack's JSON"), {}
    if answer.get("ok") is not True:
        error = one_line(redact(answer.get("error") or "no error given", [token]))[:200]  # redacted, then cut
        return Delivery(channel.name, False, result.status, f"{what}: {method}: Slack said {error}"), answer
    return result, answer


def _slack_edit(
    channel: SlackSpec, msg: AlertMessage, ref: str, args: tuple, deadline_s: float
) -> tuple[Delivery, dict]:
    """Edit the incident's message ``ref`` ('<channel id>:<ts>') into ``msg`` (chat.update) and reply in its
    thread with a short follow-up, also sent to the channel (``reply_broadcast``), which is what notifies the
    channel (an edit notifies nobody; a plain thread reply only the thread's followers): a reply not posted (Slack
    refused it, or no time was left for it) fails the attempt, so the next run edits again and replies; one left
    without an answer may be in the thread, and the edit stands. Returns the outcome and Slack's answer to
    the edit."""
    started = time.monotonic()
    where, ts = ref.split(":", 1)
    result, answer = _slack_api(channel, "chat.update", {**render_slack(msg), "channel": where, "ts": ts}, *args,
                                deadline_s)  # fmt: skip
    if not result.ok:
        return result, answer
    result.external_id = ref
    left = deadline_s - (time.monotonic() - started)
    # broadcast to the channel too: a plain thread reply reaches only the thread's followers (the bot, who posted
    # it), so the incident getting worse told no one in the channel
    reply = {**render_slack_followup(msg), "channel": where, "thread_ts": ts, "reply_broadcast": True}
    if left <= 1:
        error = "updated, but no time was left for the thread reply (the edit notifies nobody); retried next run"
        return Delivery(channel.name, False, result.status, error, timed_out=True), answer
    replied, _ = _slack_api(channel, "chat.postMessage", reply, *args, left)
    if replied.pending:  # the reply may be in the thread: at most once, so the edit stands as the delivery
        result.error = f"updated; the thread reply may not have been posted: {replied.error}"
    elif not replied.ok:  # not posted (Slack said rate_limited, a 5xx): the edit alone notifies nobody, so it
        # fails, and the next run edits again (the same edit) and replies
        error = f"updated, but the thread reply (the edit notifies nobody) was not posted: {replied.error}"
        return Delivery(channel.name, False, replied.status, error + "; retried next run"), answer
    return result, answer


def _slack_bot(
    channel: SlackSpec,
    msg: AlertMessage,
    env: Mapping[str, str],
    earlier: Earlier | None,
    timeout: float,
    retries: int,
    backoff_factor: float,
    deadline_s: float,
) -> Delivery:
    """Slack with a bot token: a new incident's alert is posted (chat.postMessage; the delivery keeps the
    message's '<channel id>:<ts>'); a ``worse`` or ``update`` alert of an incident the bot already posted edits
    that message (chat.update) and replies in its thread with a short follow-up, since an edit notifies nobody.
    When Slack will not edit it (:data:`UNEDITABLE`: deleted, too old, its channel gone), the alert is posted as
    a new message in the configured channel instead, which the incident's later alerts then edit."""
    started = time.monotonic()
    args = (env, timeout, retries, backoff_factor)
    ref = earlier.external_id if earlier and msg.status in ("worse", "update") else None
    note = None
    if ref and ":" in ref:
        edited, answer = _slack_edit(channel, msg, ref, args, deadline_s)
        deadline_s -= time.monotonic() - started  # the rest of the attempt's, for a new post
        if edited.ok or answer.get("error") not in UNEDITABLE or deadline_s <= 1:
            return edited
        note = f"the incident's message could not be edited (Slack said {answer['error']}): posted anew"
    result, answer = _slack_api(channel, "chat.postMessage", {**render_slack(msg), "channel": channel.channel},
                                *args, deadline_s)  # fmt: skip
    if result.ok and answer.get("channel") and answer.get("ts"):
        result.external_id = f"{answer['channel']}:{answer['ts']}"
    if note:
        result.error = note if result.ok else f"{note}, which failed: {result.error}"
    return result


# ------------------------------------------------------------------------------------------------------ email


def build_email(
    channel: EmailSpec, msg: AlertMessage, attempt: int = 1, earlier: Earlier | None = None
) -> EmailMessage:
    """The email: related(alternative(text, HTML), inline PNG) with a chart, else alternative(text, HTML).
    ``earlier``: the channel's last e-mail of the incident (its Message-ID, recorded as the attempt's external id),
    which a ``worse`` or ``update`` answers (In-Reply-To, References), so mail clients thread it."""
    mail = EmailMessage()
    mail["Subject"] = render_subject(msg)
    mail["From"] = formataddr(("brandpulse", channel.sender))
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = format_datetime(datetime.now(UTC))
    domain = channel.sender.rsplit("@", 1)[1]
    mail["Message-ID"] = _message_id(f"{msg.alert_id[:64] or 'alert'}.{attempt}", domain)
    answered = earlier.external_id if earlier is not None else None
    if answered and answered.startswith("<") and msg.status in ("worse", "update"):
        mail["In-Reply-To"] = mail["References"] = answered
    mail["X-Brandpulse-Alert"] = one_line(msg.alert_id)[:200]
    text, html = render_text(msg), render_html(msg)
    if not msg.chart_png:
        mail.set_content(text, cte="quoted-printable")
        mail.add_alternative(html, subtype="html", cte="quoted-printable")
        return mail
    alternative = MIMEPart()
    alternative.set_content(text, cte="quoted-printable")
    alternative.add_alternative(html, subtype="html", cte="quoted-printable")
    chart = MIMEPart()
    chart.set_content(
        msg.chart_png,
        maintype="image",
        subtype="png",
        cid=f"<{chart_cid(msg)}>",
        disposition="inline",
        filename=f"{msg.brand}-{msg.day.isoformat()}.png",
    )
    mail["MIME-Version"] = "1.0"
    mail.make_related()
    mail.set_param("type", "multipart/alternative")  # RFC 2387: the type of the root part
    mail.attach(alternative)
    mail.attach(chart)
    return mail


def _smtp_reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {one_line(text)}".strip()


class _SMTP(smtplib.SMTP):
    """smtplib's client, connecting within the deadline's time left and cut off when the deadline passes; and
    ``message_sent`` once the message's last line (``.``) went out: from then on the server may have queued it,
    whether or not its reply comes."""

    message_sent = False

    def __init__(self, deadline: Deadline, host: str, port: int, timeout: float):
        self._deadline = deadline
        super().__init__(host, port, timeout=timeout)

    def send(self, s):
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):  # smtplib.SMTP.data sends the message so
            self.message_sent = True

    def _get_socket(self, host, port, timeout):
        timeout = self._deadline.timeout(timeout)  # name lookup included; watched before the greeting is read
        return self._deadline.connect(lambda: super(_SMTP, self)._get_socket(host, port, timeout))

    def getreply(self):
        if self.file is None:  # as smtplib makes it (again after STARTTLS), read at most SMTP_REPLY_BYTES a reply
            self.file = _ReplyReader(self.sock.makefile("rb"))
        self.file.left = SMTP_REPLY_BYTES
        return super().getreply()


class _ReplyReader:
    """smtplib's reader of the server's replies, failing a reply longer than ``left`` bytes as a read error (smtplib
    closes the connection: :class:`smtplib.SMTPServerDisconnected`)."""

    def __init__(self, file):
        self.file, self.left = file, SMTP_REPLY_BYTES

    def readline(self, size: int = -1) -> bytes:
        line = self.file.readline(size)
        self.left -= len(line)
        if self.left < 0:
            raise OSError(f"a reply longer than {SMTP_REPLY_BYTES // 1024} KiB")
        return line

    def close(self) -> None:
        self.file.close()


def _send_email(
    channel: EmailSpec, data: bytes, env: Mapping[str, str], timeout: float, deadline_s: float, to: tuple[str, ...]
):
    """Send ``data`` to the recipients ``to`` (the channel's ``to``, or those a retry is for)."""
    what = f"email channel {channel.name!r}"
    password = env_value(channel.password_env, env)
    username = env_value(channel.username_env, env) or channel.sender
    secrets = [password] if password else []
    hint = ""
    if channel.password_env and not password:
        hint = f" ({env_shown(channel.password_env)} is not set, so no login was attempted)"
    for name in (channel.username_env, channel.password_env):  # smtplib logs in in ASCII (else UnicodeEncodeError)
        value = env_value(name, env)
        if password and value and not value.isascii():
            why = "holds characters other than ASCII, which smtplib cannot send to log in; not sent"
            return Delivery(channel.name, False, None, f"{what}: environment variable {env_shown(name)} {why}")
    status: str | None = None
    answer: Delivery | None = None  # the server's answer (its recipients, the message), whatever the QUIT after
    deadline = Deadline(deadline_s)
    client: _SMTP | None = None
    try:
        with deadline, _SMTP(deadline, channel.smtp_host, channel.smtp_port, timeout) as smtp:
            client = smtp
            smtp.ehlo()
            if channel.starttls:
                if not smtp.has_extn("starttls"):
                    error = f"{what}: the server does not offer STARTTLS (starttls is on)"
                    answer = Delivery(channel.name, False, None, error)  # whatever the QUIT after it does
                    return answer
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if password:
                smtp.login(username, password)
            code, reply = smtp.mail(channel.sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, channel.sender)
            refused, for_now = {}, []
            for rcpt in to:
                code, reply = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = _smtp_reply(code, reply)
                    if 400 <= code < 500:  # greylisting, a full mailbox, a rate limit: worth another try
                        for_now.append(rcpt)
            if len(refused) == len(to):
                first = next(iter(refused.values()))
                error = redact(f"{what}: all recipients refused: {refused}{hint}", secrets)
                # the server's answer, whatever the RSET and QUIT after it do (a 421 to the QUIT hid the refusals,
                # and recipients refused for good stayed owed the alert, retried every run)
                answer = Delivery(channel.name, False, first, error, refused=True, retry_to=tuple(for_now))
                smtp.rset()
                return answer
            code, reply = smtp.data(data)
            status = _smtp_reply(code, reply)
            if code != 250:
                answer = Delivery(channel.name, False, status, redact(f"{what}: message refused: {status}", secrets))
                return answer
            warning = f"{what}: recipients refused: {refused}" if refused else None
            if for_now:
                warning += f"; retried next run: {', '.join(for_now)}"
            # whole before the QUIT: a QUIT that fails returns this answer, with the recipients it owes
            answer = Delivery(channel.name, True, status, warning, retry_to=tuple(for_now))
    except (smtplib.SMTPException, OSError) as exc:
        if answer is not None:  # the server answered (the message, or refused every recipient); only the QUIT failed
            return answer
        where = f"{channel.smtp_host}:{channel.smtp_port}"
        replied = isinstance(exc, smtplib.SMTPResponseException)
        # smtplib turns a socket timeout (a server that took the connection and then said nothing) into
        # SMTPServerDisconnected("Connection unexpectedly closed: timed out"): it did not close, it went silent
        idle = isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
        if client is not None and client.message_sent and not replied:  # sent whole, no reply: may be queued
            error = f"{what}: no reply from {where} to the message sent whole ({type(exc).__name__}); not retried, "
            error += "as the server may have it"
            timed_out = deadline.fired or deadline.expired or isinstance(exc, TimeoutError)
            return Delivery(channel.name, False, None, redact(error + hint, secrets), timed_out, maybe_delivered=True)
        if deadline.fired or (deadline.expired and not replied):  # a reply cut short is no reply
            error = f"{what}: no complete answer from {where} within the {deadline}"
            return Delivery(channel.name, False, None, redact(error + hint, secrets), timed_out=True)
        if idle and not replied:  # the per-operation timeout, not the deadline (timed_out)
            error = f"{what}: {where} did not answer within the {seconds(timeout)} timeout (per connect, read or write)"
            return Delivery(channel.name, False, None, redact(error + hint, secrets))
        if replied:  # a refused login may quote it (535 user:password not accepted): the status is stored too
            hidden = [*secrets, username if password else None, *_smtp_auth_forms(username, password)]
            status = redact(_smtp_reply(exc.smtp_code, exc.smtp_error), hidden)
            error = f"{what}: {type(exc).__name__}: {status}{hint}"
            return Delivery(channel.name, False, status, redact(error, hidden))
        error = f"{what}: could not send via {where}: {type(exc).__name__}: {exc}"
        return Delivery(channel.name, False, None, redact(error + hint, secrets))
    return answer


# ----------------------------------------------------------------------------------------------------- public


def _send(
    channel: SlackSpec | WebhookSpec | EmailSpec,
    env: Mapping[str, str],
    what: str,
    args: tuple[float, int, float, float],
    *,
    slack_bot: Callable[[], Delivery],
    slack: Callable[[], dict],
    webhook: Callable[[], tuple[dict, str]],
    email: Callable[[], EmailMessage],
    to: tuple[str, ...] | None = None,
) -> Delivery:
    """Send one message by the channel's type, rendering it only for that type: ``slack_bot()`` sends with a Slack
    bot token, ``slack()`` is an incoming webhook's payload, ``webhook()`` a webhook's payload and its
    Idempotency-Key, ``email()`` the e-mail. ``args``: timeout, retries, backoff factor, deadline. Never
    raises: a network or configuration problem, or a bug in rendering (logged with its traceback, secrets
    redacted: it must not stop the other channels), is ``ok=False`` with the reason. ``what`` names the message
    in the log. ``to``: an e-mail's recipients, when not all of the channel's (a retry for those refused before).
    """
    name = getattr(channel, "name", "?")
    try:
        if channel.type == "slack" and channel.bot_token_env:
            return slack_bot()
        if channel.type == "slack":
            return _post_json(channel, slack(), env, *args)
        if channel.type == "webhook":
            payload, key = webhook()
            return _post_json(channel, payload, env, *args, {IDEMPOTENCY_HEADER: key})
        if channel.type == "email":
            timeout, _retries, _backoff, deadline_s = args
            mail = email()
            recipients = tuple(dict.fromkeys(to or channel.to))  # one listed twice (any case: EmailSpec.to): one RCPT
            sent = _send_email(channel, mail.as_bytes(policy=WIRE_POLICY), env, timeout, deadline_s, recipients)
            if sent.ok:  # its Message-ID, which the incident's later e-mails answer
                sent.external_id = str(mail["Message-ID"])
            return sent
        raise DeliveryError(f"channel {name!r}: unknown channel type {getattr(channel, 'type', None)!r}")
    except DeliveryError as exc:
        return Delivery(name, False, None, str(exc))
    except Exception as exc:
        trace = redact("".join(traceback.format_exception(exc)))
        logger.error("%s: delivery to channel %s failed unexpectedly:\n%s", what, name, trace)
        return Delivery(name, False, None, redact(f"channel {name!r}: {type(exc).__name__}: {exc}"))


def deliver(
    channel: SlackSpec | WebhookSpec | EmailSpec,
    msg: AlertMessage,
    env: Mapping[str, str] = os.environ,
    *,
    attempt: int = 1,
    timeout: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    backoff_factor: float = BACKOFF_FACTOR,
    deadline_s: float = DEFAULT_DEADLINE_S,
    earlier: Earlier | None = None,
    to: tuple[str, ...] | None = None,
) -> Delivery:
    """Send ``msg`` to ``channel``. Never raises for network or configuration problems: ``ok=False`` says why.

    ``env`` is where ``*_env`` secrets are looked up. ``attempt`` numbers the email's Message-ID (a retry of
    the same alert gets a new one). ``timeout`` bounds each connect, read and write (HTTP and SMTP);
    ``retries`` and ``backoff_factor`` apply to the HTTP request; ``deadline_s`` bounds the whole attempt.
    ``earlier``: the channel already has a message of this alert's incident. Then a ``worse`` or ``update``
    alert edits it on Slack with a bot token (:func:`_slack_bot`), and is a short follow-up
    (:func:`~pipeline.alerts.message.render_slack_followup`) on a Slack incoming webhook; e-mail and webhooks
    always get the full message. ``to``: an e-mail channel's recipients this attempt is for, when not all of them
    (a retry for those the server refused for now: :attr:`Delivery.retry_to`).
    """
    attempted_at = datetime.now(UTC)
    args = (timeout, retries, backoff_factor, deadline_s)
    follow_up = earlier is not None and msg.status in ("worse", "update")
    result = _send(
        channel,
        env,
        f"alert {msg.alert_id}",
        args,
        slack_bot=lambda: _slack_bot(channel, msg, env, earlier, *args),
        slack=lambda: render_slack_followup(msg) if follow_up else render_slack(msg),
        webhook=lambda: (render_webhook(msg), idempotency_key(msg, channel)),
        email=lambda: build_email(channel, msg, attempt, earlier),
        to=to,
    )
    result.attempted_at = attempted_at
    name = getattr(channel, "name", "?")
    if result.ok:
        logger.info("alert %s delivered to channel %s (%s)", msg.alert_id, name, result.status)
    else:
        logger.warning("alert %s not delivered to channel %s: %s", msg.alert_id, name, result.error)
    return result


def _message_id(part: str, domain: str) -> str:
    """A Message-ID of ``part`` at ``domain``: letters, digits and ``.-_`` of it kept, anything else a '-' (a
    digest key's ':' cut the header short)."""
    return "<brandpulse." + "".join(c if c.isalnum() or c in ".-_" else "-" for c in part) + f"@{domain}>"


def build_digest_email(channel: EmailSpec, digest: Digest, key: str) -> EmailMessage:
    """The quiet-hours digest as an email: text and HTML alternatives; ``key`` makes its Message-ID."""
    mail = EmailMessage()
    mail["Subject"] = render_digest_subject(digest)
    mail["From"] = formataddr(("brandpulse", channel.sender))
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = _message_id(key, channel.sender.rsplit("@", 1)[1])
    mail.set_content(render_digest_text(digest), cte="quoted-printable")
    mail.add_alternative(render_digest_html(digest), subtype="html", cte="quoted-printable")
    return mail


def deliver_digest(
    channel: SlackSpec | WebhookSpec | EmailSpec,
    digest: Digest,
    key: str,
    env: Mapping[str, str] = os.environ,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    backoff_factor: float = BACKOFF_FACTOR,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> Delivery:
    """Send a quiet-hours digest (one message listing the held alerts) to ``channel``; like :func:`deliver`, never
    raises for network or configuration problems. ``key`` identifies the digest: a webhook's Idempotency-Key
    (``digest:<key>``), the e-mail's Message-ID."""
    name = getattr(channel, "name", "?")
    args = (timeout, retries, backoff_factor, deadline_s)
    result = _send(
        channel,
        env,
        f"digest {key}",
        args,
        slack_bot=lambda: _slack_api(
            channel, "chat.postMessage", {**render_digest_slack(digest), "channel": channel.channel}, env, *args
        )[0],
        slack=lambda: render_digest_slack(digest),
        webhook=lambda: (render_digest_webhook(digest), f"digest:{key}"),
        email=lambda: build_digest_email(channel, digest, key),
    )
    result.external_id = None  # an alert's later 'worse' is a message of its own, never an edit of a digest
    if result.ok:
        logger.info("digest of %d alert(s) delivered to channel %s", len(digest.items), name)
    else:
        logger.warning("digest not delivered to channel %s: %s", name, result.error)
    return result
