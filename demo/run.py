"""``make demo`` (``python -m demo``): brandpulse over the bundled sample, the incident's night through the nightly DAG.

The sample is five fictional brands (three English, one Polish, one Dutch), 2026-08-25 .. 2026-10-31. Its
Reddit threads, forum posts and store reviews are served by a local replay server (:mod:`demo.replay.sample`)
on 127.0.0.1, and PRAW, google-play-scraper and requests fetch them over HTTP, exactly as they would from the
real services; each night sees what existed when its run starts (02:00 UTC the next day). The nights run in
order, in three stretches, with the incident's first day also replayed hour by hour before its night:

1. the history, 08-25 .. 10-12, in this process with the step functions the DAG calls:
   :func:`pipeline.night.run_days`, what ``brandpulse run --date 2026-08-25 --to 2026-10-12 --no-report`` does (a
   backfill without a scheduler: it reads the survey exports on its first night, and draws no report: the
   demo's last night draws it);
2. the planted Parcelo incident's first day, 10-13, hour by hour through the hourly watch, in this process:
   :func:`pipeline.watch.run_watches`, what ``brandpulse watch --from 2026-10-13T01:00 --to 2026-10-14T00:00``
   does (24 runs, each reading the network sources for its hour as the services stood at its end). The demo
   prints when the watch alerted against when the nightly run would have (02:00 the next day);
3. the same night, 10-13, through Airflow: one run of ``brandpulse_nightly``,
   executed by ``dag.test()`` (the API behind ``airflow dags test``) in this process, with Airflow's metadata in
   a SQLite file under ``./data/airflow``. It reconciles the day the watch loaded (the night is authoritative:
   what the watch stored is ``already_present``), its detector's spike for the incident becomes an update of
   the watch's alert, the DAG's ``send_alerts`` task delivers it to stand-in Slack and webhook receivers on the
   replay server. Its ``report`` task records the report as not drawn: the run's conf says ``{"draw_report":
   false}``, as a backfill's would (``airflow backfill create ... --dag-run-conf``), since the nights after it
   draw over it at once;
4. the nights after, 10-14 .. 10-31, in this process again (Paczkolot's planted incident raises its alert on
   10-14, delivered by the same ``send_alerts`` step); the last one draws the report.

Scoring is most of the demo's time: its config scores in bfloat16 where the CPU computes it natively
(``scoring.precision: bf16``, 1.5x faster than fp32; fp32 elsewhere). SIGTERM and Ctrl-C stop it within
seconds (:mod:`pipeline.interrupt`).

``--all-through-airflow`` runs every night through ``dag.test()`` instead (about 12 s a night on 2 cores). Either
way the warehouse, ``./data/brandpulse.duckdb``, ends the same. Re-running the demo re-runs the nights and changes
nothing in it (natural keys, upserts).
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

from pipeline import interrupt

DEMO_DIR = Path(__file__).resolve().parent
REPO_ROOT = DEMO_DIR.parent
DATA = REPO_ROOT / "data"
FIRST_DAY, LAST_DAY = date(2026, 8, 25), date(2026, 10, 31)
INCIDENT = (date(2026, 10, 13), date(2026, 10, 16))  # the planted Parcelo incident
# These nights run through Airflow: the first night of the planted Parcelo incident, its alert delivered by the
# DAG's send_alerts task (one night: each one through dag.test() costs about 20 s against 1.5 s in-process)
AIRFLOW_NIGHTS = (date(2026, 10, 13), date(2026, 10, 13))


# the files the demo writes and reads: its own, whatever the shell exports (run_demo)
OWN_PLACES = (
    "AIRFLOW_HOME",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "BRANDPULSE_CONFIG",
    "BRANDPULSE_DB",
)


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


def run_starts(day: date) -> datetime:
    """When the run for the night ``day`` starts: 02:00 UTC the next day (the DAG's logical date)."""
    return datetime.combine(day + timedelta(days=1), dtime(2), tzinfo=UTC)


def print_alerts(config, db, received: list[dict]) -> None:
    """What the detector raised over the sample period, and the Parcelo incident's alert as its message reads."""
    from pipeline.alerts.inbox import list_alerts, show_alert
    from pipeline.warehouse import connect

    slack = sum(1 for r in received if "/slack/" in r["path"])
    print(f"\nAlerts: {slack} Slack messages and {len(received) - slack} webhook calls reached the stand-in receivers")
    print(list_alerts(config, db, days=3650))
    with connect(db, read_only=True) as con:
        row = con.execute(
            "SELECT alert_id FROM alerts WHERE brand = 'parcelo' AND kind IN ('spike', 'hourly_spike') "
            "AND status = 'new' AND day BETWEEN ? AND ? ORDER BY created_at LIMIT 1",
            [INCIDENT[0] - timedelta(days=1), INCIDENT[1] + timedelta(days=1)],
        ).fetchone()
    if row:
        print("\nThe Parcelo incident's first alert, as delivered (brandpulse alerts --show ID):\n")
        print(show_alert(config, db, row[0]))
    else:
        print(f"\nThe detector did not flag the planted Parcelo incident ({INCIDENT[0]} .. {INCIDENT[1]}).")


class Nights:
    """Runs the demo's nights, in-process or through Airflow, and prints one line for each."""

    def __init__(self, config, db: Path, replay) -> None:
        self.config, self.db, self.replay = config, db, replay
        self.states: dict[date, str] = {}
        self.seconds = {"in-process": 0.0, "watch": 0.0, "airflow": 0.0}
        self._dag = None
        self._migrate = None

    def prepare_airflow(self) -> None:
        """Start migrating Airflow's metadata DB in the background (seconds), while the history loads."""
        (DATA / "airflow").mkdir(parents=True, exist_ok=True)
        with (DATA / "airflow" / "migrate.log").open("wb") as log, interrupt.signals_unblocked():
            self._migrate = subprocess.Popen([sys.executable, "-m", "airflow", "db", "migrate"], stdout=log, stderr=log)

    def stop(self) -> None:
        """Stop what runs beside the nights (the Airflow metadata migration, if it still does)."""
        if self._migrate is not None and self._migrate.poll() is None:
            self._migrate.terminate()
            self._migrate.wait()

    def _line(self, day: date, state: str, seconds: float, how: str) -> None:
        from pipeline.report.summary import night_line

        self.states[day] = state
        self.seconds[how] += seconds
        print(f"  {night_line(self.config, self.db, day)}  [{state}, {seconds:.1f}s, {how}]", flush=True)

    def in_process(self, first: date, last: date, draw_report: bool = True) -> None:
        """``first`` .. ``last`` in this process: pipeline.night.run_days, a backfill without a scheduler (with
        ``draw_report=False``, what ``--no-report`` does: a later night draws the report)."""
        from demo.replay import sample
        from pipeline.night import run_days
        from pipeline.scoring import load_scorer

        flag = "" if draw_report else " --no-report"
        print(f"{first} .. {last}: in this process (pipeline.night.run_days, as `brandpulse run --date --to{flag}`)")
        started = time.perf_counter()

        def night_done(result: dict) -> None:
            nonlocal started
            day = date.fromisoformat(result["day"])
            self._line(day, result["status"], time.perf_counter() - started, "in-process")
            sample.mount(self.replay, until=run_starts(day + timedelta(days=1)))  # the next night's services
            started = time.perf_counter()

        sample.mount(self.replay, until=run_starts(first))
        run_days(
            self.config,
            self.db,
            first,
            last,
            scorer=load_scorer(self.config),
            on_night=night_done,
            draw_report=draw_report,
        )

    def watch_day(self, day: date) -> None:
        """``day`` hour by hour through the hourly watch, in this process (``brandpulse watch --from --to``): one
        line per hour, then when the watch alerted against when the nightly run would have."""
        from demo.replay import sample
        from pipeline.scoring import load_scorer
        from pipeline.warehouse import connect, rows
        from pipeline.watch import TRIGGER, run_watches

        first_end = datetime.combine(day, dtime(1), tzinfo=UTC)
        last_end = datetime.combine(day + timedelta(days=1), dtime(0), tzinfo=UTC)
        print(
            f"{day}, hour by hour: the hourly watch in this process (pipeline.watch.run_watches, as "
            f"`brandpulse watch --from {first_end:%Y-%m-%dT%H:%M} --to {last_end:%Y-%m-%dT%H:%M}`)"
        )
        started = time.perf_counter()
        raised_now: set[str] = set()

        def hour_done(result: dict) -> None:
            nonlocal started
            end = datetime.fromisoformat(result["end"])
            raised = ""
            if result.get("alerts"):
                with connect(self.db, read_only=True) as con:
                    found = rows(
                        con.execute(
                            "SELECT brand, kind FROM alerts WHERE list_contains(?, alert_id) ORDER BY brand",
                            [result["alerts"]],
                        )
                    )
                raised_now.update(result["alerts"])
                raised = "  ALERT: " + ", ".join(f"{a['brand']} {a['kind']}" for a in found)
            seconds = time.perf_counter() - started
            self.seconds["watch"] += seconds
            new = result.get("new_mentions", 0)
            print(
                f"  {datetime.fromisoformat(result['start']):%H:%M}-{end:%H:%M} UTC: {new:3d} new "
                f"{'mention ' if new == 1 else 'mentions'}{raised}  [{result['status']}, {seconds:.1f}s, watch]",
                flush=True,
            )
            sample.mount(self.replay, until=end + timedelta(hours=1))  # the next run's services, at its hour's end
            started = time.perf_counter()

        sample.mount(self.replay, until=first_end)
        run_watches(
            self.config,
            self.db,
            first_end,
            last_end,
            scorer=load_scorer(self.config),
            on_run=hour_done,
        )
        nightly = run_starts(day)
        # from the warehouse, not only this replay's results: a re-run of the demo (or one after a stop) finds the
        # day's alert already raised, by the watch run that first read the spike, and raises none itself
        with connect(self.db, read_only=True) as con:
            watch_alerts = rows(
                con.execute(
                    "SELECT a.alert_id, a.brand, a.kind, r.window_end AS end FROM alerts a JOIN pipeline_runs r "
                    "USING (run_id) WHERE r.trigger = ? AND a.day = ? ORDER BY r.window_end, a.brand",
                    [TRIGGER, day],
                )
            )
        for a in watch_alerts:
            end = a["end"]
            earlier = "" if a["alert_id"] in raised_now else " (by an earlier run of the demo; found stored)"
            print(
                f"  The hourly watch alerted on {a['brand']} ({a['kind']}) at {end:%H:%M} UTC on {end:%Y-%m-%d}"
                f"{earlier}; the nightly run alone would have at {nightly:%H:%M} UTC on {nightly:%Y-%m-%d}: "
                f"{(nightly - end).total_seconds() / 3600:.0f} hours later."
            )
        if not watch_alerts:
            print(f"  The hourly watch raised no alert on {day}; the nightly run at {nightly:%H:%M} UTC decides.")

    def through_airflow(self, first: date, last: date) -> None:
        """``first`` .. ``last`` through Airflow: one ``dag.test()`` run of brandpulse_nightly a night."""
        from demo.replay import sample
        from pipeline.night import interrupted

        dag = self._load_dag()
        print(f"{first} .. {last}: through Airflow (one dag.test() run of {dag.dag_id} a night)")
        day = first
        while day <= last:
            started = time.perf_counter()
            sample.mount(self.replay, until=run_starts(day))
            # every night's report would be drawn over by the next night's: only the demo's last night draws it
            run = dag.test(logical_date=run_starts(day), run_conf={"draw_report": day == LAST_DAY})
            if interrupt.requested():  # dag.test() caught the task's KeyboardInterrupt and failed the rest
                interrupted(self.config, self.db, run.run_id, f"stopped by {interrupt.requested()}")
                interrupt.check()
            self._line(day, str(getattr(run.state, "value", run.state)), time.perf_counter() - started, "airflow")
            day += timedelta(days=1)

    def _load_dag(self):
        if self._dag is None:
            if self._migrate.wait() != 0:
                log = (DATA / "airflow" / "migrate.log").read_text(errors="replace")
                raise SystemExit(f"airflow db migrate failed:\n{log[-2000:]}")
            from airflow.dag_processing.dagbag import DagBag

            bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
            if bag.import_errors:
                raise SystemExit(f"DAG import errors: {bag.import_errors}")
            self._dag = bag.get_dag("brandpulse_nightly")
            logging.getLogger("brandpulse").setLevel(logging.WARNING)
        return self._dag


def stretches(all_through_airflow: bool) -> list[tuple[date, date, str]]:
    """The demo's runs in order, as (first, last, how) stretches: the nights (``in-process`` or ``airflow``), and
    before the incident's first night its day hour by hour through the hourly watch (``watch``)."""
    nightly = "airflow" if all_through_airflow else "in-process"
    return [
        (FIRST_DAY, AIRFLOW_NIGHTS[0] - timedelta(days=1), nightly),
        (INCIDENT[0], INCIDENT[0], "watch"),
        (AIRFLOW_NIGHTS[0], AIRFLOW_NIGHTS[1], "airflow"),
        (AIRFLOW_NIGHTS[1] + timedelta(days=1), LAST_DAY, nightly),
    ]


DEMO_KEY = "demo-only-key-set-your-own-in-production"  # no secret: the sample's authors are made up


def run_demo(all_through_airflow: bool = False) -> None:
    t0 = time.perf_counter()
    # The demo's own config, warehouse and Airflow, whatever the shell exported: an exported BRANDPULSE_DB (a
    # production warehouse) took the sample's 68 nights of fictional brands, BRANDPULSE_CONFIG ran other brands; the
    # switches (log level, offline flags) are the shell's where it sets them
    own = airflow_env()
    replaced = [
        k for k in OWN_PLACES if own[k] not in (os.environ.get(k, own[k]), os.path.abspath(os.environ.get(k, own[k])))
    ]
    for key, value in own.items():
        if key in OWN_PLACES:
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
    if replaced:
        print(f"Not using {', '.join(replaced)} from the environment: the demo runs on its own warehouse, config and "
              "Airflow (README, Quickstart).")  # fmt: skip
    if not os.environ.get("BRANDPULSE_AUTHOR_KEY"):
        os.environ["BRANDPULSE_AUTHOR_KEY"] = DEMO_KEY
        print("BRANDPULSE_AUTHOR_KEY is not set: using a demo-only key for author hashes.")
    logging.getLogger("brandpulse").setLevel(logging.WARNING)  # the demo prints its own progress
    from demo.replay import sample

    replay = sample.start()
    received = sample.capture_alerts(replay)
    os.environ.update(sample.environment(replay))
    print(f"Replay server for Reddit, Hacker News, App Store and Google Play: {replay.url}")
    print(f"Airflow metadata DB: {os.environ['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']}")

    from pipeline.config import load_config
    from pipeline.report.summary import print_summary
    from pipeline.warehouse import db_path

    config, db = load_config(), db_path()
    nights = Nights(config, db, replay)
    try:
        nights.prepare_airflow()  # a stop while its child starts (the signals unblocked) is a stop like any other
        for first, last, how in stretches(all_through_airflow):
            if how == "watch":
                nights.watch_day(first)
            elif how == "airflow":
                nights.through_airflow(first, last)
            else:  # the history's report would be drawn over at once by the nights after it
                nights.in_process(first, last, draw_report=last == LAST_DAY)
    except KeyboardInterrupt as exc:
        print(
            f"\n{exc or 'stopped'}: {len(nights.states)} nights done; the night in progress is left whole or not at "
            f"all (each step commits in one transaction). `make demo` again re-runs every night and completes it.",
            flush=True,
        )
        raise SystemExit(interrupt.exit_code()) from None
    finally:
        nights.stop()
        replay.stop()

    failed = [str(d) for d, state in nights.states.items() if state != "success"]
    print(
        f"{len(nights.states)} nights, {len(nights.states) - len(failed)} succeeded: "
        + ", ".join(f"{s:.0f}s {how}" for how, s in nights.seconds.items() if s)
        + f"; {time.perf_counter() - t0:.0f}s in all"
        + (f". FAILED: {', '.join(failed)}" if failed else "")
    )
    print_summary(config, db)
    print_alerts(config, db, received)

    index = config.resolve(config.report_dir) / "index.html"
    print(f"\nThe report for {LAST_DAY} (one page per brand, charts inlined, works offline): {index}")
    print(f"  open {index.as_uri()} in a browser, or serve it:")
    print(f"  .venv/bin/python -m http.server --directory {index.parent} 8000   # then http://127.0.0.1:8000/")
    print(
        f"  the incident's: .venv/bin/brandpulse report --date {INCIDENT[1]} --out data/reports-incident "
        "--config demo/brandpulse.yaml --db data/brandpulse.duckdb"
    )
    print("\nWhat CX is worth (the survey answers are linked to the customer lists; association, not cause):")
    for command in ("roi", "drivers"):
        print(f"  .venv/bin/brandpulse {command} --brand parcelo --config demo/brandpulse.yaml --db {db}")
    print("\nOne night by hand, through the Airflow CLI (start `.venv/bin/python -m demo.replay` first, and export")
    print("the variables it prints):")
    exports = " ".join(f"{k}={v}" for k, v in airflow_env().items() if k.startswith(("AIRFLOW", "BRANDPULSE")))
    # the demo's own key is shown (the commands that write after the demo need it); a key of yours never is
    key = "$BRANDPULSE_AUTHOR_KEY" if os.environ["BRANDPULSE_AUTHOR_KEY"] != DEMO_KEY else DEMO_KEY
    print(
        f"  env {exports} BRANDPULSE_AUTHOR_KEY={key} \\\n"
        f"    .venv/bin/airflow dags test brandpulse_nightly {run_starts(LAST_DAY).isoformat()}"
    )
    if failed:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--all-through-airflow",
        action="store_true",
        help="run every night of the sample through dag.test() (about 12 s a night), not only the incident's",
    )
    args = parser.parse_args(argv)
    interrupt.stop_on_signals()  # SIGTERM (`timeout`, a CI runner) and Ctrl-C stop the demo within seconds
    run_demo(all_through_airflow=args.all_through_airflow)
