"""Scoring: the one chunked loop that puts a sentiment score on every text that has none from the model in use.

:func:`score_pending` serves mentions (the nightly ``score`` step, :func:`score`) and survey comments
(:func:`pipeline.surveys.ingest.score_survey_comments`) alike, through a :class:`Target`: which query lists
the unscored texts (key columns plus ``text``, ``$model_version``, ``$limit``) and which query inserts a chunk
of scores (the keys and the score columns as parallel lists). Per chunk of :data:`SCORE_CHUNK` texts it reads
briefly under the warehouse lock, scores outside it (the slow part), then writes the scores in one short
transaction. The model is loaded only when there is something to score.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.ledger import record_step
from pipeline.warehouse import connect, execute, row, rows, transaction

SCORE_CHUNK = 2048
logger = logging.getLogger("brandpulse")


@dataclass(frozen=True)
class Target:
    what: str  # for logs
    unscored: str  # query: key columns + text, for $model_version, at most $limit
    insert: str  # query: the keys and score columns as parallel lists, $model_*, $run_id
    keys: tuple[str, ...]


MENTIONS = Target("mentions", "scoring/unscored_mentions", "scoring/insert_mentions", ("mention_id", "day"))
COMMENTS = Target("survey comments", "scoring/unscored_comments", "scoring/insert_comments", ("source", "response_id"))


@dataclass
class ScoreRun:
    attempted: int = 0
    rate: float = 0.0
    model: str | None = None  # "<name> <version>" of the scorer used, None when nothing needed scoring


def load_scorer(config: Config):
    """The configured scorer (the model loads here: seconds, so only when something needs a score)."""
    from pipeline.sentiment.scorer import Scorer  # torch and transformers: never on import of this module

    return Scorer.from_config(config)


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
    while True:
        with connect(db, timeout=config.lock_timeout_s) as con:
            if scorer is None:  # no model has version "": is there anything at all, before loading one?
                if not rows(execute(con, target.unscored, {"model_version": "", "limit": 1, "since": since})):
                    break
                scorer = load_scorer(config)
            batch = rows(
                execute(con, target.unscored, {"model_version": scorer.version, "limit": chunk, "since": since})
            )
        first = tuple(batch[0][k] for k in target.keys) if batch else None
        if not batch or first == last_first:  # nothing left, or no progress: stop rather than loop
            break
        last_first = first
        results = scorer.score([r["text"] for r in batch])  # outside the lock: the slow part
        params = {k: [r[k] for r in batch] for k in target.keys}
        params.update(
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
            run_id=run_id,
        )
        with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
            execute(con, target.insert, params)
        out.attempted += len(batch)
        if progress:
            progress(out.attempted)
        if len(batch) < chunk:
            break
    if scorer is not None:
        out.model = f"{scorer.name} {scorer.version}"
    out.rate = out.attempted / max(time.perf_counter() - t0, 1e-9)
    return out


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
