"""The nightly ``detect`` step: from daily metrics to recorded, explained alerts.

For each brand, :func:`detect` reads its daily series (``daily_brand_metrics``, all sources) and runs the
spike detector (:mod:`pipeline.detect`) on the night's day, with the brand's sensitivity; every verdict is
recorded in ``detections``. Sustained shifts found by the change-point detector are kept in ``change_points``.
A spike opens an incident, or belongs to the brand's ongoing one: an incident is a chain of flagged days, each
at most ``alerting.cooldown_days`` before the next, whichever detector flagged them (the night's flagged days, the
hourly watch's flagged hours in ``hourly_detections``, and the days of spike-kind alerts: :func:`_chain_start`),
so a storm flagged day after day is one incident, while its alerts alone may be days apart. A negative flag (the
night's ``spike``, the watch's ``hourly_spike``) chains only through negative flags and joins only the incident of
a negative alert: a ``volume_spike`` (a launch, a happy viral thread) never keeps a negative storm going, nor
takes in the negative storm that follows it. A ``volume_spike`` chains through every flag (a surge during a
negative storm is part of it). A chain is read back :data:`INCIDENT_DAYS` (14) days at most: an incident still
flagged but without an alert in two weeks opens anew, and a new storm is never measured against an older page.
A new incident raises a ``new`` alert; an ongoing one raises a ``worse`` alert only when its severity rises or its
negatives reach ``alerting.worsen_ratio`` times the last alert's. A new deterioration shift raises a ``shift``
alert (at most one per brand per 28 days). Each alert carries its explanation: the numbers and tests behind the
decision, the terms most over-represented in the day's negatives against the baseline's (weighted log-odds,
informative prior), the sources and channels that contributed, and the five most-engaged negative mentions with
links (a ``shift``'s: of its negatives since the change point, against the 28 days before it).

Alert ids derive from (brand, kind, day): re-running a night never raises an alert twice. Delivery is
:mod:`pipeline.alerts.delivery`.

The hourly watch's ``detect`` step is :func:`detect_watch`: the intraday detector (:mod:`pipeline.detect_hourly`)
on the brand's hourly series (``hourly_brand_metrics``, five weeks), for the hours the watch run read. Its
flagged hours are recorded in ``hourly_detections`` (a run's verdicts replace those on the hours it examined),
and its ``hourly_spike`` and ``volume_spike`` alerts (ids from brand, kind and the flagged window's start hour)
follow the same incident rule: an ``hourly_spike`` whose chain of negative flagged days reaches a negative alert
(``spike``, ``hourly_spike``), or a ``volume_spike`` whose chain of flagged days reaches an alert of any spike
kind, belongs to that alert's incident, which alerts again only when worse (higher severity than the incident's
alerts of that kind on the chain, or ``worsen_ratio`` times the last one's count). When the night then flags a
``spike`` on a day an ``hourly_spike`` already paged for (``new`` or ``worse``), the nightly alert is recorded as an
``update`` of that incident (its ``incident_id``), so delivery shows it as an update, not a new incident nor a
second ``worse``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from pipeline.alerts.message import HOURLY_KINDS, counts_mentions, hours_span
from pipeline.config import BrandSpec, Config
from pipeline.detect import Sensitivity, change_points, detect_spikes
from pipeline.detect_hourly import detect_intraday
from pipeline.explain import weighted_log_odds
from pipeline.frames import frame
from pipeline.ledger import record_step
from pipeline.metrics import hourly_series, hours_between
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")

HISTORY_DAYS = 180  # the detector's look-back: 112 days for the share dispersion, plus margin
SHIFT_ALERT_GAP = 28  # days between two shift alerts of one brand
SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
NEGATIVE_KINDS = ("spike", "hourly_spike")  # a negative storm's alerts, whichever detector flagged it
SPIKE_KINDS = ("spike", *HOURLY_KINDS)  # the kinds one incident groups
INCIDENT_DAYS = 14  # how far back an incident is read (or cooldown_days, if longer): _chain_start
# a source whose part of a brand's scored mentions moved this much (20 points) across a shift's change point is
# named in the shift's reason: a source that stopped (an outage) or started moves the brand's share negative alone
MIX_MOVE = 0.2
HOURLY_HISTORY = timedelta(days=35)  # the intraday detector's look-back: a 4-week baseline, plus margin


def alert_id(brand: str, kind: str, day: date) -> str:
    return hashlib.sha256(f"{brand}\x1f{kind}\x1f{day.isoformat()}".encode()).hexdigest()[:16]


def sensitivity(brand: BrandSpec):
    sens = Sensitivity.preset(brand.sensitivity)
    return replace(sens, min_volume=brand.min_volume) if brand.min_volume else sens


def _night_model(con, brand: str, day: date) -> str | None:
    """The model version of the brand's metrics of ``day``: the one the night's series and explanation read."""
    found = con.execute(
        "SELECT model_version FROM daily_brand_metrics WHERE brand = $brand AND source = '_all' AND day = $day",
        {"brand": brand, "day": day},
    )
    night = row(found)
    return night["model_version"] if night else None


def _series(con, brand: str, day: date) -> pd.DataFrame:
    """The brand's daily totals (all sources) over the detector's look-back, oldest first, of one model version:
    the night's own (:func:`_night_model`; days another model scored are left out)."""
    return frame(
        con.execute(
            "SELECT day, scored AS volume, n_negative FROM daily_brand_metrics"
            " WHERE brand = $brand AND source = '_all' AND day BETWEEN $start AND $day"
            " AND model_version IS NOT DISTINCT FROM $model ORDER BY day",
            {
                "brand": brand,
                "start": day - timedelta(days=HISTORY_DAYS),
                "day": day,
                "model": _night_model(con, brand, day),
            },
        )
    )


