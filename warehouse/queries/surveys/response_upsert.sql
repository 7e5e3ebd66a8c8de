-- Upsert the staged responses by (source, response_id): new ones are inserted, known ones take the values of
-- the latest export (first_seen and run_id stay those of the first load). $run_id. Responses of the whole-history
-- sources $whole that their exports no longer hold were deleted in the survey tool: they leave, with their scores;
-- so do the responses now read as a Qualtrics preview, test or spam row (survey_not_answers), whatever the source.
DELETE FROM survey_comment_sentiment s
WHERE (list_contains($whole, s.source)
       AND NOT EXISTS (SELECT 1 FROM survey_present p WHERE p.source = s.source AND p.response_id = s.response_id))
   OR EXISTS (SELECT 1 FROM survey_not_answers n WHERE n.source = s.source AND n.response_id = s.response_id);
DELETE FROM survey_responses r
WHERE (list_contains($whole, r.source)
       AND NOT EXISTS (SELECT 1 FROM survey_present p WHERE p.source = r.source AND p.response_id = r.response_id))
   OR EXISTS (SELECT 1 FROM survey_not_answers n WHERE n.source = r.source AND n.response_id = r.response_id);
INSERT INTO survey_responses BY NAME
SELECT source, response_id, brand, responded_at, day, touchpoint, segment, nps, csat, ces, ces_scale,
       ces_lower_is_better, ces_norm, comment, comment_language, location, customer_hash, now() AS first_seen,
       now() AS last_seen, $run_id AS run_id
FROM survey_staged
ON CONFLICT (source, response_id) DO UPDATE SET
    brand = excluded.brand, responded_at = excluded.responded_at, day = excluded.day,
    touchpoint = excluded.touchpoint, segment = excluded.segment, nps = excluded.nps, csat = excluded.csat,
    ces = excluded.ces, ces_scale = excluded.ces_scale, ces_lower_is_better = excluded.ces_lower_is_better,
    ces_norm = excluded.ces_norm, comment = excluded.comment, comment_language = excluded.comment_language,
    location = excluded.location, customer_hash = excluded.customer_hash, last_seen = excluded.last_seen;
DROP TABLE survey_staged;
DROP TABLE survey_present;
DROP TABLE survey_not_answers;
