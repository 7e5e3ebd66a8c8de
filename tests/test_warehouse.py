"""pipeline.warehouse on its own: the lock and its waits, held(), transaction(), migrations and views, the
read-only opens. Real DuckDB files in tmp_path; a second process is a real one (subprocess)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from filelock import FileLock

from pipeline import interrupt, ledger, warehouse
from pipeline.warehouse import WarehouseError, connect, held, migrate, row, rows, schema_version, transaction
from tests.helpers import REPO, brandpulse, migrated, write_config


def _python(code: str, *args: str) -> subprocess.Popen:
    """``code`` in a Python process of its own, with this checkout importable; its stdout a text pipe."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


_INSERT_RUN = (
    "INSERT INTO pipeline_runs (run_id, day, trigger, status, started_at)"
    " VALUES ($run_id, DATE '2026-10-01', 'cli', 'running', now())"
)


@pytest.fixture
def db(tmp_path):
    """A migrated warehouse."""
    return migrated(tmp_path / "w.duckdb")


def test_a_writer_waits_for_another_brandpulse_process_and_then_sees_its_commit(tmp_path):
    """Two processes write in turn: the second waits for the first's lock (it does not fail at once) and reads what
    the first committed."""
    db = tmp_path / "w.duckdb"
    first = _python(
        "import sys, time\n"
        "from pipeline.warehouse import connect, transaction\n"
        "with connect(sys.argv[1]) as con, transaction(con):\n"
        "    con.execute('CREATE TABLE t AS SELECT 1 AS x')\n"
        "    print('held', flush=True)\n"
        "    time.sleep(1)\n",
        str(db),
    )
    try:
        assert first.stdout.readline().strip() == "held"
        with connect(db, timeout=60) as con, transaction(con):
            con.execute("INSERT INTO t VALUES (2)")
    finally:
        assert first.wait(timeout=60) == 0
    with duckdb.connect(str(db), read_only=True) as con:  # no warehouse (no schema_version): DuckDB's own session
        assert rows(con.execute("SELECT x FROM t ORDER BY x")) == [{"x": 1}, {"x": 2}]


def test_connect_creates_the_warehouses_folder(tmp_path):
    db = tmp_path / "new" / "folder" / "w.duckdb"
    with connect(db) as con:
        assert migrate(con)[0] == 1
    assert db.is_file() and (db.parent / "w.duckdb.lock").is_file()


def test_a_file_that_is_no_warehouse_fails_at_once_not_after_the_lock_timeout(tmp_path, monkeypatch):
    """Only DuckDB's lock is waited for: any other error opening the file (not a DuckDB file) fails the open
    at once rather than being retried for lock_timeout_s (10 minutes of a night)."""
    bad = tmp_path / "w.duckdb"
    bad.write_bytes(b"not a duckdb file\n" * 1000)

    def no_retry(_seconds):
        raise AssertionError("retried an error that is not a lock")

    monkeypatch.setattr(warehouse.time, "sleep", no_retry)
    with pytest.raises(WarehouseError, match=r"cannot open the warehouse: .*not a valid DuckDB database file"):
        with connect(bad, timeout=600):
            pass


def test_a_csv_given_as_the_warehouse_is_refused_not_opened_in_memory(tmp_path):
    """DuckDB opens an existing CSV (or Parquet) file given as a database as an in-memory database over it: `init
    --db export.csv` applied every migration to nothing kept and said so, a night wrote to nothing, and a read-only
    open (summary, sql) failed with a traceback (a CatalogException)."""
    csv = tmp_path / "export.csv"
    csv.write_text("timestamp,count\n2026-10-01T00:00,3\n")
    for how in ({}, {"read_only": True}, {"read_only": True, "sandboxed": True}):
        with pytest.raises(WarehouseError, match=r"export\.csv: cannot open the warehouse: .*DuckDB database file"):
            with connect(csv, timeout=5, **how):
                pass
    assert csv.read_text() == "timestamp,count\n2026-10-01T00:00,3\n"


def test_a_lock_file_that_cannot_be_made_is_said_at_once_not_blamed_on_another_process(tmp_path, monkeypatch):
    """A warehouse in a folder this user cannot write to waited lock_timeout_s (10 minutes), silent, then said
    another process held the lock. Here the lock file's name is taken by a folder, and the folder by a file."""
    (tmp_path / "w.duckdb.lock").mkdir()
    monkeypatch.setattr(warehouse.time, "sleep", lambda _s: pytest.fail("waited"))
    with pytest.raises(WarehouseError, match=r"w\.duckdb: cannot create the warehouse's lock file .*w\.duckdb\.lock"):
        with connect(tmp_path / "w.duckdb", timeout=600):
            pass
    (tmp_path / "file").write_text("x")
    with pytest.raises(WarehouseError, match=r"lock file .*file/w\.duckdb\.lock \(File exists\)"):
        with connect(tmp_path / "file" / "w.duckdb", timeout=600):
            pass


