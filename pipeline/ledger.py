"""The run ledger: every night is a row in ``pipeline_runs`` and every step a row in ``run_steps``.

Imports only :mod:`pipeline.warehouse` (and :mod:`pipeline.interrupt`, which it imports), so every step module can
record itself without importing another.

- :func:`new_run_id` names a run (``<trigger>__<day>__<8 hex>``); Airflow passes its own run id instead.
- :func:`start_run` registers a run, or opens it again from now on (a prepare retried, an Airflow run cleared
  and run again: its start is this attempt's, which the watch's guard reads);
  :func:`require_run` refuses to write for a run that was never registered (and gives a registered run's day);
  :func:`require_run_in` does it for a step that joins a run from outside (a DAG task, a ``--run-id``).
- :func:`rerun_steps` drops what a step joining a run from outside (a DAG task, a ``--run-id`` command) recorded
  before it runs again in a run that has ended (a task cleared, a command run again, after the run's finish), so
  the finish after it judges this try.
- :func:`record_step` records (or, on a retry of the same run, re-records) one step's counts.
- :func:`close_run` sets the run's status from its steps (``success``, ``partial`` when a source failed or is
  missing, ``failed`` when a later step did) and raises :class:`RunFailed`, which carries that status, unless
  it succeeded.
- :func:`stop_run` marks a run that was stopped (SIGTERM, Ctrl-C) ``interrupted``; a re-run of its night
  completes the night. :func:`abandon_watch_runs` does it for watch runs of the DAG past their deadline.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipeline import interrupt
from pipeline.warehouse import NotMigrated, connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")

# The steps that must succeed for a run not to be 'failed' (passed to runs/finish.sql).
REQUIRED_STEPS = ("load", "score", "daily_metrics", "detect", "send_alerts", "report")
# The steps of a watch run (trigger 'watch', pipeline.watch): no daily metrics and no report.
WATCH_STEPS = ("load", "score", "hourly_metrics", "detect", "send_alerts")


class RunNotRegistered(RuntimeError):
    """A run id that ``prepare`` never registered, or registered for another night."""


class RunFailed(RuntimeError):
    """The run ended ``partial`` or ``failed``; :attr:`status` says which."""

    def __init__(self, run_id: str, status: str, message: str):
        super().__init__(message)
        self.run_id, self.status = run_id, status


def new_run_id(day: date, trigger: str = "cli") -> str:
    return f"{trigger}__{day.isoformat()}__{uuid.uuid4().hex[:8]}"


def registered_day(con, run_id: str) -> date | None:
    """The day a run was registered for; None for a run id never registered (a warehouse never migrated, as its
    first run's prepare left it when it failed first, has no ledger: no run either)."""
    try:
        found = row(con.execute("SELECT day FROM pipeline_runs WHERE run_id = ?", [run_id]))
    except duckdb.CatalogException:  # no pipeline_runs table (a DAG task's all_done load or finish opened the file)
        return None
    return None if found is None else found["day"]


def start_run(con, run_id: str, day: date, trigger: str) -> None:
    """Register a run, or open it again (``runs/start.sql``); a run id registered for another day is refused
    (:class:`RunNotRegistered`): the registration kept the first day, and the run's steps then refused the new one."""
    registered = registered_day(con, run_id)
    if registered is not None and registered != day:
        raise RunNotRegistered(
            f"run {run_id} is registered for the night of {registered}, not {day}: a run id names one night; "
            f"give {day} another id"
        )
    execute(con, "runs/start", {"run_id": run_id, "day": day, "trigger": trigger})


def require_run(con, run_id: str) -> date:
    """The day of a registered run; :class:`RunNotRegistered` for one that never was."""
    registered = registered_day(con, run_id)
    if registered is None:
        raise RunNotRegistered(f"run {run_id} is not registered: its prepare step did not run or failed")
    return registered


def require_run_in(db: Path, run_id: str, *, timeout: float) -> date:
    """:func:`require_run` for a step that joins a run from outside a session (a DAG task, a command given
    ``--run-id``): no warehouse at ``db`` yet, or one never migrated, holds no run either."""
    unknown = RunNotRegistered(
        f"run {run_id} is not registered: its prepare step did not run or failed ({db} holds no runs)"
    )
    if not Path(db).exists():
        raise unknown
    try:
        with connect(db, timeout=timeout, read_only=True) as con:
            return require_run(con, run_id)
    except NotMigrated:  # a file made but never migrated (its first prepare failed): no ledger, no run registered
        raise unknown from None


def rerun_steps(db: Path, run_id: str, steps: tuple[str, ...], *, timeout: float) -> None:
    """Before a DAG task or a ``--run-id`` command runs its step again in a run that has ended (one task of a
    finished Airflow run cleared, with the tasks after it or alone, or ``brandpulse detect --run-id`` run again
    after ``brandpulse finish``; its ``prepare``, which starts a run afresh, does not run again): drop what
    ``steps`` recorded for the run, committed, so that the ``finish`` after it judges what this try does (``missing``
    when it fails or is stopped), not the earlier try's success: a detect that failed again ended the night
    ``success``. A run still ``running`` (the night in progress, a retry), one never registered, no warehouse yet:
    nothing to drop."""
    if not steps or not Path(db).exists():  # no warehouse: a load or finish after a first prepare that failed
        return
    with connect(db, timeout=timeout) as con:
        try:
            con.execute(
                "DELETE FROM run_steps WHERE run_id = $run_id AND list_contains($steps, step) AND EXISTS"
                " (SELECT 1 FROM pipeline_runs WHERE run_id = $run_id AND status <> 'running')",
                {"run_id": run_id, "steps": list(steps)},
            )
        except duckdb.CatalogException:  # a file never migrated (its first prepare failed): no ledger, no run
            return


def prepare_failed(con, run_id: str, exc: BaseException) -> None:
    """Record a failed ``prepare`` step on a run registered by an earlier attempt (an Airflow run cleared and run
    again whose prepare failed this time, before it could open the run again): its finish then judges it partial,
    not the earlier attempt's success (its load, run all the same, reloads the earlier attempt's files: nothing
    new). A run never registered is left alone, as is a warehouse whose first migration failed (no ledger yet)."""
    try:
        if registered_day(con, run_id) is None:
            return
    except duckdb.CatalogException:  # no pipeline_runs: the failed migration was the warehouse's first
        return
    with transaction(con):
        con.execute("UPDATE pipeline_runs SET status = 'failed', finished_at = now() WHERE run_id = ?", [run_id])
        record_step(con, run_id, "prepare", status="failed", detail=error_detail(exc))


def error_detail(exc: BaseException) -> str:
    """What a failed step records of its error: the message of brandpulse's own errors (a config error names the
    file, the field and the problem, never a secret's value), DuckDB's and the system's (a path not found); of any
    other only its type, its message being in the log (a library's might quote a URL with its token, and tables
    never hold secrets)."""
    module = type(exc).__module__
    said = module.split(".")[0] in ("pipeline", "duckdb", "_duckdb") or (
        module == "builtins" and isinstance(exc, OSError)
    )
    return (f"{type(exc).__name__}: {exc}" if said else f"{type(exc).__name__} (its message is in the log)")[:500]


def record_step(
    con,
    run_id: str,
    step: str,
    brand: str = "",
    source: str = "",
    status: str = "success",
    rows_in=None,
    rows_out=None,
    rows_quarantined=None,
    detail=None,
    started_at=None,
) -> None:
    """Record (or, on a retry of the same run, re-record) one step's counts in run_steps."""
    record_steps(
        con,
        run_id,
        [
            dict(
                step=step,
                brand=brand,
                source=source,
                status=status,
                rows_in=rows_in,
                rows_out=rows_out,
                rows_quarantined=rows_quarantined,
                detail=detail,
                started_at=started_at,
            )
        ],
    )


_STEP_FIELDS = ("step", "brand", "source", "status", "rows_in", "rows_out", "rows_quarantined", "detail", "started_at")
_STEP_DEFAULTS = {"brand": "", "source": "", "status": "success"}


def record_steps(con, run_id: str, steps: list[dict]) -> None:
    """:func:`record_step` for many steps (keyword dicts) in one statement: a night's dozens of extract steps cost
    one upsert, not one each (5 ms apiece)."""
    if not steps:
        return
    params = {f: [s.get(f, _STEP_DEFAULTS.get(f)) for s in steps] for f in _STEP_FIELDS}
    params["started_at"] = [v.isoformat() if isinstance(v, datetime) else v for v in params["started_at"]]
    execute(con, "runs/step", {"run_id": run_id, **params})


# run_steps' detail of a step the run needed that recorded nothing by its close
UNRECORDED = (
    "recorded nothing: it did not run (a step before it failed) or was stopped before its end (its task's "
    "execution_timeout, a killed worker, a crash): see its log"
)


def close_run(con, run_id: str, required: tuple[str, ...] = REQUIRED_STEPS, expected: tuple[str, ...] = ()) -> str:
    """Set and return the run's final status; raise :class:`RunFailed` (with the status) unless ``success``.
    ``required``: the steps that must have succeeded (:data:`REQUIRED_STEPS`, or :data:`WATCH_STEPS`);
    ``expected``: steps that must have recorded something (success or not), else the run is ``partial``."""
    require_run(con, run_id)
    recorded = {r["step"] for r in rows(con.execute("SELECT DISTINCT step FROM run_steps WHERE run_id = ?", [run_id]))}
    silent = [step for step in dict.fromkeys((*required, *expected)) if step not in recorded]
    record_steps(con, run_id, [dict(step=step, status="missing", detail=UNRECORDED) for step in silent])
    execute(con, "runs/finish", {"run_id": run_id, "required": list(required), "expected": list(expected)})
    closed = row(
        con.execute(
            """
        SELECT r.status,
               list(s.brand || '/' || s.source ORDER BY s.brand, s.source)
                   FILTER (WHERE s.step = 'extract' AND s.status NOT IN ('success', 'truncated')) AS missing,
               list(DISTINCT s.step) FILTER (WHERE s.status = 'success') AS succeeded
        FROM pipeline_runs r LEFT JOIN run_steps s USING (run_id)
        WHERE r.run_id = ?
        GROUP BY r.status
        """,
            [run_id],
        )
    )
    status, missing = closed["status"], closed["missing"] or []
    if status == "failed":
        failed = ", ".join(step for step in required if step not in (closed["succeeded"] or []))
        raise RunFailed(run_id, status, f"run {run_id} failed: {failed} did not complete (see run_steps)")
    if status == "partial":
        unrecorded = [step for step in expected if step in silent]
        what = [f"no data from {', '.join(missing)}"] if missing else []
        what += [f"{', '.join(unrecorded)} did not run to the end"] if unrecorded else []
        raise RunFailed(
            run_id, status, f"run {run_id} is partial: {'; '.join(what) or 'a step failed'} (see run_steps)"
        )
    return status


def skip_run(con, run_id: str, reason: str) -> None:
    """Mark a registered run ``skipped`` (it wrote nothing: a watch run while a night runs), with the reason as a
    step."""
    skipped = con.execute(
        "UPDATE pipeline_runs SET finished_at = now(), status = 'skipped' WHERE run_id = ? AND status = 'running'",
        [run_id],
    ).fetchone()[0]
    if skipped:
        record_step(con, run_id, "skipped", status="skipped", detail=reason)


def last_watch_end(con, end: datetime) -> datetime | None:
    """The end of the latest successful watch run's read window, at or before ``end`` (None: none recorded)."""
    found = row(
        con.execute(
            "SELECT max(window_end) AS last FROM pipeline_runs"
            " WHERE trigger = 'watch' AND status = 'success' AND window_end <= ?",
            [end],
        )
    )
    return found["last"] if found else None


def last_watch_reads(con, end: datetime, run_id: str) -> dict[tuple[str, str], datetime]:
    """For each (brand, source): the end of the latest other watch run's window, at or before ``end``, in which it
    read and the run's load landed it (its ``extract`` step ``success`` or ``truncated``; the load records the
    extract steps in its own transaction, so a run whose load failed has none). A run that was ``partial``
    (another source failed) counts for the sources that read. ``run_id``'s own earlier attempt (a cleared run)
    does not count: it re-reads what it is meant to."""
    found = rows(
        con.execute(
            "SELECT s.brand, s.source, max(r.window_end) AS last FROM pipeline_runs r JOIN run_steps s USING (run_id)"
            " WHERE r.trigger = 'watch' AND r.window_end <= ? AND r.run_id <> ? AND s.step = 'extract'"
            " AND s.status IN ('success', 'truncated') GROUP BY s.brand, s.source",
            [end, run_id],
        )
    )
    return {(r["brand"], r["source"]): r["last"] for r in found}


def set_watch_window(con, run_id: str, read_from: datetime, window_end: datetime) -> None:
    """Record a watch run's window, from ``read_from`` up to ``window_end`` (migration 0014): its hourly metrics
    and detection cover it, and each source reads from its own start within it (:func:`last_watch_reads`)."""
    con.execute(
        "UPDATE pipeline_runs SET read_from = ?, window_end = ? WHERE run_id = ?", [read_from, window_end, run_id]
    )


def watch_read_from(con, run_id: str) -> datetime | None:
    """Where a watch run's window starts, as its ``prepare`` recorded it (None: not recorded)."""
    found = row(con.execute("SELECT read_from FROM pipeline_runs WHERE run_id = ?", [run_id]))
    return found["read_from"] if found else None


def running_night(con, since) -> dict | None:
    """The newest run that is not a watch run, still ``running`` and started after ``since``, or None. A run that a
    later run of its day has ended since is not running: a night killed (SIGKILL, the machine lost) stays
    ``running`` in the ledger, and after its re-run had ended the watch still skipped its hours for ``NIGHT_GUARD``
    (a ``rescore`` of that day on, which is no night, says nothing of it). ``v_runs`` (``warehouse/views``) reads
    such a run ``abandoned``, for an analyst as for this question."""
    return row(
        con.execute(
            "SELECT run_id, trigger, started_at FROM v_runs WHERE status = 'running' AND trigger <> 'watch'"
            " AND started_at > ? ORDER BY started_at DESC LIMIT 1",
            [since],
        )
    )


def set_deadline(con, run_id: str, deadline: datetime) -> None:
    """Record when a watch run of the DAG is past its ``dagrun_timeout`` (migration 0019): still ``running`` after
    it, it is dead (:func:`abandon_watch_runs`). Set afresh by each ``prepare``, so a cleared run gets a new one."""
    con.execute("UPDATE pipeline_runs SET deadline_at = ? WHERE run_id = ?", [deadline, run_id])


def abandon_watch_runs(con, now: datetime, by: str) -> list[str]:
    """Mark the watch runs still ``running`` past their deadline (:func:`set_deadline`: their Airflow run timed
    out, so its ``finish`` never ran) ``interrupted``, with the reason as a step, and return their ids; ``by`` is
    the run that found them. A run with no deadline (``brandpulse watch``, which has no timeout) is never marked.
    Each step a dead run committed stays: the next watch run's hourly metrics and detection cover its hours, and
    each source reads from where its own last landed read ended."""
    dead = rows(
        con.execute(
            "SELECT run_id FROM pipeline_runs WHERE status = 'running' AND trigger = 'watch'"
            " AND deadline_at < ? AND run_id <> ? ORDER BY started_at",
            [now, by],
        )
    )
    for run in dead:
        stop_run(
            con,
            run["run_id"],
            f"did not finish: still running when run {by} began, past its deadline (its Airflow run timed out, so "
            "its finish never ran); the steps it committed stay, and the next watch run covers its hours",
        )
    return [run["run_id"] for run in dead]


def running_watch(con, since) -> dict | None:
    """The newest watch run still ``running`` that may still be alive: one of the DAG's before its recorded
    deadline (a run of a 2-hour interval may take 115 minutes), one without a deadline (``brandpulse watch``)
    started after ``since`` and not since ended by a later watch run over its window (a ``brandpulse watch`` run
    killed and re-run stays ``running`` in the ledger, and the night waited :data:`pipeline.night.WATCH_WAIT_S`
    for it); or None. ``v_runs`` (``warehouse/views``) reads the dead ones ``abandoned``."""
    return row(
        con.execute(
            "SELECT run_id, started_at FROM v_runs WHERE status = 'running' AND trigger = 'watch'"
            " AND (deadline_at IS NOT NULL OR started_at > ?) ORDER BY started_at DESC LIMIT 1",
            [since],
        )
    )


def interrupted(db, run_id: str, reason: str, timeout: float) -> None:
    """:func:`stop_run` in a warehouse session of its own, opened although the process is stopping (the night's
    and the watch's handler for SIGTERM and Ctrl-C)."""
    with connect(db, timeout=timeout, while_stopping=True) as con, transaction(con):
        stop_run(con, run_id, reason)


@contextmanager
def closed_on_failure(db, run_id: str, required: tuple[str, ...], timeout: float) -> Iterator[None]:
    """The work of a registered run: when it raises, the run is closed before the error goes on, ``interrupted``
    on SIGTERM or Ctrl-C (:func:`interrupted`), else by the steps it ``required`` (:func:`closed_after_error`), so
    it never stays ``running`` for good (a night left so made the watch skip its hours for ``NIGHT_GUARD``, a watch
    run the night wait)."""
    try:
        yield
    except KeyboardInterrupt as exc:
        _stopped(db, run_id, str(exc) or "stopped by SIGINT", timeout)
        raise
    except Exception as exc:  # a configuration error met mid-run, a store or lock timeout, a bug
        if interrupt.requested():  # the stop came in a DuckDB query, which raises RuntimeError('Query interrupted')
            reason = f"stopped by {interrupt.requested()}"
            _stopped(db, run_id, reason, timeout)
            raise interrupt.Interrupted(reason) from exc
        closed_after_error(db, run_id, required, timeout, exc)
        raise


def _stopped(db, run_id: str, reason: str, timeout: float) -> None:
    interrupted(db, run_id, reason, timeout)
    logger.warning(f"run {run_id}: interrupted ({reason}); re-run it to complete it")


def closed_after_error(
    db, run_id: str, required: tuple[str, ...], timeout: float, error: BaseException | None = None
) -> str | None:
    """Close a run whose work raised (a configuration error met mid-night, a bug) by the steps it ``required``,
    in a warehouse session of its own: ``failed`` or ``partial``, so that it does not stay ``running`` for good
    (the watch skips its hours while a night runs). The ``error`` is recorded as a failed ``error`` step, as a
    failed prepare's is (:func:`prepare_failed`): the run's steps said only ``missing``, the reason was in the
    terminal alone. Returns the status, or None when the warehouse could not be opened (then the run stays
    ``running`` and a warning says so; the caller re-raises its own error)."""
    try:
        with connect(db, timeout=timeout) as con:
            known = row(con.execute("SELECT status FROM pipeline_runs WHERE run_id = ?", [run_id]))
            if known is None or known["status"] != "running":  # never registered, or closed already
                return None if known is None else known["status"]
            if error is not None:
                record_step(con, run_id, "error", status="failed", detail=error_detail(error))
            return close_run(con, run_id, required)
    except RunFailed as exc:
        return exc.status
    except Exception as exc:  # the caller's error is the one to report; this one is only logged
        logger.warning(f"run {run_id}: could not be closed after its error ({exc}); it stays 'running'")
        return None


def stop_run(con, run_id: str, reason: str) -> None:
    """Mark a run that is still ``running`` as ``interrupted`` (it was asked to stop), with the reason as a step.

    Each step it finished stays committed and each it was in rolled back; a re-run of the night completes it."""
    stopped = con.execute(
        "UPDATE pipeline_runs SET finished_at = now(), status = 'interrupted' WHERE run_id = ? AND status = 'running'",
        [run_id],
    ).fetchone()[0]
    if stopped:  # a run that had ended (a signal after its finish) stays as it ended, with no failed step added
        record_step(con, run_id, "interrupted", status="failed", detail=reason)
