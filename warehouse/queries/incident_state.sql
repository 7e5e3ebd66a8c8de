-- A brand's latest alert of a kind on a day in [$start, $day). $brand, $kind, $start, $day.
SELECT alert_id, incident_id, day, severity, observed
FROM alerts
WHERE brand = $brand AND kind = $kind AND day >= $start AND day < $day
ORDER BY day DESC
LIMIT 1;
