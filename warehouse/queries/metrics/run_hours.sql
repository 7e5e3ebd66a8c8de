-- The hours (UTC) holding a mention the watch run $run_id loaded or scored (its hourly_metrics step recomputes
-- them besides its window): mentions first seen since the run started and loaded by it, and the mentions whose
-- latest score was written since then (see metrics/run_days). Proportional to the run, not to the history:
-- both tables are read from their zone maps (first_seen, scored_at), and the scored mentions' times from their
-- days' rows only (the join on day prunes the mentions scan); it scanned every mention's run_id and id.
SET VARIABLE metrics_run_since = coalesce((SELECT started_at FROM pipeline_runs WHERE run_id = $run_id), '-infinity');
WITH scored AS MATERIALIZED (
    SELECT mention_id, day FROM sentiment_latest WHERE scored_at >= getvariable('metrics_run_since')
)
SELECT date_trunc('hour', m.created_at) AS hour
FROM mentions m
WHERE m.first_seen >= getvariable('metrics_run_since') AND m.run_id = $run_id
UNION
SELECT date_trunc('hour', m.created_at)
FROM mentions m JOIN scored s ON s.day = m.day AND s.mention_id = m.mention_id
ORDER BY hour;
