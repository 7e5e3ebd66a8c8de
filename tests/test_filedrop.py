"""The file-drop source: column mapping, windows, and input that must not trick it."""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import re
import time
import zipfile
from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ConfigError, load_config
from pipeline.files import PatternTooWide, matching_files
from pipeline.records import (
    UNREADABLE,
    BadExport,
    CsvLines,
    Pseudonymiser,
    Record,
    Reject,
    Window,
    bounded_lines,
    csv_delimiter,
    detect_language,
)
from pipeline.sources import build_source
from tests.helpers import COLUMNS, MENTIONS_HEADER, NIGHT_ROWS, brandpulse, csv_rows, write_config

DAY = Window.for_day(date(2026, 10, 1))


def fetch(tmp_path, content: bytes | str, name="acme.csv", brand="Acme", window=DAY):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    cfg = load_config(write_config(tmp_path, [{"name": brand, "files": {"drop": name}}]))
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
        "bad3": "likes [not shown: 4 characters: letters] is not a whole number",  # a word may be a name
    }
    n3 = next(r for r in records if r.native_id == "n3")
    assert n3.created_at == "2026-10-01T10:00:00+00:00"  # offsets are converted to UTC
    n2 = next(r for r in records if r.native_id == "n2")
    assert n2.engagement == 40 and n2.platform == "reddit" and n2.channel == "r/test" and n2.language == "en"


@pytest.mark.parametrize(
    "text, language",
    [  # the demo's posts typed in capitals: py3langid read them as Galician, Nigerian Pidgin, Sesotho
        ("WSZYSTKO DOSZŁO W IDEALNYM STANIE, KARTON JAK NOWY. PACZKOLOT 👌 Dobra robota! 💪❤️💪 #vinted", "pl"),
        ("EMAILED PARCELO 2 TIMES, GOT THE SAME COPY-PASTE REPLY EVERY TIME, Just awful.", "en"),
        ("Not gonna lie, NOVA BANK SUBSCRIPTION TRACKER FOUND TWO THINGS I FORGOT TO CANCEL", "en"),
        ("Paczkolot masakra jakaś, kurier znowu nie przyjechał", "pl"),  # a brand's capital alone changes nothing
    ],
)
def test_a_post_typed_in_capitals_gets_its_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text, language",
    [  # a link's letters kept a post in capitals in upper case ("zxx", no language; Nigerian Pidgin), and a text
        # with no word but its handles and links got a language of them (Afrikaans, Italian, "zxx")
        (
            "PACZKA NIE DOSZŁA, KURIER ZNOWU NIE PRZYJECHAŁ https://pbs.twimg.com/media/2mynVCKkqFxXUabcdefghij?format=jpg",
            "pl",
        ),
        ("NOVABANK FROZE MY CARD 🙄 https://i.redd.it/xfkxGuN.png", "en"),
        ("@brand ?", None),
        ("@parcelo @support @help", None),
        ("https://t.co/abc123", None),
        ("@parcelo where is my parcel https://t.co/abc", "en"),
    ],
)
def test_links_and_handles_have_no_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text, language",
    [  # py3langid's guess on a few words was stored as a language (Slovenian, Lithuanian, Esperanto, Latin), and
        # the terms read the post by that language's rules; a short text it is sure of keeps its language
        ("NOVABANK FFS", None),
        ("Novabank = pain", None),
        ("no refund", None),
        ("refund pls", None),  # the docstring's example (Danish)
        ("super", None),
        ("Nie polecam", "pl"),
        ("Pakket niet ontvangen", "nl"),
    ],
)
def test_a_low_confidence_guess_is_no_language(text, language):
    assert detect_language(text) == language


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
    assert records and all(r.brand == "rob-s-best-cafe-drop-table-mentions-s-x" for r in records)


def test_jsonl_rows(tmp_path):
    lines = [
        json.dumps({"post_id": 1, "posted_at": 1790000000, "body": "unix seconds work", "likes": 2}),
        '{"post_id": "2", "posted_at": "2026-10-01T10:00:00Z", "body": "truncated',
        json.dumps(["not", "an", "object"]),
        json.dumps({"post_id": "3", "posted_at": "2026-10-01T10:00:00Z", "body": "\ud800 lone surrogate"}),
        json.dumps({"post_id": "4", "posted_at": "2026-10-01T10:00:00Z", "body": "emoji only 🔥🔥", "likes": -3}),
        "",
        json.dumps({"post_id": "5", "posted_at": "2026-10-01T10:00:00Z", "body": "good one ✅"}),
        json.dumps({"post_id": "6", "posted_at": "2026-10-01T10:00:00Z", "body": "fine", "link": "\ud83d"}),
    ]
    window = Window.for_day(date(2026, 9, 21))  # 1790000000 = 2026-09-21T14:13:20Z
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl", window=window)
    assert [r.native_id for r in records] == ["1"]
    _, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    reasons = sorted(r.reason for r in rejects)
    assert reasons == [
        "body holds an invalid unicode escape (a lone surrogate)",  # the column that holds it
        "expected a JSON object, got list",
        "invalid JSON: Unterminated string starting at (column 63)",
        "likes -3 is negative",
        "link holds an invalid unicode escape (a lone surrogate)",  # not "text": the body is fine
    ]


@pytest.mark.parametrize("indent", [2, None])
def test_a_json_export_that_is_one_array_fails_the_source_naming_it(tmp_path, indent):
    """A .json export holding one array (pretty or on one line) is no JSON Lines: each of its lines was a junk
    reject ("invalid JSON: Expecting value") and none of its rows loaded, night after night."""
    rows = [{"post_id": f"p{n}", "posted_at": "2026-10-01T10:00:00Z", "body": "acme"} for n in range(2)]
    with pytest.raises(BadExport, match=r"acme\.json: line 2 starts a JSON array.*not JSON Lines"):
        fetch(tmp_path, "\n" + json.dumps(rows, indent=indent), name="acme.json")


def test_jsonl_rejects_never_keep_an_author_name(tmp_path):
    """A line that is not a JSON object (a stray comma, an array, a pretty-printed file's lines) is kept as
    unreadable, keyed by its text, since its author cannot be found to hash; an author that is no text is hashed
    like one that is. The quarantine never holds names."""
    from pipeline.records import UNREADABLE

    ok = {"post_id": "1", "posted_at": "2026-10-01T10:00:00Z", "body": "acme ok"}
    lines = [
        json.dumps({**ok, "author": "Jane Doe"})[:-1] + ", }",  # a trailing comma: invalid JSON
        json.dumps([{**ok, "author": "Jane Doe"}]),  # an array
        '  "author": "Jane Doe",',  # a line of a pretty-printed JSON file
        json.dumps({**ok, "post_id": "2", "author": {"name": "Jane Doe"}, "likes": -1}),  # no text, and rejected
        json.dumps({**ok, "post_id": "3", "author": ["Jane Doe"], "likes": -1}),
    ]
    _, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert len(rejects) == 5 and not any("Jane Doe" in r.raw_record for r in rejects)
    assert [r.raw_record for r in rejects[:3]] == [UNREADABLE] * 3
    assert len({r.quarantine_id for r in rejects[:3]}) == 3  # keyed by their lines all the same
    hashed = [json.loads(r.raw_record)["author"] for r in rejects[3:]]
    assert all(h.startswith("hmac:") for h in hashed) and hashed[0] != hashed[1]


def test_mapped_column_missing_from_header_fails_the_source(tmp_path):
    with pytest.raises(BadExport, match=r"lacks the mapped column.*see brands\[0\]\.sources\[0\]\.columns in"):
        fetch(tmp_path, "id,when,what\n1,2026-10-01T00:00:00Z,hi\n")
    # an optional one too: a renamed likes column would have counted every row's engagement 0
    renamed = MENTIONS_HEADER.replace("likes", "favs") + "1,twitter,,u,2026-10-01T10:00:00Z,acme,,5,0\n"
    with pytest.raises(ValueError, match=r"acme.csv: CSV header lacks the mapped column\(s\) likes; it has post_id"):
        fetch(tmp_path, renamed)
    # an export without its header row: its first row's cells (an author's name) are described, never quoted
    with pytest.raises(BadExport, match=r"\[not shown: 8 characters: letters, spaces\].*lack its header row") as err:
        fetch(tmp_path, "1,twitter,,Jane Doe,2026-10-01T10:00:00Z,acme,,5,0\n")
    assert "Jane Doe" not in str(err.value)


def test_an_export_without_its_header_row_whose_first_cell_is_a_long_unspaced_text_fails_at_once(tmp_path):
    """Whether a header's cell is an e-mail address (a row of data, not a header) was tried from every start inside
    a cell without an @: a review in Japanese (no spaces) first in an export without its header row took 35 s at
    80,000 characters, and hours at the 8 MiB a cell may hold, before the night could say the header was missing."""
    review = "配達が遅すぎて荷物が届きません" * 20_000  # 300,000 characters, no space
    started = time.monotonic()
    with pytest.raises(BadExport, match=r"\[not shown: 300000 characters: letters\].*lack its header row"):
        fetch(tmp_path, f"{review},1,twitter,,u,2026-10-01T10:00:00Z\n")
    assert time.monotonic() - started < 60  # a hang bound (it takes a fraction of a second)


def test_a_header_with_spaces_around_its_column_names_loads(tmp_path):
    """An export whose header names its columns with spaces around them (``post_id ,platform , body``, a byte-order
    mark before them) failed the source every night, "lacking" the columns it had; the survey importer reads such a
    header, and so does the file drop now."""
    header = "\ufeff" + ", ".join(f" {h} " for h in MENTIONS_HEADER.strip().split(",")) + "\r\n"
    records, rejects = fetch(tmp_path, header + "1,twitter,,u,2026-10-01T10:00:00Z,acme,,5,0\r\n")
    assert [(r.native_id, r.text, r.engagement) for r in records] == [("1", "acme", 5)] and rejects == []


def test_a_row_dated_years_ahead_is_quarantined_not_left_for_a_later_night(tmp_path):
    """A mistyped year (2062 for 2026) is after every window a night will read for decades: quarantined with the
    reason, not counted among the rows a later night reads. Tomorrow's rows still wait for tomorrow's night."""
    rows = "1,twitter,,u,2062-10-01T10:00:00Z,acme typo,,1,0\n2,twitter,,u,2026-10-02T10:00:00Z,acme tomorrow,,1,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert records == [] and [r.reason for r in rejects] == ["posted_at 2062-10-01 10:00:00 UTC is in the future"]
    assert json.loads(rejects[0].raw_record)["post_id"] == "1"


def test_a_row_dated_before_2000_is_quarantined_not_skipped_as_before_the_window(tmp_path):
    """A placeholder time (0, or a year alone, which reads as Unix seconds) was counted among the rows before the
    window, "only a backfill of its day reads it": a backfill of 1970. Quarantined with the time it was read as,
    as the network sources quarantine theirs (sources.base.implausible)."""
    rows = (
        "1,twitter,,u,0,acme zero,,1,0\n2,twitter,,u,2026,acme year,,1,0\n3,twitter,,u,2026-10-01T10:00:00Z,acme,,1,0\n"
    )
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [r.native_id for r in records] == ["3"]
    assert [r.reason for r in rejects] == [
        "posted_at 1970-01-01 00:00:00 UTC is implausible (before 2000)",
        "posted_at 1970-01-01 00:33:46 UTC is implausible (before 2000)",
    ]


def test_empty_unmapped_columns_at_the_end_of_the_header_are_no_problem(tmp_path):
    """Excel exports often end every line with empty columns ("...,,"): they repeat the empty name but are not
    read, so the file loads; a mapped column that repeats still fails the source."""
    header = MENTIONS_HEADER.rstrip("\n") + ",,\n"
    records, rejects = fetch(tmp_path, header + "1,twitter,,u,2026-10-01T10:00:00Z,acme,,5,0,,\n")
    assert [(r.native_id, r.engagement) for r in records] == [("1", 5)] and rejects == []
    with pytest.raises(ValueError, match=r"CSV header repeats the mapped column\(s\) likes"):
        fetch(tmp_path, MENTIONS_HEADER.rstrip("\n") + ",likes\n1,twitter,,u,2026-10-01T10:00:00Z,acme,,5,0,7\n")


def test_a_file_name_that_is_not_utf8_fails_the_source_naming_it(tmp_path):
    """A file whose name another system wrote in Latin-1 (caf\\xe9.csv): its rows' locations and the source's
    state could not be written as UTF-8 JSON, so the source fails, saying so and which file, every night until it
    is renamed (it failed before too, with "'utf-8' codec can't encode character")."""
    import os

    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "*.csv"}}]))
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.csv"), "wb") as fh:
        fh.write((MENTIONS_HEADER + "1,twitter,,u,2026-10-01T10:00:00Z,acme,,1,0\n").encode())
    with pytest.raises(ValueError, match=r"caf\\xe9\.csv: the file's name is not UTF-8 .*; rename it"):
        list(build_source(cfg, cfg.brands[0], "drop").fetch(DAY))