def test_a_lock_file_of_another_user_is_said_as_such_not_as_a_folder_to_write_to(tmp_path, monkeypatch):
    """The night's user makes ``<db>.lock`` (mode 644); an analyst's `brandpulse sql` in the same folder was told it
    could not create it and to give a warehouse in a folder this user can write to: the file was there, not
    writable by this user, which taking the lock needs."""
    warehouse_file = migrated(tmp_path / "w.duckdb")
    real_open = os.open

    def open_as_another_user(name, flags, *args):
        if str(name).endswith(".lock") and Path(name).exists() and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(warehouse.os, "open", open_as_another_user)
    with pytest.raises(WarehouseError, match=r"cannot open the warehouse's lock file .*w\.duckdb\.lock for writing"):
        with connect(warehouse_file, read_only=True, timeout=600):
            pass


def test_reading_a_warehouse_that_is_not_there_says_so_and_leaves_no_lock_file(tmp_path):
    with pytest.raises(WarehouseError, match=r"w\.duckdb: no warehouse here yet"):
        with connect(tmp_path / "w.duckdb", read_only=True):
            pass
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_the_warehouse_is_refused_at_once_and_leaves_no_lock_file(tmp_path, monkeypatch):
    """`--db ""` is the folder "." (and a folder may be named lockers): its lock file was made beside it ("..lock",
    once committed by mistake), and DuckDB's "Cannot open file .../lockers" held the command its whole lock
    timeout, retried as another process's lock because the message held "lock"."""
    folder = tmp_path / "lockers"
    folder.mkdir()
    waits = []
    monkeypatch.setattr(warehouse.time, "sleep", waits.append)
    for read_only in (False, True):
        with pytest.raises(WarehouseError, match=r"lockers: a folder, not a warehouse file"):
            with connect(folder, timeout=30, read_only=read_only):
                pass
    assert waits == [] and sorted(p.name for p in tmp_path.iterdir()) == ["lockers"]
    # the same open error reached past the folder check (a file that cannot be read): said at once, no retry
    monkeypatch.setattr(warehouse, "_on_instance", lambda statement: (_ for _ in ()).throw(
        duckdb.IOException('IO Error: Cannot open file "/srv/lockers/w.duckdb": Permission denied')))  # fmt: skip
    with pytest.raises(WarehouseError, match="Permission denied"):
        with connect(tmp_path / "w.duckdb", timeout=30):
            pass
    assert waits == []


def test_reading_a_duckdb_file_that_is_no_warehouse_says_so(tmp_path):
    """A DuckDB file never migrated (an analyst's own, given as --db) read by `summary` or `alerts` failed with
    DuckDB's "Table with name v_mentions_scored does not exist!" and a traceback: said, naming the file."""
    other = tmp_path / "notes.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE notes (x INT)").close()
    with pytest.raises(WarehouseError, match=r"notes\.duckdb: a DuckDB file, but no brandpulse warehouse"):
        with connect(other, read_only=True):
            pass
    with connect(migrated(tmp_path / "w.duckdb"), read_only=True) as con:  # a warehouse reads as before
        assert schema_version(con) > 0
    # nor is it migrated into one: brandpulse's tables were added to the other application's file without a word
    with pytest.raises(WarehouseError, match=r"notes\.duckdb: a DuckDB file of another application \(it holds main"):
        with connect(other) as con:
            migrate(con)
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("notes",)]


def test_a_duckdb_file_with_another_applications_schema_version_is_refused_not_migrated(tmp_path):
    """``schema_version`` is a common name for a migration table: another application's (no ``checksum``) made
    `brandpulse init` fail with DuckDB's Binder Error and a traceback, after the read commands had said to run it."""
    other = tmp_path / "orders.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
        con.execute("INSERT INTO schema_version VALUES (3, now())")
        con.execute("CREATE TABLE orders (id INTEGER)")
    with pytest.raises(WarehouseError, match=r"orders\.duckdb: a DuckDB file of another application"):
        with connect(other) as con:
            migrate(con)
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (2,)


def test_a_wait_for_the_lock_is_said_after_two_seconds(db, caplog):
    """The lock held by another brandpulse process (here another FileLock, as a second process's is): a wait longer
    than 2 s is logged, naming the file, then ends at the timeout."""
    with FileLock(f"{db}.lock", is_singleton=False):
        with pytest.raises(WarehouseError, match="held the warehouse lock for over 3s"):
            with connect(db, timeout=3):
                pass
    assert "the warehouse is in use by another brandpulse process; waiting up to 3s for its lock" in caplog.text
    caplog.clear()
    with FileLock(f"{db}.lock", is_singleton=False):  # a wait of 2 s or less: no warning after it, as if ahead of it
        with pytest.raises(WarehouseError, match="held the warehouse lock for over 1s"):
            with connect(db, timeout=1):
                pass
    assert "waiting up to" not in caplog.text


