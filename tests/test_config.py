"""brandpulse.yaml validation: every error names the file, the field path and the problem."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from pipeline.config import ConfigError, load_config
from tests.helpers import REPO, write_config

GOOD = {
    "brands": [
        {
            "name": "Acme",
            "aliases": ["Acme", "@acme"],
            "sources": [
                {
                    "type": "file_drop",
                    "name": "listening",
                    "path": "x.csv",
                    "columns": {"native_id": "id", "text": "body", "created_at": "at"},
                }
            ],
        }
    ],
}


def _write(tmp_path, doc) -> str:
    path = tmp_path / "brandpulse.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def _bad(tmp_path, mutate) -> str:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    mutate(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(path), message  # names the file
    return message


def test_good_config_loads_and_resolves_paths(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.brands[0].key == "acme"
    assert cfg.resolve("x.csv") == (tmp_path / "x.csv").resolve()


def test_missing_required_field(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0]["columns"].pop("text"))
    assert "brands[0].sources[0].columns.text: Field required" in msg


def test_unknown_field_is_a_typo(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0].update(alises=["x"]))
    assert "brands[0].alises: unknown field" in msg


def test_wrong_type(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(scoring={"batch_size": "big"}))
    assert "scoring.batch_size:" in msg and "integer" in msg


def test_empty_sources(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0].update(sources=[]))
    assert "brands[0].sources:" in msg and "at least 1" in msg


def test_unknown_source_type(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0].update(type="myspace"))
    assert "brands[0].sources[0].type:" in msg and "file_drop" in msg


def test_duplicate_brand(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"].append(d["brands"][0]))
    assert "brands:" in msg and "same id 'acme'" in msg


def test_secret_written_in_file_is_refused(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "webhook_url": "https://hooks"}]))
    assert "alerts[0].webhook_url: secrets must not be written in the config file" in msg
    assert "https://hooks" not in msg  # the secret itself is not echoed


def test_bad_alert_channel_field(tmp_path):
    msg = _bad(
        tmp_path,
        lambda d: d.update(
            alerts=[
                {"type": "email", "name": "cx", "to": ["not-an-address"], "sender": "a@b.c", "smtp_host": "localhost"}
            ]
        ),
    )
    assert "alerts[0].to[0]:" in msg


def test_delivery_deadline_and_step_budget_have_defaults_and_are_checked(tmp_path):
    alerting = load_config(_write(tmp_path, GOOD)).alerting
    assert (alerting.delivery_deadline_s, alerting.step_budget_s) == (20, 120)
    doc = {**GOOD, "alerting": {"delivery_deadline_s": 2.5, "step_budget_s": 30}}
    alerting = load_config(_write(tmp_path, doc)).alerting
    assert (alerting.delivery_deadline_s, alerting.step_budget_s) == (2.5, 30)
    msg = _bad(tmp_path, lambda d: d.update(alerting={"delivery_deadline_s": 0}))
    assert "alerting.delivery_deadline_s: Input should be greater than 0" in msg
    msg = _bad(tmp_path, lambda d: d.update(alerting={"step_budget_s": "two minutes"}))
    assert "alerting.step_budget_s:" in msg and "number" in msg


def test_invalid_yaml_names_line(tmp_path):
    path = _write(tmp_path, "brands:\n  - name: Acme\n    sources: [\n")
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: line \d+, column \d+: invalid YAML"):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_config_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_CONFIG", _write(tmp_path, GOOD))
    assert load_config().brands[0].name == "Acme"


def test_cli_reports_config_error_without_traceback(tmp_path):
    path = _write(tmp_path, {"brands": [{"name": "Acme"}]})
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check-config", "--config", path],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert f"{path}: brands[0].sources: Field required" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_config_is_valid():
    cfg = load_config(REPO / "demo" / "brandpulse.yaml")
    assert [b.key for b in cfg.brands] == ["parcelo", "brewbird", "novabank", "paczkolot", "zoefiets"]


def test_write_config_helper_round_trips(tmp_path):
    cfg = load_config(write_config(tmp_path, [{"name": 'Acme "Corp"; DROP TABLE x;--', "files": {"a": "a.csv"}}]))
    assert cfg.brands[0].name == 'Acme "Corp"; DROP TABLE x;--'
