-- Rows a run quarantined for the given survey or customer sources. $run_id; $sources (list of names).
SELECT count(*) FROM quarantine WHERE run_id = $run_id AND list_contains($sources, source);
