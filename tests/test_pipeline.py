"""One night end to end in-process: idempotent re-runs, concurrent runs, a crash before COMMIT, failing sources."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from pipeline import ledger, scoring
from pipeline.config import ConfigError, load_config
from pipeline.load import load
from pipeline.night import finish as finish_night
from pipeline.night import prepare, run_day
from pipeline.staging import extract, states_of
from pipeline.warehouse import WarehouseError, connect, migrate, schema_version
from tests.helpers import MODEL_DIR, NIGHT_ROWS, REPO, brandpulse, csv_rows, migrated, write_config

DAY = date(2026, 10, 1)
SNAPSHOT = {
    "mentions": "SELECT mention_id, brand, source, native_id, kind, text, created_at, day, engagement, author_hash "
    "FROM mentions ORDER BY ALL",
    "sentiment": "SELECT mention_id, model_version, label, round(score, 4) FROM sentiment ORDER BY ALL",
    "quarantine": "SELECT quarantine_id, brand, source, reason, raw_record FROM quarantine ORDER BY ALL",
    "metrics": "SELECT day, brand, source, volume, scored, n_negative, n_neutral, n_positive FROM daily_brand_metrics "
    "ORDER BY ALL",
}


def snapshot(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(q).fetchall() for name, q in SNAPSHOT.items()}


def test_night_end_to_end_and_rerun_is_idempotent(night, scorer):
    config_path, db = night
    cfg = load_config(config_path)
    first = run_day(cfg, db, DAY, scorer=scorer)
    assert first["status"] == "success"
    # four rows of the day, plus one of the day before (the one-day look-back re-reads it for late posts)
    assert (first["new_mentions"], first["quarantined"], first["scored"]) == (5, 3, 5)
    before = snapshot(db)
    assert len(before["mentions"]) == 5 and len(before["sentiment"]) == 5 and len(before["quarantine"]) == 3
    # per source and in total, for the one brand, for the day and for the day whose scores changed
    assert [(str(r[0]), r[2], r[3], r[4]) for r in before["metrics"]] == [
        ("2026-09-30", "_all", 1, 1),
        ("2026-09-30", "listening", 1, 1),
        ("2026-10-01", "_all", 4, 4),
        ("2026-10-01", "listening", 4, 4),
    ]
    labels = {r[0]: r[2] for r in before["sentiment"]}
    assert sorted(labels.values()).count("negative") >= 1
    with duckdb.connect(str(db), read_only=True) as con:
        counted = con.execute(
            "SELECT step, rows_in, rows_out, rows_quarantined FROM run_steps WHERE run_id = ? "
            "AND step IN ('extract', 'load') ORDER BY step",
            [first["run_id"]],
        ).fetchall()
    # every row read is counted in: the five loaded and the three quarantined, by the source's extract and the load
    assert counted == [("extract", 8, 5, 3), ("load", 8, 5, 3)]

    second = run_day(cfg, db, DAY, scorer=scorer)
    # the export is unchanged since this night loaded it: not re-read (its rows and rejects are in already)
    assert (second["new_mentions"], second["already_present"], second["scored"]) == (0, 0, 0)
    assert snapshot(db) == before  # nothing duplicated, nothing lost, nothing rescored

    with duckdb.connect(str(db), read_only=True) as con:
        extracts = con.execute(
            "SELECT rows_in, detail FROM run_steps WHERE step = 'extract' AND run_id = ?", [second["run_id"]]
        ).fetchall()
        runs = con.execute("SELECT status FROM pipeline_runs").fetchall()
        steps_seen = con.execute("SELECT DISTINCT step FROM run_steps ORDER BY 1").fetchall()
        q = con.execute("SELECT reason, location FROM quarantine WHERE reason LIKE 'likes%'").fetchone()
        recomputed = con.execute(
            "SELECT rows_in, rows_out, detail FROM run_steps WHERE step = 'daily_metrics' AND run_id = ?",
            [second["run_id"]],
        ).fetchall()
    assert runs == [("success",), ("success",)]
    assert [s[0] for s in steps_seen] == [
        "daily_metrics", "detect", "extract", "load", "report", "score", "send_alerts", "survey_metrics",
    ]  # fmt: skip
    assert q[0] == "likes [not shown: 4 characters: letters] is not a whole number" and q[1].endswith("acme.csv:10")
    assert len(extracts) == 1 and extracts[0][0] == 0
    assert recomputed == [(1, 2, "day 2026-10-01")]  # its own day's rows, per source and in total: not the table's
    assert extracts[0][1].startswith("acme.csv unchanged since loaded for this window (sha256 ")

    # a changed export is read again: one more row of the day, and the five already there are found present
    late = ("late", "2026-10-01T23:50:00Z", "acme parcel lost, posted late at night")
    (config_path.parent / "acme.csv").write_text(csv_rows([*NIGHT_ROWS, late]), encoding="utf-8")
    third = run_day(cfg, db, DAY, scorer=scorer)
    assert (third["new_mentions"], third["already_present"], third["scored"]) == (1, 5, 1)


def _model_v2(folder):
    """A Scorer of the shipped model copied to ``folder/model-v2`` under version 9.9.9: another model version."""
    from pipeline.sentiment.scorer import Scorer

    other = folder / "model-v2"
    shutil.copytree(MODEL_DIR, other)
    info = json.loads((MODEL_DIR / "brandpulse.json").read_text())
    (other / "brandpulse.json").write_text(json.dumps({**info, "version": "9.9.9"}))
    return Scorer(other)


def test_a_new_model_scores_new_mentions_nightly_and_history_only_on_rescore(night, scorer, tmp_path):
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    assert scoring.score(cfg, night[1], "again", scorer=scorer) == 0
    v2 = _model_v2(tmp_path)
    assert v2.version.startswith("9.9.9+") and v2.version != scorer.version
    with connect(night[1]) as con:  # scores are recorded against a registered run
        ledger.start_run(con, "v2", DAY, "cli")
    # the nightly step never rescores history for a new model: a model change cannot make a night late
    assert scoring.score(cfg, night[1], "v2", scorer=v2) == 0
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute("SELECT DISTINCT model_version FROM daily_brand_metrics").fetchall() == [(scorer.version,)]
    since = DAY - timedelta(days=7)  # one of the night's mentions is a late post of an earlier day
    result = rescore(cfg, night[1], since, scorer=v2)
    assert result["scored"] == 5 and result["days"] == 2  # from the first day with a mention (the late post's)
    assert rescore(cfg, night[1], since, scorer=v2)["scored"] == 0  # done: a re-run scores nothing
    with duckdb.connect(str(night[1]), read_only=True) as con:
        # each rescore closes its run (a run left 'running' made the watch skip its hours)
        assert (
            con.execute(
                "SELECT status, finished_at IS NOT NULL FROM pipeline_runs WHERE trigger = 'rescore'"
            ).fetchall()
            == [("success", True)] * 2
        )
        assert con.execute("SELECT count(DISTINCT model_version), count(*) FROM sentiment").fetchone() == (2, 10)
        # the day's metrics now come from the newest model that scored all of its mentions, and only from it
        assert con.execute("SELECT DISTINCT model_version FROM daily_brand_metrics").fetchall() == [(v2.version,)]
        assert con.execute("SELECT DISTINCT model_version FROM v_brand_daily").fetchall() == [(v2.version,)]
        # and the hours' (the hourly watch's series keeps one model version)
        assert con.execute("SELECT DISTINCT model_version FROM hourly_brand_metrics").fetchall() == [(v2.version,)]
        # each score names the model and carries the content hashes
        names = {r[0] for r in con.execute("SELECT DISTINCT model_name FROM sentiment").fetchall()}
        row = con.execute("SELECT model_sha256, text_sha256 FROM sentiment LIMIT 1").fetchone()
    assert names == {scorer.name, "brandpulse-sentiment"}
    assert len(row[0]) == 64 and len(row[1]) == 64

    # a rollback: the first model configured again; its scores of those days exist, so nothing is scored, and
    # still the days' metrics, the hours' and each mention's latest score go back to it
    assert rescore(cfg, night[1], since, scorer=scorer)["scored"] == 0
    with duckdb.connect(str(night[1]), read_only=True) as con:
        for table in ("daily_brand_metrics", "hourly_brand_metrics", "sentiment_latest", "v_mentions_scored"):
            assert con.execute(f"SELECT DISTINCT model_version FROM {table}").fetchall() == [(scorer.version,)], table


def test_a_rescore_stopped_mid_way_is_interrupted_and_its_rerun_scores_only_the_rest(night, scorer, monkeypatch):
    """Stopped (SIGTERM, Ctrl-C) after its first chunk, a rescore is recorded ``interrupted`` (not ``failed``) with
    the chunk it committed kept; run again, it carries on: it scores the rest only, never the chunk done, and its
    progress starts from that chunk."""
    from functools import partial

    from pipeline import night as nights
    from pipeline.interrupt import Interrupted
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    v2 = _model_v2(night[1].parent)
    monkeypatch.setattr(nights, "score_pending", partial(scoring.score_pending, chunk=2))
    since = DAY - timedelta(days=7)

    def stop(done, total):
        if done:  # after the first chunk (the bar is first drawn before it, at 0 of its total)
            raise Interrupted("stopped by SIGTERM")

    with pytest.raises(KeyboardInterrupt):
        rescore(cfg, night[1], since, scorer=v2, progress=stop)
    query = "SELECT count(*) FROM sentiment WHERE model_version = ?"
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(query, [v2.version]).fetchone() == (2,)  # the first chunk stays
        assert con.execute(
            "SELECT r.status, s.detail FROM pipeline_runs r JOIN run_steps s USING (run_id) "
            "WHERE r.trigger = 'rescore' AND s.step = 'interrupted'"
        ).fetchall() == [("interrupted", "stopped by SIGTERM")]
    seen: list[tuple[int, int]] = []
    again = rescore(cfg, night[1], since, scorer=v2, progress=lambda done, total: seen.append((done, total)))
    assert again["scored"] == 3 and again["status"] == "success"  # the rest only
    # its progress counts the first chunk as done from its first draw (the bar read "0/?" until a chunk ended),
    # and it ends full
    assert seen == [(2, 5), (4, 5), (5, 5)]
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(query, [v2.version]).fetchone() == (5,)
        assert con.execute("SELECT DISTINCT model_version FROM daily_brand_metrics").fetchall() == [(v2.version,)]


def test_a_night_stopped_mid_step_is_recorded_interrupted_and_keeps_the_steps_it_finished(night, scorer, monkeypatch):
    """SIGTERM or Ctrl-C in the middle of a night (here in its score step): the run is ``interrupted``, with the
    signal as the reason, not left ``running`` (the watch would skip its hours) nor closed ``failed``; the load it
    finished stays committed, and a re-run of the night completes it."""
    from pipeline import night as nights
    from pipeline.interrupt import Interrupted

    def stopped(*args, **kwargs):
        raise Interrupted("stopped by SIGTERM")

    cfg = load_config(night[0])
    with monkeypatch.context() as patched:
        patched.setattr(nights, "score", stopped)
        with pytest.raises(KeyboardInterrupt):
            run_day(cfg, night[1], DAY, run_id="stopped", scorer=scorer)
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute("SELECT status, finished_at IS NOT NULL FROM pipeline_runs").fetchall() == [
            ("interrupted", True)
        ]
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE step = 'interrupted'").fetchall()
        assert detail == "stopped by SIGTERM"
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (5,)  # the load committed
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)
    assert run_day(cfg, night[1], DAY, scorer=scorer)["status"] == "success"


def test_two_runs_at_the_same_moment_both_succeed_once(night):
    config_path, db = night
    args = ["run", "--date", DAY.isoformat(), "--config", str(config_path), "--db", str(db)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    snap = snapshot(db)
    assert len(snap["mentions"]) == 5 and len(snap["sentiment"]) == 5 and len(snap["quarantine"]) == 3
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT status) FROM pipeline_runs").fetchone() == (2, 1)


def test_crash_between_staging_and_commit_then_rerun(night, tmp_path):
    config_path, db = night
    args = ["run", "--date", DAY.isoformat(), "--config", str(config_path)]
    crashed = brandpulse(*args, "--db", str(db), env={"BRANDPULSE_CRASH_AT": "load:before_commit"})
    assert crashed.returncode == -9, crashed.stderr  # SIGKILL: no handler, no finally
    staged = list((tmp_path / "staging" / DAY.isoformat()).glob("*/*/*.records.jsonl"))
    assert staged and staged[0].read_text().count("\n") == 5  # staging happened
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)  # the commit did not
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("running",)]

    assert brandpulse(*args, "--db", str(db), "--no-report").returncode == 0
    clean_db = tmp_path / "uninterrupted.duckdb"
    # the configured scorer, as the command line's (scoring.device: auto is the GPU where there is one)
    assert run_day(load_config(config_path), clean_db, DAY)["status"] == "success"
    assert snapshot(db) == snapshot(clean_db)
    reports = []
    for path in (db, clean_db):
        with duckdb.connect(str(path), read_only=True) as con:
            reports += con.execute("SELECT status, detail FROM run_steps WHERE step = 'report' ORDER BY ALL").fetchall()
    assert reports[0] == ("success", "not drawn: this backfill leaves the report to the next night (--no-report)")
    assert reports[1][1].endswith("index.html")  # the uninterrupted night drew it


def test_staged_files_cut_short_after_the_extract_are_not_loaded_and_the_night_run_again_loads_every_row(night):
    """A staged records file cut short after its extract (a torn copy, an edit) was loaded for what it still held,
    the source a success and its state stored: the file drop's export, unchanged, was never read again and the rows
    cut off were lost for good, the load's detail calling them "repeated ids". The source is missing instead, its
    state not stored, and the night run again loads every row."""
    config_path, db = night
    cfg = load_config(config_path)
    jobs = prepare(cfg, db, DAY, "cut")
    extract(cfg, "acme", "listening", DAY, "cut", states=states_of(jobs))
    (staged,) = (config_path.parent / "staging" / DAY.isoformat() / "cut").glob("*/*.records.jsonl")
    staged.write_text("".join(staged.read_text().splitlines(keepends=True)[:2]), encoding="utf-8")
    result = load(cfg, db, DAY, "cut")
    assert (result.new_mentions, result.missing) == (0, ["acme/listening"])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM source_state").fetchone() == (0,)
        (step,) = con.execute("SELECT status, detail FROM run_steps WHERE step = 'extract'").fetchall()
    assert step[0] == "missing" and "listening.records.jsonl holds 2 rows" in step[1]
    jobs = prepare(cfg, db, DAY, "again")
    extract(cfg, "acme", "listening", DAY, "again", states=states_of(jobs))
    assert (load(cfg, db, DAY, "again").new_mentions, len(snapshot(db)["mentions"])) == (5, 5)


def test_a_staged_file_gone_from_a_store_after_the_extract_leaves_its_source_missing_not_the_load_failed(night):
    """A staging store's records file gone after the extract (a lifecycle rule, a delete): the load raised
    FileNotFoundError from the fetch, and no source was loaded; a folder's gone file left its source missing."""
    import fsspec

    config_path, db = night
    store = f"memory://stage/{config_path.parent.name}"
    cfg = load_config(write_config(config_path.parent, staging_dir=store))
    jobs = prepare(cfg, db, DAY, "gone")
    extract(cfg, "acme", "listening", DAY, "gone", states=states_of(jobs))
    fs = fsspec.filesystem("memory")
    (staged,) = [f for f in fs.find(f"/stage/{config_path.parent.name}") if f.endswith(".records.jsonl")]
    fs.rm(staged)
    result = load(cfg, db, DAY, "gone")
    assert (result.new_mentions, result.missing) == (0, ["acme/listening"])
    with duckdb.connect(str(db), read_only=True) as con:
        (detail,) = con.execute("SELECT detail FROM run_steps WHERE step = 'extract'").fetchone()
    assert "listening.records.jsonl is not there" in detail


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda text: text[:40], ""),  # cut short: a share's torn write
        (lambda text: "[]", "not a JSON object"),  # JSON of another shape: a hand's edit
        (lambda text: '{"status": "success"}', "no records, rejects, started_at"),
    ],
)
def test_a_damaged_staged_manifest_leaves_its_source_missing_not_the_whole_load_failed(night, tmp_path, edit, said):
    """A source's manifest cut short (a share's torn write), or JSON of another shape than extract writes (a hand's
    edit): the load raised JSONDecodeError, KeyError or TypeError, a traceback naming no file, and no brand's source
    was loaded; now that source is missing, saying why, and the others load."""
    _, db = night
    brands = [{"name": n, "files": {"listening": "acme.csv"}} for n in ("Acme", "Other")]
    cfg = load_config(write_config(tmp_path, brands))
    jobs = prepare(cfg, db, DAY, "torn")
    for job in jobs:
        extract(cfg, job["brand"], job["source"], DAY, "torn", states=states_of(jobs))
    (manifest,) = (tmp_path / "staging" / DAY.isoformat() / "torn").glob("acme/listening.manifest.json")
    manifest.write_text(edit(manifest.read_text()), encoding="utf-8")
    result = load(cfg, db, DAY, "torn")
    assert (result.new_mentions, result.missing) == (5, ["acme/listening"])
    with duckdb.connect(str(db), read_only=True) as con:
        (detail,) = con.execute("SELECT detail FROM run_steps WHERE status = 'missing'").fetchone()
    assert detail.startswith(f"its staged listening.manifest.json cannot be read ({said}")


