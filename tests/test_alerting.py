"""Detect and alert steps against a real DuckDB file, a local HTTP receiver (Slack, webhook) and a local SMTP
server: an explained alert for a planted incident, cooldown and updates, low-volume days, failed deliveries
retried on the next run, re-runs, backfilled nights that record but do not send, the step's time budget
against receivers that trickle their answers, and a sending process killed mid-send (SIGKILL, in a subprocess
running the real CLI): Slack is not posted twice, the webhook is, with the same Idempotency-Key."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest

from demo.replay.server import ReplayServer, Response
from pipeline.alerts import delivery, incidents
from pipeline.alerts.inbox import list_alerts
from pipeline.metrics import day_hours
from pipeline.warehouse import connect, execute, migrate, transaction
from tests.helpers import (
    INCIDENT,
    REPO,
    START,
    TrickleServer,
    free_port,
    local_receivers,
    make_spike_polish,
    rescored_since,
    seed,
    unaccepting_port,
    write_config,
)
from tests.helpers import alerting_config as config


@pytest.fixture
def receivers(monkeypatch):
    """A Slack-like and a webhook receiver (one HTTP server) and an SMTP server, on 127.0.0.1."""
    with local_receivers(monkeypatch) as found:
        yield found


def q(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_planted_incident_raises_one_explained_alert_delivered_everywhere(tmp_path, receivers):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers)
    for day in (INCIDENT - timedelta(days=1), INCIDENT):
        raised = incidents.detect(cfg, db, day, "run-" + day.isoformat())
        assert bool(raised) == (day == INCIDENT)
    [(kind, status, severity, observed, expected, explanation)] = q(
        db, "SELECT kind, status, severity, observed, expected, explanation FROM alerts"
    )
    ex = json.loads(explanation)
    assert (kind, status, observed) == ("spike", "new", 50) and expected < 15 and severity in ("major", "critical")
    terms = [t for t, _ in ex["terms"]]
    assert "refund" in terms[:5] and any("lost" in t for t in terms[:5]), terms  # what is new in the complaints
    assert "parcelo" not in terms  # the brand's own name explains nothing
    assert dict(ex["sources"]) == {"reddit · r/parcelo": 33, "app-store · 1480331921/gb": 17}
    assert len(ex["top_mentions"]) == 5 and ex["top_mentions"][0]["url"].startswith("https://example.com/")
    most_engaged = q(
        db,
        "SELECT engagement FROM v_mentions_scored WHERE label = 'negative'"
        f" AND day = DATE '{INCIDENT}' ORDER BY engagement DESC LIMIT 5",
    )
    assert [m["engagement"] for m in ex["top_mentions"]] == [e for (e,) in most_engaged]  # the five most engaged
    # each with its score and the language it was read in, beside its text
    read = {u: (score, lang) for u, score, lang in q(db, "SELECT url, score, language FROM v_mentions_scored")}
    assert [(m["score"], m["language"]) for m in ex["top_mentions"]] == [read[m["url"]] for m in ex["top_mentions"]]
    first = ex["top_mentions"][0]
    assert ex["observed"] == 50 and "p" in ex["tests"]["share test (vs 28-day baseline)"]

    sent = delivery.send_alerts(cfg, db, "run-send")
    assert sent == {"delivered": 3, "failed": 0}
    slack = json.dumps(receivers["slack"][0])
    assert "Parcelo" in slack and "50 negative mentions" in slack and "refund" in slack
    assert "https://example.com/" in slack  # the top mentions, as links
    hook = receivers["hooks"][0]
    assert hook["alert_id"] and hook["numbers"]["observed"] == 50 and hook["chart_png_base64"]
    assert [[t["term"], t["z"]] for t in hook["terms"]] == ex["terms"]  # the explanation, whole, in every message
    assert [[s["source"], s["negative"]] for s in hook["sources"]] == ex["sources"]
    blocks = json.dumps(receivers["slack"][0], ensure_ascii=False)
    assert "*Top terms*" in blocks and "*Where*" in blocks and "app-store · 1480331921/gb: 17 negative" in blocks
    [mail] = receivers["inbox"].messages
    assert "Parcelo" in mail["Subject"] and mail["To"] == "cx@example.com"
    text = mail.get_body(("plain",)).get_content()
    assert f"Top terms: {ex['terms'][0][0]} (z " in text
    said = " · ".join(str(v) for v in (first["language"], first["source"], first["channel"]) if v)
    assert f"     score {first['score']:+.2f} · {said} · " in text
    assert "Where: " + ", ".join(f"{s} {n}" for s, n in ex["sources"]) in text
    html = mail.get_body(("html",)).get_content()
    assert "refund" in html and "cid:" in html
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert images and images[0].get_content()[:8] == b"\x89PNG\r\n\x1a\n"  # the 60-day chart
    assert q(db, "SELECT channel, ok, attempt FROM alert_deliveries ORDER BY 1") == [
        ("cx-email", True, 1),
        ("cx-slack", True, 1),
        ("ops-hook", True, 1),
    ]
    # a re-run of the night raises and sends nothing new
    assert incidents.detect(cfg, db, INCIDENT, "rerun") == []
    assert delivery.send_alerts(cfg, db, "rerun") == {"delivered": 0, "failed": 0}
    assert q(db, "SELECT count(*) FROM alerts") == [(1,)] and len(receivers["slack"]) == 1


def test_explanations_read_each_mentions_language(tmp_path):
    """A Polish spike names the parcel as "paczka", "paczki", "paczkę": with each mention's detected language
    the daily and the hourly explanation count them as one term, shown as "paczka" (pipeline.explain)."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    make_spike_polish(db)
    cfg = config(tmp_path)
    [alert_id] = incidents.detect(cfg, db, INCIDENT, "run")
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE alert_id = '{alert_id}'")
    daily = [t for t, _ in json.loads(explanation)["terms"]]
    midnight = datetime.combine(INCIDENT, time(0), tzinfo=UTC)
    with connect(db) as con, transaction(con):  # the hourly series the watch's explanation reads the model of
        execute(
            con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]), "run_id": "s"}
        )
    with connect(db, read_only=True) as con:
        window = incidents._explain_window(con, cfg.brands[0], midnight, midnight + timedelta(days=1))
    hourly = [t for t, _ in window["terms"]]
    for found in (daily, hourly):
        assert "paczka" in found[:3], found
        assert not {"paczki", "paczkę"} & set(found), found


def test_an_explanations_baseline_is_the_28_days_before_less_the_earlier_flagged_days(tmp_path):
    """The terms of a spike are weighed against the brand's negatives of the 28 days before it, less the days
    flagged earlier: an earlier storm's complaints (the same "refund" and "lost" ones) would mask what is new in
    this one. The spike's own day is the focus, never its own background."""
    db = tmp_path / "w.duckdb"
    earlier = INCIDENT - timedelta(days=6)
    seed(db, 51, {earlier: (75, 50), INCIDENT: (75, 50)})
    cfg = config(tmp_path)
    for day in (earlier, INCIDENT):
        assert incidents.detect(cfg, db, day, f"run-{day}")  # two incidents (six days apart), each alerted
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE day = DATE '{INCIDENT}'")
    ex = json.loads(explanation)
    [(before,)] = q(
        db,
        "SELECT count(*) FROM v_mentions_scored WHERE label = 'negative'"
        f" AND day BETWEEN DATE '{INCIDENT - timedelta(days=28)}' AND DATE '{INCIDENT - timedelta(days=1)}'",
    )
    assert ex["focus_negatives"] == 50
    assert ex["baseline_negatives"] == before - 50  # the earlier storm's 50 left out
    assert "refund" in [t for t, _ in ex["terms"]][:5]


def test_an_explanations_terms_leave_out_a_competitor_named_whole(tmp_path):
    """A competitor's name is no driver of the brand's spike, nor a fragment of it: a rival "Parcelo Express"
    whose first word is the brand's own alias gave Parcelo the terms "express" and "switching express". The
    competitor's words stay where the name is not written whole ("express delivery")."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE mentions SET text = text || ', switching to Parcelo Express' WHERE day = $day"
            " AND mention_id IN (SELECT mention_id FROM v_mentions_scored WHERE label = 'negative')",
            {"day": INCIDENT},
        )
    cfg = config(tmp_path, brand={"competitors": ["Parcelo Express"]})
    assert incidents.detect(cfg, db, INCIDENT, "run-1")
    [(explanation,)] = q(db, "SELECT explanation FROM alerts")
    found = [t for t, _ in json.loads(explanation)["terms"]]
    assert "switching" in found
    assert not [t for t in found if "express" in t or "parcelo" in t], found


def test_an_explanations_top_mentions_show_their_titles_and_a_title_in_the_text_is_read_once(tmp_path):
    """An app-store review's title ("Lost my parcel") is what it says, its body ("Avoid.") little: the top mentions
    show both, as the terms read them. A Reddit post's text begins with its title: that title is read once, where
    "title text" gave "lost my parcel lost my parcel ...", and the terms a bigram "parcel lost" no one wrote."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    negative = "day = $day AND mention_id IN (SELECT mention_id FROM sentiment WHERE label = 'negative')"
    with connect(db) as con, transaction(con):
        con.execute(  # the reviews: a title, a body of one word; the posts: the title, a blank line, the body
            "UPDATE mentions SET title = 'Parcelo lost my parcel', text = CASE WHEN source = 'app-store'"
            " THEN 'Avoid.' ELSE E'Parcelo lost my parcel\\n\\n' || text END WHERE " + negative,
            {"day": INCIDENT},
        )
    assert incidents.detect(config(tmp_path), db, INCIDENT, "run-1")
    [(explanation,)] = q(db, "SELECT explanation FROM alerts")
    ex = json.loads(explanation)
    shown = {m["text"] for m in ex["top_mentions"]}
    assert "Parcelo lost my parcel Avoid." in shown, shown
    assert all(t.count("Parcelo lost my parcel") == 1 for t in shown), shown
    found = [t for t, _ in ex["terms"]]
    assert "lost parcel" in found and "parcel lost" not in found, found


