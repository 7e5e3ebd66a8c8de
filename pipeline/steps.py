"""The nightly steps, as plain functions. The Airflow DAG and ``brandpulse run`` call exactly these.

One night (a UTC calendar ``day``) flows like this::

    prepare ──> extract (one per brand × source) ──> load ──> score ──> daily_metrics ──> detect ──> alert
                 writes staged files only           the only writer of        ──> finish
                                                    mentions and quarantine

- :func:`extract` reads one source for the day's window and stages what it read as JSONL files under
  ``<staging_dir>/<day>/<run_id>/<brand>/``, written atomically (temp file, then rename), plus a manifest.
- :func:`load` upserts every staged file of the run in **one** transaction, with the per-step counts. A crash
  before its COMMIT leaves the warehouse as it was; re-running the night stages and loads the same rows again,
  and the natural keys make it exactly-once.
- :func:`score` scores what has no score from the current model version yet, outside the warehouse lock,
  then writes the scores in short transactions.
- :func:`daily_metrics` recomputes the day's metrics (and of any day whose scores changed in this run).
- ``detect`` and ``alert`` (:mod:`pipeline.alerts.steps`) flag spikes and shifts, record explained alerts and
  deliver them; the survey steps (:mod:`pipeline.surveys.steps`) import surveys and customer records and
  recompute the CX metrics; ``report`` (:mod:`pipeline.report`) writes the HTML pages.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline import faults
from pipeline.alerts import steps as alert_steps
from pipeline.config import Config, ConfigError
from pipeline.sources import RECORD_COLUMNS, REJECT_COLUMNS, Record, Window, build_source
from pipeline.sources.relevance import repost_key
from pipeline.warehouse import connect, execute, migrate, schema_version, transaction

SCORE_CHUNK = 2048


logger = logging.getLogger("brandpulse")
log = logger.info


def new_run_id(day: date, trigger: str = "cli") -> str:
    return f"{trigger}__{day.isoformat()}__{uuid.uuid4().hex[:8]}"


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", part)[:120]


def plan(config: Config) -> list[dict]:
    """One extract job per configured brand and source."""
    return [{"brand": b.key, "source": s.name} for b in config.brands for s in b.sources]


def stage_dir(config: Config, day: date, run_id: str) -> Path:
    return config.resolve(config.staging_dir) / day.isoformat() / _safe(run_id)


def _write_atomic(path: Path, lines) -> int:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")
            n += 1
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return n


def prepare(config: Config, db: Path, day: date, run_id: str, trigger: str = "cli") -> list[dict]:
    """Apply pending migrations, register the run, and return the extract jobs."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        applied = migrate(con)
        execute(con, "run_start", {"run_id": run_id, "day": day, "trigger": trigger})
        version = schema_version(con)
    if applied:
        log(f"warehouse {db}: applied migrations {applied}; schema version {version}")
    return plan(config)


def extract(config: Config, brand: str, source: str, day: date, run_id: str, db: Path | None = None) -> dict:
    """Read one source for the day and stage its records, rejects, state and warnings. Raises if the source fails.

    ``db`` is read (briefly) for the source's stored state; without it the source starts with no state.
    """
    started = datetime.now(UTC)
    folder = stage_dir(config, day, run_id) / _safe(brand)
    folder.mkdir(parents=True, exist_ok=True)
    src = build_source(config, config.brand(brand), source)
    if db is not None:  # prepare migrated the warehouse; this only reads the source's state
        with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
            row = execute(con, "source_state", {"brand": brand, "source": source}).fetchone()
        src.previous_state = json.loads(row[0]) if row else {}
    records, rejects, newest = [], [], None
    night = Window.for_day(day)
    window = Window(night.start - timedelta(days=src.spec.lookback_days), night.end)  # late posts of earlier days
    for item in src.fetch(window):
        if isinstance(item, Record):
            item = replace(item, text_key=repost_key(item.text))
            records.append(item.to_json())
            newest = max(newest or item.created_at, item.created_at, key=datetime.fromisoformat)
        else:
            rejects.append(item.to_json())
    warnings = list(getattr(src, "warnings", []))
    manifest = {
        "brand": brand,
        "source": source,
        "day": day.isoformat(),
        "run_id": run_id,
        "status": "truncated" if warnings else "success",
        "records": _write_atomic(folder / f"{_safe(source)}.records.jsonl", records),
        "rejects": _write_atomic(folder / f"{_safe(source)}.rejects.jsonl", rejects),
        "state": getattr(src, "state", None) or None,
        "watermark": newest,
        "warnings": warnings,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }
    _write_atomic(folder / f"{_safe(source)}.manifest.json", [json.dumps(manifest, default=str)])
    log(
        f"extract {brand}/{source} {day}: {manifest['records']} records, {manifest['rejects']} quarantined"
        + "".join(f"; WARNING: {w}" for w in warnings)
    )
    return {k: v for k, v in manifest.items() if k != "state"}