def test_failing_source_fails_alone_and_is_recorded(tmp_path, scorer):
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    cfg = load_config(
        write_config(
            tmp_path,
            [
                {"name": "Acme", "files": {"listening": "acme.csv", "broken": "missing-export-*.csv"}},
                {"name": "Other", "files": {"listening": "acme.csv"}},
            ],
        )
    )
    db = tmp_path / "w.duckdb"
    result = run_day(cfg, db, DAY, scorer=scorer)
    assert result["status"] == "partial" and list(result["failed_sources"]) == ["acme/broken"]
    assert result["new_mentions"] == 10  # both other sources landed
    # a survey export or customer list not read is named too (the night's JSON said {} for them)
    surveys = {
        "sources": [{"name": "nps", "brand": "acme", "path": "no-export-*.csv", "preset": "qualtrics"}],
        "customers": [{"name": "crm", "brand": "acme", "path": "no-list-*.csv"}],
    }
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme.csv"}}], surveys=surveys))
    again = run_day(cfg, tmp_path / "surveys.duckdb", DAY, scorer=scorer)
    assert again["status"] == "partial" and sorted(again["failed_sources"]) == ["customers/crm", "surveys/nps"]
    with duckdb.connect(str(db), read_only=True) as con:
        missing = con.execute(
            "SELECT brand, source, status, detail FROM run_steps WHERE status <> 'success'"
        ).fetchall()
    assert missing == [("acme", "broken", "missing", "no staged output: the extract task failed or did not run")]


def test_a_post_that_arrives_late_is_loaded_the_next_night(night, scorer):
    config_path, db = night
    cfg = load_config(config_path)
    run_day(cfg, db, DAY, scorer=scorer)
    export = config_path.parent / "acme.csv"
    late = ("late", "2026-10-01T23:50:00Z", "acme parcel lost, posted late at night")
    export.write_text(csv_rows([*NIGHT_ROWS, late]), encoding="utf-8")  # the export now has it
    nxt = run_day(cfg, db, date(2026, 10, 2), scorer=scorer)
    assert nxt["new_mentions"] == 2  # the late post of 10-01 and n5 of 10-02
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT day FROM mentions WHERE native_id = 'late'").fetchone() == (DAY,)
        assert con.execute(
            "SELECT volume FROM daily_brand_metrics WHERE day = ? AND source = '_all'", [DAY]
        ).fetchone() == (5,)  # the day's metrics were recomputed
        # the watermark rose to night 2's newest row (n5), over night 1's (n4)
        newest = con.execute("SELECT max(created_at) FROM mentions").fetchone()[0]
        assert newest == datetime(2026, 10, 2, tzinfo=UTC)
        assert con.execute("SELECT watermark FROM source_state WHERE source = 'listening'").fetchall() == [(newest,)]


def test_a_source_that_keeps_no_state_still_has_its_watermark_stored(night, monkeypatch):
    """A source need not leave a state (pipeline.sources: it *may*): the load still stores its row of source_state
    with the watermark, the newest created_at it loaded, as it does for a source with a state."""
    from pipeline import staging
    from pipeline.records import Record

    class Stateless:  # the source contract, with no state left behind
        spec = type("Spec", (), {"lookback_days": 0})()

        def fetch(self, window):
            for n, moment in (("s1", "2026-10-01T08:00:00+00:00"), ("s2", "2026-10-01T21:30:00+00:00")):
                yield Record(f"acme:listening:{n}", "acme", "listening", "file_drop", n, "mention", f"acme {n}", moment)

    monkeypatch.setattr(staging, "build_source", lambda c, b, s: Stateless())
    config_path, db = night
    _loaded(load_config(config_path), db, DAY, "stateless")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (2,)
        assert con.execute("SELECT source, state, watermark FROM source_state").fetchall() == [
            ("listening", "{}", datetime(2026, 10, 1, 21, 30, tzinfo=UTC))
        ]


def test_a_backfill_of_an_earlier_night_never_moves_the_watermark_back(night):
    """The watermark is the newest created_at any night loaded: a backfill of an earlier night, loaded after a later
    one, loads older rows and leaves it where it was (the night of 10-02 loaded n5, of 00:00 that day; the backfill
    of 10-01's newest is n4, a second earlier)."""
    config_path, db = night
    cfg = load_config(config_path)
    _loaded(cfg, db, date(2026, 10, 2), "scheduled")
    _loaded(cfg, db, DAY, "backfill")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT watermark FROM source_state").fetchall() == [(datetime(2026, 10, 2, tzinfo=UTC),)]


def test_the_nights_metrics_reach_back_as_far_as_the_longest_look_back_of_its_sources(tmp_path):
    """Sources re-read different look-backs (here one day and three): the night recomputes every stale day as far
    back as the longest of them, so a late row that only the three-day source read (of 09-28) is counted too."""
    import yaml

    from pipeline.metrics import daily_metrics

    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    (tmp_path / "old.csv").write_text(csv_rows([("o1", "2026-09-28T12:00:00Z", "acme took a week to answer", 1)]))
    path = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme.csv", "forum": "old.csv"}}])
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["brands"][0]["sources"][1]["lookback_days"] = 3
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    cfg, db = load_config(path), tmp_path / "w.duckdb"
    _loaded(cfg, db, DAY, "r1")
    assert daily_metrics(cfg, db, DAY, "r1") == [date(2026, 9, 28), date(2026, 9, 30), DAY]
    with duckdb.connect(str(db), read_only=True) as con:
        volume = "SELECT day, volume FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(volume).fetchall() == [(date(2026, 9, 28), 1), (date(2026, 9, 30), 1), (DAY, 4)]


def _crashed_after_scoring_then_run_again(cfg, db, scorer) -> date:
    """The night of 10-02 loads and scores, then dies before its metrics; a re-run (a new run id) finds nothing
    new to load or score and succeeds. Returns that day."""
    nxt, crashed = date(2026, 10, 2), ledger.new_run_id(date(2026, 10, 2))
    _loaded(cfg, db, nxt, crashed)
    scoring.score(cfg, db, crashed, scorer=scorer)  # ... and the process dies here
    again = run_day(cfg, db, nxt, scorer=scorer)
    assert (again["status"], again["new_mentions"], again["scored"]) == ("success", 0, 0)
    return nxt


def test_a_rerun_after_a_crash_counts_the_late_rows_the_crashed_run_scored(night, scorer):
    """The crashed run loaded and scored a late post of the day before, then died before daily_metrics; the re-run
    (a new run id) loads and scores nothing new, and still recomputes that look-back day."""
    config_path, db = night
    cfg = load_config(config_path)
    run_day(cfg, db, DAY, scorer=scorer)
    late = ("late", "2026-10-01T23:50:00Z", "acme parcel lost, posted late at night")
    (config_path.parent / "acme.csv").write_text(csv_rows([*NIGHT_ROWS, late]), encoding="utf-8")
    _crashed_after_scoring_then_run_again(cfg, db, scorer)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT volume FROM daily_brand_metrics WHERE day = ? AND source = '_all'", [DAY]
        ).fetchone() == (5,)  # four of the first night and the late one
        assert con.execute(
            "SELECT sum(volume) FROM hourly_brand_metrics WHERE hour >= ? AND hour < ? AND source = '_all'",
            [datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 2, tzinfo=UTC)],
        ).fetchone() == (5,)


