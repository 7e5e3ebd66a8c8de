"""One night end to end against pure scoring of the same texts, then the same night re-run.

    .venv/bin/python benchmarks/night.py --mentions 5000 --json benchmarks/results/night-5000.json
    .venv/bin/python benchmarks/night.py --mentions 100000     # the issue's size: about 15 min of scoring on 2 cores

Writes a realistic file drop for one brand and one night (2026-11-01): ``--mentions`` rows whose texts are the
bundled sample's mention bodies (``demo/sample/*/mentions.csv``, five brands, three languages), each made
unique by an order number and given a time of that day, with likes and replies. Then, each in a child process
of its own (so each peak RSS, ru_maxrss, is its own):

1. ``night``: the whole night in-process on a fresh warehouse, what ``brandpulse run --date 2026-11-01`` does
   (:func:`pipeline.night.run_day`: extract, load, score, metrics, detection, alerts, report);
2. ``scoring``: the same texts through the shipped model alone (its load, then :meth:`Scorer.score`, one
   call), in a process that imports only what scoring needs;
3. ``re-run``: the night again on that warehouse (every row already there: nothing new to score);
4. with ``--shards N``, ``sharded``: on a fresh warehouse, the night's extract and load (untimed), then the
   Airflow night's score fan-out in one process: ``plan_shards`` (the unscored mentions as N Parquet shards in
   the staging folder), each ``score_shard`` in turn, and ``load_scores``, each timed: what the fan-out adds
   to scoring is the plan and the load (a worker per shard would divide the shards' time by N).

Printed: the seconds and peak RSS of each, the night over pure scoring, and the re-run over the night. The
scorer is the configured one (``--precision``, default fp32; ``--threads``, default torch's).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DAY = date(2026, 11, 1)
BRAND = "Parcelo"


def sample_texts() -> list[str]:
    texts = []
    for path in sorted((REPO / "demo" / "sample").glob("*/mentions.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            texts += [row["body"] for row in csv.DictReader(fh) if (row.get("body") or "").strip()]
    return texts


def write_drop(folder: Path, mentions: int, seed: int = 1) -> Path:
    """The night's export: ``mentions`` unique rows naming the brand, spread over the day."""
    rng = random.Random(seed)
    texts = sample_texts()
    start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    path = folder / "mentions.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["post_id", "posted_at", "body", "likes", "replies"])
        for i in range(mentions):
            at = start + timedelta(seconds=rng.randrange(86_400))
            body = f"{rng.choice(texts)} ({BRAND} order {i:07d})"
            out.writerow([f"bench-{i:07d}", at.isoformat(), body, rng.randrange(50), rng.randrange(10)])
    return path


