-- Replace every customer metric row with the recomputed ones. $files: staged metrics JSONL; $columns; $run_id.
DELETE FROM customer_metrics;
INSERT INTO customer_metrics BY NAME
SELECT *, now() AS computed_at, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns);
