"""Survey and customer imports: presets, custom mappings, per-field quarantine, re-imports, steps and views."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import re
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pipeline import config_surveys
from pipeline.config import ConfigError, load_config
from pipeline.config_surveys import CustomerSpec, SurveySpec, SurveysSpec
from pipeline.records import Pseudonymiser, Reject, Rejected
from pipeline.surveys import ingest, rollup
from pipeline.surveys import metrics as M
from pipeline.surveys.importer import (
    _without_currency,
    amount,
    currency,
    parse_score,
    read_customer_file,
    read_survey_file,
    survey_columns,
)
from pipeline.surveys.xcorr import cross_correlation
from pipeline.warehouse import connect, migrate
from tests.helpers import REPO, migrated, weekly_social_and_survey, write_config

RUN = "cli__2026-10-31__0000aaaa"
DEMO = REPO / "demo"

# The block proposed for demo/brandpulse.yaml (surveys: ...).
DEMO_SURVEYS = {
    "min_responses": 30,
    "sources": [
        {"name": "parcelo-nps", "brand": "parcelo", "path": "sample/parcelo/surveys.csv", "preset": "qualtrics"},
        {
            "name": "brewbird-nps",
            "brand": "brewbird",
            "path": "sample/brewbird/surveys.csv",
            "preset": "surveymonkey",
            "timezone": "Europe/London",
        },
        {
            "name": "novabank-nps",
            "brand": "novabank",
            "path": "sample/novabank/surveys.csv",
            "preset": "typeform",
            "ces": {"scale": 5, "lower_is_better": True},
        },
    ],
    "customers": [
        {"name": f"{b}-crm", "brand": b, "path": f"sample/{b}/customers.csv"}
        for b in ("parcelo", "brewbird", "novabank")
    ],
    "clv": {"margin": 0.3, "discount_rate": 0.10, "discount_rate_period": "year"},
}


@pytest.fixture(autouse=True)
def _initialised_warehouse(request, tmp_path):
    """The warehouse these tests use, initialised as `brandpulse init` or a night's prepare step leaves it."""
    if request.node.name != "test_no_surveys_section_is_a_no_op":  # that one checks that nothing is created
        with connect(tmp_path / "w.duckdb") as con:
            migrate(con)


def load(path: Path):
    """The main config with a surveys section (a subclass until the main Config has the field)."""
    from pipeline.config import Config, load_config

    if "surveys" in Config.model_fields:
        return load_config(path)

    class WithSurveys(Config):
        surveys: SurveysSpec | None = None

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return WithSurveys.model_validate({**raw, "source_file": path.resolve()})


def make_config(folder: Path, surveys: dict, brands=("Acme",)):
    return load(write_config(folder, [{"name": b, "files": {"listening": "x.csv"}} for b in brands], surveys=surveys))


def write_csv(path: Path, rows: list[list]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def rows_of(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


QUALTRICS_COLS = [
    "StartDate",
    "EndDate",
    "IPAddress",
    "RecordedDate",
    "ResponseId",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "Touchpoint",
]
QUALTRICS_TEXT = ["Start Date", "End Date", "IP Address", "Recorded Date", "Response ID", "How likely ...?",
                  "How satisfied ...?", "Made it easy ...", "Why?", "Touchpoint"]  # fmt: skip
QUALTRICS_META = [
    json.dumps({"ImportId": i, **({"timeZone": "America/New_York"} if "ate" in i else {})}, separators=(",", ":"))
    for i in [
        "startDate",
        "endDate",
        "ipAddress",
        "recordedDate",
        "_recordId",
        "QID1",
        "QID2",
        "QID3",
        "QID4_TEXT",
        "Touchpoint",
    ]
]


def qualtrics_rows(first_nps="10", first_comment="Fast delivery, lovely driver"):
    t = "2026-10-01 09:00:00"
    return [
        QUALTRICS_COLS,
        QUALTRICS_TEXT,
        QUALTRICS_META,
        [t, t, "192.0.2.1", t, "R_aaa", first_nps, "5", "7", first_comment, "delivery"],
        [t, t, "192.0.2.2", t, "R_bbb", "11", "4", "", "", "support"],  # NPS out of range: csat still lands
        [t, t, "192.0.2.3", t, "R_ccc", "ten", "", "9", "", "app"],  # NPS unparsable and CES over 7
        [t, t, "192.0.2.4", t, "", "9", "5", "6", "", "app"],  # no response id: quarantined whole
        [t, "yesterday", "192.0.2.5", "yesterday", "R_eee", "9", "5", "6", "", "app"],  # unreadable time: whole
        [
            t,
            "2026-10-02 23:30:00",
            "192.0.2.6",
            "2026-10-02 23:30:00",
            "R_fff",
            "0 - Not at all likely",
            "1",
            "2",
            "My parcel never arrived and support ignored me for a week. Terrible.",
            "",
        ],
    ]


# -- presets -------------------------------------------------------------------------------------------------
def test_qualtrics_preset_reads_three_header_rows_and_the_export_time_zone(tmp_path):
    path = write_csv(tmp_path / "q.csv", qualtrics_rows())
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    by_id = {r.response_id: r for r in responses}
    assert sorted(by_id) == ["R_aaa", "R_bbb", "R_ccc", "R_fff"]
    a = by_id["R_aaa"]
    # 09:00 in New York (the ImportId row's timeZone) on 1 Oct 2026 (EDT, UTC-4) = 13:00 UTC
    assert datetime.fromisoformat(a.responded_at) == datetime(2026, 10, 1, 13, 0, tzinfo=UTC)
    assert (a.nps, a.csat, a.ces, a.ces_norm, a.touchpoint, a.comment) == (
        10,
        5,
        7,
        7.0,
        "delivery",
        "Fast delivery, lovely driver",
    )
    assert (by_id["R_bbb"].nps, by_id["R_bbb"].csat) == (None, 4)
    assert (by_id["R_ccc"].nps, by_id["R_ccc"].ces) == (None, None)
    assert by_id["R_fff"].nps == 0 and by_id["R_fff"].touchpoint is None
    reasons = sorted(r.reason for r in rejects)
    assert reasons == [
        "NPS (column Q1) '11' is outside 0-10 (left empty; the rest of the response loaded)",
        "NPS (column Q1) 'ten' is not a number; CES (column Q3) '9' is outside 1-7 "
        "(left empty; the rest of the response loaded)",
        "response id (column ResponseId) is empty",
        "timestamp (column EndDate) 'yesterday' is not a date and time this source can read",
    ]
    assert all("192.0.2" not in r.raw_record for r in rejects)  # unmapped columns (IP addresses) are not kept
    assert all(r.location.startswith(f"{path}:") for r in rejects)


def test_a_qualtrics_export_in_utc_states_z_and_its_times_stay_utc_whatever_the_sources_zone(tmp_path):
    """Qualtrics writes ``"timeZone":"Z"`` in the ImportId row of an export in UTC: the export's own zone wins over
    the source's ``timezone`` as a named zone does (it was passed over: 22:30 read in New York, the next day)."""
    meta = [json.dumps({"ImportId": "recordedDate", "timeZone": "Z"}), json.dumps({"ImportId": "_recordId"}),
            json.dumps({"ImportId": "QID1"})]  # fmt: skip
    path = write_csv(tmp_path / "q.csv", [["RecordedDate", "ResponseId", "Q1"],
                                          ["Recorded Date", "Response ID", "How likely ...?"], meta,
                                          ["2026-10-01 22:30:00", "R_1", "9"]])  # fmt: skip
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics", timezone="America/New_York")
    [response], rejects = read_survey_file(None, src, path)
    assert datetime.fromisoformat(response.responded_at) == datetime(2026, 10, 1, 22, 30, tzinfo=UTC) and not rejects


def test_a_qualtrics_comment_of_minus_99_seen_but_not_answered_is_no_comment(tmp_path):
    """Qualtrics may recode a question seen but not answered as -99: in the open-text column it was stored as the
    comment "-99" and scored (neutral), a comment nobody wrote. It is no comment, as an empty cell is, and no reject;
    another preset's "-99" is what its respondent typed."""
    path = write_csv(tmp_path / "q.csv", qualtrics_rows(first_comment="-99"))
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    [a] = [r for r in responses if r.response_id == "R_aaa"]
    assert (a.nps, a.comment, a.comment_language) == (10, None, None)
    assert not [r for r in rejects if "R_aaa" in r.raw_record]
    columns = {"response_id": "ResponseId", "timestamp": "EndDate", "nps": "Q1", "comment": "Q4"}
    custom = SurveySpec(name="acme-nps", brand="acme", path="q.csv", columns=columns)
    assert [r.comment for r in read_survey_file(None, custom, path)[0] if r.response_id == "R_aaa"] == ["-99"]


@pytest.mark.parametrize("blank", ["\u200b", " \u200b\u200d ", "\ufeff\u00ad", "\ufe0f"])
def test_a_comment_of_invisible_characters_alone_is_no_comment(tmp_path, blank):
    """A comment cell holding a zero-width space alone (pasted, or a form's placeholder) was stored and listed in
    v_survey_comments as a neutral comment with the note "empty": nothing was written, as in an empty cell."""
    path = write_csv(tmp_path / "q.csv", qualtrics_rows(first_comment=blank))
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    [a] = [r for r in responses if r.response_id == "R_aaa"]
    assert (a.nps, a.comment, a.comment_language) == (10, None, None)
    assert not [r for r in rejects if "R_aaa" in r.raw_record]


def test_a_folder_of_zones_in_a_time_zone_cell_quarantines_its_row_not_the_source(tmp_path):
    """ZoneInfo("America") (a folder of zones, as a long name is) raises OSError, which zone() let through: one
    row's time zone cell failed its whole source (no answer landed, none quarantined), as did an ImportId row's
    timeZone of that kind, or one that is not text."""
    rows = [["id", "at", "tz", "score"], ["1", "2026-10-01 10:00:00", "Europe/Warsaw", "9"],
            ["2", "2026-10-01 10:00:00", "America", "3"]]  # fmt: skip
    columns = {"response_id": "id", "timestamp": "at", "timezone": "tz", "nps": "score"}
    src = SurveySpec.model_validate({"name": "panel", "brand": "acme", "path": "p.csv", "columns": columns})
    responses, rejects = read_survey_file(None, src, write_csv(tmp_path / "p.csv", rows))
    assert [(r.response_id, r.responded_at) for r in responses] == [("1", "2026-10-01T08:00:00+00:00")]
    assert [r.reason.split(" (column")[1] for r in rejects] == [" tz) is not an IANA zone or UTC offset"]
    src = SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics", timezone="America/New_York")
    for declared in ("America", 5):  # not a zone: the source's timezone, as for any zone zoneinfo does not know
        meta = [json.dumps({"ImportId": "recordedDate", "timeZone": declared}), json.dumps({"ImportId": "_recordId"}),
                json.dumps({"ImportId": "QID1"})]  # fmt: skip
        path = write_csv(tmp_path / "q.csv", [["RecordedDate", "ResponseId", "Q1"],
                                              ["Recorded Date", "Response ID", "How likely ...?"], meta,
                                              ["2026-10-01 22:30:00", "R_1", "9"]])  # fmt: skip
        [response], rejects = read_survey_file(None, src, path)
        assert (response.responded_at, rejects) == ("2026-10-02T02:30:00+00:00", []), declared


def test_an_importid_row_whose_time_cell_nests_past_pythons_stack_declares_no_zone(tmp_path):
    """The ImportId row's timestamp cell is read as JSON for its timeZone: "[" 100,000 times raised RecursionError,
    which no caller caught, and the whole import failed with a traceback. It declares no zone, as other JSON does."""
    meta = ["[" * 100_000, json.dumps({"ImportId": "_recordId"}), json.dumps({"ImportId": "QID1"})]
    path = write_csv(tmp_path / "q.csv", [["RecordedDate", "ResponseId", "Q1"],
                                          ["Recorded Date", "Response ID", "How likely ...?"], meta,
                                          ["2026-10-01 22:30:00", "R_1", "9"]])  # fmt: skip
    src = SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics", timezone="America/New_York")
    [response], rejects = read_survey_file(None, src, path)
    assert (response.responded_at, rejects) == ("2026-10-02T02:30:00+00:00", [])


def test_a_name_shifted_under_a_mapped_column_is_in_no_reason_and_no_raw_record(tmp_path):
    # "Doe, Jane" unquoted is two cells and the answer is missing: the row has the header's width, with the first
    # name under RecordedDate. Quarantine keeps only mapped columns, and of those none may hold it either
    path = write_csv(tmp_path / "q.csv", [["ResponseId", "Name", "RecordedDate", "Q1"]])
    path.write_text(path.read_text() + "R_9,Doe, Jane,2026-10-01 09:00:00\nR_8,Roe,2026-10-01 09:00:00,Ten\n")
    src = SurveySpec(name="n", brand="acme", path="q.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    assert [r.response_id for r in responses] == ["R_8"]  # 'Ten': a number word, read as text, not an answer
    assert [r.reason for r in rejects] == [
        "timestamp (column RecordedDate) [not shown: 4 characters: letters] is not a date and time this source can "
        "read",
        "NPS (column Q1) 'Ten' is not a number (left empty; the rest of the response loaded)",
    ]
    assert "Jane" not in rejects[0].raw_record
    assert json.loads(rejects[0].raw_record)["RecordedDate"] == "[not shown: 4 characters: letters]"


def test_a_preset_pattern_reads_the_first_1000_characters_of_a_header():
    """SurveyMonkey's NPS pattern ("how likely (is it|are you) .*recommend") over a header cell repeating its
    start without "recommend" is quadratic: 128 KiB took 3 s, a 525 KB export 104 s (benchmarked by the review's
    script, not timed here). A preset's pattern now reads a header's first 1,000 characters: past them it finds
    nothing, and a real question is found as before."""
    spec = SurveySpec(name="sm", brand="acme", path="x.csv", preset="surveymonkey")
    nps = "How likely is it that you would recommend Acme to a friend or colleague?"
    late = "x" * 1_000 + nps
    assert survey_columns(spec, ["Respondent ID", "End Date", late, nps], "x.csv")["nps"] == nps
    with pytest.raises(ValueError, match="no NPS, CSAT or CES column"):
        survey_columns(spec, ["Respondent ID", "End Date", late], "x.csv")


def test_a_preset_guesses_no_score_from_an_open_question(tmp_path):
    """The CES follow-up "What could we do to make it easier ...?" (SurveyMonkey's Open-Ended Response) matched
    the preset's CES pattern (easier): the comment column was read as a CES, every comment quarantined as a CES
    that is not a number and none stored or scored. A header that reads as an open question by the preset's comment
    patterns is no score's guess."""
    why = "What could we do to make it easier to do business with us?"
    rows = [
        ["Respondent ID", "End Date", "How likely is it that you would recommend Acme to a friend or colleague?", why],
        ["", "", "Response", "Open-Ended Response"],
        ["114000000011", "10/13/2026 9:05:12 AM", "9", "Faster refunds please"],
    ]
    src = SurveySpec(name="sm", brand="acme", path="sm.csv", preset="surveymonkey")
    info = {}
    [response], rejects = read_survey_file(None, src, write_csv(tmp_path / "sm.csv", rows), info)
    assert (info["columns"].get("ces"), info["columns"]["comment"]) == (None, why)
    assert (response.nps, response.ces, response.comment, rejects) == (9, None, "Faster refunds please", [])


def test_a_rating_question_that_opens_with_tell_us_is_still_a_scores_guess():
    """The comment patterns' "please tell us" / "tell us" also open rating questions: "Please tell us how satisfied
    you are ..." was passed over as an open question, and the survey refused for having no score column."""
    sm = SurveySpec(name="sm", brand="acme", path="sm.csv", preset="surveymonkey")
    csat = "Please tell us how satisfied you are with your delivery"
    mapping = survey_columns(sm, ["Respondent ID", "End Date", csat, "Any other comments?"], "x.csv")
    assert (mapping["csat"], mapping["comment"]) == (csat, "Any other comments?")
    tf = SurveySpec(name="tf", brand="acme", path="tf.csv", preset="typeform")
    nps = "Tell us how likely you are to recommend Acme to a friend"
    assert survey_columns(tf, ["#", "Submit Date (UTC)", nps], "x.csv")["nps"] == nps


def test_an_open_question_the_header_repeats_is_no_comment_guess_and_the_answers_land(tmp_path):
    """SurveyMonkey repeats a question's text when a survey asks it twice ("Please tell us why." after the NPS and
    after the CSAT): the comment's guess took it and the file failed as repeating a mapped column, no answer
    landing, with no setting to change (a column in the config is an exact header name, repeated alike)."""
    why, nps = "Please tell us why.", "How likely is it that you would recommend Acme to a friend?"
    rows = [
        ["Respondent ID", "End Date", nps, why, "How satisfied are you with Acme?", why, "Any other comments?"],
        ["", "", "Response", "Open-Ended Response", "Response", "Open-Ended Response", "Open-Ended Response"],
        ["114000000011", "10/13/2026 9:05:12 AM", "9", "Fast", "4", "Polite", "Keep it up"],
    ]
    src = SurveySpec(name="sm", brand="acme", path="sm.csv", preset="surveymonkey")
    info = {}
    [response], rejects = read_survey_file(None, src, write_csv(tmp_path / "sm.csv", rows), info)
    assert info["columns"]["comment"] == "Any other comments?" and not rejects
    assert (response.nps, response.csat, response.comment) == (9, 4, "Keep it up")


def test_surveymonkey_preset_labels_second_header_row_and_local_times(tmp_path):
    q_nps = "How likely is it that you would recommend Brewbird to a friend or colleague?"
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
         "Last Name", "Custom Data 1", q_nps, "Overall, how satisfied were you with your visit?",
         "Brewbird made it easy for me to get what I wanted.", "Why did you give that score?"],
        [""] * 9 + ["Response", "Response", "Response", "Open-Ended Response"],
        ["1001", "9", "10/24/2026 09:29:00 AM", "10/24/2026 09:30:00 AM", "198.51.100.1", "jane@example.com",
         "Jane", "Doe", "in_store", "9", "Very satisfied", "Agree", "Lovely coffee"],
        ["1002", "9", "10/26/2026 09:29:00 AM", "10/26/2026 09:30:00 AM", "198.51.100.2", "joe@example.com",
         "Joe", "Bloggs", "order_ahead", "6", "Meh", "Strongly disagree", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "sm.csv", rows)
    src = SurveySpec(name="bb", brand="acme", path="sm.csv", preset="surveymonkey", timezone="Europe/London")
    responses, rejects = read_survey_file(None, src, path)
    first, second = responses
    # London is on BST (UTC+1) on 24 Oct 2026 and on GMT after 25 Oct
    assert datetime.fromisoformat(first.responded_at) == datetime(2026, 10, 24, 8, 30, tzinfo=UTC)
    assert datetime.fromisoformat(second.responded_at) == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)
    assert (first.response_id, first.nps, first.csat, first.ces, first.touchpoint, first.comment) == (
        "1001",
        9,
        5,
        6,
        "in_store",
        "Lovely coffee",
    )
    assert (second.nps, second.csat, second.ces) == (6, None, 1)
    [reject] = rejects
    assert reject.reason.startswith(
        "CSAT (column Overall, how satisfied were you with your visit?) [not shown: 3 characters: letters]"
    )
    assert "example.com" not in reject.raw_record and "Bloggs" not in reject.raw_record


def test_surveymonkey_respondent_ids_saved_by_excel_in_scientific_notation_are_quarantined_not_merged(tmp_path):
    """Excel shows SurveyMonkey's 12-digit Respondent IDs as 1.14112E+11 and saves them so: the two answers had one
    id, and the import kept the last, dropping the other from NPS without a word."""
    q_nps = "How likely is it that you would recommend Brewbird to a friend or colleague?"
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", q_nps],
        ["", "", "", "", "Response"],
        ["1.14112E+11", "412345678", "10/24/2026 09:29:00 AM", "10/24/2026 09:30:00 AM", "9"],
        ["1.14112E+11", "412345678", "10/24/2026 01:29:00 PM", "10/24/2026 01:30:00 PM", "3"],
        ["114112345680", "412345678", "10/24/2026 02:29:00 PM", "10/24/2026 02:30:00 PM", "10"],
    ]
    path = write_csv(tmp_path / "sm.csv", rows)
    src = SurveySpec(name="bb", brand="acme", path="sm.csv", preset="surveymonkey")
    responses, rejects = read_survey_file(None, src, path)
    assert [(r.response_id, r.nps) for r in responses] == [("114112345680", 10)]
    assert [r.reason for r in rejects] == [
        "response id (column Respondent ID) '1.14112E+11' is a number in scientific notation, as Excel saves a long "
        "id: its digits are lost, so it cannot tell this response from others; use the export as the survey tool "
        "wrote it, or save the column as text"
    ] * 2


def test_a_whole_history_export_saved_by_excel_removes_no_response_whose_id_it_rounded(tmp_path):
    """The whole-history export saved by Excel: its 12-digit Respondent IDs in scientific notation, an 11-digit one
    intact. The rounded ids may be any response's, yet the two answers that landed before left the warehouse as
    deleted in the survey tool."""
    q_nps = "How likely is it that you would recommend Acme to a friend or colleague?"
    header, sub = ["Respondent ID", "End Date", q_nps], ["", "", "Response"]
    rows = lambda ids: [header, sub] + [[i, "10/24/2026 09:30:00 AM", n] for i, n in ids]  # noqa: E731
    cfg = make_config(tmp_path, {"sources": [{"name": "sm", "brand": "acme", "path": "sm.csv",
                                              "preset": "surveymonkey", "whole_history": True}]})  # fmt: skip
    db = tmp_path / "w.duckdb"
    write_csv(tmp_path / "sm.csv", rows([("114112345678", "9"), ("114112345679", "3"), ("99999999999", "10")]))
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    write_csv(tmp_path / "sm.csv", rows([("1.14112E+11", "9"), ("1.14112E+11", "3"), ("99999999999", "10")]))
    result = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert result["removed"] == 0 and result["quarantined"] == 2
    assert rows_of(db, "SELECT response_id FROM survey_responses ORDER BY 1") == [
        ("114112345678",), ("114112345679",), ("99999999999",)]  # fmt: skip
    assert "sm: nothing removed, 2 row(s) without a readable response id" in _step(db, "cli__2026-11-01__0000bbbb")[3]


