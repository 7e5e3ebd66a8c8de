-- The outcome of a pending attempt (begin_delivery). $alert_id, $channel, $attempt, $ok, $status, $error,
-- $external_id (the receiver's id of the message, e.g. a Slack ts; NULL when it gives none).
UPDATE alert_deliveries SET ok = $ok, status = $status, error = $error, external_id = CAST($external_id AS VARCHAR)
WHERE alert_id = $alert_id AND channel = $channel AND attempt = $attempt AND ok IS NULL;