def _untested(con, brand: str, day: date, series: pd.DataFrame, sens: Sensitivity) -> str | None:
    """Why the night of ``day`` could not be tested, when its baseline window holds days another model scored (a
    model change that no ``brandpulse rescore`` has reached): the night's model (:func:`_series`) has fewer than
    ``min_history`` days with mentions in that window, so no spike can be flagged, and a rescore of those days
    would give it enough. None otherwise (a new brand's first weeks, a quiet brand's sparse days, are no news, and
    no rescore would give them a baseline). A night none of whose mentions is scored says so (its series was the
    unscored days alone, and the step sent it to rescore the month before). Without it the step said "0 spike(s)
    flagged" for weeks after a model change, a storm of 50 negatives in 75 among them."""
    guard = sens.max_window - 1
    first, end = day - timedelta(days=guard + sens.baseline_days), day - timedelta(days=guard)
    baseline = sum(1 for d, v in zip(series["day"], series["volume"], strict=True) if first <= d < end and v > 0)
    if baseline >= sens.min_history:
        return None
    model = _night_model(con, brand, day)
    if model is None:  # no mention of the night is scored (its score step failed or never ran): no model changed
        return f"{brand} not tested: none of its mentions of {day} is scored (brandpulse score scores them)"
    other = row(
        con.execute(
            "SELECT count(*) AS n, min(day) AS since FROM daily_brand_metrics"
            " WHERE brand = $brand AND source = '_all' AND day >= $start AND day < $end AND scored > 0"
            " AND model_version IS DISTINCT FROM $model",
            {
                "brand": brand,
                "start": first,
                "end": end,
                "model": model,
            },
        )
    )
    if baseline + other["n"] < sens.min_history:  # none, or too few: a rescore would leave it untested too
        return None
    return (
        f"{brand} not tested: {baseline} baseline day(s) of its model (needs {sens.min_history}), {other['n']} day(s)"
        f" scored by another model left out (brandpulse rescore --since {other['since']})"
    )


def _negative_texts(con, start: date, end: date, skip: list[date]) -> list[tuple[str, str | None]]:
    """The texts (title and body) of the night's negatives (``night_negatives``) between two days, leaving out
    ``skip``, each with its detected language (what :func:`weighted_log_odds` reads)."""
    found = con.execute(
        "SELECT text, language FROM night_negatives"
        " WHERE day BETWEEN $start AND $end AND NOT list_contains($skip, day)",
        {"start": start, "end": end, "skip": skip},
    )
    return [(r["text"], r["language"]) for r in rows(found)]


def _explain(con, brand: BrandSpec, day: date, flagged: list[date], window: int = 1, since: date | None = None) -> dict:
    """Terms, sources and top mentions behind a spike on ``day``. The terms' background is the 28 days before it less
    the earlier flagged days and the other days of the ``window`` the tests summed (a slow-building incident's first
    days, which the detector keeps out of its baseline too: its own complaints there masked its terms).

    ``since``: a shift's first day (its change point): the focus is its negatives from then to ``day``, the
    background the 28 days before it (a shift found days after it began read ``day`` alone against 28 days holding
    the shift itself, whose complaints masked its own terms: the demo's Parcelo shift had none)."""
    first = since or day
    skip = [d for d in flagged if d < first] + [first - timedelta(days=i) for i in range(1, window)]
    # the night's model, as the detector's series (_series): the baseline's negatives are that model's too, never
    # the older model's of days a rescore has not reached (its labels are not this model's)
    model = _night_model(con, brand.key, day)
    # that model's own scores, not each mention's latest: a rescore under way gave some a newer model's
    params = {"brand": brand.key, "start": first - timedelta(days=28), "day": day, "model": model}
    execute(con, "alerts/night_negatives", params)
    focus = _negative_texts(con, first, day, [])
    background = _negative_texts(con, first - timedelta(days=28), first - timedelta(days=1), skip)
    drop = [brand.name, *brand.aliases]
    terms = weighted_log_odds(focus, background, top=10, drop=drop, names=brand.competitors)
    sources = rows(execute(con, "alerts/explain_sources", {"first": first, "day": day}))
    top = rows(
        con.execute(
            "SELECT text, url, score, language, source, channel, engagement, created_at FROM night_negatives"
            " WHERE day BETWEEN $first AND $day ORDER BY engagement DESC NULLS LAST, p_negative DESC, mention_id"
            " LIMIT 5",
            {"first": first, "day": day},
        )
    )
    con.execute("DROP TABLE night_negatives")
    return {
        "terms": [[t.term, round(t.z, 2)] for t in terms],
        "sources": [[s["origin"], s["negatives"]] for s in sources],
        "top_mentions": [{**m, "created_at": m["created_at"].isoformat() if m["created_at"] else None} for m in top],
        "focus_negatives": len(focus),
        "baseline_negatives": len(background),
    }