def test_brandpulse_sql_that_waited_out_its_timeout_for_the_lock_says_to_raise_its_timeout(db):
    """`brandpulse sql` behind a night's lock waits its --timeout: the error named lock_timeout_s, a config setting it
    never reads (raising it changed nothing)."""
    with FileLock(f"{db}.lock", is_singleton=False):
        with pytest.raises(WarehouseError, match="held the warehouse lock for over 1s") as caught:
            warehouse.show_query(db, "SELECT 1", timeout=1)
    assert "raise --timeout or wait for it" in str(caught.value) and "lock_timeout_s" not in str(caught.value)


def test_a_wait_for_a_process_outside_brandpulse_is_said_naming_it(db, caplog):
    """DuckDB's own lock held by a process outside brandpulse (an analyst's notebook): the wait was silent for the
    whole lock timeout (10 minutes of a night's log), where one for another brandpulse process is said."""
    outside = _python(
        "import duckdb, sys, time\nc = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(60)\n",
        str(db),
    )
    try:
        assert outside.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseError, match=f"cannot open the warehouse: .*PID {outside.pid}"):
            with connect(db, timeout=3):
                pass
    finally:
        outside.kill()
        outside.wait()
    assert "the warehouse file is open in a process outside brandpulse (" in caplog.text, caplog.text
    assert f"PID {outside.pid}); waiting up to 3s for it to close the file" in caplog.text, caplog.text


def test_a_read_only_connection_refuses_writes(db):
    with connect(db, read_only=True) as con:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute(_INSERT_RUN, {"run_id": "written"})
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchone() == (0,)


def test_held_is_for_its_own_thread_only(db):
    """Another thread of the process does not use the held database: it waits for the lock like another process."""
    outcome = []

    def other():
        try:
            with connect(db, timeout=0.2) as con:
                outcome.append(con.execute("SELECT 1").fetchone())
        except WarehouseError as exc:
            outcome.append(str(exc))

    with held(db, timeout=5):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(60)
    assert len(outcome) == 1 and "held the warehouse lock" in outcome[0]


def test_a_sandboxed_connect_never_gets_the_held_database(db, tmp_path):
    """`brandpulse sql`'s open (read-only, sandboxed) is never a cursor on the held, writable database: it waits for
    the lock like any other open."""
    with held(db, timeout=5):
        with pytest.raises(WarehouseError, match="held the warehouse lock"):
            with connect(db, read_only=True, sandboxed=True, timeout=0.2) as con:
                con.execute("CREATE TABLE written AS SELECT 1 AS x")
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'written'").fetchone() == (0,)


def test_held_finds_the_file_by_its_resolved_path(db, tmp_path):
    """The same file under another spelling of its path (a symlinked folder) is the held database, not a second
    open that would wait for the block's own lock."""
    (tmp_path / "link").symlink_to(tmp_path, target_is_directory=True)
    with held(tmp_path / "link" / "w.duckdb", timeout=5):
        with connect(db, timeout=0.2) as con, transaction(con):
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
    with held(db, timeout=5):
        with connect(tmp_path / "link" / "w.duckdb", timeout=0.2) as con:
            assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_held_lets_go_when_its_block_fails(db):
    """An exception in the block releases the lock and forgets the held database; what was committed stays."""
    with pytest.raises(RuntimeError, match="a step failed"), held(db, timeout=5):
        with connect(db) as con, transaction(con):
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
        raise RuntimeError("a step failed")
    FileLock(f"{db}.lock", is_singleton=False).acquire(timeout=0).lock.release()
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


@pytest.mark.parametrize("error", [ValueError, interrupt.Interrupted])
def test_a_failed_transaction_is_rolled_back_and_the_connection_goes_on(db, error):
    """An exception in the block (a SIGTERM's KeyboardInterrupt too) rolls back what it wrote and ends the
    transaction: the same connection starts the next one, and only the next one's rows are stored. (The exception
    is made here: one made at collection would keep this frame and its connection alive to the end of the
    session, and nanobind reports them leaked at exit.)"""
    with connect(db) as con:
        with pytest.raises(error), transaction(con):
            con.execute(_INSERT_RUN, {"run_id": "lost"})
            raise error("stopped by SIGTERM")
        assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)
        with transaction(con):
            con.execute(_INSERT_RUN, {"run_id": "kept"})
    with connect(db, read_only=True) as con:
        assert rows(con.execute("SELECT run_id FROM pipeline_runs")) == [{"run_id": "kept"}]


def test_a_transaction_left_open_is_rolled_back_when_its_connection_ends(db):
    """A connection that ends inside a transaction it began (not through transaction()) stores none of it, in a
    plain open and inside held() alike."""
    with connect(db) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(_INSERT_RUN, {"run_id": "plain"})
    with held(db, timeout=5):
        with connect(db) as con:
            con.execute("BEGIN TRANSACTION")
            con.execute(_INSERT_RUN, {"run_id": "held"})
        with connect(db) as con:
            assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pipeline_runs").fetchone() == (0,)