def fetch_set(tmp_path, content: bytes, name="acme.csv", window=DAY, **settings):
    """:func:`fetch` with the source's ``settings`` (``encoding``, ``delimiter``) in its config."""
    (tmp_path / name).write_bytes(content)
    doc = {
        "brands": [{"name": "Acme", "sources": [{"type": "file_drop", "name": "drop", "path": name, **settings,
                                                 "columns": COLUMNS}]}],
        "staging_dir": "staging",
    }  # fmt: skip
    (tmp_path / "brandpulse.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    cfg = load_config(tmp_path / "brandpulse.yaml")
    items = list(build_source(cfg, cfg.brands[0], "drop").fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


POLISH_HEADER = "post_id;platform;channel;author;posted_at;body;link;likes;replies\r\n"


def test_a_polish_excel_export_with_semicolons_in_windows_1250_loads_every_row(tmp_path):
    """Excel in Poland saves "CSV" split at semicolons, in Windows-1250 without a byte-order mark: read as UTF-8
    and split at commas, its header was one column (the source failed) and every row with a Polish letter was
    quarantined. Every line read again on its own (a quote left open, a header repeated) is split at ';' too."""
    texts = {
        "p1": "Przesyłka doszła, żółw byłby szybszy, ale ok",
        "p2": "Świetna obsługa; kurier miły, ósmy raz zamawiam",
        "p3": "Paczka dotarła.\r\nDziękuję, łódź z Gdańska",
        "g1": "już działa, dziękuję",
    }
    lines = [
        POLISH_HEADER,
        f"p1;facebook;;Łukasz Żak;2026-10-01T10:00:00Z;{texts['p1']};https://x/p1;3;0\r\n",
        f'p2;facebook;;Zofia Ół;2026-10-01T11:00:00Z;"{texts["p2"]}";https://x/p2;1;0\r\n',
        f'p3;facebook;;Jan;2026-10-01T12:00:00Z;"{texts["p3"]}";https://x/p3;2;1\r\n',
        POLISH_HEADER,  # exports joined into one file
        'b1;twitter;;Jan;2026-10-01T09:00:00Z;"ekran 12"" pękł;https://x/b1;1;0\r\n',  # a quote left open
        f"g1;twitter;;Ela;2026-10-01T13:00:00Z;{texts['g1']};https://x/g1;1;0\r\n",
    ]
    data = "".join(lines).encode("cp1250") + b"x1;twitter;;Ola;2026-10-01T14:00:00Z;z\x98le;https://x/x1;1;0\r\n"
    records, rejects = fetch_set(tmp_path, data, encoding="cp1250")
    assert {r.native_id: r.text for r in records} == texts
    assert {r.native_id: r.engagement for r in records} == {"p1": 3, "p2": 1, "p3": 3, "g1": 1}
    assert [(r.reason, r.location.rsplit(":", 1)[1]) for r in rejects] == [
        (
            "row has 6 fields, the header has 9; lines 7-9 ran together as one row of 6 fields to the end of the "
            "file (a quote left open?); each was read alone",
            "7",
        ),
        ("row is not valid cp1250", "9"),  # 0x98: no character in Windows-1250
    ]
    assert "z\\x98le" in rejects[1].raw_record and "Ola" not in rejects[1].raw_record  # author hashed


def test_a_csv_utf_8_export_dropped_where_windows_1250_ones_land_is_read_as_utf_8(tmp_path):
    """Excel's "CSV UTF-8" starts with a byte-order mark: with ``encoding: cp1250`` its Polish letters were read as
    other letters ("Å‚" for "ł"), no row refused and no word said. The mark says UTF-8, whatever the setting."""
    line = "p1;facebook;;Ola;2026-10-01T10:00:00Z;Przesyłka doszła, dziękuję;https://x/p1;3;0\r\n"
    records, rejects = fetch_set(tmp_path, b"\xef\xbb\xbf" + (POLISH_HEADER + line).encode("utf-8"), encoding="cp1250")
    assert [r.text for r in records] == ["Przesyłka doszła, dziękuję"] and rejects == []


def test_a_utf_8_export_without_a_byte_order_mark_dropped_where_windows_1250_ones_land_is_read_as_utf_8(tmp_path):
    """A listening tool's or Google Sheets' CSV is UTF-8 without a byte-order mark: read as cp1250, which has a
    character for nearly every byte, "dziękuję" was stored as "dziÄ™kujÄ™" with no word (a row with an "Ł" was
    quarantined as not cp1250 instead). Bytes beyond ASCII that are all UTF-8 say UTF-8, as the mark does."""
    texts = {"p1": "Przesyłka doszła, dziękuję", "p2": "Zamówienie z Łodzi ok"}
    lines = "".join(f"{k};facebook;;Ola;2026-10-01T10:00:00Z;{v};https://x/{k};3;0\r\n" for k, v in texts.items())
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + lines).encode("utf-8"), encoding="cp1250")
    assert {r.native_id: r.text for r in records} == texts and rejects == []
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + lines).encode("cp1250"), encoding="cp1250")
    assert {r.native_id: r.text for r in records} == texts and rejects == []  # cp1250 itself still reads


def test_the_encoding_of_an_export_is_judged_by_its_first_bytes_beyond_ascii_wherever_they_are(tmp_path):
    """The check read only what the open file held read ahead (8 KiB): a UTF-8 export whose first 8 KiB were ASCII
    was read as cp1250, its "przesyłka" stored as "przesyĹ‚ka" with no word; and a cp1250 one whose first letter
    beyond ASCII was the last byte read ahead was read as UTF-8, its Polish rows quarantined."""
    ascii_rows = "".join(
        f"a{i};facebook;;Ola;2026-10-01T10:00:00Z;ok {i:04d};https://x/a{i};3;0\r\n" for i in range(200)
    )
    late = "p1;facebook;;Ola;2026-10-01T10:00:00Z;przesyłka dotarła;https://x/p1;3;0\r\n"
    assert len((POLISH_HEADER + ascii_rows).encode()) > 8192
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + ascii_rows + late).encode("utf-8"), encoding="cp1250")
    assert {r.native_id: r.text for r in records}["p1"] == "przesyłka dotarła" and rejects == []
    # a cp1250 "ę" (0xEA, a UTF-8 lead byte when cut from the "ść" after it) as the read-ahead's last byte
    head = (POLISH_HEADER + "p2;facebook;;Ola;2026-10-01T10:00:00Z;").encode("cp1250")
    text = "x" * (8191 - len(head)) + "gęś"
    records, rejects = fetch_set(tmp_path, head + f"{text};https://x/p2;3;0\r\n".encode("cp1250"), encoding="cp1250")
    assert [r.text for r in records] == [text] and rejects == []


def test_a_windows_1250_export_whose_first_letters_beyond_ascii_happen_to_be_utf_8_is_read_as_windows_1250(tmp_path):
    """The check judged the 64 bytes from an export's first byte beyond ASCII: an all-caps "PÓŁ CENY" (0xD3 0xA3 in
    cp1250, Cyrillic "ӣ" in UTF-8) with ASCII after it made a cp1250 file UTF-8, that row stored as "PӣCENY" and
    every other Polish row quarantined as not UTF-8."""
    texts = {
        "p1": "PÓŁ CENY na wszystkie produkty do niedzieli, zapraszamy do sklepu",
        "p2": "Świetna obsługa, szybka dostawa, polecam każdemu",
        "p3": "Żółć i łzy, paczka nie doszła",
    }
    lines = "".join(f"{k};facebook;;Ola;2026-10-01T10:00:00Z;{v};https://x/{k};3;0\r\n" for k, v in texts.items())
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + lines).encode("cp1250"), encoding="cp1250")
    assert {r.native_id: r.text for r in records} == texts and rejects == []
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + lines).encode("utf-8"), encoding="cp1250")
    assert {r.native_id: r.text for r in records} == texts and rejects == []


def test_a_utf_8_export_with_one_row_of_stray_bytes_stays_utf_8(tmp_path):
    """The majority of 1745fd7 counted characters: a UTF-8 export's curly quotes and emoji (3 and 4 bytes, never
    cp1252 letters by chance) were outnumbered by one pasted cp1252 row's umlauts, and the whole file was read as
    cp1252: every other row stored "couldnâ€™t" and "ðŸ˜€", unsaid. That row alone is quarantined."""
    texts = {f"u{i}": f"Great service, couldn\u2019t be happier \U0001f600 order {i}" for i in range(4)}
    lines = "".join(f"{k};facebook;;Ola;2026-10-01T10:00:00Z;{v};https://x/{k};3;0\r\n" for k, v in texts.items())
    bad = "b1;facebook;;Ola;2026-10-01T10:00:00Z;Kundendienst völlig überfordert, Rückerstattung fällig, Lösung wäre " \
          "schön, für mich nie wieder;https://x/b1;3;0\r\n"  # fmt: skip
    content = (POLISH_HEADER + lines).encode("utf-8") + bad.encode("cp1252")
    records, rejects = fetch_set(tmp_path, content, encoding="cp1252")
    assert {r.native_id: r.text for r in records} == texts
    assert len(rejects) == 1 and "not valid UTF-8" in str(rejects[0]), rejects


def test_an_export_in_windows_1250_reads_where_os_has_no_pread(tmp_path, monkeypatch):
    """Windows' ``os`` has no ``pread``: the look for an export's first bytes beyond ASCII (e1c898f) raised
    AttributeError, a traceback for every file of a source with ``encoding: cp1250``; it is judged on what the open
    file holds read ahead there, as before."""
    import os

    monkeypatch.delattr(os, "pread")
    line = "p1;facebook;;Ola;2026-10-01T10:00:00Z;Przesyłka doszła;https://x/p1;3;0\r\n"
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + line).encode("cp1250"), encoding="cp1250")
    assert [r.text for r in records] == ["Przesyłka doszła"] and rejects == []
    records, rejects = fetch_set(tmp_path, (POLISH_HEADER + line).encode("utf-8"), encoding="cp1250")
    assert [r.text for r in records] == ["Przesyłka doszła"] and rejects == []


def test_a_dutch_export_dated_day_first_loads_with_the_sources_timestamp_format(tmp_path):
    """A Dutch CX tool's "CSV UTF-8" export dates rows ``13-10-2026 14:05``: with no setting to read it, every row
    was quarantined as not ISO-8601 (the night succeeded with nothing loaded). ``timestamp_format`` reads it, a
    quote left open still costs its own row alone, and an ISO-8601 time still reads."""
    rows = [
        "p1;twitter;;Jan de V.;01-10-2026 14:05;Fietsvoorrijder kwam niet opdagen; https://x/p1;3;0\r\n",
        'b1;twitter;;Piet;01-10-2026 09:00;"scherm 12"" kapot;https://x/b1;1;0\r\n',  # a quote left open
        "p2;twitter;;Anouk;01-10-2026 23:59;Prijs weer omhoog, jammer;https://x/p2;1;0\r\n",
        "p3;twitter;;Tom;2026-10-01T08:00:00Z;Great bikes;https://x/p3;0;0\r\n",
    ]
    data = b"\xef\xbb\xbf" + (POLISH_HEADER + "".join(rows)).encode("utf-8")
    records, rejects = fetch_set(tmp_path, data, timestamp_format="%d-%m-%Y %H:%M")
    assert {r.native_id: r.created_at for r in records} == {
        "p1": "2026-10-01T14:05:00+00:00",
        "p2": "2026-10-01T23:59:00+00:00",
        "p3": "2026-10-01T08:00:00+00:00",
    }
    assert [r.location.rsplit(":", 1)[1] for r in rejects] == ["3"]


def test_a_local_export_is_read_in_the_sources_timezone(tmp_path):
    """The same export's times are Amsterdam's: read as UTC, each row was two hours late (a 01:00 review on the day
    after it was written). ``timezone`` reads a time without an offset in that zone; one with an offset keeps it;
    a zone that does not exist is a config error."""
    rows = [
        "p1;twitter;;Jan;01-10-2026 14:05;Fietsvoorrijder kwam niet opdagen;https://x/p1;3;0\r\n",
        "p2;twitter;;Tom;2026-10-01T08:00:00Z;Great bikes;https://x/p2;0;0\r\n",
        "p3;twitter;;Ans;01-10-2026 01:30;Winterbanden te duur;https://x/p3;0;0\r\n",  # 23:30 UTC the day before
        "p4;twitter;;Eva;2026-10-01 02:30;Snel geleverd;https://x/p4;0;0\r\n",
    ]
    data = (POLISH_HEADER + "".join(rows)).encode("utf-8")
    records, _ = fetch_set(tmp_path, data, timestamp_format="%d-%m-%Y %H:%M", timezone="Europe/Amsterdam")
    assert {r.native_id: r.created_at for r in records} == {
        "p1": "2026-10-01T12:05:00+00:00",  # CEST
        "p2": "2026-10-01T08:00:00+00:00",
        "p4": "2026-10-01T00:30:00+00:00",  # ISO-8601 without an offset: Amsterdam's too
    }  # p3 is the night before's, outside this window
    with pytest.raises(ConfigError, match=r"sources\[0\]\.timezone: .*'Europe/Amsterdan' is not an IANA time zone"):
        fetch_set(tmp_path, data, timezone="Europe/Amsterdan")


def test_a_local_time_the_clocks_skip_is_quarantined_by_its_night_and_a_repeated_one_is_summer_time(tmp_path):
    """On 2026-03-29 Warsaw's clocks jump from 02:00 to 03:00: a row at 02:30 local was loaded silently as 01:30 UTC,
    a time no clock there showed (an export in another zone, or in standard time all year). It is quarantined,
    naming the zone, by the night whose window holds it only. On 2026-10-25 02:00-02:59 is written twice: a time
    without an offset there is the first, summer-time pass (rows are not always sorted to tell them apart)."""
    rows = [
        "g1;twitter;;Ola;29-03-2026 02:30;Paczka nie doszła;https://x/g1;0;0\r\n",
        "g2;twitter;;Ola;29-03-2026 03:30;Już doszła;https://x/g2;0;0\r\n",
        "f1;twitter;;Jan;25-10-2026 02:15;Kurier spóźniony;https://x/f1;0;0\r\n",
        "f2;twitter;;Jan;2026-10-25T02:15:00+01:00;Znowu spóźniony;https://x/f2;0;0\r\n",
    ]
    data = (POLISH_HEADER + "".join(rows)).encode("utf-8")
    settings = {"timestamp_format": "%d-%m-%Y %H:%M", "timezone": "Europe/Warsaw"}
    records, rejects = fetch_set(tmp_path, data, window=Window.for_day(date(2026, 3, 29)), **settings)
    assert {r.native_id: r.created_at for r in records} == {"g2": "2026-03-29T01:30:00+00:00"}
    assert [r.reason for r in rejects] == [
        "created_at 2026-03-29 02:30:00 is no time in Europe/Warsaw (the hour its clocks skip in spring); give the "
        "time with its UTC offset"
    ]
    records, rejects = fetch_set(tmp_path, data, window=Window.for_day(date(2026, 10, 25)), **settings)
    assert {r.native_id: r.created_at for r in records} == {
        "f1": "2026-10-25T00:15:00+00:00",  # CEST
        "f2": "2026-10-25T01:15:00+00:00",  # the second pass, told by its offset
    }
    assert rejects == []  # the spring row belongs to its own night only


def test_a_windows_1250_header_read_as_utf8_fails_with_a_hint_naming_the_encoding_setting(tmp_path):
    """A Polish Excel's "CSV" whose mapped column is "Treść", read as UTF-8: the error said only that Treść was
    missing, beside a header cell of lone surrogates ('Tre\\udc9c\\udce6')."""
    data = "Id;Data;Treść\r\n1;2026-10-01T10:00:00Z;Zamówienie OK\r\n".encode("cp1250")
    (tmp_path / "acme.csv").write_bytes(data)
    columns = {"native_id": "Id", "created_at": "Data", "text": "Treść"}
    source = {"type": "file_drop", "name": "drop", "path": "acme.csv", "columns": columns}
    doc = {"brands": [{"name": "Acme", "sources": [source]}], "staging_dir": "staging"}
    (tmp_path / "brandpulse.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    cfg = load_config(tmp_path / "brandpulse.yaml")
    with pytest.raises(BadExport) as caught:
        list(build_source(cfg, cfg.brands[0], "drop").fetch(DAY))
    assert r"it has Id, Data, Tre\x9c\xe6 (see" in str(caught.value)
    assert str(caught.value).endswith(
        "; its header holds bytes that are not UTF-8 (shown as \\xNN): set brands[0].sources[0].encoding to the "
        "file's encoding (cp1250 for a Polish Excel's CSV, cp1252 for a Dutch one)"
    )


def test_a_semicolon_export_read_with_delimiter_comma_fails_with_a_hint_naming_the_setting(tmp_path):
    data = (POLISH_HEADER + "p1;facebook;;Ola;2026-10-01T10:00:00Z;ok;https://x/p1;3;0\r\n").encode("cp1250")
    with pytest.raises(BadExport, match=r"lacks the mapped column.*; its header line holds semicolons but was split "
                       r"at commas: set brands\[0\]\.sources\[0\]\.delimiter to ';' \(or auto\)"):  # fmt: skip
        fetch_set(tmp_path, data, delimiter=",")
    records, _ = fetch_set(tmp_path, data.replace(b";", b"\t"), delimiter="tab")
    assert [r.text for r in records] == ["ok"]
    with pytest.raises(BadExport, match=r"holds tabs but was split at commas: set .*delimiter to tab"):
        fetch_set(tmp_path, data.replace(b";", b"\t"), delimiter=",")


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        (MENTIONS_HEADER, ","),  # today's exports
        ("post_id;posted_at;body\n", ";"),
        ("post_id\tposted_at\tbody\r\n", "\t"),
        ('"id;a;b;c",at,body\n', ","),  # semicolons inside quotes do not count
        ('id;"a,b,c,d";body\n', ";"),
        ("id;at,body\n", ","),  # a tie: a comma
        ("id;at\tbody\n", ","),
        ("body\n", ","),  # none: a comma
        ("", ","),
        ('id;"an open, quote,\n', ";"),  # a quote left open runs to the end of the line
    ],
)
def test_delimiter_auto_picks_the_most_frequent_outside_quotes_a_comma_on_a_tie(line, delimiter):
    assert csv_delimiter(line) == delimiter
    assert csv_delimiter(line, ";") == ";"  # a delimiter set is used as it is


