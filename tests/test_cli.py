"""The ``brandpulse`` command line itself: option checks said before anything runs (exit 2, no traceback), which
config and warehouse a command uses, and what the cheap commands print. In-process with typer's CliRunner; the
steps the commands call are tested in their own modules."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.alerts import incidents
from pipeline.cli import app
from tests.helpers import INCIDENT, REPO, alerting_config, brandpulse, migrated, seed, write_config


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def refused(result, message: str) -> None:
    """Exit 2 with ``brandpulse: <message>`` and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert f"brandpulse: {message}" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-10-02", "--to", "2026-10-01"], "--to is before --date"),
        (["--date", "2026-02-30"], "--date: '2026-02-30' is not a date in YYYY-MM-DD form"),
        (["--date", "2026-10-01", "--to", "07/10/2026"], "--to: '07/10/2026' is not a date in YYYY-MM-DD form"),
        (["--date", "2026-10-01", "--to", ""], "--to: '' is not a date"),  # was one night, not the range meant
        # the calendar's ends: a night's window ran out of dates (OverflowError, and a run left registered)
        (
            ["--date", "9999-12-31"],
            "--date: 9999-12-31 is outside the days brandpulse takes (1970-01-01 to 2199-12-31)",
        ),
        (["--date", "0001-01-01"], "--date: 0001-01-01 is outside the days brandpulse takes"),
    ],
)
def test_run_refuses_bad_days_before_it_touches_the_warehouse(tmp_path, args, message):
    db = tmp_path / "w.duckdb"
    refused(invoke("run", *args, "--config", str(write_config(tmp_path)), "--db", str(db)), message)
    assert not db.exists()


def test_rescore_names_its_own_option_in_a_bad_day(tmp_path):
    db = tmp_path / "w.duckdb"
    done = invoke("rescore", "--since", "July", "--config", str(write_config(tmp_path)), "--db", str(db))
    refused(done, "--since: 'July' is not a date in YYYY-MM-DD form")
    assert not db.exists()


def test_rescore_refuses_a_since_after_today_before_it_loads_the_model(tmp_path, monkeypatch):
    """``rescore --since 2062-07-01`` (a mistyped year) loaded the model, registered a run and ended a "success"
    that scored nothing; it is refused, as ``run --to`` after today is."""
    from pipeline import cli

    monkeypatch.setattr(cli, "_scorer", lambda cfg: pytest.fail("the model was loaded"))
    config, db = str(write_config(tmp_path)), migrated(tmp_path / "w.duckdb")
    refused(
        invoke("rescore", "--since", "2199-12-31", "--config", config, "--db", str(db)),
        "--since: 2199-12-31 is after today",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)


@pytest.mark.parametrize("command", ["run", "rescore", "summary", "report"])
def test_a_commands_help_says_where_the_config_and_the_warehouse_default_to(command):
    """``--config`` and ``--db`` default to $BRANDPULSE_CONFIG / $BRANDPULSE_DB, else a file in the working folder:
    said by the app's help only, a command's named neither ("brandpulse.yaml to use", "DuckDB warehouse file")."""
    text = " ".join(invoke(command, "--help", env={"COLUMNS": "300"}).output.split())
    assert (
        "$BRANDPULSE_CONFIG, else ./brandpulse.yaml" in text and "$BRANDPULSE_DB, else ./data/brandpulse.duckdb" in text
    )


def test_the_score_steps_help_says_it_scores_new_mentions_only_and_rescore_moves_history():
    """It said it scored every mention with no score from the current model version: after a model change an
    operator ran it to move history, and it scored nothing (only mentions with no score at all are its)."""
    done = invoke("score", "--help")
    assert done.exit_code == 0
    text = " ".join(done.output.replace("│", " ").split())
    assert "no score at all" in text and "rescore --since" in text
    assert "no score from the current model version" not in text


def test_options_an_operator_gets_wrong_are_refused_naming_them(tmp_path):
    """Each was a traceback, a crash or a stray line (this stop's hostile-input pass)."""
    cfg, db = str(write_config(tmp_path)), tmp_path / "w.duckdb"
    refused(invoke("watch", "--at", "9999-12-31T23:00", "--config", cfg, "--db", str(db)), "--at: 9999-12-31T23:00 is")
    refused(invoke("prepare", "--date", "2026-10-01", "--run-id", " ", "--config", cfg, "--db", str(db)),
            "--run-id: give the run an id")  # fmt: skip
    assert not db.exists()
    big = CliRunner().invoke(app, ["score-texts", "--threads", "100000"], input="a\n")  # was a segfault (OpenBLAS)
    assert big.exit_code == 2 and "--threads': Input should be less than or equal to 256" in big.output, big.output
    migrated(db)
    run = "cli__2026-10-01__0000aaaa"
    invoke("prepare", "--date", "2026-10-01", "--run-id", run, "--config", cfg, "--db", str(db))
    # typer's exit for the bad date was caught as a RuntimeError, and a stray "brandpulse: 2" followed
    bad = invoke("load-scores", "--date", "2026-02-30", "--run-id", run, "--config", cfg, "--db", str(db))
    refused(bad, "--date: '2026-02-30' is not a date")
    assert "brandpulse: 2" not in bad.output
    at = ["--config", cfg, "--db", str(db)]
    for command, option in ((["drivers", "--brand", "acme", *at], "--chart"), (["detect-series", cfg], "--out")):
        for path, said in ((tmp_path, "a folder; give a file name"), (tmp_path / "no" / "f", "its folder does not")):
            refused(invoke(*command, option, str(path)), f"{option}: {path}: {said}")
    refused(invoke("detect-series", str(tmp_path)), f"{tmp_path}: a folder, not a CSV file")
    empty = brandpulse("sql", " ", "--db", str(db))  # printed nothing, exit 0
    assert empty.returncode == 2 and empty.stderr.startswith("brandpulse: the query is empty"), empty.stderr
    refused(invoke("alerts", "--show", "", *at), "--show: give an alert id")  # listed every alert
    (tmp_path / "page.html").write_text("x")
    refused(invoke("report", "--date", "2026-10-01", "--out", str(tmp_path / "page.html"), "--config", cfg,
                   "--db", str(db)), f"--out: {tmp_path / 'page.html'} is a file")  # fmt: skip
    refused(invoke("report", "--date", "2026-10-01", "--out", str(tmp_path / "page.html" / "reports"), "--config",
                   cfg, "--db", str(db)), f"--out: {tmp_path / 'page.html'} is a file")  # a traceback  # fmt: skip


