"""Bounded memory of `brandpulse score-texts`: peak RSS for a small and a large input should be about the same.

    .venv/bin/python benchmarks/stream_memory.py --lines 10000 100000 --json benchmarks/results/stream_memory.json

Builds inputs by cycling the val texts (half as JSON objects with an id, half as plain lines), runs the real
command on each (`brandpulse score-texts FILE > /dev/null`) and reports lines/s and the child's peak RSS (ru_maxrss
from wait4).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VAL = REPO.parent / "shared" / "data" / "sentiment" / "val.tsv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--val", type=Path, default=DEFAULT_VAL)
    ap.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more arguments for brandpulse score-texts")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    with args.val.open(encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.lines:
            path = Path(tmp) / f"in-{n}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for i, text in zip(range(n), itertools.cycle(texts), strict=False):
                    out.write((json.dumps({"id": i, "text": text}) if i % 2 else text.replace("\n", " ")) + "\n")
            cmd = [str(Path(sys.executable).parent / "brandpulse"), "score-texts", str(path), *args.extra]
            t0 = time.perf_counter()
            errors = Path(tmp) / f"stderr-{n}.txt"  # a file, not a pipe: wait4 reads nothing while the child writes
            with open(os.devnull, "w") as devnull, errors.open("w") as err:
                proc = subprocess.Popen(cmd, stdout=devnull, stderr=err, env={**os.environ, "HF_HUB_OFFLINE": "1"})
                _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
            if status != 0:  # wait4's status is the raw wait status (exit code 2 reads 512): decode it
                tail = "".join(errors.read_text(errors="replace").splitlines(keepends=True)[-10:])
                code = os.waitstatus_to_exitcode(status)
                how = f"exited with code {code}" if code >= 0 else f"was killed by signal {-code}"
                print(f"{n} lines: brandpulse score-texts {how}:\n{tail}", file=sys.stderr)
                return 1
            results.append(
                {
                    "lines": n,
                    "seconds": round(seconds, 1),
                    "lines_per_s": round(n / seconds, 1),
                    "peak_rss_mib": round(usage.ru_maxrss / 1024),
                }
            )
            print(
                f"{n:>8} lines: {seconds:7.1f}s  {n / seconds:7.1f} lines/s  "
                f"peak RSS {usage.ru_maxrss / 1024:6.0f} MiB",
                flush=True,
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"command": shlex.join(sys.argv), "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