def test_typeform_preset_utc_header_wins_and_effort_is_flipped(tmp_path):
    rows = [
        ["#", "How likely are you to recommend Novabank to a friend or colleague?",
         "How satisfied are you with Novabank today?",
         "How much effort did you personally have to put in to get what you needed?",
         "What's the main reason for your score?", "touchpoint", "segment", "Start Date (UTC)",
         "Submit Date (UTC)", "Network ID"],
        ["a1b2", "10", "5", "1", "Instant transfers", "transfers", "premium", "2026-07-01 11:59:00",
         "2026-07-01 12:00:00", "ff00"],
        ["c3d4", "7.5", "3", "6", "", "app", "personal", "2026-07-01 12:59:00", "2026-07-01 13:00:00", "ff01"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "tf.csv", rows)
    # the configured zone is for naive times the export does not place itself: "(UTC)" in the header wins
    src = SurveySpec(
        name="nb",
        brand="acme",
        path="tf.csv",
        preset="typeform",
        timezone="Europe/London",
        ces={"scale": 5, "lower_is_better": True},
    )
    responses, rejects = read_survey_file(None, src, path)
    a, c = responses
    assert datetime.fromisoformat(a.responded_at) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert (a.nps, a.csat, a.ces, a.ces_scale, a.ces_lower_is_better, a.ces_norm) == (10, 5, 1, 5, True, 7.0)
    assert (a.segment, a.comment) == ("premium", "Instant transfers")
    assert (c.nps, c.csat, c.ces) == (None, 3, None)
    [reject] = rejects
    assert "'7.5' is not a whole number" in reject.reason and "'6' is outside 1-5" in reject.reason


def test_typeform_partial_responses_are_quarantined_as_partial_not_as_an_empty_timestamp(tmp_path):
    """A Typeform export with partial responses shown has a Response Type column; a partial row has no Submit Date
    and was quarantined as "timestamp is empty", which reads as a broken export, not as an unsubmitted answer."""
    rows = [
        ["#", "How likely are you to recommend Acme?", "Response Type", "Start Date (UTC)", "Submit Date (UTC)"],
        ["a1", "9", "completed", "2026-07-01 11:59:00", "2026-07-01 12:00:00"],
        ["b2", "3", "partial", "2026-07-01 12:59:00", ""],
    ]
    src = SurveySpec(name="tf", brand="acme", path="tf.csv", preset="typeform")
    responses, [reject] = read_survey_file(None, src, write_csv(tmp_path / "tf.csv", rows))
    assert [r.response_id for r in responses] == ["a1"]
    assert reject.reason == (
        "Typeform Response Type 'partial' (column Response Type): a partial response, never submitted, not an answer"
    )


def test_a_five_point_effort_question_is_mapped_onto_one_to_seven_with_its_own_scale(tmp_path):
    """'How much effort' on 1-5 (1 = very low effort): flipped to 6 - x, then 1 + (x' - 1) x 6/4 on the common 1-7
    scale (7 = least effort): 1 -> 7, 2 -> 5.5, 3 -> 4, 4 -> 2.5, 5 -> 1. Read as a 7-point answer, a 2 would be 6."""
    rows = [["id", "at", "effort"]] + [[f"R{x}", "2026-07-01T12:00:00Z", str(x)] for x in range(1, 6)]
    path = write_csv(tmp_path / "effort.csv", rows)
    src = SurveySpec(
        name="nb",
        brand="acme",
        path="effort.csv",
        columns={"response_id": "id", "timestamp": "at", "ces": "effort"},
        ces={"scale": 5, "lower_is_better": True},
    )
    responses, rejects = read_survey_file(None, src, path)
    assert rejects == []
    assert [(r.ces, r.ces_scale, r.ces_norm) for r in responses] == [
        (1, 5, 7.0),
        (2, 5, 5.5),
        (3, 5, 4.0),
        (4, 5, 2.5),
        (5, 5, 1.0),
    ]


def test_effort_answer_labels_are_read_on_the_sources_own_scale_and_direction(tmp_path):
    """A 5-point "how much effort" question (1 = very low effort) exports its labels: "Low effort" is a 2, flipped to
    5.5 on the common 1-7 scale; on a 5-point "how easy" question "Easy" is a 4 (5.5 too)."""
    rows = [["id", "at", "effort"], ["R1", "2026-07-01T12:00:00Z", "Low effort"], ["R2", "2026-07-01T12:00:00Z", "5"]]
    path = write_csv(tmp_path / "effort.csv", rows)
    columns = {"response_id": "id", "timestamp": "at", "ces": "effort"}
    src = SurveySpec(
        name="nb", brand="acme", path="effort.csv", columns=columns, ces={"scale": 5, "lower_is_better": True}
    )
    responses, rejects = read_survey_file(None, src, path)
    assert rejects == []
    assert [(r.ces, r.ces_norm) for r in responses] == [(2, 5.5), (5, 1.0)]
    write_csv(path, [rows[0], ["R1", "2026-07-01T12:00:00Z", "Easy"]])
    src = SurveySpec(name="nb", brand="acme", path="effort.csv", columns=columns, ces={"scale": 5})
    [easy], rejects = read_survey_file(None, src, path)
    assert (easy.ces, easy.ces_norm, rejects) == (4, 5.5, [])
    five = [["R1", "2026-07-01T12:00:00Z", "Agree"], ["R2", "2026-07-01T12:00:00Z", "Strongly disagree"]]
    write_csv(path, [rows[0], *five])  # the agreement statement on five points (its labels were all rejected)
    responses, rejects = read_survey_file(None, src, path)
    assert [(r.ces, r.ces_norm) for r in responses] == [(4, 5.5), (1, 1.0)] and rejects == []
    write_csv(path, [rows[0], ["R1", "2026-07-01T12:00:00Z", "Somewhat agree"]])  # CES 2.0: 1-7, agree = easy
    src = SurveySpec(name="nb", brand="acme", path="effort.csv", columns=columns)
    [agree], rejects = read_survey_file(None, src, path)
    assert (agree.ces, agree.ces_norm, rejects) == (5, 5.0, [])
    seven = [["R1", "2026-07-01T12:00:00Z", "Somewhat easy"], ["R2", "2026-07-01T12:00:00Z", "Very difficult"]]
    write_csv(path, [rows[0], *seven])  # "how easy" on seven points: the CES 2.0 default scale and direction
    responses, rejects = read_survey_file(None, src, path)
    assert [(r.ces, r.ces_norm) for r in responses] == [(5, 5.0), (1, 1.0)] and rejects == []
    labels = ["Very low effort", "Somewhat low effort", "Neither low nor high effort", "High effort"]
    labels.append("Very high effort")
    write_csv(path, [rows[0], *([f"R{i}", "2026-07-01T12:00:00Z", label] for i, label in enumerate(labels))])
    src = SurveySpec(name="nb", brand="acme", path="effort.csv", columns=columns, ces={"lower_is_better": True})
    responses, rejects = read_survey_file(None, src, path)  # "how much effort" on seven points: flipped, 8 - x
    assert [(r.ces, r.ces_norm) for r in responses] == [(1, 7.0), (3, 5.0), (4, 4.0), (6, 2.0), (7, 1.0)]
    assert rejects == []


def test_qualtrics_ces_labels_and_ease_labels_on_a_lower_is_better_scale_are_read(tmp_path):
    """Qualtrics' five-point ease scale (Extremely difficult / Somewhat difficult / Neither / Somewhat easy / Extremely
    easy) and its five-point agreement scale ("Somewhat agree") as choice text: every answer but the middle one was
    quarantined as not a number, and the CES of the answers left was 4 of 7 whatever they said. "Very easy" from a
    survey numbered 1 = least effort (lower_is_better) was quarantined too; it is 1 there (7 on the common scale)."""
    columns = {"response_id": "id", "timestamp": "at", "ces": "effort"}
    at = "2026-07-01T12:00:00Z"
    ease = [
        "Extremely difficult",
        "Somewhat difficult",
        "Neither easy nor difficult",
        "Somewhat easy",
        "Extremely easy",
    ]
    agree = ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"]
    path = tmp_path / "effort.csv"
    src = SurveySpec(name="q", brand="acme", path="effort.csv", columns=columns, ces={"scale": 5})
    for labels in (ease, agree):
        write_csv(path, [["id", "at", "effort"], *([f"R{i}", at, label] for i, label in enumerate(labels))])
        responses, rejects = read_survey_file(None, src, path)
        assert [(r.ces, r.ces_norm) for r in responses] == [(1, 1.0), (2, 2.5), (3, 4.0), (4, 5.5), (5, 7.0)]
        assert rejects == []
    write_csv(path, [["id", "at", "effort"], ["R1", at, "Very easy"], ["R2", at, "Slightly difficult"]])
    src = SurveySpec(name="q", brand="acme", path="effort.csv", columns=columns, ces={"lower_is_better": True})
    responses, rejects = read_survey_file(None, src, path)
    assert [(r.ces, r.ces_norm) for r in responses] == [(1, 7.0), (5, 3.0)] and rejects == []


def test_a_numbered_answer_whose_label_says_the_opposite_is_quarantined_not_counted(tmp_path):
    """A survey that numbers 1 = very satisfied: its "5 - Very dissatisfied" counted as top-2 CSAT; and "7 - Very
    high effort" on a CES where 7 = least effort as the easiest answer. Read by the number alone, each landed on
    the wrong side; the label says which way the survey numbers its scale, so the score is left empty with the
    reason. Answers whose label agrees (or is an agreement, whose direction depends on the statement) land."""
    rows = [
        ["id", "at", "csat", "ces"],
        ["R1", "2026-07-01T12:00:00Z", "5 - Very dissatisfied", "7 - Very high effort"],
        ["R2", "2026-07-01T12:00:00Z", "4 - Very satisfied", "6 - Easy"],
        ["R3", "2026-07-01T12:00:00Z", "3 - Somewhat satisfied", "7 - Strongly agree"],
    ]
    path = write_csv(tmp_path / "labels.csv", rows)
    columns = {"response_id": "id", "timestamp": "at", "csat": "csat", "ces": "ces"}
    src = SurveySpec(name="s", brand="acme", path="labels.csv", columns=columns)
    responses, [reject] = read_survey_file(None, src, path)
    assert [(r.csat, r.ces) for r in responses] == [(None, None), (4, 6), (3, 7)]
    assert "'5 - Very dissatisfied': its label says the opposite of its number" in reject.reason
    assert "'7 - Very high effort': its label says the opposite of its number on 1-7 (7 = least effort" in reject.reason
    src = SurveySpec(name="s", brand="acme", path="labels.csv", columns=columns, ces={"lower_is_better": True})
    write_csv(path, [rows[0], ["R1", "2026-07-01T12:00:00Z", "", "7 - Very high effort"]])
    [effort], rejects = read_survey_file(None, src, path)  # the source's direction: 7 is the most effort
    assert (effort.ces, effort.ces_norm, rejects) == (7, 1.0, [])


def test_ces_answers_plainly_on_the_other_scale_than_configured_are_said_in_the_step_detail(tmp_path, caplog):
    """A 5-point CES question configured as 7 (the default) lands every answer, mapped onto 1-7 as 7-point answers
    (a 5, the easiest, counts as 5 of 7), and a 7-point one configured as 5 quarantines its 6s and 7s, one row at a
    time: its CES is wrong either way. The import says so in the source's step detail and the log."""
    at, columns = "2026-07-01T12:00:00Z", {"response_id": "id", "timestamp": "at", "ces": "effort"}
    write_csv(tmp_path / "five.csv", [["id", "at", "effort"], *([f"F{i}", at, str(1 + i % 5)] for i in range(40))])
    write_csv(tmp_path / "seven.csv", [["id", "at", "effort"], *([f"S{i}", at, str(1 + i % 7)] for i in range(14))])
    cfg = make_config(tmp_path, {"sources": [
        {"name": "five", "brand": "acme", "path": "five.csv", "columns": columns},
        {"name": "seven", "brand": "acme", "path": "seven.csv", "columns": columns, "ces": {"scale": 5}},
    ]})  # fmt: skip
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    detail = dict(rows_of(db, "SELECT source, detail FROM run_steps WHERE step = 'import_surveys' AND source <> ''"))
    said_five = ("none of its 40 CES answers is above 5, on its ces.scale 7: if the question is on 5 points, set "
                 "ces.scale: 5 (read on 7 points, its CES is wrong)")  # fmt: skip
    said_seven = ("4 of its 14 CES answers are 6 or 7, quarantined as outside its ces.scale 5: if the question is on "
                  "7 points, set ces.scale: 7")  # fmt: skip
    assert detail["five"].endswith("; " + said_five) and detail["seven"].endswith("; " + said_seven)
    assert said_five in caplog.text and said_seven in caplog.text
    # configured right (a 6 typed among 40 five-point answers, quarantined; a 7-point question with too few answers
    # to tell; a 7-point "how much effort" one, 1 the least, whose 40 answers all say little effort): nothing to say
    write_csv(tmp_path / "five.csv", [["id", "at", "effort"], ["F", at, "6"], *([f"F{i}", at, "5"] for i in range(40))])
    write_csv(tmp_path / "seven.csv", [["id", "at", "effort"], *([f"S{i}", at, str(1 + i % 5)] for i in range(29))])
    write_csv(tmp_path / "low.csv", [["id", "at", "effort"], *([f"L{i}", at, str(1 + i % 3)] for i in range(40))])
    cfg = make_config(tmp_path, {"sources": [
        {"name": "five", "brand": "acme", "path": "five.csv", "columns": columns, "ces": {"scale": 5}},
        {"name": "seven", "brand": "acme", "path": "seven.csv", "columns": columns},
        {"name": "low", "brand": "acme", "path": "low.csv", "columns": columns, "ces": {"lower_is_better": True}},
    ]})  # fmt: skip
    ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    q = "SELECT detail FROM run_steps WHERE run_id = ? AND step = 'import_surveys' AND source <> ''"
    assert not any("ces.scale" in d for (d,) in rows_of(db, q, ["cli__2026-11-01__0000bbbb"]))


def test_csat_answers_plainly_on_a_ten_point_scale_are_said_in_the_step_detail(tmp_path, caplog):
    """CSAT asked on 1-10 (or 0-10) by mistake: its 6-10 answers are quarantined one by one, and its 1-5 ones land
    as 1-5 answers, a 5 of 10 counted top-2-box (here CSAT 75 % from 5, 5, 4, 3 of 15 answers). The import says so
    in the source's step detail and the log, as it says of a CES question on the other scale."""
    at, columns = "2026-07-01T12:00:00Z", {"response_id": "id", "timestamp": "at", "csat": "sat"}
    answers = [10, 10, 9, 9, 9, 8, 8, 8, 7, 7, 6, 5, 5, 4, 3]
    write_csv(tmp_path / "ten.csv", [["id", "at", "sat"], *([f"T{i}", at, str(a)] for i, a in enumerate(answers))])
    cfg = make_config(tmp_path, {"sources": [{"name": "ten", "brand": "acme", "path": "ten.csv", "columns": columns}]})
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    assert rows_of(db, "SELECT count(csat), count(*) FILTER (csat >= 4) FROM survey_responses") == [(4, 3)]
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_surveys' AND source = 'ten'")
    said = ("11 of its 15 CSAT answers are 0 or above 5, quarantined as outside 1-5: the question is on 0-10 or "
            "1-10 points, where its answers of 1-5 that landed are not a 1-5 scale's (its CSAT is wrong)")  # fmt: skip
    assert detail.endswith("; " + said) and said in caplog.text
    # a 6 typed among 40 five-point answers is quarantined, not a scale: nothing to say
    write_csv(tmp_path / "ten.csv", [["id", "at", "sat"], ["X", at, "6"], *([f"F{i}", at, "5"] for i in range(40))])
    ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    q = "SELECT detail FROM run_steps WHERE run_id = ? AND step = 'import_surveys' AND source = 'ten'"
    assert "CSAT" not in rows_of(db, q, ["cli__2026-11-01__0000bbbb"])[0][0]


def test_a_long_response_id_is_cut_alike_in_the_response_and_in_the_ids_the_export_holds(tmp_path):
    """A whole-history import compares the ids an export holds (``present``) with the stored ones, cut to 512
    characters: an id cut in one and not the other reads as an answer deleted in the survey tool."""
    long_id = "R" * 600
    rows = [["id", "at", "score"], [long_id, "2026-07-01T12:00:00Z", "9"]]
    path = write_csv(tmp_path / "long.csv", rows)
    src = SurveySpec(
        name="nb", brand="acme", path="long.csv", columns={"response_id": "id", "timestamp": "at", "nps": "score"}
    )
    info: dict = {}
    [response], rejects = read_survey_file(None, src, path, info)
    assert len(response.response_id) == 512 and rejects == []
    assert info["present"] == [response.response_id]


def test_a_utc_offset_keeps_its_sign_and_reaches_14_hours_at_most():
    from pipeline.surveys.importer import zone

    assert zone("-05:30").utcoffset(None) == -timedelta(hours=5, minutes=30)
    assert zone("UTC+14").utcoffset(None) == timedelta(hours=14)  # Kiribati, the furthest east
    for bad in ("+15:00", "-1260"):
        with pytest.raises(ValueError):
            zone(bad)


def test_custom_mapping_brand_column_and_row_time_zones(tmp_path):
    cfg = make_config(tmp_path, {"sources": []}, brands=("Acme", "Globex"))
    rows = [
        ["id", "company", "submitted", "tz", "likelihood", "satisfaction", "note"],
        ["1", "Acme", "2026-10-01 10:00:00", "+02:00", "8", "4", "ok"],
        ["2", "globex", "2026-10-01 10:00:00", "Asia/Tokyo", "3", "", ""],
        ["3", "Initech", "2026-10-01 10:00:00", "", "9", "5", ""],
        ["4", "acme", "2026-10-01T10:00:00-05:00", "Mars/Olympus", "9", "5", ""],
        ["5", "ACME", "2026-10-01T10:00:00-05:00", "", "9", "5", ""],
    ]
    path = write_csv(tmp_path / "custom.csv", rows)
    src = SurveySpec.model_validate(
        {
            "name": "panel",
            "path": "custom.csv",
            "columns": {
                "response_id": "id",
                "brand": "company",
                "timestamp": "submitted",
                "timezone": "tz",
                "nps": "likelihood",
                "csat": "satisfaction",
                "comment": "note",
            },
        }
    )
    responses, rejects = read_survey_file(cfg, src, path)
    got = {r.response_id: (r.brand, r.responded_at) for r in responses}
    assert got == {
        "1": ("acme", "2026-10-01T08:00:00+00:00"),
        "2": ("globex", "2026-10-01T01:00:00+00:00"),
        "5": ("acme", "2026-10-01T15:00:00+00:00"),  # an explicit offset wins over everything
    }
    assert sorted(r.reason for r in rejects) == [
        "brand [not shown: 7 characters: letters] (column company) is not a configured brand",
        "time zone 'Mars/Olympus' (column tz) is not an IANA zone or UTC offset",
    ]


def test_a_rejected_row_is_quarantined_under_its_brands_id_as_its_answer_or_customer_lands(tmp_path):
    """A brand cell written as the brand's name ('Acme', 'ACME') lands its answers and customers under 'acme'; its
    rejected rows were quarantined under 'Acme' and 'ACME', three brands in v_quarantine_summary, and none counted
    as acme's (brandpulse summary's quarantined column). Their keys stay those quarantined before."""
    cfg = make_config(tmp_path, {"sources": []}, brands=("Acme", "Globex"))
    survey = SurveySpec.model_validate(
        {"name": "panel", "path": "s.csv", "columns": {"response_id": "id", "brand": "company", "timestamp": "at",
                                                         "nps": "nps"}}
    )  # fmt: skip
    rows = [["id", "company", "at", "nps"], ["1", "Acme", "2026-10-01 10:00:00", "8"], ["2", "Acme", "yesterday", "8"]]
    rows += [["3", "ACME", "2026-10-01 10:00:00", "12"], ["", "acme", "2026-10-01 10:00:00", "8"]]
    rows += [["5", "Initech", "2026-10-01 10:00:00", "8"]]
    responses, rejects = read_survey_file(cfg, survey, write_csv(tmp_path / "s.csv", rows))
    assert {r.brand for r in responses} == {"acme"}
    assert [r.brand for r in rejects] == ["acme", "acme", "acme", "Initech"]  # no configured brand: as written
    assert json.loads(rejects[0].raw_record)["company"] == "Acme"  # kept whole: its key is of the cell as written
    assert rejects[0].quarantine_id == Reject.key("Acme", "panel", rejects[0].raw_record, 1)
    customers = CustomerSpec.model_validate({"name": "crm", "path": "c.csv", "columns": {"brand": "brand"}})
    header = ["customer_id", "brand", "segment", "start_date", "end_date", "monthly_revenue"]
    rows = [header, ["C-1", "Acme", "gold", "2026-01-01", "", "10"], ["", "ACME", "gold", "2026-01-01", "", "10"]]
    landed, rejects = read_customer_file(cfg, customers, write_csv(tmp_path / "c.csv", rows))
    assert [c.brand for c in landed] == ["acme"] and [r.brand for r in rejects] == ["acme"]


def test_a_touchpoint_or_segment_named_like_the_totals_row_is_left_empty_with_a_reason(tmp_path):
    """The metrics name their all-touchpoints and all-segments rows ``_all``: a label of that name would be
    counted twice in them (a customer base of 15 for 10 customers), so it is left empty and the row says why."""
    cfg = make_config(tmp_path, {"sources": []})
    rows = [["id", "at", "score", "tp", "seg"], ["1", "2026-10-01T10:00:00Z", "9", "_all", "_ALL"]]
    path = write_csv(tmp_path / "answers.csv", rows)
    columns = {"response_id": "id", "timestamp": "at", "nps": "score", "touchpoint": "tp", "segment": "seg"}
    src = SurveySpec.model_validate({"name": "panel", "brand": "acme", "path": "answers.csv", "columns": columns})
    [response], [reject] = read_survey_file(cfg, src, path)
    assert (response.nps, response.touchpoint, response.segment) == (9, None, None)
    assert reject.reason == (
        "touchpoint '_all' (column tp) is the name of the all-touchpoints total; rename it; segment '_ALL' (column"
        " seg) is the name of the all-segments total; rename it (left empty; the rest of the response loaded)"
    )
    crm = write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0], ["C1", "_all", "2026-01-01", "", "x"]])
    customers_cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    [customer], [reject] = read_customer_file(customers_cfg, customers_cfg.surveys.customers[0], crm)
    assert (customer.segment, customer.monthly_revenue) == (None, None)
    assert reject.reason.startswith("segment '_all' (column segment) is the name of the all-segments total")
    assert reject.reason.endswith("is not an amount ≥ 0 (left empty; the customer loaded)")


def test_xlsx_export_with_typed_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Responses"
    ws.append(["ResponseId", "RecordedDate", "NPS", "CSAT", "CES", "Comment"])
    ws.append(["R_1", datetime(2026, 10, 1, 9, 0), 10, 4.0, 6, "Great"])
    ws.append(["R_2", datetime(2026, 10, 1, 10, 0), 12, 2, None, None])
    ws.append([None, None, None, None, None, None])  # blank rows are skipped
    ws.append(["R_3", "not a date", 5, 2, 2, None])
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics", timezone="Europe/Paris")
    responses, rejects = read_survey_file(None, src, tmp_path / "export.xlsx")
    assert [(r.response_id, r.responded_at, r.nps, r.csat, r.ces) for r in responses] == [
        ("R_1", "2026-10-01T07:00:00+00:00", 10, 4, 6),  # Paris is UTC+2 in October
        ("R_2", "2026-10-01T08:00:00+00:00", None, 2, None),
    ]
    assert [r.reason.split(" (left")[0] for r in rejects] == [
        "NPS (column NPS) 12 is outside 0-10",
        "timestamp (column RecordedDate) [not shown: 10 characters: letters, spaces] is not a date and time this "
        "source can read",
    ]
    assert rejects[0].location.endswith("[Responses]:3")


