-- What was rejected, by brand, source and kind of reason (reason_kind: the reason with its values masked, so the
-- rows rejected by one rule are one line, not one line each), with the latest such reason in full as an example.
CREATE OR REPLACE VIEW v_quarantine_summary AS
SELECT brand, source, reason_kind(reason) AS reason, count(*) AS rows, arg_max(reason, (first_seen, reason)) AS example,
       min(first_seen) AS first_seen, max(first_seen) AS last_seen
FROM quarantine
GROUP BY brand, source, reason_kind(reason);
