-- The HTML report: sustained shifts in a brand's share negative between two days. $brand, $start, $day.
SELECT day, before_level, after_level, direction, detail
FROM change_points
WHERE brand = $brand AND day BETWEEN $start AND $day
ORDER BY day;