def test_an_answer_dated_in_the_future_is_quarantined_not_counted_in_a_day_years_ahead(tmp_path):
    """A mistyped year (2062 for 2026) landed the answer in a metric day decades ahead; a day ahead of now (a
    clock or a time zone) still loads."""
    soon = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    write_csv(
        tmp_path / "export.csv",
        [
            ["ResponseId", "RecordedDate", "NPS"],
            ["R_1", "2026-10-01 09:00:00", "10"],
            ["R_2", "2062-10-01 09:00:00", "9"],
            ["R_3", soon, "3"],
        ],
    )
    src = SurveySpec(name="x", brand="acme", path="export.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, tmp_path / "export.csv")
    assert [r.response_id for r in responses] == ["R_1", "R_3"]
    assert [r.reason for r in rejects] == ["timestamp (column RecordedDate) 2062-10-01 09:00:00 UTC is in the future"]


def test_a_day_first_export_read_by_a_month_first_preset_fails_naming_the_format_not_swapping_its_dates(tmp_path):
    """A Qualtrics export saved by a Belgian or British Excel dates answers "05/06/2026 14:35" (5 June): the
    preset's US "%m/%d/%Y %H:%M" read it as 6 May without a word, and only the answers of days past the 12th were
    quarantined. A date that reads day first only fails the file, naming the format to set, which then reads it."""
    rows = [["ResponseId", "RecordedDate", "NPS"], ["R_1", "05/06/2026 14:35", "10"], ["R_2", "13/06/2026 09:00", "3"]]
    write_csv(tmp_path / "export.csv", rows)
    src = SurveySpec(name="x", brand="acme", path="export.csv", preset="qualtrics")
    with pytest.raises(ValueError, match=r"export\.csv:3: timestamp \(column RecordedDate\) '13/06/2026 09:00' reads "
                       r"only day first .*set the source's timestamp_format to '%d/%m/%Y %H:%M'"):  # fmt: skip
        read_survey_file(None, src, tmp_path / "export.csv")
    src = SurveySpec(name="x", brand="acme", path="export.csv", preset="qualtrics", timestamp_format="%d/%m/%Y %H:%M")
    responses, rejects = read_survey_file(None, src, tmp_path / "export.csv")
    assert [r.responded_at[:10] for r in responses] == ["2026-06-05", "2026-06-13"] and rejects == []


def test_an_xlsx_that_claims_the_whole_sheet_or_unpacks_huge_is_read_by_its_header_or_refused(tmp_path, monkeypatch):
    """A 5 KB workbook whose sheet claims A1:XFD1048576 made every row 16,384 cells: half an hour for one import
    (247 million cells converted in the first 30 s). Rows are read as wide as the header,
    and its row 1,048,576 is still read. A workbook that unpacks past the limit (1 MB of repeated shared strings
    was 1 GiB and 2 GB of memory) is refused before openpyxl reads it."""
    import re as regex
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    book.active.append(["R_1", "2026-10-01 10:00:00", 9])
    book.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zin, zipfile.ZipFile(tmp_path / "wide.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = regex.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', data.decode())
                last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>R_2</t></is></c></row>'
                data = xml.replace("</sheetData>", last + "</sheetData>").encode()
            zout.writestr(item, data)
    src = SurveySpec(name="x", brand="acme", path="wide.xlsx", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, tmp_path / "wide.xlsx")
    assert [r.response_id for r in responses] == ["R_1"]
    assert [r.location.rsplit(":", 1)[1] for r in rejects] == ["1048576"]  # its empty timestamp: nothing lost
    import pipeline.surveys.importer as importer

    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED", 4096)
    with pytest.raises(ValueError, match=r"wide.xlsx: the workbook unpacks to \d+ MiB, more than 0 MiB; export it"):
        read_survey_file(None, src, tmp_path / "wide.xlsx")


def test_an_xlsx_whose_styles_part_is_huge_is_refused_before_openpyxl_builds_it(tmp_path, monkeypatch):
    """openpyxl builds a workbook's styles whole before it reads a row: 64 MiB of cell formats (a 200 KB file, far
    under the bound on the whole workbook) took 21 s and 1 GiB of memory. Its styles part has a bound of its own."""
    openpyxl = pytest.importorskip("openpyxl")
    import pipeline.surveys.importer as importer

    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    book.active.append(["R_1", "2026-10-01 10:00:00", 9])
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics")
    assert [r.response_id for r in read_survey_file(None, src, tmp_path / "export.xlsx")[0]] == ["R_1"]
    monkeypatch.setattr(importer, "MAX_XLSX_STYLES", 100)
    with pytest.raises(ValueError, match=r"export.xlsx: the workbook's styles part \(cell formats\) unpacks to 0 MiB"):
        read_survey_file(None, src, tmp_path / "export.xlsx")


def test_an_xlsx_date_cell_without_a_time_stays_its_day_east_of_utc(tmp_path):
    """openpyxl reads a cell formatted as a date as midnight: in Warsaw that was the day before in UTC (every answer
    of the 1st in the month before); a date written as text stays its day, and so does a date cell now. A cell
    formatted with its time of day keeps it."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ResponseId", "RecordedDate", "NPS"])
    ws.append(["R_1", datetime(2026, 3, 2), 9])
    ws.append(["R_2", datetime(2026, 3, 2), 9])
    ws.append(["R_3", "2026-03-02", 9])
    ws["B2"].number_format = "dd/mm/yyyy"
    ws["B3"].number_format = "yyyy-mm-dd hh:mm"
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics", timezone="Europe/Warsaw")
    responses, _ = read_survey_file(None, src, tmp_path / "export.xlsx")
    assert [(r.response_id, r.responded_at) for r in responses] == [
        ("R_1", "2026-03-02T00:00:00+00:00"),  # that calendar day, as the text below
        ("R_2", "2026-03-01T23:00:00+00:00"),  # midnight in Warsaw, a time of day
        ("R_3", "2026-03-02T00:00:00+00:00"),
    ]


def test_a_date_left_as_a_spreadsheet_day_number_is_quarantined_saying_so(tmp_path):
    """A date column formatted as General holds Excel's day numbers (45890 is 2025-08-21; 45890.5 its noon): the row
    was quarantined as "'45890' is not a date", which said nothing of why. The reason now names the date it stands
    for and what to change; a number that is no day of 1970-2099 in Excel (a year, 2025) gets no such hint."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(CUSTOMER_ROWS[0])
    for row in (["A", "x", 45890, "", 10], ["B", "x", "2025-08-01", 45890.5, 10], ["C", "x", 2025, "", 10]):
        book.active.append(row)
    book.save(tmp_path / "customers.xlsx")
    src = CustomerSpec(name="crm", brand="acme", path="customers.xlsx")
    _, rejects = read_customer_file(None, src, tmp_path / "customers.xlsx")
    hint = ": a spreadsheet's day number (2025-08-21 in Excel's 1900 date system)? Format the column as a date"
    assert [r.reason for r in rejects] == [
        f"start date (column start_date) '45890' is not a date{hint} before exporting",
        f"end date (column end_date) '45890.5' is not a date{hint} before exporting",
        "start date (column start_date) '2025' is not a date",
    ]
    path = write_csv(tmp_path / "answers.csv", [["id", "at", "nps"], ["R1", "45890.5", "9"]])
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps"}
    _, [reject] = read_survey_file(None, SurveySpec(name="s", brand="acme", path="a.csv", columns=columns), path)
    assert (
        reject.reason
        == f"timestamp (column at) '45890.5' is not a date and time this source can read{hint} before exporting"
    )


def test_an_xlsx_number_formatted_with_leading_zeros_is_read_as_shown(tmp_path):
    """A customer id cell holding 123 formatted 00000 shows, and saves as CSV, 00123: read as 123 it hashed to
    another customer than the CRM list's "00123", and every answer of it was unlinked."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["ResponseId", "RecordedDate", "NPS", "ExternalReference"])
    ws.append(["R_1", "2026-03-02 10:00:00", 9, 123])
    ws.append(["R_2", "2026-03-02 10:00:00", 9, 123])
    ws["D2"].number_format = "00000"
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics")
    responses, _ = read_survey_file(None, src, tmp_path / "export.xlsx")
    assert [r.customer_hash for r in responses] == [Pseudonymiser(None)("00123"), Pseudonymiser(None)("123")]


def _rewritten_sheet(path: Path, change) -> None:
    """``path``, an .xlsx, with its first sheet's XML bytes passed through ``change``."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_an_xlsx_number_too_large_for_a_float_is_quarantined_not_raised(tmp_path):
    """openpyxl reads a number cell without a point as an int: one of hundreds of digits raised OverflowError from
    float(), which no reader caught, so one cell stopped the import of every survey (or customer) source."""
    openpyxl = pytest.importorskip("openpyxl")
    huge = lambda xml: xml.replace(b"<v>123456789</v>", b"<v>" + b"1" * 400 + b"</v>")  # noqa: E731
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    book.active.append(["R_1", "2026-10-01 09:00", 123456789])
    book.active.append(["R_2", "2026-10-01 10:00", 7])
    book.save(tmp_path / "export.xlsx")
    _rewritten_sheet(tmp_path / "export.xlsx", huge)
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, tmp_path / "export.xlsx")
    assert [(r.response_id, r.nps) for r in responses] == [("R_1", None), ("R_2", 7)]
    assert [r.reason for r in rejects] == [
        "NPS (column NPS) [not shown: 400 characters: digits] is outside 0-10 (left empty; the rest of the "
        "response loaded)"
    ]
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "start_date", "end_date", "monthly_revenue"])
    book.active.append(["C1", "2026-01-01", "", 123456789])
    book.save(tmp_path / "customers.xlsx")
    _rewritten_sheet(tmp_path / "customers.xlsx", huge)
    src = config_surveys.CustomerSpec(name="c", brand="acme", path="customers.xlsx")
    customers, rejects = read_customer_file(None, src, tmp_path / "customers.xlsx")
    assert [(c.start_date, c.monthly_revenue) for c in customers] == [("2026-01-01", None)]
    assert [r.reason.split(" (column")[1] for r in rejects] == [
        " monthly_revenue) is not an amount ≥ 0 (left empty; the customer loaded)"
    ]


def test_an_xlsx_whose_dimension_is_stale_is_read_to_its_last_row(tmp_path):
    """Read-only openpyxl stops at the rows and columns a sheet's <dimension> claims: a writer that left it stale
    (A1:C2 over five answers) had four answers dropped without a word, and whole-history reads took them for
    deleted; one claiming A1 cut the header to its first column."""
    import re as regex

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    for i in range(1, 6):
        book.active.append([f"R_{i}", "2026-10-01 09:00", i])
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics")
    for ref in (b"A1:C2", b"A1"):
        _rewritten_sheet(
            tmp_path / "export.xlsx",
            lambda xml, ref=ref: regex.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml),
        )
        responses, rejects = read_survey_file(None, src, tmp_path / "export.xlsx")
        assert [(r.response_id, r.nps) for r in responses] == [(f"R_{i}", i) for i in range(1, 6)], ref
        assert rejects == []


def test_an_xlsx_sheet_that_is_a_chart_fails_its_source_with_a_reason(tmp_path):
    """``sheet`` naming a chart sheet raised AttributeError (a chart sheet has no rows), which the import does not
    catch: a traceback, and no source imported; now a ValueError that names the sheets of cells."""
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.chart import BarChart

    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    book.create_chartsheet("Chart").add_chart(BarChart())
    book.save(tmp_path / "export.xlsx")
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics", sheet="Chart")
    with pytest.raises(ValueError, match=r"export.xlsx: no sheet 'Chart' of cells \(it has Sheet\)"):
        read_survey_file(None, src, tmp_path / "export.xlsx")


