"""The short text summary printed after a demo (and by ``brandpulse summary``)."""

from __future__ import annotations

import shlex
import sys
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.config import Config
from pipeline.numfmt import number, share
from pipeline.warehouse import connect, execute, rows


def _command() -> str:
    """The brandpulse command of this install: the script beside the running Python (``.venv/bin/brandpulse`` in a
    checkout, shown relative to the working folder under it; a wheel's own venv elsewhere), else ``brandpulse``."""
    script = Path(sys.executable).parent / "brandpulse"
    if not script.exists():
        return "brandpulse"
    try:
        relative = script.relative_to(Path.cwd())
    except (ValueError, OSError):  # not under the working folder, or that folder deleted (getcwd fails)
        return str(script)
    return str(relative) if relative.parent != Path(".") else f"./{relative}"  # a bare name is looked up in PATH


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
        brands = rows(
            con.execute(
                "SELECT brand, volume, share_negative FROM daily_brand_metrics"
                " WHERE day = ? AND source = '_all' ORDER BY brand",
                [day],
            )
        )
    parts = [f"{b['brand']} {b['volume']:>3} ({number(b['share_negative'], '.0%', minus='-')} neg)" for b in brands]
    return f"{day}: " + ("  ".join(parts) if parts else "no mentions")


def print_summary(config: Config, db: Path) -> None:
    # no markup: a path, a brand or a query's "[...]" is text (a warehouse under /data/[prod]/ showed as /data//)
    console = Console(width=max(Console().width, 130), markup=False)
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        brands = rows(execute(con, "report/summary_brands"))
        quarantined = {
            q["brand"]: q["n"] for q in rows(con.execute("SELECT brand, count(*) AS n FROM quarantine GROUP BY brand"))
        }
        worst = rows(execute(con, "report/summary_worst_day"))
        runs = {  # by status: a skipped watch run (watch.enabled false, a night running) is no failure either, and a
            # killed run that a later run took over reads ``abandoned``, not ``running`` for ever (``v_runs``)
            r["status"]: r["n"]
            for r in rows(con.execute("SELECT status, count(*) AS n FROM v_runs GROUP BY ALL ORDER BY status"))
        }
        nps = rows(execute(con, "report/summary_nps"))
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
        # a long brand id is folded onto a second line, not cut short with "…": it is what --brand and SQL take
        table.add_column(
            col, justify="left" if col in ("brand", "period") else "right", overflow="fold" if col == "brand" else None
        )
    listed = {b["brand"] for b in brands}
    # configured with nothing stored yet, or no longer configured with only quarantined records (dropped unsaid)
    unlisted = [b.key for b in config.brands] + sorted(set(quarantined) - {b.key for b in config.brands})
    for key in (k for k in unlisted if k not in listed):
        table.add_row(key, "0", "0", "no data yet", "–", "–", "–", "–", str(quarantined.get(key, 0)))
    for b in brands:
        table.add_row(
            b["brand"],
            f"{b['mentions']:,}",
            f"{b['reviews']:,}",
            f"{b['first_day']} .. {b['last_day']}",
            share(b["negative"], 1),
            share(b["neutral"], 1),
            share(b["positive"], 1),
            number(b["mean_score"], "+.3f", minus="-"),
            str(quarantined.get(b["brand"], 0)),
        )
    console.print(table)
    for b in brands:
        if b["other_model"]:  # mid-rescore: the shares are of one model's scores, as the trends are
            console.print(
                f"{b['brand']}: shares and mean score are of the mentions scored by model {b['model_version']}; "
                f"{b['other_model']:,} scored by another model are left out until `brandpulse rescore` reaches them"
            )
    for w in worst:
        of = "" if w["scored"] == w["volume"] else f" of the {w['scored']} scored"  # the share's own count
        console.print(
            f"Most negative day for {w['brand']}: {w['day']} "
            f"({w['volume']} mentions, {share(w['share_negative'])}{of} negative)"
        )
    worst_of = {w["brand"] for w in worst}
    quiet = sorted(b["brand"] for b in brands if b["brand"] not in worst_of)
    if quiet:  # too few mentions a day for a share that means something
        console.print(f"Most negative day: none for {', '.join(quiet)} (no day with 20 or more mentions scored)")
    for m in nps:
        console.print(
            f"Latest NPS for {m['brand']} (week of {m['week']}): {number(m['value'], '+.1f', minus='-')} "
            f"(95% CI {number(m['low'], '+.1f', minus='-')} to {number(m['high'], '+.1f', minus='-')}, n={m['n']}"
            + (", few responses" if m["low_n"] else "")
            + ")"
            + (
                f"; churn {share(m['churn_rate'], 1)} in {m['churn_month']:%B %Y} "
                f"({m['churned']:,} of {m['churn_base']:,} customers{', few customers' if m['churn_low_n'] else ''})"
                if m["churn_rate"] is not None
                else ""
            )
        )
    others = "".join(f", {n} {status}" for status, n in runs.items() if status != "success")
    console.print(f"Runs recorded: {sum(runs.values())} ({runs.get('success', 0)} success{others})")
    console.print(f"\nWarehouse: {db.resolve()}", style="bold", soft_wrap=True)
    console.print("Query it read-only while the pipeline is not writing:")  # the command on a line of its own,
    console.print(
        f'  {shlex.quote(_command())} sql "SELECT ..." --db {shlex.quote(str(db))}', soft_wrap=True, highlight=False
    )  # unwrapped
    console.print("Three queries to try:")
    for title, query in example_queries(config, {w["brand"]: w["day"] for w in worst}):
        console.print(f"\n-- {title}\n{query}", highlight=False)
