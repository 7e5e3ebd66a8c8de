"""The nightly steps, as plain functions. The Airflow DAG and ``brandpulse run`` call exactly these.

One night (a UTC calendar ``day``) flows like this::

    prepare ──> extract (one per brand × source) ──> load ──> score ──> daily_metrics ──> finish
                 writes staged files only           the only writer of mentions and quarantine

- :func:`extract` reads one source for the day's window and stages what it read as JSONL files under
  ``<staging_dir>/<day>/<run_id>/<brand>/``, written atomically (temp file, then rename), plus a manifest.
- :func:`load` upserts every staged file of the run in **one** transaction, with the per-step counts. A crash
  before its COMMIT leaves the warehouse as it was; re-running the night stages and loads the same rows again,
  and the natural keys make it exactly-once.
- :func:`score` scores what has no score from the current model version yet, outside the warehouse lock,
  then writes the scores in short transactions.
- :func:`daily_metrics` recomputes the day's metrics (and of any day whose scores changed in this run).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline import faults
from pipeline.config import Config
from pipeline.sources import RECORD_COLUMNS, REJECT_COLUMNS, Record, Window, build_source
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


def prepare(config: Config, db: Path, day: date, run_id: str, trigger: str) -> list[dict]:
    """Apply pending migrations, register the run, and return the extract jobs."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        applied = migrate(con)
        execute(con, "run_start", {"run_id": run_id, "day": day, "trigger": trigger})
        version = schema_version(con)
    if applied:
        log(f"warehouse {db}: applied migrations {applied}; schema version {version}")
    return plan(config)


def extract(config: Config, brand: str, source: str, day: date, run_id: str) -> dict:
    """Read one source for the day and stage its records and rejects. Raises if the source fails."""
    started = datetime.now(UTC)
    folder = stage_dir(config, day, run_id) / _safe(brand)
    folder.mkdir(parents=True, exist_ok=True)
    src = build_source(config, config.brand(brand), source)
    records, rejects = [], []
    for item in src.fetch(Window.for_day(day)):
        (records if isinstance(item, Record) else rejects).append(item.to_json())
    manifest = {
        "brand": brand,
        "source": source,
        "day": day.isoformat(),
        "run_id": run_id,
        "status": "success",
        "records": _write_atomic(folder / f"{_safe(source)}.records.jsonl", records),
        "rejects": _write_atomic(folder / f"{_safe(source)}.rejects.jsonl", rejects),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }
    _write_atomic(folder / f"{_safe(source)}.manifest.json", [json.dumps(manifest)])
    log(f"extract {brand}/{source} {day}: {manifest['records']} records, {manifest['rejects']} quarantined")
    return manifest


def _manifest(config: Config, day: date, run_id: str, brand: str, source: str) -> dict | None:
    path = stage_dir(config, day, run_id) / _safe(brand) / f"{_safe(source)}.manifest.json"
    return json.loads(path.read_text()) if path.exists() else None


@dataclass
class LoadResult:
    new_mentions: int = 0
    seen_mentions: int = 0
    quarantined: int = 0
    missing: list[str] = field(default_factory=list)


def load(config: Config, db: Path, day: date, run_id: str) -> LoadResult:
    """Upsert everything the run staged, in one transaction. Sources with no manifest are recorded as missing."""
    folder = stage_dir(config, day, run_id)
    result = LoadResult()
    staged, steps = [], []
    for job in plan(config):
        m = _manifest(config, day, run_id, job["brand"], job["source"])
        base = folder / _safe(job["brand"]) / _safe(job["source"])
        if m is None:
            result.missing.append(f"{job['brand']}/{job['source']}")
            steps.append(
                (
                    "extract",
                    job["brand"],
                    job["source"],
                    "missing",
                    None,
                    None,
                    None,
                    "no staged output: the extract task failed or did not run",
                    None,
                )
            )
            continue
        staged.append(base)
        steps.append(
            (
                "extract",
                job["brand"],
                job["source"],
                m["status"],
                m["records"] + m["rejects"],
                m["records"],
                m["rejects"],
                None,
                m["started_at"],
            )
        )
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        if staged:
            execute(
                con,
                "load_mentions",
                {"files": [f"{b}.records.jsonl" for b in staged], "run_id": run_id, "columns": RECORD_COLUMNS},
            )
            execute(
                con,
                "load_quarantine",
                {
                    "files": [f"{b}.rejects.jsonl" for b in staged],
                    "run_id": run_id,
                    "day": day,
                    "columns": REJECT_COLUMNS,
                },
            )
        result.new_mentions = con.execute("SELECT count(*) FROM mentions WHERE run_id = ?", [run_id]).fetchone()[0]
        staged_rows = sum(s[5] or 0 for s in steps)
        result.seen_mentions = staged_rows - result.new_mentions
        result.quarantined = sum(s[6] or 0 for s in steps)
        for step, brand, source, status, rows_in, rows_out, rows_q, detail, st in steps:
            _record_step(con, run_id, step, brand, source, status, rows_in, rows_out, rows_q, detail, st)
        _record_step(
            con,
            run_id,
            "load",
            "",
            "",
            "success",
            staged_rows + result.quarantined,
            result.new_mentions,
            result.quarantined,
            f"{result.seen_mentions} already in the warehouse",
            started,
        )
        faults.checkpoint("load:before_commit")
    log(
        f"load {day}: {result.new_mentions} new, {result.seen_mentions} already present, "
        f"{result.quarantined} quarantined"
        + (f"; missing sources: {', '.join(result.missing)}" if result.missing else "")
    )
    return result


