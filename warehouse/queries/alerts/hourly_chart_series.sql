-- The hourly alert chart (pipeline/charts.py): a brand's hourly totals (all sources) in [$start, $end), oldest
-- first; hours without a row are drawn as zero. $brand, $start, $end.
SELECT hour, scored AS volume, n_negative
FROM hourly_brand_metrics
WHERE brand = $brand AND source = '_all' AND hour >= $start AND hour < $end
ORDER BY hour;
