"""The hourly watch against the demo's replay server and a real DuckDB file: 24 watch runs then the night leave
every table as a night-only run does; a watch run skips (and says so) while a night runs; its config section;
hourly_spike alerts (once per incident, explained) and the night's spike for the same incident as an update; a storm
flagged day after day is one incident (chained by the flagged days of either detector), a storm after a quiet gap
longer than the cooldown a new one; volume flags keep no negative storm going, and an incident is read back two
weeks at most."""

from __future__ import annotations

import itertools
import json
import logging
from datetime import UTC, date, datetime, time, timedelta

import duckdb
import pytest
import yaml
from airflow.sdk import RetryAction
from airflow.sdk.exceptions import AirflowTaskTimeout

from demo.replay import sample
from pipeline.alerts import delivery, incidents
from pipeline.alerts.message import render_slack, render_subject, render_text
from pipeline.authorkey import AuthorKeyChanged
from pipeline.config import ConfigError, load_config, watch_run_timeout
from pipeline.ledger import RunFailed, start_run
from pipeline.metrics import day_hours
from pipeline.night import run_day
from pipeline.staging import stage_dir
from pipeline.warehouse import connect, execute, migrate, transaction
from pipeline.watch import check_interval, prepare, run_watch
from tests.helpers import (
    COLUMNS,
    COMPARED,
    INCIDENT,
    MODEL_DIR,
    START,
    alerting_config,
    assert_same_tables,
    rescored_since,
    seed,
)

DAY = date(2026, 10, 13)
MIDNIGHT = datetime.combine(DAY, time(0), tzinfo=UTC)


SOURCES = ("reddit", "hn", "app-store", "google-play")  # the network sources of config()


def config(folder, **watch):
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "brands": [
            {
                "name": "Parcelo",
                "aliases": ["Parcelo", "@parcelo", "#parcelo"],
                "sources": [
                    {"type": "reddit", "name": "reddit", "brand_subreddits": ["parcelo", "CasualUK"]},
                    {"type": "hackernews", "name": "hn"},
                    {"type": "app_store", "name": "app-store", "app_id": "1480331921", "countries": ["gb"]},
                    {"type": "google_play", "name": "google-play", "app_id": "com.parcelo.app", "countries": ["gb"]},
                ],
            }
        ],
        "staging_dir": "staging",
        "report_dir": "reports",
        "scoring": {"model_dir": str(MODEL_DIR)},
        "watch": {"enabled": True, **watch},
    }
    path = folder / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_config(path)


HN = {"type": "hackernews", "name": "hn"}


class Quiet:
    """A network source with nothing new this hour; ``windows`` (a list), when given, keeps each window it is asked
    to read, as (start, end)."""

    spec = type("Spec", (), {"lookback_days": 0})()

    def __init__(self, windows: list | None = None):
        self.windows = windows

    def fetch(self, window):
        if self.windows is not None:
            self.windows.append((window.start, window.end))
        self.state = {}
        return iter(())


def _with_sources(folder, sources: list[dict]) -> tuple:
    """(config, warehouse path): :func:`config` with its brand's sources replaced by ``sources``."""
    path = config(folder).source_file
    doc = yaml.safe_load(path.read_text())
    doc["brands"][0]["sources"] = sources
    path.write_text(yaml.safe_dump(doc))
    return load_config(path), folder / "w.duckdb"


def q(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


FOLLOWED = {"1pa131d": 1791669200.0, "1pa11vx": 1791670525.0}  # the sample's Parcelo posts of 10-10


def followed_by_an_earlier_night(db) -> None:
    """The Reddit state an earlier night left: two threads followed (posts before the night's window)."""
    state = {"brand": ["parcelo"], "source": ["reddit"], "state": [json.dumps({"follow": FOLLOWED})]}
    with connect(db) as con:
        migrate(con)
        execute(con, "ingest/source_state", {**state, "watermark": [None], "day": DAY, "run_id": "earlier"})


def _seeded_watch(db, planted: dict, before=None) -> None:
    """51 seeded days with ``planted`` ({day: (mentions, negative)}: :func:`seed`), their hourly metrics and the
    registered watch run ``watch-1`` of the incident day; ``before(con)`` first, in the same transaction."""
    seed(db, 51, planted)
    with connect(db) as con, transaction(con):
        if before is not None:
            before(con)
        execute(
            con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]), "run_id": "s"}
        )
        start_run(con, "watch-1", INCIDENT, "watch")


def test_24_watch_runs_then_the_night_leave_the_warehouse_a_night_only_run_leaves(tmp_path, sample_replay, scorer):
    """Also: the watch leaves Reddit's followed threads to the night (it neither reads them nor changes the state
    that keeps them), so they are not read 24 times a day."""
    cfg, db = config(tmp_path / "watched"), tmp_path / "watched.duckdb"
    followed_by_an_earlier_night(db)
    watched = []
    for h in range(1, 25):
        end = MIDNIGHT + timedelta(hours=h)
        sample.mount(sample_replay, until=end)  # the services as they were at the end of the hour
        result = run_watch(cfg, db, end, scorer=scorer, today=DAY)
        assert result["status"] == "success", result
        assert result["read_from"] == (end - timedelta(minutes=75)).isoformat()
        watched.append(result)
    loaded_by_watch = sum(r["new_mentions"] for r in watched)
    on_day = q(db, f"SELECT count(*) FROM mentions WHERE day = '{DAY}'")[0][0]
    assert loaded_by_watch >= on_day > 10  # the watch saw the day as it happened
    assert q(db, f"SELECT count(*) FROM mentions m JOIN sentiment s USING (mention_id) WHERE day = '{DAY}'") == [
        (on_day,)
    ]
    hourly = q(db, f"SELECT sum(volume) FROM hourly_brand_metrics WHERE source = '_all' AND hour::DATE = '{DAY}'")
    assert hourly == [(on_day,)]
    assert q(db, "SELECT DISTINCT trigger, status FROM pipeline_runs") == [("watch", "success")]
    threads = [f"/comments/{pid}/" for pid in FOLLOWED]
    assert [r.path for r in sample_replay.requests if r.path in threads] == []  # the watch read no followed thread
    [(state,)] = q(db, "SELECT state FROM source_state WHERE brand = 'parcelo' AND source = 'reddit'")
    assert json.loads(state)["follow"] == FOLLOWED  # and left them followed, as they were

    sample.mount(sample_replay, until=MIDNIGHT + timedelta(days=1, hours=2))  # the night runs at 02:00
    night = run_day(cfg, db, DAY, scorer=scorer, today=DAY)
    assert night["status"] == "success"
    assert night["already_present"] >= on_day  # the night re-read the day and duplicated nothing
    assert sorted(r.path for r in sample_replay.requests if r.path in threads) == sorted(threads)  # once each

    fresh_cfg, fresh = config(tmp_path / "night-only"), tmp_path / "night-only.duckdb"
    followed_by_an_earlier_night(fresh)
    only = run_day(fresh_cfg, fresh, DAY, scorer=scorer, today=DAY)
    assert only["status"] == "success" and only["new_mentions"] == loaded_by_watch + night["new_mentions"]
    assert_same_tables(db, fresh)
    assert len(q(fresh, COMPARED["mentions"])) > on_day  # the look-back day too: the comparison is not empty


def test_a_watch_run_skips_while_a_night_runs_and_says_so(tmp_path, caplog):
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        start_run(con, "airflow__night", DAY, "airflow")  # a night in progress
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with caplog.at_level(logging.INFO, logger="brandpulse"):
        result = run_watch(cfg, db, end)  # no scorer, no server: a skipped run touches neither
    assert result["status"] == "skipped" and "night run airflow__night is running" in result["reason"]
    assert "skipped: night run airflow__night is running" in caplog.text
    runs = dict(q(db, "SELECT trigger, status FROM pipeline_runs"))
    assert runs == {"airflow": "running", "watch": "skipped"}
    assert q(db, "SELECT count(*) FROM run_steps WHERE step <> 'skipped'") == [(0,)]
    # a 'running' night that started over six hours ago is taken as dead: the watch goes on
    assert prepare(cfg, db, end, "watch-later", now=datetime.now(UTC) + timedelta(hours=7)) != []
    # a disabled watch skips too
    off = config(tmp_path / "off", enabled=False)
    assert run_watch(off, db, end)["reason"] == "the watch is disabled (watch.enabled is false in the config)"


@pytest.mark.parametrize("trigger", ["cli", "rescore", "watch"])
def test_a_watch_run_skips_beside_any_running_run_but_a_watch_run(tmp_path, trigger):
    """``brandpulse run`` and ``brandpulse rescore`` write the warehouse as the DAG's night does: a watch run skips
    beside them too (the one writer at a time), not only beside an Airflow night. Another watch run still
    ``running`` (``brandpulse watch``, slow) is no night: the watch does not skip its hours for it."""
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        start_run(con, f"{trigger}__busy", DAY, trigger)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if trigger == "watch":
        assert prepare(cfg, db, end, "watch-next") != []
        assert dict(q(db, "SELECT run_id, status FROM pipeline_runs")) == {
            "watch__busy": "running",
            "watch-next": "running",
        }
        return
    result = run_watch(cfg, db, end)
    assert result["status"] == "skipped" and f"night run {trigger}__busy is running" in result["reason"]


def test_a_watch_run_leaves_file_drops_to_the_night_and_does_not_count_them_missing(tmp_path, monkeypatch):
    """File drops are read nightly: a watch run beside one reads and loads its network sources only, and ends
    ``success`` (its load took the file drop, which it never extracts, for a source that staged nothing: every
    watch run was partial)."""
    from pipeline import staging

    drop = {"type": "file_drop", "name": "drop", "path": "acme.csv", "columns": COLUMNS}
    cfg, db = _with_sources(tmp_path, [HN, drop])
    built = []
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: built.append(s) or Quiet())
    result = run_watch(cfg, db, MIDNIGHT + timedelta(hours=3), now=MIDNIGHT + timedelta(hours=3, minutes=1))
    assert result["status"] == "success" and not result["failed_sources"]
    assert built == ["hn"]  # the file drop is not read
    assert q(db, "SELECT source, status FROM run_steps WHERE step = 'extract'") == [("hn", "success")]


def test_a_watch_run_with_file_drops_only_skips_and_is_not_left_running(tmp_path):
    """No network source to read (file drops are read nightly): the run is recorded ``skipped`` with the reason and
    reads, stages and windows nothing. Registered and not closed, it stood for a watch run in progress, which the
    night waits for."""

    drop = {"type": "file_drop", "name": "drop", "path": "acme.csv", "columns": COLUMNS}
    cfg, db = _with_sources(tmp_path, [drop])
    end = MIDNIGHT + timedelta(hours=3)
    result = run_watch(cfg, db, end, now=end + timedelta(minutes=1))
    reason = "no network source is configured (file drops and surveys are read nightly)"
    assert result["status"] == "skipped" and result["reason"] == reason
    assert q(db, "SELECT status, window_end FROM pipeline_runs") == [("skipped", None)]
    assert q(db, "SELECT step, detail FROM run_steps") == [("skipped", reason)]
    assert not (tmp_path / "staging").exists()