def _manifest(config: Config, day: date, run_id: str, brand: str, source: str) -> dict | None:
    path = stage_dir(config, day, run_id) / _safe(brand) / f"{_safe(source)}.manifest.json"
    return json.loads(path.read_text()) if path.exists() else None


@dataclass
class LoadResult:
    new_mentions: int = 0
    seen_mentions: int = 0
    quarantined: int = 0
    reposts: int = 0
    missing: list[str] = field(default_factory=list)


def load(config: Config, db: Path, day: date, run_id: str) -> LoadResult:
    """Upsert everything the run staged, in one transaction. Sources with no manifest are recorded as missing."""
    folder = stage_dir(config, day, run_id)
    result = LoadResult()
    staged, extract_steps, states = [], [], []
    for job in plan(config):
        brand, source = job["brand"], job["source"]
        m = _manifest(config, day, run_id, brand, source)
        if m is None:
            result.missing.append(f"{brand}/{source}")
            extract_steps.append(
                dict(
                    step="extract",
                    brand=brand,
                    source=source,
                    status="missing",
                    detail="no staged output: the extract task failed or did not run",
                )
            )
            continue
        staged.append(folder / _safe(brand) / _safe(source))
        extract_steps.append(
            dict(
                step="extract",
                brand=brand,
                source=source,
                status=m["status"],
                rows_in=m["records"] + m["rejects"],
                rows_out=m["records"],
                rows_quarantined=m["rejects"],
                detail="; ".join(m.get("warnings") or []) or None,
                started_at=m["started_at"],
            )
        )
        if m.get("state") is not None or m.get("watermark"):
            states.append(
                {
                    "brand": brand,
                    "source": source,
                    "state": json.dumps(m.get("state") or {}),
                    "watermark": m.get("watermark"),
                    "day": day,
                    "run_id": run_id,
                }
            )
    records = [f"{b}.records.jsonl" for b in staged]
    rejects = [f"{b}.rejects.jsonl" for b in staged]
    staged_rows = sum(s.get("rows_out") or 0 for s in extract_steps)
    rejected_rows = sum(s.get("rows_quarantined") or 0 for s in extract_steps)
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        _require_run(con, run_id)
        new = distinct = 0
        if staged:
            execute(con, "load_mentions", {"files": records, "run_id": run_id, "columns": RECORD_COLUMNS})
            execute(con, "load_quarantine", {"files": rejects, "run_id": run_id, "day": day, "columns": REJECT_COLUMNS})
            new, distinct, result.quarantined, result.reposts = execute(
                con, "load_counts", {"run_id": run_id}
            ).fetchone()
        for state in states:
            execute(con, "save_source_state", state)
        result.new_mentions = new
        result.seen_mentions = max(distinct - new - result.reposts, 0)
        for step in extract_steps:
            record_step(con, run_id, **step)
        detail = f"{result.seen_mentions} already in the warehouse; {result.reposts} new reposts stored once"
        if staged_rows > distinct:
            detail += f"; {staged_rows - distinct} repeated ids in the staged files"
        if rejected_rows > result.quarantined:
            detail += f"; {rejected_rows - result.quarantined} rejects already in quarantine"
        record_step(
            con,
            run_id,
            "load",
            status="success",
            rows_in=staged_rows + rejected_rows,
            rows_out=result.new_mentions,
            rows_quarantined=result.quarantined,
            detail=detail,
            started_at=started,
        )
        faults.checkpoint("load:before_commit")
    log(
        f"load {day}: {result.new_mentions} new, {result.seen_mentions} already present, "
        f"{result.quarantined} newly quarantined"
        + (f"; missing sources: {', '.join(result.missing)}" if result.missing else "")
    )
    return result


class RunNotRegistered(RuntimeError):
    pass


def _require_run(con, run_id: str) -> None:
    if execute(con, "run_status", {"run_id": run_id}).fetchone() is None:
        raise RunNotRegistered(f"run {run_id} is not registered: its prepare step did not run or failed")


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
    execute(
        con,
        "run_step",
        {
            "run_id": run_id,
            "step": step,
            "brand": brand,
            "source": source,
            "status": status,
            "rows_in": rows_in,
            "rows_out": rows_out,
            "rows_quarantined": rows_quarantined,
            "detail": detail,
            "started_at": started_at,
        },
    )


