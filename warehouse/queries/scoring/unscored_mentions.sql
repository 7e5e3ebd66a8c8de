-- Mentions (id, day, text) that need a score from $model_version, at most $limit, oldest first: those with no
-- score from any model (the night's new mentions), and, for a rescore, every mention of a day on or after $since
-- (NULL: none).
-- A new model version therefore never rescores history on its own: `brandpulse rescore --since DATE` does.
--
-- Proportional to the night, not to the history: a score step that succeeded left no mention unscored that was
-- first seen before it started (it scores until none is left, under the warehouse lock that loads take too), so
-- only mentions first seen since the newest such start (less a day, for clock steps) can lack a score; and a
-- score is written after its mention was loaded, so only scores written since then can be theirs. Both tables
-- grow in that order (first_seen, scored_at), so DuckDB's zone maps skip the history. No successful score step
-- yet: the whole table, as before. (A variable, not a subquery, so that the bound is a constant to the planner.)
SET VARIABLE unscored_settled = (
    SELECT coalesce(max(started_at), '-infinity') - INTERVAL 1 DAY FROM run_steps
    WHERE step = 'score' AND status = 'success'
);
WITH new AS (
    SELECT m.mention_id, m.day, m.created_at, scored_text(m.title, m.text) AS text
    FROM mentions m
    WHERE m.first_seen >= getvariable('unscored_settled')
      AND NOT EXISTS (SELECT 1 FROM sentiment a
                      WHERE a.mention_id = m.mention_id AND a.scored_at >= getvariable('unscored_settled'))
), rescore AS (
    SELECT m.mention_id, m.day, m.created_at, scored_text(m.title, m.text) AS text
    FROM mentions m
    ANTI JOIN (SELECT mention_id FROM sentiment WHERE model_version = $model_version) s USING (mention_id)
    WHERE CAST($since AS DATE) IS NOT NULL AND m.day >= CAST($since AS DATE)
)
SELECT mention_id, day, text FROM (SELECT * FROM new UNION SELECT * FROM rescore)
ORDER BY created_at, mention_id
LIMIT $limit;
