-- Record (or re-record, on a retry) steps' counts. One row per entry of the parallel lists $step, $brand,
-- $source, $status, $rows_in, $rows_out, $rows_quarantined, $detail, $started_at (ISO text or NULL).
INSERT INTO run_steps BY NAME
SELECT $run_id AS run_id, unnest($step) AS step, unnest($brand) AS brand, unnest($source) AS source,
       unnest($status) AS status, CAST(unnest($rows_in) AS BIGINT) AS rows_in,
       CAST(unnest($rows_out) AS BIGINT) AS rows_out, CAST(unnest($rows_quarantined) AS BIGINT) AS rows_quarantined,
       CAST(unnest($detail) AS VARCHAR) AS detail, CAST(unnest($started_at) AS TIMESTAMPTZ) AS started_at,
       now() AS finished_at
ON CONFLICT (run_id, step, brand, source) DO UPDATE SET
    status = excluded.status, rows_in = excluded.rows_in, rows_out = excluded.rows_out,
    rows_quarantined = excluded.rows_quarantined, detail = excluded.detail,
    started_at = excluded.started_at, finished_at = excluded.finished_at;