def test_missing_file_fails_the_source(tmp_path):
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "nothing-*.csv"}}]))
    with pytest.raises(FileNotFoundError, match=r"no file matches path 'nothing-\*\.csv'"):
        list(build_source(cfg, cfg.brands[0], "drop").fetch(DAY))


def test_excel_bom_crlf_multiline_and_blank_lines(tmp_path):
    rows = [("n1", "2026-10-01T10:00:00Z", "first line\r\nsecond line"), ("bad", "2026-10-01T11:00:00Z", " ")]
    data = "\ufeff" + csv_rows(rows) + "\r\n\r\n"  # Excel: BOM, CRLF, trailing blank lines
    records, rejects = fetch(tmp_path, data.encode("utf-8"))
    assert [r.native_id for r in records] == ["n1"] and records[0].text == "first line\r\nsecond line"
    assert [r.reason for r in rejects] == ["body (text) is empty"]
    assert rejects[0].location.endswith("acme.csv:4")  # the physical line, after a two-line record


def test_quarantine_holds_no_author_names(tmp_path):
    data = csv_rows([("q1", "2026-10-01T10:00:00Z", "  ")]) + "q2,reddit,,bob,2026-10-01T10:00:00Z,hi,x,1,0,EXTRA\n"
    _, rejects = fetch(tmp_path, data)
    assert len(rejects) == 2
    for r in rejects:
        assert "user_q1" not in r.raw_record and '"bob"' not in r.raw_record and "hmac:" in r.raw_record
    hashed = Pseudonymiser(None)
    assert json.loads(rejects[1].raw_record)["_extra_cells"] == [f"hmac:{hashed('EXTRA')}"]  # nothing is dropped


def test_quarantine_keeps_the_mapped_columns_only(tmp_path):
    """An export's columns the config does not map (a listening tool's "Full Name", "Email", "IP") were kept in
    clear in a quarantined row's raw record, beside the mapped author's hash. Only the mapped columns are kept, as
    a survey row's; the key still hashes the whole row, so a row quarantined before keeps its one row."""
    header = MENTIONS_HEADER.strip() + ",Full Name,Email\n"
    bad = "q1,reddit,r/acme,jdoe,not a time,acme broke,https://x/1,1,0,Jane Doe,jane@example.com\n"
    _, rejects = fetch(tmp_path, header + bad)
    assert len(rejects) == 1 and "is not an ISO-8601 timestamp" in rejects[0].reason, rejects
    raw = json.loads(rejects[0].raw_record)
    assert set(raw) == set(MENTIONS_HEADER.strip().split(",")) and raw["author"].startswith("hmac:")
    assert "Jane" not in rejects[0].raw_record and "example.com" not in rejects[0].raw_record
    _, again = fetch(tmp_path, header + bad.replace("Jane Doe", "J. Doe"))
    assert again[0].quarantine_id != rejects[0].quarantine_id  # keyed by the whole row, as before


def test_a_row_of_the_wrong_width_keeps_no_cell_in_clear(tmp_path):
    """A row with more or fewer cells than the header has its cells shifted against it, so the author's name can
    sit under any column: an unquoted comma before the author (an extra cell) moves it right, a missing cell
    before it left; two commas before it and a row cut short by one move it two right in a row one cell too
    wide. Every cell is kept as its keyed hash (an empty one stays empty)."""
    lines = [
        MENTIONS_HEADER.strip(),
        "p1,twitter,London, UK,Jane Q. Customer,2026-10-01T10:00:00Z,acme is fine,https://x/1,1,0",
        "p2,twitter,John Realname,2026-10-01T10:00:00Z,acme ok,https://x/2,1,0",
        "p3,twitter,Leeds, West Yorkshire, UK,Mary Example,2026-10-01T10:00:00Z,acme ok,https://x/3,1",
    ]
    _, rejects = fetch(tmp_path, "\n".join(lines) + "\n")
    assert [r.reason for r in rejects] == [
        "row has 10 fields, the header has 9",
        "row has 8 fields, the header has 9",
        "row has 10 fields, the header has 9",
    ]
    hashed, names = Pseudonymiser(None), ["Jane Q. Customer", "John Realname", "Mary Example"]
    for r, line, name in zip(rejects, lines[1:], names, strict=True):
        assert name not in r.raw_record
        raw = json.loads(r.raw_record)
        cells = [*(v for k, v in raw.items() if k != "_extra_cells"), *raw.get("_extra_cells", [])]
        assert cells == [f"hmac:{hashed(c)}" for c in line.split(",")]  # each cell, in its order, hashed
    assert json.loads(rejects[1].raw_record)["channel"] == f"hmac:{hashed('John Realname')}"
    _, rejects = fetch(tmp_path, MENTIONS_HEADER + "p4,twitter,,Jane Q. Customer,2026-10-01T10:00:00Z,acme\n")
    assert json.loads(rejects[0].raw_record)["channel"] == ""  # the row's shape shows


def test_a_name_shifted_under_created_at_is_in_no_reason_and_no_raw_record(tmp_path):
    """A row whose shifts cancel out (an unquoted comma in the channel, the last cell missing) has the header's
    width, so it is read as a row: the author's name lies under created_at, the time under body, and so on. The
    reason does not quote a value that does not look like its column's (it describes it), and the raw record keeps
    such a cell of a typed column described too; the key hashes the row as a night before kept it."""
    import hashlib

    from pipeline.records import escape_raw

    line = "s1,twitter,r/acme,b,Jane Doe,2026-10-01T09:00:00Z,acme is great,https://x/s1,1"
    _, rejects = fetch(tmp_path, MENTIONS_HEADER + line + "\n")
    [reject] = rejects
    assert reject.reason == "created_at [not shown: 8 characters: letters, spaces] is not an ISO-8601 timestamp"
    assert "Jane" not in reject.raw_record
    raw, hashed = json.loads(reject.raw_record), Pseudonymiser(None)
    assert raw["posted_at"] == "[not shown: 8 characters: letters, spaces]"
    assert raw["likes"] == "[not shown: 12 characters: letters, digits, other]"  # the link, under an engagement column
    assert (raw["author"], raw["body"], raw["replies"]) == (f"hmac:{hashed('b')}", "2026-10-01T09:00:00Z", "1")
    before = dict(zip(MENTIONS_HEADER.strip().split(","), line.split(","), strict=True))
    content = escape_raw(json.dumps({**before, "author": f"hmac:{hashed('b')}"}, ensure_ascii=False))
    key = hashlib.sha256("\x1f".join([reject.brand, reject.source, content, "1"]).encode()).hexdigest()[:32]
    assert reject.quarantine_id == key  # as kept before 0017: 0017 re-keys it to this, so it is not added again
    # a value that looks like a time is quoted as it was; so are placeholders and numbers
    line = "s2,twitter,,u,13/10/2026 09:00,acme,https://x/s2,n/a,-3"
    _, rejects = fetch(tmp_path, MENTIONS_HEADER + line + "\n", window=Window.for_day(date(2026, 10, 13)))
    assert [r.reason for r in rejects] == ["created_at '13/10/2026 09:00' is not an ISO-8601 timestamp"]
    assert json.loads(rejects[0].raw_record)["likes"] == "n/a"


def test_jsonl_lines_quarantined_whole_hold_no_author_names_either(tmp_path, monkeypatch):
    """A JSON Lines object that is not valid UTF-8, or too long, is quarantined whole: its author is hashed all
    the same (its bad bytes shown as U+FFFD)."""
    monkeypatch.setattr("pipeline.sources.filedrop.MAX_FIELD", 400)
    row = {"post_id": "1", "author": "Jane Doe", "posted_at": "2026-10-01T10:00:00Z"}
    latin1 = json.dumps({**row, "body": "café"}, ensure_ascii=False).encode("latin-1")
    long = json.dumps({**row, "post_id": "2", "body": "x" * 500}).encode()
    after = json.dumps({**row, "post_id": "3", "body": "acme after the long line"}).encode()
    records, rejects = fetch(tmp_path, latin1 + b"\n" + long + b"\n" + after, name="acme.jsonl")
    reasons = ["line is 587 bytes, over the 400-byte limit", "line is not valid UTF-8"]
    assert sorted(r.reason for r in rejects) == reasons
    bad_bytes, too_long = sorted(rejects, key=lambda r: r.reason, reverse=True)
    assert "Jane Doe" not in bad_bytes.raw_record and json.loads(bad_bytes.raw_record)["author"].startswith("hmac:")
    assert too_long.raw_record == UNREADABLE  # only its first 402 bytes were read: no JSON object to redact
    assert [r.native_id for r in records] == ["3"]  # the rest of the long line is passed over, not the next line


def test_bounded_lines_holds_no_more_than_the_limit_of_a_line():
    data = b"short\n" + b"y" * 5000 + b"\nnext\n" + b"z" * 3000
    lines = list(bounded_lines(io.BytesIO(data), 100))
    assert [(blob[:5], len(blob), size) for blob, size in lines] == [
        (b"short", 6, 5),
        (b"yyyyy", 102, 5000),
        (b"next\n", 5, 4),
        (b"zzzzz", 102, 3000),
    ]
    # a line of exactly the limit is whole, whatever its line break; one byte more is over it
    data = b"a" * 100 + b"\n" + b"b" * 100 + b"\r\n" + b"c" * 101 + b"\r\n" + b"d" * 100
    assert [(blob[:1], len(blob), size) for blob, size in bounded_lines(io.BytesIO(data), 100)] == [
        (b"a", 101, 100),
        (b"b", 102, 100),
        (b"c", 102, 101),
        (b"d", 100, 100),
    ]


def test_values_no_rule_foresaw_are_quarantined_not_fatal(tmp_path):
    lines = [
        "\ufeff" + json.dumps({"post_id": "bom", "posted_at": "2026-10-01T09:00:00Z", "body": "first line has a BOM"}),
        json.dumps({"post_id": "ms", "posted_at": 1790000000000, "body": "epoch in milliseconds"}),
        '{"post_id": "big", "posted_at": "2026-10-01T10:00:00Z", "body": "x", "likes": ' + "9" * 5000 + "}",
        json.dumps({"post_id": "inf", "posted_at": "2026-10-01T10:00:00Z", "body": "x", "likes": 1e400}),
    ]
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [r.native_id for r in records] == ["bom"]
    reasons = [r.reason for r in rejects]
    assert reasons[0] == "created_at 1790000000000 is not a Unix time in seconds"
    assert reasons[1].startswith("invalid JSON: Exceeds the limit")
    assert reasons[2] == "likes 'inf' is not a whole number"


def test_json_lines_exports_joined_with_their_byte_order_marks_are_read_whole(tmp_path):
    """Two exports each starting with a BOM, joined (cat a.jsonl b.jsonl): the second file's first line starts
    with a BOM too; it was quarantined as invalid JSON ('Unexpected UTF-8 BOM')."""
    first = json.dumps({"post_id": "a1", "posted_at": "2026-10-01T09:00:00Z", "body": "first export"})
    second = json.dumps({"post_id": "b1", "posted_at": "2026-10-01T10:00:00Z", "body": "second export"})
    records, rejects = fetch(tmp_path, f"\ufeff{first}\n\ufeff{second}\n", name="acme.jsonl")
    assert [r.native_id for r in records] == ["a1", "b1"] and rejects == []


def test_a_csv_time_in_unix_milliseconds_gets_the_reason_json_gets(tmp_path):
    """A number in a CSV cell is read as Unix seconds like a JSON number; in milliseconds it says so, not that it
    is no ISO-8601 timestamp."""
    rows = "ms,twitter,,u,1727740800000,acme,,1,0\ns,twitter,,u,1790000000,acme,,1,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows, window=Window.for_day(date(2026, 9, 21)))
    assert [r.native_id for r in records] == ["s"]
    assert [r.reason for r in rejects] == ["created_at 1727740800000 is not a Unix time in seconds"]


def test_whole_numbers_written_as_floats_count(tmp_path):
    """JSON's 12.0 and a spreadsheet's "3.0" are whole numbers; 2.5 is not."""
    base = {"posted_at": "2026-10-01T09:00:00Z", "body": "acme"}
    lines = [
        json.dumps({**base, "post_id": "f", "likes": 12.0, "replies": "3.0"}),
        json.dumps({**base, "post_id": "half", "likes": 2.5}),
    ]
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [(r.native_id, r.engagement) for r in records] == [("f", 15)]
    assert [r.reason for r in rejects] == ["likes '2.5' is not a whole number"]


def test_a_thousand_with_a_decimal_comma_locales_point_is_not_read_as_one(tmp_path):
    """A Dutch or Polish export writes a thousand likes "1.000": read as the float 1.0 it counted 1, silently
    (while "1.500" and "1,000" were refused). It is refused as ambiguous; "12.0" and "1000" still count."""
    rows = (
        "k,twitter,,u,2026-10-01T09:00:00Z,acme,,1.000,0\nf,twitter,,u,2026-10-01T09:00:00Z,acme,,12.0,1000\n"
        "m,twitter,,u,2026-10-01T09:00:00Z,acme,,0,12.000\nz,twitter,,u,2026-10-01T09:00:00Z,acme,,0.000,1\n"
    )
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [(r.native_id, r.engagement) for r in records] == [("f", 1012), ("z", 1)]
    assert [r.reason for r in rejects] == [
        "likes '1.000' is ambiguous: 1000, or 1?",
        "replies '12.000' is ambiguous: 12000, or 12?",
    ]


def test_thousands_grouped_by_a_space_count_as_one_number(tmp_path):
    """A Polish, Dutch or French spreadsheet groups a thousand likes "1 234" (a space, a no-break or a narrow
    no-break space): every post of 1,000 likes or more was quarantined as "not a whole number", leaving the most
    engaged posts out of the volume and the share negative. A space is no decimal mark: one count."""
    rows = (
        "a,twitter,,u,2026-10-01T09:00:00Z,acme,,1 234,0\nb,twitter,,u,2026-10-01T09:00:00Z,acme,,1\u00a0000,2\n"
        "c,twitter,,u,2026-10-01T09:00:00Z,acme,,12\u202f345\u202f678,0\n"
        "d,twitter,,u,2026-10-01T09:00:00Z,acme,,12 34,0\n"
    )
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [(r.native_id, r.engagement) for r in records] == [("a", 1234), ("b", 1002), ("c", 12345678)]
    assert [r.reason for r in rejects] == ["likes '12 34' is not a whole number"]


def test_duplicate_header_fails_the_source(tmp_path):
    with pytest.raises(ValueError, match=r"CSV header repeats the mapped column\(s\) body"):
        fetch(tmp_path, MENTIONS_HEADER.rstrip("\n") + ",body\n1,r,,a,2026-10-01T00:00:00Z,x,y,1,0,z\n")


