"""The bundled demo sample is what its generators write: regenerating it as demo/sample/README.md says changes
nothing, its README included."""

from __future__ import annotations

import logging
import os
import shutil
import sys

import pytest

from demo import generate_pl_nl, generate_sample
from tests.helpers import REPO

SAMPLE = REPO / "demo" / "sample"


def test_regenerating_the_sample_keeps_every_file_and_the_readmes_polish_and_dutch_section(tmp_path, monkeypatch):
    shutil.copy(SAMPLE / "README.md", tmp_path / "README.md")  # as in the checkout, before regenerating
    monkeypatch.setattr(generate_sample, "OUT_DIR", tmp_path)
    generate_sample.main()  # writes the English brands and the README's sections before the Polish and Dutch one
    section = tmp_path / "pl_nl.md"
    monkeypatch.setattr(sys, "argv", ["generate_pl_nl", "--out", str(tmp_path), "--readme-section", str(section)])
    generate_pl_nl.main()

    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme  # not cut at the Polish and Dutch section
    assert readme.endswith("\n\n" + section.read_text(encoding="utf-8"))  # the section as its generator writes it
    for slug in ("parcelo", "brewbird", "novabank", "paczkolot", "zoefiets"):
        for name in ("mentions.csv", "reviews.jsonl"):
            assert (tmp_path / slug / name).read_bytes() == (SAMPLE / slug / name).read_bytes(), f"{slug}/{name}"


def test_the_replay_servers_exports_paste_into_a_shell_and_its_alert_hooks_answer(monkeypatch, capsys):
    """``python -m demo.replay`` prints the variables to export in another shell: each line must paste as it is
    (the Reddit user agent has a space and parentheses), and the Slack and webhook URLs among them must reach a
    receiver, as the demo's do, or a night tried by hand fails every delivery."""
    import subprocess
    import urllib.error
    import urllib.request
    from types import SimpleNamespace

    from demo.replay import __main__ as replay

    seen = {}

    def once_printed(_seconds):  # the server is up and has printed its variables: check them, then Ctrl-C
        exports = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip().startswith("export ")]
        shell = subprocess.run(
            ["bash", "-c", "\n".join([*exports, 'printf "%s\\n" "$praw_user_agent" "$BRANDPULSE_SLACK_WEBHOOK" '
                                                 '"$BRANDPULSE_ALERT_WEBHOOK"'])],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        seen["shell"] = shell
        for url in shell.stdout.splitlines()[1:]:
            req = urllib.request.Request(url, data=b'{"text": "test"}', headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    seen[url] = resp.status
            except urllib.error.HTTPError as exc:  # said by the assertion below, the server stopped by main
                seen[url] = exc.code
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "time", SimpleNamespace(sleep=once_printed))
    replay.main(["--port", "0"])
    assert seen["shell"].returncode == 0 and not seen["shell"].stderr, seen["shell"].stderr
    agent, *hooks = seen["shell"].stdout.splitlines()
    assert agent == "brandpulse-demo/0.1 (replay)"
    assert len(hooks) == 2 and all(seen[url] == 200 for url in hooks), seen


def test_the_demo_run_again_still_says_when_the_hourly_watch_alerted(tmp_path, monkeypatch, capsys):
    """``make demo`` again (README: after a stop, it re-runs every night): the incident's day replayed through the
    watch finds its alert already raised and raises none; the demo must still say when the watch alerted (the
    warehouse holds it), not that it raised none and the nightly run decides."""
    from datetime import date

    import pipeline.scoring
    import pipeline.watch
    from demo import run
    from demo.replay import sample
    from pipeline.warehouse import connect
    from tests.helpers import migrated

    db = migrated(tmp_path / "w.duckdb")
    with connect(db) as con:  # what the demo's first run left: the watch run ending 13:00 raised the hourly spike
        con.execute(
            "INSERT INTO pipeline_runs (run_id, day, trigger, started_at, status, window_end) VALUES "
            "('watch__1', DATE '2026-10-13', 'watch', now(), 'success', TIMESTAMPTZ '2026-10-13 13:00:00+00')"
        )
        con.execute(
            "INSERT INTO alerts (alert_id, incident_id, brand, kind, status, day, severity, headline, reason, "
            "explanation, send, created_at, run_id) VALUES ('a1', 'i1', 'parcelo', 'hourly_spike', 'new', "
            "DATE '2026-10-13', 'critical', 'h', 'r', '{}', true, now(), 'watch__1')"
        )
    monkeypatch.setattr(sample, "mount", lambda *a, **k: None)
    monkeypatch.setattr(pipeline.scoring, "load_scorer", lambda config: None)
    monkeypatch.setattr(pipeline.watch, "run_watches", lambda *a, **k: [])  # the re-run: nothing new, no alert
    run.Nights(None, db, None).watch_day(date(2026, 10, 13))
    out = capsys.readouterr().out
    assert "raised no alert" not in out
    assert "alerted on parcelo (hourly_spike) at 13:00 UTC on 2026-10-13" in out and "13 hours later" in out


def test_the_demo_runs_on_its_own_warehouse_and_config_whatever_the_shell_exported(tmp_path, monkeypatch, capsys):
    """``make demo`` writes the sample to ./data/brandpulse.duckdb (README): a BRANDPULSE_DB exported for a
    production warehouse took its 68 nights of fictional brands, and a BRANDPULSE_CONFIG ran other brands. The
    README's own ``export BRANDPULSE_CONFIG=demo/brandpulse.yaml`` is the demo's and is not reported."""
    from demo import run
    from demo.replay import sample

    for key in run.airflow_env():  # restored after the test
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "production.duckdb"))
    monkeypatch.setenv("BRANDPULSE_CONFIG", "demo/brandpulse.yaml")
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "k")
    monkeypatch.setenv("AIRFLOW__LOGGING__LOGGING_LEVEL", "DEBUG")  # a switch, not a place: the shell's kept
    seen = {}

    def start():  # the replay server starts once the environment is set: stop there
        seen.update(os.environ)
        raise KeyboardInterrupt

    monkeypatch.setattr(sample, "start", start)
    monkeypatch.setattr(logging.getLogger("brandpulse"), "setLevel", lambda level: None)  # the other tests' logs
    with pytest.raises(KeyboardInterrupt):
        run.run_demo()
    assert seen["BRANDPULSE_DB"] == str(REPO / "data" / "brandpulse.duckdb")
    assert seen["BRANDPULSE_CONFIG"] == str(REPO / "demo" / "brandpulse.yaml")
    assert seen["AIRFLOW__LOGGING__LOGGING_LEVEL"] == "DEBUG"
    out = capsys.readouterr().out
    assert "Not using BRANDPULSE_DB from the environment" in out and "BRANDPULSE_CONFIG" not in out
