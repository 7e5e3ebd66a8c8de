-- Record the detector's verdict on one brand-day: clear it, then insert the spike if there is one.
-- $brand, $day, $flagged (bool), and the spike's numbers.
DELETE FROM detections WHERE brand = $brand AND day = $day AND source = '_all';
INSERT INTO detections BY NAME
SELECT $day AS day, $brand AS brand, '_all' AS source, $observed AS observed, $expected AS expected,
       $volume AS volume, $share AS share, $baseline_share AS baseline_share, $p_count AS p_count,
       $p_share AS p_share, $z AS z, $severity AS severity, $reason AS reason, now() AS detected_at,
       $run_id AS run_id
WHERE $flagged;