def test_empty_export_fails_the_source_but_header_only_is_fine(tmp_path):
    with pytest.raises(ValueError, match="the export is empty"):
        fetch(tmp_path, b"")
    for blank, name in ((b"\xef\xbb\xbf", "acme.csv"), (b"\n\r\n  \n", "acme.jsonl")):  # a BOM alone; blank lines
        with pytest.raises(ValueError, match="the export holds nothing but blank lines"):
            fetch(tmp_path, blank, name=name)
    assert fetch(tmp_path, csv_rows([])) == ([], [])


@pytest.mark.parametrize(
    "encoding, name, said",
    [
        ("utf-16", "acme.csv", "is UTF-16 (it starts with the UTF-16 byte-order mark)"),  # Excel's "Unicode text"
        ("utf-16-le", "acme.csv", "holds NUL bytes"),  # no mark
        ("utf-32", "acme.jsonl", "is UTF-32"),
    ],
)
def test_a_utf16_or_utf32_export_fails_the_source_naming_the_encoding(tmp_path, encoding, name, said):
    """Read as UTF-8, a UTF-16 file is a header of spaced-out letters (CSV) or every line in quarantine (JSONL):
    the file fails the source instead, saying what it is and what to do, and no NUL reaches the message."""
    text = csv_rows(NIGHT_ROWS) if name.endswith(".csv") else json.dumps({"post_id": "1", "body": "acme"}) + "\n"
    with pytest.raises(ValueError, match=re.escape(said) + r".*not UTF-8; export or save it as UTF-8") as caught:
        fetch(tmp_path, text.encode(encoding), name=name)
    assert str(caught.value).startswith(str(tmp_path / name)) and "\x00" not in str(caught.value)


@pytest.mark.parametrize("name", ["acme.jsonl", "acme.csv"])
def test_a_gzipped_or_zipped_export_fails_the_source_saying_so(tmp_path, name):
    """Read as text, a gzip'd JSON Lines export was lines of bytes in quarantine and no row while the source read
    as succeeded, and an .xlsx saved as .csv failed as a header to read in cp1250: the source fails, naming what
    the file is and what to do."""
    text = csv_rows(NIGHT_ROWS) if name.endswith(".csv") else json.dumps({"post_id": "1", "body": "acme"}) + "\n"
    if name.endswith(".jsonl"):
        packed, said = gzip.compress(text.encode() * 200), "is gzip-compressed, not a text export"
    else:
        with zipfile.ZipFile(buffer := io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", text)
        packed, said = buffer.getvalue(), "is a zip archive (an .xlsx workbook is one), not a text export"
    with pytest.raises(BadExport, match=re.escape(f"{name}: the file {said}")):
        fetch(tmp_path, packed, name=name)


def test_a_csv_line_past_the_field_limit_fails_the_source_without_reading_it_whole(tmp_path, monkeypatch):
    """A file with no line break (binary, or rows that are not on lines) is not read into memory whole; it fails
    the source as an export no row can be read from (BadExport: the command line says so without a traceback)."""
    monkeypatch.setattr("pipeline.records.MAX_FIELD", 1000)
    text = csv_rows(NIGHT_ROWS[:1]) + "x," * 5000
    with pytest.raises(BadExport, match=r"acme.csv: line 3 runs over 1000 characters without a line break"):
        fetch(tmp_path, text)

    class Counted(io.StringIO):
        def readline(self, size=-1):
            line = super().readline(size)
            longest.append(len(line))
            return line

    longest: list[int] = []
    with pytest.raises(ValueError, match="line 2 runs over"):
        list(CsvLines(Counted("a,b\n" + "x" * 50_000), "f.csv"))
    assert max(longest) == 1001  # never the whole line


def test_platforms_filter_leaves_other_platforms_to_their_own_sources(tmp_path):
    import yaml

    text = MENTIONS_HEADER + (
        "a,reddit,r/x,u,2026-10-01T08:00:00Z,acme on reddit,,1,0\n"
        "b,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n"
        "c,twitter,,u,not-a-time,acme broken,,1,0\n"
    )
    (tmp_path / "acme.csv").write_text(text, encoding="utf-8")
    path = write_config(tmp_path)
    doc = yaml.safe_load(path.read_text())
    doc["brands"][0]["sources"][0]["platforms"] = ["twitter"]
    path.write_text(yaml.safe_dump(doc))
    cfg = load_config(path)
    items = list(build_source(cfg, cfg.brands[0], "listening").fetch(DAY))
    assert [i.native_id for i in items if isinstance(i, Record)] == ["b"]  # reddit is read by the reddit source
    reasons = [i.reason for i in items if isinstance(i, Reject)]
    assert reasons == ["created_at [not shown: 10 characters: letters, other] is not an ISO-8601 timestamp"]


def test_one_id_on_two_platforms_in_a_file_quarantines_the_second_row_instead_of_merging_it(tmp_path):
    """A mention id is brand, source and native id: a twitter post and an instagram post of the same native id in
    one multi-platform export collapsed into one mention, the other lost without a trace."""
    text = MENTIONS_HEADER + (
        "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n"
        "1042,instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,1,0\n"
        "1042,Twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,3,0\n"  # the same post again: the load keeps one
    )
    records, rejects = fetch(tmp_path, text)
    assert [(r.native_id, r.platform) for r in records] == [("1042", "twitter"), ("1042", "Twitter")]
    reason = (
        "post_id (native id) '1042' is also the id of a twitter row of this file: the ids of one source must be "
        "unique, so this instagram row is quarantined rather than merged into it"
    )
    assert [(r.reason, r.location.rsplit(":", 1)[1]) for r in rejects] == [(reason, "3")]
    # the first row of the id in the file keeps it whatever the night: here the instagram row comes first, on a
    # later day, and each night quarantines the twitter row, never the other way round
    text = MENTIONS_HEADER + (
        "1042,instagram,,u,2026-10-02T09:00:00Z,acme on instagram,,1,0\n"
        "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n"
    )
    records, rejects = fetch(tmp_path, text, window=DAY)  # the twitter row's night: the instagram row is later
    assert records == [] and [(r.reason.split(":")[0], r.location.rsplit(":", 1)[1]) for r in rejects] == [
        ("post_id (native id) '1042' is also the id of a instagram row of this file", "3")
    ]
    records, rejects = fetch(tmp_path, text, window=Window.for_day(date(2026, 10, 2)))
    assert [r.platform for r in records] == ["instagram"] and rejects == []


def test_skipped_rows_are_counted_in_the_extract_steps_detail(tmp_path):
    """Rows of another platform (matched without regard to case, stored as the export spells them), created
    before the night's window (with its look-back day) or from its end on are in no record and no reject: the
    extract step's detail counts each kind. The night is not truncated: nothing cut its window short."""
    import yaml

    from pipeline import ledger
    from pipeline.load import load
    from pipeline.staging import extract
    from pipeline.warehouse import connect, migrate

    (tmp_path / "acme.csv").write_text(
        MENTIONS_HEADER
        + "a1,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n"
        + "a2,Twitter,,u,2026-09-30T08:00:00Z,acme on Twitter,,1,0\n"
        + "a3,reddit,r/x,u,2026-10-01T08:00:00Z,acme on reddit,,1,0\n"
        + "a4,TWITTER,,u,2026-09-29T23:59:59Z,acme before the window,,1,0\n"
        + "a5,twitter,,u,2026-09-01T08:00:00Z,acme a month ago,,1,0\n"
        + "a6,twitter,,u,2026-10-02T00:00:00Z,acme tomorrow,,1,0\n",
        encoding="utf-8",
    )
    path = write_config(tmp_path)
    doc = yaml.safe_load(path.read_text())
    doc["brands"][0]["sources"][0]["platforms"] = ["Twitter"]
    path.write_text(yaml.safe_dump(doc))
    cfg, db, day = load_config(path), tmp_path / "w.duckdb", date(2026, 10, 1)
    with connect(db) as con:
        migrate(con)
        ledger.start_run(con, "r1", day, "cli")
    extract(cfg, "acme", "listening", day, "r1")
    load(cfg, db, day, "r1")
    with connect(db) as con:
        stored = con.execute("SELECT native_id, platform FROM mentions ORDER BY 1").fetchall()
        step = con.execute("SELECT status, rows_in, detail FROM run_steps WHERE step = 'extract'").fetchall()
    assert stored == [("a1", "twitter"), ("a2", "Twitter")]
    detail = (
        "acme.csv rows skipped: 1 of another platform than Twitter; 2 created before the window's start, "
        "2026-09-30 00:00 UTC (no later night reads them: only a backfill of their day); 1 created from the "
        "window's end on (a later night reads them)"
    )
    assert step == [("success", 2, detail)]


def test_a_quote_left_open_does_not_swallow_the_rows_after_it(tmp_path):
    """A quote left open (``12" screen`` unescaped) runs on through the lines after it, to the end of the file
    or the field size limit, as one row of the wrong width: its lines are read again each on its own, so the
    rows after it load and only the broken line is quarantined, with a reason that says which lines ran together.
    """
    good = [f"g{i},twitter,,u{i},2026-10-01T10:0{i}:00Z,acme row {i} is fine,https://x/{i},1,0" for i in range(5)]
    stray = 'b1,twitter,,Jane Doe,2026-10-01T09:00:00Z,"acme 12"" screen is broken,https://x/b1,1,0'
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + "\n".join([good[0], stray, *good[1:]]) + "\n")
    assert sorted(r.native_id for r in records) == [f"g{i}" for i in range(5)]
    assert [(r.reason, r.location.rsplit("/", 1)[1]) for r in rejects] == [
        (
            "row has 6 fields, the header has 9; lines 3-7 ran together as one row of 6 fields to the end of the "
            "file (a quote left open?); each was read alone",
            "acme.csv:3",
        )
    ]
    assert "Jane Doe" not in rejects[0].raw_record
    # up to the field size limit: csv fails there, and the lines it read are read again all the same
    limit = csv.field_size_limit(150)
    try:
        records, rejects = fetch(tmp_path, MENTIONS_HEADER + "\n".join([stray, *good]) + "\n")
    finally:
        csv.field_size_limit(limit)
    assert sorted(r.native_id for r in records) == [f"g{i}" for i in range(5)]
    assert [r.reason for r in rejects] == [
        "row has 6 fields, the header has 9; lines 2-4 ran together as one unreadable row (a quote left open?); "
        "each was read alone"
    ]
    # left open in the last column, up to the end of the file: one row as wide as the header, its text the rest
    header = "post_id,platform,channel,author,posted_at,link,likes,replies,body\n"
    rows = ['l1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"acme 12"" screen', "l2,twitter,,u,2026-10-01T09:30:00Z,,1,0,ok"]
    records, rejects = fetch(tmp_path, header + "\n".join(rows) + "\n")
    assert [(r.native_id, r.text) for r in records] == [("l1", 'acme 12" screen'), ("l2", "ok")] and rejects == []
    # closed by a later quote with the header's width all the same: a line of it that is a whole row gives it away
    rows = [
        'm1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"acme 12"" screen',
        "m2,twitter,,u,2026-10-01T09:30:00Z,,1,0,ok",
        'm3,twitter,,u,2026-10-01T09:40:00Z,,1,0,"acme fine"',
        "m4,twitter,,u,2026-10-01T09:50:00Z,,1,0,acme",
    ]
    records, rejects = fetch(tmp_path, header + "\n".join(rows) + "\n")
    assert [r.native_id for r in records] == ["m1", "m2", "m3", "m4"] and rejects == []
    # a quoted text that truly spans lines stays one text, also when its last line holds as many commas as a row
    rows = ['n1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"acme: first line\nsecond, line"', rows[3]]
    records, rejects = fetch(tmp_path, header + "\n".join(rows) + "\n")
    assert [(r.native_id, r.text) for r in records] == [("n1", "acme: first line\nsecond, line"), ("m4", "acme")]
    # a middle line with the header's number of commas is no row of its own either: its created_at is no time
    body = "acme update:\nslow, buggy, laggy, and it crashed, twice, on, my, old, phone.\nwill not renew."  # 8 commas
    rows = [f'p1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"{body}"', rows[1]]
    records, rejects = fetch(tmp_path, header + "\n".join(rows) + "\n")
    assert [(r.native_id, r.text) for r in records] == [("p1", body), ("m4", "acme")] and rejects == []
    body = "acme: great app.\nfast, cheap, simple, reliable, quick, kind, tidy, neat, and done"  # 8 commas: 9 fields
    rows = [f'o1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"{body}"', rows[1]]
    records, rejects = fetch(tmp_path, header + "\n".join(rows) + "\n")
    assert [(r.native_id, r.text) for r in records] == [("o1", body), ("m4", "acme")] and rejects == []


def test_one_hostile_row_is_one_quarantined_row_and_the_rest_loads(tmp_path):
    lines = [
        json.dumps({"post_id": "ok", "posted_at": "2026-10-01T09:00:00Z", "body": "acme is fine"}),
        "[" * 100_000,  # nests deeper than Python's stack: RecursionError, not JSONDecodeError
        '{"post_id": "huge", "posted_at": "2026-10-01T10:00:00Z", "body": "x", "likes": 99999999999999999999}',
        json.dumps({"post_id": "far", "posted_at": "9999-12-31T00:00:00Z", "body": "from the far future"}),
        json.dumps({"post_id": "ok2", "posted_at": "2026-10-01T11:00:00Z", "body": "acme again"}),
    ]
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [r.native_id for r in records] == ["ok", "ok2"]
    reasons = {r.location.rsplit(":", 1)[1]: r.reason for r in rejects}
    assert reasons["2"].startswith("invalid JSON: maximum recursion depth exceeded")
    assert reasons["3"] == "likes '99999999999999999999' is over 1e+12"
    assert reasons["4"] == "created_at 9999-12-31T00:00:00+00:00 is outside 1970-2099"


def test_identical_bad_rows_are_each_a_reject_with_a_stable_key(tmp_path):
    rows = [(f"dup{i}", "not a time", "acme is fine") for i in range(3)]
    content = csv_rows(rows).replace("dup0", "").replace("dup1", "").replace("dup2", "")  # no id: same cells
    _, rejects = fetch(tmp_path, content)
    assert len({r.raw_record for r in rejects}) == 1
    assert sorted(r.location.rsplit(":", 1)[1] for r in rejects) == ["2", "3", "4"]
    assert len({r.quarantine_id for r in rejects}) == 3  # one quarantine row per bad input row
    _, again = fetch(tmp_path, content)
    assert [r.quarantine_id for r in again] == [r.quarantine_id for r in rejects]  # re-reading: the same keys
    # the same rows in a file of another name, with rows added above them: the same keys (not the file and line)
    above = csv_rows([("new", "2026-10-01T09:00:00Z", "acme news"), ("oops", "", "acme, no time")])
    (tmp_path / "acme.csv").unlink()
    _, moved = fetch(tmp_path, above + content.split("\n", 1)[1], name="acme-2026-10-02.csv")
    assert [r.location.rsplit("/", 1)[1] for r in moved] == [f"acme-2026-10-02.csv:{n}" for n in (3, 4, 5, 6)]
    assert [r.quarantine_id for r in moved[1:]] == [r.quarantine_id for r in rejects]


