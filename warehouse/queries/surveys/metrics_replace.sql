-- Replace every survey metric row with the recomputed ones. $files: staged metrics JSONL; $columns; $run_id.
DELETE FROM survey_metrics;
INSERT INTO survey_metrics BY NAME
SELECT *, now() AS computed_at, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns);