def test_an_explanation_says_how_many_days_the_tests_summed(tmp_path):
    """A slow-building incident flagged on the sums of its last three days says so in the alert's numbers
    (``days_summed``), which every channel shows with the figures."""
    from pipeline.detect import Spike

    cfg = config(tmp_path)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    spike = Spike(INCIDENT, 30, 20.0, 120, 0.25, 0.2, 1e-3, 1e-4, 2.2, "minor", "r", 3, 75, 45.04, 4.13)
    with connect(db) as con, transaction(con):
        aid = incidents._spike_alert(con, cfg, cfg.brands[0], INCIDENT, spike, [INCIDENT], True, "n")
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE alert_id = '{aid}'")
    numbers = json.loads(explanation)
    assert numbers["days_summed"] == 3
    # the count test's z is the sum's, beside its p (the day's +2.20 stood beside the 3-day sum's p), with its figures
    assert numbers["tests"]["count test (day-of-week baseline)"] == {"p": 1e-3, "z": 4.13}
    assert (numbers["window_observed"], numbers["window_expected"]) == (75, 45.0)
    assert (numbers["observed"], numbers["expected"]) == (30, 20.0)  # the day's own


def test_a_spike_over_a_baseline_without_negatives_states_its_expected_count(tmp_path):
    """A brand with no negatives in its baseline expects 0.25 a day (the floor): its spike's headline and reason
    said "10 negative mentions vs 0 expected" beside an expected count of 0.2 in the alert's numbers."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {**{START + timedelta(days=i): (40, 0) for i in range(50)}, INCIDENT: (40, 10)})
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r1")  # one alert
    [(headline, reason, explanation)] = q(db, "SELECT headline, reason, explanation FROM alerts")
    assert json.loads(explanation)["expected"] == 0.2
    assert "10 negative mentions (25% of 40), 0.2 expected" in headline and "vs 0.2 expected" in reason, reason


def test_an_explanations_baseline_leaves_out_the_other_days_the_tests_summed(tmp_path):
    """A slow-building incident flagged on the sums of its last three days: its first two days are the incident
    too, and the detector keeps them out of its baseline; the terms' background leaves them out as well, or the
    storm's own "lost parcel" there masks its terms."""
    from pipeline.detect import Spike

    db = tmp_path / "w.duckdb"
    building = [INCIDENT - timedelta(days=2), INCIDENT - timedelta(days=1)]
    seed(db, 51, {**dict.fromkeys(building, (40, 12)), INCIDENT: (40, 12)})
    cfg = config(tmp_path)
    spike = Spike(INCIDENT, 12, 4.0, 40, 0.3, 0.13, 1e-4, 1e-4, 2.5, "minor", "r", 3)
    with connect(db) as con, transaction(con):
        aid = incidents._spike_alert(con, cfg, cfg.brands[0], INCIDENT, spike, [INCIDENT], True, "n")
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE alert_id = '{aid}'")
    [(before,)] = q(
        db,
        "SELECT count(*) FROM v_mentions_scored WHERE label = 'negative'"
        f" AND day BETWEEN DATE '{INCIDENT - timedelta(days=28)}' AND DATE '{INCIDENT - timedelta(days=1)}'",
    )
    assert json.loads(explanation)["baseline_negatives"] == before - 24  # the window's two earlier days left out


def test_the_night_is_judged_only_against_days_its_own_model_scored(tmp_path):
    """A new model has rescored only the last ten days (a rescore under way): the night's series is those days
    alone, never a mix of two models' labels, and ten days are too few a baseline (min_history 14) to alarm on. With
    every day on one model the same night alarms."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path)
    one_model = tmp_path / "one.duckdb"
    shutil.copy(db, one_model)
    assert incidents.detect(cfg, one_model, INCIDENT, "r")
    recent = [INCIDENT - timedelta(days=i) for i in range(10)]
    with connect(db) as con, transaction(con):
        con.execute(
            "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at)"
            " FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE list_contains($days, day))",
            {"days": recent},
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(51)], "run_id": "t"})
    assert incidents.detect(cfg, db, INCIDENT, "r") == []


def _night_detected_after(tmp_path, change: str) -> str:
    """The detect step's detail for INCIDENT's night (a storm of 50 negatives in 75 over 50 seeded days) after
    ``change`` (SQL with ``$day``) to that day's scores, its latest scores and metrics recomputed: no alert."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        con.execute(change, {"day": INCIDENT})
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [INCIDENT], "run_id": "t"})
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r") == []
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE step = 'detect'")
    return detail


def test_a_night_a_new_model_scored_alone_says_it_was_not_tested_and_what_to_rescore(tmp_path):
    """A model change without `brandpulse rescore`: the night's day is the new model's alone, every day before the
    older one's. The night is judged on its own model's days, too few for a baseline, so the storm (50 negatives of
    75) raises nothing for two weeks and more; the step said "0 spike(s) flagged", as on a quiet night. It says the
    brand was not tested, and from which day to rescore."""
    detail = _night_detected_after(
        tmp_path,
        "UPDATE sentiment SET model_version = 'v2' WHERE mention_id IN (SELECT mention_id FROM mentions"
        " WHERE day = $day)",
    )
    sens = incidents.sensitivity(config(tmp_path).brands[0])
    window = INCIDENT - timedelta(days=sens.max_window - 1 + sens.baseline_days)  # the baseline's first day
    assert "parcelo not tested" in detail and f"brandpulse rescore --since {window}" in detail, detail


def test_a_night_none_of_whose_mentions_is_scored_is_not_told_to_rescore_the_month_before(tmp_path):
    """The night's mentions are loaded but none is scored (its score step failed): its metrics have no model, and
    the step sent it to rescore the 28 days before ("28 day(s) scored by another model left out"), where no model
    had changed. It says the night's mentions are not scored."""
    detail = _night_detected_after(
        tmp_path, "DELETE FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day = $day)"
    )
    assert "rescore" not in detail and f"none of its mentions of {INCIDENT} is scored" in detail, detail


def test_a_quiet_brand_a_rescore_would_leave_untested_is_not_told_to_rescore(tmp_path):
    """A quiet brand (mentions one day in four: 7 days of a 28-day baseline, min_history 14) after a model change
    that scored its last ten days: 1 baseline day of the new model, 6 of the old. Rescored, it has 7, still too few
    to be tested, as it was before the change: the step told it to rescore, and after the rescore said nothing."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {**{START + timedelta(days=i): (0, 0) for i in range(51) if i % 4}, INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE sentiment SET model_version = 'v2' WHERE mention_id IN (SELECT mention_id FROM mentions"
            " WHERE day > $day)",
            {"day": INCIDENT - timedelta(days=10)},
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(51)], "run_id": "t"})
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r") == []
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE step = 'detect'")
    assert "not tested" not in detail, detail


def test_an_explanations_baseline_is_the_negatives_of_the_nights_own_model(tmp_path):
    """A new model has rescored the last 21 days (enough for a baseline); the older model, still the latest score of
    the days before, called their "arrived fine" mentions negative. The night is judged on its own model's days,
    and its terms are weighed against its own model's negatives too, never the older model's labels."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    since = INCIDENT - timedelta(days=20)
    with connect(db) as con, transaction(con):
        rescored_since(con, since, v1_negative="arrived fine")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(51)], "run_id": "t"})
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r")
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE day = DATE '{INCIDENT}'")
    [(v2_before,)] = q(
        db,
        "SELECT count(*) FROM v_mentions_scored WHERE label = 'negative' AND model_version = 'v2'"
        f" AND day BETWEEN DATE '{INCIDENT - timedelta(days=28)}' AND DATE '{INCIDENT - timedelta(days=1)}'",
    )
    ex = json.loads(explanation)
    assert ex["focus_negatives"] == 50 and ex["baseline_negatives"] == v2_before  # not the older model's too


def _explained_with_ten_rescored(tmp_path, v1_negative: bool) -> tuple[Path, int, dict]:
    """The spike day (50 negatives of 75, counted in v1) with ten of its mentions scored by v2 too, a rescore under
    way: ten v1 called negative (``v1_negative``, v2 the same), else ten v1 did not call negative and v2 does. The
    database, the night's alert's observed count and its explanation."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    relabel, which = ("", "=") if v1_negative else (", 'negative' AS label", "<>")
    with connect(db) as con, transaction(con):
        con.execute(
            f"INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at{relabel})"
            f" FROM sentiment WHERE label {which} 'negative'"
            " AND mention_id IN (SELECT mention_id FROM mentions WHERE day = $day) LIMIT 10",
            {"day": INCIDENT},
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(51)], "run_id": "t"})
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r")
    [(observed, explanation)] = q(db, "SELECT observed, explanation FROM alerts")
    return db, observed, json.loads(explanation)


def test_an_explanations_sources_and_top_mentions_are_the_nights_own_models_negatives(tmp_path):
    """A rescore under way has reached ten of the spike day's mentions the night's model (v1) did not call negative,
    and the new model (v2) calls them negative: the day is still v1's. Its sources counted them too (60 negatives
    for the 50 observed) and one of them was a top mention; they are v1's negatives, as the terms and numbers."""
    db, observed, ex = _explained_with_ten_rescored(tmp_path, v1_negative=False)
    assert observed == ex["focus_negatives"] == sum(n for _, n in ex["sources"]) == 50
    v1 = {u for (u,) in q(db, "SELECT url FROM v_mentions_scored WHERE label = 'negative' AND model_version = 'v1'")}
    assert len(ex["top_mentions"]) == 5 and {m["url"] for m in ex["top_mentions"]} <= v1


def test_an_explanation_keeps_the_nights_negatives_whose_latest_score_is_a_newer_models(tmp_path):
    """A rescore under way has reached ten of the spike day's mentions that the night's model (v1) called negative:
    their latest score is the new model's (v2), the day still v1's, its 50 negatives observed. The explanation read
    the latest scores, so those ten were in no source, term or top mention (40 explained of the 50 observed)."""
    _, observed, ex = _explained_with_ten_rescored(tmp_path, v1_negative=True)
    assert observed == ex["focus_negatives"] == sum(n for _, n in ex["sources"]) == 50


