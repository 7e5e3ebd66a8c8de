-- The days from $since to $day on which $brand was flagged, as recorded: the night's flagged days (detections),
-- the days of the watch's flagged hours of the kinds $kinds (hourly_detections, by their window's start) and the
-- days of its alerts of the kinds $kinds (which stand for flags recorded before 0016). An incident is a chain of
-- these days, each at most alerting.cooldown_days before the next: a negative flag's $kinds are spike and
-- hourly_spike (a volume_spike never keeps a negative storm going), a volume_spike's all three
-- (pipeline.alerts.incidents._chain_start, which also sets $since: an incident is read back two weeks at most).
SELECT day FROM detections WHERE brand = $brand AND source = '_all' AND day BETWEEN $since AND $day
UNION
SELECT day FROM hourly_detections WHERE brand = $brand AND list_contains($kinds, kind) AND day BETWEEN $since AND $day
UNION
SELECT day FROM alerts WHERE brand = $brand AND list_contains($kinds, kind) AND day BETWEEN $since AND $day;