def test_two_long_rows_cut_alike_stay_two_rejects(tmp_path):
    """Quarantine keeps 1 MiB characters of a raw record: two rows that differ only after it are kept alike but
    keyed apart (the key hashes the whole row), and the note says how much was cut."""
    from pipeline.records import MAX_RAW

    rows = [("", "2026-13-45", "acme " + "x" * MAX_RAW + end) for end in ("a", "b")]
    _, rejects = fetch(tmp_path, csv_rows(rows))
    assert len({r.raw_record for r in rejects}) == 1 and len({r.quarantine_id for r in rejects}) == 2
    row = dict(zip(MENTIONS_HEADER.strip().split(","), next(csv.reader([csv_rows(rows).splitlines()[1]])), strict=True))
    row |= {"author": f"hmac:{Pseudonymiser(None)('user_')}"}
    whole = json.dumps(row, ensure_ascii=False)
    assert rejects[0].raw_record == whole[:MAX_RAW] + f"…[truncated: {len(whole) - MAX_RAW} more characters]"


def _night(cfg, db, day: date, run_id: str) -> None:
    """A night's extract and load of the one file-drop source, on the DuckDB file ``db``."""
    from pipeline import ledger
    from pipeline.load import load
    from pipeline.staging import extract
    from pipeline.warehouse import connect, migrate

    with connect(db) as con:
        migrate(con)
        ledger.start_run(con, run_id, day, "cli")
    extract(cfg, "acme", "listening", day, run_id, db=db)  # from the source's stored state, as a night does
    load(cfg, db, day, run_id)


def _stored(db) -> tuple[list, list]:
    """(native id, platform, text) of the mentions; (reason, location's file and line) of the quarantine."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        mentions = con.execute("SELECT native_id, platform, text FROM mentions ORDER BY 1, 2").fetchall()
        quarantine = con.execute("SELECT reason, location FROM quarantine ORDER BY first_seen, location").fetchall()
    return mentions, [(reason, (where or "").rsplit("/", 1)[-1]) for reason, where in quarantine]


def _engagements(db) -> list[tuple]:
    """The stored mentions' engagement, one tuple a mention."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT engagement FROM mentions").fetchall()


def _twitter_1042_stored(tmp_path, brands: list[dict] | None = None) -> tuple:
    """(config, warehouse, export): the night of 2026-10-01 stored post 1042 (twitter, 'acme is slow', 1 like)
    from ``tmp_path/acme.csv``, with :func:`tests.helpers.write_config`'s ``brands``."""
    export = tmp_path / "acme.csv"
    export.write_text(MENTIONS_HEADER + "1042,twitter,,u,2026-10-01T08:00:00Z,acme is slow,,1,0\n", "utf-8")
    cfg, db = load_config(write_config(tmp_path, brands)), tmp_path / "w.duckdb"
    _night(cfg, db, date(2026, 10, 1), "r1")
    return cfg, db, export


def test_one_id_on_two_platforms_in_two_files_of_a_night_quarantines_the_later_files_row(tmp_path):
    """The source's files are read in the order of their paths, and the first row of an id in any of them keeps it:
    an instagram 1042 in a second export of the night was merged into the twitter 1042 of the first. A re-run
    with the second file changed reads both again (not the changed one alone, which would miss the first's ids),
    and finds the same row to quarantine, once."""
    import duckdb

    (tmp_path / "acme-1.csv").write_text(
        MENTIONS_HEADER + "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n", encoding="utf-8"
    )
    second = MENTIONS_HEADER + (
        "7,twitter,,u,2026-10-01T07:00:00Z,acme in the second file,,1,0\n"
        "1042,instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,1,0\n"
    )
    (tmp_path / "acme-2.csv").write_text(second, encoding="utf-8")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme-*.csv"}}]))
    db, day = tmp_path / "w.duckdb", date(2026, 10, 1)
    reason = (
        "post_id (native id) '1042' is also the id of a twitter row of acme-1.csv: the ids of one source must be "
        "unique, so this instagram row is quarantined rather than merged into it"
    )
    _night(cfg, db, day, "r1")
    assert _stored(db) == (
        [("1042", "twitter", "acme on twitter"), ("7", "twitter", "acme in the second file")],
        [(reason, "acme-2.csv:3")],
    )
    (tmp_path / "acme-2.csv").write_text(second + "8,twitter,,u,2026-10-01T10:00:00Z,acme late,,1,0\n", "utf-8")
    _night(cfg, db, day, "r2")
    mentions, quarantine = _stored(db)
    assert [m[0] for m in mentions] == ["1042", "7", "8"] and mentions[0][1] == "twitter"
    assert quarantine == [(reason, "acme-2.csv:3")]  # the same reject, not a second one
    _night(cfg, db, day, "r3")  # nothing changed since: neither file is read again
    with duckdb.connect(str(db), read_only=True) as con:
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE run_id = 'r3' AND step = 'extract'").fetchall()
    assert re.fullmatch(r"acme-1\.csv unchanged since .*; acme-2\.csv unchanged since .*", detail), detail


def test_an_id_stored_for_another_platform_on_an_earlier_night_is_quarantined_not_merged(tmp_path):
    """The drop folder keeps the newest export only: the instagram 1042 of the 2nd's export cannot be checked by the
    source against the twitter 1042 loaded from the 1st's export. The load finds the id stored for twitter and
    quarantines the row, with the file and line it was read from (the stored mention stays as it was) instead of
    merging the two posts; a re-run of the night keeps one quarantine row, also when the export lists the post's two
    copies the other way round."""
    import duckdb

    export = tmp_path / "acme.csv"
    export.write_text(MENTIONS_HEADER + "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,5,0\n", "utf-8")
    cfg = load_config(write_config(tmp_path))
    db = tmp_path / "w.duckdb"
    _night(cfg, db, date(2026, 10, 1), "r1")
    copies = [
        "1042,instagram,,u,2026-10-02T09:00:00Z,acme on instagram,,9,0\n",
        "1042,instagram,,u,2026-10-02T09:00:00Z,acme on instagram (edited),,9,0\n",  # the load keeps one
    ]
    export.write_text(MENTIONS_HEADER + "".join(copies) + "1043,Twitter,,u,2026-10-02T09:00:00Z,acme next day,,1,0\n")
    _night(cfg, db, date(2026, 10, 2), "r2")
    reason = (
        "native id '1042' is also the id of a twitter mention this source loaded before: the ids of one source must "
        "be unique, so this instagram row is quarantined rather than merged into it"
    )
    mentions, quarantine = _stored(db)
    assert mentions == [("1042", "twitter", "acme on twitter"), ("1043", "Twitter", "acme next day")]
    assert quarantine == [(reason, "acme.csv:2")]
    with duckdb.connect(str(db), read_only=True) as con:
        [(raw, engagement)] = con.execute(
            "SELECT q.raw_record, m.engagement FROM quarantine q, mentions m WHERE m.native_id = '1042'"
        ).fetchall()
        [(detail, quarantined)] = con.execute(
            "SELECT detail, rows_quarantined FROM run_steps WHERE run_id = 'r2' AND step = 'load'"
        ).fetchall()
    kept = json.loads(raw)
    assert (kept["platform"], kept["text"], kept["engagement"]) == ("instagram", "acme on instagram", 9)
    assert engagement == 5  # the stored mention untouched: not refreshed from the other post
    assert quarantined == 1 and "1 rows quarantined: their id is stored for another platform" in detail
    assert "1 repeated ids in the staged files" in detail and "already in quarantine" not in detail

    export.write_text(
        MENTIONS_HEADER
        + "".join(reversed(copies))
        + "1043,Twitter,,u,2026-10-02T09:00:00Z,acme next day,,1,0\n"
        + "1044,twitter,,u,2026-10-02T10:00:00Z,acme again,,1,0\n"
    )
    _night(cfg, db, date(2026, 10, 2), "r3")  # a re-run of the night, its export changed: read again
    mentions, quarantine = _stored(db)
    assert [m[0] for m in mentions] == ["1042", "1043", "1044"] and quarantine == [(reason, "acme.csv:2")]
    with duckdb.connect(str(db), read_only=True) as con:
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE run_id = 'r3' AND step = 'load'").fetchall()
    assert "1 rejects already in quarantine" in detail

    # the next night's export still lists the instagram post, its engagement moved: still the one quarantine row
    export.write_text(MENTIONS_HEADER + copies[0].replace(",,9,0", ",,14,0"), "utf-8")
    _night(cfg, db, date(2026, 10, 3), "r4")
    assert _stored(db)[1] == [(reason, "acme.csv:2")]


def test_an_id_stored_from_a_file_loaded_before_keeps_it_against_a_new_file_that_sorts_first(tmp_path):
    """A second export of a loaded night arrives whose name sorts first, with another platform's post under the stored
    mention's id. The files the source loaded before are read first (the earliest loaded first, every night after
    too), so the stored twitter row keeps the id and goes on being refreshed, and only the instagram row is
    quarantined, once, with the file drop's reason: the load, which finds it against the warehouse once the first
    export left the folder, keys it alike (its id and platform). Before, the new file's instagram row took the id: the
    stored twitter row was quarantined too (wrongly), and the load quarantined the instagram row as well."""
    import duckdb

    def write(name: str, row: str) -> None:
        (tmp_path / name).write_text(MENTIONS_HEADER + row, encoding="utf-8")

    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme-*.csv"}}]))
    db, day = tmp_path / "w.duckdb", date(2026, 10, 1)
    write("acme-2.csv", "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n")
    _night(cfg, db, day, "r1")
    write("acme-1.csv", "1042,instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,1,0\n")
    _night(cfg, db, day, "r2")  # the night again, with the second export
    reason = (
        "post_id (native id) '1042' is also the id of a twitter row of acme-2.csv: the ids of one source must be "
        "unique, so this instagram row is quarantined rather than merged into it"
    )
    assert _stored(db) == ([("1042", "twitter", "acme on twitter")], [(reason, "acme-1.csv:2")])

    write("acme-2.csv", "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,7,0\n")  # its likes moved
    _night(cfg, db, date(2026, 10, 2), "r3")  # the next night reads both again for its look-back day
    assert _stored(db) == ([("1042", "twitter", "acme on twitter")], [(reason, "acme-1.csv:2")])
    assert _engagements(db) == [(7,)]  # still refreshed

    (tmp_path / "acme-2.csv").unlink()  # the first export leaves the folder: only the load can tell
    write("acme-1.csv", "1042,Instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,3,0\n")  # in any case
    _night(cfg, db, date(2026, 10, 2), "r4")
    assert _stored(db) == ([("1042", "twitter", "acme on twitter")], [(reason, "acme-1.csv:2")])
    with duckdb.connect(str(db), read_only=True) as con:
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE run_id = 'r4' AND step = 'load'").fetchall()
    assert "1 rows quarantined: their id is stored for another platform" in detail
    assert "1 rejects already in quarantine" in detail
    assert "repeated ids" not in detail  # the quarantined row is no repeat: the export holds the id once


def test_a_stored_mention_the_file_drop_reads_after_another_platforms_row_is_not_quarantined(tmp_path):
    """The export holding a stored mention is renamed, and a new export with another platform's post under its id
    arrives with it: both are new to the source, which reads the one whose path sorts first first and so quarantines
    the stored twitter row. The load, finding the instagram row's id stored for twitter, quarantines that row (where
    it was read: its file and line) and leaves the file drop's reject of the stored mention out: the stored id
    wins."""
    import duckdb

    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme-*.csv"}}]))
    db, day = tmp_path / "w.duckdb", date(2026, 10, 1)
    twitter = MENTIONS_HEADER + "1042,twitter,,u,2026-10-01T08:00:00Z,acme on twitter,,1,0\n"
    (tmp_path / "acme-2.csv").write_text(twitter, encoding="utf-8")
    _night(cfg, db, day, "r1")
    (tmp_path / "acme-2.csv").rename(tmp_path / "acme-b.csv")
    instagram = MENTIONS_HEADER + "1042,instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,1,0\n"
    (tmp_path / "acme-1.csv").write_text(instagram, encoding="utf-8")
    _night(cfg, db, day, "r2")
    reason = (
        "native id '1042' is also the id of a twitter mention this source loaded before: the ids of one source must "
        "be unique, so this instagram row is quarantined rather than merged into it"
    )
    assert _stored(db) == ([("1042", "twitter", "acme on twitter")], [(reason, "acme-1.csv:2")])
    with duckdb.connect(str(db), read_only=True) as con:
        [(detail, quarantined)] = con.execute(
            "SELECT detail, rows_quarantined FROM run_steps WHERE run_id = 'r2' AND step = 'load'"
        ).fetchall()
    assert quarantined == 1 and "1 file-drop rejects not quarantined: their row is the mention stored" in detail
    assert "already in quarantine" not in detail


def test_the_same_post_under_another_platform_label_is_no_id_clash(tmp_path):
    """A vendor relabels a platform (x for twitter) or the config's platform changes: the same post (its created_at
    and text) read again under the new label, by the next night's look-back day, is an ordinary upsert (its
    engagement refreshed, the label it was stored with kept), not an id clash that quarantined it and froze its
    engagement. In one night's files the source lets it through alike, while another post under the id (another
    text, or another time) is still quarantined."""

    cfg, db, export = _twitter_1042_stored(tmp_path, [{"name": "Acme", "files": {"listening": "acme*.csv"}}])
    export.write_text(MENTIONS_HEADER + "1042,x,,u,2026-10-01T08:00:00Z,acme is slow,,40,0\n", "utf-8")
    _night(cfg, db, date(2026, 10, 2), "r2")
    assert _stored(db) == ([("1042", "twitter", "acme is slow")], [])
    assert _engagements(db) == [(40,)]

    (tmp_path / "acme2.csv").write_text(
        MENTIONS_HEADER
        + "1042,twitter,,u,2026-10-01T08:00:00Z,acme is slow,,41,0\n"  # the same post, under the old label
        + "1042,instagram,,u,2026-10-01T08:00:01Z,acme is slow,,1,0\n"  # another time: another post
        + "1042,reddit,,u,2026-10-01T08:00:00Z,acme is slow!,,1,0\n",  # another text: another post
        "utf-8",
    )
    src = build_source(cfg, cfg.brands[0], "listening")
    items = list(src.fetch(Window.for_day(date(2026, 10, 1))))
    assert [(i.platform, i.engagement) for i in items if isinstance(i, Record)] == [("x", 40), ("twitter", 41)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.reason.split(" row of ")[0][-4:], r.location.rsplit("/", 1)[1]) for r in rejects] == [
        (" a x", "acme2.csv:3"),
        (" a x", "acme2.csv:4"),
    ]


def test_a_post_of_another_platform_under_a_stored_id_is_a_clash_when_its_time_or_its_text_differs(tmp_path):
    """The load's side of the same-post rule: a row under a stored id, of another platform, is the same post only
    when both its created_at and its text are the stored mention's. A second later, or one character of text
    apart, it is another post, and the load quarantines it (the stored mention's text and engagement untouched)
    instead of merging it: a rule on the time alone or on the text alone would take either for the stored one."""

    cfg, db, export = _twitter_1042_stored(tmp_path)
    export.write_text(MENTIONS_HEADER + "1042,instagram,,u,2026-10-01T08:00:01Z,acme is slow,,30,0\n", "utf-8")
    _night(cfg, db, date(2026, 10, 2), "r2")  # the look-back day: its text, another time
    export.write_text(MENTIONS_HEADER + "1042,reddit,,u,2026-10-01T08:00:00Z,acme is slow!,,40,0\n", "utf-8")
    _night(cfg, db, date(2026, 10, 2), "r3")  # its time, another text
    mentions, quarantine = _stored(db)
    assert mentions == [("1042", "twitter", "acme is slow")]
    assert [(reason.split("so this ")[1].split(" row")[0], where) for reason, where in quarantine] == [
        ("instagram", "acme.csv:2"),
        ("reddit", "acme.csv:2"),
    ]
    assert _engagements(db) == [(1,)]


