"""An in-process backfill (``run_days``, ``brandpulse run --date D --to D2``) leaves the warehouse as the same
nights run one by one (``run_day``) do, reading the survey exports once and drawing the report once."""

from __future__ import annotations

import json
import logging
from datetime import date

import duckdb
import pytest

from pipeline import ledger
from pipeline.config import load_config
from pipeline.night import finish, rescore, run_day, run_days
from pipeline.warehouse import connect, migrate
from tests.helpers import NIGHT_ROWS, csv_rows, write_config
from tests.test_surveys_import import CUSTOMER_ROWS, qualtrics_rows, write_csv

NIGHTS = [date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 2)]
# Everything a night leaves behind, without run ids and clock times (which differ between two runs).
SNAPSHOT = {
    "mentions": "SELECT mention_id, brand, source, native_id, text, day, engagement FROM mentions",
    "sentiment": "SELECT mention_id, label, round(score, 6) FROM sentiment",
    "quarantine": "SELECT quarantine_id, brand, source, day, reason FROM quarantine",
    "daily_brand_metrics": "SELECT day, brand, source, volume, scored, share_negative FROM daily_brand_metrics",
    "survey_responses": "SELECT source, response_id, brand, day, nps, csat, ces, comment FROM survey_responses",
    "survey_comments": "SELECT source, response_id, label FROM survey_comment_sentiment",
    "survey_metrics": "SELECT period, period_start, brand, touchpoint, segment, metric, value, n FROM survey_metrics",
    "alerts": "SELECT brand, kind, status, day, headline FROM alerts",
}


def _config(folder):
    (folder / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    write_csv(folder / "q.csv", qualtrics_rows())
    write_csv(folder / "c.csv", CUSTOMER_ROWS[:3])  # the header and two customers, none quarantined
    surveys = {
        "sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}],
        "customers": [{"name": "crm", "brand": "acme", "path": "c.csv"}],
    }
    return load_config(write_config(folder, surveys=surveys))


def _snapshot(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in SNAPSHOT.items()}


def test_a_backfill_ends_as_the_same_nights_run_one_by_one(tmp_path, scorer):
    (tmp_path / "nightly").mkdir()
    (tmp_path / "backfill").mkdir()
    nightly, backfill = _config(tmp_path / "nightly"), _config(tmp_path / "backfill")
    one_by_one = [run_day(nightly, tmp_path / "nightly.duckdb", d, scorer=scorer) for d in NIGHTS]
    seen = []
    ranged = run_days(
        backfill, tmp_path / "backfill.duckdb", NIGHTS[0], NIGHTS[-1], scorer=scorer, on_night=seen.append
    )

    assert seen == ranged and [r["day"] for r in ranged] == [d.isoformat() for d in NIGHTS]
    assert [r["status"] for r in ranged] == [r["status"] for r in one_by_one] == ["success"] * 3
    assert [r["new_mentions"] for r in ranged] == [r["new_mentions"] for r in one_by_one]
    after = _snapshot(tmp_path / "backfill.duckdb")
    assert after == _snapshot(tmp_path / "nightly.duckdb")
    assert after["mentions"] and after["survey_responses"] and after["survey_metrics"] and after["quarantine"]

    # the survey exports and customer lists are read, and the survey metrics recomputed, on the first night only;
    # the report is drawn for the last night only, and the other nights say so in their (required) report step
    with duckdb.connect(str(tmp_path / "backfill.duckdb"), read_only=True) as con:
        steps = con.execute(
            "SELECT r.day, s.step, s.status, s.detail FROM run_steps s JOIN pipeline_runs r USING (run_id) "
            "WHERE s.step IN ('import_surveys', 'import_customers', 'survey_metrics', 'report') AND s.source = '' "
            "ORDER BY r.day, s.step"
        ).fetchall()
    assert [(day, step) for day, step, _, _ in steps if step != "report"] == [
        (NIGHTS[0], "import_customers"),
        (NIGHTS[0], "import_surveys"),
        (NIGHTS[0], "survey_metrics"),
    ]
    reports = [(day, status, detail) for day, step, status, detail in steps if step == "report"]
    assert [(day, status) for day, status, _ in reports] == [(d, "success") for d in NIGHTS]
    assert all("not drawn" in detail and "2026-10-02" in detail for _, _, detail in reports[:2])
    assert reports[2][2].endswith("index.html")
    assert [r["report"] for r in ranged][:2] == [None, None] and ranged[2]["report"].endswith("index.html")


def test_a_backfill_without_the_report_leaves_even_its_last_nights_to_the_next_night(tmp_path, scorer):
    """``--no-report`` (``draw_report=False``): a backfill that a scheduled night follows draws no report, not even
    its last night's; the night records its report step with the reason, and ends ``success``."""
    [result] = run_days(
        _config(tmp_path), tmp_path / "w.duckdb", NIGHTS[1], NIGHTS[1], scorer=scorer, draw_report=False
    )
    assert result["status"] == "success" and result["report"] is None
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        query = "SELECT status, detail FROM run_steps WHERE step = 'report'"
        assert con.execute(query).fetchall() == [
            ("success", "not drawn: this backfill leaves the report to the next night (--no-report)")
        ]
    assert not list(tmp_path.rglob("index.html"))


def test_a_rescore_whose_work_raises_is_closed_failed_and_its_own_error_goes_on(tmp_path):
    """A rescore whose model breaks is closed ``failed`` (left ``running``, the watch skipped its hours for
    NIGHT_GUARD), its step recorded missing and the error recorded as a failed ``error`` step (as a night's is),
    and the caller sees the model's error, not the close's RunFailed."""

    cfg, db = load_config(write_config(tmp_path)), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)

    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("the model broke")

    with pytest.raises(RuntimeError, match="the model broke"):
        rescore(cfg, db, NIGHTS[0], scorer=Broken())
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT trigger, status, finished_at IS NOT NULL FROM pipeline_runs").fetchall()
        steps = con.execute("SELECT step, status, detail LIKE 'RuntimeError%' FROM run_steps ORDER BY step")
        steps = steps.fetchall()
    assert runs == [("rescore", "failed", True)] and steps == [("error", "failed", True), ("rescore", "missing", False)]


