-- The outcome of a pending attempt (begin_delivery). $alert_id, $channel, $attempt, $ok, $status, $error.
UPDATE alert_deliveries SET ok = $ok, status = $status, error = $error
WHERE alert_id = $alert_id AND channel = $channel AND attempt = $attempt AND ok IS NULL;
