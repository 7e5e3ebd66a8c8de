-- One brand's daily series for the detector, from the brand totals. $brand, $start, $day.
SELECT day, scored AS volume, n_negative, mean_score
FROM daily_brand_metrics
WHERE brand = $brand AND source = '_all' AND day BETWEEN $start AND $day
ORDER BY day;