def test_a_migration_that_fails_leaves_nothing_of_itself_and_applies_once_its_cause_is_gone(tmp_path):
    """A migration is applied whole or not at all: one failing part way (here 0001, on a table already there)
    leaves none of its tables and no version, and the next migrate applies it from the start. The error names the
    migration and says nothing of it was applied (`brandpulse init` and a night printed DuckDB's traceback)."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        con.execute(  # a warehouse begun (a file with tables and no schema_version is another application's)
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        con.execute("CREATE TABLE quarantine (x INTEGER)")  # 0001 creates it last
        with pytest.raises(
            WarehouseError, match=r"migration 0001 failed and was rolled back.*version 0\): .*quarantine"
        ):
            migrate(con)
        assert schema_version(con) == 0
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mentions'").fetchone() == (0,)
        con.execute("DROP TABLE quarantine")
        applied = migrate(con)
        assert applied[0] == 1 and schema_version(con) == applied[-1]
        assert row(con.execute("SELECT count(*) AS n FROM mentions")) == {"n": 0}


def test_a_day_scored_before_migration_0005_is_not_mixed_into_a_newer_models_series(tmp_path, monkeypatch):
    """A warehouse from before 0005 upgraded: its daily metrics keep a NULL model_version, as a day with nothing
    scored has, though an older model scored them. v_daily_series took them in with their shares, named as the
    series' model; now they are left out, their volume kept by v_daily_calendar with no share."""
    db = tmp_path / "w.duckdb"
    every = warehouse.migrations()
    with monkeypatch.context() as before:  # migrations 0001-0004 only (the views of now need later tables)
        before.setattr(warehouse, "migrations", lambda: every[:4])
        before.setattr(warehouse, "_create_views", lambda con, force=False: None)
        with connect(db) as con:
            migrate(con)
            con.execute(  # a day an older model scored (90% negative) and a day with nothing scored
                "INSERT INTO daily_brand_metrics VALUES"
                " ('2026-01-01', 'acme', '_all', 10, 10, 9, 1, 0, 0.9, -0.8, now(), 'old'),"
                " ('2026-01-02', 'acme', '_all', 3, 0, 0, 0, 0, NULL, NULL, now(), 'old')"
            )
    with connect(db) as con:
        migrate(con)
        con.execute(
            "INSERT INTO daily_brand_metrics BY NAME SELECT DATE '2026-01-03' AS day, 'acme' AS brand,"
            " '_all' AS source,"
            " 10 AS volume, 10 AS scored, 1 AS n_negative, 1 AS n_neutral, 8 AS n_positive, 0.1 AS share_negative,"
            " 0.7 AS mean_score, 'v2' AS model_version, now() AS computed_at, 'new' AS run_id"
        )
        assert con.execute(
            "SELECT day, scored, share_negative, model_version FROM v_daily_series ORDER BY day"
        ).fetchall() == [
            (date(2026, 1, 2), 0, None, "v2"),
            (date(2026, 1, 3), 10, 0.1, "v2"),
        ]
        assert con.execute(
            "SELECT volume, scored, share_negative FROM v_daily_calendar WHERE day = '2026-01-01'"
        ).fetchall() == [(10, None, None)]


def test_a_warehouse_a_newer_brandpulse_migrated_is_refused(db):
    """A migration this code does not have (an upgrade rolled back): migrate said nothing, and a night wrote to
    tables whose rules it does not know."""
    with connect(db) as con:
        con.execute("INSERT INTO schema_version (version, name, checksum) VALUES (9999, 'from_the_future', 'x')")
        with pytest.raises(WarehouseError, match="schema version 9999, newer than this brandpulse knows"):
            migrate(con)