def test_an_xlsx_whose_sheet_is_cut_fails_its_source_not_the_import(tmp_path, scorer):
    """A workbook opens from its zip directory; its sheet's XML is read row by row, later. A cut or corrupt sheet
    raised the XML parser's ParseError there, which the import did not catch: a traceback, and no source's
    answers landed. It fails its own source, saying so, and the others land."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "NPS"])
    for n in range(50):
        book.active.append([f"X_{n}", "2026-10-01 09:00", 7])
    book.save(tmp_path / "cut.xlsx")
    _rewritten_sheet(tmp_path / "cut.xlsx", lambda xml: xml[: len(xml) // 2])
    write_csv(tmp_path / "good.csv", [["ResponseId", "RecordedDate", "NPS"], ["R_1", "2026-10-01 09:00", "9"]])
    cfg = make_config(
        tmp_path,
        {
            "sources": [
                {"name": "good", "brand": "acme", "path": "good.csv", "preset": "qualtrics"},
                {"name": "cut", "brand": "acme", "path": "cut.xlsx", "preset": "qualtrics"},
            ]
        },
    )
    db = tmp_path / "w.duckdb"
    result = ingest.import_surveys(cfg, db, RUN, scorer=scorer, score_comments=False)
    assert (result["new"], list(result["failed_sources"])) == (1, ["cut"])
    assert re.search(
        r"cut.xlsx: not a readable .xlsx workbook after row \d+ \(ParseError: ", result["failed_sources"]["cut"]
    )
    assert rows_of(db, "SELECT response_id FROM survey_responses") == [("R_1",)]


def test_a_missing_mapped_column_fails_the_file(tmp_path):
    path = write_csv(tmp_path / "q.csv", [["ResponseId", "RecordedDate", "Score"], ["R_1", "2026-10-01", "9"]])
    with pytest.raises(ValueError, match="no NPS, CSAT or CES column"):
        read_survey_file(None, SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics"), path)
    src = SurveySpec.model_validate(
        {"name": "q", "brand": "acme", "path": "q.csv", "preset": "qualtrics", "columns": {"csat": "CSAT_2"}}
    )
    with pytest.raises(ValueError, match="lacks the column for csat"):
        read_survey_file(None, src, path)


def test_a_utf16_export_fails_the_file_naming_the_encoding(tmp_path):
    """Excel's "Unicode text" and Qualtrics' legacy exports are UTF-16: read as UTF-8 their header would be
    spaced-out letters and the file would fail on a missing column nobody can see is missing."""
    path = write_csv(tmp_path / "q.csv", [["ResponseId", "RecordedDate", "NPS"], ["R_1", "2026-10-01", "9"]])
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    src = SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics")
    with pytest.raises(ValueError, match=r"q.csv: the file is UTF-16 .* not UTF-8; export or save it as UTF-8"):
        read_survey_file(None, src, path)


def test_a_column_in_the_config_wins_over_a_presets_guess_for_another_field(tmp_path):
    """Qualtrics' preset guesses csat: Q2; a survey whose Q2 is its "Why?" question, mapped as comment: Q2, failed
    with "the header lacks the column for comment (Q2); it has ... 'Q2'", and no setting could fix it."""
    rows = [["ResponseId", "RecordedDate", "Q1", "Q2"], ["R_1", "2026-10-01", "9", "Fast"]]
    path = write_csv(tmp_path / "q.csv", rows)
    src = SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics", columns={"comment": "Q2"})
    info: dict = {}
    [response], rejects = read_survey_file(None, src, path, info)
    assert (response.nps, response.csat, response.comment, rejects) == (9, None, "Fast", [])
    assert list(info["columns"]) == ["response_id", "timestamp", "nps", "comment"]  # in the fields' order
    src = SurveySpec(name="q", brand="acme", path="q.csv", preset="qualtrics", columns={"nps": "Q1", "csat": "Q1"})
    with pytest.raises(ValueError, match=r"q.csv: column 'Q1' is mapped to both nps and csat"):
        read_survey_file(None, src, path)


def test_a_column_in_the_config_is_an_exact_header_name_never_a_pattern(tmp_path):
    """Only the presets' candidates are patterns: a ``re:`` value under ``columns`` is a header name, so a pattern
    that backtracks for hours on a long question header (out of reach of SIGTERM) cannot hang an import."""
    question = "How likely are you to recommend Acme to a friend or colleague considering the last purchase?"
    path = write_csv(tmp_path / "q.csv", [["id", "at", question, "re:(odd"], ["1", "2026-10-01T10:00:00Z", "9", "4"]])
    slow = {"response_id": "id", "timestamp": "at", "nps": r"re:^(\w+\s?)+$"}
    src = SurveySpec.model_validate({"name": "q", "brand": "acme", "path": "q.csv", "columns": slow})
    with pytest.raises(ValueError, match=r"lacks the column for nps"):
        read_survey_file(None, src, path)
    literal = {"response_id": "id", "timestamp": "at", "csat": "re:(odd"}  # not a valid pattern: a name
    src = SurveySpec.model_validate({"name": "q", "brand": "acme", "path": "q.csv", "columns": literal})
    [response], _ = read_survey_file(None, src, path)
    assert response.csat == 4


def test_demo_exports_parse_with_the_proposed_demo_config():
    cfg = SurveysSpec.model_validate(DEMO_SURVEYS)
    expected_rejects = {"parcelo-nps": 5, "brewbird-nps": 4, "novabank-nps": 3}
    for src in cfg.sources:
        responses, rejects = read_survey_file(None, src, DEMO / src.path)
        assert len(rejects) == expected_rejects[src.name], [r.reason for r in rejects]
        assert len(responses) > 1000
        assert {r.touchpoint for r in responses} and all(r.touchpoint for r in responses)
        assert sum(r.comment is not None for r in responses) > 400
    for src in cfg.customers:
        customers, rejects = read_customer_file(None, src, DEMO / src.path)
        assert len(customers) > 1900 and len(rejects) == 3
    size = sum((DEMO / "sample" / b / f).stat().st_size for b in ("parcelo", "brewbird", "novabank")
               for f in ("surveys.csv", "customers.csv"))  # fmt: skip
    assert size < 1_500_000


def test_demo_parcelo_nps_dips_during_the_incident():
    src = SurveysSpec.model_validate(DEMO_SURVEYS).sources[0]
    responses, _ = read_survey_file(None, src, DEMO / src.path)

    def window(first, last):
        return M.nps(r.nps for r in responses if first <= r.responded_at[:10] <= last)

    before, during = window("2026-09-29", "2026-10-12"), window("2026-10-13", "2026-10-16")
    assert during.high < before.low  # the dip is beyond the noise
    assert during.value < -20 < 15 < before.value
    late = window("2026-10-27", "2026-10-31")
    assert late.value > during.high


# -- config ----------------------------------------------------------------------------------------------
def test_the_documented_example_validates():
    block = re.search(r"Example.*?::\n\n(.*?)\n\n", config_surveys.__doc__, re.S).group(1)
    cfg = SurveysSpec.model_validate(yaml.safe_load(textwrap.dedent(block))["surveys"])
    assert cfg.sources[0].columns.nps == "Q1" and cfg.clv.monthly_discount_rate == pytest.approx(0.00797414)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"sources": [{"name": "a", "path": "p", "preset": "qualtrics"}]}, "either brand"),
        ({"sources": [{"name": "a", "brand": "x", "path": "p"}]}, "preset custom needs columns.response_id"),
        (
            {"sources": [{"name": "a", "brand": "x", "path": "p", "columns": {"response_id": "i", "timestamp": "t"}}]},
            "at least one of columns.nps",
        ),
        ({"sources": [{"name": "a", "brand": "x", "path": "p", "preset": "typeform", "timezone": "Mars"}]}, "IANA"),
        ({"sources": [{"name": "a", "brand": "x", "path": "p", "preset": "typeform", "ces": {"scale": 6}}]}, "5 or 7"),
        ({"sources": [{"name": "a", "brand": "x", "path": "p", "preset": "typeform", "colums": {}}]}, "Extra inputs"),
        ({"clv": {"retention_source": "fixed"}}, "fixed_monthly_churn"),
        ({"clv": {"margin": 1.5}}, "less than or equal to 1"),
        ({"customers": [{"name": "c", "brand": "x", "path": "a"}, {"name": "c", "brand": "y", "path": "b"}]}, "unique"),
    ],
)
def test_config_errors_name_the_problem(doc, message):
    with pytest.raises(ValidationError, match=message):
        SurveysSpec.model_validate(doc)


# -- steps, in a real warehouse ------------------------------------------------------------------------------
def test_correcting_the_ces_direction_counts_the_answers_it_changes(tmp_path):
    """Re-imported after the source's ``ces.lower_is_better`` was corrected, every CES answer's normalised score
    changes, and the step says how many answers changed (it said 0 while it rewrote them)."""
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    source = {"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(make_config(tmp_path, {"sources": [source]}), db, RUN, score_comments=False)
    before = rows_of(db, "SELECT response_id, ces_norm FROM survey_responses WHERE ces IS NOT NULL ORDER BY 1")
    flipped = make_config(tmp_path, {"sources": [{**source, "ces": {"lower_is_better": True}}]})
    again = ingest.import_surveys(flipped, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    after = rows_of(db, "SELECT response_id, ces_norm FROM survey_responses WHERE ces IS NOT NULL ORDER BY 1")
    assert len(before) == 2 and all(b != a for b, a in zip(before, after, strict=True))
    assert (again["new"], again["changed"]) == (0, 2)


def test_an_import_retried_after_its_commit_counts_its_runs_responses_as_new_as_the_load_does(tmp_path):
    """An Airflow import_surveys task retried after its commit (the same run id): its run_steps row said "0 new, 4
    unchanged" for a night that imported 4 responses; the load counts its run's mentions as new on a retry too. A
    later run's import of the same export: nothing new."""
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    cfg = make_config(
        tmp_path, {"sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]}
    )
    db = tmp_path / "w.duckdb"
    first = ingest.import_surveys(cfg, db, RUN, score_comments=False)
    again = ingest.import_surveys(cfg, db, RUN, score_comments=False)
    assert first["new"] == again["new"] == first["responses"] > 0 and again["changed"] == 0
    [(rows_out,)] = rows_of(
        db, f"SELECT rows_out FROM run_steps WHERE run_id = '{RUN}' AND step = 'import_surveys' AND source = ''"
    )
    assert rows_out == first["new"]
    later = ingest.import_surveys(cfg, db, "cli__2026-11-02__0000cccc", score_comments=False)
    assert (later["new"], later["changed"]) == (0, 0)


def test_survey_comments_are_stored_with_their_language_detected_as_a_mentions_is(tmp_path):
    """A mention's language is detected at load and shown next to its score; a survey comment had none. Each is
    detected at import by the mentions' own detection (records.detect_language), NULL without a comment."""
    rows = qualtrics_rows()
    rows[3][8] = "Paczka dotarła szybko, kurier był bardzo miły i pomocny"
    write_csv(tmp_path / "q.csv", rows)
    cfg = make_config(
        tmp_path, {"sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]}
    )
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    assert rows_of(db, "SELECT response_id, comment_language FROM survey_responses ORDER BY 1") == [
        ("R_aaa", "pl"),
        ("R_bbb", None),  # no comment
        ("R_ccc", None),
        ("R_fff", "en"),
    ]
    assert rows_of(db, "SELECT response_id, language FROM v_survey_comments ORDER BY 1") == [
        ("R_aaa", "pl"),
        ("R_fff", "en"),
    ]


def test_import_quarantine_comments_rerun_and_metrics(tmp_path, scorer):
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    cfg = make_config(
        tmp_path, {"sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]}
    )
    db = tmp_path / "w.duckdb"
    first = ingest.import_surveys(cfg, db, RUN, scorer=scorer)
    assert {k: first[k] for k in ("responses", "new", "changed", "quarantined", "scored")} == {
        "responses": 4,
        "new": 4,
        "changed": 0,
        "quarantined": 4,
        "scored": 2,
    }
    assert rows_of(db, "SELECT response_id, nps, csat, ces, day FROM survey_responses ORDER BY 1") == [
        ("R_aaa", 10, 5, 7, date(2026, 10, 1)),
        ("R_bbb", None, 4, None, date(2026, 10, 1)),  # the bad NPS is empty, the CSAT landed
        ("R_ccc", None, None, None, date(2026, 10, 1)),
        ("R_fff", 0, 1, 2, date(2026, 10, 3)),  # 23:30 New York = 03:30 UTC the next day
    ]
    quarantined = rows_of(db, "SELECT brand, source, day, reason, run_id FROM quarantine ORDER BY reason")
    assert len(quarantined) == 4
    assert {(q[0], q[1], q[2], q[4]) for q in quarantined} == {("acme", "acme-nps", date(2026, 10, 31), RUN)}
    assert quarantined[0][3].startswith("NPS (column Q1) '11' is outside 0-10")
    # what detractors say, next to the score
    [(group, text, label)] = rows_of(
        db, "SELECT nps_group, comment, sentiment FROM v_survey_comments WHERE nps_group = 'detractor'"
    )
    assert (group, label) == ("detractor", "negative") and text.startswith("My parcel never arrived")
    steps = rows_of(db, "SELECT step, source, status, rows_in, rows_out, rows_quarantined FROM run_steps ORDER BY 1, 2")
    assert steps == [
        ("import_surveys", "", "success", 6, 4, 4),
        ("import_surveys", "acme-nps", "success", 6, 4, 4),
        ("score_survey_comments", "", "success", 2, 2, 0),
    ]

    # the same export again: nothing new, nothing re-quarantined, nothing re-scored
    again = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", scorer=scorer)
    assert (again["new"], again["changed"], again["quarantined"], again["scored"]) == (0, 0, 0, 0)
    assert rows_of(db, "SELECT count(*) FROM survey_responses")[0][0] == 4
    assert rows_of(db, "SELECT count(*) FROM quarantine")[0][0] == 4

    # an edited response: its values change in place and its new comment is scored again
    write_csv(tmp_path / "q.csv", qualtrics_rows(first_nps="3", first_comment="Late and rude, never again."))
    edited = ingest.import_surveys(cfg, db, "cli__2026-11-02__0000cccc", scorer=scorer)
    assert (edited["new"], edited["changed"], edited["scored"]) == (0, 1, 1)
    assert rows_of(db, "SELECT nps, first_seen < last_seen FROM survey_responses WHERE response_id = 'R_aaa'") == [
        (3, True)
    ]
    assert rows_of(db, "SELECT sentiment FROM v_survey_comments WHERE response_id = 'R_aaa'") == [("negative",)]

    # metrics: every period x brand x touchpoint x segment with '_all' rollups
    written = rollup.survey_metrics(cfg, db, RUN)
    assert written == rows_of(db, "SELECT count(*) FROM survey_metrics")[0][0]
    got = rows_of(
        db,
        "SELECT value, low, high, n, low_n, n_promoters, n_detractors FROM survey_metrics WHERE period = 'week' "
        "AND brand = 'acme' AND touchpoint = '_all' AND segment = '_all' AND metric = 'nps'",
    )
    expected = M.nps([3, 0])  # R_aaa (now 3) and R_fff (0); the bad NPS answers are not counted
    assert got == [
        (pytest.approx(expected.value), pytest.approx(expected.low), pytest.approx(expected.high), 2, True, 0, 2)
    ]
    touchpoints = {
        r[0] for r in rows_of(db, "SELECT touchpoint FROM survey_metrics WHERE period = 'day' AND metric = 'csat'")
    }
    assert touchpoints == {"_all", "delivery", "support", "(none)"}
    periods = rows_of(db, "SELECT DISTINCT period, period_start FROM survey_metrics WHERE metric = 'nps' ORDER BY ALL")
    assert periods == [
        ("day", date(2026, 10, 1)),
        ("day", date(2026, 10, 3)),
        ("month", date(2026, 10, 1)),
        ("week", date(2026, 9, 28)),
    ]
    ces = rows_of(db, "SELECT value, low, n FROM survey_metrics WHERE period = 'month' AND metric = 'ces' "
                      "AND touchpoint = '_all' AND segment = '_all'")  # fmt: skip
    assert ces == [(pytest.approx(4.5), pytest.approx(M.ces_mean([7, 2]).low), 2)]


def test_an_edited_comment_shows_no_sentiment_until_its_new_text_is_scored(tmp_path, scorer):
    """The score of a comment's earlier text is not its sentiment: imported without scoring (or the scoring
    failed), the edited comment shows none, not the old text's label."""
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    cfg = make_config(
        tmp_path, {"sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]}
    )
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, scorer=scorer)
    before = rows_of(db, "SELECT sentiment FROM v_survey_comments WHERE response_id = 'R_aaa'")
    assert before[0][0] is not None
    write_csv(tmp_path / "q.csv", qualtrics_rows(first_nps="3", first_comment="Late and rude, never again."))
    ingest.import_surveys(cfg, db, "cli__2026-11-02__0000cccc", score_comments=False)
    assert rows_of(db, "SELECT comment, sentiment FROM v_survey_comments WHERE response_id = 'R_aaa'") == [
        ("Late and rude, never again.", None)
    ]
    ingest.score_survey_comments(cfg, db, "cli__2026-11-02__0000dddd", scorer=scorer)
    assert rows_of(db, "SELECT sentiment FROM v_survey_comments WHERE response_id = 'R_aaa'") == [("negative",)]


def test_nps_groups_and_csat_top2_through_the_import_and_sql_counts_worked_by_hand(tmp_path):
    """The nightly counts come from SQL (metric_counts.sql), not from pipeline.surveys.metrics: answers on each side
    of every boundary (NPS 6|7, 8|9; CSAT 3|4), imported for real, give counts and values worked out by hand."""
    nps = [0, 6, 7, 8, 9, 9, 10, 10]
    csat = [2, 3, 4, 5, 5, "", "", ""]
    rows = [["id", "at", "nps", "csat"]] + [
        [f"R{i}", "2026-10-01T10:00:00Z", n, c] for i, (n, c) in enumerate(zip(nps, csat, strict=True))
    ]
    write_csv(tmp_path / "answers.csv", rows)
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "csat": "csat"}
    source = {"name": "acme-nps", "brand": "acme", "path": "answers.csv", "columns": columns}
    cfg = make_config(tmp_path, {"sources": [source]})
    db = tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["new"] == 8
    rollup.survey_metrics(cfg, db, RUN)
    where = "brand = 'acme' AND touchpoint = '_all' AND segment = '_all' AND metric = ? ORDER BY period"
    got_nps = rows_of(
        db, f"SELECT period, value, n, n_promoters, n_passives, n_detractors FROM survey_metrics WHERE {where}", ["nps"]
    )
    # promoters 9, 9, 10, 10 (4); passives 7, 8 (2); detractors 0, 6 (2): NPS = (4 - 2) / 8 x 100 = 25
    assert got_nps == [(period, pytest.approx(25.0), 8, 4, 2, 2) for period in ("day", "month", "week")]
    got_csat = rows_of(db, f"SELECT period, value, n, n_top2 FROM survey_metrics WHERE {where}", ["csat"])
    # top-2 4, 5, 5 of the 5 answers (2 and 3 are not): CSAT = 3 / 5 x 100 = 60; the empty cells are no answer
    assert got_csat == [(period, pytest.approx(60.0), 5, 3) for period in ("day", "month", "week")]


def test_touchpoint_and_segment_rollups_count_each_answer_once_worked_by_hand(tmp_path):
    """metric_counts.sql's '_all' rows, by hand: every touchpoint x segment, each touchpoint over all segments, each
    segment over all touchpoints, and the brand's total, each answer counted once in each; low_n flags the rows
    under min_responses (3) for NPS, CSAT and CES alike; v_survey_period reads the brand's total row only."""
    rows = [
        ["id", "at", "tp", "seg", "nps", "csat", "ces"],
        ["R0", "2026-10-01T10:00:00Z", "delivery", "consumer", "10", "5", "7"],
        ["R1", "2026-10-01T10:00:00Z", "delivery", "business", "0", "2", "3"],
        ["R2", "2026-10-01T10:00:00Z", "support", "consumer", "9", "4", "6"],
        ["R3", "2026-10-01T10:00:00Z", "support", "consumer", "6", "3", "2"],
        ["R4", "2026-10-01T10:00:00Z", "", "business", "8", "5", "5"],
    ]
    write_csv(tmp_path / "answers.csv", rows)
    columns = {"response_id": "id", "timestamp": "at", "touchpoint": "tp", "segment": "seg", "nps": "nps",
               "csat": "csat", "ces": "ces"}  # fmt: skip
    source = {"name": "acme-nps", "brand": "acme", "path": "answers.csv", "columns": columns}
    cfg = make_config(tmp_path, {"min_responses": 3, "sources": [source]})
    db = tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["new"] == 5
    rollup.survey_metrics(cfg, db, RUN)
    where = "brand = 'acme' AND period = 'day' AND metric = ?"
    nps = rows_of(db, f"SELECT touchpoint, segment, n, n_promoters, n_passives, n_detractors, low_n "
                      f"FROM survey_metrics WHERE {where}", ["nps"])  # fmt: skip
    # promoters R0 (10), R2 (9); passive R4 (8); detractors R1 (0), R3 (6); R4 has no touchpoint: '(none)'
    assert {(t, s): rest for t, s, *rest in nps} == {
        ("delivery", "consumer"): [1, 1, 0, 0, True],
        ("delivery", "business"): [1, 0, 0, 1, True],
        ("support", "consumer"): [2, 1, 0, 1, True],
        ("(none)", "business"): [1, 0, 1, 0, True],
        ("delivery", "_all"): [2, 1, 0, 1, True],
        ("support", "_all"): [2, 1, 0, 1, True],
        ("(none)", "_all"): [1, 0, 1, 0, True],
        ("_all", "consumer"): [3, 2, 0, 1, False],  # R0, R2, R3
        ("_all", "business"): [2, 0, 1, 1, True],  # R1, R4
        ("_all", "_all"): [5, 2, 1, 2, False],
    }
    totals = "AND touchpoint = '_all' ORDER BY segment"
    # CSAT top-2 (4-5): R0 5, R2 4, R4 5; not R1 2, R3 3. consumer 2 of 3, business 1 of 2, all 3 of 5 (60 %)
    csat = rows_of(db, f"SELECT segment, n, n_top2, value, low_n FROM survey_metrics WHERE {where} {totals}", ["csat"])
    assert csat == [
        ("_all", 5, 3, pytest.approx(60.0), False),
        ("business", 2, 1, pytest.approx(50.0), True),
        ("consumer", 3, 2, pytest.approx(200 / 3), False),
    ]
    # CES on 1-7 as asked: all (7 + 3 + 6 + 2 + 5) / 5 = 4.6; business (3 + 5) / 2 = 4; consumer (7 + 6 + 2) / 3 = 5
    ces = rows_of(db, f"SELECT segment, n, value, low_n FROM survey_metrics WHERE {where} {totals}", ["ces"])
    assert ces == [
        ("_all", 5, pytest.approx(4.6), False),
        ("business", 2, pytest.approx(4.0), True),
        ("consumer", 3, pytest.approx(5.0), False),
    ]
    # the brand's total only: NPS 100 (2 - 2) / 5 = 0, not consumer's 100 (2 - 1) / 3 = 33.3; none under 3 answers
    period = rows_of(db, "SELECT nps, nps_n, csat, csat_n, ces, ces_n, survey_low_n FROM v_survey_period "
                         "WHERE brand = 'acme' AND period = 'day'")  # fmt: skip
    assert period == [(pytest.approx(0.0), 5, pytest.approx(60.0), 5, pytest.approx(4.6), 5, False)]


def test_labels_that_differ_only_in_case_are_kept_apart_and_the_step_says_so(tmp_path, caplog):
    """Two exports that spell a segment or touchpoint differently ('Business', 'business') count it as two: the
    import keeps labels as written (whose spelling is right is the team's call) and says which, in the step detail
    and the log, until the exports agree; the same for the customer list's segments."""
    head, at = ["id", "at", "tp", "seg", "nps"], "2026-10-01T10:00:00Z"
    write_csv(
        tmp_path / "a.csv", [head, ["R0", at, "Delivery", "Business", "9"], ["R1", at, "support", "consumer", "3"]]
    )
    write_csv(
        tmp_path / "b.csv", [head, ["S0", at, "delivery", "business", "7"], ["S1", at, "support", "Consumer", "10"]]
    )
    customers = [
        ["A", "SMB", "2025-12-01", "", "10"],
        ["B", "smb", "2025-11-15", "", "20"],
        ["C", "y", "2026-01-01", "", "3"],
    ]
    write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0], *customers])
    columns = {"response_id": "id", "timestamp": "at", "touchpoint": "tp", "segment": "seg", "nps": "nps"}
    cfg = make_config(tmp_path, {"sources": [{"name": n, "brand": "acme", "path": f"{n}.csv", "columns": columns}
                                             for n in ("a", "b")],
                                 "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})  # fmt: skip
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    ingest.import_customers(cfg, db, RUN)
    said = ("labels that differ only in case are counted apart: acme touchpoint 'Delivery' / 'delivery'; acme segment "
            "'Business' / 'business'; acme segment 'Consumer' / 'consumer'; make the exports agree (the next import "
            "replaces the rows)")  # fmt: skip
    q = "SELECT detail FROM run_steps WHERE step = ? AND source = '' ORDER BY started_at"
    assert rows_of(db, q, ["import_surveys"])[0][0].endswith("; " + said)
    assert rows_of(db, q, ["import_customers"])[0][0].endswith(
        "; labels that differ only in case are counted apart: acme segment 'SMB' / 'smb'; make the exports agree "
        "(the next import replaces the rows)"
    )
    assert f"import_surveys: {said}" in caplog.text
    rollup.survey_metrics(cfg, db, RUN)  # kept as written: two segments, each with its own answer
    segments = "SELECT segment, n FROM survey_metrics WHERE metric = 'nps' AND period = 'day' AND touchpoint = '_all'"
    assert sorted(rows_of(db, segments)) == [("Business", 1), ("Consumer", 1), ("_all", 4), ("business", 1),
                                             ("consumer", 1)]  # fmt: skip
    # the exports agree: nothing to say, the answers regrouped
    write_csv(
        tmp_path / "b.csv", [head, ["S0", at, "Delivery", "Business", "7"], ["S1", at, "support", "consumer", "10"]]
    )
    ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert "differ only in case" not in rows_of(db, q, ["import_surveys"])[-1][0]
    rollup.survey_metrics(cfg, db, RUN)
    assert sorted(rows_of(db, segments)) == [("Business", 2), ("_all", 4), ("consumer", 2)]


def test_missing_and_broken_sources_are_recorded_and_do_not_stop_the_others(tmp_path, scorer):
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    write_csv(tmp_path / "broken.csv", [["ResponseId", "RecordedDate", "Other"], ["R_1", "2026-10-01", "x"]])
    cfg = make_config(
        tmp_path,
        {
            "sources": [
                {"name": "good", "brand": "acme", "path": "q.csv", "preset": "qualtrics"},
                {"name": "gone", "brand": "acme", "path": "drops/*.csv", "preset": "typeform"},
                {"name": "broken", "brand": "acme", "path": "broken.csv", "preset": "qualtrics"},
            ]
        },
    )
    db = tmp_path / "w.duckdb"
    result = ingest.import_surveys(cfg, db, RUN, scorer=scorer, score_comments=False)
    assert result["new"] == 4 and result["scored"] == 0
    assert sorted(result["failed_sources"]) == ["broken", "gone"]
    steps = dict(rows_of(db, "SELECT source, status FROM run_steps WHERE step = 'import_surveys'"))
    assert steps == {"": "success", "good": "success", "gone": "missing", "broken": "failed"}
    detail = dict(rows_of(db, "SELECT source, detail FROM run_steps WHERE step = 'import_surveys'"))
    assert "no NPS, CSAT or CES column" in detail["broken"]
    # the entry to look at, and where: a header without a mapped column may be a mapping to fix
    assert detail["broken"].endswith(f"(surveys.sources[2] in {cfg.source_file})")
    assert detail["gone"].endswith(f"surveys.sources[1].path in {cfg.source_file}")


def test_explicit_paths_go_to_the_source_whose_glob_matches(tmp_path, scorer):
    (tmp_path / "drops").mkdir()
    write_csv(tmp_path / "drops" / "acme-2026-10.csv", qualtrics_rows())
    cfg = make_config(
        tmp_path,
        {
            "sources": [
                {"name": "a", "brand": "acme", "path": "drops/acme-*.csv", "preset": "qualtrics"},
                {"name": "b", "brand": "acme", "path": "other/*.csv", "preset": "typeform"},
            ]
        },
    )
    db = tmp_path / "w.duckdb"
    result = ingest.import_surveys(cfg, db, RUN, paths=[tmp_path / "drops" / "acme-2026-10.csv"], scorer=scorer)
    assert result["new"] == 4 and result["sources"] == 1
    assert rows_of(db, "SELECT DISTINCT source FROM survey_responses") == [("a",)]
    write_csv(tmp_path / "elsewhere.csv", qualtrics_rows())
    with pytest.raises(ConfigError, match=r"cannot tell which .* \(no path glob matches it\); put it where one"):
        ingest.import_surveys(cfg, db, RUN, paths=[tmp_path / "elsewhere.csv"], scorer=scorer)
    for missing, said in ((tmp_path / "nope.csv", "no such file"), (tmp_path / "drops", "a folder, not an export")):
        with pytest.raises(ConfigError, match=f"{missing}: {said}"):  # not "no path glob matches it"
            ingest.import_surveys(cfg, db, RUN, paths=[missing], scorer=scorer)


def test_no_surveys_section_is_a_no_op(tmp_path):
    cfg = make_config(tmp_path, {})
    db = tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN)["sources"] == 0
    assert ingest.import_customers(cfg, db, RUN)["sources"] == 0
    assert not db.exists()


CUSTOMER_ROWS = [
    ["customer_id", "segment", "start_date", "end_date", "monthly_revenue"],
    ["A", "x", "2025-12-01", "", "10"],
    ["B", "x", "2025-11-15", "2026-01-20", "20"],
    ["C", "y", "2026-01-01", "2026-02-01", "30"],
    ["D", "y", "2026-01-10", "2026-01-25", "40"],
    ["E", "y", "2025-10-01", "2026-01-01", "50"],
    ["F", "x", "2026-01-15", "", "n/a"],  # lands; revenue empty and quarantined
    ["G", "x", "2026-02-30", "", "10"],  # impossible date: quarantined whole
    ["", "x", "2026-01-01", "", "10"],  # no id: quarantined whole
]


def test_customers_import_churn_clv_and_replacement(tmp_path):
    write_csv(tmp_path / "customers.csv", CUSTOMER_ROWS)
    cfg = make_config(
        tmp_path,
        {
            "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}],
            "clv": {"margin": 0.5, "discount_rate": 0.01, "discount_rate_period": "month", "churn_window_months": 1},
        },
    )
    db = tmp_path / "w.duckdb"
    result = ingest.import_customers(cfg, db, RUN)
    assert (result["customers"], result["new"], result["quarantined"]) == (6, 6, 3)
    key = os.environ["BRANDPULSE_AUTHOR_KEY"].encode()  # customer ids are stored as keyed hashes, as authors are

    def hashed(customer_id: str) -> str:  # worked here, not by Pseudonymiser: HMAC-SHA256 under the key, 32 hex
        return hmac.new(key, customer_id.encode(), hashlib.sha256).hexdigest()[:32]

    assert rows_of(db, "SELECT monthly_revenue FROM customers WHERE customer_hash = ?", [hashed("F")]) == [(None,)]
    raw = [r[0] for r in rows_of(db, "SELECT raw_record FROM quarantine")]  # F's revenue, G's date, the empty id
    assert any(f'"customer_id": "hmac:{hashed("F")}"' in r for r in raw)
    assert not any('"F"' in r or '"G"' in r for r in raw)
    rollup.survey_metrics(cfg, db, RUN)
    jan = rows_of(
        db,
        "SELECT active_start, churned, churn_rate, arpu, clv_simple, clv_discounted FROM customer_metrics "
        "WHERE brand = 'acme' AND segment = '_all' AND month = DATE '2026-01-01'",
    )
    # base A, B, C; churned B, C: 2/3. ARPU 20, m = .5 x 20 = 10: simple 10 / (2/3) = 15;
    # discounted 10 x (1/3) / (1.01 - 1/3) = 3.3333 / .676667 = 4.9261
    assert jan == [(3, 2, pytest.approx(2 / 3), 20.0, pytest.approx(15.0), pytest.approx(4.9261, abs=1e-4))]
    # the next export no longer lists A: A leaves the warehouse; E's end date changed
    kept = [r for r in CUSTOMER_ROWS if r[0] != "A"][:4]  # header, B, C, D
    write_csv(tmp_path / "customers.csv", [*kept, ["E", "y", "2025-10-01", "2025-12-15", "50"]])
    again = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert (again["new"], again["changed"], again["removed"]) == (0, 1, 2)  # A and F gone; E changed
    assert sorted(rows_of(db, "SELECT customer_hash FROM customers")) == sorted((hashed(c),) for c in "BCDE")
    # a list with a row per subscription period: one row a customer is kept (the latest period's, whichever row
    # the list writes first: newest first, the first period kept had E churned in June), and the step says so
    write_csv(tmp_path / "customers.csv", [*kept, ["E", "y", "2025-10-01", "2025-12-15", "50"],
                                           ["E", "y", "2025-01-01", "2025-06-30", "50"]])  # fmt: skip
    ingest.import_customers(cfg, db, "cli__2026-11-02__0000cccc")
    assert rows_of(db, "SELECT start_date, end_date FROM customers WHERE customer_hash = ?", [hashed("E")]) == [
        (date(2025, 10, 1), date(2025, 12, 15))
    ]
    q = "SELECT detail FROM run_steps WHERE step = 'import_customers' AND source = '' ORDER BY started_at"
    first, second, third = (d for (d,) in rows_of(db, q))
    assert "repeated" not in first + second
    assert third.endswith("; 1 repeated customer ids in the lists: each keeps its row of the latest start date (one "
                          "row a customer; a list with a row per subscription period keeps only the latest period's "
                          "dates)")  # fmt: skip


def test_yearly_revenue_is_stored_per_month_and_start_and_end_dates_are_checked(tmp_path):
    """``revenue_period: year``: 1,200 a year is 100 a month (ARPU, CLV are monthly). A customer who starts and ends
    on the same day was never active, but the row is no error: an end date before the start, or no start date,
    quarantines the row."""
    rows = [
        CUSTOMER_ROWS[0],
        ["A", "x", "2026-01-01", "", "1200"],
        ["S", "x", "2026-01-05", "2026-01-05", "600"],
        ["B", "x", "2026-01-05", "2026-01-04", "600"],
        ["N", "x", "", "", "600"],
    ]
    path = write_csv(tmp_path / "customers.csv", rows)
    cfg = make_config(
        tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv", "revenue_period": "year"}]}
    )
    customers, rejects = read_customer_file(cfg, cfg.surveys.customers[0], path)
    assert [(c.start_date, c.end_date, c.monthly_revenue) for c in customers] == [
        ("2026-01-01", None, 100.0),
        ("2026-01-05", "2026-01-05", 50.0),
    ]
    assert [r.reason for r in rejects] == [
        "end date 2026-01-04 is before start date 2026-01-05",
        "start date (column start_date) is empty",
    ]


def test_an_end_date_of_9999_or_zeros_is_an_active_customer_not_a_quarantined_one(tmp_path):
    """SAP, Oracle and warehouse exports write 31.12.9999 for "no end" (others 2999-12-31, 2100-01-01), MySQL
    0000-00-00: each quarantined its customer (outside 1970-2099), so a list marking its active customers so landed
    only those who had left (a month's churn 100 %). They are active customers; a real end date is still read."""
    for fmt, rows in (
        (None, [["A", "x", "2025-01-01", "9999-12-31", "10"], ["Z", "x", "2025-01-01", "0000-00-00", "10"]]),
        (None, [["A", "x", "2025-01-01", "2999-12-31", "10"], ["Z", "x", "2025-01-01", "2100-01-01", "10"]]),
        ("%d.%m.%Y", [["A", "x", "01.01.2025", "31.12.9999", "10"], ["Z", "x", "01.01.2025", "00.00.0000", "10"]]),
    ):
        gone = (
            ["B", "x", "2025-01-01", "2025-02-15", "10"]
            if fmt is None
            else ["B", "x", "01.01.2025", "15.02.2025", "10"]
        )
        path = write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0], *rows, gone])
        spec = {"name": "crm", "brand": "acme", "path": "customers.csv", **({"date_format": fmt} if fmt else {})}
        cfg = make_config(tmp_path, {"customers": [spec]})
        customers, rejects = read_customer_file(cfg, cfg.surveys.customers[0], path)
        assert [(c.start_date, c.end_date) for c in customers] == [
            ("2025-01-01", None),
            ("2025-01-01", None),
            ("2025-01-01", "2025-02-15"),
        ], fmt
        assert rejects == [], fmt
    # a year between, 2105 for 2015, is a typing slip: quarantined, not an active customer
    path = write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0], ["A", "x", "2025-01-01", "2105-03-01", "10"]])
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    customers, rejects = read_customer_file(cfg, cfg.surveys.customers[0], path)
    assert customers == [] and len(rejects) == 1 and "outside 1970-2099" in rejects[0].reason, rejects


def test_a_list_without_its_header_row_fails_without_its_first_customer_in_the_log_or_the_step(tmp_path, caplog):
    """A customer list exported without its header row: its first row is read as the header, which lacks the mapped
    columns. The error listed that row's cells, so a customer id and an e-mail address in clear went to the log and
    to run_steps.detail (ids are stored only as keyed hashes): the cells are described instead, and the error says
    the row looks like data."""
    write_csv(tmp_path / "customers.csv", [["CUST-88231", "jane.private@example.com", "2025-01-01", "", "49.0"]])
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["failed_sources"]
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_customers' AND status = 'failed'")
    assert "the header lacks the column for customer_id" in detail and "does the file lack its header row?" in detail
    for said in (detail, caplog.text):
        assert "CUST-88231" not in said and "jane.private" not in said


