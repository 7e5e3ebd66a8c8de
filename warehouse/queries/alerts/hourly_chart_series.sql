-- The hourly alert chart (pipeline/charts.py): a brand's hourly totals (all sources) in [$start, $end), oldest
-- first; hours without a row are drawn as zero. One model version, named in model: that of the brand's latest
-- scored hour before $end, as the watch's detector reads its series (pipeline.alerts.incidents._hourly_model);
-- hours another model scored (before a `brandpulse rescore --since` in the 48 hours, or one under way) are left
-- out, drawn as zero: a chart never mixes two models. $brand, $start, $end.
WITH latest AS (
    SELECT model_version AS model FROM hourly_brand_metrics
    WHERE brand = $brand AND source = '_all' AND hour < $end AND model_version IS NOT NULL
    ORDER BY hour DESC LIMIT 1
)
SELECT hour, scored AS volume, n_negative, (SELECT model FROM latest) AS model
FROM hourly_brand_metrics
WHERE brand = $brand AND source = '_all' AND hour >= $start AND hour < $end
  AND model_version IS NOT DISTINCT FROM (SELECT model FROM latest)
ORDER BY hour;
