"""Environment and fixtures. Airflow's home and the offline switches are set before anything imports Airflow.

Shared constants and helpers live in :mod:`tests.helpers`; tests import them from there, never from here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from demo.replay import sample
from tests.helpers import MODEL_DIR, NIGHT_ROWS, REPO, csv_rows, write_config

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="brandpulse-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "BRANDPULSE_AUTHOR_KEY": "test-key",
    }
)
os.environ.pop("BRANDPULSE_CONFIG", None)
os.environ.pop("BRANDPULSE_DB", None)


def pytest_unconfigure(config):
    """Airflow's home (its SQLite DB, config and logs, about 1 MB) goes with the session, not left in /tmp."""
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated Airflow metadata DB (SQLite) for dag.test()."""
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True)
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def scorer():
    from pipeline.sentiment.scorer import Scorer

    return Scorer(MODEL_DIR)


@pytest.fixture
def night(tmp_path):
    """(config path, warehouse path) for one brand with NIGHT_ROWS."""
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    return write_config(tmp_path), tmp_path / "warehouse.duckdb"


@pytest.fixture
def sample_replay(monkeypatch):
    """The demo's replay server with the whole sample (Reddit, Hacker News, App Store, Google Play) on
    127.0.0.1, the environment pointing the sources at it, and fast HTTP backoff; tests mount the sample up to a
    moment with ``demo.replay.sample.mount``."""
    server = sample.start()
    for key, value in sample.environment(server).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("pipeline.http.BACKOFF_FACTOR", 0.01)
    yield server
    server.stop()