def test_the_read_commands_on_a_warehouse_not_migrated_since_an_upgrade_say_to_run_init(db, tmp_path):
    """brandpulse upgraded, no night or ``init`` since: the read commands (which never migrate) crashed with DuckDB's
    "Table with name v_daily_series does not exist!" or "Referenced column delivery not found" tracebacks; they say
    to migrate it, as they do when a newer brandpulse's warehouse is read, and read it once it is migrated."""
    with connect(db) as con:  # as an earlier version left it: 0022-0027 not applied, and its views
        con.execute("ALTER TABLE change_points DROP COLUMN night")
        con.execute("ALTER TABLE change_points DROP COLUMN model_version")
        con.execute("ALTER TABLE reposts DROP COLUMN platform")
        con.execute("ALTER TABLE sentiment_latest DROP COLUMN note")
        con.execute("ALTER TABLE alerts DROP COLUMN model_version")
        con.execute("ALTER TABLE survey_responses DROP COLUMN comment_language")
        con.execute("DELETE FROM schema_version WHERE version >= 22")
        con.execute("DROP VIEW v_daily_series")
        con.execute("CREATE OR REPLACE VIEW v_alerts AS SELECT alert_id, brand, day FROM alerts")
        con.execute("UPDATE schema_views SET checksum = 'an earlier version''s views'")
    cfg = write_config(tmp_path)
    for command in (["summary"], ["alerts"], ["report"]):
        done = brandpulse(*command, "--config", str(cfg), "--db", str(db))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "schema version 21, and this brandpulse reads version 27" in done.stderr
        assert "run `brandpulse init`" in done.stderr
    with connect(db) as con:  # the views alone another version's: said too
        assert migrate(con) == [22, 23, 24, 25, 26, 27]
        con.execute("UPDATE schema_views SET checksum = 'another version''s views'")
    with pytest.raises(warehouse.NotCurrent, match="version 27 with another brandpulse version's views"):
        with connect(db, read_only=True, current=True):
            pass
    with connect(db) as con:
        con.execute("INSERT INTO schema_version (version, name, checksum) VALUES (9999, 'from_the_future', 'x')")
    with pytest.raises(warehouse.NotCurrent, match="schema version 9999, newer than this brandpulse knows"):
        with connect(db, read_only=True, current=True):
            pass
    with connect(db) as con:
        con.execute("DELETE FROM schema_version WHERE version = 9999")
        migrate(con)
    assert brandpulse("summary", "--config", str(cfg), "--db", str(db)).returncode == 0


def test_an_applied_migration_re_creates_the_views(db):
    """A migration applied re-creates every view, though the view files are unchanged (here: 0021 undone by hand,
    and a view edited by hand, which an unchanged migrate leaves alone)."""
    with connect(db) as con:
        con.execute("CREATE OR REPLACE VIEW v_run_history AS SELECT 1 AS stale")
        assert migrate(con) == []
        assert con.execute("SELECT * FROM v_run_history").fetchall() == [(1,)]
        con.execute("ALTER TABLE alert_deliveries DROP COLUMN retry_to")
        con.execute("DELETE FROM schema_version WHERE version = 21")
        assert migrate(con) == [21]
        assert "run_id" in [d[0] for d in con.execute("SELECT * FROM v_run_history").description]


def test_the_views_checksum_is_replaced_not_added_to(db):
    """Views re-created for files that changed keep one checksum, theirs: the next migrate re-creates nothing
    (a view edited by hand stays)."""
    with connect(db) as con:
        con.execute("UPDATE schema_views SET checksum = 'zzz from files long gone'")
        assert migrate(con) == []  # re-creates the views
        assert con.execute("SELECT count(*) FROM schema_views").fetchone() == (1,)
        con.execute("CREATE OR REPLACE VIEW v_run_history AS SELECT 1 AS stale")
        migrate(con)
        assert con.execute("SELECT * FROM v_run_history").fetchall() == [(1,)]


