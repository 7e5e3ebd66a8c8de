-- Store sources' state after their rows loaded (same transaction). One row per entry of the parallel lists
-- $brand, $source, $state (JSON text) and $watermark (newest created_at among the loaded rows, ISO text or NULL);
-- $day, $run_id.
INSERT INTO source_state BY NAME
SELECT unnest($brand) AS brand, unnest($source) AS source, CAST(unnest($state) AS JSON) AS state,
       CAST(unnest($watermark) AS TIMESTAMPTZ) AS watermark, CAST($day AS DATE) AS day, now() AS updated_at,
       $run_id AS run_id
ON CONFLICT (brand, source) DO UPDATE SET
    state = excluded.state,
    watermark = greatest(source_state.watermark, excluded.watermark),
    day = excluded.day,
    updated_at = excluded.updated_at,
    run_id = excluded.run_id;
