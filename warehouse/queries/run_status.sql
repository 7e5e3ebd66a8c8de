-- A run's status, and which extract jobs did not succeed. $run_id.
SELECT r.status, list(s.brand || '/' || s.source ORDER BY s.brand, s.source) FILTER (WHERE s.step = 'extract'
       AND s.status NOT IN ('success', 'truncated')) AS missing
FROM pipeline_runs r LEFT JOIN run_steps s USING (run_id)
WHERE r.run_id = $run_id
GROUP BY r.status;
