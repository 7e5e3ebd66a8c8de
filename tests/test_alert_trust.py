"""Alerts people trust (issue #14, point 5), against a real DuckDB file and real local receivers on 127.0.0.1
(HTTP: ReplayServer; SMTP: aiosmtpd): an hourly alert says which hours it covers (UTC and the brand's local
time), the numbers behind it, and carries a 48-hour hourly chart."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from datetime import UTC, datetime, time, timedelta

import duckdb
import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from demo.replay.server import ReplayServer, Response
from pipeline.alerts import delivery, incidents
from pipeline.alerts.message import render_subject, render_text
from pipeline.charts import alert_chart, hourly_alert_chart, hourly_chart
from pipeline.ledger import start_run
from pipeline.metrics import day_hours
from pipeline.warehouse import connect, execute, transaction
from tests.helpers import INCIDENT, START, alerting_config, seed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EIGHT = datetime.combine(INCIDENT, time(8), tzinfo=UTC)  # the incident's mentions come 08:00-09:15 UTC


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def receivers(monkeypatch):
    """A Slack incoming webhook and a webhook receiver (one HTTP server) and an SMTP server, on 127.0.0.1."""
    slack, hooks, inbox = [], [], Inbox()

    def record(into):
        def handler(req, _m):
            into.append(json.loads(req.body))
            return Response(200, "ok")

        return handler

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    with ReplayServer() as http:
        http.route("POST", r"^/slack/", record(slack))
        http.route("POST", r"^/hook$", record(hooks))
        monkeypatch.setenv("TEST_SLACK_URL", f"{http.url}/slack/T000/B000/secret")
        monkeypatch.setenv("TEST_HOOK_URL", f"{http.url}/hook")
        yield {"http": http, "slack": slack, "hooks": hooks, "inbox": inbox, "smtp_port": port}
    smtp.stop()


def q(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def hourly_incident(db, cfg) -> str:
    """The seeded history with hourly metrics, and the watch's hourly_spike alert for the incident's 08:00 hour."""
    seed(db, 51, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        execute(con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]),
                                        "run_id": "seed"})  # fmt: skip
        start_run(con, "watch-1", INCIDENT, "watch")
    [aid] = incidents.detect_watch(cfg, db, EIGHT - timedelta(minutes=15), EIGHT + timedelta(hours=2), "watch-1")
    return aid


# ------------------------------------------------------------------------------------------ hourly content


def test_hourly_alert_says_its_window_in_utc_and_local_time_with_numbers_and_a_48_hour_chart(tmp_path, receivers):
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path, receivers, brand={"timezone": "Europe/Warsaw"})
    aid = hourly_incident(db, cfg)
    [(start, end)] = q(db, "SELECT explanation->>'window_start', explanation->>'window_end' FROM alerts")
    start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
    assert start == EIGHT  # the seeded incident: 08:00 UTC on Sun 20 Sep 2026, 10:00 in Warsaw (CEST)
    hours = f"{end:%H:%M}"
    local_end = f"{end + timedelta(hours=2):%H:%M}"
    covers = f"Covers: Sun 20 Sep 2026 08:00-{hours} UTC (10:00-{local_end} Europe/Warsaw)"

    with connect(db, read_only=True) as con:
        msg = delivery.message(cfg, con, aid)
        brand = cfg.brand("parcelo")
        hourly = hourly_alert_chart(con, brand, start, end)
        daily = alert_chart(con, brand, INCIDENT)
    text = render_text(msg)
    assert covers in text, text
    assert f"on 2026-09-20 08:00-{hours} UTC" in render_subject(msg)
    for label in ("Observed:", "Expected:", "· P:", "· z:"):  # observed vs expected, the tests' p and z
        assert label in text, (label, text)
    assert "Window start" not in text  # the window is said once, as hours, not as raw ISO numbers
    assert msg.chart_png == hourly != daily and hourly[:8] == PNG_MAGIC  # the 48-hour chart, not the 60-day one

    assert delivery.send_alerts(cfg, db, "send") == {"delivered": 3, "failed": 0}
    [mail] = receivers["inbox"].messages
    assert covers in mail.get_body(("plain",)).get_content()
    assert covers.replace("Covers: ", "Covers: <strong>") in mail.get_body(("html",)).get_content()
    [image] = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert image.get_content() == hourly  # e-mail: the chart inline
    [hook] = receivers["hooks"]
    assert hook["window"] == {"start": start.isoformat(), "end": end.isoformat(), "timezone": "Europe/Warsaw",
                              "label": covers.removeprefix("Covers: ")}  # fmt: skip
    assert "window_start" not in hook["numbers"] and hook["numbers"]["observed"] >= 40
    assert covers.removeprefix("Covers: ") in json.dumps(receivers["slack"][0], ensure_ascii=False)


def test_hourly_alert_without_a_brand_time_zone_says_utc_only(tmp_path):
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    aid = hourly_incident(db, cfg)
    with connect(db, read_only=True) as con:
        text = render_text(delivery.message(cfg, con, aid, chart=False))
    [line] = [x for x in text.splitlines() if x.startswith("Covers:")]
    assert line.startswith("Covers: Sun 20 Sep 2026 08:00-") and line.endswith(" UTC"), line


def test_hourly_chart_is_a_pure_function_of_the_series_with_the_window_shaded():
    end = EIGHT + timedelta(hours=2)
    start = end - timedelta(hours=48)
    series = pd.DataFrame({"hour": pd.date_range(start, end, freq="h", inclusive="left"), "volume": 20,
                           "n_negative": 3})  # fmt: skip
    a = hourly_chart(series, "Parcelo: 48 hours", start, end, EIGHT, EIGHT + timedelta(hours=1))
    assert a[:8] == PNG_MAGIC
    assert a == hourly_chart(series.copy(), "Parcelo: 48 hours", start, end, EIGHT, EIGHT + timedelta(hours=1))
    elsewhere = hourly_chart(series, "Parcelo: 48 hours", start, end, start, start + timedelta(hours=1))
    assert elsewhere != a  # the shaded window is drawn where it is
    # user text is drawn as typed, never parsed as mathtext; an empty series is 48 empty hours
    assert hourly_chart(series.iloc[:0], r"$\frac{1}{", start, end, EIGHT, end)[:8] == PNG_MAGIC


def test_brand_time_zone_is_validated(tmp_path):
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match=r"brandpulse.yaml: brands\[0\].timezone: .*'Mars/Olympus' is not an IANA"):
        alerting_config(tmp_path, brand={"timezone": "Mars/Olympus"})