def _spike_numbers(spike) -> dict:
    """The day's figures, and the tests' as they fired: over the ``window`` days they summed when more than one (a
    slow-building incident's), so the count test's z stands beside its own p (the day's z, +2.49, stood beside the
    3-day sum's p of 0.0001)."""
    summed = spike.window > 1 and spike.window_observed is not None
    z = spike.window_z if summed and spike.window_z is not None else spike.z
    return {
        "observed": spike.observed,
        "expected": round(spike.expected, 1),
        "volume": spike.volume,
        "share": round(spike.share, 4),
        "baseline_share": round(spike.baseline_share, 4),
        **(
            {"window_observed": spike.window_observed, "window_expected": round(spike.window_expected, 1)}
            if summed
            else {}
        ),
        "tests": {
            "count test (day-of-week baseline)": {"p": spike.p_count, "z": round(z, 2)},
            "share test (vs 28-day baseline)": {"p": spike.p_share},
        },
        "days_summed": spike.window,
    }


def detect(config: Config, db: Path, day: date, run_id: str, today: date | None = None) -> list[str]:
    """Run the detectors for ``day`` on every brand; record verdicts and alerts. Returns the new alert ids."""

    started = datetime.now(UTC)
    today = today or datetime.now(UTC).date()
    send = (today - day).days <= config.alerting.max_age_days
    raised, flagged_total, untested = [], 0, []
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        for brand in config.brands:
            sens = sensitivity(brand)
            series = _series(con, brand.key, day)
            if series.empty or series["day"].iloc[-1] != day:
                execute(con, "alerts/save_detection", {"brand": brand.key, "day": day, "flagged": False, **_blank()})
                continue
            note = _untested(con, brand.key, day, series, sens)
            if note:
                logger.warning(f"detect {day}: {note}")
                untested.append(note)
            history = detect_spikes(series, sens)  # the whole history, in order: past spikes leave baselines
            flagged = [s.day for s in history]
            spike = next((s for s in history if s.day == day), None)
            params = {"brand": brand.key, "day": day, "run_id": run_id}
            if spike is None:
                execute(con, "alerts/save_detection", {**params, "flagged": False, **_blank()})
            else:
                flagged_total += 1
                execute(
                    con,
                    "alerts/save_detection",
                    {
                        **params,
                        "flagged": True,
                        "observed": spike.observed,
                        "expected": spike.expected,
                        "volume": spike.volume,
                        "share": spike.share,
                        "baseline_share": spike.baseline_share,
                        "p_count": spike.p_count,
                        "p_share": spike.p_share,
                        "z": spike.z,
                        "severity": spike.severity,
                        "reason": spike.reason,
                    },
                )
                new = _spike_alert(con, config, brand, day, spike, flagged, send, run_id)
                if new:
                    raised.append(new)
            for cp in change_points(series, sens):
                if (day - cp.day).days > 90:
                    continue
                execute(
                    con,
                    "alerts/save_change_point",
                    {
                        "day": cp.day,
                        "brand": brand.key,
                        "before_level": cp.before,
                        "after_level": cp.after,
                        "direction": "worse" if cp.deterioration else "better",
                        "detail": cp.reason,
                        "run_id": run_id,
                        "night": day,
                        "min_days": sens.cp_min_size,
                        "model_version": _night_model(con, brand.key, day),  # the series' (_series)
                    },
                )
                if cp.deterioration and cp.day >= day - timedelta(days=14):
                    new = _shift_alert(con, brand, day, cp, send, run_id)
                    if new:
                        raised.append(new)
        record_step(
            con,
            run_id,
            "detect",
            rows_in=len(config.brands),
            rows_out=len(raised),
            rows_quarantined=0,
            detail=f"{flagged_total} spike(s) flagged, {len(raised)} alert(s) raised"
            + ("" if send else f" (night older than {config.alerting.max_age_days} days: recorded, not sent)")
            + "".join(f"; {note}" for note in untested),
            started_at=started,
        )
    logger.info(f"detect {day}: {flagged_total} spike(s), {len(raised)} new alert(s)")
    return raised


def _blank() -> dict:
    keys = ("observed", "expected", "volume", "share", "baseline_share", "p_count", "p_share", "z")
    return {**dict.fromkeys(keys, 0), "severity": "", "reason": "", "run_id": ""}


def _last_alert(con, brand: str, kind: str, start: date, end: date) -> dict | None:
    """The brand's latest alert of ``kind`` on a day in [start, end), or None."""
    return row(
        con.execute(
            "SELECT alert_id, incident_id, day, severity, observed FROM alerts"
            " WHERE brand = $brand AND kind = $kind AND day >= $start AND day < $end ORDER BY day DESC LIMIT 1",
            {"brand": brand, "kind": kind, "start": start, "end": end},
        )
    )


