"""``brandpulse alerts``: recent alerts as an analyst reads them, and one alert as its message says it. (An explicit
resend, ``--resend``, is :func:`pipeline.alerts.delivery.resend`.)"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.alerts.delivery import PENDING_WORDS, find_alerts, message
from pipeline.alerts.message import one_line, render_text
from pipeline.config import Config
from pipeline.warehouse import connect, rows


def list_alerts(config: Config, db: Path, brand: str | None = None, days: int = 90) -> str:
    """The alerts of the ``days`` days up to the newest alert's day (of ``brand``, or every brand), newest
    first, each with why it fired, its terms and sources, and its delivery in words (``v_alerts.delivery``); an
    alert with a channel "pending (possibly delivered)" says how to resend it once you know it did not arrive. A
    brand no longer in the config is listed while it has alerts; an id that is neither raises ConfigError."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        alerts = rows(
            con.execute(
                "SELECT alert_id, day, kind, status, severity, headline, reason, explanation, delivery FROM v_alerts"
                " WHERE ($brand IS NULL OR brand = $brand)"
                " AND day > (SELECT max(day) FROM alerts WHERE $brand IS NULL OR brand = $brand)"
                " - to_days(CAST($days AS INTEGER))"
                " ORDER BY day DESC, brand, kind",
                {"brand": brand, "days": days},
            )
        )
    if not alerts:
        if brand is not None and brand not in {b.key for b in config.brands}:
            config.brand(brand)  # neither configured nor with alerts: a ConfigError that names the known ids
        return "No alerts" + (f" for {brand}" if brand else "") + "."
    out = []
    for a in alerts:
        try:
            ex = json.loads(a["explanation"])
            terms = ", ".join(one_line(t) for t, _ in ex.get("terms", [])[:6]) or "-"
            sources = ", ".join(f"{one_line(s)} ({n})" for s, n in ex.get("sources", [])[:4]) or "-"
        except (AttributeError, TypeError, ValueError):  # a damaged explanation: the other alerts are still listed
            terms = sources = "- (its stored explanation is damaged)"
        out += [
            f"{a['day']}  {a['severity'].upper():8} {a['kind']}/{a['status']}  [{a['alert_id']}]",
            f"  {one_line(a['headline'])}",  # texts of the public: no ESC sequence reaches the terminal
            f"  why:     {one_line(a['reason'])}",
            f"  terms:   {terms}",
            f"  sources: {sources}",
            f"  sent:    {a['delivery']}",
        ]
        if PENDING_WORDS in a["delivery"]:
            out.append(f"  resend:  brandpulse alerts --resend {a['alert_id']}  (only if it did not arrive)")
        out.append("")
    out.append("Full message: brandpulse alerts --show ALERT_ID")
    return "\n".join(out)


def show_alert(config: Config, db: Path, alert_id: str) -> str:
    """One alert (``alert_id``: its id or a prefix) as its message reads. Raises :class:`LookupError` unless
    exactly one alert matches, or when its message cannot be built (a damaged explanation)."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        ids = find_alerts(con, alert_id)
        if len(ids) != 1:
            raise LookupError(f"{len(ids)} alerts match {alert_id!r}" + (": give more of the id" if ids else ""))
        try:
            msg = message(config, con, ids[0], chart=False)
        except (AttributeError, TypeError, ValueError) as exc:  # a damaged explanation, said as send_alerts says it
            raise LookupError(f"{ids[0]}: its message could not be built ({type(exc).__name__}: {exc})") from exc
        return render_text(msg)
