-- Register a run; a retried task of the same run keeps the original start. A run that had ended (interrupted,
-- failed, partial, skipped, or success: an Airflow run cleared and run again under its run id) is running again
-- from now on, so the watch sees it, and the record of how it ended before (its 'interrupted' or 'skipped' step)
-- goes; each step it runs again is re-recorded, and finish judges the run afresh.
INSERT INTO pipeline_runs (run_id, day, trigger, started_at, finished_at, status)
VALUES ($run_id, $day, $trigger, now(), NULL, 'running')
ON CONFLICT (run_id) DO UPDATE SET
    started_at = CASE WHEN pipeline_runs.status = 'running' THEN pipeline_runs.started_at ELSE excluded.started_at END,
    finished_at = NULL, status = 'running';
DELETE FROM run_steps WHERE run_id = $run_id AND step IN ('interrupted', 'skipped');
