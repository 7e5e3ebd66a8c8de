-- Days whose mentions got a score in this run (their daily metrics must be recomputed). $run_id.
SELECT DISTINCT m.day FROM sentiment s JOIN mentions m USING (mention_id) WHERE s.run_id = $run_id ORDER BY 1;