def test_mentions_in_a_script_the_model_cannot_read_count_in_the_volume_not_in_the_shares(tmp_path, scorer):
    """A Ukrainian or Russian mention is recorded neutral with the note `unreadable`, the model never run on it: it
    counted as a neutral reading, so a Polish brand whose Polish mentions were half negative, with as many Ukrainian
    complaints, read 25% negative and a mean score of 0 over 12 "scored". It counts in the volume only."""
    polish = ["Paczka nie dotarła, porażka.", "Super szybka dostawa, dziękuję!", "Reklamacja bez odpowiedzi, skandal."]
    polish += ["Świetna obsługa, polecam."]
    cyrillic = ["Посилка досі не прийшла, підтримка не відповідає.", "Посылка так и не пришла. Ужасный сервис."]
    rows = [(f"m{i}", f"2026-10-01T{10 + i}:00:00Z", text) for i, text in enumerate(polish + cyrillic)]
    (tmp_path / "acme.csv").write_text(csv_rows(rows), encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    run_day(load_config(write_config(tmp_path)), db, DAY, scorer=scorer)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment WHERE note = 'unreadable'").fetchone() == (2,)
        assert con.execute(
            "SELECT volume, scored, n_negative, n_neutral, share_negative FROM daily_brand_metrics "
            "WHERE day = ? AND source = '_all'",
            [DAY],
        ).fetchone() == (6, 4, 2, 0, 0.5)
        assert con.execute(
            "SELECT sum(volume), sum(scored) FROM hourly_brand_metrics WHERE source = '_all'"
        ).fetchone() == (6, 4)


def test_a_text_the_model_cannot_read_has_no_reading_in_the_views_the_summary_or_the_co_mentions(tmp_path, scorer):
    """The metrics leave an `unreadable` mention (recorded neutral, the model never run) out of the scored count; the
    views showed it as a neutral reading (p_neutral 1.0), so the brand's Polish half-negative mentions with two
    Ukrainian and Russian complaints read 50% negative in the metrics, 33% negative and 33% neutral in `brandpulse
    summary`, 2 negatives of 6 scored in the co-mentions, and an unread survey comment "neutral". They read what the
    metrics count, in a warehouse scored before migration 0024 too (the notes of the latest scores filled in)."""
    from pipeline.report.build import COMENTION_FOLD, comention_pattern
    from pipeline.warehouse import execute, rows

    polish = ["Paczka nie dotarła, porażka.", "Super szybka dostawa, dziękuję!", "Reklamacja bez odpowiedzi, skandal."]
    polish += ["Świetna obsługa, polecam."]
    cyrillic = ["Посилка досі не прийшла, підтримка не відповідає.", "Посылка так и не пришла. Ужасный сервис."]
    texts = [f"{text} InPost" for text in polish + cyrillic]
    rows_in = [(f"m{i}", f"2026-10-01T{10 + i}:00:00Z", text) for i, text in enumerate(texts)]
    (tmp_path / "acme.csv").write_text(csv_rows(rows_in), encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    run_day(load_config(write_config(tmp_path)), db, DAY, scorer=scorer)
    unread = "SELECT label, score, p_neutral, note FROM v_mentions_scored WHERE note = 'unreadable'"
    with connect(db) as con:
        assert con.execute(unread).fetchall() == [(None, None, None, "unreadable")] * 2
        con.execute("ALTER TABLE sentiment_latest DROP COLUMN note")  # as scored before 0024
        con.execute("DELETE FROM schema_version WHERE version = 24")
        assert migrate(con) == [24]
        assert con.execute(unread).fetchall() == [(None, None, None, "unreadable")] * 2
        summary = rows(execute(con, "report/summary_brands"))[0]
        assert (summary["negative"], summary["neutral"]) == (0.5, 0.0)
        model = con.execute("SELECT any_value(model_version) FROM daily_brand_metrics").fetchone()[0]
        params = {"brand": "acme", "start": DAY, "day": DAY, "model": model, "own": None, **COMENTION_FOLD}
        co = rows(execute(con, "report/comentions", {**params, "pattern": comention_pattern("InPost")}))
        assert [(c["volume"], c["scored"], c["n_negative"]) for c in co] == [(6, 4, 2)]
        comment = cyrillic[0]
        con.execute(
            "INSERT INTO survey_responses BY NAME SELECT 's' AS source, 'r1' AS response_id, 'acme' AS brand,"
            " TIMESTAMPTZ '2026-10-01 12:00:00Z' AS responded_at, DATE '2026-10-01' AS day, 2 AS nps, ? AS comment,"
            " now() AS first_seen, now() AS last_seen, 'r' AS run_id",
            [comment],
        )
        con.execute(
            "INSERT INTO survey_comment_sentiment BY NAME SELECT 's' AS source, 'r1' AS response_id,"
            " 'm' AS model_name, 'v' AS model_version, '' AS model_sha256, sha256(?) AS text_sha256,"
            " 'neutral' AS label, 0.0 AS p_negative, 1.0 AS p_neutral, 0.0 AS p_positive, 0.0 AS score,"
            " 'unreadable' AS note, now() AS scored_at, 'r' AS run_id",
            [comment],
        )
        assert con.execute("SELECT sentiment, sentiment_score, note FROM v_survey_comments").fetchall() == [
            (None, None, "unreadable")
        ]


def test_a_rerun_computes_a_look_back_day_that_has_mentions_and_no_metrics_yet(night, scorer):
    """The first night ever (of 10-02) loaded and scored its look-back day's mentions, then died before its
    metrics; the re-run (a new run id) loads and scores nothing, and still computes 10-01's metrics, which no run
    wrote yet (metrics/stale_days: mentions and no metrics at all)."""
    config_path, db = night
    cfg = load_config(config_path)
    nxt = _crashed_after_scoring_then_run_again(cfg, db, scorer)
    with duckdb.connect(str(db), read_only=True) as con:
        metrics = "SELECT day, volume, scored FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(metrics).fetchall() == [(DAY, 4, 4), (nxt, 1, 1)]


def test_a_night_counts_the_look_back_day_a_stopped_rescore_scored_whole(night, scorer, monkeypatch):
    """A rescore by a new model stopped after its first chunk had scored 09-30 whole, before it recomputed any
    metrics: that day's metrics are older than its latest scores, not than its mentions. The next night, whose
    look-back holds 09-30, recomputes it from the new model (metrics/stale_days: a score written after them)."""
    from functools import partial

    from pipeline import night as nights
    from pipeline.interrupt import Interrupted
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    v2 = _model_v2(night[1].parent)
    monkeypatch.setattr(nights, "score_pending", partial(scoring.score_pending, chunk=1))

    def stop(done, total):
        if done:  # after the first chunk (the bar is first drawn before it)
            raise Interrupted("stopped by SIGTERM")

    with pytest.raises(KeyboardInterrupt):  # n6, of 09-30, is the first mention in time: the first chunk
        rescore(cfg, night[1], DAY - timedelta(days=7), scorer=v2, progress=stop)
    query = "SELECT day, model_version FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(query).fetchall() == [(DAY - timedelta(days=1), scorer.version), (DAY, scorer.version)]
    assert run_day(cfg, night[1], DAY, scorer=scorer)["scored"] == 0
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(query).fetchall() == [(DAY - timedelta(days=1), v2.version), (DAY, scorer.version)]


def test_a_rescore_in_chunks_scores_every_mention_from_its_first_day_on_once_and_a_rollback_reaches_that_day(
    night, scorer, monkeypatch
):
    """``brandpulse rescore --since D`` scores every mention of D and after, D included (n6 of 09-30 here), chunk
    after chunk until none is left (a last chunk as full as the others is not the last), counting each once; the
    progress says the running count. A rollback to the first model from D makes D's mentions its again too, and
    a roll forward again the new model's: each mention's latest score is the one of the model made current."""
    from functools import partial

    from pipeline import night as nights
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    v2 = _model_v2(night[1].parent)
    monkeypatch.setattr(nights, "score_pending", partial(scoring.score_pending, chunk=2))
    since = DAY - timedelta(days=1)  # n6's day, the first of the mentions'
    seen: list[tuple[int, int]] = []
    result = rescore(cfg, night[1], since, scorer=v2, progress=lambda done, total: seen.append((done, total)))
    assert (result["scored"], result["mentions"], result["days"]) == (5, 5, 2)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]  # the bar drawn at 0 of 5 before the first chunk
    latest = "SELECT model_version, count(*) FROM sentiment_latest GROUP BY ALL"
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(DISTINCT mention_id) FROM sentiment WHERE model_version = ?", [v2.version]
        ).fetchone() == (5, 5)
        assert con.execute(latest).fetchall() == [(v2.version, 5)]
        assert con.execute("SELECT rows_in, rows_out FROM run_steps WHERE step = 'rescore'").fetchall() == [(5, 5)]
    assert rescore(cfg, night[1], since, scorer=scorer)["scored"] == 0  # the rollback: its scores exist
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(latest).fetchall() == [(scorer.version, 5)]
    assert rescore(cfg, night[1], since, scorer=v2)["scored"] == 0  # and forward again: each takes its v2 score
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(latest).fetchall() == [(v2.version, 5)]


def test_a_rescore_recomputes_a_later_day_a_night_loaded_and_counted_with_another_model_while_it_ran(
    night, scorer, monkeypatch
):
    """A night of the next day runs between two chunks of a rescore, its workers still on the earlier model: it
    loads n5 (10-02), scores it and counts the day with that model. The rescore's chunks score n5 too and make the
    new model current for it; the day's metrics follow. They were left on the earlier model (the rescore's last
    day was read before its chunks), so the day's metrics and its mentions' latest scores named two models, and the
    brand's series (the newest day's model) left out every day the rescore had moved."""
    from functools import partial

    from pipeline import night as nights
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    v2 = _model_v2(night[1].parent)
    monkeypatch.setattr(nights, "score_pending", partial(scoring.score_pending, chunk=2))
    nights_run = []

    def next_night(done, total):
        if not nights_run:
            nights_run.append(run_day(cfg, night[1], DAY + timedelta(days=1), scorer=scorer))

    result = rescore(cfg, night[1], DAY - timedelta(days=1), scorer=v2, progress=next_night)
    assert nights_run[0]["new_mentions"] == 1 and result["scored"] == 6
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(
            "SELECT DISTINCT model_version FROM daily_brand_metrics WHERE day = ?", [DAY + timedelta(days=1)]
        ).fetchall() == [(v2.version,)]
        assert con.execute("SELECT DISTINCT model_version FROM v_daily_series").fetchall() == [(v2.version,)]


def test_a_rollback_rescore_with_the_configured_model_not_loaded_still_makes_it_current(night, scorer, tmp_path):
    """``rescore`` with no scorer given (the configured model, loaded only when a mention needs it): a rollback to
    the configured model, whose scores of those days all exist, loads no model and still makes it current. The
    model left unloaded left the new model current (no version to make current)."""
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    v2 = _model_v2(tmp_path)
    since = DAY - timedelta(days=7)
    assert rescore(cfg, night[1], since, scorer=v2)["scored"] == 5
    assert rescore(cfg, night[1], since)["scored"] == 0  # the configured model (the first) again: its scores exist
    with duckdb.connect(str(night[1]), read_only=True) as con:
        for table in ("daily_brand_metrics", "sentiment_latest", "v_mentions_scored"):
            assert con.execute(f"SELECT DISTINCT model_version FROM {table}").fetchall() == [(scorer.version,)], table


def test_a_rescore_of_days_with_mentions_never_scored_scores_each_of_them_once(night, scorer):
    """A night that died after its load left its mentions with no score at all; a rescore of their days finds
    them twice over (new, and of a day rescored) and scores each once."""
    from pipeline.night import rescore

    cfg = load_config(night[0])
    _loaded(cfg, night[1], DAY, ledger.new_run_id(DAY))  # ... and the night dies here
    assert rescore(cfg, night[1], DAY - timedelta(days=1), scorer=scorer)["scored"] == 5
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM sentiment").fetchone() == (5, 5)