def test_a_watch_run_closes_an_earlier_one_of_the_dag_left_running_past_its_deadline(tmp_path, caplog):
    """An Airflow run that hits dagrun_timeout never reaches ``finish``: the next watch run marks it interrupted,
    with the reason, so the ledger does not show it running for good. A run within its deadline is left alone, and
    so is a ``brandpulse watch`` run (no deadline: nothing stops it), however long it takes."""
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    end = datetime(2026, 10, 13, 9, tzinfo=UTC)
    now = end + timedelta(minutes=2)
    timeout = watch_run_timeout(60)  # the DAG's hourly runs: 55 minutes
    assert timeout == timedelta(minutes=55) and watch_run_timeout(15) == timedelta(minutes=10)
    # (run, minutes ago its Airflow run started, minutes its prepare waited in the queue): Airflow's dagrun_timeout
    # counts from the run's start, so the queued run is dead too (its deadline was taken from its prepare's start)
    for run_id, started, queued in (("watch-killed", 61, 0), ("watch-slow", 54, 0), ("watch-queued", 58, 10)):
        at = now - timedelta(minutes=started)
        assert prepare(cfg, db, end - timedelta(hours=1), run_id, now=at + timedelta(minutes=queued), run_started=at)
    with connect(db) as con:
        start_run(con, "watch-cli", DAY, "watch")
        con.execute("UPDATE pipeline_runs SET started_at = ? WHERE run_id = 'watch-cli'", [now - timedelta(hours=3)])
        start_run(con, "airflow__night", DAY, "airflow")  # a night left running is the night guard's (6 h)
    with caplog.at_level(logging.INFO, logger="brandpulse"):
        assert prepare(cfg, db, end, "watch-next", now=now, run_started=now) == []  # skipped beside the night
    said = "watch watch-next: watch run watch-killed was still running past its deadline: marked interrupted"
    assert said in caplog.text
    statuses = dict(q(db, "SELECT run_id, status FROM pipeline_runs"))
    assert statuses == {
        "watch-killed": "interrupted",
        "watch-queued": "interrupted",
        "watch-slow": "running",
        "watch-cli": "running",
        "airflow__night": "running",
        "watch-next": "skipped",
    }
    [(detail,)] = q(db, "SELECT detail FROM run_steps WHERE run_id = 'watch-killed' AND step = 'interrupted'")
    assert detail.startswith("did not finish: still running when run watch-next began, past its deadline")
    deadlines = dict(q(db, "SELECT run_id, deadline_at FROM pipeline_runs WHERE deadline_at IS NOT NULL"))
    assert deadlines["watch-next"] == now + timeout and "watch-cli" not in deadlines


def test_a_watch_run_with_another_author_key_is_not_registered_and_a_skipped_one_still_skips(tmp_path, monkeypatch):
    """A watch run that reads its sources checks the author key before it is registered (its prepare reads no
    source: no server needed); one that skips hashes nothing and is not stopped by it."""
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    end = MIDNIGHT + timedelta(hours=10)
    (job, *_) = prepare(cfg, db, end, "watch-1")  # records the tests' key (first use)
    assert job["author_key"]["key_no"] == 1
    runs = q(db, "SELECT * FROM pipeline_runs ORDER BY ALL")
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key")
    with pytest.raises(AuthorKeyChanged, match="another author key than the one in BRANDPULSE_AUTHOR_KEY"):
        prepare(cfg, db, end + timedelta(hours=1), "watch-2")
    assert q(db, "SELECT * FROM pipeline_runs ORDER BY ALL") == runs
    off = config(tmp_path / "off", enabled=False)
    assert prepare(off, db, end + timedelta(hours=1), "watch-3") == []


def test_a_cleared_watch_run_whose_prepare_fails_is_not_judged_by_its_earlier_success(tmp_path, monkeypatch):
    """An Airflow run cleared and run again whose prepare fails before it opens the run again (here another author
    key): the DAG's load and finish still run (trigger_rule all_done), and finish judged the earlier attempt's
    steps: ``success``. Its prepare's failure is recorded (as the night's is), so the run ends partial."""
    from pipeline import staging, watch

    cfg, db = _with_sources(tmp_path, [HN])
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Quiet())
    end = MIDNIGHT + timedelta(hours=5)
    assert run_watch(cfg, db, end, run_id="watch__r", now=end)["status"] == "success"
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key")
    with pytest.raises(AuthorKeyChanged):
        prepare(cfg, db, end, "watch__r", now=end, run_started=end)
    assert q(db, "SELECT status FROM run_steps WHERE run_id = 'watch__r' AND step = 'prepare'") == [("failed",)]
    watch.load(cfg, db, end, "watch__r")  # what the DAG runs next, all_done
    with pytest.raises(RunFailed) as err:
        watch.finish(cfg, db, "watch__r")
    assert err.value.status == "partial"


def test_a_watch_runs_load_cleared_after_the_night_keeps_the_threads_the_night_followed(tmp_path, sample_replay):
    """The 01:00 watch run's load failed; the night then stored Reddit's followed threads with the posts it matched;
    the failed load, cleared the next morning, stored the state its extract staged before the night (the threads
    as they were then), and the night's posts went unfollowed: their late comments were never read. A watch run
    never changes the followed threads, so its load keeps the ones stored."""
    from pipeline import ledger, staging, watch

    cfg, db = _with_sources(tmp_path, [{"type": "reddit", "name": "reddit", "brand_subreddits": ["parcelo"]}])
    followed_by_an_earlier_night(db)
    end = MIDNIGHT + timedelta(days=1, hours=1)
    sample.mount(sample_replay, until=end)
    run_id = "watch__scheduled__2026-10-14T01:00:00+00:00"
    [job] = watch.prepare(cfg, db, end, run_id, now=end, run_started=end)
    assert watch.extract(cfg, job, end, run_id, states=staging.states_of([job]))["status"] == "success"
    with pytest.raises(RunFailed):  # its load task failed: the DAG's finish closes it
        watch.finish(cfg, db, run_id)
    night = {**FOLLOWED, "1pa13so": 1791792835.0}  # the night of 10-13 follows a post it matched
    with connect(db) as con:
        start_run(con, "scheduled__2026-10-14T02:00:00+00:00", DAY, "airflow")
        state = {"brand": ["parcelo"], "source": ["reddit"], "state": [json.dumps({"follow": night})]}
        run = {"day": DAY, "run_id": "scheduled__2026-10-14T02:00:00+00:00"}
        execute(con, "ingest/source_state", {**state, "watermark": [None], **run})
    ledger.rerun_steps(db, run_id, ("load",), timeout=5)  # the load task cleared after the night
    assert watch.load(cfg, db, end, run_id).new_mentions > 0
    [(stored, by)] = q(db, "SELECT state, run_id FROM source_state WHERE source = 'reddit'")
    assert json.loads(stored)["follow"] == night and by == run_id


@pytest.mark.parametrize(
    ("watch", "problem"),
    [
        ({"interval_minutes": 10}, "watch.interval_minutes: Input should be greater than or equal to 15"),
        ({"interval_minutes": 50}, "watch.interval_minutes: must divide a day into intervals"),
        ({"overlap_minutes": -1}, "watch.overlap_minutes: Input should be greater than or equal to 0"),
        ({"every": 5}, "watch.every: unknown field"),
    ],
)
def test_watch_config_errors_name_file_field_and_problem(tmp_path, watch, problem):
    with pytest.raises(ConfigError) as err:
        config(tmp_path, **watch)
    assert str(tmp_path / "brandpulse.yaml") in str(err.value) and problem in str(err.value)


def test_watch_config_defaults(tmp_path):
    alerting_config(tmp_path)
    w = load_config(tmp_path / "brandpulse.yaml").watch
    assert (w.enabled, w.interval_minutes, w.overlap_minutes) == (False, 60, 15)


def test_a_scheduled_interval_of_another_length_than_the_configs_is_refused(tmp_path):
    """The DAG's schedule comes from $BRANDPULSE_WATCH_INTERVAL_MINUTES, the run's window from the config: a run
    scheduled for a shorter or a longer interval than watch.interval_minutes is refused, naming both."""
    cfg = config(tmp_path)
    end = MIDNIGHT + timedelta(hours=9)
    check_interval(cfg, end - timedelta(minutes=60), end)
    for minutes in (30, 120):
        with pytest.raises(ConfigError) as err:
            check_interval(cfg, end - timedelta(minutes=minutes), end)
        assert f"watch.interval_minutes: is 60, but the run covers {minutes} minutes" in str(err.value)
        assert "BRANDPULSE_WATCH_INTERVAL_MINUTES" in str(err.value)


def test_an_hourly_explanations_baseline_is_the_negatives_of_the_model_the_detector_read(tmp_path):
    """A new model has rescored the last 21 days; the older one, still the latest score of the days before, called
    their "arrived fine" mentions negative. The hourly series is read in the new model, and so are the window's
    terms and their 28-day background: never the older model's labels."""
    db = tmp_path / "w.duckdb"
    since = INCIDENT - timedelta(days=20)
    _seeded_watch(db, {INCIDENT: (120, 85)}, lambda con: rescored_since(con, since, v1_negative="arrived fine"))
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    cfg = alerting_config(tmp_path)
    assert incidents.detect_watch(cfg, db, eight - timedelta(minutes=15), eight + timedelta(hours=2), "watch-1")
    [(explanation,)] = q(db, "SELECT explanation FROM alerts WHERE kind = 'hourly_spike'")
    ex = json.loads(explanation)
    start = datetime.fromisoformat(ex["window_start"])
    [(v2_before,)] = q(
        db,
        "SELECT count(*) FROM v_mentions_scored WHERE label = 'negative' AND model_version = 'v2'"
        f" AND created_at >= TIMESTAMPTZ '{start - timedelta(days=28)}' AND created_at < TIMESTAMPTZ '{start}'",
    )
    assert ex["baseline_negatives"] == v2_before  # not the older model's 'arrived fine' negatives too


