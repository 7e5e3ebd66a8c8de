"""SIGTERM and Ctrl-C stop a night promptly and leave the warehouse consistent (issue 13, point 10).

Each test starts a real night in a child process against a Hacker News endpoint on 127.0.0.1 that accepts the
request and then never answers (within the source's timeouts), signals the child once the request arrived,
and checks that it exits within seconds with the shell's code for the signal, that the run is recorded
``interrupted`` and (after SIGTERM; Ctrl-C differs only in how the night stops) that a re-run of the night
completes it. Through Airflow's ``dag.test()`` too: Airflow's
task runner installs its own SIGTERM handler for every task, which once swallowed the demo's SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
import yaml

from tests.helpers import NIGHT_ROWS, REPO, csv_rows, write_config

DAY = date(2026, 10, 1)
STOPPED_WITHIN_S = 20  # generous on a busy 2-core runner; without the fix the child waits on the endpoint


class Stalling(ThreadingHTTPServer):
    """Answers nothing until released: the request sits in the client's socket read."""

    daemon_threads = True

    def __init__(self) -> None:
        self.arrived, self.release, self.answer = threading.Event(), threading.Event(), b'{"hits": [], "nbPages": 0}'

        class Handler(BaseHTTPRequestHandler):
            def do_GET(inner) -> None:
                self.arrived.set()
                self.release.wait(120)
                inner.send_response(200)
                inner.send_header("Content-Type", "application/json")
                inner.send_header("Content-Length", str(len(self.answer)))
                inner.end_headers()
                inner.wfile.write(self.answer)

            def log_message(inner, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def stalling():
    server = Stalling()
    yield server
    server.release.set()
    server.shutdown()


@pytest.fixture
def hn_night(tmp_path, stalling):
    (tmp_path / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    config = write_config(tmp_path)
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    doc["brands"][0]["sources"].insert(0, {"type": "hackernews", "name": "hn", "timeout_s": 60, "retries": 0})
    config.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "BRANDPULSE_HN_URL": stalling.url, "BRANDPULSE_CONFIG": str(config)}
    env["BRANDPULSE_DB"] = str(tmp_path / "w.duckdb")
    return env, tmp_path / "w.duckdb"


def runs(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT trigger, status FROM pipeline_runs ORDER BY started_at").fetchall()


def stop_when_waiting(proc: subprocess.Popen, server: Stalling, sig: int) -> tuple[int, str]:
    for _ in range(480):  # the child imports torch and Airflow first: up to 4 minutes on a busy runner
        if server.arrived.wait(0.5):
            break
        if proc.poll() is not None:
            pytest.fail(f"the night ended before it reached the endpoint: {proc.communicate()[1][-3000:]}")
    else:
        proc.kill()
        pytest.fail("the night never reached the Hacker News endpoint")
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=STOPPED_WITHIN_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"still running {STOPPED_WITHIN_S}s after {signal.Signals(sig).name}")
    return proc.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_brandpulse_run_stops_promptly_and_the_rerun_completes_the_night(hn_night, stalling, sig):
    env, db = hn_night
    cmd = [str(REPO / ".venv" / "bin" / "brandpulse"), "run", "--date", DAY.isoformat()]
    if not os.path.exists(cmd[0]):
        cmd[:1] = [sys.executable, "-m", "pipeline.cli"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, err = stop_when_waiting(proc, stalling, sig)
    assert code == 128 + sig, err
    assert "the night in progress is marked interrupted" in err
    assert runs(db) == [("cli", "interrupted")]
    with duckdb.connect(str(db), read_only=True) as con:  # the file drop was not loaded yet: nothing half-landed
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
    if sig == signal.SIGINT:
        return  # Ctrl-C differs only in how the night stops; the re-run after it is the SIGTERM case's

    stalling.release.set()  # the endpoint answers now: the re-run completes the night
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert runs(db) == [("cli", "interrupted"), ("cli", "success")]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (5, 5)


DAG_NIGHT = """
import sys
from datetime import UTC, datetime
from pipeline import interrupt
interrupt.stop_on_signals()  # what `python -m demo` does first
from airflow.dag_processing.dagbag import DagBag
from pipeline.config import load_config
from pipeline.night import interrupted
from pipeline.warehouse import db_path
dag = DagBag(dag_folder=sys.argv[1]).get_dag("brandpulse_nightly")
try:
    run = dag.test(logical_date=datetime(2026, 10, 2, 2, tzinfo=UTC))
    if interrupt.requested():  # as the demo does: dag.test() caught the task's KeyboardInterrupt
        interrupted(load_config(), db_path(), run.run_id, f"stopped by {interrupt.requested()}")
        interrupt.check()
except KeyboardInterrupt as exc:
    print(f"stopped: {exc}", file=sys.stderr)
    sys.exit(interrupt.exit_code())
print("the night ran to its end", file=sys.stderr)
"""


def test_a_night_through_airflow_stops_on_sigterm(hn_night, stalling, airflow_db):
    env, db = hn_night
    proc = subprocess.Popen(
        [sys.executable, "-c", DAG_NIGHT, str(REPO / "dags")],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    code, err = stop_when_waiting(proc, stalling, signal.SIGTERM)
    assert code == 143, err[-3000:]
    assert "stopped: stopped by SIGTERM" in err
    assert runs(db) == [("airflow", "interrupted")]


LOST_KICK = """
import os, signal, socket, sys
from pipeline import interrupt
interrupt.stop_on_signals()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.kill(os.getpid(), getattr(signal, sys.argv[1]))
# the first kick lands just before the main thread enters a blocking read: taken here, it interrupts nothing
print("first kick:", signal.sigtimedwait({signal.SIGUSR1}, 60) is not None, flush=True)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
waiting, _other_end = socket.socketpair()
waiting.settimeout(30)
try:
    waiting.recv(1)
    print("the read ran to its timeout")
except interrupt.Interrupted as exc:
    print(exc)
"""


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_stop_that_arrives_just_before_a_blocking_read_still_interrupts_it(sig):
    """The race behind a night that once sat out its endpoint's timeout after SIGTERM: the main thread is kicked
    again until it raised, so a kick it could not see (taken here on purpose) is not the last one."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", LOST_KICK, sig], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == ["first kick: True", f"stopped by {sig}"], done.stderr[-3000:]
