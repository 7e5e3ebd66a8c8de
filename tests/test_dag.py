"""The Airflow DAG: it imports cleanly, wires the steps, and runs end to end through dag.test()."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
import yaml

from demo.replay import sample
from tests.helpers import NIGHT_ROWS, REPO, assert_same_tables, csv_rows, write_config


@pytest.fixture(scope="module")
def dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    assert bag.captured_warnings == {}
    ours = [w for w in caught if str(REPO) in (w.filename or "")]
    assert ours == [], [str(w.message) for w in ours]
    return bag.get_dag("brandpulse_nightly")


def test_dag_imports_without_errors_or_warnings(dag):
    assert dag is not None and dag.dag_id == "brandpulse_nightly"


def test_dag_wiring(dag):
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.timetable.expression == "0 2 * * *"
    tasks = dag.task_dict
    assert set(tasks) == {
        "prepare", "extract", "load", "plan_scores", "score", "load_scores", "daily_metrics", "detect", "send_alerts",
        "import_surveys", "import_customers", "survey_metrics", "report", "finish",
    }  # fmt: skip
    assert tasks["extract"].retries == 3
    assert tasks["load"].trigger_rule == "all_done"
    assert tasks["load"].upstream_task_ids == {"extract"}
    assert tasks["plan_scores"].upstream_task_ids == {"load"}
    assert tasks["score"].upstream_task_ids == {"plan_scores"}  # mapped: one task per shard
    assert tasks["load_scores"].upstream_task_ids == {"score"}
    assert tasks["load_scores"].trigger_rule == "none_failed"  # no shard: the mapped task is skipped
    assert tasks["daily_metrics"].upstream_task_ids == {"load_scores"}
    assert tasks["detect"].upstream_task_ids == {"daily_metrics"}
    assert tasks["send_alerts"].upstream_task_ids == {"detect"}
    assert tasks["send_alerts"].trigger_rule == "all_done"  # a failed detect leaves alerts on file to deliver
    assert tasks["report"].upstream_task_ids == {"send_alerts", "survey_metrics"}
    assert tasks["finish"].upstream_task_ids == {"report"}
    assert tasks["finish"].trigger_rule == "all_done"
    assert tasks["survey_metrics"].upstream_task_ids == {"import_surveys", "import_customers"}
    assert tasks["import_surveys"].upstream_task_ids == {"prepare"}


def _run(dag, monkeypatch, config, db, day, conf=None):
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    return dag.test(
        logical_date=datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=2),
        run_conf=conf,
    )


def _report_step(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT status, rows_out, detail FROM run_steps WHERE step = 'report'").fetchall()


def test_dag_test_end_to_end_and_rerun(dag, airflow_db, tmp_path, monkeypatch):
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    day = datetime(2026, 10, 1).date()
    run = _run(dag, monkeypatch, config, db, day)
    assert str(run.state) in ("success", "DagRunState.SUCCESS")
    # the timetable gives a one-day interval ending at 02:00; the run processes the calendar day before
    assert run.data_interval_end - run.data_interval_start == timedelta(days=1)
    assert run.data_interval_start == datetime(2026, 10, 1, 2, tzinfo=UTC)
    with duckdb.connect(str(db), read_only=True) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM mentions), (SELECT count(*) FROM sentiment), "
            "(SELECT count(*) FROM quarantine), (SELECT count(*) FROM daily_brand_metrics)"
        ).fetchone()
        status = con.execute("SELECT trigger, status FROM pipeline_runs").fetchall()
    assert counts == (5, 5, 3, 4)  # incl. the day before, re-read by the one-day look-back
    assert status == [("airflow", "success")]
    [(state, pages, index)] = _report_step(db)
    assert (state, pages) == ("success", 2) and index == str(tmp_path / "data" / "reports" / "index.html")
    assert (tmp_path / "data" / "reports" / "index.html").exists()  # the draw_report param's default: drawn

    again = _run(dag, monkeypatch, config, db, day)
    assert str(again.state) in ("success", "DagRunState.SUCCESS")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT (SELECT count(*) FROM mentions), (SELECT count(*) FROM sentiment), "
            "(SELECT count(*) FROM quarantine)"
        ).fetchone() == (5, 5, 3)


def _an_ended_airflow_night(dag, tmp_path, monkeypatch, tasks: tuple[str, ...]):
    """The night of 2026-10-01 run to its end under Airflow's run id, and the python callables of ``tasks`` run as
    a cleared task runs them (the context of that run): (config path, warehouse, callables by task)."""
    from pipeline import night
    from pipeline.config import load_config

    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    day, run_id = datetime(2026, 10, 1).date(), "scheduled__2026-10-02T02:00:00+00:00"
    assert night.run_day(load_config(config), db, day, run_id=run_id, trigger="airflow")["status"] == "success"
    context = {"data_interval_start": datetime(2026, 10, 1, 2, tzinfo=UTC), "run_id": run_id, "params": {}}
    run = {task: dag.task_dict[task].python_callable for task in tasks}
    monkeypatch.setitem(run[tasks[0]].__globals__, "get_current_context", lambda: context)
    return config, db, run


def test_a_task_cleared_after_its_night_ended_that_fails_this_time_fails_the_night(dag, tmp_path, monkeypatch):
    """An operator clears one task of a night that has ended (detect, with the tasks after it, as Airflow's clear
    does by default): its prepare does not run again, so the ledger still held the earlier try's detect
    ``success``, and a detect that failed this time ended the night ``success`` (the Airflow run green too,
    finish being its only leaf). The task drops its step's earlier record first: the night ends ``failed``."""
    from pipeline.alerts import incidents
    from pipeline.ledger import RunFailed

    _, db, run = _an_ended_airflow_night(dag, tmp_path, monkeypatch, ("detect", "report", "finish"))

    def broken(*args, **kw):
        raise RuntimeError("the detector broke")

    monkeypatch.setattr(incidents, "detect", broken)
    with pytest.raises(RuntimeError, match="the detector broke"):
        run["detect"]()
    run["report"]()  # all_done (send_alerts too: it delivers the alerts on file)
    with pytest.raises(RunFailed, match="failed: detect did not complete"):
        run["finish"]()  # all_done
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
        assert con.execute("SELECT status FROM run_steps WHERE step = 'detect'").fetchall() == [("missing",)]


