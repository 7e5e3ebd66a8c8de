-- An attempt about to be sent: recorded pending (ok NULL) and committed before the network call, so that a
-- process killed mid-send leaves it pending. finish_delivery completes it. $alert_id, $channel, $attempt,
-- $run_id, $via ('digest' for an alert sent in a quiet-hours digest, else NULL). Returns the attempt, or no row
-- when another send running beside this one (a resend during the night) recorded it first, or has since recorded
-- the pair delivered or a later attempt of it (a resend that read the pairs before the night wrote its answer):
-- that one sends it, or has. $retry_to: the recipients an earlier, successful attempt left owed
-- (v_alert_deliveries.retry_to) when the attempt is for them alone, so only a later attempt stops it; recorded with
-- the pending attempt, so one cut off mid-send still owes them (a resend sends it to them alone). NULL: an attempt
-- for every recipient. $external_id: a digest's Idempotency-Key (pending_deliveries' digest_key), recorded with the
-- pending attempt so that a digest cut off mid-send is resent as itself; NULL for any other attempt.
INSERT INTO alert_deliveries BY NAME
SELECT $alert_id AS alert_id, $channel AS channel, $attempt AS attempt, now() AS attempted_at,
       CAST(NULL AS BOOLEAN) AS ok, CAST(NULL AS VARCHAR) AS status, CAST(NULL AS VARCHAR) AS error,
       $run_id AS run_id, CAST($via AS VARCHAR) AS via, CAST($retry_to AS VARCHAR[]) AS retry_to,
       CAST($external_id AS VARCHAR) AS external_id
WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries d
                  WHERE d.alert_id = $alert_id AND d.channel = $channel
                    AND ((d.ok AND $retry_to IS NULL) OR d.attempt >= $attempt))
ON CONFLICT DO NOTHING
RETURNING attempt;
