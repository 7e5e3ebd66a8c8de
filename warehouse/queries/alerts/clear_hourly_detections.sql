-- Clear the intraday detector's verdicts on the hours a watch run examined, before it records its flags
-- (alerts/save_hourly_detection.sql): each hour keeps its latest verdict. $brand, $hours (TIMESTAMPTZ hour starts).
DELETE FROM hourly_detections WHERE brand = $brand AND list_contains($hours, hour);
