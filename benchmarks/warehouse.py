"""The warehouse at scale: the nightly queries and the analysts' queries on a synthetic history of N mentions.

    nice .venv/bin/python benchmarks/warehouse.py --rows 10000000 --json benchmarks/results/warehouse-10000000.json

Builds (or, with ``--reuse``, opens and migrates) a DuckDB file under /tmp: the schema by
``pipeline.warehouse.migrate``, then ``mentions`` and ``sentiment`` by INSERT ... SELECT over ``range(N)``, in day
order (five brands, five sources, ``--days`` of history ending 2026-10-31 (365), texts of 20-300 characters and
a text key and the lookup keys (migration 0013) on every mention as the load writes them, a quarter negative;
each night scored the night after by the model of its time: ``v1``, then ``v2`` from 2026-09-01, when the 60
days before were rescored by ``v2``), 1% of mentions with a repost, each history night's
successful score step in ``run_steps``, the history's daily metrics by the real ``metrics/daily`` SQL, and one
night (2026-11-01) of ``--night`` new mentions with no score yet. Then it times, each in a fresh child process
(median of 5, and the peak RSS the query added over the opened connection, from VmHWM):

- the daily metrics of one day (``metrics/daily`` through ``pipeline.warehouse.execute``);
- the unscored lookup (``scoring/unscored_mentions``, ``$limit`` 2,048, model ``v2``);
- the load of a night's staged file (``ingest/mentions``: repost matching against the history by text key, and
  the upsert) of ``--night`` records: 90% new, 9% already in the warehouse (the look-back re-reads yesterday),
  1% exact reposts of a history mention; each run rolled back;
- ``v_mentions_scored``: one brand's negatives in one week, top 20 by engagement (and the direct join);
- ``v_brand_daily``: one brand, 90 days;
- every query of the README's "Query guide for analysts" (its brand and dates fall inside the history);
- ``brandpulse sql "SELECT 1"``: the command's wall time (start-up included), median of 21, interleaved
  with the same query through the full (typer) command line and with its floor: a Python process that only
  imports duckdb, opens the file read-only and runs the query.

Delete the file when done (``rm /tmp/brandpulse-bench-*``): 10M rows take about 5 GB (4.98 GB at migration 0013).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.records import RECORD_COLUMNS as COLUMNS  # noqa: E402
from pipeline.warehouse import connect, execute, migrate, row, rows, transaction  # noqa: E402

BRANDS = ["parcelo", "paczkolot", "zoefiets", "brand_d", "brand_e"]
SOURCES = [  # source, source_type, kind, platform
    ("reddit", "reddit", "mention", "reddit"),
    ("hackernews", "hackernews", "mention", "hackernews"),
    ("app_store", "app_store", "review", "app_store"),
    ("google_play", "google_play", "review", "google_play"),
    ("x_export", "file_drop", "mention", "twitter"),
]
LAST_DAY = "2026-10-31"
NIGHT = "2026-11-01"
SWITCH = "2026-09-01"  # the model change: v1 before, v2 from then on
REPEATS = 5
STARTUP_REPEATS = 21  # process start-ups are noisier than queries

FILL_MENTIONS = """
INSERT INTO mentions BY NAME
WITH g AS (
    SELECT i, hash(i) AS h,
           TIMESTAMPTZ '{last} 00:00:00+00' - INTERVAL ({days} - 1) DAYS
               + to_microseconds(CAST(i * ({days} * 86400000000.0 / $n) AS BIGINT)) AS created_at
    FROM range($n) t(i)
)
SELECT md5(CAST(i AS VARCHAR)) AS mention_id,
       $brands[1 + i % 5] AS brand,
       $sources[1 + (i // 5) % 5] AS source, $source_types[1 + (i // 5) % 5] AS source_type,
       'n' || i AS native_id, $kinds[1 + (i // 5) % 5] AS kind, $platforms[1 + (i // 5) % 5] AS platform,
       CASE WHEN (i // 5) % 5 = 0 THEN 'r/' || $brands[1 + i % 5] || (h % 7) END AS channel,
       md5('a' || (h % 100000)) AS author_hash,
       CASE WHEN (i // 5) % 5 < 2 THEN 'Title ' || (h % 1000) END AS title,
       'synthetic mention ' || i || ' ' || repeat('lorem ipsum dolor sit amet ', CAST(h % 11 AS INTEGER)) AS text,
       'https://example.com/' || i AS url,
       created_at, CAST(timezone('UTC', created_at) AS DATE) AS day,
       CASE WHEN (i // 5) % 5 IN (2, 3) THEN 1 + h % 5 END AS rating, 'en' AS language,
       CAST(h % 1009 AS BIGINT) AS engagement, left(md5('key' || i), 32) AS text_key,
       lookup_key(md5(CAST(i AS VARCHAR))) AS id_lookup,
       repost_lookup_key($brands[1 + i % 5], left(md5('key' || i), 32)) AS repost_lookup,
       created_at + INTERVAL 1 DAY AS first_seen, created_at + INTERVAL 1 DAY AS last_seen,
       'bench-' || CAST(timezone('UTC', created_at) AS DATE) AS run_id
FROM g ORDER BY i
"""

# a model change on {switch}: every night scored by the model of its time (v1, then v2) the night after it was
# loaded, and the 60 days before the change rescored by v2 on the day of the change (`brandpulse rescore`)
FILL_SENTIMENT = """
INSERT INTO sentiment BY NAME
WITH m AS (
    SELECT mention_id, day, first_seen, hash(mention_id) % 100 AS pct FROM mentions WHERE day <= DATE '{last}'
), v AS (
    SELECT *, CASE WHEN day < DATE '{switch}' THEN 'v1' ELSE 'v2' END AS model_version,
           first_seen + INTERVAL 1 HOUR AS scored_at
    FROM m
    UNION ALL
    SELECT *, 'v2', TIMESTAMPTZ '{switch} 12:00:00+00' FROM m
    WHERE day BETWEEN DATE '{switch}' - 60 AND DATE '{switch}' - 1
)
SELECT mention_id, 'bench-model' AS model_name, model_version, 'sha' || model_version AS model_sha256,
       md5(mention_id) AS text_sha256,
       CASE WHEN pct < 25 THEN 'negative' WHEN pct < 60 THEN 'neutral' ELSE 'positive' END AS label,
       CASE WHEN pct < 25 THEN 0.8 ELSE 0.1 END AS p_negative,
       CASE WHEN pct >= 25 AND pct < 60 THEN 0.8 ELSE 0.1 END AS p_neutral,
       CASE WHEN pct >= 60 THEN 0.8 ELSE 0.1 END AS p_positive,
       CASE WHEN pct < 25 THEN -0.7 WHEN pct < 60 THEN 0.0 ELSE 0.7 END AS score,
       NULL AS note, scored_at, 'bench-score' AS run_id
FROM v ORDER BY scored_at, mention_id
"""

FILL_REPOSTS = """
INSERT INTO reposts BY NAME
SELECT md5('repost' || mention_id) AS mention_id, mention_id AS canonical_mention_id, brand, source,
       'r' || native_id AS native_id, channel, url, created_at + INTERVAL 1 HOUR AS created_at, engagement,
       first_seen, run_id
FROM mentions WHERE hash(mention_id) % 100 = 0
"""

# each history night's successful score step (what the unscored lookup's settled point reads)
FILL_RUNS = """
INSERT INTO run_steps BY NAME
SELECT run_id, 'score' AS step, 'success' AS status, count(*) AS rows_in, count(*) AS rows_out,
       0 AS rows_quarantined, min(first_seen) AS started_at, min(first_seen) + INTERVAL 2 HOUR AS finished_at
FROM mentions WHERE day <= DATE '{last}' GROUP BY run_id ORDER BY started_at
"""

FILL_NIGHT = """
INSERT INTO mentions BY NAME
SELECT md5('night' || i) AS mention_id, $brands[1 + i % 5] AS brand,
       $sources[1 + (i // 5) % 5] AS source, $source_types[1 + (i // 5) % 5] AS source_type,
       'night' || i AS native_id, $kinds[1 + (i // 5) % 5] AS kind, $platforms[1 + (i // 5) % 5] AS platform,
       NULL AS channel, NULL AS author_hash, NULL AS title,
       'new mention ' || i || ' ' || repeat('lorem ipsum ', CAST(i % 13 AS INTEGER)) AS text, NULL AS url,
       TIMESTAMPTZ '{night} 00:00:00+00' + to_microseconds(CAST(i * 86400000000.0 / $n AS BIGINT)) AS created_at,
       DATE '{night}' AS day, NULL AS rating, 'en' AS language, CAST(i % 97 AS BIGINT) AS engagement,
       NULL AS text_key, lookup_key(md5('night' || i)) AS id_lookup, NULL AS repost_lookup,
       now() AS first_seen, now() AS last_seen, 'bench-night' AS run_id
FROM range($n) t(i)
"""

VIEW_QUERY = """
SELECT mention_id, day, source, left(text, 60) AS text, engagement, score, repost_count
FROM v_mentions_scored
WHERE brand = 'parcelo' AND label = 'negative' AND day BETWEEN DATE '2026-10-12' AND DATE '2026-10-18'
ORDER BY engagement DESC, mention_id LIMIT 20
"""

# the same question without the view: the newest score of each of the week's mentions
DIRECT_QUERY = """
WITH week AS (
    SELECT * FROM mentions
    WHERE brand = 'parcelo' AND day BETWEEN DATE '2026-10-12' AND DATE '2026-10-18'
), latest AS (
    SELECT s.* FROM sentiment s SEMI JOIN week USING (mention_id)
    QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY scored_at DESC, model_version DESC) = 1
)
SELECT w.mention_id, w.day, w.source, left(w.text, 60) AS text, w.engagement, l.score
FROM week w JOIN latest l USING (mention_id)
WHERE l.label = 'negative'
ORDER BY w.engagement DESC, w.mention_id LIMIT 20
"""

BRAND_DAILY_QUERY = """
SELECT day, volume, share_negative, share_negative_7d, share_negative_wow
FROM v_brand_daily WHERE brand = 'parcelo' AND day > DATE '2026-10-31' - 90 ORDER BY day
"""


def guide_queries() -> list[tuple[str, str]]:
    """The README's query guide: (its leading comment, the statement) for every statement of its SQL block."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Query guide for analysts", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sql", 1)[1].split("```", 1)[0]
    out = []
    for statement in (s.strip() for s in re.split(r";\s*\n", block)):
        if not statement:
            continue
        comments = [line for line in statement.splitlines() if line.startswith("--")]
        label = comments[-1].lstrip("- ").strip() if comments else statement.splitlines()[0]
        out.append((f"guide: {label[:60]}", statement))
    return out


def lists() -> dict:
    return {
        "brands": BRANDS,
        "sources": [s[0] for s in SOURCES],
        "source_types": [s[1] for s in SOURCES],
        "kinds": [s[2] for s in SOURCES],
        "platforms": [s[3] for s in SOURCES],
    }


def build(db: Path, n: int, night: int, days: int) -> dict:
    timings = {}
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    with connect(db) as con:
        t0 = time.perf_counter()
        migrate(con)
        con.execute(FILL_MENTIONS.format(last=LAST_DAY, days=days), {"n": n, **lists()})
        timings["mentions_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        con.execute(FILL_SENTIMENT.format(last=LAST_DAY, switch=SWITCH))
        con.execute(FILL_REPOSTS)
        con.execute(FILL_RUNS.format(last=LAST_DAY))
        fill_latest(con)
        timings["sentiment_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        days = [r["day"] for r in rows(con.execute("SELECT DISTINCT day FROM mentions ORDER BY day"))]
        with transaction(con):
            execute(con, "metrics/daily", {"days": days, "run_id": "bench-history"})
        timings["metrics_s"] = time.perf_counter() - t0
        con.execute(FILL_NIGHT.format(night=NIGHT), {"n": night, **lists()})
        con.execute("CHECKPOINT")
    return {k: round(v, 1) for k, v in timings.items()}


def fill_latest(con) -> None:
    """Each mention's latest score (migration 0012's table), rebuilt as the migration's backfill does: the
    benchmark writes `sentiment` directly, not through the scoring loop that maintains it."""
    execute(con, "scoring/rebuild_latest")


def _status_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process. Not ru_maxrss: Linux carries it over exec from the parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def child(db: Path, name: str) -> None:
    """Run one measurement in this (fresh) process and print its JSON."""
    queries = dict(named_queries())
    last_day = date.fromisoformat(LAST_DAY)
    writes = name in ("daily metrics, one day", LOAD)
    staged = write_staged(db) if name == LOAD else None
    with connect(db, read_only=not writes) as con:
        con.execute("SELECT count(*) FROM mentions").fetchall()
        base = _status_kib("VmRSS")
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            if name == LOAD:
                con.begin()
                execute(
                    con,
                    "ingest/mentions",
                    {
                        "files": [str(staged)],
                        "run_id": "bench-load",
                        "columns": COLUMNS,
                        "gone_brand": [],
                        "gone_source": [],
                    },
                )
                new = row(con.execute("SELECT count(*) AS n FROM mentions WHERE run_id = 'bench-load'"))["n"]
                reposts = row(con.execute("SELECT count(*) AS n FROM reposts WHERE run_id = 'bench-load'"))["n"]
                con.rollback()
                assert new > 0 and reposts > 0, (new, reposts)
            elif writes:
                with transaction(con):
                    execute(con, "metrics/daily", {"days": [last_day], "run_id": "bench-night"})
            elif name == "unscored lookup (2,048)":
                got = rows(
                    execute(con, "scoring/unscored_mentions", {"model_version": "v2", "limit": 2048, "since": None})
                )
                assert len(got) == 2048, len(got)
            else:
                con.execute(queries[name]).fetchall()
            times.append(time.perf_counter() - t0)
        peak = _status_kib("VmHWM")
    print(json.dumps({"name": name, "times": times, "peak_added_mib": max(0, peak - base) / 1024}))


LOAD = "load: the night's staged file (repost matching, upsert)"


def write_staged(db: Path) -> Path:
    """A night's staged records file (what extract writes) beside ``db``: 90% new mentions, 9% mentions of the
    last history day again, 1% exact reposts (the text key of a history mention)."""
    path = db.with_suffix(".staged.jsonl")
    with connect(db) as con:  # the same (read-write) attachment as the measurement's after it
        night = {"night": NIGHT}
        n = con.execute("SELECT count(*) FROM mentions WHERE day = CAST($night AS DATE)", night).fetchone()[0]
        con.execute(
            f"""COPY (
            WITH yesterday AS (
                SELECT *, row_number() OVER (ORDER BY mention_id) AS k FROM mentions WHERE day = DATE '{LAST_DAY}'
            ), history AS (
                SELECT *, row_number() OVER (ORDER BY mention_id) AS k FROM mentions
                WHERE hash(mention_id) % 1000 = 7
            )
            SELECT CASE WHEN i % 100 < 9 THEN y.mention_id ELSE md5('staged' || i) END AS mention_id,
                   CASE WHEN i % 100 = 99 THEN h.brand ELSE y.brand END AS brand, y.source, y.source_type,
                   y.native_id, y.kind,
                   CASE WHEN i % 100 < 9 THEN y.text ELSE 'staged ' || i || ' ' || y.text END AS text,
                   TIMESTAMPTZ '{NIGHT} 00:00:00+00' + to_microseconds(CAST(i * 86400000000.0 / $n AS BIGINT))
                       AS created_at, y.platform, y.channel, y.author_hash, y.title, y.url, y.rating, y.language,
                   y.engagement,
                   CASE WHEN i % 100 = 99 THEN h.text_key WHEN i % 100 < 9 THEN y.text_key
                        ELSE left(md5('staged key' || i), 32) END AS text_key
            FROM range($n) t(i)
            JOIN yesterday y ON y.k = 1 + i % (SELECT count(*) FROM yesterday)
            JOIN history h ON h.k = 1 + i % (SELECT count(*) FROM history)
        ) TO '{path}' (FORMAT json)""",
            {"n": n},
        )
    return path


def named_queries() -> list[tuple[str, str | None]]:
    return [
        ("daily metrics, one day", None),
        (LOAD, None),
        ("unscored lookup (2,048)", None),
        ("v_mentions_scored: brand negatives, 1 week, top 20", VIEW_QUERY),
        ("same question, direct join", DIRECT_QUERY),
        ("v_brand_daily: one brand, 90 days", BRAND_DAILY_QUERY),
        *guide_queries(),
    ]


def startup_commands(db: Path) -> dict[str, list[str]]:
    """The command's own start-up: a whole `brandpulse sql "SELECT 1"` process (pipeline.console's short way),
    against the same through typer's command line (every call took that way before) and against its floor (a
    Python process of the same venv that imports duckdb, opens the file read-only and runs the query); timed
    interleaved. The venv is the one running this script (not `<repo>/.venv`, which a worktree lacks)."""
    bin_dir = Path(sys.executable).parent
    return {
        'brandpulse sql "SELECT 1" (wall)': [
            str(bin_dir / "brandpulse"),
            "sql",
            "SELECT 1",
            "--db",
            str(db),
        ],
        "the same through the full command line (python -m pipeline.cli)": [
            sys.executable,
            "-m",
            "pipeline.cli",
            "sql",
            "SELECT 1",
            "--db",
            str(db),
        ],
        "python: import duckdb, open read-only, SELECT 1 (wall)": [
            sys.executable,
            "-c",
            f"import duckdb; duckdb.connect({str(db)!r}, read_only=True).execute('SELECT 1').fetchall()",
        ],
    }


def measure(db: Path, names: list[str]) -> list[dict]:
    out = []
    for name in names:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, "--db", str(db)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"{name}: {proc.stderr.strip()}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        out.append(
            {
                "name": name,
                "median_s": round(statistics.median(r["times"]), 4),
                "min_s": round(min(r["times"]), 4),
                "peak_added_mib": round(r["peak_added_mib"]),
            }
        )
        print(f"{name:<64} {out[-1]['median_s']:>9.4f} s {out[-1]['peak_added_mib']:>7} MiB", flush=True)
    cmds = startup_commands(db)
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout's code, whichever the venv was installed from
    times = {name: [] for name in cmds}
    for _ in range(STARTUP_REPEATS):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True, env=env)
            times[name].append(time.perf_counter() - t0)
    for name, measured in times.items():
        out.append(
            {
                "name": name,
                "median_s": round(statistics.median(measured), 4),
                "min_s": round(min(measured), 4),
                "peak_added_mib": None,
            }
        )
        print(f"{name:<64} {out[-1]['median_s']:>9.4f} s (min {out[-1]['min_s']:.4f})", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="mentions of history")
    ap.add_argument("--days", type=int, default=365, help="days of history (ending 2026-10-31)")
    ap.add_argument("--night", type=int, default=20_000, help="the night's new, unscored mentions (at least 2,048)")
    ap.add_argument("--db", type=Path, help="default: /tmp/brandpulse-bench-<rows>.duckdb")
    ap.add_argument("--reuse", action="store_true", help="measure an existing file (migrated to the latest schema)")
    ap.add_argument(
        "--only",
        nargs="*",
        help="measure only these (names as printed, prefix match); the `brandpulse sql` start-up is measured "
        "whatever is named",
    )
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.night < 2048 and not args.child:  # the unscored lookup's check failed in a traceback, after the build
        ap.error(f"--night {args.night}: at least 2,048 (the unscored lookup reads 2,048 of the night's mentions)")
    db = args.db or Path(f"/tmp/brandpulse-bench-{args.rows}.duckdb")
    if args.child:
        child(db, args.child)
        return 0
    command = shlex.join(["benchmarks/warehouse.py", *sys.argv[1:]])  # quoted: `--only "brandpulse sql"` is one name
    result = {"rows": args.rows, "days": args.days, "night": args.night, "command": command}
    if args.reuse and db.exists():
        t0 = time.perf_counter()
        with connect(db) as con:
            result["migrated"] = migrate(con)  # a new migration backfills what it adds
        result["migrate_s"] = round(time.perf_counter() - t0, 1)
    else:
        result["build"] = build(db, args.rows, args.night, args.days)
        print(f"built {db} in {result['build']}", flush=True)
    result["file_gb"] = round(db.stat().st_size / 1e9, 2)
    result["cpus"] = os.cpu_count()
    names = [n for n, _ in named_queries()]
    if args.only:
        names = [n for n in names if any(n.startswith(p) for p in args.only)]
    result["results"] = measure(db, names)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