def _last_hourly_alert(con, brand: str, start: date, day: date) -> dict | None:
    """The brand's latest ``hourly_spike`` alert (the watch's negative page) from the incident's first day up to the
    day after ``day``: the night of ``day`` runs after midnight, when the watch may already have paged for a storm
    that began late on ``day`` (its window starting at 00:00 or 01:00 the next day). A page of ``day`` itself comes
    first: the next day's may be an incident of its own (``alerting.cooldown_days: 0``), not the one of ``day``."""
    return row(
        con.execute(
            "SELECT alert_id, incident_id, day, severity, observed FROM alerts"
            " WHERE brand = $brand AND kind = 'hourly_spike' AND day BETWEEN $start AND $next"
            " ORDER BY day = $day DESC, day DESC, created_at DESC LIMIT 1",
            {"brand": brand, "start": start, "day": day, "next": day + timedelta(days=1)},
        )
    )


def _chained_kinds(kind: str) -> tuple[str, ...]:
    """The alert kinds whose flags and alerts a flag of ``kind`` chains through and joins: a negative flag
    (``spike``, ``hourly_spike``) only negative ones, since a surge of mentions (a launch, a happy viral thread) is
    no sign that a negative storm goes on; a ``volume_spike`` any, since a surge during a negative storm is part
    of it."""
    return SPIKE_KINDS if kind == "volume_spike" else NEGATIVE_KINDS


def _flagged_days(con, brand: str, kinds, since: date, day: date) -> set[date]:
    """The days from ``since`` to ``day`` on which the brand was flagged, as recorded (``alerts/flagged_days``):
    the night's flagged days, the days of the watch's flagged hours of ``kinds``, and the days of the brand's
    alerts of ``kinds``."""
    found = execute(con, "alerts/flagged_days", {"brand": brand, "kinds": list(kinds), "since": since, "day": day})
    return {r["day"] for r in rows(found)}


def _incident_start(flagged, day: date, cooldown_days: int) -> date:
    """The first day of the incident a flag on ``day`` belongs to: back from ``day`` through the ``flagged``
    days, each at most ``cooldown_days`` before the one after it. ``day`` itself when the flag opens one."""
    start = day
    for earlier in sorted((d for d in flagged if d < day), reverse=True):
        if (start - earlier).days > cooldown_days:
            break
        start = earlier
    return start


def _chain_start(con, config: Config, brand: str, kind: str, day: date, flagged=()) -> date:
    """The first day of the chain a flag of ``kind`` on ``day`` belongs to (:func:`_incident_start`): through the
    brand's flagged days of :func:`_chained_kinds` (``flagged``, the night's detector's own, among them), read back
    at most :data:`INCIDENT_DAYS` (or ``alerting.cooldown_days``, if longer). So an incident is seen through its
    last two weeks: one that has not alerted in them, though still flagged, opens anew, and a new storm is never
    measured against an older page."""
    since = day - timedelta(days=max(INCIDENT_DAYS, config.alerting.cooldown_days))
    days = {*(d for d in flagged if d >= since), *_flagged_days(con, brand, _chained_kinds(kind), since, day)}
    return _incident_start(days, day, config.alerting.cooldown_days)


def _chain_end(con, config: Config, brand: str, kind: str, day: date) -> date:
    """The last day of the chain a flag of ``kind`` on ``day`` belongs to, forward through the flagged days later
    nights (or the watch) recorded, each at most ``alerting.cooldown_days`` after the one before it, read at most as
    far as :func:`_chain_start` reads back: a night re-run after later ones (it crashed, they ran) finds the
    incident they paged. ``day`` itself when none is recorded after it."""
    until = day + timedelta(days=max(INCIDENT_DAYS, config.alerting.cooldown_days))
    end = day
    for later in sorted(d for d in _flagged_days(con, brand, _chained_kinds(kind), day, until) if d > day):
        if (later - end).days > config.alerting.cooldown_days:
            break
        end = later
    return end


def _worse_than(severities, observed: int | None) -> dict:
    """What a ``worse`` alert was judged against, for its explanation (``worse_than``): the highest ``severity`` of
    the incident's alerts it was compared with, and the ``observed`` count its ``worsen_ratio`` was taken of (left
    out where counts are not compared: the night's day against the watch's hours)."""
    severity = max(severities, key=lambda s: SEVERITY_RANK.get(s, 0))
    return {"severity": severity, **({"observed": observed} if observed is not None else {})}


def _severer(spike, was: dict) -> bool:
    """Whether ``spike``'s severity ranks above the highest of the incident's alerts (:func:`_worse_than`)."""
    return SEVERITY_RANK[spike.severity] > SEVERITY_RANK.get(was["severity"], 0)


def _worse_note(was: dict, spike, unit: str) -> str:
    """The reason's words for :func:`_worse_than`: what got worse and by how much (a 'worse' of 25 negatives after
    a page of 40 said "getting worse" and no more: its severity had risen from major to critical)."""
    parts = []
    if _severer(spike, was):
        parts.append(f"severity {was['severity']} → {spike.severity}")
    if was.get("observed") is not None:
        parts.append(f"{was['observed']} → {spike.observed} {unit}")
    return "; worse than the incident's alerts so far: " + ", ".join(parts)