def test_a_night_is_partial_when_a_survey_step_it_expects_recorded_nothing_and_a_later_backfill_night_is_not(
    tmp_path,
):
    """With survey sources and customer lists configured, a night expects an import_surveys, an import_customers
    and a survey_metrics step (each recorded, success or not); a backfill night after the first leaves them out
    (``finish(surveys=False)``), so their absence does not make it partial."""

    cfg, db = _config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        for run_id in ("night", "later"):
            ledger.start_run(con, run_id, NIGHTS[0], "cli")
            ledger.record_steps(con, run_id, [{"step": s} for s in (*ledger.REQUIRED_STEPS, "import_surveys")])
    with pytest.raises(ledger.RunFailed, match="partial: import_customers, survey_metrics did not run to the end"):
        finish(cfg, db, "night")
    assert finish(cfg, db, "later", surveys=False) == "success"


class _FollowingReddit:
    """Reddit's state contract: follow = the stored follow list + this read's matched posts (``add``); no items."""

    def __init__(self, add: dict):
        self.add, self.spec = add, type("Spec", (), {"lookback_days": 0})()

    def fetch(self, window):
        self.state = {"follow": {**self.previous_state.get("follow", {}), **self.add}}
        return iter(())


def _following_reddit(tmp_path, monkeypatch) -> tuple:
    """(config, migrated warehouse, adds): the watch tests' config, every source read as :class:`_FollowingReddit`
    with ``adds[(brand, source)]`` as the posts that read matches (set it before each extract)."""
    from pipeline import staging
    from tests.test_watch import config

    adds: dict = {}
    monkeypatch.setattr(staging, "build_source", lambda c, b, s: _FollowingReddit(adds.get((b.key, s), {})))
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    return cfg, db, adds


def _extract(cfg, jobs: list[dict], day: date, run: str) -> None:
    """Every extract job ``prepare`` listed for the run, each with the states it read."""
    from pipeline import staging

    for job in jobs:
        staging.extract(cfg, job["brand"], job["source"], day, run, states=staging.states_of(jobs))


def _reddit_state(db) -> tuple:
    """(followed threads, day, run id) of the stored Reddit state."""
    with duckdb.connect(str(db), read_only=True) as con:
        follow, day, run = con.execute(
            "SELECT state->>'follow', day, run_id FROM source_state WHERE source = 'reddit'"
        ).fetchone()
    return json.loads(follow), day, run


