-- Keep a detected sustained shift. $day, $brand, $before_level, $after_level, $direction, $detail, $run_id,
-- $night (the night whose history placed it), $min_days (the detector's shortest segment, Sensitivity.cp_min_size),
-- $model_version (the model of the series it was placed on: the night's).
-- Each night re-runs the change-point detector over the brand's history, and its estimate of a shift's first day
-- moves as the new level's days come in (08 Oct, then 09, then 13): a shift of the same direction less than
-- $min_days from this one is that shift as another night placed it (one detection cannot hold two such: its
-- segments are at least $min_days long), and the estimate of the latest night stands, so that the report and
-- analysts see the shift once, where the most history puts it. A re-run of an earlier night (a backfill) changes
-- nothing a later night placed. A row without a night (NULL) counts as placed on its own day.
DELETE FROM change_points
WHERE brand = $brand AND direction = $direction AND day <> $day AND abs(day - CAST($day AS DATE)) < $min_days
  AND coalesce(night, day) <= CAST($night AS DATE);
INSERT INTO change_points BY NAME
SELECT $day AS day, $brand AS brand, $before_level AS before_level, $after_level AS after_level,
       $direction AS direction, $detail AS detail, now() AS detected_at, $run_id AS run_id, $night AS night,
       $model_version AS model_version
WHERE NOT EXISTS (
    SELECT 1 FROM change_points
    WHERE brand = $brand AND coalesce(night, day) > CAST($night AS DATE)
      AND (day = $day OR (direction = $direction AND abs(day - CAST($day AS DATE)) < $min_days))
)
ON CONFLICT (day, brand) DO UPDATE SET before_level = excluded.before_level, after_level = excluded.after_level,
    direction = excluded.direction, detail = excluded.detail, night = excluded.night,
    model_version = excluded.model_version;
