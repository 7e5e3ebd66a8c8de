-- Store sources' state after their rows loaded (same transaction). One row per entry of the parallel lists
-- $brand, $source, $state (JSON text) and $watermark (newest created_at among the loaded rows, ISO text or NULL);
-- $day, $run_id. A night never stores a source's state over one that a night of a later day stored: a backfill
-- of an older day (before, beside or after the scheduled night) would move the source back to that day (Reddit's
-- followed threads, the cursors), and the next night would lose what the later one had. The watch's runs, which
-- keep their own part of the state, store as before, and a night over theirs.
INSERT INTO source_state BY NAME
SELECT n.* FROM (
    SELECT unnest($brand) AS brand, unnest($source) AS source, CAST(unnest($state) AS JSON) AS state,
           CAST(unnest($watermark) AS TIMESTAMPTZ) AS watermark, CAST($day AS DATE) AS day, now() AS updated_at,
           $run_id AS run_id
) n
WHERE coalesce((SELECT trigger FROM pipeline_runs WHERE run_id = $run_id), '') = 'watch'
   OR NOT EXISTS (SELECT 1 FROM source_state s JOIN pipeline_runs r ON r.run_id = s.run_id
                  WHERE s.brand = n.brand AND s.source = n.source AND s.day > n.day AND r.trigger <> 'watch')
ON CONFLICT (brand, source) DO UPDATE SET
    state = excluded.state,
    watermark = greatest(source_state.watermark, excluded.watermark),
    day = excluded.day,
    updated_at = excluded.updated_at,
    run_id = excluded.run_id;