def test_an_extract_task_cleared_after_its_night_ended_that_fails_this_time_leaves_the_night_partial(
    dag, tmp_path, monkeypatch
):
    """An operator clears an extract task of a night that has ended (with the tasks after it): its prepare does not
    run again, so the earlier try's manifest stayed staged, and a source that failed this time was loaded from it,
    recorded a success and the night ended ``success`` (the Airflow run green, a red extract in it). The extract
    drops its earlier manifest first, as a shard's score task drops its scores: the source is missing."""
    from pipeline import authorkey, staging
    from pipeline.config import load_config
    from pipeline.ledger import RunFailed

    config, db, run = _an_ended_airflow_night(dag, tmp_path, monkeypatch, ("extract", "load", "finish"))
    cfg = load_config(config)
    with duckdb.connect(str(db), read_only=True) as con:
        key = authorkey.carried(authorkey.recorded(con))
    [job] = [{**job, "author_key": key} for job in staging.with_states(cfg, db, staging.plan(cfg))]

    def down(*args, **kw):
        raise RuntimeError("the source is down")

    monkeypatch.setattr(staging, "build_source", down)
    with pytest.raises(RuntimeError, match="the source is down"):
        run["extract"](job)
    run["load"]()  # all_done
    with pytest.raises(RunFailed, match="partial: no data from acme/listening"):
        run["finish"]()  # the steps between (scoring, metrics, detect, report) as they were: success
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM run_steps WHERE step = 'extract'").fetchall() == [("missing",)]


def test_an_extract_task_whose_worker_has_another_author_key_fails_at_once_and_stages_nothing(
    dag, airflow_db, tmp_path, monkeypatch
):
    """prepare hands each extract task the author key's fingerprint it checked (the task opens no warehouse); a
    worker with another key fails its extract (a config error: not retried), and the night records the source
    missing."""
    from pipeline import night

    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    checked = night.prepare

    def prepare_then_another_key(*args, **kw):
        jobs = checked(*args, **kw)  # under the tests' key: recorded, and put in the jobs
        monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key")  # the extract tasks' worker
        return jobs

    monkeypatch.setattr(night, "prepare", prepare_then_another_key)
    monkeypatch.setattr(dag.task_dict["finish"], "retries", 0)  # a partial night's finish fails; once will do
    run = _run(dag, monkeypatch, config, db, datetime(2026, 10, 1).date())
    assert str(run.state) in ("failed", "DagRunState.FAILED")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
        assert con.execute("SELECT status FROM run_steps WHERE step = 'extract'").fetchall() == [("missing",)]
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("partial",)]
    assert not [p for p in (tmp_path / "staging").rglob("*") if p.is_file() and "acme" in p.parts]


