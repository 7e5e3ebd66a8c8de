-- Each pipeline run with its per-step counts, newest first.
CREATE OR REPLACE VIEW v_run_history AS
SELECT r.run_id, r.day, r.trigger, r.status, r.started_at, r.finished_at,
       s.step, s.brand, s.source, s.status AS step_status, s.rows_in, s.rows_out, s.rows_quarantined, s.detail
FROM pipeline_runs r
LEFT JOIN run_steps s USING (run_id)
ORDER BY r.started_at DESC, s.started_at;
