"""Staging: one extract task reads one source for the night and stages what it read as files.

Files live under ``<staging_dir>/<day>/<run_id>/<brand>/``, a folder or an object store (:mod:`pipeline.storage`):
``<source>.records.jsonl``,
``<source>.rejects.jsonl`` and ``<source>.manifest.json`` (counts, state, watermark, warnings, notes), each written
whole or not at all (:func:`pipeline.storage.write`). The manifest is written last: a source with no manifest did
not finish, and load records it as missing. Nothing here writes the warehouse, and an extract task does not
open it: the run's ``prepare`` reads every source's stored state once (:func:`with_states`) and each job carries
its own (``brandpulse extract`` alone reads it briefly).

Importing this module does not import pandas, torch or matplotlib (tested): extract tasks run by the dozen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline import authorkey
from pipeline.config import Config, ConfigError, make_folder
from pipeline.records import Record, Window
from pipeline.sources import build_source
from pipeline.sources.relevance import repost_key
from pipeline.storage import (
    StagePath,
    is_local,
    json_record,
    local_path,
    mkdirs,
    read_if_exists,
    remove,
    staging_root,
    write,
)
from pipeline.warehouse import connect, row, rows

logger = logging.getLogger("brandpulse")


def safe_name(part: str) -> str:
    """``part`` (a run id, a brand or source name) as one folder name: other characters than letters, digits,
    ``_ . -`` replaced. A name changed so (an Airflow run id's ``:`` and ``+``) or cut at 120 characters ends in a
    hash of the whole, so two ids never share a folder (``a/b`` and ``a_b``, two ids alike in their first 120
    characters: one run's prepare deleted the other's staged files); ``.`` and ``..`` are never the name (a
    run id ``..`` staged into the staging root, shared by every day)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", part)
    if name == part and len(name) <= 120 and name.strip("."):
        return name
    return f"{name[:100]}~{hashlib.sha256(part.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def plan(config: Config, network_only: bool = False) -> list[dict]:
    """One extract job per configured brand and source (``network_only``: leaving out file drops, as the hourly
    watch does)."""
    return [
        {"brand": b.key, "source": s.name}
        for b in config.brands
        for s in b.sources
        if not (network_only and s.type == "file_drop")
    ]


def check_mappable(config: Config, jobs: list[dict], limit: int | None) -> None:
    """A DAG run maps one extract task per job: ``limit`` is Airflow's ``core.max_map_length`` (None: no DAG).
    More jobs than that failed the run's ``prepare`` after it had registered the run, with Airflow's "pushed value
    is too large to map as a downstream's dependency" (retried, to the same end), and the run went on with every
    source missing, night after night; a ConfigError (not retried) says what to set instead."""
    if limit is not None and len(jobs) > limit:
        raise ConfigError(
            f"{config.source_file}: {len(jobs)} brand × source extract jobs, one mapped Airflow task each, are more "
            f"than Airflow's core.max_map_length ({limit}) allows a run: set AIRFLOW__CORE__MAX_MAP_LENGTH to "
            f"{len(jobs)} or more for the API server and the workers, or split the brands over two deployments"
        )


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def interval(config: Config, end: datetime) -> Window:
    """The interval a watch run ending at ``end`` covers: ``[end - watch.interval_minutes, end)``."""
    end = utc(end)
    return Window(end - timedelta(minutes=config.watch.interval_minutes), end)


MAX_CATCH_UP = timedelta(hours=6)  # how far back a watch run reads the hours no successful run read


def read_window(config: Config, end: datetime, last_end: datetime | None = None) -> Window:
    """What a watch run's sources read: its interval, plus ``watch.overlap_minutes`` before it. ``last_end``: the
    end of the last successful watch run; when it ended before this interval (a run skipped beside a night, or
    one that failed), the read starts there instead (less the overlap), at most :data:`MAX_CATCH_UP` back (an
    interval longer than that is read whole all the same)."""
    covered = interval(config, end)
    start = covered.start
    if last_end is not None and utc(last_end) < start:
        start = min(max(utc(last_end), covered.end - MAX_CATCH_UP), covered.start)
    return Window(start - timedelta(minutes=config.watch.overlap_minutes), covered.end)


def job_window(config: Config, end: datetime, job: dict) -> Window:
    """The read window a watch run's ``prepare`` put in each extract job (``read_from``)."""
    if job.get("read_from"):
        return Window(utc(datetime.fromisoformat(job["read_from"])), utc(end))
    return read_window(config, end)


def watch_day(config: Config, end: datetime) -> date:
    """A watch run's day (in the ledger and the staging folder): the UTC day its interval starts on."""
    return interval(config, end).start.date()


def stage_dir(config: Config, day: date, run_id: str) -> StagePath:
    return staging_root(config) / day.isoformat() / safe_name(run_id)


def staged_prefix(config: Config, day: date, run_id: str, brand: str, source: str) -> StagePath:
    """``<stage_dir>/<brand>/<source>``: add ``.records.jsonl``, ``.rejects.jsonl`` or ``.manifest.json``
    (:func:`staged_file`)."""
    return stage_dir(config, day, run_id) / safe_name(brand) / safe_name(source)


def staged_file(prefix: StagePath, suffix: str) -> StagePath:
    """``<prefix><suffix>``, e.g. ``acme/reddit`` + ``.records.jsonl``."""
    return prefix.with_name(prefix.name + suffix)


def start_stage(config: Config, day: date, run_id: str, jobs: list[dict]) -> None:
    """Make the run's staging folder (a local ``staging_dir``: one that cannot be made is a :class:`ConfigError`
    naming it, :func:`pipeline.config.make_folder`) and remove the manifests an earlier attempt of the run staged
    for ``jobs``: a run cleared and run again under its id starts afresh, and its load must not take a source that
    fails this time for one that worked before (recording the source a success and storing its old state back).
    Called by the night's and the watch's ``prepare``."""
    folder = stage_dir(config, day, run_id)
    if is_local(folder):
        make_folder(config, "staging_dir", local_path(folder))
    for job in jobs:
        remove(staged_file(staged_prefix(config, day, run_id, job["brand"], job["source"]), ".manifest.json"))


# what load reads of every manifest (extract writes them all)
MANIFEST_KEYS = {"status", "records", "rejects", "started_at"}


def read_manifest(config: Config, day: date, run_id: str, brand: str, source: str) -> dict | None:
    """The source's staged manifest; None when there is none. A ValueError saying what is wrong when it is not what
    :func:`extract` writes: cut short, or JSON of another shape (a hand's edit) failed the whole load with a
    KeyError or TypeError naming no file, where it leaves only its own source missing."""
    path = staged_file(staged_prefix(config, day, run_id, brand, source), ".manifest.json")
    text = read_if_exists(path)
    return None if text is None else json_record(text, MANIFEST_KEYS)


_STATES = "SELECT brand, source, state FROM source_state"


def stored_states(config: Config, db: Path) -> dict[tuple[str, str], dict]:
    """Every source's stored state, by (brand, source), in one brief read of the warehouse."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        return {(r["brand"], r["source"]): json.loads(r["state"]) for r in rows(con.execute(_STATES))}


def check_brand_ids(config: Config, con) -> None:
    """A ConfigError naming each brand whose id changed with this version (accented letters are kept now: "Żabka"
    is ``zabka``, was ``abka``: :attr:`~pipeline.config.BrandSpec.earlier_key`) while the warehouse holds it under
    the earlier id only (its sources' stored states), with the ``slug`` that keeps it. Without it a night would
    load the brand afresh under the new id, its history, trends and followed threads left under the old one.
    ``prepare`` calls it before it registers the run. An earlier id that is another configured brand's id is that
    brand's history, not this one's ("Abka" beside a new "Żabka")."""
    stored = {r["brand"] for r in rows(con.execute("SELECT DISTINCT brand FROM source_state"))}
    keys = {b.key for b in config.brands}
    moved = [
        f"brands[{i}] {b.name!r}: its id is now {b.key!r}, and the warehouse holds it as {b.earlier_key!r}: set "
        f"slug: {b.earlier_key} to keep that id"
        for i, b in enumerate(config.brands)
        if b.earlier_key != b.key and b.earlier_key in stored and b.key not in stored and b.earlier_key not in keys
    ]
    if moved:
        raise ConfigError(f"{config.source_file}: " + "; ".join(moved))


def with_states(config: Config, db: Path, jobs: list[dict]) -> list[dict]:
    """``jobs`` (from :func:`plan`), each with its source's stored ``state`` (``{}`` if none), read once from the
    warehouse. The run's ``prepare`` step hands them to the extract tasks, so that an extract never opens the
    warehouse file and runs on any worker that reaches the network and the staging area."""
    states = stored_states(config, db) if jobs else {}
    return [{**job, "state": states.get((job["brand"], job["source"]), {})} for job in jobs]


def states_of(jobs: list[dict]) -> dict[tuple[str, str], dict]:
    """The ``states`` argument of :func:`extract` from jobs of :func:`with_states`."""
    return {(job["brand"], job["source"]): job["state"] for job in jobs}


def extract_each(jobs: list[dict], extract_one: Callable[[dict], object], what: str = "extract") -> dict[str, str]:
    """Run ``extract_one(job)`` for every job, in order (an in-process night's or watch run's extracts). A failing
    source does not stop the others (load records it as missing); a configuration error stops them all. Returns
    the failures, ``"brand/source": error``."""
    failed = {}
    for job in jobs:
        try:
            extract_one(job)
        except ConfigError:
            raise
        except Exception as exc:
            failed[f"{job['brand']}/{job['source']}"] = str(exc)
            logger.error("%s %s/%s FAILED: %s", what, job["brand"], job["source"], exc)
    return failed


def extract(
    config: Config,
    brand: str,
    source: str,
    day: date,
    run_id: str,
    db: Path | None = None,
    states: dict[tuple[str, str], dict] | None = None,
    window: Window | None = None,
    author_key: dict | None = None,
) -> dict:
    """Read one source for the day and stage its records, rejects, state and warnings. Raises if the source fails.

    The source starts from its stored state: from ``states`` (:func:`states_of` the run's jobs), else read
    (briefly) from ``db``; with neither, from no state. It reads the night's window
    (the day, plus the source's ``lookback_days`` before it), or ``window`` when given (a watch run's interval
    with its overlap; the staged files still go under ``day``; the source is told, ``watch_run``, and leaves what
    only reconciles to the night).

    Before anything is read, the author key in the environment is checked against ``author_key``, the warehouse's
    as the run's prepare put it in the job (else, reading the state from ``db``, the warehouse's own): another key
    raises :class:`pipeline.authorkey.AuthorKeyChanged` and nothing is staged (:func:`pipeline.authorkey.verify`).
    """
    started = datetime.now(UTC)
    previous = states.get((brand, source), {}) if states is not None else {}
    if states is None and db is not None:  # prepare migrated the warehouse; this only reads it
        with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
            stored = row(con.execute(_STATES + " WHERE brand = ? AND source = ?", [brand, source]))
            author_key = authorkey.carried(authorkey.recorded(con))
        previous = json.loads(stored["state"]) if stored else {}
    prefix = staged_prefix(config, day, run_id, brand, source)
    # an earlier try's (its task cleared after the night ended): until this try's is written the source did not
    # finish, and the load records it missing, not the earlier try's success with its old state (as start_stage)
    remove(staged_file(prefix, ".manifest.json"))
    authorkey.verify(config, author_key)
    mkdirs(prefix.parent)
    src = build_source(config, config.brand(brand), source)
    src.previous_state = previous
    src.watch_run = window is not None
    records, rejects, newest = [], [], None
    if window is None:
        night = Window.for_day(day)
        window = Window(night.start - timedelta(days=src.spec.lookback_days), night.end)  # late posts of earlier days
    for item in src.fetch(window):
        if isinstance(item, Record):
            item = replace(item, text_key=repost_key(item.text))
            records.append(item.to_json())
            newest = max(newest or item.created_at, item.created_at, key=datetime.fromisoformat)
        else:
            rejects.append(item.to_json())
    warnings = list(getattr(src, "warnings", []))
    manifest = {
        "brand": brand,
        "source": source,
        "day": day.isoformat(),
        "window": [window.start.isoformat(), window.end.isoformat()],
        "run_id": run_id,
        "status": "truncated" if warnings else "success",
        "records": write(staged_file(prefix, ".records.jsonl"), records),
        "rejects": write(staged_file(prefix, ".rejects.jsonl"), rejects),
        "state": getattr(src, "state", None) or None,
        "watermark": newest,
        "warnings": warnings,
        "notes": list(getattr(src, "notes", [])),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }
    write(staged_file(prefix, ".manifest.json"), [json.dumps(manifest, default=str)])
    span = f"{window.start:%Y-%m-%d %H:%M}..{window.end:%Y-%m-%d %H:%M}"
    logger.info(
        f"extract {brand}/{source} {span}: {manifest['records']} records, {manifest['rejects']} quarantined"
        + "".join(f"; WARNING: {w}" for w in warnings)
        + "".join(f"; {n}" for n in manifest["notes"])
    )
    return {k: v for k, v in manifest.items() if k != "state"}
