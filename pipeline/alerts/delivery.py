"""The nightly ``send_alerts`` step, and the message of a recorded alert.

:func:`send_alerts` delivers every recorded alert that has no successful delivery on a configured channel yet,
and records each attempt in ``alert_deliveries``. A failed delivery is retried by the next run, so none is
lost. Nights older than ``alerting.max_age_days`` (backfills) record their alerts with ``send = false`` (see
:mod:`pipeline.alerts.incidents`). :func:`message` builds the validated
:class:`~pipeline.alerts.message.AlertMessage` that every channel renders (:mod:`pipeline.alerts.channels`).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.alerts.channels import deliver
from pipeline.alerts.message import AlertMessage
from pipeline.charts import alert_chart
from pipeline.config import Config
from pipeline.files import write_atomic
from pipeline.ledger import record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")


def message(config: Config, con, alert_id_: str, chart: bool = True):
    """The :class:`~pipeline.alerts.message.AlertMessage` of a recorded alert (with its chart, if wanted)."""
    alert = row(
        con.execute(
            "SELECT alert_id, brand, kind, status, day, severity, headline, reason, explanation FROM alerts"
            " WHERE alert_id = ?",
            [alert_id_],
        )
    )
    aid, brand_key, day = alert["alert_id"], alert["brand"], alert["day"]
    ex = json.loads(alert["explanation"])
    brand = config.brand(brand_key)
    numbers = {k: v for k, v in ex.items() if k not in ("terms", "sources", "top_mentions")}
    png = None
    if chart:
        png = alert_chart(con, brand, day)
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
        brand_name=brand.name,
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
        report_url=f"{report.rstrip('/')}/{brand_key}.html" if report else None,
        chart_png=png,
        chart_url=chart_url,
    )


def send_alerts(config: Config, db: Path, run_id: str, env=None) -> dict:
    """Deliver every alert not yet delivered on each configured channel; record every attempt."""
    started = datetime.now(UTC)
    channels = {c.name: c for c in config.alerts}
    with connect(db, timeout=config.lock_timeout_s) as con:
        pending = rows(execute(con, "alerts/pending_deliveries", {"channels": list(channels) or [""]}))
        pending = [p for p in pending if p["channel"] in channels]
        messages = {aid: message(config, con, aid) for aid in {p["alert_id"] for p in pending}}
    results = []
    for p in pending:  # outside the lock: the network is slow
        delivery = deliver(channels[p["channel"]], messages[p["alert_id"]], env=env if env is not None else os.environ)
        results.append((p["alert_id"], p["channel"], p["attempts"] + 1, delivery))
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        for aid, channel, attempt, d in results:
            execute(
                con,
                "alerts/record_delivery",
                {
                    "alert_id": aid,
                    "channel": channel,
                    "attempt": attempt,
                    "ok": d.ok,
                    "status": None if d.status is None else str(d.status),
                    "error": d.error,
                    "run_id": run_id,
                },
            )
        ok = sum(1 for *_, d in results if d.ok)
        failed = len(results) - ok
        record_step(
            con,
            run_id,
            "send_alerts",
            status="success",
            rows_in=len(results),
            rows_out=ok,
            rows_quarantined=0,
            detail=f"{ok} delivered, {failed} failed (retried next run)" if results else "nothing to deliver",
            started_at=started,
        )
    for aid, channel, attempt, d in results:
        if not d.ok:
            logger.warning(f"alert {aid} to {channel} failed (attempt {attempt}): {d.error}")
    logger.info(f"alerts: {len(results) - failed if results else 0} delivered, {failed if results else 0} failed")
    return {"delivered": ok if results else 0, "failed": failed if results else 0}