def test_a_night_of_more_extract_jobs_than_airflow_maps_fails_its_prepare_on_the_config(dag, tmp_path, monkeypatch):
    """One extract task is mapped per brand × source: more than Airflow's core.max_map_length (1024) failed the
    night's prepare after it registered the run, with "pushed value is too large to map as a downstream's
    dependency" (retried, to the same end), and the night went on with every source missing and drew its report
    (reproduced through dag.test() with the limit at 1). prepare now stops on a config error naming the setting,
    before the run is registered."""
    from pipeline.config import ConfigError

    for name in ("acme.csv", "reviews.csv"):
        (tmp_path / name).write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    files = {"listening": "acme.csv", "reviews": "reviews.csv"}
    config = write_config(tmp_path, brands=[{"name": "Acme", "files": files}])
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "1")
    run_id = "scheduled__2026-10-02T02:00:00+00:00"
    context = {"data_interval_start": datetime(2026, 10, 1, 2, tzinfo=UTC), "run_id": run_id, "params": {}}
    prepare = dag.task_dict["prepare"].python_callable
    monkeypatch.setitem(prepare.__globals__, "get_current_context", lambda: context)
    with pytest.raises(ConfigError, match=r"2 brand × source extract jobs.*core\.max_map_length \(1\)"):
        prepare()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)  # not registered
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "2")
    assert [job["source"] for job in prepare()] == ["listening", "reviews"]


def test_an_older_nights_report_task_returns_why_it_drew_nothing_not_the_later_days_index(dag, tmp_path, monkeypatch):
    """A re-run of an older night leaves the later day's report as it is: the report task returned that day's
    index.html, as if it had drawn it (Airflow's "Returned value was ..."); it returns the reason, as the step's
    detail and `brandpulse run`'s JSON line say it."""
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(write_config(tmp_path)))
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "w.duckdb"))
    prepare, report = (dag.task_dict[name].python_callable for name in ("prepare", "report"))
    returned = []
    for day in (2, 1):  # the later night first, then a re-run of the one before
        run_id = f"manual__2026-10-0{day}"
        context = {"data_interval_start": datetime(2026, 10, day, 2, tzinfo=UTC), "run_id": run_id, "params": {}}
        monkeypatch.setitem(prepare.__globals__, "get_current_context", lambda context=context: context)
        prepare()
        returned.append(report())
    folder = tmp_path / "data" / "reports"
    assert returned == [str(folder / "index.html"), f"not drawn: {folder} holds the report of 2026-10-02, a later day"]


@pytest.mark.parametrize("migrated", [True, False])
def test_a_night_whose_prepare_registered_no_run_records_no_survey_metrics_and_draws_no_report(
    dag, airflow_db, tmp_path, monkeypatch, migrated
):
    """survey_metrics and report run whatever came before them (all_done). After a prepare that failed before it
    registered the run (a moved brand id, another author key), they recorded survey metrics for no run and drew a
    report of a night that read nothing; they now refuse, as load and finish do (RunNotRegistered: not retried).
    Also on the first night of a new warehouse (not ``migrated``), whose prepare failed before it migrated: load
    and finish failed there with DuckDB's "Table with name pipeline_runs does not exist!", survey_metrics and report
    with "no brandpulse warehouse" (load had made the file), each retried."""
    from pipeline import night
    from pipeline.config import ConfigError
    from pipeline.warehouse import connect, migrate

    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    if migrated:
        with connect(db) as con:
            migrate(con)

    def refused(*args, **kw):
        raise ConfigError("brand id 'acme' moved")

    monkeypatch.setattr(night, "prepare", refused)
    run = _run(dag, monkeypatch, config, db, datetime(2026, 10, 1).date())
    assert str(run.state) in ("failed", "DagRunState.FAILED")
    tries = {ti.task_id: (str(ti.state), ti.try_number) for ti in run.get_task_instances()}
    for task in ("load", "survey_metrics", "send_alerts", "report", "finish"):
        assert tries[task] in (("failed", 1), ("TaskInstanceState.FAILED", 1)), tries  # not retried
    if migrated:
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)
            assert con.execute("SELECT step FROM run_steps").fetchall() == []
    assert not list(tmp_path.rglob("index.html"))