def test_hourly_spike_alerts_once_and_the_night_updates_the_same_incident(tmp_path):
    db = tmp_path / "w.duckdb"
    # ~40 mentions a day, a minute apart from 08:00 (none at 09:00); the incident day 120 from 08:00 to 09:59, its
    # first 85 negative: the 08:00 hour 60 of 60, the 09:00 hour 25 of 60 (flagged too, but not worse)
    seed(db, 51, {INCIDENT: (120, 85)})
    with connect(db) as con, transaction(con):
        days = [START + timedelta(days=i) for i in range(51)]
        execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": "seed"})
        start_run(con, "watch-1", INCIDENT, "watch")
    cfg = alerting_config(tmp_path)
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    raised = incidents.detect_watch(cfg, db, eight - timedelta(minutes=15), eight + timedelta(hours=2), "watch-1")
    flags = q(db, "SELECT hour, kind, observed, severity FROM hourly_detections ORDER BY hour")
    assert [(h, k) for h, k, *_ in flags] == [(eight, "hourly_spike"), (eight + timedelta(hours=1), "hourly_spike")]
    (_, _, first_seen, first_sev), (_, _, then_seen, then_sev) = flags
    rank = incidents.SEVERITY_RANK
    assert rank[then_sev] <= rank[first_sev] and then_seen < cfg.alerting.worsen_ratio * first_seen  # not worse
    assert len(raised) == 1  # both hours flagged, one incident: the 09:00 hour, not worse, raised no second alert
    [(aid, kind, status, incident, explanation)] = q(
        db, "SELECT alert_id, kind, status, incident_id, explanation FROM alerts"
    )
    assert (aid, kind, status, incident) == (raised[0], "hourly_spike", "new", raised[0])
    assert aid == incidents.window_alert_id("parcelo", "hourly_spike", eight)
    ex = json.loads(explanation)
    assert ex["window_start"] == eight.isoformat() and ex["observed"] >= 40
    terms = [t for t, _ in ex["terms"]]
    assert "refund" in terms[:5], terms
    assert sum(n for _, n in ex["sources"]) == ex["focus_negatives"] >= 40
    assert len(ex["top_mentions"]) == 5
    read = {u: (score, lang) for u, score, lang in q(db, "SELECT url, score, language FROM v_mentions_scored")}
    assert [(m["score"], m["language"]) for m in ex["top_mentions"]] == [read[m["url"]] for m in ex["top_mentions"]]
    # a re-run of the watch raises nothing twice
    assert incidents.detect_watch(cfg, db, eight, eight + timedelta(hours=2), "watch-1") == []

    nightly = incidents.detect(cfg, db, INCIDENT, "night")
    assert len(nightly) == 1
    rows = q(db, "SELECT kind, status, incident_id FROM alerts ORDER BY created_at")
    assert rows == [("hourly_spike", "new", aid), ("spike", "update", aid)]  # one incident: the night updates it
    with connect(db, read_only=True) as con:
        hourly_msg = delivery.message(cfg, con, aid, chart=False)
        night_msg = delivery.message(cfg, con, nightly[0], chart=False)
    assert "same-day negative spike" in render_subject(hourly_msg)
    assert night_msg.status == "update" and "getting worse" not in render_subject(night_msg)


def test_a_15_minute_runs_alert_states_the_minutes_of_the_hour_so_far(tmp_path):
    """A 15-minute run tests the hour so far: the run ending at 08:30 flags the 08:00 hour from its first 30
    minutes, and its flag, alert and message say 08:00-08:30, not 08:00-09:00 (minutes no run has read yet)."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 85)})  # the 08:00 hour 60 negatives of 60
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    end = eight + timedelta(minutes=30)
    with connect(db) as con, transaction(con):  # what a run ending at 08:30 has loaded
        later = "SELECT mention_id FROM mentions WHERE created_at >= ?"
        con.execute(f"DELETE FROM sentiment WHERE mention_id IN ({later})", [end])
        con.execute(f"DELETE FROM mentions WHERE mention_id IN ({later})", [end])
        days = [START + timedelta(days=i) for i in range(51)]
        execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": "seed"})
        start_run(con, "watch-1", INCIDENT, "watch")
    cfg = alerting_config(tmp_path, watch={"enabled": True, "interval_minutes": 15})
    [aid] = incidents.detect_watch(cfg, db, end - timedelta(minutes=30), end, "watch-1")
    [(window_end, reason)] = q(db, "SELECT window_end, reason FROM hourly_detections")
    assert window_end == end and "08:00-08:30 UTC" in reason
    [(headline, explanation)] = q(db, "SELECT headline, explanation FROM alerts")
    assert "08:00-08:30 UTC: 30 negative mentions" in headline
    assert json.loads(explanation)["window_end"] == end.isoformat()
    with connect(db, read_only=True) as con:
        assert "08:00-08:30 UTC" in render_text(delivery.message(cfg, con, aid, chart=False))


def test_a_replayed_hours_alert_names_its_date_not_today(tmp_path):
    """A replay (``watch --from --to``) of an hour days ago raised "Parcelo: negative spike today, Sun 20 Sep ...":
    the headline is stored and sent later (held through quiet hours, resent), so it names the window's date only."""
    db = tmp_path / "w.duckdb"
    _seeded_watch(db, {INCIDENT: (120, 85)})
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    later = INCIDENT + timedelta(days=2)
    cfg = alerting_config(tmp_path)
    assert incidents.detect_watch(cfg, db, eight, eight + timedelta(hours=1), "watch-1", today=later)
    [(headline,)] = q(db, "SELECT headline FROM alerts")
    assert headline.startswith("Parcelo: negative spike, Sun 20 Sep 2026 08:00-09:00 UTC: "), headline