def test_a_view_the_files_no_longer_define_is_dropped_and_an_analysts_own_is_left(db, tmp_path, monkeypatch):
    """An upgrade that renames or retires a view: the old one, created by an earlier version's files, is dropped
    when the views are re-created (queried, it would give stale answers, or fail on a column since dropped); a
    view of another name, an analyst's own, stays; so does a view whose name only changed case (DuckDB's names
    are case-insensitive: dropping the old spelling would drop the new view), and a table that took a retired
    view's name. A warehouse from before the names were kept drops nothing."""
    views = tmp_path / "views"
    views.mkdir()
    for path in warehouse._sql_files("views"):
        (views / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    extra = views / "99_extra.sql"
    monkeypatch.setattr(warehouse, "_sql_files", lambda kind: sorted((tmp_path / kind).glob("*.sql")))
    (tmp_path / "migrations").symlink_to(warehouse.sql_dir() / "migrations")
    names = "SELECT view_name FROM duckdb_views() WHERE NOT internal"

    def upgrade(con, text: str | None) -> set[str]:
        if text is None:
            extra.unlink(missing_ok=True)
        else:
            extra.write_text(text, encoding="utf-8")
        assert migrate(con) == []
        return {r["view_name"] for r in rows(con.execute(names))}

    with connect(db) as con:
        assert "v_retired" in upgrade(con, "CREATE OR REPLACE VIEW v_retired AS SELECT 1 AS x;\n")
        con.execute("CREATE VIEW v_mine AS SELECT 2 AS y")
        now = upgrade(con, None)  # the next version no longer has it
        assert "v_retired" not in now and {"v_mine", "v_alerts"} <= now
        upgrade(con, "CREATE OR REPLACE VIEW v_retired AS SELECT 1 AS x;\n")
        assert "V_Retired" in upgrade(con, "CREATE OR REPLACE VIEW V_Retired AS SELECT 3 AS x;\n")  # case only
        assert row(con.execute("SELECT x FROM v_retired")) == {"x": 3}
        con.execute("DROP VIEW V_Retired")
        con.execute("CREATE TABLE v_retired AS SELECT 4 AS x")  # a table took the name: not dropped, no error
        upgrade(con, None)
        assert row(con.execute("SELECT x FROM v_retired")) == {"x": 4}
        con.execute("DROP TABLE v_retired")
        upgrade(con, "CREATE OR REPLACE VIEW v_retired AS SELECT 1 AS x;\n")
        con.execute("DELETE FROM schema_view_names")  # as a warehouse from before the names were kept
        assert "v_retired" in upgrade(con, None)


def test_the_views_are_looked_for_in_the_warehouse_being_migrated(db, tmp_path):
    """Another warehouse attached to the process's DuckDB instance meanwhile (its views all there) does not make
    up for this one's missing views."""
    other = tmp_path / "other.duckdb"
    views = "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database()"
    with connect(other) as con:
        migrate(con)
        names = [r["view_name"] for r in rows(con.execute(views))]
        for name in names:
            con.execute(f"DROP VIEW {name}")
    with connect(db, read_only=True), connect(other) as con:
        assert migrate(con) == []
        assert sorted(r["view_name"] for r in rows(con.execute(views))) == sorted(names)


def test_rows_and_row_read_by_column_name(db):
    with connect(db, read_only=True) as con:
        assert rows(con.execute("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' ORDER BY a")) == [
            {"a": 1, "b": "x"},
            {"a": 2, "b": "y"},
        ]
        assert row(con.execute("SELECT 1 AS a, 'x' AS b")) == {"a": 1, "b": "x"}
        assert row(con.execute("SELECT 1 AS a WHERE false")) is None
        assert rows(con.execute("SELECT 1 AS a WHERE false")) == []


def test_once_asked_to_stop_no_session_starts_but_recording_the_stop(tmp_path):
    """After SIGINT (or SIGTERM), connect() refuses with Interrupted, except while_stopping (the ledger recording
    that the run stopped)."""
    db = tmp_path / "w.duckdb"
    proc = _python(
        "import os, signal, sys, time\n"
        "from pipeline import interrupt\n"
        "from pipeline.warehouse import connect\n"
        "interrupt.stop_on_signals()\n"
        "with connect(sys.argv[1]) as con:\n"
        "    con.execute('CREATE TABLE t AS SELECT 1 AS x')\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(30)\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
        "try:\n"
        "    with connect(sys.argv[1]) as con:\n"
        "        print('opened', flush=True)\n"
        "except interrupt.Interrupted as exc:\n"
        "    print('refused:', exc, flush=True)\n"
        "with connect(sys.argv[1], while_stopping=True) as con:\n"
        "    print('while stopping:', con.execute('SELECT x FROM t').fetchone()[0], flush=True)\n",
        str(db),
    )
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert out.splitlines() == ["refused: stopped by SIGINT", "while stopping: 1"]


class _Clock:
    """A monotonic clock the test moves on; sleeping on it moves it on at once."""

    def __init__(self) -> None:
        self.now, self.read = 0.0, threading.Event()

    def monotonic(self) -> float:
        self.read.set()
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_lock_timeout_bounds_the_wait_for_both_locks_together(tmp_path, monkeypatch):
    """lock_timeout_s is how long an open waits in all (the README; a resend trusts it to know when a sender
    waiting to record its answer has given up): time spent behind another brandpulse process's lock counts against
    the wait for DuckDB's own lock (held here by a process outside brandpulse), not on top of it. The warehouse's
    clock is the test's: the other process holds the lock for 500 s of the 600, then the DuckDB lock is waited
    for the 100 s left, not another 600."""
    db = tmp_path / "w.duckdb"
    outside = _python(
        "import duckdb, sys, time\nc = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(60)\n",
        str(db),
    )
    try:
        assert outside.stdout.readline().strip() == "held"
        clock = _Clock()
        monkeypatch.setattr(warehouse, "time", SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep))
        holding = threading.Event()

        def other_process():  # FileLock's holder is a thread: it takes and releases the lock in one
            with FileLock(f"{db}.lock", is_singleton=False):
                holding.set()
                clock.read.wait(5)  # the open is waiting (or has waited 5 s for the lock)
                clock.now += 500

        releaser = threading.Thread(target=other_process)
        releaser.start()
        assert holding.wait(30)
        with pytest.raises(WarehouseError, match="cannot open the warehouse"), connect(db, timeout=600):
            pass
        releaser.join(30)
        assert 600 <= clock.now <= 601
    finally:
        outside.kill()
        outside.wait()


