-- Alert × channel pairs with no successful delivery yet, oldest first, with the attempts so far.
-- $channels: the configured channel names.
SELECT a.alert_id, c.channel, coalesce(max(d.attempt), 0) AS attempts
FROM alerts a
CROSS JOIN (SELECT unnest($channels) AS channel) c
LEFT JOIN alert_deliveries d ON d.alert_id = a.alert_id AND d.channel = c.channel
WHERE a.send
GROUP BY a.alert_id, a.day, c.channel
HAVING NOT coalesce(bool_or(d.ok), false)
ORDER BY a.day, a.alert_id, c.channel;
