-- An attempt about to be sent: recorded pending (ok NULL) and committed before the network call, so that a
-- process killed mid-send leaves it pending. finish_delivery completes it. $alert_id, $channel, $attempt,
-- $run_id, $via ('digest' for an alert sent in a quiet-hours digest, else NULL). Returns the attempt, or no row
-- when another send running beside this one (a resend during the night) recorded it first: that one sends it.
INSERT INTO alert_deliveries BY NAME
SELECT $alert_id AS alert_id, $channel AS channel, $attempt AS attempt, now() AS attempted_at,
       CAST(NULL AS BOOLEAN) AS ok, CAST(NULL AS VARCHAR) AS status, CAST(NULL AS VARCHAR) AS error,
       $run_id AS run_id, CAST($via AS VARCHAR) AS via
ON CONFLICT DO NOTHING
RETURNING attempt;