def test_a_rescore_that_scores_mentions_never_scored_before_its_first_day_recomputes_their_days(night, scorer):
    """A night that died after its load left a late post of 09-30 unscored; a rescore from 10-01 scores it too, and
    must count it: no later night would (its run_days finds its own scores only, 10-02's look-back is 10-01)."""
    from pipeline.night import rescore

    cfg = load_config(night[0])
    _loaded(cfg, night[1], DAY, ledger.new_run_id(DAY))  # ... and the night dies here
    assert rescore(cfg, night[1], DAY, scorer=scorer)["scored"] == 5
    assert run_day(cfg, night[1], DAY + timedelta(days=1), scorer=scorer)["status"] == "success"
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute(
            "SELECT day, volume, scored FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        ).fetchall() == [(DAY - timedelta(days=1), 1, 1), (DAY, 4, 4), (DAY + timedelta(days=1), 1, 1)]
        assert con.execute(
            "SELECT sum(volume) FROM hourly_brand_metrics WHERE hour < ? AND source = '_all'",
            [datetime(2026, 10, 1, tzinfo=UTC)],
        ).fetchone() == (1,)


def test_a_rescore_that_also_scores_mentions_never_scored_before_its_first_day_keeps_its_bar_within_its_total(
    night, scorer
):
    """A rescore scores every mention left without any score too, also of a day before --since: its bar went
    past its total (5 of 0), which counted only the rescored days."""
    from pipeline.night import rescore

    cfg = load_config(night[0])
    _loaded(cfg, night[1], DAY, ledger.new_run_id(DAY))  # ... and the night dies here
    seen = []
    assert (
        rescore(cfg, night[1], DAY + timedelta(days=1), scorer=scorer, progress=lambda *a: seen.append(a))["scored"]
        == 5
    )
    assert seen and seen[-1] == (5, 5) and all(n <= total for n, total in seen), seen


def test_the_score_step_looks_back_a_day_before_the_last_successful_score_steps_start_and_only_to_that(night, scorer):
    """Which mentions can lack a score (scoring/unscored_mentions): those first seen since the start of the newest
    score step that succeeded, less a day for clock steps between workers. A score step that failed, or another
    step that succeeded, later than that, does not move the bound: their mentions may still be unscored."""
    cfg = load_config(night[0])
    db = night[1]
    _loaded(cfg, db, DAY, "r1")
    now = datetime.now(UTC)
    with connect(db) as con:
        ledger.start_run(con, "other", DAY, "cli")  # a worker whose clock runs an hour ahead scored nothing new
        ledger.record_step(con, "other", "score", started_at=now + timedelta(hours=1))
        ledger.start_run(con, "later", DAY, "cli")  # a night two days on, whose score step failed
        ledger.record_step(con, "later", "score", status="failed", started_at=now + timedelta(days=2))
        ledger.record_step(con, "later", "load", started_at=now + timedelta(days=2))
    assert scoring.score(cfg, db, "r1", scorer=scorer) == 5


def test_a_rescore_given_no_scorer_loads_the_configured_model_though_every_mention_has_a_score(night, scorer):
    """``brandpulse rescore`` passes no scorer: score_pending first asks whether any mention needs one before it
    loads the model. For a rescore every mention of its days does (none has the configured model's score), though
    each has a score already."""
    from pipeline.night import rescore

    cfg = load_config(night[0])
    run_day(cfg, night[1], DAY, scorer=scorer)
    other = night[1].parent / "model-v2"  # the shipped model under another version, as the config names it
    shutil.copytree(MODEL_DIR, other)
    info = json.loads((MODEL_DIR / "brandpulse.json").read_text())
    (other / "brandpulse.json").write_text(json.dumps({**info, "version": "9.9.9"}))
    configured = load_config(write_config(night[0].parent, scoring={"model_dir": str(other)}))
    result = rescore(configured, night[1], DAY - timedelta(days=1))
    assert result["scored"] == 5 and result["model"].split()[-1].startswith("9.9.9+")


def test_survey_comments_all_scored_by_the_model_in_use_load_no_model(tmp_path, monkeypatch):
    """Whether any comment needs a score was asked of version "", which none has: every night (and every re-run)
    with survey comments loaded the model for nothing. It asks of the version the configured model has here."""
    from pipeline.surveys.ingest import import_surveys
    from tests.test_surveys_import import qualtrics_rows, write_csv

    write_csv(tmp_path / "q.csv", qualtrics_rows())
    survey = {"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}
    cfg = load_config(write_config(tmp_path, surveys={"sources": [survey]}))
    db = tmp_path / "warehouse.duckdb"
    prepare(cfg, db, DAY, "night")
    with monkeypatch.context() as m:  # no comment at all: not even torch is imported to work out the version
        m.setattr(scoring, "version_to_score", lambda config: pytest.fail("asked for the version of nothing"))
        assert scoring.score_pending(cfg, db, "night", scoring.COMMENTS).model is None
    import_surveys(cfg, db, "night", day=DAY)  # the configured model scores the comments
    first = scoring.score_pending(cfg, db, "night", scoring.COMMENTS)
    assert first.attempted == 0 and first.model is None  # they were scored on import, and no model was loaded

    def load_scorer(config):
        raise AssertionError("the model was loaded with nothing to score")

    monkeypatch.setattr(scoring, "load_scorer", load_scorer)
    again = scoring.score_pending(cfg, db, "rerun", scoring.COMMENTS)
    assert (again.attempted, again.model) == (0, None)
    with duckdb.connect(str(db)) as con:  # a comment edited since: its text has no score, so the model loads
        con.execute("UPDATE survey_responses SET comment = comment || ' (edited)' WHERE comment IS NOT NULL")
    with pytest.raises(AssertionError, match="loaded with nothing to score"):
        scoring.score_pending(cfg, db, "edited", scoring.COMMENTS)


def test_survey_comments_go_back_to_an_earlier_model_configured_again(tmp_path, scorer):
    """A rollback: comments scored by the first model, then by a second, then the first configured again. Its scores
    of their texts existed, so nothing was scored, and v_survey_comments kept the second model's labels for good (the
    mentions go back with `brandpulse rescore`); the comments are the model in use's, so they are scored again."""
    from pipeline.surveys.ingest import import_surveys
    from tests.test_surveys_import import qualtrics_rows, write_csv

    write_csv(tmp_path / "q.csv", qualtrics_rows())
    survey = {"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}
    cfg = load_config(write_config(tmp_path, surveys={"sources": [survey]}))
    db = tmp_path / "warehouse.duckdb"
    prepare(cfg, db, DAY, "night")
    import_surveys(cfg, db, "night", day=DAY, scorer=scorer)
    v2 = _model_v2(tmp_path)
    assert scoring.score_pending(cfg, db, "night", scoring.COMMENTS, scorer=v2).attempted == 2
    query = "SELECT DISTINCT model_version FROM v_survey_comments"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == [(v2.version,)]
    assert scoring.score_pending(cfg, db, "night", scoring.COMMENTS, scorer=scorer).attempted == 2
    assert scoring.score_pending(cfg, db, "night", scoring.COMMENTS, scorer=scorer).attempted == 0  # done
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == [(scorer.version,)]


def _loaded(cfg, db, day, run_id) -> None:
    """A night's steps up to its load (prepare, each extract, load), as a run that dies after it leaves them."""
    jobs = prepare(cfg, db, day, run_id)
    for job in jobs:
        extract(cfg, job["brand"], job["source"], day, run_id, states=states_of(jobs))
    load(cfg, db, day, run_id)


def test_the_loads_quarantined_rows_are_its_sources_not_the_survey_imports_of_the_same_run(tmp_path):
    """The night's survey import quarantines under the night's run id before the load (in-process; in Airflow beside
    it): the load's count of newly quarantined rows (its run_steps row, the night's ``quarantined``) counted those
    too, 7 for the file drop's 3."""
    from types import SimpleNamespace

    from pipeline.surveys.ingest import import_surveys
    from tests.test_surveys_import import qualtrics_rows, write_csv

    class Scorer:  # stands in for the model: the survey comments are scored on import
        name, version, sha256 = "stub", "stub-1", "0" * 64

        def score(self, texts):
            blank = dict(text_sha256="", label="neutral", negative=0.1, neutral=0.8, positive=0.1, score=0.0, note=None)
            return [SimpleNamespace(**blank) for _ in texts]

    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    survey = {"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}
    cfg = load_config(write_config(tmp_path, surveys={"sources": [survey]}))
    db = tmp_path / "warehouse.duckdb"
    jobs = prepare(cfg, db, DAY, "night")
    assert import_surveys(cfg, db, "night", day=DAY, scorer=Scorer())["quarantined"] == 4
    for job in jobs:
        extract(cfg, job["brand"], job["source"], DAY, "night", states=states_of(jobs))
    assert load(cfg, db, DAY, "night").quarantined == 3
    with duckdb.connect(str(db), read_only=True) as con:
        counts = "SELECT step, rows_quarantined FROM run_steps WHERE run_id = 'night' AND source IN ('', 'listening')"
        assert dict(con.execute(counts + " AND step IN ('extract', 'load')").fetchall()) == {"extract": 3, "load": 3}


def test_a_source_renamed_in_the_config_loads_its_rows_again_and_the_load_warns_naming_both(night, caplog):
    """A mention id is brand, source and native id: the night run again with its source renamed (listening to
    brandwatch) stored every row a second time under the new name, each day's volume doubled, and nothing said so.
    The rows still load (a new source may reuse a removed one's ids); the load's detail and the log say what
    happened, once: a later night whose rows repeat no stored id (a source legitimately removed) says nothing."""
    _loaded(load_config(night[0]), night[1], DAY, "first")
    renamed = load_config(write_config(night[0].parent, [{"name": "Acme", "files": {"brandwatch": "acme.csv"}}]))
    _loaded(renamed, night[1], DAY, "renamed")
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT native_id) FROM mentions").fetchone() == (6, 5)
        detail = "SELECT detail FROM run_steps WHERE step = 'load' AND run_id = ?"
        said = con.execute(detail, ["renamed"]).fetchone()[0]
    warning = "5 new rows of acme/brandwatch have the native id of a mention of acme/listening, a source no longer"
    assert warning in said and "put the old name back" in said and "Renaming a source" in said
    assert any(warning in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    late = ("late", "2026-10-01T23:50:00Z", "a post no source has loaded before, about acme")
    (night[0].parent / "acme.csv").write_text(csv_rows([*NIGHT_ROWS, late]), encoding="utf-8")
    _loaded(renamed, night[1], DAY, "later")  # the export read again: its one new row is no other source's
    with duckdb.connect(str(night[1]), read_only=True) as con:
        assert "no longer configured" not in con.execute(detail, ["later"]).fetchone()[0]


def test_a_night_that_scores_an_older_crashed_runs_mentions_recomputes_their_day(night, scorer):
    """A backfill of 10-01 died after its load, before scoring; the next scheduled night, of 10-10, far past the
    look-back, scores those mentions (every unscored one) and recomputes 10-01's metrics with them
    (metrics/run_days: the days of the scores written since the run started)."""
    config_path, db = night
    cfg = load_config(config_path)
    _loaded(cfg, db, DAY, ledger.new_run_id(DAY))  # ... and the process dies here
    later = run_day(cfg, db, date(2026, 10, 10), scorer=scorer)
    assert later["scored"] == 5  # n1-n4 of 10-01 and n6 of 09-30, in the backfill's look-back
    with duckdb.connect(str(db), read_only=True) as con:
        metrics = "SELECT volume, scored FROM daily_brand_metrics WHERE day = ? AND source = '_all'"
        assert con.execute(metrics, [DAY]).fetchall() == [(4, 4)]


def test_a_rerun_counts_the_older_days_its_crashed_attempt_scored_past_the_look_back(night, scorer):
    """A backfill of 10-01 died after its load; the night of 10-10 scored those mentions with its own, then died
    before its metrics (or was cleared and run again from its prepare). Its re-run scores nothing, and still
    computes 10-01 and 09-30, far past its look-back: no daily_metrics step counted their scores (they were left
    out of every metric and view for good)."""
    config_path, db = night
    cfg = load_config(config_path)
    _loaded(cfg, db, DAY, ledger.new_run_id(DAY))  # ... and the backfill dies here
    later, crashed = date(2026, 10, 10), ledger.new_run_id(date(2026, 10, 10))
    _loaded(cfg, db, later, crashed)
    assert scoring.score(cfg, db, crashed, scorer=scorer) == 5  # ... and the night dies here
    again = run_day(cfg, db, later, scorer=scorer)
    assert (again["status"], again["scored"]) == ("success", 0)
    with duckdb.connect(str(db), read_only=True) as con:
        metrics = "SELECT day, volume, scored FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(metrics).fetchall() == [(date(2026, 9, 30), 1, 1), (DAY, 4, 4)]


def test_a_night_recomputing_days_apart_leaves_the_days_between_them_as_they_were(night, scorer):
    """The night of 10-10 recomputes 09-30 and 10-01 (it scored a crashed backfill's mentions) and its own day: only
    those. The night of 10-05 between them holds metrics already, which it leaves as they were (recomputed as well,
    they were written twice over the rows it did not delete, and the night failed)."""
    config_path, db = night
    cfg = load_config(config_path)
    between = ("m5", "2026-10-05T10:00:00Z", "acme replied within the hour", 3)
    (config_path.parent / "acme.csv").write_text(csv_rows([*NIGHT_ROWS, between]), encoding="utf-8")
    fifth = run_day(cfg, db, date(2026, 10, 5), scorer=scorer)
    _loaded(cfg, db, DAY, ledger.new_run_id(DAY))  # ... and the backfill dies here
    later = run_day(cfg, db, date(2026, 10, 10), scorer=scorer)
    assert (later["status"], later["scored"]) == ("success", 5)
    with duckdb.connect(str(db), read_only=True) as con:
        metrics = "SELECT day, volume, run_id FROM daily_brand_metrics WHERE source = '_all' ORDER BY day"
        assert con.execute(metrics).fetchall() == [
            (date(2026, 9, 30), 1, later["run_id"]),
            (DAY, 4, later["run_id"]),
            (date(2026, 10, 5), 1, fifth["run_id"]),
        ]


def test_hourly_metrics_recompute_the_hours_of_what_the_run_loaded_and_scored(night, scorer):
    """The watch's hourly_metrics step: besides its window, every hour holding a mention the run loaded or scored
    (metrics/run_hours), and no hour of what other runs did."""
    from pipeline.metrics import hourly_metrics

    config_path, db = night
    cfg = load_config(config_path)
    run, other = ledger.new_run_id(DAY), ledger.new_run_id(DAY)
    with connect(db) as con:  # the other run started first: what the run loads is first seen while it runs
        migrate(con)
        ledger.start_run(con, other, DAY, "cli")
    _loaded(cfg, db, DAY, run)
    window = (datetime(2026, 10, 5, 9, tzinfo=UTC), datetime(2026, 10, 5, 10, tzinfo=UTC))
    assert hourly_metrics(cfg, db, *window, run) == [  # loaded by the run
        datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2026, 10, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 1, 8, tzinfo=UTC), datetime(2026, 10, 1, 10, tzinfo=UTC),
        datetime(2026, 10, 1, 23, tzinfo=UTC), window[0]]  # fmt: skip
    assert hourly_metrics(cfg, db, *window, other) == [window[0]]  # loaded and scored nothing
    scoring.score(cfg, db, other, scorer=scorer)
    assert len(hourly_metrics(cfg, db, *window, other)) == 6  # scored by it
    # a window whose last hour holds a mention (n4, 23:59:59): that hour is rewritten, not only deleted
    last = (datetime(2026, 10, 1, 23, tzinfo=UTC), datetime(2026, 10, 2, tzinfo=UTC))
    assert hourly_metrics(cfg, db, *last, other)[-1] == last[0]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT volume, scored, run_id FROM hourly_brand_metrics WHERE hour = ? AND source = '_all'", [last[0]]
        ).fetchall() == [(1, 1, other)]


def test_a_cleared_run_that_was_interrupted_runs_again_under_its_id_and_ends_success(night, scorer):
    """Airflow clears a run and runs it again under the same run id: it is running again (the watch sees it), and
    its earlier end (the 'interrupted' step) no longer makes it partial."""
    config_path, db = night
    cfg = load_config(config_path)
    prepare(cfg, db, DAY, "airflow-run-1")
    ledger.interrupted(db, "airflow-run-1", "stopped by SIGTERM", cfg.lock_timeout_s)
    prepare(cfg, db, DAY, "airflow-run-1")
    with connect(db) as con:
        assert ledger.running_night(con, datetime.now(UTC) - timedelta(hours=1))["run_id"] == "airflow-run-1"
    assert run_day(cfg, db, DAY, run_id="airflow-run-1", scorer=scorer)["status"] == "success"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("success",)]
        assert con.execute("SELECT count(*) FROM run_steps WHERE step = 'interrupted'").fetchone() == (0,)


def test_a_cleared_run_whose_source_fails_this_time_is_partial_not_its_first_attempts_success(night, scorer):
    """Cleared and run again under its id, a night starts afresh: a source that fails this time is missing from
    it (the load took the first attempt's staged manifest for this one's, recorded the source a success and
    stored its old state back, and finish read the first attempt's steps: the run said success)."""
    config_path, db = night
    cfg = load_config(config_path)
    assert run_day(cfg, db, DAY, run_id="airflow-run-2", scorer=scorer)["status"] == "success"
    (config_path.parent / "acme.csv").write_bytes(csv_rows(NIGHT_ROWS).encode("utf-16"))  # unreadable this time
    again = run_day(cfg, db, DAY, run_id="airflow-run-2", scorer=scorer)
    assert again["status"] == "partial" and again["failed_sources"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("partial",)]
        steps = con.execute("SELECT status, count(*) FROM run_steps WHERE step = 'extract' GROUP BY ALL").fetchall()
    assert steps == [("missing", 1)]  # this attempt's only: the source staged nothing


def test_a_survey_import_that_recorded_nothing_makes_the_night_partial(tmp_path):
    """In the DAG a failed survey or customer import task records no step, and the run ends with finish whatever
    it did: the night said success. Now it is partial and says which step did not run to the end."""
    surveys = {"sources": [{"name": "nps", "brand": "acme", "path": "a.csv", "preset": "qualtrics"}]}
    cfg = load_config(write_config(tmp_path, surveys=surveys))
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        ledger.start_run(con, "r1", DAY, "airflow")
        ledger.record_steps(con, "r1", [{"step": s} for s in (*ledger.REQUIRED_STEPS, "survey_metrics")])
    with pytest.raises(ledger.RunFailed, match="run r1 is partial: import_surveys did not run to the end"):
        finish_night(cfg, db, "r1")
    with connect(db) as con:
        ledger.start_run(con, "r1", DAY, "airflow")  # cleared and run again: this time the import ran
        steps = (*ledger.REQUIRED_STEPS, "survey_metrics", "import_surveys")
        ledger.record_steps(con, "r1", [{"step": s} for s in steps])
    assert finish_night(cfg, db, "r1") == "success"
    with connect(db) as con:
        ledger.start_run(con, "r1", DAY, "airflow")  # cleared once more: the import's success before does not count
        ledger.record_steps(con, "r1", [{"step": s} for s in (*ledger.REQUIRED_STEPS, "survey_metrics")])
    with pytest.raises(ledger.RunFailed, match="run r1 is partial: import_surveys did not run to the end"):
        finish_night(cfg, db, "r1")
    with connect(db) as con:
        ledger.start_run(con, "r2", DAY, "airflow")  # the report's task was stopped (its timeout) before recording
        steps = [s for s in (*ledger.REQUIRED_STEPS, "survey_metrics", "import_surveys") if s != "report"]
        ledger.record_steps(con, "r2", [{"step": s} for s in steps])
    with pytest.raises(ledger.RunFailed, match="run r2 failed: report did not complete"):
        finish_night(cfg, db, "r2")
    with connect(db) as con:  # the run's steps say which, and why it may be
        silent = con.execute("SELECT run_id, step, status, detail FROM run_steps WHERE status <> 'success'").fetchall()
    assert silent == [
        ("r1", "import_surveys", "missing", ledger.UNRECORDED),
        ("r2", "report", "missing", ledger.UNRECORDED),
    ]


def test_every_run_id_stages_in_a_folder_of_its_own_under_its_day(tmp_path):
    """safe_name kept "..": a run id ".." staged into the staging root, shared by every day; "a/b" and "a_b", or
    two ids alike in their first 120 characters, shared a folder (one run's prepare deleted the other's files)."""
    from pipeline.staging import stage_dir

    cfg = load_config(write_config(tmp_path))
    ids = ["..", ".", "a/b", "a_b", "x" * 130, "x" * 130 + "y", "manual__2026-10-01T02:00:00+00:00", "r1"]
    folders = [stage_dir(cfg, DAY, run_id) for run_id in ids]
    assert len(set(folders)) == len(ids)
    day = tmp_path / "staging" / DAY.isoformat()
    assert all(f.parent == day and f.name not in (".", "..") and len(f.name) <= 113 for f in folders), folders
    assert folders[3].name == "a_b" and folders[-1].name == "r1"  # plain ids keep their names


def test_a_night_that_fails_in_its_prepare_after_registering_is_closed_not_left_running(tmp_path):
    """Registered, then its staging folder cannot be made (a file put where the folder should be after the config
    was checked; no permission or a missing mount on the worker does the same; a store that times out, or Ctrl-C
    there, also fails prepare): the night is closed. Left running, the watch skipped its hours for six hours. The
    error names the config file, the setting and the folder: each source's extract used to fail on its own with a
    bare OS error, and the night ended partial with nothing read."""
    cfg = load_config(write_config(tmp_path))
    (tmp_path / "acme.csv").write_text(csv_rows([("a1", "2026-10-01T09:00:00Z", "Acme is fine")]))
    (tmp_path / "staging").write_text("not a folder")
    db = tmp_path / "w.duckdb"
    with pytest.raises(ConfigError) as err:
        run_day(cfg, db, date(2026, 10, 1), run_id="r1")
    folder = tmp_path / "staging" / "2026-10-01" / "r1"
    assert str(err.value) == f"{cfg.source_file}: staging_dir: cannot create the folder {folder}: Not a directory"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
        assert con.execute("SELECT count(*) FROM run_steps WHERE step = 'extract'").fetchone() == (0,)


def test_a_report_folder_that_cannot_be_made_fails_the_report_step_naming_the_setting(tmp_path, scorer):
    """report_dir made impossible after the config was checked: the report step says which setting and folder,
    the night is failed, and what the steps before it stored stays."""
    cfg = load_config(write_config(tmp_path, report_dir="out/reports"))
    (tmp_path / "acme.csv").write_text(csv_rows([("a1", "2026-10-01T09:00:00Z", "Acme is fine")]))
    (tmp_path / "out").write_text("not a folder")
    db = tmp_path / "w.duckdb"
    with pytest.raises(ConfigError) as err:
        run_day(cfg, db, date(2026, 10, 1), run_id="r1", scorer=scorer)
    folder = tmp_path / "out" / "reports"
    assert str(err.value) == f"{cfg.source_file}: report_dir: cannot create the folder {folder}: Not a directory"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (1,)


def test_an_older_nights_summary_names_no_report_when_a_later_days_is_left_there(night, scorer):
    """A re-run of an older night leaves the later day's report as it is: its summary's ``report`` named that
    index.html as if it had drawn it; it is null, and ``report_not_drawn`` says why."""
    config_path, db = night
    cfg = load_config(config_path)
    later = run_day(cfg, db, DAY + timedelta(days=1), scorer=scorer)
    older = run_day(cfg, db, DAY, scorer=scorer)
    assert later["report"].endswith("index.html") and older["status"] == "success" and older["report"] is None
    folder, kept = cfg.resolve(cfg.report_dir), DAY + timedelta(days=1)
    assert later["report_not_drawn"] is None
    assert older["report_not_drawn"] == f"not drawn: {folder} holds the report of {kept}, a later day"


def test_a_cleared_night_whose_prepare_fails_is_not_closed_a_success(night, scorer, monkeypatch):
    """Airflow clears a night that succeeded and runs it again; this time prepare fails before it opens the run
    (another author key). The DAG's load and finish run all the same (all_done): finish closed the run a success,
    from the earlier attempt's steps. The failed prepare is recorded, so the run is failed, then partial."""
    from pipeline.authorkey import AuthorKeyChanged

    config_path, db = night
    cfg = load_config(config_path)
    assert run_day(cfg, db, DAY, run_id="cleared", scorer=scorer)["status"] == "success"
    before = snapshot(db)
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key-than-the-warehouses")
    with pytest.raises(AuthorKeyChanged):
        prepare(cfg, db, DAY, "cleared")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE step = 'prepare'").fetchall()
    assert detail.startswith("AuthorKeyChanged: ") and "another-key-than-the-warehouses" not in detail
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "test-key")  # the extract tasks fail; load runs all the same
    load(cfg, db, DAY, "cleared")
    with pytest.raises(ledger.RunFailed, match="run cleared is partial"):
        finish_night(cfg, db, "cleared")
    assert snapshot(db) == before  # the reload of the earlier attempt's files changed nothing
    with pytest.raises(AuthorKeyChanged):  # a run never registered is left alone
        monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key-than-the-warehouses")
        prepare(cfg, db, DAY, "never")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pipeline_runs WHERE run_id = 'never'").fetchall() == [(0,)]


