-- 0022: the night whose history placed each change point. Each night re-runs the change-point detector and its
-- estimate of a shift's first day moves as the new level's days come in; a re-run of an earlier night (a
-- backfill, a cleared task) sees fewer of those days and must not replace what a later night placed
-- (alerts/save_change_point.sql). Rows kept before this migration take the day of the run that first saved them
-- (at or before the night that last moved them, so a re-run may still replace them).
ALTER TABLE change_points ADD COLUMN night DATE;
UPDATE change_points SET night = (SELECT r.day FROM pipeline_runs r WHERE r.run_id = change_points.run_id);
