"""``brandpulse alerts``: recent alerts as an analyst reads them, and one alert as its message says it."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.alerts.delivery import message
from pipeline.alerts.message import render_text
from pipeline.config import Config
from pipeline.warehouse import connect, execute


def list_alerts(config: Config, db: Path, brand: str | None = None, days: int = 90) -> str:
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        rows = execute(con, "recent_alerts", {"brand": brand, "days": days}).fetchall()
    if not rows:
        return "No alerts" + (f" for {brand}" if brand else "") + "."
    out = []
    for aid, day, _brand, kind, status, severity, headline, reason, explanation, send, delivery in rows:
        ex = json.loads(explanation)
        terms = ", ".join(t for t, _ in ex.get("terms", [])[:6]) or "-"
        sources = ", ".join(f"{s} ({n})" for s, n in ex.get("sources", [])[:4]) or "-"
        if not send:
            delivery = "not sent (backfilled night)"
        out += [
            f"{day}  {severity.upper():8} {kind}/{status}  [{aid}]",
            f"  {headline}",
            f"  why:     {reason}",
            f"  terms:   {terms}",
            f"  sources: {sources}",
            f"  sent:    {delivery or 'pending'}",
            "",
        ]
    out.append("Full message: brandpulse alerts --show ALERT_ID")
    return "\n".join(out)


def show_alert(config: Config, db: Path, alert_id: str) -> str:
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        rows = con.execute("SELECT alert_id FROM alerts WHERE starts_with(alert_id, ?)", [alert_id]).fetchall()
        ids = [r[0] for r in rows]
        if len(ids) != 1:
            return f"{len(ids)} alerts match {alert_id!r}" + (": give more of the id" if ids else "")
        return render_text(message(config, con, ids[0], chart=False))
