-- Comments whose sentiment (v_survey_responses: the latest score of the current text) is not $model_version's, at
-- most $limit: with no score of their current text from it, or with one that another model's newer score replaced
-- (a rollback to an earlier model: scored again, its score is the latest, as the comments are the model in use's).
SELECT r.source, r.response_id, r.comment AS text
FROM survey_responses r
WHERE r.comment IS NOT NULL
  AND (
      SELECT arg_max(s.model_version, (s.scored_at, s.model_version)) FROM survey_comment_sentiment s
      WHERE s.source = r.source AND s.response_id = r.response_id AND s.text_sha256 = sha256(r.comment)
  ) IS DISTINCT FROM $model_version
ORDER BY r.source, r.response_id
LIMIT $limit;
