"""Alerts people trust (issue #14, point 5), against a real DuckDB file and real local receivers on 127.0.0.1
(HTTP: ReplayServer; SMTP: aiosmtpd): an hourly alert says which hours it covers (UTC and the brand's local
time), the numbers behind it, and carries a 48-hour hourly chart."""

from __future__ import annotations

import asyncio
import json
import time as time_module
from datetime import UTC, datetime, time, timedelta

import duckdb
import pandas as pd
import pytest

from demo.replay.server import ReplayServer, Response
from pipeline.alerts import delivery, incidents
from pipeline.alerts.message import render_subject, render_text
from pipeline.charts import alert_chart, hourly_alert_chart, hourly_chart
from pipeline.ledger import start_run
from pipeline.metrics import day_hours
from pipeline.warehouse import connect, execute, rows, transaction
from tests.helpers import (
    INCIDENT,
    START,
    alerting_config,
    drawn_figure,
    free_port,
    local_receivers,
    rescored_since,
    seed,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EIGHT = datetime.combine(INCIDENT, time(8), tzinfo=UTC)  # the incident's mentions come 08:00-09:15 UTC


@pytest.fixture
def receivers(monkeypatch):
    """A Slack incoming webhook and a webhook receiver (one HTTP server) and an SMTP server, on 127.0.0.1."""
    with local_receivers(monkeypatch) as found:
        yield found


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


def test_hourly_alert_says_its_window_in_utc_and_local_time_with_numbers_and_a_48_hour_chart(
    tmp_path, receivers, monkeypatch
):
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
        drawn = drawn_figure(monkeypatch, hourly_alert_chart, con, brand, start, end)
        other = brand.model_copy(update={"name": "Kestrel", "slug": "kestrel"})  # no mentions
        quiet = drawn_figure(monkeypatch, hourly_alert_chart, con, other, start, end)
    volume = [p.get_height() for p in drawn.axes[0].containers[0]]
    assert len(volume) == 48 and max(volume) >= 40  # a bar an hour of the 48 hours to the window's end
    assert [p.get_height() for p in quiet.axes[0].containers[0]] == [0] * 48  # the brand's own hours only
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
    assert hourly_chart(series.iloc[:0], r"Parcelo $\frac{1}{ price$", start, end, EIGHT, end)[:8] == PNG_MAGIC


def test_the_daily_alert_chart_draws_the_brands_last_60_days_with_the_flagged_day(tmp_path, monkeypatch):
    """What the 60-day chart plots, read from the figure: a bar a day of scored mentions and of negatives, the
    share negative in percent, a marker on each flagged day only; days before the data are zero."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    seed(db, 51, {INCIDENT: (75, 50)})
    assert incidents.detect(cfg, db, INCIDENT, "run-detect")
    with connect(db, read_only=True) as con:
        stored = {d: (scored, negative) for d, scored, negative in con.execute(
            "SELECT day, scored, n_negative FROM v_brand_daily WHERE brand = 'parcelo'").fetchall()}  # fmt: skip
        flagged = [d for (d,) in con.execute("SELECT day FROM detections WHERE brand = 'parcelo'").fetchall()]
        fig = drawn_figure(monkeypatch, alert_chart, con, cfg.brand("parcelo"), INCIDENT)
    ax, ax2 = fig.axes
    volume, negative = ([p.get_height() for p in c] for c in ax.containers)
    days = [INCIDENT - timedelta(days=59 - i) for i in range(60)]
    expected = [stored.get(d, (0, 0)) for d in days]
    assert len(volume) == 60 and (INCIDENT - START).days == 50  # 9 days before the data, drawn as zero
    assert volume == [s for s, _ in expected] and negative == [n for _, n in expected]
    assert volume[-1] == 75 and negative[-1] == 50
    share = ax2.lines[0].get_ydata()
    assert share[-1] == pytest.approx(100 * 50 / 75)
    [marks] = [c for c in ax.collections if c.get_label() == "flagged spike"]
    assert INCIDENT in flagged and len(marks.get_offsets()) == len(flagged)


def test_the_daily_alert_charts_share_of_a_day_after_a_day_without_mentions_is_drawn(tmp_path, monkeypatch):
    """A quiet day (no mention) before the alert's: the alert's own 67% negative had no neighbour on the share line,
    which, a line alone, drew nothing there. A share without a neighbour is a dot."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    seed(db, 51, {INCIDENT - timedelta(days=1): (0, 0), INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "run-detect")
    with connect(db, read_only=True) as con:
        fig = drawn_figure(monkeypatch, delivery.message, cfg, con, aid)
    share = fig.axes[1].lines[0]
    assert pd.isna(share.get_ydata()[-2]) and share.get_ydata()[-1] == pytest.approx(100 * 50 / 75)
    fig.canvas.draw()  # the markers drawn: the alert's day, and no day with neighbours
    assert share.get_marker() not in ("None", "", None) and list(share.get_markevery()).count(True) == 1
    assert share.get_markevery()[-1]


def test_a_daily_alerts_chart_sent_after_the_series_moved_to_a_new_model_draws_its_own_models_days(
    tmp_path, monkeypatch
):
    """A v1 alert sent (retried, resent, in a digest) after the next night ran on a new model (v2): the brand's
    series (v_brand_daily) is v2's and leaves the v1 days out, which drew a chart of zeros, the alert's own 75
    mentions and 50 negatives included. Its chart reads its own day's model and says which."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    seed(db, 52, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "run-detect")
    with connect(db, read_only=True) as con:
        before = drawn_figure(monkeypatch, alert_chart, con, cfg.brand("parcelo"), INCIDENT)
    with connect(db) as con, transaction(con):  # the next night, on the new model
        rescored_since(con, INCIDENT + timedelta(days=1))
        execute(con, "metrics/daily", {"days": [INCIDENT + timedelta(days=1)], "run_id": "next"})
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT DISTINCT model_version FROM v_brand_daily").fetchall() == [("v2",)]
        fig = drawn_figure(monkeypatch, alert_chart, con, cfg.brand("parcelo"), INCIDENT)
        assert delivery.message(cfg, con, aid).chart_png[:8] == PNG_MAGIC
    (ax, ax2), (was, was2) = fig.axes, before.axes
    volume, negative = ([p.get_height() for p in c] for c in ax.containers)
    assert volume[-1] == 75 and negative[-1] == 50  # the alert's own figures
    assert (volume, negative) == tuple([p.get_height() for p in c] for c in was.containers)
    for line, old in zip(ax2.lines, was2.lines, strict=True):  # the share and its 28-day rolling share
        assert list(line.get_ydata()) == pytest.approx(list(old.get_ydata()), nan_ok=True)
    assert ax2.lines[0].get_ydata()[-1] == pytest.approx(100 * 50 / 75)
    assert ax.get_title(loc="left").endswith("(model v1)")


def test_a_daily_alerts_chart_resent_after_a_rescore_of_its_own_day_still_draws_the_model_it_was_raised_in(
    tmp_path, monkeypatch
):
    """`brandpulse rescore --since` three days before a v1 alert's day, by a v2 that reads 40 of its 50 negatives
    as neutral: the day's metrics are v2's, and the resent alert (50 negatives, 67%) came with v2's chart of 10
    negatives (13%), titled v2. The alert keeps the model it was raised in (through a re-run of the night, which
    records nothing), and its chart draws that model's days, the rescored ones counted from its own scores: the
    chart it was first sent with."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    seed(db, 52, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "run-detect")
    with connect(db, read_only=True) as con:
        sent = delivery.message(cfg, con, aid).chart_png
    rescored = [INCIDENT + timedelta(days=i) for i in range(-3, 2)]
    with connect(db) as con, transaction(con):
        rescored_since(con, rescored[0])
        con.execute(
            "UPDATE sentiment SET label = 'neutral' WHERE model_version = 'v2' AND label = 'negative' AND mention_id"
            " IN (SELECT mention_id FROM mentions WHERE day = ? AND NOT regexp_matches(native_id, '-[0-9]$'))",
            [INCIDENT],
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": rescored, "run_id": "rescore"})
    assert q(db, "SELECT model_version, n_negative FROM daily_brand_metrics WHERE day = ? AND source = '_all'",
             [INCIDENT]) == [("v2", 10)]  # fmt: skip
    with connect(db, read_only=True) as con:
        assert delivery.message(cfg, con, aid).chart_png == sent  # the chart it was first sent with
    assert incidents.detect(cfg, db, INCIDENT, "run-again") == []  # a re-run of the night: nothing new recorded
    assert q(db, "SELECT alert_id, model_version FROM alerts") == [(aid, "v1")]
    with connect(db, read_only=True) as con:
        fig = drawn_figure(monkeypatch, delivery.message, cfg, con, aid)
    ax, ax2 = fig.axes
    assert [p.get_height() for p in ax.containers[1]][-1] == 50  # the alert's own negatives, not v2's 10
    assert ax2.lines[0].get_ydata()[-1] == pytest.approx(100 * 50 / 75)
    assert ax.get_title(loc="left").endswith("(model v1)")


def test_an_hourly_alerts_chart_never_mixes_two_models(tmp_path, monkeypatch):
    """`brandpulse rescore --since` the incident's day, after its alert: the 48 hours to the window are v1's hours
    of the day before and v2's of the day. The chart drew both, side by side; it draws the model the watch's
    detector reads (the latest scored hour's), the other model's hours as zero, and says which."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    aid = hourly_incident(db, cfg)
    with connect(db) as con, transaction(con):
        rescored_since(con, INCIDENT)
        execute(con, "metrics/hourly", {"hours": day_hours([INCIDENT]), "run_id": "rescore"})
    [(start, end)] = q(db, "SELECT explanation->>'window_start', explanation->>'window_end' FROM alerts")
    start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
    with connect(db, read_only=True) as con:
        v2 = dict(con.execute("SELECT hour, scored FROM hourly_brand_metrics WHERE brand = 'parcelo'"
                              " AND source = '_all' AND model_version = 'v2'").fetchall())  # fmt: skip
        fig = drawn_figure(monkeypatch, hourly_alert_chart, con, cfg.brand("parcelo"), start, end)
        assert delivery.message(cfg, con, aid).chart_png[:8] == PNG_MAGIC
    volume = [p.get_height() for p in fig.axes[0].containers[0]]
    hours = [end - timedelta(hours=48 - i) for i in range(48)]
    assert volume == [v2.get(h, 0) for h in hours] and volume[-1] > 0  # no v1 hour of the day before
    assert fig.axes[0].texts[0].get_text().endswith("(model v2)")


def test_an_hourly_alerts_chart_sent_after_a_rescore_of_its_window_draws_the_model_it_was_raised_in(
    tmp_path, monkeypatch
):
    """`brandpulse rescore --since` the incident's day, by a v2 that reads 40 of its window's 50 negatives as
    neutral, before a v1 hourly alert is sent (held for quiet hours, retried): it came with v2's chart of 10
    negatives, titled v2, the v1 hours of the day before left out. Its chart draws the model it was raised in, the
    rescored hours counted from that model's own scores: the chart it was first sent with."""
    db = tmp_path / "w.duckdb"
    cfg = alerting_config(tmp_path)
    aid = hourly_incident(db, cfg)
    with connect(db, read_only=True) as con:
        sent = delivery.message(cfg, con, aid).chart_png
    with connect(db) as con, transaction(con):
        rescored_since(con, INCIDENT)
        con.execute(
            "UPDATE sentiment SET label = 'neutral' WHERE model_version = 'v2' AND label = 'negative' AND mention_id"
            " IN (SELECT mention_id FROM mentions WHERE day = ? AND NOT regexp_matches(native_id, '-[0-9]$'))",
            [INCIDENT],
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/hourly", {"hours": day_hours([INCIDENT]), "run_id": "rescore"})
    assert q(db, "SELECT model_version, n_negative FROM hourly_brand_metrics WHERE hour = ? AND source = '_all'",
             [EIGHT]) == [("v2", 10)]  # fmt: skip
    assert q(db, "SELECT model_version, observed FROM alerts") == [("v1", 50)]
    with connect(db, read_only=True) as con:
        assert delivery.message(cfg, con, aid).chart_png == sent  # the chart it was first sent with
        fig = drawn_figure(monkeypatch, delivery.message, cfg, con, aid)
    negative = [p.get_height() for p in fig.axes[0].containers[1]]
    assert negative[-1] == 50  # the alert's own 50 negatives in its 08:00-09:00 window, not v2's 10
    assert fig.axes[0].texts[0].get_text().endswith("(model v1)")


def test_the_hourly_chart_draws_a_bar_an_hour_of_the_series(monkeypatch):
    """What the 48-hour chart plots, read from the figure: the series' scored mentions and negatives, a bar an
    hour, an hour the series lacks as zero."""
    end = EIGHT + timedelta(hours=2)
    start = end - timedelta(hours=48)
    series = pd.DataFrame({"hour": pd.date_range(start, end, freq="h", inclusive="left"), "volume": 20,
                           "n_negative": 3})  # fmt: skip
    series.loc[series["hour"] == EIGHT, ["volume", "n_negative"]] = [60, 45]
    fig = drawn_figure(monkeypatch, hourly_chart, series.iloc[1:], "Parcelo", start, end, EIGHT, end)
    volume, negative = ([p.get_height() for p in c] for c in fig.axes[0].containers)
    assert len(volume) == 48 and volume[0] == 0 and negative[0] == 0  # an hour the series lacks: zero
    assert volume[1:] == [60 if h == 46 else 20 for h in range(1, 48)]
    assert negative[1:] == [45 if h == 46 else 3 for h in range(1, 48)]


def test_a_15_minute_windows_chart_draws_the_brands_hours_to_the_hour_so_far(tmp_path, monkeypatch):
    """The 08:00-08:30 window of a 15-minute run: its 48-hour chart is the hours to the 08:00 hour (so far), the
    series' own hours, not 48 half-past hours that no row of the series matches (all drawn zero)."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        execute(con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]),
                                        "run_id": "seed"})  # fmt: skip
    cfg = alerting_config(tmp_path)
    with connect(db, read_only=True) as con:
        stored = dict(con.execute("SELECT hour, scored FROM hourly_brand_metrics WHERE brand = 'parcelo'"
                                  " AND source = '_all'").fetchall())  # fmt: skip
        fig = drawn_figure(
            monkeypatch, hourly_alert_chart, con, cfg.brand("parcelo"), EIGHT, EIGHT + timedelta(minutes=30)
        )
        whole = drawn_figure(
            monkeypatch, hourly_alert_chart, con, cfg.brand("parcelo"), EIGHT, EIGHT + timedelta(hours=1)
        )
    volume = [p.get_height() for p in fig.axes[0].containers[0]]
    hours = [EIGHT - timedelta(hours=47 - i) for i in range(48)]
    assert volume[:-1] == [stored.get(h, 0) for h in hours[:-1]] and 0 < volume[-1] < stored[EIGHT]  # so far
    # a window that ends on the hour (08:00-09:00) ends its chart there, no empty hour after it
    assert [p.get_height() for p in whole.axes[0].containers[0]] == [*volume[:-1], stored[EIGHT]]


def test_a_15_minute_runs_alerts_chart_draws_its_hour_so_far_as_paged_also_after_a_rescore(tmp_path, monkeypatch):
    """The 08:00-08:30 alert of a 15-minute run paged 30 negatives of 30; drawn once the hour's row held the whole
    hour (a replay, later runs before a quiet-hours digest sent it), its chart's last bar was the hour's 60, and
    after a rescore of its window the hour's 60 counted from the alert's model: the hour so far, as paged."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 85)})  # the 08:00 hour 60 negatives of 60, a minute apart: 30 before 08:30
    with connect(db) as con, transaction(con):
        execute(con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]),
                                        "run_id": "seed"})  # fmt: skip
        start_run(con, "watch-1", INCIDENT, "watch")
    cfg = alerting_config(tmp_path, watch={"enabled": True, "interval_minutes": 15})
    [aid] = incidents.detect_watch(cfg, db, EIGHT, EIGHT + timedelta(minutes=30), "watch-1")
    assert "08:00-08:30 UTC: 30 negative mentions (100% of 30)" in q(db, "SELECT headline FROM alerts")[0][0]
    with connect(db, read_only=True) as con:
        fig = drawn_figure(monkeypatch, delivery.message, cfg, con, aid)
    assert [[p.get_height() for p in c][-1] for c in fig.axes[0].containers] == [30, 30]
    with connect(db) as con, transaction(con):
        rescored_since(con, INCIDENT)
        execute(con, "metrics/hourly", {"hours": day_hours([INCIDENT]), "run_id": "rescore"})
    with connect(db, read_only=True) as con:
        fig = drawn_figure(monkeypatch, delivery.message, cfg, con, aid)
    assert [[p.get_height() for p in c][-1] for c in fig.axes[0].containers] == [30, 30]
    assert fig.axes[0].texts[0].get_text().endswith("(model v1)")