def test_a_storm_still_going_after_a_backfill_pages_on_its_first_night_recent_enough_to_send(tmp_path):
    """A backfill through yesterday: its old nights record their alerts unsent (backfills page no one), and the
    storm's first alert opened the incident; its later days, not worse than it, were silent, so no one was ever told
    of a critical storm still going. The first night recent enough to send pages it, as new, in the same incident;
    the nights after are the incident's as ever."""
    db = tmp_path / "w.duckdb"
    days = {INCIDENT + timedelta(days=i): (70 + i, 35 + i) for i in range(5)}
    seed(db, 55, days)
    cfg = config(tmp_path, max_age_days=3, cooldown_days=3)
    today = INCIDENT + timedelta(days=5)
    raised = [incidents.detect(cfg, db, d, f"r{d}", today=today) for d in sorted(days)]
    assert [len(r) for r in raised] == [1, 0, 1, 0, 0]  # 09-20 recorded, 09-22 (3 days old) the first page
    alerts = q(db, "SELECT day, status, send, incident_id, alert_id FROM alerts ORDER BY day")
    assert [(d, status, send) for d, status, send, *_ in alerts] == [
        (INCIDENT, "new", False),
        (INCIDENT + timedelta(days=2), "new", True),
    ]
    assert alerts[1][3] == alerts[0][4]  # one incident: the first page is of the storm the backfill recorded


def test_ongoing_incident_alerts_again_only_when_it_worsens(tmp_path):
    db = tmp_path / "w.duckdb"
    days = {INCIDENT: (70, 35), INCIDENT + timedelta(days=1): (72, 36), INCIDENT + timedelta(days=2): (140, 100)}
    seed(db, 53, days)
    cfg = config(tmp_path, cooldown_days=3, worsen_ratio=1.5)
    got = [incidents.detect(cfg, db, d, f"r{d}") for d in sorted(days)]
    assert [len(g) for g in got] == [1, 0, 1]  # new; same size: silent; nearly 3x: an update
    rows = q(db, "SELECT status, incident_id, alert_id FROM alerts ORDER BY day")
    assert [r[0] for r in rows] == ["new", "worse"] and rows[1][1] == rows[0][2]  # one incident
    assert q(db, "SELECT count(*) FROM detections") == [(3,)]  # every flagged day is recorded

    db2 = tmp_path / "w2.duckdb"  # with no cooldown, the second day is its own incident
    seed(db2, 53, days)
    cfg0 = config(tmp_path, cooldown_days=0)
    assert [len(incidents.detect(cfg0, db2, d, f"r{d}")) for d in sorted(days)] == [1, 1, 1]


def test_a_night_re_run_after_the_next_one_paged_its_storm_joins_that_incident(tmp_path):
    """A night that crashed before its detect, re-run after the next night paged the storm: its flag is on the chain
    of that page (a day apart, within the cooldown), so it belongs to that incident, and pages only when worse; it
    opened a second incident, a second 'new' page for one storm."""
    db = tmp_path / "w.duckdb"
    days = {INCIDENT: (70, 35), INCIDENT + timedelta(days=1): (72, 36)}
    seed(db, 53, days)
    cfg = config(tmp_path, cooldown_days=3, worsen_ratio=1.5)
    assert incidents.detect(cfg, db, INCIDENT + timedelta(days=1), "next")
    assert incidents.detect(cfg, db, INCIDENT, "rerun") == []  # not worse than the incident's page
    assert q(db, "SELECT day, status FROM alerts") == [(INCIDENT + timedelta(days=1), "new")]
    assert q(db, "SELECT count(*) FROM detections") == [(2,)]  # its flag is recorded all the same


def test_worse_at_exactly_worsen_ratio_times_the_last_alerts_negatives(tmp_path):
    """``worsen_ratio`` is the multiple at which an ongoing incident alerts again: a spike of the same severity with
    exactly 1.5 times the last alert's negatives is 'worse'; one negative fewer is not. The multiple is of the
    incident's latest alert (the 'worse' one), not its first."""
    from pipeline.detect import Spike

    cfg = config(tmp_path, worsen_ratio=1.5)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    days = [INCIDENT + timedelta(days=i) for i in range(4)]

    def night(con, i: int, observed: int) -> str | None:
        spike = Spike(days[i], observed, 5.0, 100, observed / 100, 0.1, 1e-6, 1e-6, 6.0, "major", "r", 1)
        return incidents._spike_alert(con, cfg, cfg.brands[0], days[i], spike, days[: i + 1], True, f"n{i}")

    with connect(db) as con, transaction(con):
        first = night(con, 0, 20)
        assert night(con, 1, 29) is None  # 29 < 1.5 x 20: within the incident, not worse
        assert night(con, 2, 30) is not None  # 30 = 1.5 x 20
        assert night(con, 3, 44) is None  # 44 < 1.5 x 30, though more than 1.5 x the first alert's 20
    assert q(db, "SELECT day, status, incident_id FROM alerts ORDER BY day") == [
        (days[0], "new", first),
        (days[2], "worse", first),
    ]


def _spike_nights(tmp_path, n: int):
    """A migrated warehouse's config (``worsen_ratio`` 1.5), path and ``n`` days from INCIDENT, and ``night(con, i,
    observed, severity)``: day i's spike of ``observed`` negatives in 100 raised through ``_spike_alert`` (the
    alert's id, or None when it pages nobody)."""
    from pipeline.detect import Spike

    cfg = config(tmp_path, worsen_ratio=1.5)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    days = [INCIDENT + timedelta(days=i) for i in range(n)]

    def night(con, i: int, observed: int, severity: str) -> str | None:
        spike = Spike(days[i], observed, 5.0, 100, observed / 100, 0.1, 1e-6, 1e-6, 6.0, severity, "r", 1)
        return incidents._spike_alert(con, cfg, cfg.brands[0], days[i], spike, days[: i + 1], True, f"n{i}")

    return cfg, db, days, night


def test_worse_by_severity_means_above_every_alert_of_the_incident_not_only_its_last(tmp_path):
    """An incident pages 'worse' by severity only above its alerts': after a critical 'new' and a major 'worse' (by
    its negatives), a critical day with fewer than ``worsen_ratio`` times the last's negatives pages nobody."""
    _, db, days, night = _spike_nights(tmp_path, 4)
    with connect(db) as con, transaction(con):
        first = night(con, 0, 20, "critical")
        assert night(con, 1, 30, "major") is not None  # 30 = 1.5 x 20: worse by its negatives
        assert night(con, 2, 31, "critical") is None  # critical again, as the incident's first: not worse
        assert night(con, 3, 45, "critical") is not None  # 45 >= 1.5 x 30
    assert q(db, "SELECT day, status, severity, incident_id FROM alerts ORDER BY day") == [
        (days[0], "new", "critical", first),
        (days[1], "worse", "major", first),
        (days[3], "worse", "critical", first),
    ]


def test_a_worse_alert_says_what_it_is_worse_than_and_by_how_much(tmp_path):
    """A 'worse' of 25 negatives after a major page of 40 said "getting worse: now 25 negative mentions" and no
    more: its severity had risen to critical. Its reason, numbers and Slack follow-up say what it was judged
    against: the incident's highest severity so far and the last alert's count."""
    from pipeline.alerts.message import render_slack_followup

    cfg, db, _, night = _spike_nights(tmp_path, 3)
    with connect(db) as con, transaction(con):
        night(con, 0, 40, "major")
        by_severity = night(con, 1, 25, "critical")
        by_count = night(con, 2, 60, "critical")
    with connect(db, read_only=True) as con:
        first, second = (delivery.message(cfg, con, a, chart=False) for a in (by_severity, by_count))
    assert first.status == "worse" and first.numbers["worse_than"] == {"severity": "major", "observed": 40}
    said = "r; worse than the incident's alerts so far: "
    assert first.reason == said + "severity major → critical, 40 → 25 negative mentions"
    assert render_slack_followup(first)["text"].startswith(
        "Update: Parcelo negative spike is worse: now 25 negative mentions, was 40 (severity *critical*, was major)"
    )
    assert second.reason == said + "25 → 60 negative mentions"


SHIFT = START + timedelta(days=60)


def seed_shift(db) -> None:
    """170 days of Parcelo, the share negative up from ~12 % to ~35 % from day 60 (SHIFT) on."""
    rng = random.Random(3)
    raised = {}
    for i in range(60, 170):
        d = START + timedelta(days=i)
        volume = (28 if d.weekday() >= 5 else 40) + rng.randint(-4, 4)
        raised[d] = (volume, round(volume * 0.35) + rng.randint(-2, 2))
    seed(db, 170, raised)


def test_a_sustained_shift_alerts_once_while_recent_and_is_kept_while_in_the_last_90_days(tmp_path):
    """A sustained rise of the share negative raises one 'shift' alert, however many nights after it still find
    the change point (one per brand per 28 days). A night that first finds a shift more than two weeks old records
    the change point but raises no alert (the news is old); one more than 90 days old is not recorded."""
    cfg = config(tmp_path)
    db = tmp_path / "w.duckdb"
    seed_shift(db)
    for k in range(25):
        incidents.detect(cfg, db, SHIFT + timedelta(days=k), f"n{k}")
    # 12 % to 35 %: a rise of 10 share points or more is major
    assert q(db, "SELECT count(*), min(severity) FROM alerts WHERE kind = 'shift'") == [(1, "major")]
    # why: the negatives since the change point against the 28 days before it (the alert day alone against 28 days
    # holding the shift itself had no term standing out), its sources and top mentions of those days too
    [(day, ex)] = q(db, "SELECT day, explanation FROM alerts WHERE kind = 'shift'")
    ex, cp = json.loads(ex), date.fromisoformat(json.loads(ex)["change_point"])
    with connect(db, read_only=True) as con:
        [(negatives,)] = con.execute(
            "SELECT sum(n_negative) FROM daily_brand_metrics WHERE source = '_all' AND day BETWEEN ? AND ?", [cp, day]
        ).fetchall()
    assert cp < day and ex["focus_negatives"] == negatives == sum(n for _, n in ex["sources"])
    assert ex["source_mix"] == []  # its sources kept their parts: its reason is the detector's alone
    assert {"lost", "refund"} <= {t for t, _ in ex["terms"]}, ex["terms"]

    late = tmp_path / "late.duckdb"  # the first night that runs is 40 days after the shift
    seed_shift(late)
    incidents.detect(cfg, late, SHIFT + timedelta(days=40), "late")
    [(cp_day, direction)] = q(late, "SELECT day, direction FROM change_points")
    assert direction == "worse" and abs((cp_day - SHIFT).days) <= 2
    assert q(late, "SELECT count(*) FROM alerts WHERE kind = 'shift'") == [(0,)]

    old = tmp_path / "old.duckdb"  # 100 days after it: the change point is history, not recorded
    seed_shift(old)
    incidents.detect(cfg, old, SHIFT + timedelta(days=100), "old")
    assert q(old, "SELECT count(*) FROM change_points") == [(0,)]


