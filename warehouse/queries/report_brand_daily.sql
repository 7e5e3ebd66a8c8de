-- The HTML report: daily totals (all sources) of one or more brands over a window. $brands (list), $start, $day.
SELECT day, brand, volume, scored, n_negative, n_neutral, n_positive, share_negative, mean_score
FROM v_brand_daily
WHERE list_contains($brands, brand) AND day BETWEEN $start AND $day
ORDER BY brand, day;
