"""Daily metrics: the only writer of ``daily_brand_metrics`` (volume, labels, share negative, mean score per
day × brand × source, plus the ``_all`` rollup), from each mention's latest score."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.ledger import record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")


def daily_metrics(config: Config, db: Path, day: date, run_id: str) -> list[date]:
    """Recompute daily metrics for ``day`` and for every day whose scores this run changed."""
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        rescored = rows(
            con.execute(
                "SELECT DISTINCT m.day FROM sentiment s JOIN mentions m USING (mention_id) WHERE s.run_id = ?",
                [run_id],
            )
        )
        days = sorted({day} | {r["day"] for r in rescored})
        execute(con, "metrics/daily", {"days": days, "run_id": run_id})
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
