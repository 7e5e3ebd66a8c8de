"""Scoring: the one chunked loop that puts a sentiment score on every text that has none from the model in use.

:func:`score_pending` serves mentions (the nightly ``score`` step, :func:`score`) and survey comments
(:func:`pipeline.surveys.ingest.score_survey_comments`) alike, through a :class:`Target`: which query lists
the unscored texts (key columns plus ``text``, ``$model_version``, ``$limit``) and which query inserts a chunk
of scores (the keys and the score columns as parallel lists). Per chunk of :data:`SCORE_CHUNK` texts it reads
briefly under the warehouse lock, scores outside it (the slow part), then writes the scores in one short
transaction. The model is loaded only when there is something to score.

The Airflow night fans the score step out instead (:func:`plan_shards`, :func:`score_shard`, :func:`load_scores`):
the plan stages the night's unscored mentions as Parquet shards of ``scoring.shard_size`` texts in the staging
area (a folder or an object store, :mod:`pipeline.storage`); one mapped task per shard scores its file with no
warehouse access at all, so it can run on any worker of the Celery or Kubernetes executor, and writes its
scores beside it; one task then loads every shard's scores in one transaction, through the same insert as the
chunked loop. In-process runs (``brandpulse run``, the hourly watch) keep the chunked loop: one process, and a
commit every chunk.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipeline.config import Config
from pipeline.ledger import record_step
from pipeline.staging import stage_dir
from pipeline.storage import (
    StagePath,
    fetch,
    json_record,
    mkdirs,
    names_in,
    parquet_rows,
    read_if_exists,
    read_parquet,
    remove,
    url,
    write,
    write_parquet,
)
from pipeline.warehouse import connect, execute, row, rows, transaction

SCORE_CHUNK = 2048
ALL = 2**62  # the unscored query's $limit when the plan lists every unscored mention
# The most shards a plan makes: Airflow's core.max_map_length (1024 by default) fails a task that maps more. A
# backlog (a first backfill, a model change) larger than this many shard_size shards gets larger shards instead.
MAX_SHARDS = 1024
PLAN_BATCH = 50_000  # unscored texts the plan holds in memory at a time (about 40 MB of Python objects)
logger = logging.getLogger("brandpulse")


@dataclass(frozen=True)
class Target:
    what: str  # for logs
    unscored: str  # query: key columns + text, for $model_version, at most $limit
    insert: str  # query: the keys and score columns as parallel lists, $model_*, $run_id
    keys: tuple[str, ...]
    # whether what needs a score depends on the model version: a mention needs one when it has none (only a rescore,
    # with its since, asks for a version's), a survey comment when its latest score is not the model in use's
    versioned: bool


MENTIONS = Target("mentions", "scoring/unscored_mentions", "scoring/insert_mentions", ("mention_id", "day"), False)
COMMENTS = Target(
    "survey comments", "scoring/unscored_comments", "scoring/insert_comments", ("source", "response_id"), True
)


@dataclass
class ScoreRun:
    attempted: int = 0
    rate: float = 0.0
    model: str | None = None  # "<name> <version>" of the scorer used, None when nothing needed scoring
    version: str | None = None  # its version alone


def load_scorer(config: Config):
    """The configured scorer (the model loads here: seconds, so only when something needs a score)."""
    from pipeline.sentiment.scorer import Scorer  # torch and transformers: never on import of this module

    return Scorer.from_config(config)


def version_to_score(config: Config) -> str:
    """The version the configured scorer would score with here, its weights not loaded (torch is imported)."""
    from pipeline.sentiment.scorer import Scorer  # torch: never on import of this module

    return Scorer.version_from_config(config)


def score_columns(scorer, texts: list[str]) -> dict:
    """Score ``texts`` (the slow part): the model's name, version and hash, and each score column as a list in
    the order of ``texts``, as ``scoring/insert_*`` takes them."""
    results = scorer.score(texts)
    return dict(
        model_name=scorer.name,
        model_version=scorer.version,
        model_sha256=scorer.sha256,
        text_sha256=[s.text_sha256 for s in results],
        label=[s.label for s in results],
        p_negative=[s.negative for s in results],
        p_neutral=[s.neutral for s in results],
        p_positive=[s.positive for s in results],
        score=[s.score for s in results],
        note=[s.note for s in results],
    )


def score_pending(
    config: Config,
    db: Path,
    run_id: str,
    target: Target,
    scorer=None,
    chunk: int = SCORE_CHUNK,
    progress=None,
    since=None,
) -> ScoreRun:
    """Score every text of ``target`` that needs a score from the model in use (for mentions: those with no score
    at all, plus, with ``since``, every mention of a day on or after it). ``progress(n)`` gets the running count
    after each chunk. Each chunk commits on its own, so an interrupted run resumes where it stopped."""
    out = ScoreRun()
    t0 = time.perf_counter()
    last_first = None
    if scorer is None and not _anything_to_score(config, db, target, since):
        return out  # the model was not loaded
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            if scorer is None:
                scorer = load_scorer(config)
            batch = rows(
                execute(con, target.unscored, {"model_version": scorer.version, "limit": chunk, "since": since})
            )
        first = tuple(batch[0][k] for k in target.keys) if batch else None
        if not batch or first == last_first:  # nothing left, or no progress: stop rather than loop
            break
        last_first = first
        params = {k: [r[k] for r in batch] for k in target.keys}
        params.update(score_columns(scorer, [r["text"] for r in batch]), run_id=run_id)  # outside the lock
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            execute(con, target.insert, params)
        out.attempted += len(batch)
        if progress:
            progress(out.attempted)
        if len(batch) < chunk:
            break
    if scorer is not None:
        out.model, out.version = f"{scorer.name} {scorer.version}", scorer.version
    out.rate = out.attempted / max(time.perf_counter() - t0, 1e-9)
    return out


def _anything_to_score(config: Config, db: Path, target: Target, since) -> bool:
    """Whether anything of ``target`` needs a score, asked before a model is loaded: of version "", which no model
    has (a mention with no score at all, and every candidate of the rest); then, where that is not the whole answer
    (a survey comment, a rescore's mention), of the version the configured model would score with here (torch
    imported, outside the warehouse's lock; not when there is no candidate at all)."""

    def asked(version: str) -> bool:
        with connect(db, timeout=config.lock_timeout_s) as con:
            return bool(rows(execute(con, target.unscored, {"model_version": version, "limit": 1, "since": since})))

    if not asked(""):
        return False
    return asked(version_to_score(config)) if target.versioned or since is not None else True


def score(config: Config, db: Path, run_id: str, scorer=None, progress=None) -> int:
    """The nightly ``score`` step: score the night's new mentions (every mention with no score yet) with the
    configured model. A new model version does not rescore history here (``brandpulse rescore`` does), so a model
    change never makes a night late. Returns how many this run scored."""
    started = datetime.now(UTC)
    # no scorer given: score_pending loads the model only when a mention needs it (a re-run, a quiet night)
    done = score_pending(config, db, run_id, MENTIONS, scorer=scorer, progress=progress)
    with connect(db, timeout=config.lock_timeout_s) as con:
        # what this run wrote (a concurrent run may have scored some of the same rows first)
        scored = row(con.execute("SELECT count(*) AS n FROM sentiment WHERE run_id = ?", [run_id]))["n"]
        record_step(
            con,
            run_id,
            "score",
            rows_in=done.attempted,
            rows_out=scored,
            rows_quarantined=0,
            detail=f"model {done.model}; {done.rate:.0f} texts/s" if done.model else "nothing to score",
            started_at=started,
        )
    if done.model:
        logger.info(f"score: {scored} texts with {done.model}" + (f" ({done.rate:.0f} texts/s)" if scored else ""))
    else:
        logger.info("score: nothing to score (the model was not loaded)")
    return scored


# ---- the Airflow night's fan-out: plan, score each shard anywhere, load -------------------------------------------

SCORE_COLUMNS = ("text_sha256", "label", "p_negative", "p_neutral", "p_positive", "score", "note")
# what score_shard writes to NNNNN.scores.json, last, and load_scores reads back
SHARD_RECORD = {"shard", "texts", "seconds", "model_name", "model_version", "model_sha256"}


def shard_dir(config: Config, day: date, run_id: str) -> StagePath:
    """``<stage_dir>/score``: ``plan.json``, and per shard ``NNNNN.input.parquet`` (mention_id, day, text),
    ``NNNNN.scores.parquet`` (scores and plan) and ``NNNNN.scores.json`` (model, timing and plan, written last)."""
    return stage_dir(config, day, run_id) / "score"


def _shard_file(config: Config, day: date, run_id: str, shard: int, suffix: str) -> StagePath:
    return shard_dir(config, day, run_id) / f"{shard:05d}.{suffix}"


def plan_shards(config: Config, db: Path, day: date, run_id: str) -> list[int]:
    """Stage every mention with no score yet as Parquet shards of at most ``scoring.shard_size`` texts, oldest
    first, and write the plan. Reads the warehouse briefly (one query, copied :data:`PLAN_BATCH` rows at a time
    into a DuckDB file of its own, so a backlog of millions of texts is never held in memory); the shards are
    written after the lock is released. Returns the shard numbers (none: nothing to score, and the model is
    never loaded)."""
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="brandpulse-plan-") as tmp, duckdb.connect(f"{tmp}/plan.duckdb") as plan:
        plan.execute("CREATE TABLE todo (n BIGINT, mention_id VARCHAR, day DATE, text VARCHAR)")
        total = 0
        with connect(db, timeout=config.lock_timeout_s) as con:
            result = execute(con, MENTIONS.unscored, {"model_version": "", "limit": ALL, "since": None})
            names = [d[0] for d in result.description]
            while batch := result.fetchmany(PLAN_BATCH):
                cols = {name: [r[i] for r in batch] for i, name in enumerate(names)}
                plan.execute(
                    "INSERT INTO todo SELECT unnest($n), unnest($mention_id), unnest($day), unnest($text)",
                    {"n": list(range(total, total + len(batch)))} | {k: cols[k] for k in ("mention_id", "day", "text")},
                )
                total += len(batch)
        size = max(config.scoring.shard_size, -(-total // MAX_SHARDS))
        if size > config.scoring.shard_size:
            logger.warning(
                f"score plan: {total} texts in shards of {config.scoring.shard_size} would be more than {MAX_SHARDS} "
                f"mapped tasks (Airflow's core.max_map_length fails the plan past it): shards of {size} instead"
            )
        count = -(-total // size)
        folder = shard_dir(config, day, run_id)
        mkdirs(folder)
        for name in names_in(folder):  # an earlier attempt's shards are not this plan's
            if name.endswith(".scores.json") or name == "plan.json":
                remove(folder / name)
        for n in range(count):
            plan.execute(
                "CREATE OR REPLACE TEMP TABLE part AS"
                " SELECT mention_id, day, text FROM todo WHERE n >= $first AND n < $end ORDER BY n",
                {"first": n * size, "end": (n + 1) * size},
            )
            write_parquet(plan, "part", _shard_file(config, day, run_id, n, "input.parquet"))
    # "plan": this plan's own id, which each shard's scores.json repeats: a score task of an earlier plan of the run
    # still running (a zombie of a cleared run) may write its shard after this plan's, and its texts are not these
    meta = {"run_id": run_id, "started_at": started.isoformat(), "texts": total, "shard_size": size}
    meta["plan"] = secrets.token_hex(8)
    write(folder / "plan.json", json.dumps(meta | {"shards": count}))  # last: the plan is complete
    logger.info(f"score plan: {total} texts in {count} shard(s) of at most {size}")
    return list(range(count))


def score_shard(config: Config, day: date, run_id: str, shard: int, scorer=None, progress=None) -> dict:
    """Score one planned shard (a mapped task): read its texts from the staging area, score them, stage the
    scores. Touches no warehouse, so it runs on any worker that can read the staging area and the model. A
    retry scores the shard again and replaces its files. Returns its counts and speed."""
    t0 = time.perf_counter()
    plan_text = read_if_exists(shard_dir(config, day, run_id) / "plan.json")
    plan = json.loads(plan_text) if plan_text is not None else {"shards": 0}
    planned = plan["shards"]
    if shard >= planned:
        have = "no score plan" if plan_text is None else f"a score plan of {planned} shard(s)"
        raise FileNotFoundError(f"run {run_id} on {day} has {have}: there is no shard {shard} to score")
    done_file = _shard_file(config, day, run_id, shard, "scores.json")
    remove(done_file)  # an earlier attempt's: until this one's scores are written, the shard is not done
    with duckdb.connect() as mem:
        todo = read_parquet(mem, _shard_file(config, day, run_id, shard, "input.parquet"))
        scorer = scorer or load_scorer(config)
        # the model's identity now, as loaded: its version hashes the folder's files, and a folder replaced while
        # the shard is scored must not lend the new model's version to the old weights' scores
        model = {"model_name": scorer.name, "model_version": scorer.version, "model_sha256": scorer.sha256}
        cols: dict = {}
        for i in range(0, len(todo), SCORE_CHUNK):  # chunks only for the progress count
            part = score_columns(scorer, [r["text"] for r in todo[i : i + SCORE_CHUNK]])
            for k in SCORE_COLUMNS:
                cols.setdefault(k, []).extend(part[k])
            if progress:
                progress(min(i + SCORE_CHUNK, len(todo)))
        mem.execute(
            "CREATE OR REPLACE TEMP TABLE part AS SELECT unnest($mention_id) AS mention_id, unnest($day) AS day, "
            + ", ".join(f"unnest(${k}) AS {k}" for k in SCORE_COLUMNS)
            + ", $plan::VARCHAR AS plan",  # as scores.json: a zombie killed between the two writes left only this
            {"mention_id": [r["mention_id"] for r in todo], "day": [r["day"] for r in todo]}
            | {k: cols.get(k, []) for k in SCORE_COLUMNS}
            | {"plan": plan.get("plan")},
        )
        write_parquet(mem, "part", _shard_file(config, day, run_id, shard, "scores.parquet"))
    seconds = time.perf_counter() - t0
    done = {
        "shard": shard,
        "texts": len(todo),
        "seconds": round(seconds, 3),
        "plan": plan.get("plan"),  # the plan whose texts these are (load_scores takes only the current plan's)
    } | model
    write(done_file, json.dumps(done))  # last: the shard is done
    logger.info(f"score shard {shard}: {len(todo)} texts in {seconds:.1f} s ({len(todo) / max(seconds, 1e-9):.0f}/s)")
    return done


def load_scores(config: Config, db: Path, day: date, run_id: str) -> int:
    """Load every planned shard's scores in one transaction and record the ``score`` step. Fails, loading
    nothing, when a shard has no scores (its task failed or did not run). Returns how many this run stored."""
    folder = shard_dir(config, day, run_id)
    plan_file = folder / "plan.json"
    plan_text = read_if_exists(plan_file)
    if plan_text is None:
        raise RuntimeError(f"{plan_file}: no score plan for run {run_id}: the plan task failed or did not run")
    plan = json.loads(plan_text)

    def unreadable(n: int, file, cause: str) -> RuntimeError:  # a shard's file damaged: named, the task to re-run
        return RuntimeError(
            f"score shard {n} of {plan['shards']}: {url(file)} cannot be read ({cause}); "
            "re-run its task, then this task"
        )

    def earlier(n: int, file) -> RuntimeError:  # not this plan's texts: loaded, they left this plan's unscored
        return RuntimeError(
            f"score shard {n} of {plan['shards']}: {url(file)} holds the scores of an earlier score plan of run "
            f"{run_id} (a task of its earlier attempt ran on after the run was cleared); re-run its task, then "
            "this task"
        )

    shards = []  # each shard's scores.json; its scores are read one shard at a time, in the transaction
    for n in range(plan["shards"]):
        done = _shard_file(config, day, run_id, n, "scores.json")
        done_text = read_if_exists(done)
        if done_text is None:
            raise RuntimeError(
                f"score shard {n} of {plan['shards']} has no scores ({done} is missing): its task "
                "failed or did not run; re-run it, then this task"
            )
        try:  # JSON, but not what score_shard writes (a hand's edit): named, not a KeyError
            record = json_record(done_text, SHARD_RECORD)
        except ValueError as exc:  # damaged (a store or a hand): said, naming the shard, not a traceback
            raise unreadable(n, done, str(exc)) from None
        if record.get("plan") != plan.get("plan"):
            raise earlier(n, done)
        shards.append(record)
    versions = {d["model_version"]: d["shard"] for d in shards}
    if len(versions) > 1:  # a day's metrics count one model's scores: never mix two in one night unnoticed
        raise RuntimeError(
            f"the shards of run {run_id} were scored by {len(versions)} model versions ("
            + ", ".join(f"{v} in shard {n}" for v, n in versions.items())
            + "): give every worker the same model folder and scoring.precision (bf16 falls back to fp32 on a CPU "
            "without native bfloat16), then re-run the score tasks"
        )
    with (
        tempfile.TemporaryDirectory(prefix="brandpulse-scores-") as tmp,
        duckdb.connect() as mem,
    ):  # the shards' files fetched to local disk first: no download from the staging store under the lock
        local = []
        for n in range(len(shards)):
            parquet = _shard_file(config, day, run_id, n, "scores.parquet")
            try:
                local.append(fetch(parquet, Path(tmp)))
            except FileNotFoundError:  # gone from a store (a folder's is DuckDB's error below): named, not a traceback
                raise unreadable(n, parquet, "it is not there") from None
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            for n, (done, file) in enumerate(zip(shards, local, strict=True)):
                parquet = _shard_file(config, day, run_id, n, "scores.parquet")
                try:
                    scored = parquet_rows(mem, file)
                except duckdb.Error as exc:  # nothing stored: the transaction rolls back
                    raise unreadable(n, parquet, str(exc).splitlines()[0]) from None
                if any(r.get("plan") != plan.get("plan") for r in scored):  # its scores.json this plan's, not these
                    raise earlier(n, parquet)
                # another warehouse's plan under this run's id (two deployments sharing staging_dir: Airflow's run
                # ids are the same in both): stored, its scores were orphans and this night's mentions left unscored.
                # Its first shard tells (every shard of one plan is that plan's, the plan id above): one look at the
                # mentions' ids a night (about a second at 10M mentions), not one a shard under the lock
                foreign = (
                    n == 0
                    and row(
                        con.execute(
                            "SELECT count(*) AS n FROM (SELECT unnest($ids) AS mention_id) ANTI JOIN mentions USING "
                            "(mention_id)",
                            {"ids": [r["mention_id"] for r in scored]},
                        )
                    )["n"]
                )
                if foreign:
                    raise RuntimeError(
                        f"score shard {n} of {plan['shards']}: {url(parquet)} scores {foreign} mention(s) this "
                        f"warehouse does not hold: the score plan of run {run_id} is another warehouse's (a "
                        "deployment sharing this staging_dir); give each deployment a staging_dir of its own, then "
                        "re-run plan_scores, the score tasks and this task"
                    )
                params = {k: [r[k] for r in scored] for k in ("mention_id", "day", *SCORE_COLUMNS)}
                params |= {k: done[k] for k in ("model_name", "model_version", "model_sha256")} | {"run_id": run_id}
                execute(con, MENTIONS.insert, params)
                del scored, params  # one shard's scores in memory at a time
            stored = row(con.execute("SELECT count(*) AS n FROM sentiment WHERE run_id = ?", [run_id]))["n"]
            if shards:
                models = sorted({f"{d['model_name']} {d['model_version']}" for d in shards})
                rates = [d["texts"] / max(d["seconds"], 1e-9) for d in shards]
                detail = (
                    f"model {', '.join(models)}; {len(shards)} shard{'s' * (len(shards) > 1)} of at most "
                    f"{plan['shard_size']}; "
                    f"{min(rates):.0f}-{max(rates):.0f} texts/s per shard"
                )
            else:
                detail = "nothing to score"
            record_step(
                con,
                run_id,
                "score",
                rows_in=plan["texts"],
                rows_out=stored,
                rows_quarantined=0,
                detail=detail,
                started_at=datetime.fromisoformat(plan["started_at"]),
            )
    logger.info(f"score: {stored} texts from {len(shards)} shard(s)")
    return stored