def write_config(folder: Path, drop: Path, precision: str, threads: int, shard_size: int = 50_000) -> Path:
    import yaml

    doc = {
        "brands": [
            {
                "name": BRAND,
                "aliases": [BRAND],
                "sources": [
                    {
                        "type": "file_drop",
                        "name": "listening",
                        "path": str(drop),
                        "platform": "twitter",
                        "columns": {
                            "native_id": "post_id",
                            "text": "body",
                            "created_at": "posted_at",
                            "engagement": ["likes", "replies"],
                        },
                    }
                ],
            }
        ],
        "staging_dir": str(folder / "staging"),
        "report_dir": str(folder / "reports"),
        "scoring": {
            "model_dir": str(REPO / "models" / "brandpulse-sentiment"),
            "precision": precision,
            "threads": threads,
            "shard_size": shard_size,
        },
    }
    path = folder / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _child(what: str, config_path: str, db: str, drop: str, queue) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("BRANDPULSE_AUTHOR_KEY", "benchmark-only-key")
    from pipeline.config import load_config

    config = load_config(config_path)
    started = time.perf_counter()
    if what == "sharded":
        from pipeline import load, scoring, staging
        from pipeline import night as steps

        run_id = "bench-sharded"
        for job in steps.prepare(config, Path(db), DAY, run_id):
            staging.extract(config, job["brand"], job["source"], DAY, run_id, db=Path(db))
        load.load(config, Path(db), DAY, run_id)
        scorer = scoring.load_scorer(config)
        t0 = time.perf_counter()
        shards = scoring.plan_shards(config, Path(db), DAY, run_id)
        t1 = time.perf_counter()
        each = []
        for shard in shards:
            s0 = time.perf_counter()
            scoring.score_shard(config, DAY, run_id, shard, scorer=scorer)
            each.append(round(time.perf_counter() - s0, 2))
        t2 = time.perf_counter()
        stored = scoring.load_scores(config, Path(db), DAY, run_id)
        t3 = time.perf_counter()
        result = {"seconds": t3 - t0, "plan_s": t1 - t0, "shards_s": each, "load_s": t3 - t2, "scored": stored}
    elif what == "scoring":
        from pipeline.scoring import load_scorer

        with open(drop, encoding="utf-8", newline="") as fh:
            texts = [row["body"] for row in csv.DictReader(fh)]
        scorer = load_scorer(config)
        loaded = time.perf_counter()
        scorer.score(texts)
        done = time.perf_counter()  # the seconds include the model's load, as the night's do
        result = {"seconds": done - started, "score_only_s": done - loaded, "texts": len(texts)}
    else:
        from pipeline.night import run_day

        out = run_day(config, Path(db), DAY)
        result = {
            "seconds": time.perf_counter() - started,
            "status": out["status"],
            "new": out["new_mentions"],
            "already_present": out["already_present"],
            "scored": out["scored"],
        }
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def measure(what: str, config: Path, db: Path, drop: Path) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(what, str(config), str(db), str(drop), queue))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"{what}: the child process failed (exit {child.exitcode})")
    return queue.get()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mentions", type=int, default=5000, help="the night's mentions (default 5,000)")
    ap.add_argument("--precision", choices=("fp32", "bf16"), default="fp32", help="scoring.precision (default fp32)")
    ap.add_argument("--threads", type=int, default=0, help="scoring.threads (default 0: torch's default)")
    ap.add_argument(
        "--shards", type=int, default=0, help="also time the Airflow night's score fan-out in this many shards"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-night-") as tmp:
        folder = Path(tmp)
        drop = write_drop(folder, args.mentions)
        size = -(-args.mentions // args.shards) if args.shards else 50_000
        config = write_config(folder, drop, args.precision, args.threads, shard_size=size)
        db = folder / "w.duckdb"
        result = {
            "command": f"benchmarks/night.py --mentions {args.mentions} --precision {args.precision}"
            + (f" --threads {args.threads}" if args.threads else "")
            + (f" --shards {args.shards}" if args.shards else ""),
            "mentions": args.mentions,
            "cpus": os.cpu_count(),
            "machine": platform.processor() or platform.machine(),
        }
        for what in ("night", "scoring", "re-run"):
            print(f"{what} ...", flush=True)
            result[what] = measure(what, config, db, drop)
        if args.shards:
            print("sharded ...", flush=True)
            result["sharded"] = measure("sharded", config, folder / "sharded.duckdb", drop)
    night, scoring, rerun = result["night"], result["scoring"], result["re-run"]
    result["night_over_scoring"] = round(night["seconds"] / scoring["seconds"], 2)
    result["rerun_over_night"] = round(rerun["seconds"] / night["seconds"], 3)
    print(f"{args.mentions:,} mentions, {args.precision}:")
    for what in ("night", "scoring", "re-run"):
        r = result[what]
        print(f"  {what:8} {r['seconds']:8.1f} s   peak RSS {r['peak_rss_mib']:6.0f} MiB")
    print(
        f"  the night is {result['night_over_scoring']}x pure scoring; "
        f"the re-run {result['rerun_over_night']:.1%} of the night"
    )
    if args.shards:
        r = result["sharded"]
        print(
            f"  score fan-out in {len(r['shards_s'])} shards: plan {r['plan_s']:.2f} s, shards "
            f"{' + '.join(f'{x:.1f}' for x in r['shards_s'])} s, load {r['load_s']:.2f} s "
            f"(peak RSS {r['peak_rss_mib']:.0f} MiB); {r['scored']} scores stored"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
