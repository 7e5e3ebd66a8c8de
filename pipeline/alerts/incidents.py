"""The nightly ``detect`` step: from daily metrics to recorded, explained alerts.

For each brand, :func:`detect` reads its daily series (``daily_brand_metrics``, all sources) and runs the
spike detector (:mod:`pipeline.detect`) on the night's day, with the brand's sensitivity; every verdict is
recorded in ``detections``. Sustained shifts found by the change-point detector are kept in ``change_points``.
A spike opens an incident, or belongs to the brand's ongoing one when the last flagged day is at most
``alerting.cooldown_days`` before it. A new incident raises a ``new`` alert; an ongoing one raises a ``worse``
alert only when its severity rises or its negatives reach ``alerting.worsen_ratio`` times the last alert's. A
new deterioration shift raises a ``shift`` alert (at most one per brand per 28 days). Each alert carries its
explanation: the numbers and tests behind the decision, the terms most over-represented in the day's
negatives against the baseline's (weighted log-odds, informative prior), the sources and channels that
contributed, and the five most-engaged negative mentions with links.

Alert ids derive from (brand, kind, day): re-running a night never raises an alert twice. Delivery is
:mod:`pipeline.alerts.delivery`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from pipeline.config import BrandSpec, Config
from pipeline.detect import Sensitivity, change_points, detect_spikes
from pipeline.explain import weighted_log_odds
from pipeline.frames import frame
from pipeline.ledger import record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")

HISTORY_DAYS = 180  # the detector's look-back: 112 days for the share dispersion, plus margin
SHIFT_ALERT_GAP = 28  # days between two shift alerts of one brand
SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}


def alert_id(brand: str, kind: str, day: date) -> str:
    return hashlib.sha256(f"{brand}\x1f{kind}\x1f{day.isoformat()}".encode()).hexdigest()[:16]


def sensitivity(brand: BrandSpec):
    sens = Sensitivity.preset(brand.sensitivity)
    return replace(sens, min_volume=brand.min_volume) if brand.min_volume else sens


def _series(con, brand: str, day: date) -> pd.DataFrame:
    """The brand's daily totals (all sources) over the detector's look-back, oldest first."""
    return frame(
        con.execute(
            "SELECT day, scored AS volume, n_negative FROM daily_brand_metrics"
            " WHERE brand = $brand AND source = '_all' AND day BETWEEN $start AND $day"
            # one model version per series: the night's own (days another model scored are left out)
            "   AND model_version IS NOT DISTINCT FROM (SELECT model_version FROM daily_brand_metrics"
            "       WHERE brand = $brand AND source = '_all' AND day = $day)"
            " ORDER BY day",
            {"brand": brand, "start": day - timedelta(days=HISTORY_DAYS), "day": day},
        )
    )


def _negative_texts(con, brand: str, start: date, end: date, skip: list[date]) -> list[str]:
    """The texts (title and body) of the brand's negative mentions between two days, leaving out ``skip``."""
    found = con.execute(
        "SELECT coalesce(title || ' ' || text, text) AS text FROM v_mentions_scored"
        " WHERE brand = $brand AND label = 'negative' AND day BETWEEN $start AND $end"
        " AND NOT list_contains($skip, day)",
        {"brand": brand, "start": start, "end": end, "skip": skip},
    )
    return [r["text"] for r in rows(found)]


def _explain(con, brand: BrandSpec, day: date, flagged: list[date]) -> dict:
    """Terms, sources and top mentions behind a spike on ``day``."""

    skip = [d for d in flagged if d < day]
    focus = _negative_texts(con, brand.key, day, day, [])
    background = _negative_texts(con, brand.key, day - timedelta(days=28), day - timedelta(days=1), skip)
    drop = [brand.name, *brand.aliases]
    terms = weighted_log_odds(focus, background, top=10, drop=drop)
    sources = rows(execute(con, "alerts/explain_sources", {"brand": brand.key, "day": day}))
    top = rows(
        con.execute(
            "SELECT text, url, source, channel, coalesce(engagement, 0) AS engagement, created_at"
            " FROM v_mentions_scored WHERE brand = $brand AND label = 'negative' AND day = $day"
            " ORDER BY engagement DESC NULLS LAST, p_negative DESC, mention_id LIMIT 5",
            {"brand": brand.key, "day": day},
        )
    )
    return {
        "terms": [[t.term, round(t.z, 2)] for t in terms],
        "sources": [[s["origin"], s["negatives"]] for s in sources],
        "top_mentions": [{**m, "created_at": m["created_at"].isoformat() if m["created_at"] else None} for m in top],
        "focus_negatives": len(focus),
        "baseline_negatives": len(background),
    }


