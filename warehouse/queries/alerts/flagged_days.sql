-- The days up to $day on which $brand was flagged, as recorded: the night's flagged days (detections), the days
-- of the watch's flagged hours (hourly_detections, by their window's start) and the days of its alerts of the
-- spike kinds $kinds (which stand for flags recorded before 0016). An incident is a chain of these days, each at
-- most alerting.cooldown_days before the next (pipeline.alerts.incidents._incident_start).
SELECT day FROM detections WHERE brand = $brand AND source = '_all' AND day <= $day
UNION
SELECT day FROM hourly_detections WHERE brand = $brand AND day <= $day
UNION
SELECT day FROM alerts WHERE brand = $brand AND list_contains($kinds, kind) AND day <= $day;
