-- Keep a detected sustained shift. $day, $brand, $before_level, $after_level, $direction, $detail, $run_id.
INSERT INTO change_points BY NAME
SELECT $day AS day, $brand AS brand, $before_level AS before_level, $after_level AS after_level,
       $direction AS direction, $detail AS detail, now() AS detected_at, $run_id AS run_id
ON CONFLICT (day, brand) DO UPDATE SET before_level = excluded.before_level, after_level = excluded.after_level,
    detail = excluded.detail;
