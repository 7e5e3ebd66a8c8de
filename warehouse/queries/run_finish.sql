-- Close a run: 'failed' unless load, score, daily_metrics, detect, alert and report all succeeded (a failed
-- alert delivery is not a failed step: it is recorded and retried); 'partial' when they did but a
-- source failed or is missing; else 'success'. A 'truncated' source window (a listing cap was hit) is kept as
-- the step's status, for the run table and summary to show, but does not make the run partial.
UPDATE pipeline_runs SET finished_at = now(),
    status = CASE
        WHEN (SELECT count(DISTINCT step) FROM run_steps
              WHERE run_id = $run_id AND step IN ('load', 'score', 'daily_metrics', 'detect', 'alert', 'report')
                AND status = 'success') < 6
            THEN 'failed'
        WHEN EXISTS (SELECT 1 FROM run_steps WHERE run_id = $run_id AND status NOT IN ('success', 'truncated'))
            THEN 'partial'
        ELSE 'success' END
WHERE run_id = $run_id;
