"""Property-based fuzzing of what reads outside input: the record builder, the file-drop reader, the survey and
customer importers, and the config loader (issue #13, point 11).

For any generated input the outcome is one of: a loaded row, a quarantined row with a reason, a source that fails
with a message naming its file, or a :class:`ConfigError` naming the file (and the field or line). Never another
exception. And reading the same input again changes nothing: the same items, the same keys, no new rows in a real
DuckDB warehouse.

Bounded for CI: a few dozen examples per property, about a second or two each on the 2-core machine. With ``CI``
set, the examples are derandomised (the same every run), so a red CI is a change, not a new random draw; run the
file locally to explore further.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
from datetime import UTC, date, datetime, timedelta, timezone

import duckdb
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline import ledger
from pipeline.config import Config, ConfigError, load_config
from pipeline.load import load
from pipeline.records import EARLIEST, LATEST, MAX_COUNT, Reject, Rejected, Window, clash_content
from pipeline.sources import build_source
from pipeline.staging import extract
from pipeline.surveys import ingest
from pipeline.surveys.importer import read_customer_file, read_survey_file
from pipeline.warehouse import connect, migrate, row
from tests.helpers import MENTIONS_HEADER, write_config


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written under the checkout
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


DAY = date(2026, 10, 1)
WINDOW = Window.for_day(DAY)
_runs = itertools.count()

# Cells that hit the rules' edges, mixed with arbitrary text.
SPECIAL = [
    "", " ", "\t", "0", "-1", "1", "5", "7.5", "10", "11", "1e400", "-0", "nan", "inf", "-inf", "NaN",
    "10000000000000", "99999999999999999999999", "lots", "n/a", "$12.50", "Acme rocks", "acme is bad", "\x00",
    "\ufeff", '"', "'", ",", "\r\n", "\n", "é", "😡", "2026-10-01T10:00:00Z", "2026-10-01T23:59:59+02:00",
    "2026-10-01", "2026-02-30", "1759312800", "9999-12-31T00:00:00Z", "1900-01-01", "0001-01-01T00:00:00+14:00",
    "10/01/2026 09:00:00 AM", "yesterday", "reddit", "Very satisfied", "Europe/London", "Mars/Olympus",
]  # fmt: skip
CELL = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=24))
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | CELL,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def csv_bytes(header: list[str], rows: list[list[str] | bytes]) -> bytes:
    """A CSV export: the header, then rows written by csv (any cells), or raw bytes (broken quoting, bad UTF-8)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(header)
    blob = out.getvalue().encode("utf-8") if header else b""
    for r in rows:
        if isinstance(r, bytes):
            blob += r + b"\n"
        else:
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerow(r)
            blob += out.getvalue().encode("utf-8", "surrogatepass")
    return blob


def table(header: list[str], plausible=None):
    """Rows that would load (``plausible``: a strategy of one such row), rows of arbitrary cells of about the
    header's width (sometimes shorter or longer), and now and then raw bytes."""
    noise = st.lists(CELL, min_size=max(0, len(header) - 2), max_size=len(header) + 1)
    good = plausible if plausible is not None else noise
    return st.lists(st.one_of(good, good, noise, st.binary(max_size=40)), max_size=8)


def row_of(**cells):
    """A strategy of one row: each cell from its own strategy; in half the rows one cell is an arbitrary one."""
    clean = st.tuples(*cells.values()).map(list)
    dirty = st.tuples(clean, st.integers(0, len(cells) - 1), CELL).map(
        lambda d: [*d[0][: d[1]], d[2], *d[0][d[1] + 1 :]]
    )
    return clean | dirty


IN_WINDOW = st.sampled_from(["2026-10-01T10:00:00Z", "2026-10-01T00:00:00Z", "2026-10-01T23:59:59+00:00",
                             "2026-10-01 12:30:00", "2026-09-30T23:00:00-02:00"])  # fmt: skip


