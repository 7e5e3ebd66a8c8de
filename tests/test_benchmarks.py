"""The benchmark scripts' own failure modes (their figures are measured by running them, never asserted here)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.helpers import MODEL_DIR, REPO


def test_scoring_benchmark_ends_when_a_variants_process_fails(tmp_path):
    """A variant's process that died before it reported (here: a model folder without weights) left
    `benchmarks/scoring.py` waiting on its queue forever; it now stops, naming the variant and its exit code."""
    shutil.copy(MODEL_DIR / "config.json", tmp_path / "config.json")
    command = [sys.executable, "benchmarks/scoring.py", "--variants", "ours-fp32", "--limit", "5", "--model", tmp_path]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=180)
    assert proc.returncode != 0
    assert "[scoring] ours-fp32: its process ended without a result (exit code 1)" in proc.stderr, proc.stderr[-2000:]
