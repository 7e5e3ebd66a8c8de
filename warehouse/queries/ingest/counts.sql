-- What a load did, for run_steps: new mentions, distinct staged ids, newly quarantined rows, new reposts.
-- $run_id; $brand and $source: parallel lists, the staged sources. The quarantine rows counted are theirs only: the
-- night's survey and customer imports quarantine under the same run id (before the load, or beside it).
SELECT (SELECT count(*) FROM mentions WHERE run_id = $run_id) AS new_mentions,
       (SELECT count(*) FROM staged) AS distinct_staged,
       (SELECT count(*) FROM quarantine
        WHERE run_id = $run_id AND (brand, source) IN (SELECT unnest($brand), unnest($source))) AS new_quarantined,
       (SELECT count(*) FROM reposts WHERE run_id = $run_id) AS new_reposts;
