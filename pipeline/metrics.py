"""Daily and hourly metrics: the only writer of ``daily_brand_metrics`` (volume, labels, share negative, mean
score per day × brand × source, plus the ``_all`` rollup) and of ``hourly_brand_metrics`` (volume, scored and
negatives per hour × brand × source, plus ``_all``: the intraday detector's input), from each mention's score.

The night's :func:`daily_metrics` also recomputes the hourly metrics of every day it recomputes (the night
reconciles what the hourly watch runs loaded, and a backfill fills the hourly history the intraday detector
needs); a watch run's :func:`hourly_metrics` recomputes the hours it touched."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from pipeline.config import Config
from pipeline.frames import frame
from pipeline.ledger import record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")


def lookback_days(config: Config) -> int:
    """The most days any source of the config re-reads before the night's day (its ``lookback_days``)."""
    return max((getattr(s, "lookback_days", 0) for b in config.brands for s in b.sources), default=0)


def daily_metrics(config: Config, db: Path, day: date, run_id: str) -> list[date]:
    """Recompute daily metrics for ``day``, for every day whose scores this run changed, and for every look-back
    day whose metrics are older than its mentions or scores (``metrics/stale_days``: late rows loaded or scored by
    an earlier run, a crashed night's or a watch run's, are counted by the re-run). The day before is always
    checked, ``lookback_days: 0`` too: a watch run after its night (catching up, its overlap) can load rows there."""
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        rescored = rows(execute(con, "metrics/run_days", {"run_id": run_id}))
        first = day - timedelta(days=max(lookback_days(config), 1))
        stale = rows(execute(con, "metrics/stale_days", {"first": first, "last": day - timedelta(days=1)}))
        days = sorted({day} | {r["day"] for r in rescored} | {r["day"] for r in stale})
        execute(con, "metrics/daily", {"days": days, "run_id": run_id})
        execute(con, "metrics/hourly", {"hours": day_hours(days), "run_id": run_id})
        written = row(con.execute("SELECT count(*) AS n FROM daily_brand_metrics WHERE run_id = ?", [run_id]))["n"]
        record_step(
            con,
            run_id,
            "daily_metrics",
            rows_in=len(days),
            rows_out=written,
            rows_quarantined=0,
            detail=f"days {days[0]}..{days[-1]}" if len(days) > 1 else f"day {days[0]}",
            started_at=started,
        )
    logger.info(f"daily metrics: {written} rows for {len(days)} day(s)")
    return days


def day_hours(days: list[date]) -> list[datetime]:
    """The 24 hour starts (UTC) of each day."""
    return [datetime.combine(d, time(0), tzinfo=UTC) + timedelta(hours=h) for d in days for h in range(24)]


def hours_between(start: datetime, end: datetime) -> list[datetime]:
    """The hour starts (UTC) of every hour that overlaps ``[start, end)``."""
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    out = []
    while hour < end:
        out.append(hour)
        hour += timedelta(hours=1)
    return out


def hourly_series(con, brand: str, start: datetime, end: datetime, model: str | None = None) -> pd.DataFrame:
    """The brand's hourly totals (all sources) from ``start`` to before ``end``, in one model version (``model``:
    an hourly alert's own; None: the latest scored hour's), oldest first (``alerts/hourly_series``): ``hour``,
    ``volume`` (scored mentions), ``n_negative``, ``model``. The watch's detector and the hourly alert chart read it.
    An ``end`` inside an hour (a 15-minute run's 08:30) ends it with that hour so far, its mentions before ``end``
    alone, not the hour's row: that holds every mention of the hour loaded by now (a replay, or a run cleared and
    run again after later runs loaded the rest of the hour, paged 08:00-08:30 for the hour's 60 negatives where 30
    had been posted; an alert's chart drawn after them, its 60 beside its 30)."""
    return frame(execute(con, "alerts/hourly_series", {"brand": brand, "start": start, "end": end, "model": model}))


def hourly_metrics(config: Config, db: Path, start: datetime, end: datetime, run_id: str) -> list[datetime]:
    """The watch's ``hourly_metrics`` step: recompute the hourly metrics of every hour overlapping
    ``[start, end)`` (the run's window, with its overlap) and of every hour holding a mention this run loaded or
    scored. Returns the hours recomputed."""
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        touched = rows(execute(con, "metrics/run_hours", {"run_id": run_id}))
        hours = sorted(set(hours_between(start, end)) | {r["hour"].astimezone(UTC) for r in touched})
        execute(con, "metrics/hourly", {"hours": hours, "run_id": run_id})
        written = row(con.execute("SELECT count(*) AS n FROM hourly_brand_metrics WHERE run_id = ?", [run_id]))["n"]
        record_step(
            con,
            run_id,
            "hourly_metrics",
            rows_in=len(hours),
            rows_out=written,
            rows_quarantined=0,
            detail=f"hours {hours[0]:%Y-%m-%d %H:%M}..{hours[-1]:%Y-%m-%d %H:%M} UTC",
            started_at=started,
        )
    logger.info(f"hourly metrics: {written} rows for {len(hours)} hour(s)")
    return hours