def test_a_shift_night_re_run_after_a_later_night_alerted_for_the_shift_does_not_page_again(tmp_path):
    """The night that first finds a shift crashed, the next night ran and raised the shift alert, then the crashed
    night was re-run: it finds the same shift and raised a second 'shift' alert, 'new' and sent (a second page).
    One shift alert per brand per 28 days holds whichever order the nights ran in."""
    cfg = config(tmp_path)
    db = tmp_path / "w.duckdb"
    seed_shift(db)
    nights = [SHIFT + timedelta(days=k) for k in range(12)]
    for day in nights:  # in order: which night finds the shift first
        incidents.detect(cfg, db, day, f"n{day}", today=day)
    [(first,)] = q(db, "SELECT day FROM alerts WHERE kind = 'shift'")
    assert first < nights[-1]

    crashed = tmp_path / "crashed.duckdb"
    seed_shift(crashed)
    for day in [d for d in nights if d <= first + timedelta(days=1) and d != first] + [first]:
        incidents.detect(cfg, crashed, day, f"n{day}", today=first + timedelta(days=1))
    assert q(crashed, "SELECT day, status, send FROM alerts WHERE kind = 'shift'") == [
        (first + timedelta(days=1), "new", True)
    ]


def test_a_shift_from_a_change_of_sources_says_so_in_its_reason(tmp_path):
    """A source that stops (an outage, a lost token) or starts changes the brand's share negative when its mentions
    were less (or more) negative than the others': reddit's ~5% negative gone from day 60, the app reviews' ~35%
    left, the brand's share rose from ~15% to ~35% with no source more negative than before. The shift alert says
    that the sources' mix moved, by how much, and each moved source's own share negative before and since."""
    cfg = config(tmp_path)
    db = tmp_path / "w.duckdb"
    seed(db, 170)
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE sentiment SET label = CASE WHEN hash(m.mention_id) % 100 < (CASE m.source WHEN 'app-store'"
            " THEN 35 ELSE 5 END) THEN 'negative' ELSE 'neutral' END FROM mentions m"
            " WHERE m.mention_id = sentiment.mention_id"
        )
        gone = "SELECT mention_id FROM mentions WHERE source = 'reddit' AND day >= $shift"
        con.execute(f"DELETE FROM sentiment WHERE mention_id IN ({gone})", {"shift": SHIFT})
        con.execute("DELETE FROM mentions WHERE source = 'reddit' AND day >= $shift", {"shift": SHIFT})
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(170)], "run_id": "seed"})
    for k in range(12):
        incidents.detect(cfg, db, SHIFT + timedelta(days=k), f"n{k}")
    [(reason, ex)] = q(db, "SELECT reason, explanation FROM alerts WHERE kind = 'shift'")
    assert reason.startswith("share negative rose from 15% to 33%"), reason
    assert reason.endswith(
        "; the sources' mix moved too: app-store 34% → 100% of mentions (34% → 33% negative), reddit 66% → 0% of"
        " mentions"
    ), reason
    assert [(m["source"], m["before"], m["since"]) for m in json.loads(ex)["source_mix"]] == [
        ("app-store", 0.3437, 1.0),
        ("reddit", 0.6563, 0.0),
    ]


def test_a_source_whose_part_moved_exactly_20_points_is_named():
    """MIX_MOVE is "20 points or more": a source from 10% to 30% of the mentions (0.3 - 0.1 is 0.19999999999999998
    in floats) was left out, while the other's 90% to 70% was named."""
    found = [
        {"source": "app-store", "before_scored": 10, "before_negative": 3, "since_scored": 30, "since_negative": 9},
        {"source": "reddit", "before_scored": 90, "before_negative": 5, "since_scored": 70, "since_negative": 4},
    ]
    mix = incidents._moved_sources(found)
    assert [(m["source"], m["before"], m["since"]) for m in mix] == [("app-store", 0.1, 0.3), ("reddit", 0.9, 0.7)]


def test_low_volume_day_does_not_alarm(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (3, 2)})  # 2 of 3 negative: 67%, but three mentions say nothing
    assert incidents.detect(config(tmp_path), db, INCIDENT, "r") == []
    assert q(db, "SELECT count(*) FROM detections") == [(0,)]


def test_a_brands_own_min_volume_holds_back_a_day_below_it(tmp_path):
    """A brand's ``min_volume`` replaces its preset's (20): the planted incident (50 negatives of 75 mentions)
    alarms with the preset's minimum, and not for a brand that set 80."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    assert incidents.detect(config(tmp_path, brand={"min_volume": 80}), db, INCIDENT, "r1") == []
    assert q(db, "SELECT count(*) FROM detections") == [(0,)]
    assert incidents.detect(config(tmp_path, brand={"min_volume": 75}), db, INCIDENT, "r2")


def test_failed_delivery_is_recorded_and_retried_next_run(tmp_path, receivers):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers)
    incidents.detect(cfg, db, INCIDENT, "r1")
    receivers["http"].add_fault(r"^/slack/", status=500, times=100)  # Slack is down tonight
    assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 2, "failed": 1}
    [(ok, error)] = q(db, "SELECT ok, error FROM alert_deliveries WHERE channel = 'cx-slack'")
    assert not ok and "500" in error and "secret" not in error  # the webhook URL is a secret
    receivers["http"].faults.clear()
    assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 1, "failed": 0}  # the next run retries Slack only
    assert q(db, "SELECT channel, attempt, ok FROM alert_deliveries ORDER BY 1, 2") == [
        ("cx-email", 1, True),
        ("cx-slack", 1, False),
        ("cx-slack", 2, True),
        ("ops-hook", 1, True),
    ]
    assert len(receivers["slack"]) == 1 and len(receivers["inbox"].messages) == 1


@pytest.mark.parametrize(("age", "sent"), [(30, False), (4, False), (3, True)])
def test_backfilled_nights_record_alerts_without_sending(tmp_path, receivers, age, sent):
    """A night older than alerting.max_age_days (3) is a backfill: its alert is recorded, not sent; a night of
    exactly that age is sent. The send that follows is dated the alert's day, so that its own age limit cannot
    hold the alert back: only the alert's send does."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers, max_age_days=3)
    assert incidents.detect(cfg, db, INCIDENT, "r", today=INCIDENT + timedelta(days=age))
    assert delivery.send_alerts(cfg, db, "r", today=INCIDENT) == {"delivered": 3 if sent else 0, "failed": 0}
    assert q(db, "SELECT send FROM alerts") == [(sent,)] and len(receivers["slack"]) == sent


def test_a_channel_added_later_gets_only_alerts_of_the_last_max_age_days_and_resend_sends_an_old_one(
    tmp_path, receivers
):
    """Alerts are sent automatically for alerting.max_age_days after their day: a channel added later is not sent
    every alert ever raised, and one that was down for a day gets that day's alert when it is back."""
    db = tmp_path / "w.duckdb"
    later = INCIDENT + timedelta(days=8)  # a second incident, past the cooldown
    seed(db, 59, {INCIDENT: (75, 50), later: (75, 50)})
    hook = {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}
    cfg = config(tmp_path, channels=[hook], max_age_days=3)
    [old] = incidents.detect(cfg, db, INCIDENT, "r1", today=INCIDENT)
    assert delivery.send_alerts(cfg, db, "s1", today=INCIDENT) == {"delivered": 1, "failed": 0}
    [new] = incidents.detect(cfg, db, later, "r2", today=later)

    slack = {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}
    cfg = config(tmp_path, channels=[hook, slack], max_age_days=3)  # Slack is added, and is down tonight
    receivers["http"].add_fault(r"^/slack/", status=500, times=100)
    assert delivery.send_alerts(cfg, db, "s2", today=later) == {"delivered": 1, "failed": 1}
    receivers["http"].faults.clear()
    assert delivery.send_alerts(cfg, db, "s3", today=later + timedelta(days=1)) == {"delivered": 1, "failed": 0}
    assert q(db, "SELECT channel, alert_id, attempt, ok FROM alert_deliveries ORDER BY channel, attempted_at") == [
        ("cx-slack", new, 1, False),  # the old alert (8 days) is not sent to the new channel
        ("cx-slack", new, 2, True),  # the next day: the alert is a day old, so it is still sent
        ("ops-hook", old, 1, True),
        ("ops-hook", new, 1, True),
    ]
    assert delivery.send_alerts(cfg, db, "s4", today=later + timedelta(days=30)) == {"delivered": 0, "failed": 0}

    [resent] = delivery.resend(cfg, db, old[:8])  # an explicit resend sends any alert, however old
    assert (resent.channel, resent.delivery.ok) == ("cx-slack", True)
    assert len(receivers["slack"]) == 2 and len(receivers["hooks"]) == 2


def test_max_age_days_sends_a_day_of_exactly_that_age_and_an_hourly_window_a_day_more(tmp_path, receivers):
    """A send on day T with alerting.max_age_days 3 picks up a daily alert of T-3, not of T-4; and an hourly alert
    dated T-4 (its window, dated by its start, may end on T-3, which the watch counts its age from), not T-5."""
    db = tmp_path / "w.duckdb"
    seed(db, 51)
    cfg = config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}],
                 max_age_days=3)  # fmt: skip
    today = INCIDENT + timedelta(days=4)
    alerts = {"daily-t4": ("spike", 4), "daily-t3": ("spike", 3), "hourly-t5": ("hourly_spike", 5),
              "hourly-t4": ("hourly_spike", 4)}  # fmt: skip
    with connect(db) as con, transaction(con):
        for aid, (kind, age) in alerts.items():
            incidents._record_alert(con, {"alert_id": aid, "incident_id": aid, "brand": "parcelo", "kind": kind,
                                          "status": "new", "day": today - timedelta(days=age), "severity": "major",
                                          "headline": aid, "reason": "r", "observed": 30, "expected": 5.0,
                                          "explanation": "{}", "send": True, "run_id": "r"})  # fmt: skip
    assert delivery.send_alerts(cfg, db, "s", today=today) == {"delivered": 2, "failed": 0}
    assert sorted(h["alert_id"] for h in receivers["hooks"]) == ["daily-t3", "hourly-t4"]