def test_brand_time_zone_is_validated(tmp_path):
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match=r"brandpulse.yaml: brands\[0\].timezone: .*'Mars/Olympus' is not an IANA"):
        alerting_config(tmp_path, brand={"timezone": "Mars/Olympus"})


# ----------------------------------------------------------------------------------------- Slack updates

TOKEN = "xoxb-test-token-5550123"
WORSENING = {INCIDENT: (70, 35), INCIDENT + timedelta(days=1): (72, 36), INCIDENT + timedelta(days=2): (140, 100)}


@pytest.fixture
def slack_api(monkeypatch):
    """A fake Slack Web API on 127.0.0.1: chat.postMessage and chat.update with Slack's answers (HTTP 200 with
    ``{"ok": true, "channel": ..., "ts": ...}`` or ``{"ok": false, "error": ...}``). ``fail``: method -> error."""
    state = {"calls": [], "messages": {}, "fail": {}, "stall": {}}

    def handler(method):
        def handle(req, _m):
            body = json.loads(req.body)
            state["calls"].append((method, body))
            if method in state["stall"]:  # answers only after the client has given up (the edit still happens)
                time_module.sleep(state["stall"].pop(method))
            if req.headers.get("authorization") != f"Bearer {TOKEN}":
                return Response(200, {"ok": False, "error": "invalid_auth"})
            if method in state["fail"]:
                return Response(200, {"ok": False, "error": state["fail"][method]})
            if method == "chat.update":
                if body.get("channel") != "C0CX" or body.get("ts") not in state["messages"]:
                    return Response(200, {"ok": False, "error": "message_not_found"})
                state["messages"][body["ts"]] = body
                return Response(200, {"ok": True, "channel": "C0CX", "ts": body["ts"], "text": body["text"]})
            if body.get("channel") not in ("#cx-alerts", "C0CX"):
                return Response(200, {"ok": False, "error": "channel_not_found"})
            ts = f"1790000000.{len(state['calls']):06d}"
            if "thread_ts" not in body:
                state["messages"][ts] = body
            return Response(200, {"ok": True, "channel": "C0CX", "ts": ts, "message": {**body, "ts": ts}})

        return handle

    with ReplayServer() as http:
        http.route("POST", r"^/api/chat\.postMessage$", handler("chat.postMessage"))
        http.route("POST", r"^/api/chat\.update$", handler("chat.update"))
        monkeypatch.setenv("BRANDPULSE_SLACK_API_URL", f"{http.url}/api")
        monkeypatch.setenv("TEST_SLACK_TOKEN", TOKEN)
        yield state


BOT = {"type": "slack", "name": "cx-bot", "bot_token_env": "TEST_SLACK_TOKEN", "channel": "#cx-alerts"}


def worsening(tmp_path, cfg, send):
    """The seeded worsening incident: the first day's 'new' alert sent, then the third day's 'worse' one."""
    db = tmp_path / "w.duckdb"
    seed(db, 53, WORSENING)
    incidents.detect(cfg, db, INCIDENT, "r1")
    first = send(db, "s1")
    incidents.detect(cfg, db, INCIDENT + timedelta(days=1), "r2")
    incidents.detect(cfg, db, INCIDENT + timedelta(days=2), "r3")
    return db, first, send(db, "s3")


def test_an_incidents_worse_email_answers_its_first_email(tmp_path, receivers):
    """The 'worse' e-mail answers the incident's 'new' one (In-Reply-To and References: its Message-ID, recorded
    as the attempt's external id), so mail clients thread them."""
    email = {"type": "email", "name": "cx-email", "to": ["cx@example.com"], "sender": "bp@example.com",
             "smtp_host": "127.0.0.1", "smtp_port": receivers["smtp_port"], "starttls": False}  # fmt: skip
    cfg = alerting_config(tmp_path, channels=[email], cooldown_days=3, worsen_ratio=1.5)
    db, first, second = worsening(tmp_path, cfg, lambda db, r: delivery.send_alerts(cfg, db, r))
    assert first == second == {"delivered": 1, "failed": 0}
    new, worse = receivers["inbox"].messages
    assert new["In-Reply-To"] is None and "getting worse" in worse["Subject"]
    assert worse["In-Reply-To"] == worse["References"] == new["Message-ID"]
    assert q(db, "SELECT external_id FROM alert_deliveries ORDER BY attempted_at") == [
        (new["Message-ID"],), (worse["Message-ID"],)]  # fmt: skip


