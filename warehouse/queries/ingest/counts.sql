-- What a load did, for run_steps: new mentions, distinct staged ids, newly quarantined rows, new reposts.
-- $run_id.
SELECT (SELECT count(*) FROM mentions WHERE run_id = $run_id) AS new_mentions,
       (SELECT count(*) FROM staged) AS distinct_staged,
       (SELECT count(*) FROM quarantine WHERE run_id = $run_id) AS new_quarantined,
       (SELECT count(*) FROM reposts WHERE run_id = $run_id) AS new_reposts;