def watch_config(tmp_path):
    """A config whose watch is off: every run is recorded as skipped, nothing extracted or scored."""
    return str(write_config(tmp_path, watch={"enabled": False}))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-10-13T08:00", "--from", "2026-10-13T07:00"], "give --at, or --from and --to, not both"),
        (["--at", "2026-10-13T08:00", "--to", "2026-10-13T09:00"], "give --at, or --from and --to, not both"),
        ([], "give --at, or --from and --to"),
        (["--from", "2026-10-13T07:00"], "give --at, or --from and --to"),
        (["--to", "2026-10-13T07:00"], "give --at, or --from and --to"),
        (["--from", "2026-10-13T09:00", "--to", "2026-10-13T08:00"], "--to is before --from"),
        (["--from", "2026-10-13T07:00", "--to", "tomorrow"], "--to: 'tomorrow' is not a time in YYYY-MM-DDTHH:MM form"),
    ],
)
def test_watch_refuses_an_interval_it_cannot_read(tmp_path, args, message):
    db = tmp_path / "w.duckdb"
    refused(invoke("watch", *args, "--config", watch_config(tmp_path), "--db", str(db)), message)
    assert not db.exists()


def test_watch_refuses_a_replay_that_ends_after_now(tmp_path):
    """A replay's --to after now (a mistyped year): it ran a watch run per hour up to it, each reading the sources,
    as `run --to` was refused for; a replay is of intervals that have ended."""
    from datetime import UTC, datetime

    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    first, last = (hour - timedelta(hours=1)).isoformat(), (hour + timedelta(hours=2)).isoformat()
    db = tmp_path / "w.duckdb"
    done = invoke("watch", "--from", first, "--to", last, "--config", watch_config(tmp_path), "--db", str(db))
    refused(done, f"--to: {last} is after now (")
    # one --at to come: it read an interval not over yet, and its source's cursor stood past what it had read
    at = invoke("watch", "--at", last, "--config", watch_config(tmp_path), "--db", str(db))
    refused(at, f"--at: {last} is after now (")
    assert not db.exists()


def test_watch_reads_times_as_utc_and_runs_a_one_interval_replay(tmp_path):
    common = ["--config", watch_config(tmp_path), "--db", str(tmp_path / "w.duckdb")]
    at = invoke("watch", "--at", "2026-10-13T10:00+02:00", *common)  # an offset: converted to UTC
    assert at.exit_code == 0, at.output
    assert [json.loads(line)["end"] for line in at.output.splitlines()] == ["2026-10-13T08:00:00+00:00"]
    same = invoke("watch", "--from", "2026-10-13T08:00", "--to", "2026-10-13T08:00", *common)  # no offset: UTC
    assert same.exit_code == 0, same.output
    assert [json.loads(line)["end"] for line in same.output.splitlines()] == ["2026-10-13T08:00:00+00:00"]


