-- Register a run; a retried task of the same run keeps the original start. A run that had ended (interrupted,
-- failed, partial, skipped, or success: an Airflow run cleared and run again under its run id) is running again
-- from now on, so the watch sees it. Either way the run starts afresh: every step an earlier attempt recorded
-- goes (its 'interrupted' or 'skipped' step too), so finish judges only what this attempt did, not an old
-- success of a step that fails this time (prepare also removes the old attempt's staged manifests).
INSERT INTO pipeline_runs (run_id, day, trigger, started_at, finished_at, status)
VALUES ($run_id, $day, $trigger, now(), NULL, 'running')
ON CONFLICT (run_id) DO UPDATE SET
    started_at = CASE WHEN pipeline_runs.status = 'running' THEN pipeline_runs.started_at ELSE excluded.started_at END,
    finished_at = NULL, status = 'running';
DELETE FROM run_steps WHERE run_id = $run_id;
