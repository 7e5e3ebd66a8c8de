-- Record one hour the intraday detector flagged, after the run's hours were cleared
-- (alerts/clear_hourly_detections.sql). $hour, $brand, $kind, $day, $window_start, $window_end, the window's
-- numbers, $severity, $reason, $run_id.
INSERT INTO hourly_detections BY NAME
SELECT $hour AS hour, $brand AS brand, $kind AS kind, $day AS day, $window_start AS window_start,
       $window_end AS window_end, $observed AS observed, $expected AS expected, $volume AS volume, $share AS share,
       $baseline_share AS baseline_share, $p_count AS p_count, $p_share AS p_share, $z AS z, $severity AS severity,
       $reason AS reason, now() AS detected_at, $run_id AS run_id;
