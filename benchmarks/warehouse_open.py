"""What opening the warehouse costs: a DuckDB instance per open (``duckdb.connect``, what
:func:`pipeline.warehouse.connect` did before) against attaching the file to the process's one instance (what it
does now), for a read and for a small committed write.

    .venv/bin/python benchmarks/warehouse_open.py                       # a fresh, migrated warehouse
    .venv/bin/python benchmarks/warehouse_open.py --db data/brandpulse.duckdb \
        --json benchmarks/results/warehouse-open.json                  # the demo's, after make demo

``--db`` copies that file first (the demo's after ``make demo``), so the benchmark never writes to it. Printed:
the median milliseconds of ``--repeat`` opens, each running one statement and closing (or detaching) again,
under the same cross-process file lock either way.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402
from filelock import FileLock  # noqa: E402

from pipeline import warehouse  # noqa: E402

READ = "SELECT count(*) FROM pipeline_runs"
WRITE = "INSERT INTO bench_open VALUES (1)"


def instance_per_open(path: Path, statement: str) -> None:
    """The old way: a DuckDB instance for each open, closed at the end."""
    lock = FileLock(f"{path}.lock", is_singleton=False)
    with lock:
        con = duckdb.connect(str(path))
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("BEGIN TRANSACTION")
            con.execute(statement)
            con.execute("COMMIT")
        finally:
            con.close()


def attached(path: Path, statement: str) -> None:
    """pipeline.warehouse.connect: the file attached to the process's instance, detached at the end."""
    with warehouse.connect(path) as con, warehouse.transaction(con):
        con.execute(statement)


def median_ms(fn, path: Path, statement: str, repeat: int) -> float:
    fn(path, statement)  # warm: the instance, the OS's file cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(path, statement)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="a warehouse to copy and measure (default: a fresh migrated one)")
    ap.add_argument("--repeat", type=int, default=50, help="opens per variant (default 50)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-open-") as tmp:
        path = Path(tmp) / "w.duckdb"
        if args.db:
            shutil.copyfile(args.db, path)
        with warehouse.connect(path) as con:
            warehouse.migrate(con)
            con.execute("CREATE TABLE IF NOT EXISTS bench_open (x INTEGER)")
        size_mb = path.stat().st_size / 1e6
        result = {
            "command": "benchmarks/warehouse_open.py" + (f" --db {args.db}" if args.db else ""),
            "file_mb": round(size_mb, 1),
            "repeat": args.repeat,
            "duckdb": duckdb.__version__,
            "machine": platform.processor() or platform.machine(),
        }
        for name, fn in (("instance_per_open", instance_per_open), ("attach", attached)):
            for kind, statement in (("read", READ), ("write", WRITE)):
                result[f"{name}_{kind}_ms"] = round(median_ms(fn, path, statement, args.repeat), 2)
    print(f"warehouse of {result['file_mb']} MB, median of {args.repeat} opens (ms):")
    print(f"  {'':20} {'read':>8} {'write':>8}")
    for name in ("instance_per_open", "attach"):
        print(f"  {name:20} {result[f'{name}_read_ms']:8.2f} {result[f'{name}_write_ms']:8.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
