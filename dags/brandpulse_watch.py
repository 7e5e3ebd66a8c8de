"""brandpulse_watch: same-day alerts between two nights, from the network sources, every hour.

    prepare ─> extract (brand × network source) ─> load ─> score ─> hourly_metrics ─> detect ─> send_alerts ─> finish

Each run covers its data interval [end - interval, end) and its sources read from ``watch.overlap_minutes``
before it (late items); file drops and surveys stay nightly, and ``brandpulse_nightly`` remains the
authoritative day (it re-reads the whole day and reconciles what the watch loaded). ``prepare`` skips the run
(every later task skipped, the run recorded ``skipped`` with the reason) when ``watch.enabled`` is false, when
there is no network source, or while a night run is running: the warehouse has one writer at a time.

**Every 15 minutes instead of hourly:** set ``BRANDPULSE_WATCH_INTERVAL_MINUTES=15`` in the scheduler's, the
DAG processor's and the workers' environment (read when this file is parsed, also by a worker to run a task: the
extract tasks' timeout comes from it; 15, 20, 30, or whole hours dividing a day) and ``watch.interval_minutes: 15``
in brandpulse.yaml; a run whose interval differs from the config or the worker's value fails at prepare.

This file only wires steps: each task calls its step's function (prepare and finish in ``pipeline/watch.py``,
whose ``run_watch`` is one run in one place), importing only its own step's module, so an extract task never
loads pandas, torch or matplotlib; the read window comes with each job from ``prepare``. Config and warehouse come
from $BRANDPULSE_CONFIG and $BRANDPULSE_DB, read when a task runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import (
    CronDataIntervalTimetable,
    dag,
    get_current_context,
    task,
)

from pipeline.config import env_minutes, watch_interval, watch_run_timeout
from pipeline.retries import (  # stopped, or a config error: fail at once
    NO_RETRY_WHEN,
    NO_RETRY_WHEN_TIMEOUT_RETRIES,
    NoDataInterval,
)


def _cron(minutes: int) -> str:
    """The cron expression of a watch interval (validated as the config's ``watch.interval_minutes`` is)."""
    try:
        watch_interval(minutes)
    except ValueError as exc:
        raise ValueError(f"BRANDPULSE_WATCH_INTERVAL_MINUTES: {exc}") from None
    return f"*/{minutes} * * * *" if minutes < 60 else f"0 */{minutes // 60} * * *" if minutes > 60 else "0 * * * *"


INTERVAL_MINUTES = env_minutes("BRANDPULSE_WATCH_INTERVAL_MINUTES", 60)
SCHEDULE = _cron(INTERVAL_MINUTES)


def _run(*steps: str):
    """(config, warehouse path, interval end, run id) for the running task. The run id in the ledger (and the
    staging area) is Airflow's prefixed with ``watch__``: the 01:00-02:00 watch run and the night, both due at
    02:00, get the same Airflow run id (``scheduled__...T02:00:00+00:00``), and one ledger row for both merged
    them (the watch skipped the night's own run). ``steps``: what the task's step records in the ledger, dropped
    first when the run has ended (the task cleared after the run's finish: ``rerun_steps``)."""
    from pipeline.config import load_config
    from pipeline.warehouse import db_path

    ctx = get_current_context()
    end = ctx.get("data_interval_end")
    if end is None:
        raise NoDataInterval("this run has no data interval: trigger brandpulse_watch with a logical date")
    config, db, run_id = load_config(), db_path(), f"watch__{ctx['run_id']}"
    if steps:
        from pipeline import ledger

        ledger.rerun_steps(db, run_id, steps, timeout=config.lock_timeout_s)
    return config, db, _plain(end), run_id


def _plain(moment) -> datetime:
    """Airflow's (pendulum) time as a plain UTC datetime, as the pipeline's windows compare them."""
    return datetime.fromtimestamp(moment.timestamp(), UTC)


@dag(
    dag_id="brandpulse_watch",
    schedule=CronDataIntervalTimetable(SCHEDULE, timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,  # one watch run at a time; a night running beside it makes it skip (prepare)
    dagrun_timeout=watch_run_timeout(INTERVAL_MINUTES),  # its prepare records the deadline (pipeline.watch)
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30), "retry_policy": NO_RETRY_WHEN},
    tags=["brandpulse"],
    doc_md=__doc__,
)
def brandpulse_watch():
    @task.short_circuit  # no jobs (skipped: disabled, no network source, a night running): skip the rest
    def prepare() -> list[dict]:
        from airflow.sdk.configuration import conf

        from pipeline import watch

        config, db, end, run_id = _run()
        ctx = get_current_context()
        # this worker read INTERVAL_MINUTES when it parsed this file: its extract tasks' timeout comes from it
        watch.check_interval(config, _plain(ctx["data_interval_start"]), end, parsed=INTERVAL_MINUTES)
        started = _plain(ctx["dag_run"].start_date or end)  # Airflow stops the run at dagrun_timeout from then
        limit = conf.getint("core", "max_map_length", fallback=1024)  # the most extract tasks Airflow maps
        return watch.prepare(config, db, end, run_id, run_started=started, max_jobs=limit)

    @task(
        retries=2,
        retry_delay=timedelta(seconds=20),
        # a quarter of the run's time a try, so three tries of a stalled source end before the run's timeout and the
        # load still lands the other sources (the sources' deadline_s, 30 minutes by default, outlived the run)
        execution_timeout=watch_run_timeout(INTERVAL_MINUTES) / 4,
        retry_policy=NO_RETRY_WHEN_TIMEOUT_RETRIES,  # its timeout is a try's share of the run, not a hang's bound
        map_index_template="{{ job.brand }}/{{ job.source }}",
        multiple_outputs=False,
    )
    def extract(job: dict) -> dict:
        from pipeline import staging

        config, _, end, run_id = _run()  # the source's state and the author key's fingerprint come with the job
        day, window = staging.watch_day(config, end), staging.job_window(config, end, job)
        states, key = staging.states_of([job]), job.get("author_key")  # no warehouse access here
        return staging.extract(
            config, job["brand"], job["source"], day, run_id, states=states, window=window, author_key=key
        )

    # a failed source fails its own task; the run goes on and records it
    @task(trigger_rule="all_done", multiple_outputs=False)
    def load() -> dict:
        from pipeline import load as loading
        from pipeline import staging

        config, db, end, run_id = _run("load")
        return loading.load(config, db, staging.watch_day(config, end), run_id, network_only=True).__dict__

    @task
    def score() -> int:
        from pipeline import scoring

        config, db, _, run_id = _run("score")
        return scoring.score(config, db, run_id)

    @task
    def hourly_metrics() -> list[str]:
        from pipeline import watch

        config, db, end, run_id = _run("hourly_metrics")
        return [h.isoformat() for h in watch.hourly_metrics(config, db, end, run_id)]

    @task
    def detect() -> list[str]:
        from pipeline import watch

        config, db, end, run_id = _run("detect")
        return watch.detect(config, db, end, run_id)

    # all_done: a step before it that failed (detect, score) leaves the alerts on file to deliver: the night's held
    # for quiet hours (their digest), deliveries to retry; not after a prepare that failed before it registered
    @task(trigger_rule="all_done", multiple_outputs=False)
    def send_alerts() -> dict:
        from pipeline import ledger
        from pipeline.alerts import delivery

        config, db, _, run_id = _run("send_alerts")
        ledger.require_run_in(db, run_id, timeout=config.lock_timeout_s)
        return delivery.send_alerts(config, db, run_id)

    @task(trigger_rule="all_done")
    def finish() -> str:
        from pipeline import watch

        config, db, _, run_id = _run()
        return watch.finish(config, db, run_id)

    jobs = prepare()
    extract.expand(job=jobs) >> load() >> score() >> hourly_metrics() >> detect() >> send_alerts() >> finish()


brandpulse_watch()
