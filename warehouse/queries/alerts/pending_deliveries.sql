-- Alert × channel pairs with no successful delivery yet (v_alert_deliveries.ok), oldest first, with the
-- attempts so far. $channels: the configured channel names.
SELECT a.alert_id, c.channel, coalesce(d.attempts, 0) AS attempts
FROM alerts a
CROSS JOIN (SELECT unnest($channels) AS channel) c
LEFT JOIN v_alert_deliveries d ON d.alert_id = a.alert_id AND d.channel = c.channel
WHERE a.send AND NOT coalesce(d.ok, false)
ORDER BY a.day, a.alert_id, c.channel;
