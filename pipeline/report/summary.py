"""The short text summary printed after a demo (and by ``brandpulse summary``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.config import Config
from pipeline.warehouse import connect, execute


def example_queries(config: Config, worst_days: dict[str, date]) -> list[tuple[str, str]]:
    """Three queries to try, written for this config's first brand: its daily share negative, and its most-engaged
    negative mentions in the seven days around its most negative day (``worst_days``: brand id -> day; without
    one, the last seven days of data)."""
    brand = config.brands[0].key
    worst = worst_days.get(brand)
    week = (
        f"day BETWEEN DATE '{worst - timedelta(days=3)}' AND DATE '{worst + timedelta(days=3)}'"
        if worst
        else "day > (SELECT max(day) FROM v_mentions_scored) - 7"
    )
    return [
        (
            "Daily share of negative mentions, with its 7-day average",
            "SELECT day, brand, volume, round(share_negative, 3) AS neg, round(share_negative_7d, 3) AS neg_7d\n"
            f"FROM v_brand_daily WHERE brand = '{brand}' ORDER BY day DESC LIMIT 14;",
        ),
        (
            "The most-engaged negative mentions of a week, text beside score",
            "SELECT day, platform, channel, round(score, 2) AS score, engagement, left(text, 80) AS text, url\n"
            f"FROM v_mentions_scored WHERE brand = '{brand}' AND label = 'negative' AND {week}\n"
            "ORDER BY engagement DESC LIMIT 5;",
        ),
        (
            "What was quarantined, and why",
            "SELECT brand, source, reason, rows FROM v_quarantine_summary ORDER BY rows DESC;",
        ),
    ]


def night_line(config: Config, db: Path, day: date) -> str:
    """One line for a processed night: volume and share negative per brand."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        rows = execute(con, "night_line", {"day": day}).fetchall()
    parts = [f"{b} {v:>3} ({(s or 0):.0%} neg)" for b, v, s in rows]
    return f"{day}: " + ("  ".join(parts) if parts else "no mentions")


def print_summary(config: Config, db: Path) -> None:
    console = Console(width=max(Console().width, 130))
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        rows = execute(con, "summary_brands").fetchall()
        quarantined = dict(execute(con, "summary_quarantine").fetchall())
        worst = execute(con, "summary_worst_day").fetchall()
        runs = execute(con, "summary_runs").fetchone()
        nps = execute(con, "summary_nps").fetchall()
    table = Table(title="Mentions and sentiment per brand")
    for col in (
        "brand",
        "mentions",
        "reviews",
        "period",
        "negative",
        "neutral",
        "positive",
        "mean score",
        "quarantined",
    ):
        table.add_column(col, justify="left" if col in ("brand", "period") else "right")
    for brand, mentions, reviews, lo, hi, neg, neu, pos, mean in rows:
        table.add_row(
            brand,
            f"{mentions:,}",
            f"{reviews:,}",
            f"{lo} .. {hi}",
            f"{neg:.1%}",
            f"{neu:.1%}",
            f"{pos:.1%}",
            f"{mean:+.3f}",
            str(quarantined.get(brand, 0)),
        )
    console.print(table)
    for brand, day, volume, share in worst:
        console.print(f"Most negative day for {brand}: {day} ({volume} mentions, {share:.0%} negative)")
    for brand, week, value, low, high, n, low_n, churn in nps:
        console.print(
            f"Latest NPS for {brand} (week of {week}): {value:+.1f} (95% CI {low:+.1f} to {high:+.1f}, n={n}"
            + (", few responses" if low_n else "")
            + ")"
            + (f"; monthly churn {churn:.1%}" if churn is not None else "")
        )
    console.print(f"Runs recorded: {runs[0]} ({runs[1]} success)")
    console.print(
        f"\nWarehouse: [bold]{db.resolve()}[/bold]  (query it read-only while the pipeline is not"
        f' writing: .venv/bin/brandpulse sql "SELECT ..." --db {db})'
    )
    console.print("Three queries to try:")
    for title, query in example_queries(config, {brand: day for brand, day, _, _ in worst}):
        console.print(f"\n-- {title}\n{query}", highlight=False)
