"""How long one staging write waits on an object store that accepts connections and never answers.

    .venv/bin/python benchmarks/store_hang.py --limit 180

Starts a TCP server on 127.0.0.1 that accepts every connection and never replies, points an ``s3://`` staging
path at it (``ObjectStoragePath`` with ``endpoint_url``, as ``staging_options`` does), and writes one small object
with :func:`pipeline.files.write_atomic` in a child process. Prints the seconds until the write gave up, or that
it was still waiting when ``--limit`` ran out (the child is then killed). ``--timeouts S`` also sets botocore's
connect and read timeouts to S seconds and one attempt (``config_kwargs``), to see what they bound.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _write(port: int, timeouts: float | None) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    from airflow.sdk import ObjectStoragePath

    from pipeline.files import write_atomic

    options: dict = {"endpoint_url": f"http://127.0.0.1:{port}"}
    if timeouts:
        options["config_kwargs"] = {
            "connect_timeout": timeouts,
            "read_timeout": timeouts,
            "retries": {"max_attempts": 1, "mode": "standard"},
        }
    try:
        write_atomic(ObjectStoragePath("s3://silent/staged.json", **options), "{}")
    except Exception as exc:  # the outcome is the point: print it
        print(f"gave up: {type(exc).__name__}: {str(exc)[:100]}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=180, help="seconds to wait before killing the write (180)")
    ap.add_argument("--timeouts", type=float, help="botocore connect/read timeout in seconds, one attempt")
    args = ap.parse_args()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []  # accepted, never answered
    threading.Thread(target=lambda: [held.append(server.accept()) for _ in range(1000)], daemon=True).start()
    child = mp.get_context("spawn").Process(target=_write, args=(server.getsockname()[1], args.timeouts))
    t0 = time.perf_counter()
    child.start()
    child.join(args.limit)
    waited = time.perf_counter() - t0
    if child.is_alive():
        child.kill()
        print(f"still waiting after {waited:.0f} s (--limit {args.limit:g}); killed")
    else:
        print(f"the write returned after {waited:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
