-- The HTML report: alerts raised between two days, newest first, with a one-line delivery summary per alert.
-- $brand (NULL for every brand), $start, $day.
SELECT a.alert_id, a.day, a.brand, a.kind, a.status, a.severity, a.headline, a.reason, a.send,
       (SELECT string_agg(channel || ': ' || CASE WHEN ok THEN 'delivered' ELSE 'failed ×' || attempt END, ', '
                          ORDER BY channel)
        FROM (SELECT channel, bool_or(ok) AS ok, max(attempt) AS attempt
              FROM alert_deliveries d WHERE d.alert_id = a.alert_id GROUP BY channel)) AS delivery
FROM alerts a
WHERE ($brand IS NULL OR a.brand = $brand) AND a.day BETWEEN $start AND $day
ORDER BY a.day DESC, a.brand, a.kind, a.alert_id;
