-- Record an alert. Its id is derived from (brand, kind, day), so a re-run of the night keeps the first record (its
-- model_version too: the model its figures were computed in, though a rescore has moved the day on since).
-- $created_at: the moment of recording (now() would be the transaction's start, the same for every alert of a run).
INSERT INTO alerts BY NAME
SELECT $alert_id AS alert_id, $incident_id AS incident_id, $brand AS brand, $kind AS kind, $status AS status,
       $day AS day, $severity AS severity, $headline AS headline, $reason AS reason, $observed AS observed,
       $expected AS expected, CAST($explanation AS JSON) AS explanation, $send AS send, $created_at AS created_at,
       $run_id AS run_id, $model_version AS model_version
ON CONFLICT (alert_id) DO NOTHING
RETURNING alert_id;