def test_an_alert_of_a_brand_removed_from_the_config_is_skipped_and_the_others_are_delivered(
    tmp_path, receivers, caplog
):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers)  # Parcelo only: 'retired' was monitored once, and its alert is still unsent
    retired = {"alert_id": "0123456789abcdef", "incident_id": "0123456789abcdef", "brand": "retired",
               "kind": "spike", "status": "new", "day": INCIDENT, "severity": "major", "headline": "Retired",
               "reason": "r", "observed": 30, "expected": 5.0, "explanation": "{}", "send": True,
               "run_id": "r0"}  # fmt: skip
    with connect(db) as con, transaction(con):
        incidents._record_alert(con, retired)
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    with caplog.at_level(logging.WARNING, logger="brandpulse"):
        assert delivery.send_alerts(cfg, db, "s1") == {"delivered": 3, "failed": 0, "not_configured": 3}
    assert q(db, "SELECT DISTINCT alert_id FROM alert_deliveries") == [(aid,)]
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE step = 'send_alerts'")
    assert detail == "3 delivered, 0 failed (retried next run), 3 not sent: brand(s) no longer configured (retired)"
    assert "1 alert(s) of brand 'retired' not sent: it is no longer in the config (0123456789abcdef)" in caplog.text
    assert len(receivers["slack"]) == len(receivers["hooks"]) == len(receivers["inbox"].messages) == 1
    assert "[0123456789abcdef]" in list_alerts(cfg, db, brand="retired")  # its alerts can still be listed


def test_listing_a_brands_alerts_counts_its_days_back_from_its_own_newest(tmp_path, receivers):
    """`brandpulse alerts --brand B --days N`: the N days up to B's newest alert's day, not up to any brand's (a
    brand whose alerts were older than another's newest by N days showed none), and N days, not N + 1."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers)
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    later = {"alert_id": "0123456789abcdef", "incident_id": "0123456789abcdef", "brand": "retired",
             "kind": "spike", "status": "new", "day": INCIDENT + timedelta(days=3), "severity": "major",
             "headline": "Retired", "reason": "r", "observed": 30, "expected": 5.0, "explanation": "{}",
             "send": False, "run_id": "r0"}  # fmt: skip
    with connect(db) as con, transaction(con):
        incidents._record_alert(con, later)
    assert f"[{aid}]" in list_alerts(cfg, db, brand="parcelo", days=1)
    assert f"[{aid}]" not in list_alerts(cfg, db, days=3) and f"[{aid}]" in list_alerts(cfg, db, days=4)


def test_slack_shows_the_chart_published_beside_the_reports(tmp_path, receivers):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, receivers, report_url="https://reports.example.com/bp/")
    [aid] = incidents.detect(cfg, db, INCIDENT, "r")
    assert delivery.send_alerts(cfg, db, "r")["delivered"] == 3
    images = [b for b in receivers["slack"][0]["blocks"] if b["type"] == "image"]
    assert [b["image_url"] for b in images] == [f"https://reports.example.com/bp/alerts/{aid}.png"]
    published = tmp_path / "data" / "reports" / "alerts" / f"{aid}.png"  # report_dir, relative to the config
    assert published.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert receivers["hooks"][0]["chart_url"] == images[0]["image_url"]
    links = json.dumps(receivers["slack"][0])
    assert "https://reports.example.com/bp/parcelo.html" in links  # and the brand's report page


def test_trend_views_give_rolling_baselines_and_week_over_week_deltas(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, 40)
    day = START + timedelta(days=30)
    daily = dict(q(db, "SELECT day, (scored, n_negative) FROM daily_brand_metrics WHERE source = '_all'"))
    week = [daily[day - timedelta(days=i)] for i in range(7)]
    before = [daily[day - timedelta(days=i)] for i in range(7, 14)]
    share = lambda rows: sum(n for _, n in rows) / sum(v for v, _ in rows)  # noqa: E731
    [(s7, wow, vol_rel, s28)] = q(
        db,
        "SELECT share_negative_7d, share_negative_wow, volume_wow_rel, share_negative_28d "
        f"FROM v_brand_daily WHERE day = DATE '{day}'",
    )
    assert s7 == pytest.approx(share(week)) and wow == pytest.approx(share(week) - share(before))
    assert vol_rel == pytest.approx(sum(v for v, _ in week) / sum(v for v, _ in before) - 1)
    assert s28 == pytest.approx(share([daily[day - timedelta(days=i)] for i in range(28)]))
    [(src_wow,)] = q(
        db, f"SELECT count(*) FROM v_source_daily WHERE day = DATE '{day}' AND share_negative_wow IS NOT NULL"
    )
    assert src_wow == 2  # per source too (reddit, app-store)


def test_week_over_week_changes_wait_for_a_whole_week_before(tmp_path):
    """On a brand's 8th day the week before was its first day alone: a steady brand read +748% volume."""
    db = tmp_path / "w.duckdb"
    seed(db, 15)
    rel = "volume_wow_rel IS NULL AND negatives_wow_rel IS NULL"
    days = q(db, f"SELECT day, {rel} FROM v_brand_daily ORDER BY day")
    assert [none for _, none in days] == [True] * 13 + [False] * 2  # from its 14th day: days 1-7 before it
    assert q(db, f"SELECT DISTINCT volume_wow_rel IS NULL FROM v_source_daily WHERE day < DATE '{days[13][0]}'") == [
        (True,)
    ]
    volumes = [v for _, v in q(db, "SELECT day, volume FROM v_brand_daily ORDER BY day")]
    [(vol_rel,)] = q(db, f"SELECT volume_wow_rel FROM v_brand_daily WHERE day = DATE '{days[13][0]}'")
    assert vol_rel == pytest.approx(sum(volumes[7:14]) / sum(volumes[:7]) - 1)


def test_negatives_week_over_week_waits_for_two_weeks_of_the_series_model_after_a_rescore(tmp_path):
    """A rescore from ``since`` on: the days before it are another model's, with no counts in v_brand_daily. In the
    week after it the week before counted its days from ``since`` only, and a steady brand read +1167% negatives."""
    db = tmp_path / "w.duckdb"
    seed(db, 40)
    since = START + timedelta(days=20)
    with connect(db) as con, transaction(con):
        rescored_since(con, since)  # v2 gives the same labels as v1: the week-over-week figures do not move
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(40)], "run_id": "t"})
    got = q(db, f"SELECT day, negatives_wow_rel FROM v_brand_daily WHERE day >= DATE '{since}' ORDER BY day")
    assert [rel for _, rel in got[:13]] == [None] * 13  # until both weeks are the series model's
    daily = dict(q(db, "SELECT day, n_negative FROM daily_brand_metrics WHERE source = '_all'"))
    day = got[13][0]
    week = sum(daily[day - timedelta(days=i)] for i in range(7))
    before = sum(daily[day - timedelta(days=i)] for i in range(7, 14))
    assert got[13][1] == pytest.approx(week / before - 1)


def test_trend_views_have_every_day_so_a_sources_week_is_there_on_a_day_it_was_quiet(tmp_path):
    db = tmp_path / "w.duckdb"
    day, empty = START + timedelta(days=20), START + timedelta(days=17)
    seed(db, 21, {day: (1, 1), empty: (0, 0)})  # day: one mention, on app-store (none on reddit); empty: none
    metrics = q(db, "SELECT day, source, volume, scored, n_negative FROM daily_brand_metrics")
    week = [m for m in metrics if day - timedelta(days=6) <= m[0] <= day]
    assert {(m[0], m[1]) for m in metrics} >= {(day, "app-store")} and (day, "reddit") not in {m[:2] for m in metrics}
    sources = {
        r[0]: r[1:]
        for r in q(
            db,
            "SELECT source, volume, share_negative, volume_7d, share_negative_7d FROM v_source_daily"
            f" WHERE day = DATE '{day}'",
        )
    }
    # reddit had no mention on the day, but a week of them: its 7-day figures are there (they were not)
    reddit = [m for m in week if m[1] == "reddit"]
    assert sources["reddit"] == (
        0,
        None,
        sum(m[2] for m in reddit),
        pytest.approx(sum(m[4] for m in reddit) / sum(m[3] for m in reddit)),
    )
    # and a day's sources add up to the brand
    [(brand_7d, avg_7d)] = q(db, f"SELECT volume_7d, volume_7d_avg FROM v_brand_daily WHERE day = DATE '{day}'")
    assert sum(s[2] for s in sources.values()) == brand_7d == sum(m[2] for m in week if m[1] == "_all")
    # a day without any mention is a row of 0 (no share), and the 7-day average counts it: volume_7d / 7
    assert q(db, f"SELECT volume, scored, share_negative FROM v_brand_daily WHERE day = DATE '{empty}'") == [
        (0, 0, None)
    ]
    assert q(db, "SELECT count(*), min(day), max(day) FROM v_brand_daily") == [(21, START, day)]
    assert avg_7d == pytest.approx(brand_7d / 7)
    # in the brand's first days, the mean of the days so far (the days before its first are not zeros)
    [(first_3d, avg_3d)] = q(
        db, f"SELECT volume_7d, volume_7d_avg FROM v_brand_daily WHERE day = DATE '{START + timedelta(days=2)}'"
    )
    assert avg_3d == pytest.approx(first_3d / 3)
    # the days run to the last day of metrics of any brand: another brand's next day gives parcelo a row of 0
    after = day + timedelta(days=1)
    with connect(db) as con, transaction(con):
        con.execute(
            "INSERT INTO mentions BY NAME SELECT * REPLACE (md5(mention_id || 'rival') AS mention_id, 'rival' AS brand,"
            " created_at + INTERVAL 1 DAY AS created_at, day + 1 AS day) FROM mentions WHERE day = $day",
            {"day": day},
        )
        execute(con, "metrics/daily", {"days": [after], "run_id": "t"})
    assert q(db, f"SELECT volume, volume_7d FROM v_brand_daily WHERE brand = 'parcelo' AND day = DATE '{after}'") == [
        (0, brand_7d - sum(m[2] for m in metrics if m[0] == day - timedelta(days=6) and m[1] == "_all"))
    ]


