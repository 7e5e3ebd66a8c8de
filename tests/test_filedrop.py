"""The file-drop source: column mapping, windows, and input that must not trick it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline.config import load_config
from pipeline.sources import Record, Reject, Window, build_source
from tests.conftest import NIGHT_ROWS, csv_rows, write_config

DAY = Window.for_day(date(2026, 10, 1))


def fetch(tmp_path, content: bytes | str, name="acme.csv", brand="Acme", extra_columns=None, window=DAY):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    cfg = load_config(write_config(tmp_path, [{"name": brand, "files": {"drop": name}}]))
    if extra_columns:
        raw = cfg.model_dump()
        raw["brands"][0]["sources"][0]["columns"].update(extra_columns)
    src = build_source(cfg, cfg.brands[0], "drop")
    items = list(src.fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def test_window_edges_and_reasons(tmp_path):
    records, rejects = fetch(tmp_path, csv_rows(NIGHT_ROWS))
    # [start, end): 00:00:00 is in, 23:59:59 is in, next midnight and the second before midnight are out
    assert sorted(r.native_id for r in records) == ["n1", "n2", "n3", "n4"]
    reasons = {json.loads(r.raw_record)["post_id"]: r.reason for r in rejects}
    assert reasons == {
        "bad1": "body (text) is empty",
        "bad2": "created_at 'yesterday' is not an ISO-8601 timestamp",
        "bad3": "likes 'lots' is not a whole number",
    }
    n3 = next(r for r in records if r.native_id == "n3")
    assert n3.created_at == "2026-10-01T10:00:00+00:00"  # offsets are converted to UTC
    n2 = next(r for r in records if r.native_id == "n2")
    assert n2.engagement == 40 and n2.platform == "reddit" and n2.channel == "r/test" and n2.language == "en"


def test_authors_are_pseudonymised_with_the_key(tmp_path, monkeypatch):
    records, _ = fetch(tmp_path, csv_rows(NIGHT_ROWS))
    first = {r.native_id: r.author_hash for r in records}
    assert all(h and len(h) == 32 and "user_" not in h for h in first.values())
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "another-key")
    records, _ = fetch(tmp_path, csv_rows(NIGHT_ROWS))
    assert {r.native_id: r.author_hash for r in records} != first  # keyed: a new key gives new hashes


def test_missing_key_is_a_clear_error(tmp_path, monkeypatch):
    from pipeline.config import ConfigError

    monkeypatch.delenv("BRANDPULSE_AUTHOR_KEY")
    with pytest.raises(ConfigError, match="BRANDPULSE_AUTHOR_KEY is not set"):
        fetch(tmp_path, csv_rows(NIGHT_ROWS))


def test_non_utf8_bytes_are_quarantined_and_kept(tmp_path):
    data = (
        csv_rows([("ok", "2026-10-01T10:00:00Z", "fine text")]).encode()
        + b"bin,reddit,,bob,2026-10-01T11:00:00Z,caf\xe9 is \xff\xfe bad,https://x,1,0\n"
    )
    records, rejects = fetch(tmp_path, data)
    assert [r.native_id for r in records] == ["ok"]
    assert rejects[0].reason == "row is not valid UTF-8"
    assert "caf\\xe9 is \\xff\\xfe bad" in rejects[0].raw_record  # the raw bytes survive, escaped
    assert rejects[0].location.endswith("acme.csv:3")


def test_one_megabyte_text_loads_whole(tmp_path):
    big = "the parcel never came. " * 46_000  # ~1 MB, far over csv's default 128 kB field limit
    records, rejects = fetch(tmp_path, csv_rows([("big", "2026-10-01T10:00:00Z", big)]))
    assert rejects == [] and len(records[0].text) == len(big) > 1_000_000


def test_brand_name_with_quotes_and_sql(tmp_path):
    name = """Rob's "Best" Café'); DROP TABLE mentions;-- %s {x}"""
    records, _ = fetch(tmp_path, csv_rows(NIGHT_ROWS), brand=name)
    assert records and all(r.brand == "rob-s-best-caf-drop-table-mentions-s-x" for r in records)


def test_jsonl_rows(tmp_path):
    lines = [
        json.dumps({"post_id": 1, "posted_at": 1790000000, "body": "unix seconds work", "likes": 2}),
        '{"post_id": "2", "posted_at": "2026-10-01T10:00:00Z", "body": "truncated',
        json.dumps(["not", "an", "object"]),
        json.dumps({"post_id": "3", "posted_at": "2026-10-01T10:00:00Z", "body": "\ud800 lone surrogate"}),
        json.dumps({"post_id": "4", "posted_at": "2026-10-01T10:00:00Z", "body": "emoji only 🔥🔥", "likes": -3}),
        "",
        json.dumps({"post_id": "5", "posted_at": "2026-10-01T10:00:00Z", "body": "good one ✅"}),
    ]
    window = Window.for_day(date(2026, 9, 21))  # 1790000000 = 2026-09-21T14:13:20Z
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl", window=window)
    assert [r.native_id for r in records] == ["1"]
    _, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    reasons = sorted(r.reason for r in rejects)
    assert reasons == [
        "expected a JSON object, got list",
        "invalid JSON: Unterminated string starting at (column 63)",
        "likes -3 is negative",
        "text holds an invalid unicode escape (a lone surrogate)",
    ]


def test_mapped_column_missing_from_header_fails_the_source(tmp_path):
    with pytest.raises(ValueError, match="CSV header lacks the mapped column"):
        fetch(tmp_path, "id,when,what\n1,2026-10-01T00:00:00Z,hi\n")


def test_missing_file_fails_the_source(tmp_path):
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "nothing-*.csv"}}]))
    with pytest.raises(FileNotFoundError, match=r"no file matches path 'nothing-\*\.csv'"):
        list(build_source(cfg, cfg.brands[0], "drop").fetch(DAY))


def test_excel_bom_and_crlf(tmp_path):
    data = "\ufeff" + csv_rows(NIGHT_ROWS[:2]).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    records, rejects = fetch(tmp_path, data.encode("utf-8"))
    assert [r.native_id for r in records] == ["n1", "n2"] and rejects == []
    assert not any("\r" in r.text for r in records)


def test_empty_file_yields_nothing(tmp_path):
    assert fetch(tmp_path, b"") == ([], [])
