"""brandpulse_nightly: one night of brand mentions, from sources to scored rows, metrics, alerts and the report.

    prepare ─┬─> extract (brand × source) ─> load ─> plan_scores ─> score (shard) ─> load_scores ─> daily_metrics ─┐
             │                                                                                                 │
             │    ┌────────────────────────────────────────────────────────────────────────────────────────────┘
             │    └─> detect ─> send_alerts ─┬─> report ─> finish
             └─> import_surveys, import_customers ─> survey_metrics ─┘

Runs at 02:00 UTC. The timetable gives each run a one-day data interval [D-1 02:00, D 02:00); the run
processes the UTC calendar day D-1 (00:00-24:00), so sources have two hours for late posts to arrive.
Backfill with ``airflow backfill create --dag-id brandpulse_nightly --from-date ... --to-date ...
--max-active-runs 1`` (nights in order: the backfill's runs are not held to this DAG's ``max_active_runs``); add
``--dag-run-conf '{"draw_report": false}'`` (the ``draw_report`` param, true by default) so that the backfill's
nights record their report step as not drawn instead of each drawing a report that the next one draws over, as
``brandpulse run --no-report`` does.

This file only wires steps: each task calls the step function of the same name (see ``pipeline/night.py``
for the whole night in one place). Scoring fans out: ``plan_scores`` stages the night's unscored mentions as
shards of ``scoring.shard_size`` texts, one mapped ``score`` task per shard scores its file outside the warehouse
(on any worker that reads the staging area), and ``load_scores`` stores them all in one transaction (see
``pipeline/scoring.py``). Each task imports only its own step's module, so an extract task never
loads pandas, torch or matplotlib. Tasks that return a dict say ``multiple_outputs=False``: the counts are one
XCom, not one per key (TaskFlow's default for a ``-> dict`` annotation, ten metadata-DB writes a task).
Config and warehouse come from $BRANDPULSE_CONFIG and $BRANDPULSE_DB, read when a task runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import (
    CronDataIntervalTimetable,
    Param,
    dag,
    get_current_context,
    task,
)

from pipeline.config import env_minutes
from pipeline.retries import NO_RETRY_WHEN, NoDataInterval  # stopped, or a config error: fail at once

# Each try of each task stops after this long: nothing a night reads (an endpoint, a file, a stalled mount) can
# hold it, and max_active_runs=1 the nights after it, for ever. A stopped step fails; the night ends partial or
# failed, naming it, and the next night runs.
TASK_TIMEOUT = timedelta(minutes=env_minutes("BRANDPULSE_NIGHT_TASK_TIMEOUT_MINUTES", 240, least=1))


def _night(*steps: str):
    """(config, warehouse path, day, run id) for the running task. ``steps``: what the task's step records in the
    ledger, dropped first when the run has ended (the task cleared after the night's finish: ``rerun_steps``)."""
    from pipeline.config import load_config
    from pipeline.warehouse import db_path

    ctx = get_current_context()
    start = ctx.get("data_interval_start")
    if start is None:
        raise NoDataInterval(
            "this run has no data interval: trigger brandpulse_nightly with a logical date "
            "(the night it processes is the UTC day the data interval starts on)"
        )
    config, db = load_config(), db_path()
    if steps:
        from pipeline import ledger

        ledger.rerun_steps(db, ctx["run_id"], steps, timeout=config.lock_timeout_s)
    return config, db, start.astimezone(UTC).date(), ctx["run_id"]


@dag(
    dag_id="brandpulse_nightly",
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,  # nights in order: a night's detect reads the alerts of the nights before it (incidents)
    default_args={
        "retries": 1,
        "retry_delay": timedelta(minutes=1),
        "retry_policy": NO_RETRY_WHEN,
        "execution_timeout": TASK_TIMEOUT,
    },
    tags=["brandpulse"],
    doc_md=__doc__,
    params={
        "draw_report": Param(
            True,
            type="boolean",
            description="false: the report step records the night as not drawn (a backfill's nights: the scheduled "
            "night after them draws the report)",
        )
    },
)
def brandpulse_nightly():
    @task
    def prepare() -> list[dict]:
        from airflow.sdk.configuration import conf

        from pipeline import night

        config, db, day, run_id = _night()
        # more jobs than Airflow maps: a config error before the run is registered (not Airflow's after it)
        limit = conf.getint("core", "max_map_length", fallback=1024)
        return night.prepare(config, db, day, run_id, trigger="airflow", max_jobs=limit)

    @task(
        retries=3,
        retry_delay=timedelta(seconds=30),
        retry_exponential_backoff=2.0,
        max_retry_delay=timedelta(minutes=10),
        map_index_template="{{ job.brand }}/{{ job.source }}",
        multiple_outputs=False,
    )
    def extract(job: dict) -> dict:
        from pipeline import staging

        config, _, day, run_id = _night()  # the source's state and the author key's fingerprint come with the job
        states, key = staging.states_of([job]), job.get("author_key")  # no warehouse access here
        return staging.extract(config, job["brand"], job["source"], day, run_id, states=states, author_key=key)

    # a failed source fails its own task; the night goes on and records it
    @task(trigger_rule="all_done", multiple_outputs=False)
    def load() -> dict:
        from pipeline import load as loading

        config, db, day, run_id = _night("load")
        return loading.load(config, db, day, run_id).__dict__

    @task
    def plan_scores() -> list[int]:
        from pipeline import scoring

        config, db, day, run_id = _night()
        return scoring.plan_shards(config, db, day, run_id)

    @task(map_index_template="shard {{ shard }}", multiple_outputs=False)
    def score(shard: int) -> dict:
        from pipeline import scoring

        config, _, day, run_id = _night()
        return scoring.score_shard(config, day, run_id, shard)

    @task(trigger_rule="none_failed")  # no shard (nothing to score) skips the mapped task; this still records it
    def load_scores() -> int:
        from pipeline import scoring

        config, db, day, run_id = _night("score")
        return scoring.load_scores(config, db, day, run_id)

    @task
    def daily_metrics() -> list[str]:
        from pipeline import metrics

        config, db, day, run_id = _night("daily_metrics")
        return [d.isoformat() for d in metrics.daily_metrics(config, db, day, run_id)]

    @task(multiple_outputs=False)
    def import_surveys() -> dict:
        from pipeline.surveys import ingest

        config, db, day, run_id = _night("import_surveys", "score_survey_comments")
        return ingest.import_surveys(config, db, run_id, day=day)

    @task(multiple_outputs=False)
    def import_customers() -> dict:
        from pipeline.surveys import ingest

        config, db, day, run_id = _night("import_customers")
        return ingest.import_customers(config, db, run_id, day=day)

    @task(trigger_rule="all_done")  # a failed survey source is recorded; the metrics of the rest go on
    def survey_metrics() -> int:
        from pipeline import ledger
        from pipeline.surveys import rollup

        config, db, _, run_id = _night("survey_metrics")
        # all_done: not after a prepare that failed before it registered the run (another author key, a moved
        # brand id): no survey metrics recorded for no run (RunNotRegistered: not retried)
        ledger.require_run_in(db, run_id, timeout=config.lock_timeout_s)
        return rollup.survey_metrics(config, db, run_id)

    @task
    def detect() -> list[str]:
        from pipeline.alerts import incidents

        config, db, day, run_id = _night("detect")
        return incidents.detect(config, db, day, run_id)

    # all_done: a step before it that failed (detect, scoring) leaves the alerts on file to deliver: the watch's held
    # for quiet hours, deliveries to retry; not after a prepare that failed before it registered the night
    @task(trigger_rule="all_done", multiple_outputs=False)
    def send_alerts() -> dict:
        from pipeline import ledger
        from pipeline.alerts import delivery

        config, db, _, run_id = _night("send_alerts")
        ledger.require_run_in(db, run_id, timeout=config.lock_timeout_s)
        return delivery.send_alerts(config, db, run_id)

    @task(trigger_rule="all_done")  # the report shows whatever landed, also on a partial night
    def report() -> str:
        from pipeline import ledger
        from pipeline.report import build

        config, db, day, run_id = _night("report")
        # all_done: no report of a night that read nothing drawn over the last one's, after a prepare that failed
        ledger.require_run_in(db, run_id, timeout=config.lock_timeout_s)
        # an older night's leaves the later day's report as it is (build.kept_report)
        backfill = "not drawn: draw_report is false in this run's conf (a backfill: a later night draws the report)"
        drawn = get_current_context()["params"].get("draw_report", True)
        step = build.report(config, db, day, run_id, not_drawn=None if drawn else backfill)
        return str(step.index) if step.not_drawn is None else step.not_drawn  # not a later day's index, as if drawn

    @task(trigger_rule="all_done")
    def finish() -> str:
        from pipeline import night

        config, db, _, run_id = _night()
        return night.finish(config, db, run_id)

    jobs = prepare()
    pages = report()
    shards = plan_scores()
    extract.expand(job=jobs) >> load() >> shards
    score.expand(shard=shards) >> load_scores() >> daily_metrics() >> detect() >> send_alerts() >> pages
    # survey exports and customer lists are read beside the extracts
    jobs >> [import_surveys(), import_customers()] >> survey_metrics() >> pages
    pages >> finish()


brandpulse_nightly()
