-- `brandpulse summary`: per brand, mentions, reviews, period, share of each label, mean score.
-- The shares and the mean score count only the mentions scored by the model of the brand's series (v_daily_series:
-- the model of its newest scored day), as the trends do, so that a summary read while `brandpulse rescore` is under
-- way never mixes two models; a brand with scores and no daily metrics yet (its first night stopped before them)
-- takes the model of its newest scored mention. `other_model` counts the scored mentions left out (on another
-- model) and `model_version` names the model the shares are of.
WITH series AS (
    SELECT brand, any_value(model_version) AS model_version FROM v_daily_series
    WHERE model_version IS NOT NULL GROUP BY brand
), newest AS (
    SELECT brand, arg_max(model_version, day) AS model_version FROM v_mentions_scored
    WHERE model_version IS NOT NULL GROUP BY brand
), shown AS (
    SELECT brand, coalesce(s.model_version, n.model_version) AS model_version
    FROM newest n LEFT JOIN series s USING (brand)
)
SELECT m.brand,
       count(*) FILTER (WHERE m.kind = 'mention') AS mentions,
       count(*) FILTER (WHERE m.kind = 'review') AS reviews,
       min(m.day) AS first_day, max(m.day) AS last_day,
       avg((m.label = 'negative')::INT) FILTER (WHERE m.model_version = s.model_version) AS negative,
       avg((m.label = 'neutral')::INT) FILTER (WHERE m.model_version = s.model_version) AS neutral,
       avg((m.label = 'positive')::INT) FILTER (WHERE m.model_version = s.model_version) AS positive,
       avg(m.score) FILTER (WHERE m.model_version = s.model_version) AS mean_score,
       count(*) FILTER (WHERE m.label IS NOT NULL AND m.model_version IS DISTINCT FROM s.model_version) AS other_model,
       any_value(s.model_version) AS model_version
FROM v_mentions_scored m LEFT JOIN shown s USING (brand)
GROUP BY m.brand ORDER BY m.brand;
