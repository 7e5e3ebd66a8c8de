-- Register a run, or open it again: a prepare retried or an Airflow run cleared and run again under its run id (one
-- that had ended: interrupted, failed, partial, skipped or success; or one left 'running', its finish never run,
-- the stuck run marked failed in Airflow) is running from now on, so the watch sees it (it looks for nights that
-- started in the last NIGHT_GUARD hours: a cleared run that kept a start 8 hours old ran beside the watch). Either
-- way the run starts afresh: every step an earlier attempt recorded goes (its 'interrupted' or 'skipped' step too),
-- so finish judges only what this attempt did, not an old success of a step that fails this time (prepare also
-- removes the old attempt's staged manifests).
INSERT INTO pipeline_runs (run_id, day, trigger, started_at, finished_at, status)
VALUES ($run_id, $day, $trigger, now(), NULL, 'running')
ON CONFLICT (run_id) DO UPDATE SET
    started_at = excluded.started_at,
    finished_at = NULL, status = 'running';
DELETE FROM run_steps WHERE run_id = $run_id;
