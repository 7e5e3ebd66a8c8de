-- Register a run; a retried task of the same run keeps the original start.
INSERT INTO pipeline_runs (run_id, day, trigger, started_at, finished_at, status)
VALUES ($run_id, $day, $trigger, now(), NULL, 'running')
ON CONFLICT (run_id) DO NOTHING;
