-- The HTML report: a brand's daily volume per source over a window. $brand, $start, $day.
SELECT day, source, volume, n_negative
FROM v_source_daily
WHERE brand = $brand AND day BETWEEN $start AND $day
ORDER BY day, source;