def test_a_cleared_night_whose_migration_fails_is_not_closed_a_success(night, scorer, monkeypatch, tmp_path):
    """As above, but this time prepare fails at its migrations (one changed after it was applied), before it
    checked anything: the failure was not recorded, and finish closed the run a success from the earlier
    attempt's steps. On a warehouse never migrated, the migration's own error is the one raised."""
    from pipeline import night as night_module

    def changed(con):
        raise WarehouseError("migration 0001 was changed after it was applied to this warehouse")

    config_path, db = night
    cfg = load_config(config_path)
    assert run_day(cfg, db, DAY, run_id="cleared", scorer=scorer)["status"] == "success"
    monkeypatch.setattr(night_module, "migrate", changed)
    with pytest.raises(WarehouseError, match="was changed after it was applied"):
        prepare(cfg, db, DAY, "cleared")
    with pytest.raises(WarehouseError, match="was changed after it was applied"):  # no ledger there to record in
        prepare(cfg, tmp_path / "fresh.duckdb", DAY, "cleared")
    monkeypatch.undo()
    load(cfg, db, DAY, "cleared")  # the extract tasks fail; load runs all the same
    with pytest.raises(ledger.RunFailed, match="run cleared is partial"):
        finish_night(cfg, db, "cleared")


def test_finish_requires_a_registered_run(night):
    cfg = load_config(night[0])
    with connect(night[1]) as con:
        migrate(con)
    with pytest.raises(ledger.RunNotRegistered, match="prepare step did not run"):
        finish_night(cfg, night[1], "never-prepared")


