-- Mentions that have no score from this model version yet. $model_version; $limit.
SELECT m.mention_id, coalesce(m.title || E'\n', '') || m.text AS text
FROM mentions m
ANTI JOIN (SELECT mention_id FROM sentiment WHERE model_version = $model_version) s USING (mention_id)
ORDER BY m.created_at, m.mention_id
LIMIT $limit;
