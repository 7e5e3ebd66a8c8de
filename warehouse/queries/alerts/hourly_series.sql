-- A brand's hourly totals (all sources) in [$start, $end), oldest first, in one model version, named in model: that
-- of the brand's latest scored hour before $end (pipeline.alerts.incidents._hourly_model). The watch's intraday
-- detector reads its five weeks of history so (pipeline.alerts.incidents._hourly_series), and the hourly alert chart
-- its 48 hours (pipeline/charts.py; hours without a row drawn as zero): hours another model scored (before a
-- `brandpulse rescore --since`, or one under way) are left out, so neither mixes two models. $brand, $start, $end.
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