def test_cx_social_views_join_social_and_survey_metrics(tmp_path, scorer):
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    write_csv(tmp_path / "customers.csv", CUSTOMER_ROWS[:6])
    cfg = make_config(
        tmp_path,
        {
            "sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}],
            "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}],
        },
    )
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, scorer=scorer, score_comments=False)
    ingest.import_customers(cfg, db, RUN)
    rollup.survey_metrics(cfg, db, RUN)
    with duckdb.connect(str(db)) as con:  # two social days in the week of Monday 28 Sep 2026
        con.execute(
            "INSERT INTO daily_brand_metrics (day, brand, source, volume, scored, n_negative, n_neutral, n_positive, "
            "share_negative, mean_score, computed_at, run_id, model_version) VALUES "
            "(DATE '2026-09-29', 'acme', '_all', 10, 10, 5, 3, 2, 0.5, -0.2, now(), 'r', 'm1'),"
            "(DATE '2026-10-01', 'acme', '_all', 30, 30, 3, 17, 10, 0.1, 0.2, now(), 'r', 'm1'),"
            "(DATE '2026-10-01', 'acme', 'listening', 30, 30, 3, 17, 10, 0.1, 0.2, now(), 'r', 'm1')"
        )
    week = rows_of(
        db,
        "SELECT iso_week, social_days, social_volume, share_negative, mean_score, nps, nps_n, csat_n "
        "FROM v_cx_social_weekly WHERE brand = 'acme'",
    )
    # share negative (5 + 3) / 40 = .2; mean score weighted by scored (10 x -.2 + 30 x .2) / 40 = .1;
    # NPS of the week's answers 10 and 0: (1 - 1) / 2 = 0
    assert week == [("2026-W40", 2, 40, pytest.approx(0.2), pytest.approx(0.1), 0.0, 2, 3)]
    month = rows_of(
        db,
        "SELECT month, social_volume, nps, customers_start, churned FROM v_cx_social_monthly "
        "WHERE brand = 'acme' AND month >= DATE '2025-12-01' ORDER BY month",
    )
    assert month[:2] == [(date(2025, 12, 1), None, None, 3, 1), (date(2026, 1, 1), None, None, 3, 2)]
    assert month[-1] == (date(2026, 10, 1), 30, 0.0, None, None)  # 29 Sep is September; customers end in Feb
    lead = rollup.cx_social_lead(cfg, db, "acme")
    assert lead.best_lag is None and lead.conclusion == "not enough data: 1 paired weeks, need ≥ 30"


def test_the_lead_lag_counts_weeks_without_data_as_weeks(tmp_path):
    """NPS follows the social score two weeks later; every fourth week has no data on either side. The lags count
    weeks, so those weeks must be rows (interpolated), not left out: without them a lag of 2 rows spans 2-3 weeks.
    Half the weeks filled, unrelated series are not said to lead (they did in 16% of runs: see xcorr)."""
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 100)
    y = np.r_[rng.normal(0, 1, 2), 0.9 * x[:-2]] + rng.normal(0, 0.3, 100)
    db = migrated(tmp_path / "w.duckdb")
    with connect(db) as con:
        for k in range(100):
            if k % 4 == 1:
                continue
            weekly_social_and_survey(con, date(2025, 1, 6) + timedelta(weeks=k), x[k], {"nps": y[k]})
    cfg = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}])
    lead = rollup.cx_social_lead(load_config(cfg), db, "acme")
    assert lead.best_lag == 2 and lead.interpolated == 25, lead.conclusion  # the 25 weeks filled, once
    assert "leads NPS by 2 weeks" in lead.conclusion and "; 25 of the 100 weeks interpolated)" in lead.conclusion
    claims = 0
    for _ in range(20):  # unrelated, half the weeks of one side missing: refused, not a lead
        unrelated = [None if rng.random() < 0.5 else v for v in rng.normal(0, 1, 100)]
        sparse = cross_correlation(list(rng.normal(0, 1, 100)), unrelated)
        assert not sparse.significant and sparse.conclusion.startswith("not enough data: "), sparse.conclusion
        claims += sparse.interpolated > 25
    assert claims == 20


def test_an_unknown_brand_id_is_a_config_error_naming_the_field(tmp_path):
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    with pytest.raises(
        ConfigError, match=r"brandpulse.yaml: surveys.sources\[0\].brand: 'acne' is not a configured brand"
    ):
        make_config(tmp_path, {"sources": [{"name": "n", "brand": "acne", "path": "q.csv", "preset": "qualtrics"}]})


@pytest.mark.parametrize(
    ("field", "fmt", "said"),
    [
        ("customers", "dd/mm/yyyy", "reads no year"),  # a spreadsheet's pattern: every date read as 1900
        ("customers", "%d.%m", "reads no year"),
        ("customers", "%-d/%m/%Y", "is not a strptime format \\('-' is a bad directive"),
        ("sources", "%d/%m/%Y %Q", "is not a strptime format \\('Q' is a bad directive"),
        ("sources", "%d.%m.%Y (%d)", "is not a strptime format \\(a directive is repeated"),  # was re.error
    ],
)
def test_a_date_format_strptime_cannot_read_a_date_with_is_a_config_error_naming_the_field(tmp_path, field, fmt, said):
    """A date or timestamp format that reads no date quarantined every row of every night, each for its value
    (the step a success with nothing landed), where the mistake is the config's: it is refused at load."""
    name = "date_format" if field == "customers" else "timestamp_format"
    entry = {"name": "n", "brand": "acme", "path": "c.csv", name: fmt}
    if field == "sources":
        entry["preset"] = "qualtrics"
    with pytest.raises(ConfigError, match=rf"brandpulse.yaml: surveys.{field}\[0\].{name}: '{re.escape(fmt)}' {said}"):
        make_config(tmp_path, {field: [entry]})
    for good in ("%d/%m/%Y", "%d.%m.%y %H:%M:%S %z", "%m/%d/%Y %I:%M %p", "%Y-%m"):  # still read as they were
        make_config(tmp_path, {field: [{**entry, name: good}]})


def test_a_customer_list_for_an_unknown_brand_is_a_config_error_when_read(tmp_path):
    """The importer checks a customer list's brand itself, as it does a survey source's: a spec built without the
    config's validation must not land customers under a brand nobody configured."""
    from pipeline.config_surveys import CustomerSpec

    path = write_csv(tmp_path / "customers.csv", CUSTOMER_ROWS[:2])
    cfg = make_config(tmp_path, {"sources": []})
    spec = CustomerSpec(name="crm", brand="acne", path="customers.csv")
    with pytest.raises(ConfigError, match="surveys customers 'crm' brand: no brand with id 'acne'"):
        read_customer_file(cfg, spec, path)


