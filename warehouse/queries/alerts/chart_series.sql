-- The alert chart (pipeline/charts.py): a brand's daily totals (all sources) from $start to $day with the rolling
-- 28-day share (the day included) and flagged days, in one model version, named in model: the alert's own ($model,
-- alerts.model_version: the one its detector and explanation read), or, for an alert recorded without one (before
-- migration 0025), that of $day's metrics (pipeline.alerts.incidents._night_model). Not v_brand_daily's series
-- model (the brand's newest day's): the chart is drawn when the alert is sent, maybe after a night on a newer model
-- or a `brandpulse rescore --since` past $day, whose series leaves $day out (a v1 alert drew nothing on its own
-- day). A rescore that reached $day itself left its metrics in the new model (a v1 alert of 50 negatives drew v2's
-- 10): the days whose metrics another model has since are then counted from the alert's model's own scores, where
-- it scored every mention of the day, as the metrics counted them (metrics/scored_by_version.sql). Days another
-- model scored are left out, as from the rolling share: a chart never mixes two models. $brand, $start, $day,
-- $model (NULL: $day's metrics').
WITH day_model AS (
    SELECT model_version AS model FROM daily_brand_metrics WHERE brand = $brand AND source = '_all' AND day = $day
), night AS (
    SELECT coalesce($model, (SELECT model FROM day_model)) AS model
), kept AS (
    SELECT day, scored, n_negative, share_negative FROM daily_brand_metrics
    WHERE brand = $brand AND source = '_all' AND day BETWEEN $start - INTERVAL 27 DAYS AND $day
      AND model_version IS NOT DISTINCT FROM (SELECT model FROM night)
), recounted AS (  -- only when $day's metrics have moved on from the alert's model (a rescore that reached it)
    SELECT m.day, count(s.mention_id) FILTER (WHERE model_read(s.note)) AS scored,
           count(s.mention_id) FILTER (WHERE model_read(s.note) AND s.label = 'negative') AS n_negative
    FROM mentions m
    LEFT JOIN sentiment s ON s.mention_id = m.mention_id AND s.model_version = (SELECT model FROM night)
    WHERE (SELECT model FROM night) IS DISTINCT FROM (SELECT model FROM day_model)
      AND m.brand = $brand AND m.day BETWEEN $start - INTERVAL 27 DAYS AND $day
      AND m.day NOT IN (SELECT day FROM kept)
    GROUP BY m.day
    HAVING count(s.mention_id) = count(*)
), series AS (
    SELECT * FROM kept
    UNION ALL
    SELECT day, scored, n_negative, n_negative / nullif(scored, 0) AS share_negative FROM recounted
), rolled AS (  -- on a calendar, so that a day without a row still has its 28 days' share
    SELECT c.day, s.scored, s.n_negative, s.share_negative,
           sum(s.n_negative) OVER w28 / nullif(sum(s.scored) OVER w28, 0) AS share_28d
    FROM (SELECT CAST(unnest(generate_series($start - INTERVAL 27 DAYS, $day, INTERVAL 1 DAY)) AS DATE) AS day) c
    LEFT JOIN series s USING (day)
    WINDOW w28 AS (ORDER BY c.day RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW)
)
SELECT r.day, r.scored AS volume, r.n_negative, r.share_negative AS share, r.share_28d,
       d.day IS NOT NULL AS flagged, (SELECT model FROM night) AS model
FROM rolled r
LEFT JOIN detections d ON d.brand = $brand AND d.day = r.day
WHERE r.day BETWEEN $start AND $day
ORDER BY r.day;