def _record_alert(con, fields: dict) -> str | None:
    """Insert an alert; its id, or None when the alert is already recorded (a re-run of the night). Its
    ``created_at`` is this moment, not the transaction's start (DuckDB's ``now()``): alerts one run raises keep
    the order they were raised in, so a ``new`` alert is delivered before the ``worse`` that follows it. Its
    ``model_version``: the model whose metrics its detector and explanation read, which its chart draws however
    late it is sent (a rescore may have moved its day on to another model since); None where not known."""
    inserted = row(execute(con, "alerts/insert", {"model_version": None, **fields, "created_at": datetime.now(UTC)}))
    return inserted["alert_id"] if inserted else None


def _spike_alert(
    con, config: Config, brand: BrandSpec, day: date, spike, flagged, send: bool, run_id: str
) -> str | None:
    # The incident: the days flagged negative back from this one (the detector's, the recorded ones, the watch's)
    start = _chain_start(con, config, brand.key, "spike", day, flagged)
    end = _chain_end(con, config, brand.key, "spike", day)  # a later night's alert on the chain: a re-run's incident
    # the chain's latest night alert (a later night's first; this day's own is a re-run's, which records nothing)
    last = _last_alert(con, brand.key, "spike", start, end + timedelta(days=1))
    hourly = _last_hourly_alert(con, brand.key, start, day)
    if hourly is not None and hourly["day"] >= day:  # the watch paged for this day (or its night, after midnight),
        status, incident = "update", hourly["incident_id"]  # 'new' or 'worse': the day in full is an update of it
    elif last is not None:  # an ongoing incident the night already alerted for: worse than its last alert
        incident = last["incident_id"]
        alerted = row(  # the incident's night alerts on the chain: a severity above all of them, not just the last's;
            # told: one was sent, automatically or by a `--resend` of a backfilled night's (delivered somewhere)
            con.execute(
                "SELECT list(severity) FILTER (WHERE kind = 'spike') AS severities, bool_or(send OR alert_id IN"
                " (SELECT alert_id FROM alert_deliveries WHERE ok)) AS told FROM alerts"
                " WHERE incident_id = $incident AND day BETWEEN $start AND $end AND day <> $day",
                {"incident": incident, "start": start, "end": end, "day": day},
            )
        )
        was = _worse_than(alerted["severities"] or [last["severity"]], last["observed"])
        worse = _severer(spike, was) or (spike.observed >= config.alerting.worsen_ratio * (last["observed"] or 0))
        if send and not alerted["told"]:  # opened by backfilled nights, which page no one: its first page, now
            status = "new"
        elif not worse:
            logger.info(f"detect {brand.key} {day}: spike within incident {incident}, not worse: no new alert")
            return None
        else:
            status = "worse"
    elif hourly is not None:  # the watch paged on an earlier day of the incident: worse only by severity (the
        incident = hourly["incident_id"]  # counts are an hour's there, a day's here), above its highest so far
        paged = row(  # the watch's negative pages of the incident on its chain
            con.execute(
                "SELECT list(severity) AS severities FROM alerts"
                " WHERE incident_id = $incident AND kind = 'hourly_spike' AND day >= $start",
                {"incident": incident, "start": start},
            )
        )["severities"] or [hourly["severity"]]
        was = _worse_than(paged, None)  # an hour's count is no measure of a day's
        if not _severer(spike, was):
            logger.info(f"detect {brand.key} {day}: spike within incident {incident}, not worse: no new alert")
            return None
        status = "worse"
    else:
        status, incident = "new", None
    aid = alert_id(brand.key, "spike", day)
    numbers = _spike_numbers(spike)
    reason = spike.reason
    if status == "worse":
        numbers["worse_than"] = was
        reason += _worse_note(was, spike, "negative mentions")
    explanation = {**numbers, **_explain(con, brand, day, flagged, spike.window)}
    word = {"worse": "getting worse", "update": "the day in full"}.get(status, "negative spike")
    headline = (
        f"{brand.name}: {word} on {day:%a %d %b %Y}: {spike.observed} negative mentions "
        f"({spike.share:.0%} of {spike.volume}), {spike.expected:.1f} expected"  # as its reason: not "0 expected"
    )
    return _record_alert(
        con,
        {
            "alert_id": aid,
            "incident_id": incident or aid,
            "brand": brand.key,
            "kind": "spike",
            "status": status,
            "day": day,
            "severity": spike.severity,
            "headline": headline,
            "reason": reason,
            "observed": spike.observed,
            "expected": spike.expected,
            "explanation": json.dumps(explanation, default=str),
            "send": send,
            "run_id": run_id,
            "model_version": _night_model(con, brand.key, day),
        },
    )


