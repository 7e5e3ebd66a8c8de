-- Insert one batch of comment scores, passed as parallel lists. A changed comment's score is replaced.
INSERT INTO survey_comment_sentiment BY NAME
SELECT unnest($source) AS source, unnest($response_id) AS response_id, $model_name AS model_name,
       $model_version AS model_version, $model_sha256 AS model_sha256, unnest($text_sha256) AS text_sha256,
       unnest($label) AS label, unnest($p_negative) AS p_negative, unnest($p_neutral) AS p_neutral,
       unnest($p_positive) AS p_positive, unnest($score) AS score, unnest($note) AS note, now() AS scored_at,
       $run_id AS run_id
ON CONFLICT (source, response_id, model_version) DO UPDATE SET
    model_sha256 = excluded.model_sha256, text_sha256 = excluded.text_sha256, label = excluded.label,
    p_negative = excluded.p_negative, p_neutral = excluded.p_neutral, p_positive = excluded.p_positive,
    score = excluded.score, note = excluded.note, scored_at = excluded.scored_at, run_id = excluded.run_id;