def test_a_15_minute_run_over_an_hour_loaded_whole_counts_the_hour_so_far_only(tmp_path):
    """A replay (``watch --from --to``) of a day already loaded, or a 15-minute run cleared and run again after later
    runs loaded the rest of its hour: the run ending at 08:30 paged "08:00-08:30: 60 negative mentions", the whole
    hour's, where 30 had been posted by 08:30."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 85)})  # the 08:00 hour 60 negatives of 60, a minute apart: 30 before 08:30
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    end = eight + timedelta(minutes=30)
    with connect(db) as con, transaction(con):
        days = [START + timedelta(days=i) for i in range(51)]
        execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": "seed"})
        start_run(con, "watch-1", INCIDENT, "watch")
    cfg = alerting_config(tmp_path, watch={"enabled": True, "interval_minutes": 15})
    incidents.detect_watch(cfg, db, end - timedelta(minutes=30), end, "watch-1")
    assert q(db, "SELECT window_end, observed, volume FROM hourly_detections") == [(end, 30, 30)]
    [(headline,)] = q(db, "SELECT headline FROM alerts")
    assert "08:00-08:30 UTC: 30 negative mentions (100% of 30)" in headline


def _surge(tmp_path) -> tuple:
    """(config, warehouse, the volume_spike's id): 200 mentions from 08:00 on the incident day, its first 20
    negative, where a Sunday has ~28 from 08:00 (none at 09:00): the 09:00-11:00 hours' 120 mentions, none
    negative, against 0.25 expected, are a volume_spike."""
    db = tmp_path / "w.duckdb"
    _seeded_watch(db, {INCIDENT: (200, 20)})
    cfg = alerting_config(tmp_path)
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    incidents.detect_watch(cfg, db, eight - timedelta(minutes=15), eight + timedelta(hours=4), "watch-1")
    [(aid,)] = q(db, "SELECT alert_id FROM alerts WHERE kind = 'volume_spike'")
    return cfg, db, aid


def test_an_hourly_alerts_headline_states_the_expected_count_as_its_reason_does(tmp_path):
    """The headline rounded 0.25 expected mentions to "0 expected" beside a reason of "0.2 expected"."""
    _, db, aid = _surge(tmp_path)
    [(headline, reason, expected)] = q(db, f"SELECT headline, reason, expected FROM alerts WHERE alert_id = '{aid}'")
    assert expected < 0.5 and "120 mentions, 0.2 expected" in headline and "vs 0.2 expected" in reason


def test_a_volume_spikes_explanation_is_of_all_the_windows_mentions_not_only_its_negatives(tmp_path):
    """A volume_spike counts every scored mention: its terms, sources and top mentions were of the window's
    negatives alone, so a surge of mentions that were not negative paged with none of them ("terms: -")."""
    cfg, db, aid = _surge(tmp_path)
    [(explanation,)] = q(db, f"SELECT explanation FROM alerts WHERE alert_id = '{aid}'")
    ex = json.loads(explanation)
    assert (ex["window_start"], ex["window_end"]) == ("2026-09-20T09:00:00+00:00", "2026-09-20T11:00:00+00:00")
    assert ex["focus_mentions"] == ex["observed"] == sum(n for _, n in ex["sources"]) == 120
    assert len(ex["top_mentions"]) == 5 and [t for t, _ in ex["terms"]][:1] == ["arrived fine"]
    assert all("09:00" <= m["created_at"][11:16] < "11:00" for m in ex["top_mentions"])  # of the window, not the day
    with connect(db, read_only=True) as con:
        slack = json.dumps(render_slack(delivery.message(cfg, con, aid, chart=False)), ensure_ascii=False)
    assert "reddit · r/parcelo: 80 mentions" in slack and "(5 of 120 mentions)" in slack


def _hold_back(con, since: datetime) -> None:
    """Move the seeded mentions (and scores) created from ``since`` on into held_m and held_s, for
    :func:`_quarter_hour_runs` to load quarter by quarter, and recompute the seeded days' hourly metrics without
    them."""
    ids = "SELECT mention_id FROM mentions WHERE created_at >= ?"
    con.execute(f"CREATE TABLE held_m AS SELECT * FROM mentions WHERE mention_id IN ({ids})", [since])
    con.execute(f"CREATE TABLE held_s AS SELECT * FROM sentiment WHERE mention_id IN ({ids})", [since])
    con.execute(f"DELETE FROM sentiment WHERE mention_id IN ({ids})", [since])
    con.execute(f"DELETE FROM mentions WHERE mention_id IN ({ids})", [since])
    execute(
        con, "metrics/hourly", {"hours": day_hours([START + timedelta(days=i) for i in range(51)]), "run_id": "seed"}
    )


def _quarter_hour_runs(cfg, db, first: datetime, runs: int, hours: int) -> None:
    """15-minute watch runs ending ``first`` + 15 min, + 30 min, ...: each loads the held mentions of its quarter
    (:func:`_hold_back`), recomputes the ``hours`` hours from ``first`` and detects over its quarter and the 15
    minutes before."""
    for k in range(1, runs + 1):
        start, end = first + timedelta(minutes=15 * (k - 2)), first + timedelta(minutes=15 * k)
        with connect(db) as con, transaction(con):
            new = "SELECT mention_id FROM held_m WHERE created_at >= ? AND created_at < ?"
            quarter = [end - timedelta(minutes=15), end]
            con.execute(f"INSERT INTO mentions SELECT * FROM held_m WHERE mention_id IN ({new})", quarter)
            con.execute(f"INSERT INTO sentiment SELECT * FROM held_s WHERE mention_id IN ({new})", quarter)
            start_run(con, f"watch-{k}", INCIDENT, "watch")
            execute(
                con,
                "metrics/hourly",
                {"hours": [first + timedelta(hours=h) for h in range(hours)], "run_id": f"watch-{k}"},
            )
        incidents.detect_watch(cfg, db, start, end, f"watch-{k}")


def test_15_minute_runs_page_an_hour_once_and_the_next_hour_is_no_worse_than_it_ended(tmp_path):
    """The run ending 08:30 pages the 08:00 hour from its first 30 negatives; later runs flag that hour whole (60).
    The 09:00 hour's 25 negatives were 'getting worse', a second page, judged against the alert's first figures
    (30, major): they are judged against the hour's latest verdict (60, critical), as hourly runs judge them."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 85)})  # 08:00 60 negatives of 60, 09:00 25 of 60
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    with connect(db) as con, transaction(con):  # the storm's mentions arrive run by run
        _hold_back(con, eight)
    cfg = alerting_config(tmp_path, watch={"enabled": True, "interval_minutes": 15})
    _quarter_hour_runs(cfg, db, eight, 6, hours=2)  # runs ending 08:15 .. 09:30
    assert q(db, "SELECT hour, observed, severity FROM hourly_detections ORDER BY hour") == [
        (eight, 60, "critical"),
        (eight + timedelta(hours=1), 25, "critical"),
    ]
    assert q(db, "SELECT status, severity, observed FROM alerts WHERE kind = 'hourly_spike'") == [("new", "major", 30)]


def test_15_minute_runs_judge_an_hour_paged_with_the_hour_before_it_by_its_latest_verdict(tmp_path):
    """The run ending 08:15 pages the 08:00 hour's first quarter together with the 07:00 hour (a 07:00-08:15
    window, 17 negatives: neither was enough alone); later runs flag the 08:00 hour whole on its own (08:00-09:00,
    40). Its later quarters were judged against the first page's 17, not the hour's latest verdict (joined by the
    window's start, 07:00, which the hour's verdict no longer has): 08:00-08:45 paged again as 'getting worse',
    where hourly runs page the hour once (and a next hour of 26 negatives would have been worse than 17, not 40)."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 94)})  # the first 94 negative; moved below into the hours 07:00-09:59
    seven = datetime.combine(INCIDENT, time(7), tzinfo=UTC)
    at = {j: seven + timedelta(minutes=6 * j + 1) for j in range(9)}  # 07:00: 9 negatives of 30
    at |= {j: seven + timedelta(minutes=2 * i + 2) for i, j in enumerate(range(94, 115))}
    at |= {j: seven + timedelta(hours=1, minutes=1.8 * i) for i, j in enumerate(range(9, 17))}  # 08:00-08:15: 8
    at |= {j: seven + timedelta(hours=1, minutes=15 + 1.4 * i) for i, j in enumerate(range(17, 49))}  # 40 in all
    at |= {j: seven + timedelta(hours=2, minutes=1.1 * i) for i, j in enumerate([*range(49, 94), *range(115, 120)])}
    with connect(db) as con, transaction(con):  # the storm's mentions arrive run by run
        moved = {"n": [f"{INCIDENT}-{j}" for j in at], "t": list(at.values())}
        con.execute("UPDATE mentions SET created_at = m.at FROM (SELECT unnest($n) AS n, unnest($t) AS at) AS m"
                    " WHERE native_id = m.n", moved)  # fmt: skip
        _hold_back(con, seven)
    cfg = alerting_config(tmp_path, watch={"enabled": True, "interval_minutes": 15})
    _quarter_hour_runs(cfg, db, seven, 12, hours=3)  # runs ending 07:15 .. 10:00
    assert q(db, "SELECT hour, window_start, observed FROM hourly_detections ORDER BY hour") == [
        (seven + timedelta(hours=1), seven + timedelta(hours=1), 40),
        (seven + timedelta(hours=2), seven + timedelta(hours=2), 45),
    ]
    assert q(db, "SELECT status, observed, explanation->>'window_start' FROM alerts") == [
        ("new", 17, seven.isoformat())
    ]


def test_the_detect_step_covers_the_whole_window_the_run_recorded(tmp_path):
    """After runs skipped beside a night, the next run's window reaches back to the last success, and its detect
    step flags the hours of that whole window, not only the interval the run is scheduled for: the 08:00 incident
    is found by the 11:00 run when the 09:00 and 10:00 runs were skipped."""
    from pipeline import watch
    from pipeline.ledger import set_watch_window

    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (120, 85)})  # as above: 08:00 and 09:00 are hourly spikes
    eight = datetime.combine(INCIDENT, time(8), tzinfo=UTC)
    end = eight + timedelta(hours=3)
    with connect(db) as con, transaction(con):
        days = [START + timedelta(days=i) for i in range(51)]
        execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": "seed"})
        start_run(con, "watch-11", INCIDENT, "watch")
        set_watch_window(con, "watch-11", eight - timedelta(minutes=15), end)
    raised = watch.detect(alerting_config(tmp_path), db, end, "watch-11")
    flags = q(db, "SELECT hour, kind FROM hourly_detections ORDER BY hour")
    assert flags == [(eight, "hourly_spike"), (eight + timedelta(hours=1), "hourly_spike")]
    assert len(raised) == 1


def test_the_watch_command_prints_one_line_per_run(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    off = config(tmp_path, enabled=False)
    db = tmp_path / "w.duckdb"
    args = ["watch", "--from", "2026-10-13T08:00", "--to", "2026-10-13T10:00", "--config", str(off.source_file)]
    out = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert [r["end"] for r in lines] == [f"2026-10-13T{h:02d}:00:00+00:00" for h in (8, 9, 10)]
    assert {r["status"] for r in lines} == {"skipped"}
    bad = CliRunner().invoke(app, ["watch", "--at", "13 Oct", "--config", str(off.source_file)])
    assert bad.exit_code == 2 and "--at: '13 Oct' is not a time" in bad.output


@pytest.mark.parametrize("ending", ["stop", "error"])
def test_a_replay_ended_mid_way_says_from_which_run_to_carry_it_on(tmp_path, monkeypatch, ending):
    """SIGTERM, or an error, in the third run of ``brandpulse watch --from --to``: the two runs before it are done,
    so the line names the run to carry on from, as ``brandpulse run`` names the night; it said "the watch run in
    progress is marked interrupted" (or nothing, for an error), and the same command again replayed it whole."""
    from typer.testing import CliRunner

    from pipeline import interrupt, watch
    from pipeline.cli import app
    from pipeline.config import ConfigError

    ran = watch.run_watch

    def run_watch(config, db, end, **kwargs):
        if end.hour == 10:
            if ending == "stop":
                monkeypatch.setattr(interrupt, "_requested", ["SIGTERM"])  # as the signal handler does
                raise interrupt.Interrupted("stopped by SIGTERM")
            raise ConfigError("brandpulse.yaml: watch: a problem met mid-way")
        return ran(config, db, end, **kwargs)

    monkeypatch.setattr(watch, "run_watch", run_watch)
    off = config(tmp_path, enabled=False)
    args = ["watch", "--from", "2026-10-13T08:00", "--to", "2026-10-13T12:00", "--config", str(off.source_file)]
    out = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "w.duckdb")])
    carry = (
        "the runs ending 2026-10-13T08:00 to 2026-10-13T09:00 ran; run the same command with --from 2026-10-13T10:00 "
        "to carry on"
    )
    if ending == "stop":
        assert out.exit_code == 143, out.output
        assert out.output.splitlines()[-1] == (
            f"brandpulse: stopped by SIGTERM: the watch run in progress is marked interrupted; {carry}"
        )
    else:
        assert isinstance(out.exception, ConfigError), out.output
        assert out.output.splitlines()[-1] == (
            f"brandpulse: the run ending 2026-10-13T10:00 stopped on the error below; {carry} once it is mended"
        )


