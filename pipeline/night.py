"""Whole-night orchestration: the bookends of a night and the night run in-process.

The only module that imports every step module. One night (a UTC calendar ``day``) flows like this::

    prepare ─┬─> extract (brand × source) ─> load ─> score ─> daily_metrics ─> detect ─> send_alerts ─┬─> report
             └─> import_surveys, import_customers ─> survey_metrics ─────────────────────────────┘   └─> finish

- :func:`prepare` applies pending migrations, waits for a watch run in progress (:data:`WATCH_WAIT_S`), registers
  the run in the ledger and returns the extract jobs;
- :func:`finish` closes the run (``success``, ``partial`` or ``failed``) and raises
  :class:`~pipeline.ledger.RunFailed` unless it succeeded, so the Airflow run and the CLI's exit status show it;
- :func:`interrupted` records a run stopped by SIGTERM or Ctrl-C (:mod:`pipeline.interrupt`);
- :func:`run_day` is the whole night in this process, step after step: what ``brandpulse run --date`` does;
  :func:`run_days` is a backfill without a scheduler (``brandpulse run --date D --to D2``), night after night,
  reading the survey exports once and drawing the report once. The DAG in ``dags/`` wires the same functions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline import authorkey, ledger
from pipeline.alerts.delivery import send_alerts
from pipeline.alerts.incidents import detect
from pipeline.config import Config
from pipeline.ledger import RunFailed, close_run, new_run_id, record_step, start_run
from pipeline.load import load
from pipeline.metrics import daily_metrics, day_hours
from pipeline.report.build import report
from pipeline.scoring import MENTIONS, score, score_pending, version_to_score
from pipeline.staging import (
    check_brand_ids,
    check_mappable,
    extract,
    extract_each,
    plan,
    start_stage,
    states_of,
    with_states,
)
from pipeline.surveys.ingest import import_customers, import_surveys
from pipeline.surveys.rollup import survey_metrics
from pipeline.warehouse import connect, execute, held, migrate, row, rows, schema_version, transaction

logger = logging.getLogger("brandpulse")

# Both DAGs fire at 02:00: a watch run that registered first (it skips once a night is registered) is let finish,
# for the warehouse's one writer at a time, and for its load not to land after the night's and overwrite the
# sources' state the night saved. A run takes minutes; one of the DAG 'running' past its deadline
# (pipeline.config.watch_run_timeout) is dead, and marked interrupted, and one before it is waited for however long
# it has run (a 2-hour interval's may take 115 minutes); one 'running' for over WATCH_GUARD without a deadline (a
# `brandpulse watch` run) is not waited for; after WATCH_WAIT_S the night starts beside a live one, with a warning.
WATCH_GUARD = timedelta(hours=1)
WATCH_WAIT_S = 1800.0
WATCH_POLL_S = 5.0


def prepare(
    config: Config, db: Path, day: date, run_id: str, trigger: str = "cli", max_jobs: int | None = None
) -> list[dict]:
    """Apply pending migrations, check the author key (:func:`pipeline.authorkey.check`: another key than the
    warehouse's raises before the run is registered), register the run, and return the extract jobs, each with its
    source's stored state (:func:`pipeline.staging.with_states`) and the key's fingerprint (``author_key``).
    ``max_jobs``: the most extract tasks the DAG may map (:func:`pipeline.staging.check_mappable`).

    A watch run in progress is waited for (at most :data:`WATCH_WAIT_S`): the check and the registration are one
    session under the warehouse's lock, so no watch run starts between them."""
    jobs = plan(config)
    waited_since, said, dead = time.monotonic(), False, []
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            try:  # a migration that fails (one changed after it was applied) too
                applied = migrate(con)
                check_brand_ids(config, con)
                check_mappable(config, jobs, max_jobs)
                key = authorkey.check(config, con, db)
            except Exception as exc:  # an earlier attempt's run (cleared and run again) must not end a success
                ledger.prepare_failed(con, run_id, exc)
                raise
            now = datetime.now(UTC)
            with transaction(con):
                dead += ledger.abandon_watch_runs(con, now, run_id)
            watch = ledger.running_watch(con, now - WATCH_GUARD)
            late = time.monotonic() - waited_since >= WATCH_WAIT_S
            if watch is None or late:
                start_run(con, run_id, day, trigger)
                version = schema_version(con)
                break
        if not said:  # once, not every poll
            logger.info(f"run {run_id}: waiting for watch run {watch['run_id']} to finish (one writer at a time)")
            said = True
        time.sleep(WATCH_POLL_S)
    with ledger.closed_on_failure(db, run_id, ledger.REQUIRED_STEPS, config.lock_timeout_s):  # registered
        if watch is not None:
            logger.warning(
                f"run {run_id}: watch run {watch['run_id']} still running after {WATCH_WAIT_S:g} s; starting"
            )
        for dead_id in dead:
            logger.warning(f"run {run_id}: watch run {dead_id} was still running past its deadline: marked interrupted")
        if applied:
            logger.info(f"warehouse {db}: applied migrations {applied}; schema version {version}")
        start_stage(config, day, run_id, jobs)  # its folder made, an earlier attempt's manifests gone
        return [{**job, "author_key": key} for job in with_states(config, db, jobs)]  # waits for the lock


def expected_steps(config: Config) -> tuple[str, ...]:
    """The survey branch's steps a night records, as the config has them: a survey or customer import (when it
    lists sources or customers) and the survey metrics. One that recorded nothing (its Airflow task failed first)
    makes the night ``partial``: the DAG's run ends with ``finish``, whatever they did."""
    surveys = config.surveys
    imports = (("import_surveys", surveys and surveys.sources), ("import_customers", surveys and surveys.customers))
    return (*(step for step, configured in imports if configured), "survey_metrics")


def finish(config: Config, db: Path, run_id: str, surveys: bool = True) -> str:
    """Close the run: success, partial (a source failed or is missing, or a survey step recorded nothing:
    :func:`expected_steps`; ``surveys=False`` for a night that leaves them out) or failed (a later step did).

    Raises :class:`~pipeline.ledger.RunFailed` (with its ``status``) unless the run succeeded; the data that did
    land stays landed.
    """
    with connect(db, timeout=config.lock_timeout_s) as con:
        try:
            status = close_run(con, run_id, expected=expected_steps(config) if surveys else ())
        except RunFailed as exc:
            logger.info(f"run {run_id}: {exc.status}")
            raise
    logger.info(f"run {run_id}: {status}")
    return status


def run_day(
    config: Config,
    db: Path,
    day: date,
    run_id: str | None = None,
    trigger: str = "cli",
    scorer=None,
    today: date | None = None,
    surveys: bool = True,
    report_not_drawn: str | None = None,
) -> dict:
    """The whole night for one day, in-process: what ``brandpulse run --date`` does.

    A failing source does not stop the others; the run is then ``partial`` (``status`` in the result).
    Configuration errors stop the night at once. For :func:`run_days`: ``surveys=False`` leaves out the survey
    and customer imports and the survey metrics; ``report_not_drawn`` (a reason) records the report step with
    that reason instead of drawing the report.
    """
    run_id = run_id or new_run_id(day, trigger)
    # not under held(): prepare may wait for a watch run, whose load and finish need the warehouse's lock
    jobs = prepare(config, db, day, run_id, trigger)
    states = states_of(jobs)  # each source's state, read once for all the extracts (load writes them)
    # SIGTERM or Ctrl-C (pipeline.interrupt), a configuration error met mid-night, a bug: recorded, not left running
    with ledger.closed_on_failure(db, run_id, ledger.REQUIRED_STEPS, config.lock_timeout_s):
        return _run_steps(config, db, day, run_id, jobs, states, scorer, today, surveys, report_not_drawn)


def close(config: Config, db: Path, run_id: str, required: tuple[str, ...]) -> str:
    """Close a run that is not a night (a rescore, a survey or customer import from the command line) by the steps
    it ``required``: ``success``, ``partial`` (a source failed) or ``failed``. Returns the status; never raises
    :class:`RunFailed`, so it can close a run whose work raised. Without it the run stayed ``running`` for good
    (and the watch skipped its hours for ``NIGHT_GUARD``)."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        try:
            return close_run(con, run_id, required)
        except RunFailed as exc:
            return exc.status


def interrupted(config: Config, db: Path, run_id: str, reason: str) -> None:
    """Record that a run was stopped (SIGTERM, Ctrl-C) before it finished: ``interrupted``, with the reason (the
    demo's and the tests' ``dag.test()`` nights, whose task's KeyboardInterrupt Airflow caught). The steps it
    finished stay committed and the one it was in rolled back; the same command again carries on."""
    ledger.interrupted(db, run_id, reason, config.lock_timeout_s)
    logger.warning(f"run {run_id}: interrupted ({reason}); run the same command again to complete it")


def _run_steps(config, db, day, run_id, jobs, states, scorer, today, surveys, report_not_drawn) -> dict:
    # Quick steps share one open warehouse (warehouse.held); the imports and scoring (the model), the extracts
    # and the alert delivery (the network) and the report (charts) open it for each read and write, briefly.
    surveyed = import_surveys(config, db, run_id, day=day, scorer=scorer) if surveys else {}
    listed = import_customers(config, db, run_id, day=day) if surveys else {}
    failed = {f"surveys/{name}": why for name, why in surveyed.get("failed_sources", {}).items()}
    failed |= {f"customers/{name}": why for name, why in listed.get("failed_sources", {}).items()}
    failed |= extract_each(
        jobs,
        lambda job: extract(
            config, job["brand"], job["source"], day, run_id, states=states, author_key=job["author_key"]
        ),
    )
    loaded = load(config, db, day, run_id)
    scored = score(config, db, run_id, scorer=scorer)
    with held(db, timeout=config.lock_timeout_s):
        daily_metrics(config, db, day, run_id)
        if surveys:
            survey_metrics(config, db, run_id)
        raised = detect(config, db, day, run_id, today=today)
    sent = send_alerts(config, db, run_id, today=today)
    # an older night's (a report of a later day there) is not drawn either: its summary names no later day's index
    drawn = report(config, db, day, run_id, not_drawn=report_not_drawn)
    with held(db, timeout=config.lock_timeout_s):
        try:
            status = finish(config, db, run_id, surveys=surveys)
        except RunFailed as exc:
            status = exc.status
    return {
        "run_id": run_id,
        "day": day.isoformat(),
        "status": status,
        "new_mentions": loaded.new_mentions,
        "already_present": loaded.seen_mentions,
        "quarantined": loaded.quarantined,
        "scored": scored,
        "survey_responses": surveyed.get("new", 0),
        "alerts": raised,
        "deliveries": sent,
        "report": None if drawn.not_drawn is not None else str(drawn.index),
        "report_not_drawn": drawn.not_drawn,  # why "report" is null
        "failed_sources": failed,
    }


def rescore(config: Config, db: Path, since: date, scorer=None, progress=None) -> dict:
    """Score every mention of a day on or after ``since`` with the configured model (in resumable chunks, each
    committed), then make it the current model for those days (``scoring/make_current``: also an older model come
    back, whose scores exist already) and recompute their metrics, so trends and the detector use it for them.

    ``progress(done, total)`` is called after each chunk. Re-running after an interruption continues where it
    stopped; re-running when done scores nothing."""
    run_id = new_run_id(since, "rescore")
    with connect(db, timeout=config.lock_timeout_s) as con:
        migrate(con)  # after an upgrade, before any night: its migrations first, as a night's prepare applies them
        start_run(con, run_id, since, "rescore")
    # SIGTERM or Ctrl-C: interrupted, the chunks done stay and a re-run carries on; an error: failed, and recorded
    with ledger.closed_on_failure(db, run_id, ("rescore",), config.lock_timeout_s):
        result = _rescore(config, db, since, run_id, scorer, progress)
    result["status"] = close(config, db, run_id, ("rescore",))
    return result


def _rescore(config: Config, db: Path, since: date, run_id: str, scorer, progress) -> dict:
    # the model rescored to, read once outside the lock (its files hashed; its weights loaded only if needed). The
    # progress counts the mentions it has scored already (a stopped rescore's chunks) as done: a re-run's bar ended
    # short of its total (3 of 5) though every mention was scored
    version = scorer.version if scorer is not None else version_to_score(config)
    with connect(db, timeout=config.lock_timeout_s) as con:
        todo = row(
            con.execute(
                "SELECT count(*) AS n, count(s.mention_id) AS done FROM mentions m"
                " LEFT JOIN sentiment s ON s.mention_id = m.mention_id AND s.model_version = ? WHERE m.day >= ?",
                [version, since],
            )
        )
    if progress:  # the bar knows its total before the first chunk (it read "0/?" until then, and for good if none)
        progress(todo["done"], todo["n"])
    done = score_pending(
        config,
        db,
        run_id,
        MENTIONS,
        scorer=scorer,
        since=since,
        # a mention never scored (a night that died after its load) is scored too, also from before `since`: the
        # total grows past the count of the rescored days rather than the bar running over its end
        progress=(lambda n: progress(todo["done"] + n, max(todo["n"], todo["done"] + n))) if progress else None,
    )
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        # the last day read now, not before the chunks: a night that loaded (and, with another model, scored and
        # counted) a later day meanwhile had it scored by the chunks too and made current below, and its metrics
        # must then be recomputed with the rest, not left counting the other model beside this one's latest scores
        # from the first day with a mention: --since 2000-01-01 recomputed 9,770 empty days
        span = row(con.execute("SELECT min(day) AS first, max(day) AS last FROM mentions WHERE day >= ?", [since]))
        first, last = span["first"], span["last"]
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)] if last is not None else []
        # and the days before `since` of the mentions never scored that it scored too (or a stopped attempt of it
        # did): no later night counts them (its metrics/run_days finds only its own scores, its metrics/stale_days
        # only its look-back). Their metrics are older than their scores, as stale_days finds, in one read of the days
        before = {"first": date.min, "last": since - timedelta(days=1)}
        days = sorted(set(days) | {r["day"] for r in rows(execute(con, "metrics/stale_days", before))})
        if last is not None:
            # the configured model, also an older one come back: current for these days (also when none of its
            # scores was missing, a rollback's, and the model was not loaded)
            execute(con, "scoring/make_current", {"model_version": done.version or version, "since": since})
        if days:
            execute(con, "metrics/daily", {"days": days, "run_id": run_id})
            # the hours too: the watch's series keeps the hours of its latest hour's model version, so hours left on
            # the old model would leave it without history (min_history_hours) for two weeks after a model change
            execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": run_id})
    with connect(db, timeout=config.lock_timeout_s) as con:
        record_step(
            con,
            run_id,
            "rescore",
            rows_in=todo["n"],
            rows_out=done.attempted,
            rows_quarantined=0,
            detail=f"model {done.model}; {done.rate:.0f} texts/s; metrics recomputed for {len(days)} day(s)",
        )
    return {"run_id": run_id, "mentions": todo["n"], "scored": done.attempted, "days": len(days), "model": done.model}


def run_days(
    config: Config,
    db: Path,
    first: date,
    last: date,
    trigger: str = "cli",
    scorer=None,
    today: date | None = None,
    on_night: Callable[[dict], None] | None = None,
    draw_report: bool = True,
) -> list[dict]:
    """Every night from ``first`` to ``last`` (inclusive), in order: a backfill without a scheduler.

    Each night runs :func:`run_day`, except for what is read or rebuilt whole rather than by night: survey
    exports and customer lists are whole files (the night's day only dates their quarantine rows) and the survey
    metrics are recomputed whole, so the first night imports them and recomputes the metrics, and the others
    leave them out; every night's report overwrites the one before, so only the last night draws it (the others
    record their report step as not drawn, with the reason). The warehouse ends as it would after ``run_day``
    night by night. ``on_night(result)`` is called after each night (progress). ``draw_report=False`` leaves the
    last night's report to a later run too (a backfill that a scheduled night follows, which draws it). Returns
    the results."""
    not_drawn = (
        f"not drawn: this backfill draws the report of {last} only"
        if draw_report
        else "not drawn: this backfill leaves the report to the next night (--no-report)"
    )
    results = []
    day = first
    while day <= last:
        result = run_day(
            config,
            db,
            day,
            trigger=trigger,
            scorer=scorer,
            today=today,
            surveys=day == first,
            report_not_drawn=None if day == last and draw_report else not_drawn,
        )
        results.append(result)
        if on_night:
            on_night(result)
        day += timedelta(days=1)
    return results
