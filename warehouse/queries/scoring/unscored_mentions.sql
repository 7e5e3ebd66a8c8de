-- Mentions that need a score from $model_version, at most $limit, oldest first: those with no score from any
-- model (the night's new mentions), and, for a rescore, every mention of a day on or after $since (NULL: none).
-- A new model version therefore never rescores history on its own: `brandpulse rescore --since DATE` does.
SELECT m.mention_id, coalesce(m.title || E'\n', '') || m.text AS text
FROM mentions m
ANTI JOIN (SELECT mention_id FROM sentiment WHERE model_version = $model_version) s USING (mention_id)
WHERE (CAST($since AS DATE) IS NOT NULL AND m.day >= CAST($since AS DATE))
   OR NOT EXISTS (SELECT 1 FROM sentiment a WHERE a.mention_id = m.mention_id)
ORDER BY m.created_at, m.mention_id
LIMIT $limit;
