-- What was rejected, by brand, source and reason.
CREATE OR REPLACE VIEW v_quarantine_summary AS
SELECT brand, source, reason, count(*) AS rows, min(first_seen) AS first_seen, max(first_seen) AS last_seen
FROM quarantine
GROUP BY ALL;