def _shift_alert(con, brand: BrandSpec, day: date, cp, send: bool, run_id: str) -> str | None:
    # one shift alert per brand per SHIFT_ALERT_GAP days, also a later night's: a night re-run after later ones (it
    # crashed, they ran and one alerted for the shift) finds the same shift, and paged a second time as 'new'
    start = day - timedelta(days=SHIFT_ALERT_GAP - 1)
    if _last_alert(con, brand.key, "shift", start, day + timedelta(days=SHIFT_ALERT_GAP)) is not None:
        return None
    aid = alert_id(brand.key, "shift", day)
    headline = f"{brand.name}: sustained rise in negative share since {cp.day:%d %b}: {cp.before:.0%} → {cp.after:.0%}"
    mix = _source_mix(con, brand.key, day, cp)
    explanation = {
        "change_point": cp.day.isoformat(),
        "before_level": round(cp.before, 4),
        "after_level": round(cp.after, 4),
        "tests": {"Welch t-test between segments": {"p": cp.p_value}},
        "days_before": cp.days_before,
        "days_after": cp.days_after,
        "source_mix": mix,
        **_explain(con, brand, day, [], since=min(cp.day, day)),
    }
    return _record_alert(
        con,
        {
            "alert_id": aid,
            "incident_id": aid,
            "brand": brand.key,
            "kind": "shift",
            "status": "new",
            "day": day,
            "severity": "major" if cp.after - cp.before >= 0.1 else "minor",
            "headline": headline,
            "reason": cp.reason + _mix_note(mix),
            "observed": None,
            "expected": None,
            "explanation": json.dumps(explanation, default=str),
            "send": send,
            "run_id": run_id,
            "model_version": _night_model(con, brand.key, day),
        },
    )


def _source_mix(con, brand: str, day: date, cp) -> list[dict]:
    """The sources whose part of the brand's scored mentions moved by :data:`MIX_MOVE` or more between a shift's
    segment before its change point (from its ``since``) and the days since, to the night ``day``; the most
    moved first. Each: ``source``, ``before``/``since`` (its part of the scored mentions), ``negative_before``/
    ``negative_since`` (its own share negative; None where it had no scored mention). The night's model, as the
    detector's series (:func:`_series`)."""
    params = {"brand": brand, "start": cp.since, "cp": cp.day, "day": day, "model": _night_model(con, brand, day)}
    return _moved_sources(rows(execute(con, "alerts/source_mix", params)))


def _moved_sources(found: list[dict]) -> list[dict]:
    """:func:`_source_mix` of its query's rows (``alerts/source_mix``): each source's scored mentions and negatives
    before and since."""
    total_before = sum(r["before_scored"] for r in found)
    total_since = sum(r["since_scored"] for r in found)
    if not total_before or not total_since:
        return []

    def share(negative: int, scored: int) -> float | None:
        return round(negative / scored, 4) if scored else None

    moved = [
        {
            "source": r["source"],
            "before": round(r["before_scored"] / total_before, 4),
            "since": round(r["since_scored"] / total_since, 4),
            "negative_before": share(r["before_negative"], r["before_scored"]),
            "negative_since": share(r["since_negative"], r["since_scored"]),
        }
        for r in found
    ]

    def move(m: dict) -> float:  # to the parts' 4 decimals: 30% - 10% is 0.19999999999999998 in floats
        return round(abs(m["since"] - m["before"]), 4)

    return sorted((m for m in moved if move(m) >= MIX_MOVE), key=lambda m: (-move(m), m["source"]))


def _mix_note(mix: list[dict]) -> str:
    """The shift reason's words for :func:`_source_mix` ('' when no source's part moved): each moved source's part
    of the mentions before and since, and its own share negative where it had mentions on both sides, so a reader
    sees whether the sources grew more negative or only their mix changed."""
    if not mix:
        return ""

    def one(m: dict) -> str:
        own = m["negative_before"] is not None and m["negative_since"] is not None
        tone = f" ({m['negative_before']:.0%} → {m['negative_since']:.0%} negative)" if own else ""
        return f"{m['source']} {m['before']:.0%} → {m['since']:.0%} of mentions{tone}"

    return "; the sources' mix moved too: " + ", ".join(one(m) for m in mix)


# ------------------------------------------------------------------------------------ the hourly watch


def window_alert_id(brand: str, kind: str, start: datetime) -> str:
    """An hourly alert's id: from (brand, kind, the flagged window's start hour), so a re-run raises it once."""
    return hashlib.sha256(f"{brand}\x1f{kind}\x1f{start.astimezone(UTC).isoformat()}".encode()).hexdigest()[:16]


def _hourly_model(con, brand: str, end: datetime) -> str | None:
    """The model version of the brand's latest scored hour before ``end``: the one its hourly series is read in."""
    found = con.execute(
        "SELECT model_version FROM hourly_brand_metrics WHERE brand = $brand AND source = '_all' AND hour < $end"
        " AND model_version IS NOT NULL ORDER BY hour DESC LIMIT 1",
        {"brand": brand, "end": end},
    )
    latest = row(found)
    return latest["model_version"] if latest else None


def _hourly_series(con, brand: str, start: datetime, end: datetime) -> pd.DataFrame:
    """The brand's hourly totals (all sources) from ``start`` to before ``end``, of one model version (the
    latest hour's, :func:`_hourly_model`), oldest first: ``hour``, ``volume`` (scored mentions), ``n_negative``;
    an ``end`` inside an hour ends it with that hour so far (:func:`pipeline.metrics.hourly_series`, which the
    hourly alert chart reads too)."""
    return hourly_series(con, brand, start, end).drop(columns="model")


