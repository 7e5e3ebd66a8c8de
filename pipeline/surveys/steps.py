"""The survey and customer steps, as plain functions (the DAG and the CLI call exactly these).

- :func:`import_surveys` reads every configured survey export (or the given files), upserts the responses by
  (source, response id) in one transaction, quarantines rejected rows and fields, then scores new or changed
  comments with the sentiment model (outside the warehouse lock) into ``survey_comment_sentiment``;
- :func:`import_customers` does the same for customer lists (each source's latest export is its whole list);
- :func:`survey_metrics` recomputes ``survey_metrics`` (NPS, CSAT, CES per day, week and month x brand x
  touchpoint x segment, with '_all' rollups) and ``customer_metrics`` (churn and CLV per month x brand x
  segment);
- :func:`cx_social_lead` answers "does the social signal lead NPS?" for one brand (read only).

A source whose files are missing or unreadable is recorded in ``run_steps`` as ``missing`` or ``failed`` (so
the night shows as partial) and does not stop the others. With no ``surveys:`` section the steps do nothing.
"""

from __future__ import annotations

import glob
import json
import logging
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from fnmatch import fnmatch
from pathlib import Path

from pipeline.config import ConfigError
from pipeline.sources import REJECT_COLUMNS
from pipeline.surveys import metrics as M
from pipeline.surveys.customers import Customer, customer_metrics
from pipeline.surveys.importer import (
    CUSTOMER_COLUMNS,
    RESPONSE_COLUMNS,
    read_customer_file,
    read_survey_file,
)
from pipeline.surveys.xcorr import XcorrResult, cross_correlation
from pipeline.warehouse import connect, execute, migrate

logger = logging.getLogger("brandpulse")
log = logger.info

COMMENT_CHUNK = 2048
_RUN_DAY = re.compile(r"__(\d{4}-\d{2}-\d{2})__")

SURVEY_METRIC_COLUMNS = {
    "period": "VARCHAR",
    "period_start": "DATE",
    "brand": "VARCHAR",
    "touchpoint": "VARCHAR",
    "segment": "VARCHAR",
    "metric": "VARCHAR",
    "value": "DOUBLE",
    "low": "DOUBLE",
    "high": "DOUBLE",
    "se": "DOUBLE",
    "n": "BIGINT",
    "low_n": "BOOLEAN",
    "n_promoters": "BIGINT",
    "n_passives": "BIGINT",
    "n_detractors": "BIGINT",
    "n_top2": "BIGINT",
}
CUSTOMER_METRIC_COLUMNS = {
    "month": "DATE",
    "brand": "VARCHAR",
    "segment": "VARCHAR",
    "active_start": "BIGINT",
    "churned": "BIGINT",
    "churn_rate": "DOUBLE",
    "churn_low": "DOUBLE",
    "churn_high": "DOUBLE",
    "churn_rate_clv": "DOUBLE",
    "arpu": "DOUBLE",
    "clv_simple": "DOUBLE",
    "clv_discounted": "DOUBLE",
    "margin": "DOUBLE",
    "discount_rate_monthly": "DOUBLE",
    "complete": "BOOLEAN",
    "low_n": "BOOLEAN",
}


def _record_step(con, run_id: str, step: str, **kw) -> None:
    from pipeline.steps import record_step  # lazily: pipeline.steps may import this module

    record_step(con, run_id, step, **kw)


def _run_day(run_id: str, day: date | None) -> date | None:
    if day is not None:
        return day
    m = _RUN_DAY.search(run_id)
    return date.fromisoformat(m.group(1)) if m else None


def _write_jsonl(path: Path, lines) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")
            n += 1
    return n


def _files_for(config, specs, paths, what: str) -> dict[str, list[Path]]:
    """Source name -> the files to read: the configured globs, or the explicit ``paths``.

    ``paths`` may map source names to files, or list files; a listed file goes to the source whose path glob
    matches it (or to the only source)."""
    by_name = {s.name: s for s in specs}
    if paths is None:
        out = {}
        for s in specs:
            pattern = str(config.resolve(s.path))
            out[s.name] = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        return out
    if isinstance(paths, Mapping):
        unknown = sorted(set(paths) - set(by_name))
        if unknown:
            raise ConfigError(f"{config.source_file}: surveys.{what}: no source named {', '.join(unknown)}")
        return {name: [Path(p) for p in files] for name, files in paths.items()}
    out: dict[str, list[Path]] = {}
    for p in paths:
        p = Path(p).resolve()
        owners = [s.name for s in specs if fnmatch(str(p), str(config.resolve(s.path)))]
        if not owners and len(specs) == 1:
            owners = [specs[0].name]
        if len(owners) != 1:
            raise ConfigError(
                f"{p}: cannot tell which surveys.{what} source reads this file "
                f"({'several match' if owners else 'no path glob matches it'}); pass {{source name: [files]}}"
            )
        out.setdefault(owners[0], []).append(p)
    return out