def test_init_needs_no_config_and_says_what_it_applied(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./brandpulse.yaml, no $BRANDPULSE_CONFIG (conftest clears it)
    first = invoke("init", "--db", "w.duckdb")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("warehouse w.duckdb: schema version ") and "(applied " in first.output
    again = invoke("init", "--db", "w.duckdb")
    assert again.exit_code == 0, again.output
    assert again.output.strip().endswith("(up to date)")
    version = first.output.split(" (")[0]
    assert again.output == f"{version} (up to date)\n"


def test_init_validates_a_config_given_or_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "elsewhere.yaml"
    refused(invoke("init", "--db", "w.duckdb", "--config", str(missing)), f"{missing}: config file not found")
    refused(
        invoke("init", "--db", "w.duckdb", env={"BRANDPULSE_CONFIG": str(missing)}),
        f"{missing}: config file not found",
    )
    (tmp_path / "brandpulse.yaml").write_text("brands: 3\n")  # present in the working folder: read, and refused
    done = invoke("init", "--db", "w.duckdb")
    assert done.exit_code == 2 and "brandpulse.yaml: brands" in done.output, done.output
    assert not (tmp_path / "w.duckdb").exists()


def test_config_is_the_option_else_the_environment_else_the_working_folders(tmp_path, monkeypatch):
    """check-config names the file it validated: --config over $BRANDPULSE_CONFIG over ./brandpulse.yaml."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = write_config(tmp_path / "a"), write_config(tmp_path / "b")
    monkeypatch.chdir(tmp_path / "a")
    here = invoke("check-config")
    assert here.exit_code == 0 and here.output.startswith(f"{a}: OK"), here.output
    env = invoke("check-config", env={"BRANDPULSE_CONFIG": str(b)})
    assert env.exit_code == 0 and env.output.startswith(f"{b}: OK"), env.output
    option = invoke("check-config", "--config", str(a), env={"BRANDPULSE_CONFIG": str(tmp_path / "none.yaml")})
    assert option.exit_code == 0 and option.output.startswith(f"{a}: OK"), option.output
    none = tmp_path / "none.yaml"
    refused(invoke("check-config", env={"BRANDPULSE_CONFIG": str(none)}), f"{none}: config file not found")


def test_check_config_does_not_show_a_secret_pasted_in_place_of_a_variables_name(tmp_path):
    """``password_env: Zomer2024wachtw`` (a password under the 16 letters the config refuses as a value) was
    printed as the variable not set; a name not in capitals is not shown, a conventional one is."""
    mail = {"type": "email", "name": "cx", "to": ["cx@example.com"], "sender": "bp@example.com",
            "smtp_host": "smtp.example.com", "username_env": "BP_SMTP_USER",
            "password_env": "Zomer2024wachtw"}  # fmt: skip
    done = invoke("check-config", "--config", str(write_config(tmp_path, alerts=[mail])), env={"BP_SMTP_USER": ""})
    assert done.exit_code == 0 and "Zomer2024wachtw" not in done.output, done.output
    assert "not in capitals" in done.output and "BP_SMTP_USER (alerts[0].username_env) is not set" in done.output


def test_check_config_refuses_a_staging_url_that_is_no_object_store(tmp_path):
    """README: an ftp:// (sftp://, smb://) staging_dir is a config error. check-config said OK, and the night
    then failed at prepare with that error."""
    config = write_config(tmp_path, staging_dir="ftp://127.0.0.1:2121/staging")
    refused(invoke("check-config", "--config", str(config)), f"{config}: staging_dir: ftp:// is not an object store")


def test_the_warehouse_is_the_option_else_the_environment(tmp_path):
    """summary reads the warehouse it names: --db over $BRANDPULSE_DB."""
    config = str(write_config(tmp_path))
    seeded, empty = tmp_path / "seeded.duckdb", migrated(tmp_path / "empty.duckdb")
    seed(seeded, days=3)
    by_env = invoke("summary", "--config", config, env={"BRANDPULSE_DB": str(seeded), "COLUMNS": "200"})
    assert by_env.exit_code == 0, by_env.output
    assert "parcelo" in by_env.output and str(seeded) in by_env.output
    by_option = invoke(
        "summary", "--config", config, "--db", str(empty), env={"BRANDPULSE_DB": str(seeded), "COLUMNS": "200"}
    )
    assert by_option.exit_code == 0, by_option.output
    assert "parcelo" not in by_option.output and "no data yet" in by_option.output and str(empty) in by_option.output


def test_summary_counts_the_quarantined_records_of_a_brand_no_longer_configured(tmp_path):
    """Records quarantined under a brand id the config no longer has, with no mention stored, are counted in a row
    of their own; the summary left them out, every brand's "quarantined" reading 0."""
    config, db = str(write_config(tmp_path)), migrated(tmp_path / "w.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO quarantine VALUES ('q1', 'oldname', 'listening', NULL, 'no text', '{}', NULL, now(), 'r')"
        )
    done = invoke("summary", "--config", config, "--db", str(db), env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    [line] = [line for line in done.output.splitlines() if "oldname" in line]
    assert line.rstrip(" │").endswith("1"), line


def test_sql_shows_fifty_rows_unless_told(tmp_path):
    db = str(migrated(tmp_path / "w.duckdb"))
    shown = invoke("sql", "SELECT range AS n FROM range(100)", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "the first 50 rows; the query has more" in shown.output
    assert "│    49 │" in shown.output and "│    50 │" not in shown.output
    whole = invoke("sql", "SELECT range AS n FROM range(100)", "--db", db, "--limit", "100")
    assert whole.exit_code == 0 and "│    99 │" in whole.output and "the query has more" not in whole.output
    by_env = invoke("sql", "SELECT count(*) AS mentions FROM mentions", env={"BRANDPULSE_DB": db})
    assert by_env.exit_code == 0 and "mentions" in by_env.output, by_env.output
    for bad in (["--limit", "0"], ["--limit", "10001"], ["--timeout", "0.5"], ["--timeout", "3601"]):
        assert invoke("sql", "SELECT 1", "--db", db, *bad).exit_code == 2, bad


def test_score_texts_names_a_missing_input_or_config_before_loading_the_model(tmp_path):
    missing = tmp_path / "texts.txt"
    refused(invoke("score-texts", str(missing), env={"BRANDPULSE_CONFIG": ""}), f"{missing}: No such file or directory")
    config = tmp_path / "brandpulse.yaml"  # asked for by the environment: it must exist
    refused(invoke("score-texts", str(missing), env={"BRANDPULSE_CONFIG": str(config)}), f"{config}: config file not")
    for bad in (["--batch-size", "0"], ["--threads", "-1"], ["--chunk", "0"]):
        assert invoke("score-texts", str(missing), *bad).exit_code == 2, bad


def test_score_texts_refuses_a_binary_file_or_utf16_text_before_loading_the_model(tmp_path):
    """Each scored as garbled lines, exit 0; a NUL byte deep in a long UTF-8 input is past the look."""
    env = {"BRANDPULSE_CONFIG": ""}
    picture, utf16 = tmp_path / "logo.png", tmp_path / "export.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    utf16.write_text("great service\n", encoding="utf-16")
    for path in (picture, utf16):
        refused(invoke("score-texts", str(path), env=env), f"{path}: not UTF-8 text (a NUL byte in its first 8 KB")
    piped = CliRunner().invoke(app, ["score-texts"], input=b"ok\n\x00\n", env=env)
    refused(piped, "stdin: not UTF-8 text")
    past_a_block = tmp_path / "block.txt"  # past the 4 KB a file's default buffer peeked (st_blksize)
    past_a_block.write_bytes(b"fine text\n" * 500 + b"odd \x00 byte\n")
    refused(invoke("score-texts", str(past_a_block), env=env), f"{past_a_block}: not UTF-8 text")
    late = tmp_path / "late.txt"
    late.write_bytes(b"fine " * 1700 + b"\nodd \x00 byte\n")  # the NUL at byte 8,505
    scored = invoke("score-texts", str(late), env=env)
    assert scored.exit_code == 0 and scored.output.count('"label"') == 2, scored.output[-300:]


def test_alerts_refuses_an_unknown_id_and_days_out_of_range(tmp_path):
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    common = ["--config", config, "--db", db]
    refused(invoke("alerts", "--show", "85578a87", *common), "0 alerts match '85578a87'")
    refused(invoke("alerts", "--resend", "85578a87", *common), "0 alerts match '85578a87'")
    for days in ("0", "36501"):
        assert invoke("alerts", "--days", days, *common).exit_code == 2, days
    assert invoke("alerts", "--days", "1", *common).exit_code == 0


def test_alerts_resend_with_no_alert_channel_configured_says_so(tmp_path):
    """``--resend`` of a recorded alert read with a config that has no alert channel (the wrong config, a typo in
    $BRANDPULSE_CONFIG): said, exit 2; it said "every configured channel has confirmed it" and exited 0."""
    config, db = str(write_config(tmp_path)), migrated(tmp_path / "w.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO alerts (alert_id, incident_id, brand, kind, status, day, severity, headline, reason,"
            " explanation, send, created_at, run_id) VALUES ('85578a87aa', '85578a87aa', 'acme', 'spike', 'new',"
            " DATE '2026-10-01', 'critical', 'Acme: spike', 'why', '{}', true, now(), 'r1')"
        )
    out = invoke("alerts", "--resend", "85578a87", "--config", config, "--db", str(db))
    refused(out, f"{config}: no alert channel is configured (alerts): nowhere to resend 85578a87 to")
    assert "confirmed" not in out.output, out.output


def test_alerts_resend_with_no_warehouse_says_so_and_makes_none(tmp_path):
    """``--resend`` with a --db where no warehouse is (a mistyped path): said as ``--show`` says it; it made an
    empty warehouse there and died with DuckDB's traceback (no table alerts)."""
    config, db = str(write_config(tmp_path)), tmp_path / "typo.duckdb"
    refused(invoke("alerts", "--resend", "85578a87", "--config", config, "--db", str(db)), f"{db}: no warehouse here")
    assert not db.exists()


def test_report_of_an_empty_warehouse_says_to_run_a_night_first(tmp_path):
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    refused(invoke("report", "--config", config, "--db", db), "the warehouse has no daily metrics yet")
    refused(invoke("report", "--date", "31 Oct", "--config", config, "--db", db), "--date: '31 Oct' is not a date")
    # an empty --date (an unset variable in a script) was no --date: the newest day's report, or the latest answers
    refused(invoke("report", "--date", "", "--config", config, "--db", db), "--date: '' is not a date")
    refused(invoke("drivers", "--brand", "acme", "--date", "", "--config", config, "--db", db), "--date: '' is not")


def test_cx_lead_writes_a_correlation_that_rounds_to_zero_without_a_minus(tmp_path, monkeypatch):
    """A lag's correlation of -0.001 was "-0.00" beside "+0.00" (numfmt: a figure that rounds to zero is zero)."""
    from types import SimpleNamespace

    from pipeline.surveys import rollup

    lead = SimpleNamespace(lags=[0, 1], ccf=[-0.001, -0.25], band=0.2, band_used=0.2, conclusion="none")
    monkeypatch.setattr(rollup, "cx_social_lead", lambda *args, **kwargs: lead)
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    out = invoke("cx-lead", "--brand", "acme", "--config", config, "--db", db)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[1:3] == ["   0   +0.00    ", "   1   -0.25  * #######"], out.output


def test_cx_lead_refuses_an_option_outside_its_choices(tmp_path):
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    common = ["--brand", "acme", "--config", config, "--db", db]
    refused(invoke("cx-lead", "--social", "volume", *common), "social 'volume': use one of")
    refused(invoke("cx-lead", "--cx", "csi", *common), "cx 'csi': use one of nps, csat, ces")
    refused(invoke("cx-lead", "--period", "month", *common), "period 'month': use one of day, week")
    for lag in ("0", "53"):
        assert invoke("cx-lead", "--max-lag", lag, *common).exit_code == 2, lag
    few = invoke("cx-lead", *common)
    assert few.exit_code == 0, few.output


def test_detect_series_refuses_an_unknown_freq_and_file(tmp_path):
    refused(invoke("detect-series", str(tmp_path / "x.csv"), "--freq", "week"), "--freq: 'week' is not one of 5min,")
    refused(invoke("detect-series", str(tmp_path / "x.csv")), f"{tmp_path / 'x.csv'}: no such file")
    path = tmp_path / "s.csv"
    path.write_text("timestamp,mentions\n2026-01-05T00:00:00Z,3\n")
    refused(invoke("detect-series", str(path)), f"{path}: no `count` or `volume` column")
    named = invoke("detect-series", str(path), "--value", "mentions", "--out", str(tmp_path / "f.csv"))
    assert named.exit_code == 0 and "0 flagged period(s) of 1 (hour)" in named.output, named.output
    assert (tmp_path / "f.csv").read_text().splitlines() == [
        "start,end,observed,expected,z,p_count,p_share,kind,periods"
    ]
    path.write_text("timestamp,volume\n2026-01-05T00:00:00Z,3\n2026-01-05T00:30:00Z,4\n")
    summed = invoke("detect-series", str(path))  # `volume` when there is no `count`; half hours summed to one
    assert summed.exit_code == 0 and "0 flagged period(s) of 1 (hour)" in summed.output, summed.output
    # an empty table says why: the rows are too short for the detector to test any period
    note = "note: the rows cover 2026-01-05 00:00 to 2026-01-05 00:00: the detector needs two weeks of history"
    assert note in summed.output, summed.output
    path.write_text("timestamp,count\n2026-01-05T00:00:00Z,1000000000000000\n2026-01-05T01:00:00Z,1000000000000001\n")
    refused(invoke("detect-series", str(path)), f"{path}: column 'count', line 3: '1000000000000001' is over")
    path.write_text("timestamp,count\n2026-01-05T00:00:00Z,99999999999999999999\n")  # past uint64: a traceback
    refused(invoke("detect-series", str(path)), f"{path}: column 'count', line 2: '99999999999999999999' is")
    far = "timestamp,count\n2000-01-05T10:00:00Z,3\n2000-01-05T10:05:00Z,3\n2100-01-05T10:00:00Z,4\n"
    path.write_text(far)  # a mistyped year: the detector filled every period between (3 GB, 30 s)
    span = "rows span 10,519,201 periods of 5min (2000-01-05 to 2100-01-05), more than 1,000,000: a mistyped year?"
    refused(invoke("detect-series", str(path), "--freq", "5min"), f"{path}: the {span}")
    hours = invoke("detect-series", str(path))  # 876,577 hours: in reach
    assert hours.exit_code == 0 and "0 flagged period(s) of 2 (hour)" in hours.output, hours.output
    # a century of empty days before the last row: a gap, no baseline, said (it was "long enough" without a word)
    assert "note: 1 period(s) with counts from 2100-01-05 10:00 to 2100-01-05 10:00 could not" in hours.output


def test_detect_series_reads_naive_stamps_on_the_timezone_clock(tmp_path):
    """A local-time export's stamps (no offset) were read as UTC whatever --timezone said: the hour written twice
    when Warsaw's clocks go back (02:00 on 2026-10-25) was summed into one period, a false volume_spike, and each
    hour's slot was an hour off after the change. Now they are read on the --timezone clock, the hour's second run
    (the stamps step back) as winter time, as the same series written with its offsets is."""
    hours = pd.date_range("2026-10-07T22:00Z", "2026-10-26T22:00Z", freq="h")  # Warsaw days 8 to 26
    counts = [200 + 100 * (8 <= t.tz_convert("Europe/Warsaw").hour < 20) for t in hours]
    local, offsets = tmp_path / "local.csv", tmp_path / "offsets.csv"
    for path, stamps in ((local, hours.tz_convert("Europe/Warsaw").strftime("%Y-%m-%d %H:%M")), (offsets, hours)):
        pd.DataFrame({"timestamp": [str(t) for t in stamps], "count": counts}).to_csv(path, index=False)
    assert local.read_text().count("\n2026-10-25 02:00,") == 2
    flags = {}
    for path in (local, offsets):
        done = invoke("detect-series", str(path), "--timezone", "Europe/Warsaw", "--out", str(path) + ".flags")
        assert done.exit_code == 0 and f"of {len(hours)} (hour)" in done.output, done.output
        flags[path] = (tmp_path / (path.name + ".flags")).read_text()
    assert flags[local] == flags[offsets] and "volume_spike" not in flags[local]
    local.write_text("timestamp,count\n2026-03-29 01:00,3\n2026-03-29 02:30,3\n")  # the hour skipped in spring
    skipped = "line 3 is no time on Europe/Warsaw's clock (the hour skipped when the clocks go forward)"
    refused(
        invoke("detect-series", str(local), "--timezone", "Europe/Warsaw"),
        f"{local}: column 'timestamp': '2026-03-29 02:30' on {skipped}",
    )


def test_detect_series_refuses_to_write_the_flags_over_the_csv_it_reads(tmp_path):
    """--out naming the export itself (or a link to it) replaced the analyst's series with the flags' header."""
    path = tmp_path / "s.csv"
    text = "timestamp,count\n2026-01-05T00:00:00Z,3\n"
    path.write_text(text)
    (tmp_path / "link.csv").symlink_to(path)
    for out in (path, tmp_path / "link.csv", tmp_path / "." / "s.csv"):
        refused(invoke("detect-series", str(path), "--out", str(out)), f"--out: {out} is the CSV read ({path})")
    assert path.read_text() == text


def test_detect_series_out_is_whole_or_not_written_when_the_disk_fills(tmp_path):
    """A write cut short (here a file-size limit, as a full disk) leaves the previous --out file as it was and
    says so in a line: it tore the file to its first bytes, the previous flags lost, with a traceback."""
    path, out = tmp_path / "s.csv", tmp_path / "flags.csv"
    path.write_text("timestamp,mentions\n2026-01-05T00:00:00Z,3\n")
    before = "start,end,observed,expected,z,p_count,p_share,kind,periods\nthe previous flags\n"
    out.write_text(before)

    def small_files() -> None:  # in the child: writes past 20 bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20, resource.RLIM_INFINITY))

    done = brandpulse("detect-series", str(path), "--value", "mentions", "--out", str(out), preexec_fn=small_files)
    assert done.returncode == 2 and f"brandpulse: --out: {out}: File too large" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flags.csv", "s.csv"]  # no temporary file left


def test_a_report_that_cannot_be_written_is_a_line_not_a_traceback(tmp_path):
    """A page the report folder cannot take (here a file-size limit, as a full disk; a read-only mount or another
    user's folder the same) ended `report` (and `run`'s report step) in an OSError traceback."""
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    out = tmp_path / "reports"

    def small_files() -> None:  # in the child: writes past 20 bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20, resource.RLIM_INFINITY))

    done = brandpulse("report", "--date", "2026-10-01", "--out", str(out), "--config", config, "--db", db,
                      preexec_fn=small_files)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [said] = [line for line in done.stderr.splitlines() if line.startswith("brandpulse: ")]
    assert said.startswith(f"brandpulse: {out}{os.sep}") and said.endswith(": File too large"), said


def test_errors_of_the_shell_command_are_lines_not_tracebacks(tmp_path):
    """main(): a warehouse error is a `brandpulse:` line and exit 2; load-scores of a run never planned is a line
    and exit 1 (it was a RuntimeError traceback; score-shard of a shard not planned already said so)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    bad = brandpulse("sql", "SELECT 1", "--db", str(folder))
    assert (bad.returncode, bad.stderr) == (2, f"brandpulse: {folder}: a folder, not a warehouse file\n")
    common = ["--date", "2026-10-01", "--run-id", "r1", "--config", str(write_config(tmp_path))]
    common += ["--db", str(tmp_path / "w.duckdb")]
    assert invoke("prepare", *common).exit_code == 0
    unplanned = brandpulse("load-scores", *common)
    assert unplanned.returncode == 1 and "Traceback" not in unplanned.stderr, unplanned.stderr
    assert unplanned.stderr.startswith("brandpulse: ") and "no score plan for run r1" in unplanned.stderr


def test_run_of_a_one_day_range_runs_that_night_without_its_report(night, tmp_path):
    """--to the same day as --date is that one night; --no-report draws no page; a night not all success: exit 1."""
    config, db = night
    common = ["--config", str(config), "--db", str(db), "--no-report"]
    done = invoke("run", "--date", "2026-10-01", "--to", "2026-10-01", *common)
    assert done.exit_code == 0, done.output
    [summary] = [json.loads(line) for line in done.output.splitlines()]
    assert (summary["day"], summary["status"]) == ("2026-10-01", "success"), summary
    assert not list(tmp_path.rglob("*.html"))
    (tmp_path / "acme.csv").unlink()  # the source fails: the night is not a success
    failed = invoke("run", "--date", "2026-10-02", *common)
    assert failed.exit_code == 1, failed.output
    [summary] = [json.loads(line) for line in failed.output.splitlines()[:1]]
    assert summary["status"] != "success"
    assert f"brandpulse: not every night succeeded: 2026-10-02 ({summary['status']}); see run_steps" in failed.output


def test_a_step_run_again_by_its_run_id_after_the_night_ended_that_fails_this_time_fails_the_night(
    night, tmp_path, monkeypatch
):
    """A step command given an ended night's --run-id (report, here one whose drawing breaks) drops what the step
    recorded before, as a DAG task cleared after the night does: the finish after it judged the earlier try's
    success and ended the night ``success`` (exit 0) although the step failed this time."""
    from pipeline.report import build

    config, db = night
    common = ["--config", str(config), "--db", str(db)]
    done = invoke("run", "--date", "2026-10-01", "--no-report", *common)
    assert done.exit_code == 0, done.output
    run_id = json.loads(done.output.splitlines()[0])["run_id"]

    def broken_report(*args, **kw):
        raise RuntimeError("the report broke")

    # not an --out under a file, which is refused now before the step joins the run (and drops nothing)
    monkeypatch.setattr(build, "report", broken_report)
    broken = invoke("report", "--run-id", run_id, "--out", str(tmp_path / "reports"), *common)
    assert isinstance(broken.exception, RuntimeError), broken.output
    monkeypatch.undo()
    finished = invoke("finish", "--run-id", run_id, *common)
    assert finished.exit_code == 1, finished.output
    assert f"run {run_id} failed: report did not complete" in finished.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM run_steps WHERE step = 'report'").fetchall() == [("missing",)]


def test_a_bad_report_date_leaves_an_ended_runs_report_step_as_it_was(tmp_path):
    """``report --run-id R --date 2026-13-01`` (a typo) joined the ended run first, dropping the report step it had
    recorded, and only then refused the date: the run's ledger lost its report, and its next finish judged it
    missing."""
    from pipeline.ledger import record_step

    cfg, db = str(write_config(tmp_path)), tmp_path / "w.duckdb"
    common = ["--config", cfg, "--db", str(db)]
    assert invoke("prepare", "--date", "2026-10-01", "--run-id", "r1", *common).exit_code == 0
    with duckdb.connect(str(db)) as con:
        record_step(con, "r1", "report", detail="index.html")
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 'r1'")  # the night has ended
    refused(invoke("report", "--run-id", "r1", "--date", "2026-13-01", *common), "--date: '2026-13-01' is not a date")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM run_steps WHERE step = 'report'").fetchall() == [("success",)]


def test_finish_of_a_run_never_prepared_makes_no_warehouse(tmp_path):
    """``finish`` at a mistyped --db made an empty DuckDB file there (and said only that the run was not
    registered): every command after it called the file "no brandpulse warehouse" instead of "not there yet"."""
    db = tmp_path / "data" / "w.duckdb"
    done = invoke("finish", "--run-id", "cli__2026-10-01__0000aaaa", "--config", str(write_config(tmp_path)),
                  "--db", str(db))  # fmt: skip
    refused(done, f"run cli__2026-10-01__0000aaaa is not registered: its prepare step did not run or failed ({db} ")
    assert not db.exists()


def test_author_key_of_a_warehouse_not_there_yet_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    done = invoke("author-key", "--config", str(write_config(tmp_path)), "--db", str(db))
    refused(done, f"{db}: no warehouse here yet; the first run with BRANDPULSE_AUTHOR_KEY set records its key")
    assert not db.exists()


def test_alerts_lists_ninety_days_unless_told(tmp_path):
    """The default window: 90 days up to the newest alert's day (an alert 40 days before it is listed; --days 30
    leaves it out)."""
    db, later = tmp_path / "w.duckdb", INCIDENT + timedelta(days=40)
    seed(db, 91, {INCIDENT: (75, 50), later: (75, 50)})
    cfg = alerting_config(tmp_path)
    for day in (INCIDENT, later):
        assert incidents.detect(cfg, db, day, f"run-{day}")
    common = ["--config", str(cfg.source_file), "--db", str(db)]
    listed = invoke("alerts", *common)
    assert listed.exit_code == 0, listed.output
    assert f"{INCIDENT}  " in listed.output and f"{later}  " in listed.output
    month = invoke("alerts", "--days", "30", *common)
    assert month.exit_code == 0 and f"{later}  " in month.output and f"{INCIDENT}  " not in month.output


@pytest.mark.parametrize(("command", "field"), [("import-surveys", "sources"), ("import-customers", "customers")])
def test_importing_a_file_with_no_source_configured_for_it_is_a_config_error(tmp_path, command, field):
    """A file given to import when the config has no surveys entry to read it with (its brand, its columns) is
    refused, naming the field and the file; it used to exit 0, having imported nothing, with a log line only."""
    cfg = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}])
    db = tmp_path / "w.duckdb"
    export = tmp_path / "export.csv"
    export.write_text("id,nps\n1,9\n")
    done = brandpulse(command, str(export), "--config", str(cfg), "--db", str(db))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"brandpulse: {cfg}: surveys.{field}: none configured, so {export} cannot be")
    assert not db.exists()  # refused before a run was registered


def test_importing_a_mistyped_path_is_refused_before_a_run_is_registered(tmp_path):
    """``import-customers`` (or ``import-surveys``) of a file that is not there: said in one line, exit 2, as a file
    with no source to read it is; it registered a run first and recorded it failed in the ledger (and made a
    warehouse where none was)."""
    cfg = write_config(tmp_path, surveys={"customers": [{"name": "c", "brand": "acme", "path": "c/*.csv"}]})
    db, missing = tmp_path / "w.duckdb", tmp_path / "c" / "custmers.csv"
    done = brandpulse("import-customers", str(missing), "--config", str(cfg), "--db", str(db))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == f"brandpulse: {missing}: no such file", done.stderr
    assert not db.exists()  # no run registered, none recorded failed


def test_rescore_with_no_warehouse_says_so_and_makes_none(tmp_path):
    """``rescore`` where no warehouse is (a mistyped --db, a first day before ``init``): said as ``alerts --resend``
    says it; it made an empty warehouse there and died with DuckDB's traceback (no table pipeline_runs), and every
    read command then failed on that empty file with a traceback of its own."""
    config, db = str(write_config(tmp_path)), tmp_path / "typo.duckdb"
    refused(invoke("rescore", "--since", "2026-10-01", "--config", config, "--db", str(db)), f"{db}: no warehouse here")
    assert not db.exists()


def test_rescore_applies_the_warehouses_pending_migrations_first(tmp_path, monkeypatch):
    """After an upgrade, a rescore before any night read the old schema (it assumed a night had migrated it): it
    applies the pending migrations first, as a night's prepare does. Here every one, on a file with no table."""
    from pipeline import cli

    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    config, db = str(write_config(tmp_path)), tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    done = invoke("rescore", "--since", "2026-10-01", "--config", config, "--db", str(db))
    assert done.exit_code == 0, done.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT trigger, status FROM pipeline_runs").fetchall() == [("rescore", "success")]


def test_rescore_prints_only_its_result_on_stdout(tmp_path, monkeypatch):
    """The progress bar goes to stderr: on stdout, piped (`| jq`, `> result.json`), its last frame came before the
    result's JSON line, which no JSON reader then took."""
    from pipeline import cli

    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    done = invoke("rescore", "--since", "2026-10-01", "--config", config, "--db", db)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["status"] == "success", done.stdout
    assert "re-scoring mentions since 2026-10-01" in done.stderr


def test_rescore_into_a_log_says_each_committed_chunk_as_it_goes(tmp_path, monkeypatch):
    """Not a terminal (nohup, cron, a scheduler's task): rich draws its bar there once, when it stops, so an
    hours-long rescore logged nothing until it was over, then one frame. Each chunk is a line of its own."""
    from pipeline import cli, night

    def rescore(config, db, since, scorer=None, progress=None):
        for done in (0, 2048, 4096, 5000):
            progress(done, 5000)
        return {"status": "success"}

    monkeypatch.setattr(night, "rescore", rescore)
    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    config, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))
    done = invoke("rescore", "--since", "2026-10-01", "--config", config, "--db", db)
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [
        f"re-scoring mentions since 2026-10-01: {n}/5,000" for n in ("0", "2,048", "4,096", "5,000")
    ], done.stderr