def test_a_replay_off_the_hour_runs_up_to_its_to(tmp_path):
    """--from 10:17 --to 12:00 stopped at the run ending 11:17 (12:17 is past --to): 11:17-12:00, the rest of --to's
    last hour, was never read. The last run ends at --to, once, and none past it."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    off = config(tmp_path, enabled=False)
    args = ["watch", "--from", "2026-10-13T10:17", "--to", "2026-10-13T12:00", "--config", str(off.source_file)]
    out = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "w.duckdb")])
    assert out.exit_code == 0, out.output
    runs = [json.loads(line) for line in out.output.splitlines()]
    assert [(r["start"][11:16], r["end"][11:16]) for r in runs] == [
        ("09:17", "10:17"),
        ("10:17", "11:17"),
        ("11:00", "12:00"),
    ]


def test_a_replay_from_a_mistyped_year_is_refused_before_any_run(tmp_path, monkeypatch):
    """A --from a decade early (2016 for 2026) ran some 87,000 watch runs, each reading every network source, before
    anyone noticed: a replay of more than a year is refused, naming how many runs it is, unless --long-range."""
    from typer.testing import CliRunner

    from pipeline import watch
    from pipeline.cli import app

    replays = []
    monkeypatch.setattr(watch, "run_watches", lambda cfg, db, first, last, **kw: replays.append((first, last)))
    off = config(tmp_path, enabled=False)
    args = ["watch", "--from", "2016-10-13T01:00", "--to", "2026-10-13T03:00", "--config", str(off.source_file)]
    out = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "w.duckdb")])
    assert out.exit_code == 2, out.output
    assert "is 87,651 watch runs, more than a year" in out.output and "--long-range" in out.output
    assert replays == []
    assert CliRunner().invoke(app, [*args, "--db", str(tmp_path / "w.duckdb"), "--long-range"]).exit_code == 0
    assert len(replays) == 1


@pytest.fixture(scope="module")
def watch_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    from tests.helpers import REPO

    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    return bag.get_dag("brandpulse_watch")


def test_watch_dag_wiring(watch_dag):
    assert watch_dag.timetable.expression == "0 * * * *" and watch_dag.max_active_runs == 1
    tasks = watch_dag.task_dict
    chain = ["prepare", "extract", "load", "score", "hourly_metrics", "detect", "send_alerts", "finish"]
    assert set(tasks) == set(chain)
    for before, after in itertools.pairwise(chain):
        assert tasks[after].upstream_task_ids == {before}
    assert tasks["load"].trigger_rule == "all_done"
    # a failed detect or score leaves the alerts on file to deliver (the night's held for quiet hours: their digest)
    assert tasks["send_alerts"].trigger_rule == "all_done"
    # three tries of a stalled source (and the waits between them) end before the run's timeout: the load lands
    # the other sources (the sources' deadline_s, 30 minutes, outlived the run's 55)
    extract = tasks["extract"]
    tries = (extract.retries + 1) * extract.execution_timeout + extract.retries * extract.retry_delay
    assert tries < watch_dag.dagrun_timeout == timedelta(minutes=55)
    # and a try cut short by that timeout is tried again (the nightly policy fails a timed-out task at once)
    assert extract.retry_policy.evaluate(AirflowTaskTimeout(), 1, 3).action != RetryAction.FAIL
    assert tasks["load"].retry_policy.evaluate(AirflowTaskTimeout(), 1, 2).action == RetryAction.FAIL


@pytest.mark.parametrize(
    ("minutes", "cron"), [("15", "*/15 * * * *"), ("120", "0 */2 * * *"), ("45", None), ("0", None), ("5", None)]
)  # 0 divided a day by zero
def test_watch_interval_from_the_environment(monkeypatch, minutes, cron):
    import runpy

    from tests.helpers import REPO

    monkeypatch.setenv("BRANDPULSE_WATCH_INTERVAL_MINUTES", minutes)
    path = str(REPO / "dags" / "brandpulse_watch.py")
    if cron is None:
        with pytest.raises(ValueError, match="BRANDPULSE_WATCH_INTERVAL_MINUTES: must divide a day"):
            runpy.run_path(path)
    else:
        assert runpy.run_path(path)["SCHEDULE"] == cron


def test_a_worker_that_parsed_the_watch_dag_with_another_interval_fails_the_run_at_prepare(
    watch_dag, airflow_db, tmp_path, monkeypatch
):
    """A worker parses the DAG file again to run a task, and its extract tasks take their timeout (a quarter of the
    run's) from $BRANDPULSE_WATCH_INTERVAL_MINUTES as the worker reads it: set for 15 minutes on the scheduler
    only, a worker's extract got 13m45s a try against the run's 10 minutes, and a stalled source outlived the run
    (no source landed). The run's prepare now fails, naming the variable, when the worker's value is not the run's
    interval (here: the scheduler's hourly runs, a worker that read 15)."""
    cfg = config(tmp_path, enabled=False)  # before the check, the run skipped and succeeded
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(cfg.source_file))
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setitem(watch_dag.task_dict["prepare"].python_callable.__globals__, "INTERVAL_MINUTES", 15)
    run = watch_dag.test(logical_date=MIDNIGHT + timedelta(hours=12))
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) in ("failed", "DagRunState.FAILED") and states["prepare"].endswith("failed"), states
    with pytest.raises(ConfigError, match=r"BRANDPULSE_WATCH_INTERVAL_MINUTES: is 15 in this worker's environment"):
        check_interval(cfg, MIDNIGHT, MIDNIGHT + timedelta(hours=1), parsed=15)


def test_watch_dag_runs_against_the_replay_server_and_skips_beside_a_night(
    watch_dag, airflow_db, tmp_path, sample_replay, monkeypatch
):
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(cfg.source_file))
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    end = MIDNIGHT + timedelta(hours=12)
    sample.mount(sample_replay, until=end)
    run = watch_dag.test(logical_date=end)
    assert str(run.state) in ("success", "DagRunState.SUCCESS")
    assert run.data_interval_end - run.data_interval_start == timedelta(hours=1)
    [(run_id, trigger, status)] = q(db, "SELECT run_id, trigger, status FROM pipeline_runs")
    assert (run_id, trigger, status) == (f"watch__{run.run_id}", "watch", "success")
    [(within,)] = q(db, "SELECT deadline_at - started_at FROM pipeline_runs")  # Airflow stops it after 55 minutes
    assert timedelta(minutes=54) < within <= timedelta(minutes=55)
    steps = dict(q(db, f"SELECT step, count(*) FROM run_steps WHERE run_id = '{run_id}' GROUP BY ALL"))
    assert steps == {"extract": 4, "load": 1, "score": 1, "hourly_metrics": 1, "detect": 1, "send_alerts": 1}
    assert q(db, "SELECT count(*) > 0 FROM hourly_brand_metrics") == [(True,)]

    with connect(db) as con:  # a night is running, under the Airflow run id the watch run has (both are due at
        start_run(con, run.run_id, DAY, "airflow")  # 02:00 on schedule): its own row, not merged into the watch's
    again = watch_dag.test(logical_date=end + timedelta(hours=1))
    assert str(again.state) in ("success", "DagRunState.SUCCESS")
    skipped = q(db, "SELECT status FROM pipeline_runs WHERE trigger = 'watch' ORDER BY started_at")
    assert skipped == [("success",), ("skipped",)]
    assert q(db, f"SELECT trigger, status FROM pipeline_runs WHERE run_id = '{run.run_id}'") == [("airflow", "running")]
    assert q(db, "SELECT count(*) FROM run_steps WHERE step = 'load'") == [(1,)]  # the skipped run wrote nothing


def test_the_nights_spike_updates_an_incident_the_watch_opened_after_midnight(tmp_path):
    """A storm that began late on the day: the watch pages for 00:00-01:00 the next day, before the night of
    the day runs at 02:00; the night's spike is an update of that incident, delivered after it, not a second
    'new' page."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = alerting_config(tmp_path)
    after_midnight = datetime.combine(INCIDENT + timedelta(days=1), time(0), tzinfo=UTC)
    aid = incidents.window_alert_id("parcelo", "hourly_spike", after_midnight)
    fields = {
        "alert_id": aid,
        "incident_id": aid,
        "brand": "parcelo",
        "kind": "hourly_spike",
        "status": "new",
        "day": after_midnight.date(),
        "severity": "major",
        "headline": "Parcelo: negative spike today",
        "reason": "constructed",
        "observed": 30,
        "expected": 5.0,
        "explanation": "{}",
        "send": True,
        "run_id": "watch-1",
    }
    with connect(db) as con, transaction(con):
        incidents._record_alert(con, fields)
    [night] = incidents.detect(cfg, db, INCIDENT, "night")
    assert q(db, "SELECT alert_id, kind, status, incident_id FROM alerts ORDER BY created_at") == [
        (aid, "hourly_spike", "new", aid),
        (night, "spike", "update", aid),
    ]
    with connect(db, read_only=True) as con:
        params = {
            "channels": ["slack"],
            "alert_id": None,
            "since": INCIDENT,
            "hourly": list(delivery.HOURLY_KINDS),
            "brands": ["parcelo"],
        }
        order = execute(con, "alerts/pending_deliveries", params).fetchall()
    assert [r[0] for r in order] == [aid, night]  # the watch's page first, although its day is the later one


def test_the_nights_spike_updates_the_page_of_its_own_day_not_the_next_days_incident(tmp_path):
    """With alerting.cooldown_days 0, each day's storm is an incident of its own: the watch paged at 19:00 for the
    day, then a storm of the next day at 00:00. The night of the day (run after midnight) is an update of the
    day's own page, not of the next day's incident (whose thread got the day's figures)."""
    db = tmp_path / "w.duckdb"
    seed(db, 51, {INCIDENT: (75, 50)})
    cfg = alerting_config(tmp_path, cooldown_days=0)
    evening, after_midnight = (
        datetime.combine(INCIDENT + timedelta(days=d), time(h), tzinfo=UTC) for d, h in ((0, 19), (1, 0))
    )
    pages = [incidents.window_alert_id("parcelo", "hourly_spike", start) for start in (evening, after_midnight)]
    with connect(db) as con, transaction(con):
        for aid, start in zip(pages, (evening, after_midnight), strict=True):  # each its own incident
            _alert_on_file(con, "parcelo", aid, "hourly_spike", "new", start.date(), "major", 30)
        con.execute("UPDATE alerts SET incident_id = alert_id")
    [night] = incidents.detect(cfg, db, INCIDENT, "night")
    assert q(db, f"SELECT status, incident_id FROM alerts WHERE alert_id = '{night}'") == [("update", pages[0])]


def test_alerts_recorded_in_one_transaction_keep_the_order_they_were_raised_in(tmp_path):
    """One watch run may raise an incident's 'new' and its 'worse' (late data flags the hour before): the
    'worse' must never be delivered first, so each alert's created_at is its own moment, not the run's."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    base = {"brand": "parcelo", "kind": "hourly_spike", "severity": "minor", "headline": "h", "reason": "r"}
    base |= {"observed": 1, "expected": 1.0, "explanation": "{}", "send": True, "run_id": "watch-1", "day": DAY}
    ids = [f"{i:016x}" for i in range(5, 0, -1)]  # ids sorted the other way round from the order raised
    with connect(db) as con, transaction(con):
        for i, aid in enumerate(ids):
            incidents._record_alert(
                con, {**base, "alert_id": aid, "incident_id": ids[0], "status": "worse" if i else "new"}
            )
    with connect(db, read_only=True) as con:
        params = {
            "channels": ["slack"],
            "alert_id": None,
            "since": DAY,
            "hourly": list(delivery.HOURLY_KINDS),
            "brands": ["parcelo"],
        }
        order = execute(con, "alerts/pending_deliveries", params).fetchall()
        # an hourly alert's age counts from its window's end, which may be the next day (a 23:00 window seen at
        # 00:10): the day after, with alerting.max_age_days 0, it is still sent; a day later it is not
        late = execute(con, "alerts/pending_deliveries", params | {"since": DAY + timedelta(days=1)}).fetchall()
        gone = execute(con, "alerts/pending_deliveries", params | {"since": DAY + timedelta(days=2)}).fetchall()
    assert [r[0] for r in order] == ids and [r[0] for r in late] == ids and gone == []


def test_a_watch_run_reads_the_hours_no_run_read_since_the_last_success(tmp_path):
    """Runs skipped beside a night (or failed) leave hours unread: the next run reads from where the last
    successful run ended (less the overlap), at most six hours back; the window is recorded and every step
    uses it."""
    from pipeline import watch
    from pipeline.ledger import set_watch_window

    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    overlap = timedelta(minutes=cfg.watch.overlap_minutes)
    with connect(db) as con:
        migrate(con)

    def succeeded(run_id, end):
        with connect(db) as con:
            start_run(con, run_id, end.date(), "watch")
            set_watch_window(con, run_id, end - timedelta(hours=1) - overlap, end)
            con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = ?", [run_id])

    def read_from(end, run_id):
        [job, *_] = prepare(cfg, db, end, run_id)
        assert all(j["read_from"] == job["read_from"] for j in _)
        recorded = watch.read_from(cfg, db, run_id, end)
        assert recorded.isoformat() == job["read_from"]  # what extract, hourly_metrics and detect use
        return recorded

    one = MIDNIGHT + timedelta(hours=1)
    succeeded("watch-01", one)
    assert read_from(one + timedelta(hours=1), "watch-02") == one - overlap  # the usual window: no gap
    # 02:00 and 03:00 skipped beside the night (not successes): 04:00 reads from 01:00
    assert read_from(one + timedelta(hours=3), "watch-04") == one - overlap
    # after a long outage, at most six hours back
    far = one + timedelta(hours=10)
    assert read_from(far, "watch-11") == far - timedelta(hours=6) - overlap


@pytest.mark.parametrize("minutes", [480, 720, 1440])
def test_after_a_skipped_run_an_interval_longer_than_the_catch_up_is_still_read_whole(tmp_path, minutes):
    """The catch-up (six hours at most) only ever reads more than the run's own interval, never less: a run of an
    8-, 12- or 24-hour interval after a skipped one read its last six hours alone, and the hours before them went
    unread, uncounted and untested by the watch."""
    from pipeline import watch
    from pipeline.ledger import set_watch_window

    cfg, db = config(tmp_path, interval_minutes=minutes), tmp_path / "w.duckdb"
    step, overlap = timedelta(minutes=minutes), timedelta(minutes=cfg.watch.overlap_minutes)
    end = MIDNIGHT + timedelta(days=1)
    with connect(db) as con:
        migrate(con)
        start_run(con, "watch-ok", DAY, "watch")  # the last success ended two intervals ago: the run between skipped
        set_watch_window(con, "watch-ok", end - 3 * step - overlap, end - 2 * step)
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 'watch-ok'")
    jobs = prepare(cfg, db, end, "watch-now")
    assert {j["read_from"] for j in jobs} == {(end - step - overlap).isoformat()}
    assert watch.read_from(cfg, db, "watch-now", end) == end - step - overlap


def test_after_skipped_hours_each_source_reads_from_the_last_success_not_its_usual_hour(tmp_path, monkeypatch, caplog):
    """What prepare put in each job (``read_from``) is what the source reads: after the runs of 02:00 and 03:00
    were skipped, the run of 04:00 reads from 01:00 (the last success's end, less the overlap), not its own hour
    alone, which left 01:00 to 03:00 unread; it says so, and a run that reads its usual window does not."""
    from pipeline import staging

    windows = []
    cfg, db = _with_sources(tmp_path, [HN])
    overlap = timedelta(minutes=cfg.watch.overlap_minutes)
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Quiet(windows))
    one, four = MIDNIGHT + timedelta(hours=1), MIDNIGHT + timedelta(hours=4)
    with caplog.at_level(logging.INFO, logger="brandpulse"):
        first = run_watch(cfg, db, one, now=one + timedelta(minutes=1))
        assert first["status"] == "success" and "covering from" not in caplog.text
        later = run_watch(cfg, db, four, now=four + timedelta(minutes=1))
    assert later["status"] == "success"
    said = f"watch {later['run_id']}: covering from 2026-10-13 00:45 UTC, where the last successful run ended"
    assert said in caplog.text
    assert windows == [(MIDNIGHT - overlap, one), (one - overlap, four)]


def test_a_run_after_a_gap_longer_than_the_catch_up_says_where_the_last_success_ended(tmp_path, monkeypatch, caplog):
    """The watch re-enabled after a week reads six hours back: it said it covered from 18:45 "where the last
    successful run ended", which had ended a week before, hiding that the hours between went unread by the watch."""
    from pipeline import staging

    cfg, db = _with_sources(tmp_path, [HN])
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Quiet())
    one, week = MIDNIGHT + timedelta(hours=1), MIDNIGHT + timedelta(days=7, hours=1)
    assert run_watch(cfg, db, one, now=one)["status"] == "success"
    with caplog.at_level(logging.INFO, logger="brandpulse"):
        later = run_watch(cfg, db, week, now=week)
    assert later["read_from"] == "2026-10-19T18:45:00+00:00"
    assert "where the last successful run ended" not in caplog.text
    assert (
        "covering from 2026-10-19 18:45 UTC, 6 hours back at most: the last successful run ended 2026-10-13 01:00 UTC"
        in caplog.text
    )


def test_the_run_of_the_last_hour_of_a_day_is_that_days_run(tmp_path, monkeypatch):
    """The run that ends at midnight covers 23:00 to 24:00 of the day before: it is that day's run, in the ledger and
    in the staging area (the UTC day its interval starts on), not the next day's, whose night has not begun."""
    from pipeline import staging

    cfg, db = _with_sources(tmp_path, [HN])
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Quiet())
    result = run_watch(cfg, db, MIDNIGHT, now=MIDNIGHT + timedelta(minutes=1))
    assert result["status"] == "success"
    before = DAY - timedelta(days=1)
    assert q(db, "SELECT day FROM pipeline_runs") == [(before,)]
    assert [p.name for p in (tmp_path / "staging").iterdir()] == [before.isoformat()]