def test_slack_bot_posts_once_then_updates_the_incidents_message_and_replies_in_its_thread(tmp_path, slack_api, caplog):
    cfg = alerting_config(tmp_path, channels=[BOT], cooldown_days=3, worsen_ratio=1.5)
    db, first, second = worsening(tmp_path, cfg, lambda db, r: delivery.send_alerts(cfg, db, r))
    assert first == second == {"delivered": 1, "failed": 0}
    [(new_status, new_ext), (worse_status, worse_ext)] = q(
        db, "SELECT a.status, d.external_id FROM alerts a JOIN alert_deliveries d USING (alert_id) ORDER BY a.day"
    )
    assert (new_status, worse_status) == ("new", "worse")
    calls = slack_api["calls"]
    assert [m for m, _ in calls] == ["chat.postMessage", "chat.update", "chat.postMessage"]
    post, update, reply = (body for _, body in calls)
    ts = new_ext.split(":", 1)[1]
    assert new_ext == f"C0CX:{ts}" and worse_ext == new_ext  # the incident's message, kept per delivery
    assert post["channel"] == "#cx-alerts" and post["blocks"][0]["type"] == "header"
    assert (update["channel"], update["ts"]) == ("C0CX", ts)  # edited in place, not re-posted
    assert update["blocks"][0]["text"]["text"].startswith("Worse: ") and "100 negative" in update["text"]
    assert reply["thread_ts"] == ts and reply["text"].startswith("Update: Parcelo negative spike is worse: now 100")
    assert slack_api["messages"][ts]["text"] == update["text"] and len(slack_api["messages"]) == 1
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(q(db, "SELECT * FROM alert_deliveries"), default=str)


def test_slack_bots_thread_reply_to_a_worse_alert_is_also_sent_to_the_channel(tmp_path, slack_api):
    """The edit notifies nobody, and a plain thread reply only the thread's followers (the bot that posted it): the
    reply that says the incident got worse is broadcast to the channel (reply_broadcast), or no one there heard."""
    cfg = alerting_config(tmp_path, channels=[BOT], cooldown_days=3, worsen_ratio=1.5)
    worsening(tmp_path, cfg, lambda db, r: delivery.send_alerts(cfg, db, r))
    post, update, reply = (body for _, body in slack_api["calls"])
    assert "thread_ts" in reply and reply["reply_broadcast"] is True
    assert "reply_broadcast" not in post and "reply_broadcast" not in update


def test_a_worse_alert_whose_message_slack_will_not_edit_is_posted_anew_and_the_next_one_edits_that(
    tmp_path, slack_api
):
    cfg = alerting_config(tmp_path, channels=[BOT], cooldown_days=3, worsen_ratio=1.5)
    db = tmp_path / "w.duckdb"
    seed(db, 54, {**WORSENING, INCIDENT + timedelta(days=3): (280, 200)})
    incidents.detect(cfg, db, INCIDENT, "r1")
    assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 1, "failed": 0}
    [first] = slack_api["messages"]
    del slack_api["messages"][first]  # someone deleted it: chat.update now answers message_not_found
    for i in (1, 2):
        incidents.detect(cfg, db, INCIDENT + timedelta(days=i), f"r{i + 1}")
    assert delivery.send_alerts(cfg, db, "s2") == {"delivered": 1, "failed": 0}
    [again] = slack_api["messages"]
    _, update, anew = slack_api["calls"]
    assert update[0] == "chat.update" and update[1]["ts"] == first
    assert anew[0] == "chat.postMessage" and anew[1]["channel"] == "#cx-alerts" and "thread_ts" not in anew[1]
    assert anew[1]["blocks"][0]["text"]["text"].startswith("Worse: ")  # the full message, not a follow-up
    [(ok, error, ext)] = q(db, "SELECT ok, error, external_id FROM alert_deliveries WHERE run_id = 's2'")
    assert (ok, ext) == (True, f"C0CX:{again}")
    assert error == "the incident's message could not be edited (Slack said message_not_found): posted anew"

    incidents.detect(cfg, db, INCIDENT + timedelta(days=3), "r4")  # worse again: the new message is edited
    assert delivery.send_alerts(cfg, db, "s3") == {"delivered": 1, "failed": 0}
    assert [(m, b.get("ts"), b.get("thread_ts")) for m, b in slack_api["calls"][3:]] == [
        ("chat.update", again, None),
        ("chat.postMessage", None, again),
    ]
    assert q(db, "SELECT ok, error, external_id FROM alert_deliveries WHERE run_id = 's3'") == [
        (True, None, f"C0CX:{again}")
    ]


def _worse_after_a_sent_alert(tmp_path, **settings):
    """A Slack bot channel whose incident's first alert was posted (run s1), and a worse alert of it to send."""
    cfg = alerting_config(tmp_path, channels=[BOT], cooldown_days=3, worsen_ratio=1.5, **settings)
    db = tmp_path / "w.duckdb"
    seed(db, 53, WORSENING)
    incidents.detect(cfg, db, INCIDENT, "r1")
    assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 1, "failed": 0}
    for i in (1, 2):
        incidents.detect(cfg, db, INCIDENT + timedelta(days=i), f"r{i + 1}")
    return cfg, db


def test_a_slack_edit_left_without_an_answer_fails_and_the_next_run_edits_again(tmp_path, slack_api):
    """chat.update twice is one edit, so an edit Slack did not answer within the attempt's deadline fails (it was
    left pending, possibly delivered, for a manual resend) and the next run edits again, then replies in the
    thread: the reply, a new message, stays at most once."""
    cfg, db = _worse_after_a_sent_alert(tmp_path, delivery_deadline_s=2.5)
    slack_api["stall"]["chat.update"] = 3.0
    assert delivery.send_alerts(cfg, db, "s2") == {"delivered": 0, "failed": 1}
    [(ok, error)] = q(db, "SELECT ok, error FROM alert_deliveries WHERE run_id = 's2'")
    assert ok is False and "chat.update" in error
    assert delivery.send_alerts(cfg, db, "s3") == {"delivered": 1, "failed": 0}
    [first] = slack_api["messages"]
    assert [(m, b.get("ts"), b.get("thread_ts")) for m, b in slack_api["calls"][1:]] == [
        ("chat.update", first, None),
        ("chat.update", first, None),
        ("chat.postMessage", None, first),
    ]


def test_a_worse_alert_whose_thread_reply_slack_refused_fails_and_the_next_run_edits_and_replies(tmp_path, slack_api):
    """The edit notifies nobody; the thread reply is the channel's notice that it got worse. Slack refusing the
    reply (ok: false, rate_limited) posted nothing: the attempt fails, and the next run edits again and replies."""
    cfg, db = _worse_after_a_sent_alert(tmp_path)
    slack_api["fail"]["chat.postMessage"] = "rate_limited"
    assert delivery.send_alerts(cfg, db, "s2") == {"delivered": 0, "failed": 1}
    [(ok, error)] = q(db, "SELECT ok, error FROM alert_deliveries WHERE run_id = 's2'")
    assert ok is False and "thread reply" in error and "rate_limited" in error
    slack_api["fail"].clear()
    assert delivery.send_alerts(cfg, db, "s3") == {"delivered": 1, "failed": 0}
    [first] = slack_api["messages"]
    assert [(m, b.get("ts"), b.get("thread_ts")) for m, b in slack_api["calls"][1:]] == [
        ("chat.update", first, None),
        ("chat.postMessage", None, first),  # refused
        ("chat.update", first, None),
        ("chat.postMessage", None, first),
    ]


def test_slack_api_errors_are_recorded_failed_without_the_token_and_retried(tmp_path, slack_api, caplog):
    cfg = alerting_config(tmp_path, channels=[BOT])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r")
    slack_api["fail"]["chat.postMessage"] = "channel_not_found"
    assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 0, "failed": 1}
    [(ok, status, error, ext)] = q(db, "SELECT ok, status, error, external_id FROM alert_deliveries")
    assert (ok, status, ext) == (False, "200", None)  # HTTP 200, but Slack said no
    assert error == "slack channel 'cx-bot': chat.postMessage: Slack said channel_not_found"
    slack_api["fail"].clear()
    assert delivery.send_alerts(cfg, db, "s2") == {"delivered": 1, "failed": 0}
    assert q(db, "SELECT attempt, ok, coalesce(external_id LIKE 'C0CX:%', false) FROM alert_deliveries ORDER BY 1") == [
        (1, False, False), (2, True, True)]  # fmt: skip
    assert TOKEN not in caplog.text


def test_a_bot_token_with_a_newline_fails_without_reaching_the_table_or_the_log(
    tmp_path, slack_api, monkeypatch, caplog
):
    """A token read with its file's newline: refused before it becomes a header (whose error would quote it,
    escaped, where redaction looked for the raw value); and an escaped secret in any error is redacted too."""
    from pipeline.alerts.channels import redact

    monkeypatch.setenv(BOT["bot_token_env"], TOKEN + "\nTAIL")
    cfg = alerting_config(tmp_path, channels=[BOT])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 0, "failed": 1}
    [error] = [e for (e,) in q(db, "SELECT error FROM alert_deliveries")]
    assert "holds whitespace or control characters" in error and "test-token" not in error
    assert "test-token" not in caplog.text
    secret = TOKEN + "\nTAIL"
    assert redact(f"Invalid header value: {secret!r}", [secret]) == "Invalid header value: '[redacted]'"


def test_incoming_webhook_gets_a_short_worse_follow_up_and_email_the_full_message(tmp_path, receivers):
    cfg = alerting_config(tmp_path, receivers, cooldown_days=3, worsen_ratio=1.5)
    _, first, second = worsening(tmp_path, cfg, lambda db, r: delivery.send_alerts(cfg, db, r))
    assert first == second == {"delivered": 3, "failed": 0}
    full, follow_up = receivers["slack"]
    assert len(full["blocks"]) > 4 and "Top mentions" in json.dumps(full)
    assert follow_up["text"].startswith("Update: Parcelo negative spike is worse: now 100 negative mentions")
    assert len(follow_up["blocks"]) == 2 and "Top mentions" not in json.dumps(follow_up)
    assert [h["status"] for h in receivers["hooks"]] == ["new", "worse"]  # webhooks: every alert in full
    assert "getting worse" in receivers["inbox"].messages[1]["Subject"]


