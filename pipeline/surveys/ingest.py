"""The survey and customer import steps (the DAG and the CLI call exactly these).

- :func:`import_surveys` reads every configured survey export (or the given files), upserts the responses by
  (source, response id) in one transaction, quarantines rejected rows and fields, then scores new or changed
  comments (:func:`score_survey_comments`, the one scoring loop of :mod:`pipeline.scoring`) into
  ``survey_comment_sentiment``;
- :func:`import_customers` does the same for customer lists (each source's latest export is its whole list).

A source whose files are missing or unreadable is recorded in ``run_steps`` as ``missing`` or ``failed`` (so
the night shows as partial) and does not stop the others. With no ``surveys:`` section the steps do nothing.
Both check the author key in their transaction (:func:`pipeline.authorkey.check`; a DAG task or a command given a
night's ``--run-id`` runs in a process of its own): another key than the warehouse's writes nothing.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from fnmatch import fnmatch
from pathlib import Path

from pipeline import authorkey
from pipeline.config import ConfigError, field_path
from pipeline.files import PatternTooWide, matching_files, write_atomic
from pipeline.ledger import record_step
from pipeline.records import REJECT_COLUMNS
from pipeline.scoring import COMMENTS, score_pending
from pipeline.surveys.importer import (
    CUSTOMER_COLUMNS,
    RESPONSE_COLUMNS,
    read_customer_file,
    read_survey_file,
)
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")
log = logger.info

_RUN_DAY = re.compile(r"__(\d{4}-\d{2}-\d{2})__")


def _run_day(run_id: str, day: date | None) -> date | None:
    if day is not None:
        return day
    m = _RUN_DAY.search(run_id)
    return date.fromisoformat(m.group(1)) if m else None


def refuse_unconfigured(config, paths, what: str) -> None:
    """Files given to import (``brandpulse import-surveys FILE``) with no ``surveys.{what}`` to read them with (the
    mapping of their columns, their brand): a config error naming the first, not a quiet exit 0 that imported
    nothing. Without files (the night), or with a source configured, nothing to refuse."""
    if paths and not getattr(getattr(config, "surveys", None), what, None):
        first = next(iter(paths.values() if isinstance(paths, Mapping) else paths), None)
        first = first[0] if isinstance(first, list | tuple) and first else first
        raise ConfigError(
            f"{config.source_file}: surveys.{what}: none configured, so {first} cannot be imported; add an entry "
            "for its export (its brand and columns) first"
        )


def refuse_files(config, paths, what: str) -> None:
    """Files given to import that the import would refuse, refused before any work (``brandpulse import-surveys
    FILE``, before it registers a run): none configured to read them (:func:`refuse_unconfigured`), a file that is
    not there or a folder, one that no ``surveys.{what}`` source reads (:func:`_files_for`). A mistyped path
    recorded a failed run in the ledger (and made a warehouse where none was)."""
    refuse_unconfigured(config, paths, what)
    if paths:
        _files_for(config, getattr(config.surveys, what), paths, what)


def _files_for(config, specs, paths, what: str) -> dict[str, list[Path]]:
    """Source name -> the files to read: the configured globs, or the explicit ``paths``.

    ``paths`` may map source names to files, or list files; a listed file goes to the source whose path glob
    matches it (or to the only source)."""
    by_name = {s.name: s for s in specs}
    if paths is None:
        out = {}
        for s in specs:
            try:
                out[s.name] = matching_files(config.resolve(s.path))
            except PatternTooWide as exc:
                raise ConfigError(f"{config.source_file}: {_entry(specs, s.name, what)}.path: {exc}") from None
        return out
    if isinstance(paths, Mapping):
        unknown = sorted(set(paths) - set(by_name))
        if unknown:
            raise ConfigError(f"{config.source_file}: surveys.{what}: no source named {', '.join(unknown)}")
        return {name: [Path(p) for p in files] for name, files in paths.items()}
    out: dict[str, list[Path]] = {}
    for p in paths:
        p = Path(p).resolve()
        if not p.is_file():  # said as such, not as a file no source's glob matches
            raise ConfigError(f"{p}: {'a folder, not an export file' if p.is_dir() else 'no such file'}")
        owners = [s.name for s in specs if fnmatch(str(p), str(config.resolve(s.path)))]
        if not owners and len(specs) == 1:
            owners = [specs[0].name]
        if len(owners) != 1:
            raise ConfigError(
                f"{p}: cannot tell which surveys.{what} source reads this file "
                f"({'several match' if owners else 'no path glob matches it'}); put it where one source's path "
                "glob matches it, or import it with that source's configured path"
            )
        out.setdefault(owners[0], []).append(p)
    return out


def _entry(specs, name: str, what: str) -> str:
    """Where source ``name`` sits in the config: ``surveys.customers[0]``."""
    return field_path(("surveys", what, [s.name for s in specs].index(name)))


def _short(header: str) -> str:
    return header if len(header) <= 40 else header[:39] + "…"


def _read_all(
    config, specs, files: dict[str, list[Path]], reader, folder: Path, stem: str, what: str, shared: dict | None = None
):
    """Read every source's files into JSONL under ``folder``; per source: status, counts, detail (``results``)
    and what the reader said besides the rows (``infos``). A failed or missing source's detail names its entry
    (``surveys.{what}[i]``) and the config file: a header without a mapped column may be a mapping to fix.
    ``shared``: entries every source's info starts with, the same objects (what the sources must agree on)."""
    by_name = {s.name: s for s in specs}
    records, rejects, seq = folder / f"{stem}.jsonl", folder / f"{stem}.rejects.jsonl", 0
    results, infos = {}, {}
    rec: list[str] = []
    rej: list[str] = []
    for name, paths in files.items():
        spec = by_name[name]
        if not paths:
            results[name] = dict(
                status="missing",
                rows_in=0,
                rows_out=0,
                rows_quarantined=0,
                detail=f"no file matches path {spec.path!r} ({config.resolve(spec.path)}); "
                f"{_entry(specs, name, what)}.path in {config.source_file}",
            )
            logger.warning("%s %s: no file matches %s", stem, name, spec.path)
            continue
        n_ok = n_bad = 0
        try:
            info: dict = infos.setdefault(name, dict(shared or {}))
            batch = [reader(config, spec, p, info) for p in paths]  # a failing file fails its source whole
        except ConfigError:
            raise  # a configuration mistake stops the step, as it stops the night
        except (OSError, ValueError) as exc:
            where = f"{_entry(specs, name, what)} in {config.source_file}"
            detail = f"{str(exc)[:500]} ({where})"
            results[name] = dict(status="failed", rows_in=0, rows_out=0, rows_quarantined=0, detail=detail)
            logger.error("%s %s FAILED: %s", stem, name, detail)
            continue
        partial = 0
        for good, bad in batch:
            landed = {item.location for item in good}
            partial += sum(r.location in landed for r in bad)  # a bad field; the row itself landed
            for item in good:
                # vars, not dataclasses.asdict: the fields are scalars, and asdict's deep copy cost 1 s a demo night
                rec.append(json.dumps({**vars(item), "seq": seq}, ensure_ascii=False))
                seq += 1
            for r in bad:
                rej.append(r.to_json())
            n_ok += len(good)
            n_bad += len(bad)
        scales = scales_said(spec, info)  # CES or CSAT answers on another scale than read
        results[name] = dict(
            status="success",
            rows_in=n_ok + n_bad - partial,
            rows_out=n_ok,
            rows_quarantined=n_bad,
            detail=f"{len(paths)} file(s): {', '.join(p.name for p in paths)[:200]}; columns: "
            + ", ".join(f"{k}={_short(v)!r}" for k, v in info.get("columns", {}).items())
            + (
                f"; {info['repeated_headers']} row(s) repeating the header skipped (exports joined into one file)"
                if info.get("repeated_headers")
                else ""
            )
            + "".join(
                f"; the ImportId row's timeZone {_short(name)!r} is no time zone: its timestamps were read in {used}"
                for name, used in info.get("unread_zones", {}).items()
            )
            + "".join(f"; {said}" for said in scales),
        )
        for said in scales:
            logger.warning("%s %s: %s", stem, name, said)
    write_atomic(records, rec)
    write_atomic(rejects, rej)
    return records, rejects, results, infos


