-- Store a source's state after its rows loaded (same transaction). $brand, $source, $state (JSON text),
-- $watermark (newest created_at among the loaded rows, or NULL), $day, $run_id.
INSERT INTO source_state BY NAME
SELECT $brand AS brand, $source AS source, CAST($state AS JSON) AS state,
       CAST($watermark AS TIMESTAMPTZ) AS watermark, CAST($day AS DATE) AS day, now() AS updated_at,
       $run_id AS run_id
ON CONFLICT (brand, source) DO UPDATE SET
    state = excluded.state,
    watermark = greatest(source_state.watermark, excluded.watermark),
    day = excluded.day,
    updated_at = excluded.updated_at,
    run_id = excluded.run_id;
