"""A night over the network sources, against the demo's replay server on 127.0.0.1: state, truncation, a
failing source while the others succeed, and an idempotent re-run."""

from __future__ import annotations

from datetime import date

import duckdb
import yaml

from pipeline.config import load_config
from pipeline.night import run_day
from tests.helpers import MODEL_DIR

DAY = date(2026, 10, 14)


def config(tmp_path, **reddit):
    doc = {
        "brands": [
            {
                "name": "Parcelo",
                "aliases": ["Parcelo", "@parcelo", "#parcelo"],
                "sources": [
                    {"type": "reddit", "name": "reddit", "brand_subreddits": ["parcelo", "CasualUK"], **reddit},
                    {"type": "hackernews", "name": "hn"},
                    {
                        "type": "app_store",
                        "name": "app-store",
                        "app_id": "1480331921",
                        "countries": ["gb"],
                        "retries": 2,
                    },
                    {"type": "google_play", "name": "google-play", "app_id": "com.parcelo.app", "countries": ["gb"]},
                ],
            }
        ],
        "staging_dir": "staging",
        "scoring": {"model_dir": str(MODEL_DIR)},
    }
    path = tmp_path / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_config(path)


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_failing_source_fails_alone_and_the_run_table_says_so(tmp_path, sample_replay, scorer):
    cfg, db = config(tmp_path), tmp_path / "w.duckdb"
    sample_replay.add_fault(r"/rss/customerreviews/", status=503, times=1000)  # the App Store is down all night
    result = run_day(cfg, db, DAY, scorer=scorer)
    assert result["status"] == "partial"
    assert "HTTP 503" in result["failed_sources"]["parcelo/app-store"]
    extract = dict(rows(db, "SELECT source, status FROM run_steps WHERE step = 'extract'"))
    assert extract == {"reddit": "success", "hn": "success", "app-store": "missing", "google-play": "success"}
    loaded = dict(rows(db, "SELECT source, count(*) FROM mentions GROUP BY ALL"))
    assert set(loaded) == {"reddit", "hn", "google-play"} and all(n > 0 for n in loaded.values())
    # each source's state is stored with its rows; the failed one has none
    state = dict(rows(db, "SELECT source, watermark IS NOT NULL FROM source_state"))
    assert state == {"reddit": True, "hn": True, "google-play": True}

    sample_replay.faults.clear()  # the App Store is back: the re-run fills the gap, and only the gap
    again = run_day(cfg, db, DAY, scorer=scorer)
    (app_store,) = rows(db, "SELECT count(*) FROM mentions WHERE source = 'app-store'")[0]
    assert again["status"] == "success" and again["new_mentions"] == app_store > 0
    before = rows(db, "SELECT mention_id, engagement FROM mentions ORDER BY 1")
    third = run_day(cfg, db, DAY, scorer=scorer)
    assert third["new_mentions"] == 0 and rows(db, "SELECT mention_id, engagement FROM mentions ORDER BY 1") == before


def test_a_truncated_window_is_recorded_but_the_run_succeeds(tmp_path, sample_replay, scorer):
    cfg, db = config(tmp_path, max_items=5), tmp_path / "w.duckdb"
    result = run_day(cfg, db, DAY, scorer=scorer)
    assert result["status"] == "success"
    ((status, detail),) = rows(db, "SELECT status, detail FROM run_steps WHERE step = 'extract' AND source = 'reddit'")
    assert status == "truncated" and "the window is truncated" in detail
