-- Upsert the staged responses by (source, response_id): new ones are inserted, known ones take the values of
-- the latest export (first_seen and run_id stay those of the first load). $run_id.
INSERT INTO survey_responses BY NAME
SELECT source, response_id, brand, responded_at, day, touchpoint, segment, nps, csat, ces, ces_scale,
       ces_lower_is_better, ces_norm, comment, location, customer_hash, now() AS first_seen, now() AS last_seen,
       $run_id AS run_id
FROM survey_staged
ON CONFLICT (source, response_id) DO UPDATE SET
    brand = excluded.brand, responded_at = excluded.responded_at, day = excluded.day,
    touchpoint = excluded.touchpoint, segment = excluded.segment, nps = excluded.nps, csat = excluded.csat,
    ces = excluded.ces, ces_scale = excluded.ces_scale, ces_lower_is_better = excluded.ces_lower_is_better,
    ces_norm = excluded.ces_norm, comment = excluded.comment, location = excluded.location,
    customer_hash = excluded.customer_hash, last_seen = excluded.last_seen;
DROP TABLE survey_staged;
