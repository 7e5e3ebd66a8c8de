"""Load: the only writer of ``mentions``, ``reposts`` and ``source_state``, and of the sources' rejects in
``quarantine`` (the survey importer quarantines its own fields through the same statement).

:func:`load` upserts every file the run staged (:mod:`pipeline.staging`) in **one** transaction, with the
per-source and load counts in ``run_steps``. A crash before its COMMIT leaves the warehouse as it was;
re-running the night stages and loads the same rows again, and the natural keys make it exactly-once.
Sources with no manifest (their extract failed or did not run) are recorded as ``missing``, as are those whose
staged files no longer hold the rows their manifest counted (:func:`_changed`), or whose manifest
cannot be read.

A staged row whose mention id is stored already for another platform (a mention id carries no platform: a file
drop's native id reused by another platform's post, in an export of a later night) is quarantined with the reason
instead of being merged into the stored mention, which stays as it is (:func:`_id_clash`), unless it is the same
post under another label (``ingest/mentions.sql``); a file drop's reject of that stored mention is left out
(:func:`_stored_clash`).

A mention id is brand, source and native id: a source renamed in the config loads its rows again under the new name.
The rows it stores anew whose native id is stored under a source of their brand no longer configured are loaded, and
the load's detail and the log say so, naming both sources (:func:`_renamed`).
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline import faults
from pipeline.config import Config
from pipeline.ledger import record_step, record_steps, require_run
from pipeline.records import RECORD_COLUMNS, REJECT_COLUMNS, Reject, clash_content, raw_json
from pipeline.staging import plan, read_manifest, staged_file, staged_prefix
from pipeline.storage import StagePath, fetch
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")


@dataclass
class LoadResult:
    new_mentions: int = 0
    seen_mentions: int = 0
    quarantined: int = 0
    reposts: int = 0
    id_clashes: int = 0  # staged rows whose id is stored for another platform (quarantined, in quarantined)
    missing: list[str] = field(default_factory=list)
    kept_out: list[str] = field(default_factory=list)  # quarantine ids of file-drop rejects of a stored mention


def load(config: Config, db: Path, day: date, run_id: str, network_only: bool = False) -> LoadResult:
    """Upsert everything the run staged, in one transaction. Sources with no manifest are recorded as missing.
    ``network_only``: the run read the network sources only (a watch run), so file drops are not missing."""
    result = LoadResult()
    extract_steps, states, records, rejects = [], [], [], []
    loaded: list[tuple[str, str]] = []  # (brand, source) of each staged source: its quarantine rows are the load's
    with tempfile.TemporaryDirectory(prefix="brandpulse-load-") as tmp:  # an object store's files, copied here
        # before the warehouse is locked: a slow store holds this task, never the warehouse (pipeline.storage)
        for job in plan(config, network_only=network_only):
            brand, source = job["brand"], job["source"]
            prefix = staged_prefix(config, day, run_id, brand, source)
            files, changed = None, None
            try:
                m = read_manifest(config, day, run_id, brand, source)
            except ValueError as exc:  # cut short or edited (a share, a hand): this source missing, not every one
                name = staged_file(prefix, ".manifest.json").name
                m, changed = None, f"its staged {name} cannot be read ({exc}): not loaded (run the night again)"
            if m is not None:
                files = [_fetched(staged_file(prefix, s), Path(tmp)) for s in _STAGED]
                changed = _changed(files, m)
            if m is None or changed:
                result.missing.append(f"{brand}/{source}")
                extract_steps.append(
                    dict(
                        step="extract",
                        brand=brand,
                        source=source,
                        status="missing",
                        detail=changed or "no staged output: the extract task failed or did not run",
                    )
                )
                continue
            records.append(str(files[0]))
            rejects.append(str(files[1]))
            loaded.append((brand, source))
            extract_steps.append(
                dict(
                    step="extract",
                    brand=brand,
                    source=source,
                    status=m["status"],
                    rows_in=m["records"] + m["rejects"],
                    rows_out=m["records"],
                    rows_quarantined=m["rejects"],
                    detail="; ".join((m.get("warnings") or []) + (m.get("notes") or [])) or None,
                    started_at=m["started_at"],
                )
            )
            if m.get("state") is not None or m.get("watermark"):
                states.append(
                    {
                        "brand": brand,
                        "source": source,
                        "state": json.dumps(m.get("state") or {}),
                        "watermark": m.get("watermark"),
                    }
                )
        staged = bool(loaded)
        staged_rows = sum(s.get("rows_out") or 0 for s in extract_steps)
        rejected_rows = sum(s.get("rows_quarantined") or 0 for s in extract_steps)
        started = datetime.now(UTC)
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            require_run(con, run_id)
            new = distinct = 0
            renamed = None
            if staged:
                gone = _gone_sources(con, config, {b for b, _ in loaded})
                execute(
                    con,
                    "ingest/mentions",
                    {
                        "files": records,
                        "run_id": run_id,
                        "columns": RECORD_COLUMNS,
                        "gone_brand": [b for b, _ in gone],
                        "gone_source": [s for _, s in gone],
                    },
                )
                renamed = _renamed(rows(con.execute("SELECT * FROM staged_renamed ORDER BY ALL"))) if gone else None
                found = rows(con.execute("SELECT * FROM id_clashes ORDER BY mention_id"))
                if found:  # quarantined as the sources' rejects are, in this transaction
                    result.id_clashes = len(found)
                    clashed = Path(tmp) / "id-clashes.rejects.jsonl"  # the fetched files are in folders of their own
                    clashed.write_text("".join(_id_clash(r).to_json() + "\n" for r in found), encoding="utf-8")
                    rejects.append(str(clashed))
                execute(
                    con,
                    "ingest/quarantine",
                    {"files": rejects, "run_id": run_id, "day": day, "columns": REJECT_COLUMNS},
                )
                if found:  # a file drop's reject of a stored mention (_stored_clash): the stored id wins
                    result.kept_out = [
                        r["quarantine_id"]
                        for r in rows(
                            con.execute(
                                "DELETE FROM quarantine WHERE run_id = ? AND list_contains(?, quarantine_id) "
                                "RETURNING quarantine_id",
                                [run_id, [_stored_clash(r) for r in found]],
                            )
                        )
                    ]
                brands, sources = [b for b, _ in loaded], [s for _, s in loaded]
                counts = row(execute(con, "ingest/counts", {"run_id": run_id, "brand": brands, "source": sources}))
                new, distinct = counts["new_mentions"], counts["distinct_staged"]
                result.quarantined, result.reposts = counts["new_quarantined"], counts["new_reposts"]
            kept: list[str] = []  # sources whose state a later day's night stored: left as it is
            if states:
                stored = execute(
                    con,
                    "ingest/source_state",
                    {k: [s[k] for s in states] for k in ("brand", "source", "state", "watermark")}
                    | {"day": day, "run_id": run_id},
                )
                kept = [
                    f"{r['brand']}/{r['source']} (the night of {r['night_day']})"
                    for r in rows(stored)
                    if r["run_id"] != run_id
                ]
            result.new_mentions = new
            result.seen_mentions = max(distinct - new - result.reposts, 0)
            record_steps(con, run_id, extract_steps)
            detail = f"{result.seen_mentions} already in the warehouse; {result.reposts} new reposts stored once"
            clashes, kept_out = result.id_clashes, len(result.kept_out)
            if clashes:
                detail += f"; {clashes} rows quarantined: their id is stored for another platform"
            if staged_rows - clashes > distinct:
                detail += f"; {staged_rows - clashes - distinct} repeated ids in the staged files"
            if kept_out:
                detail += f"; {kept_out} file-drop rejects not quarantined: their row is the mention stored"
            if renamed:
                detail += f"; {renamed}"
                logger.warning(f"load {run_id}: {renamed}")
            if kept:
                detail += f"; state not stored over a later night's: {', '.join(kept)}"
                # what a backfill or re-run of an older night does, as designed: said, not warned (a demo run again
                # printed 67 such warnings)
                logger.info(f"load {run_id}: the state of {', '.join(kept)} is newer: not stored over it")
            if rejected_rows + clashes - kept_out > result.quarantined:
                detail += f"; {rejected_rows + clashes - kept_out - result.quarantined} rejects already in quarantine"
            record_step(
                con,
                run_id,
                "load",
                status="success",
                rows_in=staged_rows + rejected_rows,
                rows_out=result.new_mentions,
                rows_quarantined=result.quarantined,
                detail=detail,
                started_at=started,
            )
            faults.checkpoint("load:before_commit")
    logger.info(
        f"load {day}: {result.new_mentions} new, {result.seen_mentions} already present, "
        f"{result.quarantined} newly quarantined"
        + (f"; missing sources: {', '.join(result.missing)}" if result.missing else "")
    )
    return result


_STAGED = (".records.jsonl", ".rejects.jsonl")


def _fetched(path: StagePath, into: Path) -> Path:
    """:func:`~pipeline.storage.fetch`; a file gone from a store is a local path that is not there, as a folder's
    is (:func:`_changed` says so): the load raised FileNotFoundError, and no source was loaded."""
    try:
        return fetch(path, into)
    except FileNotFoundError:
        return into / "gone" / path.name  # fetched copies are in folders of their own (fetched-*): none is here


def _lines(path: Path) -> int | None:
    """The lines of a local staged file (a JSON line holds no newline of its own); None when it is not there."""
    try:
        with path.open("rb") as fh:
            return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    except FileNotFoundError:
        return None


def _changed(files: list[Path], manifest: dict) -> str | None:
    """What is wrong with a source's staged records and rejects (``files``, local) that do not hold the rows its
    manifest counted (cut short, edited or gone after its extract), else None. Such a source is not loaded, and its
    state not stored, so the night run again reads it again: loaded, the rows cut off were lost for good, the
    source's state saying they were read (a file drop's export, unchanged, is not read again)."""
    held = [_lines(f) for f in files]
    if held == [manifest["records"], manifest["rejects"]]:
        return None
    said = ", ".join(
        f"{f.name} {'is not there' if n is None else f'holds {n} rows'}" for f, n in zip(files, held, strict=True)
    )
    return (
        f"staged files changed after the extract: {said}; its manifest counted {manifest['records']} records and "
        f"{manifest['rejects']} rejects: not loaded (run the night again)"
    )


def _gone_sources(con, config: Config, brands: set[str]) -> list[tuple[str, str]]:
    """The (brand, source) pairs of ``brands`` that loaded before (their stored state: source_state is small) and are
    no longer in the config: a source removed, or renamed."""
    configured = {(b.key, s.name) for b in config.brands for s in b.sources}
    return [
        (r["brand"], r["source"])
        for r in rows(con.execute("SELECT brand, source FROM source_state ORDER BY brand, source"))
        if r["brand"] in brands and (r["brand"], r["source"]) not in configured
    ]


def _renamed(found: list[dict]) -> str | None:
    """What the load stored again under another name (``staged_renamed``, ``ingest/mentions.sql``), said plainly: rows
    whose native id is stored under a source of their brand no longer configured, most likely the same source renamed
    in the config, whose mentions every metric now counts twice (a repost, its mention's repost count). They are
    loaded all the same: a native id is unique within a source only (a new source's ids may be a removed one's), and
    a file drop does not read its file again."""
    if not found:
        return None
    listed = "; ".join(
        f"{r['n']:,} new rows of {r['brand']}/{r['source']} have the native id of a mention of "
        f"{r['brand']}/{r['gone_source']}, a source no longer configured"
        for r in found
    )
    return (
        f"{listed}: loaded, but if the source was renamed, these posts are now stored and counted twice, once under "
        "each name; put the old name back in the config and remove the new name's rows (README, Running it in "
        "production: Renaming a source)"
    )


def _id_clash(staged: dict) -> Reject:
    """The reject of a staged row whose id is stored for another platform: the row as staged, where it was read (a
    file drop's file and line), keyed by its id and platform (:func:`~pipeline.records.clash_content`, as the file
    drop keys the rows it finds so), so a night that stages it again finds it in quarantine."""
    record = {k: staged[k] for k in RECORD_COLUMNS if k != "location"}
    record["created_at"] = staged["created_at"].isoformat()
    reason = (
        f"native id {staged['native_id'][:60]!r} is also the id of a {staged['stored_platform']} mention this source "
        f"loaded before: the ids of one source must be unique, so this {staged['platform']} row is quarantined "
        "rather than merged into it"
    )
    clash = clash_content(staged["native_id"], staged["platform"])
    return Reject.of(staged["brand"], staged["source"], reason, raw_json(record), staged["location"], content=clash)


def _stored_clash(staged: dict) -> str:
    """The key of a file drop's reject of the mention stored for a staged row's id: the file drop quarantines the row
    of an id in a file it reads after another platform's row (its order of files knows the files it loaded, not what
    is stored), which is wrong when that row is the stored mention (the file it was read from renamed, or gone and
    back): the stored id wins."""
    return Reject.key(staged["brand"], staged["source"], clash_content(staged["native_id"], staged["stored_platform"]))