def _record_step(con, run_id, step, brand, source, status, rows_in, rows_out, rows_q, detail, started) -> None:
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
            "rows_quarantined": rows_q,
            "detail": detail,
            "started_at": started,
        },
    )


def score(config: Config, db: Path, run_id: str, scorer=None, progress=None) -> int:
    """Score every mention that has no score from the current model version. Returns how many were scored."""
    if scorer is None:
        from pipeline.sentiment.scorer import Scorer

        scorer = Scorer.from_config(config)
    started, total = datetime.now(UTC), 0
    t0 = time.perf_counter()
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            rows = execute(con, "unscored", {"model_version": scorer.version, "limit": SCORE_CHUNK}).fetchall()
        if not rows:
            break
        ids, texts = [r[0] for r in rows], [r[1] for r in rows]
        results = scorer.score(texts)
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
        total += len(rows)
        if progress:
            progress(total)
        if len(rows) < SCORE_CHUNK:
            break
    rate = total / max(time.perf_counter() - t0, 1e-9)
    with connect(db, timeout=config.lock_timeout_s) as con:
        _record_step(
            con,
            run_id,
            "score",
            "",
            "",
            "success",
            total,
            total,
            0,
            f"model {scorer.name} {scorer.version}; {rate:.0f} texts/s",
            started,
        )
    log(f"score: {total} texts with {scorer.name} {scorer.version}" + (f" ({rate:.0f} texts/s)" if total else ""))
    return total


def daily_metrics(config: Config, db: Path, day: date, run_id: str) -> list[date]:
    """Recompute daily metrics for ``day`` and for every day whose scores this run changed."""
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        days = {day} | {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT m.day FROM sentiment s JOIN mentions m USING (mention_id) WHERE s.run_id = ?", [run_id]
            ).fetchall()
        }
        days = sorted(days)
        execute(con, "daily_metrics", {"days": days, "run_id": run_id})
        rows = con.execute("SELECT count(*) FROM daily_brand_metrics WHERE run_id = ?", [run_id]).fetchone()[0]
        _record_step(
            con,
            run_id,
            "daily_metrics",
            "",
            "",
            "success",
            len(days),
            rows,
            0,
            f"days {days[0]}..{days[-1]}" if len(days) > 1 else f"day {days[0]}",
            started,
        )
    log(f"daily metrics: {rows} rows for {len(days)} day(s)")
    return days


class RunFailed(RuntimeError):
    pass


def finish(config: Config, db: Path, run_id: str) -> str:
    """Close the run's row: success, partial (a source failed or is missing) or failed (a later step did)."""
    with connect(db, timeout=config.lock_timeout_s) as con:
        execute(con, "run_finish", {"run_id": run_id})
        status = con.execute("SELECT status FROM pipeline_runs WHERE run_id = ?", [run_id]).fetchone()[0]
    log(f"run {run_id}: {status}")
    if status == "failed":
        raise RunFailed(f"run {run_id} failed: load, score or daily_metrics did not complete (see run_steps)")
    return status


def run_day(config: Config, db: Path, day: date, run_id: str | None = None, trigger: str = "cli", scorer=None) -> dict:
    """The whole night for one day, in-process: what ``brandpulse run --date`` does."""
    run_id = run_id or new_run_id(day, trigger)
    jobs = prepare(config, db, day, run_id, trigger)
    failed = {}
    for job in jobs:
        try:
            extract(config, job["brand"], job["source"], day, run_id)
        except Exception as exc:  # one failing source must not stop the others; load records it as missing
            failed[f"{job['brand']}/{job['source']}"] = str(exc)
            logger.error("extract %s/%s FAILED: %s", job["brand"], job["source"], exc)
    loaded = load(config, db, day, run_id)
    scored = score(config, db, run_id, scorer=scorer)
    daily_metrics(config, db, day, run_id)
    status = finish(config, db, run_id)
    return {
        "run_id": run_id,
        "day": day.isoformat(),
        "status": status,
        "new_mentions": loaded.new_mentions,
        "already_present": loaded.seen_mentions,
        "quarantined": loaded.quarantined,
        "scored": scored,
        "failed_sources": failed,
    }