def test_the_step_detail_names_the_columns_each_field_was_read_from(tmp_path):
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    cfg = make_config(tmp_path, {"sources": [{"name": "n", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]})
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE source = 'n'")
    assert detail == (
        "1 file(s): q.csv; columns: response_id='ResponseId', timestamp='EndDate', nps='Q1', csat='Q2', "
        "ces='Q3', comment='Q4', touchpoint='Touchpoint'"
    )


def test_an_importid_time_zone_that_is_no_zone_is_said_in_the_step_detail(tmp_path):
    """A timeZone zoneinfo does not know in the ImportId row: the answers land, read in the source's timezone (else
    UTC) as if it declared none, and the step's detail says so; nothing said it, and the times could be hours off."""
    rows = qualtrics_rows()
    rows[2] = [c.replace("America/New_York", "Mars/Olympus_Mons") for c in rows[2]]
    write_csv(tmp_path / "q.csv", rows)
    cfg = make_config(tmp_path, {"sources": [{"name": "n", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]})
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE source = 'n'")
    assert detail.endswith(
        "; the ImportId row's timeZone 'Mars/Olympus_Mons' is no time zone: its timestamps were read in UTC"
    ), detail
    assert rows_of(db, "SELECT min(responded_at) = TIMESTAMPTZ '2026-10-01 09:00:00+00' FROM survey_responses") == [
        (True,)
    ]


def test_exports_joined_into_one_file_skip_their_repeated_header_rows_and_say_so(tmp_path):
    """Two Qualtrics exports joined (cat a.csv b.csv): the second's three header rows (columns, question text,
    ImportId) are no answers, and two customer lists joined the same way: the header rows are skipped and counted
    in the step's detail, not quarantined, and every answer and customer of both parts lands."""
    first, second = qualtrics_rows(), qualtrics_rows()
    second[3][4], second[-1][4] = "R_second", "R_second_f"
    second[0][0] = "\ufeff" + second[0][0]  # the second export's byte-order mark
    write_csv(tmp_path / "q.csv", first + second)
    header, *customers = CUSTOMER_ROWS[:4]
    write_csv(tmp_path / "customers.csv", [header, customers[0], [*header, "", ""], *customers[1:]])  # padded
    cfg = make_config(tmp_path, {"sources": [{"name": "n", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}],
                                 "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})  # fmt: skip
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    ingest.import_customers(cfg, db, RUN)
    ids = [r[0] for r in rows_of(db, "SELECT response_id FROM survey_responses ORDER BY 1")]
    assert ids == ["R_aaa", "R_bbb", "R_ccc", "R_fff", "R_second", "R_second_f"]
    assert rows_of(db, "SELECT count(*) FROM customers") == [(3,)]
    reasons = [r[0] for r in rows_of(db, "SELECT reason FROM quarantine WHERE source = 'n'")]
    assert len(reasons) == 8 and len(set(reasons)) == 4, reasons  # each part's four bad rows, no header row
    details = dict(rows_of(db, "SELECT source, detail FROM run_steps WHERE source IN ('n', 'crm')"))
    assert details["n"].endswith("; 1 row(s) repeating the header skipped (exports joined into one file)")
    assert details["crm"].endswith("; 1 row(s) repeating the header skipped (exports joined into one file)")


def test_a_far_future_or_far_past_date_is_quarantined_not_fatal(tmp_path):
    header, *good = CUSTOMER_ROWS[:3]
    rows = [header, *good, ["Z", "x", "9999-12-31", "", "10"], ["Y", "x", "1900-01-01", "", "10"]]
    write_csv(tmp_path / "customers.csv", rows)
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    result = ingest.import_customers(cfg, db, RUN)
    assert (result["customers"], result["quarantined"]) == (2, 2)
    reasons = sorted(r[0] for r in rows_of(db, "SELECT reason FROM quarantine"))
    assert reasons == [
        "start date (column start_date) 1900-01-01 is outside 1970-2099",
        "start date (column start_date) 9999-12-31 is outside 1970-2099",
    ]
    assert rollup.survey_metrics(cfg, db, RUN) > 0  # the churn months of the rest still compute


def _empty_id_rows(n: int = 59) -> list[list]:
    """A customer list whose ``n`` rows all lack an id, in only five distinct contents (segments a-e)."""
    return [CUSTOMER_ROWS[0]] + [["", "abcde"[i % 5], "2026-01-01", "", "10"] for i in range(n)]


def _quarantined(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        names = ["rows", "ids", "locations"]
        got = con.execute("SELECT count(*), count(DISTINCT quarantine_id), count(DISTINCT location) FROM quarantine")
        return dict(zip(names, got.fetchone(), strict=True))


def test_every_bad_row_is_one_quarantine_row_and_a_reimport_adds_none(tmp_path):
    # 59 rows without an id, in five distinct contents, used to collapse into 5 quarantine rows (issue #13.8)
    write_csv(tmp_path / "customers.csv", _empty_id_rows())
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    first = ingest.import_customers(cfg, db, RUN)
    assert (first["customers"], first["quarantined"]) == (0, 59)
    assert _quarantined(db) == {"rows": 59, "ids": 59, "locations": 59}
    again = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert again["quarantined"] == 0  # the same file read again: the same 59 keys
    assert _quarantined(db) == {"rows": 59, "ids": 59, "locations": 59}


def test_rows_quarantined_before_0008_are_found_again_not_added(tmp_path, monkeypatch):
    from pipeline import warehouse
    from pipeline.records import Reject

    write_csv(tmp_path / "customers.csv", _empty_id_rows())
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    _, rejects = read_customer_file(cfg, cfg.surveys.customers[0], tmp_path / "customers.csv")
    db = tmp_path / "before-0008.duckdb"
    every = warehouse.migrations()
    monkeypatch.setattr(warehouse, "migrations", lambda: [m for m in every if m[0] < 8])
    views = warehouse._sql_files
    monkeypatch.setattr(warehouse, "_sql_files", lambda folder: [])  # today's views need today's columns
    with connect(db) as con:
        migrate(con)
        old = {}  # as they were kept before 0008: keyed by content, one row for the 59
        for r in rejects:
            before = Reject.of(r.brand, r.source, r.reason, r.raw_record, r.location)  # no occurrence: content
            old.setdefault(before.quarantine_id, before)
        for r in old.values():
            con.execute(
                "INSERT INTO quarantine BY NAME SELECT ? AS quarantine_id, ? AS brand, ? AS source, ? AS reason, "
                "? AS raw_record, ? AS location, now() AS first_seen, 'old' AS run_id",
                [r.quarantine_id, r.brand, r.source, r.reason, r.raw_record, r.location],
            )
    assert _quarantined(db)["rows"] == 5
    monkeypatch.setattr(warehouse, "migrations", lambda: every)
    monkeypatch.setattr(warehouse, "_sql_files", views)
    with connect(db) as con:
        assert 8 in migrate(con)
    result = ingest.import_customers(cfg, db, RUN)
    assert result["quarantined"] == 54  # the 5 kept before are found under their new keys
    assert _quarantined(db) == {"rows": 59, "ids": 59, "locations": 59}


def _snapshot(folder: Path, name: str, good: list[list], more_bad: tuple = ()) -> Path:
    """A whole-history survey export named by its day: ``good`` rows, then the same bad rows every day (two alike,
    without an id, and one whose time cannot be read), then ``more_bad``."""
    for old in folder.glob("nps-*.csv"):
        old.unlink()  # yesterday's snapshot goes: today's holds the whole history again
    bad = [["", "2026-10-01 09:00:00", "3"], ["", "2026-10-01 09:00:00", "3"], ["R_t", "2026-13-45 09:00", "7"]]
    return write_csv(folder / name, [["ResponseId", "RecordedDate", "Q1"], *good, *bad, *more_bad])


def test_a_bad_row_is_kept_once_whatever_its_exports_name_and_line(tmp_path):
    # A survey tool's nightly whole-history export, its day in the name, new answers on top: the same bad rows
    # used to be quarantined again every night (keyed by file name and line); two alike stay two rows, and a new
    # unreadable row does not move the key of the one after it
    folder = tmp_path / "exports"
    folder.mkdir()
    source = {"name": "n", "brand": "acme", "path": "exports/nps-*.csv", "preset": "qualtrics"}
    cfg = make_config(tmp_path, {"sources": [source]})
    db = tmp_path / "w.duckdb"
    wide = [["R_w", "Jane", "Doe", "2026-10-01 10:00:00", "8"]]  # too wide: kept as unreadable, keyed by its text
    _snapshot(folder, "nps-2026-10-01.csv", [["R_1", "2026-10-01 08:00:00", "9"]], wide)
    first = ingest.import_surveys(cfg, db, RUN, score_comments=False)
    assert (first["responses"], first["quarantined"]) == (1, 4)
    new = [
        ["R_3", "2026-10-02 08:00:00", "10"],
        ["R_2", "2026-10-01 20:00:00", "6"],
        ["R_1", "2026-10-01 08:00:00", "9"],
    ]
    _snapshot(folder, "nps-2026-10-02.csv", new, [["R_v", "x", "2026-10-02 09:00:00", "7"], *wide])  # one more
    again = ingest.import_surveys(cfg, db, "cli__2026-10-02__0000bbbb", score_comments=False)
    assert (again["responses"], again["quarantined"]) == (3, 1)  # only the new bad row
    kept = rows_of(db, "SELECT location, run_id, raw_record FROM quarantine ORDER BY location")
    assert [(loc.rsplit("/", 1)[1], run) for loc, run, _ in kept] == [
        ("nps-2026-10-01.csv:3", RUN),
        ("nps-2026-10-01.csv:4", RUN),
        ("nps-2026-10-01.csv:5", RUN),
        ("nps-2026-10-01.csv:6", RUN),
        ("nps-2026-10-02.csv:8", "cli__2026-10-02__0000bbbb"),
    ]  # where each was first seen
    assert [raw for _, _, raw in kept[-2:]] == ["<unreadable row: not kept>"] * 2


def test_two_long_answers_cut_alike_stay_two_rejects(tmp_path):
    # quarantine keeps 1 MiB characters of a raw record, once (it was cut twice, the note counting the first note)
    from pipeline.records import MAX_RAW

    header, row = ["ResponseId", "RecordedDate", "Q1", "Q4"], ["R_1", "2026-10-01 09:00:00", "11"]
    path = write_csv(tmp_path / "q.csv", [header, [*row, "x" * MAX_RAW + "a"], [*row, "x" * MAX_RAW + "b"]])
    _, rejects = read_survey_file(None, SurveySpec(name="n", brand="acme", path="q.csv", preset="qualtrics"), path)
    assert len({r.raw_record for r in rejects}) == 1 and len({r.quarantine_id for r in rejects}) == 2
    whole = json.dumps(dict(zip(header, [*row, "x" * MAX_RAW + "a"], strict=True)), ensure_ascii=False)
    assert rejects[0].raw_record == whole[:MAX_RAW] + f"…[truncated: {len(whole) - MAX_RAW} more characters]"


def _kept_before(db, monkeypatch, version: int, rows: list[dict]) -> list:
    """A warehouse at the migrations before ``version`` (``warehouse.migrations`` patched to list only those),
    with ``rows`` (quarantine columns by name) in its quarantine as a release before kept them. Returns every
    migration, for the test to put back before it migrates on. Today's views are not made on that old schema
    (they may read columns a later migration adds, as v_alert_deliveries reads 0021's retry_to): migrating on
    makes them."""
    from pipeline import warehouse

    every = warehouse.migrations()
    monkeypatch.setattr(warehouse, "migrations", lambda: [m for m in every if m[0] < version])
    with monkeypatch.context() as old_release, connect(db) as con:
        old_release.setattr(warehouse, "_sql_files", lambda folder: [])  # as the 0008 test does
        migrate(con)
        for r in rows:
            con.execute(
                "INSERT INTO quarantine BY NAME SELECT $quarantine_id AS quarantine_id, $brand AS brand, $source AS"
                " source, $reason AS reason, $raw_record AS raw_record, $location AS location,"
                " CAST($first_seen AS TIMESTAMPTZ) AS first_seen, $run_id AS run_id",
                r,
            )
    return every


def test_0017_rekeys_rows_kept_by_file_name_and_line_and_collapses_the_same_row(tmp_path, monkeypatch):
    import hashlib

    from pipeline import warehouse
    from pipeline.records import Reject

    folder = tmp_path / "exports"
    folder.mkdir()
    source = {"name": "n", "brand": "acme", "path": "exports/nps-*.csv", "preset": "qualtrics"}
    cfg = make_config(tmp_path, {"sources": [source]})
    nights = [("2026-10-01", [["R_1", "2026-10-01 08:00:00", "9"]])]
    nights.append(("2026-10-02", [["R_2", "2026-10-01 20:00:00", "6"], *nights[0][1]]))  # one line down
    db = tmp_path / "before-0017.duckdb"
    network = Reject.of("acme", "reviews", "review has no id", '{"title": "x"}', "us page 2")  # a content key
    kept_before = [(network.quarantine_id, network, "2026-10-01")]
    for day, good in nights:  # as a night before 0017 kept them: keyed by file name and line
        _, rejects = read_survey_file(cfg, cfg.surveys.sources[0], _snapshot(folder, f"nps-{day}.csv", good))
        for r in rejects:
            parts = (r.brand, r.source, r.location.rsplit("/", 1)[1], r.raw_record)
            kept_before.append((hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32], r, day))
    rows = [
        {"quarantine_id": key, "brand": r.brand, "source": r.source, "reason": r.reason, "raw_record": r.raw_record,
         "location": r.location, "first_seen": f"{day} 03:00:00+00", "run_id": day}
        for key, r, day in kept_before
    ]  # fmt: skip
    every = _kept_before(db, monkeypatch, 17, rows)
    assert _quarantined(db) == {"rows": 7, "ids": 7, "locations": 7}  # the 3 bad rows twice, and the review
    monkeypatch.setattr(warehouse, "migrations", lambda: every)
    with connect(db) as con:
        assert 17 in migrate(con)
    kept = rows_of(db, "SELECT quarantine_id, location, run_id FROM quarantine ORDER BY location")
    assert [(loc.rsplit("/", 1)[-1], run) for _, loc, run in kept] == [
        ("nps-2026-10-01.csv:3", "2026-10-01"),  # the two rows alike: still two
        ("nps-2026-10-01.csv:4", "2026-10-01"),
        ("nps-2026-10-01.csv:5", "2026-10-01"),  # each kept once, the earliest
        ("us page 2", "2026-10-01"),
    ]
    assert kept[-1][0] == network.quarantine_id  # a network item's key is as it was
    result = ingest.import_surveys(cfg, db, RUN, score_comments=False)  # today's snapshot, read again
    assert (result["responses"], result["quarantined"]) == (2, 0)  # found under their new keys, none added
    assert _quarantined(db)["rows"] == 4


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2026-10-13", None, datetime(2026, 10, 13, tzinfo=UTC)),  # a date alone: that day, wherever it was
        ("20261013", None, datetime(2026, 10, 13, tzinfo=UTC)),
        (date(2026, 10, 1), None, datetime(2026, 10, 1, tzinfo=UTC)),  # not 30 Sep, not Q3
        ("13/10/2026", "%d/%m/%Y", datetime(2026, 10, 13, tzinfo=UTC)),
        ("2026-10-13 00:30", None, datetime(2026, 10, 12, 22, 30, tzinfo=UTC)),  # a time of day: Berlin's clock
        ("13/10/2026 09:00", "%d/%m/%Y %H:%M", datetime(2026, 10, 13, 7, tzinfo=UTC)),
    ],
)
def test_a_date_without_a_time_stays_on_its_day_in_any_time_zone(value, fmt, expected):
    from zoneinfo import ZoneInfo

    from pipeline.surveys.importer import parse_timestamp

    assert parse_timestamp(value, ZoneInfo("Europe/Berlin"), first=fmt) == expected


def test_a_qualtrics_response_is_dated_by_its_end_date_not_by_when_qualtrics_closed_it(tmp_path):
    """Qualtrics' EndDate is when the respondent submitted (an incomplete response: last answered); RecordedDate is
    when Qualtrics recorded it, for an incomplete response only when it closed it, by default a week later: the
    answer counts on the day it was given."""
    header = ["StartDate", "EndDate", "Progress", "Finished", "RecordedDate", "ResponseId", "Q1"]
    path = write_csv(tmp_path / "q.csv", [header, ["2026-10-01 09:00:00", "2026-10-01 09:02:00", "40", "False",
                                                   "2026-10-08 09:02:05", "R_1", "3"]])  # fmt: skip
    src = SurveySpec(name="n", brand="acme", path="q.csv", preset="qualtrics")
    [response], rejects = read_survey_file(None, src, path)
    assert rejects == [] and response.responded_at == "2026-10-01T09:02:00+00:00"


def test_qualtrics_previews_tests_and_spam_are_quarantined_not_counted(tmp_path):
    """Qualtrics' Status column marks previews (1), tests (2) and spam (8): not answers, whether the export
    holds choice values or choice text; ordinary responses (0, 'IP Address') and other presets' rows land."""
    rows = qualtrics_rows()[:4]
    statuses = ["0", "1", "IP Address", "Survey Test", "8", "Spam"]
    header = [*rows[0], "Status"]
    body = [[*rows[3][:4], f"R_{i}", *rows[3][5:], status] for i, status in enumerate(statuses)]
    path = write_csv(tmp_path / "q.csv", [header, [*rows[1], "Response Type"], [*rows[2], "{}"], *body])
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    assert sorted(r.response_id for r in responses) == ["R_0", "R_2"]
    assert sorted(r.reason for r in rejects) == [
        f"Qualtrics Status {s!r} (column Status): a preview, test or spam response, not an answer"
        for s in sorted(["1", "Survey Test", "8", "Spam"])
    ]
    custom = SurveySpec(
        name="acme-nps",
        brand="acme",
        path="q.csv",
        columns={"response_id": "ResponseId", "nps": "Q1", "timestamp": "RecordedDate"},
    )
    assert len(read_survey_file(None, custom, path)[0]) == 6  # a custom export's Status means nothing here


def test_qualtrics_previews_and_spam_are_not_counted_where_the_question_text_row_is_the_header(tmp_path):
    """An export whose first row (ResponseId, EndDate, Status) was deleted, as analysts do to keep the question text:
    the preset reads its "Response ID" and "End Date", and its Status column is named "Response Type"."""
    rows = qualtrics_rows()
    header = [*rows[1], "Response Type"]
    kinds = ["IP Address", "Survey Preview", "Spam"]
    body = [[*rows[3][:4], f"R_{i}", *rows[3][5:], kind] for i, kind in enumerate(kinds)]
    path = write_csv(tmp_path / "q.csv", [header, [*rows[2], '{"ImportId":"status"}'], *body])
    nps = {"nps": "How likely ...?"}
    src = SurveySpec(name="acme-nps", brand="acme", path="q.csv", preset="qualtrics", columns=nps)
    responses, rejects = read_survey_file(None, src, path)
    assert [r.response_id for r in responses] == ["R_0"]
    assert sorted(r.reason for r in rejects) == [
        f"Qualtrics Status {s!r} (column Response Type): a preview, test or spam response, not an answer"
        for s in ("Spam", "Survey Preview")
    ]


def test_a_response_imported_as_an_answer_and_now_spam_leaves_the_warehouse_with_its_comment_score(tmp_path, scorer):
    """A response that landed as an answer (read before Status was, or as preset custom) and is now read as spam, a
    preview or a test is quarantined and its copy leaves survey_responses with its comment score, whole_history or
    not; a later answer row of the same id counts, and the step says how many left."""
    header = ["ResponseId", "RecordedDate", "Q1", "Q4", "Status"]
    t = "2026-10-01 09:00:00"
    cfg = make_config(tmp_path, {"sources": [{"name": "n", "brand": "acme", "path": "*.csv", "preset": "qualtrics"}]})
    write_csv(tmp_path / "a.csv", [header, ["R_1", t, "10", "Love it", "0"], ["R_2", t, "0", "Awful", "0"]])
    db = migrated(tmp_path / "w.duckdb")
    ingest.import_surveys(cfg, db, RUN, scorer=scorer)
    write_csv(tmp_path / "a.csv", [header, ["R_1", t, "10", "Love it", "8"], ["R_2", t, "0", "Awful", "Spam"],
                                   ["R_3", t, "9", "", "0"]])  # fmt: skip
    write_csv(tmp_path / "b.csv", [header, ["R_2", t, "0", "Awful", "0"], ["R_3", t, "9", "", "Survey Test"]])
    result = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", scorer=scorer)
    assert rows_of(db, "SELECT response_id FROM survey_responses ORDER BY 1") == [("R_2",)]
    assert rows_of(db, "SELECT response_id FROM survey_comment_sentiment ORDER BY 1") == [("R_2",)]
    assert (result["withdrawn"], result["new"]) == (1, 0)  # R_3: staged from a.csv, a test in b.csv read after it
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_surveys' AND source = '' "
                              "AND run_id = 'cli__2026-11-01__0000bbbb'")  # fmt: skip
    assert "1 removed (now a Qualtrics preview, test or spam)" in detail


def test_a_previews_customer_id_is_hashed_in_quarantine_too(tmp_path):
    # a preview, test or spam row was quarantined before its customer id was replaced by its keyed hash
    header = ["ResponseId", "RecordedDate", "Q1", "ExternalReference", "Status"]
    path = write_csv(tmp_path / "q.csv", [header, ["R_1", "2026-10-01 09:00:00", "9", "CUST-42", "1"]])
    src = SurveySpec(name="n", brand="acme", path="q.csv", preset="qualtrics")
    responses, [reject] = read_survey_file(None, src, path)
    assert responses == [] and reject.reason.startswith("Qualtrics Status '1' (column Status)")
    assert "CUST-42" not in reject.raw_record
    assert json.loads(reject.raw_record)["ExternalReference"] == f"hmac:{Pseudonymiser(None)('CUST-42')}"


def test_a_customer_list_saved_by_excel_with_ids_in_scientific_notation_quarantines_them_not_merges_them(tmp_path):
    """123456789012, 123456789013 and 123456789099 saved by Excel are all "1.23457E+11": they landed as one
    customer (one keyed hash; the last row's dates), their churn and CLV wrong, and the step blamed repeated rows.
    Such an id may be any of those customers: quarantined, the list removes nobody that night."""
    rows = [CUSTOMER_ROWS[0], ["1.23457E+11", "x", "2025-12-01", "", "10"],
            ["1.23457E+11", "x", "2025-11-15", "2026-01-20", "20"], ["1,23457E+11", "y", "2026-01-01", "", "30"],
            ["987654321", "y", "2026-01-01", "", "30"]]  # fmt: skip
    write_csv(tmp_path / "customers.csv", rows)
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    result = ingest.import_customers(cfg, db, RUN)
    assert (result["customers"], result["quarantined"], result["removed"]) == (1, 3, 0)
    assert rows_of(db, "SELECT customer_hash FROM customers") == [(Pseudonymiser(None)("987654321"),)]
    quarantined = rows_of(db, "SELECT reason, raw_record FROM quarantine")
    assert {r for r, _ in quarantined} == {
        "customer id (column customer_id) is a number in scientific notation, as Excel saves a long id: its digits "
        "are lost, so it cannot tell this customer from others; use the list as the CRM wrote it, or save the column "
        "as text"
    }
    assert not any("E+11" in raw for _, raw in quarantined)  # hashed in quarantine, as every customer id


def test_an_xlsx_customer_id_of_more_digits_than_excel_keeps_is_quarantined_not_merged(tmp_path):
    """Excel keeps 15 significant digits: the 19-digit ids 4150868000000224005 and 4150868000000224017 of a list
    saved as .xlsx are both 4.15086800000022E+18 in it, which read as one whole number merged the two customers
    into one keyed hash (the step blamed repeated rows), where the same list saved as CSV is quarantined."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(CUSTOMER_ROWS[0])
    book.active.append([4.15086800000022e18, "x", "2025-12-01", "", 10])  # as Excel saves either id
    book.active.append([4.15086800000022e18, "x", "2025-11-15", "2026-01-20", 20])
    book.active.append([987654321.0, "y", "2026-01-01", "", 30])  # a float of fewer digits is whole: it lands
    book.save(tmp_path / "customers.xlsx")
    src = config_surveys.CustomerSpec(name="c", brand="acme", path="customers.xlsx")
    customers, rejects = read_customer_file(None, src, tmp_path / "customers.xlsx")
    assert [c.customer_hash for c in customers] == [Pseudonymiser(None)("987654321")]
    reason = "customer id (column customer_id) is a number in scientific notation, as Excel saves a long id"
    assert [r.reason.split(": ")[0] for r in rejects] == [reason, reason]


def test_a_survey_customer_id_in_scientific_notation_leaves_the_response_unlinked_with_the_reason(tmp_path):
    """A customer id column saved by Excel ("1.23457E+11"): every respondent whose id rounds alike was linked to
    one customer. The answer still counts, linked to nobody, and quarantine says why."""
    header = ["id", "at", "nps", "customer"]
    rows = [["R1", "2026-10-01T09:00:00Z", "9", "1.23457E+11"], ["R2", "2026-10-01T09:00:00Z", "2", "C-7"]]
    path = write_csv(tmp_path / "s.csv", [header, *rows])
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "customer_id": "customer"}
    src = SurveySpec(name="n", brand="acme", path="s.csv", columns=columns)
    responses, [reject] = read_survey_file(None, src, path)
    assert [(r.response_id, r.nps, r.customer_hash) for r in responses] == [
        ("R1", 9, None),
        ("R2", 2, Pseudonymiser(None)("C-7")),
    ]
    assert reject.reason == (
        "customer id (column customer) is a number in scientific notation, as Excel saves a long id: its digits are "
        "lost, so it cannot tell this customer from others; use the export as the survey tool wrote it, or save the "
        "column as text (left empty; the rest of the response loaded)"
    )
    assert "E+11" not in reject.raw_record


def test_a_whole_history_export_removes_the_responses_deleted_in_the_survey_tool(tmp_path, scorer):
    """With whole_history, a response no longer in the export leaves (with its comment score); one still there but
    quarantined stays; an empty export, a row without an id, an explicit file or a source without the option
    removes nothing."""
    header = ["id", "at", "nps", "comment"]
    t = "2026-10-01T09:00:00Z"
    first = [["R1", t, "9", "Great app"], ["R2", t, "2", "Awful support, never again"], ["R3", t, "7", ""],
             ["R4", t, "10", "Love it"]]  # fmt: skip
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "comment": "comment"}
    cfg = make_config(
        tmp_path,
        {
            "sources": [
                {"name": "acme-nps", "brand": "acme", "path": "whole/*.csv", "columns": columns,
                 "whole_history": True},
                {"name": "acme-csat", "brand": "acme", "path": "parts/*.csv", "columns": columns},
            ]
        },
    )  # fmt: skip
    (tmp_path / "whole").mkdir(), (tmp_path / "parts").mkdir()
    export, part = tmp_path / "whole" / "export.csv", tmp_path / "parts" / "week-1.csv"
    write_csv(export, [header, *first])
    write_csv(part, [header, ["P1", t, "8", ""], ["P2", t, "3", "Slow"]])
    db = tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN, scorer=scorer)["removed"] == 0
    ids = lambda: [r[0] for r in rows_of(db, "SELECT response_id FROM survey_responses ORDER BY 1")]  # noqa: E731
    scored = lambda: [r[0] for r in rows_of(db, "SELECT response_id FROM survey_comment_sentiment ORDER BY 1")]  # noqa: E731
    assert ids() == ["P1", "P2", "R1", "R2", "R3", "R4"] and scored() == ["P2", "R1", "R2", "R4"]

    # R2 erased in the survey tool; R4 now has an unreadable time (quarantined, still there); a new R5
    write_csv(export, [header, first[0], first[2], ["R4", "yesterday", "10", "Love it"], ["R5", t, "6", ""]])
    write_csv(part, [header, ["P3", t, "9", ""]])  # the next week's part: P1 and P2 stay
    result = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", scorer=scorer)
    assert (result["new"], result["removed"]) == (2, 1)
    assert ids() == ["P1", "P2", "P3", "R1", "R3", "R4", "R5"] and scored() == ["P2", "R1", "R4"]
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_surveys' AND source = '' "
                              "AND run_id = 'cli__2026-11-01__0000bbbb'")  # fmt: skip
    assert "1 removed (no longer in a whole-history export)" in detail

    # a row without an id could be any response: nothing removed, and the step says why
    write_csv(export, [header, first[0], ["", t, "5", ""]])
    result = ingest.import_surveys(cfg, db, "cli__2026-11-02__0000cccc", scorer=scorer)
    assert result["removed"] == 0 and ids() == ["P1", "P2", "P3", "R1", "R3", "R4", "R5"]
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_surveys' AND source = '' "
                              "AND run_id = 'cli__2026-11-02__0000cccc'")  # fmt: skip
    assert "acme-nps: nothing removed, 1 row(s) without a readable response id" in detail
    # a quote left open that a later quote closes at the header's width: the answers it ran over are still there
    write_csv(export, [header, *first])
    ingest.import_surveys(cfg, db, "cli__2026-11-02__0000eeee", scorer=scorer)
    rows = [",".join(header), f'R1,{t},9,"Great app', f"R2,{t},2,Awful support", f'R3,{t},7,"ok"', f"R4,{t},10,Love it"]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert ingest.import_surveys(cfg, db, "cli__2026-11-02__0000ffff", scorer=scorer)["removed"] == 0
    assert {"R2", "R3", "R4"} <= set(ids())
    # an export with no answer at all is likelier a failed export than a deleted survey
    write_csv(export, [header])
    assert ingest.import_surveys(cfg, db, "cli__2026-11-03__0000dddd", scorer=scorer)["removed"] == 0
    assert len(ids()) == 7
    # an explicit file may be a partial drop
    write_csv(tmp_path / "whole" / "one.csv", [header, first[0]])
    result = ingest.import_surveys(cfg, db, RUN, paths=[tmp_path / "whole" / "one.csv"], scorer=scorer)
    assert result["removed"] == 0 and len(ids()) == 7


def test_an_import_from_the_command_line_closes_its_own_run_and_leaves_a_nights_open(tmp_path):
    """`brandpulse import-customers` (or import-surveys) without --run-id is a run of its own: closed when it ends
    (left 'running', it made the hourly watch skip for hours); with a night's --run-id the night's finish closes."""
    from typer.testing import CliRunner

    from pipeline import night
    from pipeline.cli import app

    write_csv(tmp_path / "customers.csv", CUSTOMER_ROWS)
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    common = ["--config", str(cfg.source_file), "--db", str(db)]
    out = CliRunner().invoke(app, ["import-customers", *common])
    assert out.exit_code == 0, out.output
    night.prepare(cfg, db, date(2026, 10, 1), "the-night")
    out = CliRunner().invoke(app, ["import-customers", "--run-id", "the-night", *common])
    assert out.exit_code == 0, out.output
    assert rows_of(db, "SELECT run_id = 'the-night', status FROM pipeline_runs ORDER BY 1") == [
        (False, "success"),
        (True, "running"),
    ]
    with connect(db) as con:  # the night finished; an import given its id afterwards must not open it again
        con.execute("UPDATE pipeline_runs SET status = 'success', finished_at = now() WHERE run_id = 'the-night'")
    out = CliRunner().invoke(app, ["import-surveys", "--run-id", "the-night", *common])
    assert out.exit_code == 0, out.output
    assert rows_of(db, "SELECT status FROM pipeline_runs WHERE run_id = 'the-night'") == [("success",)]
    out = CliRunner().invoke(app, ["import-customers", "--run-id", "never-prepared", *common])
    assert out.exit_code == 2 and "run never-prepared is not registered" in out.output
    # nothing configured (no survey source here): its own run still ends success
    out = CliRunner().invoke(app, ["import-surveys", *common])
    assert out.exit_code == 0, out.output
    assert rows_of(db, "SELECT DISTINCT status FROM pipeline_runs") == [("success",)]


def test_a_multi_line_comment_with_the_headers_number_of_commas_stays_one_answer(tmp_path):
    """A comment's middle line with as many commas as the header has (3: four fields) is not an answer of its own:
    its timestamp cell does not read as a time. It once cut the comment to its first line and quarantined the rest."""
    comment = "great app.\nslow, buggy, laggy, crashed twice.\nwill not renew"
    lines = ["id,at,nps,comment", f'R1,2026-10-01T09:00:00Z,3,"{comment}"', "R2,2026-10-01T10:00:00Z,9,fine"]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "comment": "comment"}
    src = SurveySpec(name="acme-nps", brand="acme", path="s.csv", columns=columns)
    responses, rejects = read_survey_file(None, src, tmp_path / "s.csv")
    assert [(r.response_id, r.comment) for r in responses] == [("R1", comment), ("R2", "fine")] and rejects == []


def test_a_quote_left_open_in_a_survey_export_does_not_swallow_the_answers_after_it(tmp_path):
    """The survey importer reads CSV through the file drops' row reader: a quote left open in the last column ran
    on to the end of the file as one answer holding the rest in its comment; each line is read on its own."""
    lines = ["id,at,nps,comment", 'R1,2026-10-01T09:00:00Z,9,"great app, the best'] + [
        f"R{i},2026-10-01T09:00:00Z,{i},fine" for i in range(2, 6)
    ]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "comment": "comment"}
    src = SurveySpec(name="acme-nps", brand="acme", path="s.csv", columns=columns)
    responses, rejects = read_survey_file(None, src, tmp_path / "s.csv")
    assert [(r.response_id, r.comment) for r in responses] == [
        ("R1", "great app, the best"),
        *((f"R{i}", "fine") for i in range(2, 6)),
    ]  # its last column is the one left open: the row was as wide as the header, up to the end of the file
    assert rejects == []


def test_0018_removes_the_preview_rows_kept_with_a_clear_customer_id(tmp_path, monkeypatch):
    from pipeline import warehouse

    db = tmp_path / "before-0018.duckdb"
    kept = [
        ("p", "Qualtrics Status 'Survey Preview' (column Status): a preview, test or spam", '{"cust": "C-77"}'),
        ("t", "timestamp [not shown: 8 characters: letters] is not a date", '{"cust": "hmac:ab"}'),
    ]
    rows = [
        {"quarantine_id": key, "brand": "acme", "source": "n", "reason": reason, "raw_record": raw,
         "location": "q.csv:3", "first_seen": "2026-10-01 03:00:00+00", "run_id": "r"}
        for key, reason, raw in kept
    ]  # fmt: skip
    every = _kept_before(db, monkeypatch, 18, rows)
    monkeypatch.setattr(warehouse, "migrations", lambda: every)
    with connect(db) as con:
        migrate(con)
        left = con.execute("SELECT quarantine_id, raw_record FROM quarantine").fetchall()
    assert left == [("t", '{"cust": "hmac:ab"}')]  # the customer id in clear is gone; the other row stays


def test_a_score_cell_with_its_label_is_read_and_a_range_is_refused():
    """A score cell with its label ("10 - Extremely likely") is the answer; "9 - 10" (a range, a bucket of a summary
    export) is no answer: it was read as 9."""
    from pipeline.records import Rejected
    from pipeline.surveys.importer import parse_score

    for cell, score in [("10 - Extremely likely", 10), ("5 = Very satisfied", 5), ("1: Strongly disagree", 1),
                        ("4 – Zadowolony", 4), (" 7 ", 7)]:  # fmt: skip
        assert parse_score(cell, "nps", 0, 10) == score, cell
    for cell in ("9 - 10", "3 - 5", "0-6"):
        with pytest.raises(Rejected, match="is not a number"):
            parse_score(cell, "nps", 0, 10)


@pytest.mark.parametrize(
    ("label", "score"),
    [
        ("Very dissatisfied", 1),
        ("Somewhat dissatisfied", 2),
        ("Neutral", 3),
        ("Somewhat satisfied", 4),
        ("Satisfied", 4),
        ("Very satisfied", 5),
    ],
)
def test_csat_answer_labels_read_as_their_scale_points(label, score):
    """CSAT is the share of 4 and 5: a label read one point off moves answers in or out of the top two boxes."""
    from pipeline.surveys.importer import CSAT_LABELS

    assert parse_score(label, "CSAT", 1, 5, CSAT_LABELS) == score


def test_qualtrics_satisfaction_scale_ends_land_as_5_and_1(tmp_path):
    """Qualtrics' satisfaction scale, exported as choice text, runs Extremely / Somewhat / Neither / Somewhat /
    Extremely: its ends were quarantined as no number while the middle landed, a CSAT without its 5s and 1s."""
    labels = ["Extremely satisfied", "Somewhat satisfied", "Neither satisfied nor dissatisfied"]
    labels += ["Somewhat dissatisfied", "Extremely dissatisfied"]
    rows = [["ResponseId", "EndDate", "Q2"], *([f"R_{i}", "2026-07-01 12:00:00", a] for i, a in enumerate(labels))]
    path = write_csv(tmp_path / "qualtrics.csv", rows)
    src = SurveySpec(name="q", brand="acme", path="qualtrics.csv", preset="qualtrics")
    responses, rejects = read_survey_file(None, src, path)
    assert [r.csat for r in responses] == [5, 4, 3, 2, 1] and rejects == []


def test_unsatisfied_csat_labels_and_labels_with_odd_spaces_are_read_not_quarantined(tmp_path):
    """A 5-point satisfaction scale that says "unsatisfied" (Very unsatisfied ... Very satisfied): its 1s and 2s were
    quarantined, and the CSAT of the answers left was 100 % where half were satisfied. A label written with a
    no-break space or two spaces (choice text pasted into the survey) is the same answer."""
    at = "10/24/2026 09:30:00 AM"
    answers = ["Very satisfied", "Satisfied", "Unsatisfied", "Very unsatisfied", "Neither satisfied nor unsatisfied",
               "Somewhat unsatisfied", "Very\u00a0satisfied", "5 -  Very  satisfied"]  # fmt: skip
    rows = [["Respondent ID", "End Date", "How satisfied were you with your order?"], ["", "", "Response"]]
    path = write_csv(tmp_path / "sm.csv", rows + [[str(i), at, a] for i, a in enumerate(answers)])
    src = SurveySpec(name="sm", brand="acme", path="sm.csv", preset="surveymonkey")
    responses, rejects = read_survey_file(None, src, path)
    assert ([r.csat for r in responses], rejects) == ([5, 4, 2, 1, 3, 2, 5, 5], [])
    assert M.csat_top2([r.csat for r in responses]).value == 50.0


def test_a_renamed_survey_source_is_said_to_count_its_answers_twice(tmp_path, caplog):
    """Answers are keyed by source and response id: a source renamed in the config imports every answer again
    under its new name, and the old rows still count. The import says so, naming the old source."""
    (tmp_path / "drops").mkdir()
    write_csv(tmp_path / "drops" / "acme-2026-10.csv", qualtrics_rows())
    db = tmp_path / "w.duckdb"

    def config(name):
        return make_config(tmp_path, {"sources": [{"name": name, "brand": "acme", "path": "drops/*.csv",
                                                   "preset": "qualtrics"}]})  # fmt: skip

    assert ingest.import_surveys(config("qualtrics"), db, "r1", score_comments=False)["new"] == 4
    assert "no longer configured" not in caplog.text
    assert ingest.import_surveys(config("acme-nps"), db, "r2", score_comments=False)["new"] == 4
    said = "survey_responses holds answers of sources no longer configured: qualtrics (4); they still count"
    assert said in caplog.text
    q = "SELECT detail FROM run_steps WHERE run_id = 'r2' AND step = 'import_surveys' AND source = ''"
    [(detail,)] = rows_of(db, q)
    assert said in detail


def test_one_surveys_answers_read_by_two_sources_are_said_to_count_twice(tmp_path, caplog):
    """Answers are keyed by source and response id: one Qualtrics survey's export read by two sources (an NPS and a
    CSAT export of it, or one file under two names) counts each answer twice. The import says so, naming the
    sources; two sources that each answer another score of one response (NPS in one, CSAT in the other) are not
    counted twice, and say nothing."""
    write_csv(tmp_path / "nps.csv", qualtrics_rows())
    write_csv(tmp_path / "csat.csv", qualtrics_rows())
    sources = [{"name": n, "brand": "acme", "path": f"{n}.csv", "preset": "qualtrics"} for n in ("nps", "csat")]
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(make_config(tmp_path, {"sources": sources}), db, "r1", score_comments=False)
    said = ("responses imported by several sources (same brand, response id and time) count once per source in NPS, "
            "CSAT and CES: csat / nps (3); if one survey is read twice, keep one source")  # fmt: skip
    assert said in caplog.text
    [(detail,)] = rows_of(db, "SELECT detail FROM run_steps WHERE step = 'import_surveys' AND source = ''")
    assert said in detail
    # one score each: NPS from one export, CSAT from the other, of the same responses
    caplog.clear()
    head, at = ["id", "at", "score"], "2026-10-01T10:00:00Z"
    write_csv(tmp_path / "a.csv", [head, ["R0", at, "9"], ["R1", at, "3"]])
    write_csv(tmp_path / "b.csv", [head, ["R0", at, "5"], ["R1", at, "2"]])
    columns = {"response_id": "id", "timestamp": "at"}
    cfg = make_config(tmp_path, {"sources": [
        {"name": "a", "brand": "acme", "path": "a.csv", "columns": {**columns, "nps": "score"}},
        {"name": "b", "brand": "acme", "path": "b.csv", "columns": {**columns, "csat": "score"}},
    ]})  # fmt: skip
    ingest.import_surveys(cfg, db, "r2", score_comments=False)  # nps and csat, no longer configured, said apart
    assert "several sources" not in caplog.text and "no longer configured: csat (4), nps (4)" in caplog.text


def test_an_import_run_of_its_own_is_dated_by_the_utc_day_not_the_machines(tmp_path):
    """`brandpulse import-surveys` without --run-id registers a run of its own: its day is the UTC day, as every
    run's, on a machine whose zone is a day ahead or behind (chosen so that it is, whatever the hour)."""
    from tests.helpers import brandpulse

    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 12 else "Etc/GMT+12"  # UTC+14 after noon, UTC-12 before
    done = brandpulse("import-surveys", "--config", str(config), "--db", str(db), env={"TZ": zone})
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        [(day, run_id)] = con.execute("SELECT day, run_id FROM pipeline_runs").fetchall()
    assert day == datetime.now(UTC).date() == date.fromisoformat(run_id.split("__")[1]), (day, run_id, now)


