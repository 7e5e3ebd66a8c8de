-- Keep each rejected record once (keyed by pipeline.records.Reject.of: its content, and for a file's row which
-- occurrence of it in its file it is). A row read again changes nothing: its location, reason, day and first_seen
-- stay those of its first sighting. $files: staged *.rejects.jsonl files; $day; $run_id; $columns.
INSERT INTO quarantine BY NAME
SELECT quarantine_id, brand, source, CAST($day AS DATE) AS day, reason, raw_record, location,
       now() AS first_seen, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY quarantine_id) = 1
ON CONFLICT (quarantine_id) DO NOTHING;
