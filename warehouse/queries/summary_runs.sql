-- How many runs, and how many succeeded.
SELECT count(*), count(*) FILTER (WHERE status = 'success') FROM pipeline_runs;