def _ok(items: list) -> None:
    """Loaded rows and quarantined rows with a reason, each stageable as UTF-8 JSON; one quarantine key per bad
    input row (two bad rows with the same cells are two rows: issue #13, point 8), but for the rows of an id that
    another platform's row holds: one key per id and platform, as the load keys such a row (one mention id)."""
    for item in items:
        assert hasattr(item, "to_json"), item
        item.to_json().encode("utf-8")
    rejects = [i for i in items if isinstance(i, Reject)]
    assert all(r.reason.strip() and len(r.quarantine_id) == 32 for r in rejects)
    reasons = {}
    for r in rejects:
        reasons.setdefault(r.quarantine_id, []).append(r.reason)
    shared = [alike for alike in reasons.values() if len(alike) > 1]
    assert all(len(set(alike)) == 1 and "is also the id of a" in alike[0] for alike in shared), shared
    event(f"loaded rows: {min(len(items) - len(rejects), 3)}{'+' if len(items) - len(rejects) >= 3 else ''}")
    event(f"quarantined rows: {min(len(rejects), 3)}{'+' if len(rejects) >= 3 else ''}")


# -- the record builder ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    """A config with one file-drop source (CSV), and the source built from it."""
    folder = tmp_path_factory.mktemp("drop")
    cfg = load_config(write_config(folder, [{"name": "Acme", "files": {"drop": "drop.csv"}}]))
    return cfg, build_source(cfg, cfg.brands[0], "drop")


ZONES = st.just(UTC) | st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-1439, 1439))
MOMENT = st.one_of(
    st.datetimes(min_value=datetime(1965, 1, 1), max_value=datetime(2105, 1, 1), timezones=ZONES),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES),
)
NUMBER = st.one_of(st.none(), st.integers(-5, 20), st.floats(-5, 20), st.integers(), st.floats(), st.booleans(), CELL)


@fuzz(150)
@given(
    native_id=st.text(min_size=1, max_size=20),
    text=st.text(max_size=60),
    created_at=MOMENT,
    rating=st.none() | st.floats(0, 10) | NUMBER,
    engagement=st.none() | st.integers(0, 10**6) | NUMBER,
    language=st.none() | st.text(max_size=8),
)
def test_the_record_builder_builds_a_record_in_range_or_rejects(drop, native_id, text, created_at, rating, engagement,
                                                               language):  # fmt: skip
    _, src = drop
    fields = {"rating": rating, "engagement": engagement, "language": language}
    try:
        record = src.record(native_id, "mention", text, created_at, **fields)
    except Rejected as exc:
        assert str(exc).strip()
        event("rejected")
        return
    _ok([record])
    assert EARLIEST <= datetime.fromisoformat(record.created_at) < LATEST
    assert record.rating is None or (math.isfinite(record.rating) and 0 <= record.rating <= 10)
    assert record.engagement is None or 0 <= record.engagement <= MAX_COUNT
    assert record == src.record(native_id, "mention", text, created_at, **fields)  # the same input, the same row


# -- the file-drop reader ----------------------------------------------------------------------------------------

HEADER = MENTIONS_HEADER.strip().split(",")
HEADERS = st.sampled_from(
    [HEADER, HEADER, HEADER, ["\ufeffpost_id", *HEADER[1:]], [*HEADER, "post_id"], HEADER[:4], [], [*HEADER, "extra"]]
)
COUNT = st.integers(0, 50).map(str)
MENTION = row_of(
    post_id=st.sampled_from(["p1", "p2", "p3", "p4"]), platform=st.sampled_from(["reddit", "x", ""]), channel=CELL,
    author=CELL, posted_at=IN_WINDOW, body=st.text(min_size=1, max_size=40), link=CELL, likes=COUNT, replies=COUNT,
)  # fmt: skip


def mentions(header: list[str]):
    return table(header, MENTION if header[1:] == HEADER[1:] else None)


def read(src, path):
    """('read', items) or ('failed', message): a source that fails names its file."""
    try:
        items = list(src.fetch(WINDOW))
    except ValueError as exc:
        assert str(exc).startswith(str(path)), exc
        event("the source failed, naming its file")
        return "failed", str(exc)
    _ok(items)
    return "read", items


@fuzz(80)
@given(data=st.data())
def test_any_csv_drop_reads_to_rows_and_rejects_and_reads_the_same_again(drop, data):
    cfg, src = drop
    header = data.draw(HEADERS)
    path = cfg.resolve("drop.csv")
    path.write_bytes(csv_bytes(header, data.draw(mentions(header))))
    first = read(src, path)
    assert read(src, path) == first