def test_one_source_down_does_not_make_the_others_re_read_the_hours_since_the_last_success(tmp_path):
    """Hacker News fails from 02:00 on, so every run is partial, not successful: the other sources read their
    usual window each hour (their last read landed: their extract step succeeded in the partial run), while
    Hacker News reads from where it last read, and the run's own window (hourly metrics, detection) goes back to
    the last successful run."""
    from pipeline import ledger, watch

    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    overlap = timedelta(minutes=cfg.watch.overlap_minutes)
    one = MIDNIGHT + timedelta(hours=1)
    with connect(db) as con:
        migrate(con)
        for run_id, end, hn in (("watch-01", one, "success"), ("watch-02", one + timedelta(hours=1), "failed")):
            start_run(con, run_id, end.date(), "watch")
            ledger.set_watch_window(con, run_id, end - timedelta(hours=1) - overlap, end)
            steps = [dict(step="extract", brand="parcelo", source=s, status="success") for s in SOURCES if s != "hn"]
            ledger.record_steps(con, run_id, [*steps, dict(step="extract", brand="parcelo", source="hn", status=hn)])
            con.execute(
                "UPDATE pipeline_runs SET status = ? WHERE run_id = ?",
                ["success" if hn == "success" else "partial", run_id],
            )
    end = one + timedelta(hours=2)
    jobs = {j["source"]: j["read_from"] for j in prepare(cfg, db, end, "watch-03")}
    usual = (end - timedelta(hours=1) - overlap).isoformat()
    assert jobs == {s: usual if s != "hn" else (one - overlap).isoformat() for s in SOURCES}
    assert watch.read_from(cfg, db, "watch-03", end) == one - overlap  # the run's window: from the last success
    # the run cleared in Airflow after its load landed every source: its re-run reads what it read, not less
    with connect(db) as con:
        ledger.record_steps(con, "watch-03", [dict(step="extract", brand="parcelo", source=s) for s in SOURCES])
    assert {j["source"]: j["read_from"] for j in prepare(cfg, db, end, "watch-03")} == jobs


def test_a_late_row_a_watch_run_loads_into_a_day_its_night_counted_is_counted_with_no_look_back(
    tmp_path, monkeypatch, scorer
):
    """``lookback_days: 0``: after the night of 10-13 counted one mention, the watch run of 03:00 catches up from
    the last successful run (22:00) and loads a post of 23:50 that reached Hacker News late. The next night checked
    no earlier day for stale metrics (its look-back: none), so 10-13 kept volume 1 beside 2 mentions for good."""
    from pipeline import staging
    from pipeline.records import Record

    cfg, db = _with_sources(tmp_path, [{**HN, "lookback_days": 0}])
    visible = [MIDNIGHT + timedelta(hours=10)]  # the created_at of each story the source returns now

    class Stories:
        spec = cfg.brands[0].sources[0]

        def fetch(self, window):
            self.state = {}
            for i, at in enumerate(visible):
                if window.start <= at < window.end:
                    mid, text = f"hn-{i}", f"Parcelo lost my parcel {i}"
                    yield Record(mid, "parcelo", "hn", "hackernews", mid, "mention", text, at.isoformat())

    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Stories())
    end = MIDNIGHT + timedelta(hours=22)
    assert run_watch(cfg, db, end, scorer=scorer, now=end)["status"] == "success"
    assert run_day(cfg, db, DAY, scorer=scorer, today=DAY)["status"] == "success"
    visible.append(MIDNIGHT + timedelta(hours=23, minutes=50))
    end = MIDNIGHT + timedelta(days=1, hours=3)
    assert run_watch(cfg, db, end, scorer=scorer, now=end)["new_mentions"] == 1
    assert run_day(cfg, db, DAY + timedelta(days=1), scorer=scorer, today=DAY)["status"] == "success"
    volume = f"SELECT volume FROM daily_brand_metrics WHERE day = '{DAY}' AND source = '_all'"
    assert q(db, volume) == q(db, f"SELECT count(*) FROM mentions WHERE day = '{DAY}'") == [(2,)]


def test_a_late_reject_the_0100_watch_run_quarantines_first_is_filed_under_its_own_day_by_the_night(
    tmp_path, monkeypatch
):
    """A bad Hacker News hit of 23:50 that shows up after midnight: the 01:00 watch run (the next day's) reads it
    first and quarantines it under the next day; the night of its own day then reads it too, and it is filed under
    that day, as a night-only run files it (the earliest day a run read it for, whatever the order)."""
    from pipeline import staging
    from pipeline.records import Reject

    cfg, db = _with_sources(tmp_path, [HN])
    late = MIDNIGHT + timedelta(hours=23, minutes=50)

    class BadHit:
        spec = cfg.brands[0].sources[0]

        def fetch(self, window):
            self.state = {}
            if window.start <= late < window.end:
                yield Reject.of("parcelo", "hn", "hit has no objectID", json.dumps({"created_at_i": 0}), content="x")

    monkeypatch.setattr(staging, "build_source", lambda c, b, s: BadHit())
    end = MIDNIGHT + timedelta(days=1, hours=1)
    assert run_watch(cfg, db, end, now=end)["quarantined"] == 1
    assert q(db, "SELECT day FROM quarantine") == [(DAY + timedelta(days=1),)]
    assert run_day(cfg, db, DAY, today=DAY)["status"] == "success"
    assert q(db, "SELECT day, run_id LIKE 'watch%' FROM quarantine") == [(DAY, True)]  # first seen by the watch


def _alert_on_file(con, brand: str, aid: str, kind: str, status: str, day: date, severity: str, observed: int):
    fields = {"alert_id": aid, "incident_id": "h1", "brand": brand, "kind": kind, "status": status, "day": day,
              "severity": severity, "headline": "h", "reason": "r", "observed": observed, "expected": 1.0,
              "explanation": "{}", "send": True, "run_id": "r"}  # fmt: skip
    incidents._record_alert(con, fields)


