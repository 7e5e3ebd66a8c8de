-- The alert chart (pipeline/charts.py): a brand's daily totals (all sources) from $start to $day with the rolling
-- 28-day share (the day included) and flagged days, in one model version: that of $day's metrics, the one the
-- alert's detector and explanation read (pipeline.alerts.incidents._night_model), named in model. Not
-- v_brand_daily's series model (the brand's newest day's): the chart is drawn when the alert is sent, maybe after
-- a night on a newer model or a `brandpulse rescore --since` past $day, whose series leaves $day out (a v1 alert
-- drew nothing on its own day). Days another model scored are left out, as from the rolling share: a chart never
-- mixes two models. $brand, $start, $day.
WITH night AS (
    SELECT model_version AS model FROM daily_brand_metrics WHERE brand = $brand AND source = '_all' AND day = $day
), series AS (
    SELECT day, scored, n_negative, share_negative FROM daily_brand_metrics
    WHERE brand = $brand AND source = '_all' AND day BETWEEN $start - INTERVAL 27 DAYS AND $day
      AND model_version IS NOT DISTINCT FROM (SELECT model FROM night)
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