def test_a_task_that_hangs_is_stopped_and_the_night_ends_naming_it(dag, airflow_db, tmp_path, monkeypatch):
    """Every task of the night has an execution_timeout ($BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES, 4 hours by
    default): a step that never returns (here the survey export's read, as on a stalled network mount, which cannot
    exist here) is stopped, the rest of the night lands, and the night ends partial, naming the step, instead of
    running, and holding every later night (max_active_runs=1), for ever."""
    import time

    from pipeline.surveys import ingest

    assert {task.execution_timeout for task in dag.tasks} == {timedelta(hours=4)}
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    (tmp_path / "nps.csv").write_text("id,at,score\nR1,2026-10-01T12:00:00Z,9\n", encoding="utf-8")
    columns = {"response_id": "id", "timestamp": "at", "nps": "score"}
    surveys = {"sources": [{"name": "nps", "brand": "acme", "path": "nps.csv", "columns": columns}]}
    config, db = write_config(tmp_path, surveys=surveys), tmp_path / "w.duckdb"
    started = []

    def stalled(*args, **kw):
        started.append(time.monotonic())
        time.sleep(120)

    monkeypatch.setattr(ingest, "read_survey_file", stalled)
    monkeypatch.setattr(dag.task_dict["finish"], "retries", 0)  # one try will do
    # import_surveys keeps its retry: a task past its timeout hangs, and is not tried again (a retry would hang as
    # long again, holding the next night back)
    assert dag.task_dict["import_surveys"].retries == 1
    monkeypatch.setattr(dag.task_dict["import_surveys"], "execution_timeout", timedelta(seconds=2))
    run = _run(dag, monkeypatch, config, db, datetime(2026, 10, 1).date())
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) in ("failed", "DagRunState.FAILED") and len(started) == 1
    assert states["import_surveys"].endswith("failed") and states["report"].endswith("success"), states
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (5,)  # the rest of the night landed
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("partial",)]
        assert con.execute("SELECT count(*) FROM survey_responses").fetchone() == (0,)
        steps = con.execute("SELECT step, status, detail FROM run_steps WHERE step LIKE 'import%'").fetchall()
    [(_, status, detail)] = steps
    assert status == "missing" and "execution_timeout" in detail  # the run's table says which step, and why


@pytest.mark.parametrize("minutes", ["0", "90m"])
def test_the_night_task_timeout_from_the_environment_is_whole_minutes(monkeypatch, minutes):
    import runpy

    monkeypatch.setenv("BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES", "90")
    assert runpy.run_path(str(REPO / "dags" / "brandpulse_nightly.py"))["TASK_TIMEOUT"] == timedelta(minutes=90)
    monkeypatch.setenv("BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES", "")  # blank, as every variable: unset (env_value)
    assert runpy.run_path(str(REPO / "dags" / "brandpulse_nightly.py"))["TASK_TIMEOUT"] == timedelta(minutes=240)
    monkeypatch.setenv("BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES", minutes)
    with pytest.raises(ValueError, match=r"BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES: .* is not a whole number of min"):
        runpy.run_path(str(REPO / "dags" / "brandpulse_nightly.py"))


def _demo_config(tmp_path, **overrides):
    """The bundled demo config, with absolute sample paths and staging in tmp_path (``overrides``: top-level
    fields, ``scoring`` merged)."""
    demo = REPO / "demo"
    doc = yaml.safe_load((demo / "brandpulse.yaml").read_text())
    for brand in doc["brands"]:
        for source in brand["sources"]:
            if "path" in source:
                source["path"] = str(demo / source["path"])
    for section in ("sources", "customers"):
        for source in doc["surveys"][section]:
            source["path"] = str(demo / source["path"])
    doc["alerts"] = []
    doc["report_dir"] = str(tmp_path / "reports")
    doc["staging_dir"] = str(tmp_path / "staging")
    doc["scoring"]["model_dir"] = str((demo / doc["scoring"]["model_dir"]).resolve())
    doc["scoring"] |= overrides.pop("scoring", {})
    doc |= overrides
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _utc_day(value):
    try:
        return datetime.fromisoformat(str(value)).astimezone(UTC).date()
    except ValueError:
        return None