def test_another_platforms_post_under_a_stored_reposts_id_is_a_clash_not_merged_into_the_repost(tmp_path):
    """A stored repost's id is checked as a stored mention's: another platform's post under the native id of a
    stored repost, in a later night's export, was merged into the repost (its own text lost, neither a mention nor
    quarantined, and its engagement counted for the copy). It is quarantined, the repost left as it was."""
    import duckdb

    text = "Acme lost my parcel for the third time this month and I am absolutely done with them"
    export = tmp_path / "acme.csv"
    export.write_text(
        MENTIONS_HEADER
        + f"1041,twitter,,u,2026-10-01T07:00:00Z,{text},,1,0\n1042,twitter,,v,2026-10-01T08:00:00Z,{text},,1,0\n",
        encoding="utf-8",
    )
    cfg, db = load_config(write_config(tmp_path)), tmp_path / "w.duckdb"
    _night(cfg, db, date(2026, 10, 1), "r1")
    export.write_text(MENTIONS_HEADER + "1042,instagram,,w,2026-10-01T09:00:00Z,another acme post,,50,0\n", "utf-8")
    _night(cfg, db, date(2026, 10, 2), "r2")
    mentions, quarantine = _stored(db)
    assert mentions == [("1041", "twitter", text)]
    assert [(reason.split("so this ")[1].split(" row")[0], where) for reason, where in quarantine] == [
        ("instagram", "acme.csv:2")
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT native_id, platform, engagement FROM reposts").fetchall() == [("1042", "twitter", 1)]


def test_a_platform_label_in_another_case_under_a_stored_id_is_no_clash(tmp_path):
    """'Twitter' is twitter: the next night's export writes the stored mention's platform in another case, its text
    edited meanwhile. It is the stored mention read again (upserted: its engagement refreshed, its label and text as
    stored), not another platform's post to quarantine."""

    cfg, db, export = _twitter_1042_stored(tmp_path)
    export.write_text(MENTIONS_HEADER + "1042,Twitter,,u,2026-10-01T08:00:00Z,acme is slow (edited),,6,0\n", "utf-8")
    _night(cfg, db, date(2026, 10, 2), "r2")
    assert _stored(db) == ([("1042", "twitter", "acme is slow")], [])
    assert _engagements(db) == [(6,)]


def test_engagement_is_the_highest_read_and_a_lower_count_read_later_never_lowers_it(tmp_path):
    """Of an id staged twice in a night the row with the most engagement is kept; a mention or a repost read again
    on a later night with less engagement (a vendor's export that counts differently, a like taken back) keeps the
    highest it was stored with: the engagement stored never goes down. The mention's last_seen is that night's."""
    import duckdb

    text = "Acme lost my parcel for the third time this month and I am absolutely done with them"
    export = tmp_path / "acme.csv"
    export.write_text(
        MENTIONS_HEADER
        + f"1,twitter,,u,2026-10-01T08:00:00Z,{text},,3,0\n"
        + f"1,twitter,,u,2026-10-01T08:00:00Z,{text},,8,0\n"  # the same post, counted later in the export
        + f"2,twitter,,u,2026-10-01T09:00:00Z,{text}!,,6,0\n",  # a repost of it
        "utf-8",
    )
    cfg = load_config(write_config(tmp_path))
    db = tmp_path / "w.duckdb"

    def engagement() -> list:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(
                "SELECT 'mention', native_id, engagement FROM mentions UNION ALL "
                "SELECT 'repost', native_id, engagement FROM reposts ORDER BY ALL"
            ).fetchall()

    _night(cfg, db, date(2026, 10, 1), "r1")
    assert engagement() == [("mention", "1", 8), ("repost", "2", 6)]
    export.write_text(
        MENTIONS_HEADER
        + f"1,twitter,,u,2026-10-01T08:00:00Z,{text},,2,0\n"
        + f"2,twitter,,u,2026-10-01T09:00:00Z,{text}!,,1,0\n",
        "utf-8",
    )
    _night(cfg, db, date(2026, 10, 2), "r2")  # the look-back day read again, with less engagement
    assert engagement() == [("mention", "1", 8), ("repost", "2", 6)]
    with duckdb.connect(str(db), read_only=True) as con:  # seen again by r2: when it was last seen moved on
        run = "SELECT started_at FROM pipeline_runs WHERE run_id = 'r2'"
        assert con.execute(f"SELECT last_seen > ({run}), first_seen < ({run}) FROM mentions").fetchall() == [
            (True, True)
        ]


def _notes_of_unchanged(tmp_path, n: int) -> list[str]:
    """The notes of a second read of ``n`` files, acme-0.csv ..., that the first read loaded (nothing new)."""
    for i in range(n):
        (tmp_path / f"acme-{i}.csv").write_text(MENTIONS_HEADER, encoding="utf-8")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "acme-*.csv"}}]))
    first = build_source(cfg, cfg.brands[0], "drop")
    list(first.fetch(DAY))
    again = build_source(cfg, cfg.brands[0], "drop")
    again.previous_state = first.state
    assert list(again.fetch(DAY)) == []
    return again.notes


def test_many_unchanged_files_are_one_note_not_one_each(tmp_path):
    """An hourly export kept for weeks is thousands of files: each unchanged one was a note of its own, in the
    extract's XCom and its run_steps detail (300 KB for 2,000). Past three they are one note naming the first."""
    [note] = _notes_of_unchanged(tmp_path, 5)
    assert re.fullmatch(
        r"5 files unchanged since loaded for this window: acme-0\.csv \(sha256 \w{12}\), acme-1\.csv \(sha256 \w{12}\),"
        r" acme-2\.csv \(sha256 \w{12}\), \.\.\.",
        note,
    ), note


def test_many_files_with_skipped_rows_are_one_note_not_one_each(tmp_path):
    """A folder of daily exports read again (one file new) has rows before the window in every older file: each
    was a note of its own, so the extract's XCom and its run_steps detail grew with the folder. Past three they are
    one note with the sums, naming the first."""
    for i in range(5):
        (tmp_path / f"acme-{i}.csv").write_text(csv_rows([(f"p{i}", f"2026-09-0{i + 1}T12:00:00Z", "acme")]), "utf-8")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "acme-*.csv"}}]))
    src = build_source(cfg, cfg.brands[0], "drop")
    assert list(src.fetch(DAY)) == []
    assert src.notes == [
        "5 files (acme-0.csv, acme-1.csv, acme-2.csv, ...) rows skipped: 5 created before the window's start, "
        "2026-10-01 00:00 UTC (no later night reads them: only a backfill of their day)"
    ]


def test_an_unchanged_file_is_skipped_only_for_the_windows_it_was_loaded_for(tmp_path):
    """A file loaded for one night is read again for another night (its rows of that night are not stored yet),
    and is skipped for a re-run of any of the last KEEP_WINDOWS nights it was loaded for, the newest kept."""
    from datetime import timedelta

    from pipeline.sources.filedrop import KEEP_WINDOWS

    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(KEEP_WINDOWS + 1)]
    rows = "".join(f"{n},twitter,,u,{d.isoformat()}T08:00:00Z,acme on day {n},,1,0\n" for n, d in enumerate(days))
    (tmp_path / "acme.csv").write_text(MENTIONS_HEADER + rows, encoding="utf-8")
    cfg = load_config(write_config(tmp_path))
    state = {}
    for n, day in enumerate(days):  # each night reads the file for its own rows
        src = build_source(cfg, cfg.brands[0], "listening")
        src.previous_state = state
        assert [r.native_id for r in src.fetch(Window.for_day(day))] == [str(n)], day
        state = src.state
    [entry] = state["loaded"].values()
    assert len(entry["windows"]) == KEEP_WINDOWS and entry["windows"][-1].startswith(days[-1].isoformat())
    for day, read in ((days[-1], False), (days[1], False), (days[0], True)):  # the oldest night was let go
        src = build_source(cfg, cfg.brands[0], "listening")
        src.previous_state = state
        records = list(src.fetch(Window.for_day(day)))
        unchanged = any("unchanged since loaded" in note for note in src.notes)
        assert (len(records), unchanged) == ((1, False) if read else (0, True)), day


def test_a_changed_column_mapping_reads_an_unchanged_file_again(tmp_path):
    """A file is skipped as unchanged only while its bytes and the brand's config are the same: a corrected
    mapping (here the engagement columns) must re-read it, or the rows stored under the old mapping stay."""
    import yaml

    (tmp_path / "acme.csv").write_text(MENTIONS_HEADER + "1,twitter,,u,2026-10-01T08:00:00Z,acme ok,,5,2\n", "utf-8")
    path = write_config(tmp_path)
    first = build_source(cfg := load_config(path), cfg.brands[0], "listening")
    [record] = list(first.fetch(DAY))
    assert record.engagement == 7
    same = build_source(cfg, cfg.brands[0], "listening")
    same.previous_state = first.state
    assert list(same.fetch(DAY)) == [] and "unchanged" in same.notes[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["brands"][0]["sources"][0]["columns"]["engagement"] = ["likes"]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    fixed = build_source(cfg := load_config(path), cfg.brands[0], "listening")
    fixed.previous_state = first.state
    [again] = list(fixed.fetch(DAY))
    assert again.engagement == 5 and not fixed.notes


def test_the_cli_names_an_export_it_cannot_read_without_a_traceback(tmp_path):
    """A header without a mapped column was a ValueError traceback at `brandpulse extract`."""
    (tmp_path / "acme.csv").write_text("id,when,what\n1,2026-10-01T00:00:00Z,hi\n")
    cfg, db = str(write_config(tmp_path)), str(tmp_path / "w.duckdb")
    run = ["--config", cfg, "--db", db, "--date", "2026-10-01", "--run-id", "r1"]
    env = {"BRANDPULSE_AUTHOR_KEY": "k" * 32}
    assert brandpulse("prepare", *run, env=env).returncode == 0
    # a run never prepared: refused, as every other step does (it staged files no load would take)
    stray = brandpulse("extract", *run[:-1], "r2", "--brand", "acme", "--source", "listening", env=env)
    assert stray.returncode == 2 and "run r2 is not registered" in stray.stderr, stray.stderr
    assert not [f for f in tmp_path.rglob("*") if "r2" in f.parts]  # nothing staged for it
    done = brandpulse("extract", *run, "--brand", "acme", "--source", "listening", env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "acme.csv: CSV header lacks the mapped column(s)" in done.stderr
    assert f"see brands[0].sources[0].columns in {cfg}" in done.stderr


def test_a_glob_does_not_follow_a_symlinked_folder_back_up(tmp_path):
    """`latest -> .` and `current -> .` in a drop folder made glob's `**` walk 2^n paths until they were too
    long: the night's extract hung for minutes with no word."""
    drop = tmp_path / "drop"
    (drop / "2026" / "10").mkdir(parents=True)
    (drop / "2026" / "10" / "a.csv").write_text("x")
    (drop / "b.csv").write_text("x")
    (drop / "latest").symlink_to(".")
    (drop / "current").symlink_to(".")
    (drop / "b-link.csv").symlink_to(drop / "b.csv")  # a symlinked file is a file
    assert matching_files(f"{drop}/**/*.csv") == [drop / "2026/10/a.csv", drop / "b-link.csv", drop / "b.csv"]
    assert matching_files(f"{drop}/*/*/a.csv") == [drop / "2026/10/a.csv"]
    # without **, the depth is fixed: links are followed as glob follows them
    assert matching_files(f"{drop}/*/b.csv") == [drop / "current/b.csv", drop / "latest/b.csv"]
    assert matching_files(drop / "b.csv") == [drop / "b.csv"] and matching_files(drop / "nope.csv") == []


def test_a_pattern_of_many_double_stars_tries_each_folder_once_per_part(tmp_path, monkeypatch):
    """`**/**/.../*.csv` against files deep in folders: every way the `**` parts could share the folders was tried,
    twelve of them 4 s a file of the walk (a night's extract hung on a pasted pattern). Each part is tried against
    each folder once."""
    import fnmatch

    import pipeline.files

    calls = []
    monkeypatch.setattr(pipeline.files, "fnmatchcase", lambda *a: calls.append(a) or fnmatch.fnmatchcase(*a))
    deep = tmp_path.joinpath(*[f"d{i}" for i in range(10)])
    deep.mkdir(parents=True)
    (deep / "notes.txt").write_text("x")
    (deep / "a.csv").write_text("x")
    assert matching_files(f"{tmp_path}/" + "**/" * 10 + "*.csv") == [deep / "a.csv"]
    assert len(calls) < 1000, len(calls)  # a few per folder and file; every split: over 100,000


def test_a_glob_over_too_many_folders_is_a_config_error_naming_the_field(tmp_path, monkeypatch):
    import pipeline.files

    monkeypatch.setattr(pipeline.files, "MAX_WALK_DIRS", 5)
    for i in range(6):
        (tmp_path / "deep" / f"d{i}").mkdir(parents=True)
    with pytest.raises(PatternTooWide, match="walks more than 5 folders"):
        matching_files(f"{tmp_path}/deep/**/*.csv")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "deep/**/*.csv"}}]))
    with pytest.raises(ConfigError, match=r"brands\[0\]\.sources\[0\]\.path: path .* walks more than 5 folders"):
        build_source(cfg, cfg.brands[0], "drop").files()


_NAMES = st.sampled_from(["a.csv", "b.jsonl", ".hidden.csv", "x", "a", "sub", ".dot"])


@settings(max_examples=60, deadline=None)
@given(
    tree=st.lists(st.lists(_NAMES, min_size=1, max_size=4), min_size=1, max_size=8),
    pattern=st.sampled_from(["**/*.csv", "*.csv", "*/*.csv", "**", "a*/**/b.*", "sub/**/*", "**/.*", "?.csv", "x"]),
)
def test_matching_files_finds_what_glob_finds_in_a_tree_without_links(tmp_path_factory, tree, pattern):
    """The walk that replaced glob.glob(recursive=True) for file drops, surveys and customer lists keeps its
    matches (hidden names included only by a part starting with a dot), files only."""
    root = tmp_path_factory.mktemp("tree")
    for parts in tree:
        folder = root.joinpath(*parts[:-1])
        if any(p.is_file() for p in [folder, *folder.parents] if p != root and root in p.parents):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / parts[-1]).is_dir():
            (folder / parts[-1]).write_text("x")
    expected = sorted(p for p in map(type(root), glob.glob(f"{root}/{pattern}", recursive=True)) if p.is_file())
    assert matching_files(f"{root}/{pattern}") == expected


def test_an_unreadable_line_keeps_its_key_when_other_unreadable_lines_come_before_it(tmp_path):
    """Lines that are not JSON objects are all kept as UNREADABLE, but each is keyed by its own text and counted
    apart: another broken line above it in a later export does not make it a second occurrence, so it keeps its
    key and is one quarantine row, not two."""
    broken = '{"post_id": "1", "body": "acme'  # cut short
    _, first = fetch(tmp_path, broken + "\n", name="acme.jsonl")
    (tmp_path / "acme.jsonl").unlink()
    _, later = fetch(tmp_path, "not json at all\n" + broken + "\n", name="acme-2.jsonl")
    assert [r.raw_record for r in later] == [UNREADABLE, UNREADABLE]
    assert later[1].quarantine_id == first[0].quarantine_id and later[0].quarantine_id != first[0].quarantine_id


