-- Alert × channel pairs with no successful delivery yet (v_alert_deliveries.ok), or with e-mail recipients still
-- owed it (retry_to: refused for now while others took it; these age out as any other), in the order they were recorded
-- (an incident's 'new' before its 'worse' or 'update', so a follow-up finds the message it follows, even when the
-- watch's 'new' is on the next day, after midnight, and the night's 'update' on the day before), with the
-- attempts so far and the state of the last ('failed', 'pending': cut off mid-send, 'held': quiet hours, or NULL:
-- never tried), whether the last attempt was a digest's (via) and when it began, and the alert's brand, severity,
-- incident and time.
-- $channels: the configured channel names. $alert_id: NULL for every alert to send (recorded with send, of a day
-- from $since on: alerting.max_age_days, so a channel added later, or back after a longer outage, gets only the
-- recent ones; an hourly alert ($hourly: the kinds) has a day more, as its window, dated by its start, may end the
-- next day, which detect counts from), or one
-- alert (an explicit resend: any alert, backfilled or old). A pair held for quiet hours does not age out while it
-- can still be sent: it waits for the digest of the first send after the hours end, however late that comes, and
-- is retried as a digest until one is delivered (via 'digest': a failed digest does not age it out either). One
-- superseded, a digest left pending (possibly delivered), or one of a brand no longer in the config ($brands: the
-- configured brand ids; it cannot be sent), ages out as any other: every run counted it for good.
-- superseded: a later alert of the same incident reached this channel already (this one failed, or was held,
-- before it did), so sending this one now would put its older figures after the newer ones.
-- digest_key: the Idempotency-Key of the last digest the pair was sent in (its attempt's external_id; NULL: never
-- in one): a failed or pending digest is sent again as that same digest, not merged with alerts held since, nor
-- with another digest of the same run (the run sends one for those and one for the alerts held since).
WITH pairs AS (
    SELECT a.alert_id, c.channel, coalesce(d.attempts, 0) AS attempts, d.state, d.via, d.last_attempt_at, a.brand,
           coalesce(d.ok, false) AS ok, coalesce(d.retry_to, []) AS retry_to,
           a.severity, a.incident_id, a.status, a.created_at, a.day, a.kind,
           EXISTS (SELECT 1 FROM alerts l JOIN v_alert_deliveries ld ON ld.alert_id = l.alert_id
                   WHERE l.incident_id = a.incident_id AND ld.channel = c.channel AND ld.ok
                     AND l.created_at > a.created_at) AS superseded,
           (SELECT arg_max(x.external_id, x.attempt) FROM alert_deliveries x
            WHERE x.alert_id = a.alert_id AND x.channel = c.channel AND x.via = 'digest'
              AND x.external_id IS NOT NULL) AS digest_key
    FROM alerts a
    CROSS JOIN (SELECT unnest($channels) AS channel) c
    LEFT JOIN v_alert_deliveries d ON d.alert_id = a.alert_id AND d.channel = c.channel
    WHERE (a.alert_id = CAST($alert_id AS VARCHAR) OR (CAST($alert_id AS VARCHAR) IS NULL AND a.send))
      AND (NOT coalesce(d.ok, false) OR len(coalesce(d.retry_to, [])) > 0)
)
SELECT alert_id, channel, attempts, state, via, last_attempt_at, brand, severity, incident_id, status, created_at,
       superseded, ok, retry_to, digest_key
FROM pairs
WHERE CAST($alert_id AS VARCHAR) IS NOT NULL
   OR day + CAST(list_contains($hourly, kind) AS INTEGER) >= $since
   OR ((state = 'held' OR via = 'digest') AND state IS DISTINCT FROM 'pending' AND NOT superseded AND NOT ok
       AND list_contains($brands, brand))
ORDER BY created_at, day, alert_id, channel;