def test_the_nights_update_of_a_watch_incident_edits_its_slack_message_and_answers_its_email(
    tmp_path, receivers, slack_api
):
    """The watch paged for the incident's hours; the night's spike of the same day is its 'update' (the day in
    full): the Slack bot edits the watch's message and replies in its thread, and the e-mail answers the watch's,
    as a 'worse' does. An 'update' posted anew would be a second page for one incident."""
    email = {"type": "email", "name": "cx-email", "to": ["cx@example.com"], "sender": "bp@example.com",
             "smtp_host": "127.0.0.1", "smtp_port": receivers["smtp_port"], "starttls": False}  # fmt: skip
    cfg = alerting_config(tmp_path, channels=[BOT, email])
    db = tmp_path / "w.duckdb"
    aid = hourly_incident(db, cfg)
    assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 2, "failed": 0}
    [night] = incidents.detect(cfg, db, INCIDENT, "night")
    assert q(db, "SELECT status, incident_id FROM alerts WHERE alert_id = ?", [night]) == [("update", aid)]
    assert delivery.send_alerts(cfg, db, "s2") == {"delivered": 2, "failed": 0}
    watch_mail, night_mail = receivers["inbox"].messages
    assert night_mail["In-Reply-To"] == night_mail["References"] == watch_mail["Message-ID"]
    assert [m for m, _ in slack_api["calls"]] == ["chat.postMessage", "chat.update", "chat.postMessage"]
    [ts] = slack_api["messages"]  # one message in the channel: the watch's, edited
    _, update, reply = (body for _, body in slack_api["calls"])
    assert (update["channel"], update["ts"]) == ("C0CX", ts) and reply["thread_ts"] == ts
    assert reply["text"].startswith("Update: Parcelo negative spike has the day in full: now 50 negative mentions")
    assert q(db, "SELECT DISTINCT external_id FROM alert_deliveries WHERE channel = 'cx-bot'") == [(f"C0CX:{ts}",)]


@pytest.mark.parametrize(
    "channel, problem",
    [
        ({"bot_token_env": "T"}, "bot_token_env needs channel"),
        ({"webhook_url_env": "U", "channel": "#x"}, "channel is used only with bot_token_env"),
        ({"bot_token_env": "xoxb-123", "channel": "#x"}, r"\.bot_token_env: must be the name of an environment"),
    ],
)
def test_slack_bot_config_errors_name_file_and_field(tmp_path, channel, problem):
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match=rf"brandpulse.yaml: alerts\[0\].*{problem}"):
        alerting_config(tmp_path, channels=[{"type": "slack", "name": "cx", **channel}])


# ----------------------------------------------------------------------------------------------- quiet hours

WARSAW_NIGHT = {"start": "20:00", "end": "08:00", "timezone": "Europe/Warsaw"}


def local(day_offset: int, hh: int, mm: int = 0) -> datetime:
    """A moment in Warsaw (CEST, UTC+2, in September 2026) as an aware UTC datetime."""
    from zoneinfo import ZoneInfo

    at = datetime.combine(INCIDENT + timedelta(days=day_offset), time(hh, mm), tzinfo=ZoneInfo("Europe/Warsaw"))
    return at.astimezone(UTC)


def test_quiet_hours_hold_alerts_and_the_first_run_after_sends_one_digest_per_channel(tmp_path, receivers):
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL", "quiet_hours": quiet},
        {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL", "quiet_hours": WARSAW_NIGHT},
        {"type": "email", "name": "cx-email", "to": ["cx@example.com"], "sender": "bp@example.com",
         "smtp_host": "127.0.0.1", "smtp_port": receivers["smtp_port"], "starttls": False, "quiet_hours": quiet},
    ], watch={"enabled": True}, cooldown_days=3, worsen_ratio=1.5)  # fmt: skip
    runs = iter([local(0, 23, 30), local(2, 3), local(2, 5)])  # night sends: 23:30, then 03:00 and 05:00 local

    def send(db, run_id):
        return delivery.send_alerts(cfg, db, run_id, now=next(runs))

    db, first, second = worsening(tmp_path, cfg, send)
    # both alerts are critical: the webhook (except_critical, the default) gets each at once; the others hold them
    assert first == {"delivered": 1, "failed": 0, "held": 2}
    assert second == {"delivered": 1, "failed": 0, "held": 4}  # held counts every pair waiting for the digest
    assert q(db, "SELECT DISTINCT severity FROM alerts") == [("critical",)]
    assert receivers["slack"] == [] and receivers["inbox"].messages == [] and len(receivers["hooks"]) == 2
    held = q(db, "SELECT channel, ok, status, error FROM alert_deliveries WHERE status = 'held' ORDER BY 1")
    assert [(c, ok, s) for c, ok, s, _ in held] == [("cx-email", False, "held")] * 2 + [("cx-slack", False, "held")] * 2
    assert held[0][3].startswith("quiet hours 20:00-08:00 Europe/Warsaw: held until 2026-09-21 08:00 CEST")
    assert q(db, "SELECT DISTINCT state FROM v_alert_deliveries WHERE channel <> 'ops-hook'") == [("held",)]
    [(outcome,)] = q(db, "SELECT DISTINCT delivery FROM v_alerts")
    assert outcome == "cx-email: held (quiet hours), cx-slack: held (quiet hours), ops-hook: delivered"
    # still quiet: nothing is sent, and nothing more is recorded
    assert delivery.send_alerts(cfg, db, "s4", now=local(2, 7, 59)) == {"delivered": 0, "failed": 0, "held": 4}
    assert q(db, "SELECT count(*) FROM alert_deliveries") == [(6,)]

    # 08:01: the quiet hours are over: one digest per channel, listing both alerts
    assert delivery.send_alerts(cfg, db, "s5", now=local(2, 8, 1)) == {"delivered": 4, "failed": 0, "digests": 2}
    headlines = [h for (h,) in q(db, "SELECT headline FROM alerts ORDER BY day")]
    [mail] = receivers["inbox"].messages
    assert mail["Subject"] == "[brandpulse] 2 alerts held during quiet hours (20:00-08:00 Europe/Warsaw)"
    body = mail.get_body(("plain",)).get_content()
    assert all(h in body for h in headlines) and body.count("· critical ·") == 2
    [digest] = receivers["slack"]
    assert digest["text"].startswith("2 alerts held during quiet hours") and len(digest["blocks"]) == 4
    by_digest = "SELECT channel, count(*) FROM alert_deliveries WHERE via = 'digest' AND ok GROUP BY 1 ORDER BY 1"
    assert q(db, by_digest) == [("cx-email", 2), ("cx-slack", 2)]
    assert delivery.send_alerts(cfg, db, "s6", now=local(2, 9)) == {"delivered": 0, "failed": 0}  # nothing left


def test_a_failed_digest_is_retried_as_a_digest(tmp_path, receivers):
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL", "quiet_hours": quiet}],
        watch={"enabled": True})  # fmt: skip
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22))["held"] == 1
    receivers["http"].add_fault(r"^/slack/", status=500, times=100)
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 9)) == {"delivered": 0, "failed": 1, "digests": 1}
    # one attempt failed: the hold for quiet hours before it was no failure (it read 'failed ×2')
    assert q(db, "SELECT delivery FROM v_alerts") == [("cx-slack: failed ×1",)]
    receivers["http"].faults.clear()
    assert delivery.send_alerts(cfg, db, "s3", now=local(1, 10)) == {"delivered": 1, "failed": 0, "digests": 1}
    [digest] = receivers["slack"]
    assert digest["text"].startswith("1 alert held during quiet hours")
    assert q(db, "SELECT attempt, ok, status, via FROM alert_deliveries ORDER BY 1") == [
        (1, False, "held", None), (2, False, "500", "digest"), (3, True, "200", "digest")]  # fmt: skip


def test_a_digest_the_step_budget_left_untried_is_retried_as_a_digest(tmp_path, receivers):
    """A digest the step's budget ran out before is recorded failed as the digest's attempt (via 'digest'), like
    one tried and failed: the next run sends the held alert in a digest, not on its own as if never held."""
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    channels = [{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL", "quiet_hours": quiet}]
    cfg = alerting_config(tmp_path, channels=channels, watch={"enabled": True})
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22))["held"] == 1
    spent = alerting_config(tmp_path, channels=channels, watch={"enabled": True}, step_budget_s=1e-6)
    assert delivery.send_alerts(spent, db, "s2", now=local(1, 9)) == {"delivered": 0, "failed": 1, "digests": 1}
    assert receivers["slack"] == []  # not tried
    assert delivery.send_alerts(cfg, db, "s3", now=local(1, 10)) == {"delivered": 1, "failed": 0, "digests": 1}
    [digest] = receivers["slack"]
    assert digest["text"].startswith("1 alert held during quiet hours")
    assert q(db, "SELECT attempt, ok, via FROM alert_deliveries ORDER BY 1") == [
        (1, False, None), (2, False, "digest"), (3, True, "digest")]  # fmt: skip


def test_quiet_hours_hold_a_major_alert_and_let_a_critical_one_through(tmp_path, receivers):
    """except_critical (the default): during the quiet hours a critical alert goes out at once, a major one is
    held for the digest."""
    cfg = alerting_config(tmp_path, channels=[
        {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL", "quiet_hours": WARSAW_NIGHT}],
        watch={"enabled": True})  # fmt: skip
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [critical] = incidents.detect(cfg, db, INCIDENT, "r")
    major = "SELECT * REPLACE ('m-' || alert_id AS alert_id, 'm-' || incident_id AS incident_id, 'major' AS severity)"
    with connect(db) as con:
        con.execute(f"INSERT INTO alerts {major} FROM alerts")
    assert q(db, "SELECT severity FROM alerts ORDER BY alert_id") == [("critical",), ("major",)]
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22)) == {"delivered": 1, "failed": 0, "held": 1}
    assert [h["alert_id"] for h in receivers["hooks"]] == [critical]
    assert q(db, "SELECT alert_id, status FROM alert_deliveries WHERE NOT ok") == [(f"m-{critical}", "held")]
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 8)) == {"delivered": 1, "failed": 0, "digests": 1}
    digest = receivers["hooks"][1]
    assert digest["schema"] == "brandpulse.digest/1" and [a["alert_id"] for a in digest["alerts"]] == [f"m-{critical}"]