CES_SCALE_EVIDENCE = 30  # answers, none of them 6 or 7, that say a source's 7-point CES question is on 5 points
CES_ABOVE_SHARE = 0.05  # of the answers, 6s and 7s that say its 5-point one is on 7 (not a typo quarantined)


def ces_scale_said(spec, info: dict) -> str | None:
    """What the import step says of a survey source whose CES answers are plainly on the other scale than its
    ``ces.scale`` (``info``: :func:`~pipeline.surveys.importer.read_survey_file`'s): on 5, answers of 6 or 7 (each
    quarantined), ``CES_ABOVE_SHARE`` of them or more; on 7, none above 5 among ``CES_SCALE_EVIDENCE`` answers or
    more, when 7 is the least effort (the commonest answers then; with ``lower_is_better`` 1-2 are, and a brand
    whose answers all say low effort is no wrong scale). Either way its CES is wrong: a 5-point answer read as a
    7-point one is mapped onto 1-7 as another effort. None when nothing is to be said (a typed 6 among hundreds of
    5-point answers is quarantined, not a scale)."""
    answers, above = info.get("ces_answers", 0), info.get("ces_above_5", 0)
    if not answers:
        return None
    if spec.ces.scale == 5 and above >= CES_ABOVE_SHARE * answers:
        return (
            f"{above} of its {answers} CES answers are 6 or 7, quarantined as outside its ces.scale 5: if the "
            "question is on 7 points, set ces.scale: 7"
        )
    if spec.ces.scale == 7 and not spec.ces.lower_is_better and not above and answers >= CES_SCALE_EVIDENCE:
        return (
            f"none of its {answers} CES answers is above 5, on its ces.scale 7: if the question is on 5 points, set "
            "ces.scale: 5 (read on 7 points, its CES is wrong)"
        )
    return None