_OLD_CURRENCY = re.compile(r"^[^\d.,+-]*|[^\d.,]*$")  # the regex _without_currency replaced (quadratic)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789.,+- €$£EURPLNzł\u00a0()x٣"), max_size=30))
def test_the_currency_scan_strips_what_the_regex_stripped(raw):
    assert _without_currency(raw) == _OLD_CURRENCY.sub("", raw)


def test_a_long_revenue_cell_is_read_in_linear_time_and_refused(tmp_path):
    """ "1" + 64 KB of letters + "1" took the currency regex 30 s (import-customers on a 98 KB list: 74 s)."""
    with pytest.raises(ValueError, match="65,538 characters, not an amount"):
        amount("1" + "x" * 65_536 + "1")
    assert _without_currency("1" + "x" * 1_000_000 + "1") == "1" + "x" * 1_000_000 + "1"  # one scan each way


def test_scores_with_a_decimal_comma_and_amounts_in_any_locales_format(tmp_path):
    """Polish and Dutch exports write 9,0 for a score and 1.200,00 or 12,50 for an amount; English ones 1,200.00;
    CRMs add a currency. Each was quarantined as no number, and ARPU was taken over the small amounts only (14x too
    low for 9 customers). A lone separator before three digits (1,200) is a thousand in one locale and 1.2 in
    another: quarantined, saying both readings."""
    cfg = make_config(tmp_path, {"sources": []})
    rows = [["id", "at", "score", "sat"], ["1", "2026-10-01T10:00:00Z", "9,0", "4,0"]]
    columns = {"response_id": "id", "timestamp": "at", "nps": "score", "csat": "sat"}
    src = SurveySpec.model_validate({"name": "panel", "brand": "acme", "path": "answers.csv", "columns": columns})
    [response], rejects = read_survey_file(cfg, src, write_csv(tmp_path / "answers.csv", rows))
    assert (response.nps, response.csat, rejects) == (9, 4, [])
    revenues = ["1,200.00", "1.200,00", "1 200,50", "12,50", "€10", "10 EUR", "EUR 49,99", "7", "1,200", "(10)",
                "10-"]  # fmt: skip
    crm = write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0]] + [
        [f"C{i}", "smb", "2026-01-01", "", r] for i, r in enumerate(revenues)])  # fmt: skip
    customers_cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    customers, rejects = read_customer_file(customers_cfg, customers_cfg.surveys.customers[0], crm)
    assert [c.monthly_revenue for c in customers] == [1200.0, 1200.0, 1200.5, 12.5, 10.0, 10.0, 49.99, 7.0] + [None] * 3
    ambiguous, *credits = rejects
    assert "is not an amount ≥ 0: '1,200' could be 1200 or 1.200 (left empty; the customer loaded)" in ambiguous.reason
    assert all("a minus sign or brackets, a credit?" in r.reason for r in credits) and len(credits) == 2  # not +10
    with pytest.raises(ValueError, match="a minus sign or brackets, a credit"):
        amount("EUR -10")  # a minus after the currency code is a credit too
    for negative in ("-10", -5.0):  # a leading minus, or a negative number cell of an .xlsx: the same reason
        with pytest.raises(ValueError, match="a minus sign or brackets, a credit"):
            amount(negative)
    for bad in ("1,000", "10,000"):  # a thousands group is no score (1,000 was read as NPS 1)
        with pytest.raises(Rejected, match="is not a number"):
            parse_score(bad, "nps", 0, 10)


def test_exports_of_two_layouts_joined_into_one_file_fail_the_source_naming_the_second_header(tmp_path):
    """cat a.csv b.csv, b exported with its NPS and CSAT columns swapped: b's rows were read under a's header, a
    CSAT answer of 4 stored as an NPS of 4 (a detractor), unsaid; a customer list likewise. The file fails its
    source naming the line, as a header that lacks a column does; the first header again is still skipped."""
    swapped = ["id", "at", "tp", "seg", "csat", "nps", "ces", "comment", "cust"]
    rows = [ANSWER_HEADER, ["R1", AT, "app", "", "9", "5", "", "", ""], ANSWER_HEADER]
    rows += [["R2", AT, "app", "", "10", "5", "", "", ""], swapped, ["R3", AT, "app", "", "4", "10", "", "", ""]]
    cfg = _answers_config(tmp_path)
    with pytest.raises(ValueError, match=r"answers\.csv:5: another header row, not the same columns"):
        read_survey_file(cfg, cfg.surveys.sources[0], write_csv(tmp_path / "answers.csv", rows))
    header, first, second = CUSTOMER_ROWS[:3]
    moved = [header[0], header[2], header[1], *header[3:]]  # start_date before segment
    crm = write_csv(tmp_path / "c.csv", [header, first, moved, [second[0], second[2], second[1], *second[3:]]])
    customers = CustomerSpec.model_validate({"name": "crm", "brand": "acme", "path": "c.csv"})
    with pytest.raises(ValueError, match=r"c\.csv:3: another header row"):
        read_customer_file(cfg, customers, crm)


def test_a_later_header_that_renames_only_a_column_not_read_is_skipped_as_the_header_again(tmp_path):
    """cat a.csv b.csv, the survey tool renaming a column the config does not read (tool_note, tool_remark): every
    mapped column is where the first header has it, so b's answers read as a's; the file failed its source."""
    rows = [[*ANSWER_HEADER, "tool_note"], ["R1", AT, "app", "", "9", "5", "", "", "", "x"]]
    rows += [[*ANSWER_HEADER, "tool_remark"], ["R2", AT, "app", "", "3", "4", "", "", "", "y"]]
    cfg, info = _answers_config(tmp_path), {}
    responses, rejects = read_survey_file(cfg, cfg.surveys.sources[0], write_csv(tmp_path / "answers.csv", rows), info)
    assert [(r.response_id, r.nps) for r in responses] == [("R1", 9), ("R2", 3)] and not rejects
    assert info["repeated_headers"] == 1


def test_a_polish_excel_survey_export_and_customer_list_in_windows_1250_with_semicolons_load_every_row(tmp_path):
    """Excel in Poland saves "CSV" split at semicolons, in Windows-1250 without a byte-order mark: its header was
    one column (the file failed) and every answer or customer with a Polish letter was quarantined as not UTF-8."""
    comments = {"R1": "Szybko, ale kurier zgubił łódkę; żal", "R2": "Przesyłka doszła.\r\nŻółta koperta, ok",
                "R3": "Wszystko ok, dziękuję"}  # fmt: skip
    header = ";".join(ANSWER_HEADER) + "\r\n"
    export = (
        header
        + f'R1;{AT};Dostawa;Małe firmy;9,0;4;;"{comments["R1"]}";K1\r\n'
        + f'R2;{AT};Sklep;Średnie;10;5;2;"{comments["R2"]}";K2\r\n'
        + header  # exports joined into one file
        + f"R3;{AT};Sklep;Duże;7;3;;{comments['R3']};\r\n"
    )
    (tmp_path / "answers.csv").write_bytes(export.encode("cp1250"))
    cfg = _answers_config(tmp_path, encoding="cp1250")
    info: dict = {}
    responses, rejects = read_survey_file(cfg, cfg.surveys.sources[0], tmp_path / "answers.csv", info)
    assert rejects == [] and info["repeated_headers"] == 1
    assert {r.response_id: r.comment for r in responses} == comments
    assert [(r.touchpoint, r.segment, r.nps, r.csat) for r in responses] == [
        ("Dostawa", "Małe firmy", 9, 4), ("Sklep", "Średnie", 10, 5), ("Sklep", "Duże", 7, 3)]  # fmt: skip
    # a "CSV UTF-8" (its byte-order mark says so) dropped there is read as UTF-8, not as Windows-1250
    (tmp_path / "answers.csv").write_bytes(b"\xef\xbb\xbf" + export.encode("utf-8"))
    responses, rejects = read_survey_file(cfg, cfg.surveys.sources[0], tmp_path / "answers.csv")
    assert rejects == [] and {r.response_id: r.comment for r in responses} == comments
    # a byte Windows-1250 has no character for quarantines its row, naming the encoding
    (tmp_path / "answers.csv").write_bytes(export.encode("cp1250") + f"R4;{AT};Sklep;x;8;;;z".encode() + b"\x98\r\n")
    responses, rejects = read_survey_file(cfg, cfg.surveys.sources[0], tmp_path / "answers.csv")
    assert len(responses) == 3 and [r.reason for r in rejects] == ["row is not valid cp1250"]
    # split at commas (delimiter: ","), the file fails saying which setting to change
    cfg = _answers_config(tmp_path, encoding="cp1250", delimiter=",")
    with pytest.raises(ValueError, match=r"lacks the column for response_id .*; its header line holds semicolons but "
                       r"was split at commas: set the source's delimiter to ';' \(or auto\)"):  # fmt: skip
        read_survey_file(cfg, cfg.surveys.sources[0], tmp_path / "answers.csv")
    # a customer list alike
    customers = (
        ";".join(CUSTOMER_ROWS[0]) + "\r\n"
        + "Ł1;Średnie firmy;2026-01-01;;1 200,50\r\n"
        + 'Ż2;"Małe; mikro";2025-12-01;2026-02-01;49,99\r\n'
    )  # fmt: skip
    (tmp_path / "customers.csv").write_bytes(customers.encode("cp1250"))
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv",
                                                "encoding": "windows-1250", "delimiter": ";"}]})  # fmt: skip
    rows, rejects = read_customer_file(cfg, cfg.surveys.customers[0], tmp_path / "customers.csv")
    assert rejects == []
    assert [(c.segment, c.start_date, c.end_date, c.monthly_revenue) for c in rows] == [
        ("Średnie firmy", "2026-01-01", None, 1200.5), ("Małe; mikro", "2025-12-01", "2026-02-01", 49.99)]  # fmt: skip
    pseudonymise = Pseudonymiser(cfg)
    assert [c.customer_hash for c in rows] == [pseudonymise("Ł1"), pseudonymise("Ż2")]  # the id as written


def test_a_windows_1250_export_read_as_utf_8_fails_saying_which_setting_to_change(tmp_path):
    """A Polish Excel's "CSV" read without ``encoding: cp1250``: its mapped ``Treść`` column was listed as
    ``'Tre\\udc9c\\udce6'`` and the error said only that the column was missing, where a file drop's says which
    setting to change."""
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps", "comment": "Treść"}
    (tmp_path / "answers.csv").write_bytes(f"id;at;nps;Treść\r\nR1;{AT};9;Szybko\r\n".encode("cp1250"))
    cfg = make_config(tmp_path, {"sources": [{"name": "nps", "brand": "acme", "path": "answers.csv",
                                              "columns": columns}]})  # fmt: skip
    said = r"it has 'id', 'at', 'nps', 'Tre\\x9c\\xe6'; its header holds bytes that are not UTF-8 \(shown as \\xNN\)"
    with pytest.raises(ValueError, match=said + ": set the source's encoding to the file's encoding"):
        read_survey_file(cfg, cfg.surveys.sources[0], tmp_path / "answers.csv")


def _revenues(tmp_path, amounts: list[str]) -> tuple[list[float | None], list]:
    """A customer list of one customer per amount (the revenue column as written), read: each customer's monthly
    revenue, and the rejects."""
    rows = [CUSTOMER_ROWS[0]] + [[f"C{i}", "x", "2025-01-01", "", r] for i, r in enumerate(amounts)]
    path = write_csv(tmp_path / "customers.csv", rows)
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    customers, rejects = read_customer_file(cfg, cfg.surveys.customers[0], path)
    return [c.monthly_revenue for c in customers], rejects


def test_a_list_with_amounts_in_two_currencies_keeps_the_first_and_quarantines_the_others(tmp_path):
    """1 200 zł, € 300, 300 EUR and $50 were all read as numbers and summed into one ARPU (462.50 a month, of
    zlotys, euros and dollars). A list's revenue is in one currency (the roi's CLV says so): an amount in another
    than the list's first with a currency is left empty and quarantined, naming both; no currency is the list's."""
    revenues, rejects = _revenues(tmp_path, ["1 200 zł", "€ 300", "300 EUR", "$50", "PLN 1.000,00", "800"])
    path = tmp_path / "customers.csv"  # the list _revenues wrote
    assert revenues == [1200.0, None, None, None, 1000.0, 800.0]
    hidden = "revenue [not shown: 7 characters: letters, digits, spaces]"  # 300 EUR: letters, not shown
    assert [r.reason.split(" (column")[0] for r in rejects] == ["revenue '€ 300'", hidden, "revenue '$50'"]
    assert f"is in EUR, the list's first amount with a currency ({path}:2) in PLN: one list" in rejects[0].reason
    assert [currency(v) for v in ("€10", "10 eur", "1 200 zł", "10 zl", "$5", "7", 7.0, "")] == [
        "EUR",
        "EUR",
        "PLN",
        "PLN",
        "$",
    ] + [None] * 3


def test_two_lists_of_one_brand_in_two_currencies_keep_the_first_and_quarantine_the_other(tmp_path):
    """A brand's lists are summed into one ARPU and CLV: € 10 in one list and 400 zł in another were an ARPU of 205
    a month, each list in one currency of its own. An amount in another currency than the brand's first is left
    empty and quarantined, naming both, as within one list."""
    write_csv(tmp_path / "eu.csv", [CUSTOMER_ROWS[0], ["E1", "x", "2025-01-01", "", "€10"]])
    write_csv(tmp_path / "pl.csv", [CUSTOMER_ROWS[0], ["P1", "x", "2025-01-01", "", "400 zł"]])
    lists = [{"name": n, "brand": "acme", "path": f"{n}.csv"} for n in ("eu", "pl")]
    cfg = make_config(tmp_path, {"customers": lists})
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["quarantined"] == 1
    assert sorted(rows_of(db, "SELECT source, monthly_revenue FROM customers")) == [("eu", 10.0), ("pl", None)]
    (reason,) = rows_of(db, "SELECT reason FROM quarantine WHERE source = 'pl'")[0]
    assert f"is in PLN, acme's first amount with a currency ({tmp_path / 'eu.csv'}:2, another list) in EUR" in reason


def test_the_point_of_a_currency_abbreviation_is_no_decimal_mark():
    """Danish "kr. 100" (and "Rs. 1,200", "kr. 1 200") kept the abbreviation's point as the number's start: 100
    kroner were read as 0.1 (".100"), 1 200 as 0.12, silently; the point is the currency's, not a decimal mark."""
    assert [amount(v) for v in ("kr. 100", "kr. 1 200", "kr. 1.200,00", "€.50")] == [100.0, 1200.0, 1200.0, 0.5]
    with pytest.raises(ValueError, match=r"'1,200' could be 1200 or 1\.200"):
        amount("Rs. 1,200")  # ambiguous, as 1,200 is; it read 1.2
    assert currency("kr. 100") == currency("kr 100") == "KR"


def test_the_point_of_a_currency_abbreviation_written_without_a_space_is_no_decimal_mark():
    """The abbreviation's point against the number ("kr.100", "Rs.1,200") still began the number: 100 kroner read
    as 0.1 and 1,200 rupees as 1.2, silently; a point after a letter is the abbreviation's."""
    assert [amount(v) for v in ("kr.100", "kr.1 200", "Kr.1.200,00", "$.50")] == [100.0, 1200.0, 1200.0, 0.5]
    with pytest.raises(ValueError, match=r"'1,200' could be 1200 or 1\.200"):
        amount("Rs.1,200")  # ambiguous, as "Rs. 1,200" is; it read 1.2
    assert currency("kr.100") == currency("kr. 100") == "KR"


def test_the_point_of_a_currency_abbreviation_after_the_amount_is_no_part_of_the_number(tmp_path):
    """Danish and Norwegian "100 kr." (the abbreviation's point after it) kept the point as the number's end: the
    amount was quarantined as no amount, with no detail (its letters are not shown), beside "200 kr" of the same
    list; the point is the currency's, as in "kr. 100"."""
    revenues, rejects = _revenues(tmp_path, ["100 kr.", "200 kr", "1.200,50 kr.", "kr. 300"])
    assert revenues == [100.0, 200.0, 1200.5, 300.0]
    assert rejects == []
    assert currency("100 kr.") == currency("100kr.") == currency("kr. 100") == "KR"
    assert [amount(v) for v in ("100 kr.", "10 EUR.", "1 200 kr.")] == [100.0, 10.0, 1200.0]


def test_an_amount_with_a_word_that_multiplies_it_is_refused_not_read_as_its_number(tmp_path):
    """A CRM's "10k" (and "€1.2k", "2 mln zł") loaded as a monthly revenue of 10 (1.2, 2), silently: the word
    after the number was taken for its currency. It is quarantined, left empty; a currency after it still reads."""
    revenues, rejects = _revenues(tmp_path, ["10k", "€1.2k", "2 mln zł", "10 zł", "1 200 PLN"])
    assert revenues == [None, None, None, 10.0, 1200.0]
    assert [r.reason.split(" multiplies")[0].rsplit(": ", 1)[1] for r in rejects] == ["'k'", "'k'", "'mln'"]


def test_a_currency_symbol_before_the_amount_is_no_word_that_multiplies_it():
    """The check for "10k" read the text before the number too, so a symbol written there was refused as a
    thousand or a billion: the Zambian kwacha's "K 1,250.00", the Brunei dollar's "B$ 90", the paʻanga's "T$ 100"."""
    assert [amount(v) for v in ("K 1,250.00", "B$ 90", "T$ 100", "M 40")] == [1250.0, 90.0, 100.0, 40.0]
    assert [currency(v) for v in ("K 1,250.00", "B$ 90")] == ["K", "B$"]


def test_a_swiss_amount_with_an_apostrophe_between_its_thousands_is_that_amount(tmp_path):
    """A Swiss list writes "CHF 1'200.50" (or "1’200", with a typographic apostrophe): each was no amount, its
    revenue left empty and quarantined, so ARPU and CLV were taken over the customers paying under 1,000 only."""
    revenues, rejects = _revenues(tmp_path, ["CHF 1'200.50", "CHF 1’200", "CHF 1'234'567", "CHF 90.00"])
    assert revenues == [1200.5, 1200.0, 1234567.0, 90.0]
    assert rejects == []


def test_the_euro_written_as_its_name_is_the_euro():
    """A Dutch list's "10 euro" beside "€ 12,50" was another currency ("EURO"), quarantined as not the list's."""
    assert currency("10 euro") == currency("10 Euro") == currency("€ 12,50") == currency("3 euros") == "EUR"
    assert amount("1.250,00 euro") == 1250.0


def test_a_whole_amount_with_its_cents_written_as_a_dash_is_that_amount_not_a_credit(tmp_path):
    """Dutch and Polish lists write a whole amount "€ 25,-" or "25,– zł": quarantined as a credit, the revenue was
    left empty (ARPU and CLV taken over the other customers), and its currency was "€-", not the list's euro."""
    revenues = ["€ 12,50", "€ 25,-", "€ 1.234,–", "10-"]  # the last a credit, as SAP writes one
    rows = [[f"C{i}", "smb", "2026-01-01", "", r] for i, r in enumerate(revenues)]
    crm = write_csv(tmp_path / "customers.csv", [CUSTOMER_ROWS[0], *rows])
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    customers, rejects = read_customer_file(cfg, cfg.surveys.customers[0], crm)
    assert [c.monthly_revenue for c in customers] == [12.5, 25.0, 1234.0, None]
    assert [r.reason.split(": ")[-1] for r in rejects] == ["a minus sign or brackets, a credit? (left empty; the "
                                                           "customer loaded)"]  # fmt: skip
    assert currency("25,– zł") == "PLN"


# -- mutation round: ingest ----------------------------------------------------------------------------------
ANSWER_COLUMNS = {"response_id": "id", "timestamp": "at", "touchpoint": "tp", "segment": "seg", "nps": "nps",
                  "csat": "csat", "ces": "ces", "comment": "comment", "customer_id": "cust"}  # fmt: skip
ANSWER_HEADER = ["id", "at", "tp", "seg", "nps", "csat", "ces", "comment", "cust"]
AT = "2026-10-01T09:00:00Z"


def _answers_config(tmp_path: Path, **source):
    return make_config(
        tmp_path,
        {"sources": [{"name": "acme-nps", "brand": "acme", "path": "answers.csv", "columns": ANSWER_COLUMNS,
                      **source}]},
    )  # fmt: skip


def _step(db: Path, run_id: str, step: str = "import_surveys", source: str = "") -> tuple:
    [got] = rows_of(
        db,
        "SELECT rows_in, rows_out, rows_quarantined, detail FROM run_steps WHERE run_id = ? AND step = ? "
        "AND source = ?",
        [run_id, step, source],
    )
    return got


def test_a_response_id_repeated_in_the_exports_keeps_its_last_row_and_the_step_counts_each_kind(tmp_path):
    """The same response id twice in an export lands once, with its last row's values; the step's detail counts
    the distinct, new, changed and unchanged responses and the repeated ids, and its rows_out is the new ones."""
    write_csv(tmp_path / "answers.csv", [ANSWER_HEADER, ["R1", AT, "app", "", "3", "", "", "", ""],
                                         ["R2", AT, "app", "", "8", "", "", "", ""],
                                         ["R1", AT, "web", "", "9", "", "", "", ""],
                                         ["R3", "yesterday", "app", "", "7", "", "", "", ""]])  # fmt: skip
    cfg, db = _answers_config(tmp_path), tmp_path / "w.duckdb"
    first = ingest.import_surveys(cfg, db, RUN, score_comments=False)
    assert (first["responses"], first["new"], first["changed"], first["quarantined"]) == (2, 2, 0, 1)
    assert rows_of(db, "SELECT response_id, touchpoint, nps FROM survey_responses ORDER BY 1") == [
        ("R1", "web", 9),
        ("R2", "app", 8),
    ]
    assert _step(db, RUN) == (
        4,
        2,
        1,
        "2 distinct responses: 2 new, 0 changed, 0 unchanged; 1 repeated ids in the exports",
    )
    # R2 edited, R1 (its last row) as it was, a new R4: 1 new, 1 changed, 1 unchanged, rows_out the new one
    write_csv(tmp_path / "answers.csv", [ANSWER_HEADER, ["R1", AT, "app", "", "3", "", "", "", ""],
                                         ["R1", AT, "web", "", "9", "", "", "", ""],
                                         ["R2", AT, "app", "", "2", "", "", "", ""],
                                         ["R4", AT, "app", "", "10", "", "", "", ""]])  # fmt: skip
    again = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert (again["responses"], again["new"], again["changed"]) == (3, 1, 1)
    assert _step(db, "cli__2026-11-01__0000bbbb") == (
        4,
        1,
        0,
        "3 distinct responses: 1 new, 1 changed, 1 unchanged; 1 repeated ids in the exports",
    )
    assert rows_of(db, "SELECT response_id, nps FROM survey_responses ORDER BY 1") == [
        ("R1", 9),
        ("R2", 2),
        ("R4", 10),
    ]


