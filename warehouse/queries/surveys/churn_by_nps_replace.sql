-- Replace every churn-by-NPS row with the recomputed ones. $files: staged rows JSONL; $columns; $run_id.
DELETE FROM cx_churn_by_nps;
INSERT INTO cx_churn_by_nps BY NAME
SELECT *, now() AS computed_at, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns);
