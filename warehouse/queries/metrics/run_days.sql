-- The days whose scores the run $run_id changed (the night's daily_metrics recomputes them besides its own day):
-- the days of the mentions whose latest score was written since the run started. Every score a run writes is its
-- mention's latest then (a night scores mentions without one; a rescore closes its own run), so these are the
-- days it scored, with those another run scored meanwhile (recomputed for nothing). Proportional to the night,
-- not to the history: sentiment_latest is read from its zone maps on scored_at (it joined every score of the
-- run to the whole mentions table, half a second at 10M mentions). A run cleared and run again starts afresh
-- from its new start; what its earlier attempt scored in the look-back is found by metrics/stale_days.
SET VARIABLE metrics_run_since = coalesce((SELECT started_at FROM pipeline_runs WHERE run_id = $run_id), '-infinity');
SELECT DISTINCT day FROM sentiment_latest WHERE scored_at >= getvariable('metrics_run_since') ORDER BY day;
