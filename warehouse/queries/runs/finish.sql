-- Close a run: 'failed' unless every step of $required (load, score, daily_metrics, detect, send_alerts,
-- report: pipeline.ledger.REQUIRED_STEPS) succeeded (a failed alert delivery is not a failed step: it is
-- recorded and retried); 'partial' when they did but a source failed or is missing, or a step of $expected
-- (the survey branch's, as the config has them: pipeline.night.expected_steps) recorded nothing (its task
-- failed before it could, in a DAG whose run ends with finish whatever they did); else 'success'. A
-- 'truncated' source window (a listing cap was hit) is kept as the step's status, for the run table and
-- summary to show, but does not make the run partial.
UPDATE pipeline_runs SET finished_at = now(),
    status = CASE
        WHEN (SELECT count(DISTINCT step) FROM run_steps
              WHERE run_id = $run_id AND list_contains($required, step) AND status = 'success') < len($required)
            THEN 'failed'
        WHEN EXISTS (SELECT 1 FROM run_steps WHERE run_id = $run_id AND status NOT IN ('success', 'truncated'))
            OR (SELECT count(DISTINCT step) FROM run_steps
                WHERE run_id = $run_id AND list_contains($expected, step)) < len($expected)
            THEN 'partial'
        ELSE 'success' END
WHERE run_id = $run_id;