def test_a_day_with_mentions_but_no_scores_or_scored_by_another_model_keeps_its_volume_in_the_trends(tmp_path):
    db = tmp_path / "w.duckdb"
    seed(db, 10)
    unscored, other = START + timedelta(days=10), START + timedelta(days=5)
    with connect(db) as con, transaction(con):
        # the mentions of a new day, loaded and not scored yet (copies of the day before's, on both sources)
        con.execute(
            "INSERT INTO mentions BY NAME SELECT * REPLACE (md5(mention_id || 'next') AS mention_id,"
            " native_id || '-next' AS native_id, created_at + INTERVAL 1 DAY AS created_at, day + 1 AS day)"
            " FROM mentions WHERE day = $day ORDER BY native_id LIMIT 4",
            {"day": unscored - timedelta(days=1)},
        )
        # a newer model rescored every day but two (a rescore under way), the brand's first day among them: those
        # days are on the older model
        con.execute(
            "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at)"
            " FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day NOT IN ($day, $first))",
            {"day": other, "first": START},
        )
        execute(con, "scoring/rebuild_latest")
        days = [START + timedelta(days=i) for i in range(11)]
        execute(con, "metrics/daily", {"days": days, "run_id": "t"})
    assert q(db, f"SELECT model_version FROM daily_brand_metrics WHERE day = DATE '{unscored}'") == [(None,)] * 3
    volumes = dict(q(db, "SELECT day, volume FROM daily_brand_metrics WHERE source = '_all'"))
    rows = {
        r[0]: r[1:]
        for r in q(db, "SELECT day, volume, scored, share_negative, volume_7d, share_negative_7d, model_version"
                   " FROM v_brand_daily")
    }  # fmt: skip
    assert sorted(rows) == days
    assert q(db, f"SELECT DISTINCT model_version FROM v_daily_series WHERE day = DATE '{unscored}'") == [("v2",)]
    # the unscored day: its volume, no share; the week's share is the scored days'
    metrics = {r[0]: r[1:] for r in q(db, "SELECT day, scored, n_negative FROM v_daily_series WHERE source = '_all'")}
    scored_week = [metrics[d] for d in days[4:] if d in metrics]
    assert rows[unscored] == (
        4,
        0,
        None,
        sum(volumes[d] for d in days[4:]),
        pytest.approx(sum(n for _, n in scored_week) / sum(s for s, _ in scored_week)),
        "v2",
    )
    # the days the other model scored: their volume, no counts or share (never mixed into the series' shares),
    # the brand's first day too (the calendar starts there, not at the series' first day), and on every source
    for old in (other, START):
        assert rows[old][:3] == (volumes[old], None, None) and old not in metrics
        assert q(db, f"SELECT sum(volume) FROM v_source_daily WHERE day = DATE '{old}'") == [(volumes[old],)]
    # every mention counted once, per day and per source
    assert q(db, "SELECT sum(volume) FROM v_brand_daily") == q(db, "SELECT count(*) FROM mentions")
    assert q(db, f"SELECT sum(volume) FROM v_source_daily WHERE day = DATE '{unscored}'") == [(4,)]
    assert q(db, "SELECT social_days, social_volume FROM v_social_period WHERE period = 'month'") == [
        (9, sum(volumes.values()) - volumes[other] - volumes[START])
    ]


# ------------------------------------------------------------------------------------ time and crash limits


def test_step_budget_records_the_channels_left_as_failed_and_the_next_run_retries_them(
    tmp_path, receivers, monkeypatch
):
    """Three webhooks that trickle their answer (one byte a second): each attempt ends at its 1.5 s deadline (or
    the end of the step's budget, if sooner), the step at its 3 s budget; two attempts use the budget up, so the
    third channel is recorded failed without being tried."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    hooks = [{"type": "webhook", "name": f"hook-{c}", "url_env": "TEST_TRICKLE_URL"} for c in "abc"]
    cfg = config(tmp_path, channels=hooks, delivery_deadline_s=1.5, step_budget_s=3)
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    with connect(db) as con:
        delivery.message(cfg, con, aid)  # matplotlib's first chart is slow; the step's own is then quick
    with TrickleServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", interval=1.0) as slow:
        monkeypatch.setenv("TEST_TRICKLE_URL", f"{slow.url}/hook")
        started = clock.monotonic()
        assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 0, "failed": 3}
        took = clock.monotonic() - started
    assert took < 4.5, took  # the budget, plus recording
    got = dict(q(db, "SELECT channel, error FROM alert_deliveries WHERE NOT ok"))
    exhausted = "step budget exhausted (alerting.step_budget_s = 3 s): not tried, retried next run"
    cut = re.escape(" (the rest of the step budget, alerting.step_budget_s = 3 s)")

    def timed_out(channel: str, suffix: str) -> re.Pattern:
        return re.compile(rf"webhook channel '{channel}': no complete answer within the [0-9.]+ s deadline{suffix}")

    assert timed_out("hook-a", f"(?:{cut})?").fullmatch(got["hook-a"]), got  # its own deadline, or the budget's end
    assert got["hook-b"] == exhausted or timed_out("hook-b", cut).fullmatch(got["hook-b"]), got
    assert got["hook-c"] == exhausted
    assert slow.connections == sum(e != exhausted for e in got.values())  # exhausted ones never connected
    assert q(db, "SELECT count(*) FROM alert_deliveries WHERE ok IS NULL") == [(0,)]  # none left pending
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE step = 'send_alerts'")
    assert detail == "0 delivered, 3 failed (retried next run)"

    monkeypatch.setenv("TEST_TRICKLE_URL", f"{receivers['http'].url}/hook")  # the receivers are back
    assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 3, "failed": 0}  # the next night retries all
    assert len(receivers["hooks"]) == 3


def test_brandpulse_send_alerts_says_when_an_alert_did_not_go_out(tmp_path, receivers, monkeypatch):
    """The command printed {"delivered": 0, "failed": 1} and nothing else. It now says so on stderr; the step
    still succeeds, as the DAG's task does (the next run retries the delivery), so a night whose steps are chained
    on the command line (`set -e`) still draws its report and closes its run."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.ledger import start_run

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, channels=[{"type": "webhook", "name": "ops-hook", "url_env": "TEST_DOWN_URL"}])
    incidents.detect(cfg, db, INCIDENT, "r1")
    with connect(db) as con:
        for run in ("s1", "s2"):
            start_run(con, run, INCIDENT, "cli")
    monkeypatch.setenv("TEST_DOWN_URL", f"http://127.0.0.1:{free_port()}/hook")  # nothing listens
    args = ["send-alerts", "--config", str(tmp_path / "brandpulse.yaml"), "--db", str(db), "--run-id"]
    failed = CliRunner().invoke(app, [*args, "s1"])
    assert failed.exit_code == 0 and json.loads(failed.stdout) == {"delivered": 0, "failed": 1}, failed.output
    assert "brandpulse: 1 delivery(ies) failed, retried by the next run" in failed.stderr
    monkeypatch.setenv("TEST_DOWN_URL", f"{receivers['http'].url}/hook")
    sent = CliRunner().invoke(app, [*args, "s2"])
    assert sent.exit_code == 0 and json.loads(sent.stdout) == {"delivered": 1, "failed": 0}, sent.output
    assert "failed" not in sent.stderr


def _send_until_killed(cfg_path, db, receiver: dict, on: str) -> None:
    """Run `brandpulse send-alerts` in a subprocess that the receiver kills (SIGKILL) once its ``on`` endpoint
    has the request, before answering."""
    from pipeline.ledger import start_run

    with connect(db) as con:  # the CLI's steps join a registered run
        start_run(con, f"killed-at-{on}", INCIDENT, "cli")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "send-alerts", "--run-id", f"killed-at-{on}",
         "--config", str(cfg_path), "--db", str(db)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    receiver.update(pid=proc.pid, kill_on=on)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, out.decode(errors="replace")[-2000:]


def test_a_resend_while_the_night_sends_the_alert_does_not_post_it_twice(tmp_path, receivers):
    """`brandpulse alerts --resend ID` while the night's send of it waits for Slack's answer: that attempt is
    pending, and the resend took it for one cut off and posted the alert a second time."""
    import threading

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, channels=[{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}])
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    receivers["http"].add_fault(r"^/slack/", status=200, delay=5)  # Slack has it, and answers 5 s later
    night = threading.Thread(target=delivery.send_alerts, args=(cfg, db, "r1"))
    night.start()
    try:
        for _ in range(400):  # until the post reached Slack: recorded pending before it, and the warehouse let go
            if any(r.path.startswith("/slack/") for r in list(receivers["http"].requests)):
                break
            clock.sleep(0.05)  # (a fixed second was not enough on a busy machine: the sender still held the file)
        assert q(db, "SELECT attempt, ok FROM alert_deliveries") == [(1, None)]  # in flight
        with pytest.raises(LookupError, match=r"the attempt to cx-slack \(attempt 1\) began .* may still be in fli"):
            delivery.resend(cfg, db, aid)
    finally:
        night.join()
    assert len(receivers["slack"]) == 1 and q(db, "SELECT attempt, ok FROM alert_deliveries") == [(1, True)]


