-- Recompute daily metrics for the days in $days (a list of DATE), per brand and source and in total ('_all'),
-- with the "scored" rule of metrics/scored_by_version.sql (one model version per day and brand). Run inside a
-- transaction with the DELETE before it.
--
-- Proportional to the days, not to the history: the days' mentions are found by day (zone maps skip the rest of
-- the table), their scores as metrics/scored_by_version.sql says.
DELETE FROM daily_brand_metrics WHERE list_contains($days, day);
CREATE OR REPLACE TEMP TABLE metrics_period_mentions AS
SELECT mention_id, brand, source, day AS period, first_seen FROM mentions
WHERE day BETWEEN list_min($days) AND list_max($days) AND list_contains($days, day);
-- include: metrics/scored_by_version
INSERT INTO daily_brand_metrics BY NAME
SELECT period AS day, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       count(*) FILTER (WHERE label = 'neutral') AS n_neutral,
       count(*) FILTER (WHERE label = 'positive') AS n_positive,
       count(*) FILTER (WHERE label = 'negative') / nullif(count(label), 0) AS share_negative,
       avg(score) AS mean_score,
       any_value(model_version) AS model_version,
       now() AS computed_at, $run_id AS run_id
FROM metrics_period_scored
GROUP BY GROUPING SETS ((period, brand, source), (period, brand));
DROP TABLE metrics_period_mentions;
DROP TABLE metrics_period_scored;
