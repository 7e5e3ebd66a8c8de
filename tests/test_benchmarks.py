"""The benchmark scripts' own failure modes (their figures are measured by running them, never asserted here)."""

from __future__ import annotations

import importlib
import json
import shlex
import shutil
import subprocess
import sys

import duckdb
import pytest

from tests.helpers import MODEL_DIR, REPO


def test_scoring_benchmark_ends_when_a_variants_process_fails(tmp_path):
    """A variant's process that died before it reported (here: a model folder without weights) left
    `benchmarks/scoring.py` waiting on its queue forever; it now stops, naming the variant and its exit code."""
    shutil.copy(MODEL_DIR / "config.json", tmp_path / "config.json")
    command = [sys.executable, "benchmarks/scoring.py", "--variants", "ours-fp32", "--limit", "5", "--model", tmp_path]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=180)
    assert proc.returncode != 0
    assert "[scoring] ours-fp32: its process ended without a result (exit code 1)" in proc.stderr, proc.stderr[-2000:]


def test_scoring_benchmark_without_naive_writes_valid_json(monkeypatch, tmp_path):
    """Without the `naive` variant (the README's int8 and bf16 commands) the ratios to naive were NaN, written as
    `NaN`, which is no JSON: `JSON.parse` and strict parsers refused the figures' file. They are null now. (The
    variant's run is stubbed: what is tested is the figures' file, not the model's speed.)"""
    from benchmarks import scoring

    ran = {"texts_per_s": 100.0, "labels": ["negative", "positive"], "precision": "fp32", "peak_rss_mib": 900}
    monkeypatch.setattr(scoring, "run_variant", lambda variant, args: {**ran, "val": {"macro_recall": 0.7}})
    out = tmp_path / "scoring.json"
    monkeypatch.setattr(sys, "argv", ["scoring.py", "--variants", "ours-fp32", "--limit", "2", "--json", str(out)])
    assert scoring.main() == 0

    def refuse(constant):
        raise ValueError(f"{constant} is no JSON")

    fp32 = json.loads(out.read_text(), parse_constant=refuse)["results"]["ours-fp32"]
    assert (fp32["speed_vs_naive"], fp32["agreement_vs_naive"], fp32["agreement_vs_fp32"]) == (None, None, 1.0)


def _run_benchmark(*args, timeout: int = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_detector_benchmark_writes_the_fields_the_readme_quotes(tmp_path):
    """The README's detector figures are read from these fields; a broken `benchmarks/detector.py` (either mode)
    failed nowhere but on its next manual run."""
    out = tmp_path / "daily.json"
    _run_benchmark("benchmarks/detector.py", "--seed", 1, "--series", 4, "--out", out)
    daily = json.loads(out.read_text())
    assert daily["command"].startswith("benchmarks/detector.py --seed 1 --series 4")
    assert daily["brand_years"] == 4
    for field in ("recall_ge_3sigma", "precision_days", "recall_by_size", "recall_by_size_and_days"):
        assert field in daily["spikes"], field
    assert daily["false_alarms_per_brand_year"] == round(daily["false_alarm_days"] / 4, 3)
    assert daily["shifts"]["+0.10"]["either"]["n"] == 1  # 4 // 2 shift series, one of each size but the last
    out = tmp_path / "hourly.json"
    _run_benchmark("benchmarks/detector.py", "--hourly", "--seed", 1, "--series", 2, "--out", out)
    hourly = json.loads(out.read_text())
    assert hourly["series_per_kind"] == 2
    assert hourly["incidents_ge_3sigma"]["n"] > 0
    for field in ("recall", "median_delay_min", "share_within_60_min", "oracle_share_within_60_min"):
        assert field in hourly["incidents_ge_3sigma"], field
    assert set(hourly["false_alarm_episodes_by_kind"]) == {"hourly_spike", "volume_spike"}


def test_detector_benchmark_without_change_points_claims_no_shift_detection(tmp_path):
    """`--no-change-points` (the README's runs of seeds 2-5) reported "either" as measured: a -10-point shift
    found in 0 of its series (no spike alarm watches a fall; the change points that find it were skipped)."""
    out = tmp_path / "daily.json"
    _run_benchmark("benchmarks/detector.py", "--seed", 1, "--series", 8, "--no-change-points", "--out", out)
    shifts = json.loads(out.read_text())["shifts"]
    assert {key: shift["either"] for key, shift in shifts.items()} == dict.fromkeys(shifts), shifts


def test_demo_sentiment_benchmark_refuses_a_warehouse_without_the_demos_posts(tmp_path):
    """A warehouse holding none of the demo's posts gave an empty table, exit 0, and an empty JSON written over
    the figures; it now stops, naming the file."""
    db = tmp_path / "other.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE MACRO scored_text(title, text) AS concat_ws(' ', title, text)")
        con.execute("CREATE TABLE v_mentions_scored AS SELECT 'acme' brand, 'x1' native_id, 'en' language, "
                    "NULL title, 'great' text")  # fmt: skip
    out = tmp_path / "demo.json"
    command = [sys.executable, "benchmarks/demo_sentiment.py", "--db", db, "--json", out]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=180)
    assert proc.returncode != 0
    assert f"{db}: none of the demo's posts; run `make demo` first" in proc.stderr, proc.stderr[-2000:]
    assert not out.exists()


