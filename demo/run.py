"""``make demo``: the nightly DAG, run through Airflow over the bundled sample data.

Each night of the sample period is one DAG run, executed by ``dag.test()`` (the API behind
``airflow dags test``) in this one process, so the model loads once, with Airflow's metadata in a local
SQLite file under ``./data/airflow``. The sample's Reddit threads, forum posts and store reviews are served by
a local replay server (:mod:`demo.replay.sample`) on 127.0.0.1, and PRAW, google-play-scraper and
requests fetch them over HTTP, exactly as they would from the real services. The warehouse is
``./data/brandpulse.duckdb``. Re-running the demo re-runs the nights; the warehouse stays exactly the same
(natural keys, upserts).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
REPO_ROOT = DEMO_DIR.parent
DATA = REPO_ROOT / "data"
FIRST_DAY, LAST_DAY = date(2026, 8, 25), date(2026, 10, 31)


def airflow_env() -> dict[str, str]:
    """Environment for a self-contained local Airflow (no scheduler, no webserver, SQLite metadata)."""
    home = DATA / "airflow"
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "BRANDPULSE_CONFIG": str(DEMO_DIR / "brandpulse.yaml"),
        "BRANDPULSE_DB": str(DATA / "brandpulse.duckdb"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def print_alerts(config, db, received: list[dict]) -> None:
    """What the detector raised over the sample period, and the Parcelo incident's alert as its message reads."""
    from pipeline.alerts.inbox import list_alerts, show_alert
    from pipeline.warehouse import connect

    slack = sum(1 for r in received if "/slack/" in r["path"])
    print(f"\nAlerts: {slack} Slack messages and {len(received) - slack} webhook calls reached the stand-in receivers")
    print(list_alerts(config, db, days=3650))
    with connect(db, read_only=True) as con:
        row = con.execute(
            "SELECT alert_id FROM alerts WHERE brand = 'parcelo' AND kind = 'spike' AND status = 'new' "
            "AND day BETWEEN DATE '2026-10-12' AND DATE '2026-10-17' ORDER BY day LIMIT 1"
        ).fetchone()
    if row:
        print("\nThe Parcelo incident's alert, as delivered (brandpulse alerts --show ID):\n")
        print(show_alert(config, db, row[0]))
    else:
        print("\nThe detector did not flag the planted Parcelo incident (2026-10-13..16).")


def run_demo(days: int | None = None) -> None:
    first = FIRST_DAY if days is None else LAST_DAY - timedelta(days=days - 1)
    for key, value in airflow_env().items():
        os.environ.setdefault(key, value)
    if not os.environ.get("BRANDPULSE_AUTHOR_KEY"):
        os.environ["BRANDPULSE_AUTHOR_KEY"] = "demo-only-key-set-your-own-in-production"
        print("BRANDPULSE_AUTHOR_KEY is not set: using a demo-only key for author hashes.")
    from demo.replay import sample

    replay = sample.start()
    received = sample.capture_alerts(replay)
    os.environ.update(sample.environment(replay))
    print(f"Replay server for Reddit, Hacker News, App Store and Google Play: {replay.url}")
    (DATA / "airflow").mkdir(parents=True, exist_ok=True)
    print(f"Airflow metadata DB: {os.environ['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']}")
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, stdout=subprocess.DEVNULL)

    from airflow.dag_processing.dagbag import DagBag

    from pipeline.config import load_config
    from pipeline.report.summary import night_line, print_summary
    from pipeline.warehouse import db_path

    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag("brandpulse_nightly")
    logging.getLogger("brandpulse").setLevel(logging.WARNING)
    nights = (LAST_DAY - first).days + 1
    print(f"Running brandpulse_nightly through Airflow for {nights} nights, {first} .. {LAST_DAY}")
    config, db = load_config(), db_path()
    started = time.perf_counter()
    day, failed = first, []
    while day <= LAST_DAY:
        t0 = time.perf_counter()
        # the services as they were when the night's run starts (02:00 the next day)
        sample.mount(replay, until=datetime.combine(day + timedelta(days=1), dtime(2), tzinfo=UTC))
        run = dag.test(logical_date=datetime.combine(day + timedelta(days=1), dtime(2), tzinfo=UTC))
        state = str(getattr(run.state, "value", run.state))
        if state != "success":
            failed.append(day)
        print(f"  {night_line(config, db, day)}  [{state}, {time.perf_counter() - t0:.1f}s]", flush=True)
        day += timedelta(days=1)
    print(f"{nights} nights in {time.perf_counter() - started:.0f}s" + (f"; FAILED: {failed}" if failed else ""))
    print_summary(config, db)
    print_alerts(config, db, received)
    replay.stop()
    index = config.resolve(config.report_dir) / "index.html"
    print(f"\nReport for {LAST_DAY} (one page per brand, works offline): {index}")
    print(f"  open it: xdg-open {index}    (or `.venv/bin/brandpulse report --date 2026-10-16` for the incident)")
    print("\nOne night by hand, through the Airflow CLI (start `.venv/bin/python -m demo.replay` first, and export")
    print("the variables it prints):")
    exports = " ".join(f"{k}={v}" for k, v in airflow_env().items() if k.startswith(("AIRFLOW", "BRANDPULSE")))
    print(
        f"  env {exports} BRANDPULSE_AUTHOR_KEY=... \\\n"
        f"    .venv/bin/airflow dags test brandpulse_nightly {LAST_DAY + timedelta(days=1)}T02:00:00+00:00"
    )
    if failed:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m demo", description="Run the nightly DAG over the sample.")
    parser.add_argument("--days", type=int, default=0, help="how many nights of the sample period to run")
    args = parser.parse_args(argv)
    run_demo(days=args.days or None)