def _short(header: str) -> str:
    return header if len(header) <= 40 else header[:39] + "…"


def _read_all(config, specs, files: dict[str, list[Path]], reader, folder: Path, stem: str):
    """Read every source's files into JSONL under ``folder``; per source: status, counts, detail."""
    by_name = {s.name: s for s in specs}
    records, rejects, seq = folder / f"{stem}.jsonl", folder / f"{stem}.rejects.jsonl", 0
    results = {}
    with records.open("w", encoding="utf-8") as rec, rejects.open("w", encoding="utf-8") as rej:
        for name, paths in files.items():
            spec = by_name[name]
            if not paths:
                results[name] = dict(
                    status="missing",
                    rows_in=0,
                    rows_out=0,
                    rows_quarantined=0,
                    detail=f"no file matches path {spec.path!r} ({config.resolve(spec.path)})",
                )
                logger.warning("%s %s: no file matches %s", stem, name, spec.path)
                continue
            n_ok = n_bad = 0
            try:
                info: dict = {}
                batch = [reader(config, spec, p, info) for p in paths]  # a failing file fails its source whole
            except ConfigError:
                raise  # a configuration mistake stops the step, as it stops the night
            except (OSError, ValueError) as exc:
                results[name] = dict(status="failed", rows_in=0, rows_out=0, rows_quarantined=0, detail=str(exc)[:500])
                logger.error("%s %s FAILED: %s", stem, name, exc)
                continue
            partial = 0
            for good, bad in batch:
                landed = {row.location for row in good}
                partial += sum(r.location in landed for r in bad)  # a bad field; the row itself landed
                for row in good:
                    rec.write(json.dumps({**asdict(row), "seq": seq}, ensure_ascii=False) + "\n")
                    seq += 1
                for r in bad:
                    rej.write(r.to_json() + "\n")
                n_ok += len(good)
                n_bad += len(bad)
            results[name] = dict(
                status="success",
                rows_in=n_ok + n_bad - partial,
                rows_out=n_ok,
                rows_quarantined=n_bad,
                detail=f"{len(paths)} file(s): {', '.join(p.name for p in paths)[:200]}; columns: "
                + ", ".join(f"{k}={_short(v)!r}" for k, v in info.get("columns", {}).items()),
            )
    return records, rejects, results


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
        log("import_surveys: no surveys.sources configured; nothing to do")
        return {"sources": 0, "responses": 0, "new": 0, "changed": 0, "quarantined": 0, "scored": 0}
    started = datetime.now(UTC)
    files = _files_for(config, surveys.sources, paths, "sources")
    with tempfile.TemporaryDirectory(prefix="brandpulse-surveys-") as tmp:
        records, rejects, per_source = _read_all(
            config, surveys.sources, files, read_survey_file, Path(tmp), "responses"
        )
        loaded = [n for n, r in per_source.items() if r["status"] == "success"]
        with connect(db, timeout=config.lock_timeout_s) as con:
            migrate(con)
            con.execute("BEGIN TRANSACTION")
            try:
                execute(
                    con, "survey_stage", {"files": [str(records)], "columns": {**RESPONSE_COLUMNS, "seq": "BIGINT"}}
                )
                staged, new, changed = execute(con, "survey_load_counts").fetchone()
                execute(con, "survey_upsert", {"run_id": run_id})
                execute(
                    con,
                    "load_quarantine",
                    {
                        "files": [str(rejects)],
                        "day": _run_day(run_id, day),
                        "run_id": run_id,
                        "columns": REJECT_COLUMNS,
                    },
                )
                quarantined = execute(
                    con, "survey_quarantine_count", {"run_id": run_id, "sources": [s.name for s in surveys.sources]}
                ).fetchone()[0]
                for name, r in per_source.items():
                    _record_step(con, run_id, "import_surveys", source=name, started_at=started, **r)
                read = sum(per_source[n]["rows_out"] for n in loaded)
                _record_step(
                    con,
                    run_id,
                    "import_surveys",
                    status="success",
                    rows_in=sum(per_source[n]["rows_in"] for n in loaded),
                    rows_out=new,
                    rows_quarantined=quarantined,
                    detail=f"{staged} distinct responses: {new} new, {changed} changed, "
                    f"{staged - new - changed} unchanged; {read - staged} repeated ids in the exports",
                    started_at=started,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    scored = score_survey_comments(config, db, run_id, scorer=scorer) if score_comments else 0
    failed = {n: r["detail"] for n, r in per_source.items() if r["status"] != "success"}
    log(
        f"import_surveys: {staged} responses ({new} new, {changed} changed), {quarantined} newly quarantined, "
        f"{scored} comments scored" + (f"; not read: {', '.join(failed)}" if failed else "")
    )
    return {
        "sources": len(per_source),
        "responses": staged,
        "new": new,
        "changed": changed,
        "quarantined": quarantined,
        "scored": scored,
        "failed_sources": failed,
    }


def score_survey_comments(config, db: Path, run_id: str, scorer=None) -> int:
    """Score every survey comment that has no score from the current model version for its current text."""
    surveys = getattr(config, "surveys", None)
    started = datetime.now(UTC)
    t0, attempted, last_first = time.perf_counter(), 0, None
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            if scorer is None:
                # no model has version "": this asks whether there is any comment at all, before loading the model
                if not execute(con, "survey_unscored_comments", {"model_version": "", "limit": 1}).fetchall():
                    break
                from pipeline.sentiment.scorer import Scorer

                scorer = Scorer.from_config(config)
            rows = execute(
                con, "survey_unscored_comments", {"model_version": scorer.version, "limit": COMMENT_CHUNK}
            ).fetchall()
        if not rows or rows[0][:2] == last_first:  # no progress: stop rather than loop
            break
        last_first = rows[0][:2]
        results = scorer.score([r[2] for r in rows])  # outside the lock: the slow part
        with connect(db, timeout=config.lock_timeout_s) as con:
            execute(
                con,
                "survey_insert_comment_sentiment",
                {
                    "source": [r[0] for r in rows],
                    "response_id": [r[1] for r in rows],
                    "model_name": scorer.name,
                    "model_version": scorer.version,
                    "model_sha256": scorer.sha256,
                    "text_sha256": [s.text_sha256 for s in results],
                    "label": [s.label for s in results],
                    "p_negative": [s.negative for s in results],
                    "p_neutral": [s.neutral for s in results],
                    "p_positive": [s.positive for s in results],
                    "score": [s.score for s in results],
                    "note": [s.note for s in results],
                    "run_id": run_id,
                },
            )
        attempted += len(rows)
        if len(rows) < COMMENT_CHUNK:
            break
    if surveys is not None:
        with connect(db, timeout=config.lock_timeout_s) as con:
            scored = execute(con, "survey_comment_count", {"run_id": run_id}).fetchone()[0]
            rate = attempted / max(time.perf_counter() - t0, 1e-9)
            _record_step(
                con,
                run_id,
                "score_survey_comments",
                rows_in=attempted,
                rows_out=scored,
                rows_quarantined=0,
                detail=f"model {scorer.name} {scorer.version}; {rate:.0f} texts/s" if scorer else "nothing to score",
                started_at=started,
            )
        return scored
    return attempted


def import_customers(
    config, db: Path, run_id: str, paths: Sequence | Mapping | None = None, *, day: date | None = None
) -> dict:
    """Import the customer lists; each source read whole replaces its customers. Returns the counts."""
    surveys = getattr(config, "surveys", None)
    if surveys is None or not surveys.customers:
        log("import_customers: no surveys.customers configured; nothing to do")
        return {"sources": 0, "customers": 0, "new": 0, "changed": 0, "removed": 0, "quarantined": 0}
    started = datetime.now(UTC)
    files = _files_for(config, surveys.customers, paths, "customers")
    with tempfile.TemporaryDirectory(prefix="brandpulse-customers-") as tmp:
        records, rejects, per_source = _read_all(
            config, surveys.customers, files, read_customer_file, Path(tmp), "customers"
        )
        # Only a source read from its configured files is a whole list; explicit files may be a partial drop.
        whole = [n for n, r in per_source.items() if r["status"] == "success" and paths is None]
        with connect(db, timeout=config.lock_timeout_s) as con:
            migrate(con)
            con.execute("BEGIN TRANSACTION")
            try:
                execute(
                    con, "customer_stage", {"files": [str(records)], "columns": {**CUSTOMER_COLUMNS, "seq": "BIGINT"}}
                )
                staged, new, changed, removed = execute(con, "customer_load_counts", {"sources": whole}).fetchone()
                execute(con, "customer_upsert", {"run_id": run_id, "sources": whole})
                execute(
                    con,
                    "load_quarantine",
                    {
                        "files": [str(rejects)],
                        "day": _run_day(run_id, day),
                        "run_id": run_id,
                        "columns": REJECT_COLUMNS,
                    },
                )
                quarantined = execute(
                    con, "survey_quarantine_count", {"run_id": run_id, "sources": [s.name for s in surveys.customers]}
                ).fetchone()[0]
                for name, r in per_source.items():
                    _record_step(con, run_id, "import_customers", source=name, started_at=started, **r)
                _record_step(
                    con,
                    run_id,
                    "import_customers",
                    rows_in=sum(r["rows_in"] for r in per_source.values()),
                    rows_out=new,
                    rows_quarantined=quarantined,
                    detail=f"{staged} distinct customers: {new} new, {changed} changed, {removed} removed",
                    started_at=started,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
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


def _survey_metric_rows(counts, min_n: int):
    for period, start, brand, touchpoint, segment, prom, pas, det, csat_n, top2, ces_n, ces_avg, ces_sd in counts:
        key = {
            "period": period,
            "period_start": start.isoformat(),
            "brand": brand,
            "touchpoint": touchpoint,
            "segment": segment,
        }
        estimates = []
        if prom + pas + det:
            e = M.nps_from_counts(prom, pas, det, min_n=min_n)
            estimates.append(("nps", e, {"n_promoters": prom, "n_passives": pas, "n_detractors": det}))
        if csat_n:
            estimates.append(("csat", M.csat_top2_from_counts(top2, csat_n, min_n=min_n), {"n_top2": top2}))
        if ces_n:
            estimates.append(("ces", M.ces_from_stats(ces_n, ces_avg, ces_sd, min_n=min_n), {}))
        for metric, e, extra in estimates:
            yield json.dumps(
                {
                    **key,
                    "metric": metric,
                    "value": e.value,
                    "low": e.low,
                    "high": e.high,
                    "se": e.se,
                    "n": e.n,
                    "low_n": e.flagged_low_n,
                    **extra,
                }
            )


def survey_metrics(config, db: Path, run_id: str) -> int:
    """Recompute survey_metrics and customer_metrics whole. Returns the number of rows written."""
    surveys = getattr(config, "surveys", None)
    min_n = surveys.min_responses if surveys else M.MIN_N
    started = datetime.now(UTC)
    with connect(db, timeout=config.lock_timeout_s) as con:
        migrate(con)
        counts = execute(con, "survey_metric_counts").fetchall()
        customers = [Customer(*r) for r in execute(con, "customer_rows").fetchall()]
    clv = surveys.clv if surveys else None
    cust_rows = customer_metrics(
        customers,
        margin=clv.margin if clv else 0.3,
        discount_rate_monthly=clv.monthly_discount_rate if clv else 0.10,
        churn_window_months=clv.churn_window_months if clv else 3,
        fixed_monthly_churn=clv.fixed_monthly_churn if clv and clv.retention_source == "fixed" else None,
        min_n=min_n,
    )
    with tempfile.TemporaryDirectory(prefix="brandpulse-survey-metrics-") as tmp:
        survey_file, customer_file = Path(tmp) / "survey.jsonl", Path(tmp) / "customers.jsonl"
        n_survey = _write_jsonl(survey_file, _survey_metric_rows(counts, min_n))
        n_customer = _write_jsonl(customer_file, (json.dumps(r, default=str) for r in cust_rows))
        with connect(db, timeout=config.lock_timeout_s) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                execute(
                    con,
                    "survey_metrics_replace",
                    {"files": [str(survey_file)], "columns": SURVEY_METRIC_COLUMNS, "run_id": run_id},
                )
                execute(
                    con,
                    "customer_metrics_replace",
                    {"files": [str(customer_file)], "columns": CUSTOMER_METRIC_COLUMNS, "run_id": run_id},
                )
                _record_step(
                    con,
                    run_id,
                    "survey_metrics",
                    rows_in=len(counts) + len(customers),
                    rows_out=n_survey + n_customer,
                    rows_quarantined=0,
                    detail=f"{n_survey} survey metric rows, {n_customer} churn/CLV rows (min_responses {min_n})",
                    started_at=started,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    log(f"survey_metrics: {n_survey} survey metric rows, {n_customer} churn/CLV rows")
    return n_survey + n_customer


_SOCIAL = {"mean_score": "social mean score", "share_negative": "social share negative"}
_CX = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def cx_social_lead(
    config, db: Path, brand: str, *, social: str = "mean_score", cx: str = "nps", period: str = "week", max_lag=8
) -> XcorrResult:
    """Does the brand's social ``social`` series lead its survey ``cx`` series? (prewhitened CCF, read only)."""
    if social not in _SOCIAL or cx not in _CX or period not in ("day", "week"):
        raise ValueError(f"social in {sorted(_SOCIAL)}, cx in {sorted(_CX)}, period day or week")
    with connect(db, timeout=config.lock_timeout_s, read_only=True) as con:
        cur = execute(con, "survey_xcorr_series", {"brand": brand, "period": period})
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return cross_correlation(
        [r[social] for r in rows],
        [r[cx] for r in rows],
        max_lag=max_lag,
        leading_name=_SOCIAL[social],
        following_name=_CX[cx],
        period=period,
    )