def csat_scale_said(info: dict) -> str | None:
    """What the import step says of a survey source whose CSAT question is plainly on 0-10 or 1-10, not 1-5 (``info``:
    :func:`~pipeline.surveys.importer.read_survey_file`'s): ``CES_ABOVE_SHARE`` of its answers or more are 0 or
    above 5 (each quarantined). Its answers of 1-5 land as 1-5 answers (a 5 of 10 in the top-2-box), so its CSAT is
    wrong. None when nothing is to be said (a typed 6 among hundreds of 1-5 answers is quarantined, not a scale)."""
    answers, off = info.get("csat_answers", 0), info.get("csat_off_scale", 0)
    if not answers or off < CES_ABOVE_SHARE * answers:
        return None
    return (
        f"{off} of its {answers} CSAT answers are 0 or above 5, quarantined as outside 1-5: the question is on 0-10 "
        "or 1-10 points, where its answers of 1-5 that landed are not a 1-5 scale's (its CSAT is wrong)"
    )


def scales_said(spec, info: dict) -> list[str]:
    """What the import step says of a survey source whose CES or CSAT answers are on another scale than read."""
    return [said for said in (ces_scale_said(spec, info), csat_scale_said(info)) if said]


def _whole_sources(names, per_source: dict, infos: dict, folder: Path, stem: str, present_row, empty: str, unread: str):
    """Of the sources ``names`` (read whole from their configured files), those whose rows missing from this read
    are removed, and a JSONL of what each still holds (``present_row(name, item)`` for each item of the reader's
    ``info["present"]``: a quarantined row's too). A source is left alone, with the reason (``held``), when nothing
    landed from it (``empty``: an empty export is likelier a failed export than a deleted survey or customer base)
    or a row's id could not be read (``unread``, with ``{n}`` the count: it may be anyone's). Returns (the JSONL,
    the sources read whole, {source: why it removes nothing})."""
    present, whole, held = [], [], {}
    for name in names:
        info = infos.get(name, {})
        if not per_source[name]["rows_out"]:
            held[name] = empty
        elif info.get("unidentified"):
            held[name] = unread.format(n=info["unidentified"])
        else:
            whole.append(name)
            present += (json.dumps(present_row(name, item)) for item in info.get("present", ()))
    out = folder / f"{stem}.present.jsonl"
    write_atomic(out, present)
    return out, whole, held


def _quarantine(con, run_id: str, day, rejects: Path, specs, step: str, per_source: dict, started) -> int:
    """Load the rejects of one import into quarantine, record each source's step; the rows newly quarantined."""
    execute(
        con,
        "ingest/quarantine",
        {"files": [str(rejects)], "day": _run_day(run_id, day), "run_id": run_id, "columns": REJECT_COLUMNS},
    )
    quarantined = row(
        con.execute(
            "SELECT count(*) AS n FROM quarantine WHERE run_id = ? AND list_contains(?, source)",
            [run_id, [s.name for s in specs]],
        )
    )["n"]
    for name, r in per_source.items():
        record_step(con, run_id, step, source=name, started_at=started, **r)
    return quarantined


