-- Insert one batch of scores, passed as parallel lists ($mention_id, $day: the mentions' days, and the score
-- columns). A score that exists is never replaced. The batch's time, one value for every statement below (a
-- variable: with or without a transaction around them, as now() would not be).
SET VARIABLE scored_now = now();
INSERT INTO sentiment BY NAME
SELECT unnest($mention_id) AS mention_id, $model_name AS model_name, $model_version AS model_version,
       $model_sha256 AS model_sha256, unnest($text_sha256) AS text_sha256, unnest($label) AS label,
       unnest($p_negative) AS p_negative, unnest($p_neutral) AS p_neutral, unnest($p_positive) AS p_positive,
       unnest($score) AS score, unnest($note) AS note, getvariable('scored_now') AS scored_at, $run_id AS run_id
ON CONFLICT (mention_id, model_version) DO NOTHING;
-- The version's first score (migration 0011): the earliest stays.
INSERT INTO model_versions BY NAME
SELECT $model_version AS model_version, getvariable('scored_now') AS first_scored_at
ON CONFLICT (model_version) DO UPDATE SET first_scored_at = least(model_versions.first_scored_at, excluded.first_scored_at);
-- Each mention's latest score (migration 0012): the scores the INSERT above wrote (scored at the batch's time: a
-- score that was there already is older, and stays what it was) replace the kept ones, by the view's rule (the
-- newest scored_at, then the higher model_version). Found by scored_at, a constant to the planner, so DuckDB's
-- zone maps find them at the end of the table; $day is each mention's day.
INSERT INTO sentiment_latest BY NAME
SELECT s.mention_id, b.day, s.model_version, s.label, s.p_negative, s.p_neutral, s.p_positive, s.score, s.note,
       s.scored_at
FROM sentiment s JOIN (SELECT unnest($mention_id) AS mention_id, unnest($day) AS day) b USING (mention_id)
WHERE s.scored_at = getvariable('scored_now') AND s.model_version = $model_version
ON CONFLICT (mention_id) DO UPDATE SET
    model_version = excluded.model_version, label = excluded.label, p_negative = excluded.p_negative,
    p_neutral = excluded.p_neutral, p_positive = excluded.p_positive, score = excluded.score, note = excluded.note,
    scored_at = excluded.scored_at
WHERE excluded.scored_at > sentiment_latest.scored_at
   OR (excluded.scored_at = sentiment_latest.scored_at AND excluded.model_version > sentiment_latest.model_version);
