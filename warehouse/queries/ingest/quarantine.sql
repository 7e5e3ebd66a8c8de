-- Keep each rejected record once (keyed by pipeline.records.Reject.of: its content, and for a file's row which
-- occurrence of it in its file it is). A row read again keeps its location, reason, first_seen and run_id, those of
-- its first sighting, and is filed under the earliest day a run read it for: a reject of 23:50 first read by the
-- 01:00 watch run (the next day's) moves to its own day when that day's night reads it, as a night-only run files
-- it, whatever the order of the runs. $files: staged *.rejects.jsonl files; $day; $run_id; $columns.
INSERT INTO quarantine BY NAME
SELECT quarantine_id, brand, source, CAST($day AS DATE) AS day, reason, raw_record, location,
       now() AS first_seen, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY quarantine_id) = 1
ON CONFLICT (quarantine_id) DO UPDATE SET day = least(quarantine.day, excluded.day)
    WHERE excluded.day < quarantine.day OR quarantine.day IS NULL;