def import_surveys(
    config,
    db: Path,
    run_id: str,
    paths: Sequence | Mapping | None = None,
    *,
    day: date | None = None,
    scorer=None,
    score_comments: bool = True,
) -> dict:
    """Import the survey exports, quarantine what cannot land, and score the comments. Returns the counts.

    ``paths``: None reads the configured globs; a list of files or {source name: [files]} reads those.
    ``day``: the run's day for quarantine rows (default: from the run id).
    """
    surveys = getattr(config, "surveys", None)
    if surveys is None or not surveys.sources:
        refuse_unconfigured(config, paths, "sources")
        log("import_surveys: no surveys.sources configured; nothing to do")
        return {
            "sources": 0,
            "responses": 0,
            "new": 0,
            "changed": 0,
            "removed": 0,
            "withdrawn": 0,
            "quarantined": 0,
            "scored": 0,
        }
    started = datetime.now(UTC)
    files = _files_for(config, surveys.sources, paths, "sources")
    with tempfile.TemporaryDirectory(prefix="brandpulse-surveys-") as tmp:
        records, rejects, per_source, infos = _read_all(
            config, surveys.sources, files, read_survey_file, Path(tmp), "responses", "sources"
        )
        loaded = [n for n, r in per_source.items() if r["status"] == "success"]
        by_name = {s.name: s for s in surveys.sources}
        present, whole, held = _whole_sources(
            [n for n in loaded if paths is None and by_name[n].whole_history],
            per_source,
            infos,
            Path(tmp),
            "responses",
            lambda name, response_id: {"source": name, "response_id": response_id},
            "no response landed from the export",
            "{n} row(s) without a readable response id",
        )
        for name, why in held.items():
            logger.warning("import_surveys %s: whole_history, but nothing removed: %s", name, why)
        # responses whose row read last is a Qualtrics preview, test or spam row: a copy that landed before leaves
        not_answers = Path(tmp) / "responses.not_answers.jsonl"
        write_atomic(
            not_answers,
            [
                json.dumps({"source": name, "response_id": rid})
                for name in loaded
                for rid in infos.get(name, {}).get("not_answers", ())
            ],
        )
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            authorkey.check(config, con, db)  # customer ids hashed with another key: nothing lands
            execute(
                con,
                "surveys/response_stage",
                {
                    "files": [str(records)],
                    "columns": {**RESPONSE_COLUMNS, "seq": "BIGINT"},
                    "present": [str(present)],
                    "not_answers": [str(not_answers)],
                },
            )
            counts = row(execute(con, "surveys/response_counts", {"whole": whole, "run_id": run_id}))
            staged, new, changed, removed = counts["staged"], counts["new"], counts["changed"], counts["removed"]
            withdrawn = counts["withdrawn"]
            execute(con, "surveys/response_upsert", {"run_id": run_id, "whole": whole})
            quarantined = _quarantine(con, run_id, day, rejects, surveys.sources, "import_surveys", per_source, started)
            read = sum(per_source[n]["rows_out"] for n in loaded)
            orphans = _unconfigured_sources(con, [s.name for s in surveys.sources])
            twice = _answers_in_two_sources(con, [s.name for s in surveys.sources])
            variants = _case_variants(con, "survey_responses", ("touchpoint", "segment"))
            record_step(
                con,
                run_id,
                "import_surveys",
                status="success",
                rows_in=sum(per_source[n]["rows_in"] for n in loaded),
                rows_out=new,
                rows_quarantined=quarantined,
                detail=f"{staged} distinct responses: {new} new, {changed} changed, "
                f"{staged - new - changed} unchanged; {read - staged} repeated ids in the exports"
                + (f"; {removed} removed (no longer in a whole-history export)" if whole else "")
                + (f"; {withdrawn} removed (now a Qualtrics preview, test or spam)" if withdrawn else "")
                + "".join(f"; {n}: nothing removed, {why}" for n, why in held.items())
                + (f"; {orphans}" if orphans else "")
                + (f"; {twice}" if twice else "")
                + (f"; {variants}" if variants else ""),
                started_at=started,
            )
    for said in (orphans, twice, variants):
        if said:
            logger.warning(f"import_surveys: {said}")
    scored = score_survey_comments(config, db, run_id, scorer=scorer) if score_comments else 0
    failed = {n: r["detail"] for n, r in per_source.items() if r["status"] != "success"}
    log(
        f"import_surveys: {staged} responses ({new} new, {changed} changed"
        + (f", {removed} removed" if whole else "")
        + (f", {withdrawn} removed as previews, tests or spam" if withdrawn else "")
        + f"), {quarantined} newly quarantined, "
        f"{scored} comments scored" + (f"; not read: {', '.join(failed)}" if failed else "")
    )
    return {
        "sources": len(per_source),
        "responses": staged,
        "new": new,
        "changed": changed,
        "removed": removed,
        "withdrawn": withdrawn,
        "quarantined": quarantined,
        "scored": scored,
        "failed_sources": failed,
    }