def _expected_sample_rows(day) -> dict[str, int]:
    """Valid sample rows created on ``day``, counted straight from the bundled files (independently of the source)."""
    import csv
    import json

    counts = {}
    for brand_dir in sorted((REPO / "demo" / "sample").iterdir()):
        if not brand_dir.is_dir():
            continue
        n = 0
        with (brand_dir / "mentions.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                n += (
                    row["posted_at"].startswith(day.isoformat())
                    and bool(row["body"].strip())
                    and bool(row["post_id"].strip())
                    and row["likes"].isdigit()
                    and row["replies"].isdigit()
                )
        for line in (brand_dir / "reviews.jsonl").read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            n += (
                _utc_day(r.get("date")) == day  # reviews may carry a local offset (the Polish and Dutch ones do)
                and isinstance(r.get("rating"), int)
                and 1 <= r["rating"] <= 5
                and bool((r.get("content") or r.get("title") or "").strip())
            )
        counts[brand_dir.name] = n
    return counts


def test_dag_test_on_bundled_sample_day(one_shard):
    day = SHARDED_DAY  # inside the planted Parcelo incident
    expected = _expected_sample_rows(day)
    assert sum(expected.values()) > 50
    with duckdb.connect(str(one_shard), read_only=True) as con:
        # the warehouse also holds the day before (re-read by the one-day look-back): look at the day itself
        q = "SELECT brand, {} FROM daily_brand_metrics WHERE source = '_all' AND day = ?"
        got = dict(con.execute(q.format("volume"), [day]).fetchall())
        scored = dict(con.execute(q.format("scored"), [day]).fetchall())
        neg = dict(con.execute(q.format("share_negative"), [day]).fetchall())
        # an exact repost of an earlier text is stored once, as a count (the Polish sample has a few)
        reposts = dict(
            con.execute(
                "SELECT brand, count(*) FROM reposts WHERE CAST(created_at AS DATE) = ? GROUP BY brand", [day]
            ).fetchall()
        )
    expected = {brand: n - reposts.get(brand, 0) for brand, n in expected.items()}
    assert got == expected
    assert scored == expected  # every row of the day was scored
    assert neg["parcelo"] > 0.5  # the incident shows in the scores


