-- Keep a detected sustained shift. $day, $brand, $before_level, $after_level, $direction, $detail, $run_id,
-- $min_days (the detector's shortest segment, Sensitivity.cp_min_size).
-- Each night re-runs the change-point detector over the brand's history, and its estimate of a shift's first day
-- moves as the new level's days come in (08 Oct, then 09, then 13): a shift of the same direction less than
-- $min_days from this one is that shift as an earlier night placed it (one detection cannot hold two such: its
-- segments are at least $min_days long), and goes, so that the report and analysts see the shift once.
DELETE FROM change_points
WHERE brand = $brand AND direction = $direction AND day <> $day AND abs(day - CAST($day AS DATE)) < $min_days;
INSERT INTO change_points BY NAME
SELECT $day AS day, $brand AS brand, $before_level AS before_level, $after_level AS after_level,
       $direction AS direction, $detail AS detail, now() AS detected_at, $run_id AS run_id
ON CONFLICT (day, brand) DO UPDATE SET before_level = excluded.before_level, after_level = excluded.after_level,
    direction = excluded.direction, detail = excluded.detail;