def test_worse_and_update_compare_alerts_on_the_same_scale(tmp_path):
    """An hourly alert is worse than the incident's hourly alerts, not than the night's update (a daily z, another
    scale); the night's spike is an update only of a watch page of its own day, and days later it must be worse."""
    import pandas as pd

    from pipeline.detect import Spike
    from pipeline.detect_hourly import IntradaySpike

    cfg = alerting_config(tmp_path)
    brand, db = cfg.brands[0], tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    with connect(db) as con, transaction(con):
        _alert_on_file(con, brand.key, "h1", "hourly_spike", "new", INCIDENT, "critical", 50)  # the watch's page
        _alert_on_file(con, brand.key, "n1", "spike", "update", INCIDENT, "minor", 60)  # the night's update

    def hourly(severity: str, observed: int, start: str):
        s = pd.Timestamp(start, tz="UTC")
        numbers = (3.0, 40, 0.5, 0.1, 1e-3, 1e-5, 5.0)  # expected, volume, share, baseline share, p count/share, z
        return IntradaySpike("hourly_spike", s, s, s + pd.Timedelta(hours=1), 1, observed, *numbers, severity, "r")

    nxt = INCIDENT + timedelta(days=1)
    with connect(db) as con, transaction(con):  # a major spike of 20 after a critical one of 50: not worse
        assert incidents._hourly_alert(con, cfg, brand, hourly("major", 20, f"{nxt} 09:00"), True, "w1") is None
    later = INCIDENT + timedelta(days=3)  # the night three days on flags a minor spike: no "the day in full" update
    small = Spike(later, 9, 3.0, 40, 0.22, 0.1, 1e-3, 1e-4, 3.1, "minor", "r", 1)
    with connect(db) as con, transaction(con):
        # an incident where the night has not alerted yet (with the night's update on file, that is what it compares
        # with: its own scale; its day is a flagged day of the incident, the chain reaches it)
        con.execute("DELETE FROM alerts WHERE alert_id = 'n1'")
        assert incidents._spike_alert(con, cfg, brand, later, small, [later], True, "n") is None
        # nor a critical one when the watch paged critical before a lower-severity 'worse' (a higher count)
        _alert_on_file(con, brand.key, "h2", "hourly_spike", "worse", INCIDENT + timedelta(days=1), "major", 80)
        big = Spike(later, 90, 20.0, 120, 0.75, 0.2, 1e-6, 1e-6, 6.0, "critical", "r", 1)
        assert incidents._spike_alert(con, cfg, brand, later, big, [later], True, "n") is None
    with connect(db) as con, transaction(con):  # the night of the watch's own day: an update
        same = Spike(INCIDENT, 60, 20.0, 80, 0.75, 0.3, 1e-6, 1e-6, 6.0, "critical", "r", 1)
        aid = incidents._spike_alert(con, cfg, brand, INCIDENT, same, [INCIDENT], True, "n2")
        assert con.execute("SELECT status, incident_id FROM alerts WHERE alert_id = ?", [aid]).fetchall() == [
            ("update", "h1")
        ]


STORM = [INCIDENT + timedelta(days=i) for i in range(10)]
AGAIN = INCIDENT + timedelta(days=15)  # after five quiet days


@pytest.mark.parametrize("nights", [False, True], ids=["watch", "watch-and-nights"])
def test_a_storm_flagged_every_day_pages_once_until_a_quiet_gap_longer_than_the_cooldown(tmp_path, nights):
    """A storm the watch flags every morning for ten days (cooldown 3) is one incident: 'new' once, 'worse' on the
    day it worsens, nothing on the days it is not worse, although its alerts end up more than the cooldown apart
    (the incident is the chain of flagged days: the watch's flagged hours are recorded). After five quiet days, a
    storm is a new incident. With the nights run too, the night of each day the watch paged (new, then worse)
    updates that page: no second 'worse'."""
    db, worst = tmp_path / "w.duckdb", STORM[6]
    days = (AGAIN - START).days + 1
    seed(db, days, {**{d: (50, 18) for d in [*STORM, AGAIN]}, worst: (75, 50)})  # mentions at 08:00-09:15
    with connect(db) as con, transaction(con):
        hours = day_hours([START + timedelta(days=i) for i in range(days)])
        execute(con, "metrics/hourly", {"hours": hours, "run_id": "seed"})
    cfg = alerting_config(tmp_path, cooldown_days=3)

    def watch(day):
        eight = datetime.combine(day, time(8), tzinfo=UTC)
        with connect(db) as con:
            start_run(con, f"watch-{day}", day, "watch")
        incidents.detect_watch(cfg, db, eight - timedelta(minutes=15), eight + timedelta(hours=2), f"watch-{day}")

    for day in (INCIDENT + timedelta(days=i) for i in range((AGAIN - INCIDENT).days + 1)):
        watch(day)
        if nights:
            incidents.detect(cfg, db, day, f"night-{day}")
    flagged = "SELECT day, count(*) FROM hourly_detections GROUP BY day ORDER BY day"
    recorded = q(db, flagged)
    assert [d for d, _ in recorded] == [*STORM, AGAIN]  # every storm morning flagged, and recorded
    watch(STORM[3])  # a re-run replaces its hours' verdicts
    assert q(db, flagged) == recorded

    first, again = (
        incidents.window_alert_id("parcelo", "hourly_spike", datetime.combine(d, time(8), tzinfo=UTC))
        for d in (INCIDENT, AGAIN)
    )
    paged = [
        (INCIDENT, "hourly_spike", "new", first),
        *([(INCIDENT, "spike", "update", first)] if nights else []),
        (worst, "hourly_spike", "worse", first),
        *([(worst, "spike", "update", first)] if nights else []),
        (AGAIN, "hourly_spike", "new", again),
    ]
    assert q(db, "SELECT day, kind, status, incident_id FROM alerts WHERE kind <> 'shift' ORDER BY created_at") == paged


def test_an_incident_chains_through_either_detectors_flags(tmp_path):
    """An incident is the brand's chain of flagged days, whichever detector flagged them. The watch pages on day
    0; the night alone flags days 1-4 (detections): the watch's flag on day 6 is not 'new'. The watch alone flags
    days 7-12 (hourly_detections): the night's spike on day 12, its detector's first flag, is not 'new' either,
    and 'worse' only above the incident's highest hourly severity. Four quiet days later, a flag opens an
    incident of its own."""
    import pandas as pd

    from pipeline.detect import Spike
    from pipeline.detect_hourly import IntradaySpike

    cfg = alerting_config(tmp_path, cooldown_days=3)
    brand, db = cfg.brands[0], tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)

    def on(i: int) -> date:
        return INCIDENT + timedelta(days=i)

    def hourly(i: int, severity: str = "minor"):
        s = pd.Timestamp(datetime.combine(on(i), time(9), tzinfo=UTC))
        numbers = (3.0, 40, 0.5, 0.1, 1e-3, 1e-5, 5.0)  # expected, volume, share, baseline share, p count/share, z
        return IntradaySpike("hourly_spike", s, s, s + pd.Timedelta(hours=1), 1, 20, *numbers, severity, "r")

    def watch_flags(con, i: int) -> list:  # what detect_watch records of a flagged hour before its alert
        spike = hourly(i)
        incidents._record_flags(con, brand.key, [spike.period.to_pydatetime()], [spike], "w")
        return spike

    def nightly(i: int, severity: str) -> Spike:
        return Spike(on(i), 30, 5.0, 60, 0.5, 0.1, 1e-6, 1e-6, 6.0, severity, "r", 1)

    with connect(db) as con, transaction(con):
        _alert_on_file(con, brand.key, "h1", "hourly_spike", "new", on(0), "major", 20)  # the watch's page
        for i in range(1, 5):  # the night's flags
            s = nightly(i, "minor")
            numbers = {k: getattr(s, k) for k in ("observed", "expected", "volume", "share", "baseline_share")}
            numbers |= {"p_count": s.p_count, "p_share": s.p_share, "z": s.z, "severity": s.severity}
            execute(con, "alerts/save_detection", {"brand": brand.key, "day": on(i), "flagged": True, "reason": "r",
                                                  "run_id": "n", **numbers})  # fmt: skip
        assert incidents._hourly_alert(con, cfg, brand, watch_flags(con, 6), True, "w") is None  # two days on
        for i in range(7, 13):
            watch_flags(con, i)
        assert incidents._spike_alert(con, cfg, brand, on(12), nightly(12, "major"), [on(12)], True, "n") is None
        worse = incidents._spike_alert(con, cfg, brand, on(12), nightly(12, "critical"), [on(12)], True, "n")
        anew = incidents._hourly_alert(con, cfg, brand, watch_flags(con, 16), True, "w")
    assert q(db, "SELECT alert_id, status, incident_id FROM alerts WHERE alert_id <> 'h1' ORDER BY day") == [
        (worse, "worse", "h1"),
        (anew, "new", anew),
    ]


def test_a_watch_run_that_raises_is_closed_failed_not_left_running(tmp_path, sample_replay):
    """An error the run cannot go on from (here the model itself) closes the run as failed: left running, it stood
    for a run in progress in the ledger for good."""
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    end = MIDNIGHT + timedelta(hours=13)
    sample.mount(sample_replay, until=end)

    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("the model broke")

    with pytest.raises(RuntimeError, match="the model broke"):
        run_watch(cfg, db, end, scorer=Broken(), today=DAY)
    assert q(db, "SELECT trigger, status FROM pipeline_runs") == [("watch", "failed")]


def test_a_watch_run_that_fails_in_its_prepare_after_registering_is_closed_too(tmp_path):
    """Registered, then its staging folder cannot be made (here a file where the folder should be; a store that
    times out also fails prepare): the run is closed failed, the error naming the setting and the run's folder.
    Left running, the next night waited for it."""
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    (tmp_path / "staging").write_text("not a folder")
    with pytest.raises(ConfigError) as err:
        run_watch(cfg, db, MIDNIGHT + timedelta(hours=13), today=DAY)
    assert q(db, "SELECT trigger, status FROM pipeline_runs") == [("watch", "failed")]
    (run_id,) = q(db, "SELECT run_id FROM pipeline_runs")[0]
    folder = stage_dir(cfg, DAY, run_id)
    assert folder.parent == tmp_path / "staging" / DAY.isoformat()
    assert str(err.value) == f"{cfg.source_file}: staging_dir: cannot create the folder {folder}: Not a directory"