@pytest.fixture(scope="module")
def jsonl_drop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jsonl")
    cfg = load_config(write_config(folder, [{"name": "Acme", "files": {"drop": "drop.jsonl"}}]))
    return cfg, build_source(cfg, cfg.brands[0], "drop")


@fuzz(60)
@given(
    lines=st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {
                    "post_id": st.sampled_from(["j1", "j2"]) | JSON_VALUE,
                    "posted_at": IN_WINDOW | IN_WINDOW | JSON_VALUE,
                    "body": st.text(min_size=1, max_size=30) | JSON_VALUE,
                },
                optional={"likes": st.integers(-2, 9) | JSON_VALUE},
            ).map(json.dumps),
            st.dictionaries(st.sampled_from(HEADER) | st.text(max_size=6), JSON_VALUE, max_size=10).map(json.dumps),
            JSON_VALUE.map(json.dumps),
            st.text(max_size=30),
        ).map(lambda s: s.encode("utf-8", "surrogatepass"))
        | st.binary(max_size=40),
        max_size=8,
    )
)
def test_any_jsonl_drop_reads_to_rows_and_rejects_and_reads_the_same_again(jsonl_drop, lines):
    cfg, src = jsonl_drop
    path = cfg.resolve("drop.jsonl")
    path.write_bytes(b"\n".join(lines))
    first = read(src, path)
    assert read(src, path) == first


@pytest.fixture(scope="module")
def warehouse(drop, tmp_path_factory):
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    return db


def _counts(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: row(con.execute(f"SELECT count(*) AS n FROM {t}"))["n"] for t in ("mentions", "quarantine")}


def _night(cfg, db) -> dict:
    run_id = f"fuzz__{DAY}__{next(_runs):08d}"
    with connect(db) as con:
        ledger.start_run(con, run_id, DAY, "cli")
    try:
        manifest = extract(cfg, "acme", "drop", DAY, run_id)
    except ValueError:
        manifest = None  # the source failed (it named its file above): load records it as missing
    result = load(cfg, db, DAY, run_id)
    return {
        "manifest": manifest,
        "new_mentions": result.new_mentions,
        "quarantined": result.quarantined,
        "id_clashes": result.id_clashes,
        "kept_out": result.kept_out,
    }


@fuzz(10)
@given(data=st.data())
def test_a_csv_drop_loaded_twice_into_duckdb_adds_nothing_the_second_time(drop, warehouse, data):
    cfg, src = drop
    header = data.draw(HEADERS)
    path = cfg.resolve("drop.csv")
    path.write_bytes(csv_bytes(header, data.draw(mentions(header))))
    with duckdb.connect(str(warehouse), read_only=True) as con:  # the keys of a file drop's reject of a stored row
        found = con.execute("SELECT brand, source, native_id, platform FROM mentions").fetchall()
    stored = {Reject.key(b, s, clash_content(i, p or "")) for b, s, i, p in found}
    first = _night(cfg, warehouse)
    outcome = read(src, path)
    if outcome[0] == "read":  # every bad input row has its own quarantine row (some kept by an earlier example)
        keys = [r.quarantine_id for r in outcome[1] if isinstance(r, Reject)]
        # and the load quarantines the rows whose id an earlier example stored for another platform
        assert first["manifest"]["rejects"] == len(keys) >= first["quarantined"] - first["id_clashes"]
        # but not a reject of the row that is the mention stored for its id (load._stored_clash), and only those
        assert set(first["kept_out"]) <= set(keys) & stored
        if first["kept_out"]:
            event("a file drop's reject left out: its row is the stored mention")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            kept = row(
                con.execute("SELECT count(*) AS n FROM quarantine WHERE list_contains(?, quarantine_id)", [keys])
            )
        assert kept["n"] == len(set(keys) - set(first["kept_out"]))
    before = _counts(warehouse)
    second = _night(cfg, warehouse)
    assert (second["new_mentions"], second["quarantined"]) == (0, 0)
    assert _counts(warehouse) == before


# -- the survey and customer importers ----------------------------------------------------------------------------

