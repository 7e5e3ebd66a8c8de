-- One alert, as the message needs it. $alert_id.
SELECT alert_id, incident_id, brand, kind, status, day, severity, headline, reason, explanation
FROM alerts WHERE alert_id = $alert_id;