def test_migrations_are_versioned_and_guarded(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        files = sorted((REPO / "warehouse" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
        assert migrate(con) == [int(f.name[:4]) for f in files] and files[0].name.startswith("0001_")
        assert migrate(con) == []
        assert schema_version(con) == int(files[-1].name[:4])
        # the views are re-created when one is missing or their files changed, and only then
        views = "SELECT count(*) FROM duckdb_views() WHERE NOT internal"
        n_views = con.execute(views).fetchone()[0]
        con.execute("DROP VIEW v_alerts")
        migrate(con)
        assert con.execute(views).fetchone()[0] == n_views
        con.execute("CREATE OR REPLACE VIEW v_run_history AS SELECT 1 AS stale")
        migrate(con)  # unchanged files: a view edited by hand is left alone
        assert con.execute("SELECT * FROM v_run_history").fetchall() == [(1,)]
        con.execute("UPDATE schema_views SET checksum = 'older files'")
        migrate(con)
        assert "run_id" in [d[0] for d in con.execute("SELECT * FROM v_run_history").description]
        con.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1")
        with pytest.raises(WarehouseError, match="migration 0001 was changed after it was applied"):
            migrate(con)


def test_lock_timeout_is_a_clear_error(tmp_path):
    from filelock import FileLock

    db = tmp_path / "w.duckdb"
    holder = FileLock(f"{db}.lock", is_singleton=False)
    holder.acquire()
    try:
        with pytest.raises(WarehouseError, match="held the warehouse lock"), connect(db, timeout=0.2):
            pass
    finally:
        holder.release()


def test_held_warehouse_is_one_open_database_under_the_lock(tmp_path, monkeypatch):
    from filelock import FileLock, Timeout

    from pipeline import warehouse

    db = migrated(tmp_path / "w.duckdb")  # a warehouse: a read-only session refuses a bare DuckDB file
    opens = []
    real_attach = warehouse._attach
    monkeypatch.setattr(warehouse, "_attach", lambda *a, **k: opens.append(a[0]) or real_attach(*a, **k))
    with warehouse.held(db, timeout=5):
        with connect(db) as con, warehouse.transaction(con):
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
        with connect(db, read_only=True) as con:  # a cursor on the same database: sees the commit, opens nothing
            assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
            assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
        with warehouse.held(db):  # re-entrant
            with connect(db) as con:
                con.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(Timeout):  # another process waits for the whole block
            FileLock(f"{db}.lock", is_singleton=False).acquire(timeout=0.2)
    assert len(opens) == 1
    with connect(db, read_only=True) as con:  # released: a plain open again
        assert con.execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert len(opens) == 2


def test_db_path_precedence(monkeypatch, tmp_path):
    from pathlib import Path

    from pipeline.warehouse import db_path

    monkeypatch.delenv("BRANDPULSE_DB", raising=False)
    assert db_path() == Path("data/brandpulse.duckdb")
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "env.duckdb"))
    assert db_path() == tmp_path / "env.duckdb"
    assert db_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"


def test_waits_for_an_outside_process_holding_duckdbs_lock(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); "
            "time.sleep(3); c.close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"  # an analyst's notebook, say, has the file open
    with connect(db, timeout=30) as con:  # waits instead of failing
        assert migrate(con)[0] == 1
    holder.wait(timeout=30)
    busy = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(10)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert busy.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseError, match="cannot open the warehouse"), connect(db, timeout=1):
            pass
    finally:
        busy.kill()
        busy.wait()


@pytest.mark.parametrize(
    "query",
    [
        "COPY mentions TO '{tmp}/out.csv'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "EXPORT DATABASE '{tmp}/export'",
        "DELETE FROM mentions",
        "SET enable_external_access = true",
    ],
)
def test_brandpulse_sql_is_read_only_for_real(tmp_path, query):
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    proc = brandpulse("sql", query.format(tmp=tmp_path), "--db", str(db))
    assert proc.returncode == 2 and "brandpulse sql is read-only" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]  # nothing written
    ok = brandpulse("sql", "SELECT count(*) AS n FROM mentions", "--db", str(db))
    assert ok.returncode == 0 and "0" in ok.stdout


# Runs an entry point as the `brandpulse` executable would, then says which of the command line's libraries it loaded.
_WIDE = "SELECT " + ", ".join(f"{i} AS column_number_{i}" for i in range(30)) + ", repeat('x', 300) AS long_text"
_AS_EXECUTABLE = (
    "import atexit, sys; sys.argv[0] = 'brandpulse'; "
    "atexit.register(lambda: print('loaded:', *(m for m in ('typer', 'pydantic', 'rich') if m in sys.modules), "
    "file=sys.stderr)); from {module} import main; main()"
)