def test_a_webhook_digest_is_retried_with_the_same_idempotency_key(tmp_path, receivers):
    """A digest the webhook refused is retried by the next run as the same digest, under the same Idempotency-Key
    (digest:<channel>:<its alerts>), so a receiver that did act on the first one can drop the repeat."""
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL", "quiet_hours": quiet}],
        watch={"enabled": True})  # fmt: skip
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22))["held"] == 1
    http = receivers["http"]
    http.add_fault(r"^/hook$", status=400)  # refused once (a 4xx is not retried within the attempt)
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 9)) == {"delivered": 0, "failed": 1, "digests": 1}
    assert delivery.send_alerts(cfg, db, "s3", now=local(1, 10)) == {"delivered": 1, "failed": 0, "digests": 1}
    refused, accepted = (r.headers.get("idempotency-key") for r in http.requests)
    assert refused == accepted and accepted.startswith("digest:ops-hook:")
    [digest] = receivers["hooks"]
    assert [a["alert_id"] for a in digest["alerts"]] == [aid]
    assert q(db, "SELECT attempt, ok, via FROM alert_deliveries ORDER BY 1") == [
        (1, False, None), (2, False, "digest"), (3, True, "digest")]  # fmt: skip


def _a_failed_digest_then_another_held(tmp_path, http):
    """A webhook digest of one held alert that reached the receiver and was answered past the deadline (failed),
    then the night after holding it again beside a new alert (``b-`` + its id). Returns (cfg, db, alert id)."""
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL", "quiet_hours": quiet}],
        watch={"enabled": True}, delivery_deadline_s=1.0)  # fmt: skip
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22))["held"] == 1
    http.add_fault(r"^/hook$", status=200, delay=1.5)  # taken, answered after the attempt's deadline
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 9)) == {"delivered": 0, "failed": 1, "digests": 1}
    later = "SELECT * REPLACE ('b-' || alert_id AS alert_id, 'b-' || incident_id AS incident_id)"
    with connect(db) as con:
        con.execute(f"INSERT INTO alerts {later} FROM alerts")
    assert delivery.send_alerts(cfg, db, "s3", now=local(1, 22)) == {"delivered": 0, "failed": 0, "held": 2}
    return cfg, db, aid


def _digests_sent(http) -> list[tuple[str, list[str]]]:
    """(Idempotency-Key, alert ids) of each request the webhook receiver got."""
    return [(r.headers.get("idempotency-key"), [a["alert_id"] for a in json.loads(r.body)["alerts"]])
            for r in http.requests]  # fmt: skip


def test_a_webhook_digest_that_timed_out_is_resent_as_itself_not_merged_with_alerts_held_since(tmp_path, receivers):
    """The morning's digest reached the webhook, which acted on it and answered past the deadline (failed); the
    night after holds it again beside a new alert. The next morning resends that digest as it was, under the same
    Idempotency-Key, so the receiver can drop the repeat, and the new alert goes in a digest of its own. Both used
    to go in one digest under a new key: the receiver could not tell, and acted on the first alert twice."""
    http = receivers["http"]
    cfg, db, aid = _a_failed_digest_then_another_held(tmp_path, http)
    assert delivery.send_alerts(cfg, db, "s4", now=local(2, 9)) == {"delivered": 2, "failed": 0, "digests": 2}
    sent = _digests_sent(http)
    assert [ids for _, ids in sent] == [[aid], [aid], [f"b-{aid}"]]
    assert sent[0][0] == sent[1][0] != sent[2][0]


def test_two_webhook_digests_of_one_run_that_timed_out_are_each_resent_as_themselves(tmp_path, receivers):
    """The resent digest and the one of the alerts held since both reached the webhook and were answered past the
    deadline in one morning: the next run resends each under its own Idempotency-Key again. Both failed in one run,
    they used to be merged into one digest under a new key (grouped by that run), which the receiver could not tell
    from either."""
    http = receivers["http"]
    cfg, db, aid = _a_failed_digest_then_another_held(tmp_path, http)
    http.add_fault(r"^/hook$", status=200, delay=1.5, times=2)  # both digests of the morning: late again
    assert delivery.send_alerts(cfg, db, "s4", now=local(2, 9)) == {"delivered": 0, "failed": 2, "digests": 2}
    assert delivery.send_alerts(cfg, db, "s5", now=local(2, 10)) == {"delivered": 2, "failed": 0, "digests": 2}
    sent = sorted({(key, tuple(ids)) for key, ids in _digests_sent(http)})
    assert sorted(ids for _, ids in sent) == [(aid,), (f"b-{aid}",)]  # two digests, each under one key


def test_a_webhook_digest_names_each_alerts_incident_and_brand(tmp_path, receivers):
    """The watch's 'new' and the night's 'update' of one incident, both held: the webhook digest carries each
    alert's incident_id (and brand), the key a paging bridge deduplicates on, as an alert's own JSON does. It had
    neither, so a bridge could not tie them together, nor to the incident's next alert sent on its own."""
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL", "quiet_hours": quiet}],
        watch={"enabled": True})  # fmt: skip
    db = tmp_path / "w.duckdb"
    aid = hourly_incident(db, cfg)
    [night] = incidents.detect(cfg, db, INCIDENT, "night")
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22))["held"] == 2
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 9)) == {"delivered": 2, "failed": 0, "digests": 1}
    [digest] = receivers["hooks"]
    assert [(a["alert_id"], a["status"], a["incident_id"], a["brand"]) for a in digest["alerts"]] == [
        (aid, "new", aid, "parcelo"), (night, "update", aid, "parcelo")]  # fmt: skip


def test_a_digest_that_failed_then_a_resend_of_its_own_leaves_the_incidents_message_to_edit(tmp_path, receivers):
    """Held, its digest failed, then `--resend` posted it as its own message (via NULL): the incident's message a
    later 'worse' edits is that one. The view's via skipped the resend's NULL and still said 'digest', so the
    'worse' was posted anew instead of editing it."""
    _, db = held_at_night(tmp_path)
    [(aid, incident)] = q(db, "SELECT alert_id, incident_id FROM alerts")
    with connect(db) as con:
        for attempt, ok, via in ((2, False, "digest"), (3, True, None)):
            execute(con, "alerts/record_delivery", {"alert_id": aid, "channel": "cx-slack", "attempt": attempt,
                                                    "ok": ok, "status": "200" if ok else "500", "error": None,
                                                    "run_id": f"s{attempt}", "via": via, "retry_to": None})  # fmt: skip
        con.execute("UPDATE alert_deliveries SET external_id = 'C0CX:1790000000.000003' WHERE attempt = 3")
        [(state, via)] = con.execute("SELECT state, via FROM v_alert_deliveries").fetchall()
        earlier = rows(execute(con, "alerts/earlier_message", {"incident": incident, "channel": "cx-slack",
                                                               "alert_id": "a-later-worse"}))  # fmt: skip
    assert (state, via) == ("delivered", None)
    assert [e["external_id"] for e in earlier] == ["C0CX:1790000000.000003"]


def test_the_incidents_message_to_edit_is_the_newest_slack_gave_an_id(tmp_path):
    """The message a later alert of the incident edits: of the channel's deliveries of it, the newest with Slack's
    id (an answer without one, or a follow-up sent while the channel had no bot token, leaves none to edit)."""
    from pipeline.warehouse import migrate

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    fields = {"incident_id": "a-new", "brand": "parcelo", "kind": "spike", "day": INCIDENT, "severity": "major",
              "headline": "h", "reason": "r", "observed": 30, "expected": 5.0, "explanation": "{}", "send": True,
              "run_id": "r"}  # fmt: skip
    sent = [("a-new", "new", 3, "C0CX:1790000000.000001"), ("a-worse", "worse", 2, "C0CX:1790000000.000002"),
            ("a-worse-2", "worse", 1, None)]  # fmt: skip
    with connect(db) as con, transaction(con):
        for aid, status, _, _ in sent:
            incidents._record_alert(con, {**fields, "alert_id": aid, "status": status})
    with connect(db) as con:
        for aid, _, hours_ago, external_id in sent:
            key = {"alert_id": aid, "channel": "cx-bot", "attempt": 1}
            execute(
                con, "alerts/begin_delivery", {**key, "run_id": "s", "via": None, "retry_to": None, "external_id": None}
            )
            outcome = {"ok": True, "status": "200", "error": None, "external_id": external_id, "retry_to": None}
            execute(con, "alerts/finish_delivery", {**key, **outcome})
            con.execute("UPDATE alert_deliveries SET attempted_at = now() - to_hours(CAST(? AS BIGINT))"
                        " WHERE alert_id = ?", [hours_ago, aid])  # fmt: skip
        earlier = rows(execute(con, "alerts/earlier_message", {"incident": "a-new", "channel": "cx-bot",
                                                               "alert_id": "a-later"}))  # fmt: skip
    assert [e["external_id"] for e in earlier] == ["C0CX:1790000000.000002"]


def held_at_night(tmp_path):
    """A Slack channel quiet at night (critical alerts too) with alerting.max_age_days 3, and the incident's alert
    held by a send at 22:00 on its day: (config, warehouse)."""
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    cfg = alerting_config(tmp_path, channels=[
        {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL", "quiet_hours": quiet}],
        watch={"enabled": True}, max_age_days=3)  # fmt: skip
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    assert incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT)
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 22), today=INCIDENT)["held"] == 1
    return cfg, db


def test_the_digest_goes_out_before_a_later_alert_of_an_incident_it_holds(tmp_path, receivers):
    """The first send after quiet hours has the held 'new' (for the digest) and the incident's 'worse' raised since:
    the digest, with the older figures, goes first; the 'worse' once came first and the digest after it."""
    cfg, db = held_at_night(tmp_path)
    later = "SELECT * REPLACE ('w-' || alert_id AS alert_id, 'worse' AS status, created_at + INTERVAL 9 HOUR"
    with connect(db) as con:
        con.execute(f"INSERT INTO alerts {later} AS created_at) FROM alerts")
    sent = delivery.send_alerts(cfg, db, "s2", now=local(1, 9), today=INCIDENT + timedelta(days=1))
    assert sent == {"delivered": 2, "failed": 0, "digests": 1}
    digest, worse = receivers["slack"]
    assert digest["text"].startswith("1 alert held during quiet hours") and worse["text"].startswith("Worse: ")