def test_an_author_is_hashed_without_its_surrounding_spaces_and_a_blank_author_is_no_author(tmp_path):
    rows = "1,twitter,,Jane,2026-10-01T08:00:00Z,acme 1,,1,0\n2,twitter,, Jane  ,2026-10-01T08:00:00Z,acme 2,,1,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows + "3,twitter,,   ,2026-10-01T08:00:00Z,acme 3,,1,0\n")
    hashes = [r.author_hash for r in records]
    assert rejects == [] and hashes[0] == hashes[1] == Pseudonymiser(None)("Jane") and hashes[2] is None
    assert Pseudonymiser(None)(" \t ") is None  # a blank customer id or name is no one, not the hash of ""


def test_a_csv_line_of_only_spaces_is_skipped_like_a_blank_line(tmp_path):
    rows = "1,twitter,,u,2026-10-01T08:00:00Z,acme 1,,1,0\n   \n2,twitter,,u,2026-10-01T09:00:00Z,acme 2,,1,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [r.native_id for r in records] == ["1", "2"] and rejects == []


def test_a_csv_row_of_only_empty_cells_is_skipped_like_a_blank_line(tmp_path):
    """Spreadsheets pad exports with rows of empty cells, as many as the header's or fewer: no data, no reject."""
    rows = (
        "1,twitter,,u,2026-10-01T08:00:00Z,acme 1,,1,0\n,,,,,,,,\n , ,\n2,twitter,,u,2026-10-01T09:00:00Z,acme 2,,1,0\n"
    )
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [r.native_id for r in records] == ["1", "2"] and rejects == []


def test_a_jsonl_export_whose_first_4_kib_are_blank_lines_still_loads(tmp_path):
    """Only a small file of nothing but blank lines is refused as a failed export: a longer one is read."""
    row = json.dumps({"post_id": "1", "posted_at": "2026-10-01T10:00:00Z", "body": "acme after the blanks"})
    records, rejects = fetch(tmp_path, "\n" * 5000 + row + "\n", name="acme.jsonl")
    assert [r.native_id for r in records] == ["1"] and rejects == []


def test_a_last_csv_line_of_exactly_the_field_limit_without_a_line_break_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.records.MAX_FIELD", 1000)
    start, end = "2,twitter,,u,2026-10-01T10:00:00Z,acme ", ",,1,0"
    last = start + "x" * (1000 - len(start) - len(end)) + end
    assert len(last) == 1000
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + "1,twitter,,u,2026-10-01T09:00:00Z,acme,,1,0\n" + last)
    assert [r.native_id for r in records] == ["1", "2"] and rejects == []


_BODY_LAST = "post_id,platform,channel,author,posted_at,link,likes,replies,body\n"


def test_a_quote_left_open_in_the_last_column_to_the_end_of_the_file_is_read_line_by_line(tmp_path):
    """A row still open at the end of the file has the header's width, and no later line is a whole row (its time
    is no time): it is read line by line all the same, so the next line is a row of its own, not the text's end."""
    rows = ['l1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"acme 12"" screen', "l2,twitter,,u,soon,,1,0,acme ok"]
    records, rejects = fetch(tmp_path, _BODY_LAST + "\n".join(rows) + "\n")
    assert [(r.native_id, r.text) for r in records] == [("l1", 'acme 12" screen')]
    assert [r.location.rsplit(":", 1)[1] for r in rejects] == ["3"]
    assert rejects[0].reason.startswith("created_at [not shown: 4 characters: letters] is not")


@pytest.mark.parametrize("end", ["", "\n"])
def test_a_last_row_cut_inside_its_quoted_text_is_quarantined_not_loaded_cut(tmp_path, end):
    """A file read while still being written ends inside a quoted text: the row was stored with the cut text (and
    a line break) for good, as a stored mention's text is not read again; it is quarantined, and loads once whole."""
    rows = ["c1,twitter,,u,2026-10-01T09:00:00Z,,1,0,acme ok", 'c2,twitter,,u,2026-10-01T09:10:00Z,,1,0,"acme cut te']
    records, rejects = fetch(tmp_path, _BODY_LAST + "\n".join(rows) + end)
    assert [r.native_id for r in records] == ["c1"]
    assert [(r.reason, r.location.rsplit(":", 1)[1]) for r in rejects] == [
        ("the file ends inside this row's quoted cell (cut, still being written, or a quote left open)", "3")
    ]
    records, rejects = fetch(tmp_path, _BODY_LAST + "\n".join(rows) + 'xt"\n')
    assert [(r.native_id, r.text) for r in records][1:] == [("c2", "acme cut text")] and rejects == []


def test_a_quoted_text_whose_closing_line_looks_like_a_row_stays_one_text(tmp_path):
    """The line that closes a quoted text holds an odd number of quotes: it is part of the text even when it reads
    alone as a whole row (a pasted log line with a time in the created_at column)."""
    body = "acme crashed, log:\ne1,twitter,,u,2026-10-01T09:00:00Z,,1,0,end"
    records, rejects = fetch(tmp_path, _BODY_LAST + f'o1,twitter,,u,2026-10-01T09:00:00Z,,1,0,"{body}"\n')
    assert [(r.native_id, r.text) for r in records] == [("o1", body)] and rejects == []


def test_a_quoted_text_with_a_middle_line_that_looks_like_a_row_stays_one_text(tmp_path):
    """A well-quoted post of several lines, one of which reads alone as a whole row (a pasted export line: any poster
    can write one), is one row: split, the post was quarantined and the line stored as a mention of its own, with
    the id, time and engagement its author wrote."""
    body = "acme thread:\nx1,reddit,r/acme,eve,2026-10-01T10:00:00Z,ACME IS A SCAM,https://x,99999,0\nend"
    rows = [["p1", "twitter", "", "u", "2026-10-01T09:00:00Z", body, "https://t/1", 3, 0]]
    buf = io.StringIO()
    csv.writer(buf).writerows([MENTIONS_HEADER.strip().split(","), *rows])
    records, rejects = fetch(tmp_path, buf.getvalue())
    assert [(r.native_id, r.text, r.engagement) for r in records] == [("p1", body, 3)] and rejects == []


def test_only_the_first_bad_line_of_rows_that_ran_together_says_they_ran_together(tmp_path):
    stray = 'b1,twitter,,Jane Doe,2026-10-01T09:00:00Z,"acme 12"" screen is broken,https://x/b1,1,0'
    lines = [stray, "g1,twitter,,u,2026-10-01T10:00:00Z,acme ok,,1,0", "b2,twitter,,u,2026-10-01T10:10:00Z,acme"]
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + "\n".join(lines) + "\n")
    assert [r.native_id for r in records] == ["g1"]
    assert [(r.reason, r.location.rsplit(":", 1)[1]) for r in rejects] == [
        (
            "row has 6 fields, the header has 9; lines 2-4 ran together as one row of 6 fields to the end of the "
            "file (a quote left open?); each was read alone",
            "2",
        ),
        ("row has 6 fields, the header has 9", "4"),
    ]


def test_a_raw_record_of_exactly_max_raw_characters_is_kept_whole():
    from pipeline.records import MAX_RAW

    assert Reject.of("acme", "drop", "why", "x" * MAX_RAW).raw_record == "x" * MAX_RAW
    cut = Reject.of("acme", "drop", "why", "x" * (MAX_RAW + 1)).raw_record
    assert cut == "x" * MAX_RAW + "…[truncated: 1 more characters]"


def test_a_reason_quotes_punctuation_and_values_up_to_60_characters_and_describes_longer_ones(tmp_path):
    """A cell with no letter (punctuation, digits) cannot be a name: it is quoted, up to 60 characters."""
    at = ["-", "-" * 60, "-" * 61]
    lines = [json.dumps({"post_id": str(n), "posted_at": a, "body": "acme"}) for n, a in enumerate(at)]
    _, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [r.reason for r in rejects] == [
        "created_at '-' is not an ISO-8601 timestamp",
        f"created_at {at[1]!r} is not an ISO-8601 timestamp",
        "created_at [not shown: 61 characters: other] is not an ISO-8601 timestamp",
    ]


def test_a_text_loses_its_nul_characters(tmp_path):
    line = json.dumps({"post_id": "1", "posted_at": "2026-10-01T10:00:00Z", "body": "acme\u0000 is \u0000ok"})
    records, rejects = fetch(tmp_path, line, name="acme.jsonl")
    assert [r.text for r in records] == ["acme is ok"] and rejects == []


def test_a_time_from_2100_on_or_a_boolean_is_rejected_and_a_time_with_spaces_around_it_is_read(tmp_path):
    """2100-01-01 is the first moment outside the range; JSON's true is no Unix time (it would be 1970); a CSV
    cell with spaces around its time (after a comma and a space) is read."""
    base = {"body": "acme"}
    lines = [
        json.dumps({**base, "post_id": "2100", "posted_at": "2100-01-01T00:00:00Z"}),
        json.dumps({**base, "post_id": "bool", "posted_at": True}),
    ]
    _, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [r.reason for r in rejects] == [
        "created_at 2100-01-01T00:00:00+00:00 is outside 1970-2099",
        "created_at True is not a timestamp",
    ]
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + "1,twitter,,u, 2026-10-01T10:00:00Z ,acme,,1,0\n")
    assert [r.created_at for r in records] == ["2026-10-01T10:00:00+00:00"] and rejects == []


def _mapped(tmp_path, name: str, lines: list[dict], kind: str, window=DAY) -> tuple[list, list]:
    """Records and rejects of JSON Lines ``lines`` in ``name``, read by a file drop of ``kind`` that maps a title,
    a rating (``stars``), a language, a url, a channel and a platform (``store``), and no engagement column."""
    import yaml

    (tmp_path / name).write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    path = write_config(tmp_path, [{"name": "Acme", "files": {"reviews": name}}])
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["brands"][0]["sources"][0] |= {
        "kind": kind,
        "columns": {
            **{"native_id": "id", "text": "body", "created_at": "at", "title": "title", "rating": "stars"},
            **{"language": "lang", "url": "link", "channel": "ch", "platform": "store"},
        },
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    cfg = load_config(path)
    items = list(build_source(cfg, cfg.brands[0], "reviews").fetch(window))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def test_a_language_tag_is_stored_as_its_language_and_und_is_detected(tmp_path):
    """An export's language tag or locale is stored as the code the detector gives ("pl" of "pl-PL", "pl_PL",
    "PL"), so that the report shows "pl", ``WHERE language = 'pl'`` finds it and its terms are read as Polish (they
    were stored "pl-pl", "pl_pl"); "und" (undetermined) is detected as an empty cell is (it was stored "und", read
    as no served language); a name is kept as written, lower case, not guessed."""
    at = "2026-10-01T10:00:00Z"
    tags = ["pl-PL", "pl_PL.UTF-8", " PL ", "nl-BE", "zh-Hans", "und", "", "Polish"]
    lines = [{"id": f"r{n}", "at": at, "body": "Paczka znowu nie doszła", "lang": t} for n, t in enumerate(tags)]
    records, _ = _mapped(tmp_path, "acme.jsonl", lines, "review")
    assert [r.language for r in records] == ["pl", "pl", "pl", "nl", "zh", "pl", "pl", "polish"]


def test_a_review_rating_is_1_to_5_and_a_review_without_a_body_keeps_its_title(tmp_path):
    """Reviews are rated 1 to 5 (both kept), anything else 0 to 10; a review with an empty body is its title (not
    stored twice); the language is the tag's language, lower case, the url and channel without spaces, and without
    an engagement column the engagement is unknown (None), not 0. A .NDJSON file is JSON Lines."""
    at = "2026-10-01T10:00:00Z"
    lines = [
        {"id": "r1", "at": at, "body": "acme works", "title": "Fine", "stars": 1, "lang": " EN-us ", "ch": " r/x "},
        {"id": "r5", "at": at, "body": "", "title": "Great app", "stars": 5, "link": " https://x/r5 "},
        *({"id": f"bad{n}", "at": at, "body": "acme", "stars": s} for n, s in enumerate([0, 5.5, True])),
    ]
    records, rejects = _mapped(tmp_path, "acme.NDJSON", lines, "review")
    assert [(r.native_id, r.rating, r.text, r.title) for r in records] == [
        ("r1", 1.0, "acme works", "Fine"),
        ("r5", 5.0, "Great app", None),
    ]
    assert [(r.language, r.channel, r.url, r.engagement) for r in records] == [
        ("en", "r/x", None, None),
        ("en", None, "https://x/r5", None),  # detected from its text
    ]
    assert [r.reason for r in rejects] == [
        "stars '0' is outside 1-5",
        "stars '5.5' is outside 1-5",
        "stars True is not a number",
    ]
    lines = [{"id": f"m{s}", "at": at, "body": "acme", "stars": s} for s in (0, 10, 11)]
    records, rejects = _mapped(tmp_path, "acme.jsonl", lines, "mention")
    assert [(r.native_id, r.rating) for r in records] == [("m0", 0.0), ("m10", 10.0)]
    assert [r.reason for r in rejects] == ["stars '11' is outside 0-10"]


def test_engagement_counts_are_whole_numbers_from_0_to_10_to_the_12(tmp_path):
    """An empty or blank count is 0; -1 is negative; true is no count (not 1); 10**12 is the largest count, for a
    column and for the row's total."""
    base = {"posted_at": "2026-10-01T10:00:00Z", "body": "acme"}
    top = 10**12
    counts = {"blank": "  ", "top": top, "neg": -1, "bool": True, "over": top + 1, "sum": [top, 1]}
    lines = [
        json.dumps({**base, "post_id": pid, "likes": c[0], "replies": c[1]})
        if isinstance(c, list)
        else json.dumps({**base, "post_id": pid, "likes": c})
        for pid, c in counts.items()
    ]
    records, rejects = fetch(tmp_path, "\n".join(lines), name="acme.jsonl")
    assert [(r.native_id, r.engagement) for r in records] == [("blank", 0), ("top", top)]
    assert [r.reason for r in rejects] == [
        "likes -1 is negative",
        "likes True is not a whole number",
        "likes '1000000000001' is over 1e+12",
        "engagement '1000000000001' is over 1e+12",
    ]


def test_a_rating_with_a_decimal_comma_is_read(tmp_path):
    """A Polish or Dutch Excel writes a rating as 4,5: read as 4.5 (the review was quarantined, "not a number");
    a comma before three digits is a thousands group, no rating."""
    at = "2026-10-01T10:00:00Z"
    lines = [{"id": f"r{n}", "at": at, "body": "acme", "stars": s} for n, s in enumerate(["4,5", " 3,0 ", "1,000"])]
    records, rejects = _mapped(tmp_path, "acme.jsonl", lines, "review")
    assert [(r.native_id, r.rating) for r in records] == [("r0", 4.5), ("r1", 3.0)]
    assert [r.reason for r in rejects] == ["stars '1,000' is not a number"]


def test_a_blank_rating_is_no_rating(tmp_path):
    lines = [{"id": "r1", "at": "2026-10-01T10:00:00Z", "body": "acme works", "stars": "  "}]
    records, rejects = _mapped(tmp_path, "acme.jsonl", lines, "review")
    assert [(r.native_id, r.rating) for r in records] == [("r1", None)] and rejects == []


def test_up_to_three_unchanged_files_are_named_one_note_each(tmp_path):
    assert [note.split(" (sha256")[0] for note in _notes_of_unchanged(tmp_path, 3)] == [
        f"acme-{i}.csv unchanged since loaded for this window" for i in range(3)
    ]


def test_the_same_bad_row_in_two_files_of_a_night_has_one_key(tmp_path):
    """Cumulative exports repeat yesterday's rows: a bad row in both files is the 1st of its content in each file,
    so both rejects have one key and it is one quarantine row."""
    bad = "1,twitter,,u,not a time,acme,,1,0\n"
    for name in ("acme-1.csv", "acme-2.csv"):
        (tmp_path / name).write_text(MENTIONS_HEADER + bad, encoding="utf-8")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "acme-*.csv"}}]))
    rejects = list(build_source(cfg, cfg.brands[0], "drop").fetch(DAY))
    assert [r.location.rsplit("/", 1)[1] for r in rejects] == ["acme-1.csv:2", "acme-2.csv:2"]
    assert rejects[0].quarantine_id == rejects[1].quarantine_id