def _explain_window(con, brand: BrandSpec, start: datetime, end: datetime, kind: str = "hourly_spike") -> dict:
    """Terms, sources and top mentions behind an hourly alert's window ``[start, end)``: the negatives of the model
    the detector read (:func:`_hourly_model`), in the window and in its 28 days before (never an older model's
    labels of days a rescore has not reached). A ``volume_spike``'s: all the mentions that model scored (what its
    test counted), as ``focus_mentions`` and ``baseline_mentions``: a surge of mentions that are not negative (a
    launch, a viral thread whose tone is not clear yet) was explained by its few negatives, or by nothing at all."""
    negatives = not counts_mentions(kind)
    where = (
        " WHERE brand = $brand AND created_at >= $start AND created_at < $end"
        " AND model_version IS NOT DISTINCT FROM $model" + (" AND label = 'negative'" if negatives else "")
    )
    params = {"brand": brand.key, "start": start, "end": end, "model": _hourly_model(con, brand.key, end)}
    texts = "SELECT mention_text(title, text) AS text, language FROM v_mentions_scored"
    focus = [(r["text"], r["language"]) for r in rows(con.execute(texts + where, params))]
    background = [
        (r["text"], r["language"])
        for r in rows(con.execute(texts + where, {**params, "start": start - timedelta(days=28), "end": start}))
    ]
    terms = weighted_log_odds(focus, background, top=10, drop=[brand.name, *brand.aliases], names=brand.competitors)
    sources = rows(
        con.execute(
            "SELECT source || coalesce(' · ' || coalesce(channel, platform), '') AS origin, count(*) AS negatives"
            " FROM v_mentions_scored" + where + " GROUP BY ALL ORDER BY negatives DESC, origin LIMIT 8",
            params,
        )
    )
    top = rows(
        con.execute(
            "SELECT mention_text(title, text) AS text, url, score, language, source, channel,"
            " coalesce(engagement, 0) AS engagement, created_at"
            " FROM v_mentions_scored" + where + " ORDER BY engagement DESC NULLS LAST, p_negative DESC, mention_id"
            " LIMIT 5",
            params,
        )
    )
    return {
        "terms": [[t.term, round(t.z, 2)] for t in terms],
        "sources": [[s["origin"], s["negatives"]] for s in sources],
        "top_mentions": [{**m, "created_at": m["created_at"].isoformat() if m["created_at"] else None} for m in top],
        f"focus_{'negatives' if negatives else 'mentions'}": len(focus),
        f"baseline_{'negatives' if negatives else 'mentions'}": len(background),
    }


def detect_watch(
    config: Config, db: Path, start: datetime, end: datetime, run_id: str, today: date | None = None
) -> list[str]:
    """The watch's ``detect`` step: the intraday detector on every brand's hourly series, for the hours
    overlapping ``[start, end)``; records its verdicts on those hours (``hourly_detections``: the flagged ones)
    and ``hourly_spike`` / ``volume_spike`` alerts (same incidents, cooldown, ``worse`` and explanations as the
    night's). Returns the new alert ids."""
    started = datetime.now(UTC)
    today = today or datetime.now(UTC).date()
    send = (today - end.date()).days <= config.alerting.max_age_days
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    periods = hours_between(start, end)  # from ``first``, hour by hour, while before ``end``
    raised, flagged_total = [], 0
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        for brand in config.brands:
            series = _hourly_series(con, brand.key, end - HOURLY_HISTORY, end)
            if series.empty:
                continue
            spikes = detect_intraday(series, periods=periods, timezone=brand.timezone, until=end)
            flagged_total += len(spikes)
            _record_flags(con, brand.key, periods, spikes, run_id)  # before the alerts: they chain through them
            for spike in spikes:
                new = _hourly_alert(con, config, brand, spike, send, run_id)
                if new:
                    raised.append(new)
        record_step(
            con,
            run_id,
            "detect",
            rows_in=len(config.brands),
            rows_out=len(raised),
            rows_quarantined=0,
            detail=f"{flagged_total} hour(s) flagged from {first:%Y-%m-%d %H:%M} UTC, {len(raised)} alert(s) raised"
            + ("" if send else f" (older than {config.alerting.max_age_days} days: recorded, not sent)"),
            started_at=started,
        )
    logger.info(f"detect (watch) {first:%Y-%m-%d %H:%M}..{end:%H:%M}: {flagged_total} flag(s), {len(raised)} alert(s)")
    return raised


def _number(value: float | None, digits: int | None = None) -> float | None:
    """A detector figure as stored, rounded to ``digits`` if given: NaN (no negatives to take a share of) as
    None."""
    if value is None or value != value:
        return None
    return value if digits is None else round(value, digits)


def _record_flags(con, brand: str, hours: list[datetime], spikes, run_id: str) -> None:
    """Record the intraday detector's verdicts on the ``hours`` a watch run examined: its flags (``spikes``) in
    ``hourly_detections``, replacing what an earlier run recorded for those hours."""
    execute(con, "alerts/clear_hourly_detections", {"brand": brand, "hours": hours})
    for spike in spikes:
        start = spike.start.to_pydatetime()
        execute(
            con,
            "alerts/save_hourly_detection",
            {
                "hour": spike.period.to_pydatetime(),
                "brand": brand,
                "kind": spike.kind,
                "day": start.date(),
                "window_start": start,
                "window_end": spike.end.to_pydatetime(),
                "observed": spike.observed,
                "expected": spike.expected,
                "volume": spike.volume,
                "share": _number(spike.share),
                "baseline_share": _number(spike.baseline_share),
                "p_count": spike.p_count,
                "p_share": spike.p_share,
                "z": spike.z,
                "severity": spike.severity,
                "reason": spike.reason,
                "run_id": run_id,
            },
        )


