"""The run ledger on a warehouse of its own, no night: how a run starts, starts again, records its steps, is
closed (success, partial, failed, with which message) and stopped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from pipeline import ledger
from pipeline.warehouse import connect
from tests.helpers import migrated

DAY = date(2026, 10, 1)
OLD = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def ware(tmp_path):
    return migrated(tmp_path / "w.duckdb")


def _run(con, run_id: str) -> tuple:
    return con.execute(
        "SELECT status, started_at, finished_at IS NOT NULL FROM pipeline_runs WHERE run_id = ?", [run_id]
    ).fetchone()


def test_a_run_registered_again_starts_afresh_from_now_with_no_end_and_no_steps(ware):
    """A night left 'running' (its finish never ran: the stuck Airflow run marked failed) and cleared 8 hours later
    kept its old start: the watch, which looks for nights started in the last NIGHT_GUARD hours, ran beside it."""
    with connect(ware) as con:
        ledger.start_run(con, "r1", DAY, "airflow")
        con.execute("UPDATE pipeline_runs SET started_at = ? WHERE run_id = 'r1'", [OLD])
        ledger.record_step(con, "r1", "load")
        ledger.start_run(con, "r1", DAY, "airflow")  # a prepare retried, or the run cleared, while still 'running'
        status, started, ended = _run(con, "r1")
        assert (status, ended) == ("running", False) and started > OLD
        assert ledger.running_night(con, datetime.now(UTC) - timedelta(hours=6))["run_id"] == "r1"
        assert con.execute("SELECT count(*) FROM run_steps WHERE run_id = 'r1'").fetchone() == (0,)
        con.execute("UPDATE pipeline_runs SET started_at = ? WHERE run_id = 'r1'", [OLD])
        assert ledger.close_run(con, "r1", required=()) == "success"
        assert _run(con, "r1") == ("success", OLD, True)
        ledger.start_run(con, "r1", DAY, "airflow")  # cleared and run again: from now on, afresh
        status, started, ended = _run(con, "r1")
        assert (status, ended) == ("running", False) and started > OLD
        assert con.execute("SELECT count(*) FROM run_steps WHERE run_id = 'r1'").fetchone() == (0,)
        ledger.record_step(con, "r1", "load")
        # the same id for another night: refused, and the run left as it was (the registration kept the first
        # day, prepare went on, and every step then refused the day it had just been given)
        with pytest.raises(ledger.RunNotRegistered, match="run r1 is registered for the night of 2026-10-01, not"):
            ledger.start_run(con, "r1", DAY + timedelta(days=4), "cli")
        assert ledger.require_run(con, "r1") == DAY and _run(con, "r1")[0] == "running"
        assert con.execute("SELECT count(*) FROM run_steps WHERE run_id = 'r1'").fetchone() == (1,)


def test_a_step_recorded_again_takes_the_new_attempts_status_counts_detail_and_start(ware):
    first, again = datetime(2026, 10, 2, 1, tzinfo=UTC), datetime(2026, 10, 2, 2, 30, tzinfo=UTC)
    with connect(ware) as con:
        ledger.start_run(con, "r1", DAY, "cli")
        ledger.record_step(con, "r1", "score", status="failed", rows_in=9, rows_out=1, detail="boom", started_at=first)
        ledger.record_step(con, "r1", "score", rows_in=5, rows_out=5, rows_quarantined=0, detail="ok", started_at=again)
        assert con.execute(
            "SELECT status, rows_in, rows_out, rows_quarantined, detail, started_at FROM run_steps"
        ).fetchall() == [("success", 5, 5, 0, "ok", again)]


def _steps(con, run_id: str, extracts: dict[str, str], others: dict[str, str] | None = None) -> None:
    ledger.start_run(con, run_id, DAY, "airflow")
    ledger.record_steps(
        con,
        run_id,
        [dict(step="extract", brand="acme", source=s, status=v) for s, v in extracts.items()]
        + [dict(step=s) for s in ledger.REQUIRED_STEPS]
        + [dict(step=s, status=v) for s, v in (others or {}).items()],
    )


def test_a_truncated_source_window_keeps_the_run_a_success_and_is_not_named_among_the_missing(ware):
    with connect(ware) as con:
        _steps(con, "ok", {"a": "success", "b": "truncated"})
        assert ledger.close_run(con, "ok") == "success"
        assert _run(con, "ok")[::2] == ("success", True)
        _steps(con, "part", {"a": "failed", "b": "truncated", "c": "success", "d": "missing"})
        with pytest.raises(ledger.RunFailed) as err:
            ledger.close_run(con, "part")
        assert err.value.status == "partial" and _run(con, "part")[::2] == ("partial", True)
        assert str(err.value) == "run part is partial: no data from acme/a, acme/d (see run_steps)"


def test_a_run_partial_by_a_failed_step_that_is_no_source_says_a_step_failed_and_a_silent_one_by_name(ware):
    with connect(ware) as con:
        _steps(con, "r1", {"a": "success"}, {"survey_metrics": "failed"})
        with pytest.raises(ledger.RunFailed, match=r"^run r1 is partial: a step failed \(see run_steps\)$"):
            ledger.close_run(con, "r1")
        _steps(con, "r2", {"a": "failed"})
        with pytest.raises(ledger.RunFailed) as err:
            ledger.close_run(con, "r2", expected=("import_surveys", "import_customers"))
        assert str(err.value) == (
            "run r2 is partial: no data from acme/a; import_surveys, import_customers did not run to the end "
            "(see run_steps)"
        )


def test_stopping_or_closing_after_an_error_leaves_a_run_that_has_ended_as_it_ended(ware):
    with connect(ware) as con:
        _steps(con, "done", {"a": "success"})
        assert ledger.close_run(con, "done") == "success"
        ledger.stop_run(con, "done", "stopped by SIGTERM")  # a signal after its finish: it had ended
        ledger.skip_run(con, "done", "a night is running")  # nor is an ended run skipped
        assert _run(con, "done")[0] == "success"
        # and no failed 'interrupted' (or 'skipped') step is added to it: one made a later close call it partial
        added = "SELECT count(*) FROM run_steps WHERE run_id = 'done' AND step IN ('interrupted', 'skipped')"
        assert con.execute(added).fetchone() == (0,)
        assert ledger.close_run(con, "done") == "success"
        ledger.start_run(con, "open", DAY, "cli")
    assert ledger.closed_after_error(ware, "done", ledger.REQUIRED_STEPS, 5) == "success"
    assert ledger.closed_after_error(ware, "never", ledger.REQUIRED_STEPS, 5) is None
    assert ledger.closed_after_error(ware, "open", ledger.REQUIRED_STEPS, 5) == "failed"
    with duckdb.connect(str(ware), read_only=True) as con:
        assert con.execute("SELECT run_id, status FROM pipeline_runs ORDER BY ALL").fetchall() == [
            ("done", "success"),
            ("open", "failed"),
        ]


def test_a_night_whose_work_raised_records_why_beside_the_steps_it_left_missing(night, scorer, monkeypatch):
    """A configuration error met mid-night (the author key's variable unset: the extract that hashes fails) closes
    the run failed and records the error as a failed ``error`` step; its steps said only ``missing``, "see its
    log", and the reason was in the terminal alone."""
    from pipeline.config import ConfigError, load_config
    from pipeline.night import run_day

    monkeypatch.delenv("BRANDPULSE_AUTHOR_KEY")
    with pytest.raises(ConfigError, match="BRANDPULSE_AUTHOR_KEY is not set"):
        run_day(load_config(night[0]), night[1], DAY, scorer=scorer)
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE step = 'error' AND status = 'failed'").fetchall()
    assert detail.startswith("ConfigError: ") and "BRANDPULSE_AUTHOR_KEY is not set" in detail, detail
    # a library's error is recorded by its type alone: its message might quote a URL with its token
    import requests

    leaky = requests.ConnectionError("https://hooks.slack.com/services/T0/B0/s3cr3t unreachable")
    assert ledger.error_detail(leaky) == "ConnectionError (its message is in the log)"
    assert ledger.error_detail(FileNotFoundError(2, "No such file", "/data/x.csv")).endswith("'/data/x.csv'")


def test_a_failed_prepare_ends_a_registered_run_failed_and_leaves_no_trace_of_one_never_registered(ware):
    with connect(ware) as con:
        ledger.start_run(con, "r1", DAY, "airflow")
        ledger.prepare_failed(con, "r1", OSError("no staging folder"))
        ledger.prepare_failed(con, "never", OSError("no staging folder"))
        assert _run(con, "r1")[::2] == ("failed", True)
        assert con.execute("SELECT run_id, step, status, detail FROM run_steps").fetchall() == [
            ("r1", "prepare", "failed", "OSError: no staging folder")
        ]


def test_a_run_whose_required_step_failed_is_failed_however_many_other_steps_succeeded(ware):
    with connect(ware) as con:
        _steps(con, "r1", {s: "success" for s in "abcdefgh"})
        ledger.record_step(con, "r1", "report", status="failed", detail="no folder")
        with pytest.raises(ledger.RunFailed, match=r"^run r1 failed: report did not complete \(see run_steps\)$"):
            ledger.close_run(con, "r1")
        assert _run(con, "r1")[::2] == ("failed", True)


def test_a_stopped_run_is_interrupted_with_the_reason_as_a_failed_step(ware):
    with connect(ware) as con:
        _steps(con, "r1", {"a": "success"})  # stopped after its report, before its finish
        ledger.stop_run(con, "r1", "stopped by SIGTERM")
        assert _run(con, "r1")[::2] == ("interrupted", True)
        assert con.execute("SELECT status, detail FROM run_steps WHERE step = 'interrupted'").fetchall() == [
            ("failed", "stopped by SIGTERM")
        ]
        with pytest.raises(ledger.RunFailed, match="is partial"):  # a finish after it does not call it a success
            ledger.close_run(con, "r1")


def test_a_run_stopped_in_a_duckdb_query_is_interrupted_not_left_running(ware):
    """A stop that comes while DuckDB runs a query reaches the step as RuntimeError('Query interrupted'), not the
    KeyboardInterrupt: the run stayed 'running' (the watch skipped its hours) though `brandpulse run` said it was
    marked interrupted."""
    import threading

    from pipeline import interrupt

    with connect(ware) as con:
        ledger.start_run(con, "r1", DAY, "cli")
    query = duckdb.connect()
    stop = threading.Timer(0.5, lambda: (interrupt._requested.append("SIGTERM"), query.interrupt()))
    try:
        with pytest.raises(interrupt.Interrupted, match="stopped by SIGTERM"):
            with ledger.closed_on_failure(ware, "r1", ledger.REQUIRED_STEPS, 10):
                stop.start()
                query.execute("SELECT count(*) FROM range(10_000_000_000) r WHERE r.range % 7 = 3").fetchall()
    finally:
        stop.join()
        interrupt.reset()
    with connect(ware) as con:
        assert _run(con, "r1")[::2] == ("interrupted", True)
        assert con.execute("SELECT detail FROM run_steps WHERE step = 'interrupted'").fetchall() == [
            ("stopped by SIGTERM",)
        ]


def _watch(con, run_id: str, status: str, window_end, extracts: dict | None = None, started=None, deadline=None):
    """A watch run that read up to ``window_end`` and ended ``status``, its extracts ``{source: status}``."""
    ledger.start_run(con, run_id, DAY, "watch")
    ledger.set_watch_window(con, run_id, window_end - timedelta(hours=1), window_end)
    if deadline is not None:
        ledger.set_deadline(con, run_id, deadline)
    ledger.record_steps(
        con, run_id, [dict(step="extract", brand="acme", source=s, status=v) for s, v in (extracts or {}).items()]
    )
    con.execute(
        "UPDATE pipeline_runs SET status = ?, started_at = ? WHERE run_id = ?", [status, started or window_end, run_id]
    )


H = datetime(2026, 10, 1, 12, tzinfo=UTC)


def test_a_watch_run_reads_from_the_end_of_the_latest_landed_read_of_each_source_at_or_before_its_own_end(ware):
    with connect(ware) as con:
        _watch(con, "w1", "success", H - timedelta(hours=2), {"a": "success", "b": "success"})
        _watch(con, "w2", "partial", H - timedelta(hours=1), {"a": "truncated", "b": "failed"})
        _watch(con, "w3", "success", H, {"a": "success", "b": "success"})  # ends at the end asked about
        _watch(con, "w4", "success", H + timedelta(hours=1), {"a": "success", "b": "success"})  # after it
        _watch(con, "me", "failed", H, {"a": "success", "b": "success", "c": "success"})  # the asking run's own
        _watch(con, "w5", "failed", H + timedelta(minutes=30), {"c": "success"})
        assert ledger.last_watch_end(con, H) == H
        assert ledger.last_watch_end(con, H - timedelta(minutes=1)) == H - timedelta(hours=2)  # w2 was partial
        assert ledger.last_watch_reads(con, H, "me") == {("acme", "a"): H, ("acme", "b"): H}
        assert ledger.last_watch_reads(con, H - timedelta(minutes=1), "me") == {
            ("acme", "a"): H - timedelta(hours=1),  # truncated: it landed
            ("acme", "b"): H - timedelta(hours=2),  # failed in w2: read from w1's end
        }
        assert ledger.watch_read_from(con, "w3") == H - timedelta(hours=1)
        assert ledger.watch_read_from(con, "never") is None


def _shown(con) -> dict[str, str]:
    """Each run's status as ``v_run_history`` (through ``v_runs``) shows it."""
    return dict(con.execute("SELECT DISTINCT run_id, status FROM v_run_history").fetchall())


def test_the_running_night_and_the_running_watch_run_are_the_newest_still_alive(ware):
    now = datetime.now(UTC)
    with connect(ware) as con:
        for run_id, trigger, status, started in (
            ("old-night", "airflow", "running", now - timedelta(hours=9)),
            ("night", "airflow", "running", now - timedelta(hours=2)),
            ("newer-night", "cli", "running", now - timedelta(hours=1)),
            ("ended-night", "cli", "success", now - timedelta(minutes=5)),
            ("watch", "watch", "running", now - timedelta(minutes=1)),
            ("ended-watch", "watch", "success", now - timedelta(seconds=30)),
        ):
            ledger.start_run(con, run_id, DAY if run_id != "ended-night" else DAY + timedelta(days=1), trigger)
            con.execute(
                "UPDATE pipeline_runs SET status = ?, started_at = ? WHERE run_id = ?", [status, started, run_id]
            )
        ledger.set_deadline(con, "ended-watch", now + timedelta(hours=1))  # it ended before its deadline
        assert ledger.running_night(con, now - timedelta(hours=6))["run_id"] == "newer-night"
        assert ledger.running_night(con, now) is None
        # watch runs: of the DAG alive until their deadline, of ``brandpulse watch`` (no deadline) if recent
        assert ledger.running_watch(con, now - timedelta(minutes=2))["run_id"] == "watch"
        assert ledger.running_watch(con, now) is None
        ledger.set_deadline(con, "watch", now + timedelta(hours=1))
        assert ledger.running_watch(con, now)["run_id"] == "watch"
        ledger.set_deadline(con, "watch", now - timedelta(seconds=1))
        assert ledger.running_watch(con, now - timedelta(minutes=2)) is None  # past its deadline: dead
        assert _shown(con)["watch"] == "abandoned"
        assert _shown(con)["night"] == "running"  # a night of the day still running after it is not ended
        ledger.skip_run(con, "ended-night", "a watch run while a night runs")  # ended: stays as it ended
        assert _run(con, "ended-night")[0] == "success"


def test_a_killed_night_that_a_later_run_of_its_day_has_ended_is_not_running(ware):
    """A night killed (SIGKILL) stays ``running`` in the ledger; once its re-run has ended, the watch skipped every
    hour still ("night run X is running") until six hours after the dead run started. A later run of another day,
    a watch run or a rescore ending says nothing of it."""
    now = datetime.now(UTC)
    with connect(ware) as con:
        for run_id, day, trigger, status, started in (
            ("killed", DAY, "cli", "running", now - timedelta(hours=1)),
            ("other-day", DAY + timedelta(days=1), "cli", "success", now - timedelta(minutes=30)),
            ("ended-watch", DAY, "watch", "success", now - timedelta(minutes=20)),
            ("rescore", DAY, "rescore", "success", now - timedelta(minutes=10)),  # no night
        ):
            ledger.start_run(con, run_id, day, trigger)
            con.execute(
                "UPDATE pipeline_runs SET status = ?, started_at = ? WHERE run_id = ?", [status, started, run_id]
            )
        assert ledger.running_night(con, now - timedelta(hours=6))["run_id"] == "killed"
        ledger.start_run(con, "re-run", DAY, "cli")
        assert ledger.running_night(con, now - timedelta(hours=6))["run_id"] == "re-run"  # the re-run is running
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 're-run'")
        assert ledger.running_night(con, now - timedelta(hours=6)) is None
        # and an operator reads it so: v_run_history and the summary's runs by status say ``abandoned``
        assert _shown(con) == {"killed": "abandoned", "other-day": "success", "ended-watch": "success",
                               "rescore": "success", "re-run": "success"}  # fmt: skip


def test_a_killed_rescore_that_the_same_rescore_run_again_has_ended_is_not_running(ware):
    """``brandpulse rescore --since D`` killed (SIGKILL, out of memory) stays ``running``; the same command run again
    carries it on and ends, yet the dead run read ``running`` for good (the summary's "1 running") and the watch
    skipped every hour ("night run rescore__... is running") until six hours after it started. A rescore of
    another --since says nothing of it, nor does a rescore's ending of a night of its day."""
    now = datetime.now(UTC)
    with connect(ware) as con:
        for run_id, day, trigger, status, started in (
            ("killed", DAY, "rescore", "running", now - timedelta(hours=1)),
            ("night", DAY, "cli", "running", now - timedelta(minutes=50)),
            ("other-since", DAY - timedelta(days=7), "rescore", "success", now - timedelta(minutes=40)),
        ):
            ledger.start_run(con, run_id, day, trigger)
            con.execute(
                "UPDATE pipeline_runs SET status = ?, started_at = ? WHERE run_id = ?", [status, started, run_id]
            )
        assert _shown(con)["killed"] == "running"
        ledger.start_run(con, "re-run", DAY, "rescore")
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 're-run'")
        assert _shown(con) == {"killed": "abandoned", "night": "running", "other-since": "success", "re-run": "success"}
        assert ledger.running_night(con, now - timedelta(hours=6))["run_id"] == "night"


def test_a_rescore_still_running_when_a_night_of_its_since_day_ends_is_not_abandoned(ware):
    """``brandpulse rescore --since D`` runs for hours, and a night of D (a re-run, a backfill's) may start and end
    beside it: the live rescore read ``abandoned`` in v_runs and the summary (and the watch took it for over) while
    it was still scoring. Only a later rescore of its --since ends a rescore, as a rescore ends no night."""
    now = datetime.now(UTC)
    with connect(ware) as con:
        for run_id, trigger, status, started in (
            ("rescore", "rescore", "running", now - timedelta(hours=1)),
            ("night", "cli", "success", now - timedelta(minutes=30)),
        ):
            ledger.start_run(con, run_id, DAY, trigger)
            con.execute(
                "UPDATE pipeline_runs SET status = ?, started_at = ? WHERE run_id = ?", [status, started, run_id]
            )
        assert _shown(con) == {"rescore": "running", "night": "success"}
        assert ledger.running_night(con, now - timedelta(hours=6))["run_id"] == "rescore"


def test_a_killed_watch_run_that_a_later_watch_run_over_its_window_has_ended_is_not_running(ware):
    """A ``brandpulse watch`` run killed (SIGKILL) stays ``running`` in the ledger; once its re-run (or a later hour's
    run) has ended, a night started within the hour still waited ``WATCH_WAIT_S`` (30 minutes) for it. A run that
    ended over an earlier window says nothing of it."""
    now = datetime.now(UTC)
    with connect(ware) as con:
        _watch(con, "killed", "running", H, started=now - timedelta(minutes=10))
        _watch(con, "earlier-hour", "success", H - timedelta(hours=1), started=now - timedelta(minutes=5))
        assert ledger.running_watch(con, now - timedelta(hours=1))["run_id"] == "killed"
        _watch(con, "re-run", "running", H, started=now - timedelta(minutes=2))
        assert ledger.running_watch(con, now - timedelta(hours=1))["run_id"] == "re-run"  # the re-run is running
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 're-run'")
        assert ledger.running_watch(con, now - timedelta(hours=1)) is None
        assert _shown(con) == {"killed": "abandoned", "earlier-hour": "success", "re-run": "success"}


def test_v_runs_over_months_of_hourly_watch_runs_reads_in_little_memory(ware):
    """Only the runs left ``running`` are checked against the later runs: the view checked every watch run against
    every later one (a year of hourly runs took 1.2 GB, three years 2.3 GB and 13 s: ``brandpulse summary``'s
    runs line, ``v_run_history``), and four months ran out of 50 MB."""
    with connect(ware) as con:
        con.execute(
            "INSERT INTO pipeline_runs (run_id, day, trigger, started_at, finished_at, status, read_from, window_end)"
            " SELECT 'w' || i, CAST(t AS DATE), 'watch', t, t, 'success', t - INTERVAL 1 HOUR, t"
            " FROM (SELECT i, TIMESTAMPTZ '2026-10-01 00:00:00+00' - to_hours(i) AS t FROM range(3000) r(i))"
        )
        con.execute(  # a killed `brandpulse watch` run (no deadline), whose window later runs read again
            "INSERT INTO pipeline_runs (run_id, day, trigger, started_at, status, window_end)"
            " VALUES ('killed', DATE '2026-09-01', 'watch', TIMESTAMPTZ '2026-09-01 00:30:00+00', 'running',"
            " TIMESTAMPTZ '2026-09-01 01:00:00+00')"
        )
    con = duckdb.connect(str(ware))  # an instance of its own, for its memory limit
    try:
        con.execute("SET memory_limit = '50MB'")
        assert con.execute("SELECT status, count(*) FROM v_runs GROUP BY ALL ORDER BY status").fetchall() == [
            ("abandoned", 1),  # a later watch run over its window ended
            ("success", 3000),
        ]
    finally:
        con.close()


def test_watch_runs_past_their_deadline_are_abandoned_oldest_first_and_no_other_run(ware):
    with connect(ware) as con:
        _watch(con, "dead-2", "running", H, started=H - timedelta(hours=1), deadline=H - timedelta(minutes=1))
        _watch(con, "dead-1", "running", H, started=H - timedelta(hours=2), deadline=H - timedelta(minutes=2))
        _watch(con, "due-now", "running", H, started=H - timedelta(hours=1), deadline=H)
        _watch(con, "no-deadline", "running", H, started=H - timedelta(hours=5))
        _watch(con, "ended", "success", H, started=H - timedelta(hours=3), deadline=H - timedelta(hours=1))
        _watch(con, "me", "running", H, started=H - timedelta(hours=3), deadline=H - timedelta(hours=1))
        ledger.start_run(con, "night", DAY, "airflow")
        ledger.set_deadline(con, "night", H - timedelta(hours=1))
        assert ledger.abandon_watch_runs(con, H, "me") == ["dead-1", "dead-2"]
        statuses = dict(con.execute("SELECT run_id, status FROM pipeline_runs").fetchall())
        assert statuses == {
            "dead-1": "interrupted", "dead-2": "interrupted", "due-now": "running", "no-deadline": "running",
            "ended": "success", "me": "running", "night": "running",
        }  # fmt: skip
        [(detail,)] = con.execute(
            "SELECT detail FROM run_steps WHERE run_id = 'dead-1' AND step = 'interrupted'"
        ).fetchall()
        assert detail.startswith("did not finish: still running when run me began, past its deadline")
