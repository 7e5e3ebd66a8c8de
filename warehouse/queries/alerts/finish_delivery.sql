-- The outcome of a pending attempt (begin_delivery). $alert_id, $channel, $attempt, $ok, $status, $error,
-- $external_id (the receiver's id of the message, e.g. a Slack ts; NULL when it gives none), $retry_to (e-mail
-- recipients still owed it, or NULL).
UPDATE alert_deliveries SET ok = $ok, status = $status, error = $error, external_id = CAST($external_id AS VARCHAR),
                            retry_to = CAST($retry_to AS VARCHAR[])
WHERE alert_id = $alert_id AND channel = $channel AND attempt = $attempt AND ok IS NULL;
