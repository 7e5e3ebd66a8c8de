-- One row per alert and channel tried: the attempts so far, whether one succeeded (ok), the state ('delivered';
-- 'pending': the last attempt was cut off mid-send, so the receiver may have it; 'failed'), and the last
-- attempt's HTTP status or SMTP reply and error. send_alerts retries a failed channel until an attempt
-- succeeds, then stops (but for e-mail recipients it left owed: retry_to, below), so ok is the last attempt's
-- outcome unless that was such a retry; a pending Slack or e-mail channel is resent
-- only by `brandpulse alerts --resend`, a pending webhook by the next run (with the same Idempotency-Key).
-- 'held': the channel was in its quiet hours (error says until when); the first run after they end sends it in
-- the channel's digest. status and error are the last attempt's, NULL where it had none (arg_max_null: a
-- connection error after a 'held' attempt is 'failed', not 'held'). via: the last attempt's, 'digest' when it sent
-- the alert in a digest (it is retried as one; a resend after it posts the alert as its own message); external_id: the id of the message the last successful attempt posted (a Slack
-- ts, with a bot token; an e-mail's Message-ID). retry_to: the e-mail recipients the last attempt left owed the
-- alert (refused for now, 4xx, while others took it: the next run sends it to them alone; when that retry is
-- left without an answer, ok stays true and the state is 'pending': only a resend sends it to them again); NULL
-- or empty: none. held_attempts: of the attempts, those that were only held for quiet hours (never tried).
-- What is still to send (queries/alerts/pending_deliveries.sql) and the delivery columns of v_alerts (80) read it.
--   SELECT channel, attempts, state, error FROM v_alert_deliveries WHERE NOT ok;
CREATE OR REPLACE VIEW v_alert_deliveries AS
SELECT alert_id, channel, max(attempt) AS attempts, coalesce(bool_or(ok), false) AS ok,
       CASE WHEN arg_max(ok IS NULL, attempt)
                 AND (NOT coalesce(bool_or(ok), false) OR len(coalesce(arg_max_null(retry_to, attempt), [])) > 0)
            THEN 'pending' WHEN bool_or(ok) THEN 'delivered'
            WHEN arg_max_null(status, attempt) = 'held' THEN 'held' ELSE 'failed' END AS state,
       arg_max_null(status, attempt) AS status, arg_max_null(error, attempt) AS error, arg_max_null(via, attempt) AS via,
       arg_max(external_id, attempt) FILTER (WHERE ok) AS external_id,
       max(attempted_at) AS last_attempt_at, arg_max_null(retry_to, attempt) AS retry_to,
       count(*) FILTER (WHERE status = 'held') AS held_attempts
FROM alert_deliveries
GROUP BY alert_id, channel;