def test_a_stopped_rescore_says_so_with_the_signals_exit_status(tmp_path, monkeypatch):
    """SIGTERM or Ctrl-C in ``brandpulse rescore``: exit 143 or 130 with what to do, as ``run`` says it (it ended
    with 130 for SIGTERM too, and only a log line telling to re-run the night, which does not carry a rescore on)."""
    from pipeline import cli, interrupt, night

    cfg, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))

    def stopped(*args, **kwargs):
        raise interrupt.Interrupted("stopped by SIGTERM")

    monkeypatch.setattr(night, "rescore", stopped)
    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    monkeypatch.setattr(interrupt, "_requested", ["SIGTERM"])
    done = invoke("rescore", "--since", "2026-10-01", "--config", cfg, "--db", db)
    assert done.exit_code == 143, done.output
    assert "brandpulse: stopped by SIGTERM: the rescore is marked interrupted" in done.output, done.output
    assert "run the same command again to carry on" in done.output


def test_a_rescore_stopped_while_its_model_loads_says_so_with_the_signals_exit_status(tmp_path, monkeypatch):
    """SIGTERM while ``brandpulse rescore`` loads its model (seconds, before any chunk): exit 143 and the line, as
    when it stops mid-rescore (it ended 130, with no word)."""
    from pipeline import cli, interrupt

    cfg, db = str(write_config(tmp_path)), str(migrated(tmp_path / "w.duckdb"))

    def loading(cfg):
        raise interrupt.Interrupted("stopped by SIGTERM")

    monkeypatch.setattr(cli, "_scorer", loading)
    monkeypatch.setattr(interrupt, "_requested", ["SIGTERM"])
    done = invoke("rescore", "--since", "2026-10-01", "--config", cfg, "--db", db)
    assert done.exit_code == 143, done.output
    assert "brandpulse: stopped by SIGTERM: the rescore is marked interrupted" in done.output, done.output