def _case_variants(con, table: str, columns: tuple[str, ...]) -> str | None:
    """Labels of one brand that differ only in case ('Enterprise' in one export, 'enterprise' in another), said
    plainly: they are kept as written, so the metrics count them as two segments (or touchpoints). Whose spelling
    is right is the team's call, not the import's."""
    found = []
    for column in columns:  # the names are this module's own, never the config's
        found += [
            f"{r['brand']} {column} {' / '.join(map(repr, r['labels']))}"
            for r in rows(
                con.execute(
                    f"SELECT brand, list(DISTINCT {column} ORDER BY {column}) AS labels FROM {table}"
                    f" WHERE {column} IS NOT NULL GROUP BY brand, lower({column})"
                    f" HAVING count(DISTINCT {column}) > 1 ORDER BY brand, lower({column})"
                )
            )
        ]
    if not found:
        return None
    return (
        f"labels that differ only in case are counted apart: {'; '.join(found[:5])}"
        + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")
        + "; make the exports agree (the next import replaces the rows)"
    )


def _unconfigured_sources(con, configured: list[str]) -> str | None:
    """What the warehouse holds of survey sources no longer in the config, said plainly: their answers still count
    in every metric, and a source renamed in the config counts each answer twice (once under each name)."""
    found = rows(
        con.execute(
            "SELECT source, count(*) AS n FROM survey_responses WHERE NOT list_contains($names, source)"
            " GROUP BY source ORDER BY source",
            {"names": configured},
        )
    )
    if not found:
        return None
    listed = ", ".join(f"{r['source']} ({r['n']:,})" for r in found)
    return (
        f"survey_responses holds answers of sources no longer configured: {listed}; they still count in every "
        "metric, twice if the source was renamed. If so: DELETE FROM survey_responses WHERE source = '<old name>', "
        "then brandpulse survey-metrics"
    )


def _answers_in_two_sources(con, configured: list[str]) -> str | None:
    """Answers that the warehouse holds under two configured sources or more, said plainly: the same response
    (brand, response id and time) with one score answered in two of them (one survey's export read by two sources,
    an NPS and a CSAT export of one Qualtrics survey), which every metric counts once per source. Answers are keyed
    by source and response id, and which source's copy is right is the team's call, not the import's (a source no
    longer configured is said by :func:`_unconfigured_sources`)."""
    found = rows(
        con.execute(
            "SELECT sources, count(*) AS n FROM (SELECT list(source ORDER BY source) AS sources FROM survey_responses"
            " WHERE list_contains($names, source) GROUP BY brand, response_id, responded_at"
            " HAVING count(nps) > 1 OR count(csat) > 1 OR count(ces_norm) > 1) GROUP BY sources ORDER BY sources",
            {"names": configured},
        )
    )
    if not found:
        return None
    listed = "; ".join(f"{' / '.join(r['sources'])} ({r['n']:,})" for r in found[:5])
    return (
        f"responses imported by several sources (same brand, response id and time) count once per source in NPS, "
        f"CSAT and CES: {listed}" + (f" (and {len(found) - 5} more)" if len(found) > 5 else "") + "; if one survey is "
        "read twice, keep one source: remove the other from the config, then DELETE FROM survey_responses WHERE "
        "source = '<its name>', then brandpulse survey-metrics"
    )


