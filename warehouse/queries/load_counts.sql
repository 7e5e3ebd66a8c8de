-- What a load did, for run_steps: new mentions, distinct staged ids, newly quarantined rows. $run_id; $files.
SELECT (SELECT count(*) FROM mentions WHERE run_id = $run_id) AS new_mentions,
       (SELECT count(DISTINCT mention_id)
        FROM read_json($files, format = 'newline_delimited', columns = {'mention_id': 'VARCHAR'},
                       maximum_object_size = 67108864)) AS distinct_staged,
       (SELECT count(*) FROM quarantine WHERE run_id = $run_id) AS new_quarantined;