def test_a_held_alert_superseded_by_its_incidents_later_alert_ages_out(tmp_path, receivers):
    """Held for quiet hours, then its incident's later alert reached the channel (a critical 'worse' goes out at
    once): it is never sent (its figures are older), and after alerting.max_age_days no run counts it any more. It
    was counted superseded by every run, for good, as a held alert never aged out."""
    cfg, db = held_at_night(tmp_path)
    later = "SELECT * REPLACE ('w-' || alert_id AS alert_id, 'worse' AS status, created_at + INTERVAL 1 HOUR"
    with connect(db) as con:
        con.execute(f"INSERT INTO alerts {later} AS created_at) FROM alerts")
        worse = con.execute("SELECT alert_id FROM alerts WHERE alert_id LIKE 'w-%'").fetchone()[0]
        execute(con, "alerts/record_delivery", {"alert_id": worse, "channel": "cx-slack", "attempt": 1, "ok": True,
                                                "status": "200", "error": None, "run_id": "s1", "via": None,
                                                "retry_to": None})  # fmt: skip
    sent = delivery.send_alerts(cfg, db, "s2", now=local(1, 9), today=INCIDENT + timedelta(days=1))
    assert sent == {"delivered": 0, "failed": 0, "superseded": 1} and receivers["slack"] == []
    sent = delivery.send_alerts(cfg, db, "s3", now=local(5, 9), today=INCIDENT + timedelta(days=5))
    assert sent == {"delivered": 0, "failed": 0} and receivers["slack"] == []


def test_a_held_alert_waits_for_its_digest_past_max_age_days(tmp_path, receivers):
    """alerting.max_age_days bounds what a send picks up, but not a pair already held for quiet hours: it goes
    out in the digest of the first send after the hours end, however late (it aged out, never delivered)."""
    cfg, db = held_at_night(tmp_path)
    later = INCIDENT + timedelta(days=5)  # past max_age_days
    assert delivery.send_alerts(cfg, db, "s2", now=local(5, 9), today=later) == {
        "delivered": 1,
        "failed": 0,
        "digests": 1,
    }
    [digest] = receivers["slack"]
    assert digest["text"].startswith("1 alert held during quiet hours")


def test_a_held_alert_of_a_brand_removed_from_the_config_ages_out(tmp_path, receivers):
    """Held for quiet hours, then its brand left the config: it cannot be sent (skipped and counted, as any alert
    of a removed brand), and after alerting.max_age_days no run counts it any more. As a held alert never aged
    out, every run (the watch's, every 15 minutes) warned about it and counted it not_configured, for good."""
    _, db = held_at_night(tmp_path)
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    other = alerting_config(tmp_path, channels=[
        {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL", "quiet_hours": quiet}],
        watch={"enabled": True}, max_age_days=3, brand={"name": "Zenith", "aliases": ["Zenith"]})  # fmt: skip
    sent = delivery.send_alerts(other, db, "s2", now=local(1, 9), today=INCIDENT + timedelta(days=1))
    assert sent == {"delivered": 0, "failed": 0, "not_configured": 1}
    sent = delivery.send_alerts(other, db, "s3", now=local(5, 9), today=INCIDENT + timedelta(days=5))
    assert sent == {"delivered": 0, "failed": 0} and receivers["slack"] == []


def test_a_held_alert_whose_digest_failed_is_retried_past_max_age_days(tmp_path, receivers, monkeypatch):
    """A digest that fails (Slack answers 500) leaves its alerts failed, via 'digest': the next send retries the
    digest however old the alert, as it waited for the first one (it once aged out after a failed digest)."""
    cfg, db = held_at_night(tmp_path)
    http = receivers["http"]
    http.route("POST", r"^/down$", lambda req, m: Response(500, "down"))
    nowhere = f"http://127.0.0.1:{free_port()}/slack"  # nothing listens there: a connection error, no status
    for day, url, status in ((5, nowhere, None), (6, f"{http.url}/down", "500")):
        monkeypatch.setenv("TEST_SLACK_URL", url)
        assert delivery.send_alerts(cfg, db, f"s{day}", now=local(day, 9), today=INCIDENT + timedelta(days=day)) == {
            "delivered": 0,
            "failed": 1,
            "digests": 1,
        }
        # the last attempt's status, not the 'held' before it
        assert q(db, "SELECT state, via, status FROM v_alert_deliveries") == [("failed", "digest", status)]
    monkeypatch.setenv("TEST_SLACK_URL", f"{http.url}/slack/T000/B000/secret")
    again = delivery.send_alerts(cfg, db, "s7", now=local(7, 9), today=INCIDENT + timedelta(days=7))
    assert again == {"delivered": 1, "failed": 0, "digests": 1}
    [digest] = receivers["slack"]
    assert digest["text"].startswith("1 alert held during quiet hours")


def test_an_alert_whose_message_cannot_be_built_fails_alone(tmp_path, receivers, caplog):
    """An alert whose message cannot be built (here its stored explanation is damaged; a chart folder that cannot
    be written does the same) is recorded failed with the reason, its traceback logged, and every other alert
    still goes out: the step once raised, every run, and no channel got any alert."""
    import logging

    cfg = alerting_config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT)
    with connect(db) as con:
        damaged = "SELECT * REPLACE ('bad-' || alert_id AS alert_id, '{\"terms\": 5}' AS explanation) FROM alerts"
        con.execute(f"INSERT INTO alerts {damaged}")
    with caplog.at_level(logging.ERROR, logger="brandpulse"):
        sent = delivery.send_alerts(cfg, db, "s1", today=INCIDENT)
    assert sent == {"delivered": 1, "failed": 1} and [h["alert_id"] for h in receivers["hooks"]] == [aid]
    [(state, error)] = q(db, "SELECT state, error FROM v_alert_deliveries WHERE alert_id LIKE 'bad-%'")
    assert state == "failed" and error.startswith("its message could not be built (TypeError: ")
    assert error.endswith("retried next run")
    assert f"alert bad-{aid}: its message could not be built" in caplog.text and "Traceback" in caplog.text


def test_a_send_beside_another_leaves_it_the_attempt_the_other_recorded_first(tmp_path, receivers, caplog):
    """Two sends at once (``brandpulse alerts --resend`` during the night): both found the pair to send, and the
    other recorded its attempt first. This one leaves it to the other (nothing sent twice), where it once
    crashed on the attempt's key and failed its step."""
    import logging

    cfg = alerting_config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT)
    with connect(db) as con:
        todo = delivery._todo(cfg, con, None, INCIDENT)
        execute(con, "alerts/begin_delivery", {"alert_id": aid, "channel": "ops-hook", "attempt": 1, "run_id": "other",
                                               "via": None, "retry_to": None, "external_id": None})  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="brandpulse"):
        done = delivery._attempts(cfg, db, "this", todo, {"TEST_HOOK_URL": receivers["http"].url + "/hook"}, 1e12)
    assert done == [] and receivers["hooks"] == []
    assert f"another send recorded {aid} to ops-hook attempt 1 first; left to it, not sent twice" in caplog.text
    assert q(db, "SELECT run_id, ok FROM alert_deliveries") == [("other", None)]


def test_a_send_that_read_the_pairs_before_another_recorded_its_answer_sends_nothing(tmp_path, receivers):
    """A resend read the pair while the night's attempt 1 was pending, then the night recorded it delivered: the
    resend's attempt 2 is not begun (it was, and posted the alert a second time)."""
    cfg = alerting_config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT)
    key = {"alert_id": aid, "channel": "ops-hook", "attempt": 1}
    with connect(db) as con:
        execute(
            con, "alerts/begin_delivery", {**key, "run_id": "night", "via": None, "retry_to": None, "external_id": None}
        )
        todo = delivery._todo(cfg, con, aid)  # the resend's read: attempt 1 pending
        assert [(p["attempts"], p["state"]) for p in todo] == [(1, "pending")]
        execute(con, "alerts/finish_delivery", {**key, "ok": True, "status": "200", "error": None,
                                                "external_id": None, "retry_to": None})  # fmt: skip
    done = delivery._attempts(cfg, db, "resend", todo, {"TEST_HOOK_URL": receivers["http"].url + "/hook"}, 1e12)
    assert done == [] and receivers["hooks"] == []
    assert q(db, "SELECT run_id, ok FROM alert_deliveries") == [("night", True)]


def test_an_alert_that_failed_before_its_incidents_later_alert_arrived_is_not_sent_after_it(tmp_path, receivers):
    """The incident's 'new' failed (Retry-After past the deadline, say), its 'worse' went out in the same run: the
    next run does not send the 'new' with its older, lower figures after the 'worse' (on Slack it would become
    the message later alerts edit). It is counted superseded and named in the log; a resend still sends it."""
    cfg = alerting_config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT)
    later = "SELECT * REPLACE ('w-' || alert_id AS alert_id, 'worse' AS status, created_at + INTERVAL 1 MINUTE"
    with connect(db) as con:
        con.execute(f"INSERT INTO alerts {later} AS created_at) FROM alerts")
        for alert, ok in ((aid, False), (f"w-{aid}", True)):
            execute(con, "alerts/record_delivery", {"alert_id": alert, "channel": "ops-hook", "attempt": 1, "ok": ok,
                                                    "status": "200" if ok else "429", "error": None, "run_id": "s0",
                                                    "via": None, "retry_to": None})  # fmt: skip
    assert delivery.send_alerts(cfg, db, "s1", today=INCIDENT) == {"delivered": 0, "failed": 0, "superseded": 1}
    assert receivers["hooks"] == []
    [sent] = delivery.resend(cfg, db, aid, env={"TEST_HOOK_URL": receivers["http"].url + "/hook"})
    assert sent.delivery.ok and [h["alert_id"] for h in receivers["hooks"]] == [aid]


def test_quiet_hours_over_the_nights_send_need_the_watch(tmp_path):
    """Without the watch the only send is the night's, at about 02:00 UTC: quiet hours over it would hold every
    alert for good, so the config says so; with the watch, or quiet hours that end before the night, it loads."""
    from pipeline.config import ConfigError

    channel = {"type": "webhook", "name": "hook", "url_env": "U", "quiet_hours": WARSAW_NIGHT}
    with pytest.raises(ConfigError, match=r"alerts\[0\].quiet_hours: 20:00-08:00 Europe/Warsaw cover the nightly"):
        alerting_config(tmp_path, channels=[channel])
    assert alerting_config(tmp_path, channels=[channel], watch={"enabled": True}).alerts[0].quiet_hours
    evening = {**channel, "quiet_hours": {"start": "20:00", "end": "23:30", "timezone": "Europe/Warsaw"}}
    assert alerting_config(tmp_path, channels=[evening]).alerts[0].quiet_hours


