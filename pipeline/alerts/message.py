"""What an alert says, and that content rendered for each channel.

:class:`AlertMessage` holds everything an alert tells the reader; the renderers turn it into

- :func:`render_text`: plain text (the email's text part, logs, the CLI),
- :func:`render_html`: an HTML email body (Jinja2, autoescaped; the chart is referenced as ``cid:``),
- :func:`render_slack`: a Slack incoming-webhook payload in Block Kit, within Slack's limits,
- :func:`render_webhook`: plain JSON for any other receiver (``schema: "brandpulse.alert/1"``),
- :func:`render_subject`: the one-line email subject.

Texts written by the public (mention texts, terms, channel names) are escaped for each format: HTML-escaped in
the email, ``&<>`` escaped in Slack mrkdwn, whose text objects are ``verbatim`` (so a mention cannot ping
``<!channel>``, nor "@here" as plain text, or forge a link; a brand's name also has its ``* _ ~ ` `` swapped for
look-alikes, so that it shows as written), and only ``http(s)`` URLs ever become links. In every format but the
webhook's JSON a control character other than whitespace (a terminal's ESC) shows as U+FFFD.
"""

from __future__ import annotations

import base64
import math
import numbers
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape as html_escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
import regex

from pipeline import __version__

SCHEMA = "brandpulse.alert/1"
DIGEST_SCHEMA = "brandpulse.digest/1"
HOURLY_KINDS = ("hourly_spike", "volume_spike")  # the hourly watch's alerts: a window of hours, a 48-hour chart
KINDS = ("spike", "shift", *HOURLY_KINDS)
STATUSES = ("new", "worse", "update")  # update: the night's figures for an incident the watch opened

# Slack Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks)
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_CHARS = 150
SLACK_SECTION_CHARS = 3000
SLACK_FIELD_CHARS = 2000
SLACK_MAX_FIELDS = 10
SLACK_MAX_CONTEXT_ELEMENTS = 10
SLACK_MENTIONS = 5
SLACK_MENTION_CHARS = 200

TEXT_MENTION_CHARS = 280
HTML_MENTION_CHARS = 500
MAX_TERMS = 15
MAX_SOURCES = 10

_LABELS = {
    "observed": "Observed",
    "expected": "Expected",
    "volume": "Volume",
    "share": "Negative share",
    "baseline_share": "Baseline share",
    "window_observed": "Observed over the days summed",
    "window_expected": "Expected over the days summed",
    "z": "z",
}