def test_an_import_stopped_by_sigterm_marks_its_run_interrupted(tmp_path, monkeypatch):
    """SIGTERM or Ctrl-C in ``brandpulse import-customers`` (or import-surveys) without --run-id: its own run is
    marked interrupted. Its close opened no session once the stop was asked, so the run stayed 'running' and the
    hourly watch skipped its hours (watch.NIGHT_GUARD)."""
    import duckdb

    from pipeline import interrupt
    from pipeline.surveys import ingest

    def import_customers(*args, **kwargs):
        interrupt._requested.append("SIGTERM")
        raise interrupt.Interrupted("stopped by SIGTERM")

    monkeypatch.setattr(ingest, "import_customers", import_customers)
    monkeypatch.setattr(interrupt, "_requested", [])
    cfg, db = str(write_config(tmp_path)), tmp_path / "w.duckdb"
    env = {"BRANDPULSE_AUTHOR_KEY": "k" * 32}
    done = invoke("import-customers", "--config", cfg, "--db", str(db), env=env)
    assert done.exit_code == 143, done.output  # SIGTERM's status and one line, as a stopped run or rescore says it
    assert "brandpulse: stopped by SIGTERM: the import's run is marked interrupted" in done.output, done.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("interrupted",)]


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("report", "each page drawn before the stop is written whole"),
        ("score-texts", "the lines on stdout are the input's first lines, scored and in order"),
    ],
)
def test_a_stopped_report_or_score_texts_says_so_as_the_other_long_commands(tmp_path, monkeypatch, command, said):
    """Ctrl-C in ``brandpulse report`` (drawing) or ``score-texts`` (here while its model loads) ended with 130 and
    no word, where ``run``, ``rescore`` and the imports say what became of the work and what to do."""
    from pipeline.report import build
    from pipeline.sentiment import scorer

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "build_report", stopped)
    monkeypatch.setattr(scorer, "Scorer", stopped)
    texts = tmp_path / "texts.txt"
    texts.write_text("great service\n", encoding="utf-8")
    args = {"report": ["--date", "2026-10-01", "--out", str(tmp_path / "reports")], "score-texts": [str(texts)]}
    done = invoke(command, *args[command], "--config", str(write_config(tmp_path)))
    assert done.exit_code == 130, done.output
    assert f"brandpulse: stopped: {said}" in done.output, done.output


