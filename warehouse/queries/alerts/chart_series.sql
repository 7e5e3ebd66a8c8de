-- The alert chart (pipeline/charts.py): a brand's daily totals with the rolling 28-day share (the day included)
-- and flagged days.
-- $brand, $start, $day.
SELECT b.day, b.scored AS volume, b.n_negative, b.share_negative AS share, b.share_negative_28d AS share_28d,
       d.day IS NOT NULL AS flagged
FROM v_brand_daily b
LEFT JOIN detections d ON d.brand = b.brand AND d.day = b.day
WHERE b.brand = $brand AND b.day BETWEEN $start AND $day
ORDER BY b.day;