def _flag(kind: str, day: date, hour: int = 9, severity: str = "minor", observed: int = 20):
    """An intraday detector's flag of one hour on ``day`` (a one-hour window), as detect_intraday gives it."""
    import pandas as pd

    from pipeline.detect_hourly import IntradaySpike

    s = pd.Timestamp(datetime.combine(day, time(hour), tzinfo=UTC))
    negative = kind == "hourly_spike"  # expected, volume, share, baseline share, p count/share, z:
    numbers = (3.0, 40 if negative else observed, 0.5, 0.1, 1e-3, 1e-5 if negative else None, 5.0)
    return IntradaySpike(kind, s, s, s + pd.Timedelta(hours=1), 1, observed, *numbers, severity, "r")


def _watch_sees(con, cfg, flag) -> str | None:
    """What detect_watch does with one flagged hour: record it, then decide its alert (the new alert's id)."""
    incidents._record_flags(con, cfg.brands[0].key, [flag.period.to_pydatetime()], [flag], "w")
    return incidents._hourly_alert(con, cfg, cfg.brands[0], flag, True, "w")


def _night_sees(con, cfg, day: date, severity: str) -> str | None:
    """What the night's detect does with a spike on ``day`` (recorded, then decided)."""
    from pipeline.detect import Spike

    spike = Spike(day, 30, 5.0, 60, 0.5, 0.1, 1e-6, 1e-6, 6.0, severity, "r", 1)
    fields = {k: getattr(spike, k) for k in ("observed", "expected", "volume", "share", "baseline_share", "z")}
    fields |= {"p_count": spike.p_count, "p_share": spike.p_share, "severity": severity, "reason": "r"}
    execute(con, "alerts/save_detection", {"brand": "parcelo", "day": day, "flagged": True, "run_id": "n", **fields})
    return incidents._spike_alert(con, cfg, cfg.brands[0], day, spike, [day], True, "n")


@pytest.mark.parametrize("detector", ["watch", "night"])
def test_volume_flags_keep_no_negative_storm_going(tmp_path, detector):
    """A surge of mentions (volume_spike: a launch, a happy viral thread) is no sign that a negative storm goes on.
    The watch pages a negative storm on day 0; volume flags every other day follow (a surge during the storm
    belongs to it: no page), but they do not chain the storm on: a negative flag on day 9 as bad as day 0's (the
    watch's, or the night's) is a new incident, not 'not worse'. A negative flag after a volume page the same day
    is not taken into the volume incident either: it pages, as a negative storm of its own (the night's spike is
    no 'update' of a volume page)."""
    cfg = alerting_config(tmp_path, cooldown_days=3)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)

    def on(i: int) -> date:
        return INCIDENT + timedelta(days=i)

    def negative(con, i: int, severity: str, hour: int = 9) -> str | None:
        if detector == "watch":
            return _watch_sees(con, cfg, _flag("hourly_spike", on(i), hour, severity))
        return _night_sees(con, cfg, on(i), severity)

    with connect(db) as con, transaction(con):
        first = _watch_sees(con, cfg, _flag("hourly_spike", on(0), severity="major"))
        assert [_watch_sees(con, cfg, _flag("volume_spike", on(i), observed=150)) for i in (2, 4, 6, 8)] == [None] * 4
        second = negative(con, 9, "major")
        viral = _watch_sees(con, cfg, _flag("volume_spike", on(20), 8, "critical", observed=900))
        third = negative(con, 20, "minor")
    kind = "hourly_spike" if detector == "watch" else "spike"
    assert q(db, "SELECT alert_id, kind, status, incident_id FROM alerts ORDER BY created_at") == [
        (first, "hourly_spike", "new", first),
        (second, kind, "new", second),
        (viral, "volume_spike", "new", viral),
        (third, kind, "new", third),
    ]


def test_a_replayed_hour_joins_the_incident_a_later_hour_paged_the_next_day(tmp_path):
    """A storm the watch paged from 00:00 (its flagged window starting that day); a replay of the evening before
    (``brandpulse watch --from``, or the hour re-read with late mentions) now flags 23:00: the same storm, chained
    by the flagged days forward as the night's re-run is (incidents._chain_end), not a second 'new' page."""
    cfg = alerting_config(tmp_path, cooldown_days=3)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    with connect(db) as con, transaction(con):
        paged = _watch_sees(con, cfg, _flag("hourly_spike", INCIDENT + timedelta(days=1), 0, "major", observed=40))
    with connect(db) as con, transaction(con):
        assert _watch_sees(con, cfg, _flag("hourly_spike", INCIDENT, 23, "minor", observed=20)) is None
    assert q(db, "SELECT status, incident_id FROM alerts") == [("new", paged)]


def test_an_incident_is_read_back_two_weeks(tmp_path):
    """A chain of flagged days is read back two weeks at most (incidents.INCIDENT_DAYS): a storm the watch flags
    every day, critical on day 0 and minor after, pages 'new' once and stays silent for two weeks; still flagged on
    day 15, it pages 'new' again (a page older than two weeks no longer silences it), and its next flags belong
    to that incident. In an incident that paged within two weeks, 'worse' is measured against its pages of those
    two weeks: a critical storm 20 days after a critical page is worse than the minor 'worse' of day 10, for the
    watch and for the night alike."""
    cfg = alerting_config(tmp_path, cooldown_days=3)

    def storm(name: str, flags: list[tuple[str, int]], night: str | None = None) -> list[str | None]:
        db = tmp_path / f"{name}.duckdb"
        with connect(db) as con:
            migrate(con)
        with connect(db) as con, transaction(con):
            day = (INCIDENT + timedelta(days=i) for i in itertools.count())
            raised = [_watch_sees(con, cfg, _flag("hourly_spike", next(day), severity=s, observed=n)) for s, n in flags]
            return raised + ([_night_sees(con, cfg, next(day), night)] if night else [])

    raised = storm("quiet", [("critical", 20), *[("minor", 20)] * 16])
    assert [i for i, aid in enumerate(raised) if aid] == [0, 15]
    assert q(tmp_path / "quiet.duckdb", "SELECT day, status, incident_id FROM alerts ORDER BY day") == [
        (INCIDENT, "new", raised[0]),
        (INCIDENT + timedelta(days=15), "new", raised[15]),
    ]
    before = [("critical", 20), *[("minor", 20)] * 9, ("minor", 40), *[("minor", 20)] * 9]  # days 0-19
    for name, raised in (
        ("watch", storm("watch", [*before, ("critical", 40)])),
        ("night", storm("night", before, "critical")),
    ):
        assert [i for i, aid in enumerate(raised) if aid] == [0, 10, 20]
        assert q(tmp_path / f"{name}.duckdb", "SELECT day, status, severity, incident_id FROM alerts ORDER BY day") == [
            (INCIDENT, "new", "critical", raised[0]),
            (INCIDENT + timedelta(days=10), "worse", "minor", raised[0]),  # 40 negatives: twice the last page's
            (INCIDENT + timedelta(days=20), "worse", "critical", raised[0]),
        ]


def test_a_night_waits_for_a_watch_run_in_progress_before_it_registers(tmp_path, monkeypatch, caplog):
    """Both DAGs fire at 02:00: a watch run that registered first is let finish (one writer; its load must not land
    after the night's), then the night registers. A watch run 'running' for over an hour is not waited for, and
    one of the DAG past its deadline is marked interrupted; a night waits at most WATCH_WAIT_S, then starts beside
    a live one, saying so."""
    import threading
    import time as clock

    from pipeline import night

    monkeypatch.setattr(night, "WATCH_POLL_S", 0.1)
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        start_run(con, "watch-stale", DAY, "watch")
        con.execute("UPDATE pipeline_runs SET started_at = started_at - INTERVAL 2 HOUR")  # crashed long ago
        start_run(con, "watch-dead", DAY, "watch")  # the DAG's, past its deadline (dagrun_timeout)
        con.execute("UPDATE pipeline_runs SET deadline_at = now() - INTERVAL 1 MINUTE WHERE run_id = 'watch-dead'")
        start_run(con, "watch-long", DAY, "watch")  # the DAG's, a 2-hour interval: started 70 minutes ago, alive
        con.execute("UPDATE pipeline_runs SET started_at = started_at - INTERVAL 70 MINUTE,"
                    " deadline_at = now() + INTERVAL 45 MINUTE WHERE run_id = 'watch-long'")  # fmt: skip
        start_run(con, "watch-now", DAY, "watch")

    def watch_ends():
        for run_id in ("watch-now", "watch-long"):  # the night waits for both (the long one was let run beside it)
            clock.sleep(1.0)
            with connect(db) as con:
                con.execute(f"UPDATE pipeline_runs SET status = 'success' WHERE run_id = '{run_id}'")

    ender = threading.Thread(target=watch_ends)
    started = clock.monotonic()
    ender.start()
    with caplog.at_level(logging.INFO, logger="brandpulse"):
        night.prepare(cfg, db, DAY, "night-1")
    waited = clock.monotonic() - started
    ender.join()
    assert waited >= 2.0
    assert caplog.text.count("run night-1: waiting for watch run watch-now to finish") == 1  # said once
    assert "watch-stale" not in caplog.text  # over an hour: not waited for (no deadline: not marked either)
    assert "run night-1: watch run watch-dead was still running past its deadline: marked interrupted" in caplog.text
    assert q(db, "SELECT status FROM pipeline_runs WHERE run_id LIKE 'watch-%' ORDER BY run_id") == [
        ("interrupted",),
        ("success",),
        ("success",),
        ("running",),
    ]  # dead, long, now, stale
    assert q(db, "SELECT status FROM pipeline_runs WHERE run_id = 'night-1'") == [("running",)]

    # `brandpulse run` waits the same way, without holding the warehouse: the watch run can write its end (it
    # waited on the lock, failed after lock_timeout_s and stayed 'running', and the night waited WATCH_WAIT_S)
    with connect(db) as con:
        start_run(con, "watch-later", DAY, "watch")

    def later_ends():
        clock.sleep(0.5)
        with connect(db, timeout=1) as con:
            con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 'watch-later'")

    monkeypatch.setattr(night, "_run_steps", lambda *args: {"status": "the steps after prepare"})
    monkeypatch.setattr(night, "WATCH_WAIT_S", 3.0)
    ender = threading.Thread(target=later_ends)
    ender.start()
    assert night.run_day(cfg, db, DAY, "night-3")["status"] == "the steps after prepare"
    ender.join()
    assert q(db, "SELECT status FROM pipeline_runs WHERE run_id = 'watch-later'") == [("success",)]

    with connect(db) as con:
        start_run(con, "watch-hung", DAY, "watch")
    monkeypatch.setattr(night, "WATCH_WAIT_S", 0.3)
    night.prepare(cfg, db, DAY, "night-2")
    assert "run night-2: watch run watch-hung still running after 0.3 s; starting" in caplog.text
