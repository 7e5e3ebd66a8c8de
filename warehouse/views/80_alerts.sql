-- Alerts with their explanation and delivery, newest first. deliveries: each channel tried (attempts, ok, state,
-- the last status and error, from v_alert_deliveries); delivery: the same in words, as `brandpulse alerts` and
-- the report show it ('cx-slack: delivered, ops-hook: failed ×2': the attempts tried, not those held for quiet
-- hours; 'cx-slack: pending (possibly delivered)' when an attempt was cut off mid-send; 'cx-email: delivered, 1 recipient(s) to retry' when the e-mail server
-- refused one for now while the others took it, '..., 1 recipient(s) pending (possibly delivered)' when the
-- retry to it got no answer; 'cx-email: held (quiet hours)' until the channel's digest; 'not sent yet' before the first attempt; 'not sent (backfilled night)'
-- for nights older than alerting.max_age_days); delivered: every channel tried accepted it; model_version: the model
-- whose metrics it was raised on (NULL: recorded before migration 0025 and not known).
CREATE OR REPLACE VIEW v_alerts AS
WITH tried AS (
    SELECT alert_id,
           list({'channel': channel, 'ok': ok, 'state': state, 'attempts': attempts, 'status': status,
                 'error': error, 'retry_to': retry_to} ORDER BY channel) AS deliveries,
           string_agg(channel || ': ' || CASE state WHEN 'delivered' THEN 'delivered'
                                                        || CASE WHEN len(retry_to) > 0 THEN ', ' || len(retry_to)
                                                                || ' recipient(s) to retry' ELSE '' END
                                                    WHEN 'pending' THEN CASE WHEN ok THEN 'delivered, '
                                                                || len(retry_to) || ' recipient(s) pending (possibly delivered)'
                                                                ELSE 'pending (possibly delivered)' END
                                                    WHEN 'held' THEN 'held (quiet hours)'
                                                    ELSE 'failed ×' || (attempts - held_attempts) END, ', '
                      ORDER BY channel) AS outcome,
           bool_and(ok) AS all_ok
    FROM v_alert_deliveries
    GROUP BY alert_id
)
SELECT a.day, a.brand, a.kind, a.status, a.severity, a.headline, a.reason, a.observed, round(a.expected, 1) AS expected,
       a.explanation, a.send, a.alert_id, a.incident_id, a.created_at, t.deliveries,
       CASE WHEN t.outcome IS NOT NULL THEN t.outcome
            WHEN NOT a.send THEN 'not sent (backfilled night)' ELSE 'not sent yet' END AS delivery,
       coalesce(t.all_ok, false) AS delivered, a.model_version
FROM alerts a
LEFT JOIN tried t USING (alert_id)
ORDER BY a.day DESC, a.brand;
