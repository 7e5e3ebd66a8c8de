-- The days whose scores the run $run_id changed (the night's daily_metrics recomputes them besides its own day):
-- the days of the mentions whose latest score was written since the run started. Every score a run writes is its
-- mention's latest then (a night scores mentions without one; a rescore closes its own run), so these are the
-- days it scored, with those another run scored meanwhile (recomputed for nothing). Proportional to the night,
-- not to the history: sentiment_latest is read from its zone maps on scored_at (it joined every score of the
-- run to the whole mentions table, half a second at 10M mentions).
-- Also the days of scores no daily_metrics step has counted: written since the newest one that succeeded started
-- (less a day, for clock steps between machines), on a day that is over (today's, which the watch scores, is its
-- own night's) and whose metrics are older than them. A run that scored an earlier night's unscored mentions (days
-- far past the look-back: that night died before scoring) and died before its metrics, or was cleared and run
-- again from its prepare (a new start), left those days uncounted for good: its re-run's own scores are none, and
-- metrics/stale_days reads the look-back only.
SET VARIABLE metrics_run_since = coalesce((SELECT started_at FROM pipeline_runs WHERE run_id = $run_id), '-infinity');
SET VARIABLE metrics_counted_until = (
    SELECT coalesce(max(started_at), '-infinity') - INTERVAL 1 DAY FROM run_steps
    WHERE step = 'daily_metrics' AND status = 'success'
);
WITH scored AS (
    SELECT day, max(scored_at) AS scored FROM sentiment_latest
    WHERE scored_at >= least(getvariable('metrics_run_since'), getvariable('metrics_counted_until'))
    GROUP BY day
), computed AS (
    SELECT day, min(computed_at) AS computed FROM daily_brand_metrics WHERE day IN (SELECT day FROM scored) GROUP BY day
)
SELECT s.day
FROM scored s LEFT JOIN computed c USING (day)
WHERE s.scored >= getvariable('metrics_run_since')
   OR (s.day < CAST(now() AS DATE) AND (c.computed IS NULL OR s.scored > c.computed))
ORDER BY s.day;
