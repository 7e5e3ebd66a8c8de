-- Insert one batch of scores, passed as parallel lists. A score that exists is never replaced.
INSERT INTO sentiment BY NAME
SELECT unnest($mention_id) AS mention_id, $model_name AS model_name, $model_version AS model_version,
       $model_sha256 AS model_sha256, unnest($text_sha256) AS text_sha256, unnest($label) AS label,
       unnest($p_negative) AS p_negative, unnest($p_neutral) AS p_neutral, unnest($p_positive) AS p_positive,
       unnest($score) AS score, unnest($note) AS note, now() AS scored_at, $run_id AS run_id
ON CONFLICT (mention_id, model_version) DO NOTHING;
-- The version's first score (migration 0011): now() is this transaction's, so the earliest stays.
INSERT INTO model_versions BY NAME
SELECT $model_version AS model_version, now() AS first_scored_at
ON CONFLICT (model_version) DO UPDATE SET first_scored_at = least(model_versions.first_scored_at, excluded.first_scored_at);