def test_quiet_hours_over_every_run_of_a_watch_with_a_long_interval_are_refused(tmp_path):
    """A watch every 12 or 24 hours sends at 00:00 (and 12:00) UTC only: quiet hours over those and the night's
    sends held every alert for good in a config that loaded. In Los Angeles 17:00-06:00 covers 00:00 and 12:00 UTC
    in summer time only (in winter 00:00 UTC is 16:00): the clocks' change is checked too."""
    from pipeline.config import ConfigError

    def channel(quiet):
        return [{"type": "webhook", "name": "hook", "url_env": "U", "quiet_hours": quiet}]

    daily = {"enabled": True, "interval_minutes": 1440}
    with pytest.raises(ConfigError, match=r"20:00-08:00 Europe/Warsaw cover .* every run of the watch \(00:00 UTC"):
        alerting_config(tmp_path, channels=channel(WARSAW_NIGHT), watch=daily)
    evening = {"start": "17:00", "end": "06:00", "timezone": "America/Los_Angeles"}
    twice = {"enabled": True, "interval_minutes": 720}
    with pytest.raises(ConfigError, match=r"every run of the watch \(00:00, 12:00 UTC in July\)"):
        alerting_config(tmp_path, channels=channel(evening), watch=twice)
    # a run outside them sends the digest: the 12:00 UTC run is 14:00 in Warsaw
    assert alerting_config(tmp_path, channels=channel(WARSAW_NIGHT), watch=twice).alerts[0].quiet_hours


def test_quiet_hours_over_the_nights_send_need_a_watch_that_reads_a_network_source(tmp_path):
    """A watch with file drops only is skipped every run ("no network source is configured") and sends nothing:
    the held alerts waited for good, night after night, in a config that loaded."""
    import yaml

    from pipeline.config import ConfigError, load_config

    channel = {"type": "webhook", "name": "hook", "url_env": "U", "quiet_hours": WARSAW_NIGHT}
    alerting_config(tmp_path, channels=[channel], watch={"enabled": True})  # with a network source: it loads
    path = tmp_path / "brandpulse.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["brands"][0]["sources"] = [s for s in doc["brands"][0]["sources"] if s["type"] == "file_drop"]
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match=r"quiet_hours: 20:00-08:00 Europe/Warsaw cover .* no brand has a network"):
        load_config(path)


def test_quiet_hours_until():
    from pipeline.config import QuietHoursSpec

    night = QuietHoursSpec(**WARSAW_NIGHT)
    assert night.until(local(0, 23, 30)) == local(1, 8)
    assert night.until(local(0, 7, 59)) == local(0, 8)
    assert night.until(local(0, 20)) == local(1, 8)
    assert night.until(local(0, 8)) is None and night.until(local(0, 12)) is None
    day = QuietHoursSpec(start="09:00", end="17:00")  # UTC by default
    noon = datetime.combine(INCIDENT, time(12), tzinfo=UTC)
    assert day.until(noon) == noon.replace(hour=17) and day.until(noon.replace(hour=18)) is None
    # quiet from the start's minute (included) to the end's (excluded), in a range within the day as in one across
    # midnight (20:00 and 08:00 above)
    assert day.until(noon.replace(hour=9)) == day.until(noon.replace(hour=16, minute=59)) == noon.replace(hour=17)
    assert day.until(noon.replace(hour=8, minute=59)) is None and day.until(noon.replace(hour=17)) is None
    assert night.except_critical is True
    # the night Warsaw's clocks go back (03:00 CEST -> 02:00 CET at 01:00 UTC), quiet until 02:30: over at the first
    # 02:30 (00:30 UTC), and not quiet again at the second 02:15 (01:15 UTC): the end was one a showing, so alerts
    # went out from 00:30 to 01:00 UTC and were held again from 01:00 to 01:30
    early = QuietHoursSpec(start="20:00", end="02:30", timezone="Europe/Warsaw")
    second = datetime(2026, 10, 25, 1, 15, tzinfo=UTC)
    assert early.until(second) is None and early.until(datetime(2026, 10, 25, 0, 40, tzinfo=UTC)) is None
    assert early.until(second - timedelta(hours=1)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:15
    # the night they go forward (02:00 CET -> 03:00 CEST at 01:00 UTC) there is no 02:30: the hours end at 03:00
    # CEST (01:00 UTC), and the held reason says so, not "03:30" (02:30 read in the old offset)
    assert early.until(datetime(2027, 3, 28, 0, 30, tzinfo=UTC)) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    # quiet hours that start inside the repeated hour began at its first showing: the second 02:10 (01:10 UTC) of a
    # 02:30 start is within them (it read as before the start, and alerts went out in the hours' first 40 minutes)
    late = QuietHoursSpec(start="02:30", end="06:00", timezone="Europe/Warsaw")
    assert late.until(datetime(2026, 10, 25, 0, 29, tzinfo=UTC)) is None  # the first 02:29, CEST
    assert late.until(datetime(2026, 10, 25, 1, 10, tzinfo=UTC)) == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)
    wraps = QuietHoursSpec(start="02:30", end="02:00", timezone="Europe/Warsaw")  # till the next night's 02:00
    assert wraps.until(datetime(2026, 10, 25, 1, 10, tzinfo=UTC)) == datetime(2026, 10, 26, 1, 0, tzinfo=UTC)
    assert late.until(datetime(2026, 10, 26, 1, 10, tzinfo=UTC)) is None  # 02:10 the next night, no clock change
    short = QuietHoursSpec(start="02:30", end="02:45", timezone="Europe/Warsaw")  # both inside the repeated hour
    assert short.until(datetime(2026, 10, 25, 0, 40, tzinfo=UTC)) == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert short.until(datetime(2026, 10, 25, 0, 50, tzinfo=UTC)) is None  # not quiet again at 02:30-02:45 CET
    assert short.until(datetime(2026, 10, 25, 1, 40, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    "quiet, problem",
    [
        ({"start": "25:00", "end": "08:00"}, r"quiet_hours.start: must be a time of day as HH:MM"),
        ({"start": "20:00", "end": "8"}, r"quiet_hours.end: must be a time of day as HH:MM .* got '8'"),
        ({**WARSAW_NIGHT, "timezone": "Mars/Olympus"}, r"quiet_hours.timezone: .*'Mars/Olympus' is not an IANA"),
        ({"start": "20:00", "end": "20:00"}, r"quiet_hours: start and end are both 20:00"),
        ({"start": "20:00"}, r"quiet_hours.end: Field required"),
    ],
)
def test_quiet_hours_config_errors_name_file_and_field(tmp_path, quiet, problem):
    from pipeline.config import ConfigError

    channel = {"type": "webhook", "name": "hook", "url_env": "U", "quiet_hours": quiet}
    with pytest.raises(ConfigError, match=rf"brandpulse.yaml: alerts\[0\].{problem}"):
        alerting_config(tmp_path, channels=[channel])


# ------------------------------------------------------------------------- e-mail recipients refused for now


class _Greylisting:
    """An SMTP handler that refuses the addresses in ``for_now`` with a temporary 450 (greylisting), ``gone@`` and
    those in ``for_good`` with a permanent 550, and takes the rest; ``envelopes``: the recipients of each message
    it took."""

    def __init__(self, for_now: set[str]):
        self.for_now, self.for_good, self.envelopes, self.stall_s = for_now, set(), [], 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.for_now:
            return "450 4.2.0 greylisted, try again later"
        if address.startswith("gone@") or address in self.for_good:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(list(envelope.rcpt_tos))
        await asyncio.sleep(self.stall_s)  # > the client's deadline: it had the message whole, and no reply
        return "250 OK queued"


@pytest.fixture
def greylisting():
    from aiosmtpd.controller import Controller

    port = free_port()
    handler = _Greylisting({"grey@example.com"})
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _greylisted_channel(port: int, **extra) -> dict:
    return {"type": "email", "name": "cx-email", "to": ["cx@example.com", "grey@example.com", "gone@example.com"],
            "sender": "bp@example.com", "smtp_host": "127.0.0.1", "smtp_port": port, "starttls": False,
            **extra}  # fmt: skip


def _grey_owed(tmp_path, port: int, **alerting) -> tuple:
    """Parcelo's incident alert sent once on the greylisted channel (cx@ takes it, grey@ is refused for now and
    owed it): (config, warehouse, alert id)."""
    cfg = alerting_config(tmp_path, channels=[_greylisted_channel(port)], **alerting)
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1", today=INCIDENT)
    assert delivery.send_alerts(cfg, db, "s1", today=INCIDENT) == {"delivered": 1, "failed": 0}
    return cfg, db, aid


def test_an_email_recipient_refused_for_now_gets_the_alert_alone_on_a_later_run(tmp_path, greylisting):
    """The server takes the alert for cx@, refuses grey@ for now (450) and gone@ for good (550): the attempt is
    delivered, grey@ is owed it. The next run sends it to grey@ alone (cx@ gets no second copy); refused again,
    grey@ stays owed; once grey@ has it, nothing is left. gone@ is never tried again. It used to be delivered for
    the channel with grey@ named in the error, and never retried."""
    handler, port = greylisting
    cfg = alerting_config(tmp_path, channels=[_greylisted_channel(port)])
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    assert len(incidents.detect(cfg, db, INCIDENT, "r1")) == 1

    assert delivery.send_alerts(cfg, db, "s1", today=INCIDENT) == {"delivered": 1, "failed": 0}
    assert handler.envelopes == [["cx@example.com"]]
    [(ok, error, retry_to)] = q(db, "SELECT ok, error, retry_to FROM alert_deliveries")
    assert ok and retry_to == ["grey@example.com"]
    assert error == (
        "email channel 'cx-email': recipients refused: {'grey@example.com': '450 4.2.0 greylisted, try again "
        "later', 'gone@example.com': '550 5.1.1 no such user'}; retried next run: grey@example.com"
    )
    assert q(db, "SELECT delivery, delivered FROM v_alerts") == [("cx-email: delivered, 1 recipient(s) to retry", True)]

    # still greylisted: the retry, for grey@ alone, is refused outright; grey@ stays owed
    assert delivery.send_alerts(cfg, db, "s2", today=INCIDENT) == {"delivered": 0, "failed": 1}
    assert handler.envelopes == [["cx@example.com"]]
    last = "SELECT attempt, ok, status, retry_to FROM alert_deliveries ORDER BY attempt DESC LIMIT 1"
    assert q(db, last) == [(2, False, "450 4.2.0 greylisted, try again later", ["grey@example.com"])]
    assert q(db, "SELECT ok, state, retry_to FROM v_alert_deliveries") == [(True, "delivered", ["grey@example.com"])]

    handler.for_now.clear()  # the greylisting's wait is over
    assert delivery.send_alerts(cfg, db, "s3", today=INCIDENT) == {"delivered": 1, "failed": 0}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]
    assert q(db, last) == [(3, True, "250 OK queued", [])]
    assert q(db, "SELECT delivery FROM v_alerts") == [("cx-email: delivered",)]
    assert delivery.send_alerts(cfg, db, "s4", today=INCIDENT) == {"delivered": 0, "failed": 0}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]
    assert q(db, "SELECT count(*) FROM alert_deliveries") == [(3,)]