SURVEY_HEADER = ["id", "at", "nps", "csat", "ces", "comment", "tp", "tz"]
SURVEYS = {
    "sources": [
        {
            "name": "nps",
            "brand": "acme",
            "path": "surveys.csv",
            "columns": {
                "response_id": "id", "timestamp": "at", "nps": "nps", "csat": "csat", "ces": "ces",
                "comment": "comment", "touchpoint": "tp", "timezone": "tz",
            },
        }
    ],
    "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}],
}  # fmt: skip
CUSTOMER_HEADER = ["customer_id", "segment", "start_date", "end_date", "monthly_revenue"]
SURVEY_HEADERS = st.sampled_from([SURVEY_HEADER] * 4 + [SURVEY_HEADER[:2], [*SURVEY_HEADER, "id"]])
CUSTOMER_HEADERS = st.sampled_from([CUSTOMER_HEADER] * 4 + [CUSTOMER_HEADER[1:], []])
RESPONSE = row_of(
    id=st.sampled_from(["r1", "r2", "r3"]), at=IN_WINDOW, nps=st.integers(0, 10).map(str),
    csat=st.integers(1, 5).map(str), ces=st.integers(1, 7).map(str), comment=CELL, tp=CELL,
    tz=st.sampled_from(["", "UTC", "Europe/London", "+02:00"]),
)  # fmt: skip
DAYS = st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(date.isoformat)
CUSTOMER = row_of(
    customer_id=st.sampled_from(["c1", "c2", "c3"]), segment=st.sampled_from(["smb", "ent", ""]), start_date=DAYS,
    end_date=st.just("") | DAYS, monthly_revenue=st.sampled_from(["10", "0", "12.5", ""]),
)  # fmt: skip


def survey_rows(header):
    return table(header, RESPONSE if header == SURVEY_HEADER else None)


def customer_rows(header):
    return table(header, CUSTOMER if header == CUSTOMER_HEADER else None)


@pytest.fixture(scope="module")
def surveys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("surveys")
    cfg = load_config(write_config(folder, surveys=SURVEYS))
    db = folder / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    return cfg, db


def import_file(reader, cfg, spec, path):
    """('read', rows, rejects) or ('failed', message): a file that cannot be read names itself."""
    try:
        good, bad = reader(cfg, spec, path)
    except ValueError as exc:
        assert not isinstance(exc, ConfigError)
        assert str(path) in str(exc), exc
        event("the file failed, naming itself")
        return "failed", str(exc)
    _ok([*good, *bad])
    assert {r.location for r in bad} <= {f"{path}:{n}" for n in range(1, 1000)}
    return "read", good, bad


def _table_counts(db, table: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: row(con.execute(f"SELECT count(*) AS n FROM {t}"))["n"] for t in (table, "quarantine")}


@fuzz(60)
@given(data=st.data())
def test_any_survey_export_reads_to_responses_and_rejects_and_reads_the_same_again(surveys, data):
    cfg, _ = surveys
    header = data.draw(SURVEY_HEADERS)
    path = cfg.resolve("surveys.csv")
    path.write_bytes(csv_bytes(header, data.draw(survey_rows(header))))
    first = import_file(read_survey_file, cfg, cfg.surveys.sources[0], path)
    assert import_file(read_survey_file, cfg, cfg.surveys.sources[0], path) == first


@fuzz(60)
@given(data=st.data())
def test_any_customer_list_reads_to_customers_and_rejects_and_reads_the_same_again(surveys, data):
    cfg, _ = surveys
    header = data.draw(CUSTOMER_HEADERS)
    path = cfg.resolve("customers.csv")
    path.write_bytes(csv_bytes(header, data.draw(customer_rows(header))))
    first = import_file(read_customer_file, cfg, cfg.surveys.customers[0], path)
    assert import_file(read_customer_file, cfg, cfg.surveys.customers[0], path) == first


@fuzz(10)
@given(data=st.data())
def test_a_survey_export_imported_twice_into_duckdb_changes_nothing_the_second_time(surveys, data):
    cfg, db = surveys
    header = data.draw(SURVEY_HEADERS)
    cfg.resolve("surveys.csv").write_bytes(csv_bytes(header, data.draw(survey_rows(header))))
    ingest.import_surveys(cfg, db, f"fuzz__{DAY}__{next(_runs):08d}", score_comments=False)
    before = _table_counts(db, "survey_responses")
    again = ingest.import_surveys(cfg, db, f"fuzz__{DAY}__{next(_runs):08d}", score_comments=False)
    assert (again["new"], again["changed"], again["quarantined"]) == (0, 0, 0)
    assert _table_counts(db, "survey_responses") == before