def test_the_demo_runs_each_sample_night_once_in_order_and_the_incident_through_airflow():
    from demo.run import AIRFLOW_NIGHTS, FIRST_DAY, INCIDENT, LAST_DAY, stretches

    for everything_through_airflow in (False, True):
        nights, how = [], {}
        runs = stretches(everything_through_airflow)
        # the incident's first day through the hourly watch, right before its night
        assert [(first, last) for first, last, way in runs if way == "watch"] == [(INCIDENT[0], INCIDENT[0])]
        watch = [way for _, _, way in runs].index("watch")
        assert runs[watch + 1][0] == INCIDENT[0] and runs[watch + 1][2] == "airflow"
        for first, last, way in runs:
            if way == "watch":
                continue
            day = first
            while day <= last:
                nights.append(day)
                how[day] = way
                day += timedelta(days=1)
        assert nights == [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
        assert how[INCIDENT[0]] == "airflow"
        assert everything_through_airflow or list(how.values()).count("airflow") == 1
    assert INCIDENT == (datetime(2026, 10, 13).date(), datetime(2026, 10, 16).date())
    assert AIRFLOW_NIGHTS == (INCIDENT[0], INCIDENT[0])  # the planted incident's first night


SHARDED_DAY = datetime(2026, 10, 14).date()


def _sample_night(dag, monkeypatch, folder, **overrides):
    """The bundled sample's day through the DAG, into ``folder``/w.duckdb; returns the warehouse. Scored in
    fp32: with the demo's bf16, on a CPU that computes bf16 natively, a text's probabilities move by up to
    about 0.02 with its batch-mates (padding changes the rounding), so two shard layouts would not compare
    to 1e-3; fp32 makes the comparison a test of the sharding alone."""
    overrides["scoring"] = {"precision": "fp32"} | overrides.get("scoring", {})
    server = sample.start()
    for key, value in sample.environment(server).items():
        monkeypatch.setenv(key, value)
    try:  # no report (the draw_report param, as a backfill passes it): these tests compare the tables
        conf = {"draw_report": False}
        run = _run(dag, monkeypatch, _demo_config(folder, **overrides), folder / "w.duckdb", SHARDED_DAY, conf)
    finally:
        server.stop()
    assert str(run.state) in ("success", "DagRunState.SUCCESS")
    reason = "not drawn: draw_report is false in this run's conf (a backfill: a later night draws the report)"
    assert _report_step(folder / "w.duckdb") == [("success", 0, reason)]
    assert not (folder / "reports").exists()
    return folder / "w.duckdb"


@pytest.fixture(scope="module")
def one_shard(dag, tmp_path_factory):
    """The sample day scored in one shard (the default shard size): the reference for the sharded runs."""
    with pytest.MonkeyPatch.context() as mp:
        return _sample_night(dag, mp, tmp_path_factory.mktemp("one-shard"))


def _score_step(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT rows_in, rows_out, detail FROM run_steps WHERE step = 'score'").fetchone()


def test_a_night_in_four_mapped_shards_staged_in_s3_leaves_every_table_as_one_shard_in_a_folder(
    dag, one_shard, tmp_path, monkeypatch
):
    """staging_dir: s3://...: the extracts, the four shards and their scores go through a local S3 endpoint (moto's
    server on 127.0.0.1, spoken to by the real s3fs and boto3 clients); every table comes out as from the
    one-shard night staged in a local folder."""
    import boto3
    from moto.server import ThreadedMotoServer

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="brandpulse-staging")
        texts, stored, detail = _score_step(one_shard)
        assert texts == stored > 60 and "1 shard of at most 50000" in detail
        size = -(-texts // 4)  # four shards, the last one shorter
        db = _sample_night(
            dag,
            monkeypatch,
            tmp_path,
            staging_dir="s3://brandpulse-staging/nightly",
            staging_options={"endpoint_url": endpoint},
            scoring={"shard_size": -(-texts // 4)},
        )
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="brandpulse-staging")["Contents"]]
    finally:
        server.stop()
    assert not (tmp_path / "staging").exists()
    prefix = f"nightly/{SHARDED_DAY}/"
    assert all(k.startswith(prefix) for k in keys)
    assert sum(k.endswith(".records.jsonl") for k in keys) == sum(k.endswith(".manifest.json") for k in keys) > 5
    shards = sorted(k.rsplit("/", 1)[1] for k in keys if "/score/" in k)
    assert shards == [f"0000{n}.{s}" for n in range(4) for s in ("input.parquet", "scores.json", "scores.parquet")] + [
        "plan.json"
    ]
    assert _score_step(db)[:2] == (texts, texts) and f"4 shards of at most {size}" in _score_step(db)[2]
    assert_same_tables(db, one_shard)


def test_nights_run_one_at_a_time_in_order(dag):
    """A night's detect reads the alerts of the nights before it: two nights of one incident run out of order
    opened two incidents, each paged as new."""
    assert dag.max_active_runs == 1


def test_the_retry_policy_fails_at_once_where_a_retry_cannot_help():
    """A partial night's finish (RunFailed), a run its prepare did not open (RunNotRegistered), a trigger without a
    logical date (NoDataInterval), a task past its execution_timeout: each retried a minute later to the same end
    (a trigger without a date held the next scheduled night back for four minutes of failures; a hang, for hours).
    A source's network error is still retried."""
    from airflow.sdk import RetryAction
    from airflow.sdk.exceptions import AirflowTaskTimeout

    from pipeline.authorkey import AuthorKeyChanged
    from pipeline.ledger import RunFailed, RunNotRegistered
    from pipeline.retries import NO_RETRY_WHEN, NoDataInterval
    from pipeline.sources.base import SourceError
    from pipeline.warehouse import QueryStopped

    fail = [RunFailed("r", "partial", "partial"), RunNotRegistered("r"), NoDataInterval("no interval"),
            AuthorKeyChanged("another key"), KeyboardInterrupt(), AirflowTaskTimeout("timed out"),
            QueryStopped("stopped by a signal")]  # fmt: skip
    assert [NO_RETRY_WHEN.evaluate(e, 1, 2).action for e in fail] == [RetryAction.FAIL] * len(fail)
    assert NO_RETRY_WHEN.evaluate(SourceError("HTTP 503"), 1, 2).action != RetryAction.FAIL