def test_a_retry_to_owed_recipients_left_without_a_reply_is_pending_and_resent_to_them_alone_on_request(
    tmp_path, greylisting
):
    """The retry for grey@ reaches a server that takes the message whole and does not answer within the deadline:
    grey@ may have it, so the pair is pending (possibly delivered): grey@ is still owed it, but later runs do not
    send it again (at most once, as for any e-mail left without a reply); ``brandpulse alerts --resend`` sends it
    to grey@ alone. The pending retry once cleared what was owed: the pair read 'delivered' and a resend sent
    nothing."""
    handler, port = greylisting
    cfg, db, aid = _grey_owed(tmp_path, port, delivery_deadline_s=2.5)

    handler.for_now.clear()
    handler.stall_s = 6.0  # past the deadline, with room for a busy machine
    assert delivery.send_alerts(cfg, db, "s2", today=INCIDENT) == {"delivered": 0, "failed": 0, "pending": 1}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]
    last = "SELECT attempt, ok, retry_to FROM alert_deliveries ORDER BY attempt DESC LIMIT 1"
    assert q(db, last) == [(2, None, ["grey@example.com"])]
    pair = "SELECT ok, state, retry_to FROM v_alert_deliveries"
    assert q(db, pair) == [(True, "pending", ["grey@example.com"])]
    assert q(db, "SELECT delivery, delivered FROM v_alerts") == [
        ("cx-email: delivered, 1 recipient(s) pending (possibly delivered)", True)]  # fmt: skip
    handler.stall_s = 0.0
    assert delivery.send_alerts(cfg, db, "s3", today=INCIDENT) == {"delivered": 0, "failed": 0, "pending": 1}
    assert len(handler.envelopes) == 2 and q(db, "SELECT count(*) FROM alert_deliveries") == [(2,)]

    with connect(db) as con:  # past the time the attempt could still be in flight
        con.execute("UPDATE alert_deliveries SET attempted_at = attempted_at - INTERVAL 1 HOUR")
    [resent] = delivery.resend(cfg, db, aid)
    assert resent.delivery.ok and handler.envelopes[-1] == ["grey@example.com"], resent
    assert q(db, pair) == [(True, "delivered", [])]
    assert delivery.send_alerts(cfg, db, "s4", today=INCIDENT) == {"delivered": 0, "failed": 0}


def test_a_retry_to_owed_recipients_cut_off_mid_send_still_owes_them(tmp_path, greylisting):
    """A retry recorded and never completed (the process was killed mid-send) keeps the recipients it was for: the
    pair is pending, and a resend goes to them alone, not to the whole list again."""
    handler, port = greylisting
    cfg, db, aid = _grey_owed(tmp_path, port)
    assert delivery._begin(cfg, db, [{"alert_id": aid, "channel": "cx-email", "attempt": 2}], "s2", None,
                           ("grey@example.com",))  # fmt: skip
    assert q(db, "SELECT ok, state, retry_to FROM v_alert_deliveries") == [(True, "pending", ["grey@example.com"])]
    with connect(db) as con:
        con.execute("UPDATE alert_deliveries SET attempted_at = attempted_at - INTERVAL 1 HOUR")
    handler.for_now.clear()
    [resent] = delivery.resend(cfg, db, aid)
    assert resent.attempt == 3 and resent.delivery.ok, resent
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]


def test_a_retry_an_older_version_left_pending_without_its_recipients_reads_delivered(tmp_path, greylisting):
    """Before the retry's pending attempt recorded whom it was for, one cut off mid-send had retry_to NULL (and one
    left without an answer, []): nobody is owed anything by it, so the pair reads 'delivered', not 'pending' (the
    view's text for it was NULL, and the channel vanished from v_alerts.delivery)."""
    _, port = greylisting
    _, db, aid = _grey_owed(tmp_path, port)
    for owed in (None, []):
        with connect(db) as con:
            con.execute("DELETE FROM alert_deliveries WHERE attempt = 2")
            con.execute(
                "INSERT INTO alert_deliveries (alert_id, channel, attempt, attempted_at, run_id, retry_to)"
                " VALUES (?, 'cx-email', 2, now(), 's2', ?)",
                [aid, owed],
            )
        assert q(db, "SELECT ok, state FROM v_alert_deliveries") == [(True, "delivered")]
        assert q(db, "SELECT delivery, delivered FROM v_alerts") == [("cx-email: delivered", True)]


def test_an_owed_recipient_the_server_then_refuses_for_good_is_owed_no_more(tmp_path, greylisting):
    """grey@ is owed the alert (450 while cx@ took it); on the retry the server refuses grey@ for good (550: the
    mailbox is gone): the retry fails and grey@ is owed nothing more, so later runs send nothing. grey@ used to stay
    owed, and every run retried it, failing, until the alert aged out."""
    handler, port = greylisting
    cfg, db, _ = _grey_owed(tmp_path, port)
    handler.for_now.clear()
    handler.for_good.add("grey@example.com")
    assert delivery.send_alerts(cfg, db, "s2", today=INCIDENT) == {"delivered": 0, "failed": 1}
    last = "SELECT attempt, ok, status, retry_to FROM alert_deliveries ORDER BY attempt DESC LIMIT 1"
    assert q(db, last) == [(2, False, "550 5.1.1 no such user", [])]
    assert q(db, "SELECT ok, state, retry_to FROM v_alert_deliveries") == [(True, "delivered", [])]
    assert delivery.send_alerts(cfg, db, "s3", today=INCIDENT) == {"delivered": 0, "failed": 0}
    assert handler.envelopes == [["cx@example.com"]] and q(db, "SELECT count(*) FROM alert_deliveries") == [(2,)]


def test_recipients_owed_an_alert_wait_out_quiet_hours_then_get_it_alone(tmp_path, greylisting):
    """A retry for owed recipients is a message like any other: not sent in the channel's quiet hours (nor recorded
    held, nor put in a digest: the others had the alert already), and sent to them alone when the hours end."""
    handler, port = greylisting
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    channel = _greylisted_channel(port, quiet_hours=quiet)
    cfg = alerting_config(tmp_path, channels=[channel], watch={"enabled": True})
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r1", today=INCIDENT)
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 19)) == {"delivered": 1, "failed": 0}
    handler.for_now.clear()
    assert delivery.send_alerts(cfg, db, "s2", now=local(0, 23)) == {"delivered": 0, "failed": 0, "held": 1}
    assert handler.envelopes == [["cx@example.com"]] and q(db, "SELECT count(*) FROM alert_deliveries") == [(1,)]
    assert delivery.send_alerts(cfg, db, "s3", now=local(1, 8, 5)) == {"delivered": 1, "failed": 0}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]
    assert q(db, "SELECT via, retry_to FROM alert_deliveries ORDER BY attempt") == [
        (None, ["grey@example.com"]), (None, [])]  # fmt: skip


def test_recipients_owed_an_alert_are_left_once_it_is_older_than_max_age_days(tmp_path, greylisting):
    """Owed recipients age out with their alert (alerting.max_age_days), as a failed channel does: a mailbox
    refused for days is not sent a stale alert."""
    handler, port = greylisting
    cfg, db, _ = _grey_owed(tmp_path, port, max_age_days=3)
    handler.for_now.clear()
    late = INCIDENT + timedelta(days=4)
    assert delivery.send_alerts(cfg, db, "s2", today=late) == {"delivered": 0, "failed": 0}
    assert delivery.send_alerts(cfg, db, "s3", today=late - timedelta(days=1)) == {"delivered": 1, "failed": 0}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]


def test_a_digests_recipients_refused_for_now_get_each_alert_alone_later_until_it_ages_out(tmp_path, greylisting):
    """A quiet-hours digest that grey@ refused for now leaves grey@ owed each alert it listed: the next run sends
    them one by one to grey@ alone (not a second digest to everyone), and an alert past alerting.max_age_days is
    left, though its last attempt was a digest's (a held or digest pair is otherwise kept until a digest lands)."""
    handler, port = greylisting
    quiet = {**WARSAW_NIGHT, "except_critical": False}
    channel = _greylisted_channel(port, quiet_hours=quiet)
    cfg = alerting_config(tmp_path, channels=[channel], watch={"enabled": True}, max_age_days=3)
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    incidents.detect(cfg, db, INCIDENT, "r1", today=INCIDENT)
    assert delivery.send_alerts(cfg, db, "s1", now=local(0, 23), today=INCIDENT) == {
        "delivered": 0, "failed": 0, "held": 1}  # fmt: skip
    assert delivery.send_alerts(cfg, db, "s2", now=local(1, 8, 5), today=INCIDENT) == {
        "delivered": 1, "failed": 0, "digests": 1}  # fmt: skip
    assert handler.envelopes == [["cx@example.com"]]
    assert q(db, "SELECT via, retry_to FROM v_alert_deliveries") == [("digest", ["grey@example.com"])]
    late = INCIDENT + timedelta(days=4)
    assert delivery.send_alerts(cfg, db, "s3", now=local(4, 12), today=late) == {"delivered": 0, "failed": 0}
    handler.for_now.clear()
    assert delivery.send_alerts(cfg, db, "s4", now=local(1, 9), today=INCIDENT) == {"delivered": 1, "failed": 0}
    assert handler.envelopes == [["cx@example.com"], ["grey@example.com"]]
    assert q(db, "SELECT via, retry_to FROM alert_deliveries ORDER BY attempt DESC LIMIT 1") == [(None, [])]


def test_an_owed_recipient_removed_from_the_channels_list_is_owed_no_more(tmp_path, greylisting):
    """grey@ is owed the alert (450 while cx@ took it), then removed from the channel's `to`: later runs send it to
    nobody (not to grey@, and not to the whole list: an attempt owed to nobody in particular is one for everyone),
    and a resend finds nothing owed. grey@ used to get it on every run until it aged out."""
    handler, port = greylisting
    cfg, db, aid = _grey_owed(tmp_path, port)
    handler.for_now.clear()
    channel = {**_greylisted_channel(port), "to": ["cx@example.com", "gone@example.com"]}
    cfg = alerting_config(tmp_path, channels=[channel])
    assert delivery.send_alerts(cfg, db, "s2", today=INCIDENT) == {"delivered": 0, "failed": 0}
    assert delivery.resend(cfg, db, aid) == []
    assert handler.envelopes == [["cx@example.com"]] and q(db, "SELECT count(*) FROM alert_deliveries") == [(1,)]
