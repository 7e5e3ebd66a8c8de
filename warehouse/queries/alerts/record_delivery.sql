-- An attempt decided without a network call (the step's budget ran out; the channel's quiet hours held it):
-- recorded with its outcome at once. $alert_id, $channel, $attempt, $ok, $status, $error, $run_id, $via,
-- $retry_to (the e-mail recipients an untried retry leaves owed, else NULL). An
-- attempt another send running beside this one recorded first stays as that one recorded it.
INSERT INTO alert_deliveries BY NAME
SELECT $alert_id AS alert_id, $channel AS channel, $attempt AS attempt, now() AS attempted_at, $ok AS ok,
       $status AS status, $error AS error, $run_id AS run_id, CAST($via AS VARCHAR) AS via,
       CAST($retry_to AS VARCHAR[]) AS retry_to
ON CONFLICT DO NOTHING;
