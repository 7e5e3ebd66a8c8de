-- Rows a run wrote in a table that carries run_id. $run_id.
SELECT (SELECT count(*) FROM sentiment WHERE run_id = $run_id) AS scored,
       (SELECT count(*) FROM daily_brand_metrics WHERE run_id = $run_id) AS metric_rows;
