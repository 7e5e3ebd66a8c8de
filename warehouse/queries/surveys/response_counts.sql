-- What an import will do, before the upsert: distinct staged responses, new ones, changed ones, and removed ones
-- (responses of the whole-history sources $whole that their exports no longer hold).
SELECT (SELECT count(*) FROM survey_staged) AS staged,
       (SELECT count(*) FROM survey_staged s ANTI JOIN survey_responses r USING (source, response_id)) AS new,
       (SELECT count(*) FROM survey_staged s JOIN survey_responses r USING (source, response_id)
        WHERE s.brand IS DISTINCT FROM r.brand OR s.responded_at IS DISTINCT FROM r.responded_at
           OR s.touchpoint IS DISTINCT FROM r.touchpoint OR s.segment IS DISTINCT FROM r.segment
           OR s.nps IS DISTINCT FROM r.nps OR s.csat IS DISTINCT FROM r.csat OR s.ces IS DISTINCT FROM r.ces
           OR s.ces_scale IS DISTINCT FROM r.ces_scale OR s.ces_lower_is_better IS DISTINCT FROM r.ces_lower_is_better
           OR s.ces_norm IS DISTINCT FROM r.ces_norm OR s.comment IS DISTINCT FROM r.comment
           OR s.customer_hash IS DISTINCT FROM r.customer_hash) AS changed,
       (SELECT count(*) FROM survey_responses r ANTI JOIN survey_present p USING (source, response_id)
        WHERE list_contains($whole, r.source)) AS removed;
