-- Recompute hourly metrics for the hours in $hours (a list of TIMESTAMPTZ hour starts, UTC), per brand and
-- source and in total ('_all'), with the "scored" rule of metrics/scored_by_version.sql (one model version per
-- hour and brand). Run inside a transaction with the DELETE before it. $run_id.
DELETE FROM hourly_brand_metrics WHERE list_contains($hours, hour);
CREATE OR REPLACE TEMP TABLE metrics_period_mentions AS
SELECT mention_id, brand, source, date_trunc('hour', created_at) AS period, first_seen
FROM mentions
WHERE created_at >= list_min($hours) AND created_at < list_max($hours) + INTERVAL 1 HOUR
  AND list_contains($hours, date_trunc('hour', created_at));
-- include: metrics/scored_by_version
INSERT INTO hourly_brand_metrics BY NAME
SELECT period AS hour, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       any_value(model_version) AS model_version,
       now() AS computed_at, $run_id AS run_id
FROM metrics_period_scored
GROUP BY GROUPING SETS ((period, brand, source), (period, brand));
DROP TABLE metrics_period_mentions;
DROP TABLE metrics_period_scored;
