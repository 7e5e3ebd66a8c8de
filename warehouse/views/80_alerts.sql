-- Alerts with their explanation and delivery outcome per channel, newest first.
CREATE OR REPLACE VIEW v_alerts AS
SELECT a.day, a.brand, a.kind, a.status, a.severity, a.headline, a.reason, a.observed, round(a.expected, 1) AS expected,
       a.explanation, a.send, a.alert_id, a.incident_id, a.created_at,
       (SELECT list({'channel': d.channel, 'ok': d.ok, 'attempts': d.attempt, 'status': d.status,
                     'error': d.error} ORDER BY d.channel)
        FROM (SELECT channel, arg_max(ok, attempt) AS ok, max(attempt) AS attempt, arg_max(status, attempt) AS status,
                     arg_max(error, attempt) AS error
              FROM alert_deliveries WHERE alert_id = a.alert_id GROUP BY channel) d) AS deliveries
FROM alerts a
ORDER BY a.day DESC, a.brand;