def _brandpulse(module: str, *args: str) -> list[str]:
    """The command line of the ``brandpulse`` executable with ``module``'s main (it prints, at exit, which of
    typer, pydantic and rich were loaded)."""
    return [sys.executable, "-c", _AS_EXECUTABLE.format(module=module), *args]


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["sql", "SELECT 42 AS answer, NULL AS nothing, 'zażółć' AS pl"], True),
        (["sql", "--limit=2", "SELECT * FROM range(5)"], True),  # options first, `=` form: only 2 rows shown
        (["sql", "SELECT * FROM range(3)", "--db", "{db}", "--limit", "7"], True),
        (["sql", _WIDE], True),  # into a pipe: every column, every character
        (["sql", "SELECT * FROM no_such_table"], True),  # DuckDB's own error
        (["sql", "DELETE FROM mentions"], True),  # refused by the read-only attachment
        (["sql", "SELECT 1", "--limit", "0"], False),  # typer's error, not argparse's
        (["sql", "SELECT 1", "--lim", "3"], False),  # no abbreviations (click has none)
        (["sql", "SELECT 1", "--verbose"], False),
        # a query opening with an SQL comment, as the query guide writes them, is the query: it was "No such option"
        (["sql", "-- 1. a note\nSELECT 42 AS answer", "--limit", "5"], True),
        (["sql", "--note\nSELECT\t42\tAS\tanswer"], False),  # no space: argparse reads an option, so typer answers
        (["sql", "-1"], False),
        (["sql", "SELECT 1", "--db", ""], False),  # a folder (`.`) to typer: refused, no lock file written
        (["sql", "SELECT 1", "--limit", "10001"], False),  # DuckDB's table shows 10,000 rows at most
        (["sql", "SELECT count(*) FROM range(10000000000000)", "--timeout", "1"], True),  # stopped, not a lock held
        (["sql", "SELECT 1", "--timeout", "0.5"], False),  # 1 s to an hour
        (["sql", "SELECT 1", "--timeout", "nan"], False),
        (["sql", "--", "SELECT 1"], False),
        (["sql", "--help"], False),
        (["sql"], False),
        (["--help"], False),
    ],
)
def test_a_plain_brandpulse_sql_starts_without_the_command_line_and_answers_the_same(tmp_path, args, plain):
    """pipeline.console runs a plain `brandpulse sql` without typer, pydantic or rich, and prints what the typer
    command prints; anything else it hands to the typer app."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    argv = [a.format(db=db) for a in args]
    env = {**os.environ, "BRANDPULSE_DB": str(db), "PYTHONPATH": str(REPO)}
    fast, full = (
        subprocess.run(
            _brandpulse(module, *argv),
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        for module in ("pipeline.console", "pipeline.cli")
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]  # nothing else written
    *fast_err, fast_loaded = fast.stderr.rstrip("\n").split("\n")
    *full_err, _ = full.stderr.rstrip("\n").split("\n")
    assert (fast.returncode, fast.stdout, fast_err) == (full.returncode, full.stdout, full_err)
    assert (fast_loaded == "loaded:") is plain, fast_loaded
    assert "Traceback" not in fast.stderr
    if "answer" in "".join(argv[1:2]):
        assert fast.returncode == 0 and "answer" in fast.stdout and "42" in fast.stdout, fast.stderr
    if argv[1:2] == ["--limit=2"]:
        assert "│     1 │" in fast.stdout and "│     2 │" not in fast.stdout
    if argv[1:] == [_WIDE]:
        assert "column_number_29" in fast.stdout and "x" * 300 in fast.stdout
    if "--timeout" in argv and plain:  # it would hold the night's steps past their lock_timeout_s
        assert fast.returncode == 2 and "brandpulse: the query ran past 1 s and was stopped" in fast.stderr


@pytest.mark.parametrize("module", ["pipeline.console", "pipeline.cli"])
def test_brandpulse_sql_into_a_pipe_closed_early_stops_quietly(tmp_path, module):
    """`brandpulse sql ... | head`: both ways in stop with exit 1 and no traceback when the reader goes away."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    proc = subprocess.Popen(
        _brandpulse(module, "sql", "SELECT * FROM range(10000)", "--limit", "10000"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "BRANDPULSE_DB": str(db), "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout.read(300)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_brandpulse_sql_prints_after_releasing_the_lock_and_says_when_rows_were_left_out(tmp_path, monkeypatch):
    """`brandpulse sql ... | less`: the table is printed once the warehouse's lock is free (a pager that waits held
    every step of the night, which failed after lock_timeout_s); a last line says the query had more rows."""
    import io

    from filelock import FileLock, Timeout

    from pipeline.warehouse import show_query

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    lock_free = []

    class Pager(io.StringIO):
        def write(self, text):
            try:
                FileLock(f"{db}.lock", is_singleton=False).acquire(timeout=0).lock.release()
                lock_free.append(True)
            except Timeout:
                lock_free.append(False)
            return super().write(text)

    for rows, more in ((60, True), (50, False)):
        monkeypatch.setattr("sys.stdout", Pager())
        show_query(db, f"SELECT range AS n FROM range({rows})")
        lines = sys.stdout.getvalue().splitlines()
        assert "│    49 │" in lines and "│    50 │" not in lines
        said = "(the first 50 rows; the query has more: --limit N shows up to 10,000)"
        assert (lines[-1] == said) is more and said not in lines[:-1]
    assert lock_free and all(lock_free)


def test_brandpulse_sql_shows_every_statements_rows_in_turn(tmp_path, capsys):
    """`brandpulse sql "SELECT ...; SELECT ..."` showed only the last statement's result; a SET between them
    each table says its own left-out rows, and a query of semicolons alone is refused."""
    from pipeline.warehouse import WarehouseError, show_query

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    show_query(db, "SELECT 41 AS first_one; SELECT range AS n FROM range(3);", limit=2)
    out = capsys.readouterr().out
    assert out.index("first_one") < out.index(" 41 │") < out.index("int64") < out.index("│     1 │")
    assert "│     2 │" not in out and out.count("the query has more") == 1 and out.endswith("10,000)\n")
    with pytest.raises(WarehouseError, match="no statement in the query ';  ;'"):
        show_query(db, ";  ;")
    # a comment after a statement's semicolon was a syntax error (the limit wraps the statement in a subquery)
    show_query(db, "-- two\nSELECT 7 AS seven; -- first\nSELECT 8 AS eight; -- second\n")
    out = capsys.readouterr().out
    assert out.index("seven") < out.index(" 7 │") < out.index("eight") < out.index(" 8 │"), out
    # a statement without rows prints nothing (DuckDB 2's relation of SET VARIABLE drew a table 'Success, 0 rows')
    show_query(db, "SET VARIABLE v = 41; BEGIN; SELECT getvariable('v') + 1 AS answer; COMMIT")
    out = capsys.readouterr().out
    assert "Success" not in out and "0 rows" not in out and " 42 │" in out and out.count("┌") == 1, out
    with pytest.raises(WarehouseError, match=r"^statement 2 of 3: Catalog Error: Table with name nope"):
        show_query(db, "SELECT 1 AS one; SELECT * FROM nope; SELECT 3 AS three")  # which one failed
    out = capsys.readouterr().out  # the tables before it are shown (they were lost), none after it
    assert "one" in out and " 1 │" in out and "three" not in out, out
    # --timeout holds over many statements: one interrupt falling between two of them was dropped, and the
    # rest ran on under the warehouse's lock
    with pytest.raises(WarehouseError, match=r"ran past 0\.5 s and was stopped"):
        show_query(db, "SELECT count(*) FROM range(20000);" * 3000, timeout=0.5)


def test_prepare_hands_each_extract_its_sources_state(night, scorer):
    """The DAGs' extract tasks never open the warehouse: prepare reads every source's state once and hands it
    over with the job, and extract reads its source from that state."""
    from pipeline import night as steps
    from pipeline import staging

    cfg = load_config(night[0])
    assert [j["state"] for j in steps.prepare(cfg, night[1], DAY, "first")] == [{}]  # nothing stored yet
    run_day(cfg, night[1], DAY, scorer=scorer)
    (job,) = steps.prepare(cfg, night[1], DAY, "again")
    assert job["state"]["loaded"]  # the file drop's fingerprints, as the night stored them
    out = staging.extract(cfg, job["brand"], job["source"], DAY, "again", states=staging.states_of([job]))
    assert out["records"] == 0 and "unchanged since loaded for this window" in out["notes"][0]


def test_a_load_retried_after_its_commit_still_says_what_its_run_added(night):
    """An Airflow load task retried (or cleared) after its commit stores nothing again, and its run_steps row, which
    replaces the first attempt's, still says what the night added: the rows of its run id (5 new mentions, the
    quarantined rows), not "0 new, 5 already in the warehouse" for a night that loaded 5 (ba91724 made it say that;
    reverted in 0186f0b). The survey import counts its run's responses as new the same way."""
    from pipeline import load, staging
    from pipeline import night as steps

    cfg, db = load_config(night[0]), night[1]
    for job in steps.prepare(cfg, db, DAY, "r1"):
        staging.extract(cfg, job["brand"], job["source"], DAY, "r1", db=db)
    first = load.load(cfg, db, DAY, "r1")
    again = load.load(cfg, db, DAY, "r1")
    assert (again.new_mentions, again.quarantined) == (first.new_mentions, first.quarantined) == (5, 3)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (5,)
        step = "SELECT rows_out, rows_quarantined FROM run_steps WHERE run_id = 'r1' AND step = 'load'"
        assert con.execute(step).fetchall() == [(5, 3)]


def test_score_shards_load_all_or_nothing_and_a_retry_loads_once(night, scorer, monkeypatch):
    """The Airflow night's fan-out, step by step: a shard whose task failed stops the load (nothing stored, the
    message says which shard); once it is scored, the load stores every shard; loading again changes nothing.
    The plan copies the unscored texts two at a time here (PLAN_BATCH): the shards hold each once, oldest first."""
    from pipeline import load, staging
    from pipeline import night as steps
    from pipeline.storage import read_parquet
    from pipeline.warehouse import connect, execute, rows

    monkeypatch.setattr(scoring, "PLAN_BATCH", 2)

    cfg = load_config(write_config(night[0].parent, scoring={"shard_size": 2}))
    db = night[1]
    for job in steps.prepare(cfg, db, DAY, "r1"):
        staging.extract(cfg, job["brand"], job["source"], DAY, "r1", db=db)
    assert load.load(cfg, db, DAY, "r1").new_mentions == 5
    with connect(db, read_only=True) as con:
        unscored = rows(execute(con, "scoring/unscored_mentions", {"model_version": "", "limit": 99, "since": None}))
    assert scoring.plan_shards(cfg, db, DAY, "r1") == [0, 1, 2]
    with duckdb.connect() as mem:
        staged = [
            r for n in range(3) for r in read_parquet(mem, scoring.shard_dir(cfg, DAY, "r1") / f"{n:05d}.input.parquet")
        ]
    assert staged == unscored and len(staged) == 5
    for shard in (0, 2):
        assert scoring.score_shard(cfg, DAY, "r1", shard, scorer=scorer)["texts"] == (1 if shard == 2 else 2)
    with pytest.raises(RuntimeError, match="score shard 1 of 3 has no scores"):
        scoring.load_scores(cfg, db, DAY, "r1")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)
    scoring.score_shard(cfg, DAY, "r1", 1, scorer=scorer)
    # a shard scored by another model version (another worker's model or precision) stops the load too
    done = scoring.shard_dir(cfg, DAY, "r1") / "00002.scores.json"
    honest = done.read_text()
    done.write_text(honest.replace(scorer.version, "9.9.9"))
    with pytest.raises(RuntimeError, match=r"scored by 2 model versions \(.* 9\.9\.9 in shard 2\)"):
        scoring.load_scores(cfg, db, DAY, "r1")
    done.write_text(honest)
    assert scoring.load_scores(cfg, db, DAY, "r1") == 5
    assert scoring.load_scores(cfg, db, DAY, "r1") == 5  # a retried load: the same five rows, no more
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM sentiment").fetchone() == (5, 5)
        assert con.execute("SELECT count(*) FROM sentiment_latest").fetchone() == (5,)
        step = con.execute("SELECT rows_in, rows_out, detail FROM run_steps WHERE step = 'score'").fetchone()
    assert step[:2] == (5, 5) and "3 shards of at most 2" in step[2]
    assert scoring.plan_shards(cfg, db, DAY, "r2") == []  # nothing left to score: no shard, no model


