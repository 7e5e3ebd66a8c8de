"""The hourly watch: same-day alerts between two nights, from the network sources only.

One watch run covers the interval ``[end - watch.interval_minutes, end)`` and flows like the night, smaller::

    prepare ─> extract (brand × network source) ─> load ─> score ─> hourly_metrics ─> detect ─> send_alerts ─> finish

- each source reads ``[start - watch.overlap_minutes, end)`` (the overlap catches items that appear late), or
  from where the last successful watch run ended when that was earlier (a run skipped beside a night, or one
  that failed; at most ``staging.MAX_CATCH_UP`` back), so no hour goes unread by the watch; ``prepare``
  records the window (``pipeline_runs.read_from``, ``window_end``) for the hourly metrics and detection, and
  gives each extract job its source's own start: where the last run that landed that source's window ended (a
  run that was partial because another source failed counts), so one source's outage does not make the others
  re-read hours; file drops and surveys stay nightly;
- load is the night's load: natural keys and upserts, so what a watch run loaded the night finds
  ``already_present``, and the night (which re-reads its whole day window) reconciles whatever the watch missed.
  Sources read windows, not cursors: the state a watch run stores never makes the night skip an item;
- score scores the new mentions only (those without a score); ``hourly_metrics`` recomputes the hours the run
  touched (:func:`pipeline.metrics.hourly_metrics`); ``detect`` runs the intraday detector and records
  ``hourly_spike`` / ``volume_spike`` alerts (:func:`pipeline.alerts.incidents.detect_watch`); send_alerts is the
  night's;
- :func:`prepare` skips the run (status ``skipped``, with the reason, and writes nothing else) when the watch is
  disabled, when there is no network source, or when a night (any run that is not a watch run) is still
  ``running`` and started less than :data:`NIGHT_GUARD` ago: the warehouse has one writer at a time, and the
  night's day is authoritative. It marks an earlier run of the DAG still ``running`` past its deadline
  (:func:`pipeline.config.watch_run_timeout`: Airflow stopped it, its ``finish`` never ran) ``interrupted``
  (:func:`pipeline.ledger.abandon_watch_runs`), so the ledger never shows it running for good.

Watch runs are ``pipeline_runs`` rows with trigger ``watch`` (the DAG's and the CLI's alike); their ``day`` is
the day the interval starts on. :func:`run_watch` is one run in-process (``brandpulse watch --at``); the DAG
``brandpulse_watch`` wires the same step functions.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline import authorkey, ledger, staging
from pipeline.alerts.delivery import send_alerts
from pipeline.alerts.incidents import detect_watch
from pipeline.config import Config, ConfigError, watch_run_timeout
from pipeline.ledger import (
    WATCH_STEPS,
    RunFailed,
    RunNotRegistered,
    close_run,
    last_watch_end,
    last_watch_reads,
    new_run_id,
    running_night,
    set_watch_window,
    skip_run,
    start_run,
    watch_read_from,
)
from pipeline.load import load as load_step
from pipeline.metrics import hourly_metrics as hourly_metrics_step
from pipeline.scoring import score as score_step
from pipeline.staging import interval, job_window, read_window, watch_day
from pipeline.staging import utc as _utc
from pipeline.warehouse import connect, migrate, row, transaction

logger = logging.getLogger("brandpulse")

TRIGGER = "watch"
NIGHT_GUARD = timedelta(hours=6)  # a 'running' night older than this is taken as dead, not running


def check_interval(config: Config, start: datetime, end: datetime, parsed: int | None = None) -> None:
    """Refuse a scheduled interval ``[start, end)`` that is not the configured ``watch.interval_minutes`` long
    (the DAG's schedule comes from $BRANDPULSE_WATCH_INTERVAL_MINUTES, read when the DAG file is parsed), or, with
    ``parsed`` (the value this worker read when it parsed the DAG file to run the task), one that is not ``parsed``
    minutes long: the scheduler's environment has another value than the worker's, whose extract tasks take their
    timeout (a quarter of the run's) from it, so a stalled source outlived the run and no source landed."""
    minutes = (end - start).total_seconds() / 60
    if minutes != config.watch.interval_minutes:
        raise ConfigError(
            f"{config.source_file}: watch.interval_minutes: is {config.watch.interval_minutes}, but the run covers "
            f"{minutes:g} minutes; set BRANDPULSE_WATCH_INTERVAL_MINUTES (the DAG's schedule) to the same value"
        )
    if parsed is not None and minutes != parsed:
        raise ConfigError(
            f"BRANDPULSE_WATCH_INTERVAL_MINUTES: is {parsed} in this worker's environment (60 when unset), but the "
            f"run covers {minutes:g} minutes (the scheduler's); set it to the same value in the workers' environment "
            "(the extract tasks' timeout comes from it)"
        )


def prepare(
    config: Config,
    db: Path,
    end: datetime,
    run_id: str,
    now: datetime | None = None,
    run_started: datetime | None = None,
    max_jobs: int | None = None,
) -> list[dict]:
    """Apply pending migrations and register the run; return its extract jobs (one per brand × network source,
    each with its source's stored state, its ``read_from`` and the author key's fingerprint), or ``[]`` when
    the run is skipped (recorded ``skipped`` with the reason, and logged). A run that reads its sources checks the
    author key first (:func:`pipeline.authorkey.check`): another key than the warehouse's raises, and the run is
    not registered (a run cleared and run again keeps the earlier attempt's registration, ended failed:
    :func:`pipeline.ledger.prepare_failed`, so its finish does not judge it by that attempt's steps). An earlier
    run of the DAG still ``running`` past its deadline is marked interrupted
    (:func:`pipeline.ledger.abandon_watch_runs`). ``run_started``: this run is the DAG's, started then, which Airflow
    stops :func:`~pipeline.config.watch_run_timeout` later (its ``dagrun_timeout`` counts from the run's start, not
    from this task's, which may have been queued): that deadline is recorded (from ``now`` when ``run_started`` is
    not within the timeout before it). ``max_jobs``: the most extract tasks the DAG may map
    (:func:`pipeline.staging.check_mappable`)."""
    day = watch_day(config, end)
    jobs = staging.plan(config, network_only=True)
    now = now or datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con:
        try:  # a migration that fails (one changed after it was applied) too
            migrate(con)
            staging.check_brand_ids(config, con)
            with transaction(con):
                dead = ledger.abandon_watch_runs(con, now, run_id)
                start_run(con, run_id, day, TRIGGER)
                if run_started is not None:
                    limit = watch_run_timeout(config.watch.interval_minutes)
                    # a start as far back as the timeout is no live run's (dag.test dates a run at its logical date)
                    started = _utc(run_started) if now - limit < _utc(run_started) <= now else now
                    ledger.set_deadline(con, run_id, started + limit)
                reason = None
                night = running_night(con, now - NIGHT_GUARD)
                if not config.watch.enabled:
                    reason = "the watch is disabled (watch.enabled is false in the config)"
                elif not jobs:
                    reason = "no network source is configured (file drops and surveys are read nightly)"
                elif night is not None:
                    reason = (
                        f"night run {night['run_id']} is running (started {night['started_at']:%Y-%m-%d %H:%M} UTC)"
                    )
                if reason:
                    skip_run(con, run_id, reason)
                else:  # a run that reads its sources: another author key rolls the run's registration back
                    staging.check_mappable(config, jobs, max_jobs)
                    key = authorkey.check(config, con, db)
                    last = last_watch_end(con, _utc(end))
                    window = read_window(config, end, last)
                    set_watch_window(con, run_id, window.start, window.end)
                    reads = last_watch_reads(con, _utc(end), run_id)
        except RunNotRegistered:  # its id registered for another day: that run is not this one's to close
            raise
        except Exception as exc:  # an earlier attempt's run (cleared and run again) must not end a success
            ledger.prepare_failed(con, run_id, exc)
            raise
    for dead_id in dead:
        logger.warning(f"watch {run_id}: watch run {dead_id} was still running past its deadline: marked interrupted")
    if reason:
        logger.warning(f"watch {run_id}: skipped: {reason}")
        return []
    with ledger.closed_on_failure(db, run_id, WATCH_STEPS, config.lock_timeout_s):  # registered: never left running
        if window.start < read_window(config, end).start:  # a run before it was skipped or failed
            logger.info(
                f"watch {run_id}: covering from {window.start:%Y-%m-%d %H:%M} UTC, "
                + _catch_up(config, last, window.start)
            )
        staging.start_stage(config, day, run_id, jobs)  # its folder made; an earlier attempt's manifests gone
        jobs = staging.with_states(config, db, jobs)
    return [{**job, "read_from": _source_read_from(config, end, last, reads, job), "author_key": key} for job in jobs]


def _catch_up(config: Config, last: datetime, window_start: datetime) -> str:
    """Why a run reads from ``window_start``, before its usual window: where the last successful run ended
    (``last``), or, when that was longer ago than :data:`pipeline.staging.MAX_CATCH_UP`, that the hours between are
    not read by the watch (the watch re-enabled after a week said it covered from where the last run ended)."""
    overlap = timedelta(minutes=config.watch.overlap_minutes)
    if window_start + overlap <= _utc(last):
        return "where the last successful run ended"
    return (
        f"{staging.MAX_CATCH_UP.total_seconds() / 3600:g} hours back at most: the last successful run ended "
        f"{_utc(last):%Y-%m-%d %H:%M} UTC, and the hours between are left to the nights"
    )


def _source_read_from(config: Config, end: datetime, last: datetime | None, reads: dict, job: dict) -> str:
    """Where a job's source reads from: where the last run that landed its window ended (a run that was partial
    because another source failed counts for this one, so one source's outage does not make every source re-read
    up to ``staging.MAX_CATCH_UP`` each hour), or the last successful run's end for a source no run read yet."""
    own = reads.get((job["brand"], job["source"]))
    latest = max((t for t in (own, last) if t is not None), default=None)
    return read_window(config, end, latest).start.isoformat()


def extract(config: Config, job: dict, end: datetime, run_id: str, db: Path | None = None, states=None):
    """Read one network source (a job of :func:`prepare`) over the run's read window and stage what it read
    (:func:`staging.extract`)."""
    window, day, key = job_window(config, end, job), watch_day(config, end), job.get("author_key")
    return staging.extract(
        config, job["brand"], job["source"], day, run_id, db=db, states=states, window=window, author_key=key
    )


def read_from(config: Config, db: Path, run_id: str, end: datetime) -> datetime:
    """Where the run's window starts (its hourly metrics and detection cover from there), as its ``prepare``
    recorded it."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        recorded = watch_read_from(con, run_id)
    return _utc(recorded) if recorded is not None else read_window(config, end).start


def load(config: Config, db: Path, end: datetime, run_id: str):
    """The night's load, for the network sources this run read."""
    return load_step(config, db, watch_day(config, end), run_id, network_only=True)


def hourly_metrics(config: Config, db: Path, end: datetime, run_id: str) -> list[datetime]:
    """Recompute the hourly metrics of the hours the run read or touched."""
    return hourly_metrics_step(config, db, read_from(config, db, run_id, end), _utc(end), run_id)


def detect(config: Config, db: Path, end: datetime, run_id: str, today: date | None = None) -> list[str]:
    """The intraday detector over the hours the run read; records and explains alerts."""
    return detect_watch(config, db, read_from(config, db, run_id, end), _utc(end), run_id, today=today)


def finish(config: Config, db: Path, run_id: str) -> str:
    """Close the run (``success``, ``partial``, ``failed``: the watch's steps, no daily metrics or report)."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        status = close_run(con, run_id, WATCH_STEPS)
    logger.info(f"watch {run_id}: {status}")
    return status


def run_watch(
    config: Config,
    db: Path,
    end: datetime,
    run_id: str | None = None,
    scorer=None,
    today: date | None = None,
    now: datetime | None = None,
) -> dict:
    """One watch run, in-process, for the interval ending at ``end``: what ``brandpulse watch --at`` does.

    A failing source does not stop the others (the run is then ``partial``). ``now``: the wall clock for the
    running-night check (tests)."""
    end = _utc(end)
    run_id = run_id or new_run_id(watch_day(config, end), TRIGGER)
    covered = interval(config, end)
    result = {"run_id": run_id, "start": covered.start.isoformat(), "end": end.isoformat()}
    jobs = prepare(config, db, end, run_id, now=now)
    if not jobs:
        return {**result, "status": "skipped", "reason": _skip_reason(config, db, run_id)}
    # SIGTERM or Ctrl-C, a configuration error met mid-run, a bug: recorded, the run not left running
    with ledger.closed_on_failure(db, run_id, WATCH_STEPS, config.lock_timeout_s):
        states = staging.states_of(jobs)
        failed = staging.extract_each(
            jobs, lambda job: extract(config, job, end, run_id, states=states), "watch extract"
        )
        loaded = load(config, db, end, run_id)
        scored = score_step(config, db, run_id, scorer=scorer)
        hours = hourly_metrics(config, db, end, run_id)
        raised = detect(config, db, end, run_id, today=today)
        sent = send_alerts(config, db, run_id, today=today)
        try:
            status = finish(config, db, run_id)
        except RunFailed as exc:
            status = exc.status
    return {
        **result,
        "read_from": read_from(config, db, run_id, end).isoformat(),
        "status": status,
        "new_mentions": loaded.new_mentions,
        "already_present": loaded.seen_mentions,
        "quarantined": loaded.quarantined,
        "scored": scored,
        "hours": len(hours),
        "alerts": raised,
        "deliveries": sent,
        "failed_sources": failed,
    }


def run_watches(
    config: Config, db: Path, first_end: datetime, last_end: datetime, scorer=None, today=None, on_run=None
) -> list[dict]:
    """Watch runs for every interval end of :func:`replay_ends`, in order: a replay of a stretch hour by hour
    (``brandpulse watch --from --to``). ``on_run(result)`` after each."""
    results = []
    for end in replay_ends(config, first_end, last_end):
        result = run_watch(config, db, end, scorer=scorer, today=today)
        results.append(result)
        if on_run:
            on_run(result)
    return results


def replay_ends(config: Config, first_end: datetime, last_end: datetime) -> list[datetime]:
    """The interval ends of a replay from ``first_end`` to ``last_end`` (inclusive; none when it is before
    ``first_end``): a ``watch.interval_minutes`` step apart from ``first_end``, and ``last_end`` itself where those
    steps do not land on it (10:17 to 12:00: 10:17, 11:17 and 12:00), so the replay reads up to ``last_end``, not
    short of it (11:17) nor past it (12:17)."""
    first, runs = _utc(first_end), replay_runs(config, first_end, last_end)
    step = timedelta(minutes=config.watch.interval_minutes)
    return [first + i * step for i in range(runs - 1)] + [_utc(last_end)] if runs else []


def replay_runs(config: Config, first_end: datetime, last_end: datetime) -> int:
    """How many interval ends :func:`replay_ends` gives (counted, not listed: a mistyped year is millions)."""
    first, last = _utc(first_end), _utc(last_end)
    return -(-(last - first) // timedelta(minutes=config.watch.interval_minutes)) + 1 if first <= last else 0


def _skip_reason(config: Config, db: Path, run_id: str) -> str | None:
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        found = row(con.execute("SELECT detail FROM run_steps WHERE run_id = ? AND step = 'skipped'", [run_id]))
    return found["detail"] if found else None