def test_a_command_stopped_by_sigterm_outside_a_run_exits_143_saying_so(tmp_path):
    """SIGTERM in a command no stop message wraps (`report`, here while it reads its config): typer ended it with
    Ctrl-C's 130 and no word, so a scheduler or a shell could not tell a SIGTERM from a Ctrl-C. Its own process
    (main() is the executable's), the signal recorded as the stop thread records it: no signal is sent."""
    code = (
        "import sys\n"
        "from pipeline import cli, interrupt\n"
        "def stopped(path):\n"
        "    interrupt._requested.append('SIGTERM')\n"
        "    interrupt.check()\n"
        "cli._config = stopped\n"
        "sys.argv = ['brandpulse', 'report', '--out', sys.argv[1]]\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 143, (done.returncode, done.stderr)
    assert done.stderr.splitlines()[-1] == "brandpulse: stopped by SIGTERM", done.stderr


def test_a_stopped_backfill_says_from_which_night_to_carry_it_on(tmp_path, monkeypatch):
    """SIGTERM in the third night of ``brandpulse run --date D --to D2``: the two nights before it are done, so the
    line names the night to carry on from (the same command again ran every night of the range again)."""
    from pipeline import cli, interrupt, night

    def run_day(config, db, day, **kwargs):
        if day == date(2026, 10, 3):
            raise interrupt.Interrupted("stopped by SIGTERM")
        return {"day": day.isoformat(), "status": "partial" if day == date(2026, 10, 2) else "success"}

    monkeypatch.setattr(night, "run_day", run_day)
    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    monkeypatch.setattr(interrupt, "_requested", ["SIGTERM"])
    cfg, db = str(write_config(tmp_path)), str(tmp_path / "w.duckdb")
    done = invoke("run", "--date", "2026-10-01", "--to", "2026-10-07", "--no-report", "--config", cfg, "--db", db)
    assert done.exit_code == 143, done.output
    assert done.output.splitlines()[-1] == (
        "brandpulse: stopped by SIGTERM: the night of 2026-10-03 is marked interrupted and every step it finished is "
        "committed whole; the nights from 2026-10-01 to 2026-10-02 ran (2026-10-02 (partial) did not succeed: see "
        "run_steps); run the same command with --date 2026-10-03 to carry on"
    )
    first = invoke("run", "--date", "2026-10-03", "--to", "2026-10-07", "--config", cfg, "--db", db)
    assert first.exit_code == 143 and first.output.splitlines()[-1].endswith(
        "the night in progress is marked interrupted and every step it finished is committed whole; run the same "
        "command again to complete it"
    ), first.output


def test_a_backfill_ended_by_an_error_says_from_which_night_to_carry_it_on(tmp_path, monkeypatch):
    """An error in the third night of ``brandpulse run --date D --to D2`` (a config error met mid-night): the
    error goes on as it was (main() says it, exit 2), after a line naming the night to carry on from, as a stopped
    range names it; it named none, and the same command again ran the nights done again."""
    from pipeline import cli, night
    from pipeline.config import ConfigError

    def run_day(config, db, day, **kwargs):
        if day == date(2026, 10, 3):
            raise ConfigError("brandpulse.yaml: brands[0].sources[0].path: no such file")
        return {"day": day.isoformat(), "status": "success"}

    monkeypatch.setattr(night, "run_day", run_day)
    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    cfg, db = str(write_config(tmp_path)), str(tmp_path / "w.duckdb")
    done = invoke("run", "--date", "2026-10-01", "--to", "2026-10-07", "--no-report", "--config", cfg, "--db", db)
    assert isinstance(done.exception, ConfigError), done.output
    assert done.output.splitlines()[-1] == (
        "brandpulse: the night of 2026-10-03 stopped on the error below; the nights from 2026-10-01 to 2026-10-02 "
        "ran; run the same command with --date 2026-10-03 to carry on once it is mended"
    )


def test_a_backfill_stopped_after_its_last_night_names_no_night_after_it(tmp_path, monkeypatch):
    """SIGTERM after the last night of the range ended (its line printed): every night ran, so the line names no
    night after ``--to`` to carry on from (``--date`` that day was refused: ``--to is before --date``)."""
    from pipeline import cli, interrupt, night

    ran = night.run_days

    def run_days(*args, **kwargs):
        ran(*args, **kwargs)
        raise interrupt.Interrupted("stopped by SIGTERM")

    monkeypatch.setattr(night, "run_day", lambda config, db, day, **kw: {"day": day.isoformat(), "status": "success"})
    monkeypatch.setattr(night, "run_days", run_days)
    monkeypatch.setattr(cli, "_scorer", lambda cfg: None)
    monkeypatch.setattr(interrupt, "_requested", ["SIGTERM"])
    cfg, db = str(write_config(tmp_path)), str(tmp_path / "w.duckdb")
    done = invoke("run", "--date", "2026-10-01", "--to", "2026-10-02", "--config", cfg, "--db", db)
    assert done.exit_code == 143, done.output
    last = done.output.splitlines()[-1]
    assert "2026-10-03" not in last and "the nights from 2026-10-01 to 2026-10-02 ran" in last, last