def _spike_numbers(spike) -> dict:
    return {
        "observed": spike.observed,
        "expected": round(spike.expected, 1),
        "volume": spike.volume,
        "share": round(spike.share, 4),
        "baseline_share": round(spike.baseline_share, 4),
        "tests": {
            "count test (day-of-week baseline)": {"p": spike.p_count, "z": round(spike.z, 2)},
            "share test (vs 28-day baseline)": {"p": spike.p_share},
        },
        "days_summed": spike.window,
    }


def detect(config: Config, db: Path, day: date, run_id: str, today: date | None = None) -> list[str]:
    """Run the detectors for ``day`` on every brand; record verdicts and alerts. Returns the new alert ids."""

    started = datetime.now(UTC)
    today = today or datetime.now(UTC).date()
    send = (today - day).days <= config.alerting.max_age_days
    raised, flagged_total = [], 0
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        for brand in config.brands:
            sens = sensitivity(brand)
            series = _series(con, brand.key, day)
            if series.empty or series["day"].iloc[-1] != day:
                execute(con, "alerts/save_detection", {"brand": brand.key, "day": day, "flagged": False, **_blank()})
                continue
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
            + ("" if send else f" (night older than {config.alerting.max_age_days} days: recorded, not sent)"),
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


def _record_alert(con, fields: dict) -> str | None:
    """Insert an alert; its id, or None when the alert is already recorded (a re-run of the night)."""
    inserted = row(execute(con, "alerts/insert", fields))
    return inserted["alert_id"] if inserted else None


def _spike_alert(
    con, config: Config, brand: BrandSpec, day: date, spike, flagged, send: bool, run_id: str
) -> str | None:
    # The incident: flagged days back from this one, each at most cooldown_days after the one before.
    start = day
    for earlier in sorted((d for d in flagged if d < day), reverse=True):
        if (start - earlier).days > config.alerting.cooldown_days:
            break
        start = earlier
    last = _last_alert(con, brand.key, "spike", start, day)
    if last is not None:  # an ongoing incident that already alerted
        incident = last["incident_id"]
        worse = SEVERITY_RANK[spike.severity] > SEVERITY_RANK.get(last["severity"], 0) or (
            spike.observed >= config.alerting.worsen_ratio * (last["observed"] or 0)
        )
        if not worse:
            logger.info(f"detect {brand.key} {day}: spike within incident {incident}, not worse: no new alert")
            return None
        status = "worse"
    else:
        status, incident = "new", None
    aid = alert_id(brand.key, "spike", day)
    numbers = _spike_numbers(spike)
    explanation = {**numbers, **_explain(con, brand, day, flagged)}
    word = "getting worse" if status == "worse" else "negative spike"
    headline = (
        f"{brand.name}: {word} on {day:%a %d %b %Y}: {spike.observed} negative mentions "
        f"({spike.share:.0%} of {spike.volume}), {spike.expected:.0f} expected"
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
            "reason": spike.reason,
            "observed": spike.observed,
            "expected": spike.expected,
            "explanation": json.dumps(explanation, default=str),
            "send": send,
            "run_id": run_id,
        },
    )


def _shift_alert(con, brand: BrandSpec, day: date, cp, send: bool, run_id: str) -> str | None:
    start = day - timedelta(days=SHIFT_ALERT_GAP - 1)
    if _last_alert(con, brand.key, "shift", start, day + timedelta(days=1)) is not None:
        return None  # one shift alert per brand per SHIFT_ALERT_GAP days
    aid = alert_id(brand.key, "shift", day)
    headline = f"{brand.name}: sustained rise in negative share since {cp.day:%d %b}: {cp.before:.0%} → {cp.after:.0%}"
    explanation = {
        "change_point": cp.day.isoformat(),
        "before_level": round(cp.before, 4),
        "after_level": round(cp.after, 4),
        "tests": {"Welch t-test between segments": {"p": cp.p_value}},
        "days_before": cp.days_before,
        "days_after": cp.days_after,
        **_explain(con, brand, day, []),
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
            "reason": cp.reason,
            "observed": None,
            "expected": None,
            "explanation": json.dumps(explanation, default=str),
            "send": send,
            "run_id": run_id,
        },
    )
