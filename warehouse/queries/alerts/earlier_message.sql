-- The message a channel already has of an incident: the newest successful delivery on $channel of another
-- alert of $incident, sent as its own message (not in a digest), preferring one with the receiver's id (a Slack
-- bot's '<channel id>:<ts>', which a 'worse' alert edits). No row: the channel has not heard of the incident.
-- $incident, $channel, $alert_id.
SELECT d.external_id
FROM v_alert_deliveries d
JOIN alerts a USING (alert_id)
WHERE a.incident_id = $incident AND d.channel = $channel AND d.ok AND a.alert_id <> $alert_id
  AND d.via IS DISTINCT FROM 'digest'
ORDER BY d.external_id IS NULL, d.last_attempt_at DESC
LIMIT 1;
