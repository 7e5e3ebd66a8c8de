-- Comments with no score from $model_version for their current text, at most $limit.
SELECT r.source, r.response_id, r.comment AS text
FROM survey_responses r
WHERE r.comment IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM survey_comment_sentiment s
      WHERE s.source = r.source AND s.response_id = r.response_id AND s.model_version = $model_version
        AND s.text_sha256 = sha256(r.comment))
ORDER BY r.source, r.response_id
LIMIT $limit;
