-- Close a run: 'failed' unless load, score and daily_metrics all succeeded; 'partial' when they did but a
-- source failed or is missing; else 'success'.
UPDATE pipeline_runs SET finished_at = now(),
    status = CASE
        WHEN (SELECT count(DISTINCT step) FROM run_steps
              WHERE run_id = $run_id AND step IN ('load', 'score', 'daily_metrics') AND status = 'success') < 3
            THEN 'failed'
        WHEN EXISTS (SELECT 1 FROM run_steps WHERE run_id = $run_id AND status <> 'success')
            THEN 'partial'
        ELSE 'success' END
WHERE run_id = $run_id;
