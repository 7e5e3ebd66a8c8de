"""How long one staging operation waits on an object store that accepts connections and never answers.

    .venv/bin/python benchmarks/store_hang.py                 # the shipped bound (STORE_TIMEOUT_S, 120 s)
    .venv/bin/python benchmarks/store_hang.py --unbounded     # the store client alone, as before the bound

Starts a TCP server on 127.0.0.1 that accepts every connection and never replies, points an ``s3://`` staging
path at it (``ObjectStoragePath`` with ``endpoint_url``, as ``staging_options`` does), and runs each operation
(``--ops``, default an upload and a read of a file that may be missing, as the staging code does them through
:mod:`pipeline.storage`) in a child process. Prints the seconds until it gave up, and how, or that it was
still waiting when ``--limit`` ran out (the child is then killed). ``--timeout S`` sets the bound;
``--unbounded`` removes it to show what the s3fs/botocore client does on its own (default timeouts: connect
5 s, read 15 s, retried): an upload waits for the store's ``100 Continue`` under no timer at all.
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


def _run(port: int, op: str, timeout: float | None) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    from airflow.sdk import ObjectStoragePath

    from pipeline import storage

    storage.STORE_TIMEOUT_S = timeout  # None: fsspec waits as long as the client does
    path = ObjectStoragePath("s3://silent/staged.json", endpoint_url=f"http://127.0.0.1:{port}")
    try:
        storage.write(path, "{}") if op == "write" else storage.read_if_exists(path)
    except Exception as exc:  # the outcome is the point: print it
        print(f"  {op}: gave up: {type(exc).__name__}: {str(exc)[:110]}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=300, help="seconds to wait before killing an operation (300)")
    ap.add_argument("--timeout", type=float, default=None, help="the bound in seconds (default: STORE_TIMEOUT_S)")
    ap.add_argument("--unbounded", action="store_true", help="no bound: the store client's own timeouts alone")
    ap.add_argument("--ops", default="write,read", help="comma-separated: write, read (both)")
    args = ap.parse_args()
    from pipeline.storage import STORE_TIMEOUT_S

    timeout = None if args.unbounded else (args.timeout or STORE_TIMEOUT_S)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []  # accepted, never answered
    threading.Thread(target=lambda: [held.append(server.accept()) for _ in range(1000)], daemon=True).start()
    print(f"bound: {'none' if timeout is None else f'{timeout:g} s'}; limit {args.limit:g} s")
    for op in args.ops.split(","):
        child = mp.get_context("spawn").Process(target=_run, args=(server.getsockname()[1], op, timeout))
        t0 = time.perf_counter()
        child.start()
        child.join(args.limit)
        waited = time.perf_counter() - t0
        if child.is_alive():
            child.kill()
            print(f"{op}: still waiting after {waited:.0f} s (--limit {args.limit:g}); killed")
        else:
            print(f"{op}: returned after {waited:.1f} s (process start included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
