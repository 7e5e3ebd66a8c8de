-- 0019: when a watch run of the DAG brandpulse_watch is past its dagrun_timeout (pipeline.config.watch_run_timeout,
-- from when its prepare ran). Airflow then stops its tasks and its finish never runs, so a run still 'running'
-- after deadline_at is dead: the next watch run or the night marks it interrupted
-- (pipeline.ledger.abandon_watch_runs). NULL for nights and for `brandpulse watch` runs, which have no timeout and
-- are never marked so.
ALTER TABLE pipeline_runs ADD COLUMN deadline_at TIMESTAMPTZ;
