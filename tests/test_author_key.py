"""The author key guard on a real DuckDB file: a night, an extract or an import with another key than the one the
warehouse was built with stops before writing anything, with a message that names the variable (never the key);
`brandpulse author-key --adopt` makes the new key the warehouse's; an unset key fails as it always did; a warehouse
from before 0015 adopts the key of its first run; the key is found in no table, file or output."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import date, timedelta

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline import authorkey, staging
from pipeline.authorkey import AuthorKeyChanged
from pipeline.cli import app
from pipeline.config import ConfigError, load_config
from pipeline.night import prepare, run_day
from pipeline.warehouse import connect, migrate
from tests.helpers import brandpulse, write_config

DAY = date(2026, 10, 1)
ENV = "BRANDPULSE_AUTHOR_KEY"
KEY_A = "key-a-0d9f3c51e7b24a86"
KEY_B = "key-b-71c2e9a4f05d3b68"


def tables(db) -> dict[str, list]:
    """Every row of every table of the warehouse, in order."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in sorted(names)}


def assert_key_nowhere(folder, *outputs: str) -> None:
    """Neither key in any table of any warehouse, in any file under ``folder`` (the warehouse files, staging,
    reports) or in ``outputs``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    for key in (KEY_A, KEY_B):
        for db in (p for p in files if p.suffix == ".duckdb"):
            assert key not in repr(tables(db)), db
        assert not [p for p in files if key.encode() in p.read_bytes()]
        assert not [o for o in outputs if key in o]


def hashed(key: str, name: str) -> str:
    """An author's or customer's hash under ``key`` (records.Pseudonymiser's, worked out here)."""
    return hmac.new(key.encode(), name.encode(), hashlib.sha256).hexdigest()[:32]


def test_a_night_with_another_key_writes_nothing_and_runs_once_the_key_is_adopted(night, scorer, monkeypatch, caplog):
    config_path, db = night
    cfg = load_config(config_path)
    common = ["--config", str(config_path), "--db", str(db)]
    caplog.set_level(logging.INFO, logger="brandpulse")
    monkeypatch.setenv(ENV, KEY_A)
    assert run_day(cfg, db, DAY, scorer=scorer)["status"] == "success"
    before = tables(db)
    assert [(r[0], r[1], r[5]) for r in before["author_key"]] == [(1, ENV, "first use")]

    monkeypatch.setenv(ENV, KEY_B)  # a typo, a worker without the current secret, a new environment
    with pytest.raises(AuthorKeyChanged) as raised:
        run_day(cfg, db, DAY + timedelta(days=1), scorer=scorer)
    message = str(raised.value)
    assert f"the warehouse was built with another author key than the one in {ENV}" in message
    assert "stopped before writing anything" in message and "brandpulse author-key --adopt" in message
    assert tables(db) == before  # not a row: not even the run
    shown = CliRunner().invoke(app, ["author-key", *common])
    assert shown.exit_code == 1 and f"{ENV} holds another key" in shown.output

    adopted = CliRunner().invoke(app, ["author-key", "--adopt", *common])
    assert adopted.exit_code == 0, adopted.output
    assert "author key no. 2" in adopted.output and "replaces key no. 1" in adopted.output
    after = run_day(cfg, db, DAY + timedelta(days=1), scorer=scorer)
    assert after["status"] == "success" and after["new_mentions"] == 1
    with duckdb.connect(str(db), read_only=True) as con:
        (author,) = con.execute("SELECT author_hash FROM mentions WHERE native_id = 'n5'").fetchone()
        keys = con.execute("SELECT key_no, recorded_by FROM author_key ORDER BY key_no").fetchall()
    assert author == hashed(KEY_B, "user_n5")  # hashed with the adopted key
    assert keys == [(1, "first use"), (2, "brandpulse author-key --adopt")]
    shown = CliRunner().invoke(app, ["author-key", *common])
    assert shown.exit_code == 0 and f"the key in {ENV} is the warehouse's" in shown.output

    monkeypatch.setenv(ENV, KEY_A)  # the old key is now the other one
    with pytest.raises(AuthorKeyChanged, match=r"key no\. 2"):
        run_day(cfg, db, DAY, scorer=scorer)
    assert_key_nowhere(config_path.parent, message, shown.output, adopted.output, caplog.text)


def test_an_import_with_another_key_fails_with_the_message_and_writes_nothing(tmp_path, monkeypatch):
    """From the command line: an import's run of its own (checked where the run starts) and an import step of a
    night (--run-id: checked in the import's transaction). After --adopt the whole customer list is hashed anew
    and the survey answers link to it again."""
    (tmp_path / "customers.csv").write_text(
        "customer_id,segment,start_date,end_date,monthly_revenue\n"
        "C1,x,2026-01-01,,10\nC2,x,2026-01-01,2026-06-01,20\nC3,y,2026-02-01,,30\n",
        encoding="utf-8",
    )
    (tmp_path / "answers.csv").write_text(
        "id,at,score,cust\nR1,2026-03-01T10:00:00Z,9,C1\nR2,2026-03-02T10:00:00Z,3,C2\n", encoding="utf-8"
    )
    surveys = {
        "sources": [
            {
                "name": "acme-nps",
                "brand": "acme",
                "path": "answers.csv",
                "columns": {"response_id": "id", "timestamp": "at", "nps": "score", "customer_id": "cust"},
            }
        ],
        "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}],
    }
    config = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme.csv"}}], surveys=surveys)
    db = tmp_path / "w.duckdb"
    common = ["--config", str(config), "--db", str(db)]
    outputs = []

    def run(key: str, *args: str):
        monkeypatch.setenv(ENV, key)
        done = CliRunner().invoke(app, [*args, *common])
        outputs.append(done.output)
        return done

    def linked() -> int:
        with duckdb.connect(str(db), read_only=True) as con:
            sql = "SELECT count(*) FROM survey_responses JOIN customers USING (brand, customer_hash)"
            return con.execute(sql).fetchone()[0]

    assert run(KEY_A, "import-customers").exit_code == 0
    assert run(KEY_A, "import-surveys").exit_code == 0
    assert run(KEY_A, "prepare", "--date", "2026-10-01", "--run-id", "the-night").exit_code == 0
    assert linked() == 2
    before = tables(db)
    for args in (["import-customers"], ["import-customers", "--run-id", "the-night"], ["import-surveys"],
                 ["import-surveys", "--run-id", "the-night"]):  # fmt: skip
        failed = run(KEY_B, *args)
        assert isinstance(failed.exception, AuthorKeyChanged), args
        assert str(failed.exception).startswith(f"{db}: the warehouse was built with another author key than the")
        assert tables(db) == before, args
    # what a shell sees: one line naming the variable and the way on, exit status 2
    shell = brandpulse("import-customers", *common, env={ENV: KEY_B})
    outputs += [shell.stdout, shell.stderr]
    assert shell.returncode == 2 and "Traceback" not in shell.stderr
    assert shell.stderr.startswith(f"brandpulse: {db}: the warehouse was built with another author key than the one")
    assert f"in {ENV} (pseudonymisation.key_env in {config}" in shell.stderr
    assert "run `brandpulse author-key --adopt`" in shell.stderr
    assert tables(db) == before
    shown = run(KEY_B, "author-key")
    assert shown.exit_code == 1 and f"{ENV} holds another key" in shown.output

    adopted = run(KEY_B, "author-key", "--adopt")
    assert adopted.exit_code == 0 and "adopted" in adopted.output
    customers = run(KEY_B, "import-customers")
    assert customers.exit_code == 0, customers.output
    result = json.loads(customers.stdout)
    assert (result["new"], result["removed"]) == (3, 3)  # the rotation: every customer hashed anew
    assert linked() == 0  # the answers still hold the old key's hashes ...
    answers = run(KEY_B, "import-surveys")
    assert answers.exit_code == 0 and json.loads(answers.stdout)["changed"] == 2
    assert linked() == 2  # ... until their export is imported again
    assert run(KEY_B, "author-key").exit_code == 0
    assert_key_nowhere(tmp_path, *outputs)


def test_an_extract_with_another_key_than_its_prepare_checked_stages_nothing(night, monkeypatch):
    """The DAGs' extract tasks open no warehouse: the job carries the fingerprint prepare checked, and a worker with
    another key stops before its source reads. `brandpulse extract` alone checks against the warehouse."""
    config_path, db = night
    cfg = load_config(config_path)
    (job,) = prepare(cfg, db, DAY, "the-night")  # under the tests' key
    with connect(db, read_only=True) as con:
        assert job["author_key"] == authorkey.carried(authorkey.recorded(con))

    def extract():  # as the DAG's extract task does
        states = staging.states_of([job])
        return staging.extract(cfg, "acme", "listening", DAY, "the-night", states=states, author_key=job["author_key"])

    monkeypatch.setenv(ENV, KEY_B)
    with pytest.raises(AuthorKeyChanged, match=f"{ENV} holds another author key .* does this worker have another"):
        extract()
    alone = ["extract", "--brand", "acme", "--source", "listening", "--date", str(DAY), "--run-id", "the-night"]
    out = CliRunner().invoke(app, [*alone, "--config", str(config_path), "--db", str(db)])
    assert isinstance(out.exception, AuthorKeyChanged)
    assert not [p for p in (config_path.parent / "staging").rglob("*") if p.is_file()]
    monkeypatch.setenv(ENV, "test-key")  # the key prepare checked (conftest's)
    assert extract()["records"] == 5


def test_an_unset_key_fails_as_it_did_and_records_nothing(night, scorer, monkeypatch):
    config_path, db = night
    cfg = load_config(config_path)
    monkeypatch.delenv(ENV)
    with pytest.raises(ConfigError, match=f"environment variable {ENV} is not set") as raised:
        run_day(cfg, db, DAY, scorer=scorer)
    assert not isinstance(raised.value, AuthorKeyChanged)
    assert len(tables(db)["pipeline_runs"]) == 1  # as before the check: the run starts, its first hash fails
    with duckdb.connect(str(db), read_only=True) as con:  # closed as failed, not left running (the watch waited)
        assert con.execute("SELECT status FROM pipeline_runs").fetchall() == [("failed",)]
    assert tables(db)["author_key"] == []  # nothing to record: the first run with a key records it
    monkeypatch.setenv(ENV, KEY_A)
    assert run_day(cfg, db, DAY, scorer=scorer)["status"] == "success"
    monkeypatch.delenv(ENV)  # a key recorded: still the error of the step that hashes, and the key stays
    with pytest.raises(ConfigError, match=f"environment variable {ENV} is not set") as raised:
        run_day(cfg, db, DAY, scorer=scorer)
    assert not isinstance(raised.value, AuthorKeyChanged)
    assert [r[1] for r in tables(db)["author_key"]] == [ENV]
    out = CliRunner().invoke(app, ["author-key", "--config", str(config_path), "--db", str(db)])
    assert out.exit_code == 1 and f"{ENV} is not set" in out.output


def test_a_key_of_spaces_or_a_newline_is_no_key(monkeypatch):
    """A secret file holding only a newline set the variable to "\n": its hashes were keyed by a newline, anyone's to
    recompute, while check-config said the variable was not set."""
    from pipeline.records import Pseudonymiser

    monkeypatch.setenv(ENV, " \n")
    assert Pseudonymiser.if_set(None) is None
    with pytest.raises(ConfigError, match=f"environment variable {ENV} is not set"):
        Pseudonymiser(None)


def test_a_warehouse_from_before_0015_adopts_the_key_of_its_first_run(night, scorer, monkeypatch):
    config_path, db = night
    cfg = load_config(config_path)
    monkeypatch.setenv(ENV, KEY_A)
    assert run_day(cfg, db, DAY, scorer=scorer)["status"] == "success"
    with connect(db) as con:  # as the warehouse was before the upgrade
        con.execute("DROP TABLE author_key")
        con.execute("DELETE FROM schema_version WHERE version = 15")
    monkeypatch.setenv(ENV, KEY_B)  # nothing to tell another key by: the first run's is the warehouse's
    assert run_day(cfg, db, DAY + timedelta(days=1), scorer=scorer)["status"] == "success"
    assert [(r[0], r[5]) for r in tables(db)["author_key"]] == [(1, "first use")]
    monkeypatch.setenv(ENV, KEY_A)
    with pytest.raises(AuthorKeyChanged):
        run_day(cfg, db, DAY, scorer=scorer)


def test_asking_about_the_key_reads_only(night, scorer, monkeypatch):
    """`brandpulse author-key` without --adopt is a question: it applies no migration (it opened the warehouse to
    write and migrated it, waiting on a running night's lock) and, on a warehouse from before 0015, says no key is
    recorded yet; with the variable unset it exits 1, as the README says."""
    config_path, db = night
    monkeypatch.setenv(ENV, KEY_A)
    assert run_day(load_config(config_path), db, DAY, scorer=scorer)["status"] == "success"
    with connect(db) as con:  # as the warehouse was before the upgrade
        con.execute("DROP TABLE author_key")
        con.execute("DELETE FROM schema_version WHERE version = 15")
    before = tables(db)
    asked = CliRunner().invoke(app, ["author-key", "--config", str(config_path), "--db", str(db)])
    assert asked.exit_code == 0 and "no author key recorded yet" in asked.output, asked.output
    assert tables(db) == before  # nothing migrated, nothing recorded
    monkeypatch.delenv(ENV)
    unset = CliRunner().invoke(app, ["author-key", "--config", str(config_path), "--db", str(db)])
    assert unset.exit_code == 1 and f"{ENV} is not set" in unset.output


def test_a_warehouse_from_before_0015_has_no_key_beside_another_warehouse_open(tmp_path):
    """Another warehouse attached to the process's DuckDB instance meanwhile (its author_key there) is not taken
    for this one's: a read-only look at a warehouse from before 0015 finds no key recorded, not a CatalogException."""
    new, old = tmp_path / "new.duckdb", tmp_path / "old.duckdb"
    for path in (new, old):
        with connect(path) as con:
            migrate(con)
    with connect(old) as con:  # as the warehouse was before the upgrade
        con.execute("DROP TABLE author_key")
        con.execute("DELETE FROM schema_version WHERE version = 15")
    with connect(new, read_only=True), connect(old, read_only=True) as con:
        assert authorkey.recorded(con) is None


def test_a_key_of_bytes_that_are_not_utf8_hashes_them_and_is_never_quoted(tmp_path, monkeypatch):
    """A key of random bytes (``$(head -c 32 /dev/urandom)``) holds bytes that are not UTF-8, which os.environ
    decodes as lone surrogates: every run failed with a UnicodeEncodeError quoting one byte of the key and where it
    is. The key is the bytes set, as every other key."""
    from pipeline.records import Pseudonymiser

    raw = b"key-\xff\xc4-0d9f3c51e7b24a86"
    monkeypatch.setenv(ENV, raw.decode("utf-8", "surrogateescape"))
    assert Pseudonymiser(None)("user_n5") == hmac.new(raw, b"user_n5", hashlib.sha256).hexdigest()[:32]
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        key = authorkey.check(None, con, db)  # first use: recorded
        assert authorkey.check(None, con, db) == key  # and the same key matches it