def test_a_send_killed_mid_delivery_never_posts_slack_twice_and_repeats_the_webhook_with_its_key(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    posts: dict[str, list] = {"slack": [], "hook": []}
    receiver: dict = {"pid": None, "kill_on": None}

    def record(kind):
        def handler(req, _m):
            posts[kind].append(req)
            if receiver["kill_on"] == kind:  # the request is in; the sender dies before it hears the answer
                receiver["kill_on"] = None
                os.kill(receiver["pid"], signal.SIGKILL)
            return Response(200, "ok")

        return handler

    with ReplayServer() as http:
        http.route("POST", r"^/slack/", record("slack"))
        http.route("POST", r"^/hook$", record("hook"))
        monkeypatch.setenv("TEST_SLACK_URL", f"{http.url}/slack/T000/B000/secret")  # the subprocess inherits them
        monkeypatch.setenv("TEST_HOOK_URL", f"{http.url}/hook")
        cfg = config(
            tmp_path,
            channels=[
                {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"},
                {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"},
            ],
        )
        cfg_path = tmp_path / "brandpulse.yaml"
        [aid] = incidents.detect(cfg, db, INCIDENT, "r0")

        # night 1 dies while Slack answers: the attempt was recorded before it was sent, and stays pending
        _send_until_killed(cfg_path, db, receiver, "slack")
        assert len(posts["slack"]) == 1 and posts["hook"] == []
        assert q(db, "SELECT channel, attempt, ok FROM alert_deliveries") == [("cx-slack", 1, None)]

        # night 2: Slack may have it, so it is not posted again; the run dies while the webhook answers
        _send_until_killed(cfg_path, db, receiver, "hook")
        assert len(posts["slack"]) == 1, "Slack was posted twice"
        assert len(posts["hook"]) == 1

        # night 3 (in-process) resends the webhook with the same key, and still holds Slack back
        assert delivery.send_alerts(cfg, db, "r3") == {"delivered": 1, "failed": 0, "pending": 1}
        assert len(posts["slack"]) == 1 and len(posts["hook"]) == 2
        keys = [r.headers.get("idempotency-key") for r in posts["hook"]]
        assert keys == [f"{aid}:ops-hook"] * 2
        assert posts["hook"][0].body == posts["hook"][1].body  # the same alert, byte for byte
        assert q(db, "SELECT channel, attempt, ok FROM alert_deliveries ORDER BY 1, 2") == [
            ("cx-slack", 1, None),
            ("ops-hook", 1, None),
            ("ops-hook", 2, True),
        ]
        [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE run_id = 'r3' AND step = 'send_alerts'")
        assert "1 pending (possibly delivered): not resent (brandpulse alerts --resend ID)" in detail
        listing = list_alerts(cfg, db)
        assert "sent:    cx-slack: pending (possibly delivered), ops-hook: delivered" in listing
        assert f"resend:  brandpulse alerts --resend {aid}" in listing

        # every later night keeps holding it back; an explicit resend sends it, once the attempt cannot be in flight
        assert delivery.send_alerts(cfg, db, "r4") == {"delivered": 0, "failed": 0, "pending": 1}
        assert len(posts["slack"]) == 1
        _age_attempts(db, minutes=30)
        resent = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "alerts", "--resend", aid[:8],
             "--config", str(cfg_path), "--db", str(db)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert resent.returncode == 0, resent.stderr
        assert resent.stdout.strip() == f"{aid} -> cx-slack: delivered (200)"
        assert len(posts["slack"]) == 2 and len(posts["hook"]) == 2  # only the unconfirmed channel
        assert "sent:    cx-slack: delivered, ops-hook: delivered" in list_alerts(cfg, db)
        assert delivery.send_alerts(cfg, db, "r5") == {"delivered": 0, "failed": 0}


def _age_attempts(db, minutes: int) -> None:
    """Date every delivery attempt ``minutes`` earlier (a resend leaves one begun under its deadline, lock_timeout_s
    and a minute ago: it may still be in flight)."""
    with connect(db) as con:
        con.execute(f"UPDATE alert_deliveries SET attempted_at = attempted_at - INTERVAL {minutes} MINUTE")


def test_a_resend_waits_out_the_senders_wait_for_the_warehouse_lock_too(tmp_path, receivers):
    """A pending Slack attempt begun five minutes ago is past its deadline (20 s) and the margin (60 s), but its
    sender may still wait for the warehouse lock (lock_timeout_s, 600 s) to record Slack's answer: a resend then
    would post the alert twice, so it is refused; half an hour on it is sent."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, channels=[{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}])
    assert (cfg.alerting.delivery_deadline_s, cfg.lock_timeout_s) == (20, 600)
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    with connect(db) as con, transaction(con):  # the night's attempt, recorded before its post, never completed
        key = {
            "alert_id": aid,
            "channel": "cx-slack",
            "attempt": 1,
            "run_id": "r1",
            "via": None,
            "retry_to": None,
            "external_id": None,
        }
        execute(con, "alerts/begin_delivery", key)
    _age_attempts(db, minutes=5)
    with pytest.raises(LookupError, match="may still be in flight"):
        delivery.resend(cfg, db, aid)
    assert receivers["slack"] == []
    _age_attempts(db, minutes=30)
    [attempt] = delivery.resend(cfg, db, aid)
    assert attempt.delivery.ok and len(receivers["slack"]) == 1


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["alerts", "--show", "nope"], "0 alerts match 'nope'"),
        (["alerts", "--brand", "nope"], "no brand with id 'nope'"),
        (["cx-lead", "--brand", "nope"], "no brand with id 'nope'"),
        (["cx-lead", "--brand", "acme", "--social", "bogus"], "social 'bogus': use one of mean_score, share_negative"),
    ],
)
def test_an_unknown_alert_brand_or_option_is_an_error_not_an_empty_answer(tmp_path, args, problem):
    """These printed "No alerts", "not enough data" or a traceback, and some exited 0."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.config import ConfigError
    from pipeline.warehouse import migrate

    cfg_path = write_config(tmp_path)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    out = CliRunner().invoke(app, [*args, "--config", str(cfg_path), "--db", str(db)])
    if isinstance(out.exception, ConfigError):  # brandpulse's main() prints it and exits 2
        assert problem in str(out.exception)
    else:
        assert out.exit_code == 2 and problem in out.output, out.output


def test_an_alert_of_a_brand_removed_from_the_config_still_shows_as_stored(tmp_path):
    """`brandpulse alerts` listed it, with "Full message: brandpulse alerts --show ALERT_ID", and `--show` then
    failed: "no brand with id 'parcelo'", as if the id given were a brand's."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(config(tmp_path), db, INCIDENT, "r1")
    (tmp_path / "now").mkdir()
    cfg_path = write_config(tmp_path / "now")  # Acme only: Parcelo removed since
    out = CliRunner().invoke(app, ["alerts", "--show", aid[:8], "--config", str(cfg_path), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "Parcelo: negative spike" in out.output and "50 negative mentions vs 3.8 expected" in out.output


def test_a_mentions_escape_sequences_never_reach_the_terminal_of_brandpulse_alerts(tmp_path):
    """`brandpulse alerts --show` printed a mention's text and channel as posted, and `brandpulse alerts` its
    channel: on a terminal (where click strips nothing) ESC[2J cleared the screen, ESC]0; retitled it and
    ESC[1A ESC[2K overwrote the line above with a forged "sent: delivered"."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    posted = "lost my parcel \x1b[2J\x1b]0;pwned\x07\x1b[1A\x1b[2Ksent: delivered \x9b31m"
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE mentions SET text = $t, channel = 'r/\x1b[31mred' WHERE day = $d", {"t": posted, "d": INCIDENT}
        )
    [aid] = incidents.detect(config(tmp_path), db, INCIDENT, "r1")
    args = ["--config", str(tmp_path / "brandpulse.yaml"), "--db", str(db)]
    shown = {}
    for command in ("--show", aid[:8]), ():
        out = CliRunner().invoke(app, ["alerts", *command, *args], color=True)  # color: as on a terminal
        assert out.exit_code == 0, out.output
        assert not any(c in out.output for c in "\x1b\x07\x9b"), out.output
        shown[command] = out.output
    assert "lost my parcel \ufffd[2J\ufffd]0;pwned\ufffd\ufffd[1A" in shown["--show", aid[:8]]
    assert "sources: reddit · r/\ufffd[31mred (" in shown[()]


def test_an_alert_whose_explanation_is_damaged_is_listed_and_shown_as_such_with_the_others(tmp_path):
    """`brandpulse alerts` (which `send-alerts` points to when a delivery failed) raised a TypeError for an alert
    whose stored explanation is damaged, as send_alerts records it failed, and listed no alert; `--show` did too."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    [aid] = incidents.detect(config(tmp_path), db, INCIDENT, "r1")
    with connect(db) as con:
        damaged = "SELECT * REPLACE ('bad-' || alert_id AS alert_id, '{\"terms\": 5}' AS explanation) FROM alerts"
        con.execute(f"INSERT INTO alerts {damaged}")
    args = ["--config", str(tmp_path / "brandpulse.yaml"), "--db", str(db)]  # the config detect read
    out = CliRunner().invoke(app, ["alerts", *args])
    assert out.exit_code == 0, out.output
    assert f"[{aid}]" in out.output and f"[bad-{aid}]" in out.output
    assert "terms:   - (its stored explanation is damaged)" in out.output
    out = CliRunner().invoke(app, ["alerts", "--show", "bad-", *args])
    assert out.exit_code == 2 and f"bad-{aid}: its message could not be built (TypeError: " in out.output


def test_a_slack_post_left_without_an_answer_is_pending_and_not_posted_again_by_the_next_run(
    tmp_path, receivers, monkeypatch, caplog
):
    """Slack got the POST but answered too late: the attempt is pending (possibly delivered), as one cut off
    mid-send, so the next run (the watch's, within the hour) holds it back instead of posting it a second time."""
    from functools import partial

    from pipeline.alerts import channels

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, channels=[{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}])
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    monkeypatch.setattr(delivery, "deliver", partial(channels.deliver, timeout=0.5))  # a 10 s read timeout, shorter
    receivers["http"].add_fault(r"^/slack/", status=200, delay=1.5)  # Slack posts it, then answers after 1.5 s
    assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 0, "failed": 0, "pending": 1}  # not "failed"
    logged = [r.getMessage() for r in caplog.records if aid in r.getMessage()]
    assert logged and all("failed" not in m for m in logged), logged  # the log says pending too
    assert any("pending (possibly delivered): attempt 1 got no answer" in m for m in logged), logged
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE run_id = 'r1' AND step = 'send_alerts'")
    assert detail == "0 delivered, 0 failed (retried next run), 1 pending (possibly delivered): not resent" + (
        " (brandpulse alerts --resend ID)"
    )
    clock.sleep(1.5)
    assert len(receivers["slack"]) == 1
    assert q(db, "SELECT state FROM v_alert_deliveries") == [("pending",)]
    assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 0, "failed": 0, "pending": 1}
    assert len(receivers["slack"]) == 1  # not posted again
    assert f"resend:  brandpulse alerts --resend {aid}" in list_alerts(cfg, db)

    # a resend left without an answer says pending too, not "failed", and exits 1 (not confirmed)
    from typer.testing import CliRunner

    from pipeline.cli import app

    args = ["alerts", "--resend", aid, "--config", str(tmp_path / "brandpulse.yaml"), "--db", str(db)]
    out = CliRunner().invoke(app, args)  # the attempt began under deadline + a minute ago: it may be in flight
    assert out.exit_code == 2 and "the attempt to cx-slack (attempt 1) began" in out.output, out.output
    assert "ago and may still be in flight; after " in out.output and len(receivers["slack"]) == 1
    _age_attempts(db, minutes=30)
    receivers["http"].add_fault(r"^/slack/", status=200, delay=1.5)
    out = CliRunner().invoke(app, args)
    said = f"{aid} -> cx-slack: pending (possibly delivered): "
    assert out.exit_code == 1 and out.stdout.startswith(said), out.output
    clock.sleep(1.5)


def test_a_resend_of_a_pending_slack_post_that_failed_is_retried_by_the_next_run(tmp_path, receivers, monkeypatch):
    """Slack left attempt 1 without an answer (pending, possibly delivered); `--resend` then failed (HTTP 500): the
    pair's last attempt failed, so it is failed, not pending, and the next run retries it like any failed one."""
    from functools import partial

    from pipeline.alerts import channels

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = config(tmp_path, channels=[{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}])
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    monkeypatch.setattr(delivery, "deliver", partial(channels.deliver, timeout=0.5))
    receivers["http"].add_fault(r"^/slack/", status=200, delay=1.5)  # Slack posts it, then answers after 1.5 s
    assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 0, "failed": 0, "pending": 1}
    clock.sleep(1.5)
    _age_attempts(db, minutes=30)
    receivers["http"].add_fault(r"^/slack/", status=500)
    [resent] = delivery.resend(cfg, db, aid)
    assert not resent.delivery.ok and not resent.delivery.pending and resent.attempt == 2
    assert q(db, "SELECT state FROM v_alert_deliveries") == [("failed",)]
    assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 1, "failed": 0}
    assert q(db, "SELECT attempt, ok FROM alert_deliveries ORDER BY 1") == [(1, None), (2, False), (3, True)]
    assert len(receivers["slack"]) == 2  # the first post, which Slack had, and the retry


def test_an_email_retried_after_a_failed_attempt_has_that_attempts_message_id(tmp_path, receivers):
    """Each attempt's e-mail has its own Message-ID, numbered by the attempt, and the one delivered is recorded as
    the message the incident's later e-mails answer."""

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    nowhere = free_port()  # nothing listens there: refused
    email = {"type": "email", "name": "cx-email", "to": ["cx@example.com"], "sender": "bp@example.com",
             "smtp_host": "127.0.0.1", "smtp_port": nowhere, "starttls": False}  # fmt: skip
    cfg = config(tmp_path, channels=[email])
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 0, "failed": 1}
    cfg = config(tmp_path, channels=[{**email, "smtp_port": receivers["smtp_port"]}])  # the server is back
    assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 1, "failed": 0}
    [mail] = receivers["inbox"].messages
    assert mail["Message-ID"] == f"<brandpulse.{aid}.2@example.com>"
    assert q(db, "SELECT attempt, ok, external_id FROM alert_deliveries ORDER BY 1") == [
        (1, False, None), (2, True, mail["Message-ID"])]  # fmt: skip


def test_a_slack_post_cut_by_the_deadline_is_pending_once_sent_and_retried_when_it_never_connected(
    tmp_path, receivers, monkeypatch
):
    """The attempt's whole deadline (alerting.delivery_deadline_s) treated like the read timeout: a post cut while
    connecting reached nobody and the next run retries it; a post Slack received but answered too slowly for the
    deadline is pending (possibly delivered), and the run after holds it back instead of posting it again."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    slack = [{"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"}]
    cfg = config(tmp_path, channels=slack, delivery_deadline_s=1.5)
    [aid] = incidents.detect(cfg, db, INCIDENT, "r1")
    with connect(db) as con:
        delivery.message(cfg, con, aid)  # matplotlib's first chart is slow
    with unaccepting_port() as port:
        monkeypatch.setenv("TEST_SLACK_URL", f"http://127.0.0.1:{port}/slack/T000/B000/secret")
        assert delivery.send_alerts(cfg, db, "r1") == {"delivered": 0, "failed": 1}
    assert q(db, "SELECT attempt, ok, error FROM alert_deliveries") == [
        (1, False, "slack channel 'cx-slack': no complete answer within the 1.5 s deadline")
    ]
    with TrickleServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", interval=1.0) as slow:
        monkeypatch.setenv("TEST_SLACK_URL", f"{slow.url}/slack/T000/B000/secret")
        assert delivery.send_alerts(cfg, db, "r2") == {"delivered": 0, "failed": 0, "pending": 1}  # it reached Slack
    assert len(slow.requests) == 1
    assert q(db, "SELECT attempt, ok, error FROM alert_deliveries WHERE attempt = 2") == [
        (2, None, "slack channel 'cx-slack': no complete answer within the 1.5 s deadline;"
                  " not retried, as the receiver may have it")
    ]  # fmt: skip
    assert q(db, "SELECT state FROM v_alert_deliveries") == [("pending",)]
    monkeypatch.setenv("TEST_SLACK_URL", f"{receivers['http'].url}/slack/T000/B000/secret")
    assert delivery.send_alerts(cfg, db, "r3") == {"delivered": 0, "failed": 0, "pending": 1}
    assert receivers["slack"] == []  # not posted a second time


def test_a_shift_whose_first_day_later_nights_place_again_is_kept_once(tmp_path):
    """Each night re-runs the change-point detector over the history, and its estimate of a shift's first day
    moves as the new level's days come in: the report listed one shift three times ("08 Oct: worse 27%→58%",
    "09 Oct: worse 28%→60%", "13 Oct: worse 29%→63%"). A later estimate replaces the earlier ones; a shift of the
    other direction, or of the same one at least cp_min_size days away, is another shift."""
    db = tmp_path / "w.duckdb"
    seed(db, 5)
    saves = [("2026-10-08", "worse", 0.58, "2026-10-10"), ("2026-10-09", "worse", 0.60, "2026-10-11"),
             ("2026-10-13", "worse", 0.63, "2026-10-16"), ("2026-10-19", "better", 0.28, "2026-10-24"),
             ("2026-10-26", "worse", 0.50, "2026-10-30")]  # fmt: skip

    def save(saves):
        with connect(db) as con, transaction(con):
            for n, (day, direction, after, night) in enumerate(saves):
                execute(con, "alerts/save_change_point", {
                    "day": day, "brand": "parcelo", "before_level": 0.28, "after_level": after,
                    "direction": direction, "detail": "d", "run_id": f"r{n}", "night": night,
                    "min_days": 7, "model_version": "v1"})  # fmt: skip

    save(saves)
    kept = [("2026-10-13", "worse", 0.63), ("2026-10-19", "better", 0.28), ("2026-10-26", "worse", 0.50)]
    assert q(db, "SELECT CAST(day AS VARCHAR), direction, after_level FROM change_points ORDER BY day") == kept
    # a backfill re-runs the nights of 10, 12 and 22 Oct, which saw less of each new level: the later estimates stand
    save([("2026-10-08", "worse", 0.58, "2026-10-10"), ("2026-10-13", "better", 0.1, "2026-10-12"),
          ("2026-10-20", "better", 0.30, "2026-10-22")])  # fmt: skip
    assert q(db, "SELECT CAST(day AS VARCHAR), direction, after_level FROM change_points ORDER BY day") == kept
    save([("2026-10-12", "worse", 0.64, "2026-10-31")])  # a later night moves the first shift again
    assert q(db, "SELECT CAST(day AS VARCHAR), direction, after_level, CAST(night AS VARCHAR) FROM change_points "
             "ORDER BY day")[0] == ("2026-10-12", "worse", 0.64, "2026-10-31")  # fmt: skip


def test_a_shift_placed_on_an_older_models_series_is_not_marked_on_the_newer_models_chart(tmp_path):
    """A night on v1 placed a shift (12% → 37%); then v2, which reads no such shift, rescored the whole history. The
    report's chart, drawn in v2's series (flat at about 10%), marked "worse 12% → 37%" until a later night placed a
    shift near it: change_points had no model. It keeps the night's now, and the report marks its series' own only."""
    from pipeline.report.build import build_report

    cfg = config(tmp_path)
    db = tmp_path / "w.duckdb"
    seed_shift(db)
    incidents.detect(cfg, db, SHIFT + timedelta(days=20), "v1-night")
    assert q(db, "SELECT direction, model_version FROM change_points") == [("worse", "v1")]
    with connect(db) as con, transaction(con):  # v2 calls the parcels lost neutral: no shift in its series
        con.execute(
            "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at, CASE WHEN"
            " mention_id IN (SELECT mention_id FROM mentions WHERE contains(text, 'lost')) THEN 'neutral' ELSE label"
            " END AS label) FROM sentiment"
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(170)], "run_id": "rescore"})
    night = SHIFT + timedelta(days=21)
    incidents.detect(cfg, db, night, "v2-night")
    page = build_report(cfg, db, night, tmp_path / "site", brands=["parcelo"])["pages"]["parcelo"]
    html = " ".join(page.read_text(encoding="utf-8").split())
    sentiment = re.sub(r'src="[^"]*"', "", html[html.index('id="sentiment"') : html.index('id="volume"')])
    assert "0 change point(s) marked" in sentiment and "37.2%" not in sentiment, sentiment


def test_a_backfilled_storm_someone_resent_is_not_paged_as_new_again_by_the_first_recent_night(tmp_path, receivers):
    """A backfill recorded a storm's first alert unsent, and an analyst sent it with ``--resend``: people were told.
    The first night recent enough to send, the storm no worse, pages nothing; it paged the storm again as 'new'
    (only an alert recorded to send counted as told), a second first page for one incident."""
    db = tmp_path / "w.duckdb"
    days = {INCIDENT + timedelta(days=i): (70 + i, 35 + i) for i in range(5)}
    seed(db, 55, days)
    hook = {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"}
    cfg = config(tmp_path, channels=[hook], max_age_days=3, cooldown_days=3)
    today = INCIDENT + timedelta(days=5)
    [first] = incidents.detect(cfg, db, INCIDENT, "r0", today=today)  # 5 days old: recorded, not sent
    [resent] = delivery.resend(cfg, db, first)
    assert resent.delivery.ok and len(receivers["hooks"]) == 1
    raised = [incidents.detect(cfg, db, d, f"r{d}", today=today) for d in sorted(days)[1:]]
    assert raised == [[], [], [], []]
    assert q(db, "SELECT day, status, send FROM alerts") == [(INCIDENT, "new", False)]