def test_a_re_export_changing_one_field_of_each_answer_counts_each_as_changed_and_stores_the_new_values(tmp_path):
    """Each answer's one edited field (touchpoint, segment, CSAT, time, customer id, comment) makes it changed, and
    the warehouse takes the new value (its day with its time); first_seen and run_id stay those of the first load."""
    base = {
        "R_tp": ["R_tp", AT, "app", "smb", "9", "4", "5", "fine", "C1"],
        "R_seg": ["R_seg", AT, "app", "smb", "9", "4", "5", "fine", "C2"],
        "R_csat": ["R_csat", AT, "app", "smb", "9", "4", "5", "fine", "C3"],
        "R_at": ["R_at", AT, "app", "smb", "9", "4", "5", "fine", "C4"],
        "R_cust": ["R_cust", AT, "app", "smb", "9", "4", "5", "fine", "C5"],
        "R_comment": ["R_comment", AT, "app", "smb", "9", "4", "5", "fine", "C6"],
        "R_same": ["R_same", AT, "app", "smb", "9", "4", "5", "fine", "C7"],
    }
    write_csv(tmp_path / "answers.csv", [ANSWER_HEADER, *base.values()])
    cfg, db = _answers_config(tmp_path), tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["new"] == 7
    cols = "response_id, touchpoint, segment, csat, responded_at, day, customer_hash, comment, first_seen, run_id"
    before = {r[0]: r for r in rows_of(db, f"SELECT {cols} FROM survey_responses")}
    edits = {"R_tp": (2, "web"), "R_seg": (3, "enterprise"), "R_csat": (5, "2"), "R_at": (1, "2026-10-05T23:30:00Z"),
             "R_cust": (8, "C99"), "R_comment": (7, "Slow and broken")}  # fmt: skip
    rows = {k: list(v) for k, v in base.items()}
    for rid, (i, value) in edits.items():
        rows[rid][i] = value
    write_csv(tmp_path / "answers.csv", [ANSWER_HEADER, *rows.values()])
    again = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert (again["new"], again["changed"]) == (0, 6)
    after = {r[0]: r for r in rows_of(db, f"SELECT {cols} FROM survey_responses")}
    assert after["R_same"] == before["R_same"]
    assert after["R_tp"][1] == "web" and after["R_seg"][2] == "enterprise" and after["R_csat"][3] == 2
    assert after["R_at"][4] == datetime(2026, 10, 5, 23, 30, tzinfo=UTC) and after["R_at"][5] == date(2026, 10, 5)
    assert after["R_cust"][6] not in (None, before["R_cust"][6]) and after["R_comment"][7] == "Slow and broken"
    assert {r[8:] for r in after.values()} == {r[8:] for r in before.values()}  # first_seen, run_id: the first load
    assert {r[9] for r in after.values()} == {RUN}


def test_two_sources_with_the_same_response_ids_keep_both_and_remove_only_their_own(tmp_path):
    """Responses are keyed by (source, response id): two tools' exports numbering alike both land, and a response
    deleted from one whole-history export leaves that source only, while the other still holding the id keeps it."""
    header = ["id", "at", "nps"]
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps"}
    cfg = make_config(
        tmp_path,
        {"sources": [{"name": name, "brand": "acme", "path": f"{name}.csv", "columns": columns, "whole_history": True}
                     for name in ("one", "two")]},
    )  # fmt: skip
    write_csv(tmp_path / "one.csv", [header, ["1", AT, "9"], ["2", AT, "3"]])
    write_csv(tmp_path / "two.csv", [header, ["1", AT, "10"], ["2", AT, "0"]])
    db = tmp_path / "w.duckdb"
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["new"] == 4
    assert rows_of(db, "SELECT source, response_id, nps FROM survey_responses ORDER BY 1, 2") == [
        ("one", "1", 9),
        ("one", "2", 3),
        ("two", "1", 10),
        ("two", "2", 0),
    ]
    write_csv(tmp_path / "one.csv", [header, ["2", AT, "3"]])  # "1" deleted in the first tool only
    result = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert (result["new"], result["changed"], result["removed"]) == (0, 0, 1)
    assert rows_of(db, "SELECT source, response_id FROM survey_responses ORDER BY 1, 2") == [
        ("one", "2"),
        ("two", "1"),
        ("two", "2"),
    ]


def test_a_whole_history_source_that_is_missing_removes_nothing_and_says_nothing_of_it(tmp_path):
    """A whole-history source whose export is missing is recorded as missing; the others load, nothing is removed,
    and the import's detail holds no removal clause for it."""
    header = ["id", "at", "nps"]
    columns = {"response_id": "id", "timestamp": "at", "nps": "nps"}
    whole = {"name": "whole", "brand": "acme", "path": "whole.csv", "columns": columns, "whole_history": True}
    other = {"name": "other", "brand": "acme", "path": "other.csv", "columns": columns}
    cfg = make_config(tmp_path, {"sources": [whole, other]})
    write_csv(tmp_path / "whole.csv", [header, ["W1", AT, "9"]])
    write_csv(tmp_path / "other.csv", [header, ["O1", AT, "9"]])
    db = tmp_path / "w.duckdb"
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    (tmp_path / "whole.csv").unlink()
    result = ingest.import_surveys(cfg, db, "cli__2026-11-01__0000bbbb", score_comments=False)
    assert (result["removed"], sorted(result["failed_sources"])) == (0, ["whole"])
    assert rows_of(db, "SELECT response_id FROM survey_responses ORDER BY 1") == [("O1",), ("W1",)]
    assert _step(db, "cli__2026-11-01__0000bbbb")[3] == (
        "1 distinct responses: 0 new, 0 changed, 1 unchanged; 0 repeated ids in the exports"
    )


def _qualtrics_export_and_customer_list(tmp_path):
    """A config with one Qualtrics export (qualtrics_rows) and one customer list (CUSTOMER_ROWS) of brand acme."""
    write_csv(tmp_path / "q.csv", qualtrics_rows())
    write_csv(tmp_path / "customers.csv", CUSTOMER_ROWS)
    return make_config(
        tmp_path,
        {
            "sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}],
            "customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}],
        },
    )


def test_surveys_and_customers_of_one_run_count_only_their_own_quarantine(tmp_path):
    """A night's customer and survey imports share its run id: each counts the rows it quarantined, not the
    other's."""
    cfg = _qualtrics_export_and_customer_list(tmp_path)
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["quarantined"] == 3
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["quarantined"] == 4
    # rows in: every row read (a partly quarantined one once); rows out: the new; quarantined: this step's own
    assert _step(db, RUN)[:3] == (6, 4, 4)
    assert _step(db, RUN, "import_customers")[:3] == (8, 6, 3)


def test_a_failure_after_the_upsert_leaves_the_warehouse_as_it_was(tmp_path):
    """An import lands whole or not at all: when a statement after the upsert fails (here the quarantine insert,
    the table's key gone), no response, customer or step of it stays, and a retry lands each once."""
    cfg = _qualtrics_export_and_customer_list(tmp_path)
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE quarantine RENAME TO quarantine_kept")
        con.execute("CREATE TABLE quarantine AS SELECT * FROM quarantine_kept")  # no primary key: ON CONFLICT fails
    with pytest.raises(duckdb.Error):
        ingest.import_surveys(cfg, db, RUN, score_comments=False)
    with pytest.raises(duckdb.Error):
        ingest.import_customers(cfg, db, RUN)
    counts = "SELECT (SELECT count(*) FROM survey_responses), (SELECT count(*) FROM customers), " \
             "(SELECT count(*) FROM run_steps), (SELECT count(*) FROM quarantine)"  # fmt: skip
    assert rows_of(db, counts) == [(0, 0, 0, 0)]
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE quarantine")
        con.execute("ALTER TABLE quarantine_kept RENAME TO quarantine")
    assert ingest.import_surveys(cfg, db, RUN, score_comments=False)["new"] == 4
    assert ingest.import_customers(cfg, db, RUN)["new"] == 6
    assert rows_of(db, counts) == [(4, 6, 4, 7)]


def _customers(db: Path) -> list[tuple]:
    return rows_of(
        db, "SELECT brand, source, segment, start_date, end_date, monthly_revenue FROM customers ORDER BY ALL"
    )


def test_a_re_listed_customer_takes_its_last_rows_values_and_each_edit_counts_as_changed(tmp_path):
    """A customer listed twice keeps the last row; a later list's edited segment, end date or revenue each make the
    customer changed and are stored."""
    header = CUSTOMER_ROWS[0]
    write_csv(tmp_path / "customers.csv", [header, ["A", "x", "2026-01-01", "2026-03-01", "10"],
                                           ["B", "x", "2026-01-01", "", "20"], ["C", "x", "2026-01-01", "", "30"],
                                           ["D", "x", "2026-01-01", "", "40"],
                                           ["A", "y", "2026-01-01", "2026-06-01", "15"]])  # fmt: skip
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    db = tmp_path / "w.duckdb"
    first = ingest.import_customers(cfg, db, RUN)
    assert (first["customers"], first["new"], first["changed"], first["removed"]) == (4, 4, 0, 0)
    assert _customers(db) == [
        ("acme", "crm", "x", date(2026, 1, 1), None, 20.0),
        ("acme", "crm", "x", date(2026, 1, 1), None, 30.0),
        ("acme", "crm", "x", date(2026, 1, 1), None, 40.0),
        ("acme", "crm", "y", date(2026, 1, 1), date(2026, 6, 1), 15.0),  # A's last row
    ]
    write_csv(tmp_path / "customers.csv", [header, ["A", "y", "2026-01-01", "2026-06-01", "15"],
                                           ["B", "z", "2026-01-01", "", "20"],
                                           ["C", "x", "2026-01-01", "2026-04-01", "30"],
                                           ["D", "x", "2026-01-01", "", "45"]])  # fmt: skip
    again = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert (again["customers"], again["new"], again["changed"], again["removed"]) == (4, 0, 3, 0)
    assert _step(db, "cli__2026-11-01__0000bbbb", "import_customers")[3] == (
        "4 distinct customers: 0 new, 3 changed, 0 removed"
    )
    assert _customers(db) == [
        ("acme", "crm", "x", date(2026, 1, 1), date(2026, 4, 1), 30.0),
        ("acme", "crm", "x", date(2026, 1, 1), None, 45.0),
        ("acme", "crm", "y", date(2026, 1, 1), date(2026, 6, 1), 15.0),
        ("acme", "crm", "z", date(2026, 1, 1), None, 20.0),
    ]


def test_customers_of_a_missing_list_or_outside_an_explicit_file_stay(tmp_path):
    """Only a list read whole from its configured files replaces its customers: a list that is missing tonight
    removes none of its customers (nor counts them removed), and an explicit file (maybe a partial drop) removes
    none of its source's."""
    header = CUSTOMER_ROWS[0]
    cfg = make_config(
        tmp_path,
        {"customers": [{"name": "crm-a", "brand": "acme", "path": "a.csv"},
                       {"name": "crm-b", "brand": "acme", "path": "b.csv"}]},
    )  # fmt: skip
    write_csv(tmp_path / "a.csv", [header, ["A1", "a", "2026-01-01", "", "10"], ["A2", "a", "2026-01-01", "", "10"]])
    write_csv(tmp_path / "b.csv", [header, ["B1", "b", "2026-01-01", "", "10"], ["B2", "b", "2026-01-01", "", "10"]])
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["new"] == 4
    (tmp_path / "a.csv").unlink()
    write_csv(tmp_path / "b.csv", [header, ["B1", "b", "2026-01-01", "", "10"]])  # B2 erased
    result = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert (result["removed"], list(result["failed_sources"])) == (1, ["crm-a"])
    assert [r[:3] for r in _customers(db)] == [("acme", "crm-a", "a"), ("acme", "crm-a", "a"), ("acme", "crm-b", "b")]
    # an explicit file with one of crm-a's customers: the other stays
    write_csv(tmp_path / "drop.csv", [header, ["A1", "a2", "2026-01-01", "", "10"]])
    dropped = ingest.import_customers(cfg, db, "cli__2026-11-02__0000cccc", paths={"crm-a": [tmp_path / "drop.csv"]})
    assert (dropped["new"], dropped["changed"], dropped["removed"]) == (0, 1, 0)
    assert [r[:3] for r in _customers(db)] == [("acme", "crm-a", "a"), ("acme", "crm-a", "a2"), ("acme", "crm-b", "b")]


def test_two_brands_lists_with_the_same_customer_id_keep_both_and_remove_only_their_own(tmp_path):
    """Customers are keyed by (brand, customer id): two brands' lists naming a customer alike both land, and a
    customer leaving one brand's list leaves that brand only."""
    header = CUSTOMER_ROWS[0]
    cfg = make_config(
        tmp_path,
        {"customers": [{"name": "acme-crm", "brand": "acme", "path": "acme.csv"},
                       {"name": "beta-crm", "brand": "beta", "path": "beta.csv"}]},
        brands=("Acme", "Beta"),
    )  # fmt: skip
    write_csv(tmp_path / "acme.csv", [header, ["X", "a", "2026-01-01", "", "10"], ["Y", "a", "2026-01-01", "", "10"]])
    write_csv(tmp_path / "beta.csv", [header, ["X", "b", "2026-02-01", "", "20"]])
    db = tmp_path / "w.duckdb"
    first = ingest.import_customers(cfg, db, RUN)
    assert (first["customers"], first["new"]) == (3, 3)
    assert [r[:3] for r in _customers(db)] == [("acme", "acme-crm", "a"), ("acme", "acme-crm", "a"),
                                               ("beta", "beta-crm", "b")]  # fmt: skip
    write_csv(tmp_path / "acme.csv", [header, ["Y", "a", "2026-01-01", "", "10"]])  # X left acme, still beta's
    again = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert (again["new"], again["changed"], again["removed"]) == (0, 0, 1)
    assert [r[:3] for r in _customers(db)] == [("acme", "acme-crm", "a"), ("beta", "beta-crm", "b")]


def test_a_customer_whose_row_is_quarantined_or_a_list_with_none_landed_removes_nobody(tmp_path):
    """A customer list is its source's whole list, but a customer whose row is quarantined (a mistyped date) is
    still in it, and a list from which no customer landed (the CRM switched its date format: every row quarantined)
    is likelier a broken export than an empty customer base: neither removes anyone (both removed every such
    customer, and with them the links of their survey answers)."""
    header = CUSTOMER_ROWS[0]
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    a, b, c = ["A", "x", "2026-01-01", "", "10"], ["B", "x", "2026-01-01", "", "20"], ["C", "x", "2026-01-01", "", "30"]
    write_csv(tmp_path / "customers.csv", [header, a, b, c])
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["new"] == 3
    write_csv(tmp_path / "customers.csv", [header, a, ["B", "x", "2026-13-01", "", "20"]])  # C erased, B mistyped
    typo = ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")
    assert (typo["removed"], typo["quarantined"]) == (1, 1)
    assert [r[5] for r in _customers(db)] == [10.0, 20.0]  # B stays as it was
    write_csv(
        tmp_path / "customers.csv", [header, ["A", "x", "31/01/2026", "", "10"], ["B", "x", "31/01/2026", "", "20"]]
    )
    broken = ingest.import_customers(cfg, db, "cli__2026-11-02__0000cccc")
    assert (broken["customers"], broken["removed"], broken["quarantined"]) == (0, 0, 2)
    assert [r[5] for r in _customers(db)] == [10.0, 20.0]
    assert _step(db, "cli__2026-11-02__0000cccc", "import_customers")[3] == (
        "0 distinct customers: 0 new, 0 changed, 0 removed; crm: nothing removed, no customer landed from the list"
    )
    write_csv(tmp_path / "customers.csv", [header])  # an export that stopped after its header
    assert ingest.import_customers(cfg, db, "cli__2026-11-03__0000dddd")["removed"] == 0
    assert [r[5] for r in _customers(db)] == [10.0, 20.0]


def test_a_list_with_a_row_whose_id_cannot_be_read_removes_nobody(tmp_path):
    """A row that is not the header's width (an unquoted comma in a segment) or has an empty id cell may be any
    customer's: the list removes nobody, as a whole-history survey export with such a row does not, and says why.
    They used to be missing from what the list holds, so customer B, whose row it was, was removed."""
    header = CUSTOMER_ROWS[0]
    cfg = make_config(tmp_path, {"customers": [{"name": "crm", "brand": "acme", "path": "customers.csv"}]})
    a, b = ["A", "x", "2026-01-01", "", "10"], ["B", "x", "2026-01-01", "", "20"]
    write_csv(tmp_path / "customers.csv", [header, a, b])
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["new"] == 2
    for n, unread in enumerate((["B", "Gold", "annual", "2026-01-01", "", "20"], ["", "x", "2026-01-01", "", "20"])):
        write_csv(tmp_path / "customers.csv", [header, a, unread])
        run = f"cli__2026-11-0{n + 1}__0000bbbb"
        assert ingest.import_customers(cfg, db, run)["removed"] == 0
        assert [r[5] for r in _customers(db)] == [10.0, 20.0]
        assert _step(db, run, "import_customers")[3].endswith(
            "; crm: nothing removed, 1 row(s) whose customer id cannot be read (it may be any customer's)"
        )
    write_csv(tmp_path / "customers.csv", [header, a])  # a whole list again: B leaves
    assert ingest.import_customers(cfg, db, "cli__2026-11-09__0000cccc")["removed"] == 1


def test_a_row_of_one_list_with_a_brand_that_cannot_be_read_holds_no_customer_of_another_list(tmp_path):
    """The list 'all' (a brand column) has customer 1001 on a row whose brand is not a configured one, so it may be
    a customer of any of that list's brands and none of them is removed for it; the list 'beta-crm' (brand beta)
    erased its 1001, who leaves: a row of another list holds nobody of this one."""
    cfg = make_config(
        tmp_path,
        {"customers": [{"name": "all", "path": "all.csv", "columns": {"brand": "brand"}},
                       {"name": "beta-crm", "brand": "beta", "path": "beta.csv"}]},
        brands=("Acme", "Beta"),
    )  # fmt: skip
    header = CUSTOMER_ROWS[0]
    write_csv(tmp_path / "all.csv", [[*header, "brand"], ["1001", "x", "2026-01-01", "", "10", "acme"],
                                     ["2002", "x", "2026-01-01", "", "10", "acme"]])  # fmt: skip
    write_csv(
        tmp_path / "beta.csv", [header, ["1001", "x", "2026-01-01", "", "30"], ["3003", "x", "2026-01-01", "", "5"]]
    )
    db = tmp_path / "w.duckdb"
    assert ingest.import_customers(cfg, db, RUN)["new"] == 4
    write_csv(tmp_path / "all.csv", [[*header, "brand"], ["1001", "x", "2026-01-01", "", "10", "Acme Old"],
                                     ["2002", "x", "2026-01-01", "", "10", "acme"]])  # fmt: skip
    write_csv(tmp_path / "beta.csv", [header, ["3003", "x", "2026-01-01", "", "5"]])
    assert ingest.import_customers(cfg, db, "cli__2026-11-01__0000bbbb")["removed"] == 1
    assert _customers(db) == [
        ("acme", "all", "x", date(2026, 1, 1), None, 10.0), ("acme", "all", "x", date(2026, 1, 1), None, 10.0),
        ("beta", "beta-crm", "x", date(2026, 1, 1), None, 5.0)]  # fmt: skip


def test_explicit_files_for_a_source_not_configured_are_a_config_error_and_land_nothing(tmp_path):
    """{source name: [files]} naming no configured source stops the import before anything is read or written."""
    path = write_csv(tmp_path / "q.csv", qualtrics_rows())
    cfg = make_config(
        tmp_path, {"sources": [{"name": "acme-nps", "brand": "acme", "path": "q.csv", "preset": "qualtrics"}]}
    )
    db = tmp_path / "w.duckdb"
    with pytest.raises(ConfigError, match=r"surveys.sources: no source named acme-csat, zz-nps$"):
        ingest.import_surveys(cfg, db, RUN, paths={"zz-nps": [path], "acme-csat": [path], "acme-nps": [path]})
    assert rows_of(db, "SELECT (SELECT count(*) FROM survey_responses), (SELECT count(*) FROM run_steps)") == [(0, 0)]
    landed = ingest.import_surveys(cfg, db, RUN, paths={"acme-nps": [path]}, score_comments=False)
    assert (landed["sources"], landed["new"]) == (1, 4)


def test_an_xlsx_formula_without_a_saved_value_is_quarantined_naming_its_column(tmp_path):
    """A workbook written by a script (openpyxl, xlsxwriter) and never opened in a spreadsheet holds its formulas
    without their values: an NPS of =C2*2 read as unanswered, a revenue of =100*12 as none, and nothing said. Such
    a row is quarantined naming the column (its id still present); a formula whose value Excel saved reads as its
    value, and one in a column not mapped is ignored."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "RecordedDate", "Raw", "NPS", "Comment", "Note"])
    book.active.append(["R_1", "2026-10-01 09:00", 4, "=C2*2", '="great"', "x"])
    book.active.append(["R_2", "2026-10-01 10:00", 3, "=C3*2", "ok", "=1+1"])
    book.active.append(["R_3", "2026-10-01 11:00", 3, 6, "ok", "=1+1"])
    book.save(tmp_path / "export.xlsx")
    _rewritten_sheet(tmp_path / "export.xlsx", lambda xml: xml.replace(b"<f>C3*2</f><v />", b"<f>C3*2</f><v>6</v>"))
    src = SurveySpec(name="x", brand="acme", path="export.xlsx", preset="qualtrics")
    info = {}
    responses, rejects = read_survey_file(None, src, tmp_path / "export.xlsx", info)
    assert [(r.response_id, r.nps, r.comment) for r in responses] == [("R_2", 6, "ok"), ("R_3", 6, "ok")]
    assert [(r.reason, r.location[-1]) for r in rejects] == [
        ("columns NPS, Comment: a formula with no saved value: open and save the file in Excel/LibreOffice", "2")
    ]
    assert info["present"] == ["R_1", "R_2", "R_3"]
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "start_date", "end_date", "monthly_revenue"])
    book.active.append(["C1", "2026-01-01", "", "=100*12"])
    book.active.append(["C2", "2026-01-01", "", 100])
    book.save(tmp_path / "customers.xlsx")
    src = config_surveys.CustomerSpec(name="c", brand="acme", path="customers.xlsx")
    customers, rejects = read_customer_file(None, src, tmp_path / "customers.xlsx")
    assert [c.monthly_revenue for c in customers] == [100]
    assert [r.reason for r in rejects] == [
        "column monthly_revenue: a formula with no saved value: open and save the file in Excel/LibreOffice"
    ]


def test_an_xlsx_formula_whose_saved_value_is_empty_text_reads_as_empty(tmp_path):
    """A formula whose saved value is "" (an end date of =IF(E2="","",E2), as Excel and LibreOffice save it: the cell
    typed ``str``, its value empty) is a value, an active customer's empty end date: not a formula never saved."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "start_date", "end_date", "monthly_revenue", "Left"])
    book.active.append(["C1", "2026-01-01", '=IF(E2="","",E2)', 100, None])
    book.save(tmp_path / "customers.xlsx")
    _rewritten_sheet(tmp_path / "customers.xlsx", lambda xml: xml.replace(b'<c r="C2">', b'<c r="C2" t="str">'))
    src = config_surveys.CustomerSpec(name="c", brand="acme", path="customers.xlsx")
    customers, rejects = read_customer_file(None, src, tmp_path / "customers.xlsx")
    assert [(c.end_date, c.monthly_revenue) for c in customers] == [(None, 100)] and rejects == []