def test_load_scores_refuses_a_plan_of_another_warehouse_sharing_the_staging_dir(tmp_path, scorer):
    """Two deployments (the brands split over two, as ``check_mappable`` suggests) with one ``staging_dir``: their
    Airflow run ids are the same, so the second plan replaces the first's files and the first's score tasks score
    the second's texts. Its load_scores stored them (orphan scores, its own mentions left unscored) and said
    success; now it fails, storing nothing and naming the shared staging_dir."""
    from pipeline import staging

    shared, run_id, deployments = tmp_path / "staging", "scheduled__2026-10-02T02:00:00+00:00", []
    for name in ("Acme", "Parcelo"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
        brands = [{"name": name, "files": {"listening": "x.csv"}}]
        cfg = load_config(write_config(tmp_path / name, brands, staging_dir=str(shared)))
        db = tmp_path / name / "warehouse.duckdb"
        for job in prepare(cfg, db, DAY, run_id):
            staging.extract(cfg, job["brand"], job["source"], DAY, run_id, db=db)
        assert load(cfg, db, DAY, run_id).new_mentions == 5
        deployments.append((cfg, db))
    for cfg, db in deployments:  # both plans first, then both deployments' score tasks
        assert scoring.plan_shards(cfg, db, DAY, run_id) == [0]
    for cfg, _ in deployments:
        scoring.score_shard(cfg, DAY, run_id, 0, scorer=scorer)
    (acme, acme_db), (parcelo, parcelo_db) = deployments
    with pytest.raises(RuntimeError, match=r"5 mention\(s\) this warehouse does not hold.*staging_dir of its own"):
        scoring.load_scores(acme, acme_db, DAY, run_id)
    with duckdb.connect(str(acme_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)
    assert scoring.load_scores(parcelo, parcelo_db, DAY, run_id) == 5  # the plan's own warehouse loads it


def test_a_backlog_past_airflows_map_limit_is_planned_in_larger_shards(night, monkeypatch):
    """More shards than Airflow's core.max_map_length (1024) would fail the plan task and the night's scoring."""
    from pipeline import load, staging
    from pipeline import night as steps

    monkeypatch.setattr(scoring, "MAX_SHARDS", 2)
    cfg = load_config(write_config(night[0].parent, scoring={"shard_size": 1}))
    db = night[1]
    for job in steps.prepare(cfg, db, DAY, "r1"):
        staging.extract(cfg, job["brand"], job["source"], DAY, "r1", db=db)
    assert load.load(cfg, db, DAY, "r1").new_mentions == 5
    assert scoring.plan_shards(cfg, db, DAY, "r1") == [0, 1]  # 5 texts: shards of 3, not five of 1
    plan = json.loads((scoring.shard_dir(cfg, DAY, "r1") / "plan.json").read_text())
    assert (plan["shard_size"], plan["shards"], plan["texts"]) == (3, 2, 5)


def test_a_replanned_or_failed_shard_is_not_done_until_scored_again_and_a_failed_load_stores_nothing(
    night, scorer, monkeypatch
):
    """A shard's scores count only for the plan and the attempt that wrote them: planned again (a cleared plan
    task, here into shards of another size), every shard must be scored again before the load, and a plan that
    fails part way leaves no plan (not the earlier one over shards it half replaced); a retry that fails
    before writing its scores leaves the shard not done (its earlier attempt's scores do not stand in). A shard is
    scored in chunks of SCORE_CHUNK texts (the progress says each), every text once. A shard whose scores cannot be
    read fails the load in its transaction, naming the shard and its file: the shards before it are not stored
    either. The load counts what it read and what it stored (not what a run beside it stored first). A load of an
    empty plan stores nothing and says so; a shard past the plan is refused by name."""
    from pipeline import load, staging
    from pipeline import night as steps
    from pipeline.storage import read_parquet

    monkeypatch.setattr(scoring, "SCORE_CHUNK", 2)
    db = night[1]
    whole = load_config(write_config(night[0].parent, scoring={"shard_size": 5}))
    for job in steps.prepare(whole, db, DAY, "r1"):
        staging.extract(whole, job["brand"], job["source"], DAY, "r1", db=db)
    assert load.load(whole, db, DAY, "r1").new_mentions == 5
    folder = scoring.shard_dir(whole, DAY, "r1")
    assert scoring.plan_shards(whole, db, DAY, "r1") == [0]
    seen: list[int] = []
    assert scoring.score_shard(whole, DAY, "r1", 0, scorer=scorer, progress=seen.append)["texts"] == 5
    assert seen == [2, 4, 5]  # three chunks of at most two
    with duckdb.connect() as mem:
        texts = [r["text"] for r in read_parquet(mem, folder / "00000.input.parquet")]
        scored = read_parquet(mem, folder / "00000.scores.parquet")
    expected = scoring.score_columns(scorer, texts)
    assert [(r["text_sha256"], r["label"]) for r in scored] == list(
        zip(expected["text_sha256"], expected["label"], strict=True)
    )  # every text once, in order, none left unscored between the chunks

    halves = load_config(write_config(night[0].parent, scoring={"shard_size": 3}))
    (folder / "00000.input.parquet").unlink()
    (folder / "00000.input.parquet").mkdir()  # the next plan fails writing its first shard
    with pytest.raises(OSError):
        scoring.plan_shards(halves, db, DAY, "r1")
    with pytest.raises(RuntimeError, match="no score plan for run r1"):  # not the first plan, its shards half gone
        scoring.load_scores(halves, db, DAY, "r1")
    (folder / "00000.input.parquet").rmdir()
    assert scoring.plan_shards(halves, db, DAY, "r1") == [0, 1]  # planned again: the first plan's scores go
    with pytest.raises(RuntimeError, match="score shard 0 of 2 has no scores"):
        scoring.load_scores(halves, db, DAY, "r1")
    with pytest.raises(FileNotFoundError, match="a score plan of 2 shard"):
        scoring.score_shard(halves, DAY, "r1", 2, scorer=scorer)
    for shard in (0, 1):
        scoring.score_shard(halves, DAY, "r1", shard, scorer=scorer)
    (folder / "00000.input.parquet").rename(folder / "kept.parquet")  # the retry of shard 0 fails
    with pytest.raises(duckdb.Error):
        scoring.score_shard(halves, DAY, "r1", 0, scorer=scorer)
    with pytest.raises(RuntimeError, match="score shard 0 of 2 has no scores"):
        scoring.load_scores(halves, db, DAY, "r1")
    (folder / "kept.parquet").rename(folder / "00000.input.parquet")
    scoring.score_shard(halves, DAY, "r1", 0, scorer=scorer)

    good = (folder / "00001.scores.parquet").read_bytes()
    (folder / "00001.scores.parquet").write_bytes(good[: len(good) // 2])  # shard 1's scores cannot be read
    with pytest.raises(
        RuntimeError, match=r"score shard 1 of 2: .*00001\.scores\.parquet cannot be read \(.*\); re-run"
    ):
        scoring.load_scores(halves, db, DAY, "r1")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)  # not shard 0's three either
    (folder / "00001.scores.parquet").write_bytes(good)
    record = (folder / "00001.scores.json").read_text()
    (folder / "00001.scores.json").write_text(record[: len(record) // 2])  # nor its record: named, no traceback
    with pytest.raises(RuntimeError, match=r"score shard 1 of 2: .*00001\.scores\.json cannot be read \(.*\); re-run"):
        scoring.load_scores(halves, db, DAY, "r1")
    for edited in ("[]", json.dumps({k: v for k, v in json.loads(record).items() if k != "model_version"})):
        (folder / "00001.scores.json").write_text(edited)  # JSON, but not the record: named too (was a KeyError)
        said = r"00001\.scores\.json cannot be read \((not a JSON object|no model_version)\)"
        with pytest.raises(RuntimeError, match=said):
            scoring.load_scores(halves, db, DAY, "r1")
    (folder / "00001.scores.json").write_text(record)
    steps.prepare(whole, db, DAY, "r2")  # a run beside it stores its scores of the five first: theirs stay
    assert scoring.plan_shards(whole, db, DAY, "r2") == [0]
    scoring.score_shard(whole, DAY, "r2", 0, scorer=scorer)
    assert scoring.load_scores(whole, db, DAY, "r2") == 5
    assert scoring.load_scores(halves, db, DAY, "r1") == 0  # what this run stored: none of its five

    steps.prepare(halves, db, DAY, "r3")
    assert scoring.plan_shards(halves, db, DAY, "r3") == []
    assert scoring.load_scores(halves, db, DAY, "r3") == 0  # this run's rows, not the five r2 stored
    with duckdb.connect(str(db), read_only=True) as con:
        step = "SELECT rows_in, rows_out, detail, started_at FROM run_steps WHERE step = 'score' ORDER BY run_id"
        (r1, r2, r3) = con.execute(step).fetchall()
    assert r1[:2] == (5, 0) and r3[:3] == (0, 0, "nothing to score")
    assert r2[2].startswith(f"model {scorer.name} {scorer.version}; 1 shard of at most 5; ")
    plan = json.loads((folder / "plan.json").read_text())
    assert r1[3] == datetime.fromisoformat(plan["started_at"])  # the step started with its plan
    slowest, fastest = re.search(r"; 2 shards of at most 3; (\d+)-(\d+) texts/s per shard$", r1[2]).groups()
    assert int(slowest) <= int(fastest)


def _five_mentions_two_plans(night):
    """Run r1's five mentions loaded, and two configs that plan them in shards of 2 (three) and of 5 (one)."""
    from pipeline import load, staging
    from pipeline import night as steps

    db = night[1]
    thirds = load_config(write_config(night[0].parent, scoring={"shard_size": 2}))
    whole = load_config(write_config(night[0].parent, scoring={"shard_size": 5}))
    for job in steps.prepare(thirds, db, DAY, "r1"):
        staging.extract(thirds, job["brand"], job["source"], DAY, "r1", db=db)
    assert load.load(thirds, db, DAY, "r1").new_mentions == 5
    return db, thirds, whole


def test_a_zombie_score_task_of_an_earlier_plan_finishing_last_is_not_loaded(night, scorer):
    """A run cleared while a score task of its first attempt still runs (a zombie: its worker lost its heartbeat)
    is planned again; the zombie writes its shard after the new plan's task did. Its scores are the earlier
    plan's texts: loaded, the new plan's other texts were left unscored under a successful step (2 of 5 stored).
    The load refuses it by name, and once the shard is scored again stores all five."""
    db, thirds, whole = _five_mentions_two_plans(night)
    assert scoring.plan_shards(thirds, db, DAY, "r1") == [0, 1, 2]

    def cleared(_done: int) -> None:  # while the first attempt's shard 0 is scored: planned and scored again
        assert scoring.plan_shards(whole, db, DAY, "r1") == [0]
        assert scoring.score_shard(whole, DAY, "r1", 0, scorer=scorer)["texts"] == 5

    assert scoring.score_shard(thirds, DAY, "r1", 0, scorer=scorer, progress=cleared)["texts"] == 2  # last
    with pytest.raises(RuntimeError, match=r"score shard 0 of 1: .*00000\.scores\.json holds the scores of an earlier"):
        scoring.load_scores(whole, db, DAY, "r1")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)
    scoring.score_shard(whole, DAY, "r1", 0, scorer=scorer)  # its task re-run
    assert scoring.load_scores(whole, db, DAY, "r1") == 5


def test_a_zombie_score_task_killed_between_its_scores_and_its_record_is_not_loaded(night, scorer):
    """The zombie of a cleared run's score task is killed when Airflow finds it (its heartbeat refused): killed after
    its scores.parquet replaced the new plan's and before its scores.json, the record was the new plan's and the
    load stored the earlier plan's texts (2 of 5) under a successful step. The scores carry their plan too."""
    db, thirds, whole = _five_mentions_two_plans(night)
    scoring.plan_shards(thirds, db, DAY, "r1")
    scoring.score_shard(thirds, DAY, "r1", 0, scorer=scorer)
    scores = scoring.shard_dir(thirds, DAY, "r1") / "00000.scores.parquet"
    zombie = scores.read_bytes()  # what the zombie writes last, after the new plan's task
    assert scoring.plan_shards(whole, db, DAY, "r1") == [0]
    scoring.score_shard(whole, DAY, "r1", 0, scorer=scorer)
    scores.write_bytes(zombie)
    with pytest.raises(RuntimeError, match=r"score shard 0 of 1: .*00000\.scores\.parquet holds the scores of an"):
        scoring.load_scores(whole, db, DAY, "r1")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentiment").fetchone() == (0,)


def test_a_shard_scored_while_its_model_folder_is_replaced_keeps_the_loaded_models_version(night, monkeypatch):
    """A scorer's version hashes its folder's files when first asked: a shard asks as the model loads, so a folder
    replaced while the shard is scored (a deploy mid-night) does not lend the new files' version to the scores of
    the weights in memory."""
    from pipeline import load, staging
    from pipeline import night as steps
    from pipeline.sentiment.scorer import Scorer, model_version

    folder = night[0].parent / "model"
    folder.mkdir()
    for path in MODEL_DIR.iterdir():
        (folder / path.name).symlink_to(path)
    (folder / "tokenizer_config.json").unlink()
    shutil.copy(MODEL_DIR / "tokenizer_config.json", folder / "tokenizer_config.json")
    loaded = model_version(folder)
    cfg = load_config(write_config(night[0].parent, scoring={"model_dir": str(folder)}))
    db = night[1]
    for job in steps.prepare(cfg, db, DAY, "r1"):
        staging.extract(cfg, job["brand"], job["source"], DAY, "r1", db=db)
    assert load.load(cfg, db, DAY, "r1").new_mentions == 5
    assert scoring.plan_shards(cfg, db, DAY, "r1") == [0]
    scorer = Scorer(folder)
    monkeypatch.setattr(scoring, "load_scorer", lambda config: scorer)  # the task loads the model ...

    def replaced(texts, score=scorer.score):  # ... and its folder is replaced while the shard is scored
        config = json.loads((folder / "tokenizer_config.json").read_text())
        (folder / "tokenizer_config.json").write_text(json.dumps(config | {"replaced": True}))
        return score(texts)

    monkeypatch.setattr(scorer, "score", replaced)
    assert scoring.score_shard(cfg, DAY, "r1", 0)["model_version"] == loaded != model_version(folder)
    assert scoring.load_scores(cfg, db, DAY, "r1") == 5
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT DISTINCT model_version FROM sentiment").fetchall() == [(loaded,)]


def test_a_score_step_with_nothing_to_score_never_loads_the_model(tmp_path):
    """A re-run, or a night with no new mention, scores nothing: the model (seconds to load) stays on disk. The
    config points at a folder with no model, so loading one would fail the step."""
    cfg = load_config(write_config(tmp_path, scoring={"model_dir": str(tmp_path / "no-model-here")}))
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        ledger.start_run(con, "r1", date(2026, 11, 1), "cli")
    assert scoring.score(cfg, db, "r1") == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT detail FROM run_steps WHERE run_id = 'r1' AND step = 'score'").fetchall() == [
            ("nothing to score",)
        ]


class _Racing:
    """The configured scorer, with another run's whole score step in the middle of its first chunk: between the
    chunk's read and its write, as a concurrent run's step lands when both read the same unscored texts."""

    def __init__(self, scorer, other):
        self.scorer, self.other = scorer, other
        self.name, self.version, self.sha256 = scorer.name, scorer.version, scorer.sha256

    def score(self, texts):
        other, self.other = self.other, None
        if other:
            other()
        return self.scorer.score(texts)


def test_a_score_step_beaten_to_its_texts_by_a_concurrent_run_counts_them_read_not_written(night, scorer):
    """Two runs read the same unscored mentions; the other run writes its scores first. Each mention keeps one
    score (the first), and each run's score step says what it read and what it wrote: this one five read, none
    written, and none is what it returns."""
    cfg = load_config(night[0])
    db = night[1]
    _loaded(cfg, db, DAY, "r1")
    with connect(db) as con:
        ledger.start_run(con, "r2", DAY, "cli")
    racing = _Racing(scorer, lambda: scoring.score(cfg, db, "r2", scorer=scorer))
    assert scoring.score(cfg, db, "r1", scorer=racing) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        steps = "SELECT run_id, rows_in, rows_out FROM run_steps WHERE step = 'score' ORDER BY run_id"
        assert con.execute(steps).fetchall() == [("r1", 5, 0), ("r2", 5, 5)]
        assert con.execute("SELECT count(*), count(DISTINCT mention_id), min(run_id) FROM sentiment").fetchone() == (
            5,
            5,
            "r2",
        )


def test_a_forked_child_opens_the_warehouse_with_an_instance_of_its_own(tmp_path):
    """Airflow's task runners fork. connect() attaches the file to one DuckDB instance per process; a child that
    inherits the parent's (whose worker threads did not survive the fork) must start its own, not reuse it."""
    import multiprocessing as mp

    from pipeline import warehouse

    db = migrated(tmp_path / "w.duckdb")  # a warehouse: a read-only session refuses a bare DuckDB file
    with connect(db) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    parent = warehouse._instance()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()

    def child():
        with connect(db) as con:
            con.execute("INSERT INTO t VALUES (2)")
            queue.put((con.execute("SELECT sum(x) FROM t").fetchone()[0], warehouse._instance() is parent))

    proc = ctx.Process(target=child)
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    assert queue.get(timeout=5) == (3, False)
    with connect(db, read_only=True) as con:  # the parent's instance still works, and sees the child's write
        assert con.execute("SELECT sum(x) FROM t").fetchone()[0] == 3


@pytest.mark.parametrize("module", ["pipeline.console", "pipeline.cli"])
def test_sigterm_ends_a_long_brandpulse_sql_at_once(tmp_path, module):
    """A read-only query keeps SIGTERM's default action: the process ends at once, both ways in (an interrupt
    is not always honoured by DuckDB while a query runs). Into a pipe, DuckDB's progress bar is not printed."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    proc = subprocess.Popen(
        _brandpulse(module, "sql", "SELECT sum(hash(range)) FROM range(100000000000)"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**os.environ, "BRANDPULSE_DB": str(db), "PYTHONPATH": str(REPO)},
    )
    try:
        time.sleep(4)  # the query is running (it would take hours), past the progress bar's 2 s
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert (proc.returncode, out) == (-signal.SIGTERM, b"")
    finally:
        proc.kill()
        proc.wait()