def test_a_blank_cell_of_a_row_of_the_wrong_width_is_kept_as_it_is_not_hashed(tmp_path):
    _, rejects = fetch(tmp_path, MENTIONS_HEADER + "p1,twitter,  ,u,2026-10-01T10:00:00Z,acme\n")
    raw = json.loads(rejects[0].raw_record)
    assert raw["channel"] == "  " and raw["author"] == f"hmac:{Pseudonymiser(None)('u')}"


def test_a_jsonl_line_of_exactly_the_limit_is_read_and_one_byte_more_is_quarantined(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.sources.filedrop.MAX_FIELD", 200)
    lines = []
    for pid in ("fits", "over"):
        line = json.dumps({"post_id": pid, "posted_at": "2026-10-01T10:00:00Z", "body": "acme "})
        lines.append(line[:-2] + "x" * (200 - len(line) + (pid == "over")) + '"}')
    assert [len(line) for line in lines] == [200, 201]
    records, rejects = fetch(tmp_path, "\r\n".join(lines) + "\r\n", name="acme.jsonl")
    assert [r.native_id for r in records] == ["fits"]
    assert [r.reason for r in rejects] == ["line is 201 bytes, over the 200-byte limit"]


def test_a_native_id_and_a_platform_are_read_without_their_surrounding_spaces(tmp_path):
    import yaml

    row = " 1042 , Twitter ,,u,2026-10-01T10:00:00Z,acme,,1,0\n"
    (tmp_path / "acme.csv").write_text(MENTIONS_HEADER + row, encoding="utf-8")
    path = write_config(tmp_path)
    doc = yaml.safe_load(path.read_text())
    doc["brands"][0]["sources"][0]["platforms"] = ["twitter"]
    path.write_text(yaml.safe_dump(doc))
    cfg = load_config(path)
    [record] = list(build_source(cfg, cfg.brands[0], "listening").fetch(DAY))
    assert (record.native_id, record.platform) == ("1042", "Twitter")


def test_a_row_of_a_window_ahead_of_the_clock_is_read_not_taken_for_a_future_typo(tmp_path):
    """A row is in the future when it is past the later of now and the window's end (a night run ahead, a replay of
    a scheduled window): a row inside the window is read."""
    records, rejects = fetch(
        tmp_path,
        MENTIONS_HEADER + "1,twitter,,u,2099-12-30T10:00:00Z,acme,,1,0\n",
        window=Window.for_day(date(2099, 12, 30)),
    )
    assert [r.native_id for r in records] == ["1"] and rejects == []


def test_a_row_without_a_native_id_is_quarantined(tmp_path):
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + " ,twitter,,u,2026-10-01T10:00:00Z,acme,,1,0\n")
    assert records == [] and [r.reason for r in rejects] == ["post_id (native id) is empty"]


def test_a_text_over_the_byte_limit_is_quarantined_by_its_utf8_bytes_not_its_characters(tmp_path, monkeypatch):
    """MAX_TEXT_BYTES counts UTF-8 bytes: 150 three-byte characters are over a 400-byte limit; 400 ASCII
    characters are not."""
    monkeypatch.setattr("pipeline.sources.filedrop.MAX_TEXT_BYTES", 400)
    rows = [("wide", "2026-10-01T10:00:00Z", "€" * 150), ("ascii", "2026-10-01T10:00:00Z", "a" * 400)]
    records, rejects = fetch(tmp_path, csv_rows(rows))
    assert [r.native_id for r in records] == ["ascii"]
    assert [json.loads(r.raw_record)["post_id"] for r in rejects] == ["wide"]
    assert rejects[0].reason.startswith("body (text) is over ")


def test_a_rerun_of_a_window_does_not_push_the_older_windows_out(tmp_path):
    """The windows a file was loaded for are each kept once: re-running the newest night again and again keeps the
    oldest of the last KEEP_WINDOWS nights skipped as loaded."""
    from datetime import timedelta

    from pipeline.sources.filedrop import KEEP_WINDOWS

    (tmp_path / "acme.csv").write_text(MENTIONS_HEADER, encoding="utf-8")
    cfg = load_config(write_config(tmp_path))
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(KEEP_WINDOWS)]
    state = {}
    for day in [*days, days[-1], days[-1]]:
        src = build_source(cfg, cfg.brands[0], "listening")
        src.previous_state = state
        list(src.fetch(Window.for_day(day)))
        state = src.state
    [entry] = state["loaded"].values()
    assert len(entry["windows"]) == KEEP_WINDOWS == len(set(entry["windows"]))
    src = build_source(cfg, cfg.brands[0], "listening")
    src.previous_state = state
    assert list(src.fetch(Window.for_day(days[0]))) == [] and "unchanged since loaded" in src.notes[0]


@pytest.mark.parametrize("name", ["acme.csv", "acme.jsonl"])
def test_a_file_rewritten_in_place_between_its_hash_and_its_read_is_read_again_by_a_rerun(tmp_path, monkeypatch, name):
    """The state stores the fingerprint of the bytes the rows were read from: a file hashed whole, then read cut
    (its exporter rewriting it in place with the same rows), is no file loaded whole, so a re-run reads it again."""
    from pipeline.sources.filedrop import FileDrop

    if name.endswith(".csv"):
        whole = MENTIONS_HEADER + "".join(f"{n},reddit,,u,2026-10-01T10:00:00Z,post {n},,1,0\n" for n in range(5))
    else:
        row = '{{"post_id": "{}", "posted_at": "2026-10-01T10:00:00Z", "body": "post"}}\n'
        whole = "".join(row.format(n) for n in range(5))
    cut = whole[: whole.index("\n") + 1]
    export = tmp_path / name
    export.write_text(whole, encoding="utf-8")
    hashed = FileDrop._fingerprint

    def rewritten_after_hashing(self, path):
        fingerprint = hashed(self, path)
        path.write_text(cut, encoding="utf-8")  # the exporter truncated the file, and writes it again
        return fingerprint

    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": name}}]))
    src = build_source(cfg, cfg.brands[0], "listening")
    src.previous_state = {}
    with monkeypatch.context() as m:
        m.setattr(FileDrop, "_fingerprint", rewritten_after_hashing)
        assert len([i for i in src.fetch(DAY) if isinstance(i, Record)]) < 5
    export.write_text(whole, encoding="utf-8")  # written again whole: the content hashed before the read
    rerun = build_source(cfg, cfg.brands[0], "listening")
    rerun.previous_state = src.state
    assert len([i for i in rerun.fetch(DAY) if isinstance(i, Record)]) == 5
    again = build_source(cfg, cfg.brands[0], "listening")  # and once read whole, it is loaded
    again.previous_state = rerun.state
    assert list(again.fetch(DAY)) == [] and "unchanged since loaded" in again.notes[0]


def test_one_id_under_one_platform_in_another_case_with_an_edited_text_is_no_clash(tmp_path):
    """'Twitter' is twitter in one night's files too: a row of the id read again with its text edited is the same
    platform's post, not another platform's to quarantine."""
    rows = "1042,twitter,,u,2026-10-01T08:00:00Z,acme is slow,,1,0\n1042,Twitter,,u,2026-10-01T08:00:00Z,acme!,,2,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert [(r.platform, r.text) for r in records] == [("twitter", "acme is slow"), ("Twitter", "acme!")]
    assert rejects == []


def test_a_name_under_the_rating_column_is_described_in_the_raw_record(tmp_path):
    lines = [{"id": "r1", "at": "2026-10-01T10:00:00Z", "body": "acme works", "stars": "Jane Doe"}]
    _, [reject] = _mapped(tmp_path, "acme.jsonl", lines, "review")
    assert reject.reason == "stars [not shown: 8 characters: letters, spaces] is not a number"
    assert json.loads(reject.raw_record)["stars"] == "[not shown: 8 characters: letters, spaces]"


def test_a_row_whose_time_cannot_be_read_still_claims_its_id(tmp_path):
    """Every row of an id claims it, its time readable or not, so which row keeps an id does not depend on a typo
    being fixed: the instagram row after a twitter row of the id with a broken time is quarantined."""
    rows = "1042,twitter,,u,not a time,acme,,1,0\n1042,instagram,,u,2026-10-01T09:00:00Z,acme on instagram,,1,0\n"
    records, rejects = fetch(tmp_path, MENTIONS_HEADER + rows)
    assert records == [] and [r.reason.split(": the ids")[0] for r in rejects] == [
        "created_at [not shown: 10 characters: letters, spaces] is not an ISO-8601 timestamp",
        "post_id (native id) '1042' is also the id of a twitter row of this file",
    ]


def test_a_repeated_column_the_config_does_not_map_is_no_problem(tmp_path):
    header = MENTIONS_HEADER.rstrip("\n") + ",note,note\n"
    records, rejects = fetch(tmp_path, header + "1,twitter,,u,2026-10-01T10:00:00Z,acme,,5,0,a,b\n")
    assert [r.native_id for r in records] == ["1"] and rejects == []


def test_lines_quarantined_whole_are_keyed_by_all_of_what_was_read_of_them(tmp_path):
    """Two lines that are not UTF-8, alike in their first hundred bytes, in two nights' exports: two rejects with
    two keys, not the second taken for the first already in quarantine."""
    _, [one] = fetch(tmp_path, b"x" * 100 + b"\xe9 one\n", name="acme.jsonl")
    _, [two] = fetch(tmp_path, b"x" * 100 + b"\xe9 two\n", name="acme.jsonl")
    assert one.raw_record == two.raw_record == UNREADABLE and one.quarantine_id != two.quarantine_id


def test_reviews_without_a_body_are_one_post_under_two_platforms_only_when_their_titles_are_the_same(tmp_path):
    """A review's text is its title when its body is empty: two rows of an id without a body, under two platform
    labels, are one post relabelled when their titles are the same, and two posts (a clash) when they differ."""
    at = "2026-10-01T10:00:00Z"
    lines = [
        {"id": "7", "at": at, "body": "", "title": "Great app", "stars": 5, "store": "appstore"},
        {"id": "7", "at": at, "body": "", "title": "Great app", "stars": 5, "store": "ios"},
        {"id": "8", "at": at, "body": "", "title": "Great app", "stars": 5, "store": "appstore"},
        {"id": "8", "at": at, "body": "", "title": "Awful app", "stars": 1, "store": "googleplay"},
    ]
    records, rejects = _mapped(tmp_path, "acme.jsonl", lines, "review")
    assert [(r.native_id, r.platform) for r in records] == [("7", "appstore"), ("7", "ios"), ("8", "appstore")]
    assert [r.location.rsplit(":", 1)[1] for r in rejects] == ["4"]


def test_a_configured_format_reads_a_file_whatever_its_name(tmp_path):
    import yaml

    line = json.dumps({"post_id": "1", "posted_at": "2026-10-01T10:00:00Z", "body": "acme"})
    (tmp_path / "acme.txt").write_text(line + "\n", encoding="utf-8")
    path = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "acme.txt"}}])
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["brands"][0]["sources"][0]["format"] = "jsonl"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    cfg = load_config(path)
    assert [r.native_id for r in build_source(cfg, cfg.brands[0], "listening").fetch(DAY)] == ["1"]


def test_csv_exports_joined_into_one_file_skip_their_repeated_header_rows(tmp_path):
    """Three day exports joined (cat a.csv b.csv c.csv): the second starts with Excel's byte-order mark, the third's
    header has the trailing empty cells Excel pads with. Their header rows are no rows: skipped and counted in the
    extract step's note, not quarantined as rows with an unreadable time."""
    first = csv_rows([("a1", "2026-10-01T09:00:00Z", "first export")])
    second = csv_rows([("b1", "2026-10-01T10:00:00Z", "second export")])
    header, row = csv_rows([("c1", "2026-10-01T11:00:00Z", "third export")]).split("\n", 1)
    joined = first + "\ufeff" + second + header.rstrip("\r") + ",,\r\n" + row
    (tmp_path / "acme.csv").write_text(joined, encoding="utf-8")
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"drop": "acme.csv"}}]))
    src = build_source(cfg, cfg.brands[0], "drop")
    items = list(src.fetch(DAY))
    assert [i.native_id for i in items if isinstance(i, Record)] == ["a1", "b1", "c1"], items
    assert len(items) == 3  # no reject
    assert src.notes == ["acme.csv rows skipped: 2 repeating the header row (exports joined into one file)"]


def test_ids_excel_rounded_to_scientific_notation_are_quarantined_not_merged(tmp_path):
    """Excel saves a long tweet id as "1.84467E+18": three posts had one id, and the load kept one of them."""
    rows = [(i, "2026-10-01T10:00:00Z", f"acme post {n}") for n, i in enumerate(("1.84467E+18", "1,84467E+18", "7"))]
    records, rejects = fetch(tmp_path, csv_rows(rows))
    assert [r.native_id for r in records] == ["7"]
    assert [r.reason.split(" is a number")[0] for r in rejects] == [
        "post_id (native id) '1.84467E+18'",
        "post_id (native id) '1,84467E+18'",
    ]
    assert all("scientific notation" in r.reason and r.location for r in rejects)


def test_exports_of_two_layouts_joined_into_one_file_fail_the_source_naming_the_second_header(tmp_path):
    """cat a.csv b.csv, b exported with its columns in another order: its header row was quarantined as a row with
    an unreadable time, and its rows were read under a.csv's header, a link stored as the text (and scored)."""
    first = csv_rows([("a1", "2026-10-01T09:00:00Z", "first export")])
    header = MENTIONS_HEADER.replace("body,link", "link,body")
    joined = first + header + "b1,reddit,r/test,u,2026-10-01T10:00:00Z,https://example.com/b1,second export,1,0\n"
    with pytest.raises(BadExport, match=r"acme\.csv:3: .*another header row"):
        fetch(tmp_path, joined)


def test_a_later_header_that_renames_only_a_column_not_read_is_skipped_as_the_header_again(tmp_path):
    """cat a.csv b.csv, the vendor renaming a column the config does not read (vendor_tag, vendor_label): every
    mapped column is where line 1 has it, so b's rows read as a's; the source failed as of another layout."""
    header = MENTIONS_HEADER.strip() + ",{}\n"
    row = "{0},reddit,r/test,u,2026-10-01T{1}:00:00Z,{0} body,https://example.com/{0},1,0,x\n"
    joined = header.format("vendor_tag") + row.format("a1", "09:00") + header.format("vendor_label")
    records, rejects = fetch(tmp_path, joined + row.format("b1", "10:00"))
    assert sorted(r.native_id for r in records) == ["a1", "b1"] and rejects == []