def score_survey_comments(config, db: Path, run_id: str, scorer=None) -> int:
    """Score every survey comment whose sentiment (the latest score of its current text) is not the current model
    version's: a new comment, an edited one, a new model, an earlier model configured again."""
    started = datetime.now(UTC)
    done = score_pending(config, db, run_id, COMMENTS, scorer=scorer)
    if getattr(config, "surveys", None) is None:
        return done.attempted
    with connect(db, timeout=config.lock_timeout_s) as con:
        scored = row(con.execute("SELECT count(*) AS n FROM survey_comment_sentiment WHERE run_id = ?", [run_id]))["n"]
        record_step(
            con,
            run_id,
            "score_survey_comments",
            rows_in=done.attempted,
            rows_out=scored,
            rows_quarantined=0,
            detail=f"model {done.model}; {done.rate:.0f} texts/s" if done.model else "nothing to score",
            started_at=started,
        )
    return scored


def import_customers(
    config, db: Path, run_id: str, paths: Sequence | Mapping | None = None, *, day: date | None = None
) -> dict:
    """Import the customer lists; each source read whole replaces its customers. Returns the counts."""
    surveys = getattr(config, "surveys", None)
    if surveys is None or not surveys.customers:
        refuse_unconfigured(config, paths, "customers")
        log("import_customers: no surveys.customers configured; nothing to do")
        return {"sources": 0, "customers": 0, "new": 0, "changed": 0, "removed": 0, "quarantined": 0}
    started = datetime.now(UTC)
    files = _files_for(config, surveys.customers, paths, "customers")
    with tempfile.TemporaryDirectory(prefix="brandpulse-customers-") as tmp:
        # a brand's lists are in one currency (one ARPU, one CLV): the currencies seen are shared by its lists
        shared = {"currencies": {}}
        records, rejects, per_source, infos = _read_all(
            config, surveys.customers, files, read_customer_file, Path(tmp), "customers", "customers", shared
        )
        # Only a source read from its configured files is a whole list; explicit files may be a partial drop. A
        # customer whose row is quarantined is still listed (customer_present). A list removes nobody, as a
        # whole-history survey export does not, when no customer landed from it (every row quarantined: a changed
        # date format, likelier a broken export than an empty customer base) or a row's id cannot be read (a row
        # that is not CSV, an empty id cell: it may be any customer's).
        present, whole, held = _whole_sources(
            [n for n, r in per_source.items() if r["status"] == "success" and paths is None],
            per_source,
            infos,
            Path(tmp),
            "customers",
            lambda name, item: {"source": name, "brand": item[0], "customer_hash": item[1]},
            "no customer landed from the list",
            "{n} row(s) whose customer id cannot be read (it may be any customer's)",
        )
        for name, why in held.items():
            logger.warning("import_customers %s: nothing removed: %s", name, why)
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            authorkey.check(config, con, db)  # customer ids hashed with another key: nothing lands
            execute(
                con,
                "surveys/customer_stage",
                {"files": [str(records)], "columns": {**CUSTOMER_COLUMNS, "seq": "BIGINT"}, "present": [str(present)]},
            )
            counts = row(execute(con, "surveys/customer_counts", {"sources": whole}))
            staged, new, changed = counts["staged"], counts["new"], counts["changed"]
            removed = counts["removed"]
            read = sum(r["rows_out"] or 0 for r in per_source.values() if r["status"] == "success")
            repeated = (
                f"{read - staged} repeated customer ids in the lists: each keeps its row of the latest start "
                "date (one row a customer; a list with a row per subscription period keeps only the latest period's "
                "dates)"
                if read > staged
                else None
            )
            execute(con, "surveys/customer_upsert", {"run_id": run_id, "sources": whole})
            quarantined = _quarantine(
                con, run_id, day, rejects, surveys.customers, "import_customers", per_source, started
            )
            variants = _case_variants(con, "customers", ("segment",))
            record_step(
                con,
                run_id,
                "import_customers",
                rows_in=sum(r["rows_in"] for r in per_source.values()),
                rows_out=new,
                rows_quarantined=quarantined,
                detail=f"{staged} distinct customers: {new} new, {changed} changed, {removed} removed"
                + "".join(f"; {n}: nothing removed, {why}" for n, why in held.items())
                + (f"; {repeated}" if repeated else "")
                + (f"; {variants}" if variants else ""),
                started_at=started,
            )
    for said in (repeated, variants):
        if said:
            logger.warning(f"import_customers: {said}")
    failed = {n: r["detail"] for n, r in per_source.items() if r["status"] != "success"}
    log(f"import_customers: {staged} customers ({new} new, {changed} changed, {removed} removed)")
    return {
        "sources": len(per_source),
        "customers": staged,
        "new": new,
        "changed": changed,
        "removed": removed,
        "quarantined": quarantined,
        "failed_sources": failed,
    }
