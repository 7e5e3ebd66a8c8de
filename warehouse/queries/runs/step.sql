-- Record (or re-record, on a retry) one step's counts.
INSERT INTO run_steps BY NAME
SELECT $run_id AS run_id, $step AS step, $brand AS brand, $source AS source, $status AS status,
       $rows_in AS rows_in, $rows_out AS rows_out, $rows_quarantined AS rows_quarantined, $detail AS detail,
       $started_at AS started_at, now() AS finished_at
ON CONFLICT (run_id, step, brand, source) DO UPDATE SET
    status = excluded.status, rows_in = excluded.rows_in, rows_out = excluded.rows_out,
    rows_quarantined = excluded.rows_quarantined, detail = excluded.detail,
    started_at = excluded.started_at, finished_at = excluded.finished_at;