def test_a_backfill_night_never_stores_a_sources_state_over_a_later_nights(tmp_path, monkeypatch):
    """The scheduled night of 10 March and a backfill of 20 February in flight together (Airflow runs backfills
    beside the schedule): both read the same stored state, and the backfill's load, the later one, stored its
    state over the scheduled night's, moving Reddit's followed threads back (pNEW's comments lost for good). Run
    one after the other, a backfill moved the state back all the same, for the next night to read."""
    from pipeline import load as loading
    from pipeline import night
    from pipeline.warehouse import connect

    cfg, db, adds = _following_reddit(tmp_path, monkeypatch)
    scheduled, backfill = ("scheduled", date(2026, 3, 10)), ("backfill", date(2026, 2, 20))
    jobs = {run: night.prepare(cfg, db, day, run) for run, day in (scheduled, backfill)}  # both read one state
    for (run, day), add in ((scheduled, {"pNEW": 1}), (backfill, {"pOLD": 1})):
        adds[("parcelo", "reddit")] = add
        _extract(cfg, jobs[run], day, run)
    for run, day in (scheduled, backfill):  # the backfill's load last
        loading.load(cfg, db, day, run)

    def follow() -> tuple:
        return _reddit_state(db)[:2]

    assert follow() == ({"pNEW": 1}, date(2026, 3, 10))
    from pipeline.ledger import start_run
    from pipeline.warehouse import execute

    with connect(db) as con:  # an hourly watch run stores the row over the night's (it does every hour)
        start_run(con, "watch-1", date(2026, 3, 11), "watch")
        state = json.dumps({"follow": {"pNEW": 1}, "seen": 5})
        params = {"brand": ["parcelo"], "source": ["reddit"], "state": [state], "watermark": [None]}
        execute(con, "ingest/source_state", {**params, "day": date(2026, 3, 11), "run_id": "watch-1"})
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 'watch-1'")  # ended
    assert follow() == ({"pNEW": 1}, date(2026, 3, 11))
    later = date(2026, 2, 21)
    jobs = night.prepare(cfg, db, later, "backfill-2")  # the next backfill night, on its own
    adds[("parcelo", "reddit")] = {"pOLDER": 1}
    _extract(cfg, jobs, later, "backfill-2")
    logged, handler, logger = [], logging.Handler(logging.INFO), logging.getLogger("brandpulse")
    handler.emit, level = logged.append, logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        loading.load(cfg, db, later, "backfill-2")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert follow() == ({"pNEW": 1}, date(2026, 3, 11))  # the watch's, which holds the night of 10 March's
    with duckdb.connect(str(db), read_only=True) as con:
        query = "SELECT detail FROM run_steps WHERE run_id = 'backfill-2' AND step = 'load'"
        [(detail,)] = con.execute(query).fetchall()
    assert "; state not stored over a later night's: " in detail
    assert "parcelo/reddit (the night of 2026-03-10)" in detail
    # what every backfill night does, as designed: said, not warned (a demo run again logged 67 such warnings)
    said = [r for r in logged if "not stored over it" in r.getMessage()]
    assert said and all(r.levelname == "INFO" for r in said), [(r.levelname, r.getMessage()) for r in said]


def test_a_night_stored_under_a_mistyped_future_date_never_freezes_a_sources_state(tmp_path, monkeypatch):
    """A night run by hand under a mistyped date years ahead stored its state with that night_day: it is no later
    night whose state a night must keep (source_state.sql: one dated after today does not count), so the next
    real night stores its state over it. Counted, it would keep every night after from storing Reddit's followed
    threads until that date."""
    from datetime import UTC, datetime, timedelta

    from pipeline import load as loading
    from pipeline import night

    cfg, db, adds = _following_reddit(tmp_path, monkeypatch)
    today = datetime.now(UTC).date()
    for run, day, add in (("typo", today + timedelta(days=3650), {"pTYPO": 1}), ("real", today, {"pREAL": 1})):
        adds[("parcelo", "reddit")] = add
        jobs = night.prepare(cfg, db, day, run)
        _extract(cfg, jobs, day, run)
        loading.load(cfg, db, day, run)
    assert _reddit_state(db) == ({"pTYPO": 1, "pREAL": 1}, today, "real")


def test_a_range_into_the_future_is_refused_before_any_night(tmp_path):
    """``brandpulse run --date D --to 2199-12-31`` (a mistyped year) ran a night for every day up to it, some 63,000
    nights that never ended; a range whose last day is after today is refused, naming the option, and runs none."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    config = write_config(tmp_path)
    args = ["run", "-c", str(config), "--db", str(tmp_path / "w.duckdb"), "--date", "2026-10-01"]
    result = CliRunner().invoke(app, [*args, "--to", "2199-12-31"])
    assert result.exit_code == 2 and "--to: 2199-12-31 is after today" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_a_range_of_more_than_a_year_needs_long_range(tmp_path, monkeypatch):
    """``brandpulse run --date 1996-10-01 --to 2026-10-01`` (a mistyped year of --date) ran 10,958 nights one after
    the other, some 25 hours, saying nothing; a range of more than a year is refused, naming the option and the
    flag that runs it, and runs none; --long-range runs it."""
    from typer.testing import CliRunner

    from pipeline import night
    from pipeline.cli import app

    ranges = []
    monkeypatch.setattr(night, "run_days", lambda cfg, db, first, last, **kw: ranges.append((first, last)))
    args = ["run", "-c", str(write_config(tmp_path)), "--db", str(tmp_path / "w.duckdb"), "--date", "1996-10-01"]
    result = CliRunner().invoke(app, [*args, "--to", "2026-10-01"])
    assert result.exit_code == 2 and ranges == []
    assert "--date: 1996-10-01 to 2026-10-01 is 10,958 nights, more than a year (366)" in result.output
    assert "--long-range" in result.output
    assert CliRunner().invoke(app, [*args, "--to", "2026-10-01", "--long-range"]).exit_code == 0
    assert ranges == [(date(1996, 10, 1), date(2026, 10, 1))]
