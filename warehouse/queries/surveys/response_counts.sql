-- What an import will do, before the upsert: distinct staged responses, new ones, changed ones, removed ones
-- (responses of the whole-history sources $whole that their exports no longer hold) and withdrawn ones (imported
-- as answers, now a Qualtrics preview, test or spam row). $run_id: a response this run stored is new to it still,
-- as the load counts the mentions of its run id (an import task retried after its commit said "0 new").
SELECT (SELECT count(*) FROM survey_staged) AS staged,
       (SELECT count(*) FROM survey_staged s LEFT JOIN survey_responses r USING (source, response_id)
        WHERE r.response_id IS NULL OR r.run_id = $run_id) AS new,
       (SELECT count(*) FROM survey_staged s JOIN survey_responses r USING (source, response_id)
        WHERE r.run_id IS DISTINCT FROM $run_id AND (s.brand IS DISTINCT FROM r.brand OR s.responded_at IS DISTINCT FROM r.responded_at
           OR s.touchpoint IS DISTINCT FROM r.touchpoint OR s.segment IS DISTINCT FROM r.segment
           OR s.nps IS DISTINCT FROM r.nps OR s.csat IS DISTINCT FROM r.csat OR s.ces IS DISTINCT FROM r.ces
           OR s.ces_scale IS DISTINCT FROM r.ces_scale OR s.ces_lower_is_better IS DISTINCT FROM r.ces_lower_is_better
           OR s.ces_norm IS DISTINCT FROM r.ces_norm OR s.comment IS DISTINCT FROM r.comment
           OR s.customer_hash IS DISTINCT FROM r.customer_hash)) AS changed,
       (SELECT count(*) FROM survey_responses r ANTI JOIN survey_present p USING (source, response_id)
        ANTI JOIN survey_not_answers n USING (source, response_id)
        WHERE list_contains($whole, r.source)) AS removed,
       (SELECT count(*) FROM survey_responses r JOIN survey_not_answers n USING (source, response_id)) AS withdrawn;