@dataclass
class AlertMessage:
    """Everything an alert says. ``status`` is ``"new"``, ``"worse"`` (an ongoing incident got worse) or
    ``"update"`` (the night's figures for an incident the hourly watch opened)."""

    alert_id: str
    brand: str
    brand_name: str
    kind: str  # "spike" | "shift" | "hourly_spike" | "volume_spike"
    status: str  # "new" | "worse" | "update"
    severity: str
    day: date
    headline: str
    reason: str
    numbers: dict[str, Any] = field(default_factory=dict)
    terms: list[tuple[str, float]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    top_mentions: list[dict[str, Any]] = field(default_factory=list)
    report_url: str | None = None
    chart_png: bytes | None = None
    chart_url: str | None = None  # where the same PNG is published (Slack shows images only from a URL)
    window_start: datetime | None = None  # hourly kinds: the flagged window [start, end), UTC
    window_end: datetime | None = None
    timezone: str | None = None  # the brand's IANA zone: the window in local time too (None: UTC only)
    incident_id: str | None = None  # the incident's first alert (None: this one), the key a paging bridge dedupes on

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"AlertMessage.kind must be one of {KINDS}, not {self.kind!r}")
        if self.status not in STATUSES:
            raise ValueError(f"AlertMessage.status must be one of {STATUSES}, not {self.status!r}")
        if isinstance(self.day, datetime):
            self.day = self.day.date()
        elif isinstance(self.day, str):
            self.day = date.fromisoformat(self.day)
        self.terms = [(str(t), z) for t, z in self.terms]
        self.sources = [(str(s), n) for s, n in self.sources]
        for name in ("window_start", "window_end"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            setattr(self, name, value)
        if self.timezone is not None:
            ZoneInfo(self.timezone)  # an unknown zone fails here, not in a renderer

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AlertMessage:
        """The message back from :func:`render_webhook`'s JSON (e.g. after passing it between Airflow tasks)."""
        chart = d.get("chart_png_base64")
        return cls(
            alert_id=d["alert_id"],
            brand=d["brand"],
            brand_name=d["brand_name"],
            kind=d["kind"],
            status=d["status"],
            severity=d["severity"],
            day=d["day"],
            headline=d["headline"],
            reason=d["reason"],
            numbers=dict(d.get("numbers") or {}),
            terms=[(t["term"], t["z"]) for t in d.get("terms") or []],
            sources=[(s["source"], s["negative"]) for s in d.get("sources") or []],
            top_mentions=[dict(m) for m in d.get("top_mentions") or []],
            report_url=d.get("report_url"),
            chart_png=base64.b64decode(chart) if chart else None,
            chart_url=d.get("chart_url"),
            window_start=(d.get("window") or {}).get("start"),
            window_end=(d.get("window") or {}).get("end"),
            timezone=(d.get("window") or {}).get("timezone"),
            # the JSON names an incident's own first alert too; None is how a message says "this one"
            incident_id=d.get("incident_id") if d.get("incident_id") != d["alert_id"] else None,
        )


# ---------------------------------------------------------------------------------------------------- helpers


_CONTROL = regex.compile(r"\p{Cc}")


def one_line(value: Any) -> str:
    """The value as text on one line, runs of whitespace collapsed and any other control character shown as U+FFFD
    (a mention's ESC sequences, printed by ``brandpulse alerts``, cleared or retitled the analyst's terminal)."""
    return _CONTROL.sub("\ufffd", " ".join(str(value).split())) if value is not None else ""


def cut_whole(s: str, n: int) -> str:
    """``s`` cut to at most ``n`` characters, never inside a user-perceived character (a Unicode extended grapheme
    cluster, ``regex``'s ``\\X``): a letter keeps its marks (a decomposed Polish "ą", an Arabic vowel sign), an emoji
    sequence and a flag stay whole. One cluster longer than ``n`` (a letter under thousands of marks) is cut as is."""
    if n >= len(s):
        return s
    end = 0
    for cluster in regex.finditer(r"\X", s):
        if cluster.end() > n:
            break
        end = cluster.end()
    return s[:end] if end else s[:n]


def truncate(value: Any, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary where one is near, with '…'."""
    s = one_line(value)
    if len(s) <= limit:
        return s
    cut = cut_whole(s, max(limit - 1, 0))
    space = cut.rfind(" ")
    if space >= limit - 20 and space > 0:
        cut = cut[:space]
    return cut.rstrip() + "…"


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL without whitespace or a control character, else None (never link
    ``javascript:``; a C1 CSI, ``\\x9b``, printed by ``brandpulse alerts --show`` moved the analyst's cursor)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(c.isspace() for c in url) or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _is_p(key: str) -> bool:
    return key in ("p", "pvalue") or key.startswith("p_") or key.endswith("_p") or "p_value" in key


def format_number(key: str, value: Any) -> str:
    """A value from ``numbers`` for people: shares as percentages, p-values in scientific notation when tiny."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    k = key.lower()
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return "n/a"
        if _is_p(k):
            return f"{v:.1e}" if v < 1e-4 else f"{v:.4f}"
        if ("share" in k or "rate" in k or k.endswith("_level")) and 0 <= v <= 1:  # a shift's levels: shares
            return f"{v:.1%}"
        if k == "z" or k.startswith("z_") or k.endswith("_z"):
            return f"{v:+.2f}"
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return one_line(value)


def _label(key: str) -> str:
    if key in _LABELS:
        return _LABELS[key]
    words = key.replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else key


def number_rows(msg: AlertMessage) -> list[tuple[str, str]]:
    """``numbers`` as (label, formatted value) rows; nested dicts (e.g. test results) are flattened."""
    rows: list[tuple[str, str]] = []

    def walk(d: dict, prefix: str) -> None:
        for key, value in d.items():
            key = str(key)
            label = f"{prefix} · {_label(key)}" if prefix else _label(key)
            if isinstance(value, dict):
                walk(value, label)
            else:
                rows.append((label, format_number(key, value)))

    walk(msg.numbers, "")
    return rows


def _z(z: Any) -> str:
    try:
        return f"{float(z):.1f}"
    except (TypeError, ValueError):
        return one_line(z)


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, numbers.Integral) else one_line(n)


def _when(value: Any) -> str:
    """'2026-10-14 08:15 UTC' for a time (a datetime, or its ISO-8601 text as an explanation stores it), a date as
    '2026-10-14', anything else as one line."""
    if isinstance(value, str) and len(value) > 10:  # longer than a date: a time, as the stored explanation holds
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return one_line(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M") + " UTC"
    if isinstance(value, date):
        return value.isoformat()
    return one_line(value)


def _mention_meta(m: dict[str, Any]) -> str:
    """'score -0.82 · pl · reddit · r/parcelo · 40 engagements · 2026-10-14 08:15 UTC' for one mention: its score
    beside its text with the language it was read in, as the report lists them (messages stored before they carried
    a score or a language leave those out)."""
    score = m.get("score")
    parts = [f"score {score:+.2f}" if isinstance(score, int | float) else None, one_line(m.get("language"))]
    parts += [one_line(m.get("source")), one_line(m.get("channel"))]
    engagement = m.get("engagement")
    if engagement is not None:
        parts.append(f"{_count(engagement)} engagements")
    parts.append(_when(m.get("created_at")))
    return " · ".join(p for p in parts if p)


_KIND_LABELS = {"hourly_spike": "same-day negative spike", "volume_spike": "same-day volume spike"}


def kind_label(msg: AlertMessage) -> str:
    return _KIND_LABELS.get(msg.kind, f"negative {msg.kind}")


def counts_mentions(kind: str) -> bool:
    """Whether an alert of ``kind`` counts all the window's mentions (a ``volume_spike``: its test counts them all,
    and so do its observed count, sources and top mentions) rather than its negatives (every other kind)."""
    return kind == "volume_spike"


def counted(msg: AlertMessage) -> str:
    """What an alert's sources and top mentions count (:func:`counts_mentions`): "mentions" or "negative"."""
    return "mentions" if counts_mentions(msg.kind) else "negative"


def explained(msg: AlertMessage) -> int | None:
    """How many negatives (a ``volume_spike``'s mentions) the explanation was drawn from (its ``focus_negatives`` or
    ``focus_mentions``); None where the message does not say (one stored before it did)."""
    n = msg.numbers.get("focus_mentions" if counts_mentions(msg.kind) else "focus_negatives")
    return int(n) if isinstance(n, numbers.Integral) and not isinstance(n, bool) else None


def sources_shown(msg: AlertMessage) -> list[tuple[str, Any]]:
    """The sources every channel lists (at most :data:`MAX_SOURCES`), and the rest of the explained count as one
    line, "other origins": the explanation keeps the top 8 origins, so a storm spread wider listed 173 of a shift's
    193 negatives, as if they were all."""
    shown, total = msg.sources[:MAX_SOURCES], explained(msg)
    if total is None or not all(isinstance(n, numbers.Integral) for _, n in shown):
        return shown
    listed = sum(n for _, n in shown)
    return [*shown, ("other origins", total - listed)] if total > listed else shown


def status_label(msg: AlertMessage) -> str:
    return {"new": "New alert", "update": "Update: the day in full"}.get(msg.status, "Update: getting worse")


def hours_span(start: datetime, end: datetime, zone: str, day: str = "%a %d %b") -> str:
    """``start``-``end`` on one clock, e.g. ``08:00-10:00 UTC``: an end at midnight is the day's ``24:00``, and an end
    on a later day names that day (``day``, a strftime format): ``23:00-Thu 15 Oct 01:00 UTC``."""
    last = end - (end - start) / 1_000_000  # an end at midnight belongs to the day before, drawn as 24:00
    to = "24:00" if end.hour == end.minute == 0 and last.date() == start.date() else f"{end:%H:%M}"
    if last.date() != start.date():
        to = f"{end:{day}} {to}"
    return f"{start:%H:%M}-{to} {zone}"


def window_label(msg: AlertMessage) -> str | None:
    """The hours an hourly alert covers, in UTC and, with a brand time zone, local time too, e.g.
    ``Wed 14 Oct 2026 08:00-10:00 UTC (10:00-12:00 Europe/Warsaw)``, or with the zone's abbreviations when the
    clocks change inside the window (``00:00-02:00 UTC (02:00 CEST-03:00 CET Europe/Warsaw)``: two hours, although
    the local clock moved one, and in the hour the clocks show twice: ``01:00-02:00 UTC (02:00 CET-03:00 CET
    Europe/Warsaw)``); None for an alert without a window."""
    start, end = msg.window_start, msg.window_end
    if start is None or end is None:
        return None

    utc = f"{start:%a %d %b %Y} " + hours_span(start, end, "UTC")
    if not msg.timezone or msg.timezone == "UTC":
        return utc
    zone = ZoneInfo(msg.timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = "" if local_start.date() == start.date() else f"{local_start:%a %d %b} "

    def repeated(t: datetime) -> bool:  # a time the local clock shows twice (the hour it goes back)
        return t.replace(fold=1 - t.fold).utcoffset() != t.utcoffset()

    # the clocks change inside the window, or it is in the repeated hour: name the offsets
    if local_start.utcoffset() != local_end.utcoffset() or repeated(local_start) or repeated(local_end):
        to = f"{local_end:%H:%M %Z}" if local_end.date() == local_start.date() else f"{local_end:%a %d %b %H:%M %Z}"
        return f"{utc} ({day}{local_start:%H:%M %Z}-{to} {msg.timezone})"
    return f"{utc} ({day}{hours_span(local_start, local_end, msg.timezone)})"


def render_subject(msg: AlertMessage) -> str:
    """E.g. ``[brandpulse] Parcelo: negative spike on 2026-10-14 (major)``; one line, for email and logs. An hourly
    alert names its window's hours (UTC): ``... on 2026-10-14 08:00-10:00 UTC (major)``, an end at midnight as
    ``24:00`` and one on the next day with its date (``2026-10-14 23:00-2026-10-15 01:00 UTC``)."""
    worse = " getting worse" if msg.status == "worse" else ""
    when = msg.day.isoformat()
    if msg.window_start is not None and msg.window_end is not None:
        when = f"{msg.window_start:%Y-%m-%d} " + hours_span(msg.window_start, msg.window_end, "UTC", "%Y-%m-%d")
    update = ", the day in full" if msg.status == "update" else ""  # not a new page: the watch's alert, completed
    return truncate(f"[brandpulse] {msg.brand_name}: {kind_label(msg)}{worse} on {when}{update} ({msg.severity})", 250)


def chart_cid(msg: AlertMessage) -> str:
    """The Content-ID (without angle brackets) of the chart in the email, stable per alert."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "-" for c in msg.alert_id)[:64] or "alert"
    return f"chart-{safe}@brandpulse"


# ------------------------------------------------------------------------------------------------------- text


def render_text(msg: AlertMessage) -> str:
    """The alert as plain text."""
    lines = [
        render_subject(msg),
        f"{status_label(msg)} · severity {msg.severity}",
        *([f"Covers: {window_label(msg)}"] if window_label(msg) else []),
        "",
        one_line(msg.headline),
        "",
        f"Why: {one_line(msg.reason)}",
    ]
    rows = number_rows(msg)
    if rows:
        width = max(len(label) for label, _ in rows)
        lines += ["", "Numbers"] + [f"  {label + ':':<{width + 1}} {value}" for label, value in rows]
    if msg.terms:
        lines += ["", "Top terms: " + ", ".join(f"{one_line(t)} (z {_z(z)})" for t, z in msg.terms[:MAX_TERMS])]
    if msg.sources:
        lines += ["", "Where: " + ", ".join(f"{one_line(s)} {_count(n)}" for s, n in sources_shown(msg))]
    if msg.top_mentions:
        lines += ["", "Top mentions"]
        for i, m in enumerate(msg.top_mentions, 1):
            lines.append(f"  {i}. {truncate(m.get('text'), TEXT_MENTION_CHARS)}")
            meta = _mention_meta(m)
            if meta:
                lines.append(f"     {meta}")
            url = safe_url(m.get("url"))
            if url:
                lines.append(f"     {url}")
    report = safe_url(msg.report_url)
    if report:
        lines += ["", f"Report: {report}"]
    lines += ["", f"-- brandpulse {__version__} · alert {msg.alert_id}"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------------- HTML

_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<div style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:680px;\
margin:0 auto;padding:20px;background:#ffffff">
<p style="margin:0 0 8px;font-size:13px;color:#656d76">{{ status }} · {{ m.brand_name }} · {{ kind }} · \
{{ m.day.isoformat() }} · severity <strong>{{ m.severity }}</strong></p>
<h1 style="margin:0 0 12px;font-size:20px;line-height:1.3">{{ headline }}</h1>
{% if window %}<p style="margin:0 0 12px;font-size:14px">Covers: <strong>{{ window }}</strong></p>
{% endif %}
<p style="margin:0 0 16px;font-size:15px;line-height:1.5">{{ reason }}</p>
{% if chart_src %}<p style="margin:0 0 16px"><img src="{{ chart_src }}" alt="Negative mentions of \
{{ m.brand_name }} per {{ "hour" if window else "day" }}" \
style="max-width:100%;height:auto;border:1px solid #d0d7de"></p>
{% endif %}
{% if rows %}<table style="border-collapse:collapse;margin:0 0 16px;font-size:14px">
{% for label, value in rows %}<tr><td style="padding:2px 16px 2px 0;color:#656d76">{{ label }}</td>\
<td style="padding:2px 0;font-weight:600">{{ value }}</td></tr>
{% endfor %}</table>
{% endif %}
{% if terms %}<h2 style="margin:16px 0 6px;font-size:15px">Top terms</h2>
<p style="margin:0 0 12px;font-size:14px">{% for term, z in terms %}<code>{{ term }}</code> (z {{ z }})\
{% if not loop.last %}, {% endif %}{% endfor %}</p>
{% endif %}
{% if sources %}<h2 style="margin:16px 0 6px;font-size:15px">Where</h2>
<ul style="margin:0 0 12px;padding-left:20px;font-size:14px">
{% for source, n in sources %}<li>{{ source }}: {{ n }} {{ counted }}</li>
{% endfor %}</ul>
{% endif %}
{% if mentions %}<h2 style="margin:16px 0 6px;font-size:15px">Top mentions</h2>
<ol style="margin:0 0 12px;padding-left:20px;font-size:14px">
{% for x in mentions %}<li style="margin:0 0 10px">{% if x.url %}<a href="{{ x.url }}" dir="auto">{{ x.text }}</a>\
{% else %}<span dir="auto">{{ x.text }}</span>{% endif %}\
{% if x.meta %}<br><span style="font-size:12px;color:#656d76">{{ x.meta }}</span>\
{% endif %}</li>
{% endfor %}</ol>
{% endif %}
{% if report_url %}<p style="margin:16px 0"><a href="{{ report_url }}">Open the full report</a></p>
{% endif %}
<p style="margin:24px 0 0;font-size:12px;color:#656d76">brandpulse {{ version }} · alert {{ m.alert_id }}</p>
</div>
</body>
</html>
"""

_env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
_html_template = _env.from_string(_HTML)


def render_html(msg: AlertMessage, chart_src: str | None = None) -> str:
    """The alert as an HTML email body. Everything is autoescaped; only http(s) URLs become links.

    With a chart, the image's ``src`` is ``chart_src`` if given (a ``data:`` URI or a URL), else
    ``cid:<chart_cid(msg)>``, which the email channel attaches as an inline part.
    """
    if msg.chart_png and not chart_src:
        chart_src = f"cid:{chart_cid(msg)}"
    mentions = [
        {"text": truncate(m.get("text"), HTML_MENTION_CHARS), "url": safe_url(m.get("url")), "meta": _mention_meta(m)}
        for m in msg.top_mentions
    ]
    return _html_template.render(
        m=msg,
        subject=render_subject(msg),
        status=status_label(msg),
        kind=kind_label(msg),
        headline=one_line(msg.headline),
        reason=one_line(msg.reason),
        window=window_label(msg),
        chart_src=chart_src if msg.chart_png else None,
        rows=number_rows(msg),
        terms=[(one_line(t), _z(z)) for t, z in msg.terms[:MAX_TERMS]],
        sources=[(one_line(s), _count(n)) for s, n in sources_shown(msg)],
        counted=counted(msg),
        mentions=mentions,
        report_url=safe_url(msg.report_url),
        version=__version__,
    )


# ------------------------------------------------------------------------------------------------------ Slack


def slack_escape(text: Any) -> str:
    """Escape Slack mrkdwn's control characters ``& < >`` (so text cannot form links or ``<!channel>`` pings)."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MRKDWN_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})


def slack_name(text: Any) -> str:
    """A name (a brand's, or a headline or line that names one) as mrkdwn that shows as written: escaped, and its
    ``* _ ~ ` `` swapped for look-alikes, since mrkdwn has no escape for them (a brand "_Nook_" showed in italics,
    "*NSYNC" made bold the rest of the line up to the severity's closing ``*``)."""
    return slack_escape(text).translate(_MRKDWN_LOOKALIKES)


def _fit(escaped: str, limit: int) -> str:
    """Cut already-escaped mrkdwn to ``limit`` characters without splitting an ``&amp;``-style entity."""
    if len(escaped) <= limit:
        return escaped
    cut = cut_whole(escaped, limit - 1)
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _slack_link(url: str | None, label: str) -> str:
    """``<url|label>`` for an http(s) URL (label escaped), else the escaped label alone."""
    text = slack_escape(label).replace("|", "¦")
    url = safe_url(url)
    if url:
        url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    if not url or len(url) > 1000:  # as sent: an escaped '&' is five characters
        return text
    return f"<{url}|{text}>"


def _mrkdwn(text: str) -> dict:
    """A mrkdwn text object taken as written (``verbatim``): by default Slack parses a plain "@channel" or "@here"
    into a mention, so a mention's text that said one pinged the whole channel; links and pings are only the ones
    written in ``<...>``, which public text cannot hold (:func:`slack_escape`)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": _mrkdwn(_fit(text, SLACK_SECTION_CHARS))}


def render_slack(msg: AlertMessage) -> dict:
    """A Slack incoming-webhook payload: Block Kit blocks plus a ``text`` fallback for notifications.

    Blocks: header (headline), section (status, brand, severity, reason), field sections with the numbers, top
    terms, sources, one section per top mention (at most 5, texts truncated, as links) and a context line. Texts
    are mrkdwn-escaped and cut to Slack's limits (150 chars for the header, 3000 per section text, 2000 per
    field, 10 fields per section, 50 blocks).
    """
    worse = msg.status == "worse"
    header = ("Worse: " if worse else "") + one_line(msg.headline)
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(header, SLACK_HEADER_CHARS), "emoji": True}},
        _section(
            f"*{status_label(msg)}* · {slack_name(msg.brand_name)} · {kind_label(msg)} · "
            f"{msg.day.isoformat()} · severity *{slack_escape(msg.severity)}*\n"
            + (f"Covers: *{slack_escape(window_label(msg))}*\n" if window_label(msg) else "")
            + slack_escape(msg.reason)
        ),
    ]
    chart = safe_url(msg.chart_url)
    if chart:
        alt = f"{msg.brand_name}: the last 60 days of mentions and negative share, {msg.day.isoformat()} marked"
        if window_label(msg):
            alt = f"{msg.brand_name}: the last 48 hours of mentions and negatives, {window_label(msg)} shaded"
        blocks.append({"type": "image", "image_url": chart, "alt_text": truncate(alt, 2000)})
    rows = number_rows(msg)
    for i in range(0, len(rows), SLACK_MAX_FIELDS):
        fields = [
            _mrkdwn(_fit(f"*{slack_escape(label)}*\n{slack_escape(value)}", SLACK_FIELD_CHARS))
            for label, value in rows[i : i + SLACK_MAX_FIELDS]
        ]
        blocks.append({"type": "section", "fields": fields})
    if msg.terms:
        terms = " · ".join(f"`{slack_escape(t).replace('`', 'ˋ')}` z {_z(z)}" for t, z in msg.terms[:MAX_TERMS])
        blocks.append(_section(f"*Top terms*  {terms}"))
    if msg.sources:
        sources = "\n".join(f"• {slack_escape(s)}: {_count(n)} {counted(msg)}" for s, n in sources_shown(msg))
        blocks.append(_section(f"*Where*\n{sources}"))
    mentions = msg.top_mentions[:SLACK_MENTIONS]
    if mentions:
        blocks.append({"type": "divider"})
        # of the negatives they were drawn from, as the explanation counted them: the message holds only the top five,
        # so "5 of 5" said of a 50-negative day that these were all of them
        drawn = explained(msg)
        total = drawn if drawn is not None and drawn >= len(msg.top_mentions) else None
        of = f"{_count(total)} {counted(msg)}" if total is not None else str(len(msg.top_mentions))
        blocks.append(_section(f"*Top mentions* ({len(mentions)} of {of})"))
        for i, m in enumerate(mentions, 1):
            link = _slack_link(m.get("url"), truncate(m.get("text"), SLACK_MENTION_CHARS))
            meta = _mention_meta(m)
            blocks.append(_section(f"{i}. {link}" + (f"\n{slack_escape(meta)}" if meta else "")))
    context = [_mrkdwn(f"brandpulse · alert `{slack_escape(msg.alert_id)}`")]
    report = safe_url(msg.report_url)
    if report:
        context.append(_mrkdwn(_slack_link(report, "Open the full report")))
    blocks.append({"type": "context", "elements": context[:SLACK_MAX_CONTEXT_ELEMENTS]})
    if len(blocks) > SLACK_MAX_BLOCKS:
        blocks = [*blocks[: SLACK_MAX_BLOCKS - 1], blocks[-1]]
    fallback = _fit(slack_escape(f"{header}: {one_line(msg.reason)}"), SLACK_SECTION_CHARS)
    return {"text": fallback, "blocks": blocks}


def render_slack_followup(msg: AlertMessage) -> dict:
    """A short Slack follow-up for a ``worse`` or ``update`` alert of an incident the channel was already told about,
    e.g. ``Update: Parcelo same-day negative spike is worse: now 120 negative mentions (critical), ...``: posted
    instead of the full message where the message cannot be edited (an incoming webhook), and as the thread
    reply under an edited one (a bot token: chat.update notifies nobody)."""
    observed = msg.numbers.get("observed")
    unit = "mentions" if counts_mentions(msg.kind) else "negative mentions"
    now = f"now {format_number('observed', observed)} {unit}" if observed is not None else "now"
    # what it was judged worse than (the incident's alerts so far): a 'worse' of 25 after a page of 40 said no more
    was = msg.numbers.get("worse_than") if msg.status == "worse" else None
    was = was if isinstance(was, dict) else {}
    if was.get("observed") is not None and observed is not None:
        now += f", was {format_number('observed', was['observed'])}"
    severity = f"severity *{slack_escape(msg.severity)}*"
    if was.get("severity") and was["severity"] != msg.severity:
        severity += f", was {slack_escape(was['severity'])}"
    when = window_label(msg) or msg.day.isoformat()
    what = "is worse" if msg.status == "worse" else "has the day in full" if msg.status == "update" else "is new"
    text = (
        f"Update: {slack_name(msg.brand_name)} {kind_label(msg)} {what}: {now} "
        f"({severity}), {slack_escape(when)}. {slack_name(msg.headline)}"
    )
    return {
        "text": _fit(text, SLACK_SECTION_CHARS),
        "blocks": [
            _section(text),
            {
                "type": "context",
                "elements": [_mrkdwn(f"brandpulse · alert `{slack_escape(msg.alert_id)}`")],
            },
        ],
    }


# ---------------------------------------------------------------------------------------------------- webhook


def _json_value(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy-style numbers plain numbers, dates ISO strings."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)


def render_webhook(msg: AlertMessage) -> dict:
    """Plain JSON with every field (``schema: "brandpulse.alert/1"``); the chart as base64 PNG if present."""
    return {
        "schema": SCHEMA,
        "alert_id": msg.alert_id,
        "incident_id": msg.incident_id or msg.alert_id,  # the same for an incident's new, worse and update
        "brand": msg.brand,
        "brand_name": msg.brand_name,
        "kind": msg.kind,
        "status": msg.status,
        "severity": msg.severity,
        "day": msg.day.isoformat(),
        "headline": msg.headline,
        "reason": msg.reason,
        "numbers": _json_value(msg.numbers),
        "terms": [{"term": t, "z": _json_value(z)} for t, z in msg.terms],
        "sources": [{"source": s, "negative": _json_value(n)} for s, n in msg.sources],
        "top_mentions": [_json_value(m) for m in msg.top_mentions],
        "report_url": msg.report_url,
        "chart_png_base64": base64.b64encode(msg.chart_png).decode("ascii") if msg.chart_png else None,
        "chart_content_type": "image/png" if msg.chart_png else None,
        "chart_url": msg.chart_url,
        "window": None
        if msg.window_start is None or msg.window_end is None
        else {
            "start": msg.window_start.isoformat(),
            "end": msg.window_end.isoformat(),
            "timezone": msg.timezone,
            "label": window_label(msg),
        },
        "generator": f"brandpulse/{__version__}",
    }


# ----------------------------------------------------------------------------------------------------- digest


@dataclass
class DigestItem:
    """One alert held during a channel's quiet hours, as its digest lists it."""

    alert_id: str
    brand_name: str
    kind: str
    status: str
    severity: str
    headline: str
    at: datetime  # when the alert was raised
    incident_id: str | None = None  # the incident's first alert's id (None: its own), as an alert's webhook JSON
    brand: str | None = None  # the brand's id


@dataclass
class Digest:
    """The one message a channel gets when its quiet hours end: the alerts held meanwhile, oldest first.
    ``quiet``: the hours, e.g. ``20:00-08:00 Europe/Warsaw``; ``timezone``: the zone the times are shown in."""

    channel: str
    quiet: str
    timezone: str
    items: list[DigestItem]

    def when(self, item: DigestItem) -> str:
        return item.at.astimezone(ZoneInfo(self.timezone)).strftime("%a %d %b %H:%M %Z")

    def line(self, item: DigestItem) -> str:
        kind = _KIND_LABELS.get(item.kind, f"negative {item.kind}")
        return f"{self.when(item)} · {item.severity} · {kind} ({item.status}): {one_line(item.headline)}"


def render_digest_subject(d: Digest) -> str:
    n = len(d.items)
    return truncate(f"[brandpulse] {n} alert{'s' if n != 1 else ''} held during quiet hours ({d.quiet})", 250)


def render_digest_text(d: Digest) -> str:
    lines = [render_digest_subject(d), ""]
    lines += [f"- {d.line(i)}  [{i.alert_id}]" for i in d.items]
    lines += ["", "Full message of one: brandpulse alerts --show ALERT_ID", f"-- brandpulse {__version__}"]
    return "\n".join(lines) + "\n"


def render_digest_html(d: Digest) -> str:
    items = "".join(f"<li>{html_escape(d.line(i))} <code>{html_escape(i.alert_id)}</code></li>" for i in d.items)
    subject = html_escape(render_digest_subject(d))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{subject}</title></head><body>'
        f'<h1 style="font-size:18px">{subject}</h1><ul>{items}</ul>'
        f'<p style="font-size:12px;color:#656d76">brandpulse {__version__}</p></body></html>\n'
    )


def render_digest_slack(d: Digest) -> dict:
    header = render_digest_subject(d).removeprefix("[brandpulse] ")
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(header, SLACK_HEADER_CHARS), "emoji": True}}
    ]
    shown = d.items[: SLACK_MAX_BLOCKS - 2]
    blocks += [_section(f"• {slack_name(d.line(i))}") for i in shown]
    more = len(d.items) - len(shown)
    note = f"brandpulse · {more} more: brandpulse alerts" if more else "brandpulse · full messages: brandpulse alerts"
    blocks.append({"type": "context", "elements": [_mrkdwn(note)]})
    return {"text": _fit(slack_escape(header), SLACK_SECTION_CHARS), "blocks": blocks}


def render_digest_webhook(d: Digest) -> dict:
    return {
        "schema": DIGEST_SCHEMA,
        "channel": d.channel,
        "quiet_hours": d.quiet,
        "alerts": [
            {
                "alert_id": i.alert_id,
                "incident_id": i.incident_id or i.alert_id,  # a paging bridge's key, as in an alert's own JSON
                "brand": i.brand,
                "brand_name": i.brand_name,
                "kind": i.kind,
                "status": i.status,
                "severity": i.severity,
                "headline": i.headline,
                "at": i.at.isoformat(),
            }
            for i in d.items
        ],
        "generator": f"brandpulse/{__version__}",
    }