def test_a_statement_ending_before_a_comment_is_run_on_its_own_with_its_parameters(tmp_path, monkeypatch):
    """execute() runs a query file statement by statement, each with the $parameters it uses (DuckDB binds them
    for one statement at a time): a statement whose ';' is followed by a comment on its line ends there too. It
    was sent with the next one as one string, which works only while neither takes a parameter."""
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "two.sql").write_text(
        "CREATE TEMP TABLE t AS SELECT $a AS x;  -- the first, with a comment after it\n"
        "INSERT INTO t VALUES ($b); -- and a second\n"
        "SELECT sum(x) AS total FROM t\n"
    )
    monkeypatch.setattr(warehouse, "sql_dir", lambda: tmp_path)
    with duckdb.connect() as con:
        assert row(warehouse.execute(con, "two", {"a": 1, "b": 2, "unused": 3})) == {"total": 3}


def test_a_query_a_signal_handler_stopped_says_what_stopped_it(tmp_path, monkeypatch):
    """Airflow's execution_timeout raises AirflowTaskTimeout from a SIGALRM handler; in a DuckDB query DuckDB raised
    RuntimeError('Query interrupted') in its place, which the retry policy retried. It is QueryStopped now (not
    retried, tests/test_dag.py), and after SIGTERM or Ctrl-C it is the stop (Interrupted) the night records."""
    import signal

    class Timeout(Exception):
        pass

    def alarm(signum, frame):
        raise Timeout("the task's execution_timeout")

    db = migrated(tmp_path / "w.duckdb")
    previous = signal.signal(signal.SIGALRM, alarm)
    long_query = "SELECT count(*) FROM range(1000000000) t(i) WHERE i % 7 = 3"  # a second or more, unless stopped
    try:
        for stop, expected in ((None, warehouse.QueryStopped), ("SIGTERM", interrupt.Interrupted)):
            monkeypatch.setattr(interrupt, "_requested", [stop] if stop else [])
            with pytest.raises(expected) as err, connect(db, while_stopping=True) as con:
                signal.setitimer(signal.ITIMER_REAL, 0.05)
                con.execute(long_query).fetchall()
            assert str(err.value.__cause__) == "Query interrupted"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    monkeypatch.setattr(interrupt, "_requested", [])
    with pytest.raises(RuntimeError, match=r"^boom$"), connect(db):  # any other RuntimeError is left as it is
        raise RuntimeError("boom")
    # also one whose message merely contains the word (a path of a run named after an interrupted night): only
    # DuckDB's own 'Query interrupted' is a stop; this one became QueryStopped, not retried, its cause unsaid
    said = "score shard 0 of 1: stage/manual__interrupted_night/0.scores.parquet cannot be read"
    with pytest.raises(RuntimeError) as err, connect(db):
        raise RuntimeError(said)
    assert type(err.value) is RuntimeError and str(err.value) == said


