-- Recent alerts, newest first, with a one-line delivery summary. $brand (or NULL for all), $days.
SELECT alert_id, day, brand, kind, status, severity, headline, reason, explanation, send,
       (SELECT string_agg(channel || ': ' || CASE WHEN ok THEN 'delivered' ELSE 'failed x' || attempt END, ', '
                          ORDER BY channel)
        FROM (SELECT channel, bool_or(ok) AS ok, max(attempt) AS attempt
              FROM alert_deliveries d WHERE d.alert_id = a.alert_id GROUP BY channel)) AS delivery
FROM alerts a
WHERE ($brand IS NULL OR brand = $brand)
  AND day >= (SELECT max(day) FROM alerts) - to_days(CAST($days AS INTEGER))
ORDER BY day DESC, brand, kind;
