-- What respondents say next to their scores: every survey comment with its language (as a mention's), its NPS group,
-- CSAT, CES and the sentiment the model gave it (latest model version). For "what do detractors say":
--   SELECT * FROM v_survey_comments WHERE brand = 'parcelo' AND nps_group = 'detractor' ORDER BY responded_at;
CREATE OR REPLACE VIEW v_survey_comments AS
SELECT brand, source, response_id, responded_at, day, touchpoint, segment, nps, nps_group, csat, ces_norm AS ces,
       comment, comment_language AS language, comment_label AS sentiment, comment_score AS sentiment_score,
       comment_p_negative AS p_negative, comment_model_version AS model_version, comment_note AS note
FROM v_survey_responses
WHERE comment IS NOT NULL;