def test_every_query_of_the_readmes_query_guide_runs_on_the_warehouse(db):
    """The README's query guide was run only by `benchmarks/warehouse.py`: a view's column renamed broke an
    analyst's query with no test failing. Each statement runs on a migrated warehouse (binding every table, view,
    column and macro it names), as the benchmark reads them."""
    spec = importlib.util.spec_from_file_location("bench_warehouse", REPO / "benchmarks" / "warehouse.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    queries = bench.guide_queries()
    assert len(queries) >= 15, [label for label, _ in queries]
    with connect(db, read_only=True) as con:
        for label, statement in queries:
            try:
                con.execute(statement).fetchall()
            except duckdb.Error as error:
                pytest.fail(f"{label}: {error}")


def test_the_guides_last_night_query_says_a_night_killed_mid_run_is_no_clean_night(db):
    """The guide's "did last night lose anything?" listed the latest night's steps that did not succeed: a night
    killed while scoring (its extract and load recorded, nothing after) gave no rows, as a clean night does. It
    now says the run's status too: one row with no step for a night that lost nothing."""
    spec = importlib.util.spec_from_file_location("bench_warehouse", REPO / "benchmarks" / "warehouse.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    (query,) = [statement for _, statement in bench.guide_queries() if "lose anything" in statement]
    with connect(db) as con:
        for day, run_id in ((date(2026, 10, 1), "clean"), (date(2026, 10, 2), "killed")):
            ledger.start_run(con, run_id, day, "cli")
            ledger.record_steps(con, run_id, [dict(step="extract", brand="acme", source="reddit", rows_in=3)])
            ledger.record_step(con, run_id, "load", rows_in=3, rows_out=3)
        con.execute("UPDATE pipeline_runs SET status = 'success' WHERE run_id = 'clean'")
        assert [(r["status"], r["step"]) for r in rows(con.execute(query))] == [("running", None)]
        con.execute("DELETE FROM pipeline_runs WHERE run_id = 'killed'")
        assert [(r["status"], r["step"]) for r in rows(con.execute(query))] == [("success", None)]


def test_the_quarantine_summary_groups_the_rows_one_rule_rejected(db):
    """Each reason shows the value it refused, so grouping by the reason itself gave one line per bad row: 500
    ratings out of range were 500 lines. The summary groups by the reason with its values masked, keeps ranges,
    limits and column names (different rules stay apart), and shows the latest reason in full."""
    reasons = [
        ("rating '7' is outside 1-5", "2026-10-01 10:00"),
        ("rating '0' is outside 1-5", "2026-10-02 10:00"),
        ("rating 'five' is not a number", "2026-10-01 10:00"),
        ("NPS (column Q1) '11' is outside 0-10 (left empty; the rest of the response loaded)", "2026-10-01 10:00"),
        ("NPS (column Q1) '-1' is outside 0-10 (left empty; the rest of the response loaded)", "2026-10-01 11:00"),
        ("NPS (column Q2) '12' is outside 0-10 (left empty; the rest of the response loaded)", "2026-10-01 10:00"),
        ("NPS (column Customer's score) '11' is outside 0-10", "2026-10-01 10:00"),  # an apostrophe is no quote
        ("NPS (column Customer's score) '12' is outside 0-10", "2026-10-01 10:00"),
        ("'updated' 'abc' is not a timestamp", "2026-10-01 10:00"),
        ("created_at [not shown: 7 characters: letters] is not an ISO-8601 timestamp", "2026-10-01 10:00"),
        ("created_at 'yesterday' is not an ISO-8601 timestamp", "2026-10-01 10:00"),
        ("end date 2025-05-01 is before start date 2025-06-10", "2026-10-01 10:00"),
        ("end date 2024-01-31 is before start date 2024-02-01", "2026-10-01 10:00"),
        ("created_at 2031-01-01 10:00:00 UTC is in the future", "2026-10-01 10:00"),
        ("likes -3 is negative", "2026-10-01 10:00"),
        ("likes 12 is negative", "2026-10-01 10:00"),
        ("invalid JSON: Expecting value: line 1 column 5 (char 4)", "2026-10-01 10:00"),
        ("invalid JSON: Expecting value: line 1 column 9 (char 8)", "2026-10-01 10:00"),
        (
            "revenue 'n/a' (column monthly_revenue) is not an amount ≥ 0 (left empty; the customer loaded)",
            "2026-10-01 10:00",
        ),
    ]
    with connect(db) as con:
        for n, (reason, seen) in enumerate(reasons):
            con.execute(
                "INSERT INTO quarantine VALUES (?, 'acme', 'reviews', DATE '2026-10-01', ?, '{}', NULL, ?, 'r')",
                [f"q{n}", reason, f"{seen}+00"],
            )
        summary = {r["reason"]: r for r in rows(con.execute("SELECT * FROM v_quarantine_summary"))}
    assert {reason: r["rows"] for reason, r in summary.items()} == {
        "rating '…' is outside 1-5": 2,
        "rating '…' is not a number": 1,
        "NPS (column Q1) '…' is outside 0-10 (left empty; the rest of the response loaded)": 2,
        "NPS (column Q2) '…' is outside 0-10 (left empty; the rest of the response loaded)": 1,
        "NPS (column Customer's score) '…' is outside 0-10": 2,
        "'…' '…' is not a timestamp": 1,
        "created_at […] is not an ISO-8601 timestamp": 1,
        "created_at '…' is not an ISO-8601 timestamp": 1,
        "end date … is before start date …": 2,
        "created_at … UTC is in the future": 1,
        "likes … is negative": 2,
        "invalid JSON: Expecting value: line … column … (char …)": 2,
        "revenue '…' (column monthly_revenue) is not an amount ≥ 0 (left empty; the customer loaded)": 1,
    }
    latest = summary["rating '…' is outside 1-5"]
    assert latest["example"] == "rating '0' is outside 1-5"
    assert (str(latest["first_seen"])[:10], str(latest["last_seen"])[:10]) == ("2026-10-01", "2026-10-02")


def test_a_day_not_scored_yet_has_no_negatives_and_the_weeks_negatives_change_waits(tmp_path):
    """A day whose mentions are loaded but not scored (the night's scoring failed: its metrics have a NULL model)
    read 0 negatives in v_brand_daily, so negatives_wow_rel counted the week without them: +11% for +22%."""
    from datetime import timedelta

    from pipeline.warehouse import execute
    from tests.helpers import START, seed

    db = tmp_path / "w.duckdb"
    seed(db, 21)
    last = START + timedelta(days=20)
    with connect(db) as con, transaction(con):
        con.execute("DELETE FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day = ?)", [last])
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [last], "run_id": "r2"})
    with connect(db, read_only=True) as con:
        got = con.execute(
            "SELECT volume, scored, n_negative, share_negative, negatives_wow_rel FROM v_brand_daily WHERE day = ?",
            [last],
        ).fetchall()
        sources = con.execute("SELECT count(n_negative) FROM v_source_daily WHERE day = ?", [last]).fetchone()
    assert got == [(38, 0, None, None, None)]
    assert sources == (0,)
