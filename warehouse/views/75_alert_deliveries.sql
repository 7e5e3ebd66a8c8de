-- One row per alert and channel tried: the attempts so far, whether one succeeded (ok), and the last attempt's
-- HTTP status or SMTP reply and error. send_alerts retries a channel until an attempt succeeds, then stops, so
-- ok is also the last attempt's outcome. What is still to send (queries/alerts/pending_deliveries.sql) and the
-- delivery columns of v_alerts (80) read it.
--   SELECT channel, attempts, ok, error FROM v_alert_deliveries WHERE NOT ok;
CREATE OR REPLACE VIEW v_alert_deliveries AS
SELECT alert_id, channel, max(attempt) AS attempts, bool_or(ok) AS ok,
       arg_max(status, attempt) AS status, arg_max(error, attempt) AS error,
       max(attempted_at) AS last_attempt_at
FROM alert_deliveries
GROUP BY alert_id, channel;