def _hourly_alert(con, config: Config, brand: BrandSpec, spike, send: bool, run_id: str) -> str | None:
    start, end = spike.start.to_pydatetime(), spike.end.to_pydatetime()
    day = start.date()
    first = _chain_start(con, config, brand.key, spike.kind, day)
    until = _chain_end(con, config, brand.key, spike.kind, day)  # a replayed hour: the incident a later run paged
    last = row(  # the incident: the brand's latest alert of the kinds this flag joins on its chain of flagged days
        con.execute(
            "SELECT alert_id, incident_id, kind, day, severity, observed FROM alerts"
            " WHERE brand = $brand AND list_contains($kinds, kind) AND day BETWEEN $start AND $day"
            " ORDER BY day DESC, created_at DESC LIMIT 1",
            {"brand": brand.key, "kinds": list(_chained_kinds(spike.kind)), "start": first, "day": until},
        )
    )
    aid = window_alert_id(brand.key, spike.kind, start)
    if last is not None:
        incident = last["incident_id"]
        # the incident's alerts of this kind on the chain: severities on the same (hourly) scale, each alert's hour
        # as its latest verdict has it: a 15-minute run paged the hour so far, and later runs of that hour flagged it
        # whole (in hourly_detections; its alert, raised once, keeps the first figures), so the next hour was
        # 'getting worse' against the first quarter's 30 negatives where the hour ended with 60. The hour is the one
        # the alert's window ends in, not its start: a first quarter paged with the hour before it (07:00-08:15), and
        # the hour flagged whole later alone (08:00-09:00), was still judged by the alert's first figures
        same_kind = row(
            con.execute(
                "SELECT arg_max(greatest(a.observed, coalesce(d.observed, a.observed)), a.created_at) AS observed,"
                " list(a.severity) || coalesce(flatten(list(d.severities)), []) AS severities FROM alerts AS a"
                " LEFT JOIN (SELECT hour, observed, [severity] AS severities"
                "  FROM hourly_detections WHERE brand = $brand AND kind = $kind) AS d"
                "  ON d.hour = date_trunc('hour', CAST(a.explanation->>'window_end' AS TIMESTAMPTZ)"
                "  - INTERVAL 1 MICROSECOND)"
                " WHERE a.incident_id = $incident AND a.kind = $kind AND a.day >= $start",
                {"incident": incident, "kind": spike.kind, "start": first, "brand": brand.key},
            )
        )
        seen = same_kind["severities"] or [last["severity"]]  # none of this kind yet: the incident's latest alert
        was = _worse_than(seen, same_kind["observed"])
        worse = _severer(spike, was) or (
            same_kind["observed"] is not None and spike.observed >= config.alerting.worsen_ratio * same_kind["observed"]
        )
        if not worse:
            logger.info(
                f"detect {brand.key} {start:%Y-%m-%d %H:%M}: {spike.kind} within incident {incident}, not worse"
            )
            return None
        status = "worse"
    else:
        status, incident = "new", aid
    # the window's date, not "today": a replay or backfill records an hour of another day, and an alert is sent
    # later than it is raised (held through quiet hours, retried, resent)
    span = f"{start:%a %d %b %Y} {hours_span(start, end, 'UTC')}"
    if spike.kind == "hourly_spike":
        what = "getting worse" if status == "worse" else "negative spike"
        headline = (
            f"{brand.name}: {what}, {span}: {spike.observed} negative mentions "
            f"({spike.share:.0%} of {spike.volume}), {spike.expected:.1f} expected"  # as its reason: not "0 expected"
        )
        tests = {
            "count test (hour-of-week baseline)": {"p": spike.p_count, "z": round(spike.z, 2)},
            "share test (vs 4-week baseline)": {"p": spike.p_share},
        }
    else:
        what = "getting worse" if status == "worse" else "volume spike"
        headline = f"{brand.name}: {what}, {span}: {spike.observed} mentions, {spike.expected:.1f} expected"
        tests = {"volume test (hour-of-week baseline)": {"p": spike.p_count, "z": round(spike.z, 2)}}
    numbers = {
        "observed": spike.observed,
        "expected": round(spike.expected, 1),
        "volume": spike.volume,
        "share": _number(spike.share, 4),
        "baseline_share": _number(spike.baseline_share, 4),
        "tests": tests,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "hours_summed": spike.window,
    }
    reason = spike.reason
    if status == "worse":
        numbers["worse_than"] = was
        reason += _worse_note(was, spike, "mentions" if counts_mentions(spike.kind) else "negative mentions")
    explanation = {**numbers, **_explain_window(con, brand, start, end, spike.kind)}
    return _record_alert(
        con,
        {
            "alert_id": aid,
            "incident_id": incident,
            "brand": brand.key,
            "kind": spike.kind,
            "status": status,
            "day": day,
            "severity": spike.severity,
            "headline": headline,
            "reason": reason,
            "observed": spike.observed,
            "expected": spike.expected,
            "explanation": json.dumps(explanation, default=str),
            "send": send,
            "run_id": run_id,
            "model_version": _hourly_model(con, brand.key, end),
        },
    )