def score(config: Config, db: Path, run_id: str, scorer=None, progress=None) -> int:
    """Score every mention that has no score from the current model version. Returns how many this run scored."""
    if scorer is None:
        from pipeline.sentiment.scorer import Scorer

        scorer = Scorer.from_config(config)
    started = datetime.now(UTC)
    t0, attempted = time.perf_counter(), 0
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            rows = execute(con, "unscored", {"model_version": scorer.version, "limit": SCORE_CHUNK}).fetchall()
        if not rows:
            break
        ids, texts = [r[0] for r in rows], [r[1] for r in rows]
        results = scorer.score(texts)  # outside the lock: the slow part
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            execute(
                con,
                "insert_sentiment",
                {
                    "mention_id": ids,
                    "model_name": scorer.name,
                    "model_version": scorer.version,
                    "model_sha256": scorer.sha256,
                    "text_sha256": [r.text_sha256 for r in results],
                    "label": [r.label for r in results],
                    "p_negative": [r.negative for r in results],
                    "p_neutral": [r.neutral for r in results],
                    "p_positive": [r.positive for r in results],
                    "score": [r.score for r in results],
                    "note": [r.note for r in results],
                    "run_id": run_id,
                },
            )
        attempted += len(rows)
        if progress:
            progress(attempted)
        if len(rows) < SCORE_CHUNK:
            break
    rate = attempted / max(time.perf_counter() - t0, 1e-9)
    with connect(db, timeout=config.lock_timeout_s) as con:
        # what this run wrote (a concurrent run may have scored some of the same rows first)
        scored = execute(con, "run_counts", {"run_id": run_id}).fetchone()[0]
        record_step(
            con,
            run_id,
            "score",
            rows_in=attempted,
            rows_out=scored,
            rows_quarantined=0,
            detail=f"model {scorer.name} {scorer.version}; {rate:.0f} texts/s",
            started_at=started,
        )
    log(f"score: {scored} texts with {scorer.name} {scorer.version}" + (f" ({rate:.0f} texts/s)" if scored else ""))
    return scored


def daily_metrics(config: Config, db: Path, day: date, run_id: str) -> list[date]:
    """Recompute daily metrics for ``day`` and for every day whose scores this run changed."""
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        days = sorted({day} | {r[0] for r in execute(con, "scored_days", {"run_id": run_id}).fetchall()})
        execute(con, "daily_metrics", {"days": days, "run_id": run_id})
        rows = execute(con, "run_counts", {"run_id": run_id}).fetchone()[1]
        record_step(
            con,
            run_id,
            "daily_metrics",
            rows_in=len(days),
            rows_out=rows,
            rows_quarantined=0,
            detail=f"days {days[0]}..{days[-1]}" if len(days) > 1 else f"day {days[0]}",
            started_at=started,
        )
    log(f"daily metrics: {rows} rows for {len(days)} day(s)")
    return days


class RunFailed(RuntimeError):
    pass


def finish(config: Config, db: Path, run_id: str) -> str:
    """Close the run: success, partial (a source failed or is missing) or failed (a later step did).

    Raises :class:`RunFailed` unless the run succeeded, so the Airflow run (whose only leaf this is) and the
    CLI's exit status show it; the data that did land stays landed.
    """
    with connect(db, timeout=config.lock_timeout_s) as con:
        _require_run(con, run_id)
        execute(con, "run_finish", {"run_id": run_id})
        status, missing = execute(con, "run_status", {"run_id": run_id}).fetchone()
    log(f"run {run_id}: {status}")
    if status == "failed":
        raise RunFailed(f"run {run_id} failed: a step after extract did not complete (see run_steps)")
    if status == "partial":
        raise RunFailed(f"run {run_id} is partial: no data from {', '.join(missing or [])} (see run_steps)")
    return status


def run_day(
    config: Config,
    db: Path,
    day: date,
    run_id: str | None = None,
    trigger: str = "cli",
    scorer=None,
    today: date | None = None,
) -> dict:
    """The whole night for one day, in-process: what ``brandpulse run --date`` does.

    A failing source does not stop the others; the run is then ``partial`` (``status`` in the result).
    Configuration errors stop the night at once.
    """
    from pipeline.surveys import steps as surveys

    run_id = run_id or new_run_id(day, trigger)
    jobs = prepare(config, db, day, run_id, trigger)
    surveyed = surveys.import_surveys(config, db, run_id, day=day, scorer=scorer)
    surveys.import_customers(config, db, run_id, day=day)
    failed = {}
    for job in jobs:
        try:
            extract(config, job["brand"], job["source"], day, run_id, db=db)
        except ConfigError:
            raise
        except Exception as exc:  # one failing source must not stop the others; load records it as missing
            failed[f"{job['brand']}/{job['source']}"] = str(exc)
            logger.error("extract %s/%s FAILED: %s", job["brand"], job["source"], exc)
    loaded = load(config, db, day, run_id)
    scored = score(config, db, run_id, scorer=scorer)
    daily_metrics(config, db, day, run_id)
    surveys.survey_metrics(config, db, run_id)
    raised = alert_steps.detect(config, db, day, run_id, today=today)
    sent = alert_steps.send(config, db, run_id)
    from pipeline.report import report_step

    report = report_step(config, db, day, run_id)
    try:
        status = finish(config, db, run_id)
    except RunFailed as exc:
        status = "partial" if "partial" in str(exc) else "failed"
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
        "report": str(report),
        "failed_sources": failed,
    }
