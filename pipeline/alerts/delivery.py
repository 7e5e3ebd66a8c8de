"""The nightly ``send_alerts`` step, an explicit resend, and the message of a recorded alert.

:func:`send_alerts` delivers every recorded alert of the last ``alerting.max_age_days`` days that has no
successful delivery on a configured channel yet, and records each attempt in ``alert_deliveries``: a channel added
later, or back after a longer outage, gets only the recent alerts. Nights older than ``alerting.max_age_days``
(backfills) record their alerts with ``send = false`` (see :mod:`pipeline.alerts.incidents`). :func:`resend` sends
any alert, old or backfilled. :func:`message` builds the
validated :class:`~pipeline.alerts.message.AlertMessage` that every channel renders
(:mod:`pipeline.alerts.channels`).

What a delivery guarantees:

- **Recorded before it is sent.** Each attempt is inserted as pending (``ok`` NULL) and committed, in its own
  short transaction, before the network call; its outcome (ok or failed, with status and error) is written
  after. A process killed mid-send leaves the attempt pending: the receiver may have the alert.
- **Slack and e-mail: at most once.** A pending attempt on these channels is not resent by later runs (Slack
  cannot drop a repeat); the step's summary and log, and ``brandpulse alerts``, show it as "pending (possibly
  delivered)", and :func:`resend` (``brandpulse alerts --resend ID``) sends it again on request.
- **Webhooks: at least once.** A pending webhook attempt is resent by the next run; every attempt carries the
  same ``Idempotency-Key: <alert_id>:<channel>`` header, so the receiver can drop the repeat.
- **E-mail recipients refused for now.** An e-mail attempt the server took for some recipients and refused
  for others with a temporary (4xx) reply is delivered, and records those others in ``retry_to``: later runs
  send the alert to them alone (a retry recorded with ``$retry_to``, past the pair's success), until they take it,
  it ages out, or they are removed from the channel's ``to`` (owed no more); a permanent (5xx) refusal is only
  named in the error. A retry left without an answer is pending like any e-mail: they stay owed it, but only
  ``brandpulse alerts --resend ID`` sends it to them again.
- **Quiet hours.** A channel with ``quiet_hours`` gets no alert while they last (unless the alert is critical and
  ``except_critical`` is true, the default): each is recorded once as a ``held`` attempt with the reason, and the
  first run after the hours end sends the channel one digest listing them (headline, severity, time); their
  attempts are recorded with ``via = 'digest'``, pending before the send like any other. A failed digest is
  retried as the same digest (the same Idempotency-Key), apart from alerts held since, which get one of their own.
  ``send_alerts(now=...)`` sets the clock the hours are read against.
- **Nothing hangs the night.** Each attempt ends by ``alerting.delivery_deadline_s``, and the step by
  ``alerting.step_budget_s``: the channels left when the budget runs out are recorded failed ("step budget
  exhausted") without being tried. A failed attempt, whatever the channel, is retried by the next run; a
  receiver that accepted the alert but did not confirm it within the deadline can therefore get it twice, except
  on Slack: a post the deadline cut after it went out is pending (possibly delivered), like one left without an
  answer by its read timeout (one cut while connecting reached nobody, and fails).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.alerts.channels import Delivery, Earlier, deliver, deliver_digest
from pipeline.alerts.message import HOURLY_KINDS, AlertMessage, Digest, DigestItem
from pipeline.charts import alert_chart, hourly_alert_chart
from pipeline.config import Config, report_page
from pipeline.deadline import seconds
from pipeline.files import write_atomic
from pipeline.ledger import new_run_id, record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")

AT_MOST_ONCE = ("slack", "email")  # channel types whose pending attempts wait for an explicit resend
PENDING_WORDS = "pending (possibly delivered)"
IN_FLIGHT_MARGIN_S = 60  # past an attempt's deadline and the sender's wait for the warehouse lock to record the
# answer (lock_timeout_s): a pending attempt younger than all three may still be on the wire, so a resend leaves it


@dataclass
class Attempt:
    """One alert on one channel: the attempt number, and how it ended (None: held back, not tried)."""

    alert_id: str
    channel: str
    attempt: int
    delivery: Delivery | None = None


def message(config: Config, con, alert_id_: str, chart: bool = True):
    """The :class:`~pipeline.alerts.message.AlertMessage` of a recorded alert (with its chart, if wanted). Without
    the chart, an alert of a brand removed from the config since reads as stored (named by its id, times in UTC)."""
    alert = row(
        con.execute(
            "SELECT alert_id, incident_id, brand, kind, status, day, severity, headline, reason, explanation,"
            " model_version FROM alerts WHERE alert_id = ?",
            [alert_id_],
        )
    )
    aid, brand_key, day = alert["alert_id"], alert["brand"], alert["day"]
    ex = json.loads(alert["explanation"])
    brand = next((b for b in config.brands if b.key == brand_key), None)  # None: removed from the config since
    if brand is None and chart:
        brand = config.brand(brand_key)  # its chart needs the brand: a ConfigError that names the known ids
    numbers = {k: v for k, v in ex.items() if k not in ("terms", "sources", "top_mentions")}
    window = None
    if alert["kind"] in HOURLY_KINDS and ex.get("window_start") and ex.get("window_end"):
        window = tuple(datetime.fromisoformat(numbers.pop(k)) for k in ("window_start", "window_end"))
    png = None
    if chart:
        png = (
            hourly_alert_chart(con, brand, *window, model=alert["model_version"])  # the model its figures came from
            if window
            else alert_chart(con, brand, day, model=alert["model_version"])  # the model its figures came from
        )
    report = config.alerting.report_url
    chart_url = None
    if png and report:  # publish the chart beside the reports, so Slack (which needs a URL) can show it
        folder = config.resolve(config.report_dir) / "alerts"
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{aid}.png", png)
        chart_url = f"{report.rstrip('/')}/alerts/{aid}.png"
    return AlertMessage(
        alert_id=aid,
        brand=brand_key,
        brand_name=brand.name if brand else brand_key,
        kind=alert["kind"],
        status=alert["status"],
        severity=alert["severity"],
        day=day,
        headline=alert["headline"],
        reason=alert["reason"],
        numbers=numbers,
        terms=[tuple(t) for t in ex.get("terms", [])],
        sources=[tuple(s) for s in ex.get("sources", [])],
        top_mentions=ex.get("top_mentions", []),
        report_url=f"{report.rstrip('/')}/{report_page(brand_key)}" if report else None,
        chart_png=png,
        chart_url=chart_url,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        timezone=brand.timezone if brand else None,
        incident_id=alert["incident_id"],
    )


def find_alerts(con, alert_id: str) -> list[str]:
    """The ids of the recorded alerts that start with ``alert_id`` (an id or a prefix of one)."""
    found = con.execute("SELECT alert_id FROM alerts WHERE starts_with(alert_id, ?) ORDER BY alert_id", [alert_id])
    return [r["alert_id"] for r in rows(found)]


def _todo(config: Config, con, alert_id: str | None, today: date | None = None) -> list[dict]:
    """The alert × configured channel pairs not delivered yet: of one alert (any), or, with ``alert_id`` None, of
    every alert to send whose day is at most ``alerting.max_age_days`` before ``today`` (default: today's UTC date,
    as :func:`~pipeline.alerts.incidents.detect` counts a night's age). A delivered pair's owed e-mail recipients
    (``retry_to``) are only those still in the channel's ``to``: owed nobody left there, the pair is left (an empty
    list would send the alert to everyone)."""
    channels = [c.name for c in config.alerts]
    listed = {c.name: {a.casefold() for a in getattr(c, "to", ())} for c in config.alerts}
    since = (today or datetime.now(UTC).date()) - timedelta(days=config.alerting.max_age_days)
    params = {
        "channels": channels or [""],
        "alert_id": alert_id,
        "since": since,
        "hourly": list(HOURLY_KINDS),
        "brands": [b.key for b in config.brands] or [""],
    }
    found = execute(con, "alerts/pending_deliveries", params)
    todo = []
    for p in rows(found):
        if p["channel"] not in channels:
            continue
        if p["ok"]:  # delivered: owed only to recipients still listed (removed from `to` since: owed no more)
            p["retry_to"] = [a for a in p["retry_to"] if a.casefold() in listed[p["channel"]]]
            if not p["retry_to"]:
                continue
        todo.append(p)
    return todo


def _record(config: Config, db: Path, query: str, params: dict) -> None:
    """One write to ``alert_deliveries`` in its own short transaction, committed when this returns."""
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        execute(con, query, params)


class _Taken(Exception):
    """An attempt another send recorded first (rolls :func:`_begin`'s transaction back)."""


def _begin(
    config: Config,
    db: Path,
    keys: list[dict],
    run_id: str,
    via: str | None,
    owed: tuple[str, ...] = (),
    external_id: str | None = None,
) -> bool:
    """Record the attempts ``keys`` pending and commit them before anything is sent, all or none: False when
    another send running beside this one (``brandpulse alerts --resend`` during the night) recorded one of them
    first, and sends it; then none is recorded, and this run leaves them to it (no double send, no crash on the
    attempt's key). ``owed``: the attempt is for these e-mail recipients alone, whom a successful attempt left
    owed; recorded with it, so that one cut off mid-send still owes them. ``external_id``: a digest's
    Idempotency-Key, recorded with it, so that a digest that failed or was cut off is resent as itself."""
    try:
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            for key in keys:
                params = {**key, "run_id": run_id, "via": via, "retry_to": list(owed) or None}
                if not rows(execute(con, "alerts/begin_delivery", {**params, "external_id": external_id})):
                    raise _Taken
    except _Taken:
        keys_said = ", ".join(f"{k['alert_id']} to {k['channel']} attempt {k['attempt']}" for k in keys)
        logger.warning(f"alerts: another send recorded {keys_said} first; left to it, not sent twice")
        return False
    return True


def _outcome(d: Delivery, owed: tuple[str, ...] = ()) -> dict:
    """The columns of an attempt's outcome; ok NULL when it is pending (the receiver may have it). ``retry_to``:
    the e-mail recipients still owed the alert after it: those the server refused for now while others took it;
    for an attempt that was itself a retry for ``owed``, those again when it failed or was left pending (the pair
    is then pending: not resent by later runs, at most once, but a resend sends it to them alone), except those
    the server refused for good (every recipient refused, some with a 5xx: they are owed no more), or NULL when
    nothing is owed. A failed first attempt owes nobody in particular: the next run sends it to everyone."""
    ok = None if d.pending else d.ok
    if not owed:
        retry_to = (list(d.retry_to) or None) if d.ok else None
    else:
        retry_to = list(d.retry_to) if d.ok or d.refused else list(owed)
    return {"ok": ok, "status": None if d.status is None else str(d.status), "error": d.error, "retry_to": retry_to}


def _earlier(config: Config, db: Path, p: dict, channel) -> Earlier | None:
    """The message of the same incident this Slack or e-mail channel already has, for a ``worse`` or ``update``
    alert (edited with a bot token, followed up on a webhook, answered by e-mail); None for other alerts and
    channels."""
    if channel.type not in ("slack", "email") or p.get("status") not in ("worse", "update"):
        return None
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        found = row(execute(con, "alerts/earlier_message", {**p, "incident": p["incident_id"]}))
    return None if found is None else Earlier(found["external_id"])


def _attempts(config: Config, db: Path, run_id: str, todo: list[dict], env: Mapping[str, str], ends: float):
    """Try each pair in turn: recorded pending and committed, sent within the attempt's deadline (and before
    ``ends``, the step budget's end on the monotonic clock), then completed. Pairs left when the budget has run
    out, and those of an alert whose message could not be built (logged with its traceback: a damaged
    explanation, a chart that cannot be written), are recorded failed without being tried; a pair whose attempt
    another send recorded first is left to it (:func:`_begin`). Returns the :class:`Attempt` list."""
    budget = seconds(config.alerting.step_budget_s)
    channels = {c.name: c for c in config.alerts}
    messages, unbuilt = {}, {}
    with connect(db, timeout=config.lock_timeout_s) as con:
        for aid in dict.fromkeys(p["alert_id"] for p in todo):
            try:
                messages[aid] = message(config, con, aid)
            except Exception as exc:  # one alert's message (its brand, explanation, chart) never stops the others
                logger.exception(f"alert {aid}: its message could not be built; the other alerts are sent")
                unbuilt[aid] = f"its message could not be built ({type(exc).__name__}: {exc}); retried next run"
    done = []
    for p in todo:
        a = Attempt(p["alert_id"], p["channel"], p["attempts"] + 1)
        key = {"alert_id": a.alert_id, "channel": a.channel, "attempt": a.attempt}
        owed = tuple(p["retry_to"]) if p["ok"] else ()  # delivered, but not to these recipients yet
        left = ends - time.monotonic()
        if left <= 0 or a.alert_id in unbuilt:
            error = unbuilt.get(a.alert_id) or (
                f"step budget exhausted (alerting.step_budget_s = {budget}): not tried, retried next run"
            )
            a.delivery = Delivery(a.channel, False, None, error)
            outcome = {**_outcome(a.delivery, owed), "run_id": run_id, "via": None}
            _record(config, db, "alerts/record_delivery", {**key, **outcome})
        else:
            channel = channels[a.channel]
            earlier = _earlier(config, db, p, channel)
            if not _begin(config, db, [key], run_id, None, owed):  # committed first; another send's
                continue
            deadline = min(config.alerting.delivery_deadline_s, left)
            msg = messages[a.alert_id]
            a.delivery = deliver(
                channel, msg, env, attempt=a.attempt, deadline_s=deadline, earlier=earlier, to=owed or None
            )
            if a.delivery.timed_out and deadline < config.alerting.delivery_deadline_s:
                a.delivery.error += f" (the rest of the step budget, alerting.step_budget_s = {budget})"
            outcome = {**_outcome(a.delivery, owed), "external_id": a.delivery.external_id}
            _record(config, db, "alerts/finish_delivery", {**key, **outcome})
        done.append(a)
    return done


def _quiet(config: Config, db: Path, run_id: str, todo: list[dict], now: datetime) -> tuple[list, list, dict]:
    """Split the pairs by the channels' quiet hours at ``now``: (to send one by one, held, {(channel, digest_key):
    pairs for a digest}). A pair whose channel is quiet (and not a critical alert the channel lets through) is held:
    recorded once as a 'held' attempt with the reason. A pair held earlier (or whose digest failed) whose channel is
    no longer quiet goes into a digest of the channel: the one it was last sent in, if any (``digest_key``), again,
    with the same key, apart from those held since (a webhook receiver that had it can drop the repeat). A delivered
    pair that still owes e-mail recipients the alert (``retry_to``) waits out the quiet hours unrecorded, then goes
    to them alone, never in a digest."""
    channels = {c.name: c for c in config.alerts}
    send, held, digests = [], [], {}
    for p in todo:
        qh = channels[p["channel"]].quiet_hours
        until = qh.until(now) if qh else None
        owed = p["ok"]  # delivered to the others: retried to the recipients it owes
        if until is not None and not (qh.except_critical and p["severity"] == "critical"):
            held.append(p)
            if p["state"] != "held" and not owed:
                local = until.astimezone(ZoneInfo(qh.timezone))
                reason = (
                    f"quiet hours {qh.start}-{qh.end} {qh.timezone}: held until {local:%Y-%m-%d %H:%M %Z}, "
                    "then sent in the channel's digest"
                )
                key = {"alert_id": p["alert_id"], "channel": p["channel"], "attempt": p["attempts"] + 1}
                outcome = {"ok": False, "status": "held", "error": reason, "run_id": run_id, "via": None}
                _record(config, db, "alerts/record_delivery", {**key, **outcome, "retry_to": None})
        elif (p["state"] == "held" or p["via"] == "digest") and not owed:
            digests.setdefault((p["channel"], p["digest_key"]), []).append(p)  # a failed digest: that one again
        else:
            send.append(p)
    return send, held, digests


def _digests(config: Config, db: Path, run_id: str, digests: dict, env: Mapping[str, str], ends: float):
    """One digest message per channel listing its held alerts (one more per failed or pending digest resent): each
    alert's attempt recorded pending (via 'digest') and committed before the send, then completed with the digest's
    outcome. Returns Attempts."""
    channels = {c.name: c for c in config.alerts}
    done = []
    for (name, _key), pairs in digests.items():
        qh = channels[name].quiet_hours
        with connect(db, timeout=config.lock_timeout_s) as con:
            found = rows(
                con.execute(
                    "SELECT alert_id, brand, kind, status, severity, headline, created_at, incident_id FROM alerts"
                    " WHERE list_contains($ids, alert_id) ORDER BY created_at, alert_id",
                    {"ids": [p["alert_id"] for p in pairs]},
                )
            )
        items = [
            DigestItem(a["alert_id"], config.brand(a["brand"]).name, a["kind"], a["status"], a["severity"],
                       a["headline"], a["created_at"], a["incident_id"], a["brand"])
            for a in found
        ]  # fmt: skip
        quiet = f"{qh.start}-{qh.end} {qh.timezone}" if qh else "quiet hours"
        digest = Digest(name, quiet, qh.timezone if qh else "UTC", items)
        attempts = [Attempt(p["alert_id"], name, p["attempts"] + 1) for p in pairs]
        keys = [{"alert_id": a.alert_id, "channel": name, "attempt": a.attempt} for a in attempts]
        left = ends - time.monotonic()
        if left <= 0:
            budget = seconds(config.alerting.step_budget_s)
            error = f"step budget exhausted (alerting.step_budget_s = {budget}): digest not tried, retried next run"
            result = Delivery(name, False, None, error)
            for key in keys:
                _record(config, db, "alerts/record_delivery", {**key, **_outcome(result), "run_id": run_id,
                                                                "via": "digest"})  # fmt: skip
        else:
            ids = " ".join(sorted(a.alert_id for a in attempts)).encode()
            digest_key = f"{name}:{hashlib.sha256(ids).hexdigest()[:16]}"
            # committed before sending, with the digest's key; another send's already
            if not _begin(config, db, keys, run_id, "digest", external_id=digest_key):
                continue
            deadline = min(config.alerting.delivery_deadline_s, left)
            result = deliver_digest(channels[name], digest, digest_key, env, deadline_s=deadline)
            with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
                for key in keys:
                    execute(con, "alerts/finish_delivery", {**key, **_outcome(result), "external_id": digest_key})
        for a in attempts:
            a.delivery = result
        done += attempts
    return done


def send_alerts(
    config: Config, db: Path, run_id: str, env=None, now: datetime | None = None, today: date | None = None
) -> dict:
    """Deliver every alert not yet delivered on each configured channel, of a day at most
    ``alerting.max_age_days`` before ``today`` (default: today's UTC date, as :func:`~pipeline.alerts.incidents.detect`
    counts a night's age); record every attempt (see the module docstring for what is resent and what is held
    back). ``now`` (default: the clock) decides which channels are in their quiet hours. An alert of a brand no
    longer in the config is not sent (its message needs the brand): skipped with a warning, and counted. Returns
    the counts: delivered (alone or in a digest), failed, and, only when there are some, held (quiet hours),
    digests (messages sent for them), not_configured (skipped: the brand was removed), superseded (not sent: a
    later alert of the same incident reached the channel first, after this one failed) and pending (possibly
    delivered: held back from an earlier run, or left so by this one; not counted as failed, as none is retried)."""
    started = datetime.now(UTC)
    now = started if now is None else now
    clock = time.monotonic()
    channels = {c.name: c for c in config.alerts}
    env = os.environ if env is None else env
    with connect(db, timeout=config.lock_timeout_s) as con:
        todo = _todo(config, con, None, today)
    brands = {b.key for b in config.brands}
    unconfigured = [p for p in todo if p["brand"] not in brands]  # the brand was removed from the config since
    superseded = [p for p in todo if p["superseded"] and p["brand"] in brands]  # a later alert of it got there
    todo = [p for p in todo if p["brand"] in brands and not p["superseded"]]
    held = [p for p in todo if p["state"] == "pending" and channels[p["channel"]].type in AT_MOST_ONCE]
    todo = [p for p in todo if p not in held]
    todo, quiet, digests = _quiet(config, db, run_id, todo, now)
    ends = clock + config.alerting.step_budget_s
    # the digests first: they hold the older alerts, and an incident's 'worse' raised since goes after its 'new'
    done = _digests(config, db, run_id, digests, env, ends) if digests else []
    done += _attempts(config, db, run_id, todo, env, ends) if todo else []
    ok = sum(1 for a in done if a.delivery.ok)
    maybe = sum(1 for a in done if a.delivery.pending)  # pending from now on
    failed = len(done) - ok - maybe
    pending = len(held) + maybe
    parts = [f"{ok} delivered", f"{failed} failed (retried next run)"]
    if pending:
        parts.append(f"{pending} {PENDING_WORDS}: not resent (brandpulse alerts --resend ID)")
    if quiet:
        parts.append(f"{len(quiet)} held for quiet hours (sent in a digest when they end)")
    if digests:
        parts.append(f"{len(digests)} quiet-hours digest(s)")
    if superseded:
        parts.append(f"{len(superseded)} not sent: a later alert of their incident reached the channel")
    gone = sorted({p["brand"] for p in unconfigured})
    if unconfigured:
        parts.append(f"{len(unconfigured)} not sent: brand(s) no longer configured ({', '.join(gone)})")
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        record_step(
            con,
            run_id,
            "send_alerts",
            status="success",
            rows_in=len(done) + len(held) + len(quiet) + len(unconfigured) + len(superseded),
            rows_out=ok,
            rows_quarantined=0,
            detail=", ".join(parts) if done or held or quiet or unconfigured or superseded else "nothing to deliver",
            started_at=started,
        )
    for a in done:
        if a.delivery.pending:  # the receiver may have it: not failed
            logger.warning(
                f"alert {a.alert_id} to {a.channel}: {PENDING_WORDS}: attempt {a.attempt} got no answer"
                f" ({a.delivery.error}); not resent. If it did not arrive: brandpulse alerts --resend {a.alert_id}"
            )
        elif not a.delivery.ok:
            logger.warning(f"alert {a.alert_id} to {a.channel} failed (attempt {a.attempt}): {a.delivery.error}")
    for p in held:
        logger.warning(
            f"alert {p['alert_id']} to {p['channel']}: {PENDING_WORDS}: attempt {p['attempts']} was cut off mid-send;"
            f" not resent. If it did not arrive: brandpulse alerts --resend {p['alert_id']}"
        )
    for p in superseded:
        logger.info(
            f"alert {p['alert_id']} to {p['channel']}: not sent, a later alert of its incident reached the channel"
            f" (to send it all the same: brandpulse alerts --resend {p['alert_id']})"
        )
    for brand in gone:
        ids = sorted({p["alert_id"] for p in unconfigured if p["brand"] == brand})
        logger.warning(
            f"{len(ids)} alert(s) of brand {brand!r} not sent: it is no longer in the config ({', '.join(ids)})"
        )
    logger.info("alerts: " + ", ".join(parts))
    counts = {"delivered": ok, "failed": failed}
    if quiet:
        counts["held"] = len(quiet)
    if digests:
        counts["digests"] = len(digests)
    if unconfigured:
        counts["not_configured"] = len(unconfigured)
    if superseded:
        counts["superseded"] = len(superseded)
    return {**counts, "pending": pending} if pending else counts


def resend(config: Config, db: Path, alert_id: str, run_id: str | None = None, env=None) -> list[Attempt]:
    """Send one alert (``alert_id``: its id or a prefix) now to every configured channel that has not confirmed
    it: pending (possibly delivered), failed, or never tried, backfilled night or not. ``brandpulse alerts
    --resend ID``. Raises :class:`LookupError` unless exactly one alert matches, and while an attempt of it may
    still be in flight: pending and begun less than ``alerting.delivery_deadline_s`` + ``lock_timeout_s`` +
    :data:`IN_FLIGHT_MARGIN_S` ago (a resend while the night sends it, or waits for the lock to record Slack's
    answer, would post it twice)."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        ids = find_alerts(con, alert_id)
        if len(ids) != 1:
            raise LookupError(f"{len(ids)} alerts match {alert_id!r}" + (": give more of the id" if ids else ""))
        todo = _todo(config, con, ids[0])
        now = row(con.execute("SELECT now() AS now"))["now"]
    settled = now - timedelta(seconds=config.alerting.delivery_deadline_s + config.lock_timeout_s + IN_FLIGHT_MARGIN_S)
    in_flight = [p for p in todo if p["state"] == "pending" and p["last_attempt_at"] > settled]
    if in_flight:
        said = ", ".join(f"{p['channel']} (attempt {p['attempts']})" for p in in_flight)
        began = max(p["last_attempt_at"] for p in in_flight)
        raise LookupError(
            f"{ids[0]}: the attempt to {said} began {seconds((now - began).total_seconds())} ago and may still be in "
            f"flight; after {(began + (now - settled)).astimezone(UTC):%H:%M:%S} UTC check whether it arrived, then "
            "resend"
        )
    run_id = run_id or new_run_id(datetime.now(UTC).date(), "resend")
    env = os.environ if env is None else env
    return _attempts(config, db, run_id, todo, env, time.monotonic() + config.alerting.step_budget_s) if todo else []