@fuzz(10)
@given(data=st.data())
def test_a_customer_list_imported_twice_into_duckdb_changes_nothing_the_second_time(surveys, data):
    cfg, db = surveys
    header = data.draw(CUSTOMER_HEADERS)
    cfg.resolve("customers.csv").write_bytes(csv_bytes(header, data.draw(customer_rows(header))))
    ingest.import_customers(cfg, db, f"fuzz__{DAY}__{next(_runs):08d}")
    before = _table_counts(db, "customers")
    again = ingest.import_customers(cfg, db, f"fuzz__{DAY}__{next(_runs):08d}")
    assert (again["new"], again["changed"], again["removed"], again["quarantined"]) == (0, 0, 0, 0)
    assert _table_counts(db, "customers") == before


# -- the config loader ---------------------------------------------------------------------------------------------

GOOD = {
    "brands": [
        {
            "name": "Acme",
            "sources": [
                {
                    "type": "file_drop",
                    "name": "drop",
                    "path": "drop.csv",
                    "columns": {"native_id": "id", "text": "body", "created_at": "at"},
                }
            ],
        }
    ],
}
SECRET = "s3cr3t-Pa55"
FIELDS = [
    ("lock_timeout_s",), ("alerting", "worsen_ratio"), ("alerting", "report_url"), ("alerting", "cooldown_days"),
    ("brands", 0, "name"), ("brands", 0, "aliases"), ("brands", 0, "sources", 0, "path"),
    ("brands", 0, "sources", 0, "lookback_days"), ("brands", 0, "sources", 0, "columns", "engagement"),
    ("brands", 0, "min_volume"), ("scoring", "batch_size"), ("surveys", "clv", "margin"), ("surveys", "min_responses"),
    ("report_dir",), ("alerts",), ("unknown_field",), ("brands", 0, "sources", 0, "type"),
]  # fmt: skip
VALUE = st.one_of(
    JSON_VALUE,
    st.sampled_from(
        [math.inf, -math.inf, math.nan, 10**40, f"https://bob:{SECRET}@reports.example.com",
         f"https://{SECRET}@example.com/x", date(2026, 2, 28), "2026-02-30"]
    ),
)  # fmt: skip
TOKENS = [
    "brands:", "\n", "  ", "    ", "- ", "name: Acme", "sources:", "type: file_drop", "[", "]", "{", "}", ",", ": ",
    "&a ", "*a", "&b ", "*b", "<<: ", "!!binary ", "!!timestamp ", "!!python/object:os.system ", "!!set ", ".inf",
    ".nan", "2026-02-30", "? ", "'", '"', "\t", "%YAML 1.1\n", "---\n", "...\n", "lock_timeout_s: ", "x", "1",
    "#", "|", ">", "\\", "\x00", "\ufeff", "é",
]  # fmt: skip


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value


def config_outcome(path):
    try:
        return load_config(path)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and len(message) > len(f"{path}: "), message
        assert SECRET not in message
        event("config error: " + message[len(f"{path}: ") :].split(":")[0][:40])
        return message


@fuzz(120)
@given(
    edits=st.lists(st.tuples(st.sampled_from(FIELDS), VALUE), max_size=3),
    share=st.booleans(),
)
def test_a_config_with_any_values_loads_or_names_file_and_field(tmp_path_factory, edits, share):
    doc = json.loads(json.dumps(GOOD))
    for field, value in edits:
        _set(doc, field, value)
    if share:  # the same mapping twice: PyYAML's dumper writes an anchor and an alias
        doc["brands"].append({**doc["brands"][0], "name": "Other", "sources": doc["brands"][0]["sources"]})
    path = tmp_path_factory.mktemp("cfg", numbered=True) / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    first = config_outcome(path)
    assert isinstance(first, Config | str)
    event("loaded" if isinstance(first, Config) else "config error")
    assert config_outcome(path) == first


@fuzz(150)
@given(text=st.one_of(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join), st.text(max_size=80)))
def test_any_yaml_text_loads_or_is_a_config_error_naming_the_file(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("yaml", numbered=True) / "brandpulse.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    first = config_outcome(path)
    assert config_outcome(path) == first