def test_warehouse_open_benchmark_runs(tmp_path):
    out = tmp_path / "open.json"
    _run_benchmark("benchmarks/warehouse_open.py", "--repeat", 2, "--json", out)
    result = json.loads(out.read_text())
    assert {"instance_per_open_read_ms", "instance_per_open_write_ms", "attach_read_ms", "attach_write_ms"} <= set(
        result
    )


def test_warehouse_benchmark_times_start_up_with_the_venv_running_it(monkeypatch, tmp_path):
    """`benchmarks/warehouse.py` timed `brandpulse sql` with `<repo>/.venv/bin/brandpulse` whichever venv ran it:
    from a clone or a worktree without its own `.venv` (a before-and-after), it crashed with FileNotFoundError
    after building the file and every query, the JSON not written."""
    from benchmarks import warehouse

    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv/bin/python"))
    commands = warehouse.startup_commands(tmp_path / "w.duckdb")
    assert {command[0] for command in commands.values()} == {
        str(tmp_path / "venv/bin/brandpulse"),
        str(tmp_path / "venv/bin/python"),
    }


def test_stream_memory_benchmark_says_why_the_command_failed(tmp_path):
    """`benchmarks/stream_memory.py` printed wait4's raw status ("exited with status 512" for exit code 2) and
    threw the command's stderr away; it now prints the exit code and the command's own error."""
    val = tmp_path / "val.tsv"
    val.write_text("text\tlabel\ngreat service\tpositive\n", encoding="utf-8")
    command = [sys.executable, "benchmarks/stream_memory.py", "--val", val, "--lines", "1", "--extra", "--no-such"]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1
    assert "1 lines: brandpulse score-texts exited with code 2:" in proc.stderr, proc.stderr[-2000:]
    assert "No such option: --no-such" in proc.stderr


@pytest.mark.parametrize("name", sorted(path.stem for path in (REPO / "benchmarks").glob("*.py")))
def test_every_benchmark_script_imports(name):
    """Half the scripts ran in no test: a renamed module they import at the top failed only on a manual run."""
    assert callable(importlib.import_module(f"benchmarks.{name}").main)


def test_detector_benchmark_names_the_fields_a_bad_set_may_take(tmp_path, capsys):
    """`--set baseline_day=42` (the README's `--set baseline_days=42` mistyped) or `--set alpha` (no value) ended
    in a traceback (AttributeError, float('')); it is now a usage error naming the fields, before any series run."""
    from benchmarks import detector

    for item in ("baseline_day=42", "alpha"):
        with pytest.raises(SystemExit) as stop:
            detector.main(["--series", "2", "--set", item, "--out", str(tmp_path / "d.json")])
        assert stop.value.code == 2
        assert f"--set {item}: expected FIELD=VALUE, FIELD one of alpha, " in capsys.readouterr().err
    assert not (tmp_path / "d.json").exists()


def test_warehouse_benchmark_refuses_a_night_too_small_for_the_unscored_lookup(monkeypatch, tmp_path, capsys):
    """`--night` below the 2,048 its help asks for built the whole file, then failed the unscored lookup in a
    traceback (AssertionError from the child); it is now a usage error before anything is built."""
    from benchmarks import warehouse

    db = tmp_path / "w.duckdb"
    monkeypatch.setattr(sys, "argv", ["warehouse.py", "--rows", "5000", "--night", "100", "--db", str(db)])
    with pytest.raises(SystemExit) as stop:
        warehouse.main()
    assert stop.value.code == 2
    assert "--night 100: at least 2,048" in capsys.readouterr().err
    assert not db.exists()


def test_warehouse_benchmark_records_a_command_that_reruns_as_run(monkeypatch, tmp_path):
    """The JSON's `command` joined the arguments with spaces: `--only "guide: 1."` was recorded as `--only guide:
    1.`, which, run again, measures every guide query (prefix `guide:`); it is now quoted as the shell needs."""
    from benchmarks import warehouse

    db, out = tmp_path / "w.duckdb", tmp_path / "w.json"
    monkeypatch.setattr(warehouse, "build", lambda path, *_: path.write_bytes(b"") or "built")
    monkeypatch.setattr(warehouse, "measure", lambda _db, names: names)
    argv = ["--rows", "5000", "--db", str(db), "--only", "guide: 1.", "--json", str(out)]
    monkeypatch.setattr(sys, "argv", ["warehouse.py", *argv])
    assert warehouse.main() == 0
    result = json.loads(out.read_text())
    assert shlex.split(result["command"]) == ["benchmarks/warehouse.py", *argv]
    assert result["results"] == ["guide: 1. Which subreddit drove last week's negatives?"]
